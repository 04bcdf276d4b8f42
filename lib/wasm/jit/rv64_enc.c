/*
 * rv64_enc.c - the out-of-line parts of the riscv64 encoder: the growing
 * code buffer, constant materialization and late branch patching.
 * Invariant: see rv64_enc.h (words[0..len) emitted, oom and err sticky).
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
	b->err = 0;
}

void rv64_buf_free(struct rv64_buf *b)
{
	free(b->words);
	rv64_buf_init(b);
}

int rv64_buf_error(const struct rv64_buf *b)
{
	return b->oom ? ERR_NOMEM : b->err;
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

/* The longest sequence li_words() builds: lui, addiw, then three rounds of
 * slli+addi (each round consumes at least 12 of the remaining 32 bits). */
#define LI_MAX 8

/*
 * li_words - the plain sequence for v into w[], returns its length:
 * addi for 12 bits, lui+addiw for 32 bits, otherwise v = (hi << shift) + lo
 * with hi odd, built first by recursion, then shifted and the low 12 bits
 * added.
 */
static unsigned li_words(uint32_t *w, unsigned rd, int64_t v)
{
	if (rv64_fits_imm12(v)) {
		w[0] = rv64_enc_i(0x13, rd, 0, RV64_ZERO, (int32_t)v);
		return 1;
	}
	if (v >= INT32_MIN && v <= INT32_MAX) {
		/* lui sets bits 31..12 sign-extended; addiw adds the low part in
		 * 32 bits and sign-extends, so the carry of a negative low part
		 * into bit 31 (e.g. 0x7ffff800) wraps back correctly. */
		int32_t lo = sext12(v);
		uint32_t hi = ((uint32_t)v - (uint32_t)lo) >> 12;

		w[0] = rv64_enc_u(0x37, rd, hi & 0xfffff);
		if (lo == 0)
			return 1;
		w[1] = rv64_enc_i(0x1b, rd, 0, rd, lo);
		return 2;
	}
	/* Unsigned arithmetic wraps where v - lo would overflow (INT64_MAX);
	 * the result is the same modulo 2^64. |v - lo| >= 2^31 - 2048, so
	 * hi != 0 and has a lowest set bit. */
	int32_t lo = sext12(v);
	int64_t hi = (int64_t)((uint64_t)v - (uint64_t)(int64_t)lo) >> 12;
	unsigned tz = (unsigned)__builtin_ctzll((uint64_t)hi);
	unsigned n = li_words(w, rd, hi >> tz);

	w[n++] = rv64_enc_i(0x13, rd, 1, rd, (int32_t)(12 + tz)); /* slli */
	if (lo != 0)
		w[n++] = rv64_enc_i(0x13, rd, 0, rd, lo);
	return n;
}

unsigned rv64_li(struct rv64_buf *b, unsigned rd, int64_t v)
{
	uint32_t best[LI_MAX], alt[LI_MAX];
	unsigned n, m;

	ASSERT(rd != RV64_ZERO && rd < 32);
	n = li_words(best, rd, v);
	if (v > 0 && n > 2) {
		/* A positive value with leading zeros (masks such as 0xffffffff,
		 * zero-extended constants) is often shorter as a value shifted
		 * up, ones or zeros shifted in, then srli back down. */
		unsigned lz = (unsigned)__builtin_clzll((uint64_t)v);
		uint64_t up = (uint64_t)v << lz;

		for (int ones = 0; ones < 2; ones++) {
			uint64_t cand = ones ? up | (((uint64_t)1 << lz) - 1) : up;

			m = li_words(alt, rd, (int64_t)cand);
			if (m + 1 < n) {
				alt[m++] = rv64_enc_i(0x13, rd, 5, rd, (int32_t)lz); /* srli */
				for (unsigned i = 0; i < m; i++)
					best[i] = alt[i];
				n = m;
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		rv64_emit(b, best[i]);
	return n;
}

/* A failed patch: sticky like a failed encoding (rv64_buf_error). */
static int patch_fail(struct rv64_buf *b, int err)
{
	if (!b->err && err != ERR_NOMEM)
		b->err = err;
	return err;
}

/* The word at `at`, if it has opcode `op`, and the byte distance to target. */
static int patch_check(struct rv64_buf *b, size_t at, size_t target, uint32_t op, int64_t *off)
{
	if (at >= b->len)
		return patch_fail(b, b->oom ? ERR_NOMEM : ERR_INVAL);
	if ((b->words[at] & 0x7f) != op)
		return patch_fail(b, ERR_INVAL);
	/* word indexes are far below 2^61: the byte distance cannot overflow */
	*off = ((int64_t)target - (int64_t)at) * 4;
	return 0;
}

int rv64_patch_branch(struct rv64_buf *b, size_t at, size_t target)
{
	int64_t off;
	int err = patch_check(b, at, target, 0x63, &off);

	if (err)
		return err;
	if (!rv64_fits_branch(off))
		return patch_fail(b, ERR_RANGE);
	/* keep rs1, rs2 and funct3; replace the offset bits */
	b->words[at] = (b->words[at] & 0x01fff000) | rv64_enc_b(0, 0, 0, off);
	return 0;
}

int rv64_patch_jal(struct rv64_buf *b, size_t at, size_t target)
{
	int64_t off;
	int err = patch_check(b, at, target, 0x6f, &off);

	if (err)
		return err;
	if (!rv64_fits_jal(off))
		return patch_fail(b, ERR_RANGE);
	b->words[at] = (b->words[at] & 0xf80) | rv64_enc_j(0, off);
	return 0;
}

int rv64_patch(struct rv64_buf *b, size_t at, size_t target)
{
	if (at < b->len && (b->words[at] & 0x7f) == 0x6f)
		return rv64_patch_jal(b, at, target);
	return rv64_patch_branch(b, at, target);
}
