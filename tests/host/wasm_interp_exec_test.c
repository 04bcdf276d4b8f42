/*
 * wasm_interp_exec_test.c - the interpreter through the execution API:
 * results, suspension by budget, yield request and blocking host calls,
 * traps with their backtraces, exec reuse, fuel and stack limits, deep
 * recursion on a small C stack, cross-instance calls, and out-of-bounds
 * accesses in checked and guarded memories.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/runtime.h"
#include "wasm_interp_mods.h"
#include "wasm_runtime_util.h"

/* Function indices and instruction offsets in interp_mod_a (wasm-objdump). */
#define A_DIV	      3
#define A_REC	      7
#define A_UNREACH     9
#define A_LOAD	      10
#define A_CALL_DIV    12
#define A_TRUNC	      14
#define A_HOST	      15
#define A_FAIL	      17
#define OFF_DIV_S     0xe6
#define OFF_REC_CALL  0x126
#define OFF_UNREACH   0x132
#define OFF_LOAD      0x138
#define OFF_CALL_DIV  0x14c
#define OFF_TRUNC     0x15f
#define OFF_FAIL_CALL 0x176

struct host_state {
	int blk_calls;
	uint32_t blk_args[4];
	bool fail_exit; /* "fail" ends the program instead of failing */
};

static int host_add(struct wasm_host_call *c, union wasm_val *v)
{
	(void)c;
	v[0].i32 = v[0].i32 + v[1].i32;
	return WASM_HOST_OK;
}

/* Blocks on its first call, then returns twice its argument. */
static int host_blk(struct wasm_host_call *c, union wasm_val *v)
{
	struct host_state *h = c->arg;

	if (h->blk_calls < 4)
		h->blk_args[h->blk_calls] = v[0].i32;
	if (h->blk_calls++ == 0)
		return WASM_HOST_BLOCKED;
	v[0].i32 = v[0].i32 * 2;
	return WASM_HOST_OK;
}

static int host_fail(struct wasm_host_call *c, union wasm_val *v)
{
	struct host_state *h = c->arg;

	(void)v;
	if (h->fail_exit) {
		c->trap_kind = WASM_TRAP_EXIT;
		c->exit_code = 7;
	} else {
		c->trap_msg = "boom";
	}
	return WASM_HOST_TRAP;
}

static bool store_owns(const void *ctx, uintptr_t addr)
{
	return wasm_store_owns_address(ctx, addr);
}

/* The host's guard_call: guarded faults in the store become ERR_TRAP. */
static int guard_call(void *arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg)
{
	struct wasm_mem_fault f;

	(void)arg;
	return wasm_mem_host_guard_call_owned(store_owns, s, fn, fn_arg, &f);
}

struct env {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct host_state h;
};

static bool env_new(struct test_ctx *t, struct env *e, bool guarded,
		    const struct wasm_exec_limits *lim)
{
	struct wasm_store_config cfg = {0};
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	if (guarded) {
		if (!EXPECT_OK(wasm_mem_host_guard_install()))
			return false;
		cfg.mem_provider = wasm_mem_host_guarded();
		cfg.guard_call = guard_call;
	}
	e->m = RT_LOAD(interp_mod_a);
	if (!e->m)
		return false;
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) || !EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_linker_define_func(e->l, "env", "add", "ii:i", host_add, &e->h)) ||
	    !EXPECT_OK(wasm_linker_define_func(e->l, "env", "blk", "i:i", host_blk, &e->h)) ||
	    !EXPECT_OK(wasm_linker_define_func(e->l, "env", "fail", ":", host_fail, &e->h)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, e->l, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, lim, &e->x))) {
		wasm_store_free(e->s);
		wasm_module_free(e->m);
		return false;
	}
	return true;
}

