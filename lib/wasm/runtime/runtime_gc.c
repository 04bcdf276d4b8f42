/*
 * runtime_gc.c - the roots of a store's GC heap: what the store's owner can
 * still reach without going through an object.
 *
 *   tables        every table of the store (host-made or an instance's,
 *                 once published) whose elements are of the any or extern
 *                 hierarchy
 *   globals       host globals, and the globals each instance defines
 *   adopted       each adopted object's trace_fn: an exec's frames and
 *                 results (interp), an exception's payload
 *
 * Precise: a value is handed to the collector only where its static type
 * says it is a reference the collector follows (wasm_gc_type_traced), so a
 * number is never taken for an object. An instance being instantiated is
 * not a root yet: instantiation allocates with collection held off (it
 * has nothing else to hand the collector).
 */
#include <string.h>

#include "wasm/opcodes.h"
#include "wasm/runtime/runtime_store.h"

static void global_trace(struct wasm_gc_heap *h, const struct wasm_globalinst *g)
{
	if (wasm_gc_type_traced(g->types_of, g->type))
		wasm_gc_mark(h, g->val.ref);
}

/* The globals instance `obj` defines (imported ones are traced where they
 * are defined) and its element segments evaluated at instantiation. */
static void instance_trace(void *obj, struct wasm_gc_heap *h)
{
	const struct rt_instance *ri = obj;
	const struct wasm_instance *inst = &ri->inst;
	const struct wasm_module *m = inst->module;

	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		if (inst->globals[i])
			global_trace(h, inst->globals[i]);
	for (uint32_t i = 0; ri->elem_refs && i < m->nelems; i++)
		if (ri->elem_refs[i] && !inst->elem_dropped[i] &&
		    wasm_gc_type_traced(m, m->elems[i].type))
			for (uint32_t k = 0; k < m->elems[i].count; k++)
				wasm_gc_mark(h, ri->elem_refs[i][k]);
}

void wasm_store_gc_roots(void *arg, struct wasm_gc_heap *h)
{
	struct wasm_store *s = arg;

	for (const struct rt_table *t = s->tables; t; t = t->next)
		if (wasm_gc_type_traced(t->t.types_of, t->t.elem_type))
			for (uint32_t i = 0; i < t->t.size; i++)
				wasm_gc_mark(h, t->t.elems[i]);
	for (const struct rt_global *g = s->globals; g; g = g->next)
		global_trace(h, &g->g);
	for (const struct rt_adopted *a = s->adopted; a; a = a->next) {
		if (a->trace_fn)
			a->trace_fn(a->obj, h);
		else if (a->free_fn == wasm_instance_destroy)
			instance_trace(a->obj, h);
	}
}

/* Stores stack value v as a field of storage type st at p (a v128 field,
 * which no constant expression here makes, gets its low half). */
static void const_store(uint8_t *p, uint64_t v, uint32_t st)
{
	uint64_t pair[2] = {v, 0};

	memcpy(p, pair, wasm_field_size(st));
}

void wasm_rt_const_gc(const struct wasm_instance *inst, uint64_t imm, uint64_t *st, uint32_t *n)
{
	struct wasm_gc_heap *h = &inst->store->gc;
	uint32_t sub = (uint32_t)(imm & 0xff), x = (uint32_t)(imm >> 8 & 0xffffff);
	uint32_t cnt = (uint32_t)(imm >> 32), len = 0;
	const struct wasm_functype *ty;
	struct wasm_gc_obj *o;
	uint64_t fill = 0;

	if (sub == WASM_OP_REF_I31) {
		st[*n - 1] = wasm_ref_i31((uint32_t)st[*n - 1]);
		return;
	}
	if (sub == WASM_OP_ANY_CONVERT_EXTERN || sub == WASM_OP_EXTERN_CONVERT_ANY)
		return; /* the same word (runtime.h) */
	ty = &inst->module->types[x];
	switch (sub) {
	case WASM_OP_STRUCT_NEW:
		*n -= ty->nfields;
		break;
	case WASM_OP_ARRAY_NEW:
		len = (uint32_t)st[--*n];
		fill = st[--*n];
		break;
	case WASM_OP_ARRAY_NEW_DEFAULT:
		len = (uint32_t)st[--*n];
		break;
	case WASM_OP_ARRAY_NEW_FIXED:
		len = cnt;
		*n -= cnt;
		break;
	default: /* struct.new_default */
		break;
	}
	if (ty->kind == WASM_COMP_STRUCT ? wasm_gc_struct_new(h, ty, &o)
					 : wasm_gc_array_new(h, ty, len, &o)) {
		st[(*n)++] = 0;
		return;
	}
	if (sub == WASM_OP_STRUCT_NEW)
		for (uint32_t i = 0; i < ty->nfields; i++)
			const_store(o->data + wasm_gc_field_offset(ty, i), st[*n + i],
				    ty->fields[i].type);
	for (uint32_t i = 0; sub == WASM_OP_ARRAY_NEW && i < len; i++)
		const_store(o->data + (size_t)i * wasm_field_size(ty->fields[0].type), fill,
			    ty->fields[0].type);
	for (uint32_t i = 0; sub == WASM_OP_ARRAY_NEW_FIXED && i < len; i++)
		const_store(o->data + (size_t)i * wasm_field_size(ty->fields[0].type), st[*n + i],
			    ty->fields[0].type);
	st[(*n)++] = (uintptr_t)o;
}

struct wasm_gc_heap *wasm_store_gc(struct wasm_store *s)
{
	return &s->gc;
}
