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
 * Lane loops copy the vector into a lane array, work on fixed trip counts
 * and copy back, so a compiler can vectorize them; no signed overflow, no
 * shift past the width, no out-of-range float to int conversion.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasm/interp/interp_num.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "simd_ops.h: the lane arrays assume a little-endian host"
#endif

typedef struct {
	_Alignas(16) uint8_t b[16];
} v128_t;

_Static_assert(sizeof(v128_t) == 16, "v128_t is 16 bytes");

/* clang-format off */

/* Lane-wise generators. The expression sees the lanes as x, y (and z), of
 * unsigned type T, and the shift count as s; its value is cast back to T. */
#define SIMD_UNOP_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		T xs[16 / sizeof(T)]; \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) { \
			T x = xs[i]; \
			xs[i] = (T)(expr); \
		} \
		memcpy(r.b, xs, 16); \
		return r; \
	}

#define SIMD_BINOP_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		T xs[16 / sizeof(T)], ys[16 / sizeof(T)]; \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		memcpy(ys, b.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) { \
			T x = xs[i], y = ys[i]; \
			xs[i] = (T)(expr); \
		} \
		memcpy(r.b, xs, 16); \
		return r; \
	}

/* Comparisons: all ones where cond holds, else zero. */
#define SIMD_CMP_(name, T, cond) SIMD_BINOP_(name, T, (cond) ? (T)~(T)0 : (T)0)

/* Shifts: the count is taken modulo the lane width. */
#define SIMD_SHIFT_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a, uint32_t count) \
	{ \
		T xs[16 / sizeof(T)]; \
		unsigned s = count & (8 * sizeof(T) - 1); \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) { \
			T x = xs[i]; \
			xs[i] = (T)(expr); \
		} \
		memcpy(r.b, xs, 16); \
		return r; \
	}

#define SIMD_SPLAT_(name, T, S) \
	static inline v128_t simd_##name(S v) \
	{ \
		T xs[16 / sizeof(T)]; \
		v128_t r; \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) \
			xs[i] = (T)v; \
		memcpy(r.b, xs, 16); \
		return r; \
	}

/* extract_lane gives the lane as a scalar through conv (sign or zero
 * extension to S); replace_lane stores the scalar's low bits. */
#define SIMD_EXTRACT_(name, T, S, conv) \
	static inline S simd_##name(v128_t a, unsigned lane) \
	{ \
		T x; \
		memcpy(&x, a.b + (lane % (16 / sizeof(T))) * sizeof(T), sizeof(T)); \
		return (S)(conv); \
	}

#define SIMD_REPLACE_(name, T, S) \
	static inline v128_t simd_##name(v128_t a, unsigned lane, S v) \
	{ \
		T x = (T)v; \
		memcpy(a.b + (lane % (16 / sizeof(T))) * sizeof(T), &x, sizeof(T)); \
		return a; \
	}

/* all_true: 1 if no lane is zero; bitmask: bit i is lane i's sign bit. */
#define SIMD_REDUCE_(shape, T) \
	static inline uint32_t simd_##shape##_all_true(v128_t a) \
	{ \
		T xs[16 / sizeof(T)]; \
		uint32_t ok = 1; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) \
			ok &= xs[i] != 0; \
		return ok; \
	} \
	static inline uint32_t simd_##shape##_bitmask(v128_t a) \
	{ \
		T xs[16 / sizeof(T)]; \
		uint32_t m = 0; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(T); i++) \
			m |= (uint32_t)(xs[i] >> (8 * sizeof(T) - 1)) << i; \
		return m; \
	}

/* ---- scalar lane helpers ---- */

static inline uint32_t simd_sat_s_(int64_t v, int64_t lo, int64_t hi)
{
	return (uint32_t)(v < lo ? lo : v > hi ? hi : v);
}

static inline uint32_t simd_f32_bits_(float f)
{
	return (uint32_t)num_bits32(f);
}

/* q15 rounding multiply: (x*y + 2^14) >> 15; only -1 * -1 overflows. */
static inline uint16_t simd_q15mulr_(uint16_t x, uint16_t y)
{
	int32_t p = (int32_t)(int16_t)x * (int16_t)y + 0x4000;

	return (uint16_t)simd_sat_s_(p >> 15, INT16_MIN, INT16_MAX);
}

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

