/*
 * rv64_enc.c - the out-of-line parts of the riscv64 encoder: the growing
 * code buffer, constant materialization and late branch patching.
 * Invariant: see rv64_enc.h (words[0..len) emitted, oom sticky).
 */
#include "rv64_enc.h"

#include <stdlib.h>

#include "base/err.h"

void rv64_buf_init(struct rv64_buf *b)
{
	b->words = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void rv64_buf_free(struct rv64_buf *b)
{
	free(b->words);
	rv64_buf_init(b);
}

int rv64_buf_error(const struct rv64_buf *b)
{
	return b->oom ? ERR_NOMEM : 0;
}

bool rv64_buf_grow(struct rv64_buf *b)
{
	size_t ncap = b->cap ? b->cap * 2 : 256;
	uint32_t *w;

	if (b->oom)
		return false;
	if (ncap > SIZE_MAX / sizeof(*w)) {
		b->oom = true;
		return false;
	}
	w = realloc(b->words, ncap * sizeof(*w));
	if (!w) {
		b->oom = true;
		return false;
	}
	b->words = w;
	b->cap = ncap;
	return true;
}

/* The low 12 bits of v as the signed value addi adds. */
static int32_t sext12(int64_t v)
{
	return (int32_t)((uint32_t)v << 20) >> 20;
}

unsigned rv64_li(struct rv64_buf *b, unsigned rd, int64_t v)
{
	ASSERT(rd != RV64_ZERO && rd < 32);
	if (rv64_fits_imm12(v)) {
		rv64_addi(b, rd, RV64_ZERO, (int32_t)v);
		return 1;
	}
	if (v >= INT32_MIN && v <= INT32_MAX) {
		/* lui sets bits 31..12 sign-extended; addiw adds the low part in
		 * 32 bits and sign-extends, so the carry of a negative low part
		 * into bit 31 (e.g. 0x7ffff800) wraps back correctly. */
		int32_t lo = sext12(v);
		uint32_t hi = ((uint32_t)v - (uint32_t)lo) >> 12;

		rv64_lui(b, rd, hi & 0xfffff);
		if (lo == 0)
			return 1;
		rv64_addiw(b, rd, rd, lo);
		return 2;
	}
	/* v = (hi << shift) + lo, hi odd and built first. Unsigned arithmetic
	 * wraps where v - lo would overflow (INT64_MAX); the result is the same
	 * modulo 2^64. */
	int32_t lo = sext12(v);
	int64_t hi = (int64_t)((uint64_t)v - (uint64_t)(int64_t)lo) >> 12;
	unsigned shift = 12;
	unsigned n;

	/* hi != 0: v does not fit in 32 bits, so neither does v - lo. */
	unsigned tz = (unsigned)__builtin_ctzll((uint64_t)hi);
	hi >>= tz;
	shift += tz;
	n = rv64_li(b, rd, hi);
	rv64_slli(b, rd, rd, shift);
	n++;
	if (lo != 0) {
		rv64_addi(b, rd, rd, lo);
		n++;
	}
	return n;
}

static int patch_check(const struct rv64_buf *b, size_t at, size_t target, int64_t *off)
{
	if (at >= b->len)
		return b->oom ? ERR_NOMEM : ERR_INVAL;
	/* word indexes are far below 2^61: the byte distance cannot overflow */
	*off = ((int64_t)target - (int64_t)at) * 4;
	return 0;
}

int rv64_patch_branch(struct rv64_buf *b, size_t at, size_t target)
{
	int64_t off;
	int err = patch_check(b, at, target, &off);
	uint32_t w;

	if (err)
		return err;
	w = b->words[at];
	if ((w & 0x7f) != 0x63)
		return ERR_INVAL;
	if (!rv64_fits_branch(off))
		return ERR_RANGE;
	/* keep rs1, rs2 and funct3; replace the offset bits */
	b->words[at] = (w & 0x01fff000) | rv64_enc_b(0, 0, 0, (int32_t)off);
	return 0;
}

int rv64_patch_jal(struct rv64_buf *b, size_t at, size_t target)
{
	int64_t off;
	int err = patch_check(b, at, target, &off);
	uint32_t w;

	if (err)
		return err;
	w = b->words[at];
	if ((w & 0x7f) != 0x6f)
		return ERR_INVAL;
	if (!rv64_fits_jal(off))
		return ERR_RANGE;
	b->words[at] = (w & 0xf80) | rv64_enc_j(0, (int32_t)off);
	return 0;
}
