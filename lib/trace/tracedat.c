/*
 * tracedat.c - trace-cmd's trace.dat (version 6) writer: records become
 * Linux ring-buffer pages per CPU, in memory; the texts and the pages then
 * go to a sink in one pass (layout in tracedat.h).
 *
 * Numbers are written in the writer's own byte order, which the file
 * names, so a record's fields (native structs) need no conversion. The
 * event header's bit fields follow the C layout of Linux's
 * ring_buffer_event on that byte order: type_len is the low 5 bits of the
 * word on a little-endian machine, the high 5 bits on a big-endian one.
 */
#include "trace/tracedat.h"

#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"

#define PAGE_DATA   (TRACEDAT_PAGE - TRACEDAT_PAGE_HDR)
#define DELTA_MASK  ((1u << TRACEDAT_DELTA_BITS) - 1)
#define SMALL_MAX   (TRACEDAT_TYPE_MAXLEN * 4) /* bytes a type_len can say */
#define OPT_DONE    0
#define OPT_CPUSTAT 2
#define OPT_CLOCK   4
#define OPT_UNAME   5

STATIC_ASSERT(TRACEDAT_REC_MAX + 8 <= PAGE_DATA);

static bool big_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;
	memcpy(&b, &one, 1);
	return b == 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* An event header word: type_len and time_delta in the C bit-field layout. */
static uint32_t event_word(uint32_t type_len, uint32_t delta)
{
	if (big_endian())
		return type_len << TRACEDAT_DELTA_BITS | (delta & DELTA_MASK);
	return (delta & DELTA_MASK) << 5 | type_len;
}

int tracedat_init(struct tracedat *td, unsigned ncpus)
{
	if (ncpus == 0 || ncpus > TRACE_MAX_CPUS)
		return ERR_INVAL;
	memset(td, 0, sizeof(*td));
	td->ncpus = ncpus;
	return 0;
}

void tracedat_free(struct tracedat *td)
{
	for (unsigned c = 0; c < td->ncpus; c++)
		free(td->cpu[c].pages);
	memset(td, 0, sizeof(*td));
}

/* Starts a page whose time stamp is `ts`. ERR_NOMEM (nothing changed). */
static int page_new(struct tracedat_cpu *c, uint64_t ts)
{
	if (c->npages == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4;
		uint8_t *np = ncap <= SIZE_MAX / TRACEDAT_PAGE / 2
				      ? realloc(c->pages, ncap * TRACEDAT_PAGE)
				      : NULL;
		if (!np)
			return ERR_NOMEM;
		c->pages = np;
		c->cap = ncap;
	}
	uint8_t *p = c->pages + c->npages * TRACEDAT_PAGE;
	memset(p, 0, TRACEDAT_PAGE);
	put64(p, ts);
	c->npages++;
	c->used = 0;
	c->last_ts = ts;
	return 0;
}

int tracedat_add(struct tracedat *td, unsigned cpu, uint64_t ts, const void *rec, size_t len)
{
	if (cpu >= td->ncpus || len == 0 || len > TRACEDAT_REC_MAX)
		return ERR_INVAL;
	struct tracedat_cpu *c = &td->cpu[cpu];
	size_t len4 = (len + 3) & ~(size_t)3;
	size_t need = 4 + (len4 > SMALL_MAX ? 4 : 0) + len4;

	if (c->npages && ts < c->last_ts)
		ts = c->last_ts; /* out of order: see the header */
	uint64_t delta = c->npages ? ts - c->last_ts : 0;
	size_t ext = delta > DELTA_MASK ? 8 : 0;
	/* a delta past 59 bits does not fit an extend: a new page says the time */
	if (!c->npages || c->used + ext + need > PAGE_DATA || delta >> 59) {
		int err = page_new(c, ts);
		if (err)
			return err;
		delta = 0;
		ext = 0;
	}
	uint8_t *page = c->pages + (c->npages - 1) * TRACEDAT_PAGE;
	uint8_t *p = page + TRACEDAT_PAGE_HDR + c->used;
	if (ext) {
		put32(p, event_word(TRACEDAT_TYPE_EXTEND, (uint32_t)(delta & DELTA_MASK)));
		put32(p + 4, (uint32_t)(delta >> TRACEDAT_DELTA_BITS));
		p += 8;
		delta = 0;
	}
	if (len4 <= SMALL_MAX) {
		put32(p, event_word((uint32_t)(len4 / 4), (uint32_t)delta));
		p += 4;
	} else {
		put32(p, event_word(0, (uint32_t)delta));
		put32(p + 4, (uint32_t)(len4 + 4)); /* readers take 4 off */
		p += 8;
	}
	memcpy(p, rec, len); /* the rest up to len4 is the page's zeros */
	c->used += ext + need;
	c->last_ts = ts;
	c->events++;
	put64(page + 8, c->used); /* commit */
	return 0;
}

int tracedat_header_page(char *buf, size_t size)
{
	return fmt_snprintf(buf, size,
			    "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
			    "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
			    "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
			    "\tfield: char data;\toffset:%u;\tsize:%u;\tsigned:1;\n",
			    TRACEDAT_PAGE_HDR, PAGE_DATA);
}

