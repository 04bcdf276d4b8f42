/*
 * wasm_simd_test.c - SIMD in the engine outside the lane semantics (those
 * are wasm_simd_ops_test.c's and the spec suite's): the feature switches,
 * v128 values through the execution API (two value entries each), host
 * functions and globals, and which functions the compiler tier refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/decode/decode.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"

/* Loads module text `src` with `off` features off; the load's result, the
 * module in *out if it loaded (NULL: freed), the message in err. */
static int load_text(struct test_ctx *t, const char *src, uint32_t off, struct wasm_module **out,
		     struct wasm_error *err)
{
	struct wasm_load_opts o = {.features_off = off};
	struct wasm_module *m = NULL;
	struct wat_error we;
	uint8_t *bin;
	size_t len;
	int rc;

	memset(err, 0, sizeof(*err));
	if (!EXPECT_OK(wat_encode(src, strlen(src), &bin, &len, &we))) {
		test_printf(t, "%u:%u: %s\n", we.line, we.col, we.msg);
		return ERR_INVAL;
	}
	rc = wasm_module_load_opts(bin, len, &o, &m, err);
	free(bin);
	if (out)
		*out = m;
	else
		wasm_module_free(m);
	return rc;
}

TEST(wasm_simd, feature_switches_reject_as_malformed_and_name_the_feature)
{
	static const struct {
		const char *src;
		uint32_t off;
		const char *feature; /* NULL: loads */
	} cases[] = {
		/* a v128 type: params, locals, globals, block types */
		{"(module (func (param v128)))", WASM_FEAT_SIMD, "simd"},
		{"(module (func (local v128)))", WASM_FEAT_SIMD, "simd"},
		{"(module (global v128 (v128.const i64x2 0 0)))", WASM_FEAT_SIMD, "simd"},
		{"(module (func (block (result v128) unreachable) drop))", WASM_FEAT_SIMD, "simd"},
		/* an instruction, with no v128 type written anywhere */
		{"(module (func (result i32) (v128.any_true (v128.const i64x2 1 0))))",
		 WASM_FEAT_SIMD, "simd"},
		/* relaxed SIMD alone, and with SIMD off too */
		{"(module (func (result v128) (i8x16.relaxed_swizzle (v128.const i64x2 1 2) "
		 "(v128.const i64x2 3 4))))",
		 WASM_FEAT_RELAXED_SIMD, "relaxed-simd"},
		{"(module (func (result i32) (v128.any_true (i8x16.relaxed_swizzle "
		 "(v128.const i64x2 1 2) (v128.const i64x2 3 4)))))",
		 WASM_FEAT_SIMD | WASM_FEAT_RELAXED_SIMD, "simd"},
		/* relaxed off leaves 2.0 SIMD on; everything on loads both */
		{"(module (func (result i32) (v128.any_true (v128.const i64x2 1 0))))",
		 WASM_FEAT_RELAXED_SIMD, NULL},
		{"(module (func (result v128) (i8x16.relaxed_swizzle (v128.const i64x2 1 2) "
		 "(v128.const i64x2 3 4))))",
		 0, NULL},
	};
	struct wasm_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];
		int rc = load_text(t, cases[i].src, cases[i].off, NULL, &err);

		if (!cases[i].feature) {
			if (!EXPECT_OK(rc))
				test_printf(t, "case %zu: %s\n", i, err.msg);
			continue;
		}
		snprintf(want, sizeof(want), "feature %s off", cases[i].feature);
		if (!EXPECT_EQ(rc, ERR_MALFORMED) || !EXPECT(strstr(err.msg, want) != NULL))
			test_printf(t, "case %zu: rc %d: %s\n", i, rc, err.msg);
	}
}

