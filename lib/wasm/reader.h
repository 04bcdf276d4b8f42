/*
 * reader.h - a bounded cursor over a WebAssembly binary, with LEB128.
 *
 * Invariant: pos <= end <= file_len, and no function reads a byte at or
 * beyond `end`. `end` is the end of the current section or function body (or
 * of the file); reading past it fails with the spec testsuite's text,
 * "unexpected end" at the end of the file and "unexpected end of section or
 * function" inside it. Every LEB128 read enforces the format's length limit
 * (ceil(N/7) bytes for an N-bit integer: "integer representation too long")
 * and that the unused bits of the last byte are zero, or copies of the sign
 * bit for signed integers ("integer too large").
 *
 * A failed read records the first message and its offset in the reader and
 * returns false; once failed, results are unspecified but still bounded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wasm_reader {
	const uint8_t *buf; /* the whole binary */
	size_t pos;	    /* next byte to read */
	size_t end;	    /* reads stop here (exclusive) */
	size_t file_len;    /* length of buf */
	const char *fail;   /* first failure's message, NULL if none */
	size_t fail_pos;    /* offset of the first failure */
};

/* wasm_reader_init - a reader over buf[0, len). */
static inline void wasm_reader_init(struct wasm_reader *r, const uint8_t *buf, size_t len)
{
	r->buf = buf;
	r->pos = 0;
	r->end = len;
	r->file_len = len;
	r->fail = NULL;
	r->fail_pos = 0;
}

/* wasm_reader_error - records `msg` at the current position (if it is the
 * first failure) and returns false. */
static inline bool wasm_reader_error(struct wasm_reader *r, const char *msg)
{
	if (!r->fail) {
		r->fail = msg;
		r->fail_pos = r->pos;
	}
	return false;
}

static inline bool wasm_reader_eof_error(struct wasm_reader *r)
{
	return wasm_reader_error(r, r->end == r->file_len
					    ? "unexpected end"
					    : "unexpected end of section or function");
}

static inline size_t wasm_reader_left(const struct wasm_reader *r)
{
	return r->end - r->pos;
}

static inline bool wasm_reader_u8(struct wasm_reader *r, uint8_t *out)
{
	if (r->pos >= r->end)
		return wasm_reader_eof_error(r);
	*out = r->buf[r->pos++];
	return true;
}

/* wasm_reader_bytes - points *out at the next n bytes and skips them. */
static inline bool wasm_reader_bytes(struct wasm_reader *r, size_t n, const uint8_t **out)
{
	if (n > wasm_reader_left(r)) {
		r->pos = r->end;
		return wasm_reader_eof_error(r);
	}
	*out = r->buf + r->pos;
	r->pos += n;
	return true;
}

/*
 * wasm_reader_leb - an LEB128 integer of `bits` bits (1..64), signed or not.
 * A signed result is sign-extended to 64 bits.
 */
static inline bool wasm_reader_leb(struct wasm_reader *r, unsigned bits, bool is_signed,
				   uint64_t *out)
{
	unsigned max_bytes = (bits + 6) / 7;
	uint64_t v = 0;
	unsigned shift = 0;

	/* Fast path: one byte of a wider integer, which is always in range
	 * (only the last of max_bytes > 1 bytes has bits to check). */
	if (bits > 7 && r->pos < r->end && r->buf[r->pos] < 0x80) {
		v = r->buf[r->pos++];
		if (is_signed && (v & 0x40))
			v |= ~(uint64_t)0 << 7;
		*out = v;
		return true;
	}
	for (unsigned i = 0; i < max_bytes; i++) {
		uint8_t b;

		if (!wasm_reader_u8(r, &b))
			return false;
		if (i == max_bytes - 1) {
			unsigned used = bits - 7 * i; /* 1..7 bits of payload */

			if (b & 0x80)
				return wasm_reader_error(r, "integer representation too long");
			if (is_signed) {
				uint8_t mask = (uint8_t)((0x7f << (used - 1)) & 0x7f);

				if ((b & mask) != 0 && (b & mask) != mask)
					return wasm_reader_error(r, "integer too large");
			} else if (used < 7 && (b >> used) != 0) {
				return wasm_reader_error(r, "integer too large");
			}
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (is_signed && shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			if (is_signed && bits < 64) {
				/* canonical 64-bit sign extension from `bits` */
				uint64_t sign = (uint64_t)1 << (bits - 1);

				v &= ((uint64_t)1 << bits) - 1;
				v = (v ^ sign) - sign;
			}
			*out = v;
			return true;
		}
	}
	return false; /* unreachable: the last byte returns above */
}

static inline bool wasm_reader_u32(struct wasm_reader *r, uint32_t *out)
{
	uint64_t v;

	/* fast path: one byte */
	if (r->pos < r->end && r->buf[r->pos] < 0x80) {
		*out = r->buf[r->pos++];
		return true;
	}
	if (!wasm_reader_leb(r, 32, false, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static inline bool wasm_reader_s32(struct wasm_reader *r, int32_t *out)
{
	uint64_t v;

	if (!wasm_reader_leb(r, 32, true, &v))
		return false;
	*out = (int32_t)(uint32_t)v;
	return true;
}

/* s33: the block type index encoding. */
static inline bool wasm_reader_s33(struct wasm_reader *r, int64_t *out)
{
	uint64_t v;

	if (!wasm_reader_leb(r, 33, true, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* wasm_reader_blocktype - a block type as an s33 (-64 empty, a negative
 * value type code - 0x80, or a type index); a typed reference (3.0: 0x63
 * or 0x64, then a heap type) reads as funcref's code, -0x10: the slot kind
 * is all a translator needs (the validator checked the type). */
static inline bool wasm_reader_blocktype(struct wasm_reader *r, int64_t *out)
{
	if (r->pos < r->end && (r->buf[r->pos] == 0x63 || r->buf[r->pos] == 0x64)) {
		int64_t heap;

		r->pos++;
		*out = 0x70 - 0x80;
		return wasm_reader_s33(r, &heap);
	}
	return wasm_reader_s33(r, out);
}

/* wasm_reader_valtype_kind - a value type (select's) as its one-byte code,
 * a typed reference (0x63/0x64, then a heap type) as funcref's 0x70: the
 * slot kind, for a translator. */
static inline bool wasm_reader_valtype_kind(struct wasm_reader *r, uint8_t *out)
{
	int64_t heap;

	if (!wasm_reader_u8(r, out))
		return false;
	if (*out != 0x63 && *out != 0x64)
		return true;
	*out = 0x70;
	return wasm_reader_s33(r, &heap);
}

static inline bool wasm_reader_s64(struct wasm_reader *r, int64_t *out)
{
	uint64_t v;

	if (!wasm_reader_leb(r, 64, true, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* Little-endian fixed-width (float bits). */
static inline bool wasm_reader_fixed32(struct wasm_reader *r, uint32_t *out)
{
	const uint8_t *p;

	if (!wasm_reader_bytes(r, 4, &p))
		return false;
	*out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return true;
}

static inline bool wasm_reader_fixed64(struct wasm_reader *r, uint64_t *out)
{
	uint32_t lo, hi;

	if (!wasm_reader_fixed32(r, &lo) || !wasm_reader_fixed32(r, &hi))
		return false;
	*out = (uint64_t)hi << 32 | lo;
	return true;
}
