/* trace_event_test.c - TRACE_EVENT, the registry, format text, filters at commit. */
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "trace/ctx.h"
#include "trace/filter.h"
#include "trace/output.h"
#include "trace_test_events.h"
#include "trace_test_plat.h"

TRACE_EVENT(ttest, three, TP_PROTO(int32_t a, const char *s, uint64_t b),
	    TP_FIELDS(TP_FIELD(int32_t, a), TP_STRING(s, 16), TP_FIELD(uint64_t, b)),
	    TP_ASSIGN(REC->a = a; trace_copy_str(REC->s, s, 16); REC->b = b;),
	    TP_PRINT("a=%d s=%s b=%llu", REC->a, REC->s, (unsigned long long)REC->b));

TRACE_EVENT(ttest, alpha, TP_PROTO(int16_t v), TP_FIELDS(TP_FIELD(int16_t, v)),
	    TP_ASSIGN(REC->v = v;), TP_PRINT("v=%d", REC->v));

TRACE_EVENT(zsys, last, TP_PROTO(uint8_t x),
	    TP_FIELDS(TP_FIELD(uint8_t, x), TP_ARRAY(uint32_t, arr, 2)),
	    TP_ASSIGN(REC->x = x; REC->arr[0] = x; REC->arr[1] = 2u * x;),
	    TP_PRINT("x=%u", REC->x));

/* kernel addresses: the pointer fields are hashed in text (trace_fs_test.c) */
TRACE_EVENT(ptrtest, fault, TP_PROTO(uint64_t address, uint64_t ip, uint64_t count),
	    TP_FIELDS(TP_POINTER(address), TP_POINTER(ip), TP_FIELD(uint64_t, count)),
	    TP_ASSIGN(REC->address = address; REC->ip = ip; REC->count = count;),
	    TP_PRINT("address=0x%llx ip=0x%llx count=0x%llx", (unsigned long long)REC->address,
		     (unsigned long long)REC->ip, (unsigned long long)REC->count));

static int setup(struct trace_ctx *ctx, struct test_plat *tp)
{
	struct trace_platform p = test_plat_make(tp, 1234567890000ull - 1000);
	return trace_ctx_init(ctx, &p, 2, __start_trace_events, __stop_trace_events, 16);
}

/* Reads the one record of cpu 0 as a line. */
static int only_line(struct trace_ctx *ctx, char *buf, size_t size)
{
	struct trace_merge m;
	unsigned cpu;
	const struct trace_ring_rec *rec;

	trace_merge_start(&m, ctx, -1, false);
	if (!trace_merge_next(&m, &cpu, &rec))
		return -1;
	return trace_format_line(ctx, cpu, rec, buf, size);
}

TEST(trace_event, registry_sorted_ids)
{
	struct trace_ctx ctx;
	struct test_plat tp;

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	EXPECT_GE(ctx.nevents, 3u);
	for (size_t i = 1; i < ctx.nevents; i++) {
		int c = strcmp(ctx.events[i - 1]->system, ctx.events[i]->system);
		EXPECT(c < 0 ||
		       (c == 0 && strcmp(ctx.events[i - 1]->name, ctx.events[i]->name) < 0));
		EXPECT_EQ(ctx.events[i]->state->id, ctx.events[i - 1]->state->id + 1);
	}
	const struct trace_event_def *a = trace_ctx_find(&ctx, "ttest", "alpha");
	const struct trace_event_def *t3 = trace_ctx_find(&ctx, "ttest", "three");
	if (!EXPECT(a && t3))
		return;
	EXPECT_LT(a->state->id, t3->state->id);
	EXPECT(trace_ctx_by_id(&ctx, t3->state->id) == t3);
	EXPECT(trace_ctx_find(&ctx, "ttest", "nope") == NULL);
	EXPECT(trace_ctx_find(&ctx, "ftrace", "print") != NULL);
	trace_ctx_destroy(&ctx);
}

