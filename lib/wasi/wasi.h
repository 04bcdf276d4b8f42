/*
 * wasi.h - WASI preview1 (`wasi_snapshot_preview1`) host functions, portable.
 *
 * The functions here decode and check a guest's arguments against its linear
 * memory, keep the guest's file-descriptor table, and call two small host
 * interfaces for everything that touches the world: the ENVIRONMENT
 * (wasi/wasi_env.h: clocks, randomness, waiting, yielding, stdio streams)
 * and the FILES (wasi/wasi_files.h: a handle table and paths). The kernel
 * implements the environment (kernel/wasm/proc_host.c) and takes its files
 * from the VFS (lib/vfs/wasi_vfs.h); the host runner implements both with
 * POSIX (wasi/host/wasi_posix.h). The same code serves both.
 *
 *   guest call --> wasi_fd_write(ctx, mem, fd, iovs, n, out)
 *                    | checks every pointer against mem.size (EFAULT)
 *                    | looks fd up in ctx->fds (EBADF)
 *                    v
 *                  wasi_route_write(ctx, host_fd, buf, len, &n)   (wasi_route.c)
 *                    | WASI_ENV_STDOUT/STDERR: ctx->env->stdio_write(...)
 *                    v any other handle
 *                  ctx->files->write(files_arg, host_fd, buf, len, &n)
 *
 * Invariant: a function either returns an errno and leaves guest memory and
 * the fd table untouched, or succeeds and writes its results; all pointer
 * checks happen before the first host call or guest write. (Exceptions, as
 * in POSIX: fd_read/fd_write may succeed with a short count after partial
 * progress, and the output buffer of fd_read/fd_readdir/random_get may have
 * been written when the host call fails or stops part way with
 * WASI_STATUS_YIELD.)
 *
 * Guest memory: every function takes a `struct wasi_mem` view {base, size}
 * of the instance's memory 0, fetched fresh per call (a memory may move when
 * it grows). Guest pointers are u32 offsets into it; a range that does not
 * fit is EFAULT, never a host access. Alignment is not required (memcpy).
 *
 * Status values: each function returns a uint32_t status. Values below
 * 0x10000 are the WASI errno to return to the guest (0 is success). Two
 * more tell the engine to stop running the guest:
 *
 *  WASI_STATUS_BLOCKED - the call would block (a read on an empty pipe or
 *    console, poll_oneoff/sleep before its deadline, sched_yield on a host
 *    that wants to reschedule). Nothing was changed. The engine suspends the
 *    instance *at* the call: when it resumes (the kernel: when the waker for
 *    ctx->pending fires; the host runner: after wasi_ctx_wait_pending()) it
 *    calls the same function again with the same arguments. ctx->pending
 *    remembers what is being waited for and the start time of the blocked
 *    call, so a relative timeout is not restarted by the retry, and a
 *    sched_yield completes on its retry.
 *  WASI_STATUS_EXIT - proc_exit: the instance ends; ctx->exit_code holds
 *    the guest's code.
 *  WASI_STATUS_YIELD - a long call (random_get, fd_read/fd_write/fd_pread/
 *    fd_pwrite over large buffers, fd_readdir of a huge directory) did part
 *    of its work and stopped because the environment's preempt() said the
 *    guest's time is up. Unlike BLOCKED, it changed things: ctx->pending
 *    (kind PART) holds how far it got. The engine suspends the instance at the
 *    call as for a yield request and, when it resumes, calls the same
 *    function again with the same arguments, which goes on from there. So
 *    no call holds the CPU for more than about one chunk (WASI_CHUNK bytes,
 *    or a batch of entries) past its time slice, and the guest still sees
 *    one call with the whole result.
 *
 * Host services return 0 or a WASI errno (enum wasi_errno): these interfaces
 * are the WASI boundary, so it speaks WASI's error space. A host built on the
 * tree's `enum err` converts with wasi_errno_from_err(). A host that cannot
 * block returns WASI_EAGAIN from read/write/poll/yield; the functions here
 * turn that into WASI_STATUS_BLOCKED unless the guest set NONBLOCK on the fd.
 *
 * Not thread-safe: one wasi_ctx belongs to one instance, which runs on one
 * thread at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasi/wasi_env.h"
#include "wasi/wasi_files.h"

/* WASI errno values (preview1, witx `errno`). */
enum wasi_errno {
	WASI_ESUCCESS = 0,
	WASI_E2BIG = 1,
	WASI_EACCES = 2,
	WASI_EADDRINUSE = 3,
	WASI_EADDRNOTAVAIL = 4,
	WASI_EAFNOSUPPORT = 5,
	WASI_EAGAIN = 6,
	WASI_EALREADY = 7,
	WASI_EBADF = 8,
	WASI_EBADMSG = 9,
	WASI_EBUSY = 10,
	WASI_ECANCELED = 11,
	WASI_ECHILD = 12,
	WASI_ECONNABORTED = 13,
	WASI_ECONNREFUSED = 14,
	WASI_ECONNRESET = 15,
	WASI_EDEADLK = 16,
	WASI_EDESTADDRREQ = 17,
	WASI_EDOM = 18,
	WASI_EDQUOT = 19,
	WASI_EEXIST = 20,
	WASI_EFAULT = 21,
	WASI_EFBIG = 22,
	WASI_EHOSTUNREACH = 23,
	WASI_EIDRM = 24,
	WASI_EILSEQ = 25,
	WASI_EINPROGRESS = 26,
	WASI_EINTR = 27,
	WASI_EINVAL = 28,
	WASI_EIO = 29,
	WASI_EISCONN = 30,
	WASI_EISDIR = 31,
	WASI_ELOOP = 32,
	WASI_EMFILE = 33,
	WASI_EMLINK = 34,
	WASI_EMSGSIZE = 35,
	WASI_EMULTIHOP = 36,
	WASI_ENAMETOOLONG = 37,
	WASI_ENETDOWN = 38,
	WASI_ENETRESET = 39,
	WASI_ENETUNREACH = 40,
	WASI_ENFILE = 41,
	WASI_ENOBUFS = 42,
	WASI_ENODEV = 43,
	WASI_ENOENT = 44,
	WASI_ENOEXEC = 45,
	WASI_ENOLCK = 46,
	WASI_ENOLINK = 47,
	WASI_ENOMEM = 48,
	WASI_ENOMSG = 49,
	WASI_ENOPROTOOPT = 50,
	WASI_ENOSPC = 51,
	WASI_ENOSYS = 52,
	WASI_ENOTCONN = 53,
	WASI_ENOTDIR = 54,
	WASI_ENOTEMPTY = 55,
	WASI_ENOTRECOVERABLE = 56,
	WASI_ENOTSOCK = 57,
	WASI_ENOTSUP = 58,
	WASI_ENOTTY = 59,
	WASI_ENXIO = 60,
	WASI_EOVERFLOW = 61,
	WASI_EOWNERDEAD = 62,
	WASI_EPERM = 63,
	WASI_EPIPE = 64,
	WASI_EPROTO = 65,
	WASI_EPROTONOSUPPORT = 66,
	WASI_EPROTOTYPE = 67,
	WASI_ERANGE = 68,
	WASI_EROFS = 69,
	WASI_ESPIPE = 70,
	WASI_ESRCH = 71,
	WASI_ESTALE = 72,
	WASI_ETIMEDOUT = 73,
	WASI_ETXTBSY = 74,
	WASI_EXDEV = 75,
	WASI_ENOTCAPABLE = 76,
};

