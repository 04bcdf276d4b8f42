/*
 * output.c - format file, trace header, event lines, merge and TextDrain.
 */
#include "trace/output.h"

#include <string.h>

#include "base/fmt.h"
#include "base/siphash.h"

void trace_sbuf_printf(struct trace_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->len < b->size ? b->size - b->len : 0;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	b->len += (size_t)(n > 0 ? n : 0);
}

static const struct trace_event_field common_fields[] = {
	{.type = "unsigned short", .name = "common_type", .offset = 0, .size = 2},
	{.type = "unsigned char", .name = "common_flags", .offset = 2, .size = 1},
	{.type = "unsigned char", .name = "common_preempt_count", .offset = 3, .size = 1},
	{.type = "int", .name = "common_pid", .offset = 4, .size = 4, .is_signed = 1},
};

static void field_line(struct trace_sbuf *b, const struct trace_event_field *f)
{
	if (f->kind == TRACE_FIELD_DYNSTR)
		trace_sbuf_printf(b, "\tfield:%s %s[];", f->type, f->name);
	else if (f->kind == TRACE_FIELD_SCALAR)
		trace_sbuf_printf(b, "\tfield:%s %s;", f->type, f->name);
	else
		trace_sbuf_printf(b, "\tfield:%s %s[%u];", f->type, f->name, f->array_len);
	trace_sbuf_printf(b, "\toffset:%u;\tsize:%u;\tsigned:%u;\n", f->offset, f->size,
			  f->is_signed);
}

int trace_format_file(const struct trace_event_def *def, char *buf, size_t size)
{
	struct trace_sbuf b = {buf, size, 0};

	trace_sbuf_printf(&b, "name: %s\nID: %u\nformat:\n", def->name, def->state->id);
	for (size_t i = 0; i < ARRAY_SIZE(common_fields); i++)
		field_line(&b, &common_fields[i]);
	trace_sbuf_printf(&b, "\n");
	for (uint32_t i = 0; i < def->nfields; i++)
		field_line(&b, &def->fields[i]);
	trace_sbuf_printf(&b, "\nprint fmt: %s\n", def->print_fmt);
	return (int)b.len;
}

int trace_format_header(const struct trace_ctx *ctx, int cpu, char *buf, size_t size)
{
	static const char space[] = "            ";
	const int prec = 2; /* Linux: 12 with record-tgid, else 2 */
	struct trace_sbuf b = {buf, size, 0};
	uint64_t entries = 0, written = 0;

	for (unsigned c = 0; c < ctx->ncpus; c++) {
		if (cpu >= 0 && (unsigned)cpu != c)
			continue;
		struct trace_ring_stats st;
		trace_ring_get_stats(trace_ctx_ring(ctx, c), &st);
		entries += st.entries;
		written += st.written;
	}
	trace_sbuf_printf(&b, "# tracer: nop\n#\n");
	trace_sbuf_printf(&b, "# entries-in-buffer/entries-written: %llu/%llu   #P:%u\n#\n",
			  (unsigned long long)entries, (unsigned long long)written, ctx->ncpus);
	trace_sbuf_printf(&b, "#                            %.*s  _-----=> irqs-off/BH-disabled\n",
			  prec, space);
	trace_sbuf_printf(&b, "#                            %.*s / _----=> need-resched\n", prec,
			  space);
	trace_sbuf_printf(&b, "#                            %.*s| / _---=> hardirq/softirq\n", prec,
			  space);
	trace_sbuf_printf(&b, "#                            %.*s|| / _--=> preempt-depth\n", prec,
			  space);
	trace_sbuf_printf(&b, "#                            %.*s||| / _-=> migrate-disable\n", prec,
			  space);
	trace_sbuf_printf(&b, "#                            %.*s|||| /     delay\n", prec, space);
	trace_sbuf_printf(&b, "#           TASK-PID  %.*s CPU#  |||||  TIMESTAMP  FUNCTION\n", prec,
			  "     TGID   ");
	trace_sbuf_printf(&b, "#              | |    %.*s   |   |||||     |         |\n", prec,
			  "       |    ");
	return (int)b.len;
}

