/*
 * wasi_bind_test.c - wasi_bind (the WASI table as host functions of the
 * engine) and runtime_host (the host store configuration: guarded memory
 * whose faults become traps, or checked memory), on two small modules.
 *
 * bind_wasm is this module (wat2wasm):
 *
 * (module
 *   (import "wasi_snapshot_preview1" "args_sizes_get" (func $asg (param i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
 *   (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
 *   (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result
 * i32))) (memory 1) (func (export "argc") (result i32) (if (call $asg (i32.const 0) (i32.const 4))
 * (then (return (i32.const -1)))) (i32.load (i32.const 0))) (func (export "argv_bytes") (result
 * i32) (drop (call $asg (i32.const 0) (i32.const 4))) (i32.load (i32.const 4))) (func (export
 * "sizes_oob") (result i32) (call $asg (i32.const 65534) (i32.const 4))) (func (export
 * "grow_then_argc") (result i32) (drop (memory.grow (i32.const 3))) (if (call $asg (i32.const
 * 196608) (i32.const 196612)) (then (return (i32.const -1)))) (i32.load (i32.const 196608))) (func
 * (export "exit7") (call $exit (i32.const 7)) unreachable) (func (export "yield") (result i32)
 * (call $yield)) (func (export "clock") (param i64) (result i32) (call $clock (i32.const 1)
 * (local.get 0) (i32.const 8))) (func (export "load") (param i32) (result i32) (i32.load (local.get
 * 0)))
 * )
 *
 * nomem_wasm, the same calls without a memory:
 *
 * (module
 *   (import "wasi_snapshot_preview1" "args_sizes_get" (func $asg (param i32 i32) (result i32)))
 *   (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
 *   (func (export "argc") (result i32) (call $asg (i32.const 0) (i32.const 4)))
 *   (func (export "exit0") (call $exit (i32.const 0)))
 * )
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/runtime_host.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasi/wasi.h"
#include "wasi/wasi_bind.h"

static const uint8_t bind_wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x23, 0x07, 0x60, 0x02, 0x7f, 0x7f,
	0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7e, 0x7f,
	0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7e, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
	0x02, 0x99, 0x01, 0x04, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73,
	0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0e, 0x61, 0x72,
	0x67, 0x73, 0x5f, 0x73, 0x69, 0x7a, 0x65, 0x73, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x00, 0x16,
	0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70,
	0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x09, 0x70, 0x72, 0x6f, 0x63, 0x5f, 0x65, 0x78,
	0x69, 0x74, 0x00, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73,
	0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0b, 0x73, 0x63,
	0x68, 0x65, 0x64, 0x5f, 0x79, 0x69, 0x65, 0x6c, 0x64, 0x00, 0x02, 0x16, 0x77, 0x61, 0x73,
	0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76,
	0x69, 0x65, 0x77, 0x31, 0x0e, 0x63, 0x6c, 0x6f, 0x63, 0x6b, 0x5f, 0x74, 0x69, 0x6d, 0x65,
	0x5f, 0x67, 0x65, 0x74, 0x00, 0x03, 0x03, 0x09, 0x08, 0x02, 0x02, 0x02, 0x02, 0x04, 0x02,
	0x05, 0x06, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x51, 0x08, 0x04, 0x61, 0x72, 0x67, 0x63,
	0x00, 0x04, 0x0a, 0x61, 0x72, 0x67, 0x76, 0x5f, 0x62, 0x79, 0x74, 0x65, 0x73, 0x00, 0x05,
	0x09, 0x73, 0x69, 0x7a, 0x65, 0x73, 0x5f, 0x6f, 0x6f, 0x62, 0x00, 0x06, 0x0e, 0x67, 0x72,
	0x6f, 0x77, 0x5f, 0x74, 0x68, 0x65, 0x6e, 0x5f, 0x61, 0x72, 0x67, 0x63, 0x00, 0x07, 0x05,
	0x65, 0x78, 0x69, 0x74, 0x37, 0x00, 0x08, 0x05, 0x79, 0x69, 0x65, 0x6c, 0x64, 0x00, 0x09,
	0x05, 0x63, 0x6c, 0x6f, 0x63, 0x6b, 0x00, 0x0a, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x0b,
	0x0a, 0x6e, 0x08, 0x13, 0x00, 0x41, 0x00, 0x41, 0x04, 0x10, 0x00, 0x04, 0x40, 0x41, 0x7f,
	0x0f, 0x0b, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0b, 0x0e, 0x00, 0x41, 0x00, 0x41, 0x04, 0x10,
	0x00, 0x1a, 0x41, 0x04, 0x28, 0x02, 0x00, 0x0b, 0x0a, 0x00, 0x41, 0xfe, 0xff, 0x03, 0x41,
	0x04, 0x10, 0x00, 0x0b, 0x1e, 0x00, 0x41, 0x03, 0x40, 0x00, 0x1a, 0x41, 0x80, 0x80, 0x0c,
	0x41, 0x84, 0x80, 0x0c, 0x10, 0x00, 0x04, 0x40, 0x41, 0x7f, 0x0f, 0x0b, 0x41, 0x80, 0x80,
	0x0c, 0x28, 0x02, 0x00, 0x0b, 0x07, 0x00, 0x41, 0x07, 0x10, 0x01, 0x00, 0x0b, 0x04, 0x00,
	0x10, 0x02, 0x0b, 0x0a, 0x00, 0x41, 0x01, 0x20, 0x00, 0x41, 0x08, 0x10, 0x03, 0x0b, 0x07,
	0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b,
};

static const uint8_t nomem_wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x04, 0x60, 0x02, 0x7f, 0x7f,
	0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x4c,
	0x02, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74,
	0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0e, 0x61, 0x72, 0x67, 0x73, 0x5f,
	0x73, 0x69, 0x7a, 0x65, 0x73, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x00, 0x16, 0x77, 0x61, 0x73,
	0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76,
	0x69, 0x65, 0x77, 0x31, 0x09, 0x70, 0x72, 0x6f, 0x63, 0x5f, 0x65, 0x78, 0x69, 0x74, 0x00,
	0x01, 0x03, 0x03, 0x02, 0x02, 0x03, 0x07, 0x10, 0x02, 0x04, 0x61, 0x72, 0x67, 0x63, 0x00,
	0x02, 0x05, 0x65, 0x78, 0x69, 0x74, 0x30, 0x00, 0x03, 0x0a, 0x11, 0x02, 0x08, 0x00, 0x41,
	0x00, 0x41, 0x04, 0x10, 0x00, 0x0b, 0x06, 0x00, 0x41, 0x00, 0x10, 0x01, 0x0b,
};

struct bind_fake {
	uint32_t yields;
};

static uint16_t fake_clock(void *arg, uint32_t id, uint64_t *out_ns)
{
	(void)arg;
	*out_ns = UINT64_C(1000000007) * (id + 1);
	return 0;
}

/* Wants to be suspended every time (a host that reschedules). */
static uint16_t fake_yield(void *arg)
{
	((struct bind_fake *)arg)->yields++;
	return WASI_EAGAIN;
}

