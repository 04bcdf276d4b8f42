/*
 * wasm_gc_heap_test.c - the GC heap on its own (lib/wasm/gc/): struct
 * layout, objects reachable from roots (directly or through fields of
 * structs and arrays) surviving a collection and the rest freed, i31 and
 * host references in fields left alone, a long allocation loop staying
 * within the limit, the limit refusing an allocation while the heap keeps
 * working, and casts by the representation and the supertype chain.
 * LeakSanitizer (host-asan) checks that wasm_gc_heap_fini frees all.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/gc/gc_heap.h"

/* A hand-made module of GC types:
 *   0: (struct (field i8) (field i32) (field i64) (field i16) (field v128)
 *              (field (mut anyref)))
 *   1: (array (mut anyref))
 *   2: (array i8)
 *   3: (sub (struct (field anyref)))          a supertype
 *   4: (sub 3 (struct (field anyref) (field i32)))
 *   5: (struct (field funcref) (field externref))
 */
struct gc_mod {
	struct wasm_module m;
	struct wasm_functype types[6];
	struct wasm_field f0[6], f1[1], f2[1], f3[1], f4[2], f5[2];
};

static void set_type(struct gc_mod *g, uint32_t i, uint8_t kind, struct wasm_field *f, uint32_t n)
{
	g->types[i] = (struct wasm_functype){
		.kind = kind,
		.fields = f,
		.nfields = n,
		.module = &g->m,
		.canon = i,
		.rec_start = i,
		.rec_len = 1,
		.final = true,
	};
}

static void gc_mod_init(struct gc_mod *g)
{
	memset(g, 0, sizeof(*g));
	g->f0[0].type = WASM_PACKED_I8;
	g->f0[1].type = WASM_TYPE_I32;
	g->f0[2].type = WASM_TYPE_I64;
	g->f0[3].type = WASM_PACKED_I16;
	g->f0[4].type = WASM_TYPE_V128;
	g->f0[5] = (struct wasm_field){WASM_HEAP_ANY, true};
	g->f1[0] = (struct wasm_field){WASM_HEAP_ANY, true};
	g->f2[0].type = WASM_PACKED_I8;
	g->f3[0].type = WASM_HEAP_ANY;
	g->f4[0].type = WASM_HEAP_ANY;
	g->f4[1].type = WASM_TYPE_I32;
	g->f5[0].type = WASM_TYPE_FUNCREF;
	g->f5[1].type = WASM_TYPE_EXTERNREF;
	set_type(g, 0, WASM_COMP_STRUCT, g->f0, 6);
	set_type(g, 1, WASM_COMP_ARRAY, g->f1, 1);
	set_type(g, 2, WASM_COMP_ARRAY, g->f2, 1);
	set_type(g, 3, WASM_COMP_STRUCT, g->f3, 1);
	set_type(g, 4, WASM_COMP_STRUCT, g->f4, 2);
	g->types[3].final = false;
	g->types[4].has_super = true;
	g->types[4].super = 3;
	g->types[4].depth = 1;
	set_type(g, 5, WASM_COMP_STRUCT, g->f5, 2);
	g->m.types = g->types;
	g->m.ntypes = 6;
}

/* The test's roots: a few references a collection must keep. */
struct roots {
	uintptr_t r[8];
	uint32_t calls;
};

static void roots_fn(void *arg, struct wasm_gc_heap *h)
{
	struct roots *r = arg;

	r->calls++;
	for (int i = 0; i < 8; i++)
		wasm_gc_mark(h, r->r[i]);
}

static void put_ref(struct wasm_gc_obj *o, uint32_t off, uintptr_t v)
{
	memcpy(o->data + off, &v, sizeof(v));
}

/* Allocates structs of type 3, each pointing to the one before and the
 * newest kept in r->r[0], until an allocation fails or `max` were made;
 * returns the failure (0: none) and the count in *n. */
static int fill_list(struct wasm_gc_heap *h, struct gc_mod *g, struct roots *r, uint32_t max,
		     uint32_t *n)
{
	struct wasm_gc_obj *o, *keep = NULL;
	int rc = 0;

	for (*n = 0; *n < max; ++*n) {
		rc = wasm_gc_struct_new(h, &g->types[3], &o);
		if (rc)
			break;
		put_ref(o, 0, (uintptr_t)keep);
		keep = o;
		r->r[0] = (uintptr_t)keep;
	}
	return rc;
}

