/*
 * shell_line.c - runs a command line: the language of lib/shell (lists of
 * pipelines joined by ; && || &, redirects, quotes, $NAME and $?, patterns)
 * over the shell's commands and jobs, and the working directory (cd, pwd).
 *
 * A line runs one pipeline at a time. A pipeline that starts a foreground
 * job ends the step: the shell task waits for the job (reading the
 * console meanwhile) and then calls shell_line_resume with its status,
 * which decides whether the next pipeline runs (&&, ||) and runs it. So a
 * line is a small state machine driven by the shell task's poll:
 *
 *   shell_line_run --> pipeline --> [fg job? wait --> shell_line_resume] --> ... --> done
 *
 * Redirects: the files are opened (from the working directory) before the
 * command runs; a program gets them as its stdin/stdout/stderr (io
 * callbacks, shell_jobs.c), a builtin's output is captured from its task
 * (console_capture_set), and a job it starts takes them over. Builtins
 * have one output: `2>` gives them an empty file.
 *
 * Pipes: a pipeline's commands run at once, as foreground jobs (a builtin
 * that does not wait runs to its end as it starts), joined by kasync pipes
 * of 64 KiB with backpressure (shell_jobs.c); the line resumes when all
 * have ended, with the last one's status.
 *
 * A builtin's standard input (the `<` file or the pipe before it) is read
 * by the filters that ask for it (shell_text.c: shell_work_start_input);
 * any other builtin after '|' ignores it, and the writer gets EPIPE once
 * that builtin is done.
 *
 * `time` and `trace record OPTIONS` before a pipeline apply to all of it:
 * they are taken off its first command, and what they do at its end is
 * done when the line goes on (line_continue). `trace record ... -c LIST`
 * puts LIST's pipelines in place of its own, and records them all.
 *
 * Invariant: everything here runs on the shell task.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "kasync/pipe.h"
#include "sched/sched.h"
#include "shell/sh_glob.h"
#include "shell/sh_parse.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "vfs/vfs.h"

#define WORDS_MAX 1024 /* words of one command, patterns expanded */

static struct {
	struct sh_line line;
	size_t next;	  /* the pipeline to run next */
	int status;	  /* $?: the last pipeline's */
	bool running;	  /* a line is being run */
	int last_builtin; /* a pipeline's status when its last command is a
			   * builtin that did not wait (else -1) */
	bool timed;	  /* `time PIPELINE`: report when it ends */
	bool recording;	  /* `trace record`: write the file once pipeline */
	size_t rec_last;  /* rec_last has ended (or been skipped) */
	uint64_t t0;	  /* when it started (ns) */
	uint64_t cpu0;	  /* shell_jobs_fg_cpu_us() then */
} ln;

static char cwd_path[VFS_PATH_MAX] = "/";
static struct vfs_file *cwd_dir; /* NULL: the root */

struct vfs_file *shell_cwd(void)
{
	return cwd_dir;
}

int shell_path_abs(const char *path, char *out)
{
	return sh_path_resolve(cwd_path, path, out, VFS_PATH_MAX);
}

int shell_cmd_cd(int argc, char **argv)
{
	char *path = malloc(VFS_PATH_MAX);
	struct vfs_file *d;
	int e;

	if (argc > 2) {
		free(path);
		kprintf("usage: cd [DIR]\n");
		return 2;
	}
	e = path ? shell_path_abs(argc > 1 ? argv[1] : "/", path) : ERR_NOMEM;
	if (!e)
		e = vfs_open(kvfs, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &d);
	if (e) {
		kprintf("cd: %s: %s\n", argc > 1 ? argv[1] : "/", err_text(e));
		free(path);
		return 1;
	}
	if (cwd_dir)
		vfs_close(cwd_dir);
	cwd_dir = d;
	memcpy(cwd_path, path, strlen(path) + 1);
	free(path);
	return 0;
}

int shell_cmd_pwd(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("%s\n", cwd_path);
	return 0;
}

/* ---- expansion ---- */

static const char *var_get(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return shell_env_get(name, len);
}

struct list_ctx {
	void (*each)(void *arg, const char *name, bool is_dir);
	void *arg;
	char name[VFS_NAME_MAX + 1];
};

