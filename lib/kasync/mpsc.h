/*
 * mpsc.h - Vyukov's intrusive multi-producer single-consumer queue with a
 * stub node, plus a consumer lock and a length so that it serves both as a
 * CPU's run queue and as the global injector, and can be stolen from.
 *
 *   producers --xchg--> head ... tail <-- the one consumer (holder of `busy`)
 *
 * Pushing is wait-free (one exchange and one store). Between the exchange
 * and the store the list is briefly cut: the consumer then sees
 * KASYNC_MPSC_INCONSISTENT and retries later.
 * Invariant: `queued` >= the number of nodes reachable from tail (a pusher
 * counts before it links; a consumer uncounts after it unlinks).
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "kasync/task.h"

struct kasync_mpsc {
	_Atomic(struct kasync_link *) head;    /* the last pushed node */
	_Alignas(64) struct kasync_link *tail; /* consumer only */
	struct kasync_link stub;
	_Atomic bool busy;     /* a consumer holds the tail */
	_Atomic size_t queued; /* pushed and not yet popped */
};

enum kasync_mpsc_pop {
	KASYNC_MPSC_OK,
	KASYNC_MPSC_EMPTY,
	KASYNC_MPSC_INCONSISTENT, /* a push is half done: retry */
};

void kasync_mpsc_init(struct kasync_mpsc *q);

/* kasync_mpsc_push - appends `n`; any thread, interrupt handlers too. */
void kasync_mpsc_push(struct kasync_mpsc *q, struct kasync_link *n);

/*
 * kasync_mpsc_push_chain - appends the `n` nodes first..last, already linked
 * through their `next` (plain stores are enough: the append publishes them),
 * with one count and one exchange: how a batch moves between queues.
 */
void kasync_mpsc_push_chain(struct kasync_mpsc *q, struct kasync_link *first,
			    struct kasync_link *last, size_t n);

/* kasync_mpsc_try_consume / kasync_mpsc_release - the consumer lock (inline: taken per poll). */
static inline bool kasync_mpsc_try_consume(struct kasync_mpsc *q)
{
	/* relaxed pre-check: avoids a write on a contended line; the exchange decides. */
	if (atomic_load_explicit(&q->busy, memory_order_relaxed))
		return false;
	/* acquire: the previous consumer's tail updates happen before ours. */
	return !atomic_exchange_explicit(&q->busy, true, memory_order_acquire);
}

static inline void kasync_mpsc_release(struct kasync_mpsc *q)
{
	/* release: hands our tail updates to the next consumer. */
	atomic_store_explicit(&q->busy, false, memory_order_release);
}

/* kasync_mpsc_pop - the holder of the consumer lock takes the oldest node. */
enum kasync_mpsc_pop kasync_mpsc_pop(struct kasync_mpsc *q, struct kasync_link **out);

/*
 * kasync_mpsc_pop_uncounted / kasync_mpsc_uncount - pop without uncounting,
 * then uncount a batch at once (the count stays >= what is reachable; a node
 * in transit to another queue is counted in both for a moment, never in none).
 */
enum kasync_mpsc_pop kasync_mpsc_pop_uncounted(struct kasync_mpsc *q, struct kasync_link **out);
void kasync_mpsc_uncount(struct kasync_mpsc *q, size_t n);

/* kasync_mpsc_len - how many are queued (may count pushes in progress). */
static inline size_t kasync_mpsc_len(struct kasync_mpsc *q)
{
	return atomic_load(&q->queued);
}
