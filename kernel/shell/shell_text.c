/*
 * shell_text.c - the shell's text filters: commands that read files, or
 * their standard input when given none (or "-"), as Unix's do:
 *
 *   cat [FILE...]               the inputs, one after the other;
 *                               trace_pipe alone: until Ctrl-C
 *   wc [-l|-w|-c] [FILE...]     lines, words and bytes of each (a total
 *                               after two or more)
 *   head [-n N | -N] [FILE...]  the first N lines of each (10)
 *
 * Each runs as a foreground job (shell_work_start_input) that reads one
 * chunk per step through one reader: a file from the working directory,
 * or the job's standard input (the `<` file, the pipe before it, or the
 * lines typed at the console until Ctrl-D). So `hello | wc`, `cat < f`
 * and `wc` typed alone work; a filter that stops early (head) ends its
 * job, which closes the pipe: the command before it is told that nobody
 * reads (EPIPE).
 *
 * Errors name the command and the path: "wc: /nope: No such file or
 * directory"; the others go on, and the status is 1.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "trace/ktrace.h"
#include "vfs/vfs.h"

#define TEXT_CHUNK 4096 /* bytes read per step */
#define HEAD_LINES 10

struct text_job;

/* What a filter does with its inputs. */
struct text_ops {
	const char *name;
	/* a chunk of the current input; false: it wants no more of it */
	bool (*chunk)(struct text_job *t, const char *buf, size_t n);
	/* the current input begins / ended (name NULL: the standard input
	 * given no file) */
	void (*begin)(struct text_job *t, const char *name);
	void (*end)(struct text_job *t, const char *name);
	void (*finish)(struct text_job *t); /* after the last input */
};

struct text_job {
	const struct text_ops *ops;
	int nfiles, next, status;
	char **files;	    /* none: the standard input alone */
	struct vfs_file *f; /* the file being read, or NULL */
	bool reading;	    /* an input is being read (f, or the standard input) */
	bool stdin_done;    /* the standard input was read to its end */
	/* wc */
	bool count_l, count_w, count_c, in_word;
	uint64_t lines, words, bytes, tl, tw, tc;
	/* head */
	uint64_t want, seen;
	char buf[TEXT_CHUNK];
};

/* The name of the input being read (NULL: the standard input, no file). */
static const char *current(const struct text_job *t)
{
	return t->nfiles ? t->files[t->next - 1] : NULL;
}

static void text_error(struct text_job *t, const char *path, int err)
{
	kprintf("%s: %s: %s\n", t->ops->name, path ? path : "-", err_text(err));
	t->status = 1;
}

/* Opens the next input; false when there is none. */
static bool text_open(struct text_job *t)
{
	struct vfs_stat st;

	if (t->next == (t->nfiles ? t->nfiles : 1))
		return false;
	t->next++;
	const char *path = current(t);
	if (path && strcmp(path, "-") != 0) {
		int err = vfs_stat(kvfs, shell_cwd(), path, &st);
		if (!err && st.type == VFS_TYPE_DIR)
			err = ERR_ISDIR;
		if (!err)
			err = vfs_open(kvfs, shell_cwd(), path, VFS_O_READ, &t->f);
		if (err) {
			text_error(t, path, err);
			return true;
		}
	}
	t->reading = true;
	if (t->ops->begin)
		t->ops->begin(t, path);
	return true;
}

static void text_close(struct text_job *t)
{
	if (t->f)
		vfs_close(t->f);
	t->f = NULL;
	t->reading = false;
	if (t->ops->end)
		t->ops->end(t, current(t));
}

static int text_step(void *arg, struct shell_input *in)
{
	struct text_job *t = arg;
	size_t n = 0;
	int err;

	if (!t->reading) {
		if (text_open(t))
			return SHELL_WORK_MORE;
		if (t->ops->finish)
			t->ops->finish(t);
		return t->status;
	}
	if (t->f) {
		err = vfs_read(t->f, t->buf, sizeof(t->buf), &n);
		if (err == ERR_AGAIN) /* a stream with nothing more now: its end */
			err = 0;
	} else if (t->stdin_done) { /* "-" again: at its end already */
		err = 0;
	} else {
		err = shell_input_read(in, t->buf, sizeof(t->buf), &n);
		if (err == ERR_AGAIN)
			return SHELL_WORK_WAIT;
		t->stdin_done = !err && !n;
	}
	if (!err && n && t->ops->chunk(t, t->buf, n))
		return SHELL_WORK_MORE;
	if (err)
		text_error(t, current(t), err);
	text_close(t);
	return SHELL_WORK_MORE;
}

static void text_done(void *arg)
{
	struct text_job *t = arg;
	if (t->f)
		vfs_close(t->f);
	free(t);
}

/* Starts filter `ops` on the words left (FILE...). */
static int text_start(const struct text_ops *ops, struct text_job *proto, int argc, char **argv)
{
	char **files;
	struct text_job *t = shell_state_with_words(sizeof(*t), argc, argv, &files);

	if (!t)
		return shell_started(ops->name, ERR_NOMEM);
	memcpy(t, proto, offsetof(struct text_job, buf));
	t->ops = ops;
	t->files = files;
	t->nfiles = argc;
	return shell_started(ops->name, shell_work_start_input(ops->name, text_step, text_done, t));
}

