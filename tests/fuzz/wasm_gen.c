/*
 * wasm_gen.c - the valid-module generator (see wasm_gen.h): the choice
 * stream, byte emission, the type section's bookkeeping, and the module's
 * assembly once every body is generated (wasm_gen_stmt.c: gen_func).
 *
 * Types for multi-value block types are added to the type section as the
 * bodies need them, so the sections are written last, in order:
 *
 *   module = types | funcs | table0 funcref, table1 externref (each
 *            i32 or, with table64, i64) |
 *            memory 0 (and 1, 2 with multi-memory; 32 or 64 bits) |
 *            tag 0 [i32] (some modules) | globals (budget first) |
 *            exports | elems 0-2 | datacount | code |
 *            data 0 (active), 1 (passive), 2.. (active, memories 1..)
 *
 * Invariant: every segment is in bounds of its table or memory's initial
 * size, so instantiation never traps.
 */
#include <string.h>

#include "wasm/module.h"
#include "wasm/opcodes.h"

#include "wasm_gen_internal.h"

/* ---- the choice stream ---- */

uint32_t wasm_gen_choose(struct wasm_gen_input *in, uint32_t n)
{
	uint32_t v;

	if (n <= 1 || in->pos >= in->len)
		return 0;
	v = in->data[in->pos++];
	if (n > 256 && in->pos < in->len)
		v = v << 8 | in->data[in->pos++];
	return v % n;
}

uint64_t wasm_gen_bits(struct wasm_gen_input *in, uint32_t nbytes)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < nbytes && in->pos < in->len; i++)
		v |= (uint64_t)in->data[in->pos++] << (8 * i);
	return v;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t wasm_gen_seed(uint64_t seed, uint8_t *buf, size_t cap)
{
	uint64_t x = seed;
	size_t len = cap / 8 + (size_t)(splitmix64(&x) % (cap - cap / 8 + 1));

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix64(&x);

		for (size_t k = 0; k < 8 && i + k < len; k++)
			buf[i + k] = (uint8_t)(v >> (8 * k));
	}
	return len;
}

uint32_t gen_pick(struct gen *g, uint32_t n)
{
	return wasm_gen_choose(g->in, n);
}

/* ---- byte emission ---- */

void gen_buf_byte(struct gen_buf *b, uint8_t v)
{
	if (b->len >= b->cap) {
		b->overflow = true;
		return;
	}
	b->p[b->len++] = v;
}

void gen_buf_bytes(struct gen_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gen_buf_byte(b, p[i]);
}

void gen_buf_u32(struct gen_buf *b, uint32_t v)
{
	gen_buf_u64(b, v);
}

void gen_buf_u64(struct gen_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		gen_buf_byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

void gen_buf_s64(struct gen_buf *b, int64_t v)
{
	for (;;) {
		uint8_t c = (uint8_t)(v & 0x7f);

		v >>= 7; /* arithmetic: the sign is kept */
		if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
			gen_buf_byte(b, c);
			return;
		}
		gen_buf_byte(b, c | 0x80);
	}
}

void gen_buf_le(struct gen_buf *b, uint64_t v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		gen_buf_byte(b, (uint8_t)(v >> (8 * i)));
}

/* One section: id, size, contents. */
static void gen_buf_section(struct gen_buf *b, uint8_t id, const struct gen_buf *s)
{
	gen_buf_byte(b, id);
	gen_buf_u32(b, (uint32_t)s->len);
	gen_buf_bytes(b, s->p, s->len);
	if (s->overflow)
		b->overflow = true;
}

/* Emits an instruction's opcode by its table index, and counts it. */
void gen_op(struct gen *g, uint32_t idx)
{
	if (g->counts)
		g->counts[idx]++;
	if (wasm_op_index_is_simd(idx)) {
		gen_buf_byte(&g->body, WASM_OP_PREFIX_FD);
		gen_buf_u32(&g->body, idx - WASM_OP_INDEX(WASM_OP_PREFIX_FD, 0));
	} else if (idx >= WASM_OP_FB_BASE) {
		gen_buf_byte(&g->body, WASM_OP_PREFIX_FB);
		gen_buf_u32(&g->body, idx - WASM_OP_FB_BASE);
	} else if (idx >= 0x100) {
		gen_buf_byte(&g->body, WASM_OP_PREFIX_FC);
		gen_buf_u32(&g->body, idx - 0x100);
	} else {
		gen_buf_byte(&g->body, (uint8_t)idx);
	}
}

