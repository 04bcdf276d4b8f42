/*
 * interp_translate.c - translates validated function bodies into the
 * interpreter's slot code (see interp_internal.h for the form).
 *
 * The translator walks a body once, keeping a virtual operand stack whose
 * entries say where each value is: in its own slot (nlocals + height), still
 * in a local (a deferred local.get), a constant not yet written, or a local
 * plus a constant (a deferred i32.add, which loads and stores take whole as
 * their address). Deferred values are read straight from their local by
 * the instruction that uses them, and constants become immediate operands
 * where an operator has an immediate form. Everything is written to its own slot ("materialized")
 * before control flow merges (block starts, branches, ends, calls) and
 * before a local.set overwrites a local that a deferred entry still names.
 * Further fusions: an operator followed by local.set writes the local
 * directly; a comparison followed by br_if or if becomes one conditional
 * branch; two copies in a row become one instruction. Nothing merges across
 * a branch target.
 *
 * Unreachable code (after br, br_table, return, unreachable) is skipped up
 * to the end or else of its block; its block headers still consume entries
 * of the validator's block table, which gives every block's height and
 * arity.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"
#include "wasm/gc/gc_heap.h"
#include "wasm/interp/interp_tr.h"

static const struct wasm_memory interp_no_memory;

/* A call (or a tail call: then what follows is dead) to a function of
 * type `ft`; its arguments are the top values, moved to consecutive slots. */
static void do_call(struct tr *t, const struct wasm_functype *ft, uint32_t op, uint64_t imm,
		    uint32_t b, uint32_t c)
{
	uint32_t np = t->wide ? wasm_types_slots(ft->params, ft->nparams) : ft->nparams;
	struct ins *in;
	uint32_t base;

	interp_tr_materialize_top(t, np);
	base = interp_tr_slot(t, t->h - np);
	interp_tr_safepoint(t);
	in = interp_tr_emit(t, op);
	in->a = base;
	in->b = b;
	in->c = c;
	in->imm = imm;
	t->h -= np;
	if (op == OP_RETURN_CALL || op == OP_RETURN_CALL_INDIRECT ||
	    op == OP_RETURN_CALL_INDIRECT64 || op == OP_RETURN_CALL_FUNCINST ||
	    op == OP_RETURN_CALL_REF) {
		interp_tr_set_dead(t);
		return;
	}
	interp_tr_push_types(t, ft->results, ft->nresults);
}

/* Bulk operations take their operands from consecutive slots at a. */
static void do_bulk(struct tr *t, uint32_t op, uint32_t nargs, uint64_t imm, uint32_t b,
		    bool result)
{
	struct ins *in;

	interp_tr_materialize_top(t, nargs);
	interp_tr_safepoint(t);
	in = interp_tr_emit(t, op);
	in->a = interp_tr_slot(t, t->h - nargs);
	in->b = b;
	in->imm = imm;
	t->h -= nargs;
	if (result)
		in->c = interp_tr_push(t);
}

/*
 * An f64.store of the value the last instruction (f64 arithmetic, not an
 * immediate form) just wrote to temporary slot v, at a slot address: the
 * two become one instruction. Returns whether they did.
 */
static bool fuse_f64_store(struct tr *t, uint32_t v, uint64_t offset)
{
	static const uint16_t base[4] = {OP_FS_ADD, OP_FS_SUB, OP_FS_MUL, OP_FS_DIV};
	uint32_t op = t->ops[t->n - 1], rel, form, nop;
	struct ventry *e = &t->vs[t->h - 1];
	struct ins *p = &t->code[t->n - 1];

	if (op < OP_F64_ADD || op > OP_F64_DIV_XB || v < t->L || e->kind == V_CONST ||
	    e->kind == V_ADDK)
		return false;
	rel = op - OP_F64_ADD;
	form = rel % 5; /* plain, _I, _XA, _XAI, _XB */
	if (form & 1)
		return false;
	nop = base[rel / 5] + form + wasm_memory_needs_check(t->fn->mem0, offset, 8);
	t->ops[t->n - 1] = (uint16_t)nop;
	p->h = t->tbl[nop];
	p->c = interp_tr_pop(t);
	p->imm = offset;
	p->off = t->off;
	t->last_prod = -1;
	return true;
}

/* Whether memory `mem` is other than a 32-bit memory 0: its instructions
 * are MEMX_ ones (interp_internal.h). */
static bool memx(const struct tr *t, uint32_t mem)
{
	return mem != 0 || t->inst->module->mems[0].limits.is64;
}

/* Whether table x has the i64 address type: its instructions are TABLEX_
 * ones (interp_internal.h). */
static bool tablex(const struct tr *t, uint32_t x)
{
	return t->inst->module->tables[x].limits.is64;
}

/* A load or store on another memory or an i64 one (MEMX_LOAD/STORE):
 * operands in slots, the checks at run time. */