TEST(trace_event, format_file_golden)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[2048], want[2048];

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	const struct trace_event_def *d = trace_ctx_find(&ctx, "ttest", "three");
	fmt_snprintf(
		want, sizeof(want),
		"name: three\n"
		"ID: %u\n"
		"format:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
		"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
		"\n"
		"\tfield:int32_t a;\toffset:8;\tsize:4;\tsigned:1;\n"
		"\tfield:char s[16];\toffset:12;\tsize:16;\tsigned:0;\n"
		"\tfield:uint64_t b;\toffset:32;\tsize:8;\tsigned:0;\n"
		"\n"
		"print fmt: \"a=%%d s=%%s b=%%llu\", REC->a, REC->s, (unsigned long long)REC->b\n",
		d->state->id);
	EXPECT_EQ(trace_format_file(d, buf, sizeof(buf)), (int)strlen(want));
	EXPECT_STREQ(buf, want);
	d = trace_ctx_find(&ctx, "zsys", "last");
	trace_format_file(d, buf, sizeof(buf));
	EXPECT(strstr(buf, "\tfield:uint8_t x;\toffset:8;\tsize:1;\tsigned:0;\n") != NULL);
	EXPECT(strstr(buf, "\tfield:uint32_t arr[2];\toffset:12;\tsize:8;\tsigned:0;\n") != NULL);
	d = trace_ctx_find(&ctx, "ftrace", "print");
	trace_format_file(d, buf, sizeof(buf));
	EXPECT(strstr(buf, "name: print\nID: 5\n") == buf);
	EXPECT(strstr(buf, "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
			   "\tfield:char buf[];\toffset:16;\tsize:0;\tsigned:0;\n\n"
			   "print fmt: \"%ps: %s\", (void *)REC->ip, REC->buf\n") != NULL);
	trace_ctx_destroy(&ctx);
}

static void scribble_stack(void)
{
	volatile unsigned char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xAA;
}

TEST(trace_event, disabled_records_nothing_enabled_records_line)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char line[256];

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	const struct trace_event_def *d = trace_ctx_find(&ctx, "ttest", "three");
	TRACE_POINT(ttest, three, 1, "hi", 2);
	EXPECT(!trace_ctx_has_data(&ctx));
	trace_ctx_set_enabled(&ctx, d, true);
	scribble_stack();
	TRACE_POINT(ttest, three, 1, "hi", 2);
	EXPECT(trace_ctx_has_data(&ctx));
	int n = only_line(&ctx, line, sizeof(line));
	EXPECT_STREQ(line,
		     "          tester-42      [000] .....  1234.567890: three: a=1 s=hi b=2\n");
	EXPECT_EQ(n, (int)strlen(line));
	/* the padding between s (ends at 28) and b (32) is zero in the ring */
	struct trace_ring_rec rec;
	EXPECT_OK(trace_ring_peek(trace_ctx_ring(&ctx, 0), &rec));
	const unsigned char *raw = trace_ring_rec_data(&rec);
	EXPECT_EQ(rec.len, 40u);
	for (int i = 14; i < 32; i++) /* "hi" then zeros up to b */
		EXPECT_EQ(raw[i], 0);
	/* tracing_on=0 stops recording */
	trace_ctx_clear(&ctx, -1);
	trace_ctx_set_tracing_on(&ctx, false);
	TRACE_POINT(ttest, three, 1, "hi", 2);
	EXPECT(!trace_ctx_has_data(&ctx));
	trace_ctx_destroy(&ctx);
	/* after destroy the event is unbound and disabled */
	TRACE_POINT(ttest, three, 1, "hi", 2);
	EXPECT(!atomic_load(&trace_event_state_ttest_three.enabled));
}

static uint8_t flags_hook(void *arg)
{
	(void)arg;
	return TRACE_FLAG_IRQS_OFF | TRACE_FLAG_HARDIRQ | TRACE_FLAG_NEED_RESCHED;
}

