/*
 * interp_simd.c - the interpreter's SIMD instructions (prefix 0xfd): the
 * run loop's OP_SIMD, OP_SIMD_SHUFFLE, OP_SIMD_MEM and OP_SIMD_MEM0
 * handlers call these (their fields: interp_tr_simd.c).
 *
 * A v128 value takes two consecutive 8-byte slots, bytes 0-7 (lanes in
 * little-endian order) in the first (see interp_internal.h). The lane
 * semantics are simd_ops.h's.
 */
#include <string.h>

#include "base/compiler.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/interp/simd_ops.h"
#include "wasm/opcodes.h"

/* A v128 in slots v[0..1], moved as two 8-byte halves: a 16-byte access
 * of two fresh 8-byte stores (or loads) defeats the host's store
 * forwarding. */
static inline v128_t get(const uint64_t *v)
{
	v128_t r;
	uint64_t lo = v[0], hi = v[1];

	memcpy(r.b, &lo, 8);
	memcpy(r.b + 8, &hi, 8);
	return r;
}

static inline void put(uint64_t *v, v128_t r)
{
	uint64_t lo, hi;

	memcpy(&lo, r.b, 8);
	memcpy(&hi, r.b + 8, 8);
	v[0] = lo;
	v[1] = hi;
}

/*
 * The rows by how they are called: X(kind, the row's NAME, its simd_ops.h
 * function without the prefix). Operands: slot a (and b), a third one
 * (TERN) in imm >> 32, the lane in imm >> 16; the result at slot c.
 * Scalars: i32/f32 in a slot's low half.
 */
