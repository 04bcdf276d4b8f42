/*
 * sched_test.c - the executor on real harts: work spreads and is stolen,
 * joins complete across harts, sleeps end on time, interrupt handlers wake
 * tasks. Meant for SMP=4 (make test runs SMP=1 and SMP=4); the cases that
 * need a second CPU say so when there is none.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "base/test.h"
#include "core/cpu.h"
#include "sched/sched.h"
#include "sched/timer.h"

#define MS 1000000ull

/* One test task: `fn` is its poll step; the output is `out`. */
struct ttask {
	struct kasync_task task;
	enum kasync_poll (*fn)(struct ttask *self, struct kasync_cx *cx);
	int step;
	uint64_t arg, out;
	uint32_t cpu; /* where it first ran */
	atomic_bool started;
	struct kasync_join child;
	struct ttask *child_task;
	struct kasync_sleep sleep;
	uint64_t t0;
};

static enum kasync_poll tt_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct ttask *t = (struct ttask *)task;
	return t->fn(t, cx);
}

static void tt_take(struct kasync_task *task, void *out)
{
	*(uint64_t *)out = ((struct ttask *)task)->out;
}

static void tt_dealloc(struct kasync_task *task)
{
	struct ttask *t = (struct ttask *)task;
	kasync_sleep_drop(&t->sleep);
	kasync_join_drop(&t->child);
	free(t);
}

static const struct kasync_task_vtable tt_vt = {
	.poll = tt_poll, .take_output = tt_take, .dealloc = tt_dealloc};

static struct ttask *tt_spawn(enum kasync_poll (*fn)(struct ttask *, struct kasync_cx *),
			      uint64_t arg, struct kasync_join *jh)
{
	struct ttask *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	kasync_task_init(&t->task, &tt_vt, "ktest");
	t->fn = fn;
	t->arg = arg;
	kasync_task_ref(&t->task); /* the caller's pointer, for inspection */
	if (kasync_spawn(&kexec, &t->task, jh)) {
		kasync_task_unref(&t->task);
		return NULL;
	}
	return t;
}

static void spin_us(uint64_t us)
{
	uint64_t end = arch_now_ticks() + timer_us_to_ticks(us);
	while (arch_now_ticks() < end)
		arch_cpu_relax();
}

static atomic_ulong ran_on; /* CPUs that ran a `worker` task */

static enum kasync_poll worker(struct ttask *t, struct kasync_cx *cx)
{
	(void)cx;
	t->cpu = cpu_id();
	atomic_fetch_or(&ran_on, 1ul << t->cpu);
	atomic_store(&t->started, true);
	spin_us(50);
	t->out = t->arg * 3;
	return KASYNC_READY;
}

TEST(sched, spawned_work_spreads_over_the_cpus)
{
	enum { N = 200 };
	struct kasync_join jh[N];
	struct ttask *tasks[N];
	atomic_store(&ran_on, 0);
	for (int i = 0; i < N; i++) {
		tasks[i] = tt_spawn(worker, (uint64_t)i, &jh[i]);
		if (!EXPECT(tasks[i]))
			return;
	}
	for (int i = 0; i < N; i++) {
		uint64_t out = 0;
		EXPECT_OK(sched_block_on_join(&jh[i], &out));
		EXPECT_EQ(out, (uint64_t)i * 3);
		kasync_task_unref(&tasks[i]->task);
	}
	unsigned used = (unsigned)__builtin_popcountl(atomic_load(&ran_on));
	test_printf(t, "200 tasks ran on %u of %u CPUs\n", used, ncpus);
	EXPECT_GE(used, 1u);
	if (ncpus > 1)
		EXPECT_GE(used, 2u);
}

/* Spawns 64 children onto its own CPU's queue, then keeps that CPU busy
 * until they are done: only other CPUs can have run them. */
static enum kasync_poll hog(struct ttask *t, struct kasync_cx *cx)
{
	enum { N = 64 };
	struct kasync_join jh[N];
	struct ttask *kids[N];
	(void)cx;
	t->cpu = cpu_id();
	for (int i = 0; i < N; i++)
		kids[i] = tt_spawn(worker, (uint64_t)i, &jh[i]);
	uint64_t deadline = sched_now_ns() + 2000 * MS;
	int done = 0;
	while (done < N && sched_now_ns() < deadline) {
		done = 0;
		for (int i = 0; i < N; i++)
			done += kids[i] && kasync_task_is_complete(&kids[i]->task);
	}
	uint64_t stolen_ok = 0;
	for (int i = 0; i < N; i++) {
		if (!kids[i])
			continue;
		stolen_ok += kasync_task_is_complete(&kids[i]->task) && kids[i]->cpu != t->cpu;
		kasync_join_drop(&jh[i]);
		kasync_task_unref(&kids[i]->task);
	}
	t->out = stolen_ok;
	return KASYNC_READY;
}

