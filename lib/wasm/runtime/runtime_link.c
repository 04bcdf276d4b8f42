/*
 * runtime_link.c - the linker (module.name -> extern) and instantiation.
 *
 * wasm_instantiate runs in two phases around one commit point:
 *
 *   resolve imports ─ make funcs, tables, memories ─ globals ─ translate
 *        (any failure here frees everything made so far: nothing else
 *         can refer to it yet)
 *   ── commit: the instance is adopted by the store, its tables and
 *      memories published ──
 *   element segments, then data segments, in order (can only trap)
 *
 * A trap after the commit point fails the instantiation, but the instance
 * stays in the store until wasm_store_free: earlier segments may already
 * have stored references to its functions in imported tables (2.0 keeps
 * those writes), and calling them needs the instance, its code and its
 * memories alive.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_rt.h"
#include "wasm/module_internal.h"
#include "wasm/opcodes.h"
#include "wasm/runtime/runtime_store.h"

/* ---- the linker ---- */

struct linker_entry {
	char *module, *name; /* one allocation: module\0name\0 */
	size_t module_len, name_len;
	struct wasm_extern e;
};

struct wasm_linker {
	struct wasm_store *store;
	struct linker_entry *v;
	size_t n, cap;
};

static void linker_destroy(void *obj)
{
	struct wasm_linker *l = obj;

	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].module);
	free(l->v);
	free(l);
}

int wasm_linker_new(struct wasm_store *s, struct wasm_linker **out)
{
	struct wasm_linker *l = calloc(1, sizeof(*l));

	if (!l)
		return ERR_NOMEM;
	l->store = s;
	if (wasm_store_adopt(s, l, linker_destroy)) {
		free(l);
		return ERR_NOMEM;
	}
	*out = l;
	return 0;
}

static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int linker_define_n(struct wasm_linker *l, const char *module, size_t mlen, const char *name,
			   size_t nlen, const struct wasm_extern *e)
{
	struct linker_entry *x;
	char *str;

	if (e->kind > WASM_EXTERN_TAG)
		return ERR_INVAL;
	for (size_t i = 0; i < l->n; i++) {
		x = &l->v[i];
		if (x->e.kind == e->kind && name_eq(x->module, x->module_len, module, mlen) &&
		    name_eq(x->name, x->name_len, name, nlen)) {
			x->e = *e;
			return 0;
		}
	}
	if (mlen > SIZE_MAX / 2 - 2 || nlen > SIZE_MAX / 2 - 2)
		return ERR_NOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct linker_entry *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return ERR_NOMEM;
		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	str = malloc(mlen + nlen + 2);
	if (!str)
		return ERR_NOMEM;
	memcpy(str, module, mlen);
	str[mlen] = '\0';
	memcpy(str + mlen + 1, name, nlen);
	str[mlen + 1 + nlen] = '\0';
	x = &l->v[l->n++];
	*x = (struct linker_entry){
		.module = str,
		.name = str + mlen + 1,
		.module_len = mlen,
		.name_len = nlen,
		.e = *e,
	};
	return 0;
}

int wasm_linker_define(struct wasm_linker *l, const char *module, const char *name,
		       const struct wasm_extern *e)
{
	return linker_define_n(l, module, strlen(module), name, strlen(name), e);
}

static struct wasm_extern instance_extern(const struct wasm_instance *inst, uint8_t kind,
					  uint32_t index)
{
	struct wasm_extern e = {.kind = kind};

	switch (kind) {
	case WASM_EXTERN_FUNC:
		e.u.func = inst->funcs[index];
		break;
	case WASM_EXTERN_TABLE:
		e.u.table = inst->tables[index];
		break;
	case WASM_EXTERN_MEMORY:
		e.u.mem = inst->mems[index];
		break;
	case WASM_EXTERN_TAG:
		e.u.tag = inst->tags[index];
		break;
	default:
		e.u.global = inst->globals[index];
		break;
	}
	return e;
}

int wasm_linker_define_instance(struct wasm_linker *l, const char *module,
				struct wasm_instance *inst)
{
	const struct wasm_module *m = inst->module;

	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *x = &m->exports[i];
		struct wasm_extern e = instance_extern(inst, x->kind, x->index);
		int err = linker_define_n(l, module, strlen(module), x->name.ptr, x->name.len, &e);

