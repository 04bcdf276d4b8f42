/*
 * kasync_stress_test.c - the executor under load: 2-16 threads, >= 10^6
 * operations each (every spawn, poll, wake, cancel and join counts as one),
 * and no task leaked.
 */
#include <pthread.h>
#include <sched.h>

#include "base/err.h"
#include "base/test.h"
#include "base/spin.h"
#include "kasync_util.h"

#define MILLION 1000000L

/* A notification a task can wait on and anyone can fire. */
struct flag {
	struct spin lock;
	bool set, waiting;
	struct kasync_waker w;
};

static enum kasync_poll flag_poll(struct flag *f, struct kasync_cx *cx)
{
	spin_acquire(&f->lock);
	if (f->set) {
		f->set = false;
		spin_release(&f->lock);
		return KASYNC_READY;
	}
	if (!f->waiting) {
		f->w = kasync_waker_clone(&cx->waker);
		f->waiting = true;
	}
	spin_release(&f->lock);
	return KASYNC_PENDING;
}

/* Fires if a task waits; returns whether it did. */
static bool flag_fire(struct flag *f)
{
	struct kasync_waker w = {NULL, NULL};
	spin_acquire(&f->lock);
	if (f->waiting) {
		f->waiting = false;
		f->set = true;
		w = f->w;
	}
	spin_release(&f->lock);
	if (w.vt == NULL)
		return false;
	kasync_waker_wake(&w);
	return true;
}

/* Shared state of one test run. */
struct run {
	struct rt rt;
	_Atomic long remaining; /* tasks left; the last one closes the executor */
	_Atomic long errors;
	_Atomic long ops;
	long per_task;
	struct flag *flags;
	long nflags;
	_Atomic bool stop;
	bool slices; /* yielders use up slices (kasync_yield_slice) */
};

static void done_one(struct run *r, struct kasync_exec *exec)
{
	if (atomic_fetch_sub(&r->remaining, 1) == 1)
		kasync_exec_close(exec);
}

static bool run_begin(struct test_ctx *t, struct run *r, uint32_t threads, long tasks)
{
	atomic_store(&r->remaining, tasks);
	atomic_store(&r->errors, 0);
	atomic_store(&r->ops, 0);
	atomic_store(&r->stop, false);
	r->slices = false;
	return EXPECT_OK(rt_init(&r->rt, threads));
}

static void run_end(struct test_ctx *t, struct run *r, long live0, long min_ops)
{
	rt_wait_close(&r->rt);
	EXPECT_EQ(atomic_load(&r->remaining), 0);
	EXPECT_EQ(atomic_load(&r->errors), 0);
	EXPECT_GE(atomic_load(&r->ops), min_ops);
	EXPECT_EQ(kt_live(), live0);
}

/* --- yielders --- */

static enum kasync_poll yielder(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	if (t->i++ < r->per_task) {
		if (r->slices) {
			kasync_yield_slice(cx);
			return KASYNC_PENDING;
		}
		kasync_yield_init(&t->y);
		(void)kasync_yield_poll(&t->y, cx);
		return KASYNC_PENDING;
	}
	done_one(r, cx->exec);
	return KASYNC_READY;
}

/* Spawns `n` children of `fn` from inside the executor, a batch per poll. */
static enum kasync_poll spawner(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	kt_fn fn = (kt_fn)(uintptr_t)t->out;
	for (long k = 0; k < 512 && t->i < t->n; k++, t->i++)
		if (kasync_spawn(cx->exec, &kt_new(fn, r)->task, NULL))
			atomic_fetch_add(&r->errors, 1);
		else
			atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	if (t->i < t->n) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	return KASYNC_READY;
}

static void spawn_spawner(struct run *r, kt_fn fn, long n)
{
	struct kt *s = kt_new(spawner, r);
	s->n = n;
	s->out = (long)(uintptr_t)fn;
	kasync_spawn(&r->rt.exec, &s->task, NULL);
}

