/*
 * bootargs.h - the kernel command line (/chosen/bootargs, or BOOTARGS=).
 *
 *   log=DIRECTIVES       lib/trace's filter: a default level and/or
 *                        target=level pairs, comma separated, e.g.
 *                        log=info,kasync=trace,wasm=off (levels: error, warn,
 *                        info (default), debug, trace, off)
 *   backtrace=short|full
 *   test=FILTER          (test kernel) which in-kernel tests to run
 *   crash=KIND           (test kernel) a deliberate failure: fault, wx, panic,
 *                        nested, stack, assert
 *
 * Arguments are separated by spaces. An unknown or malformed argument is
 * reported and ignored; it never stops the boot. A malformed log directive
 * is reported and skipped; the other directives still apply.
 */
#pragma once

#include "console.h"
#include "trace/log.h"
#include "panic.h"

struct bootargs {
	struct trace_log_filter log; /* from log= (default: info) */
	enum backtrace_mode backtrace;
};

/* Parses `cmdline` (may be NULL). Reports every problem (each malformed log
 * directive too) through `report` and returns how many there were; `out`
 * always gets sane values. Never allocates: usable before the heap. */
int bootargs_parse(const char *cmdline, struct bootargs *out,
		   void (*report)(const char *msg, const char *arg, unsigned len));
