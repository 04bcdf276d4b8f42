/*
 * wasm_simd_ops_float_test.c - the float instructions of
 * lib/wasm/interp/simd_ops.h on edge cases computed by hand: NaN payloads
 * kept by the bitwise ops, canonical NaNs from arithmetic, -0.0, rounding
 * ties, out-of-range conversions, and the relaxed SIMD choices.
 */
#include "base/test.h"
#include "wasm/interp/simd_ops.h"

static bool same(v128_t a, v128_t b)
{
	return memcmp(a.b, b.b, 16) == 0;
}

static v128_t f32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t x[4] = {a, b, c, d};
	v128_t v;

	memcpy(v.b, x, 16);
	return v;
}

static v128_t f64x2(uint64_t a, uint64_t b)
{
	uint64_t x[2] = {a, b};
	v128_t v;

	memcpy(v.b, x, 16);
	return v;
}

static uint32_t l32(v128_t v, unsigned i)
{
	uint32_t x;

	memcpy(&x, v.b + 4 * (i % 4), 4);
	return x;
}

static uint64_t l64(v128_t v, unsigned i)
{
	uint64_t x;

	memcpy(&x, v.b + 8 * (i % 2), 8);
	return x;
}

#define F32_ONE	     0x3f800000u
#define F32_NZERO    0x80000000u
#define F32_CNAN     0x7fc00000u
#define F32_INF	     0x7f800000u
#define F32_HALF     0x3f000000u
#define F64_NZERO    UINT64_C(0x8000000000000000)
#define F64_CNAN     UINT64_C(0x7ff8000000000000)
#define F64_ONE	     UINT64_C(0x3ff0000000000000)
#define IS_NAN32(x)  (((x)&0x7fffffffu) > F32_INF)
#define IS_CNAN32(x) (((x)&0x7fffffffu) == F32_CNAN)

TEST(wasm_simd_ops, float_bitwise_keep_nan_payloads)
{
	v128_t a = f32x4(0x7fa00001u, 0xffc00123u, F32_NZERO, F32_ONE);
	v128_t d = f64x2(UINT64_C(0x7ff0000000000001), F64_NZERO);

	EXPECT_EQ(l32(simd_f32x4_abs(a), 0), 0x7fa00001u);
	EXPECT_EQ(l32(simd_f32x4_abs(a), 1), 0x7fc00123u);
	EXPECT_EQ(l32(simd_f32x4_abs(a), 2), 0);
	EXPECT_EQ(l32(simd_f32x4_neg(a), 0), 0xffa00001u);
	EXPECT_EQ(l32(simd_f32x4_neg(a), 3), 0xbf800000u);
	EXPECT_EQ_U(l64(simd_f64x2_abs(simd_f64x2_neg(d)), 0), UINT64_C(0x7ff0000000000001));
	EXPECT_EQ_U(l64(simd_f64x2_neg(d), 1), 0);
	/* pmin(a, b) = b < a ? b : a: a NaN operand comes back untouched */
	EXPECT_EQ(l32(simd_f32x4_pmin(a, simd_f32x4_splat(F32_ONE)), 0), 0x7fa00001u);
	EXPECT_EQ(l32(simd_f32x4_pmax(simd_f32x4_splat(F32_ONE), a), 1), F32_ONE);
	/* pmin(-0, +0) = -0 (first), pmax(-0, +0) = -0 (first: not less) */
	EXPECT_EQ(l32(simd_f32x4_pmin(a, simd_f32x4_splat(0)), 2), F32_NZERO);
	EXPECT_EQ(l32(simd_f32x4_pmax(a, simd_f32x4_splat(0)), 2), F32_NZERO);
	EXPECT_EQ_U(l64(simd_f64x2_pmin(simd_f64x2_splat(0), d), 1), 0);
}

