/*
 * jit_compile_test.c - runs what the baseline compiler emits (riscv64
 * Linux, under qemu-riscv64: make rv64-jit-test): every function of a test
 * module (jit_compile_mods.h) compiled with checked memory, called through
 * a small assembly entry that sets up s1-s4 as jit_abi.h says, on a fake
 * exec whose runtime services are the test's own (trap longjmps out), with
 * results compared to C's, and on random inputs to the interpreter's
 * (wasm_invoke on the same module). (tests/host/jit_compile_spec_test.c,
 * linked in too, compiles every spec module.) The tests at the end run
 * the compiler under the real runtime (a store with code and guest stack
 * memory), against the interpreter's store.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/rand.h"
#include "base/test.h"
#include "wasm/host/code_host.h"
#include "wasm/jit/jit.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_rt.h"
#include "wasm/load.h"
#include "wasm/mem.h"
#include "wasm/runtime.h"

#include "jit_compile_mods.h"

STATIC_ASSERT(offsetof(struct jit_inst, mem0) == 0);
STATIC_ASSERT(offsetof(struct wasm_memory, base) == 0);
STATIC_ASSERT(offsetof(struct wasm_memory, size_bytes) == 8);

/*
 * jt_enter(fn, exec, inst, regs): regs[0..7] are a0-a7, regs[8..15] the
 * bits of fa0-fa7; on return regs[16] = a0, regs[17] = fa0's bits and
 * regs[18..21] the first four words of the outgoing area (multiple
 * results). The frame: 64 bytes of outgoing area under the saved registers.
 */
__asm__(".text\n"
	".globl jt_enter\n"
	"jt_enter:\n"
	"addi sp, sp, -128\n"
	"sd ra, 120(sp)\n"
	"sd s0, 112(sp)\n"
	"sd s1, 104(sp)\n"
	"sd s2, 96(sp)\n"
	"sd s3, 88(sp)\n"
	"sd s4, 80(sp)\n"
	"sd a3, 72(sp)\n"
	"mv t0, a0\n"
	"mv s1, a1\n"
	"mv s2, a2\n"
	"ld t1, 0(s2)\n"
	"ld s3, 0(t1)\n"
	"ld s4, 8(t1)\n"
	"mv t2, a3\n"
	"fld fa0, 64(t2)\n"
	"fld fa1, 72(t2)\n"
	"fld fa2, 80(t2)\n"
	"fld fa3, 88(t2)\n"
	"fld fa4, 96(t2)\n"
	"fld fa5, 104(t2)\n"
	"fld fa6, 112(t2)\n"
	"fld fa7, 120(t2)\n"
	"ld a0, 0(t2)\n"
	"ld a1, 8(t2)\n"
	"ld a2, 16(t2)\n"
	"ld a3, 24(t2)\n"
	"ld a4, 32(t2)\n"
	"ld a5, 40(t2)\n"
	"ld a6, 48(t2)\n"
	"ld a7, 56(t2)\n"
	"jalr ra, t0, 0\n"
	"ld t2, 72(sp)\n"
	"sd a0, 128(t2)\n"
	"fsd fa0, 136(t2)\n"
	"ld t0, 0(sp)\n"
	"sd t0, 144(t2)\n"
	"ld t0, 8(sp)\n"
	"sd t0, 152(t2)\n"
	"ld t0, 16(sp)\n"
	"sd t0, 160(t2)\n"
	"ld t0, 24(sp)\n"
	"sd t0, 168(t2)\n"
	"ld ra, 120(sp)\n"
	"ld s0, 112(sp)\n"
	"ld s1, 104(sp)\n"
	"ld s2, 96(sp)\n"
	"ld s3, 88(sp)\n"
	"ld s4, 80(sp)\n"
	"addi sp, sp, 128\n"
	"ret\n");
void jt_enter(void *fn, void *exec, struct jit_inst *inst, uint64_t *regs);

/* ---- the fake runtime ---- */

struct jt_mem {
	void *p;
	size_t size;
};

static int cm_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	struct jt_mem *h = malloc(sizeof(*h));

	(void)arg;
	if (!h)
		return ERR_NOMEM;
	h->size = ALIGN_UP(bytes, 4096);
	h->p = mmap(NULL, h->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->p == MAP_FAILED) {
		free(h);
		return ERR_NOMEM;
	}
	*rw = h->p;
	*handle = h;
	return 0;
}

static void *cm_seal(void *arg, void *handle)
{
	struct jt_mem *h = handle;

	(void)arg;
	if (mprotect(h->p, h->size, PROT_READ | PROT_EXEC)) {
		munmap(h->p, h->size);
		free(h);
		return NULL;
	}
	__builtin___clear_cache((char *)h->p, (char *)h->p + h->size);
	return h->p;
}

