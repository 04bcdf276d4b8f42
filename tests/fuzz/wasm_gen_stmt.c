/*
 * wasm_gen_stmt.c - the generator's statements (code that leaves the
 * operand stack as it found it), blocks, branches and function bodies.
 * A label stack mirrors the blocks opened, so a branch first pushes the
 * values its target carries. Loops count down a fresh local and leave at
 * 0; a function entry spends one unit of the budget global or returns.
 */
#include <string.h>

#include "wasm/module.h"
#include "wasm/opcodes.h"

#include "wasm_gen_internal.h"

static bool gen_label_push(struct gen *g, const uint8_t *t, uint32_t n)
{
	if (g->nlabels == GEN_MAX_LABELS)
		return false;
	g->labels[g->nlabels].n = (uint8_t)n;
	memcpy(g->labels[g->nlabels].t, t, n);
	g->nlabels++;
	return true;
}

/* A random [p] -> [r] shape (r may be forced to start with `first`). */
void gen_pick_shape(struct gen *g, uint8_t first, uint8_t *p, uint32_t *np, uint8_t *r,
		    uint32_t *nr)
{
	*np = gen_pick(g, 4) == 3 ? 1 + gen_pick(g, 2) : 0;
	*nr = first ? 1 : 0;
	if (gen_pick(g, 3) == 2)
		*nr += 1 + gen_pick(g, 2);
	if (first)
		r[0] = first;
	for (uint32_t i = 0; i < *np; i++)
		p[i] = gen_pick_valtype(g);
	for (uint32_t i = first ? 1 : 0; i < *nr; i++)
		r[i] = gen_pick_valtype(g);
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
bool gen_structured(struct gen *g, uint32_t kind, const uint8_t *p, uint32_t np, const uint8_t *r,
		    uint32_t nr, uint32_t depth)
{
	uint32_t counter;

	if (kind == WASM_OP_LOOP)
		np = 0;
	if (g->nest >= GEN_MAX_NEST || g->nlabels + 3 > GEN_MAX_LABELS ||
	    !gen_blocktype_ok(g, p, np, r, nr))
		return false;
	if (kind == WASM_OP_LOOP) {
		if (g->loops >= GEN_MAX_LOOPS || g->nlocals == GEN_MAX_LOCALS)
			return false;
		counter = g->nlocals;
		g->ltype[g->nlocals++] = WASM_TYPE_UNKNOWN; /* never picked for other uses */
		gen_op(g, WASM_OP_I32_CONST);
		gen_buf_s64(&g->body, gen_pick(g, 7));
		gen_op(g, WASM_OP_LOCAL_SET);
		gen_imm(g, counter);
		gen_op(g, WASM_OP_BLOCK);
		gen_blocktype(g, p, 0, r, nr);
		gen_label_push(g, r, nr);
		gen_op(g, WASM_OP_LOOP);
		gen_blocktype(g, p, 0, r, nr);
		gen_label_push(g, p, 0);
		gen_op(g, WASM_OP_LOCAL_GET);
		gen_imm(g, counter);
		gen_op(g, WASM_OP_I32_EQZ);
		gen_op(g, WASM_OP_IF);
		gen_buf_byte(&g->body, 0x40);
		gen_consts(g, r, nr);
		gen_op(g, WASM_OP_BR);
		gen_imm(g, 2);
		gen_op(g, WASM_OP_END);
		gen_op(g, WASM_OP_LOCAL_GET);
		gen_imm(g, counter);
		gen_op(g, WASM_OP_I32_CONST);
		gen_buf_s64(&g->body, 1);
		gen_op(g, WASM_OP_I32_SUB);
		gen_op(g, WASM_OP_LOCAL_SET);
		gen_imm(g, counter);
		g->nest++;
		g->loops++;
		gen_body(g, p, 0, r, nr, depth);
		g->loops--;
		g->nest--;
		gen_op(g, WASM_OP_END);
		gen_op(g, WASM_OP_END);
		g->nlabels -= 2;
		return true;
	}
	gen_values(g, p, np, depth);
	if (kind == WASM_OP_IF)
		gen_expr(g, WASM_TYPE_I32, depth + 1);
	gen_op(g, kind);
	gen_blocktype(g, p, np, r, nr);
	gen_label_push(g, r, nr);
	g->nest++;
	gen_body(g, p, np, r, nr, depth);
	/* `if` without else must be [t*] -> [t*]; always give one otherwise */
	if (kind == WASM_OP_IF && (np || nr || gen_pick(g, 2))) {
		gen_op(g, WASM_OP_ELSE);
		gen_body(g, p, np, r, nr, depth);
	}
	g->nest--;
	g->nlabels--;
	gen_op(g, WASM_OP_END);
	return true;
}

/* br, br_if or br_table to labels of the current function. */
static void gen_branch(struct gen *g, uint32_t which, uint32_t depth)
{
	uint32_t d = gen_pick(g, g->nlabels);
	const struct gen_label *lb = &g->labels[g->nlabels - 1 - d];

	gen_values(g, lb->t, lb->n, depth);
	if (which == 0) {
		gen_op(g, WASM_OP_BR);
		gen_imm(g, d);
	} else if (which == 1) {
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		gen_op(g, WASM_OP_BR_IF);
		gen_imm(g, d);
		gen_consume(g, lb->t, lb->n);
	} else {
		uint32_t targets[8], n = 0, want = gen_pick(g, 8);

		/* the targets carry the same types as the default */
		for (uint32_t i = 0; i < g->nlabels && n < want; i++) {
			const struct gen_label *o = &g->labels[g->nlabels - 1 - i];

			if (o->n == lb->n && !memcmp(o->t, lb->t, lb->n) && gen_pick(g, 2))
				targets[n++] = i;
		}
		gen_expr(g, WASM_TYPE_I32, depth + 1);
		gen_op(g, WASM_OP_BR_TABLE);
		gen_imm(g, n);
		for (uint32_t i = 0; i < n; i++)
			gen_imm(g, targets[i]);
		gen_imm(g, d);
	}
}

/* The table and bulk-memory statements. */
static void gen_bulk(struct gen *g, uint32_t depth)
{
	uint32_t k = gen_pick(g, 10), tab = gen_pick(g, 2);
	uint8_t rt = tab ? WASM_TYPE_EXTERNREF : WASM_TYPE_FUNCREF;

	switch (k) {
	case 0:
	case 1:
	case 2: {
		/* on memory d (from memory s for a copy; the length is i64 if
		 * both are 64-bit); init's segment offset and length are i32 */
		uint32_t d = gen_pick_mem(g, -1), src = k == 1 ? gen_pick_mem(g, -1) : d;

		gen_addr(g, d, depth);
		if (k == 0)
			gen_expr(g, WASM_TYPE_I32, depth + 1);
		else if (k == 1)
			gen_addr(g, src, depth);
		else if (!g->mem64[0]) /* an i32 like memory 0's address */
			gen_addr(g, 0, depth);
		else
			gen_len(g, false, depth);
		gen_len(g, k != 2 && g->mem64[d] && g->mem64[src], depth);
		gen_op_fc(g, k == 0   ? WASM_OP_MEMORY_FILL
			     : k == 1 ? WASM_OP_MEMORY_COPY
				      : WASM_OP_MEMORY_INIT);
		if (k == 2)
			gen_imm(g, gen_pick(g, g->ndatas));
		gen_imm(g, d);
		if (k == 1)
			gen_imm(g, src);
		return;
	}
	case 3:
		gen_op_fc(g, WASM_OP_DATA_DROP);
		gen_imm(g, gen_pick(g, g->ndatas));
		return;
	case 4:
		gen_tidx(g, tab, depth);
		gen_expr(g, rt, depth + 1);
		gen_op(g, WASM_OP_TABLE_SET);
		gen_imm(g, tab);
		return;
	case 5:
		gen_tidx(g, tab, depth);
		gen_expr(g, rt, depth + 1);
		gen_len(g, g->tab64[tab], depth);
		gen_op_fc(g, WASM_OP_TABLE_FILL);
		gen_imm(g, tab);
		return;
	case 6:
		gen_tidx(g, tab, depth);
		gen_tidx(g, tab, depth);
		gen_len(g, g->tab64[tab], depth);
		gen_op_fc(g, WASM_OP_TABLE_COPY);
		gen_imm(g, tab);
		gen_imm(g, tab);
		return;
	case 7:
		/* elems 0 and 1 are funcref (table 0), elem 2 externref (table 1) */
		gen_tidx(g, tab, depth); /* the segment's offset and length: i32s */
		gen_len(g, false, depth);
		gen_len(g, false, depth);
		gen_op_fc(g, WASM_OP_TABLE_INIT);
		gen_imm(g, tab ? 2 : gen_pick(g, 2));
		gen_imm(g, tab);
		return;
	case 8:
		gen_op_fc(g, WASM_OP_ELEM_DROP);
		gen_imm(g, gen_pick(g, 3));
		return;
	default:
		gen_expr(g, rt, depth + 1);
		gen_len(g, g->tab64[tab], depth);
		gen_op_fc(g, WASM_OP_TABLE_GROW);
		gen_imm(g, tab);
		gen_op(g, WASM_OP_DROP);
		return;
	}
}

/* A tail call (direct, or through table 0) of a function or type whose
 * results are this function's; false if there is none. */
static bool gen_tail_call(struct gen *g, uint32_t depth)
{
	const struct gen_label *fl = &g->labels[0];
	bool indirect = gen_pick(g, 2);
	uint32_t n = indirect ? g->ntypes : g->nfuncs, k = gen_pick(g, n);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t x = (k + i) % n;
		const struct gen_type *ft = &g->types[indirect ? x : g->functype[x]];

		if (ft->kind || ft->nr != fl->n || memcmp(ft->r, fl->t, fl->n) != 0)
			continue;
		gen_values(g, ft->p, ft->np, depth);
		if (indirect) {
			gen_call_index(g);
			gen_op(g, WASM_OP_RETURN_CALL_INDIRECT);
			gen_imm(g, x);
			gen_imm(g, 0);
		} else if (gen_pick(g, 3) == 0) { /* typed function references */
			gen_op(g, WASM_OP_REF_FUNC);
			gen_imm(g, x);
			gen_op(g, WASM_OP_RETURN_CALL_REF);
			gen_imm(g, g->functype[x]);
		} else {
			gen_op(g, WASM_OP_RETURN_CALL);
			gen_imm(g, x);
		}
		return true;
	}
	return false;
}

