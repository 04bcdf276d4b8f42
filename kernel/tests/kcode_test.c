/*
 * kcode_test.c - in-kernel tests of code memory and guest stacks for
 * compiled WebAssembly (wasm/kcode.h): small functions encoded with
 * lib/wasm/jit/rv64_enc.h run on every CPU after seal (new code on reused
 * pages too), sealed code is not writable, stacks are lazy with an unmapped
 * guard whose fault is a trap ("call stack exhausted" when a compiled
 * program's host call runs into it), and every frame comes back.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/test.h"
#include "core/cpu.h"
#include "mem/frame.h"
#include "mem/vm.h"
#include "sched/timer.h"
#include "tests/ktest.h"
#include "wasm/jit/rv64_enc.h"
#include "wasm/kcode.h"
#include "wasm/kmem.h"
#include "wasm/load.h"

typedef int64_t (*fn_ii_i)(int64_t, int64_t);
typedef void (*fn_p_v)(uintptr_t);

/* Ends an encoded function: ret. */
static void emit_ret(struct rv64_buf *b)
{
	rv64_jalr(b, RV64_ZERO, RV64_RA, 0);
}

/* Three functions of (a0, a1), at word positions pos[0..3):
 *   k:    returns k
 *   add:  returns a0 + a1 + k
 *   loop: returns a0 + (a0-1) + ... + 1 + k (a loop with a back branch) */
static void emit_three(struct rv64_buf *b, int64_t k, size_t pos[3])
{
	pos[0] = rv64_pos(b);
	rv64_li(b, RV64_A0, k);
	emit_ret(b);

	pos[1] = rv64_pos(b);
	rv64_add(b, RV64_A0, RV64_A0, RV64_A1);
	rv64_li(b, RV64_T0, k);
	rv64_add(b, RV64_A0, RV64_A0, RV64_T0);
	emit_ret(b);

	pos[2] = rv64_pos(b);
	rv64_li(b, RV64_T0, k);
	size_t top = rv64_pos(b);
	rv64_beq(b, RV64_A0, RV64_ZERO, 16); /* to the mv below */
	rv64_add(b, RV64_T0, RV64_T0, RV64_A0);
	rv64_addi(b, RV64_A0, RV64_A0, -1);
	rv64_jal(b, RV64_ZERO, -(int32_t)((rv64_pos(b) - top) * 4));
	rv64_mv(b, RV64_A0, RV64_T0);
	emit_ret(b);
}

/* The code of b in fresh code memory, sealed: its execute address, or 0. */
static uintptr_t code_load(struct test_ctx *t, struct kcode_acct *a, const struct rv64_buf *b,
			   void **handle)
{
	void *rw, *x;

	if (!EXPECT_OK(rv64_buf_error(b)) ||
	    !EXPECT_OK(a->code.alloc(a->code.arg, b->len * 4, &rw, handle)))
		return 0;
	memcpy(rw, b->words, b->len * 4);
	x = a->code.seal(a->code.arg, *handle);
	if (!EXPECT(x != NULL))
		return 0;
	EXPECT(x != rw); /* written elsewhere, executed here */
	return (uintptr_t)x;
}

struct calls {
	const struct wasm_code_mem *cm;
	uintptr_t fn[3];
	int64_t k;
	int bad[MAX_CPUS];
};

/* On one CPU: each function with a few arguments, against what it must
 * return (after the code memory's sync, as the runtime does before it runs
 * code sealed elsewhere). */
static void calls_check(void *arg)
{
	struct calls *c = arg;
	int bad = 0;

	c->cm->sync(c->cm->arg);
	for (int64_t x = 0; x < 20; x++) {
		bad += ((fn_ii_i)c->fn[0])(x, 7) != c->k;
		bad += ((fn_ii_i)c->fn[1])(x, 1000 - 3 * x) != 1000 - 2 * x + c->k;
		bad += ((fn_ii_i)c->fn[2])(x, 0) != x * (x + 1) / 2 + c->k;
	}
	c->bad[cpu_id()] = bad;
}

/* Runs calls_check on every CPU; the number of CPUs that saw a wrong
 * result. */