static void do_memx(struct tr *t, uint8_t code, uint32_t mem, uint64_t offset)
{
	bool load = wasm_opinfo[code].tr == WASM_TR_LOAD;
	uint32_t v = load ? 0 : interp_tr_pop(t);
	uint32_t a = interp_tr_pop(t);
	struct ins *in = interp_tr_emit(t, load ? OP_MEMX_LOAD : OP_MEMX_STORE);

	in->a = a;
	in->imm = offset;
	if (load) {
		in->b = mem << 8 | code;
		in->c = interp_tr_push(t);
	} else {
		in->b = v;
		in->c = mem << 8 | code;
	}
}

/*
 * Loads and stores. Address forms: a slot (plain), a constant folded into
 * the offset (_A), or `x + k` (_K: a deferred local + constant, or for
 * loads an i32.add with a constant emitted just before, which is rewritten).
 * The _C forms check bounds; the others rely on the guard region.
 */
static void do_mem(struct tr *t, uint8_t code)
{
	/* the internal op of each load and store: its plain form */
	static const uint16_t base_op[WASM_OP_NINDEX] = {
#define M_SPECIAL(p, c, n)
#define M_NUM(p, c, n)
#define M_BITS(p, c, n)
#define M_SIMD(p, c, n)
#define M_LOAD(p, c, n)			   [WASM_OP_INDEX(p, c)] = OP_##n,
#define M_STORE(p, c, n)		   [WASM_OP_INDEX(p, c)] = OP_##n,
#define M_ROW(n, p, c, text, imm, sig, tr) M_##tr(p, c, n)
		WASM_OPCODES(M_ROW)
#undef M_ROW
#undef M_STORE
#undef M_LOAD
#undef M_BITS
#undef M_SIMD
#undef M_NUM
#undef M_SPECIAL
	};
	const struct wasm_opinfo *oi = &wasm_opinfo[code];
	uint32_t size = 1u << wasm_imm_memarg_align(oi->imm);
	uint32_t align, mem = 0, op, a = 0, v = 0, k = 0, form;
	bool load = oi->tr == WASM_TR_LOAD;
	uint64_t ea, offset;
	struct ventry *e;
	struct ins *in;

	wasm_reader_u32(&t->r, &align);
	if (align & 0x40) /* multi-memory: a memory index */
		wasm_reader_u32(&t->r, &mem);
	wasm_reader_leb(&t->r, 64, false, &offset);
	if (t->cs[t->nc - 1].dead)
		return;
	if (UNLIKELY(memx(t, mem))) {
		do_memx(t, code, mem, offset);
		return;
	}
	op = base_op[code];
	ea = offset;
	if (load && t->vs[t->h - 1].kind == V_SLOT && t->last_prod == (int64_t)t->n - 1 &&
	    !t->nomem && t->ops[t->n - 1] == OP_I32_ADD_I &&
	    t->code[t->n - 1].c == interp_tr_slot(t, t->h - 1)) {
		in = &t->code[t->n - 1];
		op += 4 + wasm_memory_needs_check(t->fn->mem0, ea, size);
		t->ops[t->n - 1] = (uint16_t)op;
		in->h = t->tbl[op];
		in->b = (uint32_t)in->imm;
		in->imm = ea;
		in->off = t->off;
		return;
	}
	if (!load) {
		uint32_t n0 = t->n, prev = interp_tr_acc_slot(t, code == WASM_OP_F64_STORE);

		v = interp_tr_pop(t);
		if (t->n == n0 && v == prev) {
			if (code == WASM_OP_F64_STORE && fuse_f64_store(t, v, ea))
				return;
			op += 6; /* the value is the previous instruction's result */
		}
	}
	e = &t->vs[t->h - 1];
	if (e->kind == V_CONST) {
		ea += (uint32_t)e->val;
		form = 2;
		t->h--;
	} else if (e->kind == V_ADDK) {
		a = e->local;
		k = (uint32_t)e->val;
		form = 4;
		t->h--;
	} else {
		a = interp_tr_pop(t);
		form = 0;
	}
	op += form + wasm_memory_needs_check(t->fn->mem0, ea, size);
	in = interp_tr_emit(t, op);
	in->a = a;
	in->imm = ea;
	if (load) {
		in->b = k;
		in->c = interp_tr_push(t);
		interp_tr_produced(t);
	} else {
		in->b = v;
		in->c = k;
	}
}

