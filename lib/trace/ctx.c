/*
 * ctx.c - the tracing instance: registry, writer path, marker, cmdlines and
 * the control operations behind tracefs (see ctx.h for the invariants).
 *
 * Saved cmdlines: a table indexed by pid % n. Writers fill a missing entry
 * seqlock-style (pid := -1, fence, name words, pid := real pid with release);
 * readers check the pid before and after copying the name.
 */
#include "trace/ctx.h"

#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/err.h"
#include "base/fmt.h"
#include "trace/filter.h"
#include "trace/ring_internal.h"

static const struct trace_event_field print_fields[] = {
	{.type = "unsigned long", .name = "ip", .offset = 8, .size = 8, .kind = TRACE_FIELD_SCALAR},
	{.type = "char", .name = "buf", .offset = 16, .size = 0, .kind = TRACE_FIELD_DYNSTR},
};

#define PRINT_HDR 16 /* trace_entry + ip */

static int print_body(char *buf, size_t size, const void *rec, size_t len)
{
	const char *text = (const char *)rec + PRINT_HDR;
	size_t n = len > PRINT_HDR ? len - PRINT_HDR : 0;
	const char *nul = memchr(text, 0, n);

	if (nul)
		n = (size_t)(nul - text);
	if (n && text[n - 1] == '\n')
		n--; /* the line ends it */
	return fmt_snprintf(buf, size, "tracing_mark_write: %.*s", (int)n, text);
}

static int cmp_def(const void *a, const void *b)
{
	const struct trace_event_def *x = *(const struct trace_event_def *const *)a;
	const struct trace_event_def *y = *(const struct trace_event_def *const *)b;
	int c = strcmp(x->system, y->system);
	return c ? c : strcmp(x->name, y->name);
}

static struct trace_ring *ring_new(uint64_t kb)
{
	uint64_t n = trace_ring_slots_for_kb(kb);
	struct trace_ring *r = malloc(sizeof(*r));
	struct trace_ring_slot *s = calloc(n, sizeof(*s));

	if (!r || !s) {
		free(r);
		free(s);
		return NULL;
	}
	trace_ring_init(r, s, n);
	return r;
}

static void ring_free(struct trace_ring *r)
{
	if (r)
		free(r->slots);
	free(r);
}

static struct trace_cmdlines *cmdlines_new(uint32_t n)
{
	struct trace_cmdlines *c = calloc(1, sizeof(*c) + n * sizeof(c->e[0]));
	if (!c)
		return NULL;
	c->n = n;
	for (uint32_t i = 0; i < n; i++)
		atomic_init(&c->e[i].pid, -1);
	return c;
}

static void sync_writers(struct trace_ctx *ctx)
{
	if (ctx->plat.sync_writers)
		ctx->plat.sync_writers(ctx->plat.arg);
}

