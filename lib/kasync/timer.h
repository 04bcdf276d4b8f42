/*
 * timer.h - time: a hierarchical timer wheel and the sleep/timeout futures.
 *
 * The wheel has 6 levels of 64 slots; level l slot s holds the timers whose
 * deadline lies in the s-th 64^l-tick block of the current 64^(l+1)-tick
 * block of `now`. A 64-bit occupancy mask per level finds the next busy
 * slot in O(1), so advancing over an idle stretch costs one step per level,
 * not one per tick. Deadlines beyond 64^6 ticks wait on an overflow list.
 *
 *   level 5: |...64 slots of 64^5 ticks...|
 *   ...
 *   level 0: |...64 slots of 1 tick.......|  <- slot fires when now reaches it
 *
 * Invariant: every linked entry has deadline > now and sits at the level of
 * the highest 6-bit digit in which its deadline differs from now.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/spin.h"
#include "kasync/task.h"

#define KASYNC_WHEEL_LEVELS 6
#define KASYNC_WHEEL_SLOTS  64

struct kasync_timer_entry {
	struct kasync_timer_entry *next, *prev;
	uint64_t deadline; /* in ticks */
	struct kasync_waker waker;
	uint8_t level, slot; /* KASYNC_WHEEL_LEVELS: the overflow list */
	bool linked;
	_Atomic bool fired;
};

/* The bare wheel (no lock, no wakers): a data structure, tested alone. */
struct kasync_wheel {
	uint64_t now;
	uint64_t occupied[KASYNC_WHEEL_LEVELS];
	struct kasync_timer_entry *slots[KASYNC_WHEEL_LEVELS][KASYNC_WHEEL_SLOTS];
	struct kasync_timer_entry *overflow;
	uint64_t count;
};

void kasync_wheel_init(struct kasync_wheel *w, uint64_t now);
/* kasync_wheel_insert - links `e` (its deadline set); false if deadline <= now (not linked). */
bool kasync_wheel_insert(struct kasync_wheel *w, struct kasync_timer_entry *e);
/* kasync_wheel_remove - unlinks `e` if linked. */
void kasync_wheel_remove(struct kasync_wheel *w, struct kasync_timer_entry *e);
/* kasync_wheel_next - the tick at which advance has work next; UINT64_MAX if none. */
uint64_t kasync_wheel_next(const struct kasync_wheel *w);
/*
 * kasync_wheel_advance - moves now to `now` (ignored if earlier) and calls
 * fire(arg, e) for each entry with deadline <= now, unlinked, in deadline order
 * per slot.
 */
void kasync_wheel_advance(struct kasync_wheel *w, uint64_t now,
			  void (*fire)(void *arg, struct kasync_timer_entry *e), void *arg);
/* kasync_wheel_check - walks the wheel and checks its invariant; 0 or ERR_INVAL. */
int kasync_wheel_check(const struct kasync_wheel *w);

/* The executor's timer: a locked wheel whose entries hold wakers. */
struct kasync_timer {
	struct spin lock;
	struct kasync_wheel wheel;
	uint64_t tick_ns;
	_Atomic uint64_t next_ns; /* cached earliest deadline, KASYNC_NO_DEADLINE if none */
};

void kasync_timer_init(struct kasync_timer *t, uint64_t tick_ns, uint64_t now_ns);
/* kasync_timer_next_ns - the earliest deadline in ns, or KASYNC_NO_DEADLINE. */
uint64_t kasync_timer_next_ns(struct kasync_timer *t);
/* kasync_timer_fire - wakes every timer whose deadline is <= now_ns. Returns how many. */
unsigned kasync_timer_fire(struct kasync_timer *t, uint64_t now_ns);

struct kasync_exec;

/* A sleep future. Lives in the task's state; kasync_sleep_drop it if abandoned. */
struct kasync_sleep {
	struct kasync_timer_entry entry;
	struct kasync_exec *exec;
	uint64_t deadline_ns;
	bool armed;
};

/* kasync_sleep_init - a future that is READY `duration_ns` from now. */
void kasync_sleep_init(struct kasync_sleep *s, struct kasync_exec *exec, uint64_t duration_ns);
/* kasync_sleep_until_init - READY once the monotonic clock reaches `deadline_ns`. */
void kasync_sleep_until_init(struct kasync_sleep *s, struct kasync_exec *exec,
			     uint64_t deadline_ns);
enum kasync_poll kasync_sleep_poll(struct kasync_sleep *s, struct kasync_cx *cx);
/* kasync_sleep_drop - unlinks the timer and drops its waker; safe to call twice. */
void kasync_sleep_drop(struct kasync_sleep *s);

/* A future to bound with a timeout: poll(arg, cx, err) returns READY with *err set. */
typedef enum kasync_poll (*kasync_poll_fn)(void *arg, struct kasync_cx *cx, int *err);

struct kasync_timeout {
	struct kasync_sleep sleep;
	kasync_poll_fn poll;
	void *arg;
};

/* kasync_timeout_init - bounds `poll(arg)` by `duration_ns`. */
void kasync_timeout_init(struct kasync_timeout *to, struct kasync_exec *exec, uint64_t duration_ns,
			 kasync_poll_fn poll, void *arg);
/*
 * kasync_timeout_poll - READY with the inner future's *err when it finishes
 * first, READY with *err = ERR_TIMEDOUT when the time is up first (the inner
 * future is then abandoned: drop it).
 */
enum kasync_poll kasync_timeout_poll(struct kasync_timeout *to, struct kasync_cx *cx, int *err);
void kasync_timeout_drop(struct kasync_timeout *to);