static uint8_t preempt_hook(void *arg)
{
	(void)arg;
	return 0x21;
}

TEST(trace_event, flags_and_cpu_columns)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char line[256];

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	ctx.plat.context_flags = flags_hook;
	ctx.plat.preempt_count = preempt_hook;
	tp.pid = 0;
	test_plat_cpu = 1;
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "alpha"), true);
	TRACE_POINT(ttest, alpha, -5);
	test_plat_cpu = 0;
	only_line(&ctx, line, sizeof(line));
	EXPECT_STREQ(line, "          <idle>-0       [001] dnh12  1234.567890: alpha: v=-5\n");
	trace_ctx_destroy(&ctx);
}

static void nested(struct test_plat *tp)
{
	(void)tp;
	TRACE_POINT(ttest, alpha, 7); /* "an interrupt" inside the outer write */
}

TEST(trace_event, nested_writer_on_same_cpu)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	struct trace_merge m;
	unsigned cpu;
	const struct trace_ring_rec *rec;
	char line[256];

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "alpha"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "three"), true);
	tp.in_clock = nested;
	TRACE_POINT(ttest, three, 3, "outer", 4);
	trace_merge_start(&m, &ctx, -1, true);
	int n = 0;
	while (trace_merge_next(&m, &cpu, &rec)) {
		trace_format_line(&ctx, cpu, rec, line, sizeof(line));
		EXPECT(strstr(line, n == 0 ? "alpha: v=7\n" : "three: a=3 s=outer b=4\n") != NULL);
		n++;
	}
	EXPECT_EQ(n, 2);
	trace_ctx_destroy(&ctx);
}

static int compile_err(struct trace_ctx *ctx, const char *text, size_t *pos, const char **msg)
{
	struct trace_filter *f = NULL;
	int e = trace_filter_compile(trace_ctx_find(ctx, "ttest", "three"), text, strlen(text), &f,
				     pos, msg);
	trace_filter_free(f);
	return e;
}

static bool passes(struct trace_ctx *ctx, const char *text, int32_t a, const char *s, uint64_t b)
{
	const struct trace_event_def *d = trace_ctx_find(ctx, "ttest", "three");
	struct trace_event_ttest_three rec;
	struct trace_filter *f;
	size_t pos;
	const char *msg;

	memset(&rec, 0, sizeof(rec));
	rec.ent.pid = 42;
	rec.a = a;
	trace_copy_str(rec.s, s, 16);
	rec.b = b;
	if (trace_filter_compile(d, text, strlen(text), &f, &pos, &msg) != 0)
		return false;
	bool r = trace_filter_match(f, &rec, sizeof(rec));
	trace_filter_free(f);
	return r;
}

TEST(trace_filter, valid_expressions_and_precedence)
{
	struct trace_ctx ctx;
	struct test_plat tp;

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	EXPECT(passes(&ctx, "a == 1", 1, "x", 0));
	EXPECT(!passes(&ctx, "a != 1", 1, "x", 0));
	EXPECT(passes(&ctx, "a < 0", -3, "x", 0));
	EXPECT(passes(&ctx, "b > 0xff", -3, "x", 256));
	EXPECT(passes(&ctx, "b >= 010 && b <= 8", 0, "x", 8));
	EXPECT(passes(&ctx, "b & 4", 0, "x", 6));
	EXPECT(!passes(&ctx, "b & 1", 0, "x", 6));
	EXPECT(passes(&ctx, "common_pid == 42", 0, "x", 0));
	EXPECT(passes(&ctx, "s == \"bash\"", 0, "bash", 0));
	EXPECT(passes(&ctx, "s != 'bash'", 0, "zsh", 0));
	EXPECT(passes(&ctx, "s ~ \"ba*\"", 0, "bash", 0));
	EXPECT(passes(&ctx, "s ~ \"*sh\" && s ~ \"?a[r-t]h\"", 0, "bash", 0));
	EXPECT(!passes(&ctx, "s ~ \"*z*\"", 0, "bash", 0));
	/* && binds tighter than || */
	EXPECT(passes(&ctx, "a == 1 || a == 2 && b == 3", 1, "x", 0));
	EXPECT(!passes(&ctx, "(a == 1 || a == 2) && b == 3", 1, "x", 0));
	EXPECT(passes(&ctx, "!(a == 2) && ((b == 0))", 1, "x", 0));
	EXPECT(trace_glob_match("k*::[!x]?", "kasync::ab"));
	EXPECT(!trace_glob_match("k*::[!x]?", "kasync::xb"));
	EXPECT(trace_glob_match("*", ""));
	trace_ctx_destroy(&ctx);
}

