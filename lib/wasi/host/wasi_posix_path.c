/*
 * wasi_posix_path.c - sandboxed path resolution for the POSIX WASI host,
 * and the host operations that take a path.
 *
 *   root fd --openat(O_NOFOLLOW)--> a --> b        stack: [root, a, b]
 *   "..": pop (never below root: ENOTCAPABLE)
 *   symlink "l" -> "x/y": the rest of the path becomes "x/y/<rest>"
 *
 * Invariant: every fd on the stack is a directory reached from the root by
 * real, non-symlink entries, so the stack top is always inside the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/host/wasi_posix.h"
#include "wasi/host/wasi_posix_internal.h"

#define MAX_SYMLINKS 40

struct walk {
	int *stack; /* stack[0] is the root, not owned */
	size_t depth, cap;
};

static int walk_top(const struct walk *w)
{
	return w->stack[w->depth];
}

static uint16_t walk_push(struct walk *w, int fd)
{
	if (w->depth + 1 == w->cap) {
		int *s = realloc(w->stack, 2 * w->cap * sizeof(*s));

		if (!s) {
			close(fd);
			return WASI_ENOMEM;
		}
		w->stack = s;
		w->cap *= 2;
	}
	w->stack[++w->depth] = fd;
	return 0;
}

static void walk_free(struct walk *w)
{
	while (w->depth > 0)
		close(w->stack[w->depth--]);
	free(w->stack);
}

/* Replaces `rest` by target + "/" + tail, where tail starts at rest+off. */
static uint16_t splice_link(char **rest, size_t off, const char *target)
{
	size_t tl = strlen(target), rl = strlen(*rest + off);
	char *n;

	if (target[0] == '/')
		return WASI_ENOTCAPABLE;
	n = malloc(tl + 1 + rl + 1);
	if (!n)
		return WASI_ENOMEM;
	memcpy(n, target, tl);
	n[tl] = '/';
	memcpy(n + tl + 1, *rest + off, rl + 1);
	free(*rest);
	*rest = n;
	return 0;
}

/* If dir/name is a symlink, writes its target (NUL-terminated) and returns
 * true. */
static bool read_link(int dir, const char *name, char *buf, size_t cap)
{
	ssize_t n = readlinkat(dir, name, buf, cap - 1);

	if (n < 0 || (size_t)n >= cap - 1)
		return false;
	buf[n] = 0;
	return true;
}

uint16_t posix_resolve(int root, const char *path, bool follow_last, struct posix_resolved *out)
{
	struct walk w = {.cap = 8};
	char *rest = strdup(path), *link = malloc(PATH_MAX);
	size_t pos = 0, name = 0;
	unsigned links = 0;
	uint16_t e = WASI_ENOMEM;

	if (!wasi_path_contained(path, strlen(path))) {
		free(rest);
		free(link);
		return WASI_ENOTCAPABLE;
	}
	w.stack = malloc(w.cap * sizeof(*w.stack));
	if (!rest || !link || !w.stack)
		goto out;
	w.stack[0] = root;
	for (;;) {
		size_t start, end, next;
		bool last;
		int fd = -1, err = 0;

		while (rest[pos] == '/')
			pos++;
		start = end = pos;
		while (rest[end] && rest[end] != '/')
			end++;
		next = end;
		while (rest[next] == '/')
			next++;
		last = rest[next] == 0;
		if (end == start) {
			e = WASI_ENOENT;
			goto out;
		}
		rest[end] = 0;
		if (strcmp(rest + start, "..") == 0) {
			if (w.depth == 0) {
				e = WASI_ENOTCAPABLE;
				goto out;
			}
			close(w.stack[w.depth--]);
			if (last) { /* "a/..": the directory itself */
				rest[start + 1] = 0;
				name = start;
				break;
			}
		} else if (strcmp(rest + start, ".") == 0) {
			if (last) {
				name = start;
				break;
			}
		} else {
			if (!last) {
				fd = openat(walk_top(&w), rest + start,
					    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				err = errno;
			}
			if (fd >= 0) {
				e = walk_push(&w, fd);
				if (e)
					goto out;
			} else if ((!last || follow_last) &&
				   read_link(walk_top(&w), rest + start, link, PATH_MAX)) {
				if (++links > MAX_SYMLINKS) {
					e = WASI_ELOOP;
					goto out;
				}
				e = splice_link(&rest, next, link);
				if (e)
					goto out;
				pos = 0;
				continue;
			} else if (last) {
				name = start;
				break;
			} else {
				e = wasi_posix_errno(err);
				goto out;
			}
		}
		pos = next;
	}
	out->dir = fcntl(walk_top(&w), F_DUPFD_CLOEXEC, 0);
	if (out->dir < 0) {
		e = wasi_posix_errno(errno);
		goto out;
	}
	out->buf = rest;
	out->name = rest + name;
	rest = NULL;
	e = 0;
out:
	walk_free(&w);
	free(rest);
	free(link);
	return e;
}

void posix_resolved_free(struct posix_resolved *r)
{
	close(r->dir);
	free(r->buf);
}

uint16_t posix_open(void *arg, int64_t dir, const char *path, uint32_t oflags, uint32_t fdflags,
		    bool rd, bool wr, bool follow, int64_t *out_hfd)
{
	struct posix_resolved r;
	int flags = O_CLOEXEC | O_NOFOLLOW, fd;
	uint16_t e;

	(void)arg;
	flags |= rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
	if (oflags & WASI_OFLAG_CREAT)
		flags |= O_CREAT;
	if (oflags & WASI_OFLAG_EXCL)
		flags |= O_EXCL;
	if (oflags & WASI_OFLAG_TRUNC)
		flags |= O_TRUNC;
	if (oflags & WASI_OFLAG_DIRECTORY)
		flags |= O_DIRECTORY;
	if (fdflags & WASI_FDFLAG_APPEND)
		flags |= O_APPEND;
	if (fdflags & WASI_FDFLAG_NONBLOCK)
		flags |= O_NONBLOCK;
	if (fdflags & WASI_FDFLAG_DSYNC)
		flags |= O_DSYNC;
	if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC))
		flags |= O_SYNC;
	/* "dir/" must name a directory */
	if (path[0] && path[strlen(path) - 1] == '/')
		flags |= O_DIRECTORY;
	e = posix_resolve((int)dir, path, follow, &r);
	if (e)
		return e;
	fd = openat(r.dir, r.name, flags, 0666);
	e = fd < 0 ? wasi_posix_errno(errno) : 0;
	posix_resolved_free(&r);
	if (!e)
		*out_hfd = fd;
	return e;
}

