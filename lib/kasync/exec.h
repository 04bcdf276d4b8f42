/*
 * exec.h - the work-stealing executor: one scheduler per CPU, a global
 * injector, and workers that tick, steal and sleep.
 *
 *   spawn on a worker  -> that CPU's run queue          (sched->q)
 *   spawn from outside -> the injector                  (exec->injector)
 *   a worker's loop    -> tick(256) its queue; if empty steal: the
 *                         injector, then half of a random victim's queue
 *                         (4 rounds with backoff), then the injector again;
 *                         if still nothing, sleep (idle mask) until woken.
 *
 * Invariant: a CPU sleeps only after announcing itself in `idle` and then
 * finding every queue empty; whoever enqueues afterwards sees its bit and
 * wakes it (both sides use seq_cst), so no work waits for a sleeping CPU.
 * The executor is a context struct; nothing here is global.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/mpsc.h"
#include "kasync/platform.h"
#include "kasync/task.h"
#include "kasync/timer.h"

#define KASYNC_TICK_N	256
#define KASYNC_MAX_CPUS 64

/* Cumulative per-scheduler counters (relaxed; read them for statistics only). */
struct kasync_counters {
	uint64_t polled, completed, spawned, woken_external, woken_internal, stolen;
};

struct kasync_sched {
	struct kasync_mpsc q;
	struct kasync_exec *exec;
	uint32_t cpu;
	/* the task being polled here, or NULL; read by kasync_current_task */
	_Atomic(struct kasync_task *) current;
	_Atomic uint64_t polled, completed, spawned, woken_external, woken_internal, stolen;
	uint64_t rng;
	bool end_tick; /* set by kasync_sched_end_tick; this CPU only */
} __attribute__((aligned(64)));

/* What one tick did. */
struct kasync_tick {
	bool has_remaining;
	size_t polled, completed, woken_internal;
};

/*
 * Observation points for tracing and statistics (the kernel turns them into
 * tracepoints and per-CPU counters; lib/kasync stays free of both). `cpu` is
 * the calling worker's CPU, except for SPAWN and WAKEUP where it is the CPU
 * whose queue receives the task (KASYNC_NO_CPU: the injector). `task` is
 * alive for the duration of the call; `arg` depends on the kind.
 */
enum kasync_hook_kind {
	KASYNC_HOOK_SPAWN,	/* task got its id and is about to be queued */
	KASYNC_HOOK_WAKEUP,	/* a woken task is about to be queued */
	KASYNC_HOOK_POLL_BEGIN, /* about to poll task (not yet current) */
	KASYNC_HOOK_POLL_END,	/* polled, still current; arg = enum kasync_poll_result */
	KASYNC_HOOK_EXIT,	/* after POLL_END, if the task finished or was cancelled */
	KASYNC_HOOK_TICK,	/* a tick ended; arg = tasks polled (task NULL) */
	KASYNC_HOOK_STEAL,	/* arg = tasks moved to this CPU (task NULL) */
	KASYNC_HOOK_IDLE,	/* the worker is about to sleep (task NULL) */
	KASYNC_HOOK_COUNT
};

/* Called from workers, from kasync_spawn and from wakers, in any context
 * (interrupt handlers wake tasks): must not block or allocate. */
typedef void (*kasync_hook_fn)(void *ctx, enum kasync_hook_kind kind, uint32_t cpu,
			       const struct kasync_task *task, uint64_t arg);

struct kasync_exec {
	struct kasync_sched *scheds; /* [ncpu], indexed by CPU id */
	kasync_hook_fn hook;	     /* set before any worker runs */
	void *hook_ctx;
	/* per kind: the hook runs while *gate is true; NULL: never */
	const _Atomic bool *hook_gate[KASYNC_HOOK_COUNT];
	uint32_t ncpu;
	struct kasync_mpsc injector;
	const struct kasync_platform *plat;
	_Atomic uint64_t idle;	    /* the sleepers: bit n set while CPU n sleeps */
	_Atomic uint32_t searching; /* woken workers that have not found work yet */
	_Atomic bool closed;
	_Atomic uint64_t next_id;
	struct kasync_timer timer;
};

