/*
 * wasi_env.h - the ENVIRONMENT interface of WASI preview1: what a guest
 * sees of the world that is not a file. Clocks, randomness, waiting
 * (poll), yielding, stdio streams of the environment's own, the end of the
 * program, and the preemption question of long calls.
 *
 * The kernel implements it per program (kernel/wasm/proc_host.c: rdtime,
 * its own generator, the executor, the program's io callbacks); the POSIX
 * host (wasi/host/wasi_posix.h) with clock_gettime, getrandom and poll(2);
 * tests with fakes. Files are the other interface (wasi/wasi_files.h).
 *
 * Stdio: a host handle WASI_ENV_STDIN/STDOUT/STDERR (given in
 * wasi_config.stdio) names a stream of the environment, served by
 * stdio_read/stdio_write; every other handle belongs to the files host.
 * A host whose stdio is plain files (POSIX fds 0-2, a VFS console) passes
 * those files handles instead and leaves stdio_read/stdio_write NULL. On an
 * environment stream, lib/wasi answers the file-only calls itself (see
 * wasi_route.c): seek/pread/pwrite ESPIPE, a path call ENOTDIR, fstat a
 * character device, close and sync 0.
 *
 * Every function receives `arg` first and returns 0 or a WASI errno (enum
 * wasi_errno, wasi/wasi.h). Not thread-safe beyond what the implementation
 * says: one ctx calls it from one thread at a time.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host handles of the environment's stdio streams; a files host never
 * uses these values for its own handles (the VFS's and POSIX's are >= 0). */
#define WASI_ENV_STDIN	(-2)
#define WASI_ENV_STDOUT (-3)
#define WASI_ENV_STDERR (-4)

/* Whether host handle `hfd` is one of the environment's stdio streams. */
static inline bool wasi_env_is_stdio(int64_t hfd)
{
	return hfd <= WASI_ENV_STDIN && hfd >= WASI_ENV_STDERR;
}

/* poll: in `want_write`, out `ready`, `hangup`, `nbytes` (0 if unknown). */
struct wasi_host_pollfd {
	int64_t hfd;
	bool want_write;
	bool ready, hangup;
	uint64_t nbytes;
};

struct wasi_env {
	void *arg;
	uint16_t (*clock_time)(void *arg, uint32_t id, uint64_t *out_ns);
	uint16_t (*clock_res)(void *arg, uint32_t id, uint64_t *out_ns);
	uint16_t (*random)(void *arg, void *buf, size_t len);
	/*
	 * stdio_read/stdio_write: move bytes on a stdio stream `hfd`
	 * (WASI_ENV_*); *out_n is how many moved; WASI_EAGAIN = would block
	 * (having arranged for the guest to be woken). Optional: NULL when no
	 * handle given to the ctx is an environment stream (EBADF).
	 */
	uint16_t (*stdio_read)(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n);
	uint16_t (*stdio_write)(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n);
	/*
	 * poll: wait until one of fds (stdio streams and files handles alike:
	 * the environment knows what readiness means for both) is ready or,
	 * if has_deadline, until clock `clock_id` reads >= deadline_ns; a
	 * deadline in the past only checks readiness. nfds may be 0 (a
	 * sleep). Returns 0 when the wait ended (the caller re-checks the
	 * clock and the `ready` fields), or WASI_EAGAIN when this host cannot
	 * wait here (the guest is suspended: WASI_STATUS_BLOCKED).
	 */
	uint16_t (*poll)(void *arg, struct wasi_host_pollfd *fds, size_t nfds, bool has_deadline,
			 uint32_t clock_id, uint64_t deadline_ns);
	/* yield: 0 after yielding, WASI_EAGAIN to be suspended once */
	uint16_t (*yield)(void *arg);
	/* exit: told about proc_exit (optional, may be NULL) */
	void (*exit)(void *arg, uint32_t code);
	/* preempt: whether the guest's time is up, so a long call should stop
	 * at its next chunk with WASI_STATUS_YIELD (optional: NULL, never).
	 * Called between chunks of one call, so it must be cheap. */
	bool (*preempt)(void *arg);
	/* trace: told the name of each handle service ("read", "open", ...)
	 * before lib/wasi calls it, on a stdio stream or a file (optional;
	 * the kernel's wasm:hostcall tracepoint). trace_on (optional): trace
	 * is called only while *trace_on holds, so that a disabled tracepoint
	 * costs a handle service one load and a branch, not a call. */
	void (*trace)(void *arg, const char *service);
	const _Atomic bool *trace_on;
};
