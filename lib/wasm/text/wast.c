/*
 * wast.c - scripts to commands (wast.h). Works on the lexer's tokens; each
 * module of the script is encoded by wat_encode_toks, or wat_encode for the
 * text of a (module quote ...).
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/text/wast.h"
#include "wasm/text/wat.h"
#include "wasm/text/wat_num.h"

struct wp {
	const char *src;
	const struct wat_tok *t;
	size_t pos;
	struct wat_error *err;
	int rc;		 /* the first error: ERR_MALFORMED or ERR_NOMEM */
	size_t line_off; /* lines are counted up to here: */
	uint32_t line;	 /* the line of src[line_off] */
};

/* The line of src[off], counting on from the last call (off only grows). */
static uint32_t line_at(struct wp *w, size_t off)
{
	for (; w->line_off < off; w->line_off++)
		w->line += w->src[w->line_off] == '\n';
	return w->line;
}

static const struct wat_tok *peek(const struct wp *w)
{
	return &w->t[w->pos];
}

static bool fail(struct wp *w, const struct wat_tok *at, int rc, const char *msg)
{
	if (!w->rc) {
		w->rc = rc;
		wat_error_at(w->err, w->src, at->off, "%s", msg);
	}
	return false;
}

static bool is_kw(const struct wp *w, const struct wat_tok *t, const char *word)
{
	return t->kind == WAT_TOK_KEYWORD && wat_tok_is(w->src, t, word);
}

static bool open_kw(struct wp *w, const char *word)
{
	if (peek(w)->kind != WAT_TOK_LPAR || !is_kw(w, &w->t[w->pos + 1], word))
		return false;
	w->pos += 2;
	return true;
}

static bool expect(struct wp *w, uint8_t kind, const char *what)
{
	if (peek(w)->kind != kind)
		return fail(w, peek(w), ERR_MALFORMED, what);
	w->pos++;
	return true;
}

static bool copy_str(struct wp *w, const char *s, size_t n, struct wast_str *out)
{
	out->s = malloc(n + 1);
	if (!out->s)
		return fail(w, peek(w), ERR_NOMEM, "out of memory");
	memcpy(out->s, s, n);
	out->s[n] = '\0';
	out->len = n;
	return true;
}

static bool close_paren(struct wp *w)
{
	return expect(w, WAT_TOK_RPAR, "unexpected token, expected ')'");
}

/* A string token's bytes (decoded). */
static bool string(struct wp *w, struct wast_str *out)
{
	const struct wat_tok *t = peek(w);
	if (t->kind != WAT_TOK_STRING)
		return fail(w, t, ERR_MALFORMED, "unexpected token, expected a string");
	out->s = malloc(t->len);
	if (!out->s)
		return fail(w, t, ERR_NOMEM, "out of memory");
	out->len = wat_str_decode(w->src, t, (uint8_t *)out->s);
	out->s[out->len] = '\0'; /* the quotes leave room */
	w->pos++;
	return true;
}

static bool opt_name(struct wp *w, struct wast_str *out)
{
	const struct wat_tok *t = peek(w);
	if (t->kind != WAT_TOK_ID)
		return true;
	w->pos++;
	return copy_str(w, w->src + t->off, t->len, out);
}

/* Strings concatenated (module binary / quote). */
static bool strings(struct wp *w, struct wast_str *out)
{
	size_t cap = 0, n = 0;
	for (size_t i = w->pos; w->t[i].kind == WAT_TOK_STRING; i++)
		cap += w->t[i].len;
	out->s = malloc(cap + 1);
	if (!out->s)
		return fail(w, peek(w), ERR_NOMEM, "out of memory");
	while (peek(w)->kind == WAT_TOK_STRING)
		n += wat_str_decode(w->src, &w->t[w->pos++], (uint8_t *)out->s + n);
	out->s[n] = '\0';
	out->len = n;
	return true;
}

/* The index of the `)` that closes the form whose `(` is t[start], or of
 * the EOF token if none does. */
