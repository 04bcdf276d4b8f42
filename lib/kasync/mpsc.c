/*
 * mpsc.c - the intrusive MPSC queue (see mpsc.h). The stub node keeps the
 * list non-empty, so push never has to touch `tail`: when the consumer is
 * about to take the last real node it pushes the stub behind it first.
 */
#include "kasync/mpsc.h"

void kasync_mpsc_init(struct kasync_mpsc *q)
{
	/* relaxed: the queue is published to other threads by whoever shares the executor. */
	atomic_store_explicit(&q->stub.next, NULL, memory_order_relaxed);
	atomic_store_explicit(&q->head, &q->stub, memory_order_relaxed);
	q->tail = &q->stub;
	atomic_store_explicit(&q->busy, false, memory_order_relaxed);
	atomic_store_explicit(&q->queued, 0, memory_order_relaxed);
}

static void push_link(struct kasync_mpsc *q, struct kasync_link *n)
{
	/* relaxed: published by the release store to prev->next below. */
	atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
	/* acq_rel: orders against other pushers' exchanges on head (prev is theirs). */
	struct kasync_link *prev = atomic_exchange_explicit(&q->head, n, memory_order_acq_rel);
	/* release: the consumer that reads prev->next sees n and the task behind it. */
	atomic_store_explicit(&prev->next, n, memory_order_release);
}

void kasync_mpsc_push(struct kasync_mpsc *q, struct kasync_link *n)
{
	/* seq_cst: a sleeping worker checks `queued` after announcing itself idle (exec.c). */
	atomic_fetch_add(&q->queued, 1);
	push_link(q, n);
}

void kasync_mpsc_push_chain(struct kasync_mpsc *q, struct kasync_link *first,
			    struct kasync_link *last, size_t n)
{
	/* seq_cst: as in kasync_mpsc_push, once for the whole chain. */
	atomic_fetch_add(&q->queued, n);
	/* relaxed: published by the release store to prev->next below. */
	atomic_store_explicit(&last->next, NULL, memory_order_relaxed);
	/* acq_rel: as in push_link. */
	struct kasync_link *prev = atomic_exchange_explicit(&q->head, last, memory_order_acq_rel);
	/* release: the chain's links (stored before) become visible with its first node. */
	atomic_store_explicit(&prev->next, first, memory_order_release);
}

void kasync_mpsc_uncount(struct kasync_mpsc *q, size_t n)
{
	/* seq_cst: the counterpart of the pushes' counts (the idle check reads it). */
	atomic_fetch_sub(&q->queued, n);
}

enum kasync_mpsc_pop kasync_mpsc_pop_uncounted(struct kasync_mpsc *q, struct kasync_link **out)
{
	struct kasync_link *tail = q->tail;
	/* acquire: pairs with the pusher's release store of next. */
	struct kasync_link *next = atomic_load_explicit(&tail->next, memory_order_acquire);

	if (tail == &q->stub) {
		if (next == NULL)
			return atomic_load_explicit(&q->head, memory_order_acquire) == &q->stub
				       ? KASYNC_MPSC_EMPTY
				       : KASYNC_MPSC_INCONSISTENT;
		q->tail = next;
		tail = next;
		/* acquire: as above. */
		next = atomic_load_explicit(&tail->next, memory_order_acquire);
	}
	if (next != NULL) {
		q->tail = next;
		goto out;
	}
	/* acquire: a pusher's exchange that we see must have its node visible. */
	if (atomic_load_explicit(&q->head, memory_order_acquire) != tail)
		return KASYNC_MPSC_INCONSISTENT;
	push_link(q, &q->stub);
	/* acquire: as above. */
	next = atomic_load_explicit(&tail->next, memory_order_acquire);
	if (next == NULL)
		return KASYNC_MPSC_INCONSISTENT;
	q->tail = next;
out:
	*out = tail;
	return KASYNC_MPSC_OK;
}

enum kasync_mpsc_pop kasync_mpsc_pop(struct kasync_mpsc *q, struct kasync_link **out)
{
	enum kasync_mpsc_pop r = kasync_mpsc_pop_uncounted(q, out);

	if (r == KASYNC_MPSC_OK)
		kasync_mpsc_uncount(q, 1);
	return r;
}
