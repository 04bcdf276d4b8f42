/*
 * wasm_decode_fuzz.c - libFuzzer target: decode + validate any bytes.
 *
 * Nothing may crash, leak (ASan's leak checker runs at exit) or read out of
 * bounds; an accepted module must pass wasm_module_check. Crashers are kept
 * in tests/fuzz/regress/wasm_decode/ and replayed by the host test
 * wasm_decode_regress.
 */
#include <stdint.h>
#include <stdlib.h>

#include "wasm/load.h"
#include "wasm/module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wasm_module *m;
	struct wasm_error err;

	if (wasm_module_decode(data, size, &m, &err) != 0)
		return 0;
	if (!wasm_module_check(m))
		abort();
	if (wasm_module_validate(m, &err) == 0 && !wasm_module_check(m))
		abort();
	wasm_module_free(m);
	return 0;
}
