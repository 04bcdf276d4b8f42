/*
 * wasm_interp_lazy_test.c - lazy translation: a function is translated on
 * its first call (from the host, a call, a call_indirect), never before;
 * eager_code translates all at instantiation; threads racing on the first
 * call of the same functions all run one body, and threads each with an
 * instance of one shared module translate their own (run under TSan); a
 * first call past max_code_bytes traps with WASM_TRAP_CODE_LIMIT and the
 * instance frees cleanly (run under ASan); the store's translate_hook is
 * told of each kept translation, once.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/load.h"
#include "wasm/runtime.h"

struct buf {
	uint8_t *b;
	size_t n, cap;
	bool nomem;
};

static void put(struct buf *b, uint8_t v)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		uint8_t *p = b->nomem ? NULL : realloc(b->b, cap);

		if (!p) {
			b->nomem = true;
			return;
		}
		b->b = p;
		b->cap = cap;
	}
	b->b[b->n++] = v;
}

static void put_u(struct buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		put(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

/* Signed LEB of a value in [0, 2^31). */
static void put_s(struct buf *b, uint32_t v)
{
	for (;;) {
		uint8_t c = v & 0x7f;

		v >>= 7;
		if (!v && !(c & 0x40)) {
			put(b, c);
			return;
		}
		put(b, (uint8_t)(c | 0x80));
	}
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, ((const uint8_t *)p)[i]);
}

static void put_section(struct buf *out, uint8_t id, struct buf *content)
{
	put(out, id);
	put_u(out, (uint32_t)content->n);
	put_bytes(out, content->b, content->n);
	out->nomem |= content->nomem;
	free(content->b);
	memset(content, 0, sizeof(*content));
}

/*
 * A module of n functions f_i () -> i32 returning 7 * i, all in table 0;
 * then "main" (i32) -> i32 calling f_x through call_indirect, and "direct"
 * () -> i32 calling f_3 with a call. Exports: main, direct, f0.
 */
static uint8_t *lazy_module(uint32_t n, size_t *len)
{
	static const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	struct buf out = {0}, s = {0}, body = {0};

	put_bytes(&out, head, sizeof(head));
	put_u(&s, 2);
	put_bytes(&s, (const uint8_t[]){0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f}, 9);
	put_section(&out, 1, &s);
	put_u(&s, n + 2);
	for (uint32_t i = 0; i < n; i++)
		put(&s, 0);
	put(&s, 1);
	put(&s, 0);
	put_section(&out, 3, &s);
	put_u(&s, 1);
	put(&s, 0x70);
	put(&s, 0);
	put_u(&s, n);
	put_section(&out, 4, &s);
	put_u(&s, 3);
	put_bytes(&s, (const uint8_t[]){4, 'm', 'a', 'i', 'n', 0}, 6);
	put_u(&s, n);
	put_bytes(&s, (const uint8_t[]){6, 'd', 'i', 'r', 'e', 'c', 't', 0}, 8);
	put_u(&s, n + 1);
	put_bytes(&s, (const uint8_t[]){2, 'f', '0', 0, 0}, 5);
	put_section(&out, 7, &s);
	put_u(&s, 1);
	put_bytes(&s, (const uint8_t[]){0, 0x41, 0, 0x0b}, 4);
	put_u(&s, n);
	for (uint32_t i = 0; i < n; i++)
		put_u(&s, i);
	put_section(&out, 9, &s);
	put_u(&s, n + 2);
	for (uint32_t i = 0; i < n + 2; i++) {
		put(&body, 0); /* no locals */
		if (i < n) {
			put(&body, 0x41); /* i32.const i; i32.const 7; i32.mul */
			put_s(&body, i);
			put_bytes(&body, (const uint8_t[]){0x41, 7, 0x6c}, 3);
		} else if (i == n) {
			put_bytes(&body, (const uint8_t[]){0x20, 0, 0x11, 0, 0}, 5);
		} else {
			put_bytes(&body, (const uint8_t[]){0x10, 3}, 2);
		}
		put(&body, 0x0b);
		put_u(&s, (uint32_t)body.n);
		put_bytes(&s, body.b, body.n);
		s.nomem |= body.nomem;
		body.n = 0;
	}
	free(body.b);
	put_section(&out, 10, &s);
	if (out.nomem) {
		free(out.b);
		return NULL;
	}
	*len = out.n;
	return out.b;
}

