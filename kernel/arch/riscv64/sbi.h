/*
 * sbi.h - calls into the Supervisor Binary Interface (OpenSBI here):
 * base, TIME, IPI, RFENCE, HSM and SRST extensions, and the legacy console.
 */
#pragma once

#include <stdint.h>

struct sbiret {
	long error;
	long value;
};

#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494d45
#define SBI_EXT_IPI    0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM    0x48534d
#define SBI_EXT_SRST   0x53525354

static inline struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = ext;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){r0, r1};
}

/* Legacy console output: usable before the UART is known. */
static inline void sbi_console_putchar(int c)
{
	sbi_call(0x01, 0, c, 0, 0);
}

static inline long sbi_probe_extension(long ext)
{
	return sbi_call(SBI_EXT_BASE, 3, ext, 0, 0).value;
}

static inline void sbi_set_timer(uint64_t deadline)
{
	sbi_call(SBI_EXT_TIME, 0, (long)deadline, 0, 0);
}

/* Sends a supervisor software interrupt to the harts in mask << base. */
static inline long sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, 0, (long)mask, (long)base, 0).error;
}

static inline long sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
					 unsigned long start, unsigned long size)
{
	register long r0 __asm__("a0") = (long)mask;
	register long r1 __asm__("a1") = (long)base;
	register long r2 __asm__("a2") = (long)start;
	register long r3 __asm__("a3") = (long)size;
	register long r6 __asm__("a6") = 1;
	register long r7 __asm__("a7") = SBI_EXT_RFENCE;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r6), "r"(r7)
			 : "memory");
	return r0;
}

/* Makes the harts in mask << base execute fence.i; returns when they have. */
static inline long sbi_remote_fence_i(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_RFENCE, 0, (long)mask, (long)base, 0).error;
}

static inline long sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, (long)hartid, (long)start, (long)opaque).error;
}

/* System reset: type 0 shutdown, reason 0 none / 1 failure. */
static inline void sbi_system_reset(unsigned long type, unsigned long reason)
{
	sbi_call(SBI_EXT_SRST, 0, (long)type, (long)reason, 0);
}
