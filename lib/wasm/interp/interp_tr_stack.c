/*
 * interp_tr_stack.c - the translator's virtual operand stack and control
 * frames: where each value is (own slot, deferred local, constant), when it
 * must be written to its own slot, and how branches find their targets and
 * carry their values. See interp_translate.c for the whole scheme.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "wasm/interp/interp_tr.h"
#include "wasm/module_internal.h"

/* Internal op (+1) of each NUM row of the opcode table, by its index. */
static uint16_t opmap(uint32_t code)
{
	static const uint16_t tbl[WASM_OP_NINDEX] = {
#define M_SPECIAL(p, c, n)
#define M_LOAD(p, c, n)
#define M_STORE(p, c, n)
#define M_BITS(p, c, n)
#define M_SIMD(p, c, n)
#define M_NUM(p, c, n)			   [WASM_OP_INDEX(p, c)] = OP_##n + 1,
#define M_ROW(n, p, c, text, imm, sig, tr) M_##tr(p, c, n)
		WASM_OPCODES(M_ROW)
#undef M_ROW
#undef M_NUM
#undef M_BITS
#undef M_SIMD
#undef M_STORE
#undef M_LOAD
#undef M_SPECIAL
	};

	return code < ARRAY_SIZE(tbl) ? tbl[code] : 0;
}

/* Whether internal op `op` has an immediate form at op + 1. */
static bool op_has_imm(uint32_t op)
{
	switch (op) {
#define M_BIN(n, w, e)	   case OP_##n:
#define M_FBIN(n, w, t, e) case OP_##n:
#define M_CMP(n, w, e)	   case OP_##n:
		INTERP_BINOPS_IMM(M_BIN)
		INTERP_FBINOPS_IMM(M_FBIN)
		INTERP_CMPS(M_CMP)
		return true;
#undef M_BIN
#undef M_FBIN
#undef M_CMP
	default:
		return false;
	}
}

static bool op_is_cmp(uint32_t op)
{
	switch (op) {
#define M_CMP(n, w, e) \
	case OP_##n:   \
	case OP_##n##_I:
		INTERP_CMPS(M_CMP)
		return true;
#undef M_CMP
	default:
		return false;
	}
}

static bool op_is_cmp64(uint32_t op)
{
	return op >= OP_I64_EQ && op <= OP_BRN_I64_GE_U_I;
}

static bool is_unary(uint32_t code)
{
	return wasm_sig_nparams(wasm_opinfo[code].sig) == 1;
}

struct ins *interp_tr_emit(struct tr *t, uint32_t op)
{
	struct ins *i;

	if (t->nomem)
		return &t->dummy;
	if (t->n == t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 64;
		struct ins *c = realloc(t->code, ncap * sizeof(*c));
		uint16_t *o;

		if (!c) {
			t->nomem = true;
			return &t->dummy;
		}
		t->code = c;
		o = realloc(t->ops, ncap * sizeof(*o));
		if (!o) {
			t->nomem = true;
			return &t->dummy;
		}
		t->ops = o;
		t->cap = ncap;
	}
	i = &t->code[t->n];
	t->ops[t->n] = (uint16_t)op;
	t->n++;
	i->h = t->tbl[op];
	i->a = i->b = i->c = 0;
	i->off = t->off;
	i->imm = 0;
	t->last_prod = -1;
	return i;
}

void interp_tr_copy(struct tr *t, uint32_t from, uint32_t to)
{
	struct ins *in;

	if (t->last_copy >= 0 && t->last_copy == (int64_t)t->n - 1 && t->label_at != t->n &&
	    !t->nomem) {
		/* two copies in one dispatch, run in order */
		in = &t->code[t->n - 1];
		in->h = t->tbl[OP_COPY2];
		t->ops[t->n - 1] = OP_COPY2;
		in->b = from;
		in->imm = to;
		t->last_copy = -1;
		t->last_prod = -1;
		return;
	}
	in = interp_tr_emit(t, OP_COPY);
	in->a = from;
	in->c = to;
	t->last_copy = (int64_t)t->n - 1;
}