struct bind_fixture {
	struct bind_fake fake;
	struct wasi_env env;
	struct wasi_ctx ctx;
	bool ctx_live;
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

/* Loads `bytes` in a store made by wasm_runtime_host_config(checked),
 * with WASI bound to a ctx whose argv is {"prog", "ab", "cde"}. */
static bool bind_setup(struct test_ctx *t, struct bind_fixture *f, const uint8_t *bytes, size_t len,
		       bool checked)
{
	static const char *const argv[] = {"prog", "ab", "cde"};
	struct wasi_config wcfg = {.argc = 3, .argv = argv, .stdio = {0, 1, 2}};
	struct wasm_store_config cfg;
	struct wasm_linker *l;
	struct wasm_error err;
	bool guarded = !checked;

	memset(f, 0, sizeof(*f));
	f->env.arg = &f->fake;
	f->env.clock_time = fake_clock;
	f->env.yield = fake_yield;
	wasm_runtime_host_config(checked, &cfg, &guarded);
	if (checked && !EXPECT(!guarded))
		return false;
	if (!EXPECT_OK(wasi_ctx_init(&f->ctx, &f->env, NULL, &wcfg)))
		return false;
	f->ctx_live = true;
	return EXPECT_OK(wasm_module_load(bytes, len, &f->m, &err)) &&
	       EXPECT_OK(wasm_store_new(&cfg, &f->s)) && EXPECT_OK(wasm_linker_new(f->s, &l)) &&
	       EXPECT_OK(wasi_bind_define(l, &f->ctx)) &&
	       EXPECT_OK(wasm_instantiate(f->s, f->m, l, &f->inst, &err)) &&
	       EXPECT_OK(wasm_exec_new(f->s, NULL, &f->x));
}

static void bind_teardown(struct bind_fixture *f)
{
	wasm_store_free(f->s);
	wasm_module_free(f->m);
	if (f->ctx_live)
		wasi_ctx_destroy(&f->ctx);
}

static struct wasm_funcinst *bind_export(struct bind_fixture *f, const char *name)
{
	struct wasm_extern e;

