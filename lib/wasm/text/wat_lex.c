/*
 * wat_lex.c - the text format's tokens (wat_lex.h). One pass over the
 * source; strings are checked here and decoded when a parser needs them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/module_internal.h"
#include "wasm/text/wat_lex.h"

void wat_error_at(struct wat_error *err, const char *src, size_t off, const char *fmt, ...)
{
	uint32_t line = 1, col = 1;
	va_list ap;

	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* The spec's idchar: printable ASCII but space, quotes, parens, comma,
 * semicolon and brackets/braces. */
static bool is_idchar(unsigned char c)
{
	if (c <= ' ' || c >= 0x7f)
		return false;
	return !strchr("\"(),;[]{}", c);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte a one-letter escape \c stands for, or -1. */
static int simple_escape(unsigned char c)
{
	switch (c) {
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case '"':
	case '\'':
	case '\\':
		return c;
	default:
		return -1;
	}
}

/* Scans the string starting at src[i] (a quote); returns the offset past
 * the closing quote, or 0 with *err set. */
static size_t scan_string(const char *src, size_t len, size_t i, struct wat_error *err)
{
	size_t start = i++;

	while (i < len && src[i] != '"') {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x20 || c == 0x7f) {
			wat_error_at(err, src, i, "control character in string");
			return 0;
		}
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		c = (unsigned char)src[i + 1];
		if (simple_escape(c) >= 0) {
			i += 2;
		} else if (hexval(c) >= 0 && i + 2 < len &&
			   hexval((unsigned char)src[i + 2]) >= 0) {
			i += 3;
		} else if (c == 'u' && i + 2 < len && src[i + 2] == '{') {
			uint32_t v = 0;
			size_t j = i + 3, nd = 0;
			for (; j < len && hexval((unsigned char)src[j]) >= 0; j++, nd++)
				v = v > 0x10ffff ? v
						 : v * 16 + (uint32_t)hexval((unsigned char)src[j]);
			if (nd == 0 || j >= len || src[j] != '}' || v > 0x10ffff ||
			    (v >= 0xd800 && v < 0xe000)) {
				wat_error_at(err, src, i, "malformed unicode escape");
				return 0;
			}
			i = j + 1;
		} else {
			wat_error_at(err, src, i, "unknown escape in string");
			return 0;
		}
	}
	if (i >= len) {
		wat_error_at(err, src, start, "unterminated string");
		return 0;
	}
	return i + 1;
}

/* Each escape is at least as long as what it stands for (\u{hhhhh} is 9
 * characters for at most 4 bytes), so the result fits in t->len bytes. */
size_t wat_str_decode(const char *src, const struct wat_tok *t, uint8_t *out)
{
	const char *s = src + t->off + 1, *end = src + t->off + t->len - 1;
	size_t n = 0;

	while (s < end) {
		if (*s != '\\') {
			out[n++] = (uint8_t)*s++;
			continue;
		}
		char c = s[1];
		if (c == 'u') {
			uint32_t v = 0;
			for (s += 3; *s != '}'; s++)
				v = v * 16 + (uint32_t)hexval((unsigned char)*s);
			s++;
			n += wasm_utf8_put(out + n, v);
		} else if (hexval((unsigned char)c) >= 0) {
			out[n++] = (uint8_t)(hexval((unsigned char)c) * 16 +
					     hexval((unsigned char)s[2]));
			s += 3;
		} else {
			out[n++] = (uint8_t)simple_escape((unsigned char)c);
			s += 2;
		}
	}
	return n;
}

bool wat_tok_is(const char *src, const struct wat_tok *t, const char *word)
{
	size_t n = strlen(word);
	return (t->kind == WAT_TOK_KEYWORD || t->kind == WAT_TOK_ATOM) && t->len == n &&
	       memcmp(src + t->off, word, n) == 0;
}

bool wat_tok_is_numeric(const char *src, const struct wat_tok *t)
{
	return t->kind == WAT_TOK_ATOM ||
	       (t->kind == WAT_TOK_KEYWORD && t->len >= 3 &&
		(!memcmp(src + t->off, "inf", 3) || !memcmp(src + t->off, "nan", 3)));
}

