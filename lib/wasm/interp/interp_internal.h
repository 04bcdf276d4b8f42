/*
 * interp_internal.h - the interpreter's internal code form, shared by the
 * translator (interp_translate.c), the run loop (interp_exec.c) and the
 * execution API (interp.c).
 *
 * Every validated function is translated, on its first call (or at
 * instantiation with eager_code), into an array of fixed-size `struct ins`.
 * Operands are 8-byte slots of one frame array: locals first (params, then
 * declared locals), then the operand stack, whose position h has the static
 * slot nlocals + h (the validator knows every height).
 *
 *   fp ─► | params | declared locals | operand stack ...   | (callee frame)
 *          0        nparams           nlocals             nslots
 *
 * A call passes its arguments in place: the callee's frame starts at the
 * caller's slot of its first argument, and its results come back there.
 * Branch targets are relative instruction counts; a branch that carries
 * values is preceded by copy instructions. Each instruction keeps the byte
 * offset of the WebAssembly instruction it came from, for backtraces.
 *
 * A v128 value takes two consecutive slots: bytes 0-7 (the low lanes,
 * little-endian) in the first, bytes 8-15 in the second. The translator
 * handles it as two stack entries (a local of type v128 is two local
 * slots; interp_fn's counts are in slots), so copies, branches, blocks and
 * calls move v128 values with the code they have for scalars; only SIMD
 * instructions see the pair as one value. Slots, not 16-byte cells: a
 * function without v128 pays nothing, and union wasm_val (runtime.h) stays
 * one slot wide for host calls, which read their arguments in place.
 *
 * Invariant: a translated function only names slots below its nslots, and
 * every branch target lies inside its own code array.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

#include "wasm/runtime/runtime_internal.h"

/* clang-format off */
/* i32/i64 binary operators with a register or an immediate (_I) right
 * operand: name, width, result from a and b. Variants _XA, _XAI, _XB take
 * a (or b) from the previous instruction's result, kept in a register. */
#define INTERP_BINOPS_IMM(X) \
	X(I32_ADD, 32, a + b) \
	X(I32_SUB, 32, a - b) \
	X(I32_MUL, 32, a * b) \
	X(I32_AND, 32, a & b) \
	X(I32_OR, 32, a | b) \
	X(I32_XOR, 32, a ^ b) \
	X(I32_SHL, 32, a << (b & 31)) \
	X(I32_SHR_S, 32, (uint32_t)((int32_t)a >> (b & 31))) \
	X(I32_SHR_U, 32, a >> (b & 31)) \
	X(I32_ROTL, 32, num_rotl32(a, b)) \
	X(I32_ROTR, 32, num_rotr32(a, b)) \
	X(I64_ADD, 64, a + b) \
	X(I64_SUB, 64, a - b) \
	X(I64_MUL, 64, a * b) \
	X(I64_AND, 64, a & b) \
	X(I64_OR, 64, a | b) \
	X(I64_XOR, 64, a ^ b) \
	X(I64_SHL, 64, a << (b & 63)) \
	X(I64_SHR_S, 64, (uint64_t)((int64_t)a >> (b & 63))) \
	X(I64_SHR_U, 64, a >> (b & 63)) \
	X(I64_ROTL, 64, num_rotl64(a, b)) \
	X(I64_ROTR, 64, num_rotr64(a, b))

/* Float binary operators with a register or an immediate right operand:
 * name, width, C float type, result from a and b. */
#define INTERP_FBINOPS_IMM(X) \
	X(F32_ADD, 32, float, a + b) \
	X(F32_SUB, 32, float, a - b) \
	X(F32_MUL, 32, float, a * b) \
	X(F32_DIV, 32, float, a / b) \
	X(F64_ADD, 64, double, a + b) \
	X(F64_SUB, 64, double, a - b) \
	X(F64_MUL, 64, double, a * b) \
	X(F64_DIV, 64, double, a / b)

/* Integer comparisons: also fused into conditional branches (BR_ when
 * true, BRN_ when false). */