	if (wasm_instance_export(f->inst, name, &e) != 0 || e.kind != WASM_EXTERN_FUNC)
		return NULL;
	return e.u.func;
}

/* Calls export `name` with at most one argument and runs it to the end;
 * returns the run status (and the i32 result in *out if it returned one). */
static int bind_run(struct test_ctx *t, struct bind_fixture *f, const char *name,
		    const union wasm_val *arg, uint32_t *out)
{
	struct wasm_funcinst *fn = bind_export(f, name);
	const union wasm_val *res;
	uint32_t n;
	enum wasm_run_status st;

	if (!EXPECT(fn != NULL))
		return -1;
	if (!EXPECT_OK(wasm_exec_call(f->x, fn, arg, arg ? 1 : 0)))
		return -1;
	st = wasm_run(f->x, UINT64_MAX);
	if (st == WASM_RUN_DONE) {
		res = wasm_exec_results(f->x, &n);
		if (n == 1 && out)
			*out = res[0].i32;
	}
	return (int)st;
}

TEST(wasi_bind, args_through_memory)
{
	struct bind_fixture f;
	uint32_t v = 0;

	if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), false)) {
		EXPECT_EQ(bind_run(t, &f, "argc", NULL, &v), WASM_RUN_DONE);
		EXPECT_EQ(v, 3);
		EXPECT_EQ(bind_run(t, &f, "argv_bytes", NULL, &v), WASM_RUN_DONE);
		EXPECT_EQ(v, 12); /* "prog\0ab\0cde\0" */
		EXPECT_EQ(bind_run(t, &f, "sizes_oob", NULL, &v), WASM_RUN_DONE);
		EXPECT_EQ(v, WASI_EFAULT);
	}
	bind_teardown(&f);
}

/* The memory is fetched per call: after memory.grow (which may move a
 * checked memory) the new pages are reachable. */
TEST(wasi_bind, memory_after_grow)
{
	for (int checked = 0; checked < 2; checked++) {
		struct bind_fixture f;
		uint32_t v = 0;

		if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), checked)) {
			EXPECT_EQ(bind_run(t, &f, "grow_then_argc", NULL, &v), WASM_RUN_DONE);
			EXPECT_EQ(v, 3);
		}
		bind_teardown(&f);
	}
}

TEST(wasi_bind, i64_argument)
{
	struct bind_fixture f;
	union wasm_val prec = {.i64 = UINT64_C(0x123456789)};
	uint32_t v = 99;
	uint64_t now = 0;

	if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), false)) {
		EXPECT_EQ(bind_run(t, &f, "clock", &prec, &v), WASM_RUN_DONE);
		EXPECT_EQ(v, 0);
		memcpy(&now, f.inst->mems[0]->base + 8, sizeof(now));
		EXPECT_EQ_U(now, UINT64_C(2000000014));
	}
	bind_teardown(&f);
}