static bool list_entry(void *arg, const struct vfs_dirent *e)
{
	struct list_ctx *c = arg;
	if ((e->namelen == 1 && e->name[0] == '.') ||
	    (e->namelen == 2 && e->name[0] == '.' && e->name[1] == '.') ||
	    e->namelen > VFS_NAME_MAX)
		return true;
	memcpy(c->name, e->name, e->namelen);
	c->name[e->namelen] = 0;
	c->each(c->arg, c->name, e->type == VFS_TYPE_DIR);
	return true;
}

int shell_list_dir(const char *dir, void (*each)(void *arg, const char *name, bool is_dir),
		   void *arg)
{
	struct list_ctx *c = malloc(sizeof(*c));
	struct vfs_file *f;
	int e = c ? vfs_open(kvfs, cwd_dir, dir, VFS_O_READ | VFS_O_DIRECTORY, &f) : ERR_NOMEM;

	if (!e) {
		c->each = each;
		c->arg = arg;
		e = vfs_readdir(f, 0, list_entry, c);
		vfs_close(f);
	}
	free(c);
	return e;
}

struct words {
	int n;
	char *v[WORDS_MAX + 1];
};

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	w->n = 0;
}

static int words_add(struct words *w, char *s)
{
	if (w->n == WORDS_MAX) {
		free(s);
		return ERR_RANGE;
	}
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return 0;
}

static int glob_list(void *ctx, const char *dir,
		     void (*each)(void *arg, const char *name, bool is_dir), void *arg)
{
	(void)ctx;
	return shell_list_dir(dir, each, arg);
}

/* Expands one cooked word into w: its patterns' matches, sorted, or the
 * word itself when nothing matches (as sh does). */
static int expand_word(const char *cooked, struct words *w)
{
	static const struct sh_dirs dirs = {glob_list, NULL};
	struct sh_vars v = {var_get, NULL, ln.status};
	char *arg, *pat, **paths;
	size_t n = 0;
	int e = sh_expand(cooked, &v, &arg, &pat);

	if (e)
		return e;
	if (pat) {
		e = sh_glob(pat, cwd_path, &dirs, &paths, &n);
		free(pat);
		if (e) {
			free(arg);
			return e;
		}
		for (size_t i = 0; i < n && !e; i++) {
			e = words_add(w, paths[i]);
			paths[i] = NULL;
		}
		sh_glob_free(paths, n);
	}
	if (n == 0)
		return words_add(w, arg);
	free(arg);
	return e;
}

/* ---- redirects ---- */

static struct shell_redirs redirs; /* of the command being started */

static int redir_open(const struct sh_redir *rd, struct vfs_file **f)
{
	static const uint32_t flags[] = {
		[SH_REDIR_IN] = VFS_O_READ,
		[SH_REDIR_OUT] = VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC,
		[SH_REDIR_APPEND] = VFS_O_WRITE | VFS_O_CREAT | VFS_O_APPEND,
		[SH_REDIR_ERR] = VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC,
		[SH_REDIR_ERR_APPEND] = VFS_O_WRITE | VFS_O_CREAT | VFS_O_APPEND,
	};
	struct sh_vars v = {var_get, NULL, ln.status};
	char *path, *pat;
	int e = sh_expand(rd->word, &v, &path, &pat);

	if (e)
		return e;
	free(pat); /* a file name is taken as it is */
	e = vfs_open(kvfs, cwd_dir, path, flags[rd->kind], f);
	if (e)
		kprintf("%s: %s\n", path, err_text(e));
	free(path);
	return e;
}

