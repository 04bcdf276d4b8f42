/*
 * wasm_runtime_ops_test.c - the wasm_rt_* table and bulk-memory helpers:
 * the 2.0 bounds rule (x + n > len traps, without 32-bit wrap-around; n ==
 * 0 at the end is fine; nothing written on a trap), overlapping copies,
 * dropped segments, and table.grow limits.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_internal.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_mods.h"
#include "wasm_runtime_util.h"

/* ops.wat instantiated: tables 0 (3) and 1 (4), memory 0 (1 page), passive
 * elem 0 ($a $b $c = funcs 0..2) and data 0 ("hello"). */
struct ops_env {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
};

static bool ops_env_new(struct test_ctx *t, struct ops_env *e)
{
	struct wasm_error err;

	e->s = NULL;
	e->m = RT_LOAD(mod_ops);
	if (!e->m || !EXPECT_OK(wasm_store_new(NULL, &e->s)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, NULL, &e->inst, &err))) {
		wasm_store_free(e->s);
		wasm_module_free(e->m);
		return false;
	}
	return true;
}

static void ops_env_free(struct test_ctx *t, struct ops_env *e)
{
	EXPECT(wasm_store_check(e->s));
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

TEST(wasm_runtime_ops, table_get_set)
{
	struct ops_env e;
	struct wasm_tableinst *tb;
	uintptr_t v = 77;

	if (!ops_env_new(t, &e))
		return;
	tb = e.inst->tables[0];
	EXPECT_OK(wasm_rt_table_set(tb, 2, 0x1234));
	EXPECT_OK(wasm_rt_table_get(tb, 2, &v));
	EXPECT_EQ_U(v, 0x1234);
	EXPECT_OK(wasm_rt_table_get(tb, 0, &v));
	EXPECT_EQ_U(v, 0);
	v = 77;
	EXPECT_EQ(wasm_rt_table_get(tb, 3, &v), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_get(tb, UINT32_MAX, &v), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ_U(v, 77); /* not written on a trap */
	EXPECT_EQ(wasm_rt_table_set(tb, 3, 1), WASM_TRAP_TABLE_OOB);
	ops_env_free(t, &e);
}

TEST(wasm_runtime_ops, table_fill)
{
	struct ops_env e;
	struct wasm_tableinst *tb;

	if (!ops_env_new(t, &e))
		return;
	tb = e.inst->tables[1]; /* size 4 */
	EXPECT_OK(wasm_rt_table_fill(tb, 1, 9, 2));
	EXPECT_EQ_U(tb->elems[0], 0);
	EXPECT_EQ_U(tb->elems[1], 9);
	EXPECT_EQ_U(tb->elems[2], 9);
	EXPECT_EQ_U(tb->elems[3], 0);
	EXPECT_OK(wasm_rt_table_fill(tb, 4, 5, 0));			 /* n == 0 at the end */
	EXPECT_EQ(wasm_rt_table_fill(tb, 5, 5, 0), WASM_TRAP_TABLE_OOB); /* past it */
	EXPECT_EQ(wasm_rt_table_fill(tb, 3, 5, 2), WASM_TRAP_TABLE_OOB); /* partly out */
	EXPECT_EQ(wasm_rt_table_fill(tb, 1, 5, UINT32_MAX), WASM_TRAP_TABLE_OOB); /* wraps */
	EXPECT_EQ(wasm_rt_table_fill(tb, UINT32_MAX, 5, 1), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ_U(tb->elems[3], 0); /* nothing written by the traps */
	EXPECT_EQ_U(tb->elems[1], 9);
	ops_env_free(t, &e);
}

TEST(wasm_runtime_ops, table_copy)
{
	struct ops_env e;
	struct wasm_tableinst *t0, *t1;

	if (!ops_env_new(t, &e))
		return;
	t0 = e.inst->tables[0]; /* size 3 */
	t1 = e.inst->tables[1]; /* size 4 */
	for (uint32_t i = 0; i < 4; i++)
		t1->elems[i] = i + 1;
	/* Overlapping, forwards and backwards (memmove semantics). */
	EXPECT_OK(wasm_rt_table_copy(e.inst, 1, 1, 1, 0, 3));
	EXPECT(t1->elems[0] == 1 && t1->elems[1] == 1 && t1->elems[2] == 2 && t1->elems[3] == 3);
	EXPECT_OK(wasm_rt_table_copy(e.inst, 1, 1, 0, 1, 3));
	EXPECT(t1->elems[0] == 1 && t1->elems[1] == 2 && t1->elems[2] == 3 && t1->elems[3] == 3);
	/* Between tables. */
	EXPECT_OK(wasm_rt_table_copy(e.inst, 0, 1, 0, 1, 3));
	EXPECT(t0->elems[0] == 2 && t0->elems[1] == 3 && t0->elems[2] == 3);
	/* Bounds on both sides. */
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 0, 1, 0, 0, 4), WASM_TRAP_TABLE_OOB); /* dst */
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 1, 0, 0, 1, 3), WASM_TRAP_TABLE_OOB); /* src */
	EXPECT_OK(wasm_rt_table_copy(e.inst, 1, 0, 4, 3, 0));
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 1, 0, 5, 0, 0), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 1, 0, 0, 4, 0), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 1, 1, 1, 0, UINT32_MAX), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_copy(e.inst, 1, 1, 0, 1, UINT32_MAX), WASM_TRAP_TABLE_OOB);
	EXPECT(t0->elems[0] == 2 && t0->elems[1] == 3 && t0->elems[2] == 3);
	EXPECT(t1->elems[0] == 1 && t1->elems[1] == 2 && t1->elems[2] == 3 && t1->elems[3] == 3);
	ops_env_free(t, &e);
}

