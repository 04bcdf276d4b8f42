/* sync.c - wait queue, semaphore/mutex and bounded channel (see sync.h). */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "kasync/sync.h"

/* --- an intrusive FIFO of waiters, under the owner's lock --- */

static void fifo_push(struct kasync_waiter **head, struct kasync_waiter **tail,
		      struct kasync_waiter *w)
{
	w->next = NULL;
	w->prev = *tail;
	if (*tail != NULL)
		(*tail)->next = w;
	else
		*head = w;
	*tail = w;
	w->queued = true;
}

static void fifo_remove(struct kasync_waiter **head, struct kasync_waiter **tail,
			struct kasync_waiter *w)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		*head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		*tail = w->prev;
	w->next = w->prev = NULL;
	w->queued = false;
}

/* Stores (or refreshes) the waiter's waker. */
static void set_waker(struct kasync_waiter *w, struct kasync_cx *cx)
{
	if (!kasync_waker_will_wake(&w->waker, &cx->waker)) {
		kasync_waker_drop(&w->waker);
		w->waker = kasync_waker_clone(&cx->waker);
	}
}

/* Marks a dequeued waiter woken and wakes it (lock held: see sync.h). */
static void wake_waiter(struct kasync_waiter *w)
{
	w->woken = true;
	kasync_waker_wake(&w->waker);
}

/* --- wait queue --- */

void kasync_waitq_init(struct kasync_waitq *q)
{
	spin_init(&q->lock);
	q->head = q->tail = NULL;
	q->closed = false;
	q->permit = false;
}

enum kasync_poll kasync_waitq_wait_poll(struct kasync_waitq *q, struct kasync_waiter *w,
					struct kasync_cx *cx, int *err)
{
	enum kasync_poll r = KASYNC_READY;

	spin_acquire(&q->lock);
	if (w->woken) {
		w->woken = false;
		*err = 0;
	} else if (q->closed) {
		if (w->queued)
			fifo_remove(&q->head, &q->tail, w);
		kasync_waker_drop(&w->waker);
		*err = ERR_CLOSED;
	} else if (!w->queued && q->permit) {
		q->permit = false;
		*err = 0;
	} else {
		set_waker(w, cx);
		if (!w->queued)
			fifo_push(&q->head, &q->tail, w);
		r = KASYNC_PENDING;
	}
	spin_release(&q->lock);
	return r;
}

static void waitq_wake_one_locked(struct kasync_waitq *q)
{
	struct kasync_waiter *w = q->head;
	if (w == NULL) {
		q->permit = true;
		return;
	}
	fifo_remove(&q->head, &q->tail, w);
	wake_waiter(w);
}

void kasync_waitq_cancel(struct kasync_waitq *q, struct kasync_waiter *w)
{
	spin_acquire(&q->lock);
	if (w->queued)
		fifo_remove(&q->head, &q->tail, w);
	else if (w->woken && !q->closed)
		waitq_wake_one_locked(q);
	w->woken = false;
	kasync_waker_drop(&w->waker);
	spin_release(&q->lock);
}

void kasync_waitq_wake_one(struct kasync_waitq *q)
{
	spin_acquire(&q->lock);
	waitq_wake_one_locked(q);
	spin_release(&q->lock);
}

void kasync_waitq_wake_all(struct kasync_waitq *q)
{
	spin_acquire(&q->lock);
	while (q->head != NULL) {
		struct kasync_waiter *w = q->head;
		fifo_remove(&q->head, &q->tail, w);
		wake_waiter(w);
	}
	spin_release(&q->lock);
}

void kasync_waitq_close(struct kasync_waitq *q)
{
	spin_acquire(&q->lock);
	q->closed = true;
	while (q->head != NULL) {
		struct kasync_waiter *w = q->head;
		fifo_remove(&q->head, &q->tail, w);
		kasync_waker_wake(&w->waker); /* not `woken`: its poll reports ERR_CLOSED */
	}
	spin_release(&q->lock);
}

/* --- semaphore --- */

void kasync_sem_init(struct kasync_sem *s, size_t permits)
{
	spin_init(&s->lock);
	s->head = s->tail = NULL;
	s->permits = permits;
	s->closed = false;
}

/* Hands permits to waiters in FIFO order while the first one can be served. */
static void sem_grant_locked(struct kasync_sem *s)
{
	while (s->head != NULL && s->permits >= s->head->need) {
		struct kasync_waiter *w = s->head;
		s->permits -= w->need;
		fifo_remove(&s->head, &s->tail, w);
		wake_waiter(w);
	}
}

enum kasync_poll kasync_sem_acquire_poll(struct kasync_sem *s, struct kasync_waiter *w, size_t n,
					 struct kasync_cx *cx, int *err)
{
	enum kasync_poll r = KASYNC_READY;

	spin_acquire(&s->lock);
	if (w->woken) {
		w->woken = false;
		*err = 0;
	} else if (s->closed) {
		if (w->queued)
			fifo_remove(&s->head, &s->tail, w);
		kasync_waker_drop(&w->waker);
		*err = ERR_CLOSED;
	} else if (!w->queued && s->head == NULL && s->permits >= n) {
		s->permits -= n;
		*err = 0;
	} else {
		set_waker(w, cx);
		if (!w->queued) {
			w->need = n;
			fifo_push(&s->head, &s->tail, w);
		}
		r = KASYNC_PENDING;
	}
	spin_release(&s->lock);
	return r;
}

