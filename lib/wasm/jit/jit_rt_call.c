/*
 * jit_rt_call.c - the compiler tier's runtime, part two: what compiled code
 * calls (jit_abi.h's struct jit_rt), calls from C into compiled,
 * interpreted and host functions, and traps with their backtraces.
 *
 * Every call that leaves compiled code through the runtime pushes a
 * segment (jit_rt_internal.h) on the fiber's stack, so a trap anywhere can
 * walk back through all the compiled frames; a trap then ends the fiber
 * (jit_fiber_exit), which drops every frame at once: nothing on the guest
 * stack owns memory or holds a lock.
 *
 * Values cross between slots (union wasm_val: an i32 or f32 zero-extended)
 * and registers (an i32 sign-extended, an f32 NaN-boxed) here only.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_rt_internal.h"
#include "wasm/opcodes.h"

static bool type_is_float(uint8_t t)
{
	return t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

static uint64_t reg_of(uint8_t t, uint64_t slot)
{
	if (t == WASM_TYPE_I32)
		return (uint64_t)(int64_t)(int32_t)(uint32_t)slot;
	if (t == WASM_TYPE_F32)
		return 0xffffffff00000000ull | (uint32_t)slot;
	return slot;
}

static uint64_t slot_of(uint8_t t, uint64_t reg)
{
	return t == WASM_TYPE_I32 || t == WASM_TYPE_F32 ? (uint32_t)reg : reg;
}

static void seg_push(struct jit_exec *jx, struct jit_seg *s, int kind, struct jit_rt_inst *ji,
		     struct jit_rt_inst *caller_ji, uintptr_t pc, uintptr_t fp)
{
	s->prev = jx->top;
	s->kind = kind;
	s->ji = ji;
	s->caller_ji = caller_ji;
	s->caller_pc = pc;
	s->caller_fp = fp;
	jx->top = s;
}

/*
 * The guest stack's next JIT_RT_PROBE bytes, written before a service runs
 * C code that may take an embedder's locks (host functions, the compiler,
 * memory growth): an embedder that commits guest stacks lazily (the
 * kernel) then takes those page faults here, holding nothing, rather than
 * inside a locked section that the fault path needs too. Compiled code
 * leaves sp at least JIT_RT_HEADROOM above the stack's bottom, so the probe
 * stays inside the stack.
 */
#define JIT_RT_PROBE (48u << 10)
STATIC_ASSERT(JIT_RT_PROBE + (8u << 10) <= JIT_RT_HEADROOM);

static __attribute__((noinline)) void stack_probe(void)
{
#if defined(__riscv) && __riscv_xlen == 64
	uintptr_t sp;

	/* below sp, without moving it: a C array would be shrunk by the
	 * compiler (nothing reads it) */
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	for (uintptr_t off = 4096; off <= JIT_RT_PROBE; off += 4096)
		__asm__ volatile("sb zero, 0(%0)" : : "r"(sp - off) : "memory");
#endif
}

/* ---- traps ---- */

/* One compiled frame of ri at pc; *last caches the function found. */
static void trap_frame(struct wasm_trap *t, const struct jit_rt_inst *ri, uintptr_t pc,
		       const struct jit_func **last)
{
	const struct jit_func *f = *last;

	if (t->nframes < WASM_TRAP_MAX_FRAMES) {
		if (!f || pc < (uintptr_t)f->entry || pc >= (uintptr_t)f->entry + f->size)
			f = jit_rt_func_at(ri, pc);
		if (!f)
			return;
		t->frames[t->nframes].inst = ri->pub.inst;
		t->frames[t->nframes].func = f->func;
		t->frames[t->nframes].offset = jit_func_wasm_offset(f, pc);
		t->nframes++;
		*last = f;
	}
	t->depth++;
}

