/*
 * wasm_simd_ops_ref_test.c - lib/wasm/interp/simd_ops.h against scalar
 * references written another way (one lane at a time, in __int128 so that
 * nothing wraps before the reference means it to), on vectors drawn from
 * each lane width's edge values (0, 1, -1, MIN, MIN+1, MAX-1, MAX) and
 * random bits. (Floats: wasm_simd_ops_float_test.c.)
 */
#include "base/test.h"
#include "wasm/interp/simd_ops.h"

/* ---- lanes, one at a time ---- */

static uint64_t lane_u(v128_t v, unsigned w, unsigned i)
{
	uint64_t x = 0;

	for (unsigned k = 0; k < w / 8; k++)
		x |= (uint64_t)v.b[i * w / 8 + k] << (8 * k);
	return x;
}

static __int128 lane_s(v128_t v, unsigned w, unsigned i)
{
	uint64_t x = lane_u(v, w, i);

	if (w < 64 && (x >> (w - 1)))
		return (__int128)x - ((__int128)1 << w);
	if (w == 64 && (x >> 63))
		return (__int128)x - ((__int128)1 << 64);
	return (__int128)x;
}

static __int128 lane_get(v128_t v, unsigned w, unsigned i, bool sgn)
{
	return sgn ? lane_s(v, w, i) : (__int128)lane_u(v, w, i);
}

static void lane_set(v128_t *v, unsigned w, unsigned i, __int128 x)
{
	for (unsigned k = 0; k < w / 8; k++)
		v->b[i * w / 8 + k] = (uint8_t)(x >> (8 * k));
}

static __int128 lo_of(unsigned w, bool sgn)
{
	return sgn ? -((__int128)1 << (w - 1)) : 0;
}

static __int128 hi_of(unsigned w, bool sgn)
{
	return ((__int128)1 << (sgn ? w - 1 : w)) - 1;
}

static __int128 clamp(__int128 x, unsigned w, bool sgn)
{
	__int128 lo = lo_of(w, sgn), hi = hi_of(w, sgn);

	return x < lo ? lo : x > hi ? hi : x;
}

/* ---- test vectors ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* Lanes of width w: half edge values, half random bits. */
static v128_t edge_vec(struct rng *r, unsigned w)
{
	v128_t v;

	for (unsigned i = 0; i < 128 / w; i++) {
		uint64_t x = rng_next(r);
		__int128 e[] = {0,
				1,
				-1,
				lo_of(w, true),
				lo_of(w, true) + 1,
				hi_of(w, true) - 1,
				hi_of(w, true),
				hi_of(w, false)};

		if (x & 1)
			lane_set(&v, w, i, e[(x >> 1) % 8]);
		else
			lane_set(&v, w, i, (__int128)(x >> 1) ^ ((__int128)rng_next(r) << 63));
	}
	return v;
}

#define ROUNDS 2000

static bool same(v128_t a, v128_t b)
{
	return memcmp(a.b, b.b, 16) == 0;
}

static void report(struct test_ctx *t, const char *name, v128_t a, v128_t b, v128_t got,
		   v128_t want)
{
	uint64_t x[2], y[2], g[2], w[2];

	memcpy(x, a.b, 16);
	memcpy(y, b.b, 16);
	memcpy(g, got.b, 16);
	memcpy(w, want.b, 16);
	test_printf(
		t,
		"  %s(%016llx:%016llx, %016llx:%016llx) = %016llx:%016llx, want %016llx:%016llx\n",
		name, (unsigned long long)x[1], (unsigned long long)x[0], (unsigned long long)y[1],
		(unsigned long long)y[0], (unsigned long long)g[1], (unsigned long long)g[0],
		(unsigned long long)w[1], (unsigned long long)w[0]);
}

/* ---- lane-wise integer ops ---- */

enum ref_op {
	R_ADD,
	R_SUB,
	R_MUL,
	R_ADD_SAT,
	R_SUB_SAT,
	R_MIN,
	R_MAX,
	R_AVGR,
	R_Q15,
	R_EQ,
	R_NE,
	R_LT,
	R_GT,
	R_LE,
	R_GE,
	R_ABS,
	R_NEG,
	R_POPCNT,
};