/* Opens cmd's redirects into `redirs`, in order (a later one wins). */
static int redirs_open(const struct sh_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const struct sh_redir *rd = &cmd->redirs[i];
		struct vfs_file *f = NULL;

		if (rd->kind == SH_REDIR_ERR_TO_OUT) {
			if (redirs.err)
				vfs_close(redirs.err);
			redirs.err = NULL;
			redirs.err_to_out = redirs.out != NULL || redirs.pipe_out != NULL;
			continue;
		}
		int e = redir_open(rd, &f);
		if (e)
			return e;
		/* a file wins over the pipe, which is closed at once (its other
		 * side sees the end, or that nobody reads) */
		if (rd->kind == SH_REDIR_IN && redirs.pipe_in) {
			kasync_pipe_close_read(redirs.pipe_in);
			redirs.pipe_in = NULL;
		} else if ((rd->kind == SH_REDIR_OUT || rd->kind == SH_REDIR_APPEND) &&
			   redirs.pipe_out) {
			kasync_pipe_close_write(redirs.pipe_out);
			redirs.pipe_out = NULL;
		}
		if (rd->kind == SH_REDIR_IN) {
			if (redirs.in)
				vfs_close(redirs.in);
			redirs.in = f;
		} else if (rd->kind == SH_REDIR_OUT || rd->kind == SH_REDIR_APPEND) {
			/* "2>&1 >f": errors stay where output was */
			if (redirs.err_to_out) {
				redirs.err = redirs.out;
				redirs.err_to_out = false;
			} else if (redirs.out) {
				vfs_close(redirs.out);
			}
			redirs.out = f;
		} else {
			if (redirs.err)
				vfs_close(redirs.err);
			redirs.err = f;
			redirs.err_to_out = false;
		}
	}
	return 0;
}

struct shell_redirs *shell_redirs_pending(void)
{
	return &redirs;
}

static void capture_sink(void *arg, const char *s, size_t n)
{
	struct shell_redirs *r = arg;
	size_t w = 0;
	if (!r->out) {
		/* into the pipe, past its size: the job's steps wait instead;
		 * a reader gone drops it, and so does a pipe at its bound
		 * (counted, said when the pipe is closed); a job took the
		 * pipe: it captures */
		if (r->pipe_out)
			(void)kasync_pipe_push(r->pipe_out, s, n);
		return;
	}
	int e = r->write_err ? 0 : vfs_write(r->out, s, n, &w);
	if (!r->write_err && (e || w != n))
		r->write_err = e ? e : ERR_NOSPC; /* the rest is lost */
}

bool shell_redirs_capture(const void *task, struct shell_redirs *r)
{
	if (!r->out && !r->pipe_out)
		return false;
	if (console_capture_set(task, capture_sink, r)) {
		kprintf("too many redirected commands at once: output on the console\n");
		return false;
	}
	return true;
}

/* ---- running ---- */

/* Runs one command; the pending redirects may already hold its pipes. */
static int run_command(const struct sh_cmd *cmd, bool background)
{
	struct words *w = calloc(1, sizeof(*w));
	int status = 2, e = w ? 0 : ERR_NOMEM;

	for (size_t i = 0; !e && i < cmd->nwords; i++)
		e = expand_word(cmd->words[i], w);
	if (e == ERR_RANGE)
		kprintf("too many words (at most %d, patterns expanded)\n", WORDS_MAX);
	else if (e)
		kprintf("%s\n", err_text(e));
	else if (!redirs_open(cmd))
		status = shell_run_argv(w->n, w->v, background);
	else
		status = 1;
	if (redirs.write_err) {
		kprintf("%s: write error: %s\n", w->v[0], err_text(redirs.write_err));
		if (status == 0)
			status = 1;
	}
	shell_redirs_close(&redirs); /* what no job took */
	if (w)
		words_free(w);
	free(w);
	return status;
}

/*
 * A pipeline: its pipes made first, then its commands started left to
 * right, each with the pipe before it as stdin and the one after it as
 * stdout. Its status is the last command's: a builtin's at once, a job's
 * when the line resumes (SHELL_STATUS_WAIT).
 */
