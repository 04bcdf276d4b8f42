/*
 * jit_compile_svc.c - the runtime services the compiler's code relies on
 * that only compute (jit.h: jit_numop, jit_functype_match): C versions of
 * every numeric instruction, with the interpreter's exact semantics
 * (interp_num.h), for the rows jit_num_emit does not emit inline.
 *
 * One row per operator: OPS lists those that cannot trap with their
 * result, DIVS and TRUNCS those that can. A row's operands are A (slot 0)
 * and B (slot 1), as integers (A32, A64) or floats (FA32, FA64).
 */
#include "base/compiler.h"
#include "wasm/interp/interp_num.h"
#include "wasm/jit/jit.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/opcodes.h"

/* clang-format off */
#define JIT_NUM_OPS(X) \
	X(I32_EQZ, A32 == 0) \
	X(I64_EQZ, A64 == 0) \
	X(I32_EQ, A32 == B32) \
	X(I32_NE, A32 != B32) \
	X(I32_LT_S, (int32_t)A32 < (int32_t)B32) \
	X(I32_LT_U, A32 < B32) \
	X(I32_GT_S, (int32_t)A32 > (int32_t)B32) \
	X(I32_GT_U, A32 > B32) \
	X(I32_LE_S, (int32_t)A32 <= (int32_t)B32) \
	X(I32_LE_U, A32 <= B32) \
	X(I32_GE_S, (int32_t)A32 >= (int32_t)B32) \
	X(I32_GE_U, A32 >= B32) \
	X(I64_EQ, A64 == B64) \
	X(I64_NE, A64 != B64) \
	X(I64_LT_S, (int64_t)A64 < (int64_t)B64) \
	X(I64_LT_U, A64 < B64) \
	X(I64_GT_S, (int64_t)A64 > (int64_t)B64) \
	X(I64_GT_U, A64 > B64) \
	X(I64_LE_S, (int64_t)A64 <= (int64_t)B64) \
	X(I64_LE_U, A64 <= B64) \
	X(I64_GE_S, (int64_t)A64 >= (int64_t)B64) \
	X(I64_GE_U, A64 >= B64) \
	X(F32_EQ, FA32 == FB32) \
	X(F32_NE, FA32 != FB32) \
	X(F32_LT, FA32 < FB32) \
	X(F32_GT, FA32 > FB32) \
	X(F32_LE, FA32 <= FB32) \
	X(F32_GE, FA32 >= FB32) \
	X(F64_EQ, FA64 == FB64) \
	X(F64_NE, FA64 != FB64) \
	X(F64_LT, FA64 < FB64) \
	X(F64_GT, FA64 > FB64) \
	X(F64_LE, FA64 <= FB64) \
	X(F64_GE, FA64 >= FB64) \
	X(I32_CLZ, A32 ? (uint32_t)__builtin_clz(A32) : 32) \
	X(I32_CTZ, A32 ? (uint32_t)__builtin_ctz(A32) : 32) \
	X(I32_POPCNT, num_popcnt64(A32)) \
	X(I32_ADD, (uint32_t)(A32 + B32)) \
	X(I32_SUB, (uint32_t)(A32 - B32)) \
	X(I32_MUL, (uint32_t)(A32 * B32)) \
	X(I32_AND, A32 & B32) \
	X(I32_OR, A32 | B32) \
	X(I32_XOR, A32 ^ B32) \
	X(I32_SHL, (uint32_t)(A32 << (B32 & 31))) \
	X(I32_SHR_S, (uint32_t)((int32_t)A32 >> (B32 & 31))) \
	X(I32_SHR_U, A32 >> (B32 & 31)) \
	X(I32_ROTL, num_rotl32(A32, B32)) \
	X(I32_ROTR, num_rotr32(A32, B32)) \
	X(I64_CLZ, A64 ? (uint64_t)__builtin_clzll(A64) : 64) \
	X(I64_CTZ, A64 ? (uint64_t)__builtin_ctzll(A64) : 64) \
	X(I64_POPCNT, num_popcnt64(A64)) \
	X(I64_ADD, A64 + B64) \
	X(I64_SUB, A64 - B64) \
	X(I64_MUL, A64 * B64) \
	X(I64_AND, A64 & B64) \
	X(I64_OR, A64 | B64) \
	X(I64_XOR, A64 ^ B64) \
	X(I64_SHL, A64 << (B64 & 63)) \
	X(I64_SHR_S, (uint64_t)((int64_t)A64 >> (B64 & 63))) \
	X(I64_SHR_U, A64 >> (B64 & 63)) \
	X(I64_ROTL, num_rotl64(A64, B64)) \
	X(I64_ROTR, num_rotr64(A64, B64)) \
	X(F32_ABS, A32 & 0x7fffffffu) \
	X(F32_NEG, A32 ^ 0x80000000u) \
	X(F32_CEIL, num_bits32(num_ceil32(FA32))) \
	X(F32_FLOOR, num_bits32(num_floor32(FA32))) \
	X(F32_TRUNC, num_bits32(num_trunc32(FA32))) \
	X(F32_NEAREST, num_bits32(num_nearest32(FA32))) \
	X(F32_SQRT, num_bits32(num_sqrt32(FA32))) \
	X(F32_ADD, num_bits32(FA32 + FB32)) \
	X(F32_SUB, num_bits32(FA32 - FB32)) \
	X(F32_MUL, num_bits32(FA32 * FB32)) \
	X(F32_DIV, num_bits32(FA32 / FB32)) \
	X(F32_MIN, num_min32(FA32, FB32)) \
	X(F32_MAX, num_max32(FA32, FB32)) \
	X(F32_COPYSIGN, (A32 & 0x7fffffffu) | (B32 & 0x80000000u)) \
	X(F64_ABS, A64 & ~(UINT64_C(1) << 63)) \
	X(F64_NEG, A64 ^ (UINT64_C(1) << 63)) \
	X(F64_CEIL, num_bits64(num_ceil64(FA64))) \
	X(F64_FLOOR, num_bits64(num_floor64(FA64))) \
	X(F64_TRUNC, num_bits64(num_trunc64(FA64))) \
	X(F64_NEAREST, num_bits64(num_nearest64(FA64))) \
	X(F64_SQRT, num_bits64(num_sqrt64(FA64))) \
	X(F64_ADD, num_bits64(FA64 + FB64)) \
	X(F64_SUB, num_bits64(FA64 - FB64)) \
	X(F64_MUL, num_bits64(FA64 * FB64)) \
	X(F64_DIV, num_bits64(FA64 / FB64)) \
	X(F64_MIN, num_min64(FA64, FB64)) \
	X(F64_MAX, num_max64(FA64, FB64)) \
	X(F64_COPYSIGN, (A64 & ~(UINT64_C(1) << 63)) | (B64 & (UINT64_C(1) << 63))) \
	X(I32_WRAP_I64, A32) \
	X(I64_EXTEND_I32_S, (uint64_t)(int64_t)(int32_t)A32) \
	X(I64_EXTEND_I32_U, A32) \
	X(I32_EXTEND8_S, (uint32_t)(int32_t)(int8_t)A32) \
	X(I32_EXTEND16_S, (uint32_t)(int32_t)(int16_t)A32) \
	X(I64_EXTEND8_S, (uint64_t)(int64_t)(int8_t)A64) \
	X(I64_EXTEND16_S, (uint64_t)(int64_t)(int16_t)A64) \
	X(I64_EXTEND32_S, (uint64_t)(int64_t)(int32_t)A64) \
	X(I32_TRUNC_SAT_F32_S, num_sat_s32(FA32)) \
	X(I32_TRUNC_SAT_F32_U, num_sat_u32(FA32)) \
	X(I32_TRUNC_SAT_F64_S, num_sat_s32(FA64)) \
	X(I32_TRUNC_SAT_F64_U, num_sat_u32(FA64)) \
	X(I64_TRUNC_SAT_F32_S, num_sat_s64(FA32)) \
	X(I64_TRUNC_SAT_F32_U, num_sat_u64(FA32)) \
	X(I64_TRUNC_SAT_F64_S, num_sat_s64(FA64)) \
	X(I64_TRUNC_SAT_F64_U, num_sat_u64(FA64)) \
	X(F32_CONVERT_I32_S, num_bits32((float)(int32_t)A32)) \
	X(F32_CONVERT_I32_U, num_bits32((float)A32)) \
	X(F32_CONVERT_I64_S, num_bits32((float)(int64_t)A64)) \
	X(F32_CONVERT_I64_U, num_bits32((float)A64)) \
	X(F32_DEMOTE_F64, num_bits32((float)FA64)) \
	X(F64_CONVERT_I32_S, num_bits64((double)(int32_t)A32)) \
	X(F64_CONVERT_I32_U, num_bits64((double)A32)) \
	X(F64_CONVERT_I64_S, num_bits64((double)(int64_t)A64)) \
	X(F64_CONVERT_I64_U, num_bits64((double)A64)) \
	X(F64_PROMOTE_F32, num_bits64((double)FA32))

