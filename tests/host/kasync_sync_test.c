/* kasync_sync_test.c - wait queue, mutex, semaphore and channel, on 2-3 worker threads. */
#include "base/err.h"
#include "base/test.h"
#include "kasync/sync.h"
#include "kasync_util.h"

struct shared {
	struct kasync_mutex m;
	struct kasync_chan ch;
	struct kasync_waitq q;
	long inside, counter, received, sum;
	_Atomic long errors, remaining, waiting;
};

static void finish(struct shared *s, struct kasync_exec *exec)
{
	if (atomic_fetch_sub(&s->remaining, 1) == 1)
		kasync_exec_close(exec);
}

/* Lock, yield while holding it (so others queue up), check exclusion, unlock; n times. */
static enum kasync_poll mutex_user(struct kt *t, struct kasync_cx *cx)
{
	struct shared *s = t->arg;
	for (;;) {
		switch (t->step) {
		case 0:
			if (t->i == 2000) {
				finish(s, cx->exec);
				return KASYNC_READY;
			}
			kasync_waiter_init((struct kasync_waiter *)t->out);
			t->step = 1;
			__attribute__((fallthrough));
		case 1:
			if (kasync_mutex_lock_poll(&s->m, (struct kasync_waiter *)t->out, cx) ==
			    KASYNC_PENDING)
				return KASYNC_PENDING;
			if (s->inside++ != 0)
				atomic_fetch_add(&s->errors, 1);
			kasync_yield_init(&t->y);
			t->step = 2;
			__attribute__((fallthrough));
		case 2:
			if (kasync_yield_poll(&t->y, cx) == KASYNC_PENDING)
				return KASYNC_PENDING;
			s->counter++;
			s->inside--;
			kasync_mutex_unlock(&s->m);
			t->i++;
			t->step = 0;
		}
	}
}

static void free_waiter(struct kt *t)
{
	free((void *)t->out);
}

TEST(kasync_sync, mutex_excludes)
{
	static struct shared s;
	struct rt rt;
	struct kt *k[8];
	long live0 = kt_live();

	kasync_mutex_init(&s.m);
	s.inside = s.counter = 0;
	atomic_store(&s.errors, 0);
	atomic_store(&s.remaining, 8);
	if (!EXPECT_OK(rt_init(&rt, 3)))
		return;
	for (int i = 0; i < 8; i++) {
		k[i] = kt_new(mutex_user, &s);
		k[i]->out = (long)(uintptr_t)malloc(sizeof(struct kasync_waiter));
		kasync_task_ref(&k[i]->task);
		kasync_spawn(&rt.exec, &k[i]->task, NULL);
	}
	rt_start(&rt, 3);
	rt_wait_close(&rt);
	for (int i = 0; i < 8; i++) {
		free_waiter(k[i]);
		kasync_task_unref(&k[i]->task);
	}
	EXPECT_EQ(atomic_load(&s.errors), 0);
	EXPECT_EQ(s.counter, 8 * 2000);
	EXPECT_EQ(kt_live(), live0);
}

/* Producers send 1..n over a capacity-4 channel; one consumer sums. */
static enum kasync_poll producer(struct kt *t, struct kasync_cx *cx)
{
	struct shared *s = t->arg;
	struct kasync_waiter *w = (struct kasync_waiter *)t->out;
	int err = 0;

	while (t->i < 20000) {
		long v = t->i + 1;
		if (t->step == 0) {
			kasync_waiter_init(w);
			t->step = 1;
		}
		if (kasync_chan_send_poll(&s->ch, w, &v, cx, &err) == KASYNC_PENDING)
			return KASYNC_PENDING;
		if (err)
			atomic_fetch_add(&s->errors, 1);
		t->step = 0;
		t->i++;
	}
	kasync_chan_sender_drop(&s->ch);
	return KASYNC_READY;
}

static enum kasync_poll consumer(struct kt *t, struct kasync_cx *cx)
{
	struct shared *s = t->arg;
	long v;
	int err = 0;

	for (;;) {
		if (kasync_chan_recv_poll(&s->ch, &v, cx, &err) == KASYNC_PENDING)
			return KASYNC_PENDING;
		if (err == ERR_CLOSED)
			break;
		s->received++;
		s->sum += v;
	}
	kasync_exec_close(cx->exec);
	return KASYNC_READY;
}

TEST(kasync_sync, channel_delivers_everything)
{
	static struct shared s;
	struct rt rt;
	struct kt *p[3];
	long live0 = kt_live();

	s.received = s.sum = 0;
	atomic_store(&s.errors, 0);
	if (!EXPECT_OK(kasync_chan_init(&s.ch, sizeof(long), 4)))
		return;
	kasync_chan_sender_add(&s.ch);
	kasync_chan_sender_add(&s.ch); /* three senders */
	if (!EXPECT_OK(rt_init(&rt, 2)))
		return;
	for (int i = 0; i < 3; i++) {
		p[i] = kt_new(producer, &s);
		p[i]->out = (long)(uintptr_t)malloc(sizeof(struct kasync_waiter));
		kasync_task_ref(&p[i]->task);
		kasync_spawn(&rt.exec, &p[i]->task, NULL);
	}
	kasync_spawn(&rt.exec, &kt_new(consumer, &s)->task, NULL);
	rt_start(&rt, 2);
	rt_wait_close(&rt);
	for (int i = 0; i < 3; i++) {
		free_waiter(p[i]);
		kasync_task_unref(&p[i]->task);
	}
	kasync_chan_destroy(&s.ch);
	EXPECT_EQ(atomic_load(&s.errors), 0);
	EXPECT_EQ(s.received, 3 * 20000);
	EXPECT_EQ(s.sum, 3 * (20000L * 20001 / 2));
	EXPECT_EQ(kt_live(), live0);
}