static size_t form_end(const struct wp *w, size_t start)
{
	size_t depth = 0, i = start;

	for (;; i++) {
		uint8_t k = w->t[i].kind;
		if (k == WAT_TOK_EOF || (k == WAT_TOK_RPAR && --depth == 0))
			return i;
		depth += k == WAT_TOK_LPAR;
	}
}

/* (module definition $M? field*) in t[start, end]: encoded as the module
 * without the word `definition`, which is the script's, not the text
 * format's (the encoder reads a copy of the tokens without it). */
static int encode_definition(struct wp *w, struct wast_cmd *c, size_t start, size_t end)
{
	size_t n = end - start, pos = 0;
	struct wat_tok *t = malloc((n + 1) * sizeof(*t));
	int rc;

	if (!t) {
		wat_error_at(&c->wat_err, w->src, w->t[start].off, "out of memory");
		return ERR_NOMEM;
	}
	/* `(` `module`, then all past `definition`, up to t[end] */
	memcpy(t, &w->t[start], 2 * sizeof(*t));
	memcpy(t + 2, &w->t[start + 3], (n - 2) * sizeof(*t));
	t[n] = (struct wat_tok){.kind = WAT_TOK_EOF, .off = w->t[end].off};
	rc = wat_encode_toks(w->src, t, &pos, false, &c->bin, &c->bin_len, &c->wat_err);
	free(t);
	return rc;
}

/*
 * A module at the cursor (its `(`): into c->bin, or a failure to encode
 * kept in c->wat_err (the script goes on after the module). `definition`
 * (module definition ...) only where a module is a command of its own.
 */
static bool module(struct wp *w, struct wast_cmd *c, bool command)
{
	size_t start = w->pos;
	struct wast_str body = {0};
	int rc;

	if (!open_kw(w, "module"))
		return fail(w, peek(w), ERR_MALFORMED, "unexpected token, expected (module ...)");
	c->line = line_at(w, w->t[start + 1].off); /* as wast2json: the keyword's */
	if (command && is_kw(w, peek(w), "definition")) {
		c->definition = true;
		w->pos++;
	}
	if (!opt_name(w, &c->name))
		return false;
	if (is_kw(w, peek(w), "binary")) {
		w->pos++;
		if (!strings(w, &body))
			return false;
		c->binary = true;
		c->bin = (uint8_t *)body.s;
		c->bin_len = body.len;
		return close_paren(w);
	}
	if (is_kw(w, peek(w), "quote")) {
		w->pos++;
		c->quoted = true;
		if (!strings(w, &body))
			return false;
		rc = wat_encode(body.s, body.len, &c->bin, &c->bin_len, &c->wat_err);
		free(body.s);
		if (!close_paren(w))
			return false;
	} else {
		size_t end = form_end(w, start);
		rc = c->definition ? encode_definition(w, c, start, end)
				   : wat_encode_toks(w->src, w->t, &(size_t){start}, false, &c->bin,
						     &c->bin_len, &c->wat_err);
		/* past the module, however far the encoder got */
		w->pos = w->t[end].kind == WAT_TOK_EOF ? end : end + 1;
	}
	if (rc == ERR_NOMEM)
		return fail(w, &w->t[start], ERR_NOMEM, "out of memory");
	return true;
}

_Static_assert(WAST_F64X2 + 1 == WAT_V128_NSHAPES && WAST_F32X4 == 4,
	       "enum wast_v128_shape is in wat_v128_shape's order");

/* After v128.const: a shape and its lanes; in results, a float lane may be
 * a NaN pattern. */
