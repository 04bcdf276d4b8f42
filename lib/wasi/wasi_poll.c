/*
 * wasi_poll.c - poll_oneoff: clock subscriptions (relative and absolute,
 * realtime and monotonic) and fd_read/fd_write subscriptions.
 *
 * Subscription (48 bytes)            Event (32 bytes)
 *   0  u64 userdata                    0  u64 userdata
 *   8  u8  tag (0 clock, 1 rd, 2 wr)   8  u16 error
 *  16  clock: u32 id | fd: u32 fd     10  u8  type
 *  24  clock: u64 timeout             16  u64 nbytes (fd events)
 *  32  clock: u64 precision           24  u16 flags (1 = hangup)
 *  40  clock: u16 flags (1 = abstime)
 *
 * Invariant: events are written only when the call completes, and only
 * for subscriptions that fired; a relative timeout counts from the first
 * attempt of a call, which ctx->pending remembers across suspensions.
 */
#include <stdlib.h>
#include <string.h>

#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

enum { SUB_CLOCK = 0, SUB_FD_READ = 1, SUB_FD_WRITE = 2 };

struct poll_state {
	struct wasi_ctx *c;
	struct wasi_mem m;
	uint32_t in, out, nsubs;
	uint64_t start[2];	       /* realtime, monotonic at first try */
	struct wasi_host_pollfd *pfds; /* one per fd subscription */
	uint32_t *pfd_sub;	       /* its subscription index */
	uint32_t npfds;
	uint32_t nevents;
};

static const uint8_t *sub_at(const struct poll_state *s, uint32_t i)
{
	return s->m.base + s->in + (uint64_t)i * WASI_SUBSCRIPTION_SIZE;
}

static void event_put(struct poll_state *s, uint32_t sub, uint16_t error, uint8_t type,
		      uint64_t nbytes, bool hangup)
{
	uint8_t *e = s->m.base + s->out + (uint64_t)s->nevents * WASI_EVENT_SIZE;

	memset(e, 0, WASI_EVENT_SIZE);
	wasi_put_u64(e, wasi_get_u64(sub_at(s, sub)));
	wasi_put_u16(e + 8, error);
	e[10] = type;
	wasi_put_u64(e + 16, nbytes);
	wasi_put_u16(e + 24, hangup ? 1 : 0);
	s->nevents++;
}

/* Checks every subscription before anything is written; collects the fd
 * subscriptions whose fd is valid. */
static uint16_t subs_parse(struct poll_state *s)
{
	for (uint32_t i = 0; i < s->nsubs; i++) {
		const uint8_t *sub = sub_at(s, i);
		struct wasi_fd *f;

		if (sub[8] == SUB_CLOCK)
			continue;
		if (sub[8] != SUB_FD_READ && sub[8] != SUB_FD_WRITE)
			return WASI_EINVAL;
		f = wasi_fd_lookup(s->c, wasi_get_u32(sub + 16));
		if (!f)
			continue; /* reported as an EBADF event */
		s->pfds[s->npfds] = (struct wasi_host_pollfd){
			.hfd = f->hfd,
			.want_write = sub[8] == SUB_FD_WRITE,
		};
		s->pfd_sub[s->npfds++] = i;
	}
	return 0;
}

/*
 * One pass: reads the clocks, emits the events that are due now, and
 * computes how long until the earliest clock deadline (*out_wait, UINT64_MAX
 * if there is none). fd readiness comes from s->pfds, filled by the caller.
 */
static uint16_t pass(struct poll_state *s, uint64_t *out_wait)
{
	const struct wasi_env *h = s->c->env;
	uint64_t now[2], wait = UINT64_MAX;
	uint16_t e;

	for (uint32_t id = 0; id < 2; id++) {
		e = h->clock_time(h->arg, id, &now[id]);
		if (e)
			return e;
	}
	for (uint32_t i = 0; i < s->nsubs; i++) {
		const uint8_t *sub = sub_at(s, i);
		uint32_t id = wasi_get_u32(sub + 16);
		uint64_t timeout = wasi_get_u64(sub + 24), deadline;

		if (sub[8] != SUB_CLOCK) {
			if (!wasi_fd_lookup(s->c, id))
				event_put(s, i, WASI_EBADF, sub[8], 0, false);
			continue;
		}
		if (id > WASI_CLOCK_MONOTONIC) {
			event_put(s, i, WASI_ENOTSUP, SUB_CLOCK, 0, false);
			continue;
		}
		if (wasi_get_u16(sub + 40) & 1) {
			deadline = timeout;
		} else {
			deadline = s->start[id] + timeout;
			if (deadline < timeout)
				deadline = UINT64_MAX;
		}
		if (now[id] >= deadline)
			event_put(s, i, 0, SUB_CLOCK, 0, false);
		else if (deadline - now[id] < wait)
			wait = deadline - now[id];
	}
	for (uint32_t j = 0; j < s->npfds; j++) {
		struct wasi_host_pollfd *p = &s->pfds[j];

		if (p->ready || p->hangup)
			event_put(s, s->pfd_sub[j], 0, p->want_write ? SUB_FD_WRITE : SUB_FD_READ,
				  p->nbytes, p->hangup);
	}
	*out_wait = wait;
	return 0;
}