#define INTERP_CMPS(X) \
	X(I32_EQ, 32, a == b) \
	X(I32_NE, 32, a != b) \
	X(I32_LT_S, 32, (int32_t)a < (int32_t)b) \
	X(I32_LT_U, 32, a < b) \
	X(I32_GT_S, 32, (int32_t)a > (int32_t)b) \
	X(I32_GT_U, 32, a > b) \
	X(I32_LE_S, 32, (int32_t)a <= (int32_t)b) \
	X(I32_LE_U, 32, a <= b) \
	X(I32_GE_S, 32, (int32_t)a >= (int32_t)b) \
	X(I32_GE_U, 32, a >= b) \
	X(I64_EQ, 64, a == b) \
	X(I64_NE, 64, a != b) \
	X(I64_LT_S, 64, (int64_t)a < (int64_t)b) \
	X(I64_LT_U, 64, a < b) \
	X(I64_GT_S, 64, (int64_t)a > (int64_t)b) \
	X(I64_GT_U, 64, a > b) \
	X(I64_LE_S, 64, (int64_t)a <= (int64_t)b) \
	X(I64_LE_U, 64, a <= b) \
	X(I64_GE_S, 64, (int64_t)a >= (int64_t)b) \
	X(I64_GE_U, 64, a >= b)

/* Loads: name, bytes, C type read, its conversion to the 64-bit slot.
 * Variants: _C bounds-checked, _A constant address (_AC checked), _K
 * address = slot a + constant b wrapped to 32 bits (_KC checked). */
#define INTERP_LOADS(X) \
	X(I32_LOAD, 4, uint32_t, (uint64_t)v) \
	X(I64_LOAD, 8, uint64_t, v) \
	X(F32_LOAD, 4, uint32_t, (uint64_t)v) \
	X(F64_LOAD, 8, double, num_bits64(v)) \
	X(I32_LOAD8_S, 1, int8_t, (uint32_t)(int32_t)v) \
	X(I32_LOAD8_U, 1, uint8_t, (uint64_t)v) \
	X(I32_LOAD16_S, 2, int16_t, (uint32_t)(int32_t)v) \
	X(I32_LOAD16_U, 2, uint16_t, (uint64_t)v) \
	X(I64_LOAD8_S, 1, int8_t, (uint64_t)(int64_t)v) \
	X(I64_LOAD8_U, 1, uint8_t, (uint64_t)v) \
	X(I64_LOAD16_S, 2, int16_t, (uint64_t)(int64_t)v) \
	X(I64_LOAD16_U, 2, uint16_t, (uint64_t)v) \
	X(I64_LOAD32_S, 4, int32_t, (uint64_t)(int64_t)v) \
	X(I64_LOAD32_U, 4, uint32_t, (uint64_t)v)

/* Stores: name, bytes, C type written (variants as for loads; the _K
 * constant is in c; _X* forms store the previous instruction's result). */
#define INTERP_STORES(X) \
	X(I32_STORE, 4, uint32_t) \
	X(I64_STORE, 8, uint64_t) \
	X(F32_STORE, 4, uint32_t) \
	X(F64_STORE, 8, double) \
	X(I32_STORE8, 1, uint8_t) \
	X(I32_STORE16, 2, uint16_t) \
	X(I64_STORE8, 1, uint8_t) \
	X(I64_STORE16, 2, uint16_t) \
	X(I64_STORE32, 4, uint32_t)

/* Every other operator taking slots a (and b) into c: the name, also its
 * row's in the opcode table (wasm/opcodes.h). */