static bool v128_value(struct wp *w, struct wast_value *v, bool result)
{
	const struct wat_tok *n = peek(w);
	int shape = n->kind == WAT_TOK_KEYWORD ? wat_v128_shape(w->src + n->off, n->len) : -1;

	v->type = WAST_V128;
	if (shape < 0)
		return fail(w, n, ERR_MALFORMED,
			    "unexpected token, expected a v128 shape (i8x16 ... f64x2)");
	v->shape = (uint8_t)shape;
	w->pos++;
	unsigned count = 0;
	while (wat_tok_is_numeric(w->src, &w->t[w->pos + count]))
		count++;
	if (count != wat_v128_lanes(shape))
		return fail(w,
			    &w->t[w->pos +
				  (count < wat_v128_lanes(shape) ? count : wat_v128_lanes(shape))],
			    ERR_MALFORMED, "wrong number of lane literals");
	for (unsigned i = 0; i < wat_v128_lanes(shape); i++) {
		n = peek(w);
		w->pos++;
		if (result && wat_v128_is_float(shape) && wat_tok_is(w->src, n, "nan:canonical")) {
			v->lane_kind[i] = WAST_VAL_NAN_CANONICAL;
		} else if (result && wat_v128_is_float(shape) &&
			   wat_tok_is(w->src, n, "nan:arithmetic")) {
			v->lane_kind[i] = WAST_VAL_NAN_ARITHMETIC;
		} else {
			int rc = wat_v128_lane(shape, w->src + n->off, n->len, i, v->v128);
			if (rc)
				return fail(w, n, rc == ERR_NOMEM ? rc : ERR_MALFORMED,
					    rc == ERR_RANGE ? "constant out of range"
							    : "malformed number");
		}
	}
	return true;
}

static bool value(struct wp *w, struct wast_value *v, bool result);

/* The heap types of (ref.null HT), with the top of each one's hierarchy;
 * a type index or $name is a defined type, of any hierarchy: taken as
 * func's (results match any null whatever the type). */
static const struct {
	const char *name;
	enum wast_val_type type;
} heap_types[] = {
	{"func", WAST_FUNCREF},	      {"nofunc", WAST_FUNCREF}, {"extern", WAST_EXTERNREF},
	{"noextern", WAST_EXTERNREF}, {"any", WAST_ANYREF},	{"none", WAST_ANYREF},
	{"eq", WAST_ANYREF},	      {"i31", WAST_ANYREF},	{"struct", WAST_ANYREF},
	{"array", WAST_ANYREF},	      {"exn", WAST_EXNREF},	{"noexn", WAST_EXNREF},
};

/* The non-null patterns of results: (ref.func), (ref.struct), ... */
static const struct {
	const char *name;
	enum wast_val_type type;
} ref_patterns[] = {
	{"ref.func", WAST_FUNCREF},   {"ref.extern", WAST_EXTERNREF},
	{"ref.any", WAST_ANYREF},     {"ref.eq", WAST_EQREF},
	{"ref.i31", WAST_I31REF},     {"ref.struct", WAST_STRUCTREF},
	{"ref.array", WAST_ARRAYREF}, {"ref.exn", WAST_EXNREF},
};

/* (ref.null HT), or in results (ref.null): any null */
static bool ref_null(struct wp *w, struct wast_value *v, bool result)
{
	const struct wat_tok *n = peek(w);

	v->kind = WAST_VAL_NULL;
	v->type = WAST_FUNCREF;
	if (result && n->kind == WAT_TOK_RPAR)
		return close_paren(w);
	if (n->kind == WAT_TOK_ID || n->kind == WAT_TOK_ATOM) {
		uint64_t idx;
		if (n->kind == WAT_TOK_ATOM && wat_parse_uint(w->src + n->off, n->len, 32, &idx))
			return fail(w, n, ERR_MALFORMED, "unexpected token, expected a heap type");
		v->type = WAST_FUNCREF;
		w->pos++;
		return close_paren(w);
	}
	for (size_t i = 0; i < sizeof(heap_types) / sizeof(heap_types[0]); i++) {
		if (!is_kw(w, n, heap_types[i].name))
			continue;
		v->type = heap_types[i].type;
		w->pos++;
		return close_paren(w);
	}
	return fail(w, n, ERR_MALFORMED, "unexpected token, expected a heap type");
}

