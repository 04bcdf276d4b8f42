/*
 * proc.c - a WebAssembly program as an executor task (see proc.h).
 *
 * Invariant: p->store is non-NULL exactly while the program has not
 * finished; finishing (exit, return, trap, spawn failure, cancellation)
 * frees the store, the module and the WASI context at once, so a joined
 * program holds nothing but its task header until the last reference goes.
 */
#include "wasm/proc.h"

#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/assert.h"
#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "core/cpu.h"
#include "fs/kvfs.h"
#include "trace/ktrace.h"
#include "trace/ktrace_events.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "wasm/kcode.h"
#include "wasm/kmem.h"
#include "wasm/mem.h"
#include "wasm/modcache.h"
#include "wasm/proc_internal.h"
#include "wasm/vwork.h"
#include "wasi/wasi_bind.h"

/* Units per wasm_run: a backstop behind the slice timer. */
#define RUN_BUDGET (UINT64_C(1) << 26)

/* Frees everything but the task header; idempotent. */
static void proc_release(struct wasm_proc *p)
{
	kasync_sleep_drop(&p->sleep);
	wasm_store_free(p->store); /* instances, memories, exec, code, stacks */
	ASSERT(kcode_acct_empty(&p->kcode));
	p->store = NULL;
	p->exec = NULL;
	if (p->wasi_live)
		wasi_ctx_destroy(&p->wasi);
	p->wasi_live = false;
	if (p->mod) { /* the first release: give the heap's free pages back */
		if (p->mod_cached)
			modcache_put(p->mod);
		else
			wasm_module_free(p->mod);
		p->mod = NULL;
		kheap_trim();
	}
}

/* relaxed: the counters are only displayed (single writer: the poller) */
static uint64_t proc_run_ticks(struct wasm_proc *p)
{
	return atomic_load_explicit(&p->run_ticks, memory_order_relaxed);
}

static void proc_set_mem(struct wasm_proc *p)
{
	uint64_t bytes = 0, promised = 0;
	if (p->store) {
		bytes = wasm_instance_footprint(p->inst); /* grows as functions are translated */
		for (uint32_t i = 0; i < p->inst->module->nmems; i++) {
			uint64_t r, pr;
			kwasm_mem_usage(p->inst->mems[i], &r, &pr);
			bytes += r;
			promised += pr;
		}
		uint64_t code, code_promised;
		kcode_acct_usage(&p->kcode, &code, &code_promised);
		bytes += code;
		promised += code_promised;
	}
	atomic_store_explicit(&p->mem_bytes, bytes, memory_order_relaxed);
	atomic_store_explicit(&p->promised, promised, memory_order_relaxed);
}

/* /proc/tasks: under its lock, from any CPU (atomics only). */
static void proc_stats(struct kasync_task *t, struct kvfs_task_stats *out)
{
	struct wasm_proc *p = CONTAINER_OF(t, struct wasm_proc, task);

	out->run_us = timer_ticks_to_us(proc_run_ticks(p));
	out->mem_bytes = atomic_load_explicit(&p->mem_bytes, memory_order_relaxed);
	out->promised_bytes = atomic_load_explicit(&p->promised, memory_order_relaxed);
}

static void proc_finish(struct wasm_proc *p, int32_t code, int trap)
{
	uint32_t translated = 0;
	size_t code_bytes;

	if (p->inst)
		wasm_instance_code_stats(p->inst, &translated, &code_bytes);
	p->status = (struct wasm_proc_status){
		.code = code,
		.trap = trap,
		.run_us = timer_ticks_to_us(proc_run_ticks(p)),
		.preempted = p->preempted,
		.cpus = p->cpus,
	};
	TRACE_POINT(wasm, instance_exit, p->name, code, trap, p->status.run_us, translated,
		    p->mod->nfuncs - p->mod->nfunc_imports);
	proc_release(p);
	proc_set_mem(p);
}

