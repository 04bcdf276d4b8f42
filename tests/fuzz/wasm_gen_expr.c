/*
 * wasm_gen_expr.c - the generator's expressions: gen_expr(t) emits code
 * that pushes exactly one value of type t, whatever the choices, so the
 * operand stack is typed by construction (the approach of wasm-smith).
 * Numeric, load and store instructions come from the opcode table's SIG
 * column (wasm/opcodes.h): a row added there is generated with no change
 * here. Past the size bounds (gen_low) only leaves are emitted.
 */
#include <string.h>

#include "wasm/module.h"
#include "wasm/opcodes.h"

#include "wasm_gen_internal.h"

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

void gen_const(struct gen *g, uint8_t t)
{
	/* choice 0 is the first edge value: 0 */
	bool raw = gen_pick(g, 4) == 3;

	switch (t) {
	case WASM_TYPE_I32:
		gen_op(g, WASM_OP_I32_CONST);
		gen_buf_s64(&g->body,
			    (int32_t)(raw ? (uint32_t)wasm_gen_bits(g->in, 4)
					  : gen_i32_edges[gen_pick(g, GEN_COUNT(gen_i32_edges))]));
		break;
	case WASM_TYPE_I64:
		gen_op(g, WASM_OP_I64_CONST);
		gen_buf_s64(&g->body,
			    (int64_t)(raw ? wasm_gen_bits(g->in, 8)
					  : gen_i64_edges[gen_pick(g, GEN_COUNT(gen_i64_edges))]));
		break;
	case WASM_TYPE_F32:
		gen_op(g, WASM_OP_F32_CONST);
		gen_buf_le(&g->body,
			   raw ? wasm_gen_bits(g->in, 4)
			       : gen_f32_edges[gen_pick(g, GEN_COUNT(gen_f32_edges))],
			   4);
		break;
	case WASM_TYPE_F64:
		gen_op(g, WASM_OP_F64_CONST);
		gen_buf_le(&g->body,
			   raw ? wasm_gen_bits(g->in, 8)
			       : gen_f64_edges[gen_pick(g, GEN_COUNT(gen_f64_edges))],
			   8);
		break;
	case WASM_TYPE_V128: {
		/* 16 random bytes, or lanes of edge values: four 32-bit lanes
		 * (i32 or f32 edges) or two 64-bit ones (i64 or f64 edges) */
		uint64_t h[2] = {0, 0};
		uint32_t kind = raw ? 4 : gen_pick(g, 4);

		gen_op(g, WASM_OP_INDEX(WASM_OP_PREFIX_FD, WASM_OP_V128_CONST));
		for (uint32_t i = 0; i < 4; i++) {
			uint64_t v;

			if (kind == 0)
				v = gen_i32_edges[gen_pick(g, GEN_COUNT(gen_i32_edges))];
			else if (kind == 1)
				v = gen_f32_edges[gen_pick(g, GEN_COUNT(gen_f32_edges))];
			else if (kind == 2 && i < 2)
				v = gen_i64_edges[gen_pick(g, GEN_COUNT(gen_i64_edges))];
			else if (kind == 3 && i < 2)
				v = gen_f64_edges[gen_pick(g, GEN_COUNT(gen_f64_edges))];
			else if (kind == 4 && i < 2)
				v = wasm_gen_bits(g->in, 8);
			else
				continue;
			if (kind < 2)
				h[i / 2] |= v << (32 * (i % 2));
			else
				h[i] = v;
		}
		gen_buf_le(&g->body, h[0], 8);
		gen_buf_le(&g->body, h[1], 8);
		break;
	}
	default:
		if (t == WASM_TYPE_FUNCREF && raw) {
			gen_op(g, WASM_OP_REF_FUNC);
			gen_imm(g, gen_pick(g, g->nfuncs));
			break;
		}
		gen_op(g, WASM_OP_REF_NULL);
		gen_buf_byte(&g->body, t);
		break;
	}
}

/* A local of type t (-1: none), picked among those that qualify. */
int gen_pick_local(struct gen *g, uint8_t t)
{
	uint32_t n = 0, k;

	for (uint32_t i = 0; i < g->nlocals; i++)
		n += g->ltype[i] == t;
	if (n == 0)
		return -1;
	k = gen_pick(g, n);
	for (uint32_t i = 0; i < g->nlocals; i++)
		if (g->ltype[i] == t && k-- == 0)
			return (int)i;
	return -1;
}