/* No values (memcpy and memcmp want a pointer even for none). */
static const uint8_t gen_none[1];

/* throw a tag with its payload (tag 0: i32, tag 1: v128) */
static void gen_throw(struct gen *g, uint32_t depth)
{
	uint32_t tag = gen_pick(g, g->ntags);

	gen_expr(g, g->tagval[tag], depth + 1);
	gen_op(g, WASM_OP_THROW);
	gen_imm(g, tag);
}

/* A try body: statements, sometimes a throw. */
static void gen_try_body(struct gen *g, uint32_t depth)
{
	g->nest++;
	gen_stmts(g, 3, depth + 1);
	if (gen_pick(g, 2))
		gen_throw(g, depth);
	g->nest--;
}

/*
 *   block $done  block $h [r]  try_table (catch... $h)  body  end  br $done
 *   end  <r consumed: an exnref rethrown into a catch_all, or dropped>  end
 * where [r] is what the clause (catch, catch_ref, catch_all, catch_all_ref)
 * carries.
 */
static bool gen_try_table(struct gen *g, uint32_t depth)
{
	static const uint8_t exn1[1] = {WASM_TYPE_EXNREF};
	uint32_t kind = gen_pick(g, 4), nr = (kind < 2) + (kind & 1);
	uint32_t tag = kind < 2 ? gen_pick(g, g->ntags) : 0;
	const uint8_t val_exn[2] = {g->tagval[tag], WASM_TYPE_EXNREF};
	const uint8_t *r = kind < 2 ? val_exn : exn1;

	if (!gen_blocktype_ok(g, gen_none, 0, r, nr) || !gen_blocktype_ok(g, exn1, 1, gen_none, 0))
		return false;
	gen_op(g, WASM_OP_BLOCK);
	gen_buf_byte(&g->body, 0x40);
	gen_label_push(g, gen_none, 0);
	gen_op(g, WASM_OP_BLOCK);
	gen_blocktype(g, gen_none, 0, r, nr);
	gen_label_push(g, r, nr);
	gen_op(g, WASM_OP_TRY_TABLE);
	gen_buf_byte(&g->body, 0x40);
	gen_buf_u32(&g->body, 1);
	gen_buf_byte(&g->body, (uint8_t)kind);
	if (kind < 2)
		gen_buf_u32(&g->body, tag);
	gen_buf_u32(&g->body, 0);
	gen_label_push(g, gen_none, 0);
	gen_try_body(g, depth);
	g->nlabels--;
	gen_op(g, WASM_OP_END);
	gen_op(g, WASM_OP_BR);
	gen_imm(g, 1);
	g->nlabels--;
	gen_op(g, WASM_OP_END);
	if (kind & 1) { /* the exnref: caught again by a catch_all, or dropped */
		if (gen_pick(g, 2)) {
			gen_op(g, WASM_OP_BLOCK);
			gen_blocktype(g, exn1, 1, gen_none, 0);
			gen_op(g, WASM_OP_TRY_TABLE);
			gen_blocktype(g, exn1, 1, gen_none, 0);
			gen_buf_u32(&g->body, 1);
			gen_buf_byte(&g->body, 2);
			gen_buf_u32(&g->body, 0);
			gen_op(g, WASM_OP_THROW_REF);
			gen_op(g, WASM_OP_END);
			gen_op(g, WASM_OP_END);
		} else {
			gen_op(g, WASM_OP_DROP);
		}
	}
	if (kind < 2)
		gen_op(g, WASM_OP_DROP);
	g->nlabels--;
	gen_op(g, WASM_OP_END);
	return true;
}

