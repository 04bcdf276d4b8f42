/*
 * wasi_path_link.c - the preview1 path functions on links and times:
 * path_symlink, path_readlink, path_link, path_filestat_set_times.
 *
 * Sandboxing: the path of the new or existing name goes through
 * wasi_dir_path (rights, wasi_path_contained) as every path does. A
 * symlink's target is data, not a path to resolve now: it may hold `..`,
 * but never an absolute path (EPERM, as wasmtime), and a files host keeps
 * its walk inside the directory when it follows one later.
 *
 * Invariant: every guest pointer and every rule is checked before the
 * files host is asked to change anything.
 */
#include <stdlib.h>
#include <string.h>

#include "wasi/wasi.h"
#include "wasi/wasi_internal.h"

/* A symlink target from guest memory: EFAULT, ENAMETOOLONG, ENOENT
 * (empty), EILSEQ (a NUL inside), EPERM (absolute), ENOMEM. The caller
 * frees *out. */
static uint16_t target_get(struct wasi_mem m, uint32_t ptr, uint32_t len, char **out)
{
	char *t;

	if (!wasi_mem_ok(m, ptr, len))
		return WASI_EFAULT;
	if (len >= WASI_PATH_MAX)
		return WASI_ENAMETOOLONG;
	if (len == 0)
		return WASI_ENOENT;
	if (memchr(m.base + ptr, 0, len))
		return WASI_EILSEQ;
	if (m.base[ptr] == '/')
		return WASI_EPERM;
	t = malloc(len + 1);
	if (!t)
		return WASI_ENOMEM;
	memcpy(t, m.base + ptr, len);
	t[len] = '\0';
	*out = t;
	return 0;
}

uint32_t wasi_path_symlink(struct wasi_ctx *c, struct wasi_mem m, uint32_t target,
			   uint32_t target_len, uint32_t dirfd, uint32_t path, uint32_t path_len)
{
	struct wasi_fd *dir;
	char *t = NULL, *p = NULL;
	uint16_t e;

	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_SYMLINK, path, path_len, &dir, &p);
	if (!e)
		e = target_get(m, target, target_len, &t);
	if (!e)
		e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_NEW);
	if (!e)
		e = wasi_route_symlink(c, t, dir->hfd, p);
	free(t);
	free(p);
	return e;
}

uint32_t wasi_path_readlink(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			    uint32_t path_len, uint32_t buf, uint32_t buf_len, uint32_t used_out)
{
	struct wasi_fd *dir;
	size_t n = 0;
	char *p = NULL;
	uint16_t e;

	if (!wasi_mem_ok(m, buf, buf_len) || !wasi_mem_ok(m, used_out, 4))
		return WASI_EFAULT;
	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_READLINK, path, path_len, &dir, &p);
	if (e)
		return e;
	e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_DIR);
	/* straight into guest memory: the range is checked, the host writes
	 * at most buf_len bytes (a longer target is cut, as readlink(2)) */
	if (!e)
		e = wasi_route_readlink(c, dir->hfd, p, (char *)m.base + buf, buf_len, &n);
	if (!e)
		wasi_store_u32(m, used_out, (uint32_t)(n < buf_len ? n : buf_len));
	free(p);
	return e;
}

uint32_t wasi_path_link(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t lookup,
			uint32_t path, uint32_t path_len, uint32_t new_dirfd, uint32_t new_path,
			uint32_t new_len)
{
	struct wasi_fd *dir, *new_dir;
	char *p = NULL, *q = NULL;
	uint16_t e;

	if (lookup & ~WASI_LOOKUP_SYMLINK_FOLLOW)
		return WASI_EINVAL;
	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_LINK_SOURCE, path, path_len, &dir, &p);
	if (e)
		return e;
	e = wasi_dir_path(c, m, new_dirfd, WASI_RIGHT_PATH_LINK_TARGET, new_path, new_len, &new_dir,
			  &q);
	if (!e)
		e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_DIR);
	if (!e)
		e = wasi_path_slash_rule(c, new_dir->hfd, q, WASI_SLASH_NEW);
	if (!e)
		e = wasi_route_link(c, dir->hfd, p, lookup & WASI_LOOKUP_SYMLINK_FOLLOW,
				    new_dir->hfd, q);
	free(p);
	free(q);
	return e;
}

uint16_t wasi_fstflags_check(uint32_t fst_flags)
{
	if (fst_flags & ~0xfu)
		return WASI_EINVAL;
	if ((fst_flags & WASI_FSTFLAG_ATIM) && (fst_flags & WASI_FSTFLAG_ATIM_NOW))
		return WASI_EINVAL;
	if ((fst_flags & WASI_FSTFLAG_MTIM) && (fst_flags & WASI_FSTFLAG_MTIM_NOW))
		return WASI_EINVAL;
	return 0;
}

uint32_t wasi_path_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				      uint32_t lookup, uint32_t path, uint32_t path_len,
				      uint64_t atim, uint64_t mtim, uint32_t fst_flags)
{
	struct wasi_fd *dir;
	char *p = NULL;
	uint16_t e;

	if (lookup & ~WASI_LOOKUP_SYMLINK_FOLLOW)
		return WASI_EINVAL;
	e = wasi_fstflags_check(fst_flags);
	if (e)
		return e;
	e = wasi_dir_path(c, m, dirfd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, path, path_len, &dir,
			  &p);
	if (e)
		return e;
	e = wasi_path_slash_rule(c, dir->hfd, p, WASI_SLASH_DIR);
	if (!e)
		e = wasi_route_set_times(c, dir->hfd, p, lookup & WASI_LOOKUP_SYMLINK_FOLLOW, atim,
					 mtim, fst_flags);
	free(p);
	return e;
}
