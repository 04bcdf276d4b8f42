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

void interp_simd_op(uint64_t *v, uint32_t sub, uint64_t imm)
{
	unsigned lane = (unsigned)imm;

	switch (sub) {
	case WASM_OP_I8X16_SWIZZLE:
		put(v, simd_i8x16_swizzle(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_EQ:
		put(v, simd_i8x16_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_NE:
		put(v, simd_i8x16_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_LT_S:
		put(v, simd_i8x16_lt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_LT_U:
		put(v, simd_i8x16_lt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_GT_S:
		put(v, simd_i8x16_gt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_GT_U:
		put(v, simd_i8x16_gt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_LE_S:
		put(v, simd_i8x16_le_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_LE_U:
		put(v, simd_i8x16_le_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_GE_S:
		put(v, simd_i8x16_ge_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_GE_U:
		put(v, simd_i8x16_ge_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_EQ:
		put(v, simd_i16x8_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_NE:
		put(v, simd_i16x8_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_LT_S:
		put(v, simd_i16x8_lt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_LT_U:
		put(v, simd_i16x8_lt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_GT_S:
		put(v, simd_i16x8_gt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_GT_U:
		put(v, simd_i16x8_gt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_LE_S:
		put(v, simd_i16x8_le_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_LE_U:
		put(v, simd_i16x8_le_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_GE_S:
		put(v, simd_i16x8_ge_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_GE_U:
		put(v, simd_i16x8_ge_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_EQ:
		put(v, simd_i32x4_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_NE:
		put(v, simd_i32x4_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_LT_S:
		put(v, simd_i32x4_lt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_LT_U:
		put(v, simd_i32x4_lt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_GT_S:
		put(v, simd_i32x4_gt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_GT_U:
		put(v, simd_i32x4_gt_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_LE_S:
		put(v, simd_i32x4_le_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_LE_U:
		put(v, simd_i32x4_le_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_GE_S:
		put(v, simd_i32x4_ge_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_GE_U:
		put(v, simd_i32x4_ge_u(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_EQ:
		put(v, simd_f32x4_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_NE:
		put(v, simd_f32x4_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_LT:
		put(v, simd_f32x4_lt(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_GT:
		put(v, simd_f32x4_gt(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_LE:
		put(v, simd_f32x4_le(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_GE:
		put(v, simd_f32x4_ge(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_EQ:
		put(v, simd_f64x2_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_NE:
		put(v, simd_f64x2_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_LT:
		put(v, simd_f64x2_lt(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_GT:
		put(v, simd_f64x2_gt(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_LE:
		put(v, simd_f64x2_le(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_GE:
		put(v, simd_f64x2_ge(get(v), get(v + 2)));
		break;
	case WASM_OP_V128_AND:
		put(v, simd_v128_and(get(v), get(v + 2)));
		break;
	case WASM_OP_V128_ANDNOT:
		put(v, simd_v128_andnot(get(v), get(v + 2)));
		break;
	case WASM_OP_V128_OR:
		put(v, simd_v128_or(get(v), get(v + 2)));
		break;
	case WASM_OP_V128_XOR:
		put(v, simd_v128_xor(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_NARROW_I16X8_S:
		put(v, simd_i8x16_narrow_i16x8_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_NARROW_I16X8_U:
		put(v, simd_i8x16_narrow_i16x8_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_ADD:
		put(v, simd_i8x16_add(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_ADD_SAT_S:
		put(v, simd_i8x16_add_sat_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_ADD_SAT_U:
		put(v, simd_i8x16_add_sat_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_SUB:
		put(v, simd_i8x16_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_SUB_SAT_S:
		put(v, simd_i8x16_sub_sat_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_SUB_SAT_U:
		put(v, simd_i8x16_sub_sat_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_MIN_S:
		put(v, simd_i8x16_min_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_MIN_U:
		put(v, simd_i8x16_min_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_MAX_S:
		put(v, simd_i8x16_max_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_MAX_U:
		put(v, simd_i8x16_max_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_AVGR_U:
		put(v, simd_i8x16_avgr_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_Q15MULR_SAT_S:
		put(v, simd_i16x8_q15mulr_sat_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_NARROW_I32X4_S:
		put(v, simd_i16x8_narrow_i32x4_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_NARROW_I32X4_U:
		put(v, simd_i16x8_narrow_i32x4_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_ADD:
		put(v, simd_i16x8_add(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_ADD_SAT_S:
		put(v, simd_i16x8_add_sat_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_ADD_SAT_U:
		put(v, simd_i16x8_add_sat_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_SUB:
		put(v, simd_i16x8_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_SUB_SAT_S:
		put(v, simd_i16x8_sub_sat_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_SUB_SAT_U:
		put(v, simd_i16x8_sub_sat_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_MUL:
		put(v, simd_i16x8_mul(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_MIN_S:
		put(v, simd_i16x8_min_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_MIN_U:
		put(v, simd_i16x8_min_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_MAX_S:
		put(v, simd_i16x8_max_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_MAX_U:
		put(v, simd_i16x8_max_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_AVGR_U:
		put(v, simd_i16x8_avgr_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_EXTMUL_LOW_I8X16_S:
		put(v, simd_i16x8_extmul_low_i8x16_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_EXTMUL_HIGH_I8X16_S:
		put(v, simd_i16x8_extmul_high_i8x16_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_EXTMUL_LOW_I8X16_U:
		put(v, simd_i16x8_extmul_low_i8x16_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_EXTMUL_HIGH_I8X16_U:
		put(v, simd_i16x8_extmul_high_i8x16_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_ADD:
		put(v, simd_i32x4_add(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_SUB:
		put(v, simd_i32x4_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_MUL:
		put(v, simd_i32x4_mul(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_MIN_S:
		put(v, simd_i32x4_min_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_MIN_U:
		put(v, simd_i32x4_min_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_MAX_S:
		put(v, simd_i32x4_max_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_MAX_U:
		put(v, simd_i32x4_max_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_DOT_I16X8_S:
		put(v, simd_i32x4_dot_i16x8_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_EXTMUL_LOW_I16X8_S:
		put(v, simd_i32x4_extmul_low_i16x8_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_EXTMUL_HIGH_I16X8_S:
		put(v, simd_i32x4_extmul_high_i16x8_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_EXTMUL_LOW_I16X8_U:
		put(v, simd_i32x4_extmul_low_i16x8_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I32X4_EXTMUL_HIGH_I16X8_U:
		put(v, simd_i32x4_extmul_high_i16x8_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_ADD:
		put(v, simd_i64x2_add(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_SUB:
		put(v, simd_i64x2_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_MUL:
		put(v, simd_i64x2_mul(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_EQ:
		put(v, simd_i64x2_eq(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_NE:
		put(v, simd_i64x2_ne(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_LT_S:
		put(v, simd_i64x2_lt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_GT_S:
		put(v, simd_i64x2_gt_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_LE_S:
		put(v, simd_i64x2_le_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_GE_S:
		put(v, simd_i64x2_ge_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_EXTMUL_LOW_I32X4_S:
		put(v, simd_i64x2_extmul_low_i32x4_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_EXTMUL_HIGH_I32X4_S:
		put(v, simd_i64x2_extmul_high_i32x4_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_EXTMUL_LOW_I32X4_U:
		put(v, simd_i64x2_extmul_low_i32x4_u(get(v), get(v + 2)));
		break;
	case WASM_OP_I64X2_EXTMUL_HIGH_I32X4_U:
		put(v, simd_i64x2_extmul_high_i32x4_u(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_ADD:
		put(v, simd_f32x4_add(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_SUB:
		put(v, simd_f32x4_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_MUL:
		put(v, simd_f32x4_mul(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_DIV:
		put(v, simd_f32x4_div(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_MIN:
		put(v, simd_f32x4_min(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_MAX:
		put(v, simd_f32x4_max(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_PMIN:
		put(v, simd_f32x4_pmin(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_PMAX:
		put(v, simd_f32x4_pmax(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_ADD:
		put(v, simd_f64x2_add(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_SUB:
		put(v, simd_f64x2_sub(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_MUL:
		put(v, simd_f64x2_mul(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_DIV:
		put(v, simd_f64x2_div(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_MIN:
		put(v, simd_f64x2_min(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_MAX:
		put(v, simd_f64x2_max(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_PMIN:
		put(v, simd_f64x2_pmin(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_PMAX:
		put(v, simd_f64x2_pmax(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_RELAXED_SWIZZLE:
		put(v, simd_i8x16_relaxed_swizzle(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_RELAXED_MIN:
		put(v, simd_f32x4_relaxed_min(get(v), get(v + 2)));
		break;
	case WASM_OP_F32X4_RELAXED_MAX:
		put(v, simd_f32x4_relaxed_max(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_RELAXED_MIN:
		put(v, simd_f64x2_relaxed_min(get(v), get(v + 2)));
		break;
	case WASM_OP_F64X2_RELAXED_MAX:
		put(v, simd_f64x2_relaxed_max(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_RELAXED_Q15MULR_S:
		put(v, simd_i16x8_relaxed_q15mulr_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I16X8_RELAXED_DOT_I8X16_I7X16_S:
		put(v, simd_i16x8_relaxed_dot_i8x16_i7x16_s(get(v), get(v + 2)));
		break;
	case WASM_OP_I8X16_SPLAT:
		put(v, simd_i8x16_splat((uint32_t)v[0]));
		break;
	case WASM_OP_I16X8_SPLAT:
		put(v, simd_i16x8_splat((uint32_t)v[0]));
		break;
	case WASM_OP_I32X4_SPLAT:
		put(v, simd_i32x4_splat((uint32_t)v[0]));
		break;
	case WASM_OP_F32X4_SPLAT:
		put(v, simd_f32x4_splat((uint32_t)v[0]));
		break;
	case WASM_OP_I64X2_SPLAT:
		put(v, simd_i64x2_splat(v[0]));
		break;
	case WASM_OP_F64X2_SPLAT:
		put(v, simd_f64x2_splat(v[0]));
		break;
	case WASM_OP_I8X16_EXTRACT_LANE_S:
		v[0] = simd_i8x16_extract_lane_s(get(v), lane);
		break;
	case WASM_OP_I8X16_EXTRACT_LANE_U:
		v[0] = simd_i8x16_extract_lane_u(get(v), lane);
		break;
	case WASM_OP_I16X8_EXTRACT_LANE_S:
		v[0] = simd_i16x8_extract_lane_s(get(v), lane);
		break;
	case WASM_OP_I16X8_EXTRACT_LANE_U:
		v[0] = simd_i16x8_extract_lane_u(get(v), lane);
		break;
	case WASM_OP_I32X4_EXTRACT_LANE:
		v[0] = simd_i32x4_extract_lane(get(v), lane);
		break;
	case WASM_OP_I64X2_EXTRACT_LANE:
		v[0] = simd_i64x2_extract_lane(get(v), lane);
		break;
	case WASM_OP_F32X4_EXTRACT_LANE:
		v[0] = simd_f32x4_extract_lane(get(v), lane);
		break;
	case WASM_OP_F64X2_EXTRACT_LANE:
		v[0] = simd_f64x2_extract_lane(get(v), lane);
		break;
	case WASM_OP_I8X16_REPLACE_LANE:
		put(v, simd_i8x16_replace_lane(get(v), lane, (uint32_t)v[2]));
		break;
	case WASM_OP_I16X8_REPLACE_LANE:
		put(v, simd_i16x8_replace_lane(get(v), lane, (uint32_t)v[2]));
		break;
	case WASM_OP_I32X4_REPLACE_LANE:
		put(v, simd_i32x4_replace_lane(get(v), lane, (uint32_t)v[2]));
		break;
	case WASM_OP_F32X4_REPLACE_LANE:
		put(v, simd_f32x4_replace_lane(get(v), lane, (uint32_t)v[2]));
		break;
	case WASM_OP_I64X2_REPLACE_LANE:
		put(v, simd_i64x2_replace_lane(get(v), lane, v[2]));
		break;
	case WASM_OP_F64X2_REPLACE_LANE:
		put(v, simd_f64x2_replace_lane(get(v), lane, v[2]));
		break;
	case WASM_OP_V128_NOT:
		put(v, simd_v128_not(get(v)));
		break;
	case WASM_OP_F32X4_DEMOTE_F64X2_ZERO:
		put(v, simd_f32x4_demote_f64x2_zero(get(v)));
		break;
	case WASM_OP_F64X2_PROMOTE_LOW_F32X4:
		put(v, simd_f64x2_promote_low_f32x4(get(v)));
		break;
	case WASM_OP_I8X16_ABS:
		put(v, simd_i8x16_abs(get(v)));
		break;
	case WASM_OP_I8X16_NEG:
		put(v, simd_i8x16_neg(get(v)));
		break;
	case WASM_OP_I8X16_POPCNT:
		put(v, simd_i8x16_popcnt(get(v)));
		break;
	case WASM_OP_F32X4_CEIL:
		put(v, simd_f32x4_ceil(get(v)));
		break;
	case WASM_OP_F32X4_FLOOR:
		put(v, simd_f32x4_floor(get(v)));
		break;
	case WASM_OP_F32X4_TRUNC:
		put(v, simd_f32x4_trunc(get(v)));
		break;
	case WASM_OP_F32X4_NEAREST:
		put(v, simd_f32x4_nearest(get(v)));
		break;
	case WASM_OP_F64X2_CEIL:
		put(v, simd_f64x2_ceil(get(v)));
		break;
	case WASM_OP_F64X2_FLOOR:
		put(v, simd_f64x2_floor(get(v)));
		break;
	case WASM_OP_F64X2_TRUNC:
		put(v, simd_f64x2_trunc(get(v)));
		break;
	case WASM_OP_I16X8_EXTADD_PAIRWISE_I8X16_S:
		put(v, simd_i16x8_extadd_pairwise_i8x16_s(get(v)));
		break;
	case WASM_OP_I16X8_EXTADD_PAIRWISE_I8X16_U:
		put(v, simd_i16x8_extadd_pairwise_i8x16_u(get(v)));
		break;
	case WASM_OP_I32X4_EXTADD_PAIRWISE_I16X8_S:
		put(v, simd_i32x4_extadd_pairwise_i16x8_s(get(v)));
		break;
	case WASM_OP_I32X4_EXTADD_PAIRWISE_I16X8_U:
		put(v, simd_i32x4_extadd_pairwise_i16x8_u(get(v)));
		break;
	case WASM_OP_I16X8_ABS:
		put(v, simd_i16x8_abs(get(v)));
		break;
	case WASM_OP_I16X8_NEG:
		put(v, simd_i16x8_neg(get(v)));
		break;
	case WASM_OP_I16X8_EXTEND_LOW_I8X16_S:
		put(v, simd_i16x8_extend_low_i8x16_s(get(v)));
		break;
	case WASM_OP_I16X8_EXTEND_HIGH_I8X16_S:
		put(v, simd_i16x8_extend_high_i8x16_s(get(v)));
		break;
	case WASM_OP_I16X8_EXTEND_LOW_I8X16_U:
		put(v, simd_i16x8_extend_low_i8x16_u(get(v)));
		break;
	case WASM_OP_I16X8_EXTEND_HIGH_I8X16_U:
		put(v, simd_i16x8_extend_high_i8x16_u(get(v)));
		break;
	case WASM_OP_F64X2_NEAREST:
		put(v, simd_f64x2_nearest(get(v)));
		break;
	case WASM_OP_I32X4_ABS:
		put(v, simd_i32x4_abs(get(v)));
		break;
	case WASM_OP_I32X4_NEG:
		put(v, simd_i32x4_neg(get(v)));
		break;
	case WASM_OP_I32X4_EXTEND_LOW_I16X8_S:
		put(v, simd_i32x4_extend_low_i16x8_s(get(v)));
		break;
	case WASM_OP_I32X4_EXTEND_HIGH_I16X8_S:
		put(v, simd_i32x4_extend_high_i16x8_s(get(v)));
		break;
	case WASM_OP_I32X4_EXTEND_LOW_I16X8_U:
		put(v, simd_i32x4_extend_low_i16x8_u(get(v)));
		break;
	case WASM_OP_I32X4_EXTEND_HIGH_I16X8_U:
		put(v, simd_i32x4_extend_high_i16x8_u(get(v)));
		break;
	case WASM_OP_I64X2_ABS:
		put(v, simd_i64x2_abs(get(v)));
		break;
	case WASM_OP_I64X2_NEG:
		put(v, simd_i64x2_neg(get(v)));
		break;
	case WASM_OP_I64X2_EXTEND_LOW_I32X4_S:
		put(v, simd_i64x2_extend_low_i32x4_s(get(v)));
		break;
	case WASM_OP_I64X2_EXTEND_HIGH_I32X4_S:
		put(v, simd_i64x2_extend_high_i32x4_s(get(v)));
		break;
	case WASM_OP_I64X2_EXTEND_LOW_I32X4_U:
		put(v, simd_i64x2_extend_low_i32x4_u(get(v)));
		break;
	case WASM_OP_I64X2_EXTEND_HIGH_I32X4_U:
		put(v, simd_i64x2_extend_high_i32x4_u(get(v)));
		break;
	case WASM_OP_F32X4_ABS:
		put(v, simd_f32x4_abs(get(v)));
		break;
	case WASM_OP_F32X4_NEG:
		put(v, simd_f32x4_neg(get(v)));
		break;
	case WASM_OP_F32X4_SQRT:
		put(v, simd_f32x4_sqrt(get(v)));
		break;
	case WASM_OP_F64X2_ABS:
		put(v, simd_f64x2_abs(get(v)));
		break;
	case WASM_OP_F64X2_NEG:
		put(v, simd_f64x2_neg(get(v)));
		break;
	case WASM_OP_F64X2_SQRT:
		put(v, simd_f64x2_sqrt(get(v)));
		break;
	case WASM_OP_I32X4_TRUNC_SAT_F32X4_S:
		put(v, simd_i32x4_trunc_sat_f32x4_s(get(v)));
		break;
	case WASM_OP_I32X4_TRUNC_SAT_F32X4_U:
		put(v, simd_i32x4_trunc_sat_f32x4_u(get(v)));
		break;
	case WASM_OP_F32X4_CONVERT_I32X4_S:
		put(v, simd_f32x4_convert_i32x4_s(get(v)));
		break;
	case WASM_OP_F32X4_CONVERT_I32X4_U:
		put(v, simd_f32x4_convert_i32x4_u(get(v)));
		break;
	case WASM_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO:
		put(v, simd_i32x4_trunc_sat_f64x2_s_zero(get(v)));
		break;
	case WASM_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
		put(v, simd_i32x4_trunc_sat_f64x2_u_zero(get(v)));
		break;
	case WASM_OP_F64X2_CONVERT_LOW_I32X4_S:
		put(v, simd_f64x2_convert_low_i32x4_s(get(v)));
		break;
	case WASM_OP_F64X2_CONVERT_LOW_I32X4_U:
		put(v, simd_f64x2_convert_low_i32x4_u(get(v)));
		break;
	case WASM_OP_I32X4_RELAXED_TRUNC_F32X4_S:
		put(v, simd_i32x4_relaxed_trunc_f32x4_s(get(v)));
		break;
	case WASM_OP_I32X4_RELAXED_TRUNC_F32X4_U:
		put(v, simd_i32x4_relaxed_trunc_f32x4_u(get(v)));
		break;
	case WASM_OP_I32X4_RELAXED_TRUNC_F64X2_S_ZERO:
		put(v, simd_i32x4_relaxed_trunc_f64x2_s_zero(get(v)));
		break;
	case WASM_OP_I32X4_RELAXED_TRUNC_F64X2_U_ZERO:
		put(v, simd_i32x4_relaxed_trunc_f64x2_u_zero(get(v)));
		break;
	case WASM_OP_V128_BITSELECT:
		put(v, simd_v128_bitselect(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_F32X4_RELAXED_MADD:
		put(v, simd_f32x4_relaxed_madd(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_F32X4_RELAXED_NMADD:
		put(v, simd_f32x4_relaxed_nmadd(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_F64X2_RELAXED_MADD:
		put(v, simd_f64x2_relaxed_madd(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_F64X2_RELAXED_NMADD:
		put(v, simd_f64x2_relaxed_nmadd(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_I8X16_RELAXED_LANESELECT:
		put(v, simd_i8x16_relaxed_laneselect(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_I16X8_RELAXED_LANESELECT:
		put(v, simd_i16x8_relaxed_laneselect(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_I32X4_RELAXED_LANESELECT:
		put(v, simd_i32x4_relaxed_laneselect(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_I64X2_RELAXED_LANESELECT:
		put(v, simd_i64x2_relaxed_laneselect(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S:
		put(v, simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(get(v), get(v + 2), get(v + 4)));
		break;
	case WASM_OP_V128_ANY_TRUE:
		v[0] = simd_v128_any_true(get(v));
		break;
	case WASM_OP_I8X16_ALL_TRUE:
		v[0] = simd_i8x16_all_true(get(v));
		break;
	case WASM_OP_I8X16_BITMASK:
		v[0] = simd_i8x16_bitmask(get(v));
		break;
	case WASM_OP_I16X8_ALL_TRUE:
		v[0] = simd_i16x8_all_true(get(v));
		break;
	case WASM_OP_I16X8_BITMASK:
		v[0] = simd_i16x8_bitmask(get(v));
		break;
	case WASM_OP_I32X4_ALL_TRUE:
		v[0] = simd_i32x4_all_true(get(v));
		break;
	case WASM_OP_I32X4_BITMASK:
		v[0] = simd_i32x4_bitmask(get(v));
		break;
	case WASM_OP_I64X2_ALL_TRUE:
		v[0] = simd_i64x2_all_true(get(v));
		break;
	case WASM_OP_I64X2_BITMASK:
		v[0] = simd_i64x2_bitmask(get(v));
		break;
	case WASM_OP_I8X16_SHL:
		put(v, simd_i8x16_shl(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I8X16_SHR_S:
		put(v, simd_i8x16_shr_s(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I8X16_SHR_U:
		put(v, simd_i8x16_shr_u(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I16X8_SHL:
		put(v, simd_i16x8_shl(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I16X8_SHR_S:
		put(v, simd_i16x8_shr_s(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I16X8_SHR_U:
		put(v, simd_i16x8_shr_u(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I32X4_SHL:
		put(v, simd_i32x4_shl(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I32X4_SHR_S:
		put(v, simd_i32x4_shr_s(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I32X4_SHR_U:
		put(v, simd_i32x4_shr_u(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I64X2_SHL:
		put(v, simd_i64x2_shl(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I64X2_SHR_S:
		put(v, simd_i64x2_shr_s(get(v), (uint32_t)v[2]));
		break;
	case WASM_OP_I64X2_SHR_U:
		put(v, simd_i64x2_shr_u(get(v), (uint32_t)v[2]));
		break;

	default: /* the translator sends only the rows above */
		break;
	}
}

void interp_simd_shuffle(uint64_t *v, const uint8_t lanes[16])
{
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

int interp_simd_mem(uint64_t *v, uint32_t sub, uint64_t offset, unsigned lane, uint8_t *mb,
		    uint64_t msize)
{
	bool store = sub == WASM_OP_V128_STORE ||
		     (sub >= WASM_OP_V128_STORE8_LANE && sub <= WASM_OP_V128_STORE64_LANE);
	uint32_t size = access_size(sub);
	uint64_t ea = (uint64_t)(uint32_t)v[0] + offset;
	v128_t r;

	if (UNLIKELY(ea + size > msize))
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