static int run_pipeline(const struct sh_pipeline *p)
{
	struct kasync_pipe *pipes[SHELL_PIPE_MAX - 1] = {0};
	int status = 0;

	if (p->ncmds == 1)
		return run_command(&p->cmds[0], p->then == SH_THEN_BG);
	if (p->ncmds > SHELL_PIPE_MAX) {
		kprintf("too many commands in a pipeline (at most %d)\n", SHELL_PIPE_MAX);
		return 2;
	}
	for (size_t i = 0; i + 1 < p->ncmds; i++)
		if (kasync_pipe_create(SHELL_PIPE_BYTES, &pipes[i])) {
			kprintf("no memory for the pipeline\n");
			while (i--) {
				kasync_pipe_close_read(pipes[i]);
				kasync_pipe_close_write(pipes[i]);
			}
			return 1;
		}
	uint64_t jobs = 0;
	for (size_t i = 0; i < p->ncmds; i++) {
		redirs.pipe_in = i ? pipes[i - 1] : NULL;
		redirs.pipe_out = i + 1 < p->ncmds ? pipes[i] : NULL;
		jobs = shell_jobs_started();
		status = run_command(&p->cmds[i], p->then == SH_THEN_BG);
	}
	if (shell_jobs_started() == jobs) /* the last one ran to its end */
		ln.last_builtin = status == SHELL_STATUS_WAIT ? 0 : status;
	return shell_jobs_fg_busy() ? SHELL_STATUS_WAIT : ln.last_builtin;
}

/* `time` before a pipeline: taken off its first command (which keeps at
 * least one word); true if it was there. */
static bool take_time(struct sh_pipeline *p)
{
	struct sh_cmd *c = &p->cmds[0];
	if (c->nwords < 2 || strcmp(c->words[0], "time") != 0)
		return false;
	free(c->words[0]);
	memmove(c->words, c->words + 1, c->nwords * sizeof(*c->words)); /* its NULL too */
	c->nwords--;
	return true;
}

/* Pipeline i of the line replaced by the pipelines of `sub` (which gives
 * them up), the last taking its `then`. ERR_NOMEM (nothing changed). */
static int line_splice(size_t i, struct sh_line *sub)
{
	size_t n = ln.line.n, m = sub->n;
	struct sh_pipeline *np = malloc((n - 1 + m) * sizeof(*np)), *one = malloc(sizeof(*one));
	if (!np || !one) {
		free(np);
		free(one);
		return ERR_NOMEM;
	}
	sub->pipes[m - 1].then = ln.line.pipes[i].then;
	*one = ln.line.pipes[i];
	memcpy(np, ln.line.pipes, i * sizeof(*np));
	memcpy(np + i, sub->pipes, m * sizeof(*np));
	memcpy(np + i + m, ln.line.pipes + i + 1, (n - i - 1) * sizeof(*np));
	free(ln.line.pipes);
	free(sub->pipes);
	ln.line.pipes = np;
	ln.line.n = n - 1 + m;
	sh_line_free(&(struct sh_line){1, one});
	return 0;
}

/* The -c LIST of `trace record`, parsed: 0, or the status (said). */
static int record_list(const char *list, struct sh_line *sub)
{
	const char *msg;
	size_t at;

	if (sh_parse(list, sub, &msg, &at)) {
		kprintf("trace record: -c: syntax error: %s (column %zu)\n", msg, at + 1);
		return 2;
	}
	for (size_t k = 0; k < sub->n; k++)
		if (sub->pipes[k].then == SH_THEN_BG) {
			kprintf("trace record: -c: no & in what is recorded\n");
			sh_line_free(sub);
			return 2;
		}
	if (sub->n == 0) {
		kprintf("trace record: -c: nothing to run\n");
		return 2;
	}
	return 0;
}

/* `trace record OPTIONS [--]` before pipeline i: the recording started,
 * and those words taken off its first command, or the pipeline replaced
 * by a -c LIST (true); else false with *status the pipeline's (it does
 * not run). Not a record: true. */
