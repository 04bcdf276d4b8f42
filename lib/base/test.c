/*
 * test.c - the test runner behind test.h.
 *
 * Cases are run in name order without sorting the (read-only) section:
 * each round picks the smallest name greater than the previous one. That is
 * quadratic in the number of cases, which stays in the hundreds.
 */
#include "test.h"

#include <string.h>

#include "fmt.h"

void test_printf(struct test_ctx *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	t->out(t->out_arg, buf, (size_t)n);
}

static void fail_head(struct test_ctx *t, const char *file, int line)
{
	t->cur_failures++;
	test_printf(t, "  %s:%d: ", file, line);
}

bool test_check(struct test_ctx *t, bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		fail_head(t, file, line);
		test_printf(t, "expected %s\n", expr);
	}
	return ok;
}

bool test_check_int(struct test_ctx *t, enum test_op op, int64_t a, int64_t b, const char *ea,
		    const char *eb, const char *file, int line)
{
	static const char *const names[] = {"==", "!=", "<", "<=", ">", ">=", "=="};
	bool ok;
	switch (op) {
	case TEST_EQ:
		ok = a == b;
		break;
	case TEST_NE:
		ok = a != b;
		break;
	case TEST_LT:
		ok = a < b;
		break;
	case TEST_LE:
		ok = a <= b;
		break;
	case TEST_GT:
		ok = a > b;
		break;
	case TEST_GE:
		ok = a >= b;
		break;
	default:
		ok = (uint64_t)a == (uint64_t)b;
		break;
	}
	if (!ok) {
		fail_head(t, file, line);
		test_printf(t, "expected %s %s %s, got %lld (0x%llx) and %lld (0x%llx)\n", ea,
			    names[op], eb, (long long)a, (unsigned long long)a, (long long)b,
			    (unsigned long long)b);
	}
	return ok;
}

bool test_check_str(struct test_ctx *t, const char *a, const char *b, const char *ea,
		    const char *eb, const char *file, int line)
{
	bool ok = a && b && strcmp(a, b) == 0;
	if (!ok) {
		fail_head(t, file, line);
		test_printf(t, "expected %s == %s, got \"%s\" and \"%s\"\n", ea, eb,
			    a ? a : "(null)", b ? b : "(null)");
	}
	return ok;
}

/* Does `name` contain `item[0..len)`? */
static bool contains(const char *name, const char *item, size_t len)
{
	if (len == 0)
		return true;
	for (; *name; name++)
		if (strncmp(name, item, len) == 0)
			return true;
	return false;
}

static bool matches(const char *name, const char *filter)
{
	if (!filter || !*filter)
		return true;
	bool any_include = false, included = false;
	const char *p = filter;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (*p == '-') {
			if (contains(name, p + 1, len - 1))
				return false;
		} else if (len) {
			any_include = true;
			included |= contains(name, p, len);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return !any_include || included;
}

/* The case with the smallest name greater than `prev` (NULL: the first). */
static const struct test_case *next_case(const struct test_case *begin, const struct test_case *end,
					 const char *prev)
{
	const struct test_case *best = 0;
	for (const struct test_case *c = begin; c < end; c++) {
		if (prev && strcmp(c->name, prev) <= 0)
			continue;
		if (!best || strcmp(c->name, best->name) < 0)
			best = c;
	}
	return best;
}

int test_run(struct test_ctx *t, const struct test_case *begin, const struct test_case *end,
	     const char *filter)
{
	const char *prev = 0;
	const struct test_case *c;
	while ((c = next_case(begin, end, prev))) {
		prev = c->name;
		if (!matches(c->name, filter))
			continue;
		t->cur = c;
		t->cur_failures = 0;
		c->fn(t);
		if (t->cur_failures) {
			t->failed++;
			test_printf(t, "FAIL %s\n", c->name);
		} else {
			t->passed++;
			test_printf(t, "ok   %s\n", c->name);
		}
	}
	t->cur = 0;
	test_printf(t, "%d passed, %d failed\n", t->passed, t->failed);
	return t->failed;
}

void test_list(struct test_ctx *t, const struct test_case *begin, const struct test_case *end,
	       const char *filter)
{
	const char *prev = 0;
	const struct test_case *c;
	while ((c = next_case(begin, end, prev))) {
		prev = c->name;
		if (matches(c->name, filter))
			test_printf(t, "%s\n", c->name);
	}
}
