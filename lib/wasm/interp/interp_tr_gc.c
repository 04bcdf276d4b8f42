/*
 * interp_tr_gc.c - the translator's part of GC: which virtual stack
 * entries hold references the collector follows, and the stack maps that
 * tell the collector where they are (struct interp_gcmap).
 *
 * Precise, not conservative: an entry is marked from the static type of
 * the value pushed (a local's, a global's, a call's result, a block's
 * result...), and only an entry in its own slot (V_SLOT) is in a map; a
 * deferred local.get is found through the local, whose slot every map
 * lists when its type is traced (locals always hold a valid value of their
 * type: params as passed, declared locals zeroed on entry, i.e. null).
 * A map is recorded just before its instruction is emitted, so it says
 * what the slots hold while that instruction runs; two maps at one index
 * (a loop header that is also a call) see the same slots, since no
 * instruction ran between them, and the first is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "wasm/gc/gc_heap.h"
#include "wasm/interp/interp_tr.h"
#include "wasm/module_internal.h"

bool interp_tr_traced(const struct tr *t, uint32_t type)
{
	return wasm_gc_type_traced(t->m, type);
}

uint32_t interp_tr_push_types(struct tr *t, const uint32_t *types, uint32_t n)
{
	uint32_t first = interp_tr_slot(t, t->h);

	for (uint32_t i = 0; i < n; i++) {
		interp_tr_push(t);
		if (t->wide && types[i] == WASM_TYPE_V128)
			interp_tr_push(t);
		else
			t->vs[t->h - 1].ref = interp_tr_traced(t, types[i]);
	}
	return first;
}

static bool add_slot(struct tr *t, uint32_t s)
{
	if (t->nmslots == t->capmslots) {
		uint32_t cap = t->capmslots ? t->capmslots * 2 : 32;
		uint32_t *p = realloc(t->mslots, cap * sizeof(*p));

		if (!p) {
			t->nomem = true;
			return false;
		}
		t->mslots = p;
		t->capmslots = cap;
	}
	t->mslots[t->nmslots++] = s;
	return true;
}

void interp_tr_gc_begin(struct tr *t)
{
	const struct wasm_functype *ft = &t->m->types[t->f->type];
	uint32_t s = 0;

	t->nmaps = 0;
	t->nmslots = 0;
	t->nlref = 0;
	if (!t->gc)
		return;
	for (uint32_t i = 0; i < ft->nparams + t->f->nlocals; i++) {
		uint32_t ty = i < ft->nparams ? ft->params[i] : t->f->local_types[i - ft->nparams];

		if (interp_tr_traced(t, ty) && !add_slot(t, s))
			return;
		s += t->wide && ty == WASM_TYPE_V128 ? 2 : 1;
	}
	t->nlref = t->nmslots;
	interp_tr_safepoint(t);
}

void interp_tr_safepoint(struct tr *t)
{
	struct interp_gcmap *m;

	if (!t->gc || t->nomem || (t->nmaps && t->maps[t->nmaps - 1].ins == t->n))
		return;
	if (t->nmaps == t->capmaps) {
		uint32_t cap = t->capmaps ? t->capmaps * 2 : 16;
		struct interp_gcmap *p = realloc(t->maps, cap * sizeof(*p));

		if (!p) {
			t->nomem = true;
			return;
		}
		t->maps = p;
		t->capmaps = cap;
	}
	m = &t->maps[t->nmaps++];
	m->ins = t->n;
	m->first = t->nmslots;
	for (uint32_t i = 0; i < t->h; i++)
		if (t->vs[i].kind == V_SLOT && t->vs[i].ref && !add_slot(t, interp_tr_slot(t, i)))
			return;
	m->n = t->nmslots - m->first;
}

size_t interp_tr_gc_size(const struct tr *t)
{
	return (size_t)t->nmaps * sizeof(*t->maps) + (size_t)t->nmslots * sizeof(*t->mslots);
}

void interp_tr_gc_finish(struct tr *t, struct interp_body *body, void *at)
{
	struct interp_gcmap *maps = at;
	uint32_t *slots = (uint32_t *)(void *)(maps + t->nmaps);

	body->ngcmaps = t->nmaps;
	body->nlref = t->nlref;
	body->gcmaps = t->nmaps ? maps : NULL;
	body->gcslots = t->nmaps ? slots : NULL;
	if (t->nmaps)
		memcpy(maps, t->maps, (size_t)t->nmaps * sizeof(*maps));
	if (t->nmslots)
		memcpy(slots, t->mslots, (size_t)t->nmslots * sizeof(*slots));
}

void interp_tr_gc_free(struct tr *t)
{
	free(t->maps);
	free(t->mslots);
	t->maps = NULL;
	t->mslots = NULL;
	t->capmaps = t->capmslots = 0;
}

/* ---- the 0xfb instructions ---- */