		if (err)
			return err;
	}
	return 0;
}

int wasm_linker_define_func(struct wasm_linker *l, const char *module, const char *name,
			    const char *sig, wasm_host_fn fn, void *arg)
{
	struct wasm_extern e = {.kind = WASM_EXTERN_FUNC};
	int err = wasm_store_new_func(l->store, sig, fn, arg, &e.u.func);

	if (err)
		return err;
	return wasm_linker_define(l, module, name, &e);
}

/*
 * The definition for import `im`: the one of the same kind if there is
 * one, else any of that name (so the caller reports the kind mismatch),
 * else NULL.
 */
static const struct wasm_extern *linker_lookup(const struct wasm_linker *l,
					       const struct wasm_import *im)
{
	const struct wasm_extern *any = NULL;

	for (size_t i = 0; l && i < l->n; i++) {
		const struct linker_entry *x = &l->v[i];

		if (!name_eq(x->module, x->module_len, im->module.ptr, im->module.len) ||
		    !name_eq(x->name, x->name_len, im->name.ptr, im->name.len))
			continue;
		if (x->e.kind == im->kind)
			return &x->e;
		any = &x->e;
	}
	return any;
}

/* ---- import matching (spec 2.0, "Import Subtyping") ---- */

/* Limits {min, max?} of an actual object match the declared ones. */
static bool limits_match(uint64_t min, const struct wasm_limits *actual_decl,
			 const struct wasm_limits *want)
{
	if (actual_decl->is64 != want->is64 || min < want->min)
		return false;
	if (!want->has_max)
		return true;
	return actual_decl->has_max && actual_decl->max <= want->max;
}

static bool extern_matches(const struct wasm_module *m, const struct wasm_import *im,
			   const struct wasm_extern *e)
{
	if (e->kind != im->kind)
		return false;
	switch (im->kind) {
	case WASM_EXTERN_FUNC: /* the actual type a subtype of the declared one (3.0) */
		return wasm_deftype_sub(e->u.func->type, &m->types[m->funcs[im->index].type]);
	case WASM_EXTERN_TABLE: {
		const struct wasm_table *want = &m->tables[im->index];

		return wasm_type_equal(e->u.table->types_of, e->u.table->elem_type, m,
				       want->elem_type) &&
		       limits_match(e->u.table->size, &wasm_store_table_node(e->u.table)->decl,
				    &want->limits);
	}
	case WASM_EXTERN_MEMORY:
		return limits_match(e->u.mem->pages, &wasm_store_memory_node(e->u.mem)->decl,
				    &m->mems[im->index].limits);
	case WASM_EXTERN_TAG:
		return wasm_functype_equal(e->u.tag->type, &m->types[m->tags[im->index].type]);
	default: {
		const struct wasm_global *want = &m->globals[im->index];

		/* an immutable global's type may be a subtype of the one
		 * wanted; a mutable one's is exactly it (it is written too) */
		if (e->u.global->is_mutable != want->is_mutable ||
		    !wasm_type_match(e->u.global->types_of, e->u.global->type, m, want->type))
			return false;
		return !want->is_mutable ||
		       wasm_type_match(m, want->type, e->u.global->types_of, e->u.global->type);
	}
	}
}

/* ---- instances ---- */

void wasm_instance_destroy(void *obj)
{
	struct rt_instance *ri = obj;
	struct wasm_instance *inst = &ri->inst;

	wasm_code_free(inst->code);
	jit_inst_free(inst->jit);
	free(inst->funcs);
	free(inst->tables);
	free(inst->mems);
	free(inst->globals);
	free(inst->elem_dropped);
	free(inst->data_dropped);
	free(ri->own_funcs);
	free(ri->own_globals);
	free(inst->tags);
	free(ri->own_tags);
	for (uint32_t i = 0; ri->elem_refs && i < inst->module->nelems; i++)
		free(ri->elem_refs[i]);
	free(ri->elem_refs);
	free(ri);
}

/* Frees an instance that never reached the commit point, with the tables
 * and memories it defined (nothing else can refer to them). */