struct lazy_env {
	uint8_t *bin;
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

static bool env_open(struct test_ctx *t, struct lazy_env *e, uint32_t n,
		     const struct wasm_store_config *cfg)
{
	struct wasm_error err;
	size_t len;

	memset(e, 0, sizeof(*e));
	e->bin = lazy_module(n, &len);
	if (!EXPECT(e->bin) || !EXPECT_OK(wasm_module_load(e->bin, len, &e->m, &err)) ||
	    !EXPECT_OK(wasm_store_new(cfg, &e->s)))
		return false;
	if (!EXPECT_OK(wasm_instantiate(e->s, e->m, NULL, &e->inst, &err))) {
		test_printf(t, "instantiate: %s\n", err.msg);
		return false;
	}
	return EXPECT_OK(wasm_exec_new(e->s, NULL, &e->x));
}

static void env_close(struct lazy_env *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
	free(e->bin);
}

static struct wasm_funcinst *export_func(const struct wasm_instance *inst, const char *name)
{
	struct wasm_extern ex;

	if (wasm_instance_export(inst, name, &ex) || ex.kind != WASM_EXTERN_FUNC)
		return NULL;
	return ex.u.func;
}

static int call_i32(struct wasm_exec *x, struct wasm_funcinst *f, const uint32_t *arg,
		    uint32_t *out)
{
	union wasm_val a = {.i64 = 0}, r;

	if (arg)
		a.i32 = *arg;
	if (!f)
		return ERR_NOENT;
	int rc = wasm_invoke(x, f, &a, arg ? 1 : 0, &r, 1);

	if (!rc)
		*out = r.i32;
	return rc;
}

static uint32_t ntranslated(const struct wasm_instance *inst)
{
	uint32_t nt;
	size_t bytes;

	wasm_code_stats(inst->code, &nt, &bytes);
	return nt;
}

static size_t code_bytes(const struct wasm_instance *inst)
{
	uint32_t nt;
	size_t bytes;

	wasm_code_stats(inst->code, &nt, &bytes);
	return bytes;
}

TEST(wasm_interp_lazy, only_called_functions_are_translated)
{
	struct lazy_env e;
	uint32_t r = 0, arg;
	size_t before;

	if (!env_open(t, &e, 200, NULL))
		goto out;
	EXPECT_EQ(ntranslated(e.inst), 0);
	before = code_bytes(e.inst);
	/* from the host */
	if (EXPECT_OK(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r)))
		EXPECT_EQ(r, 0);
	EXPECT_EQ(ntranslated(e.inst), 1);
	EXPECT_GT(code_bytes(e.inst), before);
	/* again: no new translation */
	before = code_bytes(e.inst);
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r));
	EXPECT_EQ(ntranslated(e.inst), 1);
	EXPECT_EQ(code_bytes(e.inst), before);
	/* a call: direct and f3 */
	if (EXPECT_OK(call_i32(e.x, export_func(e.inst, "direct"), NULL, &r)))
		EXPECT_EQ(r, 21);
	EXPECT_EQ(ntranslated(e.inst), 3);
	/* call_indirect: main, then f150 and f3 (already there) */
	arg = 150;
	if (EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r)))
		EXPECT_EQ(r, 1050);
	EXPECT_EQ(ntranslated(e.inst), 5);
	arg = 3;
	if (EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r)))
		EXPECT_EQ(r, 21);
	EXPECT_EQ(ntranslated(e.inst), 5);
	EXPECT_LE(wasm_instance_footprint(e.inst), wasm_module_footprint(e.m) + code_bytes(e.inst));
