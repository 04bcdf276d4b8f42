/*
 * arch.h - everything generic kernel code may ask of the architecture.
 * One implementation folder per architecture (kernel/arch/riscv64/).
 * Generic code never names a CSR.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/compiler.h"

struct trap_frame;

/* Interrupts on this hart. */
static inline void arch_irq_enable(void);
static inline void arch_irq_disable(void);
/* Disables interrupts and returns whether they were on. */
static inline bool arch_irq_save(void);
static inline void arch_irq_restore(bool was_on);
/* Sleeps until an interrupt is pending (returns at once if one is). */
static inline void arch_wait_for_interrupt(void);
static inline void arch_cpu_relax(void);

/* The monotonic clock: ticks since reset, and its frequency. */
static inline uint64_t arch_now_ticks(void);
uint64_t arch_ticks_per_sec(void);

/* Programs this hart's one timer interrupt; UINT64_MAX disables it. */
void arch_timer_set_deadline(uint64_t ticks);

/* Sends a software interrupt to the hart with id `hartid`. */
void arch_send_ipi(uint32_t hartid);

/* Ends the machine: QEMU exits with `code` (0 = success). */
NORETURN void arch_shutdown(int code);

/* Flushes this hart's TLB entry for the page at va. */
static inline void arch_tlb_flush_local(uint64_t va);
/* Flushes this hart's TLB entries for [va, va+size), then asks every other
 * started hart to do the same (and waits for them). */
void arch_tlb_flush_range(uint64_t va, uint64_t size);

/*
 * Guarded accesses: read or write memory that may not be mapped or may be
 * read-only. A fault makes them return ERR_FAULT instead of panicking, and
 * records the cause (see arch_last_probe_cause).
 */
int arch_probe_read64(const void *addr, uint64_t *out);
int arch_probe_write64(void *addr, uint64_t val);
/* The exception cause name of this hart's last caught probe fault. */
const char *arch_last_probe_cause(void);

/* The frame pointer of the caller, for backtraces. */
static inline uint64_t arch_frame_pointer(void)
{
	return (uint64_t)(uintptr_t)__builtin_frame_address(0);
}

/* Prints the registers of a trap frame through kprintf. */
void arch_dump_frame(const struct trap_frame *tf);

#include "arch/riscv64/arch_impl.h"
