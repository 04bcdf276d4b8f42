/*
 * ktrace_events.h - every kernel tracepoint (all defined in ktrace_events.c)
 * and the counters other files increment.
 *
 *   sched:sched_switch   a CPU's worker switches to a task's poll and back
 *                        (pid 0 is the worker loop, like Linux's swapper)
 *   sched:sched_wakeup   a woken task is queued (target_cpu -1: injector or yield queue)
 *   sched:task_spawn     a task is spawned
 *   sched:task_exit      a task finished or was cancelled
 *   irq:irq_handler_entry / irq:irq_handler_exit   an external interrupt
 *   timer:timer_expire   a kernel timer's callback is about to run
 *   mm:page_fault        a page fault taken in the kernel
 *   wasm:load            a program's start-up: its size and functions, whether
 *                        its module was kept from an earlier run (cached=1: no
 *                        decode or validate), the time to find it kept, decode,
 *                        validate and instantiate it (functions are translated
 *                        on their first calls: wasm:translate)
 *   wasm:translate       a function of a program was translated on its first
 *                        call: its index, its body's bytes in the binary, the
 *                        instructions and bytes it became, the nanoseconds it
 *                        took (0 if the event was turned on during the
 *                        translation), and its tier: jit (riscv64 machine
 *                        code) or interp (the interpreter's form)
 *   wasm:instance_start  a program is loaded, about to run (guarded memory?)
 *   wasm:start           a program's first instruction is next: its first
 *                        poll enters the module's start function (entry=start)
 *                        or _start (the time from shell:line to here is the
 *                        program's time to its first instruction)
 *   wasm:instance_exit   a program ended: its exit code, or its trap kind, and
 *                        how many of its functions were translated or
 *                        compiled (called)
 *   wasm:instance_kill   a running program was cancelled (kill, Ctrl-C)
 *   wasm:trap            a program trapped: kind, function and offset
 *   wasm:hostcall        a program called a WASI service
 *   shell:line           the shell starts running a line
 *   shell:interrupt      the shell read Ctrl-C (job: the one it stops, or 0)
 *   shell:prompt         the next prompt is out
 *
 * Kernel addresses (timer, function, address, ip) are TP_POINTER fields:
 * trace text shows them hashed unless options/hash-ptr is 0 (output.h).
 *
 * Call sites use TRACE_POINT(sys, name, args...): one relaxed load and one
 * predicted branch while the event is disabled.
 */
#pragma once

#include <stdint.h>

#include "trace/event.h"
#include "trace/metrics.h"

struct ktimer;

TRACE_EVENT_DECLARE(sched, sched_switch,
		    TP_PROTO(const char *prev_comm, int prev_pid, long prev_state,
			     const char *next_comm, int next_pid));
TRACE_EVENT_DECLARE(sched, sched_wakeup, TP_PROTO(const char *comm, int pid, int target_cpu));
TRACE_EVENT_DECLARE(sched, task_spawn, TP_PROTO(const char *comm, int pid, int target_cpu));
TRACE_EVENT_DECLARE(sched, task_exit, TP_PROTO(const char *comm, int pid, int cancelled));
TRACE_EVENT_DECLARE(irq, irq_handler_entry, TP_PROTO(int irq, const char *name));
TRACE_EVENT_DECLARE(irq, irq_handler_exit, TP_PROTO(int irq, int handled));
TRACE_EVENT_DECLARE(timer, timer_expire,
		    TP_PROTO(const struct ktimer *t, uint64_t deadline, uint64_t now));
TRACE_EVENT_DECLARE(mm, page_fault, TP_PROTO(uint64_t address, uint64_t ip, int kind, int handled));
TRACE_EVENT_DECLARE(wasm, load,
		    TP_PROTO(const char *prog, uint64_t bytes, uint32_t funcs, int cached,
			     uint64_t find_us, uint64_t decode_us, uint64_t validate_us,
			     uint64_t instantiate_us));
TRACE_EVENT_DECLARE(wasm, translate,
		    TP_PROTO(const char *prog, uint32_t func, uint32_t wasm_bytes, uint32_t ins,
			     uint64_t bytes, uint64_t ns, int compiled));
TRACE_EVENT_DECLARE(wasm, instance_start, TP_PROTO(const char *prog, int guarded, uint32_t pages));
TRACE_EVENT_DECLARE(wasm, start, TP_PROTO(const char *prog, int start_func));
TRACE_EVENT_DECLARE(wasm, instance_exit,
		    TP_PROTO(const char *prog, int code, int trap, uint64_t run_us,
			     uint32_t translated, uint32_t funcs));
TRACE_EVENT_DECLARE(wasm, instance_kill, TP_PROTO(const char *prog, uint64_t run_us));
/* wasm:trap keeps the start of the trapping function's name */
#define WASM_TRAP_NAME_LEN 32
TRACE_EVENT_DECLARE(wasm, trap,
		    TP_PROTO(const char *prog, int kind, uint32_t func, const char *name,
			     uint32_t offset));
TRACE_EVENT_DECLARE(wasm, hostcall, TP_PROTO(const char *prog, const char *service));
TRACE_EVENT_DECLARE(shell, line, TP_PROTO(const char *line));
TRACE_EVENT_DECLARE(shell, interrupt, TP_PROTO(int job));
TRACE_EVENT_DECLARE(shell, prompt, TP_PROTO(int newline));

/* prev_state of sched_switch (Linux's letters: R, S, X) */
#define KTRACE_STATE_RUNNING 0 /* woken during its poll: queued again */
#define KTRACE_STATE_SLEEP   1 /* waiting for a waker */
#define KTRACE_STATE_DEAD    16

/* mm:page_fault kind */
#define KTRACE_FAULT_LOAD  0
#define KTRACE_FAULT_STORE 1
#define KTRACE_FAULT_EXEC  2
