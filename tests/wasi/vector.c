/*
 * vector.c - a WASI command whose output must not depend on whether it was
 * built with -msimd128: tests/wasi/simd.sh runs the scalar build and the
 * SIMD build and compares what they print.
 *
 * Two kinds of work on the same edge-heavy data (0, -1, MIN, MAX, random
 * bytes; floats with -0, infinities, halves, out-of-range values):
 *   loops   plain C loops (no NaN results: their bits may differ between
 *           scalar and SIMD code) that clang's vectorizer turns into SIMD code with
 *           -msimd128 (v128 loads and stores, lane-wise arithmetic,
 *           reductions) and leaves scalar without;
 *   ops     one 128-bit instruction per case through wasm_simd128.h in the
 *           SIMD build, and the same lane semantics written out in C in the
 *           scalar build: the engine's SIMD path against its scalar path.
 * Each case prints "NAME HASH" (FNV-1a of its results); the last line is
 * "vector done CASES".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define N 1024 /* bytes per input array */

static uint8_t in_a[N], in_b[N], in_c[N], out[N];
static float fa[N / 4], fb[N / 4];
static double da[N / 8];
static int cases;

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fill(uint8_t *p)
{
	static const uint8_t edge[][4] = {
		{0, 0, 0, 0},
		{0xff, 0xff, 0xff, 0xff},
		{0, 0, 0, 0x80},
		{0xff, 0xff, 0xff, 0x7f},
		{1, 0, 0, 0},
		{0x80, 0x80, 0x80, 0x80},
		{0x7f, 0x7f, 0x7f, 0x7f},
		{0x01, 0x80, 0xff, 0x7f},
	};

	for (int i = 0; i < N; i += 4) {
		uint32_t r = next();

		if (r % 3 == 0)
			memcpy(p + i, edge[(r >> 8) % 8], 4);
		else
			memcpy(p + i, &r, 4);
	}
}

static void fill_floats(void)
{
	static const float fedge[] = {0.0f,	  -0.0f,	 0.5f,		 -0.5f,
				      1.5f,	  2.5f,		 -2.5f,		 INFINITY,
				      -INFINITY,  3e9f,		 -3e9f,		 1e-40f,
				      8388609.0f, 4294967040.0f, -2147483904.0f, 65504.0f};

	for (int i = 0; i < N / 4; i++) {
		uint32_t r = next();

		fa[i] = r % 2 ? fedge[(r >> 4) % 16] : (float)((int32_t)next() % 100000) / 64.0f;
		fb[i] = r % 5 ? (float)((int32_t)next() % 1000) / 8.0f : fedge[(r >> 8) % 16];
	}
	for (int i = 0; i < N / 8; i++)
		da[i] = i % 3 ? (double)(int32_t)next() * 1.25 : (double)fedge[i % 16] * 1e30;
}

static void report(const char *name, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3u;
	printf("%s %016llx\n", name, (unsigned long long)h);
	cases++;
}

/* ---- loops for the vectorizer ---- */