uint16_t posix_stat(void *arg, int64_t dir, const char *path, bool follow,
		    struct wasi_host_filestat *out)
{
	struct posix_resolved r;
	struct stat st;
	uint16_t e;

	(void)arg;
	e = posix_resolve((int)dir, path, follow, &r);
	if (e)
		return e;
	if (fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW))
		e = wasi_posix_errno(errno);
	else
		posix_filestat(&st, out);
	posix_resolved_free(&r);
	return e;
}

enum dir_op { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static uint16_t dir_op(int64_t dir, const char *path, enum dir_op op)
{
	struct posix_resolved r;
	int rc = -1;
	uint16_t e;

	e = posix_resolve((int)dir, path, false, &r);
	if (e)
		return e;
	switch (op) {
	case OP_MKDIR:
		rc = mkdirat(r.dir, r.name, 0777);
		break;
	case OP_RMDIR:
		rc = unlinkat(r.dir, r.name, AT_REMOVEDIR);
		break;
	case OP_UNLINK:
		rc = unlinkat(r.dir, r.name, 0);
		break;
	}
	e = rc ? wasi_posix_errno(errno) : 0;
	posix_resolved_free(&r);
	return e;
}

uint16_t posix_mkdir(void *arg, int64_t dir, const char *path)
{
	(void)arg;
	return dir_op(dir, path, OP_MKDIR);
}

uint16_t posix_rmdir(void *arg, int64_t dir, const char *path)
{
	(void)arg;
	return dir_op(dir, path, OP_RMDIR);
}

uint16_t posix_unlink(void *arg, int64_t dir, const char *path)
{
	(void)arg;
	return dir_op(dir, path, OP_UNLINK);
}

uint16_t posix_rename(void *arg, int64_t dir, const char *path, int64_t new_dir,
		      const char *new_path)
{
	struct posix_resolved a, b;
	uint16_t e;

	(void)arg;
	e = posix_resolve((int)dir, path, false, &a);
	if (e)
		return e;
	e = posix_resolve((int)new_dir, new_path, false, &b);
	if (e) {
		posix_resolved_free(&a);
		return e;
	}
	if (renameat(a.dir, a.name, b.dir, b.name))
		e = wasi_posix_errno(errno);
	posix_resolved_free(&a);
	posix_resolved_free(&b);
	return e;
}

static uint8_t dirent_type(unsigned char t)
{
	switch (t) {
	case DT_BLK:
		return WASI_FILETYPE_BLOCK_DEVICE;
	case DT_CHR:
		return WASI_FILETYPE_CHARACTER_DEVICE;
	case DT_DIR:
		return WASI_FILETYPE_DIRECTORY;
	case DT_REG:
		return WASI_FILETYPE_REGULAR_FILE;
	case DT_LNK:
		return WASI_FILETYPE_SYMBOLIC_LINK;
	case DT_SOCK:
		return WASI_FILETYPE_SOCKET_STREAM;
	default:
		return WASI_FILETYPE_UNKNOWN;
	}
}

/* Cookies are the directory stream positions (telldir), 0 the start; a
 * fresh stream on a dup of the fd is positioned with seekdir. */
uint16_t posix_readdir(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn, void *cb_arg)
{
	int fd = fcntl((int)hfd, F_DUPFD_CLOEXEC, 0);
	struct dirent *d;
	DIR *dir;

	(void)arg;
	if (fd < 0)
		return wasi_posix_errno(errno);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return wasi_posix_errno(errno);
	}
	rewinddir(dir);
	if (cookie)
		seekdir(dir, (long)cookie);
	for (;;) {
		struct wasi_host_dirent e;

		errno = 0;
		d = readdir(dir);
		if (!d)
			break;
		e = (struct wasi_host_dirent){
			.next = (uint64_t)telldir(dir),
			.ino = d->d_ino,
			.type = dirent_type(d->d_type),
			.namlen = (uint32_t)strlen(d->d_name),
			.name = d->d_name,
		};
		if (!fn(cb_arg, &e))
			break;
	}
	closedir(dir);
	return 0;
}
