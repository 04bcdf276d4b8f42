/*
 * wasi_path.c - the preview1 functions on paths relative to a directory fd:
 * path_open, path_filestat_get, path_create_directory,
 * path_remove_directory, path_unlink_file, path_rename; the rights and
 * trailing-slash rules every path call shares (symlinks, links and times:
 * wasi_path_link.c).
 *
 * Sandboxing: wasi_path_get() rejects absolute paths and lexical `..`
 * escapes (wasi_path_contained) before the files host sees anything; the
 * files host applies the same rule to what it is given and, where it has
 * symlinks (POSIX), resolves them without leaving the directory handle.
 *
 * Invariant: the fd table changes only after the host open succeeded, and
 * nothing is opened unless a slot for it is free.
 */
#include <stdlib.h>
#include <string.h>

#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

/* Rights that need a readable or a writable host handle. */
#define RIGHTS_READ (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)
#define RIGHTS_WRITE                                                             \
	(WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_ALLOCATE | \
	 WASI_RIGHT_FD_FILESTAT_SET_SIZE)

/* The directory entry for `fd`: EBADF, or ENOTDIR for a non-directory. */
static uint16_t dir_lookup(struct wasi_ctx *c, uint32_t fd, struct wasi_fd **out)
{
	struct wasi_fd *f = wasi_fd_lookup(c, fd);

	if (!f)
		return WASI_EBADF;
	if (f->type != WASI_FILETYPE_DIRECTORY)
		return WASI_ENOTDIR;
	*out = f;
	return 0;
}

uint16_t wasi_dir_path(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t need,
		       uint32_t path, uint32_t len, struct wasi_fd **out_dir, char **out_path)
{
	uint16_t e = dir_lookup(c, fd, out_dir);

	if (e)
		return e;
	if (((*out_dir)->rights_base & need) != need)
		return WASI_ENOTCAPABLE;
	return wasi_path_get(m, path, len, out_path);
}

/* Cuts the trailing slashes of p (a checked guest path: relative, not
 * empty, so never all slashes). */
static void slash_cut(char *p)
{
	size_t k = strlen(p);

	while (k > 1 && p[k - 1] == '/')
		k--;
	p[k] = '\0';
}

uint16_t wasi_path_slash_rule(struct wasi_ctx *c, int64_t dir, const char *path,
			      enum wasi_slash_rule rule)
{
	struct wasi_host_filestat st;
	size_t n = strlen(path);
	char *p;
	uint16_t e;

	if (n == 0 || path[n - 1] != '/')
		return 0;
	p = malloc(n + 1);
	if (!p)
		return WASI_ENOMEM;
	memcpy(p, path, n + 1);
	slash_cut(p);
	/* "x/" names the directory x: what x/ would resolve to, links and all,
	 * except for a new name, where a link itself is in the way */
	e = wasi_route_stat(c, dir, p, rule != WASI_SLASH_NEW, &st);
	free(p);
	if (e)
		return e;
	switch (rule) {
	case WASI_SLASH_DIR:
		return st.type == WASI_FILETYPE_DIRECTORY ? 0 : WASI_ENOTDIR;
	case WASI_SLASH_UNLINK:
		return st.type == WASI_FILETYPE_DIRECTORY ? WASI_EISDIR : WASI_ENOTDIR;
	case WASI_SLASH_NEW:
		return st.type == WASI_FILETYPE_DIRECTORY ? WASI_EEXIST : WASI_ENOTDIR;
	}
	return WASI_EINVAL;
}

