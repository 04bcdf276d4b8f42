/*
 * pipe.c - the byte pipe (pipe.h). Wakers are taken out of the pipe under
 * the lock and woken after it, so no waker runs with the lock held.
 */
#include "kasync/pipe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/spin.h"

struct kasync_pipe {
	struct spin lock;
	char *ring;
	size_t cap, size;	    /* the capacity asked for; the ring's (>= cap after a push) */
	size_t limit;		    /* the most a push grows the ring to */
	size_t head, len;	    /* the data: len bytes from head, wrapping */
	size_t dropped;		    /* bytes pushes did not keep */
	bool write_open, read_open; /* the ends in use (not shut) */
	bool write_held, read_held; /* the ends not closed: the pipe lives */
	struct kasync_waker writer, reader; /* waiting for room / for data */
};

int kasync_pipe_create(size_t cap, struct kasync_pipe **out)
{
	struct kasync_pipe *p;

	if (!cap)
		return ERR_INVAL;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->ring = malloc(cap))) {
		free(p);
		return ERR_NOMEM;
	}
	spin_init(&p->lock);
	p->cap = p->size = cap;
	p->limit = cap <= SIZE_MAX / KASYNC_PIPE_PUSH_FACTOR ? cap * KASYNC_PIPE_PUSH_FACTOR : cap;
	p->write_open = p->read_open = true;
	p->write_held = p->read_held = true;
	*out = p;
	return 0;
}

/* Keeps a clone of w in *slot (unless it already wakes the same task). */
static void keep(struct kasync_waker *slot, const struct kasync_waker *w)
{
	if (!kasync_waker_will_wake(slot, w)) {
		kasync_waker_drop(slot);
		*slot = kasync_waker_clone(w);
	}
}

/* Takes the waker out of *slot (to wake once the lock is released). */
static struct kasync_waker take(struct kasync_waker *slot)
{
	struct kasync_waker w = *slot;
	*slot = (struct kasync_waker){0};
	return w;
}

static void wake(struct kasync_waker *w)
{
	if (kasync_waker_is_set(w))
		kasync_waker_wake(w);
}

/* Copies n bytes in at the tail; the caller checked there is room. */
static void put(struct kasync_pipe *p, const char *s, size_t n)
{
	size_t tail = (p->head + p->len) % p->size;
	size_t first = p->size - tail < n ? p->size - tail : n;

	memcpy(p->ring + tail, s, first);
	memcpy(p->ring, s + first, n - first);
	p->len += n;
}

int kasync_pipe_write(struct kasync_pipe *p, const void *buf, size_t len, size_t *out_n,
		      const struct kasync_waker *w)
{
	struct kasync_waker r = {0};
	int e = 0;
	size_t n = 0;

	spin_acquire(&p->lock);
	if (!p->read_open || !p->write_open) {
		e = ERR_CLOSED;
	} else if (p->len >= p->cap) {
		keep(&p->writer, w);
		e = ERR_AGAIN;
	} else if (len) {
		n = p->cap - p->len < len ? p->cap - p->len : len;
		if (n > p->size - p->len)
			n = p->size - p->len;
		put(p, buf, n);
		r = take(&p->reader);
	}
	spin_release(&p->lock);
	wake(&r);
	if (!e)
		*out_n = n;
	return e;
}

/* Grows the ring to hold `need` (<= limit) bytes, keeping the data in order. */
static int grow(struct kasync_pipe *p, size_t need)
{
	size_t size = p->size;
	while (size < need)
		size = size > p->limit / 2 ? p->limit : size * 2;
	char *ring = malloc(size);
	if (!ring)
		return ERR_NOMEM;
	size_t first = p->size - p->head < p->len ? p->size - p->head : p->len;
	memcpy(ring, p->ring + p->head, first);
	memcpy(ring + first, p->ring, p->len - first);
	free(p->ring);
	p->ring = ring;
	p->size = size;
	p->head = 0;
	return 0;
}

int kasync_pipe_push(struct kasync_pipe *p, const void *buf, size_t len)
{
	struct kasync_waker r = {0};
	int e = 0;

	spin_acquire(&p->lock);
	size_t room = p->limit - p->len, n = len < room ? len : room;
	if (!p->read_open || !p->write_open)
		e = ERR_CLOSED;
	else if (p->len + n > p->size)
		e = grow(p, p->len + n); /* malloc under a spinlock: task context, short */
	if (!e && n) {
		put(p, buf, n);
		r = take(&p->reader);
	}
	if (e == ERR_NOMEM)
		n = 0;
	if (e != ERR_CLOSED && n < len) {
		p->dropped += len - n;
		e = e ? e : ERR_NOSPC;
	}
	spin_release(&p->lock);
	wake(&r);
	return e;
}

size_t kasync_pipe_dropped(struct kasync_pipe *p)
{
	spin_acquire(&p->lock);
	size_t n = p->dropped;
	spin_release(&p->lock);
	return n;
}

bool kasync_pipe_writable(struct kasync_pipe *p, const struct kasync_waker *w)
{
	spin_acquire(&p->lock);
	bool ok = !p->read_open || !p->write_open || p->len < p->cap;
	if (!ok)
		keep(&p->writer, w);
	spin_release(&p->lock);
	return ok;
}

int kasync_pipe_read(struct kasync_pipe *p, void *buf, size_t len, size_t *out_n,
		     const struct kasync_waker *w)
{
	struct kasync_waker wr = {0};
	int e = 0;
	size_t n = 0;

	spin_acquire(&p->lock);
	if (!p->read_open) {
		/* shut: the end, and no waker kept */
	} else if (!p->len && p->write_open) {
		keep(&p->reader, w);
		e = ERR_AGAIN;
	} else if (len && p->len) {
		n = p->len < len ? p->len : len;
		size_t first = p->size - p->head < n ? p->size - p->head : n;
		memcpy(buf, p->ring + p->head, first);
		memcpy((char *)buf + first, p->ring, n - first);
		p->head = (p->head + n) % p->size;
		p->len -= n;
		wr = take(&p->writer);
	}
	spin_release(&p->lock);
	wake(&wr);
	if (!e)
		*out_n = n;
	return e;
}

/* Shuts one end (once): wakes the other side, drops this side's waker. */
static void shut_end(struct kasync_pipe *p, bool *end, struct kasync_waker *other)
{
	spin_acquire(&p->lock);
	bool was = *end;
	*end = false;
	struct kasync_waker w = was ? take(other) : (struct kasync_waker){0};
	struct kasync_waker mine = take(other == &p->reader ? &p->writer : &p->reader);
	spin_release(&p->lock);
	wake(&w);
	kasync_waker_drop(&mine); /* this end waits no more */
}

void kasync_pipe_shut_write(struct kasync_pipe *p)
{
	shut_end(p, &p->write_open, &p->reader);
}

void kasync_pipe_shut_read(struct kasync_pipe *p)
{
	shut_end(p, &p->read_open, &p->writer);
}

/* Closes one end: shuts it, and frees the pipe at the second close. */
static void close_end(struct kasync_pipe *p, bool *end, bool *held, struct kasync_waker *other)
{
	shut_end(p, end, other);
	spin_acquire(&p->lock);
	*held = false;
	bool last = !p->write_held && !p->read_held;
	spin_release(&p->lock);
	if (last) {
		free(p->ring);
		free(p);
	}
}

void kasync_pipe_close_write(struct kasync_pipe *p)
{
	close_end(p, &p->write_open, &p->write_held, &p->reader);
}

void kasync_pipe_close_read(struct kasync_pipe *p)
{
	close_end(p, &p->read_open, &p->read_held, &p->writer);
}
