/*
 * interp_tr.h - the translator's state, shared by interp_translate.c (the
 * driver: one case per opcode) and interp_tr_stack.c (the virtual operand
 * stack, control frames and branches). See interp_translate.c for the
 * scheme. Internal to the translator.
 */
#pragma once

#include "wasm/interp/interp_internal.h"
#include "wasm/opcodes.h"
#include "wasm/reader.h"

/* Where a virtual stack entry's value is: its own slot, a local (deferred
 * local.get), a constant, or local + val (an i32.add deferred for loads and
 * stores, val already wrapped to 32 bits). */
enum { V_SLOT, V_LOCAL, V_CONST, V_ADDK };

struct ventry {
	uint8_t kind;
	bool ref; /* a reference the collector follows (set from its type) */
	uint32_t local;
	uint64_t val;
};

struct tctrl {
	uint8_t op; /* 0 body, WASM_OP_BLOCK, _LOOP, _IF, _ELSE */
	bool dead;
	uint32_t height, nparams, nresults;
	uint32_t start;	    /* loop: its first instruction */
	uint32_t patch;	    /* chain of forward branches to the end (site + 1) */
	uint32_t else_site; /* if: the branch to the else part (site + 1) */
	/* exception handling (op WASM_OP_TRY_TABLE, _TRY, _CATCH, _CATCH_ALL):
	 * its handlers are t->hs[hfirst..), whose `end` is set as its body
	 * closes; a legacy catch keeps its exception in local xslot */
	uint32_t hfirst, xslot;
	uint32_t do_end; /* legacy try: where its do-body ended */
	/* its parameter and result types (values), for typed pushes */
	const uint32_t *ptypes, *rtypes;
	uint32_t nptypes, nrtypes;
	uint32_t one; /* a block type of one value type: rtypes points here */
};

struct tr {
	struct wasm_instance *inst;
	const struct wasm_module *m;
	const struct wasm_func *f;
	struct interp_fn *fn;
	const void *const *tbl;
	struct wasm_reader r;
	struct ins *code;
	uint16_t *ops;
	uint32_t n, cap;
	struct ventry *vs;
	uint32_t h;
	struct tctrl *cs;
	uint32_t nc;
	uint32_t blk;
	uint32_t L;
	/* v128 (two slots each) in the module: locals by lmap (NULL: local x
	 * is slot x; else lmap[x] = slot << 1 | is a v128), the types of drops
	 * and untyped selects by untyped[ui] (the validator's, in body order),
	 * block arities from their types */
	bool wide;
	uint32_t *lmap;
	uint32_t ui;
	int64_t last_prod; /* index of the last instruction if it wrote the top slot */
	int64_t last_copy; /* index of the last instruction if it is a lone COPY */
	uint32_t label_at; /* a branch target: instructions cannot merge across it */
	uint32_t off;
	bool nomem;
	struct ins dummy;	   /* written instead once out of memory */
	struct interp_handler *hs; /* exception handlers so far */
	uint32_t nh, caph;
	/* stack maps (interp_tr_gc.c), when wasm_code.gc */
	bool gc;
	struct interp_gcmap *maps;
	uint32_t nmaps, capmaps;
	uint32_t *mslots; /* the locals' (nlref), then each map's */
	uint32_t nmslots, capmslots, nlref;
};

static inline uint32_t interp_tr_slot(const struct tr *t, uint32_t height)
{
	return t->L + height;
}

/* Marks the instruction just emitted as the producer of the top slot. */
static inline void interp_tr_produced(struct tr *t)
{
	t->last_prod = (int64_t)t->n - 1;
}

/* Appends an instruction (fields zeroed, offset of the current wasm
 * instruction); after running out of memory, a scratch one. */
struct ins *interp_tr_emit(struct tr *t, uint32_t op);
/* Emits a copy of slot `from` to slot `to` (merged with a copy just before). */
void interp_tr_copy(struct tr *t, uint32_t from, uint32_t to);
/* The slot whose value the run loop's acc (f64: facc) holds when the next
 * instruction runs (the last instruction is arithmetic or a load that wrote
 * it), or UINT32_MAX. Branch targets reset last_prod, so no path enters
 * between. */
