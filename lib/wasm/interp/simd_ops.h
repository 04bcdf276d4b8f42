/*
 * simd_ops.h - the lane semantics of every non-memory instruction of
 * WebAssembly's 128-bit SIMD (2.0) and relaxed SIMD (3.0), as portable C.
 *
 * One `static inline` function per instruction, named `simd_` + its text
 * name with dots as underscores (i8x16.add_sat_s is simd_i8x16_add_sat_s).
 * Vectors are `v128_t`, 16 bytes in little-endian lane order: lane i of an
 * i16x8 is bytes 2i and 2i+1, low byte first.
 *
 *   byte   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *   i16x8 |lane 0|lane 1|lane 2|     ...           |lane 7|
 *   i32x4 |  lane 0   |  lane 1   |  lane 2   |  lane 3   |
 *
 * Scalars are raw bits: i32 and f32 as uint32_t, i64 and f64 as uint64_t
 * (a float's IEEE bits, so NaN payloads survive). Lane immediates come as
 * `unsigned` and are reduced modulo the lane count, shuffle lanes modulo 32:
 * the validator has checked them, the masks only keep a bad caller inside
 * the vector.
 *
 * Floats: results of arithmetic on NaNs come from the hardware, which gives
 * a quiet NaN that is canonical when every NaN operand was, as the spec asks
 * (see interp_num.h). abs, neg, pmin and pmax move bits and keep payloads.
 *
 * Relaxed SIMD: each instruction takes one fixed choice among the results
 * the spec allows, the same on every host (no fused multiply-add, no
 * host-dependent lane selection), so interpreter and compiler agree:
 *   relaxed_swizzle = swizzle, relaxed_trunc* = trunc_sat*,
 *   relaxed_madd = mul then add (two roundings), relaxed_laneselect =
 *   bitselect, relaxed_min/max = min/max, relaxed_q15mulr_s =
 *   q15mulr_sat_s, relaxed_dot with the second operand read as signed.
 *
 * Most ops are written on whole vectors with clang's vector extension
 * (vector_size, __builtin_convertvector, __builtin_shufflevector), which
 * becomes one or a few instructions on a host with 128-bit SIMD (x86-64:
 * i8x16.add_sat_s, narrow, extend and dot are one each) and plain lane code
 * on one without (the riscv64 kernel, rv64gc). The rest (float rounding,
 * min/max, conversions, swizzle, popcnt) are lane loops over a copy of the
 * vector with fixed trip counts. No signed overflow, no shift past the
 * width, no out-of-range float to int conversion: the host tests run under
 * UBSan.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasm/interp/simd_lanes.h"
#include "wasm/interp/simd_ops_float.h"

/* clang-format off */

/* ---- splat, lanes ---- */

SIMD_SPLAT_(i8x16_splat, uint8_t, uint32_t)
SIMD_SPLAT_(i16x8_splat, uint16_t, uint32_t)
SIMD_SPLAT_(i32x4_splat, uint32_t, uint32_t)
SIMD_SPLAT_(i64x2_splat, uint64_t, uint64_t)
SIMD_SPLAT_(f32x4_splat, uint32_t, uint32_t)
SIMD_SPLAT_(f64x2_splat, uint64_t, uint64_t)

SIMD_EXTRACT_(i8x16_extract_lane_s, uint8_t, uint32_t, (int32_t)(int8_t)x)
SIMD_EXTRACT_(i8x16_extract_lane_u, uint8_t, uint32_t, x)
SIMD_EXTRACT_(i16x8_extract_lane_s, uint16_t, uint32_t, (int32_t)(int16_t)x)
SIMD_EXTRACT_(i16x8_extract_lane_u, uint16_t, uint32_t, x)
SIMD_EXTRACT_(i32x4_extract_lane, uint32_t, uint32_t, x)
SIMD_EXTRACT_(i64x2_extract_lane, uint64_t, uint64_t, x)
SIMD_EXTRACT_(f32x4_extract_lane, uint32_t, uint32_t, x)
SIMD_EXTRACT_(f64x2_extract_lane, uint64_t, uint64_t, x)