static void do_fc(struct tr *t, bool dead)
{
	struct wasm_instance *inst = t->inst;
	uint32_t sub, x = 0, y = 0, m1 = 0, m2 = 0;

	wasm_reader_u32(&t->r, &sub);
	switch (wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub)].imm) {
	case WASM_IMM_IDX_MEM0:
		wasm_reader_u32(&t->r, &x);
		wasm_reader_u32(&t->r, &m1);
		break;
	case WASM_IMM_IDX2:
		wasm_reader_u32(&t->r, &x);
		wasm_reader_u32(&t->r, &y);
		break;
	case WASM_IMM_IDX:
		wasm_reader_u32(&t->r, &x);
		break;
	case WASM_IMM_MEM0_MEM0:
		wasm_reader_u32(&t->r, &m1);
		wasm_reader_u32(&t->r, &m2);
		break;
	case WASM_IMM_MEM0:
		wasm_reader_u32(&t->r, &m1);
		break;
	default:
		break;
	}
	if (dead)
		return;
	switch (sub) {
	case WASM_OP_MEMORY_INIT:
		if (memx(t, m1))
			do_bulk(t, OP_MEMX_INIT, 3, x, m1, false);
		else
			do_bulk(t, OP_MEMORY_INIT, 3, x, 0, false);
		break;
	case WASM_OP_DATA_DROP:
		interp_tr_emit(t, OP_DATA_DROP)->imm = x;
		break;
	case WASM_OP_MEMORY_COPY:
		if (memx(t, m1) || memx(t, m2))
			do_bulk(t, OP_MEMX_COPY, 3, m2, m1, false);
		else
			do_bulk(t, OP_MEMORY_COPY, 3, 0, 0, false);
		break;
	case WASM_OP_MEMORY_FILL:
		if (memx(t, m1))
			do_bulk(t, OP_MEMX_FILL, 3, 0, m1, false);
		else
			do_bulk(t, OP_MEMORY_FILL, 3, 0, 0, false);
		break;
	case WASM_OP_TABLE_INIT:
		do_bulk(t, tablex(t, y) ? OP_TABLEX_INIT : OP_TABLE_INIT, 3, y, x, false);
		break;
	case WASM_OP_ELEM_DROP:
		interp_tr_emit(t, OP_ELEM_DROP)->imm = x;
		break;
	case WASM_OP_TABLE_COPY:
		do_bulk(t, tablex(t, x) || tablex(t, y) ? OP_TABLEX_COPY : OP_TABLE_COPY, 3, x, y,
			false);
		break;
	case WASM_OP_TABLE_GROW:
		do_bulk(t, tablex(t, x) ? OP_TABLEX_GROW : OP_TABLE_GROW, 2,
			(uintptr_t)inst->tables[x], 0, true);
		break;
	case WASM_OP_TABLE_SIZE: {
		struct ins *in = interp_tr_emit(t, OP_TABLE_SIZE);

		in->imm = (uintptr_t)inst->tables[x];
		in->c = interp_tr_push(t);
		break;
	}
	case WASM_OP_TABLE_FILL:
		do_bulk(t, tablex(t, x) ? OP_TABLEX_FILL : OP_TABLE_FILL, 3,
			(uintptr_t)inst->tables[x], 0, false);
		break;
	default: /* a NUM row */
		interp_tr_numeric(t, WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub));
		break;
	}
}

/* The slot of local x; *pair: it is a v128 (slots s and s + 1). */
static uint32_t local_slot(const struct tr *t, uint32_t x, bool *pair)
{
	if (!t->lmap) {
		*pair = false;
		return x;
	}
	*pair = t->lmap[x] & 1;
	return t->lmap[x] >> 1;
}

/* The value type of local x (params first). */
static uint32_t local_type(const struct tr *t, uint32_t x)
{
	const struct wasm_functype *ft = &t->m->types[t->f->type];

	return x < ft->nparams ? ft->params[x] : t->f->local_types[x - ft->nparams];
}

/* The type of the next drop or untyped select (wide modules only). */
static uint8_t next_untyped(struct tr *t)
{
	return t->ui < t->f->nuntyped ? t->f->untyped_types[t->ui++] : WASM_TYPE_UNKNOWN;
}

/* select; of a v128 (two entries per operand), each half with the same
 * condition: the low result goes to the first operand's low slot, which
 * only the first select reads. */
static void do_select(struct tr *t, bool v128)
{
	uint32_t n = v128 ? 2 : 1, c = interp_tr_pop(t), s1[2], s2[2];
	bool ref = !v128 && (t->vs[t->h - 1].ref || t->vs[t->h - 2].ref);
	struct ins *in;

	for (uint32_t i = n; i-- > 0;)
		s2[i] = interp_tr_pop(t);
	for (uint32_t i = n; i-- > 0;)
		s1[i] = interp_tr_pop(t);
	for (uint32_t i = 0; i < n; i++) {
		in = interp_tr_emit(t, OP_SELECT);
		in->a = s1[i];
		in->b = s2[i];
		in->imm = c;
		in->c = interp_tr_push(t);
	}
	t->vs[t->h - 1].ref = ref;
	if (!v128)
		interp_tr_produced(t);
}

