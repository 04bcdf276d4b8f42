/*
 * interp_tr_exn.c - the translator's exception handling (3.0): try_table
 * and the legacy try / catch / catch_all / delegate become entries of the
 * function's handler table (struct interp_handler) and landing pads in its
 * code; throw, throw_ref and rethrow become instructions that unwind
 * (interp_exn.c).
 *
 * A try_table's landing pads come first, jumped over on entry:
 *
 *   BR body | pad 1: moves, BR label 1 | pad 2 ... | body ... | end
 *
 * The unwinder writes the payload (and exnref) of a caught exception in
 * the slots at the try_table's height (its operands are gone by then) and
 * jumps to the clause's pad, a plain branch carrying those values to the
 * clause's label. A legacy catch is its own pad: its body starts with the
 * payload on the stack and the exception in a hidden local (rethrow).
 */
#include <stdlib.h>
#include <string.h>

#include "wasm/interp/interp_tr.h"

#define NO_SLOT UINT32_MAX

static struct interp_handler *add_handler(struct tr *t)
{
	struct interp_handler *h;

	if (t->nh == t->caph) {
		uint32_t ncap = t->caph ? 2 * t->caph : 8;
		struct interp_handler *n = realloc(t->hs, (size_t)ncap * sizeof(*n));

		if (!n) {
			t->nomem = true;
			return NULL;
		}
		t->hs = n;
		t->caph = ncap;
	}
	h = &t->hs[t->nh++];
	memset(h, 0, sizeof(*h));
	h->end = UINT32_MAX; /* open until its body closes */
	h->pslot = h->xslot = h->delegate = NO_SLOT;
	return h;
}

void interp_tr_close_try(struct tr *t, struct tctrl *k)
{
	for (uint32_t i = k->hfirst; i < t->nh; i++)
		if (t->hs[i].end == UINT32_MAX && t->hs[i].depth == t->nc - 1)
			t->hs[i].end = t->n;
}

void interp_tr_try_table(struct tr *t)
{
	bool dead = t->cs[t->nc - 1].dead;
	struct tctrl *k;
	uint32_t n, skip = 0, first;

	interp_tr_block(t, WASM_OP_BLOCK);
	k = &t->cs[t->nc - 1];
	k->op = WASM_OP_TRY_TABLE;
	k->hfirst = first = t->nh;
	wasm_reader_u32(&t->r, &n);
	if (!dead) {
		interp_tr_emit(t, OP_BR);
		skip = t->n - 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t kind;
		uint32_t x = 0, l, np = 0;
		struct interp_handler *h;
		const struct wasm_functype *ft = NULL;

		wasm_reader_u8(&t->r, &kind);
		if (kind < 2)
			wasm_reader_u32(&t->r, &x);
		wasm_reader_u32(&t->r, &l);
		if (dead || !(h = add_handler(t)))
			continue;
		if (kind < 2) {
			ft = &t->m->types[t->m->tags[x].type];
			np = wasm_types_slots(ft->params, ft->nparams);
			h->tag = t->inst->tags[x];
			if (np)
				h->pslot = interp_tr_slot(t, k->height);
		}
		if (kind & 1)
			h->xslot = interp_tr_slot(t, k->height + np);
		h->depth = t->nc - 1;
		h->pad = t->n;
		t->label_at = t->n;
		t->last_prod = -1;
		/* the label counts from outside the try_table */
		interp_tr_pad_branch(t, &t->cs[t->nc - 2 - l], k->height, np + (kind & 1));
	}
	if (dead)
		return;
	if (!t->nomem)
		t->code[skip].imm = t->n - skip;
	/* the body: its operands (the params) as on entry */
	t->h = k->height;
	interp_tr_push_types(t, k->ptypes, k->nptypes);
	k->start = t->n;
	for (uint32_t i = first; i < t->nh; i++)
		t->hs[i].start = t->n;
	t->label_at = t->n;
	t->last_prod = -1;
}

