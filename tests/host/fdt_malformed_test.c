/*
 * fdt_malformed_test.c - lib/fdt on broken blobs: every truncation, header
 * corruption, hand-built bad token streams, and the fuzz regression corpus.
 * Each must give an error with an offset inside the blob, never a crash;
 * every input is copied into an allocation of its exact size so that ASan
 * sees any read past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fdt_exercise.h"
#include "base/err.h"
#include "base/test.h"
#include "fuzz_corpus.h"
#include "fdt/fdt.h"
#include "fdt/fdt_blobs.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- a tiny blob writer for hand-made token streams ---- */

struct builder {
	uint8_t st[8192];
	uint32_t n;
	char str[512];
	uint32_t sn;
};

static void b_u32(struct builder *b, uint32_t v)
{
	put32(b->st + b->n, v);
	b->n += 4;
}

static void b_begin(struct builder *b, const char *name)
{
	size_t l = strlen(name) + 1;
	b_u32(b, 1);
	memset(b->st + b->n, 0, (l + 3) & ~(size_t)3);
	memcpy(b->st + b->n, name, l);
	b->n += (uint32_t)((l + 3) & ~(size_t)3);
}

static uint32_t b_str(struct builder *b, const char *s)
{
	uint32_t off = b->sn;
	size_t l = strlen(s) + 1;
	memcpy(b->str + b->sn, s, l);
	b->sn += (uint32_t)l;
	return off;
}

/* Returns the property token's offset in the structure block. */
static uint32_t b_prop(struct builder *b, const char *name, const void *val, uint32_t len)
{
	uint32_t at = b->n;
	b_u32(b, 3);
	b_u32(b, len);
	b_u32(b, b_str(b, name));
	memset(b->st + b->n, 0, (len + 3) & ~3u);
	memcpy(b->st + b->n, val, len);
	b->n += (len + 3) & ~3u;
	return at;
}

#define OFF_RSV	   40u
#define OFF_STRUCT 56u /* one empty reservation entry before it */

/* The blob, in a malloc'd buffer of exactly its size. */
static uint8_t *b_finish(const struct builder *b, uint32_t *len)
{
	uint32_t off_str = OFF_STRUCT + b->n, total = off_str + b->sn;
	uint8_t *p = calloc(1, total);
	put32(p + 0, FDT_MAGIC);
	put32(p + 4, total);
	put32(p + 8, OFF_STRUCT);
	put32(p + 12, off_str);
	put32(p + 16, OFF_RSV);
	put32(p + 20, 17);
	put32(p + 24, 16);
	put32(p + 32, b->sn);
	put32(p + 36, b->n);
	memcpy(p + OFF_STRUCT, b->st, b->n);
	memcpy(p + off_str, b->str, b->sn);
	*len = total;
	return p;
}

/* Builds, inits, and checks the verdict; err.offset is returned in `*at`. */
static int try_blob(const struct builder *b, uint32_t *at, const char **msg)
{
	struct fdt f;
	struct fdt_error err = {0xffffffffu, NULL};
	uint32_t len;
	uint8_t *p = b_finish(b, &len);
	int e = fdt_init(&f, p, len, &err);
	if (e == 0)
		(void)fdt_exercise(p, len);
	free(p);
	*at = err.offset;
	*msg = err.msg;
	return e;
}

#define EXPECT_BAD(b, want_at, want_msg)                            \
	do {                                                        \
		uint32_t at_;                                       \
		const char *msg_;                                   \
		EXPECT_EQ(try_blob(b, &at_, &msg_), ERR_MALFORMED); \
		EXPECT_EQ(at_, want_at);                            \
		EXPECT_STREQ(msg_ ? msg_ : "(null)", want_msg);     \
	} while (0)

TEST(fdt, built_valid_with_nops)
{
	struct builder b = {.n = 0};
	uint32_t at, len;
	const char *msg;
	struct fdt f;
	const void *v;
	int node;
	b_u32(&b, 4);
	b_begin(&b, "");
	b_u32(&b, 4);
	b_prop(&b, "a", "x", 2);
	b_u32(&b, 4);
	b_begin(&b, "kid@1");
	b_prop(&b, "b", "", 0);
	b_u32(&b, 2);
	b_u32(&b, 4);
	b_u32(&b, 2);
	b_u32(&b, 4);
	b_u32(&b, 9);
	EXPECT_OK(try_blob(&b, &at, &msg));
	uint8_t *p = b_finish(&b, &len);
	if (EXPECT_OK(fdt_init(&f, p, len, NULL))) {
		EXPECT_OK(fdt_path_offset(&f, "/kid", &node));
		EXPECT_OK(fdt_getprop(&f, node, "b", &v, &len));
		/* the root follows a NOP; its property too */
		EXPECT_OK(fdt_path_offset(&f, "/", &node));
		EXPECT_EQ(node, 4);
		EXPECT_OK(fdt_getprop(&f, node, "a", &v, &len));
		EXPECT_EQ(len, 2);
	}
	free(p);
}

