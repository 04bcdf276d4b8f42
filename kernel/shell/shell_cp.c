/*
 * shell_cp.c - the shell's tree commands on the kernel's VFS (kvfs):
 *
 *   cp [-r] SRC DST   copy a file, or with -r a directory tree, to DST
 *                     (which must not exist): e.g. a read-only initrd
 *                     folder into /tmp, fresh for a program's --root
 *   rm [-r] PATH...   remove files, or with -r directory trees
 *
 * Both run inside the command (no job): they are meant for small trees
 * (a test's folder), copying memory to memory. A tree deeper than
 * TREE_DEPTH_MAX is refused rather than recursed into on a task's stack.
 * Symbolic links are copied as links, never followed, and rm -r removes
 * a link, not what it points to.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "shell/sh_glob.h"
#include "shell/shell_internal.h"
#include "vfs/vfs.h"

#define TREE_DEPTH_MAX 16
#define COPY_CHUNK     4096

/* The names of a directory, "." and ".." left out: one allocation of
 * NUL-separated names. */
struct names {
	char *buf;
	size_t len, cap;
	bool failed;
};

/* shell_list_dir's callback: runs under the VFS lock, so it only copies. */
static void names_add(void *arg, const char *name, bool is_dir)
{
	struct names *n = arg;
	size_t len = strlen(name);

	(void)is_dir;
	if (n->failed)
		return;
	if (n->len + len + 1 > n->cap) {
		size_t cap = (n->cap ? n->cap * 2 : 256) + len + 1;
		char *b = realloc(n->buf, cap);

		if (!b) {
			n->failed = true;
			return;
		}
		n->buf = b;
		n->cap = cap;
	}
	memcpy(n->buf + n->len, name, len + 1);
	n->len += len + 1;
}

static int names_list(const char *dir, struct names *out)
{
	*out = (struct names){0};
	int e = shell_list_dir(dir, names_add, out);
	if (!e && out->failed)
		e = ERR_NOMEM;
	if (e)
		free(out->buf);
	return e;
}

static int copy_file(const char *src, const char *dst)
{
	struct vfs_file *in, *out;
	char *buf = malloc(COPY_CHUNK);
	int e = buf ? vfs_open(kvfs, shell_cwd(), src, VFS_O_READ, &in) : ERR_NOMEM;

	if (e) {
		free(buf);
		return e;
	}
	e = vfs_open(kvfs, shell_cwd(), dst, VFS_O_WRITE | VFS_O_CREAT | VFS_O_EXCL, &out);
	if (!e) {
		for (;;) {
			size_t n = 0, w = 0;

			e = vfs_read(in, buf, COPY_CHUNK, &n);
			if (e || n == 0)
				break;
			e = vfs_write(out, buf, n, &w);
			if (!e && w != n)
				e = ERR_NOSPC;
			if (e)
				break;
		}
		vfs_close(out);
	}
	vfs_close(in);
	free(buf);
	return e;
}

static int copy_link(const char *src, const char *dst)
{
	char *target = malloc(VFS_PATH_MAX + 1);
	size_t n = 0;
	int e = target ? vfs_readlink(kvfs, shell_cwd(), src, target, VFS_PATH_MAX, &n) : ERR_NOMEM;

	if (!e) {
		target[n] = 0;
		e = vfs_symlink(kvfs, shell_cwd(), target, dst);
	}
	free(target);
	return e;
}

/* Copies src to dst; *where is set to the path an error is about. */
static int copy_tree(const char *src, const char *dst, int depth, char *where, size_t wcap)
{
	struct vfs_stat st;
	struct names names;
	int e = vfs_lstat(kvfs, shell_cwd(), src, &st);

	if (!e && st.type == VFS_TYPE_LNK)
		e = copy_link(src, dst);
	else if (!e && st.type != VFS_TYPE_DIR)
		e = copy_file(src, dst);
	else if (!e && depth >= TREE_DEPTH_MAX)
		e = ERR_RANGE;
	else if (!e && !(e = vfs_mkdir(kvfs, shell_cwd(), dst)) && !(e = names_list(src, &names))) {
		for (size_t off = 0; off < names.len && !e; off += strlen(names.buf + off) + 1) {
			char *s = sh_path_join(src, names.buf + off, strlen(names.buf + off));
			char *d = sh_path_join(dst, names.buf + off, strlen(names.buf + off));

			e = s && d ? copy_tree(s, d, depth + 1, where, wcap) : ERR_NOMEM;
			free(s);
			free(d);
		}
		free(names.buf);
		return e;
	}
	if (e && !where[0]) {
		size_t n = strnlen(src, wcap - 1);

		memcpy(where, src, n);
		where[n] = 0;
	}
	return e;
}

