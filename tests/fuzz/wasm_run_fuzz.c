/*
 * wasm_run_fuzz.c - libFuzzer target: decode, validate, instantiate and run
 * any bytes.
 *
 * Every import is satisfied with a host object of the right type (host
 * functions return zeros, and block once every other call so suspension
 * and retry are exercised); the start function, then every exported
 * function, then every other defined function run with zero arguments,
 * each on a fresh exec with a fuel limit, small stack limits, and a small
 * run budget so that wasm_run is resumed many times. Small memory and
 * table limits keep one input cheap.
 *
 * Translation is lazy (the default): a function is translated on its
 * first call, from the host, a call or a call_indirect, so calling every
 * function gives every body to the translator. A module with more than
 * FUZZ_MAX_DIRECT defined functions is instantiated with eager_code
 * instead (all translated at instantiation: calling each would make one
 * input slow), so both modes stay fuzzed.
 *
 * Nothing may crash, hang, leak (ASan checks at exit) or break the engine's
 * promises: a returned call yields its type's result count, a trap has a
 * known kind and a sane backtrace, an exec is idle after either.
 *
 * Memory is checked (bounds checks in the interpreter); with the environment
 * variable WASM_FUZZ_GUARDED=1 it is guarded (mmap reservations, faults
 * turned into traps by host/runtime_host.c), the path without checks. Crashers
 * are kept in tests/fuzz/regress/wasm_run/ and replayed by make test
 * (tests/fuzz/replay.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/host/runtime_host.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/runtime.h"

#define FUZZ_FUEL	 20000
#define FUZZ_BUDGET	 997 /* odd, so suspensions land all over the code */
#define FUZZ_MAX_RESUMES (4 * FUZZ_FUEL)
#define FUZZ_MAX_DIRECT	 64 /* defined functions called one by one */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One per imported function; `calls` is shared by all of them. */
struct fuzz_import {
	uint32_t *calls;
	uint32_t nresults;
};

static int fuzz_host_fn(struct wasm_host_call *c, union wasm_val *vals)
{
	struct fuzz_import *fi = c->arg;

	if ((*fi->calls)++ % 2 == 0)
		return WASM_HOST_BLOCKED;
	/* zero is a valid value of every type (null for references) */
	memset(vals, 0, fi->nresults * sizeof(*vals));
	return WASM_HOST_OK;
}

/* "params:results" letters for a function type, or false if it does not
 * fit in `len`. */
static bool fuzz_sig(const struct wasm_functype *ft, char *buf, size_t len)
{
	size_t n = 0;

	if (ft->nparams + ft->nresults + 2 > len)
		return false;
	for (uint32_t i = 0; i < ft->nparams + ft->nresults + 1; i++) {
		uint8_t t;

		if (i == ft->nparams) {
			buf[n++] = ':';
			continue;
		}
		t = i < ft->nparams ? ft->params[i] : ft->results[i - ft->nparams - 1];
		switch (t) {
		case WASM_TYPE_I32:
			buf[n++] = 'i';
			break;
		case WASM_TYPE_I64:
			buf[n++] = 'I';
			break;
		case WASM_TYPE_F32:
			buf[n++] = 'f';
			break;
		case WASM_TYPE_F64:
			buf[n++] = 'F';
			break;
		case WASM_TYPE_FUNCREF:
			buf[n++] = 'r';
			break;
		default:
			buf[n++] = 'e';
			break;
		}
	}
	buf[n] = '\0';
	return true;
}

/* Defines a host object of the right type for every import of m. */
static int fuzz_define_imports(struct wasm_store *s, struct wasm_linker *l,
			       const struct wasm_module *m, struct fuzz_import *fis)
{
	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct wasm_import *imp = &m->imports[i];
		char mod[256], name[256], sig[64];
		struct wasm_extern e = {.kind = imp->kind};
		union wasm_val zero = {0};
		int err = 0;

		if (imp->module.len >= sizeof(mod) || imp->name.len >= sizeof(name) ||
		    memchr(imp->module.ptr, 0, imp->module.len) ||
		    memchr(imp->name.ptr, 0, imp->name.len))
			return -1;
		memcpy(mod, imp->module.ptr, imp->module.len);
		mod[imp->module.len] = '\0';
		memcpy(name, imp->name.ptr, imp->name.len);
		name[imp->name.len] = '\0';
		switch (imp->kind) {
		case WASM_EXTERN_FUNC:
			fis[i].nresults = m->types[m->funcs[imp->index].type].nresults;
			if (!fuzz_sig(&m->types[m->funcs[imp->index].type], sig, sizeof(sig)))
				return -1;
			err = wasm_store_new_func(s, sig, fuzz_host_fn, &fis[i], &e.u.func);
			break;
		case WASM_EXTERN_TABLE:
			err = wasm_store_new_table(s, m->tables[imp->index].elem_type,
						   m->tables[imp->index].limits, &e.u.table);
			break;
		case WASM_EXTERN_MEMORY:
			err = wasm_store_new_memory(s, m->mems[imp->index].limits, &e.u.mem);
			break;
		case WASM_EXTERN_GLOBAL:
			err = wasm_store_new_global(s, m->globals[imp->index].type,
						    m->globals[imp->index].is_mutable, zero,
						    &e.u.global);
			break;
		default:
			abort();
		}
		if (err || wasm_linker_define(l, mod, name, &e))
			return -1;
	}
	return 0;
}