static void instance_abandon(struct rt_instance *ri)
{
	const struct wasm_module *m = ri->inst.module;

	for (uint32_t i = m->ntable_imports; ri->inst.tables && i < m->ntables; i++)
		if (ri->inst.tables[i])
			wasm_store_table_destroy(
				CONTAINER_OF(ri->inst.tables[i], struct rt_table, t));
	for (uint32_t i = m->nmem_imports; ri->inst.mems && i < m->nmems; i++)
		if (ri->inst.mems[i])
			wasm_store_memory_destroy(
				CONTAINER_OF(ri->inst.mems[i], struct rt_memory, mem));
	wasm_instance_destroy(ri);
}

static void *alloc_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

static int instance_alloc(struct wasm_store *s, const struct wasm_module *m,
			  struct rt_instance **out)
{
	struct rt_instance *ri = calloc(1, sizeof(*ri));
	struct wasm_instance *inst;

	if (!ri)
		return ERR_NOMEM;
	inst = &ri->inst;
	inst->store = s;
	inst->module = m;
	inst->funcs = alloc_array(m->nfuncs, sizeof(*inst->funcs));
	inst->tables = alloc_array(m->ntables, sizeof(*inst->tables));
	inst->mems = alloc_array(m->nmems, sizeof(*inst->mems));
	inst->globals = alloc_array(m->nglobals, sizeof(*inst->globals));
	inst->elem_dropped = alloc_array(m->nelems, sizeof(*inst->elem_dropped));
	inst->data_dropped = alloc_array(m->ndatas, sizeof(*inst->data_dropped));
	ri->own_funcs = alloc_array(m->nfuncs - m->nfunc_imports, sizeof(*ri->own_funcs));
	ri->own_globals = alloc_array(m->nglobals - m->nglobal_imports, sizeof(*ri->own_globals));
	inst->tags = alloc_array(m->ntags, sizeof(*inst->tags));
	ri->own_tags = alloc_array(m->ntags - m->ntag_imports, sizeof(*ri->own_tags));
	if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals || !inst->elem_dropped ||
	    !inst->data_dropped || !ri->own_funcs || !ri->own_globals || !inst->tags ||
	    !ri->own_tags) {
		wasm_instance_destroy(ri);
		return ERR_NOMEM;
	}
	*out = ri;
	return 0;
}

/* The longest module or field name a link error shows whole: with the
 * longest prefix and two "...", the message fits struct wasm_error.msg. */
#define LINK_NAME_MAX 240u

static int resolve_imports(struct wasm_instance *inst, const struct wasm_linker *l,
			   struct wasm_error *err)
{
	const struct wasm_module *m = inst->module;

	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		const struct wasm_extern *e = linker_lookup(l, im);

		if (!e || !extern_matches(m, im, e)) {
			/* whole names up to LINK_NAME_MAX bytes each (every real
			 * import fits); a longer one is cut and marked "..." */
			wasm_error_set(err, ERR_LINK, "link", 0, "%s %.*s%s.%.*s%s",
				       e ? "incompatible import type" : "unknown import",
				       (int)MIN(im->module.len, LINK_NAME_MAX), im->module.ptr,
				       im->module.len > LINK_NAME_MAX ? "..." : "",
				       (int)MIN(im->name.len, LINK_NAME_MAX), im->name.ptr,
				       im->name.len > LINK_NAME_MAX ? "..." : "");
			return ERR_LINK;
		}
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			inst->funcs[im->index] = e->u.func;
			break;
		case WASM_EXTERN_TABLE:
			inst->tables[im->index] = e->u.table;
			break;
		case WASM_EXTERN_MEMORY:
			inst->mems[im->index] = e->u.mem;
			break;
		case WASM_EXTERN_TAG:
			inst->tags[im->index] = e->u.tag;
			break;
		default:
			inst->globals[im->index] = e->u.global;
			break;
		}
	}
	return 0;
}