SIMD_REPLACE_(i8x16_replace_lane, uint8_t, uint32_t)
SIMD_REPLACE_(i16x8_replace_lane, uint16_t, uint32_t)
SIMD_REPLACE_(i32x4_replace_lane, uint32_t, uint32_t)
SIMD_REPLACE_(i64x2_replace_lane, uint64_t, uint64_t)
SIMD_REPLACE_(f32x4_replace_lane, uint32_t, uint32_t)
SIMD_REPLACE_(f64x2_replace_lane, uint64_t, uint64_t)

/* clang-format on */

/* Lane i of the result is lane lanes[i] of a:b (0-15 from a, 16-31 from b). */
static inline v128_t simd_i8x16_shuffle(v128_t a, v128_t b, const uint8_t lanes[16])
{
	uint8_t ab[32];
	v128_t r;

	memcpy(ab, a.b, 16);
	memcpy(ab + 16, b.b, 16);
	for (unsigned i = 0; i < 16; i++)
		r.b[i] = ab[lanes[i] & 31];
	return r;
}

/* Lane i of the result is lane s[i] of a, or 0 where s[i] >= 16. */
static inline v128_t simd_i8x16_swizzle(v128_t a, v128_t s)
{
	v128_t r;

	for (unsigned i = 0; i < 16; i++)
		r.b[i] = s.b[i] < 16 ? a.b[s.b[i] & 15] : 0;
	return r;
}

static inline v128_t simd_i8x16_relaxed_swizzle(v128_t a, v128_t s)
{
	return simd_i8x16_swizzle(a, s);
}

/* clang-format off */

/* ---- comparisons ---- */