int gen_pick_global(struct gen *g, uint8_t t, bool want_mut)
{
	uint32_t n = 0, k;

	for (uint32_t i = 1; i < g->nglobals; i++)
		n += g->gtype[i] == t && (!want_mut || g->gmut[i]);
	if (n == 0)
		return -1;
	k = gen_pick(g, n);
	for (uint32_t i = 1; i < g->nglobals; i++)
		if (g->gtype[i] == t && (!want_mut || g->gmut[i]) && k-- == 0)
			return (int)i;
	return -1;
}

static void gen_leaf(struct gen *g, uint8_t t)
{
	int l;

	if (gen_pick(g, 2) == 1 && (l = gen_pick_local(g, t)) >= 0) {
		gen_op(g, WASM_OP_LOCAL_GET);
		gen_imm(g, (uint32_t)l);
		return;
	}
	gen_const(g, t);
}

/* Whether only leaves may be added now (size bounds). */
bool gen_low(const struct gen *g)
{
	return g->body.len > GEN_MAX_BODY || g->code_total + g->body.len > GEN_CODE_SOFT;
}

/* ---- recursion ---- */

/* i32.const v, or i64.const v (w64). */
void gen_iconst(struct gen *g, bool w64, int64_t v)
{
	gen_op(g, w64 ? WASM_OP_I64_CONST : WASM_OP_I32_CONST);
	gen_buf_s64(&g->body, w64 ? v : (int32_t)v);
}

/* A memory: any (w64 < 0), or one of 64 bits (w64 == 1) or 32 (0);
 * UINT32_MAX if there is none. Reads no choice when one qualifies. */
uint32_t gen_pick_mem(struct gen *g, int w64)
{
	uint32_t n = 0, k;

	for (uint32_t i = 0; i < g->nmems; i++)
		n += w64 < 0 || g->mem64[i] == (w64 == 1);
	if (n == 0)
		return UINT32_MAX;
	k = gen_pick(g, n);
	for (uint32_t i = 0; i < g->nmems; i++)
		if ((w64 < 0 || g->mem64[i] == (w64 == 1)) && k-- == 0)
			return i;
	return UINT32_MAX;
}

/* Addresses near 2^32 and 2^64, for 64-bit memories. */
static const uint64_t gen_addr64_edges[] = {1ull << 32, (1ull << 32) - 8, (1ull << 32) + 16, ~0ull,
					    ~0ull - 15, 1ull << 63,	  0xffff0000ull};

/* An address in memory `mem` (i64 if it is 64-bit): mostly near the start
 * of memory, so that accesses hit, or just below its current end, where an
 * access may straddle it; for a 64-bit memory also past 4 GiB and near
 * 2^64, where the sum with an offset must not wrap. */
void gen_addr(struct gen *g, uint32_t mem, uint32_t depth)
{
	bool w = g->mem64[mem];
	uint8_t it = w ? WASM_TYPE_I64 : WASM_TYPE_I32;

	switch (gen_pick(g, w ? 6 : 5)) {
	case 0:
		gen_iconst(g, w, gen_pick(g, 256));
		break;
	case 1:
		gen_iconst(g, w, gen_pick(g, 3 * 65536));
		break;
	case 2: {
		/* an expression folded into the first pages */
		gen_expr(g, it, depth + 1);
		gen_iconst(g, w, 0x1ffff);
		gen_op(g, w ? WASM_OP_I64_AND : WASM_OP_I32_AND);
		break;
	}
	case 3:
		/* memory.size << 16 - k */
		gen_op(g, WASM_OP_MEMORY_SIZE);
		gen_imm(g, mem);
		gen_iconst(g, w, 16);
		gen_op(g, w ? WASM_OP_I64_SHL : WASM_OP_I32_SHL);
		gen_iconst(g, w, gen_pick(g, 17));
		gen_op(g, w ? WASM_OP_I64_SUB : WASM_OP_I32_SUB);
		break;
	case 5:
		gen_iconst(g, true,
			   (int64_t)gen_addr64_edges[gen_pick(g, GEN_COUNT(gen_addr64_edges))]);
		break;
	default:
		gen_expr(g, it, depth + 1);
		break;
	}
}

/* Indices of an i64 table (table64) that must be out of bounds, never
 * wrapped to 32 bits (2^32 + 1 would wrap to a valid one). */
static const uint64_t gen_tidx64_edges[] = {
	0xffffffffull, 0x100000000ull, 0x100000001ull, 1ull << 63, UINT64_MAX,
};

/* An index into table `tab` (an i64 one with table64): mostly near the
 * tables' sizes. */
