/*
 * jit_internal.h - the baseline compiler's state, shared by its files:
 * jit_compile.c (the driver, code memory), jit_compile_frame.c (frame,
 * prologue, epilogue, trap stubs), jit_compile_stack.c (the operand
 * stack), jit_compile_ctl.c (blocks, branches, calls) and
 * jit_compile_ops.c (memory, variables, numeric and runtime-served
 * instructions). Internal to the compiler.
 *
 * The frame of a compiled function (jit_abi.h fixes the top two words):
 *
 *   s0 + 8*i     incoming stack params / multiple results (caller's area)
 *   s0 -  8      ra
 *   s0 - 16      caller's s0
 *   s0 - 24 - 8*k              the callee-saved registers it uses
 *   s0 - 16 - 8*nsave - 8*nslots + 8*i   slot i: locals (params first),
 *                then one per operand stack position (nlocals + height)
 *   sp + 8*i     outgoing stack params and multiple results of calls
 *
 * Every slot in memory holds its value canonically (jit_abi.h): i32 and
 * f32 zero-extended, so slots are copied with ld/sd whatever their type,
 * and runtime services read a run of operand slots as union wasm_val.
 * In registers an i32 is sign-extended. The first locals of each class
 * live in callee-saved registers instead of their slots (s5-s11 for
 * integers and references, fs0-fs11 for floats): lreg says which.
 *
 * Invariant of the operand stack: entry i is in slot nlocals + i (SLOT),
 * still in a local (LOCAL: a deferred local.get), a constant not yet
 * written (CONST, canonical bits), or in a register (REG, see
 * jit_compile_stack.c). Entries are written to their own slot before
 * control flow merges, calls, and before a local they name changes; at a
 * block's start every entry is in its slot and stays there until the block
 * ends (only the top of the stack changes).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/jit/jit.h"
#include "wasm/jit/rv64_enc.h"
#include "wasm/module.h"
#include "wasm/reader.h"

/*
 * CMP is a compare not yet computed, made when the next instruction is a
 * br_if or an if, which branch on it: `reg <cond> reg2` (held registers;
 * reg2 may be x0), cond a JIT_CMP_*. Nothing else ever sees one.
 */
enum { JV_SLOT, JV_LOCAL, JV_CONST, JV_REG, JV_CMP };

struct jit_ventry {
	uint8_t kind;
	uint8_t type;	    /* REG: the value's type (enum wasm_valtype) */
	uint8_t reg;	    /* REG: its x register (integer, reference) or f register */
	uint8_t reg2, cond; /* CMP */
	uint32_t local;
	uint64_t val;
};

/* Integer comparisons (signed on sign-extended i32s or on i64s). */
enum {
	JIT_CMP_EQ,
	JIT_CMP_NE,
	JIT_CMP_LT_S,
	JIT_CMP_LT_U,
	JIT_CMP_GT_S,
	JIT_CMP_GT_U,
	JIT_CMP_LE_S,
	JIT_CMP_LE_U,
	JIT_CMP_GE_S,
	JIT_CMP_GE_U,
};

struct jit_ctl {
	uint8_t op; /* 0 body, WASM_OP_BLOCK, _LOOP, _IF, _ELSE */
	bool dead;  /* the rest of this block is unreachable */
	uint32_t height, nparams, nresults;
	size_t start;	  /* loop: its header (a backward branch's target) */
	uint32_t fix;	  /* chain of forward jumps to the end (index + 1) */
	size_t else_site; /* if: the jump to its else part (position + 1) */
};

/* A forward jal waiting for its target. */
struct jit_fix {
	size_t pos;
	uint32_t next; /* the next of the chain (index + 1), 0 ends it */
};

/* Pseudo trap kinds of the out-of-line stubs. */
enum {
	JIT_STUB_YIELD = WASM_TRAP__COUNT, /* the yield check's slow path */
	JIT_STUB__COUNT,
};

/* A jal to an out-of-line stub, bound at the end. */
struct jit_site {
	size_t pos;
	uint8_t stub;
};