static bool take_record(size_t i, int *status)
{
	struct sh_pipeline *p = &ln.line.pipes[i];
	struct sh_cmd *c = &p->cmds[0];
	struct sh_line sub = {0};
	const char *list = NULL;
	struct words *w;
	int taken = 0, e = 0;

	if (c->nwords < 2 || strcmp(c->words[0], "trace") != 0 ||
	    strcmp(c->words[1], "record") != 0)
		return true;
	w = calloc(1, sizeof(*w));
	for (size_t k = 0; w && k < c->nwords && !e; k++) {
		char *arg, *pat;
		e = sh_expand(c->words[k], &(struct sh_vars){var_get, NULL, ln.status}, &arg, &pat);
		if (!e) {
			free(pat); /* options are taken as they are; CMD's words later */
			e = words_add(w, arg);
		}
	}
	if (!w || e) {
		kprintf("%s\n", err_text(w ? e : ERR_NOMEM));
		*status = 1;
	} else {
		*status =
			shell_trace_record_check(w->n, w->v, p->then == SH_THEN_BG, &taken, &list);
	}
	if (*status == SHELL_TRACE_RECORDING && list && (e = record_list(list, &sub)) != 0)
		*status = e;
	if (*status == SHELL_TRACE_RECORDING && shell_trace_record_start(w->n, w->v))
		*status = 1;
	if (w)
		words_free(w);
	free(w);
	if (*status != SHELL_TRACE_RECORDING) {
		sh_line_free(&sub);
		return false;
	}
	ln.recording = true;
	ln.rec_last = i;
	if (sub.n) {
		if (line_splice(i, &sub)) {
			kprintf("%s\n", err_text(ERR_NOMEM));
			sh_line_free(&sub);
			*status = 1;
			return false; /* the recording ends at once */
		}
		ln.rec_last = i + sub.n - 1;
		return true;
	}
	for (int k = 0; k < taken; k++)
		free(c->words[k]);
	memmove(c->words, c->words + taken, (c->nwords - (size_t)taken + 1) * sizeof(*c->words));
	c->nwords -= (size_t)taken;
	return true;
}

static void time_report(void)
{
	uint64_t real = sched_now_ns() - ln.t0, cpu = shell_jobs_fg_cpu_us() - ln.cpu0;
	kprintf("time: %llu.%03llu s real, %llu.%03llu s on CPU (programs)\n",
		(unsigned long long)(real / 1000000000u),
		(unsigned long long)(real / 1000000u % 1000), (unsigned long long)(cpu / 1000000u),
		(unsigned long long)(cpu / 1000u % 1000));
	ln.timed = false;
}

/* Runs pipelines until one starts a foreground job or the line ends. */
static void line_continue(void)
{
	for (;;) {
		if (ln.recording && ln.next > ln.rec_last) { /* what it recorded has ended */
			ln.recording = false;
			if (shell_trace_record_end() && !ln.status)
				ln.status = 1;
		}
		if (ln.next >= ln.line.n)
			break;
		size_t i = ln.next++;
		enum sh_then prev = i ? ln.line.pipes[i - 1].then : SH_THEN_SEQ;

		if ((prev == SH_THEN_AND && ln.status) || (prev == SH_THEN_OR && !ln.status))
			continue; /* skipped: $? stays */
		ln.last_builtin = -1;
		ln.timed = take_time(&ln.line.pipes[i]);
		ln.t0 = sched_now_ns();
		ln.cpu0 = shell_jobs_fg_cpu_us();
		if (!take_record(i, &ln.status))
			ln.timed = false; /* not run: nothing to time */
		else
			ln.status = run_pipeline(&ln.line.pipes[i]);
		if (ln.status && ln.status != SHELL_STATUS_WAIT)
			kprintf("[exit status %d]\n", ln.status);
		if (ln.status == SHELL_STATUS_WAIT)
			return;
		if (ln.timed)
			time_report();
	}
	sh_line_free(&ln.line);
	ln.running = false;
}

void shell_line_run(const char *line)
{
	const char *msg;
	size_t at;
	int e;

	if (ln.running) /* not reached: the shell reads no line while one runs */
		return;
	e = sh_parse(line, &ln.line, &msg, &at);
	if (e) {
		kprintf("syntax error: %s (column %zu)\n", msg, at + 1);
		ln.status = 2;
		return;
	}
	ln.next = 0;
	ln.running = true;
	line_continue();
}

bool shell_line_running(void)
{
	return ln.running;
}

void shell_line_resume(int status, bool stopped)
{
	ln.status = ln.last_builtin >= 0 ? ln.last_builtin : status;
	if (ln.last_builtin > 0) /* a job tells its own */
		kprintf("[exit status %d]\n", ln.last_builtin);
	if (ln.timed)
		time_report();
	if (stopped) { /* Ctrl-C or timeout ends the whole line, as in sh */
		ln.next = ln.line.n;
		if (!ln.status)
			ln.status = SHELL_WORK_STOPPED;
	}
	line_continue();
}
