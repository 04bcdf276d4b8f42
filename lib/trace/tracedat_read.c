/*
 * tracedat_read.c - trace.dat (version 6) reader: the header sections in
 * file order (see tracedat.h), then each CPU's ring-buffer pages.
 *
 * Every read goes through a cursor (struct rd) that knows how many bytes
 * are left, so a count or size taken from the file is never trusted
 * before it is compared with what is there. A text section is parsed in
 * place (formats, cmdlines); print fmt texts stay in the file's bytes.
 */
#include "trace/tracedat_read.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define TYPE_PADDING 29
#define TYPE_EXTEND  30
#define TYPE_STAMP   31
#define DELTA_BITS   27
#define FORMATS_MAX  65536 /* event formats in one file, at most */

/* ---- a bounded cursor over the file ---- */

struct rd {
	struct tracedat_file *f;
	size_t pos;
};

static int fail(struct tracedat_file *f, int err, const char *why, size_t at)
{
	if (!f->error) {
		f->error = why;
		f->error_at = at;
	}
	return err;
}

uint64_t tracedat_read_num(const struct tracedat_file *f, const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) /* byte i from the least significant */
		v |= (uint64_t)p[f->big ? n - 1 - i : i] << (8 * i);
	return v;
}

static bool rd_need(struct rd *r, size_t n, const char *what)
{
	if (n > r->f->len - r->pos) {
		fail(r->f, ERR_TRUNC, what, r->pos);
		return false;
	}
	return true;
}

static bool rd_u(struct rd *r, unsigned n, uint64_t *v, const char *what)
{
	if (!rd_need(r, n, what))
		return false;
	*v = tracedat_read_num(r->f, r->f->data + r->pos, n);
	r->pos += n;
	return true;
}

/* A NUL-ended string at the cursor, at most max bytes before the NUL. */
static const char *rd_str(struct rd *r, size_t max, const char *what)
{
	const uint8_t *p = r->f->data + r->pos;
	size_t left = r->f->len - r->pos;
	const uint8_t *z = memchr(p, 0, left < max + 1 ? left : max + 1);
	if (!z) {
		fail(r->f, ERR_MALFORMED, what, r->pos);
		return NULL;
	}
	r->pos += (size_t)(z - p) + 1;
	return (const char *)p;
}

/* A text with its size (of `width` bytes) before it. */
static bool rd_text(struct rd *r, unsigned width, const char **text, size_t *len, const char *what)
{
	uint64_t n;
	if (!rd_u(r, width, &n, what) || !rd_need(r, n, what))
		return false;
	*text = (const char *)r->f->data + r->pos;
	*len = (size_t)n;
	r->pos += (size_t)n;
	return true;
}

/* ---- format texts ---- */