int trace_ctx_init(struct trace_ctx *ctx, const struct trace_platform *plat, unsigned ncpus,
		   const struct trace_event_def *begin, const struct trace_event_def *end,
		   uint64_t buffer_kb)
{
	size_t n = (size_t)(end - begin);

	if (!plat->clock_ns || !plat->cpu_id || !plat->current_pid || ncpus == 0 ||
	    ncpus > TRACE_MAX_CPUS || buffer_kb == 0 || buffer_kb > (1u << 20) ||
	    n + TRACE_EVENT_FIRST_ID > UINT16_MAX)
		return ERR_INVAL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->plat = *plat;
	ctx->ncpus = ncpus;
	ctx->buffer_kb = buffer_kb;
	ctx->events = calloc(n ? n : 1, sizeof(ctx->events[0]));
	if (!ctx->events)
		goto fail;
	for (size_t i = 0; i < n; i++)
		ctx->events[i] = &begin[i];
	qsort(ctx->events, n, sizeof(ctx->events[0]), cmp_def);
	for (size_t i = 1; i < n; i++)
		if (cmp_def(&ctx->events[i - 1], &ctx->events[i]) == 0) {
			free(ctx->events);
			ctx->events = NULL;
			return ERR_EXIST;
		}
	ctx->nevents = n;
	for (unsigned c = 0; c < ncpus; c++) {
		struct trace_ring *r = ring_new(buffer_kb);
		if (!r)
			goto fail;
		atomic_init(&ctx->rings[c], r);
	}
	struct trace_cmdlines *cl = cmdlines_new(TRACE_DEFAULT_CMDLINES);
	if (!cl)
		goto fail;
	atomic_init(&ctx->cmdlines, cl);
	atomic_init(&ctx->tracing_on, true);
	atomic_init(&ctx->hash_ptr, true);

	ctx->print_state.id = TRACE_PRINT_ID;
	atomic_init(&ctx->print_state.ctx, ctx);
	ctx->print_def = (struct trace_event_def){
		.system = "ftrace",
		.name = "print",
		.fields = print_fields,
		.nfields = ARRAY_SIZE(print_fields),
		.size = PRINT_HDR,
		.print_fmt = "\"%ps: %s\", (void *)REC->ip, REC->buf",
		.print = print_body,
		.state = &ctx->print_state,
	};
	for (size_t i = 0; i < n; i++) {
		struct trace_event_state *st = ctx->events[i]->state;
		atomic_store(&st->enabled, false);
		st->id = (uint16_t)(TRACE_EVENT_FIRST_ID + i);
		atomic_store(&st->filter, NULL);
		st->filter_text = NULL;
		atomic_store_explicit(&st->ctx, ctx, memory_order_release);
	}
	return 0;
fail:
	for (unsigned c = 0; c < ncpus; c++)
		ring_free(atomic_load(&ctx->rings[c]));
	free(ctx->events);
	ctx->events = NULL;
	return ERR_NOMEM;
}

void trace_ctx_destroy(struct trace_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nevents; i++) {
		struct trace_event_state *st = ctx->events[i]->state;
		atomic_store(&st->enabled, false);
		atomic_store(&st->ctx, NULL);
	}
	sync_writers(ctx);
	for (size_t i = 0; i < ctx->nevents; i++) {
		struct trace_event_state *st = ctx->events[i]->state;
		trace_filter_free(atomic_exchange(&st->filter, NULL));
		free(st->filter_text);
		st->filter_text = NULL;
	}
	for (unsigned c = 0; c < ctx->ncpus; c++)
		ring_free(atomic_exchange(&ctx->rings[c], NULL));
	free(atomic_exchange(&ctx->cmdlines, NULL));
	free(ctx->events);
	ctx->events = NULL;
	ctx->nevents = 0;
}

const struct trace_event_def *trace_ctx_find_n(const struct trace_ctx *ctx, const char *system,
					       size_t slen, const char *name, size_t nlen)
{
	if (slen == 6 && nlen == 5 && memcmp(system, "ftrace", 6) == 0 &&
	    memcmp(name, "print", 5) == 0)
		return &ctx->print_def;
	for (size_t i = 0; i < ctx->nevents; i++) {
		const struct trace_event_def *d = ctx->events[i];
		if (strlen(d->system) == slen && memcmp(d->system, system, slen) == 0 &&
		    strlen(d->name) == nlen && memcmp(d->name, name, nlen) == 0)
			return d;
	}
	return NULL;
}

const struct trace_event_def *trace_ctx_find(const struct trace_ctx *ctx, const char *system,
					     const char *name)
{
	return trace_ctx_find_n(ctx, system, strlen(system), name, strlen(name));
}

const struct trace_event_def *trace_ctx_by_id(const struct trace_ctx *ctx, uint16_t id)
{
	if (id == TRACE_PRINT_ID)
		return &ctx->print_def;
	if (id < TRACE_EVENT_FIRST_ID || id - TRACE_EVENT_FIRST_ID >= ctx->nevents)
		return NULL;
	return ctx->events[id - TRACE_EVENT_FIRST_ID];
}

void trace_ctx_set_enabled(struct trace_ctx *ctx, const struct trace_event_def *def, bool on)
{
	if (def == &ctx->print_def)
		return;
	/* relaxed: call sites read it relaxed; ctx/id were published at init */
	atomic_store_explicit(&def->state->enabled, on, memory_order_relaxed);
}

