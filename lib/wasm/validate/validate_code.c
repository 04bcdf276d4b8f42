/*
 * validate_code.c - function bodies: the spec's validation algorithm
 * (appendix "Validation Algorithm") over the binary instruction stream.
 *
 * An operand stack of value types and a control stack of frames. Each frame
 * remembers the operand height at its entry (below its params) and whether
 * the rest of its body is unreachable; popping at a frame's height in
 * unreachable code yields WASM_TYPE_UNKNOWN, which matches any type, so the
 * stack is polymorphic there. Instructions are decoded here too, so a body
 * that does not decode is reported as malformed.
 *
 * Scratch stacks are reused from one function to the next; what the
 * interpreter keeps (block table, untyped operand types) is copied into the
 * module's arena with exact sizes.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/validate/validate_internal.h"

/* One-value block types point here. */
static const uint32_t single_types[] = {
	WASM_TYPE_I32,	   WASM_TYPE_I64,	WASM_TYPE_F32,	  WASM_TYPE_F64,
	WASM_TYPE_FUNCREF, WASM_TYPE_EXTERNREF, WASM_TYPE_EXNREF, WASM_TYPE_V128,
};

bool wasm_vf_vfail(struct vfunc *v, int kind, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (v->rc)
		return false;
	v->rc = kind;
	if (!v->err)
		return false;
	v->err->kind = kind;
	v->err->section = "code";
	v->err->offset = (uint32_t)v->op_pos;
	va_start(ap, fmt);
	n = fmt_vsnprintf(v->err->msg, sizeof(v->err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(v->err->msg))
		fmt_snprintf(v->err->msg + n, sizeof(v->err->msg) - (size_t)n, " (func %u)",
			     v->func);
	return false;
}

bool wasm_vf_type_fail(struct vfunc *v, int rc, uint32_t feature, const char *what)
{
	if (rc < 0)
		return wasm_vf_vreader_fail(v);
	return wasm_vf_vfail(v, ERR_MALFORMED, "malformed %s 0x%02x%s%s%s", what,
			     (unsigned)rc & 0xffu, feature ? " (feature " : "",
			     feature ? wasm_feature_name(feature) : "",
			     feature ? " off or not supported)" : "");
}

bool wasm_vf_vreader_fail(struct vfunc *v)
{
	v->op_pos = v->r.fail_pos;
	return wasm_vf_vfail(v, ERR_MALFORMED, "%s", v->r.fail ? v->r.fail : "malformed");
}

/* The module's arena and its accounting are shared by the workers of a
 * parallel validation: they take v->arena_lock (NULL: alone). */
static void arena_lock(struct vfunc *v)
{
	if (v->arena_lock)
		spin_acquire(v->arena_lock);
}

static void arena_unlock(struct vfunc *v)
{
	if (v->arena_lock)
		spin_release(v->arena_lock);
}

static bool vnomem(struct vfunc *v)
{
	const char *why;

	arena_lock(v);
	why = wasm_nomem_text(v->m);
	arena_unlock(v);
	return wasm_vf_vfail(v, ERR_NOMEM, "%s", why);
}

/* Grows *arr (of *cap elements of `size`) to hold at least `need`. */
bool wasm_vf_grow(struct vfunc *v, void **arr, uint32_t *cap, uint64_t need, size_t size)
{
	uint64_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX || ncap > SIZE_MAX / size)
		return vnomem(v);
	p = realloc(*arr, (size_t)ncap * size);
	if (!p)
		return vnomem(v);
	*arr = p;
	*cap = (uint32_t)ncap;
	return true;
}

bool wasm_vf_push_slow(struct vfunc *v, uint32_t t)
{
	if (v->nvals == v->capvals && !wasm_vf_grow(v, (void **)&v->vals, &v->capvals,
						    (uint64_t)v->nvals + 1, sizeof(*v->vals)))
		return false;
	v->vals[v->nvals++] = t;
	if (v->nvals > v->max_height)
		v->max_height = v->nvals;
	return true;
}

bool wasm_vf_push_n_slow(struct vfunc *v, const uint32_t *ts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!wasm_vf_push(v, ts[i]))
			return false;
	return true;
}

