/*
 * jit_compile_svc.c - the runtime service the compiler's code relies on
 * that only computes (jit.h: jit_functype_match), and placeholders for the
 * exec offsets, so the compiler links without the runtime (its tests).
 */
#include "wasm/jit/jit.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/module.h"

uint64_t jit_functype_match(struct wasm_exec *x, const struct wasm_functype *a,
			    const struct wasm_functype *b)
{
	(void)x;
	return wasm_functype_equal(a, b);
}

/*
 * Placeholders for the exec offsets jit_abi.h says the runtime (jit_rt.c)
 * defines: weak, so the runtime's own definitions replace them, and so
 * the compiler links (and its tests run on a fake exec with this layout)
 * in a build without the runtime.
 */
__attribute__((weak)) const uint16_t jit_off_yield = 0;
__attribute__((weak)) const uint16_t jit_off_stack_limit = 8;
__attribute__((weak)) const uint16_t jit_off_rt = 16;
