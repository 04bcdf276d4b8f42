/*
 * sched.c - the executor's kernel platform and the per-CPU workers (see
 * sched.h).
 *
 * Lost wakeups: wake_cpu sets the target's `wake` flag, then sends an IPI
 * if the target announced itself `sleeping`. wait_event sets `sleeping`,
 * then checks the flag with interrupts off right before wfi (an IPI
 * arriving after the check stays pending and ends the wfi at once) and
 * clears both on the way out; the worker then looks at every queue again
 * before it may sleep, so a cleared wake loses no work. Both sides store
 * then load (seq_cst), so at least one sees the other: either the waker
 * sees `sleeping` and sends the IPI, or the sleeper sees `wake` and skips
 * wfi. A CPU that is still running or spinning before sleep gets no IPI
 * (a trap on the target for nothing: issue 18).
 */
#include "sched/sched.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "base/compiler.h"
#include "base/err.h"
#include "core/cpu.h"
#include "trace/ktrace.h"
#include "core/panic.h"
#include "sched/timer.h"

struct kasync_exec kexec;

/* Per-CPU wait state: the wake flag and the deadline timer of wait_event,
 * and what the CPU's waits cost (struct sched_wait_counts; relaxed). */
static struct {
	atomic_bool wake;
	atomic_bool sleeping; /* in wait_event: wants an IPI for a wake */
	struct ktimer deadline;
	_Atomic uint64_t waits, wfis, ipis_sent;
} waits[MAX_CPUS];

void sched_wait_counts(struct sched_wait_counts *out)
{
	struct sched_wait_counts c = {0};

	for (uint32_t i = 0; i < ncpus; i++) {
		/* relaxed: statistics. */
		c.waits += atomic_load_explicit(&waits[i].waits, memory_order_relaxed);
		c.wfis += atomic_load_explicit(&waits[i].wfis, memory_order_relaxed);
		c.ipis_sent += atomic_load_explicit(&waits[i].ipis_sent, memory_order_relaxed);
	}
	*out = c;
}

