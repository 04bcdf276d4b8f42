/*
 * tracedat.h - the trace.dat file of trace-cmd (version 6), which
 * `trace-cmd report` and KernelShark open: the records of the per-CPU
 * rings laid out as Linux's ring-buffer pages, with everything a reader
 * needs to decode them (the page and event headers, every event's format
 * file, the saved command lines).
 *
 * File layout (numbers in the writer's byte order, which byte 12 names):
 *
 *   "\x17\x08\x44tracing" "6\0" endian(1) long_size(1) page_size(4)
 *   "header_page\0"  size(8) text        "header_event\0" size(8) text
 *   nftrace(4)  { size(8) format }...    (the ftrace system: print)
 *   nsystems(4) { "sys\0" nevents(4) { size(8) format }... }...
 *   kallsyms: size(4) text               printk formats: size(4) text
 *   cmdlines: size(8) "pid comm\n"...    ncpus(4)
 *   "options  \0" { id(2) size(4) data }... id 0(2)
 *   "flyrecord\0" { offset(8) size(8) } per CPU
 *   zeros to a page boundary, then each CPU's pages
 *
 * A page (TRACEDAT_PAGE bytes) is Linux's buffer_data_page:
 *
 *   [ u64 time stamp | u64 commit (data bytes) | data ... ]
 *   event: u32 type_len:5 | time_delta:27, then
 *          type_len 1..28: type_len * 4 bytes of record
 *          type_len 0:     u32 length + 4, then the record (4-aligned)
 *          type_len 30:    u32 delta >> 27 (a time extend: no record)
 *
 * Each event's time stamp is the page's plus the deltas of the events
 * before it on the page (its own included). Records of one CPU must come
 * in time order; one older than the CPU's last is written at the last
 * time (a nested tracepoint can take its time stamp before the record it
 * interrupted).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/ctx.h"
#include "trace/platform.h"

#define TRACEDAT_PAGE	     4096
#define TRACEDAT_PAGE_HDR    16
#define TRACEDAT_REC_MAX     2048 /* record bytes at most (a ring's are <= 1024) */
#define TRACEDAT_DELTA_BITS  27
#define TRACEDAT_TYPE_EXTEND 30
#define TRACEDAT_TYPE_MAXLEN 28 /* the largest type_len that is a length */

/* Where the file goes: write() takes every byte of buf or fails (an err). */
struct tracedat_sink {
	void *arg;
	int (*write)(void *arg, const void *buf, size_t len);
};

/* One CPU's pages, built in memory. */
struct tracedat_cpu {
	uint8_t *pages; /* npages * TRACEDAT_PAGE bytes, the last one being filled */
	size_t npages, cap;
	size_t used;	  /* data bytes of the last page */
	uint64_t last_ts; /* time stamp of the last event written */
	uint64_t events;
};

struct tracedat {
	unsigned ncpus;
	struct tracedat_cpu cpu[TRACE_MAX_CPUS];
};

/* The text parts of a file. NULL texts are written empty. */
struct tracedat_system {
	const char *name;
	const char *const *formats; /* the events/<name>/<event>/format texts */
	size_t nformats;
};

struct tracedat_info {
	const char *const *ftrace_formats; /* events/ftrace/<event>/format */
	size_t nftrace;
	const struct tracedat_system *systems; /* every other system */
	size_t nsystems;
	const char *kallsyms;	     /* "addr type name\n" lines, or NULL */
	const char *cmdlines;	     /* saved_cmdlines: "pid comm\n" lines */
	const char *uname;	     /* option UNAME, or NULL */
	const char *clock;	     /* option TRACECLOCK ("[mono]"), or NULL */
	const char *const *cpustats; /* option CPUSTAT per CPU (ncpus of them), or NULL */
};

/* tracedat_init - empty pages for `ncpus` (1..TRACE_MAX_CPUS) CPUs; ERR_INVAL. */
int tracedat_init(struct tracedat *td, unsigned ncpus);

/* tracedat_free - frees the pages; td may be initialized again. */
void tracedat_free(struct tracedat *td);

/*
 * tracedat_add - appends the record rec[0..len) (common header first) with
 * time stamp `ts` (ns) to the pages of `cpu`. ERR_INVAL (cpu out of range,
 * len 0 or above TRACEDAT_REC_MAX), ERR_NOMEM; nothing changes on error.
 */
int tracedat_add(struct tracedat *td, unsigned cpu, uint64_t ts, const void *rec, size_t len);

/*
 * tracedat_write - the whole file to `sink`: info's texts, then the pages.
 * ERR_INVAL (a count that does not fit its field), ERR_NOMEM, or the
 * sink's error (the file is then cut short).
 */
int tracedat_write(const struct tracedat *td, const struct tracedat_info *info,
		   const struct tracedat_sink *sink);

/* tracedat_header_page / tracedat_header_event - the events/header_page
 * and events/header_event texts of this layout; like snprintf. */
int tracedat_header_page(char *buf, size_t size);
int tracedat_header_event(char *buf, size_t size);

/* What trace_ctx_write_dat wrote. */
struct tracedat_stats {
	uint64_t events;  /* records written */
	uint64_t skipped; /* records of no known event, or short */
	uint64_t lost;	  /* records overwritten before the snapshot (rings too small) */
	uint64_t bytes;	  /* file size */
};

/*
 * trace_ctx_write_dat - a snapshot of every ring of `ctx` (not consumed) as
 * a trace.dat file: every event's format (the text of its tracefs format
 * file), the saved cmdlines, each CPU's ring statistics, and the records,
 * with kernel addresses hashed as in the text while options/hash-ptr is
 * on; `uname` (may be NULL) names the system. A control operation (see
 * ctx.h); writers may run meanwhile (records they add during the snapshot
 * may or may not be in it). *out (may be NULL) is written on success.
 * Errors: as tracedat_write.
 */
int trace_ctx_write_dat(struct trace_ctx *ctx, const char *uname, const struct tracedat_sink *sink,
			struct tracedat_stats *out);
