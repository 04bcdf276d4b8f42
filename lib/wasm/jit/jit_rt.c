/*
 * jit_rt.c - the compiler tier's runtime, part one: per-instance compiled
 * code (stubs, lazy compilation, the entry table), and compiled calls on an
 * exec (the guest stack, the fiber, suspension, guarded-memory faults).
 *
 * Lazy compilation. Every defined function starts with a stub in its
 * entry[] slot: a few instructions in code memory that jump to the lazy
 * service with the function's index. Its first call compiles it
 * (jit_compile) and publishes the result with a compare-and-swap on
 * funcs[i] (racing compilers: one wins, the others free theirs), then a
 * release store of its address in entry[i], so a thread that reads the new
 * entry sees the code whole. Instruction fetch: a thread runs new code only
 * after taking it here or at the start of a run, and both call the code
 * memory's sync first (wasm_code_mem). A function the compiler refuses
 * keeps its stub, marked refused: each call runs it in the interpreter.
 *
 * Runs. A compiled call runs on a fiber (jit_fiber.h) on the exec's guest
 * stack, allocated at its first compiled call and reused; wasm_run resumes
 * the fiber inside the store's guard_call, so a fault in guarded memory
 * (the compiled code's unchecked accesses) comes back as ERR_TRAP, with
 * the faulting pc and s0 noted in the store for the backtrace.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_rt_internal.h"
#include "wasm/jit/rv64_enc.h"
#include "wasm/module_internal.h"
#include "wasm/runtime/runtime_store.h"

STATIC_ASSERT(offsetof(struct wasm_exec, yield) < 2048);
STATIC_ASSERT(offsetof(struct wasm_exec, jit_stack_limit) < 2048);
STATIC_ASSERT(offsetof(struct wasm_exec, jit_rt) < 2048);
const uint16_t jit_off_yield = offsetof(struct wasm_exec, yield);
const uint16_t jit_off_stack_limit = offsetof(struct wasm_exec, jit_stack_limit);
const uint16_t jit_off_rt = offsetof(struct wasm_exec, jit_rt);

/* Words of one stub: li t0 (up to 2), two loads, jr; padded with nops. */
#define JIT_STUB_WORDS 5

/* memory 0 of an instance without one: compiled code still loads s3/s4 */
const struct wasm_memory jit_rt_empty_memory;

bool jit_store_enabled(const struct wasm_store_config *cfg)
{
	return cfg && cfg->code_mem && cfg->stack_mem && jit_rt_services();
}

/* ---- instances ---- */

/* The stubs of n functions (n > 0) in code memory from cm, stub i at
 * JIT_STUB_WORDS * i words: their execute address and *handle, or NULL out
 * of memory. A stub names its function's index only (the instance is s2's),
 * so one table serves every instance of a module. */
static uint8_t *stubs_make(const struct wasm_code_mem *cm, uint32_t n, void **handle)
{
	struct rv64_buf b;
	uint8_t *x;
	void *rw;
	int rc;

	rv64_buf_init(&b);
	for (uint32_t i = 0; i < n; i++) {
		size_t start = rv64_pos(&b);

		jit_rt_emit_stub(&b, i);
		while (rv64_pos(&b) < start + JIT_STUB_WORDS)
			rv64_nop(&b);
	}
	rc = rv64_buf_error(&b);
	if (!rc)
		rc = cm->alloc(cm->arg, b.len * 4, &rw, handle);
	if (!rc)
		memcpy(rw, b.words, b.len * 4);
	rv64_buf_free(&b);
	x = rc ? NULL : cm->seal(cm->arg, *handle);
	if (!x)
		*handle = NULL; /* never allocated, or freed by seal */
	return x;
}

static size_t stubs_bytes(uint32_t n)
{
	return (size_t)n * JIT_STUB_WORDS * 4;
}

/* Tables for n functions, all uncompiled; 0 or ERR_NOMEM. */
static int fn_table_init(struct jit_fn_table *t, uint32_t n)
{
	t->funcs = calloc(n ? n : 1, sizeof(*t->funcs));
	t->refused = calloc(n ? n : 1, sizeof(*t->refused));
	return t->funcs && t->refused ? 0 : ERR_NOMEM;
}

