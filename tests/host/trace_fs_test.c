/* trace_fs_test.c - the tracefs files, trace/trace_pipe text, kernel
 * addresses hashed in text (options/hash-ptr), metrics. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/siphash.h"
#include "base/test.h"
#include "trace/metrics.h"
#include "trace/output.h"
#include "trace/tracefs.h"
#include "trace_test_events.h"
#include "trace_test_plat.h"

static int fs_setup(struct trace_ctx *ctx, struct test_plat *tp)
{
	struct trace_platform p = test_plat_make(tp, 1234567890000ull - 1000);
	return trace_ctx_init(ctx, &p, 2, __start_trace_events, __stop_trace_events, 16);
}

/* Reads a whole file with reads of `chunk` bytes into buf. */
static int slurp(struct trace_ctx *ctx, const char *path, size_t chunk, char *buf, size_t cap)
{
	struct trace_fs_file *f;
	size_t len = 0, n;
	int err = trace_fs_open(ctx, path, 0, &f);

	if (err)
		return err;
	while ((err = trace_fs_read(f, buf + len, MIN(chunk, cap - 1 - len), &n)) == 0 && n)
		len += n;
	buf[len] = '\0';
	trace_fs_close(f);
	return err;
}

static int put(struct trace_ctx *ctx, const char *path, const char *text)
{
	struct trace_fs_file *f;
	int err = trace_fs_open(ctx, path, 0, &f);
	if (err)
		return err;
	err = trace_fs_write(f, text, strlen(text));
	trace_fs_close(f);
	return err;
}

TEST(trace_fs, switches_validate_zero_one)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[256];

	if (!EXPECT_OK(fs_setup(&ctx, &tp)))
		return;
	EXPECT_OK(slurp(&ctx, "events/ttest/three/enable", 64, buf, sizeof(buf)));
	EXPECT_STREQ(buf, "0\n");
	EXPECT_OK(put(&ctx, "/events/ttest/three/enable", "1\n"));
	EXPECT_EQ(put(&ctx, "events/ttest/three/enable", "2"), ERR_INVAL);
	EXPECT_EQ(put(&ctx, "events/ttest/three/enable", "10"), ERR_INVAL);
	EXPECT_EQ(put(&ctx, "events/ttest/three/enable", ""), ERR_INVAL);
	EXPECT_EQ(put(&ctx, "events/ttest/three/enable", "0x"), ERR_INVAL);
	slurp(&ctx, "events/ttest/three/enable", 1, buf, sizeof(buf));
	EXPECT_STREQ(buf, "1\n");
	slurp(&ctx, "events/ttest/enable", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "X\n");
	slurp(&ctx, "events/enable", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "X\n");
	EXPECT_OK(put(&ctx, "events/ttest/enable", "1"));
	slurp(&ctx, "events/ttest/enable", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "1\n");
	EXPECT_OK(put(&ctx, "events/enable", "0"));
	slurp(&ctx, "set_event", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "");
	EXPECT_EQ(put(&ctx, "tracing_on", "yes"), ERR_INVAL);
	EXPECT(trace_ctx_tracing_on(&ctx));
	EXPECT_OK(put(&ctx, "tracing_on", "0"));
	slurp(&ctx, "tracing_on", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "0\n");
	EXPECT_EQ(put(&ctx, "events/ttest/three/id", "1"), ERR_PERM);
	EXPECT_EQ(slurp(&ctx, "events/ttest/nope/id", 64, buf, sizeof(buf)), ERR_NOENT);
	EXPECT_EQ(slurp(&ctx, "events/ttest", 64, buf, sizeof(buf)), ERR_ISDIR);
	EXPECT_EQ(slurp(&ctx, "trace_marker", 64, buf, sizeof(buf)), ERR_PERM);
	EXPECT_EQ(slurp(&ctx, "per_cpu/cpu2/trace", 64, buf, sizeof(buf)), ERR_NOENT);
	trace_ctx_destroy(&ctx);
}

