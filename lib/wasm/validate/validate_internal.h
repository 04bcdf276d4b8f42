/*
 * validate_internal.h - shared by validate_code.c (the operand and control
 * stacks, control instructions, the per-function driver) and
 * validate_instr.c (every other instruction's typing rule).
 *
 * All wasm_vf_* functions return false after recording the first error in
 * v->rc and v->err; the caller returns false too, up to the driver.
 */
#pragma once

#include "base/err.h"
#include "base/spin.h"
#include "wasm/load.h"
#include "wasm/module_internal.h"
#include "wasm/opcodes.h"
#include "wasm/reader.h"

#define T_I32 WASM_TYPE_I32
#define T_I64 WASM_TYPE_I64
#define T_F32 WASM_TYPE_F32
#define T_F64 WASM_TYPE_F64
#define T_UNK WASM_TYPE_UNKNOWN

/* The fast paths run once or more per instruction: always inline them. */
#define VF_INLINE static inline __attribute__((always_inline))

struct ctrl {
	uint8_t opcode; /* WASM_OP_BLOCK, _LOOP, _IF, _ELSE; 0 for the body */
	bool unreachable;
	uint32_t height;
	uint32_t nparams, nresults;
	const uint32_t *params, *results;
	uint32_t block;	      /* index into the block table, WASM_NONE for the body */
	uint32_t init_height; /* v->ninits at entry: locals set inside are undone at its end */
};

struct vfunc {
	struct wasm_module *m;
	struct wasm_error *err;
	const uint8_t *refs;
	struct spin *arena_lock; /* the module's arena is shared; NULL: alone */
	struct wasm_reader r;
	uint32_t func;
	size_t op_pos;
	int rc;

	uint32_t *locals; /* params then declared locals */
	uint32_t nlocals, caplocals;
	/* Non-defaultable locals (non-null references, 3.0): whether each is
	 * set (linit, over all locals, NULL while the function has none), and
	 * the ones set since the frames' entries (inits, a stack). */
	bool *linit;
	uint32_t caplinit;
	bool has_nondefault;
	uint32_t *inits;
	uint32_t ninits, capinits;
	uint32_t *vals; /* value types */
	uint32_t nvals, capvals;
	uint32_t floor; /* the top control frame's height (its operands start here) */
	struct ctrl *ctrls;
	uint32_t nctrls, capctrls;
	struct wasm_block_info *blocks;
	uint32_t nblocks, capblocks;
	uint8_t *untyped;
	uint32_t nuntyped, capuntyped;
	uint32_t *tmp;
	uint32_t captmp;
	uint32_t max_height, max_depth;
	bool at64;	      /* the memory instruction just read addresses an i64 memory */
	uint32_t memidx;      /* the memory of the last memarg */
	bool uses_exceptions; /* the body has an exception instruction */
	uint32_t max_catch;   /* most legacy catch frames open at once */
	bool uses_simd;
	bool uses_gc; /* the body has a GC instruction or heap type */
};

