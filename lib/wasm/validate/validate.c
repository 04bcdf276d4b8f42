/*
 * validate.c - module-level validation (spec 2.0, "Validation > Modules"):
 * imports, limits, globals and constant expressions, segments, exports,
 * start, then every function body (validate_code.c).
 *
 * C.refs, the functions `ref.func` may name in bodies, is the set of
 * function indices that occur outside functions: in element segments, in
 * global initializers and in exports. It is kept as a bitmap for the body
 * check. Only after all of it succeeds is `validated` set.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode.h"
#include "wasm/load.h"
#include "wasm/validate/validate_internal.h"

struct vmod {
	struct wasm_module *m;
	struct wasm_error *err;
	const char *section;
	uint8_t *refs; /* bitmap over function indices */
};

#define VFAIL(vm, off, ...) \
	(wasm_error_set((vm)->err, ERR_INVALID, (vm)->section, off, __VA_ARGS__), ERR_INVALID)

static int check_limits(struct vmod *vm, const struct wasm_limits *l, uint64_t bound,
			const char *too_big)
{
	if (l->min > bound || (l->has_max && l->max > bound))
		return VFAIL(vm, 0, "%s", too_big);
	if (l->has_max && l->min > l->max)
		return VFAIL(vm, 0, "size minimum must not be greater than maximum");
	return 0;
}

static const char memory_too_big[] = "memory size must be at most 65536 pages (4GiB)";
static const char memory64_too_big[] = "memory size must be at most 2^48 pages (2^64 bytes)";
static const char table_too_big[] = "table size must be at most 2^32-1";

/* global.get x in a constant expression at `off`: an immutable global
 * among the first `nglobals`; its type in *type. */
static int check_const_global(struct vmod *vm, size_t off, uint32_t x, uint32_t nglobals,
			      uint32_t *type)
{
	if (x >= nglobals)
		return VFAIL(vm, off, "unknown global %u", x);
	if (vm->m->globals[x].is_mutable)
		return VFAIL(vm, off, "constant expression required: global %u is mutable", x);
	*type = vm->m->globals[x].type;
	return 0;
}

static const char const_arity[] = "type mismatch: constant expression must give one value";

/* The operand stack of a constant expression being typed. */
struct const_stack {
	uint32_t t[WASM_CONST_MAX_STACK];
	uint32_t n;
};

static int const_pop(struct vmod *vm, struct const_stack *s, size_t off, uint32_t want,
		     uint32_t *got)
{
	if (s->n == 0 || !wasm_type_match(vm->m, s->t[s->n - 1], vm->m, want))
		return VFAIL(vm, off, "type mismatch: expected %s in constant expression",
			     wasm_valtype_name(want));
	*got = s->t[--s->n];
	return 0;
}

/* A field's storage type as an operand: a packed one is an i32. */
static uint32_t const_unpacked(uint32_t t)
{
	return t == WASM_PACKED_I8 || t == WASM_PACKED_I16 ? WASM_TYPE_I32 : t;
}

/* A GC instruction of a constant expression (imm as wasm_const_expr_next
 * packs it): pops its operands, gives its result's type in *t. */