out:
	env_close(&e);
}

TEST(wasm_interp_lazy, eager_code_translates_everything_at_instantiation)
{
	struct wasm_store_config cfg = {.eager_code = true};
	struct lazy_env e;
	uint32_t r = 0, arg = 99;

	if (!env_open(t, &e, 200, &cfg))
		goto out;
	EXPECT_EQ(ntranslated(e.inst), 202);
	if (EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r)))
		EXPECT_EQ(r, 693);
	EXPECT_EQ(ntranslated(e.inst), 202);
out:
	env_close(&e);
}

/* What a translate_hook saw. Atomics: racing first calls report at once. */
struct seen {
	atomic_uint begins, dones;
	atomic_uint bad;	  /* a report that does not fit */
	_Atomic size_t bytes;	  /* reported bodies */
	_Atomic uint64_t clock;	  /* begin's fake timestamps: 1, 2, ... */
	_Atomic uint32_t last_fn; /* the last function reported */
};

static uint64_t seen_begin(void *arg)
{
	struct seen *s = arg;

	atomic_fetch_add(&s->begins, 1);
	return atomic_fetch_add(&s->clock, 1) + 1;
}

static void seen_done(void *arg, const struct wasm_translate_info *info)
{
	struct seen *s = arg;
	uint64_t now = atomic_load(&s->clock);

	/* a body is at least its header and one instruction (the return);
	 * begin's stamp came from this translation, so it is not in the future */
	if (!info->inst || info->ins == 0 || info->bytes < info->ins * sizeof(struct ins) ||
	    info->wasm_bytes < 2 || info->func >= info->inst->module->nfuncs ||
	    (now ? info->begin == 0 || info->begin > now : info->begin != 0))
		atomic_fetch_add(&s->bad, 1);
	atomic_fetch_add(&s->dones, 1);
	atomic_fetch_add(&s->bytes, info->bytes);
	atomic_store(&s->last_fn, info->func);
}

static struct wasm_store_config seen_config(struct seen *s, bool with_begin)
{
	return (struct wasm_store_config){
		.translate_hook = {.begin = with_begin ? seen_begin : NULL,
				   .done = seen_done,
				   .arg = s},
	};
}

TEST(wasm_interp_lazy, translate_hook_sees_each_first_translation)
{
	struct seen sn = {0};
	struct wasm_store_config cfg = seen_config(&sn, true);
	struct lazy_env e;
	uint32_t r = 0, arg = 150;
	size_t base;

	if (!env_open(t, &e, 200, &cfg))
		goto out;
	EXPECT_EQ(atomic_load(&sn.dones), 0);
	base = code_bytes(e.inst);
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r));
	EXPECT_EQ(atomic_load(&sn.begins), 1);
	EXPECT_EQ(atomic_load(&sn.dones), 1);
	EXPECT_EQ(atomic_load(&sn.last_fn), 0);
	EXPECT_EQ(atomic_load(&sn.bytes), code_bytes(e.inst) - base);
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r));
	EXPECT_EQ(atomic_load(&sn.dones), 1); /* translated already */
	/* main, then f150 through call_indirect */
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r));
	EXPECT_EQ(atomic_load(&sn.dones), 3);
	EXPECT_EQ(atomic_load(&sn.last_fn), 150);
	EXPECT_EQ(atomic_load(&sn.dones), ntranslated(e.inst));
	EXPECT_EQ(atomic_load(&sn.bytes), code_bytes(e.inst) - base);
	EXPECT_EQ(atomic_load(&sn.bad), 0);
	env_close(&e);
	/* eager, without begin: every function at instantiation, begin 0 */
	memset(&sn, 0, sizeof(sn));
	cfg = seen_config(&sn, false);
	cfg.eager_code = true;
	if (!env_open(t, &e, 200, &cfg))
		goto out;
	EXPECT_EQ(atomic_load(&sn.dones), 202);
	EXPECT_EQ(atomic_load(&sn.begins), 0);
	EXPECT_EQ(atomic_load(&sn.bad), 0);
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r));
	EXPECT_EQ(atomic_load(&sn.dones), 202);