bool wasm_vf_vfail(struct vfunc *v, int kind, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A type that failed to read (wasm_read_valtype / _heaptype's rc < 0: the
 * reader; else its first byte rc) or whose feature is off or not supported
 * (feature, 0: none): malformed, naming the feature. */
bool wasm_vf_type_fail(struct vfunc *v, int rc, uint32_t feature, const char *what);
/* Records the reader's failure as a malformed-body error. */
bool wasm_vf_vreader_fail(struct vfunc *v);
/* Grows *arr (*cap elements of `size` bytes) to at least `need` elements. */
bool wasm_vf_grow(struct vfunc *v, void **arr, uint32_t *cap, uint64_t need, size_t size);
/* The slow paths of the inline stack operations below: growing the operand
 * stack, popping at a frame's height, a type that is not the one wanted. */
bool wasm_vf_push_slow(struct vfunc *v, uint32_t t);
bool wasm_vf_pop_slow(struct vfunc *v, uint32_t *out);
bool wasm_vf_pop_expect_slow(struct vfunc *v, uint32_t want, uint32_t *got);
bool wasm_vf_push_n_slow(struct vfunc *v, const uint32_t *ts, uint32_t n);
bool wasm_vf_pop_n_slow(struct vfunc *v, const uint32_t *ts, uint32_t n);

/*
 * The operand stack's operations are inline with a fast path for the common
 * case (room to push; a value above the frame's height of exactly the type
 * wanted), since nearly every instruction does one to three of them. The
 * slow paths give the same results and the same errors as the spec's
 * algorithm.
 */
VF_INLINE bool wasm_vf_u32(struct vfunc *v, uint32_t *out)
{
	return wasm_reader_u32(&v->r, out) || wasm_vf_vreader_fail(v);
}

VF_INLINE bool wasm_vf_push(struct vfunc *v, uint32_t t)
{
	if (UNLIKELY(v->nvals == v->capvals))
		return wasm_vf_push_slow(v, t);
	v->vals[v->nvals++] = t;
	if (v->nvals > v->max_height)
		v->max_height = v->nvals;
	return true;
}

/* Pops one type; WASM_TYPE_UNKNOWN from an unreachable frame's bottom. */
VF_INLINE bool wasm_vf_pop(struct vfunc *v, uint32_t *out)
{
	if (LIKELY(v->nvals > v->floor)) {
		*out = v->vals[--v->nvals];
		return true;
	}
	return wasm_vf_pop_slow(v, out);
}

/* Pops one type that must match `want` (be a subtype of it; unknown
 * matches anything); the popped type goes to *got if not NULL. */
VF_INLINE bool wasm_vf_pop_expect(struct vfunc *v, uint32_t want, uint32_t *got)
{
	if (LIKELY(v->nvals > v->floor && v->vals[v->nvals - 1] == want)) {
		v->nvals--;
		if (got)
			*got = want;
		return true;
	}
	return wasm_vf_pop_expect_slow(v, want, got);
}

VF_INLINE bool wasm_vf_pop_t(struct vfunc *v, uint32_t want)
{
	return wasm_vf_pop_expect(v, want, NULL);
}

VF_INLINE bool wasm_vf_push_n(struct vfunc *v, const uint32_t *ts, uint32_t n)
{
	if (UNLIKELY(v->capvals - v->nvals < n))
		return wasm_vf_push_n_slow(v, ts, n);
	for (uint32_t i = 0; i < n; i++)
		v->vals[v->nvals + i] = ts[i];
	v->nvals += n;
	if (v->nvals > v->max_height)
		v->max_height = v->nvals;
	return true;
}

/* Pops the types ts[0..n) (the last one first). */
VF_INLINE bool wasm_vf_pop_n(struct vfunc *v, const uint32_t *ts, uint32_t n)
{
	if (LIKELY(v->nvals - v->floor >= n)) {
		uint32_t base = v->nvals - n, i = 0;

		/* Indexed: vals is NULL until the first push. */
		while (i < n && v->vals[base + i] == ts[i])
			i++;
		if (LIKELY(i == n)) {
			v->nvals -= n;
			return true;
		}
	}
	return wasm_vf_pop_n_slow(v, ts, n);
}
void wasm_vf_set_unreachable(struct vfunc *v);
/* The types a branch to frame c carries (params for loop, else results). */
VF_INLINE void wasm_vf_label_types(const struct ctrl *c, const uint32_t **ts, uint32_t *n)
{
	if (c->opcode == WASM_OP_LOOP) {
		*ts = c->params;
		*n = c->nparams;
	} else {
		*ts = c->results;
		*n = c->nresults;
	}
}
/* Reads a label index; *out is the frame it names. */
VF_INLINE bool wasm_vf_label(struct vfunc *v, struct ctrl **out)
{
	uint32_t l;

	if (!wasm_vf_u32(v, &l))
		return false;
	if (l >= v->nctrls)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown label %u", l);
	*out = &v->ctrls[v->nctrls - 1 - l];
	return true;
}
bool wasm_vf_begin_block(struct vfunc *v, uint8_t op);
bool wasm_vf_do_else(struct vfunc *v);
bool wasm_vf_do_end(struct vfunc *v, bool *done);
bool wasm_vf_do_br_table(struct vfunc *v);
/* Typed function references (3.0): a local.get's initialization check and
 * a local.set's (or tee's) record, for non-defaultable locals. */
bool wasm_vf_local_get_init(struct vfunc *v, uint32_t x);
bool wasm_vf_local_set_init(struct vfunc *v, uint32_t x);
/* Whether value type t has a default value (numbers, nullable references). */
static inline bool wasm_vf_defaultable(uint32_t t)
{
	return !(t & WASM_TYPE_NONNULL);
}
/* Whether value type t is valid in m: a concrete type index below `limit`
 * (m->ntypes; a type definition may name only itself and earlier ones). */
bool wasm_vf_type_ok(const struct wasm_module *m, uint32_t t, uint32_t limit);
/* Exception handling (3.0): try_table (after its opcode), the legacy
 * catch / catch_all (`all`), delegate and rethrow. The frame opcodes of a
 * legacy try are WASM_OP_TRY, then WASM_OP_CATCH or _CATCH_ALL. */
bool wasm_vf_begin_try_table(struct vfunc *v);
bool wasm_vf_do_catch(struct vfunc *v, bool all);
bool wasm_vf_do_delegate(struct vfunc *v);
bool wasm_vf_do_rethrow(struct vfunc *v);
/* Types the instructions of the body v->r is on, up to and including the
 * `end` that closes the body's own frame (pushed by the caller). */
bool wasm_vf_check_body(struct vfunc *v);

/* GC's instructions (validate_gc.c): after the 0xfb prefix (its sub-opcode
 * next), and ref.eq. */
bool wasm_vf_check_gc(struct vfunc *v);
bool wasm_vf_check_ref_eq(struct vfunc *v);

/* Validates defined function fi's body with v's scratch stacks (fresh or
 * left by an earlier function) and records what the interpreter keeps.
 * 0, or v->rc with v->err filled. */
int wasm_vf_validate_func(struct vfunc *v, uint32_t fi);
/* Frees v's scratch stacks. */
void wasm_vf_free(struct vfunc *v);

/*
 * wasm_validate_bodies - validates every defined function's body of `m`
 * (whose module-level parts are already valid) and records the validator's
 * per-function output, on the caller and on up to w->n workers (w NULL:
 * the caller alone; validate_bodies.c). `refs` is a bitmap over function
 * indices: the functions `ref.func` may name (spec: C.refs). Returns 0,
 * ERR_INVALID, ERR_MALFORMED or ERR_NOMEM with *err filled: the error of
 * the first invalid function in module order, whatever the workers'
 * interleaving.
 */
int wasm_validate_bodies(struct wasm_module *m, const uint8_t *refs, const struct wasm_workers *w,
			 struct wasm_error *err);