static void fn_table_free(struct jit_fn_table *t, uint32_t n, const struct wasm_code_mem *cm)
{
	if (t->funcs)
		for (uint32_t i = 0; i < n; i++)
			jit_func_free(cm, atomic_load_explicit(&t->funcs[i], memory_order_relaxed));
	free(t->funcs);
	free((void *)t->refused);
}

/* ---- code shared by a module's instances ---- */

/* A module's shared code: a table per kind of memory 0 (index: checked),
 * each made by the first instance of its kind (one CAS winner). */
struct jit_shared_stubs {
	uint8_t *x;
	void *handle;
};

struct jit_shared {
	const struct wasm_code_mem *cm;
	uint32_t ndefined;
	_Atomic(struct jit_fn_table *) kind[2];
	_Atomic(struct jit_shared_stubs *) stubs; /* made by the first instance */
	_Atomic size_t bytes;			  /* wasm_module_shared_code_bytes */
};

static void shared_free(void *arg)
{
	struct jit_shared *sh = arg;

	for (int k = 0; k < 2; k++) {
		struct jit_fn_table *t = atomic_load_explicit(&sh->kind[k], memory_order_acquire);

		if (t) {
			fn_table_free(t, sh->ndefined, sh->cm);
			free(t);
		}
	}
	struct jit_shared_stubs *st = atomic_load_explicit(&sh->stubs, memory_order_acquire);
	if (st) {
		sh->cm->free(sh->cm->arg, st->handle);
		free(st);
	}
	free(sh);
}

int wasm_module_share_code(struct wasm_module *m, const struct wasm_code_mem *cm)
{
	struct jit_shared *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return ERR_NOMEM;
	sh->cm = cm;
	sh->ndefined = m->nfuncs - m->nfunc_imports;
	atomic_init(&sh->bytes, sizeof(*sh));
	m->shared_code = sh;
	m->shared_free = shared_free;
	return 0;
}

size_t wasm_module_shared_code_bytes(const struct wasm_module *m)
{
	const struct jit_shared *sh = m->shared_code;

	/* relaxed: a statistic */
	return sh ? atomic_load_explicit(&sh->bytes, memory_order_relaxed) : 0;
}

/* The module's table for memory kind `checked`, made now if it is the
 * first; NULL out of memory. */
static struct jit_fn_table *shared_table(struct jit_shared *sh, bool checked)
{
	/* acquire: pairs with the CAS's release, so the arrays are seen zeroed */
	struct jit_fn_table *t = atomic_load_explicit(&sh->kind[checked], memory_order_acquire);
	struct jit_fn_table *won = NULL;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t || fn_table_init(t, sh->ndefined)) {
		if (t)
			fn_table_free(t, 0, sh->cm);
		free(t);
		return NULL;
	}
	if (!atomic_compare_exchange_strong_explicit(&sh->kind[checked], &won, t,
						     memory_order_acq_rel, memory_order_acquire)) {
		fn_table_free(t, 0, sh->cm);
		free(t);
		return won;
	}
	atomic_fetch_add_explicit(&sh->bytes,
				  sizeof(*t) + (size_t)sh->ndefined *
						       (sizeof(*t->funcs) + sizeof(*t->refused)),
				  memory_order_relaxed);
	return t;
}

/* The module's stubs (sh->ndefined > 0), made now by the first instance
 * (one CAS winner); NULL out of memory. */