/* Writes entry i to its own slot. */
/* Emits what writes entry e's value (not in slot `own`) to slot dst. */
static void write_entry(struct tr *t, const struct ventry *e, uint32_t own, uint32_t dst)
{
	struct ins *in;

	switch (e->kind) {
	case V_LOCAL:
		if (e->local != dst)
			interp_tr_copy(t, e->local, dst);
		break;
	case V_CONST:
		in = interp_tr_emit(t, OP_CONST);
		in->imm = e->val;
		in->c = dst;
		break;
	case V_ADDK:
		in = interp_tr_emit(t, OP_I32_ADD_I);
		in->a = e->local;
		in->imm = e->val;
		in->c = dst;
		break;
	default:
		if (own != dst)
			interp_tr_copy(t, own, dst);
		break;
	}
}

static void materialize(struct tr *t, uint32_t i)
{
	struct ventry *e = &t->vs[i];

	if (e->kind != V_SLOT)
		write_entry(t, e, interp_tr_slot(t, i), interp_tr_slot(t, i));
	e->kind = V_SLOT;
}

void interp_tr_materialize_top(struct tr *t, uint32_t n)
{
	for (uint32_t i = t->h - n; i < t->h; i++)
		materialize(t, i);
}

/* The slot holding entry i (constants are materialized). */
static uint32_t src(struct tr *t, uint32_t i)
{
	if (t->vs[i].kind == V_LOCAL)
		return t->vs[i].local;
	materialize(t, i);
	return interp_tr_slot(t, i);
}

uint32_t interp_tr_pop(struct tr *t)
{
	uint32_t s = src(t, t->h - 1);

	t->h--;
	return s;
}

uint32_t interp_tr_push(struct tr *t)
{
	t->vs[t->h].kind = V_SLOT;
	t->vs[t->h].ref = false;
	return interp_tr_slot(t, t->h++);
}

void interp_tr_push_const(struct tr *t, uint64_t v)
{
	t->vs[t->h].kind = V_CONST;
	t->vs[t->h].ref = false;
	t->vs[t->h++].val = v;
}

static uint32_t label_arity(const struct tctrl *k)
{
	return k->op == WASM_OP_LOOP ? k->nparams : k->nresults;
}

static bool needs_moves(const struct tr *t, const struct tctrl *k, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = t->h - n + i;

		if (t->vs[e].kind != V_SLOT || e != k->height + i)
			return true;
	}
	return false;
}

/* Copies the top n values to label k's slots (ascending order is safe:
 * every source slot is at or above its destination). */
static void emit_moves(struct tr *t, const struct tctrl *k, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = t->h - n + i;

		write_entry(t, &t->vs[e], interp_tr_slot(t, e), interp_tr_slot(t, k->height + i));
	}
}

/* Points the branch at `site` to label k (loops now, others at their end). */
static void set_target(struct tr *t, uint32_t site, struct tctrl *k)
{
	if (t->nomem)
		return;
	if (k->op == WASM_OP_LOOP) {
		t->code[site].imm = (uint64_t)((int64_t)k->start - (int64_t)site);
		t->code[site].c = site - k->start + 1;
	} else {
		t->code[site].imm = k->patch;
		k->patch = site + 1;
	}
}

static void patch_chain(struct tr *t, uint32_t chain, uint32_t target)
{
	t->label_at = target;
	while (chain && !t->nomem) {
		uint32_t site = chain - 1;

		chain = (uint32_t)t->code[site].imm;
		t->code[site].imm = (uint64_t)((int64_t)target - (int64_t)site);
	}
}

/*
 * A conditional branch on the top entry (popped): fused with the compare
 * that produced it if possible. `negate` branches when it is false.
 * Returns the site.
 */