static void cm_free(void *arg, void *handle)
{
	struct jt_mem *h = handle;

	(void)arg;
	munmap(h->p, h->size);
	free(h);
}

static const struct wasm_code_mem jt_cm = {.alloc = cm_alloc, .seal = cm_seal, .free = cm_free};

enum { JT_PAGES = 4 };

static struct {
	jmp_buf jb;
	uintptr_t trap_kind, trap_pc;
	unsigned yields;
	uint64_t exec[64];
	struct wasm_memory mem;
	uint8_t *membuf;
} jt;

static void jt_trap(struct wasm_exec *x, uintptr_t kind, uintptr_t pc)
{
	(void)x;
	jt.trap_kind = kind;
	jt.trap_pc = pc;
	longjmp(jt.jb, 1);
}

/* Nothing is live in caller-saved registers at a yield check of this
 * compiler, so a C function can stand in for the register-saving entry. */
static void jt_yield(void)
{
	jt.yields++;
	__atomic_store_n((int *)((char *)jt.exec + jit_off_yield), 0, __ATOMIC_RELAXED);
}

static void jt_call(struct wasm_exec *x, uintptr_t func, uint64_t *slots, struct wasm_funcinst *f)
{
	(void)x;
	(void)f;
	if (func == 0) /* env.hadd */
		slots[0] = (uint32_t)(slots[0] + slots[1]);
	else
		abort();
}

static uint64_t jt_grow(struct wasm_exec *x, uint64_t pages)
{
	uint32_t old = jt.mem.pages;

	(void)x;
	if (pages > JT_PAGES - old)
		return UINT32_MAX;
	jt.mem.pages += (uint32_t)pages;
	jt.mem.size_bytes = (uint64_t)jt.mem.pages * WASM_PAGE_SIZE;
	return old;
}

static void jt_misc(struct wasm_exec *x, uint64_t op, uint64_t imms, uint64_t *slots)
{
	(void)x;
	(void)op;
	(void)imms;
	(void)slots;
	abort();
}

static const struct jit_rt jt_rt = {
	.trap = jt_trap,
	.yield = jt_yield,
	.call = jt_call,
	.memory_grow = jt_grow,
	.misc = jt_misc,
	.sig_match = jit_functype_match,
};

/* The instance of jit_mod_a. */
struct jt_inst {
	struct wasm_module *m;
	struct jit_func **fns;
	void **entry;
	struct wasm_instance winst;
	struct wasm_funcinst *fis;
	struct wasm_funcinst **fptrs;
	struct wasm_globalinst gl[2], *gptr[2];
	struct wasm_tableinst tab, *tptr;
	uintptr_t elems[4];
	struct jit_inst ji;
};

static bool jt_setup(struct test_ctx *t, struct jt_inst *ti)
{
	struct wasm_error err;
	struct jit_opts o = {.checked = true};
	struct wasm_module *m;
	uint32_t nf;

	memset(ti, 0, sizeof(*ti));
	if (!EXPECT_OK(wasm_module_load(jit_mod_a, sizeof(jit_mod_a), &ti->m, &err)))
		return false;
	m = ti->m;
	nf = m->nfuncs;
	ti->fns = calloc(nf, sizeof(*ti->fns));
	ti->entry = calloc(nf, sizeof(*ti->entry));
	ti->fis = calloc(nf, sizeof(*ti->fis));
	ti->fptrs = calloc(nf, sizeof(*ti->fptrs));
	jt.membuf = calloc(JT_PAGES, WASM_PAGE_SIZE);
	if (!EXPECT(ti->fns && ti->entry && ti->fis && ti->fptrs && jt.membuf))
		return false;
	for (uint32_t i = m->nfunc_imports; i < nf; i++) {
		if (!EXPECT_OK(jit_compile(m, i, &o, &jt_cm, &ti->fns[i])))
			return false;
		ti->entry[i - m->nfunc_imports] = ti->fns[i]->entry;
	}
	for (uint32_t i = 0; i < nf; i++) {
		ti->fis[i].type = &m->types[m->funcs[i].type];
		ti->fis[i].inst = i < m->nfunc_imports ? NULL : &ti->winst;
		ti->fis[i].index = i;
		ti->fptrs[i] = &ti->fis[i];
	}
	jt.mem.base = jt.membuf;
	jt.mem.pages = 1;
	jt.mem.size_bytes = WASM_PAGE_SIZE;
	ti->gl[0].type = WASM_TYPE_I32;
	ti->gl[0].val.i64 = 5;
	ti->gl[1].type = WASM_TYPE_I64;
	ti->gl[1].val.i64 = (uint64_t)-3;
	ti->gptr[0] = &ti->gl[0];
	ti->gptr[1] = &ti->gl[1];
	ti->tab.size = 4;
	ti->tab.elems = ti->elems;
	ti->elems[0] = (uintptr_t)&ti->fis[1]; /* $div */
	ti->elems[1] = (uintptr_t)&ti->fis[2]; /* $sub3 */
	ti->elems[2] = (uintptr_t)&ti->fis[3]; /* $many: another type */
	ti->tptr = &ti->tab;
	ti->ji.mem0 = &jt.mem;
	ti->ji.globals = ti->gptr;
	ti->ji.funcs = ti->fptrs;
	ti->ji.tables = &ti->tptr;
	ti->ji.entry = (void *const *)ti->entry;
	ti->ji.inst = &ti->winst;
	memset(jt.exec, 0, sizeof(jt.exec));
	*(uintptr_t *)((char *)jt.exec + jit_off_stack_limit) =
		(uintptr_t)__builtin_frame_address(0) - (2u << 20);
	*(const struct jit_rt **)((char *)jt.exec + jit_off_rt) = &jt_rt;
	return true;
}