static uint8_t *shared_stubs(struct jit_shared *sh)
{
	/* acquire: pairs with the CAS's release, so the record is seen whole */
	struct jit_shared_stubs *st = atomic_load_explicit(&sh->stubs, memory_order_acquire);
	struct jit_shared_stubs *won = NULL;

	if (st)
		return st->x;
	st = malloc(sizeof(*st));
	if (!st || !(st->x = stubs_make(sh->cm, sh->ndefined, &st->handle))) {
		free(st);
		return NULL;
	}
	if (!atomic_compare_exchange_strong_explicit(&sh->stubs, &won, st, memory_order_acq_rel,
						     memory_order_acquire)) {
		sh->cm->free(sh->cm->arg, st->handle);
		free(st);
		return won->x;
	}
	atomic_fetch_add_explicit(&sh->bytes, sizeof(*st) + stubs_bytes(sh->ndefined),
				  memory_order_relaxed);
	return st->x;
}

/* ---- instances ---- */

/* ri's stubs, the module's if it shares its code, else its own; every
 * entry starts as its function's stub. 0 or ERR_NOMEM. */
static int inst_stubs(struct jit_rt_inst *ri, const struct wasm_module *m)
{
	uint8_t *x = m->shared_code ? shared_stubs(m->shared_code) : NULL;

	if (!x) { /* not shared, or out of memory for it: its own */
		x = stubs_make(ri->cm, ri->ndefined, &ri->stubs_handle);
		if (!x)
			return ERR_NOMEM;
		atomic_fetch_add_explicit(&ri->bytes, stubs_bytes(ri->ndefined),
					  memory_order_relaxed);
	}
	for (uint32_t i = 0; i < ri->ndefined; i++)
		atomic_init(&ri->entry[i], x + stubs_bytes(i));
	return 0;
}

/* ri's function tables: the module's shared ones (entries of functions
 * already compiled start as their code), else its own. */
static int inst_tables(struct jit_rt_inst *ri, const struct wasm_module *m)
{
	struct jit_shared *sh = m->shared_code;
	struct jit_fn_table *t = sh ? shared_table(sh, ri->opts.checked) : NULL;

	if (!t) { /* not shared, or out of memory for it: its own */
		atomic_fetch_add_explicit(
			&ri->bytes,
			(size_t)ri->ndefined * (sizeof(*ri->fns.funcs) + sizeof(*ri->fns.refused)),
			memory_order_relaxed);
		return fn_table_init(&ri->fns, ri->ndefined);
	}
	ri->fns = *t;
	ri->shared = true;
	ri->fn_cm = sh->cm;
	ri->fn_bytes = &sh->bytes;
	for (uint32_t i = 0; i < ri->ndefined; i++) {
		struct jit_func *f = atomic_load_explicit(&t->funcs[i], memory_order_acquire);

		if (f) {
			atomic_store_explicit(&ri->entry[i], f->entry, memory_order_relaxed);
			atomic_fetch_add_explicit(&ri->ncompiled, 1, memory_order_relaxed);
		}
	}
	return 0;
}

int jit_inst_new(struct wasm_instance *inst, struct wasm_error *err)
{
	const struct wasm_module *m = inst->module;
	struct jit_rt_inst *ri = calloc(1, sizeof(*ri));
	uint32_t n = m->nfuncs - m->nfunc_imports;

	if (!ri)
		goto fail;
	ri->ndefined = n;
	/* relaxed: statistics */
	atomic_init(&ri->ncompiled, 0);
	atomic_init(&ri->bytes, sizeof(*ri) + (size_t)n * sizeof(*ri->entry));
	ri->cm = ri->fn_cm = wasm_store_config(inst->store)->code_mem;
	ri->fn_bytes = &ri->bytes;
	ri->pub.mem0 = m->nmems ? inst->mems[0] : (struct wasm_memory *)&jit_rt_empty_memory;
	ri->pub.globals = inst->globals;
	ri->pub.funcs = inst->funcs;
	ri->pub.tables = inst->tables;
	ri->pub.inst = inst;
	ri->opts.checked = !ri->pub.mem0->guarded;
	ri->entry = calloc(n ? n : 1, sizeof(*ri->entry));
	if (!ri->entry || (n && inst_stubs(ri, m)) || inst_tables(ri, m))
		goto fail;
	ri->pub.entry = (void *const *)ri->entry;
	inst->jit = &ri->pub;
	return 0;
fail:
	jit_inst_free(ri ? &ri->pub : NULL);
	wasm_error_set(err, ERR_NOMEM, "instantiate", 0, "out of memory (compiled code)");
	return ERR_NOMEM;
}