/* clang-format off */
#define SIMD_ROWS(X) \
	X(UN, V128_NOT, v128_not) \
	X(UN, F32X4_DEMOTE_F64X2_ZERO, f32x4_demote_f64x2_zero) \
	X(UN, F64X2_PROMOTE_LOW_F32X4, f64x2_promote_low_f32x4) \
	X(UN, I8X16_ABS, i8x16_abs) \
	X(UN, I8X16_NEG, i8x16_neg) \
	X(UN, I8X16_POPCNT, i8x16_popcnt) \
	X(UN, F32X4_CEIL, f32x4_ceil) \
	X(UN, F32X4_FLOOR, f32x4_floor) \
	X(UN, F32X4_TRUNC, f32x4_trunc) \
	X(UN, F32X4_NEAREST, f32x4_nearest) \
	X(UN, F64X2_CEIL, f64x2_ceil) \
	X(UN, F64X2_FLOOR, f64x2_floor) \
	X(UN, F64X2_TRUNC, f64x2_trunc) \
	X(UN, I16X8_EXTADD_PAIRWISE_I8X16_S, i16x8_extadd_pairwise_i8x16_s) \
	X(UN, I16X8_EXTADD_PAIRWISE_I8X16_U, i16x8_extadd_pairwise_i8x16_u) \
	X(UN, I32X4_EXTADD_PAIRWISE_I16X8_S, i32x4_extadd_pairwise_i16x8_s) \
	X(UN, I32X4_EXTADD_PAIRWISE_I16X8_U, i32x4_extadd_pairwise_i16x8_u) \
	X(UN, I16X8_ABS, i16x8_abs) \
	X(UN, I16X8_NEG, i16x8_neg) \
	X(UN, I16X8_EXTEND_LOW_I8X16_S, i16x8_extend_low_i8x16_s) \
	X(UN, I16X8_EXTEND_HIGH_I8X16_S, i16x8_extend_high_i8x16_s) \
	X(UN, I16X8_EXTEND_LOW_I8X16_U, i16x8_extend_low_i8x16_u) \
	X(UN, I16X8_EXTEND_HIGH_I8X16_U, i16x8_extend_high_i8x16_u) \
	X(UN, F64X2_NEAREST, f64x2_nearest) \
	X(UN, I32X4_ABS, i32x4_abs) \
	X(UN, I32X4_NEG, i32x4_neg) \
	X(UN, I32X4_EXTEND_LOW_I16X8_S, i32x4_extend_low_i16x8_s) \
	X(UN, I32X4_EXTEND_HIGH_I16X8_S, i32x4_extend_high_i16x8_s) \
	X(UN, I32X4_EXTEND_LOW_I16X8_U, i32x4_extend_low_i16x8_u) \
	X(UN, I32X4_EXTEND_HIGH_I16X8_U, i32x4_extend_high_i16x8_u) \
	X(UN, I64X2_ABS, i64x2_abs) \
	X(UN, I64X2_NEG, i64x2_neg) \
	X(UN, I64X2_EXTEND_LOW_I32X4_S, i64x2_extend_low_i32x4_s) \
	X(UN, I64X2_EXTEND_HIGH_I32X4_S, i64x2_extend_high_i32x4_s) \
	X(UN, I64X2_EXTEND_LOW_I32X4_U, i64x2_extend_low_i32x4_u) \
	X(UN, I64X2_EXTEND_HIGH_I32X4_U, i64x2_extend_high_i32x4_u) \
	X(UN, F32X4_ABS, f32x4_abs) \
	X(UN, F32X4_NEG, f32x4_neg) \
	X(UN, F32X4_SQRT, f32x4_sqrt) \
	X(UN, F64X2_ABS, f64x2_abs) \
	X(UN, F64X2_NEG, f64x2_neg) \
	X(UN, F64X2_SQRT, f64x2_sqrt) \
	X(UN, I32X4_TRUNC_SAT_F32X4_S, i32x4_trunc_sat_f32x4_s) \
	X(UN, I32X4_TRUNC_SAT_F32X4_U, i32x4_trunc_sat_f32x4_u) \
	X(UN, F32X4_CONVERT_I32X4_S, f32x4_convert_i32x4_s) \
	X(UN, F32X4_CONVERT_I32X4_U, f32x4_convert_i32x4_u) \
	X(UN, I32X4_TRUNC_SAT_F64X2_S_ZERO, i32x4_trunc_sat_f64x2_s_zero) \
	X(UN, I32X4_TRUNC_SAT_F64X2_U_ZERO, i32x4_trunc_sat_f64x2_u_zero) \
	X(UN, F64X2_CONVERT_LOW_I32X4_S, f64x2_convert_low_i32x4_s) \
	X(UN, F64X2_CONVERT_LOW_I32X4_U, f64x2_convert_low_i32x4_u) \
	X(UN, I32X4_RELAXED_TRUNC_F32X4_S, i32x4_relaxed_trunc_f32x4_s) \
	X(UN, I32X4_RELAXED_TRUNC_F32X4_U, i32x4_relaxed_trunc_f32x4_u) \
	X(UN, I32X4_RELAXED_TRUNC_F64X2_S_ZERO, i32x4_relaxed_trunc_f64x2_s_zero) \
	X(UN, I32X4_RELAXED_TRUNC_F64X2_U_ZERO, i32x4_relaxed_trunc_f64x2_u_zero) \
	X(BIN, I8X16_SWIZZLE, i8x16_swizzle) \
	X(BIN, I8X16_EQ, i8x16_eq) \
	X(BIN, I8X16_NE, i8x16_ne) \
	X(BIN, I8X16_LT_S, i8x16_lt_s) \
	X(BIN, I8X16_LT_U, i8x16_lt_u) \
	X(BIN, I8X16_GT_S, i8x16_gt_s) \
	X(BIN, I8X16_GT_U, i8x16_gt_u) \
	X(BIN, I8X16_LE_S, i8x16_le_s) \
	X(BIN, I8X16_LE_U, i8x16_le_u) \
	X(BIN, I8X16_GE_S, i8x16_ge_s) \
	X(BIN, I8X16_GE_U, i8x16_ge_u) \
	X(BIN, I16X8_EQ, i16x8_eq) \
	X(BIN, I16X8_NE, i16x8_ne) \
	X(BIN, I16X8_LT_S, i16x8_lt_s) \
	X(BIN, I16X8_LT_U, i16x8_lt_u) \
	X(BIN, I16X8_GT_S, i16x8_gt_s) \
	X(BIN, I16X8_GT_U, i16x8_gt_u) \
	X(BIN, I16X8_LE_S, i16x8_le_s) \
	X(BIN, I16X8_LE_U, i16x8_le_u) \
	X(BIN, I16X8_GE_S, i16x8_ge_s) \
	X(BIN, I16X8_GE_U, i16x8_ge_u) \
	X(BIN, I32X4_EQ, i32x4_eq) \
	X(BIN, I32X4_NE, i32x4_ne) \
	X(BIN, I32X4_LT_S, i32x4_lt_s) \
	X(BIN, I32X4_LT_U, i32x4_lt_u) \
	X(BIN, I32X4_GT_S, i32x4_gt_s) \
	X(BIN, I32X4_GT_U, i32x4_gt_u) \
	X(BIN, I32X4_LE_S, i32x4_le_s) \
	X(BIN, I32X4_LE_U, i32x4_le_u) \
	X(BIN, I32X4_GE_S, i32x4_ge_s) \
	X(BIN, I32X4_GE_U, i32x4_ge_u) \
	X(BIN, F32X4_EQ, f32x4_eq) \
	X(BIN, F32X4_NE, f32x4_ne) \
	X(BIN, F32X4_LT, f32x4_lt) \
	X(BIN, F32X4_GT, f32x4_gt) \
	X(BIN, F32X4_LE, f32x4_le) \
	X(BIN, F32X4_GE, f32x4_ge) \
	X(BIN, F64X2_EQ, f64x2_eq) \
	X(BIN, F64X2_NE, f64x2_ne) \
	X(BIN, F64X2_LT, f64x2_lt) \
	X(BIN, F64X2_GT, f64x2_gt) \
	X(BIN, F64X2_LE, f64x2_le) \
	X(BIN, F64X2_GE, f64x2_ge) \
	X(BIN, V128_AND, v128_and) \
	X(BIN, V128_ANDNOT, v128_andnot) \
	X(BIN, V128_OR, v128_or) \
	X(BIN, V128_XOR, v128_xor) \
	X(BIN, I8X16_NARROW_I16X8_S, i8x16_narrow_i16x8_s) \
	X(BIN, I8X16_NARROW_I16X8_U, i8x16_narrow_i16x8_u) \
	X(BIN, I8X16_ADD, i8x16_add) \
	X(BIN, I8X16_ADD_SAT_S, i8x16_add_sat_s) \
	X(BIN, I8X16_ADD_SAT_U, i8x16_add_sat_u) \
	X(BIN, I8X16_SUB, i8x16_sub) \
	X(BIN, I8X16_SUB_SAT_S, i8x16_sub_sat_s) \
	X(BIN, I8X16_SUB_SAT_U, i8x16_sub_sat_u) \
	X(BIN, I8X16_MIN_S, i8x16_min_s) \
	X(BIN, I8X16_MIN_U, i8x16_min_u) \
	X(BIN, I8X16_MAX_S, i8x16_max_s) \
	X(BIN, I8X16_MAX_U, i8x16_max_u) \
	X(BIN, I8X16_AVGR_U, i8x16_avgr_u) \
	X(BIN, I16X8_Q15MULR_SAT_S, i16x8_q15mulr_sat_s) \
	X(BIN, I16X8_NARROW_I32X4_S, i16x8_narrow_i32x4_s) \
	X(BIN, I16X8_NARROW_I32X4_U, i16x8_narrow_i32x4_u) \
	X(BIN, I16X8_ADD, i16x8_add) \
	X(BIN, I16X8_ADD_SAT_S, i16x8_add_sat_s) \
	X(BIN, I16X8_ADD_SAT_U, i16x8_add_sat_u) \
	X(BIN, I16X8_SUB, i16x8_sub) \
	X(BIN, I16X8_SUB_SAT_S, i16x8_sub_sat_s) \
	X(BIN, I16X8_SUB_SAT_U, i16x8_sub_sat_u) \
	X(BIN, I16X8_MUL, i16x8_mul) \
	X(BIN, I16X8_MIN_S, i16x8_min_s) \
	X(BIN, I16X8_MIN_U, i16x8_min_u) \
	X(BIN, I16X8_MAX_S, i16x8_max_s) \
	X(BIN, I16X8_MAX_U, i16x8_max_u) \
	X(BIN, I16X8_AVGR_U, i16x8_avgr_u) \
	X(BIN, I16X8_EXTMUL_LOW_I8X16_S, i16x8_extmul_low_i8x16_s) \
	X(BIN, I16X8_EXTMUL_HIGH_I8X16_S, i16x8_extmul_high_i8x16_s) \
	X(BIN, I16X8_EXTMUL_LOW_I8X16_U, i16x8_extmul_low_i8x16_u) \
	X(BIN, I16X8_EXTMUL_HIGH_I8X16_U, i16x8_extmul_high_i8x16_u) \
	X(BIN, I32X4_ADD, i32x4_add) \
	X(BIN, I32X4_SUB, i32x4_sub) \
	X(BIN, I32X4_MUL, i32x4_mul) \
	X(BIN, I32X4_MIN_S, i32x4_min_s) \
	X(BIN, I32X4_MIN_U, i32x4_min_u) \
	X(BIN, I32X4_MAX_S, i32x4_max_s) \
	X(BIN, I32X4_MAX_U, i32x4_max_u) \
	X(BIN, I32X4_DOT_I16X8_S, i32x4_dot_i16x8_s) \
	X(BIN, I32X4_EXTMUL_LOW_I16X8_S, i32x4_extmul_low_i16x8_s) \
	X(BIN, I32X4_EXTMUL_HIGH_I16X8_S, i32x4_extmul_high_i16x8_s) \
	X(BIN, I32X4_EXTMUL_LOW_I16X8_U, i32x4_extmul_low_i16x8_u) \
	X(BIN, I32X4_EXTMUL_HIGH_I16X8_U, i32x4_extmul_high_i16x8_u) \
	X(BIN, I64X2_ADD, i64x2_add) \
	X(BIN, I64X2_SUB, i64x2_sub) \
	X(BIN, I64X2_MUL, i64x2_mul) \
	X(BIN, I64X2_EQ, i64x2_eq) \
	X(BIN, I64X2_NE, i64x2_ne) \
	X(BIN, I64X2_LT_S, i64x2_lt_s) \
	X(BIN, I64X2_GT_S, i64x2_gt_s) \
	X(BIN, I64X2_LE_S, i64x2_le_s) \
	X(BIN, I64X2_GE_S, i64x2_ge_s) \
	X(BIN, I64X2_EXTMUL_LOW_I32X4_S, i64x2_extmul_low_i32x4_s) \
	X(BIN, I64X2_EXTMUL_HIGH_I32X4_S, i64x2_extmul_high_i32x4_s) \
	X(BIN, I64X2_EXTMUL_LOW_I32X4_U, i64x2_extmul_low_i32x4_u) \
	X(BIN, I64X2_EXTMUL_HIGH_I32X4_U, i64x2_extmul_high_i32x4_u) \
	X(BIN, F32X4_ADD, f32x4_add) \
	X(BIN, F32X4_SUB, f32x4_sub) \
	X(BIN, F32X4_MUL, f32x4_mul) \
	X(BIN, F32X4_DIV, f32x4_div) \
	X(BIN, F32X4_MIN, f32x4_min) \
	X(BIN, F32X4_MAX, f32x4_max) \
	X(BIN, F32X4_PMIN, f32x4_pmin) \
	X(BIN, F32X4_PMAX, f32x4_pmax) \
	X(BIN, F64X2_ADD, f64x2_add) \
	X(BIN, F64X2_SUB, f64x2_sub) \
	X(BIN, F64X2_MUL, f64x2_mul) \
	X(BIN, F64X2_DIV, f64x2_div) \
	X(BIN, F64X2_MIN, f64x2_min) \
	X(BIN, F64X2_MAX, f64x2_max) \
	X(BIN, F64X2_PMIN, f64x2_pmin) \
	X(BIN, F64X2_PMAX, f64x2_pmax) \
	X(BIN, I8X16_RELAXED_SWIZZLE, i8x16_relaxed_swizzle) \
	X(BIN, F32X4_RELAXED_MIN, f32x4_relaxed_min) \
	X(BIN, F32X4_RELAXED_MAX, f32x4_relaxed_max) \
	X(BIN, F64X2_RELAXED_MIN, f64x2_relaxed_min) \
	X(BIN, F64X2_RELAXED_MAX, f64x2_relaxed_max) \
	X(BIN, I16X8_RELAXED_Q15MULR_S, i16x8_relaxed_q15mulr_s) \
	X(BIN, I16X8_RELAXED_DOT_I8X16_I7X16_S, i16x8_relaxed_dot_i8x16_i7x16_s) \
	X(TERN, V128_BITSELECT, v128_bitselect) \
	X(TERN, F32X4_RELAXED_MADD, f32x4_relaxed_madd) \
	X(TERN, F32X4_RELAXED_NMADD, f32x4_relaxed_nmadd) \
	X(TERN, F64X2_RELAXED_MADD, f64x2_relaxed_madd) \
	X(TERN, F64X2_RELAXED_NMADD, f64x2_relaxed_nmadd) \
	X(TERN, I8X16_RELAXED_LANESELECT, i8x16_relaxed_laneselect) \
	X(TERN, I16X8_RELAXED_LANESELECT, i16x8_relaxed_laneselect) \
	X(TERN, I32X4_RELAXED_LANESELECT, i32x4_relaxed_laneselect) \
	X(TERN, I64X2_RELAXED_LANESELECT, i64x2_relaxed_laneselect) \
	X(TERN, I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S, i32x4_relaxed_dot_i8x16_i7x16_add_s) \
	X(TEST, V128_ANY_TRUE, v128_any_true) \
	X(TEST, I8X16_ALL_TRUE, i8x16_all_true) \
	X(TEST, I8X16_BITMASK, i8x16_bitmask) \
	X(TEST, I16X8_ALL_TRUE, i16x8_all_true) \
	X(TEST, I16X8_BITMASK, i16x8_bitmask) \
	X(TEST, I32X4_ALL_TRUE, i32x4_all_true) \
	X(TEST, I32X4_BITMASK, i32x4_bitmask) \
	X(TEST, I64X2_ALL_TRUE, i64x2_all_true) \
	X(TEST, I64X2_BITMASK, i64x2_bitmask) \
	X(EXTRACT, I8X16_EXTRACT_LANE_S, i8x16_extract_lane_s) \
	X(EXTRACT, I8X16_EXTRACT_LANE_U, i8x16_extract_lane_u) \
	X(EXTRACT, I16X8_EXTRACT_LANE_S, i16x8_extract_lane_s) \
	X(EXTRACT, I16X8_EXTRACT_LANE_U, i16x8_extract_lane_u) \
	X(EXTRACT, I32X4_EXTRACT_LANE, i32x4_extract_lane) \
	X(EXTRACT, I64X2_EXTRACT_LANE, i64x2_extract_lane) \
	X(EXTRACT, F32X4_EXTRACT_LANE, f32x4_extract_lane) \
	X(EXTRACT, F64X2_EXTRACT_LANE, f64x2_extract_lane) \
	X(SHIFT32, I8X16_SHL, i8x16_shl) \
	X(SHIFT32, I8X16_SHR_S, i8x16_shr_s) \
	X(SHIFT32, I8X16_SHR_U, i8x16_shr_u) \
	X(SHIFT32, I16X8_SHL, i16x8_shl) \
	X(SHIFT32, I16X8_SHR_S, i16x8_shr_s) \
	X(SHIFT32, I16X8_SHR_U, i16x8_shr_u) \
	X(SHIFT32, I32X4_SHL, i32x4_shl) \
	X(SHIFT32, I32X4_SHR_S, i32x4_shr_s) \
	X(SHIFT32, I32X4_SHR_U, i32x4_shr_u) \
	X(SHIFT32, I64X2_SHL, i64x2_shl) \
	X(SHIFT32, I64X2_SHR_S, i64x2_shr_s) \
	X(SHIFT32, I64X2_SHR_U, i64x2_shr_u) \
	X(REPLACE32, I8X16_REPLACE_LANE, i8x16_replace_lane) \
	X(REPLACE32, I16X8_REPLACE_LANE, i16x8_replace_lane) \
	X(REPLACE32, I32X4_REPLACE_LANE, i32x4_replace_lane) \
	X(REPLACE32, F32X4_REPLACE_LANE, f32x4_replace_lane) \
	X(REPLACE64, I64X2_REPLACE_LANE, i64x2_replace_lane) \
	X(REPLACE64, F64X2_REPLACE_LANE, f64x2_replace_lane) \
	X(SPLAT32, I8X16_SPLAT, i8x16_splat) \
	X(SPLAT32, I16X8_SPLAT, i16x8_splat) \
	X(SPLAT32, I32X4_SPLAT, i32x4_splat) \
	X(SPLAT32, F32X4_SPLAT, f32x4_splat) \
	X(SPLAT64, I64X2_SPLAT, i64x2_splat) \
	X(SPLAT64, F64X2_SPLAT, f64x2_splat)
