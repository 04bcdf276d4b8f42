/*
 * gc_heap.h - the GC heap of a store: WebAssembly GC structs and arrays,
 * their allocation under a byte limit, and a precise mark-sweep collector.
 *
 * An object is one allocation: a header, then its fields (a struct) or
 * elements (an array), zeroed at birth (every default value is all-zero
 * bits: 0, +0.0, null):
 *
 *   wasm_gc_obj                             data (8-aligned)
 *   +------+------+-----+-------+-----------+--------------------------+
 *   | next | type | len | flags | (padding) | fields / len elements    |
 *   +------+------+-----+-------+-----------+--------------------------+
 *
 * Fields sit in declaration order, each at the next offset aligned to its
 * size (at most 8: a v128 field is 8-aligned, read with memcpy); an array's
 * elements are packed at their size (wasm_field_size). `type` is the
 * object's defined type, in its module (type->module), so a cast walks the
 * declared supertype chain from it (gc_cast.c).
 *
 * Collection: mark from the roots, then sweep the list of every object.
 * Roots are precise: the heap calls its `roots` function, which hands it
 * every reference the store's owner can still reach (globals, tables,
 * element segments, exception payloads, the frames of every exec, values
 * held by the embedder) with wasm_gc_mark; within objects only fields of
 * a reference type of the any or extern hierarchies are followed (a funcref
 * or exnref never points at an object). Marking uses an explicit stack (no
 * C recursion); if the stack cannot grow, marking falls back to rescanning
 * the heap until nothing new is marked, so a collection never fails.
 *
 * Concurrency: none. A store is used by one thread at a time (runtime.h),
 * and a collection runs only inside an allocation, that is inside the
 * code of the store's running call, on whichever CPU runs it now: every
 * root lives in the store, so a call suspended and resumed on another CPU
 * finds its heap as it left it. No lock beyond the store's single owner.
 *
 * Invariant (wasm_gc_heap_check): `bytes` is the sum of the sizes of the
 * objects on the list, `nobjs` their count, no object is marked outside a
 * collection, and bytes <= limit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"
#include "wasm/runtime.h"

/* An object's header. `data` holds its fields or elements. */
struct wasm_gc_obj {
	struct wasm_gc_obj *next;	  /* the heap's list of all objects */
	const struct wasm_functype *type; /* a struct or array type, in type->module */
	uint32_t len;			  /* an array's elements; 0 for a struct */
	uint32_t flags;			  /* WASM_GC_MARK */
	_Alignas(8) uint8_t data[];
};

#define WASM_GC_MARK 1u

/* The bytes an object takes besides its data, counted against the limit
 * (the allocator's own bookkeeping is estimated as one more word). */
#define WASM_GC_OBJ_OVERHEAD (sizeof(struct wasm_gc_obj) + 8)

/* A heap collects first when it reaches this many bytes, then whenever it
 * doubles the bytes that survived the last collection. */
#define WASM_GC_MIN_TRIGGER ((size_t)1 << 20)

struct wasm_gc_heap;

/* Hands every root reference to wasm_gc_mark (see the header comment). */
typedef void (*wasm_gc_roots_fn)(void *arg, struct wasm_gc_heap *h);

struct wasm_gc_heap {
	struct wasm_gc_obj *objs; /* every object not yet freed, newest first */
	size_t bytes;		  /* sum of objects' sizes (gc_obj_bytes) */
	size_t nobjs;
	size_t limit;	/* most bytes at once; an allocation past it fails */
	size_t trigger; /* an allocation that would pass it collects first */
	uint64_t ncollections;
	wasm_gc_roots_fn roots;
	void *roots_arg;
	/* the mark stack, kept between collections */
	struct wasm_gc_obj **stack;
	size_t sp, cap;
	bool overflow; /* a push found the stack full and could not grow it */
	/* Collection held off (wasm_gc_hold): allocations only check the
	 * limit. `failed`: one of them found no room. */
	uint32_t hold;
	bool failed;
	/* The embedder's say on memory (wasm_store_config.gc_room; NULL: the
	 * limit alone): asked before the heap grows past `room_mark`, for
	 * the allocation and WASM_GC_ROOM_STEP more, so not on every one. */
	bool (*room)(size_t bytes);
	size_t room_mark;
};
#define WASM_GC_ROOM_STEP ((size_t)64 << 10)

