/*
 * wasm_table64_test.c - tables of the i64 address type (table64, part of
 * memory64): each table instruction and call_indirect with i64 operands,
 * where an index or count past 32 bits traps instead of wrapping to a small
 * one; table.copy between an i32 and an i64 table; element segments at i64
 * offsets; table.grow bounded by the store's max_table_elems (-1 as an i64
 * past it); the runtime's helpers with 64-bit operands; validation, the
 * switch (memory64 off refuses such a table), and the compiler leaving the
 * functions that touch one to the interpreter (emitting only).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_internal.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_util.h"

#define BIG (UINT64_C(1) << 32) /* an index that wraps to 0 in 32 bits */

/* $t (i64, 4 elements: null $f7 $f8 null) and $s (i32, 3 null); the
 * passive segment $p holds $f7 $f8 $f9; functions 7, 8, 9 return that. */
static const char ops_wat[] =
	"(module\n"
	" (type $v_i (func (result i32)))\n"
	" (table $t i64 4 funcref)\n"
	" (table $s 3 funcref)\n"
	" (elem (table $t) (i64.const 1) func $f7 $f8)\n"
	" (elem $p func $f7 $f8 $f9)\n"
	" (func $f7 (result i32) (i32.const 7))\n"
	" (func $f8 (result i32) (i32.const 8))\n"
	" (func $f9 (result i32) (i32.const 9))\n"
	" (func (export \"call\") (param i64) (result i32)\n"
	"  (call_indirect $t (type $v_i) (local.get 0)))\n"
	" (func (export \"tcall\") (param i64) (result i32)\n"
	"  (return_call_indirect $t (type $v_i) (local.get 0)))\n"
	" (func (export \"call32\") (param i32) (result i32)\n"
	"  (call_indirect $s (type $v_i) (local.get 0)))\n"
	" (func (export \"size\") (result i64) (table.size $t))\n"
	" (func (export \"grow\") (param i64) (result i64)\n"
	"  (table.grow $t (ref.null func) (local.get 0)))\n"
	" (func (export \"isnull\") (param i64) (result i32)\n"
	"  (ref.is_null (table.get $t (local.get 0))))\n"
	" (func (export \"set\") (param i64 i64)\n"
	"  (table.set $t (local.get 0) (table.get $t (local.get 1))))\n"
	" (func (export \"fill\") (param i64 i64)\n"
	"  (table.fill $t (local.get 0) (table.get $t (i64.const 1)) (local.get 1)))\n"
	" (func (export \"copy\") (param i64 i64 i64)\n"
	"  (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))\n"
	" (func (export \"copy_to32\") (param i32 i64 i32)\n"
	"  (table.copy $s $t (local.get 0) (local.get 1) (local.get 2)))\n"
	" (func (export \"copy_to64\") (param i64 i32 i32)\n"
	"  (table.copy $t $s (local.get 0) (local.get 1) (local.get 2)))\n"
	" (func (export \"init\") (param i64 i32 i32)\n"
	"  (table.init $t $p (local.get 0) (local.get 1) (local.get 2)))\n"
	")\n";

struct t64 {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

/* Loads and instantiates `wat` in a store of at most `max_elems` elements
 * per table; the instantiation's code (the instance in e on success). */
static int t64_new(struct test_ctx *t, struct t64 *e, const char *wat, uint32_t max_elems)
{
	struct wasm_store_config cfg = {.max_table_elems = max_elems};
	struct wasm_error err;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!EXPECT_OK(rt_load_wat(t, wat, 0, &e->m, &err)) ||
	    !EXPECT_OK(wasm_store_new(&cfg, &e->s))) {
		wasm_module_free(e->m);
		return -1;
	}
	EXPECT(wasm_module_check(e->m));
	rc = wasm_instantiate(e->s, e->m, NULL, &e->inst, &err);
	if (!rc && !EXPECT_OK(wasm_exec_new(e->s, NULL, &e->x)))
		rc = -1;
	if (rc) {
		wasm_store_free(e->s);
		wasm_module_free(e->m);
	}
	return rc;
}