void gen_tidx(struct gen *g, uint32_t tab, uint32_t depth)
{
	bool w64 = g->tab64[tab];

	if (gen_pick(g, 5) == 4) {
		gen_expr(g, w64 ? WASM_TYPE_I64 : WASM_TYPE_I32, depth + 1);
		return;
	}
	if (w64 && gen_pick(g, 4) == 0) {
		gen_iconst(g, true,
			   (int64_t)gen_tidx64_edges[gen_pick(g, GEN_COUNT(gen_tidx64_edges))]);
		return;
	}
	gen_iconst(g, w64, gen_pick(g, 12));
}

/* call_indirect's index into table 0: in bounds or just past it; on an
 * i64 table sometimes one of them plus 2^32. */
void gen_call_index(struct gen *g)
{
	uint64_t high = g->tab64[0] && gen_pick(g, 4) == 0 ? 1ull << 32 : 0;

	gen_iconst(g, g->tab64[0], (int64_t)(high + gen_pick(g, g->table0 + 2)));
}

/* A length for bulk operations (i64 if w64): mostly short. */
void gen_len(struct gen *g, bool w64, uint32_t depth)
{
	if (gen_pick(g, 4) == 3) {
		gen_expr(g, w64 ? WASM_TYPE_I64 : WASM_TYPE_I32, depth + 1);
		return;
	}
	gen_iconst(g, w64, gen_pick(g, 70));
}

/* align (with bit 6 and the memory index where it is not 0, and sometimes
 * for 0 with multi-memory), offset (past 4 GiB sometimes for 64 bits). */
static void gen_memarg(struct gen *g, uint32_t idx, uint32_t mem)
{
	static const uint32_t offsets[] = {0, 1, 3, 8, 65535, 65536, 131070, 0xffffffff};
	static const uint64_t offsets64[] = {1ull << 32, ~0ull, 1ull << 63, ~0ull - 7,
					     0xfffffffffff0000ull};
	uint32_t natural = wasm_imm_memarg_align(wasm_opinfo[idx].imm);
	uint32_t align = gen_pick(g, natural + 1);
	bool explicit = mem != 0 || ((g->feat & WASM_FEAT_MULTI_MEMORY) && gen_pick(g, 8) == 0);

	gen_imm(g, align | (explicit ? 0x40 : 0));
	if (explicit)
		gen_imm(g, mem);
	if (g->mem64[mem] && gen_pick(g, 4) == 0) {
		gen_buf_u64(&g->body, offsets64[gen_pick(g, GEN_COUNT(offsets64))]);
		return;
	}
	gen_imm(g, gen_pick(g, 3) ? gen_pick(g, 64) : offsets[gen_pick(g, GEN_COUNT(offsets))]);
}

/* Whether row i can be generated in this module (SIMD rows with the
 * features). */
static bool gen_row_ok(const struct gen *g, uint32_t i)
{
	if (wasm_op_index_is_gc(i)) /* GC: gen_gc_expr, gen_gc_stmt */
		return false;
	if (!wasm_op_index_is_simd(i))
		return true;
	if (!g->simd)
		return false;
	return g->relaxed || i < WASM_OP_INDEX(WASM_OP_PREFIX_FD, WASM_OP_FD_RELAXED);
}

/* Whether row i is a memory access. */
static bool gen_row_mem(uint32_t i)
{
	const struct wasm_opinfo *o = &wasm_opinfo[i];

	return o->tr == WASM_TR_LOAD || o->tr == WASM_TR_STORE ||
	       (o->tr == WASM_TR_SIMD && wasm_imm_is_memarg(o->imm));
}

/* A table row (NUM, BITS, LOAD or STORE) whose signature matches: result
 * `r` (UNKNOWN for stores) and class; UINT32_MAX if none. */
uint32_t gen_pick_row(struct gen *g, uint8_t r, bool memory)
{
	uint32_t n = 0, k = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < WASM_OP_NINDEX; i++) {
			const struct wasm_opinfo *o = &wasm_opinfo[i];
			bool mem = gen_row_mem(i);

			if (!o->text || o->sig == WASM_SIG_NONE || o->tr == WASM_TR_SPECIAL ||
			    mem != memory || wasm_sig_result(o->sig) != r || !gen_row_ok(g, i))
				continue;
			if (pass == 0)
				n++;
			else if (k-- == 0)
				return i;
		}
		if (n == 0)
			return UINT32_MAX;
		k = gen_pick(g, n);
	}
	return UINT32_MAX;
}

/* Emits row `idx` with its operands (a memory access on a memory picked
 * now) and immediates. */
