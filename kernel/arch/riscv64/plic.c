/*
 * plic.c - the platform-level interrupt controller (SiFive PLIC layout).
 * On QEMU virt, hart h's S-mode context is 2h+1.
 */
#include <stdint.h>

#include "arch/riscv64/platform.h"

#define PRIORITY(irq)  (4u * (irq))
#define ENABLE(ctx)    (0x2000u + 0x80u * (ctx))
#define THRESHOLD(ctx) (0x200000u + 0x1000u * (ctx))
#define CLAIM(ctx)     (0x200004u + 0x1000u * (ctx))

static inline volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(rv_platform.plic + off);
}

static inline uint32_t s_context(uint32_t hartid)
{
	return 2 * hartid + 1;
}

void rv_plic_init_hart(uint32_t hartid)
{
	if (rv_platform.plic)
		*reg(THRESHOLD(s_context(hartid))) = 0;
}

void rv_plic_enable(uint32_t irq, uint32_t hartid)
{
	if (!rv_platform.plic || irq == 0 || irq >= 1024)
		return;
	*reg(PRIORITY(irq)) = 1;
	volatile uint32_t *en = reg(ENABLE(s_context(hartid)) + 4u * (irq / 32));
	*en |= 1u << (irq % 32);
}

uint32_t rv_plic_claim(uint32_t hartid)
{
	return rv_platform.plic ? *reg(CLAIM(s_context(hartid))) : 0;
}

void rv_plic_complete(uint32_t hartid, uint32_t irq)
{
	*reg(CLAIM(s_context(hartid))) = irq;
}