TEST(wasm_simd, lane_index_and_alignment_are_checked)
{
	static const char *const invalid[] = {
		"(module (func (result i32) (i8x16.extract_lane_u 16 (v128.const i64x2 0 0))))",
		"(module (func (result i64) (i64x2.extract_lane 2 (v128.const i64x2 0 0))))",
		"(module (memory 1) (func (result v128) (v128.load32_lane 4 (i32.const 0) "
		"(v128.const i64x2 0 0))))",
		"(module (memory 1) (func (result v128) (v128.load align=32 (i32.const 0))))",
		"(module (memory 1) (func (result v128) (v128.load8x8_s align=16 (i32.const 0))))",
		"(module (func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32 "
		"(v128.const i64x2 0 0) (v128.const i64x2 0 0))))",
		"(module (func (result v128) (v128.not (i32.const 0))))",
		"(module (func (result v128) (v128.bitselect (v128.const i64x2 0 0) "
		"(v128.const i64x2 0 0) (i32.const 0))))",
	};
	struct wasm_error err;

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		int rc = load_text(t, invalid[i], 0, NULL, &err);

		if (!EXPECT_EQ(rc, ERR_INVALID))
			test_printf(t, "case %zu: rc %d: %s\n", i, rc, err.msg);
	}
}

/* The host function "h" "f" (i32 v128 i64) -> (v128): the vector with its
 * first i32 lane replaced by the i32 and its last by the low half of the
 * i64; what it saw in *arg. */
struct host_seen {
	uint64_t vals[4];
};

static int host_f(struct wasm_host_call *c, union wasm_val *vals)
{
	struct host_seen *seen = c->arg;
	uint32_t a = vals[0].i32, d = (uint32_t)vals[3].i64;

	for (int i = 0; i < 4; i++)
		seen->vals[i] = vals[i].i64;
	vals[0].i64 = (vals[1].i64 & ~UINT64_C(0xffffffff)) | a;
	vals[1].i64 = (vals[2].i64 & UINT64_C(0xffffffff)) | (uint64_t)d << 32;
	return WASM_HOST_OK;
}

static const char pipe_module[] =
	"(module"
	"  (import \"h\" \"f\" (func $h (param i32 v128 i64) (result v128)))"
	"  (global $g (export \"g\") (mut v128) (v128.const i32x4 1 2 3 4))"
	"  (func $add (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))"
	/* (i32, v128, i64) -> (i32, v128): calls wasm and the host, selects,
	 * keeps the previous vector in the global */
	"  (func (export \"f\") (param i32 v128 i64) (result i32 v128)"
	"    (local v128)"
	"    (local.set 3 (call $add (local.get 1) (global.get $g)))"
	"    (global.set $g (local.get 1))"
	"    (local.get 0)"
	"    (select (call $h (local.get 0) (local.get 3) (local.get 2))"
	"            (local.get 3) (local.get 0)))"
	")";

TEST(wasm_simd, v128_values_through_calls_hosts_and_globals)
{
	struct wasm_store *s = NULL;
	struct wasm_linker *l = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x = NULL;
	struct wasm_module *m = NULL;
	struct wasm_extern f, g;
	struct wasm_error err;
	struct host_seen seen = {{0}};
	/* i32 7, v128 lanes (10, 20, 30, 40), i64 0x55 */
	union wasm_val args[4] = {{.i64 = 7},
				  {.i64 = UINT64_C(20) << 32 | 10},
				  {.i64 = UINT64_C(40) << 32 | 30},
				  {.i64 = 0x55}};
	union wasm_val res[3];

	if (!EXPECT_OK(load_text(t, pipe_module, 0, &m, &err)) ||
	    !EXPECT_OK(wasm_store_new(NULL, &s)) || !EXPECT_OK(wasm_linker_new(s, &l)) ||
	    !EXPECT_OK(wasm_linker_define_func(l, "h", "f", "ivI:v", host_f, &seen)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, l, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "f", &f)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "g", &g)))
		goto out;
	/* counts are in entries: 4 in, 3 out; by values they are refused */
	EXPECT_EQ(wasm_invoke(x, f.u.func, args, 3, res, 3), ERR_INVAL);
	EXPECT_EQ(wasm_invoke(x, f.u.func, args, 4, res, 2), ERR_INVAL);
	if (!EXPECT_OK(wasm_invoke(x, f.u.func, args, 4, res, 3)))
		goto out;
	/* the host saw (7, [11 22 33 44], 0x55) in 4 entries */
	EXPECT_EQ_U(seen.vals[0], 7);
	EXPECT_EQ_U(seen.vals[1], UINT64_C(22) << 32 | 11);
	EXPECT_EQ_U(seen.vals[2], UINT64_C(44) << 32 | 33);
	EXPECT_EQ_U(seen.vals[3], 0x55);
	/* 7 selects the host's result: [7 22 33 0x55] */
	EXPECT_EQ_U(res[0].i32, 7);
	EXPECT_EQ_U(res[1].i64, UINT64_C(22) << 32 | 7);
	EXPECT_EQ_U(res[2].i64, UINT64_C(0x55) << 32 | 33);
	/* the global now holds the argument */
	EXPECT_EQ_U(g.u.global->val.i64, args[1].i64);
	EXPECT_EQ_U(g.u.global->val_hi, args[2].i64);
	/* 0 selects the sum: argument + global = 2 * argument */
	args[0].i64 = 0;
	if (EXPECT_OK(wasm_invoke(x, f.u.func, args, 4, res, 3))) {
		EXPECT_EQ_U(res[1].i64, UINT64_C(40) << 32 | 20);
		EXPECT_EQ_U(res[2].i64, UINT64_C(80) << 32 | 60);
	}