static __int128 ref_lane(enum ref_op op, __int128 x, __int128 y, unsigned w, bool sgn)
{
	__int128 p;
	unsigned n = 0;

	switch (op) {
	case R_ADD:
		return x + y;
	case R_SUB:
		return x - y;
	case R_MUL:
		return x * y;
	case R_ADD_SAT:
		return clamp(x + y, w, sgn);
	case R_SUB_SAT:
		return clamp(x - y, w, sgn);
	case R_MIN:
		return x < y ? x : y;
	case R_MAX:
		return x > y ? x : y;
	case R_AVGR:
		return (x + y + 1) / 2;
	case R_Q15:
		/* floor((x*y + 2^14) / 2^15), saturated */
		p = x * y + 16384;
		return clamp(p >= 0 ? p / 32768 : -((-p + 32767) / 32768), w, true);
	case R_EQ:
		return -(__int128)(x == y);
	case R_NE:
		return -(__int128)(x != y);
	case R_LT:
		return -(__int128)(x < y);
	case R_GT:
		return -(__int128)(x > y);
	case R_LE:
		return -(__int128)(x <= y);
	case R_GE:
		return -(__int128)(x >= y);
	case R_ABS:
		return x < 0 ? -x : x;
	case R_NEG:
		return -x;
	case R_POPCNT:
		for (__int128 v = x; v != 0; v >>= 1)
			n += (unsigned)(v & 1);
		return n;
	}
	return 0;
}

struct lanewise {
	const char *name;
	v128_t (*bin)(v128_t, v128_t);
	v128_t (*un)(v128_t);
	unsigned w;
	bool sgn;
	enum ref_op op;
};

/* clang-format off */
#define BIN(name, w, sgn, op) {#name, simd_##name, NULL, w, sgn, op}
#define UN(name, w, sgn, op) {#name, NULL, simd_##name, w, sgn, op}
static const struct lanewise lanewise_ops[] = {
	BIN(i8x16_add, 8, false, R_ADD), BIN(i16x8_add, 16, false, R_ADD),
	BIN(i32x4_add, 32, false, R_ADD), BIN(i64x2_add, 64, false, R_ADD),
	BIN(i8x16_sub, 8, false, R_SUB), BIN(i16x8_sub, 16, false, R_SUB),
	BIN(i32x4_sub, 32, false, R_SUB), BIN(i64x2_sub, 64, false, R_SUB),
	BIN(i16x8_mul, 16, false, R_MUL), BIN(i32x4_mul, 32, false, R_MUL),
	BIN(i64x2_mul, 64, true, R_MUL),
	BIN(i8x16_add_sat_s, 8, true, R_ADD_SAT), BIN(i8x16_add_sat_u, 8, false, R_ADD_SAT),
	BIN(i16x8_add_sat_s, 16, true, R_ADD_SAT), BIN(i16x8_add_sat_u, 16, false, R_ADD_SAT),
	BIN(i8x16_sub_sat_s, 8, true, R_SUB_SAT), BIN(i8x16_sub_sat_u, 8, false, R_SUB_SAT),
	BIN(i16x8_sub_sat_s, 16, true, R_SUB_SAT), BIN(i16x8_sub_sat_u, 16, false, R_SUB_SAT),
	BIN(i8x16_min_s, 8, true, R_MIN), BIN(i8x16_min_u, 8, false, R_MIN),
	BIN(i8x16_max_s, 8, true, R_MAX), BIN(i8x16_max_u, 8, false, R_MAX),
	BIN(i16x8_min_s, 16, true, R_MIN), BIN(i16x8_min_u, 16, false, R_MIN),
	BIN(i16x8_max_s, 16, true, R_MAX), BIN(i16x8_max_u, 16, false, R_MAX),
	BIN(i32x4_min_s, 32, true, R_MIN), BIN(i32x4_min_u, 32, false, R_MIN),
	BIN(i32x4_max_s, 32, true, R_MAX), BIN(i32x4_max_u, 32, false, R_MAX),
	BIN(i8x16_avgr_u, 8, false, R_AVGR), BIN(i16x8_avgr_u, 16, false, R_AVGR),
	BIN(i16x8_q15mulr_sat_s, 16, true, R_Q15), BIN(i16x8_relaxed_q15mulr_s, 16, true, R_Q15),
	BIN(i8x16_eq, 8, false, R_EQ), BIN(i8x16_ne, 8, false, R_NE),
	BIN(i8x16_lt_s, 8, true, R_LT), BIN(i8x16_lt_u, 8, false, R_LT),
	BIN(i8x16_gt_s, 8, true, R_GT), BIN(i8x16_gt_u, 8, false, R_GT),
	BIN(i8x16_le_s, 8, true, R_LE), BIN(i8x16_le_u, 8, false, R_LE),
	BIN(i8x16_ge_s, 8, true, R_GE), BIN(i8x16_ge_u, 8, false, R_GE),
	BIN(i16x8_eq, 16, false, R_EQ), BIN(i16x8_ne, 16, false, R_NE),
	BIN(i16x8_lt_s, 16, true, R_LT), BIN(i16x8_lt_u, 16, false, R_LT),
	BIN(i16x8_gt_s, 16, true, R_GT), BIN(i16x8_gt_u, 16, false, R_GT),
	BIN(i16x8_le_s, 16, true, R_LE), BIN(i16x8_le_u, 16, false, R_LE),
	BIN(i16x8_ge_s, 16, true, R_GE), BIN(i16x8_ge_u, 16, false, R_GE),
	BIN(i32x4_eq, 32, false, R_EQ), BIN(i32x4_ne, 32, false, R_NE),
	BIN(i32x4_lt_s, 32, true, R_LT), BIN(i32x4_lt_u, 32, false, R_LT),
	BIN(i32x4_gt_s, 32, true, R_GT), BIN(i32x4_gt_u, 32, false, R_GT),
	BIN(i32x4_le_s, 32, true, R_LE), BIN(i32x4_le_u, 32, false, R_LE),
	BIN(i32x4_ge_s, 32, true, R_GE), BIN(i32x4_ge_u, 32, false, R_GE),
	BIN(i64x2_eq, 64, false, R_EQ), BIN(i64x2_ne, 64, false, R_NE),
	BIN(i64x2_lt_s, 64, true, R_LT), BIN(i64x2_gt_s, 64, true, R_GT),
	BIN(i64x2_le_s, 64, true, R_LE), BIN(i64x2_ge_s, 64, true, R_GE),
	UN(i8x16_abs, 8, true, R_ABS), UN(i16x8_abs, 16, true, R_ABS),
	UN(i32x4_abs, 32, true, R_ABS), UN(i64x2_abs, 64, true, R_ABS),
	UN(i8x16_neg, 8, true, R_NEG), UN(i16x8_neg, 16, true, R_NEG),
	UN(i32x4_neg, 32, true, R_NEG), UN(i64x2_neg, 64, true, R_NEG),
	UN(i8x16_popcnt, 8, false, R_POPCNT),
};
#undef BIN
#undef UN
/* clang-format on */

