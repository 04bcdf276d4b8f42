/*
 * tracedat_report.c - one record of a trace.dat file as a line of
 * `trace-cmd report` (tracedat_event_line): the task from the saved
 * cmdlines, the CPU, the time, the event, and its fields through the
 * event's print fmt when this reader can evaluate it (below), else every
 * field as name=value. Every field read is bounded by the record.
 */
#include <string.h>

#include "base/fmt.h"
#include "trace/output.h"
#include "trace/tracedat_read.h"

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static const struct tracedat_rfield *field_by(const struct tracedat_rformat *ef, const char *name,
					      size_t len)
{
	for (uint32_t i = 0; i < ef->nfields; i++)
		if (strlen(ef->fields[i].name) == len && memcmp(ef->fields[i].name, name, len) == 0)
			return &ef->fields[i];
	return NULL;
}

/* A scalar field's value, sign-extended when signed; false if outside rec. */
static bool field_int(const struct tracedat_file *f, const struct tracedat_revent *ev,
		      const struct tracedat_rfield *fd, uint64_t *v)
{
	if (fd->kind != TRACEDAT_SCALAR || fd->offset > ev->len || fd->size > ev->len - fd->offset)
		return false;
	uint64_t x = tracedat_read_num(f, ev->rec + fd->offset, fd->size);
	if (fd->is_signed && fd->size < 8 && (x >> (fd->size * 8 - 1) & 1))
		x |= ~0ull << (fd->size * 8);
	*v = x;
	return true;
}

/* A string field's bytes: [*s, *s + *n), no NUL. */
static bool field_str(const struct tracedat_file *f, const struct tracedat_revent *ev,
		      const struct tracedat_rfield *fd, const char **s, size_t *n)
{
	uint32_t off = fd->offset, size = fd->size;
	if (fd->kind == TRACEDAT_DATALOC) {
		if (off > ev->len || 4 > ev->len - off)
			return false;
		uint32_t loc = (uint32_t)tracedat_read_num(f, ev->rec + off, 4);
		off = loc & 0xffff;
		size = loc >> 16;
	} else if (fd->kind == TRACEDAT_DYNSTR) {
		size = off <= ev->len ? ev->len - off : 0;
	} else if (fd->kind != TRACEDAT_STRING) {
		return false;
	}
	if (off > ev->len || size > ev->len - off)
		return false;
	const char *p = (const char *)ev->rec + off, *z = memchr(p, 0, size);
	*s = p;
	*n = z ? (size_t)(z - p) : size;
	return true;
}

/* Every field but the common ones as name=value. */
static void fields_plain(struct trace_sbuf *b, const struct tracedat_file *f,
			 const struct tracedat_rformat *ef, const struct tracedat_revent *ev)
{
	const char *sep = "";
	for (uint32_t i = 0; i < ef->nfields; i++) {
		const struct tracedat_rfield *fd = &ef->fields[i];
		const char *s;
		size_t n;
		uint64_t v;
		if (strncmp(fd->name, "common_", 7) == 0)
			continue;
		trace_sbuf_printf(b, "%s%s=", sep, fd->name);
		sep = " ";
		if (field_int(f, ev, fd, &v))
			trace_sbuf_printf(b, fd->is_signed ? "%lld" : "%llu", (long long)v);
		else if (field_str(f, ev, fd, &s, &n))
			trace_sbuf_printf(b, "%.*s", (int)n, s);
		else if (fd->offset <= ev->len && fd->size <= ev->len - fd->offset)
			for (uint32_t j = 0; j < fd->size; j++)
				trace_sbuf_printf(b, "%s%02x", j ? ":" : "",
						  ev->rec[fd->offset + j]);
		else
			trace_sbuf_printf(b, "<cut>");
	}
}

/* ---- the print fmt ----
 *
 * The arguments a print fmt of this kernel uses (and many of Linux's):
 *
 *   expr := cmp [ '?' expr ':' expr ]
 *   cmp  := prim [ ('==' | '!=') prim ]
 *   prim := [ '(' TYPE ')' ] REC->NAME | "string" | NUMBER
 *
 * Anything else (a function call, arithmetic) makes the line fall back to
 * name=value. */

#define EXPR_DEPTH 16

struct pval {
	bool is_str;
	uint64_t v;
	const char *s;
	size_t n;
};

