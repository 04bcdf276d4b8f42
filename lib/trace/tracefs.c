/*
 * tracefs.c - tracefs files over a trace_ctx (see tracefs.h).
 *
 * Text files are rendered once at open (like a seq_file at its first read);
 * trace and trace_pipe stream lines through a merge and a TextDrain.
 */
#include "trace/tracefs.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "trace/output.h"
#include "trace/tracedat.h"

enum kind {
	K_TRACE,
	K_PIPE,
	K_TRACING_ON,
	K_BUFFER_KB,
	K_MARKER,
	K_CMDLINES,
	K_CMDLINES_SIZE,
	K_AVAILABLE,
	K_SET_EVENT,
	K_ALL_ENABLE,
	K_SYS_ENABLE,
	K_EV_ENABLE,
	K_EV_ID,
	K_EV_FORMAT,
	K_EV_FILTER,
	K_OPT_HASH_PTR,
	K_HEADER_PAGE,
	K_HEADER_EVENT,
};

struct trace_fs_file {
	struct trace_ctx *ctx;
	enum kind kind;
	const struct trace_event_def *def;
	char sys[64];
	int cpu; /* per_cpu trace, else -1 */
	char *text;
	size_t text_len, text_pos;
	struct trace_merge *merge;
	struct trace_drain *drain;
};

static const struct {
	const char *name;
	enum kind kind;
} root_files[] = {
	{"trace", K_TRACE},
	{"trace_pipe", K_PIPE},
	{"tracing_on", K_TRACING_ON},
	{"buffer_size_kb", K_BUFFER_KB},
	{"trace_marker", K_MARKER},
	{"saved_cmdlines", K_CMDLINES},
	{"saved_cmdlines_size", K_CMDLINES_SIZE},
	{"available_events", K_AVAILABLE},
	{"set_event", K_SET_EVENT},
};

/* Splits "a/b/c" into at most 4 segments; returns how many (-1: too many). */
static int split(const char *path, const char *seg[4], size_t len[4])
{
	int n = 0;

	while (*path == '/')
		path++;
	while (*path) {
		if (n == 4)
			return -1;
		const char *e = strchr(path, '/');
		size_t l = e ? (size_t)(e - path) : strlen(path);
		seg[n] = path;
		len[n++] = l;
		path += l;
		while (*path == '/')
			path++;
	}
	return n;
}

static bool seg_is(const char *s, size_t l, const char *lit)
{
	return strlen(lit) == l && memcmp(s, lit, l) == 0;
}

static bool system_exists(const struct trace_ctx *ctx, const char *s, size_t l)
{
	if (seg_is(s, l, "ftrace"))
		return true;
	for (size_t i = 0; i < ctx->nevents; i++)
		if (seg_is(s, l, ctx->events[i]->system))
			return true;
	return false;
}

/* ---- rendering ---- */

struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void text_printf(struct text *t, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		int n = fmt_vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? room : 0, fmt, ap);
		va_end(ap);
		if (t->buf && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		size_t want = MAX(t->cap * 2, t->len + (size_t)n + 256);
		char *nb = realloc(t->buf, want);
		if (!nb) {
			t->oom = true;
			return;
		}
		t->buf = nb;
		t->cap = want;
	}
}

static int sys_state(const struct trace_ctx *ctx, const char *sys)
{
	int on = 0, off = 0;

	for (size_t i = 0; i < ctx->nevents; i++) {
		const struct trace_event_def *d = ctx->events[i];
		if (sys && strcmp(d->system, sys) != 0)
			continue;
		if (trace_event_is_enabled(d))
			on++;
		else
			off++;
	}
	return on && off ? 'X' : on ? '1' : '0';
}