SIMD_CMP_(i8x16_eq, uint8_t, x == y)
SIMD_CMP_(i8x16_ne, uint8_t, x != y)
SIMD_CMP_(i8x16_lt_s, uint8_t, (int8_t)x < (int8_t)y)
SIMD_CMP_(i8x16_lt_u, uint8_t, x < y)
SIMD_CMP_(i8x16_gt_s, uint8_t, (int8_t)x > (int8_t)y)
SIMD_CMP_(i8x16_gt_u, uint8_t, x > y)
SIMD_CMP_(i8x16_le_s, uint8_t, (int8_t)x <= (int8_t)y)
SIMD_CMP_(i8x16_le_u, uint8_t, x <= y)
SIMD_CMP_(i8x16_ge_s, uint8_t, (int8_t)x >= (int8_t)y)
SIMD_CMP_(i8x16_ge_u, uint8_t, x >= y)

SIMD_CMP_(i16x8_eq, uint16_t, x == y)
SIMD_CMP_(i16x8_ne, uint16_t, x != y)
SIMD_CMP_(i16x8_lt_s, uint16_t, (int16_t)x < (int16_t)y)
SIMD_CMP_(i16x8_lt_u, uint16_t, x < y)
SIMD_CMP_(i16x8_gt_s, uint16_t, (int16_t)x > (int16_t)y)
SIMD_CMP_(i16x8_gt_u, uint16_t, x > y)
SIMD_CMP_(i16x8_le_s, uint16_t, (int16_t)x <= (int16_t)y)
SIMD_CMP_(i16x8_le_u, uint16_t, x <= y)
SIMD_CMP_(i16x8_ge_s, uint16_t, (int16_t)x >= (int16_t)y)
SIMD_CMP_(i16x8_ge_u, uint16_t, x >= y)

SIMD_CMP_(i32x4_eq, uint32_t, x == y)
SIMD_CMP_(i32x4_ne, uint32_t, x != y)
SIMD_CMP_(i32x4_lt_s, uint32_t, (int32_t)x < (int32_t)y)
SIMD_CMP_(i32x4_lt_u, uint32_t, x < y)
SIMD_CMP_(i32x4_gt_s, uint32_t, (int32_t)x > (int32_t)y)
SIMD_CMP_(i32x4_gt_u, uint32_t, x > y)
SIMD_CMP_(i32x4_le_s, uint32_t, (int32_t)x <= (int32_t)y)
SIMD_CMP_(i32x4_le_u, uint32_t, x <= y)
SIMD_CMP_(i32x4_ge_s, uint32_t, (int32_t)x >= (int32_t)y)
SIMD_CMP_(i32x4_ge_u, uint32_t, x >= y)

SIMD_CMP_(i64x2_eq, uint64_t, x == y)
SIMD_CMP_(i64x2_ne, uint64_t, x != y)
SIMD_CMP_(i64x2_lt_s, uint64_t, (int64_t)x < (int64_t)y)
SIMD_CMP_(i64x2_gt_s, uint64_t, (int64_t)x > (int64_t)y)
SIMD_CMP_(i64x2_le_s, uint64_t, (int64_t)x <= (int64_t)y)
SIMD_CMP_(i64x2_ge_s, uint64_t, (int64_t)x >= (int64_t)y)

/* Float comparisons are false on NaN except ne. */
SIMD_CMP_(f32x4_eq, uint32_t, num_f32(x) == num_f32(y))
SIMD_CMP_(f32x4_ne, uint32_t, num_f32(x) != num_f32(y))
SIMD_CMP_(f32x4_lt, uint32_t, num_f32(x) < num_f32(y))
SIMD_CMP_(f32x4_gt, uint32_t, num_f32(x) > num_f32(y))
SIMD_CMP_(f32x4_le, uint32_t, num_f32(x) <= num_f32(y))
SIMD_CMP_(f32x4_ge, uint32_t, num_f32(x) >= num_f32(y))

SIMD_CMP_(f64x2_eq, uint64_t, num_f64(x) == num_f64(y))
SIMD_CMP_(f64x2_ne, uint64_t, num_f64(x) != num_f64(y))
SIMD_CMP_(f64x2_lt, uint64_t, num_f64(x) < num_f64(y))
SIMD_CMP_(f64x2_gt, uint64_t, num_f64(x) > num_f64(y))
SIMD_CMP_(f64x2_le, uint64_t, num_f64(x) <= num_f64(y))
SIMD_CMP_(f64x2_ge, uint64_t, num_f64(x) >= num_f64(y))