static void report_trap(struct wasm_proc *p, const struct wasm_trap *t)
{
	size_t need = wasm_trap_format(t, NULL, 0) + 1;
	char *buf = malloc(need);
	char name[WASM_TRAP_NAME_LEN] = "";

	if (t->nframes) {
		struct wasm_name n =
			wasm_module_func_name(t->frames[0].inst->module, t->frames[0].func);

		fmt_snprintf(name, sizeof(name), "%.*s", (int)n.len, n.ptr ? n.ptr : "");
	}
	TRACE_POINT(wasm, trap, p->name, t->kind, t->nframes ? t->frames[0].func : 0, name,
		    t->nframes ? t->frames[0].offset : 0);
	if (!buf) {
		const char *s = wasm_trap_str(t->kind);
		proc_write_err(p, "trap: ", 6);
		proc_write_err(p, s, strlen(s));
		proc_write_err(p, "\n", 1);
		return;
	}
	proc_write_err(p, buf, wasm_trap_format(t, buf, need));
	free(buf);
}

/* The slice is over: ask the guest to stop at its next back-edge or call.
 * Interrupt context, on the CPU that polls the program. */
static void slice_fired(struct ktimer *t)
{
	struct wasm_proc *p = CONTAINER_OF(t, struct wasm_proc, slice);

	if (p->exec)
		wasm_exec_request_yield(p->exec);
}

/* Starts the next of p->calls; false when there is none left. */
static bool start_next_call(struct wasm_proc *p)
{
	while (p->next_call < ARRAY_SIZE(p->calls)) {
		struct wasm_funcinst *f = p->calls[p->next_call++];
		if (f)
			return wasm_exec_call(p->exec, f, NULL, 0) == 0;
	}
	return false;
}

static enum kasync_poll proc_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct wasm_proc *p = CONTAINER_OF(task, struct wasm_proc, task);

	if (!p->store)
		return KASYNC_READY; /* finished before it was first polled */
	p->cpus |= UINT64_C(1) << cpu_id();
	if (!p->started) {
		p->started = true;
		if (!start_next_call(p)) {
			proc_finish(p, -1, WASM_TRAP_NOMEM);
			return KASYNC_READY;
		}
		/* next_call is 1 after the start function, 2 after _start */
		TRACE_POINT(wasm, start, p->name, p->next_call == 1);
	}
	for (;;) {
		uint64_t t0 = arch_now_ticks();
		p->cx = cx;
		timer_add(&p->slice, t0 + p->slice_ticks, slice_fired);
		enum wasm_run_status st = wasm_run(p->exec, RUN_BUDGET);
		timer_cancel(&p->slice);
		p->cx = NULL;
		atomic_store_explicit(&p->run_ticks, proc_run_ticks(p) + arch_now_ticks() - t0,
				      memory_order_relaxed);

		if (st == WASM_RUN_SUSPENDED) {
			proc_set_mem(p);
			/* Budget or yield: the slice is used up, so the back of
			 * the global yield queue (a round robin over all CPUs).
			 * Blocked: a host service holds the waker. */
			if (wasm_exec_suspend_reason(p->exec) != WASM_SUSPEND_BLOCKED) {
				p->preempted++;
				kasync_yield_slice(cx);
			}
			return KASYNC_PENDING;
		}
		if (st == WASM_RUN_DONE) {
			if (start_next_call(p))
				continue; /* the start function ran; now _start */
			proc_finish(p, 0, WASM_TRAP_NONE);
			return KASYNC_READY;
		}
		if (st == WASM_RUN_TRAPPED) {
			const struct wasm_trap *t = wasm_exec_trap(p->exec);
			if (t->kind == WASM_TRAP_EXIT) {
				proc_finish(p, (int32_t)t->exit_code, WASM_TRAP_NONE);
			} else {
				report_trap(p, t);
				proc_finish(p, -1, t->kind);
			}
			return KASYNC_READY;
		}
		proc_finish(p, -1, WASM_TRAP_HOST); /* idle: cannot happen */
		return KASYNC_READY;
	}
}

static void proc_take(struct kasync_task *task, void *out)
{
	*(struct wasm_proc_status *)out = CONTAINER_OF(task, struct wasm_proc, task)->status;
}

/* Killed: free the program now (its sleep's waker, its memories), not when
 * the last reference goes. Idempotent. */
