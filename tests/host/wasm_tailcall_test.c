/*
 * wasm_tailcall_test.c - tail calls and extended constant expressions:
 * a million mutual tail calls (direct, through a table, ending in a host
 * function) run in a frame budget of a few calls, in checked and guarded
 * memory; the same chain with plain calls exhausts it; constant
 * expressions with add, sub and mul (globals, data and element offsets,
 * earlier defined globals); both features turned off per load; which tail
 * calls the compiler tier compiles (emitting only: the code runs under
 * qemu-riscv64, spectest --jit on return_call*.wast).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/jit/jit.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"
#include "wasm_runtime_util.h"

/* even(n, acc) and odd(n, acc) count n down, one tail call per step, acc
 * up; at n = 0 even returns acc, odd tail-calls the host's hsum(acc, 1000).
 * The _i versions call through the table, the _c ones with plain calls. */
static const char chain_wat[] =
	"(module\n"
	" (import \"env\" \"hsum\" (func $hsum (param i64 i64) (result i64)))\n"
	" (type $t (func (param i64 i64) (result i64)))\n"
	" (table 2 funcref)\n"
	" (elem (i32.const 0) $even_i $odd_i)\n"
	" (memory 1)\n"
	" (func $even (export \"even\") (type $t)\n"
	"  (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))\n"
	"   (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))\n"
	"                           (i64.add (local.get 1) (i64.const 1))))))\n"
	" (func $odd (type $t)\n"
	"  (if (result i64) (i64.eqz (local.get 0))\n"
	"   (then (return_call $hsum (local.get 1) (i64.const 1000)))\n"
	"   (else (return_call $even (i64.sub (local.get 0) (i64.const 1))\n"
	"                            (i64.add (local.get 1) (i64.const 1))))))\n"
	" (func $even_i (export \"even_i\") (type $t) (local i32)\n"
	"  (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))\n"
	"   (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1))\n"
	"          (i64.add (local.get 1) (i64.const 1)) (i32.const 1)))))\n"
	" (func $odd_i (type $t) (local f64 f64)\n"
	"  (if (result i64) (i64.eqz (local.get 0))\n"
	"   (then (return_call $hsum (local.get 1) (i64.const 1000)))\n"
	"   (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1))\n"
	"          (i64.add (local.get 1) (i64.const 1)) (i32.const 0)))))\n"
	" (func $even_c (export \"even_c\") (type $t)\n"
	"  (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))\n"
	"   (else (call $odd_c (i64.sub (local.get 0) (i64.const 1))\n"
	"                      (i64.add (local.get 1) (i64.const 1))))))\n"
	" (func $odd_c (type $t)\n"
	"  (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))\n"
	"   (else (call $even_c (i64.sub (local.get 0) (i64.const 1))\n"
	"                       (i64.add (local.get 1) (i64.const 1))))))\n"
	")\n";

static const char const_wat[] =
	"(module\n"
	" (import \"env\" \"g\" (global $imp i32))\n"
	" (global $a i32 (i32.add (global.get $imp) (i32.const 5)))\n"
	" (global $b i32 (i32.mul (i32.sub (global.get $a) (i32.const 1)) (i32.const 3)))\n"
	" (global $c i64 (i64.sub (i64.mul (i64.const 0x100000000) (i64.const 3))\n"
	"                         (i64.add (i64.const 1) (i64.const 2))))\n"
	" (global $d i32 (global.get $b))\n"
	" (global $w i32 (i32.mul (i32.const 0x10000) (i32.const 0x10001)))\n"
	" (memory 1)\n"
	" (data (i32.add (global.get $imp) (i32.const 2)) \"\\2a\")\n"
	" (table 16 funcref)\n"
	" (elem (i32.sub (global.get $a) (i32.const 10)) $f)\n"
	" (func $f (result i32) (i32.const 77))\n"
	" (func (export \"a\") (result i32) (global.get $a))\n"
	" (func (export \"b\") (result i32) (global.get $b))\n"
	" (func (export \"c\") (result i64) (global.get $c))\n"
	" (func (export \"d\") (result i32) (global.get $d))\n"
	" (func (export \"w\") (result i32) (global.get $w))\n"
	" (func (export \"byte\") (param i32) (result i32) (i32.load8_u (local.get 0)))\n"
	" (func (export \"elem\") (param i32) (result i32)\n"
	"  (call_indirect (result i32) (local.get 0)))\n"
	")\n";

