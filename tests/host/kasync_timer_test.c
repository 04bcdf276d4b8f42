/* kasync_timer_test.c - the timer wheel alone, then sleep/timeout and oneshot on an executor. */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "kasync/oneshot.h"
#include "kasync/timer.h"
#include "kasync_util.h"

struct fired {
	uint64_t order[64];
	uint64_t at[64];
	unsigned n;
	struct kasync_wheel *w;
};

static void on_fire(void *arg, struct kasync_timer_entry *e)
{
	struct fired *f = arg;
	if (f->n < 64) {
		f->order[f->n] = e->deadline;
		f->at[f->n] = f->w->now;
	}
	f->n++;
}

TEST(kasync_timer, wheel_fires_in_order_at_deadline)
{
	static struct kasync_wheel w;
	static struct kasync_timer_entry e[8];
	uint64_t dl[8] = {5, 63, 64, 4095, 4096, 300000, 1ull << 37, 70};
	struct fired f = {.n = 0, .w = &w};

	kasync_wheel_init(&w, 1);
	for (int i = 0; i < 8; i++) {
		e[i].linked = false;
		e[i].deadline = dl[i];
		EXPECT(kasync_wheel_insert(&w, &e[i]));
	}
	EXPECT_OK(kasync_wheel_check(&w));
	EXPECT_EQ(kasync_wheel_next(&w), 5);
	kasync_wheel_advance(&w, 4, on_fire, &f);
	EXPECT_EQ(f.n, 0);
	kasync_wheel_advance(&w, 100, on_fire, &f);
	EXPECT_EQ(f.n, 4);
	EXPECT_OK(kasync_wheel_check(&w));
	kasync_wheel_remove(&w, &e[4]);
	kasync_wheel_advance(&w, 1ull << 38, on_fire, &f);
	EXPECT_EQ(f.n, 7);
	EXPECT_OK(kasync_wheel_check(&w));
	uint64_t want[7] = {5, 63, 64, 70, 4095, 300000, 1ull << 37};
	for (int i = 0; i < 7; i++) {
		EXPECT_EQ_U(f.order[i], want[i]);
		EXPECT_EQ_U(f.at[i], want[i]); /* fired exactly at its tick */
	}
	EXPECT_EQ_U(kasync_wheel_next(&w), UINT64_MAX);
	e[0].deadline = 3;
	EXPECT(!kasync_wheel_insert(&w, &e[0])); /* in the past */
}

TEST(kasync_timer, wheel_random_against_sorted)
{
	static struct kasync_wheel w;
	static struct kasync_timer_entry e[2000];
	struct fired f = {.n = 0, .w = &w};
	uint64_t x = 88172645463325252ull, last = 0;
	bool ordered = true;

	kasync_wheel_init(&w, 1000);
	for (int i = 0; i < 2000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		e[i].linked = false;
		e[i].deadline = 1001 + x % (1ull << (x % 40));
		kasync_wheel_insert(&w, &e[i]);
	}
	EXPECT_OK(kasync_wheel_check(&w));
	while (w.count > 0) {
		uint64_t nx = kasync_wheel_next(&w);
		unsigned before = f.n;
		kasync_wheel_advance(&w, nx, on_fire, &f);
		for (unsigned k = before; k < f.n && k < 64; k++)
			ordered &= f.at[k] == f.order[k];
		if (nx < last)
			ordered = false;
		last = nx;
	}
	EXPECT(ordered);
	EXPECT_EQ(f.n, 2000);
	EXPECT_OK(kasync_wheel_check(&w));
}

/* A task: sleep 20 ms, then record how late it woke; then a timeout around a oneshot. */
struct sleeper_ctx {
	uint64_t start, woke;
	int timeout_err;
	struct kasync_oneshot o;
};

static enum kasync_poll oneshot_fn(void *arg, struct kasync_cx *cx, int *err)
{
	uintptr_t v;
	return kasync_oneshot_recv_poll(arg, cx, &v, err);
}

static enum kasync_poll sleeper_poll(struct kt *t, struct kasync_cx *cx)
{
	struct sleeper_ctx *c = t->arg;
	static struct kasync_sleep s;
	static struct kasync_timeout to;
	int err = 0;

