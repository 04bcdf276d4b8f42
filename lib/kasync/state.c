/*
 * state.c - the transitions of the task state word (see state.h).
 *
 * Each transition is a loop: compute `next` from the snapshot `cur`; stop if
 * nothing changes; otherwise install it with a weak CAS, which on failure
 * reloads `cur` and the loop recomputes. The CAS is acq_rel: release so that
 * what the caller wrote before (a join waker slot, a task's output) is
 * visible to whoever sees the new state; acquire so that what the previous
 * owner of the state wrote is visible to us.
 */
#include <stdlib.h>

#include "base/assert.h"
#include "base/spin.h"
#include "kasync/state.h"

static inline uintptr_t set_jw(uintptr_t v, enum kasync_join_waker jw)
{
	return (v & ~KASYNC_ST_JOIN_WAKER_MASK) | ((uintptr_t)jw << KASYNC_ST_JOIN_WAKER_SHIFT);
}

/* Installs `next` if the word still holds `*cur`; else reloads `*cur`. */
static inline bool st_cas(struct kasync_state *s, uintptr_t *cur, uintptr_t next)
{
	/* acq_rel/acquire: see the file header; a failed CAS only needs the fresh value ordered. */
	return atomic_compare_exchange_weak_explicit(&s->val, cur, next, memory_order_acq_rel,
						     memory_order_acquire);
}

static inline uintptr_t st_snapshot(const struct kasync_state *s)
{
	/* acquire: callers act on the flags (e.g. read the output) before any CAS. */
	return atomic_load_explicit(&s->val, memory_order_acquire);
}

void kasync_state_init(struct kasync_state *s)
{
	/* relaxed: the task is not shared yet; publishing it (enqueue) is a release. */
	atomic_store_explicit(&s->val, KASYNC_ST_REF_ONE, memory_order_relaxed);
}

uintptr_t kasync_state_load(const struct kasync_state *s)
{
	return st_snapshot(s);
}

void kasync_state_mark_queued(struct kasync_state *s)
{
	/* relaxed: only the spawner holds the fresh task; the enqueue publishes it. */
	atomic_fetch_or_explicit(&s->val, KASYNC_ST_WOKEN, memory_order_relaxed);
}

/*
 * Does the snapshot have a join waker to wake? REGISTERING means the join
 * handle is writing the slot: we must wait until it is WAITING (`wait`).
 * WAITING is consumed here (-> EMPTY) so that exactly one party takes it.
 */
static inline bool has_join_waker(uintptr_t *v, bool *wait)
{
	switch (kasync_snap_join_waker(*v)) {
	case KASYNC_JW_EMPTY:
		*wait = false;
		return false;
	case KASYNC_JW_REGISTERING:
		ASSERT(*v & KASYNC_ST_HAS_JOIN_HANDLE);
		*wait = true;
		return true;
	case KASYNC_JW_WAITING:
		*wait = false;
		*v = set_jw(*v, KASYNC_JW_EMPTY);
		return true;
	case KASYNC_JW_WOKEN:
		break;
	}
	*wait = false;
	return false;
}

/* Waits for the join handle to finish registering, then marks its waker WOKEN. */
static void wait_for_join_waker(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s);
	for (;;) {
		cur = set_jw(cur, KASYNC_JW_WAITING);
		if (st_cas(s, &cur, set_jw(cur, KASYNC_JW_WOKEN)))
			return;
		spin_relax();
	}
}

