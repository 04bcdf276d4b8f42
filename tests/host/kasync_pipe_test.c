/*
 * kasync_pipe_test.c - the byte pipe (lib/kasync/pipe.h): its rules on
 * one thread, then a writer and a reader thread moving a megabyte
 * through a small ring in random pieces (the shell's pipes: programs on
 * different CPUs), checked byte for byte, with no lost wake-up (a side
 * that waits is woken within seconds) and the ends closed in both orders.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/test.h"
#include "kasync/pipe.h"

/* A waker that counts: wakes (and owners, to find leaks). */
struct count {
	_Atomic int wakes, owners;
};

static void c_clone(void *d)
{
	atomic_fetch_add(&((struct count *)d)->owners, 1);
}
static void c_wake(void *d)
{
	atomic_fetch_add(&((struct count *)d)->wakes, 1);
	atomic_fetch_sub(&((struct count *)d)->owners, 1);
}
static void c_wake_by_ref(void *d)
{
	atomic_fetch_add(&((struct count *)d)->wakes, 1);
}
static void c_drop(void *d)
{
	atomic_fetch_sub(&((struct count *)d)->owners, 1);
}
static const struct kasync_waker_vtable count_vt = {c_clone, c_wake, c_wake_by_ref, c_drop};

TEST(kasync_pipe, rules_single_thread)
{
	struct count wc = {0}, rc = {0};
	struct kasync_waker w = {&count_vt, &wc}, r = {&count_vt, &rc};
	struct kasync_pipe *p;
	char buf[16];
	size_t n = 99;

	EXPECT_EQ(kasync_pipe_create(0, &p), ERR_INVAL);
	if (!EXPECT_OK(kasync_pipe_create(8, &p)))
		return;
	EXPECT_EQ(kasync_pipe_read(p, buf, sizeof(buf), &n, &r), ERR_AGAIN); /* empty */
	EXPECT_EQ(atomic_load(&rc.owners), 1);
	EXPECT_OK(kasync_pipe_write(p, "abcdef", 6, &n, &w));
	EXPECT_EQ(n, 6);
	EXPECT_EQ(atomic_load(&rc.wakes), 1); /* the reader was woken */
	EXPECT_OK(kasync_pipe_write(p, "ghijk", 5, &n, &w));
	EXPECT_EQ(n, 2); /* only the room there is */
	EXPECT_EQ(kasync_pipe_write(p, "x", 1, &n, &w), ERR_AGAIN);
	EXPECT_EQ(kasync_pipe_write(p, "x", 0, &n, &w), ERR_AGAIN); /* asking only */
	EXPECT(!kasync_pipe_writable(p, &w));
	EXPECT_EQ(atomic_load(&wc.owners), 1); /* one waker kept, not three */
	EXPECT_OK(kasync_pipe_read(p, buf, 5, &n, &r));
	EXPECT_EQ(n, 5);
	EXPECT(memcmp(buf, "abcde", 5) == 0);
	EXPECT_EQ(atomic_load(&wc.wakes), 1);
	/* wrap around the ring's end */
	EXPECT_OK(kasync_pipe_write(p, "lmnop", 5, &n, &w));
	EXPECT_EQ(n, 5);
	/* a push goes past the capacity, and grows the ring in order */
	EXPECT_OK(kasync_pipe_push(p, "0123456789", 10));
	EXPECT(!kasync_pipe_writable(p, &w));
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r));
	EXPECT_EQ(n, 16);
	EXPECT(memcmp(buf, "fghlmnop01234567", 16) == 0);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r));
	EXPECT_EQ(n, 2);
	EXPECT(memcmp(buf, "89", 2) == 0);
	EXPECT(kasync_pipe_writable(p, &w));
	/* the writer closes: the reader is woken, sees the end */
	EXPECT_EQ(kasync_pipe_read(p, buf, sizeof(buf), &n, &r), ERR_AGAIN);
	int wakes = atomic_load(&rc.wakes);
	EXPECT_OK(kasync_pipe_write(p, "z", 1, &n, &w));
	kasync_pipe_close_write(p);
	EXPECT_EQ(atomic_load(&rc.wakes), wakes + 1);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r));
	EXPECT_EQ(n, 1);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r));
	EXPECT_EQ(n, 0); /* the end */
	EXPECT_OK(kasync_pipe_read(p, buf, 0, &n, &r));
	kasync_pipe_close_read(p);
	EXPECT_EQ(atomic_load(&wc.owners), 0);
	EXPECT_EQ(atomic_load(&rc.owners), 0);

	/* the reader closes first: writes fail, a waiting writer is woken */
	if (!EXPECT_OK(kasync_pipe_create(2, &p)))
		return;
	EXPECT_OK(kasync_pipe_write(p, "ab", 2, &n, &w));
	EXPECT_EQ(kasync_pipe_write(p, "c", 1, &n, &w), ERR_AGAIN);
	wakes = atomic_load(&wc.wakes);
	kasync_pipe_close_read(p);
	EXPECT_EQ(atomic_load(&wc.wakes), wakes + 1);
	EXPECT_EQ(kasync_pipe_write(p, "c", 1, &n, &w), ERR_CLOSED);
	EXPECT_EQ(kasync_pipe_push(p, "c", 1), ERR_CLOSED);
	EXPECT(kasync_pipe_writable(p, &w)); /* a write would not wait: it fails */
	kasync_pipe_close_write(p);
	EXPECT_EQ(atomic_load(&wc.owners), 0);
}