#define WASI_STATUS_BLOCKED 0x10000u
#define WASI_STATUS_EXIT    0x10001u
#define WASI_STATUS_YIELD   0x10002u

/* The most bytes a long call moves between two preempt() checks: about
 * 0.1-1 ms of copying or generating on the slowest target (QEMU TCG), well
 * inside a time slice. */
#define WASI_CHUNK (64u << 10)

/* The most subscriptions one poll_oneoff takes (EINVAL beyond, as Linux's
 * poll past RLIMIT_NOFILE): its work and memory grow with their number. */
#define WASI_POLL_MAX_SUBS 4096u

/* Clock ids, file types, flags and rights (preview1 values). */
enum {
	WASI_CLOCK_REALTIME,
	WASI_CLOCK_MONOTONIC,
	WASI_CLOCK_PROCESS_CPUTIME,
	WASI_CLOCK_THREAD_CPUTIME
};
enum wasi_filetype {
	WASI_FILETYPE_UNKNOWN,
	WASI_FILETYPE_BLOCK_DEVICE,
	WASI_FILETYPE_CHARACTER_DEVICE,
	WASI_FILETYPE_DIRECTORY,
	WASI_FILETYPE_REGULAR_FILE,
	WASI_FILETYPE_SOCKET_DGRAM,
	WASI_FILETYPE_SOCKET_STREAM,
	WASI_FILETYPE_SYMBOLIC_LINK,
};
enum { WASI_WHENCE_SET, WASI_WHENCE_CUR, WASI_WHENCE_END };
#define WASI_FDFLAG_APPEND		   0x1u
#define WASI_FDFLAG_DSYNC		   0x2u
#define WASI_FDFLAG_NONBLOCK		   0x4u
#define WASI_FDFLAG_RSYNC		   0x8u
#define WASI_FDFLAG_SYNC		   0x10u
#define WASI_OFLAG_CREAT		   0x1u
#define WASI_OFLAG_DIRECTORY		   0x2u
#define WASI_OFLAG_EXCL			   0x4u
#define WASI_OFLAG_TRUNC		   0x8u
#define WASI_LOOKUP_SYMLINK_FOLLOW	   0x1u
#define WASI_FSTFLAG_ATIM		   0x1u
#define WASI_FSTFLAG_ATIM_NOW		   0x2u
#define WASI_FSTFLAG_MTIM		   0x4u
#define WASI_FSTFLAG_MTIM_NOW		   0x8u
#define WASI_RIGHT_FD_DATASYNC		   (UINT64_C(1) << 0)
#define WASI_RIGHT_FD_READ		   (UINT64_C(1) << 1)
#define WASI_RIGHT_FD_SEEK		   (UINT64_C(1) << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS	   (UINT64_C(1) << 3)
#define WASI_RIGHT_FD_SYNC		   (UINT64_C(1) << 4)
#define WASI_RIGHT_FD_TELL		   (UINT64_C(1) << 5)
#define WASI_RIGHT_FD_WRITE		   (UINT64_C(1) << 6)
#define WASI_RIGHT_FD_ADVISE		   (UINT64_C(1) << 7)
#define WASI_RIGHT_FD_ALLOCATE		   (UINT64_C(1) << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY   (UINT64_C(1) << 9)
#define WASI_RIGHT_PATH_CREATE_FILE	   (UINT64_C(1) << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE	   (UINT64_C(1) << 11)
#define WASI_RIGHT_PATH_LINK_TARGET	   (UINT64_C(1) << 12)
#define WASI_RIGHT_PATH_OPEN		   (UINT64_C(1) << 13)
#define WASI_RIGHT_FD_READDIR		   (UINT64_C(1) << 14)
#define WASI_RIGHT_PATH_READLINK	   (UINT64_C(1) << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE	   (UINT64_C(1) << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET	   (UINT64_C(1) << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET	   (UINT64_C(1) << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE  (UINT64_C(1) << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (UINT64_C(1) << 20)
#define WASI_RIGHT_FD_FILESTAT_GET	   (UINT64_C(1) << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE	   (UINT64_C(1) << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES   (UINT64_C(1) << 23)
#define WASI_RIGHT_PATH_SYMLINK		   (UINT64_C(1) << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY   (UINT64_C(1) << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE	   (UINT64_C(1) << 26)
#define WASI_RIGHT_POLL_FD_READWRITE	   (UINT64_C(1) << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN	   (UINT64_C(1) << 28)
#define WASI_RIGHT_SOCK_ACCEPT		   (UINT64_C(1) << 29)
#define WASI_RIGHTS_ALL			   ((UINT64_C(1) << 30) - 1)
/* The rights a regular file (or a stream) can have: no path rights. */
#define WASI_RIGHTS_FILE                                                            \
	(WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |         \
	 WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL | \
	 WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |      \
	 WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |             \
	 WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
/* The rights a directory can have: no read, write (datasync opens for
 * writing), seek or size (what wasmtime gives a preopen, and what the
 * testsuite checks). */
#define WASI_RIGHTS_DIR                                                                            \
	(WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_PATH_CREATE_DIRECTORY |  \
	 WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | \
	 WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK |                 \
	 WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET |                           \
	 WASI_RIGHT_PATH_FILESTAT_GET | WASI_RIGHT_PATH_FILESTAT_SET_SIZE |                        \
	 WASI_RIGHT_PATH_FILESTAT_SET_TIMES | WASI_RIGHT_FD_FILESTAT_GET |                         \
	 WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK |                              \
	 WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE)

struct wasi_mem {
	uint8_t *base;
	uint64_t size;
};

/* A guest file descriptor. */
struct wasi_fd {
	bool used;
	bool owned;	/* close the host handle when the guest closes it */
	uint8_t type;	/* enum wasi_filetype */
	uint16_t flags; /* WASI_FDFLAG_* the guest set */
	uint64_t rights_base, rights_inheriting;
	int64_t hfd;
	char *preopen; /* guest name of a preopened directory, or NULL */
	uint32_t preopen_len;
};

/* What a call that returned WASI_STATUS_BLOCKED waits for. */
enum wasi_pending_kind {
	WASI_PENDING_NONE,
	WASI_PENDING_POLL,
	WASI_PENDING_READ,
	WASI_PENDING_WRITE,
	WASI_PENDING_YIELD,
	WASI_PENDING_PART /* a long call stopped part way: WASI_STATUS_YIELD */
};
struct wasi_pending {
	enum wasi_pending_kind kind;
	uint32_t fd;	   /* READ/WRITE: the guest fd */
	uint64_t start[2]; /* POLL: realtime and monotonic at first try */
	bool has_deadline; /* POLL: earliest clock deadline... */
	uint32_t clock_id;
	uint64_t deadline; /* ...absolute, on clock_id */
	uint64_t part[4];  /* PART: which call, and the arguments naming its work */
	uint64_t done;	   /* PART: bytes it has moved (readdir: written) so far */
	uint64_t cursor;   /* PART, readdir: the cookie to go on from */
};

struct wasi_ctx {
	const struct wasi_env *env;
	const struct wasi_files *files; /* NULL: no files, only stdio streams */
	struct wasi_fd *fds;
	uint32_t nfds; /* slots in fds */
	uint32_t max_fds;
	char *args, *envs; /* NUL-separated strings */
	uint32_t argc, envc;
	uint32_t args_bytes, env_bytes;
	struct wasi_pending pending;
	uint32_t exit_code; /* valid after WASI_STATUS_EXIT */
};

struct wasi_preopen {
	int64_t hfd;	   /* an open host directory; the ctx takes it */
	const char *guest; /* the name the guest sees, e.g. "/" or "data" */
};

struct wasi_config {
	uint32_t argc;
	const char *const *argv;
	uint32_t envc;
	const char *const *envp; /* "KEY=VALUE" */
	int64_t stdio[3];	 /* fds 0-2: files handles or WASI_ENV_*, not owned */
	uint32_t npreopens;
	const struct wasi_preopen *preopens; /* fds 3, 4, ... */
	uint32_t max_fds;		     /* 0: WASI_DEFAULT_MAX_FDS */
};

#define WASI_DEFAULT_MAX_FDS 1024u

/*
 * wasi_ctx_init - sets up args, environ and the fd table (stdio 0-2, then
 * the preopens in order) over the environment `env` and the files host
 * `files` (NULL: none; then there may be no preopens). Neither is copied:
 * both must outlive the ctx. Copies every string. On success the ctx owns the
 * preopens' host handles; on failure it owns nothing and *c is untouched.
 * Errors: ERR_NOMEM, ERR_INVAL (a string too long for a 32-bit guest, more
 * preopens than fds).
 */
int wasi_ctx_init(struct wasi_ctx *c, const struct wasi_env *env, const struct wasi_files *files,
		  const struct wasi_config *cfg);

/* wasi_ctx_destroy - closes every owned host handle and frees the ctx. */
void wasi_ctx_destroy(struct wasi_ctx *c);

/*
 * wasi_ctx_wait_pending - for a host that can block (the POSIX runner):
 * after WASI_STATUS_BLOCKED, waits (through env->poll) for
 * what ctx->pending names, so the engine can retry the call. Returns 0 or a
 * WASI errno from the host.
 */
uint16_t wasi_ctx_wait_pending(struct wasi_ctx *c);

/* wasi_errno_from_err - maps a tree error (enum err, <= 0) to WASI errno. */
uint16_t wasi_errno_from_err(int err);

/*
 * The import table: one entry per preview1 function, in the module
 * `wasi_snapshot_preview1`. `sig` is "params:results" with i = i32 and
 * I = i64 (e.g. "iIii:i" for fd_seek). `call` takes the raw arguments
 * (i32 zero-extended to 64 bits) and returns a status as above.
 */
struct wasi_import {
	const char *name;
	const char *sig;
	uint32_t (*call)(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *args);
};

#define WASI_MODULE_NAME "wasi_snapshot_preview1"
extern const struct wasi_import wasi_imports[];
extern const size_t wasi_nimports;

/* wasi_import_find - the entry named `name` (len bytes), or NULL. */
const struct wasi_import *wasi_import_find(const char *name, size_t len);

/* ---- the functions (see the preview1 spec for each one's meaning) ---- */
uint32_t wasi_args_sizes_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t argc_out,
			     uint32_t size_out);
