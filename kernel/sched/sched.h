/*
 * sched.h - the kernel's executor: lib/kasync on every CPU.
 *
 * Every CPU runs a kasync worker once booted; there is no other scheduler.
 * The platform under it (sched.c): the CPU id from `tp`, an IPI to wake a
 * CPU, `wfi` with the executor's next timer deadline programmed as the one
 * timer interrupt, and rdtime for the clock. Interrupt handlers wake tasks
 * (waking takes no lock); an idle CPU also runs the cross-calls sent to it.
 */
#pragma once

#include <stdatomic.h>
#include <stdint.h>

#include "base/compiler.h"
#include "kasync/exec.h"

/* The executor. Valid once sched_init returned on the boot CPU. */
extern struct kasync_exec kexec;

/* sched_init - sets up the executor for all CPUs (boot CPU, before the
 * others start their workers). Panics if out of memory. */
void sched_init(void);

/* sched_worker - this CPU's worker loop. Never returns. */
NORETURN void sched_worker(void);

/*
 * A CPU's main context (not a task) waiting for an event while it serves as
 * a worker: sched_waiter_wait runs this CPU's worker until some context
 * calls sched_waiter_wake (any CPU, interrupts included), then re-arms.
 * Works on SMP=1 too.
 */
struct sched_waiter {
	atomic_bool done;
	uint32_t cpu; /* the waiting CPU */
};
void sched_waiter_init(struct sched_waiter *w); /* on the CPU that will wait */
void sched_waiter_wake(struct sched_waiter *w);
void sched_waiter_wait(struct sched_waiter *w);

/*
 * sched_block_on_join - from a CPU's main context (not a task): waits for
 * the joined task while this CPU serves as a worker meanwhile, so it works
 * on SMP=1 too. Returns 0 (output moved to `out`) or ERR_CANCELLED. The
 * handle is dropped.
 */
int sched_block_on_join(struct kasync_join *jh, void *out);

/*
 * What the CPUs' waits cost since boot, summed over the CPUs (statistics,
 * for the executor benchmark): wait_event calls (a worker found no work
 * and went to sleep), the wfi executed by them (the rest found a wake
 * pending and returned at once), and wake IPIs sent to a sleeping CPU.
 */
struct sched_wait_counts {
	uint64_t waits, wfis, ipis_sent;
};
void sched_wait_counts(struct sched_wait_counts *out);

/* sched_now_ns - the executor's clock: nanoseconds since boot. */
uint64_t sched_now_ns(void);

/* sched_realtime_ns - wall-clock time: nanoseconds since 1970 (from the
 * RTC read at boot; since boot if there is none). */
uint64_t sched_realtime_ns(void);

/* sched_set_realtime - the wall clock reads epoch_ns now. Boot CPU, once. */
void sched_set_realtime(uint64_t epoch_ns);

/* sched_ticks_to_ns - a count of timer ticks in nanoseconds. */
uint64_t sched_ticks_to_ns(uint64_t ticks);
