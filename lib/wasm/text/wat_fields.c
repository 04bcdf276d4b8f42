/*
 * wat_fields.c - the second pass (wat_internal.h): each module field to
 * its entries in the sections.
 *
 * Abbreviations are expanded where they stand, as the spec defines them:
 * an inline (export ...) is an export field right after its definition, an
 * inline (import ...) an import field in its place, `(table t (elem ...))`
 * a table of exactly that size plus an active element segment at 0, and
 * `(memory (data ...))` a memory of just enough pages plus a data segment.
 * The first pass counts those segments too, so later segments' indices
 * come out right.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/module.h"
#include "wasm/module_internal.h"
#include "wasm/opcodes.h"
#include "wasm/text/wat_internal.h"
#include "wasm/text/wat_num.h"

static bool name_str(struct wat *p, struct wat_buf *b)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind != WAT_TOK_STRING)
		return wat_unexpected(p, "a string");
	uint8_t *s = malloc(t->len);
	if (!s) {
		p->nomem = true;
		return wat_fail(p, t, "out of memory");
	}
	size_t n = wat_str_decode(p->src, t, s);
	bool ok = wasm_utf8_valid(s, n);
	if (ok) {
		wat_buf_u32(b, (uint32_t)n);
		wat_buf_bytes(b, s, n);
		p->pos++;
	}
	free(s);
	return ok || wat_fail(p, t, "malformed UTF-8 encoding");
}

/* Concatenated strings (data): their bytes appended to b. */
static void data_strings(struct wat *p, struct wat_buf *b)
{
	while (wat_peek(p)->kind == WAT_TOK_STRING) {
		const struct wat_tok *t = wat_peek(p);
		size_t at = b->n;
		wat_buf_bytes(b, p->src + t->off, t->len); /* room; decoded in place */
		if (b->oom)
			break;
		b->n = at + wat_str_decode(p->src, t, b->p + at);
		p->pos++;
	}
}

/* Limits with their address type, of a memory or a table: [i32|i64] min
 * max? (memory64 and table64: flags 0x04/0x05; every value u64). */
static bool limits(struct wat *p, struct wat_buf *b, bool *is64)
{
	uint64_t min, max = 0;
	const struct wat_tok *t;
	bool has_max = false;
	int rc;

	*is64 = wat_is_kw(p, wat_peek(p), "i64");
	if (*is64 || wat_is_kw(p, wat_peek(p), "i32"))
		p->pos++;
	for (int i = 0; i < 2; i++) {
		uint64_t *v = i ? &max : &min;

		t = wat_peek(p);
		if (i && t->kind != WAT_TOK_ATOM)
			break;
		if (t->kind != WAT_TOK_ATOM)
			return wat_unexpected(p, "a number");
		/* 64 bits either way: an i32 memory's or table's limit past 32
		 * bits is then refused by the validator, as the binary would be */
		rc = wat_parse_uint(p->src + t->off, t->len, 64, v);
		if (rc)
			return wat_fail(p, t, "i64 constant out of range");
		p->pos++;
		has_max = i;
	}
	wat_buf_byte(b, (uint8_t)((*is64 ? 0x04 : 0) | has_max));
	wat_buf_u64(b, min);
	if (has_max)
		wat_buf_u64(b, max);
	return true;
}

static bool tabletype(struct wat *p, struct wat_buf *b)
{
	struct wat_buf lim = {0};
	uint32_t rt;
	bool ok = limits(p, &lim, &(bool){false}) && wat_reftype(p, &rt);
	if (ok) {
		wat_buf_valtype(b, rt);
		wat_buf_bytes(b, lim.p, lim.n);
	}
	wat_buf_free(&lim);
	return ok;
}

static bool globaltype(struct wat *p, struct wat_buf *b)
{
	uint32_t vt;
	if (wat_open(p, "mut")) {
		if (!wat_valtype(p, &vt) || !wat_expect_rpar(p))
			return false;
		wat_buf_valtype(b, vt);
		wat_buf_byte(b, 1);
		return true;
	}
	if (!wat_valtype(p, &vt))
		return false;
	wat_buf_valtype(b, vt);
	wat_buf_byte(b, 0);
	return true;
}