uint32_t wasi_args_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t argv, uint32_t buf);
uint32_t wasi_environ_sizes_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t count_out,
				uint32_t size_out);
uint32_t wasi_environ_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t environ, uint32_t buf);
uint32_t wasi_clock_res_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t id, uint32_t out);
uint32_t wasi_clock_time_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t id, uint64_t precision,
			     uint32_t out);
uint32_t wasi_random_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t buf, uint32_t len);
uint32_t wasi_proc_exit(struct wasi_ctx *c, struct wasi_mem m, uint32_t code);
uint32_t wasi_sched_yield(struct wasi_ctx *c, struct wasi_mem m);
uint32_t wasi_poll_oneoff(struct wasi_ctx *c, struct wasi_mem m, uint32_t in, uint32_t out,
			  uint32_t nsubs, uint32_t nevents_out);

uint32_t wasi_fd_write(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		       uint32_t iovs_len, uint32_t nwritten_out);
uint32_t wasi_fd_read(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		      uint32_t iovs_len, uint32_t nread_out);
uint32_t wasi_fd_pwrite(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out);
uint32_t wasi_fd_pread(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
		       uint32_t iovs_len, uint64_t offset, uint32_t nread_out);
uint32_t wasi_fd_seek(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, int64_t offset,
		      uint32_t whence, uint32_t pos_out);