bool wasm_vf_pop_slow(struct vfunc *v, uint32_t *out)
{
	if (v->nvals == v->floor) {
		if (v->ctrls[v->nctrls - 1].unreachable) {
			*out = T_UNK;
			return true;
		}
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: operand stack empty");
	}
	*out = v->vals[--v->nvals];
	return true;
}

bool wasm_vf_pop_expect_slow(struct vfunc *v, uint32_t want, uint32_t *got)
{
	uint32_t t;

	if (!wasm_vf_pop(v, &t))
		return false;
	if (t != want && t != T_UNK && want != T_UNK && !wasm_type_match(v->m, t, v->m, want))
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: expected %s, got %s",
				     wasm_valtype_name(want), wasm_valtype_name(t));
	if (got)
		*got = t;
	return true;
}

bool wasm_vf_pop_n_slow(struct vfunc *v, const uint32_t *ts, uint32_t n)
{
	for (uint32_t i = n; i-- > 0;)
		if (!wasm_vf_pop_t(v, ts[i]))
			return false;
	return true;
}

void wasm_vf_set_unreachable(struct vfunc *v)
{
	v->nvals = v->floor;
	v->ctrls[v->nctrls - 1].unreachable = true;
}

VF_INLINE bool push_ctrl(struct vfunc *v, uint8_t opcode, const uint32_t *params, uint32_t np,
			 const uint32_t *results, uint32_t nr, uint32_t block)
{
	struct ctrl *c;

	if (v->nctrls == v->capctrls && !wasm_vf_grow(v, (void **)&v->ctrls, &v->capctrls,
						      (uint64_t)v->nctrls + 1, sizeof(*v->ctrls)))
		return false;
	c = &v->ctrls[v->nctrls++];
	c->opcode = opcode;
	c->unreachable = false;
	c->height = v->nvals;
	c->params = params;
	c->nparams = np;
	c->results = results;
	c->nresults = nr;
	c->block = block;
	c->init_height = v->ninits;
	v->floor = v->nvals;
	if (v->nctrls > v->max_depth)
		v->max_depth = v->nctrls;
	return wasm_vf_push_n(v, params, np);
}

/* Checks that the top frame's results are exactly on the stack and pops
 * them: the spec's pop_ctrl, less the frame's own removal, which the
 * caller does (do_else reuses the frame in place). */
VF_INLINE bool end_frame(struct vfunc *v, const struct ctrl *c)
{
	if (!wasm_vf_pop_n(v, c->results, c->nresults))
		return false;
	if (v->nvals != c->height)
		return wasm_vf_vfail(v, ERR_INVALID,
				     "type mismatch: %u values left at end of block",
				     v->nvals - c->height);
	return true;
}

/* Whether an if's params are its results (the implicit else passes them
 * through). */
static bool params_are_results(const struct wasm_module *m, const struct ctrl *c)
{
	if (c->nparams != c->nresults)
		return false;
	for (uint32_t i = 0; i < c->nparams; i++)
		if (!wasm_type_match(m, c->params[i], m, c->results[i]))
			return false;
	return true;
}

/* Locals set inside frame c are unset again at its end (and at else and
 * catch, whose code starts from the state at the frame's entry). */
static void undo_inits(struct vfunc *v, const struct ctrl *c)
{
	while (v->ninits > c->init_height)
		v->linit[v->inits[--v->ninits]] = false;
}

/* The initialization state of a function's locals: params and defaultable
 * locals are set; only a function with a non-defaultable local keeps
 * track (the others pay nothing). */
static bool init_locals(struct vfunc *v, uint32_t nparams)
{
	v->has_nondefault = false;
	v->ninits = 0;
	for (uint32_t i = nparams; i < v->nlocals; i++) {
		if (!wasm_vf_type_ok(v->m, v->locals[i], v->m->ntypes))
			return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u (local %u)",
					     wasm_type_idx(v->locals[i]), i);
		if (!wasm_vf_defaultable(v->locals[i]))
			v->has_nondefault = true;
	}
	if (!v->has_nondefault)
		return true;
	if (!wasm_vf_grow(v, (void **)&v->linit, &v->caplinit, v->nlocals, sizeof(*v->linit)))
		return false;
	for (uint32_t i = 0; i < v->nlocals; i++)
		v->linit[i] = i < nparams || wasm_vf_defaultable(v->locals[i]);
	return true;
}