TEST(trace_filter, invalid_expressions)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	size_t pos = 99;
	const char *msg = NULL;

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	EXPECT_EQ(compile_err(&ctx, "nope == 1", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Field not found");
	EXPECT_EQ(pos, 0u);
	EXPECT_EQ(compile_err(&ctx, "(a == 1", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Too many '('");
	EXPECT_EQ(compile_err(&ctx, "a == 1)", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Too few '('");
	EXPECT_EQ(compile_err(&ctx, "s < 3", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Illegal operation for field type");
	EXPECT_EQ(pos, 2u);
	EXPECT_EQ(compile_err(&ctx, "a ~ 1", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Illegal operation for field type");
	EXPECT_EQ(compile_err(&ctx, "a == 1x", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Illegal integer value");
	EXPECT_EQ(compile_err(&ctx, "s == \"abc", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Missing matching quote");
	EXPECT_EQ(compile_err(&ctx, "a = 1", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Invalid operator");
	EXPECT_EQ(compile_err(&ctx, "a == 1 &&", &pos, &msg), ERR_INVAL);
	EXPECT_EQ(compile_err(&ctx, "()", &pos, &msg), ERR_INVAL);
	EXPECT_STREQ(msg, "Meaningless filter expression");
	trace_ctx_destroy(&ctx);
}

TEST(trace_filter, applied_at_commit_and_kept_on_error)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	struct trace_ring_stats st;

	if (!EXPECT_OK(setup(&ctx, &tp)))
		return;
	const struct trace_event_def *d = trace_ctx_find(&ctx, "ttest", "three");
	trace_ctx_set_enabled(&ctx, d, true);
	EXPECT_OK(trace_ctx_set_filter(&ctx, d, "a == 1\n", 7));
	EXPECT_STREQ(d->state->filter_text, "a == 1");
	EXPECT_EQ(trace_ctx_set_filter(&ctx, d, "bogus == 2", 10), ERR_INVAL);
	EXPECT_STREQ(d->state->filter_text, "bogus == 2\n^\nparse_error: Field not found\n");
	EXPECT_EQ(trace_ctx_set_filter(&ctx, d, "a == 1 && s <= 2", 16), ERR_INVAL);
	EXPECT_STREQ(
		d->state->filter_text,
		"a == 1 && s <= 2\n            ^\nparse_error: Illegal operation for field type\n");
	TRACE_POINT(ttest, three, 2, "no", 0);
	TRACE_POINT(ttest, three, 1, "yes", 0);
	trace_ring_get_stats(trace_ctx_ring(&ctx, 0), &st);
	EXPECT_EQ(st.entries, 1u); /* the old filter stayed active */
	EXPECT_OK(trace_ctx_set_filter(&ctx, d, "0", 1));
	EXPECT(d->state->filter_text == NULL);
	TRACE_POINT(ttest, three, 2, "no", 0);
	trace_ring_get_stats(trace_ctx_ring(&ctx, 0), &st);
	EXPECT_EQ(st.entries, 2u);
	trace_ctx_destroy(&ctx);
}
