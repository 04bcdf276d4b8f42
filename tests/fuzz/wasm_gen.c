/*
 * wasm_gen.c - the valid-module generator (see wasm_gen.h).
 *
 * Bodies are built by a type-directed recursion, so the operand stack is
 * typed by construction: gen_expr(t) emits code that pushes exactly one
 * value of type t, gen_stmt() code that leaves the stack as it found it.
 * Each keeps a label stack mirroring the blocks it opened, so a branch
 * first pushes the values its target label carries. Numeric, load and
 * store instructions are picked from the opcode table's SIG column
 * (wasm/opcodes.h), so a row added there is generated without a change
 * here. Types for multi-value block types are added to the type section as
 * they are needed; the sections are assembled once all bodies are known.
 *
 *   module = types | funcs | table0 funcref, table1 externref | memory 0 |
 *            globals (budget first) | exports | elems 0-2 | datacount |
 *            code | data 0 (active), 1 (passive)
 */
#include <string.h>

#include "wasm/module.h"
#include "wasm/opcodes.h"

#include "wasm_gen.h"

#define GEN_MAX_TYPES	 32
#define GEN_MAX_FUNCS	 12
#define GEN_MAX_VALS	 4 /* params or results of a function or block */
#define GEN_MAX_LOCALS	 24
#define GEN_MAX_LABELS	 24
#define GEN_MAX_GLOBALS	 8
#define GEN_MAX_DEPTH	 5 /* expression nesting */
#define GEN_MAX_NEST	 4 /* block nesting */
#define GEN_MAX_LOOPS	 2 /* loop nesting */
#define GEN_MAX_BODY	 900
#define GEN_CODE_SOFT	 (WASM_GEN_MAX_CODE - 1200) /* then only leaves */
#define GEN_BODY_CAP	 2048
#define GEN_TABLE0_MAX	 64
#define GEN_TABLE1_MAX	 16
#define GEN_DATA_PASSIVE 32

struct gen_buf {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
};

struct gen_type {
	uint8_t np, nr;
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
};

struct gen_label {
	uint8_t n;
	uint8_t t[GEN_MAX_VALS];
};

struct gen {
	struct wasm_gen_input *in;
	uint32_t *counts;
	struct gen_type types[GEN_MAX_TYPES];
	uint32_t ntypes;
	uint32_t nfuncs;
	uint32_t functype[GEN_MAX_FUNCS];
	uint8_t gtype[GEN_MAX_GLOBALS];
	bool gmut[GEN_MAX_GLOBALS];
	uint32_t nglobals; /* global 0 is the budget */
	uint32_t pages, table0, table1;
	/* the function being generated */
	struct gen_buf body;
	uint8_t ltype[GEN_MAX_LOCALS];
	uint32_t nparams, nlocals; /* nlocals counts the params */
	struct gen_label labels[GEN_MAX_LABELS];
	uint32_t nlabels, nest, loops;
	size_t code_total;
};

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

static uint32_t pick(struct gen *g, uint32_t n)
{
	return wasm_gen_choose(g->in, n);
}

/* ---- byte emission ---- */

static void buf_byte(struct gen_buf *b, uint8_t v)
{
	if (b->len >= b->cap) {
		b->overflow = true;
		return;
	}
	b->p[b->len++] = v;
}

static void buf_bytes(struct gen_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_byte(b, p[i]);
}

static void buf_u32(struct gen_buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		buf_byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

static void buf_s64(struct gen_buf *b, int64_t v)
{
	for (;;) {
		uint8_t c = (uint8_t)(v & 0x7f);

		v >>= 7; /* arithmetic: the sign is kept */
		if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
			buf_byte(b, c);
			return;
		}
		buf_byte(b, c | 0x80);
	}
}

static void buf_le(struct gen_buf *b, uint64_t v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		buf_byte(b, (uint8_t)(v >> (8 * i)));
}

/* One section: id, size, contents. */
static void buf_section(struct gen_buf *b, uint8_t id, const struct gen_buf *s)
{
	buf_byte(b, id);
	buf_u32(b, (uint32_t)s->len);
	buf_bytes(b, s->p, s->len);
	if (s->overflow)
		b->overflow = true;
}

/* Emits an instruction's opcode by its table index, and counts it. */
static void op(struct gen *g, uint32_t idx)
{
	if (g->counts)
		g->counts[idx]++;
	if (idx >= 0x100) {
		buf_byte(&g->body, WASM_OP_PREFIX_FC);
		buf_u32(&g->body, idx - 0x100);
	} else {
		buf_byte(&g->body, (uint8_t)idx);
	}
}

static void op_fc(struct gen *g, uint32_t sub)
{
	op(g, WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub));
}

static void imm(struct gen *g, uint32_t v)
{
	buf_u32(&g->body, v);
}

/* ---- types ---- */

static const uint8_t gen_numtypes[] = {WASM_TYPE_I32, WASM_TYPE_I64, WASM_TYPE_F32, WASM_TYPE_F64};

