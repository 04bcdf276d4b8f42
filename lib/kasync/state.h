/*
 * state.h - the task state word: one atomic machine word per task.
 *
 *   | 63 .. 8  |    7       |  6 5       |       4         |     3     |   2   |    1     |    0 |
 *   | refcount | HAS_OUTPUT | JOIN_WAKER | HAS_JOIN_HANDLE | CANCELLED | WOKEN | COMPLETE | POLLING
 * |
 *
 * JOIN_WAKER is 2 bits: EMPTY, REGISTERING (the join handle is writing the
 * slot), WAITING (the slot holds a waker), WOKEN (the waker was taken and
 * woken by the task's completion or cancellation).
 *
 * Every transition reads a snapshot, computes the next word and installs it
 * with one compare-and-swap; on failure it recomputes from the fresh value.
 *
 * Invariant: a task that is WOKEN, not POLLING and not COMPLETE is in exactly
 * one run queue, which holds one of its references (spawning sets WOKEN).
 * The task is freed when the reference count drops to zero.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define KASYNC_ST_POLLING	   ((uintptr_t)1 << 0)
#define KASYNC_ST_COMPLETE	   ((uintptr_t)1 << 1)
#define KASYNC_ST_WOKEN		   ((uintptr_t)1 << 2)
#define KASYNC_ST_CANCELLED	   ((uintptr_t)1 << 3)
#define KASYNC_ST_HAS_JOIN_HANDLE  ((uintptr_t)1 << 4)
#define KASYNC_ST_JOIN_WAKER_SHIFT 5
#define KASYNC_ST_JOIN_WAKER_MASK  ((uintptr_t)3 << KASYNC_ST_JOIN_WAKER_SHIFT)
#define KASYNC_ST_HAS_OUTPUT	   ((uintptr_t)1 << 7)
#define KASYNC_ST_REF_SHIFT	   8
#define KASYNC_ST_REF_ONE	   ((uintptr_t)1 << KASYNC_ST_REF_SHIFT)
#define KASYNC_ST_REF_MAX	   (UINTPTR_MAX >> KASYNC_ST_REF_SHIFT)

enum kasync_join_waker {
	KASYNC_JW_EMPTY = 0,
	KASYNC_JW_REGISTERING = 1,
	KASYNC_JW_WAITING = 2,
	KASYNC_JW_WOKEN = 3,
};

struct kasync_state {
	_Atomic uintptr_t val;
};

/* What start_poll decided. */
enum kasync_start {
	KASYNC_START_POLL,	/* now POLLING, WOKEN consumed: poll it */
	KASYNC_START_DONT_POLL, /* already polling elsewhere or complete */
	KASYNC_START_CANCELLED, /* cancelled: drop it; maybe wake the join waker */
};

/* What end_poll decided. */
enum kasync_poll_result {
	KASYNC_RESULT_PENDING,		/* idle until a waker fires */
	KASYNC_RESULT_PENDING_SCHEDULE, /* woken during the poll: requeue it */
	KASYNC_RESULT_READY,		/* complete, nobody to tell */
	KASYNC_RESULT_READY_JOINED,	/* complete: take and wake the join waker */
};

enum kasync_join_action {
	KASYNC_JOIN_TAKE_OUTPUT, /* output is ours now (HAS_OUTPUT cleared) */
	KASYNC_JOIN_CANCELLED,	 /* cancelled; `completed` says if it had finished */
	KASYNC_JOIN_REGISTER,	 /* slot empty: write a waker, then registered() */
	KASYNC_JOIN_REREGISTER,	 /* slot holds a waker: replace it, then registered() */
};

enum kasync_wake_action {
	KASYNC_WAKE_NONE,    /* nothing to do */
	KASYNC_WAKE_ENQUEUE, /* caller must enqueue the task (a reference was added) */
	KASYNC_WAKE_DROP,    /* last reference gone: caller must free the task */
};

enum kasync_cancel_action {
	KASYNC_CANCEL_ALREADY, /* was already cancelled: nothing changed */
	KASYNC_CANCEL_DONE,    /* cancelled; it is queued, polling or complete */
	KASYNC_CANCEL_ENQUEUE, /* cancelled an idle task: caller enqueues it (a reference was added)
				*/
};

/* kasync_state_init - refcount 1, no flags. */
void kasync_state_init(struct kasync_state *s);

/* kasync_state_load - a snapshot (acquire). */
uintptr_t kasync_state_load(const struct kasync_state *s);

static inline uintptr_t kasync_snap_refs(uintptr_t v)
{
	return v >> KASYNC_ST_REF_SHIFT;
}

static inline enum kasync_join_waker kasync_snap_join_waker(uintptr_t v)
{
	return (enum kasync_join_waker)((v & KASYNC_ST_JOIN_WAKER_MASK) >>
					KASYNC_ST_JOIN_WAKER_SHIFT);
}

/*
 * kasync_state_mark_queued - spawn: set WOKEN on a fresh task that is about
 * to be enqueued for the first time (so that wakes and cancels do not
 * enqueue it a second time).
 */
void kasync_state_mark_queued(struct kasync_state *s);

/*
 * kasync_state_start_poll - IDLE -> POLLING. On KASYNC_START_CANCELLED,
 * *wake_join says whether the caller must take and wake the join waker (the
 * function has waited out a registering join handle in that case).
 */
enum kasync_start kasync_state_start_poll(struct kasync_state *s, bool *wake_join);

/* kasync_state_end_poll - POLLING -> idle or COMPLETE (`completed`). */
enum kasync_poll_result kasync_state_end_poll(struct kasync_state *s, bool completed);

/*
 * kasync_state_try_join - the join handle polls. On KASYNC_JOIN_CANCELLED,
 * *completed says whether the task had completed. REGISTER/REREGISTER leave
 * JOIN_WAKER in REGISTERING; the caller writes the slot and calls
 * kasync_state_join_waker_registered().
 */
enum kasync_join_action kasync_state_try_join(struct kasync_state *s, bool *completed);

/* kasync_state_join_waker_registered - REGISTERING -> WAITING. */
void kasync_state_join_waker_registered(struct kasync_state *s);

/* kasync_state_wake_by_val - a waker (owning one reference) fires and is consumed. */
enum kasync_wake_action kasync_state_wake_by_val(struct kasync_state *s);

/* kasync_state_wake_by_ref - a borrowed waker fires. Never returns DROP. */
enum kasync_wake_action kasync_state_wake_by_ref(struct kasync_state *s);

/*
 * kasync_state_cancel - set CANCELLED (and WOKEN). A task that was idle is
 * also given a reference for its run queue: the caller enqueues it, so that
 * it is polled once more to wake its joiner and release its state.
 */
enum kasync_cancel_action kasync_state_cancel(struct kasync_state *s);

/* kasync_state_create_join_handle - set HAS_JOIN_HANDLE (must be clear). */
void kasync_state_create_join_handle(struct kasync_state *s);

/*
 * kasync_state_drop_join_handle - clear HAS_JOIN_HANDLE. Returns true if a
 * registered join waker (WAITING) was cleared too: the caller owns the slot
 * and must drop the waker in it.
 */
bool kasync_state_drop_join_handle(struct kasync_state *s);

/* kasync_state_clone_ref - one more reference; aborts on overflow. */
void kasync_state_clone_ref(struct kasync_state *s);

/* kasync_state_drop_ref - one reference less; true if it was the last. */
bool kasync_state_drop_ref(struct kasync_state *s);