/* The line [p, end) that starts at *p; *p moves past it. */
static size_t next_line(const char **p, const char *end, const char **line)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;
	*line = s;
	*p = nl ? nl + 1 : end;
	return (size_t)(e - s);
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* The number after "key" in line[0..len), or false. */
static bool line_num(const char *line, size_t len, const char *key, uint64_t *v)
{
	size_t k = strlen(key);
	for (size_t i = 0; i + k <= len; i++) {
		if (memcmp(line + i, key, k) != 0)
			continue;
		size_t j = i + k;
		uint64_t n = 0;
		bool any = false;
		while (j < len && line[j] == ' ')
			j++;
		while (j < len && line[j] >= '0' && line[j] <= '9' && n < (1ull << 40)) {
			n = n * 10 + (uint64_t)(line[j++] - '0');
			any = true;
		}
		if (any)
			*v = n;
		return any;
	}
	return false;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* "\tfield:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" into *fd. */
static bool field_parse(const char *line, size_t len, struct tracedat_rfield *fd)
{
	const char *d = memchr(line, ':', len), *semi;
	uint64_t off, size, sgn = 0;

	if (!d || !line_num(line, len, "offset:", &off) || !line_num(line, len, "size:", &size))
		return false;
	(void)line_num(line, len, "signed:", &sgn);
	d++;
	semi = memchr(d, ';', (size_t)(line + len - d));
	if (!semi || off > UINT32_MAX || size > UINT32_MAX)
		return false;
	/* the name: the last identifier, before its "[N]" if it has one
	 * ("__data_loc char[] msg" has its brackets before the name) */
	const char *bracket = NULL, *ne = semi, *ns;
	if (semi > d && semi[-1] == ']')
		for (const char *c = semi - 1; c > d && !bracket; c--)
			if (c[-1] == '[')
				bracket = c - 1;
	if (bracket)
		ne = bracket;
	ns = ne;
	while (ns > d && ident_char(ns[-1]))
		ns--;
	if (ns == ne || (size_t)(ne - ns) >= TRACEDAT_NAME_MAX)
		return false;
	memset(fd, 0, sizeof(*fd));
	memcpy(fd->name, ns, (size_t)(ne - ns));
	fd->offset = (uint32_t)off;
	fd->size = (uint32_t)size;
	fd->is_signed = sgn != 0;
	bool is_char = false;
	for (const char *c = d; c + 4 <= ns; c++)
		if (memcmp(c, "char", 4) == 0)
			is_char = true;
	bool data_loc = false;
	for (const char *c = d; c + 10 <= ns; c++)
		if (memcmp(c, "__data_loc", 10) == 0)
			data_loc = true;
	if (data_loc)
		fd->kind = TRACEDAT_DATALOC;
	else if (bracket && bracket + 1 < semi && bracket[1] == ']')
		fd->kind = TRACEDAT_DYNSTR;
	else if (bracket)
		fd->kind = is_char ? TRACEDAT_STRING : TRACEDAT_ARRAY;
	else
		fd->kind = TRACEDAT_SCALAR;
	if (fd->kind == TRACEDAT_SCALAR && size != 1 && size != 2 && size != 4 && size != 8)
		fd->kind = TRACEDAT_ARRAY;
	if (fd->kind == TRACEDAT_DATALOC && size != 4)
		return false;
	return true;
}

/* One event's format file text into *ef. */
static int format_parse(struct tracedat_file *f, const char *sys, const char *text, size_t len,
			size_t at, struct tracedat_rformat *ef)
{
	const char *p = text, *end = text + len, *line;
	uint64_t id = 0;
	bool have_id = false;

	memset(ef, 0, sizeof(*ef));
	if (strlen(sys) >= TRACEDAT_NAME_MAX)
		return fail(f, ERR_MALFORMED, "system name too long", at);
	memcpy(ef->system, sys, strlen(sys) + 1);
	while (p < end) {
		size_t n = next_line(&p, end, &line);
		if (starts(line, n, "name: ")) {
			if (n - 6 >= TRACEDAT_NAME_MAX || n == 6)
				return fail(f, ERR_MALFORMED, "event format: bad name", at);
			memcpy(ef->name, line + 6, n - 6);
		} else if (starts(line, n, "ID: ")) {
			have_id = line_num(line, n, "ID:", &id) && id <= UINT32_MAX;
		} else if (starts(line, n, "\tfield:")) {
			if (ef->nfields == TRACEDAT_FIELDS_MAX)
				continue; /* more than we show: left out */
			if (!field_parse(line, n, &ef->fields[ef->nfields]))
				return fail(f, ERR_MALFORMED, "event format: bad field line", at);
			ef->nfields++;
		} else if (starts(line, n, "print fmt: ")) {
			ef->print = line + 11;
			ef->print_len = n - 11;
		}
	}
	if (!ef->name[0] || !have_id)
		return fail(f, ERR_MALFORMED, "event format without name or ID", at);
	ef->id = (uint32_t)id;
	return 0;
}

/* `count` formats of system `sys`, each a size(8) then its text. */
static int formats_read(struct rd *r, const char *sys, uint64_t count)
{
	struct tracedat_file *f = r->f;
	if (count > FORMATS_MAX || f->nformats + count > FORMATS_MAX)
		return fail(f, ERR_MALFORMED, "too many event formats", r->pos);
	/* every format takes at least its 8-byte size: no more than the bytes left */
	if (count > (f->len - r->pos) / 8)
		return fail(f, ERR_TRUNC, "event formats cut short", r->pos);
	struct tracedat_rformat *nf =
		realloc(f->formats, (f->nformats + (size_t)count) * sizeof(*nf) + 1);
	if (!nf)
		return ERR_NOMEM;
	f->formats = nf;
	for (uint64_t i = 0; i < count; i++) {
		const char *text;
		size_t len, at = r->pos;
		if (!rd_text(r, 8, &text, &len, "event format cut short"))
			return ERR_TRUNC;
		int err = format_parse(f, sys, text, len, at, &f->formats[f->nformats]);
		if (err)
			return err;
		f->nformats++;
	}
	return 0;
}

/* header_page: where a page's data starts, and the commit's size. */
static int header_page_parse(struct tracedat_file *f, const char *text, size_t len, size_t at)
{
	const char *p = text, *end = text + len, *line;
	struct tracedat_rfield fd;
	bool data = false, commit = false;

	while (p < end) {
		size_t n = next_line(&p, end, &line);
		if (!starts(line, n, "\tfield:") || !field_parse(line, n, &fd))
			continue;
		if (strcmp(fd.name, "commit") == 0 && (fd.size == 4 || fd.size == 8) &&
		    fd.offset == 8) {
			f->commit_size = fd.size;
			commit = true;
		} else if (strcmp(fd.name, "data") == 0) {
			f->page_data = fd.offset;
			data = true;
		}
	}
	if (!data || !commit || f->page_data != 8 + f->commit_size || f->page_data >= f->page_size)
		return fail(f, ERR_MALFORMED, "header_page: no usable commit and data fields", at);
	return 0;
}

static int cmdlines_parse(struct tracedat_file *f, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *line;
	size_t lines = 0;

	for (const char *q = text; q < end; q++)
		lines += *q == '\n';
	f->cmdlines = calloc(lines + 1, sizeof(*f->cmdlines));
	if (!f->cmdlines)
		return ERR_NOMEM;
	while (p < end) {
		size_t n = next_line(&p, end, &line), i = 0;
		int64_t pid = 0;
		bool neg = false, any = false;
		if (i < n && line[i] == '-') {
			neg = true;
			i++;
		}
		while (i < n && line[i] >= '0' && line[i] <= '9' && pid < INT32_MAX) {
			pid = pid * 10 + (line[i++] - '0');
			any = true;
		}
		if (!any || i >= n || line[i] != ' ' || pid > INT32_MAX)
			continue; /* not a "pid comm" line: ignored */
		struct tracedat_cmdline *c = &f->cmdlines[f->ncmdlines++];
		size_t cl = n - i - 1 < TRACE_COMM_LEN - 1 ? n - i - 1 : TRACE_COMM_LEN - 1;
		c->pid = (int32_t)(neg ? -pid : pid);
		memcpy(c->comm, line + i + 1, cl);
		c->comm[cl] = 0;
	}
	return 0;
}

static int header_read(struct rd *r)
{
	static const uint8_t magic[] = {0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'};
	struct tracedat_file *f = r->f;
	const char *s, *text;
	size_t len, at;
	uint64_t v, n;
	int err;

	if (f->len < sizeof(magic) || memcmp(f->data, magic, sizeof(magic)) != 0)
		return fail(f, ERR_MALFORMED, "not a trace.dat file (no tracing magic)", 0);
	r->pos = sizeof(magic);
	if (!(s = rd_str(r, 8, "bad version")))
		return ERR_MALFORMED;
	if (strcmp(s, "6") != 0)
		return fail(f, ERR_UNSUPP, "trace.dat version is not 6 (the one read here)",
			    sizeof(magic));
	if (!rd_need(r, 6, "header cut short"))
		return ERR_TRUNC;
	uint8_t endian = f->data[r->pos], long_size = f->data[r->pos + 1];
	if (endian > 1 || (long_size != 4 && long_size != 8))
		return fail(f, ERR_MALFORMED, "bad byte order or long size", r->pos);
	f->big = endian == 1;
	r->pos += 2;
	(void)rd_u(r, 4, &v, "header cut short");
	if (v < 64 || v > (1u << 20) || (v & (v - 1)))
		return fail(f, ERR_MALFORMED, "bad page size", r->pos - 4);
	f->page_size = (uint32_t)v;

	at = r->pos;
	if (!(s = rd_str(r, 16, "no header_page")) || strcmp(s, "header_page") != 0)
		return fail(f, ERR_MALFORMED, "no header_page section", at);
	at = r->pos;
	if (!rd_text(r, 8, &text, &len, "header_page cut short"))
		return ERR_TRUNC;
	if ((err = header_page_parse(f, text, len, at)))
		return err;
	at = r->pos;
	if (!(s = rd_str(r, 16, "no header_event")) || strcmp(s, "header_event") != 0)
		return fail(f, ERR_MALFORMED, "no header_event section", at);
	if (!rd_text(r, 8, &text, &len, "header_event cut short"))
		return ERR_TRUNC;

	if (!rd_u(r, 4, &n, "ftrace formats cut short"))
		return ERR_TRUNC;
	if ((err = formats_read(r, "ftrace", n)))
		return err;
	if (!rd_u(r, 4, &n, "event systems cut short"))
		return ERR_TRUNC;
	if (n > FORMATS_MAX)
		return fail(f, ERR_MALFORMED, "too many event systems", r->pos - 4);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t ne;
		if (!(s = rd_str(r, TRACEDAT_NAME_MAX - 1, "bad system name")))
			return ERR_MALFORMED;
		if (!rd_u(r, 4, &ne, "event system cut short"))
			return ERR_TRUNC;
		if ((err = formats_read(r, s, ne)))
			return err;
	}
	if (!rd_text(r, 4, &text, &len, "kallsyms cut short") ||
	    !rd_text(r, 4, &text, &len, "printk formats cut short") ||
	    !rd_text(r, 8, &text, &len, "saved cmdlines cut short"))
		return ERR_TRUNC;
	if ((err = cmdlines_parse(f, text, len)))
		return err;
	if (!rd_u(r, 4, &n, "CPU count cut short"))
		return ERR_TRUNC;
	if (n == 0 || n > TRACE_MAX_CPUS)
		return fail(f, ERR_UNSUPP, "CPU count is 0 or above what this reader keeps",
			    r->pos - 4);
	f->ncpus = (unsigned)n;

	at = r->pos;
	if (!(s = rd_str(r, 10, "no data section")))
		return ERR_MALFORMED;
	if (strcmp(s, "options  ") == 0) {
		for (;;) {
			uint64_t id, size;
			if (!rd_u(r, 2, &id, "options cut short"))
				return ERR_TRUNC;
			if (id == 0)
				break;
			if (!rd_u(r, 4, &size, "options cut short") ||
			    !rd_need(r, size, "option cut short"))
				return ERR_TRUNC;
			r->pos += (size_t)size;
		}
		at = r->pos;
		if (!(s = rd_str(r, 10, "no data section")))
			return ERR_MALFORMED;
	}
	if (strcmp(s, "latency  ") == 0)
		return fail(f, ERR_UNSUPP, "latency tracer data (only flyrecord is read)", at);
	if (strcmp(s, "flyrecord") != 0)
		return fail(f, ERR_MALFORMED, "no flyrecord section", at);
	for (unsigned c = 0; c < f->ncpus; c++) {
		uint64_t off, size;
		at = r->pos;
		if (!rd_u(r, 8, &off, "CPU offsets cut short") ||
		    !rd_u(r, 8, &size, "CPU offsets cut short"))
			return ERR_TRUNC;
		if (off > f->len || size > f->len - off || size % f->page_size)
			return fail(f, ERR_MALFORMED, "a CPU's data lies outside the file", at);
		f->cpu_off[c] = off;
		f->cpu_size[c] = size;
	}
	return 0;
}

int tracedat_read_open(struct tracedat_file *f, const void *data, size_t len)
{
	struct rd r = {f, 0};
	memset(f, 0, sizeof(*f));
	f->data = data;
	f->len = len;
	return header_read(&r);
}

void tracedat_read_close(struct tracedat_file *f)
{
	free(f->formats);
	free(f->cmdlines);
	memset(f, 0, sizeof(*f));
}

const struct tracedat_rformat *tracedat_find_format(const struct tracedat_file *f, uint32_t id)
{
	for (size_t i = 0; i < f->nformats; i++)
		if (f->formats[i].id == id)
			return &f->formats[i];
	return NULL;
}

/* ---- records ---- */

void tracedat_iter_start(struct tracedat_iter *it, struct tracedat_file *f)
{
	memset(it, 0, sizeof(*it));
	it->f = f;
	for (unsigned c = 0; c < f->ncpus; c++) {
		it->cpu[c].page = f->cpu_off[c];
		it->cpu[c].end = f->cpu_off[c] + f->cpu_size[c];
		it->cpu[c].pos = UINT32_MAX; /* the page's header is read first */
	}
}

/* The next record of CPU c into its `ev`: 1, 0 (none left), or an error. */
static int cpu_next(struct tracedat_iter *it, unsigned c)
{
	struct tracedat_file *f = it->f;
	struct tracedat_rcpu *k = &it->cpu[c];

	for (;;) {
		if (k->pos == UINT32_MAX) { /* a new page */
			if (k->page >= k->end)
				return 0;
			const uint8_t *pg = f->data + k->page;
			uint64_t commit = tracedat_read_num(f, pg + 8, f->commit_size);
			commit &= 0xfffffffull; /* the high bits are flags (missed events) */
			if (commit > f->page_size - f->page_data)
				return fail(f, ERR_MALFORMED, "page commit past the page",
					    (size_t)k->page);
			k->ts = tracedat_read_num(f, pg, 8);
			k->pos = f->page_data;
			k->commit = f->page_data + (uint32_t)commit;
		}
		if (k->pos + 4 > k->commit) {
			k->page += f->page_size;
			k->pos = UINT32_MAX;
			continue;
		}
		const uint8_t *pg = f->data + k->page, *p = pg + k->pos;
		uint32_t w = (uint32_t)tracedat_read_num(f, p, 4), type, delta, len, hdr = 4;
		if (f->big) {
			type = w >> DELTA_BITS;
			delta = w & ((1u << DELTA_BITS) - 1);
		} else {
			type = w & 31;
			delta = w >> 5;
		}
		size_t at = (size_t)(p - f->data);
		uint32_t arg = 0;
		if (type == 0 || type >= TYPE_PADDING) {
			if (k->pos + 8 > k->commit)
				return fail(f, ERR_MALFORMED, "event header cut at the page end",
					    at);
			arg = (uint32_t)tracedat_read_num(f, p + 4, 4);
		}
		if (type == TYPE_EXTEND || type == TYPE_STAMP) {
			uint64_t t = (uint64_t)arg << DELTA_BITS | delta;
			k->ts = type == TYPE_STAMP ? t : k->ts + t;
			k->pos += 8;
			continue;
		}
		if (type == TYPE_PADDING) {
			if (delta == 0 || arg < 4 || arg > k->commit - k->pos) {
				k->pos = k->commit; /* the rest of the page is padding */
				continue;
			}
			k->ts += delta;
			k->pos += arg; /* a discarded event: its length, header included */
			continue;
		}
		if (type == 0) {
			if (arg < 4)
				return fail(f, ERR_MALFORMED, "event length below its header", at);
			len = arg - 4;
			hdr = 8;
		} else {
			len = type * 4;
		}
		if (len > k->commit - k->pos - hdr)
			return fail(f, ERR_MALFORMED, "event past its page's data", at);
		k->ts += delta;
		k->ev = (struct tracedat_revent){c, k->ts, p + hdr, len};
		k->pos += hdr + ((len + 3) & ~3u);
		return 1;
	}
}

int tracedat_iter_next(struct tracedat_iter *it, struct tracedat_revent *ev)
{
	int best = -1;
	for (unsigned c = 0; c < it->f->ncpus; c++) {
		struct tracedat_rcpu *k = &it->cpu[c];
		if (!k->have && !k->done) {
			int r = cpu_next(it, c);
			if (r < 0)
				return r;
			k->have = r == 1;
			k->done = r == 0;
		}
		if (k->have && (best < 0 || k->ev.ts < it->cpu[best].ev.ts))
			best = (int)c;
	}
	if (best < 0)
		return 0;
	*ev = it->cpu[best].ev;
	it->cpu[best].have = false;
	return 1;
}