uint32_t wasi_fd_tell(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t pos_out);
uint32_t wasi_fd_close(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd);
uint32_t wasi_fd_renumber(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t to);
uint32_t wasi_fd_fdstat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out);
uint32_t wasi_fd_fdstat_set_flags(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				  uint32_t flags);
uint32_t wasi_fd_prestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out);
uint32_t wasi_fd_prestat_dir_name(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t path,
				  uint32_t len);
uint32_t wasi_fd_filestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t out);
uint32_t wasi_fd_readdir(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t buf,
			 uint32_t len, uint64_t cookie, uint32_t used_out);
uint32_t wasi_fd_sync(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd);
uint32_t wasi_fd_datasync(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd);
uint32_t wasi_fd_fdstat_set_rights(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				   uint64_t base, uint64_t inheriting);
uint32_t wasi_fd_filestat_set_size(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				   uint64_t size);
uint32_t wasi_fd_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd,
				    uint64_t atim, uint64_t mtim, uint32_t fst_flags);
uint32_t wasi_fd_allocate(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t offset,
			  uint64_t len);
uint32_t wasi_fd_advise(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint64_t offset,
			uint64_t len, uint32_t advice);
uint32_t wasi_sock_shutdown(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t how);
uint32_t wasi_sock_accept(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t flags,
			  uint32_t fd_out);
