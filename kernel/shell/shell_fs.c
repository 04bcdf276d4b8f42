/*
 * shell_fs.c - the shell's file commands on the kernel's VFS (kvfs):
 *
 *   ls [-l] [PATH...]           directory listings ('/' marks directories)
 *   echo [-n] WORDS [> | >> FILE]   print, or write (create/truncate, or append)
 *
 * ls runs as a foreground job (shell_work_start) that does one batch of
 * names per step, and lets the other tasks run between steps: a large
 * directory takes its time, but programs go on and Ctrl-C ends it at
 * once. (cat, wc and head: shell_text.c.) Relative paths are from the
 * shell's working directory. Errors name the command and the path:
 * "ls: /nope: No such file or directory".
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"

#define ECHO_MAX   1024
#define LS_COLUMNS 78
#define LS_BATCH   4096 /* bytes of names collected per readdir call */

/* ---- the words a job keeps ---- */

void *shell_state_with_words(size_t size, int n, char **v, char ***out)
{
	size_t head = (size + sizeof(char *) - 1) / sizeof(char *) * sizeof(char *);
	size_t bytes = head + (size_t)n * sizeof(char *);
	for (int i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	char *block = calloc(1, bytes);
	if (!block)
		return NULL;
	char **words = (char **)(block + head);
	char *p = (char *)(words + n);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		memcpy(p, v[i], len);
		words[i] = p;
		p += len;
	}
	*out = words;
	return block;
}

int shell_started(const char *cmd, int err)
{
	if (err)
		kprintf("%s: %s\n", cmd, err_text(err));
	return err ? 1 : 0;
}

/* ---- ls ---- */

struct ls_batch {
	char text[LS_BATCH]; /* "name\0" or "name/\0", one after another */
	size_t len;
	uint64_t next; /* cookie after the last entry taken */
	bool more;     /* stopped because text was full */
};

/* readdir callback (VFS lock held: copies only). */
static bool ls_take(void *arg, const struct vfs_dirent *e)
{
	struct ls_batch *b = arg;
	bool dot = (e->namelen == 1 && e->name[0] == '.') ||
		   (e->namelen == 2 && e->name[0] == '.' && e->name[1] == '.');
	if (!dot) {
		if (b->len + e->namelen + 2 > sizeof(b->text)) {
			b->more = true;
			return false;
		}
		memcpy(b->text + b->len, e->name, e->namelen);
		b->len += e->namelen;
		if (e->type == VFS_TYPE_DIR)
			b->text[b->len++] = '/';
		b->text[b->len++] = 0;
	}
	b->next = e->next;
	return true;
}

/* ls as a job: one path, or one batch of a directory, per step. */
struct ls_job {
	int npaths, next, status;
	char **paths;
	bool long_form;	      /* -l */
	struct vfs_file *dir; /* being listed, or NULL */
	size_t col;
	struct ls_batch b;
};

/* "YYYY-MM-DD HH:MM" of a time in ns since 1970 (UTC; the proleptic
 * Gregorian calendar, counted in 400-year eras of 146097 days). */
static void fmt_time(uint64_t ns, char *out, size_t size)
{
	uint64_t secs = ns / 1000000000u, days = secs / 86400, rem = secs % 86400;
	uint64_t z = days + 719468, era = z / 146097, doe = z % 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	uint64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	uint64_t y = yoe + era * 400 + (m <= 2);
	fmt_snprintf(out, size, "%04llu-%02llu-%02llu %02llu:%02llu", (unsigned long long)y,
		     (unsigned long long)m, (unsigned long long)d, (unsigned long long)(rem / 3600),
		     (unsigned long long)(rem / 60 % 60));
}

/* One line of ls -l: type, size, modification time, name. */
static void ls_long(struct vfs_file *dir, const char *name)
{
	static const char types[] = {[VFS_TYPE_DIR] = 'd',
				     [VFS_TYPE_REG] = '-',
				     [VFS_TYPE_CHAR] = 'c',
				     [VFS_TYPE_LNK] = 'l'};
	struct vfs_stat st;
	char when[32];
	int err = vfs_lstat(kvfs, dir, name, &st);

	if (err) {
		kprintf("? %10s %16s %s: %s\n", "", "", name, err_text(err));
		return;
	}
	fmt_time(st.mtim, when, sizeof(when));
	kprintf("%c %10llu %s %s%s\n",
		st.type < sizeof(types) && types[st.type] ? types[st.type] : '?',
		(unsigned long long)st.size, when, name, st.type == VFS_TYPE_DIR ? "/" : "");
}

