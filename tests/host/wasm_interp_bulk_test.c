/*
 * wasm_interp_bulk_test.c - long bulk-memory and table instructions in the
 * interpreter: they run in chunks that can be suspended and resumed (by a
 * budget, fuel or a yield request) with the same result as one memset or
 * memmove: overlapping copies in both directions, segments, fills; and an
 * out-of-bounds one still traps before writing anything.
 *
 * The module is made here (its segments are too big for a C array):
 *
 * (module
 *   (table 40000 funcref)
 *   (memory 64)                                    ;; 4 MiB
 *   (elem $e funcref (ref.func 0) (ref.func 1) ... ) ;; passive, ELEMS items
 *   (data $d "...")                                ;; passive, DATA bytes
 *   (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get
 * 2))) (func (export "copy") (param i32 i32 i32) (memory.copy ...)) (func (export "init") (param
 * i32 i32 i32) (memory.init $d ...)) (func (export "tfill") (param i32 i32) (table.fill (local.get
 * 0) (ref.func 0) (local.get 1))) (func (export "tcopy") (param i32 i32 i32) (table.copy ...))
 *   (func (export "tinit") (param i32 i32 i32) (table.init $e ...))
 * )
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/runtime.h"
#include "wasm_runtime_util.h"

#define PAGES  64u
#define MEM    (PAGES * 65536u)
#define TABLE  40000u
#define ELEMS  20000u
#define DATA   200000u
#define NFUNCS 6u

struct bin {
	uint8_t *b;
	size_t n, cap;
};

static void bin_u8(struct bin *w, uint8_t v)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->b = realloc(w->b, w->cap);
		if (!w->b)
			abort();
	}
	w->b[w->n++] = v;
}

static void bin_leb(struct bin *w, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		bin_u8(w, (uint8_t)(byte | (v ? 0x80 : 0)));
	} while (v);
}

static void bin_bytes(struct bin *w, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bin_u8(w, ((const uint8_t *)p)[i]);
}

/* Appends section `id` with the contents of s (and frees them). */
static void bin_section(struct bin *w, uint8_t id, struct bin *s)
{
	bin_u8(w, id);
	bin_leb(w, (uint32_t)s->n);
	bin_bytes(w, s->b, s->n);
	free(s->b);
	memset(s, 0, sizeof(*s));
}

static uint8_t data_byte(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static void build_module(struct bin *w)
{
	static const uint8_t types[] = {3,    0x60, 3, 0x7f, 0x7f, 0x7f, 0, 0x60, 2,
					0x7f, 0x7f, 0, 0x60, 1,	   0x7f, 1, 0x7f};
	static const uint8_t funcs[] = {NFUNCS, 0, 0, 0, 1, 0, 0};
	static const char *const names[NFUNCS] = {"fill",  "copy",  "init",
						  "tfill", "tcopy", "tinit"};
	static const uint8_t bodies[NFUNCS][12] = {
		{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 11, 0, 0x0b},	   /* memory.fill */
		{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10, 0, 0, 0x0b}, /* memory.copy */
		{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 8, 0, 0, 0x0b},  /* memory.init 0 */
		{0x20, 0, 0xd2, 0, 0x20, 1, 0xfc, 17, 0, 0x0b},	   /* table.fill */
		{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 14, 0, 0, 0x0b}, /* table.copy */
		{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 12, 0, 0, 0x0b}, /* table.init 0 */
	};
	static const uint8_t body_len[NFUNCS] = {10, 11, 11, 10, 11, 11};
	struct bin s = {0};

	bin_bytes(w, "\0asm\1\0\0\0", 8);
	bin_bytes(&s, types, sizeof(types));
	bin_section(w, 1, &s);
	bin_bytes(&s, funcs, sizeof(funcs));
	bin_section(w, 3, &s);
	bin_bytes(&s, "\1\x70\0", 3);
	bin_leb(&s, TABLE);
	bin_section(w, 4, &s);
	bin_bytes(&s, "\1\0", 2);
	bin_leb(&s, PAGES);
	bin_section(w, 5, &s);
	bin_leb(&s, NFUNCS);
	for (uint32_t i = 0; i < NFUNCS; i++) {
		bin_leb(&s, (uint32_t)strlen(names[i]));
		bin_bytes(&s, names[i], strlen(names[i]));
		bin_u8(&s, 0);
		bin_leb(&s, i);
	}
	bin_section(w, 7, &s);
	bin_bytes(&s, "\1\1\0", 3); /* one passive segment of function indices */
	bin_leb(&s, ELEMS);
	for (uint32_t i = 0; i < ELEMS; i++)
		bin_leb(&s, i % NFUNCS);
	bin_section(w, 9, &s);
	bin_u8(&s, 1);
	bin_section(w, 12, &s); /* data count */
	bin_leb(&s, NFUNCS);
	for (uint32_t i = 0; i < NFUNCS; i++) {
		bin_leb(&s, body_len[i] + 1u);
		bin_u8(&s, 0); /* no locals */
		bin_bytes(&s, bodies[i], body_len[i]);
	}
	bin_section(w, 10, &s);
	bin_bytes(&s, "\1\1", 2); /* one passive data segment */
	bin_leb(&s, DATA);
	for (uint32_t i = 0; i < DATA; i++)
		bin_u8(&s, data_byte(i));
	bin_section(w, 11, &s);
}

struct env {
	struct bin bin;
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	uint8_t *mem;
	uintptr_t *elems;
};

static bool env_new(struct test_ctx *t, struct env *e, uint64_t fuel)
{
	struct wasm_exec_limits lim = {.fuel = fuel};
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	build_module(&e->bin);
	e->m = rt_load(t, e->bin.b, e->bin.n);
	if (!e->m || !EXPECT_OK(wasm_store_new(NULL, &e->s)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, NULL, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, &lim, &e->x)))
		return false;
	e->mem = e->inst->mems[0]->base;
	e->elems = e->inst->tables[0]->elems;
	return true;
}