static void proc_cancelled(struct kasync_task *task)
{
	struct wasm_proc *p = CONTAINER_OF(task, struct wasm_proc, task);

	if (p->spawned && p->store)
		TRACE_POINT(wasm, instance_kill, p->name, timer_ticks_to_us(proc_run_ticks(p)));
	proc_release(p);
	proc_set_mem(p);
}

static void proc_dealloc(struct kasync_task *task)
{
	struct wasm_proc *p = CONTAINER_OF(task, struct wasm_proc, task);

	kvfs_task_untrack(task);
	proc_cancelled(task); /* a no-op unless it never finished */
	struct wasm_proc_io io = p->io;
	free(p);
	if (io.released)
		io.released(io.arg);
}

static const struct kasync_task_vtable proc_vt = {.poll = proc_poll,
						  .take_output = proc_take,
						  .dealloc = proc_dealloc,
						  .cancelled = proc_cancelled};

/*
 * What a module of `len` bytes may take for its data and its translated
 * code together: WASM_PROC_META_PER_BYTE times its size, and never the
 * frames kept for the kernel. ERR_NOMEM if those are all there is; *tight
 * if less than WASM_PROC_META_MIN is free for it (a program's code may
 * then not fit at all: it is translated at once, see proc_load).
 */
/* Bytes of frames free now beyond the promises and the kernel's reserve
 * (0: none). */
static uint64_t proc_free_room(void)
{
	struct frame_stats f;

	frame_stats(&f);
	return f.available > f.reserve ? (f.available - f.reserve) * FRAME_SIZE : 0;
}

static int proc_meta_limit(size_t len, size_t *out, bool *tight)
{
	uint64_t room = proc_free_room();
	if (!room)
		return ERR_NOMEM;
	uint64_t cap = (uint64_t)len * WASM_PROC_META_PER_BYTE + WASM_PROC_META_MIN;
	*tight = room < WASM_PROC_META_MIN;
	*out = (size_t)MIN(room, cap);
	return 0;
}

/* The limit of a program's GC heap (structs and arrays, from the kernel
 * heap, given back with its store): what is free beyond the kernel's
 * reserve when it starts, as for its code, and at most the runtime's
 * default. Past it an allocation traps "out of memory" after a collection. */
static size_t proc_gc_limit(void)
{
	uint64_t room = proc_free_room();

	/* at least 1: 0 would mean the default */
	return (size_t)MAX(MIN(room, (uint64_t)WASM_DEFAULT_GC_BYTES), 1);
}

/* Whether a GC heap may grow by `bytes` now: its objects come from the
 * kernel heap, which charges frames without promises, so several programs
 * could together reach into the kernel's reserve; this keeps them out of
 * it (give or take one step of each heap). */
static bool proc_gc_room(size_t bytes)
{
	uint64_t room = proc_free_room();

	return room && room >= (uint64_t)bytes;
}

/* wasm:translate's clock (the runtime has none): read only while the event
 * is on, so a program not traced pays nothing for it. */
static uint64_t proc_translate_begin(void *arg)
{
	(void)arg;
	/* relaxed: a hint, like TRACE_POINT's own check */
	return atomic_load_explicit(&trace_event_state_wasm_translate.enabled, memory_order_relaxed)
		       ? sched_now_ns()
		       : 0;
}

/* A function of the program's was translated on its first call. Runs in
 * the program's poll, on its CPU. */
static void proc_translate_done(void *arg, const struct wasm_translate_info *ti)
{
	struct wasm_proc *p = arg;

	if (ti->refused) {
		struct wasm_name n = wasm_module_func_name(ti->inst->module, ti->func);

		log_debug("wasm",
			  "%s: function %u %.*s not compiled (an instruction the compiler"
			  " does not handle yet): it runs interpreted",
			  p->name, ti->func, (int)n.len, n.ptr ? n.ptr : "");
		return;
	}
	TRACE_POINT(wasm, translate, p->name, ti->func, ti->wasm_bytes, ti->ins, ti->bytes,
		    ti->begin ? sched_now_ns() - ti->begin : 0, ti->compiled);
}

