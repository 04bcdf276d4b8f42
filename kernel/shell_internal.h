/*
 * shell_internal.h - what the shell's command files share (shell.c runs
 * them; shell_fs.c holds ls, cat and echo, shell_trace.c `metrics`).
 */
#pragma once

#include "kasync/task.h"

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

/* shell_strerror - the errno-style text of an error ("No such file or directory"). */
const char *shell_strerror(int err);

int shell_cmd_metrics(int argc, char **argv);
int shell_cmd_ls(int argc, char **argv);
int shell_cmd_cat(int argc, char **argv);
int shell_cmd_echo(int argc, char **argv);
