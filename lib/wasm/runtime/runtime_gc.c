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
#include "wasm/runtime/runtime_store.h"

static void global_trace(struct wasm_gc_heap *h, const struct wasm_globalinst *g)
{
	if (wasm_gc_type_traced(g->types_of, g->type))
		wasm_gc_mark(h, g->val.ref);
}

/* The globals instance `obj` defines (imported ones are traced where they
 * are defined). */
static void instance_trace(void *obj, struct wasm_gc_heap *h)
{
	const struct wasm_instance *inst = obj;
	const struct wasm_module *m = inst->module;

	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		if (inst->globals[i])
			global_trace(h, inst->globals[i]);
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

uintptr_t wasm_rt_elem_item(struct wasm_instance *inst, uint32_t elem, uint64_t i)
{
	return wasm_instance_eval_ref(inst, &inst->module->elems[elem].items[i]);
}

struct wasm_gc_heap *wasm_store_gc(struct wasm_store *s)
{
	return &s->gc;
}