TEST(kasync_stress, basically_works)
{
	struct run r;
	long live0 = kt_live(), tasks = 100000;
	if (!run_begin(t, &r, 4, tasks))
		return;
	r.per_task = 8;
	spawn_spawner(&r, yielder, tasks);
	rt_start(&r.rt, 4);
	run_end(t, &r, live0, MILLION);
}

static void many_yields(struct test_ctx *t, bool slices)
{
	struct run r;
	long live0 = kt_live(), tasks = 1000;
	if (!run_begin(t, &r, 4, tasks))
		return;
	r.per_task = 1000;
	r.slices = slices;
	for (long i = 0; i < tasks; i++)
		kasync_spawn(&r.rt.exec, &kt_new(yielder, &r)->task, NULL);
	rt_start(&r.rt, 4);
	run_end(t, &r, live0, MILLION);
}

TEST(kasync_stress, many_yields)
{
	many_yields(t, false);
}

/* Every poll a used-up slice: each goes through the global yield queue. */
TEST(kasync_stress, many_slice_yields)
{
	many_yields(t, true);
}

/* --- one-shot tasks --- */

static enum kasync_poll bump(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	done_one(r, cx->exec);
	return KASYNC_READY;
}

TEST(kasync_stress, schedule_many)
{
	struct run r;
	long live0 = kt_live(), tasks = MILLION / 2;
	if (!run_begin(t, &r, 2, tasks))
		return;
	spawn_spawner(&r, bump, tasks);
	rt_start(&r.rt, 2);
	run_end(t, &r, live0, MILLION);
}

struct spawn_thread {
	struct run *r;
	long n;
};

static void *outside_spawner(void *arg)
{
	struct spawn_thread *s = arg;
	for (long i = 0; i < s->n; i++)
		if (kasync_spawn(&s->r->rt.exec, &kt_new(bump, s->r)->task, NULL))
			atomic_fetch_add(&s->r->errors, 1);
		else
			atomic_fetch_add_explicit(&s->r->ops, 1, memory_order_relaxed);
	return NULL;
}

static void outside_spawns(struct test_ctx *t, uint32_t workers, uint32_t spawners)
{
	struct run r;
	struct spawn_thread st = {&r, MILLION / 2 / spawners};
	pthread_t th[16];
	struct kasync_counters c;
	long live0 = kt_live();

	if (!run_begin(t, &r, workers, st.n * spawners))
		return;
	rt_start(&r.rt, workers);
	for (uint32_t i = 0; i < spawners; i++)
		pthread_create(&th[i], NULL, outside_spawner, &st);
	for (uint32_t i = 0; i < spawners; i++)
		pthread_join(th[i], NULL);
	kasync_host_workers_join(&r.rt.w);
	kasync_exec_counters(&r.rt.exec, &c);
	EXPECT_GE((long)c.stolen, st.n * spawners); /* every task came through the injector */
	EXPECT_EQ((long)c.completed, st.n * spawners);
	run_end(t, &r, live0, MILLION);
}

TEST(kasync_stress, injector)
{
	outside_spawns(t, 2, 1);
}

TEST(kasync_stress, cross_thread_spawn)
{
	outside_spawns(t, 4, 4);
}

/* --- current task --- */

static enum kasync_poll check_current(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	struct kasync_task *cur = kasync_current_task(cx->exec);
	if (cur != &t->task)
		atomic_fetch_add(&r->errors, 1);
	if (cur != NULL)
		kasync_task_unref(cur);
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	if (t->i++ < r->per_task) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	done_one(r, cx->exec);
	return KASYNC_READY;
}

TEST(kasync_stress, current_task)
{
	struct run r;
	long live0 = kt_live(), tasks = 1000;
	if (!run_begin(t, &r, 3, tasks))
		return;
	r.per_task = 999;
	EXPECT(kasync_current_task(&r.rt.exec) == NULL);
	spawn_spawner(&r, check_current, tasks);
	rt_start(&r.rt, 3);
	run_end(t, &r, live0, MILLION);
}

