/*
 * runtime_host.h - the store configuration for running WebAssembly on a
 * POSIX host: guarded linear memory (mmap reservations, no bounds checks)
 * with faults turned into traps, or the portable checked memory.
 *
 *   wasm_run(x) --> cfg.guard_call(s, run, x)
 *                     = wasm_mem_host_guard_call_owned(store owns addr?, run)
 *                     | SIGSEGV at an address of one of s's memories
 *                     v
 *                   returns ERR_TRAP to the runtime (out-of-bounds trap)
 *
 * Invariant: a config from wasm_runtime_host_config has either a guarded
 * provider and a guard_call, with the fault handler installed, or the
 * checked provider and no guard_call; never a guarded provider alone.
 */
#pragma once

#include <stdbool.h>

#include "wasm/runtime.h"

/*
 * wasm_runtime_host_config - fills *out with a store configuration for this
 * process: guarded memory unless `checked` is set or the fault handler
 * cannot be installed or 8 GiB of address space cannot be reserved (then
 * checked). Resource limits are left 0 (defaults); the caller may set them.
 * *out_guarded says which was chosen (may be NULL). Thread-safe.
 */
void wasm_runtime_host_config(bool checked, struct wasm_store_config *out, bool *out_guarded);