TEST(wasm_simd_ops, integer_lanewise_vs_reference)
{
	struct rng r = {0x9e3779b97f4a7c15u};

	for (unsigned k = 0; k < ARRAY_SIZE(lanewise_ops); k++) {
		const struct lanewise *o = &lanewise_ops[k];

		for (unsigned n = 0; n < ROUNDS; n++) {
			v128_t a = edge_vec(&r, o->w), b = edge_vec(&r, o->w), want, got;

			for (unsigned i = 0; i < 128 / o->w; i++)
				lane_set(&want, o->w, i,
					 ref_lane(o->op, lane_get(a, o->w, i, o->sgn),
						  lane_get(b, o->w, i, o->sgn), o->w, o->sgn));
			got = o->bin ? o->bin(a, b) : o->un(a);
			if (!EXPECT(same(got, want))) {
				report(t, o->name, a, b, got, want);
				break;
			}
		}
	}
}

/* ---- shifts: counts past the width wrap modulo the width ---- */

struct shift_op {
	const char *name;
	v128_t (*fn)(v128_t, uint32_t);
	unsigned w;
	int kind; /* 0 shl, 1 shr_s, 2 shr_u */
};

/* clang-format off */
#define SH(name, w, kind) {#name, simd_##name, w, kind}
static const struct shift_op shift_ops[] = {
	SH(i8x16_shl, 8, 0), SH(i8x16_shr_s, 8, 1), SH(i8x16_shr_u, 8, 2),
	SH(i16x8_shl, 16, 0), SH(i16x8_shr_s, 16, 1), SH(i16x8_shr_u, 16, 2),
	SH(i32x4_shl, 32, 0), SH(i32x4_shr_s, 32, 1), SH(i32x4_shr_u, 32, 2),
	SH(i64x2_shl, 64, 0), SH(i64x2_shr_s, 64, 1), SH(i64x2_shr_u, 64, 2),
};
#undef SH
/* clang-format on */

