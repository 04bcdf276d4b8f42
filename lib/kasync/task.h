/*
 * task.h - tasks, wakers, join handles: what an asynchronous C function is.
 *
 * A task is a `struct kasync_task` header at the start of a struct that holds
 * the task's state machine. The executor calls its vtable's poll function;
 * poll does as much work as it can without blocking and returns either
 * KASYNC_READY (finished: the output is stored in the struct) or
 * KASYNC_PENDING (it is waiting: something holds a clone of cx->waker and
 * will wake it, and then poll is called again). Each poll resumes where the
 * previous one stopped, so the state machine keeps a `step`:
 *
 *   struct fetch {
 *           struct kasync_task task;        // first member
 *           int step;
 *           struct kasync_sleep sleep;      // futures it waits on live here
 *           struct kasync_join child;
 *           int result;                     // the output
 *   };
 *
 *   static enum kasync_poll fetch_poll(struct kasync_task *task, struct kasync_cx *cx)
 *   {
 *           struct fetch *self = (struct fetch *)task;
 *           int err;
 *
 *           switch (self->step) {
 *           case 0:
 *                   kasync_sleep_init(&self->sleep, cx->exec, 1000000);
 *                   self->step = 1;
 *                   __attribute__((fallthrough));
 *           case 1:
 *                   if (kasync_sleep_poll(&self->sleep, cx) == KASYNC_PENDING)
 *                           return KASYNC_PENDING;      // resumes at case 1
 *                   self->step = 2;
 *                   __attribute__((fallthrough));
 *           case 2:
 *                   if (kasync_join_poll(&self->child, cx, &self->result, &err) == KASYNC_PENDING)
 *                           return KASYNC_PENDING;
 *                   return KASYNC_READY;
 *           }
 *           return KASYNC_READY;
 *   }
 *
 *   static void fetch_take(struct kasync_task *task, void *out)
 *   {
 *           *(int *)out = ((struct fetch *)task)->result;
 *   }
 *
 *   static void fetch_dealloc(struct kasync_task *task)
 *   {
 *           struct fetch *self = (struct fetch *)task;
 *           kasync_sleep_drop(&self->sleep);   // release what a cancelled task still holds
 *           free(self);
 *   }
 *
 *   static const struct kasync_task_vtable fetch_vtable = {
 *           .poll = fetch_poll, .take_output = fetch_take, .dealloc = fetch_dealloc,
 *   };
 *
 *   struct fetch *f = calloc(1, sizeof(*f));
 *   kasync_task_init(&f->task, &fetch_vtable, "fetch");
 *   err = kasync_spawn(exec, &f->task, &join);   // or NULL to detach
 *
 * Rules: poll must not block; it returns PENDING only after arranging a wake
 * (every kasync_*_poll function does so when it returns PENDING). A
 * sub-future is polled until READY and not afterwards. dealloc runs once,
 * when the last reference goes, on any CPU; a cancelled task is not polled
 * again, so dealloc releases whatever its state still holds.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/state.h"

enum kasync_poll {
	KASYNC_PENDING = 0,
	KASYNC_READY = 1,
};

struct kasync_task;
struct kasync_sched;
struct kasync_exec;

/* A waker: how to tell someone that what it waits for may have happened. */
struct kasync_waker_vtable {
	void (*clone)(void *data);	 /* one more owner */
	void (*wake)(void *data);	 /* wake and release one owner */
	void (*wake_by_ref)(void *data); /* wake, keep ownership */
	void (*drop)(void *data);	 /* release one owner */
};

struct kasync_waker {
	const struct kasync_waker_vtable *vt; /* NULL: no waker */
	void *data;
};

/* What poll receives: the waker of the task being polled (borrowed). */
struct kasync_cx {
	struct kasync_waker waker;
	struct kasync_task *task;
	struct kasync_exec *exec;
};

struct kasync_task_vtable {
	/* Advances the state machine; READY when the output is stored. */
	enum kasync_poll (*poll)(struct kasync_task *task, struct kasync_cx *cx);
	/* Moves the output into `out` (the joiner knows its type). May be NULL. */
	void (*take_output)(struct kasync_task *task, void *out);
	/* Releases the task's state and memory. Called once, refcount zero. */
	void (*dealloc)(struct kasync_task *task);
	/* May be NULL. The executor found the task cancelled: it will not be
	 * polled again. Drop what the state machine holds (sleeps, wakers
	 * given out, buffers) now rather than at dealloc, which may be far off
	 * while others hold references. Never concurrent with poll; may be
	 * called more than once. */
	void (*cancelled)(struct kasync_task *task);
};