TEST(kasync_sync, waitq_and_semaphore_single_thread)
{
	struct kasync_waitq q;
	struct kasync_sem sem;
	struct kasync_waiter a, b;
	struct kasync_cx cx = {{NULL, NULL}, NULL, NULL};
	int err = 1;

	kasync_waitq_init(&q);
	kasync_waiter_init(&a);
	kasync_waiter_init(&b);
	kasync_waitq_wake_one(&q); /* stored as a permit */
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_READY);
	EXPECT_OK(err);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_PENDING);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &b, &cx, &err), KASYNC_PENDING);
	kasync_waitq_wake_one(&q);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &b, &cx, &err), KASYNC_PENDING); /* FIFO: a first */
	kasync_waitq_cancel(&q, &a); /* a's wake passes to b */
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &b, &cx, &err), KASYNC_READY);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_PENDING);
	kasync_waitq_wake_all(&q);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_READY);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_PENDING);
	kasync_waitq_close(&q);
	EXPECT_EQ(kasync_waitq_wait_poll(&q, &a, &cx, &err), KASYNC_READY);
	EXPECT_EQ(err, ERR_CLOSED);

	kasync_sem_init(&sem, 2);
	kasync_waiter_init(&a);
	kasync_waiter_init(&b);
	EXPECT_OK(kasync_sem_try_acquire(&sem, 1));
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &a, 2, &cx, &err), KASYNC_PENDING);
	EXPECT_EQ(kasync_sem_try_acquire(&sem, 1), ERR_AGAIN); /* FIFO: a waits first */
	kasync_sem_release(&sem, 1);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &a, 2, &cx, &err), KASYNC_READY);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &b, 1, &cx, &err), KASYNC_PENDING);
	kasync_sem_close(&sem);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &b, 1, &cx, &err), KASYNC_READY);
	EXPECT_EQ(err, ERR_CLOSED);
}

/* A cancelled acquire leaves the FIFO (a big request no longer blocks the
 * ones behind it) and gives back permits it was already granted. */
TEST(kasync_sync, semaphore_cancel_single_thread)
{
	struct kasync_sem sem;
	struct kasync_waiter big, small;
	struct kasync_cx cx = {{NULL, NULL}, NULL, NULL};
	int err = 1;

	kasync_sem_init(&sem, 1);
	kasync_waiter_init(&big);
	kasync_waiter_init(&small);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &big, 2, &cx, &err), KASYNC_PENDING);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &small, 1, &cx, &err), KASYNC_PENDING);
	kasync_sem_cancel(&sem, &big); /* queued: out of the line, small is granted */
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &small, 1, &cx, &err), KASYNC_READY);
	EXPECT_OK(err);
	EXPECT_EQ(kasync_sem_try_acquire(&sem, 1), ERR_AGAIN);

	kasync_waiter_init(&big);
	EXPECT_EQ(kasync_sem_acquire_poll(&sem, &big, 1, &cx, &err), KASYNC_PENDING);
	kasync_sem_release(&sem, 1);   /* granted to big, not yet seen by its poll */
	kasync_sem_cancel(&sem, &big); /* the permit comes back */
	EXPECT_OK(kasync_sem_try_acquire(&sem, 1));
	EXPECT_EQ(kasync_sem_try_acquire(&sem, 1), ERR_AGAIN);
}

/* try_send fails on a full channel and after a close; a receiver's close
 * keeps queued items receivable, then says ERR_CLOSED. */
TEST(kasync_sync, channel_try_send_and_close_single_thread)
{
	struct kasync_chan ch;
	struct kasync_cx cx = {{NULL, NULL}, NULL, NULL};
	int v = 0, err = 1;

	if (!EXPECT_OK(kasync_chan_init(&ch, sizeof(int), 2)))
		return;
	v = 1;
	EXPECT_OK(kasync_chan_try_send(&ch, &v));
	v = 2;
	EXPECT_OK(kasync_chan_try_send(&ch, &v));
	v = 3;
	EXPECT_EQ(kasync_chan_try_send(&ch, &v), ERR_AGAIN);
	EXPECT_EQ(kasync_chan_recv_poll(&ch, &v, &cx, &err), KASYNC_READY);
	EXPECT_EQ(v, 1);
	v = 3;
	EXPECT_OK(kasync_chan_try_send(&ch, &v));
	kasync_chan_close(&ch);
	EXPECT_EQ(kasync_chan_try_send(&ch, &v), ERR_CLOSED);
	EXPECT_EQ(kasync_chan_recv_poll(&ch, &v, &cx, &err), KASYNC_READY);
	EXPECT(err == 0 && v == 2);
	EXPECT_EQ(kasync_chan_recv_poll(&ch, &v, &cx, &err), KASYNC_READY);
	EXPECT(err == 0 && v == 3);
	EXPECT_EQ(kasync_chan_recv_poll(&ch, &v, &cx, &err), KASYNC_READY);
	EXPECT_EQ(err, ERR_CLOSED);
	kasync_chan_destroy(&ch);
}