out:
	env_close(&e);
}

/* The fuel a call costs does not depend on whether it translated. */
TEST(wasm_interp_lazy, first_call_charges_like_the_next)
{
	struct wasm_exec_limits lim = {.fuel = 1000000};
	struct lazy_env e;
	struct wasm_exec *x;
	uint64_t first, second;
	uint32_t r, arg = 17;

	if (!env_open(t, &e, 50, NULL) || !EXPECT_OK(wasm_exec_new(e.s, &lim, &x)))
		goto out;
	EXPECT_OK(call_i32(x, export_func(e.inst, "main"), &arg, &r));
	first = lim.fuel - wasm_exec_fuel_left(x);
	EXPECT_OK(call_i32(x, export_func(e.inst, "main"), &arg, &r));
	second = lim.fuel - first - wasm_exec_fuel_left(x);
	EXPECT_EQ(first, second);
	EXPECT_GT(first, 0);
out:
	env_close(&e);
}

TEST(wasm_interp_lazy, first_call_past_the_code_limit_traps)
{
	struct wasm_store_config cfg = {0};
	struct lazy_env e;
	const struct wasm_trap *trap;
	struct wasm_error err;
	size_t base, fbody, mbody;
	uint32_t r = 0, arg = 0;

	/* the bytes an instance takes before any call, and two bodies */
	if (!env_open(t, &e, 100, NULL))
		goto out;
	base = code_bytes(e.inst);
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r));
	fbody = code_bytes(e.inst) - base;
	EXPECT_OK(call_i32(e.x, export_func(e.inst, "main"), &arg, &r));
	mbody = code_bytes(e.inst) - base - fbody;
	env_close(&e);
	arg = 5;
	/* room for the table, not for one body */
	cfg.max_code_bytes = base + 1;
	if (!env_open(t, &e, 100, &cfg))
		goto out;
	EXPECT_EQ(call_i32(e.x, export_func(e.inst, "f0"), NULL, &r), ERR_TRAP);
	trap = wasm_exec_trap(e.x);
	if (EXPECT(trap)) {
		EXPECT_EQ(trap->kind, WASM_TRAP_CODE_LIMIT);
		EXPECT_STREQ(wasm_trap_str(trap->kind), "translated code past its limit");
	}
	EXPECT_EQ(ntranslated(e.inst), 0);
	EXPECT_EQ(code_bytes(e.inst), base);
	/* the instance stays usable: the same failure again, nothing leaks */
	EXPECT_EQ(call_i32(e.x, export_func(e.inst, "main"), &arg, &r), ERR_TRAP);
	env_close(&e);
	/* room for main's body but not for the one it calls */
	cfg.max_code_bytes = base + mbody + fbody - 1;
	if (!env_open(t, &e, 100, &cfg))
		goto out;
	EXPECT_EQ(call_i32(e.x, export_func(e.inst, "main"), &arg, &r), ERR_TRAP);
	trap = wasm_exec_trap(e.x);
	if (EXPECT(trap)) {
		EXPECT_EQ(trap->kind, WASM_TRAP_CODE_LIMIT);
		EXPECT_EQ(trap->depth, 2); /* main, then f5 at its entry */
	}
	EXPECT_EQ(ntranslated(e.inst), 1);
	EXPECT_LE(code_bytes(e.inst), cfg.max_code_bytes);
	env_close(&e);
	/* eager: instantiation fails */
	cfg.eager_code = true;
	memset(&e, 0, sizeof(e));
	e.bin = lazy_module(100, &base);
	if (EXPECT(e.bin) && EXPECT_OK(wasm_module_load(e.bin, base, &e.m, &err)) &&
	    EXPECT_OK(wasm_store_new(&cfg, &e.s))) {
		EXPECT_EQ(wasm_instantiate(e.s, e.m, NULL, &e.inst, &err), ERR_NOMEM);
		EXPECT_STREQ(err.msg, "translated code past its limit");
	}