#define INTERP_NUMOPS(X) \
	X(I32_EQZ) \
	X(I64_EQZ) \
	X(F32_EQ) \
	X(F32_NE) \
	X(F32_LT) \
	X(F32_GT) \
	X(F32_LE) \
	X(F32_GE) \
	X(F64_EQ) \
	X(F64_NE) \
	X(F64_LT) \
	X(F64_GT) \
	X(F64_LE) \
	X(F64_GE) \
	X(I32_CLZ) \
	X(I32_CTZ) \
	X(I32_POPCNT) \
	X(I32_DIV_S) \
	X(I32_DIV_U) \
	X(I32_REM_S) \
	X(I32_REM_U) \
	X(I64_CLZ) \
	X(I64_CTZ) \
	X(I64_POPCNT) \
	X(I64_DIV_S) \
	X(I64_DIV_U) \
	X(I64_REM_S) \
	X(I64_REM_U) \
	X(F32_ABS) \
	X(F32_NEG) \
	X(F32_CEIL) \
	X(F32_FLOOR) \
	X(F32_TRUNC) \
	X(F32_NEAREST) \
	X(F32_SQRT) \
	X(F32_MIN) \
	X(F32_MAX) \
	X(F32_COPYSIGN) \
	X(F64_ABS) \
	X(F64_NEG) \
	X(F64_CEIL) \
	X(F64_FLOOR) \
	X(F64_TRUNC) \
	X(F64_NEAREST) \
	X(F64_SQRT) \
	X(F64_MIN) \
	X(F64_MAX) \
	X(F64_COPYSIGN) \
	X(I32_WRAP_I64) \
	X(I32_TRUNC_F32_S) \
	X(I32_TRUNC_F32_U) \
	X(I32_TRUNC_F64_S) \
	X(I32_TRUNC_F64_U) \
	X(I64_EXTEND_I32_S) \
	X(I64_EXTEND_I32_U) \
	X(I64_TRUNC_F32_S) \
	X(I64_TRUNC_F32_U) \
	X(I64_TRUNC_F64_S) \
	X(I64_TRUNC_F64_U) \
	X(F32_CONVERT_I32_S) \
	X(F32_CONVERT_I32_U) \
	X(F32_CONVERT_I64_S) \
	X(F32_CONVERT_I64_U) \
	X(F32_DEMOTE_F64) \
	X(F64_CONVERT_I32_S) \
	X(F64_CONVERT_I32_U) \
	X(F64_CONVERT_I64_S) \
	X(F64_CONVERT_I64_U) \
	X(F64_PROMOTE_F32) \
	X(I32_EXTEND8_S) \
	X(I32_EXTEND16_S) \
	X(I64_EXTEND8_S) \
	X(I64_EXTEND16_S) \
	X(I64_EXTEND32_S) \
	X(I32_TRUNC_SAT_F32_S) \
	X(I32_TRUNC_SAT_F32_U) \
	X(I32_TRUNC_SAT_F64_S) \
	X(I32_TRUNC_SAT_F64_U) \
	X(I64_TRUNC_SAT_F32_S) \
	X(I64_TRUNC_SAT_F32_U) \
	X(I64_TRUNC_SAT_F64_S) \
	X(I64_TRUNC_SAT_F64_U)

/* Fused i32 pairs: `OP1_I` (slot a, immediate imm) whose result feeds
 * `OP2` with slot b: c = fp[b] OP2 (fp[a] OP1 imm), also left in acc. OP2
 * is commutative. Names OP_F_<OP1>_<OP2>. */
#define INTERP_FUSED_1(X, n2, e2) \
	X(ROTL, num_rotl32(a, b), n2, e2) \
	X(ROTR, num_rotr32(a, b), n2, e2) \
	X(SHL, a << (b & 31), n2, e2) \
	X(SHR_U, a >> (b & 31), n2, e2) \
	X(SHR_S, (uint32_t)((int32_t)a >> (b & 31)), n2, e2) \
	X(AND, a & b, n2, e2) \
	X(XOR, a ^ b, n2, e2) \
	X(ADD, a + b, n2, e2)
#define INTERP_FUSED(X) \
	INTERP_FUSED_1(X, ADD, a + b) \
	INTERP_FUSED_1(X, AND, a & b) \
	INTERP_FUSED_1(X, OR, a | b) \
	INTERP_FUSED_1(X, XOR, a ^ b)

/* Fused f64 pairs: r = fp[a] OP1 fp[b] feeding OP2 with slot imm:
 * c = r OP2 fp[imm] (_A) or fp[imm] OP2 r (_B), also left in facc. Names
 * OP_D_<OP1>_<OP2>_A/_B. */
#define INTERP_DFUSED_1(X, n2, e2) \
	X(ADD, a + b, n2, e2) \
	X(SUB, a - b, n2, e2) \
	X(MUL, a * b, n2, e2)
#define INTERP_DFUSED(X) \
	INTERP_DFUSED_1(X, ADD, a + b) \
	INTERP_DFUSED_1(X, SUB, a - b) \
	INTERP_DFUSED_1(X, MUL, a * b) \
	INTERP_DFUSED_1(X, DIV, a / b)

