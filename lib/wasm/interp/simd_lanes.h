/*
 * simd_lanes.h - the vector type of lib/wasm/interp/simd_ops.h and the
 * generators that define its instructions (simd_ops.h has the contract).
 *
 * Two kinds of generator: lane loops (SIMD_UNOP_, SIMD_BINOP_, ...), which
 * copy the vector into an array of lanes, and whole-vector forms
 * (SIMD_V*_), which use clang's vector extension so that a host with
 * 128-bit SIMD gets its instructions. Names ending in '_' are internal.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasm/interp/interp_num.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "simd_lanes.h: the lane arrays assume a little-endian host"
#endif

typedef struct {
	_Alignas(16) uint8_t b[16];
} v128_t;

_Static_assert(sizeof(v128_t) == 16, "v128_t is 16 bytes");

/* clang-format off */

/* Lane-wise generators: a loop over the lanes. The expression sees one lane
 * of each operand as x (and y), of unsigned type T; its value is cast back
 * to T. */
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

/*
 * Whole-vector generators, for the ops that clang's vector extension expresses
 * directly (wrapping arithmetic, comparisons giving lane masks, shifts,
 * selects by mask): the same semantics as a lane loop, but clang cannot
 * split the vector into 64-bit scalars before its vectorizer sees it (it
 * does with the lane arrays, and the SIMD code is lost). One instruction
 * each on a host with 128-bit SIMD; plain lane code on one without (the
 * riscv64 kernel). Vector arithmetic wraps in the lane type: no promotion
 * to int, no signed overflow. A vector comparison gives -1 or 0 per lane;
 * on floats it is false on NaN, except != which is true. The expression
 * sees the operands as vectors x (and y) of T, and a shift's count,
 * already taken modulo the lane width, as s.
 */
#define SIMD_V_(T) T __attribute__((vector_size(16)))
#define SIMD_VSEL_(T, cond, a, b) (((SIMD_V_(T))(cond) & (a)) | (~(SIMD_V_(T))(cond) & (b)))

#define SIMD_VUNOP_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		SIMD_V_(T) x; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		x = (SIMD_V_(T))(expr); \
		memcpy(r.b, &x, 16); \
		return r; \
	}

#define SIMD_VBINOP_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		SIMD_V_(T) x, y; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		memcpy(&y, b.b, 16); \
		x = (SIMD_V_(T))(expr); \
		memcpy(r.b, &x, 16); \
		return r; \
	}

#define SIMD_VSHIFT_(name, T, expr) \
	static inline v128_t simd_##name(v128_t a, uint32_t count) \
	{ \
		SIMD_V_(T) x; \
		unsigned s = count & (8 * sizeof(T) - 1); \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		x = (SIMD_V_(T))(expr); \
		memcpy(r.b, &x, 16); \
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

/* clang-format on */

/* ---- scalar lane helpers ---- */

static inline uint32_t simd_sat_s_(int64_t v, int64_t lo, int64_t hi)
{
	return (uint32_t)(v < lo ? lo : v > hi ? hi : v);
}

static inline uint32_t simd_f32_bits_(float f)
{
	return (uint32_t)num_bits32(f);
}

/* clang-format off */

/*
 * Whole-vector widening: __builtin_convertvector extends each lane of a
 * vector (sign or zero by the source lane type) or truncates it, and
 * __builtin_shufflevector picks lanes, so that clang sees the
 * pack/unpack instructions a SIMD host has for these.
 *   SIMD_H_(T): 8 bytes (half a v128), SIMD_W_(T): 32 bytes (two).
 * Lists of lane indices for the shuffles, by narrow lane count:
 */
#define SIMD_H_(T) T __attribute__((vector_size(8)))
#define SIMD_W_(T) T __attribute__((vector_size(32)))
#define SIMD_LO16_ 0, 1, 2, 3, 4, 5, 6, 7
#define SIMD_HI16_ 8, 9, 10, 11, 12, 13, 14, 15
#define SIMD_EVEN16_ 0, 2, 4, 6, 8, 10, 12, 14
#define SIMD_ODD16_ 1, 3, 5, 7, 9, 11, 13, 15
#define SIMD_LO8_ 0, 1, 2, 3
#define SIMD_HI8_ 4, 5, 6, 7
#define SIMD_EVEN8_ 0, 2, 4, 6
#define SIMD_ODD8_ 1, 3, 5, 7
#define SIMD_LO4_ 0, 1
#define SIMD_HI4_ 2, 3
#define SIMD_ALL2X8_ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define SIMD_ALL2X4_ 0, 1, 2, 3, 4, 5, 6, 7

/* Saturating and rounding ops on lanes of T: both operands widened to
 * WIDE (lanes twice as wide, 32 bytes), expr computed there, where it
 * cannot overflow, clamped to [lo, hi] and narrowed back. */
#define SIMD_VWIDE_(name, T, WIDE, lo, hi, expr) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		SIMD_V_(T) n; \
		SIMD_W_(WIDE) x, y, w; \
		v128_t r; \
		memcpy(&n, a.b, 16); \
		x = __builtin_convertvector(n, SIMD_W_(WIDE)); \
		memcpy(&n, b.b, 16); \
		y = __builtin_convertvector(n, SIMD_W_(WIDE)); \
		w = (expr); \
		w = SIMD_WSEL_(WIDE, w < (lo), (SIMD_W_(WIDE)){0} + (lo), w); \
		w = SIMD_WSEL_(WIDE, w > (hi), (SIMD_W_(WIDE)){0} + (hi), w); \
		n = __builtin_convertvector(w, SIMD_V_(T)); \
		memcpy(r.b, &n, 16); \
		return r; \
	}