static bool is_num(uint8_t t)
{
	return t == WASM_TYPE_I32 || t == WASM_TYPE_I64 || t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

/* Any value type; references one time in eight. */
static uint8_t pick_valtype(struct gen *g)
{
	uint32_t k = pick(g, 16);

	if (k == 14)
		return WASM_TYPE_FUNCREF;
	if (k == 15)
		return WASM_TYPE_EXTERNREF;
	return gen_numtypes[k % 4];
}

/* The index of the type [p] -> [r], added if new; -1 if the section is full. */
static int type_find(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
	for (uint32_t i = 0; i < g->ntypes; i++) {
		const struct gen_type *t = &g->types[i];

		if (t->np == np && t->nr == nr && !memcmp(t->p, p, np) && !memcmp(t->r, r, nr))
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
static bool blocktype_ok(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r,
			 uint32_t nr)
{
	return (np == 0 && nr <= 1) || type_find(g, p, np, r, nr) >= 0;
}

/* Emits the block type of [p] -> [r] (blocktype_ok said yes). */
static void blocktype(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr)
{
	if (np == 0 && nr == 0)
		buf_byte(&g->body, 0x40);
	else if (np == 0 && nr == 1)
		buf_byte(&g->body, r[0]);
	else
		buf_s64(&g->body, type_find(g, p, np, r, nr));
}

/* ---- leaves ---- */

static const uint32_t gen_i32_edges[] = {0,	 1,	     0xffffffff, 0x80000000, 0x7fffffff,
					 0xffff, 0x10000,    31,	 32,	     0xfffffffe,
					 0x8000, 0xfffeffff, 0x20000,	 7,	     65535 * 2};
static const uint64_t gen_i64_edges[] = {0,
					 1,
					 ~0ull,
					 1ull << 63,
					 (1ull << 63) - 1,
					 1ull << 31,
					 1ull << 32,
					 0xffffffffull,
					 63,
					 64,
					 0xffffffff80000000ull,
					 0x7fffffffull};
static const uint32_t gen_f32_edges[] = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
					 0xffc00000, 0x7fa00000, 0x7fc00001, 0x3f800000, 0xbf800000,
					 0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x4f800000,
					 0x5f800000, 0x3f000000, 0x00000001, 0x7f7fffff, 0x3fc00000,
					 0xbf000000, 0x4effffff, 0xcf000001};
static const uint64_t gen_f64_edges[] = {
	0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
	0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff4000000000000ull, 0x7ff8000000000001ull,
	0x3ff0000000000000ull, 0xbff0000000000000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
	0x43e0000000000000ull, 0xc3e0000000000000ull, 0x41f0000000000000ull, 0x43f0000000000000ull,
	0x3fe0000000000000ull, 0x0000000000000001ull, 0x7fefffffffffffffull, 0x3ff8000000000000ull,
	0x41dfffffffc00000ull, 0xc1e0000000200000ull, 0xbfe0000000000000ull};

#define GEN_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void gen_const(struct gen *g, uint8_t t)
{
	/* choice 0 is the first edge value: 0 */
	bool raw = pick(g, 4) == 3;

	switch (t) {
	case WASM_TYPE_I32:
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body,
			(int32_t)(raw ? (uint32_t)wasm_gen_bits(g->in, 4)
				      : gen_i32_edges[pick(g, GEN_COUNT(gen_i32_edges))]));
		break;
	case WASM_TYPE_I64:
		op(g, WASM_OP_I64_CONST);
		buf_s64(&g->body,
			(int64_t)(raw ? wasm_gen_bits(g->in, 8)
				      : gen_i64_edges[pick(g, GEN_COUNT(gen_i64_edges))]));
		break;
	case WASM_TYPE_F32:
		op(g, WASM_OP_F32_CONST);
		buf_le(&g->body,
		       raw ? wasm_gen_bits(g->in, 4)
			   : gen_f32_edges[pick(g, GEN_COUNT(gen_f32_edges))],
		       4);
		break;
	case WASM_TYPE_F64:
		op(g, WASM_OP_F64_CONST);
		buf_le(&g->body,
		       raw ? wasm_gen_bits(g->in, 8)
			   : gen_f64_edges[pick(g, GEN_COUNT(gen_f64_edges))],
		       8);
		break;
	default:
		if (t == WASM_TYPE_FUNCREF && raw) {
			op(g, WASM_OP_REF_FUNC);
			imm(g, pick(g, g->nfuncs));
			break;
		}
		op(g, WASM_OP_REF_NULL);
		buf_byte(&g->body, t);
		break;
	}
}

/* A local of type t (-1: none), picked among those that qualify. */
static int pick_local(struct gen *g, uint8_t t)
{
	uint32_t n = 0, k;

	for (uint32_t i = 0; i < g->nlocals; i++)
		n += g->ltype[i] == t;
	if (n == 0)
		return -1;
	k = pick(g, n);
	for (uint32_t i = 0; i < g->nlocals; i++)
		if (g->ltype[i] == t && k-- == 0)
			return (int)i;
	return -1;
}

static int pick_global(struct gen *g, uint8_t t, bool want_mut)
{
	uint32_t n = 0, k;

	for (uint32_t i = 1; i < g->nglobals; i++)
		n += g->gtype[i] == t && (!want_mut || g->gmut[i]);
	if (n == 0)
		return -1;
	k = pick(g, n);
	for (uint32_t i = 1; i < g->nglobals; i++)
		if (g->gtype[i] == t && (!want_mut || g->gmut[i]) && k-- == 0)
			return (int)i;
	return -1;
}

static void gen_leaf(struct gen *g, uint8_t t)
{
	int l;

	if (pick(g, 2) == 1 && (l = pick_local(g, t)) >= 0) {
		op(g, WASM_OP_LOCAL_GET);
		imm(g, (uint32_t)l);
		return;
	}
	gen_const(g, t);
}

/* Whether only leaves may be added now (size bounds). */
static bool gen_low(const struct gen *g)
{
	return g->body.len > GEN_MAX_BODY || g->code_total + g->body.len > GEN_CODE_SOFT;
}

/* ---- recursion ---- */

static void gen_expr(struct gen *g, uint8_t t, uint32_t depth);
static void gen_stmts(struct gen *g, uint32_t max, uint32_t depth);

/* An address: mostly near the start of memory, so that accesses hit. */
static void gen_addr(struct gen *g, uint32_t depth)
{
	switch (pick(g, 4)) {
	case 0:
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, pick(g, 256));
		break;
	case 1:
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, (int32_t)(pick(g, 3 * 65536)));
		break;
	case 2: {
		/* an expression folded into the first pages */
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, 0x1ffff);
		op(g, WASM_OP_I32_AND);
		break;
	}
	default:
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		break;
	}
}