static int calls_on_every_cpu(struct calls *c)
{
	int cpus_bad = 0;

	for (uint32_t i = 0; i < ncpus; i++) {
		c->bad[i] = -1;
		cpu_call(i, calls_check, c);
		cpus_bad += c->bad[i] != 0;
	}
	return cpus_bad;
}

/*
 * 100 loads of three functions each into one account, all kept: they share
 * chunks (a few pages for all), each runs right on every CPU when sealed
 * and still does after the later ones were written into the same chunks,
 * and once freed every frame comes back.
 */
#define LOADS 100

TEST(kcode, code_runs_on_every_cpu_and_every_frame_comes_back)
{
	static struct calls c[LOADS]; /* big: not on the stack */
	static void *h[LOADS];
	struct kcode_acct a;
	struct rv64_buf b;
	size_t pos[3];
	int bad = 0, n = 0, later_bad = 0;

	kcode_acct_init(&a);
	rv64_buf_init(&b);
	uint64_t before = ktest_frames_not_held();
	for (; n < LOADS; n++) {
		b.len = 0;
		c[n].cm = &a.code;
		c[n].k = (int64_t)n * 0x10001 - 50;
		emit_three(&b, c[n].k, pos);
		uintptr_t x = code_load(t, &a, &b, &h[n]);
		if (!x)
			break;
		for (int f = 0; f < 3; f++)
			c[n].fn[f] = x + pos[f] * 4;
		bad += calls_on_every_cpu(&c[n]);
	}
	for (int i = 0; i < n; i++)
		later_bad += calls_on_every_cpu(&c[i]);
	uint64_t bytes = atomic_load(&a.code_bytes);
	test_printf(t, "  %d loads of %zu bytes of code in %llu KiB of chunks\n", n, b.len * 4,
		    (unsigned long long)(bytes / 1024));
	EXPECT(bytes <= ALIGN_UP((uint64_t)n * ALIGN_UP(b.len * 4, KCODE_ALIGN), KCODE_CHUNK));
	for (int i = 0; i < n; i++)
		a.code.free(a.code.arg, h[i]);
	rv64_buf_free(&b);
	EXPECT_EQ(n, LOADS);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(later_bad, 0);
	EXPECT(kcode_acct_empty(&a));
	EXPECT_EQ(ktest_frames_not_held(), before);
}

/* What alloc, seal (a copy and a local fence.i) and free of a small
 * function cost here: printed for the compiler's authors, not checked (the
 * machine's load decides it). */
TEST(kcode, cost_of_alloc_seal_free)
{
	enum { N = 100 };
	struct kcode_acct a;
	uint64_t t_alloc = 0, t_seal = 0, t_free = 0;
	void *rw, *h;
	int done = 0;

	kcode_acct_init(&a);
	for (; done < N; done++) {
		uint64_t t0 = arch_now_ticks();
		if (!EXPECT_OK(a.code.alloc(a.code.arg, 64, &rw, &h)))
			break;
		uint64_t t1 = arch_now_ticks();
		memset(rw, 0, 64); /* 16 x `unimp`: never run */
		uint64_t t2 = arch_now_ticks();
		EXPECT(a.code.seal(a.code.arg, h) != NULL);
		uint64_t t3 = arch_now_ticks();
		a.code.free(a.code.arg, h);
		uint64_t t4 = arch_now_ticks();
		t_alloc += t1 - t0;
		t_seal += t3 - t2;
		t_free += t4 - t3;
	}
	if (done)
		test_printf(
			t,
			"  per function on %u CPU(s): alloc %llu us, seal %llu us, free %llu us\n",
			ncpus, (unsigned long long)timer_ticks_to_us(t_alloc / done),
			(unsigned long long)timer_ticks_to_us(t_seal / done),
			(unsigned long long)timer_ticks_to_us(t_free / done));
	EXPECT(kcode_acct_empty(&a));
}

/*
 * Code freed and allocated again (the frames, if not the address, are
 * reused: the per-CPU frame cache hands the last freed frames out first)
 * runs the new code on every CPU, never what the frames held before.
 */
#define CHUNK_PAGES (KCODE_CHUNK / FRAME_SIZE)