void gen_row(struct gen *g, uint32_t idx, uint32_t depth)
{
	const struct wasm_opinfo *o = &wasm_opinfo[idx];
	uint32_t sig = o->sig, lanes = wasm_imm_lanes(o->imm);
	bool mem = gen_row_mem(idx);
	uint32_t m = mem ? gen_pick_mem(g, -1) : 0;

	if (o->imm == WASM_IMM_V128) { /* v128.const */
		gen_const(g, WASM_TYPE_V128);
		return;
	}
	for (uint32_t i = 0; i < wasm_sig_nparams(sig); i++) {
		if (mem && i == 0)
			gen_addr(g, m, depth);
		else
			gen_expr(g, wasm_sig_param(sig, i), depth + 1);
	}
	gen_op(g, idx);
	if (mem)
		gen_memarg(g, idx, m);
	if (lanes)
		gen_buf_byte(&g->body, (uint8_t)gen_pick(g, lanes));
	if (o->imm == WASM_IMM_SHUFFLE)
		for (uint32_t i = 0; i < 16; i++)
			gen_buf_byte(&g->body, (uint8_t)gen_pick(g, 32));
}

/* Removes n values of the given types (t[n-1] on top): into a local of the
 * type, or dropped. */
void gen_consume(struct gen *g, const uint8_t *t, uint32_t n)
{
	while (n-- > 0) {
		int l = gen_pick(g, 2) ? gen_pick_local(g, t[n]) : -1;

		if (l >= 0) {
			gen_op(g, WASM_OP_LOCAL_SET);
			gen_imm(g, (uint32_t)l);
		} else {
			gen_op(g, WASM_OP_DROP);
		}
	}
}

void gen_values(struct gen *g, const uint8_t *t, uint32_t n, uint32_t depth)
{
	for (uint32_t i = 0; i < n; i++)
		gen_expr(g, t[i], depth + 1);
}

void gen_consts(struct gen *g, const uint8_t *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		gen_const(g, t[i]);
}

/* Pushes a call's arguments then the call (direct or through table 0);
 * results stay on the stack. Returns the callee's type. */
const struct gen_type *gen_call(struct gen *g, uint32_t f, bool indirect, uint32_t depth)
{
	const struct gen_type *ft;
	uint32_t ti = indirect ? gen_pick(g, g->ntypes) : g->functype[f];

	while (g->types[ti].kind) /* a GC type: the next function type */
		ti = (ti + 1) % g->ntypes;
	ft = &g->types[ti];
	gen_values(g, ft->p, ft->np, depth);
	if (indirect) {
		gen_call_index(g);
		gen_op(g, WASM_OP_CALL_INDIRECT);
		gen_imm(g, ti);
		gen_imm(g, 0);
	} else if (gen_pick(g, 4) == 0) {
		/* typed function references: through ref.func, sometimes
		 * checked non-null first */
		gen_op(g, WASM_OP_REF_FUNC);
		gen_imm(g, f);
		if (gen_pick(g, 2))
			gen_op(g, WASM_OP_REF_AS_NON_NULL);
		gen_op(g, WASM_OP_CALL_REF);
		gen_imm(g, ti);
	} else {
		gen_op(g, WASM_OP_CALL);
		gen_imm(g, f);
	}
	return ft;
}

/* An i32 through br_on_null or br_on_non_null on a funcref that is null
 * or not: block (result i32) ... end. */
static void gen_br_on_null(struct gen *g)
{
	bool non_null = gen_pick(g, 2);

	gen_op(g, WASM_OP_BLOCK);
	gen_buf_byte(&g->body, WASM_TYPE_I32);
	if (!non_null) {
		/* [i32 ref] -> branch with the i32 if null, else drop the ref */
		gen_const(g, WASM_TYPE_I32);
		gen_const(g, WASM_TYPE_FUNCREF);
		gen_op(g, WASM_OP_BR_ON_NULL);
		gen_imm(g, 0);
		gen_op(g, WASM_OP_DROP);
	} else {
		/* block (result (ref func)): the ref if not null, else an i32 */
		gen_op(g, WASM_OP_BLOCK);
		gen_buf_byte(&g->body, 0x64);
		gen_buf_byte(&g->body, WASM_TYPE_FUNCREF);
		gen_const(g, WASM_TYPE_FUNCREF);
		gen_op(g, WASM_OP_BR_ON_NON_NULL);
		gen_imm(g, 0);
		gen_const(g, WASM_TYPE_I32);
		gen_op(g, WASM_OP_BR);
		gen_imm(g, 1);
		gen_op(g, WASM_OP_END);
		gen_op(g, WASM_OP_REF_IS_NULL);
	}
	gen_op(g, WASM_OP_END);
}