struct pfmt {
	const struct tracedat_file *f;
	const struct tracedat_rformat *ef;
	const struct tracedat_revent *ev;
	const char *p, *end;
};

static void pf_space(struct pfmt *x)
{
	while (x->p < x->end && (*x->p == ' ' || *x->p == '\t'))
		x->p++;
}

static bool pf_take(struct pfmt *x, const char *tok)
{
	size_t n = strlen(tok);
	pf_space(x);
	if ((size_t)(x->end - x->p) < n || memcmp(x->p, tok, n) != 0)
		return false;
	x->p += n;
	return true;
}

/* A quoted string at x->p (escapes kept: fine for names and words). */
static bool pf_string(struct pfmt *x, struct pval *v)
{
	const char *s = ++x->p;
	while (x->p < x->end && *x->p != '"')
		x->p += *x->p == '\\' && x->p + 1 < x->end ? 2 : 1;
	if (x->p >= x->end)
		return false;
	*v = (struct pval){.is_str = true, .s = s, .n = (size_t)(x->p - s)};
	x->p++;
	return true;
}

static bool pf_prim(struct pfmt *x, struct pval *v)
{
	pf_space(x);
	if (x->p < x->end && *x->p == '"')
		return pf_string(x, v);
	if (x->p < x->end && *x->p >= '0' && *x->p <= '9') {
		uint64_t n = 0;
		while (x->p < x->end && *x->p >= '0' && *x->p <= '9' && n < (1ull << 56))
			n = n * 10 + (uint64_t)(*x->p++ - '0');
		*v = (struct pval){.v = n};
		return true;
	}
	if (x->p < x->end && *x->p == '(') { /* a cast: its type words */
		x->p++;
		while (x->p < x->end && (is_ident(*x->p) || *x->p == ' ' || *x->p == '*'))
			x->p++;
		if (!pf_take(x, ")"))
			return false;
	}
	if (!pf_take(x, "REC->"))
		return false;
	const char *ns = x->p;
	while (x->p < x->end && is_ident(*x->p))
		x->p++;
	const struct tracedat_rfield *fd = field_by(x->ef, ns, (size_t)(x->p - ns));
	if (!fd)
		return false;
	*v = (struct pval){0};
	if (field_int(x->f, x->ev, fd, &v->v))
		return true;
	v->is_str = true;
	return field_str(x->f, x->ev, fd, &v->s, &v->n);
}

static bool pf_expr(struct pfmt *x, struct pval *v, int depth)
{
	struct pval r;
	if (depth > EXPR_DEPTH || !pf_prim(x, v))
		return false;
	bool eq = pf_take(x, "=="), ne = !eq && pf_take(x, "!=");
	if (eq || ne) {
		if (!pf_prim(x, &r) || v->is_str || r.is_str)
			return false;
		*v = (struct pval){.v = (v->v == r.v) == eq};
	}
	if (!pf_take(x, "?"))
		return true;
	if (v->is_str)
		return false;
	bool cond = v->v != 0;
	struct pval a, b;
	if (!pf_expr(x, &a, depth + 1) || !pf_take(x, ":") || !pf_expr(x, &b, depth + 1))
		return false;
	*v = cond ? a : b;
	return true;
}

/* One conversion `spec` (its flags, width and precision; no length) of
 * `conv` applied to v. */
static bool pf_convert(struct trace_sbuf *b, char *spec, size_t sl, char conv, const struct pval *v)
{
	if (conv == 's') {
		if (!v->is_str || memchr(spec, '.', sl))
			return false; /* a precision of the fmt's own: not handled */
		memcpy(spec + sl, ".*s", 4);
		trace_sbuf_printf(b, spec, (int)v->n, v->s);
		return true;
	}
	if (v->is_str)
		return false;
	if (conv == 'p') {
		trace_sbuf_printf(b, "0x%llx", (unsigned long long)v->v);
	} else if (conv == 'c') {
		trace_sbuf_printf(b, "%c", (int)(char)v->v);
	} else {
		spec[sl++] = 'l';
		spec[sl++] = 'l';
		spec[sl++] = conv;
		spec[sl] = 0;
		trace_sbuf_printf(b, spec, (long long)v->v);
	}
	return true;
}

