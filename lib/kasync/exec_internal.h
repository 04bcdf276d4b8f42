/* exec_internal.h - what task.c needs from exec.c. */
#pragma once

#include "kasync/task.h"

/*
 * kasync_sched_enqueue_woken - puts a task that a waker or a cancel has
 * marked WOKEN (with a new reference for the queue) on the run queue of the
 * scheduler it is bound to, or on the injector, and wakes a CPU if needed.
 */
void kasync_sched_enqueue_woken(struct kasync_task *task);