TEST(wasm_simd_ops, shifts_vs_reference)
{
	struct rng r = {0x2545f4914f6cdd1du};
	uint32_t counts[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 0xffffffffu};

	for (unsigned k = 0; k < ARRAY_SIZE(shift_ops); k++) {
		const struct shift_op *o = &shift_ops[k];

		for (unsigned n = 0; n < ROUNDS; n++) {
			v128_t a = edge_vec(&r, o->w), want, got;
			uint32_t c = counts[n % ARRAY_SIZE(counts)];
			unsigned s = c % o->w;

			for (unsigned i = 0; i < 128 / o->w; i++) {
				__int128 x = lane_get(a, o->w, i, o->kind == 1);
				__int128 p = (__int128)1 << s;

				/* shr_s is floor division by 2^s */
				lane_set(&want, o->w, i,
					 o->kind == 0 ? x * p
					 : x >= 0     ? x / p
						      : -((-x + p - 1) / p));
			}
			got = o->fn(a, c);
			if (!EXPECT(same(got, want))) {
				test_printf(t, "  count %u\n", c);
				report(t, o->name, a, a, got, want);
				break;
			}
		}
	}
}

/* ---- lane width changes ---- */

TEST(wasm_simd_ops, widen_narrow_vs_reference)
{
	struct rng r = {0x853c49e6748fea9bu};

	for (unsigned n = 0; n < ROUNDS; n++) {
		for (unsigned w = 8; w <= 32; w *= 2) {
			v128_t a = edge_vec(&r, w), b = edge_vec(&r, w);
			unsigned nw = 128 / (2 * w); /* wide lanes */

			for (unsigned sgn = 0; sgn < 2; sgn++) {
				for (unsigned half = 0; half < 2; half++) {
					v128_t ext, mul, got_ext, got_mul;

					for (unsigned i = 0; i < nw; i++) {
						__int128 x = lane_get(a, w, half * nw + i, sgn);
						__int128 y = lane_get(b, w, half * nw + i, sgn);

						lane_set(&ext, 2 * w, i, x);
						lane_set(&mul, 2 * w, i, x * y);
					}
#define PICK(s8, s16, s32) (w == 8 ? s8 : w == 16 ? s16 : s32)
					got_ext = (sgn ? half ? PICK(simd_i16x8_extend_high_i8x16_s,
								     simd_i32x4_extend_high_i16x8_s,
								     simd_i64x2_extend_high_i32x4_s)
							      : PICK(simd_i16x8_extend_low_i8x16_s,
								     simd_i32x4_extend_low_i16x8_s,
								     simd_i64x2_extend_low_i32x4_s)
						   : half ? PICK(simd_i16x8_extend_high_i8x16_u,
								 simd_i32x4_extend_high_i16x8_u,
								 simd_i64x2_extend_high_i32x4_u)
							  : PICK(simd_i16x8_extend_low_i8x16_u,
								 simd_i32x4_extend_low_i16x8_u,
								 simd_i64x2_extend_low_i32x4_u))(a);
					got_mul = (sgn ? half ? PICK(simd_i16x8_extmul_high_i8x16_s,
								     simd_i32x4_extmul_high_i16x8_s,
								     simd_i64x2_extmul_high_i32x4_s)
							      : PICK(simd_i16x8_extmul_low_i8x16_s,
								     simd_i32x4_extmul_low_i16x8_s,
								     simd_i64x2_extmul_low_i32x4_s)
						   : half ? PICK(simd_i16x8_extmul_high_i8x16_u,
								 simd_i32x4_extmul_high_i16x8_u,
								 simd_i64x2_extmul_high_i32x4_u)
							  : PICK(simd_i16x8_extmul_low_i8x16_u,
								 simd_i32x4_extmul_low_i16x8_u,
								 simd_i64x2_extmul_low_i32x4_u))(a,
												 b);
					if (!EXPECT(same(got_ext, ext)))
						report(t, "extend", a, a, got_ext, ext);
					if (!EXPECT(same(got_mul, mul)))
						report(t, "extmul", a, b, got_mul, mul);
				}
				if (w < 32) {
					/* extadd_pairwise and narrow */
					v128_t aw = edge_vec(&r, 2 * w), bw = edge_vec(&r, 2 * w);
					v128_t add, nar, got_add, got_nar;

					for (unsigned i = 0; i < 64 / w; i++)
						lane_set(&add, 2 * w, i,
							 lane_get(a, w, 2 * i, sgn) +
								 lane_get(a, w, 2 * i + 1, sgn));
					for (unsigned i = 0; i < 128 / w; i++) {
						v128_t src = i < 64 / w ? aw : bw;

						lane_set(&nar, w, i,
							 clamp(lane_s(src, 2 * w, i % (64 / w)), w,
							       sgn));
					}
					got_add = (sgn ? PICK(simd_i16x8_extadd_pairwise_i8x16_s,
							      simd_i32x4_extadd_pairwise_i16x8_s,
							      NULL)
						       : PICK(simd_i16x8_extadd_pairwise_i8x16_u,
							      simd_i32x4_extadd_pairwise_i16x8_u,
							      NULL))(a);
					got_nar = (sgn ? PICK(simd_i8x16_narrow_i16x8_s,
							      simd_i16x8_narrow_i32x4_s, NULL)
						       : PICK(simd_i8x16_narrow_i16x8_u,
							      simd_i16x8_narrow_i32x4_u, NULL))(aw,
												bw);
#undef PICK
					if (!EXPECT(same(got_add, add)))
						report(t, "extadd", a, a, got_add, add);
					if (!EXPECT(same(got_nar, nar)))
						report(t, "narrow", aw, bw, got_nar, nar);
				}
			}
		}
	}
}