static void lat_flags(const struct trace_entry *e, char out[6])
{
	uint8_t f = e->flags, pc = e->preempt_count;
	bool nmi = f & TRACE_FLAG_NMI, hard = f & TRACE_FLAG_HARDIRQ;
	bool soft = f & TRACE_FLAG_SOFTIRQ, irqs = f & TRACE_FLAG_IRQS_OFF;
	bool bh = f & TRACE_FLAG_BH_OFF, nr = f & TRACE_FLAG_NEED_RESCHED;
	bool pr = f & TRACE_FLAG_PREEMPT_RESCHED;
	static const char hex[] = "0123456789abcdef";

	out[0] = irqs && bh ? 'D' : irqs ? 'd' : bh ? 'b' : '.';
	out[1] = nr && pr ? 'N' : nr ? 'n' : pr ? 'p' : '.';
	out[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	out[3] = (pc & 0xf) ? hex[pc & 0xf] : '.';
	out[4] = (pc >> 4) ? hex[pc >> 4] : '.';
	out[5] = '\0';
}

uint64_t trace_format_ptr(const struct trace_ctx *ctx, uint64_t v)
{
	if (!(v >> 63) || !trace_ctx_hash_ptr(ctx))
		return v;
	return siphash_u64(&ctx->ptr_key, v) & 0xffffffffu;
}

const void *trace_record_shown(const struct trace_ctx *ctx, const struct trace_event_def *def,
			       const void *data, size_t len, uint8_t copy[TRACE_RECORD_MAX])
{
	bool copied = false;

	for (uint32_t i = 0; i < def->nfields; i++) {
		const struct trace_event_field *f = &def->fields[i];
		uint64_t v;

		if (!f->is_pointer)
			continue;
		if (!copied) {
			memcpy(copy, data, len);
			copied = true;
		}
		memcpy(&v, copy + f->offset, sizeof(v));
		v = trace_format_ptr(ctx, v);
		memcpy(copy + f->offset, &v, sizeof(v));
	}
	return copied ? copy : data;
}

int trace_format_line(const struct trace_ctx *ctx, unsigned cpu, const struct trace_ring_rec *rec,
		      char *buf, size_t size)
{
	uint8_t copy[TRACE_RECORD_MAX]; /* a record's payload fits */
	struct trace_sbuf b = {buf, size, 0};
	const void *data = trace_ring_rec_data(rec);
	struct trace_entry e;
	char comm[TRACE_COMM_LEN], flags[6];

	if (rec->len < sizeof(e)) {
		trace_sbuf_printf(&b, "<short record>\n");
		return (int)b.len;
	}
	memcpy(&e, data, sizeof(e));
	trace_ctx_comm(ctx, e.pid, comm);
	lat_flags(&e, flags);
	uint64_t us = (rec->ts + 500) / 1000;
	trace_sbuf_printf(&b, "%16s-%-7d [%03u] %s %5llu.%06llu: ", comm, (int)e.pid, cpu, flags,
			  (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
	const struct trace_event_def *def = trace_ctx_by_id(ctx, e.type);
	if (!def) {
		trace_sbuf_printf(&b, "Unknown type %u\n", e.type);
		return (int)b.len;
	}
	if (def->state->id != TRACE_PRINT_ID)
		trace_sbuf_printf(&b, "%s: ", def->name);
	if (rec->len < def->size) {
		trace_sbuf_printf(&b, "<short record>\n");
		return (int)b.len;
	}
	size_t room = b.len < size ? size - b.len : 0;
	int n = def->print(room ? buf + b.len : NULL, room,
			   trace_record_shown(ctx, def, data, rec->len, copy), rec->len);
	b.len += (size_t)(n > 0 ? n : 0);
	trace_sbuf_printf(&b, "\n");
	return (int)b.len;
}

void trace_merge_start(struct trace_merge *m, struct trace_ctx *ctx, int cpu, bool consume)
{
	m->ctx = ctx;
	m->consume = consume;
	m->only_cpu = cpu;
	for (unsigned c = 0; c < ctx->ncpus; c++) {
		m->have[c] = false;
		if (!consume)
			trace_ring_iter_start(&m->it[c], trace_ctx_ring(ctx, c));
	}
}

bool trace_merge_next(struct trace_merge *m, unsigned *cpu, const struct trace_ring_rec **rec)
{
	int best = -1;

	for (unsigned c = 0; c < m->ctx->ncpus; c++) {
		if (m->only_cpu >= 0 && (unsigned)m->only_cpu != c)
			continue;
		if (m->consume)
			m->have[c] = trace_ring_peek(trace_ctx_ring(m->ctx, c), &m->rec[c]) == 0;
		else if (!m->have[c])
			m->have[c] = trace_ring_iter_next(&m->it[c], &m->rec[c]);
		if (m->have[c] && (best < 0 || m->rec[c].ts < m->rec[best].ts))
			best = (int)c;
	}
	if (best < 0)
		return false;
	if (m->consume)
		trace_ring_consume(trace_ctx_ring(m->ctx, (unsigned)best), &m->rec[best]);
	m->have[best] = false;
	*cpu = (unsigned)best;
	*rec = &m->rec[best];
	return true;
}

size_t trace_drain_pending(struct trace_drain *d, char *out, size_t cap)
{
	size_t n = MIN(d->len - d->pos, cap);

	memcpy(out, d->buf + d->pos, n);
	d->pos += n;
	if (d->pos == d->len)
		trace_drain_reset(d);
	return n;
}

bool trace_drain_copy(struct trace_drain *d, const char *line, size_t len, char *out, size_t cap,
		      size_t *copied)
{
	if (len == 0)
		return true;
	if (*copied >= cap)
		return false;
	size_t n = MIN(len, cap - *copied);
	memcpy(out + *copied, line, n);
	*copied += n;
	if (n < len) {
		size_t rest = MIN(len - n, sizeof(d->buf));
		memcpy(d->buf, line + n, rest);
		d->len = rest;
		d->pos = 0;
	}
	return true;
}