/* ---- bitwise ---- */

SIMD_UNOP_(v128_not, uint64_t, ~x)
SIMD_BINOP_(v128_and, uint64_t, x & y)
SIMD_BINOP_(v128_andnot, uint64_t, x & ~y)
SIMD_BINOP_(v128_or, uint64_t, x | y)
SIMD_BINOP_(v128_xor, uint64_t, x ^ y)

/* clang-format on */

/* Bits of a where c is 1, of b where c is 0. */
static inline v128_t simd_v128_bitselect(v128_t a, v128_t b, v128_t c)
{
	uint64_t x[2], y[2], m[2];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	memcpy(m, c.b, 16);
	for (unsigned i = 0; i < 2; i++)
		x[i] = (x[i] & m[i]) | (y[i] & ~m[i]);
	memcpy(r.b, x, 16);
	return r;
}

static inline uint32_t simd_v128_any_true(v128_t a)
{
	uint64_t x[2];

	memcpy(x, a.b, 16);
	return (x[0] | x[1]) != 0;
}

static inline v128_t simd_i8x16_relaxed_laneselect(v128_t a, v128_t b, v128_t m)
{
	return simd_v128_bitselect(a, b, m);
}

static inline v128_t simd_i16x8_relaxed_laneselect(v128_t a, v128_t b, v128_t m)
{
	return simd_v128_bitselect(a, b, m);
}

static inline v128_t simd_i32x4_relaxed_laneselect(v128_t a, v128_t b, v128_t m)
{
	return simd_v128_bitselect(a, b, m);
}

static inline v128_t simd_i64x2_relaxed_laneselect(v128_t a, v128_t b, v128_t m)
{
	return simd_v128_bitselect(a, b, m);
}

/* clang-format off */

SIMD_REDUCE_(i8x16, uint8_t)
SIMD_REDUCE_(i16x8, uint16_t)
SIMD_REDUCE_(i32x4, uint32_t)
SIMD_REDUCE_(i64x2, uint64_t)

/* ---- integer arithmetic ---- */

/* abs and neg wrap: abs(INT_MIN) is INT_MIN. Unsigned negation never
 * overflows; narrow lanes are promoted to int, where it cannot either. */
SIMD_UNOP_(i8x16_abs, uint8_t, (int8_t)x < 0 ? -x : x)
SIMD_UNOP_(i16x8_abs, uint16_t, (int16_t)x < 0 ? -x : x)
SIMD_UNOP_(i32x4_abs, uint32_t, (int32_t)x < 0 ? 0u - x : x)
SIMD_UNOP_(i64x2_abs, uint64_t, (int64_t)x < 0 ? 0u - x : x)
SIMD_UNOP_(i8x16_neg, uint8_t, -x)
SIMD_UNOP_(i16x8_neg, uint16_t, -x)
SIMD_UNOP_(i32x4_neg, uint32_t, 0u - x)
SIMD_UNOP_(i64x2_neg, uint64_t, 0u - x)
SIMD_UNOP_(i8x16_popcnt, uint8_t, num_popcnt64(x))

SIMD_SHIFT_(i8x16_shl, uint8_t, x << s)
SIMD_SHIFT_(i8x16_shr_s, uint8_t, (int8_t)x >> s)
SIMD_SHIFT_(i8x16_shr_u, uint8_t, x >> s)
SIMD_SHIFT_(i16x8_shl, uint16_t, (uint32_t)x << s)
SIMD_SHIFT_(i16x8_shr_s, uint16_t, (int16_t)x >> s)
SIMD_SHIFT_(i16x8_shr_u, uint16_t, x >> s)
SIMD_SHIFT_(i32x4_shl, uint32_t, x << s)
SIMD_SHIFT_(i32x4_shr_s, uint32_t, (int32_t)x >> s)
SIMD_SHIFT_(i32x4_shr_u, uint32_t, x >> s)
SIMD_SHIFT_(i64x2_shl, uint64_t, x << s)
SIMD_SHIFT_(i64x2_shr_s, uint64_t, (int64_t)x >> s)
SIMD_SHIFT_(i64x2_shr_u, uint64_t, x >> s)