static int host_hsum(struct wasm_host_call *c, union wasm_val *v)
{
	int *calls = c->arg;

	(*calls)++;
	v[0].i64 = v[0].i64 + v[1].i64;
	return WASM_HOST_OK;
}

struct tenv {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	int host_calls;
};

/* Instantiates `wat` (imports: env.hsum, env.g = 20) in a store with
 * checked or guarded memory, and an exec of at most `depth` frames. */
static bool tenv_new(struct test_ctx *t, struct tenv *e, const char *wat, bool guarded,
		     uint32_t depth)
{
	struct wasm_store_config cfg = {0};
	struct wasm_exec_limits lim = {.max_call_depth = depth, .max_stack_bytes = 4096};
	struct wasm_globalinst *g;
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	if ((guarded && !rt_guarded_config(t, &cfg)) ||
	    !EXPECT_OK(rt_load_wat(t, wat, 0, &e->m, &err)))
		return false;
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) || !EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_linker_define_func(e->l, "env", "hsum", "II:I", host_hsum,
					       &e->host_calls)) ||
	    !EXPECT_OK(wasm_store_new_global(e->s, WASM_TYPE_I32, false, rt_i32(20), &g)) ||
	    !EXPECT_OK(wasm_linker_define(
		    e->l, "env", "g",
		    &(struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = g})) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, e->l, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, &lim, &e->x))) {
		wasm_store_free(e->s);
		wasm_module_free(e->m);
		return false;
	}
	return true;
}

static void tenv_free(struct tenv *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

/* Runs export `name` of e's instance (rt_invoke). */
static int run(struct test_ctx *t, struct tenv *e, const char *name, const union wasm_val *args,
	       uint32_t nargs, union wasm_val *res)
{
	return rt_invoke(t, e->x, e->inst, name, args, nargs, res);
}

static void chain_case(struct test_ctx *t, bool guarded)
{
	static const char *const names[] = {"even", "even_i"};
	struct tenv e;
	union wasm_val res[1];

	/* 8 frames and 4 KiB of value stack: a plain call chain of a
	 * million would need a million frames */
	if (!tenv_new(t, &e, chain_wat, guarded, 8))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		union wasm_val even[2] = {rt_i64(1000000), rt_i64(0)};
		union wasm_val odd[2] = {rt_i64(1000001), rt_i64(5)};

		res[0].i64 = 0;
		EXPECT_EQ(run(t, &e, names[i], even, 2, res), 0);
		EXPECT_EQ_U(res[0].i64, 1000000);
		/* ends in odd, which tail-calls the host function */
		e.host_calls = 0;
		EXPECT_EQ(run(t, &e, names[i], odd, 2, res), 0);
		EXPECT_EQ_U(res[0].i64, 1000001 + 5 + 1000);
		EXPECT_EQ(e.host_calls, 1);
	}
	{
		union wasm_val few[2] = {rt_i64(5), rt_i64(0)};
		union wasm_val many[2] = {rt_i64(1000000), rt_i64(0)};

		EXPECT_EQ(run(t, &e, "even_c", few, 2, res), 0);
		EXPECT_EQ_U(res[0].i64, 5);
		EXPECT_EQ(run(t, &e, "even_c", many, 2, res), WASM_TRAP_CALL_STACK);
	}
	tenv_free(&e);
}

TEST(wasm_tailcall, million_checked)
{
	chain_case(t, false);
}

TEST(wasm_tailcall, million_guarded)
{
	chain_case(t, true);
}

