/*
 * shell_jobs.c - the shell's jobs (shell_jobs.h): WebAssembly programs it
 * started (run, PROG ARGS, PROG ARGS &), the tasks of builtins that wait
 * (cat trace_pipe, bench) or work long (cat, ls: shell_work_start). The
 * commands that show and stop them (jobs, kill) are in shell_proc.c; this
 * file calls no command.
 *
 *   slot i = job [i+1]:
 *     free -> running -> [reaping] -> ended (notice pending) -> free
 *
 * The table has room for bg_max background jobs (the jobs= boot argument)
 * plus SHELL_PIPE_MAX: the foreground jobs are at most one pipeline's, so
 * they always find a slot.
 *
 * A program is reaping from its join's end until its memory is all freed
 * (io.released): after a kill the join ends at once, while the program may
 * still be finishing a slice on another CPU.
 *
 * The foreground jobs (one, or a pipeline's) have the console: the shell
 * waits for them, Ctrl-C stops them all, and the foreground program whose
 * stdin is the console reads the lines typed (shell_jobs_stdin_*). In a
 * pipeline, each program's stdout is a kasync_pipe into the next one's
 * stdin (io.write_wait, which makes a writer wait while the pipe is full);
 * a builtin's output is pushed into it, and its job waits between steps
 * while the pipe is full (work_poll). A background program's stdin is at its end. A job
 * that ends in the background leaves a notice ("[1] Done hello"), printed
 * before the next prompt, as Unix shells do; `kill` waits for its victims,
 * so their notices come before its prompt.
 *
 * Invariants: the table and the jobs' join handles are touched only by the
 * shell task. A slot's stdin and release flag (stdin_lock) are also used by
 * its program, on whichever CPU runs it; a program's slot is freed only
 * after io.released, when the program is gone, so io.arg never dangles.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "sched/sched.h"
#include "shell/shell_jobs.h"
#include "core/spinlock.h"
#include "sched/timer.h"
#include "wasm/launch.h"
#include "wasm/proc.h"
#include "vfs/vfs.h"
#include "kasync/pipe.h"
#include "shell/shell_internal.h"

#define JOB_NAME_MAX 48
#define STDIN_MAX    1024
#define TRAP_STATUS  134 /* 128 + SIGABRT, as a Unix shell shows an abort */

enum job_state { JOB_FREE, JOB_RUNNING, JOB_REAPING, JOB_ENDED };

/* What a job's join gives: a builtin's task an int, a program its status. */
union job_out {
	int status;
	struct wasm_proc_status proc;
};

struct job {
	enum job_state state;
	bool fg;       /* the shell waits for it and gives it the console */
	bool prog;     /* a program: the output is a wasm_proc_status */
	bool stopping; /* stop requested (Ctrl-C, timeout, kill) */
	bool waited;   /* `kill` waits for it to end before the prompt */
	bool timed;
	uint64_t id; /* task id */
	char name[JOB_NAME_MAX];
	struct kasync_join jh;
	void (*stop)(struct kasync_join *jh);
	struct kasync_sleep timer; /* `timeout`, when timed */
	char notice[JOB_NAME_MAX + 64];

	int status; /* a foreground job's, shown when it is over */

	/* shared with the program (its CPU): stdin, and its release */
	struct spinlock stdin_lock;
	bool released;			/* io.released came */
	struct kasync_waker reap_waker; /* the shell, waiting for that */
	char in[STDIN_MAX];		/* a queue: in_head, in_len */
	size_t in_head, in_len;
	bool in_eof;
	struct kasync_waker in_waker; /* the program waiting for input */

	/* redirects taken from the command (closed when the job is gone);
	 * a builtin's job has its output captured from its task, cap_owner */
	struct shell_redirs redir;
	const void *cap_owner;
	bool console_in; /* a foreground program reading the console */
	uint64_t seq;	 /* when it started, among all jobs */
};