/* A function whose first result is t (UNKNOWN: any), -1 if none. */
int gen_pick_callee(struct gen *g, uint8_t t)
{
	uint32_t n = 0, k;

	for (uint32_t i = 0; i < g->nfuncs; i++) {
		const struct gen_type *ft = &g->types[g->functype[i]];

		n += t == WASM_TYPE_UNKNOWN || (ft->nr && ft->r[0] == t);
	}
	if (n == 0)
		return -1;
	k = gen_pick(g, n);
	for (uint32_t i = 0; i < g->nfuncs; i++) {
		const struct gen_type *ft = &g->types[g->functype[i]];

		if ((t == WASM_TYPE_UNKNOWN || (ft->nr && ft->r[0] == t)) && k-- == 0)
			return (int)i;
	}
	return -1;
}

/* ---- GC (wasm_gen.h): objects of the four types at gcbase ---- */

static void gen_op_fb(struct gen *g, uint32_t sub)
{
	gen_op(g, WASM_OP_INDEX(WASM_OP_PREFIX_FB, sub));
}

/* An i32 length or index: mostly small, at times any (a trap). */
static void gen_gc_len(struct gen *g, uint32_t max, uint32_t depth)
{
	switch (gen_pick(g, 8)) {
	case 7:
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		return;
	case 6:
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		gen_iconst(g, false, (int64_t)max - 1);
		gen_op(g, WASM_OP_I32_AND);
		return;
	default:
		gen_iconst(g, false, gen_pick(g, max));
		return;
	}
}

/* A leaf eqref: a local, a global or null (no label may be needed). */
static void gen_gc_eq_leaf(struct gen *g)
{
	bool global = gen_pick(g, 2);
	int l = global ? gen_pick_global(g, GEN_EQREF, false) : gen_pick_local(g, GEN_EQREF);

	if (l < 0) {
		gen_const(g, GEN_EQREF);
		return;
	}
	gen_op(g, global ? WASM_OP_GLOBAL_GET : WASM_OP_LOCAL_GET);
	gen_imm(g, (uint32_t)l);
}

/* A new object of type `which` (GEN_GC_*; for A at times a B): pushes
 * (ref which). */
static void gen_gc_new(struct gen *g, uint32_t which, uint32_t depth)
{
	bool dflt = gen_pick(g, 3) == 0;

	if (which == GEN_GC_A && gen_pick(g, 3) == 0)
		which = GEN_GC_B;
	switch (which) {
	case GEN_GC_A:
	case GEN_GC_B:
		if (!dflt) {
			gen_expr(g, WASM_TYPE_I32, depth + 1);
			gen_expr(g, WASM_TYPE_I32, depth + 1);
		}
		if (!dflt && which == GEN_GC_B) {
			gen_expr(g, WASM_TYPE_I32, depth + 1);
			gen_expr(g, GEN_EQREF, depth + 1);
			gen_expr(g, WASM_TYPE_I64, depth + 1);
		}
		gen_op_fb(g, dflt ? WASM_OP_STRUCT_NEW_DEFAULT : WASM_OP_STRUCT_NEW);
		gen_imm(g, g->gcbase + which);
		return;
	default: {
		uint8_t et = which == GEN_GC_BYTES ? WASM_TYPE_I32 : GEN_EQREF;
		uint32_t n = gen_pick(g, 5);

		if (gen_pick(g, 3) == 0) {
			for (uint32_t i = 0; i < n; i++)
				gen_expr(g, et, depth + 1);
			gen_op_fb(g, WASM_OP_ARRAY_NEW_FIXED);
			gen_imm(g, g->gcbase + which);
			gen_imm(g, n);
			return;
		}
		if (!dflt)
			gen_expr(g, et, depth + 1);
		gen_gc_len(g, 600, depth);
		gen_op_fb(g, dflt ? WASM_OP_ARRAY_NEW_DEFAULT : WASM_OP_ARRAY_NEW);
		gen_imm(g, g->gcbase + which);
		return;
	}
	}
}

/* A reference to an object of type `which` (or null, or a trap): a new
 * one, an eqref through br_on_cast (else a new one), or ref.cast. */