/* Whether o is still on the heap's list. */
static bool on_heap(const struct wasm_gc_heap *h, const struct wasm_gc_obj *o)
{
	for (const struct wasm_gc_obj *p = h->objs; p; p = p->next)
		if (p == o)
			return true;
	return false;
}

TEST(wasm_gc_heap, struct_layout)
{
	struct gc_mod g;

	gc_mod_init(&g);
	/* i8 @0, i32 @4, i64 @8, i16 @16, v128 @24 (8-aligned), anyref @40 */
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 0), 0);
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 1), 4);
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 2), 8);
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 3), 16);
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 4), 24);
	EXPECT_EQ(wasm_gc_field_offset(&g.types[0], 5), 40);
	EXPECT_EQ(wasm_gc_struct_size(&g.types[0]), 48);
	EXPECT(wasm_gc_type_traced(&g.m, WASM_HEAP_ANY));
	EXPECT(wasm_gc_type_traced(&g.m, WASM_TYPE_EXTERNREF));
	EXPECT(wasm_gc_type_traced(&g.m, wasm_type_ref(wasm_heap_idx(1), false)));
	EXPECT(!wasm_gc_type_traced(&g.m, WASM_TYPE_FUNCREF));
	EXPECT(!wasm_gc_type_traced(&g.m, WASM_PACKED_I8));
	EXPECT(!wasm_gc_type_traced(&g.m, WASM_TYPE_I64));
}

TEST(wasm_gc_heap, reachable_survive_rest_freed)
{
	struct wasm_gc_heap h;
	struct wasm_gc_obj *s, *arr, *inner, *lost, *lost_child;
	struct roots r = {0};
	struct gc_mod g;

	gc_mod_init(&g);
	wasm_gc_heap_init(&h, 0, roots_fn, &r);
	if (!EXPECT_OK(wasm_gc_struct_new(&h, &g.types[0], &s)) ||
	    !EXPECT_OK(wasm_gc_array_new(&h, &g.types[1], 3, &arr)) ||
	    !EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &inner)) ||
	    !EXPECT_OK(wasm_gc_struct_new(&h, &g.types[0], &lost)) ||
	    !EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &lost_child)))
		goto out;
	EXPECT_EQ(h.nobjs, 5);
	/* root -> s -> arr -> inner; arr also holds an i31 and a host ref */
	put_ref(s, 40, (uintptr_t)arr);
	put_ref(arr, 0, wasm_ref_i31(7));
	put_ref(arr, 8, (uintptr_t)inner);
	put_ref(arr, 16, wasm_ref_host(0x1234));
	put_ref(inner, 0, (uintptr_t)s); /* a cycle back to s */
	put_ref(lost, 40, (uintptr_t)lost_child);
	put_ref(lost_child, 0, (uintptr_t)lost); /* an unreachable cycle */
	r.r[0] = (uintptr_t)s;
	wasm_gc_collect(&h);
	EXPECT_EQ(r.calls, 1);
	EXPECT_EQ(h.nobjs, 3);
	EXPECT(on_heap(&h, s) && on_heap(&h, arr) && on_heap(&h, inner));
	EXPECT(wasm_gc_heap_check(&h));
	/* each kind of root value alone: an externalized object in an
	 * extern-typed slot is the same word, so one mark covers both */
	r.r[0] = 0;
	r.r[1] = (uintptr_t)inner;
	wasm_gc_collect(&h);
	EXPECT_EQ(h.nobjs, 3); /* inner -> s -> arr */
	r.r[1] = wasm_ref_i31(5);
	r.r[2] = wasm_ref_host(99);
	wasm_gc_collect(&h);
	EXPECT_EQ(h.nobjs, 0);
	EXPECT_EQ(h.bytes, 0);
	EXPECT(wasm_gc_heap_check(&h));
out:
	wasm_gc_heap_fini(&h);
}

