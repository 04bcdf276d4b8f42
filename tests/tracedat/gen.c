/*
 * gen.c - writes a trace.dat of known records for check.sh, which reads
 * it back with `trace-cmd report`: a tracing context with its own events,
 * records fired on two CPUs at chosen times, then trace_ctx_write_dat.
 *
 *   tracedat_gen FILE    prints "events N skipped N bytes N"
 *
 * The records (time in ns; CPU; what):
 *   1000001000  0  demo:tick n=1 name=first big=-5
 *   1000002000  1  demo:tick n=2 name=second big=1234567890123
 *   1000003000  0  ftrace:print "hello marker"
 *   3500000000  0  demo:wide (a 200-byte record: a long entry)
 *   3500000500  1  demo:tick n=3 name=third big=7  (CPU 1 after 2.5 s: a time extend)
 * and 300 demo:tick records on CPU 1 from 4 s on, 1 us apart (several pages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "trace/ctx.h"
#include "trace/tracedat.h"

TRACE_EVENT(demo, tick, TP_PROTO(uint32_t n, const char *name, int64_t big),
	    TP_FIELDS(TP_FIELD(uint32_t, n), TP_STRING(name, 16), TP_FIELD(int64_t, big)),
	    TP_ASSIGN(REC->n = n; trace_copy_str(REC->name, name, 16); REC->big = big;),
	    TP_PRINT("n=%u name=%s big=%lld", REC->n, REC->name, (long long)REC->big));

TRACE_EVENT(demo, wide, TP_PROTO(const char *text, uint32_t len),
	    TP_FIELDS(TP_FIELD(uint32_t, len), TP_STRING(text, 192)),
	    TP_ASSIGN(REC->len = len; trace_copy_str(REC->text, text, 192);),
	    TP_PRINT("len=%u text=%s", REC->len, REC->text));

static uint64_t now_ns;
static unsigned cur_cpu;

static uint64_t gen_clock(void *arg)
{
	(void)arg;
	return now_ns;
}

static unsigned gen_cpu(void *arg)
{
	(void)arg;
	return cur_cpu;
}

static int32_t gen_pid(void *arg)
{
	(void)arg;
	return cur_cpu == 0 ? 7 : 9;
}

static void gen_comm(void *arg, char comm[TRACE_COMM_LEN])
{
	(void)arg;
	memset(comm, 0, TRACE_COMM_LEN);
	strcpy(comm, cur_cpu == 0 ? "hello" : "shell");
}

static int file_write(void *arg, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, arg) == len ? 0 : ERR_IO;
}

static void at(uint64_t ns, unsigned cpu)
{
	now_ns = ns;
	cur_cpu = cpu;
}

int main(int argc, char **argv)
{
	struct trace_platform plat = {.clock_ns = gen_clock,
				      .cpu_id = gen_cpu,
				      .current_pid = gen_pid,
				      .current_comm = gen_comm};
	struct trace_ctx ctx;
	struct tracedat_stats st;
	char wide[200];

	if (argc != 2) {
		fprintf(stderr, "usage: tracedat_gen FILE\n");
		return 2;
	}
	if (trace_ctx_init(&ctx, &plat, 2, __start_trace_events, __stop_trace_events, 64)) {
		fprintf(stderr, "tracedat_gen: no context\n");
		return 1;
	}
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "demo", "tick"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "demo", "wide"), true);
	at(1000001000, 0);
	TRACE_POINT(demo, tick, 1, "first", -5);
	at(1000002000, 1);
	TRACE_POINT(demo, tick, 2, "second", 1234567890123);
	at(1000003000, 0);
	trace_ctx_write_marker(&ctx, "hello marker", 12);
	memset(wide, 'w', sizeof(wide));
	wide[sizeof(wide) - 1] = 0;
	at(3500000000, 0);
	TRACE_POINT(demo, wide, wide, (uint32_t)strlen(wide));
	at(3500000500, 1);
	TRACE_POINT(demo, tick, 3, "third", 7);
	for (uint32_t i = 0; i < 300; i++) {
		at(4000000000 + i * 1000ull, 1);
		TRACE_POINT(demo, tick, 100 + i, "many", i);
	}

	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	struct tracedat_sink sink = {.arg = f, .write = file_write};
	int err = trace_ctx_write_dat(&ctx, "test 1.0 riscv64", &sink, &st);
	if (fclose(f) != 0 && !err)
		err = ERR_IO;
	trace_ctx_destroy(&ctx);
	if (err) {
		fprintf(stderr, "tracedat_gen: %s\n", err_str(err));
		return 1;
	}
	printf("events %llu skipped %llu bytes %llu\n", (unsigned long long)st.events,
	       (unsigned long long)st.skipped, (unsigned long long)st.bytes);
	return 0;
}
