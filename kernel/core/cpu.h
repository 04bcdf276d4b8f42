/*
 * cpu.h - per-CPU state, reached through one accessor (cpu_this()).
 *
 * CPUs are numbered densely from 0 in hart-id order; arch_cpu_this()
 * returns each CPU's `struct cpu` from arch_cpu_init_early on. This is the
 * one kernel type the arch code shares (see arch/arch.h): it keeps its
 * per-CPU fields here too (trap_stack_top, next_deadline, last_probe_cause).
 * Fields marked [own] are touched only by the owning CPU (with interrupts
 * off where an interrupt handler also touches them); [atomic] fields are
 * shared and accessed with atomics.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "base/rand.h"
#include "core/boot_info.h"

#define MAX_CPUS	BOOT_MAX_HARTS
#define TRAP_STACK_SIZE (16 * 1024)

enum ipi_reason {
	IPI_WAKE = 1u << 0, /* just leave wfi */
	IPI_CALL = 1u << 1, /* a cross-call is waiting in `call` */
	IPI_PING = 1u << 2, /* answer every CPU in `ping_from` with a pong */
};

struct cpu_call {
	void (*fn)(void *arg);
	void *arg;
	atomic_bool done;
};

struct cpu {
	uint32_t id;	 /* dense CPU number */
	uint32_t hartid; /* the architecture's id of this CPU (RISC-V hart id) */
	bool online;	 /* [own] set once per-CPU init is done */
	int panic_depth; /* [own] nested panics on this CPU */
	uint64_t trap_stack_top;
	struct rand rng; /* [own] for random placements, with irqs off */

	/* timer */
	uint64_t next_deadline;	   /* [own] programmed deadline or UINT64_MAX */
	uint64_t timer_interrupts; /* [own] */
	uint64_t irq_count;	   /* [own] external interrupts handled */

	/* inter-processor interrupts */
	atomic_uint ipi_pending;	 /* [atomic] enum ipi_reason bits */
	atomic_ulong ping_from;		 /* [atomic] CPUs waiting for our pong */
	atomic_ulong pong_from;		 /* [atomic] CPUs that answered our ping */
	_Atomic(struct cpu_call *) call; /* [atomic] pending cross-call */
	atomic_ulong ipis_received;	 /* [atomic] */

	/* probe faults (arch_probe_*) */
	uint64_t last_probe_cause; /* [own] */

	/* frame allocator's per-CPU cache lives in mem/frame.c */
};

extern struct cpu cpus[MAX_CPUS];
extern uint32_t ncpus; /* set by the boot CPU before the others go on */

static inline struct cpu *cpu_this(void)
{
	return arch_cpu_this();
}

static inline uint32_t cpu_id(void)
{
	return cpu_this()->id;
}

/* Runs fn(arg) on CPU `cpu` when it is idle (not in interrupt context)
 * and waits for it to finish. Runs it directly if `cpu` is this CPU. */
void cpu_call(uint32_t cpu, void (*fn)(void *), void *arg);

/* Sends the IPI reasons in `bits` to CPU `cpu`. */
void cpu_send_ipi(uint32_t cpu, unsigned bits);

/* Handles this CPU's pending IPIs (from the software-interrupt handler). */
void cpu_handle_ipi(void);

/* Runs the cross-call waiting for this CPU, if any (idle contexts only). */
void cpu_run_call(void);