static void env_free(struct env *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

static struct wasm_funcinst *func(struct test_ctx *t, struct env *e, const char *name)
{
	struct wasm_extern ex;

	if (!EXPECT_OK(wasm_instance_export(e->inst, name, &ex)))
		return NULL;
	return ex.u.func;
}

/* Runs name(a, b...) to completion; returns the trap kind (0 if none). */
static int call2(struct test_ctx *t, struct env *e, const char *name, uint32_t a, uint32_t b,
		 uint32_t nargs, uint32_t *out)
{
	union wasm_val args[2] = {rt_i32(a), rt_i32(b)}, res[1];
	struct wasm_funcinst *f = func(t, e, name);
	int rc;

	if (!f)
		return -1;
	rc = wasm_invoke(e->x, f, args, nargs, res, f->type->nresults);
	if (rc == ERR_TRAP)
		return wasm_exec_trap(e->x)->kind;
	if (!EXPECT_OK(rc))
		return -1;
	if (out && f->type->nresults)
		*out = res[0].i32;
	return 0;
}

TEST(wasm_interp, results)
{
	struct env e;
	uint32_t r = 0;

	if (!env_new(t, &e, false, NULL))
		return;
	EXPECT_OK(call2(t, &e, "div", 7, 2, 2, &r));
	EXPECT_EQ(r, 3);
	EXPECT_OK(call2(t, &e, "sum", 100, 0, 1, &r));
	EXPECT_EQ(r, 5050);
	EXPECT_OK(call2(t, &e, "rec", 1000, 0, 1, &r));
	EXPECT_EQ(r, 1000);
	EXPECT_OK(call2(t, &e, "ind", 0, 0, 1, &r));
	EXPECT_EQ(r, 7);
	EXPECT_OK(call2(t, &e, "host", 40, 2, 2, &r));
	EXPECT_EQ(r, 42);
	EXPECT_OK(call2(t, &e, "store", 100, 0xabcd, 2, NULL));
	EXPECT_OK(call2(t, &e, "load", 100, 0, 1, &r));
	EXPECT_EQ(r, 0xabcd);
	EXPECT_EQ(wasm_exec_fuel_left(e.x), UINT64_MAX);
	env_free(&e);
}

TEST(wasm_interp, call_errors)
{
	struct env e;
	union wasm_val args[2] = {rt_i32(1), rt_i32(1)};
	struct wasm_funcinst *spin;

	if (!env_new(t, &e, false, NULL))
		return;
	spin = func(t, &e, "spin");
	EXPECT_EQ(wasm_run(e.x, 10), WASM_RUN_IDLE);
	EXPECT_EQ(wasm_exec_call(e.x, spin, args, 1), ERR_INVAL);
	EXPECT_OK(wasm_exec_call(e.x, spin, NULL, 0));
	EXPECT_EQ(wasm_run(e.x, 1000), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BUDGET);
	EXPECT_EQ(wasm_exec_call(e.x, spin, NULL, 0), ERR_BUSY);
	wasm_exec_abort(e.x);
	EXPECT_EQ(wasm_run(e.x, 10), WASM_RUN_IDLE);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_NONE);
	EXPECT_OK(call2(t, &e, "div", 9, 3, 2, NULL));
	env_free(&e);
}

TEST(wasm_interp, budget_suspends_and_resumes)
{
	struct env e;
	union wasm_val arg = rt_i32(20000);
	const union wasm_val *res;
	uint32_t n, runs = 0;
	enum wasm_run_status st;

	if (!env_new(t, &e, false, NULL))
		return;
	EXPECT_OK(wasm_exec_call(e.x, func(t, &e, "sum"), &arg, 1));
	while ((st = wasm_run(e.x, 500)) == WASM_RUN_SUSPENDED && runs < 100000) {
		EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BUDGET);
		EXPECT(wasm_exec_results(e.x, &n) == NULL);
		runs++;
	}
	EXPECT_EQ(st, WASM_RUN_DONE);
	/* ~5 units per iteration: about 200 runs of 500 */
	EXPECT_GT(runs, 50);
	EXPECT_LT(runs, 2000);
	res = wasm_exec_results(e.x, &n);
	if (EXPECT(res != NULL) && EXPECT_EQ(n, 1))
		EXPECT_EQ(res[0].i32, 200010000u);
	/* suspension inside a deep call chain */
	arg = rt_i32(3000);
	EXPECT_OK(wasm_exec_call(e.x, func(t, &e, "rec"), &arg, 1));
	runs = 0;
	while ((st = wasm_run(e.x, 50)) == WASM_RUN_SUSPENDED && runs < 100000)
		runs++;
	EXPECT_EQ(st, WASM_RUN_DONE);
	EXPECT_GT(runs, 100);
	res = wasm_exec_results(e.x, &n);
	if (EXPECT(res != NULL))
		EXPECT_EQ(res[0].i32, 3000);
	env_free(&e);
}

struct yield_arg {
	struct wasm_exec *x;
};

static void *yield_thread(void *p)
{
	struct yield_arg *y = p;

	usleep(20000);
	wasm_exec_request_yield(y->x);
	return NULL;
}

