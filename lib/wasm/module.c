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
 * Type equivalence (iso-recursive, 3.0). A type is equivalent to another
 * iff they sit at the same position of recursion groups of the same length
 * whose types have pairwise the same shape: kind, finality, supertype,
 * params/results/fields, a reference into the group compared by its
 * position there, one outside it (always to an earlier group) as a pair of
 * types compared the same way. Within a module `canon` decides (set by the
 * decoder group by group, decode_types.c; a reference to a later group,
 * invalid, compares by index); across modules the outside references
 * recurse, with a budget (value types compared in the groups recursed
 * into) and a depth as implementation limits: past them types compare
 * unequal, so no module can make a comparison take long or run the stack
 * out.
 */
#define TYPE_EQ_BUDGET (1u << 20)
#define TYPE_EQ_DEPTH  32

struct type_eq {
	uint32_t budget, depth;
};

/* The two groups being compared: a's types from sa, b's from sb, len each. */
struct type_group {
	const struct wasm_module *ma, *mb;
	uint32_t sa, sb, len;
};

static bool group_eq(struct type_eq *q, const struct type_group *g);

static bool concrete_eq(struct type_eq *q, const struct wasm_module *ma, uint32_t ia,
			const struct wasm_module *mb, uint32_t ib)
{
	const struct wasm_functype *a, *b;
	struct type_group g;

	if (!ma || !mb || ia >= ma->ntypes || ib >= mb->ntypes)
		return false;
	a = &ma->types[ia];
	b = &mb->types[ib];
	if (ma == mb)
		return a->canon != WASM_NONE && b->canon != WASM_NONE ? a->canon == b->canon
								      : ia == ib;
	if (a->rec_len != b->rec_len || ia - a->rec_start != ib - b->rec_start)
		return false;
	if (q->depth == TYPE_EQ_DEPTH)
		return false;
	q->depth++;
	g = (struct type_group){ma, mb, a->rec_start, b->rec_start, a->rec_len};
	bool eq = group_eq(q, &g);
	q->depth--;
	return eq;
}

/* Type indices ia (of a's module) and ib (of b's) inside the groups g. */
static bool index_eq(struct type_eq *q, const struct type_group *g, uint32_t ia, uint32_t ib)
{
	bool in_a = ia - g->sa < g->len, in_b = ib - g->sb < g->len;

	if (in_a || in_b)
		return in_a && in_b && ia - g->sa == ib - g->sb;
	return concrete_eq(q, g->ma, ia, g->mb, ib);
}

static bool valtype_eq(struct type_eq *q, const struct type_group *g, uint32_t a, uint32_t b)
{
	if (wasm_type_code(a) != WASM_HEAP_TYPEIDX || wasm_type_code(b) != WASM_HEAP_TYPEIDX)
		return a == b;
	return (a & WASM_TYPE_NONNULL) == (b & WASM_TYPE_NONNULL) &&
	       index_eq(q, g, wasm_type_idx(a), wasm_type_idx(b));
}

static bool types_eq(struct type_eq *q, const struct type_group *g, const uint32_t *a,
		     const uint32_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!valtype_eq(q, g, a[i], b[i]))
			return false;
	return true;
}

static bool comptype_eq(struct type_eq *q, const struct type_group *g,
			const struct wasm_functype *a, const struct wasm_functype *b)
{
	uint64_t cost = 1 + (uint64_t)a->nparams + a->nresults + a->nfields;

	/* the groups recursed into are charged (the first one is linear) */
	if (q->depth > 1) {
		if (q->budget < cost)
			return false;
		q->budget -= (uint32_t)cost;
	}
	if (a->kind != b->kind || a->final != b->final || a->has_super != b->has_super ||
	    a->nparams != b->nparams || a->nresults != b->nresults || a->nfields != b->nfields)
		return false;
	if (a->has_super && !index_eq(q, g, a->super, b->super))
		return false;
	if (!types_eq(q, g, a->params, b->params, a->nparams) ||
	    !types_eq(q, g, a->results, b->results, a->nresults))
		return false;
	for (uint32_t i = 0; i < a->nfields; i++)
		if (a->fields[i].mut != b->fields[i].mut ||
		    !valtype_eq(q, g, a->fields[i].type, b->fields[i].type))
			return false;
	return true;
}

static bool group_eq(struct type_eq *q, const struct type_group *g)
{
	for (uint32_t k = 0; k < g->len; k++)
		if (!comptype_eq(q, g, &g->ma->types[g->sa + k], &g->mb->types[g->sb + k]))
			return false;
	return true;
}