void jit_rt_backtrace(struct wasm_exec *x, struct jit_seg *seg, uintptr_t pc, uintptr_t fp)
{
	struct jit_exec *jx = x->jit;
	const struct jit_rt_inst *ri = seg ? seg->ji : NULL;
	const struct jit_func *last = NULL;

	for (;;) {
		/* the chain of compiled frames from pc / fp to its C entry */
		while (pc && ri) {
			uintptr_t nfp;

			trap_frame(&x->trap, ri, pc, &last);
			if (fp <= jx->lo || fp > jx->hi)
				break;
			nfp = ((const uintptr_t *)fp)[-2];
			if (nfp <= fp)
				break; /* 0: jit_rt_enter's end of the chain */
			pc = ((const uintptr_t *)fp)[-1] - 4;
			fp = nfp;
		}
		if (!seg || !seg->caller_ji)
			return;
		ri = seg->caller_ji;
		pc = seg->caller_pc;
		fp = seg->caller_fp;
		seg = seg->prev;
	}
}

_Noreturn void jit_rt_trap_in(struct wasm_exec *x, int kind, struct jit_seg *seg, uintptr_t pc,
			      uintptr_t fp)
{
	struct jit_exec *jx = x->jit;

	x->trap.kind = kind;
	x->trap.depth = 0;
	x->trap.nframes = 0;
	jit_rt_backtrace(x, seg, pc, fp);
	jx->end = JIT_END_TRAPPED;
	jit_fiber_exit(&jx->fiber);
}

/* A trap at a call site (the callee never ran, or is not compiled code). */
static _Noreturn void trap_at_call(struct wasm_exec *x, int kind, struct jit_rt_inst *caller_ji,
				   uintptr_t pc, uintptr_t fp)
{
	struct jit_seg s;

	seg_push(x->jit, &s, JIT_SEG_HOST, NULL, caller_ji, pc, fp);
	jit_rt_trap_in(x, kind, &s, 0, 0);
}

_Noreturn void jit_rt_trap_c(struct wasm_exec *x, uintptr_t kind, uintptr_t pc, uintptr_t fp)
{
	x->trap.msg = NULL;
	jit_rt_trap_in(x, (int)kind, x->jit->top, pc, fp);
}

/* ---- calls ---- */

static void call_host(struct wasm_exec *x, struct wasm_funcinst *f, uint64_t *slots,
		      struct jit_rt_inst *caller_ji, uintptr_t pc, uintptr_t fp)
{
	struct jit_exec *jx = x->jit;
	struct jit_seg s;

	seg_push(jx, &s, JIT_SEG_HOST, NULL, caller_ji, pc, fp);
	for (;;) {
		struct wasm_host_call hc = {
			.exec = x,
			.caller = caller_ji ? caller_ji->pub.inst : NULL,
			.arg = f->host_arg,
		};
		int rc = f->host(&hc, (union wasm_val *)slots);

		if (rc == WASM_HOST_OK)
			break;
		if (rc == WASM_HOST_BLOCKED || rc == WASM_HOST_YIELD) {
			/* suspended; called again with the same args on resume */
			if (rc == WASM_HOST_YIELD)
				atomic_store(&x->yield, 0);
			x->reason =
				rc == WASM_HOST_YIELD ? WASM_SUSPEND_YIELD : WASM_SUSPEND_BLOCKED;
			jit_fiber_suspend(&jx->fiber);
			continue;
		}
		x->trap.msg = hc.trap_msg;
		x->trap.exit_code = hc.exit_code;
		jit_rt_trap_in(x, hc.trap_kind ? hc.trap_kind : WASM_TRAP_HOST, &s, 0, 0);
	}
	jx->top = s.prev;
}

/* Runs f in the interpreter, nested in this call: the interpreter never
 * calls compiled code, so at most one such run is active, and it may use
 * the exec's interpreter state (slot stack, frames) from the bottom. */
static void call_interp(struct wasm_exec *x, struct wasm_funcinst *f, uint64_t *slots,
			struct jit_rt_inst *caller_ji, uintptr_t pc, uintptr_t fp)
{
	struct jit_exec *jx = x->jit;
	const struct wasm_functype *ft = f->type;
	/* in slots: a v128 (only ever from the entry call) takes two */
	uint32_t np = wasm_types_slots(ft->params, ft->nparams);
	uint32_t nr = wasm_types_slots(ft->results, ft->nresults);
	uint32_t n = MAX(np, nr);
	struct jit_seg s;
	int rc;