/*
 * The legacy forms: try body (catch x: drop, then a rethrow caught by an
 * inner try's catch_all)? (catch_all)? end, or try body delegate 0.
 */
static void gen_legacy_try(struct gen *g, uint32_t depth)
{
	gen_op(g, WASM_OP_TRY);
	gen_buf_byte(&g->body, 0x40);
	gen_label_push(g, gen_none, 0);
	gen_try_body(g, depth);
	g->nlabels--;
	if (gen_pick(g, 3) == 0) {
		gen_op(g, WASM_OP_DELEGATE);
		gen_imm(g, 0);
		return;
	}
	if (gen_pick(g, 2)) {
		gen_op(g, WASM_OP_CATCH);
		gen_imm(g, gen_pick(g, g->ntags));
		gen_op(g, WASM_OP_DROP);
		gen_op(g, WASM_OP_TRY);
		gen_buf_byte(&g->body, 0x40);
		gen_op(g, WASM_OP_RETHROW);
		gen_imm(g, 1);
		gen_op(g, WASM_OP_CATCH_ALL);
		gen_op(g, WASM_OP_END);
	}
	if (gen_pick(g, 2))
		gen_op(g, WASM_OP_CATCH_ALL);
	gen_op(g, WASM_OP_END);
}

/* An exception statement (modules with a tag only). */
static bool gen_exn(struct gen *g, uint32_t depth)
{
	if (!g->exn || g->nest >= GEN_MAX_NEST || g->nlabels + 3 > GEN_MAX_LABELS)
		return false;
	switch (gen_pick(g, 3)) {
	case 0:
		gen_throw(g, depth);
		return true;
	case 1:
		return gen_try_table(g, depth);
	default:
		gen_legacy_try(g, depth);
		return true;
	}
}

