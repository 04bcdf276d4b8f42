/*
 * kmem.h - WebAssembly linear memory in the kernel, and the containment of
 * guest faults.
 *
 * The guarded provider gives each memory a VM-layer lazy reservation of
 * WASM_MEM_GUARDED_RESERVE bytes: memory.grow only raises the region's
 * commit limit, and a page is committed (zeroed) by the page-fault handler
 * on first touch. An access past the current size (or one the VM layer
 * refuses, e.g. no frame left) is turned into the guest's out-of-bounds
 * trap by kwasm_guard_call's landing point, never a kernel fault.
 *
 *   wasm_run -> kwasm_guard_call: this CPU's guard = {store, landing}
 *                 -> interpreter -> load at base + 5 GiB -> page fault
 *                      arch trap handler -> core/trap.c's hooks:
 *                      vm_handle_fault refuses; kwasm_fault_landing finds
 *                      the guard, the store owns the address
 *                      -> the arch resumes at the landing's arch_setjmp
 *                         with ERR_TRAP
 *               <- ERR_TRAP -> WASM_TRAP_MEMORY_OOB with a backtrace
 *
 * Invariant: a CPU's guard is set only while that CPU runs guest code
 * inside kwasm_guard_call (tasks do not migrate in the middle of a poll),
 * and it always names a live store with a live landing point.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "wasm/runtime.h"

/* kwasm_mem_usage - the bytes `m` holds now (committed pages of a guarded
 * memory, the whole of a checked one) and, guarded, the bytes promised to
 * it and not touched yet (0 for checked). */
void kwasm_mem_usage(const struct wasm_memory *m, uint64_t *resident, uint64_t *promised);

/* kwasm_store_config - a store config with guarded memories (faults
 * contained by kwasm_guard_call), or checked ones if `checked`. */
void kwasm_store_config(bool checked, struct wasm_store_config *out);

/* kwasm_guard_call - the store config's guard_call: runs fn(fn_arg); a
 * fault in an address `s` owns, or in a live guest stack's guard page
 * (kcode.h), makes it return ERR_TRAP (through kwasm_fault_landing). */
int kwasm_guard_call(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg);

struct arch_jmp_buf;

/*
 * kwasm_fault_landing - for the trap hooks (core/trap.c), after the VM
 * layer refused a fault at `addr`: if this CPU runs guest code whose store
 * owns `addr`, or `addr` is in a guest stack's guard page, its guard_call's
 * landing point, else NULL. The faulting address, pc and frame pointer are
 * kept for the guard_call to note in the store (the compiler tier's trap
 * kind and backtrace).
 * Interrupt context; writes only that guard_call's frame.
 */
struct arch_jmp_buf *kwasm_fault_landing(uint64_t addr, uint64_t pc, uint64_t fp);