	seg_push(jx, &s, JIT_SEG_INTERP, NULL, caller_ji, pc, fp);
	rc = interp_stack_reserve(x, n);
	if (rc)
		jit_rt_trap_in(x, rc, &s, 0, 0);
	memcpy(x->stack, slots, np * sizeof(uint64_t));
	x->entry[0].imm = (uintptr_t)f;
	x->entry_fn.nslots = n;
	x->ip = x->entry;
	x->fn = &x->entry_fn;
	x->fp = 0;
	x->nframes = 0;
	x->fault_ip = NULL;
	x->fuel_bound = false;
	for (;;) {
		x->left = INT64_MAX;
		rc = interp_run_loop(x, NULL);
		if (rc == INTERP_DONE)
			break;
		if (rc == INTERP_SUSPEND) {
			jit_fiber_suspend(&jx->fiber);
			continue;
		}
		x->trap.depth = 0;
		x->trap.nframes = 0;
		interp_trap_walk(x);
		x->nframes = 0;
		jit_rt_backtrace(x, &s, 0, 0);
		jx->end = JIT_END_TRAPPED;
		jit_fiber_exit(&jx->fiber);
	}
	memcpy(slots, x->stack, nr * sizeof(uint64_t));
	jx->top = s.prev;
}

/* Whether ft has a v128: compiled code then takes every param and returns
 * every result in memory (jit_internal.h, jc_simd_params), as slots. */
static bool type_has_v128(const struct wasm_functype *ft)
{
	return wasm_types_slots(ft->params, ft->nparams) != ft->nparams ||
	       wasm_types_slots(ft->results, ft->nresults) != ft->nresults;
}

/* Room for n slots in jx->scratch (traps at the call if there is none). */
static void scratch_reserve(struct wasm_exec *x, uint64_t n, struct jit_rt_inst *caller_ji,
			    uintptr_t pc, uintptr_t fp)
{
	struct jit_exec *jx = x->jit;
	uint64_t *p;

	if (n <= jx->cap_scratch)
		return;
	p = realloc(jx->scratch, n * sizeof(*p));
	if (!p)
		trap_at_call(x, WASM_TRAP_NOMEM, caller_ji, pc, fp);
	jx->scratch = p;
	jx->cap_scratch = n;
}

/* Calls compiled code of ri from C, args from / results to slots (with a
 * v128 in ft, all of them in the outgoing area as they are). */
static void call_code(struct wasm_exec *x, struct jit_rt_inst *ri, void *code,
		      const struct wasm_functype *ft, uint64_t *slots,
		      struct jit_rt_inst *caller_ji, uintptr_t pc, uintptr_t fp)
{
	struct jit_exec *jx = x->jit;
	bool mem = type_has_v128(ft);
	uint32_t np = wasm_types_slots(ft->params, ft->nparams);
	uint32_t nr = wasm_types_slots(ft->results, ft->nresults);
	struct jit_call c;
	uint32_t ni = 0, nf = 0, ns = 0;
	uint64_t nout;
	struct jit_seg s;