static void gen_gc_obj(struct gen *g, uint32_t which, uint32_t depth)
{
	uint32_t ti = g->gcbase + which;

	switch (gen_pick(g, 5)) {
	case 3:
		/* block (result (ref ti)) eqref br_on_cast 0 eq (ref ti) drop new end */
		gen_op(g, WASM_OP_BLOCK);
		gen_buf_byte(&g->body, 0x64);
		gen_buf_s64(&g->body, ti);
		gen_gc_eq_leaf(g);
		gen_op_fb(g, WASM_OP_BR_ON_CAST);
		gen_buf_byte(&g->body, 1); /* the source is nullable, the target not */
		gen_imm(g, 0);
		gen_buf_byte(&g->body, GEN_EQREF);
		gen_buf_s64(&g->body, ti);
		gen_op(g, WASM_OP_DROP);
		/* no expression in the block: its label is not on g->labels */
		if (which == GEN_GC_A || which == GEN_GC_B) {
			gen_op_fb(g, WASM_OP_STRUCT_NEW_DEFAULT);
		} else {
			gen_iconst(g, false, gen_pick(g, 64));
			gen_op_fb(g, WASM_OP_ARRAY_NEW_DEFAULT);
		}
		gen_imm(g, ti);
		gen_op(g, WASM_OP_END);
		return;
	case 4:
		gen_expr(g, GEN_EQREF, depth + 1);
		gen_op_fb(g, gen_pick(g, 2) ? WASM_OP_REF_CAST_NULL : WASM_OP_REF_CAST);
		gen_buf_s64(&g->body, ti);
		return;
	default:
		gen_gc_new(g, which, depth);
		return;
	}
}

/* An i31 reference: ref.i31, or an eqref cast to i31 (may trap). */
static void gen_gc_i31(struct gen *g, uint32_t depth)
{
	if (gen_pick(g, 3)) {
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		gen_op_fb(g, WASM_OP_REF_I31);
		return;
	}
	gen_expr(g, GEN_EQREF, depth + 1);
	gen_op_fb(g, WASM_OP_REF_CAST_NULL);
	gen_buf_byte(&g->body, (uint8_t)WASM_HEAP_I31);
}

/* GC expressions of type t (eqref, i32, i64); false if none fits t. */
bool gen_gc_expr(struct gen *g, uint8_t t, uint32_t depth)
{
	static const uint8_t abstract[] = {WASM_HEAP_EQ,    WASM_HEAP_I31, WASM_HEAP_STRUCT,
					   WASM_HEAP_ARRAY, WASM_HEAP_ANY, WASM_HEAP_NONE};
	uint32_t k = gen_pick(g, 9), which;

	if (t == GEN_EQREF) {
		switch (k % 6) {
		case 0:
		case 1:
			gen_gc_obj(g, gen_pick(g, GEN_GC_NTYPES), depth);
			return true;
		case 5: /* block (result eqref) eqref br_on_cast_fail 0 eq T end */
			gen_op(g, WASM_OP_BLOCK);
			gen_buf_byte(&g->body, GEN_EQREF);
			gen_gc_eq_leaf(g);
			gen_op_fb(g, WASM_OP_BR_ON_CAST_FAIL);
			k = gen_pick(g, 2); /* the target nullable or not */
			gen_buf_byte(&g->body, (uint8_t)(1 | k << 1));
			gen_imm(g, 0);
			gen_buf_byte(&g->body, GEN_EQREF);
			gen_buf_s64(&g->body, g->gcbase + gen_pick(g, GEN_GC_NTYPES));
			gen_op(g, WASM_OP_END);
			return true;
		case 2:
			gen_gc_i31(g, depth);
			return true;
		case 3:
			gen_gc_obj(g, GEN_GC_B, depth);
			gen_op_fb(g, WASM_OP_STRUCT_GET);
			gen_imm(g, g->gcbase + GEN_GC_B);
			gen_imm(g, 3);
			return true;
		default:
			gen_gc_obj(g, GEN_GC_REFS, depth);
			gen_gc_len(g, 8, depth);
			gen_op_fb(g, WASM_OP_ARRAY_GET);
			gen_imm(g, g->gcbase + GEN_GC_REFS);
			return true;
		}
	}
	if (t == WASM_TYPE_I64) {
		gen_gc_obj(g, GEN_GC_B, depth);
		gen_op_fb(g, WASM_OP_STRUCT_GET);
		gen_imm(g, g->gcbase + GEN_GC_B);
		gen_imm(g, 4);
		return true;
	}
	if (t != WASM_TYPE_I32)
		return false;
	switch (k) {
	case 0: /* field 0 of an A, or a packed field of an A or a B */
		which = gen_pick(g, 2) ? GEN_GC_A : GEN_GC_B;
		gen_gc_obj(g, which, depth);
		k = gen_pick(g, 3);
		gen_op_fb(g, k == 0   ? WASM_OP_STRUCT_GET
			     : k == 1 ? WASM_OP_STRUCT_GET_S
				      : WASM_OP_STRUCT_GET_U);
		gen_imm(g, g->gcbase + which);
		gen_imm(g, k == 0 ? 0 : which == GEN_GC_A ? 1 : 1 + gen_pick(g, 2));
		return true;
	case 1:
		gen_gc_obj(g, GEN_GC_BYTES, depth);
		gen_gc_len(g, 8, depth);
		gen_op_fb(g, gen_pick(g, 2) ? WASM_OP_ARRAY_GET_S : WASM_OP_ARRAY_GET_U);
		gen_imm(g, g->gcbase + GEN_GC_BYTES);
		return true;
	case 2:
		gen_gc_obj(g, gen_pick(g, 2) ? GEN_GC_BYTES : GEN_GC_REFS, depth);
		gen_op_fb(g, WASM_OP_ARRAY_LEN);
		return true;
	case 3:
		gen_gc_i31(g, depth);
		gen_op_fb(g, gen_pick(g, 2) ? WASM_OP_I31_GET_S : WASM_OP_I31_GET_U);
		return true;
	case 4:
	case 5: /* ref.test of a concrete or an abstract type */
		gen_expr(g, GEN_EQREF, depth + 1);
		gen_op_fb(g, gen_pick(g, 2) ? WASM_OP_REF_TEST_NULL : WASM_OP_REF_TEST);
		if (k == 4)
			gen_buf_s64(&g->body, g->gcbase + gen_pick(g, GEN_GC_NTYPES));
		else
			gen_buf_byte(&g->body, abstract[gen_pick(g, GEN_COUNT(abstract))]);
		return true;
	default:
		gen_expr(g, GEN_EQREF, depth + 1);
		gen_expr(g, GEN_EQREF, depth + 1);
		gen_op(g, WASM_OP_REF_EQ);
		return true;
	}
}