static int render(struct trace_fs_file *f)
{
	struct trace_ctx *ctx = f->ctx;
	struct text t = {0};

	switch (f->kind) {
	case K_TRACE: {
		char hdr[1024];
		int n = trace_format_header(ctx, f->cpu, hdr, sizeof(hdr));
		text_printf(&t, "%.*s", n, hdr);
		break;
	}
	case K_TRACING_ON:
		text_printf(&t, "%d\n", trace_ctx_tracing_on(ctx) ? 1 : 0);
		break;
	case K_BUFFER_KB:
		text_printf(&t, "%llu\n", (unsigned long long)ctx->buffer_kb);
		break;
	case K_CMDLINES: {
		struct trace_cmdlines *cl = atomic_load(&ctx->cmdlines);
		for (uint32_t i = 0; i < cl->n; i++) {
			int32_t pid = atomic_load_explicit(&cl->e[i].pid, memory_order_acquire);
			char comm[TRACE_COMM_LEN];
			if (pid <= 0)
				continue;
			trace_ctx_comm(ctx, pid, comm);
			text_printf(&t, "%d %s\n", (int)pid, comm);
		}
		break;
	}
	case K_CMDLINES_SIZE:
		text_printf(&t, "%u\n", trace_ctx_cmdlines_size(ctx));
		break;
	case K_AVAILABLE:
	case K_SET_EVENT:
		for (size_t i = 0; i < ctx->nevents; i++) {
			const struct trace_event_def *d = ctx->events[i];
			if (f->kind == K_AVAILABLE || trace_event_is_enabled(d))
				text_printf(&t, "%s:%s\n", d->system, d->name);
		}
		break;
	case K_ALL_ENABLE:
		text_printf(&t, "%c\n", sys_state(ctx, NULL));
		break;
	case K_SYS_ENABLE:
		text_printf(&t, "%c\n", sys_state(ctx, f->sys));
		break;
	case K_EV_ENABLE:
		text_printf(&t, "%d\n", trace_event_is_enabled(f->def) ? 1 : 0);
		break;
	case K_EV_ID:
		text_printf(&t, "%u\n", f->def->state->id);
		break;
	case K_EV_FORMAT: {
		int n = trace_format_file(f->def, NULL, 0);
		char *b = malloc((size_t)n + 1);
		if (!b)
			return ERR_NOMEM;
		trace_format_file(f->def, b, (size_t)n + 1);
		text_printf(&t, "%s", b);
		free(b);
		break;
	}
	case K_OPT_HASH_PTR:
		text_printf(&t, "%d\n", trace_ctx_hash_ptr(ctx) ? 1 : 0);
		break;
	case K_HEADER_PAGE:
	case K_HEADER_EVENT: {
		char b[512];
		if (f->kind == K_HEADER_PAGE)
			tracedat_header_page(b, sizeof(b));
		else
			tracedat_header_event(b, sizeof(b));
		text_printf(&t, "%s", b);
		break;
	}
	case K_EV_FILTER:
		if (f->def->state->filter_text)
			text_printf(&t, "%s\n", f->def->state->filter_text);
		else
			text_printf(&t, "none\n");
		break;
	case K_PIPE:
	case K_MARKER:
		break;
	}
	if (t.oom) {
		free(t.buf);
		return ERR_NOMEM;
	}
	free(f->text);
	f->text = t.buf;
	f->text_len = t.len;
	f->text_pos = 0;
	return 0;
}

/* ---- open / close ---- */