/* uint16_t products go through uint32_t: as ints they could overflow. */
SIMD_BINOP_(i8x16_add, uint8_t, x + y)
SIMD_BINOP_(i8x16_sub, uint8_t, x - y)
SIMD_BINOP_(i16x8_add, uint16_t, x + y)
SIMD_BINOP_(i16x8_sub, uint16_t, x - y)
SIMD_BINOP_(i16x8_mul, uint16_t, (uint32_t)x * y)
SIMD_BINOP_(i32x4_add, uint32_t, x + y)
SIMD_BINOP_(i32x4_sub, uint32_t, x - y)
SIMD_BINOP_(i32x4_mul, uint32_t, x * y)
SIMD_BINOP_(i64x2_add, uint64_t, x + y)
SIMD_BINOP_(i64x2_sub, uint64_t, x - y)
SIMD_BINOP_(i64x2_mul, uint64_t, x * y)

SIMD_BINOP_(i8x16_add_sat_s, uint8_t, simd_sat_s_((int8_t)x + (int8_t)y, INT8_MIN, INT8_MAX))
SIMD_BINOP_(i8x16_add_sat_u, uint8_t, x + y > UINT8_MAX ? UINT8_MAX : x + y)
SIMD_BINOP_(i8x16_sub_sat_s, uint8_t, simd_sat_s_((int8_t)x - (int8_t)y, INT8_MIN, INT8_MAX))
SIMD_BINOP_(i8x16_sub_sat_u, uint8_t, x > y ? x - y : 0)
SIMD_BINOP_(i16x8_add_sat_s, uint16_t, simd_sat_s_((int16_t)x + (int16_t)y, INT16_MIN, INT16_MAX))
SIMD_BINOP_(i16x8_add_sat_u, uint16_t, x + y > UINT16_MAX ? UINT16_MAX : x + y)
SIMD_BINOP_(i16x8_sub_sat_s, uint16_t, simd_sat_s_((int16_t)x - (int16_t)y, INT16_MIN, INT16_MAX))
SIMD_BINOP_(i16x8_sub_sat_u, uint16_t, x > y ? x - y : 0)

SIMD_BINOP_(i8x16_min_s, uint8_t, (int8_t)x < (int8_t)y ? x : y)
SIMD_BINOP_(i8x16_min_u, uint8_t, x < y ? x : y)
SIMD_BINOP_(i8x16_max_s, uint8_t, (int8_t)x > (int8_t)y ? x : y)
SIMD_BINOP_(i8x16_max_u, uint8_t, x > y ? x : y)
SIMD_BINOP_(i16x8_min_s, uint16_t, (int16_t)x < (int16_t)y ? x : y)
SIMD_BINOP_(i16x8_min_u, uint16_t, x < y ? x : y)
SIMD_BINOP_(i16x8_max_s, uint16_t, (int16_t)x > (int16_t)y ? x : y)
SIMD_BINOP_(i16x8_max_u, uint16_t, x > y ? x : y)
SIMD_BINOP_(i32x4_min_s, uint32_t, (int32_t)x < (int32_t)y ? x : y)
SIMD_BINOP_(i32x4_min_u, uint32_t, x < y ? x : y)
SIMD_BINOP_(i32x4_max_s, uint32_t, (int32_t)x > (int32_t)y ? x : y)
SIMD_BINOP_(i32x4_max_u, uint32_t, x > y ? x : y)

SIMD_BINOP_(i8x16_avgr_u, uint8_t, (x + y + 1) >> 1)
SIMD_BINOP_(i16x8_avgr_u, uint16_t, (x + y + 1) >> 1)

SIMD_BINOP_(i16x8_q15mulr_sat_s, uint16_t, simd_q15mulr_(x, y))
SIMD_BINOP_(i16x8_relaxed_q15mulr_s, uint16_t, simd_q15mulr_(x, y))

/* ---- float arithmetic ---- */