void interp_tr_try(struct tr *t)
{
	struct tctrl *k;

	interp_tr_block(t, WASM_OP_BLOCK);
	k = &t->cs[t->nc - 1];
	k->op = WASM_OP_TRY;
	k->hfirst = t->nh;
}

/* Closes the do-body of legacy try k (at its first catch, catch_all or
 * delegate): its handlers cover [k->start, here). */
static void close_do(struct tr *t, struct tctrl *k)
{
	interp_tr_close_try(t, k);
	k->do_end = t->n;
}

void interp_tr_catch(struct tr *t, bool all)
{
	struct tctrl *k = &t->cs[t->nc - 1];
	bool outer_dead = t->nc >= 2 && t->cs[t->nc - 2].dead;
	uint32_t x = 0, np = 0, depth = 0;
	struct interp_handler *h;
	const struct wasm_functype *ft = NULL;

	if (!all) {
		wasm_reader_u32(&t->r, &x);
		ft = &t->m->types[t->m->tags[x].type];
		np = wasm_types_slots(ft->params, ft->nparams);
	}
	if (k->op == WASM_OP_TRY)
		close_do(t, k);
	if (!k->dead) {
		interp_tr_materialize_top(t, k->nresults);
		interp_tr_emit(t, OP_BR);
		interp_tr_set_target(t, t->n - 1, k);
	}
	for (uint32_t i = 0; i + 1 < t->nc; i++)
		depth += t->cs[i].op == WASM_OP_CATCH || t->cs[i].op == WASM_OP_CATCH_ALL;
	k->op = all ? WASM_OP_CATCH_ALL : WASM_OP_CATCH;
	k->xslot = t->fn->nlocals - t->f->nhidden + depth;
	k->dead = outer_dead;
	t->h = k->height;
	t->label_at = t->n;
	t->last_prod = -1;
	if (!outer_dead && (h = add_handler(t))) {
		h->start = k->start;
		h->end = k->do_end;
		h->pad = t->n;
		h->depth = t->nc - 1;
		h->tag = all ? NULL : t->inst->tags[x];
		h->xslot = k->xslot;
		if (np)
			h->pslot = interp_tr_slot(t, k->height);
	}
	if (ft)
		interp_tr_push_types(t, ft->params, ft->nparams);
}

void interp_tr_delegate(struct tr *t)
{
	struct tctrl *k = &t->cs[t->nc - 1];
	struct interp_handler *h;
	uint32_t l;

	wasm_reader_u32(&t->r, &l);
	close_do(t, k);
	if (!(t->nc >= 2 && t->cs[t->nc - 2].dead) && (h = add_handler(t))) {
		h->start = k->start;
		h->end = t->n;
		h->depth = t->nc - 1;
		/* the label counts from outside the try */
		h->delegate = t->nc - 2 - l;
	}
	k->op = WASM_OP_BLOCK;
	interp_tr_end(t);
}

void interp_tr_throw(struct tr *t, uint8_t code)
{
	const struct wasm_functype *ft;
	struct ins *in;
	uint32_t x, s, n;

	if (code != WASM_OP_THROW_REF)
		wasm_reader_u32(&t->r, &x);
	if (t->cs[t->nc - 1].dead)
		return;
	switch (code) {
	case WASM_OP_THROW:
		/* the payload in slots (a v128 takes two), as catches take it */
		ft = &t->m->types[t->m->tags[x].type];
		n = wasm_types_slots(ft->params, ft->nparams);
		interp_tr_materialize_top(t, n);
		in = interp_tr_emit(t, OP_THROW);
		in->a = interp_tr_slot(t, t->h - n);
		in->b = n;
		in->imm = (uintptr_t)t->inst->tags[x];
		break;
	case WASM_OP_THROW_REF:
		s = interp_tr_pop(t);
		in = interp_tr_emit(t, OP_THROW_REF);
		in->a = s;
		break;
	default: /* rethrow */
		in = interp_tr_emit(t, OP_THROW_REF);
		in->a = t->cs[t->nc - 1 - x].xslot;
		break;
	}
	interp_tr_set_dead(t);
}
