/*
 * interp_simd.c - the interpreter's SIMD instructions (prefix 0xfd): the
 * run loop's OP_SIMD, OP_SIMD_SHUFFLE and OP_SIMD_MEM handlers call these.
 *
 * A v128 value takes two consecutive 8-byte slots, bytes 0-7 (lanes in
 * little-endian order) in the first (see interp_internal.h). The translator
 * writes an instruction's operands to consecutive slots from v (a v128
 * operand takes two, a scalar one) and the result goes to v[0] (v[0..1]
 * for a v128). The lane semantics are simd_ops.h's.
 */
#include <string.h>

#include "base/compiler.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/interp/simd_ops.h"
#include "wasm/opcodes.h"

static inline v128_t get(const uint64_t *v)
{
	v128_t r;

	memcpy(r.b, v, 16);
	return r;
}

static inline void put(uint64_t *v, v128_t r)
{
	memcpy(v, r.b, 16);
}

/* The rows by how they are called: (the row's NAME, its simd_ops.h
 * function without the prefix). Scalars: i32/f32 in a slot's low half. */
#define UN(n, f)                          \
	case WASM_OP_##n:                 \
		put(v, simd_##f(get(v))); \
		break;
#define BIN(n, f)                                     \
	case WASM_OP_##n:                             \
		put(v, simd_##f(get(v), get(v + 2))); \
		break;
#define TERN(n, f)                                                \
	case WASM_OP_##n:                                         \
		put(v, simd_##f(get(v), get(v + 2), get(v + 4))); \
		break;
#define TEST(n, f)                       \
	case WASM_OP_##n:                \
		v[0] = simd_##f(get(v)); \
		break;
#define EXTRACT(n, f)                          \
	case WASM_OP_##n:                      \
		v[0] = simd_##f(get(v), lane); \
		break;
#define SHIFT32(n, f)                                     \
	case WASM_OP_##n:                                 \
		put(v, simd_##f(get(v), (uint32_t)v[2])); \
		break;
#define REPLACE32(n, f)                                         \
	case WASM_OP_##n:                                       \
		put(v, simd_##f(get(v), lane, (uint32_t)v[2])); \
		break;
#define REPLACE64(n, f)                               \
	case WASM_OP_##n:                             \
		put(v, simd_##f(get(v), lane, v[2])); \
		break;
#define SPLAT32(n, f)                             \
	case WASM_OP_##n:                         \
		put(v, simd_##f((uint32_t)v[0])); \
		break;
#define SPLAT64(n, f)                   \
	case WASM_OP_##n:               \
		put(v, simd_##f(v[0])); \
		break;

void interp_simd_op(uint64_t *v, uint32_t sub, uint64_t imm)
{
	unsigned lane = (unsigned)imm;

	switch (sub) {
		/* clang-format off */
	UN(V128_NOT, v128_not)
	UN(F32X4_DEMOTE_F64X2_ZERO, f32x4_demote_f64x2_zero)
	UN(F64X2_PROMOTE_LOW_F32X4, f64x2_promote_low_f32x4)
	UN(I8X16_ABS, i8x16_abs)
	UN(I8X16_NEG, i8x16_neg)
	UN(I8X16_POPCNT, i8x16_popcnt)
	UN(F32X4_CEIL, f32x4_ceil)
	UN(F32X4_FLOOR, f32x4_floor)
	UN(F32X4_TRUNC, f32x4_trunc)
	UN(F32X4_NEAREST, f32x4_nearest)
	UN(F64X2_CEIL, f64x2_ceil)
	UN(F64X2_FLOOR, f64x2_floor)
	UN(F64X2_TRUNC, f64x2_trunc)
	UN(I16X8_EXTADD_PAIRWISE_I8X16_S, i16x8_extadd_pairwise_i8x16_s)
	UN(I16X8_EXTADD_PAIRWISE_I8X16_U, i16x8_extadd_pairwise_i8x16_u)
	UN(I32X4_EXTADD_PAIRWISE_I16X8_S, i32x4_extadd_pairwise_i16x8_s)
	UN(I32X4_EXTADD_PAIRWISE_I16X8_U, i32x4_extadd_pairwise_i16x8_u)
	UN(I16X8_ABS, i16x8_abs)
	UN(I16X8_NEG, i16x8_neg)
	UN(I16X8_EXTEND_LOW_I8X16_S, i16x8_extend_low_i8x16_s)
	UN(I16X8_EXTEND_HIGH_I8X16_S, i16x8_extend_high_i8x16_s)
	UN(I16X8_EXTEND_LOW_I8X16_U, i16x8_extend_low_i8x16_u)
	UN(I16X8_EXTEND_HIGH_I8X16_U, i16x8_extend_high_i8x16_u)
	UN(F64X2_NEAREST, f64x2_nearest)
	UN(I32X4_ABS, i32x4_abs)
	UN(I32X4_NEG, i32x4_neg)
	UN(I32X4_EXTEND_LOW_I16X8_S, i32x4_extend_low_i16x8_s)
	UN(I32X4_EXTEND_HIGH_I16X8_S, i32x4_extend_high_i16x8_s)
	UN(I32X4_EXTEND_LOW_I16X8_U, i32x4_extend_low_i16x8_u)
	UN(I32X4_EXTEND_HIGH_I16X8_U, i32x4_extend_high_i16x8_u)
	UN(I64X2_ABS, i64x2_abs)
	UN(I64X2_NEG, i64x2_neg)
	UN(I64X2_EXTEND_LOW_I32X4_S, i64x2_extend_low_i32x4_s)
	UN(I64X2_EXTEND_HIGH_I32X4_S, i64x2_extend_high_i32x4_s)
	UN(I64X2_EXTEND_LOW_I32X4_U, i64x2_extend_low_i32x4_u)
	UN(I64X2_EXTEND_HIGH_I32X4_U, i64x2_extend_high_i32x4_u)
	UN(F32X4_ABS, f32x4_abs)
	UN(F32X4_NEG, f32x4_neg)
	UN(F32X4_SQRT, f32x4_sqrt)
	UN(F64X2_ABS, f64x2_abs)
	UN(F64X2_NEG, f64x2_neg)
	UN(F64X2_SQRT, f64x2_sqrt)
	UN(I32X4_TRUNC_SAT_F32X4_S, i32x4_trunc_sat_f32x4_s)
	UN(I32X4_TRUNC_SAT_F32X4_U, i32x4_trunc_sat_f32x4_u)
	UN(F32X4_CONVERT_I32X4_S, f32x4_convert_i32x4_s)
	UN(F32X4_CONVERT_I32X4_U, f32x4_convert_i32x4_u)
	UN(I32X4_TRUNC_SAT_F64X2_S_ZERO, i32x4_trunc_sat_f64x2_s_zero)
	UN(I32X4_TRUNC_SAT_F64X2_U_ZERO, i32x4_trunc_sat_f64x2_u_zero)
	UN(F64X2_CONVERT_LOW_I32X4_S, f64x2_convert_low_i32x4_s)
	UN(F64X2_CONVERT_LOW_I32X4_U, f64x2_convert_low_i32x4_u)
	UN(I32X4_RELAXED_TRUNC_F32X4_S, i32x4_relaxed_trunc_f32x4_s)
	UN(I32X4_RELAXED_TRUNC_F32X4_U, i32x4_relaxed_trunc_f32x4_u)
	UN(I32X4_RELAXED_TRUNC_F64X2_S_ZERO, i32x4_relaxed_trunc_f64x2_s_zero)
	UN(I32X4_RELAXED_TRUNC_F64X2_U_ZERO, i32x4_relaxed_trunc_f64x2_u_zero)
	BIN(I8X16_SWIZZLE, i8x16_swizzle)
	BIN(I8X16_EQ, i8x16_eq)
	BIN(I8X16_NE, i8x16_ne)
	BIN(I8X16_LT_S, i8x16_lt_s)
	BIN(I8X16_LT_U, i8x16_lt_u)
	BIN(I8X16_GT_S, i8x16_gt_s)
	BIN(I8X16_GT_U, i8x16_gt_u)
	BIN(I8X16_LE_S, i8x16_le_s)
	BIN(I8X16_LE_U, i8x16_le_u)
	BIN(I8X16_GE_S, i8x16_ge_s)
	BIN(I8X16_GE_U, i8x16_ge_u)
	BIN(I16X8_EQ, i16x8_eq)
	BIN(I16X8_NE, i16x8_ne)
	BIN(I16X8_LT_S, i16x8_lt_s)
	BIN(I16X8_LT_U, i16x8_lt_u)
	BIN(I16X8_GT_S, i16x8_gt_s)
	BIN(I16X8_GT_U, i16x8_gt_u)
	BIN(I16X8_LE_S, i16x8_le_s)
	BIN(I16X8_LE_U, i16x8_le_u)
	BIN(I16X8_GE_S, i16x8_ge_s)
	BIN(I16X8_GE_U, i16x8_ge_u)
	BIN(I32X4_EQ, i32x4_eq)
	BIN(I32X4_NE, i32x4_ne)
	BIN(I32X4_LT_S, i32x4_lt_s)
	BIN(I32X4_LT_U, i32x4_lt_u)
	BIN(I32X4_GT_S, i32x4_gt_s)
	BIN(I32X4_GT_U, i32x4_gt_u)
	BIN(I32X4_LE_S, i32x4_le_s)
	BIN(I32X4_LE_U, i32x4_le_u)
	BIN(I32X4_GE_S, i32x4_ge_s)
	BIN(I32X4_GE_U, i32x4_ge_u)
	BIN(F32X4_EQ, f32x4_eq)
	BIN(F32X4_NE, f32x4_ne)
	BIN(F32X4_LT, f32x4_lt)
	BIN(F32X4_GT, f32x4_gt)
	BIN(F32X4_LE, f32x4_le)
	BIN(F32X4_GE, f32x4_ge)
	BIN(F64X2_EQ, f64x2_eq)
	BIN(F64X2_NE, f64x2_ne)
	BIN(F64X2_LT, f64x2_lt)
	BIN(F64X2_GT, f64x2_gt)
	BIN(F64X2_LE, f64x2_le)
	BIN(F64X2_GE, f64x2_ge)
	BIN(V128_AND, v128_and)
	BIN(V128_ANDNOT, v128_andnot)
	BIN(V128_OR, v128_or)
	BIN(V128_XOR, v128_xor)
	BIN(I8X16_NARROW_I16X8_S, i8x16_narrow_i16x8_s)
	BIN(I8X16_NARROW_I16X8_U, i8x16_narrow_i16x8_u)
	BIN(I8X16_ADD, i8x16_add)
	BIN(I8X16_ADD_SAT_S, i8x16_add_sat_s)
	BIN(I8X16_ADD_SAT_U, i8x16_add_sat_u)
	BIN(I8X16_SUB, i8x16_sub)
	BIN(I8X16_SUB_SAT_S, i8x16_sub_sat_s)
	BIN(I8X16_SUB_SAT_U, i8x16_sub_sat_u)
	BIN(I8X16_MIN_S, i8x16_min_s)
	BIN(I8X16_MIN_U, i8x16_min_u)
	BIN(I8X16_MAX_S, i8x16_max_s)
	BIN(I8X16_MAX_U, i8x16_max_u)
	BIN(I8X16_AVGR_U, i8x16_avgr_u)
	BIN(I16X8_Q15MULR_SAT_S, i16x8_q15mulr_sat_s)
	BIN(I16X8_NARROW_I32X4_S, i16x8_narrow_i32x4_s)
	BIN(I16X8_NARROW_I32X4_U, i16x8_narrow_i32x4_u)
	BIN(I16X8_ADD, i16x8_add)
	BIN(I16X8_ADD_SAT_S, i16x8_add_sat_s)
	BIN(I16X8_ADD_SAT_U, i16x8_add_sat_u)
	BIN(I16X8_SUB, i16x8_sub)
	BIN(I16X8_SUB_SAT_S, i16x8_sub_sat_s)
	BIN(I16X8_SUB_SAT_U, i16x8_sub_sat_u)
	BIN(I16X8_MUL, i16x8_mul)
	BIN(I16X8_MIN_S, i16x8_min_s)
	BIN(I16X8_MIN_U, i16x8_min_u)
	BIN(I16X8_MAX_S, i16x8_max_s)
	BIN(I16X8_MAX_U, i16x8_max_u)
	BIN(I16X8_AVGR_U, i16x8_avgr_u)
	BIN(I16X8_EXTMUL_LOW_I8X16_S, i16x8_extmul_low_i8x16_s)
	BIN(I16X8_EXTMUL_HIGH_I8X16_S, i16x8_extmul_high_i8x16_s)
	BIN(I16X8_EXTMUL_LOW_I8X16_U, i16x8_extmul_low_i8x16_u)
	BIN(I16X8_EXTMUL_HIGH_I8X16_U, i16x8_extmul_high_i8x16_u)
	BIN(I32X4_ADD, i32x4_add)
	BIN(I32X4_SUB, i32x4_sub)
	BIN(I32X4_MUL, i32x4_mul)
	BIN(I32X4_MIN_S, i32x4_min_s)
	BIN(I32X4_MIN_U, i32x4_min_u)
	BIN(I32X4_MAX_S, i32x4_max_s)
	BIN(I32X4_MAX_U, i32x4_max_u)
	BIN(I32X4_DOT_I16X8_S, i32x4_dot_i16x8_s)
	BIN(I32X4_EXTMUL_LOW_I16X8_S, i32x4_extmul_low_i16x8_s)
	BIN(I32X4_EXTMUL_HIGH_I16X8_S, i32x4_extmul_high_i16x8_s)
	BIN(I32X4_EXTMUL_LOW_I16X8_U, i32x4_extmul_low_i16x8_u)
	BIN(I32X4_EXTMUL_HIGH_I16X8_U, i32x4_extmul_high_i16x8_u)
	BIN(I64X2_ADD, i64x2_add)
	BIN(I64X2_SUB, i64x2_sub)
	BIN(I64X2_MUL, i64x2_mul)
	BIN(I64X2_EQ, i64x2_eq)
	BIN(I64X2_NE, i64x2_ne)
	BIN(I64X2_LT_S, i64x2_lt_s)
	BIN(I64X2_GT_S, i64x2_gt_s)
	BIN(I64X2_LE_S, i64x2_le_s)
	BIN(I64X2_GE_S, i64x2_ge_s)
	BIN(I64X2_EXTMUL_LOW_I32X4_S, i64x2_extmul_low_i32x4_s)
	BIN(I64X2_EXTMUL_HIGH_I32X4_S, i64x2_extmul_high_i32x4_s)
	BIN(I64X2_EXTMUL_LOW_I32X4_U, i64x2_extmul_low_i32x4_u)
	BIN(I64X2_EXTMUL_HIGH_I32X4_U, i64x2_extmul_high_i32x4_u)
	BIN(F32X4_ADD, f32x4_add)
	BIN(F32X4_SUB, f32x4_sub)
	BIN(F32X4_MUL, f32x4_mul)
	BIN(F32X4_DIV, f32x4_div)
	BIN(F32X4_MIN, f32x4_min)
	BIN(F32X4_MAX, f32x4_max)
	BIN(F32X4_PMIN, f32x4_pmin)
	BIN(F32X4_PMAX, f32x4_pmax)
	BIN(F64X2_ADD, f64x2_add)
	BIN(F64X2_SUB, f64x2_sub)
	BIN(F64X2_MUL, f64x2_mul)
	BIN(F64X2_DIV, f64x2_div)
	BIN(F64X2_MIN, f64x2_min)
	BIN(F64X2_MAX, f64x2_max)
	BIN(F64X2_PMIN, f64x2_pmin)
	BIN(F64X2_PMAX, f64x2_pmax)
	BIN(I8X16_RELAXED_SWIZZLE, i8x16_relaxed_swizzle)
	BIN(F32X4_RELAXED_MIN, f32x4_relaxed_min)
	BIN(F32X4_RELAXED_MAX, f32x4_relaxed_max)
	BIN(F64X2_RELAXED_MIN, f64x2_relaxed_min)
	BIN(F64X2_RELAXED_MAX, f64x2_relaxed_max)
	BIN(I16X8_RELAXED_Q15MULR_S, i16x8_relaxed_q15mulr_s)
	BIN(I16X8_RELAXED_DOT_I8X16_I7X16_S, i16x8_relaxed_dot_i8x16_i7x16_s)
	TERN(V128_BITSELECT, v128_bitselect)
	TERN(F32X4_RELAXED_MADD, f32x4_relaxed_madd)
	TERN(F32X4_RELAXED_NMADD, f32x4_relaxed_nmadd)
	TERN(F64X2_RELAXED_MADD, f64x2_relaxed_madd)
	TERN(F64X2_RELAXED_NMADD, f64x2_relaxed_nmadd)
	TERN(I8X16_RELAXED_LANESELECT, i8x16_relaxed_laneselect)
	TERN(I16X8_RELAXED_LANESELECT, i16x8_relaxed_laneselect)
	TERN(I32X4_RELAXED_LANESELECT, i32x4_relaxed_laneselect)
	TERN(I64X2_RELAXED_LANESELECT, i64x2_relaxed_laneselect)
	TERN(I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S, i32x4_relaxed_dot_i8x16_i7x16_add_s)
	TEST(V128_ANY_TRUE, v128_any_true)
	TEST(I8X16_ALL_TRUE, i8x16_all_true)
	TEST(I8X16_BITMASK, i8x16_bitmask)
	TEST(I16X8_ALL_TRUE, i16x8_all_true)
	TEST(I16X8_BITMASK, i16x8_bitmask)
	TEST(I32X4_ALL_TRUE, i32x4_all_true)
	TEST(I32X4_BITMASK, i32x4_bitmask)
	TEST(I64X2_ALL_TRUE, i64x2_all_true)
	TEST(I64X2_BITMASK, i64x2_bitmask)
	EXTRACT(I8X16_EXTRACT_LANE_S, i8x16_extract_lane_s)
	EXTRACT(I8X16_EXTRACT_LANE_U, i8x16_extract_lane_u)
	EXTRACT(I16X8_EXTRACT_LANE_S, i16x8_extract_lane_s)
	EXTRACT(I16X8_EXTRACT_LANE_U, i16x8_extract_lane_u)
	EXTRACT(I32X4_EXTRACT_LANE, i32x4_extract_lane)
	EXTRACT(I64X2_EXTRACT_LANE, i64x2_extract_lane)
	EXTRACT(F32X4_EXTRACT_LANE, f32x4_extract_lane)
	EXTRACT(F64X2_EXTRACT_LANE, f64x2_extract_lane)
	SHIFT32(I8X16_SHL, i8x16_shl)
	SHIFT32(I8X16_SHR_S, i8x16_shr_s)
	SHIFT32(I8X16_SHR_U, i8x16_shr_u)
	SHIFT32(I16X8_SHL, i16x8_shl)
	SHIFT32(I16X8_SHR_S, i16x8_shr_s)
	SHIFT32(I16X8_SHR_U, i16x8_shr_u)
	SHIFT32(I32X4_SHL, i32x4_shl)
	SHIFT32(I32X4_SHR_S, i32x4_shr_s)
	SHIFT32(I32X4_SHR_U, i32x4_shr_u)
	SHIFT32(I64X2_SHL, i64x2_shl)
	SHIFT32(I64X2_SHR_S, i64x2_shr_s)
	SHIFT32(I64X2_SHR_U, i64x2_shr_u)
	REPLACE32(I8X16_REPLACE_LANE, i8x16_replace_lane)
	REPLACE32(I16X8_REPLACE_LANE, i16x8_replace_lane)
	REPLACE32(I32X4_REPLACE_LANE, i32x4_replace_lane)
	REPLACE32(F32X4_REPLACE_LANE, f32x4_replace_lane)
	REPLACE64(I64X2_REPLACE_LANE, i64x2_replace_lane)
	REPLACE64(F64X2_REPLACE_LANE, f64x2_replace_lane)
	SPLAT32(I8X16_SPLAT, i8x16_splat)
	SPLAT32(I16X8_SPLAT, i16x8_splat)
	SPLAT32(I32X4_SPLAT, i32x4_splat)
	SPLAT32(F32X4_SPLAT, f32x4_splat)
	SPLAT64(I64X2_SPLAT, i64x2_splat)
	SPLAT64(F64X2_SPLAT, f64x2_splat)
	/* clang-format on */
	default: /* the translator sends only the rows above */
		break;
	}
}
#undef UN
#undef BIN
#undef TERN
#undef TEST
#undef EXTRACT
#undef SHIFT32
#undef REPLACE32
#undef REPLACE64
#undef SPLAT32
#undef SPLAT64

void interp_simd_shuffle(uint64_t *fp, const struct ins *ip)
{
	/* the 16 lane indices: 0-7 in imm, 8-11 in b, 12-15 in c */
	uint64_t *v = fp + ip->a;
	uint8_t lanes[16];

	memcpy(lanes, &ip->imm, 8);
	memcpy(lanes + 8, &ip->b, 4);
	memcpy(lanes + 12, &ip->c, 4);
	put(v, simd_i8x16_shuffle(get(v), get(v + 2), lanes));
}

/* Widens the 8 bytes at p: lanes of `from` bytes to twice as wide. */
static v128_t load_extend(const uint8_t *p, uint32_t sub)
{
	uint8_t in[8];
	v128_t r;

	memcpy(in, p, 8);
	for (unsigned i = 0; i < 8; i++) {
		switch (sub) {
		case WASM_OP_V128_LOAD8X8_S:
			r.b[2 * i] = in[i];
			r.b[2 * i + 1] = (uint8_t)(in[i] & 0x80 ? 0xff : 0);
			break;
		case WASM_OP_V128_LOAD8X8_U:
			r.b[2 * i] = in[i];
			r.b[2 * i + 1] = 0;
			break;
		default: {
			/* 16x4 and 32x2: byte i of lane i / n */
			unsigned n = sub <= WASM_OP_V128_LOAD16X4_U ? 2 : 4;
			unsigned lanei = i / n, k = i % n;
			bool neg = in[lanei * n + n - 1] & 0x80;
			bool s = sub == WASM_OP_V128_LOAD16X4_S || sub == WASM_OP_V128_LOAD32X2_S;

			r.b[lanei * 2 * n + k] = in[i];
			r.b[lanei * 2 * n + n + k] = (uint8_t)(s && neg ? 0xff : 0);
			break;
		}
		}
	}
	return r;
}

/* The bytes a memory row reads or writes (not its natural alignment: the
 * extending loads read 8). */
static uint32_t access_size(uint32_t sub)
{
	uint8_t imm = wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, sub)].imm;

	if (sub >= WASM_OP_V128_LOAD8X8_S && sub <= WASM_OP_V128_LOAD32X2_U)
		return 8;
	return 1u << wasm_imm_memarg_align(imm);
}

int interp_simd_mem(uint64_t *v, uint32_t sub, uint64_t offset, unsigned lane, bool at64,
		    uint8_t *mb, uint64_t msize)
{
	bool store = sub == WASM_OP_V128_STORE ||
		     (sub >= WASM_OP_V128_STORE8_LANE && sub <= WASM_OP_V128_STORE64_LANE);
	uint32_t size = access_size(sub);
	uint64_t ea = (at64 ? v[0] : (uint32_t)v[0]) + offset;
	v128_t r;

	if (UNLIKELY(ea < offset || size > msize || ea > msize - size))
		return WASM_TRAP_MEMORY_OOB;
	if (store) {
		/* the value is at v[1..2], after the address */
		r = get(v + 1);
		memcpy(mb + ea, r.b + (sub == WASM_OP_V128_STORE ? 0 : (lane % (16 / size)) * size),
		       size);
		return 0;
	}
	switch (sub) {
	case WASM_OP_V128_LOAD:
		memcpy(r.b, mb + ea, 16);
		break;
	case WASM_OP_V128_LOAD8X8_S:
	case WASM_OP_V128_LOAD8X8_U:
	case WASM_OP_V128_LOAD16X4_S:
	case WASM_OP_V128_LOAD16X4_U:
	case WASM_OP_V128_LOAD32X2_S:
	case WASM_OP_V128_LOAD32X2_U:
		r = load_extend(mb + ea, sub);
		break;
	case WASM_OP_V128_LOAD8_SPLAT:
	case WASM_OP_V128_LOAD16_SPLAT:
	case WASM_OP_V128_LOAD32_SPLAT:
	case WASM_OP_V128_LOAD64_SPLAT:
		for (unsigned i = 0; i < 16; i += size)
			memcpy(r.b + i, mb + ea, size);
		break;
	case WASM_OP_V128_LOAD32_ZERO:
	case WASM_OP_V128_LOAD64_ZERO:
		memset(r.b, 0, 16);
		memcpy(r.b, mb + ea, size);
		break;
	default: /* the lane loads: the vector operand at v[1..2] */
		r = get(v + 1);
		memcpy(r.b + (lane % (16 / size)) * size, mb + ea, size);
		break;
	}
	put(v, r);
	return 0;
}
