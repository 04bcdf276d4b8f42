/*
 * interp_exn.c - exceptions in the interpreter (3.0): making them and
 * unwinding to their handler.
 *
 * Two passes: the search walks the frames from the throw outwards, reading
 * only, and finds the handler (struct interp_handler in each translated
 * body); only then are the frames above it dropped and the payload stored.
 * An exception nobody catches therefore leaves the stack as it was at the
 * throw, and the trap that reports it (WASM_TRAP_EXCEPTION) has the
 * throw's backtrace. A trap never comes here: traps are not exceptions.
 *
 * Exception objects belong to the store (adopted, freed with it): an
 * exnref may be kept in any local, global or table, and the collector
 * manages GC objects only, so nothing tells when the last one goes. One
 * that never became an exnref (`escaped` false: thrown by `throw`, caught
 * by a clause without _ref) is freed as it is caught. While adopted, its
 * payload's references are roots of the GC heap (exn_trace).
 */
#include <stdlib.h>
#include <string.h>

#include "wasm/gc/gc_heap.h"
#include "wasm/interp/interp_internal.h"

/* The payload's references of the any and extern hierarchies. */
static void exn_trace(void *obj, struct wasm_gc_heap *h)
{
	const struct wasm_exn *e = obj;
	const struct wasm_functype *t = e->tag->type;

	for (uint32_t i = 0, k = 0; i < t->nparams && k < e->nvals; i++) {
		if (wasm_gc_type_traced(t->module, t->params[i]))
			wasm_gc_mark(h, e->vals[k].ref);
		k += t->params[i] == WASM_TYPE_V128 ? 2 : 1;
	}
}

struct wasm_exn *interp_exn_new(struct wasm_exec *x, const struct wasm_taginst *tag,
				const uint64_t *vals, uint32_t n)
{
	struct wasm_exn *e = malloc(sizeof(*e) + (size_t)n * sizeof(e->vals[0]));

	if (!e)
		return NULL;
	e->tag = tag;
	e->nvals = n;
	e->escaped = false;
	for (uint32_t i = 0; i < n; i++)
		e->vals[i].i64 = vals[i];
	if (wasm_store_adopt_traced(x->store, e, free, exn_trace)) {
		free(e);
		return NULL;
	}
	return e;
}

/* The handler of fn's body for an exception of tag `tag` at instruction
 * index i, or NULL (the exception leaves the frame). */
static const struct interp_handler *find_handler(struct interp_fn *fn, uint64_t i,
						 const struct wasm_taginst *tag)
{
	const struct interp_body *b;
	uint32_t limit = UINT32_MAX;

	if (fn->index == WASM_NONE)
		return NULL; /* the exec's entry */
	b = interp_body_of(interp_fn_code(fn));
	for (;;) {
		const struct interp_handler *best = NULL;

		for (uint64_t k = 0; k < b->nhandlers; k++) {
			const struct interp_handler *h = &b->handlers[k];

			if (i < h->start || i >= h->end || h->depth > limit)
				continue;
			if (h->tag && h->tag != tag)
				continue;
			if (!best || h->depth > best->depth)
				best = h;
		}
		if (!best || best->delegate == UINT32_MAX)
			return best;
		/* delegate: go on with the tries outside its label */
		limit = best->delegate;
	}
}

static uint64_t ins_index(struct interp_fn *fn, const struct ins *ip)
{
	return (uint64_t)(ip - interp_fn_code(fn));
}

bool interp_exn_unwind(struct wasm_exec *x, const struct wasm_exn *exn)
{
	const struct interp_handler *h = find_handler(x->fn, ins_index(x->fn, x->ip), exn->tag);
	uint32_t depth = x->nframes;
	struct interp_fn *fn = x->fn;
	uint64_t fp = x->fp;
	uint64_t *slots;

	while (!h && depth > 0) {
		const struct interp_frame *fr = &x->frames[--depth];

		fn = fr->fn;
		fp = fr->fp;
		h = find_handler(fn, ins_index(fn, fr->ret - 1), exn->tag);
	}
	if (!h) {
		((struct wasm_exn *)(uintptr_t)exn)->escaped = true;
		x->exn = exn;
		return false;
	}
	x->nframes = depth;
	x->fn = fn;
	x->fp = fp;
	x->ip = interp_fn_code(fn) + h->pad;
	slots = x->stack + fp;
	if (h->pslot != UINT32_MAX)
		for (uint32_t k = 0; k < exn->nvals; k++)
			slots[h->pslot + k] = exn->vals[k].i64;
	if (h->xslot != UINT32_MAX) {
		((struct wasm_exn *)(uintptr_t)exn)->escaped = true;
		slots[h->xslot] = (uintptr_t)exn;
	} else if (!exn->escaped) {
		/* nothing can name it any more (the newest adopted object:
		 * disown finds it first) */
		wasm_store_disown(x->store, (void *)(uintptr_t)exn);
		free((void *)(uintptr_t)exn);
	}
	return true;
}
