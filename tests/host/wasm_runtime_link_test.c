/*
 * wasm_runtime_link_test.c - the store's host objects, the linker, import
 * matching (each kind, each mismatch), exports, global initializers and the
 * start function of wasm_instantiate.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_store.h"
#include "wasm_runtime_mods.h"
#include "wasm_runtime_util.h"

static int host_nop(struct wasm_host_call *c, union wasm_val *vals)
{
	(void)c, (void)vals;
	return WASM_HOST_OK;
}

static int guard_call_direct(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *arg)
{
	(void)guard_arg, (void)s;
	return fn(arg);
}

TEST(wasm_runtime_link, store_config)
{
	struct wasm_store_config cfg = {0};
	struct wasm_store *s = NULL;
	const struct wasm_store_config *c;

	if (!EXPECT_OK(wasm_store_new(NULL, &s)))
		return;
	c = wasm_store_config(s);
	EXPECT(c->mem_provider == wasm_mem_checked());
	EXPECT_EQ(c->max_memory_pages, WASM_MEM_MAX_PAGES);
	EXPECT_EQ(c->max_table_elems, WASM_DEFAULT_MAX_TABLE);
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
	wasm_store_free(NULL);

	s = NULL;
	cfg.mem_provider = wasm_mem_host_guarded();
	EXPECT_EQ(wasm_store_new(&cfg, &s), ERR_INVAL); /* no guard_call */
	EXPECT(s == NULL);
	cfg.guard_call = guard_call_direct;
	if (EXPECT_OK(wasm_store_new(&cfg, &s)))
		wasm_store_free(s);
	cfg = (struct wasm_store_config){.max_memory_pages = WASM_MEM_MAX_PAGES + 1};
	EXPECT_EQ(wasm_store_new(&cfg, &s), ERR_INVAL);
}

TEST(wasm_runtime_link, host_func_signatures)
{
	static const uint32_t want[] = {WASM_TYPE_I32,	    WASM_TYPE_I64,     WASM_TYPE_F32,
					WASM_TYPE_F64,	    WASM_TYPE_FUNCREF, WASM_TYPE_EXTERNREF,
					WASM_TYPE_EXTERNREF};
	static const char *const bad[] = {"", "i", "x:", ":q", "i:i:i", "iI", "i;i", " :"};
	struct wasm_store *s;
	struct wasm_funcinst *f = NULL, *g = NULL;
	int x = 0;

	if (!EXPECT_OK(wasm_store_new(NULL, &s)))
		return;
	if (EXPECT_OK(wasm_store_new_func(s, "iIfFre:e", host_nop, &x, &f))) {
		EXPECT_EQ(f->type->nparams, 6);
		EXPECT_EQ(f->type->nresults, 1);
		EXPECT(memcmp(f->type->params, want, 6 * sizeof(want[0])) == 0);
		EXPECT_EQ(f->type->results[0], WASM_TYPE_EXTERNREF);
		EXPECT(f->inst == NULL);
		EXPECT(f->host == host_nop);
		EXPECT(f->host_arg == &x);
	}
	if (EXPECT_OK(wasm_store_new_func(s, ":", host_nop, NULL, &g))) {
		EXPECT_EQ(g->type->nparams, 0);
		EXPECT_EQ(g->type->nresults, 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wasm_funcinst *h = NULL;

		if (!EXPECT_EQ(wasm_store_new_func(s, bad[i], host_nop, NULL, &h), ERR_INVAL))
			test_printf(t, "sig \"%s\" accepted\n", bad[i]);
		EXPECT(h == NULL);
	}
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
}

TEST(wasm_runtime_link, host_object_limits)
{
	struct wasm_store_config cfg = {.max_memory_pages = 4, .max_table_elems = 8};
	struct wasm_store *s;
	struct wasm_tableinst *tb = NULL;
	struct wasm_memory *mem = NULL;
	struct wasm_globalinst *g = NULL;

	if (!EXPECT_OK(wasm_store_new(&cfg, &s)))
		return;
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
				       (struct wasm_limits){3, 2, true, false}, &tb),
		  ERR_INVAL);
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_I32, (struct wasm_limits){1, 0, false, false},
				       &tb),
		  ERR_INVAL);
	EXPECT_EQ(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
				       (struct wasm_limits){9, 0, false, false}, &tb),
		  ERR_RANGE);
	EXPECT(tb == NULL);
	if (EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_EXTERNREF,
					   (struct wasm_limits){2, 0, false, false}, &tb))) {
		EXPECT_EQ(tb->size, 2);
		EXPECT_EQ(tb->max, 8); /* the store's limit */
		EXPECT_EQ(tb->elems[0], 0);
		EXPECT_EQ(tb->elems[1], 0);
	}
	if (EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
					   (struct wasm_limits){0, 5, true, false}, &tb)))
		EXPECT_EQ(tb->max, 5); /* declared max below the limit */
	EXPECT_EQ(wasm_store_new_memory(s, (struct wasm_limits){2, 1, true, false}, &mem),
		  ERR_INVAL);
	EXPECT_EQ(wasm_store_new_memory(s, (struct wasm_limits){0, 65537, true, false}, &mem),
		  ERR_INVAL);
	EXPECT_EQ(wasm_store_new_memory(s, (struct wasm_limits){5, 0, false, false}, &mem),
		  ERR_RANGE);
	EXPECT(mem == NULL);
	if (EXPECT_OK(wasm_store_new_memory(s, (struct wasm_limits){1, 0, false, false}, &mem))) {
		EXPECT_EQ(mem->pages, 1);
		EXPECT_EQ(mem->cap_pages, 4);
	}
	EXPECT_EQ(wasm_store_new_global(s, 0x40, false, rt_i32(1), &g), ERR_INVAL);
	EXPECT(g == NULL);
	if (EXPECT_OK(wasm_store_new_global(s, WASM_TYPE_F64, true, rt_i64(7), &g))) {
		EXPECT_EQ(g->type, WASM_TYPE_F64);
		EXPECT(g->is_mutable);
		EXPECT_EQ_U(g->val.f64, 7);
	}
	EXPECT(wasm_store_check(s));
	wasm_store_free(s);
}

