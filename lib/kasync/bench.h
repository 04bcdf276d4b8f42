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
 */
#pragma once

#include <stdatomic.h>

#include "kasync/exec.h"

struct kasync_bench {
	struct kasync_exec *exec;
	void (*done)(void *arg); /* called once, from a worker, at the end */
	void *done_arg;
	_Atomic long remaining;
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
