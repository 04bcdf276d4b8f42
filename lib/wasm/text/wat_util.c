/*
 * wat_util.c - the encoder's shared pieces (wat_internal.h): the byte
 * buffer, the token cursor and its errors, index spaces and names, value
 * types and type uses.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/module.h"
#include "wasm/text/wat_internal.h"
#include "wasm/text/wat_num.h"

static bool buf_grow(struct wat_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->n + n <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->n + n)
		cap *= 2;
	uint8_t *q = realloc(b->p, cap);
	if (!q) {
		b->oom = true;
		return false;
	}
	b->p = q;
	b->cap = cap;
	return true;
}

void wat_buf_bytes(struct wat_buf *b, const void *p, size_t n)
{
	if (n && buf_grow(b, n)) {
		memcpy(b->p + b->n, p, n);
		b->n += n;
	}
}

void wat_buf_byte(struct wat_buf *b, uint8_t v)
{
	wat_buf_bytes(b, &v, 1);
}

void wat_buf_u32(struct wat_buf *b, uint32_t v)
{
	wat_buf_u64(b, v);
}

void wat_buf_u64(struct wat_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		wat_buf_byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

void wat_buf_s64(struct wat_buf *b, int64_t v)
{
	for (;;) {
		uint8_t c = v & 0x7f;
		v >>= 7; /* arithmetic: clang and gcc keep the sign */
		bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
		wat_buf_byte(b, (uint8_t)(c | (done ? 0 : 0x80)));
		if (done)
			return;
	}
}

void wat_buf_free(struct wat_buf *b)
{
	free(b->p);
	*b = (struct wat_buf){0};
}

bool wat_fail(struct wat *p, const struct wat_tok *at, const char *fmt, ...)
{
	va_list ap;
	char msg[100];

	if (p->failed)
		return false;
	p->failed = true;
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wat_error_at(p->err, p->src, at->off, "%s", msg);
	return false;
}

const char *const wat_extern_words[5] = {"func", "table", "memory", "global", "tag"};

int wat_extern_kind(const struct wat *p, const struct wat_tok *t)
{
	for (int k = 0; k < 5; k++)
		if (wat_is_kw(p, t, wat_extern_words[k]))
			return k;
	return -1;
}

uint32_t wat_opt_id(struct wat *p)
{
	return wat_peek(p)->kind == WAT_TOK_ID ? (uint32_t)p->pos++ : 0;
}

bool wat_is_kw(const struct wat *p, const struct wat_tok *t, const char *word)
{
	return t->kind == WAT_TOK_KEYWORD && wat_tok_is(p->src, t, word);
}

bool wat_open(struct wat *p, const char *word)
{
	if (wat_peek(p)->kind != WAT_TOK_LPAR || !wat_is_kw(p, wat_peek2(p), word))
		return false;
	p->pos += 2;
	return true;
}

static const char *tok_desc(const struct wat_tok *t)
{
	return t->kind == WAT_TOK_LPAR ? "'('" : "')'";
}

bool wat_unexpected(struct wat *p, const char *expected)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind == WAT_TOK_EOF)
		return wat_fail(p, t, "unexpected end of input, expected %s", expected);
	if (t->kind < WAT_TOK_KEYWORD)
		return wat_fail(p, t, "unexpected token %s, expected %s", tok_desc(t), expected);
	return wat_fail(p, t, "unexpected token %.*s, expected %s",
			(int)(t->len > 40 ? 40 : t->len), p->src + t->off, expected);
}

bool wat_expect_lpar(struct wat *p)
{
	if (wat_peek(p)->kind != WAT_TOK_LPAR)
		return wat_unexpected(p, "'('");
	p->pos++;
	return true;
}

bool wat_expect_rpar(struct wat *p)
{
	if (wat_peek(p)->kind != WAT_TOK_RPAR)
		return wat_unexpected(p, "')'");
	p->pos++;
	return true;
}

bool wat_expect_kw(struct wat *p, const char *word)
{
	if (!wat_is_kw(p, wat_peek(p), word))
		return wat_unexpected(p, word);
	p->pos++;
	return true;
}

void wat_skip_to_close(struct wat *p)
{
	size_t depth = 0;
	for (;;) {
		uint8_t k = wat_peek(p)->kind;
		if (k == WAT_TOK_EOF)
			return;
		p->pos++;
		if (k == WAT_TOK_LPAR)
			depth++;
		else if (k == WAT_TOK_RPAR && depth-- == 0)
			return;
	}
}

bool wat_u32(struct wat *p, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	uint64_t v;

	if (t->kind != WAT_TOK_ATOM)
		return wat_unexpected(p, "a number");
	int rc = wat_parse_uint(p->src + t->off, t->len, 32, &v);
	if (rc == ERR_RANGE)
		return wat_fail(p, t, "i32 constant out of range");
	if (rc)
		return wat_fail(p, t, "unknown operator: malformed number %.*s",
				(int)(t->len > 40 ? 40 : t->len), p->src + t->off);
	p->pos++;
	*out = (uint32_t)v;
	return true;
}

