/*
 * ktrace.h - lib/trace in the kernel: the one tracing instance on this
 * kernel's platform, its spans, its tracefs lock and the trace_pipe wait.
 *
 * Platform: clock = rdtime in ns since reset; CPU = the dense CPU number;
 * pid = the id of the kasync task being polled on this CPU (0 when the CPU
 * runs its worker loop, an interrupt taken there, or early boot); comm = that
 * task's name; flags = irqs-off and hardirq (interrupt nesting counted by the
 * trap handler); preempt count 0 (the kernel does not preempt itself).
 * sync_writers = a cross-call round: every other CPU reaches its idle loop,
 * so every tracepoint write it had begun has finished.
 *
 * Invariant: `ktrace` is valid once ktrace_init returned (boot CPU, before
 * the others start); tracepoints fired before that find their event unbound
 * and record nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/exec.h"
#include "kasync/task.h"
#include "trace/ctx.h"
#include "trace/span.h"
#include "trace/tracefs.h"

#define KTRACE_BUFFER_KB 64 /* default per-CPU ring size (buffer_size_kb) */
#define KTRACE_SPANS	 256

extern struct trace_ctx ktrace;

/* ktrace_init - binds every event of the kernel image, allocates the rings
 * and the span registry. Boot CPU, after the heap and `ncpus`. Panics when
 * out of memory. */
void ktrace_init(void);

/* The executor's observation points (kasync_exec_set_hook): sched:* events
 * and the executor's counters. Any context. The gates are the events'
 * enable flags, so the executor calls the hook only for enabled events. */
void ktrace_exec_hook(void *ctx, enum kasync_hook_kind kind, uint32_t cpu,
		      const struct kasync_task *task, uint64_t arg);
extern const _Atomic bool *const ktrace_exec_gates[KASYNC_HOOK_COUNT];

/* ktrace_irq_enter / ktrace_irq_exit - the trap handler brackets interrupt
 * handling with these (the hardirq flag of records). */
void ktrace_irq_enter(void);
void ktrace_irq_exit(void);

/* ---- spans ---- */

/*
 * ktrace_span_enter - opens a span (child of this CPU's current span) and
 * enters it; log lines on this CPU show it until ktrace_span_exit(id).
 * Returns 0 (and does nothing) before ktrace_init or when the registry is
 * full. Enter and exit on the same CPU within one task poll.
 */
uint64_t ktrace_span_enter(const struct trace_span_meta *meta);
void ktrace_span_exit(uint64_t id);

/*
 * ktrace_event_dir - the folder under tracefs's events/ that EVENT
 * (GROUP:NAME, GROUP, or all) names, with its '/' ("" for all), into
 * dir[0..cap). False if EVENT cannot name one (an empty part, a '/', "."
 * or "..", a second ':') or it does not fit.
 */
bool ktrace_event_dir(const char *ev, char *dir, size_t cap);

/*
 * ktrace_enable_events - switches on the events of a trace_event= list
 * (list[0..len): comma-separated GROUP:NAME, GROUP or all), through
 * tracefs's enable files; an unknown entry is logged and skipped. Returns
 * how many were. Boot, after ktrace_init.
 */
int ktrace_enable_events(const char *list, size_t len);

/* ktrace_span_names - this CPU's span scope, root first; returns how many. */
size_t ktrace_span_names(const char **out, size_t max);

/* ---- tracefs (until the VFS: the shell and the tests use these) ---- */

/*
 * The trace_fs_* calls under the kernel's tracefs lock. The lock is only
 * tried: ERR_BUSY when another CPU is inside a control operation right now
 * (it is never held across a task's wait, so a retry succeeds).
 */
int ktrace_fs_open(const char *path, unsigned flags, struct trace_fs_file **out);
int ktrace_fs_read(struct trace_fs_file *f, char *buf, size_t cap, size_t *out_n);
int ktrace_fs_write(struct trace_fs_file *f, const char *buf, size_t len);
void ktrace_fs_close(struct trace_fs_file *f);
int ktrace_fs_list(const char *dir, void (*fn)(void *arg, const char *name, bool is_dir),
		   void *arg);

/*
 * ktrace_write_dat - a snapshot of the rings as a trace.dat file into
 * `sink` (trace_ctx_write_dat, under the tracefs lock: ERR_BUSY as above;
 * the sink must not use tracefs). *out as there.
 */
struct tracedat_sink;
struct tracedat_stats;
int ktrace_write_dat(const struct tracedat_sink *sink, struct tracedat_stats *out);

/*
 * ktrace_pipe_wait - a trace_pipe reader about to return PENDING: registers
 * `w` to be woken by the next record. Returns true if records are already
 * there (then read again instead of waiting). Wakeups can be missed in a
 * narrow race (ctx.h): wait with a timeout as well.
 */
bool ktrace_pipe_wait(const struct kasync_waker *w);
/* ktrace_pipe_cancel - drops a registered reader waker (reader going away). */
void ktrace_pipe_cancel(void);

/* ---- a trace_pipe reader task ---- */

/* Receives text read from trace_pipe (in the reader task's context). */
typedef void (*ktrace_sink_fn)(void *arg, const char *text, size_t len);

/*
 * ktrace_reader_spawn - opens trace_pipe and spawns a task that streams it
 * into `sink` until ktrace_reader_stop: it reads what is there, then waits
 * (asynchronously: woken by the next record, batching what arrives within
 * KTRACE_READER_BATCH_MS, with a timeout against missed wakeups). Its join
 * output is an int: 0, or the error that ended it. ERR_NOMEM, ERR_BUSY.
 */
#define KTRACE_READER_BATCH_MS 50
int ktrace_reader_spawn(ktrace_sink_fn sink, void *arg, struct kasync_join *jh);

/* ktrace_reader_stop - asks the reader behind `jh` to finish (it drains
 * nothing more, releases the pipe and completes). Any task context. */
void ktrace_reader_stop(struct kasync_join *jh);