/* (either result+): one level, of plain results. */
static bool either(struct wp *w, struct wast_value *v)
{
	size_t cap = 0;

	v->kind = WAST_VAL_EITHER;
	while (peek(w)->kind == WAT_TOK_LPAR) {
		if (is_kw(w, &w->t[w->pos + 1], "either"))
			return fail(w, &w->t[w->pos + 1], ERR_MALFORMED, "nested either");
		if (v->nalts == cap) {
			cap = cap ? cap * 2 : 4;
			struct wast_value *a = realloc(v->alts, cap * sizeof(*a));
			if (!a)
				return fail(w, peek(w), ERR_NOMEM, "out of memory");
			v->alts = a;
		}
		if (!value(w, &v->alts[v->nalts++], true))
			return false;
	}
	if (!v->nalts)
		return fail(w, peek(w), ERR_MALFORMED, "unexpected token, expected a result");
	v->type = v->alts[0].type;
	return close_paren(w);
}

/* A constant: (i32.const 1), (f32.const nan:canonical), (ref.null func),
 * (ref.extern 1), (ref.host 1); in results also NaN patterns, reference
 * patterns and (either ...). */
static bool value(struct wp *w, struct wast_value *v, bool result)
{
	static const struct {
		const char *name;
		enum wast_val_type type;
		unsigned bits;
	} nums[] = {{"i32.const", WAST_I32, 32},
		    {"i64.const", WAST_I64, 64},
		    {"f32.const", WAST_F32, 32},
		    {"f64.const", WAST_F64, 64}};
	const struct wat_tok *at;

	if (!expect(w, WAT_TOK_LPAR, "unexpected token, expected a constant"))
		return false;
	at = peek(w);
	w->pos++;
	*v = (struct wast_value){0};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (!is_kw(w, at, nums[i].name))
			continue;
		const struct wat_tok *n = peek(w);
		int rc;
		v->type = nums[i].type;
		if (n->kind != WAT_TOK_ATOM && n->kind != WAT_TOK_KEYWORD)
			return fail(w, n, ERR_MALFORMED, "unexpected token, expected a number");
		if (result && v->type >= WAST_F32 && wat_tok_is(w->src, n, "nan:canonical"))
			v->kind = WAST_VAL_NAN_CANONICAL;
		else if (result && v->type >= WAST_F32 && wat_tok_is(w->src, n, "nan:arithmetic"))
			v->kind = WAST_VAL_NAN_ARITHMETIC;
		else if ((rc = v->type <= WAST_I64 ? wat_parse_int(w->src + n->off, n->len,
								   nums[i].bits, &v->bits)
						   : wat_parse_float(w->src + n->off, n->len,
								     nums[i].bits, &v->bits)))
			return fail(w, n, rc == ERR_NOMEM ? rc : ERR_MALFORMED,
				    rc == ERR_RANGE ? "constant out of range" : "malformed number");
		w->pos++;
		return close_paren(w);
	}
	if (is_kw(w, at, "ref.null"))
		return ref_null(w, v, result);
	if (result && is_kw(w, at, "either"))
		return either(w, v);
	if (is_kw(w, at, "ref.extern") || is_kw(w, at, "ref.host")) {
		const struct wat_tok *n = peek(w);
		v->type = is_kw(w, at, "ref.extern") ? WAST_EXTERNREF : WAST_ANYREF;
		if (n->kind != WAT_TOK_RPAR) {
			if (wat_parse_uint(w->src + n->off, n->len, 32, &v->bits))
				return fail(w, n, ERR_MALFORMED, "malformed reference");
			w->pos++;
			return close_paren(w);
		}
	}
	for (size_t i = 0; result && i < sizeof(ref_patterns) / sizeof(ref_patterns[0]); i++) {
		if (!is_kw(w, at, ref_patterns[i].name))
			continue;
		v->type = ref_patterns[i].type;
		v->kind = WAST_VAL_ANY;
		return close_paren(w);
	}
	if (is_kw(w, at, "v128.const"))
		return v128_value(w, v, result) && close_paren(w);
	return fail(w, at, ERR_MALFORMED, "unknown constant");
}