void jit_inst_free(struct jit_inst *ji)
{
	struct jit_rt_inst *ri = (struct jit_rt_inst *)(void *)ji;

	if (!ri)
		return;
	if (!ri->shared)
		fn_table_free(&ri->fns, ri->ndefined, ri->fn_cm);
	if (ri->stubs_handle)
		ri->cm->free(ri->cm->arg, ri->stubs_handle);
	free(ri->entry);
	free(ri);
}

/* Tells the store's translate hook of f's compilation (as the interpreter
 * tells of a translation). */
static void report_compile(const struct jit_rt_inst *ri, const struct wasm_translate_hook *hook,
			   const struct jit_func *f, uint64_t begin)
{
	const struct wasm_func *wf = &ri->pub.inst->module->funcs[f->func];
	struct wasm_translate_info info = {
		.inst = ri->pub.inst,
		.func = f->func,
		.wasm_bytes = wf->code_end - wf->body_start,
		.ins = f->size / 4,
		.bytes = f->size,
		.begin = begin,
		.compiled = true,
	};

	hook->done(hook->arg, &info);
}

/* Tells the store's translate hook that the compiler refused function i
 * (it runs interpreted). */
static void report_refusal(const struct jit_rt_inst *ri, const struct wasm_translate_hook *hook,
			   uint32_t i)
{
	const struct wasm_module *m = ri->pub.inst->module;
	const struct wasm_func *wf = &m->funcs[m->nfunc_imports + i];
	struct wasm_translate_info info = {
		.inst = ri->pub.inst,
		.func = m->nfunc_imports + i,
		.wasm_bytes = wf->code_end - wf->body_start,
		.refused = true,
	};

	hook->done(hook->arg, &info);
}

void *jit_rt_code(struct jit_rt_inst *ri, uint32_t i, int *err)
{
	/* acquire: pairs with the release CAS below, so f's fields (and
	 * its code, sealed before) are seen whole */
	struct jit_func *f = atomic_load_explicit(&ri->fns.funcs[i], memory_order_acquire);
	struct jit_func *won = NULL;
	const struct wasm_translate_hook *hook;
	uint64_t begin = 0;
	int rc;

	*err = 0;
	if (f)
		goto found;
	/* relaxed: only ever set to 1; a stale 0 costs a second refusal */
	if (atomic_load_explicit(&ri->fns.refused[i], memory_order_relaxed))
		return NULL;
	hook = &wasm_store_config(ri->pub.inst->store)->translate_hook;
	if (UNLIKELY(hook->done) && hook->begin)
		begin = hook->begin(hook->arg);
	rc = jit_compile(ri->pub.inst->module, ri->pub.inst->module->nfunc_imports + i, &ri->opts,
			 ri->fn_cm, &f);
	if (rc == ERR_NOMEM) {
		*err = rc;
		return NULL;
	}
	if (rc) { /* ERR_UNSUPP, or any other refusal: interpreted */
		if (!atomic_exchange_explicit(&ri->fns.refused[i], 1, memory_order_relaxed) &&
		    UNLIKELY(hook->done))
			report_refusal(ri, hook, i);
		return NULL;
	}
	if (!atomic_compare_exchange_strong_explicit(&ri->fns.funcs[i], &won, f,
						     memory_order_acq_rel, memory_order_acquire)) {
		jit_func_free(ri->fn_cm, f);
		f = won;
		goto found;
	}
	/* relaxed: a statistic */
	atomic_fetch_add_explicit(ri->fn_bytes,
				  sizeof(*f) + f->size + f->npc * sizeof(struct jit_pc),
				  memory_order_relaxed);
	if (UNLIKELY(hook->done))
		report_compile(ri, hook, f, begin);
	goto publish; /* sealed here, so fetchable here */
found:
	/* sealed by another thread, maybe: made fetchable here (wasm_code_mem) */
	if (ri->fn_cm->sync)
		ri->fn_cm->sync(ri->fn_cm->arg);
publish:
	/* release: whoever calls through entry[i] sees the code's record;
	 * the exchange counts the entry once however many threads race */
	if (atomic_exchange_explicit(&ri->entry[i], f->entry, memory_order_acq_rel) != f->entry)
		atomic_fetch_add_explicit(&ri->ncompiled, 1, memory_order_relaxed);
	return f->entry;
}

