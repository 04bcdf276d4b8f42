/*
 * wast_json.c - a small JSON reader (to a tree) and the conversion of
 * wast2json's tree into spec commands.
 *
 * Invariant: the tree owns its strings until conversion moves them into the
 * script (the tree's pointer is then NULL), so freeing both never frees
 * twice.
 */
#include "wast_json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/module_internal.h"

#define JSON_MAX_DEPTH 64

enum json_type { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct json {
	enum json_type t;
	bool b;
	char *s; /* J_STR: decoded; J_NUM: the text */
	size_t len;
	struct json *items; /* J_ARR, J_OBJ values */
	char **keys;	    /* J_OBJ */
	size_t n;
};

struct parser {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
	int status;
};

static void fail(struct parser *ps, int status, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->status)
		return;
	ps->status = status;
	n = fmt_snprintf(ps->err, ps->errlen, "byte %zu: ", (size_t)(ps->p - ps->start));
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		fmt_vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void json_free(struct json *j)
{
	free(j->s);
	for (size_t i = 0; i < j->n; i++) {
		json_free(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	memset(j, 0, sizeof(*j));
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at ps->p (on the opening quote); decoded output is never longer
 * than the input. */
static char *parse_string(struct parser *ps, size_t *out_len)
{
	const char *q = ++ps->p;
	char *o, *buf;

	while (q < ps->end && *q != '"')
		q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
	if (q >= ps->end) {
		fail(ps, ERR_MALFORMED, "unterminated string");
		return NULL;
	}
	buf = o = malloc((size_t)(q - ps->p) + 1);
	if (!buf) {
		fail(ps, ERR_NOMEM, "out of memory");
		return NULL;
	}
	while (ps->p < q) {
		char c = *ps->p++;
		unsigned cp, lo;

		if ((unsigned char)c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *ps->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			*o++ = c;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (q - ps->p < 4 || hex4(ps->p, &cp))
				goto bad;
			ps->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && q - ps->p >= 6 && ps->p[0] == '\\' &&
			    ps->p[1] == 'u' && !hex4(ps->p + 2, &lo) && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				ps->p += 6;
			}
			o += wasm_utf8_put((uint8_t *)o, cp);
			break;
		default:
			goto bad;
		}
	}
	ps->p = q + 1;
	*o = 0;
	*out_len = (size_t)(o - buf);
	return buf;
bad:
	free(buf);
	fail(ps, ERR_MALFORMED, "bad string escape or control character");
	return NULL;
}

static void parse_value(struct parser *ps, struct json *j, int depth);

/* Appends one element to an array or object being built. */
static struct json *grow(struct parser *ps, struct json *j, size_t *cap)
{
	if (j->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		struct json *it = realloc(j->items, nc * sizeof(*it));

		if (!it) {
			fail(ps, ERR_NOMEM, "out of memory");
			return NULL;
		}
		j->items = it;
		if (j->t == J_OBJ) {
			char **k = realloc(j->keys, nc * sizeof(*k));

			if (!k) {
				fail(ps, ERR_NOMEM, "out of memory");
				return NULL;
			}
			j->keys = k;
		}
		*cap = nc;
	}
	memset(&j->items[j->n], 0, sizeof(j->items[0]));
	return &j->items[j->n];
}

static void parse_container(struct parser *ps, struct json *j, int depth)
{
	char close = j->t == J_OBJ ? '}' : ']';
	size_t cap = 0;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return;
	}
	for (;;) {
		struct json *it = grow(ps, j, &cap);
		char *key = NULL;
		size_t klen;

		if (!it)
			return;
		skip_ws(ps);
		if (j->t == J_OBJ) {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, ERR_MALFORMED, "expected a key");
				return;
			}
			key = parse_string(ps, &klen);
			if (!key)
				return;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				fail(ps, ERR_MALFORMED, "expected ':'");
				return;
			}
			ps->p++;
			j->keys[j->n] = key;
		}
		j->n++;
		parse_value(ps, it, depth + 1);
		if (ps->status)
			return;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return;
		}
		fail(ps, ERR_MALFORMED, "expected ',' or '%c'", close);
		return;
	}
}