TEST(wasm_interp, yield_from_thread)
{
	struct env e;
	pthread_t th;
	struct yield_arg y;

	if (!env_new(t, &e, false, NULL))
		return;
	y.x = e.x;
	EXPECT_OK(wasm_exec_call(e.x, func(t, &e, "spin"), NULL, 0));
	if (!EXPECT_OK(pthread_create(&th, NULL, yield_thread, &y))) {
		env_free(&e);
		return;
	}
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_YIELD);
	pthread_join(th, NULL);
	/* consumed: the next run goes on until its budget */
	EXPECT_EQ(wasm_run(e.x, 10000), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BUDGET);
	/* a request while idle stops the next run at once */
	wasm_exec_request_yield(e.x);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_YIELD);
	wasm_exec_abort(e.x);
	env_free(&e);
}

TEST(wasm_interp, host_blocks_then_resumes)
{
	struct env e;
	union wasm_val arg = rt_i32(20), res1;
	const union wasm_val *res;
	uint32_t n;

	if (!env_new(t, &e, false, NULL))
		return;
	EXPECT_OK(wasm_exec_call(e.x, func(t, &e, "blk"), &arg, 1));
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BLOCKED);
	EXPECT_EQ(e.h.blk_calls, 1);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_DONE);
	EXPECT_EQ(e.h.blk_calls, 2);
	EXPECT_EQ(e.h.blk_args[0], 20);
	EXPECT_EQ(e.h.blk_args[1], 20);
	res = wasm_exec_results(e.x, &n);
	if (EXPECT(res != NULL) && EXPECT_EQ(n, 1))
		EXPECT_EQ(res[0].i32, 41);
	/* wasm_invoke gives up on a blocked call */
	e.h.blk_calls = 0;
	EXPECT_EQ(wasm_invoke(e.x, func(t, &e, "blk"), &arg, 1, &res1, 1), ERR_AGAIN);
	EXPECT_EQ(e.h.blk_calls, 1);
	EXPECT_EQ(wasm_run(e.x, 10), WASM_RUN_IDLE);
	env_free(&e);
}

static void expect_frame(struct test_ctx *t, const struct wasm_trap *tr, uint32_t i,
			 const struct wasm_instance *inst, uint32_t fn, uint32_t off)
{
	if (!EXPECT_LT(i, tr->nframes))
		return;
	EXPECT(tr->frames[i].inst == inst);
	EXPECT_EQ(tr->frames[i].func, fn);
	EXPECT_EQ(tr->frames[i].offset, off);
}

TEST(wasm_interp, traps_with_backtraces)
{
	struct env e;
	const struct wasm_trap *tr;
	union wasm_val nan = {.i64 = 0};
	uint32_t r = 0;

	if (!env_new(t, &e, false, NULL))
		return;
	EXPECT_EQ(call2(t, &e, "call_div", 1, 0, 2, NULL), WASM_TRAP_DIV_ZERO);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL)) {
		EXPECT_EQ(tr->depth, 2);
		EXPECT_EQ(tr->nframes, 2);
		expect_frame(t, tr, 0, e.inst, A_DIV, OFF_DIV_S);
		expect_frame(t, tr, 1, e.inst, A_CALL_DIV, OFF_CALL_DIV);
		EXPECT_STREQ(wasm_trap_str(tr->kind), "integer divide by zero");
	}
	/* the exec is idle and reusable */
	EXPECT_OK(call2(t, &e, "call_div", 9, 3, 2, &r));
	EXPECT_EQ(r, 3);
	EXPECT_EQ(call2(t, &e, "div", 0x80000000u, 0xffffffffu, 2, NULL), WASM_TRAP_INT_OVERFLOW);
	EXPECT_EQ(call2(t, &e, "unreach", 0, 0, 0, NULL), WASM_TRAP_UNREACHABLE);
	expect_frame(t, wasm_exec_trap(e.x), 0, e.inst, A_UNREACH, OFF_UNREACH);
	EXPECT_EQ(call2(t, &e, "ind", 1, 0, 1, NULL), WASM_TRAP_INDIRECT_TYPE);
	EXPECT_EQ(call2(t, &e, "ind", 2, 0, 1, NULL), WASM_TRAP_UNINIT_ELEM);
	EXPECT_EQ(call2(t, &e, "ind", 3, 0, 1, NULL), WASM_TRAP_UNDEFINED_ELEM);
	nan.f32 = 0x7fc00000u;
	EXPECT_EQ(call2(t, &e, "trunc", nan.i32, 0, 1, NULL), WASM_TRAP_INVALID_CONV);
	expect_frame(t, wasm_exec_trap(e.x), 0, e.inst, A_TRUNC, OFF_TRUNC);
	EXPECT_EQ(call2(t, &e, "trunc", 0x4f000000u /* 2^31 */, 0, 1, NULL),
		  WASM_TRAP_INT_OVERFLOW);
	EXPECT_EQ(call2(t, &e, "fail", 0, 0, 0, NULL), WASM_TRAP_HOST);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL)) {
		EXPECT(tr->msg && strcmp(tr->msg, "boom") == 0);
		expect_frame(t, tr, 0, e.inst, A_FAIL, OFF_FAIL_CALL);
	}
	e.h.fail_exit = true;
	EXPECT_EQ(call2(t, &e, "fail", 0, 0, 0, NULL), WASM_TRAP_EXIT);
	EXPECT_EQ(wasm_exec_trap(e.x)->exit_code, 7);
	EXPECT_OK(call2(t, &e, "div", 8, 2, 2, &r));
	EXPECT_EQ(r, 4);
	EXPECT(wasm_exec_trap(e.x) == NULL);
	env_free(&e);
}