static int const_gc(struct vmod *vm, struct const_stack *s, size_t off, uint64_t imm, uint32_t *t)
{
	const struct wasm_module *m = vm->m;
	uint32_t sub = imm & 0xffu, x = (uint32_t)(imm >> 8) & 0xffffffu, got, nf;
	const struct wasm_functype *ct;
	int rc;

	vm->m->uses_gc = true; /* the runtime evaluates it */
	if (sub == WASM_OP_REF_I31) {
		*t = wasm_type_ref(WASM_HEAP_I31, false);
		return const_pop(vm, s, off, WASM_TYPE_I32, &got);
	}
	if (sub == WASM_OP_ANY_CONVERT_EXTERN || sub == WASM_OP_EXTERN_CONVERT_ANY) {
		bool to_any = sub == WASM_OP_ANY_CONVERT_EXTERN;

		if ((rc = const_pop(vm, s, off,
				    wasm_type_ref(to_any ? WASM_HEAP_EXTERN : WASM_HEAP_ANY, true),
				    &got)))
			return rc;
		*t = wasm_type_ref(to_any ? WASM_HEAP_ANY : WASM_HEAP_EXTERN,
				   wasm_type_nullable(got));
		return 0;
	}
	if (x >= m->ntypes)
		return VFAIL(vm, off, "unknown type %u", x);
	ct = &m->types[x];
	if (ct->kind != (sub <= WASM_OP_STRUCT_NEW_DEFAULT ? WASM_COMP_STRUCT : WASM_COMP_ARRAY))
		return VFAIL(vm, off, "type mismatch: type %u is of another kind", x);
	*t = wasm_type_ref(wasm_heap_idx(x), false);
	if (sub == WASM_OP_STRUCT_NEW_DEFAULT || sub == WASM_OP_ARRAY_NEW_DEFAULT) {
		for (uint32_t k = 0; k < ct->nfields; k++)
			if (!wasm_vf_defaultable(ct->fields[k].type))
				return VFAIL(vm, off, "type mismatch: type %u is not defaultable",
					     x);
		return sub == WASM_OP_ARRAY_NEW_DEFAULT ? const_pop(vm, s, off, WASM_TYPE_I32, &got)
							: 0;
	}
	if (sub == WASM_OP_ARRAY_NEW && (rc = const_pop(vm, s, off, WASM_TYPE_I32, &got)))
		return rc;
	nf = sub == WASM_OP_ARRAY_NEW_FIXED ? (uint32_t)(imm >> 32) : ct->nfields;
	for (uint32_t k = nf; k-- > 0;) {
		uint32_t ft = const_unpacked(ct->fields[ct->kind == WASM_COMP_ARRAY ? 0 : k].type);

		if ((rc = const_pop(vm, s, off, ft, &got)))
			return rc;
	}
	return 0;
}

/* Types an extended constant expression (several instructions): its one
 * value's type in e->type. */
static int check_const_expr(struct vmod *vm, struct wasm_const_expr *e, uint32_t nglobals)
{
	struct const_stack s = {.n = 0};
	uint32_t t, pos = 0;
	uint8_t op;
	uint64_t imm;
	int rc;

	while (wasm_const_expr_next(vm->m, e, &pos, &op, &imm)) {
		switch (op) {
		case WASM_OP_I32_ADD:
		case WASM_OP_I32_SUB:
		case WASM_OP_I32_MUL:
		case WASM_OP_I64_ADD:
		case WASM_OP_I64_SUB:
		case WASM_OP_I64_MUL:
			t = op <= WASM_OP_I32_MUL ? WASM_TYPE_I32 : WASM_TYPE_I64;
			if (s.n < 2 || s.t[s.n - 1] != t || s.t[s.n - 2] != t)
				return VFAIL(vm, e->offset + pos,
					     "type mismatch: %s expects two %s",
					     wasm_opinfo[op].text, wasm_valtype_name(t));
			s.n--;
			continue;
		case WASM_OP_I32_CONST:
			t = WASM_TYPE_I32;
			break;
		case WASM_OP_I64_CONST:
			t = WASM_TYPE_I64;
			break;
		case WASM_OP_F32_CONST:
			t = WASM_TYPE_F32;
			break;
		case WASM_OP_F64_CONST:
			t = WASM_TYPE_F64;
			break;
		case WASM_OP_REF_NULL:
			t = wasm_type_ref((uint32_t)imm, true);
			if (!wasm_vf_type_ok(vm->m, t, vm->m->ntypes))
				return VFAIL(vm, e->offset, "unknown type %u", wasm_type_idx(t));
			break;
		case WASM_OP_REF_FUNC:
			if (imm >= vm->m->nfuncs)
				return VFAIL(vm, e->offset, "unknown function %u", (uint32_t)imm);
			t = wasm_ref_func_type(vm->m, (uint32_t)imm);
			break;
		case WASM_OP_PREFIX_FB:
			if ((rc = const_gc(vm, &s, e->offset + pos, imm, &t)))
				return rc;
			break;
		default: /* global.get */
			if ((rc = check_const_global(vm, e->offset, (uint32_t)imm, nglobals, &t)))
				return rc;
			break;
		}
		if (s.n == WASM_CONST_MAX_STACK)
			return VFAIL(vm, e->offset,
				     "constant expression holds more than %u values "
				     "(implementation limit)",
				     WASM_CONST_MAX_STACK);
		s.t[s.n++] = t;
	}
	if (s.n != 1)
		return VFAIL(vm, e->offset, "%s", const_arity);
	e->type = s.t[0];
	return 0;
}