SIMD_UNOP_(f32x4_abs, uint32_t, x & 0x7fffffffu)
SIMD_UNOP_(f32x4_neg, uint32_t, x ^ 0x80000000u)
SIMD_UNOP_(f32x4_sqrt, uint32_t, num_bits32(num_sqrt32(num_f32(x))))
SIMD_UNOP_(f32x4_ceil, uint32_t, num_bits32(num_ceil32(num_f32(x))))
SIMD_UNOP_(f32x4_floor, uint32_t, num_bits32(num_floor32(num_f32(x))))
SIMD_UNOP_(f32x4_trunc, uint32_t, num_bits32(num_trunc32(num_f32(x))))
SIMD_UNOP_(f32x4_nearest, uint32_t, num_bits32(num_nearest32(num_f32(x))))
SIMD_BINOP_(f32x4_add, uint32_t, num_bits32(num_f32(x) + num_f32(y)))
SIMD_BINOP_(f32x4_sub, uint32_t, num_bits32(num_f32(x) - num_f32(y)))
SIMD_BINOP_(f32x4_mul, uint32_t, num_bits32(num_f32(x) * num_f32(y)))
SIMD_BINOP_(f32x4_div, uint32_t, num_bits32(num_f32(x) / num_f32(y)))
SIMD_BINOP_(f32x4_min, uint32_t, num_min32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_max, uint32_t, num_max32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_relaxed_min, uint32_t, num_min32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_relaxed_max, uint32_t, num_max32(num_f32(x), num_f32(y)))
/* pmin is b < a ? b : a, pmax a < b ? b : a: an operand, NaNs untouched. */
SIMD_BINOP_(f32x4_pmin, uint32_t, num_f32(y) < num_f32(x) ? y : x)
SIMD_BINOP_(f32x4_pmax, uint32_t, num_f32(x) < num_f32(y) ? y : x)

SIMD_UNOP_(f64x2_abs, uint64_t, x & ~(UINT64_C(1) << 63))
SIMD_UNOP_(f64x2_neg, uint64_t, x ^ (UINT64_C(1) << 63))
SIMD_UNOP_(f64x2_sqrt, uint64_t, num_bits64(num_sqrt64(num_f64(x))))
SIMD_UNOP_(f64x2_ceil, uint64_t, num_bits64(num_ceil64(num_f64(x))))
SIMD_UNOP_(f64x2_floor, uint64_t, num_bits64(num_floor64(num_f64(x))))
SIMD_UNOP_(f64x2_trunc, uint64_t, num_bits64(num_trunc64(num_f64(x))))
SIMD_UNOP_(f64x2_nearest, uint64_t, num_bits64(num_nearest64(num_f64(x))))
SIMD_BINOP_(f64x2_add, uint64_t, num_bits64(num_f64(x) + num_f64(y)))
SIMD_BINOP_(f64x2_sub, uint64_t, num_bits64(num_f64(x) - num_f64(y)))
SIMD_BINOP_(f64x2_mul, uint64_t, num_bits64(num_f64(x) * num_f64(y)))
SIMD_BINOP_(f64x2_div, uint64_t, num_bits64(num_f64(x) / num_f64(y)))
SIMD_BINOP_(f64x2_min, uint64_t, num_min64(num_f64(x), num_f64(y)))
SIMD_BINOP_(f64x2_max, uint64_t, num_max64(num_f64(x), num_f64(y)))
SIMD_BINOP_(f64x2_relaxed_min, uint64_t, num_min64(num_f64(x), num_f64(y)))
SIMD_BINOP_(f64x2_relaxed_max, uint64_t, num_max64(num_f64(x), num_f64(y)))
SIMD_BINOP_(f64x2_pmin, uint64_t, num_f64(y) < num_f64(x) ? y : x)
SIMD_BINOP_(f64x2_pmax, uint64_t, num_f64(x) < num_f64(y) ? y : x)

/* clang-format on */

/*
 * relaxed_madd is a*b+c with one rounding or two; we always round twice.
 * The product is its own statement so that no compiler contracts the pair
 * into a fused multiply-add (clang's default -ffp-contract=on fuses within
 * one expression only).
 */
static inline float simd_madd32_(float a, float b, float c)
{
	float p = a * b;

	return p + c;
}

static inline double simd_madd64_(double a, double b, double c)
{
	double p = a * b;

	return p + c;
}

static inline v128_t simd_f32x4_relaxed_madd(v128_t a, v128_t b, v128_t c)
{
	uint32_t x[4], y[4], z[4];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	memcpy(z, c.b, 16);
	for (unsigned i = 0; i < 4; i++)
		x[i] = simd_f32_bits_(simd_madd32_(num_f32(x[i]), num_f32(y[i]), num_f32(z[i])));
	memcpy(r.b, x, 16);
	return r;
}

/* nmadd is -(a*b)+c, that is (-a)*b+c: negation is exact. */
static inline v128_t simd_f32x4_relaxed_nmadd(v128_t a, v128_t b, v128_t c)
{
	return simd_f32x4_relaxed_madd(simd_f32x4_neg(a), b, c);
}