/* A store for p with WASI bound and the module instantiated in it. */
static int proc_instantiate(struct wasm_proc *p, bool checked, bool interp, uint32_t max_pages,
			    size_t max_code, bool eager, struct wasm_instance **inst,
			    struct wasm_error *err)
{
	struct wasm_store_config cfg;
	struct wasm_linker *l;
	int e;

	kwasm_store_config(checked, &cfg);
	if (!interp)
		kcode_store_config(&p->kcode, &cfg); /* off with jit=0 */
	cfg.max_memory_pages = max_pages;
	cfg.max_code_bytes = max_code;
	cfg.eager_code = eager;
	cfg.max_gc_bytes = proc_gc_limit();
	cfg.gc_room = proc_gc_room;
	cfg.translate_hook = (struct wasm_translate_hook){
		.begin = proc_translate_begin, .done = proc_translate_done, .arg = p};
	e = wasm_store_new(&cfg, &p->store);
	if (e)
		return e;
	e = wasm_linker_new(p->store, &l);
	if (!e)
		e = wasi_bind_define(l, &p->wasi);
	if (!e)
		e = wasm_instantiate(p->store, p->mod, l, inst, err);
	if (!e)
		e = wasm_exec_new(p->store, NULL, &p->exec);
	if (e) {
		wasm_store_free(p->store);
		p->store = NULL;
	}
	return e;
}

/* The preopens are the program's from spawn on: a spawn that fails before
 * WASI takes them closes them. */
static void io_close_preopens(const struct wasm_proc_io *io)
{
	if (!io->files || !io->files->close)
		return;
	for (uint32_t i = 0; i < io->npreopens; i++)
		io->files->close(io->files->arg, io->preopens[i].hfd);
}

/* Decode, validate, WASI, instantiate (guarded, or checked when the
 * guarded reservation does not fit), find the entry points. */
static int proc_load(struct wasm_proc *p, const uint8_t *bytes, int argc, const char *const *argv,
		     const struct wasm_proc_opts *o, struct wasm_error *err)
{
	struct wasi_config wc = {
		.argc = (uint32_t)argc,
		.argv = argv,
		.envc = p->io.envp ? p->io.envc : 0,
		.envp = p->io.envp,
		.stdio = {WASI_ENV_STDIN, WASI_ENV_STDOUT, WASI_ENV_STDERR},
		.npreopens = p->io.files ? p->io.npreopens : 0,
		.preopens = p->io.preopens,
	};
	struct wasm_load_opts lo = {.bytes = o->bytes};
	struct wasm_workers workers;
	struct wasm_instance *inst;
	struct wasm_extern ex;
	bool guarded, tight = false;
	int e;

	proc_host_init(p);
	e = wasi_ctx_init(&p->wasi, &p->env, p->io.files, &wc);
	if (e) {
		io_close_preopens(&p->io);
		if (o->bytes == WASM_BYTES_TAKE)
			free((void *)bytes);
		return e;
	}
	p->wasi_live = true;
	e = proc_meta_limit(p->len, &lo.max_meta, &tight);
	if (e == ERR_NOMEM && modcache_shrink() + kheap_trim())
		e = proc_meta_limit(p->len, &lo.max_meta, &tight);
	if (e) {
		if (o->bytes == WASM_BYTES_TAKE)
			free((void *)bytes);
		*err = (struct wasm_error){.kind = e, .section = "module"};
		fmt_snprintf(err->msg, sizeof(err->msg), "no memory left but the kernel's reserve");
		return e;
	}
	/* a module kept from an earlier run of the same bytes, or decode and
	 * validate apart (wasm_module_load_opts's two steps), so that wasm:load
	 * can say where start-up time goes */
	uint64_t t0 = sched_now_ns(), t1, t2, t3;
	if (o->cache)
		p->mod = modcache_get(bytes, p->len);
	t1 = t2 = t3 = sched_now_ns();
	bool hit = p->mod != NULL;
	if (hit) {
		p->mod_cached = true;
		if (o->bytes == WASM_BYTES_TAKE)
			free((void *)bytes); /* the kept module has its own */
	} else {
		e = wasm_module_decode_opts(bytes, p->len, &lo, &p->mod, err);
		if (e)
			return e;
		t2 = sched_now_ns();
		vwork_workers(&workers);
		e = wasm_module_validate_on(p->mod, &workers, err);
		if (e)
			return e; /* the module goes with the program (proc_release) */
		t3 = sched_now_ns();
		if (o->cache)
			p->mod_cached = modcache_add(p->mod);
	}
	/* A memory whose reservation does not fit is made checked by the
	 * runtime (wasm_store_memory_new): the program runs all the same. */
	/* the code gets what the module's data left of the limit (at least a
	 * byte: 0 would mean no limit). When memory is that short (tight), all
	 * the code is translated now: a program that does not fit is refused
	 * before it starts, not trapped at some function's first call. Else
	 * translation stays lazy: a big program translates only what runs. */
	e = proc_instantiate(p, o->checked, o->interp, o->max_memory_pages,
			     lo.max_meta - MIN(lo.max_meta - 1, p->mod->meta_bytes), tight, &inst,
			     err);
	if (e)
		return e;
	TRACE_POINT(wasm, load, p->name, p->len, p->mod->nfuncs - p->mod->nfunc_imports, hit,
		    (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000,
		    (sched_now_ns() - t3) / 1000);
	guarded = inst->module->nmems && inst->mems[0]->guarded;
	if (o->used_guarded)
		*o->used_guarded = guarded;
	inst->name = p->name;
	p->inst = inst;
	if (wasm_instance_export(inst, "_start", &ex) || ex.kind != WASM_EXTERN_FUNC)
		return ERR_NOENT;
	if (ex.u.func->type->nparams || ex.u.func->type->nresults) {
		err->kind = ERR_UNSUPP;
		err->section = "export";
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "_start takes %u parameter(s) and returns %u result(s), not none",
			     ex.u.func->type->nparams, ex.u.func->type->nresults);
		return ERR_UNSUPP;
	}
	p->calls[0] = wasm_instance_start_func(inst);
	p->calls[1] = ex.u.func;
	TRACE_POINT(wasm, instance_start, p->name, guarded,
		    inst->module->nmems ? inst->mems[0]->pages : 0);
	proc_set_mem(p);
	return 0;
}