bool wasm_vf_local_get_init(struct vfunc *v, uint32_t x)
{
	if (!v->has_nondefault || v->linit[x])
		return true;
	return wasm_vf_vfail(v, ERR_INVALID, "uninitialized local %u", x);
}

bool wasm_vf_local_set_init(struct vfunc *v, uint32_t x)
{
	if (!v->has_nondefault || v->linit[x])
		return true;
	if (v->ninits == v->capinits && !wasm_vf_grow(v, (void **)&v->inits, &v->capinits,
						      (uint64_t)v->ninits + 1, sizeof(*v->inits)))
		return false;
	v->inits[v->ninits++] = x;
	v->linit[x] = true;
	return true;
}

bool wasm_vf_type_ok(const struct wasm_module *m, uint32_t t, uint32_t limit)
{
	(void)m;
	return wasm_type_code(t) != WASM_HEAP_TYPEIDX || wasm_type_idx(t) < limit;
}

/* A block type of one typed reference (0x63/0x64 ht): its one result
 * lives in the module's arena (a frame's types must stay put while the
 * control stack grows). */
static bool typed_block(struct vfunc *v, const uint32_t **results, uint32_t *nr)
{
	uint32_t t, feature, *one;
	int rc = wasm_read_valtype(v->m, &v->r, &t, &feature);

	if (rc < 0)
		return wasm_vf_vreader_fail(v);
	if (rc)
		return wasm_vf_vfail(v, ERR_MALFORMED, "malformed value type in block type%s%s%s",
				     feature ? " (feature " : "",
				     feature ? wasm_feature_name(feature) : "",
				     feature ? " off or not supported)" : "");
	if (!wasm_vf_type_ok(v->m, t, v->m->ntypes))
		return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", wasm_type_idx(t));
	arena_lock(v);
	one = wasm_arena_alloc(v->m, sizeof(*one));
	arena_unlock(v);
	if (!one)
		return vnomem(v);
	*one = t;
	*results = one;
	*nr = 1;
	return true;
}

static bool block_type(struct vfunc *v, const uint32_t **params, uint32_t *np,
		       const uint32_t **results, uint32_t *nr)
{
	int64_t bt;
	size_t at;

	*params = single_types;
	*np = 0;
	*results = single_types;
	*nr = 0;
	/* Fast path: the one-byte encodings of an empty and a one-value type
	 * (s33 -64 and -1..-4, -16, -17), read as below. */
	if (LIKELY(v->r.pos < v->r.end)) {
		uint8_t b = v->r.buf[v->r.pos];

		if (b == 0x40) {
			v->r.pos++;
			return true;
		}
		if (b >= WASM_TYPE_F64 && b <= WASM_TYPE_I32) {
			v->r.pos++;
			*results = &single_types[WASM_TYPE_I32 - b];
			*nr = 1;
			return true;
		}
		if (b == 0x63 || b == 0x64)
			return typed_block(v, results, nr);
	}
	at = v->r.pos;
	if (!wasm_reader_s33(&v->r, &bt))
		return wasm_vf_vreader_fail(v);
	if (bt >= 0) {
		const struct wasm_functype *ft;

		if (bt >= v->m->ntypes)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", (uint32_t)bt);
		ft = &v->m->types[bt];
		if (ft->kind != WASM_COMP_FUNC)
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: block type %u is not a function type",
					     (uint32_t)bt);
		*params = ft->params;
		*np = ft->nparams;
		*results = ft->results;
		*nr = ft->nresults;
		return true;
	}
	if (bt == -64)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(single_types); i++) {
		if ((int64_t)single_types[i] - 0x80 == bt) {
			if (wasm_type_off(v->m, single_types[i]))
				return wasm_vf_type_fail(v, (int)single_types[i],
							 wasm_type_off(v->m, single_types[i]),
							 "value type");
			*results = &single_types[i];
			*nr = 1;
			return true;
		}
	}
	/* another one-byte reference type (nullable, of an abstract heap
	 * type: i31ref, nullfuncref, ...) reads as a value type */
	v->r.pos = at;
	return typed_block(v, results, nr);
}

