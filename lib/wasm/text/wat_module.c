/*
 * wat_module.c - the entry points of wat.h: the first pass over a
 * module's fields (see wat_internal.h), then the second (wat_fields.c),
 * then the sections put together in the binary format's order.
 *
 * The first pass also counts the segments that abbreviations make (see
 * wat_fields.c), so that later segments' indices come out right, and it
 * checks what only the order of fields tells: imports before definitions,
 * one start function, names defined once.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/text/wat.h"
#include "wasm/text/wat_internal.h"

/* ---- the first pass: indices and names ---- */

static bool add_named(struct wat *p, enum wat_space_kind k, uint32_t name)
{
	static const char *const what[WAT_NSPACES] = {"func", "table", "memory", "global",
						      "tag",  "type",  "elem",	 "data"};
	uint32_t dup;
	if (name && wat_space_find(p, &p->space[k], &p->t[name], &dup))
		return wat_fail(p, &p->t[name], "duplicate %s %.*s", what[k], (int)p->t[name].len,
				p->src + p->t[name].off);
	return wat_space_add(p, &p->space[k], name);
}

static void skip_exports(struct wat *p)
{
	while (wat_peek(p)->kind == WAT_TOK_LPAR && wat_is_kw(p, wat_peek2(p), "export")) {
		p->pos++;
		wat_skip_to_close(p);
	}
}

/* An import after a definition is malformed (imports come first in every
 * index space, so textual order is index order). */
static bool import_ok(struct wat *p, const struct wat_tok *at, int last_def)
{
	if (last_def >= 0)
		return wat_fail(p, at, "import after %s",
				last_def == 0 ? "function" : wat_extern_words[last_def]);
	return true;
}

static bool scan_fields(struct wat *p)
{
	int last_def = -1;
	bool has_start = false;

	while (wat_peek(p)->kind == WAT_TOK_LPAR) {
		size_t field = p->pos;
		const struct wat_tok *kw = wat_peek2(p);
		int k = wat_extern_kind(p, kw);
		p->pos += 2;
		uint32_t name = wat_opt_id(p);

		if (wat_is_kw(p, kw, "type") || wat_is_kw(p, kw, "rec"))
			wat_buf_bytes(&p->typedefs, &field, sizeof(field));
		if (wat_is_kw(p, kw, "type")) {
			/* named only: definitions are read once all are named */
			if (!add_named(p, WAT_TYPES, name))
				return false;
		} else if (wat_is_kw(p, kw, "rec")) {
			if (name)
				return wat_fail(p, &p->t[name], "unexpected identifier");
			while (wat_open(p, "type")) {
				if (!add_named(p, WAT_TYPES, wat_opt_id(p)))
					return false;
				wat_skip_to_close(p);
			}
		} else if (k >= 0) {
			skip_exports(p);
			if (wat_peek(p)->kind == WAT_TOK_LPAR &&
			    wat_is_kw(p, wat_peek2(p), "import")) {
				if (!import_ok(p, kw, last_def))
					return false;
				p->nimports[k]++;
			} else {
				/* past an address type: i32 or i64 (memory64, table64) */
				size_t at = wat_is_kw(p, wat_peek(p), "i32") ||
					    wat_is_kw(p, wat_peek(p), "i64");
				const struct wat_tok *t = &p->t[p->pos + at];

				last_def = k;
				/* (table at? t (elem ...)), (memory at? (data ...)) */
				if (k == 1 && t->kind == WAT_TOK_KEYWORD &&
				    t[1].kind == WAT_TOK_LPAR && !add_named(p, WAT_ELEMS, 0))
					return false;
				if (k == 2 && t->kind == WAT_TOK_LPAR &&
				    wat_is_kw(p, &t[1], "data") && !add_named(p, WAT_DATAS, 0))
					return false;
			}
			if (!add_named(p, (enum wat_space_kind)k, name))
				return false;
		} else if (wat_is_kw(p, kw, "import")) {
			if (!import_ok(p, kw, last_def))
				return false;
			if (name)
				return wat_fail(p, &p->t[name], "unexpected identifier");
			while (wat_peek(p)->kind == WAT_TOK_STRING)
				p->pos++;
			if (wat_peek(p)->kind != WAT_TOK_LPAR ||
			    (k = wat_extern_kind(p, wat_peek2(p))) < 0)
				return wat_unexpected(p, "an import kind");
			p->pos += 2;
			p->nimports[k]++;
			if (!add_named(p, (enum wat_space_kind)k, wat_opt_id(p)))
				return false;
		} else if (wat_is_kw(p, kw, "elem") || wat_is_kw(p, kw, "data")) {
			if (!add_named(p, wat_is_kw(p, kw, "elem") ? WAT_ELEMS : WAT_DATAS, name))
				return false;
		} else if (wat_is_kw(p, kw, "start")) {
			if (has_start)
				return wat_fail(p, kw, "multiple start sections");
			has_start = true;
		} else if (!wat_is_kw(p, kw, "export")) {
			return wat_fail(p, kw, "unknown module field");
		}
		if (name && wat_is_kw(p, kw, "export"))
			return wat_fail(p, &p->t[name], "unexpected identifier");
		p->pos = field + 1;
		wat_skip_to_close(p);
	}
	return true;
}

