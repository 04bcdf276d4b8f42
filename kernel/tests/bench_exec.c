/*
 * bench_exec.c - the executor benchmarks inside the kernel (test kernel,
 * bootarg `bench=exec`): the four workloads of lib/kasync/bench.h, started
 * from the boot CPU, which serves as a worker while it waits. Prints
 * "bench=NAME threads=NCPUS ns_per_op=X" per workload: the median of the
 * runs, in the guest's rdtime (under -icount shift=0, one ns per guest
 * instruction), then what the CPUs' sleeping cost per operation over the
 * timed runs (sched_wait_counts): wake IPIs sent, wfi executed and
 * wait_event calls, as "ipis_per_op=X.XXX wfis_per_op=X.XXX
 * waits_per_op=X.XXX" (issue 18: how often a hand-off meets a sleeper),
 * and "elsewhere_pct=P": the share of the polls made by the CPUs other
 * than the boot CPU (0 on SMP=1; under -icount also 0 on SMP=4: see the
 * README's cross-CPU section).
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

/* Prints " NAME=X.XXX": n / ops with three decimals (no floating point here). */
static void print_per_op(const char *name, uint64_t n, uint64_t ops)
{
	uint64_t milli = (n * 1000 + ops / 2) / ops;
	kprintf(" %s=%llu.%03llu", name, (unsigned long long)(milli / 1000),
		(unsigned long long)(milli % 1000));
}

/* Polls made so far by the CPUs other than the calling (boot) CPU, and by all. */
static void polls(uint64_t *elsewhere, uint64_t *all)
{
	struct kasync_counters c;

	*elsewhere = *all = 0;
	for (uint32_t k = 0; k < ncpus; k++) {
		kasync_sched_counters(&kexec.scheds[k], &c);
		*all += c.polled;
		if (k != cpu_id())
			*elsewhere += c.polled;
	}
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
		uint64_t r[RUNS + 1], total_ops = 0, e0 = 0, a0 = 0, e1, a1;
		struct sched_wait_counts c0, c1;
		for (int run = 0; run <= RUNS; run++) { /* run 0 warms up */
			if (run == 1) {
				sched_wait_counts(&c0);
				polls(&e0, &a0);
			}
			uint64_t t0 = sched_now_ns();
			long ops = kasync_bench_start(&b, names[i]);
			sched_waiter_wait(&w);
			r[run] = (sched_now_ns() - t0) / (uint64_t)(ops > 0 ? ops : 1);
			if (run > 0)
				total_ops += (uint64_t)(ops > 0 ? ops : 1);
		}
		sched_wait_counts(&c1);
		polls(&e1, &a1);
		qsort(r + 1, RUNS, sizeof(r[0]), cmp_u64);
		kprintf("bench=%s threads=%u ns_per_op=%llu", names[i], ncpus,
			(unsigned long long)r[1 + RUNS / 2]);
		print_per_op("ipis_per_op", c1.ipis_sent - c0.ipis_sent, total_ops);
		print_per_op("wfis_per_op", c1.wfis - c0.wfis, total_ops);
		print_per_op("waits_per_op", c1.waits - c0.waits, total_ops);
		kprintf(" elsewhere_pct=%llu",
			(unsigned long long)((e1 - e0) * 100 / (a1 - a0 ? a1 - a0 : 1)));
		kprintf("\n");
	}
}
