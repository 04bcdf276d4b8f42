/*
 * filter.c - the filter compiler (recursive descent, depth-limited) and the
 * postfix evaluator (see filter.h for the grammar).
 *
 * Invariant of a compiled program: postfix order, every AND/OR pops two
 * values and pushes one, NOT pops one and pushes one, a predicate pushes
 * one; the whole program leaves exactly one value. Field offsets and sizes
 * were checked against the event's record size at compile time.
 */
#include "trace/filter.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "trace/ring.h"

enum node_op {
	N_EQ,
	N_NE,
	N_LT,
	N_LE,
	N_GT,
	N_GE,
	N_BAND,
	N_GLOB,
	N_AND,
	N_OR,
	N_NOT,
};

#define MAX_NODES (TRACE_FILTER_MAX_PREDS * 2 + 8)
#define MAX_DEPTH 16

struct node {
	uint8_t op;
	uint8_t is_str;
	uint8_t is_signed;
	uint8_t size; /* numeric field size, or 0 */
	uint16_t offset;
	uint16_t str_size; /* string field capacity, 0: to the end of the record */
	uint64_t val;
	char str[TRACE_FILTER_MAX_STR + 1];
};

struct trace_filter {
	uint32_t n;
	struct node nodes[MAX_NODES];
};

static const char E_INVALID_OP[] = "Invalid operator";
static const char E_TOO_MANY_OPEN[] = "Too many '('";
static const char E_TOO_MANY_CLOSE[] = "Too few '('";
static const char E_MISSING_QUOTE[] = "Missing matching quote";
static const char E_OPERAND_TOO_LONG[] = "Operand too long";
static const char E_ILLEGAL_FIELD_OP[] = "Illegal operation for field type";
static const char E_FIELD_NOT_FOUND[] = "Field not found";
static const char E_ILLEGAL_INTVAL[] = "Illegal integer value";
static const char E_TOO_MANY_PREDS[] = "Too many terms in predicate expression";
static const char E_INVALID_FILTER[] = "Meaningless filter expression";
static const char E_INVALID_VALUE[] = "Invalid value (did you forget quotes)?";

static const struct trace_event_field common_fields[] = {
	{.type = "unsigned short", .name = "common_type", .offset = 0, .size = 2},
	{.type = "unsigned char", .name = "common_flags", .offset = 2, .size = 1},
	{.type = "unsigned char", .name = "common_preempt_count", .offset = 3, .size = 1},
	{.type = "int", .name = "common_pid", .offset = 4, .size = 4, .is_signed = 1},
};

struct parser {
	const struct trace_event_def *def;
	const char *s;
	size_t len, pos;
	int depth;
	unsigned preds;
	struct trace_filter *f;
	const char *err;
	size_t err_pos;
};

static bool fail(struct parser *p, const char *msg, size_t pos)
{
	if (!p->err) {
		p->err = msg;
		p->err_pos = pos;
	}
	return false;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len &&
	       (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n'))
		p->pos++;
}

static bool at(struct parser *p, const char *tok)
{
	size_t n = strlen(tok);
	skip_ws(p);
	return p->len - p->pos >= n && memcmp(p->s + p->pos, tok, n) == 0;
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '*' || c == '?' || c == '[' || c == ']' ||
	       c == '/' || c == ':';
}

static bool emit(struct parser *p, struct node *n)
{
	if (p->f->n == MAX_NODES)
		return fail(p, E_TOO_MANY_PREDS, p->pos);
	p->f->nodes[p->f->n++] = *n;
	return true;
}

static const struct trace_event_field *find_field(const struct trace_event_def *def,
						  const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(common_fields); i++)
		if (strlen(common_fields[i].name) == len &&
		    memcmp(common_fields[i].name, name, len) == 0)
			return &common_fields[i];
	for (uint32_t i = 0; i < def->nfields; i++)
		if (strlen(def->fields[i].name) == len &&
		    memcmp(def->fields[i].name, name, len) == 0)
			return &def->fields[i];
	return NULL;
}

static bool parse_op(struct parser *p, enum node_op *op)
{
	static const struct {
		const char *tok;
		enum node_op op;
	} ops[] = {{"==", N_EQ}, {"!=", N_NE}, {"<=", N_LE},  {">=", N_GE},
		   {"<", N_LT},	 {">", N_GT},  {"~", N_GLOB}, {"&", N_BAND}};

	skip_ws(p);
	if (at(p, "&&"))
		return fail(p, E_INVALID_OP, p->pos);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (at(p, ops[i].tok)) {
			p->pos += strlen(ops[i].tok);
			*op = ops[i].op;
			return true;
		}
	}
	return fail(p, E_INVALID_OP, p->pos);
}