TEST(wasm_simd_ops, float_min_max_nan_and_zero)
{
	v128_t a = f32x4(F32_NZERO, 0, 0x7fa00001u, F32_ONE);
	v128_t b = f32x4(0, F32_NZERO, F32_ONE, F32_CNAN);
	v128_t mn = simd_f32x4_min(a, b), mx = simd_f32x4_max(a, b);
	v128_t d = f64x2(F64_NZERO, F64_CNAN), e = f64x2(0, F64_ONE);

	EXPECT_EQ(l32(mn, 0), F32_NZERO);
	EXPECT_EQ(l32(mn, 1), F32_NZERO);
	EXPECT_EQ(l32(mx, 0), 0);
	EXPECT_EQ(l32(mx, 1), 0);
	/* a signalling NaN operand gives an arithmetic (quiet) NaN */
	EXPECT(IS_NAN32(l32(mn, 2)) && (l32(mn, 2) & 0x00400000u));
	EXPECT(IS_CNAN32(l32(mx, 3)));
	EXPECT(same(simd_f32x4_relaxed_min(a, b), mn));
	EXPECT(same(simd_f32x4_relaxed_max(a, b), mx));
	EXPECT_EQ_U(l64(simd_f64x2_min(d, e), 0), F64_NZERO);
	EXPECT_EQ_U(l64(simd_f64x2_max(d, e), 0), 0);
	EXPECT_EQ_U(l64(simd_f64x2_max(d, e), 1) & ~F64_NZERO, F64_CNAN);
	EXPECT(same(simd_f64x2_relaxed_min(d, e), simd_f64x2_min(d, e)));
	EXPECT(same(simd_f64x2_relaxed_max(d, e), simd_f64x2_max(d, e)));
}

TEST(wasm_simd_ops, float_arith_canonical_nan)
{
	v128_t inf = simd_f32x4_splat(F32_INF), z = simd_f32x4_splat(0);
	v128_t cn = simd_f32x4_splat(F32_CNAN), one = simd_f32x4_splat(F32_ONE);

	EXPECT(IS_CNAN32(l32(simd_f32x4_sub(inf, inf), 0)));
	EXPECT(IS_CNAN32(l32(simd_f32x4_mul(inf, z), 1)));
	EXPECT(IS_CNAN32(l32(simd_f32x4_div(z, z), 2)));
	EXPECT(IS_CNAN32(l32(simd_f32x4_add(cn, one), 3)));
	EXPECT(IS_CNAN32(l32(simd_f32x4_sqrt(simd_f32x4_splat(0xbf800000u)), 0)));
	EXPECT_EQ(l32(simd_f32x4_sqrt(simd_f32x4_splat(0x40800000u)), 0), 0x40000000u);
	EXPECT_EQ(l32(simd_f32x4_sqrt(simd_f32x4_splat(F32_NZERO)), 0), F32_NZERO);
	EXPECT_EQ_U(l64(simd_f64x2_div(simd_f64x2_splat(F64_ONE), simd_f64x2_splat(F64_NZERO)), 0),
		    UINT64_C(0xfff0000000000000));
	EXPECT_EQ_U(l64(simd_f64x2_sqrt(simd_f64x2_splat(UINT64_C(0x4010000000000000))), 1),
		    UINT64_C(0x4000000000000000));
}

TEST(wasm_simd_ops, float_rounding_ties_and_signs)
{
	/* 0.5, 1.5, 2.5, -0.5 */
	v128_t a = f32x4(F32_HALF, 0x3fc00000u, 0x40200000u, 0xbf000000u);
	v128_t n = simd_f32x4_nearest(a);
	v128_t d =
		f64x2(UINT64_C(0xbfe0000000000000), UINT64_C(0x4004000000000000)); /* -0.5, 2.5 */

	EXPECT_EQ(l32(n, 0), 0);
	EXPECT_EQ(l32(n, 1), 0x40000000u);
	EXPECT_EQ(l32(n, 2), 0x40000000u);
	EXPECT_EQ(l32(n, 3), F32_NZERO);
	EXPECT_EQ(l32(simd_f32x4_ceil(a), 3), F32_NZERO);
	EXPECT_EQ(l32(simd_f32x4_floor(a), 3), 0xbf800000u);
	EXPECT_EQ(l32(simd_f32x4_trunc(a), 3), F32_NZERO);
	EXPECT_EQ(l32(simd_f32x4_ceil(a), 0), F32_ONE);
	EXPECT_EQ(l32(simd_f32x4_floor(a), 2), 0x40000000u);
	EXPECT_EQ_U(l64(simd_f64x2_nearest(d), 0), F64_NZERO);
	EXPECT_EQ_U(l64(simd_f64x2_nearest(d), 1), UINT64_C(0x4000000000000000));
	EXPECT_EQ_U(l64(simd_f64x2_ceil(d), 0), F64_NZERO);
	EXPECT_EQ_U(l64(simd_f64x2_floor(d), 1), UINT64_C(0x4000000000000000));
	EXPECT_EQ_U(l64(simd_f64x2_trunc(d), 1), UINT64_C(0x4000000000000000));
	/* 2^23 + 1 is an integer already; NaN stays NaN */
	EXPECT_EQ(l32(simd_f32x4_nearest(simd_f32x4_splat(0x4b000001u)), 0), 0x4b000001u);
	EXPECT(IS_NAN32(l32(simd_f32x4_floor(simd_f32x4_splat(0x7f800001u)), 0)));
}