enum kasync_start kasync_state_start_poll(struct kasync_state *s, bool *wake_join)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_start act;
	bool wait = false, wj = false;

	/* the common case, a queued task neither polled nor cancelled: one CAS, no loop state */
	if (LIKELY(!(cur & (KASYNC_ST_POLLING | KASYNC_ST_COMPLETE | KASYNC_ST_CANCELLED))) &&
	    LIKELY(st_cas(s, &cur, (cur | KASYNC_ST_POLLING) & ~KASYNC_ST_WOKEN))) {
		*wake_join = false;
		return KASYNC_START_POLL;
	}
	do {
		next = cur;
		wait = false;
		wj = false;
		if (cur & (KASYNC_ST_POLLING | KASYNC_ST_COMPLETE)) {
			act = KASYNC_START_DONT_POLL;
		} else if (cur & KASYNC_ST_CANCELLED) {
			wj = has_join_waker(&next, &wait);
			act = KASYNC_START_CANCELLED;
		} else {
			next = (cur | KASYNC_ST_POLLING) & ~KASYNC_ST_WOKEN;
			act = KASYNC_START_POLL;
		}
		if (next == cur)
			break;
	} while (!st_cas(s, &cur, next));

	if (wait)
		wait_for_join_waker(s);
	*wake_join = wj;
	return act;
}

enum kasync_poll_result kasync_state_end_poll(struct kasync_state *s, bool completed)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_poll_result res;
	bool wait = false;

	do {
		ASSERT((cur & (KASYNC_ST_POLLING | KASYNC_ST_COMPLETE)) == KASYNC_ST_POLLING);
		ASSERT(kasync_snap_refs(cur) > 0);
		wait = false;
		next = cur & ~KASYNC_ST_POLLING;
		if (!completed) {
			res = (cur & KASYNC_ST_WOKEN) ? KASYNC_RESULT_PENDING_SCHEDULE
						      : KASYNC_RESULT_PENDING;
		} else {
			next |= KASYNC_ST_COMPLETE | KASYNC_ST_HAS_OUTPUT;
			res = KASYNC_RESULT_READY;
			/* no join waker (the common case): nothing to look at */
			if ((next & KASYNC_ST_JOIN_WAKER_MASK) && has_join_waker(&next, &wait))
				res = KASYNC_RESULT_READY_JOINED;
		}
	} while (!st_cas(s, &cur, next));

	if (UNLIKELY(wait))
		wait_for_join_waker(s);
	return res;
}

/* The join handle cannot take the output yet: it will (re)register a waker. */
static enum kasync_join_action should_register(uintptr_t *v)
{
	enum kasync_join_waker jw = kasync_snap_join_waker(*v);
	*v = set_jw(*v, KASYNC_JW_REGISTERING);
	if (jw == KASYNC_JW_EMPTY)
		return KASYNC_JOIN_REGISTER;
	ASSERT(jw == KASYNC_JW_WAITING);
	return KASYNC_JOIN_REREGISTER;
}

enum kasync_join_action kasync_state_try_join(struct kasync_state *s, bool *completed)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_join_action act;

	do {
		next = cur;
		if (cur & KASYNC_ST_CANCELLED) {
			*completed = (cur & KASYNC_ST_HAS_OUTPUT) != 0;
			return KASYNC_JOIN_CANCELLED;
		}
		if (!(cur & KASYNC_ST_COMPLETE) || !(cur & KASYNC_ST_HAS_OUTPUT)) {
			act = should_register(&next);
		} else {
			next &= ~KASYNC_ST_HAS_OUTPUT;
			act = KASYNC_JOIN_TAKE_OUTPUT;
		}
	} while (!st_cas(s, &cur, next));
	*completed = act == KASYNC_JOIN_TAKE_OUTPUT;
	return act;
}

void kasync_state_join_waker_registered(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s), next;

	do {
		ASSERT(kasync_snap_join_waker(cur) == KASYNC_JW_REGISTERING);
		next = set_jw(cur | KASYNC_ST_HAS_JOIN_HANDLE, KASYNC_JW_WAITING);
	} while (!st_cas(s, &cur, next));
}