TEST(fdt, built_bad_tokens)
{
	struct builder b = {.n = 0};
	b_begin(&b, "");
	b_u32(&b, 5);
	EXPECT_BAD(&b, OFF_STRUCT + 8, "bad token");

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_u32(&b, 2);
	EXPECT_BAD(&b, OFF_STRUCT + 12, "token past end of structure block");

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT + 8, "end token inside a node");

	b = (struct builder){.n = 0};
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT, "no root node");

	b = (struct builder){.n = 0};
	b_u32(&b, 2);
	EXPECT_BAD(&b, OFF_STRUCT, "unbalanced end of node");

	b = (struct builder){.n = 0};
	b_prop(&b, "a", "", 0);
	EXPECT_BAD(&b, OFF_STRUCT, "property outside a node");

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_u32(&b, 2);
	b_begin(&b, "");
	EXPECT_BAD(&b, OFF_STRUCT + 12, "more than one root node");

	b = (struct builder){.n = 0};
	b_begin(&b, "root");
	EXPECT_BAD(&b, OFF_STRUCT + 4, "root node has a name");

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_begin(&b, "");
	EXPECT_BAD(&b, OFF_STRUCT + 12, "empty node name");

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_begin(&b, "kid");
	b_u32(&b, 2);
	uint32_t at = b_prop(&b, "late", "", 0);
	b_u32(&b, 2);
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT + at, "property after a subnode");
}

TEST(fdt, built_bad_names_and_lengths)
{
	struct builder b = {.n = 0};
	uint32_t at;

	/* node name running to the end of the structure block */
	b_begin(&b, "");
	b_u32(&b, 1);
	memset(b.st + b.n, 'a', 8);
	b.n += 8;
	EXPECT_BAD(&b, OFF_STRUCT + 12, "unterminated node name");

	/* property name offset just past the strings block */
	b = (struct builder){.n = 0};
	b_begin(&b, "");
	at = b_prop(&b, "name", "v", 1);
	put32(b.st + at + 8, b.sn);
	b_u32(&b, 2);
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT + at + 8, "property name offset out of range");

	/* property name without its NUL (last string of the block) */
	b = (struct builder){.n = 0};
	b_begin(&b, "");
	at = b_prop(&b, "name", "v", 1);
	b.sn--;
	b_u32(&b, 2);
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT + at + 8, "unterminated property name");

	/* property length past the end, including one that would wrap */
	static const uint32_t lens[] = {64, 0xfffffff0u, 0xffffffffu};
	for (unsigned i = 0; i < ARRAY_SIZE(lens); i++) {
		b = (struct builder){.n = 0};
		b_begin(&b, "");
		at = b_prop(&b, "p", "v", 1);
		put32(b.st + at + 4, lens[i]);
		b_u32(&b, 2);
		b_u32(&b, 9);
		EXPECT_BAD(&b, OFF_STRUCT + at + 4, "property value past end of structure block");
	}

	/* a property header cut by the end of the block */
	b = (struct builder){.n = 0};
	b_begin(&b, "");
	b_u32(&b, 3);
	b_u32(&b, 0);
	EXPECT_BAD(&b, OFF_STRUCT + 8, "property header past end of structure block");
}

TEST(fdt, built_deep_nesting)
{
	struct builder b = {.n = 0};
	uint32_t at, deepest = 0;
	const char *msg;
	b_begin(&b, "");
	for (int i = 1; i < FDT_MAX_DEPTH; i++)
		b_begin(&b, "n");
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		b_u32(&b, 2);
	b_u32(&b, 9);
	EXPECT_OK(try_blob(&b, &at, &msg)); /* exactly FDT_MAX_DEPTH levels */

	b = (struct builder){.n = 0};
	b_begin(&b, "");
	for (int i = 1; i <= FDT_MAX_DEPTH; i++) {
		deepest = b.n;
		b_begin(&b, "n");
	}
	for (int i = 0; i <= FDT_MAX_DEPTH; i++)
		b_u32(&b, 2);
	b_u32(&b, 9);
	EXPECT_BAD(&b, OFF_STRUCT + deepest, "nesting too deep");
}

static const struct fdt_test_blob *virt(struct test_ctx *t)
{
	const struct fdt_test_blob *b = fdt_test_blob_find("virt");
	EXPECT(b != NULL);
	return b;
}

/* Every prefix of a valid blob, (a) with only totalsize fixed up, (b) with
 * the block sizes clamped too, so the structure walk meets every cut. */