void gen_op_fc(struct gen *g, uint32_t sub)
{
	gen_op(g, WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub));
}

void gen_imm(struct gen *g, uint32_t v)
{
	gen_buf_u32(&g->body, v);
}

/* ---- types ---- */

const uint8_t gen_numtypes[4] = {WASM_TYPE_I32, WASM_TYPE_I64, WASM_TYPE_F32, WASM_TYPE_F64};

bool gen_is_num(uint8_t t)
{
	return t == WASM_TYPE_I32 || t == WASM_TYPE_I64 || t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

/* Any value type; references one time in eight, with SIMD v128 one in
 * nine, with GC eqref one in nine (or ten). */
uint8_t gen_pick_valtype(struct gen *g)
{
	uint32_t n = (g->simd ? 18 : 16) + (g->gc ? 2 : 0);
	uint32_t k = gen_pick(g, n);

	if (g->gc && k >= n - 2)
		return GEN_EQREF;
	if (k >= 16)
		return WASM_TYPE_V128;
	if (k == 14)
		return WASM_TYPE_FUNCREF;
	if (k == 15)
		return WASM_TYPE_EXTERNREF;
	return gen_numtypes[k % 4];
}

/* The index of the type [p] -> [r], added if new; -1 if the section is full. */
static int gen_type_find(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r,
			 uint32_t nr)
{
	for (uint32_t i = 0; i < g->ntypes; i++) {
		const struct gen_type *t = &g->types[i];

		if (!t->kind && t->np == np && t->nr == nr && !memcmp(t->p, p, np) &&
		    !memcmp(t->r, r, nr))
			return (int)i;
	}
	if (g->ntypes == GEN_MAX_TYPES)
		return -1;
	g->types[g->ntypes].np = (uint8_t)np;
	g->types[g->ntypes].nr = (uint8_t)nr;
	memcpy(g->types[g->ntypes].p, p, np);
	memcpy(g->types[g->ntypes].r, r, nr);
	return (int)g->ntypes++;
}

/* Whether [p] -> [r] can be a block type: it needs no type index, or
 * has one (added now if new). */
bool gen_blocktype_ok(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
	return (np == 0 && nr <= 1) || gen_type_find(g, p, np, r, nr) >= 0;
}

/* Emits the block type of [p] -> [r] (gen_blocktype_ok said yes). */
void gen_blocktype(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
	if (np == 0 && nr == 0)
		gen_buf_byte(&g->body, 0x40);
	else if (np == 0 && nr == 1)
		gen_buf_byte(&g->body, r[0]);
	else
		gen_buf_s64(&g->body, gen_type_find(g, p, np, r, nr));
}

static void gen_vec_types(struct gen_buf *b, const uint8_t *t, uint32_t n)
{
	gen_buf_u32(b, n);
	gen_buf_bytes(b, t, n);
}

static void gen_limits(struct gen_buf *b, uint32_t min, uint32_t max, bool w64)
{
	gen_buf_byte(b, (uint8_t)((max ? 1 : 0) | (w64 ? 4 : 0)));
	gen_buf_u32(b, min);
	if (max)
		gen_buf_u32(b, max);
}

/*
 * An integer constant expression of value v into b: i32.const v, or with
 * extended constants one of
 *   (v - k) k add | (v + k) k sub | q m mul (v - q*m) add
 * (wrapping arithmetic: exactly v).
 */
static void gen_offset_expr(struct gen_buf *b, struct gen *g, bool w64, uint64_t v)
{
	uint8_t c = w64 ? WASM_OP_I64_CONST : WASM_OP_I32_CONST;
	uint8_t add = w64 ? WASM_OP_I64_ADD : WASM_OP_I32_ADD;
	/* segments come after the code, often past the end of the stream:
	 * choice 0 is an extended form then */
	uint32_t form = g->extconst ? (gen_pick(g, 4) + 1) % 4 : 0;
	uint64_t k = 0, m = 0;

	/* the values as the s32 or s64 the instruction reads */
#define GEN_SX(x) (w64 ? (int64_t)(x) : (int64_t)(int32_t)(uint32_t)(x))
	if (form) {
		k = wasm_gen_bits(g->in, 4);
		m = wasm_gen_bits(g->in, 1);
	}
	gen_buf_byte(b, c);
	switch (form) {
	case 0:
		gen_buf_s64(b, GEN_SX(v));
		break;
	case 1:
	case 2:
		gen_buf_s64(b, GEN_SX(form == 1 ? v - k : v + k));
		gen_buf_byte(b, c);
		gen_buf_s64(b, GEN_SX(k));
		gen_buf_byte(b, form == 1 ? add : (uint8_t)(add + 1)); /* sub */
		break;
	default:
		gen_buf_s64(b, GEN_SX(k));
		gen_buf_byte(b, c);
		gen_buf_s64(b, GEN_SX(m));
		gen_buf_byte(b, (uint8_t)(add + 2)); /* mul */
		gen_buf_byte(b, c);
		gen_buf_s64(b, GEN_SX(v - k * m));
		gen_buf_byte(b, add);
		break;
	}
#undef GEN_SX
	gen_buf_byte(b, WASM_OP_END);
}

/* A global's initializer: a constant; with extended constants, an i32 or
 * i64 may also be an operation on it and a constant or an earlier
 * immutable global of its type (global `self` is being defined). */
static void gen_const_expr(struct gen_buf *b, struct gen *g, uint8_t t, uint32_t self)
{
	struct gen_buf save = g->body;
	uint32_t *counts = g->counts;
	bool wide = t == WASM_TYPE_I64;

	/* reuse gen_const on `b`, without counting code coverage */
	g->body = *b;
	g->counts = NULL;
	gen_const(g, t);
	if (g->extconst && (t == WASM_TYPE_I32 || wide) && gen_pick(g, 3) != 2) {
		int other = -1;

		for (uint32_t i = 1; i < self; i++)
			if (g->gtype[i] == t && !g->gmut[i] && gen_pick(g, 2))
				other = (int)i;
		if (other >= 0) {
			gen_buf_byte(&g->body, WASM_OP_GLOBAL_GET);
			gen_buf_u32(&g->body, (uint32_t)other);
		} else {
			gen_const(g, t);
		}
		/* add, sub or mul of the width */
		gen_buf_byte(&g->body, (uint8_t)((wide ? WASM_OP_I64_ADD : WASM_OP_I32_ADD) +
						 gen_pick(g, 3)));
	}
	gen_buf_byte(&g->body, WASM_OP_END);
	*b = g->body;
	g->body = save;
	g->counts = counts;
}

/*
 * GC type `which` (GEN_GC_*) into b:
 *   A      sub (struct (field (mut i32)) (field i16))
 *   B      sub final A (struct .. (field (mut i8)) (field (mut eqref))
 *                                 (field i64))
 *   BYTES  (array (mut i8))
 *   REFS   (array (mut eqref))
 */
static void gen_gc_type(struct gen_buf *b, const struct gen *g, uint32_t which)
{
	static const uint8_t fields[][2] = {{WASM_TYPE_I32, 1},
					    {0x77 /* i16 */, 0},
					    {0x78 /* i8 */, 1},
					    {GEN_EQREF, 1},
					    {WASM_TYPE_I64, 0}};
	uint32_t n = which == GEN_GC_A ? 2 : 5;

	if (which == GEN_GC_BYTES || which == GEN_GC_REFS) {
		gen_buf_byte(b, 0x5e);
		gen_buf_bytes(b, fields[which == GEN_GC_BYTES ? 2 : 3], 2);
		return;
	}
	gen_buf_byte(b, which == GEN_GC_A ? 0x50 : 0x4f);
	gen_buf_u32(b, which == GEN_GC_A ? 0 : 1);
	if (which == GEN_GC_B)
		gen_buf_u32(b, g->gcbase + GEN_GC_A);
	gen_buf_byte(b, 0x5f);
	gen_buf_u32(b, n);
	for (uint32_t i = 0; i < n; i++)
		gen_buf_bytes(b, fields[i], 2);
}

/* The multi-memory and memory64 choices (after memory 0's own), and each
 * extra memory's data segment's shape: offset doff[i], length dlen[i]. */
static void gen_memories(struct gen *g, uint32_t *mmaxes, uint32_t *doff, uint32_t *dlen)
{
	if (g->feat & WASM_FEAT_MULTI_MEMORY)
		g->nmems = 1 + gen_pick(g, GEN_MAX_MEMS);
	for (uint32_t i = 1; i < g->nmems; i++) {
		g->mpages[i] = gen_pick(g, 3);
		mmaxes[i] = gen_pick(g, 2) ? g->mpages[i] + gen_pick(g, 4) : 0;
		dlen[i] = g->mpages[i] ? 1 + gen_pick(g, 16) : 0;
		doff[i] = g->mpages[i] ? gen_pick(g, g->mpages[i] * 65536 - dlen[i] + 1) : 0;
	}
	for (uint32_t i = 0; i < g->nmems && (g->feat & WASM_FEAT_MEMORY64); i++)
		g->mem64[i] = gen_pick(g, 3) == 0;
	for (uint32_t i = 0; i < 2 && (g->feat & WASM_FEAT_MEMORY64); i++)
		g->tab64[i] = gen_pick(g, 3) == 0;
	g->ndatas = 2 + (g->nmems - 1);
	if (g->feat & WASM_FEAT_EXTENDED_CONST)
		g->extconst = gen_pick(g, 2);
}

size_t wasm_gen_module(struct wasm_gen_input *in, uint8_t *out, size_t cap, uint32_t *op_counts)
{
	return wasm_gen_module_with(in, out, cap, op_counts, WASM_GEN_FEATURES_ALL);
}

size_t wasm_gen_module_with(struct wasm_gen_input *in, uint8_t *out, size_t cap,
			    uint32_t *op_counts, uint32_t features)
{
	uint8_t code_p[WASM_GEN_MAX_CODE + GEN_BODY_CAP];
	struct gen g_, *g = &g_;
	uint8_t sp[WASM_GEN_MAX_MODULE / 2];
	struct gen_buf mod = {.p = out, .cap = cap}, s;
	struct gen_buf code = {.p = code_p, .cap = sizeof(code_p)};
	uint32_t nft, d0off, d0len, d1len, e0off, e0len, e1len, e2len;
	uint32_t mmaxes[GEN_MAX_MEMS] = {0}, doff[GEN_MAX_MEMS] = {0}, dlen[GEN_MAX_MEMS] = {0};
	static const uint8_t magic[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

	if (cap < WASM_GEN_MAX_MODULE)
		return 0;
	memset(g, 0, sizeof(*g));
	g->in = in;
	g->counts = op_counts;
	g->feat = features & WASM_GEN_FEATURES_ALL;
	g->nmems = 1;
	if (g->feat & WASM_FEAT_SIMD) {
		g->simd = gen_pick(g, 3) != 0;
		g->relaxed = g->simd && (g->feat & WASM_FEAT_RELAXED_SIMD) && gen_pick(g, 2);
	}
	if (g->feat & WASM_FEAT_GC)
		g->gc = gen_pick(g, 3) == 0;

	/* function types, then functions */
	nft = 1 + gen_pick(g, 5);
	for (uint32_t i = 0; i < nft; i++) {
		uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
		uint32_t np = gen_pick(g, GEN_MAX_VALS + 1), nr = gen_pick(g, 4);

		for (uint32_t k = 0; k < np; k++)
			p[k] = gen_pick_valtype(g);
		for (uint32_t k = 0; k < nr; k++)
			r[k] = gen_pick_valtype(g);
		gen_type_find(g, p, np, r, nr);
	}
	g->nfuncs = 1 + gen_pick(g, GEN_MAX_FUNCS);
	for (uint32_t i = 0; i < g->nfuncs; i++)
		g->functype[i] = gen_pick(g, g->ntypes);
	if (g->gc) { /* after the function types: never a function's */
		g->gcbase = g->ntypes;
		for (uint32_t i = 0; i < GEN_GC_NTYPES; i++)
			g->types[g->ntypes++] = (struct gen_type){.kind = (uint8_t)(i + 1)};
	}

	/* tables, memory, globals: global 0 is the budget */
	g->table0 = 1 + gen_pick(g, 8);
	g->table1 = gen_pick(g, 5);
	g->pages = gen_pick(g, 3);
	g->mpages[0] = g->pages;
	mmaxes[0] = gen_pick(g, 2) ? g->pages + gen_pick(g, 4) : 0;
	g->gtype[0] = WASM_TYPE_I32;
	g->gmut[0] = true;
	g->nglobals = 1 + gen_pick(g, GEN_MAX_GLOBALS);
	for (uint32_t i = 1; i < g->nglobals; i++) {
		g->gtype[i] =
			gen_pick(g, 6) == 5 ? WASM_TYPE_FUNCREF : gen_numtypes[gen_pick(g, 4)];
		g->gmut[i] = gen_pick(g, 3) != 0;
		if (g->simd && gen_pick(g, 5) == 0)
			g->gtype[i] = WASM_TYPE_V128;
		if (g->gc && gen_pick(g, 3) == 0)
			g->gtype[i] = GEN_EQREF;
	}

	/* segments' shapes (in bounds, so instantiation succeeds) */
	d0len = g->pages ? gen_pick(g, 17) : 0;
	d0off = g->pages ? gen_pick(g, (uint32_t)g->pages * 65536 - d0len + 1) : 0;
	d1len = gen_pick(g, GEN_DATA_PASSIVE + 1);
	e0len = gen_pick(g, g->table0 + 1);
	e0off = gen_pick(g, g->table0 - e0len + 1);
	e1len = gen_pick(g, 9);
	e2len = gen_pick(g, 5);

	if ((g->feat & WASM_FEAT_EXCEPTIONS) && gen_pick(g, 4) == 0) {
		int tt = gen_type_find(g, (const uint8_t[]){WASM_TYPE_I32}, 1, (const uint8_t[]){0},
				       0);

		g->exn = tt >= 0;
		g->ntags = g->exn;
		g->tagtype[0] = tt >= 0 ? (uint32_t)tt : 0;
		g->tagval[0] = WASM_TYPE_I32;
		tt = g->exn && g->simd ? gen_type_find(g, (const uint8_t[]){WASM_TYPE_V128}, 1,
						       (const uint8_t[]){0}, 0)
				       : -1;
		if (tt >= 0) {
			g->tagtype[g->ntags] = (uint32_t)tt;
			g->tagval[g->ntags++] = WASM_TYPE_V128;
		}
	}
	gen_memories(g, mmaxes, doff, dlen);
	for (uint32_t f = 0; f < g->nfuncs; f++)
		gen_func(g, f, &code);

	gen_buf_bytes(&mod, magic, sizeof(magic));
	s = (struct gen_buf){.p = sp, .cap = sizeof(sp)};
	gen_buf_u32(&s, g->ntypes);
	for (uint32_t i = 0; i < g->ntypes; i++) {
		if (g->types[i].kind) {
			gen_gc_type(&s, g, g->types[i].kind - 1u);
			continue;
		}
		gen_buf_byte(&s, 0x60);
		gen_vec_types(&s, g->types[i].p, g->types[i].np);
		gen_vec_types(&s, g->types[i].r, g->types[i].nr);
	}
	gen_buf_section(&mod, 1, &s);

	s.len = 0;
	gen_buf_u32(&s, g->nfuncs);
	for (uint32_t i = 0; i < g->nfuncs; i++)
		gen_buf_u32(&s, g->functype[i]);
	gen_buf_section(&mod, 3, &s);

	s.len = 0;
	gen_buf_u32(&s, 2);
	gen_buf_byte(&s, WASM_TYPE_FUNCREF);
	gen_limits(&s, g->table0, GEN_TABLE0_MAX, g->tab64[0]);
	gen_buf_byte(&s, WASM_TYPE_EXTERNREF);
	gen_limits(&s, g->table1, GEN_TABLE1_MAX, g->tab64[1]);
	gen_buf_section(&mod, 4, &s);

	s.len = 0;
	gen_buf_u32(&s, g->nmems);
	for (uint32_t i = 0; i < g->nmems; i++)
		gen_limits(&s, g->mpages[i], mmaxes[i], g->mem64[i]);
	gen_buf_section(&mod, 5, &s);

	if (g->exn) { /* the tag section */
		s.len = 0;
		gen_buf_u32(&s, g->ntags);
		for (uint32_t i = 0; i < g->ntags; i++) {
			gen_buf_byte(&s, 0);
			gen_buf_u32(&s, g->tagtype[i]);
		}
		gen_buf_section(&mod, 13, &s);
	}

	s.len = 0;
	gen_buf_u32(&s, g->nglobals);
	for (uint32_t i = 0; i < g->nglobals; i++) {
		gen_buf_byte(&s, g->gtype[i]);
		gen_buf_byte(&s, g->gmut[i]);
		if (i == 0) {
			gen_buf_byte(&s, WASM_OP_I32_CONST);
			gen_buf_s64(&s, WASM_GEN_CALL_BUDGET);
			gen_buf_byte(&s, WASM_OP_END);
		} else {
			gen_const_expr(&s, g, g->gtype[i], i);
		}
	}
	gen_buf_section(&mod, 6, &s);

	s.len = 0;
	gen_buf_u32(&s, g->nfuncs + 1);
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		gen_buf_u32(&s, i < 10 ? 2 : 3);
		gen_buf_byte(&s, 'f');
		if (i >= 10)
			gen_buf_byte(&s, (uint8_t)('0' + i / 10));
		gen_buf_byte(&s, (uint8_t)('0' + i % 10));
		gen_buf_byte(&s, WASM_EXTERN_FUNC);
		gen_buf_u32(&s, i);
	}
	gen_buf_u32(&s, 6);
	gen_buf_bytes(&s, (const uint8_t *)"budget", 6);
	gen_buf_byte(&s, WASM_EXTERN_GLOBAL);
	gen_buf_u32(&s, 0);
	gen_buf_section(&mod, 7, &s);

	/* elem 0: active funcidx on table 0; 1: passive funcref (indices or
	 * expressions); 2: passive externref expressions (nulls) */
	s.len = 0;
	gen_buf_u32(&s, 3);
	gen_buf_u32(&s, 0);
	gen_offset_expr(&s, g, g->tab64[0], e0off);
	gen_buf_u32(&s, e0len);
	for (uint32_t i = 0; i < e0len; i++)
		gen_buf_u32(&s, gen_pick(g, g->nfuncs));
	if (gen_pick(g, 2)) {
		gen_buf_u32(&s, 1);
		gen_buf_byte(&s, 0x00);
		gen_buf_u32(&s, e1len);
		for (uint32_t i = 0; i < e1len; i++)
			gen_buf_u32(&s, gen_pick(g, g->nfuncs));
	} else {
		gen_buf_u32(&s, 5);
		gen_buf_byte(&s, WASM_TYPE_FUNCREF);
		gen_buf_u32(&s, e1len);
		for (uint32_t i = 0; i < e1len; i++)
			gen_const_expr(&s, g, WASM_TYPE_FUNCREF, 0);
	}
	gen_buf_u32(&s, 5);
	gen_buf_byte(&s, WASM_TYPE_EXTERNREF);
	gen_buf_u32(&s, e2len);
	for (uint32_t i = 0; i < e2len; i++) {
		gen_buf_byte(&s, WASM_OP_REF_NULL);
		gen_buf_byte(&s, WASM_TYPE_EXTERNREF);
		gen_buf_byte(&s, WASM_OP_END);
	}
	gen_buf_section(&mod, 9, &s);

	s.len = 0;
	gen_buf_u32(&s, g->ndatas);
	gen_buf_section(&mod, 12, &s);

	s.len = 0;
	gen_buf_u32(&s, g->nfuncs);
	gen_buf_bytes(&s, code.p, code.len);
	s.overflow |= code.overflow;
	gen_buf_section(&mod, 10, &s);

	s.len = 0;
	gen_buf_u32(&s, g->ndatas);
	gen_buf_u32(&s, 0);
	gen_offset_expr(&s, g, g->mem64[0], d0off);
	gen_buf_u32(&s, d0len);
	for (uint32_t i = 0; i < d0len; i++)
		gen_buf_byte(&s, (uint8_t)wasm_gen_bits(in, 1));
	gen_buf_u32(&s, 1);
	gen_buf_u32(&s, d1len);
	for (uint32_t i = 0; i < d1len; i++)
		gen_buf_byte(&s, (uint8_t)(i * 37 + 11));
	for (uint32_t i = 1; i < g->nmems; i++) { /* active, memory i */
		gen_buf_u32(&s, 2);
		gen_buf_u32(&s, i);
		gen_offset_expr(&s, g, g->mem64[i], doff[i]);
		gen_buf_u32(&s, dlen[i]);
		for (uint32_t k = 0; k < dlen[i]; k++)
			gen_buf_byte(&s, (uint8_t)(k * 53 + i));
	}
	gen_buf_section(&mod, 11, &s);

	return mod.overflow ? 0 : mod.len;
}
