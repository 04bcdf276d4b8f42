/*
 * interp_exec.c - the run loop: threaded dispatch over translated code.
 *
 * Each instruction's handler is a label of interp_run_loop; `ip->h` holds
 * its address, so dispatch is one indirect jump (`goto *ip->h`), and every
 * handler, every taken branch included, has its own (one shared jump would
 * predict badly). The loop keeps in locals only what most instructions
 * need, so the compiler can keep it in registers: the code position, the
 * frame pointer into the exec's slot stack, memory 0's base, and `acc` and
 * `facc`, copies of the last integer (or f32) and f64 result: an
 * instruction that the translator knows directly follows its operand's
 * producer (no branch target between) reads it from there instead of from
 * the slot just stored. The rest lives in the exec (x->fn, x->left,
 * x->msize for checked accesses). Calls push a record on the exec's frame
 * stack and continue in the same C frame: there is no C recursion per
 * WebAssembly call.
 *
 * What must survive a fault in a guarded memory (the C locals are lost
 * then) is kept in the exec: the frame records and their count, the current
 * function (x->fn, updated at every call and return) and the position of
 * the last unchecked access (x->fault_ip, stored just before it).
 *
 * Units are charged at taken loop back-edges (the loop body's length) and at
 * calls (the callee's length, or one for a host function); the same spots
 * check the yield flag. So are the chunks of a long bulk instruction
 * (bulk_step below), so that none holds the CPU past its time slice.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/interp/simd_exec.h"
#include "wasm/interp/interp_fused.h"
#include "wasm/interp/interp_num.h"
#include "wasm/module_internal.h"
#include "wasm/opcodes.h"

int interp_stack_reserve(struct wasm_exec *x, uint64_t need)
{
	uint64_t ncap;
	uint64_t *s;

	if (need <= x->cap_slots)
		return 0;
	if (need > x->max_slots)
		return WASM_TRAP_VALUE_STACK;
	ncap = x->cap_slots * 2;
	if (ncap < need)
		ncap = need;
	if (ncap > x->max_slots)
		ncap = x->max_slots;
	s = realloc(x->stack, ncap * sizeof(*s));
	if (!s)
		return WASM_TRAP_NOMEM;
	x->stack = s;
	x->cap_slots = ncap;
	return 0;
}

int interp_frames_reserve(struct wasm_exec *x)
{
	uint32_t ncap;
	struct interp_frame *f;

	if (x->nframes < x->cap_frames)
		return 0;
	if (x->nframes >= x->max_depth)
		return WASM_TRAP_CALL_STACK;
	ncap = x->cap_frames ? x->cap_frames * 2 : 64;
	if (ncap > x->max_depth)
		ncap = x->max_depth;
	f = realloc(x->frames, ncap * sizeof(*f));
	if (!f)
		return WASM_TRAP_NOMEM;
	x->frames = f;
	x->cap_frames = ncap;
	return 0;
}

/* A pending yield request. Relaxed: the flag carries no data, and a
 * request seen one back-edge late is still honoured. */
static inline bool yield_pending(struct wasm_exec *x)
{
	return atomic_load_explicit(&x->yield, memory_order_relaxed) != 0;
}

/*
 * Long bulk instructions: one over more than INTERP_BULK_BYTES bytes (or
 * INTERP_BULK_ELEMS table elements) runs one chunk per dispatch, charging
 * INTERP_BULK_UNITS per chunk, so a yield request is seen within a chunk
 * and a memory.fill of 4 GiB can be suspended and resumed like a loop.
 * bulk_step checks the whole remaining range first, so an out-of-bounds
 * operation still traps before it writes anything (the 2.0 rule), does one
 * chunk through the runtime's helper, and rewrites the instruction's
 * operand slots (arg[0..2]) to what is left; the loop then dispatches the
 * same instruction again, or suspends at it and resumes there. This is
 * safe because the operand slots are the instruction's own temporaries
 * (do_bulk materializes them and nothing reads them afterwards), and no
 * instruction after a bulk one takes an operand from acc. A copy whose
 * destination lies above its source goes from the end, so no chunk reads
 * what an earlier one wrote (memmove's rule, chunk by chunk). Results are
 * the same as one memset/memmove; only the time is cut.
 */
#define INTERP_BULK_BYTES (64u << 10)
#define INTERP_BULK_ELEMS (8u << 10)
#define INTERP_BULK_UNITS 1024

static uint32_t data_len(const struct wasm_instance *inst, uint64_t i)
{
	return inst->data_dropped[i] ? 0 : inst->module->datas[i].size;
}

static uint32_t elem_len(const struct wasm_instance *inst, uint64_t i)
{
	return inst->elem_dropped[i] ? 0 : inst->module->elems[i].count;
}

static __attribute__((noinline)) int bulk_step(struct wasm_exec *x, uint32_t op,
					       const struct ins *ip, uint64_t *arg)
{
	struct wasm_instance *inst = x->fn->inst;
	struct wasm_memory *mem = x->fn->mem0;
	struct wasm_tableinst *fill_table = (struct wasm_tableinst *)(uintptr_t)ip->imm;
	uint32_t d = (uint32_t)arg[0], s = (uint32_t)arg[1], n = (uint32_t)arg[2];
	uint64_t dlen, slen = UINT64_MAX; /* fills have no source */
	bool table = op == OP_TABLE_FILL || op == OP_TABLE_COPY || op == OP_TABLE_INIT;
	bool fill = op == OP_MEMORY_FILL || op == OP_TABLE_FILL;
	bool back = (op == OP_MEMORY_COPY || op == OP_TABLE_COPY) && d > s;
	uint32_t k = table ? INTERP_BULK_ELEMS : INTERP_BULK_BYTES;
	uint32_t cd, cs;

	switch (op) {
	case OP_MEMORY_FILL:
		dlen = mem->size_bytes;
		break;
	case OP_MEMORY_COPY:
		dlen = slen = mem->size_bytes;
		break;
	case OP_MEMORY_INIT:
		dlen = mem->size_bytes;
		slen = data_len(inst, ip->imm);
		break;
	case OP_TABLE_FILL:
		dlen = fill_table->size;
		break;
	case OP_TABLE_COPY:
		dlen = inst->tables[ip->imm]->size;
		slen = inst->tables[ip->b]->size;
		break;
	default: /* OP_TABLE_INIT */
		dlen = inst->tables[ip->imm]->size;
		slen = elem_len(inst, ip->b);
		break;
	}
	if ((uint64_t)d + n > dlen || (!fill && (uint64_t)s + n > slen))
		return table ? WASM_TRAP_TABLE_OOB : WASM_TRAP_MEMORY_OOB;
	cd = back ? d + n - k : d;
	cs = back ? s + n - k : s;
	switch (op) {
	case OP_MEMORY_FILL:
		wasm_rt_memory_fill(mem, cd, (uint8_t)s, k);
		break;
	case OP_MEMORY_COPY:
		wasm_rt_memory_copy(mem, mem, cd, cs, k);
		break;
	case OP_MEMORY_INIT:
		wasm_rt_memory_init(inst, 0, (uint32_t)ip->imm, cd, cs, k);
		break;
	case OP_TABLE_FILL:
		wasm_rt_table_fill(fill_table, cd, (uintptr_t)arg[1], k);
		break;
	case OP_TABLE_COPY:
		wasm_rt_table_copy(inst, (uint32_t)ip->imm, ip->b, cd, cs, k);
		break;
	default:
		wasm_rt_table_init(inst, (uint32_t)ip->imm, ip->b, cd, cs, k);
		break;
	}
	if (!back) {
		arg[0] = d + k;
		if (!fill)
			arg[1] = s + k;
	}
	arg[2] = n - k;
	return 0;
}