/* wasm_gc_heap_init - an empty heap of at most `limit` bytes (0:
 * WASM_DEFAULT_GC_BYTES) whose roots come from roots(arg). Allocates nothing. */
void wasm_gc_heap_init(struct wasm_gc_heap *h, size_t limit, wasm_gc_roots_fn roots, void *arg);

/* wasm_gc_heap_fini - frees every object and the mark stack; the heap is
 * empty (and usable) again. */
void wasm_gc_heap_fini(struct wasm_gc_heap *h);

/*
 * wasm_gc_struct_new / wasm_gc_array_new - a new zeroed object of struct
 * type `t` (t->kind WASM_COMP_STRUCT) or of array type `t` with `len`
 * elements. May collect first (every reference not reachable from the
 * roots is then gone: the caller's operands must be roots). ERR_NOMEM when
 * the object does not fit the limit even after a collection, or the
 * allocator has no memory; the heap is unchanged apart from the collection.
 */
int wasm_gc_struct_new(struct wasm_gc_heap *h, const struct wasm_functype *t,
		       struct wasm_gc_obj **out);
int wasm_gc_array_new(struct wasm_gc_heap *h, const struct wasm_functype *t, uint32_t len,
		      struct wasm_gc_obj **out);

/* wasm_gc_hold / wasm_gc_release - no collection between them (nested):
 * for code that keeps new objects where the roots do not reach, such as a
 * constant expression's evaluation stack or an instance being made. */
static inline void wasm_gc_hold(struct wasm_gc_heap *h)
{
	h->hold++;
}
static inline void wasm_gc_release(struct wasm_gc_heap *h)
{
	h->hold--;
}

/* wasm_gc_collect - a full collection now: marks from the roots, frees
 * every unmarked object. */
void wasm_gc_collect(struct wasm_gc_heap *h);

/* wasm_gc_mark - for a roots function: `ref` (a reference of the any or
 * extern hierarchy: null, i31, host, or an object of this heap) is live. */
void wasm_gc_mark(struct wasm_gc_heap *h, uintptr_t ref);

/* wasm_gc_heap_check - the invariant walker (see above). */
bool wasm_gc_heap_check(const struct wasm_gc_heap *h);

/* wasm_gc_struct_size - the bytes of a struct's data; wasm_gc_field_offset
 * - field i's offset in it (i < t->nfields). */
uint32_t wasm_gc_struct_size(const struct wasm_functype *t);
uint32_t wasm_gc_field_offset(const struct wasm_functype *t, uint32_t i);

/* wasm_gc_type_traced - whether values of value type `t` (of module m; a
 * field's storage type may be packed) are references a collection follows:
 * those of the any and extern hierarchies. */
bool wasm_gc_type_traced(const struct wasm_module *m, uint32_t t);

/* wasm_gc_obj_of - the object a reference of the any/extern hierarchies
 * points to, or NULL (null, i31 or host reference). */
static inline struct wasm_gc_obj *wasm_gc_obj_of(uintptr_t ref)
{
	return wasm_ref_is_obj(ref) ? (struct wasm_gc_obj *)ref : NULL;
}

/*
 * wasm_gc_ref_test - whether reference `ref` is a value of reference type
 * `type` of module m (gc_cast.c): null of a nullable type; any, eq, i31,
 * struct, array by the representation (runtime.h); a concrete type by the
 * supertype chain of the object's (or function's) type. `ref` must be of
 * type's hierarchy, as validation ensures.
 */
bool wasm_gc_ref_test(uintptr_t ref, uint32_t type, const struct wasm_module *m);