static bool assemble(struct wat *p, struct wat_buf *out)
{
	static const uint8_t order[] = {
		WAT_SEC_TYPE,	   WAT_SEC_IMPORT, WAT_SEC_FUNC,   WAT_SEC_TABLE, WAT_SEC_MEM,
		WAT_SEC_TAG,	   WAT_SEC_GLOBAL, WAT_SEC_EXPORT, WAT_SEC_START, WAT_SEC_ELEM,
		WAT_SEC_DATACOUNT, WAT_SEC_CODE,   WAT_SEC_DATA};

	wat_types_encode(p);
	/* The data count section only where the code needs it: as wabt, but
	 * also with no data segment (wabt leaves it out then, which makes a
	 * data.drop 0 malformed where the text is only invalid). */
	bool datacount = p->uses_data_index;
	p->count[WAT_SEC_DATACOUNT] = p->count[WAT_SEC_DATA];
	wat_buf_bytes(out, "\0asm\1\0\0\0", 8);
	for (size_t i = 0; i < sizeof(order); i++) {
		int s = order[i];
		struct wat_buf body = {0};
		if (s == WAT_SEC_DATACOUNT ? !datacount : p->count[s] == 0)
			continue;
		if (s != WAT_SEC_START)
			wat_buf_u32(&body, p->count[s]);
		wat_buf_bytes(&body, p->sec[s].p, p->sec[s].n);
		wat_buf_byte(out, (uint8_t)s);
		wat_put_sized(out, &body);
		bool oom = body.oom;
		wat_buf_free(&body);
		if (oom)
			return false;
	}
	return !out->oom;
}

static void wat_free(struct wat *p)
{
	for (int i = 0; i < WAT_NSPACES; i++)
		free(p->space[i].name);
	wat_types_free(p);
	free(p->locals.name);
	free(p->labels.name);
	for (int i = 0; i < WAT_NSECS; i++)
		wat_buf_free(&p->sec[i]);
	free(p->opsorted_own);
}

int wat_encode_toks(const char *src, const struct wat_tok *toks, size_t *pos, bool fields_only,
		    uint8_t **out, size_t *out_len, struct wat_error *err)
{
	struct wat *p = calloc(1, sizeof(*p));
	struct wat_buf bin = {0};
	int rc = ERR_MALFORMED;

	if (!p) {
		wat_error_at(err, src, toks[*pos].off, "out of memory");
		return ERR_NOMEM;
	}
	p->src = src;
	p->t = toks;
	p->pos = *pos;
	p->err = err;
	if (!fields_only) {
		if (!wat_expect_lpar(p) || !wat_expect_kw(p, "module"))
			goto out;
		wat_opt_id(p);
	}
	size_t start = p->pos;
	if (!wat_ops_init(p) || !scan_fields(p))
		goto out;
	if (!wat_types_read(p))
		goto out;
	p->pos = start;
	if (!wat_encode_fields(p))
		goto out;
	if (fields_only ? wat_peek(p)->kind != WAT_TOK_EOF : !wat_expect_rpar(p)) {
		wat_unexpected(p, "a module field");
		goto out;
	}
	for (int i = 0; i < WAT_NSECS; i++)
		p->nomem |= p->sec[i].oom;
	if (p->nomem || !assemble(p, &bin)) {
		wat_fail(p, wat_peek(p), "out of memory");
		rc = ERR_NOMEM;
		goto out;
	}
	*out = bin.p;
	*out_len = bin.n;
	bin.p = NULL;
	*pos = p->pos;
	rc = 0;
out:
	if (rc && p->nomem)
		rc = ERR_NOMEM;
	wat_buf_free(&bin);
	wat_free(p);
	free(p);
	return rc;
}

int wat_encode(const char *src, size_t len, uint8_t **out, size_t *out_len, struct wat_error *err)
{
	struct wat_toks toks;
	size_t pos = 0;
	int rc = wat_lex(src, len, &toks, err);
	if (rc)
		return rc;
	bool wrapped = toks.v[0].kind == WAT_TOK_LPAR && toks.n > 1 &&
		       wat_tok_is(src, &toks.v[1], "module");
	uint8_t *bin;
	size_t n;
	rc = wat_encode_toks(src, toks.v, &pos, !wrapped, &bin, &n, err);
	if (rc == 0 && toks.v[pos].kind != WAT_TOK_EOF) {
		wat_error_at(err, src, toks.v[pos].off, "unexpected token after the module");
		free(bin);
		rc = ERR_MALFORMED;
	} else if (rc == 0) {
		*out = bin;
		*out_len = n;
	}
	wat_toks_free(&toks);
	return rc;
}