/* An address operand of memory `mem`: i64 for memory64, else i32. */
static inline uint64_t memx_addr(const struct wasm_instance *inst, uint32_t mem, uint64_t v)
{
	return inst->module->mems[mem].limits.is64 ? v : (uint32_t)v;
}

/* Whether [ea, ea + n) lies inside m, without overflow. */
static inline bool memx_in(const struct wasm_memory *m, uint64_t ea, uint64_t n)
{
	return n <= m->size_bytes && ea <= m->size_bytes - n;
}

/* A SIMD load or store on the memory of index ip->c - 1, not memory 0 of
 * 32-bit addresses (interp_tr_simd): checked like interp_memx's. */
static __attribute__((noinline)) int interp_simd_memx(struct wasm_exec *x, const struct ins *ip,
						      uint64_t *fp)
{
	const struct wasm_instance *inst = x->fn->inst;
	const struct wasm_memory *mem = inst->mems[ip->c - 1];

	return interp_simd_mem(fp + ip->a, ip->b & 0xffff, ip->imm, ip->b >> 16,
			       inst->module->mems[ip->c - 1].limits.is64, mem->base,
			       mem->size_bytes);
}

/*
 * The MEMX_ instructions (interp_internal.h): a memory other than memory 0
 * or an i64 memory. Every access is bounds-checked here, guarded memory or
 * not: the guard region covers only a 32-bit index plus a 32-bit offset,
 * and these are rare enough that memory 0's fast path stays as it was.
 * Returns 0 or a trap kind. Long bulk operations here run in one piece
 * (not chunked like memory 0's).
 */
static __attribute__((noinline)) int interp_memx(struct wasm_exec *x, const struct ins *ip,
						 uint64_t *fp, uint32_t op)
{
	struct wasm_instance *inst = x->fn->inst;
	uint32_t k = op == OP_MEMX_STORE ? ip->c : ip->b, mi = op <= OP_MEMX_STORE ? k >> 8 : ip->b;
	struct wasm_memory *mem = inst->mems[mi];
	uint64_t *arg = &fp[ip->a], ea, n, v = 0;
	uint8_t code = (uint8_t)k;
	bool m64 = inst->module->mems[mi].limits.is64;

	switch (op) {
	case OP_MEMX_LOAD:
	case OP_MEMX_STORE:
		n = 1u << wasm_imm_memarg_align(wasm_opinfo[code].imm);
		ea = memx_addr(inst, mi, arg[0]) + ip->imm;
		if (ea < ip->imm || !memx_in(mem, ea, n))
			return WASM_TRAP_MEMORY_OOB;
		if (op == OP_MEMX_STORE) { /* little-endian: the low n bytes */
			memcpy(mem->base + ea, &fp[ip->b], n);
			return 0;
		}
		memcpy(&v, mem->base + ea, n);
		/* the _s loads (even opcodes 0x2c..0x34) sign-extend; an i32
		 * result keeps its low 32 bits */
		if (code >= WASM_OP_I32_LOAD8_S && code <= WASM_OP_I64_LOAD32_S && !(code & 1)) {
			unsigned sh = 64 - 8 * (unsigned)n;

			v = (uint64_t)((int64_t)(v << sh) >> sh);
			if (wasm_sig_result(wasm_opinfo[code].sig) == WASM_TYPE_I32)
				v = (uint32_t)v;
		}
		fp[ip->c] = v;
		return 0;
	case OP_MEMX_SIZE:
		fp[ip->c] = mem->pages;
		return 0;
	case OP_MEMX_GROW:
		if (m64)
			fp[ip->c] = (uint64_t)wasm_memory_grow(mem, arg[0]);
		else
			fp[ip->c] = (uint32_t)(int32_t)wasm_memory_grow(mem, (uint32_t)arg[0]);
		return 0;
	case OP_MEMX_INIT:
		return wasm_rt_memory_init(inst, mi, (uint32_t)ip->imm, memx_addr(inst, mi, arg[0]),
					   (uint32_t)arg[1], (uint32_t)arg[2]);
	case OP_MEMX_COPY: {
		uint32_t si = (uint32_t)ip->imm;
		bool n64 = m64 && inst->module->mems[si].limits.is64;

		return wasm_rt_memory_copy(mem, inst->mems[si], memx_addr(inst, mi, arg[0]),
					   memx_addr(inst, si, arg[1]),
					   n64 ? arg[2] : (uint32_t)arg[2]);
	}
	default: /* OP_MEMX_FILL */
		return wasm_rt_memory_fill(mem, memx_addr(inst, mi, arg[0]), (uint8_t)arg[1],
					   memx_addr(inst, mi, arg[2]));
	}
}

/*
 * The TABLEX_ instructions (interp_internal.h): the table instructions on
 * an i64 table (table64), and table.copy with an i64 table on either side.
 * Every index and count is checked in 64 bits by the runtime's helpers (a
 * table holds fewer than 2^32 elements, so a larger index is out of
 * bounds). Returns 0 or a trap kind. Long fills and copies run in one piece
 * (not chunked like an i32 table's): a table holds at most the store's
 * max_table_elems.
 */
static __attribute__((noinline)) int interp_tablex(struct wasm_exec *x, const struct ins *ip,
						   uint64_t *fp, uint32_t op)
{
	struct wasm_instance *inst = x->fn->inst;
	const struct wasm_table *tt = inst->module->tables;
	struct wasm_tableinst *tb = (struct wasm_tableinst *)(uintptr_t)ip->imm;
	uint64_t *arg = &fp[ip->a];
	bool d64, s64;
	uintptr_t v;
	int kind;

	switch (op) {
	case OP_TABLEX_GET:
		kind = wasm_rt_table_get(tb, arg[0], &v);
		if (!kind)
			fp[ip->c] = v;
		return kind;
	case OP_TABLEX_SET:
		return wasm_rt_table_set(tb, arg[0], (uintptr_t)fp[ip->b]);
	case OP_TABLEX_GROW: /* the old size or -1, as an i64 */
		fp[ip->c] = (uint64_t)wasm_rt_table_grow(tb, (uintptr_t)arg[0], arg[1]);
		return 0;
	case OP_TABLEX_FILL:
		return wasm_rt_table_fill(tb, arg[0], (uintptr_t)arg[1], arg[2]);
	case OP_TABLEX_COPY: /* [at_d at_s min(at_d, at_s)] */
		d64 = tt[ip->imm].limits.is64;
		s64 = tt[ip->b].limits.is64;
		return wasm_rt_table_copy(
			inst, (uint32_t)ip->imm, ip->b, d64 ? arg[0] : (uint32_t)arg[0],
			s64 ? arg[1] : (uint32_t)arg[1], d64 && s64 ? arg[2] : (uint32_t)arg[2]);
	default: /* OP_TABLEX_INIT: [i64 i32 i32] */
		return wasm_rt_table_init(inst, (uint32_t)ip->imm, ip->b, arg[0], (uint32_t)arg[1],
					  (uint32_t)arg[2]);
	}
}

/* Copies of a few values (results, a call's locals): a plain loop beats the
 * setup of a vectorized one. */
#if defined(__clang__)
#define SHORT_LOOP _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")
#else
#define SHORT_LOOP
#endif

/* Orders the store of the current position before a guest access that may
 * fault (the fault handler discards the C frame). */