/* --- notifications --- */

static enum kasync_poll waiter(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	struct flag *f = &r->flags[t->n];
	while (t->i < r->per_task) {
		if (flag_poll(f, cx) == KASYNC_PENDING)
			return KASYNC_PENDING;
		atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
		t->i++;
	}
	done_one(r, cx->exec);
	return KASYNC_READY;
}

/* Alternates a used-up slice with a wait: the yield queue and the wakes to
 * the CPU that polled it last, while other CPUs steal. */
static enum kasync_poll slice_waiter(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	while (t->i < r->per_task) {
		if (t->step == 0) {
			t->step = 1;
			kasync_yield_slice(cx);
			return KASYNC_PENDING;
		}
		if (flag_poll(&r->flags[t->n], cx) == KASYNC_PENDING)
			return KASYNC_PENDING;
		atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
		t->step = 0;
		t->i++;
	}
	done_one(r, cx->exec);
	return KASYNC_READY;
}

static void fire_all_until_done(struct run *r)
{
	while (atomic_load(&r->remaining) > 0 && !atomic_load(&r->stop)) {
		bool any = false;
		for (long i = 0; i < r->nflags; i++)
			any |= flag_fire(&r->flags[i]);
		if (!any)
			sched_yield();
	}
}

static void *notifier_thread(void *arg)
{
	fire_all_until_done(arg);
	return NULL;
}

static enum kasync_poll notifier_task(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	for (long i = 0; i < r->nflags; i++)
		flag_fire(&r->flags[i]);
	if (atomic_load(&r->remaining) == 0)
		return KASYNC_READY;
	kasync_waker_wake_by_ref(&cx->waker);
	return KASYNC_PENDING;
}

static void notify_test(struct test_ctx *t, uint32_t workers, uint32_t notifiers, bool in_exec,
			kt_fn fn)
{
	static struct flag flags[8192];
	struct run r;
	pthread_t th[16];
	long live0 = kt_live(), tasks = 8192;

	if (!run_begin(t, &r, workers, tasks))
		return;
	for (long i = 0; i < tasks; i++) {
		spin_init(&flags[i].lock);
		flags[i].set = flags[i].waiting = false;
	}
	r.flags = flags;
	r.nflags = tasks;
	r.per_task = (MILLION + tasks - 1) / tasks;
	for (long i = 0; i < tasks; i++) {
		struct kt *w = kt_new(fn, &r);
		w->n = i;
		kasync_spawn(&r.rt.exec, &w->task, NULL);
	}
	if (in_exec)
		for (uint32_t i = 0; i < notifiers; i++)
			kasync_spawn(&r.rt.exec, &kt_new(notifier_task, &r)->task, NULL);
	rt_start(&r.rt, workers);
	if (!in_exec) {
		for (uint32_t i = 0; i < notifiers; i++)
			pthread_create(&th[i], NULL, notifier_thread, &r);
		for (uint32_t i = 0; i < notifiers; i++)
			pthread_join(th[i], NULL);
	}
	run_end(t, &r, live0, MILLION);
}

TEST(kasync_stress, notify_external)
{
	notify_test(t, 2, 2, false, waiter);
}

TEST(kasync_stress, notify_future)
{
	notify_test(t, 2, 1, true, waiter);
}

/* Tasks on CPU 0 wait on flags fired from outside while CPUs 1.. steal them. */
TEST(kasync_stress, steal_while_waking)
{
	notify_test(t, 4, 2, false, waiter);
}

TEST(kasync_stress, slice_yields_and_wakes)
{
	notify_test(t, 4, 2, false, slice_waiter);
}

/* --- join handles --- */

/* A detached child counts itself done (its parent cannot). */
#define J_DETACHED 7

