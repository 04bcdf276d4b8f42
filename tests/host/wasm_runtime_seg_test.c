/*
 * wasm_runtime_seg_test.c - what wasm_instantiate does with element and
 * data segments: active ones applied in order and dropped, passive ones
 * kept, declarative ones dropped; out-of-bounds segments fail the
 * instantiation after the earlier ones were applied (2.0); the store's
 * size limits; which addresses the store owns.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_mods.h"
#include "wasm_runtime_util.h"

/* A store and linker with m.t (table 4 funcref), m.mem (1 page) and
 * m.off (i32 3), as segs.wat, elem_oob.wat and data_oob.wat import. */
struct seg_env {
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_tableinst *tb;
	struct wasm_memory *mem;
};

static bool seg_env_new(struct test_ctx *t, struct seg_env *e)
{
	struct wasm_globalinst *off;
	struct wasm_extern x;

	if (!EXPECT_OK(wasm_store_new(NULL, &e->s)))
		return false;
	if (!EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_store_new_table(e->s, WASM_TYPE_FUNCREF,
					    (struct wasm_limits){4, 0, false, false}, &e->tb)) ||
	    !EXPECT_OK(wasm_store_new_memory(e->s, (struct wasm_limits){1, 0, false, false},
					     &e->mem)) ||
	    !EXPECT_OK(wasm_store_new_global(e->s, WASM_TYPE_I32, false, rt_i32(3), &off))) {
		wasm_store_free(e->s);
		return false;
	}
	x = (struct wasm_extern){.kind = WASM_EXTERN_TABLE, .u.table = e->tb};
	EXPECT_OK(wasm_linker_define(e->l, "m", "t", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_MEMORY, .u.mem = e->mem};
	EXPECT_OK(wasm_linker_define(e->l, "m", "mem", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = off};
	EXPECT_OK(wasm_linker_define(e->l, "m", "off", &x));
	return true;
}

TEST(wasm_runtime_seg, active_passive_declarative)
{
	struct wasm_module *m = RT_LOAD(mod_segs);
	struct wasm_instance *inst = NULL;
	struct wasm_error err;
	struct seg_env e;

	if (!m || !seg_env_new(t, &e)) {
		wasm_module_free(m);
		return;
	}
	if (!EXPECT_OK(wasm_instantiate(e.s, m, e.l, &inst, &err))) {
		test_printf(t, "instantiate: %s\n", err.msg);
		goto out;
	}
	/* funcs: 0 $a, 1 $b */
	EXPECT_EQ_U(e.tb->elems[0], 0);
	EXPECT_EQ_U(e.tb->elems[1], (uintptr_t)inst->funcs[0]);
	EXPECT_EQ_U(e.tb->elems[2], (uintptr_t)inst->funcs[1]);
	EXPECT_EQ_U(e.tb->elems[3], (uintptr_t)inst->funcs[1]); /* offset global.get */
	EXPECT(inst->elem_dropped[0]);				/* active */
	EXPECT(inst->elem_dropped[1]);				/* active */
	EXPECT(!inst->elem_dropped[2]);				/* passive */
	EXPECT(inst->elem_dropped[3]);				/* declarative */
	EXPECT(inst->data_dropped[0]);
	EXPECT(!inst->data_dropped[1]);
	EXPECT(inst->data_dropped[2]);
	EXPECT(memcmp(e.mem->base + 10, "hi", 2) == 0);
	EXPECT_EQ(e.mem->base[3], 'z');
	EXPECT_EQ(e.mem->base[12], 0);
	/* The passive ones are still usable; the dropped ones are empty. */
	EXPECT_OK(wasm_rt_table_init(inst, 0, 2, 0, 0, 1));
	EXPECT_EQ_U(e.tb->elems[0], (uintptr_t)inst->funcs[0]);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 0, 0, 0, 1), WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(wasm_rt_table_init(inst, 0, 3, 0, 0, 1), WASM_TRAP_TABLE_OOB);
	EXPECT_OK(wasm_rt_memory_init(inst, 0, 1, 100, 0, 3));
	EXPECT(memcmp(e.mem->base + 100, "xyz", 3) == 0);
	EXPECT_EQ(wasm_rt_memory_init(inst, 0, 0, 100, 0, 1), WASM_TRAP_MEMORY_OOB);
out:
	EXPECT(wasm_store_check(e.s));
	wasm_store_free(e.s);
	wasm_module_free(m);
}

