/*
 * gc_cast.c - whether a reference is of a reference type: ref.test,
 * ref.cast, br_on_cast and br_on_cast_fail at run time.
 *
 * A value's dynamic type: an object's defined type (its header), a
 * function's type, i31 for an i31 reference, and for a host reference only
 * the top of its hierarchy (any, or extern). A concrete target matches when
 * the value's type is a subtype of it by the declared supertypes
 * (wasm_deftype_sub, module.c: equivalence across modules by recursion
 * groups).
 */
#include "wasm/gc/gc_heap.h"
#include "wasm/module_internal.h"

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
		return wasm_deftype_sub(((const struct wasm_funcinst *)ref)->type, want);
	return o && wasm_deftype_sub(o->type, want);
}