TEST(wasm_runtime_ops, table_init_and_drop)
{
	struct ops_env e;
	struct wasm_tableinst *t0;
	struct wasm_instance *inst;

	if (!ops_env_new(t, &e))
		return;
	inst = e.inst;
	t0 = inst->tables[0]; /* size 3 */
	EXPECT(!inst->elem_dropped[0]);
	EXPECT_OK(wasm_rt_table_init(inst, 0, 0, 0, 1, 2));
	EXPECT_EQ_U(t0->elems[0], (uintptr_t)inst->funcs[1]);
	EXPECT_EQ_U(t0->elems[1], (uintptr_t)inst->funcs[2]);
	EXPECT_EQ_U(t0->elems[2], 0);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 1, 3), WASM_TRAP_TABLE_OOB); /* segment */
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 1, 0, 3), WASM_TRAP_TABLE_OOB); /* table */
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 2, 0, UINT32_MAX), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 2, UINT32_MAX), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ_U(t0->elems[2], 0);
	EXPECT_OK(wasm_rt_table_init(inst, 0, 0, 3, 3, 0)); /* both ends */
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 4, 0), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 4, 0, 0), WASM_TRAP_TABLE_OOB);
	wasm_rt_elem_drop(inst, 0);
	EXPECT(inst->elem_dropped[0]);
	wasm_rt_elem_drop(inst, 0); /* twice is fine */
	EXPECT_OK(wasm_rt_table_init(inst, 0, 0, 0, 0, 0));
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 0, 1), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 1, 0), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ_U(t0->elems[0], (uintptr_t)inst->funcs[1]);
	ops_env_free(t, &e);
}

TEST(wasm_runtime_ops, table_grow_limits)
{
	struct wasm_store_config cfg = {.max_table_elems = 4};
	struct wasm_store *s;
	struct wasm_tableinst *a, *b;

	if (!EXPECT_OK(wasm_store_new(&cfg, &s)))
		return;
	/* Declared max 5 above the store's 4: 4 wins. */
	if (EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_EXTERNREF,
					   (struct wasm_limits){1, 5, true, false}, &a))) {
		EXPECT_EQ(a->max, 4);
		EXPECT_EQ(wasm_rt_table_grow(a, 0x77, 2), 1);
		EXPECT_EQ(a->size, 3);
		EXPECT_EQ_U(a->elems[0], 0);
		EXPECT_EQ_U(a->elems[1], 0x77);
		EXPECT_EQ_U(a->elems[2], 0x77);
		EXPECT_EQ(wasm_rt_table_grow(a, 0, 0), 3);
		EXPECT_EQ(wasm_rt_table_grow(a, 0, 2), -1);
		EXPECT_EQ(wasm_rt_table_grow(a, 0, UINT32_MAX), -1);
		EXPECT_EQ(a->size, 3);
		EXPECT_EQ(wasm_rt_table_grow(a, 0x88, 1), 3);
		EXPECT_EQ_U(a->elems[3], 0x88);
		EXPECT_EQ(wasm_rt_table_grow(a, 0, 1), -1);
		EXPECT_EQ(a->size, 4);
	}
	/* Declared max 2 below the store's 4: 2 wins. */
	if (EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
					   (struct wasm_limits){0, 2, true, false}, &b))) {
		EXPECT_EQ(b->max, 2);
		EXPECT_EQ(wasm_rt_table_grow(b, 0, 3), -1);
		EXPECT_EQ(wasm_rt_table_grow(b, 0, 2), 0);
		EXPECT_EQ(wasm_rt_table_grow(b, 0, 1), -1);
	}
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
}