out:
	if (x)
		wasm_exec_free(x);
	wasm_store_free(s);
	wasm_module_free(m);
}

TEST(wasm_simd, compiler_refuses_exactly_the_functions_that_see_a_v128)
{
	static const char src[] =
		"(module"
		"  (type $vt (func (result v128)))"
		"  (global $g v128 (v128.const i64x2 0 0))"
		"  (global $i i32 (i32.const 0))"
		"  (table 1 funcref)"
		"  (func $scalar (param i32) (result i32) (i32.add (local.get 0) (global.get $i)))"
		"  (func $param (param v128))"
		"  (func $local (local v128))"
		"  (func $op (result i32) (v128.any_true (v128.const i64x2 0 0)))"
		"  (func $call (call $param (v128.const i64x2 0 0)))"
		"  (func $call2 (drop (call $result)))"
		"  (func $result (result v128) unreachable)"
		"  (func $indirect (drop (call_indirect (type $vt) (i32.const 0))))"
		"  (func $global (drop (global.get $g)))"
		"  (func $block unreachable (block (result v128) unreachable) drop)"
		"  (func $select unreachable (select (result v128) (unreachable)) drop)"
		"  (func $calls_scalar (result i32) (call $scalar (i32.const 1)))"
		")";
	static const bool want[] = {false, true, true, true, true, true,
				    true,  true, true, true, true, false};
	struct wasm_module *m;
	struct wasm_error err;

	if (!EXPECT_OK(load_text(t, src, 0, &m, &err)))
		return;
	if (EXPECT_EQ(m->nfuncs, sizeof(want)))
		for (uint32_t i = 0; i < m->nfuncs; i++)
			if (!EXPECT_EQ(wasm_func_uses_v128(m, i), want[i]))
				test_printf(t, "func %u\n", i);
	wasm_module_free(m);
}

/* Memory 0 and 1 of 32-bit addresses and memory 2 of 64-bit ones, a page
 * each: SIMD loads and stores reach each by index, checked in bounds. */
static const char memx_module[] =
	"(module"
	"  (memory $a 1) (memory $b 1) (memory $c i64 1)"
	"  (func (export \"store_b\") (param i32 i64 i64)"
	"    (v128.store $b offset=8 (local.get 0) (i64x2.replace_lane 1"
	"      (i64x2.splat (local.get 1)) (local.get 2))))"
	"  (func (export \"load_b\") (param i32) (result i64 i64)"
	"    (i64x2.extract_lane 0 (v128.load $b offset=8 (local.get 0)))"
	"    (i64x2.extract_lane 1 (v128.load $b offset=8 (local.get 0))))"
	"  (func (export \"load_a\") (param i32) (result i64)"
	"    (i64x2.extract_lane 0 (v128.load $a (local.get 0))))"
	/* a lane store into $c, then an extending load and a lane load back */
	"  (func (export \"c\") (param i64 i32) (result i32 i32)"
	"    (v128.store32_lane $c offset=4 2 (local.get 0) (i32x4.splat (local.get 1)))"
	"    (i32x4.extract_lane 1 (v128.load16x4_u $c offset=4 (local.get 0)))"
	"    (i32x4.extract_lane 3 (v128.load32_lane $c offset=4 3 (local.get 0)"
	"      (v128.const i64x2 0 0))))"
	"  (func (export \"splat_c\") (param i64) (result i32)"
	"    (i32x4.extract_lane 2 (v128.load32_splat $c (local.get 0))))"
	")";