/* The definitions importer.wat wants, each replaceable by a test case. */
struct imp_env {
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_funcinst *f;
	struct wasm_tableinst *tb;
	struct wasm_memory *mem;
	struct wasm_globalinst *g, *gm;
};

static bool imp_env_new(struct test_ctx *t, struct imp_env *e)
{
	struct wasm_extern x;

	if (!EXPECT_OK(wasm_store_new(NULL, &e->s)))
		return false;
	if (!EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_store_new_func(e->s, "i:i", host_nop, NULL, &e->f)) ||
	    !EXPECT_OK(wasm_store_new_table(e->s, WASM_TYPE_FUNCREF,
					    (struct wasm_limits){1, 5, true, false}, &e->tb)) ||
	    !EXPECT_OK(wasm_store_new_memory(e->s, (struct wasm_limits){1, 2, true, false},
					     &e->mem)) ||
	    !EXPECT_OK(wasm_store_new_global(e->s, WASM_TYPE_I32, false, rt_i32(9), &e->g)) ||
	    !EXPECT_OK(wasm_store_new_global(e->s, WASM_TYPE_I64, true, rt_i64(1), &e->gm))) {
		wasm_store_free(e->s);
		return false;
	}
	x = (struct wasm_extern){.kind = WASM_EXTERN_FUNC, .u.func = e->f};
	EXPECT_OK(wasm_linker_define(e->l, "m", "f", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_TABLE, .u.table = e->tb};
	EXPECT_OK(wasm_linker_define(e->l, "m", "t", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_MEMORY, .u.mem = e->mem};
	EXPECT_OK(wasm_linker_define(e->l, "m", "mem", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = e->g};
	EXPECT_OK(wasm_linker_define(e->l, "m", "g", &x));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = e->gm};
	EXPECT_OK(wasm_linker_define(e->l, "m", "gm", &x));
	return true;
}

TEST(wasm_runtime_link, imports_all_kinds)
{
	struct wasm_module *m = RT_LOAD(mod_importer);
	struct wasm_instance *inst = NULL;
	struct wasm_error err;
	struct wasm_extern x;
	struct imp_env e;

	if (!m || !imp_env_new(t, &e)) {
		wasm_module_free(m);
		return;
	}
	if (EXPECT_OK(wasm_instantiate(e.s, m, e.l, &inst, &err))) {
		EXPECT(inst->store == e.s);
		EXPECT(inst->module == m);
		EXPECT(inst->funcs[0] == e.f);
		EXPECT(inst->tables[0] == e.tb);
		EXPECT(inst->mems[0] == e.mem);
		EXPECT(inst->globals[0] == e.g);
		EXPECT(inst->globals[1] == e.gm);
		EXPECT(wasm_instance_start_func(inst) == NULL);
		if (EXPECT_OK(wasm_instance_export(inst, "f", &x)))
			EXPECT(x.kind == WASM_EXTERN_FUNC && x.u.func == e.f);
		if (EXPECT_OK(wasm_instance_export(inst, "t", &x)))
			EXPECT(x.kind == WASM_EXTERN_TABLE && x.u.table == e.tb);
		if (EXPECT_OK(wasm_instance_export(inst, "mem", &x)))
			EXPECT(x.kind == WASM_EXTERN_MEMORY && x.u.mem == e.mem);
		if (EXPECT_OK(wasm_instance_export(inst, "g", &x)))
			EXPECT(x.kind == WASM_EXTERN_GLOBAL && x.u.global == e.g);
		EXPECT_EQ(wasm_instance_export(inst, "gm", &x), ERR_NOENT);
		EXPECT_EQ(wasm_instance_export(inst, "", &x), ERR_NOENT);
	} else {
		test_printf(t, "instantiate: %s\n", err.msg);
	}
	EXPECT(wasm_store_check(e.s));
	wasm_store_free(e.s);
	wasm_module_free(m);
}

/* One import definition replaced; what instantiating importer.wat gives. */
enum imp_what { IMP_F, IMP_T, IMP_MEM, IMP_G, IMP_GM };
struct imp_case {
	const char *label;
	enum imp_what what;
	const char *name; /* what to define it as (NULL: leave it undefined) */
	uint8_t kind;	  /* WASM_EXTERN_* */
	const char *sig;  /* func */
	uint8_t type;	  /* table elem type / global type */
	bool is_mutable;  /* global */
	struct wasm_limits limits;
	uint32_t grow;	  /* table/memory: grow by this after creating */
	const char *want; /* expected msg prefix, NULL: instantiates */
};

#define INCOMPAT "incompatible import type"

static const struct imp_case imp_cases[] = {
	{"func missing", IMP_F, NULL, 0, NULL, 0, false, {0}, 0, "unknown import m.f"},
	{"func result type",
	 IMP_F,
	 "f",
	 WASM_EXTERN_FUNC,
	 "i:I",
	 0,
	 false,
	 {0},
	 0,
	 INCOMPAT " m.f"},
	{"func params", IMP_F, "f", WASM_EXTERN_FUNC, "ii:i", 0, false, {0}, 0, INCOMPAT},
	{"func no results", IMP_F, "f", WASM_EXTERN_FUNC, "i:", 0, false, {0}, 0, INCOMPAT},
	{"func as global",
	 IMP_F,
	 "f",
	 WASM_EXTERN_GLOBAL,
	 NULL,
	 WASM_TYPE_I32,
	 false,
	 {0},
	 0,
	 INCOMPAT " m.f"},
	{"table missing", IMP_T, NULL, 0, NULL, 0, false, {0}, 0, "unknown import m.t"},
	{"table externref",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_EXTERNREF,
	 false,
	 {1, 5, true, false},
	 0,
	 INCOMPAT " m.t"},
	{"table min small",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_FUNCREF,
	 false,
	 {0, 5, true, false},
	 0,
	 INCOMPAT},
	{"table no max",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_FUNCREF,
	 false,
	 {1, 0, false, false},
	 0,
	 INCOMPAT},
	{"table max large",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_FUNCREF,
	 false,
	 {1, 6, true, false},
	 0,
	 INCOMPAT},
	{"table tighter",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_FUNCREF,
	 false,
	 {2, 4, true, false},
	 0,
	 NULL},
	/* the current size counts, not the declared minimum */
	{"table grown",
	 IMP_T,
	 "t",
	 WASM_EXTERN_TABLE,
	 NULL,
	 WASM_TYPE_FUNCREF,
	 false,
	 {0, 5, true, false},
	 1,
	 NULL},
	{"table as memory",
	 IMP_T,
	 "t",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {1, 2, true, false},
	 0,
	 INCOMPAT},
	{"memory no max",
	 IMP_MEM,
	 "mem",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {1, 0, false, false},
	 0,
	 INCOMPAT " m.mem"},
	{"memory max large",
	 IMP_MEM,
	 "mem",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {1, 3, true, false},
	 0,
	 INCOMPAT},
	{"memory min small",
	 IMP_MEM,
	 "mem",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {0, 2, true, false},
	 0,
	 INCOMPAT},
	{"memory grown",
	 IMP_MEM,
	 "mem",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {0, 2, true, false},
	 1,
	 NULL},
	{"memory tighter",
	 IMP_MEM,
	 "mem",
	 WASM_EXTERN_MEMORY,
	 NULL,
	 0,
	 false,
	 {2, 2, true, false},
	 0,
	 NULL},
	{"global type",
	 IMP_G,
	 "g",
	 WASM_EXTERN_GLOBAL,
	 NULL,
	 WASM_TYPE_I64,
	 false,
	 {0},
	 0,
	 INCOMPAT " m.g"},
	{"global mutable",
	 IMP_G,
	 "g",
	 WASM_EXTERN_GLOBAL,
	 NULL,
	 WASM_TYPE_I32,
	 true,
	 {0},
	 0,
	 INCOMPAT},
	{"global immutable",
	 IMP_GM,
	 "gm",
	 WASM_EXTERN_GLOBAL,
	 NULL,
	 WASM_TYPE_I64,
	 false,
	 {0},
	 0,
	 INCOMPAT " m.gm"},
	{"global mut type",
	 IMP_GM,
	 "gm",
	 WASM_EXTERN_GLOBAL,
	 NULL,
	 WASM_TYPE_I32,
	 true,
	 {0},
	 0,
	 INCOMPAT},
	{"global as func", IMP_G, "g", WASM_EXTERN_FUNC, ":i", 0, false, {0}, 0, INCOMPAT},
};

/* Builds the replacement for c->what in a fresh environment. */
static bool imp_case_env(struct test_ctx *t, const struct imp_case *c, struct imp_env *e)
{
	static const char *const names[] = {"f", "t", "mem", "g", "gm"};
	struct wasm_store *s;
	struct wasm_extern x = {.kind = c->kind};
	int rc = 0;

	if (!EXPECT_OK(wasm_store_new(NULL, &e->s)))
		return false;
	s = e->s;
	if (!EXPECT_OK(wasm_linker_new(s, &e->l)))
		return false;
	/* The other four as in imp_env_new. */
	for (int k = IMP_F; k <= IMP_GM; k++) {
		struct wasm_extern y = {0};

		if (k == (int)c->what)
			continue;
		switch (k) {
		case IMP_F:
			y.kind = WASM_EXTERN_FUNC;
			rc |= wasm_store_new_func(s, "i:i", host_nop, NULL, &y.u.func);
			break;
		case IMP_T:
			y.kind = WASM_EXTERN_TABLE;
			rc |= wasm_store_new_table(s, WASM_TYPE_FUNCREF,
						   (struct wasm_limits){1, 5, true, false},
						   &y.u.table);
			break;
		case IMP_MEM:
			y.kind = WASM_EXTERN_MEMORY;
			rc |= wasm_store_new_memory(s, (struct wasm_limits){1, 2, true, false},
						    &y.u.mem);
			break;
		case IMP_G:
			y.kind = WASM_EXTERN_GLOBAL;
			rc |= wasm_store_new_global(s, WASM_TYPE_I32, false, rt_i32(0),
						    &y.u.global);
			break;
		default:
			y.kind = WASM_EXTERN_GLOBAL;
			rc |= wasm_store_new_global(s, WASM_TYPE_I64, true, rt_i64(0), &y.u.global);
			break;
		}
		rc |= wasm_linker_define(e->l, "m", names[k], &y);
	}
	if (!c->name)
		return EXPECT_OK(rc);
	switch (c->kind) {
	case WASM_EXTERN_FUNC:
		rc |= wasm_store_new_func(s, c->sig, host_nop, NULL, &x.u.func);
		break;
	case WASM_EXTERN_TABLE:
		rc |= wasm_store_new_table(s, c->type, c->limits, &x.u.table);
		if (!rc && c->grow)
			EXPECT_GE(wasm_rt_table_grow(x.u.table, 0, c->grow), 0);
		break;
	case WASM_EXTERN_MEMORY:
		rc |= wasm_store_new_memory(s, c->limits, &x.u.mem);
		if (!rc && c->grow)
			EXPECT_GE(wasm_memory_grow(x.u.mem, c->grow), 0);
		break;
	default:
		rc |= wasm_store_new_global(s, c->type, c->is_mutable, rt_i64(0), &x.u.global);
		break;
	}
	if (!rc)
		rc = wasm_linker_define(e->l, "m", c->name, &x);
	return EXPECT_OK(rc);
}

TEST(wasm_runtime_link, import_mismatches)
{
	struct wasm_module *m = RT_LOAD(mod_importer);

	if (!m)
		return;
	for (size_t i = 0; i < sizeof(imp_cases) / sizeof(imp_cases[0]); i++) {
		const struct imp_case *c = &imp_cases[i];
		struct wasm_instance *inst = NULL;
		struct wasm_error err = {0};
		struct imp_env e = {0};
		bool ok = imp_case_env(t, c, &e);
		int rc = ok ? wasm_instantiate(e.s, m, e.l, &inst, &err) : -1;

		if (ok && c->want) {
			ok = EXPECT_EQ(rc, ERR_LINK) && EXPECT_EQ(err.kind, ERR_LINK) &&
			     EXPECT(rt_starts_with(err.msg, c->want)) && EXPECT(inst == NULL);
		} else if (ok) {
			ok = EXPECT_OK(rc) && EXPECT(inst != NULL);
		}
		if (!ok)
			test_printf(t, "case \"%s\": rc %d msg \"%s\"\n", c->label, rc, err.msg);
		EXPECT(wasm_store_check(e.s));
		wasm_store_free(e.s);
	}
	wasm_module_free(m);
}

TEST(wasm_runtime_link, instance_to_instance)
{
	struct wasm_module *mx = RT_LOAD(mod_exporter), *mi = RT_LOAD(mod_importer);
	struct wasm_instance *ix = NULL, *ii = NULL;
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_tableinst *tb;
	struct wasm_memory *mem;
	struct wasm_error err = {0};
	struct wasm_extern x;

	if (!mx || !mi || !EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_linker_new(s, &l)))
		goto out;
	if (!EXPECT_OK(wasm_instantiate(s, mx, NULL, &ix, &err)))
		goto out;
	/* The exporter's own objects. */
	EXPECT(ix->funcs[0]->inst == ix);
	EXPECT_EQ(ix->funcs[0]->index, 0);
	EXPECT(ix->funcs[0]->type == &mx->types[0]);
	EXPECT(ix->funcs[0]->host == NULL);
	EXPECT(wasm_instance_start_func(ix) == ix->funcs[1]);
	EXPECT_EQ(ix->tables[0]->size, 2);
	EXPECT_EQ(ix->tables[0]->max, 10);
	EXPECT_EQ(ix->mems[0]->pages, 1);
	EXPECT_EQ(ix->mems[0]->cap_pages, 3);
	EXPECT_EQ(ix->globals[0]->val.i32, 42);
	EXPECT(!ix->globals[0]->is_mutable);
	EXPECT_EQ_U(ix->globals[1]->val.i64, UINT64_MAX);
	EXPECT(ix->globals[1]->is_mutable);
	EXPECT_EQ_U(ix->globals[2]->val.ref, (uintptr_t)ix->funcs[0]);
	EXPECT_EQ(wasm_instance_export(ix, "nope", &x), ERR_NOENT);
	if (EXPECT_OK(wasm_instance_export(ix, "gf", &x)))
		EXPECT(x.kind == WASM_EXTERN_GLOBAL && x.u.global == ix->globals[2]);

	/* Its table (max 10) and memory (max 3) are too loose for importer.wat
	 * (max 5, max 2); "t" is not even an export of it. */
	if (!EXPECT_OK(wasm_linker_define_instance(l, "m", ix)))
		goto out;
	EXPECT_EQ(wasm_instantiate(s, mi, l, &ii, &err), ERR_LINK);
	EXPECT(rt_starts_with(err.msg, "unknown import m.t"));
	x = (struct wasm_extern){.kind = WASM_EXTERN_TABLE, .u.table = ix->tables[0]};
	EXPECT_OK(wasm_linker_define(l, "m", "t", &x));
	EXPECT_EQ(wasm_instantiate(s, mi, l, &ii, &err), ERR_LINK);
	EXPECT(rt_starts_with(err.msg, INCOMPAT " m.t"));
	if (!EXPECT_OK(wasm_store_new_table(s, WASM_TYPE_FUNCREF,
					    (struct wasm_limits){1, 5, true, false}, &tb)) ||
	    !EXPECT_OK(wasm_store_new_memory(s, (struct wasm_limits){1, 2, true, false}, &mem)))
		goto out;
	x = (struct wasm_extern){.kind = WASM_EXTERN_TABLE, .u.table = tb};
	EXPECT_OK(wasm_linker_define(l, "m", "t", &x)); /* replaces */
	EXPECT_EQ(wasm_instantiate(s, mi, l, &ii, &err), ERR_LINK);
	EXPECT(rt_starts_with(err.msg, INCOMPAT " m.mem"));
	x = (struct wasm_extern){.kind = WASM_EXTERN_MEMORY, .u.mem = mem};
	EXPECT_OK(wasm_linker_define(l, "m", "mem", &x));
	if (!EXPECT_OK(wasm_instantiate(s, mi, l, &ii, &err))) {
		test_printf(t, "instantiate: %s\n", err.msg);
		goto out;
	}
	EXPECT(ii->funcs[0] == ix->funcs[0]);
	EXPECT(ii->tables[0] == tb);
	EXPECT(ii->mems[0] == mem);
	EXPECT(ii->globals[0] == ix->globals[0]);
	EXPECT(ii->globals[1] == ix->globals[1]);
	if (EXPECT_OK(wasm_instance_export(ii, "f", &x)))
		EXPECT(x.u.func == ix->funcs[0]);
	EXPECT(wasm_store_check(s));
out:
	wasm_store_free(s);
	wasm_module_free(mx);
	wasm_module_free(mi);
}