static void env_free(struct env *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
	free(e->bin.b);
}

/* Calls `name` with args, running `budget` units at a time; returns the
 * final status and the number of suspensions in *runs. */
static enum wasm_run_status call(struct test_ctx *t, struct env *e, const char *name, uint32_t a,
				 uint32_t b, uint32_t c, uint64_t budget, uint32_t *runs)
{
	union wasm_val args[3] = {rt_i32(a), rt_i32(b), rt_i32(c)};
	struct wasm_extern ex;
	enum wasm_run_status st;
	uint32_t n = 0;

	if (!EXPECT_OK(wasm_instance_export(e->inst, name, &ex)))
		return WASM_RUN_IDLE;
	if (!EXPECT_OK(wasm_exec_call(e->x, ex.u.func, args, ex.u.func->type->nparams)))
		return WASM_RUN_IDLE;
	while ((st = wasm_run(e->x, budget)) == WASM_RUN_SUSPENDED && n < 1000000)
		n++;
	if (runs)
		*runs = n;
	return st;
}

static void pattern(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 9));
}

/* A 3 MiB fill runs in chunks: a small budget suspends it often, and the
 * bytes are exactly those of one memset. */
TEST(wasm_interp_bulk, fill_in_chunks)
{
	struct env e;
	uint32_t runs = 0, d = 5, n = (3u << 20) + 17;

	if (!env_new(t, &e, 0))
		goto out;
	/* 1024 units per chunk of 64 KiB: a budget of 1000 suspends after each */
	EXPECT_EQ(call(t, &e, "fill", d, 0x15a, n, 1000, &runs), WASM_RUN_DONE);
	EXPECT_GE(runs, 48);
	EXPECT_EQ(e.mem[d - 1], 0);
	EXPECT_EQ(e.mem[d + n], 0);
	for (uint32_t i = d; i < d + n; i++)
		if (e.mem[i] != 0x5a) {
			EXPECT_EQ(i, d + n); /* the first wrong byte */
			break;
		}
out:
	env_free(&e);
}

/* Overlapping copies, forward and backward, suspended between chunks,
 * equal memmove. */
TEST(wasm_interp_bulk, copy_overlapping_in_chunks)
{
	static const uint32_t cases[][3] = {
		{1000, 0, 3u << 20},	     /* destination above: from the end */
		{0, 1000, 3u << 20},	     /* below: from the start */
		{77, 77, 1u << 20},	     /* onto itself */
		{100000, 0, (2u << 20) + 5}, /* a partial last chunk */
	};
	uint8_t *want = malloc(MEM);
	struct env e;

	if (!EXPECT(want) || !env_new(t, &e, 0))
		goto out;
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		uint32_t runs = 0, d = cases[k][0], s = cases[k][1], n = cases[k][2];

		pattern(e.mem, MEM);
		memcpy(want, e.mem, MEM);
		memmove(want + d, want + s, n);
		EXPECT_EQ(call(t, &e, "copy", d, s, n, 1000, &runs), WASM_RUN_DONE);
		EXPECT_GE(runs, n / (64u << 10) - 1);
		EXPECT(memcmp(e.mem, want, MEM) == 0);
	}
out:
	free(want);
	env_free(&e);
}

/* memory.init of a long passive segment, from an offset into it. */
TEST(wasm_interp_bulk, init_in_chunks)
{
	struct env e;
	uint32_t runs = 0, d = 4096, s = 3, n = DATA - 3;
	bool same = true;

	if (!env_new(t, &e, 0))
		goto out;
	EXPECT_EQ(call(t, &e, "init", d, s, n, 1000, &runs), WASM_RUN_DONE);
	EXPECT_GE(runs, 3);
	for (uint32_t i = 0; i < n; i++)
		same &= e.mem[d + i] == data_byte(s + i);
	EXPECT(same);
	EXPECT_EQ(e.mem[d - 1], 0);
	EXPECT_EQ(e.mem[d + n], 0);
out:
	env_free(&e);
}

/* Long out-of-bounds operations trap before anything is written, even
 * when their first chunk would fit. */