/* Translates one instruction whose opcode was read; true at the body's end. */
static bool translate_instr(struct tr *t, uint8_t code)
{
	const struct wasm_module *m = t->m;
	bool dead = t->cs[t->nc - 1].dead;
	struct ins *in;
	uint32_t x, y;
	uint64_t v;
	uint8_t b;
	bool tail;

	switch (code) {
	case WASM_OP_UNREACHABLE:
		if (!dead) {
			interp_tr_emit(t, OP_UNREACHABLE);
			interp_tr_set_dead(t);
		}
		return false;
	case WASM_OP_NOP:
		return false;
	case WASM_OP_BLOCK:
	case WASM_OP_LOOP:
	case WASM_OP_IF:
		interp_tr_block(t, code);
		return false;
	case WASM_OP_ELSE:
		interp_tr_else(t);
		return false;
	case WASM_OP_END:
		return interp_tr_end(t);
	case WASM_OP_BR:
		wasm_reader_u32(&t->r, &x);
		if (!dead)
			interp_tr_br(t, x);
		return false;
	case WASM_OP_BR_IF:
		wasm_reader_u32(&t->r, &x);
		if (!dead)
			interp_tr_br_if(t, x);
		return false;
	case WASM_OP_BR_TABLE:
		interp_tr_br_table(t, dead);
		return false;
	case WASM_OP_RETURN:
		if (!dead) {
			interp_tr_materialize_top(t, t->fn->nresults);
			in = interp_tr_emit(t, OP_RETURN);
			in->a = interp_tr_slot(t, t->h - t->fn->nresults);
			in->b = t->fn->nresults;
			interp_tr_set_dead(t);
		}
		return false;
	case WASM_OP_CALL:
	case WASM_OP_RETURN_CALL:
		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		tail = code == WASM_OP_RETURN_CALL;
		if (x < m->nfunc_imports)
			do_call(t, &m->types[m->funcs[x].type],
				tail ? OP_RETURN_CALL_FUNCINST : OP_CALL_FUNCINST,
				(uintptr_t)t->inst->funcs[x], 0, 0);
		else
			do_call(t, &m->types[m->funcs[x].type], tail ? OP_RETURN_CALL : OP_CALL,
				(uintptr_t)&t->inst->code->fns[x - m->nfunc_imports], 0, 0);
		return false;
	case WASM_OP_CALL_INDIRECT:
	case WASM_OP_RETURN_CALL_INDIRECT:
		wasm_reader_u32(&t->r, &x);
		wasm_reader_u32(&t->r, &y);
		if (dead)
			return false;
		{
			uint32_t ix = interp_tr_pop(t), op;
			bool ret = code == WASM_OP_RETURN_CALL_INDIRECT;

			if (tablex(t, y))
				op = ret ? OP_RETURN_CALL_INDIRECT64 : OP_CALL_INDIRECT64;
			else
				op = ret ? OP_RETURN_CALL_INDIRECT : OP_CALL_INDIRECT;
			do_call(t, &m->types[x], op, (uintptr_t)t->inst->tables[y], ix, x);
		}
		return false;
	case WASM_OP_DROP:
		b = t->wide ? next_untyped(t) : 0;
		if (!dead)
			t->h -= b == WASM_TYPE_V128 ? 2 : 1;
		return false;
	case WASM_OP_SELECT_T:
		wasm_reader_u32(&t->r, &x);
		wasm_reader_valtype_kind(&t->r, &b);
		if (!dead)
			do_select(t, b == WASM_TYPE_V128);
		return false;
	case WASM_OP_SELECT:
		b = t->wide ? next_untyped(t) : 0;
		if (!dead)
			do_select(t, b == WASM_TYPE_V128);
		return false;
	case WASM_OP_LOCAL_GET: {
		bool pair;

		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		t->vs[t->h].ref = interp_tr_traced(t, local_type(t, x));
		x = local_slot(t, x, &pair);
		t->vs[t->h].kind = V_LOCAL;
		t->vs[t->h++].local = x;
		if (pair) {
			t->vs[t->h].ref = false;
			t->vs[t->h].kind = V_LOCAL;
			t->vs[t->h++].local = x + 1;
		}
		return false;
	}
	case WASM_OP_LOCAL_SET:
	case WASM_OP_LOCAL_TEE: {
		bool pair;

		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		x = local_slot(t, x, &pair);
		if (!pair) {
			interp_tr_local_set(t, x, code == WASM_OP_LOCAL_TEE);
			return false;
		}
		/* the high half on top */
		if (!interp_tr_simd_local_set(t, x)) {
			interp_tr_local_set(t, x + 1, false);
			interp_tr_local_set(t, x, false);
		}
		if (code == WASM_OP_LOCAL_TEE) {
			t->vs[t->h].kind = V_LOCAL;
			t->vs[t->h].ref = false;
			t->vs[t->h++].local = x;
			t->vs[t->h].kind = V_LOCAL;
			t->vs[t->h].ref = false;
			t->vs[t->h++].local = x + 1;
		}
		return false;
	}
	case WASM_OP_GLOBAL_GET:
		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		if (m->globals[x].type == WASM_TYPE_V128) {
			in = interp_tr_emit(t, OP_GLOBAL_GET_V128);
			in->imm = (uintptr_t)t->inst->globals[x];
			in->c = interp_tr_push(t);
			interp_tr_push(t);
			return false;
		}
		in = interp_tr_emit(t, OP_GLOBAL_GET);
		in->imm = (uintptr_t)t->inst->globals[x];
		in->c = interp_tr_push_types(t, &m->globals[x].type, 1);
		interp_tr_produced(t);
		return false;
	case WASM_OP_GLOBAL_SET:
		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		if (m->globals[x].type == WASM_TYPE_V128) {
			interp_tr_materialize_top(t, 2);
			t->h -= 2;
			in = interp_tr_emit(t, OP_GLOBAL_SET_V128);
			in->a = interp_tr_slot(t, t->h);
			in->imm = (uintptr_t)t->inst->globals[x];
			return false;
		}
		{
			uint32_t s = interp_tr_pop(t);

			in = interp_tr_emit(t, OP_GLOBAL_SET);
			in->a = s;
			in->imm = (uintptr_t)t->inst->globals[x];
		}
		return false;
	case WASM_OP_TABLE_GET:
	case WASM_OP_TABLE_SET:
		wasm_reader_u32(&t->r, &x);
		if (dead)
			return false;
		if (code == WASM_OP_TABLE_GET) {
			uint32_t s = interp_tr_pop(t);

			in = interp_tr_emit(t, tablex(t, x) ? OP_TABLEX_GET : OP_TABLE_GET);
			in->a = s;
			in->imm = (uintptr_t)t->inst->tables[x];
			in->c = interp_tr_push_types(t, &m->tables[x].elem_type, 1);
		} else {
			uint32_t val = interp_tr_pop(t), s = interp_tr_pop(t);

			in = interp_tr_emit(t, tablex(t, x) ? OP_TABLEX_SET : OP_TABLE_SET);
			in->a = s;
			in->b = val;
			in->imm = (uintptr_t)t->inst->tables[x];
		}
		return false;
	case WASM_OP_MEMORY_SIZE:
	case WASM_OP_MEMORY_GROW: {
		uint32_t mem, xop;

		wasm_reader_u32(&t->r, &mem); /* a zero byte without multi-memory */
		if (dead)
			return false;
		xop = memx(t, mem);
		if (code == WASM_OP_MEMORY_SIZE) {
			in = interp_tr_emit(t, xop ? OP_MEMX_SIZE : OP_MEMORY_SIZE);
		} else {
			uint32_t s = interp_tr_pop(t);

			in = interp_tr_emit(t, xop ? OP_MEMX_GROW : OP_MEMORY_GROW);
			in->a = s;
		}
		in->b = mem;
		in->c = interp_tr_push(t);
		return false;
	}
	case WASM_OP_I32_CONST:
		wasm_reader_leb(&t->r, 32, true, &v);
		if (!dead)
			interp_tr_push_const(t, (uint32_t)v);
		return false;
	case WASM_OP_I64_CONST:
		wasm_reader_leb(&t->r, 64, true, &v);
		if (!dead)
			interp_tr_push_const(t, v);
		return false;
	case WASM_OP_F32_CONST: {
		uint32_t f;

		wasm_reader_fixed32(&t->r, &f);
		if (!dead)
			interp_tr_push_const(t, f);
		return false;
	}
	case WASM_OP_F64_CONST:
		wasm_reader_fixed64(&t->r, &v);
		if (!dead)
			interp_tr_push_const(t, v);
		return false;
	case WASM_OP_REF_NULL: /* a heap type (s33) */
		wasm_reader_s33(&t->r, &(int64_t){0});
		if (!dead)
			interp_tr_push_const(t, 0);
		return false;
	case WASM_OP_REF_IS_NULL:
		if (!dead) {
			uint32_t s = interp_tr_pop(t);

			in = interp_tr_emit(t, OP_REF_IS_NULL);
			in->a = s;
			in->c = interp_tr_push(t);
			interp_tr_produced(t);
		}
		return false;
	case WASM_OP_REF_FUNC:
		wasm_reader_u32(&t->r, &x);
		if (!dead)
			interp_tr_push_const(t, (uintptr_t)t->inst->funcs[x]);
		return false;
	case WASM_OP_CALL_REF: /* typed function references */
	case WASM_OP_RETURN_CALL_REF:
		wasm_reader_u32(&t->r, &x);
		if (!dead) {
			uint32_t r = interp_tr_pop(t);

			do_call(t, &m->types[x],
				code == WASM_OP_RETURN_CALL_REF ? OP_RETURN_CALL_REF : OP_CALL_REF,
				0, r, 0);
		}
		return false;
	case WASM_OP_REF_AS_NON_NULL:
		if (!dead) {
			bool ref = t->vs[t->h - 1].ref;
			uint32_t s = interp_tr_pop(t);

			in = interp_tr_emit(t, OP_REF_AS_NON_NULL);
			in->a = s;
			in->c = interp_tr_push(t);
			t->vs[t->h - 1].ref = ref;
			interp_tr_produced(t);
		}
		return false;
	case WASM_OP_BR_ON_NULL:
	case WASM_OP_BR_ON_NON_NULL:
		wasm_reader_u32(&t->r, &x);
		if (!dead)
			interp_tr_br_on_null(t, x, code == WASM_OP_BR_ON_NON_NULL);
		return false;
	case WASM_OP_PREFIX_FC:
		do_fc(t, dead);
		return false;
	case WASM_OP_PREFIX_FB:
		interp_tr_gc(t, dead);
		return false;
	case WASM_OP_REF_EQ: /* GC: the same word (runtime.h) */
		if (!dead)
			interp_tr_numeric(t, WASM_OP_I64_EQ);
		return false;
	case WASM_OP_TRY_TABLE:
		interp_tr_try_table(t);
		return false;
	case WASM_OP_TRY:
		interp_tr_try(t);
		return false;
	case WASM_OP_CATCH:
	case WASM_OP_CATCH_ALL:
		interp_tr_catch(t, code == WASM_OP_CATCH_ALL);
		return false;
	case WASM_OP_DELEGATE:
		interp_tr_delegate(t);
		return false;
	case WASM_OP_THROW:
	case WASM_OP_THROW_REF:
	case WASM_OP_RETHROW:
		interp_tr_throw(t, code);
		return false;
	case WASM_OP_PREFIX_FD:
		interp_tr_simd(t, dead);
		return false;
	default:
		break;
	}
	switch (wasm_opinfo[code].tr) {
	case WASM_TR_LOAD:
	case WASM_TR_STORE:
		do_mem(t, code);
		break;
	case WASM_TR_NUM:
		if (!dead)
			interp_tr_numeric(t, code);
		break;
	default: /* BITS: a reinterpret keeps the slot's bits as they are */
		break;
	}
	return false;
}

