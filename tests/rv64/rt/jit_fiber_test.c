/*
 * jit_fiber_test.c - fibers (lib/wasm/jit/jit_fiber.h) under qemu-riscv64:
 * many switches with values kept across them, deep recursion on a fiber's
 * stack, a fiber resumed in turn by four threads (each time seeing the
 * resuming thread's tp), and jit_fiber_exit from a nested call followed by
 * reuse of the same fiber and stack.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/jit/jit_fiber.h"

#define STACK_BYTES (512u << 10)

struct counter {
	struct jit_fiber f;
	uint64_t n, sum;
	double fsum;
};

static void count_fn(void *arg)
{
	struct counter *c = arg;
	uint64_t local = 0;
	double flocal = 0.5;

	for (uint64_t i = 0; i < c->n; i++) {
		local += i;
		flocal += 1.0;
		c->sum = local;
		jit_fiber_suspend(&c->f);
	}
	c->fsum = flocal;
}

TEST(jit_fiber, many_switches)
{
	static struct counter c;
	uint8_t *stack = aligned_alloc(16, STACK_BYTES);
	uint64_t want = 0, resumes = 0;
	int st;

	if (!EXPECT(stack != NULL))
		return;
	c.n = 100000;
	EXPECT_OK(jit_fiber_init(&c.f, (uintptr_t)stack, (uintptr_t)stack + STACK_BYTES, count_fn,
				 &c));
	while ((st = jit_fiber_resume(&c.f)) == JIT_FIBER_SUSPENDED) {
		want += resumes++;
		if (c.sum != want)
			break;
	}
	EXPECT_EQ(st, JIT_FIBER_DONE);
	EXPECT_EQ(resumes, c.n);
	EXPECT_EQ(c.sum, want);
	EXPECT(c.fsum == 0.5 + (double)c.n);
	free(stack);
}

static uint64_t deep(uint64_t n, struct jit_fiber *f)
{
	volatile uint64_t pad[8] = {n};

	if (n == 0) {
		jit_fiber_suspend(f); /* at the deepest point */
		return 0;
	}
	return pad[0] + deep(n - 1, f);
}

struct deep_arg {
	struct jit_fiber f;
	uint64_t n, result;
};

static void deep_fn(void *arg)
{
	struct deep_arg *d = arg;

	d->result = deep(d->n, &d->f);
}

TEST(jit_fiber, deep_recursion)
{
	static struct deep_arg d;
	uint8_t *stack = aligned_alloc(16, STACK_BYTES);

	if (!EXPECT(stack != NULL))
		return;
	d.n = 3000; /* ~ 3000 * 128 bytes of the 512 KiB */
	EXPECT_OK(jit_fiber_init(&d.f, (uintptr_t)stack, (uintptr_t)stack + STACK_BYTES, deep_fn,
				 &d));
	EXPECT_EQ(jit_fiber_resume(&d.f), JIT_FIBER_SUSPENDED);
	EXPECT_EQ(jit_fiber_resume(&d.f), JIT_FIBER_DONE);
	EXPECT_EQ(d.result, d.n * (d.n + 1) / 2);
	free(stack);
}

/* ---- four threads take turns resuming one fiber ---- */

#define NTHREADS 4
#define ROUNDS	 2000

struct relay {
	struct jit_fiber f;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int turn; /* which thread resumes next */
	int done;
	uintptr_t tp_seen[NTHREADS * ROUNDS];
	uintptr_t tp_of[NTHREADS];
	uint64_t steps;
	int bad;
};

static uintptr_t read_tp(void)
{
	uintptr_t tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return tp;
}

static void relay_fn(void *arg)
{
	struct relay *r = arg;

	for (uint64_t i = 0; i < (uint64_t)NTHREADS * ROUNDS; i++) {
		r->tp_seen[i] = read_tp();
		r->steps = i + 1;
		jit_fiber_suspend(&r->f);
	}
}

struct relay_thread {
	struct relay *r;
	int id;
};

static void *relay_thread(void *arg)
{
	struct relay_thread *rt = arg;
	struct relay *r = rt->r;

	pthread_mutex_lock(&r->lock);
	r->tp_of[rt->id] = read_tp();
	for (;;) {
		while (r->turn != rt->id && !r->done)
			pthread_cond_wait(&r->cv, &r->lock);
		if (r->done)
			break;
		uint64_t step = r->steps;

		if (jit_fiber_resume(&r->f) == JIT_FIBER_DONE)
			r->done = 1;
		else if (r->tp_seen[step] != read_tp())
			r->bad = 1;
		r->turn = (r->turn + 1) % NTHREADS;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

TEST(jit_fiber, resumed_by_four_threads)
{
	static struct relay r;
	struct relay_thread rt[NTHREADS];
	pthread_t th[NTHREADS];
	uint8_t *stack = aligned_alloc(16, STACK_BYTES);
	int distinct = 0;

	if (!EXPECT(stack != NULL))
		return;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cv, NULL);
	EXPECT_OK(jit_fiber_init(&r.f, (uintptr_t)stack, (uintptr_t)stack + STACK_BYTES, relay_fn,
				 &r));
	for (int i = 0; i < NTHREADS; i++) {
		rt[i] = (struct relay_thread){&r, i};
		pthread_create(&th[i], NULL, relay_thread, &rt[i]);
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(r.steps, (uint64_t)NTHREADS * ROUNDS);
	EXPECT_EQ(r.bad, 0);
	/* the fiber saw each thread's own tp, in turn */
	for (int i = 0; i < NTHREADS; i++)
		distinct += r.tp_seen[i] == r.tp_of[i];
	EXPECT_EQ(distinct, NTHREADS);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.lock);
	free(stack);
}

/* ---- exit from a nested call, then reuse ---- */

struct exiter {
	struct jit_fiber f;
	int reached, after;
};

static __attribute__((noinline)) void exit_inner(struct exiter *e, int depth)
{
	if (depth == 0) {
		e->reached++;
		jit_fiber_exit(&e->f);
	}
	exit_inner(e, depth - 1);
	e->after++; /* never: the exit dropped these frames */
}

static void exit_fn(void *arg)
{
	struct exiter *e = arg;

	jit_fiber_suspend(&e->f);
	exit_inner(e, 20);
	e->after++;
}

TEST(jit_fiber, exit_from_nested_call)
{
	static struct exiter e;
	uint8_t *stack = aligned_alloc(16, STACK_BYTES);
	uintptr_t lo = (uintptr_t)stack, hi = lo + STACK_BYTES;

	if (!EXPECT(stack != NULL))
		return;
	for (int round = 0; round < 3; round++) {
		EXPECT_OK(jit_fiber_init(&e.f, lo, hi, exit_fn, &e));
		EXPECT_EQ(jit_fiber_resume(&e.f), JIT_FIBER_SUSPENDED);
		EXPECT_EQ(jit_fiber_resume(&e.f), JIT_FIBER_DONE);
	}
	EXPECT_EQ(e.reached, 3);
	EXPECT_EQ(e.after, 0);
	EXPECT_EQ(jit_fiber_init(&e.f, lo, lo + 512, exit_fn, &e), ERR_INVAL);
	free(stack);
}
