/*
 * platform.h - the one interface the executor needs from below.
 *
 * The kernel implements it with the hart id, IPIs, wfi and the timer CSR; the
 * host with per-thread ids and futexes (kasync/host/host.h). All functions
 * may be called from any worker; `wake_cpu` also from outside any worker and
 * from interrupt handlers.
 */
#pragma once

#include <stdint.h>

#define KASYNC_NO_CPU	   UINT32_MAX
#define KASYNC_NO_DEADLINE UINT64_MAX

struct kasync_platform {
	void *ctx;
	/* The CPU the caller runs on as a worker of this executor, or KASYNC_NO_CPU. */
	uint32_t (*cpu_id)(void *ctx);
	/*
	 * Makes the current or the next wait_event(cpu) return (an IPI; the
	 * event stays pending until wait_event consumes it, so no wake is lost).
	 */
	void (*wake_cpu)(void *ctx, uint32_t cpu);
	/*
	 * Sleeps on `cpu` until a wake_cpu(cpu), until monotonic time reaches
	 * `deadline_ns` (KASYNC_NO_DEADLINE: none), or spuriously. This is how
	 * the executor tells the platform its next timer deadline: the kernel
	 * programs that one timer interrupt and executes wfi.
	 */
	void (*wait_event)(void *ctx, uint32_t cpu, uint64_t deadline_ns);
	/* Monotonic time in nanoseconds. */
	uint64_t (*now_ns)(void *ctx);
};
