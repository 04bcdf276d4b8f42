/*
 * module.c - the module's arena, lifetime, lookups and error formatting.
 *
 * The arena is a singly linked list of chunks; an allocation is carved from
 * the head chunk or, if it does not fit, from a new chunk at least as large
 * as the request. Invariant: every pointer a module holds (except `bytes`,
 * which is malloc'ed separately, and the module struct itself) points into
 * one of its chunks, so freeing the chunks frees everything.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/module_internal.h"
#include "wasm/opcodes.h"
#include "wasm/reader.h"

#define ARENA_CHUNK_MIN 4096u
#define ARENA_ALIGN	16u

struct wasm_arena_chunk {
	struct wasm_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *wasm_arena_alloc(struct wasm_module *m, size_t size)
{
	struct wasm_arena_chunk *c = m->arena;
	size_t need = ALIGN_UP(size ? size : 1, (size_t)ARENA_ALIGN);
	void *p;

	if (need < size)
		return NULL;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;

		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		if (m->meta_limit && sizeof(*c) + cap > m->meta_limit - m->meta_bytes) {
			m->meta_refused = true;
			return NULL;
		}
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		m->meta_bytes += sizeof(*c) + cap;
		c->used = 0;
		c->cap = cap;
		/* A big one-off allocation goes behind the head chunk so the
		 * head's free space stays usable. */
		if (m->arena && need > ARENA_CHUNK_MIN) {
			c->next = m->arena->next;
			m->arena->next = c;
		} else {
			c->next = m->arena;
			m->arena = c;
		}
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

void *wasm_arena_array(struct wasm_module *m, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return wasm_arena_alloc(m, n * size);
}

size_t wasm_module_footprint(const struct wasm_module *m)
{
	return sizeof(*m) + (m->owns_bytes ? m->len : 0) + m->meta_bytes;
}

const char *wasm_nomem_text(const struct wasm_module *m)
{
	return m && m->meta_refused ? "module metadata past its limit" : "out of memory";
}

void wasm_module_free(struct wasm_module *m)
{
	struct wasm_arena_chunk *c, *next;

	if (!m)
		return;
	if (m->shared_free)
		m->shared_free(m->shared_code);
	for (c = m->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	if (m->owns_bytes)
		free((void *)m->bytes);
	free(m);
}

void wasm_error_set(struct wasm_error *err, int kind, const char *section, size_t offset,
		    const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->kind = kind;
	err->section = section ? section : "module";
	err->offset = offset > UINT32_MAX ? UINT32_MAX : (uint32_t)offset;
	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

bool wasm_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t b = s[i];
		uint32_t cp;
		size_t len;

		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			len = 2;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			len = 3;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			len = 4;
			cp = b & 0x07;
		} else {
			return false; /* continuation byte, 0xc0/0xc1, or > 0xf4 */
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += len;
	}
	return true;
}