/* Tables, then memories, defined by the module (unpublished). */
static int make_tables_and_mems(struct wasm_instance *inst, struct wasm_error *err)
{
	const struct wasm_module *m = inst->module;
	int rc;

	for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
		struct rt_table *t;

		rc = wasm_store_table_new(inst->store, m->tables[i].elem_type, m->tables[i].limits,
					  &t);
		if (rc) {
			wasm_error_set(err, rc, "instantiate", 0, "table %u: %s", i, err_str(rc));
			return rc;
		}
		t->t.types_of = m;
		inst->tables[i] = &t->t;
	}
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
		struct rt_memory *mem;

		rc = wasm_store_memory_new(inst->store, m->mems[i].limits, &mem);
		if (rc) {
			wasm_error_set(err, rc, "instantiate", 0, "memory %u: %s", i, err_str(rc));
			return rc;
		}
		inst->mems[i] = &mem->mem;
	}
	return 0;
}

/* The integer an extended constant expression the validator accepted
 * gives (every value of such an expression is an i32 or an i64: only its
 * last instruction's is left, and add, sub, mul take integers). */
static uint64_t eval_const_expr(const struct wasm_instance *inst, const struct wasm_const_expr *e)
{
	uint64_t st[WASM_CONST_MAX_STACK], imm;
	uint32_t n = 0, pos = 0;
	uint8_t op;

	/* objects on st are no root: no collection until the value is kept */
	wasm_gc_hold(&inst->store->gc);
	while (wasm_const_expr_next(inst->module, e, &pos, &op, &imm)) {
		uint64_t a, b;

		switch (op) {
		case WASM_OP_GLOBAL_GET:
			st[n++] = inst->globals[imm]->val.i64;
			continue;
		case WASM_OP_I32_CONST:
		case WASM_OP_I64_CONST:
		case WASM_OP_F32_CONST:
		case WASM_OP_F64_CONST:
			st[n++] = imm;
			continue;
		case WASM_OP_REF_NULL:
			st[n++] = 0;
			continue;
		case WASM_OP_REF_FUNC:
			st[n++] = (uintptr_t)inst->funcs[imm];
			continue;
		case WASM_OP_PREFIX_FB:
			wasm_rt_const_gc(inst, imm, st, &n);
			continue;
		default:
			break;
		}
		b = st[--n];
		a = st[n - 1];
		switch (op) {
		case WASM_OP_I32_ADD:
			st[n - 1] = (uint32_t)(a + b);
			break;
		case WASM_OP_I32_SUB:
			st[n - 1] = (uint32_t)(a - b);
			break;
		case WASM_OP_I32_MUL:
			st[n - 1] = (uint32_t)((uint32_t)a * (uint32_t)b);
			break;
		case WASM_OP_I64_ADD:
			st[n - 1] = a + b;
			break;
		case WASM_OP_I64_SUB:
			st[n - 1] = a - b;
			break;
		default: /* i64.mul */
			st[n - 1] = a * b;
			break;
		}
	}
	wasm_gc_release(&inst->store->gc);
	return st[0];
}

/* The value of a constant expression the validator accepted. */
static union wasm_val eval_const(const struct wasm_instance *inst, const struct wasm_const_expr *e)
{
	union wasm_val v;

	/* All of it: an initializer lists only the first member. */
	memset(&v, 0, sizeof(v));
	switch (e->kind) {
	case WASM_CONST_I32:
		v.i32 = e->u.i32;
		break;
	case WASM_CONST_I64:
		v.i64 = e->u.i64;
		break;
	case WASM_CONST_F32:
		v.f32 = e->u.f32;
		break;
	case WASM_CONST_F64:
		v.f64 = e->u.f64;
		break;
	case WASM_CONST_REF_FUNC:
		v.ref = (uintptr_t)inst->funcs[e->u.index];
		break;
	case WASM_CONST_V128: /* bytes 0-7; the global takes 8-15 itself */
		memcpy(&v.i64, e->u.v128, 8);
		break;
	case WASM_CONST_GLOBAL_GET:
		v = inst->globals[e->u.index]->val;
		break;
	case WASM_CONST_EXPR:
		v.i64 = eval_const_expr(inst, e);
		break;
	default: /* WASM_CONST_REF_NULL */
		break;
	}
	return v;
}

uintptr_t wasm_instance_eval_ref(const struct wasm_instance *inst, const struct wasm_const_expr *e)
{
	return eval_const(inst, e).ref;
}