TEST(fdt, every_truncation)
{
	const struct fdt_test_blob *v = virt(t);
	unsigned bad = 0;
	if (!v)
		return;
	for (uint32_t len = 0; len < v->len; len++) {
		for (int mode = 0; mode < 2; mode++) {
			uint8_t *p = malloc(len ? len : 1);
			struct fdt f;
			struct fdt_error err = {0xffffffffu, NULL};
			memcpy(p, v->data, len);
			if (len >= 8)
				put32(p + 4, len);
			if (mode == 1 && len >= 40) {
				uint32_t os = get32(p + 8), ostr = get32(p + 12);
				uint32_t ss = get32(p + 36), sstr = get32(p + 32);
				if (os + ss > len)
					put32(p + 36, os < len ? len - os : 0);
				if (ostr >= len) {
					put32(p + 12, len);
					put32(p + 32, 0);
				} else if (ostr + sstr > len) {
					put32(p + 32, len - ostr);
				}
			}
			int e = fdt_init(&f, p, len, &err);
			if (e == 0 || err.msg == NULL || err.offset > len) {
				if (bad++ < 5)
					test_printf(t, "  len %u mode %d: %d %s at %u\n", len, mode,
						    e, err.msg ? err.msg : "-", err.offset);
			}
			free(p);
		}
	}
	EXPECT_EQ(bad, 0);
	struct fdt f;
	struct fdt_error err;
	EXPECT_EQ(fdt_init(&f, v->data, v->len - 1, &err), ERR_TRUNC);
	EXPECT_EQ(err.offset, 4);
}

TEST(fdt, header_corruption)
{
	const struct fdt_test_blob *v = virt(t);
	unsigned accepted = 0;
	if (!v)
		return;
	/* every header byte, several corruptions each: no crash, errors carry
	 * an offset inside the blob; what is accepted must still work */
	static const uint8_t masks[] = {0x01, 0x04, 0x80, 0xff};
	for (uint32_t i = 0; i < 40; i++) {
		for (unsigned m = 0; m < ARRAY_SIZE(masks); m++) {
			uint8_t *p = malloc(v->len);
			memcpy(p, v->data, v->len);
			p[i] ^= masks[m];
			int e = fdt_exercise(p, v->len);
			if (e == 0)
				accepted++;
			/* magic, totalsize, off_struct, off_rsvmap and (but for
			 * 16 -> 17) last_comp_version cannot change without
			 * breaking the blob; the other fields can stay valid */
			bool must_fail = i < 12 || (i >= 16 && i < 20) ||
					 (i >= 24 && i < 28 && !(i == 27 && masks[m] == 1));
			if (must_fail)
				if (!EXPECT_NE(e, 0))
					test_printf(t, "  byte %u ^ %#x accepted\n", i, masks[m]);
			free(p);
		}
	}
	/* boot_cpuid_phys (bytes 28..31) is never checked */
	EXPECT_GE(accepted, 4 * 4);
}

TEST(fdt, header_fields)
{
	const struct fdt_test_blob *v = virt(t);
	struct {
		uint32_t off, val;
		int e;
		uint32_t at;
	} cases[] = {
		{0, 0xd00dfeee, ERR_MALFORMED, 0},
		{4, 20, ERR_TRUNC, 4},
		{20, 15, ERR_UNSUPP, 20},
		{24, 18, ERR_UNSUPP, 24},
		{16, 44, ERR_MALFORMED, 16},
		{16, 8, ERR_MALFORMED, 16},
		{8, 58, ERR_MALFORMED, 8},
		{8, 0x7fffff00, ERR_MALFORMED, 8},
		{36, 0xfffffff0, ERR_MALFORMED, 36},
		{32, 0xfffffff0, ERR_MALFORMED, 32},
		{12, 0xfffffff0, ERR_MALFORMED, 12},
		{12, 8, ERR_MALFORMED, 12},
	};
	if (!v)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *p = malloc(v->len);
		struct fdt f;
		struct fdt_error err = {0xffffffffu, NULL};
		memcpy(p, v->data, v->len);
		put32(p + cases[i].off, cases[i].val);
		if (!EXPECT_EQ(fdt_init(&f, p, v->len, &err), cases[i].e) ||
		    !EXPECT_EQ(err.offset, cases[i].at))
			test_printf(t, "  case %u: %s\n", i, err.msg ? err.msg : "-");
		free(p);
	}
	struct fdt f;
	EXPECT_EQ(fdt_init(&f, v->data, 7, NULL), ERR_TRUNC);
}

TEST(fdt, rsvmap_unterminated)
{
	struct builder b = {.n = 0};
	uint32_t len;
	struct fdt f;
	struct fdt_error err = {0, NULL};
	b_begin(&b, "");
	b_u32(&b, 2);
	b_u32(&b, 9);
	uint8_t *p = b_finish(&b, &len);
	/* point the map at the structure block: no zero entry before the end */
	put32(p + 16, OFF_STRUCT);
	EXPECT_EQ(fdt_init(&f, p, len, &err), ERR_MALFORMED);
	EXPECT_STREQ(err.msg, "unterminated memory reservation map");
	EXPECT_LE(err.offset, len);
	free(p);
}

/* Replays the fuzzing corpus kept in the tree (run from the repo root). */
static void replay_fdt(void *arg, const char *path, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)path;
	(void)fdt_exercise(data, len);
}

TEST(fdt, fuzz_regress)
{
	EXPECT_GE(fuzz_corpus_replay(t, "tests/fuzz/regress/fdt", replay_fdt, NULL), 3u);
}
