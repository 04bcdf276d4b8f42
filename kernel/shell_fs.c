/*
 * shell_fs.c - the shell's file commands on the kernel's VFS (kvfs):
 *
 *   ls [PATH...]                directory listings ('/' marks directories)
 *   cat FILE...                 file contents; trace_pipe alone: a job until Ctrl-C
 *   echo [-n] WORDS [> | >> FILE]   print, or write (create/truncate, or append)
 *
 * The shell has no cd: relative paths are from the root (a cwd of "/").
 * Errors name the command and the path: "cat: /nope: No such file or directory".
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "console.h"
#include "fs/kvfs.h"
#include "ktrace.h"
#include "shell_internal.h"

#define CHUNK	   512
#define ECHO_MAX   1024
#define LS_COLUMNS 78
#define LS_BATCH   4096 /* bytes of names collected per readdir call */

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

static void ls_print(struct ls_batch *b, size_t *col)
{
	for (size_t off = 0; off < b->len;) {
		const char *name = b->text + off;
		size_t len = strlen(name);
		if (*col && *col + 2 + len > LS_COLUMNS) {
			kprintf("\n");
			*col = 0;
		}
		kprintf("%s%s", *col ? "  " : "", name);
		*col += (*col ? 2 : 0) + len;
		off += len + 1;
	}
}

static int ls_one(const char *path)
{
	struct vfs_file *d;
	struct vfs_stat st;
	size_t col = 0;
	int err = vfs_stat(kvfs, NULL, path, &st);
	if (!err && st.type != VFS_TYPE_DIR) {
		kprintf("%s\n", path);
		return 0;
	}
	struct ls_batch *b = malloc(sizeof(*b));
	if (!err)
		err = b ? vfs_open(kvfs, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &d) : ERR_NOMEM;
	if (err) {
		free(b);
		kprintf("ls: %s: %s\n", path, shell_strerror(err));
		return 1;
	}
	b->next = 0;
	do {
		b->len = 0;
		b->more = false;
		err = vfs_readdir(d, b->next, ls_take, b);
		ls_print(b, &col);
	} while (!err && b->more);
	if (col)
		kprintf("\n");
	vfs_close(d);
	free(b);
	if (err) {
		kprintf("ls: %s: %s\n", path, shell_strerror(err));
		return 1;
	}
	return 0;
}

int shell_cmd_ls(int argc, char **argv)
{
	int status = 0;
	if (argc == 1)
		return ls_one("/");
	for (int i = 1; i < argc; i++) {
		if (argc > 2)
			kprintf("%s%s:\n", i > 1 ? "\n" : "", argv[i]);
		if (ls_one(argv[i]))
			status = 1;
	}
	return status;
}

/* ---- cat ---- */

static void sink_console(void *arg, const char *text, size_t len)
{
	(void)arg;
	for (size_t i = 0; i < len; i += 256) /* kvprintf's buffer is 512 */
		kprintf("%.*s", (int)MIN(len - i, (size_t)256), text + i);
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

/* Prints a file to its end (a stream: until it has nothing more now). */
static int cat_file(const char *path)
{
	struct vfs_file *f;
	int err = vfs_open(kvfs, NULL, path, VFS_O_READ, &f);
	if (err)
		return err;
	char *buf = malloc(CHUNK);
	err = buf ? 0 : ERR_NOMEM;
	while (!err) {
		size_t n = 0;
		err = vfs_read(f, buf, CHUNK, &n);
		if (err == ERR_AGAIN)
			err = 0;
		else if (!err && n)
			sink_console(NULL, buf, n);
		if (err || n == 0)
			break;
	}
	free(buf);
	vfs_close(f);
	return err;
}

int shell_cmd_cat(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		kprintf("usage: cat FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct vfs_stat st;
		int err = vfs_stat(kvfs, NULL, argv[i], &st);
		if (!err && st.type == VFS_TYPE_DIR)
			err = ERR_ISDIR;
		else if (!err && argc == 2 && st.type == VFS_TYPE_CHAR && is_trace_pipe(&st))
			err = cat_pipe();
		else if (!err)
			err = cat_file(argv[i]);
		if (err) {
			kprintf("cat: %s: %s\n", argv[i], shell_strerror(err));
			status = 1;
		}
	}
	return status;
}

/* ---- echo ---- */

int shell_cmd_echo(int argc, char **argv)
{
	char text[ECHO_MAX];
	size_t len = 0, n = 0;
	int first = 1, words_end = argc;
	bool newline = true, trunc = true;
	const char *target = NULL;
	struct vfs_file *f;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		first = 2;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], ">") == 0 || strcmp(argv[i], ">>") == 0) {
			if (i + 2 != argc) {
				kprintf("echo: usage: echo [-n] WORDS... [> FILE | >> FILE]\n");
				return 2;
			}
			trunc = argv[i][1] == 0;
			target = argv[i + 1];
			words_end = i;
		}
	for (int i = first; i < words_end; i++) {
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
	if (!target) {
		kprintf("%.*s", (int)len, text);
		return 0;
	}
	uint32_t flags = VFS_O_WRITE | VFS_O_CREAT | (trunc ? VFS_O_TRUNC : VFS_O_APPEND);
	int err = vfs_open(kvfs, NULL, target, flags, &f);
	if (err) {
		kprintf("echo: %s: %s\n", target, shell_strerror(err));
		return 1;
	}
	err = vfs_write(f, text, len, &n);
	vfs_close(f);
	if (!err && n != len)
		err = ERR_NOSPC;
	if (err) {
		kprintf("echo: write error: %s\n", shell_strerror(err));
		return 1;
	}
	return 0;
}