TEST(wasi_bind, proc_exit_is_exit_trap)
{
	struct bind_fixture f;
	const struct wasm_trap *tr;

	if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), false)) {
		EXPECT_EQ(bind_run(t, &f, "exit7", NULL, NULL), WASM_RUN_TRAPPED);
		tr = wasm_exec_trap(f.x);
		if (EXPECT(tr != NULL)) {
			EXPECT_EQ(tr->kind, WASM_TRAP_EXIT);
			EXPECT_EQ(tr->exit_code, 7);
		}
		EXPECT_EQ(f.ctx.exit_code, 7);
	}
	bind_teardown(&f);
}

/* A blocked call suspends the guest at the call; the next wasm_run retries
 * it, and sched_yield completes on its retry. */
TEST(wasi_bind, blocked_suspends_and_retries)
{
	struct bind_fixture f;
	const union wasm_val *res;
	uint32_t n = 0;

	if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), false)) {
		EXPECT_EQ(bind_run(t, &f, "yield", NULL, NULL), WASM_RUN_SUSPENDED);
		EXPECT_EQ(wasm_exec_suspend_reason(f.x), WASM_SUSPEND_BLOCKED);
		EXPECT_EQ(f.fake.yields, 1);
		EXPECT_EQ(wasi_ctx_wait_pending(&f.ctx), 0);
		EXPECT_EQ(wasm_run(f.x, UINT64_MAX), WASM_RUN_DONE);
		res = wasm_exec_results(f.x, &n);
		if (EXPECT_EQ(n, 1))
			EXPECT_EQ(res[0].i32, 0);
		EXPECT_EQ(f.fake.yields, 1);
	}
	bind_teardown(&f);
}

/* Without a memory every pointer is EFAULT; proc_exit still works. */
TEST(wasi_bind, no_memory)
{
	struct bind_fixture f;
	uint32_t v = 0;

	if (bind_setup(t, &f, nomem_wasm, sizeof(nomem_wasm), false)) {
		EXPECT_EQ(bind_run(t, &f, "argc", NULL, &v), WASM_RUN_DONE);
		EXPECT_EQ(v, WASI_EFAULT);
		EXPECT_EQ(bind_run(t, &f, "exit0", NULL, NULL), WASM_RUN_TRAPPED);
		EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_EXIT);
		EXPECT_EQ(wasm_exec_trap(f.x)->exit_code, 0);
	}
	bind_teardown(&f);
}

/* A tiny binary writer for modules that import every WASI function. */
struct bin {
	uint8_t b[4096];
	size_t n;
};

static void bin_u8(struct bin *w, uint8_t v)
{
	if (w->n < sizeof(w->b))
		w->b[w->n++] = v;
}