/* Scratch registers (jit_abi.h leaves every t/a register to compiled code). */
enum {
	JR_A = RV64_T0,	   /* first operand, result */
	JR_B = RV64_T1,	   /* second operand */
	JR_C = RV64_T2,	   /* third operand (select, stores' value) */
	JR_T = RV64_T3,	   /* temporaries of one instruction */
	JR_U = RV64_T4,	   /* copies between slots, constants */
	JR_V = RV64_T5,	   /* call_indirect's callee */
	JR_ADDR = RV64_T6, /* addresses of far slots (long offsets) */
	JF_A = 0,	   /* ft0 */
	JF_B = 1,	   /* ft1 */
	JF_T0 = 2,	   /* ft2 */
	JF_T1 = 3,	   /* ft3 */
};

/* The register pools (bit masks of register numbers): t0-t2, a0-a7 and
 * ft4-ft7, fa0-fa7, ft8-ft11. */
#define JC_XPOOL ((1u << RV64_T0) | (1u << RV64_T1) | (1u << RV64_T2) | (0xffu << RV64_A0))
#define JC_FPOOL ((0xfu << 4) | (0xffu << 10) | (0xfu << 28))

struct jc {
	const struct wasm_module *m;
	const struct wasm_func *f;
	const struct wasm_functype *ft;
	const struct jit_opts *o;
	struct wasm_reader r;
	struct rv64_buf b;
	uint32_t nlocals; /* params + declared locals */
	uint32_t nslots;  /* nlocals + operand stack positions */
	uint32_t vslots;  /* v128 area and scratch, in 8-byte words (jit_compile_simd.c) */
	bool vsig;	  /* a v128 in the signature: params and results in memory */
	uint8_t *ltypes;  /* type of each local */
	uint8_t *lreg;	  /* each local's home register, 0: its slot */
	uint32_t nsave;	  /* callee-saved registers saved by the prologue */
	uint8_t save[19]; /* them: x register, or f register | 0x80 */
	struct jit_ventry *vs;
	uint32_t h;
	uint32_t xfree, ffree; /* free registers of the pools (bit masks) */
	uint32_t untyped;      /* next entry of f->untyped_types */
	/* the last instruction (at prod_at) computed entry prod_h, a REG, in
	 * its rd field alone: local.set may retarget it (jc_produced) */
	size_t prod_at;
	uint32_t prod_h;
	struct jit_ctl *cs;
	uint32_t nc;
	uint32_t blk;	    /* next entry of f->blocks */
	uint32_t off;	    /* module offset of the current instruction */
	uint32_t out_slots; /* outgoing area, in 8-byte slots */
	uint64_t frame;	    /* the frame's size, bytes (the prologue's) */
	struct jit_fix *fix;
	uint32_t nfix, capfix;
	struct jit_site *sites;
	uint32_t nsites, capsites;
	struct jit_pc *pcs;
	uint32_t npcs, cappcs;
	bool mem_stale; /* s3/s4 need reloading (jc_fresh_mem) */
	/* forward conditional branches skip over a jal (+-1 MiB) instead of
	 * reaching their label directly (+-4 KiB): the second try of a
	 * function whose first had a label too far */
	bool long_br;
	/* first error: ERR_NOMEM, ERR_UNSUPP (an instruction or frame the
	 * compiler does not handle); an operand or branch out of range is the
	 * buffer's (rv64_buf_error: ERR_RANGE) */
	int err;
};

/* ---- jit_compile.c ---- */

/* Records that the instruction at word `pos` maps to the current wasm offset. */
void jc_pcmap(struct jc *c, size_t pos);
/* Emits `jal a2, <stub>` (a2 - 4 then names the site for the trap) and
 * records it in the pcmap; WASM_TRAP_CALL_STACK's site is the caller's
 * call instead (ra - 4: the prologue's check, before the frame). */
void jc_trap_jal(struct jc *c, uint8_t stub);
/* The yield check: `lw; beqz +8; jal ra, <yield stub>`. */
void jc_yield_check(struct jc *c);
/* Calls the runtime service at byte offset `field` of struct jit_rt (a0..a3
 * set by the caller; s1 moved to a0 here). */
