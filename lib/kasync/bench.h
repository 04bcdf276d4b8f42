/*
 * bench.h - the executor benchmarks' workloads, shaped like tokio's
 * scheduler benchmarks, shared by the host tool (bench/kasync/bench_exec.c)
 * and the kernel (`bench=exec` in the test kernel).
 *
 *   spawn_many     from outside the executor, spawn 10,000 tasks that each
 *                  bump a counter                       (op: one task)
 *   chained_spawn  each task spawns the next, depth 1,000 (op: one spawn)
 *   ping_pong      1,000 rounds of two tasks exchanging a message over a
 *                  oneshot                              (op: one round)
 *   yield_many     200 tasks each yield 1,000 times     (op: one yield)
 *
 * The caller starts a workload from outside the workers, waits until
 * `done(done_arg)` is called (from a worker), and divides its time by the
 * returned number of operations.
 *
 * Tasks come from malloc, or with kasync_bench_use_pool from a pool of
 * finished tasks: task memory recycled as oneTBB's small-object pool and a
 * kernel's slab do, so that the executor's instruction counts are not
 * glibc's cross-thread frees. Any thread returns a task to a shared stack
 * (a compare-and-swap push); a spawner that holds the taker's flag pops from
 * the taker's private list, refilled by taking the whole stack at once (an
 * exchange: no ABA, as nobody pops from the shared stack), else mallocs.
 * (An MPSC queue there cost ~110 instructions per task, most of them its
 * one-element case; a per-CPU list in front cost more in CPU lookups than
 * it saved: measured.)
 */
#pragma once

#include <stdatomic.h>

#include "kasync/exec.h"

struct btask;

struct kasync_bench {
	struct kasync_exec *exec;
	void (*done)(void *arg); /* called once, from a worker, at the end */
	void *done_arg;
	_Atomic long remaining;
	bool pool;			     /* set by kasync_bench_use_pool */
	_Atomic(struct btask *) free_shared; /* finished tasks, pushed by any thread */
	_Atomic bool taking;		     /* a spawner holds `free_taken` */
	struct btask *free_taken;	     /* the taker's list, taken from free_shared */
};

#define KASYNC_BENCH_NAMES "spawn_many chained_spawn ping_pong yield_many"

/*
 * kasync_bench_start - spawns workload `name` on b->exec; returns the number
 * of operations it counts, or ERR_NOENT for an unknown name (nothing
 * spawned, no done()), or ERR_NOMEM (done() still comes, once the tasks
 * already spawned have finished). Start a run only after the previous
 * run's done().
 */
long kasync_bench_start(struct kasync_bench *b, const char *name);

/* kasync_bench_use_pool - recycle task memory (call before the first start). */
void kasync_bench_use_pool(struct kasync_bench *b);

/* kasync_bench_fini - frees the pooled tasks (after the last run's done()). */
void kasync_bench_fini(struct kasync_bench *b);