TEST(kasync_pipe, shut_drops_wakers)
{
	struct count wc = {0}, rc = {0};
	struct kasync_waker w = {&count_vt, &wc}, r = {&count_vt, &rc};
	struct kasync_pipe *p;
	char buf[4];
	size_t n = 9;

	if (!EXPECT_OK(kasync_pipe_create(2, &p)))
		return;
	/* a reader waits, then its end is shut: its waker is dropped */
	EXPECT_EQ(kasync_pipe_read(p, buf, sizeof(buf), &n, &r), ERR_AGAIN);
	EXPECT_EQ(atomic_load(&rc.owners), 1);
	kasync_pipe_shut_read(p);
	EXPECT_EQ(atomic_load(&rc.owners), 0);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r)); /* the end, nothing kept */
	EXPECT_EQ(n, 0);
	EXPECT_EQ(atomic_load(&rc.owners), 0);
	EXPECT_EQ(kasync_pipe_write(p, "a", 1, &n, &w), ERR_CLOSED); /* as if closed */
	kasync_pipe_shut_read(p);				     /* twice: nothing more */
	/* the writer waits (full), then shuts its own end: dropped too */
	kasync_pipe_close_read(p);
	kasync_pipe_close_write(p);
	if (!EXPECT_OK(kasync_pipe_create(2, &p)))
		return;
	EXPECT_OK(kasync_pipe_write(p, "ab", 2, &n, &w));
	EXPECT_EQ(kasync_pipe_write(p, "c", 1, &n, &w), ERR_AGAIN);
	EXPECT_EQ(atomic_load(&wc.owners), 1);
	kasync_pipe_shut_write(p);
	EXPECT_EQ(atomic_load(&wc.owners), 0);
	EXPECT_EQ(kasync_pipe_write(p, "c", 1, &n, &w), ERR_CLOSED);
	EXPECT_EQ(kasync_pipe_push(p, "c", 1), ERR_CLOSED);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r)); /* what was in */
	EXPECT_EQ(n, 2);
	EXPECT_OK(kasync_pipe_read(p, buf, sizeof(buf), &n, &r)); /* then the end */
	EXPECT_EQ(n, 0);
	kasync_pipe_close_write(p);
	kasync_pipe_close_read(p);
	EXPECT_EQ(atomic_load(&wc.owners), 0);
	EXPECT_EQ(atomic_load(&rc.owners), 0);
}

TEST(kasync_pipe, push_bounded)
{
	struct count rc = {0};
	struct kasync_waker r = {&count_vt, &rc};
	enum { CAP = 4, LIMIT = CAP * KASYNC_PIPE_PUSH_FACTOR };
	char in[LIMIT + 40], out[LIMIT + 40];
	struct kasync_pipe *p;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)('a' + i % 26);
	if (!EXPECT_OK(kasync_pipe_create(CAP, &p)))
		return;
	EXPECT_OK(kasync_pipe_push(p, in, 3));
	EXPECT_EQ(kasync_pipe_push(p, in + 3, LIMIT), ERR_NOSPC); /* 3 past the bound */
	EXPECT_EQ(kasync_pipe_dropped(p), 3);
	EXPECT_EQ(kasync_pipe_push(p, in, 1), ERR_NOSPC); /* full: all of it */
	EXPECT_EQ(kasync_pipe_dropped(p), 4);
	EXPECT_OK(kasync_pipe_read(p, out, sizeof(out), &n, &r));
	EXPECT_EQ(n, LIMIT); /* what fit, in order */
	EXPECT(memcmp(out, in, LIMIT) == 0);
	EXPECT_OK(kasync_pipe_push(p, "xy", 2)); /* room again */
	EXPECT_OK(kasync_pipe_read(p, out, sizeof(out), &n, &r));
	EXPECT_EQ(n, 2);
	EXPECT_EQ(kasync_pipe_dropped(p), 4);
	kasync_pipe_close_read(p);
	EXPECT_EQ(kasync_pipe_push(p, "z", 1), ERR_CLOSED); /* not counted: nobody reads */
	EXPECT_EQ(kasync_pipe_dropped(p), 4);
	kasync_pipe_close_write(p);
	EXPECT_EQ(atomic_load(&rc.owners), 0);
}

