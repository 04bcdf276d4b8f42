/*
 * proc_host.c - the kernel's WASI host services (struct wasi_host) for one
 * program: clocks from rdtime, randomness of its own (below), stdio
 * through the program's io callbacks (or the console), waiting through the
 * executor (a blocked call suspends the program with a waker registered),
 * and every other handle forwarded to a pluggable files host.
 *
 * Randomness: SipHash-2-4 of a counter under a 128-bit key drawn for this
 * program from the CPU's generator. The guest never sees that generator's
 * outputs: they would give its state away, and with it the kernel's own
 * random placements (its seed is the one the VM layer's comes from).
 *
 * Invariant: services run only inside the program's poll (p->cx is set),
 * on the CPU that polls it; a service that returns WASI_EAGAIN has arranged
 * for the task to be woken (a waker clone is held by whoever will wake it,
 * or the task woke itself).
 */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/rand.h"
#include "core/console.h"
#include "core/cpu.h"
#include "sched/sched.h"
#include "wasm/proc_internal.h"

#define P(arg)	    ((struct wasm_proc *)(arg))
#define FILES(p)    ((p)->io.files)
#define TRACE(p, s) TRACE_POINT(wasm, hostcall, (p)->name, (s))

static bool is_stdio(int64_t hfd)
{
	return hfd <= PROC_HFD_STDIN && hfd >= PROC_HFD_STDERR;
}

static uint16_t h_clock_time(void *arg, uint32_t id, uint64_t *out_ns)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "clock_time");
	if (id == WASI_CLOCK_REALTIME)
		*out_ns = sched_realtime_ns();
	else if (id == WASI_CLOCK_MONOTONIC)
		*out_ns = sched_now_ns();
	else if (id == WASI_CLOCK_PROCESS_CPUTIME || id == WASI_CLOCK_THREAD_CPUTIME)
		*out_ns = sched_ticks_to_ns(
			atomic_load_explicit(&p->run_ticks, memory_order_relaxed)) /* own poll */;
	else
		return WASI_EINVAL;
	return 0;
}

static uint16_t h_clock_res(void *arg, uint32_t id, uint64_t *out_ns)
{
	TRACE(P(arg), "clock_res");
	if (id > WASI_CLOCK_THREAD_CPUTIME)
		return WASI_EINVAL;
	*out_ns = sched_ticks_to_ns(1) ? sched_ticks_to_ns(1) : 1;
	return 0;
}

static uint16_t h_random(void *arg, void *buf, size_t len)
{
	struct wasm_proc *p = P(arg);
	uint8_t *b = buf;

	TRACE(p, "random");
	while (len) {
		uint64_t r = siphash_u64(&p->rand_key, p->rand_ctr++);
		size_t n = len < sizeof(r) ? len : sizeof(r);
		memcpy(b, &r, n);
		b += n;
		len -= n;
	}
	return 0;
}

static void out_write(struct wasm_proc *p, int fd, const void *buf, size_t len)
{
	if (p->io.write)
		p->io.write(p->io.arg, fd, buf, len);
	else
		console_write(buf, len);
}

void proc_write_err(struct wasm_proc *p, const char *buf, size_t len)
{
	out_write(p, 2, buf, len);
}

static uint16_t h_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "read");
	if (hfd == PROC_HFD_STDIN) {
		if (!p->io.read) {
			*out_n = 0;
			return 0;
		}
		return p->io.read(p->io.arg, buf, len, out_n, &p->cx->waker);
	}
	if (is_stdio(hfd))
		return WASI_EBADF;
	if (!FILES(p) || !FILES(p)->read)
		return WASI_EBADF;
	return FILES(p)->read(FILES(p)->arg, hfd, buf, len, out_n);
}

static uint16_t h_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "write");
	if (hfd == PROC_HFD_STDOUT || hfd == PROC_HFD_STDERR) {
		out_write(p, hfd == PROC_HFD_STDOUT ? 1 : 2, buf, len);
		*out_n = len;
		return 0;
	}
	if (is_stdio(hfd) || !FILES(p) || !FILES(p)->write)
		return WASI_EBADF;
	return FILES(p)->write(FILES(p)->arg, hfd, buf, len, out_n);
}

