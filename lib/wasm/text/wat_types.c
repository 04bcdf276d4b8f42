/*
 * wat_types.c - the type definitions of a module (wat_internal.h): function,
 * struct and array types, `sub` with its supertypes and `final`, recursion
 * groups (`rec`), and the type section they make.
 *
 * Every explicit type is named before any is read (wat_module.c's first
 * pass), so a definition may refer to a type defined after it, its own
 * recursion group's or a later one (the latter is invalid, not
 * malformed: the validator says so). The types a type use defines inline
 * are appended later, each a recursion group of its own.
 *
 * Binary forms (the spec's): a group written `rec` is 0x4e vec(subtype);
 * a subtype written `sub` is 0x50 (0x4f if final) vec(typeidx) then its
 * composite type; one written without `sub` is its composite type alone
 * (final, no supertype): func 0x60, struct 0x5f vec(fieldtype), array 0x5e
 * fieldtype, a field type being its storage type then 0 (const) or 1
 * (var).
 */
#include <stdlib.h>
#include <string.h>

#include "wasm/module.h"
#include "wasm/text/wat_internal.h"

static bool nomem(struct wat *p)
{
	p->nomem = true;
	return wat_fail(p, wat_peek(p), "out of memory");
}

bool wat_rec_add(struct wat *p, uint32_t start, uint32_t n, bool rec)
{
	if (p->nrecs == p->recs_cap) {
		uint32_t cap = p->recs_cap ? p->recs_cap * 2 : 16;
		struct wat_rec *r = realloc(p->recs, cap * sizeof(*r));
		if (!r)
			return nomem(p);
		p->recs = r;
		p->recs_cap = cap;
	}
	p->recs[p->nrecs++] = (struct wat_rec){start, n, rec};
	return true;
}

/* Appends *t (taking its v), its index to *out. */
static bool type_push(struct wat *p, struct wat_functype *t, uint32_t *out)
{
	if (p->ntypes == p->types_cap) {
		uint32_t cap = p->types_cap ? p->types_cap * 2 : 16;
		struct wat_functype *v = realloc(p->types, cap * sizeof(*v));
		if (!v) {
			free(t->v);
			free(t->fields.name);
			return nomem(p);
		}
		p->types = v;
		p->types_cap = cap;
	}
	*out = p->ntypes;
	p->types[p->ntypes++] = *t;
	return true;
}

static uint32_t type_append(struct wat *p, const uint32_t *v, uint32_t np, uint32_t nr)
{
	struct wat_functype t = {.nparams = np, .nresults = nr, .final = true, .rec_len = 1};
	uint32_t idx = 0;

	t.v = malloc(((size_t)np + nr + 1) * sizeof(*t.v));
	if (!t.v) {
		nomem(p);
		return 0;
	}
	if (np + nr)
		memcpy(t.v, v, ((size_t)np + nr) * sizeof(*t.v));
	if (type_push(p, &t, &idx))
		wat_rec_add(p, idx, 1, false);
	return idx;
}

/* A type use's inline type is the first type that is this function type
 * alone in its recursion group, final and without supertypes (the spec's
 * abbreviation), else a new one. */
uint32_t wat_type_intern(struct wat *p, const uint32_t *v, uint32_t np, uint32_t nr)
{
	for (uint32_t i = 0; i < p->ntypes; i++) {
		const struct wat_functype *f = &p->types[i];
		if (f->kind == WASM_COMP_FUNC && f->rec_len == 1 && f->final && !f->nsupers &&
		    f->nparams == np && f->nresults == nr &&
		    (np + nr == 0 || memcmp(f->v, v, ((size_t)np + nr) * sizeof(*v)) == 0))
			return i;
	}
	return type_append(p, v, np, nr);
}

/* ---- reading ---- */

/* A storage type: a value type, i8 or i16. */
static bool storagetype(struct wat *p, uint32_t *out)
{
	if (wat_is_kw(p, wat_peek(p), "i8") || wat_is_kw(p, wat_peek(p), "i16")) {
		*out = wat_is_kw(p, wat_peek(p), "i8") ? WASM_PACKED_I8 : WASM_PACKED_I16;
		p->pos++;
		return true;
	}
	return wat_valtype(p, out);
}