uintptr_t wasm_rt_elem_item(struct wasm_instance *inst, uint32_t elem, uint64_t i)
{
	const struct rt_instance *ri = CONTAINER_OF(inst, struct rt_instance, inst);

	if (ri->elem_refs && ri->elem_refs[elem])
		return ri->elem_refs[elem][i];
	return wasm_instance_eval_ref(inst, &inst->module->elems[elem].items[i]);
}

/* Evaluates once the element segments with an extended (GC) item, whose
 * objects must be the same at every use (the spec evaluates every segment
 * at instantiation; the others give the same values whenever evaluated).
 * ERR_NOMEM. */
static int eval_elems(struct rt_instance *ri)
{
	const struct wasm_module *m = ri->inst.module;

	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];
		bool ext = false;

		for (uint32_t k = 0; k < e->count && !ext; k++)
			ext = e->items[k].kind == WASM_CONST_EXPR;
		if (!ext)
			continue;
		if (!ri->elem_refs &&
		    !(ri->elem_refs = alloc_array(m->nelems, sizeof(uintptr_t *))))
			return ERR_NOMEM;
		if (!(ri->elem_refs[i] = alloc_array(e->count, sizeof(uintptr_t))))
			return ERR_NOMEM;
		for (uint32_t k = 0; k < e->count; k++)
			ri->elem_refs[i][k] = wasm_instance_eval_ref(&ri->inst, &e->items[k]);
	}
	return 0;
}

static void make_funcs_and_globals(struct rt_instance *ri)
{
	struct wasm_instance *inst = &ri->inst;
	const struct wasm_module *m = inst->module;

	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		struct wasm_funcinst *f = &ri->own_funcs[i - m->nfunc_imports];

		*f = (struct wasm_funcinst){
			.type = &m->types[m->funcs[i].type],
			.inst = inst,
			.index = i,
		};
		inst->funcs[i] = f;
	}
	/* In order: an initializer reads imported globals (and, since it
	 * may be ref.func, needs the functions above). */
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		struct wasm_globalinst *g = &ri->own_globals[i - m->nglobal_imports];

		g->type = m->globals[i].type;
		g->types_of = m;
		g->is_mutable = m->globals[i].is_mutable;
		g->val = eval_const(inst, &m->globals[i].init);
		g->val_hi = 0;
		if (m->globals[i].init.kind == WASM_CONST_V128)
			memcpy(&g->val_hi, m->globals[i].init.u.v128 + 8, 8);
		else if (m->globals[i].init.kind == WASM_CONST_GLOBAL_GET)
			g->val_hi = inst->globals[m->globals[i].init.u.index]->val_hi;
		inst->globals[i] = g;
	}
}

/* Tables with an initial value (typed function references) get it in
 * every element; the others start null. */
static void init_tables(struct wasm_instance *inst)
{
	const struct wasm_module *m = inst->module;

	for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
		struct wasm_tableinst *t = inst->tables[i];
		uintptr_t v;

		if (!m->tables[i].has_init)
			continue;
		v = eval_const(inst, &m->tables[i].init).ref;
		for (uint32_t k = 0; k < t->size; k++)
			t->elems[k] = v;
	}
}

/* Applies the active segments and drops them and the declarative ones. */
static int apply_segments(struct wasm_instance *inst, struct wasm_error *err)
{
	const struct wasm_module *m = inst->module;
	uint64_t at;
	int trap;

	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];

		if (e->mode == WASM_SEG_ACTIVE) {
			at = m->tables[e->table].limits.is64 ? eval_const(inst, &e->offset).i64
							     : eval_const(inst, &e->offset).i32;
			trap = wasm_rt_table_init(inst, e->table, i, at, 0, e->count);
			if (trap) {
				wasm_error_set(err, ERR_TRAP, "instantiate", e->offset.offset,
					       "%s (element segment %u)", wasm_trap_str(trap), i);
				return ERR_TRAP;
			}
		}
		if (e->mode != WASM_SEG_PASSIVE)
			wasm_rt_elem_drop(inst, i);
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];

		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		at = m->mems[d->memory].limits.is64 ? eval_const(inst, &d->offset).i64
						    : eval_const(inst, &d->offset).i32;
		trap = wasm_rt_memory_init(inst, d->memory, i, at, 0, d->size);
		if (trap) {
			wasm_error_set(err, ERR_TRAP, "instantiate", d->offset.offset,
				       "%s (data segment %u)", wasm_trap_str(trap), i);
			return ERR_TRAP;
		}
		wasm_rt_data_drop(inst, i);
	}
	return 0;
}

