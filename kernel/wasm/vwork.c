/*
 * vwork.c - validation workers in the kernel (see vwork.h).
 *
 * A worker task runs work(arg) in its first poll and is done: validation
 * is plain computation that never waits. The caller validates too, so a
 * load goes no slower when every other CPU is busy; it only spins for
 * workers already in a run (on other CPUs: the kernel does not preempt
 * kernel code, so they finish it).
 */
#include "wasm/vwork.h"

#include <stdlib.h>

#include "arch/arch.h"
#include "core/cpu.h"
#include "kasync/task.h"
#include "sched/sched.h"

struct vwork {
	struct kasync_task task; /* first member */
	void (*work)(void *arg);
	void *arg;
};

static enum kasync_poll vwork_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct vwork *w = (struct vwork *)task;

	(void)cx;
	w->work(w->arg);
	return KASYNC_READY;
}

static void vwork_dealloc(struct kasync_task *task)
{
	free(task);
}

static const struct kasync_task_vtable vwork_vt = {.poll = vwork_poll, .dealloc = vwork_dealloc};

static unsigned vwork_start(void *ctx, void (*work)(void *arg), void *arg, unsigned n)
{
	unsigned started = 0;

	(void)ctx;
	for (; started < n; started++) {
		struct vwork *w = calloc(1, sizeof(*w));

		if (!w)
			break;
		kasync_task_init(&w->task, &vwork_vt, "validate");
		w->work = work;
		w->arg = arg;
		if (kasync_spawn(&kexec, &w->task, NULL))
			break; /* it was released through its dealloc */
	}
	return started;
}

static void vwork_relax(void *ctx)
{
	(void)ctx;
	arch_cpu_relax();
}

void vwork_workers(struct wasm_workers *w)
{
	/* ncpus is set by the boot CPU before any program runs */
	*w = (struct wasm_workers){.n = ncpus - 1, .start = vwork_start, .relax = vwork_relax};
}
