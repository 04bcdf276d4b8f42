/*
 * kasync_handoff_test.c - the cross-CPU hand-off: a producer outside the
 * executor spawns millions of tasks through the injector to workers that keep
 * falling asleep (bursts with pauses, single tasks waited for), so every
 * spawn races a worker that is about to sleep, sleeping or just woken. A
 * lost wake-up leaves a task in a queue with every worker asleep: the
 * producer's bounded wait then fails the test instead of hanging.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "base/test.h"
#include "kasync_util.h"

#ifdef TSAN_BUILD
#define TASKS 1000000L /* TSan runs them about ten times slower */
#else
#define TASKS 3000000L
#endif
#define WAIT_NS 30000000000ull /* a lost wake-up, not a slow machine */

struct handoff {
	struct rt rt;
	_Atomic long done;
	_Atomic long idle_events;
	_Atomic bool idle_gate;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void count_idle(void *ctx, enum kasync_hook_kind kind, uint32_t cpu,
		       const struct kasync_task *task, uint64_t arg)
{
	struct handoff *h = ctx;
	(void)cpu, (void)task, (void)arg;
	if (kind == KASYNC_HOOK_IDLE)
		atomic_fetch_add_explicit(&h->idle_events, 1, memory_order_relaxed);
}

static enum kasync_poll finish(struct kt *t, struct kasync_cx *cx)
{
	struct handoff *h = t->arg;
	(void)cx;
	atomic_fetch_add_explicit(&h->done, 1, memory_order_release);
	return KASYNC_READY;
}

/* Waits until `n` tasks are done; false after WAIT_NS (a task nobody runs). */
static bool wait_done(struct handoff *h, long n, bool spin)
{
	uint64_t t0 = mono_ns();
	while (atomic_load_explicit(&h->done, memory_order_acquire) < n) {
		if (mono_ns() - t0 > WAIT_NS)
			return false;
		if (!spin)
			sched_yield();
	}
	return true;
}

static void handoff_run(struct test_ctx *t, uint32_t workers)
{
	static struct handoff h;
	const _Atomic bool *gates[KASYNC_HOOK_COUNT] = {0};
	long live0 = kt_live(), spawned = 0;
	uint64_t rng = 0x2545f4914f6cdd1dull;
	struct kasync_counters c;

	atomic_store(&h.done, 0);
	atomic_store(&h.idle_events, 0);
	atomic_store(&h.idle_gate, true);
	if (!EXPECT_OK(rt_init(&h.rt, workers)))
		return;
	gates[KASYNC_HOOK_IDLE] = &h.idle_gate;
	kasync_exec_set_hook(&h.rt.exec, count_idle, &h, gates);
	if (!EXPECT_OK(rt_start(&h.rt, workers)))
		return;
	/* single tasks, each waited for: every one meets idle or sleeping
	 * workers; the first 200 only once a worker has gone idle again (so
	 * the sleeps happen however slow the machine or the sanitizer) */
	for (long i = 0; i < 20000 && spawned < TASKS; i++) {
		long idle = atomic_load(&h.idle_events);
		if (!EXPECT_OK(kasync_spawn(&h.rt.exec, &kt_new(finish, &h)->task, NULL)))
			break;
		spawned++;
		if (!EXPECT(wait_done(&h, spawned, (i & 1) != 0)))
			break;
		for (uint64_t t0 = mono_ns(); i < 200 && atomic_load(&h.idle_events) == idle &&
					      mono_ns() - t0 < 2000000000ull;)
			sched_yield();
	}
	/* bursts of 1..256 with a pause every few bursts, so workers drain, spin, sleep */
	while (spawned < TASKS) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		long burst = 1 + (long)(rng % 256);
		for (long k = 0; k < burst && spawned < TASKS; k++, spawned++)
			if (!EXPECT_OK(kasync_spawn(&h.rt.exec, &kt_new(finish, &h)->task, NULL)))
				goto out;
		if ((rng >> 20) % 8 == 0 && !EXPECT(wait_done(&h, spawned, false)))
			goto out;
	}
out:
	EXPECT(wait_done(&h, spawned, false));
	/* a tick adds its counts after its last poll: read them once the workers returned */
	kasync_exec_close(&h.rt.exec);
	kasync_host_workers_join(&h.rt.w);
	kasync_exec_counters(&h.rt.exec, &c);
	kasync_exec_destroy(&h.rt.exec);
	EXPECT_EQ(spawned, TASKS);
	EXPECT_EQ(atomic_load(&h.done), spawned);
	EXPECT_EQ((long)c.completed, spawned);
	EXPECT_GE((long)c.stolen, spawned);	     /* every task came through the injector */
	EXPECT_GT(atomic_load(&h.idle_events), 100); /* workers did sleep in between */
	EXPECT_EQ(kt_live(), live0);
}

TEST(kasync_handoff, one_worker)
{
	handoff_run(t, 1);
}

TEST(kasync_handoff, two_workers)
{
	handoff_run(t, 2);
}

TEST(kasync_handoff, sixteen_workers)
{
	handoff_run(t, 16);
}
