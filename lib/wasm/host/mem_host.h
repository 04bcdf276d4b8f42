/*
 * mem_host.h - host (POSIX) linear memory: the mmap-guarded provider and the
 * SIGSEGV/SIGBUS handling that turns a fault in a guarded memory into a trap.
 *
 * How the runner uses it:
 *
 *   wasm_mem_host_guard_install();                  // once per process
 *   wasm_memory_init(&mem, wasm_mem_host_guarded(), ...)  // or checked
 *   err = wasm_mem_host_guard_call(&mem, run_fn, inst, &fault);
 *   if (err == ERR_TRAP) -> out-of-bounds memory trap at fault.addr
 *
 * guard_call pushes a per-thread frame {memory, sigjmp_buf} and calls fn.
 * The handler walks the calling thread's frames (innermost first); if the
 * faulting address lies in one frame's guarded reservation it siglongjmp's to
 * that frame (discarding the C frames above it) and guard_call returns
 * ERR_TRAP. Any other fault goes to the handler that was installed before
 * (the sanitizer's, or the default action, which kills the process), so a
 * bug in the engine still crashes loudly.
 *
 * What the interpreter must do: see "Faults" in wasm/mem.h. In short, a
 * trap may happen at any guest load/store; the interpreter's state that must
 * survive (frames, the code position for the backtrace) lives in memory it
 * owns, and the run function passed to guard_call finishes the trap
 * (unwinding the engine's own stack) after guard_call returns ERR_TRAP.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "wasm/mem.h"

/* The mmap(PROT_NONE) + mprotect provider; reserves WASM_MEM_GUARDED_RESERVE. */
const struct wasm_mem_provider *wasm_mem_host_guarded(void);

/*
 * wasm_mem_host_guard_install - installs the SIGSEGV and SIGBUS handlers
 * (once per process; later calls do nothing). Returns 0 or ERR_IO if
 * sigaction failed. Thread-safe.
 */
int wasm_mem_host_guard_install(void);

struct wasm_mem_fault {
	uintptr_t addr; /* the faulting address */
	int signo;	/* SIGSEGV or SIGBUS */
	uintptr_t pc;	/* the faulting instruction (riscv64 only; else 0) */
	uintptr_t fp;	/* its frame pointer s0 (riscv64 only; else 0) */
};

/*
 * wasm_mem_host_guard_call - calls fn(arg) with `m` registered as this
 * thread's current guarded region. Returns fn's result, or ERR_TRAP if an
 * access inside m's reservation faulted; then *out_fault says where.
 * Calls nest (an inner call may register another memory). Requires
 * wasm_mem_host_guard_install() first. Not async-signal-safe.
 */
int wasm_mem_host_guard_call(const struct wasm_memory *m, int (*fn)(void *arg), void *arg,
			     struct wasm_mem_fault *out_fault);

/*
 * wasm_mem_host_guard_call_owned - the same for any set of memories: a
 * fault at `addr` is a trap if owns(ctx, addr) (called from the signal
 * handler: it may only read memory). The runtime passes
 * wasm_store_owns_address over the store's memories.
 */
int wasm_mem_host_guard_call_owned(bool (*owns)(const void *ctx, uintptr_t addr), const void *ctx,
				   int (*fn)(void *arg), void *arg,
				   struct wasm_mem_fault *out_fault);
