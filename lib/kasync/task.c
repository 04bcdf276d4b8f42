/*
 * task.c - task references, task wakers, polling one task, join handles and
 * yield (see task.h). All decisions are made by the state word (state.c);
 * this file carries them out: enqueue, free, take and wake the join waker.
 *
 * Ownership: every queue slot, waker and join handle owns one reference.
 * The join waker slot is owned by whoever the JOIN_WAKER bits say: the join
 * handle while REGISTERING, the task side once it moves WAITING -> EMPTY.
 */
#include <stddef.h>

#include "base/compiler.h"
#include "base/err.h"
#include "kasync/exec_internal.h"
#include "kasync/task.h"

void kasync_task_init(struct kasync_task *task, const struct kasync_task_vtable *vt,
		      const char *name)
{
	kasync_state_init(&task->state);
	/* relaxed: the task is private until it is spawned (a release). */
	atomic_store_explicit(&task->link.next, NULL, memory_order_relaxed);
	task->vt = vt;
	/* relaxed: as above. */
	atomic_store_explicit(&task->sched, NULL, memory_order_relaxed);
	task->exec = NULL;
	task->join_waker.vt = NULL;
	task->join_waker.data = NULL;
	task->id = 0;
	task->name = name;
}

static void task_free(struct kasync_task *task)
{
	uintptr_t s = kasync_state_load(&task->state);
	if (kasync_snap_join_waker(s) == KASYNC_JW_WAITING)
		kasync_waker_drop(&task->join_waker);
	task->vt->dealloc(task);
}

void kasync_task_ref(struct kasync_task *task)
{
	kasync_state_clone_ref(&task->state);
}

void kasync_task_unref(struct kasync_task *task)
{
	if (kasync_state_drop_ref(&task->state))
		task_free(task);
}

/* --- task wakers: data is the task, each owned waker one reference --- */

static void tw_clone(void *data)
{
	kasync_task_ref(data);
}

static void tw_wake(void *data)
{
	struct kasync_task *task = data;

	switch (kasync_state_wake_by_val(&task->state)) {
	case KASYNC_WAKE_ENQUEUE:
		kasync_sched_enqueue_woken(task);
		/* the queue holds its own reference now: this cannot be the last */
		kasync_task_unref(task);
		break;
	case KASYNC_WAKE_DROP:
		task_free(task);
		break;
	case KASYNC_WAKE_NONE:
		break;
	}
}

static void tw_wake_by_ref(void *data)
{
	struct kasync_task *task = data;

	if (kasync_state_wake_by_ref(&task->state) == KASYNC_WAKE_ENQUEUE)
		kasync_sched_enqueue_woken(task);
}

static void tw_drop(void *data)
{
	kasync_task_unref(data);
}

static const struct kasync_waker_vtable task_waker_vt = {
	.clone = tw_clone,
	.wake = tw_wake,
	.wake_by_ref = tw_wake_by_ref,
	.drop = tw_drop,
};

struct kasync_waker kasync_task_waker(struct kasync_task *task)
{
	kasync_task_ref(task);
	return (struct kasync_waker){.vt = &task_waker_vt, .data = task};
}

/* --- wakers in general --- */

struct kasync_waker kasync_waker_clone(const struct kasync_waker *w)
{
	if (w->vt != NULL)
		w->vt->clone(w->data);
	return *w;
}

void kasync_waker_wake(struct kasync_waker *w)
{
	struct kasync_waker tmp = *w;

	w->vt = NULL;
	w->data = NULL;
	if (tmp.vt != NULL)
		tmp.vt->wake(tmp.data);
}

void kasync_waker_wake_by_ref(const struct kasync_waker *w)
{
	if (w->vt != NULL)
		w->vt->wake_by_ref(w->data);
}