/* A table index: mostly near the tables' sizes. */
static void gen_tidx(struct gen *g, uint32_t depth)
{
	if (pick(g, 5) == 4) {
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		return;
	}
	op(g, WASM_OP_I32_CONST);
	buf_s64(&g->body, pick(g, 12));
}

/* A length for bulk operations: mostly short. */
static void gen_len(struct gen *g, uint32_t depth)
{
	if (pick(g, 4) == 3) {
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		return;
	}
	op(g, WASM_OP_I32_CONST);
	buf_s64(&g->body, pick(g, 70));
}

static void gen_memarg(struct gen *g, uint32_t idx)
{
	static const uint32_t offsets[] = {0, 1, 3, 8, 65535, 65536, 131070, 0xffffffff};
	uint32_t natural = wasm_imm_memarg_align(wasm_opinfo[idx].imm);

	imm(g, pick(g, natural + 1));
	imm(g, pick(g, 3) ? pick(g, 64) : offsets[pick(g, GEN_COUNT(offsets))]);
}

/* A table row (NUM, BITS, LOAD or STORE) whose signature matches: result
 * `r` (UNKNOWN for stores) and class; UINT32_MAX if none. */
static uint32_t pick_row(struct gen *g, uint8_t r, bool memory)
{
	uint32_t n = 0, k = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < WASM_OP_NINDEX; i++) {
			const struct wasm_opinfo *o = &wasm_opinfo[i];
			bool mem = o->tr == WASM_TR_LOAD || o->tr == WASM_TR_STORE;

			if (!o->text || o->sig == WASM_SIG_NONE || o->tr == WASM_TR_SPECIAL ||
			    mem != memory || wasm_sig_result(o->sig) != r)
				continue;
			if (pass == 0)
				n++;
			else if (k-- == 0)
				return i;
		}
		if (n == 0)
			return UINT32_MAX;
		k = pick(g, n);
	}
	return UINT32_MAX;
}

/* Emits row `idx` with its operands. */
static void gen_row(struct gen *g, uint32_t idx, uint32_t depth)
{
	uint32_t sig = wasm_opinfo[idx].sig;
	bool mem = wasm_opinfo[idx].tr == WASM_TR_LOAD || wasm_opinfo[idx].tr == WASM_TR_STORE;

	for (uint32_t i = 0; i < wasm_sig_nparams(sig); i++) {
		if (mem && i == 0)
			gen_addr(g, depth);
		else
			gen_expr(g, wasm_sig_param(sig, i), depth + 1);
	}
	op(g, idx);
	if (mem)
		gen_memarg(g, idx);
}

/* Removes n values of the given types (t[n-1] on top): into a local of the
 * type, or dropped. */
static void gen_consume(struct gen *g, const uint8_t *t, uint32_t n)
{
	while (n-- > 0) {
		int l = pick(g, 2) ? pick_local(g, t[n]) : -1;

		if (l >= 0) {
			op(g, WASM_OP_LOCAL_SET);
			imm(g, (uint32_t)l);
		} else {
			op(g, WASM_OP_DROP);
		}
	}
}

static void gen_values(struct gen *g, const uint8_t *t, uint32_t n, uint32_t depth)
{
	for (uint32_t i = 0; i < n; i++)
		gen_expr(g, t[i], depth + 1);
}

static void consts(struct gen *g, const uint8_t *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		gen_const(g, t[i]);
}

static bool label_push(struct gen *g, const uint8_t *t, uint32_t n)
{
	if (g->nlabels == GEN_MAX_LABELS)
		return false;
	g->labels[g->nlabels].n = (uint8_t)n;
	memcpy(g->labels[g->nlabels].t, t, n);
	g->nlabels++;
	return true;
}

/* A random [p] -> [r] shape (r may be forced to start with `first`). */
static void pick_shape(struct gen *g, uint8_t first, uint8_t *p, uint32_t *np, uint8_t *r,
		       uint32_t *nr)
{
	*np = pick(g, 4) == 3 ? 1 + pick(g, 2) : 0;
	*nr = first ? 1 : 0;
	if (pick(g, 3) == 2)
		*nr += 1 + pick(g, 2);
	if (first)
		r[0] = first;
	for (uint32_t i = 0; i < *np; i++)
		p[i] = pick_valtype(g);
	for (uint32_t i = first ? 1 : 0; i < *nr; i++)
		r[i] = pick_valtype(g);
}