/* The same pairs with OP1 in an _XA or _XB form (one operand from facc):
 * OP_E_<OP1>_<OP2>_<XA|XB><A|B>, the other operand of OP2 in slot imm. */

/* An f64.load feeding OP (the same list) with slot `other`: c = v OP other
 * (_A) or other OP v (_B), v loaded like F64_LOAD (_P: a + imm, other in b)
 * or F64_LOAD_K with no offset (_K: a + b, other in imm); C: checked.
 * Names OP_L_<OP>_<P|PC|K|KC>_<A|B>. */

/* f64 arithmetic whose result only goes to memory (an f64.store with a
 * slot address right after): the operands as in the plain, _XA or _XB
 * arithmetic form, the address slot in c, the offset in imm; _C checked. */
#define INTERP_FSTORES(X) \
	X(ADD, a + b) \
	X(SUB, a - b) \
	X(MUL, a * b) \
	X(DIV, a / b)

/* Fused i32 chains through acc: r = fp[a] OP1 acc, c = fp[b] OP2 r (both
 * commutative), also left in acc. Names OP_G_<OP1>_<OP2>. */
#define INTERP_GFUSED_1(X, n2, e2) \
	X(ADD, a + b, n2, e2) \
	X(AND, a & b, n2, e2) \
	X(OR, a | b, n2, e2) \
	X(XOR, a ^ b, n2, e2)
#define INTERP_GFUSED(X) \
	INTERP_GFUSED_1(X, ADD, a + b) \
	INTERP_GFUSED_1(X, AND, a & b) \
	INTERP_GFUSED_1(X, OR, a | b) \
	INTERP_GFUSED_1(X, XOR, a ^ b)

/* Control and everything else (see interp_exec.c for their fields). */
#define INTERP_MISC(X) \
	X(UNREACHABLE) \
	X(EXIT) \
	X(BR) \
	X(BR_IF) \
	X(BR_UNLESS) \
	X(BR_TABLE) \
	X(RETURN) \
	X(CALL) \
	X(CALL_INDIRECT) \
	X(CALL_FUNCINST) \
	X(RETURN_CALL) \
	X(RETURN_CALL_INDIRECT) \
	X(RETURN_CALL_FUNCINST) \
	X(CALL_INDIRECT64) \
	X(RETURN_CALL_INDIRECT64) \
	X(TRANSLATE) \
	X(COPY) \
	X(COPY2) \
	X(CONST) \
	X(SELECT) \
	X(GLOBAL_GET) \
	X(GLOBAL_SET) \
	X(MEMORY_SIZE) \
	X(MEMORY_GROW) \
	X(MEMORY_INIT) \
	X(DATA_DROP) \
	X(MEMORY_COPY) \
	X(MEMORY_FILL) \
	X(TABLE_GET) \
	X(TABLE_SET) \
	X(TABLE_SIZE) \
	X(TABLE_GROW) \
	X(TABLE_FILL) \
	X(TABLE_COPY) \
	X(TABLE_INIT) \
	X(ELEM_DROP) \
	X(REF_IS_NULL) \
	X(BR_I32_EQZ) \
	X(BRN_I32_EQZ) \
	X(BR_I64_EQZ) \
	X(BRN_I64_EQZ) \
	X(MEMX_LOAD) \
	X(MEMX_STORE) \
	X(MEMX_SIZE) \
	X(MEMX_GROW) \
	X(MEMX_INIT) \
	X(MEMX_COPY) \
	X(MEMX_FILL) \
	X(TABLEX_GET) \
	X(TABLEX_SET) \
	X(TABLEX_GROW) \
	X(TABLEX_FILL) \
	X(TABLEX_COPY) \
	X(TABLEX_INIT) \
	X(THROW) \
	X(THROW_REF) \
	X(SIMD) \
	X(SIMD_SHUFFLE) \
	X(SIMD_MEM) \
	X(SIMD_MEM0) \
	X(SIMD_LOAD) \
	X(SIMD_STORE) \
	X(SIMD_CONST) \
	X(SIMD_F64X2_ADD) \
	X(SIMD_F64X2_SUB) \
	X(SIMD_F64X2_MUL) \
	X(SIMD_V128_AND) \
	X(SIMD_V128_OR) \
	X(SIMD_V128_XOR) \
	X(SIMD_I32X4_ADD) \
	X(SIMD_I32X4_MUL) \
	X(SIMD_F64X2_EXTRACT_LANE) \
	X(SIMD_I32X4_EXTRACT_LANE) \
	X(SIMD_F64X2_SPLAT) \
	X(SIMD_LOAD_LANE) \
	X(GLOBAL_GET_V128) \
	X(GLOBAL_SET_V128) \
	X(CALL_REF) \
	X(RETURN_CALL_REF) \
	X(REF_AS_NON_NULL) \
	X(BR_NULL) \
	X(BR_NONNULL) \
	X(GC) \
	X(GC_BR_CAST) \
	X(GC_BR_CAST_FAIL)

