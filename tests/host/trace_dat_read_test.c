/* trace_dat_read_test.c - the trace.dat reader (lib/trace/tracedat_read.c),
 * on files of the writer (tracedat.c, tracedat_ctx.c): every record back,
 * in time order, in trace-cmd report's line layout; and files that are not
 * right (foreign, cut, changed) refused with a reason, never read past. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "fuzz_corpus.h"
#include "trace/tracedat.h"
#include "trace/tracedat_read.h"
#include "trace_test_events.h"
#include "trace_test_membuf.h"
#include "trace_test_plat.h"
#include "../fuzz/tracedat_exercise.h"

/* A file of the test events: three on CPU 0, alpha on CPU 1, then zsys on 0. */
static bool ctx_file(struct test_ctx *t, struct membuf *m)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	struct trace_platform p = test_plat_make(&tp, 5000);
	struct tracedat_sink sink = {m, mem_write};

	if (!EXPECT_OK(trace_ctx_init(&ctx, &p, 2, __start_trace_events, __stop_trace_events, 16)))
		return false;
	trace_ctx_set_hash_ptr(&ctx, false);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "three"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "alpha"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "zsys", "last"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ptrtest", "fault"), true);
	TRACE_POINT(ttest, three, -5, "word", 77);
	test_plat_cpu = 1;
	TRACE_POINT(ttest, alpha, -7);
	test_plat_cpu = 0;
	TRACE_POINT(zsys, last, 9);
	TRACE_POINT(ptrtest, fault, 0xabc, 0x10, 3);
	bool ok = EXPECT_OK(trace_ctx_write_dat(&ctx, "host", &sink, NULL));
	trace_ctx_destroy(&ctx);
	return ok;
}

/* Every line of the file; the count, or -1 on an error. */
static int read_lines(struct tracedat_file *f, char *out, size_t cap)
{
	struct tracedat_iter it;
	struct tracedat_revent ev;
	char line[512];
	size_t len = 0;
	int n = 0, r;

	out[0] = 0;
	tracedat_iter_start(&it, f);
	while ((r = tracedat_iter_next(&it, &ev)) == 1) {
		int l = tracedat_event_line(f, &ev, line, sizeof(line));
		if (l > 0 && len + (size_t)l < cap) {
			memcpy(out + len, line, (size_t)l + 1);
			len += (size_t)l;
		}
		n++;
	}
	return r < 0 ? -1 : n;
}

TEST(trace_dat_read, lines_as_trace_cmd_report)
{
	struct membuf m = {0};
	struct tracedat_file f;
	char text[2048];

	if (!ctx_file(t, &m))
		goto out;
	if (!EXPECT_OK(tracedat_read_open(&f, m.p, m.len))) {
		tracedat_read_close(&f);
		goto out;
	}
	EXPECT_EQ(f.ncpus, 2u);
	EXPECT(f.ncmdlines == 1 && f.cmdlines[0].pid == 42 &&
	       strcmp(f.cmdlines[0].comm, "tester") == 0);
	EXPECT_EQ(read_lines(&f, text, sizeof(text)), 4);
	/* time order across CPUs; the print fmt applied, casts and all */
	EXPECT_STREQ(text, "          tester-42    [000]     0.000006: three:               "
			   "a=-5 s=word b=77\n"
			   "          tester-42    [001]     0.000007: alpha:               v=-7\n"
			   "          tester-42    [000]     0.000008: last:                x=9\n"
			   "          tester-42    [000]     0.000009: fault:               "
			   "address=0xabc ip=0x10 count=0x3\n");
	tracedat_read_close(&f);
out:
	free(m.p);
}

/* A hand-made format: a __data_loc string, a ternary, a print fmt with a
 * function (name=value then), records of a pid with no saved cmdline. */
