/*
 * tracedat_read.h - a reader of trace-cmd's trace.dat (version 6, the
 * layout in tracedat.h), for `trace report` in the guest: the file whole
 * in memory, its event formats and saved command lines parsed, then its
 * records in time order (the CPUs merged), each as one line of
 * `trace-cmd report`'s layout:
 *
 *     COMM-PID [CPU] SECS.USECS: EVENT: FIELDS
 *
 * FIELDS is the event's print fmt applied to the record when the fmt is
 * the simple kind this kernel writes ("fmt", REC->a, REC->b with printf
 * conversions); otherwise every field as name=value.
 *
 * The file is not trusted: every offset, size and count is checked
 * against the bytes there are, so a malformed, cut or foreign file gives
 * ERR_MALFORMED / ERR_UNSUPP / ERR_TRUNC with a sentence saying what is
 * wrong (tracedat_file.error), never a read out of bounds. Files of either
 * byte order are read; only version 6 with flyrecord data.
 *
 * tracedat_read.c parses and iterates; tracedat_report.c makes the lines.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/platform.h"

#define TRACEDAT_NAME_MAX   64 /* a system, event or field name, with its NUL */
#define TRACEDAT_FIELDS_MAX 32 /* fields of one event kept (common ones included) */

enum tracedat_kind {
	TRACEDAT_SCALAR,  /* an integer of 1, 2, 4 or 8 bytes */
	TRACEDAT_STRING,  /* char name[N]: a NUL-ended string within N bytes */
	TRACEDAT_ARRAY,	  /* any other array: shown as bytes */
	TRACEDAT_DYNSTR,  /* char name[]: the rest of the record */
	TRACEDAT_DATALOC, /* __data_loc: u32 (length << 16 | offset) */
};

struct tracedat_rfield {
	char name[TRACEDAT_NAME_MAX];
	uint32_t offset, size;
	bool is_signed;
	uint8_t kind; /* enum tracedat_kind */
};

struct tracedat_rformat {
	uint32_t id;
	char system[TRACEDAT_NAME_MAX], name[TRACEDAT_NAME_MAX];
	uint32_t nfields;
	struct tracedat_rfield fields[TRACEDAT_FIELDS_MAX];
	const char *print; /* the print fmt text in the file (not NUL-ended) */
	size_t print_len;
};

struct tracedat_cmdline {
	int32_t pid;
	char comm[TRACE_COMM_LEN];
};

struct tracedat_file {
	const uint8_t *data; /* the caller's; must outlive the file */
	size_t len;
	bool big;		       /* the file is big-endian */
	uint32_t page_size, page_data; /* page bytes; offset of the data in a page */
	uint32_t commit_size;	       /* 4 or 8 */
	struct tracedat_rformat *formats;
	size_t nformats;
	struct tracedat_cmdline *cmdlines;
	size_t ncmdlines;
	unsigned ncpus;
	uint64_t cpu_off[TRACE_MAX_CPUS], cpu_size[TRACE_MAX_CPUS];
	const char *error; /* why the file could not be read (static text) */
	size_t error_at;   /* the byte offset it refers to */
};

/*
 * tracedat_read_open - parses the header of data[0..len) into *f (which
 * keeps pointers into data). 0; ERR_NOMEM; ERR_MALFORMED or ERR_TRUNC (not
 * a trace.dat, or broken) or ERR_UNSUPP (another version, latency data,
 * too many CPUs), with f->error set. Close f in every case.
 */
int tracedat_read_open(struct tracedat_file *f, const void *data, size_t len);

/* tracedat_read_close - frees what open allocated; f may be opened again. */
void tracedat_read_close(struct tracedat_file *f);

/* One record. */
struct tracedat_revent {
	unsigned cpu;
	uint64_t ts;	    /* ns */
	const uint8_t *rec; /* in the file's data */
	uint32_t len;
};

struct tracedat_rcpu {
	uint64_t page, end;   /* the current page's offset; the CPU's data end */
	uint32_t pos, commit; /* in the page: the next event word; the data end */
	uint64_t ts;
	bool have, done;
	struct tracedat_revent ev; /* the next event, when have */
};

/* The records of every CPU, merged by time stamp. */
struct tracedat_iter {
	struct tracedat_file *f;
	struct tracedat_rcpu cpu[TRACE_MAX_CPUS];
};

void tracedat_iter_start(struct tracedat_iter *it, struct tracedat_file *f);

/*
 * tracedat_iter_next - the next record (oldest first). 1 with *ev written;
 * 0 at the end; ERR_MALFORMED with it->f->error set when a page is broken
 * (the records before it were good).
 */
int tracedat_iter_next(struct tracedat_iter *it, struct tracedat_revent *ev);

/* tracedat_read_num - the n-byte (1..8) number at p in the file's byte order. */
uint64_t tracedat_read_num(const struct tracedat_file *f, const uint8_t *p, unsigned n);

/* tracedat_find_format - the format of event `id`, or NULL. */
const struct tracedat_rformat *tracedat_find_format(const struct tracedat_file *f, uint32_t id);

/*
 * tracedat_event_line - ev as trace-cmd report shows it, with a "\n";
 * like snprintf (the return is the full length). Control bytes other than
 * tab before the final "\n" (from a field or the print fmt) become '?', so
 * a file cannot send escape sequences to a terminal or break the lines.
 */
int tracedat_event_line(const struct tracedat_file *f, const struct tracedat_revent *ev, char *buf,
			size_t size);