static uint32_t emit_cond_branch(struct tr *t, bool negate)
{
	uint32_t top = t->h - 1;
	struct ins *in;

	if (t->vs[top].kind == V_SLOT && t->last_prod == (int64_t)t->n - 1 && !t->nomem &&
	    t->code[t->n - 1].c == interp_tr_slot(t, top)) {
		uint32_t op = t->ops[t->n - 1], nop = 0;
		struct ins *p = &t->code[t->n - 1];

		if (op == OP_I32_EQZ)
			nop = negate ? OP_BRN_I32_EQZ : OP_BR_I32_EQZ;
		else if (op == OP_I64_EQZ)
			nop = negate ? OP_BRN_I64_EQZ : OP_BR_I64_EQZ;
		else if (op_is_cmp(op) && !op_has_imm(op)) {
			/* the immediate form: fits in b? */
			if (!op_is_cmp64(op) || p->imm <= UINT32_MAX) {
				p->b = (uint32_t)p->imm;
				nop = op + (negate ? 4 : 3);
			}
		} else if (op_is_cmp(op)) {
			nop = op + (negate ? 3 : 2);
		}
		if (nop) {
			t->ops[t->n - 1] = (uint16_t)nop;
			p->h = t->tbl[nop];
			p->c = 0;
			p->imm = 0;
			t->h--;
			t->last_prod = -1;
			return t->n - 1;
		}
	}
	{
		uint32_t s = interp_tr_pop(t);

		in = interp_tr_emit(t, negate ? OP_BR_UNLESS : OP_BR_IF);
		in->a = s;
	}
	return t->n - 1;
}

void interp_tr_set_dead(struct tr *t)
{
	struct tctrl *k = &t->cs[t->nc - 1];

	k->dead = true;
	t->h = k->height;
}

/* Local x is about to change: entries still reading it (below `upto`) get
 * their own copy first. Returns whether any did. */
static bool flush_local(struct tr *t, uint32_t x, uint32_t upto)
{
	bool any = false;

	for (uint32_t i = 0; i < upto; i++) {
		if ((t->vs[i].kind == V_LOCAL || t->vs[i].kind == V_ADDK) && t->vs[i].local == x) {
			materialize(t, i);
			any = true;
		}
	}
	return any;
}

void interp_tr_local_set(struct tr *t, uint32_t x, bool tee)
{
	uint32_t top = t->h - 1;
	struct ventry *e = &t->vs[top];
	int64_t prod = t->last_prod;

	if (flush_local(t, x, top))
		prod = -1;
	if (e->kind == V_SLOT && prod >= 0 && prod == (int64_t)t->n - 1 && !t->nomem &&
	    t->code[prod].c == interp_tr_slot(t, top)) {
		t->code[prod].c = x;
		if (tee) {
			e->kind = V_LOCAL;
			e->local = x;
		}
		if (!tee)
			t->h--;
		/* still the last instruction: its result (now in x) stays in acc */
		return;
	}
	write_entry(t, e, interp_tr_slot(t, top), x);
	if (tee && e->kind == V_ADDK) {
		e->kind = V_LOCAL;
		e->local = x;
	}
	if (!tee)
		t->h--;
	t->last_prod = -1;
}

/* Arithmetic with forms that take an operand from the run loop's acc. */
static bool op_has_x(uint32_t op)
{
	switch (op) {
#define M_BIN(n, w, e)	   case OP_##n:
#define M_FBIN(n, w, t, e) case OP_##n:
		INTERP_BINOPS_IMM(M_BIN)
		INTERP_FBINOPS_IMM(M_FBIN)
		return true;
#undef M_BIN
#undef M_FBIN
	default:
		return false;
	}
}

