/*
 * bootargs.h - the kernel command line (/chosen/bootargs, or BOOTARGS=).
 *
 *   log=DIRECTIVES       lib/trace's filter: a default level and/or
 *                        target=level pairs, comma separated, e.g.
 *                        log=info,kasync=trace,wasm=off (levels: error, warn,
 *                        info (default), debug, trace, off)
 *   backtrace=short|full
 *   jobs=N               the shell's background jobs at most (1 to
 *                        BOOTARGS_JOBS_MAX, default BOOTARGS_JOBS_DEFAULT);
 *                        a foreground program is never refused for them
 *   jit=0|1              1 (the default): programs are compiled to riscv64
 *                        code on each function's first call (lib/wasm/jit,
 *                        wasm/kcode.h); 0: every program is interpreted
 *   trace_event=LIST     events on from boot, as Linux's: comma separated
 *                        GROUP:NAME, GROUP or all (e.g.
 *                        trace_event=sched:sched_switch,wasm); an unknown
 *                        one is reported and skipped
 *   nokaslr              the kernel at its link address, not a random one
 *                        (read by the loader), so gdb finds kernel.elf's
 *                        symbols where they run
 *   test=FILTER          (test kernel) which in-kernel tests to run
 *   crash=KIND           (test kernel) a deliberate failure: fault, wx, panic,
 *                        nested, stack, assert
 *
 * Arguments are separated by spaces. An unknown or malformed argument is
 * reported and ignored; it never stops the boot. A malformed log directive
 * is reported and skipped; the other directives still apply.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/console.h"
#include "trace/log.h"
#include "core/panic.h"

/*
 * The job table's size: each slot costs about 1.2 KiB of kernel heap (its
 * stdin buffer), and each background program its module, code, stacks and
 * memory, which the frame budget bounds; /proc/tasks (ps) lists
 * KVFS_TASKS_MAX tasks. 64 keeps the table small and every job listed.
 */
#define BOOTARGS_JOBS_DEFAULT 64
#define BOOTARGS_JOBS_MAX     1024

struct bootargs {
	struct trace_log_filter log; /* from log= (default: info) */
	enum backtrace_mode backtrace;
	uint32_t jobs;		  /* from jobs= */
	bool jit;		  /* from jit= */
	const char *trace_event;  /* from trace_event=: trace_event_len bytes of the */
	unsigned trace_event_len; /* command line (NULL: none) */
};

/* Parses `cmdline` (may be NULL). Reports every problem (each malformed log
 * directive too) through `report` and returns how many there were; `out`
 * always gets sane values. Never allocates: usable before the heap. */
int bootargs_parse(const char *cmdline, struct bootargs *out,
		   void (*report)(const char *msg, const char *arg, unsigned len));