/*
 * GC statements, at times in a loop of up to 255 rounds (its own, without
 * results) that allocates in each:
 *   i32.const K  local.set $c
 *   block  loop  local.get $c  i32.eqz  br_if 1
 *     local.get $c  i32.const 1  i32.sub  local.set $c
 *     gc statements
 *   end  end
 */
static void gen_gc_loop(struct gen *g, uint32_t depth)
{
	uint32_t counter = g->nlocals;

	if (gen_pick(g, 3) || g->nest >= GEN_MAX_NEST || g->nlabels + 3 > GEN_MAX_LABELS ||
	    g->loops >= GEN_MAX_LOOPS || g->nlocals == GEN_MAX_LOCALS) {
		gen_gc_stmt(g, depth);
		return;
	}
	g->ltype[g->nlocals++] = WASM_TYPE_UNKNOWN;
	gen_iconst(g, false, gen_pick(g, 256));
	gen_op(g, WASM_OP_LOCAL_SET);
	gen_imm(g, counter);
	gen_op(g, WASM_OP_BLOCK);
	gen_buf_byte(&g->body, 0x40);
	gen_label_push(g, (const uint8_t[1]){0}, 0);
	gen_op(g, WASM_OP_LOOP);
	gen_buf_byte(&g->body, 0x40);
	gen_label_push(g, (const uint8_t[1]){0}, 0);
	gen_op(g, WASM_OP_LOCAL_GET);
	gen_imm(g, counter);
	gen_op(g, WASM_OP_I32_EQZ);
	gen_op(g, WASM_OP_BR_IF);
	gen_imm(g, 1);
	gen_op(g, WASM_OP_LOCAL_GET);
	gen_imm(g, counter);
	gen_iconst(g, false, 1);
	gen_op(g, WASM_OP_I32_SUB);
	gen_op(g, WASM_OP_LOCAL_SET);
	gen_imm(g, counter);
	g->nest++;
	g->loops++;
	for (uint32_t n = 1 + gen_pick(g, 3); n; n--)
		gen_gc_stmt(g, depth + 1);
	g->loops--;
	g->nest--;
	gen_op(g, WASM_OP_BR);
	gen_imm(g, 0);
	gen_op(g, WASM_OP_END);
	gen_op(g, WASM_OP_END);
	g->nlabels -= 2;
}

