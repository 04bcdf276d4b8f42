/*
 * decode_sections.c - the function, table, memory, global, export, start,
 * element, data count, code and data sections.
 *
 * Definitions are appended to the index spaces that imports began. Function
 * bodies are delimited and their locals decoded; their instructions are
 * decoded by the validator.
 */
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode_internal.h"

/* Grows an index-space array by n definitions (n bounded by the input). */
static int dec_grow(struct dec *d, void **arr, uint32_t have, uint32_t n, size_t size)
{
	void *p = wasm_arena_array(d->m, (size_t)have + n, size);

	if (!p)
		return wasm_dec_nomem(d);
	if (have)
		memcpy(p, *arr, (size_t)have * size);
	*arr = p;
	return 0;
}

int wasm_dec_functions(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if ((rc = dec_grow(d, (void **)&m->funcs, m->nfuncs, n, sizeof(*m->funcs))))
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_func *f = &m->funcs[m->nfuncs + i];

		if (!wasm_reader_u32(&d->r, &f->type))
			return wasm_dec_reader_fail(d);
		f->import = WASM_NONE;
	}
	m->nfuncs += n;
	d->nfunc_decls = n;
	return 0;
}

int wasm_dec_tables(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if ((rc = dec_grow(d, (void **)&m->tables, m->ntables, n, sizeof(*m->tables))))
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_table *t = &m->tables[m->ntables + i];
		size_t at = d->r.pos;

		/* 0x40 0x00: a table with an initial value (typed function
		 * references), its expression after the table type */
		if (at < d->r.end && d->r.buf[at] == 0x40 &&
		    (m->features_off & WASM_FEAT_FUNC_REFS))
			return DEC_FAIL(d, ERR_MALFORMED, at,
					"malformed reference type 0x40 (feature %s off)",
					wasm_feature_name(WASM_FEAT_FUNC_REFS));
		if (at < d->r.end && d->r.buf[at] == 0x40) {
			uint8_t zero;

			d->r.pos++;
			if (!wasm_reader_u8(&d->r, &zero))
				return wasm_dec_reader_fail(d);
			if (zero != 0)
				return DEC_FAIL(d, ERR_MALFORMED, at + 1, "malformed table type");
			t->has_init = true;
		}
		if ((rc = wasm_dec_reftype(d, &t->elem_type)) ||
		    (rc = wasm_dec_limits(d, &t->limits)))
			return rc;
		if (t->has_init && (rc = wasm_dec_const_expr(d, &t->init)))
			return rc;
		t->import = WASM_NONE;
	}
	m->ntables += n;
	return 0;
}

int wasm_dec_memories(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if ((rc = dec_grow(d, (void **)&m->mems, m->nmems, n, sizeof(*m->mems))))
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_memtype *mem = &m->mems[m->nmems + i];

		if ((rc = wasm_dec_limits(d, &mem->limits)))
			return rc;
		mem->import = WASM_NONE;
	}
	m->nmems += n;
	return 0;
}

int wasm_dec_globals(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if ((rc = dec_grow(d, (void **)&m->globals, m->nglobals, n, sizeof(*m->globals))))
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_global *g = &m->globals[m->nglobals + i];

		if ((rc = wasm_dec_globaltype(d, g)) || (rc = wasm_dec_const_expr(d, &g->init)))
			return rc;
		g->import = WASM_NONE;
	}
	m->nglobals += n;
	return 0;
}

int wasm_dec_exports(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	m->exports = wasm_arena_array(m, n, sizeof(*m->exports));
	if (!m->exports)
		return wasm_dec_nomem(d);
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_export *e = &m->exports[i];
		size_t at;

		if ((rc = wasm_dec_name(d, &e->name)))
			return rc;
		at = d->r.pos;
		if (!wasm_reader_u8(&d->r, &e->kind))
			return wasm_dec_reader_fail(d);
		if (e->kind > WASM_EXTERN_TAG ||
		    (e->kind == WASM_EXTERN_TAG && (d->m->features_off & WASM_FEAT_EXCEPTIONS)))
			return DEC_FAIL(d, ERR_MALFORMED, at, "malformed export kind %u", e->kind);
		if (!wasm_reader_u32(&d->r, &e->index))
			return wasm_dec_reader_fail(d);
		m->nexports = i + 1;
	}
	return 0;
}

int wasm_dec_start(struct dec *d)
{
	if (!wasm_reader_u32(&d->r, &d->m->start))
		return wasm_dec_reader_fail(d);
	return 0;
}