/* The value type a field of storage type st has on the stack. */
static uint32_t unpacked(uint32_t st)
{
	return st == WASM_PACKED_I8 || st == WASM_PACKED_I16 ? WASM_TYPE_I32 : st;
}

/* Slots a value of storage type st takes on the stack. */
static uint32_t field_slots(const struct tr *t, uint32_t st)
{
	return t->wide && st == WASM_TYPE_V128 ? 2 : 1;
}

/*
 * A GC instruction as OP_GC (interp_gc.c runs it): its `nargs` operand
 * slots are materialized and consecutive from a, sub-opcode in b, the
 * immediates in imm (x | y << 32), the result (of type `result`, none if
 * WASM_TYPE_UNKNOWN) in c. `alloc`: it allocates, so a collection may run
 * while its operands are still on the stack (a safepoint).
 */
static void emit_gc(struct tr *t, uint32_t sub, uint32_t nargs, uint32_t x, uint32_t y,
		    uint32_t result, bool alloc)
{
	struct ins *in;

	interp_tr_materialize_top(t, nargs);
	if (alloc)
		interp_tr_safepoint(t);
	in = interp_tr_emit(t, OP_GC);
	in->a = interp_tr_slot(t, t->h - nargs);
	in->b = sub;
	in->imm = (uint64_t)y << 32 | x;
	t->h -= nargs;
	if (result != WASM_TYPE_UNKNOWN)
		in->c = interp_tr_push_types(t, &result, 1);
}

/* br_on_cast / br_on_cast_fail (`fail`) to label depth l, cast to `type`:
 * the reference (the top entry, in its slot) stays on the stack whether
 * the branch is taken (it goes with it) or not. */
static void br_on_cast(struct tr *t, uint32_t l, uint32_t type, bool fail)
{
	struct tctrl *k = &t->cs[t->nc - 1 - l];
	uint32_t n = k->op == WASM_OP_LOOP ? k->nparams : k->nresults;
	uint32_t s, site;
	bool moves = false;
	struct ins *in;

	interp_tr_materialize_top(t, 1);
	s = interp_tr_slot(t, t->h - 1);
	for (uint32_t i = 0; i < n; i++)
		moves |= t->vs[t->h - n + i].kind != V_SLOT || t->h - n + i != k->height + i;
	if (!moves) {
		in = interp_tr_emit(t, fail ? OP_GC_BR_CAST_FAIL : OP_GC_BR_CAST);
		in->a = s;
		in->b = type;
		interp_tr_set_target(t, t->n - 1, k);
		return;
	}
	/* the inverted test skips the moves and the branch */
	in = interp_tr_emit(t, fail ? OP_GC_BR_CAST : OP_GC_BR_CAST_FAIL);
	in->a = s;
	in->b = type;
	site = t->n - 1;
	interp_tr_branch_moves(t, k, n, site);
}