/*
 * A constant expression of type `want`; `nglobals` is how many globals it
 * may read (only imported ones for global initializers, spec C'; with
 * extended constant expressions also the earlier defined ones, as in 3.0).
 */
static int check_const(struct vmod *vm, struct wasm_const_expr *e, uint32_t want, uint32_t nglobals)
{
	struct wasm_module *m = vm->m;
	int rc;

	if (e->status == WASM_CONST_NOT_CONSTANT)
		return VFAIL(vm, e->offset, "constant expression required");
	if (e->status == WASM_CONST_EXTENDED_OFF)
		return VFAIL(vm, e->offset,
			     "constant expression required (add, sub, mul need %s, turned off)",
			     wasm_feature_name(WASM_FEAT_EXTENDED_CONST));
	if (e->status == WASM_CONST_ARITY)
		return VFAIL(vm, e->offset, "%s", const_arity);
	if (e->kind == WASM_CONST_EXPR && (rc = check_const_expr(vm, e, nglobals)))
		return rc;
	if (e->kind == WASM_CONST_GLOBAL_GET &&
	    (rc = check_const_global(vm, e->offset, e->u.index, nglobals, &e->type)))
		return rc;
	if (e->kind == WASM_CONST_REF_FUNC) {
		if (e->u.index >= m->nfuncs)
			return VFAIL(vm, e->offset, "unknown function %u", e->u.index);
		e->type = wasm_ref_func_type(m, e->u.index);
	}
	if (e->kind == WASM_CONST_REF_NULL && !wasm_vf_type_ok(m, e->type, m->ntypes))
		return VFAIL(vm, e->offset, "unknown type %u", wasm_type_idx(e->type));
	if (!wasm_type_match(m, e->type, m, want))
		return VFAIL(vm, e->offset, "type mismatch: expected %s, got %s",
			     wasm_valtype_name(want), wasm_valtype_name(e->type));
	return 0;
}

static void add_ref(struct vmod *vm, uint32_t func)
{
	if (func < vm->m->nfuncs)
		vm->refs[func / 8] |= (uint8_t)(1u << (func % 8));
}

static void collect_const_ref(struct vmod *vm, const struct wasm_const_expr *e)
{
	if (e->status == WASM_CONST_OK && e->kind == WASM_CONST_REF_FUNC)
		add_ref(vm, e->u.index);
}

/* A field of a subtype (f) against the supertype's (s): the same
 * mutability; a mutable one's storage type equal (invariant), an immutable
 * one's below (covariant). */
static bool field_sub(const struct wasm_module *m, const struct wasm_field *f,
		      const struct wasm_field *s)
{
	if (f->mut != s->mut || !wasm_storage_match(m, f->type, m, s->type))
		return false;
	return !f->mut || wasm_storage_match(m, s->type, m, f->type);
}

/* Whether composite type t may declare s (of the same kind) its
 * supertype: a function's params contravariant and results covariant, a
 * struct's fields a prefix extension (width) with each field below
 * (depth), an array's element below. */