size_t wasm_utf8_put(uint8_t *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Type equivalence. Without GC's recursion groups a type refers only to
 * earlier types and itself, so within a module `canon` decides (set by the
 * decoder bottom-up: a type not canonicalized yet, or a later one, is
 * unequal to any other); across modules the referenced types are compared
 * structurally, a reference back to the pair being compared counting as
 * equal (the spec's iso-recursive rule for a type's self-reference), with a
 * budget of steps and a depth as implementation limits: past them types
 * compare unequal, so no module can make a comparison take long or run the
 * stack out.
 */
#define TYPE_EQ_BUDGET 4096
#define TYPE_EQ_DEPTH  32

struct type_eq {
	uint32_t self_a, self_b; /* the pair being compared (WASM_NONE: none) */
	uint32_t budget, depth;
};

static bool functype_eq(struct type_eq *q, const struct wasm_functype *a,
			const struct wasm_functype *b);

static bool concrete_eq(struct type_eq *q, const struct wasm_module *ma, uint32_t ia,
			const struct wasm_module *mb, uint32_t ib)
{
	struct type_eq inner;

	if (ia == q->self_a && ib == q->self_b)
		return true;
	if (!ma || !mb || ia >= ma->ntypes || ib >= mb->ntypes)
		return false;
	if (ma == mb)
		return ma->types[ia].canon != WASM_NONE &&
		       ma->types[ia].canon == mb->types[ib].canon;
	if (q->budget == 0 || q->depth == TYPE_EQ_DEPTH)
		return false;
	q->budget--;
	inner = (struct type_eq){ia, ib, q->budget, q->depth + 1};
	if (!functype_eq(&inner, &ma->types[ia], &mb->types[ib]))
		return false;
	q->budget = inner.budget;
	return true;
}

static bool valtype_eq(struct type_eq *q, const struct wasm_module *ma, uint32_t a,
		       const struct wasm_module *mb, uint32_t b)
{
	if (wasm_type_code(a) != WASM_HEAP_TYPEIDX || wasm_type_code(b) != WASM_HEAP_TYPEIDX)
		return a == b;
	return (a & WASM_TYPE_NONNULL) == (b & WASM_TYPE_NONNULL) &&
	       concrete_eq(q, ma, wasm_type_idx(a), mb, wasm_type_idx(b));
}

static bool functype_eq(struct type_eq *q, const struct wasm_functype *a,
			const struct wasm_functype *b)
{
	if (a->nparams != b->nparams || a->nresults != b->nresults)
		return false;
	for (uint32_t i = 0; i < a->nparams; i++)
		if (!valtype_eq(q, a->module, a->params[i], b->module, b->params[i]))
			return false;
	for (uint32_t i = 0; i < a->nresults; i++)
		if (!valtype_eq(q, a->module, a->results[i], b->module, b->results[i]))
			return false;
	return true;
}

bool wasm_functype_equal(const struct wasm_functype *a, const struct wasm_functype *b)
{
	struct type_eq q = {WASM_NONE, WASM_NONE, TYPE_EQ_BUDGET, 0};

	if (a == b)
		return true;
	if (a->module && a->module == b->module && a->canon != WASM_NONE && a->canon == b->canon)
		return true;
	return functype_eq(&q, a, b);
}

bool wasm_functype_equal_self(const struct wasm_functype *a, uint32_t ia,
			      const struct wasm_functype *b, uint32_t ib)
{
	struct type_eq q = {ia, ib, TYPE_EQ_BUDGET, 0};

	return functype_eq(&q, a, b);
}

/* Whether abstract or concrete heap type ha (of ma) is below hb (of mb). */
static bool heap_match(const struct wasm_module *ma, uint32_t ha, const struct wasm_module *mb,
		       uint32_t hb)
{
	struct type_eq q = {WASM_NONE, WASM_NONE, TYPE_EQ_BUDGET, 0};
	uint32_t ca = wasm_type_code(ha);

	switch (wasm_type_code(hb)) {
	case WASM_HEAP_FUNC:
		return ca == WASM_HEAP_FUNC || ca == WASM_HEAP_TYPEIDX || ca == WASM_HEAP_NOFUNC;
	case WASM_HEAP_EXTERN:
		return ca == WASM_HEAP_EXTERN || ca == WASM_HEAP_NOEXTERN;
	case WASM_HEAP_EXN:
		return ca == WASM_HEAP_EXN || ca == WASM_HEAP_NOEXN;
	case WASM_HEAP_TYPEIDX:
		if (ca == WASM_HEAP_NOFUNC)
			return true;
		return ca == WASM_HEAP_TYPEIDX &&
		       concrete_eq(&q, ma, wasm_type_idx(ha), mb, wasm_type_idx(hb));
	default:
		return ha == hb;
	}
}

bool wasm_type_match(const struct wasm_module *ma, uint32_t a, const struct wasm_module *mb,
		     uint32_t b)
{
	if ((a == b && (ma == mb || wasm_type_code(a) != WASM_HEAP_TYPEIDX)) ||
	    a == WASM_TYPE_UNKNOWN)
		return true;
	if (!wasm_type_is_ref(a) || !wasm_type_is_ref(b))
		return false;
	if (wasm_type_nullable(a) && !wasm_type_nullable(b))
		return false;
	return heap_match(ma, wasm_type_heap(a), mb, wasm_type_heap(b));
}

/* The abstract heap types by their one-byte encodings, each with the
 * feature it needs (GC's are not implemented). */
static uint32_t heap_feature(uint8_t b, bool *known)
{
	*known = true;
	switch (b) {
	case WASM_HEAP_FUNC:
	case WASM_HEAP_EXTERN:
		return 0;
	case WASM_HEAP_EXN:
		return WASM_FEAT_EXCEPTIONS;
	case WASM_HEAP_NOFUNC:
	case WASM_HEAP_NOEXTERN:
		return WASM_FEAT_FUNC_REFS;
	case WASM_HEAP_NOEXN:
		return WASM_FEAT_EXCEPTIONS;
	case WASM_HEAP_ANY:
	case WASM_HEAP_EQ:
	case WASM_HEAP_I31:
	case WASM_HEAP_STRUCT:
	case WASM_HEAP_ARRAY:
	case WASM_HEAP_NONE:
		return WASM_FEAT_GC;
	default:
		*known = false;
		return 0;
	}
}

int wasm_read_heaptype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		       uint32_t *feature)
{
	size_t at = r->pos;
	int64_t v;
	bool known;
	uint32_t need;

	*feature = 0;
	if (!wasm_reader_s33(r, &v))
		return -1;
	if (v >= 0) {
		if (m->features_off & WASM_FEAT_FUNC_REFS) {
			*feature = WASM_FEAT_FUNC_REFS;
			return r->buf[at] ? r->buf[at] : 0x100;
		}
		*out = wasm_heap_idx(v < WASM_MAX_TYPES ? (uint32_t)v : WASM_MAX_TYPES);
		return 0;
	}
	if (v < -64)
		return r->buf[at];
	need = heap_feature((uint8_t)(v + 0x80), &known);
	if (!known)
		return (int)(v + 0x80);
	/* until GC is accepted its heap types are refused as if it were off */
	if ((need & m->features_off) || (need == WASM_FEAT_GC && wasm_gc_off(m))) {
		*feature = need;
		return (int)(v + 0x80);
	}
	*out = (uint32_t)(v + 0x80);
	return 0;
}