static int resolve(struct trace_ctx *ctx, const char *path, struct trace_fs_file *f)
{
	const char *s[4];
	size_t l[4];
	int n = split(path, s, l);

	f->cpu = -1;
	if (n <= 0)
		return n == 0 ? ERR_ISDIR : ERR_NOENT;
	if (n == 1) {
		for (size_t i = 0; i < ARRAY_SIZE(root_files); i++)
			if (seg_is(s[0], l[0], root_files[i].name)) {
				f->kind = root_files[i].kind;
				return 0;
			}
		return seg_is(s[0], l[0], "events") || seg_is(s[0], l[0], "per_cpu") ||
				       seg_is(s[0], l[0], "options")
			       ? ERR_ISDIR
			       : ERR_NOENT;
	}
	if (seg_is(s[0], l[0], "options")) {
		if (n != 2 || !seg_is(s[1], l[1], "hash-ptr"))
			return ERR_NOENT;
		f->kind = K_OPT_HASH_PTR;
		return 0;
	}
	if (seg_is(s[0], l[0], "per_cpu")) {
		if (l[1] < 4 || l[1] > 5 || memcmp(s[1], "cpu", 3) != 0)
			return ERR_NOENT;
		unsigned cpu = 0;
		for (size_t i = 3; i < l[1]; i++) {
			if (s[1][i] < '0' || s[1][i] > '9')
				return ERR_NOENT;
			cpu = cpu * 10 + (unsigned)(s[1][i] - '0');
		}
		if (cpu >= ctx->ncpus)
			return ERR_NOENT;
		if (n == 2)
			return ERR_ISDIR;
		if (n != 3 || !seg_is(s[2], l[2], "trace"))
			return ERR_NOENT;
		f->kind = K_TRACE;
		f->cpu = (int)cpu;
		return 0;
	}
	if (!seg_is(s[0], l[0], "events"))
		return ERR_NOENT;
	if (n == 2) {
		if (seg_is(s[1], l[1], "enable")) {
			f->kind = K_ALL_ENABLE;
			return 0;
		}
		if (seg_is(s[1], l[1], "header_page") || seg_is(s[1], l[1], "header_event")) {
			f->kind = l[1] == 11 ? K_HEADER_PAGE : K_HEADER_EVENT;
			return 0;
		}
		return system_exists(ctx, s[1], l[1]) ? ERR_ISDIR : ERR_NOENT;
	}
	if (!system_exists(ctx, s[1], l[1]) || l[1] >= sizeof(f->sys))
		return ERR_NOENT;
	memcpy(f->sys, s[1], l[1]);
	f->sys[l[1]] = '\0';
	if (n == 3) {
		if (seg_is(s[2], l[2], "enable") && !seg_is(s[1], l[1], "ftrace")) {
			f->kind = K_SYS_ENABLE;
			return 0;
		}
		return trace_ctx_find_n(ctx, s[1], l[1], s[2], l[2]) ? ERR_ISDIR : ERR_NOENT;
	}
	f->def = trace_ctx_find_n(ctx, s[1], l[1], s[2], l[2]);
	if (!f->def)
		return ERR_NOENT;
	bool is_print = f->def == &ctx->print_def;
	if (seg_is(s[3], l[3], "id"))
		f->kind = K_EV_ID;
	else if (seg_is(s[3], l[3], "format"))
		f->kind = K_EV_FORMAT;
	else if (seg_is(s[3], l[3], "enable") && !is_print)
		f->kind = K_EV_ENABLE;
	else if (seg_is(s[3], l[3], "filter") && !is_print)
		f->kind = K_EV_FILTER;
	else
		return ERR_NOENT;
	return 0;
}

int trace_fs_open(struct trace_ctx *ctx, const char *path, unsigned flags,
		  struct trace_fs_file **out)
{
	struct trace_fs_file *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return ERR_NOMEM;
	f->ctx = ctx;
	err = resolve(ctx, path, f);
	if (err)
		goto fail;
	if (f->kind == K_TRACE || f->kind == K_PIPE) {
		f->merge = malloc(sizeof(*f->merge));
		f->drain = malloc(sizeof(*f->drain));
		err = ERR_NOMEM;
		if (!f->merge || !f->drain)
			goto fail;
		trace_drain_reset(f->drain);
	}
	if (f->kind == K_TRACE && (flags & TRACE_FS_TRUNC))
		trace_ctx_clear(ctx, f->cpu);
	if (f->kind == K_SET_EVENT && (flags & TRACE_FS_TRUNC))
		for (size_t i = 0; i < ctx->nevents; i++)
			trace_ctx_set_enabled(ctx, ctx->events[i], false);
	err = render(f);
	if (err)
		goto fail;
	if (f->kind == K_TRACE)
		trace_merge_start(f->merge, ctx, f->cpu, false);
	if (f->kind == K_PIPE)
		trace_merge_start(f->merge, ctx, -1, true);
	*out = f;
	return 0;
fail:
	trace_fs_close(f);
	return err;
}

void trace_fs_close(struct trace_fs_file *f)
{
	if (!f)
		return;
	free(f->text);
	free(f->merge);
	free(f->drain);
	free(f);
}

/* ---- read ---- */