/* Whether internal op `op` leaves its result in facc rather than acc. */
static bool op_sets_facc(uint32_t op)
{
	return (op >= OP_F64_ADD && op <= OP_F64_DIV_XB) ||
	       (op >= OP_F64_LOAD && op <= OP_F64_LOAD_KC) ||
	       (op >= OP_D_ADD_ADD_A && op <= OP_L_DIV_KC_B);
}

uint32_t interp_tr_acc_slot(const struct tr *t, bool f64)
{
	uint32_t op;

	if (t->nomem || t->last_prod < 0 || t->last_prod != (int64_t)t->n - 1)
		return UINT32_MAX;
	op = t->ops[t->n - 1];
	if (op_sets_facc(op) != f64)
		return UINT32_MAX;
	if ((op >= OP_I32_ADD && op <= OP_F64_DIV_XB) ||
	    (op >= OP_I32_LOAD && op <= OP_I64_LOAD32_U_KC) ||
	    (op >= OP_F_ROTL_ADD && op <= OP_G_XOR_XOR) ||
	    (op >= OP_D_ADD_ADD_A && op <= OP_L_DIV_KC_B))
		return t->code[t->n - 1].c;
	return UINT32_MAX;
}

/* The fused op for op1 (an i32 _I form, or a plain f64 form) feeding op2
 * as its left (first) or right operand, or 0. */