TEST(wasm_simd, loads_and_stores_reach_other_memories_and_64_bit_ones)
{
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x = NULL;
	struct wasm_module *m = NULL;
	struct wasm_extern sb, lb, la, c, sc;
	struct wasm_error err;
	union wasm_val a[3], r[2];

	if (!EXPECT_OK(load_text(t, memx_module, 0, &m, &err)) ||
	    !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "store_b", &sb)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "load_b", &lb)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "load_a", &la)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "c", &c)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "splat_c", &sc))) {
		test_printf(t, "%s\n", err.msg);
		goto out;
	}
	/* the last 16 bytes of $b: address 65512 + offset 8 */
	a[0].i64 = 65512;
	a[1].i64 = 0x1122334455667788;
	a[2].i64 = -2;
	if (EXPECT_OK(wasm_invoke(x, sb.u.func, a, 3, NULL, 0)) &&
	    EXPECT_OK(wasm_invoke(x, lb.u.func, a, 1, r, 2))) {
		EXPECT_EQ_U(r[0].i64, 0x1122334455667788);
		EXPECT_EQ_U(r[1].i64, (uint64_t)-2);
	}
	/* memory 0 at the same address was not written */
	if (EXPECT_OK(wasm_invoke(x, la.u.func, a, 1, r, 1)))
		EXPECT_EQ_U(r[0].i64, 0);
	/* a byte further is past $b's end, for stores and loads alike */
	a[0].i64 = 65513;
	EXPECT_EQ(wasm_invoke(x, sb.u.func, a, 3, NULL, 0), ERR_TRAP);
	EXPECT_EQ(wasm_invoke(x, lb.u.func, a, 1, r, 2), ERR_TRAP);
	/* $c: a 64-bit address; lane 2 of 0x8001fffe stored at 100 + 4 */
	a[0].i64 = 100;
	a[1].i64 = 0x8001fffe;
	if (EXPECT_OK(wasm_invoke(x, c.u.func, a, 2, r, 2))) {
		EXPECT_EQ_U(r[0].i32, 0x8001); /* the second 16-bit lane, widened */
		EXPECT_EQ_U(r[1].i32, 0x8001fffe);
	}
	a[0].i64 = 104;
	if (EXPECT_OK(wasm_invoke(x, sc.u.func, a, 1, r, 1)))
		EXPECT_EQ_U(r[0].i32, 0x8001fffe);
	/* addresses past 2^32 (not cut to 32 bits), at the very end, and
	 * where address + offset wraps around 2^64 */
	static const uint64_t bad[] = {UINT64_C(1) << 32 | 100, 65536 - 4 - 3, UINT64_MAX - 2};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a[0].i64 = (int64_t)bad[i];
		if (!EXPECT_EQ(wasm_invoke(x, c.u.func, a, 2, r, 2), ERR_TRAP))
			test_printf(t, "address 0x%llx\n", (unsigned long long)bad[i]);
	}
	a[0].i64 = 65536 - 4;
	if (EXPECT_OK(wasm_invoke(x, sc.u.func, a, 1, r, 1)))
		EXPECT_EQ_U(r[0].i32, 0);
out:
	if (x)
		wasm_exec_free(x);
	wasm_store_free(s);
	wasm_module_free(m);
}

/* Dead code pops nothing in the translator: blocks of v128 results one
 * after another after `unreachable` once stacked their results past the
 * value stack's capacity (a heap overflow under ASan, found by the
 * generator's SIMD modules, tests/fuzz/wasm_gen.h). */
TEST(wasm_simd, dead_blocks_of_v128_results_do_not_pile_up)
{
	static const char head[] = "(module (func (export \"f\") (result i32) unreachable";
	static const char blk[] = " (block (result v128 v128) unreachable) drop drop";
	size_t cap = sizeof(head) + 200 * (sizeof(blk) - 1) + 16, len;
	char *src = malloc(cap);
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x = NULL;
	struct wasm_module *m = NULL;
	struct wasm_extern f;
	struct wasm_error err;
	union wasm_val res[1];

	if (!EXPECT(src != NULL))
		return;
	memcpy(src, head, sizeof(head) - 1);
	len = sizeof(head) - 1;
	for (int i = 0; i < 200; i++, len += sizeof(blk) - 1)
		memcpy(src + len, blk, sizeof(blk) - 1);
	memcpy(src + len, " i32.const 1))", 15);
	if (!EXPECT_OK(load_text(t, src, 0, &m, &err)) || !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "f", &f)))
		goto out;
	if (EXPECT_EQ(wasm_invoke(x, f.u.func, NULL, 0, res, 1), ERR_TRAP))
		EXPECT_EQ(wasm_exec_trap(x)->kind, WASM_TRAP_UNREACHABLE);
