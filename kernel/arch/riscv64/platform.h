/*
 * platform.h - riscv64-private: where the devices arch.h's
 * arch_platform_init named are, and the PLIC driver. Nothing outside
 * kernel/arch/riscv64/ includes this.
 */
#pragma once

#include <stdint.h>

struct rv_platform {
	uint64_t timebase_freq; /* rdtime ticks per second */
	uint64_t test_dev;	/* virtual address of the sifive,test device, or 0 */
	uint64_t plic;		/* virtual address of the PLIC, or 0 */
};

/* Written by the boot CPU in arch_platform_init, read-only after. */
extern struct rv_platform rv_platform;

/* PLIC: route `irq` to this hart's S-mode context with priority 1. */
void rv_plic_enable(uint32_t irq, uint32_t hartid);
/* Claims the next pending external interrupt (0: none) and completes it. */
uint32_t rv_plic_claim(uint32_t hartid);
void rv_plic_complete(uint32_t hartid, uint32_t irq);
void rv_plic_init_hart(uint32_t hartid);