static bool is_ref_abbrev(const struct wat *p, const struct wat_tok *t);

/* The abstract heap types' names, and the reference types that abbreviate
 * (ref null HT) of them. */
static const struct {
	const char *heap, *abbrev;
	uint32_t code;
} heap_names[] = {
	{"func", "funcref", WASM_HEAP_FUNC},
	{"extern", "externref", WASM_HEAP_EXTERN},
	{"exn", "exnref", WASM_HEAP_EXN},
	{"nofunc", "nullfuncref", WASM_HEAP_NOFUNC},
	{"noextern", "nullexternref", WASM_HEAP_NOEXTERN},
	{"noexn", "nullexnref", WASM_HEAP_NOEXN},
	{"any", "anyref", WASM_HEAP_ANY},
	{"eq", "eqref", WASM_HEAP_EQ},
	{"i31", "i31ref", WASM_HEAP_I31},
	{"struct", "structref", WASM_HEAP_STRUCT},
	{"array", "arrayref", WASM_HEAP_ARRAY},
	{"none", "nullref", WASM_HEAP_NONE},
};

static bool is_ref_abbrev(const struct wat *p, const struct wat_tok *t)
{
	for (size_t i = 0; i < sizeof(heap_names) / sizeof(heap_names[0]); i++)
		if (wat_is_kw(p, t, heap_names[i].abbrev))
			return true;
	return false;
}

bool wat_heaptype(struct wat *p, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	uint32_t x;

	for (size_t i = 0; i < sizeof(heap_names) / sizeof(heap_names[0]); i++) {
		if (wat_is_kw(p, t, heap_names[i].heap)) {
			*out = heap_names[i].code;
			p->pos++;
			return true;
		}
	}
	if (!wat_at_index(p))
		return wat_unexpected(p, "a heap type");
	if (!wat_index(p, WAT_TYPES, &x))
		return false;
	*out = wasm_heap_idx(x < WASM_MAX_TYPES ? x : WASM_MAX_TYPES);
	return true;
}

bool wat_reftype(struct wat *p, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	bool nullable = false;
	uint32_t heap;

	for (size_t i = 0; i < sizeof(heap_names) / sizeof(heap_names[0]); i++) {
		if (wat_is_kw(p, t, heap_names[i].abbrev)) {
			*out = heap_names[i].code;
			p->pos++;
			return true;
		}
	}
	if (!wat_open(p, "ref"))
		return wat_unexpected(p, "a reference type");
	if (wat_is_kw(p, wat_peek(p), "null")) {
		nullable = true;
		p->pos++;
	}
	if (!wat_heaptype(p, &heap) || !wat_expect_rpar(p))
		return false;
	*out = wasm_type_ref(heap, nullable);
	return true;
}

bool wat_valtype(struct wat *p, uint32_t *out)
{
	static const struct {
		const char *name;
		uint8_t type;
	} names[] = {{"i32", WASM_TYPE_I32},
		     {"i64", WASM_TYPE_I64},
		     {"f32", WASM_TYPE_F32},
		     {"f64", WASM_TYPE_F64},
		     {"v128", WASM_TYPE_V128}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (wat_is_kw(p, wat_peek(p), names[i].name)) {
			*out = names[i].type;
			p->pos++;
			return true;
		}
	}
	if (is_ref_abbrev(p, wat_peek(p)) ||
	    (wat_peek(p)->kind == WAT_TOK_LPAR && wat_is_kw(p, wat_peek2(p), "ref")))
		return wat_reftype(p, out);
	return wat_unexpected(p, "a value type");
}

void wat_buf_heaptype(struct wat_buf *b, uint32_t heap)
{
	if (wasm_type_code(heap) == WASM_HEAP_TYPEIDX)
		wat_buf_s64(b, wasm_type_idx(heap));
	else
		wat_buf_byte(b, (uint8_t)wasm_type_code(heap));
}

void wat_buf_valtype(struct wat_buf *b, uint32_t t)
{
	/* a 2.0 type, or (ref null HT) of an abstract HT: its one byte */
	if (!wasm_type_is_ref(t) ||
	    (wasm_type_nullable(t) && wasm_type_code(t) != WASM_HEAP_TYPEIDX)) {
		wat_buf_byte(b, (uint8_t)t);
		return;
	}
	wat_buf_byte(b, wasm_type_nullable(t) ? 0x63 : 0x64);
	wat_buf_heaptype(b, wasm_type_heap(t));
}

static bool same_id(const struct wat *p, uint32_t a, const struct wat_tok *b)
{
	return wat_id_eq(p->src, &p->t[a], b);
}

bool wat_space_find(const struct wat *p, const struct wat_space *s, const struct wat_tok *id,
		    uint32_t *out)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->name[i] && same_id(p, s->name[i], id)) {
			*out = i;
			return true;
		}
	}
	return false;
}

