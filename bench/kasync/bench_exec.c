/*
 * bench_exec.c - the executor under tokio's scheduler-benchmark shapes.
 *
 *   bench_exec --bench spawn_many|chained_spawn|ping_pong|yield_many --threads T
 *              [--runs N] [--rounds R] [--pool]
 *
 * Prints "bench=NAME threads=T ns_per_op=X rounds=R runs=N min=A max=B
 * spread_pct=S": R rounds of N timed runs each (one warm-up run first); a
 * round's figure is the median of its runs' wall time divided by the
 * operations (tasks, spawns, rounds, yields); X is the median of the round
 * figures, A and B the lowest and highest, S = (B - A) / X in percent. One
 * round is the old single figure; never quote it alone on a shared machine.
 * --pool recycles task memory (kasync_bench_use_pool) instead of malloc.
 *
 * glibc gave the heap's top back after every run here (10,000 tasks
 * malloc'd on this thread and freed on a worker) and faulted it in again in
 * the next: 11,403 page faults in 26 spawn_many runs, about 15% of the time
 * (perf) and most of the spread. The tokio peer, 403 with or without it, did
 * not. M_TRIM_THRESHOLD keeps the top: 537.
 */
#include <linux/futex.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kasync/exec.h"
#include "kasync/host/host.h"
#include "kasync/bench.h"

struct bench {
	struct kasync_host host;
	struct kasync_exec exec;
	struct kasync_host_workers w;
	struct kasync_bench b;
	_Atomic uint32_t done;
};

static struct bench B;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_done(void *arg)
{
	(void)arg;
	atomic_store(&B.done, 1);
	syscall(SYS_futex, (uint32_t *)&B.done, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static double run_once(const char *name)
{
	atomic_store(&B.done, 0);
	uint64_t t0 = now_ns();
	long ops = kasync_bench_start(&B.b, name);
	if (ops < 0) {
		fprintf(stderr, "bench_exec: cannot start %s\n", name);
		exit(1);
	}
	while (atomic_load(&B.done) == 0)
		syscall(SYS_futex, (uint32_t *)&B.done, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return (double)(now_ns() - t0) / (double)ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v[0..n) and returns its median. */
static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	const char *name = "spawn_many";
	unsigned threads = 1, runs = 25, rounds = 1;
	bool pool = false;
	double r[200], round[200], med;

	for (int i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--pool") == 0)
			pool = true, i--;
		else if (i + 1 == argc)
			break;
		else if (strcmp(argv[i], "--bench") == 0)
			name = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = (unsigned)atoi(argv[i + 1]);
	}
	if (!strstr(KASYNC_BENCH_NAMES, name) || strchr(name, ' ') || !*name) {
		fprintf(stderr, "unknown bench %s (one of: %s)\n", name, KASYNC_BENCH_NAMES);
		return 2;
	}
	if (threads < 1 || threads > KASYNC_MAX_CPUS || runs < 1 || runs > 200 || rounds < 1 ||
	    rounds > 200) {
		fprintf(stderr, "bad --threads, --runs or --rounds\n");
		return 2;
	}
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	kasync_host_init(&B.host);
	if (kasync_exec_init(&B.exec, threads, &B.host.plat, 1000000) ||
	    kasync_host_workers_start(&B.w, &B.host, &B.exec, threads))
		return 1;
	B.b = (struct kasync_bench){.exec = &B.exec, .done = on_done};
	if (pool)
		kasync_bench_use_pool(&B.b);
	run_once(name); /* warm-up */
	for (unsigned k = 0; k < rounds; k++) {
		for (unsigned i = 0; i < runs; i++)
			r[i] = run_once(name);
		round[k] = median(r, runs);
	}
	med = median(round, rounds);
	printf("bench=%s threads=%u ns_per_op=%.0f rounds=%u runs=%u min=%.0f max=%.0f "
	       "spread_pct=%.0f\n",
	       name, threads, med, rounds, runs, round[0], round[rounds - 1],
	       100.0 * (round[rounds - 1] - round[0]) / med);
	kasync_exec_close(&B.exec);
	kasync_host_workers_join(&B.w);
	kasync_exec_destroy(&B.exec);
	kasync_bench_fini(&B.b);
	return 0;
}