int wasm_dec_elems(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	m->elems = wasm_arena_array(m, n, sizeof(*m->elems));
	if (!m->elems)
		return wasm_dec_nomem(d);
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_elem *e = &m->elems[i];
		uint32_t flags, count;
		size_t at = d->r.pos;
		bool exprs;

		if (!wasm_reader_u32(&d->r, &flags))
			return wasm_dec_reader_fail(d);
		if (flags > 7)
			return DEC_FAIL(d, ERR_MALFORMED, at, "malformed elements segment kind %u",
					flags);
		/* bit 0: passive/declarative; bit 1: explicit table index
		 * (active) or declarative; bit 2: expressions, not indices */
		exprs = flags & 4;
		/* function indices: (ref func) with typed references (3.0) */
		e->type = exprs || (m->features_off & WASM_FEAT_FUNC_REFS)
				  ? WASM_TYPE_FUNCREF
				  : wasm_type_ref(WASM_HEAP_FUNC, false);
		if (flags & 1)
			e->mode = (flags & 2) ? WASM_SEG_DECLARATIVE : WASM_SEG_PASSIVE;
		else
			e->mode = WASM_SEG_ACTIVE;
		if (e->mode == WASM_SEG_ACTIVE) {
			if ((flags & 2) && !wasm_reader_u32(&d->r, &e->table))
				return wasm_dec_reader_fail(d);
			if ((rc = wasm_dec_const_expr(d, &e->offset)))
				return rc;
		}
		if (flags & 3) {
			if (exprs) {
				if ((rc = wasm_dec_reftype(d, &e->type)))
					return rc;
			} else {
				uint8_t kind;

				at = d->r.pos;
				if (!wasm_reader_u8(&d->r, &kind))
					return wasm_dec_reader_fail(d);
				if (kind != 0)
					return DEC_FAIL(d, ERR_MALFORMED, at,
							"malformed element kind %u", kind);
			}
		}
		if ((rc = wasm_dec_count(d, &count)))
			return rc;
		e->items = wasm_arena_array(m, count, sizeof(*e->items));
		if (!e->items)
			return wasm_dec_nomem(d);
		for (uint32_t k = 0; k < count; k++) {
			struct wasm_const_expr *x = &e->items[k];

			if (exprs) {
				if ((rc = wasm_dec_const_expr(d, x)))
					return rc;
				continue;
			}
			x->offset = (uint32_t)d->r.pos;
			if (!wasm_reader_u32(&d->r, &x->u.index))
				return wasm_dec_reader_fail(d);
			x->kind = WASM_CONST_REF_FUNC;
			x->status = WASM_CONST_OK;
			x->type = e->type; /* (ref func), or funcref in 2.0 */
		}
		e->count = count;
		m->nelems = i + 1;
	}
	return 0;
}

int wasm_dec_datacount(struct dec *d)
{
	if (!wasm_reader_u32(&d->r, &d->m->data_count))
		return wasm_dec_reader_fail(d);
	d->m->has_data_count = true;
	return 0;
}

/* One function body: locals are decoded, instructions only delimited. */
static int dec_body(struct dec *d, struct wasm_func *f)
{
	struct wasm_module *m = d->m;
	const struct wasm_reader outer = d->r;
	uint32_t size, ngroups;
	uint64_t total = 0;
	size_t at = d->r.pos, groups_at;
	int rc;

	if (!wasm_reader_u32(&d->r, &size))
		return wasm_dec_reader_fail(d);
	if (size > wasm_reader_left(&d->r))
		return DEC_FAIL(d, ERR_MALFORMED, at,
				"unexpected end of section or function: "
				"body size %u",
				size);
	f->body_start = (uint32_t)d->r.pos;
	d->r.end = d->r.pos + size;
	if ((rc = wasm_dec_count(d, &ngroups)))
		return rc;
	groups_at = d->r.pos;
	for (uint32_t g = 0; g < ngroups; g++) {
		uint32_t cnt, t;

		if (!wasm_reader_u32(&d->r, &cnt))
			return wasm_dec_reader_fail(d);
		total += cnt;
		if (total > WASM_MAX_LOCALS)
			return DEC_FAIL(d, ERR_MALFORMED, at, "too many locals");
		if ((rc = wasm_dec_valtype(d, &t)))
			return rc;
	}
	f->nlocals = (uint32_t)total;
	f->local_types = wasm_arena_array(m, (size_t)total + 1, sizeof(*f->local_types));
	if (!f->local_types)
		return wasm_dec_nomem(d);
	d->r.pos = groups_at;
	for (uint32_t g = 0, k = 0; g < ngroups; g++) {
		uint32_t cnt, t;

		wasm_reader_u32(&d->r, &cnt);
		wasm_dec_valtype(d, &t);
		for (uint32_t j = 0; j < cnt; j++)
			f->local_types[k++] = t;
	}
	f->code_start = (uint32_t)d->r.pos;
	f->code_end = (uint32_t)d->r.end;
	if (f->code_end <= f->code_start || m->bytes[f->code_end - 1] != 0x0b)
		return DEC_FAIL(d, ERR_MALFORMED, f->code_end ? f->code_end - 1 : 0,
				"END opcode expected");
	d->r = outer;
	d->r.pos = f->code_end;
	return 0;
}