static void parse_value(struct parser *ps, struct json *j, int depth)
{
	skip_ws(ps);
	if (depth > JSON_MAX_DEPTH) {
		fail(ps, ERR_MALFORMED, "nested too deeply");
		return;
	}
	if (ps->p >= ps->end) {
		fail(ps, ERR_MALFORMED, "unexpected end");
		return;
	}
	switch (*ps->p) {
	case '{':
		j->t = J_OBJ;
		parse_container(ps, j, depth);
		return;
	case '[':
		j->t = J_ARR;
		parse_container(ps, j, depth);
		return;
	case '"':
		j->t = J_STR;
		j->s = parse_string(ps, &j->len);
		return;
	}
	if (ps->end - ps->p >= 4 && memcmp(ps->p, "null", 4) == 0) {
		j->t = J_NULL;
		ps->p += 4;
	} else if (ps->end - ps->p >= 4 && memcmp(ps->p, "true", 4) == 0) {
		j->t = J_BOOL;
		j->b = true;
		ps->p += 4;
	} else if (ps->end - ps->p >= 5 && memcmp(ps->p, "false", 5) == 0) {
		j->t = J_BOOL;
		ps->p += 5;
	} else if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
		const char *s = ps->p;

		while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p))
			ps->p++;
		j->t = J_NUM;
		j->len = (size_t)(ps->p - s);
		j->s = malloc(j->len + 1);
		if (!j->s) {
			fail(ps, ERR_NOMEM, "out of memory");
			return;
		}
		memcpy(j->s, s, j->len);
		j->s[j->len] = 0;
	} else {
		fail(ps, ERR_MALFORMED, "unexpected character '%c'", *ps->p);
	}
}

/* ---- conversion ---- */

static struct json *get(struct json *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->items[i];
	return NULL;
}

/* Moves a string member out of the tree (absent: s == NULL). */
static struct spec_str take_str(struct json *o, const char *key)
{
	struct json *v = get(o, key);
	struct spec_str r = {0};

	if (v && v->t == J_STR) {
		r.s = v->s;
		r.len = v->len;
		v->s = NULL;
	}
	return r;
}

static bool is_str(const struct json *j, const char *s)
{
	return j && j->t == J_STR && strcmp(j->s, s) == 0;
}

/* A decimal unsigned number no larger than max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* A v128's lanes: one decimal string per lane of `lane_type`'s width (a
 * float lane may be a NaN pattern), written little-endian into v->v128. */
static bool convert_v128(struct json *lane_type, struct json *val, struct spec_value *v)
{
	static const char *const types[] = {"i8", "i16", "i32", "i64", "f32", "f64"};
	static const uint8_t widths[] = {1, 2, 4, 8, 4, 8};
	size_t s;

	for (s = 0; s < sizeof(types) / sizeof(types[0]); s++)
		if (is_str(lane_type, types[s]))
			break;
	if (s == sizeof(types) / sizeof(types[0]) || val->t != J_ARR || val->n * widths[s] != 16)
		return false;
	v->kind = SPEC_VAL_BITS;
	v->shape = (uint8_t)s;
	for (size_t i = 0; i < val->n; i++) {
		struct json *lane = &val->items[i];
		uint64_t x;
		if (s >= SPEC_F32X4 && is_str(lane, "nan:canonical")) {
			v->lane_kind[i] = SPEC_VAL_NAN_CANONICAL;
			continue;
		}
		if (s >= SPEC_F32X4 && is_str(lane, "nan:arithmetic")) {
			v->lane_kind[i] = SPEC_VAL_NAN_ARITHMETIC;
			continue;
		}
		if (lane->t != J_STR ||
		    !parse_u64(lane->s,
			       widths[s] == 8 ? UINT64_MAX : (UINT64_C(1) << 8 * widths[s]) - 1,
			       &x))
			return false;
		for (unsigned k = 0; k < widths[s]; k++)
			v->v128[i * widths[s] + k] = (uint8_t)(x >> (8 * k));
	}
	return true;
}