static bool parse_number(struct parser *p, struct node *n, size_t start, size_t end)
{
	const char *s = p->s + start;
	size_t len = end - start, i = 0;
	bool neg = false;
	uint64_t v = 0, base = 10;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	} else if (i + 1 < len && s[i] == '0') {
		base = 8;
		i++;
	}
	if (i == len)
		return fail(p, E_ILLEGAL_INTVAL, start);
	for (; i < len; i++) {
		char c = s[i];
		uint64_t d = c >= '0' && c <= '9'   ? (uint64_t)(c - '0')
			     : c >= 'a' && c <= 'f' ? (uint64_t)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (uint64_t)(c - 'A' + 10)
						    : 99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return fail(p, E_ILLEGAL_INTVAL, start);
		v = v * base + d;
	}
	n->val = neg ? (uint64_t)0 - v : v;
	return true;
}

static bool parse_pred(struct parser *p)
{
	struct node n;
	enum node_op op;

	memset(&n, 0, sizeof(n));
	skip_ws(p);
	size_t fstart = p->pos;
	while (p->pos < p->len && (is_word(p->s[p->pos]) && p->s[p->pos] != '-'))
		p->pos++;
	if (p->pos == fstart)
		return fail(p, p->pos == p->len ? E_INVALID_FILTER : E_INVALID_OP, fstart);
	const struct trace_event_field *fd = find_field(p->def, p->s + fstart, p->pos - fstart);
	if (!fd)
		return fail(p, E_FIELD_NOT_FOUND, fstart);
	skip_ws(p);
	size_t opos = p->pos;
	if (!parse_op(p, &op))
		return false;
	bool str_field = fd->kind == TRACE_FIELD_STRING || fd->kind == TRACE_FIELD_DYNSTR;
	if (fd->kind == TRACE_FIELD_ARRAY)
		return fail(p, E_ILLEGAL_FIELD_OP, opos);
	if (str_field && op != N_EQ && op != N_NE && op != N_GLOB)
		return fail(p, E_ILLEGAL_FIELD_OP, opos);
	if (!str_field && op == N_GLOB)
		return fail(p, E_ILLEGAL_FIELD_OP, opos);

	skip_ws(p);
	size_t vstart = p->pos, vend;
	if (p->pos < p->len && (p->s[p->pos] == '"' || p->s[p->pos] == '\'')) {
		char q = p->s[p->pos++];
		const char *close = memchr(p->s + p->pos, q, p->len - p->pos);
		if (!close)
			return fail(p, E_MISSING_QUOTE, vstart);
		vstart = p->pos;
		vend = (size_t)(close - p->s);
		p->pos = vend + 1;
		if (!str_field)
			return fail(p, E_ILLEGAL_INTVAL, vstart - 1);
	} else {
		while (p->pos < p->len && is_word(p->s[p->pos]))
			p->pos++;
		vend = p->pos;
		if (vend == vstart)
			return fail(p, str_field ? E_INVALID_VALUE : E_ILLEGAL_INTVAL, vstart);
	}
	n.op = (uint8_t)op;
	n.offset = fd->offset;
	if (str_field) {
		if (vend - vstart > TRACE_FILTER_MAX_STR)
			return fail(p, E_OPERAND_TOO_LONG, vstart);
		n.is_str = 1;
		n.str_size = fd->kind == TRACE_FIELD_DYNSTR ? 0 : fd->size;
		memcpy(n.str, p->s + vstart, vend - vstart);
		n.str[vend - vstart] = '\0';
	} else {
		if (fd->size != 1 && fd->size != 2 && fd->size != 4 && fd->size != 8)
			return fail(p, E_ILLEGAL_FIELD_OP, opos);
		n.size = (uint8_t)fd->size;
		n.is_signed = fd->is_signed;
		if (!parse_number(p, &n, vstart, vend))
			return false;
	}
	if (++p->preds > TRACE_FILTER_MAX_PREDS)
		return fail(p, E_TOO_MANY_PREDS, fstart);
	return emit(p, &n);
}

static bool parse_or(struct parser *p);

static bool parse_unary(struct parser *p)
{
	skip_ws(p);
	if (at(p, "!") && !at(p, "!=")) {
		p->pos++;
		if (++p->depth > MAX_DEPTH)
			return fail(p, E_TOO_MANY_OPEN, p->pos);
		bool ok = parse_unary(p);
		p->depth--;
		struct node n = {.op = N_NOT};
		return ok && emit(p, &n);
	}
	if (at(p, "(")) {
		size_t open = p->pos++;
		if (++p->depth > MAX_DEPTH)
			return fail(p, E_TOO_MANY_OPEN, open);
		if (at(p, ")"))
			return fail(p, E_INVALID_FILTER, p->pos);
		if (!parse_or(p))
			return false;
		if (!at(p, ")"))
			return fail(p, p->pos >= p->len ? E_TOO_MANY_OPEN : E_INVALID_FILTER,
				    p->pos >= p->len ? open : p->pos);
		p->pos++;
		p->depth--;
		return true;
	}
	if (at(p, ")"))
		return fail(p, E_TOO_MANY_CLOSE, p->pos);
	return parse_pred(p);
}

static bool parse_and(struct parser *p)
{
	if (!parse_unary(p))
		return false;
	while (at(p, "&&")) {
		p->pos += 2;
		struct node n = {.op = N_AND};
		if (!parse_unary(p) || !emit(p, &n))
			return false;
	}
	return true;
}