/* The link of the intrusive run queues. */
struct kasync_link {
	_Atomic(struct kasync_link *) next;
};

struct kasync_task {
	struct kasync_state state;
	struct kasync_link link; /* in a run queue while WOKEN and not POLLING */
	const struct kasync_task_vtable *vt;
	/* the scheduler whose queue it goes back to when woken; set by the owner of the queue slot
	 */
	_Atomic(struct kasync_sched *) sched;
	struct kasync_exec *exec;
	struct kasync_waker join_waker; /* guarded by the JOIN_WAKER bits */
	uint64_t id;
	const char *name;
};

/* A join handle: owns one reference to a task and its HAS_JOIN_HANDLE bit. */
struct kasync_join {
	struct kasync_task *task; /* NULL once dropped */
};

/* kasync_task_init - prepares a task header; the task is not shared yet. */
void kasync_task_init(struct kasync_task *task, const struct kasync_task_vtable *vt,
		      const char *name);

/* kasync_task_ref / kasync_task_unref - count a reference; unref frees at zero. */
void kasync_task_ref(struct kasync_task *task);
void kasync_task_unref(struct kasync_task *task);

/* kasync_task_waker - a new owned waker for `task` (takes a reference). */
struct kasync_waker kasync_task_waker(struct kasync_task *task);

/* kasync_task_is_complete - whether the task has finished (its last poll
 * returned READY, or it was cancelled and will not be polled again). */
static inline bool kasync_task_is_complete(const struct kasync_task *task)
{
	return (kasync_state_load(&task->state) & KASYNC_ST_COMPLETE) != 0;
}

/* kasync_task_cancel - cancels `task`; false if it was already cancelled. */
bool kasync_task_cancel(struct kasync_task *task);

/*
 * kasync_task_poll - runs one poll of a task taken from a run queue (whose
 * reference the caller still owns). Returns what end_poll decided; a
 * cancelled task or one not to be polled reports KASYNC_RESULT_READY or
 * KASYNC_RESULT_PENDING respectively. Used by the scheduler.
 */
enum kasync_poll_result kasync_task_poll(struct kasync_task *task, struct kasync_exec *exec);

/* Wakers. `kasync_waker_wake` consumes *w; `kasync_waker_drop` too. Both accept an empty waker. */
struct kasync_waker kasync_waker_clone(const struct kasync_waker *w);
void kasync_waker_wake(struct kasync_waker *w);
void kasync_waker_wake_by_ref(const struct kasync_waker *w);
void kasync_waker_drop(struct kasync_waker *w);
bool kasync_waker_will_wake(const struct kasync_waker *a, const struct kasync_waker *b);

static inline bool kasync_waker_is_set(const struct kasync_waker *w)
{
	return w->vt != NULL;
}

/*
 * kasync_join_poll - awaits the task's output. READY with *err = 0: the
 * output was moved into `out` (via take_output); READY with *err =
 * ERR_CANCELLED: the task was cancelled (its output, if any, is gone).
 * PENDING: cx->waker is woken when the task completes or is cancelled.
 * The handle stays valid (and must still be dropped).
 */
enum kasync_poll kasync_join_poll(struct kasync_join *jh, struct kasync_cx *cx, void *out,
				  int *err);

/* kasync_join_cancel - cancels the task; false if already cancelled. Keeps the handle. */
bool kasync_join_cancel(struct kasync_join *jh);

/* kasync_join_drop - detaches: the task runs on; its output is discarded. Idempotent. */
void kasync_join_drop(struct kasync_join *jh);

/* kasync_join_id - the id of the joined task. */
uint64_t kasync_join_id(const struct kasync_join *jh);

/* A yield point: PENDING once (after waking itself), then READY. */
struct kasync_yield {
	bool yielded;
};

static inline void kasync_yield_init(struct kasync_yield *y)
{
	y->yielded = false;
}

enum kasync_poll kasync_yield_poll(struct kasync_yield *y, struct kasync_cx *cx);