int wasm_read_reftype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		      uint32_t *feature)
{
	uint8_t b;
	uint32_t heap;
	int rc;

	*feature = 0;
	if (r->pos >= r->end)
		return wasm_reader_u8(r, &b) ? 0 : -1;
	b = r->buf[r->pos];
	if (b != 0x63 && b != 0x64) {
		rc = wasm_read_heaptype(m, r, &heap, feature);
		if (rc == 0 && wasm_type_code(heap) == WASM_HEAP_TYPEIDX)
			return b; /* a type index is no reference type of its own */
		*out = heap;
		return rc;
	}
	if (m->features_off & WASM_FEAT_FUNC_REFS) {
		*feature = WASM_FEAT_FUNC_REFS;
		return b;
	}
	r->pos++;
	rc = wasm_read_heaptype(m, r, &heap, feature);
	if (rc == 0)
		*out = wasm_type_ref(heap, b == 0x63);
	return rc;
}

int wasm_read_valtype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		      uint32_t *feature)
{
	uint8_t b;

	*feature = 0;
	if (r->pos < r->end) {
		b = r->buf[r->pos];
		if (b >= WASM_TYPE_V128 && b <= WASM_TYPE_I32) {
			r->pos++;
			if (wasm_type_off(m, b)) {
				*feature = WASM_FEAT_SIMD;
				return b;
			}
			*out = b;
			return 0;
		}
	}
	return wasm_read_reftype(m, r, out, feature);
}

const struct wasm_export *wasm_module_find_export(const struct wasm_module *m, const char *name,
						  size_t len, uint8_t kind)
{
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];

		if (e->kind == kind && e->name.len == len && memcmp(e->name.ptr, name, len) == 0)
			return e;
	}
	return NULL;
}

/* The name of a reference type other than the 2.0 ones: by nullability,
 * then heap type. */
static const char *ref_name(uint32_t t)
{
	static const struct {
		uint32_t heap;
		const char *name[2]; /* non-null, nullable */
	} names[] = {
		{WASM_HEAP_FUNC, {"(ref func)", "funcref"}},
		{WASM_HEAP_EXTERN, {"(ref extern)", "externref"}},
		{WASM_HEAP_EXN, {"(ref exn)", "exnref"}},
		{WASM_HEAP_NOFUNC, {"(ref nofunc)", "nullfuncref"}},
		{WASM_HEAP_NOEXTERN, {"(ref noextern)", "nullexternref"}},
		{WASM_HEAP_NOEXN, {"(ref noexn)", "nullexnref"}},
		{WASM_HEAP_ANY, {"(ref any)", "anyref"}},
		{WASM_HEAP_EQ, {"(ref eq)", "eqref"}},
		{WASM_HEAP_I31, {"(ref i31)", "i31ref"}},
		{WASM_HEAP_STRUCT, {"(ref struct)", "structref"}},
		{WASM_HEAP_ARRAY, {"(ref array)", "arrayref"}},
		{WASM_HEAP_NONE, {"(ref none)", "nullref"}},
	};
	bool nullable = wasm_type_nullable(t);

	if (wasm_type_code(t) == WASM_HEAP_TYPEIDX)
		return nullable ? "(ref null $t)" : "(ref $t)";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].heap == wasm_type_heap(t))
			return names[i].name[nullable];
	return "?";
}

const char *wasm_valtype_name(uint32_t t)
{
	switch (t) {
	case WASM_TYPE_I32:
		return "i32";
	case WASM_TYPE_I64:
		return "i64";
	case WASM_TYPE_F32:
		return "f32";
	case WASM_TYPE_F64:
		return "f64";
	case WASM_TYPE_V128:
		return "v128";
	default:
		return wasm_type_is_ref(t) ? ref_name(t) : "?";
	}
}

