/*
 * simd_ops_float.h - the float instructions of lib/wasm/interp/simd_ops.h
 * (arithmetic, rounding, min/max, relaxed madd, conversions): included by
 * it, where the contract is; NaN rules in its header comment.
 */
#pragma once

#include "wasm/interp/simd_lanes.h"

/* clang-format off */

/* ---- float arithmetic ---- */

SIMD_VUNOP_(f32x4_abs, uint32_t, x & 0x7fffffffu)
SIMD_VUNOP_(f32x4_neg, uint32_t, x ^ 0x80000000u)
SIMD_UNOP_(f32x4_sqrt, uint32_t, num_bits32(num_sqrt32(num_f32(x))))
SIMD_UNOP_(f32x4_ceil, uint32_t, num_bits32(num_ceil32(num_f32(x))))
SIMD_UNOP_(f32x4_floor, uint32_t, num_bits32(num_floor32(num_f32(x))))
SIMD_UNOP_(f32x4_trunc, uint32_t, num_bits32(num_trunc32(num_f32(x))))
SIMD_UNOP_(f32x4_nearest, uint32_t, num_bits32(num_nearest32(num_f32(x))))
SIMD_VBINOP_(f32x4_add, float, x + y)
SIMD_VBINOP_(f32x4_sub, float, x - y)
SIMD_VBINOP_(f32x4_mul, float, x * y)
SIMD_VBINOP_(f32x4_div, float, x / y)
SIMD_BINOP_(f32x4_min, uint32_t, num_min32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_max, uint32_t, num_max32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_relaxed_min, uint32_t, num_min32(num_f32(x), num_f32(y)))
SIMD_BINOP_(f32x4_relaxed_max, uint32_t, num_max32(num_f32(x), num_f32(y)))
/* pmin is b < a ? b : a, pmax a < b ? b : a: an operand, NaNs untouched. */
SIMD_BINOP_(f32x4_pmin, uint32_t, num_f32(y) < num_f32(x) ? y : x)
SIMD_BINOP_(f32x4_pmax, uint32_t, num_f32(x) < num_f32(y) ? y : x)

SIMD_VUNOP_(f64x2_abs, uint64_t, x & ~(UINT64_C(1) << 63))
SIMD_VUNOP_(f64x2_neg, uint64_t, x ^ (UINT64_C(1) << 63))
SIMD_UNOP_(f64x2_sqrt, uint64_t, num_bits64(num_sqrt64(num_f64(x))))
SIMD_UNOP_(f64x2_ceil, uint64_t, num_bits64(num_ceil64(num_f64(x))))
SIMD_UNOP_(f64x2_floor, uint64_t, num_bits64(num_floor64(num_f64(x))))
SIMD_UNOP_(f64x2_trunc, uint64_t, num_bits64(num_trunc64(num_f64(x))))
SIMD_UNOP_(f64x2_nearest, uint64_t, num_bits64(num_nearest64(num_f64(x))))
SIMD_VBINOP_(f64x2_add, double, x + y)
SIMD_VBINOP_(f64x2_sub, double, x - y)
SIMD_VBINOP_(f64x2_mul, double, x * y)
SIMD_VBINOP_(f64x2_div, double, x / y)
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
 * one expression only). nmadd is -(a*b)+c, that is (-a)*b+c: negation is
 * exact.
 */
#define SIMD_VMADD_(name, F, neg)                                      \
	static inline v128_t simd_##name(v128_t a, v128_t b, v128_t c) \
	{                                                              \
		SIMD_V_(F) x, y, z, p;                                 \
		v128_t r;                                              \
		memcpy(&x, neg(a).b, 16);                              \
		memcpy(&y, b.b, 16);                                   \
		memcpy(&z, c.b, 16);                                   \
		p = x * y;                                             \
		x = p + z;                                             \
		memcpy(r.b, &x, 16);                                   \
		return r;                                              \
	}

/* clang-format off */
#define SIMD_SAME_(v) (v)
SIMD_VMADD_(f32x4_relaxed_madd, float, SIMD_SAME_)
SIMD_VMADD_(f32x4_relaxed_nmadd, float, simd_f32x4_neg)
SIMD_VMADD_(f64x2_relaxed_madd, double, SIMD_SAME_)
SIMD_VMADD_(f64x2_relaxed_nmadd, double, simd_f64x2_neg)
/* clang-format on */

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

/* Lanes 0 and 1 of a (FROM, 2 or 4 lanes) converted by conv to the two
 * low lanes of the result (TO); the other lanes are zero. */
#define SIMD_CONVERT2_(name, FROM, TO, conv)       \
	static inline v128_t simd_##name(v128_t a) \
	{                                          \
		FROM xs[16 / sizeof(FROM)];        \
		TO o[16 / sizeof(TO)] = {0};       \
		v128_t r;                          \
		memcpy(xs, a.b, 16);               \
		for (unsigned i = 0; i < 2; i++) { \
			FROM x = xs[i];            \
			o[i] = (TO)(conv);         \
		}                                  \
		memcpy(r.b, o, 16);                \
		return r;                          \
	}

/* clang-format off */
/* demote rounds to nearest even; a NaN stays a quiet NaN (canonical if it
 * was). promote and convert_low are exact. */
SIMD_CONVERT2_(f32x4_demote_f64x2_zero, uint64_t, uint32_t, simd_f32_bits_((float)num_f64(x)))
SIMD_CONVERT2_(f64x2_promote_low_f32x4, uint32_t, uint64_t, num_bits64((double)num_f32(x)))
SIMD_CONVERT2_(f64x2_convert_low_i32x4_s, uint32_t, uint64_t, num_bits64((double)(int32_t)x))
SIMD_CONVERT2_(f64x2_convert_low_i32x4_u, uint32_t, uint64_t, num_bits64((double)x))
/* clang-format on */
