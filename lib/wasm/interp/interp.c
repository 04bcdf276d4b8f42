/*
 * interp.c - the execution API of runtime.h: execs, calls, runs, traps.
 *
 * An exec is idle, or READY with a call in progress (started and not yet
 * returned or trapped; possibly suspended). A call starts in a two-
 * instruction entry function owned by the exec (call the function instance,
 * then exit), so host functions, cross-instance calls and suspension all go
 * through the run loop's one call path, and the results land in slots
 * 0..nresults of the exec's stack.
 *
 * wasm_run gives the loop min(budget, fuel) units; afterwards the fuel is
 * charged with what was used. A trap (including a fault in a guarded memory,
 * which comes back from the store's guard_call as ERR_TRAP) is turned into a
 * backtrace from the exec's frame records, and the exec is idle again.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/jit/jit_rt.h"

#define INTERP_INITIAL_SLOTS 1024u

static const struct wasm_memory interp_entry_memory;

static void exec_destroy(void *obj)
{
	struct wasm_exec *x = obj;

	jit_exec_free(x);
	free(x->stack);
	free(x->frames);
	free(x);
}

int wasm_exec_new(struct wasm_store *s, const struct wasm_exec_limits *lim, struct wasm_exec **out)
{
	struct wasm_exec *x = calloc(1, sizeof(*x));
	const void *const *tbl;
	uint64_t max_bytes;

	if (!x)
		return ERR_NOMEM;
	x->store = s;
	x->max_depth = lim && lim->max_call_depth ? lim->max_call_depth : WASM_DEFAULT_CALL_DEPTH;
	max_bytes = lim && lim->max_stack_bytes ? lim->max_stack_bytes : WASM_DEFAULT_STACK_BYTES;
	x->max_slots = max_bytes / sizeof(uint64_t);
	x->has_fuel = lim && lim->fuel;
	x->fuel = x->has_fuel ? lim->fuel : 0;
	atomic_init(&x->yield, 0);
	x->cap_slots = MIN((uint64_t)INTERP_INITIAL_SLOTS, x->max_slots);
	x->stack = malloc(x->cap_slots * sizeof(uint64_t));
	if (!x->stack || wasm_store_adopt_traced(s, x, exec_destroy, interp_exec_trace)) {
		free(x->stack);
		free(x);
		return ERR_NOMEM;
	}
	interp_run_loop(NULL, &tbl);
	x->entry[0].h = tbl[OP_CALL_FUNCINST];
	x->entry[1].h = tbl[OP_EXIT];
	atomic_init(&x->entry_fn.code, x->entry); /* never called: no body header */
	x->entry_fn.index = WASM_NONE;
	x->entry_fn.mem0 = (struct wasm_memory *)&interp_entry_memory;
	x->state = EXEC_IDLE;
	jit_exec_init(x);
	*out = x;
	return 0;
}

void wasm_exec_free(struct wasm_exec *x)
{
	if (!x)
		return;
	wasm_store_disown(x->store, x);
	exec_destroy(x);
}

int wasm_exec_call(struct wasm_exec *x, struct wasm_funcinst *f, const union wasm_val *args,
		   uint32_t nargs)
{
	const struct wasm_functype *ft = f->type;
	uint32_t np = wasm_types_slots(ft->params, ft->nparams);
	uint32_t nr = wasm_types_slots(ft->results, ft->nresults);
	uint32_t nslots = MAX(np, nr);

	if (x->state == EXEC_READY)
		return ERR_BUSY;
	if (nargs != np)
		return ERR_INVAL;
	if (nslots > x->max_slots)
		return ERR_NOMEM;
	if (interp_stack_reserve(x, nslots))
		return ERR_NOMEM;
	for (uint32_t i = 0; i < nargs; i++)
		x->stack[i] = args[i].i64;
	x->entry[0].imm = (uintptr_t)f;
	x->entry_fn.nslots = nslots;
	x->ip = x->entry;
	x->fn = &x->entry_fn;
	x->fp = 0;
	x->nframes = 0;
	x->fault_ip = NULL;
	x->nresults = nr;
	x->reason = WASM_SUSPEND_NONE;
	memset(&x->trap, 0, sizeof(x->trap));
	x->exn = NULL;
	x->jit_call = jit_exec_wants(x);
	x->state = EXEC_READY;
	return 0;
}

static void trap_frame(struct wasm_trap *t, const struct interp_fn *fn, const struct ins *ip)
{
	if (fn->index == WASM_NONE)
		return;
	if (t->nframes < WASM_TRAP_MAX_FRAMES) {
		struct wasm_trap_frame *fr = &t->frames[t->nframes++];

		fr->inst = fn->inst;
		fr->func = fn->index;
		fr->offset = ip->off;
	}
	t->depth++;
}

void interp_trap_walk(struct wasm_exec *x)
{
	struct wasm_trap *t = &x->trap;

	trap_frame(t, x->fn, x->ip);
	for (uint32_t i = x->nframes; i-- > 0;)
		trap_frame(t, x->frames[i].fn, x->frames[i].ret - 1);
}