/*
 * kasync_exec_init - an executor for CPUs 0..ncpu-1 (1..64). `plat` must
 * outlive it; `tick_ns` is the timer wheel's resolution.
 * Errors: ERR_INVAL (ncpu), ERR_NOMEM.
 */
int kasync_exec_init(struct kasync_exec *exec, uint32_t ncpu, const struct kasync_platform *plat,
		     uint64_t tick_ns);

/*
 * kasync_exec_destroy - frees the schedulers. Every worker must have
 * returned; tasks still queued are cancelled and released (their dealloc runs).
 */
void kasync_exec_destroy(struct kasync_exec *exec);

/*
 * kasync_spawn - hands `task` (initialised, not spawned) to the executor: to
 * the caller's CPU queue on a worker, else to the injector. With `join`,
 * fills in a join handle (an extra reference). Errors: ERR_CLOSED (the task
 * is then released through its dealloc and *join is not written).
 */
int kasync_spawn(struct kasync_exec *exec, struct kasync_task *task, struct kasync_join *join);

/*
 * kasync_exec_set_hook - installs `fn`, called for kind k while *gates[k]
 * is true (gates[k] NULL: never). The owner flips the gates at any time
 * (the kernel points them at its tracepoints' enable flags, so a disabled
 * event costs no call). Not synchronized with running workers: call it
 * after init, before any task is spawned. Per call site: one load and one
 * predicted branch without a gate, two of each with a closed gate.
 */
void kasync_exec_set_hook(struct kasync_exec *exec, kasync_hook_fn fn, void *ctx,
			  const _Atomic bool *const gates[KASYNC_HOOK_COUNT]);

/* kasync_exec_close - makes every worker return ERR_CLOSED; further spawns fail. */
void kasync_exec_close(struct kasync_exec *exec);
bool kasync_exec_is_closed(struct kasync_exec *exec);

/* kasync_exec_current_sched - the calling worker's scheduler, or NULL outside workers. */
struct kasync_sched *kasync_exec_current_sched(struct kasync_exec *exec);

/*
 * kasync_current_task - the task being polled on the caller's CPU, with a
 * new reference (kasync_task_unref it), or NULL.
 */
struct kasync_task *kasync_current_task(struct kasync_exec *exec);

/* kasync_sched_counters - a snapshot of a scheduler's counters. */
void kasync_sched_counters(struct kasync_sched *sched, struct kasync_counters *out);
/* kasync_exec_counters - the sum over all schedulers. */
void kasync_exec_counters(struct kasync_exec *exec, struct kasync_counters *out);

/*
 * kasync_sched_tick - polls up to `n` tasks from the scheduler's queue. Only
 * the CPU owning `sched` calls it.
 */
struct kasync_tick kasync_sched_tick(struct kasync_sched *sched, size_t n);

/*
 * kasync_sched_end_tick - from inside a poll that used a long time slice
 * (a WASM guest's): ends the current tick after this poll, so the worker
 * fires due timers and looks at the injector before polling on. No-op
 * outside a worker.
 */
void kasync_sched_end_tick(struct kasync_exec *exec);

/* kasync_worker_tick - one tick plus stealing; true if work remains.
 * When work remains, it also moves tasks from the injector to this CPU's
 * queue, so tasks spawned from outside wait at most one tick. */
bool kasync_worker_tick(struct kasync_exec *exec, uint32_t cpu);

/*
 * kasync_worker_run - the worker loop of CPU `cpu` (== plat->cpu_id() on
 * the calling thread). Returns ERR_CLOSED once the executor is closed.
 */
int kasync_worker_run(struct kasync_exec *exec, uint32_t cpu);

/*
 * kasync_worker_run_until - the same loop, which also returns 0 once *stop
 * is true. Whoever sets *stop must then wake_cpu(cpu) so a sleeping worker
 * notices. For a CPU's main context that waits for a task while serving as
 * a worker (the kernel's block_on); never from inside a poll.
 */
int kasync_worker_run_until(struct kasync_exec *exec, uint32_t cpu, const _Atomic bool *stop);

/* kasync_exec_wake_one - wakes one sleeping worker, if any. */
void kasync_exec_wake_one(struct kasync_exec *exec);