int kasync_sem_try_acquire(struct kasync_sem *s, size_t n)
{
	int e = 0;

	spin_acquire(&s->lock);
	if (s->closed)
		e = ERR_CLOSED;
	else if (s->head != NULL || s->permits < n)
		e = ERR_AGAIN;
	else
		s->permits -= n;
	spin_release(&s->lock);
	return e;
}

void kasync_sem_release(struct kasync_sem *s, size_t n)
{
	spin_acquire(&s->lock);
	s->permits += n;
	sem_grant_locked(s);
	spin_release(&s->lock);
}

void kasync_sem_cancel(struct kasync_sem *s, struct kasync_waiter *w)
{
	spin_acquire(&s->lock);
	if (w->queued) {
		fifo_remove(&s->head, &s->tail, w);
		sem_grant_locked(s); /* a big request may have blocked smaller ones */
	} else if (w->woken) {
		s->permits += w->need;
		sem_grant_locked(s);
	}
	w->woken = false;
	kasync_waker_drop(&w->waker);
	spin_release(&s->lock);
}

void kasync_sem_close(struct kasync_sem *s)
{
	spin_acquire(&s->lock);
	s->closed = true;
	while (s->head != NULL) {
		struct kasync_waiter *w = s->head;
		fifo_remove(&s->head, &s->tail, w);
		kasync_waker_wake(&w->waker);
	}
	spin_release(&s->lock);
}

/* --- channel --- */

int kasync_chan_init(struct kasync_chan *c, size_t item, size_t cap)
{
	if (item == 0 || cap == 0 || cap > SIZE_MAX / item)
		return ERR_INVAL;
	c->buf = malloc(item * cap);
	if (c->buf == NULL)
		return ERR_NOMEM;
	spin_init(&c->lock);
	c->item = item;
	c->cap = cap;
	c->head = c->len = 0;
	c->senders = 1;
	c->closed = false;
	c->rx.vt = NULL;
	c->rx.data = NULL;
	kasync_sem_init(&c->slots, cap);
	return 0;
}

void kasync_chan_destroy(struct kasync_chan *c)
{
	kasync_waker_drop(&c->rx);
	free(c->buf);
	c->buf = NULL;
}

void kasync_chan_sender_add(struct kasync_chan *c)
{
	spin_acquire(&c->lock);
	c->senders++;
	spin_release(&c->lock);
}

/* Marks the channel closed; wakes the receiver and every waiting sender. */
static void chan_close(struct kasync_chan *c)
{
	struct kasync_waker w;

	spin_acquire(&c->lock);
	c->closed = true;
	w = c->rx;
	c->rx.vt = NULL;
	c->rx.data = NULL;
	spin_release(&c->lock);
	kasync_waker_wake(&w);
	kasync_sem_close(&c->slots);
}

void kasync_chan_sender_drop(struct kasync_chan *c)
{
	bool last;

	spin_acquire(&c->lock);
	last = --c->senders == 0;
	spin_release(&c->lock);
	if (last)
		chan_close(c);
}

void kasync_chan_close(struct kasync_chan *c)
{
	chan_close(c);
}

/* Copies an item in (a slot permit is held); fails if closed meanwhile. */
static int chan_put(struct kasync_chan *c, const void *item)
{
	struct kasync_waker w = {NULL, NULL};

	spin_acquire(&c->lock);
	if (c->closed) {
		spin_release(&c->lock);
		return ERR_CLOSED;
	}
	memcpy(c->buf + ((c->head + c->len) % c->cap) * c->item, item, c->item);
	c->len++;
	w = c->rx;
	c->rx.vt = NULL;
	c->rx.data = NULL;
	spin_release(&c->lock);
	kasync_waker_wake(&w);
	return 0;
}

enum kasync_poll kasync_chan_send_poll(struct kasync_chan *c, struct kasync_waiter *w,
				       const void *item, struct kasync_cx *cx, int *err)
{
	int e = 0;

	if (kasync_sem_acquire_poll(&c->slots, w, 1, cx, &e) == KASYNC_PENDING)
		return KASYNC_PENDING;
	*err = e ? e : chan_put(c, item);
	return KASYNC_READY;
}

int kasync_chan_try_send(struct kasync_chan *c, const void *item)
{
	int e = kasync_sem_try_acquire(&c->slots, 1);
	return e ? e : chan_put(c, item);
}

enum kasync_poll kasync_chan_recv_poll(struct kasync_chan *c, void *out, struct kasync_cx *cx,
				       int *err)
{
	spin_acquire(&c->lock);
	if (c->len > 0) {
		memcpy(out, c->buf + c->head * c->item, c->item);
		c->head = (c->head + 1) % c->cap;
		c->len--;
		spin_release(&c->lock);
		kasync_sem_release(&c->slots, 1);
		*err = 0;
		return KASYNC_READY;
	}
	if (c->closed) {
		spin_release(&c->lock);
		*err = ERR_CLOSED;
		return KASYNC_READY;
	}
	if (!kasync_waker_will_wake(&c->rx, &cx->waker)) {
		kasync_waker_drop(&c->rx);
		c->rx = kasync_waker_clone(&cx->waker);
	}
	spin_release(&c->lock);
	return KASYNC_PENDING;
}