#define SIMD_WSEL_(T, cond, a, b) (((SIMD_W_(T))(cond) & (a)) | (~(SIMD_W_(T))(cond) & (b)))

/* Narrowing: a's lanes and b's (signed S) side by side, clamped, and
 * truncated to the narrow lanes N. */
#define SIMD_VNARROW_(name, S, N, lo, hi, ALL) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		SIMD_V_(S) x, y; \
		SIMD_W_(S) w; \
		SIMD_V_(N) n; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		memcpy(&y, b.b, 16); \
		w = __builtin_shufflevector(x, y, ALL); \
		w = SIMD_WSEL_(S, w < (lo), (SIMD_W_(S)){0} + (lo), w); \
		w = SIMD_WSEL_(S, w > (hi), (SIMD_W_(S)){0} + (hi), w); \
		n = __builtin_convertvector(w, SIMD_V_(N)); \
		memcpy(r.b, &n, 16); \
		return r; \
	}

/* extend: the narrow lanes N at indices PICK, widened to W. extmul: the
 * same for both operands, multiplied (the exact product fits in W). */
#define SIMD_VEXTEND_(name, N, W, PICK) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		SIMD_V_(N) x; \
		SIMD_V_(W) w; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		w = __builtin_convertvector(__builtin_shufflevector(x, x, PICK), SIMD_V_(W)); \
		memcpy(r.b, &w, 16); \
		return r; \
	}

#define SIMD_VEXTMUL_(name, N, W, PICK) \
	static inline v128_t simd_##name(v128_t a, v128_t b) \
	{ \
		SIMD_V_(N) x, y; \
		SIMD_V_(W) w; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		memcpy(&y, b.b, 16); \
		w = __builtin_convertvector(__builtin_shufflevector(x, x, PICK), SIMD_V_(W)) * \
		    __builtin_convertvector(__builtin_shufflevector(y, y, PICK), SIMD_V_(W)); \
		memcpy(r.b, &w, 16); \
		return r; \
	}

/* extadd_pairwise: even lanes plus odd lanes, widened (cannot overflow). */
#define SIMD_VEXTADD_(name, N, W, EVEN, ODD) \
	static inline v128_t simd_##name(v128_t a) \
	{ \
		SIMD_V_(N) x; \
		SIMD_V_(W) w; \
		v128_t r; \
		memcpy(&x, a.b, 16); \
		w = __builtin_convertvector(__builtin_shufflevector(x, x, EVEN), SIMD_V_(W)) + \
		    __builtin_convertvector(__builtin_shufflevector(x, x, ODD), SIMD_V_(W)); \
		memcpy(r.b, &w, 16); \
		return r; \
	}

/* clang-format on */
