/*
 * wasm_decode_regress_test.c - replays the decode+validate fuzzer's kept
 * inputs (tests/fuzz/regress/wasm_decode/, or $WASM_DECODE_REGRESS_DIR):
 * each must be accepted or rejected without a crash, and an accepted one
 * must satisfy wasm_module_check. A missing or empty directory fails.
 */
#include <stdlib.h>

#include "base/test.h"
#include "fuzz_corpus.h"
#include "wasm/load.h"
#include "wasm/module.h"

static void replay_decode(void *arg, const char *path, const uint8_t *data, size_t len)
{
	struct test_ctx *t = arg;
	struct wasm_module *m;
	struct wasm_error err;

	if (wasm_module_decode(data, len, &m, &err) == 0) {
		if (!EXPECT(wasm_module_check(m)))
			test_printf(t, "  %s: decoded module broken\n", path);
		if (wasm_module_validate(m, &err) == 0 && !EXPECT(wasm_module_check(m)))
			test_printf(t, "  %s: validated module broken\n", path);
		wasm_module_free(m);
	}
}

TEST(wasm_decode, regress_replay)
{
	const char *dir = getenv("WASM_DECODE_REGRESS_DIR");

	EXPECT_GT(fuzz_corpus_replay(t, dir ? dir : "tests/fuzz/regress/wasm_decode", replay_decode,
				     t),
		  0u);
}
