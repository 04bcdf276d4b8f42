/*
 * proc_host.c - the kernel's WASI environment (struct wasi_env,
 * wasi/wasi_env.h) for one program: clocks from rdtime, randomness of its
 * own (below), stdio streams through the program's io callbacks (or the
 * console), waiting through the executor (a blocked call suspends the
 * program with a waker registered), and the wasm:hostcall tracepoint. Its
 * files are the io.files host (the VFS: lib/vfs/wasi_vfs.h), which lib/wasi
 * calls directly.
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
#define TRACE(p, s) TRACE_POINT(wasm, hostcall, (p)->name, (s))

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

/* stdin: io.read, or at its end without one (lib/wasi traced "read"). */
static uint16_t h_stdio_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	if (hfd != WASI_ENV_STDIN)
		return WASI_EBADF;
	if (!p->io.read) {
		*out_n = 0;
		return 0;
	}
	return p->io.read(p->io.arg, buf, len, out_n, &p->cx->waker);
}

/* stdout and stderr: io.write_wait (which may make the guest wait), or
 * io.write or the console, always all of it. */
static uint16_t h_stdio_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n)
{
	struct wasm_proc *p = P(arg);

	if (hfd == WASI_ENV_STDIN)
		return WASI_EBADF;
	if (p->io.write_wait)
		return p->io.write_wait(p->io.arg, hfd == WASI_ENV_STDOUT ? 1 : 2, buf, len, out_n,
					&p->cx->waker);
	out_write(p, hfd == WASI_ENV_STDOUT ? 1 : 2, buf, len);
	*out_n = len;
	return 0;
}

/* The handle services lib/wasi routes (to the stdio streams above or to
 * io.files) are traced here, under the names they always had. */
static void h_trace(void *arg, const char *service)
{
	TRACE(P(arg), service);
}

/*
 * poll: files are always ready, and output streams unless io.write_wait
 * says otherwise; stdin asks io.read with len 0 (which registers the waker
 * when not ready), stdout and stderr ask io.write_wait the same way. With nothing ready and
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
		size_t n = 0;
		if (fds[i].hfd == WASI_ENV_STDIN && !fds[i].want_write) {
			fds[i].ready = !p->io.read || p->io.read(p->io.arg, NULL, 0, &n,
								 &p->cx->waker) != WASI_EAGAIN;
			fds[i].hangup = !p->io.read;
		} else if ((fds[i].hfd == WASI_ENV_STDOUT || fds[i].hfd == WASI_ENV_STDERR) &&
			   fds[i].want_write && p->io.write_wait) {
			fds[i].ready =
				p->io.write_wait(p->io.arg, fds[i].hfd == WASI_ENV_STDOUT ? 1 : 2,
						 NULL, 0, &n, &p->cx->waker) != WASI_EAGAIN;
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
	p->env = (struct wasi_env){
		.arg = p,
		.clock_time = h_clock_time,
		.clock_res = h_clock_res,
		.random = h_random,
		.stdio_read = h_stdio_read,
		.stdio_write = h_stdio_write,
		.poll = h_poll,
		.yield = h_yield,
		.preempt = h_preempt,
		.trace = h_trace,
		.trace_on = &trace_event_state_wasm_hostcall.enabled,
	};
}