/* The slots of f's locals (see struct tr's lmap); NULL if out of memory. */
static uint32_t *local_map(const struct wasm_module *m, const struct wasm_func *f)
{
	const struct wasm_functype *ft = &m->types[f->type];
	uint32_t n = ft->nparams + f->nlocals, s = 0;
	uint32_t *map = malloc(((size_t)n + 1) * sizeof(*map));

	for (uint32_t i = 0; map && i < n; i++) {
		uint8_t ty = wasm_type_kind(i < ft->nparams ? ft->params[i]
							    : f->local_types[i - ft->nparams]);

		map[i] = s << 1 | (ty == WASM_TYPE_V128);
		s += 1 + (ty == WASM_TYPE_V128);
	}
	return map;
}

/* Whether any value of m can be a v128: a type, a global, a local or a
 * SIMD instruction has one. */
static bool module_has_v128(const struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->ntypes; i++) {
		const struct wasm_functype *ft = &m->types[i];

		if (wasm_types_slots(ft->params, ft->nparams) != ft->nparams ||
		    wasm_types_slots(ft->results, ft->nresults) != ft->nresults)
			return true;
	}
	for (uint32_t i = 0; i < m->nglobals; i++)
		if (m->globals[i].type == WASM_TYPE_V128)
			return true;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		const struct wasm_func *f = &m->funcs[i];

		if (f->uses_simd || wasm_types_slots(f->local_types, f->nlocals) != f->nlocals)
			return true;
	}
	return false;
}

