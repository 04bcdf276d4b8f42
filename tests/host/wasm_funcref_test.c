/*
 * wasm_funcref_test.c - typed function references (3.0): a million
 * return_call_ref steps in a frame budget of a few calls (checked and
 * guarded memory); the null traps of call_ref and ref.as_non_null;
 * br_on_null and br_on_non_null on both paths; a table's initial value;
 * concrete reference types across modules (imports of globals, functions
 * and tables match by structure, a self-referencing type included); the
 * feature turned off per load.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"
#include "wasm_runtime_util.h"

/* even/odd count n down by return_call_ref through globals of (ref $t);
 * at 0 even returns acc (n is even: odd never sees 0). The other exports exercise one instruction
 * each. */
static const char refs_wat[] =
	"(module\n"
	" (type $t (func (param i64 i64) (result i64)))\n"
	" (type $u (func (result i32)))\n"
	" (elem declare func $even $odd $seven)\n"
	" (global $even (ref $t) (ref.func $even))\n"
	" (global $odd (ref $t) (ref.func $odd))\n"
	" (global $null (mut (ref null $u)) (ref.null $u))\n"
	" (table $tab 3 (ref $u) (ref.func $seven))\n"
	" (func $seven (type $u) (i32.const 7))\n"
	" (func $even (export \"even\") (type $t)\n"
	"  (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))\n"
	"   (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1))\n"
	"          (i64.add (local.get 1) (i64.const 1)) (global.get $odd)))))\n"
	" (func $odd (type $t)\n"
	"  (return_call_ref $t (i64.sub (local.get 0) (i64.const 1))\n"
	"   (i64.add (local.get 1) (i64.const 1)) (global.get $even)))\n"
	" (func (export \"call_null\") (result i32) (call_ref $u (global.get $null)))\n"
	" (func (export \"as_non_null\") (param i32) (result i32)\n"
	"  (if (local.get 0) (then (global.set $null (ref.func $seven))))\n"
	"  (call_ref $u (ref.as_non_null (global.get $null))))\n"
	" (func (export \"on_null\") (param i32) (result i32)\n"
	"  (local $r (ref null $u))\n"
	"  (if (local.get 0) (then (local.set $r (ref.func $seven))))\n"
	"  (block $l (result i32)\n"
	"   (br_on_null $l (i32.const -1) (local.get $r))\n"
	"   (call_ref $u) (i32.add (i32.const 100)) (return)))\n"
	" (func (export \"on_non_null\") (param i32) (result i32)\n"
	"  (local $r (ref null $u))\n"
	"  (if (local.get 0) (then (local.set $r (table.get $tab (i32.const 2)))))\n"
	"  (block $l (result (ref $u))\n"
	"   (br_on_non_null $l (local.get $r))\n"
	"   (return (i32.const -2)))\n"
	"  (call_ref $u))\n"
	" (func (export \"grown\") (result i32)\n"
	"  (drop (table.grow $tab (ref.func $seven) (i32.const 2)))\n"
	"  (i32.add (table.size $tab) (call_ref $u (table.get $tab (i32.const 4)))))\n"
	")\n";

struct fenv {
	struct wasm_module *m[2];
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

/* A store (checked or guarded memory) and an exec of at most `depth`
 * frames, with `wat` instantiated. */
static bool fenv_new(struct test_ctx *t, struct fenv *e, const char *wat, bool guarded,
		     uint32_t depth)
{
	struct wasm_store_config cfg = {0};
	struct wasm_exec_limits lim = {.max_call_depth = depth, .max_stack_bytes = 4096};
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	if ((guarded && !rt_guarded_config(t, &cfg)) ||
	    !EXPECT_OK(rt_load_wat(t, wat, 0, &e->m[0], &err)))
		return false;
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) || !EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m[0], e->l, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, &lim, &e->x))) {
		test_printf(t, "%s\n", err.msg);
		wasm_store_free(e->s);
		wasm_module_free(e->m[0]);
		return false;
	}
	return true;
}

static void fenv_free(struct fenv *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m[0]);
	wasm_module_free(e->m[1]);
}

static void refs_case(struct test_ctx *t, bool guarded)
{
	struct fenv e;
	union wasm_val res[1], arg[2];

	if (!fenv_new(t, &e, refs_wat, guarded, 8))
		return;
	arg[0] = rt_i64(1000000);
	arg[1] = rt_i64(5);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "even", arg, 2, res), 0);
	EXPECT_EQ_U(res[0].i64, 1000005);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "call_null", NULL, 0, res), WASM_TRAP_NULL_FUNCREF);
	EXPECT(strcmp(wasm_trap_str(WASM_TRAP_NULL_FUNCREF), "null function reference") == 0);
	arg[0] = rt_i32(0);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "as_non_null", arg, 1, res), WASM_TRAP_NULL_REF);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "on_null", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, (uint32_t)-1);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "on_non_null", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, (uint32_t)-2);
	arg[0] = rt_i32(1);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "as_non_null", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, 7);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "on_null", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, 107);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "on_non_null", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, 7);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "grown", NULL, 0, res), 0);
	EXPECT_EQ_U(res[0].i32, 5 + 7);
	fenv_free(&e);
}

