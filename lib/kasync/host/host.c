/*
 * host.c - the host platform for kasync (see host.h). The per-CPU event word
 * is EV_PENDING while a wake is pending, EV_SLEEPING while its worker is in
 * (or about to enter) futex_wait; wait_event consumes a pending wake or
 * sleeps. wake_cpu makes the futex_wake system call only for a sleeper: a
 * worker still spinning or searching finds the pending wake by itself.
 */
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "kasync/host/host.h"

enum { EV_NONE, EV_PENDING, EV_SLEEPING };

static _Thread_local struct kasync_host *tls_host;
static _Thread_local uint32_t tls_cpu = KASYNC_NO_CPU;

static void futex_wait(_Atomic uint32_t *w, uint32_t val, const struct timespec *rel)
{
	syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT_PRIVATE, val, rel, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, (uint32_t *)w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static uint64_t host_now(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t host_cpu_id(void *ctx)
{
	return tls_host == ctx ? tls_cpu : KASYNC_NO_CPU;
}

static void host_wake_cpu(void *ctx, uint32_t cpu)
{
	struct kasync_host *h = ctx;
	if (atomic_exchange(&h->cpus[cpu].event, EV_PENDING) == EV_SLEEPING)
		futex_wake(&h->cpus[cpu].event);
}

static void host_wait_event(void *ctx, uint32_t cpu, uint64_t deadline)
{
	struct kasync_host *h = ctx;
	struct timespec rel, *relp = NULL;
	uint32_t none = EV_NONE;

	if (atomic_exchange(&h->cpus[cpu].event, EV_NONE) == EV_PENDING)
		return;
	if (deadline != KASYNC_NO_DEADLINE) {
		uint64_t now = host_now(ctx);
		if (deadline <= now)
			return;
		rel.tv_sec = (time_t)((deadline - now) / 1000000000ull);
		rel.tv_nsec = (long)((deadline - now) % 1000000000ull);
		relp = &rel;
	}
	/* a wake after this sees EV_SLEEPING and calls futex_wake; one before it fails the CAS */
	if (atomic_compare_exchange_strong(&h->cpus[cpu].event, &none, EV_SLEEPING))
		futex_wait(&h->cpus[cpu].event, EV_SLEEPING, relp);
	atomic_store(&h->cpus[cpu].event, EV_NONE);
}

void kasync_host_init(struct kasync_host *h)
{
	h->plat.ctx = h;
	h->plat.cpu_id = host_cpu_id;
	h->plat.wake_cpu = host_wake_cpu;
	h->plat.wait_event = host_wait_event;
	h->plat.now_ns = host_now;
	for (unsigned i = 0; i < KASYNC_MAX_CPUS; i++)
		atomic_init(&h->cpus[i].event, EV_NONE);
}

void kasync_host_set_cpu(struct kasync_host *h, uint32_t cpu)
{
	tls_host = cpu == KASYNC_NO_CPU ? NULL : h;
	tls_cpu = cpu;
}

struct worker_arg {
	struct kasync_host_workers *w;
	uint32_t cpu;
};

static void *worker_main(void *p)
{
	struct worker_arg a = *(struct worker_arg *)p;
	free(p);
	kasync_host_set_cpu(a.w->host, a.cpu);
	kasync_worker_run(a.w->exec, a.cpu);
	kasync_host_set_cpu(a.w->host, KASYNC_NO_CPU);
	return NULL;
}

int kasync_host_workers_start(struct kasync_host_workers *w, struct kasync_host *h,
			      struct kasync_exec *exec, uint32_t n)
{
	if (n == 0 || n > exec->ncpu)
		return ERR_INVAL;
	w->host = h;
	w->exec = exec;
	w->n = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct worker_arg *a = malloc(sizeof(*a));
		if (a == NULL)
			goto fail;
		a->w = w;
		a->cpu = i;
		if (pthread_create(&w->threads[i], NULL, worker_main, a) != 0) {
			free(a);
			goto fail;
		}
		w->n++;
	}
	return 0;
fail:
	kasync_exec_close(exec);
	kasync_host_workers_join(w);
	return ERR_NOMEM;
}

void kasync_host_workers_join(struct kasync_host_workers *w)
{
	for (uint32_t i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	w->n = 0;
}

/* A parker: a heap-allocated, reference-counted futex word (wakers may outlive block_on). */
struct parker {
	_Atomic uint32_t refs;
	_Atomic uint32_t notified;
};

static void pk_clone(void *d)
{
	struct parker *p = d;
	atomic_fetch_add(&p->refs, 1);
}

static void pk_drop(void *d)
{
	struct parker *p = d;
	if (atomic_fetch_sub(&p->refs, 1) == 1)
		free(p);
}

static void pk_wake_by_ref(void *d)
{
	struct parker *p = d;
	if (atomic_exchange(&p->notified, 1) == 0)
		futex_wake(&p->notified);
}

static void pk_wake(void *d)
{
	pk_wake_by_ref(d);
	pk_drop(d);
}

static const struct kasync_waker_vtable parker_vt = {
	.clone = pk_clone,
	.wake = pk_wake,
	.wake_by_ref = pk_wake_by_ref,
	.drop = pk_drop,
};

int kasync_host_block_on(struct kasync_exec *exec, kasync_poll_fn poll, void *arg)
{
	struct parker *p = malloc(sizeof(*p));
	struct kasync_cx cx;
	int err = 0;

	if (p == NULL)
		return ERR_NOMEM;
	atomic_init(&p->refs, 1);
	atomic_init(&p->notified, 0);
	cx.waker.vt = &parker_vt;
	cx.waker.data = p;
	cx.task = NULL;
	cx.exec = exec;
	while (poll(arg, &cx, &err) == KASYNC_PENDING) {
		while (atomic_exchange(&p->notified, 0) == 0)
			futex_wait(&p->notified, 0, NULL);
	}
	pk_drop(p);
	return err;
}

struct join_arg {
	struct kasync_join *jh;
	void *out;
};

static enum kasync_poll join_poll(void *arg, struct kasync_cx *cx, int *err)
{
	struct join_arg *a = arg;
	return kasync_join_poll(a->jh, cx, a->out, err);
}

int kasync_host_block_on_join(struct kasync_exec *exec, struct kasync_join *jh, void *out)
{
	struct join_arg a = {jh, out};
	return kasync_host_block_on(exec, join_poll, &a);
}