enum kasync_wake_action kasync_state_wake_by_val(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_wake_action act;

	do {
		if (cur & KASYNC_ST_POLLING) {
			/* the poller requeues it at end_poll; this waker's reference goes */
			next = (cur | KASYNC_ST_WOKEN) - KASYNC_ST_REF_ONE;
			if (kasync_snap_refs(next) == 0)
				abort();
			act = KASYNC_WAKE_NONE;
		} else if (cur & (KASYNC_ST_COMPLETE | KASYNC_ST_WOKEN)) {
			next = cur - KASYNC_ST_REF_ONE;
			act = kasync_snap_refs(next) == 0 ? KASYNC_WAKE_DROP : KASYNC_WAKE_NONE;
		} else {
			/* the run queue gets a new reference; the caller drops the waker's after
			 * enqueueing */
			next = (cur | KASYNC_ST_WOKEN) + KASYNC_ST_REF_ONE;
			act = KASYNC_WAKE_ENQUEUE;
		}
	} while (!st_cas(s, &cur, next));
	return act;
}

enum kasync_wake_action kasync_state_wake_by_ref(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_wake_action act;

	do {
		if (cur & (KASYNC_ST_COMPLETE | KASYNC_ST_WOKEN))
			return KASYNC_WAKE_NONE;
		if (cur & KASYNC_ST_POLLING) {
			next = cur | KASYNC_ST_WOKEN;
			act = KASYNC_WAKE_NONE;
		} else {
			next = (cur | KASYNC_ST_WOKEN) + KASYNC_ST_REF_ONE;
			act = KASYNC_WAKE_ENQUEUE;
		}
	} while (!st_cas(s, &cur, next));
	return act;
}

enum kasync_cancel_action kasync_state_cancel(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s), next;
	enum kasync_cancel_action act;

	do {
		if (cur & KASYNC_ST_CANCELLED)
			return KASYNC_CANCEL_ALREADY;
		next = cur | KASYNC_ST_CANCELLED | KASYNC_ST_WOKEN;
		act = KASYNC_CANCEL_DONE;
		if (!(cur & (KASYNC_ST_POLLING | KASYNC_ST_COMPLETE | KASYNC_ST_WOKEN))) {
			/* idle: nobody would poll it again, so it goes back to its run queue */
			next += KASYNC_ST_REF_ONE;
			act = KASYNC_CANCEL_ENQUEUE;
		}
	} while (!st_cas(s, &cur, next));
	return act;
}

void kasync_state_create_join_handle(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s);

	do
		ASSERT(!(cur & KASYNC_ST_HAS_JOIN_HANDLE));
	while (!st_cas(s, &cur, cur | KASYNC_ST_HAS_JOIN_HANDLE));
}

bool kasync_state_drop_join_handle(struct kasync_state *s)
{
	uintptr_t cur = st_snapshot(s), next;
	bool took;

	do {
		ASSERT(cur & KASYNC_ST_HAS_JOIN_HANDLE);
		next = cur & ~KASYNC_ST_HAS_JOIN_HANDLE;
		took = kasync_snap_join_waker(cur) == KASYNC_JW_WAITING;
		if (took)
			next = set_jw(next, KASYNC_JW_EMPTY);
	} while (!st_cas(s, &cur, next));
	return took;
}

void kasync_state_clone_ref(struct kasync_state *s)
{
	/*
	 * relaxed: a new reference is made from an existing one, whose owner
	 * already keeps the task alive; handing it to another thread orders it.
	 */
	uintptr_t old = atomic_fetch_add_explicit(&s->val, KASYNC_ST_REF_ONE, memory_order_relaxed);
	if (kasync_snap_refs(old) >= KASYNC_ST_REF_MAX / 2)
		abort();
}

bool kasync_state_drop_ref(struct kasync_state *s)
{
	/* release: our writes to the task happen before whoever frees it. */
	uintptr_t old = atomic_fetch_sub_explicit(&s->val, KASYNC_ST_REF_ONE, memory_order_release);
	ASSERT(kasync_snap_refs(old) > 0);
	if (kasync_snap_refs(old) > 1)
		return false;
	/* acquire: the freer sees every other owner's writes (paired with the release above). */
	atomic_thread_fence(memory_order_acquire);
	return true;
}