static struct job *jobs; /* njobs slots: bg_max + SHELL_PIPE_MAX */
static size_t njobs;
static uint32_t bg_max;
static uint64_t next_timeout_ns; /* set by `timeout` for the job it starts */
static int fg_last;		 /* status of the foreground job started last that ended */
static uint64_t fg_last_seq, job_seq;
static uint64_t fg_cpu_us; /* guest time of all foreground programs that ended */
static bool fg_last_stopped;

static int job_num(const struct job *j)
{
	return (int)(j - jobs) + 1;
}

int shell_jobs_init(uint32_t max_background)
{
	jobs = calloc((size_t)max_background + SHELL_PIPE_MAX, sizeof(*jobs));
	if (!jobs)
		return ERR_NOMEM;
	njobs = (size_t)max_background + SHELL_PIPE_MAX;
	bg_max = max_background;
	return 0;
}

/* A free slot; NULL if a background job would pass bg_max (the foreground
 * always finds one: at most one pipeline's are in use). */
static struct job *job_alloc(const char *name, bool fg)
{
	size_t bg = 0;
	for (size_t i = 0; i < njobs; i++)
		bg += jobs[i].state != JOB_FREE && !jobs[i].fg;
	if (!fg && bg >= bg_max)
		return NULL;
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		if (j->state != JOB_FREE)
			continue;
		memset(j, 0, sizeof(*j)); /* stdin_lock: zeroes are SPINLOCK_INIT */
		j->fg = fg;
		size_t n = strnlen(name, sizeof(j->name) - 1);
		memcpy(j->name, name, n);
		return j;
	}
	return NULL;
}

/* Commits an allocated slot: it runs from now on. */
static void job_begin(struct job *j, struct kasync_join *jh, void (*stop)(struct kasync_join *))
{
	j->jh = *jh;
	j->id = kasync_join_id(jh);
	j->stop = stop;
	if (j->fg && !shell_jobs_fg_busy())
		fg_last_stopped = false; /* a new group of foreground jobs */
	j->seq = ++job_seq;
	j->state = JOB_RUNNING;
	if (!j->prog) { /* a builtin's: its output goes where the builtin's went */
		struct shell_redirs *r = shell_redirs_pending();
		j->redir = *r;
		memset(r, 0, sizeof(*r));
		if (shell_redirs_capture(jh->task, &j->redir))
			j->cap_owner = jh->task;
	}
	if (j->fg && next_timeout_ns) {
		kasync_sleep_init(&j->timer, &kexec, next_timeout_ns);
		j->timed = true;
	}
}

void shell_jobs_set_timeout(uint64_t ns)
{
	next_timeout_ns = ns;
}

/* How the next builtin's job starts (shell_jobs_set_builtin). */
static bool builtin_bg;
static char builtin_title[JOB_NAME_MAX];
static struct job *announce; /* a builtin's background job, not yet shown */

static void job_title(int argc, char **argv, char *out, size_t size);

void shell_jobs_set_builtin(int argc, char **argv, bool background)
{
	builtin_bg = background;
	job_title(argc, argv, builtin_title, sizeof(builtin_title));
}

int shell_job_start(struct kasync_join *jh, void (*stop)(struct kasync_join *jh))
{
	struct job *j = job_alloc(builtin_title, !builtin_bg);
	if (!j)
		return ERR_BUSY;
	job_begin(j, jh, stop);
	if (!j->fg) /* said after the builtin, whose output may be captured */
		announce = j;
	return 0;
}

void shell_jobs_announce(void)
{
	if (announce)
		kprintf("[%d] %llu\n", job_num(announce), (unsigned long long)announce->id);
	announce = NULL;
}

static void job_stop(struct job *j)
{
	if (j->state == JOB_RUNNING && !j->stopping) {
		j->stopping = true;
		j->stop(&j->jh);
	}
}

static void cancel_stop(struct kasync_join *jh)
{
	kasync_join_cancel(jh);
}

/* ---- a builtin's long work (shell_work_start) ---- */