TEST(wasm_funcref, checked)
{
	refs_case(t, false);
}

TEST(wasm_funcref, guarded)
{
	refs_case(t, true);
}

/* The exporter: a self-referencing type, a function of it, a global and
 * a table of concrete reference types. */
static const char export_wat[] = "(module\n"
				 " (type $s (func (param (ref null $s)) (result i32)))\n"
				 " (type $u (func (result i32)))\n"
				 " (elem declare func $f $nine)\n"
				 " (func $f (export \"f\") (type $s) (i32.const 3))\n"
				 " (func $nine (type $u) (i32.const 9))\n"
				 " (global (export \"g\") (ref $u) (ref.func $nine))\n"
				 " (table (export \"tab\") 1 (ref null $u))\n"
				 ")\n";

/* An importer whose type indices differ from the exporter's. */
static const char import_wat[] =
	"(module\n"
	" (type $pad (func (param i64)))\n"
	" (type $u (func (result i32)))\n"
	" (type $s (func (param (ref null $s)) (result i32)))\n"
	" (import \"x\" \"f\" (func $f (type $s)))\n"
	" (import \"x\" \"g\" (global $g (ref null $u)))\n"
	" (import \"x\" \"tab\" (table 1 (ref null $u)))\n"
	" (func (export \"run\") (result i32)\n"
	"  (i32.add (call_ref $u (global.get $g)) (call $f (ref.null $s))))\n"
	")\n";

TEST(wasm_funcref, across_modules)
{
	static const char *const bad[] = {
		/* the function's param is not the exporter's type */
		"(module (type $u (func (result i32)))\n"
		" (type $s (func (param (ref null $u)) (result i32)))\n"
		" (import \"x\" \"f\" (func (type $s))))",
		/* a table's element type must be equal, not a supertype */
		"(module (import \"x\" \"tab\" (table 1 funcref)))",
		/* an immutable global may be a subtype, never a supertype */
		"(module (type $v (func (result i64))) (import \"x\" \"g\" (global (ref $v))))",
	};
	struct fenv e;
	struct wasm_instance *inst;
	struct wasm_error err;
	union wasm_val res[1];

	if (!fenv_new(t, &e, export_wat, false, 0))
		return;
	if (!EXPECT_OK(wasm_linker_define_instance(e.l, "x", e.inst)) ||
	    !EXPECT_OK(rt_load_wat(t, import_wat, 0, &e.m[1], &err))) {
		fenv_free(&e);
		return;
	}
	if (EXPECT_OK(wasm_instantiate(e.s, e.m[1], e.l, &inst, &err))) {
		EXPECT_EQ(rt_invoke(t, e.x, inst, "run", NULL, 0, res), 0);
		EXPECT_EQ_U(res[0].i32, 12);
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct wasm_module *m;

		if (!EXPECT_OK(rt_load_wat(t, bad[i], 0, &m, &err)))
			continue;
		EXPECT(wasm_instantiate(e.s, m, e.l, &inst, &err) != 0);
		EXPECT(strstr(err.msg, "incompatible import type") != NULL);
		wasm_module_free(m);
	}
	fenv_free(&e);
}

TEST(wasm_funcref, features_off)
{
	static const char *const uses[] = {
		"(module (type $u (func)) (func (param (ref null $u))))",
		"(module (type $u (func)) (func (param funcref) (call_ref $u (ref.null $u))))",
		"(module (func (ref.null 0) (drop)))",
		("(module (type $u (func)) (func (block (result (ref null $u)) (ref.null func))"
		 " (drop)))"),
		"(module (func $f) (elem declare func $f) (table 1 funcref (ref.func $f)))",
	};
	struct wasm_module *m;
	struct wasm_error err;
	int rc;

	/* the same modules load with the feature on (or fail validation) */
	EXPECT_OK(rt_load_wat(t, refs_wat, 0, &m, &err));
	wasm_module_free(m);
	rc = rt_load_wat(t, refs_wat, WASM_FEAT_FUNC_REFS, &m, &err);
	EXPECT_EQ(rc, ERR_MALFORMED);
	if (rc)
		EXPECT(strstr(err.msg, "function-references") != NULL);
	wasm_module_free(m);
	for (size_t i = 0; i < ARRAY_SIZE(uses); i++) {
		rc = rt_load_wat(t, uses[i], WASM_FEAT_FUNC_REFS, &m, &err);
		EXPECT_EQ(rc, ERR_MALFORMED);
		if (rc && !EXPECT(strstr(err.msg, "function-references") != NULL))
			test_printf(t, "%zu: %s\n", i, err.msg);
		wasm_module_free(m);
	}
	/* 2.0: ref.func is a funcref, a table of funcref may start null */
	EXPECT_OK(rt_load_wat(t,
			      "(module (func $f) (elem declare func $f) (table 1 funcref)\n"
			      " (func (result funcref) (ref.func $f)))",
			      WASM_FEAT_FUNC_REFS, &m, &err));
	wasm_module_free(m);
}