	switch (t->step) {
	case 0:
		c->start = cx->exec->plat->now_ns(cx->exec->plat->ctx);
		kasync_sleep_init(&s, cx->exec, 20000000);
		t->step = 1;
		__attribute__((fallthrough));
	case 1:
		if (kasync_sleep_poll(&s, cx) == KASYNC_PENDING)
			return KASYNC_PENDING;
		c->woke = cx->exec->plat->now_ns(cx->exec->plat->ctx);
		kasync_sleep_drop(&s);
		kasync_oneshot_init(&c->o);
		kasync_timeout_init(&to, cx->exec, 5000000, oneshot_fn, &c->o);
		t->step = 2;
		__attribute__((fallthrough));
	case 2:
		if (kasync_timeout_poll(&to, cx, &err) == KASYNC_PENDING)
			return KASYNC_PENDING;
		kasync_timeout_drop(&to);
		kasync_oneshot_drop_rx(&c->o);
		c->timeout_err = err;
		kasync_exec_close(cx->exec);
		return KASYNC_READY;
	}
	return KASYNC_READY;
}

TEST(kasync_timer, sleep_and_timeout_on_workers)
{
	struct rt rt;
	struct sleeper_ctx c = {0, 0, 0, {{false}, false, false, 0, {NULL, NULL}}};
	long live0 = kt_live();

	if (!EXPECT_OK(rt_init(&rt, 2)))
		return;
	kasync_spawn(&rt.exec, &kt_new(sleeper_poll, &c)->task, NULL);
	EXPECT_OK(rt_start(&rt, 2));
	rt_wait_close(&rt);
	EXPECT_GE(c.woke - c.start, 20000000);
	EXPECT_LT(c.woke - c.start, 200000000); /* generous: the test machine is shared */
	EXPECT_EQ(c.timeout_err, ERR_TIMEDOUT);
	EXPECT_EQ(kt_live(), live0);
}

/*
 * A cancelled task whose only reference left is its sleep's waker: the
 * timer's wake drops it, and the task's dealloc drops that same sleep (as
 * task.h's example does) while the firing worker holds the timer lock.
 */
struct dozer {
	struct kasync_task task;
	struct kasync_sleep sleep;
	_Atomic bool polled;
	_Atomic bool *freed;
};

static enum kasync_poll dozer_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct dozer *d = (struct dozer *)task;
	kasync_sleep_init(&d->sleep, cx->exec, 20000000);
	(void)kasync_sleep_poll(&d->sleep, cx); /* armed: the timer holds a waker */
	atomic_store(&d->polled, true);
	return KASYNC_PENDING;
}

static void dozer_dealloc(struct kasync_task *task)
{
	struct dozer *d = (struct dozer *)task;
	kasync_sleep_drop(&d->sleep);
	atomic_store(d->freed, true);
	free(d);
}

TEST(kasync_timer, dealloc_from_the_timers_wake_may_drop_its_sleep)
{
	static const struct kasync_task_vtable vt = {.poll = dozer_poll, .dealloc = dozer_dealloc};
	_Atomic bool freed = false;
	struct kasync_join jh;
	struct rt rt;
	struct dozer *d = calloc(1, sizeof(*d));

	if (!EXPECT(d != NULL) || !EXPECT_OK(rt_init(&rt, 1)))
		return;
	d->freed = &freed;
	kasync_task_init(&d->task, &vt, "dozer");
	EXPECT_OK(kasync_spawn(&rt.exec, &d->task, &jh));
	EXPECT_OK(rt_start(&rt, 1));
	while (!atomic_load(&d->polled))
		sched_yield();
	kasync_join_cancel(&jh);
	kasync_join_drop(&jh);
	for (int i = 0; i < 2000 && !atomic_load(&freed); i++)
		usleep(1000); /* the sleep fires after 20 ms */
	EXPECT(atomic_load(&freed));
	rt_stop(&rt); /* hangs (the suite times out) if the worker deadlocked */
}

TEST(kasync_oneshot, send_recv_close)
{
	struct kasync_oneshot o;
	struct kasync_cx cx = {{NULL, NULL}, NULL, NULL};
	uintptr_t v = 0;
	int err = 1;

	kasync_oneshot_init(&o);
	EXPECT_EQ(kasync_oneshot_recv_poll(&o, &cx, &v, &err), KASYNC_PENDING);
	EXPECT_OK(kasync_oneshot_send(&o, 7));
	EXPECT_EQ(kasync_oneshot_send(&o, 8), ERR_BUSY);
	EXPECT_EQ(kasync_oneshot_recv_poll(&o, &cx, &v, &err), KASYNC_READY);
	EXPECT_OK(err);
	EXPECT_EQ(v, 7);
	kasync_oneshot_init(&o);
	kasync_oneshot_close(&o);
	EXPECT_EQ(kasync_oneshot_recv_poll(&o, &cx, &v, &err), KASYNC_READY);
	EXPECT_EQ(err, ERR_CLOSED);
	kasync_oneshot_init(&o);
	kasync_oneshot_drop_rx(&o);
	EXPECT_EQ(kasync_oneshot_send(&o, 1), ERR_CLOSED);
}