static void bin_leb(struct bin *w, uint32_t v)
{
	do {
		bin_u8(w, (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static void bin_name(struct bin *w, const char *s)
{
	bin_leb(w, (uint32_t)strlen(s));
	while (*s)
		bin_u8(w, (uint8_t)*s++);
}

static void bin_section(struct bin *w, uint8_t id, const struct bin *content)
{
	bin_u8(w, id);
	bin_leb(w, (uint32_t)content->n);
	for (size_t i = 0; i < content->n; i++)
		bin_u8(w, content->b[i]);
}

/* A module importing every wasi_imports entry with the type its sig names;
 * entry `wrong` (if < wasi_nimports) gets an extra i32 result instead. */
static void bin_wasi_module(struct bin *w, size_t wrong)
{
	struct bin types = {.n = 0}, imports = {.n = 0};

	bin_leb(&types, (uint32_t)wasi_nimports);
	bin_leb(&imports, (uint32_t)wasi_nimports);
	for (size_t i = 0; i < wasi_nimports; i++) {
		const char *sig = wasi_imports[i].sig, *colon = strchr(sig, ':');

		bin_u8(&types, 0x60);
		bin_leb(&types, (uint32_t)(colon - sig));
		for (const char *p = sig; p < colon; p++)
			bin_u8(&types, *p == 'I' ? 0x7e : 0x7f);
		bin_leb(&types, (uint32_t)strlen(colon + 1) + (i == wrong));
		for (const char *p = colon + 1; *p; p++)
			bin_u8(&types, *p == 'I' ? 0x7e : 0x7f);
		if (i == wrong)
			bin_u8(&types, 0x7f);
		bin_name(&imports, WASI_MODULE_NAME);
		bin_name(&imports, wasi_imports[i].name);
		bin_u8(&imports, 0x00);
		bin_leb(&imports, (uint32_t)i);
	}
	memset(w, 0, sizeof(*w));
	memcpy(w->b, "\0asm\1\0\0\0", 8);
	w->n = 8;
	bin_section(w, 1, &types);
	bin_section(w, 2, &imports);
}

/* Every entry of the table is defined with its own type: a module that
 * imports them all links; one with a wrong type for proc_exit does not. */
TEST(wasi_bind, defines_the_whole_table)
{
	struct wasi_config wcfg = {.stdio = {0, 1, 2}};
	struct wasi_env env = {0};
	struct wasi_ctx ctx;
	struct bin w;

	if (!EXPECT_OK(wasi_ctx_init(&ctx, &env, NULL, &wcfg)))
		return;
	for (int pass = 0; pass < 2; pass++) {
		size_t wrong = pass ? wasi_nimports : 0;
		struct wasm_module *m = NULL;
		struct wasm_store *s = NULL;
		struct wasm_linker *l;
		struct wasm_instance *inst;
		struct wasm_error err;

		for (size_t i = 0; pass == 0 && i < wasi_nimports; i++)
			if (strcmp(wasi_imports[i].name, "proc_exit") == 0)
				wrong = i;
		bin_wasi_module(&w, wrong);
		if (EXPECT(w.n < sizeof(w.b)) && EXPECT_OK(wasm_module_load(w.b, w.n, &m, &err)) &&
		    EXPECT_OK(wasm_store_new(NULL, &s)) && EXPECT_OK(wasm_linker_new(s, &l)) &&
		    EXPECT_OK(wasi_bind_define(l, &ctx)) && EXPECT_OK(wasi_bind_define(l, &ctx)))
			EXPECT_EQ(wasm_instantiate(s, m, l, &inst, &err), pass ? 0 : ERR_LINK);
		wasm_store_free(s);
		wasm_module_free(m);
	}
	wasi_ctx_destroy(&ctx);
}

/* Guarded memory: an out-of-bounds load faults in hardware and becomes an
 * out-of-bounds trap; the instance stays usable. Checked: the same trap. */
TEST(wasm_runtime_host, fault_becomes_trap)
{
	for (int checked = 0; checked < 2; checked++) {
		struct bind_fixture f;
		union wasm_val a = {.i32 = 70000};
		uint32_t v = 1;

		if (bind_setup(t, &f, bind_wasm, sizeof(bind_wasm), checked)) {
			EXPECT_EQ(f.inst->mems[0]->guarded, !checked);
			EXPECT_EQ(bind_run(t, &f, "load", &a, &v), WASM_RUN_TRAPPED);
			EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_MEMORY_OOB);
			a.i32 = 0xfffffffcu;
			EXPECT_EQ(bind_run(t, &f, "load", &a, &v), WASM_RUN_TRAPPED);
			EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_MEMORY_OOB);
			a.i32 = 65532;
			f.inst->mems[0]->base[65532] = 0x5a;
			EXPECT_EQ(bind_run(t, &f, "load", &a, &v), WASM_RUN_DONE);
			EXPECT_EQ(v, 0x5a);
		}
		bind_teardown(&f);
	}
}

TEST(wasm_runtime_host, config)
{
	struct wasm_store_config cfg;
	bool guarded = true;

	wasm_runtime_host_config(true, &cfg, &guarded);
	EXPECT(!guarded);
	EXPECT(!cfg.mem_provider->guarded);
	EXPECT(cfg.guard_call == NULL);
	wasm_runtime_host_config(false, &cfg, &guarded);
	EXPECT(guarded); /* the host tests run with address space to spare */
	EXPECT(cfg.mem_provider->guarded);
	EXPECT(cfg.guard_call != NULL);
	wasm_runtime_host_config(false, &cfg, NULL);
	EXPECT_EQ(cfg.max_memory_pages, 0);
}
