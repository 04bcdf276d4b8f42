/*
 * kasync_util.h - shared by the kasync host tests: a counted test task whose
 * behaviour is a plain poll function, and a running executor with N worker
 * threads. Every test checks that tasks allocated == tasks freed.
 */
#pragma once

#include <stdatomic.h>
#include <stdlib.h>

#include "kasync/exec.h"
#include "kasync/host/host.h"

extern _Atomic long kt_allocs, kt_frees;

struct kt;
typedef enum kasync_poll (*kt_fn)(struct kt *self, struct kasync_cx *cx);

struct kt {
	struct kasync_task task;
	kt_fn fn;
	void *arg;
	int step;
	long n, i;
	long out;
	struct kasync_yield y;
	struct kasync_join join;
	_Atomic long *counter;
};

struct kt *kt_new(kt_fn fn, void *arg);

struct rt {
	struct kasync_host host;
	struct kasync_exec exec;
	struct kasync_host_workers w;
};

/* rt_init - executor for `ncpu` CPUs, no workers yet. rt_start starts `n` workers. */
int rt_init(struct rt *rt, uint32_t ncpu);
int rt_start(struct rt *rt, uint32_t n);
/* rt_wait_close - joins the workers (the test closes the executor) and destroys. */
void rt_wait_close(struct rt *rt);
/* rt_stop - closes, joins, destroys. */
void rt_stop(struct rt *rt);

static inline long kt_live(void)
{
	return atomic_load(&kt_allocs) - atomic_load(&kt_frees);
}
