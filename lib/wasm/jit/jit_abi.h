/*
 * jit_abi.h - the contract between compiled WebAssembly code (riscv64
 * machine code emitted by the baseline compiler, jit_compile*.c), the C
 * runtime that enters it and serves it (jit_rt*.c), the guest stacks it runs
 * on (jit_stack.c) and the code memory it lives in (the embedder's
 * wasm_code_mem provider). Everything here is fixed: code emitted under
 * one version of this header only works with a runtime of the same.
 *
 * ---- Where compiled code runs: a native stack per exec ----
 *
 * Compiled functions call each other with native calls (jal/jalr) and keep
 * their frames on a native stack that belongs to the exec (the guest stack),
 * not to the thread or CPU running it. wasm_run switches to that stack and
 * back (jit_stack.h). So:
 *  - suspending (a yield request seen at a check, a host call that blocks)
 *    is a switch back to wasm_run's stack with every compiled frame left
 *    as it is; resuming is a switch in again, from any thread or CPU;
 *  - abandoning or killing a call drops the stack's contents: compiled code
 *    holds no lock and owns no memory, so nothing needs unwinding;
 *  - a trap switches back for good (the stack's contents are dropped).
 * The other choice, resumable compiled frames on a shared slot stack, makes
 * every call site a resume point that spills and reloads its live values,
 * on every call, suspended or not; a stack per exec costs one allocation
 * per running call (its pages are touched only as deep as the guest goes).
 *
 * ---- Registers ----
 *
 *   sp      the guest stack; 16-byte aligned at calls (psABI)
 *   s0      frame pointer: every compiled frame saves ra at s0-8 and the
 *           caller's s0 at s0-16, and s0 is the sp it was called with, so
 *           the s0 chain walks every compiled frame (backtraces)
 *   s1      struct wasm_exec * of the running call (JIT_OFF_* below)
 *   s2      struct jit_inst * of the running function's instance
 *   s3      memory 0's base   (a cache of s2->mem0->base)
 *   s4      memory 0's size in bytes (a cache; used by checked code)
 *   s5-s11, fs0-fs11  free for compiled code (callee-saved: a compiled
 *           function saves the ones it uses)
 *   t0-t6, a0-a7, ft*, fa*  free for compiled code, clobbered by calls
 *   ra, gp, tp  never used by compiled code (gp/tp belong to the runtime)
 *
 * s1..s4 are the same at a call's return as at its start: a call into
 * another instance (a slow call, below) restores them, and s3/s4 are
 * reloaded from s2 after every call and memory.grow, because a checked
 * memory may move or grow during them (a guarded one never moves).
 *
 * ---- Calls between compiled functions of one instance ----
 *
 * psABI-like, with WebAssembly types: integer and reference params in
 * a0-a7, f32/f64 params in fa0-fa7 (each class in order; f32 NaN-boxed as
 * the D extension does), the rest in the caller's outgoing area at sp+0,
 * sp+8, ... in parameter order (8 bytes each, whatever the type). A single
 * result comes back in a0 or fa0; with two or more results, all of them
 * come back in the outgoing area, result i at sp + 8*i (the caller reserves
 * max(stack params, results) slots). An i32 in a register is kept
 * sign-extended to 64 bits (the RV64 convention; the W instructions keep
 * it so); a slot in memory holds it zero-extended (the interpreter's and
 * union wasm_val's convention), and code converts where they meet.
 * A function with a v128 in its signature passes nothing in registers:
 * its params are in the caller's outgoing area as a union wasm_val array
 * (a v128 in two 8-byte words, low half first), and its results come back
 * there the same way (the caller reserves the larger of the two).
 * Callees that are not compiled functions of the same instance (imports,
 * host functions, other instances, interpreted functions) are reached by a
 * slow call through the runtime (JIT_RT_CALL).
 *
 * ---- Calling the runtime ----
 *
 * Runtime services are C functions (psABI, with a0 = the exec) found in the
 * table at s1 + JIT_OFF_RT, so code holds no absolute address of the
 * runtime and is the same for every instance of a module: such a call
 * clobbers every caller-saved register (compiled code spills what it keeps
 * in them first) and preserves s0-s11. The yield check is the one service
 * whose entry (a small assembly routine) saves every register.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wasm/runtime.h"

/* Fixed registers (x-register numbers). */
enum {
	JIT_REG_EXEC = 9,   /* s1 */
	JIT_REG_INST = 18,  /* s2 */
	JIT_REG_MBASE = 19, /* s3 */
	JIT_REG_MSIZE = 20, /* s4 */
};