static bool convert_value(struct json *j, struct spec_value *v)
{
	static const char *const types[] = {"i32",     "i64",	    "f32", "f64",
					    "funcref", "externref", "v128"};
	struct json *t = get(j, "type"), *val = get(j, "value");
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (is_str(t, types[i]))
			break;
	if (i == sizeof(types) / sizeof(types[0]))
		return false;
	*v = (struct spec_value){.type = (enum spec_val_type)i};
	if (!val) {
		v->kind = SPEC_VAL_ANY;
		return true;
	}
	if (v->type == SPEC_V128)
		return convert_v128(get(j, "lane_type"), val, v);
	if (val->t != J_STR)
		return false;
	if ((v->type == SPEC_F32 || v->type == SPEC_F64) && is_str(val, "nan:canonical")) {
		v->kind = SPEC_VAL_NAN_CANONICAL;
		return true;
	}
	if ((v->type == SPEC_F32 || v->type == SPEC_F64) && is_str(val, "nan:arithmetic")) {
		v->kind = SPEC_VAL_NAN_ARITHMETIC;
		return true;
	}
	if ((v->type == SPEC_FUNCREF || v->type == SPEC_EXTERNREF) && is_str(val, "null")) {
		v->kind = SPEC_VAL_NULL;
		return true;
	}
	v->kind = SPEC_VAL_BITS;
	return parse_u64(val->s,
			 v->type == SPEC_I32 || v->type == SPEC_F32 ? UINT32_MAX : UINT64_MAX,
			 &v->bits);
}

static bool convert_values(struct json *arr, struct spec_value **out, size_t *out_n)
{
	struct spec_value *v;

	*out = NULL;
	*out_n = 0;
	if (!arr)
		return true;
	if (arr->t != J_ARR)
		return false;
	if (!arr->n)
		return true;
	v = calloc(arr->n, sizeof(*v));
	if (!v)
		return false;
	*out = v;
	for (size_t i = 0; i < arr->n; i++)
		if (!convert_value(&arr->items[i], &v[i]))
			return false;
	*out_n = arr->n;
	return true;
}

static const char *const kind_names[] = {
	[SPEC_CMD_MODULE] = "module",
	[SPEC_CMD_REGISTER] = "register",
	[SPEC_CMD_ACTION] = "action",
	[SPEC_CMD_ASSERT_RETURN] = "assert_return",
	[SPEC_CMD_ASSERT_TRAP] = "assert_trap",
	[SPEC_CMD_ASSERT_EXHAUSTION] = "assert_exhaustion",
	[SPEC_CMD_ASSERT_INVALID] = "assert_invalid",
	[SPEC_CMD_ASSERT_MALFORMED] = "assert_malformed",
	[SPEC_CMD_ASSERT_UNLINKABLE] = "assert_unlinkable",
	[SPEC_CMD_ASSERT_UNINSTANTIABLE] = "assert_uninstantiable",
	[SPEC_CMD_ASSERT_EXCEPTION] = "assert_exception",
	[SPEC_CMD_MODULE_INSTANCE] = "module instance",
	[SPEC_CMD_ERROR] = "unreadable command",
};

