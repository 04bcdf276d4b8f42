/*
 * arch.c - riscv64 implementation of arch.h: per-hart setup, the platform
 * devices, clock, timer, IPIs, external interrupt routing, TLB shootdown,
 * instruction-cache sync, probes and shutdown.
 */
#include "arch/arch.h"

#include <stdatomic.h>

#include "arch/riscv64/csr.h"
#include "arch/riscv64/platform.h"
#include "arch/riscv64/sbi.h"
#include "core/cpu.h"

struct rv_platform rv_platform = {.timebase_freq = 10000000};

/* Harts past arch_cpu_init_late: the targets of a remote TLB flush. */
static atomic_ulong online_harts;

extern char rv_trap_vector[];
int rv_probe_read64(const void *addr, uint64_t *out);
int rv_probe_write64(void *addr, uint64_t val);

/* Trap stacks: static, so they exist from the first instruction. */
static uint8_t trap_stacks[MAX_CPUS][TRAP_STACK_SIZE] __attribute__((aligned(16)));

void arch_platform_init(const struct arch_platform *p)
{
	if (p->timebase_freq)
		rv_platform.timebase_freq = p->timebase_freq;
	rv_platform.test_dev = p->test_dev;
	rv_platform.plic = p->irq_ctrl;
}

void arch_cpu_init_early(struct cpu *c)
{
	__asm__ volatile("mv tp, %0" ::"r"(c));
	c->trap_stack_top = (uint64_t)(uintptr_t)&trap_stacks[c->id][TRAP_STACK_SIZE];
	csr_write(sscratch, c->trap_stack_top);
	csr_write(stvec, (uint64_t)(uintptr_t)rv_trap_vector); /* direct mode */
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
	c->next_deadline = UINT64_MAX;
	sbi_set_timer(UINT64_MAX);
}

void arch_cpu_init_late(struct cpu *c)
{
	rv_plic_init_hart(c->hartid);
	csr_set(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	/* relaxed: a flush that misses a hart coming online is harmless, its
	 * TLB holds nothing of a range unmapped before it ran kernel code */
	atomic_fetch_or_explicit(&online_harts, 1ul << c->hartid, memory_order_relaxed);
}

uint64_t arch_ticks_per_sec(void)
{
	return rv_platform.timebase_freq;
}

void arch_timer_set_deadline(uint64_t ticks)
{
	struct cpu *c = arch_cpu_this();
	c->next_deadline = ticks;
	sbi_set_timer(ticks);
}

void arch_send_ipi(uint32_t hartid)
{
	sbi_send_ipi(1ul << (hartid % 64), hartid & ~63u);
}

void arch_irq_route(uint32_t irq, uint32_t hartid)
{
	rv_plic_enable(irq, hartid);
}

uint32_t arch_irq_claim(void)
{
	return rv_plic_claim(arch_cpu_this()->hartid);
}

void arch_irq_complete(uint32_t irq)
{
	rv_plic_complete(arch_cpu_this()->hartid, irq);
}

void arch_shutdown(int code)
{
	if (rv_platform.test_dev) {
		volatile uint32_t *t = (volatile uint32_t *)(uintptr_t)rv_platform.test_dev;
		*t = code == 0 ? 0x5555 : (((uint32_t)code & 0xffff) << 16) | 0x3333;
	}
	sbi_system_reset(0, code ? 1 : 0);
	for (;;)
		__asm__ volatile("wfi");
}

void arch_tlb_flush_range(uint64_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 4096)
		rv_sfence_vma(va + off);
	unsigned long mask = atomic_load_explicit(&online_harts, memory_order_relaxed) &
			     ~(1ul << arch_cpu_this()->hartid);
	if (mask)
		sbi_remote_sfence_vma(mask, 0, va, size);
}

int arch_probe_read64(const void *addr, uint64_t *out)
{
	return rv_probe_read64(addr, out);
}

int arch_probe_write64(void *addr, uint64_t val)
{
	return rv_probe_write64(addr, val);
}