struct work {
	struct kasync_task task;
	int (*step)(void *arg);
	void (*done)(void *arg); /* NULL once called */
	void *arg;
	atomic_bool stop; /* set by work_stop (the shell's CPU) */
	int status;
	struct kasync_pipe *out; /* its output's pipe (owned by its job), or NULL */
};

static void work_done(struct work *w)
{
	if (w->done)
		w->done(w->arg);
	w->done = NULL;
}

/* Steps until the work ends or its slice is over; then it yields its slice
 * (kasync_yield_slice), as a program does, behind the tasks that wait for
 * a CPU (the shell among them). */
static enum kasync_poll work_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct work *w = (struct work *)task;
	uint64_t end = arch_now_ticks() + timer_us_to_ticks(SHELL_WORK_SLICE_US);

	for (;;) {
		/* relaxed: the flag carries no data; seen at the next step */
		if (atomic_load_explicit(&w->stop, memory_order_relaxed)) {
			w->status = SHELL_WORK_STOPPED;
			break;
		}
		/* backpressure: no step while its pipe is full (woken by a read) */
		if (w->out && !kasync_pipe_writable(w->out, &cx->waker))
			return KASYNC_PENDING;
		int r = w->step(w->arg);
		if (r != SHELL_WORK_MORE) {
			w->status = r;
			break;
		}
		if (arch_now_ticks() >= end) {
			kasync_yield_slice(cx); /* behind programs, as they are behind it */
			return KASYNC_PENDING;
		}
	}
	work_done(w);
	return KASYNC_READY;
}

static void work_take(struct kasync_task *task, void *out)
{
	*(int *)out = ((struct work *)task)->status;
}

static void work_dealloc(struct kasync_task *task)
{
	struct work *w = (struct work *)task;
	work_done(w); /* a no-op unless it never ran to its end */
	free(w);
}

static const struct kasync_task_vtable work_vt = {
	.poll = work_poll, .take_output = work_take, .dealloc = work_dealloc};

/* Ctrl-C or timeout: the work ends at its next step, so the join completes
 * only once nothing of it runs any more (no output after the prompt). */
static void work_stop(struct kasync_join *jh)
{
	struct work *w = (struct work *)jh->task;
	atomic_store(&w->stop, true);
	struct kasync_waker wk = kasync_task_waker(&w->task);
	kasync_waker_wake(&wk);
}

int shell_work_start(const char *name, int (*step)(void *arg), void (*done)(void *arg), void *arg)
{
	struct kasync_join jh;
	struct work *w = calloc(1, sizeof(*w));
	int err;

	if (!w) {
		done(arg);
		return ERR_NOMEM;
	}
	kasync_task_init(&w->task, &work_vt, name);
	w->step = step;
	w->done = done;
	w->arg = arg;
	w->out = shell_redirs_pending()->out ? NULL : shell_redirs_pending()->pipe_out;
	atomic_init(&w->stop, false);
	err = kasync_spawn(&kexec, &w->task, &jh); /* on error it deallocs */
	if (err)
		return err;
	err = shell_job_start(&jh, work_stop);
	if (err) {
		work_stop(&jh);
		kasync_join_drop(&jh);
	}
	return err;
}

/* ---- a foreground program's stdin ---- */

/* The foreground job reading the console: a program whose stdin is
 * neither a file nor a pipe. */
static struct job *fg_job(void)
{
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].state == JOB_RUNNING && jobs[i].fg && jobs[i].console_in)
			return &jobs[i];
	return NULL;
}

