/*
 * wat_num.h - the text format's number literals (spec 6.3.1-6.3.2): integers
 * in decimal or hex with `_` between digits, and floats in every form:
 * decimal and hex with optional fraction and exponent, `inf`, `nan` and
 * `nan:0x...`, each with an optional sign.
 *
 * Floats are rounded to nearest, ties to even, from the exact value of the
 * literal however many digits it has (decimal by big-integer division);
 * a literal that rounds to infinity is out of range, as the spec says.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* wat_parse_uint - an unsigned literal (no sign) of at most `bits` bits.
 * Returns 0, ERR_MALFORMED (not such a literal) or ERR_RANGE. */
int wat_parse_uint(const char *s, size_t n, unsigned bits, uint64_t *out);

/* wat_parse_int - iN: unsigned up to 2^bits - 1, or signed (with + or -)
 * in [-2^(bits-1), 2^(bits-1)); the result is the two's complement bits.
 * Errors as wat_parse_uint. */
int wat_parse_int(const char *s, size_t n, unsigned bits, uint64_t *out);

/* wat_parse_float - an fN literal (bits 32 or 64) to its IEEE bits; also
 * accepts the integer forms. Errors as wat_parse_uint (ERR_RANGE: rounds to
 * infinity, or a NaN payload out of range); ERR_NOMEM. */
int wat_parse_float(const char *s, size_t n, unsigned bits, uint64_t *out);

/*
 * The shapes of a v128 literal (`v128.const i32x4 1 2 3 4`), in this
 * order: i8x16, i16x8, i32x4, i64x2, f32x4, f64x2. A lane is an iN or fN
 * literal of its width; the value is the lanes' bits, lane 0 first,
 * little-endian.
 */
enum { WAT_V128_NSHAPES = 6 };

/* wat_v128_shape - the shape named s[0, n), or -1. */
int wat_v128_shape(const char *s, size_t n);

/* The width in bits of a lane of `shape`, and how many lanes it has. */
static inline unsigned wat_v128_lane_bits(int shape)
{
	return shape < 4 ? 8u << shape : 32u << (shape - 4);
}
static inline unsigned wat_v128_lanes(int shape)
{
	return 128 / wat_v128_lane_bits(shape);
}
static inline bool wat_v128_is_float(int shape)
{
	return shape >= 4;
}

/* wat_v128_lane - lane `i` of `shape` from the literal s[0, n), written
 * into v[16]. Errors as wat_parse_float. */
int wat_v128_lane(int shape, const char *s, size_t n, unsigned i, uint8_t v[16]);