/* A field type, `(mut st)` or `st`: its storage type to vals, its
 * mutability to muts. */
static bool fieldtype(struct wat *p, struct wat_buf *vals, struct wat_buf *muts)
{
	uint32_t st, mut = wat_open(p, "mut");

	if (!storagetype(p, &st) || (mut && !wat_expect_rpar(p)))
		return false;
	wat_buf_bytes(vals, &st, sizeof(st));
	wat_buf_bytes(muts, &mut, sizeof(mut));
	return true;
}

/* (field $id ft) | (field ft*), after `struct`. */
static bool struct_fields(struct wat *p, struct wat_functype *t, struct wat_buf *vals,
			  struct wat_buf *muts)
{
	while (wat_open(p, "field")) {
		if (wat_peek(p)->kind == WAT_TOK_ID) {
			uint32_t id = (uint32_t)p->pos++, dup;
			if (wat_space_find(p, &t->fields, &p->t[id], &dup))
				return wat_fail(p, &p->t[id], "duplicate field %.*s",
						(int)p->t[id].len, p->src + p->t[id].off);
			if (!fieldtype(p, vals, muts) || !wat_space_add(p, &t->fields, id))
				return false;
			t->nfields++;
		} else {
			while (wat_peek(p)->kind != WAT_TOK_RPAR) {
				if (!fieldtype(p, vals, muts) || !wat_space_add(p, &t->fields, 0))
					return false;
				t->nfields++;
			}
		}
		if (!wat_expect_rpar(p))
			return false;
	}
	return true;
}

/* A composite type: (func ...), (struct ...) or (array ...). */
static bool comptype(struct wat *p, struct wat_functype *t, struct wat_buf *vals,
		     struct wat_buf *muts)
{
	if (wat_open(p, "func")) {
		t->kind = WASM_COMP_FUNC;
		if (!wat_params_results(p, vals, &t->nparams, &t->nresults, NULL, true))
			return false;
	} else if (wat_open(p, "struct")) {
		t->kind = WASM_COMP_STRUCT;
		if (!struct_fields(p, t, vals, muts))
			return false;
	} else if (wat_open(p, "array")) {
		t->kind = WASM_COMP_ARRAY;
		t->nfields = 1;
		if (!fieldtype(p, vals, muts))
			return false;
	} else {
		return wat_unexpected(p, "(func ...), (struct ...) or (array ...)");
	}
	return wat_expect_rpar(p);
}

/* The rest of `(type $id? ...)` after the id: the definition and `)`. */
static bool typedef_rest(struct wat *p, bool in_rec)
{
	struct wat_functype t = {.final = true};
	struct wat_buf vals = {0}, muts = {0}, supers = {0};
	bool ok;
	uint32_t idx;

	if (wat_open(p, "sub")) {
		t.sub = true;
		t.final = wat_is_kw(p, wat_peek(p), "final");
		p->pos += t.final;
		ok = true;
		while (ok && wat_at_index(p)) {
			uint32_t x;
			ok = wat_index(p, WAT_TYPES, &x);
			wat_buf_bytes(&supers, &x, sizeof(x));
			t.nsupers++;
		}
		ok = ok && comptype(p, &t, &vals, &muts) && wat_expect_rpar(p);
	} else {
		ok = comptype(p, &t, &vals, &muts);
	}
	ok = ok && wat_expect_rpar(p);
	if (ok && (vals.oom || muts.oom || supers.oom))
		ok = nomem(p);
	if (ok) {
		size_t nv = t.kind == WASM_COMP_FUNC ? (size_t)t.nparams + t.nresults
						     : (size_t)t.nfields * 2;
		t.v = malloc((nv + t.nsupers + 1) * sizeof(*t.v));
		if (!t.v) {
			ok = nomem(p);
		} else {
			/* the muts follow the storage types (none for a function) */
			if (vals.n)
				memcpy(t.v, vals.p, vals.n);
			if (muts.n)
				memcpy((uint8_t *)t.v + vals.n, muts.p, muts.n);
			if (supers.n)
				memcpy(t.v + nv, supers.p, supers.n);
			t.rec_len = 1;
			ok = type_push(p, &t, &idx) && (in_rec || wat_rec_add(p, idx, 1, false));
		}
	}
	if (!ok)
		free(t.fields.name);
	wat_buf_free(&vals);
	wat_buf_free(&muts);
	wat_buf_free(&supers);
	return ok;
}