static bool comptype_sub(const struct wasm_module *m, const struct wasm_functype *t,
			 const struct wasm_functype *s)
{
	if (t->kind == WASM_COMP_FUNC) {
		if (t->nparams != s->nparams || t->nresults != s->nresults)
			return false;
		for (uint32_t k = 0; k < t->nparams; k++)
			if (!wasm_type_match(m, s->params[k], m, t->params[k]))
				return false;
		for (uint32_t k = 0; k < t->nresults; k++)
			if (!wasm_type_match(m, t->results[k], m, s->results[k]))
				return false;
		return true;
	}
	if (t->nfields < s->nfields)
		return false;
	for (uint32_t k = 0; k < s->nfields; k++)
		if (!field_sub(m, &t->fields[k], &s->fields[k]))
			return false;
	return true;
}

/* The value types a type definition refers to, one at a time: params,
 * results, then fields. */
static uint32_t type_ref_at(const struct wasm_functype *ft, uint32_t k)
{
	if (k < ft->nparams)
		return ft->params[k];
	k -= ft->nparams;
	return k < ft->nresults ? ft->results[k] : ft->fields[k - ft->nresults].type;
}

/*
 * Every concrete reference in a type definition names a type of an earlier
 * recursion group or of its own (3.0). A declared supertype is an earlier
 * type, not final, of the same kind, and the type matches it (comptype_sub;
 * checked once every depth is set, as fields may name later types of the
 * group). Sets each type's depth.
 */
static int check_types(struct vmod *vm)
{
	struct wasm_module *m = vm->m;

	vm->section = "type";
	for (uint32_t i = 0; i < m->ntypes; i++) {
		struct wasm_functype *ft = &m->types[i];
		uint32_t limit = ft->rec_start + ft->rec_len;
		const struct wasm_functype *s;

		for (uint32_t k = 0; k < ft->nparams + ft->nresults + ft->nfields; k++) {
			uint32_t t = type_ref_at(ft, k);

			if (!wasm_vf_type_ok(m, t, limit))
				return VFAIL(vm, 0, "unknown type %u (in type %u)",
					     wasm_type_idx(t), i);
		}
		ft->depth = 0;
		if (!ft->has_super)
			continue;
		if (ft->super >= m->ntypes)
			return VFAIL(vm, 0, "unknown type %u (supertype of type %u)", ft->super, i);
		if (ft->super >= i)
			return VFAIL(vm, 0, "sub type: supertype %u of type %u is not earlier",
				     ft->super, i);
		s = &m->types[ft->super];
		if (s->final)
			return VFAIL(vm, 0, "sub type: supertype %u of type %u is final", ft->super,
				     i);
		if (s->kind != ft->kind)
			return VFAIL(vm, 0, "sub type: type %u and its supertype %u differ in kind",
				     i, ft->super);
		if (s->depth >= WASM_MAX_SUBTYPE_DEPTH)
			return VFAIL(vm, 0,
				     "sub type: more than %u supertypes above type %u "
				     "(implementation limit)",
				     WASM_MAX_SUBTYPE_DEPTH, i);
		ft->depth = s->depth + 1;
	}
	for (uint32_t i = 0; i < m->ntypes; i++) {
		const struct wasm_functype *ft = &m->types[i];

		if (ft->has_super && !comptype_sub(m, ft, &m->types[ft->super]))
			return VFAIL(vm, 0, "sub type: type %u does not match its supertype %u", i,
				     ft->super);
	}
	return 0;
}