/* A block body: takes the params off the stack, runs statements, leaves the
 * results. */
static void gen_body(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr,
		     uint32_t depth)
{
	gen_consume(g, p, np);
	gen_stmts(g, 4, depth + 1);
	gen_values(g, r, nr, depth);
}

/*
 * block, if or loop of type [p] -> [r] (loops: p empty), its params pushed
 * first; false if it could not be emitted (nothing emitted then).
 *
 * A loop is
 *   i32.const K  local.set $c
 *   block $exit [r]  loop $top [r]
 *     local.get $c  i32.eqz  if  <consts r>  br $exit  end
 *     local.get $c  i32.const 1  i32.sub  local.set $c
 *     body
 *   end end
 * so every way back to $top passes the count down.
 */
static bool gen_structured(struct gen *g, uint32_t kind, const uint8_t *p, uint32_t np,
			   const uint8_t *r, uint32_t nr, uint32_t depth)
{
	uint32_t counter;

	if (kind == WASM_OP_LOOP)
		np = 0;
	if (g->nest >= GEN_MAX_NEST || g->nlabels + 3 > GEN_MAX_LABELS ||
	    !blocktype_ok(g, p, np, r, nr))
		return false;
	if (kind == WASM_OP_LOOP) {
		if (g->loops >= GEN_MAX_LOOPS || g->nlocals == GEN_MAX_LOCALS)
			return false;
		counter = g->nlocals;
		g->ltype[g->nlocals++] = WASM_TYPE_UNKNOWN; /* never picked for other uses */
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, pick(g, 7));
		op(g, WASM_OP_LOCAL_SET);
		imm(g, counter);
		op(g, WASM_OP_BLOCK);
		blocktype(g, p, 0, r, nr);
		label_push(g, r, nr);
		op(g, WASM_OP_LOOP);
		blocktype(g, p, 0, r, nr);
		label_push(g, p, 0);
		op(g, WASM_OP_LOCAL_GET);
		imm(g, counter);
		op(g, WASM_OP_I32_EQZ);
		op(g, WASM_OP_IF);
		buf_byte(&g->body, 0x40);
		consts(g, r, nr);
		op(g, WASM_OP_BR);
		imm(g, 2);
		op(g, WASM_OP_END);
		op(g, WASM_OP_LOCAL_GET);
		imm(g, counter);
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, 1);
		op(g, WASM_OP_I32_SUB);
		op(g, WASM_OP_LOCAL_SET);
		imm(g, counter);
		g->nest++;
		g->loops++;
		gen_body(g, p, 0, r, nr, depth);
		g->loops--;
		g->nest--;
		op(g, WASM_OP_END);
		op(g, WASM_OP_END);
		g->nlabels -= 2;
		return true;
	}
	gen_values(g, p, np, depth);
	if (kind == WASM_OP_IF)
		gen_expr(g, WASM_TYPE_I32, depth + 1);
	op(g, kind);
	blocktype(g, p, np, r, nr);
	label_push(g, r, nr);
	g->nest++;
	gen_body(g, p, np, r, nr, depth);
	/* `if` without else must be [t*] -> [t*]; always give one otherwise */
	if (kind == WASM_OP_IF && (np || nr || pick(g, 2))) {
		op(g, WASM_OP_ELSE);
		gen_body(g, p, np, r, nr, depth);
	}
	g->nest--;
	g->nlabels--;
	op(g, WASM_OP_END);
	return true;
}

/* Pushes a call's arguments then the call (direct or through table 0);
 * results stay on the stack. Returns the callee's type. */
static const struct gen_type *gen_call(struct gen *g, uint32_t f, bool indirect, uint32_t depth)
{
	const struct gen_type *ft;
	uint32_t ti = indirect ? pick(g, g->ntypes) : g->functype[f];

	ft = &g->types[ti];
	gen_values(g, ft->p, ft->np, depth);
	if (indirect) {
		op(g, WASM_OP_I32_CONST);
		buf_s64(&g->body, pick(g, g->table0 + 2));
		op(g, WASM_OP_CALL_INDIRECT);
		imm(g, ti);
		imm(g, 0);
	} else {
		op(g, WASM_OP_CALL);
		imm(g, f);
	}
	return ft;
}

/* A function whose first result is t (UNKNOWN: any), -1 if none. */
static int pick_callee(struct gen *g, uint8_t t)
{
	uint32_t n = 0, k;

	for (uint32_t i = 0; i < g->nfuncs; i++) {
		const struct gen_type *ft = &g->types[g->functype[i]];

		n += t == WASM_TYPE_UNKNOWN || (ft->nr && ft->r[0] == t);
	}
	if (n == 0)
		return -1;
	k = pick(g, n);
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		const struct gen_type *ft = &g->types[g->functype[i]];

		if ((t == WASM_TYPE_UNKNOWN || (ft->nr && ft->r[0] == t)) && k-- == 0)
			return (int)i;
	}
	return -1;
}