static void loops(void)
{
	int8_t *sa = (int8_t *)in_a, *sb = (int8_t *)in_b;
	int16_t s16[N / 2], w16[N / 2];
	int32_t s32[N / 4];
	uint32_t u32[N / 4];
	float f[N / 4];
	int64_t acc = 0;

	for (int i = 0; i < N; i++)
		out[i] = (uint8_t)(in_a[i] + in_b[i]);
	report("loop_add_u8", out, N);
	for (int i = 0; i < N; i++) {
		int s = sa[i] + sb[i];

		out[i] = (uint8_t)(s > 127 ? 127 : s < -128 ? -128 : s);
	}
	report("loop_add_sat_s8", out, N);
	for (int i = 0; i < N; i++)
		out[i] = in_a[i] > in_b[i] ? in_a[i] : in_b[i];
	report("loop_max_u8", out, N);
	for (int i = 0; i < N; i++)
		out[i] = (uint8_t)((in_a[i] + in_b[i] + 1) >> 1);
	report("loop_avgr_u8", out, N);
	for (int i = 0; i < N; i++)
		out[i] = (uint8_t)(sa[i] < 0 ? -sa[i] : sa[i]);
	report("loop_abs_s8", out, N);
	for (int i = 0; i < N / 2; i++) {
		int16_t x, y;

		memcpy(&x, in_a + 2 * i, 2);
		memcpy(&y, in_b + 2 * i, 2);
		s16[i] = (int16_t)((uint32_t)(uint16_t)x * (uint16_t)y);
		w16[i] = (int16_t)(x >> (y & 15));
	}
	report("loop_mul_i16", s16, sizeof(s16));
	report("loop_shr_s16", w16, sizeof(w16));
	for (int i = 0; i < N / 4; i++) {
		int32_t x, y;

		memcpy(&x, in_a + 4 * i, 4);
		memcpy(&y, in_c + 4 * i, 4);
		s32[i] = x < y ? x : y;
		u32[i] = (uint32_t)x * 2654435761u + ((uint32_t)y >> 3);
		acc += (int64_t)x * (int16_t)y;
	}
	report("loop_min_s32", s32, sizeof(s32));
	report("loop_mul_u32", u32, sizeof(u32));
	report("loop_dot_acc", &acc, sizeof(acc));
	for (int i = 0; i < N / 2; i++) {
		int16_t x;

		memcpy(&x, in_c + 2 * i, 2);
		u32[i % (N / 4)] += (uint32_t)((int32_t)x * sa[i]);
	}
	report("loop_widen_mac", u32, sizeof(u32));
	for (int i = 0; i < N / 4; i++)
		f[i] = fa[i] * 0.75f + (fb[i] < 0 ? -3.0f : 5.0f);
	report("loop_f32_muladd", f, sizeof(f));
	for (int i = 0; i < N / 4; i++)
		f[i] = sqrtf(fb[i] < 0 ? -fb[i] : fb[i]);
	report("loop_f32_sqrt", f, sizeof(f));
	for (int i = 0; i < N / 4; i++) {
		float x = fb[i] > -1e8f && fb[i] < 1e8f ? fb[i] : 0.0f;

		s32[i] = (int32_t)(x * 3.0f);
	}
	report("loop_f32_to_i32", s32, sizeof(s32));
	for (int i = 0; i < N / 4; i++)
		f[i] = (float)u32[i];
	report("loop_u32_to_f32", f, sizeof(f));
	for (int i = 0; i < N; i++)
		out[i] = in_a[N - 1 - i];
	report("loop_reverse", out, N);
}

/* ---- single instructions: intrinsics, or the same in scalar C ---- */

struct blk {
	uint8_t b[16];
};

static int64_t sx(const uint8_t *p, int w)
{
	uint64_t v = 0;

	memcpy(&v, p, (size_t)w);
	if (w < 8 && (v >> (8 * w - 1)))
		v |= ~UINT64_C(0) << (8 * w);
	return (int64_t)v;
}

static uint64_t zx(const uint8_t *p, int w)
{
	uint64_t v = 0;

	memcpy(&v, p, (size_t)w);
	return v;
}

static void put(uint8_t *p, int w, int64_t v)
{
	memcpy(p, &v, (size_t)w);
}