static inline v128_t simd_f64x2_relaxed_madd(v128_t a, v128_t b, v128_t c)
{
	uint64_t x[2], y[2], z[2];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	memcpy(z, c.b, 16);
	for (unsigned i = 0; i < 2; i++)
		x[i] = num_bits64(simd_madd64_(num_f64(x[i]), num_f64(y[i]), num_f64(z[i])));
	memcpy(r.b, x, 16);
	return r;
}

static inline v128_t simd_f64x2_relaxed_nmadd(v128_t a, v128_t b, v128_t c)
{
	return simd_f64x2_relaxed_madd(simd_f64x2_neg(a), b, c);
}

/* ---- lane width changes ---- */

/* Saturating narrow: a's lanes become the low half of the result, b's the
 * high half; the inputs are signed, the outputs signed or unsigned. */
static inline v128_t simd_narrow16_(v128_t a, v128_t b, int32_t lo, int32_t hi)
{
	uint16_t x[16];
	uint8_t o[16];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(x + 8, b.b, 16);
	for (unsigned i = 0; i < 16; i++)
		o[i] = (uint8_t)simd_sat_s_((int16_t)x[i], lo, hi);
	memcpy(r.b, o, 16);
	return r;
}

static inline v128_t simd_i8x16_narrow_i16x8_s(v128_t a, v128_t b)
{
	return simd_narrow16_(a, b, INT8_MIN, INT8_MAX);
}

static inline v128_t simd_i8x16_narrow_i16x8_u(v128_t a, v128_t b)
{
	return simd_narrow16_(a, b, 0, UINT8_MAX);
}

static inline v128_t simd_narrow32_(v128_t a, v128_t b, int32_t lo, int32_t hi)
{
	uint32_t x[8];
	uint16_t o[8];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(x + 4, b.b, 16);
	for (unsigned i = 0; i < 8; i++)
		o[i] = (uint16_t)simd_sat_s_((int32_t)x[i], lo, hi);
	memcpy(r.b, o, 16);
	return r;
}

static inline v128_t simd_i16x8_narrow_i32x4_s(v128_t a, v128_t b)
{
	return simd_narrow32_(a, b, INT16_MIN, INT16_MAX);
}

static inline v128_t simd_i16x8_narrow_i32x4_u(v128_t a, v128_t b)
{
	return simd_narrow32_(a, b, 0, UINT16_MAX);
}

/* clang-format off */

/*
 * Widening ops read the narrow lanes NARROW at index `first + i` (extend,
 * extmul: first is 0 for low, N for high) or pairs 2i, 2i+1 (extadd), and
 * write the wide lanes WIDE. conv widens one narrow lane as signed or
 * unsigned.
 */
#define SIMD_EXTEND_(name, NARROW, WIDE, first, conv) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		NARROW xs[16 / sizeof(NARROW)]; \
		WIDE o[16 / sizeof(WIDE)]; \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(WIDE); i++) { \
			NARROW x = xs[(first) + i]; \
			o[i] = (WIDE)(conv); \
		} \
		memcpy(r.b, o, 16); \
		return r; \
	}

#define SIMD_EXTMUL_(name, NARROW, WIDE, MUL, first, conv) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		NARROW xs[16 / sizeof(NARROW)], ys[16 / sizeof(NARROW)]; \
		WIDE o[16 / sizeof(WIDE)]; \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		memcpy(ys, b.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(WIDE); i++) { \
			NARROW x = xs[(first) + i]; \
			MUL p = (MUL)(WIDE)(conv); \
			x = ys[(first) + i]; \
			o[i] = (WIDE)(p * (MUL)(WIDE)(conv)); \
		} \
		memcpy(r.b, o, 16); \
		return r; \
	}

#define SIMD_EXTADD_(name, NARROW, WIDE, conv) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		NARROW xs[16 / sizeof(NARROW)]; \
		WIDE o[16 / sizeof(WIDE)]; \
		v128_t r; \
		memcpy(xs, a.b, 16); \
		for (unsigned i = 0; i < 16 / sizeof(WIDE); i++) { \
			NARROW x = xs[2 * i]; \
			WIDE p = (WIDE)(conv); \
			x = xs[2 * i + 1]; \
			o[i] = (WIDE)(p + (WIDE)(conv)); \
		} \
		memcpy(r.b, o, 16); \
		return r; \
	}