TEST(wasm_runtime_link, linker_kinds_and_replacement)
{
	struct wasm_module *m = RT_LOAD(mod_importer);
	struct wasm_instance *inst = NULL;
	struct wasm_error err;
	struct wasm_extern x;
	struct wasm_globalinst *g;
	struct imp_env e;

	if (!m || !imp_env_new(t, &e)) {
		wasm_module_free(m);
		return;
	}
	/* A global named "f" next to the function "f": the import of a
	 * function finds the function. */
	EXPECT_OK(wasm_store_new_global(e.s, WASM_TYPE_I32, false, rt_i32(1), &g));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = g};
	EXPECT_OK(wasm_linker_define(e.l, "m", "f", &x));
	/* A second function "f" replaces the first. */
	EXPECT_OK(wasm_linker_define_func(e.l, "m", "f", "i:i", host_nop, NULL));
	EXPECT_EQ(wasm_linker_define_func(e.l, "m", "f", "i:z", host_nop, NULL), ERR_INVAL);
	x.kind = 7;
	EXPECT_EQ(wasm_linker_define(e.l, "m", "bad", &x), ERR_INVAL);
	if (EXPECT_OK(wasm_instantiate(e.s, m, e.l, &inst, &err))) {
		EXPECT(inst->funcs[0] != e.f);
		EXPECT(inst->funcs[0]->host == host_nop);
		EXPECT_EQ(inst->funcs[0]->type->nparams, 1);
	}
	/* No linker: every import is unknown. */
	EXPECT_EQ(wasm_instantiate(e.s, m, NULL, &inst, &err), ERR_LINK);
	EXPECT(rt_starts_with(err.msg, "unknown import m.f"));
	wasm_store_free(e.s);
	wasm_module_free(m);
}