int tracedat_header_event(char *buf, size_t size)
{
	return fmt_snprintf(buf, size,
			    "# compressed entry header\n"
			    "\ttype_len    :    5 bits\n"
			    "\ttime_delta  :   %u bits\n"
			    "\tarray       :   32 bits\n"
			    "\n"
			    "\tpadding     : type == 29\n"
			    "\ttime_extend : type == %u\n"
			    "\ttime_stamp : type == 31\n"
			    "\tdata max type_len  == %u\n",
			    TRACEDAT_DELTA_BITS, TRACEDAT_TYPE_EXTEND, TRACEDAT_TYPE_MAXLEN);
}

/* ---- the header, built in memory ---- */

struct dbuf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static void db_put(struct dbuf *b, const void *data, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (n > b->cap - b->len) {
		size_t ncap = MAX(b->cap * 2, b->len + n + 4096);
		uint8_t *np = ncap > b->len ? realloc(b->p, ncap) : NULL;
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void db_u16(struct dbuf *b, uint16_t v)
{
	db_put(b, &v, 2);
}

static void db_u32(struct dbuf *b, uint32_t v)
{
	db_put(b, &v, 4);
}

static void db_u64(struct dbuf *b, uint64_t v)
{
	db_put(b, &v, 8);
}

/* A text with its size before it, in a field of 4 or 8 bytes. */
static void db_text(struct dbuf *b, const char *s, unsigned width)
{
	size_t n = s ? strlen(s) : 0;
	if (width == 4)
		db_u32(b, (uint32_t)n);
	else
		db_u64(b, n);
	db_put(b, s, n);
}

/* An option whose data is the text s with its NUL. */
static void db_option(struct dbuf *b, uint16_t id, const char *s)
{
	size_t n = strlen(s) + 1;
	db_u16(b, id);
	db_u32(b, (uint32_t)n);
	db_put(b, s, n);
}

static bool fits_u32(size_t n)
{
	return n <= UINT32_MAX;
}

static bool info_fits(const struct tracedat_info *info)
{
	if (!fits_u32(info->nftrace) || !fits_u32(info->nsystems) ||
	    (info->kallsyms && !fits_u32(strlen(info->kallsyms))))
		return false;
	for (size_t i = 0; i < info->nsystems; i++)
		if (!fits_u32(info->systems[i].nformats))
			return false;
	return true;
}

static void header_build(struct dbuf *b, const struct tracedat *td,
			 const struct tracedat_info *info)
{
	static const uint8_t magic[] = {0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'};
	char text[512];

	db_put(b, magic, sizeof(magic));
	db_put(b, "6", 2);
	uint8_t endian = big_endian() ? 1 : 0, long_size = 8;
	db_put(b, &endian, 1);
	db_put(b, &long_size, 1);
	db_u32(b, TRACEDAT_PAGE);

	db_put(b, "header_page", 12);
	tracedat_header_page(text, sizeof(text));
	db_text(b, text, 8);
	db_put(b, "header_event", 13);
	tracedat_header_event(text, sizeof(text));
	db_text(b, text, 8);

	db_u32(b, (uint32_t)info->nftrace);
	for (size_t i = 0; i < info->nftrace; i++)
		db_text(b, info->ftrace_formats[i], 8);
	db_u32(b, (uint32_t)info->nsystems);
	for (size_t i = 0; i < info->nsystems; i++) {
		const struct tracedat_system *s = &info->systems[i];
		db_put(b, s->name, strlen(s->name) + 1);
		db_u32(b, (uint32_t)s->nformats);
		for (size_t j = 0; j < s->nformats; j++)
			db_text(b, s->formats[j], 8);
	}
	db_text(b, info->kallsyms, 4);
	db_text(b, NULL, 4); /* printk formats: none (no trace_printk) */
	db_text(b, info->cmdlines, 8);
	db_u32(b, td->ncpus);

	db_put(b, "options  ", 10);
	if (info->uname)
		db_option(b, OPT_UNAME, info->uname);
	if (info->clock)
		db_option(b, OPT_CLOCK, info->clock);
	for (unsigned c = 0; info->cpustats && c < td->ncpus; c++)
		db_option(b, OPT_CPUSTAT, info->cpustats[c]);
	db_u16(b, OPT_DONE); /* version 6: the id alone ends the options */

	db_put(b, "flyrecord", 10);
	/* every CPU's pages follow one another from the first page boundary */
	uint64_t off = ((uint64_t)b->len + 16ull * td->ncpus + TRACEDAT_PAGE - 1) / TRACEDAT_PAGE *
		       TRACEDAT_PAGE;
	for (unsigned c = 0; c < td->ncpus; c++) {
		uint64_t size = (uint64_t)td->cpu[c].npages * TRACEDAT_PAGE;
		db_u64(b, off);
		db_u64(b, size);
		off += size;
	}
	static const uint8_t zeros[TRACEDAT_PAGE];
	db_put(b, zeros, (TRACEDAT_PAGE - b->len % TRACEDAT_PAGE) % TRACEDAT_PAGE);
}

int tracedat_write(const struct tracedat *td, const struct tracedat_info *info,
		   const struct tracedat_sink *sink)
{
	struct dbuf b = {0};
	int err;

	if (!info_fits(info))
		return ERR_INVAL;
	header_build(&b, td, info);
	if (b.oom) {
		free(b.p);
		return ERR_NOMEM;
	}
	err = sink->write(sink->arg, b.p, b.len);
	free(b.p);
	for (unsigned c = 0; !err && c < td->ncpus; c++)
		if (td->cpu[c].npages)
			err = sink->write(sink->arg, td->cpu[c].pages,
					  td->cpu[c].npages * TRACEDAT_PAGE);
	return err;
}