static bool values(struct wp *w, struct wast_value **out, size_t *n, bool result)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	while (peek(w)->kind == WAT_TOK_LPAR) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			struct wast_value *v = realloc(*out, cap * sizeof(*v));
			if (!v)
				return fail(w, peek(w), ERR_NOMEM, "out of memory");
			*out = v;
		}
		/* counted first: a failed (either ...) keeps its alternatives
		 * for the free */
		(*out)[(*n)++] = (struct wast_value){0};
		if (!value(w, &(*out)[*n - 1], result))
			return false;
	}
	return true;
}

static bool action(struct wp *w, struct wast_cmd *c)
{
	struct wast_action *a = &c->action;
	c->has_action = true;
	if (peek(w)->kind == WAT_TOK_LPAR)
		c->line = line_at(w, w->t[w->pos + 1].off);
	if (open_kw(w, "get")) {
		a->is_get = true;
	} else if (!open_kw(w, "invoke")) {
		return fail(w, peek(w), ERR_MALFORMED, "unexpected token, expected an action");
	}
	if (!opt_name(w, &a->module) || !string(w, &a->field))
		return false;
	if (!a->is_get && !values(w, &a->args, &a->nargs, false))
		return false;
	return close_paren(w);
}

static bool is_action(const struct wp *w)
{
	const struct wat_tok *t = &w->t[w->pos + (peek(w)->kind == WAT_TOK_LPAR)];
	return is_kw(w, t, "invoke") || is_kw(w, t, "get");
}

static bool command(struct wp *w, struct wast_cmd *c)
{
	const struct wat_tok *open = peek(w), *kw = &w->t[w->pos + 1];
	static const struct {
		const char *name;
		enum wast_cmd_kind kind;
	} asserts[] = {
		{"assert_invalid", WAST_ASSERT_INVALID},
		{"assert_malformed", WAST_ASSERT_MALFORMED},
		{"assert_unlinkable", WAST_ASSERT_UNLINKABLE},
		{"assert_uninstantiable", WAST_ASSERT_UNINSTANTIABLE},
	};

	if (open->kind != WAT_TOK_LPAR)
		return fail(w, open, ERR_MALFORMED, "unexpected token, expected a command");
	c->line = line_at(w, kw->off);
	if (is_kw(w, kw, "module") && is_kw(w, &w->t[w->pos + 2], "instance")) {
		c->kind = WAST_MODULE_INSTANCE;
		w->pos += 3;
		return opt_name(w, &c->name) && opt_name(w, &c->def) && close_paren(w);
	}
	if (is_kw(w, kw, "module")) {
		c->kind = WAST_MODULE;
		return module(w, c, true);
	}
	if (is_kw(w, kw, "invoke") || is_kw(w, kw, "get")) {
		c->kind = WAST_ACTION;
		return action(w, c);
	}
	w->pos += 2;
	if (is_kw(w, kw, "register")) {
		c->kind = WAST_REGISTER;
		return string(w, &c->as) && opt_name(w, &c->name) && close_paren(w);
	}
	if (is_kw(w, kw, "assert_return")) {
		c->kind = WAST_ASSERT_RETURN;
		return action(w, c) && values(w, &c->expected, &c->nexpected, true) &&
		       close_paren(w);
	}
	if (is_kw(w, kw, "assert_exception")) {
		c->kind = WAST_ASSERT_EXCEPTION;
		return action(w, c) && close_paren(w);
	}
	if (is_kw(w, kw, "assert_trap") || is_kw(w, kw, "assert_exhaustion")) {
		c->kind = is_kw(w, kw, "assert_trap") ? WAST_ASSERT_TRAP : WAST_ASSERT_EXHAUSTION;
		if (c->kind == WAST_ASSERT_TRAP && !is_action(w)) {
			c->kind = WAST_ASSERT_UNINSTANTIABLE;
			if (!module(w, c, false))
				return false;
		} else if (!action(w, c)) {
			return false;
		}
		return string(w, &c->text) && close_paren(w);
	}
	for (size_t i = 0; i < sizeof(asserts) / sizeof(asserts[0]); i++) {
		if (!is_kw(w, kw, asserts[i].name))
			continue;
		c->kind = asserts[i].kind;
		return module(w, c, false) && string(w, &c->text) && close_paren(w);
	}
	if (!w->rc) {
		w->rc = ERR_MALFORMED;
		wat_error_at(w->err, w->src, kw->off, "unknown command %.*s",
			     (int)MIN(kw->len, 40u), w->src + kw->off);
	}
	return false;
}