TEST(wasm_simd_ops, dot_vs_reference)
{
	struct rng r = {0xda942042e4dd58b5u};

	for (unsigned n = 0; n < ROUNDS; n++) {
		v128_t a = edge_vec(&r, 16), b = edge_vec(&r, 16), c = edge_vec(&r, 32);
		v128_t a8 = edge_vec(&r, 8), b8 = edge_vec(&r, 8);
		v128_t dot, d16, d32;

		for (unsigned i = 0; i < 4; i++) {
			lane_set(&dot, 32, i,
				 lane_s(a, 16, 2 * i) * lane_s(b, 16, 2 * i) +
					 lane_s(a, 16, 2 * i + 1) * lane_s(b, 16, 2 * i + 1));
		}
		/* relaxed dot, our choice: b signed, pair sums saturated to i16,
		 * then pairs of those plus c, wrapping in i32 */
		for (unsigned i = 0; i < 8; i++)
			lane_set(&d16, 16, i,
				 clamp(lane_s(a8, 8, 2 * i) * lane_s(b8, 8, 2 * i) +
					       lane_s(a8, 8, 2 * i + 1) * lane_s(b8, 8, 2 * i + 1),
				       16, true));
		for (unsigned i = 0; i < 4; i++)
			lane_set(&d32, 32, i,
				 lane_s(d16, 16, 2 * i) + lane_s(d16, 16, 2 * i + 1) +
					 lane_s(c, 32, i));
		if (!EXPECT(same(simd_i32x4_dot_i16x8_s(a, b), dot)))
			report(t, "dot", a, b, simd_i32x4_dot_i16x8_s(a, b), dot);
		if (!EXPECT(same(simd_i16x8_relaxed_dot_i8x16_i7x16_s(a8, b8), d16)))
			report(t, "relaxed_dot", a8, b8,
			       simd_i16x8_relaxed_dot_i8x16_i7x16_s(a8, b8), d16);
		EXPECT(same(simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(a8, b8, c), d32));
	}
}

/* ---- whole-vector ops ---- */

TEST(wasm_simd_ops, reductions_and_bits_vs_reference)
{
	struct rng r = {0x5851f42d4c957f2du};

	for (unsigned n = 0; n < ROUNDS; n++) {
		unsigned w = 8u << (n % 4);
		v128_t a = edge_vec(&r, w), b = edge_vec(&r, w), c = edge_vec(&r, 8);
		uint32_t mask = 0, all = 1, any = 0;
		v128_t sel;

		/* a lane of zeros now and then, for all_true */
		if (n % 3 == 0)
			lane_set(&a, w, (unsigned)(rng_next(&r) % (128 / w)), 0);
		for (unsigned i = 0; i < 128 / w; i++) {
			mask |= (uint32_t)(lane_s(a, w, i) < 0) << i;
			all &= lane_u(a, w, i) != 0;
		}
		for (unsigned i = 0; i < 16; i++) {
			any |= a.b[i] != 0;
			sel.b[i] = (uint8_t)((a.b[i] & c.b[i]) | (b.b[i] & ~c.b[i]));
		}
		switch (w) {
		case 8:
			EXPECT_EQ(simd_i8x16_bitmask(a), mask);
			EXPECT_EQ(simd_i8x16_all_true(a), all);
			break;
		case 16:
			EXPECT_EQ(simd_i16x8_bitmask(a), mask);
			EXPECT_EQ(simd_i16x8_all_true(a), all);
			break;
		case 32:
			EXPECT_EQ(simd_i32x4_bitmask(a), mask);
			EXPECT_EQ(simd_i32x4_all_true(a), all);
			break;
		default:
			EXPECT_EQ(simd_i64x2_bitmask(a), mask);
			EXPECT_EQ(simd_i64x2_all_true(a), all);
			break;
		}
		EXPECT_EQ(simd_v128_any_true(a), any);
		EXPECT(same(simd_v128_bitselect(a, b, c), sel));
		EXPECT(same(simd_i8x16_relaxed_laneselect(a, b, c), sel));
		EXPECT(same(simd_i16x8_relaxed_laneselect(a, b, c), sel));
		EXPECT(same(simd_i32x4_relaxed_laneselect(a, b, c), sel));
		EXPECT(same(simd_i64x2_relaxed_laneselect(a, b, c), sel));
	}
	EXPECT_EQ(simd_v128_any_true(simd_i64x2_splat(0)), 0);
	EXPECT_EQ(simd_v128_any_true(simd_i64x2_replace_lane(simd_i64x2_splat(0), 1, 1)), 1);
}