static uint32_t fused_op(uint32_t op1, uint32_t op2, bool first)
{
#define M_FUSED(n1, e1, n2, e2)                           \
	if (op1 == OP_I32_##n1##_I && op2 == OP_I32_##n2) \
		return OP_F_##n1##_##n2;
#define M_DFUSED(n1, e1, n2, e2)                                                \
	if (op1 == OP_F64_##n1 && op2 == OP_F64_##n2)                           \
		return first ? OP_D_##n1##_##n2##_A : OP_D_##n1##_##n2##_B;     \
	if (op1 == OP_F64_##n1##_XA && op2 == OP_F64_##n2)                      \
		return first ? OP_E_##n1##_##n2##_XAA : OP_E_##n1##_##n2##_XAB; \
	if (op1 == OP_F64_##n1##_XB && op2 == OP_F64_##n2)                      \
		return first ? OP_E_##n1##_##n2##_XBA : OP_E_##n1##_##n2##_XBB;
#define M_GFUSED(n1, e1, n2, e2)                                                        \
	if ((op1 == OP_I32_##n1##_XA || op1 == OP_I32_##n1##_XB) && op2 == OP_I32_##n2) \
		return OP_G_##n1##_##n2;
#define M_LFUSED(n, e)                                                                      \
	if (op1 >= OP_F64_LOAD && op1 <= OP_F64_LOAD_KC && op2 == OP_F64_##n) {             \
		static const int8_t form[6] = {0, 2, -1, -1, 4, 6};                         \
		if (form[op1 - OP_F64_LOAD] >= 0)                                           \
			return OP_L_##n##_P_A + (uint32_t)form[op1 - OP_F64_LOAD] + !first; \
	}
	INTERP_FUSED(M_FUSED)
	INTERP_GFUSED(M_GFUSED)
	INTERP_FSTORES(M_LFUSED)
	INTERP_DFUSED(M_DFUSED)
#undef M_GFUSED
#undef M_LFUSED
#undef M_FUSED
#undef M_DFUSED
	return 0;
}

/*
 * The last instruction (an i32 op with an immediate or an i32 _X form, or
 * f64 arithmetic) produced operand `used` (the left one if `first`; the other
 * operand is slot `other`) of op2 in a temporary slot, which dies here:
 * rewrites it into the fused pair. Returns whether it did.
 */
static bool try_fuse(struct tr *t, uint32_t op2, uint32_t used, uint32_t other, bool first)
{
	struct ins *p = &t->code[t->n - 1];
	uint32_t nop = fused_op(t->ops[t->n - 1], op2, first);

	if (!nop || used < t->L || other == used)
		return false;
	if (nop >= OP_L_ADD_P_A && nop <= OP_L_DIV_KC_B && (nop - OP_L_ADD_P_A) % 8 >= 4) {
		if (p->imm) /* the _K load forms keep no offset */
			return false;
		p->imm = other;
		t->ops[t->n - 1] = (uint16_t)nop;
		p->h = t->tbl[nop];
		p->c = interp_tr_push(t);
		interp_tr_produced(t);
		return true;
	}
	if (nop >= OP_G_ADD_ADD && nop <= OP_G_XOR_XOR && (t->ops[t->n - 1] - OP_I32_ADD) % 5 == 2)
		p->a = p->b; /* op1, an _XA form, took its slot operand from b */
	t->ops[t->n - 1] = (uint16_t)nop;
	p->h = t->tbl[nop];
	if (nop >= OP_D_ADD_ADD_A && nop <= OP_E_MUL_DIV_XBB)
		p->imm = other;
	else
		p->b = other;
	p->c = interp_tr_push(t);
	interp_tr_produced(t);
	return true;
}

void interp_tr_numeric(struct tr *t, uint32_t code)
{
	uint32_t op = opmap(code) - 1;
	struct ins *in;

	if (is_unary(code)) {
		uint32_t a = interp_tr_pop(t);

		in = interp_tr_emit(t, op);
		in->a = a;
		in->c = interp_tr_push(t);
	} else if ((code == WASM_OP_I32_ADD || code == WASM_OP_I32_SUB) &&
		   t->vs[t->h - 1].kind == V_CONST && t->vs[t->h - 2].kind == V_LOCAL) {
		/* local +- constant: deferred, loads and stores take it whole */
		uint32_t k = (uint32_t)t->vs[--t->h].val;
		struct ventry *e = &t->vs[t->h - 1];

		e->kind = V_ADDK;
		e->val = code == WASM_OP_I32_ADD ? k : (uint32_t)(0u - k);
		return;
	} else if (op_has_imm(op) && t->vs[t->h - 1].kind == V_CONST) {
		uint64_t v = t->vs[--t->h].val;
		uint32_t n0 = t->n, prev = interp_tr_acc_slot(t, op_sets_facc(op));
		uint32_t a = interp_tr_pop(t);
		bool x = op_has_x(op) && t->n == n0 && a == prev;

		in = interp_tr_emit(t, op + (x ? 3 : 1));
		in->a = a;
		in->imm = v;
		in->c = interp_tr_push(t);
	} else {
		uint32_t n0 = t->n, prev = interp_tr_acc_slot(t, op_sets_facc(op));
		uint32_t b = interp_tr_pop(t), a = interp_tr_pop(t), form = 0;

		if (op_has_x(op) && t->n == n0)
			form = b == prev ? 4 : a == prev ? 2 : 0;
		if (form && try_fuse(t, op, prev, form == 4 ? a : b, form == 2))
			return;
		in = interp_tr_emit(t, op + form);
		in->a = a;
		in->b = b;
		in->c = interp_tr_push(t);
	}
	interp_tr_produced(t);
}

void interp_tr_block(struct tr *t, uint8_t op)
{
	const struct wasm_block_info *b = &t->f->blocks[t->blk++];
	bool dead = t->cs[t->nc - 1].dead;
	struct tctrl *k;
	int64_t bt;
	uint32_t one = WASM_TYPE_UNKNOWN;

	if (t->r.pos < t->r.end && (t->r.buf[t->r.pos] == 0x63 || t->r.buf[t->r.pos] == 0x64)) {
		struct wasm_reader r = t->r; /* the full type of a typed reference */

		wasm_read_valtype(t->m, &r, &one, &(uint32_t){0});
	}
	wasm_reader_blocktype(&t->r, &bt);
	k = &t->cs[t->nc++];
	memset(k, 0, sizeof(*k));
	if (bt >= 0) {
		k->ptypes = t->m->types[bt].params;
		k->nptypes = t->m->types[bt].nparams;
		k->rtypes = t->m->types[bt].results;
		k->nrtypes = t->m->types[bt].nresults;
	} else if (bt != -64) {
		k->one = one != WASM_TYPE_UNKNOWN ? one : (uint32_t)(bt + 0x80);
		k->rtypes = &k->one;
		k->nrtypes = 1;
	}
	k->op = op;
	k->height = b->height;
	k->nparams = b->nparams;
	k->nresults = b->nresults;
	k->dead = dead;
	if (t->wide) {
		/* counts in slots */
		k->nparams = wasm_types_slots(k->ptypes, b->nparams);
		k->nresults = wasm_types_slots(k->rtypes, b->nresults);
		/* below an if's condition (still on top) and the params; a
		 * dead block's is its dead parent's: dead code pops nothing,
		 * so the results of dead blocks one after another would pile
		 * up past the stack's capacity (found by the fuzzer) */
		k->height = dead ? t->cs[t->nc - 2].height : t->h;
		if (!dead && t->h >= k->nparams + (op == WASM_OP_IF))
			k->height = t->h - k->nparams - (op == WASM_OP_IF);
	}
	if (dead)
		return;
	if (op == WASM_OP_IF) {
		/* flush everything under the condition, then branch on it */
		for (uint32_t i = 0; i + 1 < t->h; i++)
			if (t->vs[i].kind != V_SLOT)
				materialize(t, i);
		k->else_site = emit_cond_branch(t, true) + 1;
	} else {
		for (uint32_t i = 0; i < t->h; i++)
			materialize(t, i);
	}
	k->start = t->n;
	t->label_at = t->n;
	t->last_prod = -1;
	if (op == WASM_OP_LOOP)
		interp_tr_safepoint(t); /* a suspension at its back-edge stops here */
}

void interp_tr_else(struct tr *t)
{
	struct tctrl *k = &t->cs[t->nc - 1];

	if (!k->dead) {
		interp_tr_materialize_top(t, k->nresults);
		interp_tr_emit(t, OP_BR);
		set_target(t, t->n - 1, k);
	}
	if (k->else_site) {
		patch_chain(t, k->else_site, t->n);
		k->else_site = 0;
	}
	k->op = WASM_OP_ELSE;
	k->dead = t->nc >= 2 && t->cs[t->nc - 2].dead;
	t->h = k->height;
	interp_tr_push_types(t, k->ptypes, k->nptypes);
	t->last_prod = -1;
}

void interp_tr_set_target(struct tr *t, uint32_t site, struct tctrl *k)
{
	set_target(t, site, k);
}

void interp_tr_pad_branch(struct tr *t, struct tctrl *k, uint32_t base, uint32_t n)
{
	t->h = base;
	for (uint32_t i = 0; i < n; i++)
		interp_tr_push(t);
	emit_moves(t, k, n);
	interp_tr_emit(t, OP_BR);
	set_target(t, t->n - 1, k);
	t->h = base;
}

/* Returns true at the body's end. */
bool interp_tr_end(struct tr *t)
{
	struct tctrl *k = &t->cs[t->nc - 1];
	struct ins *in;

	if (k->op == WASM_OP_TRY_TABLE || k->op == WASM_OP_TRY)
		interp_tr_close_try(t, k);
	if (!k->dead)
		interp_tr_materialize_top(t, k->nresults);
	if (k->else_site)
		patch_chain(t, k->else_site, t->n);
	patch_chain(t, k->patch, t->n);
	t->h = k->height;
	interp_tr_push_types(t, k->rtypes, k->nrtypes);
	t->last_prod = -1;
	if (t->nc == 1) {
		in = interp_tr_emit(t, OP_RETURN);
		in->a = interp_tr_slot(t, 0);
		in->b = k->nresults;
		return true;
	}
	t->nc--;
	return false;
}

void interp_tr_br(struct tr *t, uint32_t d)
{
	struct tctrl *k = &t->cs[t->nc - 1 - d];
	uint32_t n = label_arity(k);

	emit_moves(t, k, n);
	interp_tr_emit(t, OP_BR);
	set_target(t, t->n - 1, k);
	interp_tr_set_dead(t);
}

/* A conditional branch that needs moves: the inverted test at `site`
 * skips the moves and the branch to k emitted here. */
void interp_tr_branch_moves(struct tr *t, struct tctrl *k, uint32_t n, uint32_t site)
{
	emit_moves(t, k, n);
	interp_tr_emit(t, OP_BR);
	set_target(t, t->n - 1, k);
	if (!t->nomem)
		t->code[site].imm = (uint64_t)(t->n - site);
	t->label_at = t->n;
}

void interp_tr_br_if(struct tr *t, uint32_t d)
{
	struct tctrl *k = &t->cs[t->nc - 1 - d];
	uint32_t n = label_arity(k), site;

	/* the values stay on the stack: needs_moves looks below the condition */
	t->h--;
	if (!needs_moves(t, k, n)) {
		t->h++;
		site = emit_cond_branch(t, false);
		set_target(t, site, k);
		return;
	}
	t->h++;
	site = emit_cond_branch(t, true);
	interp_tr_branch_moves(t, k, n, site);
}

/* br_on_null d (the reference stays when it is not null) and, with
 * `non_null`, br_on_non_null d (the reference goes with the branch, or is
 * dropped). The reference is the top entry, in its slot. */
void interp_tr_br_on_null(struct tr *t, uint32_t d, bool non_null)
{
	struct tctrl *k = &t->cs[t->nc - 1 - d];
	uint32_t n = label_arity(k), site, s;
	struct ins *in;

	interp_tr_materialize_top(t, 1);
	s = interp_tr_slot(t, t->h - 1);
	if (!non_null)
		t->h--; /* the branch carries the values below it */
	if (!needs_moves(t, k, n)) {
		in = interp_tr_emit(t, non_null ? OP_BR_NONNULL : OP_BR_NULL);
		in->a = s;
		set_target(t, t->n - 1, k);
	} else {
		in = interp_tr_emit(t, non_null ? OP_BR_NULL : OP_BR_NONNULL);
		in->a = s;
		site = t->n - 1;
		interp_tr_branch_moves(t, k, n, site);
	}
	if (non_null)
		t->h--; /* not taken: the null is dropped */
	else
		t->h++;
}

void interp_tr_br_table(struct tr *t, bool dead)
{
	uint32_t cnt, l, idx = 0, n, first_at;
	size_t at;
	struct ins *in;

	wasm_reader_u32(&t->r, &cnt);
	if (dead) {
		for (uint32_t i = 0; i <= cnt; i++)
			wasm_reader_u32(&t->r, &l);
		return;
	}
	at = t->r.pos;
	for (uint32_t i = 0; i < cnt; i++)
		wasm_reader_u32(&t->r, &l);
	wasm_reader_u32(&t->r, &l);
	n = label_arity(&t->cs[t->nc - 1 - l]);
	t->r.pos = at;
	idx = interp_tr_pop(t);
	interp_tr_materialize_top(t, n);
	in = interp_tr_emit(t, OP_BR_TABLE);
	in->a = idx;
	in->b = cnt;
	in->c = interp_tr_slot(t, t->h - n);
	in->imm = n;
	first_at = t->n;
	for (uint32_t i = 0; i <= cnt; i++) {
		struct tctrl *k;

		wasm_reader_u32(&t->r, &l);
		k = &t->cs[t->nc - 1 - l];
		in = interp_tr_emit(t, OP_UNREACHABLE);
		in->a = interp_tr_slot(t, k->height);
		set_target(t, first_at + i, k);
	}
	interp_tr_set_dead(t);
}
