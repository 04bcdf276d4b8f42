/*
 * platform.h - riscv64 pieces the generic kernel wires up at boot:
 * where the test device, the PLIC and the clock are, and per-hart setup.
 */
#pragma once

#include <stdint.h>

struct cpu;

struct rv_platform {
	uint64_t timebase_freq; /* rdtime ticks per second */
	uint64_t test_dev;	/* virtual address of the sifive,test device, or 0 */
	uint64_t plic;		/* virtual address of the PLIC, or 0 */
};

extern struct rv_platform rv_platform;

/* Earliest per-hart setup: tp, trap vector and trap stack, FPU on. */
void rv_cpu_init_early(struct cpu *c);
/* Enables timer, software and external interrupts on this hart. */
void rv_cpu_init_late(struct cpu *c);

/* PLIC: route `irq` to this hart's S-mode context with priority 1. */
void rv_plic_enable(uint32_t irq, uint32_t hartid);
/* Claims the next pending external interrupt (0: none) and completes it. */
uint32_t rv_plic_claim(uint32_t hartid);
void rv_plic_complete(uint32_t hartid, uint32_t irq);
void rv_plic_init_hart(uint32_t hartid);

/* Sleeps until a software interrupt is pending, without taking it
 * (interrupts stay off), then clears it. Usable before the trap vector is
 * set; a spurious wakeup is possible, so callers loop on their condition. */
static inline void rv_wait_ipi(void)
{
	__asm__ volatile("csrs sie, %0\n\twfi\n\tcsrc sip, %0" ::"r"(2ul) : "memory");
}
