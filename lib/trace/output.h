/*
 * output.h - the text Linux users know: the `format` file, the `trace`
 * header and event lines, a by-timestamp merge of the per-CPU rings, and the
 * TextDrain that carries the unread rest of a line to the next read.
 *
 * Line layout (Linux's trace_print_context, no tgid):
 *   "%16s-%-7d [%03d] FFFFF %5llu.%06llu: NAME: BODY\n"
 * with FFFFF = irqs-off, need-resched, hardirq/softirq, preempt-depth,
 * migrate-disable.
 *
 * Pointer fields (TP_POINTER) are printed through trace_format_ptr: while
 * options/hash-ptr is on (the default), a kernel address is shown as a
 * 32-bit SipHash of it under the context's secret key, as Linux's %p does,
 * so the same address always shows the same value but its text says
 * nothing of the kernel's layout (KASLR). The ring keeps raw values.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"
#include "trace/ctx.h"
#include "trace/ring.h"

#define TRACE_LINE_MAX 2048

/* A text built by several printf calls into buf[0..size), like snprintf:
 * len counts the whole text, what did not fit too. */
struct trace_sbuf {
	char *buf;
	size_t size, len;
};

/* trace_sbuf_printf - appends to b (NUL-ended while it fits). */
void trace_sbuf_printf(struct trace_sbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* trace_format_file - the events/<sys>/<name>/format text; like snprintf. */
int trace_format_file(const struct trace_event_def *def, char *buf, size_t size);

/*
 * trace_format_header - the `trace` header for `cpu` (or all CPUs if cpu < 0):
 * "# tracer: nop", entries-in-buffer/entries-written, #P, column headers.
 */
int trace_format_header(const struct trace_ctx *ctx, int cpu, char *buf, size_t size);

/* trace_format_line - one event line (with "\n") for `rec` read on `cpu`. */
int trace_format_line(const struct trace_ctx *ctx, unsigned cpu, const struct trace_ring_rec *rec,
		      char *buf, size_t size);

/*
 * trace_format_ptr - what text shows for the address `v`: as it is when
 * hash-ptr is off or v is not a kernel address (its top bit clear: NULL,
 * small numbers; the kernel lives in the upper half), else the low 32 bits
 * of siphash(ptr_key, v), which never look like a kernel address.
 */
uint64_t trace_format_ptr(const struct trace_ctx *ctx, uint64_t v);

/*
 * trace_record_shown - record `data` (len >= def->size, at most
 * TRACE_RECORD_MAX bytes) as its text shows it: `data` itself, or, for an
 * event with pointer fields, a copy in `copy` with them through
 * trace_format_ptr.
 */
const void *trace_record_shown(const struct trace_ctx *ctx, const struct trace_event_def *def,
			       const void *data, size_t len, uint8_t copy[TRACE_RECORD_MAX]);

/* Merges the rings of a context by timestamp (oldest first). */
struct trace_merge {
	struct trace_ctx *ctx;
	bool consume;
	int only_cpu; /* < 0: every CPU */
	struct trace_ring_iter it[TRACE_MAX_CPUS];
	bool have[TRACE_MAX_CPUS];
	struct trace_ring_rec rec[TRACE_MAX_CPUS];
};

/*
 * trace_merge_start - consume=false: a snapshot (the `trace` file);
 * consume=true: a consuming reader (trace_pipe; readers serialized).
 */
void trace_merge_start(struct trace_merge *m, struct trace_ctx *ctx, int cpu, bool consume);
/* trace_merge_next - the next record and its CPU; false when none is left. */
bool trace_merge_next(struct trace_merge *m, unsigned *cpu, const struct trace_ring_rec **rec);

/* The seed's TextDrain: the unread suffix of one formatted line. */
struct trace_drain {
	size_t len, pos;
	char buf[TRACE_LINE_MAX];
};

static inline void trace_drain_reset(struct trace_drain *d)
{
	d->len = d->pos = 0;
}

/* trace_drain_pending - copies pending bytes into out[0..cap); returns count. */
size_t trace_drain_pending(struct trace_drain *d, char *out, size_t cap);

/*
 * trace_drain_copy - copies `line` into out at *copied; what does not fit is
 * kept for the next read. Returns false (copying nothing) when out is full,
 * so the caller must not consume the record behind `line`.
 */
bool trace_drain_copy(struct trace_drain *d, const char *line, size_t len, char *out, size_t cap,
		      size_t *copied);