/* GC statements: struct.set, array.set/fill/copy, an object kept in an
 * eqref local or global (so it lives across calls and loops). */
void gen_gc_stmt(struct gen *g, uint32_t depth)
{
	uint32_t which;
	int l;

	switch (gen_pick(g, 5)) {
	case 0: /* A's field 0, B's 2 or 3 */
		which = gen_pick(g, 2) ? GEN_GC_A : GEN_GC_B;
		gen_gc_obj(g, which, depth);
		l = which == GEN_GC_A ? 0 : 2 + (int)gen_pick(g, 2);
		gen_expr(g, l == 3 ? GEN_EQREF : WASM_TYPE_I32, depth + 1);
		gen_op_fb(g, WASM_OP_STRUCT_SET);
		gen_imm(g, g->gcbase + which);
		gen_imm(g, (uint32_t)l);
		return;
	case 1:
	case 2:
		which = gen_pick(g, 2) ? GEN_GC_BYTES : GEN_GC_REFS;
		gen_gc_obj(g, which, depth);
		gen_gc_len(g, 8, depth);
		gen_expr(g, which == GEN_GC_BYTES ? WASM_TYPE_I32 : GEN_EQREF, depth + 1);
		if (gen_pick(g, 2)) {
			gen_op_fb(g, WASM_OP_ARRAY_SET);
		} else {
			gen_gc_len(g, 16, depth);
			gen_op_fb(g, WASM_OP_ARRAY_FILL);
		}
		gen_imm(g, g->gcbase + which);
		return;
	case 3:
		which = gen_pick(g, 2) ? GEN_GC_BYTES : GEN_GC_REFS;
		gen_gc_obj(g, which, depth);
		gen_gc_len(g, 8, depth);
		gen_gc_obj(g, which, depth);
		gen_gc_len(g, 8, depth);
		gen_gc_len(g, 16, depth);
		gen_op_fb(g, WASM_OP_ARRAY_COPY);
		gen_imm(g, g->gcbase + which);
		gen_imm(g, g->gcbase + which);
		return;
	default: {
		bool global = gen_pick(g, 2);

		l = global ? gen_pick_global(g, GEN_EQREF, true) : gen_pick_local(g, GEN_EQREF);
		if (l < 0) {
			gen_gc_obj(g, gen_pick(g, GEN_GC_NTYPES), depth);
			gen_op(g, WASM_OP_DROP);
			return;
		}
		gen_gc_obj(g, gen_pick(g, GEN_GC_NTYPES), depth);
		gen_op(g, global ? WASM_OP_GLOBAL_SET : WASM_OP_LOCAL_SET);
		gen_imm(g, (uint32_t)l);
		return;
	}
	}
}

