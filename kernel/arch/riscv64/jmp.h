/* jmp.h - the kernel's setjmp/longjmp (jmp.S): callee-saved registers only. */
#pragma once

#include <stdint.h>

/* arch.h's struct arch_jmp_buf (the riscv64 layout, private to jmp.S). */
struct arch_jmp_buf {
	uint64_t regs[26]; /* ra, sp, s0-s11, fs0-fs11 */
};

/* arch_setjmp is declared in arch.h. */

/* rv_longjmp - resumes at b's arch_setjmp, which returns v (v != 0). The
 * trap handler "calls" it by sret with sepc = rv_longjmp, a0 = b, a1 = v. */
__attribute__((noreturn)) void rv_longjmp(struct arch_jmp_buf *b, int v);
