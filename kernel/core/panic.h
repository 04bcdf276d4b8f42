/*
 * panic.h - the end of the line for broken kernel invariants.
 *
 * panic() prints the message and a symbolized backtrace, then ends QEMU
 * with a non-zero exit status. A panic while panicking prints one line and
 * stops at once, so it never loops.
 */
#pragma once

#include <stdint.h>

#include "base/compiler.h"

enum backtrace_mode { BACKTRACE_SHORT, BACKTRACE_FULL };
extern enum backtrace_mode backtrace_mode;

NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Prints the frame-pointer chain starting at `fp` (and `pc` first if set). */
void backtrace_print(uint64_t pc, uint64_t fp);

/* Starts panic bookkeeping for this CPU; returns the nesting depth (1 for
 * the first). Used by the trap handler for kernel faults. */
int panic_enter(void);
NORETURN void panic_finish(void);