static void t64_free(struct test_ctx *t, struct t64 *e)
{
	EXPECT(wasm_store_check(e->s));
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

/* Runs export `name` with up to three i64 or i32 args (by its type). */
static int run(struct test_ctx *t, struct t64 *e, const char *name, uint64_t a0, uint64_t a1,
	       uint64_t a2, union wasm_val *res)
{
	const uint64_t in[3] = {a0, a1, a2};
	union wasm_val args[3];
	struct wasm_extern ex;

	if (!EXPECT_OK(wasm_instance_export(e->inst, name, &ex)))
		return -1;
	for (uint32_t i = 0; i < ex.u.func->type->nparams && i < 3; i++)
		args[i] = ex.u.func->type->params[i] == WASM_TYPE_I64 ? rt_i64(in[i])
								      : rt_i32((uint32_t)in[i]);
	return rt_invoke(t, e->x, e->inst, name, args, ex.u.func->type->nparams, res);
}

/* The i32 result of call(i), or -(trap kind). */
static int64_t call(struct test_ctx *t, struct t64 *e, const char *name, uint64_t i)
{
	union wasm_val r = {0};
	int k = run(t, e, name, i, 0, 0, &r);

	return k ? -k : (int64_t)r.i32;
}

TEST(wasm_table64, get_set_call)
{
	struct t64 e;
	union wasm_val r;

	if (t64_new(t, &e, ops_wat, 16))
		return;
	EXPECT_EQ(call(t, &e, "call", 1), 7);
	EXPECT_EQ(call(t, &e, "call", 2), 8);
	EXPECT_EQ(call(t, &e, "call", 0), -WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(call(t, &e, "call", 4), -WASM_TRAP_UNDEFINED_ELEM);
	/* 2^32 + 1 is not element 1 */
	EXPECT_EQ(call(t, &e, "call", BIG + 1), -WASM_TRAP_UNDEFINED_ELEM);
	EXPECT_EQ(call(t, &e, "call", UINT64_MAX), -WASM_TRAP_UNDEFINED_ELEM);
	EXPECT_EQ(call(t, &e, "tcall", 2), 8);
	EXPECT_EQ(call(t, &e, "tcall", BIG + 2), -WASM_TRAP_UNDEFINED_ELEM);
	EXPECT_EQ(run(t, &e, "size", 0, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, 4);
	EXPECT_EQ(run(t, &e, "isnull", 1, 0, 0, &r), 0);
	EXPECT_EQ(r.i32, 0);
	EXPECT_EQ(run(t, &e, "isnull", BIG + 1, 0, 0, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "set", BIG, 1, 0, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "set", 0, BIG + 2, 0, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(call(t, &e, "call", 0), -WASM_TRAP_UNINIT_ELEM); /* nothing written */
	EXPECT_EQ(run(t, &e, "set", 0, 2, 0, &r), 0);
	EXPECT_EQ(call(t, &e, "call", 0), 8);
	t64_free(t, &e);
}

TEST(wasm_table64, fill_copy_init)
{
	struct t64 e;
	union wasm_val r;

	if (t64_new(t, &e, ops_wat, 16))
		return;
	/* a count of 2^32 + 1 is not 1; an index of 2^32 is not 0 */
	EXPECT_EQ(run(t, &e, "fill", 0, BIG + 1, 0, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "fill", BIG, 1, 0, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(call(t, &e, "call", 0), -WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(run(t, &e, "fill", 3, 1, 0, &r), 0);
	EXPECT_EQ(call(t, &e, "call", 3), 7);
	EXPECT_EQ(run(t, &e, "fill", 4, 0, 0, &r), 0); /* n == 0 at the end */

	EXPECT_EQ(run(t, &e, "copy", 0, BIG + 2, 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "copy", BIG, 2, 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "copy", 0, 1, BIG + 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(call(t, &e, "call", 0), -WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(run(t, &e, "copy", 0, 2, 1, &r), 0);
	EXPECT_EQ(call(t, &e, "call", 0), 8);

	/* i64 table to i32 table and back: the count is an i32 */
	EXPECT_EQ(run(t, &e, "copy_to32", 0, 1, 2, &r), 0);
	EXPECT_EQ(call(t, &e, "call32", 0), 7);
	EXPECT_EQ(call(t, &e, "call32", 1), 8);
	EXPECT_EQ(run(t, &e, "copy_to32", 2, BIG + 1, 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(call(t, &e, "call32", 2), -WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(run(t, &e, "copy_to64", BIG + 3, 0, 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "copy_to64", 3, 1, 1, &r), 0);
	EXPECT_EQ(call(t, &e, "call", 3), 8);

	EXPECT_EQ(run(t, &e, "init", BIG, 0, 1, &r), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(run(t, &e, "init", 0, 2, 2, &r), WASM_TRAP_TABLE_OOB); /* segment */
	EXPECT_EQ(call(t, &e, "call", 0), 8);
	EXPECT_EQ(run(t, &e, "init", 0, 2, 1, &r), 0);
	EXPECT_EQ(call(t, &e, "call", 0), 9);
	t64_free(t, &e);
}

/* table.grow of an i64 table: the old size as an i64, -1 past the store's
 * limit (16 here) or for a count past 32 bits. */
TEST(wasm_table64, grow_limits)
{
	struct t64 e;
	union wasm_val r;

	if (t64_new(t, &e, ops_wat, 16))
		return;
	EXPECT_EQ(run(t, &e, "grow", BIG, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, UINT64_MAX);
	EXPECT_EQ(run(t, &e, "grow", BIG + 1, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, UINT64_MAX);
	EXPECT_EQ(run(t, &e, "grow", 13, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, UINT64_MAX);
	EXPECT_EQ(run(t, &e, "grow", 12, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, 4);
	EXPECT_EQ(run(t, &e, "grow", 1, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, UINT64_MAX);
	EXPECT_EQ(run(t, &e, "grow", 0, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, 16);
	EXPECT_EQ(run(t, &e, "size", 0, 0, 0, &r), 0);
	EXPECT_EQ_U(r.i64, 16);
	EXPECT_EQ(call(t, &e, "call", 15), -WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(call(t, &e, "call", 16), -WASM_TRAP_UNDEFINED_ELEM);
	t64_free(t, &e);
}

/* Instantiation: an element segment at an i64 offset past 32 bits traps
 * (not written at its low bits); a minimum above the store's limit, even
 * one past 32 bits, is ERR_RANGE. */
TEST(wasm_table64, instantiate)
{
	struct t64 e;

	if (!t64_new(t, &e, "(module (table i64 2 funcref) (elem (i64.const 1) func 0) (func))",
		     16)) {
		EXPECT(e.inst->tables[0]->elems[1] != 0);
		t64_free(t, &e);
	}
	EXPECT_EQ(t64_new(t, &e,
			  "(module (table i64 2 funcref) (elem (i64.const 0x100000000) func 0) "
			  "(func))",
			  16),
		  ERR_TRAP);
	EXPECT_EQ(t64_new(t, &e, "(module (table i64 17 funcref))", 16), ERR_RANGE);
	EXPECT_EQ(t64_new(t, &e, "(module (table i64 0x100000001 funcref))", 16), ERR_RANGE);
	/* a maximum past 32 bits is cut to the store's limit */
	if (!t64_new(t, &e, "(module (table i64 1 0x100000000 funcref))", 16)) {
		EXPECT_EQ(e.inst->tables[0]->max, 16);
		t64_free(t, &e);
	}
}

/* Validation: operands of the table's address type; an i32 table's
 * limits below 2^32; turned off (memory64), an i64 table is malformed. */
TEST(wasm_table64, validate_and_switch)
{
	static const struct {
		const char *wat;
		int rc;
		const char *msg;
	} cases[] = {
		{"(table i64 1 funcref) (func (drop (table.get 0 (i32.const 0))))", ERR_INVALID,
		 "type mismatch"},
		{"(table i64 1 funcref) (func (result i32) (table.size 0))", ERR_INVALID,
		 "type mismatch"},
		{"(table i64 1 funcref) (func (drop (table.grow 0 (ref.null func) (i32.const 1))))",
		 ERR_INVALID, "type mismatch"},
		{"(table i64 1 funcref) (elem (i32.const 0) func)", ERR_INVALID, "type mismatch"},
		{"(table i64 1 funcref) (type (func)) (func (call_indirect (type 0) (i32.const "
		 "0)))",
		 ERR_INVALID, "type mismatch"},
		{"(table 1 funcref) (table i64 1 funcref) (func (table.copy 0 1 (i32.const 0) "
		 "(i64.const 0) (i64.const 0)))",
		 ERR_INVALID, "type mismatch"},
		{"(table 0x100000000 funcref)", ERR_INVALID, "table size"},
		{"(table 0 0x100000000 funcref)", ERR_INVALID, "table size"},
		{"(table i64 0xffffffffffffffff funcref)", 0, NULL},
		{"(table i64 2 1 funcref)", ERR_INVALID, "size minimum must not be greater"},
		{"(table i64 1 funcref) (func (drop (table.get 0 (i64.const 0))))", 0, NULL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		rt_expect_load_wat(t, cases[i].wat, cases[i].wat, 0, cases[i].rc, cases[i].msg);
	rt_expect_load_wat(t, "memory64 off", "(table i64 1 funcref)", WASM_FEAT_MEMORY64,
			   ERR_MALFORMED,
			   "integer too large: limits flag 0x04 (memory64 is turned off)");
	rt_expect_load_wat(t, "memory64 off, i32", "(table 1 funcref)", WASM_FEAT_MEMORY64, 0,
			   NULL);
}

/* The runtime's helpers take 64-bit indices and counts: nothing wraps. */
TEST(wasm_table64, runtime_helpers)
{
	struct wasm_store_config cfg = {.max_table_elems = 8};
	struct wasm_store *s;
	struct wasm_tableinst *tb;
	uintptr_t v = 5;

	if (!EXPECT_OK(wasm_store_new(&cfg, &s)))
		return;
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
				       (struct wasm_limits){BIG, 0, false, true}, &tb),
		  ERR_RANGE);
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_FUNCREF, (struct wasm_limits){2, 1, true, true},
				       &tb),
		  ERR_INVAL);
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
				       (struct wasm_limits){0, BIG, true, false}, &tb),
		  ERR_INVAL); /* an i32 table's limits fit 32 bits */
	if (EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_EXTERNREF,
					   (struct wasm_limits){2, UINT64_MAX, true, true}, &tb))) {
		EXPECT_EQ(tb->max, 8);
		EXPECT_EQ(wasm_rt_table_set(tb, BIG + 1, 9), WASM_TRAP_TABLE_OOB);
		EXPECT_EQ(wasm_rt_table_get(tb, BIG, &v), WASM_TRAP_TABLE_OOB);
		EXPECT_EQ_U(v, 5);
		EXPECT_EQ(wasm_rt_table_fill(tb, 0, 9, BIG + 1), WASM_TRAP_TABLE_OOB);
		EXPECT_EQ(wasm_rt_table_fill(tb, UINT64_MAX, 9, 2), WASM_TRAP_TABLE_OOB);
		EXPECT_EQ_U(tb->elems[0], 0);
		EXPECT_EQ(wasm_rt_table_grow(tb, 0, BIG + 1), -1);
		EXPECT_EQ(wasm_rt_table_grow(tb, 0, UINT64_MAX), -1);
		EXPECT_EQ(tb->size, 2);
		EXPECT_EQ(wasm_rt_table_grow(tb, 0x33, 6), 2);
		EXPECT_EQ(tb->size, 8);
		EXPECT_EQ_U(tb->elems[7], 0x33);
	}
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
}

/* The compiler compiles functions on i64 tables as on i32 ones
 * (tests/spec/jit/refs_table64.wast runs them); return_call_indirect stays
 * refused (interpreted) on either. */
TEST(wasm_table64, jit_compiles)
{
	static const char wat[] =
		"(type $t (func (result i32)))\n"
		"(table $s 1 funcref)\n"
		"(table $w i64 1 funcref)\n"
		"(elem declare func 0)\n"
		"(func (result i32) (call_indirect $s (type $t) (i32.const 0)))\n"
		"(func (result i32) (call_indirect $w (type $t) (i64.const 0)))\n"
		"(func (result i64) (table.size $w))\n"
		"(func (table.set $w (i64.const 0) (ref.func 0)))\n"
		"(func (table.copy $s $w (i32.const 0) (i64.const 0) (i32.const 1)))\n"
		"(func (table.fill $w (i64.const 0) (ref.null func) (i64.const 1)))\n"
		"(func (result i32) (return_call_indirect $w (type $t) (i64.const 0)))\n";
	static const int want[] = {0, 0, 0, 0, 0, 0, ERR_UNSUPP};
	struct wasm_module *m;
	struct wasm_error err;

	if (!EXPECT_OK(rt_load_wat(t, wat, 0, &m, &err)))
		return;
	EXPECT_EQ(m->nfuncs, ARRAY_SIZE(want));
	for (uint32_t i = 0; i < m->nfuncs && i < ARRAY_SIZE(want); i++) {
		int rc = rt_jit_emit(m, i, false);

		if (!EXPECT_EQ(rc, want[i]))
			test_printf(t, "func %u: %s\n", i, err_str(rc));
	}
	wasm_module_free(m);
}
