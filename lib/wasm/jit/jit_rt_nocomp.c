/*
 * jit_rt_nocomp.c - the compiler's interface (jit.h) until the compiler
 * itself is linked in: weak definitions that refuse every function, so a
 * store with the compiler tier on runs everything in the interpreter,
 * through the same runtime (stubs, fibers, nested interpreter runs). The
 * compiler's own (strong) definitions replace these when present. The
 * runtime's tests (tests/rv64/rt/) link without the compiler and rely on
 * the two C services here.
 */
#include "base/err.h"
#include "wasm/jit/jit.h"

__attribute__((weak)) int jit_compile(const struct wasm_module *m, uint32_t func,
				      const struct jit_opts *o, const struct wasm_code_mem *cm,
				      struct jit_func **out)
{
	(void)m;
	(void)func;
	(void)o;
	(void)cm;
	(void)out;
	return ERR_UNSUPP;
}

__attribute__((weak)) void jit_func_free(const struct wasm_code_mem *cm, struct jit_func *f)
{
	(void)cm;
	(void)f;
}

__attribute__((weak)) uint64_t jit_functype_match(struct wasm_exec *x,
						  const struct wasm_functype *a,
						  const struct wasm_functype *b)
{
	(void)x;
	return wasm_functype_equal(a, b);
}

__attribute__((weak)) uint32_t jit_func_wasm_offset(const struct jit_func *f, uintptr_t pc)
{
	(void)f;
	(void)pc;
	return 0;
}
