/* wasi_posix_internal.h - shared by wasi_posix.c and wasi_posix_path.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasi/wasi.h"

/* A resolved path: `name` inside directory fd `dir` (owned, close it);
 * name points into buf (free it). name is never ".." and has no '/'. */
struct posix_resolved {
	int dir;
	char *buf;
	const char *name;
};

/*
 * posix_resolve - resolves `path` under directory fd `root` without leaving
 * it (see wasi_posix.h). follow_last: a symlink as the last component is
 * followed too. Returns 0 or a WASI errno (ENOTCAPABLE for an escape).
 */
uint16_t posix_resolve(int root, const char *path, bool follow_last, struct posix_resolved *out);

void posix_resolved_free(struct posix_resolved *r);

/* The filestat of a struct stat. */
struct stat;
void posix_filestat(const struct stat *st, struct wasi_host_filestat *out);

/* The path operations of the host (wasi_posix_path.c). */
uint16_t posix_open(void *arg, int64_t dir, const char *path, uint32_t oflags, uint32_t fdflags,
		    bool rd, bool wr, bool follow, int64_t *out_hfd);
uint16_t posix_stat(void *arg, int64_t dir, const char *path, bool follow,
		    struct wasi_host_filestat *out);
uint16_t posix_mkdir(void *arg, int64_t dir, const char *path);
uint16_t posix_rmdir(void *arg, int64_t dir, const char *path);
uint16_t posix_unlink(void *arg, int64_t dir, const char *path);
uint16_t posix_rename(void *arg, int64_t dir, const char *path, int64_t new_dir,
		      const char *new_path);
uint16_t posix_readdir(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn, void *cb_arg);

/* The optional services (wasi_posix_link.c). */
uint16_t posix_truncate(void *arg, int64_t hfd, uint64_t size);
uint16_t posix_set_times(void *arg, int64_t dir, const char *path, bool follow, uint64_t atim,
			 uint64_t mtim, uint32_t fst_flags);
uint16_t posix_symlink(void *arg, const char *target, int64_t dir, const char *path);
uint16_t posix_readlink(void *arg, int64_t dir, const char *path, char *buf, size_t cap,
			size_t *out_n);
uint16_t posix_link(void *arg, int64_t dir, const char *path, bool follow, int64_t new_dir,
		    const char *new_path);
