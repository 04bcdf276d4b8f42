/*
 * bench_exec.c - the executor under tokio's scheduler-benchmark shapes.
 *
 *   bench_exec --bench spawn_many|chained_spawn|ping_pong|yield_many --threads T [--runs N]
 *
 * Prints "bench=NAME threads=T ns_per_op=X": the median over the runs of
 * the wall time divided by the operations (tasks, spawns, rounds, yields).
 */
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kasync/exec.h"
#include "kasync/host/host.h"
#include "kasync/oneshot.h"

struct bench {
	struct kasync_host host;
	struct kasync_exec exec;
	struct kasync_host_workers w;
	_Atomic long remaining;
	_Atomic uint32_t done;
};

static struct bench B;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void finish_one(void)
{
	if (atomic_fetch_sub(&B.remaining, 1) == 1) {
		atomic_store(&B.done, 1);
		syscall(SYS_futex, (uint32_t *)&B.done, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void wait_done(void)
{
	while (atomic_load(&B.done) == 0)
		syscall(SYS_futex, (uint32_t *)&B.done, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

struct btask {
	struct kasync_task task;
	enum kasync_poll (*fn)(struct btask *self, struct kasync_cx *cx);
	int step;
	long n;
	struct kasync_oneshot a, b;
	struct btask *peer;
};

static enum kasync_poll bt_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct btask *t = (struct btask *)task;
	return t->fn(t, cx);
}

static void bt_dealloc(struct kasync_task *task)
{
	free(task);
}

static const struct kasync_task_vtable bt_vt = {.poll = bt_poll, .dealloc = bt_dealloc};

static struct btask *bt_new(enum kasync_poll (*fn)(struct btask *, struct kasync_cx *), long n)
{
	struct btask *t = malloc(sizeof(*t));
	if (t == NULL)
		abort();
	kasync_task_init(&t->task, &bt_vt, "bench");
	t->fn = fn;
	t->step = 0;
	t->n = n;
	return t;
}

static void spawn(struct btask *t)
{
	if (kasync_spawn(&B.exec, &t->task, NULL) != 0)
		abort();
}

static enum kasync_poll bump(struct btask *t, struct kasync_cx *cx)
{
	(void)t;
	(void)cx;
	finish_one();
	return KASYNC_READY;
}

static enum kasync_poll chain(struct btask *t, struct kasync_cx *cx)
{
	(void)cx;
	if (t->n == 0)
		finish_one();
	else
		spawn(bt_new(chain, t->n - 1));
	return KASYNC_READY;
}

static enum kasync_poll yielder(struct btask *t, struct kasync_cx *cx)
{
	if (t->n-- > 0) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	finish_one();
	return KASYNC_READY;
}

static enum kasync_poll pong(struct btask *t, struct kasync_cx *cx)
{
	uintptr_t v;
	int err;
	if (kasync_oneshot_recv_poll(&t->peer->a, cx, &v, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	kasync_oneshot_send(&t->peer->b, v + 1);
	return KASYNC_READY;
}

static enum kasync_poll ping(struct btask *t, struct kasync_cx *cx)
{
	uintptr_t v = 0;
	int err;
	if (t->step == 0) {
		struct btask *p = bt_new(pong, 0);
		kasync_oneshot_init(&t->a);
		kasync_oneshot_init(&t->b);
		p->peer = t;
		/* the pong task only uses our channels before sending on b; we wait for that */
		spawn(p);
		kasync_oneshot_send(&t->a, 1);
		t->step = 1;
	}
	if (kasync_oneshot_recv_poll(&t->b, cx, &v, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	if (err || v != 2)
		abort();
	finish_one();
	return KASYNC_READY;
}

static double run_once(const char *name)
{
	uint64_t t0;
	long ops;

	atomic_store(&B.done, 0);
	t0 = now_ns();
	if (strcmp(name, "spawn_many") == 0) {
		ops = 10000;
		atomic_store(&B.remaining, ops);
		for (long i = 0; i < ops; i++)
			spawn(bt_new(bump, 0));
	} else if (strcmp(name, "chained_spawn") == 0) {
		ops = 1000;
		atomic_store(&B.remaining, 1);
		spawn(bt_new(chain, ops));
	} else if (strcmp(name, "ping_pong") == 0) {
		ops = 1000;
		atomic_store(&B.remaining, ops);
		for (long i = 0; i < ops; i++)
			spawn(bt_new(ping, 0));
	} else {
		atomic_store(&B.remaining, 200);
		ops = 200 * 1000;
		for (long i = 0; i < 200; i++)
			spawn(bt_new(yielder, 1000));
	}
	wait_done();
	return (double)(now_ns() - t0) / (double)ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *name = "spawn_many";
	unsigned threads = 1, runs = 25;
	double r[200];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--bench") == 0)
			name = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (unsigned)atoi(argv[i + 1]);
	}
	if (strcmp(name, "spawn_many") && strcmp(name, "chained_spawn") &&
	    strcmp(name, "ping_pong") && strcmp(name, "yield_many")) {
		fprintf(stderr, "unknown bench %s\n", name);
		return 2;
	}
	if (threads < 1 || threads > KASYNC_MAX_CPUS || runs < 1 || runs > 200) {
		fprintf(stderr, "bad --threads or --runs\n");
		return 2;
	}
	kasync_host_init(&B.host);
	if (kasync_exec_init(&B.exec, threads, &B.host.plat, 1000000) ||
	    kasync_host_workers_start(&B.w, &B.host, &B.exec, threads))
		return 1;
	run_once(name); /* warm-up */
	for (unsigned i = 0; i < runs; i++)
		r[i] = run_once(name);
	qsort(r, runs, sizeof(r[0]), cmp_double);
	printf("bench=%s threads=%u ns_per_op=%.0f\n", name, threads, r[runs / 2]);
	kasync_exec_close(&B.exec);
	kasync_host_workers_join(&B.w);
	kasync_exec_destroy(&B.exec);
	return 0;
}
