/* kasync_exec_test.c - the executor: the seed's three tests and basic behaviour. */
#include <pthread.h>

#include "base/err.h"
#include "base/test.h"
#include "kasync_util.h"

static _Atomic bool called;

static enum kasync_poll work_then_close(struct kt *t, struct kasync_cx *cx)
{
	if (t->step == 0) {
		kasync_yield_init(&t->y);
		t->step = 1;
	}
	if (kasync_yield_poll(&t->y, cx) == KASYNC_PENDING)
		return KASYNC_PENDING;
	atomic_store(&called, true);
	kasync_exec_close(cx->exec);
	return KASYNC_READY;
}

static void seed_run(struct test_ctx *t, uint32_t nthreads)
{
	struct rt rt;
	long live0 = kt_live();

	atomic_store(&called, false);
	if (!EXPECT_OK(rt_init(&rt, nthreads)))
		return;
	EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(work_then_close, NULL)->task, NULL));
	EXPECT_OK(rt_start(&rt, nthreads));
	rt_wait_close(&rt);
	EXPECT(atomic_load(&called));
	EXPECT_EQ(kt_live(), live0);
}

TEST(kasync_exec, single_threaded)
{
	seed_run(t, 1);
}

TEST(kasync_exec, multi_threaded)
{
	seed_run(t, 3);
}

struct cross {
	struct rt rt;
	struct kasync_join jh;
	_Atomic int ready;
	_Atomic int wrong_cpu;
};

static enum kasync_poll answer_on_cpu0(struct kt *t, struct kasync_cx *cx)
{
	struct cross *c = t->arg;
	if (c->rt.host.plat.cpu_id(&c->rt.host) != 0)
		atomic_fetch_add(&c->wrong_cpu, 1);
	if (t->step++ == 0) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	t->out = 42;
	return KASYNC_READY;
}

static void *cross_h0(void *arg)
{
	struct cross *c = arg;
	kasync_host_set_cpu(&c->rt.host, 0);
	kasync_spawn(&c->rt.exec, &kt_new(answer_on_cpu0, c)->task, &c->jh);
	atomic_store(&c->ready, 1);
	kasync_worker_run(&c->rt.exec, 0);
	kasync_host_set_cpu(&c->rt.host, KASYNC_NO_CPU);
	return NULL;
}

TEST(kasync_exec, join_handle_cross_thread)
{
	static struct cross c;
	pthread_t h0;
	long out = 0, live0 = kt_live();

	atomic_store(&c.ready, 0);
	atomic_store(&c.wrong_cpu, 0);
	if (!EXPECT_OK(rt_init(&c.rt, 1)))
		return;
	pthread_create(&h0, NULL, cross_h0, &c);
	while (!atomic_load(&c.ready))
		sched_yield();
	EXPECT_OK(kasync_host_block_on_join(&c.rt.exec, &c.jh, &out));
	EXPECT_EQ(out, 42);
	kasync_join_drop(&c.jh);
	kasync_exec_close(&c.rt.exec);
	pthread_join(h0, NULL);
	kasync_exec_destroy(&c.rt.exec);
	EXPECT_EQ(atomic_load(&c.wrong_cpu), 0);
	EXPECT_EQ(kt_live(), live0);
}

static enum kasync_poll never(struct kt *t, struct kasync_cx *cx)
{
	(void)cx;
	t->n++;
	return KASYNC_PENDING;
}

TEST(kasync_exec, spawn_after_close_fails)
{
	struct rt rt;
	struct kasync_join jh = {NULL};
	long live0 = kt_live();

	if (!EXPECT_OK(rt_init(&rt, 1)))
		return;
	kasync_exec_close(&rt.exec);
	EXPECT(kasync_exec_is_closed(&rt.exec));
	EXPECT_EQ(kasync_spawn(&rt.exec, &kt_new(never, NULL)->task, &jh), ERR_CLOSED);
	EXPECT(jh.task == NULL);
	EXPECT_EQ(kasync_worker_run(&rt.exec, 0), ERR_CLOSED);
	kasync_exec_destroy(&rt.exec);
	EXPECT_EQ(kt_live(), live0);
}

static enum kasync_poll count_polls(struct kt *t, struct kasync_cx *cx)
{
	t->out = ++t->n;
	if (t->n >= 3)
		return KASYNC_READY;
	kasync_waker_wake_by_ref(&cx->waker);
	return KASYNC_PENDING;
}

