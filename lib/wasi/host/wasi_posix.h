/*
 * wasi_posix.h - the WASI host services (struct wasi_host) on POSIX/Linux,
 * for wasmrun and the host tests.
 *
 * Host handles are plain file descriptors. Every path operation resolves
 * its path one component at a time from the directory fd (openat with
 * O_NOFOLLOW), keeping a stack of the directories walked, so that `..`
 * never climbs above the starting directory and a symlink is followed only
 * by splicing its (relative) target into the path and walking on: an
 * absolute target or one that climbs out is WASI_ENOTCAPABLE. The final
 * open/stat/unlink uses O_NOFOLLOW / AT_SYMLINK_NOFOLLOW on the resolved
 * name, so a symlink swapped in after resolution is not followed either.
 */
#pragma once

#include <stdint.h>

#include "wasi/wasi.h"

/* The POSIX host services; stateless, `arg` is unused. Never NULL. */
const struct wasi_host *wasi_posix_host(void);

/*
 * wasi_posix_open_dir - opens host directory `path` to be given to
 * wasi_ctx_init as a preopen. Returns 0 or a WASI errno.
 */
uint16_t wasi_posix_open_dir(const char *path, int64_t *out_hfd);

/* wasi_posix_errno - the WASI errno for a host errno value. */
uint16_t wasi_posix_errno(int err);