static int push(struct wat_toks *t, size_t *cap, uint8_t kind, size_t off, size_t len)
{
	if (t->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct wat_tok *v = realloc(t->v, ncap * sizeof(*v));
		if (!v)
			return ERR_NOMEM;
		t->v = v;
		*cap = ncap;
	}
	t->v[t->n++] = (struct wat_tok){.kind = kind, .off = (uint32_t)off, .len = (uint32_t)len};
	return 0;
}

/* Skips a block comment starting at src[i] ("(;"); returns the offset past
 * it, or 0 with *err set if it is not closed. */
static size_t skip_block_comment(const char *src, size_t len, size_t i, struct wat_error *err)
{
	size_t start = i, depth = 0;

	while (i + 1 < len) {
		if (src[i] == '(' && src[i + 1] == ';') {
			depth++;
			i += 2;
		} else if (src[i] == ';' && src[i + 1] == ')') {
			i += 2;
			if (--depth == 0)
				return i;
		} else {
			i++;
		}
	}
	wat_error_at(err, src, start, "unclosed block comment");
	return 0;
}

/* A name written as a string (a quoted identifier $"...", an annotation's
 * id): not empty, UTF-8. Returns the offset past it, or 0 with *err set
 * (`empty` the message for an empty one; ERR_NOMEM in *rc). */
static size_t scan_name_string(const char *src, size_t len, size_t i, struct wat_error *err,
			       int *rc, const char *empty)
{
	size_t end = scan_string(src, len, i, err);
	struct wat_tok t = {.kind = WAT_TOK_STRING, .off = (uint32_t)i};
	uint8_t *b;
	size_t n;

	if (!end)
		return 0;
	t.len = (uint32_t)(end - i);
	b = malloc(t.len);
	if (!b) {
		*rc = ERR_NOMEM;
		wat_error_at(err, src, i, "out of memory");
		return 0;
	}
	n = wat_str_decode(src, &t, b);
	bool ok = n && wasm_utf8_valid(b, n);
	free(b);
	if (!ok)
		wat_error_at(err, src, i, "%s", n ? "malformed UTF-8 encoding" : empty);
	return ok ? end : 0;
}

/* An annotation's id after "(@": idchars, or a name string. Returns the
 * offset past it, or 0 with *err set (or ERR_NOMEM in *rc). */
static size_t annotation_id(const char *src, size_t len, size_t i, struct wat_error *err, int *rc)
{
	size_t start = i;

	if (i < len && src[i] == '"')
		return scan_name_string(src, len, i, err, rc, "empty annotation id");
	while (i < len && is_idchar((unsigned char)src[i]))
		i++;
	if (i == start)
		wat_error_at(err, src, start, "empty annotation id");
	return i == start ? 0 : i;
}

/* The name of identifier token t, without its $ (decoded into buf, of
 * t->len bytes, if quoted); its length. */
static size_t id_name(const char *src, const struct wat_tok *t, uint8_t *buf, const uint8_t **name)
{
	if (t->len > 1 && src[t->off + 1] == '"') {
		struct wat_tok s = {.kind = WAT_TOK_STRING, .off = t->off + 1, .len = t->len - 1};
		*name = buf;
		return wat_str_decode(src, &s, buf);
	}
	*name = (const uint8_t *)src + t->off + 1;
	return t->len - 1;
}

bool wat_id_eq(const char *src, const struct wat_tok *a, const struct wat_tok *b)
{
	uint8_t sa[64], sb[64], *ba, *bb;
	const uint8_t *na, *nb;
	bool eq = false;

	if (src[a->off + 1] != '"' && src[b->off + 1] != '"') /* neither quoted */
		return a->len == b->len && memcmp(src + a->off, src + b->off, a->len) == 0;
	ba = a->len <= sizeof(sa) ? sa : malloc(a->len);
	bb = b->len <= sizeof(sb) ? sb : malloc(b->len);
	if (ba && bb) {
		size_t la = id_name(src, a, ba, &na), lb = id_name(src, b, bb, &nb);
		eq = la == lb && memcmp(na, nb, la) == 0;
	}
	if (ba != sa)
		free(ba);
	if (bb != sb)
		free(bb);
	return eq;
}

/*
 * Skips the annotation starting at src[i] ("(@id ...)"), which means
 * nothing to us (a custom section's included): its id, then any tokens,
 * strings, comments and balanced parentheses. Returns the offset past its
 * ")", or 0 with *err set (or ERR_NOMEM in *rc).
 */
