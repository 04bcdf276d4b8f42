/*
 * shell_internal.h - what the shell's command files share (shell.c runs
 * them; shell_fs.c holds ls, cat and echo, shell_trace.c `metrics`,
 * shell_jobs.c the jobs: run, jobs, kill, ps).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/task.h"
#include "wasm/proc.h"

struct shell_command {
	const char *name;
	const char *help;
	/* runs in the shell task's poll: must not block */
	int (*fn)(int argc, char **argv);
};

/*
 * shell_job_start - from inside a command: hands the shell the join handle
 * of a spawned task whose output is an int status. After the command
 * returns, the shell awaits it (reading the console meanwhile); Ctrl-C or
 * `timeout` calls stop(jh), after which the task must complete soon.
 * ERR_BUSY if a job is already running (the caller still owns *jh).
 */
int shell_job_start(struct kasync_join *jh, void (*stop)(struct kasync_join *jh));

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

/* ---- jobs (shell_jobs.c) ---- */

/* shell_jobs_init - the job table: max_background background jobs (the
 * jobs= boot argument) and one foreground job. ERR_NOMEM. */
int shell_jobs_init(uint32_t max_background);

/* What a job's join gives: a builtin's task an int, a program its status. */
union shell_job_out {
	int status;
	struct wasm_proc_status proc;
};

/* shell_jobs_set_timeout - the next foreground job is stopped after ns (0: never). */
void shell_jobs_set_timeout(uint64_t ns);

/* shell_jobs_poll - advances every job (registering cx's waker with each);
 * true while the shell must wait: a foreground job, or one `kill` waits for. */
bool shell_jobs_poll(struct kasync_cx *cx);

/* shell_jobs_interrupt - Ctrl-C: stops the foreground job, if any, and
 * returns its number (0: none). */
int shell_jobs_interrupt(void);

/* shell_jobs_report - prints (and forgets) the notices of ended background jobs. */
void shell_jobs_report(void);

/* shell_jobs_stdin_open - whether a foreground program reads the console
 * (and its input has not been ended). */
bool shell_jobs_stdin_open(void);

/* shell_jobs_stdin_push / _eof - input for the foreground program; end of it. */
void shell_jobs_stdin_push(const char *s, size_t len);
void shell_jobs_stdin_eof(void);

/* shell_program_exists - whether NAME (a path, or /bin/NAME[.wasm]) is a file. */
bool shell_program_exists(const char *name);

/* shell_run_program - starts argv[0] (found as above) with argv; in the
 * foreground, the shell awaits it; in the background, prints "[N] ID".
 * Returns 0 once started, else prints why and returns 126/127. */
int shell_run_program(int argc, char **argv, bool background);

int shell_cmd_run(int argc, char **argv);
int shell_cmd_jobs(int argc, char **argv);
int shell_cmd_kill(int argc, char **argv);
int shell_cmd_ps(int argc, char **argv);

/* shell_strerror - the errno-style text of an error ("No such file or directory"). */
const char *shell_strerror(int err);

int shell_cmd_metrics(int argc, char **argv);
int shell_cmd_trace(int argc, char **argv);
int shell_cmd_ls(int argc, char **argv);
int shell_cmd_cat(int argc, char **argv);
int shell_cmd_echo(int argc, char **argv);