TEST(trace_fs, set_event_available_id_format_filter)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[2048], want[2048];
	struct trace_fs_file *f;

	if (!EXPECT_OK(fs_setup(&ctx, &tp)))
		return;
	slurp(&ctx, "available_events", 3, buf, sizeof(buf));
	EXPECT(strstr(buf, "ttest:alpha\nttest:three\n") != NULL);
	EXPECT(strstr(buf, "zsys:last\n") != NULL);
	EXPECT_OK(put(&ctx, "set_event", "ttest:three zsys:*"));
	slurp(&ctx, "set_event", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "ttest:three\nzsys:last\n");
	EXPECT_EQ(put(&ctx, "set_event", "!zsys:last nosuch:event"), ERR_INVAL);
	slurp(&ctx, "set_event", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "ttest:three\nzsys:last\n"); /* nothing changed */
	EXPECT_OK(put(&ctx, "set_event", "!zsys:last"));
	if (EXPECT_OK(trace_fs_open(&ctx, "set_event", TRACE_FS_TRUNC, &f))) {
		EXPECT_OK(trace_fs_write(f, "alpha\n", 6));
		trace_fs_close(f);
	}
	slurp(&ctx, "set_event", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "ttest:alpha\n");
	const struct trace_event_def *d = trace_ctx_find(&ctx, "ttest", "three");
	slurp(&ctx, "events/ttest/three/id", 64, buf, sizeof(buf));
	fmt_snprintf(want, sizeof(want), "%u\n", d->state->id);
	EXPECT_STREQ(buf, want);
	slurp(&ctx, "events/ttest/three/format", 7, buf, sizeof(buf));
	trace_format_file(d, want, sizeof(want));
	EXPECT_STREQ(buf, want);
	slurp(&ctx, "events/ftrace/print/id", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "5\n");
	slurp(&ctx, "events/ttest/three/filter", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "none\n");
	EXPECT_EQ(put(&ctx, "events/ttest/three/filter", "a ==\n"), ERR_INVAL);
	slurp(&ctx, "events/ttest/three/filter", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "a ==\n    ^\nparse_error: Illegal integer value\n\n");
	EXPECT_OK(put(&ctx, "events/ttest/three/filter", "a > 3"));
	slurp(&ctx, "events/ttest/three/filter", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "a > 3\n");
	trace_ctx_destroy(&ctx);
}