static int check_entities(struct vmod *vm)
{
	struct wasm_module *m = vm->m;
	int rc;

	if ((rc = check_types(vm)))
		return rc;
	vm->section = "function";
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (m->funcs[i].type >= m->ntypes)
			return VFAIL(vm, 0, "unknown type %u (func %u)", m->funcs[i].type, i);
		if (m->types[m->funcs[i].type].kind != WASM_COMP_FUNC)
			return VFAIL(vm, 0,
				     "type mismatch: type %u of func %u is not a function type",
				     m->funcs[i].type, i);
	}
	vm->section = "table";
	for (uint32_t i = 0; i < m->ntables; i++) {
		struct wasm_table *t = &m->tables[i];

		if ((rc = check_limits(vm, &t->limits, t->limits.is64 ? UINT64_MAX : UINT32_MAX,
				       table_too_big)))
			return rc;
		if (!wasm_vf_type_ok(m, t->elem_type, m->ntypes))
			return VFAIL(vm, 0, "unknown type %u (table %u)",
				     wasm_type_idx(t->elem_type), i);
		/* a table of non-null references needs its initial value */
		if (t->import == WASM_NONE && !t->has_init && !wasm_vf_defaultable(t->elem_type))
			return VFAIL(vm, 0, "type mismatch: table %u of %s has no initial value", i,
				     wasm_valtype_name(t->elem_type));
		/* the module's own globals come after its tables */
		if (t->has_init &&
		    (rc = check_const(vm, &t->init, t->elem_type, m->nglobal_imports)))
			return rc;
	}
	vm->section = "memory";
	if (m->nmems > 1 && (m->features_off & WASM_FEAT_MULTI_MEMORY))
		return VFAIL(vm, 0, "multiple memories (multi-memory is turned off)");
	for (uint32_t i = 0; i < m->nmems; i++) {
		const struct wasm_limits *l = &m->mems[i].limits;

		if ((rc = check_limits(vm, l, l->is64 ? WASM_MAX_PAGES64 : WASM_MAX_PAGES,
				       l->is64 ? memory64_too_big : memory_too_big)))
			return rc;
	}
	vm->section = "tag";
	for (uint32_t i = 0; i < m->ntags; i++) {
		if (m->tags[i].type >= m->ntypes)
			return VFAIL(vm, 0, "unknown type %u (tag %u)", m->tags[i].type, i);
		if (m->types[m->tags[i].type].kind != WASM_COMP_FUNC)
			return VFAIL(vm, 0,
				     "type mismatch: type %u of tag %u is not a function type",
				     m->tags[i].type, i);
		if (m->types[m->tags[i].type].nresults)
			return VFAIL(vm, 0, "non-empty tag result type (tag %u)", i);
	}
	vm->section = "global";
	for (uint32_t i = 0; i < m->nglobals; i++)
		if (!wasm_vf_type_ok(m, m->globals[i].type, m->ntypes))
			return VFAIL(vm, 0, "unknown type %u (global %u)",
				     wasm_type_idx(m->globals[i].type), i);
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		struct wasm_global *g = &m->globals[i];
		uint32_t visible =
			m->features_off & WASM_FEAT_EXTENDED_CONST ? m->nglobal_imports : i;

		if ((rc = check_const(vm, &g->init, g->type, visible)))
			return rc;
	}
	return 0;
}