TEST(wasm_gc_heap, funcref_fields_not_followed)
{
	struct wasm_gc_heap h;
	struct wasm_gc_obj *o, *other;
	struct roots r = {0};
	struct gc_mod g;

	gc_mod_init(&g);
	wasm_gc_heap_init(&h, 0, roots_fn, &r);
	if (!EXPECT_OK(wasm_gc_struct_new(&h, &g.types[5], &o)) ||
	    !EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &other)))
		goto out;
	/* a funcref field holds a function, never an object: a word that
	 * looks like one is not followed; the externref field is */
	put_ref(o, 0, (uintptr_t)other);
	r.r[0] = (uintptr_t)o;
	wasm_gc_collect(&h);
	EXPECT_EQ(h.nobjs, 1);
	EXPECT(on_heap(&h, o));
	if (!EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &other)))
		goto out;
	put_ref(o, 0, 0);
	put_ref(o, 8, (uintptr_t)other);
	wasm_gc_collect(&h);
	EXPECT_EQ(h.nobjs, 2);
out:
	wasm_gc_heap_fini(&h);
}

TEST(wasm_gc_heap, loop_stays_within_limit)
{
	const size_t limit = 256 << 10;
	struct wasm_gc_heap h;
	struct roots r = {0};
	struct gc_mod g;
	size_t peak = 0;
	uint32_t i;

	gc_mod_init(&g);
	wasm_gc_heap_init(&h, limit, roots_fn, &r);
	/* 4 live structs, rotating, each holding an array; the rest garbage */
	for (i = 0; i < 200000; i++) {
		struct wasm_gc_obj *o, *a;

		if (!EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &o)))
			break;
		r.r[i % 4] = (uintptr_t)o;
		if (!EXPECT_OK(wasm_gc_array_new(&h, &g.types[2], 100 + i % 900, &a)))
			break;
		put_ref(o, 0, (uintptr_t)a);
		if (h.bytes > peak)
			peak = h.bytes;
	}
	EXPECT_EQ(i, 200000);
	EXPECT_LE(peak, limit);
	EXPECT_GT(h.ncollections, 10);
	wasm_gc_collect(&h);
	EXPECT_EQ(h.nobjs, 8); /* the 4 rooted structs and their arrays */
	EXPECT(wasm_gc_heap_check(&h));
	wasm_gc_heap_fini(&h);
}

TEST(wasm_gc_heap, limit_refuses_then_recovers)
{
	struct wasm_gc_heap h;
	struct roots r = {0};
	struct wasm_gc_obj *o;
	struct gc_mod g;
	int rc;
	uint32_t n;

	gc_mod_init(&g);
	wasm_gc_heap_init(&h, 64 << 10, roots_fn, &r);
	/* one array past the limit is refused at once */
	EXPECT_EQ(wasm_gc_array_new(&h, &g.types[2], 1u << 20, &o), ERR_NOMEM);
	EXPECT_EQ(wasm_gc_array_new(&h, &g.types[1], UINT32_MAX, &o), ERR_NOMEM);
	/* a list kept live fills the heap until the limit says no */
	rc = fill_list(&h, &g, &r, 100000, &n);
	EXPECT_EQ(rc, ERR_NOMEM);
	EXPECT_GT(n, 100);
	EXPECT_LE(h.bytes, h.limit);
	EXPECT(wasm_gc_heap_check(&h));
	/* the heap keeps working once the roots let go */
	r.r[0] = 0;
	EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &o));
	EXPECT_EQ(h.nobjs, 1);
	wasm_gc_heap_fini(&h);
	EXPECT_EQ(h.nobjs, 0);
}