TEST(trace_fs, trace_and_trace_pipe_text)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[4096], one[2];
	struct trace_fs_file *f;
	size_t n;

	if (!EXPECT_OK(fs_setup(&ctx, &tp)))
		return;
	put(&ctx, "events/ttest/enable", "1");
	TRACE_POINT(ttest, three, 1, "hi", 2);
	test_plat_cpu = 1;
	TRACE_POINT(ttest, alpha, 9);
	test_plat_cpu = 0;
	EXPECT_OK(put(&ctx, "trace_marker", "hello world"));
	const char *lines =
		"          tester-42      [000] .....  1234.567890: three: a=1 s=hi b=2\n"
		"          tester-42      [001] .....  1234.567891: alpha: v=9\n"
		"          tester-42      [000] .....  1234.567892: tracing_mark_write: hello "
		"world\n";
	const char *header = "# tracer: nop\n"
			     "#\n"
			     "# entries-in-buffer/entries-written: 3/3   #P:2\n"
			     "#\n"
			     "#                                _-----=> irqs-off/BH-disabled\n"
			     "#                               / _----=> need-resched\n"
			     "#                              | / _---=> hardirq/softirq\n"
			     "#                              || / _--=> preempt-depth\n"
			     "#                              ||| / _-=> migrate-disable\n"
			     "#                              |||| /     delay\n"
			     "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
			     "#              | |         |   |||||     |         |\n";
	char want[4096];
	fmt_snprintf(want, sizeof(want), "%s%s", header, lines);
	EXPECT_OK(slurp(&ctx, "trace", 1, buf, sizeof(buf)));
	EXPECT_STREQ(buf, want);
	slurp(&ctx, "per_cpu/cpu1/trace", 100, buf, sizeof(buf));
	EXPECT(strstr(buf, "entries-in-buffer/entries-written: 1/1   #P:2\n") != NULL);
	EXPECT(strstr(buf, "alpha: v=9\n") != NULL && strstr(buf, "three:") == NULL);
	slurp(&ctx, "saved_cmdlines", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "42 tester\n");

	/* trace_pipe with 1-byte reads: the whole text, then EAGAIN */
	if (!EXPECT_OK(trace_fs_open(&ctx, "trace_pipe", 0, &f)))
		return;
	size_t len = 0;
	while (trace_fs_read(f, one, 1, &n) == 0 && n == 1)
		buf[len++] = one[0];
	buf[len] = '\0';
	EXPECT_STREQ(buf, lines);
	EXPECT_EQ(trace_fs_read(f, buf, sizeof(buf), &n), ERR_AGAIN);
	EXPECT(!trace_pipe_wait_prepare(&ctx));
	TRACE_POINT(ttest, alpha, 1);
	EXPECT_EQ(atomic_load(&tp.wakeups), 1);
	EXPECT_OK(trace_fs_read(f, buf, 20, &n)); /* a partial line... */
	EXPECT_EQ(n, 20u);
	EXPECT_OK(trace_fs_read(f, buf + 20, sizeof(buf) - 20, &n)); /* ...and its rest */
	buf[20 + n] = '\0';
	EXPECT_STREQ(buf, "          tester-42      [000] .....  1234.567893: alpha: v=1\n");
	trace_fs_close(f);
	/* consumed records leave `trace`; entries-written does not count them */
	slurp(&ctx, "trace", 4096, buf, sizeof(buf));
	EXPECT(strstr(buf, "entries-in-buffer/entries-written: 0/0   #P:2\n") != NULL);
	trace_ctx_destroy(&ctx);
}

TEST(trace_fs, clear_resize_cmdlines_size_overrun)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[4096];
	struct trace_fs_file *f;

	if (!EXPECT_OK(fs_setup(&ctx, &tp)))
		return;
	put(&ctx, "events/ttest/alpha/enable", "1");
	for (int i = 0; i < 300; i++) /* 16 KiB = 256 slots */
		TRACE_POINT(ttest, alpha, (int16_t)i);
	slurp(&ctx, "trace", 4096, buf, sizeof(buf));
	EXPECT(strstr(buf, "entries-in-buffer/entries-written: 256/300   #P:2\n") != NULL);
	EXPECT_OK(put(&ctx, "trace", ""));
	slurp(&ctx, "trace", 4096, buf, sizeof(buf));
	EXPECT(strstr(buf, "entries-in-buffer/entries-written: 0/0   #P:2\n") != NULL);
	TRACE_POINT(ttest, alpha, 1);
	if (EXPECT_OK(trace_fs_open(&ctx, "trace", TRACE_FS_TRUNC, &f)))
		trace_fs_close(f);
	EXPECT(!trace_ctx_has_data(&ctx));
	EXPECT_EQ(put(&ctx, "buffer_size_kb", "0"), ERR_INVAL);
	EXPECT_EQ(put(&ctx, "buffer_size_kb", "12k"), ERR_INVAL);
	EXPECT_OK(put(&ctx, "buffer_size_kb", "32\n"));
	slurp(&ctx, "buffer_size_kb", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "32\n");
	EXPECT_EQ(trace_ctx_ring(&ctx, 1)->nslots, 512u);
	EXPECT_OK(put(&ctx, "saved_cmdlines_size", "4"));
	slurp(&ctx, "saved_cmdlines_size", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "4\n");
	EXPECT_EQ(put(&ctx, "saved_cmdlines_size", "-1"), ERR_INVAL);
	tp.pid = 7;
	memcpy(tp.comm, "seven", 6);
	TRACE_POINT(ttest, alpha, 1);
	slurp(&ctx, "saved_cmdlines", 64, buf, sizeof(buf));
	EXPECT_STREQ(buf, "7 seven\n");
	trace_ctx_destroy(&ctx);
}