bool wasm_group_equal(const struct wasm_module *ma, uint32_t sa, const struct wasm_module *mb,
		      uint32_t sb)
{
	struct type_eq q = {TYPE_EQ_BUDGET, 0};
	struct type_group g = {ma, mb, sa, sb, ma->types[sa].rec_len};

	return g.len == mb->types[sb].rec_len && group_eq(&q, &g);
}

bool wasm_functype_equal(const struct wasm_functype *a, const struct wasm_functype *b)
{
	struct type_eq q = {TYPE_EQ_BUDGET, 0};

	if (a == b)
		return true;
	if (a->module && a->module == b->module && a->canon != WASM_NONE && a->canon == b->canon)
		return true;
	if (a->module && b->module) {
		uint32_t ia = (uint32_t)(a - a->module->types),
			 ib = (uint32_t)(b - b->module->types);

		return concrete_eq(&q, a->module, ia, b->module, ib);
	}
	/* a host function's type: a final function type of its own group,
	 * without concrete references */
	struct type_group g = {a->module, b->module, WASM_NONE, WASM_NONE, 0};

	return a->kind == WASM_COMP_FUNC && b->kind == WASM_COMP_FUNC && a->rec_len <= 1 &&
	       b->rec_len <= 1 && !a->has_super && !b->has_super && a->nparams == b->nparams &&
	       a->nresults == b->nresults && types_eq(&q, &g, a->params, b->params, a->nparams) &&
	       types_eq(&q, &g, a->results, b->results, a->nresults);
}

/* The abstract heap type above concrete type i of m: func, struct or array
 * by its kind. */
static uint32_t concrete_top(const struct wasm_module *m, uint32_t i)
{
	if (!m || i >= m->ntypes)
		return WASM_HEAP_FUNC;
	return m->types[i].kind == WASM_COMP_STRUCT  ? WASM_HEAP_STRUCT
	       : m->types[i].kind == WASM_COMP_ARRAY ? WASM_HEAP_ARRAY
						     : WASM_HEAP_FUNC;
}

/* Whether concrete type ia of ma is a subtype of ib of mb: ib equivalent
 * to ia or to one of its declared supertypes. Equivalent types have
 * equal depths, so only the supertype at ib's depth can be it: the chain
 * is climbed to there and compared once. */
static bool concrete_sub(const struct wasm_module *ma, uint32_t ia, const struct wasm_module *mb,
			 uint32_t ib)
{
	struct type_eq q = {TYPE_EQ_BUDGET, 0};
	uint32_t db;

	if (!ma || !mb || ia >= ma->ntypes || ib >= mb->ntypes)
		return false;
	db = mb->types[ib].depth;
	for (uint32_t steps = 0; ma->types[ia].depth > db; steps++) {
		const struct wasm_functype *t = &ma->types[ia];

		/* a valid module's chain is strictly decreasing in index */
		if (!t->has_super || t->super >= ia || steps > WASM_MAX_SUBTYPE_DEPTH)
			return false;
		ia = t->super;
	}
	return concrete_eq(&q, ma, ia, mb, ib);
}

/* Where abstract heap type c sits: its hierarchy's top and whether it is
 * the bottom. */
static uint32_t heap_top(uint32_t c)
{
	switch (c) {
	case WASM_HEAP_ANY:
	case WASM_HEAP_EQ:
	case WASM_HEAP_I31:
	case WASM_HEAP_STRUCT:
	case WASM_HEAP_ARRAY:
	case WASM_HEAP_NONE:
		return WASM_HEAP_ANY;
	case WASM_HEAP_FUNC:
	case WASM_HEAP_NOFUNC:
		return WASM_HEAP_FUNC;
	case WASM_HEAP_EXTERN:
	case WASM_HEAP_NOEXTERN:
		return WASM_HEAP_EXTERN;
	case WASM_HEAP_EXN:
	case WASM_HEAP_NOEXN:
		return WASM_HEAP_EXN;
	default:
		return 0;
	}
}

static bool heap_is_bottom(uint32_t c)
{
	return c == WASM_HEAP_NONE || c == WASM_HEAP_NOFUNC || c == WASM_HEAP_NOEXTERN ||
	       c == WASM_HEAP_NOEXN;
}

/* Whether abstract heap type a is below abstract b (the GC hierarchy:
 * any > eq > i31, struct, array > none; func > nofunc; extern >
 * noextern; exn > noexn). */
