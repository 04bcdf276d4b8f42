/*
 * wasi_files.h - the FILES interface of WASI preview1: a table of open
 * files behind host handles (int64_t), and the calls on them and on paths
 * relative to a directory handle. lib/wasi keeps the guest's fd table and
 * maps each guest fd to a host handle of this interface (or to a stdio
 * stream of the environment, wasi/wasi_env.h).
 *
 * Implementations: the VFS (lib/vfs/wasi_vfs.h: the kernel's programs and
 * the VFS tests) and POSIX (wasi/host/wasi_posix.h: wasmrun and the host
 * tests).
 *
 * Sandbox: paths are NUL-terminated, relative and never empty, and are
 * resolved against the directory handle `dir` without ever leaving it.
 * Every implementation applies wasi_path_contained() (the one lexical
 * rule: no absolute path, no `..` above the directory) to each path it is
 * given, with WASI_ENOTCAPABLE; one with symlinks also keeps its walk
 * inside while resolving them.
 *
 * Every function receives `arg` first and returns 0 or a WASI errno (enum
 * wasi_errno, wasi/wasi.h). Optional functions may be NULL (the guest call
 * is ENOSYS).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry of a host directory listing. */
struct wasi_host_dirent {
	uint64_t next; /* cookie of the entry after this one */
	uint64_t ino;
	uint8_t type;	 /* enum wasi_filetype */
	uint32_t namlen; /* bytes of name, no NUL needed */
	const char *name;
};

/* File attributes, as WASI's filestat. */
struct wasi_host_filestat {
	uint64_t dev, ino;
	uint8_t type; /* enum wasi_filetype */
	uint64_t nlink, size;
	uint64_t atim, mtim, ctim; /* ns since the epoch */
};

/* Called by readdir once per entry; returns false to stop the listing. */
typedef bool (*wasi_dirent_fn)(void *cb_arg, const struct wasi_host_dirent *e);

struct wasi_files {
	void *arg;
	/* read/write: *out_n is how many bytes moved; EAGAIN = would block */
	uint16_t (*read)(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n);
	uint16_t (*write)(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n);
	/* pread/pwrite at an offset, not moving the position (optional) */
	uint16_t (*pread)(void *arg, int64_t hfd, void *buf, size_t len, uint64_t off,
			  size_t *out_n);
	uint16_t (*pwrite)(void *arg, int64_t hfd, const void *buf, size_t len, uint64_t off,
			   size_t *out_n);
	/* open: `oflags` WASI_OFLAG_*, `fdflags` WASI_FDFLAG_*; follow the last
	 * component if it is a symlink only when `follow` */
	uint16_t (*open)(void *arg, int64_t dir, const char *path, uint32_t oflags,
			 uint32_t fdflags, bool read, bool write, bool follow, int64_t *out_hfd);
	uint16_t (*close)(void *arg, int64_t hfd);
	uint16_t (*seek)(void *arg, int64_t hfd, int64_t off, uint8_t whence, uint64_t *out_pos);
	uint16_t (*fstat)(void *arg, int64_t hfd, struct wasi_host_filestat *out);
	uint16_t (*stat)(void *arg, int64_t dir, const char *path, bool follow,
			 struct wasi_host_filestat *out);
	/* the host's current fd flags (APPEND, NONBLOCK) and setting them */
	uint16_t (*get_flags)(void *arg, int64_t hfd, uint32_t *out_flags);
	uint16_t (*set_flags)(void *arg, int64_t hfd, uint32_t flags);
	/* readdir: calls fn for the entries from `cookie` (0 = the first) on */
	uint16_t (*readdir)(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn,
			    void *cb_arg);
	uint16_t (*mkdir)(void *arg, int64_t dir, const char *path);
	uint16_t (*rmdir)(void *arg, int64_t dir, const char *path);
	uint16_t (*unlink)(void *arg, int64_t dir, const char *path);
	uint16_t (*rename)(void *arg, int64_t dir, const char *path, int64_t new_dir,
			   const char *new_path);
	uint16_t (*sync)(void *arg, int64_t hfd, bool data_only); /* optional */
	/*
	 * The optional services below (NULL: the guest call is ENOSYS). lib/wasi
	 * has checked rights, fst_flags and trailing slashes before calling.
	 */
	/* truncate: the file's size becomes `size` (zeros when it grows) */
	uint16_t (*truncate)(void *arg, int64_t hfd, uint64_t size);
	/* set_times: of `path` under `dir` (following a last symlink only when
	 * `follow`), or of the handle `dir` itself when path is NULL; fst_flags
	 * are WASI_FSTFLAG_*, never both ATIM and ATIM_NOW (MTIM alike); a time
	 * without its flag stays as it is */
	uint16_t (*set_times)(void *arg, int64_t dir, const char *path, bool follow, uint64_t atim,
			      uint64_t mtim, uint32_t fst_flags);
	/* symlink: creates `path` holding `target` (relative, never empty; kept
	 * as is: the resolver keeps it inside when it is followed) */
	uint16_t (*symlink)(void *arg, const char *target, int64_t dir, const char *path);
	/* readlink: the first cap bytes of the target of symlink `path` (EINVAL
	 * if it is not one), no NUL; *out_n the bytes written */
	uint16_t (*readlink)(void *arg, int64_t dir, const char *path, char *buf, size_t cap,
			     size_t *out_n);
	/* link: a new name `new_path` under `new_dir` for `path` under `dir`
	 * (its last symlink followed only when `follow`) */
	uint16_t (*link)(void *arg, int64_t dir, const char *path, bool follow, int64_t new_dir,
			 const char *new_path);
};

/*
 * wasi_path_contained - the sandbox rule on a guest path of `len` bytes:
 * false if it is absolute or if, read component by component (empty and
 * `.` components count for nothing), a `..` would climb above the
 * directory it is relative to. Lexical only: symlinks are the resolver's
 * business. The one copy of the rule: lib/wasi checks each guest path with
 * it, and every files host checks each path it is given.
 */
bool wasi_path_contained(const char *path, size_t len);