/* Whether a frame of m's code may hold a reference the collector follows:
 * m uses GC, or a type, global, table or local is of the any or extern
 * hierarchy (an externref may be an externalized object of another
 * module). Its bodies then carry stack maps. */
static bool module_has_refs(const struct wasm_module *m)
{
	if (m->uses_gc)
		return true;
	for (uint32_t i = 0; i < m->ntypes; i++) {
		const struct wasm_functype *ft = &m->types[i];

		for (uint32_t k = 0; k < ft->nparams; k++)
			if (wasm_gc_type_traced(m, ft->params[k]))
				return true;
		for (uint32_t k = 0; k < ft->nresults; k++)
			if (wasm_gc_type_traced(m, ft->results[k]))
				return true;
	}
	for (uint32_t i = 0; i < m->nglobals; i++)
		if (wasm_gc_type_traced(m, m->globals[i].type))
			return true;
	for (uint32_t i = 0; i < m->ntables; i++)
		if (wasm_gc_type_traced(m, m->tables[i].elem_type))
			return true;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		for (uint32_t k = 0; k < m->funcs[i].nlocals; k++)
			if (wasm_gc_type_traced(m, m->funcs[i].local_types[k]))
				return true;
	return false;
}

/* Translates function fi (t->fn) into a new body. ERR_NOMEM. */
static int translate_func(struct tr *t, uint32_t fi, struct interp_body **out)
{
	const struct wasm_module *m = t->m;
	const struct wasm_func *f = &m->funcs[fi];
	struct interp_fn *fn = t->fn;
	bool done = false;
	struct interp_body *body;
	uint32_t vcap;

	t->f = f;
	t->L = fn->nlocals;
	t->ui = 0;
	if (t->wide && fn->nlocals != m->types[f->type].nparams + f->nlocals &&
	    !(t->lmap = local_map(m, f))) {
		t->nomem = true;
		return ERR_NOMEM;
	}
	t->n = 0;
	t->h = 0;
	t->blk = 0;
	t->last_prod = -1;
	t->last_copy = -1;
	t->label_at = 0;
	t->nh = 0;
	/* block ends push their results even after unreachable code */
	vcap = MAX(f->max_height, fn->nresults);
	for (uint32_t i = 0; i < f->nblocks; i++)
		vcap = MAX(vcap,
			   f->blocks[i].height + MAX(f->blocks[i].nparams, f->blocks[i].nresults));
	if (t->wide) /* heights in values: in slots at most twice as many */
		vcap = 2 * vcap + 2;
	t->vs = malloc(((size_t)vcap + 1) * sizeof(*t->vs));
	t->cs = malloc(((size_t)f->max_depth + 1) * sizeof(*t->cs));
	if (!t->vs || !t->cs) {
		t->nomem = true;
		goto out;
	}
	t->nc = 1;
	memset(&t->cs[0], 0, sizeof(t->cs[0]));
	t->cs[0].nresults = fn->nresults;
	t->cs[0].rtypes = m->types[f->type].results;
	t->cs[0].nrtypes = m->types[f->type].nresults;
	interp_tr_gc_begin(t);
	wasm_reader_init(&t->r, m->bytes, m->len);
	t->r.pos = f->code_start;
	t->r.end = f->code_end;
	while (!done && !t->nomem) {
		uint8_t op;

		t->off = (uint32_t)t->r.pos;
		if (!wasm_reader_u8(&t->r, &op))
			break;
		done = translate_instr(t, op);
	}
	if (!t->nomem && !done)
		t->nomem = true; /* cannot happen for a validated body */
	if (t->nomem)
		goto out;
	body = malloc(sizeof(*body) + (size_t)t->n * sizeof(body->ins[0]) +
		      (size_t)t->nh * sizeof(*t->hs) + interp_tr_gc_size(t));
	if (!body) {
		t->nomem = true;
		goto out;
	}
	body->ncode = t->n;
	memcpy(body->ins, t->code, (size_t)t->n * sizeof(body->ins[0]));
	body->nhandlers = t->nh;
	body->handlers = NULL;
	if (t->nh) {
		struct interp_handler *hs = (struct interp_handler *)(void *)&body->ins[t->n];

		memcpy(hs, t->hs, (size_t)t->nh * sizeof(*hs));
		body->handlers = hs;
	}
	interp_tr_gc_finish(t, body, (struct interp_handler *)(void *)&body->ins[t->n] + t->nh);
	*out = body;
out:
	free(t->vs);
	free(t->cs);
	free(t->hs);
	interp_tr_gc_free(t);
	t->vs = NULL;
	t->cs = NULL;
	t->hs = NULL;
	t->caph = 0;
	return t->nomem ? ERR_NOMEM : 0;
}

