/*
 * bench.c - the executor benchmarks' workloads (see bench.h). Each task is
 * one struct whose `fn` is its poll step; the last task to finish calls
 * done().
 */
#include "kasync/bench.h"

#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "kasync/oneshot.h"

struct btask {
	struct kasync_task task;
	struct kasync_bench *b;
	enum kasync_poll (*fn)(struct btask *self, struct kasync_cx *cx);
	int step;
	long n;
	struct kasync_oneshot a, b_chan;
	struct btask *peer;
	struct btask *free_next; /* in the pool once finished */
};

static void finish_one(struct kasync_bench *b)
{
	if (atomic_fetch_sub(&b->remaining, 1) == 1)
		b->done(b->done_arg);
}

static enum kasync_poll bt_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct btask *t = (struct btask *)task;
	return t->fn(t, cx);
}

static void bt_dealloc(struct kasync_task *task)
{
	struct btask *t = (struct btask *)task;

	struct kasync_bench *b = t->b;

	if (!b->pool) {
		free(t);
		return;
	}
	/* relaxed: the release CAS below publishes the link. */
	t->free_next = atomic_load_explicit(&b->free_shared, memory_order_relaxed);
	/* release: our writes to the task happen before its next user's (taken by acquire). */
	while (!atomic_compare_exchange_weak_explicit(&b->free_shared, &t->free_next, t,
						      memory_order_release, memory_order_relaxed))
		;
}

static const struct kasync_task_vtable bt_vt = {.poll = bt_poll, .dealloc = bt_dealloc};

static struct btask *bt_alloc(struct kasync_bench *b)
{
	struct btask *t;

	/* relaxed pre-check: avoids a write on a contended line; the exchange decides. */
	if (!b->pool || atomic_load_explicit(&b->taking, memory_order_relaxed) ||
	    atomic_exchange_explicit(&b->taking, true, memory_order_acquire))
		return malloc(sizeof(struct btask));
	t = b->free_taken;
	if (t == NULL) /* refill; acquire: pairs with the pushers' release */
		t = atomic_exchange_explicit(&b->free_shared, NULL, memory_order_acquire);
	if (t != NULL)
		b->free_taken = t->free_next;
	/* release: hands free_taken to the next taker. */
	atomic_store_explicit(&b->taking, false, memory_order_release);
	return t != NULL ? t : malloc(sizeof(struct btask));
}

void kasync_bench_use_pool(struct kasync_bench *b)
{
	atomic_init(&b->free_shared, NULL);
	atomic_init(&b->taking, false);
	b->free_taken = NULL;
	b->pool = true;
}

static void free_list(struct btask *t)
{
	while (t != NULL) {
		struct btask *next = t->free_next;
		free(t);
		t = next;
	}
}

void kasync_bench_fini(struct kasync_bench *b)
{
	if (!b->pool)
		return;
	free_list(b->free_taken);
	free_list(atomic_exchange(&b->free_shared, NULL));
	b->free_taken = NULL;
	b->pool = false;
}

/* Spawns a new task running fn; false if out of memory or closed. */
static bool spawn(struct kasync_bench *b,
		  enum kasync_poll (*fn)(struct btask *, struct kasync_cx *), long n,
		  struct btask *peer)
{
	struct btask *t = bt_alloc(b);
	if (t == NULL)
		return false;
	kasync_task_init(&t->task, &bt_vt, "bench");
	t->b = b;
	t->fn = fn;
	t->step = 0;
	t->n = n;
	t->peer = peer;
	return kasync_spawn(b->exec, &t->task, NULL) == 0;
}

static enum kasync_poll bump(struct btask *t, struct kasync_cx *cx)
{
	(void)cx;
	finish_one(t->b);
	return KASYNC_READY;
}

static enum kasync_poll chain(struct btask *t, struct kasync_cx *cx)
{
	(void)cx;
	if (t->n == 0 || !spawn(t->b, chain, t->n - 1, NULL))
		finish_one(t->b);
	return KASYNC_READY;
}

static enum kasync_poll yielder(struct btask *t, struct kasync_cx *cx)
{
	if (t->n-- > 0) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	finish_one(t->b);
	return KASYNC_READY;
}

static enum kasync_poll pong(struct btask *t, struct kasync_cx *cx)
{
	uintptr_t v;
	int err;
	if (kasync_oneshot_recv_poll(&t->peer->a, cx, &v, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	kasync_oneshot_send(&t->peer->b_chan, err ? 0 : v + 1);
	return KASYNC_READY;
}

static enum kasync_poll ping(struct btask *t, struct kasync_cx *cx)
{
	uintptr_t v = 0;
	int err;
	if (t->step == 0) {
		kasync_oneshot_init(&t->a);
		kasync_oneshot_init(&t->b_chan);
		/* pong uses our channels only until it sends on b_chan, which we
		 * wait for, so we outlive its use of them */
		if (!spawn(t->b, pong, 0, t)) {
			finish_one(t->b);
			return KASYNC_READY;
		}
		kasync_oneshot_send(&t->a, 1);
		t->step = 1;
	}
	if (kasync_oneshot_recv_poll(&t->b_chan, cx, &v, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	finish_one(t->b);
	return KASYNC_READY;
}

long kasync_bench_start(struct kasync_bench *b, const char *name)
{
	enum kasync_poll (*fn)(struct btask *, struct kasync_cx *);
	long tasks, n = 0, ops;

	if (strcmp(name, "spawn_many") == 0) {
		fn = bump, tasks = ops = 10000;
	} else if (strcmp(name, "chained_spawn") == 0) {
		fn = chain, tasks = 1, n = ops = 1000;
	} else if (strcmp(name, "ping_pong") == 0) {
		fn = ping, tasks = ops = 1000;
	} else if (strcmp(name, "yield_many") == 0) {
		fn = yielder, tasks = 200, n = 1000, ops = 200 * 1000;
	} else {
		return ERR_NOENT;
	}
	atomic_store(&b->remaining, tasks);
	for (long i = 0; i < tasks; i++) {
		if (!spawn(b, fn, n, NULL)) {
			/* the ones not spawned will never finish: count them out */
			if (atomic_fetch_sub(&b->remaining, tasks - i) == tasks - i)
				b->done(b->done_arg);
			return ERR_NOMEM;
		}
	}
	return ops;
}
