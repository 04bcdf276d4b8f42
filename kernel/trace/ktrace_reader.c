/*
 * ktrace_reader.c - a task that streams trace_pipe (see ktrace.h).
 *
 *   READ  --empty--> WAIT --record committed--> BATCH --time up--> READ
 *     ^               |                                             |
 *     +---timeout-----+---------------------------------------------+
 *
 * The reader never spins: while the rings are empty it is parked on the
 * pipe's waker (and a long timeout, as a lost wakeup is possible, ctx.h).
 * Once woken it waits KTRACE_READER_BATCH_MS more, so a stream of records
 * costs one wakeup per batch rather than one per record, and its own
 * switch records do not keep it running.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "base/err.h"
#include "trace/ktrace.h"
#include "sched/sched.h"

#define MS	       1000000ull
#define TIMEOUT_NS     (500 * MS)
#define BUSY_NS	       (1 * MS)
#define READS_PER_POLL 16
#define READ_CHUNK     512

enum step { READ, WAIT, BATCH };

struct reader {
	struct kasync_task task;
	struct trace_fs_file *f;
	ktrace_sink_fn sink;
	void *arg;
	enum step step;
	struct kasync_sleep sleep;
	bool sleeping;	  /* `sleep` is initialised */
	atomic_bool stop; /* set by ktrace_reader_stop */
	int status;
	char buf[READ_CHUNK];
};

static void arm(struct reader *r, uint64_t ns)
{
	if (r->sleeping)
		kasync_sleep_drop(&r->sleep);
	kasync_sleep_init(&r->sleep, &kexec, ns);
	r->sleeping = true;
}

/* from_task: the reader's own waker may sit in the pipe slot (holding a
 * reference); at dealloc it cannot be ours any more. */
static void release(struct reader *r, bool from_task)
{
	if (r->sleeping)
		kasync_sleep_drop(&r->sleep);
	r->sleeping = false;
	if (from_task)
		ktrace_pipe_cancel();
	if (r->f)
		ktrace_fs_close(r->f);
	r->f = NULL;
}

static enum kasync_poll reader_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct reader *r = (struct reader *)task;

	for (;;) {
		if (atomic_load(&r->stop)) {
			release(r, true);
			return KASYNC_READY;
		}
		switch (r->step) {
		case READ:
			for (int i = 0; i < READS_PER_POLL; i++) {
				size_t n = 0;
				int err = ktrace_fs_read(r->f, r->buf, sizeof(r->buf), &n);
				if (err == ERR_AGAIN)
					break;
				if (err && err != ERR_BUSY) {
					r->status = err;
					release(r, true);
					return KASYNC_READY;
				}
				if (err == ERR_BUSY) {
					/* a control operation runs elsewhere; it may
					 * wait for this CPU to go idle (sync_writers),
					 * so sleep rather than yield */
					arm(r, BUSY_NS);
					r->step = BATCH;
					break;
				}
				r->sink(r->arg, r->buf, n);
				if (i == READS_PER_POLL - 1) {
					/* more to do: let the other tasks run first */
					kasync_waker_wake_by_ref(&cx->waker);
					return KASYNC_PENDING;
				}
			}
			if (r->step == BATCH)
				continue;
			if (ktrace_pipe_wait(&cx->waker))
				continue; /* a record came in meanwhile */
			arm(r, TIMEOUT_NS);
			r->step = WAIT;
			__attribute__((fallthrough));
		case WAIT:
			if (kasync_sleep_poll(&r->sleep, cx) == KASYNC_READY) {
				r->step = READ;
				continue;
			}
			if (!trace_ctx_has_data(&ktrace))
				return KASYNC_PENDING;
			arm(r, KTRACE_READER_BATCH_MS * MS);
			r->step = BATCH;
			__attribute__((fallthrough));
		case BATCH:
			if (kasync_sleep_poll(&r->sleep, cx) == KASYNC_PENDING)
				return KASYNC_PENDING;
			r->step = READ;
			continue;
		}
	}
}

static void reader_take(struct kasync_task *task, void *out)
{
	*(int *)out = ((struct reader *)task)->status;
}

static void reader_dealloc(struct kasync_task *task)
{
	struct reader *r = (struct reader *)task;
	release(r, false);
	free(r);
}

static const struct kasync_task_vtable reader_vt = {
	.poll = reader_poll, .take_output = reader_take, .dealloc = reader_dealloc};

int ktrace_reader_spawn(ktrace_sink_fn sink, void *arg, struct kasync_join *jh)
{
	struct reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ERR_NOMEM;
	int err = ktrace_fs_open("trace_pipe", 0, &r->f);
	if (err) {
		free(r);
		return err;
	}
	kasync_task_init(&r->task, &reader_vt, "trace_pipe");
	r->sink = sink;
	r->arg = arg;
	atomic_init(&r->stop, false);
	return kasync_spawn(&kexec, &r->task, jh);
}

void ktrace_reader_stop(struct kasync_join *jh)
{
	struct reader *r = (struct reader *)jh->task;
	if (!r)
		return;
	atomic_store(&r->stop, true);
	struct kasync_waker w = kasync_task_waker(&r->task);
	kasync_waker_wake(&w);
}
