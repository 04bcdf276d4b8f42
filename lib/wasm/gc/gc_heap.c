/*
 * gc_heap.c - the GC heap: allocation under a limit, and a precise
 * mark-sweep collection (see gc_heap.h for the layout and the rules).
 */
#include "wasm/gc/gc_heap.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/module_internal.h"

void wasm_gc_heap_init(struct wasm_gc_heap *h, size_t limit, wasm_gc_roots_fn roots, void *arg)
{
	*h = (struct wasm_gc_heap){
		.limit = limit ? limit : WASM_DEFAULT_GC_BYTES,
		.roots = roots,
		.roots_arg = arg,
	};
	h->trigger = h->limit < WASM_GC_MIN_TRIGGER ? h->limit : WASM_GC_MIN_TRIGGER;
}

void wasm_gc_heap_fini(struct wasm_gc_heap *h)
{
	struct wasm_gc_obj *o = h->objs;

	while (o) {
		struct wasm_gc_obj *next = o->next;

		free(o);
		o = next;
	}
	bool (*room)(size_t) = h->room;

	free(h->stack);
	wasm_gc_heap_init(h, h->limit, h->roots, h->roots_arg);
	h->room = room;
}

/* Whether the embedder lets the heap grow by `need` bytes (collecting
 * first if it says no and collection is allowed). */
static bool gc_room(struct wasm_gc_heap *h, uint64_t need)
{
	if (!h->room || h->bytes + need <= h->room_mark)
		return true;
	if (!h->room((size_t)need + WASM_GC_ROOM_STEP)) {
		if (h->hold)
			return false;
		wasm_gc_collect(h);
		if (h->bytes + need <= h->room_mark)
			return true;
		if (!h->room((size_t)need + WASM_GC_ROOM_STEP))
			return false;
	}
	h->room_mark = h->bytes + (size_t)need + WASM_GC_ROOM_STEP;
	return true;
}

/* The offset alignment of a field of storage type t: its size, at most 8. */
static uint32_t field_align(uint32_t t)
{
	uint32_t n = wasm_field_size(t);

	return n > 8 ? 8 : n;
}

uint32_t wasm_gc_field_offset(const struct wasm_functype *t, uint32_t i)
{
	uint32_t off = 0;

	for (uint32_t k = 0;; k++) {
		uint32_t a = field_align(t->fields[k].type);

		off = (off + a - 1) & ~(a - 1);
		if (k == i)
			return off;
		off += wasm_field_size(t->fields[k].type);
	}
}

uint32_t wasm_gc_struct_size(const struct wasm_functype *t)
{
	if (t->nfields == 0)
		return 0;
	return wasm_gc_field_offset(t, t->nfields - 1) +
	       wasm_field_size(t->fields[t->nfields - 1].type);
}

bool wasm_gc_type_traced(const struct wasm_module *m, uint32_t t)
{
	uint32_t code = wasm_type_code(t);

	if (code == WASM_PACKED_I8 || code == WASM_PACKED_I16 || !wasm_type_is_ref(t))
		return false;
	if (wasm_type_is_gc(t))
		return true;
	switch (code) {
	case WASM_HEAP_EXTERN:
	case WASM_HEAP_NOEXTERN:
		return true;
	case WASM_HEAP_TYPEIDX:
		return m && wasm_type_idx(t) < m->ntypes &&
		       m->types[wasm_type_idx(t)].kind != WASM_COMP_FUNC;
	default: /* the func and exn hierarchies */
		return false;
	}
}

/* The bytes object o counts against the limit. */
static size_t obj_bytes(const struct wasm_gc_obj *o)
{
	const struct wasm_functype *t = o->type;

	return WASM_GC_OBJ_OVERHEAD + (t->kind == WASM_COMP_ARRAY
					       ? (size_t)o->len * wasm_field_size(t->fields[0].type)
					       : wasm_gc_struct_size(t));
}

/* ---- marking ---- */

static void push(struct wasm_gc_heap *h, struct wasm_gc_obj *o)
{
	if (h->sp == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct wasm_gc_obj **s = realloc(h->stack, cap * sizeof(*s));

		if (!s) {
			h->overflow = true; /* marked; its fields wait for a rescan */
			return;
		}
		h->stack = s;
		h->cap = cap;
	}
	h->stack[h->sp++] = o;
}

void wasm_gc_mark(struct wasm_gc_heap *h, uintptr_t ref)
{
	struct wasm_gc_obj *o = wasm_gc_obj_of(ref);

	if (!o || (o->flags & WASM_GC_MARK))
		return;
	o->flags |= WASM_GC_MARK;
	push(h, o);
}