/* clang-format on */

#define A	     get(fp + ip->a)
#define B	     get(fp + ip->b)
#define LANE	     ((unsigned)(uint8_t)(ip->imm >> 16))
#define UN(f)	     put(fp + ip->c, simd_##f(A))
#define BIN(f)	     put(fp + ip->c, simd_##f(A, B))
#define TERN(f)	     put(fp + ip->c, simd_##f(A, B, get(fp + (uint32_t)(ip->imm >> 32))))
#define TEST(f)	     fp[ip->c] = simd_##f(A)
#define EXTRACT(f)   fp[ip->c] = simd_##f(A, LANE)
#define SHIFT32(f)   put(fp + ip->c, simd_##f(A, (uint32_t)fp[ip->b]))
#define REPLACE32(f) put(fp + ip->c, simd_##f(A, LANE, (uint32_t)fp[ip->b]))
#define REPLACE64(f) put(fp + ip->c, simd_##f(A, LANE, fp[ip->b]))
#define SPLAT32(f)   put(fp + ip->c, simd_##f((uint32_t)fp[ip->a]))
#define SPLAT64(f)   put(fp + ip->c, simd_##f(fp[ip->a]))
#define DEFINE(k, n, f)                                         \
	static void row_##n(uint64_t *fp, const struct ins *ip) \
	{                                                       \
		k(f);                                           \
	}