struct wasm_name wasm_module_func_name(const struct wasm_module *m, uint32_t func)
{
	struct wasm_name none = {NULL, 0};

	if (!m->func_names || func >= m->nfuncs)
		return none;
	return m->func_names[func];
}

static bool check_func(const struct wasm_module *m, const struct wasm_func *f)
{
	if (m->validated && f->type >= m->ntypes)
		return false;
	if (f->import != WASM_NONE)
		return f->import < m->nimports && m->imports[f->import].kind == WASM_EXTERN_FUNC;
	if (!(f->body_start < f->code_start && f->code_start < f->code_end &&
	      f->code_end <= m->len && m->bytes[f->code_end - 1] == WASM_OP_END))
		return false;
	if (!m->validated)
		return true;
	if (f->max_depth < 1 || f->max_depth > f->nblocks + 1)
		return false;
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const struct wasm_block_info *b = &f->blocks[i];

		if (b->start < f->code_start || b->end_pc >= f->code_end - 1 ||
		    b->end_pc <= b->start || b->height > f->max_height ||
		    (b->else_pc && (b->else_pc <= b->start || b->else_pc >= b->end_pc)))
			return false;
		if (i && b->start <= f->blocks[i - 1].start)
			return false;
		/* blocks nest: a later block starting inside this one ends
		 * inside it too */
		for (uint32_t k = i + 1; k < f->nblocks && f->blocks[k].start < b->end_pc; k++)
			if (f->blocks[k].end_pc >= b->end_pc)
				return false;
	}
	return true;
}

bool wasm_module_check(const struct wasm_module *m)
{
	if (m->nfunc_imports > m->nfuncs || m->ntable_imports > m->ntables ||
	    m->nmem_imports > m->nmems || m->nglobal_imports > m->nglobals)
		return false;
	for (uint32_t i = 0; i < m->ntypes; i++)
		if (m->types[i].canon > i ||
		    !wasm_functype_equal(&m->types[i], &m->types[m->types[i].canon]))
			return false;
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (!check_func(m, &m->funcs[i]))
			return false;
	if (!m->validated)
		return true;
	if (m->nmems > 1 || (m->start != WASM_NONE && m->start >= m->nfuncs))
		return false;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		const uint32_t n[5] = {m->nfuncs, m->ntables, m->nmems, m->nglobals, m->ntags};

		if (e->kind > WASM_EXTERN_TAG || e->index >= n[e->kind])
			return false;
	}
	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];

		if (e->mode == WASM_SEG_ACTIVE &&
		    (e->table >= m->ntables ||
		     e->offset.type !=
			     (m->tables[e->table].limits.is64 ? WASM_TYPE_I64 : WASM_TYPE_I32)))
			return false;
		/* each item a reference (its exact type is the validator's) */
		for (uint32_t k = 0; k < e->count; k++)
			if (!wasm_type_is_ref(e->items[k].type))
				return false;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];

		if (d->init < m->bytes || d->init + d->size > m->bytes + m->len)
			return false;
		if (d->mode == WASM_SEG_ACTIVE &&
		    (d->memory >= m->nmems || d->offset.type != WASM_TYPE_I32))
			return false;
	}
	return true;
}

bool wasm_const_expr_next(const struct wasm_module *m, const struct wasm_const_expr *e,
			  uint32_t *pos, uint8_t *op, uint64_t *imm)
{
	struct wasm_reader r;
	int64_t s;
	uint32_t u;
	bool ok;

	wasm_reader_init(&r, m->bytes, (size_t)e->offset + e->u.expr.len);
	r.pos = (size_t)e->offset + *pos;
	if (!wasm_reader_u8(&r, op) || *op == WASM_OP_END)
		return false;
	*imm = 0;
	switch (*op) {
	case WASM_OP_I32_CONST:
	case WASM_OP_I64_CONST:
		ok = wasm_reader_s64(&r, &s);
		*imm = *op == WASM_OP_I32_CONST ? (uint32_t)s : (uint64_t)s;
		break;
	case WASM_OP_F32_CONST:
		ok = wasm_reader_fixed32(&r, &u);
		*imm = u;
		break;
	case WASM_OP_F64_CONST:
		ok = wasm_reader_fixed64(&r, imm);
		break;
	case WASM_OP_REF_NULL: {
		uint32_t heap, feature;

		ok = wasm_read_heaptype(m, &r, &heap, &feature) == 0;
		*imm = heap;
		break;
	}
	case WASM_OP_REF_FUNC:
	case WASM_OP_GLOBAL_GET:
		ok = wasm_reader_u32(&r, &u);
		*imm = u;
		break;
	default: /* i32/i64 add, sub, mul */
		ok = true;
		break;
	}
	*pos = (uint32_t)(r.pos - e->offset);
	return ok;
}