TEST(trace_dat_read, other_formats_and_fallback)
{
	static const char fmt_a[] =
		"name: evloc\nID: 7\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:__data_loc char[] msg;\toffset:8;\tsize:4;\tsigned:0;\n"
		"\tfield:int on;\toffset:12;\tsize:4;\tsigned:1;\n\n"
		"print fmt: \"msg=%s state=%s\", __get_str(msg), REC->on ? \"on\" : \"off\"\n";
	static const char fmt_b[] =
		"name: evtern\nID: 8\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:int k;\toffset:8;\tsize:4;\tsigned:1;\n\n"
		"print fmt: \"k=%s %03d\", REC->k == 0 ? \"zero\" : REC->k == 1 ? \"one\" : "
		"\"many\", REC->k\n";
	static const char *const formats[] = {fmt_a, fmt_b};
	struct tracedat_system sys = {"mine", formats, 2};
	struct tracedat_info info = {.systems = &sys, .nsystems = 1, .cmdlines = "1 init\n"};
	struct membuf m = {0};
	struct tracedat_sink sink = {&m, mem_write};
	struct tracedat td;
	struct tracedat_file f;
	uint8_t a[24] = {7, 0, 0, 0, 9, 0, 0, 0, 16, 0, 3, 0, 1, 0, 0, 0, 'h', 'e', 'y', 0};
	uint8_t b[12] = {8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
	char text[1024];

	if (!EXPECT_OK(tracedat_init(&td, 1)))
		return;
	EXPECT_OK(tracedat_add(&td, 0, 2000000000ull, a, sizeof(a)));
	EXPECT_OK(tracedat_add(&td, 0, 2000001000ull, b, sizeof(b)));
	b[8] = 5;
	EXPECT_OK(tracedat_add(&td, 0, 2000002000ull, b, sizeof(b)));
	EXPECT_OK(tracedat_write(&td, &info, &sink));
	tracedat_free(&td);
	if (EXPECT_OK(tracedat_read_open(&f, m.p, m.len))) {
		EXPECT_EQ(read_lines(&f, text, sizeof(text)), 3);
		EXPECT_STREQ(text,
			     "           <...>-9     [000]     2.000000: evloc:               "
			     "msg=hey on=1\n"
			     "          <idle>-0     [000]     2.000001: evtern:              "
			     "k=one 001\n"
			     "          <idle>-0     [000]     2.000002: evtern:              "
			     "k=many 005\n");
	}
	tracedat_read_close(&f);
	free(m.p);
}

static int open_err(const uint8_t *p, size_t len, const char **why)
{
	struct tracedat_file f;
	int err = tracedat_read_open(&f, p, len);
	*why = f.error;
	tracedat_read_close(&f);
	return err;
}

TEST(trace_dat_read, foreign_files_refused)
{
	struct membuf m = {0};
	const char *why = NULL;
	static const uint8_t text[] = "hello, this is not a trace";

	EXPECT_EQ(open_err(text, sizeof(text), &why), ERR_MALFORMED);
	EXPECT(why && strstr(why, "not a trace.dat"));
	EXPECT_EQ(open_err(text, 0, &why), ERR_MALFORMED);
	if (!ctx_file(t, &m))
		goto out;
	m.p[10] = '7'; /* version 7: compressed sections, not read */
	EXPECT_EQ(open_err(m.p, m.len, &why), ERR_UNSUPP);
	EXPECT(why && strstr(why, "version"));
	m.p[10] = '6';
	EXPECT_OK(open_err(m.p, m.len, &why));
out:
	free(m.p);
}

/* Every cut of a good file is refused or read short, with a reason; and
 * bytes changed anywhere never make the reader go past the file (ASan). */
TEST(trace_dat_read, cut_and_changed_files)
{
	struct membuf m = {0};
	char *text = malloc(1 << 16);
	int refused = 0;

	if (!text || !ctx_file(t, &m))
		goto out;
	for (size_t len = 0; len < m.len; len += len < 4096 ? 1 : 97) {
		uint8_t *cut = malloc(len ? len : 1);
		struct tracedat_file f;
		memcpy(cut, m.p, len);
		int err = tracedat_read_open(&f, cut, len);
		if (err) {
			refused++;
			EXPECT(f.error != NULL);
		} else {
			(void)read_lines(&f, text, 1 << 16);
		}
		tracedat_read_close(&f);
		free(cut);
	}
	EXPECT_GT(refused, 100);
	uint32_t seed = 12345;
	for (int round = 0; round < 3000; round++) {
		uint8_t *copy = malloc(m.len);
		struct tracedat_file f;
		memcpy(copy, m.p, m.len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % m.len] ^= (uint8_t)(1u << (seed >> 28 & 7));
		}
		if (tracedat_read_open(&f, copy, m.len) == 0)
			(void)read_lines(&f, text, 1 << 16);
		tracedat_read_close(&f);
		free(copy);
	}
out:
	free(text);
	free(m.p);
}

/* A page that says more data than it holds: an error after the good ones. */
TEST(trace_dat_read, broken_page_is_an_error)
{
	struct membuf m = {0};
	struct tracedat_file f;
	char text[2048];

	if (!ctx_file(t, &m))
		goto out;
	if (EXPECT_OK(tracedat_read_open(&f, m.p, m.len))) {
		uint64_t big = 1u << 20;
		memcpy(m.p + f.cpu_off[1] + 8, &big, 8); /* CPU 1's commit */
		EXPECT_EQ(read_lines(&f, text, sizeof(text)), -1);
		EXPECT(f.error && strstr(f.error, "commit"));
	}
	tracedat_read_close(&f);
out:
	free(m.p);
}

static void replay_tracedat(void *arg, const char *path, const uint8_t *data, size_t len)
{
	long *good = arg;
	(void)path;
	*good += tracedat_exercise(data, len) > 0;
}

/* The kept fuzzer inputs (make fuzz-tracedat): tracedat_gen's file (read
 * whole) and changed copies of it. */
TEST(trace_dat_read, fuzz_regress)
{
	long good = 0;
	EXPECT_GE(fuzz_corpus_replay(t, "tests/fuzz/regress/tracedat", replay_tracedat, &good), 3u);
	EXPECT_GE(good, 1);
}