/* ---- cat ---- */

static bool cat_chunk(struct text_job *t, const char *buf, size_t n)
{
	(void)t;
	console_write(buf, n);
	return true;
}

static void sink_console(void *arg, const char *text, size_t len)
{
	(void)arg;
	console_write(text, len);
}

/* trace_pipe as a job: a reader task streams it until Ctrl-C or timeout. */
static int cat_pipe(void)
{
	struct kasync_join jh;
	int err = ktrace_reader_spawn(sink_console, NULL, &jh);
	if (err == 0 && (err = shell_job_start(&jh, ktrace_reader_stop)) != 0) {
		ktrace_reader_stop(&jh);
		kasync_join_drop(&jh);
	}
	return err;
}

/* Whether `st` is tracefs's trace_pipe. */
static bool is_trace_pipe(const struct vfs_stat *st)
{
	struct vfs_stat p;
	return vfs_stat(kvfs, NULL, KVFS_TRACEFS "/trace_pipe", &p) == 0 && p.dev == st->dev &&
	       p.ino == st->ino;
}

int shell_cmd_cat(int argc, char **argv)
{
	static const struct text_ops ops = {.name = "cat", .chunk = cat_chunk};
	struct text_job proto = {0};
	struct vfs_stat st;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		kprintf("usage: cat [FILE...]   (none, or -: the standard input)\n");
		return 2;
	}
	if (argc == 2 && vfs_stat(kvfs, shell_cwd(), argv[1], &st) == 0 &&
	    st.type == VFS_TYPE_CHAR && is_trace_pipe(&st)) {
		int err = cat_pipe();
		if (err)
			kprintf("cat: %s: %s\n", argv[1], err_text(err));
		return err ? 1 : 0;
	}
	return text_start(&ops, &proto, argc - 1, argv + 1);
}

/* ---- wc ---- */

static bool wc_chunk(struct text_job *t, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		bool space =
			c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
		t->lines += c == '\n';
		t->words += !space && !t->in_word;
		t->in_word = !space;
	}
	t->bytes += n;
	return true;
}

static void wc_begin(struct text_job *t, const char *name)
{
	(void)name;
	t->lines = t->words = t->bytes = 0;
	t->in_word = false;
}

static void wc_print(const struct text_job *t, uint64_t l, uint64_t w, uint64_t c, const char *name)
{
	char line[96];
	size_t n = 0;
	const uint64_t v[] = {l, w, c};
	const bool on[] = {t->count_l, t->count_w, t->count_c};

	for (size_t i = 0; i < 3; i++)
		if (on[i])
			n += (size_t)fmt_snprintf(line + n, sizeof(line) - n, "%s%7llu",
						  n ? " " : "", (unsigned long long)v[i]);
	kprintf("%s%s%s\n", line, name ? " " : "", name ? name : "");
}

static void wc_end(struct text_job *t, const char *name)
{
	wc_print(t, t->lines, t->words, t->bytes, name);
	t->tl += t->lines;
	t->tw += t->words;
	t->tc += t->bytes;
}

static void wc_finish(struct text_job *t)
{
	if (t->nfiles > 1)
		wc_print(t, t->tl, t->tw, t->tc, "total");
}

int shell_cmd_wc(int argc, char **argv)
{
	static const struct text_ops ops = {.name = "wc",
					    .chunk = wc_chunk,
					    .begin = wc_begin,
					    .end = wc_end,
					    .finish = wc_finish};
	struct text_job proto = {0};
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'l')
				proto.count_l = true;
			else if (*o == 'w')
				proto.count_w = true;
			else if (*o == 'c')
				proto.count_c = true;
			else {
				kprintf("usage: wc [-l] [-w] [-c] [FILE...]   (lines, words, "
					"bytes; none, or -: the standard input)\n");
				return 2;
			}
		}
	}
	if (!proto.count_l && !proto.count_w && !proto.count_c)
		proto.count_l = proto.count_w = proto.count_c = true;
	return text_start(&ops, &proto, argc - i, argv + i);
}

/* ---- head ---- */

static bool head_chunk(struct text_job *t, const char *buf, size_t n)
{
	size_t i = 0;
	while (i < n && t->seen < t->want)
		t->seen += buf[i++] == '\n';
	console_write(buf, i);
	return t->seen < t->want;
}

static void head_begin(struct text_job *t, const char *name)
{
	if (t->nfiles > 1)
		kprintf("%s==> %s <==\n", t->next > 1 ? "\n" : "",
			strcmp(name, "-") ? name : "standard input");
	t->seen = 0;
}

/* "N" as a count of lines, or false. */
static bool parse_count(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

int shell_cmd_head(int argc, char **argv)
{
	static const struct text_ops ops = {
		.name = "head", .chunk = head_chunk, .begin = head_begin};
	struct text_job proto = {.want = HEAD_LINES};
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
		if (!parse_count(argv[i + 1], &proto.want))
			goto usage;
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (!parse_count(argv[i] + 1, &proto.want))
			goto usage;
		i++;
	}
	if (!proto.want) /* nothing to print: no input is read */
		return 0;
	return text_start(&ops, &proto, argc - i, argv + i);
usage:
	kprintf("usage: head [-n N | -N] [FILE...]   (the first N lines, 10; none, or -: the "
		"standard input)\n");
	return 2;
}
