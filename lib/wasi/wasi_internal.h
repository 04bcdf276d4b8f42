/*
 * wasi_internal.h - helpers shared by the files of lib/wasi: guest-memory
 * access (bounds-checked, little-endian, no alignment needed), the fd
 * table, and the routing of host handle services (wasi_route.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasi/wasi.h"

/* Guest layouts (wasm32), from the preview1 witx. */
#define WASI_IOVEC_SIZE	       8u
#define WASI_FDSTAT_SIZE       24u
#define WASI_PRESTAT_SIZE      8u
#define WASI_FILESTAT_SIZE     64u
#define WASI_DIRENT_SIZE       24u
#define WASI_SUBSCRIPTION_SIZE 48u
#define WASI_EVENT_SIZE	       32u
#define WASI_PATH_MAX	       4096u

/* Whether [ptr, ptr + len) lies inside guest memory. */
static inline bool wasi_mem_ok(struct wasi_mem m, uint32_t ptr, uint64_t len)
{
	return len <= m.size && ptr <= m.size - len;
}

static inline void wasi_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void wasi_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void wasi_put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t wasi_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t wasi_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t wasi_get_u64(const uint8_t *p)
{
	return (uint64_t)wasi_get_u32(p) | (uint64_t)wasi_get_u32(p + 4) << 32;
}

/* Writes one u32 result; the caller checked the range. */
static inline void wasi_store_u32(struct wasi_mem m, uint32_t ptr, uint32_t v)
{
	wasi_put_u32(m.base + ptr, v);
}

/* The entry for guest fd `fd`, or NULL (EBADF). */
static inline struct wasi_fd *wasi_fd_lookup(struct wasi_ctx *c, uint32_t fd)
{
	if (fd >= c->nfds || !c->fds[fd].used)
		return NULL;
	return &c->fds[fd];
}

/*
 * wasi_fd_reserve - finds the lowest free guest fd, growing the table if
 * needed; the slot stays unused until the caller fills it. Returns 0,
 * WASI_EMFILE or WASI_ENOMEM.
 */
uint16_t wasi_fd_reserve(struct wasi_ctx *c, uint32_t *out_fd);

/* wasi_fd_release - closes the host handle if owned and frees the slot. */
void wasi_fd_release(struct wasi_ctx *c, struct wasi_fd *f);

/*
 * wasi_iovs_check - whether the iovec array at `iovs` (n entries) and every
 * buffer it names lie in guest memory (else EFAULT), and their total length
 * fits in a u32 (else EINVAL).
 */
uint16_t wasi_iovs_check(struct wasi_mem m, uint32_t iovs, uint32_t n);

/*
 * wasi_path_get - copies the guest path [ptr, ptr+len) to a new
 * NUL-terminated string after checking it: EFAULT (out of memory bounds),
 * ENAMETOOLONG, ENOENT (empty), EILSEQ (a NUL byte inside),
 * ENOTCAPABLE (not wasi_path_contained), ENOMEM.
 * The caller frees *out.
 */
uint16_t wasi_path_get(struct wasi_mem m, uint32_t ptr, uint32_t len, char **out);

/*
 * wasi_dir_path - the directory entry of guest fd `fd` (EBADF, ENOTDIR),
 * which must hold the rights `need` in its base (else ENOTCAPABLE), and the
 * guest path [path, path+len) checked and copied as wasi_path_get does. On
 * success the caller frees *out_path.
 */
uint16_t wasi_dir_path(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t need,
		       uint32_t path, uint32_t len, struct wasi_fd **out_dir, char **out_path);

/*
 * The trailing-slash rules (POSIX's, as wasmtime and the testsuite expect):
 * "x/" names the directory x, for every files host alike.
 *   DIR     x must resolve to a directory (ENOTDIR; ENOENT if missing)
 *   UNLINK  unlink "x/" never removes: EISDIR for a directory, ENOTDIR
 *   NEW     a name to create (symlink, link): ENOENT if x is missing,
 *           EEXIST if it is a directory, ENOTDIR if it is anything else
 */
enum wasi_slash_rule { WASI_SLASH_DIR, WASI_SLASH_UNLINK, WASI_SLASH_NEW };

/* wasi_path_slash_rule - 0 if `path` (checked, relative to host directory
 * handle `dir`) has no trailing slash, else the rule's answer (0 when it
 * lets the call go on). May stat through the files host; ENOMEM. */
uint16_t wasi_path_slash_rule(struct wasi_ctx *c, int64_t dir, const char *path,
			      enum wasi_slash_rule rule);

/* wasi_fstflags_check - EINVAL for unknown fst_flags bits or a time both
 * given and NOW; else 0. */
uint16_t wasi_fstflags_check(uint32_t fst_flags);

/* wasi_filestat_put - writes a filestat (64 bytes) at p. */
void wasi_filestat_put(uint8_t *p, const struct wasi_host_filestat *st);