TEST(wasm_runtime_seg, elem_out_of_bounds_keeps_earlier)
{
	struct wasm_module *m = RT_LOAD(mod_elem_oob);
	struct wasm_instance *inst = NULL;
	struct wasm_funcinst *f;
	struct wasm_error err = {0};
	struct seg_env e;

	if (!m || !seg_env_new(t, &e)) {
		wasm_module_free(m);
		return;
	}
	EXPECT_EQ(wasm_instantiate(e.s, m, e.l, &inst, &err), ERR_TRAP);
	EXPECT(inst == NULL);
	EXPECT_EQ(err.kind, ERR_TRAP);
	EXPECT(rt_starts_with(err.msg, "out of bounds table access"));
	/* Segment 0 stays applied: a function of the failed instance, which
	 * the store keeps alive for it. Segment 1 wrote nothing. */
	f = (struct wasm_funcinst *)e.tb->elems[0];
	if (EXPECT(f != NULL)) {
		EXPECT(f->inst != NULL && f->inst->module == m);
		EXPECT_EQ(f->index, 0);
		EXPECT_EQ(f->type->nparams, 0);
		EXPECT(f->inst->funcs[0] == f);
	}
	EXPECT_EQ_U(e.tb->elems[3], 0);
	/* Elements come before data: the data segment was never applied. */
	EXPECT_EQ(e.mem->base[0], 0);
	EXPECT(wasm_store_check(e.s));
	wasm_store_free(e.s);
	wasm_module_free(m);
}

TEST(wasm_runtime_seg, data_out_of_bounds_keeps_earlier)
{
	struct wasm_module *m = RT_LOAD(mod_data_oob);
	struct wasm_instance *inst = NULL;
	struct wasm_error err = {0};
	struct seg_env e;

	if (!m || !seg_env_new(t, &e)) {
		wasm_module_free(m);
		return;
	}
	EXPECT_EQ(wasm_instantiate(e.s, m, e.l, &inst, &err), ERR_TRAP);
	EXPECT(inst == NULL);
	EXPECT_EQ(err.kind, ERR_TRAP);
	EXPECT(rt_starts_with(err.msg, "out of bounds memory access"));
	EXPECT(memcmp(e.mem->base, "ab", 2) == 0);
	EXPECT_EQ(e.mem->base[65535], 0);
	wasm_store_free(e.s);
	wasm_module_free(m);
}

/* Instantiates `bytes` without imports; returns the result code. */
static int inst_alone(struct test_ctx *t, const uint8_t *bytes, size_t len,
		      const struct wasm_store_config *cfg, struct wasm_error *err)
{
	struct wasm_module *m = rt_load(t, bytes, len);
	struct wasm_instance *inst = NULL;
	struct wasm_store *s;
	int rc = -1000;

	if (m && EXPECT_OK(wasm_store_new(cfg, &s))) {
		rc = wasm_instantiate(s, m, NULL, &inst, err);
		EXPECT_EQ(rc ? 1 : 0, inst == NULL);
		EXPECT(wasm_store_check(s));
		wasm_store_free(s);
	}
	wasm_module_free(m);
	return rc;
}

