/*
 * exec.h - the work-stealing executor: one scheduler per CPU, a global
 * injector, a global queue of tasks that used up their time slice, and
 * workers that tick, steal and sleep.
 *
 *   spawn on a worker  -> that CPU's run queue          (sched->q), or,
 *                         during a poll there, its LIFO slot (sched->lifo;
 *                         the task that was in it goes to the queue)
 *   spawn from outside -> the injector                  (exec->injector)
 *   a wake             -> the run queue of the CPU that last ran the task
 *                         (its LIFO slot if woken there during a poll)
 *   a poll that used up
 *   its slice          -> kasync_yield_slice: if a task waits for a CPU,
 *                         to the back of the yield queue (exec->yielded),
 *                         the oldest yielded task taking its place; else on
 *                         here. The tick ends.
 *   a worker's loop    -> tick(256) its slot and queue (at most 3 slot
 *                         tasks in a row, then one from the queue); once
 *                         it ran dry (or after a full tick) take the
 *                         oldest yielded task; if the queue is still empty
 *                         steal: the injector, then half of a random
 *                         victim's queue (4 rounds with backoff), then a
 *                         victim's LIFO slot, then the injector again; if
 *                         still nothing, sleep (idle mask) until woken.
 *
 * Invariant: a CPU sleeps only after announcing itself in `idle` and then
 * finding every queue and LIFO slot empty; whoever enqueues afterwards sees
 * its bit and wakes it (both sides use seq_cst), so no work waits for a
 * sleeping CPU. A slot's task is stolen too (last, after the queues), so a
 * poll that spawns a child and waits for it to run elsewhere still sees it.
 * The executor is a context struct; nothing here is global.
 *
 * Fairness between tasks that never wait (a WASM guest that spins). Such a
 * task ends every poll at its time slice and wakes itself. Re-queued on its
 * own CPU, as every wake is, it never left that CPU: stealing happens only
 * when a queue runs dry, which no queue holding a spinner does, so CPUs
 * that had one spinner gave it 100% while another CPU shared itself among
 * the rest (measured: 16 spinners on SMP=4, three got 12 s each in 12 s,
 * thirteen 0.7-1.2 s each, 17:1; 5 spinners 2:1, 7 spinners 4:1). Now such
 * a task goes through one global FIFO: at the end of its slice it yields
 * the CPU to the oldest task waiting there and queues behind them all, and
 * a CPU whose own queue ran dry takes the oldest too. That is a round robin
 * over all CPUs: N spinners on M CPUs each get M/N of the CPU time,
 * whatever N; with nobody waiting a spinner stays on its CPU. Taking from
 * the FIFO only when the own queue ran dry matters: taking one after every
 * tick made each CPU's queue a delay line where tasks waited while the
 * others cycled through the FIFO and the CPUs whose queues were empty
 * (3:1). Tasks that wait before their slice ends (the shell, wakes from
 * interrupts, a program back from a sleep or a read) keep going to their
 * own CPU's queue, served before the FIFO: they keep their locality and
 * run once the slice running there ends (behind the one yielded task that
 * may have been handed that CPU). A tick that polled its full 256 also
 * takes a yielded task, so tasks that keep waking themselves cannot starve
 * the FIFO on SMP=1.
 *
 * The cross-CPU path (issue 18). Measured on the host's spawn_many (10,000
 * tasks from a thread outside the executor, 1 worker): futex calls were
 * 0.0015 per task (0.004 with 2 workers: strace -f -c), so the worker did
 * not sleep between tasks and the futex round trips were not the cost. perf
 * showed where the time went instead: about 15% of it in page faults and page
 * clearing under malloc (glibc gives the heap's top back after every run of
 * 10,000 freed tasks and faults it in again: 11,403 faults in 26 runs, 537
 * with glibc.malloc.trim_threshold raised; tokio's peer: 403 either way, so
 * bench_exec keeps the top now: M_TRIM_THRESHOLD), the rest in the two sides
 * meeting on shared lines: every task moved from the injector to a worker
 * was popped and pushed singly, two seq_cst read-modify-writes on counters
 * that the producer writes too. Under callgrind (threads serialised) half
 * of the instructions per spawn_many task are glibc's malloc and its
 * cross-thread free (370 of 770), and the executor's own ~400.
 * What changed: a batch moves between queues as one chain (one count, one
 * exchange, one uncount: kasync_mpsc_push_chain); a wake goes only to a
 * sleeper (host: futex_wake only when the worker is in futex_wait; kernel:
 * the IPI only when the target is in wait_event); a helper is woken only
 * when no worker is searching (as before; notify in exec.c says why waking
 * only for a backlog was tried and dropped). The spin before sleeping stays
 * (64 checks of every queue).
 * Instructions (callgrind, one worker): a task spawned or woken during a poll
 * goes to the CPU's LIFO slot, not through the MPSC queue, whose one-element
 * pop (the stub pushed back) cost ~30 instructions; start_poll and end_poll
 * take one CAS without loop state in the common case. With the benchmark's
 * task pool, 367-372 / 319 / 1,155 / 203 instructions per op for
 * spawn_many / chained_spawn / ping_pong / yield_many against oneTBB's
 * 660-674 / 348 / 1,218 / 338 (427 / 436 / 1,376 / 227 before).
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
	/* the LIFO slot: the last task spawned or woken here during a poll here,
	 * polled next (exec.c); taken by exchange, by this CPU or a thief */
	_Atomic(struct kasync_task *) lifo;
	uint32_t lifo_run; /* slot tasks polled in a row; this CPU only */
	_Atomic uint64_t polled, completed, spawned, woken_external, woken_internal, stolen;
	uint64_t rng;
	bool end_tick;	  /* set by kasync_sched_end_tick; this CPU only */
	bool yield_slice; /* set by kasync_yield_slice; this CPU only */
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
	struct kasync_mpsc yielded; /* tasks that used up their slice, oldest first */
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
 * the CPU owning `sched` calls it. A task that yields its slice goes to
 * exec->yielded, which only kasync_worker_tick serves.
 */
struct kasync_tick kasync_sched_tick(struct kasync_sched *sched, size_t n);

/*
 * kasync_sched_end_tick - from inside a poll that used a long time slice
 * (a WASM guest's): ends the current tick after this poll, so the worker
 * fires due timers and looks at the injector before polling on. No-op
 * outside a worker.
 */
void kasync_sched_end_tick(struct kasync_exec *exec);

/*
 * kasync_yield_slice - from inside a poll that used up its time slice (a
 * WASM guest that was preempted), before it returns KASYNC_PENDING: wakes
 * the task by reference, to be polled again after every task that waits
 * for a CPU: if one does (in this CPU's queue or the global yield queue),
 * the task goes to the back of the yield queue and the oldest yielded task
 * is moved to this CPU; if none does, the task goes on here. This CPU's
 * tick ends after the poll (timers, the injector). Outside a worker's poll
 * of cx->task it is a plain kasync_waker_wake_by_ref.
 */
void kasync_yield_slice(struct kasync_cx *cx);

/* kasync_worker_tick - one tick plus stealing; true if work remains.
 * When this CPU's queue ran dry or the tick was full, it then moves the
 * oldest yielded task to that queue; when work remains, it moves the tasks
 * in the injector there too, so tasks spawned from outside wait at most
 * one tick. */
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