static inline void fault_point(struct wasm_exec *x, const struct ins *ip)
{
	*(const struct ins *volatile *)&x->fault_ip = ip;
}

/*
 * Not instrumented by UBSan: its checks on ~400 handlers that share one
 * computed-goto graph make clang take minutes on this function (ASan and TSan
 * still apply). Guest arithmetic here is on unsigned types by construction;
 * shifts are masked and signed division is checked before it happens.
 * No memset calls: zeroing the few locals of a call inline is cheaper.
 */
__attribute__((no_sanitize("undefined"), no_builtin("memset"))) int
interp_run_loop(struct wasm_exec *x, const void *const **table)
{
	static const void *const labels[OP__COUNT] = {
#define L_MISC(n) [OP_##n] = &&L_##n,
#define L_ABIN(n, w, e)                                                               \
	[OP_##n] = &&L_##n, [OP_##n##_I] = &&L_##n##_I, [OP_##n##_XA] = &&L_##n##_XA, \
	[OP_##n##_XAI] = &&L_##n##_XAI, [OP_##n##_XB] = &&L_##n##_XB,
#define L_CMP(n, w, e)                                                            \
	[OP_##n] = &&L_##n, [OP_##n##_I] = &&L_##n##_I, [OP_BR_##n] = &&L_BR_##n, \
	[OP_BRN_##n] = &&L_BRN_##n, [OP_BR_##n##_I] = &&L_BR_##n##_I,             \
	[OP_BRN_##n##_I] = &&L_BRN_##n##_I,
#define L_FBIN(n, w, t, e)                                                            \
	[OP_##n] = &&L_##n, [OP_##n##_I] = &&L_##n##_I, [OP_##n##_XA] = &&L_##n##_XA, \
	[OP_##n##_XAI] = &&L_##n##_XAI, [OP_##n##_XB] = &&L_##n##_XB,
#define L_LOAD(n, s, t, c)                                                          \
	[OP_##n] = &&L_##n, [OP_##n##_C] = &&L_##n##_C, [OP_##n##_A] = &&L_##n##_A, \
	[OP_##n##_AC] = &&L_##n##_AC, [OP_##n##_K] = &&L_##n##_K, [OP_##n##_KC] = &&L_##n##_KC,
#define L_STORE(n, s, t)                                                                        \
	[OP_##n] = &&L_##n, [OP_##n##_C] = &&L_##n##_C, [OP_##n##_A] = &&L_##n##_A,             \
	[OP_##n##_AC] = &&L_##n##_AC, [OP_##n##_K] = &&L_##n##_K, [OP_##n##_KC] = &&L_##n##_KC, \
	[OP_##n##_X] = &&L_##n##_X, [OP_##n##_XC] = &&L_##n##_XC, [OP_##n##_XA] = &&L_##n##_XA, \
	[OP_##n##_XAC] = &&L_##n##_XAC, [OP_##n##_XK] = &&L_##n##_XK,                           \
	[OP_##n##_XKC] = &&L_##n##_XKC,
#define L_NUM(n) [OP_##n] = &&L_##n,
		INTERP_MISC(L_MISC) INTERP_BINOPS_IMM(L_ABIN) INTERP_FBINOPS_IMM(L_FBIN)
			INTERP_CMPS(L_CMP) INTERP_LOADS(L_LOAD) INTERP_STORES(L_STORE)
				INTERP_NUMOPS(L_NUM) INTERP_FUSED_LABELS
#undef L_MISC
#undef L_ABIN
#undef L_FBIN
#undef L_CMP
#undef L_LOAD
#undef L_STORE
#undef L_NUM
	};
	const struct ins *ip;
	struct interp_fn *callee;
	const struct wasm_exn *exn;
	struct wasm_funcinst *f;
	uint64_t *fp;
	uint8_t *mb;
	uint64_t acc = 0;  /* the last integer or f32 arithmetic or load result */
	double facc = 0.0; /* the last f64 arithmetic or load result */
	uint32_t argbase, retn;
	bool tail = false; /* the call at hand is a return_call */
	uint32_t bulk_op;
	uint32_t memx_op;
	uint32_t tablex_op;
	int kind;

	if (!x) {
		*table = labels;
		return 0;
	}
	ip = x->ip;
	fp = x->stack + x->fp;
	mb = x->fn->mem0->base;
	x->msize = x->fn->mem0->size_bytes;

/*
 * Dispatch: the next instruction, or the one ip points at.
 *
 * NEXT, JUMP, TAKE and TRAP hide a goto: threaded dispatch is the one
 * accepted exception to STYLE's "no macro hides a goto" rule. Spelled out,
 * each of the ~400 handlers would repeat the same jump and unit-charging
 * lines, and the point of the scheme is that every handler ends in its own
 * copy of the indirect jump, which only the macro keeps uniform. Why the
 * jump is per handler and not one `switch` (one shared, badly predicted
 * jump): measured when clang had merged the taken branches' jumps into one
 * (commit "Interpreter: faster dispatch", perf stat cycles vs native): fib
 * went from 11.1x to 8.3x native, nbody 17.6x to 13.0x once each site had
 * its own jump again. The gotos only ever target this function's labels.
 */
#define NEXT() goto *(++ip)->h
#define JUMP() goto * ip->h
/* A taken branch of the instruction at ip (cost in c, target at imm). Each
 * site keeps its own dispatch jump: the empty asm, with an operand distinct
 * per site, stops the compiler from merging them all into one jump, which
 * would predict badly. */
#define SITE() __asm__ volatile("" : : "i"(__COUNTER__))
#define TAKE()                                                         \
	do {                                                           \
		const struct ins *to_ = ip + (int64_t)ip->imm;         \
		if (ip->c) {                                           \
			x->left -= ip->c;                              \
			ip = to_;                                      \
			if (UNLIKELY(x->left < 0 || yield_pending(x))) \
				goto out_of_units;                     \
			SITE();                                        \
			JUMP();                                        \
		}                                                      \
		ip = to_;                                              \
		SITE();                                                \
		JUMP();                                                \
	} while (0)
#define TRAP(k)             \
	do {                \
		kind = (k); \
		goto trap;  \
	} while (0)
#define A32  ((uint32_t)fp[ip->a])
#define B32  ((uint32_t)fp[ip->b])
#define A64  (fp[ip->a])
#define B64  (fp[ip->b])
#define FA32 num_f32(fp[ip->a])
#define FB32 num_f32(fp[ip->b])
#define FA64 num_f64(fp[ip->a])
#define FB64 num_f64(fp[ip->b])
#define C    (fp[ip->c])

	JUMP();

	/* clang-format off */
#define H_BIN(n, w, e) \
	L_##n: { \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)fp[ip->b]; \
		C = (uint##w##_t)(e); \
		NEXT(); \
	} \
	L_##n##_I: { \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)ip->imm; \
		C = (uint##w##_t)(e); \
		NEXT(); \
	}

	/* Arithmetic also leaves its result in acc; the _X forms take an
	 * operand from there: the previous instruction's result. */
#define H_ABIN_1(n, w, e, ga, gb) \
	{ \
		uint##w##_t a = (uint##w##_t)(ga), b = (uint##w##_t)(gb); \
		acc = (uint##w##_t)(e); \
		C = acc; \
		NEXT(); \
	}
#define H_ABIN(n, w, e) \
	L_##n: H_ABIN_1(n, w, e, fp[ip->a], fp[ip->b]) \
	L_##n##_I: H_ABIN_1(n, w, e, fp[ip->a], ip->imm) \
	L_##n##_XA: H_ABIN_1(n, w, e, acc, fp[ip->b]) \
	L_##n##_XAI: H_ABIN_1(n, w, e, acc, ip->imm) \
	L_##n##_XB: H_ABIN_1(n, w, e, fp[ip->a], acc)
	INTERP_BINOPS_IMM(H_ABIN)

	/* f32 results travel in acc as bits, f64 results in facc (a float
	 * register: no moves between register files on a chain of f64 ops). */
#define FS32(v) num_f32(v)
#define FS64(v) num_f64(v)
#define FX32 num_f32(acc)
#define FX64 facc
#define FSET32(r) do { acc = num_bits32(r); C = acc; } while (0)
#define FSET64(r) do { facc = (r); C = num_bits64(facc); } while (0)

#define H_FBIN_1(n, w, t, e, ga, gb) \
	{ \
		t a = (ga), b = (gb); \
		FSET##w(e); \
		NEXT(); \
	}
#define H_FBIN(n, w, t, e) \
	L_##n: H_FBIN_1(n, w, t, e, FS##w(fp[ip->a]), FS##w(fp[ip->b])) \
	L_##n##_I: H_FBIN_1(n, w, t, e, FS##w(fp[ip->a]), FS##w(ip->imm)) \
	L_##n##_XA: H_FBIN_1(n, w, t, e, FX##w, FS##w(fp[ip->b])) \
	L_##n##_XAI: H_FBIN_1(n, w, t, e, FX##w, FS##w(ip->imm)) \
	L_##n##_XB: H_FBIN_1(n, w, t, e, FS##w(fp[ip->a]), FX##w)
	INTERP_FBINOPS_IMM(H_FBIN)
	/* clang-format on */

#define H_CMP(n, w, e)                                                              \
	H_BIN(n, w, e)                                                              \
	L_BR_##n:                                                                   \
	{                                                                           \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)fp[ip->b]; \
		if (e)                                                              \
			TAKE();                                                     \
		NEXT();                                                             \
	}                                                                           \
	L_BRN_##n:                                                                  \
	{                                                                           \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)fp[ip->b]; \
		if (!(e))                                                           \
			TAKE();                                                     \
		NEXT();                                                             \
	}                                                                           \
	L_BR_##n##_I:                                                               \
	{                                                                           \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)ip->b;     \
		if (e)                                                              \
			TAKE();                                                     \
		NEXT();                                                             \
	}                                                                           \
	L_BRN_##n##_I:                                                              \
	{                                                                           \
		uint##w##_t a = (uint##w##_t)fp[ip->a], b = (uint##w##_t)ip->b;     \
		if (!(e))                                                           \
			TAKE();                                                     \
		NEXT();                                                             \
	}
	INTERP_CMPS(H_CMP)

/* A loaded value of type t (v) to its slot and acc (facc for f64). */
#define LOAD_SET(t, conv)                                      \
	do {                                                   \
		if (__builtin_types_compatible_p(t, double)) { \
			facc = (double)v;                      \
			C = num_bits64((double)v);             \
		} else {                                       \
			C = acc = conv;                        \
		}                                              \
	} while (0)
#define H_LOAD(n, s, t, conv)                                                    \
	L_##n:                                                                   \
	{                                                                        \
		uint64_t ea = (uint64_t)(uint32_t)fp[ip->a] + ip->imm;           \
		t v;                                                             \
		fault_point(x, ip);                                              \
		memcpy(&v, mb + ea, s);                                          \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}                                                                        \
	L_##n##_C:                                                               \
	{                                                                        \
		uint64_t ea = (uint64_t)(uint32_t)fp[ip->a] + ip->imm;           \
		t v;                                                             \
		if (UNLIKELY(ea + s > x->msize))                                 \
			TRAP(WASM_TRAP_MEMORY_OOB);                              \
		memcpy(&v, mb + ea, s);                                          \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}                                                                        \
	L_##n##_A:                                                               \
	{                                                                        \
		t v;                                                             \
		fault_point(x, ip);                                              \
		memcpy(&v, mb + ip->imm, s);                                     \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}                                                                        \
	L_##n##_AC:                                                              \
	{                                                                        \
		t v;                                                             \
		if (UNLIKELY(ip->imm + s > x->msize))                            \
			TRAP(WASM_TRAP_MEMORY_OOB);                              \
		memcpy(&v, mb + ip->imm, s);                                     \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}                                                                        \
	L_##n##_K:                                                               \
	{                                                                        \
		uint64_t ea = (uint64_t)(uint32_t)(fp[ip->a] + ip->b) + ip->imm; \
		t v;                                                             \
		fault_point(x, ip);                                              \
		memcpy(&v, mb + ea, s);                                          \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}                                                                        \
	L_##n##_KC:                                                              \
	{                                                                        \
		uint64_t ea = (uint64_t)(uint32_t)(fp[ip->a] + ip->b) + ip->imm; \
		t v;                                                             \
		if (UNLIKELY(ea + s > x->msize))                                 \
			TRAP(WASM_TRAP_MEMORY_OOB);                              \
		memcpy(&v, mb + ea, s);                                          \
		LOAD_SET(t, conv);                                               \
		NEXT();                                                          \
	}
	INTERP_LOADS(H_LOAD)

	/* clang-format off */
	/* Stores: the address (slot, constant, slot + k), bounds checked or
	 * not, the value from a slot or (_X) from acc. */
#define H_STORE_1(s, t, ea_, v_, check) \
	{ \
		uint64_t ea = (ea_); \
		t v = __builtin_choose_expr(IS_F64(t), (v_), (t)(v_)); \
		if (check) { \
			if (UNLIKELY(ea + s > x->msize)) \
				TRAP(WASM_TRAP_MEMORY_OOB); \
		} else { \
			fault_point(x, ip); \
		} \
		memcpy(mb + ea, &v, s); \
		NEXT(); \
	}
#define IS_F64(t) __builtin_types_compatible_p(t, double)
/* the stored value from a slot, from acc, or (f64) from facc */
#define SV(t) __builtin_choose_expr(IS_F64(t), num_f64(fp[ip->b]), fp[ip->b])
#define XV(t) __builtin_choose_expr(IS_F64(t), facc, acc)
#define EA_SLOT ((uint64_t)(uint32_t)fp[ip->a] + ip->imm)
#define EA_K	((uint64_t)(uint32_t)(fp[ip->a] + ip->c) + ip->imm)
#define H_STORE(n, s, t) \
	L_##n: H_STORE_1(s, t, EA_SLOT, SV(t), 0) \
	L_##n##_C: H_STORE_1(s, t, EA_SLOT, SV(t), 1) \
	L_##n##_A: H_STORE_1(s, t, ip->imm, SV(t), 0) \
	L_##n##_AC: H_STORE_1(s, t, ip->imm, SV(t), 1) \
	L_##n##_K: H_STORE_1(s, t, EA_K, SV(t), 0) \
	L_##n##_KC: H_STORE_1(s, t, EA_K, SV(t), 1) \
	L_##n##_X: H_STORE_1(s, t, EA_SLOT, XV(t), 0) \
	L_##n##_XC: H_STORE_1(s, t, EA_SLOT, XV(t), 1) \
	L_##n##_XA: H_STORE_1(s, t, ip->imm, XV(t), 0) \
	L_##n##_XAC: H_STORE_1(s, t, ip->imm, XV(t), 1) \
	L_##n##_XK: H_STORE_1(s, t, EA_K, XV(t), 0) \
	L_##n##_XKC: H_STORE_1(s, t, EA_K, XV(t), 1)
	INTERP_STORES(H_STORE)
	/* clang-format on */

	/* fused pairs (interp_fused.h) */
	INTERP_FUSED_HANDLERS

	/* ---- control ---- */
L_UNREACHABLE:
	TRAP(WASM_TRAP_UNREACHABLE);
L_EXIT:
	x->ip = ip;
	return INTERP_DONE;
L_BR:
	TAKE();
L_BR_IF:
	if (A32)
		TAKE();
	NEXT();
L_BR_UNLESS:
	if (!A32)
		TAKE();
	NEXT();
L_BR_I32_EQZ:
	if (!A32)
		TAKE();
	NEXT();
L_BRN_I32_EQZ:
	if (A32)
		TAKE();
	NEXT();
L_BR_I64_EQZ:
	if (!A64)
		TAKE();
	NEXT();
L_BRN_I64_EQZ:
	if (A64)
		TAKE();
	NEXT();
L_BR_TABLE : {
	uint32_t i = A32;
	const struct ins *e;

	if (i > ip->b)
		i = ip->b;
	e = ip + 1 + i;
	if (e->a != ip->c)
		SHORT_LOOP
	for (uint64_t k = 0; k < ip->imm; k++)
		fp[e->a + k] = fp[ip->c + k];
	ip = e;
	TAKE();
}
L_RETURN:
	argbase = ip->a;
	retn = ip->b;
do_return : {
	uint32_t n = retn;
	const uint64_t *s = fp + argbase;
	struct interp_frame *fr;

	SHORT_LOOP
	for (uint32_t i = 0; i < n; i++)
		fp[i] = s[i];
	fr = &x->frames[--x->nframes];
	ip = fr->ret;
	fp = x->stack + fr->fp;
	x->fn = fr->fn;
	mb = x->fn->mem0->base;
	x->msize = x->fn->mem0->size_bytes;
	JUMP();
}
L_CALL:
	callee = (struct interp_fn *)(uintptr_t)ip->imm;
	argbase = ip->a;
	goto call_wasm;
L_CALL_FUNCINST:
	f = (struct wasm_funcinst *)(uintptr_t)ip->imm;
	argbase = ip->a;
	tail = false;
	goto call_funcinst;
L_RETURN_CALL:
	callee = (struct interp_fn *)(uintptr_t)ip->imm;
	argbase = ip->a;
	goto tail_wasm;
L_RETURN_CALL_FUNCINST:
	f = (struct wasm_funcinst *)(uintptr_t)ip->imm;
	argbase = ip->a;
	tail = true;
	goto call_funcinst;
L_CALL_INDIRECT:
	tail = false;
	goto call_indirect;
L_RETURN_CALL_INDIRECT:
	tail = true;
	goto call_indirect;
L_CALL_INDIRECT64:
	tail = false;
	goto call_indirect64;
L_RETURN_CALL_INDIRECT64:
	tail = true;
call_indirect64:
	/* an i64 table's index: one past 32 bits is past any table's size */
	if (B64 > UINT32_MAX)
		TRAP(WASM_TRAP_UNDEFINED_ELEM);
call_indirect : {
	struct wasm_tableinst *tb = (struct wasm_tableinst *)(uintptr_t)ip->imm;
	uint32_t i = B32;
	const struct wasm_functype *want;

	if (i >= tb->size)
		TRAP(WASM_TRAP_UNDEFINED_ELEM);
	f = (struct wasm_funcinst *)tb->elems[i];
	if (!f)
		TRAP(WASM_TRAP_UNINIT_ELEM);
	want = &x->fn->inst->module->types[ip->c];
	if (f->type != want && !wasm_functype_equal(f->type, want) &&
	    !(want->module->uses_gc && wasm_deftype_sub(f->type, want)))
		TRAP(WASM_TRAP_INDIRECT_TYPE);
	argbase = ip->a;
	goto call_funcinst;
}
call_funcinst:
	if (f->host) {
		struct wasm_host_call hc = {.exec = x, .caller = x->fn->inst, .arg = f->host_arg};
		int rc;

		x->left -= 1;
		if (UNLIKELY(x->left < 0 || yield_pending(x)))
			goto out_of_units;
		/* a fault inside the host function is reported at this call */
		x->ip = ip;
		x->fault_ip = NULL;
		x->fp = (uint64_t)(fp - x->stack);
		rc = f->host(&hc, (union wasm_val *)(fp + argbase));
		mb = x->fn->mem0->base;
		x->msize = x->fn->mem0->size_bytes;
		if (LIKELY(rc == WASM_HOST_OK)) {
			if (tail) { /* its results are the caller's */
				retn = f->type->nresults;
				goto do_return;
			}
			NEXT();
		}
		if (rc == WASM_HOST_BLOCKED) {
			x->reason = WASM_SUSPEND_BLOCKED;
			goto suspend;
		}
		if (rc == WASM_HOST_YIELD) { /* to be called again: go on */
			atomic_store(&x->yield, 0);
			x->reason = WASM_SUSPEND_YIELD;
			goto suspend;
		}
		if (rc == WASM_HOST_THROW && hc.exn) {
			exn = hc.exn;
			goto throw_exn;
		}
		x->trap.msg = hc.trap_msg;
		x->trap.exit_code = hc.exit_code;
		TRAP(hc.trap_kind ? hc.trap_kind : WASM_TRAP_HOST);
	}
	callee = interp_fn_of(f);
	if (tail)
		goto tail_wasm;
	goto call_wasm;
tail_wasm : {
	/* The callee takes the caller's frame: the same return record, its
	 * arguments moved down to the frame's base (they lie above it). */
	uint64_t ofp = (uint64_t)(fp - x->stack);

	if (UNLIKELY(ofp + callee->nslots > x->cap_slots)) {
		int rc = interp_stack_reserve(x, ofp + callee->nslots);

		if (rc)
			TRAP(rc);
		fp = x->stack + ofp;
	}
	SHORT_LOOP
	for (uint32_t i = 0; i < callee->nparams; i++)
		fp[i] = fp[argbase + i];
	goto enter_callee; /* as a call does, once its frame is pushed */
}
call_wasm : {
	uint64_t nfp = (uint64_t)(fp - x->stack) + argbase;
	struct interp_frame *fr;

	if (UNLIKELY(x->nframes >= x->cap_frames)) {
		int rc = interp_frames_reserve(x);

		if (rc)
			TRAP(rc);
	}
	if (UNLIKELY(nfp + callee->nslots > x->cap_slots)) {
		uint64_t off = (uint64_t)(fp - x->stack);
		int rc = interp_stack_reserve(x, nfp + callee->nslots);

		if (rc)
			TRAP(rc);
		fp = x->stack + off;
	}
	fr = &x->frames[x->nframes++];
	fr->ret = ip + 1;
	fr->fn = x->fn;
	fr->fp = (uint64_t)(fp - x->stack);
	fp += argbase;
enter_callee:
	SHORT_LOOP
	for (uint32_t i = callee->nparams; i < callee->nlocals; i++)
		fp[i] = 0;
	x->fn = callee;
	/* an untranslated callee runs the stub: ncode 0, TRANSLATE charges */
	ip = interp_fn_code(callee);
	mb = callee->mem0->base;
	x->msize = callee->mem0->size_bytes;
	x->left -= (int64_t)interp_body_of(ip)->ncode;
	if (UNLIKELY(x->left < 0 || yield_pending(x)))
		goto out_of_units;
	JUMP();
}
L_TRANSLATE:
	/* The first call of x->fn (frame already pushed): give it a body,
	 * then charge and enter it as call_wasm would have. A trap is
	 * reported in the callee, at offset 0. */
	kind = interp_fn_translate(x->fn);
	if (UNLIKELY(kind))
		goto trap;
	ip = interp_fn_code(x->fn);
	x->left -= (int64_t)interp_body_of(ip)->ncode;
	if (UNLIKELY(x->left < 0 || yield_pending(x)))
		goto out_of_units;
	JUMP();

	/* ---- variables, constants, parametric ---- */
L_COPY:
	C = A64;
	NEXT();
L_COPY2:
	C = A64;
	fp[ip->imm] = B64;
	NEXT();
L_CONST:
	C = ip->imm;
	NEXT();
L_SELECT:
	C = (uint32_t)fp[ip->imm] ? A64 : B64;
	NEXT();
L_GLOBAL_GET:
	C = ((struct wasm_globalinst *)(uintptr_t)ip->imm)->val.i64;
	NEXT();
L_GLOBAL_SET:
	((struct wasm_globalinst *)(uintptr_t)ip->imm)->val.i64 = A64;
	NEXT();
L_REF_IS_NULL:
	C = A64 == 0;
	NEXT();
L_GLOBAL_GET_V128 : {
	const struct wasm_globalinst *g = (const struct wasm_globalinst *)(uintptr_t)ip->imm;

	fp[ip->c] = g->val.i64;
	fp[ip->c + 1] = g->val_hi;
	NEXT();
}
L_GLOBAL_SET_V128 : {
	struct wasm_globalinst *g = (struct wasm_globalinst *)(uintptr_t)ip->imm;

	g->val.i64 = fp[ip->a];
	g->val_hi = fp[ip->a + 1];
	NEXT();
}

	/* ---- SIMD (interp_simd.c): operands from slot a on, b the row ---- */
L_SIMD:
	interp_simd_rows[(uint16_t)ip->imm](fp, ip);
	NEXT();
L_SIMD_SHUFFLE:
	interp_simd_shuffle(fp, ip);
	NEXT();
L_SIMD_MEM:
	if (UNLIKELY(ip->c))
		kind = interp_simd_memx(x, ip, fp);
	else
		kind = interp_simd_mem(fp + ip->a, ip->b & 0xffff, ip->imm, ip->b >> 16, false, mb,
				       x->msize);
	if (UNLIKELY(kind))
		TRAP(kind);
	NEXT();
L_SIMD_MEM0:
	kind = interp_simd_mem0(fp, ip, mb, x->msize);
	if (UNLIKELY(kind))
		TRAP(kind);
	NEXT();
	SIMD_HOT_HANDLERS
	SIMD_HOT_LOAD_LANE
L_SIMD_CONST:
	/* a v128 constant: low half in imm, high half in a | b << 32 */
	fp[ip->c] = ip->imm;
	fp[ip->c + 1] = ip->a | (uint64_t)ip->b << 32;
	NEXT();
L_SIMD_LOAD : {
	/* v128.load: address fp[a] + b (i32), c result, imm offset (< 2^32) */
	uint64_t ea = (uint64_t)(uint32_t)(fp[ip->a] + ip->b) + ip->imm;

	if (UNLIKELY(ea + 16 > x->msize))
		TRAP(WASM_TRAP_MEMORY_OOB);
	memcpy(fp + ip->c, mb + ea, 8);
	memcpy(fp + ip->c + 1, mb + ea + 8, 8);
	NEXT();
}
L_SIMD_STORE : {
	/* v128.store: a address, b value, imm offset (< 2^32) */
	uint64_t ea = (uint64_t)(uint32_t)fp[ip->a] + ip->imm;

	if (UNLIKELY(ea + 16 > x->msize))
		TRAP(WASM_TRAP_MEMORY_OOB);
	memcpy(mb + ea, fp + ip->b, 8);
	memcpy(mb + ea + 8, fp + ip->b + 1, 8);
	NEXT();
}

	/* ---- exceptions (interp_exn.c unwinds) ---- */
L_THROW:
	exn = interp_exn_new(x, (const struct wasm_taginst *)(uintptr_t)ip->imm, fp + ip->a, ip->b);
	if (!exn)
		TRAP(WASM_TRAP_NOMEM);
	goto throw_exn;
L_THROW_REF:
	exn = (const struct wasm_exn *)(uintptr_t)A64;
	if (!exn)
		TRAP(WASM_TRAP_NULL_EXNREF);
throw_exn:
	x->ip = ip;
	x->fp = (uint64_t)(fp - x->stack);
	if (!interp_exn_unwind(x, exn))
		TRAP(WASM_TRAP_EXCEPTION);
	ip = x->ip;
	fp = x->stack + x->fp;
	mb = x->fn->mem0->base;
	x->msize = x->fn->mem0->size_bytes;
	JUMP();

	/* ---- memory and tables (the runtime's helpers) ---- */
L_MEMORY_SIZE:
	C = x->fn->mem0->pages;
	NEXT();
L_MEMORY_GROW:
	C = (uint32_t)(int32_t)wasm_memory_grow(x->fn->mem0, A32);
	mb = x->fn->mem0->base;
	x->msize = x->fn->mem0->size_bytes;
	NEXT();
	/* the MEMX_ instructions: interp_memx (rare, so one shared call) */
L_MEMX_LOAD:
	memx_op = OP_MEMX_LOAD;
	goto memx;
L_MEMX_STORE:
	memx_op = OP_MEMX_STORE;
	goto memx;
L_MEMX_SIZE:
	memx_op = OP_MEMX_SIZE;
	goto memx;
L_MEMX_GROW:
	memx_op = OP_MEMX_GROW;
	goto memx;
L_MEMX_INIT:
	memx_op = OP_MEMX_INIT;
	goto memx;
L_MEMX_COPY:
	memx_op = OP_MEMX_COPY;
	goto memx;
L_MEMX_FILL:
	memx_op = OP_MEMX_FILL;
memx:
	kind = interp_memx(x, ip, fp, memx_op);
	if (UNLIKELY(kind))
		goto trap;
	/* a grown memory N may be memory 0 imported twice */
	mb = x->fn->mem0->base;
	x->msize = x->fn->mem0->size_bytes;
	NEXT();
L_MEMORY_INIT:
	if (UNLIKELY((uint32_t)fp[ip->a + 2] > INTERP_BULK_BYTES)) {
		bulk_op = OP_MEMORY_INIT; /* one chunk at a time */
		goto bulk_long;
	}
	kind = wasm_rt_memory_init(x->fn->inst, 0, (uint32_t)ip->imm, A32, (uint32_t)fp[ip->a + 1],
				   (uint32_t)fp[ip->a + 2]);
	if (kind)
		goto trap;
	NEXT();
L_DATA_DROP:
	wasm_rt_data_drop(x->fn->inst, (uint32_t)ip->imm);
	NEXT();
L_MEMORY_COPY : {
	uint32_t d = A32, src = (uint32_t)fp[ip->a + 1], n = (uint32_t)fp[ip->a + 2];

	if (UNLIKELY(n > INTERP_BULK_BYTES)) {
		bulk_op = OP_MEMORY_COPY; /* one chunk at a time */
		goto bulk_long;
	}
	/* inline for short copies: no helper call */
	if (UNLIKELY((uint64_t)d + n > x->msize || (uint64_t)src + n > x->msize))
		TRAP(WASM_TRAP_MEMORY_OOB);
	memmove(mb + d, mb + src, n);
	NEXT();
}
L_MEMORY_FILL : {
	uint32_t d = A32, n = (uint32_t)fp[ip->a + 2];

	if (UNLIKELY(n > INTERP_BULK_BYTES)) {
		bulk_op = OP_MEMORY_FILL; /* one chunk at a time */
		goto bulk_long;
	}
	if (UNLIKELY((uint64_t)d + n > x->msize))
		TRAP(WASM_TRAP_MEMORY_OOB);
	memset(mb + d, (uint8_t)fp[ip->a + 1], n);
	NEXT();
}
L_TABLE_GET : {
	uintptr_t v;

	kind = wasm_rt_table_get((struct wasm_tableinst *)(uintptr_t)ip->imm, A32, &v);
	if (kind)
		goto trap;
	C = v;
	NEXT();
}
L_TABLE_SET:
	kind = wasm_rt_table_set((struct wasm_tableinst *)(uintptr_t)ip->imm, A32, (uintptr_t)B64);
	if (kind)
		goto trap;
	NEXT();
L_TABLE_SIZE:
	C = ((struct wasm_tableinst *)(uintptr_t)ip->imm)->size;
	NEXT();
L_TABLE_GROW:
	C = (uint32_t)(int32_t)wasm_rt_table_grow((struct wasm_tableinst *)(uintptr_t)ip->imm,
						  (uintptr_t)A64, (uint32_t)fp[ip->a + 1]);
	NEXT();
L_TABLE_FILL:
	if (UNLIKELY((uint32_t)fp[ip->a + 2] > INTERP_BULK_ELEMS)) {
		bulk_op = OP_TABLE_FILL; /* one chunk at a time */
		goto bulk_long;
	}
	kind = wasm_rt_table_fill((struct wasm_tableinst *)(uintptr_t)ip->imm, A32,
				  (uintptr_t)fp[ip->a + 1], (uint32_t)fp[ip->a + 2]);
	if (kind)
		goto trap;
	NEXT();
L_TABLE_COPY:
	if (UNLIKELY((uint32_t)fp[ip->a + 2] > INTERP_BULK_ELEMS)) {
		bulk_op = OP_TABLE_COPY; /* one chunk at a time */
		goto bulk_long;
	}
	kind = wasm_rt_table_copy(x->fn->inst, (uint32_t)ip->imm, ip->b, A32,
				  (uint32_t)fp[ip->a + 1], (uint32_t)fp[ip->a + 2]);
	if (kind)
		goto trap;
	NEXT();
L_TABLE_INIT:
	if (UNLIKELY((uint32_t)fp[ip->a + 2] > INTERP_BULK_ELEMS)) {
		bulk_op = OP_TABLE_INIT; /* one chunk at a time */
		goto bulk_long;
	}
	kind = wasm_rt_table_init(x->fn->inst, (uint32_t)ip->imm, ip->b, A32,
				  (uint32_t)fp[ip->a + 1], (uint32_t)fp[ip->a + 2]);
	if (kind)
		goto trap;
	NEXT();
	/* the TABLEX_ instructions: interp_tablex (rare, so one shared call) */
L_TABLEX_GET:
	tablex_op = OP_TABLEX_GET;
	goto tablex;
L_TABLEX_SET:
	tablex_op = OP_TABLEX_SET;
	goto tablex;
L_TABLEX_GROW:
	tablex_op = OP_TABLEX_GROW;
	goto tablex;
L_TABLEX_FILL:
	tablex_op = OP_TABLEX_FILL;
	goto tablex;
L_TABLEX_COPY:
	tablex_op = OP_TABLEX_COPY;
	goto tablex;
L_TABLEX_INIT:
	tablex_op = OP_TABLEX_INIT;
tablex:
	kind = interp_tablex(x, ip, fp, tablex_op);
	if (UNLIKELY(kind))
		goto trap;
	NEXT();
L_ELEM_DROP:
	wasm_rt_elem_drop(x->fn->inst, (uint32_t)ip->imm);
	NEXT();

	/* ---- typed function references (out of the hot paths' way) ---- */
L_BR_NULL: /* br_on_null, or br_on_non_null's path that falls through */
	if (!A64)
		TAKE();
	NEXT();
L_BR_NONNULL:
	if (A64)
		TAKE();
	NEXT();
L_REF_AS_NON_NULL:
	if (!A64)
		TRAP(WASM_TRAP_NULL_REF);
	fp[ip->c] = A64;
	NEXT();

	/* ---- GC (interp_gc.c); an allocation may collect, which reads the
	 * frames: x->ip and x->fp first ---- */
L_GC:
	x->ip = ip;
	x->fp = (uint64_t)(fp - x->stack);
	kind = interp_gc_op(x, ip, fp);
	if (UNLIKELY(kind))
		TRAP(kind);
	NEXT();
L_GC_BR_CAST:
	if (interp_gc_test(x, ip, A64))
		TAKE();
	NEXT();
L_GC_BR_CAST_FAIL:
	if (!interp_gc_test(x, ip, A64))
		TAKE();
	NEXT();
L_CALL_REF: /* the callee's type is the one validated: no check */
	tail = false;
	goto call_ref;
L_RETURN_CALL_REF:
	tail = true;
call_ref:
	f = (struct wasm_funcinst *)(uintptr_t)B64;
	if (!f)
		TRAP(WASM_TRAP_NULL_FUNCREF);
	argbase = ip->a;
	goto call_funcinst;

	/* ---- numeric operators that cannot trap ---- */
	/* clang-format off */
#define SIMPLE_OPS(X) \
	X(I32_EQZ, A32 == 0) \
	X(I64_EQZ, A64 == 0) \
	X(I32_CLZ, A32 ? (uint32_t)__builtin_clz(A32) : 32) \
	X(I32_CTZ, A32 ? (uint32_t)__builtin_ctz(A32) : 32) \
	X(I32_POPCNT, num_popcnt64(A32)) \
	X(I64_CLZ, A64 ? (uint64_t)__builtin_clzll(A64) : 64) \
	X(I64_CTZ, A64 ? (uint64_t)__builtin_ctzll(A64) : 64) \
	X(I64_POPCNT, num_popcnt64(A64)) \
	X(F32_EQ, FA32 == FB32) \
	X(F32_NE, FA32 != FB32) \
	X(F32_LT, FA32 < FB32) \
	X(F32_GT, FA32 > FB32) \
	X(F32_LE, FA32 <= FB32) \
	X(F32_GE, FA32 >= FB32) \
	X(F64_EQ, FA64 == FB64) \
	X(F64_NE, FA64 != FB64) \
	X(F64_LT, FA64 < FB64) \
	X(F64_GT, FA64 > FB64) \
	X(F64_LE, FA64 <= FB64) \
	X(F64_GE, FA64 >= FB64) \
	X(F32_ABS, A32 & 0x7fffffffu) \
	X(F32_NEG, A32 ^ 0x80000000u) \
	X(F32_CEIL, num_bits32(num_ceil32(FA32))) \
	X(F32_FLOOR, num_bits32(num_floor32(FA32))) \
	X(F32_TRUNC, num_bits32(num_trunc32(FA32))) \
	X(F32_NEAREST, num_bits32(num_nearest32(FA32))) \
	X(F32_SQRT, num_bits32(num_sqrt32(FA32))) \
	X(F32_MIN, num_min32(FA32, FB32)) \
	X(F32_MAX, num_max32(FA32, FB32)) \
	X(F32_COPYSIGN, (A32 & 0x7fffffffu) | (B32 & 0x80000000u)) \
	X(F64_ABS, A64 & ~(UINT64_C(1) << 63)) \
	X(F64_NEG, A64 ^ (UINT64_C(1) << 63)) \
	X(F64_CEIL, num_bits64(num_ceil64(FA64))) \
	X(F64_FLOOR, num_bits64(num_floor64(FA64))) \
	X(F64_TRUNC, num_bits64(num_trunc64(FA64))) \
	X(F64_NEAREST, num_bits64(num_nearest64(FA64))) \
	X(F64_SQRT, num_bits64(num_sqrt64(FA64))) \
	X(F64_MIN, num_min64(FA64, FB64)) \
	X(F64_MAX, num_max64(FA64, FB64)) \
	X(F64_COPYSIGN, (A64 & ~(UINT64_C(1) << 63)) | (B64 & (UINT64_C(1) << 63))) \
	X(I32_WRAP_I64, A32) \
	X(I64_EXTEND_I32_S, (uint64_t)(int64_t)(int32_t)A32) \
	X(I64_EXTEND_I32_U, A32) \
	X(I32_EXTEND8_S, (uint32_t)(int32_t)(int8_t)A32) \
	X(I32_EXTEND16_S, (uint32_t)(int32_t)(int16_t)A32) \
	X(I64_EXTEND8_S, (uint64_t)(int64_t)(int8_t)A64) \
	X(I64_EXTEND16_S, (uint64_t)(int64_t)(int16_t)A64) \
	X(I64_EXTEND32_S, (uint64_t)(int64_t)(int32_t)A64) \
	X(I32_TRUNC_SAT_F32_S, num_sat_s32(FA32)) \
	X(I32_TRUNC_SAT_F32_U, num_sat_u32(FA32)) \
	X(I32_TRUNC_SAT_F64_S, num_sat_s32(FA64)) \
	X(I32_TRUNC_SAT_F64_U, num_sat_u32(FA64)) \
	X(I64_TRUNC_SAT_F32_S, num_sat_s64(FA32)) \
	X(I64_TRUNC_SAT_F32_U, num_sat_u64(FA32)) \
	X(I64_TRUNC_SAT_F64_S, num_sat_s64(FA64)) \
	X(I64_TRUNC_SAT_F64_U, num_sat_u64(FA64)) \
	X(F32_CONVERT_I32_S, num_bits32((float)(int32_t)A32)) \
	X(F32_CONVERT_I32_U, num_bits32((float)A32)) \
	X(F32_CONVERT_I64_S, num_bits32((float)(int64_t)A64)) \
	X(F32_CONVERT_I64_U, num_bits32((float)A64)) \
	X(F32_DEMOTE_F64, num_bits32((float)FA64)) \
	X(F64_CONVERT_I32_S, num_bits64((double)(int32_t)A32)) \
	X(F64_CONVERT_I32_U, num_bits64((double)A32)) \
	X(F64_CONVERT_I64_S, num_bits64((double)(int64_t)A64)) \
	X(F64_CONVERT_I64_U, num_bits64((double)A64)) \
	X(F64_PROMOTE_F32, num_bits64((double)FA32))
#define H_SIMPLE(n, e) L_##n: C = (e); NEXT();
	SIMPLE_OPS(H_SIMPLE)

	/* ---- division and float-to-integer truncation: they trap ---- */
#define H_DIV(n, w, signed_, is_rem) \
	L_##n: { \
		uint##w##_t a = (uint##w##_t)A64, b = (uint##w##_t)B64; \
		if (b == 0) \
			TRAP(WASM_TRAP_DIV_ZERO); \
		if (signed_ && (int##w##_t)b == -1) { \
			if (!is_rem && (int##w##_t)a == INT##w##_MIN) \
				TRAP(WASM_TRAP_INT_OVERFLOW); \
			C = is_rem ? 0 : (uint##w##_t)(0 - a); \
		} else if (signed_) { \
			C = (uint##w##_t)(is_rem ? (int##w##_t)a % (int##w##_t)b : (int##w##_t)a / (int##w##_t)b); \
		} else { \
			C = is_rem ? a % b : a / b; \
		} \
		NEXT(); \
	}
	H_DIV(I32_DIV_S, 32, 1, 0)
	H_DIV(I32_DIV_U, 32, 0, 0)
	H_DIV(I32_REM_S, 32, 1, 1)
	H_DIV(I32_REM_U, 32, 0, 1)
	H_DIV(I64_DIV_S, 64, 1, 0)
	H_DIV(I64_DIV_U, 64, 0, 0)
	H_DIV(I64_REM_S, 64, 1, 1)
	H_DIV(I64_REM_U, 64, 0, 1)

#define H_TRUNC(n, get, lo, hi, conv) \
	L_##n: { \
		double v = get; \
		int k = num_trunc_check(v, lo, hi); \
		if (k) \
			TRAP(k == 1 ? WASM_TRAP_INVALID_CONV : WASM_TRAP_INT_OVERFLOW); \
		C = conv; \
		NEXT(); \
	}
	H_TRUNC(I32_TRUNC_F32_S, FA32, NUM_I32_LO_S, NUM_I32_HI_S, (uint32_t)(int32_t)v)
	H_TRUNC(I32_TRUNC_F32_U, FA32, NUM_I32_LO_U, NUM_I32_HI_U, (uint32_t)v)
	H_TRUNC(I32_TRUNC_F64_S, FA64, NUM_I32_LO_S, NUM_I32_HI_S, (uint32_t)(int32_t)v)
	H_TRUNC(I32_TRUNC_F64_U, FA64, NUM_I32_LO_U, NUM_I32_HI_U, (uint32_t)v)
	H_TRUNC(I64_TRUNC_F32_S, FA32, NUM_I64_LO_S, NUM_I64_HI_S, (uint64_t)(int64_t)v)
	H_TRUNC(I64_TRUNC_F32_U, FA32, NUM_I64_LO_U, NUM_I64_HI_U, (uint64_t)v)
	H_TRUNC(I64_TRUNC_F64_S, FA64, NUM_I64_LO_S, NUM_I64_HI_S, (uint64_t)(int64_t)v)
	H_TRUNC(I64_TRUNC_F64_U, FA64, NUM_I64_LO_U, NUM_I64_HI_U, (uint64_t)v)
	/* clang-format on */

bulk_long:
	kind = bulk_step(x, bulk_op, ip, fp + ip->a);
	if (kind)
		goto trap;
	x->left -= INTERP_BULK_UNITS;
	if (UNLIKELY(x->left < 0 || yield_pending(x)))
		goto out_of_units;
	JUMP(); /* the same instruction, with what is left */

out_of_units:
	/* ip is where to continue: a branch target or a callee's entry, a
	 * host call to redo, or a bulk instruction to go on with. */
	if (atomic_exchange(&x->yield, 0)) {
		x->reason = WASM_SUSPEND_YIELD;
		goto suspend;
	}
	if (x->fuel_bound) {
		x->ip = ip;
		x->trap.kind = WASM_TRAP_FUEL;
		return INTERP_TRAP;
	}
	x->reason = WASM_SUSPEND_BUDGET;
suspend:
	x->ip = ip;
	x->fp = (uint64_t)(fp - x->stack);
	return INTERP_SUSPEND;
trap:
	x->ip = ip;
	x->trap.kind = kind;
	return INTERP_TRAP;
}