struct listing {
	char names[512];
};

static void collect(void *arg, const char *name, bool is_dir)
{
	struct listing *l = arg;
	size_t n = strlen(l->names);
	fmt_snprintf(l->names + n, sizeof(l->names) - n, "%s%s ", name, is_dir ? "/" : "");
}

TEST(trace_fs, directory_listing)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	struct listing l = {{0}};

	if (!EXPECT_OK(fs_setup(&ctx, &tp)))
		return;
	EXPECT_OK(trace_fs_list(&ctx, "events/ttest", collect, &l));
	EXPECT_STREQ(l.names, "enable alpha/ three/ ");
	l.names[0] = '\0';
	EXPECT_OK(trace_fs_list(&ctx, "events/ttest/three", collect, &l));
	EXPECT_STREQ(l.names, "enable filter format id ");
	l.names[0] = '\0';
	EXPECT_OK(trace_fs_list(&ctx, "per_cpu", collect, &l));
	EXPECT_STREQ(l.names, "cpu0/ cpu1/ ");
	EXPECT_EQ(trace_fs_list(&ctx, "events/nope", collect, &l), ERR_NOENT);
	trace_ctx_destroy(&ctx);
}

/* ---- kernel addresses in text: options/hash-ptr ---- */

#define PTR_ADDR  0xffffffc012345678ull
#define PTR_IP	  0xffffffff80201234ull
#define PTR_COUNT 0xfffffffffffffff0ull /* not a pointer field: never hashed */

static int ptr_setup(struct trace_ctx *ctx, struct test_plat *tp, const struct siphash_key *key)
{
	int err = fs_setup(ctx, tp);

	if (!err) {
		trace_ctx_set_ptr_key(ctx, key);
		err = put(ctx, "events/ptrtest/fault/enable", "1");
	}
	return err;
}

/* The line body ptrtest:fault prints for the values shown. */
static const char *fault_body(char *buf, size_t size, uint64_t a, uint64_t ip, uint64_t count)
{
	fmt_snprintf(buf, size, "fault: address=0x%llx ip=0x%llx count=0x%llx\n",
		     (unsigned long long)a, (unsigned long long)ip, (unsigned long long)count);
	return buf;
}

TEST(trace_fs, kernel_addresses_are_hashed_until_hash_ptr_is_off)
{
	const struct siphash_key key = {0x1122334455667788ull, 0x99aabbccddeeff00ull};
	struct trace_ctx ctx;
	struct test_plat tp;
	char buf[4096], want[128];
	uint64_t ha = siphash_u64(&key, PTR_ADDR) & 0xffffffffu;
	uint64_t hip = siphash_u64(&key, PTR_IP) & 0xffffffffu;

	if (!EXPECT_OK(ptr_setup(&ctx, &tp, &key)))
		return;
	EXPECT_OK(slurp(&ctx, "options/hash-ptr", 64, buf, sizeof(buf)));
	EXPECT_STREQ(buf, "1\n");
	TRACE_POINT(ptrtest, fault, PTR_ADDR, PTR_IP, PTR_COUNT);
	TRACE_POINT(ptrtest, fault, 0x10, 0, 1); /* NULL-ish: not kernel addresses */
	EXPECT_OK(slurp(&ctx, "trace", 4096, buf, sizeof(buf)));
	EXPECT(strstr(buf, fault_body(want, sizeof(want), ha, hip, PTR_COUNT)) != NULL);
	EXPECT(strstr(buf, fault_body(want, sizeof(want), 0x10, 0, 1)) != NULL);
	EXPECT(strstr(buf, "ffffffc0") == NULL && strstr(buf, "ffffffff8") == NULL);
	EXPECT_EQ_U(trace_format_ptr(&ctx, PTR_ADDR), ha); /* the same address, the same text */
	/* the shell's user switches it off, and the raw values show */
	EXPECT_EQ(put(&ctx, "options/hash-ptr", "2"), ERR_INVAL);
	EXPECT_OK(put(&ctx, "options/hash-ptr", "0\n"));
	EXPECT_OK(slurp(&ctx, "options/hash-ptr", 64, buf, sizeof(buf)));
	EXPECT_STREQ(buf, "0\n");
	EXPECT_OK(slurp(&ctx, "trace", 4096, buf, sizeof(buf)));
	EXPECT(strstr(buf, fault_body(want, sizeof(want), PTR_ADDR, PTR_IP, PTR_COUNT)) != NULL);
	/* and back on: trace_pipe too */
	EXPECT_OK(put(&ctx, "options/hash-ptr", "1"));
	EXPECT_EQ(slurp(&ctx, "trace_pipe", 4096, buf, sizeof(buf)), ERR_AGAIN); /* to its end */
	EXPECT(strstr(buf, fault_body(want, sizeof(want), ha, hip, PTR_COUNT)) != NULL);
	trace_ctx_destroy(&ctx);
}