uint32_t wasi_path_open(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t lookup,
			uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t rights_base,
			uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out)
{
	struct wasi_host_filestat st;
	struct wasi_fd *dir, *f;
	uint64_t need;
	bool rd, wr;
	char *p = NULL;
	int64_t hfd;
	uint32_t fd;
	uint16_t e;

	if (!wasi_mem_ok(m, fd_out, 4))
		return WASI_EFAULT;
	if (oflags & ~0xfu || fdflags & ~0x1fu || lookup & ~1u)
		return WASI_EINVAL;
	need = WASI_RIGHT_PATH_OPEN;
	if (oflags & WASI_OFLAG_CREAT)
		need |= WASI_RIGHT_PATH_CREATE_FILE;
	if (oflags & WASI_OFLAG_TRUNC)
		need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
	e = wasi_dir_path(c, m, dirfd, need, path, path_len, &dir, &p);
	if (e)
		return e;
	/* A slot first, so that a full table opens nothing. */
	e = wasi_fd_reserve(c, &fd);
	if (e)
		goto out;
	dir = wasi_fd_lookup(c, dirfd); /* the table may have moved */
	rights_base &= dir->rights_inheriting;
	rights_inheriting &= dir->rights_inheriting;
	rd = (rights_base & RIGHTS_READ) != 0;
	wr = (rights_base & RIGHTS_WRITE) != 0;
	if (oflags & WASI_OFLAG_DIRECTORY)
		wr = false;
	if (!rd && !wr)
		rd = true; /* an fd for stat/fdstat only: open it readable */
	e = wasi_route_open(c, dir->hfd, p, oflags, fdflags, rd, wr,
			    lookup & WASI_LOOKUP_SYMLINK_FOLLOW, &hfd);
	if (e)
		goto out;
	e = wasi_route_fstat(c, hfd, &st);
	/* a directory is never open for writing: asking for it with
	 * O_DIRECTORY (opened read-only above) is EISDIR, as wasmtime */
	if (!e && oflags & WASI_OFLAG_DIRECTORY && rights_base & WASI_RIGHT_FD_WRITE)
		e = WASI_EISDIR;
	if (e) {
		wasi_route_close(c, hfd);
		goto out;
	}
	f = &c->fds[fd];
	*f = (struct wasi_fd){
		.used = true,
		.owned = true,
		.type = st.type,
		.flags = (uint16_t)fdflags,
		.rights_base = rights_base,
		.rights_inheriting = rights_inheriting,
		.hfd = hfd,
	};
	/* What was opened, not what was asked, decides read/write, and a
	 * directory has only directory rights (no seek: the testsuite) */
	if (!rd)
		f->rights_base &= ~RIGHTS_READ;
	if (!wr)
		f->rights_base &= ~RIGHTS_WRITE;
	f->rights_base &= st.type == WASI_FILETYPE_DIRECTORY ? WASI_RIGHTS_DIR : WASI_RIGHTS_FILE;
	wasi_store_u32(m, fd_out, fd);
out:
	free(p);
	return e;
}

uint32_t wasi_path_filestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				uint32_t lookup, uint32_t path, uint32_t path_len, uint32_t out)
{
	struct wasi_host_filestat st;
	struct wasi_fd *dir;
	char *p = NULL;
	uint16_t e;

	if (!wasi_mem_ok(m, out, WASI_FILESTAT_SIZE))
		return WASI_EFAULT;
	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_FILESTAT_GET, path, path_len, &dir, &p);
	if (e)
		return e;
	e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_DIR);
	if (!e)
		e = wasi_route_stat(c, dir->hfd, p, lookup & WASI_LOOKUP_SYMLINK_FOLLOW, &st);
	if (!e)
		wasi_filestat_put(m.base + out, &st);
	free(p);
	return e;
}

static uint32_t path_simple(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			    uint32_t len, enum wasi_dir_op op)
{
	static const uint64_t need[] = {
		[WASI_DIR_MKDIR] = WASI_RIGHT_PATH_CREATE_DIRECTORY,
		[WASI_DIR_RMDIR] = WASI_RIGHT_PATH_REMOVE_DIRECTORY,
		[WASI_DIR_UNLINK] = WASI_RIGHT_PATH_UNLINK_FILE,
	};
	struct wasi_fd *dir;
	char *p = NULL;
	uint16_t e;

	e = wasi_dir_path(c, m, dirfd, need[op], path, len, &dir, &p);
	if (e)
		return e;
	/* unlink "file/" must not remove file: a slash names a directory */
	if (op == WASI_DIR_UNLINK)
		e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_UNLINK);
	if (!e)
		e = wasi_route_dir_op(c, op, dir->hfd, p);
	free(p);
	return e;
}

uint32_t wasi_path_create_directory(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				    uint32_t path, uint32_t path_len)
{
	return path_simple(c, m, dirfd, path, path_len, WASI_DIR_MKDIR);
}

uint32_t wasi_path_remove_directory(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				    uint32_t path, uint32_t path_len)
{
	return path_simple(c, m, dirfd, path, path_len, WASI_DIR_RMDIR);
}

uint32_t wasi_path_unlink_file(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			       uint32_t path_len)
{
	return path_simple(c, m, dirfd, path, path_len, WASI_DIR_UNLINK);
}

uint32_t wasi_path_rename(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			  uint32_t path_len, uint32_t new_dirfd, uint32_t new_path,
			  uint32_t new_len)
{
	struct wasi_fd *dir, *new_dir;
	char *p = NULL, *q = NULL;
	uint16_t e;

	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_RENAME_SOURCE, path, path_len, &dir, &p);
	if (e)
		return e;
	e = wasi_dir_path(c, m, new_dirfd, WASI_RIGHT_PATH_RENAME_TARGET, new_path, new_len,
			  &new_dir, &q);
	if (!e)
		e = wasi_route_rename(c, dir->hfd, p, new_dir->hfd, q);
	free(p);
	free(q);
	return e;
}