TEST(kcode, new_code_on_reused_pages_runs_everywhere)
{
	struct kcode_acct a;
	struct rv64_buf b;
	struct calls c = {.cm = &a.code};
	size_t pos[3];
	uint64_t old[CHUNK_PAGES] = {0}, pa;
	int bad = 0, same_frame = 0, same_va = 0;
	uintptr_t x_old = 0;
	void *h;

	kcode_acct_init(&a);
	rv64_buf_init(&b);
	for (int i = 0; i < 20; i++) {
		b.len = 0;
		c.k = 1111 * (i + 1); /* f1, f2, ...: each run must see its own */
		emit_three(&b, c.k, pos);
		uintptr_t x = code_load(t, &a, &b, &h);
		if (!x)
			break;
		EXPECT_OK(vm_translate(x, &pa));
		for (unsigned p = 0; p < CHUNK_PAGES; p++)
			same_frame += pa == old[p];
		same_va += x == x_old;
		for (int f = 0; f < 3; f++)
			c.fn[f] = x + pos[f] * 4;
		bad += calls_on_every_cpu(&c);
		for (unsigned p = 0; p < CHUNK_PAGES; p++) /* x starts its chunk */
			EXPECT_OK(vm_translate(x + p * FRAME_SIZE, &old[p]));
		a.code.free(a.code.arg, h);
		EXPECT_EQ(vm_translate(x, &pa), ERR_NOENT); /* unmapped at once */
		x_old = x;
	}
	rv64_buf_free(&b);
	EXPECT_EQ(bad, 0);
	EXPECT(same_frame > 0); /* the case this test is about did happen */
	test_printf(t, "  19 reallocations: %d on a frame of the last chunk, %d at its address\n",
		    same_frame, same_va);
}

TEST(kcode, sealed_code_is_never_writable)
{
	struct kcode_acct a;
	struct rv64_buf b;
	uint64_t v;
	void *h, *rw;

	kcode_acct_init(&a);
	rv64_buf_init(&b);
	rv64_li(&b, RV64_A0, 42);
	emit_ret(&b);
	struct kcode_stats k0, k1;
	kcode_stats(&k0);
	/* before seal: written, not run */
	if (!EXPECT_OK(a.code.alloc(a.code.arg, b.len * 4, &rw, &h)))
		goto out;
	kcode_stats(&k1); /* `mem` shows it */
	EXPECT_EQ(k1.code_blocks, k0.code_blocks + 1);
	EXPECT_EQ(k1.code_bytes, k0.code_bytes + KCODE_CHUNK);
	EXPECT_OK(arch_probe_write64(rw, 0x1234));
	memcpy(rw, b.words, b.len * 4);
	void *x = a.code.seal(a.code.arg, h);
	if (EXPECT(x != NULL)) {
		EXPECT_EQ(((fn_ii_i)(uintptr_t)x)(0, 0), 42);
		EXPECT_EQ(arch_probe_write64(x, 0), ERR_FAULT);
		EXPECT_STREQ(arch_last_probe_cause(), "store/AMO page fault");
		EXPECT_OK(arch_probe_read64(x, &v)); /* readable: the code stays */
		EXPECT_EQ(((fn_ii_i)(uintptr_t)x)(0, 0), 42);
		/* and the VM layer refuses to make any page W and X at once */
		EXPECT_EQ(vm_protect((uint64_t)(uintptr_t)x, FRAME_SIZE,
				     VM_READ | VM_WRITE | VM_EXEC),
			  ERR_INVAL);
		a.code.free(a.code.arg, h);
	}
	EXPECT(kcode_acct_empty(&a));
	kcode_stats(&k1);
	EXPECT_EQ(k1.code_blocks, k0.code_blocks);
	EXPECT_EQ(k1.code_bytes, k0.code_bytes);
out:
	rv64_buf_free(&b);
}

