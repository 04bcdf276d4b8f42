/*
 * wasi_posix.h - both WASI host interfaces on POSIX/Linux, the environment
 * (struct wasi_env) and the files (struct wasi_files), for wasmrun and the
 * host tests.
 *
 * Host handles are plain file descriptors, stdio included (fds 0-2 are
 * files handles here: the environment has no stdio streams of its own,
 * and its poll waits on any fd). Every path operation first applies
 * wasi_path_contained(), then resolves its path one component at a time
 * from the directory fd (openat with O_NOFOLLOW), keeping a stack of the directories walked, so
 * that `..` never climbs above the starting directory and a symlink is followed only by splicing
 * its (relative) target into the path and walking on: an absolute target or one that climbs out is
 * WASI_ENOTCAPABLE. The final open/stat/unlink uses O_NOFOLLOW / AT_SYMLINK_NOFOLLOW on the
 * resolved name, so a symlink swapped in after resolution is not followed either.
 */
#pragma once

#include <stdint.h>

#include "wasi/wasi.h"

/* The POSIX environment and files; stateless, `arg` is unused. Never NULL. */
const struct wasi_env *wasi_posix_env(void);
const struct wasi_files *wasi_posix_files(void);

/*
 * wasi_posix_open_dir - opens host directory `path` to be given to
 * wasi_ctx_init as a preopen. Returns 0 or a WASI errno.
 */
uint16_t wasi_posix_open_dir(const char *path, int64_t *out_hfd);

/* wasi_posix_errno - the WASI errno for a host errno value. */
uint16_t wasi_posix_errno(int err);
