/*
 * wasm_gen_test.c - the valid-module generator (tests/fuzz/wasm_gen.h):
 * every module it makes from 100,000 pseudo-random inputs (and from the
 * empty input) must load (decode + validate), with its code under
 * WASM_GEN_MAX_CODE bytes, and over all of them every instruction of the
 * opcode table (wasm/opcodes.h) must appear at least once.
 */
#include <stdlib.h>
#include <string.h>

#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

#include "../fuzz/wasm_gen.h"

/* ThreadSanitizer adds nothing to a single thread and is slow: fewer
 * seeds there (every opcode shows up within the first hundred). */
#ifdef TSAN_BUILD
#define GEN_TEST_SEEDS 10000
#else
#define GEN_TEST_SEEDS 100000
#endif
#define GEN_TEST_INPUT 2048

/* Loads one generated module; false (with the loader's message) if it
 * does not validate. */
static bool gen_test_one(struct test_ctx *t, const uint8_t *in, size_t len, uint64_t seed,
			 uint32_t *counts, size_t *max_code)
{
	static uint8_t mod[WASM_GEN_MAX_MODULE];
	struct wasm_gen_input gi = {.data = in, .len = len};
	struct wasm_module *m;
	struct wasm_error err;
	size_t n = wasm_gen_module(&gi, mod, sizeof(mod), counts), code = 0;

	if (!EXPECT(n > 0))
		return false;
	if (wasm_module_load(mod, n, &m, &err) != 0) {
		test_printf(t, "seed %llu: module of %zu bytes does not validate: %s (offset %u)\n",
			    (unsigned long long)seed, n, err.msg, (unsigned)err.offset);
		return EXPECT(false);
	}
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		code += m->funcs[i].code_end - m->funcs[i].body_start;
	if (code > *max_code)
		*max_code = code;
	wasm_module_free(m);
	return true;
}

TEST(wasm_gen, every_module_validates_and_every_opcode_appears)
{
	uint32_t *counts = calloc(WASM_OP_NINDEX, sizeof(*counts));
	uint8_t *in = malloc(GEN_TEST_INPUT);
	uint32_t rows = 0, seen = 0, failed = 0;
	size_t max_code = 0;

	if (!EXPECT(counts && in))
		goto out;
	gen_test_one(t, in, 0, 0, NULL, &max_code);
	for (uint64_t seed = 1; seed <= GEN_TEST_SEEDS && failed < 5; seed++) {
		size_t len = wasm_gen_seed(seed, in, GEN_TEST_INPUT);

		if (!gen_test_one(t, in, len, seed, counts, &max_code))
			failed++;
	}
	EXPECT_EQ(failed, 0);
	EXPECT_LT(max_code, WASM_GEN_MAX_CODE);
	for (uint32_t i = 0; i < WASM_OP_NINDEX; i++) {
		/* the generator makes no SIMD rows (yet) */
		if (!wasm_opinfo[i].text || wasm_opinfo[i].tr == WASM_TR_SIMD)
			continue;
		rows++;
		if (counts[i])
			seen++;
		else
			test_printf(t, "never generated: %s\n", wasm_opinfo[i].text);
	}
	test_printf(t, "%u seeds: %u of %u opcode rows generated; largest code %zu bytes\n",
		    GEN_TEST_SEEDS, seen, rows, max_code);
	EXPECT_EQ(seen, rows);
out:
	free(counts);
	free(in);
}