TEST(wasm_simd_ops, conversions_out_of_range)
{
	/* NaN, -0.9, 2^31, -2^31 - 2^8 (an f32 below INT32_MIN) */
	v128_t a = f32x4(F32_CNAN, 0xbf666666u, 0x4f000000u, 0xcf000001u);
	v128_t s = simd_i32x4_trunc_sat_f32x4_s(a), u = simd_i32x4_trunc_sat_f32x4_u(a);
	v128_t d = f64x2(UINT64_C(0x41f0000000000000),
			 UINT64_C(0xc1e0000000200000)); /* 2^32, -2^31-1 */
	v128_t ds = simd_i32x4_trunc_sat_f64x2_s_zero(d), du = simd_i32x4_trunc_sat_f64x2_u_zero(d);

	EXPECT_EQ(l32(s, 0), 0);
	EXPECT_EQ(l32(s, 1), 0);
	EXPECT_EQ(l32(s, 2), 0x7fffffffu);
	EXPECT_EQ(l32(s, 3), 0x80000000u);
	EXPECT_EQ(l32(u, 0), 0);
	EXPECT_EQ(l32(u, 1), 0);
	EXPECT_EQ(l32(u, 2), 0x80000000u);
	EXPECT_EQ(l32(u, 3), 0);
	EXPECT(same(simd_i32x4_relaxed_trunc_f32x4_s(a), s));
	EXPECT(same(simd_i32x4_relaxed_trunc_f32x4_u(a), u));
	EXPECT_EQ(l32(ds, 0), 0x7fffffffu);
	EXPECT_EQ(l32(ds, 1), 0x80000000u);
	EXPECT_EQ(l32(du, 0), 0xffffffffu);
	EXPECT_EQ(l32(du, 1), 0);
	EXPECT_EQ(l32(ds, 2) | l32(ds, 3) | l32(du, 2) | l32(du, 3), 0);
	EXPECT(same(simd_i32x4_relaxed_trunc_f64x2_s_zero(d), ds));
	EXPECT(same(simd_i32x4_relaxed_trunc_f64x2_u_zero(d), du));

	/* int to float rounds to nearest even: 2^24 + 1 -> 2^24, UINT32_MAX -> 2^32 */
	v128_t i = f32x4(0x01000001u, 0xffffffffu, 0x80000000u, 0);
	v128_t cs = simd_f32x4_convert_i32x4_s(i), cu = simd_f32x4_convert_i32x4_u(i);

	EXPECT_EQ(l32(cs, 0), 0x4b800000u);
	EXPECT_EQ(l32(cs, 1), 0xbf800000u);
	EXPECT_EQ(l32(cs, 2), 0xcf000000u);
	EXPECT_EQ(l32(cu, 1), 0x4f800000u);
	EXPECT_EQ(l32(cu, 2), 0x4f000000u);
	EXPECT_EQ_U(l64(simd_f64x2_convert_low_i32x4_s(i), 1), UINT64_C(0xbff0000000000000));
	EXPECT_EQ_U(l64(simd_f64x2_convert_low_i32x4_u(i), 1), UINT64_C(0x41efffffffe00000));
	EXPECT_EQ_U(l64(simd_f64x2_convert_low_i32x4_u(i), 0), UINT64_C(0x4170000010000000));

	/* demote: rounding, overflow to infinity, NaN quiet; upper lanes zero */
	v128_t dm = simd_f32x4_demote_f64x2_zero(
		f64x2(UINT64_C(0x47efffffffffffff), UINT64_C(0x7ff4000000000000)));
	EXPECT_EQ(l32(dm, 0), F32_INF);
	EXPECT(IS_NAN32(l32(dm, 1)) && (l32(dm, 1) & 0x00400000u));
	EXPECT_EQ(l32(dm, 2) | l32(dm, 3), 0);
	EXPECT(IS_CNAN32(l32(simd_f32x4_demote_f64x2_zero(f64x2(F64_CNAN, 0)), 0)));
	/* promote: exact, NaN quiet */
	v128_t pm = simd_f64x2_promote_low_f32x4(f32x4(0x00000001u, F32_CNAN, 9, 9));
	EXPECT_EQ_U(l64(pm, 0), UINT64_C(0x36a0000000000000));
	EXPECT_EQ_U(l64(pm, 1) & ~F64_NZERO, F64_CNAN);
}