TEST(wasm_interp_bulk, out_of_bounds_writes_nothing)
{
	struct env e;
	bool clean = true;

	if (!env_new(t, &e, 0))
		goto out;
	EXPECT_EQ(call(t, &e, "fill", MEM - 100000, 1, 100001, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(wasm_exec_trap(e.x)->kind, WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(call(t, &e, "fill", UINT32_MAX - 10, 1, 200000, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(call(t, &e, "copy", 0, MEM - 100000, 100001, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(call(t, &e, "copy", MEM - 100000, 0, 100001, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(call(t, &e, "init", 0, 1, DATA, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(wasm_exec_trap(e.x)->kind, WASM_TRAP_MEMORY_OOB);
	for (uint32_t i = 0; i < MEM; i++)
		clean &= e.mem[i] == 0;
	EXPECT(clean);
	EXPECT_EQ(call(t, &e, "tfill", TABLE - 10000, 10001, 0, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(wasm_exec_trap(e.x)->kind, WASM_TRAP_TABLE_OOB);
	EXPECT_EQ(call(t, &e, "tinit", 0, 1, ELEMS, 100, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(call(t, &e, "tcopy", 0, TABLE - 10000, 10001, 100, NULL), WASM_RUN_TRAPPED);
	clean = true;
	for (uint32_t i = 0; i < TABLE; i++)
		clean &= e.elems[i] == 0;
	EXPECT(clean);
out:
	env_free(&e);
}

/* table.init, table.copy (overlapping) and table.fill in chunks. */
TEST(wasm_interp_bulk, tables_in_chunks)
{
	uintptr_t *want = malloc(TABLE * sizeof(*want));
	struct env e;
	uint32_t runs = 0;
	bool same = true;

	if (!EXPECT(want) || !env_new(t, &e, 0))
		goto out;
	EXPECT_EQ(call(t, &e, "tinit", 10, 5, ELEMS - 5, 300, &runs), WASM_RUN_DONE);
	EXPECT_GT(runs, 1);
	for (uint32_t i = 0; i < ELEMS - 5; i++)
		same &= e.elems[10 + i] == (uintptr_t)e.inst->funcs[(5 + i) % NFUNCS];
	EXPECT(same);
	EXPECT_EQ_U(e.elems[9], 0);
	memcpy(want, e.elems, TABLE * sizeof(*want));
	memmove(want + 3000, want, 30000 * sizeof(*want));
	EXPECT_EQ(call(t, &e, "tcopy", 3000, 0, 30000, 300, &runs), WASM_RUN_DONE);
	EXPECT(memcmp(e.elems, want, TABLE * sizeof(*want)) == 0);
	memmove(want, want + 3000, 30000 * sizeof(*want));
	EXPECT_EQ(call(t, &e, "tcopy", 0, 3000, 30000, 300, &runs), WASM_RUN_DONE);
	EXPECT(memcmp(e.elems, want, TABLE * sizeof(*want)) == 0);
	EXPECT_EQ(call(t, &e, "tfill", 7, TABLE - 8, 0, 300, &runs), WASM_RUN_DONE);
	EXPECT_GT(runs, 1);
	same = e.elems[6] == want[6] && e.elems[TABLE - 1] == want[TABLE - 1];
	for (uint32_t i = 7; i < TABLE - 1; i++)
		same &= e.elems[i] == (uintptr_t)e.inst->funcs[0];
	EXPECT(same);
out:
	free(want);
	env_free(&e);
}

/* A yield request stops a long fill between chunks, not after it. */
TEST(wasm_interp_bulk, yield_request_between_chunks)
{
	struct env e;
	union wasm_val args[3] = {rt_i32(0), rt_i32(9), rt_i32(MEM)};
	struct wasm_extern ex;
	uint32_t filled = 0;

	if (!env_new(t, &e, 0) || !EXPECT_OK(wasm_instance_export(e.inst, "fill", &ex)))
		goto out;
	EXPECT_OK(wasm_exec_call(e.x, ex.u.func, args, 3));
	/* the call itself is a yield point: get past it first */
	EXPECT_EQ(wasm_run(e.x, 1), WASM_RUN_SUSPENDED);
	wasm_exec_request_yield(e.x);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_YIELD);
	for (uint32_t i = 0; i < MEM; i++)
		filled += e.mem[i] == 9;
	EXPECT_EQ(filled, 64u << 10); /* one chunk */
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_DONE);
	EXPECT_EQ(e.mem[MEM - 1], 9);
out:
	env_free(&e);
}

/* Fuel bounds long bulk work too. */
TEST(wasm_interp_bulk, fuel_runs_out_in_a_long_fill)
{
	struct env e;

	if (!env_new(t, &e, 10000))
		goto out;
	EXPECT_EQ(call(t, &e, "fill", 0, 1, MEM, UINT64_MAX, NULL), WASM_RUN_TRAPPED);
	EXPECT_EQ(wasm_exec_trap(e.x)->kind, WASM_TRAP_FUEL);
	EXPECT_EQ(e.mem[MEM - 1], 0);
out:
	env_free(&e);
}