out:
	if (x)
		wasm_exec_free(x);
	wasm_store_free(s);
	wasm_module_free(m);
	free(src);
}

/* v128 exception payloads: throw and each way of catching take a v128 as
 * its two slots (they took one: the low half was lost and payloads after
 * it shifted; found by the generator's SIMD modules with exceptions). */
static const char exn_v128_wat[] =
	"(module (tag $t (param v128)) (tag $u (param i32 v128 i64))"
	" (func (export \"lo\") (result i64)"
	"  (block $h (result v128)"
	"   (try_table (catch $t $h) (throw $t (v128.const i64x2 1 2)))"
	"   (return (i64.const -1)))"
	"  (i64x2.extract_lane 0))"
	" (func (export \"hi\") (result i64)"
	"  (block $h (result v128)"
	"   (try_table (catch $t $h) (throw $t (v128.const i64x2 1 2)))"
	"   (return (i64.const -1)))"
	"  (i64x2.extract_lane 1))"
	" (func (export \"legacy\") (result i64)"
	"  (try (result v128) (do (throw $t (v128.const i64x2 3 4))) (catch $t))"
	"  (i64x2.extract_lane 1))"
	" (func (export \"mixed_ref\") (result i64) (local i64)"
	"  (block $h (result i32 v128 i64 exnref)"
	"   (try_table (catch_ref $u $h)"
	"    (throw $u (i32.const 5) (v128.const i64x2 6 7) (i64.const 8)))"
	"   (return (i64.const -1)))"
	"  drop (i64.const 100) (i64.mul) (drop) (i64x2.extract_lane 1)"
	"  (i64.const 1000) (i64.mul) (local.set 0) (i64.extend_i32_u) (local.get 0)"
	"  (i64.add))"
	" (func (export \"mixed_legacy\") (result i64) (local i64)"
	"  (try (result i32 v128 i64)"
	"   (do (throw $u (i32.const 5) (v128.const i64x2 6 7) (i64.const 8))) (catch $u))"
	"  (drop) (i64x2.extract_lane 0) (local.set 0) (i64.extend_i32_u) (local.get 0)"
	"  (i64.add)))";

TEST(wasm_simd, v128_exception_payloads_keep_both_halves)
{
	static const struct {
		const char *name;
		uint64_t want;
	} cases[] = {
		{"lo", 1}, {"hi", 2}, {"legacy", 4}, {"mixed_ref", 7005}, {"mixed_legacy", 11}};
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x = NULL;
	struct wasm_module *m = NULL;
	struct wasm_error err;

	if (!EXPECT_OK(load_text(t, exn_v128_wat, 0, &m, &err)) ||
	    !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wasm_extern f;
		union wasm_val res[1];

		if (!EXPECT_OK(wasm_instance_export(inst, cases[i].name, &f)) ||
		    !EXPECT_OK(wasm_invoke(x, f.u.func, NULL, 0, res, 1)))
			continue;
		if (res[0].i64 != cases[i].want)
			test_printf(t, "%s: got %llu\n", cases[i].name,
				    (unsigned long long)res[0].i64);
		EXPECT_EQ_U(res[0].i64, cases[i].want);
	}
out:
	if (x)
		wasm_exec_free(x);
	wasm_store_free(s);
	wasm_module_free(m);
}

/* The interpreter reads SIMD operands where they are (interp_tr_simd.c):
 * a result written into the local its operands came from while an older
 * copy of that local still waits on the stack; local + constant addresses
 * whose i32 sum wraps (folded into the load); v128.const operands, a shift
 * by a constant, local.tee of a result, the run loop's own f64x2 rows. */