/* Reference-typed and table/memory-size expressions; false if none fits t. */
static bool gen_special(struct gen *g, uint8_t t, uint32_t depth)
{
	uint32_t k = pick(g, 6);

	if (t == WASM_TYPE_I32) {
		switch (k) {
		case 0:
			op(g, WASM_OP_MEMORY_SIZE);
			buf_byte(&g->body, 0);
			return true;
		case 1:
			gen_expr(g, WASM_TYPE_I32, depth + 1);
			op(g, WASM_OP_MEMORY_GROW);
			buf_byte(&g->body, 0);
			return true;
		case 2:
			op_fc(g, WASM_OP_TABLE_SIZE);
			imm(g, pick(g, 2));
			return true;
		case 3: {
			uint32_t tab = pick(g, 2);

			gen_expr(g, tab ? WASM_TYPE_EXTERNREF : WASM_TYPE_FUNCREF, depth + 1);
			gen_len(g, depth);
			op_fc(g, WASM_OP_TABLE_GROW);
			imm(g, tab);
			return true;
		}
		default:
			gen_expr(g, k == 4 ? WASM_TYPE_FUNCREF : WASM_TYPE_EXTERNREF, depth + 1);
			op(g, WASM_OP_REF_IS_NULL);
			return true;
		}
	}
	if (t == WASM_TYPE_FUNCREF || t == WASM_TYPE_EXTERNREF) {
		if (k < 3) {
			gen_tidx(g, depth);
			op(g, WASM_OP_TABLE_GET);
			imm(g, t == WASM_TYPE_EXTERNREF);
			return true;
		}
		if (t == WASM_TYPE_FUNCREF) {
			op(g, WASM_OP_REF_FUNC);
			imm(g, pick(g, g->nfuncs));
			return true;
		}
	}
	return false;
}