TEST(kcode, stacks_are_lazy_guarded_counted_and_given_back)
{
	static const size_t sizes[] = {4096, 5000, 64 << 10, 256 << 10};
	struct kcode_acct a;
	uintptr_t lo, hi;
	uint64_t res, prom, v;
	void *h;
	int bad = 0;

	struct kcode_stats k0, k1;
	kcode_acct_init(&a);
	kcode_stats(&k0);
	uint64_t before = ktest_frames_not_held();
	for (int i = 0; i < 100; i++) {
		size_t want = sizes[i % 4];
		if (!EXPECT_OK(a.stack.alloc(a.stack.arg, want, &h, &lo, &hi)))
			break;
		bad += hi - lo < want || (hi | lo) % 16 != 0;
		kcode_acct_usage(&a, &res, &prom);
		bad += res != 0 || prom != hi - lo; /* promised, not touched */
		kcode_stats(&k1);
		bad += k1.stacks != k0.stacks + 1 || k1.stack_bytes != k0.stack_bytes + (hi - lo);
		/* the guard below lo: unmapped, refused, known as a guard */
		bad += vm_translate(lo - 8, &v) != ERR_NOENT;
		bad += arch_probe_read64((void *)(lo - 8), &v) != ERR_FAULT;
		bad += !kcode_stack_guard_hit(lo - 8) || !kcode_stack_guard_hit(lo - FRAME_SIZE);
		bad += kcode_stack_guard_hit(lo) || kcode_stack_guard_hit(lo - FRAME_SIZE - 1);
		memset((void *)lo, 0xa5, hi - lo); /* the whole usable range */
		bad += ((volatile uint8_t *)lo)[0] != 0xa5 || ((volatile uint8_t *)hi)[-1] != 0xa5;
		kcode_acct_usage(&a, &res, &prom);
		bad += res != hi - lo || prom != 0;
		a.stack.free(a.stack.arg, h);
		bad += kcode_stack_guard_hit(lo - 8);
	}
	EXPECT_EQ(bad, 0);
	EXPECT(kcode_acct_empty(&a));
	EXPECT_EQ(ktest_frames_not_held(), before);
}

struct overrun {
	struct kcode_acct *a;
	uintptr_t fn;
	int rc[MAX_CPUS];
	uint64_t res[MAX_CPUS];
	uint64_t size;
};

struct overrun_call {
	uintptr_t fn, hi;
};

static int overrun_run(void *arg)
{
	struct overrun_call *oc = arg;
	((fn_p_v)oc->fn)(oc->hi);
	return 0; /* not reached: the loop only ends in the guard */
}

/* On one CPU: the pushing loop on a fresh stack, inside a guard_call. */
static void overrun_on_cpu(void *arg)
{
	struct overrun *o = arg;
	struct wasm_store_config cfg;
	struct wasm_store *s;
	struct overrun_call oc = {.fn = o->fn};
	uintptr_t lo;
	uint64_t prom;
	void *h;
	uint32_t me = cpu_id();

	o->rc[me] = -1;
	o->a->code.sync(o->a->code.arg); /* the code was sealed on another CPU */
	kwasm_store_config(true, &cfg);
	if (wasm_store_new(&cfg, &s))
		return;
	if (!o->a->stack.alloc(o->a->stack.arg, o->size, &h, &lo, &oc.hi)) {
		o->rc[me] = kwasm_guard_call(NULL, s, overrun_run, &oc);
		kcode_acct_usage(o->a, &o->res[me], &prom);
		o->a->stack.free(o->a->stack.arg, h);
	}
	wasm_store_free(s);
}

/*
 * Code that runs off the bottom of its stack, as a compiled function whose
 * limit check failed would: it switches sp to the guest stack and pushes
 * 16 bytes at a time, forever. Every page of the stack is committed by the
 * fault handler on the way, then the guard page's fault lands in the
 * guard_call as ERR_TRAP, on every CPU, with sp inside the guard (the trap
 * entry never pushes onto it). No kernel fault, and every frame comes back.
 */
TEST(kcode, running_into_the_guard_page_is_a_trap)
{
	struct kcode_acct a;
	struct rv64_buf b;
	struct overrun o = {.a = &a, .size = 32 << 10};
	void *h;
	int bad = 0;

	kcode_acct_init(&a);
	rv64_buf_init(&b);
	/* void f(uintptr_t hi): sp = hi; for (;;) { sp -= 16; sd ra, 8(sp) } */
	rv64_mv(&b, RV64_T0, RV64_SP);
	rv64_mv(&b, RV64_SP, RV64_A0);
	rv64_addi(&b, RV64_SP, RV64_SP, -16);
	rv64_sd(&b, RV64_RA, 8, RV64_SP);
	rv64_jal(&b, RV64_ZERO, -8);
	rv64_mv(&b, RV64_SP, RV64_T0); /* never reached */
	emit_ret(&b);
	uint64_t before = ktest_frames_not_held();
	o.fn = code_load(t, &a, &b, &h);
	if (o.fn) {
		for (uint32_t i = 0; i < ncpus; i++) {
			cpu_call(i, overrun_on_cpu, &o);
			bad += o.rc[i] != ERR_TRAP;
			/* the code's chunk and the whole stack, all touched */
			bad += o.res[i] != KCODE_CHUNK + o.size;
		}
		a.code.free(a.code.arg, h);
	}
	rv64_buf_free(&b);
	EXPECT_EQ(bad, 0);
	EXPECT(kcode_acct_empty(&a));
	EXPECT_EQ(ktest_frames_not_held(), before);
}