TEST(sched, busy_cpu_queue_is_stolen_by_the_others)
{
	if (ncpus < 2) {
		test_printf(t, "needs 2 CPUs: not applicable on 1\n");
		return;
	}
	struct kasync_counters before, after;
	struct kasync_join jh;
	uint64_t stolen_ok = 0;
	kasync_exec_counters(&kexec, &before);
	struct ttask *h = tt_spawn(hog, 0, &jh);
	if (!EXPECT(h))
		return;
	EXPECT_OK(sched_block_on_join(&jh, &stolen_ok));
	kasync_task_unref(&h->task);
	kasync_exec_counters(&kexec, &after);
	EXPECT_EQ(stolen_ok, 64u); /* every child finished elsewhere */
	EXPECT_GT(after.stolen, before.stolen);
}

/* Waits until its child has started on another CPU, then joins it. */
static enum kasync_poll joiner(struct ttask *t, struct kasync_cx *cx)
{
	int err = 0;
	if (t->step == 0) {
		t->cpu = cpu_id();
		t->child_task = tt_spawn(worker, 7, &t->child);
		if (!t->child_task) {
			t->out = 0;
			return KASYNC_READY;
		}
		uint64_t deadline = sched_now_ns() + 2000 * MS;
		while (!atomic_load(&t->child_task->started) && sched_now_ns() < deadline)
			arch_cpu_relax();
		t->step = 1;
	}
	uint64_t v = 0;
	if (kasync_join_poll(&t->child, cx, &v, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	t->out = err ? 0 : v;
	t->arg = t->child_task->cpu;
	kasync_task_unref(&t->child_task->task);
	return KASYNC_READY;
}

TEST(sched, join_completes_across_harts)
{
	if (ncpus < 2) {
		test_printf(t, "needs 2 CPUs: not applicable on 1\n");
		return;
	}
	struct kasync_join jh;
	uint64_t out = 0;
	struct ttask *j = tt_spawn(joiner, 0, &jh);
	if (!EXPECT(j))
		return;
	EXPECT_OK(sched_block_on_join(&jh, &out));
	EXPECT_EQ(out, 21u);
	EXPECT_NE(j->arg, (uint64_t)j->cpu); /* the child ran on another hart */
	kasync_task_unref(&j->task);
}

static enum kasync_poll sleeper(struct ttask *t, struct kasync_cx *cx)
{
	if (t->step == 0) {
		t->t0 = sched_now_ns();
		kasync_sleep_init(&t->sleep, &kexec, t->arg);
		t->step = 1;
	}
	if (kasync_sleep_poll(&t->sleep, cx) == KASYNC_PENDING)
		return KASYNC_PENDING;
	t->out = sched_now_ns();
	return KASYNC_READY;
}

TEST(sched, sleeps_end_on_time_and_in_order)
{
	static const uint64_t d[] = {10 * MS, 2 * MS, 5 * MS};
	struct kasync_join jh[3];
	struct ttask *s[3];
	uint64_t end[3];
	for (int i = 0; i < 3; i++) {
		s[i] = tt_spawn(sleeper, d[i], &jh[i]);
		if (!EXPECT(s[i]))
			return;
	}
	for (int i = 0; i < 3; i++) {
		EXPECT_OK(sched_block_on_join(&jh[i], &end[i]));
		uint64_t took = end[i] - s[i]->t0;
		test_printf(t, "sleep %llu us took %llu us\n", (unsigned long long)(d[i] / 1000),
			    (unsigned long long)(took / 1000));
		EXPECT_GE(took, d[i]);
		/* late by at most 20 ms: QEMU on a loaded host is slow to wake */
		EXPECT_LT(took, d[i] + 20 * MS);
		kasync_task_unref(&s[i]->task);
	}
	EXPECT_LT(end[1], end[2]);
	EXPECT_LT(end[2], end[0]);
}

/* A task woken by a timer interrupt handler through its saved waker. */
static struct {
	struct ktimer timer;
	struct kasync_waker waker;
	atomic_bool fired;
} irq_wake;

static void irq_wake_fire(struct ktimer *kt)
{
	(void)kt;
	atomic_store(&irq_wake.fired, true);
	kasync_waker_wake(&irq_wake.waker); /* interrupt context: takes no lock */
}

static enum kasync_poll irq_waiter(struct ttask *t, struct kasync_cx *cx)
{
	if (t->step == 0) {
		t->step = 1;
		t->t0 = sched_now_ns();
		irq_wake.waker = kasync_waker_clone(&cx->waker);
		bool irq = arch_irq_save(); /* the timer list is per CPU */
		timer_add(&irq_wake.timer, arch_now_ticks() + timer_us_to_ticks(1000),
			  irq_wake_fire);
		arch_irq_restore(irq);
		return KASYNC_PENDING;
	}
	if (!atomic_load(&irq_wake.fired))
		return KASYNC_PENDING; /* spurious: the waker is still armed */
	t->out = sched_now_ns() - t->t0;
	return KASYNC_READY;
}

TEST(sched, interrupt_handler_wakes_a_task)
{
	struct kasync_join jh;
	uint64_t took = 0;
	atomic_store(&irq_wake.fired, false);
	struct ttask *w = tt_spawn(irq_waiter, 0, &jh);
	if (!EXPECT(w))
		return;
	EXPECT_OK(sched_block_on_join(&jh, &took));
	EXPECT(atomic_load(&irq_wake.fired));
	EXPECT_GE(took, 1 * MS);
	kasync_task_unref(&w->task);
}