static const char inplace_wat[] =
	"(module (memory 1)"
	" (data (i32.const 0) \"\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00\\04\\00\\00\\00\")"
	" (func (export \"alias\") (param i32) (result i32) (local v128 v128)"
	"  (local.set 1 (i32x4.splat (local.get 0)))"
	"  (local.get 1)"
	"  (local.set 1 (i32x4.add (local.get 1) (local.get 1)))"
	"  (local.set 2 (i32x4.mul (local.get 1) (v128.const i32x4 1 2 3 4)))"
	"  (i32x4.add (local.get 2)) (local.tee 2) (i32x4.extract_lane 3)"
	"  (i32x4.extract_lane 1 (local.get 2)) i32.add)"
	" (func (export \"wrap\") (param i32) (result i32)"
	"  (i32x4.extract_lane 2 (v128.load (i32.add (local.get 0) (i32.const 16))))"
	"  (i32x4.extract_lane 0 (v128.load32_splat (i32.add (local.get 0) (i32.const 20))))"
	"  i32.add)"
	" (func (export \"shift\") (param i32) (result i32) (local v128)"
	"  (local.tee 1 (i32x4.shl (i32x4.splat (local.get 0)) (i32.const 4)))"
	"  (v128.xor (v128.const i32x4 0 0 0 1)) (i32x4.extract_lane 3)"
	"  (i32x4.extract_lane 0 (local.get 1)) i32.add)"
	" (func (export \"f64\") (param f64) (result f64) (local v128)"
	"  (local.set 1 (f64x2.splat (local.get 0)))"
	"  (local.set 1 (f64x2.mul (local.get 1) (f64x2.add (local.get 1) (v128.const f64x2 1 2))))"
	"  (f64x2.sub (local.get 1) (v128.const f64x2 0.5 0.25)) (local.tee 1)"
	"  (f64x2.extract_lane 1) (f64x2.extract_lane 0 (local.get 1)) f64.add))";

/* Calls export `name` of inst with one argument; its result, or ~0 after a
 * failure (the trap kind in *trap, else -1). */
static uint64_t call1(struct test_ctx *t, struct wasm_exec *x, struct wasm_instance *inst,
		      const char *name, union wasm_val arg, int *trap)
{
	struct wasm_extern f;
	union wasm_val res[1];

	*trap = -1;
	if (!EXPECT_OK(wasm_instance_export(inst, name, &f)))
		return ~UINT64_C(0);
	if (wasm_invoke(x, f.u.func, &arg, 1, res, 1) != 0) {
		if (wasm_exec_trap(x))
			*trap = (int)wasm_exec_trap(x)->kind;
		return ~UINT64_C(0);
	}
	return res[0].i64;
}

TEST(wasm_simd, operands_read_in_place_keep_wasm_semantics)
{
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x = NULL;
	struct wasm_module *m = NULL;
	struct wasm_error err;
	union wasm_val r;
	int trap;
	double d;

	if (!EXPECT_OK(load_text(t, inplace_wat, 0, &m, &err)) ||
	    !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)))
		goto out;
	/* old v (3) + 2v * [1 2 3 4]: lanes 3 and 1 are 27 and 15 (with the
	 * pending copy overwritten: 30 and 18) */
	EXPECT_EQ_U((uint32_t)call1(t, x, inst, "alias", (union wasm_val){.i64 = 3}, &trap), 42);
	/* -16 + 16 wraps to address 0 (lane 2: 3), -16 + 20 to 4 (2) */
	EXPECT_EQ_U((uint32_t)call1(t, x, inst, "wrap", (union wasm_val){.i64 = 0xfffffff0}, &trap),
		    5);
	/* 65520 + 16 is past the 64 KiB memory */
	EXPECT_EQ_U(call1(t, x, inst, "wrap", (union wasm_val){.i64 = 65520}, &trap), ~UINT64_C(0));
	EXPECT_EQ(trap, WASM_TRAP_MEMORY_OOB);
	/* 3 << 4 = 48: (48 ^ 1) + 48 */
	EXPECT_EQ_U((uint32_t)call1(t, x, inst, "shift", (union wasm_val){.i64 = 3}, &trap), 97);
	/* 2: [2 * 3, 2 * 4] - [0.5, 0.25] summed (f64 as raw bits) */
	d = 2;
	memcpy(&r.f64, &d, 8);
	r.i64 = call1(t, x, inst, "f64", r, &trap);
	memcpy(&d, &r.f64, 8);
	EXPECT(d == 13.25);
out:
	if (x)
		wasm_exec_free(x);
	wasm_store_free(s);
	wasm_module_free(m);
}