/*
 * The instance's data that compiled code reads through s2. Made by the
 * runtime at instantiation, freed with the instance.
 */
struct jit_inst {
	struct wasm_memory *mem0;	  /* memory 0, or a static empty memory */
	struct wasm_globalinst **globals; /* = inst->globals */
	struct wasm_funcinst **funcs;	  /* = inst->funcs */
	struct wasm_tableinst **tables;	  /* = inst->tables */
	/* per defined function (index - nfunc_imports): the address to call,
	 * its compiled code or a stub that compiles it on its first call */
	void *const *entry;
	struct wasm_instance *inst;
};

/*
 * The runtime's services, called from compiled code with a0 = the exec
 * (s1). Each returns normally unless it says otherwise.
 */
struct jit_rt {
	/* Traps: never returns. a1 = enum wasm_trap_kind, a2 = the address of
	 * the trapping instruction (for the wasm offset and the backtrace,
	 * which starts at the current s0). */
	void (*trap)(struct wasm_exec *x, uintptr_t kind, uintptr_t pc);
	/* The yield check's slow path (entered with jalr from the check, not
	 * a C call: it saves and restores every register but ra): switches
	 * out with WASM_SUSPEND_YIELD and returns when resumed. */
	void (*yield)(void);
	/* A slow call: calls inst->funcs[a1] (a function index of the
	 * running instance; or, a1 == UINT32_MAX, the funcinst in a3) with the
	 * args in the 8-byte slots at a2, writing the results back there from
	 * slot 0. Traps (never returns) if the callee traps; suspends and
	 * resumes inside if a host function blocks or yields. */
	void (*call)(struct wasm_exec *x, uintptr_t func, uint64_t *slots, struct wasm_funcinst *f);
	/* memory.grow of memory 0 by a1 pages: old size or -1 (as i32). */
	uint64_t (*memory_grow)(struct wasm_exec *x, uint64_t pages);
	/* The other non-hot instructions: a1 = the opcode's table index
	 * (WASM_OP_INDEX), a2 = its immediates (up to two, packed as
	 * imm0 | imm1 << 32, in the order of the binary: table.init is
	 * elemidx | tableidx << 32, table.copy dst | src << 32, the other
	 * table instructions their table, memory.init and data.drop the data
	 * segment, elem.drop the element segment), a3 = its operand slots
	 * (the instruction's operands in order, as the interpreter has them;
	 * the result, if any, written to slot 0; with no operand, a3 is where
	 * the result goes; an index or count on an i64 table is an i64, as is
	 * table.size's and table.grow's result). Traps as the interpreter does: table.get,
	 * table.set, table.size, table.grow, table.fill, table.copy,
	 * table.init, elem.drop, memory.init, data.drop, memory.copy,
	 * memory.fill. */
	void (*misc)(struct wasm_exec *x, uint64_t op, uint64_t imms, uint64_t *slots);
	/* call_indirect's signature check when the callee's type is not the
	 * expected one by address: nonzero if functypes a1 and a2 are equal
	 * (WebAssembly 2.0 structural equality). jit_functype_match (jit.h)
	 * is this service. */
	uint64_t (*sig_match)(struct wasm_exec *x, const struct wasm_functype *a,
			      const struct wasm_functype *b);
	/* Where a function's stub goes on its first call (an assembly
	 * routine, entered with jr from the stub, t0 = the defined function's
	 * index, the call's args in place): compiles the function and jumps
	 * to it, or runs it interpreted and returns to the caller. Only the
	 * stubs (jit_rt) use it; compiled code calls entry[] instead. */
	void (*lazy)(void);
};

/*
 * Offsets in struct wasm_exec that compiled code reads through s1; each is
 * below 2048 (a 12-bit load offset). Defined in jit_rt.c with
 * static_asserts against the struct.
 */
extern const uint16_t jit_off_yield;	   /* atomic_int: nonzero = yield requested */
extern const uint16_t jit_off_stack_limit; /* uintptr_t: lowest sp a prologue may leave */
extern const uint16_t jit_off_rt;	   /* const struct jit_rt *: the service table */