static uintptr_t load_ref(const uint8_t *p)
{
	uintptr_t r;

	memcpy(&r, p, sizeof(r));
	return r;
}

/* Marks what o's fields or elements refer to. */
static void scan(struct wasm_gc_heap *h, const struct wasm_gc_obj *o)
{
	const struct wasm_functype *t = o->type;
	const struct wasm_module *m = t->module;

	if (t->kind == WASM_COMP_ARRAY) {
		if (!wasm_gc_type_traced(m, t->fields[0].type))
			return;
		for (uint32_t i = 0; i < o->len; i++)
			wasm_gc_mark(h, load_ref(o->data + (size_t)i * sizeof(uintptr_t)));
		return;
	}
	for (uint32_t i = 0, off = 0; i < t->nfields; i++) {
		uint32_t ft = t->fields[i].type, a = field_align(ft);

		off = (off + a - 1) & ~(a - 1);
		if (wasm_gc_type_traced(m, ft))
			wasm_gc_mark(h, load_ref(o->data + off));
		off += wasm_field_size(ft);
	}
}

static void drain(struct wasm_gc_heap *h)
{
	while (h->sp)
		scan(h, h->stack[--h->sp]);
}

void wasm_gc_collect(struct wasm_gc_heap *h)
{
	struct wasm_gc_obj **pp = &h->objs;

	h->overflow = false;
	if (h->roots)
		h->roots(h->roots_arg, h);
	drain(h);
	/* A push that failed left a marked object unscanned: rescan every
	 * marked object until a whole pass pushes nothing it cannot keep. */
	while (h->overflow) {
		h->overflow = false;
		for (struct wasm_gc_obj *o = h->objs; o; o = o->next) {
			if (o->flags & WASM_GC_MARK) {
				scan(h, o);
				drain(h);
			}
		}
	}
	while (*pp) {
		struct wasm_gc_obj *o = *pp;

		if (o->flags & WASM_GC_MARK) {
			o->flags &= ~WASM_GC_MARK;
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		h->bytes -= obj_bytes(o);
		h->nobjs--;
		free(o);
	}
	h->ncollections++;
	h->trigger = h->bytes * 2 > WASM_GC_MIN_TRIGGER ? h->bytes * 2 : WASM_GC_MIN_TRIGGER;
	if (h->trigger > h->limit)
		h->trigger = h->limit;
}

/* ---- allocation ---- */

static int alloc(struct wasm_gc_heap *h, const struct wasm_functype *t, uint32_t len, uint64_t data,
		 struct wasm_gc_obj **out)
{
	uint64_t need = data + WASM_GC_OBJ_OVERHEAD;
	struct wasm_gc_obj *o;

	if (need > h->limit)
		goto nomem;
	if (h->bytes + need > h->trigger && !h->hold)
		wasm_gc_collect(h);
	if (h->bytes + need > h->limit || !gc_room(h, need))
		goto nomem;
	o = calloc(1, sizeof(*o) + (size_t)data);
	if (!o && !h->hold) {
		wasm_gc_collect(h);
		o = calloc(1, sizeof(*o) + (size_t)data);
	}
	if (!o)
		goto nomem;
	o->type = t;
	o->len = len;
	o->next = h->objs;
	h->objs = o;
	h->bytes += need;
	h->nobjs++;
	*out = o;
	return 0;
nomem:
	h->failed |= h->hold != 0;
	return ERR_NOMEM;
}

int wasm_gc_struct_new(struct wasm_gc_heap *h, const struct wasm_functype *t,
		       struct wasm_gc_obj **out)
{
	return alloc(h, t, 0, wasm_gc_struct_size(t), out);
}

int wasm_gc_array_new(struct wasm_gc_heap *h, const struct wasm_functype *t, uint32_t len,
		      struct wasm_gc_obj **out)
{
	return alloc(h, t, len, (uint64_t)len * wasm_field_size(t->fields[0].type), out);
}

bool wasm_gc_heap_check(const struct wasm_gc_heap *h)
{
	size_t bytes = 0, n = 0;

	for (const struct wasm_gc_obj *o = h->objs; o; o = o->next) {
		const struct wasm_functype *t = o->type;

		if ((o->flags & WASM_GC_MARK) || !t ||
		    (t->kind != WASM_COMP_STRUCT && t->kind != WASM_COMP_ARRAY) ||
		    (t->kind == WASM_COMP_STRUCT && o->len) ||
		    (t->kind == WASM_COMP_ARRAY && t->nfields != 1))
			return false;
		bytes += obj_bytes(o);
		n++;
	}
	return bytes == h->bytes && n == h->nobjs && h->bytes <= h->limit;
}
