/*
 * bootargs.h - the kernel command line (/chosen/bootargs, or BOOTARGS=).
 *
 *   log=LEVEL            error, warn, info (default), debug, trace, off
 *   backtrace=short|full
 *   test=FILTER          (test kernel) which in-kernel tests to run
 *   crash=KIND           (test kernel) a deliberate failure: fault, wx, panic,
 *                        nested, stack, assert
 *
 * Arguments are separated by spaces. An unknown or malformed argument is
 * reported and ignored; it never stops the boot.
 */
#pragma once

#include "console.h"
#include "panic.h"

struct bootargs {
	enum log_level log;
	enum backtrace_mode backtrace;
};

/* Parses `cmdline` (may be NULL). Reports every problem through `report`
 * and returns how many there were; `out` always gets sane values. */
int bootargs_parse(const char *cmdline, struct bootargs *out,
		   void (*report)(const char *msg, const char *arg, unsigned len));