static uint16_t h_pread(void *arg, int64_t hfd, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "pread");
	if (is_stdio(hfd))
		return WASI_ESPIPE;
	if (!FILES(p) || !FILES(p)->pread)
		return WASI_EBADF;
	return FILES(p)->pread(FILES(p)->arg, hfd, buf, len, off, out_n);
}

static uint16_t h_pwrite(void *arg, int64_t hfd, const void *buf, size_t len, uint64_t off,
			 size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "pwrite");
	if (is_stdio(hfd))
		return WASI_ESPIPE;
	if (!FILES(p) || !FILES(p)->pwrite)
		return WASI_EBADF;
	return FILES(p)->pwrite(FILES(p)->arg, hfd, buf, len, off, out_n);
}

static uint16_t h_open(void *arg, int64_t dir, const char *path, uint32_t oflags, uint32_t fdflags,
		       bool read, bool write, bool follow, int64_t *out_hfd)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "open");
	if (is_stdio(dir))
		return WASI_ENOTDIR;
	if (!FILES(p) || !FILES(p)->open)
		return WASI_ENOSYS;
	return FILES(p)->open(FILES(p)->arg, dir, path, oflags, fdflags, read, write, follow,
			      out_hfd);
}

static uint16_t h_close(void *arg, int64_t hfd)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "close");
	if (is_stdio(hfd))
		return 0;
	if (!FILES(p) || !FILES(p)->close)
		return WASI_EBADF;
	return FILES(p)->close(FILES(p)->arg, hfd);
}

static uint16_t h_seek(void *arg, int64_t hfd, int64_t off, uint8_t whence, uint64_t *out_pos)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "seek");
	if (is_stdio(hfd))
		return WASI_ESPIPE;
	if (!FILES(p) || !FILES(p)->seek)
		return WASI_EBADF;
	return FILES(p)->seek(FILES(p)->arg, hfd, off, whence, out_pos);
}

static uint16_t h_fstat(void *arg, int64_t hfd, struct wasi_host_filestat *out)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "fstat");
	if (is_stdio(hfd)) {
		*out = (struct wasi_host_filestat){.type = WASI_FILETYPE_CHARACTER_DEVICE,
						   .nlink = 1};
		return 0;
	}
	if (!FILES(p) || !FILES(p)->fstat)
		return WASI_EBADF;
	return FILES(p)->fstat(FILES(p)->arg, hfd, out);
}

static uint16_t h_stat(void *arg, int64_t dir, const char *path, bool follow,
		       struct wasi_host_filestat *out)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "stat");
	if (is_stdio(dir))
		return WASI_ENOTDIR;
	if (!FILES(p) || !FILES(p)->stat)
		return WASI_ENOSYS;
	return FILES(p)->stat(FILES(p)->arg, dir, path, follow, out);
}

static uint16_t h_get_flags(void *arg, int64_t hfd, uint32_t *out_flags)
{
	struct wasm_proc *p = P(arg);

	if (is_stdio(hfd)) {
		*out_flags = 0;
		return 0;
	}
	if (!FILES(p) || !FILES(p)->get_flags)
		return WASI_EBADF;
	return FILES(p)->get_flags(FILES(p)->arg, hfd, out_flags);
}

static uint16_t h_set_flags(void *arg, int64_t hfd, uint32_t flags)
{
	struct wasm_proc *p = P(arg);

	if (is_stdio(hfd))
		return flags ? WASI_ENOTSUP : 0;
	if (!FILES(p) || !FILES(p)->set_flags)
		return WASI_EBADF;
	return FILES(p)->set_flags(FILES(p)->arg, hfd, flags);
}

static uint16_t h_readdir(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn, void *cb_arg)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "readdir");
	if (is_stdio(hfd))
		return WASI_ENOTDIR;
	if (!FILES(p) || !FILES(p)->readdir)
		return WASI_EBADF;
	return FILES(p)->readdir(FILES(p)->arg, hfd, cookie, fn, cb_arg);
}

