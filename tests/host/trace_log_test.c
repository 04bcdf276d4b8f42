/* trace_log_test.c - the log filter, callsite cache and line format. */
#include <stdarg.h>
#include <string.h>

#include "base/test.h"
#include "trace/log.h"

struct reports {
	int n;
	char last[64];
	const char *why;
};

static void on_report(void *arg, const char *text, size_t len, const char *why)
{
	struct reports *r = arg;
	r->n++;
	memcpy(r->last, text, len < 63 ? len : 63);
	r->last[len < 63 ? len : 63] = '\0';
	r->why = why;
}

TEST(trace_log, parses_default_and_targets)
{
	struct trace_log_filter f;
	struct reports r = {0};

	/* the value of the bootarg log=info,kasync=trace,wasm=off */
	EXPECT_OK(trace_log_filter_parse(&f, "info,kasync=trace,wasm=off", TRACE_LEVEL_WARN,
					 on_report, &r));
	EXPECT_EQ(r.n, 0);
	EXPECT_EQ(trace_log_level_for(&f, "kmain"), TRACE_LEVEL_INFO);
	EXPECT_EQ(trace_log_level_for(&f, "kasync"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(trace_log_level_for(&f, "kasync::exec"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(trace_log_level_for(&f, "wasm"), TRACE_LEVEL_OFF);
	EXPECT_EQ(trace_log_level_for(&f, "wasmtime"), TRACE_LEVEL_INFO);
	EXPECT(trace_log_enabled(&f, "kmain", TRACE_LEVEL_INFO));
	EXPECT(!trace_log_enabled(&f, "kmain", TRACE_LEVEL_DEBUG));
	EXPECT(!trace_log_enabled(&f, "wasm.interp", TRACE_LEVEL_ERROR));
	EXPECT(trace_log_enabled(&f, "kasync/steal", TRACE_LEVEL_TRACE));
}

TEST(trace_log, first_test_case_counts_log_target_as_directive)
{
	struct trace_log_filter f;
	/* "log=info" parses as target "log" at info, so zero malformed */
	EXPECT_EQ(trace_log_filter_parse(&f, "log=info", TRACE_LEVEL_ERROR, NULL, NULL), 0);
	EXPECT_EQ(trace_log_level_for(&f, "log"), TRACE_LEVEL_INFO);
	EXPECT_EQ(trace_log_level_for(&f, "other"), TRACE_LEVEL_ERROR);
}

TEST(trace_log, most_specific_wins)
{
	struct trace_log_filter f;

	EXPECT_OK(trace_log_filter_parse(&f, "a=error, a::b=debug ,a::b::c=off,A::B=trace",
					 TRACE_LEVEL_INFO, NULL, NULL));
	EXPECT_EQ(trace_log_level_for(&f, "a"), TRACE_LEVEL_ERROR);
	EXPECT_EQ(trace_log_level_for(&f, "a::x"), TRACE_LEVEL_ERROR);
	EXPECT_EQ(trace_log_level_for(&f, "a::b::d"), TRACE_LEVEL_DEBUG);
	EXPECT_EQ(trace_log_level_for(&f, "a::b::c::e"), TRACE_LEVEL_OFF);
	EXPECT_EQ(trace_log_level_for(&f, "A::B"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(f.max_level, TRACE_LEVEL_TRACE);
}

TEST(trace_log, malformed_reported_and_skipped)
{
	struct trace_log_filter f;
	struct reports r = {0};

	int bad = trace_log_filter_parse(&f,
					 "debug,x=loud,=info,ok=WARN,,y z=info,"
					 "averyveryveryveryverylongtargetname_x=info",
					 TRACE_LEVEL_INFO, on_report, &r);
	EXPECT_EQ(bad, 4);
	EXPECT_EQ(r.n, 4);
	EXPECT_STREQ(r.last, "averyveryveryveryverylongtargetname_x=info");
	EXPECT_STREQ(r.why, "target too long");
	EXPECT_EQ(f.default_level, TRACE_LEVEL_DEBUG);
	EXPECT_EQ(trace_log_level_for(&f, "ok"), TRACE_LEVEL_WARN);
	EXPECT_EQ(trace_log_level_for(&f, "x"), TRACE_LEVEL_DEBUG);
	/* a bare target means trace */
	EXPECT_OK(trace_log_filter_parse(&f, "warn,net", TRACE_LEVEL_INFO, NULL, NULL));
	EXPECT_EQ(trace_log_level_for(&f, "net::tcp"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(trace_log_level_for(&f, "mm"), TRACE_LEVEL_WARN);
	EXPECT_OK(trace_log_filter_parse(&f, NULL, TRACE_LEVEL_INFO, NULL, NULL));
	EXPECT_EQ(f.count, 0);
}

TEST(trace_log, callsite_cache)
{
	struct trace_log_filter f;
	TRACE_LOG_CALLSITE_DEFINE(cs, "wasm::interp");

	trace_log_filter_parse(&f, "info,wasm=warn", TRACE_LEVEL_INFO, NULL, NULL);
	EXPECT(trace_log_callsite_maybe(&cs, TRACE_LEVEL_TRACE)); /* unknown yet */
	EXPECT(!trace_log_callsite_check(&f, &cs, TRACE_LEVEL_INFO));
	EXPECT(!trace_log_callsite_maybe(&cs, TRACE_LEVEL_INFO)); /* cached: off */
	EXPECT(trace_log_callsite_maybe(&cs, TRACE_LEVEL_WARN));
	EXPECT(trace_log_callsite_check(&f, &cs, TRACE_LEVEL_WARN));
	trace_log_filter_parse(&f, "wasm=debug", TRACE_LEVEL_INFO, NULL, NULL);
	trace_log_callsites_reset(&cs, &cs + 1);
	EXPECT(trace_log_callsite_check(&f, &cs, TRACE_LEVEL_DEBUG));
	EXPECT(!trace_log_callsite_maybe(&cs, TRACE_LEVEL_TRACE));
}

static int fmt_line(char *buf, size_t size, const char *const *spans, size_t n, const char *fmt,
		    ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = trace_log_format_line(buf, size, TRACE_LEVEL_INFO, 3, 12345678901ull, "kasync",
				      spans, n, fmt, ap);
	va_end(ap);
	return r;
}

TEST(trace_log, line_format)
{
	char buf[128];
	const char *spans[] = {"boot", "exec"};
	const char *want = "[INFO][CPU 3][12.345678] kasync: boot: exec: hello 7\n";

	EXPECT_EQ(fmt_line(buf, sizeof(buf), spans, 2, "hello %d", 7), (int)strlen(want));
	EXPECT_STREQ(buf, want);
	fmt_line(buf, sizeof(buf), NULL, 0, "x");
	EXPECT_STREQ(buf, "[INFO][CPU 3][12.345678] kasync: x\n");
	char small[16];
	EXPECT_EQ(fmt_line(small, sizeof(small), spans, 2, "hello %d", 7), (int)strlen(want));
	EXPECT_EQ(strlen(small), 15u);
	EXPECT_EQ(small[14], '\n');
	EXPECT_STREQ(trace_level_name(TRACE_LEVEL_WARN), "WARN");
}