/* The ten comparisons of an integer shape: lanes U unsigned, S signed. */
#define SIMD_ICMP_(shape, U, S) \
	SIMD_VBINOP_(shape##_eq, U, x == y) \
	SIMD_VBINOP_(shape##_ne, U, x != y) \
	SIMD_VBINOP_(shape##_lt_s, U, (SIMD_V_(S))x < (SIMD_V_(S))y) \
	SIMD_VBINOP_(shape##_lt_u, U, x < y) \
	SIMD_VBINOP_(shape##_gt_s, U, (SIMD_V_(S))x > (SIMD_V_(S))y) \
	SIMD_VBINOP_(shape##_gt_u, U, x > y) \
	SIMD_VBINOP_(shape##_le_s, U, (SIMD_V_(S))x <= (SIMD_V_(S))y) \
	SIMD_VBINOP_(shape##_le_u, U, x <= y) \
	SIMD_VBINOP_(shape##_ge_s, U, (SIMD_V_(S))x >= (SIMD_V_(S))y) \
	SIMD_VBINOP_(shape##_ge_u, U, x >= y)

SIMD_ICMP_(i8x16, uint8_t, int8_t)
SIMD_ICMP_(i16x8, uint16_t, int16_t)
SIMD_ICMP_(i32x4, uint32_t, int32_t)

/* i64x2 has no unsigned comparisons */
SIMD_VBINOP_(i64x2_eq, uint64_t, x == y)
SIMD_VBINOP_(i64x2_ne, uint64_t, x != y)
SIMD_VBINOP_(i64x2_lt_s, uint64_t, (SIMD_V_(int64_t))x < (SIMD_V_(int64_t))y)
SIMD_VBINOP_(i64x2_gt_s, uint64_t, (SIMD_V_(int64_t))x > (SIMD_V_(int64_t))y)
SIMD_VBINOP_(i64x2_le_s, uint64_t, (SIMD_V_(int64_t))x <= (SIMD_V_(int64_t))y)
SIMD_VBINOP_(i64x2_ge_s, uint64_t, (SIMD_V_(int64_t))x >= (SIMD_V_(int64_t))y)

/* Float comparisons are false on NaN except ne. */
SIMD_VBINOP_(f32x4_eq, float, x == y)
SIMD_VBINOP_(f32x4_ne, float, x != y)
SIMD_VBINOP_(f32x4_lt, float, x < y)
SIMD_VBINOP_(f32x4_gt, float, x > y)
SIMD_VBINOP_(f32x4_le, float, x <= y)
SIMD_VBINOP_(f32x4_ge, float, x >= y)

SIMD_VBINOP_(f64x2_eq, double, x == y)
SIMD_VBINOP_(f64x2_ne, double, x != y)
SIMD_VBINOP_(f64x2_lt, double, x < y)
SIMD_VBINOP_(f64x2_gt, double, x > y)
SIMD_VBINOP_(f64x2_le, double, x <= y)
SIMD_VBINOP_(f64x2_ge, double, x >= y)

/* ---- bitwise ---- */

SIMD_VUNOP_(v128_not, uint64_t, ~x)
SIMD_VBINOP_(v128_and, uint64_t, x & y)
SIMD_VBINOP_(v128_andnot, uint64_t, x & ~y)
SIMD_VBINOP_(v128_or, uint64_t, x | y)
SIMD_VBINOP_(v128_xor, uint64_t, x ^ y)

/* clang-format on */

/* Bits of a where c is 1, of b where c is 0. relaxed_laneselect may
 * choose by each lane's top bit or by every bit; we choose by every bit. */
static inline v128_t simd_v128_bitselect(v128_t a, v128_t b, v128_t c)
{
	SIMD_V_(uint64_t) x, y, m;
	v128_t r;

	memcpy(&x, a.b, 16);
	memcpy(&y, b.b, 16);
	memcpy(&m, c.b, 16);
	x = (x & m) | (y & ~m);
	memcpy(r.b, &x, 16);
	return r;
}

static inline uint32_t simd_v128_any_true(v128_t a)
{
	uint64_t x[2];

	memcpy(x, a.b, 16);
	return (x[0] | x[1]) != 0;
}

/* clang-format off */
#define SIMD_LANESELECT_(shape) \
	static inline v128_t simd_##shape##_relaxed_laneselect(v128_t a, v128_t b, v128_t m) \
	{ \
		return simd_v128_bitselect(a, b, m); \
	}
SIMD_LANESELECT_(i8x16)
SIMD_LANESELECT_(i16x8)
SIMD_LANESELECT_(i32x4)
SIMD_LANESELECT_(i64x2)
/* clang-format on */

/* clang-format off */

SIMD_REDUCE_(i8x16, uint8_t)
SIMD_REDUCE_(i16x8, uint16_t)
SIMD_REDUCE_(i32x4, uint32_t)
SIMD_REDUCE_(i64x2, uint64_t)

/* ---- integer arithmetic ---- */

/* abs and neg wrap: abs(INT_MIN) is INT_MIN. */
SIMD_VUNOP_(i8x16_abs, uint8_t, SIMD_VSEL_(uint8_t, (SIMD_V_(int8_t))x < 0, -x, x))
SIMD_VUNOP_(i16x8_abs, uint16_t, SIMD_VSEL_(uint16_t, (SIMD_V_(int16_t))x < 0, -x, x))
SIMD_VUNOP_(i32x4_abs, uint32_t, SIMD_VSEL_(uint32_t, (SIMD_V_(int32_t))x < 0, -x, x))
SIMD_VUNOP_(i64x2_abs, uint64_t, SIMD_VSEL_(uint64_t, (SIMD_V_(int64_t))x < 0, -x, x))
SIMD_VUNOP_(i8x16_neg, uint8_t, -x)
SIMD_VUNOP_(i16x8_neg, uint16_t, -x)
SIMD_VUNOP_(i32x4_neg, uint32_t, -x)
SIMD_VUNOP_(i64x2_neg, uint64_t, -x)
SIMD_UNOP_(i8x16_popcnt, uint8_t, num_popcnt64(x))

SIMD_VSHIFT_(i8x16_shl, uint8_t, x << s)
SIMD_VSHIFT_(i8x16_shr_s, uint8_t, (SIMD_V_(int8_t))x >> s)
SIMD_VSHIFT_(i8x16_shr_u, uint8_t, x >> s)
SIMD_VSHIFT_(i16x8_shl, uint16_t, x << s)
SIMD_VSHIFT_(i16x8_shr_s, uint16_t, (SIMD_V_(int16_t))x >> s)
SIMD_VSHIFT_(i16x8_shr_u, uint16_t, x >> s)
SIMD_VSHIFT_(i32x4_shl, uint32_t, x << s)
SIMD_VSHIFT_(i32x4_shr_s, uint32_t, (SIMD_V_(int32_t))x >> s)
SIMD_VSHIFT_(i32x4_shr_u, uint32_t, x >> s)
SIMD_VSHIFT_(i64x2_shl, uint64_t, x << s)
SIMD_VSHIFT_(i64x2_shr_s, uint64_t, (SIMD_V_(int64_t))x >> s)
SIMD_VSHIFT_(i64x2_shr_u, uint64_t, x >> s)

SIMD_VBINOP_(i8x16_add, uint8_t, x + y)
SIMD_VBINOP_(i8x16_sub, uint8_t, x - y)
SIMD_VBINOP_(i16x8_add, uint16_t, x + y)
SIMD_VBINOP_(i16x8_sub, uint16_t, x - y)
SIMD_VBINOP_(i16x8_mul, uint16_t, x * y)
SIMD_VBINOP_(i32x4_add, uint32_t, x + y)
SIMD_VBINOP_(i32x4_sub, uint32_t, x - y)
SIMD_VBINOP_(i32x4_mul, uint32_t, x * y)
SIMD_VBINOP_(i64x2_add, uint64_t, x + y)
SIMD_VBINOP_(i64x2_sub, uint64_t, x - y)
SIMD_VBINOP_(i64x2_mul, uint64_t, x * y)


SIMD_VBINOP_(i8x16_min_s, uint8_t, SIMD_VSEL_(uint8_t, (SIMD_V_(int8_t))x < (SIMD_V_(int8_t))y, x, y))
SIMD_VBINOP_(i8x16_min_u, uint8_t, SIMD_VSEL_(uint8_t, x < y, x, y))
SIMD_VBINOP_(i8x16_max_s, uint8_t, SIMD_VSEL_(uint8_t, (SIMD_V_(int8_t))x > (SIMD_V_(int8_t))y, x, y))
SIMD_VBINOP_(i8x16_max_u, uint8_t, SIMD_VSEL_(uint8_t, x > y, x, y))
SIMD_VBINOP_(i16x8_min_s, uint16_t, SIMD_VSEL_(uint16_t, (SIMD_V_(int16_t))x < (SIMD_V_(int16_t))y, x, y))
SIMD_VBINOP_(i16x8_min_u, uint16_t, SIMD_VSEL_(uint16_t, x < y, x, y))
SIMD_VBINOP_(i16x8_max_s, uint16_t, SIMD_VSEL_(uint16_t, (SIMD_V_(int16_t))x > (SIMD_V_(int16_t))y, x, y))
SIMD_VBINOP_(i16x8_max_u, uint16_t, SIMD_VSEL_(uint16_t, x > y, x, y))
SIMD_VBINOP_(i32x4_min_s, uint32_t, SIMD_VSEL_(uint32_t, (SIMD_V_(int32_t))x < (SIMD_V_(int32_t))y, x, y))
SIMD_VBINOP_(i32x4_min_u, uint32_t, SIMD_VSEL_(uint32_t, x < y, x, y))
SIMD_VBINOP_(i32x4_max_s, uint32_t, SIMD_VSEL_(uint32_t, (SIMD_V_(int32_t))x > (SIMD_V_(int32_t))y, x, y))
SIMD_VBINOP_(i32x4_max_u, uint32_t, SIMD_VSEL_(uint32_t, x > y, x, y))

/* ---- lane width changes ---- */

SIMD_VWIDE_(i8x16_add_sat_s, int8_t, int16_t, INT8_MIN, INT8_MAX, x + y)
SIMD_VWIDE_(i8x16_add_sat_u, uint8_t, int16_t, 0, UINT8_MAX, x + y)
SIMD_VWIDE_(i8x16_sub_sat_s, int8_t, int16_t, INT8_MIN, INT8_MAX, x - y)
SIMD_VWIDE_(i8x16_sub_sat_u, uint8_t, int16_t, 0, UINT8_MAX, x - y)
SIMD_VWIDE_(i16x8_add_sat_s, int16_t, int32_t, INT16_MIN, INT16_MAX, x + y)
SIMD_VWIDE_(i16x8_add_sat_u, uint16_t, int32_t, 0, UINT16_MAX, x + y)
SIMD_VWIDE_(i16x8_sub_sat_s, int16_t, int32_t, INT16_MIN, INT16_MAX, x - y)
SIMD_VWIDE_(i16x8_sub_sat_u, uint16_t, int32_t, 0, UINT16_MAX, x - y)
SIMD_VWIDE_(i8x16_avgr_u, uint8_t, int16_t, 0, UINT8_MAX, (x + y + 1) >> 1)
SIMD_VWIDE_(i16x8_avgr_u, uint16_t, int32_t, 0, UINT16_MAX, (x + y + 1) >> 1)
/* q15 rounding multiply: (x*y + 2^14) >> 15, at most 2^30 + 2^14 before
 * the shift; only -1 * -1 (0x8000 squared) needs the clamp. */
SIMD_VWIDE_(i16x8_q15mulr_sat_s, int16_t, int32_t, INT16_MIN, INT16_MAX, (x * y + 0x4000) >> 15)
SIMD_VWIDE_(i16x8_relaxed_q15mulr_s, int16_t, int32_t, INT16_MIN, INT16_MAX, (x * y + 0x4000) >> 15)

SIMD_VNARROW_(i8x16_narrow_i16x8_s, int16_t, int8_t, INT8_MIN, INT8_MAX, SIMD_ALL2X8_)
SIMD_VNARROW_(i8x16_narrow_i16x8_u, int16_t, uint8_t, 0, UINT8_MAX, SIMD_ALL2X8_)
SIMD_VNARROW_(i16x8_narrow_i32x4_s, int32_t, int16_t, INT16_MIN, INT16_MAX, SIMD_ALL2X4_)
SIMD_VNARROW_(i16x8_narrow_i32x4_u, int32_t, uint16_t, 0, UINT16_MAX, SIMD_ALL2X4_)

SIMD_VEXTEND_(i16x8_extend_low_i8x16_s, int8_t, int16_t, SIMD_LO16_)
SIMD_VEXTEND_(i16x8_extend_high_i8x16_s, int8_t, int16_t, SIMD_HI16_)
SIMD_VEXTEND_(i16x8_extend_low_i8x16_u, uint8_t, uint16_t, SIMD_LO16_)
SIMD_VEXTEND_(i16x8_extend_high_i8x16_u, uint8_t, uint16_t, SIMD_HI16_)
SIMD_VEXTEND_(i32x4_extend_low_i16x8_s, int16_t, int32_t, SIMD_LO8_)
SIMD_VEXTEND_(i32x4_extend_high_i16x8_s, int16_t, int32_t, SIMD_HI8_)
SIMD_VEXTEND_(i32x4_extend_low_i16x8_u, uint16_t, uint32_t, SIMD_LO8_)
SIMD_VEXTEND_(i32x4_extend_high_i16x8_u, uint16_t, uint32_t, SIMD_HI8_)
SIMD_VEXTEND_(i64x2_extend_low_i32x4_s, int32_t, int64_t, SIMD_LO4_)
SIMD_VEXTEND_(i64x2_extend_high_i32x4_s, int32_t, int64_t, SIMD_HI4_)
SIMD_VEXTEND_(i64x2_extend_low_i32x4_u, uint32_t, uint64_t, SIMD_LO4_)
SIMD_VEXTEND_(i64x2_extend_high_i32x4_u, uint32_t, uint64_t, SIMD_HI4_)

SIMD_VEXTMUL_(i16x8_extmul_low_i8x16_s, int8_t, int16_t, SIMD_LO16_)
SIMD_VEXTMUL_(i16x8_extmul_high_i8x16_s, int8_t, int16_t, SIMD_HI16_)
SIMD_VEXTMUL_(i16x8_extmul_low_i8x16_u, uint8_t, uint16_t, SIMD_LO16_)
SIMD_VEXTMUL_(i16x8_extmul_high_i8x16_u, uint8_t, uint16_t, SIMD_HI16_)
SIMD_VEXTMUL_(i32x4_extmul_low_i16x8_s, int16_t, int32_t, SIMD_LO8_)
SIMD_VEXTMUL_(i32x4_extmul_high_i16x8_s, int16_t, int32_t, SIMD_HI8_)
SIMD_VEXTMUL_(i32x4_extmul_low_i16x8_u, uint16_t, uint32_t, SIMD_LO8_)
SIMD_VEXTMUL_(i32x4_extmul_high_i16x8_u, uint16_t, uint32_t, SIMD_HI8_)
SIMD_VEXTMUL_(i64x2_extmul_low_i32x4_s, int32_t, int64_t, SIMD_LO4_)
SIMD_VEXTMUL_(i64x2_extmul_high_i32x4_s, int32_t, int64_t, SIMD_HI4_)
SIMD_VEXTMUL_(i64x2_extmul_low_i32x4_u, uint32_t, uint64_t, SIMD_LO4_)
SIMD_VEXTMUL_(i64x2_extmul_high_i32x4_u, uint32_t, uint64_t, SIMD_HI4_)

SIMD_VEXTADD_(i16x8_extadd_pairwise_i8x16_s, int8_t, int16_t, SIMD_EVEN16_, SIMD_ODD16_)
SIMD_VEXTADD_(i16x8_extadd_pairwise_i8x16_u, uint8_t, uint16_t, SIMD_EVEN16_, SIMD_ODD16_)
SIMD_VEXTADD_(i32x4_extadd_pairwise_i16x8_s, int16_t, int32_t, SIMD_EVEN8_, SIMD_ODD8_)
SIMD_VEXTADD_(i32x4_extadd_pairwise_i16x8_u, uint16_t, uint32_t, SIMD_EVEN8_, SIMD_ODD8_)

/* clang-format on */

/* ---- dot products ---- */

/* Each i32 lane: a[2i]*b[2i] + a[2i+1]*b[2i+1]. Each product fits in
 * int32_t; only their sum can overflow (all four -32768), so add unsigned. */
static inline v128_t simd_i32x4_dot_i16x8_s(v128_t a, v128_t b)
{
	SIMD_V_(int16_t) x, y;
	SIMD_V_(int32_t) even, odd;
	SIMD_V_(uint32_t) w;
	v128_t r;

	memcpy(&x, a.b, 16);
	memcpy(&y, b.b, 16);
	even = __builtin_convertvector(__builtin_shufflevector(x, x, SIMD_EVEN8_),
				       SIMD_V_(int32_t)) *
	       __builtin_convertvector(__builtin_shufflevector(y, y, SIMD_EVEN8_),
				       SIMD_V_(int32_t));
	odd = __builtin_convertvector(__builtin_shufflevector(x, x, SIMD_ODD8_), SIMD_V_(int32_t)) *
	      __builtin_convertvector(__builtin_shufflevector(y, y, SIMD_ODD8_), SIMD_V_(int32_t));
	w = (SIMD_V_(uint32_t))even + (SIMD_V_(uint32_t))odd;
	memcpy(r.b, &w, 16);
	return r;
}

/* The relaxed dot reads b as signed (its top bit is meant to be clear); the
 * pair sum saturates to i16, which only -128*-128 twice reaches. */
static inline v128_t simd_i16x8_relaxed_dot_i8x16_i7x16_s(v128_t a, v128_t b)
{
	uint8_t x[16], y[16];
	uint16_t o[8];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	for (unsigned i = 0; i < 8; i++) {
		int32_t s = (int8_t)x[2 * i] * (int8_t)y[2 * i] +
			    (int8_t)x[2 * i + 1] * (int8_t)y[2 * i + 1];

		o[i] = (uint16_t)simd_sat_s_(s, INT16_MIN, INT16_MAX);
	}
	memcpy(r.b, o, 16);
	return r;
}

/* = i32x4.add(i32x4.extadd_pairwise_i16x8_s(relaxed_dot_i8x16_i7x16_s(a, b)), c) */
static inline v128_t simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(v128_t a, v128_t b, v128_t c)
{
	v128_t d = simd_i16x8_relaxed_dot_i8x16_i7x16_s(a, b);

	return simd_i32x4_add(simd_i32x4_extadd_pairwise_i16x8_s(d), c);
}