SIMD_ROWS(DEFINE)
#undef DEFINE
#undef A
#undef B
#undef LANE
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

#define ENTRY(k, n, f) [WASM_OP_##n] = row_##n,
const interp_simd_fn interp_simd_rows[INTERP_SIMD_NROWS] = {SIMD_ROWS(ENTRY)};
#undef ENTRY

void interp_simd_op(uint64_t *v, uint32_t sub, uint64_t imm)
{
	/* the operands one after another from v[0], the result at v[0] */
	uint32_t sig = wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, sub)].sig;
	uint32_t b = wasm_sig_param(sig, 0) == WASM_TYPE_V128 ? 2 : 1;
	struct ins in = {.a = 0, .b = b, .c = 0};

	in.imm = sub | (imm & 0xff) << 16 | (uint64_t)(b + 2) << 32;
	if (sub < INTERP_SIMD_NROWS && interp_simd_rows[sub])
		interp_simd_rows[sub](v, &in);
}

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

/* The access of row `sub` of `size` bytes (access_size) at addr + offset:
 * the vector operand (a store's value, a lane load's vector) at vec, the
 * result to res. Inlined once per size, so that its copies have a constant
 * size (no library call). */
static inline __attribute__((always_inline)) int
access_n(uint64_t addr, const uint64_t *vec, uint64_t *res, uint32_t sub, uint64_t offset,
	 unsigned lane, uint8_t *mb, uint64_t msize, uint32_t size)
{
	bool store = sub == WASM_OP_V128_STORE ||
		     (sub >= WASM_OP_V128_STORE8_LANE && sub <= WASM_OP_V128_STORE64_LANE);
	uint64_t ea = addr + offset;
	v128_t r;

	if (UNLIKELY(ea < offset || size > msize || ea > msize - size))
		return WASM_TRAP_MEMORY_OOB;
	if (store) {
		r = get(vec);
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
	default: /* the lane loads */
		r = get(vec);
		memcpy(r.b + (lane % (16 / size)) * size, mb + ea, size);
		break;
	}
	put(res, r);
	return 0;
}