/* Reference-typed and table/memory-size expressions; false if none fits t. */
static bool gen_special(struct gen *g, uint8_t t, uint32_t depth)
{
	uint32_t k;

	if (g->gc && (t == GEN_EQREF || gen_pick(g, 2)) && gen_gc_expr(g, t, depth))
		return true;
	k = gen_pick(g, 6);

	if ((t == WASM_TYPE_I32 || t == WASM_TYPE_I64) && k < 2) {
		/* memory.size or memory.grow of a memory whose addresses are t */
		uint32_t m = gen_pick_mem(g, t == WASM_TYPE_I64);

		if (m == UINT32_MAX)
			return false;
		if (k == 1)
			gen_expr(g, t, depth + 1);
		gen_op(g, k ? WASM_OP_MEMORY_GROW : WASM_OP_MEMORY_SIZE);
		gen_imm(g, m);
		return true;
	}
	if (t == WASM_TYPE_I32) {
		switch (k) {
		case 2: {
			uint32_t tab = gen_pick(g, 2);

			gen_op_fc(g, WASM_OP_TABLE_SIZE);
			gen_imm(g, tab);
			if (g->tab64[tab]) /* an i64 */
				gen_op(g, WASM_OP_I32_WRAP_I64);
			return true;
		}
		case 3: {
			uint32_t tab = gen_pick(g, 2);

			gen_expr(g, tab ? WASM_TYPE_EXTERNREF : WASM_TYPE_FUNCREF, depth + 1);
			gen_len(g, g->tab64[tab], depth);
			gen_op_fc(g, WASM_OP_TABLE_GROW);
			gen_imm(g, tab);
			if (g->tab64[tab]) /* an i64: the old size, or -1 */
				gen_op(g, WASM_OP_I32_WRAP_I64);
			return true;
		}
		default:
			if (gen_pick(g, 3) == 0) {
				gen_br_on_null(g);
				return true;
			}
			gen_expr(g, k == 4 ? WASM_TYPE_FUNCREF : WASM_TYPE_EXTERNREF, depth + 1);
			gen_op(g, WASM_OP_REF_IS_NULL);
			return true;
		}
	}
	if (t == WASM_TYPE_FUNCREF || t == WASM_TYPE_EXTERNREF) {
		if (k < 3) {
			gen_tidx(g, t == WASM_TYPE_EXTERNREF, depth);
			gen_op(g, WASM_OP_TABLE_GET);
			gen_imm(g, t == WASM_TYPE_EXTERNREF);
			return true;
		}
		if (t == WASM_TYPE_FUNCREF) {
			gen_op(g, WASM_OP_REF_FUNC);
			gen_imm(g, gen_pick(g, g->nfuncs));
			return true;
		}
	}
	return false;
}

void gen_expr(struct gen *g, uint8_t t, uint32_t depth)
{
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
	uint32_t np, nr, idx;
	int l;

	if (depth >= GEN_MAX_DEPTH || gen_low(g)) {
		gen_leaf(g, t);
		return;
	}
	if (g->gc && gen_pick(g, t == GEN_EQREF ? 2 : 5) == 0 && gen_gc_expr(g, t, depth))
		return;
	switch (gen_pick(g, 20)) {
	case 0:
	case 1:
		break;
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		idx = gen_pick_row(g, t, false);
		if (idx == UINT32_MAX)
			break;
		gen_row(g, idx, depth);
		return;
	case 7:
		idx = gen_pick_row(g, t, true);
		if (idx == UINT32_MAX)
			break;
		gen_row(g, idx, depth);
		return;
	case 8:
		if ((l = gen_pick_local(g, t)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		gen_op(g, WASM_OP_LOCAL_TEE);
		gen_imm(g, (uint32_t)l);
		return;
	case 9:
		if ((l = gen_pick_global(g, t, false)) < 0)
			break;
		gen_op(g, WASM_OP_GLOBAL_GET);
		gen_imm(g, (uint32_t)l);
		return;
	case 10:
		gen_expr(g, t, depth + 1);
		gen_expr(g, t, depth + 1);
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		if ((gen_is_num(t) || t == WASM_TYPE_V128) && gen_pick(g, 2)) {
			gen_op(g, WASM_OP_SELECT);
		} else {
			gen_op(g, WASM_OP_SELECT_T);
			gen_imm(g, 1);
			gen_buf_byte(&g->body, t);
		}
		return;
	case 11:
	case 12:
	case 13:
		gen_pick_shape(g, t, p, &np, r, &nr);
		if (!gen_structured(
			    g,
			    (uint32_t[]){WASM_OP_BLOCK, WASM_OP_IF, WASM_OP_LOOP}[gen_pick(g, 3)],
			    p, np, r, nr, depth))
			break;
		gen_consume(g, r + 1, nr - 1);
		return;
	case 14:
	case 15: {
		const struct gen_type *ft;
		bool indirect = gen_pick(g, 2);
		int f = gen_pick_callee(g, t);

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
		if (gen_pick(g, 8) != 7)
			break;
		gen_op(g, WASM_OP_UNREACHABLE);
		return;
	}
	gen_leaf(g, t);
}
