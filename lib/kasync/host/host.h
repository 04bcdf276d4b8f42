/*
 * host.h - the host implementation of the kasync platform (platform.h):
 * worker threads carry their CPU id in thread-local state, wake_cpu and
 * wait_event are a futex per CPU, time is CLOCK_MONOTONIC. Also: worker
 * threads and block_on for test and benchmark threads outside the executor.
 */
#pragma once

#include <pthread.h>
#include <stdint.h>

#include "kasync/exec.h"
#include "kasync/platform.h"

struct kasync_host {
	struct kasync_platform plat;
	struct {
		_Alignas(64) _Atomic uint32_t event;
	} cpus[KASYNC_MAX_CPUS];
};

/* kasync_host_init - fills in h->plat (pass &h->plat to kasync_exec_init). */
void kasync_host_init(struct kasync_host *h);

/* kasync_host_set_cpu - the calling thread is CPU `cpu` of `h` (KASYNC_NO_CPU: none). */
void kasync_host_set_cpu(struct kasync_host *h, uint32_t cpu);

/* Worker threads 0..n-1 each running kasync_worker_run until the executor closes. */
struct kasync_host_workers {
	struct kasync_host *host;
	struct kasync_exec *exec;
	uint32_t n;
	pthread_t threads[KASYNC_MAX_CPUS];
};

/* Errors: ERR_INVAL (n), ERR_NOMEM (a thread could not start; those started are joined). */
int kasync_host_workers_start(struct kasync_host_workers *w, struct kasync_host *h,
			      struct kasync_exec *exec, uint32_t n);
void kasync_host_workers_join(struct kasync_host_workers *w);

/*
 * kasync_host_block_on - polls `poll(arg)` on the calling thread (not a
 * worker) until READY, parking between polls. Returns the poll's *err.
 */
int kasync_host_block_on(struct kasync_exec *exec, kasync_poll_fn poll, void *arg);

/* kasync_host_block_on_join - waits for a join handle; 0 or ERR_CANCELLED. */
int kasync_host_block_on_join(struct kasync_exec *exec, struct kasync_join *jh, void *out);
