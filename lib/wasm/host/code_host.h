/*
 * code_host.h - the compiler tier's memory on a POSIX host (riscv64
 * Linux): code memory written read-write and then sealed read-execute,
 * never both, and guest stacks with an inaccessible guard page below.
 *
 *   cfg.code_mem  = wasm_code_host();     // NULL off riscv64: no compiler
 *   cfg.stack_mem = wasm_stack_host();
 *
 * Invariant: a page of code memory is never writable and executable at
 * once; once sealed, every thread of the process fetches what was written
 * (riscv_flush_icache for all threads, through __builtin___clear_cache).
 */
#pragma once

#include "wasm/runtime.h"

/* wasm_code_host - the mmap code memory provider; NULL where compiled code
 * cannot run (not riscv64). */
const struct wasm_code_mem *wasm_code_host(void);

/* wasm_stack_host - the mmap guest stack provider (one guard page below
 * each stack); NULL where compiled code cannot run. */
const struct wasm_stack_mem *wasm_stack_host(void);