TEST(wasm_gc_heap, ref_test)
{
	struct wasm_gc_heap h;
	struct wasm_gc_obj *sub, *sup, *arr;
	struct gc_mod g, g2;
	uintptr_t i31 = wasm_ref_i31(0x7fffffff), host = wasm_ref_host(3);
	uint32_t t3 = wasm_type_ref(wasm_heap_idx(3), false);
	uint32_t t4 = wasm_type_ref(wasm_heap_idx(4), false);

	gc_mod_init(&g);
	gc_mod_init(&g2);
	wasm_gc_heap_init(&h, 0, NULL, NULL);
	if (!EXPECT_OK(wasm_gc_struct_new(&h, &g.types[4], &sub)) ||
	    !EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &sup)) ||
	    !EXPECT_OK(wasm_gc_array_new(&h, &g.types[1], 0, &arr)))
		goto out;
	EXPECT_EQ(wasm_ref_i31_get(i31, true), UINT32_MAX);
	EXPECT_EQ(wasm_ref_i31_get(i31, false), 0x7fffffff);
	EXPECT_EQ(wasm_ref_host_value(host), 3);
	EXPECT(wasm_gc_ref_test(0, WASM_HEAP_ANY, &g.m));
	EXPECT(!wasm_gc_ref_test(0, WASM_HEAP_ANY | WASM_TYPE_NONNULL, &g.m));
	EXPECT(wasm_gc_ref_test(i31, WASM_HEAP_EQ, &g.m));
	EXPECT(wasm_gc_ref_test(i31, WASM_HEAP_I31, &g.m));
	EXPECT(!wasm_gc_ref_test(i31, WASM_HEAP_STRUCT, &g.m));
	EXPECT(wasm_gc_ref_test(host, WASM_HEAP_ANY, &g.m));
	EXPECT(!wasm_gc_ref_test(host, WASM_HEAP_EQ, &g.m));
	EXPECT(!wasm_gc_ref_test(host, t3, &g.m));
	EXPECT(wasm_gc_ref_test((uintptr_t)sub, WASM_HEAP_STRUCT, &g.m));
	EXPECT(!wasm_gc_ref_test((uintptr_t)sub, WASM_HEAP_ARRAY, &g.m));
	EXPECT(wasm_gc_ref_test((uintptr_t)arr, WASM_HEAP_ARRAY, &g.m));
	EXPECT(!wasm_gc_ref_test((uintptr_t)arr, WASM_HEAP_NONE, &g.m));
	/* the supertype chain: 4 <: 3, not the other way */
	EXPECT(wasm_gc_ref_test((uintptr_t)sub, t3, &g.m));
	EXPECT(wasm_gc_ref_test((uintptr_t)sub, t4, &g.m));
	EXPECT(wasm_gc_ref_test((uintptr_t)sup, t3, &g.m));
	EXPECT(!wasm_gc_ref_test((uintptr_t)sup, t4, &g.m));
	EXPECT(!wasm_gc_ref_test((uintptr_t)arr, t3, &g.m));
out:
	wasm_gc_heap_fini(&h);
}

/* The embedder's room: yes while the heap with `bytes` more stays within
 * room_total (the system's memory, as the kernel's frame count would
 * say); counts its calls. */
static const struct wasm_gc_heap *room_heap;
static size_t room_total, room_calls;
static bool room_fn(size_t bytes)
{
	room_calls++;
	return room_heap->bytes + bytes <= room_total;
}

TEST(wasm_gc_heap, embedder_room_refuses_then_recovers)
{
	struct wasm_gc_heap h;
	struct roots r = {0};
	struct wasm_gc_obj *o;
	struct gc_mod g;
	uint32_t n;
	int rc;

	gc_mod_init(&g);
	wasm_gc_heap_init(&h, 0, roots_fn, &r);
	h.room = room_fn;
	room_heap = &h;
	room_total = 1u << 20;
	room_calls = 0;
	/* a list kept live: the embedder says no long before the limit */
	rc = fill_list(&h, &g, &r, 1000000, &n);
	EXPECT_EQ(rc, ERR_NOMEM);
	EXPECT_LE(h.bytes, (size_t)1 << 20);
	EXPECT_GT(h.bytes, (size_t)1 << 19);
	/* asked once per step of growth, not per object */
	EXPECT_LT(room_calls, n / 100);
	/* garbage: a collection makes the room the embedder would not give */
	r.r[0] = 0;
	room_total = (size_t)128 << 10;
	EXPECT_OK(wasm_gc_struct_new(&h, &g.types[3], &o));
	EXPECT_EQ(h.nobjs, 1);
	EXPECT(wasm_gc_heap_check(&h));
	wasm_gc_heap_fini(&h);
	EXPECT(h.room == room_fn);
}
