/*
 * jit.h - the baseline compiler's interface to its runtime: one defined
 * function of a validated module in, sealed riscv64 code out (jit_abi.h
 * says how that code is called and what it may assume).
 *
 * Compiled code depends on the module and on memory 0's kind (checked or
 * guarded) only, never on an instance: everything an instance owns is
 * reached through s2 (struct jit_inst), so one compiled function serves
 * every instance of its module whose memory 0 is of that kind.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"
#include "wasm/runtime.h"

/* A code position that maps to WebAssembly: every call and every
 * instruction that can trap or fault has one. */
struct jit_pc {
	uint32_t code_off; /* of the riscv64 instruction, from the entry */
	uint32_t wasm_off; /* of the WebAssembly instruction, in the module */
};

/* A compiled function. */
struct jit_func {
	void *entry;	      /* execute address of its first instruction */
	void *handle;	      /* its code memory (wasm_code_mem) */
	uint32_t size;	      /* bytes of code */
	uint32_t func;	      /* function index in the module */
	uint32_t npc;	      /* entries of pcmap */
	struct jit_pc *pcmap; /* sorted by code_off */
};

struct jit_opts {
	bool checked; /* memory 0 needs explicit bounds checks */
};

/*
 * jit_compile - compiles defined function `func` (module function index,
 * not an import) of validated module m into code memory from cm. 0 with
 * *out set; ERR_NOMEM; ERR_UNSUPP if the body uses an instruction the
 * compiler does not handle, or its code is too big for its branches
 * (+-1 MiB) or its frame (1 GiB), or any operand is out of its
 * instruction's range (never an assertion, whatever the module): the
 * caller interprets that function. Nothing
 * is left allocated on failure. Any thread; m is only read.
 */
int jit_compile(const struct wasm_module *m, uint32_t func, const struct jit_opts *o,
		const struct wasm_code_mem *cm, struct jit_func **out);

/* jit_func_free - returns f's code memory and f. NULL is ignored. */
void jit_func_free(const struct wasm_code_mem *cm, struct jit_func *f);

/* jit_func_wasm_offset - the WebAssembly offset of the code at execute
 * address pc inside f (the nearest pcmap entry at or before it). */
uint32_t jit_func_wasm_offset(const struct jit_func *f, uintptr_t pc);

/* jit_functype_match - the sig_match service of struct jit_rt: nonzero if
 * a and b are equal function types. x is unused. */
uint64_t jit_functype_match(struct wasm_exec *x, const struct wasm_functype *a,
			    const struct wasm_functype *b);