/* name, width, signed, remainder */
#define JIT_NUM_DIVS(X) \
	X(I32_DIV_S, 32, 1, 0) \
	X(I32_DIV_U, 32, 0, 0) \
	X(I32_REM_S, 32, 1, 1) \
	X(I32_REM_U, 32, 0, 1) \
	X(I64_DIV_S, 64, 1, 0) \
	X(I64_DIV_U, 64, 0, 0) \
	X(I64_REM_S, 64, 1, 1) \
	X(I64_REM_U, 64, 0, 1)

/* name, operand, exclusive bounds, conversion of the truncated double v */
#define JIT_NUM_TRUNCS(X) \
	X(I32_TRUNC_F32_S, FA32, NUM_I32_LO_S, NUM_I32_HI_S, (uint32_t)(int32_t)v) \
	X(I32_TRUNC_F32_U, FA32, NUM_I32_LO_U, NUM_I32_HI_U, (uint32_t)v) \
	X(I32_TRUNC_F64_S, FA64, NUM_I32_LO_S, NUM_I32_HI_S, (uint32_t)(int32_t)v) \
	X(I32_TRUNC_F64_U, FA64, NUM_I32_LO_U, NUM_I32_HI_U, (uint32_t)v) \
	X(I64_TRUNC_F32_S, FA32, NUM_I64_LO_S, NUM_I64_HI_S, (uint64_t)(int64_t)v) \
	X(I64_TRUNC_F32_U, FA32, NUM_I64_LO_U, NUM_I64_HI_U, (uint64_t)v) \
	X(I64_TRUNC_F64_S, FA64, NUM_I64_LO_S, NUM_I64_HI_S, (uint64_t)(int64_t)v) \
	X(I64_TRUNC_F64_U, FA64, NUM_I64_LO_U, NUM_I64_HI_U, (uint64_t)v)