out:
	env_close(&e);
}

#define LAZY_THREADS 4
#define LAZY_FUNCS   300

struct race {
	struct wasm_instance *inst;
	struct wasm_exec *x[LAZY_THREADS];
	atomic_int ready;
	atomic_int bad;
	atomic_int arrived; /* at the step barriers, all steps together */
	atomic_bool alone;  /* a thread did not start: no barriers */
};

struct race_arg {
	struct race *r;
	int id;
};

static void *race_thread(void *p)
{
	struct race_arg *a = p;
	struct race *r = a->r;
	struct wasm_funcinst *main_fn = export_func(r->inst, "main");

	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < LAZY_THREADS)
		;
	/* all threads in the same order, lined up before each call: each
	 * first call is a race (spinning a while keeps the waiting ones
	 * ready to go at once; then yielding lets one that is behind run
	 * where threads outnumber CPUs) */
	for (uint32_t i = 0; i < LAZY_FUNCS; i++) {
		uint32_t v = 0;

		atomic_fetch_add(&r->arrived, 1);
		for (int spins = 0; atomic_load(&r->arrived) < (int)(i + 1) * LAZY_THREADS &&
				    !atomic_load(&r->alone);
		     spins++)
			if (spins > 1000)
				sched_yield();
		if (call_i32(r->x[a->id], main_fn, &i, &v) || v != 7 * i)
			atomic_fetch_add(&r->bad, 1);
	}
	return NULL;
}