TEST(wasm_tailcall, extended_const_values)
{
	struct tenv e;
	union wasm_val res[1], arg[1];

	if (!tenv_new(t, &e, const_wat, false, 0))
		return;
	EXPECT_EQ(run(t, &e, "a", NULL, 0, res), 0);
	EXPECT_EQ_U(res[0].i32, 25);
	EXPECT_EQ(run(t, &e, "b", NULL, 0, res), 0);
	EXPECT_EQ_U(res[0].i32, 72);
	EXPECT_EQ(run(t, &e, "c", NULL, 0, res), 0);
	EXPECT_EQ_U(res[0].i64, 0x2fffffffdull);
	EXPECT_EQ(run(t, &e, "d", NULL, 0, res), 0);
	EXPECT_EQ_U(res[0].i32, 72);
	EXPECT_EQ(run(t, &e, "w", NULL, 0, res), 0); /* wraps to 32 bits */
	EXPECT_EQ_U(res[0].i32, 0x10000);
	arg[0] = rt_i32(22);
	EXPECT_EQ(run(t, &e, "byte", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, 0x2a);
	arg[0] = rt_i32(15);
	EXPECT_EQ(run(t, &e, "elem", arg, 1, res), 0);
	EXPECT_EQ_U(res[0].i32, 77);
	arg[0] = rt_i32(14);
	EXPECT_EQ(run(t, &e, "elem", arg, 1, res), WASM_TRAP_UNINIT_ELEM);
	tenv_free(&e);
}

/* One global's initializer: valid or not, with the message's start. */
TEST(wasm_tailcall, extended_const_typing)
{
	static const struct {
		const char *wat;
		int rc;
		const char *msg;
	} cases[] = {
		{"(global i32 (i32.add (i32.const 1) (i64.const 2)))", ERR_INVALID,
		 "type mismatch"},
		{"(global i64 (i32.add (i32.const 1) (i32.const 2)))", ERR_INVALID,
		 "type mismatch"},
		{"(global i32 (i32.const 1) (i32.const 2))", ERR_INVALID, "type mismatch"},
		{"(global i32 (i32.add (i32.const 1)))", ERR_INVALID, "type mismatch"},
		{"(global i32 (i32.div_u (i32.const 1) (i32.const 1)))", ERR_INVALID,
		 "constant expression required"},
		{"(global (mut i32) (i32.const 1)) (global i32 (i32.add (global.get 0) "
		 "(i32.const 1)))",
		 ERR_INVALID, "constant expression required"},
		{"(global i32 (i32.add (global.get 1) (i32.const 1))) (global i32 (i32.const 1))",
		 ERR_INVALID, "unknown global"},
		{"(global i32 (i32.const 1)) (global i32 (global.get 0))", 0, NULL},
		{"(global funcref (ref.func 0)) (func)", 0, NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		rt_expect_load_wat(t, cases[i].wat, cases[i].wat, 0, cases[i].rc, cases[i].msg);
}

/* 64 values at once on a constant expression's stack are fine, 65 not. */
TEST(wasm_tailcall, extended_const_depth)
{
	char wat[2048];

	for (int n = 64; n <= 65; n++) {
		struct wasm_module *m;
		struct wasm_error err;
		size_t k = 0;
		int rc;

		k += (size_t)snprintf(wat + k, sizeof(wat) - k, "(global i32");
		for (int i = 0; i < n; i++)
			k += (size_t)snprintf(wat + k, sizeof(wat) - k, " i32.const 1");
		for (int i = 1; i < n; i++)
			k += (size_t)snprintf(wat + k, sizeof(wat) - k, " i32.add");
		snprintf(wat + k, sizeof(wat) - k, ")");
		rc = rt_load_wat(t, wat, 0, &m, &err);
		EXPECT_EQ(rc, n == 64 ? 0 : ERR_INVALID);
		if (rc)
			EXPECT(strstr(err.msg, "implementation limit") != NULL);
		wasm_module_free(m);
	}
}

/* Turned off, each feature is rejected as a 2.0 engine rejects it, and
 * the message names it; what 2.0 has still loads. */
TEST(wasm_tailcall, features_off)
{
	struct wasm_module *m;
	struct wasm_error err;
	int rc;

	rc = rt_load_wat(t, chain_wat, WASM_FEAT_TAIL_CALL, &m, &err);
	EXPECT_EQ(rc, ERR_MALFORMED);
	if (rc)
		EXPECT(strstr(err.msg, "tail-call") && strstr(err.msg, "illegal opcode 0x12"));
	wasm_module_free(m);
	rc = rt_load_wat(t,
			 "(type (func)) (table 1 funcref) (func (return_call_indirect (type 0) "
			 "(i32.const 0)))",
			 WASM_FEAT_TAIL_CALL, &m, &err);
	EXPECT_EQ(rc, ERR_MALFORMED);
	if (rc)
		EXPECT(strstr(err.msg, "illegal opcode 0x13") != NULL);
	wasm_module_free(m);
	EXPECT_OK(rt_load_wat(t, chain_wat, WASM_FEAT_EXTENDED_CONST, &m, &err));
	wasm_module_free(m);

	rc = rt_load_wat(t, const_wat, WASM_FEAT_EXTENDED_CONST, &m, &err);
	EXPECT_EQ(rc, ERR_INVALID);
	if (rc)
		EXPECT(rt_starts_with(err.msg, "constant expression required") &&
		       strstr(err.msg, "extended-const"));
	wasm_module_free(m);
	/* 2.0: only imported globals in a global's initializer */
	rc = rt_load_wat(t, "(global i32 (i32.const 1)) (global i32 (global.get 0))",
			 WASM_FEAT_EXTENDED_CONST, &m, &err);
	EXPECT_EQ(rc, ERR_INVALID);
	if (rc)
		EXPECT(rt_starts_with(err.msg, "unknown global"));
	wasm_module_free(m);
	EXPECT_OK(rt_load_wat(t, "(global i32 (i32.const 1)) (memory 1) (data (i32.const 0))",
			      WASM_FEAT_EXTENDED_CONST | WASM_FEAT_TAIL_CALL, &m, &err));
	wasm_module_free(m);
}

/* The compiler compiles return_call of a defined function with its params
 * in registers (any results, multiple ones included) and return_call_ref
 * (whose callee is only known at run time: any function) likewise, and
 * refuses, for the interpreter, return_call_indirect, return_call of an
 * import and either with params on the stack. */
TEST(wasm_tailcall, jit_compiles_direct)
{
	static const char wat[] =
		"(import \"env\" \"h\" (func $h (param i32) (result i32)))\n"
		"(type $t (func (param i32) (result i32)))\n"
		"(table 1 funcref)\n"
		"(func $self (param i32) (result i32) (return_call $self (local.get 0)))\n"
		"(func $multi (param i64 f32) (result i64 i32 f64)\n"
		" (return_call $multi (local.get 0) (local.get 1)))\n"
		"(func $fl (param f64 f32 i32 f64 f64 f64 f64 f64 f64) (result f64)\n"
		" (return_call $fl (local.get 0) (local.get 1) (local.get 2) (local.get 3)\n"
		"  (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8)))\n"
		"(func $imp (param i32) (result i32) (return_call $h (local.get 0)))\n"
		"(func $ind (param i32) (result i32)\n"
		" (return_call_indirect (type $t) (local.get 0) (i32.const 0)))\n"
		"(func $stack (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)\n"
		" (return_call $stack (local.get 0) (local.get 1) (local.get 2) (local.get 3)\n"
		"  (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8)))\n"
		"(elem declare func $self $h $stack)\n"
		"(type $st (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))\n"
		"(func $ref (param i32) (result i32)\n"
		" (return_call_ref $t (local.get 0) (ref.func $h)))\n"
		"(func $refstack (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)\n"
		" (return_call_ref $st (local.get 0) (local.get 1) (local.get 2) (local.get 3)\n"
		"  (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8)\n"
		"  (ref.func $stack)))\n";
	static const int want[] = {0, 0, 0, ERR_UNSUPP, ERR_UNSUPP, ERR_UNSUPP, 0, ERR_UNSUPP};
	struct wasm_module *m;
	struct wasm_error err;

	if (!EXPECT_OK(rt_load_wat(t, wat, 0, &m, &err)))
		return;
	EXPECT_EQ(m->nfuncs, 1 + ARRAY_SIZE(want));
	for (uint32_t i = 1; i < m->nfuncs && i <= ARRAY_SIZE(want); i++) {
		for (int checked = 0; checked < 2; checked++) {
			int rc = rt_jit_emit(m, i, checked);

			if (!EXPECT_EQ(rc, want[i - 1]))
				test_printf(t, "func %u: %s\n", i, err_str(rc));
		}
	}
	wasm_module_free(m);
}