/* The stack slots b's maps list (the locals' not counted). */
static size_t gcmap_slots(const struct interp_body *b)
{
	const struct interp_gcmap *last = &b->gcmaps[b->ngcmaps - 1];

	return last->first + last->n - b->nlref;
}

static size_t body_bytes(const struct interp_body *b)
{
	return sizeof(*b) + b->ncode * sizeof(b->ins[0]) + b->nhandlers * sizeof(b->handlers[0]) +
	       b->ngcmaps * sizeof(b->gcmaps[0]) +
	       (b->ngcmaps ? (b->nlref + gcmap_slots(b)) * sizeof(uint32_t) : 0);
}

/* Translates fn into a new body (scratch buffers of its own: translators
 * may run at once on several threads). ERR_NOMEM. */
static int translate_body(struct interp_fn *fn, struct interp_body **out)
{
	struct tr t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.inst = fn->inst;
	t.m = fn->inst->module;
	t.fn = fn;
	t.wide = fn->inst->code->wide;
	t.gc = fn->inst->code->gc;
	interp_run_loop(NULL, &t.tbl);
	rc = translate_func(&t, fn->index, out);
	free(t.code);
	free(t.ops);
	free(t.lmap);
	return rc;
}

/* Tells the store's translate_hook that fn's `body` was published. */
static void report_translation(const struct wasm_translate_hook *hook, const struct interp_fn *fn,
			       const struct interp_body *body, uint64_t begin)
{
	const struct wasm_func *f = &fn->inst->module->funcs[fn->index];
	struct wasm_translate_info info = {
		.inst = fn->inst,
		.func = fn->index,
		.wasm_bytes = f->code_end - f->body_start,
		.ins = (uint32_t)body->ncode,
		.bytes = body_bytes(body),
		.begin = begin,
	};

	hook->done(hook->arg, &info);
}

int interp_fn_translate(struct interp_fn *fn)
{
	struct wasm_code *code = fn->inst->code;
	const struct wasm_translate_hook *hook = code->hook;
	struct ins *expected = code->stub->ins;
	struct interp_body *body;
	size_t bytes, before;
	uint64_t begin = 0;

	if (interp_fn_code(fn) != code->stub->ins)
		return 0; /* another thread's first call got there first */
	if (UNLIKELY(hook) && hook->begin)
		begin = hook->begin(hook->arg);
	if (translate_body(fn, &body))
		return WASM_TRAP_NOMEM;
	bytes = body_bytes(body);
	/*
	 * Relaxed: the counter orders nothing, it only bounds the total. It
	 * is charged before the body is published, so the published bodies
	 * never pass the limit; a loser of the race below gives its share
	 * back, so near the limit a racing first call may trap where it
	 * would not have alone (a transient over-count, never an overrun).
	 */
	before = atomic_fetch_add_explicit(&code->bytes, bytes, memory_order_relaxed);
	if (code->limit && (before + bytes > code->limit || before + bytes < before)) {
		atomic_fetch_sub_explicit(&code->bytes, bytes, memory_order_relaxed);
		free(body);
		return WASM_TRAP_CODE_LIMIT;
	}
	/*
	 * Success, acq_rel: the release half publishes the body's contents
	 * with its address (paired with interp_fn_code's acquire); the
	 * acquire half is only there because C11 wants the failure order no
	 * stronger than the success one. Failure, acquire: another thread
	 * published first, and we go on to run its body.
	 */
	if (!atomic_compare_exchange_strong_explicit(&fn->code, &expected, body->ins,
						     memory_order_acq_rel, memory_order_acquire)) {
		atomic_fetch_sub_explicit(&code->bytes, bytes, memory_order_relaxed);
		free(body);
		return 0;
	}
	/* Relaxed: a statistic. */
	atomic_fetch_add_explicit(&code->ntranslated, 1, memory_order_relaxed);
	if (UNLIKELY(hook))
		report_translation(hook, fn, body, begin);
	return 0;
}