/* clang-format on */

enum interp_op {
#define OP_MISC(n)	    OP_##n,
#define OP_BIN(n, w, e)	    OP_##n, OP_##n##_I, OP_##n##_XA, OP_##n##_XAI, OP_##n##_XB,
#define OP_FBIN(n, w, t, e) OP_##n, OP_##n##_I, OP_##n##_XA, OP_##n##_XAI, OP_##n##_XB,
#define OP_CMP(n, w, e)	    OP_##n, OP_##n##_I, OP_BR_##n, OP_BRN_##n, OP_BR_##n##_I, OP_BRN_##n##_I,
#define OP_LOAD(n, s, t, c) OP_##n, OP_##n##_C, OP_##n##_A, OP_##n##_AC, OP_##n##_K, OP_##n##_KC,
#define OP_STORE(n, s, t)                                                                 \
	OP_##n, OP_##n##_C, OP_##n##_A, OP_##n##_AC, OP_##n##_K, OP_##n##_KC, OP_##n##_X, \
		OP_##n##_XC, OP_##n##_XA, OP_##n##_XAC, OP_##n##_XK, OP_##n##_XKC,
#define OP_NUM(n)		  OP_##n,
#define OP_FUSED(n1, e1, n2, e2)  OP_F_##n1##_##n2,
#define OP_GFUSED(n1, e1, n2, e2) OP_G_##n1##_##n2,
#define OP_DFUSED(n1, e1, n2, e2) OP_D_##n1##_##n2##_A, OP_D_##n1##_##n2##_B,
#define OP_EFUSED(n1, e1, n2, e2)                                               \
	OP_E_##n1##_##n2##_XAA, OP_E_##n1##_##n2##_XAB, OP_E_##n1##_##n2##_XBA, \
		OP_E_##n1##_##n2##_XBB,
#define OP_LFUSED(n, e)                                                                   \
	OP_L_##n##_P_A, OP_L_##n##_P_B, OP_L_##n##_PC_A, OP_L_##n##_PC_B, OP_L_##n##_K_A, \
		OP_L_##n##_K_B, OP_L_##n##_KC_A, OP_L_##n##_KC_B,
#define OP_FSTORE(n, e) \
	OP_FS_##n, OP_FS_##n##_C, OP_FS_##n##_XA, OP_FS_##n##_XAC, OP_FS_##n##_XB, OP_FS_##n##_XBC,
	INTERP_MISC(OP_MISC) INTERP_BINOPS_IMM(OP_BIN) INTERP_FBINOPS_IMM(OP_FBIN)
		INTERP_CMPS(OP_CMP) INTERP_LOADS(OP_LOAD) INTERP_STORES(OP_STORE)
			INTERP_NUMOPS(OP_NUM) INTERP_FUSED(OP_FUSED) INTERP_GFUSED(OP_GFUSED)
				INTERP_FSTORES(OP_FSTORE) INTERP_DFUSED(OP_DFUSED)
					INTERP_DFUSED(OP_EFUSED) INTERP_FSTORES(OP_LFUSED)
#undef OP_MISC
#undef OP_BIN
#undef OP_FBIN
#undef OP_CMP
#undef OP_LOAD
#undef OP_STORE
#undef OP_NUM
#undef OP_FUSED
#undef OP_GFUSED
#undef OP_FSTORE
#undef OP_DFUSED
#undef OP_LFUSED
#undef OP_EFUSED
						OP__COUNT
};