/* mkdir, rmdir and unlink share one shape. */
#define DIR_OP(op)                                                       \
	static uint16_t h_##op(void *arg, int64_t dir, const char *path) \
	{                                                                \
		struct wasm_proc *p = P(arg);                            \
                                                                         \
		TRACE(p, #op);                                           \
		if (is_stdio(dir))                                       \
			return WASI_ENOTDIR;                             \
		if (!FILES(p) || !FILES(p)->op)                          \
			return WASI_ENOSYS;                              \
		return FILES(p)->op(FILES(p)->arg, dir, path);           \
	}
DIR_OP(mkdir)
DIR_OP(rmdir)
DIR_OP(unlink)

static uint16_t h_rename(void *arg, int64_t dir, const char *path, int64_t new_dir,
			 const char *new_path)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "rename");
	if (is_stdio(dir) || is_stdio(new_dir))
		return WASI_ENOTDIR;
	if (!FILES(p) || !FILES(p)->rename)
		return WASI_ENOSYS;
	return FILES(p)->rename(FILES(p)->arg, dir, path, new_dir, new_path);
}

static uint16_t h_sync(void *arg, int64_t hfd, bool data_only)
{
	struct wasm_proc *p = P(arg);

	if (is_stdio(hfd))
		return 0;
	if (!FILES(p) || !FILES(p)->sync)
		return 0;
	return FILES(p)->sync(FILES(p)->arg, hfd, data_only);
}

/*
 * poll: output streams and files are always ready; stdin asks io.read with
 * len 0 (which registers the waker when not ready). With nothing ready and
 * a deadline ahead, an executor sleep until the deadline holds the waker.
 */
static uint16_t h_poll(void *arg, struct wasi_host_pollfd *fds, size_t nfds, bool has_deadline,
		       uint32_t clock_id, uint64_t deadline_ns)
{
	struct wasm_proc *p = P(arg);
	bool any = false;

	TRACE(p, "poll");
	if (has_deadline && clock_id == WASI_CLOCK_REALTIME) { /* to the monotonic clock */
		uint64_t offset = sched_realtime_ns() - sched_now_ns();
		deadline_ns = deadline_ns > offset ? deadline_ns - offset : 0;
	}
	for (size_t i = 0; i < nfds; i++) {
		fds[i].ready = true;
		if (fds[i].hfd == PROC_HFD_STDIN && !fds[i].want_write) {
			size_t n = 0;
			fds[i].ready = !p->io.read || p->io.read(p->io.arg, NULL, 0, &n,
								 &p->cx->waker) != WASI_EAGAIN;
			fds[i].hangup = !p->io.read;
		}
		any |= fds[i].ready;
	}
	if (any || (has_deadline && sched_now_ns() >= deadline_ns))
		return 0;
	if (has_deadline) {
		kasync_sleep_drop(&p->sleep);
		kasync_sleep_until_init(&p->sleep, &kexec, deadline_ns);
		if (kasync_sleep_poll(&p->sleep, p->cx) == KASYNC_READY)
			return 0;
	}
	return WASI_EAGAIN;
}

/* preempt: the slice timer asked the guest to yield; a long call (random,
 * big reads and writes) then stops at its next chunk and the program is
 * queued again like any preempted one (WASI_STATUS_YIELD). */
static bool h_preempt(void *arg)
{
	struct wasm_proc *p = P(arg);

	return p->exec && wasm_exec_yield_requested(p->exec);
}

/* yield: suspends once; the task is queued again at once. */
static uint16_t h_yield(void *arg)
{
	struct wasm_proc *p = P(arg);

	TRACE(p, "yield");
	kasync_waker_wake_by_ref(&p->cx->waker);
	return WASI_EAGAIN;
}

void proc_host_init(struct wasm_proc *p)
{
	bool irq = arch_irq_save(); /* the CPU's generator: irqs off */
	p->rand_key =
		(struct siphash_key){rand_next(&cpu_this()->rng), rand_next(&cpu_this()->rng)};
	arch_irq_restore(irq);
	p->rand_ctr = 0;
	p->host = (struct wasi_host){
		.arg = p,
		.clock_time = h_clock_time,
		.clock_res = h_clock_res,
		.random = h_random,
		.read = h_read,
		.write = h_write,
		.pread = h_pread,
		.pwrite = h_pwrite,
		.open = h_open,
		.close = h_close,
		.seek = h_seek,
		.fstat = h_fstat,
		.stat = h_stat,
		.get_flags = h_get_flags,
		.set_flags = h_set_flags,
		.readdir = h_readdir,
		.mkdir = h_mkdir,
		.rmdir = h_rmdir,
		.unlink = h_unlink,
		.rename = h_rename,
		.sync = h_sync,
		.poll = h_poll,
		.yield = h_yield,
		.preempt = h_preempt,
	};
}