static size_t skip_annotation(const char *src, size_t len, size_t i, struct wat_error *err, int *rc)
{
	size_t start = i, depth = 1;

	if (!(i = annotation_id(src, len, i + 2, err, rc)))
		return 0;
	while (i < len) {
		unsigned char c = (unsigned char)src[i];

		if (c == '(' && i + 1 < len && src[i + 1] == ';') {
			if (!(i = skip_block_comment(src, len, i, err)))
				return 0;
		} else if (c == ';' && i + 1 < len && src[i + 1] == ';') {
			while (i < len && src[i] != '\n' && src[i] != '\r')
				i++;
		} else if (c == '"') {
			if (!(i = scan_string(src, len, i, err)))
				return 0;
		} else if (c == '(' || c == ')') {
			i++;
			depth += c == '(';
			if (c == ')' && --depth == 0)
				return i;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || is_idchar(c) ||
			   (c && strchr(",;[]{}", c))) {
			i++; /* tokens, reserved ones included */
		} else {
			wat_error_at(err, src, i, "illegal character");
			return 0;
		}
	}
	wat_error_at(err, src, start, "unclosed annotation");
	return 0;
}

int wat_lex(const char *src, size_t len, struct wat_toks *out, struct wat_error *err)
{
	struct wat_toks t = {0};
	size_t cap = 0, i = 0;
	int rc = 0;

	if (len >= UINT32_MAX) {
		wat_error_at(err, src, 0, "source too large");
		return ERR_MALFORMED;
	}
	while (i < len) {
		unsigned char c = (unsigned char)src[i];
		size_t start = i;
		uint8_t kind;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		if (c == ';' && i + 1 < len && src[i + 1] == ';') {
			/* to the end of the line: LF, CR or CR LF */
			while (i < len && src[i] != '\n' && src[i] != '\r')
				i++;
			continue;
		}
		if (c == '(' && i + 1 < len && src[i + 1] == ';') {
			if (!(i = skip_block_comment(src, len, i, err)))
				goto malformed;
			continue;
		}
		if (c == '(' && i + 1 < len && src[i + 1] == '@') {
			if (!(i = skip_annotation(src, len, i, err, &rc)))
				goto malformed;
			continue;
		}
		if (c == '(' || c == ')') {
			rc = push(&t, &cap, c == '(' ? WAT_TOK_LPAR : WAT_TOK_RPAR, i, 1);
			if (rc)
				goto fail;
			i++;
			continue;
		}
		if (c == '"') {
			if (!(i = scan_string(src, len, i, err)))
				goto malformed;
			kind = WAT_TOK_STRING;
		} else if (c == '$' && i + 1 < len && src[i + 1] == '"') {
			/* a quoted identifier, $"..." */
			if (!(i = scan_name_string(src, len, i + 1, err, &rc, "empty identifier")))
				goto malformed;
			kind = WAT_TOK_ID;
		} else if (is_idchar(c)) {
			while (i < len && is_idchar((unsigned char)src[i]))
				i++;
			kind = c == '$'			? WAT_TOK_ID
			       : (c >= 'a' && c <= 'z') ? WAT_TOK_KEYWORD
							: WAT_TOK_ATOM;
		} else {
			wat_error_at(err, src, i, "unexpected character");
			goto malformed;
		}
		/* An atom runs on through strings and idchars: then it is reserved. */
		if (i < len && (src[i] == '"' || is_idchar((unsigned char)src[i]))) {
			wat_error_at(err, src, start,
				     "unknown operator or token (tokens must be separated)");
			goto malformed;
		}
		if (kind == WAT_TOK_ID && i - start == 1) {
			wat_error_at(err, src, start, "empty identifier");
			goto malformed;
		}
		rc = push(&t, &cap, kind, start, i - start);
		if (rc)
			goto fail;
	}
	rc = push(&t, &cap, WAT_TOK_EOF, len, 0);
	if (rc)
		goto fail;
	*out = t;
	return 0;
malformed:
	rc = rc ? rc : ERR_MALFORMED;
fail:
	if (rc == ERR_NOMEM)
		wat_error_at(err, src, i, "out of memory");
	free(t.v);
	return rc;
}

void wat_toks_free(struct wat_toks *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
