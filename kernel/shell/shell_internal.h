/*
 * shell_internal.h - what the shell's files share: the command table's
 * entry and the commands (shell.c runs them; shell_fs.c holds ls, cat and
 * echo, shell_proc.c run, jobs, kill and ps, shell_trace.c trace and
 * metrics). Commands start jobs through shell_jobs.h; the jobs call no
 * command.
 */
#pragma once

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
int shell_cmd_jobs(int argc, char **argv);
int shell_cmd_kill(int argc, char **argv);
int shell_cmd_ps(int argc, char **argv);

/* shell_fs.c */
int shell_cmd_ls(int argc, char **argv);
int shell_cmd_cat(int argc, char **argv);
int shell_cmd_echo(int argc, char **argv);

/* shell_trace.c */
int shell_cmd_metrics(int argc, char **argv);
int shell_cmd_trace(int argc, char **argv);
