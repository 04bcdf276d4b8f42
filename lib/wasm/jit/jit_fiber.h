/*
 * jit_fiber.h - fibers: a flow of control on a stack of its own, which a
 * thread (host) or CPU (kernel) enters with jit_fiber_resume and which
 * leaves it again with jit_fiber_suspend (to be resumed later, by any
 * thread or CPU) or for good with jit_fiber_exit or by returning. Compiled
 * WebAssembly runs on one (jit_abi.h): suspending a guest is a switch back
 * to wasm_run's stack with every frame left in place.
 *
 *   resumer's stack                 fiber's stack [lo, hi)
 *   wasm_run ─ jit_fiber_resume ──► fn(arg) ─ ... ─ jit_fiber_suspend
 *            ◄──── SUSPENDED ─────────────────────────┘
 *   wasm_run ─ jit_fiber_resume ──► (returns from jit_fiber_suspend) ...
 *            ◄──── DONE ──────────── fn returns, or jit_fiber_exit
 *
 * A switch saves and restores ra, sp, s0-s11 and fs0-fs11, nothing else:
 * tp and gp belong to the thread or CPU (the kernel keeps its per-CPU
 * pointer in tp), so code on a fiber always sees those of whoever resumed
 * it last; fcsr is not switched either (compiled code never changes the
 * rounding mode, and the accrued flags carry no meaning here).
 *
 * Invariant: a fiber runs on at most one thread at a time, and the thread
 * that resumed it is the one it switches back to. riscv64 only: elsewhere
 * jit_fiber_init returns ERR_UNSUPP.
 */
#pragma once

#include <stdint.h>

enum { JIT_FIBER_SUSPENDED = 1, JIT_FIBER_DONE = 2 };

struct jit_fiber {
	uintptr_t sp;	      /* the fiber's saved context while not running */
	uintptr_t resumer_sp; /* the resumer's saved context while running */
	void (*fn)(void *arg);
	void *arg;
	int state; /* 0 ready or running, JIT_FIBER_SUSPENDED or _DONE */
};

/*
 * jit_fiber_init - makes f a fiber that will run fn(arg) on the stack
 * [lo, hi) at its first resume. 0, ERR_INVAL (a stack under 1 KiB),
 * ERR_UNSUPP (not riscv64). Nothing is allocated; the stack stays the
 * caller's. A fiber whose fn has not returned may be initialized again
 * (its stack's contents are dropped: nothing on it is unwound).
 */
int jit_fiber_init(struct jit_fiber *f, uintptr_t lo, uintptr_t hi, void (*fn)(void *), void *arg);

/*
 * jit_fiber_resume - runs f until it suspends (JIT_FIBER_SUSPENDED) or ends
 * (JIT_FIBER_DONE: fn returned or called jit_fiber_exit). Not on f itself;
 * not on a DONE fiber (ASSERT). Any thread.
 */
int jit_fiber_resume(struct jit_fiber *f);

/* jit_fiber_suspend - on f: back to its resumer, whose jit_fiber_resume
 * returns SUSPENDED; returns when f is resumed again (any thread). */
void jit_fiber_suspend(struct jit_fiber *f);

/* jit_fiber_exit - on f: back to its resumer for good (DONE). */
_Noreturn void jit_fiber_exit(struct jit_fiber *f);
