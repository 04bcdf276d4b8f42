/*
 * gc_cast.c - whether a reference is of a reference type: ref.test,
 * ref.cast, br_on_cast and br_on_cast_fail at run time.
 *
 * A value's dynamic type: an object's defined type (its header), a
 * function's type, i31 for an i31 reference, and for a host reference only
 * the top of its hierarchy (any, or extern). A concrete target matches when
 * some type on the declared supertype chain of the value's type is
 * equivalent to it: within one module the decoder's `canon` decides, across
 * modules wasm_functype_equal (the iso-recursive equivalence, module.c).
 * The chain is as long as the deepest subtype (the validator bounds it).
 */
#include "wasm/gc/gc_heap.h"

static bool type_equiv(const struct wasm_functype *a, const struct wasm_functype *b)
{
	return a->kind == b->kind && a->nfields == b->nfields && wasm_functype_equal(a, b);
}

bool wasm_gc_type_sub(const struct wasm_functype *t, const struct wasm_functype *want)
{
	for (;;) {
		if (type_equiv(t, want))
			return true;
		if (!t->has_super || !t->module || t->super >= t->module->ntypes)
			return false;
		t = &t->module->types[t->super];
	}
}

bool wasm_gc_ref_test(uintptr_t ref, uint32_t type, const struct wasm_module *m)
{
	const struct wasm_gc_obj *o = wasm_gc_obj_of(ref);
	const struct wasm_functype *want;

	if (!ref)
		return wasm_type_nullable(type);
	switch (wasm_type_code(type)) {
	case WASM_HEAP_ANY:
	case WASM_HEAP_EXTERN:
	case WASM_HEAP_FUNC:
	case WASM_HEAP_EXN:
		return true;
	case WASM_HEAP_EQ:
		return o || wasm_ref_is_i31(ref);
	case WASM_HEAP_I31:
		return wasm_ref_is_i31(ref);
	case WASM_HEAP_STRUCT:
		return o && o->type->kind == WASM_COMP_STRUCT;
	case WASM_HEAP_ARRAY:
		return o && o->type->kind == WASM_COMP_ARRAY;
	case WASM_HEAP_TYPEIDX:
		break;
	default: /* the bottom types hold only null */
		return false;
	}
	if (!m || wasm_type_idx(type) >= m->ntypes)
		return false;
	want = &m->types[wasm_type_idx(type)];
	if (want->kind == WASM_COMP_FUNC)
		return wasm_gc_type_sub(((const struct wasm_funcinst *)ref)->type, want);
	return o && wasm_gc_type_sub(o->type, want);
}