TEST(trace_fs, hashed_addresses_depend_on_the_key)
{
	const struct siphash_key k1 = {1, 2}, k2 = {3, 4};
	struct trace_ctx a, b;
	struct test_plat tpa, tpb;

	if (!EXPECT_OK(ptr_setup(&a, &tpa, &k1)))
		return;
	uint64_t h1 = trace_format_ptr(&a, PTR_ADDR);
	trace_ctx_destroy(&a); /* an event binds to one context at a time */
	if (!EXPECT_OK(ptr_setup(&b, &tpb, &k2)))
		return;
	EXPECT_NE(trace_format_ptr(&b, PTR_ADDR), h1);
	EXPECT_LT(trace_format_ptr(&b, PTR_ADDR), 1ull << 32);
	EXPECT_EQ_U(trace_format_ptr(&b, 0x7fffffffffffffffull), 0x7fffffffffffffffull);
	trace_ctx_destroy(&b);
}

TEST(trace_fs, options_directory)
{
	const struct siphash_key key = {5, 6};
	struct trace_ctx ctx;
	struct test_plat tp;
	struct listing l = {{0}};

	if (!EXPECT_OK(ptr_setup(&ctx, &tp, &key)))
		return;
	EXPECT_OK(trace_fs_list(&ctx, "", collect, &l));
	EXPECT(strstr(l.names, " options/ ") != NULL);
	l.names[0] = '\0';
	EXPECT_OK(trace_fs_list(&ctx, "options", collect, &l));
	EXPECT_STREQ(l.names, "hash-ptr ");
	EXPECT_EQ(put(&ctx, "options/nope", "1"), ERR_NOENT);
	EXPECT_EQ(put(&ctx, "options", "1"), ERR_ISDIR);
	trace_ctx_destroy(&ctx);
}

TRACE_METRIC(test_ticks, "ticks counted by the test");

TEST(trace_metrics, per_cpu_sum)
{
	uint64_t before = trace_metric_sum(&test_ticks, TRACE_MAX_CPUS);
	uint64_t before2 = trace_metric_sum(&test_ticks, 2);
	char buf[512];

	trace_metric_inc(&test_ticks, 0);
	trace_metric_inc(&test_ticks, 1);
	trace_metric_add(&test_ticks, 3, 5);
	EXPECT_EQ(trace_metric_sum(&test_ticks, TRACE_MAX_CPUS), before + 7);
	EXPECT_EQ(trace_metric_sum(&test_ticks, 2), before2 + 2);
	EXPECT(trace_metric_find(__start_trace_metrics, __stop_trace_metrics, "test_ticks") ==
	       &test_ticks);
	trace_metrics_format(__start_trace_metrics, __stop_trace_metrics, TRACE_MAX_CPUS, buf,
			     sizeof(buf));
	EXPECT(strstr(buf, "test_ticks ") != NULL);
}