bool wat_types_read(struct wat *p)
{
	const size_t *at = (const size_t *)(void *)p->typedefs.p;

	if (p->typedefs.oom)
		return nomem(p);
	for (size_t i = 0; i < p->typedefs.n / sizeof(*at); i++) {
		p->pos = at[i];
		if (wat_open(p, "type")) {
			wat_opt_id(p);
			if (!typedef_rest(p, false))
				return false;
			continue;
		}
		uint32_t start = p->ntypes;
		p->pos += 2; /* (rec */
		while (wat_open(p, "type")) {
			wat_opt_id(p);
			if (!typedef_rest(p, true))
				return false;
		}
		if (!wat_expect_rpar(p))
			return false;
		for (uint32_t k = start; k < p->ntypes; k++)
			p->types[k].rec_len = p->ntypes - start;
		if (!wat_rec_add(p, start, p->ntypes - start, true))
			return false;
	}
	return true;
}

/* ---- writing ---- */

static void put_storage(struct wat_buf *b, uint32_t st)
{
	if (st == WASM_PACKED_I8 || st == WASM_PACKED_I16)
		wat_buf_byte(b, (uint8_t)st);
	else
		wat_buf_valtype(b, st);
}

static void put_subtype(struct wat_buf *b, const struct wat_functype *t)
{
	if (t->sub) {
		size_t nv = t->kind == WASM_COMP_FUNC ? (size_t)t->nparams + t->nresults
						      : (size_t)t->nfields * 2;
		wat_buf_byte(b, t->final ? 0x4f : 0x50);
		wat_buf_u32(b, t->nsupers);
		for (uint32_t i = 0; i < t->nsupers; i++)
			wat_buf_u32(b, t->v[nv + i]);
	}
	if (t->kind == WASM_COMP_FUNC) {
		wat_buf_byte(b, 0x60);
		wat_buf_u32(b, t->nparams);
		for (uint32_t k = 0; k < t->nparams; k++)
			wat_buf_valtype(b, t->v[k]);
		wat_buf_u32(b, t->nresults);
		for (uint32_t k = 0; k < t->nresults; k++)
			wat_buf_valtype(b, t->v[t->nparams + k]);
		return;
	}
	wat_buf_byte(b, t->kind == WASM_COMP_STRUCT ? 0x5f : 0x5e);
	if (t->kind == WASM_COMP_STRUCT)
		wat_buf_u32(b, t->nfields);
	for (uint32_t k = 0; k < t->nfields; k++) {
		put_storage(b, t->v[k]);
		wat_buf_byte(b, (uint8_t)t->v[t->nfields + k]);
	}
}

void wat_types_encode(struct wat *p)
{
	struct wat_buf *b = &p->sec[WAT_SEC_TYPE];

	for (uint32_t r = 0; r < p->nrecs; r++) {
		const struct wat_rec *g = &p->recs[r];
		if (g->rec) {
			wat_buf_byte(b, 0x4e);
			wat_buf_u32(b, g->n);
		}
		for (uint32_t i = 0; i < g->n; i++)
			put_subtype(b, &p->types[g->start + i]);
	}
	p->count[WAT_SEC_TYPE] = p->nrecs;
}

bool wat_field_index(struct wat *p, uint32_t type, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);

	if (t->kind != WAT_TOK_ID)
		return wat_u32(p, out);
	if (type >= p->ntypes || !wat_space_find(p, &p->types[type].fields, t, out))
		return wat_fail(p, t, "unknown field %.*s", (int)t->len, p->src + t->off);
	p->pos++;
	return true;
}

void wat_types_free(struct wat *p)
{
	for (uint32_t i = 0; i < p->ntypes; i++) {
		free(p->types[i].v);
		free(p->types[i].fields.name);
	}
	free(p->types);
	free(p->recs);
	wat_buf_free(&p->typedefs);
}
