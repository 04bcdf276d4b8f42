/*
 * mem_host.c - the mmap-guarded memory provider and the fault-to-trap
 * signal handler (host only).
 *
 * Invariant: `guard_top` is the calling thread's innermost guard frame (or
 * NULL); each frame lives in a wasm_mem_host_guard_call activation that is
 * still on this thread's stack, so the handler may siglongjmp to it.
 *
 * Process-wide state (the handlers that were installed before ours) is set
 * once under pthread_once and only read afterwards.
 */
#include "wasm/host/mem_host.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "base/err.h"

/* ---- the guarded provider ---- */

static int guarded_reserve(void *arg, uint64_t bytes, uint8_t **out_base)
{
	void *p;

	(void)arg;
	if (bytes > SIZE_MAX)
		return ERR_NOMEM;
	p = mmap(NULL, (size_t)bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		 0);
	if (p == MAP_FAILED)
		return ERR_NOMEM;
	*out_base = p;
	return 0;
}

/* Fresh anonymous pages read as zero, and pages are never decommitted, so
 * making them accessible is all that "zero-filled" needs. */
static int guarded_commit(void *arg, uint8_t **base_io, uint64_t old_bytes, uint64_t new_bytes)
{
	(void)arg;
	if (new_bytes <= old_bytes)
		return ERR_INVAL;
	if (mprotect(*base_io + old_bytes, (size_t)(new_bytes - old_bytes), PROT_READ | PROT_WRITE))
		return ERR_NOMEM;
	return 0;
}

static void guarded_release(void *arg, uint8_t *base, uint64_t bytes)
{
	(void)arg;
	munmap(base, (size_t)bytes);
}

static const struct wasm_mem_provider guarded_provider = {
	.name = "mmap-guarded",
	.guarded = true,
	.reserve_bytes = WASM_MEM_GUARDED_RESERVE,
	.reserve = guarded_reserve,
	.commit = guarded_commit,
	.release = guarded_release,
};

const struct wasm_mem_provider *wasm_mem_host_guarded(void)
{
	return &guarded_provider;
}

/* ---- faults ---- */

struct guard_frame {
	bool (*owns)(const void *ctx, uintptr_t addr);
	const void *ctx;
	struct guard_frame *prev;
	sigjmp_buf landing;
	volatile uintptr_t fault_addr;
	volatile int fault_signo;
	volatile uintptr_t fault_pc, fault_fp;
};

/* initial-exec: reading it from the signal handler must not allocate. */
static _Thread_local struct guard_frame *guard_top __attribute__((tls_model("initial-exec")));

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;
static struct sigaction prev_segv, prev_bus;

static void chain_fault(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
	struct sigaction dfl = {.sa_handler = SIG_DFL};

	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, si, uc);
	} else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
	} else {
		/* Returning re-executes the access, which now takes the
		 * default action (core dump). */
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, NULL);
	}
}

/* The compiler tier's backtrace starts at the faulting pc and its s0. */
static void fault_regs(const void *uc, struct guard_frame *f)
{
#if defined(__riscv) && __riscv_xlen == 64
	const ucontext_t *u = uc;

	f->fault_pc = u->uc_mcontext.__gregs[REG_PC];
	f->fault_fp = u->uc_mcontext.__gregs[REG_S0];
#else
	(void)uc;
	f->fault_pc = 0;
	f->fault_fp = 0;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;

	for (struct guard_frame *f = guard_top; f; f = f->prev) {
		if (f->owns(f->ctx, addr)) {
			f->fault_addr = addr;
			f->fault_signo = sig;
			fault_regs(uc, f);
			siglongjmp(f->landing, 1);
		}
	}
	chain_fault(sig, si, uc);
}

static void install(void)
{
	struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &prev_segv) || sigaction(SIGBUS, &sa, &prev_bus))
		install_err = ERR_IO;
}

int wasm_mem_host_guard_install(void)
{
	pthread_once(&install_once, install);
	return install_err;
}

static bool memory_owns(const void *ctx, uintptr_t addr)
{
	const struct wasm_memory *m = ctx;

	return m->guarded && wasm_memory_owns_address(m, addr);
}

int wasm_mem_host_guard_call(const struct wasm_memory *m, int (*fn)(void *arg), void *arg,
			     struct wasm_mem_fault *out_fault)
{
	return wasm_mem_host_guard_call_owned(memory_owns, m, fn, arg, out_fault);
}

int wasm_mem_host_guard_call_owned(bool (*owns)(const void *ctx, uintptr_t addr), const void *ctx,
				   int (*fn)(void *arg), void *arg,
				   struct wasm_mem_fault *out_fault)
{
	struct guard_frame f = {.owns = owns, .ctx = ctx, .prev = guard_top};
	int ret;

	/* savemask = 1: the handler runs with the signal blocked, and the
	 * jump back must unblock it. */
	if (sigsetjmp(f.landing, 1)) {
		guard_top = f.prev;
		out_fault->addr = f.fault_addr;
		out_fault->signo = f.fault_signo;
		out_fault->pc = f.fault_pc;
		out_fault->fp = f.fault_fp;
		return ERR_TRAP;
	}
	guard_top = &f;
	/* The handler on this thread must see the frame before fn runs. */
	atomic_signal_fence(memory_order_seq_cst);
	ret = fn(arg);
	guard_top = f.prev;
	return ret;
}
