/* jmp.h - the kernel's setjmp/longjmp (jmp.S): callee-saved registers only. */
#pragma once

#include <stdint.h>

struct rv_jmp_buf {
	uint64_t regs[26]; /* ra, sp, s0-s11, fs0-fs11 */
};

/* rv_setjmp - saves the caller's state; 0 now, v when rv_longjmp lands. */
int rv_setjmp(struct rv_jmp_buf *b) __attribute__((returns_twice));
/* rv_longjmp - resumes at b's rv_setjmp, which returns v (v != 0). */
__attribute__((noreturn)) void rv_longjmp(struct rv_jmp_buf *b, int v);
