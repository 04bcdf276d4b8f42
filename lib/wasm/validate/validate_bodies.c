/*
 * validate_bodies.c - validating every function body, by the caller alone
 * or with workers (struct wasm_workers: tasks on other CPUs, threads).
 *
 * Bodies are independent once the module's sections are known. The
 * defined functions are cut into runs of consecutive functions with about
 * `run_bytes` of code each; the caller and the workers take runs in order
 * from one counter, and each validates its runs' functions in order with
 * scratch stacks of its own. A failure in run c is kept if no earlier run
 * has failed, and runs after a kept failure are skipped. Runs are taken in
 * order and skipping only looks forward, so every run before the first
 * failing one in module order is validated whole: the error reported is
 * the first invalid function's, as when the caller is alone.
 *
 * The shared state is counted: the caller and each started worker hold a
 * reference and the last one frees it, so a worker that starts after the
 * caller has returned takes a run number past the end and leaves without
 * touching the module.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "wasm/validate/validate_internal.h"

#define RUN_BYTES_DEFAULT (64u * 1024)

struct par {
	struct wasm_module *m;
	const uint8_t *refs;
	uint32_t nruns;
	uint32_t *run_start; /* nruns + 1 function indices */
	atomic_uint next;    /* the next run to take */
	atomic_uint done;    /* runs validated or skipped */
	atomic_uint failed;  /* the earliest run known to fail; nruns: none */
	atomic_uint holders; /* the caller and the started workers */
	struct spin lock;    /* the module's arena; rc and err */
	int rc;
	struct wasm_error err;
};

static int validate_alone(struct wasm_module *m, const uint8_t *refs, struct wasm_error *err)
{
	struct vfunc v = {.m = m, .err = err, .refs = refs};
	int rc = 0;

	for (uint32_t i = m->nfunc_imports; i < m->nfuncs && !rc; i++)
		rc = wasm_vf_validate_func(&v, i);
	wasm_vf_free(&v);
	return rc;
}

static void par_unref(struct par *p)
{
	/* acq_rel: the last holder frees what the others wrote to */
	if (atomic_fetch_sub_explicit(&p->holders, 1, memory_order_acq_rel) != 1)
		return;
	free(p->run_start);
	free(p);
}

static void run_validate(struct par *p, struct vfunc *v, uint32_t run)
{
	for (uint32_t fi = p->run_start[run]; fi < p->run_start[run + 1]; fi++) {
		if (!wasm_vf_validate_func(v, fi))
			continue;
		spin_acquire(&p->lock);
		/* relaxed: the lock orders it; others read it only to skip */
		if (run < atomic_load_explicit(&p->failed, memory_order_relaxed)) {
			atomic_store_explicit(&p->failed, run, memory_order_relaxed);
			p->rc = v->rc;
			p->err = *v->err;
		}
		spin_release(&p->lock);
		return;
	}
}

static void par_work(void *arg)
{
	struct par *p = arg;
	struct wasm_error err;
	struct vfunc v = {.m = p->m, .err = &err, .refs = p->refs, .arena_lock = &p->lock};
	uint32_t run;

	/* relaxed: a run number is only a claim; what a run wrote is
	 * published by the release on `done` below */
	while ((run = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed)) < p->nruns) {
		if (run < atomic_load_explicit(&p->failed, memory_order_relaxed))
			run_validate(p, &v, run);
		atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
	}
	wasm_vf_free(&v);
	par_unref(p);
}

/* Cuts the defined functions into runs of about run_bytes of code: their
 * count, and (starts not NULL) each run's first function, then nfuncs. */
static uint32_t par_cut(const struct wasm_module *m, size_t run_bytes, uint32_t *starts)
{
	size_t acc = 0;
	uint32_t n = 0;

	for (uint32_t fi = m->nfunc_imports; fi < m->nfuncs; fi++) {
		if (acc == 0) {
			if (starts)
				starts[n] = fi;
			n++;
		}
		acc += m->funcs[fi].code_end - m->funcs[fi].body_start;
		if (acc >= run_bytes)
			acc = 0;
	}
	if (starts)
		starts[n] = m->nfuncs;
	return n;
}

static void par_relax(const struct wasm_workers *w)
{
	if (w->relax)
		w->relax(w->ctx);
	else
		spin_relax();
}

int wasm_validate_bodies(struct wasm_module *m, const uint8_t *refs, const struct wasm_workers *w,
			 struct wasm_error *err)
{
	size_t run_bytes = w && w->run_bytes ? w->run_bytes : RUN_BYTES_DEFAULT;
	struct par *p;
	unsigned started;
	uint32_t nruns;
	int rc;

	if (!w || !w->n || (nruns = par_cut(m, run_bytes, NULL)) < 2)
		return validate_alone(m, refs, err);
	p = calloc(1, sizeof(*p));
	if (p)
		p->run_start = malloc(((size_t)nruns + 1) * sizeof(*p->run_start));
	if (!p || !p->run_start) {
		free(p);
		return validate_alone(m, refs, err);
	}
	p->m = m;
	p->refs = refs;
	p->nruns = par_cut(m, run_bytes, p->run_start);
	spin_init(&p->lock);
	atomic_init(&p->next, 0);
	atomic_init(&p->done, 0);
	atomic_init(&p->failed, p->nruns);
	/* the caller holds two references (par_work below drops one) and
	 * every worker's is counted before any may start; those not started
	 * are given back: the count never reaches zero while the caller
	 * holds its own */
	atomic_init(&p->holders, 2 + w->n);
	started = w->start(w->ctx, par_work, p, w->n);
	if (started < w->n)
		atomic_fetch_sub_explicit(&p->holders, w->n - started, memory_order_relaxed);
	par_work(p);
	/* acquire: pairs with each run's release, so what the workers wrote
	 * to the module (and p->rc, p->err) is seen whole */
	while (atomic_load_explicit(&p->done, memory_order_acquire) < p->nruns)
		par_relax(w);
	/* relaxed: nothing is read after it but the count */
	while (w->join && atomic_load_explicit(&p->holders, memory_order_relaxed) > 1)
		par_relax(w);
	rc = p->rc;
	if (rc && err)
		*err = p->err;
	par_unref(p);
	return rc;
}