/*
 * One instruction. Field use by kind (slots are frame slot indices):
 *  unary/binary: a, b operands, c result; *_I: imm is the right operand.
 *  branches: imm = target - this (in instructions), c = units charged when
 *            taken (loop back-edges; 0 forward); BR_<cmp>: a, b operands
 *            (_I: b is the i32 immediate); BR_IF/BR_UNLESS: a condition.
 *  loads/stores: a address, c result / b value, imm offset immediate.
 *  MEMX_*: the memory instructions on a memory other than memory 0 or on
 *          an i64 memory (multi-memory, memory64), always bounds-checked
 *          (interp_memx in interp_exec.c): LOAD a address, c result, b =
 *          memory << 8 | opcode, imm offset; STORE the same with b value
 *          and c = memory << 8 | opcode; SIZE/GROW b memory, a delta, c
 *          result; INIT/COPY/FILL operands at a.., b memory (COPY: the
 *          destination's), imm data segment (COPY: the source memory).
 *  TABLEX_*: the table instructions on an i64 table (table64; COPY: either
 *          table), with the fields of their TABLE_ forms, the checks in 64
 *          bits (interp_tablex). CALL_INDIRECT64 and its return_ form: a
 *          call_indirect through an i64 table (the index checked in 64 bits).
 */
struct ins {
	const void *h; /* handler (label address in the run loop) */
	uint32_t a, b, c;
	uint32_t off; /* byte offset of the WebAssembly instruction */
	uint64_t imm;
};

/*
 * An exception handler of a translated function (exception handling,
 * 3.0): a catch clause of a try_table, a catch of a legacy try, or a
 * legacy delegate. It covers the instructions [start, end) of its try's
 * body; `depth` is its try's control depth (the body is 0). An exception
 * at instruction i goes to the covering handler of the greatest depth
 * whose tag matches (NULL matches every tag; first in table order among
 * equals): its payload is written to slots pslot.. (UINT32_MAX: dropped),
 * the exnref to slot xslot (UINT32_MAX: dropped), and execution goes on at
 * instruction `pad`. A delegate (delegate != UINT32_MAX) instead goes on
 * looking in the same frame among the handlers of depth <= delegate.
 */
struct interp_handler {
	uint32_t start, end, pad, depth;
	uint32_t pslot, xslot, delegate;
	const struct wasm_taginst *tag;
};

/*
 * A stack map (GC, interp_gc.c): at instruction `ins` of a function, the
 * operand-stack slots holding references the collector follows are
 * interp_body.gcslots[first .. first + n); the function's locals of such
 * types are gcslots[0 .. nlref) at every instruction. Maps exist at each
 * point where a frame can stand while a collection runs: calls, GC
 * allocations, loop headers (a suspension at a back-edge), bulk
 * instructions and the function's entry; sorted by `ins`, one per
 * instruction.
 */
struct interp_gcmap {
	uint32_t ins, first, n;
};

/*
 * A function's translated code: `ins` is what interp_fn.code points at, and
 * ncode sits just before it, so a call reaches both through one pointer.
 * Its exception handlers (if any), then its stack maps and their slots
 * (if its module may hold GC references: wasm_code.gc), follow the
 * instructions.
 */
struct interp_body {
	const struct interp_handler *handlers;
	const struct interp_gcmap *gcmaps;
	const uint32_t *gcslots;
	uint32_t ngcmaps, nlref;
	uint64_t nhandlers;
	uint64_t ncode;
	struct ins ins[];
};

/*
 * A function of an instance. `code` starts at the instance's stub (one
 * TRANSLATE instruction, ncode 0) and changes once, to the function's own
 * body, on its first call (interp_fn_translate); a body is never freed
 * before the instance. Any thread (host) or CPU (kernel) may run the
 * instance's functions at once, so `code` is atomic: it is published with
 * a release compare-and-swap and read with acquire, which makes the body's
 * contents visible to whoever sees its address.
 */
struct interp_fn {
	_Atomic(struct ins *) code;
	uint32_t nparams, nresults;
	uint32_t nlocals; /* params included */
	uint32_t nslots;  /* nlocals + max operand height (>= nresults) */
	struct wasm_instance *inst;
	uint32_t index;		  /* function index in the module; WASM_NONE: entry */
	struct wasm_memory *mem0; /* memory 0 or a static empty memory */
};

