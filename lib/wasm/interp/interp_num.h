/*
 * interp_num.h - the numeric operators whose C expression is not the spec's
 * semantics: float rounding without libm, min/max with signed zeros and
 * NaNs, checked float-to-int truncation, bit counts.
 *
 * Floats travel as raw bits in 64-bit slots; these helpers convert with
 * memcpy so NaN payloads survive. Results of arithmetic on NaNs come from the
 * hardware, which yields a quiet NaN (canonical, or the input's payload
 * quieted): both are what the spec allows.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline float num_f32(uint64_t s)
{
	uint32_t u = (uint32_t)s;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static inline double num_f64(uint64_t s)
{
	double d;

	memcpy(&d, &s, 8);
	return d;
}

static inline uint64_t num_bits32(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static inline uint64_t num_bits64(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

/* sqrt is one instruction everywhere we run; __builtin_sqrt may become a
 * libm call (errno), which the kernel does not have. */
static inline double num_sqrt64(double x)
{
	double r;
#if defined(__riscv)
	__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
#elif defined(__x86_64__)
	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
#elif defined(__aarch64__)
	__asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
#else
	r = __builtin_sqrt(x);
#endif
	return r;
}

static inline float num_sqrt32(float x)
{
	float r;
#if defined(__riscv)
	__asm__("fsqrt.s %0, %1" : "=f"(r) : "f"(x));
#elif defined(__x86_64__)
	__asm__("sqrtss %1, %0" : "=x"(r) : "x"(x));
#elif defined(__aarch64__)
	__asm__("fsqrt %s0, %s1" : "=w"(r) : "w"(x));
#else
	r = __builtin_sqrtf(x);
#endif
	return r;
}

/* Rounding: values of magnitude >= 2^52 (2^23) are integers already. */
static inline double num_copysign64(double m, double s)
{
	uint64_t b = (num_bits64(m) & ~(UINT64_C(1) << 63)) | (num_bits64(s) & (UINT64_C(1) << 63));

	return num_f64(b);
}

static inline float num_copysign32(float m, float s)
{
	uint64_t b = (num_bits32(m) & 0x7fffffffu) | (num_bits32(s) & 0x80000000u);

	return num_f32(b);
}

static inline double num_trunc64(double x)
{
	if (x != x)
		return x + x;
	if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
		return x;
	return num_copysign64((double)(int64_t)x, x);
}

static inline double num_floor64(double x)
{
	double t = num_trunc64(x);

	return t > x ? t - 1.0 : t;
}

static inline double num_ceil64(double x)
{
	double t = num_trunc64(x);

	return t < x ? t + 1.0 : t;
}

/* Round half to even: adding and removing 2^52 rounds in the current mode,
 * round-to-nearest-even, which is the only mode we ever run in. */
static inline double num_nearest64(double x)
{
	double a;

	if (x != x)
		return x + x;
	a = num_copysign64(x, 1.0);
	if (!(a < 4503599627370496.0))
		return x;
	a = (a + 4503599627370496.0) - 4503599627370496.0;
	return num_copysign64(a, x);
}

static inline float num_trunc32(float x)
{
	if (x != x)
		return x + x;
	if (!(x > -8388608.0f && x < 8388608.0f))
		return x;
	return num_copysign32((float)(int32_t)x, x);
}

static inline float num_floor32(float x)
{
	float t = num_trunc32(x);

	return t > x ? t - 1.0f : t;
}

static inline float num_ceil32(float x)
{
	float t = num_trunc32(x);

	return t < x ? t + 1.0f : t;
}

static inline float num_nearest32(float x)
{
	float a;

	if (x != x)
		return x + x;
	a = num_copysign32(x, 1.0f);
	if (!(a < 8388608.0f))
		return x;
	a = (a + 8388608.0f) - 8388608.0f;
	return num_copysign32(a, x);
}

/* min/max: NaN if either is; -0 < +0. */
static inline uint64_t num_min64(double a, double b)
{
	if (a != a || b != b)
		return num_bits64(a + b);
	if (a == b)
		return num_bits64(a) | num_bits64(b);
	return num_bits64(a < b ? a : b);
}

static inline uint64_t num_max64(double a, double b)
{
	if (a != a || b != b)
		return num_bits64(a + b);
	if (a == b)
		return num_bits64(a) & num_bits64(b);
	return num_bits64(a > b ? a : b);
}

static inline uint64_t num_min32(float a, float b)
{
	if (a != a || b != b)
		return num_bits32(a + b);
	if (a == b)
		return num_bits32(a) | num_bits32(b);
	return num_bits32(a < b ? a : b);
}

static inline uint64_t num_max32(float a, float b)
{
	if (a != a || b != b)
		return num_bits32(a + b);
	if (a == b)
		return num_bits32(a) & num_bits32(b);
	return num_bits32(a > b ? a : b);
}

/*
 * Float to integer: the value must lie strictly between the bounds given
 * (exclusive), all exactly representable as doubles. Returns the trap kind
 * (0, WASM_TRAP_INVALID_CONV for NaN, WASM_TRAP_INT_OVERFLOW) and the
 * truncated value in *out as a double.
 */
static inline int num_trunc_check(double x, double lo, double hi)
{
	if (x != x)
		return 1;
	if (!(x > lo && x < hi))
		return 2;
	return 0;
}

#define NUM_I32_LO_S -2147483649.0
#define NUM_I32_HI_S 2147483648.0
#define NUM_I32_LO_U -1.0
#define NUM_I32_HI_U 4294967296.0
#define NUM_I64_LO_S -9223372036854777856.0 /* next double below -2^63 */
#define NUM_I64_HI_S 9223372036854775808.0
#define NUM_I64_LO_U -1.0
#define NUM_I64_HI_U 18446744073709551616.0

static inline uint64_t num_sat_s32(double x)
{
	if (x != x)
		return 0;
	if (x <= -2147483648.0)
		return (uint32_t)INT32_MIN;
	if (x >= 2147483647.0)
		return (uint32_t)INT32_MAX;
	return (uint32_t)(int32_t)x;
}

static inline uint64_t num_sat_u32(double x)
{
	if (x != x || x <= 0.0)
		return 0;
	if (x >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)x;
}

static inline uint64_t num_sat_s64(double x)
{
	if (x != x)
		return 0;
	if (x <= -9223372036854775808.0)
		return (uint64_t)INT64_MIN;
	if (x >= 9223372036854775808.0)
		return (uint64_t)INT64_MAX;
	return (uint64_t)(int64_t)x;
}

static inline uint64_t num_sat_u64(double x)
{
	if (x != x || x <= 0.0)
		return 0;
	if (x >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)x;
}

static inline uint32_t num_popcnt64(uint64_t v)
{
	v = v - ((v >> 1) & UINT64_C(0x5555555555555555));
	v = (v & UINT64_C(0x3333333333333333)) + ((v >> 2) & UINT64_C(0x3333333333333333));
	v = (v + (v >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (uint32_t)((v * UINT64_C(0x0101010101010101)) >> 56);
}

static inline uint32_t num_rotl32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a << b) | (a >> ((32 - b) & 31));
}

static inline uint32_t num_rotr32(uint32_t a, uint32_t b)
{
	b &= 31;
	return (a >> b) | (a << ((32 - b) & 31));
}

static inline uint64_t num_rotl64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a << b) | (a >> ((64 - b) & 63));
}

static inline uint64_t num_rotr64(uint64_t a, uint64_t b)
{
	b &= 63;
	return (a >> b) | (a << ((64 - b) & 63));
}