/*
 * (module
 *   (import "env" "deep" (func $deep))
 *   (func (export "main") (call $deep)))      ;; the call at 0x2f
 */
static const uint8_t deep_mod[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
	0x00, 0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x64, 0x65, 0x65, 0x70,
	0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x6d, 0x61, 0x69,
	0x6e, 0x00, 0x01, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b,
};

static volatile int deep_forever = 1;

/* C recursion 1 KiB a level: the host function, on the guest stack. */
static int deep_rec(int n)
{
	volatile char pad[1024];

	pad[n % 1024] = (char)n;
	return (deep_forever ? deep_rec(n + 1) : 0) + pad[n % 1024];
}

static int host_deep(struct wasm_host_call *c, union wasm_val *v)
{
	(void)c;
	(void)v;
	deep_rec(0);
	return WASM_HOST_OK;
}

/*
 * A host function called from compiled code runs on the guest stack, in
 * the headroom below compiled code's limit; one that recurses without end
 * runs into the guard page. The program traps as one that recursed in
 * WebAssembly does: "call stack exhausted", at the compiled call.
 */
TEST(kcode, guard_page_hit_is_call_stack_exhausted)
{
	struct kcode_acct a;
	struct wasm_store_config cfg;
	struct wasm_module *m = NULL;
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct wasm_extern ex;
	struct wasm_error err;
	const struct wasm_trap *tr;
	bool was = kcode_enabled();

	kcode_acct_init(&a);
	kcode_set_enabled(true);
	kwasm_store_config(true, &cfg);
	kcode_store_config(&a, &cfg);
	if (EXPECT_OK(wasm_module_load(deep_mod, sizeof(deep_mod), &m, &err)) &&
	    EXPECT_OK(wasm_store_new(&cfg, &s)) && EXPECT_OK(wasm_linker_new(s, &l)) &&
	    EXPECT_OK(wasm_linker_define_func(l, "env", "deep", ":", host_deep, NULL)) &&
	    EXPECT_OK(wasm_instantiate(s, m, l, &inst, &err)) &&
	    EXPECT_OK(wasm_exec_new(s, NULL, &x)) &&
	    EXPECT_OK(wasm_instance_export(inst, "main", &ex)) &&
	    EXPECT_EQ(wasm_invoke(x, ex.u.func, NULL, 0, NULL, 0), ERR_TRAP)) {
		tr = wasm_exec_trap(x);
		EXPECT_EQ(tr->kind, WASM_TRAP_CALL_STACK);
		if (EXPECT_EQ(tr->nframes, 1u)) {
			EXPECT_EQ(tr->frames[0].func, 1u);
			EXPECT_EQ(tr->frames[0].offset, 0x2fu);
		}
	}
	wasm_store_free(s);
	wasm_module_free(m);
	kcode_set_enabled(was);
	EXPECT(kcode_acct_empty(&a));
}

TEST(kcode, providers_only_in_store_configs_when_enabled)
{
	struct kcode_acct a;
	struct wasm_store_config cfg;
	bool was = kcode_enabled();

	kcode_acct_init(&a);
	kcode_set_enabled(false);
	kwasm_store_config(true, &cfg);
	kcode_store_config(&a, &cfg);
	EXPECT(cfg.code_mem == NULL && cfg.stack_mem == NULL && cfg.guard_call == NULL);
	kcode_set_enabled(true);
	kcode_store_config(&a, &cfg);
	EXPECT(cfg.code_mem == &a.code && cfg.stack_mem == &a.stack);
	EXPECT(cfg.guard_call != NULL); /* stack guards need it, checked memory or not */
	kcode_set_enabled(was);
}