void jc_call_rt(struct jc *c, size_t field);
/*
 * s3/s4 may be stale after calls and memory.grow (jc_reload_mem notes
 * it); jc_fresh_mem reloads them from s2->mem0 if so, before what reads
 * them (a memory access, memory.size, a call: the callee starts from
 * them) and before every label but the body's: every branch and
 * fallthrough into a label arrives fresh.
 */
void jc_reload_mem(struct jc *c);
void jc_fresh_mem(struct jc *c);

/* Memory at base + off, any offset (far ones through JR_ADDR). Return the
 * word position of the access instruction. */
typedef void (*jc_ldfn)(struct rv64_buf *b, unsigned rd, unsigned rs1, int32_t imm);
typedef void (*jc_stfn)(struct rv64_buf *b, unsigned rs2, int32_t imm, unsigned rs1);
size_t jc_ld(struct jc *c, jc_ldfn fn, unsigned rd, unsigned base, int64_t off);
size_t jc_st(struct jc *c, jc_stfn fn, unsigned rs, unsigned base, int64_t off);
/* rd = base + off (rd may be base; JR_ADDR is then clobbered). */
void jc_addr(struct jc *c, unsigned rd, unsigned base, int64_t off);

/* The s0-relative offset of slot i. */
static inline int64_t jc_slot_off(const struct jc *c, uint32_t i)
{
	return -16 - 8 * (int64_t)c->nsave - 8 * (int64_t)c->nslots + 8 * (int64_t)i;
}

/* The slot of operand stack position `height`. */
static inline uint32_t jc_slot(const struct jc *c, uint32_t height)
{
	return c->nlocals + height;
}

/* The address of a memory access (guarded or checked) of `size` bytes at
 * the popped i32 + offset: a held register, minus *disp. */
unsigned jc_address(struct jc *c, uint32_t offset, uint32_t size, int32_t *disp);

/* ---- jit_compile_frame.c ---- */

/* Gives the most used locals (loops weigh more) callee-saved homes (lreg,
 * save, nsave) and sizes the outgoing area for every call (out_slots);
 * before the prologue. */
void jc_assign_homes(struct jc *c);
/* Frame, stack check, params, locals, yield check. */
void jc_emit_prologue(struct jc *c);
/* Results from slots nlocals.. to a0/fa0 or the caller's area; frame
 * popped (the code of the body's label). */
void jc_emit_epilogue(struct jc *c);
/* A return of the top entry (at most one result) straight from where it
 * is: a0/fa0, then jc_emit_ret. */
void jc_emit_return(struct jc *c);
/* Callee-saved registers restored, frame popped, ret. */
void jc_emit_ret(struct jc *c);
/* The same, then a jump to the address in register `to` (not restored:
 * a temporary), with ra the caller's: a tail call. */
void jc_emit_leave(struct jc *c, unsigned to);
/* The out-of-line stubs, and every site bound to its own. */
void jc_emit_stubs(struct jc *c);
/* Checks that the body fit the frame the prologue made. */
void jc_check_frame(struct jc *c);
/*
 * Multi-memory and memory64 are not compiled: an instruction on a memory
 * other than 0, or any memory instruction when memory 0 is an i64 memory,
 * makes the function refused (interpreted, which handles both).
 * jc_memidx reads a memory index (u32; a zero byte before multi-memory);
 * jc_memarg a memarg's alignment, memory index and offset.
 */
uint32_t jc_memidx(struct jc *c);
uint64_t jc_memarg(struct jc *c, uint32_t *align);
/* Skips the immediates of kind imm (enum wasm_imm) at c->r. */
void jc_skip_imm(struct jc *c, uint8_t imm);

/* ---- jit_compile_stack.c: the operand stack ---- */

bool jc_is_float(uint8_t t);
/* Every pool register free (at a body's start, and once every entry is
 * in its slot). */
void jc_regs_reset(struct jc *c);
/* A free pool register, held by the caller (spills if none is free). */
unsigned jc_alloc_x(struct jc *c);
unsigned jc_alloc_f(struct jc *c);
void jc_free_reg(struct jc *c, unsigned r, bool f);
/* Holds free pool register r (a call's result in a0/fa0). */
void jc_claim_reg(struct jc *c, unsigned r, bool f);
/* Pops the top entry into a register the caller then holds: as type t
 * (an i32 sign-extended), zero-extended (an i32 address), or a float. */