	for (uint32_t i = 0; i < ft->nparams && !mem; i++) {
		bool fl = type_is_float(ft->params[i]);

		if (fl && nf < 8)
			nf++;
		else if (!fl && ni < 8)
			ni++;
		else
			ns++;
	}
	nout = mem ? MAX(np, nr) : MAX(ns, ft->nresults >= 2 ? ft->nresults : 0);
	nout = (nout + 1) & ~(uint64_t)1;
	scratch_reserve(x, nout, caller_ji, pc, fp);
	if (mem)
		memcpy(jx->scratch, slots, np * sizeof(uint64_t));
	ni = nf = ns = 0;
	for (uint32_t i = 0; i < ft->nparams && !mem; i++) {
		uint8_t t = wasm_type_kind(ft->params[i]);

		if (type_is_float(t) && nf < 8)
			c.f[nf++] = reg_of(t, slots[i]);
		else if (!type_is_float(t) && ni < 8)
			c.x[ni++] = reg_of(t, slots[i]);
		else
			jx->scratch[ns++] = slots[i];
	}
	c.out = &jx->scratch;
	c.nout = nout;
	c.code = code;
	c.exec = x;
	c.ji = &ri->pub;
	c.mbase = (uintptr_t)ri->pub.mem0->base;
	c.msize = ri->pub.mem0->size_bytes;
	seg_push(jx, &s, JIT_SEG_CODE, ri, caller_ji, pc, fp);
	jit_rt_enter(&c);
	jx->top = s.prev;
	if (mem) {
		memcpy(slots, jx->scratch, nr * sizeof(uint64_t));
	} else if (ft->nresults == 1) {
		uint8_t t = wasm_type_kind(ft->results[0]);

		slots[0] = slot_of(t, type_is_float(t) ? c.ret_f : c.ret_x);
	} else {
		for (uint32_t i = 0; i < ft->nresults; i++)
			slots[i] = slot_of(ft->results[i], jx->scratch[i]);
	}
}

void jit_rt_call_funcinst(struct wasm_exec *x, struct wasm_funcinst *f, uint64_t *slots,
			  struct jit_rt_inst *caller_ji, uintptr_t pc, uintptr_t fp)
{
	struct jit_rt_inst *ri;
	void *code;
	int err;

	stack_probe(); /* also the fiber's first call: compiles on a fresh stack */
	if (f->host) {
		call_host(x, f, slots, caller_ji, pc, fp);
		return;
	}
	ri = jit_rt_inst_of(f->inst);
	if (ri) {
		code = jit_rt_code(ri, f->index - f->inst->module->nfunc_imports, &err);
		if (err)
			trap_at_call(x, WASM_TRAP_NOMEM, caller_ji, pc, fp);
		if (code) {
			call_code(x, ri, code, f->type, slots, caller_ji, pc, fp);
			return;
		}
	}
	call_interp(x, f, slots, caller_ji, pc, fp);
}

void jit_rt_call_c(struct wasm_exec *x, uintptr_t func, uint64_t *slots, struct wasm_funcinst *f,
		   uintptr_t fp, uintptr_t ra)
{
	struct jit_rt_inst *ri = x->jit->top->ji;

	if (func != UINT32_MAX)
		f = ri->pub.funcs[func];
	jit_rt_call_funcinst(x, f, slots, ri, ra - 4, fp);
}

void *jit_rt_lazy_c(struct wasm_exec *x, uintptr_t idx, struct jit_lazy_regs *regs,
		    uint64_t *caller_sp, uintptr_t fp, uintptr_t ra)
{
	struct jit_exec *jx = x->jit;
	struct jit_rt_inst *ri = jx->top->ji;
	struct wasm_funcinst *f;
	const struct wasm_functype *ft;
	uint32_t ni = 0, nf = 0, ns = 0, n;
	void *code;
	int err;

	stack_probe();
	code = jit_rt_code(ri, (uint32_t)idx, &err);
	if (code)
		return code;
	if (err)
		trap_at_call(x, WASM_TRAP_NOMEM, ri, ra - 4, fp);
	/* refused by the compiler: interpreted, its args from registers */
	f = ri->pub.funcs[ri->pub.inst->module->nfunc_imports + idx];
	ft = f->type;
	if (type_has_v128(ft)) {
		/* args and results in the caller's outgoing area, as slots:
		 * call_interp copies them from and to there itself */
		call_interp(x, f, caller_sp, ri, ra - 4, fp);
		return NULL;
	}
	n = MAX(ft->nparams, ft->nresults);
	scratch_reserve(x, n, ri, ra - 4, fp);
	for (uint32_t i = 0; i < ft->nparams; i++) {
		uint8_t t = wasm_type_kind(ft->params[i]);
		uint64_t v;

		if (type_is_float(t) && nf < 8)
			v = regs->f[nf++];
		else if (!type_is_float(t) && ni < 8)
			v = regs->x[ni++];
		else
			v = caller_sp[ns++];
		jx->scratch[i] = slot_of(t, v);
	}
	/* no compiled code runs inside: scratch stays this call's */
	call_interp(x, f, jx->scratch, ri, ra - 4, fp);
	if (ft->nresults == 1) {
		uint8_t t = wasm_type_kind(ft->results[0]);

		if (type_is_float(t))
			regs->f[0] = reg_of(t, jx->scratch[0]);
		else
			regs->x[0] = reg_of(t, jx->scratch[0]);
	} else {
		for (uint32_t i = 0; i < ft->nresults; i++)
			caller_sp[i] = jx->scratch[i];
	}
	return NULL;
}

