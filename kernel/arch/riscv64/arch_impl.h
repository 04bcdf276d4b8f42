/* arch_impl.h - riscv64 inline parts of arch.h. Include arch/arch.h instead. */
#pragma once

#include "arch/riscv64/csr.h"
#include "arch/riscv64/jmp.h"
#include "arch/riscv64/pt.h"
#include "arch/riscv64/sbi.h"

static inline void arch_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void arch_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

static inline bool arch_irq_save(void)
{
	uint64_t s;
	__asm__ volatile("csrrc %0, sstatus, %1" : "=r"(s) : "r"(SSTATUS_SIE) : "memory");
	return s & SSTATUS_SIE;
}

static inline void arch_irq_restore(bool was_on)
{
	if (was_on)
		csr_set(sstatus, SSTATUS_SIE);
}

static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void arch_wait_ipi(void)
{
	__asm__ volatile("csrs sie, %0\n\twfi\n\tcsrc sip, %0" ::"r"(SIE_SSIE) : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("nop" ::: "memory"); /* Zihintpause's pause is not in rv64gc */
}

/* tp holds the CPU's struct cpu from arch_cpu_init_early on (0 before). */
static inline struct cpu *arch_cpu_this(void)
{
	struct cpu *c;
	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

static inline uint64_t arch_now_ticks(void)
{
	return rv_rdtime();
}

static inline void arch_tlb_flush_local(uint64_t va)
{
	rv_sfence_vma(va);
}

static inline void arch_icache_sync_local(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

static inline void arch_early_putchar(int c)
{
	sbi_console_putchar(c);
}