static enum kasync_poll child_answer(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	if (t->i++ < t->n) {
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
	t->out = t->n + 1000;
	if (t->step == J_DETACHED)
		done_one(r, cx->exec);
	return KASYNC_READY;
}

static enum kasync_poll child_forever(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	(void)cx;
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	t->i++;
	return KASYNC_PENDING; /* nobody will wake it: only a cancel ends it */
}

static enum kasync_poll child_slices(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	t->i++;
	kasync_yield_slice(cx); /* through the yield queue until cancelled */
	return KASYNC_PENDING;
}

static enum kasync_poll child_self_cancel(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	struct kasync_task *me = kasync_current_task(cx->exec);
	atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
	if (me == NULL || !kasync_task_cancel(me))
		atomic_fetch_add(&r->errors, 1);
	if (me != NULL)
		kasync_task_unref(me);
	t->i++;
	return KASYNC_PENDING;
}

enum join_mode {
	J_WAKES,
	J_CANCEL_BEFORE,
	J_CANCEL_BETWEEN,
	J_CANCEL_SLICES,
	J_SELF_CANCEL,
	J_DROP
};

/*
 * A parent joins `per_task` children one after another; `t->n` is the mode.
 * step 0: spawn a child (and maybe cancel it); step 1: (maybe yield, cancel);
 * step 2: join and check.
 */
static enum kasync_poll parent(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	struct kt *c;
	long out = -1;
	int err = 0;

	for (;;) {
		switch (t->step) {
		case 0:
			if (t->i == r->per_task) {
				done_one(r, cx->exec);
				return KASYNC_READY;
			}
			c = kt_new(t->n == J_WAKES || t->n == J_DROP ? child_answer
				   : t->n == J_SELF_CANCEL	     ? child_self_cancel
				   : t->n == J_CANCEL_SLICES	     ? child_slices
								     : child_forever,
				   r);
			c->n = t->i % 3;
			if (t->n == J_DROP)
				c->step = J_DETACHED;
			t->out = c->n;
			if (kasync_spawn(cx->exec, &c->task, &t->join)) {
				atomic_fetch_add(&r->errors, 1);
				return KASYNC_READY;
			}
			atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
			if (t->n == J_DROP) {
				kasync_join_drop(&t->join);
				t->i++;
				continue;
			}
			if (t->n == J_CANCEL_BEFORE && !kasync_join_cancel(&t->join))
				atomic_fetch_add(&r->errors, 1);
			if (t->n == J_CANCEL_BEFORE)
				atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
			t->step = 1;
			kasync_yield_init(&t->y);
			__attribute__((fallthrough));
		case 1:
			if (t->n == J_CANCEL_BETWEEN || t->n == J_CANCEL_SLICES) {
				if (kasync_yield_poll(&t->y, cx) == KASYNC_PENDING)
					return KASYNC_PENDING;
				kasync_join_cancel(&t->join);
				atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
			}
			t->step = 2;
			__attribute__((fallthrough));
		case 2:
			if (kasync_join_poll(&t->join, cx, &out, &err) == KASYNC_PENDING)
				return KASYNC_PENDING;
			if (t->n == J_WAKES ? (err != 0 || out != t->out + 1000)
					    : err != ERR_CANCELLED)
				atomic_fetch_add(&r->errors, 1);
			kasync_join_drop(&t->join);
			atomic_fetch_add_explicit(&r->ops, 1, memory_order_relaxed);
			t->i++;
			t->step = 0;
			break;
		}
	}
}

static void join_test(struct test_ctx *t, uint32_t workers, enum join_mode mode, long per_parent)
{
	struct run r;
	long live0 = kt_live(), parents = 1000;

	if (!run_begin(t, &r, workers, parents + (mode == J_DROP ? parents * per_parent : 0)))
		return;
	r.per_task = per_parent;
	for (long i = 0; i < parents; i++) {
		struct kt *p = kt_new(parent, &r);
		p->n = mode;
		kasync_spawn(&r.rt.exec, &p->task, NULL);
	}
	rt_start(&r.rt, workers);
	run_end(t, &r, live0, MILLION);
}

TEST(kasync_stress, join_handle_wakes)
{
	join_test(t, 4, J_WAKES, 260);
}

TEST(kasync_stress, join_handle_cancels_before_poll)
{
	join_test(t, 2, J_CANCEL_BEFORE, 340);
}

TEST(kasync_stress, join_handle_cancels_between_polls)
{
	join_test(t, 3, J_CANCEL_BETWEEN, 260);
}

/* Children that use up slices are cancelled while queued in the yield queue or polled. */
TEST(kasync_stress, join_handle_cancels_slice_yielders)
{
	join_test(t, 3, J_CANCEL_SLICES, 260);
}

TEST(kasync_stress, task_self_cancels)
{
	join_test(t, 4, J_SELF_CANCEL, 340);
}

TEST(kasync_stress, drop_join_handle)
{
	join_test(t, 2, J_DROP, 340);
}

/* --- references --- */

static void *waker_churn(void *arg)
{
	struct run *r = arg;
	while (!atomic_load(&r->stop)) {
		for (long i = 0; i < r->nflags; i++)
			flag_fire(&r->flags[i]);
		sched_yield();
	}
	return NULL;
}

/* Each poll clones its waker a few times and hands the clones to wake-by-value, wake-by-ref and
 * drop. */
static enum kasync_poll ref_churn(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	struct kasync_waker a = kasync_waker_clone(&cx->waker);
	struct kasync_waker b = kasync_waker_clone(&a);
	struct kasync_waker c = kasync_task_waker(&t->task);
	kasync_waker_drop(&b);
	kasync_waker_wake_by_ref(&c);
	kasync_waker_drop(&c);
	atomic_fetch_add_explicit(&r->ops, 4, memory_order_relaxed);
	if (t->i++ < r->per_task) {
		kasync_waker_wake(&a);
		return KASYNC_PENDING;
	}
	kasync_waker_drop(&a);
	done_one(r, cx->exec);
	return KASYNC_READY;
}

TEST(kasync_stress, taskref_deallocates)
{
	static struct flag flags[1];
	struct run r;
	pthread_t th;
	long live0 = kt_live(), tasks = 500;

	if (!run_begin(t, &r, 2, tasks))
		return;
	spin_init(&flags[0].lock);
	flags[0].set = flags[0].waiting = false;
	r.flags = flags;
	r.nflags = 1;
	r.per_task = 500;
	for (long i = 0; i < tasks; i++)
		kasync_spawn(&r.rt.exec, &kt_new(ref_churn, &r)->task, NULL);
	rt_start(&r.rt, 2);
	pthread_create(&th, NULL, waker_churn, &r);
	kasync_host_workers_join(&r.rt.w);
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	run_end(t, &r, live0, MILLION);
}

/* --- a blocked worker --- */

static enum kasync_poll blocker(struct kt *t, struct kasync_cx *cx)
{
	struct run *r = t->arg;
	/* spawn the work onto this CPU's queue, then hog this CPU until others ran it all */
	for (long i = 0; i < t->n; i++)
		if (kasync_spawn(cx->exec, &kt_new(yielder, r)->task, NULL))
			atomic_fetch_add(&r->errors, 1);
	while (atomic_load(&r->remaining) > 1)
		sched_yield();
	done_one(r, cx->exec);
	return KASYNC_READY;
}

TEST(kasync_stress, steal_blocked)
{
	struct run r;
	struct kasync_counters c;
	long live0 = kt_live(), tasks = 10000;
	struct kt *b;

	if (!run_begin(t, &r, 3, tasks + 1))
		return;
	r.per_task = 99;
	b = kt_new(blocker, &r);
	b->n = tasks;
	kasync_spawn(&r.rt.exec, &b->task, NULL);
	rt_start(&r.rt, 3);
	kasync_host_workers_join(&r.rt.w);
	kasync_exec_counters(&r.rt.exec, &c);
	EXPECT_GE((long)c.stolen, tasks);
	run_end(t, &r, live0, MILLION);
}