/*
 * The translated code of an instance. `bytes` counts the fns array, the
 * stub and every published body (racing translators may count theirs
 * for a moment before they lose, see interp_fn_translate); it never
 * passes `limit` (0: none).
 */
struct wasm_code {
	uint32_t nfns; /* the module's defined functions */
	struct interp_fn *fns;
	struct interp_body *stub; /* TRANSLATE; ncode 0 */
	size_t limit;
	_Atomic size_t bytes;
	atomic_uint ntranslated; /* functions with their own body */
	bool wide;		 /* the module has v128 values (module_has_v128) */
	bool gc;		 /* its frames may hold references the collector
				    follows: bodies carry stack maps */
	/* the store's translate_hook, NULL without one: read on first calls
	 * only, so an instance without it pays one predicted branch there */
	const struct wasm_translate_hook *hook;
};

static inline const struct interp_body *interp_body_of(const struct ins *code)
{
	return (const struct interp_body *)(const void *)((const char *)code -
							  offsetof(struct interp_body, ins));
}

/* The code a call of fn runs: its body, or the stub that translates it.
 * Acquire: pairs with the release that published the body, so its
 * instructions (written before) are seen whole. */
static inline const struct ins *interp_fn_code(struct interp_fn *fn)
{
	return atomic_load_explicit(&fn->code, memory_order_acquire);
}

/*
 * interp_fn_translate - gives fn its own body if it has none yet (the
 * TRANSLATE handler; safe to race with other threads on the same fn: one
 * body wins, the others are freed). 0 (fn->code is its body), or a trap
 * kind: WASM_TRAP_NOMEM, WASM_TRAP_CODE_LIMIT (the instance's code would
 * pass its limit). Nothing changes on failure.
 */
int interp_fn_translate(struct interp_fn *fn);

/* A suspended caller: where to resume it. */
struct interp_frame {
	const struct ins *ret; /* the instruction after the call */
	struct interp_fn *fn;
	uint64_t fp; /* slot offset of its frame */
};

enum interp_state { EXEC_IDLE, EXEC_READY, EXEC_DONE, EXEC_TRAPPED };

struct wasm_exec {
	struct wasm_store *store;
	uint32_t max_depth;
	uint64_t max_slots;
	bool has_fuel;
	uint64_t fuel;
	atomic_int yield;
	/* The compiler tier's (jit/jit_rt.c; compiled code reads the first
	 * two at the offsets of jit_abi.h, which must stay below 2048). */
	uintptr_t jit_stack_limit;
	const struct jit_rt *jit_rt;
	struct jit_exec *jit; /* NULL until the exec's first compiled call */
	bool jit_call;	      /* the call in progress runs compiled */

	uint64_t *stack; /* value slots */
	uint64_t cap_slots;
	struct interp_frame *frames;
	uint32_t nframes, cap_frames;

	/* The call in progress (state READY): where to continue. */
	int state;
	int reason; /* enum wasm_suspend_reason of the last suspension */
	const struct ins *ip;
	uint64_t fp;
	struct interp_fn *fn;
	const struct ins *fault_ip; /* set before each unchecked access */

	int64_t left;	 /* units left in this wasm_run (< 0: overshot) */
	uint64_t msize;	 /* size in bytes of the running function's memory 0 */
	bool fuel_bound; /* the unit limit of this run is the fuel */

	struct wasm_trap trap;
	const struct wasm_exn *exn; /* the uncaught exception (WASM_TRAP_EXCEPTION) */
	uint32_t nresults;

	struct ins entry[2]; /* CALL_FUNCINST f, EXIT */
	struct interp_fn entry_fn;
};

