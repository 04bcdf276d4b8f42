/*
 * wasi_vfs.h - the WASI host services (struct wasi_host, wasm/wasi.h) over
 * the VFS: guests' file calls become vfs_* calls; clocks, randomness and
 * waiting come from a small platform struct the caller supplies (the
 * kernel: its timer, RNG and executor; tests: fakes).
 *
 *   wasi_fd_read(ctx, mem, fd, ...) --> ctx->fds[fd].hfd = 5
 *      --> host->read(w, 5, ...) --> w->files[5] --> vfs_read(file, ...)
 *
 * Host handles are indices into a table of open VFS files. A preopened
 * directory is made with wasi_vfs_preopen(w, "/", VFS_ACCESS_WRITE, &hfd)
 * and passed in wasi_config.preopens (e.g. as guest name "/"); stdio
 * handles are opened by the kernel with wasi_vfs_open (e.g. a synth
 * console file).
 *
 * Sandbox, in two layers: paths from the guest are relative to a directory
 * handle, and the host rejects absolute paths and any ".." that would
 * climb above that directory (WASI_ENOTCAPABLE) before the VFS sees them
 * (the VFS has no symlinks, so a path that stays lexically inside stays
 * inside); a directory handle must be a guest's (from wasi_vfs_preopen or
 * opened through one), so the VFS applies the guest policy of access.c
 * to every path (EACCES, EROFS). Errors are wasi_vfs_errno's.
 *
 * Concurrency: one wasi_vfs may serve several instances on several CPUs;
 * its handle table has its own spinlock. A handle is used by one instance
 * (one thread at a time) and is not closed while that instance uses it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfs/lock.h"
#include "vfs/vfs.h"
#include "wasi/wasi.h"

/*
 * Platform services; each returns 0 or a WASI errno, any may be NULL
 * (clock/random: ENOSYS; yield: 0 without yielding; wait: EAGAIN).
 * wait: until clock `clock_id` reads >= deadline_ns (if has_deadline) or
 * something else may be ready; 0 when the wait ended, WASI_EAGAIN if this
 * platform cannot wait here (the guest is then suspended by the engine).
 */
struct wasi_vfs_platform {
	void *arg;
	uint16_t (*clock_time)(void *arg, uint32_t id, uint64_t *out_ns);
	uint16_t (*clock_res)(void *arg, uint32_t id, uint64_t *out_ns);
	uint16_t (*random)(void *arg, void *buf, size_t len);
	uint16_t (*wait)(void *arg, bool has_deadline, uint32_t clock_id, uint64_t deadline_ns);
	uint16_t (*yield)(void *arg);
};

struct wasi_vfs {
	struct wasi_host host; /* host.arg is this struct */
	struct vfs *vfs;
	struct wasi_vfs_platform plat;
	struct vfs_lock lock; /* guards files and cap */
	struct vfs_file **files;
	uint32_t cap, max;
};

/*
 * wasi_vfs_init - an empty handle table over `vfs` (at most max_handles
 * open files; 0: 1024). *w must stay put while the host is in use
 * (host.arg points to it). Always succeeds (returns 0).
 */
int wasi_vfs_init(struct wasi_vfs *w, struct vfs *vfs, const struct wasi_vfs_platform *plat,
		  uint32_t max_handles);

/* wasi_vfs_destroy - closes every handle still open. */
void wasi_vfs_destroy(struct wasi_vfs *w);

/* wasi_vfs_host - the services to pass to wasi_ctx_init. */
static inline const struct wasi_host *wasi_vfs_host(struct wasi_vfs *w)
{
	return &w->host;
}

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
