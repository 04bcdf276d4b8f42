/*
 * tracedat_ctx.c - a tracing context as a trace.dat file
 * (trace_ctx_write_dat): the format files and saved_cmdlines exactly as
 * tracefs shows them, and a snapshot of every CPU's ring.
 *
 * Systems are written in the context's order (events sorted by system,
 * then name), so each system's events are contiguous; the ftrace system
 * (print, the trace_marker event) goes in the file's ftrace section, as
 * Linux's does.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "trace/output.h"
#include "trace/tracedat.h"
#include "trace/tracefs.h"

#define CPUSTAT_MAX 128

/* A heap copy of def's format file text; NULL: no memory. */
static char *format_text(const struct trace_event_def *def)
{
	int n = trace_format_file(def, NULL, 0);
	char *t = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (t)
		trace_format_file(def, t, (size_t)n + 1);
	return t;
}

/* The whole tracefs file `path` as a heap string. */
static int fs_read_all(struct trace_ctx *ctx, const char *path, char **out)
{
	struct trace_fs_file *f;
	size_t len = 0, cap = 0, n;
	char *buf = NULL;
	int err = trace_fs_open(ctx, path, 0, &f);

	if (err)
		return err;
	for (;;) {
		if (cap - len < 512) {
			char *nb = realloc(buf, cap * 2 + 1024);
			if (!nb) {
				err = ERR_NOMEM;
				break;
			}
			buf = nb;
			cap = cap * 2 + 1024;
		}
		err = trace_fs_read(f, buf + len, cap - len - 1, &n);
		if (err || n == 0)
			break;
		len += n;
	}
	trace_fs_close(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Every ring's records into td; the ones of no known event are counted. */
static int add_records(struct trace_ctx *ctx, struct tracedat *td, struct tracedat_stats *st)
{
	struct trace_ring_rec *rec = malloc(sizeof(*rec));
	uint8_t *copy = malloc(TRACE_RECORD_MAX);
	int err = rec && copy ? 0 : ERR_NOMEM;

	for (unsigned c = 0; !err && c < ctx->ncpus; c++) {
		struct trace_ring_iter it;
		trace_ring_iter_start(&it, trace_ctx_ring(ctx, c));
		while (!err && trace_ring_iter_next(&it, rec)) {
			const void *data = trace_ring_rec_data(rec);
			const struct trace_event_def *def = NULL;
			struct trace_entry e;
			if (rec->len >= sizeof(e)) {
				memcpy(&e, data, sizeof(e));
				def = trace_ctx_by_id(ctx, e.type);
			}
			if (!def || rec->len < def->size) {
				st->skipped++;
				continue;
			}
			data = trace_record_shown(ctx, def, data, rec->len, copy);
			err = tracedat_add(td, c, rec->ts, data, rec->len);
			st->events += !err;
		}
	}
	free(rec);
	free(copy);
	return err;
}

/* A sink that counts what passes through it. */
struct counting {
	const struct tracedat_sink *to;
	uint64_t bytes;
};

static int counting_write(void *arg, const void *buf, size_t len)
{
	struct counting *k = arg;
	int err = k->to->write(k->to->arg, buf, len);
	k->bytes += err ? 0 : len;
	return err;
}

/* The texts of a file: formats by system, cmdlines, CPU statistics (the
 * records lost to overwriting before the snapshot). */
struct dat_texts {
	char **formats; /* ctx->nevents + 1 (the last: ftrace:print) */
	const char **order;
	struct tracedat_system *systems;
	char *cmdlines;
	char (*cpustats)[CPUSTAT_MAX];
	const char *cpustat_ptrs[TRACE_MAX_CPUS];
};

static void texts_free(struct dat_texts *t, size_t nformats)
{
	for (size_t i = 0; t->formats && i < nformats; i++)
		free(t->formats[i]);
	free(t->formats);
	free(t->order);
	free(t->systems);
	free(t->cmdlines);
	free(t->cpustats);
}

static bool is_ftrace(const struct trace_event_def *def)
{
	return strcmp(def->system, "ftrace") == 0;
}

static int texts_build(struct trace_ctx *ctx, struct dat_texts *t, struct tracedat_info *info,
		       struct tracedat_stats *st)
{
	size_t n = ctx->nevents, nf = 0, ns = 0;

	t->formats = calloc(n + 1, sizeof(*t->formats));
	t->order = calloc(n + 1, sizeof(*t->order));
	t->systems = calloc(n ? n : 1, sizeof(*t->systems));
	t->cpustats = calloc(ctx->ncpus, sizeof(*t->cpustats));
	if (!t->formats || !t->order || !t->systems || !t->cpustats)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(t->formats[i] = format_text(ctx->events[i])))
			return ERR_NOMEM;
	if (!(t->formats[n] = format_text(&ctx->print_def)))
		return ERR_NOMEM;

	/* the ftrace system first in `order`, then the others system by system */
	t->order[nf++] = t->formats[n];
	for (size_t i = 0; i < n; i++)
		if (is_ftrace(ctx->events[i]))
			t->order[nf++] = t->formats[i];
	size_t k = nf;
	for (size_t i = 0; i < n; i++) {
		const struct trace_event_def *d = ctx->events[i];
		if (is_ftrace(d))
			continue;
		if (!ns || strcmp(t->systems[ns - 1].name, d->system) != 0)
			t->systems[ns++] = (struct tracedat_system){
				.name = d->system, .formats = &t->order[k], .nformats = 0};
		t->order[k++] = t->formats[i];
		t->systems[ns - 1].nformats++;
	}
	info->ftrace_formats = t->order;
	info->nftrace = nf;
	info->systems = t->systems;
	info->nsystems = ns;

	int err = fs_read_all(ctx, "saved_cmdlines", &t->cmdlines);
	if (err)
		return err;
	info->cmdlines = t->cmdlines;
	for (unsigned c = 0; c < ctx->ncpus; c++) {
		struct trace_ring_stats rs;
		trace_ring_get_stats(trace_ctx_ring(ctx, c), &rs);
		st->lost += rs.overrun;
		/* no "entries": trace-cmd reads it as records left behind unread */
		fmt_snprintf(t->cpustats[c], CPUSTAT_MAX, "CPU: %u\noverrun: %llu\n", c,
			     (unsigned long long)rs.overrun);
		t->cpustat_ptrs[c] = t->cpustats[c];
	}
	info->cpustats = t->cpustat_ptrs;
	return 0;
}

int trace_ctx_write_dat(struct trace_ctx *ctx, const char *uname, const struct tracedat_sink *sink,
			struct tracedat_stats *out)
{
	struct tracedat_info info = {.uname = uname, .clock = "[mono]\n"};
	struct tracedat_stats st = {0};
	struct dat_texts t = {0};
	struct tracedat td;
	struct counting k = {.to = sink};
	struct tracedat_sink ks = {.arg = &k, .write = counting_write};

	int err = tracedat_init(&td, ctx->ncpus);
	if (err)
		return err;
	err = texts_build(ctx, &t, &info, &st);
	if (!err)
		err = add_records(ctx, &td, &st);
	if (!err)
		err = tracedat_write(&td, &info, &ks);
	texts_free(&t, ctx->nevents + 1);
	tracedat_free(&td);
	if (err)
		return err;
	st.bytes = k.bytes;
	if (out)
		*out = st;
	return 0;
}