uint32_t interp_tr_acc_slot(const struct tr *t, bool f64);
/* Pops the top entry and returns the slot holding it. */
uint32_t interp_tr_pop(struct tr *t);
/* Pushes a value that will be in its own slot; returns that slot. */
uint32_t interp_tr_push(struct tr *t);
void interp_tr_push_const(struct tr *t, uint64_t v);
/* Writes the top n entries to their own slots. */
void interp_tr_materialize_top(struct tr *t, uint32_t n);
/* The rest of the current block is unreachable. */
void interp_tr_set_dead(struct tr *t);
void interp_tr_local_set(struct tr *t, uint32_t x, bool tee);
/* A NUM operator of the opcode table; `code` is its WASM_OP_INDEX. */
void interp_tr_numeric(struct tr *t, uint32_t code);
void interp_tr_block(struct tr *t, uint8_t op);
void interp_tr_else(struct tr *t);
/* Returns true at the body's end. */
bool interp_tr_end(struct tr *t);
void interp_tr_br(struct tr *t, uint32_t d);
void interp_tr_br_if(struct tr *t, uint32_t d);
/* br_on_null / br_on_non_null (`non_null`) to label depth d. */
void interp_tr_br_on_null(struct tr *t, uint32_t d, bool non_null);
void interp_tr_br_table(struct tr *t, bool dead);
/* Exception handling (interp_tr_exn.c): try_table, the legacy try, catch,
 * catch_all and delegate, throw, throw_ref, rethrow; and closing a try's
 * handlers at its end (from interp_tr_end). */
void interp_tr_try_table(struct tr *t);
void interp_tr_try(struct tr *t);
void interp_tr_catch(struct tr *t, bool all);
void interp_tr_delegate(struct tr *t);
void interp_tr_throw(struct tr *t, uint8_t code);
void interp_tr_close_try(struct tr *t, struct tctrl *k);
/* From interp_tr_stack.c for the landing pads: a branch to label k
 * carrying the n values in slots of heights base.. (then t->h is base). */
void interp_tr_pad_branch(struct tr *t, struct tctrl *k, uint32_t base, uint32_t n);
/* A conditional branch at `site` that needs moves: the branch (an inverted
 * test) skips the moves of n values to label k and a branch there emitted
 * now. */
void interp_tr_branch_moves(struct tr *t, struct tctrl *k, uint32_t n, uint32_t site);
/* Points the branch at `site` to label k. */
void interp_tr_set_target(struct tr *t, uint32_t site, struct tctrl *k);
/* A 0xfd instruction (interp_tr_simd.c). */
void interp_tr_simd(struct tr *t, bool dead);
/* local.set of v128 local slots x, x + 1 taking the result of the SIMD
 * instruction just emitted: writes it there; false if it cannot. */
bool interp_tr_simd_local_set(struct tr *t, uint32_t x);

/*
 * GC (interp_tr_gc.c). interp_tr_push_types - pushes values of the n value
 * types (a v128 as two entries when wide), each marked as a reference the
 * collector follows or not; returns the first one's slot.
 * interp_tr_gc_begin - the function's traced locals and its entry's map.
 * interp_tr_safepoint - a stack map for the instruction about to be
 * emitted (the current virtual stack). interp_tr_gc_size /
 * interp_tr_gc_finish - the bytes the maps take in a body, and copying
 * them there. interp_tr_gc_free - the scratch buffers.
 * interp_tr_gc - a 0xfb instruction.
 */
uint32_t interp_tr_push_types(struct tr *t, const uint32_t *types, uint32_t n);
void interp_tr_gc_begin(struct tr *t);
void interp_tr_safepoint(struct tr *t);
size_t interp_tr_gc_size(const struct tr *t);
void interp_tr_gc_finish(struct tr *t, struct interp_body *body, void *at);
void interp_tr_gc_free(struct tr *t);
bool interp_tr_traced(const struct tr *t, uint32_t type);
void interp_tr_gc(struct tr *t, bool dead);