TEST(wasm_runtime_seg, bounds_at_the_end)
{
	struct wasm_error err = {0};

	/* n == 0 exactly at the end is fine, one past it traps. */
	EXPECT_OK(inst_alone(t, mod_edge_ok, sizeof(mod_edge_ok), NULL, &err));
	EXPECT_EQ(inst_alone(t, mod_edge_elem_bad, sizeof(mod_edge_elem_bad), NULL, &err),
		  ERR_TRAP);
	EXPECT(rt_starts_with(err.msg, "out of bounds table access"));
	EXPECT_EQ(inst_alone(t, mod_edge_data_bad, sizeof(mod_edge_data_bad), NULL, &err),
		  ERR_TRAP);
	EXPECT(rt_starts_with(err.msg, "out of bounds memory access"));
}

TEST(wasm_runtime_seg, store_limits)
{
	/* big.wat: (table 3 funcref) (memory 2) */
	struct wasm_store_config small_table = {.max_table_elems = 2};
	struct wasm_store_config small_mem = {.max_table_elems = 3, .max_memory_pages = 1};
	struct wasm_store_config roomy = {.max_table_elems = 8, .max_memory_pages = 4};
	struct wasm_module *m = RT_LOAD(mod_big);
	struct wasm_instance *inst = NULL;
	struct wasm_error err = {0};
	struct wasm_store *s;

	EXPECT_EQ(inst_alone(t, mod_big, sizeof(mod_big), &small_table, &err), ERR_RANGE);
	EXPECT_EQ(err.kind, ERR_RANGE);
	/* The table was made before the memory failed: freed (LeakSanitizer). */
	EXPECT_EQ(inst_alone(t, mod_big, sizeof(mod_big), &small_mem, &err), ERR_RANGE);
	if (m && EXPECT_OK(wasm_store_new(&roomy, &s))) {
		if (EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err))) {
			EXPECT_EQ(inst->tables[0]->size, 3);
			EXPECT_EQ(inst->tables[0]->max, 8);
			EXPECT_EQ(wasm_rt_table_grow(inst->tables[0], 0, 5), 3);
			EXPECT_EQ(wasm_rt_table_grow(inst->tables[0], 0, 1), -1);
			EXPECT_EQ(inst->mems[0]->cap_pages, 4);
			EXPECT_EQ(wasm_memory_grow(inst->mems[0], 2), 2);
			EXPECT_EQ(wasm_memory_grow(inst->mems[0], 1), -1);
		}
		wasm_store_free(s);
	}
	wasm_module_free(m);
}

TEST(wasm_runtime_seg, owns_address)
{
	struct wasm_module *m = RT_LOAD(mod_big);
	struct wasm_instance *inst = NULL;
	struct wasm_memory *hm;
	struct wasm_error err;
	struct wasm_store *s;
	int local = 0;

	if (!m || !EXPECT_OK(wasm_store_new(NULL, &s))) {
		wasm_module_free(m);
		return;
	}
	EXPECT(!wasm_store_owns_address(s, (uintptr_t)&local));
	if (EXPECT_OK(wasm_store_new_memory(s, (struct wasm_limits){1, 0, false, false}, &hm))) {
		EXPECT(wasm_store_owns_address(s, (uintptr_t)hm->base));
		EXPECT(wasm_store_owns_address(s, (uintptr_t)hm->base + WASM_PAGE_SIZE - 1));
	}
	if (EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err))) {
		struct wasm_memory *im = inst->mems[0];

		EXPECT(wasm_store_owns_address(s, (uintptr_t)im->base));
		EXPECT(wasm_store_owns_address(s, (uintptr_t)im->base + im->size_bytes - 1));
		/* A checked memory owns its allocation only. */
		EXPECT(!wasm_store_owns_address(s, (uintptr_t)im->base + im->size_bytes));
	}
	EXPECT(!wasm_store_owns_address(s, (uintptr_t)&local));
	wasm_store_free(s);
	wasm_module_free(m);
}

static int guard_call_direct(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *arg)
{
	(void)guard_arg, (void)s;
	return fn(arg);
}