/* The print fmt applied (true), or false (b then holds a part). */
static bool fields_printed(struct trace_sbuf *b, const struct tracedat_file *f,
			   const struct tracedat_rformat *ef, const struct tracedat_revent *ev)
{
	struct pfmt x = {f, ef, ev, ef->print, ef->print};
	struct pval fmtv, v;

	if (!ef->print)
		return false;
	x.end += ef->print_len;
	pf_space(&x);
	if (x.p == x.end || *x.p != '"' || !pf_string(&x, &fmtv))
		return false;
	for (const char *q = fmtv.s, *qe = fmtv.s + fmtv.n; q < qe;) {
		if (*q == '\\' && q + 1 < qe) {
			trace_sbuf_printf(b, "%c", q[1] == 'n' ? '\n' : q[1] == 't' ? '\t' : q[1]);
			q += 2;
			continue;
		}
		if (*q != '%') {
			trace_sbuf_printf(b, "%c", *q++);
			continue;
		}
		if (q + 1 < qe && q[1] == '%') {
			trace_sbuf_printf(b, "%%");
			q += 2;
			continue;
		}
		char spec[40];
		size_t sl = 0;
		spec[sl++] = '%';
		for (q++; q < qe && strchr("-0+ #", *q) && sl < 8; q++)
			spec[sl++] = *q;
		for (; q < qe && ((*q >= '0' && *q <= '9') || *q == '.') && sl < 30; q++)
			spec[sl++] = *q;
		while (q < qe && (*q == 'h' || *q == 'l' || *q == 'z'))
			q++;
		if (q >= qe || !strchr("diuxXoscp", *q) || !*q)
			return false;
		spec[sl] = 0;
		if (!pf_take(&x, ",") || !pf_expr(&x, &v, 0) || !pf_convert(b, spec, sl, *q, &v))
			return false;
		q++;
	}
	pf_space(&x);
	return x.p == x.end;
}

int tracedat_event_line(const struct tracedat_file *f, const struct tracedat_revent *ev, char *buf,
			size_t size)
{
	struct trace_sbuf b = {buf, size, 0};
	uint32_t type = ev->len >= 2 ? (uint32_t)tracedat_read_num(f, ev->rec, 2) : UINT32_MAX;
	const struct tracedat_rformat *ef = tracedat_find_format(f, type);
	const struct tracedat_rfield *pf = ef ? field_by(ef, "common_pid", 10) : NULL;
	struct tracedat_rfield pid_default = {.offset = 4, .size = 4, .is_signed = true};
	uint64_t pid = 0;
	const char *comm = "<...>";

	if (!field_int(f, ev, pf ? pf : &pid_default, &pid))
		pid = 0;
	int32_t p32 = (int32_t)pid;
	if (p32 == 0)
		comm = "<idle>";
	for (size_t i = 0; i < f->ncmdlines; i++)
		if (f->cmdlines[i].pid == p32 && p32 != 0)
			comm = f->cmdlines[i].comm;
	uint64_t us = ev->ts / 1000u + (ev->ts % 1000u >= 500u); /* rounded, as trace-cmd */
	trace_sbuf_printf(&b, "%16s-%-5d [%03u] %5llu.%06llu: ", comm, p32, ev->cpu,
			  (unsigned long long)(us / 1000000u), (unsigned long long)(us % 1000000u));
	if (!ef) {
		trace_sbuf_printf(&b, "[unknown event %u]: %u bytes\n", type, ev->len);
		return (int)b.len;
	}
	char name[TRACEDAT_NAME_MAX + 1];
	fmt_snprintf(name, sizeof(name), "%s:", ef->name);
	trace_sbuf_printf(&b, "%-20s ", name);
	size_t mark = b.len;
	if (!fields_printed(&b, f, ef, ev)) {
		b.len = mark;
		if (mark < size)
			buf[mark] = 0;
		fields_plain(&b, f, ef, ev);
	}
	trace_sbuf_printf(&b, "\n");
	/* one line of text whatever the file holds: a control byte of a
	 * field or of the print fmt (a NUL, an escape sequence, a newline) is
	 * shown as '?' */
	size_t end = b.len < size ? b.len - 1 : size ? size - 1 : 0;
	for (size_t i = 0; i < end; i++)
		if ((unsigned char)buf[i] < 0x20 ? buf[i] != '\t' : buf[i] == 0x7f)
			buf[i] = '?';
	return (int)b.len;
}