const char *spec_cmd_kind_name(enum spec_cmd_kind k)
{
	return (size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

static void command_free(struct spec_command *c)
{
	free(c->filename.s);
	free(c->name.s);
	free(c->def.s);
	free(c->as.s);
	free(c->text.s);
	free(c->action.module.s);
	free(c->action.field.s);
	free(c->action.args);
	for (size_t i = 0; i < c->nexpected; i++)
		free(c->expected[i].alts);
	free(c->expected);
	free(c->bin);
	free(c->refused);
}

/* Converts one command; returns false with a reason in *why. */
static bool convert_command(struct json *j, struct spec_command *c, const char **why)
{
	struct json *type = get(j, "type"), *line = get(j, "line"), *act = get(j, "action");
	uint64_t ln = 0;
	size_t k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (is_str(type, kind_names[k]))
			break;
	*why = "unknown command type";
	/* the instances and unreadable commands of .wast scripts only */
	if (k == sizeof(kind_names) / sizeof(kind_names[0]) || k == SPEC_CMD_MODULE_INSTANCE ||
	    k == SPEC_CMD_ERROR)
		return false;
	c->kind = (enum spec_cmd_kind)k;
	*why = "bad line number";
	if (!line || line->t != J_NUM || !parse_u64(line->s, UINT32_MAX, &ln))
		return false;
	c->line = (uint32_t)ln;
	c->filename = take_str(j, "filename");
	c->name = take_str(j, "name");
	c->as = take_str(j, "as");
	c->text = take_str(j, "text");
	c->text_module = is_str(get(j, "module_type"), "text");
	if (act) {
		struct json *at = get(act, "type");

		*why = "bad action";
		if (!is_str(at, "invoke") && !is_str(at, "get"))
			return false;
		c->has_action = true;
		c->action.is_get = is_str(at, "get");
		c->action.module = take_str(act, "module");
		c->action.field = take_str(act, "field");
		if (!c->action.field.s ||
		    !convert_values(get(act, "args"), &c->action.args, &c->action.nargs))
			return false;
	}
	*why = "bad expected values";
	if (!convert_values(get(j, "expected"), &c->expected, &c->nexpected))
		return false;
	*why = "missing field for this command";
	switch (c->kind) {
	case SPEC_CMD_MODULE:
		return c->filename.s != NULL;
	case SPEC_CMD_REGISTER:
		return c->as.s != NULL;
	case SPEC_CMD_ACTION:
	case SPEC_CMD_ASSERT_RETURN:
	case SPEC_CMD_ASSERT_TRAP:
	case SPEC_CMD_ASSERT_EXHAUSTION:
	case SPEC_CMD_ASSERT_EXCEPTION:
		return c->has_action;
	default:
		return c->filename.s != NULL && c->text.s != NULL;
	}
}

void spec_script_free(struct spec_script *s)
{
	for (size_t i = 0; i < s->ncmds; i++)
		command_free(&s->cmds[i]);
	free(s->cmds);
	free(s->source.s);
	memset(s, 0, sizeof(*s));
}

int spec_script_parse(const char *json, size_t len, struct spec_script *out, char *err,
		      size_t errlen)
{
	struct parser ps = {
		.p = json, .end = json + len, .start = json, .err = err, .errlen = errlen};
	struct spec_script s = {0};
	struct json root = {0}, *cmds;
	const char *why;

	if (errlen)
		err[0] = 0;
	parse_value(&ps, &root, 0);
	skip_ws(&ps);
	if (!ps.status && ps.p != ps.end)
		fail(&ps, ERR_MALFORMED, "trailing data");
	if (ps.status)
		goto out;
	cmds = get(&root, "commands");
	if (!cmds || cmds->t != J_ARR) {
		fail(&ps, ERR_MALFORMED, "no \"commands\" array");
		goto out;
	}
	s.source = take_str(&root, "source_filename");
	s.cmds = calloc(cmds->n ? cmds->n : 1, sizeof(*s.cmds));
	if (!s.cmds) {
		fail(&ps, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cmds->n; i++) {
		bool ok = convert_command(&cmds->items[i], &s.cmds[i], &why);

		s.ncmds = i + 1;
		if (!ok) {
			fmt_snprintf(err, errlen, "command %zu (line %u): %s", i, s.cmds[i].line,
				     why);
			ps.status = ERR_MALFORMED;
			goto out;
		}
	}
	*out = s;
	memset(&s, 0, sizeof(s));
out:
	spec_script_free(&s);
	json_free(&root);
	return ps.status;
}
