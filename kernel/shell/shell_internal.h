/*
 * shell_internal.h - what the shell's files share: the command table's
 * entry and the commands (shell.c runs them; shell_fs.c holds ls and echo,
 * shell_text.c cat, wc and head, shell_proc.c run, ring, jobs, kill and ps,
 * shell_trace.c trace and metrics). Commands start jobs through
 * shell_jobs.h; the jobs call no command.
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
int shell_cmd_ring(int argc, char **argv);
int shell_cmd_jobs(int argc, char **argv);
int shell_cmd_kill(int argc, char **argv);
int shell_cmd_ps(int argc, char **argv);

/* shell_fs.c */
int shell_cmd_ls(int argc, char **argv);
int shell_cmd_echo(int argc, char **argv);

/*
 * shell_state_with_words - a job's state of `size` bytes, zeroed, with a
 * copy of the n words v after it (the line they came from is gone when the
 * job runs): *out points at the copies. NULL when out of memory; free()
 * frees it all.
 */
void *shell_state_with_words(size_t size, int n, char **v, char ***out);

/* shell_started - a command's status after starting its job: 0, or 1
 * with the error told ("cmd: error"). */
int shell_started(const char *cmd, int err);

/* shell_text.c */
int shell_cmd_cat(int argc, char **argv);
int shell_cmd_wc(int argc, char **argv);
int shell_cmd_head(int argc, char **argv);

/* shell_base64.c */
int shell_cmd_base64(int argc, char **argv);

/* shell_cp.c */
int shell_cmd_cp(int argc, char **argv);
int shell_cmd_rm(int argc, char **argv);
int shell_cmd_mkdir(int argc, char **argv);

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

/* shell_env_get - the value of the exported variable name[0..len), or NULL. */
const char *shell_env_get(const char *name, size_t len);

/* shell.c */

/* What shell_run_argv returns when it started a foreground job: the line
 * waits for its end (shell_line_resume) before it goes on. */
#define SHELL_STATUS_WAIT (-1)

/*
 * shell_run_argv - runs expanded words: leading K=V assignments, then a
 * builtin or a program (in the background if asked), with the pending
 * redirects (shell_redirs_pending). Returns the status, or
 * SHELL_STATUS_WAIT.
 */
int shell_run_argv(int argc, char **argv, bool background);

/* shell_line.c: the line runner and the working directory */
struct vfs_file;
void shell_line_run(const char *line);
bool shell_line_running(void);
/* shell_line_resume - the foreground job the line waited for ended with
 * `status`; `stopped`: by Ctrl-C or timeout (the rest of the line is
 * dropped). */
void shell_line_resume(int status, bool stopped);
/* shell_cwd - the working directory, as the base of the builtins' paths
 * (NULL: the root); shell_path_abs - path from it, made absolute in out
 * (VFS_PATH_MAX bytes): 0 or ERR_RANGE. */
struct vfs_file *shell_cwd(void);
int shell_path_abs(const char *path, char *out);
/* shell_redirs_capture - sends the output of `task` to r->out (console
 * capture; a write error is kept in r->write_err); false if r->out is
 * NULL or no capture is free (then said). r must stay until cleared. */
struct shell_redirs;
bool shell_redirs_capture(const void *task, struct shell_redirs *r);
/* shell_list_dir - calls each(arg, name, is_dir) for the entries of the
 * directory `dir` (absolute, or from the working directory) but "." and
 * "..", with the VFS lock held (each only copies); 0, vfs_open's or
 * vfs_readdir's errors, ERR_NOMEM. */
int shell_list_dir(const char *dir, void (*each)(void *arg, const char *name, bool is_dir),
		   void *arg);
int shell_cmd_cd(int argc, char **argv);
int shell_cmd_pwd(int argc, char **argv);

/* shell_trace.c */
int shell_cmd_metrics(int argc, char **argv);
int shell_cmd_trace(int argc, char **argv);

/*
 * shell_trace_record_check - `trace record OPTIONS [--]` at the head of a
 * pipeline (argv: its first command's words, expanded), in the foreground
 * only: SHELL_TRACE_RECORDING when it may start, with *taken the words that
 * are `trace record` and its options (the line runs the pipeline without
 * them) and *list its -c LIST (a word of argv) or NULL (then the line runs
 * LIST's pipelines in its place); else the status to end with, said
 * (usage, --help, a bad event). Nothing changes.
 */
#define SHELL_TRACE_RECORDING (-1)
int shell_trace_record_check(int argc, char **argv, bool background, int *taken, const char **list);

/* shell_trace_record_start - starts the recording argv asks for (checked
 * by shell_trace_record_check): 0, or 1 (said; nothing changed). The line
 * calls shell_trace_record_end when what it recorded has ended. */
int shell_trace_record_start(int argc, char **argv);

/* shell_trace_record_end - the recording, if one runs, goes to its file:
 * 0, or 1 (said). */
int shell_trace_record_end(void);

/* shell_trace_report.c: `trace report [-i FILE]` (argv[1] is "report") */
int shell_trace_report(int argc, char **argv);
