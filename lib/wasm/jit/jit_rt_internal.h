/*
 * jit_rt_internal.h - shared by the compiler tier's runtime files:
 * jit_rt.c (instances, lazy compilation, runs on the fiber, faults),
 * jit_rt_call.c (the services compiled code calls, traps and backtraces)
 * and jit_rt_rv64.c (the assembly entries).
 *
 * Backtraces. Compiled frames form an s0 chain (jit_abi.h); every entry
 * into compiled code from C (jit_rt_enter) starts the chain again with
 * s0 = 0, and every slow call pushes a `struct jit_seg` on the exec's list,
 * on the fiber's stack, naming the callee's kind and instance and where
 * its compiled caller was (call pc and s0). A backtrace walks the innermost
 * chain, then the segment's caller's chain, and so on out:
 *
 *   wasm_run ─ fiber ─ [seg: caller none] ─ f1 ─ f2 ─ rt.call
 *            ─ [seg: caller f2 @ pc, s0] ─ g1 (other instance) ─ trap
 *   backtrace: g1, f2, f1
 *
 * Invariant: x->jit->top is the innermost segment while the fiber runs;
 * its `ji` is the instance of the compiled code running (kind CODE).
 */
#pragma once

#include <stdatomic.h>
#include <stdint.h>

#include "wasm/interp/interp_internal.h"
#include "wasm/jit/jit.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_fiber.h"
#include "wasm/jit/jit_rt.h"

/* Guest stack the C runtime keeps for itself below the lowest sp compiled
 * code may use: services, host functions, the nested interpreter's loop
 * and the signal frame of a guarded-memory fault all run in it. */
#define JIT_RT_HEADROOM (64u << 10)

/* Compiled functions of one module for one kind of memory 0: an
 * instance's own, or the module's shared ones (wasm_module_share_code). */
struct jit_fn_table {
	_Atomic(struct jit_func *) *funcs; /* ndefined: NULL until compiled */
	atomic_uchar *refused;		   /* ndefined: the compiler said UNSUPP */
};

/* An instance's compiled functions. `pub` first: compiled code's s2. */
struct jit_rt_inst {
	struct jit_inst pub;
	_Atomic(void *) *entry; /* ndefined: stub or compiled code */
	struct jit_fn_table fns;
	bool shared;	    /* fns is the module's, not the instance's */
	void *stubs_handle; /* code memory of its own stubs; NULL: the module's */
	uint32_t ndefined;
	_Atomic size_t bytes;  /* jit_inst_footprint */
	atomic_uint ncompiled; /* functions whose entry is compiled code */
	struct jit_opts opts;
	const struct wasm_code_mem *cm;	   /* the store's: the stubs */
	const struct wasm_code_mem *fn_cm; /* the functions' (shared: the module's) */
	_Atomic size_t *fn_bytes;	   /* where their bytes count (&bytes or the module's) */
};

static inline struct jit_rt_inst *jit_rt_inst_of(const struct wasm_instance *inst)
{
	return (struct jit_rt_inst *)(void *)inst->jit;
}

enum jit_seg_kind { JIT_SEG_CODE, JIT_SEG_INTERP, JIT_SEG_HOST };

struct jit_seg {
	struct jit_seg *prev;
	int kind;		       /* enum jit_seg_kind */
	struct jit_rt_inst *ji;	       /* CODE: the instance running */
	struct jit_rt_inst *caller_ji; /* NULL: called by wasm_run */
	uintptr_t caller_pc, caller_fp;
};

enum { JIT_END_DONE = 1, JIT_END_TRAPPED };

/* An exec's compiled-call state, made on its first compiled call. */
struct jit_exec {
	struct jit_fiber fiber;
	void *stack; /* stack_mem handle */
	uintptr_t lo, hi;
	bool started; /* the fiber holds the call in progress */
	int end;      /* JIT_END_*: how the call ended */
	struct jit_seg *top;
	struct wasm_funcinst *f; /* the call's callee */
	uint64_t *args;		 /* its args, then results */
	uint32_t cap_args;
	uint64_t *scratch; /* outgoing areas of C-to-compiled calls */
	size_t cap_scratch;
};

