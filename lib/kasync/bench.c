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
	struct kasync_link free_link; /* in b->free_tasks once finished */
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

	if (t->b->pool)
		kasync_mpsc_push(&t->b->free_tasks, &t->free_link);
	else
		free(t);
}

static const struct kasync_task_vtable bt_vt = {.poll = bt_poll, .dealloc = bt_dealloc};

static struct btask *bt_alloc(struct kasync_bench *b)
{
	struct kasync_link *l;
	enum kasync_mpsc_pop r;

	if (b->pool && kasync_mpsc_len(&b->free_tasks) != 0 &&
	    kasync_mpsc_try_consume(&b->free_tasks)) {
		r = kasync_mpsc_pop(&b->free_tasks, &l);
		kasync_mpsc_release(&b->free_tasks);
		if (r == KASYNC_MPSC_OK)
			return CONTAINER_OF(l, struct btask, free_link);
	}
	return malloc(sizeof(struct btask));
}

void kasync_bench_use_pool(struct kasync_bench *b)
{
	kasync_mpsc_init(&b->free_tasks);
	b->pool = true;
}

void kasync_bench_fini(struct kasync_bench *b)
{
	struct kasync_link *l;
	enum kasync_mpsc_pop r;

	if (!b->pool)
		return;
	while ((r = kasync_mpsc_pop(&b->free_tasks, &l)) != KASYNC_MPSC_EMPTY)
		if (r == KASYNC_MPSC_OK)
			free(CONTAINER_OF(l, struct btask, free_link));
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