unsigned jc_pop_x(struct jc *c, uint8_t t);
unsigned jc_pop_xu32(struct jc *c);
unsigned jc_pop_f(struct jc *c, uint8_t t);
/* Like jc_pop_x / jc_pop_f for an operand only read: a local in a
 * register comes as that register (jc_free_reg ignores it). */
unsigned jc_pop_src_x(struct jc *c, uint8_t t);
unsigned jc_pop_src_f(struct jc *c, uint8_t t);
/* A reinterpret: the top entry's bits become type t. */
void jc_reinterpret(struct jc *c, uint8_t t);
/* Pushes held register r (x, or f for a float t) as a new entry. */
void jc_push_reg(struct jc *c, unsigned r, uint8_t t);
void jc_drop(struct jc *c);
/* The instruction just emitted computed the top entry (a REG) through its
 * rd field alone, reading no register it writes first. */
void jc_produced(struct jc *c);
/* Every entry in a register to its slot (calls, runtime services). */
void jc_spill_all(struct jc *c);
/* Loads entry i into x register r as type t (I32 sign-extended; F32/F64
 * as their bits); jc_get_xu32 zero-extends an i32. */
void jc_get_x(struct jc *c, uint32_t i, unsigned r, uint8_t t);
void jc_get_xu32(struct jc *c, uint32_t i, unsigned r);
/* Loads entry i (of float type t) into f register fr. */
void jc_get_f(struct jc *c, uint32_t i, unsigned fr, uint8_t t);
/* Writes x register r (type t; an i32 sign-extended or not) or f register
 * fr as the new entry at position i (which becomes a SLOT). */
void jc_put_x(struct jc *c, uint32_t i, unsigned r, uint8_t t);
void jc_put_f(struct jc *c, uint32_t i, unsigned fr, uint8_t t);
/* Writes entry e's value to slot dst (nothing if it is there already). */
void jc_write_entry(struct jc *c, const struct jit_ventry *e, uint32_t own, uint32_t dst);
/* Entry i (or the top n, or all) written to its own slot. */
void jc_materialize(struct jc *c, uint32_t i);
void jc_materialize_top(struct jc *c, uint32_t n);
void jc_materialize_all(struct jc *c);
void jc_push_const(struct jc *c, uint64_t v);
void jc_set_dead(struct jc *c);
void jc_local_set(struct jc *c, uint32_t x, bool tee);

/* ---- jit_compile_ctl.c: control and calls ---- */
void jc_block(struct jc *c, uint8_t op);
void jc_else(struct jc *c);
/* Returns true at the body's end. */
bool jc_end(struct jc *c);
void jc_br(struct jc *c, uint32_t depth);
void jc_br_if(struct jc *c, uint32_t depth);
void jc_br_table(struct jc *c);
void jc_return(struct jc *c);
void jc_call(struct jc *c, uint32_t func);
void jc_call_indirect(struct jc *c, uint32_t type, uint32_t table);
/* return_call: sets ERR_UNSUPP where it is not compiled (see there). */
void jc_return_call(struct jc *c, uint32_t func);
/*
 * Indirect calls (call_indirect, call_ref, return_call_ref). jc_call_pop
 * pops the callee (a table index: i32, or i64 with is64; or a reference)
 * into register `to`, spills every entry and writes the args to their
 * slots; returns their position. With the funcinst in JR_V (not null),
 * jc_call_funcinst calls it (check: call_indirect's type check) and
 * jc_tail_funcinst makes return_call_ref's tail call of it.
 */
uint32_t jc_call_pop(struct jc *c, const struct wasm_functype *ft, bool is64, unsigned to);
void jc_call_funcinst(struct jc *c, const struct wasm_functype *ft, uint32_t base, bool check);
void jc_tail_funcinst(struct jc *c, const struct wasm_functype *ft, uint32_t base);
/* The outgoing area a direct call of type ft needs, in slots. */
uint32_t jc_out_slots(const struct wasm_functype *ft);
/* Binds the forward jumps of chain `fix` to word `target`. */
void jc_patch_chain(struct jc *c, uint32_t fix, size_t target);

/* ---- jit_compile_ops.c ---- */