static void jt_teardown(struct jt_inst *ti)
{
	for (uint32_t i = 0; ti->m && i < ti->m->nfuncs; i++)
		jit_func_free(&jt_cm, ti->fns[i]);
	free(ti->fns);
	free(ti->entry);
	free(ti->fis);
	free(ti->fptrs);
	free(jt.membuf);
	jt.membuf = NULL;
	wasm_module_free(ti->m);
}

/* Calls function `func` with integer args (and float arg bits); returns
 * the trap kind (0: none), regs filled as jt_enter says. */
static uintptr_t jt_run(struct jt_inst *ti, uint32_t func, uint64_t *regs)
{
	jt.trap_kind = 0;
	if (setjmp(jt.jb))
		return jt.trap_kind;
	jt_enter(ti->fns[func]->entry, jt.exec, &ti->ji, regs);
	return 0;
}

static uint64_t jt_call_i(struct test_ctx *t, struct jt_inst *ti, uint32_t func, uint64_t a,
			  uint64_t b, uint64_t c)
{
	uint64_t regs[22] = {a, b, c};

	EXPECT_EQ(jt_run(ti, func, regs), 0);
	return regs[16];
}

enum {
	F_DIV = 1,
	F_SUM = 4,
	F_FIB,
	F_INF,
	F_UNREACH,
	F_LOAD,
	F_LOAD8S,
	F_STORE,
	F_IND,
	F_CALL_MANY,
	F_HOST,
	F_GROW,
	F_SIZE,
	F_GLOB,
	F_GLOB64,
	F_SEL,
	F_BRT,
	F_MULTI,
	F_USE_MULTI,
	F_FMATH,
	F_CMP,
	F_TRUNC,
	F_SHIFTS,
	F_BRT2,
	F_LOOPP,
	F_IFP,
	F_BIGFRAME,
	F_LOADFAR,
	F_GROWLOAD,
	F_FARBR,
};

static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

