/*
 * bench_exec.c - the executor benchmarks inside the kernel (test kernel,
 * bootarg `bench=exec`): the four workloads of lib/kasync/bench.h, started
 * from the boot CPU, which serves as a worker while it waits. Prints
 * "bench=NAME threads=NCPUS ns_per_op=X" per workload: the median of the
 * runs, in the guest's rdtime (under -icount shift=0, one ns per guest
 * instruction).
 */
#include <stdlib.h>

#include "core/console.h"
#include "core/cpu.h"
#include "kasync/bench.h"
#include "sched/sched.h"
#include "tests/ktest.h"

#define RUNS 5

static void on_done(void *arg)
{
	sched_waiter_wake(arg);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void ktest_bench_exec(void)
{
	static const char *names[] = {"spawn_many", "chained_spawn", "ping_pong", "yield_many"};
	struct sched_waiter w;
	struct kasync_bench b = {.exec = &kexec, .done = on_done, .done_arg = &w};

	sched_waiter_init(&w);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t r[RUNS + 1];
		for (int run = 0; run <= RUNS; run++) { /* run 0 warms up */
			uint64_t t0 = sched_now_ns();
			long ops = kasync_bench_start(&b, names[i]);
			sched_waiter_wait(&w);
			r[run] = (sched_now_ns() - t0) / (uint64_t)(ops > 0 ? ops : 1);
		}
		qsort(r + 1, RUNS, sizeof(r[0]), cmp_u64);
		kprintf("bench=%s threads=%u ns_per_op=%llu\n", names[i], ncpus,
			(unsigned long long)r[1 + RUNS / 2]);
	}
}