static size_t stream_lines(struct trace_fs_file *f, char *buf, size_t cap)
{
	size_t copied = trace_drain_pending(f->drain, buf, cap);
	char line[TRACE_LINE_MAX];
	unsigned cpu;
	const struct trace_ring_rec *rec;

	/*
	 * A consuming merge takes the record before we know it fits; the drain
	 * keeps whatever does not, so nothing is lost (the seed's TextDrain).
	 */
	while (copied < cap && trace_merge_next(f->merge, &cpu, &rec)) {
		int n = trace_format_line(f->ctx, cpu, rec, line, sizeof(line));
		size_t len = MIN((size_t)n, sizeof(line) - 1);
		trace_drain_copy(f->drain, line, len, buf, cap, &copied);
	}
	return copied;
}

int trace_fs_read(struct trace_fs_file *f, char *buf, size_t cap, size_t *out_n)
{
	size_t n = 0;

	if (f->kind == K_MARKER)
		return ERR_PERM;
	if (cap == 0) {
		*out_n = 0;
		return 0;
	}
	if (f->text_pos < f->text_len) {
		n = MIN(cap, f->text_len - f->text_pos);
		memcpy(buf, f->text + f->text_pos, n);
		f->text_pos += n;
	}
	if (f->kind == K_TRACE && n < cap)
		n += stream_lines(f, buf + n, cap - n);
	if (f->kind == K_PIPE) {
		n = stream_lines(f, buf, cap);
		if (n == 0)
			return ERR_AGAIN;
	}
	*out_n = n;
	return 0;
}

/* ---- write ---- */

static size_t trim(const char **s, size_t len)
{
	while (len && (**s == ' ' || **s == '\t' || **s == '\n'))
		(*s)++, len--;
	while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t' || (*s)[len - 1] == '\n'))
		len--;
	return len;
}

static int parse_bool(const char *s, size_t len, bool *out)
{
	if (len && s[len - 1] == '\n')
		len--;
	if (len != 1 || (s[0] != '0' && s[0] != '1'))
		return ERR_INVAL;
	*out = s[0] == '1';
	return 0;
}

static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	len = trim(&s, len);
	if (len == 0 || len > 19)
		return ERR_INVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ERR_INVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Does `tok` ([!]sys:event, sys:*, *:*, sys, event) select d? */
static bool token_selects(const char *tok, size_t len, const struct trace_event_def *d)
{
	const char *colon = memchr(tok, ':', len);

	if (!colon) {
		return seg_is(tok, len, d->system) || seg_is(tok, len, d->name) ||
		       seg_is(tok, len, "*");
	}
	size_t sl = (size_t)(colon - tok), nl = len - sl - 1;
	bool sys_ok = seg_is(tok, sl, "*") || seg_is(tok, sl, d->system) || sl == 0;
	bool name_ok = seg_is(colon + 1, nl, "*") || seg_is(colon + 1, nl, d->name) || nl == 0;
	return sys_ok && name_ok;
}

static int write_set_event(struct trace_ctx *ctx, const char *s, size_t len)
{
	/* pass 0 validates every token, pass 1 applies them */
	for (int pass = 0; pass < 2; pass++) {
		size_t i = 0;
		while (i < len) {
			while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
				i++;
			size_t st = i;
			while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
				i++;
			if (i == st)
				break;
			const char *tok = s + st;
			size_t tl = i - st;
			bool on = true;
			if (*tok == '!') {
				on = false;
				tok++;
				tl--;
			}
			bool any = false;
			for (size_t k = 0; k < ctx->nevents; k++) {
				if (!token_selects(tok, tl, ctx->events[k]))
					continue;
				any = true;
				if (pass)
					trace_ctx_set_enabled(ctx, ctx->events[k], on);
			}
			if (!any)
				return ERR_INVAL;
		}
	}
	return 0;
}