/* io.read of a foreground program: its CPU, inside its poll. */
static uint16_t stdin_read(void *arg, void *buf, size_t len, size_t *out_n,
			   const struct kasync_waker *waker)
{
	struct job *j = arg;
	uint16_t e = 0;
	size_t n = 0;
	bool irq = spin_lock(&j->stdin_lock);
	if (j->in_len) {
		for (; n < len && n < j->in_len; n++)
			((char *)buf)[n] = j->in[(j->in_head + n) % STDIN_MAX];
		j->in_head = (j->in_head + n) % STDIN_MAX;
		j->in_len -= n;
	} else if (!j->in_eof) {
		if (!kasync_waker_will_wake(&j->in_waker, waker)) {
			kasync_waker_drop(&j->in_waker);
			j->in_waker = kasync_waker_clone(waker);
		}
		e = WASI_EAGAIN;
	}
	spin_unlock(&j->stdin_lock, irq);
	if (!e)
		*out_n = n;
	return e;
}

/* Wakes the program waiting for input, outside the lock. */
static void stdin_wake(struct job *j, bool irq)
{
	struct kasync_waker w = j->in_waker;
	j->in_waker = (struct kasync_waker){0};
	spin_unlock(&j->stdin_lock, irq);
	if (kasync_waker_is_set(&w))
		kasync_waker_wake(&w);
}

bool shell_jobs_stdin_open(void)
{
	struct job *j = fg_job();
	return j && !j->in_eof;
}

bool shell_jobs_fg_busy(void)
{
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].state == JOB_RUNNING && jobs[i].fg)
			return true;
	return false;
}

uint64_t shell_jobs_fg_cpu_us(void)
{
	return fg_cpu_us;
}

uint64_t shell_jobs_started(void)
{
	return job_seq;
}

int shell_jobs_fg_last(bool *stopped)
{
	*stopped = fg_last_stopped;
	return fg_last;
}

void shell_redirs_close(struct shell_redirs *r)
{
	struct vfs_file *f[] = {r->in, r->out, r->err};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i])
			vfs_close(f[i]);
	if (r->pipe_in)
		kasync_pipe_close_read(r->pipe_in);
	if (r->pipe_out)
		kasync_pipe_close_write(r->pipe_out);
	memset(r, 0, sizeof(*r));
}

static void prog_write(void *arg, int fd, const void *buf, size_t len);

/* io.write_wait of a program writing into a pipe: its CPU. Errors
 * (stderr) go as io.write says, unless 2>&1 sends them down the pipe. */
static uint16_t prog_write_pipe(void *arg, int fd, const void *buf, size_t len, size_t *out_n,
				const struct kasync_waker *waker)
{
	struct job *j = arg;
	if (fd == 2 && !j->redir.err_to_out) {
		if (len)
			prog_write(arg, fd, buf, len);
		*out_n = len;
		return 0;
	}
	int e = kasync_pipe_write(j->redir.pipe_out, buf, len, out_n, waker);
	return e == ERR_AGAIN ? WASI_EAGAIN : e == ERR_CLOSED ? WASI_EPIPE : 0;
}

/* io.read of a program reading a pipe: its CPU. */
static uint16_t prog_read_pipe(void *arg, void *buf, size_t len, size_t *out_n,
			       const struct kasync_waker *waker)
{
	struct job *j = arg;
	return kasync_pipe_read(j->redir.pipe_in, buf, len, out_n, waker) ? WASI_EAGAIN : 0;
}

/* io.write of a program with redirects: its CPU. */
static void prog_write(void *arg, int fd, const void *buf, size_t len)
{
	struct job *j = arg;
	struct vfs_file *f = fd != 2		   ? j->redir.out
			     : j->redir.err_to_out ? j->redir.out
						   : j->redir.err;
	size_t n;
	if (f)
		(void)vfs_write(f, buf, len, &n); /* a full disk loses the rest */
	else
		console_write(buf, len);
}

/* io.read of a program whose stdin is a file: its CPU. */
static uint16_t prog_read_file(void *arg, void *buf, size_t len, size_t *out_n,
			       const struct kasync_waker *waker)
{
	struct job *j = arg;
	size_t n = 0;
	(void)waker; /* a file never makes it wait */
	if (len && vfs_read(j->redir.in, buf, len, &n))
		return WASI_EIO;
	*out_n = n;
	return 0;
}