TEST(wasm_runtime_ops, memory_init_and_drop)
{
	struct ops_env e;
	struct wasm_instance *inst;
	uint8_t *b;

	if (!ops_env_new(t, &e))
		return;
	inst = e.inst;
	b = inst->mems[0]->base;
	EXPECT_OK(wasm_rt_memory_init(inst, 0, 0, 65531, 0, 5)); /* ends at the end */
	EXPECT(memcmp(b + 65531, "hello", 5) == 0);
	EXPECT_OK(wasm_rt_memory_init(inst, 0, 0, 7, 1, 3));
	EXPECT(memcmp(b + 7, "ell", 3) == 0);
	memset(b + 65530, 0, 6);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 65532, 0, 5), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(b[65532], 0); /* nothing written */
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 0, 1, 5), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 0, 2, UINT32_MAX), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, UINT32_MAX, 0, 2), WASM_TRAP_MEMORY_OOB);
	EXPECT_OK(wasm_rt_memory_init(inst, 0, 0, 65536, 5, 0));
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 65537, 0, 0), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 0, 6, 0), WASM_TRAP_MEMORY_OOB);
	wasm_rt_data_drop(inst, 0);
	EXPECT(inst->data_dropped[0]);
	EXPECT_OK(wasm_rt_memory_init(inst, 0, 0, 0, 0, 0));
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 0, 0, 1), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 0, 1, 0), WASM_TRAP_MEMORY_OOB);
	ops_env_free(t, &e);
}

TEST(wasm_runtime_ops, memory_copy_and_fill)
{
	struct ops_env e;
	struct wasm_memory *mem;
	struct wasm_memory *other = NULL;
	uint8_t *b;

	if (!ops_env_new(t, &e))
		return;
	mem = e.inst->mems[0];
	b = mem->base;
	memcpy(b, "abcdef", 6);
	EXPECT_OK(wasm_rt_memory_copy(mem, mem, 1, 0, 5)); /* forwards overlap */
	EXPECT(memcmp(b, "aabcde", 6) == 0);
	EXPECT_OK(wasm_rt_memory_copy(mem, mem, 0, 1, 5)); /* backwards overlap */
	EXPECT(memcmp(b, "abcdee", 6) == 0);
	EXPECT_OK(wasm_rt_memory_copy(mem, mem, 65534, 0, 2));
	EXPECT(b[65534] == 'a' && b[65535] == 'b');
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, 65535, 0, 2), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, 0, 65535, 2), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, 1, 0, UINT32_MAX), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, UINT32_MAX, 0, 1), WASM_TRAP_MEMORY_OOB);
	EXPECT_OK(wasm_rt_memory_copy(mem, mem, 65536, 65536, 0));
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, 65537, 0, 0), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_copy(mem, mem, 0, 65537, 0), WASM_TRAP_MEMORY_OOB);
	EXPECT(memcmp(b, "abcdee", 6) == 0);
	EXPECT_EQ(b[65535], 'b');

	EXPECT_OK(wasm_rt_memory_fill(mem, 2, 'z', 3));
	EXPECT(memcmp(b, "abzzze", 6) == 0);
	EXPECT_OK(wasm_rt_memory_fill(mem, 65535, 'y', 1));
	EXPECT_EQ(b[65535], 'y');
	EXPECT_OK(wasm_rt_memory_fill(mem, 65536, 'x', 0));
	EXPECT_EQ(wasm_rt_memory_fill(mem, 65537, 'x', 0), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_fill(mem, 65535, 'x', 2), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_fill(mem, UINT32_MAX, 'x', 2), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(wasm_rt_memory_fill(mem, 1, 'x', UINT32_MAX), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(b[65535], 'y');
	EXPECT_EQ(b[1], 'b');

	/* A memory of 0 pages, and copies between two memories. */
	if (EXPECT_OK(
		    wasm_store_new_memory(e.s, (struct wasm_limits){0, 0, false, false}, &other))) {
		EXPECT_OK(wasm_rt_memory_fill(other, 0, 1, 0));
		EXPECT_EQ(wasm_rt_memory_fill(other, 1, 1, 0), WASM_TRAP_MEMORY_OOB);
		EXPECT_OK(wasm_rt_memory_copy(other, mem, 0, 65536, 0));
		EXPECT_EQ(wasm_rt_memory_copy(other, mem, 0, 0, 1), WASM_TRAP_MEMORY_OOB);
		EXPECT_EQ(wasm_memory_grow(other, 1), 0);
		EXPECT_OK(wasm_rt_memory_copy(other, mem, 10, 0, 6));
		EXPECT(memcmp(other->base + 10, "abzzze", 6) == 0);
	}
	ops_env_free(t, &e);
}