/* A tag's type: attribute 0 (exception), then its type use. */
static bool tagtype(struct wat *p, struct wat_buf *b)
{
	uint32_t idx;

	if (!wat_typeuse(p, NULL, false, &idx, NULL))
		return false;
	wat_buf_byte(b, 0);
	wat_buf_u32(b, idx);
	return true;
}

/* An import's description after its kind keyword and optional id. */
static bool import_desc(struct wat *p, int k, struct wat_buf *b)
{
	uint32_t idx;
	wat_buf_byte(b, (uint8_t)k);
	switch (k) {
	case 0:
		if (!wat_typeuse(p, NULL, true, &idx, NULL))
			return false;
		wat_buf_u32(b, idx);
		return true;
	case 1:
		return tabletype(p, b);
	case 2:
		return limits(p, b, &(bool){false});
	case 4:
		return tagtype(p, b);
	default:
		return globaltype(p, b);
	}
}

/* Inline (export "name")* of the definition `idx` of kind k. */
static bool inline_exports(struct wat *p, int k, uint32_t idx)
{
	while (wat_open(p, "export")) {
		if (!name_str(p, &p->sec[WAT_SEC_EXPORT]) || !wat_expect_rpar(p))
			return false;
		wat_buf_byte(&p->sec[WAT_SEC_EXPORT], (uint8_t)k);
		wat_buf_u32(&p->sec[WAT_SEC_EXPORT], idx);
		p->count[WAT_SEC_EXPORT]++;
	}
	return true;
}

/* Inline (import "m" "n"): writes the names; false if absent. */
static bool inline_import(struct wat *p, bool *present)
{
	*present = wat_open(p, "import");
	if (!*present)
		return true;
	if (!name_str(p, &p->sec[WAT_SEC_IMPORT]) || !name_str(p, &p->sec[WAT_SEC_IMPORT]) ||
	    !wat_expect_rpar(p))
		return false;
	p->count[WAT_SEC_IMPORT]++;
	return true;
}

void wat_put_sized(struct wat_buf *dst, const struct wat_buf *src)
{
	wat_buf_u32(dst, (uint32_t)src->n);
	wat_buf_bytes(dst, src->p, src->n);
}

/* A run of n locals of type t, as the binary format groups them (wabt:
 * each run of the same type, in order, is one group). */
static void put_run(struct wat_buf *b, uint32_t *nruns, uint32_t n, uint32_t t)
{
	if (n == 0)
		return;
	wat_buf_u32(b, n);
	wat_buf_valtype(b, t);
	++*nruns;
}

/* (local ...)* then the instructions: the code section's entry. */
static bool func_body(struct wat *p)
{
	struct wat_buf locals = {0}, code = {0};
	uint32_t nruns = 0, run = 0;
	uint32_t run_type = 0;
	bool ok = false;

	while (wat_open(p, "local")) {
		uint32_t vt;
		uint32_t id = wat_opt_id(p), dup;
		while (id || wat_peek(p)->kind != WAT_TOK_RPAR) {
			if (id && wat_space_find(p, &p->locals, &p->t[id], &dup)) {
				wat_fail(p, &p->t[id], "duplicate local %.*s", (int)p->t[id].len,
					 p->src + p->t[id].off);
				goto out;
			}
			if (!wat_valtype(p, &vt) || !wat_space_add(p, &p->locals, id))
				goto out;
			if (run && vt == run_type) {
				run++;
			} else {
				put_run(&locals, &nruns, run, run_type);
				run = 1;
				run_type = vt;
			}
			if (id)
				break;
		}
		if (!wat_expect_rpar(p))
			goto out;
	}
	put_run(&locals, &nruns, run, run_type);
	wat_buf_u32(&code, nruns);
	wat_buf_bytes(&code, locals.p, locals.n);
	if (!wat_expr(p, &code))
		goto out;
	wat_put_sized(&p->sec[WAT_SEC_CODE], &code);
	p->count[WAT_SEC_CODE]++;
	ok = true;
out:
	wat_buf_free(&locals);
	wat_buf_free(&code);
	return ok;
}