TEST(jit_exec, arith_and_control)
{
	struct jt_inst ti;

	if (!jt_setup(t, &ti))
		goto out;
	EXPECT_EQ(jt_call_i(t, &ti, F_DIV, 100, (uint64_t)-7, 0), (uint64_t)(int64_t)(100 / -7));
	EXPECT_EQ(jt_call_i(t, &ti, F_SUM, 100, 0, 0), 5050);
	EXPECT_EQ(jt_call_i(t, &ti, F_SUM, 0, 0, 0), 0);
	for (uint32_t n = 0; n < 20; n++)
		EXPECT_EQ(jt_call_i(t, &ti, F_FIB, n, 0, 0), fib(n));
	for (uint64_t i = 0; i < 6; i++)
		EXPECT_EQ(jt_call_i(t, &ti, F_BRT, i, 0, 0), i < 3 ? 110 + i : 1100);
	for (uint64_t i = 0; i < 5; i++)
		EXPECT_EQ(jt_call_i(t, &ti, F_BRT2, i, 0, 0), i == 1 ? 59 : 9);
	{
		uint64_t regs[22] = {4};

		EXPECT_EQ(jt_run(&ti, F_LOOPP, regs), 0);
		EXPECT_EQ(regs[18], 10);
		EXPECT_EQ(regs[19], 0);
	}
	EXPECT_EQ(jt_call_i(t, &ti, F_IFP, 1, (uint64_t)-5, 0), 0xfffffffbull + 100);
	EXPECT_EQ(jt_call_i(t, &ti, F_IFP, 0, (uint64_t)-5, 0), (uint64_t)-5);
	EXPECT_EQ(jt_call_i(t, &ti, F_SEL, 1, 11, 22), 11);
	EXPECT_EQ(jt_call_i(t, &ti, F_SEL, 0, 11, 22), 22);
	EXPECT_EQ(jt_call_i(t, &ti, F_CMP, 1, 2, 0), 1 + 4);
	EXPECT_EQ(jt_call_i(t, &ti, F_CMP, (uint64_t)-1, 2, 0), 1 + 2 + 4);
	EXPECT_EQ(jt_call_i(t, &ti, F_CMP, 5, 5, 0), 4);
	for (uint32_t a = 0; a < 40; a++) {
		uint32_t x = 0x9abcdef1u * (a + 1), s = a * 3;
		uint32_t want = (uint32_t)((int32_t)x >> (s & 31)) ^ (x << 7 | x >> 25);

		EXPECT_EQ(jt_call_i(t, &ti, F_SHIFTS, (uint64_t)(int64_t)(int32_t)x, s, 0),
			  (uint64_t)(int64_t)(int32_t)want);
	}
	EXPECT_EQ(jt_call_i(t, &ti, F_CALL_MANY, 9, 0, 0), 9 + 10 + 3);
	/* a forward branch past 4 KiB (the function is compiled twice) */
	EXPECT_EQ(jt_call_i(t, &ti, F_FARBR, 0, 0, 0), 85 * 28 + 15);
	EXPECT_EQ(jt_call_i(t, &ti, F_FARBR, 1, 0, 0), 0);
	EXPECT_EQ(jt_call_i(t, &ti, F_HOST, 40, 2, 0), 42);
	EXPECT_EQ(jt_call_i(t, &ti, F_GLOB, 10, 0, 0), 15);
	EXPECT_EQ(jt_call_i(t, &ti, F_GLOB, (uint64_t)-20, 0, 0), (uint64_t)-5);
	EXPECT_EQ(ti.gl[0].val.i64, 0xfffffffbu);
	EXPECT_EQ(jt_call_i(t, &ti, F_GLOB64, 7, 0, 0), (uint64_t)-21);
	{
		uint64_t regs[22] = {5};

		EXPECT_EQ(jt_run(&ti, F_MULTI, regs), 0);
		EXPECT_EQ(regs[18], 5);
		EXPECT_EQ(regs[19], 5);
		EXPECT_EQ(regs[20], 15);
		EXPECT_EQ(jt_call_i(t, &ti, F_USE_MULTI, 5, 0, 0), 5 - (5 + 15 + 7));
	}
	{
		double a = 2.25, b = 4.0, r;
		uint64_t regs[22] = {0};

		memcpy(&regs[8], &a, 8);
		memcpy(&regs[9], &b, 8);
		EXPECT_EQ(jt_run(&ti, F_FMATH, regs), 0);
		memcpy(&r, &regs[17], 8);
		EXPECT(r == 2.25 * 4.0 + 1.5);
	}
out:
	jt_teardown(&ti);
}