/* Signed widening as the wide unsigned type: (WIDE)(intN_t)x. extmul
 * multiplies in MUL, unsigned and at least as wide as int, so the product
 * wraps instead of overflowing; its low WIDE bits are the exact product. */
SIMD_EXTEND_(i16x8_extend_low_i8x16_s, uint8_t, uint16_t, 0, (int8_t)x)
SIMD_EXTEND_(i16x8_extend_high_i8x16_s, uint8_t, uint16_t, 8, (int8_t)x)
SIMD_EXTEND_(i16x8_extend_low_i8x16_u, uint8_t, uint16_t, 0, x)
SIMD_EXTEND_(i16x8_extend_high_i8x16_u, uint8_t, uint16_t, 8, x)
SIMD_EXTEND_(i32x4_extend_low_i16x8_s, uint16_t, uint32_t, 0, (int16_t)x)
SIMD_EXTEND_(i32x4_extend_high_i16x8_s, uint16_t, uint32_t, 4, (int16_t)x)
SIMD_EXTEND_(i32x4_extend_low_i16x8_u, uint16_t, uint32_t, 0, x)
SIMD_EXTEND_(i32x4_extend_high_i16x8_u, uint16_t, uint32_t, 4, x)
SIMD_EXTEND_(i64x2_extend_low_i32x4_s, uint32_t, uint64_t, 0, (int32_t)x)
SIMD_EXTEND_(i64x2_extend_high_i32x4_s, uint32_t, uint64_t, 2, (int32_t)x)
SIMD_EXTEND_(i64x2_extend_low_i32x4_u, uint32_t, uint64_t, 0, x)
SIMD_EXTEND_(i64x2_extend_high_i32x4_u, uint32_t, uint64_t, 2, x)

SIMD_EXTMUL_(i16x8_extmul_low_i8x16_s, uint8_t, uint16_t, uint32_t, 0, (int8_t)x)
SIMD_EXTMUL_(i16x8_extmul_high_i8x16_s, uint8_t, uint16_t, uint32_t, 8, (int8_t)x)
SIMD_EXTMUL_(i16x8_extmul_low_i8x16_u, uint8_t, uint16_t, uint32_t, 0, x)
SIMD_EXTMUL_(i16x8_extmul_high_i8x16_u, uint8_t, uint16_t, uint32_t, 8, x)
SIMD_EXTMUL_(i32x4_extmul_low_i16x8_s, uint16_t, uint32_t, uint32_t, 0, (int16_t)x)
SIMD_EXTMUL_(i32x4_extmul_high_i16x8_s, uint16_t, uint32_t, uint32_t, 4, (int16_t)x)
SIMD_EXTMUL_(i32x4_extmul_low_i16x8_u, uint16_t, uint32_t, uint32_t, 0, x)
SIMD_EXTMUL_(i32x4_extmul_high_i16x8_u, uint16_t, uint32_t, uint32_t, 4, x)
SIMD_EXTMUL_(i64x2_extmul_low_i32x4_s, uint32_t, uint64_t, uint64_t, 0, (int32_t)x)
SIMD_EXTMUL_(i64x2_extmul_high_i32x4_s, uint32_t, uint64_t, uint64_t, 2, (int32_t)x)
SIMD_EXTMUL_(i64x2_extmul_low_i32x4_u, uint32_t, uint64_t, uint64_t, 0, x)
SIMD_EXTMUL_(i64x2_extmul_high_i32x4_u, uint32_t, uint64_t, uint64_t, 2, x)

SIMD_EXTADD_(i16x8_extadd_pairwise_i8x16_s, uint8_t, uint16_t, (int8_t)x)
SIMD_EXTADD_(i16x8_extadd_pairwise_i8x16_u, uint8_t, uint16_t, x)
SIMD_EXTADD_(i32x4_extadd_pairwise_i16x8_s, uint16_t, uint32_t, (int16_t)x)
SIMD_EXTADD_(i32x4_extadd_pairwise_i16x8_u, uint16_t, uint32_t, x)

/* clang-format on */

/* ---- dot products ---- */

/* Each i32 lane: a[2i]*b[2i] + a[2i+1]*b[2i+1]. Each product fits in
 * int32_t; only their sum can overflow (all four -32768), so add unsigned. */
