/*
 * shell_internal.h - what the shell's files share: the command table's
 * entry and the commands (shell.c runs them; shell_fs.c holds ls, cat and
 * echo, shell_proc.c run, jobs, kill and ps, shell_trace.c trace and
 * metrics). Commands start jobs through shell_jobs.h; the jobs call no
 * command.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shell_command {
	const char *name;
	const char *help;
	/* runs in the shell task's poll: must not block */
	int (*fn)(int argc, char **argv);
};

/* The commands: each runs inside the shell task's poll and returns its
 * status (0, 1 failed, 2 bad usage); a command that waits starts a job. */

/* shell_proc.c */
int shell_cmd_run(int argc, char **argv);

/*
 * shell_run_words - starts the program of `run`'s words (after "run"):
 * [--root DIR | --no-root] PROG [ARG...], with the exported variables and the line's
 * leading assign[0..nassign) ("K=V", checked) as its environment, in the
 * background if asked. Returns the status to report (as run's).
 */
int shell_run_words(int argc, char **argv, bool background, int nassign, char **assign);
int shell_cmd_jobs(int argc, char **argv);
int shell_cmd_kill(int argc, char **argv);
int shell_cmd_ps(int argc, char **argv);

/* shell_fs.c */
int shell_cmd_ls(int argc, char **argv);
int shell_cmd_cat(int argc, char **argv);
int shell_cmd_echo(int argc, char **argv);

/* shell_cp.c */
int shell_cmd_cp(int argc, char **argv);
int shell_cmd_rm(int argc, char **argv);

/* shell_env.c */
int shell_cmd_export(int argc, char **argv);
int shell_cmd_env(int argc, char **argv);
int shell_cmd_unset(int argc, char **argv);

/* shell_env_name_len - the length of NAME in the word "NAME=VALUE" (a
 * letter or '_', then letters, digits or '_'), or 0 if it is none. */
size_t shell_env_name_len(const char *w);

/* shell_env_assign - exports each "K=V" of argv[0..argc) (checked);
 * returns a status (1: too many variables, no memory; message printed). */
int shell_env_assign(int argc, char **argv);

/*
 * shell_env_build - the environment of one program: the exported
 * variables not overridden by assign[0..nassign), then those (the last of
 * a name wins), NULL-ended; *out_n their count. The strings are borrowed
 * (valid until the next export/unset or the end of the line); the caller
 * frees the array. NULL: no memory.
 */
const char **shell_env_build(int nassign, char **assign, uint32_t *out_n);

/* shell_trace.c */
int shell_cmd_metrics(int argc, char **argv);
int shell_cmd_trace(int argc, char **argv);