static bool field_func(struct wat *p, uint32_t idx)
{
	bool imported;
	uint32_t type;

	wat_opt_id(p);
	if (!inline_exports(p, 0, idx) || !inline_import(p, &imported))
		return false;
	if (imported) {
		if (!wat_typeuse(p, NULL, true, &type, NULL))
			return false;
		wat_buf_byte(&p->sec[WAT_SEC_IMPORT], 0);
		wat_buf_u32(&p->sec[WAT_SEC_IMPORT], type);
		return true;
	}
	p->locals.n = 0;
	if (!wat_typeuse(p, &p->locals, true, &type, NULL))
		return false;
	wat_buf_u32(&p->sec[WAT_SEC_FUNC], type);
	p->count[WAT_SEC_FUNC]++;
	return func_body(p);
}

/* Whether expression e is exactly `ref.func f end`; then *f. */
static bool is_ref_func(const struct wat_buf *e, uint32_t *f)
{
	size_t i = 1;
	*f = 0;
	if (e->n < 3 || e->p[0] != WASM_OP_REF_FUNC)
		return false;
	for (unsigned sh = 0; i < e->n - 1 && sh < 35; sh += 7) {
		*f |= (uint32_t)(e->p[i] & 0x7f) << sh;
		if (!(e->p[i++] & 0x80))
			break;
	}
	return i == e->n - 1;
}

/*
 * Element items into `items` (each an expression with its end), their
 * number into *n; *all_funcs says each is `ref.func x` (whose x go to
 * `funcs`), which the shorter encodings can say. `bare_funcs`: the items
 * are function indices.
 */
static bool elem_items(struct wat *p, bool bare_funcs, struct wat_buf *items, struct wat_buf *funcs,
		       uint32_t *n, bool *all_funcs)
{
	*n = 0;
	*all_funcs = true;
	while (wat_peek(p)->kind != WAT_TOK_RPAR) {
		uint32_t f;
		if (bare_funcs) {
			if (!wat_index(p, WAT_FUNCS, &f))
				return false;
			wat_buf_u32(funcs, f);
			wat_buf_byte(items, WASM_OP_REF_FUNC);
			wat_buf_u32(items, f);
			wat_buf_byte(items, WASM_OP_END);
		} else {
			struct wat_buf e = {0};
			bool ok;
			if (wat_open(p, "item"))
				ok = wat_expr(p, &e) && wat_expect_rpar(p);
			else if (wat_peek(p)->kind == WAT_TOK_LPAR)
				ok = wat_folded(p, &e) && (wat_buf_byte(&e, WASM_OP_END), true);
			else
				ok = wat_unexpected(p, "an element");
			if (!ok) {
				wat_buf_free(&e);
				return false;
			}
			if (is_ref_func(&e, &f))
				wat_buf_u32(funcs, f);
			else
				*all_funcs = false;
			wat_buf_bytes(items, e.p, e.n);
			wat_buf_free(&e);
		}
		++*n;
	}
	return true;
}

enum seg_mode { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARE };

/* The offset of the segments abbreviations make: (i32.const 0). */
static const uint8_t offset_zero[] = {WASM_OP_I32_CONST, 0, WASM_OP_END};
static const uint8_t offset_zero64[] = {WASM_OP_I64_CONST, 0, WASM_OP_END};

/* Writes an element segment (flags 0-7 of the binary format). */
static void put_elem(struct wat *p, enum seg_mode mode, uint32_t table, const uint8_t *offset,
		     size_t offset_len, uint32_t rt, const struct wat_buf *items,
		     const struct wat_buf *funcs, uint32_t n, bool all_funcs)
{
	struct wat_buf *b = &p->sec[WAT_SEC_ELEM];
	/* the index forms' type is (ref func) (3.0): only segments of that
	 * type are written as indices */
	bool exprs = !all_funcs || rt != wasm_type_ref(WASM_HEAP_FUNC, false);
	/* flags 4 (table 0, expressions) implies funcref: another type
	 * needs the form with the table index and the type (6) */
	bool typed = exprs && rt != WASM_TYPE_FUNCREF;
	uint8_t flags = mode == SEG_PASSIVE ? 1 : mode == SEG_DECLARE ? 3 : table || typed ? 2 : 0;
	if (exprs)
		flags |= 4;
	wat_buf_u32(b, flags);
	if (flags & 2 && mode == SEG_ACTIVE)
		wat_buf_u32(b, table);
	if (mode == SEG_ACTIVE)
		wat_buf_bytes(b, offset, offset_len);
	if (flags & 3) {
		if (exprs)
			wat_buf_valtype(b, rt);
		else
			wat_buf_byte(b, 0x00);
	}
	wat_buf_u32(b, n);
	if (exprs)
		wat_buf_bytes(b, items->p, items->n);
	else
		wat_buf_bytes(b, funcs->p, funcs->n);
	p->count[WAT_SEC_ELEM]++;
}