TEST(jit_exec, memory_and_traps)
{
	struct jt_inst ti;
	uint64_t regs[22];
	float f;

	if (!jt_setup(t, &ti))
		goto out;
	jt_call_i(t, &ti, F_STORE, 16, 0x8182838485868788ull, 0);
	EXPECT_EQ(jt_call_i(t, &ti, F_BIGFRAME, 7, 0, 0), 21 + 0x8182838485868788ull);

	EXPECT_EQ(jt_call_i(t, &ti, F_LOAD, 12, 0, 0), (uint64_t)(int64_t)(int32_t)0x85868788);
	EXPECT_EQ(jt_call_i(t, &ti, F_LOAD8S, 23, 0, 0), (uint64_t)(int64_t)(int8_t)0x81);
	EXPECT_EQ(jt_call_i(t, &ti, F_LOAD, WASM_PAGE_SIZE - 8, 0, 0), 0);
	memset(regs, 0, sizeof(regs));
	regs[0] = WASM_PAGE_SIZE - 7;
	EXPECT_EQ(jt_run(&ti, F_LOAD, regs), WASM_TRAP_MEMORY_OOB);
	regs[0] = (uint64_t)-4; /* an i32 address past 2^31 */
	EXPECT_EQ(jt_run(&ti, F_LOAD, regs), WASM_TRAP_MEMORY_OOB);
	/* a callee sees memory 0 as the previous callee left it (s4 fresh) */
	EXPECT_EQ(jt_call_i(t, &ti, F_GROWLOAD, WASM_PAGE_SIZE + 100, 0, 0), 0);
	EXPECT_EQ(jt_call_i(t, &ti, F_SIZE, 0, 0, 0), 2);
	jt.mem.pages = 1;
	jt.mem.size_bytes = WASM_PAGE_SIZE;
	EXPECT_EQ(jt_call_i(t, &ti, F_SIZE, 0, 0, 0), 1);
	EXPECT_EQ(jt_call_i(t, &ti, F_GROW, 2, 0, 0), 1);
	EXPECT_EQ(jt_call_i(t, &ti, F_SIZE, 0, 0, 0), 3);
	/* offsets past a 12-bit displacement */
	memcpy(jt.membuf + 5100, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	jt.membuf[70100] = 0x34;
	jt.membuf[70101] = 0x12;
	EXPECT_EQ(jt_call_i(t, &ti, F_LOADFAR, 100, 0, 0), 0x0807060504030201ull + 0x1234);
	memset(regs, 0, sizeof(regs));
	regs[0] = 3 * WASM_PAGE_SIZE - 70001;
	EXPECT_EQ(jt_run(&ti, F_LOADFAR, regs), WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(jt_call_i(t, &ti, F_LOAD, WASM_PAGE_SIZE - 7, 0, 0), 0);
	EXPECT_EQ(jt_call_i(t, &ti, F_GROW, 2, 0, 0), 0xffffffffffffffffull);
	memset(regs, 0, sizeof(regs));
	regs[1] = 0;
	EXPECT_EQ(jt_run(&ti, F_DIV, regs), WASM_TRAP_DIV_ZERO);
	regs[0] = 0x80000000u;
	regs[1] = (uint64_t)-1;
	EXPECT_EQ(jt_run(&ti, F_DIV, regs), WASM_TRAP_INT_OVERFLOW);
	EXPECT_EQ(jt_run(&ti, F_UNREACH, regs), WASM_TRAP_UNREACHABLE);
	EXPECT_EQ(jit_func_wasm_offset(ti.fns[F_UNREACH], jt.trap_pc),
		  ti.m->funcs[F_UNREACH].code_start);
	EXPECT_EQ(jt_run(&ti, F_INF, regs), WASM_TRAP_CALL_STACK);
	f = 3e9f;
	memset(regs, 0, sizeof(regs));
	memcpy(&regs[8], &f, 4);
	regs[8] |= 0xffffffff00000000ull; /* NaN-boxed */
	EXPECT_EQ(jt_run(&ti, F_TRUNC, regs), WASM_TRAP_INT_OVERFLOW);
	f = -7.9f;
	memcpy(&regs[8], &f, 4);
	EXPECT_EQ(jt_run(&ti, F_TRUNC, regs), 0);
	EXPECT_EQ(regs[16], (uint64_t)-7);
	/* call_indirect: (ind i a b) calls table[i](a, b) */
	EXPECT_EQ(jt_call_i(t, &ti, F_IND, 0, 42, 5), 8);
	EXPECT_EQ(jt_call_i(t, &ti, F_IND, 1, 42, 5), 39);
	memset(regs, 0, sizeof(regs));
	regs[0] = 2;
	EXPECT_EQ(jt_run(&ti, F_IND, regs), WASM_TRAP_INDIRECT_TYPE);
	regs[0] = 3;
	EXPECT_EQ(jt_run(&ti, F_IND, regs), WASM_TRAP_UNINIT_ELEM);
	regs[0] = 4;
	EXPECT_EQ(jt_run(&ti, F_IND, regs), WASM_TRAP_UNDEFINED_ELEM);
	/* a yield request is served at the next check and the call goes on */
	__atomic_store_n((int *)((char *)jt.exec + jit_off_yield), 1, __ATOMIC_RELAXED);
	jt.yields = 0;
	EXPECT_EQ(jt_call_i(t, &ti, F_SUM, 10, 0, 0), 55);
	EXPECT_EQ(jt.yields, 1);
out:
	jt_teardown(&ti);
}

static int interp_hadd(struct wasm_host_call *hc, union wasm_val *v)
{
	(void)hc;
	v[0].i32 = v[0].i32 + v[1].i32;
	return WASM_HOST_OK;
}

/* A random operand of type ty: edge values half the time. */
static uint64_t rand_operand(struct rand *r, uint8_t ty)
{
	static const uint64_t edge[] = {0,
					1,
					2,
					3,
					0x7f,
					0x80,
					0xffffffffull,
					0x80000000ull,
					0x7fffffffull,
					0xffffffffffffffffull,
					0x8000000000000000ull,
					0x7fffffffffffffffull,
					0x4f000000ull,	/* 2^31 as f32 */
					0x7fc00000ull,	/* f32 NaN */
					0xcf000000ull,	/* -2^31 as f32 */
					0xbf800000ull}; /* -1.0f */
	uint64_t v = rand_below(r, 2) ? edge[rand_below(r, ARRAY_SIZE(edge))] : rand_next(r);

	if (rand_below(r, 4) == 0)
		v &= 0xff;
	return ty == WASM_TYPE_I64 || ty == WASM_TYPE_F64 ? v : (uint32_t)v;
}

/* Compiled against interpreted, on random inputs: results and traps. */
TEST(jit_exec, against_interpreter)
{
	static const uint32_t funcs[] = {F_DIV,	      F_SHIFTS, F_CMP,	  F_SEL,    F_BRT,
					 F_BRT2,      F_IFP,	F_SUM,	  F_FIB,    F_TRUNC,
					 F_USE_MULTI, F_HOST,	F_GLOB64, F_LOAD8S, F_LOAD};
	static const char seed[] = "jit_exec.against_interpreter";
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct wasm_error err;
	struct jt_inst ti;
	struct rand r;
	uint32_t ncases = 0;

	if (!jt_setup(t, &ti))
		goto out;
	if (!EXPECT_OK(wasm_store_new(NULL, &s)) || !EXPECT_OK(wasm_linker_new(s, &l)) ||
	    !EXPECT_OK(wasm_linker_define_func(l, "env", "hadd", "ii:i", interp_hadd, NULL)) ||
	    !EXPECT_OK(wasm_instantiate(s, ti.m, l, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &x)))
		goto out;
	/* the two memories start alike: the test's is zeroed, like a fresh one */
	memset(jt.membuf, 0, WASM_PAGE_SIZE);
	rand_seed(&r, seed, sizeof(seed));
	for (uint32_t k = 0; k < ARRAY_SIZE(funcs); k++) {
		uint32_t fi = funcs[k];
		const struct wasm_functype *ft = &ti.m->types[ti.m->funcs[fi].type];

		for (int n = 0; n < 200; n++) {
			union wasm_val args[4], res[1];
			uint64_t regs[22] = {0};
			uint32_t ni = 0, nf = 0;
			uintptr_t kind;
			int rc, ikind = 0;

			for (uint32_t i = 0; i < ft->nparams; i++) {
				uint8_t ty = ft->params[i];
				uint64_t v = rand_operand(&r, ty);

				if (fi == F_SUM || fi == F_FIB)
					v &= fi == F_SUM ? 1023 : 15; /* bounded work */
				args[i].i64 = v;
				if (ty == WASM_TYPE_F32)
					regs[8 + nf++] = v | 0xffffffff00000000ull; /* NaN-boxed */
				else if (ty == WASM_TYPE_F64)
					regs[8 + nf++] = v;
				else
					regs[ni++] = ty == WASM_TYPE_I32
							     ? (uint64_t)(int64_t)(int32_t)v
							     : v;
			}
			kind = jt_run(&ti, fi, regs);
			rc = wasm_invoke(x, inst->funcs[fi], args, ft->nparams, res, ft->nresults);
			if (rc == ERR_TRAP)
				ikind = wasm_exec_trap(x)->kind;
			else if (!EXPECT_OK(rc))
				goto out;
			ncases++;
			if (!EXPECT_EQ(kind, (uintptr_t)ikind)) {
				test_printf(t, "func %u case %d\n", fi, n);
				continue;
			}
			if (ikind || !ft->nresults)
				continue;
			switch (ft->results[0]) {
			case WASM_TYPE_I32:
				if (!EXPECT_EQ(regs[16], (uint64_t)(int64_t)(int32_t)res[0].i32))
					test_printf(t, "func %u case %d\n", fi, n);
				break;
			default:
				if (!EXPECT_EQ(regs[16], res[0].i64))
					test_printf(t, "func %u case %d\n", fi, n);
				break;
			}
		}
	}
	EXPECT_EQ(ncases, ARRAY_SIZE(funcs) * 200);
out:
	wasm_store_free(s);
	jt_teardown(&ti);
}

/* ---- the compiler under the real runtime ---- */

/* A store (compiled if jit, else interpreted), m instantiated in it, an exec. */
static bool rt_new(struct test_ctx *t, const struct wasm_module *m, bool jit, struct wasm_store **s,
		   struct wasm_instance **inst, struct wasm_exec **x)
{
	struct wasm_store_config cfg = {0};
	struct wasm_linker *l;
	struct wasm_error err;

	if (jit) {
		cfg.code_mem = wasm_code_host();
		cfg.stack_mem = wasm_stack_host();
	}
	*s = NULL;
	return EXPECT_OK(wasm_store_new(&cfg, s)) && EXPECT_OK(wasm_linker_new(*s, &l)) &&
	       EXPECT_OK(wasm_instantiate(*s, m, l, inst, &err)) &&
	       EXPECT_OK(wasm_exec_new(*s, NULL, x));
}

/* inst's export `name` called with one i64. */
static int rt_call(struct wasm_exec *x, struct wasm_instance *inst, const char *name, uint64_t a,
		   uint64_t *res)
{
	union wasm_val arg = {.i64 = a}, r = {.i64 = 0};
	struct wasm_extern ex;
	int rc;

	if (wasm_instance_export(inst, name, &ex) || ex.kind != WASM_EXTERN_FUNC)
		return ERR_NOENT;
	rc = wasm_invoke(x, ex.u.func, &arg, 1, &r, ex.u.func->type->nresults);
	*res = r.i64;
	return rc;
}

/* Functions too big for any branch (refused by the compiler: see
 * jit_compile.too_far_is_refused) run interpreted with C's results, also
 * called from compiled code; the short ones of the same shape compile. */
TEST(jit_exec, too_far_runs_interpreted)
{
	for (int big = 0; big < 2; big++) {
		uint32_t n = big ? JIT_FAR_STEPS : 10;
		size_t len = 0;
		uint8_t *bytes = jit_mod_far(n, &len);
		struct wasm_module *m = NULL;
		struct wasm_store *s = NULL;
		struct wasm_instance *inst;
		struct wasm_exec *x;
		struct wasm_error err;
		uint64_t r;

		if (EXPECT(bytes != NULL) && EXPECT_OK(wasm_module_load(bytes, len, &m, &err)) &&
		    rt_new(t, m, true, &s, &inst, &x)) {
			for (uint64_t a = 0; a < 3; a++) {
				uint64_t v = a * 0x123456789;

				if (EXPECT_OK(rt_call(x, inst, "far", v, &r)))
					EXPECT_EQ(r, jit_far_steps(v, n));
				if (EXPECT_OK(rt_call(x, inst, "loop", v, &r)))
					EXPECT_EQ(r, jit_far_steps(v, 2 * n));
				if (EXPECT_OK(rt_call(x, inst, "callfar", v, &r)))
					EXPECT_EQ(r, jit_far_steps(v, n) + 1);
			}
			/* big: callfar alone */
			EXPECT_EQ(jit_inst_compiled(inst->jit), big ? 1u : 3u);
		}
		wasm_store_free(s);
		wasm_module_free(m);
		free(bytes);
	}
}

/* The guest stack exhausted in compiled code: the interpreter's trap, "call
 * stack exhausted" at the call that went too deep (the prologue's check
 * traps before the callee has a frame), every caller below it. */
TEST(jit_exec, call_stack_exhausted_like_interpreter)
{
	for (int jit = 0; jit < 2; jit++) {
		struct wasm_module *m = NULL;
		struct wasm_store *s = NULL;
		struct wasm_instance *inst;
		struct wasm_exec *x;
		struct wasm_error err;
		const struct wasm_trap *tr;
		uint64_t r;

		if (!EXPECT_OK(wasm_module_load(jit_mod_pingpong, sizeof(jit_mod_pingpong), &m,
						&err)) ||
		    !rt_new(t, m, jit, &s, &inst, &x) ||
		    !EXPECT_EQ(rt_call(x, inst, "ping", 0, &r), ERR_TRAP))
			goto next;
		tr = wasm_exec_trap(x);
		EXPECT_STREQ(wasm_trap_str(tr->kind), "call stack exhausted");
		EXPECT_GT(tr->depth, 1000u);
		if (!EXPECT_EQ(tr->nframes, (uint32_t)WASM_TRAP_MAX_FRAMES))
			goto next;
		for (uint32_t i = 0; i < tr->nframes; i++) {
			const struct wasm_trap_frame *f = &tr->frames[i];

			if (!EXPECT(f->inst == inst) ||
			    !EXPECT_EQ(f->offset, f->func == 0 ? JIT_PING_CALL : JIT_PONG_CALL) ||
			    !EXPECT_EQ(f->func, (tr->frames[0].func + i) % 2)) {
				test_printf(t, "%s: frame %u\n", jit ? "compiled" : "interpreted",
					    i);
				break;
			}
		}
		if (jit)
			EXPECT_EQ(jit_inst_compiled(inst->jit), 2u);
	next:
		wasm_store_free(s);
		wasm_module_free(m);
	}
}

/*
 * Functions with a v128 in their signature (params and results in memory,
 * jit_abi.h): "run" (compiled) calls $twice (compiled) directly, which
 * calls $refused (a return_call_indirect: refused, so its stub runs it
 * interpreted, its v128 args taken from the caller's outgoing area), then
 * calls $refused through call_indirect, then $tail, whose return_call of a
 * function without a v128 must not be compiled (the two conventions put
 * the result in different places). run(a) = 96a + 108. wat2wasm
 * --enable-tail-call of:
 *   (type $t (func (param v128 i32) (result v128 i32)))
 *   (table 1 funcref) (elem (i32.const 0) $refused)
 *   (func $refused (type $t)
 *     (if (i32.eqz (local.get 1)) (then (return (local.get 0) (i32.const 7))))
 *     (return_call_indirect (type $t) (i32x4.add (local.get 0) (local.get 0))
 *       (i32.sub (local.get 1) (i32.const 1)) (i32.const 0)))
 *   (func $twice (type $t)
 *     (call $refused (i32x4.mul (local.get 0) (i32x4.splat (i32.const 3)))
 *       (local.get 1)))
 *   (func (export "run") (param i32) (result i32) (local v128 i32)
 *     (call $twice (i32x4.splat (local.get 0)) (i32.const 3))
 *     (local.set 2) (local.set 1)
 *     (call_indirect (type $t) (local.get 1) (i32.const 1) (i32.const 0))
 *     (local.set 2) (local.set 1)
 *     (i32.add (i32.add (i32x4.extract_lane 3 (local.get 1)) (local.get 2))
 *       (call $tail (local.get 1) (i32.const 1))))
 *   (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))
 *   (func $tail (param v128 i32) (result i32)
 *     (return_call $g (i32.add (i32x4.extract_lane 0 (local.get 0)) (local.get 1))))
 */
static const uint8_t jit_mod_vsig[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x03, 0x60, 0x02, 0x7b, 0x7f,
	0x02, 0x7b, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7b, 0x7f, 0x01, 0x7f, 0x03,
	0x06, 0x05, 0x00, 0x00, 0x01, 0x01, 0x02, 0x04, 0x04, 0x01, 0x70, 0x00, 0x01, 0x07, 0x07,
	0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x02, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01,
	0x00, 0x0a, 0x75, 0x05, 0x1e, 0x00, 0x20, 0x01, 0x45, 0x04, 0x40, 0x20, 0x00, 0x41, 0x07,
	0x0f, 0x0b, 0x20, 0x00, 0x20, 0x00, 0xfd, 0xae, 0x01, 0x20, 0x01, 0x41, 0x01, 0x6b, 0x41,
	0x00, 0x13, 0x00, 0x00, 0x0b, 0x0f, 0x00, 0x20, 0x00, 0x41, 0x03, 0xfd, 0x11, 0xfd, 0xb5,
	0x01, 0x20, 0x01, 0x10, 0x00, 0x0b, 0x2e, 0x02, 0x01, 0x7b, 0x01, 0x7f, 0x20, 0x00, 0xfd,
	0x11, 0x41, 0x03, 0x10, 0x01, 0x21, 0x02, 0x21, 0x01, 0x20, 0x01, 0x41, 0x01, 0x41, 0x00,
	0x11, 0x00, 0x00, 0x21, 0x02, 0x21, 0x01, 0x20, 0x01, 0xfd, 0x1b, 0x03, 0x20, 0x02, 0x6a,
	0x20, 0x01, 0x41, 0x01, 0x10, 0x04, 0x6a, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x41, 0xe4, 0x00,
	0x6a, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0xfd, 0x1b, 0x00, 0x20, 0x01, 0x6a, 0x12, 0x03, 0x0b};

TEST(jit_exec, v128_signatures_compiled_and_interpreted)
{
	for (int jit = 0; jit < 2; jit++) {
		struct wasm_module *m = NULL;
		struct wasm_store *s = NULL;
		struct wasm_instance *inst;
		struct wasm_exec *x;
		struct wasm_error err;
		uint64_t r;

		if (!EXPECT_OK(wasm_module_load(jit_mod_vsig, sizeof(jit_mod_vsig), &m, &err)) ||
		    !rt_new(t, m, jit, &s, &inst, &x))
			goto next;
		for (uint32_t a = 0; a < 5; a++)
			if (EXPECT_OK(rt_call(x, inst, "run", a * 0x1234567u, &r)))
				EXPECT_EQ((uint32_t)r, 96 * (a * 0x1234567u) + 108);
		/* run and $twice; $refused and $tail are interpreted, and so
		 * is $g, called from $tail alone */
		if (jit)
			EXPECT_EQ(jit_inst_compiled(inst->jit), 2u);
	next:
		wasm_store_free(s);
		wasm_module_free(m);
	}
}