TEST(kasync_exec, tick_counters_and_cancel_idle)
{
	struct rt rt;
	struct kasync_join a, b;
	struct kasync_counters c;
	struct kasync_tick tk;
	long out = 0, live0 = kt_live();
	struct kt *tb;
	int err = 1;

	if (!EXPECT_OK(rt_init(&rt, 1)))
		return;
	kasync_host_set_cpu(&rt.host, 0);
	EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(count_polls, NULL)->task, &a));
	tb = kt_new(never, NULL);
	EXPECT_OK(kasync_spawn(&rt.exec, &tb->task, &b));
	tk = kasync_sched_tick(&rt.exec.scheds[0], KASYNC_TICK_N);
	EXPECT_EQ(tk.polled, 4);
	EXPECT_EQ(tk.completed, 1);
	EXPECT_EQ(tk.woken_internal, 2);
	EXPECT(!tk.has_remaining);
	EXPECT_EQ(tb->n, 1);
	kasync_sched_counters(&rt.exec.scheds[0], &c);
	EXPECT_EQ(c.spawned, 2);
	EXPECT_EQ(c.polled, 4);
	EXPECT(kasync_join_cancel(&b));
	EXPECT(!kasync_join_cancel(&b));
	tk = kasync_sched_tick(&rt.exec.scheds[0], KASYNC_TICK_N);
	EXPECT_EQ(tk.polled, 1);
	EXPECT_EQ(tb->n, 1); /* cancelled: not polled again */
	struct kasync_cx cx = {{NULL, NULL}, NULL, &rt.exec};
	EXPECT_EQ(kasync_join_poll(&a, &cx, &out, &err), KASYNC_READY);
	EXPECT_OK(err);
	EXPECT_EQ(out, 3);
	EXPECT_EQ(kasync_join_poll(&b, &cx, &out, &err), KASYNC_READY);
	EXPECT_EQ(err, ERR_CANCELLED);
	kasync_join_drop(&a);
	kasync_join_drop(&b);
	kasync_host_set_cpu(&rt.host, KASYNC_NO_CPU);
	kasync_exec_destroy(&rt.exec);
	EXPECT_EQ(kt_live(), live0);
}

/* Fairness: a task that keeps re-queueing itself does not keep a task
 * spawned from outside (the injector) waiting longer than one tick, or
 * than one poll if it ends the tick (a WASM guest after its time slice). */
static _Atomic long hog_polls, seen_at;

static enum kasync_poll hog(struct kt *t, struct kasync_cx *cx)
{
	atomic_fetch_add(&hog_polls, 1);
	if (t->arg)
		kasync_sched_end_tick(cx->exec);
	kasync_waker_wake_by_ref(&cx->waker);
	return KASYNC_PENDING;
}

static enum kasync_poll marker(struct kt *t, struct kasync_cx *cx)
{
	(void)t;
	atomic_store(&seen_at, atomic_load(&hog_polls));
	kasync_exec_close(cx->exec);
	return KASYNC_READY;
}

static void injector_fairness(struct test_ctx *t, bool end_tick)
{
	struct rt rt;
	long live0 = kt_live();

	atomic_store(&hog_polls, 0);
	atomic_store(&seen_at, -1);
	if (!EXPECT_OK(rt_init(&rt, 1)))
		return;
	EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(hog, end_tick ? &rt : NULL)->task, NULL));
	EXPECT_OK(rt_start(&rt, 1));
	while (atomic_load(&hog_polls) < 1000) /* the hog has the CPU to itself */
		sched_yield();
	EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(marker, NULL)->task, NULL));
	/* Counted from when the marker is surely queued (it may even have run
	 * already: then the count is negative, which is fine). */
	long queued_at = atomic_load(&hog_polls);
	rt_wait_close(&rt);
	long waited = atomic_load(&seen_at) - queued_at;
	test_printf(t, "the spawned task waited %ld hog polls\n", waited);
	EXPECT_LE(waited, end_tick ? 2 : 2 * KASYNC_TICK_N);
	EXPECT_EQ(kt_live(), live0);
}

TEST(kasync_exec, injector_waits_at_most_one_tick)
{
	injector_fairness(t, false);
}

TEST(kasync_exec, end_tick_lets_the_injector_in_after_one_poll)
{
	injector_fairness(t, true);
}