static void ls_print(struct ls_job *l, struct ls_batch *b, size_t *col)
{
	for (size_t off = 0; off < b->len;) {
		char *name = b->text + off;
		size_t len = strlen(name);
		if (l->long_form) {
			bool dir = name[len - 1] == '/';
			name[len - 1] = dir ? 0 : name[len - 1]; /* ls_long adds it back */
			ls_long(l->dir, name);
			off += len + 1;
			continue;
		}
		if (*col && *col + 2 + len > LS_COLUMNS) {
			kprintf("\n");
			*col = 0;
		}
		kprintf("%s%s", *col ? "  " : "", name);
		*col += (*col ? 2 : 0) + len;
		off += len + 1;
	}
}

static void ls_error(struct ls_job *l, int err)
{
	kprintf("ls: %s: %s\n", l->paths[l->next - 1], err_text(err));
	l->status = 1;
}

/* Starts on the next path: prints a file's name, opens a directory. */
static void ls_begin(struct ls_job *l)
{
	const char *path = l->paths[l->next++];
	struct vfs_stat st;

	if (l->npaths > 1)
		kprintf("%s%s:\n", l->next > 1 ? "\n" : "", path);
	int err = vfs_stat(kvfs, shell_cwd(), path, &st);
	if (!err && st.type != VFS_TYPE_DIR) {
		if (l->long_form)
			ls_long(shell_cwd(), path);
		else
			kprintf("%s\n", path);
		return;
	}
	if (!err)
		err = vfs_open(kvfs, shell_cwd(), path, VFS_O_READ | VFS_O_DIRECTORY, &l->dir);
	if (err) {
		ls_error(l, err);
		return;
	}
	l->b.next = 0;
	l->col = 0;
}

static int ls_step(void *arg)
{
	struct ls_job *l = arg;

	if (!l->dir) {
		if (l->next == l->npaths)
			return l->status;
		ls_begin(l);
		return SHELL_WORK_MORE;
	}
	l->b.len = 0;
	l->b.more = false;
	int err = vfs_readdir(l->dir, l->b.next, ls_take, &l->b);
	ls_print(l, &l->b, &l->col);
	if (!err && l->b.more)
		return SHELL_WORK_MORE;
	if (l->col)
		kprintf("\n");
	vfs_close(l->dir);
	l->dir = NULL;
	if (err)
		ls_error(l, err);
	return SHELL_WORK_MORE;
}

static void ls_done(void *arg)
{
	struct ls_job *l = arg;
	if (l->dir)
		vfs_close(l->dir);
	free(l);
}

int shell_cmd_ls(int argc, char **argv)
{
	static char root[] = ".";
	char *dflt[] = {root};
	bool long_form = argc > 1 && strcmp(argv[1], "-l") == 0;
	if (long_form) {
		argc--;
		argv++;
	}
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		kprintf("usage: ls [-l] [PATH...]\n");
		return 2;
	}
	int n = argc > 1 ? argc - 1 : 1;
	char **paths;
	struct ls_job *l =
		shell_state_with_words(sizeof(*l), n, argc > 1 ? argv + 1 : dflt, &paths);

	if (!l)
		return shell_started("ls", ERR_NOMEM);
	l->paths = paths;
	l->npaths = n;
	l->long_form = long_form;
	return shell_started("ls", shell_work_start("ls", ls_step, ls_done, l));
}

/* ---- echo ---- */

int shell_cmd_echo(int argc, char **argv)
{
	char text[ECHO_MAX];
	size_t len = 0;
	int first = 1;
	bool newline = true;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		first = 2;
	}
	for (int i = first; i < argc; i++) {
		size_t w = strlen(argv[i]);
		if (len + w + 2 > sizeof(text)) {
			kprintf("echo: line too long\n");
			return 2;
		}
		if (i > first)
			text[len++] = ' ';
		memcpy(text + len, argv[i], w);
		len += w;
	}
	if (newline)
		text[len++] = '\n';
	console_write(text, len);
	return 0;
}