int wasm_dec_code(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	size_t at = d->r.pos;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if (n != d->nfunc_decls)
		return DEC_FAIL(d, ERR_MALFORMED, at,
				"function and code section have inconsistent "
				"lengths");
	for (uint32_t i = 0; i < n; i++)
		if ((rc = dec_body(d, &m->funcs[m->nfunc_imports + i])))
			return rc;
	d->seen_code = true;
	return 0;
}

int wasm_dec_datas(struct dec *d)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	size_t at = d->r.pos;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if (m->has_data_count && n != m->data_count)
		return DEC_FAIL(d, ERR_MALFORMED, at,
				"data count and data section have inconsistent "
				"lengths");
	m->datas = wasm_arena_array(m, n, sizeof(*m->datas));
	if (!m->datas)
		return wasm_dec_nomem(d);
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_data *s = &m->datas[i];
		uint32_t flags, size;
		const uint8_t *p;

		at = d->r.pos;
		if (!wasm_reader_u32(&d->r, &flags))
			return wasm_dec_reader_fail(d);
		if (flags > 2)
			return DEC_FAIL(d, ERR_MALFORMED, at, "malformed data segment kind %u",
					flags);
		s->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
		if (flags == 2 && !wasm_reader_u32(&d->r, &s->memory))
			return wasm_dec_reader_fail(d);
		if (flags != 1 && (rc = wasm_dec_const_expr(d, &s->offset)))
			return rc;
		at = d->r.pos;
		if (!wasm_reader_u32(&d->r, &size))
			return wasm_dec_reader_fail(d);
		if (size > wasm_reader_left(&d->r))
			return DEC_FAIL(d, ERR_MALFORMED, at,
					"unexpected end of section or function: "
					"data size %u",
					size);
		wasm_reader_bytes(&d->r, size, &p);
		s->size = size;
		s->init = p;
		m->ndatas = i + 1;
	}
	return 0;
}

int wasm_dec_tagtype(struct dec *d, uint32_t *type, size_t at)
{
	uint8_t attr;

	if (d->m->features_off & WASM_FEAT_EXCEPTIONS)
		return DEC_FAIL(d, ERR_MALFORMED, at, "malformed: tag (feature %s is off)",
				wasm_feature_name(WASM_FEAT_EXCEPTIONS));
	if (!wasm_reader_u8(&d->r, &attr) || !wasm_reader_u32(&d->r, type))
		return wasm_dec_reader_fail(d);
	if (attr != 0)
		return DEC_FAIL(d, ERR_MALFORMED, at, "malformed tag attribute %u", attr);
	d->m->uses_exceptions = true;
	return 0;
}

int wasm_dec_tags(struct dec *d)
{
	struct wasm_module *m = d->m;
	struct wasm_tag *all;
	uint32_t n;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if (n && (d->m->features_off & WASM_FEAT_EXCEPTIONS))
		return DEC_FAIL(d, ERR_MALFORMED, d->r.pos,
				"malformed section id 13 (feature %s is off)",
				wasm_feature_name(WASM_FEAT_EXCEPTIONS));
	if ((uint64_t)m->ntags + n > UINT32_MAX)
		return DEC_FAIL(d, ERR_MALFORMED, d->r.pos, "too many tags");
	all = wasm_arena_array(m, (size_t)m->ntags + n, sizeof(*all));
	if (!all)
		return wasm_dec_nomem(d);
	if (m->ntags)
		memcpy(all, m->tags, m->ntags * sizeof(*all));
	m->tags = all;
	for (uint32_t i = 0; i < n; i++) {
		struct wasm_tag *t = &all[m->ntags];

		if ((rc = wasm_dec_tagtype(d, &t->type, d->r.pos)))
			return rc;
		t->import = WASM_NONE;
		m->ntags++;
	}
	return 0;
}
