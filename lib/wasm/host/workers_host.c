/*
 * workers_host.c - validation workers on the host: a detached thread per
 * worker for each validation. Starting a thread costs tens of
 * microseconds, little beside the milliseconds of a module big enough to
 * be cut into runs (validate_bodies.c).
 */
#include "wasm/host/workers_host.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
	void (*work)(void *arg);
	void *arg;
};

static void *job_main(void *p)
{
	struct job j = *(struct job *)p;

	free(p);
	j.work(j.arg);
	return NULL;
}

static unsigned threads_start(void *ctx, void (*work)(void *arg), void *arg, unsigned n)
{
	pthread_attr_t attr;
	unsigned started = 0;

	(void)ctx;
	if (pthread_attr_init(&attr))
		return 0;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (; started < n; started++) {
		struct job *j = malloc(sizeof(*j));
		pthread_t t;

		if (!j)
			break;
		j->work = work;
		j->arg = arg;
		if (pthread_create(&t, &attr, job_main, j)) {
			free(j);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return started;
}

/* The caller may wait on threads that share its core: let them run. */
static void threads_relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}

void wasm_workers_host(struct wasm_workers *w, int n)
{
	if (n < 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus > 1 ? (int)(cpus > 64 ? 63 : cpus - 1) : 0;
	}
	*w = (struct wasm_workers){
		.n = (unsigned)n, .start = threads_start, .relax = threads_relax, .join = true};
}
