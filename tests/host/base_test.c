/* base_test.c - tests of lib/base: fmt, err, the harness's filter. */
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"

static const char *f(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return buf;
}

TEST(fmt, integers)
{
	char b[64];
	EXPECT_STREQ(f(b, sizeof(b), "%d %i %u", -5, 7, 3u), "-5 7 3");
	EXPECT_STREQ(f(b, sizeof(b), "%x %X %#x %o", 255u, 255u, 255u, 8u), "ff FF 0xff 10");
	EXPECT_STREQ(f(b, sizeof(b), "%lld", (long long)INT64_MIN), "-9223372036854775808");
	EXPECT_STREQ(f(b, sizeof(b), "%llu", (unsigned long long)UINT64_MAX),
		     "18446744073709551615");
	EXPECT_STREQ(f(b, sizeof(b), "%zu %lx", (size_t)42, 0xdeadbeefUL), "42 deadbeef");
	EXPECT_STREQ(f(b, sizeof(b), "%hhd %hd", 300, 70000), "44 4464");
}

TEST(fmt, width_precision_flags)
{
	char b[64];
	EXPECT_STREQ(f(b, sizeof(b), "[%5d][%-5d][%05d]", 42, 42, -42), "[   42][42   ][-0042]");
	EXPECT_STREQ(f(b, sizeof(b), "[%+d][% d][%.3d]", 5, 5, 5), "[+5][ 5][005]");
	EXPECT_STREQ(f(b, sizeof(b), "[%*d][%.*s]", 4, 1, 2, "abc"), "[   1][ab]");
	EXPECT_STREQ(f(b, sizeof(b), "[%6s][%-6s][%c]", "ab", "ab", 'z'), "[    ab][ab    ][z]");
	EXPECT_STREQ(f(b, sizeof(b), "%016lx", 0x1234UL), "0000000000001234");
	EXPECT_STREQ(f(b, sizeof(b), "%s %%", (char *)0), "(null) %");
	EXPECT_STREQ(f(b, sizeof(b), "%p", (void *)0x10), "0x10");
}

/* %.*s reads no byte past the precision: the string need not end there
 * (ASan sees a read of the byte after this unterminated array). */
TEST(fmt, precision_bounds_the_read)
{
	char b[16];
	const char abc[3] = {'a', 'b', 'c'};
	EXPECT_STREQ(f(b, sizeof(b), "[%.*s]", 3, abc), "[abc]");
}

TEST(fmt, truncates_and_counts)
{
	char b[8];
	memset(b, 'x', sizeof(b));
	EXPECT_EQ(fmt_snprintf(b, 4, "hello %d", 12), 8);
	EXPECT_STREQ(b, "hel");
	EXPECT_EQ(b[4], 'x');
	EXPECT_EQ(fmt_snprintf(0, 0, "%d", 12345), 5);
}

TEST(err, names)
{
	EXPECT_STREQ(err_str(0), "success");
	EXPECT_STREQ(err_str(ERR_NOMEM), "out of memory");
	EXPECT_STREQ(err_str(ERR_BADF), "bad handle");
	EXPECT_STREQ(err_str(-1000), "unknown error");
	EXPECT_STREQ(err_str(5), "unknown error");
	for (int e = 0; e > -ERR__COUNT; e--)
		EXPECT(strcmp(err_str(e), "unknown error") != 0);
}

TEST(err, texts_read_as_strerror)
{
	EXPECT_STREQ(err_text(ERR_NOENT), "No such file or directory");
	EXPECT_STREQ(err_text(ERR_NOMEM), "Cannot allocate memory");
	EXPECT_STREQ(err_text(ERR_ROFS), "Read-only file system");
	EXPECT_STREQ(err_text(ERR_INVAL), "Invalid argument");
	EXPECT_STREQ(err_text(-1000), "Unknown error");
	EXPECT_STREQ(err_text(5), "Unknown error");
	/* every code has a sentence: capitalised, no final period */
	for (int e = 0; e > -ERR__COUNT; e--) {
		const char *s = err_text(e);
		size_t n = strlen(s);
		EXPECT(strcmp(s, "Unknown error") != 0);
		EXPECT(n > 0 && s[0] >= 'A' && s[0] <= 'Z' && s[n - 1] != '.');
	}
}

static void sink(void *arg, const char *s, size_t len)
{
	(void)s;
	*(size_t *)arg += len;
}

static int ran_a, ran_b;
static void case_a(struct test_ctx *t)
{
	(void)t;
	ran_a++;
}
static void case_b(struct test_ctx *t)
{
	ran_b++;
	EXPECT(0);
}

TEST(harness, filter_and_counts)
{
	const struct test_case cases[] = {{"x.b", case_b}, {"x.a", case_a}};
	size_t printed = 0;
	struct test_ctx inner = {.out = sink, .out_arg = &printed};
	ran_a = ran_b = 0;
	EXPECT_EQ(test_run(&inner, cases, cases + 2, "x.a"), 0);
	EXPECT_EQ(ran_a, 1);
	EXPECT_EQ(ran_b, 0);
	struct test_ctx inner2 = {.out = sink, .out_arg = &printed};
	EXPECT_EQ(test_run(&inner2, cases, cases + 2, "x,-x.a"), 1);
	EXPECT_EQ(inner2.passed, 0);
	EXPECT_EQ(inner2.failed, 1);
	EXPECT_EQ(ran_b, 1);
	EXPECT_GT(printed, 0);
}

static int bumps;
static int bump(void)
{
	return ++bumps;
}

/* Regression: EXPECT_EQ once evaluated its operands twice. */
TEST(harness, expect_evaluates_once)
{
	bumps = 0;
	EXPECT_EQ(bump(), 1);
	EXPECT_EQ(bumps, 1);
}

#include "base/rand.h"

TEST(rand, seeds_differ_and_bounds_hold)
{
	struct rand a, b, z;
	rand_seed(&a, "seed-a", 6);
	rand_seed(&b, "seed-b", 6);
	rand_seed(&z, 0, 0);
	EXPECT_NE(rand_next(&a), rand_next(&b));
	EXPECT_NE(rand_next(&z), 0);
	int hist[10] = {0};
	for (int i = 0; i < 100000; i++) {
		uint64_t v = rand_below(&a, 10);
		if (!EXPECT_LT(v, 10))
			return;
		hist[v]++;
	}
	for (int i = 0; i < 10; i++) /* each bucket near 10000 */
		EXPECT(hist[i] > 9000 && hist[i] < 11000);
	EXPECT_EQ(rand_below(&a, 1), 0);
}
