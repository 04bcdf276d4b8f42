/*
 * arch.c - riscv64 implementation of arch.h and per-hart setup.
 */
#include "arch/arch.h"

#include "arch/riscv64/csr.h"
#include "arch/riscv64/platform.h"
#include "arch/riscv64/sbi.h"
#include "core/cpu.h"

struct rv_platform rv_platform = {.timebase_freq = 10000000};

extern char rv_trap_vector[];
int rv_probe_read64(const void *addr, uint64_t *out);
int rv_probe_write64(void *addr, uint64_t val);

/* Trap stacks: static, so they exist from the first instruction. */
static uint8_t trap_stacks[MAX_CPUS][TRAP_STACK_SIZE] __attribute__((aligned(16)));

void rv_cpu_init_early(struct cpu *c)
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

void rv_cpu_init_late(struct cpu *c)
{
	rv_plic_init_hart(c->hartid);
	csr_set(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
}

uint64_t arch_ticks_per_sec(void)
{
	return rv_platform.timebase_freq;
}

void arch_timer_set_deadline(uint64_t ticks)
{
	struct cpu *c = cpu_this();
	c->next_deadline = ticks;
	sbi_set_timer(ticks);
}

void arch_send_ipi(uint32_t hartid)
{
	sbi_send_ipi(1ul << (hartid % 64), hartid & ~63u);
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
	unsigned long mask = 0;
	struct cpu *me = cpu_this();
	for (uint32_t i = 0; i < ncpus; i++)
		if (cpus[i].online && &cpus[i] != me)
			mask |= 1ul << cpus[i].hartid;
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