static inline v128_t simd_i32x4_dot_i16x8_s(v128_t a, v128_t b)
{
	uint16_t x[8], y[8];
	uint32_t o[4];
	v128_t r;

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	for (unsigned i = 0; i < 4; i++) {
		int32_t p0 = (int16_t)x[2 * i] * (int16_t)y[2 * i];
		int32_t p1 = (int16_t)x[2 * i + 1] * (int16_t)y[2 * i + 1];

		o[i] = (uint32_t)p0 + (uint32_t)p1;
	}
	memcpy(r.b, o, 16);
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

/* ---- conversions ---- */

/* clang-format off */
SIMD_UNOP_(i32x4_trunc_sat_f32x4_s, uint32_t, num_sat_s32(num_f32(x)))
SIMD_UNOP_(i32x4_trunc_sat_f32x4_u, uint32_t, num_sat_u32(num_f32(x)))
SIMD_UNOP_(i32x4_relaxed_trunc_f32x4_s, uint32_t, num_sat_s32(num_f32(x)))
SIMD_UNOP_(i32x4_relaxed_trunc_f32x4_u, uint32_t, num_sat_u32(num_f32(x)))
SIMD_UNOP_(f32x4_convert_i32x4_s, uint32_t, simd_f32_bits_((float)(int32_t)x))
SIMD_UNOP_(f32x4_convert_i32x4_u, uint32_t, simd_f32_bits_((float)x))
/* clang-format on */

/* The two f64 lanes become i32 lanes 0 and 1 (or f32), lanes 2 and 3 are
 * zero. */
static inline v128_t simd_trunc_sat_f64x2_zero_(v128_t a, bool is_signed)
{
	uint64_t x[2];
	uint32_t o[4] = {0, 0, 0, 0};
	v128_t r;

	memcpy(x, a.b, 16);
	for (unsigned i = 0; i < 2; i++)
		o[i] = (uint32_t)(is_signed ? num_sat_s32(num_f64(x[i]))
					    : num_sat_u32(num_f64(x[i])));
	memcpy(r.b, o, 16);
	return r;
}

static inline v128_t simd_i32x4_trunc_sat_f64x2_s_zero(v128_t a)
{
	return simd_trunc_sat_f64x2_zero_(a, true);
}

static inline v128_t simd_i32x4_trunc_sat_f64x2_u_zero(v128_t a)
{
	return simd_trunc_sat_f64x2_zero_(a, false);
}

static inline v128_t simd_i32x4_relaxed_trunc_f64x2_s_zero(v128_t a)
{
	return simd_trunc_sat_f64x2_zero_(a, true);
}

static inline v128_t simd_i32x4_relaxed_trunc_f64x2_u_zero(v128_t a)
{
	return simd_trunc_sat_f64x2_zero_(a, false);
}

/* Rounds to nearest even; a NaN stays a quiet NaN (canonical if it was). */
static inline v128_t simd_f32x4_demote_f64x2_zero(v128_t a)
{
	uint64_t x[2];
	uint32_t o[4] = {0, 0, 0, 0};
	v128_t r;

	memcpy(x, a.b, 16);
	for (unsigned i = 0; i < 2; i++)
		o[i] = simd_f32_bits_((float)num_f64(x[i]));
	memcpy(r.b, o, 16);
	return r;
}

/* f32 lanes 0 and 1 (or i32 lanes) widen exactly to the two f64 lanes. */
static inline v128_t simd_f64x2_promote_low_f32x4(v128_t a)
{
	uint32_t x[4];
	uint64_t o[2];
	v128_t r;

	memcpy(x, a.b, 16);
	for (unsigned i = 0; i < 2; i++)
		o[i] = num_bits64((double)num_f32(x[i]));
	memcpy(r.b, o, 16);
	return r;
}

static inline v128_t simd_f64x2_convert_low_i32x4_s(v128_t a)
{
	uint32_t x[4];
	uint64_t o[2];
	v128_t r;

	memcpy(x, a.b, 16);
	for (unsigned i = 0; i < 2; i++)
		o[i] = num_bits64((double)(int32_t)x[i]);
	memcpy(r.b, o, 16);
	return r;
}

static inline v128_t simd_f64x2_convert_low_i32x4_u(v128_t a)
{
	uint32_t x[4];
	uint64_t o[2];
	v128_t r;

	memcpy(x, a.b, 16);
	for (unsigned i = 0; i < 2; i++)
		o[i] = num_bits64((double)x[i]);
	memcpy(r.b, o, 16);
	return r;
}