/* relaxed: statistics; nothing is ordered by them. */
static inline void wait_count(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* ns per tick as a 32.32 fixed-point factor, set by sched_init (the
 * timebase is known by then, before the other CPUs run): a clock read is
 * one multiply, no division. Until then, the exact division. */
static uint64_t ns_mult;

uint64_t sched_ticks_to_ns(uint64_t t)
{
	if (LIKELY(ns_mult))
		return (uint64_t)(((unsigned __int128)t * ns_mult) >> 32);
	uint64_t hz = arch_ticks_per_sec();
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t hz = arch_ticks_per_sec();
	return ns / 1000000000u * hz + (ns % 1000000000u * hz + 999999999u) / 1000000000u;
}

uint64_t sched_now_ns(void)
{
	return sched_ticks_to_ns(arch_now_ticks());
}

/* Written once on the boot CPU before other CPUs start; read-only after. */
static uint64_t realtime_offset_ns;

void sched_set_realtime(uint64_t epoch_ns)
{
	realtime_offset_ns = epoch_ns - sched_now_ns();
}

uint64_t sched_realtime_ns(void)
{
	return sched_now_ns() + realtime_offset_ns;
}

static uint32_t plat_cpu_id(void *ctx)
{
	(void)ctx;
	return cpu_id();
}

static void plat_wake_cpu(void *ctx, uint32_t cpu)
{
	(void)ctx;
	atomic_store(&waits[cpu].wake, true);
	if (cpu != cpu_id() && atomic_load(&waits[cpu].sleeping)) {
		wait_count(&waits[cpu].ipis_sent);
		cpu_send_ipi(cpu, IPI_WAKE);
	}
}

static void deadline_fired(struct ktimer *t)
{
	(void)t; /* the interrupt itself ends the wfi */
}

static void plat_wait_event(void *ctx, uint32_t cpu, uint64_t deadline_ns)
{
	(void)ctx;
	struct cpu *c = cpu_this();
	bool armed = false;

	if (deadline_ns != KASYNC_NO_DEADLINE) {
		timer_add(&waits[cpu].deadline, ns_to_ticks(deadline_ns), deadline_fired);
		armed = true;
	}
	atomic_store(&waits[cpu].sleeping, true); /* before the wake check (the top) */
	wait_count(&waits[cpu].waits);
	arch_irq_disable();
	if (atomic_load(&c->call)) {
		arch_irq_enable();
		cpu_run_call();
	} else if (!atomic_load(&waits[cpu].wake) &&
		   (!armed || arch_now_ticks() < waits[cpu].deadline.deadline)) {
		wait_count(&waits[cpu].wfis);
		arch_wait_for_interrupt();
	}
	arch_irq_enable(); /* take the interrupt that ended the wfi */
	atomic_store(&waits[cpu].sleeping, false);
	atomic_store(&waits[cpu].wake, false);
	if (armed)
		timer_cancel(&waits[cpu].deadline);
}

static uint64_t plat_now_ns(void *ctx)
{
	(void)ctx;
	return sched_now_ns();
}

static const struct kasync_platform platform = {
	.cpu_id = plat_cpu_id,
	.wake_cpu = plat_wake_cpu,
	.wait_event = plat_wait_event,
	.now_ns = plat_now_ns,
};

/* The executor's timer wheel resolution. */
#define TICK_NS 100000u

void sched_init(void)
{
	ns_mult = (UINT64_C(1000000000) << 32) / arch_ticks_per_sec(); /* < 2^63 */
	if (kasync_exec_init(&kexec, ncpus, &platform, TICK_NS))
		panic("cannot set up the executor");
	kasync_exec_set_hook(&kexec, ktrace_exec_hook, NULL,
			     ktrace_exec_gates); /* sched:*, counters */
}

void sched_worker(void)
{
	kasync_worker_run(&kexec, cpu_id());
	panic("the executor was closed");
}

void sched_waiter_init(struct sched_waiter *w)
{
	atomic_init(&w->done, false);
	w->cpu = cpu_id();
}

void sched_waiter_wake(struct sched_waiter *w)
{
	atomic_store(&w->done, true);
	plat_wake_cpu(NULL, w->cpu);
}

void sched_waiter_wait(struct sched_waiter *w)
{
	kasync_worker_run_until(&kexec, w->cpu, &w->done);
	atomic_store(&w->done, false);
}

/* block_on's waker: a waiter, heap-allocated and counted, since a waker
 * may outlive the wait. */
struct parker {
	atomic_uint refs;
	struct sched_waiter w;
};

static void pk_clone(void *d)
{
	atomic_fetch_add(&((struct parker *)d)->refs, 1);
}

static void pk_drop(void *d)
{
	struct parker *p = d;
	if (atomic_fetch_sub(&p->refs, 1) == 1)
		free(p);
}

static void pk_wake_by_ref(void *d)
{
	sched_waiter_wake(&((struct parker *)d)->w);
}

static void pk_wake(void *d)
{
	pk_wake_by_ref(d);
	pk_drop(d);
}

static const struct kasync_waker_vtable parker_vt = {
	.clone = pk_clone,
	.wake = pk_wake,
	.wake_by_ref = pk_wake_by_ref,
	.drop = pk_drop,
};

int sched_block_on_join(struct kasync_join *jh, void *out)
{
	struct parker *p = malloc(sizeof(*p));
	int err = 0;

	if (!p)
		panic("block_on: out of memory");
	atomic_init(&p->refs, 1);
	sched_waiter_init(&p->w);
	struct kasync_cx cx = {.waker = {&parker_vt, p}, .task = NULL, .exec = &kexec};
	while (kasync_join_poll(jh, &cx, out, &err) == KASYNC_PENDING)
		sched_waiter_wait(&p->w);
	pk_drop(p);
	kasync_join_drop(jh);
	return err;
}