uint32_t jit_inst_compiled(const struct jit_inst *ji)
{
	const struct jit_rt_inst *ri = (const struct jit_rt_inst *)(const void *)ji;

	return atomic_load_explicit(&ri->ncompiled, memory_order_relaxed);
}

size_t jit_inst_footprint(const struct jit_inst *ji)
{
	const struct jit_rt_inst *ri = (const struct jit_rt_inst *)(const void *)ji;

	return atomic_load_explicit(&ri->bytes, memory_order_relaxed);
}

/* The compiled function of ri holding execute address pc, or NULL. */
const struct jit_func *jit_rt_func_at(const struct jit_rt_inst *ri, uintptr_t pc)
{
	for (uint32_t i = 0; i < ri->ndefined; i++) {
		const struct jit_func *f =
			atomic_load_explicit(&ri->fns.funcs[i], memory_order_acquire);

		if (f && pc >= (uintptr_t)f->entry && pc < (uintptr_t)f->entry + f->size)
			return f;
	}
	return NULL;
}

/* ---- execs ---- */

void jit_exec_init(struct wasm_exec *x)
{
	x->jit_rt = jit_rt_services();
	x->jit_stack_limit = UINTPTR_MAX;
	x->jit = NULL;
	x->jit_call = false;
}

void jit_exec_free(struct wasm_exec *x)
{
	struct jit_exec *jx = x->jit;

	if (!jx)
		return;
	if (jx->stack) {
		const struct wasm_stack_mem *sm = wasm_store_config(x->store)->stack_mem;

		sm->free(sm->arg, jx->stack);
	}
	free(jx->args);
	free(jx->scratch);
	free(jx);
	x->jit = NULL;
}

static int exec_state_new(struct wasm_exec *x)
{
	const struct wasm_store_config *cfg = wasm_store_config(x->store);
	size_t bytes = cfg->stack_bytes ? cfg->stack_bytes : WASM_DEFAULT_GUEST_STACK;
	struct jit_exec *jx = calloc(1, sizeof(*jx));

	if (!jx)
		return ERR_NOMEM;
	if (bytes < 2 * JIT_RT_HEADROOM)
		bytes = 2 * JIT_RT_HEADROOM;
	if (cfg->stack_mem->alloc(cfg->stack_mem->arg, bytes, &jx->stack, &jx->lo, &jx->hi)) {
		free(jx);
		return ERR_NOMEM;
	}
	x->jit = jx;
	x->jit_stack_limit = jx->lo + JIT_RT_HEADROOM;
	return 0;
}

bool jit_exec_wants(struct wasm_exec *x)
{
	if (x->has_fuel || !jit_store_enabled(wasm_store_config(x->store)) ||
	    x->store->uses_exceptions || x->store->uses_gc)
		return false;
	return x->jit || exec_state_new(x) == 0;
}

/* The call on the fiber: from wasm_run, no compiled caller. */
static void exec_main(void *arg)
{
	struct wasm_exec *x = arg;
	struct jit_exec *jx = x->jit;

	jit_rt_call_funcinst(x, jx->f, jx->args, NULL, 0, 0);
	jx->end = JIT_END_DONE;
}