static void values_free(struct wast_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].alts);
	free(v);
}

static void cmd_free(struct wast_cmd *c)
{
	free(c->name.s);
	free(c->def.s);
	free(c->as.s);
	free(c->text.s);
	free(c->bin);
	free(c->action.module.s);
	free(c->action.field.s);
	free(c->action.args);
	values_free(c->expected, c->nexpected);
}

/*
 * After command() failed on the command whose `(` is at `start`: a bad
 * command (not out of memory, and closed by its `)`) becomes an ERROR
 * command with the reason, and the script goes on after it. False if the
 * whole script fails.
 */
static bool command_recover(struct wp *w, struct wast_cmd *c, size_t start, uint32_t line)
{
	size_t end;

	if (w->rc != ERR_MALFORMED || w->t[start].kind != WAT_TOK_LPAR)
		return false;
	end = form_end(w, start);
	if (w->t[end].kind == WAT_TOK_EOF)
		return false;
	cmd_free(c);
	*c = (struct wast_cmd){.kind = WAST_ERROR, .line = line, .wat_err = *w->err};
	w->rc = 0;
	w->pos = end + 1;
	return true;
}

static bool is_module_field(const struct wp *w)
{
	static const char *const fields[] = {"type",   "import", "func",  "table", "memory",
					     "global", "export", "start", "elem",  "data"};
	if (peek(w)->kind != WAT_TOK_LPAR)
		return false;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (is_kw(w, &w->t[w->pos + 1], fields[i]))
			return true;
	return false;
}

void wast_script_free(struct wast_script *s)
{
	for (size_t i = 0; i < s->ncmds; i++)
		cmd_free(&s->cmds[i]);
	free(s->cmds);
	s->cmds = NULL;
	s->ncmds = 0;
}

int wast_parse(const char *src, size_t len, struct wast_script *out, struct wat_error *err)
{
	struct wat_toks toks;
	struct wast_script s = {0};
	size_t cap = 0;
	int rc = wat_lex(src, len, &toks, err);

	if (rc)
		return rc;
	struct wp w = {.src = src, .t = toks.v, .err = err, .line = 1};
	if (is_module_field(&w)) {
		/* a script of one module's fields alone */
		s.cmds = calloc(1, sizeof(*s.cmds));
		if (!s.cmds) {
			wat_toks_free(&toks);
			return ERR_NOMEM;
		}
		s.ncmds = 1;
		s.cmds[0].line = line_at(&w, toks.v[0].off);
		rc = wat_encode_toks(src, toks.v, &w.pos, true, &s.cmds[0].bin, &s.cmds[0].bin_len,
				     err);
		wat_toks_free(&toks);
		if (rc) {
			wast_script_free(&s);
			return rc;
		}
		*out = s;
		return 0;
	}
	while (peek(&w)->kind != WAT_TOK_EOF) {
		if (s.ncmds == cap) {
			cap = cap ? cap * 2 : 64;
			struct wast_cmd *v = realloc(s.cmds, cap * sizeof(*v));
			if (!v) {
				fail(&w, peek(&w), ERR_NOMEM, "out of memory");
				break;
			}
			s.cmds = v;
		}
		struct wast_cmd *c = &s.cmds[s.ncmds++];
		*c = (struct wast_cmd){0};
		size_t start = w.pos;
		uint32_t line = line_at(&w, w.t[start + 1].off);
		if (!command(&w, c) && !command_recover(&w, c, start, line))
			break;
	}
	wat_toks_free(&toks);
	if (w.rc) {
		wast_script_free(&s);
		return w.rc;
	}
	*out = s;
	return 0;
}