static int check_elems(struct vmod *vm)
{
	struct wasm_module *m = vm->m;
	int rc;

	vm->section = "element";
	for (uint32_t i = 0; i < m->nelems; i++) {
		struct wasm_elem *e = &m->elems[i];

		if (!wasm_vf_type_ok(m, e->type, m->ntypes))
			return VFAIL(vm, 0, "unknown type %u (element segment %u)",
				     wasm_type_idx(e->type), i);
		for (uint32_t k = 0; k < e->count; k++)
			if ((rc = check_const(vm, &e->items[k], e->type, m->nglobals)))
				return rc;
		if (e->mode != WASM_SEG_ACTIVE)
			continue;
		if (e->table >= m->ntables)
			return VFAIL(vm, e->offset.offset, "unknown table %u", e->table);
		if (!wasm_type_match(m, e->type, m, m->tables[e->table].elem_type))
			return VFAIL(vm, e->offset.offset, "type mismatch: element segment %u", i);
		if ((rc = check_const(vm, &e->offset,
				      m->tables[e->table].limits.is64 ? WASM_TYPE_I64
								      : WASM_TYPE_I32,
				      m->nglobals)))
			return rc;
	}
	vm->section = "data";
	for (uint32_t i = 0; i < m->ndatas; i++) {
		struct wasm_data *s = &m->datas[i];

		if (s->mode != WASM_SEG_ACTIVE)
			continue;
		if (s->memory >= m->nmems)
			return VFAIL(vm, s->offset.offset, "unknown memory %u", s->memory);
		if ((rc = check_const(vm, &s->offset,
				      m->mems[s->memory].limits.is64 ? WASM_TYPE_I64
								     : WASM_TYPE_I32,
				      m->nglobals)))
			return rc;
	}
	return 0;
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct wasm_name *a = &(*(const struct wasm_export *const *)pa)->name;
	const struct wasm_name *b = &(*(const struct wasm_export *const *)pb)->name;
	int c = memcmp(a->ptr, b->ptr, a->len < b->len ? a->len : b->len);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Export names must be unique: sort them and compare neighbours. */
static int check_export_names(struct vmod *vm)
{
	struct wasm_module *m = vm->m;
	const struct wasm_export **v;
	int rc = 0;

	if (m->nexports < 2)
		return 0;
	v = malloc(m->nexports * sizeof(*v));
	if (!v) {
		wasm_error_set(vm->err, ERR_NOMEM, vm->section, 0, "%s", wasm_nomem_text(m));
		return ERR_NOMEM;
	}
	for (uint32_t i = 0; i < m->nexports; i++)
		v[i] = &m->exports[i];
	qsort(v, m->nexports, sizeof(*v), name_cmp);
	for (uint32_t i = 1; i < m->nexports && !rc; i++)
		if (name_cmp(&v[i - 1], &v[i]) == 0)
			rc = VFAIL(vm, 0, "duplicate export name \"%.*s\"",
				   (int)(v[i]->name.len > 40 ? 40 : v[i]->name.len),
				   v[i]->name.ptr);
	free(v);
	return rc;
}

static int check_exports(struct vmod *vm)
{
	struct wasm_module *m = vm->m;

	vm->section = "export";
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		static const char *const what[5] = {"function", "table", "memory", "global", "tag"};
		const uint32_t count[5] = {m->nfuncs, m->ntables, m->nmems, m->nglobals, m->ntags};

		if (e->index >= count[e->kind])
			return VFAIL(vm, 0, "unknown %s %u", what[e->kind], e->index);
		if (e->kind == WASM_EXTERN_FUNC)
			add_ref(vm, e->index);
	}
	return check_export_names(vm);
}

static int check_start(struct vmod *vm)
{
	struct wasm_module *m = vm->m;
	const struct wasm_functype *ft;

	vm->section = "start";
	if (m->start == WASM_NONE)
		return 0;
	if (m->start >= m->nfuncs)
		return VFAIL(vm, 0, "unknown function %u", m->start);
	ft = &m->types[m->funcs[m->start].type];
	if (ft->nparams || ft->nresults)
		return VFAIL(vm, 0, "start function must have type [] -> []");
	return 0;
}

int wasm_module_validate(struct wasm_module *m, struct wasm_error *err)
{
	return wasm_module_validate_on(m, NULL, err);
}

int wasm_module_validate_on(struct wasm_module *m, const struct wasm_workers *w,
			    struct wasm_error *err)
{
	struct vmod vm = {.m = m, .err = err};
	int rc;

	vm.refs = calloc((size_t)m->nfuncs / 8 + 1, 1);
	if (!vm.refs) {
		wasm_error_set(err, ERR_NOMEM, "module", 0, "%s", wasm_nomem_text(m));
		return ERR_NOMEM;
	}
	if ((rc = check_entities(&vm)))
		goto out;
	if ((rc = check_elems(&vm)) || (rc = check_exports(&vm)) || (rc = check_start(&vm)))
		goto out;
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		collect_const_ref(&vm, &m->globals[i].init);
	for (uint32_t i = 0; i < m->ntables; i++)
		if (m->tables[i].has_init)
			collect_const_ref(&vm, &m->tables[i].init);
	for (uint32_t i = 0; i < m->nelems; i++)
		for (uint32_t k = 0; k < m->elems[i].count; k++)
			collect_const_ref(&vm, &m->elems[i].items[k]);
	rc = wasm_validate_bodies(m, vm.refs, w, err);
	if (!rc)
		m->validated = true;
out:
	if (rc == ERR_INVALID && wasm_scan_bodies(m, err))
		rc = ERR_MALFORMED;
	free(vm.refs);
	return rc;
}