static int exec_start(struct wasm_exec *x)
{
	struct jit_exec *jx = x->jit;
	struct wasm_funcinst *f = (struct wasm_funcinst *)(uintptr_t)x->entry[0].imm;
	/* in slots: a v128 entry (run interpreted) takes two */
	uint32_t np = wasm_types_slots(f->type->params, f->type->nparams);
	uint32_t n = MAX(np, x->nresults);

	if (n > jx->cap_args) {
		uint64_t *a = realloc(jx->args, MAX(n, 8u) * sizeof(*a));

		if (!a)
			return ERR_NOMEM;
		jx->args = a;
		jx->cap_args = MAX(n, 8u);
	}
	memcpy(jx->args, x->stack, np * sizeof(uint64_t));
	jx->f = f;
	jx->end = 0;
	jx->top = NULL;
	if (jit_fiber_init(&jx->fiber, jx->lo, jx->hi, exec_main, x))
		return ERR_NOMEM;
	jx->started = true;
	return 0;
}

static int run_fiber(void *arg)
{
	struct wasm_exec *x = arg;

	return jit_fiber_resume(&x->jit->fiber);
}

/* A fault in guarded memory at machine pc / s0 fp stopped the fiber. */
static void fault_backtrace(struct wasm_exec *x, uintptr_t pc, uintptr_t fp)
{
	struct jit_seg *seg = x->jit->top;

	x->trap.depth = 0;
	x->trap.nframes = 0;
	if (!seg)
		return;
	if (seg->kind == JIT_SEG_CODE && jit_rt_func_at(seg->ji, pc)) {
		jit_rt_backtrace(x, seg, pc, fp);
		return;
	}
	if (seg->kind == JIT_SEG_INTERP) {
		if (x->fault_ip)
			x->ip = x->fault_ip;
		interp_trap_walk(x);
		x->nframes = 0;
	}
	/* elsewhere (a host function): reported at the call */
	jit_rt_backtrace(x, seg, 0, 0);
}

static enum wasm_run_status exec_trapped(struct wasm_exec *x, int kind)
{
	x->trap.kind = kind;
	x->state = EXEC_TRAPPED;
	return WASM_RUN_TRAPPED;
}

enum wasm_run_status jit_exec_run(struct wasm_exec *x)
{
	const struct wasm_store_config *cfg = wasm_store_config(x->store);
	struct jit_exec *jx;
	uintptr_t addr, pc, fp;
	int rc;

	jx = x->jit; /* made by jit_exec_wants */
	if (!jx->started && exec_start(x))
		return exec_trapped(x, WASM_TRAP_NOMEM);
	/* code sealed elsewhere (another CPU this call or its module's other
	 * instances ran on) becomes fetchable here before any of it runs */
	if (cfg->code_mem->sync)
		cfg->code_mem->sync(cfg->code_mem->arg);
	x->reason = WASM_SUSPEND_NONE;
	wasm_store_note_fault(x->store, 0, 0, 0);
	if (cfg->guard_call)
		rc = cfg->guard_call(cfg->guard_arg, x->store, run_fiber, x);
	else
		rc = run_fiber(x);
	if (rc == JIT_FIBER_SUSPENDED)
		return WASM_RUN_SUSPENDED;
	jx->started = false;
	if (rc == JIT_FIBER_DONE && jx->end == JIT_END_DONE) {
		memcpy(x->stack, jx->args, x->nresults * sizeof(uint64_t));
		x->state = EXEC_DONE;
		return WASM_RUN_DONE;
	}
	if (rc == JIT_FIBER_DONE) {
		x->state = EXEC_TRAPPED;
		return WASM_RUN_TRAPPED;
	}
	/* the fiber is gone: a fault in guarded memory or in the guest
	 * stack's guard page (C code in the headroom went past it; compiled
	 * code checks its frames against the limit), or guard_call failed;
	 * the stack still holds the frames to walk */
	wasm_store_last_fault(x->store, &addr, &pc, &fp);
	x->trap.msg = NULL;
	fault_backtrace(x, pc, fp);
	if (rc != ERR_TRAP)
		return exec_trapped(x, WASM_TRAP_HOST);
	return exec_trapped(x, wasm_store_owns_address(x->store, addr) ? WASM_TRAP_MEMORY_OOB
								       : WASM_TRAP_CALL_STACK);
}

void jit_exec_abort(struct wasm_exec *x)
{
	if (x->jit)
		x->jit->started = false;
}