/* The block's params are popped: records its block info and pushes it. */
static bool open_block(struct vfunc *v, uint8_t op, const uint32_t *params, uint32_t np,
		       const uint32_t *results, uint32_t nr)
{
	struct wasm_block_info *b;

	if (v->nblocks == v->capblocks &&
	    !wasm_vf_grow(v, (void **)&v->blocks, &v->capblocks, (uint64_t)v->nblocks + 1,
			  sizeof(*v->blocks)))
		return false;
	b = &v->blocks[v->nblocks];
	b->start = (uint32_t)v->op_pos;
	b->else_pc = 0;
	b->end_pc = 0;
	b->nparams = np;
	b->nresults = nr;
	b->height = v->nvals;
	return push_ctrl(v, op, params, np, results, nr, v->nblocks++);
}

bool wasm_vf_begin_block(struct vfunc *v, uint8_t op)
{
	const uint32_t *params, *results;
	uint32_t np, nr;

	if (!block_type(v, &params, &np, &results, &nr))
		return false;
	if (op == WASM_OP_IF && !wasm_vf_pop_t(v, T_I32))
		return false;
	if (!wasm_vf_pop_n(v, params, np))
		return false;
	if (op == WASM_OP_TRY)
		v->uses_exceptions = true;
	return open_block(v, op, params, np, results, nr);
}

/* Whether label types ts[0..n) are the tag's params, then an exnref if
 * `ref`; for catch_all (tag NULL) just the exnref if `ref`. */
static bool clause_types_match(const struct wasm_module *m, const struct wasm_functype *tag,
			       bool ref, const uint32_t *ts, uint32_t n)
{
	uint32_t np = tag ? tag->nparams : 0;

	if (n != np + ref)
		return false;
	for (uint32_t i = 0; i < np; i++)
		if (!wasm_type_match(m, tag->params[i], m, ts[i]))
			return false;
	return !ref || wasm_type_match(m, wasm_type_ref(WASM_HEAP_EXN, false), m, ts[np]);
}

bool wasm_vf_begin_try_table(struct vfunc *v)
{
	const uint32_t *params, *results;
	uint32_t np, nr, n, below;

	if (!block_type(v, &params, &np, &results, &nr) || !wasm_vf_u32(v, &n))
		return false;
	v->uses_exceptions = true;
	/* The payload lands above the operands below the block (the
	 * translator's landing pads): room for it in the frame. */
	below = v->nvals >= v->floor + np ? v->nvals - np : v->floor;
	for (uint32_t i = 0; i < n; i++) {
		const struct wasm_functype *tag = NULL;
		const uint32_t *ts;
		uint32_t x, nl;
		uint8_t kind;
		struct ctrl *c;

		if (!wasm_reader_u8(&v->r, &kind))
			return wasm_vf_vreader_fail(v);
		if (kind > 3)
			return wasm_vf_vfail(v, ERR_MALFORMED, "malformed catch clause kind %u",
					     kind);
		if (kind < 2) {
			if (!wasm_vf_u32(v, &x))
				return false;
			if (x >= v->m->ntags)
				return wasm_vf_vfail(v, ERR_INVALID, "unknown tag %u", x);
			tag = &v->m->types[v->m->tags[x].type];
		}
		if (!wasm_vf_label(v, &c))
			return false;
		wasm_vf_label_types(c, &ts, &nl);
		if (!clause_types_match(v->m, tag, kind & 1, ts, nl))
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: catch clause %u", i);
		if ((uint64_t)below + nl > v->max_height)
			v->max_height = below + nl;
	}
	if (!wasm_vf_pop_n(v, params, np))
		return false;
	return open_block(v, WASM_OP_TRY_TABLE, params, np, results, nr);
}

