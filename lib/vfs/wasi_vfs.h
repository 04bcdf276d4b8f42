/*
 * wasi_vfs.h - the WASI files interface (struct wasi_files,
 * wasi/wasi_files.h) over the VFS: guests' file calls become vfs_* calls.
 * It serves files only: clocks, randomness, waiting and stdio streams are
 * the environment's (wasi/wasi_env.h; the kernel's is
 * kernel/wasm/proc_host.c, tests bring fakes).
 *
 *   wasi_fd_read(ctx, mem, fd, ...) --> ctx->fds[fd].hfd = 5
 *      --> files->read(w, 5, ...) --> w->table[5] --> vfs_read(file, ...)
 *
 * Host handles are indices into a table of open VFS files. A preopened
 * directory is made with wasi_vfs_preopen(w, "/", VFS_ACCESS_WRITE, &hfd)
 * and passed in wasi_config.preopens (e.g. as guest name "/"); files the
 * kernel hands over (e.g. a synth console as stdio) are opened with
 * wasi_vfs_open.
 *
 * Sandbox, in two layers: paths from the guest are relative to a directory
 * handle, and the host rejects every path that fails wasi_path_contained
 * (absolute, or a ".." that would climb above that directory:
 * WASI_ENOTCAPABLE) before the VFS sees it (the VFS has no symlinks, so a
 * path that stays lexically inside stays inside); a directory handle must
 * be a guest's (from wasi_vfs_preopen or opened through one), so the VFS
 * applies the guest policy of access.c to every path (EACCES, EROFS).
 * Errors are wasi_vfs_errno's.
 *
 * Concurrency: one wasi_vfs may serve several instances on several CPUs;
 * its handle table has its own spinlock. A handle is used by one instance
 * (one thread at a time) and is not closed while that instance uses it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/spin.h"
#include "vfs/vfs.h"
#include "wasi/wasi.h"

struct wasi_vfs {
	struct wasi_files files; /* files.arg is this struct */
	struct vfs *vfs;
	struct spin lock;	 /* guards table and cap */
	struct vfs_file **table; /* by handle; NULL: free */
	uint32_t cap, max;
};

/*
 * wasi_vfs_init - an empty handle table over `vfs` (at most max_handles
 * open files; 0: 1024). *w must stay put while the host is in use
 * (files.arg points to it). Always succeeds (returns 0).
 */
int wasi_vfs_init(struct wasi_vfs *w, struct vfs *vfs, uint32_t max_handles);

/* wasi_vfs_destroy - closes every handle still open. */
void wasi_vfs_destroy(struct wasi_vfs *w);

/* wasi_vfs_files - the files host to pass to wasi_ctx_init. */
static inline const struct wasi_files *wasi_vfs_files(struct wasi_vfs *w)
{
	return &w->files;
}

/*
 * wasi_vfs_ready - whether handle `hfd` is ready to read (want_write:
 * write) now (vfs_file_ready); a handle that is not open is ready with
 * *out_hangup set. For an environment's poll that waits on VFS files; the
 * kernel's does not (its programs' files are always ready).
 */
bool wasi_vfs_ready(struct wasi_vfs *w, int64_t hfd, bool want_write, bool *out_hangup);

/*
 * wasi_vfs_open - opens the absolute VFS path (VFS_O_* flags) as the
 * kernel, as a new handle: for stdio and files the kernel hands over. It
 * cannot serve as a directory handle for guest paths (ENOTCAPABLE): use
 * wasi_vfs_preopen. Returns 0 or a WASI errno (EMFILE when the table is
 * full).
 */
uint16_t wasi_vfs_open(struct wasi_vfs *w, const char *path, uint32_t flags, int64_t *out_hfd);

/*
 * wasi_vfs_preopen - opens the directory at the absolute VFS path as a
 * guest's preopen with at most `limit` access (vfs_open_guest), as a new
 * handle. Returns 0 or a WASI errno (EACCES: a guest may not read it;
 * EMFILE when the table is full).
 */
uint16_t wasi_vfs_preopen(struct wasi_vfs *w, const char *path, enum vfs_access limit,
			  int64_t *out_hfd);

/* wasi_vfs_errno - the WASI errno for a VFS error (enum err): the table
 * of access.c (ERR_ACCES: EACCES, ERR_ROFS: EROFS, ERR_BADF: EBADF),
 * ERR_RANGE: ENAMETOOLONG, ERR_UNSUPP: ESPIPE, the rest as
 * wasi_errno_from_err. */
uint16_t wasi_vfs_errno(int err);