TEST(wasm_simd_ops, lanes_shuffle_swizzle)
{
	v128_t a, b, s, got;
	uint8_t lanes[16];

	for (unsigned i = 0; i < 16; i++) {
		a.b[i] = (uint8_t)(0x80 + i);
		b.b[i] = (uint8_t)(0x10 + i);
		lanes[i] = (uint8_t)(31 - 2 * i);
		s.b[i] = (uint8_t)(i * 17); /* 0, 17, 34, ... only lane 0 in range */
	}
	got = simd_i8x16_shuffle(a, b, lanes);
	for (unsigned i = 0; i < 16; i++)
		EXPECT_EQ(got.b[i], lanes[i] < 16 ? a.b[lanes[i]] : b.b[lanes[i] - 16]);
	s.b[5] = 15;
	s.b[6] = 16;
	s.b[7] = 255;
	got = simd_i8x16_swizzle(a, s);
	EXPECT_EQ(got.b[0], 0x80);
	EXPECT_EQ(got.b[5], 0x8f);
	EXPECT_EQ(got.b[6], 0);
	EXPECT_EQ(got.b[7], 0);
	EXPECT(same(simd_i8x16_relaxed_swizzle(a, s), got));

	EXPECT_EQ(simd_i8x16_extract_lane_s(a, 15), 0xffffff8fu);
	EXPECT_EQ(simd_i8x16_extract_lane_u(a, 15), 0x8fu);
	EXPECT_EQ(simd_i16x8_extract_lane_s(a, 0), 0xffff8180u);
	EXPECT_EQ(simd_i16x8_extract_lane_u(a, 0), 0x8180u);
	EXPECT_EQ(simd_i32x4_extract_lane(b, 3), 0x1f1e1d1cu);
	EXPECT_EQ_U(simd_i64x2_extract_lane(b, 1), UINT64_C(0x1f1e1d1c1b1a1918));
	EXPECT_EQ(simd_f32x4_extract_lane(simd_f32x4_splat(0x7fa00001u), 2), 0x7fa00001u);
	EXPECT_EQ_U(simd_f64x2_extract_lane(simd_f64x2_splat(UINT64_C(0xfff0000000000001)), 1),
		    UINT64_C(0xfff0000000000001));
	/* splat and replace keep the low bits of the scalar */
	EXPECT_EQ(simd_i8x16_extract_lane_u(simd_i8x16_splat(0x1234), 9), 0x34);
	EXPECT_EQ(simd_i16x8_extract_lane_u(simd_i16x8_replace_lane(a, 3, 0xabcdef), 3), 0xcdef);
	EXPECT_EQ(simd_i16x8_extract_lane_u(simd_i16x8_replace_lane(a, 3, 0xabcdef), 2), 0x8584);
	EXPECT_EQ(simd_i32x4_extract_lane(simd_f32x4_replace_lane(a, 1, 0x3f800000u), 1),
		  0x3f800000u);
	EXPECT_EQ_U(simd_f64x2_extract_lane(simd_i64x2_replace_lane(a, 0, 7), 0), 7);
	/* lane indices past the end stay inside the vector (modulo the count) */
	EXPECT_EQ(simd_i8x16_extract_lane_u(a, 17), 0x81);
	EXPECT_EQ(simd_i32x4_extract_lane(b, 5), 0x17161514u);
	lanes[0] = 200; /* 200 % 32 = 8 */
	EXPECT_EQ(simd_i8x16_shuffle(a, b, lanes).b[0], 0x88);
}