uint32_t wasi_sock_recv(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint32_t ri_flags, uint32_t nread_out,
			uint32_t ro_flags_out);
uint32_t wasi_sock_send(struct wasi_ctx *c, struct wasi_mem m, uint32_t fd, uint32_t iovs,
			uint32_t iovs_len, uint32_t si_flags, uint32_t nwritten_out);

uint32_t wasi_path_open(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t lookup,
			uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t rights_base,
			uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out);
uint32_t wasi_path_filestat_get(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				uint32_t lookup, uint32_t path, uint32_t path_len, uint32_t out);
uint32_t wasi_path_create_directory(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				    uint32_t path, uint32_t path_len);
uint32_t wasi_path_remove_directory(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				    uint32_t path, uint32_t path_len);
uint32_t wasi_path_unlink_file(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			       uint32_t path_len);
uint32_t wasi_path_rename(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			  uint32_t path_len, uint32_t new_dirfd, uint32_t new_path,
			  uint32_t new_len);
uint32_t wasi_path_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd,
				      uint32_t lookup, uint32_t path, uint32_t path_len,
				      uint64_t atim, uint64_t mtim, uint32_t fst_flags);
uint32_t wasi_path_symlink(struct wasi_ctx *c, struct wasi_mem m, uint32_t target,
			   uint32_t target_len, uint32_t dirfd, uint32_t path, uint32_t path_len);
uint32_t wasi_path_readlink(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t path,
			    uint32_t path_len, uint32_t buf, uint32_t buf_len, uint32_t used_out);
uint32_t wasi_path_link(struct wasi_ctx *c, struct wasi_mem m, uint32_t dirfd, uint32_t lookup,
			uint32_t path, uint32_t path_len, uint32_t new_dirfd, uint32_t new_path,
			uint32_t new_len);