/* relaxed_madd rounds twice: (1 + 2^-23)(1 + 2^-15) - (1 + 2^-15 + 2^-23)
 * is 2^-38 fused but 0 unfused; both allowed, we give 0. */
TEST(wasm_simd_ops, relaxed_madd_unfused)
{
	v128_t a = simd_f32x4_splat(0x3f800001u), b = simd_f32x4_splat(0x3f800100u);
	v128_t c = simd_f32x4_splat(0xbf800101u);
	v128_t max = simd_f32x4_splat(0x7f7fffffu), two = simd_f32x4_splat(0x40000000u);
	v128_t nmax = simd_f32x4_splat(0xff7fffffu);

	EXPECT_EQ(l32(simd_f32x4_relaxed_madd(a, b, c), 0), 0);
	EXPECT_EQ(l32(simd_f32x4_relaxed_nmadd(simd_f32x4_neg(a), b, c), 3), 0);
	/* max * 2 overflows before the add: inf - max = inf (fused: max) */
	EXPECT_EQ(l32(simd_f32x4_relaxed_madd(max, two, nmax), 1), F32_INF);
	EXPECT_EQ(l32(simd_f32x4_relaxed_nmadd(max, two, max), 2), 0xff800000u);

	v128_t da = simd_f64x2_splat(UINT64_C(0x3ff0000000000001));
	v128_t db = simd_f64x2_splat(UINT64_C(0x3ff0000000000001));
	v128_t dc = simd_f64x2_splat(UINT64_C(0xbff0000000000002));
	EXPECT_EQ_U(l64(simd_f64x2_relaxed_madd(da, db, dc), 0), 0);
	EXPECT_EQ_U(l64(simd_f64x2_relaxed_nmadd(da, db, simd_f64x2_neg(dc)), 1), 0);
}

TEST(wasm_simd_ops, float_compare_nan_and_zero)
{
	v128_t a = f32x4(F32_CNAN, F32_NZERO, F32_ONE, 0x7fa00000u);
	v128_t b = f32x4(F32_CNAN, 0, F32_INF, F32_ONE);

	EXPECT_EQ(l32(simd_f32x4_eq(a, b), 0), 0);
	EXPECT_EQ(l32(simd_f32x4_ne(a, b), 0), 0xffffffffu);
	EXPECT_EQ(l32(simd_f32x4_eq(a, b), 1), 0xffffffffu);
	EXPECT_EQ(l32(simd_f32x4_lt(a, b), 2), 0xffffffffu);
	EXPECT_EQ(l32(simd_f32x4_ge(a, b), 3), 0);
	EXPECT_EQ(l32(simd_f32x4_le(a, b), 3), 0);
	EXPECT_EQ(l32(simd_f32x4_gt(a, b), 1), 0);
	EXPECT_EQ_U(l64(simd_f64x2_eq(simd_f64x2_splat(F64_NZERO), simd_f64x2_splat(0)), 1),
		    UINT64_MAX);
	EXPECT_EQ_U(l64(simd_f64x2_ne(simd_f64x2_splat(F64_CNAN), simd_f64x2_splat(F64_CNAN)), 0),
		    UINT64_MAX);
	EXPECT_EQ_U(l64(simd_f64x2_lt(simd_f64x2_splat(F64_CNAN), simd_f64x2_splat(F64_ONE)), 0),
		    0);
	EXPECT_EQ_U(l64(simd_f64x2_ge(simd_f64x2_splat(F64_ONE), simd_f64x2_splat(F64_NZERO)), 0),
		    UINT64_MAX);
	EXPECT_EQ_U(l64(simd_f64x2_gt(simd_f64x2_splat(F64_ONE), simd_f64x2_splat(F64_ONE)), 0), 0);
	EXPECT_EQ_U(l64(simd_f64x2_le(simd_f64x2_splat(F64_ONE), simd_f64x2_splat(F64_ONE)), 0),
		    UINT64_MAX);
}