static void gen_stmt(struct gen *g, uint32_t depth)
{
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
	uint32_t np, nr, idx;
	uint8_t t;
	int l;

	if (g->gc && gen_pick(g, 4) == 0) {
		gen_gc_loop(g, depth);
		return;
	}
	switch (gen_pick(g, 20)) {
	case 0:
		gen_op(g, WASM_OP_NOP);
		return;
	case 1:
	case 2:
		t = gen_pick_valtype(g);
		if ((l = gen_pick_local(g, t)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		gen_op(g, WASM_OP_LOCAL_SET);
		gen_imm(g, (uint32_t)l);
		return;
	case 3:
		t = gen_pick_valtype(g);
		if ((l = gen_pick_global(g, t, true)) < 0)
			break;
		gen_expr(g, t, depth + 1);
		gen_op(g, WASM_OP_GLOBAL_SET);
		gen_imm(g, (uint32_t)l);
		return;
	case 4:
	case 5:
		idx = gen_pick_row(g, WASM_TYPE_UNKNOWN, true);
		gen_row(g, idx, depth);
		return;
	case 6:
	case 7:
		gen_pick_shape(g, 0, p, &np, r, &nr);
		if (!gen_structured(
			    g,
			    (uint32_t[]){WASM_OP_BLOCK, WASM_OP_IF, WASM_OP_LOOP}[gen_pick(g, 3)],
			    p, np, r, nr, depth))
			break;
		gen_consume(g, r, nr);
		return;
	case 8:
	case 9:
		gen_branch(g, gen_pick(g, 3), depth);
		return;
	case 10:
	case 11: {
		const struct gen_type *ft;
		bool indirect = gen_pick(g, 2);
		int f = gen_pick_callee(g, WASM_TYPE_UNKNOWN);

		ft = gen_call(g, (uint32_t)f, indirect, depth);
		gen_consume(g, ft->r, ft->nr);
		return;
	}
	case 12:
	case 13:
		gen_bulk(g, depth);
		return;
	case 15:
		if (gen_exn(g, depth))
			return;
		break;
	case 14:
		if (gen_pick(g, 4) != 3)
			break;
		if ((g->feat & WASM_FEAT_TAIL_CALL) && gen_pick(g, 2) && gen_tail_call(g, depth))
			return;
		/* the function's label is the outermost */
		gen_values(g, g->labels[0].t, g->labels[0].n, depth);
		gen_op(g, WASM_OP_RETURN);
		return;
	default:
		t = gen_pick_valtype(g);
		gen_expr(g, t, depth + 1);
		gen_op(g, WASM_OP_DROP);
		return;
	}
	gen_op(g, WASM_OP_NOP);
}

void gen_stmts(struct gen *g, uint32_t max, uint32_t depth)
{
	uint32_t n = gen_pick(g, max + 1);

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
void gen_func(struct gen *g, uint32_t f, struct gen_buf *code)
{
	const struct gen_type *ft = &g->types[g->functype[f]];
	uint8_t entry[GEN_BODY_CAP], lbuf[GEN_MAX_LOCALS * 2 + 8];
	struct gen_buf locals = {.p = lbuf, .cap = sizeof(lbuf)};
	uint32_t ndecl = gen_pick(g, 7);

	g->body = (struct gen_buf){.p = entry, .cap = sizeof(entry)};
	g->nparams = ft->np;
	memcpy(g->ltype, ft->p, ft->np);
	g->nlocals = ft->np;
	for (uint32_t i = 0; i < ndecl; i++)
		g->ltype[g->nlocals++] = gen_pick_valtype(g);
	g->nlabels = 0;
	g->nest = 0;
	g->loops = 0;
	gen_label_push(g, ft->r, ft->nr);

	gen_op(g, WASM_OP_GLOBAL_GET);
	gen_imm(g, 0);
	gen_op(g, WASM_OP_I32_EQZ);
	gen_op(g, WASM_OP_IF);
	gen_buf_byte(&g->body, 0x40);
	gen_consts(g, ft->r, ft->nr);
	gen_op(g, WASM_OP_RETURN);
	gen_op(g, WASM_OP_END);
	gen_op(g, WASM_OP_GLOBAL_GET);
	gen_imm(g, 0);
	gen_op(g, WASM_OP_I32_CONST);
	gen_buf_s64(&g->body, 1);
	gen_op(g, WASM_OP_I32_SUB);
	gen_op(g, WASM_OP_GLOBAL_SET);
	gen_imm(g, 0);
	gen_stmts(g, 8, 0);
	gen_values(g, ft->r, ft->nr, 0);
	gen_op(g, WASM_OP_END);

	/* one entry per local: the loop counters (UNKNOWN above) are i32 */
	gen_buf_u32(&locals, g->nlocals - g->nparams);
	for (uint32_t i = g->nparams; i < g->nlocals; i++) {
		gen_buf_u32(&locals, 1);
		gen_buf_byte(&locals,
			     g->ltype[i] == WASM_TYPE_UNKNOWN ? WASM_TYPE_I32 : g->ltype[i]);
	}
	gen_buf_u32(code, (uint32_t)(locals.len + g->body.len));
	gen_buf_bytes(code, locals.p, locals.len);
	gen_buf_bytes(code, g->body.p, g->body.len);
	if (g->body.overflow || locals.overflow)
		code->overflow = true;
	g->code_total += locals.len + g->body.len;
}
