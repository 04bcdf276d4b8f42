/*
 * log.c - the log filter parser, queries, callsite cache and line format.
 *
 * Invariant: dirs[0..count) have distinct targets; max_level is the maximum of
 * default_level and every directive's level.
 */
#include "trace/log.h"

#include <string.h>

#include "base/err.h"
#include "base/fmt.h"

static const char *const level_names[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

const char *trace_level_name(enum trace_level level)
{
	if ((unsigned)level >= ARRAY_SIZE(level_names))
		return "?";
	return level_names[level];
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int trace_level_parse(const char *s, size_t len, enum trace_level *out)
{
	for (unsigned l = 0; l < ARRAY_SIZE(level_names); l++) {
		const char *n = level_names[l];
		if (strlen(n) != len)
			continue;
		size_t i = 0;
		while (i < len && lower(s[i]) == lower(n[i]))
			i++;
		if (i == len) {
			*out = (enum trace_level)l;
			return 0;
		}
	}
	return ERR_INVAL;
}

static void recompute_max(struct trace_log_filter *f)
{
	uint8_t m = f->default_level;
	for (unsigned i = 0; i < f->count; i++)
		m = MAX(m, f->dirs[i].level);
	f->max_level = m;
}

void trace_log_filter_init(struct trace_log_filter *f, enum trace_level level)
{
	memset(f, 0, sizeof(*f));
	f->default_level = (uint8_t)level;
	f->max_level = (uint8_t)level;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool target_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == ':' || c == '.' || c == '/' || c == '-';
}

/* Applies one trimmed directive; returns NULL or why it is malformed. */
static const char *apply_directive(struct trace_log_filter *f, const char *d, size_t len)
{
	const char *eq = memchr(d, '=', len);
	enum trace_level level;

	if (!eq) {
		if (trace_level_parse(d, len, &level) == 0) {
			f->default_level = (uint8_t)level;
			return NULL;
		}
		level = TRACE_LEVEL_TRACE; /* a bare target: everything */
	} else {
		size_t vlen = len - (size_t)(eq - d) - 1;
		const char *v = eq + 1;
		while (vlen && is_space(*v))
			v++, vlen--;
		if (trace_level_parse(v, vlen, &level) != 0)
			return "unknown level";
		len = (size_t)(eq - d);
		while (len && is_space(d[len - 1]))
			len--;
	}
	if (len == 0)
		return "empty target";
	if (len > TRACE_LOG_TARGET_MAX)
		return "target too long";
	for (size_t i = 0; i < len; i++)
		if (!target_char_ok(d[i]))
			return "bad character in target";

	unsigned slot = f->count;
	for (unsigned i = 0; i < f->count; i++)
		if (f->dirs[i].len == len && memcmp(f->dirs[i].target, d, len) == 0)
			slot = i;
	if (slot == TRACE_LOG_MAX_DIRECTIVES)
		return "too many directives";
	memcpy(f->dirs[slot].target, d, len);
	f->dirs[slot].target[len] = '\0';
	f->dirs[slot].len = (uint8_t)len;
	f->dirs[slot].level = (uint8_t)level;
	if (slot == f->count)
		f->count++;
	return NULL;
}

int trace_log_filter_parse(struct trace_log_filter *f, const char *spec, enum trace_level def,
			   trace_log_report_fn report, void *report_arg)
{
	int bad = 0;

	trace_log_filter_init(f, def);
	if (!spec)
		return 0;
	while (*spec) {
		const char *end = strchr(spec, ',');
		size_t len = end ? (size_t)(end - spec) : strlen(spec);
		const char *d = spec;
		size_t dlen = len;

		while (dlen && is_space(*d))
			d++, dlen--;
		while (dlen && is_space(d[dlen - 1]))
			dlen--;
		if (dlen) {
			const char *why = apply_directive(f, d, dlen);
			if (why) {
				bad++;
				if (report)
					report(report_arg, d, dlen, why);
			}
		}
		spec += len;
		if (*spec == ',')
			spec++;
	}
	recompute_max(f);
	return bad;
}

/* "a" covers "a", "a::b", "a.b", "a/b" but not "ab". */
static bool covers(const struct trace_log_directive *d, const char *target)
{
	if (strncmp(target, d->target, d->len) != 0)
		return false;
	char next = target[d->len];
	return next == '\0' || next == ':' || next == '.' || next == '/';
}

enum trace_level trace_log_level_for(const struct trace_log_filter *f, const char *target)
{
	int best = -1;
	unsigned best_len = 0;

	for (unsigned i = 0; i < f->count; i++) {
		if (f->dirs[i].len >= best_len && covers(&f->dirs[i], target)) {
			best = (int)i;
			best_len = f->dirs[i].len;
		}
	}
	return (enum trace_level)(best < 0 ? f->default_level : f->dirs[best].level);
}

bool trace_log_enabled(const struct trace_log_filter *f, const char *target, enum trace_level level)
{
	if (level == TRACE_LEVEL_OFF || (unsigned)level > f->max_level)
		return false;
	return (unsigned)level <= (unsigned)trace_log_level_for(f, target);
}

bool trace_log_callsite_check(const struct trace_log_filter *f, struct trace_log_callsite *cs,
			      enum trace_level level)
{
	/* relaxed: the cached level is a pure function of the filter */
	uint8_t cached = atomic_load_explicit(&cs->level, memory_order_relaxed);

	if (cached == TRACE_LOG_UNKNOWN) {
		cached = (uint8_t)trace_log_level_for(f, cs->target);
		atomic_store_explicit(&cs->level, cached, memory_order_relaxed);
	}
	return level != TRACE_LEVEL_OFF && (unsigned)level <= cached;
}

void trace_log_callsites_reset(struct trace_log_callsite *begin, struct trace_log_callsite *end)
{
	for (struct trace_log_callsite *cs = begin; cs < end; cs++)
		/* relaxed: a callsite that still sees the old value re-checks it later */
		atomic_store_explicit(&cs->level, TRACE_LOG_UNKNOWN, memory_order_relaxed);
}

struct line {
	char *buf;
	size_t size, len; /* len: full length so far */
};

static void line_put(struct line *l, const char *s, size_t n)
{
	if (l->len < l->size - 1) {
		size_t room = l->size - 1 - l->len;
		memcpy(l->buf + l->len, s, MIN(n, room));
	}
	l->len += n;
}

static void line_printf(struct line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void line_vprintf(struct line *l, const char *fmt, va_list ap)
{
	size_t room = l->len < l->size ? l->size - l->len : 0;
	int n = fmt_vsnprintf(room ? l->buf + l->len : NULL, room, fmt, ap);
	l->len += (size_t)(n > 0 ? n : 0);
}

static void line_printf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line_vprintf(l, fmt, ap);
	va_end(ap);
}

int trace_log_format_line(char *buf, size_t size, enum trace_level level, unsigned cpu, uint64_t ns,
			  const char *target, const char *const *spans, size_t nspans,
			  const char *fmt, va_list ap)
{
	struct line l = {.buf = buf, .size = size, .len = 0};
	uint64_t us = ns / 1000;

	if (size < 2) {
		if (size == 1)
			buf[0] = '\0';
		return 0;
	}
	line_printf(&l, "[%s][CPU %u][%llu.%06llu] %s: ", trace_level_name(level), cpu,
		    (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000), target);
	for (size_t i = 0; i < nspans; i++)
		line_printf(&l, "%s: ", spans[i]);
	line_vprintf(&l, fmt, ap);
	line_put(&l, "\n", 1);
	if (l.len <= size - 1) {
		buf[l.len] = '\0';
	} else {
		buf[size - 2] = '\n';
		buf[size - 1] = '\0';
	}
	return (int)l.len;
}