/* ---- two threads ---- */

/* A thread's waker: a flag it spins on (yielding), set by a wake. */
static void f_clone(void *d)
{
	(void)d;
}
static void f_wake(void *d)
{
	atomic_store((_Atomic int *)d, 1);
}
static const struct kasync_waker_vtable flag_vt = {f_clone, f_wake, f_wake, f_clone};

struct side {
	struct kasync_pipe *p;
	_Atomic int flag;
	unsigned seed;
	bool push;	  /* the writer pushes (no waiting) every other piece */
	bool close_early; /* the reader stops after a quarter */
	size_t total;	  /* bytes to move */
	size_t moved;	  /* bytes moved */
	int lost;	  /* waits that no wake ended in time */
	int bad;	  /* bytes out of order */
	int closed_seen;  /* the writer saw ERR_CLOSED */
};

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Waits for the flag (set by a wake), at most 10 s. */
static bool wait_flag(_Atomic int *flag)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!atomic_exchange(flag, 0)) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			return false;
	}
	return true;
}

static void *writer(void *arg)
{
	struct side *s = arg;
	struct kasync_waker w = {&flag_vt, &s->flag};
	char buf[3000];

	while (s->moved < s->total) {
		size_t want = 1 + next_rand(&s->seed) % sizeof(buf), n = 0;
		if (want > s->total - s->moved)
			want = s->total - s->moved;
		for (size_t i = 0; i < want; i++)
			buf[i] = (char)((s->moved + i) * 7);
		int e;
		if (s->push && (next_rand(&s->seed) & 1)) {
			while (!kasync_pipe_writable(s->p, &w))
				s->lost += !wait_flag(&s->flag);
			e = kasync_pipe_push(s->p, buf, want);
			n = want;
		} else {
			e = kasync_pipe_write(s->p, buf, want, &n, &w);
		}
		if (e == ERR_AGAIN) {
			s->lost += !wait_flag(&s->flag);
			continue;
		}
		if (e == ERR_CLOSED) {
			s->closed_seen = 1;
			break;
		}
		s->moved += n;
	}
	kasync_pipe_close_write(s->p);
	return NULL;
}

static void *reader(void *arg)
{
	struct side *s = arg;
	struct kasync_waker w = {&flag_vt, &s->flag};
	char buf[5000];

	for (;;) {
		size_t want = 1 + next_rand(&s->seed) % sizeof(buf), n = 0;
		int e = kasync_pipe_read(s->p, buf, want, &n, &w);
		if (e == ERR_AGAIN) {
			s->lost += !wait_flag(&s->flag);
			continue;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			s->bad += buf[i] != (char)((s->moved + i) * 7);
		s->moved += n;
		if (s->close_early && s->moved >= s->total / 4)
			break;
	}
	kasync_pipe_close_read(s->p);
	return NULL;
}

static void stream(struct test_ctx *t, size_t total, size_t cap, bool push, bool close_early)
{
	struct side w = {.seed = 1, .push = push, .total = total};
	struct side r = {.seed = 2, .close_early = close_early, .total = total};
	pthread_t tw, tr;

	if (!EXPECT_OK(kasync_pipe_create(cap, &w.p)))
		return;
	r.p = w.p;
	pthread_create(&tw, NULL, writer, &w);
	pthread_create(&tr, NULL, reader, &r);
	pthread_join(tw, NULL);
	pthread_join(tr, NULL);
	EXPECT_EQ(w.lost + r.lost, 0);
	EXPECT_EQ(r.bad, 0);
	if (close_early) {
		EXPECT(w.closed_seen == 1);
		EXPECT_GE(r.moved, total / 4);
	} else {
		EXPECT_EQ(w.moved, total);
		EXPECT_EQ(r.moved, total);
	}
}

TEST(kasync_pipe, two_threads_stream)
{
	stream(t, 1u << 20, 4096, false, false);
	stream(t, 16384, 1, false, false); /* a byte at a time: every write waits */
}

TEST(kasync_pipe, two_threads_push_and_early_close)
{
	stream(t, 1u << 20, 4096, true, false);
	stream(t, 1u << 20, 4096, false, true); /* the reader goes: the writer sees it */
	stream(t, 1u << 20, 4096, true, true);
}
