/*
 * pipe.h - a byte pipe between two tasks: one writing end, one reading
 * end, a ring of `cap` bytes between them, and wakers for a writer that
 * found it full and a reader that found it empty.
 *
 *   writer task                 ring (cap bytes)               reader task
 *   kasync_pipe_write ---> [....data....] ---> kasync_pipe_read
 *     full: ERR_AGAIN,                            empty: ERR_AGAIN,
 *     woken when read                             woken when written
 *     reader gone: ERR_CLOSED                     writer gone: 0 bytes (EOF)
 *
 * A writer that cannot wait (a builtin's output, captured from inside
 * kprintf) pushes instead: the ring grows past `cap` to take it, and the
 * writer asks kasync_pipe_writable before producing more, which is how it
 * still gets backpressure, between its steps. One that never asks (a
 * stream such as trace_pipe into a reader that does not read) is bounded:
 * the ring grows to KASYNC_PIPE_PUSH_FACTOR * cap at most, and what does
 * not fit is dropped and counted (kasync_pipe_dropped), never waited for.
 *
 * Invariants: head < size, len <= size; cap <= size <= KASYNC_PIPE_PUSH_FACTOR
 * * cap (but a pipe whose cap is that large already); each end closes once,
 * and the pipe is freed by the second close. Each waiting side keeps one
 * waker (a newer one replaces it). Task context only (a spinlock without
 * interrupts masked); any CPU.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kasync/task.h"

struct kasync_pipe;

/* kasync_pipe_create - a pipe of cap (> 0) bytes, both ends open. ERR_NOMEM, ERR_INVAL. */
int kasync_pipe_create(size_t cap, struct kasync_pipe **out);

/*
 * kasync_pipe_write - moves up to len bytes of buf in; *out_n how many
 * (at least 1 when it returns 0 with len > 0). ERR_AGAIN when full, after
 * keeping a clone of w (woken when there is room or the reader closes);
 * ERR_CLOSED when the reader closed (nothing written). len 0 only asks:
 * 0 if a write would move bytes now.
 */
int kasync_pipe_write(struct kasync_pipe *p, const void *buf, size_t len, size_t *out_n,
		      const struct kasync_waker *w);

/* How far a push grows the ring: this many times its capacity. */
#define KASYNC_PIPE_PUSH_FACTOR 16

/* kasync_pipe_push - all of buf, growing the ring if need be, up to its
 * bound. ERR_CLOSED (the reader closed: dropped), ERR_NOSPC (the part past
 * the bound dropped and counted; the rest is in), ERR_NOMEM (all dropped
 * and counted). */
int kasync_pipe_push(struct kasync_pipe *p, const void *buf, size_t len);

/* kasync_pipe_dropped - the bytes pushes dropped for the bound or memory. */
size_t kasync_pipe_dropped(struct kasync_pipe *p);

/* kasync_pipe_writable - whether fewer than cap bytes wait (or the reader
 * closed); if not, keeps a clone of w, woken when that changes. */
bool kasync_pipe_writable(struct kasync_pipe *p, const struct kasync_waker *w);

/*
 * kasync_pipe_read - moves up to len bytes out into buf; *out_n how many,
 * 0 at the end (the writer closed and nothing is left). ERR_AGAIN when
 * empty and the writer is open, after keeping a clone of w. len 0 only
 * asks: 0 if a read would not wait.
 */
int kasync_pipe_read(struct kasync_pipe *p, void *buf, size_t len, size_t *out_n,
		     const struct kasync_waker *w);

/*
 * kasync_pipe_shut_write / _read - that end is used no more, as if closed
 * (the other side is woken and sees the end, or ERR_CLOSED), and the
 * waker it kept is dropped; but the pipe stays until both ends are
 * closed. Calls on a shut end: a read gives the end (0 bytes), a write
 * ERR_CLOSED, and neither keeps a waker. For an owner that cannot close
 * yet (a program that may be in its last slice on another CPU) but must
 * not let the pipe keep that side's task alive.
 */
void kasync_pipe_shut_write(struct kasync_pipe *p);
void kasync_pipe_shut_read(struct kasync_pipe *p);

/* kasync_pipe_close_write / _read - closes that end (once; shut if it was
 * not), waking the other side; the second close frees the pipe. */
void kasync_pipe_close_write(struct kasync_pipe *p);
void kasync_pipe_close_read(struct kasync_pipe *p);
