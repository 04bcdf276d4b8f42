/*
 * wasi_bind.h - WASI preview1 (wasi.h) bound to the engine (runtime.h):
 * every function of the import table becomes a host function of a linker,
 * importable as wasi_snapshot_preview1.NAME. Portable: the host runner and
 * the kernel both use it.
 *
 *   guest `call fd_write` --> host fn (wasm_host_call, vals)
 *                               | mem = caller's memory 0, fetched per call
 *                               | args = vals widened to u64
 *                               v
 *                             wasi_imports[i].call(ctx, mem, args)
 *                               | errno       -> vals[0].i32, WASM_HOST_OK
 *                               | BLOCKED     -> WASM_HOST_BLOCKED
 *                               | EXIT        -> WASM_HOST_TRAP, WASM_TRAP_EXIT
 *
 * Invariant: a bound function keeps no state of its own; the wasi_ctx holds
 * it all, so the ctx must outlive every instance that imported from it
 * (free the store first, then wasi_ctx_destroy).
 *
 * Memory: WASI passes guest pointers into "the" memory, which is the calling
 * instance's memory 0. A caller without a memory (or a direct call from the
 * host, which has no caller instance) sees an empty memory: every pointer is
 * EFAULT, while the functions that take no pointer (proc_exit, fd_close,
 * sched_yield...) still work.
 */
#pragma once

#include "wasm/runtime.h"
#include "wasi/wasi.h"

/*
 * wasi_bind_define - defines every function of wasi_imports in `l` under
 * WASI_MODULE_NAME, each bound to `c` (not copied: it must outlive the
 * linker's store). Returns 0, ERR_NOMEM, or ERR_INVAL if the table holds a
 * signature the binding does not handle (a bug). On failure some functions
 * may already be defined; the linker stays usable.
 */
int wasi_bind_define(struct wasm_linker *l, struct wasi_ctx *c);
