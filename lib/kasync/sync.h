/*
 * sync.h - what tasks wait on: a wait queue, a semaphore (and a mutex, a
 * semaphore of one) and a bounded multi-producer single-consumer channel.
 *
 * A waiter is a node embedded in the waiting task's state. It is queued
 * FIFO under the primitive's spinlock; whoever wakes it marks it woken (for
 * the semaphore: hands it its permits) and wakes its waker while still
 * holding the lock, so the node is never touched after the waiter may have
 * gone. Invariant: a waiter is in at most one queue and `queued` says so.
 * A task that abandons a wait calls kasync_*_cancel on its waiter so that a
 * wake or permits handed to it pass on to the next waiter.
 * Use from task context (not from interrupt handlers: they wake a task).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/spin.h"
#include "kasync/task.h"

struct kasync_waiter {
	struct kasync_waiter *next, *prev;
	struct kasync_waker waker;
	size_t need; /* permits wanted (semaphore) */
	bool queued; /* in the queue */
	bool woken;  /* woken / permits handed over, not yet seen by poll */
};

static inline void kasync_waiter_init(struct kasync_waiter *w)
{
	w->next = w->prev = NULL;
	w->waker.vt = NULL;
	w->waker.data = NULL;
	w->need = 0;
	w->queued = false;
	w->woken = false;
}

struct kasync_waitq {
	struct spin lock;
	struct kasync_waiter *head, *tail;
	bool closed;
	bool permit; /* a wake_one that found nobody: the next wait completes at once */
};

void kasync_waitq_init(struct kasync_waitq *q);
/* kasync_waitq_wait_poll - READY with *err = 0 once woken, or ERR_CLOSED once closed. */
enum kasync_poll kasync_waitq_wait_poll(struct kasync_waitq *q, struct kasync_waiter *w,
					struct kasync_cx *cx, int *err);
/* kasync_waitq_cancel - abandons a wait; a wake it had received goes to the next waiter. */
void kasync_waitq_cancel(struct kasync_waitq *q, struct kasync_waiter *w);
void kasync_waitq_wake_one(struct kasync_waitq *q);
void kasync_waitq_wake_all(struct kasync_waitq *q);
/* kasync_waitq_close - wakes everyone with ERR_CLOSED; later waits fail at once. */
void kasync_waitq_close(struct kasync_waitq *q);

struct kasync_sem {
	struct spin lock;
	struct kasync_waiter *head, *tail;
	size_t permits;
	bool closed;
};

void kasync_sem_init(struct kasync_sem *s, size_t permits);
/*
 * kasync_sem_acquire_poll - READY with *err = 0 once `n` permits are ours
 * (FIFO: a large request is not overtaken), or ERR_CLOSED.
 */
enum kasync_poll kasync_sem_acquire_poll(struct kasync_sem *s, struct kasync_waiter *w, size_t n,
					 struct kasync_cx *cx, int *err);
/* kasync_sem_try_acquire - takes `n` permits now or returns ERR_AGAIN (or ERR_CLOSED). */
int kasync_sem_try_acquire(struct kasync_sem *s, size_t n);
void kasync_sem_release(struct kasync_sem *s, size_t n);
/* kasync_sem_cancel - abandons an acquire; permits already handed over are released. */
void kasync_sem_cancel(struct kasync_sem *s, struct kasync_waiter *w);
void kasync_sem_close(struct kasync_sem *s);

/* An async mutex: lock_poll until READY, then kasync_mutex_unlock. */
struct kasync_mutex {
	struct kasync_sem sem;
};

static inline void kasync_mutex_init(struct kasync_mutex *m)
{
	kasync_sem_init(&m->sem, 1);
}

static inline enum kasync_poll kasync_mutex_lock_poll(struct kasync_mutex *m,
						      struct kasync_waiter *w, struct kasync_cx *cx)
{
	int err;
	return kasync_sem_acquire_poll(&m->sem, w, 1, cx, &err);
}

static inline void kasync_mutex_unlock(struct kasync_mutex *m)
{
	kasync_sem_release(&m->sem, 1);
}

/* A bounded MPSC channel of fixed-size items in a ring the caller sizes. */
struct kasync_chan {
	struct spin lock;
	unsigned char *buf;
	size_t item, cap, head, len;
	size_t senders;
	bool closed;
	struct kasync_waker rx;
	struct kasync_sem slots; /* free slots */
};

/*
 * kasync_chan_init - `cap` items of `item` bytes, one sender registered.
 * Errors: ERR_INVAL (zero sizes), ERR_NOMEM.
 */
int kasync_chan_init(struct kasync_chan *c, size_t item, size_t cap);
/* kasync_chan_destroy - frees the ring; nobody may use the channel any more. */
void kasync_chan_destroy(struct kasync_chan *c);
/* kasync_chan_sender_add / _drop - count senders; the last drop closes the channel. */
void kasync_chan_sender_add(struct kasync_chan *c);
void kasync_chan_sender_drop(struct kasync_chan *c);
/* kasync_chan_send_poll - waits for a free slot, copies `item` in. READY: *err 0 or ERR_CLOSED. */
enum kasync_poll kasync_chan_send_poll(struct kasync_chan *c, struct kasync_waiter *w,
				       const void *item, struct kasync_cx *cx, int *err);
/* kasync_chan_try_send - 0, ERR_AGAIN (full) or ERR_CLOSED. */
int kasync_chan_try_send(struct kasync_chan *c, const void *item);
/* kasync_chan_recv_poll - READY: *err 0 and the item in `out`, or ERR_CLOSED once closed and empty.
 */
enum kasync_poll kasync_chan_recv_poll(struct kasync_chan *c, void *out, struct kasync_cx *cx,
				       int *err);
/* kasync_chan_close - the receiver closes: senders get ERR_CLOSED; queued items stay receivable. */
void kasync_chan_close(struct kasync_chan *c);
