/*
 * shell_jobs.h - the shell's jobs (shell_jobs.c): what runs while the shell
 * waits or goes on. Commands (shell_fs.c, shell_proc.c, shell_trace.c,
 * bench/kbench.c) start jobs through the first part; the shell task
 * (shell.c) drives them through the second. Jobs call no command: the
 * dependency goes from the commands to the jobs, never back.
 *
 * Invariant: everything here runs on the shell task (inside a command, or
 * in the shell's poll) unless its contract says otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/task.h"
#include "wasm/proc.h"

/*
 * The redirects of the command being started: the line runner opens them
 * (shell_line.c), and the job the command starts takes them over, with
 * their closing: a program gets them as fds 0, 1 and 2, a builtin's job
 * gets its output captured (console_capture_set). NULL: the console.
 */
struct vfs_file;
struct kasync_pipe;
struct shell_redirs {
	struct vfs_file *in, *out, *err;
	/* a pipeline's pipes: the reading end of the one before, the
	 * writing end of the one after (a file redirect wins over them) */
	struct kasync_pipe *pipe_in, *pipe_out;
	bool err_to_out; /* stderr goes to `out` (2>&1), or to pipe_out */
	int write_err;	 /* the first error writing a builtin's output to `out` */
};
/* shell_redirs_pending - those of the command being started (zeroed once
 * a job took them); shell_redirs_close - closes and zeroes. */
struct shell_redirs *shell_redirs_pending(void);
void shell_redirs_close(struct shell_redirs *r);

/* Commands in one pipeline, at most: the foreground jobs at once. */
#define SHELL_PIPE_MAX 8

/* ---- for commands: starting jobs ---- */

/*
 * shell_job_start - from inside a command: hands the shell the join handle
 * of a spawned task whose output is an int status. After the command
 * returns, the shell awaits it (reading the console meanwhile); Ctrl-C or
 * `timeout` calls stop(jh), after which the task must complete soon.
 * In the background if shell_jobs_set_builtin said so. ERR_BUSY if no job
 * slot is free (the caller still owns *jh).
 */
int shell_job_start(struct kasync_join *jh, void (*stop)(struct kasync_join *jh));

/* shell_jobs_set_builtin - the words of the builtin about to run, and
 * whether a job it starts runs in the background (its title); once it
 * returned, shell_jobs_announce prints such a job's "[N] ID". */
void shell_jobs_set_builtin(int argc, char **argv, bool background);
void shell_jobs_announce(void);

/*
 * shell_work_start - runs a builtin's long work as the foreground job: a
 * task calls step(arg) again and again until it returns a status (>= 0),
 * queueing itself behind the other ready tasks whenever it has run for
 * SHELL_WORK_SLICE_US, so the shell and the programs keep running; Ctrl-C
 * or `timeout` end it before its next step (status SHELL_WORK_STOPPED).
 * done(arg) is called exactly once, when the work ends, is stopped, or
 * cannot start (then ERR_NOMEM, ERR_BUSY). step runs in the task, on any
 * CPU: it must not block.
 */
#define SHELL_WORK_MORE	    (-1)
#define SHELL_WORK_STOPPED  130 /* 128 + SIGINT */
#define SHELL_WORK_SLICE_US 2000
int shell_work_start(const char *name, int (*step)(void *arg), void (*done)(void *arg), void *arg);

/*
 * shell_jobs_on_fg_end - from a command that started foreground jobs (its
 * shell_run_argv returned SHELL_STATUS_WAIT): calls fn(arg) on the shell
 * task once none of them runs any more (ended, stopped by Ctrl-C or
 * timeout), before the line goes on. One at a time: ERR_BUSY.
 */
int shell_jobs_on_fg_end(void (*fn)(void *arg), void *arg);

/* How to start a program: its environment and its root (all may be 0). */
struct shell_run_opts {
	uint32_t envc;
	const char *const *envp; /* "K=V", copied at the start */
	const char *root;	 /* the kvfs directory that is its "/" (NULL: /) */
	bool interp;		 /* interpreted, not compiled (run --interp) */
};

/*
 * shell_jobs_run_program - launches argv[0] (wasm/launch.h: a path, or
 * /bin/NAME[.wasm]) with argv and `o` (may be NULL) as a job; in the
 * foreground, the shell awaits it and gives it the console's input; in
 * the background, prints "[N] ID". Returns 0 once started, else prints why
 * and returns 127 (not found), 126 (found, cannot run) or 1 (no job slot,
 * no file handle, a root that cannot be opened).
 */
int shell_jobs_run_program(int argc, char **argv, bool background, const struct shell_run_opts *o);

/* shell_jobs_print - lists the background jobs: "[N] ID running|ending TITLE". */
void shell_jobs_print(void);

/*
 * shell_jobs_kill - stops the job `spec` ("%N": job number N, else a task
 * id) and makes the shell wait for it to end before its next prompt.
 * ERR_NOENT if it is none of the shell's jobs.
 */
int shell_jobs_kill(const char *spec);

/* ---- for the shell task ---- */

/* shell_jobs_init - the job table: max_background background jobs (the
 * jobs= boot argument) and one foreground job. ERR_NOMEM. */
int shell_jobs_init(uint32_t max_background);

/* shell_jobs_set_timeout - the next foreground job is stopped after ns (0: never). */
void shell_jobs_set_timeout(uint64_t ns);

/* shell_jobs_poll - advances every job (registering cx's waker with each);
 * true while the shell must wait: a foreground job, or one `kill` waits for. */
bool shell_jobs_poll(struct kasync_cx *cx);

/* shell_jobs_interrupt - Ctrl-C: stops the foreground job, if any, and
 * returns its number (0: none). */
int shell_jobs_interrupt(void);

/* shell_jobs_fg_busy - whether a foreground job runs (a pipeline has one
 * per command that is a program or a builtin that waits). */
bool shell_jobs_fg_busy(void);

/* shell_jobs_fg_cpu_us - the time on CPU of every foreground program that
 * ended so far (`time` takes the difference). */
uint64_t shell_jobs_fg_cpu_us(void);

/* shell_jobs_started - how many jobs have started so far (a counter). */
uint64_t shell_jobs_started(void);

/* shell_jobs_fg_last - the status of the foreground job started last
 * among those that ended (130 if Ctrl-C or timeout stopped it); *stopped:
 * whether any foreground job since the last time none ran was stopped. */
int shell_jobs_fg_last(bool *stopped);

/* shell_jobs_report - prints (and forgets) the notices of ended background jobs. */
void shell_jobs_report(void);

/* shell_jobs_stdin_open - whether a foreground program reads the console
 * (and its input has not been ended). */
bool shell_jobs_stdin_open(void);

/* shell_jobs_stdin_push / _eof - input for the foreground program; end of it. */
void shell_jobs_stdin_push(const char *s, size_t len);
void shell_jobs_stdin_eof(void);

/* shell_jobs_take_unread - takes up to cap bytes of the lines typed for
 * foreground programs that ended without reading them, for the shell to
 * run as typeahead; returns how many. */
size_t shell_jobs_take_unread(char *buf, size_t cap);