static void gen_expr(struct gen *g, uint8_t t, uint32_t depth)
{
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
	uint32_t np, nr, idx;
	int l;

	if (depth >= GEN_MAX_DEPTH || gen_low(g)) {
		gen_leaf(g, t);
		return;
	}
	switch (pick(g, 20)) {
	case 0:
	case 1:
		break;
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		idx = pick_row(g, t, false);
		if (idx == UINT32_MAX)
			break;
		gen_row(g, idx, depth);
		return;
	case 7:
		idx = pick_row(g, t, true);
		if (idx == UINT32_MAX)
			break;
		gen_row(g, idx, depth);
		return;
	case 8:
		if ((l = pick_local(g, t)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		op(g, WASM_OP_LOCAL_TEE);
		imm(g, (uint32_t)l);
		return;
	case 9:
		if ((l = pick_global(g, t, false)) < 0)
			break;
		op(g, WASM_OP_GLOBAL_GET);
		imm(g, (uint32_t)l);
		return;
	case 10:
		gen_expr(g, t, depth + 1);
		gen_expr(g, t, depth + 1);
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		if (is_num(t) && pick(g, 2)) {
			op(g, WASM_OP_SELECT);
		} else {
			op(g, WASM_OP_SELECT_T);
			imm(g, 1);
			buf_byte(&g->body, t);
		}
		return;
	case 11:
	case 12:
	case 13:
		pick_shape(g, t, p, &np, r, &nr);
		if (!gen_structured(
			    g, (uint32_t[]){WASM_OP_BLOCK, WASM_OP_IF, WASM_OP_LOOP}[pick(g, 3)], p,
			    np, r, nr, depth))
			break;
		gen_consume(g, r + 1, nr - 1);
		return;
	case 14:
	case 15: {
		const struct gen_type *ft;
		bool indirect = pick(g, 2);
		int f = pick_callee(g, t);

		if (!indirect && f < 0)
			break;
		ft = gen_call(g, (uint32_t)(f < 0 ? 0 : f), indirect, depth);
		if (ft->nr && ft->r[0] == t) {
			gen_consume(g, ft->r + 1, ft->nr - 1);
		} else {
			gen_consume(g, ft->r, ft->nr);
			gen_leaf(g, t);
		}
		return;
	}
	case 16:
	case 17:
		if (!gen_special(g, t, depth))
			break;
		return;
	case 18:
		gen_stmts(g, 2, depth + 1);
		gen_expr(g, t, depth + 1);
		return;
	default:
		if (pick(g, 8) != 7)
			break;
		op(g, WASM_OP_UNREACHABLE);
		return;
	}
	gen_leaf(g, t);
}

/* br, br_if or br_table to labels of the current function. */
static void gen_branch(struct gen *g, uint32_t which, uint32_t depth)
{
	uint32_t d = pick(g, g->nlabels);
	const struct gen_label *lb = &g->labels[g->nlabels - 1 - d];

	gen_values(g, lb->t, lb->n, depth);
	if (which == 0) {
		op(g, WASM_OP_BR);
		imm(g, d);
	} else if (which == 1) {
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		op(g, WASM_OP_BR_IF);
		imm(g, d);
		gen_consume(g, lb->t, lb->n);
	} else {
		uint32_t targets[8], n = 0, want = pick(g, 8);

		/* the targets carry the same types as the default */
		for (uint32_t i = 0; i < g->nlabels && n < want; i++) {
			const struct gen_label *o = &g->labels[g->nlabels - 1 - i];

			if (o->n == lb->n && !memcmp(o->t, lb->t, lb->n) && pick(g, 2))
				targets[n++] = i;
		}
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		op(g, WASM_OP_BR_TABLE);
		imm(g, n);
		for (uint32_t i = 0; i < n; i++)
			imm(g, targets[i]);
		imm(g, d);
	}
}

/* The table and bulk-memory statements. */
static void gen_bulk(struct gen *g, uint32_t depth)
{
	uint32_t k = pick(g, 10), tab = pick(g, 2);
	uint8_t rt = tab ? WASM_TYPE_EXTERNREF : WASM_TYPE_FUNCREF;

	switch (k) {
	case 0:
	case 1:
	case 2:
		gen_addr(g, depth);
		if (k == 0)
			gen_expr(g, WASM_TYPE_I32, depth + 1);
		else
			gen_addr(g, depth);
		gen_len(g, depth);
		op_fc(g, k == 0	  ? WASM_OP_MEMORY_FILL
			 : k == 1 ? WASM_OP_MEMORY_COPY
				  : WASM_OP_MEMORY_INIT);
		if (k == 2)
			imm(g, pick(g, 2));
		buf_byte(&g->body, 0);
		if (k == 1)
			buf_byte(&g->body, 0);
		return;
	case 3:
		op_fc(g, WASM_OP_DATA_DROP);
		imm(g, pick(g, 2));
		return;
	case 4:
		gen_tidx(g, depth);
		gen_expr(g, rt, depth + 1);
		op(g, WASM_OP_TABLE_SET);
		imm(g, tab);
		return;
	case 5:
		gen_tidx(g, depth);
		gen_expr(g, rt, depth + 1);
		gen_len(g, depth);
		op_fc(g, WASM_OP_TABLE_FILL);
		imm(g, tab);
		return;
	case 6:
		gen_tidx(g, depth);
		gen_tidx(g, depth);
		gen_len(g, depth);
		op_fc(g, WASM_OP_TABLE_COPY);
		imm(g, tab);
		imm(g, tab);
		return;
	case 7:
		/* elems 0 and 1 are funcref (table 0), elem 2 externref (table 1) */
		gen_tidx(g, depth);
		gen_len(g, depth);
		gen_len(g, depth);
		op_fc(g, WASM_OP_TABLE_INIT);
		imm(g, tab ? 2 : pick(g, 2));
		imm(g, tab);
		return;
	case 8:
		op_fc(g, WASM_OP_ELEM_DROP);
		imm(g, pick(g, 3));
		return;
	default:
		gen_expr(g, rt, depth + 1);
		gen_len(g, depth);
		op_fc(g, WASM_OP_TABLE_GROW);
		imm(g, tab);
		op(g, WASM_OP_DROP);
		return;
	}
}

static void gen_stmt(struct gen *g, uint32_t depth)
{
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
	uint32_t np, nr, idx;
	uint8_t t;
	int l;

	switch (pick(g, 20)) {
	case 0:
		op(g, WASM_OP_NOP);
		return;
	case 1:
	case 2:
		t = pick_valtype(g);
		if ((l = pick_local(g, t)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		op(g, WASM_OP_LOCAL_SET);
		imm(g, (uint32_t)l);
		return;
	case 3:
		t = pick_valtype(g);
		if ((l = pick_global(g, t, true)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		op(g, WASM_OP_GLOBAL_SET);
		imm(g, (uint32_t)l);
		return;
	case 4:
	case 5:
		idx = pick_row(g, WASM_TYPE_UNKNOWN, true);
		gen_row(g, idx, depth);
		return;
	case 6:
	case 7:
		pick_shape(g, 0, p, &np, r, &nr);
		if (!gen_structured(
			    g, (uint32_t[]){WASM_OP_BLOCK, WASM_OP_IF, WASM_OP_LOOP}[pick(g, 3)], p,
			    np, r, nr, depth))
			break;
		gen_consume(g, r, nr);
		return;
	case 8:
	case 9:
		gen_branch(g, pick(g, 3), depth);
		return;
	case 10:
	case 11: {
		const struct gen_type *ft;
		bool indirect = pick(g, 2);
		int f = pick_callee(g, WASM_TYPE_UNKNOWN);

		ft = gen_call(g, (uint32_t)f, indirect, depth);
		gen_consume(g, ft->r, ft->nr);
		return;
	}
	case 12:
	case 13:
		gen_bulk(g, depth);
		return;
	case 14:
		if (pick(g, 4) != 3)
			break;
		/* the function's label is the outermost */
		gen_values(g, g->labels[0].t, g->labels[0].n, depth);
		op(g, WASM_OP_RETURN);
		return;
	default:
		t = pick_valtype(g);
		gen_expr(g, t, depth + 1);
		op(g, WASM_OP_DROP);
		return;
	}
	op(g, WASM_OP_NOP);
}

static void gen_stmts(struct gen *g, uint32_t max, uint32_t depth)
{
	uint32_t n = pick(g, max + 1);

	for (uint32_t i = 0; i < n && depth < GEN_MAX_DEPTH + 2 && !gen_low(g); i++)
		gen_stmt(g, depth);
}

/* ---- functions and the module ---- */

/*
 * One function's code entry (size, locals, body) into `code`:
 *   global.get $budget  i32.eqz  if  <consts results>  return  end
 *   global.get $budget  i32.const 1  i32.sub  global.set $budget
 *   statements  results
 */
static void gen_func(struct gen *g, uint32_t f, struct gen_buf *code)
{
	const struct gen_type *ft = &g->types[g->functype[f]];
	uint8_t entry[GEN_BODY_CAP], lbuf[GEN_MAX_LOCALS * 2 + 8];
	struct gen_buf locals = {.p = lbuf, .cap = sizeof(lbuf)};
	uint32_t ndecl = pick(g, 7);

	g->body = (struct gen_buf){.p = entry, .cap = sizeof(entry)};
	g->nparams = ft->np;
	memcpy(g->ltype, ft->p, ft->np);
	g->nlocals = ft->np;
	for (uint32_t i = 0; i < ndecl; i++)
		g->ltype[g->nlocals++] = pick_valtype(g);
	g->nlabels = 0;
	g->nest = 0;
	g->loops = 0;
	label_push(g, ft->r, ft->nr);

	op(g, WASM_OP_GLOBAL_GET);
	imm(g, 0);
	op(g, WASM_OP_I32_EQZ);
	op(g, WASM_OP_IF);
	buf_byte(&g->body, 0x40);
	consts(g, ft->r, ft->nr);
	op(g, WASM_OP_RETURN);
	op(g, WASM_OP_END);
	op(g, WASM_OP_GLOBAL_GET);
	imm(g, 0);
	op(g, WASM_OP_I32_CONST);
	buf_s64(&g->body, 1);
	op(g, WASM_OP_I32_SUB);
	op(g, WASM_OP_GLOBAL_SET);
	imm(g, 0);
	gen_stmts(g, 8, 0);
	gen_values(g, ft->r, ft->nr, 0);
	op(g, WASM_OP_END);

	/* one entry per local: the loop counters (UNKNOWN above) are i32 */
	buf_u32(&locals, g->nlocals - g->nparams);
	for (uint32_t i = g->nparams; i < g->nlocals; i++) {
		buf_u32(&locals, 1);
		buf_byte(&locals, g->ltype[i] == WASM_TYPE_UNKNOWN ? WASM_TYPE_I32 : g->ltype[i]);
	}
	buf_u32(code, (uint32_t)(locals.len + g->body.len));
	buf_bytes(code, locals.p, locals.len);
	buf_bytes(code, g->body.p, g->body.len);
	if (g->body.overflow || locals.overflow)
		code->overflow = true;
	g->code_total += locals.len + g->body.len;
}

static void gen_vec_types(struct gen_buf *b, const uint8_t *t, uint32_t n)
{
	buf_u32(b, n);
	buf_bytes(b, t, n);
}

static void gen_limits(struct gen_buf *b, uint32_t min, uint32_t max)
{
	buf_byte(b, max ? 1 : 0);
	buf_u32(b, min);
	if (max)
		buf_u32(b, max);
}

static void gen_const_expr(struct gen_buf *b, struct gen *g, uint8_t t)
{
	struct gen_buf save = g->body;
	uint32_t *counts = g->counts;

	/* reuse gen_const on `b`, without counting code coverage */
	g->body = *b;
	g->counts = NULL;
	gen_const(g, t);
	buf_byte(&g->body, WASM_OP_END);
	*b = g->body;
	g->body = save;
	g->counts = counts;
}

size_t wasm_gen_module(struct wasm_gen_input *in, uint8_t *out, size_t cap, uint32_t *op_counts)
{
	uint8_t code_p[WASM_GEN_MAX_CODE + GEN_BODY_CAP];
	struct gen g_, *g = &g_;
	uint8_t sp[WASM_GEN_MAX_MODULE / 2];
	struct gen_buf mod = {.p = out, .cap = cap}, s;
	struct gen_buf code = {.p = code_p, .cap = sizeof(code_p)};
	uint32_t nft, d0off, d0len, d1len, e0off, e0len, e1len, e2len, mmax;
	static const uint8_t magic[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

	if (cap < WASM_GEN_MAX_MODULE)
		return 0;
	memset(g, 0, sizeof(*g));
	g->in = in;
	g->counts = op_counts;

	/* function types, then functions */
	nft = 1 + pick(g, 5);
	for (uint32_t i = 0; i < nft; i++) {
		uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
		uint32_t np = pick(g, GEN_MAX_VALS + 1), nr = pick(g, 4);

		for (uint32_t k = 0; k < np; k++)
			p[k] = pick_valtype(g);
		for (uint32_t k = 0; k < nr; k++)
			r[k] = pick_valtype(g);
		type_find(g, p, np, r, nr);
	}
	g->nfuncs = 1 + pick(g, GEN_MAX_FUNCS);
	for (uint32_t i = 0; i < g->nfuncs; i++)
		g->functype[i] = pick(g, g->ntypes);

	/* tables, memory, globals: global 0 is the budget */
	g->table0 = 1 + pick(g, 8);
	g->table1 = pick(g, 5);
	g->pages = pick(g, 3);
	mmax = pick(g, 2) ? g->pages + pick(g, 4) : 0;
	g->gtype[0] = WASM_TYPE_I32;
	g->gmut[0] = true;
	g->nglobals = 1 + pick(g, GEN_MAX_GLOBALS);
	for (uint32_t i = 1; i < g->nglobals; i++) {
		g->gtype[i] = pick(g, 6) == 5 ? WASM_TYPE_FUNCREF : gen_numtypes[pick(g, 4)];
		g->gmut[i] = pick(g, 3) != 0;
	}

	/* segments' shapes (in bounds, so instantiation succeeds) */
	d0len = g->pages ? pick(g, 17) : 0;
	d0off = g->pages ? pick(g, (uint32_t)g->pages * 65536 - d0len + 1) : 0;
	d1len = pick(g, GEN_DATA_PASSIVE + 1);
	e0len = pick(g, g->table0 + 1);
	e0off = pick(g, g->table0 - e0len + 1);
	e1len = pick(g, 9);
	e2len = pick(g, 5);

	for (uint32_t f = 0; f < g->nfuncs; f++)
		gen_func(g, f, &code);

	buf_bytes(&mod, magic, sizeof(magic));
	s = (struct gen_buf){.p = sp, .cap = sizeof(sp)};
	buf_u32(&s, g->ntypes);
	for (uint32_t i = 0; i < g->ntypes; i++) {
		buf_byte(&s, 0x60);
		gen_vec_types(&s, g->types[i].p, g->types[i].np);
		gen_vec_types(&s, g->types[i].r, g->types[i].nr);
	}
	buf_section(&mod, 1, &s);

	s.len = 0;
	buf_u32(&s, g->nfuncs);
	for (uint32_t i = 0; i < g->nfuncs; i++)
		buf_u32(&s, g->functype[i]);
	buf_section(&mod, 3, &s);

	s.len = 0;
	buf_u32(&s, 2);
	buf_byte(&s, WASM_TYPE_FUNCREF);
	gen_limits(&s, g->table0, GEN_TABLE0_MAX);
	buf_byte(&s, WASM_TYPE_EXTERNREF);
	gen_limits(&s, g->table1, GEN_TABLE1_MAX);
	buf_section(&mod, 4, &s);

	s.len = 0;
	buf_u32(&s, 1);
	gen_limits(&s, g->pages, mmax);
	buf_section(&mod, 5, &s);

	s.len = 0;
	buf_u32(&s, g->nglobals);
	for (uint32_t i = 0; i < g->nglobals; i++) {
		buf_byte(&s, g->gtype[i]);
		buf_byte(&s, g->gmut[i]);
		if (i == 0) {
			buf_byte(&s, WASM_OP_I32_CONST);
			buf_s64(&s, WASM_GEN_CALL_BUDGET);
			buf_byte(&s, WASM_OP_END);
		} else {
			gen_const_expr(&s, g, g->gtype[i]);
		}
	}
	buf_section(&mod, 6, &s);

	s.len = 0;
	buf_u32(&s, g->nfuncs + 1);
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		buf_u32(&s, i < 10 ? 2 : 3);
		buf_byte(&s, 'f');
		if (i >= 10)
			buf_byte(&s, (uint8_t)('0' + i / 10));
		buf_byte(&s, (uint8_t)('0' + i % 10));
		buf_byte(&s, WASM_EXTERN_FUNC);
		buf_u32(&s, i);
	}
	buf_u32(&s, 6);
	buf_bytes(&s, (const uint8_t *)"budget", 6);
	buf_byte(&s, WASM_EXTERN_GLOBAL);
	buf_u32(&s, 0);
	buf_section(&mod, 7, &s);

	/* elem 0: active funcidx on table 0; 1: passive funcref (indices or
	 * expressions); 2: passive externref expressions (nulls) */
	s.len = 0;
	buf_u32(&s, 3);
	buf_u32(&s, 0);
	buf_byte(&s, WASM_OP_I32_CONST);
	buf_s64(&s, e0off);
	buf_byte(&s, WASM_OP_END);
	buf_u32(&s, e0len);
	for (uint32_t i = 0; i < e0len; i++)
		buf_u32(&s, pick(g, g->nfuncs));
	if (pick(g, 2)) {
		buf_u32(&s, 1);
		buf_byte(&s, 0x00);
		buf_u32(&s, e1len);
		for (uint32_t i = 0; i < e1len; i++)
			buf_u32(&s, pick(g, g->nfuncs));
	} else {
		buf_u32(&s, 5);
		buf_byte(&s, WASM_TYPE_FUNCREF);
		buf_u32(&s, e1len);
		for (uint32_t i = 0; i < e1len; i++)
			gen_const_expr(&s, g, WASM_TYPE_FUNCREF);
	}
	buf_u32(&s, 5);
	buf_byte(&s, WASM_TYPE_EXTERNREF);
	buf_u32(&s, e2len);
	for (uint32_t i = 0; i < e2len; i++) {
		buf_byte(&s, WASM_OP_REF_NULL);
		buf_byte(&s, WASM_TYPE_EXTERNREF);
		buf_byte(&s, WASM_OP_END);
	}
	buf_section(&mod, 9, &s);

	s.len = 0;
	buf_u32(&s, 2);
	buf_section(&mod, 12, &s);

	s.len = 0;
	buf_u32(&s, g->nfuncs);
	buf_bytes(&s, code.p, code.len);
	s.overflow |= code.overflow;
	buf_section(&mod, 10, &s);

	s.len = 0;
	buf_u32(&s, 2);
	buf_u32(&s, 0);
	buf_byte(&s, WASM_OP_I32_CONST);
	buf_s64(&s, (int32_t)d0off);
	buf_byte(&s, WASM_OP_END);
	buf_u32(&s, d0len);
	for (uint32_t i = 0; i < d0len; i++)
		buf_byte(&s, (uint8_t)wasm_gen_bits(in, 1));
	buf_u32(&s, 1);
	buf_u32(&s, d1len);
	for (uint32_t i = 0; i < d1len; i++)
		buf_byte(&s, (uint8_t)(i * 37 + 11));
	buf_section(&mod, 11, &s);

	return mod.overflow ? 0 : mod.len;
}