bool trace_event_is_enabled(const struct trace_event_def *def)
{
	/* relaxed: a snapshot for the enable file */
	return atomic_load_explicit(&def->state->enabled, memory_order_relaxed);
}

void trace_ctx_set_tracing_on(struct trace_ctx *ctx, bool on)
{
	/* relaxed: writers may record a few more records around the switch */
	atomic_store_explicit(&ctx->tracing_on, on, memory_order_relaxed);
}

bool trace_ctx_tracing_on(const struct trace_ctx *ctx)
{
	/* relaxed: a snapshot */
	return atomic_load_explicit(&ctx->tracing_on, memory_order_relaxed);
}

void trace_ctx_set_ptr_key(struct trace_ctx *ctx, const struct siphash_key *key)
{
	ctx->ptr_key = *key;
}

void trace_ctx_set_hash_ptr(struct trace_ctx *ctx, bool on)
{
	/* relaxed: readers are control operations, serialized with this one */
	atomic_store_explicit(&ctx->hash_ptr, on, memory_order_relaxed);
}

bool trace_ctx_hash_ptr(const struct trace_ctx *ctx)
{
	/* relaxed: see trace_ctx_set_hash_ptr */
	return atomic_load_explicit(&ctx->hash_ptr, memory_order_relaxed);
}

struct trace_ring *trace_ctx_ring(const struct trace_ctx *ctx, unsigned cpu)
{
	ASSERT(cpu < ctx->ncpus);
	return atomic_load_explicit(&ctx->rings[cpu], memory_order_acquire);
}

int trace_ctx_resize(struct trace_ctx *ctx, uint64_t kb)
{
	struct trace_ring *fresh[TRACE_MAX_CPUS] = {0};

	if (kb == 0 || kb > (1u << 20))
		return ERR_INVAL;
	for (unsigned c = 0; c < ctx->ncpus; c++) {
		fresh[c] = ring_new(kb);
		if (!fresh[c]) {
			for (unsigned k = 0; k < c; k++)
				ring_free(fresh[k]);
			return ERR_NOMEM;
		}
	}
	for (unsigned c = 0; c < ctx->ncpus; c++)
		fresh[c] = atomic_exchange_explicit(&ctx->rings[c], fresh[c], memory_order_acq_rel);
	sync_writers(ctx);
	for (unsigned c = 0; c < ctx->ncpus; c++)
		ring_free(fresh[c]);
	ctx->buffer_kb = kb;
	return 0;
}

void trace_ctx_clear(struct trace_ctx *ctx, int cpu)
{
	for (unsigned c = 0; c < ctx->ncpus; c++)
		if (cpu < 0 || (unsigned)cpu == c)
			trace_ring_clear(trace_ctx_ring(ctx, c));
}