/* A table type, then (typed function references) an optional initial
 * value, which the binary writes first as 0x40 0x00. */
static bool table_with_init(struct wat *p)
{
	struct wat_buf tt = {0}, init = {0};
	struct wat_buf *b = &p->sec[WAT_SEC_TABLE];
	bool ok = tabletype(p, &tt);

	if (ok && wat_peek(p)->kind != WAT_TOK_RPAR) {
		ok = wat_expr(p, &init);
		if (ok) {
			wat_buf_byte(b, 0x40);
			wat_buf_byte(b, 0x00);
		}
	}
	if (ok) {
		wat_buf_bytes(b, tt.p, tt.n);
		wat_buf_bytes(b, init.p, init.n);
	}
	wat_buf_free(&tt);
	wat_buf_free(&init);
	return ok;
}

static bool field_table(struct wat *p, uint32_t idx)
{
	bool imported, is64;
	uint32_t rt;
	size_t at;
	enum wat_tok_kind next;

	wat_opt_id(p);
	if (!inline_exports(p, 1, idx) || !inline_import(p, &imported))
		return false;
	if (imported)
		return import_desc(p, 1, &p->sec[WAT_SEC_IMPORT]);
	p->count[WAT_SEC_TABLE]++;
	is64 = wat_is_kw(p, wat_peek(p), "i64");
	at = is64 || wat_is_kw(p, wat_peek(p), "i32");
	next = p->t[p->pos + at].kind;
	if (next != WAT_TOK_KEYWORD && next != WAT_TOK_LPAR)
		return table_with_init(p);
	p->pos += at;
	/* [i32|i64] reftype (elem ...) */
	struct wat_buf items = {0}, funcs = {0};
	uint32_t n;
	bool all, ok = wat_reftype(p, &rt) && wat_open(p, "elem");
	if (!ok)
		return wat_unexpected(p, "(elem ...)");
	ok = elem_items(p, wat_peek(p)->kind != WAT_TOK_LPAR, &items, &funcs, &n, &all) &&
	     wat_expect_rpar(p);
	if (ok) {
		wat_buf_valtype(&p->sec[WAT_SEC_TABLE], rt);
		wat_buf_byte(&p->sec[WAT_SEC_TABLE], is64 ? 0x05 : 1);
		wat_buf_u32(&p->sec[WAT_SEC_TABLE], n);
		wat_buf_u32(&p->sec[WAT_SEC_TABLE], n);
		put_elem(p, SEG_ACTIVE, idx, is64 ? offset_zero64 : offset_zero,
			 sizeof(offset_zero), rt, &items, &funcs, n, all);
	}
	wat_buf_free(&items);
	wat_buf_free(&funcs);
	return ok;
}

static void put_data(struct wat *p, bool active, uint32_t mem, const uint8_t *offset,
		     size_t offset_len, const struct wat_buf *bytes)
{
	struct wat_buf *b = &p->sec[WAT_SEC_DATA];
	wat_buf_u32(b, !active ? 1 : mem ? 2 : 0);
	if (active && mem)
		wat_buf_u32(b, mem);
	if (active)
		wat_buf_bytes(b, offset, offset_len);
	wat_put_sized(b, bytes);
	p->count[WAT_SEC_DATA]++;
}