/*
 * SIMD (interp_simd.c). interp_simd_rows[sub] - SIMD row `sub` (not a
 * memory access, not v128.const or i8x16.shuffle) as OP_SIMD runs it:
 * operands at slots a (and b; a third in imm >> 32), the lane index in
 * imm >> 16, the result at slot c (a v128 in two slots, see
 * interp_tr_simd.c); NULL for the other rows.
 * interp_simd_op - the same row on operands one after another from v[0]
 * (a v128 in two slots; the compiler tier's calls), imm its lane index,
 * the result at v[0].
 * interp_simd_shuffle - the i8x16.shuffle at ip (fields: interp_tr_simd.c).
 * interp_simd_mem - a SIMD load or store on the memory of msize bytes at
 * mb: address at v[0] (an i64 if at64, else an i32), a vector operand
 * after it; 0 or WASM_TRAP_MEMORY_OOB (nothing written then).
 * interp_simd_mem0 - the same for OP_SIMD_MEM0 (memory 0, i32 addresses):
 * address at slot a, vector operand at slot b, result to slot c, imm the
 * offset | the row << 32 | the lane << 48.
 */
#define INTERP_SIMD_NROWS 0x114
typedef void (*interp_simd_fn)(uint64_t *fp, const struct ins *ip);
extern const interp_simd_fn interp_simd_rows[INTERP_SIMD_NROWS];
void interp_simd_op(uint64_t *v, uint32_t sub, uint64_t imm);
void interp_simd_shuffle(uint64_t *fp, const struct ins *ip);
int interp_simd_mem(uint64_t *v, uint32_t sub, uint64_t offset, unsigned lane, bool at64,
		    uint8_t *mb, uint64_t msize);
int interp_simd_mem0(uint64_t *fp, const struct ins *ip, uint8_t *mb, uint64_t msize);

/* Results of interp_run_loop. */
enum { INTERP_DONE, INTERP_TRAP, INTERP_SUSPEND };

/* interp_run_loop - runs from x->ip until the call returns, traps (trap kind
 * in x->trap.kind, position in x->ip) or suspends (x->reason). With x ==
 * NULL returns nothing and stores the handler table in *table. */
int interp_run_loop(struct wasm_exec *x, const void *const **table);

/* interp_stack_reserve - grows the slot stack to hold `need` slots; 0 or a
 * trap kind (VALUE_STACK at the limit, NOMEM). */
int interp_stack_reserve(struct wasm_exec *x, uint64_t need);

/* interp_trap_walk - appends to x->trap the frames of the interpreter's
 * stack, innermost (x->fn at x->ip) first, counting them in depth. */
void interp_trap_walk(struct wasm_exec *x);

/*
 * interp_exn_new - a new exception of tag `tag` with payload vals[0..n),
 * owned by x's store; NULL if out of memory.
 * interp_exn_unwind - throws `exn` at x->fn / x->ip (x->fp): finds its
 * handler in this frame or a caller's (interp_handler), pops the frames
 * above it, stores payload and exnref, and sets x->fn, x->fp, x->ip to the
 * landing pad: true. Without a handler nothing changes and x->exn is set:
 * false (the caller traps with WASM_TRAP_EXCEPTION, the backtrace that of
 * the throw).
 */
struct wasm_exn *interp_exn_new(struct wasm_exec *x, const struct wasm_taginst *tag,
				const uint64_t *vals, uint32_t n);
bool interp_exn_unwind(struct wasm_exec *x, const struct wasm_exn *exn);

/*
 * interp_gc_op - runs the OP_GC instruction at ip (fields: interp_tr_gc.c)
 * on frame fp of x (x->ip, x->fp current: it may collect); 0 or a trap
 * kind, nothing written then. interp_gc_test - whether reference v passes
 * the cast of br_on_cast at ip (target type in b).
 */
int interp_gc_op(struct wasm_exec *x, const struct ins *ip, uint64_t *fp);
bool interp_gc_test(const struct wasm_exec *x, const struct ins *ip, uint64_t v);

/* interp_exec_trace - the trace_fn of an exec (interp_gc.c): marks the
 * references its frames hold (by their stack maps) and, once its call is
 * done, those of its results. */
void interp_exec_trace(void *exec, struct wasm_gc_heap *h);

/* interp_frames_reserve - room for one more frame record; 0 or a trap kind. */
int interp_frames_reserve(struct wasm_exec *x);

/* The translated function of a wasm function instance. */
static inline struct interp_fn *interp_fn_of(const struct wasm_funcinst *f)
{
	return &f->inst->code->fns[f->index - f->inst->module->nfunc_imports];
}