void interp_tr_gc(struct tr *t, bool dead)
{
	const struct wasm_module *m = t->m;
	const struct wasm_functype *ty = NULL;
	uint32_t sub, x = 0, y = 0, ht = 0, ref;
	uint8_t flags = 0;

	wasm_reader_u32(&t->r, &sub);
	switch (sub) {
	case WASM_OP_REF_TEST:
	case WASM_OP_REF_TEST_NULL:
	case WASM_OP_REF_CAST:
	case WASM_OP_REF_CAST_NULL: /* ref.test, ref.cast: a heap type */
		wasm_read_heaptype(m, &t->r, &ht, &(uint32_t){0});
		break;
	case WASM_OP_BR_ON_CAST:
	case WASM_OP_BR_ON_CAST_FAIL: /* br_on_cast(_fail): flags, label, two heap types */
		wasm_reader_u8(&t->r, &flags);
		wasm_reader_u32(&t->r, &y);
		wasm_read_heaptype(m, &t->r, &(uint32_t){0}, &(uint32_t){0});
		wasm_read_heaptype(m, &t->r, &ht, &(uint32_t){0});
		break;
	case WASM_OP_ARRAY_LEN:
	case WASM_OP_ANY_CONVERT_EXTERN:
	case WASM_OP_EXTERN_CONVERT_ANY:
	case WASM_OP_REF_I31:
	case WASM_OP_I31_GET_S:
	case WASM_OP_I31_GET_U:
		break;
	case WASM_OP_STRUCT_NEW:
	case WASM_OP_STRUCT_NEW_DEFAULT:
	case WASM_OP_ARRAY_NEW:
	case WASM_OP_ARRAY_NEW_DEFAULT:
	case WASM_OP_ARRAY_GET:
	case WASM_OP_ARRAY_GET_S:
	case WASM_OP_ARRAY_GET_U:
	case WASM_OP_ARRAY_SET:
	case WASM_OP_ARRAY_FILL:
		wasm_reader_u32(&t->r, &x);
		break;
	default: /* two indices */
		wasm_reader_u32(&t->r, &x);
		wasm_reader_u32(&t->r, &y);
		break;
	}
	if (dead)
		return;
	if (sub <= WASM_OP_ARRAY_INIT_ELEM)
		ty = &m->types[x];
	ref = wasm_type_ref(wasm_heap_idx(x), false);
	switch (sub) {
	case WASM_OP_STRUCT_NEW: { /* struct.new */
		uint32_t n = 0;

		for (uint32_t i = 0; i < ty->nfields; i++)
			n += field_slots(t, ty->fields[i].type);
		emit_gc(t, sub, n, x, 0, ref, true);
		break;
	}
	case WASM_OP_STRUCT_NEW_DEFAULT: /* struct.new_default */
		emit_gc(t, sub, 0, x, 0, ref, true);
		break;
	case WASM_OP_STRUCT_GET:
	case WASM_OP_STRUCT_GET_S:
	case WASM_OP_STRUCT_GET_U: /* struct.get(_s/_u) */
		emit_gc(t, sub, 1, x, y, unpacked(ty->fields[y].type), false);
		break;
	case WASM_OP_STRUCT_SET: /* struct.set */
		emit_gc(t, sub, 1 + field_slots(t, ty->fields[y].type), x, y, WASM_TYPE_UNKNOWN,
			false);
		break;
	case WASM_OP_ARRAY_NEW: /* array.new */
		emit_gc(t, sub, field_slots(t, ty->fields[0].type) + 1, x, 0, ref, true);
		break;
	case WASM_OP_ARRAY_NEW_DEFAULT: /* array.new_default */
		emit_gc(t, sub, 1, x, 0, ref, true);
		break;
	case WASM_OP_ARRAY_NEW_FIXED: /* array.new_fixed */
		emit_gc(t, sub, y * field_slots(t, ty->fields[0].type), x, y, ref, true);
		break;
	case WASM_OP_ARRAY_NEW_DATA:
	case WASM_OP_ARRAY_NEW_ELEM: /* array.new_data, array.new_elem */
		emit_gc(t, sub, 2, x, y, ref, true);
		break;
	case WASM_OP_ARRAY_GET:
	case WASM_OP_ARRAY_GET_S:
	case WASM_OP_ARRAY_GET_U: /* array.get(_s/_u) */
		emit_gc(t, sub, 2, x, 0, unpacked(ty->fields[0].type), false);
		break;
	case WASM_OP_ARRAY_SET: /* array.set */
		emit_gc(t, sub, 2 + field_slots(t, ty->fields[0].type), x, 0, WASM_TYPE_UNKNOWN,
			false);
		break;
	case WASM_OP_ARRAY_LEN: /* array.len */
		emit_gc(t, sub, 1, 0, 0, WASM_TYPE_I32, false);
		break;
	case WASM_OP_ARRAY_FILL: /* array.fill */
		emit_gc(t, sub, 3 + field_slots(t, ty->fields[0].type), x, 0, WASM_TYPE_UNKNOWN,
			false);
		break;
	case WASM_OP_ARRAY_COPY: /* array.copy */
		emit_gc(t, sub, 5, x, y, WASM_TYPE_UNKNOWN, false);
		break;
	case WASM_OP_ARRAY_INIT_DATA:
	case WASM_OP_ARRAY_INIT_ELEM: /* array.init_data, array.init_elem */
		emit_gc(t, sub, 4, x, y, WASM_TYPE_UNKNOWN, false);
		break;
	case WASM_OP_REF_TEST:
	case WASM_OP_REF_TEST_NULL: /* ref.test (ref null) */
		emit_gc(t, sub, 1, wasm_type_ref(ht, sub == WASM_OP_REF_TEST_NULL), 0,
			WASM_TYPE_I32, false);
		break;
	case WASM_OP_REF_CAST:
	case WASM_OP_REF_CAST_NULL: /* ref.cast (ref null) */
		emit_gc(t, sub, 1, wasm_type_ref(ht, sub == WASM_OP_REF_CAST_NULL), 0,
			wasm_type_ref(ht, sub == WASM_OP_REF_CAST_NULL), false);
		break;
	case WASM_OP_BR_ON_CAST:
	case WASM_OP_BR_ON_CAST_FAIL:
		br_on_cast(t, y, wasm_type_ref(ht, flags & 2), sub == WASM_OP_BR_ON_CAST_FAIL);
		break;
	case WASM_OP_ANY_CONVERT_EXTERN:
	case WASM_OP_EXTERN_CONVERT_ANY: /* any.convert_extern, extern.convert_any: the same word */
		break;
	case WASM_OP_REF_I31: /* ref.i31 */
		emit_gc(t, sub, 1, 0, 0, wasm_type_ref(WASM_HEAP_I31, false), false);
		break;
	default: /* i31.get_s, i31.get_u */
		emit_gc(t, sub, 1, 0, 0, WASM_TYPE_I32, false);
		break;
	}
}