void shell_jobs_stdin_push(const char *s, size_t len)
{
	struct job *j = fg_job();
	if (!j || !j->prog)
		return;
	bool irq = spin_lock(&j->stdin_lock);
	for (; len && j->in_len < STDIN_MAX; len--, j->in_len++)
		j->in[(j->in_head + j->in_len) % STDIN_MAX] = *s++;
	stdin_wake(j, irq);
}

void shell_jobs_stdin_eof(void)
{
	struct job *j = fg_job();
	if (!j || !j->prog)
		return;
	bool irq = spin_lock(&j->stdin_lock);
	j->in_eof = true;
	stdin_wake(j, irq);
}

/* ---- completion ---- */

/* The job is over and gone: tell, or keep the notice for the next prompt. */
/* What the foreground programs left unread of the lines typed for them:
 * the shell runs it as typeahead (shell_jobs_take_unread). */
static char unread[STDIN_MAX];
static size_t unread_len;

size_t shell_jobs_take_unread(char *buf, size_t cap)
{
	size_t n = unread_len < cap ? unread_len : cap;
	memcpy(buf, unread, n);
	memmove(unread, unread + n, unread_len - n);
	unread_len -= n;
	return n;
}

static void job_done(struct job *j)
{
	/* the program is gone: no lock needed for its stdin queue now */
	for (; j->in_len && unread_len < sizeof(unread); j->in_len--) {
		unread[unread_len++] = j->in[j->in_head];
		j->in_head = (j->in_head + 1) % STDIN_MAX;
	}
	if (j->redir.write_err)
		kprintf("%s: write error: %s\n", j->name, err_text(j->redir.write_err));
	shell_redirs_close(&j->redir);
	j->state = JOB_ENDED;
	if (j->fg) {
		if (j->seq > fg_last_seq) {
			fg_last = j->stopping && !j->status ? SHELL_WORK_STOPPED : j->status;
			fg_last_seq = j->seq;
		}
		fg_last_stopped |= j->stopping;
		/* the console showed it all; only a status worth telling */
		if (j->status && !j->stopping)
			kprintf("[exit status %d]\n", j->status);
		j->state = JOB_FREE;
	}
}

/* The job's join ended: keep what to say about it, free the rest. */
static void job_end(struct job *j, int err, const union job_out *out)
{
	const char *trap = NULL;
	if (j->timed)
		kasync_sleep_drop(&j->timer);
	if (j->cap_owner) /* before the task can go and its address be reused */
		console_capture_clear(j->cap_owner);
	j->cap_owner = NULL;
	kasync_join_drop(&j->jh);
	bool irq = spin_lock(&j->stdin_lock);
	struct kasync_waker w = j->in_waker; /* may hold the program's last reference: */
	j->in_waker = (struct kasync_waker){0};
	spin_unlock(&j->stdin_lock, irq);
	kasync_waker_drop(&w); /* dropped unlocked, as its dealloc calls prog_released */

	j->status = 0;
	if (!err && j->prog && j->fg)
		fg_cpu_us += out->proc.run_us;
	if (!err && j->prog) {
		j->status = out->proc.trap ? TRAP_STATUS : out->proc.code;
		trap = out->proc.trap ? wasm_trap_str(out->proc.trap) : NULL;
	} else if (!err) {
		j->status = out->status;
	}
	if (err && !j->stopping && j->fg)
		kprintf("[job cancelled]\n");
	if (err || j->stopping)
		fmt_snprintf(j->notice, sizeof(j->notice), "[%d] Killed %s", job_num(j), j->name);
	else if (trap)
		fmt_snprintf(j->notice, sizeof(j->notice), "[%d] Trap (%s) %s", job_num(j), trap,
			     j->name);
	else if (j->status)
		fmt_snprintf(j->notice, sizeof(j->notice), "[%d] Exit %d %s", job_num(j), j->status,
			     j->name);
	else
		fmt_snprintf(j->notice, sizeof(j->notice), "[%d] Done %s", job_num(j), j->name);
	j->state = j->prog ? JOB_REAPING : JOB_ENDED;
	if (!j->prog)
		job_done(j);
}