static void fuzz_check_trap(const struct wasm_trap *t)
{
	char buf[256];

	if (!t || t->kind <= WASM_TRAP_NONE || t->kind >= WASM_TRAP__COUNT ||
	    t->kind == WASM_TRAP_EXIT || t->nframes > WASM_TRAP_MAX_FRAMES ||
	    t->nframes > t->depth || !wasm_trap_str(t->kind))
		abort();
	wasm_trap_format(t, buf, sizeof(buf));
	if (!memchr(buf, 0, sizeof(buf)))
		abort();
}

/* Runs f with zero arguments on a fresh exec until it returns or traps. */
static void fuzz_call(struct wasm_store *s, struct wasm_funcinst *f)
{
	struct wasm_exec_limits lim = {
		.max_call_depth = 64, .max_stack_bytes = 64 << 10, .fuel = FUZZ_FUEL};
	union wasm_val *args;
	const union wasm_val *res;
	struct wasm_exec *x;
	uint32_t nres;

	args = calloc(f->type->nparams + 1, sizeof(*args));
	if (!args || wasm_exec_new(s, &lim, &x) != 0) {
		free(args);
		return;
	}
	if (wasm_exec_call(x, f, args, f->type->nparams) != 0) {
		wasm_exec_free(x);
		free(args);
		return;
	}
	for (uint32_t i = 0;; i++) {
		enum wasm_run_status st = wasm_run(x, FUZZ_BUDGET);

		if (st == WASM_RUN_SUSPENDED) {
			if (i > FUZZ_MAX_RESUMES) /* fuel must end it first */
				abort();
			continue;
		}
		if (st == WASM_RUN_DONE) {
			res = wasm_exec_results(x, &nres);
			if (nres != f->type->nresults || (nres && !res))
				abort();
		} else if (st == WASM_RUN_TRAPPED) {
			fuzz_check_trap(wasm_exec_trap(x));
		} else {
			abort();
		}
		break;
	}
	if (wasm_run(x, FUZZ_BUDGET) != WASM_RUN_IDLE)
		abort();
	wasm_exec_free(x);
	free(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wasm_store_config cfg;
	const char *guarded;
	uint32_t calls = 0;
	struct fuzz_import *fis = NULL;
	struct wasm_module *m;
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_funcinst *start;
	struct wasm_error err;

	if (wasm_module_load(data, size, &m, &err) != 0)
		return 0;
	guarded = getenv("WASM_FUZZ_GUARDED");
	wasm_runtime_host_config(!guarded || strcmp(guarded, "1") != 0, &cfg, NULL);
	cfg.max_memory_pages = 16;
	cfg.max_table_elems = 1024;
	cfg.eager_code = m->nfuncs - m->nfunc_imports > FUZZ_MAX_DIRECT;
	fis = calloc(m->nimports + 1, sizeof(*fis));
	if (!fis)
		goto out;
	for (uint32_t i = 0; i < m->nimports; i++)
		fis[i].calls = &calls;
	if (wasm_store_new(&cfg, &s) != 0 || wasm_linker_new(s, &l) != 0 ||
	    fuzz_define_imports(s, l, m, fis) != 0 || wasm_instantiate(s, m, l, &inst, &err) != 0)
		goto out;
	start = wasm_instance_start_func(inst);
	if (start)
		fuzz_call(s, start);
	for (uint32_t i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == WASM_EXTERN_FUNC)
			fuzz_call(s, inst->funcs[m->exports[i].index]);
	/* the rest (exported ones again: a second call runs translated code) */
	for (uint32_t i = m->nfunc_imports; !cfg.eager_code && i < m->nfuncs; i++)
		fuzz_call(s, inst->funcs[i]);
out:
	wasm_store_free(s);
	wasm_module_free(m);
	free(fis);
	return 0;
}