static int access(uint64_t addr, const uint64_t *vec, uint64_t *res, uint32_t sub, uint64_t offset,
		  unsigned lane, uint8_t *mb, uint64_t msize)
{
	switch (access_size(sub)) {
	case 1:
		return access_n(addr, vec, res, sub, offset, lane, mb, msize, 1);
	case 2:
		return access_n(addr, vec, res, sub, offset, lane, mb, msize, 2);
	case 4:
		return access_n(addr, vec, res, sub, offset, lane, mb, msize, 4);
	case 8:
		return access_n(addr, vec, res, sub, offset, lane, mb, msize, 8);
	default:
		return access_n(addr, vec, res, sub, offset, lane, mb, msize, 16);
	}
}

int interp_simd_mem(uint64_t *v, uint32_t sub, uint64_t offset, unsigned lane, bool at64,
		    uint8_t *mb, uint64_t msize)
{
	/* the vector operand at v[1..2], after the address */
	return access(at64 ? v[0] : (uint32_t)v[0], v + 1, v, sub, offset, lane, mb, msize);
}

int interp_simd_mem0(uint64_t *fp, const struct ins *ip, uint8_t *mb, uint64_t msize)
{
	uint32_t sub = (uint16_t)(ip->imm >> 32);
	/* the lane loads and stores have a vector operand in b, the rest a
	 * constant to add to the address */
	bool vec = sub >= WASM_OP_V128_LOAD8_LANE && sub <= WASM_OP_V128_STORE64_LANE;

	return access((uint32_t)(fp[ip->a] + (vec ? 0 : ip->b)), fp + ip->b, fp + ip->c, sub,
		      (uint32_t)ip->imm, (uint8_t)(ip->imm >> 48), mb, msize);
}