/* Non-nullable locals: set before use, in the block that uses them. */
TEST(wasm_funcref, local_init)
{
	static const struct {
		const char *wat;
		int rc;
	} cases[] = {
		{"(module (type $u (func)) (func (local (ref $u)) (drop (local.get 0))))",
		 ERR_INVALID},
		{"(module (type $u (func)) (elem declare func $f) (func $f (type $u))\n"
		 " (func (local (ref $u)) (local.set 0 (ref.func $f)) (drop (local.get 0))))",
		 0},
		{"(module (type $u (func)) (elem declare func $f) (func $f (type $u))\n"
		 " (func (local (ref $u)) (block (local.set 0 (ref.func $f)))\n"
		 "  (drop (local.get 0))))",
		 ERR_INVALID},
		{"(module (type $u (func)) (elem declare func $f) (func $f (type $u))\n"
		 " (func (local (ref $u)) (i32.const 1) (if (then (local.set 0 (ref.func $f)))\n"
		 "  (else (drop (local.get 0))))))",
		 ERR_INVALID},
		{"(module (type $u (func)) (table 1 (ref $u)))", ERR_INVALID},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wasm_module *m;
		struct wasm_error err;
		int rc = rt_load_wat(t, cases[i].wat, 0, &m, &err);

		if (!EXPECT_EQ(rc, cases[i].rc))
			test_printf(t, "%zu: %s\n", i, rc ? err.msg : "loaded");
		else if (rc == ERR_INVALID && i < 4)
			EXPECT(rt_starts_with(err.msg, "uninitialized local"));
		wasm_module_free(m);
	}
}

/* Appends v as LEB128 to p, signed (a heap type's s33) or not; returns
 * the new end. */
static uint8_t *put_leb(uint8_t *p, uint32_t v, bool sign)
{
	uint32_t more = sign ? 0x3f : 0x7f; /* a signed one keeps a 0 sign bit */

	for (;;) {
		if (v <= more) {
			*p++ = (uint8_t)v;
			return p;
		}
		*p++ = (uint8_t)((v & 0x7f) | 0x80);
		v >>= 7;
	}
}

/*
 * A hostile type section: n function types, type k taking one (ref null
 * k-1) (and type 0 nothing), twice over, so that every type of one chain
 * has an equal-looking twin in the other. Decoding must be quick and use
 * little stack (before, equal hashes made it compare down the chains:
 * cubic time, and a recursion per level), and the twins must come out
 * equal while the levels stay apart.
 */
TEST(wasm_funcref, long_type_chains_decode_quickly)
{
	enum { N = 20000 };
	uint8_t *bin = malloc(16 + 2 * N * 8), *p = bin, *body, *sec;
	struct wasm_module *m = NULL;
	struct wasm_error err;

	if (!EXPECT(bin != NULL))
		return;
	memcpy(p, "\0asm\1\0\0\0", 8);
	p += 8;
	*p++ = 1; /* type section; its size is patched below (5-byte LEB) */
	sec = p;
	p += 5;
	body = p;
	p = put_leb(p, 2 * N, false);
	for (uint32_t c = 0; c < 2; c++) {
		for (uint32_t k = 0; k < N; k++) {
			*p++ = 0x60;
			if (k == 0) {
				*p++ = 0;
			} else {
				*p++ = 1;
				*p++ = 0x63;
				p = put_leb(p, c * N + k - 1, true);
			}
			*p++ = 0;
		}
	}
	uint32_t size = (uint32_t)(p - body);
	for (int i = 0; i < 5; i++)
		sec[i] = (uint8_t)(((size >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	if (EXPECT_OK(wasm_module_load(bin, (size_t)(p - bin), &m, &err))) {
		EXPECT_EQ(m->ntypes, 2 * N);
		EXPECT_EQ(m->types[N + 5].canon, 5);
		EXPECT_EQ(m->types[N - 1].canon, N - 1);
		EXPECT_EQ(m->types[2 * N - 1].canon, N - 1);
	} else {
		test_printf(t, "%s\n", err.msg);
	}
	wasm_module_free(m);
	free(bin);
}