TEST(wasm_runtime_seg, guarded_memories)
{
	struct wasm_store_config cfg = {.mem_provider = wasm_mem_host_guarded(),
					.guard_call = guard_call_direct};
	struct wasm_module *m = RT_LOAD(mod_big);
	struct wasm_instance *inst = NULL;
	struct wasm_error err;
	struct wasm_memory *gm, *im;
	struct wasm_store *s;

	if (!m || !EXPECT_OK(wasm_store_new(&cfg, &s))) {
		wasm_module_free(m);
		return;
	}
	if (EXPECT_OK(wasm_store_new_memory(s, (struct wasm_limits){1, 0, false, false}, &gm))) {
		EXPECT(gm->guarded);
		/* The whole reservation, past the committed size. */
		EXPECT(wasm_store_owns_address(s, (uintptr_t)gm->base + gm->size_bytes));
		EXPECT(wasm_store_owns_address(s, (uintptr_t)gm->base + gm->reserved - 1));
		EXPECT(!wasm_store_owns_address(s, (uintptr_t)gm->base + gm->reserved));
	}
	if (EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err))) {
		im = inst->mems[0];
		EXPECT(im->guarded);
		EXPECT(wasm_store_owns_address(s, (uintptr_t)im->base + im->size_bytes + 100));
		EXPECT_OK(wasm_rt_memory_fill(im, 0, 0x5a, (uint32_t)im->size_bytes));
		EXPECT_EQ(im->base[im->size_bytes - 1], 0x5a);
		EXPECT_EQ(wasm_rt_memory_fill(im, 1, 0x5a, (uint32_t)im->size_bytes),
			  WASM_TRAP_MEMORY_OOB);
	}
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
	wasm_module_free(m);
}

/* A provider with no memory at all, guarded or not. */
static int none_reserve(void *arg, uint64_t bytes, uint8_t **out_base)
{
	(void)arg, (void)bytes, (void)out_base;
	return ERR_NOMEM;
}

static int none_commit(void *arg, uint8_t **base_io, uint64_t old_bytes, uint64_t new_bytes)
{
	(void)arg, (void)base_io, (void)old_bytes, (void)new_bytes;
	return ERR_NOMEM;
}

static void none_release(void *arg, uint8_t *base, uint64_t bytes)
{
	(void)arg, (void)base, (void)bytes;
}

TEST(wasm_runtime_seg, provider_out_of_memory)
{
	struct wasm_mem_provider none = {.name = "none",
					 .reserve = none_reserve,
					 .commit = none_commit,
					 .release = none_release};
	struct wasm_mem_provider none_guarded = none;
	struct wasm_store_config cfg = {.mem_provider = &none};
	struct wasm_module *m = RT_LOAD(mod_big);
	struct wasm_instance *inst = NULL;
	struct wasm_error err = {0};
	struct wasm_store *s;

	if (!m)
		return;
	/* Checked provider out of memory: the table made first is freed. */
	if (EXPECT_OK(wasm_store_new(&cfg, &s))) {
		EXPECT_EQ(wasm_instantiate(s, m, NULL, &inst, &err), ERR_NOMEM);
		EXPECT_EQ(err.kind, ERR_NOMEM);
		EXPECT(inst == NULL);
		EXPECT(wasm_store_check(s));
		wasm_store_free(s);
	}
	/* Guarded provider out of address space: falls back to checked. */
	none_guarded.guarded = true;
	cfg = (struct wasm_store_config){.mem_provider = &none_guarded,
					 .guard_call = guard_call_direct};
	if (EXPECT_OK(wasm_store_new(&cfg, &s))) {
		if (EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err))) {
			EXPECT(!inst->mems[0]->guarded);
			EXPECT_EQ(inst->mems[0]->pages, 2);
			EXPECT(wasm_store_owns_address(s, (uintptr_t)inst->mems[0]->base));
		}
		wasm_store_free(s);
	}
	wasm_module_free(m);
}