/* Records the backtrace of the trap at x->fn / x->ip and makes x idle. */
static void finish_trap(struct wasm_exec *x)
{
	x->trap.depth = 0;
	x->trap.nframes = 0;
	interp_trap_walk(x);
	x->nframes = 0;
	x->state = EXEC_TRAPPED;
}

static int run_guarded(void *arg)
{
	return interp_run_loop(arg, NULL);
}

enum wasm_run_status wasm_run(struct wasm_exec *x, uint64_t budget)
{
	const struct wasm_store_config *cfg;
	uint64_t units = budget, used;
	int64_t start;
	int rc;

	if (x->state != EXEC_READY)
		return WASM_RUN_IDLE;
	if (x->jit_call)
		return jit_exec_run(x);
	x->fuel_bound = false;
	if (x->has_fuel && x->fuel <= units) {
		units = x->fuel;
		x->fuel_bound = true;
	}
	start = units > INT64_MAX ? INT64_MAX : (int64_t)units;
	x->left = start;
	x->reason = WASM_SUSPEND_NONE;
	cfg = wasm_store_config(x->store);
	if (cfg && cfg->guard_call)
		rc = cfg->guard_call(cfg->guard_arg, x->store, run_guarded, x);
	else
		rc = interp_run_loop(x, NULL);
	used = x->left < start ? (uint64_t)(start - x->left) : 0;
	if (x->has_fuel)
		x->fuel -= MIN(used, x->fuel);
	switch (rc) {
	case INTERP_DONE:
		x->state = EXEC_DONE;
		x->nframes = 0;
		return WASM_RUN_DONE;
	case INTERP_SUSPEND:
		return WASM_RUN_SUSPENDED;
	case INTERP_TRAP:
		if (x->trap.kind == WASM_TRAP_FUEL)
			x->fuel = 0;
		finish_trap(x);
		return WASM_RUN_TRAPPED;
	default:
		/* a fault in a guarded memory: the loop stopped at fault_ip */
		x->trap.kind = rc == ERR_TRAP ? WASM_TRAP_MEMORY_OOB : WASM_TRAP_HOST;
		if (rc == ERR_TRAP && x->fault_ip)
			x->ip = x->fault_ip;
		finish_trap(x);
		return WASM_RUN_TRAPPED;
	}
}

enum wasm_suspend_reason wasm_exec_suspend_reason(const struct wasm_exec *x)
{
	return x->state == EXEC_READY ? x->reason : WASM_SUSPEND_NONE;
}

const union wasm_val *wasm_exec_results(const struct wasm_exec *x, uint32_t *n)
{
	if (x->state != EXEC_DONE) {
		*n = 0;
		return NULL;
	}
	*n = x->nresults;
	return (const union wasm_val *)x->stack;
}

const struct wasm_trap *wasm_exec_trap(const struct wasm_exec *x)
{
	return x->state == EXEC_TRAPPED ? &x->trap : NULL;
}

const struct wasm_exn *wasm_exec_exception(const struct wasm_exec *x)
{
	return x->state == EXEC_TRAPPED && x->trap.kind == WASM_TRAP_EXCEPTION ? x->exn : NULL;
}

void wasm_exec_request_yield(struct wasm_exec *x)
{
	atomic_store(&x->yield, 1);
}

/* Relaxed: the flag carries no data (as in the run loop). */
bool wasm_exec_yield_requested(const struct wasm_exec *x)
{
	return atomic_load_explicit(&x->yield, memory_order_relaxed) != 0;
}

void wasm_exec_abort(struct wasm_exec *x)
{
	if (x->state != EXEC_READY)
		return;
	if (x->jit_call)
		jit_exec_abort(x);
	x->nframes = 0;
	x->state = EXEC_IDLE;
}

uint64_t wasm_exec_fuel_left(const struct wasm_exec *x)
{
	return x->has_fuel ? x->fuel : UINT64_MAX;
}

int wasm_invoke(struct wasm_exec *x, struct wasm_funcinst *f, const union wasm_val *args,
		uint32_t nargs, union wasm_val *results, uint32_t nresults)
{
	const union wasm_val *r;
	uint32_t n;
	int rc;

	if (nresults != wasm_types_slots(f->type->results, f->type->nresults))
		return ERR_INVAL;
	rc = wasm_exec_call(x, f, args, nargs);
	if (rc)
		return rc;
	for (;;) {
		switch (wasm_run(x, UINT64_MAX)) {
		case WASM_RUN_DONE:
			r = wasm_exec_results(x, &n);
			for (uint32_t i = 0; i < n; i++)
				results[i] = r[i];
			return 0;
		case WASM_RUN_TRAPPED:
			return ERR_TRAP;
		case WASM_RUN_SUSPENDED:
			if (wasm_exec_suspend_reason(x) == WASM_SUSPEND_BLOCKED) {
				wasm_exec_abort(x);
				return ERR_AGAIN;
			}
			break; /* a yield request: keep going */
		default:
			return ERR_INVAL;
		}
	}
}