/* clang-format on */

#define A32  ((uint32_t)slots[0])
#define B32  ((uint32_t)slots[1])
#define A64  (slots[0])
#define B64  (slots[1])
#define FA32 num_f32(slots[0])
#define FB32 num_f32(slots[1])
#define FA64 num_f64(slots[0])
#define FB64 num_f64(slots[1])

/* Division: the trap kind, or 0 with *r set. */
static uint64_t num_div(uint64_t a, uint64_t b, unsigned w, bool is_signed, bool rem, uint64_t *r)
{
	uint64_t mask = w == 32 ? UINT32_MAX : UINT64_MAX;
	int64_t sa = w == 32 ? (int32_t)a : (int64_t)a, sb = w == 32 ? (int32_t)b : (int64_t)b;

	a &= mask;
	b &= mask;
	if (b == 0)
		return WASM_TRAP_DIV_ZERO;
	if (is_signed && sb == -1) {
		if (!rem && sa == (w == 32 ? INT32_MIN : INT64_MIN))
			return WASM_TRAP_INT_OVERFLOW;
		*r = rem ? 0 : (0 - a) & mask;
	} else if (is_signed) {
		*r = (uint64_t)(rem ? sa % sb : sa / sb) & mask;
	} else {
		*r = rem ? a % b : a / b;
	}
	return 0;
}

/* Each NUM row's place in the lists above (0: not a NUM row). */
enum {
	JN_NONE,
#define JN_ID(n, ...) JN_##n,
	JIT_NUM_OPS(JN_ID) JIT_NUM_DIVS(JN_ID) JIT_NUM_TRUNCS(JN_ID)
#undef JN_ID
};

static const uint8_t jit_numop_id[WASM_OP_NINDEX] = {
#define M_SPECIAL(p, c, n)
#define M_LOAD(p, c, n)
#define M_STORE(p, c, n)
#define M_BITS(p, c, n)
#define M_NUM(p, c, n)			   [WASM_OP_INDEX(p, c)] = JN_##n,
#define M_ROW(n, p, c, text, imm, sig, tr) M_##tr(p, c, n)
	WASM_OPCODES(M_ROW)
#undef M_ROW
#undef M_NUM
#undef M_BITS
#undef M_STORE
#undef M_LOAD
#undef M_SPECIAL
};

uint64_t jit_numop(struct wasm_exec *x, uint64_t op, uint64_t *slots)
{
	uint64_t r = 0, kind;
	double v;

	(void)x;
	switch (op < WASM_OP_NINDEX ? jit_numop_id[op] : JN_NONE) {
#define JN_OP(n, e)                       \
	case JN_##n:                      \
		slots[0] = (uint64_t)(e); \
		return 0;
		JIT_NUM_OPS(JN_OP)
#undef JN_OP
#define JN_DIV(n, w, s, rem)                             \
	case JN_##n:                                     \
		kind = num_div(A64, B64, w, s, rem, &r); \
		if (!kind)                               \
			slots[0] = r;                    \
		return kind;
		JIT_NUM_DIVS(JN_DIV)
#undef JN_DIV
#define JN_TRUNC(n, get, lo, hi, conv)                                                      \
	case JN_##n:                                                                        \
		v = get;                                                                    \
		kind = (uint64_t)num_trunc_check(v, lo, hi);                                \
		if (kind)                                                                   \
			return kind == 1 ? WASM_TRAP_INVALID_CONV : WASM_TRAP_INT_OVERFLOW; \
		slots[0] = conv;                                                            \
		return 0;
		JIT_NUM_TRUNCS(JN_TRUNC)
#undef JN_TRUNC
	default:
		return WASM_TRAP_UNREACHABLE; /* not a NUM row: the compiler never asks */
	}
}

uint64_t jit_functype_match(struct wasm_exec *x, const struct wasm_functype *a,
			    const struct wasm_functype *b)
{
	(void)x;
	return wasm_functype_equal(a, b);
}

/*
 * Placeholders for the exec offsets jit_abi.h says the runtime (jit_rt.c)
 * defines: weak, so the runtime's own definitions replace them, and so
 * the compiler links (and its tests run on a fake exec with this layout)
 * in a build without the runtime.
 */
__attribute__((weak)) const uint16_t jit_off_yield = 0;
__attribute__((weak)) const uint16_t jit_off_stack_limit = 8;
__attribute__((weak)) const uint16_t jit_off_rt = 16;