/* Marks a would-block result of the call that is running. */
static inline uint32_t wasi_block(struct wasi_ctx *c, enum wasi_pending_kind kind, uint32_t fd)
{
	memset(&c->pending, 0, sizeof(c->pending));
	c->pending.kind = kind;
	c->pending.fd = fd;
	return WASI_STATUS_BLOCKED;
}

/* The long calls that can stop part way: the first word of their key. */
enum wasi_part_call { WASI_PART_RANDOM = 1, WASI_PART_IO, WASI_PART_READDIR };

/* Whether a long call should stop at this chunk boundary (env->preempt). */
static inline bool wasi_preempted(const struct wasi_ctx *c)
{
	return c->env->preempt && c->env->preempt(c->env->arg);
}

/* The progress of an earlier try of the long call named by `key` (which
 * call and the arguments that name its work), or 0 if this is its first. */
static inline uint64_t wasi_part_resume(const struct wasi_ctx *c, const uint64_t key[4])
{
	if (c->pending.kind != WASI_PENDING_PART ||
	    memcmp(c->pending.part, key, sizeof(c->pending.part)))
		return 0;
	return c->pending.done;
}

/* Stops a long call after `done` bytes; the retry resumes from there. */
static inline uint32_t wasi_part_yield(struct wasi_ctx *c, const uint64_t key[4], uint64_t done)
{
	memset(&c->pending, 0, sizeof(c->pending));
	c->pending.kind = WASI_PENDING_PART;
	memcpy(c->pending.part, key, sizeof(c->pending.part));
	c->pending.done = done;
	return WASI_STATUS_YIELD;
}

/* Forgets a pending block once its call completes. */
static inline void wasi_unblock(struct wasi_ctx *c)
{
	c->pending.kind = WASI_PENDING_NONE;
}

/*
 * The handle services, routed (wasi_route.c): an environment stdio stream
 * (WASI_ENV_*) to ctx->env, any other handle to ctx->files. Same contracts
 * as the services of wasi/wasi_files.h.
 */
uint16_t wasi_route_read(struct wasi_ctx *c, int64_t hfd, void *buf, size_t len, size_t *out_n);
uint16_t wasi_route_write(struct wasi_ctx *c, int64_t hfd, const void *buf, size_t len,
			  size_t *out_n);
/* Whether pread (write: pwrite) can be asked of hfd at all (else ENOSYS). */
bool wasi_route_has_positional(const struct wasi_ctx *c, int64_t hfd, bool write);
uint16_t wasi_route_pread(struct wasi_ctx *c, int64_t hfd, void *buf, size_t len, uint64_t off,
			  size_t *out_n);
uint16_t wasi_route_pwrite(struct wasi_ctx *c, int64_t hfd, const void *buf, size_t len,
			   uint64_t off, size_t *out_n);
uint16_t wasi_route_open(struct wasi_ctx *c, int64_t dir, const char *path, uint32_t oflags,
			 uint32_t fdflags, bool rd, bool wr, bool follow, int64_t *out_hfd);
uint16_t wasi_route_close(struct wasi_ctx *c, int64_t hfd);
uint16_t wasi_route_seek(struct wasi_ctx *c, int64_t hfd, int64_t off, uint8_t whence,
			 uint64_t *out_pos);
uint16_t wasi_route_fstat(struct wasi_ctx *c, int64_t hfd, struct wasi_host_filestat *out);
uint16_t wasi_route_stat(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			 struct wasi_host_filestat *out);
uint16_t wasi_route_set_flags(struct wasi_ctx *c, int64_t hfd, uint32_t flags);
uint16_t wasi_route_readdir(struct wasi_ctx *c, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn,
			    void *cb_arg);
enum wasi_dir_op { WASI_DIR_MKDIR, WASI_DIR_RMDIR, WASI_DIR_UNLINK };
uint16_t wasi_route_dir_op(struct wasi_ctx *c, enum wasi_dir_op op, int64_t dir, const char *path);
uint16_t wasi_route_rename(struct wasi_ctx *c, int64_t dir, const char *path, int64_t new_dir,
			   const char *new_path);
/* sync: 0 on a stdio stream or without files; ENOSYS if files has none. */
uint16_t wasi_route_sync(struct wasi_ctx *c, int64_t hfd, bool data_only);
/* The optional services: ENOSYS where files lacks one; on a stdio stream
 * truncate is EINVAL (as ftruncate on a pipe), set_times ENOTSUP, the
 * path services ENOTDIR. */
uint16_t wasi_route_truncate(struct wasi_ctx *c, int64_t hfd, uint64_t size);
uint16_t wasi_route_set_times(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			      uint64_t atim, uint64_t mtim, uint32_t fst_flags);
uint16_t wasi_route_symlink(struct wasi_ctx *c, const char *target, int64_t dir, const char *path);
uint16_t wasi_route_readlink(struct wasi_ctx *c, int64_t dir, const char *path, char *buf,
			     size_t cap, size_t *out_n);
uint16_t wasi_route_link(struct wasi_ctx *c, int64_t dir, const char *path, bool follow,
			 int64_t new_dir, const char *new_path);
