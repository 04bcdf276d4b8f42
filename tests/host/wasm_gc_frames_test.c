/*
 * wasm_gc_frames_test.c - the collector inside running WebAssembly: objects
 * reachable only from a frame (a local, an operand under a call or under an
 * allocation's other operands), a global, a table or a suspended exec's
 * loop survive the collections that a garbage-making loop forces under a
 * small heap limit; the heap stays within its limit; a program that keeps
 * everything traps "out of memory" and the store keeps working. The store's
 * checker (wasm_gc_heap_check inside) runs after each, and LeakSanitizer
 * (host-asan) sees that the store frees every object.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/gc/gc_heap.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_internal.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_util.h"

static const char gc_wat[] =
	"(module\n"
	"  (type $node (struct (field (mut i32)) (field (mut (ref null $node)))))\n"
	"  (type $pair (struct (field (ref null $node)) (field (ref null $node))))\n"
	"  (type $bytes (array (mut i8)))\n"
	"  (global $g (mut (ref null $node)) (ref.null $node))\n"
	"  (table $t 4 anyref)\n"
	/* k arrays of 4000 bytes, all garbage */
	"  (func $garbage (param $k i32) (result i32)\n"
	"    (loop $l\n"
	"      (drop (array.new_default $bytes (i32.const 4000)))\n"
	"      (local.set $k (i32.sub (local.get $k) (i32.const 1)))\n"
	"      (br_if $l (local.get $k)))\n"
	"    (i32.const 0))\n"
	/* the sum of the values of a list */
	"  (func $sum (param $h (ref null $node)) (result i32) (local $s i32)\n"
	"    (block $done (loop $l\n"
	"      (br_if $done (ref.is_null (local.get $h)))\n"
	"      (local.set $s (i32.add (local.get $s) (struct.get $node 0 (local.get $h))))\n"
	"      (local.set $h (struct.get $node 1 (local.get $h)))\n"
	"      (br $l)))\n"
	"    (local.get $s))\n"
	/* a list of n nodes held in a local only, garbage made between them */
	"  (func (export \"churn\") (param $n i32) (result i32)\n"
	"    (local $head (ref null $node)) (local $i i32)\n"
	"    (loop $l\n"
	"      (local.set $head (struct.new $node (local.get $i) (local.get $head)))\n"
	"      (drop (array.new_default $bytes (i32.const 1000)))\n"
	"      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
	"      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
	"    (call $sum (local.get $head)))\n"
	/* an operand below a call's argument while the call collects */
	"  (func $keep (param $x (ref null $node)) (param i32) (result i32)\n"
	"    (struct.get $node 0 (local.get $x)))\n"
	"  (func (export \"stack_root\") (result i32)\n"
	"    (call $keep (struct.new $node (i32.const 7) (ref.null $node))\n"
	"                (call $garbage (i32.const 2000))))\n"
	/* an allocation's first operand while its second one's call collects */
	"  (func $node_after_garbage (result (ref null $node))\n"
	"    (drop (call $garbage (i32.const 2000)))\n"
	"    (struct.new $node (i32.const 5) (ref.null $node)))\n"
	"  (func (export \"operand_root\") (result i32)\n"
	"    (local $p (ref null $pair))\n"
	"    (local.set $p (struct.new $pair (struct.new $node (i32.const 11) (ref.null $node))\n"
	"                                   (call $node_after_garbage)))\n"
	"    (i32.add (struct.get $node 0 (struct.get $pair 0 (local.get $p)))\n"
	"             (struct.get $node 0 (struct.get $pair 1 (local.get $p)))))\n"
	/* a global and a table element as the only roots */
	"  (func (export \"set_roots\")\n"
	"    (global.set $g (struct.new $node (i32.const 3) (ref.null $node)))\n"
	"    (table.set $t (i32.const 2) (struct.new $node (i32.const 4) (ref.null $node))))\n"
	"  (func (export \"read_roots\") (result i32)\n"
	"    (drop (call $garbage (i32.const 2000)))\n"
	"    (i32.add (struct.get $node 0 (global.get $g))\n"
	"             (struct.get $node 0 (ref.cast (ref $node) (table.get $t (i32.const 2))))))\n"
	/* keeps every node: past the limit */
	"  (func (export \"hog\") (local $head (ref null $node))\n"
	"    (loop $l\n"
	"      (local.set $head (struct.new $node (i32.const 1) (local.get $head)))\n"
	"      (br $l)))\n"
	"  (func (export \"garbage\") (param i32) (result i32) (call $garbage (local.get 0)))\n"
	")\n";