bool wasm_vf_do_catch(struct vfunc *v, bool all)
{
	struct ctrl *c = &v->ctrls[v->nctrls - 1];
	const struct wasm_functype *tag = NULL;
	uint32_t x;

	if (!all) {
		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= v->m->ntags)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown tag %u", x);
		tag = &v->m->types[v->m->tags[x].type];
	}
	if (c->opcode != WASM_OP_TRY && c->opcode != WASM_OP_CATCH)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode: %s without try",
				     all ? "catch_all" : "catch");
	if (!end_frame(v, c))
		return false;
	c->opcode = all ? WASM_OP_CATCH_ALL : WASM_OP_CATCH;
	c->unreachable = false;
	undo_inits(v, c);
	/* The caught exception (for rethrow) lives in a hidden local, one per
	 * open catch frame. */
	{
		uint32_t depth = 0;

		for (uint32_t i = 0; i < v->nctrls; i++)
			depth += v->ctrls[i].opcode == WASM_OP_CATCH ||
				 v->ctrls[i].opcode == WASM_OP_CATCH_ALL;
		if (depth > v->max_catch)
			v->max_catch = depth;
	}
	return !tag || wasm_vf_push_n(v, tag->params, tag->nparams);
}

bool wasm_vf_do_delegate(struct vfunc *v)
{
	const struct ctrl *c = &v->ctrls[v->nctrls - 1];
	uint32_t l;

	if (!wasm_vf_u32(v, &l))
		return false;
	if (c->opcode != WASM_OP_TRY)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode: delegate without try");
	if (l >= v->nctrls - 1)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown label %u", l);
	if (!end_frame(v, c))
		return false;
	v->blocks[c->block].end_pc = (uint32_t)v->op_pos;
	undo_inits(v, c);
	v->nctrls--;
	v->floor = v->ctrls[v->nctrls - 1].height;
	return wasm_vf_push_n(v, c->results, c->nresults);
}

bool wasm_vf_do_rethrow(struct vfunc *v)
{
	struct ctrl *c;

	if (!wasm_vf_label(v, &c))
		return false;
	if (c->opcode != WASM_OP_CATCH && c->opcode != WASM_OP_CATCH_ALL)
		return wasm_vf_vfail(v, ERR_INVALID, "invalid rethrow label");
	wasm_vf_set_unreachable(v);
	return true;
}

bool wasm_vf_do_else(struct vfunc *v)
{
	struct ctrl *c = &v->ctrls[v->nctrls - 1];

	if (c->opcode != WASM_OP_IF)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode: else without if");
	if (!end_frame(v, c))
		return false;
	v->blocks[c->block].else_pc = (uint32_t)v->op_pos;
	/* pop_ctrl then push_ctrl of the same types: the frame stays where it
	 * is, at the same height, reachable again. */
	c->opcode = WASM_OP_ELSE;
	c->unreachable = false;
	undo_inits(v, c);
	return wasm_vf_push_n(v, c->params, c->nparams);
}

/* Returns true with *done set when the body's own frame ends. */
bool wasm_vf_do_end(struct vfunc *v, bool *done)
{
	const struct ctrl *c = &v->ctrls[v->nctrls - 1];

	if (!end_frame(v, c))
		return false;
	/* An `if` without `else` has an implicit empty else: it passes its
	 * params through, so they must be its results. */
	if (c->opcode == WASM_OP_IF && !params_are_results(v->m, c))
		return wasm_vf_vfail(v, ERR_INVALID,
				     "type mismatch: if without else changes types");
	if (c->block != WASM_NONE)
		v->blocks[c->block].end_pc = (uint32_t)v->op_pos;
	undo_inits(v, c);
	/* The popped frame's slot stays intact until the next push_ctrl. */
	v->nctrls--;
	if (v->nctrls == 0) {
		*done = true;
		return true;
	}
	v->floor = v->ctrls[v->nctrls - 1].height;
	return wasm_vf_push_n(v, c->results, c->nresults);
}