static bool field_memory(struct wat *p, uint32_t idx)
{
	bool imported, is64;

	wat_opt_id(p);
	if (!inline_exports(p, 2, idx) || !inline_import(p, &imported))
		return false;
	if (imported)
		return import_desc(p, 2, &p->sec[WAT_SEC_IMPORT]);
	p->count[WAT_SEC_MEM]++;
	is64 = wat_is_kw(p, wat_peek(p), "i64");
	if ((is64 || wat_is_kw(p, wat_peek(p), "i32")) && p->t[p->pos + 1].kind == WAT_TOK_LPAR)
		p->pos++; /* (memory i64 (data ...)) */
	else
		is64 = false;
	if (!wat_open(p, "data"))
		return limits(p, &p->sec[WAT_SEC_MEM], &is64);
	struct wat_buf bytes = {0};
	data_strings(p, &bytes);
	bool ok = wat_expect_rpar(p);
	if (ok) {
		uint32_t pages = (uint32_t)((bytes.n + 65535) / 65536);
		wat_buf_byte(&p->sec[WAT_SEC_MEM], is64 ? 0x05 : 1);
		wat_buf_u32(&p->sec[WAT_SEC_MEM], pages);
		wat_buf_u32(&p->sec[WAT_SEC_MEM], pages);
		put_data(p, true, idx, is64 ? offset_zero64 : offset_zero, sizeof(offset_zero),
			 &bytes);
	}
	wat_buf_free(&bytes);
	return ok;
}

static bool field_global(struct wat *p, uint32_t idx)
{
	bool imported;

	wat_opt_id(p);
	if (!inline_exports(p, 3, idx) || !inline_import(p, &imported))
		return false;
	if (imported)
		return import_desc(p, 3, &p->sec[WAT_SEC_IMPORT]);
	p->count[WAT_SEC_GLOBAL]++;
	return globaltype(p, &p->sec[WAT_SEC_GLOBAL]) && wat_expr(p, &p->sec[WAT_SEC_GLOBAL]);
}

static bool field_tag(struct wat *p, uint32_t idx)
{
	bool imported;

	wat_opt_id(p);
	if (!inline_exports(p, 4, idx) || !inline_import(p, &imported))
		return false;
	if (imported)
		return import_desc(p, 4, &p->sec[WAT_SEC_IMPORT]);
	p->count[WAT_SEC_TAG]++;
	return tagtype(p, &p->sec[WAT_SEC_TAG]);
}

static bool field_import(struct wat *p)
{
	struct wat_buf *b = &p->sec[WAT_SEC_IMPORT];
	int k;

	if (!name_str(p, b) || !name_str(p, b) || !wat_expect_lpar(p))
		return false;
	if ((k = wat_extern_kind(p, wat_peek(p))) < 0)
		return wat_unexpected(p, "an import kind");
	p->pos++;
	wat_opt_id(p);
	p->count[WAT_SEC_IMPORT]++;
	return import_desc(p, k, b) && wat_expect_rpar(p);
}

static bool field_export(struct wat *p)
{
	struct wat_buf *b = &p->sec[WAT_SEC_EXPORT];
	uint32_t idx;
	int k;

	if (!name_str(p, b) || !wat_expect_lpar(p))
		return false;
	if ((k = wat_extern_kind(p, wat_peek(p))) < 0)
		return wat_unexpected(p, "an export kind");
	p->pos++;
	if (!wat_index(p, (enum wat_space_kind)k, &idx) || !wat_expect_rpar(p))
		return false;
	wat_buf_byte(b, (uint8_t)k);
	wat_buf_u32(b, idx);
	p->count[WAT_SEC_EXPORT]++;
	return true;
}

/* (offset instr*) or one folded instruction: an expression with its end. */
static bool offset_expr(struct wat *p, struct wat_buf *b)
{
	if (wat_open(p, "offset"))
		return wat_expr(p, b) && wat_expect_rpar(p);
	if (!wat_folded(p, b))
		return false;
	wat_buf_byte(b, WASM_OP_END);
	return true;
}

/* (table x) / (memory x), or a bare index (the 1.0 syntax). */
static bool seg_target(struct wat *p, const char *word, enum wat_space_kind k, uint32_t *idx)
{
	*idx = 0;
	if (wat_open(p, word))
		return wat_index(p, k, idx) && wat_expect_rpar(p);
	if (wat_at_index(p))
		return wat_index(p, k, idx);
	return true;
}

