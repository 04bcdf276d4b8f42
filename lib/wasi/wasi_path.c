/*
 * wasi_path.c - the preview1 functions on paths relative to a directory fd:
 * path_open, path_filestat_get, path_create_directory,
 * path_remove_directory, path_unlink_file, path_rename.
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

/* Checks dir fd and path; on success the caller frees *out_path. */
static uint16_t dir_path(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t path,
			 uint32_t len, struct wasi_fd **out_dir, char **out_path)
{
	uint16_t e = dir_lookup(c, fd, out_dir);

	return e ? e : wasi_path_get(m, path, len, out_path);
}

uint32_t wasi_path_open(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t lookup,
			uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t rights_base,
			uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out)
{
	struct wasi_host_filestat st;
	struct wasi_fd *dir, *f;
	bool rd, wr;
	char *p = NULL;
	int64_t hfd;
	uint32_t fd;
	uint16_t e;

	if (!wasi_mem_ok(m, fd_out, 4))
		return WASI_EFAULT;
	if (oflags & ~0xfu || fdflags & ~0x1fu || lookup & ~1u)
		return WASI_EINVAL;
	e = dir_path(c, m, dirfd, path, path_len, &dir, &p);
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
	/* What was opened, not what was asked, decides read/write. */
	if (!rd)
		f->rights_base &= ~RIGHTS_READ;
	if (!wr)
		f->rights_base &= ~RIGHTS_WRITE;
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
	e = dir_path(c, m, dirfd, path, path_len, &dir, &p);
	if (e)
		return e;
	e = wasi_route_stat(c, dir->hfd, p, lookup & WASI_LOOKUP_SYMLINK_FOLLOW, &st);
	if (!e)
		wasi_filestat_put(m.base + out, &st);
	free(p);
	return e;
}

static uint32_t path_simple(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			    uint32_t len, enum wasi_dir_op op)
{
	struct wasi_fd *dir;
	char *p = NULL;
	uint16_t e;

	e = dir_path(c, m, dirfd, path, len, &dir, &p);
	if (e)
		return e;
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

	e = dir_path(c, m, dirfd, path, path_len, &dir, &p);
	if (e)
		return e;
	e = dir_path(c, m, new_dirfd, new_path, new_len, &new_dir, &q);
	if (!e)
		e = wasi_route_rename(c, dir->hfd, p, new_dir->hfd, q);
	free(p);
	free(q);
	return e;
}