TEST(wasm_interp, call_stack_exhausted)
{
	struct env e;
	const struct wasm_trap *tr;
	char buf[256];

	if (!env_new(t, &e, false, NULL))
		return;
	EXPECT_EQ(call2(t, &e, "inf", 0, 0, 0, NULL), WASM_TRAP_CALL_STACK);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL)) {
		EXPECT_EQ(tr->depth, WASM_DEFAULT_CALL_DEPTH);
		EXPECT_EQ(tr->nframes, WASM_TRAP_MAX_FRAMES);
		EXPECT(wasm_trap_format(tr, buf, sizeof(buf)) > 0);
		EXPECT(strstr(buf, "call stack exhausted") != NULL);
	}
	EXPECT_OK(call2(t, &e, "sum", 10, 0, 1, NULL));
	env_free(&e);
}

TEST(wasm_interp, limits)
{
	struct wasm_exec_limits lim = {.max_call_depth = 50};
	struct env e;
	uint32_t r = 0;

	if (!env_new(t, &e, false, &lim))
		return;
	EXPECT_OK(call2(t, &e, "rec", 48, 0, 1, &r));
	EXPECT_EQ(r, 48);
	EXPECT_EQ(call2(t, &e, "rec", 60, 0, 1, NULL), WASM_TRAP_CALL_STACK);
	expect_frame(t, wasm_exec_trap(e.x), 0, e.inst, A_REC, OFF_REC_CALL);
	env_free(&e);

	lim = (struct wasm_exec_limits){.max_stack_bytes = 4096};
	if (!env_new(t, &e, false, &lim))
		return;
	EXPECT_OK(call2(t, &e, "rec", 10, 0, 1, &r));
	EXPECT_EQ(call2(t, &e, "rec", 5000, 0, 1, NULL), WASM_TRAP_VALUE_STACK);
	EXPECT_OK(call2(t, &e, "rec", 10, 0, 1, &r));
	EXPECT_EQ(r, 10);
	env_free(&e);
}

TEST(wasm_interp, fuel)
{
	struct wasm_exec_limits lim = {.fuel = 100000};
	struct env e;
	uint64_t left;
	uint32_t r;

	if (!env_new(t, &e, false, &lim))
		return;
	EXPECT_OK(call2(t, &e, "sum", 100, 0, 1, &r));
	left = wasm_exec_fuel_left(e.x);
	EXPECT_LT(left, 100000);
	EXPECT_GT(left, 90000);
	EXPECT_EQ(call2(t, &e, "sum", 1000000, 0, 1, NULL), WASM_TRAP_FUEL);
	EXPECT_EQ(wasm_exec_fuel_left(e.x), 0);
	EXPECT_STREQ(wasm_trap_str(WASM_TRAP_FUEL), "fuel exhausted");
	/* no fuel left: even a loop-free call traps at its entry */
	EXPECT_EQ(call2(t, &e, "div", 4, 2, 2, NULL), WASM_TRAP_FUEL);
	env_free(&e);
}

static void *deep_thread(void *p)
{
	struct env *e = p;
	union wasm_val arg = rt_i32(100000), res;
	struct wasm_extern ex;

	if (wasm_instance_export(e->inst, "rec", &ex) ||
	    wasm_invoke(e->x, ex.u.func, &arg, 1, &res, 1))
		return NULL;
	return res.i32 == 100000 ? e : NULL;
}

TEST(wasm_interp, deep_recursion_small_c_stack)
{
	struct wasm_exec_limits lim = {.max_call_depth = 200000};
	struct env e;
	pthread_attr_t attr;
	pthread_t th;
	void *ret = NULL;

	if (!env_new(t, &e, false, &lim))
		return;
	pthread_attr_init(&attr);
	EXPECT_OK(pthread_attr_setstacksize(&attr, 256 * 1024));
	if (EXPECT_OK(pthread_create(&th, &attr, deep_thread, &e))) {
		pthread_join(th, &ret);
		EXPECT(ret == &e);
	}
	pthread_attr_destroy(&attr);
	env_free(&e);
}