TEST(wasm_interp_lazy, threads_race_on_first_calls)
{
	struct race r = {0};
	struct race_arg args[LAZY_THREADS];
	pthread_t th[LAZY_THREADS];
	struct seen sn = {0};
	struct wasm_store_config cfg = seen_config(&sn, true);
	struct lazy_env e;
	struct lazy_env solo;
	size_t base;
	int started = 0;

	if (!env_open(t, &e, LAZY_FUNCS, &cfg))
		goto out;
	base = code_bytes(e.inst);
	r.inst = e.inst;
	for (int i = 0; i < LAZY_THREADS; i++)
		if (!EXPECT_OK(wasm_exec_new(e.s, NULL, &r.x[i])))
			goto out;
	for (int i = 0; i < LAZY_THREADS; i++) {
		args[i] = (struct race_arg){.r = &r, .id = i};
		if (!EXPECT_OK(pthread_create(&th[i], NULL, race_thread, &args[i])))
			break;
		started++;
	}
	if (started < LAZY_THREADS) { /* release the ones waiting for the rest */
		atomic_store(&r.alone, true);
		atomic_store(&r.ready, LAZY_THREADS);
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(atomic_load(&r.bad), 0);
	/* main and every f_i once; the losers' bodies were given back */
	EXPECT_EQ(ntranslated(e.inst), LAZY_FUNCS + 1);
	/* the hook heard of the winners only (losers began too) */
	EXPECT_EQ(atomic_load(&sn.dones), LAZY_FUNCS + 1);
	EXPECT_GE(atomic_load(&sn.begins), LAZY_FUNCS + 1);
	test_printf(t, "  %u translations lost a race\n",
		    atomic_load(&sn.begins) - atomic_load(&sn.dones));
	EXPECT_EQ(atomic_load(&sn.bytes), code_bytes(e.inst) - base);
	EXPECT_EQ(atomic_load(&sn.bad), 0);
	if (env_open(t, &solo, LAZY_FUNCS, NULL)) {
		uint32_t v;

		for (uint32_t i = 0; i < LAZY_FUNCS; i++)
			call_i32(solo.x, export_func(solo.inst, "main"), &i, &v);
		EXPECT_EQ(code_bytes(e.inst), code_bytes(solo.inst));
	}
	env_close(&solo);
out:
	env_close(&e);
}

/*
 * One module (decoded and validated once, then read-only) instantiated by
 * many threads at once, each in a store of its own, all calling the same
 * functions in the same order: every instance translates its own code
 * (nothing of it is shared or written through the module), gets the same
 * results and ends with the same code as an instance run alone.
 */
#define MANY_INSTANCES 8

struct many {
	const struct wasm_module *m;
	atomic_int ready;
	atomic_int bad;
	size_t code[MANY_INSTANCES];	     /* each instance's code bytes at the end */
	uint32_t translated[MANY_INSTANCES]; /* and functions translated */
	struct seen seen[MANY_INSTANCES];
};

struct many_arg {
	struct many *mn;
	int id;
};

static void *many_thread(void *p)
{
	struct many_arg *a = p;
	struct many *mn = a->mn;
	struct wasm_store_config cfg = seen_config(&mn->seen[a->id], true);
	struct wasm_store *s = NULL;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct wasm_error err;
	bool ok;

	ok = !wasm_store_new(&cfg, &s) && !wasm_instantiate(s, mn->m, NULL, &inst, &err) &&
	     !wasm_exec_new(s, NULL, &x);
	atomic_fetch_add(&mn->ready, 1);
	while (atomic_load(&mn->ready) < MANY_INSTANCES)
		;
	for (uint32_t i = 0; ok && i < LAZY_FUNCS; i++) {
		uint32_t v = 0;

		ok = !call_i32(x, export_func(inst, "main"), &i, &v) && v == 7 * i;
	}
	if (ok) {
		uint32_t v = 0;

		ok = !call_i32(x, export_func(inst, "direct"), NULL, &v) && v == 21;
		wasm_instance_code_stats(inst, &mn->translated[a->id], &mn->code[a->id]);
	}
	if (!ok)
		atomic_fetch_add(&mn->bad, 1);
	wasm_store_free(s);
	return NULL;
}

TEST(wasm_interp_lazy, instances_of_one_module_race_on_first_calls)
{
	static struct many mn; /* big: not on the stack */
	struct many_arg args[MANY_INSTANCES];
	pthread_t th[MANY_INSTANCES];
	struct lazy_env solo;
	uint32_t solo_n = 0;
	size_t solo_bytes = 0;
	int started = 0;

	memset(&mn, 0, sizeof(mn));
	if (!env_open(t, &solo, LAZY_FUNCS, NULL))
		goto out;
	for (uint32_t i = 0; i < LAZY_FUNCS; i++) {
		uint32_t v;

		call_i32(solo.x, export_func(solo.inst, "main"), &i, &v);
	}
	call_i32(solo.x, export_func(solo.inst, "direct"), NULL, &solo_n);
	solo_n = 0;
	wasm_instance_code_stats(solo.inst, &solo_n, &solo_bytes);
	EXPECT_EQ(solo_n, LAZY_FUNCS + 2);
	mn.m = solo.m;
	for (int i = 0; i < MANY_INSTANCES; i++) {
		args[i] = (struct many_arg){.mn = &mn, .id = i};
		if (!EXPECT_OK(pthread_create(&th[i], NULL, many_thread, &args[i])))
			break;
		started++;
	}
	if (started < MANY_INSTANCES) /* release the ones waiting for the rest */
		atomic_store(&mn.ready, MANY_INSTANCES);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(atomic_load(&mn.bad), 0);
	for (int i = 0; i < started; i++) {
		EXPECT_EQ(mn.translated[i], solo_n);
		EXPECT_EQ(mn.code[i], solo_bytes);
		EXPECT_EQ(atomic_load(&mn.seen[i].dones), solo_n);
		EXPECT_EQ(atomic_load(&mn.seen[i].begins), solo_n); /* no race within one */
		EXPECT_EQ(atomic_load(&mn.seen[i].bad), 0);
	}
out:
	env_close(&solo);
}
