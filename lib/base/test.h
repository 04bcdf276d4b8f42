/*
 * test.h - the one test harness, for host tests and in-kernel tests alike.
 *
 *   TEST(fdt, parses_memory) {
 *           EXPECT_EQ(n, 2);
 *           if (!EXPECT(p != NULL))
 *                   return;              // stop this test early
 *   }
 *
 * TEST puts a `struct test_case` in the linker section `test_cases`; the
 * runner walks that section in name order (section order is not stable),
 * runs the cases whose "suite.name" matches the filter, prints one line per
 * case and ends with the line "N passed, N failed".
 *
 * EXPECT_* record a failure and carry on; each returns whether it held, so a
 * test can stop with an explicit `return`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

struct test_ctx;

struct test_case {
	const char *name; /* "suite.name" */
	void (*fn)(struct test_ctx *t);
};

/* Where the harness prints, and what it has counted. */
struct test_ctx {
	void (*out)(void *arg, const char *s, size_t len);
	void *out_arg;
	const struct test_case *cur; /* the running case */
	int cur_failures;	     /* failed checks in the running case */
	int passed, failed;	     /* cases */
	bool verbose;		     /* print passing checks' cases too */
};

#define TEST_SECTION "test_cases"

#define TEST(suite, name)                                                               \
	static void test_##suite##_##name(struct test_ctx *t);                          \
	__attribute__((used, section(TEST_SECTION), aligned(sizeof(void *)),            \
		       no_sanitize("address"))) static const struct test_case           \
		test_case_##suite##_##name = {#suite "." #name, test_##suite##_##name}; \
	static void test_##suite##_##name(struct test_ctx *t UNUSED)

bool test_check(struct test_ctx *t, bool ok, const char *expr, const char *file, int line);
enum test_op { TEST_EQ, TEST_NE, TEST_LT, TEST_LE, TEST_GT, TEST_GE, TEST_EQ_U };
bool test_check_int(struct test_ctx *t, enum test_op op, int64_t a, int64_t b, const char *ea,
		    const char *eb, const char *file, int line);
bool test_check_str(struct test_ctx *t, const char *a, const char *b, const char *ea,
		    const char *eb, const char *file, int line);
void test_printf(struct test_ctx *t, const char *fmt, ...) PRINTF_LIKE(2, 3);

#define EXPECT(c) test_check(t, (c) ? true : false, #c, __FILE__, __LINE__)
/* Each operand is evaluated exactly once. */
#define TEST_CMP_(a, op, b) \
	test_check_int(t, op, (int64_t)(a), (int64_t)(b), #a, #b, __FILE__, __LINE__)
#define EXPECT_EQ(a, b)	   TEST_CMP_(a, TEST_EQ, b)
#define EXPECT_NE(a, b)	   TEST_CMP_(a, TEST_NE, b)
#define EXPECT_LT(a, b)	   TEST_CMP_(a, TEST_LT, b)
#define EXPECT_LE(a, b)	   TEST_CMP_(a, TEST_LE, b)
#define EXPECT_GT(a, b)	   TEST_CMP_(a, TEST_GT, b)
#define EXPECT_GE(a, b)	   TEST_CMP_(a, TEST_GE, b)
/* Compares as unsigned 64-bit (addresses, masks). */
#define EXPECT_EQ_U(a, b)  TEST_CMP_(a, TEST_EQ_U, b)
#define EXPECT_OK(e)	   EXPECT_EQ(e, 0)
#define EXPECT_STREQ(a, b) test_check_str(t, a, b, #a, #b, __FILE__, __LINE__)

/*
 * test_run - runs every registered case whose name matches `filter` (a
 * comma-separated list of substrings; NULL or "" matches all; a leading '-'
 * on an item excludes). Prints "N passed, N failed" last. Returns the number
 * of failed cases. `cases` is the section's [begin, end).
 */
int test_run(struct test_ctx *t, const struct test_case *begin, const struct test_case *end,
	     const char *filter);

/* test_list - prints the names of the cases that match `filter`. */
void test_list(struct test_ctx *t, const struct test_case *begin, const struct test_case *end,
	       const char *filter);

/* Set by the linker for the section named TEST_SECTION. */
extern const struct test_case __start_test_cases[];
extern const struct test_case __stop_test_cases[];