/* ---- the other services ---- */

void jit_rt_yield_c(struct wasm_exec *x)
{
	if (!atomic_exchange(&x->yield, 0))
		return;
	x->reason = WASM_SUSPEND_YIELD;
	jit_fiber_suspend(&x->jit->fiber);
}

uint64_t jit_rt_memory_grow(struct wasm_exec *x, uint64_t pages)
{
	struct jit_rt_inst *ri = x->jit->top->ji;
	int64_t r;

	stack_probe();
	if (ri->pub.mem0 == &jit_rt_empty_memory)
		return (uint64_t)-1;
	r = wasm_memory_grow(ri->pub.mem0, (uint32_t)pages);
	return (uint64_t)(int64_t)(int32_t)r;
}

/*
 * memory.fill (src_or_val the byte) or memory.copy over n bytes: the whole
 * range checked first (2.0: nothing is written when it traps), then done
 * JIT_BULK_BYTES at a time with a yield check between chunks, so that a
 * long one does not hold the CPU past its slice: the fiber suspends inside
 * and the operation goes on when resumed. A copy to a higher address goes
 * from the end, so no chunk reads what an earlier one wrote. The memory
 * may grow (or move, if checked) while suspended, never shrink: the range
 * stays valid, and each chunk reads mem's base again.
 */
#define JIT_BULK_BYTES (64u << 10)

static int bulk_memory(struct wasm_exec *x, struct wasm_memory *mem, bool fill, uint32_t d,
		       uint32_t src_or_val, uint32_t n)
{
	uint32_t s = src_or_val;
	bool back = !fill && d > s;

	if ((uint64_t)d + n > mem->size_bytes || (!fill && (uint64_t)s + n > mem->size_bytes))
		return WASM_TRAP_MEMORY_OOB;
	while (n) {
		uint32_t k = MIN(n, JIT_BULK_BYTES);

		if (fill)
			wasm_rt_memory_fill(mem, d, (uint8_t)src_or_val, k);
		else if (back)
			wasm_rt_memory_copy(mem, mem, d + n - k, s + n - k, k);
		else
			wasm_rt_memory_copy(mem, mem, d, s, k);
		if (!back) {
			d += k;
			s += k;
		}
		n -= k;
		/* relaxed: the flag carries no data */
		if (n && atomic_load_explicit(&x->yield, memory_order_relaxed))
			jit_rt_yield_c(x);
	}
	return 0;
}

/* Whether table i of the module has the i64 address type (table64). */
static bool table64(const struct wasm_instance *inst, uint32_t i)
{
	return inst->module->ntables > i && inst->module->tables[i].limits.is64;
}

/* An index or count of a table instruction: all 64 bits of an i64 (a
 * table holds fewer than 2^32 elements, so a larger one is out of bounds,
 * never wrapped), the low 32 of an i32. */
static uint64_t table_operand(bool is64, uint64_t v)
{
	return is64 ? v : (uint32_t)v;
}