bool wasm_vf_do_br_table(struct vfunc *v)
{
	uint32_t n, arity, l;
	struct ctrl *def;
	const uint32_t *ts;
	size_t labels_at;

	if (!wasm_vf_u32(v, &n))
		return false;
	labels_at = v->r.pos;
	/* The default label comes last: find it first. */
	for (uint32_t i = 0; i < n; i++)
		if (!wasm_vf_u32(v, &l))
			return false;
	if (!wasm_vf_label(v, &def))
		return false;
	wasm_vf_label_types(def, &ts, &arity);
	if (!wasm_vf_pop_t(v, T_I32))
		return false;
	v->r.pos = labels_at;
	for (uint32_t i = 0; i < n; i++) {
		struct ctrl *c;
		const uint32_t *lts;
		uint32_t ln;

		if (!wasm_vf_label(v, &c))
			return false;
		wasm_vf_label_types(c, &lts, &ln);
		if (ln != arity)
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: br_table label arity %u, "
					     "default %u",
					     ln, arity);
		/* push_vals(pop_vals(label types)): the popped types, which
		 * may be unknown, go back as they were. */
		if (ln + 1 > v->captmp && !wasm_vf_grow(v, (void **)&v->tmp, &v->captmp,
							(uint64_t)ln + 1, sizeof(*v->tmp)))
			return false;
		for (uint32_t k = ln; k-- > 0;)
			if (!wasm_vf_pop_expect(v, lts[k], &v->tmp[k]))
				return false;
		if (!wasm_vf_push_n(v, v->tmp, ln))
			return false;
	}
	if (!wasm_vf_u32(v, &l))
		return false;
	if (!wasm_vf_pop_n(v, ts, arity))
		return false;
	wasm_vf_set_unreachable(v);
	return true;
}

int wasm_vf_validate_func(struct vfunc *v, uint32_t fi)
{
	struct wasm_module *m = v->m;
	struct wasm_func *f = &m->funcs[fi];
	const struct wasm_functype *ft = &m->types[f->type];
	uint64_t nl = (uint64_t)ft->nparams + f->nlocals;

	v->func = fi;
	v->rc = 0;
	v->nvals = v->nctrls = v->nblocks = v->nuntyped = v->floor = 0;
	v->max_height = v->max_depth = 0;
	v->uses_exceptions = false;
	v->uses_gc = false;
	v->max_catch = 0;
	v->uses_simd = false;
	v->op_pos = f->body_start;
	if (nl > WASM_MAX_LOCALS) {
		wasm_vf_vfail(v, ERR_MALFORMED, "too many locals");
		return v->rc;
	}
	if (!wasm_vf_grow(v, (void **)&v->locals, &v->caplocals, nl + 1, sizeof(*v->locals)))
		return v->rc;
	memcpy(v->locals, ft->params, ft->nparams * sizeof(*v->locals));
	memcpy(v->locals + ft->nparams, f->local_types, f->nlocals * sizeof(*v->locals));
	v->nlocals = (uint32_t)nl;
	if (!init_locals(v, ft->nparams))
		return v->rc;

	wasm_reader_init(&v->r, m->bytes, m->len);
	v->r.pos = f->code_start;
	v->r.end = f->code_end;
	if (!push_ctrl(v, 0, single_types, 0, ft->results, ft->nresults, WASM_NONE))
		return v->rc;
	if (!wasm_vf_check_body(v))
		return v->rc;
	if (v->r.pos != f->code_end) {
		wasm_vf_vfail(v, ERR_MALFORMED,
			      "section size mismatch: code after the function's end");
		return v->rc;
	}
	f->max_height = v->max_height;
	f->max_depth = v->max_depth;
	f->nhidden = v->max_catch;
	if (v->uses_exceptions || v->uses_gc) {
		arena_lock(v);
		m->uses_exceptions |= v->uses_exceptions;
		m->uses_gc |= v->uses_gc;
		arena_unlock(v);
	}
	f->uses_simd = v->uses_simd;
	f->nblocks = v->nblocks;
	f->nuntyped = v->nuntyped;
	arena_lock(v);
	f->blocks = wasm_arena_array(m, v->nblocks, sizeof(*f->blocks));
	f->untyped_types = wasm_arena_alloc(m, v->nuntyped);
	arena_unlock(v);
	if (!f->blocks || !f->untyped_types) {
		vnomem(v);
		return v->rc;
	}
	if (v->nblocks)
		memcpy(f->blocks, v->blocks, v->nblocks * sizeof(*f->blocks));
	if (v->nuntyped)
		memcpy(f->untyped_types, v->untyped, v->nuntyped);
	return 0;
}

void wasm_vf_free(struct vfunc *v)
{
	free(v->locals);
	free(v->linit);
	free(v->inits);
	free(v->vals);
	free(v->ctrls);
	free(v->blocks);
	free(v->untyped);
	free(v->tmp);
}