/* A C-to-compiled call as jit_rt_enter makes it (offsets fixed: asm). */
struct jit_call {
	uint64_t x[8];	/* a0-a7 */
	uint64_t f[8];	/* fa0-fa7 */
	uint64_t **out; /* the outgoing area's contents (*out, nout slots) */
	uint64_t nout;	/* even */
	void *code;
	struct wasm_exec *exec;
	struct jit_inst *ji;
	uint64_t mbase, msize;
	uint64_t ret_x, ret_f;
};

/* The saved registers of a stub's call (jit_rt_lazy_entry; offsets fixed). */
struct jit_lazy_regs {
	uint64_t ra;
	uint64_t x[8];
	uint64_t f[8];
	uint64_t pad;
};

/* ---- jit_rt_rv64.c ---- */

/* The service table, or NULL where compiled code cannot run. */
const struct jit_rt *jit_rt_services(void);
/* Calls c->code as jit_abi.h says with s1-s4 from c, s0 = 0. */
void jit_rt_enter(struct jit_call *c);
/* The assembly stubs' code: emits stub i (li t0, i; jump to the lazy
 * entry through the service table) into b. */
struct rv64_buf;
void jit_rt_emit_stub(struct rv64_buf *b, uint32_t i);

/* ---- jit_rt.c ---- */

/* memory 0 of instances without one (size 0) */
extern const struct wasm_memory jit_rt_empty_memory;

/* The code of defined function i of ji: compiled now if needed. NULL with
 * *err 0: the compiler refused it (interpret it); *err ERR_NOMEM. */
void *jit_rt_code(struct jit_rt_inst *ji, uint32_t i, int *err);

/* ---- jit_rt_call.c ---- */

/* Calls f with the args in slots (room for max(params, results); the
 * results come back from slot 0) from C: compiled, interpreted or host.
 * Traps (never returns) as compiled code's call would. The caller's
 * position (ji NULL: wasm_run) is for backtraces. */
void jit_rt_call_funcinst(struct wasm_exec *x, struct wasm_funcinst *f, uint64_t *slots,
			  struct jit_rt_inst *caller_ji, uintptr_t caller_pc, uintptr_t caller_fp);

/* Records trap `kind` whose innermost frame is the compiled code at pc with
 * frame fp in segment seg's instance (pc 0: start at seg's caller), then
 * unwinds the fiber. */
_Noreturn void jit_rt_trap_in(struct wasm_exec *x, int kind, struct jit_seg *seg, uintptr_t pc,
			      uintptr_t fp);

/* Fills x->trap's frames (after kind and msg) from pc/fp in seg outward;
 * the run's end state is left to the caller. */
void jit_rt_backtrace(struct wasm_exec *x, struct jit_seg *seg, uintptr_t pc, uintptr_t fp);

/* The C halves of the services, entered from jit_rt_rv64.c's assembly with
 * the compiled caller's s0 (fp) and return address (ra) added. */
_Noreturn void jit_rt_trap_c(struct wasm_exec *x, uintptr_t kind, uintptr_t pc, uintptr_t fp);
void jit_rt_call_c(struct wasm_exec *x, uintptr_t func, uint64_t *slots, struct wasm_funcinst *f,
		   uintptr_t fp, uintptr_t ra);
void jit_rt_misc_c(struct wasm_exec *x, uint64_t op, uint64_t imms, uint64_t *slots, uintptr_t fp,
		   uintptr_t ra);
void jit_rt_yield_c(struct wasm_exec *x);
uint64_t jit_rt_memory_grow(struct wasm_exec *x, uint64_t pages);
/* A stub's first call of defined function idx: its code to jump to, or
 * NULL once it ran interpreted (results in regs / the caller's area). */
void *jit_rt_lazy_c(struct wasm_exec *x, uintptr_t idx, struct jit_lazy_regs *regs,
		    uint64_t *caller_sp, uintptr_t fp, uintptr_t ra);

/* The compiled function of ri holding execute address pc, or NULL. */
const struct jit_func *jit_rt_func_at(const struct jit_rt_inst *ri, uintptr_t pc);
