/*
 * wasm_gen_test.c - the valid-module generator (tests/fuzz/wasm_gen.h):
 * every module it makes from 100,000 pseudo-random inputs (and from the
 * empty input) must load (decode + validate), with its code under
 * WASM_GEN_MAX_CODE bytes, and over all of them every instruction of the
 * opcode table (wasm/opcodes.h), SIMD, relaxed SIMD and GC included
 * (but GC's segment and extern rows), must appear at least once. With a subset of its features
 * (wasm_gen.h) the modules must load with every other feature turned off.
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
#define GEN_COUNT_ONE  8 /* features the generator has options for */

/* Loads one generated module; false (with the loader's message) if it
 * does not validate. */
static bool gen_test_one(struct test_ctx *t, const uint8_t *in, size_t len, uint64_t seed,
			 uint32_t *counts, size_t *max_code, uint32_t features)
{
	static uint8_t mod[WASM_GEN_MAX_MODULE];
	struct wasm_gen_input gi = {.data = in, .len = len};
	struct wasm_load_opts o = {.features_off = WASM_GEN_FEATURES_ALL & ~features};
	struct wasm_module *m;
	struct wasm_error err;
	size_t n = wasm_gen_module_with(&gi, mod, sizeof(mod), counts, features), code = 0;

	if (!EXPECT(n > 0))
		return false;
	if (wasm_module_load_opts(mod, n, &o, &m, &err) != 0) {
		test_printf(t,
			    "seed %llu, features 0x%x: module of %zu bytes does not validate: %s "
			    "(offset %u)\n",
			    (unsigned long long)seed, features, n, err.msg, (unsigned)err.offset);
		return EXPECT(false);
	}
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		code += m->funcs[i].code_end - m->funcs[i].body_start;
	if (code > *max_code)
		*max_code = code;
	wasm_module_free(m);
	return true;
}

/* The GC rows the generator does not make: segments into arrays, and
 * conversions to and from extern. */
static bool gen_test_not_generated(uint32_t i)
{
	static const uint32_t gc[] = {WASM_OP_ARRAY_NEW_DATA,	  WASM_OP_ARRAY_NEW_ELEM,
				      WASM_OP_ARRAY_INIT_DATA,	  WASM_OP_ARRAY_INIT_ELEM,
				      WASM_OP_ANY_CONVERT_EXTERN, WASM_OP_EXTERN_CONVERT_ANY};

	for (uint32_t k = 0; k < sizeof(gc) / sizeof(gc[0]); k++)
		if (i == WASM_OP_INDEX(WASM_OP_PREFIX_FB, gc[k]))
			return true;
	return false;
}

TEST(wasm_gen, every_module_validates_and_every_opcode_appears)
{
	uint32_t *counts = calloc(WASM_OP_NINDEX, sizeof(*counts));
	uint8_t *in = malloc(GEN_TEST_INPUT);
	uint32_t rows = 0, seen = 0, failed = 0;
	size_t max_code = 0;

	if (!EXPECT(counts && in))
		goto out;
	gen_test_one(t, in, 0, 0, NULL, &max_code, WASM_GEN_FEATURES_ALL);
	for (uint64_t seed = 1; seed <= GEN_TEST_SEEDS && failed < 5; seed++) {
		size_t len = wasm_gen_seed(seed, in, GEN_TEST_INPUT);

		if (!gen_test_one(t, in, len, seed, counts, &max_code, WASM_GEN_FEATURES_ALL))
			failed++;
	}
	EXPECT_EQ(failed, 0);
	EXPECT_LT(max_code, WASM_GEN_MAX_CODE);
	for (uint32_t i = 0; i < WASM_OP_NINDEX; i++) {
		if (!wasm_opinfo[i].text || gen_test_not_generated(i))
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

/* Each feature alone, none, the base set and all but one: every module
 * loads with the features it was not given turned off (so the options
 * really keep each feature out). */
TEST(wasm_gen, each_feature_set_loads_with_the_others_off)
{
	static const uint32_t one[] = {WASM_FEAT_SIMD,		 WASM_FEAT_RELAXED_SIMD,
				       WASM_FEAT_TAIL_CALL,	 WASM_FEAT_EXCEPTIONS,
				       WASM_FEAT_MULTI_MEMORY,	 WASM_FEAT_MEMORY64,
				       WASM_FEAT_EXTENDED_CONST, WASM_FEAT_GC};
	uint32_t sets[2 + 2 * GEN_COUNT_ONE + 1], nsets = 0, failed = 0;
	uint8_t *in = malloc(GEN_TEST_INPUT);
	size_t max_code = 0;

	if (!EXPECT(in))
		return;
	sets[nsets++] = 0;
	sets[nsets++] = WASM_GEN_FEATURES_BASE;
	for (uint32_t i = 0; i < GEN_COUNT_ONE; i++) {
		sets[nsets++] = one[i] | (one[i] == WASM_FEAT_RELAXED_SIMD ? WASM_FEAT_SIMD : 0);
		sets[nsets++] = WASM_GEN_FEATURES_ALL & ~one[i];
	}
	for (uint32_t k = 0; k < nsets; k++)
		for (uint64_t seed = 1; seed <= GEN_TEST_SEEDS / 50 && failed < 5; seed++) {
			size_t len = wasm_gen_seed(seed, in, GEN_TEST_INPUT);

			if (!gen_test_one(t, in, len, seed, NULL, &max_code, sets[k]))
				failed++;
		}
	EXPECT_EQ(failed, 0);
	free(in);
}