static bool abstract_sub(uint32_t a, uint32_t b)
{
	if (a == b)
		return true;
	if (heap_top(a) != heap_top(b) || heap_is_bottom(b))
		return false;
	if (heap_is_bottom(a) || b == heap_top(b))
		return true;
	return b == WASM_HEAP_EQ &&
	       (a == WASM_HEAP_I31 || a == WASM_HEAP_STRUCT || a == WASM_HEAP_ARRAY);
}

bool wasm_deftype_sub(const struct wasm_functype *a, const struct wasm_functype *b)
{
	if (a == b)
		return true;
	if (!a->module || !b->module)
		return wasm_functype_equal(a, b);
	return concrete_sub(a->module, (uint32_t)(a - a->module->types), b->module,
			    (uint32_t)(b - b->module->types));
}

uint32_t wasm_heap_top(const struct wasm_module *m, uint32_t heap)
{
	uint32_t c = wasm_type_code(heap);

	return heap_top(c == WASM_HEAP_TYPEIDX ? concrete_top(m, wasm_type_idx(heap)) : c);
}

/* Whether abstract or concrete heap type ha (of ma) is below hb (of mb). */
static bool heap_match(const struct wasm_module *ma, uint32_t ha, const struct wasm_module *mb,
		       uint32_t hb)
{
	uint32_t ca = wasm_type_code(ha), cb = wasm_type_code(hb);

	if (cb == WASM_HEAP_TYPEIDX) {
		if (ca == WASM_HEAP_TYPEIDX)
			return concrete_sub(ma, wasm_type_idx(ha), mb, wasm_type_idx(hb));
		/* a bottom is below every concrete type of its hierarchy */
		return heap_is_bottom(ca) &&
		       heap_top(ca) == heap_top(concrete_top(mb, wasm_type_idx(hb)));
	}
	if (ca == WASM_HEAP_TYPEIDX)
		ca = concrete_top(ma, wasm_type_idx(ha));
	return abstract_sub(ca, cb);
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

bool wasm_storage_match(const struct wasm_module *ma, uint32_t a, const struct wasm_module *mb,
			uint32_t b)
{
	if (a == WASM_PACKED_I8 || a == WASM_PACKED_I16 || b == WASM_PACKED_I8 ||
	    b == WASM_PACKED_I16)
		return a == b;
	return wasm_type_match(ma, a, mb, b);
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
	default:
		if (heap_top(b) == WASM_HEAP_ANY) /* any, eq, i31, struct, array, none */
			return WASM_FEAT_GC;
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
	for (uint32_t i = 0; i < m->ntypes; i++) {
		const struct wasm_functype *t = &m->types[i];

		/* in its group, at the same position as its canon in that one's */
		if (t->canon > i || t->kind > WASM_COMP_ARRAY || i - t->rec_start >= t->rec_len ||
		    (t->kind == WASM_COMP_ARRAY && t->nfields != 1) ||
		    t->canon - m->types[t->canon].rec_start != i - t->rec_start ||
		    !wasm_functype_equal(t, &m->types[t->canon]))
			return false;
		if (m->validated && t->has_super &&
		    (t->super >= i || t->depth != m->types[t->super].depth + 1 ||
		     m->types[t->super].kind != t->kind))
			return false;
	}
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (!check_func(m, &m->funcs[i]))
			return false;
	if (!m->validated)
		return true;
	if (m->start != WASM_NONE && m->start >= m->nfuncs)
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
	case WASM_OP_PREFIX_FB: {
		uint32_t sub, x = 0, n = 0;

		ok = wasm_reader_u32(&r, &sub);
		if (ok && sub != WASM_OP_REF_I31 && sub != WASM_OP_ANY_CONVERT_EXTERN &&
		    sub != WASM_OP_EXTERN_CONVERT_ANY)
			ok = wasm_reader_u32(&r, &x);
		if (ok && sub == WASM_OP_ARRAY_NEW_FIXED)
			ok = wasm_reader_u32(&r, &n);
		*imm = (uint64_t)(sub & 0xffu) | (uint64_t)(x < 0xffffffu ? x : 0xffffffu) << 8 |
		       (uint64_t)n << 32;
		break;
	}
	default: /* i32/i64 add, sub, mul */
		ok = true;
		break;
	}
	*pos = (uint32_t)(r.pos - e->offset);
	return ok;
}
