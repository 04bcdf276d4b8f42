/*
 * tracefs.h - the files of /sys/kernel/tracing as objects: open by name,
 * read, write, close. The kernel's shell uses this directly; the VFS wraps
 * it later. Paths are relative to the tracing root (a leading '/' is fine):
 *
 *   trace  trace_pipe  tracing_on  buffer_size_kb  trace_marker
 *   saved_cmdlines  saved_cmdlines_size  available_events  set_event
 *   per_cpu/cpuN/trace  events/enable  events/<sys>/enable
 *   events/header_page  events/header_event (the ring page layout of a
 *   trace.dat file: tracedat.h)
 *   events/<sys>/<event>/{enable,id,format,filter}  options/hash-ptr
 *
 * options/hash-ptr is Linux's switch (1: kernel addresses in event text
 * are shown hashed, 0: raw) with the opposite default: on (output.h).
 * Contents are Linux's. Switch files take "0" or "1" (a trailing newline
 * allowed); anything else is ERR_INVAL and changes nothing. Every write
 * validates its whole input before it changes anything.
 *
 * Concurrency: control operations on one context (open/read/write/close of
 * any file) are serialized by the caller; tracepoints fire concurrently.
 * trace_pipe reads are non-blocking: ERR_AGAIN when empty; the kernel sleeps
 * on platform.wake_readers (see trace_pipe_wait_prepare) with a timeout.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "trace/ctx.h"

#define TRACE_FS_TRUNC 0x1 /* opened with O_TRUNC: clears trace / set_event */

struct trace_fs_file;

/*
 * trace_fs_open - opens `path`. ERR_NOENT (no such file), ERR_ISDIR (a
 * directory), ERR_NOMEM. The handle keeps a read position (and, for trace
 * and trace_pipe, the unread rest of a line).
 */
int trace_fs_open(struct trace_ctx *ctx, const char *path, unsigned flags,
		  struct trace_fs_file **out);

/*
 * trace_fs_read - copies up to `cap` bytes; *out_n = 0 means end of file.
 * trace_pipe consumes and returns ERR_AGAIN when nothing is there.
 * ERR_PERM for write-only files (trace_marker).
 */
int trace_fs_read(struct trace_fs_file *f, char *buf, size_t cap, size_t *out_n);

/* trace_fs_write - applies one write. ERR_INVAL, ERR_PERM (read-only), ERR_NOMEM. */
int trace_fs_write(struct trace_fs_file *f, const char *buf, size_t len);

void trace_fs_close(struct trace_fs_file *f);

/*
 * trace_fs_list - calls `fn` for each entry of directory `dir` ("" is the
 * root). ERR_NOENT, ERR_NOTDIR.
 */
int trace_fs_list(struct trace_ctx *ctx, const char *dir,
		  void (*fn)(void *arg, const char *name, bool is_dir), void *arg);