/* io.released of a program: any CPU. */
static void prog_released(void *arg)
{
	struct job *j = arg;
	bool irq = spin_lock(&j->stdin_lock);
	struct kasync_waker w = j->reap_waker;
	j->reap_waker = (struct kasync_waker){0};
	j->released = true;
	spin_unlock(&j->stdin_lock, irq);
	if (kasync_waker_is_set(&w))
		kasync_waker_wake(&w);
}

/* Whether a reaping program is gone; if not, the shell is woken when it is. */
static bool reaped(struct job *j, struct kasync_cx *cx)
{
	bool irq = spin_lock(&j->stdin_lock);
	bool gone = j->released;
	if (!gone && !kasync_waker_will_wake(&j->reap_waker, &cx->waker)) {
		kasync_waker_drop(&j->reap_waker);
		j->reap_waker = kasync_waker_clone(&cx->waker);
	}
	spin_unlock(&j->stdin_lock, irq);
	return gone;
}

static void (*fg_end_fn)(void *arg); /* shell_jobs_on_fg_end's */
static void *fg_end_arg;

int shell_jobs_on_fg_end(void (*fn)(void *arg), void *arg)
{
	if (fg_end_fn)
		return ERR_BUSY;
	fg_end_fn = fn;
	fg_end_arg = arg;
	return 0;
}

bool shell_jobs_poll(struct kasync_cx *cx)
{
	bool wait = false, fg_left = false;
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		union job_out out;
		int err = 0;
		if (j->state == JOB_RUNNING) {
			if (j->timed && !j->stopping &&
			    kasync_sleep_poll(&j->timer, cx) == KASYNC_READY)
				job_stop(j);
			if (kasync_join_poll(&j->jh, cx, &out, &err) == KASYNC_READY)
				job_end(j, err, &out);
		}
		if (j->state == JOB_REAPING && reaped(j, cx))
			job_done(j);
		if (j->state == JOB_RUNNING || j->state == JOB_REAPING) {
			wait |= j->fg || j->waited;
			fg_left |= j->fg;
		}
	}
	if (fg_end_fn && !fg_left) {
		void (*fn)(void *arg) = fg_end_fn;
		fg_end_fn = NULL;
		fn(fg_end_arg);
	}
	return wait;
}

int shell_jobs_interrupt(void)
{
	int first = 0;
	for (size_t i = 0; i < njobs; i++) /* the whole pipeline */
		if (jobs[i].state == JOB_RUNNING && jobs[i].fg) {
			job_stop(&jobs[i]);
			if (!first)
				first = job_num(&jobs[i]);
		}
	return first;
}

void shell_jobs_report(void)
{
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].state == JOB_ENDED) {
			kprintf("%s\n", jobs[i].notice);
			jobs[i].state = JOB_FREE;
		}
}

/* ---- run ---- */

static void print_load_error(const char *path, int err, const struct wasm_error *we)
{
	switch (err) {
	case ERR_MALFORMED:
		kprintf("run: %s: malformed module: %s\n", path, we->msg);
		break;
	case ERR_INVALID:
		kprintf("run: %s: invalid module: %s\n", path, we->msg);
		break;
	case ERR_LINK:
		kprintf("run: %s: cannot link: %s\n", path, we->msg);
		break;
	case ERR_NOENT:
		kprintf("run: %s: not a WASI command (no _start export)\n", path);
		break;
	case ERR_NOMEM:
		kprintf("run: %s: not enough memory%s%s%s\n", path, we->msg[0] ? " (" : "", we->msg,
			we->msg[0] ? ")" : "");
		break;
	case ERR_UNSUPP:
		kprintf("run: %s: not a WASI command: %s\n", path, we->msg);
		break;
	case ERR_BUSY:
		kprintf("run: %s: too many open files\n", path);
		break;
	default:
		kprintf("run: %s: %s\n", path, err_text(err));
	}
}

