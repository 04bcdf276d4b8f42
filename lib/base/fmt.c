/*
 * fmt.c - the printf engine behind fmt.h.
 *
 * Output goes through a cursor that counts every byte it is offered and
 * stores only those that fit, so the return value is always the full length.
 */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t cap; /* bytes we may store, NUL excluded */
	size_t len; /* bytes offered so far */
};

static void put(struct out *o, char c)
{
	if (o->len < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
};

static void put_str(struct out *o, const struct spec *s, const char *str)
{
	size_t n = 0;
	if (!str)
		str = "(null)";
	while ((s->prec < 0 || n < (size_t)s->prec) && str[n]) /* no byte past prec */
		n++;
	int fill = s->width > (int)n ? s->width - (int)n : 0;
	if (!s->left)
		pad(o, ' ', fill);
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static void put_num(struct out *o, const struct spec *s, uint64_t v, bool neg, unsigned base,
		    bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	if (v == 0 && s->prec == 0)
		n = 0;
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);

	char sign = neg ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int zeros = s->prec > n ? s->prec - n : 0;
	int body = n + zeros + plen + (sign ? 1 : 0);
	int fill = s->width > body ? s->width - body : 0;

	if (s->zero && !s->left && s->prec < 0) {
		zeros += fill;
		fill = 0;
	}
	if (!s->left)
		pad(o, ' ', fill);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n > 0)
		put(o, tmp[--n]);
	if (s->left)
		pad(o, ' ', fill);
}

static int parse_int(const char **p)
{
	int v = 0;
	while (**p >= '0' && **p <= '9') {
		if (v < 100000)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size ? size - 1 : 0, 0};
	const char *p = fmt;

	while (*p) {
		if (*p != '%') {
			put(&o, *p++);
			continue;
		}
		p++;
		struct spec s = {.prec = -1};
		for (;; p++) {
			if (*p == '-')
				s.left = true;
			else if (*p == '0')
				s.zero = true;
			else if (*p == '+')
				s.plus = true;
			else if (*p == ' ')
				s.space = true;
			else if (*p == '#')
				s.alt = true;
			else
				break;
		}
		if (*p == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			p++;
		} else {
			s.width = parse_int(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				s.prec = va_arg(ap, int);
				if (s.prec < 0)
					s.prec = -1;
				p++;
			} else {
				s.prec = parse_int(&p);
			}
		}
		int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
		for (;; p++) {
			if (*p == 'h')
				lng--;
			else if (*p == 'l')
				lng++;
			else if (*p == 'z' || *p == 't' || *p == 'j')
				lng = 2;
			else
				break;
		}
		char c = *p;
		if (c)
			p++;
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = lng >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng <= -2)
				v = (signed char)v;
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_num(&o, &s, mag, v < 0, 10, false, 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v = lng >= 1 ? va_arg(ap, unsigned long long)
					      : va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng <= -2)
				v = (unsigned char)v;
			unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			const char *prefix = 0;
			if (s.alt && v && base == 16)
				prefix = c == 'X' ? "0X" : "0x";
			else if (s.alt && base == 8)
				prefix = "0";
			put_num(&o, &s, v, false, base, c == 'X', prefix);
			break;
		}
		case 'p':
			put_num(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 's':
			put_str(&o, &s, va_arg(ap, const char *));
			break;
		case 'c': {
			char ch[2] = {(char)va_arg(ap, int), 0};
			int fill = s.width > 1 ? s.width - 1 : 0;
			if (!s.left)
				pad(&o, ' ', fill);
			put(&o, ch[0]);
			if (s.left)
				pad(&o, ' ', fill);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: print it as it stands */
			put(&o, '%');
			if (c)
				put(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < o.cap ? o.len : o.cap] = 0;
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