/* One table or bulk-memory instruction; 0 or a trap kind. */
static int misc_op(struct wasm_exec *x, struct jit_rt_inst *ri, uint32_t op, uint32_t imm0,
		   uint32_t imm1, uint64_t *a)
{
	struct wasm_instance *inst = ri->pub.inst;
	struct wasm_memory *mem = ri->pub.mem0;
	struct wasm_tableinst *t = inst->module->ntables > imm0 ? inst->tables[imm0] : NULL;
	bool t64 = table64(inst, imm0), s64 = table64(inst, imm1);
	uintptr_t v;
	int k;

	switch (op) {
	case WASM_OP_INDEX(0, WASM_OP_TABLE_GET):
		k = wasm_rt_table_get(t, table_operand(t64, a[0]), &v);
		if (!k)
			a[0] = v;
		return k;
	case WASM_OP_INDEX(0, WASM_OP_TABLE_SET):
		return wasm_rt_table_set(t, table_operand(t64, a[0]), (uintptr_t)a[1]);
	case WASM_OP_INDEX(0, WASM_OP_MEMORY_SIZE):
		a[0] = mem->pages;
		return 0;
	case WASM_OP_INDEX(0, WASM_OP_MEMORY_GROW):
		a[0] = (uint32_t)(int32_t)wasm_memory_grow(mem, (uint32_t)a[0]);
		return 0;
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_MEMORY_INIT):
		return wasm_rt_memory_init(inst, 0, imm0, (uint32_t)a[0], (uint32_t)a[1],
					   (uint32_t)a[2]);
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_DATA_DROP):
		wasm_rt_data_drop(inst, imm0);
		return 0;
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_MEMORY_COPY):
		return bulk_memory(x, mem, false, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_MEMORY_FILL):
		return bulk_memory(x, mem, true, (uint32_t)a[0], (uint8_t)a[1], (uint32_t)a[2]);
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_TABLE_INIT):
		/* binary order: elem index, then table index */
		return wasm_rt_table_init(inst, imm1, imm0, table_operand(s64, a[0]),
					  (uint32_t)a[1], (uint32_t)a[2]);
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_ELEM_DROP):
		wasm_rt_elem_drop(inst, imm0);
		return 0;
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_TABLE_COPY):
		/* the count is an i64 when both tables are i64 ones */
		return wasm_rt_table_copy(inst, imm0, imm1, table_operand(t64, a[0]),
					  table_operand(s64, a[1]),
					  table_operand(t64 && s64, a[2]));
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_TABLE_GROW): /* old size or -1 */
		if (t64)
			a[0] = (uint64_t)wasm_rt_table_grow(t, (uintptr_t)a[0], a[1]);
		else
			a[0] = (uint32_t)(int32_t)wasm_rt_table_grow(t, (uintptr_t)a[0],
								     (uint32_t)a[1]);
		return 0;
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_TABLE_SIZE):
		a[0] = t->size;
		return 0;
	case WASM_OP_INDEX(WASM_OP_PREFIX_FC, WASM_OP_TABLE_FILL):
		return wasm_rt_table_fill(t, table_operand(t64, a[0]), (uintptr_t)a[1],
					  table_operand(t64, a[2]));
	default:
		if (wasm_op_index_is_simd(op)) {
			/* a 0xfd instruction not compiled inline
			 * (jit_compile_simd.c): the interpreter's lane code, its
			 * operands laid out as the interpreter has them */
			interp_simd_op(a, op - WASM_OP_INDEX(WASM_OP_PREFIX_FD, 0), imm0);
			return 0;
		}
		return WASM_TRAP_HOST; /* not a misc instruction: a compiler bug */
	}
}

void jit_rt_misc_c(struct wasm_exec *x, uint64_t op, uint64_t imms, uint64_t *slots, uintptr_t fp,
		   uintptr_t ra)
{
	struct jit_seg *top = x->jit->top;
	int k;

	stack_probe();
	k = misc_op(x, top->ji, (uint32_t)op, (uint32_t)imms, (uint32_t)(imms >> 32), slots);

	if (k) {
		x->trap.msg = NULL;
		jit_rt_trap_in(x, k, top, ra - 4, fp);
	}
}