static int64_t sat(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static float f32_at(const uint8_t *p)
{
	float f;

	memcpy(&f, p, 4);
	return f;
}

static double f64_at(const uint8_t *p)
{
	double d;

	memcpy(&d, p, 8);
	return d;
}

static int32_t trunc_sat_s32(double x)
{
	if (x != x)
		return 0;
	if (x <= -2147483648.0)
		return INT32_MIN;
	if (x >= 2147483647.0)
		return INT32_MAX;
	return (int32_t)x;
}

static uint32_t trunc_sat_u32(double x)
{
	if (x != x || x <= 0)
		return 0;
	if (x >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)x;
}

/* Each case: out = OP(a, b, c) on one 16-byte block. */
enum op {
	OP_ADD_SAT_S8,
	OP_SUB_SAT_U8,
	OP_SUB_SAT_S16,
	OP_Q15MULR,
	OP_DOT_I16,
	OP_AVGR_U16,
	OP_POPCNT,
	OP_EXTMUL_HI_S8,
	OP_EXTMUL_LO_U32,
	OP_EXTADD_U8,
	OP_EXTADD_S16,
	OP_NARROW_S16,
	OP_NARROW_U32,
	OP_SHUFFLE,
	OP_SWIZZLE,
	OP_BITSELECT,
	OP_SHR_S64,
	OP_MUL_I64,
	OP_ABS_I64,
	OP_GT_S64,
	OP_MIN_U32,
	OP_NEAREST_F32,
	OP_FLOOR_F64,
	OP_PMIN_F32,
	OP_MIN_F32,
	OP_TRUNC_SAT_F32,
	OP_TRUNC_SAT_U_F64,
	OP_CONVERT_U32,
	OP_DEMOTE,
	OP_PROMOTE,
	OP_BITMASK,
	OP_ALL_TRUE,
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	"add_sat_s8", "sub_sat_u8",    "sub_sat_s16",	  "q15mulr",	 "dot_i16",    "avgr_u16",
	"popcnt",     "extmul_hi_s8",  "extmul_lo_u32",	  "extadd_u8",	 "extadd_s16", "narrow_s16",
	"narrow_u32", "shuffle",       "swizzle",	  "bitselect",	 "shr_s64",    "mul_i64",
	"abs_i64",    "gt_s64",	       "min_u32",	  "nearest_f32", "floor_f64",  "pmin_f32",
	"min_f32",    "trunc_sat_f32", "trunc_sat_u_f64", "convert_u32", "demote",     "promote",
	"bitmask",    "all_true",
};

#ifdef __wasm_simd128__
static struct blk op_simd(enum op op, const uint8_t *pa, const uint8_t *pb, const uint8_t *pc)
{
	v128_t a = wasm_v128_load(pa), b = wasm_v128_load(pb), c = wasm_v128_load(pc), r;
	struct blk o;

	switch (op) {
	case OP_ADD_SAT_S8:
		r = wasm_i8x16_add_sat(a, b);
		break;
	case OP_SUB_SAT_U8:
		r = wasm_u8x16_sub_sat(a, b);
		break;
	case OP_SUB_SAT_S16:
		r = wasm_i16x8_sub_sat(a, b);
		break;
	case OP_Q15MULR:
		r = wasm_i16x8_q15mulr_sat(a, b);
		break;
	case OP_DOT_I16:
		r = wasm_i32x4_dot_i16x8(a, b);
		break;
	case OP_AVGR_U16:
		r = wasm_u16x8_avgr(a, b);
		break;
	case OP_POPCNT:
		r = wasm_i8x16_popcnt(a);
		break;
	case OP_EXTMUL_HI_S8:
		r = wasm_i16x8_extmul_high_i8x16(a, b);
		break;
	case OP_EXTMUL_LO_U32:
		r = wasm_u64x2_extmul_low_u32x4(a, b);
		break;
	case OP_EXTADD_U8:
		r = wasm_u16x8_extadd_pairwise_u8x16(a);
		break;
	case OP_EXTADD_S16:
		r = wasm_i32x4_extadd_pairwise_i16x8(a);
		break;
	case OP_NARROW_S16:
		r = wasm_i8x16_narrow_i16x8(a, b);
		break;
	case OP_NARROW_U32:
		r = wasm_u16x8_narrow_i32x4(a, b);
		break;
	case OP_SHUFFLE:
		r = wasm_i8x16_shuffle(a, b, 31, 0, 17, 2, 19, 4, 5, 22, 8, 9, 26, 27, 12, 13, 30,
				       1);
		break;
	case OP_SWIZZLE:
		r = wasm_i8x16_swizzle(a, wasm_u8x16_shr(b, 3));
		break;
	case OP_BITSELECT:
		r = wasm_v128_bitselect(a, b, c);
		break;
	case OP_SHR_S64:
		r = wasm_i64x2_shr(a, pb[0]);
		break;
	case OP_MUL_I64:
		r = wasm_i64x2_mul(a, b);
		break;
	case OP_ABS_I64:
		r = wasm_i64x2_abs(a);
		break;
	case OP_GT_S64:
		r = wasm_i64x2_gt(a, b);
		break;
	case OP_MIN_U32:
		r = wasm_u32x4_min(a, b);
		break;
	case OP_NEAREST_F32:
		r = wasm_f32x4_nearest(a);
		break;
	case OP_FLOOR_F64:
		r = wasm_f64x2_floor(a);
		break;
	case OP_PMIN_F32:
		r = wasm_f32x4_pmin(a, b);
		break;
	case OP_MIN_F32:
		r = wasm_f32x4_min(a, b);
		break;
	case OP_TRUNC_SAT_F32:
		r = wasm_i32x4_trunc_sat_f32x4(a);
		break;
	case OP_TRUNC_SAT_U_F64:
		r = wasm_u32x4_trunc_sat_f64x2_zero(a);
		break;
	case OP_CONVERT_U32:
		r = wasm_f32x4_convert_u32x4(a);
		break;
	case OP_DEMOTE:
		r = wasm_f32x4_demote_f64x2_zero(a);
		break;
	case OP_PROMOTE:
		r = wasm_f64x2_promote_low_f32x4(a);
		break;
	case OP_BITMASK:
		r = wasm_i32x4_make((int32_t)wasm_i8x16_bitmask(a), (int32_t)wasm_i16x8_bitmask(a),
				    (int32_t)wasm_i32x4_bitmask(a), (int32_t)wasm_i64x2_bitmask(a));
		break;
	default:
		r = wasm_i32x4_make(wasm_i8x16_all_true(a), wasm_i16x8_all_true(a),
				    wasm_i32x4_all_true(a), wasm_v128_any_true(a));
		break;
	}
	wasm_v128_store(o.b, r);
	return o;
}
#endif

static struct blk op_scalar(enum op op, const uint8_t *a, const uint8_t *b, const uint8_t *c)
{
	static const uint8_t shuf[16] = {31, 0, 17, 2, 19, 4, 5, 22, 8, 9, 26, 27, 12, 13, 30, 1};
	struct blk o;
	uint8_t ab[32];

	memset(&o, 0, sizeof(o));
	switch (op) {
	case OP_ADD_SAT_S8:
		for (int i = 0; i < 16; i++)
			put(o.b + i, 1, sat(sx(a + i, 1) + sx(b + i, 1), -128, 127));
		break;
	case OP_SUB_SAT_U8:
		for (int i = 0; i < 16; i++)
			put(o.b + i, 1, sat((int64_t)zx(a + i, 1) - (int64_t)zx(b + i, 1), 0, 255));
		break;
	case OP_SUB_SAT_S16:
		for (int i = 0; i < 16; i += 2)
			put(o.b + i, 2, sat(sx(a + i, 2) - sx(b + i, 2), -32768, 32767));
		break;
	case OP_Q15MULR:
		for (int i = 0; i < 16; i += 2)
			put(o.b + i, 2,
			    sat((sx(a + i, 2) * sx(b + i, 2) + 16384) >> 15, -32768, 32767));
		break;
	case OP_DOT_I16:
		for (int i = 0; i < 16; i += 4)
			put(o.b + i, 4,
			    sx(a + i, 2) * sx(b + i, 2) + sx(a + i + 2, 2) * sx(b + i + 2, 2));
		break;
	case OP_AVGR_U16:
		for (int i = 0; i < 16; i += 2)
			put(o.b + i, 2, (int64_t)((zx(a + i, 2) + zx(b + i, 2) + 1) >> 1));
		break;
	case OP_POPCNT:
		for (int i = 0; i < 16; i++)
			o.b[i] = (uint8_t)__builtin_popcount(a[i]);
		break;
	case OP_EXTMUL_HI_S8:
		for (int i = 0; i < 8; i++)
			put(o.b + 2 * i, 2, sx(a + 8 + i, 1) * sx(b + 8 + i, 1));
		break;
	case OP_EXTMUL_LO_U32:
		for (int i = 0; i < 2; i++)
			put(o.b + 8 * i, 8, (int64_t)(zx(a + 4 * i, 4) * zx(b + 4 * i, 4)));
		break;
	case OP_EXTADD_U8:
		for (int i = 0; i < 8; i++)
			put(o.b + 2 * i, 2, (int64_t)(zx(a + 2 * i, 1) + zx(a + 2 * i + 1, 1)));
		break;
	case OP_EXTADD_S16:
		for (int i = 0; i < 4; i++)
			put(o.b + 4 * i, 4, sx(a + 4 * i, 2) + sx(a + 4 * i + 2, 2));
		break;
	case OP_NARROW_S16:
		for (int i = 0; i < 16; i++)
			put(o.b + i, 1, sat(sx((i < 8 ? a : b) + 2 * (i % 8), 2), -128, 127));
		break;
	case OP_NARROW_U32:
		for (int i = 0; i < 8; i++)
			put(o.b + 2 * i, 2, sat(sx((i < 4 ? a : b) + 4 * (i % 4), 4), 0, 65535));
		break;
	case OP_SHUFFLE:
		memcpy(ab, a, 16);
		memcpy(ab + 16, b, 16);
		for (int i = 0; i < 16; i++)
			o.b[i] = ab[shuf[i]];
		break;
	case OP_SWIZZLE:
		for (int i = 0; i < 16; i++)
			o.b[i] = (b[i] >> 3) < 16 ? a[b[i] >> 3] : 0;
		break;
	case OP_BITSELECT:
		for (int i = 0; i < 16; i++)
			o.b[i] = (uint8_t)((a[i] & c[i]) | (b[i] & ~c[i]));
		break;
	case OP_SHR_S64:
		for (int i = 0; i < 16; i += 8)
			put(o.b + i, 8, sx(a + i, 8) >> (b[0] & 63));
		break;
	case OP_MUL_I64:
		for (int i = 0; i < 16; i += 8)
			put(o.b + i, 8, (int64_t)(zx(a + i, 8) * zx(b + i, 8)));
		break;
	case OP_ABS_I64:
		for (int i = 0; i < 16; i += 8)
			put(o.b + i, 8,
			    (int64_t)(sx(a + i, 8) < 0 ? 0 - zx(a + i, 8) : zx(a + i, 8)));
		break;
	case OP_GT_S64:
		for (int i = 0; i < 16; i += 8)
			put(o.b + i, 8, sx(a + i, 8) > sx(b + i, 8) ? -1 : 0);
		break;
	case OP_MIN_U32:
		for (int i = 0; i < 16; i += 4)
			put(o.b + i, 4,
			    (int64_t)(zx(a + i, 4) < zx(b + i, 4) ? zx(a + i, 4) : zx(b + i, 4)));
		break;
	case OP_NEAREST_F32:
		for (int i = 0; i < 16; i += 4) {
			float f = rintf(f32_at(a + i));

			memcpy(o.b + i, &f, 4);
		}
		break;
	case OP_FLOOR_F64:
		for (int i = 0; i < 16; i += 8) {
			double d = floor(f64_at(a + i));

			memcpy(o.b + i, &d, 8);
		}
		break;
	case OP_PMIN_F32:
		for (int i = 0; i < 16; i += 4)
			memcpy(o.b + i, f32_at(b + i) < f32_at(a + i) ? b + i : a + i, 4);
		break;
	case OP_MIN_F32:
		for (int i = 0; i < 16; i += 4) {
			float x = f32_at(a + i), y = f32_at(b + i);
			float m = x < y ? x : y;

			if (x == y) /* -0 is the smaller zero: or the sign bits */
				put(o.b + i, 4, (int64_t)(zx(a + i, 4) | zx(b + i, 4)));
			else
				memcpy(o.b + i, &m, 4);
		}
		break;
	case OP_TRUNC_SAT_F32:
		for (int i = 0; i < 16; i += 4)
			put(o.b + i, 4, trunc_sat_s32(f32_at(a + i)));
		break;
	case OP_TRUNC_SAT_U_F64:
		for (int i = 0; i < 2; i++)
			put(o.b + 4 * i, 4, trunc_sat_u32(f64_at(a + 8 * i)));
		break;
	case OP_CONVERT_U32:
		for (int i = 0; i < 16; i += 4) {
			float f = (float)(uint32_t)zx(a + i, 4);

			memcpy(o.b + i, &f, 4);
		}
		break;
	case OP_DEMOTE:
		for (int i = 0; i < 2; i++) {
			float f = (float)f64_at(a + 8 * i);

			memcpy(o.b + 4 * i, &f, 4);
		}
		break;
	case OP_PROMOTE:
		for (int i = 0; i < 2; i++) {
			double d = f32_at(a + 4 * i);

			memcpy(o.b + 8 * i, &d, 8);
		}
		break;
	case OP_BITMASK:
		for (int w = 1, k = 0; w <= 8; w *= 2, k++) {
			uint32_t m = 0;

			for (int i = 0; i < 16 / w; i++)
				m |= (uint32_t)(sx(a + w * i, w) < 0) << i;
			put(o.b + 4 * k, 4, m);
		}
		break;
	default:
		for (int w = 1, k = 0; w <= 8; w *= 2, k++) {
			int all = 1;

			for (int i = 0; i < 16 / w; i++)
				all &= zx(a + w * i, w) != 0;
			put(o.b + 4 * k, 4, w < 8 ? all : 0);
		}
		for (int i = 0; i < 16; i++)
			o.b[12] |= a[i] != 0;
		break;
	}
	return o;
}

/* The float inputs: fa and fb as blocks, and da (doubles) for the f64
 * and f64-to-narrower cases. NaNs only reach the ops that move bits. */
static void ops(void)
{
	uint8_t res[N];

	for (int op = 0; op < OP_COUNT; op++) {
		const uint8_t *a = in_a, *b = in_b;

		if (op == OP_NEAREST_F32 || op == OP_PMIN_F32 || op == OP_MIN_F32 ||
		    op == OP_TRUNC_SAT_F32 || op == OP_PROMOTE) {
			a = (const uint8_t *)fa;
			b = (const uint8_t *)fb;
		} else if (op == OP_FLOOR_F64 || op == OP_TRUNC_SAT_U_F64 || op == OP_DEMOTE) {
			a = (const uint8_t *)da;
		}
		for (int k = 0; k < N; k += 16) {
#ifdef __wasm_simd128__
			struct blk o = op_simd(op, a + k, b + k, in_c + k);
#else
			struct blk o = op_scalar(op, a + k, b + k, in_c + k);
#endif
			memcpy(res + k, o.b, 16);
		}
		report(op_names[op], res, N);
	}
	/* the scalar version is always compiled: it must stay valid C */
	(void)op_scalar;
}

int main(void)
{
	fill(in_a);
	fill(in_b);
	fill(in_c);
	fill_floats();
	loops();
	ops();
	printf("vector done %d\n", cases);
	return 0;
}