struct gc_env {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

static bool env_new(struct test_ctx *t, struct gc_env *e, size_t limit)
{
	struct wasm_store_config cfg = {.max_gc_bytes = limit};
	/* fuel: a lost root (a list gone wrong) fails instead of hanging */
	struct wasm_exec_limits lim = {.fuel = 500000000};
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	if (!EXPECT_OK(rt_load_wat(t, gc_wat, 0, &e->m, &err))) {
		test_printf(t, "load: %s\n", err.msg);
		return false;
	}
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, NULL, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, &lim, &e->x)))
		return false;
	return true;
}

static void env_free(struct gc_env *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

static struct wasm_gc_heap *heap(struct gc_env *e)
{
	return wasm_store_gc(e->s);
}

TEST(wasm_gc_frames, roots_survive_collections)
{
	const size_t limit = 1 << 20;
	union wasm_val arg = rt_i32(5000), res;
	struct gc_env e;

	if (!env_new(t, &e, limit))
		goto out;
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "churn", &arg, 1, &res), 0);
	EXPECT_EQ(res.i32, 5000u * 4999u / 2);
	EXPECT_GT(heap(&e)->ncollections, 3);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "stack_root", NULL, 0, &res), 0);
	EXPECT_EQ(res.i32, 7);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "operand_root", NULL, 0, &res), 0);
	EXPECT_EQ(res.i32, 16);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "set_roots", NULL, 0, &res), 0);
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "read_roots", NULL, 0, &res), 0);
	EXPECT_EQ(res.i32, 7);
	EXPECT_LE(heap(&e)->bytes, limit);
	EXPECT(wasm_store_check(e.s));
out:
	env_free(&e);
}

TEST(wasm_gc_frames, limit_traps_store_goes_on)
{
	union wasm_val arg = rt_i32(100), res;
	struct gc_env e;

	if (!env_new(t, &e, 256 << 10))
		goto out;
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "hog", NULL, 0, &res), WASM_TRAP_NOMEM);
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_NOMEM), "out of memory");
	EXPECT_LE(heap(&e)->bytes, heap(&e)->limit);
	/* the hog's list is garbage now: the store works on */
	EXPECT_EQ(rt_invoke(t, e.x, e.inst, "churn", &arg, 1, &res), 0);
	EXPECT_EQ(res.i32, 100u * 99u / 2);
	EXPECT(wasm_store_check(e.s));
out:
	env_free(&e);
}

/* A call suspended in its loop (budget), while another exec of the store
 * makes garbage and collects: the suspended frames are roots. */
TEST(wasm_gc_frames, suspended_exec_is_a_root)
{
	union wasm_val arg = rt_i32(3000), g = rt_i32(50), res;
	struct wasm_exec *y;
	struct wasm_extern ex;
	struct gc_env e;
	enum wasm_run_status st;
	uint64_t before;
	uint32_t n = 0, rounds = 0;

	if (!env_new(t, &e, 512 << 10) || !EXPECT_OK(wasm_exec_new(e.s, NULL, &y)) ||
	    !EXPECT_OK(wasm_instance_export(e.inst, "churn", &ex)) ||
	    !EXPECT_OK(wasm_exec_call(e.x, ex.u.func, &arg, 1)))
		goto out;
	while ((st = wasm_run(e.x, 5000)) == WASM_RUN_SUSPENDED) {
		before = heap(&e)->ncollections;
		if (rt_invoke(t, y, e.inst, "garbage", &g, 1, &res) != 0)
			break;
		rounds += heap(&e)->ncollections > before;
	}
	if (EXPECT_EQ(st, WASM_RUN_DONE)) {
		const union wasm_val *r = wasm_exec_results(e.x, &n);

		EXPECT_EQ(n, 1);
		EXPECT_EQ(r[0].i32, 3000u * 2999u / 2);
	}
	EXPECT_GT(rounds, 3);
	EXPECT(wasm_store_check(e.s));
out:
	env_free(&e);
}
