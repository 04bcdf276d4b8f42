/*
 * wasm_gc_types_test.c - GC's type system on hand-built binaries: rec
 * groups canonicalized by shape, subtyping through declared supertypes and
 * the abstract hierarchies, `sub` declarations refused as the spec says,
 * equivalence across modules by groups, GC instructions and constant
 * expressions typed; hostile inputs (a huge rec group, many groups, a deep
 * supertype chain, a diamond of references across modules) in bounded
 * time.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/module_internal.h"

/* A growing byte buffer. */
struct bb {
	uint8_t *p;
	size_t n, cap;
};

static void bb_byte(struct bb *b, uint8_t v)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	b->p[b->n++] = v;
}

static void bb_u32(struct bb *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		bb_byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

/* A non-negative s33 (a type index as a heap type). */
static void bb_s33(struct bb *b, uint32_t v)
{
	uint64_t x = v;

	for (;;) {
		uint8_t c = x & 0x7f;

		x >>= 7;
		if (x == 0 && !(c & 0x40)) {
			bb_byte(b, c);
			return;
		}
		bb_byte(b, c | 0x80);
	}
}

static void bb_bytes(struct bb *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bb_byte(b, p[i]);
}

/* (ref null $x) / (ref $x) */
static void bb_ref(struct bb *b, uint32_t x, bool nullable)
{
	bb_byte(b, nullable ? 0x63 : 0x64);
	bb_s33(b, x);
}

static void bb_section(struct bb *mod, uint8_t id, struct bb *body)
{
	bb_byte(mod, id);
	bb_u32(mod, (uint32_t)body->n);
	bb_bytes(mod, body->p, body->n);
	free(body->p);
	*body = (struct bb){0};
}

static void bb_header(struct bb *mod)
{
	bb_bytes(mod, (const uint8_t *)"\0asm\1\0\0\0", 8);
}

/* A module of one type section (its groups' bytes in `types`, n groups). */
static int load_types(struct bb *types, uint32_t n, struct wasm_module **m, struct wasm_error *err)
{
	struct bb mod = {0}, sec = {0};
	int rc;

	bb_header(&mod);
	bb_u32(&sec, n);
	bb_bytes(&sec, types->p, types->n);
	bb_section(&mod, 1, &sec);
	rc = wasm_module_load(mod.p, mod.n, m, err);
	free(mod.p);
	return rc;
}

/* Struct type bytes: (struct (field (ref null $f))...) of n fields. */
static void st_refs(struct bb *b, const uint32_t *f, uint32_t n)
{
	bb_byte(b, 0x5f);
	bb_u32(b, n);
	for (uint32_t i = 0; i < n; i++) {
		bb_ref(b, f[i], true);
		bb_byte(b, 0); /* immutable */
	}
}

static uint32_t ref_idx(uint32_t x, bool nullable)
{
	return wasm_type_ref(wasm_heap_idx(x), nullable);
}

TEST(wasm_gc_types, rec_groups_canonicalize_by_shape)
{
	struct bb b = {0};
	struct wasm_module *m = NULL;
	struct wasm_error err;

	/* 0,1 and 2,3 and 4,5: the same group (each names the other by its
	 * position); 6,7 another shape */
	for (uint32_t g = 0; g < 3; g++) {
		bb_byte(&b, 0x4e);
		bb_u32(&b, 2);
		st_refs(&b, (uint32_t[]){2 * g + 1}, 1);
		st_refs(&b, (uint32_t[]){2 * g}, 1);
	}
	bb_byte(&b, 0x4e);
	bb_u32(&b, 2);
	st_refs(&b, (uint32_t[]){7}, 1);
	st_refs(&b, (uint32_t[]){7}, 1);
	/* 8 (struct) final; 9 (sub (struct)) is not; 10 (func), 11 (rec
	 * (func)): a group of one either way */
	bb_bytes(&b, (const uint8_t[]){0x5f, 0, 0x50, 0, 0x5f, 0, 0x60, 0, 0, 0x4e, 1, 0x60, 0, 0},
		 14);
	if (EXPECT_OK(load_types(&b, 8, &m, &err))) {
		static const uint32_t want[] = {0, 1, 0, 1, 0, 1, 6, 7, 8, 9, 10, 10};

		EXPECT_EQ(m->ntypes, 12);
		for (uint32_t i = 0; i < m->ntypes && i < 12; i++)
			EXPECT_EQ(m->types[i].canon, want[i]);
		EXPECT_EQ(m->types[2].rec_start, 2);
		EXPECT_EQ(m->types[3].rec_len, 2);
		EXPECT(m->uses_gc);
		EXPECT(!m->types[9].final);
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	wasm_module_free(m);
	free(b.p);
}

/* 0 (sub (struct)), 1 (sub 0 (struct i32)), 2 (sub 1 (struct i32 i64)),
 * 3 (sub (struct i32)), 4 (sub (func)), 5 (sub 4 (func)), 6 (array i8). */
static const uint8_t hier_types[] = {
	0x50, 0,    0x5f, 0,				/* 0 */
	0x50, 1,    0,	  0x5f, 1,    0x7f, 0,		/* 1 */
	0x50, 1,    1,	  0x5f, 2,    0x7f, 0, 0x7e, 0, /* 2 */
	0x50, 0,    0x5f, 1,	0x7f, 0,		/* 3 */
	0x50, 0,    0x60, 0,	0,			/* 4 */
	0x50, 1,    4,	  0x60, 0,    0,		/* 5 */
	0x5e, 0x78, 1,					/* 6 */
};

TEST(wasm_gc_types, subtyping_through_declared_supertypes_and_hierarchies)
{
	struct bb b = {0};
	struct wasm_module *m = NULL;
	struct wasm_error err;

	bb_bytes(&b, hier_types, sizeof(hier_types));
	if (!EXPECT_OK(load_types(&b, 7, &m, &err))) {
		test_printf(t, "%s\n", err.msg);
		goto out;
	}
	EXPECT_EQ(m->types[2].depth, 2);
	EXPECT(wasm_type_match(m, ref_idx(2, false), m, ref_idx(0, false)));
	EXPECT(wasm_type_match(m, ref_idx(2, false), m, ref_idx(1, true)));
	EXPECT(!wasm_type_match(m, ref_idx(0, false), m, ref_idx(2, false)));
	EXPECT(!wasm_type_match(m, ref_idx(3, false), m, ref_idx(0, false)));
	EXPECT(!wasm_type_match(m, ref_idx(2, true), m, ref_idx(0, false)));
	EXPECT(wasm_type_match(m, ref_idx(2, false), m, wasm_type_ref(WASM_HEAP_STRUCT, false)));
	EXPECT(wasm_type_match(m, ref_idx(2, false), m, wasm_type_ref(WASM_HEAP_EQ, true)));
	EXPECT(wasm_type_match(m, ref_idx(6, false), m, wasm_type_ref(WASM_HEAP_ARRAY, true)));
	EXPECT(!wasm_type_match(m, ref_idx(6, false), m, wasm_type_ref(WASM_HEAP_STRUCT, true)));
	EXPECT(!wasm_type_match(m, ref_idx(2, false), m, wasm_type_ref(WASM_HEAP_I31, true)));
	EXPECT(!wasm_type_match(m, ref_idx(2, false), m, WASM_TYPE_FUNCREF));
	EXPECT(wasm_type_match(m, wasm_type_ref(WASM_HEAP_NONE, true), m, ref_idx(2, true)));
	EXPECT(!wasm_type_match(m, wasm_type_ref(WASM_HEAP_NONE, true), m, ref_idx(5, true)));
	EXPECT(wasm_type_match(m, wasm_type_ref(WASM_HEAP_NOFUNC, false), m, ref_idx(5, false)));
	EXPECT(wasm_type_match(m, ref_idx(5, false), m, ref_idx(4, true)));
	EXPECT(wasm_type_match(m, ref_idx(5, false), m, WASM_TYPE_FUNCREF));
	EXPECT(!wasm_type_match(m, ref_idx(5, false), m, wasm_type_ref(WASM_HEAP_ANY, true)));
	EXPECT(wasm_type_match(m, wasm_type_ref(WASM_HEAP_I31, false), m,
			       wasm_type_ref(WASM_HEAP_ANY, true)));
	EXPECT(!wasm_type_match(m, wasm_type_ref(WASM_HEAP_ANY, true), m,
				wasm_type_ref(WASM_HEAP_EQ, true)));
	EXPECT(!wasm_type_match(m, wasm_type_ref(WASM_HEAP_NOEXTERN, true), m,
				wasm_type_ref(WASM_HEAP_ANY, true)));
	EXPECT(wasm_type_match(m, wasm_type_ref(WASM_HEAP_NOEXTERN, true), m, WASM_TYPE_EXTERNREF));
	EXPECT(wasm_storage_match(m, WASM_PACKED_I8, m, WASM_PACKED_I8));
	EXPECT(!wasm_storage_match(m, WASM_PACKED_I8, m, WASM_TYPE_I32));
	EXPECT(wasm_deftype_sub(&m->types[2], &m->types[0]));
	EXPECT(!wasm_deftype_sub(&m->types[0], &m->types[2]));
out:
	wasm_module_free(m);
	free(b.p);
}

/* Each type section is invalid with "sub type" in its message. */
TEST(wasm_gc_types, invalid_sub_declarations_are_refused)
{
	static const struct {
		uint32_t n;
		uint8_t bytes[24];
		size_t len;
	} cases[] = {
		/* a final supertype */
		{2, {0x5f, 0, 0x50, 1, 0, 0x5f, 0}, 7},
		/* another kind */
		{2, {0x50, 0, 0x5f, 0, 0x50, 1, 0, 0x5e, 0x7f, 0}, 10},
		/* a mutable field made immutable */
		{2, {0x50, 0, 0x5f, 1, 0x7f, 1, 0x50, 1, 0, 0x5f, 1, 0x7f, 0}, 13},
		/* a field of another type */
		{2, {0x50, 0, 0x5f, 1, 0x7f, 0, 0x50, 1, 0, 0x5f, 1, 0x7e, 0}, 13},
		/* fewer fields than the supertype */
		{2, {0x50, 0, 0x5f, 1, 0x7f, 0, 0x50, 1, 0, 0x5f, 0}, 11},
		/* a function's result not below the supertype's */
		{2, {0x50, 0, 0x60, 0, 1, 0x7f, 0x50, 1, 0, 0x60, 0, 1, 0x7e}, 13},
		/* the supertype the type itself (in its own rec group) */
		{1, {0x4e, 1, 0x50, 1, 0, 0x5f, 0}, 7},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bb b = {0};
		struct wasm_module *m = NULL;
		struct wasm_error err = {0};

		bb_bytes(&b, cases[i].bytes, cases[i].len);
		if (EXPECT_EQ(load_types(&b, cases[i].n, &m, &err), ERR_INVALID))
			EXPECT(strstr(err.msg, "sub type") != NULL);
		else
			test_printf(t, "case %zu: %s\n", i, err.msg);
		wasm_module_free(m);
		free(b.p);
	}
}

TEST(wasm_gc_types, equivalence_across_modules_by_groups)
{
	struct bb a = {0}, b = {0}, c = {0};
	struct wasm_module *ma = NULL, *mb = NULL, *mc = NULL;
	struct wasm_error err;

	/* a: (func) then the group {0: struct (ref 1), 1: struct (ref 0)};
	 * b: that group first, then (func); c: the group's references
	 * swapped (type 0 names itself) */
	bb_bytes(&a, (const uint8_t[]){0x60, 0, 0}, 3);
	bb_byte(&a, 0x4e);
	bb_u32(&a, 2);
	st_refs(&a, (uint32_t[]){2}, 1);
	st_refs(&a, (uint32_t[]){1}, 1);
	bb_byte(&b, 0x4e);
	bb_u32(&b, 2);
	st_refs(&b, (uint32_t[]){1}, 1);
	st_refs(&b, (uint32_t[]){0}, 1);
	bb_bytes(&b, (const uint8_t[]){0x60, 0, 0}, 3);
	bb_byte(&c, 0x4e);
	bb_u32(&c, 2);
	st_refs(&c, (uint32_t[]){0}, 1);
	st_refs(&c, (uint32_t[]){0}, 1);
	if (!EXPECT_OK(load_types(&a, 2, &ma, &err)) || !EXPECT_OK(load_types(&b, 2, &mb, &err)) ||
	    !EXPECT_OK(load_types(&c, 1, &mc, &err)))
		goto out;
	EXPECT(wasm_functype_equal(&ma->types[1], &mb->types[0]));
	EXPECT(wasm_functype_equal(&ma->types[2], &mb->types[1]));
	EXPECT(!wasm_functype_equal(&ma->types[1], &mb->types[1]));
	EXPECT(wasm_functype_equal(&ma->types[0], &mb->types[2]));
	EXPECT(!wasm_functype_equal(&ma->types[1], &mc->types[0]));
	EXPECT(wasm_type_match(ma, ref_idx(1, false), mb, ref_idx(0, true)));
	EXPECT(!wasm_type_match(ma, ref_idx(1, false), mc, ref_idx(0, true)));
out:
	wasm_module_free(ma);
	wasm_module_free(mb);
	wasm_module_free(mc);
	free(a.p);
	free(b.p);
	free(c.p);
}

/* A chain of supertypes: n types, each (sub $prev (struct)). */
static int load_chain(uint32_t n, struct wasm_module **m, struct wasm_error *err)
{
	struct bb b = {0};
	int rc;

	bb_bytes(&b, (const uint8_t[]){0x50, 0, 0x5f, 0}, 4);
	for (uint32_t i = 1; i < n; i++) {
		bb_bytes(&b, (const uint8_t[]){0x50, 1}, 2);
		bb_u32(&b, i - 1);
		bb_bytes(&b, (const uint8_t[]){0x5f, 0}, 2);
	}
	rc = load_types(&b, n, m, err);
	free(b.p);
	return rc;
}

TEST(wasm_gc_types, supertype_chains_are_bounded)
{
	struct wasm_module *m = NULL;
	struct wasm_error err = {0};

	if (EXPECT_OK(load_chain(WASM_MAX_SUBTYPE_DEPTH + 1, &m, &err))) {
		uint32_t last = WASM_MAX_SUBTYPE_DEPTH;

		EXPECT_EQ(m->types[last].depth, WASM_MAX_SUBTYPE_DEPTH);
		EXPECT(wasm_type_match(m, ref_idx(last, false), m, ref_idx(0, false)));
		EXPECT(wasm_type_match(m, ref_idx(last, false), m, ref_idx(last - 1, false)));
		EXPECT(!wasm_type_match(m, ref_idx(1, false), m, ref_idx(last, false)));
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	wasm_module_free(m);
	m = NULL;
	EXPECT_EQ(load_chain(WASM_MAX_SUBTYPE_DEPTH + 2, &m, &err), ERR_INVALID);
	EXPECT(strstr(err.msg, "sub type") != NULL);
	wasm_module_free(m);
}

/* One rec group of n structs, each naming the next (the last the first),
 * twice: the second group's canon is the first's. */
TEST(wasm_gc_types, huge_rec_groups_decode_quickly)
{
	enum { N = 100000 };
	struct bb b = {0};
	struct wasm_module *m = NULL, *m2 = NULL;
	struct wasm_error err;

	for (uint32_t g = 0; g < 2; g++) {
		bb_byte(&b, 0x4e);
		bb_u32(&b, N);
		for (uint32_t k = 0; k < N; k++)
			st_refs(&b, (uint32_t[]){g * N + (k + 1) % N}, 1);
	}
	if (EXPECT_OK(load_types(&b, 2, &m, &err)) && EXPECT_OK(load_types(&b, 2, &m2, &err))) {
		EXPECT_EQ(m->ntypes, 2 * N);
		EXPECT_EQ(m->types[N + 7].canon, 7);
		EXPECT_EQ(m->types[N - 1].canon, N - 1);
		/* across modules: one linear pass over the group */
		EXPECT(wasm_functype_equal(&m->types[N + 3], &m2->types[3]));
		EXPECT(!wasm_functype_equal(&m->types[N + 3], &m2->types[4]));
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	wasm_module_free(m);
	wasm_module_free(m2);
	free(b.p);
}

/* Many groups of one, each struct naming the previous type twice: compared
 * across modules the references fan out (2^depth paths without a bound);
 * the budget and depth make the answer quick (unequal past them, an
 * implementation limit), and within a module canon decides at once. */
TEST(wasm_gc_types, diamonds_across_modules_stay_bounded)
{
	enum { N = 20000 };
	struct bb b = {0};
	struct wasm_module *m = NULL, *m2 = NULL;
	struct wasm_error err;

	bb_bytes(&b, (const uint8_t[]){0x5f, 0}, 2);
	for (uint32_t k = 1; k < N; k++)
		st_refs(&b, (uint32_t[]){k - 1, k - 1}, 2);
	if (EXPECT_OK(load_types(&b, N, &m, &err)) && EXPECT_OK(load_types(&b, N, &m2, &err))) {
		EXPECT_EQ(m->types[N - 1].canon, N - 1);
		EXPECT(wasm_functype_equal(&m->types[5], &m2->types[5]));
		EXPECT(!wasm_functype_equal(&m->types[5], &m2->types[6]));
		/* deeper than the depth limit, or 2^25 paths past the budget:
		 * unequal (the implementation limits), and quickly */
		EXPECT(!wasm_functype_equal(&m->types[N - 1], &m2->types[N - 1]));
		EXPECT(!wasm_functype_equal(&m->types[25], &m2->types[25]));
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	wasm_module_free(m);
	wasm_module_free(m2);
	free(b.p);
}

/* A module: the type section `types` (n groups), one function of type
 * `ftype` with body `code` (its locals vector included), and optionally a
 * global section's bytes. */
static int load_func(const uint8_t *types, size_t tlen, uint32_t n, const uint8_t *globals,
		     size_t glen, const uint8_t *code, size_t clen, struct wasm_error *err)
{
	struct bb mod = {0}, sec = {0};
	struct wasm_module *m = NULL;
	int rc;

	bb_header(&mod);
	bb_u32(&sec, n);
	bb_bytes(&sec, types, tlen);
	bb_section(&mod, 1, &sec);
	bb_bytes(&sec, (const uint8_t[]){1, 0}, 2); /* one function of type 0 */
	bb_section(&mod, 3, &sec);
	if (glen) {
		bb_bytes(&sec, globals, glen);
		bb_section(&mod, 6, &sec);
	}
	bb_byte(&sec, 1);
	bb_u32(&sec, (uint32_t)clen);
	bb_bytes(&sec, code, clen);
	bb_section(&mod, 10, &sec);
	rc = wasm_module_load(mod.p, mod.n, &m, err);
	if (!rc && !m->uses_gc)
		rc = ERR_INVAL;
	wasm_module_free(m);
	free(mod.p);
	return rc;
}

/* Types: 0 (func (result i32)), 1 (struct (field (mut i32)) (field i8)),
 * 2 (array (mut i8)), 3 (array i64). */
static const uint8_t instr_types[] = {0x60, 0, 1,    0x7f, 0x5f, 2,    0x7f, 1,
				      0x78, 0, 0x5e, 0x78, 1,	 0x5e, 0x7e, 0};

TEST(wasm_gc_types, instructions_are_typed)
{
	static const struct {
		const char *what;
		int rc;
		const char *msg;
		uint8_t code[24];
		size_t len;
	} cases[] = {
		{"struct.new then struct.get_u of the packed field",
		 0,
		 NULL,
		 {0, 0x41, 1, 0x41, 2, 0xfb, 0, 1, 0xfb, 4, 1, 1, 0x0b},
		 13},
		{"struct.get of a packed field",
		 ERR_INVALID,
		 "type mismatch",
		 {0, 0xfb, 1, 1, 0xfb, 2, 1, 1, 0x0b},
		 9},
		{"struct.set of an immutable field",
		 ERR_INVALID,
		 "immutable field",
		 {0, 0xfb, 1, 1, 0x41, 0, 0xfb, 5, 1, 1, 0x41, 0, 0x0b},
		 13},
		{"struct.get of an unknown field",
		 ERR_INVALID,
		 "unknown field",
		 {0, 0xfb, 1, 1, 0xfb, 2, 1, 9, 0x0b},
		 9},
		{"array.new_default then array.len",
		 0,
		 NULL,
		 {0, 0x41, 3, 0xfb, 7, 2, 0xfb, 15, 0x0b},
		 9},
		{"array.set of an immutable array",
		 ERR_INVALID,
		 "immutable array",
		 {0, 0x41, 1, 0xfb, 7, 3, 0x41, 0, 0x42, 0, 0xfb, 14, 3, 0x41, 0, 0x0b},
		 16},
		{"array.copy between element types",
		 ERR_INVALID,
		 "array types do not match",
		 {0, 0xd0, 0x6a, 0xfb, 17, 2, 3, 0x41, 0, 0x0b},
		 10},
		{"ref.i31, then ref.eq of ref.null eq and it",
		 0,
		 NULL,
		 {0, 0x41, 5, 0xfb, 28, 0xd0, 0x6d, 0xd3, 0x0b},
		 9},
		{"br_on_cast to (ref 1) from anyref",
		 0,
		 NULL,
		 {0, 0x02, 0x64, 0x01, 0xd0, 0x6e, 0xfb, 24,   1, 0,   0x6e,
		  1, 0x1a, 0x41, 0,    0x0f, 0x0b, 0x1a, 0x41, 1, 0x0b},
		 21},
		{"br_on_cast's target not below its source",
		 ERR_INVALID,
		 "type mismatch",
		 {0, 0x02, 0x64, 0x01, 0xd0, 0x70, 0xfb, 24,   1, 0,   0x70,
		  1, 0x1a, 0x41, 0,    0x0f, 0x0b, 0x1a, 0x41, 1, 0x0b},
		 21},
		{"struct.new of an array type",
		 ERR_INVALID,
		 "type mismatch",
		 {0, 0xfb, 1, 2, 0x1a, 0x41, 0, 0x0b},
		 8},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wasm_error err = {0};
		int rc = load_func(instr_types, sizeof(instr_types), 4, NULL, 0, cases[i].code,
				   cases[i].len, &err);

		if (!EXPECT_EQ(rc, cases[i].rc) ||
		    (cases[i].msg && !EXPECT(strstr(err.msg, cases[i].msg) != NULL)))
			test_printf(t, "%s: %s\n", cases[i].what, rc ? err.msg : "(loaded)");
	}
}

TEST(wasm_gc_types, constant_expressions_of_gc)
{
	static const struct {
		const char *what;
		int rc;
		uint8_t globals[24];
		size_t len;
	} cases[] = {
		/* (global (ref 1) (struct.new 1 (i32.const 7) (i32.const 1))) */
		{"struct.new", 0, {1, 0x64, 1, 0, 0x41, 7, 0x41, 1, 0xfb, 0, 1, 0x0b}, 12},
		/* (global (ref 2) (array.new_fixed 2 2 (i32.const 1) (i32.const 2))) */
		{"array.new_fixed", 0, {1, 0x64, 2, 0, 0x41, 1, 0x41, 2, 0xfb, 8, 2, 2, 0x0b}, 13},
		/* (global (ref i31) (ref.i31 (i32.const 1))) */
		{"ref.i31", 0, {1, 0x64, 0x6c, 0, 0x41, 1, 0xfb, 28, 0x0b}, 9},
		/* (global (ref 2) (array.new_default 2 (i32.const 1)))
		 * and an operand missing: array.new_default 2 alone */
		{"array.new_default", 0, {1, 0x64, 2, 0, 0x41, 1, 0xfb, 7, 2, 0x0b}, 10},
		{"array.new_default without its length",
		 ERR_INVALID,
		 {1, 0x64, 2, 0, 0xfb, 7, 2, 0x0b},
		 8},
		{"array.get (not constant)",
		 ERR_INVALID,
		 {1, 0x7f, 0, 0xd0, 2, 0x41, 0, 0xfb, 13, 2, 0x0b},
		 11},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wasm_error err = {0};
		static const uint8_t code[] = {0, 0x41, 0, 0x0b};
		int rc = load_func(instr_types, sizeof(instr_types), 4, cases[i].globals,
				   cases[i].len, code, sizeof(code), &err);

		if (!EXPECT_EQ(rc, cases[i].rc))
			test_printf(t, "%s: %s\n", cases[i].what, rc ? err.msg : "(loaded)");
	}
}