static bool field_elem(struct wat *p)
{
	struct wat_buf items = {0}, funcs = {0}, offset = {0};
	enum seg_mode mode = SEG_PASSIVE;
	uint32_t table = 0, n;
	uint32_t rt = WASM_TYPE_FUNCREF;
	bool all, ok = false, bare = false;

	wat_opt_id(p);
	if (wat_is_kw(p, wat_peek(p), "declare")) {
		p->pos++;
		mode = SEG_DECLARE;
	} else if ((wat_peek(p)->kind == WAT_TOK_LPAR && !wat_is_kw(p, wat_peek2(p), "ref")) ||
		   wat_at_index(p)) {
		mode = SEG_ACTIVE;
		if (!seg_target(p, "table", WAT_TABLES, &table) || !offset_expr(p, &offset))
			goto out;
	}
	if (wat_is_kw(p, wat_peek(p), "func")) {
		p->pos++;
		bare = true;
	} else if (mode == SEG_ACTIVE && wat_peek(p)->kind != WAT_TOK_KEYWORD &&
		   !(wat_peek(p)->kind == WAT_TOK_LPAR && wat_is_kw(p, wat_peek2(p), "ref"))) {
		bare = true;
	} else if (!wat_reftype(p, &rt)) {
		goto out;
	}
	if (bare) /* `func x*` abbreviates (ref func) (ref.func x)* */
		rt = wasm_type_ref(WASM_HEAP_FUNC, false);
	ok = elem_items(p, bare, &items, &funcs, &n, &all);
	if (ok)
		put_elem(p, mode, table, offset.p, offset.n, rt, &items, &funcs, n, all);
out:
	wat_buf_free(&items);
	wat_buf_free(&funcs);
	wat_buf_free(&offset);
	return ok;
}

static bool field_data(struct wat *p)
{
	struct wat_buf bytes = {0}, offset = {0};
	uint32_t mem = 0;
	bool active = false, ok = false;

	wat_opt_id(p);
	if (wat_peek(p)->kind == WAT_TOK_LPAR || wat_at_index(p)) {
		active = true;
		if (!seg_target(p, "memory", WAT_MEMS, &mem) || !offset_expr(p, &offset))
			goto out;
	}
	data_strings(p, &bytes);
	put_data(p, active, mem, offset.p, offset.n, &bytes);
	ok = true;
out:
	wat_buf_free(&bytes);
	wat_buf_free(&offset);
	return ok;
}

bool wat_encode_fields(struct wat *p)
{
	uint32_t cur[5];
	for (int k = 0; k < 5; k++)
		cur[k] = 0;

	while (wat_peek(p)->kind == WAT_TOK_LPAR) {
		const struct wat_tok *kw = wat_peek2(p);
		int k = wat_extern_kind(p, kw);
		bool ok;
		p->pos += 2;
		if (k == 0)
			ok = field_func(p, cur[0]++);
		else if (k == 1)
			ok = field_table(p, cur[1]++);
		else if (k == 2)
			ok = field_memory(p, cur[2]++);
		else if (k == 3)
			ok = field_global(p, cur[3]++);
		else if (k == 4)
			ok = field_tag(p, cur[4]++);
		else if (wat_is_kw(p, kw, "type") || wat_is_kw(p, kw, "rec")) {
			wat_skip_to_close(p);
			continue;
		} else if (wat_is_kw(p, kw, "import")) {
			/* its kind's counter moves too */
			size_t save = p->pos;
			while (wat_peek(p)->kind == WAT_TOK_STRING)
				p->pos++;
			int ik = wat_extern_kind(p, wat_peek2(p));
			p->pos = save;
			cur[ik]++;
			ok = field_import(p);
		} else if (wat_is_kw(p, kw, "export"))
			ok = field_export(p);
		else if (wat_is_kw(p, kw, "start")) {
			uint32_t f;
			ok = wat_index(p, WAT_FUNCS, &f);
			wat_buf_u32(&p->sec[WAT_SEC_START], f);
			p->count[WAT_SEC_START] = 1;
		} else if (wat_is_kw(p, kw, "elem"))
			ok = field_elem(p);
		else
			ok = field_data(p);
		if (!ok || !wat_expect_rpar(p))
			return false;
	}
	return true;
}
