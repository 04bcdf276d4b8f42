/*
 * csr.h - RISC-V supervisor CSRs and the bits we use (privileged spec 1.12).
 * Only code under kernel/arch/riscv64/ and loader/ includes this.
 */
#pragma once

#include <stdint.h>

#define SSTATUS_SIE	   (1ul << 1)
#define SSTATUS_SPIE	   (1ul << 5)
#define SSTATUS_SPP	   (1ul << 8)
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_MASK	   (3ul << 13)
#define SSTATUS_SUM	   (1ul << 18)

#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

#define SCAUSE_INTR (1ul << 63)
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9

#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS	     1
#define EXC_ILLEGAL_INST     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_ECALL_S	     9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8ul << 60)
#define SATP_MODE_SV48 (9ul << 60)

#define csr_read(csr)                                          \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)); \
		v_;                                            \
	})
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v)	  __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")

static inline uint64_t rv_rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline void rv_sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static inline void rv_sfence_vma(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}