int wasm_code_translate(struct wasm_instance *inst, size_t limit, bool eager,
			struct wasm_error *err)
{
	const struct wasm_module *m = inst->module;
	const void *const *tbl;
	struct wasm_code *code;
	int rc = 0;
	uint32_t nfns = m->nfuncs - m->nfunc_imports;
	size_t total = sizeof(*code) + nfns * sizeof(*code->fns) + sizeof(struct interp_body) +
		       sizeof(struct ins);
	bool over = limit && total > limit;

	code = over ? NULL : calloc(1, sizeof(*code));
	if (!code)
		goto nomem;
	code->nfns = nfns;
	code->limit = limit;
	atomic_init(&code->bytes, total);
	atomic_init(&code->ntranslated, 0);
	/* the store (and its config) outlives the instance's code */
	if (wasm_store_config(inst->store)->translate_hook.done)
		code->hook = &wasm_store_config(inst->store)->translate_hook;
	code->fns = calloc(code->nfns ? code->nfns : 1, sizeof(*code->fns));
	code->stub = calloc(1, sizeof(struct interp_body) + sizeof(struct ins));
	if (!code->fns || !code->stub) {
		free(code->fns);
		free(code->stub);
		free(code);
		goto nomem;
	}
	interp_run_loop(NULL, &tbl);
	code->stub->ins[0].h = tbl[OP_TRANSLATE];
	code->wide = module_has_v128(m);
	code->gc = module_has_refs(m);
	for (uint32_t i = 0; i < code->nfns; i++) {
		const struct wasm_func *f = &m->funcs[m->nfunc_imports + i];
		const struct wasm_functype *ft = &m->types[f->type];
		struct interp_fn *fn = &code->fns[i];

		atomic_init(&fn->code, code->stub->ins);
		/* in slots: a v128 takes two (the validator's max_height
		 * counts values, so twice as many for safety then); then the
		 * hidden locals of legacy catch frames, one slot each */
		fn->nparams = wasm_types_slots(ft->params, ft->nparams);
		fn->nresults = wasm_types_slots(ft->results, ft->nresults);
		fn->nlocals =
			fn->nparams + wasm_types_slots(f->local_types, f->nlocals) + f->nhidden;
		fn->nslots = fn->nlocals + MAX(f->max_height * (code->wide ? 2 : 1), fn->nresults);
		fn->inst = inst;
		fn->index = m->nfunc_imports + i;
		fn->mem0 = m->nmems ? inst->mems[0] : (struct wasm_memory *)&interp_no_memory;
	}
	inst->code = code;
	for (uint32_t i = 0; eager && i < code->nfns && !rc; i++)
		rc = interp_fn_translate(&code->fns[i]);
	if (rc) {
		over = rc == WASM_TRAP_CODE_LIMIT;
		inst->code = NULL;
		wasm_code_free(code);
		goto nomem;
	}
	return 0;
nomem:
	if (err) {
		err->kind = ERR_NOMEM;
		err->section = "instantiate";
		err->offset = 0;
		fmt_snprintf(err->msg, sizeof(err->msg), "%s",
			     over ? "translated code past its limit"
				  : "out of memory translating code");
	}
	return ERR_NOMEM;
}

size_t wasm_code_footprint(const struct wasm_code *code)
{
	/* Relaxed: a statistic (see interp_fn_translate). */
	return atomic_load_explicit(&code->bytes, memory_order_relaxed);
}

void wasm_code_stats(const struct wasm_code *code, uint32_t *ntranslated, size_t *bytes)
{
	/* Relaxed: statistics, read while functions may be translated. */
	*ntranslated = atomic_load_explicit(&code->ntranslated, memory_order_relaxed);
	*bytes = atomic_load_explicit(&code->bytes, memory_order_relaxed);
}

void wasm_code_free(struct wasm_code *code)
{
	if (!code)
		return;
	/* Relaxed: the instance is being freed, no call of it runs. */
	for (uint32_t i = 0; i < code->nfns; i++) {
		struct ins *c = atomic_load_explicit(&code->fns[i].code, memory_order_relaxed);

		if (c != code->stub->ins)
			free((void *)(uintptr_t)interp_body_of(c));
	}
	free(code->stub);
	free(code->fns);
	free(code);
}