int wasm_proc_spawn_opts(const uint8_t *bytes, size_t len, const char *name, int argc,
			 const char *const *argv, const struct wasm_proc_io *io,
			 const struct wasm_proc_opts *opts, struct kasync_join *out)
{
	static const struct wasm_proc_opts no_opts;
	const struct wasm_proc_opts *o = opts ? opts : &no_opts;
	struct wasm_error scratch, *err = o->err ? o->err : &scratch;
	struct wasm_proc *p = NULL;
	int e = 0;

	if (argc < 0 || (argc > 0 && !argv))
		e = ERR_INVAL;
	else if (!(p = calloc(1, sizeof(*p))))
		e = ERR_NOMEM;
	if (e) {
		if (io)
			io_close_preopens(io);
		if (o->bytes == WASM_BYTES_TAKE)
			free((void *)bytes);
		return e;
	}
	p->len = len;
	name = name ? name : "wasm";
	memcpy(p->name, name, strnlen(name, sizeof(p->name) - 1)); /* calloc'd: NUL-ended */
	if (io)
		p->io = *io;
	p->slice_ticks = timer_us_to_ticks(o->slice_us ? o->slice_us : WASM_PROC_SLICE_US);
	kasync_task_init(&p->task, &proc_vt, p->name);
	kcode_acct_init(&p->kcode);
	e = proc_load(p, bytes, argc, argv, o, err);
	if (e) {
		proc_dealloc(&p->task);
		return e;
	}
	if (kvfs_task_track(&p->task, proc_stats)) /* untracked in proc_dealloc */
		log_warn("wasm", "%s: task table full, not listed in /proc/tasks", p->name);
	p->spawned = true;
	return kasync_spawn(&kexec, &p->task, out); /* on error it deallocs */
}

int wasm_proc_spawn(const uint8_t *bytes, size_t len, const char *name, int argc,
		    const char *const *argv, const struct wasm_proc_io *io, struct kasync_join *out)
{
	return wasm_proc_spawn_opts(bytes, len, name, argc, argv, io, NULL, out);
}