static uint32_t poll_run(struct poll_state *s)
{
	const struct wasi_env *h = s->c->env;
	uint64_t wait, mono;
	uint16_t e;

	for (;;) {
		/* Readiness now: a deadline in the past only checks. */
		if (s->npfds) {
			e = h->poll(h->arg, s->pfds, s->npfds, true, WASI_CLOCK_MONOTONIC, 0);
			if (e && e != WASI_EAGAIN)
				return e;
		}
		s->nevents = 0;
		e = pass(s, &wait);
		if (e)
			return e;
		if (s->nevents)
			return 0;
		for (uint32_t j = 0; j < s->npfds; j++)
			s->pfds[j].ready = s->pfds[j].hangup = false;
		e = h->clock_time(h->arg, WASI_CLOCK_MONOTONIC, &mono);
		if (e)
			return e;
		if (wait != UINT64_MAX)
			mono = wait > UINT64_MAX - mono ? UINT64_MAX : mono + wait;
		e = h->poll(h->arg, s->pfds, s->npfds, wait != UINT64_MAX, WASI_CLOCK_MONOTONIC,
			    mono);
		if (e == WASI_EAGAIN) {
			wasi_block(s->c, WASI_PENDING_POLL, 0);
			s->c->pending.start[0] = s->start[0];
			s->c->pending.start[1] = s->start[1];
			s->c->pending.has_deadline = wait != UINT64_MAX;
			s->c->pending.clock_id = WASI_CLOCK_MONOTONIC;
			s->c->pending.deadline = mono;
			return WASI_STATUS_BLOCKED;
		}
		if (e)
			return e;
		/* Loop: the clocks and fds are checked again. */
	}
}

uint32_t wasi_poll_oneoff(struct wasi_ctx *c, struct wasi_mem m, uint32_t in, uint32_t out,
			  uint32_t nsubs, uint32_t nevents_out)
{
	struct poll_state s = {.c = c, .m = m, .in = in, .out = out, .nsubs = nsubs};
	uint32_t ret;
	uint16_t e;

	if (nsubs == 0)
		return WASI_EINVAL;
	if (!wasi_mem_ok(m, in, (uint64_t)nsubs * WASI_SUBSCRIPTION_SIZE) ||
	    !wasi_mem_ok(m, out, (uint64_t)nsubs * WASI_EVENT_SIZE) ||
	    !wasi_mem_ok(m, nevents_out, 4))
		return WASI_EFAULT;
	if (nsubs > WASI_POLL_MAX_SUBS)
		return WASI_EINVAL;
	if (c->pending.kind == WASI_PENDING_POLL) {
		s.start[0] = c->pending.start[0];
		s.start[1] = c->pending.start[1];
	} else {
		for (uint32_t id = 0; id < 2; id++) {
			e = c->env->clock_time(c->env->arg, id, &s.start[id]);
			if (e)
				return e;
		}
	}
	s.pfds = calloc(nsubs, sizeof(*s.pfds));
	s.pfd_sub = calloc(nsubs, sizeof(*s.pfd_sub));
	ret = WASI_ENOMEM;
	if (!s.pfds || !s.pfd_sub)
		goto out;
	ret = subs_parse(&s);
	if (ret)
		goto out;
	ret = poll_run(&s);
	if (ret == 0) {
		wasi_unblock(c);
		wasi_store_u32(m, nevents_out, s.nevents);
	}
out:
	free(s.pfds);
	free(s.pfd_sub);
	return ret;
}