static int remove_tree(const char *path, int depth)
{
	struct vfs_stat st;
	struct names names;
	int e = vfs_lstat(kvfs, shell_cwd(), path, &st);

	if (e || st.type != VFS_TYPE_DIR)
		return e ? e : vfs_unlink(kvfs, shell_cwd(), path);
	if (depth >= TREE_DEPTH_MAX)
		return ERR_RANGE;
	e = names_list(path, &names);
	if (e)
		return e;
	for (size_t off = 0; !e && off < names.len; off += strlen(names.buf + off) + 1) {
		char *p = sh_path_join(path, names.buf + off, strlen(names.buf + off));

		e = p ? remove_tree(p, depth + 1) : ERR_NOMEM;
		free(p);
	}
	free(names.buf);
	return e ? e : vfs_rmdir(kvfs, shell_cwd(), path);
}

int shell_cmd_cp(int argc, char **argv)
{
	bool rec = argc > 1 && strcmp(argv[1], "-r") == 0;
	char where[128] = "";
	struct vfs_stat st;

	if (argc != (rec ? 4 : 3)) {
		kprintf("usage: cp [-r] SRC DST   (DST must not exist)\n");
		return 2;
	}
	const char *src = argv[rec ? 2 : 1], *dst = argv[rec ? 3 : 2];
	int e = vfs_stat(kvfs, shell_cwd(), src, &st);
	if (!e && st.type == VFS_TYPE_DIR && !rec) {
		kprintf("cp: %s: a directory (use cp -r)\n", src);
		return 1;
	}
	if (e) {
		kprintf("cp: %s: %s\n", src, err_text(e));
		return 1;
	}
	e = copy_tree(src, dst, 0, where, sizeof(where));
	if (e) {
		kprintf("cp: %s: %s\n", where[0] ? where : dst, err_text(e));
		return 1;
	}
	return 0;
}

int shell_cmd_rm(int argc, char **argv)
{
	bool rec = argc > 1 && strcmp(argv[1], "-r") == 0;
	int status = 0;

	if (argc < (rec ? 3 : 2)) {
		kprintf("usage: rm [-r] PATH...\n");
		return 2;
	}
	for (int i = rec ? 2 : 1; i < argc; i++) {
		struct vfs_stat st;
		int e = vfs_lstat(kvfs, shell_cwd(), argv[i], &st);

		if (!e && st.type == VFS_TYPE_DIR && !rec)
			e = ERR_ISDIR;
		else if (!e)
			e = remove_tree(argv[i], 0);
		if (e) {
			kprintf("rm: %s: %s\n", argv[i], err_text(e));
			status = 1;
		}
	}
	return status;
}

/* ---- mkdir ---- */

/* Makes the directories of `path` that are missing, from the top down. */
static int mkdir_parents(char *path)
{
	struct vfs_stat st;
	int err = 0;

	if (!path[0])
		return ERR_NOENT;
	for (char *p = path + 1; !err; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = 0;
		err = vfs_mkdir(kvfs, shell_cwd(), path);
		if (err == ERR_EXIST && vfs_stat(kvfs, shell_cwd(), path, &st) == 0 &&
		    st.type == VFS_TYPE_DIR)
			err = 0;
		*p = c;
		if (!c)
			break;
	}
	return err;
}

int shell_cmd_mkdir(int argc, char **argv)
{
	bool parents = argc > 1 && strcmp(argv[1], "-p") == 0;
	int status = 0;

	if (argc < 2 + parents) {
		kprintf("usage: mkdir [-p] DIR...\n");
		return 2;
	}
	for (int i = 1 + parents; i < argc; i++) {
		int err = parents ? mkdir_parents(argv[i]) : vfs_mkdir(kvfs, shell_cwd(), argv[i]);
		if (err) {
			kprintf("mkdir: %s: %s\n", argv[i], err_str(err));
			status = 1;
		}
	}
	return status;
}