bool wat_space_add(struct wat *p, struct wat_space *s, uint32_t name_tok)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 16;
		uint32_t *v = realloc(s->name, cap * sizeof(*v));
		if (!v) {
			p->nomem = true;
			return wat_fail(p, wat_peek(p), "out of memory");
		}
		s->name = v;
		s->cap = cap;
	}
	s->name[s->n++] = name_tok;
	return true;
}

bool wat_at_index(const struct wat *p)
{
	const struct wat_tok *t = wat_peek(p);
	return t->kind == WAT_TOK_ID ||
	       (t->kind == WAT_TOK_ATOM && p->src[t->off] >= '0' && p->src[t->off] <= '9');
}

static const char *const space_names[WAT_NSPACES] = {
	"function", "table", "memory", "global", "tag", "type", "elem segment", "data segment",
};

bool wat_index(struct wat *p, enum wat_space_kind k, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind == WAT_TOK_ID) {
		if (!wat_space_find(p, &p->space[k], t, out))
			return wat_fail(p, t, "unknown %s %.*s", space_names[k], (int)t->len,
					p->src + t->off);
		p->pos++;
		return true;
	}
	return wat_u32(p, out);
}

/* Params and results: (param $id t) | (param t*), then (result t*). The
 * value types go to *buf; with `locals`, the params' names go there. */
bool wat_params_results(struct wat *p, struct wat_buf *buf, uint32_t *np, uint32_t *nr,
			struct wat_space *locals, bool names)
{
	*np = *nr = 0;
	while (wat_open(p, "param")) {
		uint32_t vt;
		if (wat_peek(p)->kind == WAT_TOK_ID) {
			uint32_t id = (uint32_t)p->pos++, dup;
			if (!names)
				return wat_fail(p, &p->t[id],
						"unexpected token (a named parameter)");
			if (locals && wat_space_find(p, locals, &p->t[id], &dup))
				return wat_fail(p, &p->t[id], "duplicate local %.*s",
						(int)p->t[id].len, p->src + p->t[id].off);
			if (!wat_valtype(p, &vt))
				return false;
			if (locals && !wat_space_add(p, locals, id))
				return false;
			wat_buf_bytes(buf, &vt, sizeof(vt));
			++*np;
		} else {
			while (wat_peek(p)->kind != WAT_TOK_RPAR) {
				if (!wat_valtype(p, &vt))
					return false;
				if (locals && !wat_space_add(p, locals, 0))
					return false;
				wat_buf_bytes(buf, &vt, sizeof(vt));
				++*np;
			}
		}
		if (!wat_expect_rpar(p))
			return false;
	}
	while (wat_open(p, "result")) {
		while (wat_peek(p)->kind != WAT_TOK_RPAR) {
			uint32_t vt;
			if (!wat_valtype(p, &vt))
				return false;
			wat_buf_bytes(buf, &vt, sizeof(vt));
			++*nr;
		}
		if (!wat_expect_rpar(p))
			return false;
	}
	if (wat_is_kw(p, wat_peek2(p), "param") && wat_peek(p)->kind == WAT_TOK_LPAR)
		return wat_fail(p, wat_peek2(p), "unexpected token param after result");
	return true;
}

bool wat_typeuse(struct wat *p, struct wat_space *locals, bool names, uint32_t *out,
		 struct wat_functype *ft_out)
{
	struct wat_buf buf = {0};
	uint32_t idx = 0, np, nr;
	bool has_type = false, ok = false;
	const struct wat_tok *at = wat_peek(p);

	if (wat_open(p, "type")) {
		at = wat_peek(p);
		if (!wat_index(p, WAT_TYPES, &idx) || !wat_expect_rpar(p))
			return false;
		has_type = true;
	}
	const struct wat_tok *inline_at = wat_peek(p);
	if (!wat_params_results(p, &buf, &np, &nr, locals, names))
		goto out;
	if (buf.oom) {
		p->nomem = true;
		wat_fail(p, at, "out of memory");
		goto out;
	}
	if (has_type && idx >= p->ntypes) {
		/* unknown to the validator (which says so) unless it must be read */
		if (np || nr) {
			wat_fail(p, at, "unknown type %u", idx);
			goto out;
		}
	} else if (has_type) {
		const struct wat_functype *f = &p->types[idx];
		if ((np || nr) &&
		    (f->kind != WASM_COMP_FUNC || f->nparams != np || f->nresults != nr ||
		     memcmp(f->v, buf.p, ((size_t)np + nr) * sizeof(*f->v)) != 0)) {
			wat_fail(p, inline_at, "inline function type does not match its type use");
			goto out;
		}
		/* (type x) alone: the params are unnamed locals. */
		if (locals && !np)
			for (uint32_t i = 0; i < f->nparams; i++)
				if (!wat_space_add(p, locals, 0))
					goto out;
	} else {
		idx = wat_type_intern(p, (const uint32_t *)(void *)buf.p, np, nr);
		if (p->failed)
			goto out;
	}
	*out = idx;
	if (ft_out && idx < p->ntypes)
		*ft_out = p->types[idx];
	ok = true;
out:
	wat_buf_free(&buf);
	return ok;
}
