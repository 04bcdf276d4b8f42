/*
 * vwork_test.c - function bodies validated by tasks on the executor
 * (wasm/vwork.h): the same verdict, per-function facts and first error as
 * the caller alone. On SMP=1 the tasks run only after validation returned
 * (they must find nothing to do); on SMP=4 they run beside the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "wasm/launch.h"
#include "wasm/load.h"
#include "wasm/vwork.h"

#define ROUNDS 8

/* Workers for the tests: three tasks even on one CPU, small runs. */
static void test_workers(struct wasm_workers *w)
{
	vwork_workers(w);
	w->n = 3;
	w->run_bytes = 2048;
}

/* Whether s ends with tail (a body's error ends with its "(func N)"). */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

static int decode_validate(const uint8_t *bytes, size_t len, const struct wasm_workers *w,
			   struct wasm_module **out, struct wasm_error *err)
{
	struct wasm_module *m;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = wasm_module_decode(bytes, len, &m, err);
	if (!rc)
		rc = wasm_module_validate_on(m, w, err);
	if (!rc && out)
		*out = m;
	else
		wasm_module_free(m);
	return rc;
}

TEST(vwork, tasks_validate_a_program_as_the_caller_alone_would)
{
	struct wasm_module *a, *b;
	struct wasm_workers w;
	struct wasm_error err;
	struct launch_file f;

	if (!EXPECT_OK(launch_open("files", &f)))
		return;
	test_workers(&w);
	if (EXPECT_OK(decode_validate(f.bytes, f.len, NULL, &a, &err))) {
		for (int r = 0; r < ROUNDS; r++) {
			if (!EXPECT_OK(decode_validate(f.bytes, f.len, &w, &b, &err)))
				break;
			for (uint32_t i = 0; i < a->nfuncs; i++)
				if (!EXPECT_EQ(a->funcs[i].max_height, b->funcs[i].max_height) ||
				    !EXPECT_EQ(a->funcs[i].nblocks, b->funcs[i].nblocks))
					break;
			wasm_module_free(b);
		}
		wasm_module_free(a);
	}
	launch_close(&f);
}

TEST(vwork, the_first_invalid_function_is_reported_whatever_runs_first)
{
	struct wasm_module *m;
	struct wasm_workers w;
	struct wasm_error alone, err;
	struct launch_file f;
	uint8_t *bad = NULL;
	char want[24];
	uint32_t first, later;
	int rc_alone;

	if (!EXPECT_OK(launch_open("files", &f)))
		return;
	test_workers(&w);
	if (!EXPECT_OK(decode_validate(f.bytes, f.len, NULL, &m, &err)))
		goto out;
	/* two bodies cut short by an `end` at their first instruction */
	first = m->nfunc_imports + (m->nfuncs - m->nfunc_imports) / 3;
	later = m->nfunc_imports + 2 * (m->nfuncs - m->nfunc_imports) / 3;
	bad = malloc(f.len);
	if (EXPECT(bad)) {
		memcpy(bad, f.bytes, f.len);
		bad[m->funcs[first].code_start] = 0x0b;
		bad[m->funcs[later].code_start] = 0x0b;
	}
	wasm_module_free(m);
	if (!bad)
		goto out;
	rc_alone = decode_validate(bad, f.len, NULL, NULL, &alone);
	fmt_snprintf(want, sizeof(want), "(func %u)", first);
	if (!EXPECT(rc_alone == ERR_INVALID || rc_alone == ERR_MALFORMED) ||
	    !EXPECT(ends_with(alone.msg, want)))
		goto out;
	for (int r = 0; r < ROUNDS; r++) {
		int rc = decode_validate(bad, f.len, &w, NULL, &err);

		if (!EXPECT_EQ(rc, rc_alone) || !EXPECT_EQ(err.offset, alone.offset) ||
		    !EXPECT_STREQ(err.msg, alone.msg))
			break;
	}
out:
	free(bad);
	launch_close(&f);
}