static void oob_case(struct test_ctx *t, bool guarded)
{
	struct env e;
	uint32_t r = 1;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, guarded, NULL))
		return;
	EXPECT_EQ(e.inst->mems[0]->guarded, guarded);
	EXPECT_OK(call2(t, &e, "load", 65532, 0, 1, &r));
	EXPECT_EQ(r, 0);
	EXPECT_EQ(call2(t, &e, "load", 65533, 0, 1, NULL), WASM_TRAP_MEMORY_OOB);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL)) {
		EXPECT_EQ(tr->depth, 1);
		expect_frame(t, tr, 0, e.inst, A_LOAD, OFF_LOAD);
	}
	EXPECT_EQ(call2(t, &e, "load", 0xfffffff0u, 0, 1, NULL), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(call2(t, &e, "store", 65536, 1, 2, NULL), WASM_TRAP_MEMORY_OOB);
	/* after growing, the new page is reachable (base reloaded) */
	EXPECT_OK(call2(t, &e, "grow", 1, 0, 1, &r));
	EXPECT_EQ(r, 1);
	EXPECT_OK(call2(t, &e, "store", 65536, 5, 2, NULL));
	EXPECT_OK(call2(t, &e, "load", 65536, 0, 1, &r));
	EXPECT_EQ(r, 5);
	EXPECT_EQ(call2(t, &e, "load", 131070, 0, 1, NULL), WASM_TRAP_MEMORY_OOB);
	env_free(&e);
}

TEST(wasm_interp, oob_checked)
{
	oob_case(t, false);
}

TEST(wasm_interp, oob_guarded)
{
	oob_case(t, true);
}

TEST(wasm_interp, cross_instance)
{
	struct env e;
	struct wasm_module *mb;
	struct wasm_instance *ib;
	struct wasm_error err;
	struct wasm_extern ex;
	union wasm_val args[2] = {rt_i32(77), rt_i32(0)}, res;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, false, NULL))
		return;
	mb = RT_LOAD(interp_mod_b);
	if (!mb || !EXPECT_OK(wasm_linker_define_instance(e.l, "a", e.inst)) ||
	    !EXPECT_OK(wasm_instantiate(e.s, mb, e.l, &ib, &err)))
		goto out;
	if (EXPECT_OK(wasm_instance_export(ib, "cross", &ex)) &&
	    EXPECT_OK(wasm_invoke(e.x, ex.u.func, args, 1, &res, 1)))
		EXPECT_EQ(res.i32, 5077);
	if (EXPECT_OK(wasm_instance_export(ib, "xdiv", &ex))) {
		args[0] = rt_i32(1);
		EXPECT_EQ(wasm_invoke(e.x, ex.u.func, args, 2, &res, 1), ERR_TRAP);
		tr = wasm_exec_trap(e.x);
		if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, 2)) {
			expect_frame(t, tr, 0, e.inst, A_DIV, OFF_DIV_S);
			EXPECT(tr->frames[1].inst == ib);
		}
	}
out:
	env_free(&e);
	wasm_module_free(mb);
}

/* The translator's deferred values (local.get, local + constant) must read
 * the local as it was when pushed, whatever is written to it afterwards. */
TEST(wasm_interp, translator_deferred_values)
{
	struct wasm_module *m = RT_LOAD(interp_mod_c);
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct wasm_error err;
	static const struct {
		const char *name;
		uint32_t a, b, want;
	} cases[] = {
		{"set_under", 5, 0, 11},  {"addk_then_set", 8, 0, 111},
		{"loop_under", 3, 0, 13}, {"tee_under", 7, 0, 42},
		{"swap", 3, 10, 7},	  {"br_if_val", 5, 1, 5},
		{"br_if_val", 5, 0, 99},  {"store_addk_tee", 0, 0, 100},
	};

	if (!m)
		return;
	if (!EXPECT_OK(wasm_store_new(NULL, &s)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, NULL, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		union wasm_val args[2] = {rt_i32(cases[i].a), rt_i32(cases[i].b)}, res = {.i64 = 0};
		struct wasm_extern ex;

		if (!EXPECT_OK(wasm_instance_export(inst, cases[i].name, &ex)))
			continue;
		if (!EXPECT_OK(
			    wasm_invoke(x, ex.u.func, args, ex.u.func->type->nparams, &res, 1)) ||
		    !EXPECT_EQ(res.i32, cases[i].want))
			test_printf(t, "  in %s\n", cases[i].name);
	}
out:
	wasm_store_free(s);
	wasm_module_free(m);
}