/* The line a job shows: its words, joined, shortened to fit. */
static void job_title(int argc, char **argv, char *out, size_t size)
{
	size_t n = 0;
	out[0] = 0;
	for (int i = 0; i < argc && n + 1 < size; i++)
		n += (size_t)fmt_snprintf(out + n, size - n, "%s%s", i ? " " : "", argv[i]);
}

int shell_jobs_run_program(int argc, char **argv, bool background, const struct shell_run_opts *o)
{
	char title[JOB_NAME_MAX];
	struct wasm_error we = {0};
	struct launch_file f;
	struct kasync_join jh;

	if (!argv[0][0]) {
		kprintf("run: the program name is empty\n");
		return 127;
	}
	int err = launch_open(argv[0], &f);
	if (err == ERR_RANGE)
		kprintf("run: %s: file too large (at most %u MiB)\n", argv[0],
			LAUNCH_FILE_MAX >> 20);
	else if (err == ERR_NOMEM)
		kprintf("run: %s: not enough memory to read it\n", argv[0]);
	else if (err)
		kprintf("run: %s: %s\n", argv[0], err_text(err));
	if (err)
		return err == ERR_NOENT ? 127 : 126;
	job_title(argc, argv, title, sizeof(title));
	struct job *j = job_alloc(title, !background);
	if (!j) {
		launch_close(&f);
		kprintf("run: %s: too many background jobs (at most %u, set by the jobs= boot "
			"argument): wait for one or kill it\n",
			argv[0], bg_max);
		return 1;
	}
	struct shell_redirs *r = shell_redirs_pending();
	j->redir = *r;
	memset(r, 0, sizeof(*r));
	j->console_in = !background && !j->redir.in && !j->redir.pipe_in;
	const struct wasm_proc_io io = {
		.arg = j,
		.write = j->redir.out || j->redir.err ? prog_write : NULL,
		.write_wait = j->redir.pipe_out ? prog_write_pipe : NULL,
		.read = j->redir.in	   ? prog_read_file
			: j->redir.pipe_in ? prog_read_pipe
			: background	   ? NULL
					   : stdin_read,
		.released = prog_released,
		.envc = o ? o->envc : 0,
		.envp = o ? o->envp : NULL,
		.root = o ? o->root : NULL,
		.interp = o && o->interp,
	};
	err = launch_start(&f, argc, (const char *const *)argv, &io, &we, &jh);
	if (err) {
		shell_redirs_close(&j->redir);
		j->state = JOB_FREE;
		print_load_error(f.path, err, &we);
		return err == ERR_BUSY ? 1 : 126;
	}
	j->prog = true;
	job_begin(j, &jh, cancel_stop);
	if (background)
		kprintf("[%d] %llu\n", job_num(j), (unsigned long long)j->id);
	return 0;
}

/* ---- jobs and kill ---- */

void shell_jobs_print(void)
{
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		if ((j->state == JOB_RUNNING || j->state == JOB_REAPING) && !j->fg)
			kprintf("[%d] %llu %s %s\n", job_num(j), (unsigned long long)j->id,
				j->state == JOB_RUNNING && !j->stopping ? "running" : "ending",
				j->name);
	}
}

/* A job by "%N" or by task id; NULL if it is none of ours. */
static struct job *job_lookup(const char *arg)
{
	bool by_num = arg[0] == '%';
	uint64_t v = 0;
	const char *s = arg + by_num;
	if (!*s)
		return NULL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		bool live = j->state == JOB_RUNNING || j->state == JOB_REAPING;
		if (live && (by_num ? (uint64_t)job_num(j) == v : j->id == v))
			return j;
	}
	return NULL;
}

int shell_jobs_kill(const char *spec)
{
	struct job *j = job_lookup(spec);
	if (!j)
		return ERR_NOENT;
	j->waited = true;
	job_stop(j);
	return 0;
}