static bool parse_or(struct parser *p)
{
	if (!parse_and(p))
		return false;
	while (at(p, "||")) {
		p->pos += 2;
		struct node n = {.op = N_OR};
		if (!parse_and(p) || !emit(p, &n))
			return false;
	}
	return true;
}

int trace_filter_compile(const struct trace_event_def *def, const char *text, size_t len,
			 struct trace_filter **out, size_t *err_pos, const char **err_msg)
{
	struct parser p = {.def = def, .s = text, .len = len};

	p.f = malloc(sizeof(*p.f));
	if (!p.f)
		return ERR_NOMEM;
	p.f->n = 0;
	bool ok = parse_or(&p);
	if (ok) {
		skip_ws(&p);
		if (p.pos < p.len)
			ok = fail(&p, p.s[p.pos] == ')' ? E_TOO_MANY_CLOSE : E_INVALID_FILTER,
				  p.pos);
	}
	if (!ok) {
		free(p.f);
		*err_pos = p.err_pos;
		*err_msg = p.err ? p.err : E_INVALID_FILTER;
		return ERR_INVAL;
	}
	*out = p.f;
	return 0;
}

void trace_filter_free(struct trace_filter *f)
{
	free(f);
}

static bool class_match(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool neg = *p == '!' || *p == '^', hit = false;

	if (neg)
		p++;
	do {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= c >= p[0] && c <= p[2];
			p += 3;
		} else {
			hit |= c == *p;
			p++;
		}
	} while (*p && *p != ']');
	*pp = *p ? p + 1 : p;
	return hit != neg;
}

bool trace_glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	for (;;) {
		if (*pat == '*') {
			star = ++pat;
			resume = s;
			continue;
		}
		if (*s == '\0' && *pat == '\0')
			return true;
		if (*s != '\0') {
			const char *next = pat;
			bool ok = false;
			if (*pat == '?') {
				ok = true;
				next = pat + 1;
			} else if (*pat == '[' && strchr(pat, ']')) {
				ok = class_match(&next, *s);
			} else if (*pat) {
				ok = *pat == *s;
				next = pat + 1;
			}
			if (ok) {
				pat = next;
				s++;
				continue;
			}
		}
		if (!star || *resume == '\0')
			return false;
		pat = star;
		s = ++resume;
	}
}

static bool eval_pred(const struct node *n, const unsigned char *rec, size_t len)
{
	if (n->is_str) {
		char buf[TRACE_RECORD_MAX + 1];
		size_t cap = n->str_size ? n->str_size : (len > n->offset ? len - n->offset : 0);
		if ((size_t)n->offset + cap > len)
			return false;
		const char *src = (const char *)rec + n->offset;
		const char *nul = memchr(src, 0, cap);
		size_t sl = nul ? (size_t)(nul - src) : cap;
		memcpy(buf, src, sl);
		buf[sl] = '\0';
		if (n->op == N_GLOB)
			return trace_glob_match(n->str, buf);
		return (strcmp(buf, n->str) == 0) == (n->op == N_EQ);
	}
	if ((size_t)n->offset + n->size > len)
		return false;
	uint64_t u = 0;
	int64_t sv = 0;
	switch (n->size) {
	case 1: {
		uint8_t x;
		memcpy(&x, rec + n->offset, 1);
		u = x;
		sv = (int8_t)x;
		break;
	}
	case 2: {
		uint16_t x;
		memcpy(&x, rec + n->offset, 2);
		u = x;
		sv = (int16_t)x;
		break;
	}
	case 4: {
		uint32_t x;
		memcpy(&x, rec + n->offset, 4);
		u = x;
		sv = (int32_t)x;
		break;
	}
	default:
		memcpy(&u, rec + n->offset, 8);
		sv = (int64_t)u;
		break;
	}
	int64_t sval = (int64_t)n->val;
	bool lt = n->is_signed ? sv < sval : u < n->val;
	bool eq = n->is_signed ? sv == sval : u == n->val;
	switch (n->op) {
	case N_EQ:
		return eq;
	case N_NE:
		return !eq;
	case N_LT:
		return lt;
	case N_LE:
		return lt || eq;
	case N_GT:
		return !lt && !eq;
	case N_GE:
		return !lt;
	case N_BAND:
		return (u & n->val) != 0;
	default:
		return false;
	}
}

bool trace_filter_match(const struct trace_filter *f, const void *rec, size_t len)
{
	bool st[MAX_NODES];
	int sp = 0;

	for (uint32_t i = 0; i < f->n; i++) {
		const struct node *n = &f->nodes[i];
		switch (n->op) {
		case N_AND:
			sp--;
			st[sp - 1] = st[sp - 1] && st[sp];
			break;
		case N_OR:
			sp--;
			st[sp - 1] = st[sp - 1] || st[sp];
			break;
		case N_NOT:
			st[sp - 1] = !st[sp - 1];
			break;
		default:
			st[sp++] = eval_pred(n, rec, len);
			break;
		}
	}
	return sp == 1 ? st[0] : true;
}