int wasm_instantiate(struct wasm_store *s, const struct wasm_module *m, const struct wasm_linker *l,
		     struct wasm_instance **out, struct wasm_error *err)
{
	struct rt_instance *ri;
	struct wasm_instance *inst;
	int rc;

	if (!m->validated || (l && l->store != s)) {
		wasm_error_set(err, ERR_INVAL, "instantiate", 0,
			       m->validated ? "linker of another store" : "module not validated");
		return ERR_INVAL;
	}
	rc = instance_alloc(s, m, &ri);
	if (rc) {
		wasm_error_set(err, rc, "instantiate", 0, "out of memory");
		return rc;
	}
	inst = &ri->inst;
	rc = resolve_imports(inst, l, err);
	if (!rc)
		rc = make_tables_and_mems(inst, err);
	if (rc)
		goto fail;
	s->gc.failed = false;
	make_funcs_and_globals(ri);
	init_tables(inst);
	rc = eval_elems(ri);
	if (rc || s->gc.failed) { /* a constant expression's object found no room */
		rc = ERR_NOMEM;
		wasm_error_set(err, rc, "instantiate", 0, "out of memory (GC heap)");
		goto fail;
	}
	for (uint32_t i = m->ntag_imports; i < m->ntags; i++) {
		ri->own_tags[i - m->ntag_imports].type = &m->types[m->tags[i].type];
		inst->tags[i] = &ri->own_tags[i - m->ntag_imports];
	}
	/* Exceptions never cross compiled frames: once a module that uses
	 * them is in the store, its calls run interpreted (jit/README.md). */
	if (m->uses_exceptions)
		s->uses_exceptions = true;
	if (m->uses_gc)
		s->uses_gc = true;
	rc = wasm_code_translate(inst, inst->store->cfg.max_code_bytes, inst->store->cfg.eager_code,
				 err);
	if (!rc && jit_store_enabled(&inst->store->cfg))
		rc = jit_inst_new(inst, err);
	if (rc)
		goto fail;
	rc = wasm_store_adopt(s, ri, wasm_instance_destroy);
	if (rc) {
		wasm_error_set(err, rc, "instantiate", 0, "out of memory");
		goto fail;
	}
	/* Commit point: from here on the store owns everything. */
	for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
		wasm_store_table_publish(s, CONTAINER_OF(inst->tables[i], struct rt_table, t));
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
		wasm_store_memory_publish(s, CONTAINER_OF(inst->mems[i], struct rt_memory, mem));
	rc = apply_segments(inst, err);
	if (rc)
		return rc;
	*out = inst;
	return 0;

fail:
	instance_abandon(ri);
	return rc;
}

int wasm_instance_export(const struct wasm_instance *inst, const char *name,
			 struct wasm_extern *out)
{
	const struct wasm_module *m = inst->module;
	size_t len = strlen(name);

	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *x = &m->exports[i];

		if (name_eq(x->name.ptr, x->name.len, name, len)) {
			*out = instance_extern(inst, x->kind, x->index);
			return 0;
		}
	}
	return ERR_NOENT;
}

size_t wasm_instance_footprint(const struct wasm_instance *inst)
{
	return wasm_module_footprint(inst->module) +
	       (inst->code ? wasm_code_footprint(inst->code) : 0) +
	       (inst->jit ? jit_inst_footprint(inst->jit) : 0);
}

void wasm_instance_code_stats(const struct wasm_instance *inst, uint32_t *ntranslated,
			      size_t *bytes)
{
	*ntranslated = 0;
	*bytes = 0;
	if (inst->code)
		wasm_code_stats(inst->code, ntranslated, bytes);
	if (inst->jit) {
		*ntranslated += jit_inst_compiled(inst->jit);
		*bytes += jit_inst_footprint(inst->jit);
	}
}

struct wasm_funcinst *wasm_instance_start_func(const struct wasm_instance *inst)
{
	uint32_t start = inst->module->start;

	return start == WASM_NONE ? NULL : inst->funcs[start];
}
