/*
 * wasi_route.c - the host handle of a guest fd goes to one of two places:
 * a stdio stream of the environment (WASI_ENV_STDIN/STDOUT/STDERR,
 * wasi/wasi_env.h) or the files host (wasi/wasi_files.h). Each
 * wasi_route_* function is one handle service, routed; the other files of
 * lib/wasi call these, never the interfaces' handle services directly.
 *
 * An environment stream is not a file: the file-only services answer for
 * it here (seek/pread/pwrite ESPIPE, a path relative to it ENOTDIR, fstat
 * a character device, get_flags none, set_flags ENOTSUP for any flag,
 * close and sync 0). A ctx without a files host has no files handles;
 * should one reach here, it is EBADF (ENOSYS for a path service), as for
 * a files host without the optional service.
 *
 * Invariant: env->trace (if set, and while *env->trace_on if that is set)
 * is told each traced service once, before it runs, whichever side serves
 * it (the kernel's wasm:hostcall events).
 */
#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

static inline void route_trace(const struct wasi_ctx *c, const char *service)
{
	const struct wasi_env *env = c->env;

	/* Relaxed: a tracing switch; a stale value only moves the first or
	 * last event by a call, as for any tracepoint. */
	if (env->trace &&
	    (!env->trace_on || atomic_load_explicit(env->trace_on, memory_order_relaxed)))
		env->trace(env->arg, service);
}

uint16_t wasi_route_read(struct wasi_ctx *c, int64_t hfd, void *buf, size_t len, size_t *out_n)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "read");
	if (wasi_env_is_stdio(hfd))
		return c->env->stdio_read ? c->env->stdio_read(c->env->arg, hfd, buf, len, out_n)
					  : WASI_EBADF;
	return fs ? fs->read(fs->arg, hfd, buf, len, out_n) : WASI_EBADF;
}

uint16_t wasi_route_write(struct wasi_ctx *c, int64_t hfd, const void *buf, size_t len,
			  size_t *out_n)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "write");
	if (wasi_env_is_stdio(hfd))
		return c->env->stdio_write ? c->env->stdio_write(c->env->arg, hfd, buf, len, out_n)
					   : WASI_EBADF;
	return fs ? fs->write(fs->arg, hfd, buf, len, out_n) : WASI_EBADF;
}

bool wasi_route_has_positional(const struct wasi_ctx *c, int64_t hfd, bool write)
{
	const struct wasi_files *fs = c->files;

	if (wasi_env_is_stdio(hfd) || !fs)
		return true; /* the call itself answers (ESPIPE, EBADF) */
	return write ? fs->pwrite != NULL : fs->pread != NULL;
}

uint16_t wasi_route_pread(struct wasi_ctx *c, int64_t hfd, void *buf, size_t len, uint64_t off,
			  size_t *out_n)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "pread");
	if (wasi_env_is_stdio(hfd))
		return WASI_ESPIPE;
	return fs ? fs->pread(fs->arg, hfd, buf, len, off, out_n) : WASI_EBADF;
}

uint16_t wasi_route_pwrite(struct wasi_ctx *c, int64_t hfd, const void *buf, size_t len,
			   uint64_t off, size_t *out_n)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "pwrite");
	if (wasi_env_is_stdio(hfd))
		return WASI_ESPIPE;
	return fs ? fs->pwrite(fs->arg, hfd, buf, len, off, out_n) : WASI_EBADF;
}

uint16_t wasi_route_open(struct wasi_ctx *c, int64_t dir, const char *path, uint32_t oflags,
			 uint32_t fdflags, bool rd, bool wr, bool follow, int64_t *out_hfd)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "open");
	if (wasi_env_is_stdio(dir))
		return WASI_ENOTDIR;
	if (!fs)
		return WASI_ENOSYS;
	return fs->open(fs->arg, dir, path, oflags, fdflags, rd, wr, follow, out_hfd);
}

uint16_t wasi_route_close(struct wasi_ctx *c, int64_t hfd)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "close");
	if (wasi_env_is_stdio(hfd))
		return 0;
	return fs ? fs->close(fs->arg, hfd) : WASI_EBADF;
}

uint16_t wasi_route_seek(struct wasi_ctx *c, int64_t hfd, int64_t off, uint8_t whence,
			 uint64_t *out_pos)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "seek");
	if (wasi_env_is_stdio(hfd))
		return WASI_ESPIPE;
	return fs ? fs->seek(fs->arg, hfd, off, whence, out_pos) : WASI_EBADF;
}

uint16_t wasi_route_fstat(struct wasi_ctx *c, int64_t hfd, struct wasi_host_filestat *out)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "fstat");
	if (wasi_env_is_stdio(hfd)) {
		*out = (struct wasi_host_filestat){.type = WASI_FILETYPE_CHARACTER_DEVICE,
						   .nlink = 1};
		return 0;
	}
	return fs ? fs->fstat(fs->arg, hfd, out) : WASI_EBADF;
}