static void record_cmdline(struct trace_ctx *ctx, int32_t pid)
{
	if (pid <= 0 || !ctx->plat.current_comm)
		return;
	struct trace_cmdlines *cl = atomic_load_explicit(&ctx->cmdlines, memory_order_acquire);
	struct trace_cmdline *e = &cl->e[(uint32_t)pid % cl->n];
	/* relaxed: a hint; a stale read only rewrites the same entry */
	if (atomic_load_explicit(&e->pid, memory_order_relaxed) == pid)
		return;
	uint64_t words[TRACE_COMM_LEN / 8] = {0};
	ctx->plat.current_comm(ctx->plat.arg, (char *)words);
	((char *)words)[TRACE_COMM_LEN - 1] = '\0';
	/* relaxed: the release fence orders it before the name words */
	atomic_store_explicit(&e->pid, -1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (unsigned i = 0; i < TRACE_COMM_LEN / 8; i++)
		/* relaxed: published by the release store of pid */
		atomic_store_explicit(&e->comm[i], words[i], memory_order_relaxed);
	atomic_store_explicit(&e->pid, pid, memory_order_release);
}

static void notify_readers(struct trace_ctx *ctx)
{
	/* relaxed: a missed wakeup is bounded by the reader's timeout (ctx.h) */
	if (UNLIKELY(atomic_load_explicit(&ctx->pipe_waiting, memory_order_relaxed)) &&
	    atomic_exchange_explicit(&ctx->pipe_waiting, false, memory_order_relaxed) &&
	    ctx->plat.wake_readers)
		ctx->plat.wake_readers(ctx->plat.arg);
}

static void stamp_entry(struct trace_ctx *ctx, struct trace_entry *e, uint16_t id)
{
	const struct trace_platform *p = &ctx->plat;
	struct trace_entry v = {
		.type = id,
		.flags = p->context_flags ? p->context_flags(p->arg) : 0,
		.preempt_count = p->preempt_count ? p->preempt_count(p->arg) : 0,
		.pid = p->current_pid(p->arg),
	};
	uint64_t w;

	/* through a word, so the compiler emits one store: the ring's 8-byte
	 * loads of the record then forward from it instead of stalling */
	memcpy(&w, &v, sizeof(w));
	memcpy(e, &w, sizeof(w));
}

void trace_event_commit(const struct trace_event_def *def, void *rec, size_t size)
{
	struct trace_event_state *st = def->state;
	/* acquire: pairs with the release at init, so plat/rings are visible */
	struct trace_ctx *ctx = atomic_load_explicit(&st->ctx, memory_order_acquire);

	if (!ctx || !atomic_load_explicit(&ctx->tracing_on, memory_order_relaxed))
		return;
	stamp_entry(ctx, rec, st->id);
	/* acquire: the compiled program was published with release */
	struct trace_filter *f = atomic_load_explicit(&st->filter, memory_order_acquire);
	if (f && !trace_filter_match(f, rec, size))
		return;
	unsigned cpu = ctx->plat.cpu_id(ctx->plat.arg);
	uint64_t ts = ctx->plat.clock_ns(ctx->plat.arg);
	struct trace_ring *r = atomic_load_explicit(&ctx->rings[cpu], memory_order_acquire);
	if (LIKELY(size <= TRACE_RING_ONE_MAX))
		trace_ring_write_one(r, ts, rec, size);
	else
		trace_ring_write(r, ts, rec, size, NULL, 0);
	record_cmdline(ctx, ((struct trace_entry *)rec)->pid);
	notify_readers(ctx);
}

int trace_ctx_write_marker(struct trace_ctx *ctx, const char *text, size_t len)
{
	struct {
		struct trace_entry ent;
		uint64_t ip;
	} hdr;
	char tail[2] = {'\n', '\0'};
	size_t max = TRACE_RECORD_MAX - PRINT_HDR - 2;

	if (!atomic_load_explicit(&ctx->tracing_on, memory_order_relaxed))
		return ERR_AGAIN;
	memset(&hdr, 0, sizeof(hdr));
	stamp_entry(ctx, &hdr.ent, TRACE_PRINT_ID);
	if (len > max)
		len = max;
	/* the text and its ending: "\n\0" if it lacks a newline, else "\0" */
	char buf[TRACE_RECORD_MAX - PRINT_HDR];
	memcpy(buf, text, len);
	if (len && text[len - 1] == '\n') {
		buf[len++] = '\0';
	} else {
		memcpy(buf + len, tail, 2);
		len += 2;
	}
	unsigned cpu = ctx->plat.cpu_id(ctx->plat.arg);
	uint64_t ts = ctx->plat.clock_ns(ctx->plat.arg);
	struct trace_ring *r = atomic_load_explicit(&ctx->rings[cpu], memory_order_acquire);
	int err = trace_ring_write(r, ts, &hdr, sizeof(hdr), buf, len);
	if (err)
		return err;
	record_cmdline(ctx, hdr.ent.pid);
	notify_readers(ctx);
	return 0;
}

static void set_filter_text(struct trace_event_state *st, char *text)
{
	free(st->filter_text);
	st->filter_text = text;
}

int trace_ctx_set_filter(struct trace_ctx *ctx, const struct trace_event_def *def, const char *text,
			 size_t len)
{
	struct trace_event_state *st = def->state;
	struct trace_filter *f = NULL;
	size_t pos = 0;
	const char *msg = NULL;

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	while (len && (*text == ' ' || *text == '\t' || *text == '\n'))
		text++, len--;
	if (len == 0 || (len == 1 && text[0] == '0')) {
		struct trace_filter *old =
			atomic_exchange_explicit(&st->filter, NULL, memory_order_acq_rel);
		sync_writers(ctx);
		trace_filter_free(old);
		set_filter_text(st, NULL);
		return 0;
	}
	int err = trace_filter_compile(def, text, len, &f, &pos, &msg);
	if (err == ERR_INVAL) {
		/* Linux: the text, "\n", '^' under the error, "\nparse_error: ...\n" */
		size_t col = pos > len ? len : pos;
		if (col)
			col++;
		size_t cap = len + col + strlen(msg) + 32;
		char *t = malloc(cap);
		if (!t)
			return ERR_NOMEM;
		fmt_snprintf(t, cap, "%.*s\n%*s\nparse_error: %s\n", (int)len, text, (int)col, "^",
			     msg);
		set_filter_text(st, t);
		return ERR_INVAL;
	}
	if (err)
		return err;
	char *t = malloc(len + 1);
	if (!t) {
		trace_filter_free(f);
		return ERR_NOMEM;
	}
	memcpy(t, text, len);
	t[len] = '\0';
	struct trace_filter *old = atomic_exchange_explicit(&st->filter, f, memory_order_acq_rel);
	sync_writers(ctx);
	trace_filter_free(old);
	set_filter_text(st, t);
	return 0;
}

void trace_ctx_comm(const struct trace_ctx *ctx, int32_t pid, char out[TRACE_COMM_LEN])
{
	if (pid == 0) {
		trace_copy_str(out, "<idle>", TRACE_COMM_LEN);
		return;
	}
	trace_copy_str(out, "<...>", TRACE_COMM_LEN);
	if (pid < 0)
		return;
	struct trace_cmdlines *cl = atomic_load_explicit(&ctx->cmdlines, memory_order_acquire);
	const struct trace_cmdline *e = &cl->e[(uint32_t)pid % cl->n];
	uint64_t words[TRACE_COMM_LEN / 8];
	if (atomic_load_explicit(&e->pid, memory_order_acquire) != pid)
		return;
	for (unsigned i = 0; i < TRACE_COMM_LEN / 8; i++)
		/* relaxed: validated by the pid re-check after the fence */
		words[i] = atomic_load_explicit(&e->comm[i], memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	/* relaxed: ordered by the fence above */
	if (atomic_load_explicit(&e->pid, memory_order_relaxed) != pid)
		return;
	memcpy(out, words, TRACE_COMM_LEN);
	out[TRACE_COMM_LEN - 1] = '\0';
}

uint32_t trace_ctx_cmdlines_size(const struct trace_ctx *ctx)
{
	return atomic_load_explicit(&ctx->cmdlines, memory_order_acquire)->n;
}

int trace_ctx_set_cmdlines_size(struct trace_ctx *ctx, uint32_t n)
{
	if (n == 0 || n > 32768)
		return ERR_INVAL;
	struct trace_cmdlines *cl = cmdlines_new(n);
	if (!cl)
		return ERR_NOMEM;
	cl = atomic_exchange_explicit(&ctx->cmdlines, cl, memory_order_acq_rel);
	sync_writers(ctx);
	free(cl);
	return 0;
}

bool trace_ctx_has_data(struct trace_ctx *ctx)
{
	for (unsigned c = 0; c < ctx->ncpus; c++)
		if (!trace_ring_empty(trace_ctx_ring(ctx, c)))
			return true;
	return false;
}

bool trace_pipe_wait_prepare(struct trace_ctx *ctx)
{
	atomic_store(&ctx->pipe_waiting, true);
	if (!trace_ctx_has_data(ctx))
		return false;
	atomic_store(&ctx->pipe_waiting, false);
	return true;
}
