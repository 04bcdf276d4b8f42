/*
 * bench_trace.c - host cost of a disabled tracepoint, an enabled 3-field
 * tracepoint and a disabled log statement. Prints bench=NAME ns_per_op=X.
 *
 * The platform's clock is a plain counter so that the figure is the tracer's
 * own cost, not the host's clock_gettime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "trace/ctx.h"
#include "trace/log.h"

TRACE_EVENT(bench, three, TP_PROTO(uint32_t a, uint32_t b, uint64_t c),
	    TP_FIELDS(TP_FIELD(uint32_t, a), TP_FIELD(uint32_t, b), TP_FIELD(uint64_t, c)),
	    TP_ASSIGN(REC->a = a; REC->b = b; REC->c = c;),
	    TP_PRINT("a=%u b=%u c=%llu", REC->a, REC->b, (unsigned long long)REC->c));

static uint64_t fake_now;

static uint64_t clock_fn(void *arg)
{
	(void)arg;
	return fake_now += 10;
}

static unsigned cpu_fn(void *arg)
{
	(void)arg;
	return 0;
}

static int32_t pid_fn(void *arg)
{
	(void)arg;
	return 1;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define N 20000000L

int main(void)
{
	struct trace_platform plat = {
		.clock_ns = clock_fn, .cpu_id = cpu_fn, .current_pid = pid_fn};
	struct trace_ctx ctx;
	struct trace_log_filter filter;
	double t0, t1;

	if (trace_ctx_init(&ctx, &plat, 1, __start_trace_events, __stop_trace_events, 64)) {
		fprintf(stderr, "bench_trace: init failed\n");
		return 1;
	}
	t0 = now_ns();
	for (long i = 0; i < N; i++) {
		TRACE_POINT(bench, three, (uint32_t)i, 2, 3);
		__asm__ volatile("" ::: "memory");
	}
	t1 = now_ns();
	printf("bench=tracepoint_disabled ns_per_op=%.2f\n", (t1 - t0) / N);

	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "bench", "three"), true);
	t0 = now_ns();
	for (long i = 0; i < N / 4; i++)
		TRACE_POINT(bench, three, (uint32_t)i, 2, 3);
	t1 = now_ns();
	printf("bench=tracepoint_enabled ns_per_op=%.2f\n", (t1 - t0) / (N / 4));

	trace_log_filter_parse(&filter, "info", TRACE_LEVEL_INFO, NULL, NULL);
	TRACE_LOG_CALLSITE_DEFINE(cs, "bench");
	trace_log_callsite_check(&filter, &cs, TRACE_LEVEL_DEBUG);
	long shown = 0;
	t0 = now_ns();
	for (long i = 0; i < N; i++) {
		if (trace_log_callsite_maybe(&cs, TRACE_LEVEL_DEBUG) &&
		    trace_log_callsite_check(&filter, &cs, TRACE_LEVEL_DEBUG))
			shown++;
		__asm__ volatile("" ::: "memory");
	}
	t1 = now_ns();
	printf("bench=log_disabled ns_per_op=%.2f\n", (t1 - t0) / N);
	trace_ctx_destroy(&ctx);
	return shown != 0;
}