int trace_fs_write(struct trace_fs_file *f, const char *buf, size_t len)
{
	struct trace_ctx *ctx = f->ctx;
	bool on;
	uint64_t v;
	int err = 0;

	switch (f->kind) {
	case K_TRACE:
		trace_ctx_clear(ctx, f->cpu);
		return 0;
	case K_TRACING_ON:
		if ((err = parse_bool(buf, len, &on)) == 0)
			trace_ctx_set_tracing_on(ctx, on);
		return err;
	case K_OPT_HASH_PTR:
		if ((err = parse_bool(buf, len, &on)) == 0)
			trace_ctx_set_hash_ptr(ctx, on);
		return err;
	case K_BUFFER_KB:
		if ((err = parse_u64(buf, len, &v)) != 0)
			return err;
		return trace_ctx_resize(ctx, v);
	case K_MARKER:
		return trace_ctx_write_marker(ctx, buf, len);
	case K_CMDLINES_SIZE:
		if ((err = parse_u64(buf, len, &v)) != 0)
			return err;
		return v > UINT32_MAX ? ERR_INVAL : trace_ctx_set_cmdlines_size(ctx, (uint32_t)v);
	case K_SET_EVENT:
		return write_set_event(ctx, buf, len);
	case K_ALL_ENABLE:
	case K_SYS_ENABLE:
		if ((err = parse_bool(buf, len, &on)) != 0)
			return err;
		for (size_t i = 0; i < ctx->nevents; i++)
			if (f->kind == K_ALL_ENABLE || strcmp(ctx->events[i]->system, f->sys) == 0)
				trace_ctx_set_enabled(ctx, ctx->events[i], on);
		return 0;
	case K_EV_ENABLE:
		if ((err = parse_bool(buf, len, &on)) == 0)
			trace_ctx_set_enabled(ctx, f->def, on);
		return err;
	case K_EV_FILTER:
		return trace_ctx_set_filter(ctx, f->def, buf, len);
	case K_PIPE:
	case K_CMDLINES:
	case K_AVAILABLE:
	case K_EV_ID:
	case K_EV_FORMAT:
	case K_HEADER_PAGE:
	case K_HEADER_EVENT:
		return ERR_PERM;
	}
	return ERR_PERM;
}

/* ---- directories ---- */

int trace_fs_list(struct trace_ctx *ctx, const char *dir,
		  void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
	const char *s[4];
	size_t l[4];
	int n = split(dir, s, l);
	char name[16];

	if (n < 0)
		return ERR_NOENT;
	if (n == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(root_files); i++)
			fn(arg, root_files[i].name, false);
		fn(arg, "events", true);
		fn(arg, "per_cpu", true);
		fn(arg, "options", true);
		return 0;
	}
	if (n == 1 && seg_is(s[0], l[0], "options")) {
		fn(arg, "hash-ptr", false);
		return 0;
	}
	if (n == 1 && seg_is(s[0], l[0], "per_cpu")) {
		for (unsigned c = 0; c < ctx->ncpus; c++) {
			fmt_snprintf(name, sizeof(name), "cpu%u", c);
			fn(arg, name, true);
		}
		return 0;
	}
	if (n == 2 && seg_is(s[0], l[0], "per_cpu")) {
		struct trace_fs_file probe = {0};
		char p[32];
		fmt_snprintf(p, sizeof(p), "per_cpu/%.*s/trace", (int)l[1], s[1]);
		if (resolve(ctx, p, &probe) != 0)
			return ERR_NOENT;
		fn(arg, "trace", false);
		return 0;
	}
	if (!seg_is(s[0], l[0], "events"))
		return ERR_NOENT;
	if (n == 1) {
		fn(arg, "enable", false);
		fn(arg, "header_page", false);
		fn(arg, "header_event", false);
		fn(arg, "ftrace", true);
		for (size_t i = 0; i < ctx->nevents; i++)
			if (i == 0 || strcmp(ctx->events[i - 1]->system, ctx->events[i]->system))
				fn(arg, ctx->events[i]->system, true);
		return 0;
	}
	if (!system_exists(ctx, s[1], l[1]))
		return ERR_NOENT;
	bool ftrace = seg_is(s[1], l[1], "ftrace");
	if (n == 2) {
		if (ftrace) {
			fn(arg, "print", true);
			return 0;
		}
		fn(arg, "enable", false);
		for (size_t i = 0; i < ctx->nevents; i++)
			if (seg_is(s[1], l[1], ctx->events[i]->system))
				fn(arg, ctx->events[i]->name, true);
		return 0;
	}
	if (n == 3 && trace_ctx_find_n(ctx, s[1], l[1], s[2], l[2])) {
		if (!ftrace) {
			fn(arg, "enable", false);
			fn(arg, "filter", false);
		}
		fn(arg, "format", false);
		fn(arg, "id", false);
		return 0;
	}
	return n == 3 ? ERR_NOENT : ERR_NOTDIR;
}