/* Emits a branch to pc + off taken when `a <cond> b` (or its negation). */
void jc_branch_cmp(struct jc *c, uint8_t cond, bool negate, unsigned a, unsigned b, int32_t off);
/* Pops the condition of a br_if or if: a CMP entry as it is, any other as
 * `value != 0`. Returns the registers the caller then holds (b may be x0). */
void jc_pop_cond(struct jc *c, uint8_t *cond, unsigned *a, unsigned *b);
void jc_free_cond(struct jc *c, unsigned a, unsigned b);
void jc_mem(struct jc *c, uint32_t op);
void jc_numeric(struct jc *c, uint32_t op);
/* Instructions served by rt->misc: nargs operands, a result or not. */
void jc_misc(struct jc *c, uint32_t op, uint32_t nargs, bool result, uint64_t imms);
/* select of values of type t */
void jc_select(struct jc *c, uint8_t t);
void jc_global_get(struct jc *c, uint32_t x);
void jc_global_set(struct jc *c, uint32_t x);
void jc_memory_size(struct jc *c);
void jc_memory_grow(struct jc *c);
void jc_ref_is_null(struct jc *c);
void jc_ref_func(struct jc *c, uint32_t x);

/* ---- jit_compile_ref.c: typed function references ---- */

/* call_ref and return_call_ref of type `type` (tail). */
void jc_call_ref(struct jc *c, uint32_t type, bool tail);
void jc_ref_as_non_null(struct jc *c);
/* br_on_null, or br_on_non_null (non_null), to depth d. */
void jc_br_on_null(struct jc *c, uint32_t d, bool non_null);

/* ---- jit_compile_simd.c: SIMD, v128 values in a frame area of their own ---- */

/* The v128 area's words for a frame of nslots slots (a function holding
 * v128 values; 0 for the others). */
uint32_t jc_simd_vslots(uint32_t nslots);
/* Whether function func may hold a v128 (wasm_func_uses_v128, whose scan
 * of the body is skipped when the module has no v128 type or global). */
bool jc_simd_uses_v128(const struct wasm_module *m, uint32_t func);
/* Whether a signature has no v128 (compiled calls pass scalars only). */
bool jc_simd_type_ok(const struct wasm_functype *ft);
/* A return_call of type ft: the function is refused if ft or its own
 * signature has a v128 (interpreted, where the frame is replaced too). */
void jc_simd_tail_call_ok(struct jc *c, const struct wasm_functype *ft);
/*
 * A function with a v128 in its signature (c->vsig) takes every param and
 * returns every result in memory, laid out as a union wasm_val array (a
 * v128 in two words): params at the caller's sp + 8*i, results back
 * there (jit_abi.h). jc_simd_out_slots: the caller's area for such a
 * call; jc_simd_params / jc_simd_results: the prologue's and epilogue's
 * part; jc_simd_call: a direct call of such a function; jc_simd_args:
 * the args at positions base.. to the outgoing area; jc_simd_take: the
 * results from there to their slots at position base; jc_simd_slow_call:
 * rt->call of func (a3 set) with the outgoing area as its slots.
 */
uint32_t jc_simd_out_slots(const struct wasm_functype *ft);
void jc_simd_params(struct jc *c);
void jc_simd_results(struct jc *c);
void jc_simd_call(struct jc *c, uint32_t func);
void jc_simd_args(struct jc *c, const struct wasm_functype *ft, uint32_t base);
void jc_simd_take(struct jc *c, const struct wasm_functype *ft, uint32_t base);
void jc_simd_slow_call(struct jc *c, uint32_t func);
/* jc_write_entry's part for v128 values; true if it wrote the entry. */
bool jc_simd_write_entry(struct jc *c, const struct jit_ventry *e, uint32_t own, uint32_t dst);
/* The prologue's zeroing of v128 locals. */
void jc_simd_zero_locals(struct jc *c);
/* One 0xfd instruction (its prefix read), or its immediates skipped. */
void jc_simd(struct jc *c);
void jc_simd_skip(struct jc *c);
/* select of two v128s; global.get / global.set of a v128 global. */
void jc_simd_select(struct jc *c);
void jc_simd_global(struct jc *c, uint32_t x, bool set);