uint16_t wasi_route_stat(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			 struct wasi_host_filestat *out)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "stat");
	if (wasi_env_is_stdio(dir))
		return WASI_ENOTDIR;
	return fs ? fs->stat(fs->arg, dir, path, follow, out) : WASI_ENOSYS;
}

uint16_t wasi_route_set_flags(struct wasi_ctx *c, int64_t hfd, uint32_t flags)
{
	const struct wasi_files *fs = c->files;

	if (wasi_env_is_stdio(hfd))
		return flags ? WASI_ENOTSUP : 0;
	return fs ? fs->set_flags(fs->arg, hfd, flags) : WASI_EBADF;
}

uint16_t wasi_route_readdir(struct wasi_ctx *c, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn,
			    void *cb_arg)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "readdir");
	if (wasi_env_is_stdio(hfd))
		return WASI_ENOTDIR;
	return fs ? fs->readdir(fs->arg, hfd, cookie, fn, cb_arg) : WASI_EBADF;
}

uint16_t wasi_route_dir_op(struct wasi_ctx *c, enum wasi_dir_op op, int64_t dir, const char *path)
{
	static const char *const names[] = {[WASI_DIR_MKDIR] = "mkdir",
					    [WASI_DIR_RMDIR] = "rmdir",
					    [WASI_DIR_UNLINK] = "unlink"};
	const struct wasi_files *fs = c->files;

	route_trace(c, names[op]);
	if (wasi_env_is_stdio(dir))
		return WASI_ENOTDIR;
	if (!fs)
		return WASI_ENOSYS;
	switch (op) {
	case WASI_DIR_MKDIR:
		return fs->mkdir(fs->arg, dir, path);
	case WASI_DIR_RMDIR:
		return fs->rmdir(fs->arg, dir, path);
	case WASI_DIR_UNLINK:
		return fs->unlink(fs->arg, dir, path);
	}
	return WASI_EINVAL;
}

uint16_t wasi_route_rename(struct wasi_ctx *c, int64_t dir, const char *path, int64_t new_dir,
			   const char *new_path)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "rename");
	if (wasi_env_is_stdio(dir) || wasi_env_is_stdio(new_dir))
		return WASI_ENOTDIR;
	return fs ? fs->rename(fs->arg, dir, path, new_dir, new_path) : WASI_ENOSYS;
}

uint16_t wasi_route_sync(struct wasi_ctx *c, int64_t hfd, bool data_only)
{
	const struct wasi_files *fs = c->files;

	if (wasi_env_is_stdio(hfd) || !fs)
		return 0;
	return fs->sync ? fs->sync(fs->arg, hfd, data_only) : WASI_ENOSYS;
}

uint16_t wasi_route_truncate(struct wasi_ctx *c, int64_t hfd, uint64_t size)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "truncate");
	if (wasi_env_is_stdio(hfd))
		return WASI_EINVAL;
	if (!fs)
		return WASI_EBADF;
	return fs->truncate ? fs->truncate(fs->arg, hfd, size) : WASI_ENOSYS;
}

uint16_t wasi_route_set_times(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			      uint64_t atim, uint64_t mtim, uint32_t fst_flags)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "set_times");
	if (wasi_env_is_stdio(dir))
		return path ? WASI_ENOTDIR : WASI_ENOTSUP;
	if (!fs)
		return path ? WASI_ENOSYS : WASI_EBADF;
	return fs->set_times ? fs->set_times(fs->arg, dir, path, follow, atim, mtim, fst_flags)
			     : WASI_ENOSYS;
}

uint16_t wasi_route_symlink(struct wasi_ctx *c, const char *target, int64_t dir, const char *path)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "symlink");
	if (wasi_env_is_stdio(dir))
		return WASI_ENOTDIR;
	return fs && fs->symlink ? fs->symlink(fs->arg, target, dir, path) : WASI_ENOSYS;
}

uint16_t wasi_route_readlink(struct wasi_ctx *c, int64_t dir, const char *path, char *buf,
			     size_t cap, size_t *out_n)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "readlink");
	if (wasi_env_is_stdio(dir))
		return WASI_ENOTDIR;
	return fs && fs->readlink ? fs->readlink(fs->arg, dir, path, buf, cap, out_n) : WASI_ENOSYS;
}

uint16_t wasi_route_link(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			 int64_t new_dir, const char *new_path)
{
	const struct wasi_files *fs = c->files;

	route_trace(c, "link");
	if (wasi_env_is_stdio(dir) || wasi_env_is_stdio(new_dir))
		return WASI_ENOTDIR;
	return fs && fs->link ? fs->link(fs->arg, dir, path, follow, new_dir, new_path)
			      : WASI_ENOSYS;
}