void kasync_waker_drop(struct kasync_waker *w)
{
	struct kasync_waker tmp = *w;

	w->vt = NULL;
	w->data = NULL;
	if (tmp.vt != NULL)
		tmp.vt->drop(tmp.data);
}

bool kasync_waker_will_wake(const struct kasync_waker *a, const struct kasync_waker *b)
{
	return a->vt == b->vt && a->data == b->data;
}

/* --- polling --- */

/* The task side took the join waker slot (WAITING -> EMPTY or -> WOKEN): wake it. */
static void wake_join_waker(struct kasync_task *task)
{
	kasync_waker_wake(&task->join_waker);
}

enum kasync_poll_result kasync_task_poll(struct kasync_task *task, struct kasync_exec *exec)
{
	struct kasync_cx cx;
	enum kasync_poll_result res;
	bool wake_join = false;

	switch (kasync_state_start_poll(&task->state, &wake_join)) {
	case KASYNC_START_DONT_POLL:
		return KASYNC_RESULT_PENDING;
	case KASYNC_START_CANCELLED:
		if (task->vt->cancelled)
			task->vt->cancelled(task);
		if (wake_join)
			wake_join_waker(task);
		return KASYNC_RESULT_READY;
	case KASYNC_START_POLL:
		break;
	}
	cx.waker.vt = &task_waker_vt;
	cx.waker.data = task;
	cx.task = task;
	cx.exec = exec;
	res = kasync_state_end_poll(&task->state, task->vt->poll(task, &cx) == KASYNC_READY);
	if (res == KASYNC_RESULT_READY_JOINED)
		wake_join_waker(task);
	return res;
}

bool kasync_task_cancel(struct kasync_task *task)
{
	switch (kasync_state_cancel(&task->state)) {
	case KASYNC_CANCEL_ALREADY:
		return false;
	case KASYNC_CANCEL_ENQUEUE:
		kasync_sched_enqueue_woken(task);
		return true;
	case KASYNC_CANCEL_DONE:
		break;
	}
	return true;
}

/* --- join handles --- */

enum kasync_poll kasync_join_poll(struct kasync_join *jh, struct kasync_cx *cx, void *out, int *err)
{
	struct kasync_task *task = jh->task;
	bool completed = false;

	switch (kasync_state_try_join(&task->state, &completed)) {
	case KASYNC_JOIN_TAKE_OUTPUT:
		if (out != NULL && task->vt->take_output != NULL)
			task->vt->take_output(task, out);
		*err = 0;
		return KASYNC_READY;
	case KASYNC_JOIN_CANCELLED:
		*err = ERR_CANCELLED;
		return KASYNC_READY;
	case KASYNC_JOIN_REGISTER:
		task->join_waker = kasync_waker_clone(&cx->waker);
		break;
	case KASYNC_JOIN_REREGISTER:
		if (!kasync_waker_will_wake(&task->join_waker, &cx->waker)) {
			kasync_waker_drop(&task->join_waker);
			task->join_waker = kasync_waker_clone(&cx->waker);
		}
		break;
	}
	kasync_state_join_waker_registered(&task->state);
	return KASYNC_PENDING;
}

bool kasync_join_cancel(struct kasync_join *jh)
{
	return kasync_task_cancel(jh->task);
}

void kasync_join_drop(struct kasync_join *jh)
{
	struct kasync_task *task = jh->task;

	if (task == NULL)
		return;
	jh->task = NULL;
	if (kasync_state_drop_join_handle(&task->state))
		kasync_waker_drop(&task->join_waker);
	kasync_task_unref(task);
}

uint64_t kasync_join_id(const struct kasync_join *jh)
{
	return jh->task->id;
}

/* --- yield --- */

enum kasync_poll kasync_yield_poll(struct kasync_yield *y, struct kasync_cx *cx)
{
	if (y->yielded)
		return KASYNC_READY;
	y->yielded = true;
	kasync_waker_wake_by_ref(&cx->waker);
	return KASYNC_PENDING;
}