TEST(wasm_runtime_link, global_initializers)
{
	struct wasm_module *m = RT_LOAD(mod_globals);
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_globalinst *g, *xr;
	struct wasm_instance *inst = NULL;
	struct wasm_error err;
	struct wasm_extern x;

	if (!m || !EXPECT_OK(wasm_store_new(NULL, &s)) || !EXPECT_OK(wasm_linker_new(s, &l)))
		goto out;
	EXPECT_OK(wasm_store_new_global(s, WASM_TYPE_I32, false, rt_i32(7), &g));
	EXPECT_OK(wasm_store_new_global(s, WASM_TYPE_EXTERNREF, false, rt_ref(0xabc), &xr));
	x = (struct wasm_extern){.kind = WASM_EXTERN_GLOBAL, .u.global = g};
	EXPECT_OK(wasm_linker_define(l, "m", "g", &x));
	x.u.global = xr;
	EXPECT_OK(wasm_linker_define(l, "m", "x", &x));
	if (!EXPECT_OK(wasm_instantiate(s, m, l, &inst, &err))) {
		test_printf(t, "instantiate: %s\n", err.msg);
		goto out;
	}
	/* globals: 0 g, 1 x (imported), 2 a .. 8 x */
	EXPECT(inst->globals[0] == g);
	EXPECT(inst->globals[1] == xr);
	EXPECT_EQ(inst->globals[2]->val.i32, 7);
	EXPECT_EQ(inst->globals[2]->type, WASM_TYPE_I32);
	EXPECT_EQ_U(inst->globals[3]->val.i64, 0x123456789u);
	EXPECT_EQ_U(inst->globals[4]->val.f32, 0x3fc00000u);
	EXPECT_EQ_U(inst->globals[5]->val.f64, 0xc000000000000000u);
	EXPECT(inst->globals[5]->is_mutable);
	EXPECT(!inst->globals[4]->is_mutable);
	EXPECT_EQ_U(inst->globals[6]->val.ref, (uintptr_t)inst->funcs[0]);
	EXPECT_EQ_U(inst->globals[7]->val.ref, 0);
	EXPECT_EQ_U(inst->globals[8]->val.ref, 0xabc);
	/* Initializers copied the value: changing the import later does not
	 * change them. */
	g->val.i32 = 8;
	EXPECT_EQ(inst->globals[2]->val.i32, 7);
	if (EXPECT_OK(wasm_instance_export(inst, "x", &x)))
		EXPECT(x.u.global == inst->globals[8]);
out:
	wasm_store_free(s);
	wasm_module_free(m);
}

TEST(wasm_runtime_link, rejects_unvalidated_module)
{
	struct wasm_module *m = NULL;
	struct wasm_store *s;
	struct wasm_instance *inst = NULL;
	struct wasm_error err;

	if (!EXPECT_OK(wasm_module_decode(mod_big, sizeof(mod_big), &m, &err)))
		return;
	if (EXPECT_OK(wasm_store_new(NULL, &s))) {
		EXPECT_EQ(wasm_instantiate(s, m, NULL, &inst, &err), ERR_INVAL);
		EXPECT(inst == NULL);
		wasm_store_free(s);
	}
	wasm_module_free(m);
}
