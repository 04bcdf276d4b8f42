/* trace_dat_test.c - the trace.dat writer (lib/trace/tracedat.c): files read
 * back by a small decoder of the layout in tracedat.h (tests/tracedat/check.sh
 * reads them with trace-cmd itself). */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "trace/output.h"
#include "trace/tracedat.h"
#include "trace/tracefs.h"
#include "trace_test_events.h"
#include "trace_test_membuf.h"
#include "trace_test_plat.h"

struct dat_event {
	unsigned cpu;
	uint64_t ts;
	uint32_t len;
	const uint8_t *data;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* The offset just after the first `s` (with its NUL) in the file, or 0. */
static size_t find_str(const struct membuf *m, const char *s)
{
	size_t n = strlen(s) + 1;
	for (size_t i = 0; i + n <= m->len; i++)
		if (memcmp(m->p + i, s, n) == 0)
			return i + n;
	return 0;
}

/* Decodes every CPU's pages (a little-endian file of ncpus CPUs) into
 * out[0..max); returns the count, or -1 if the layout is broken. */
static int decode(const struct membuf *m, unsigned ncpus, struct dat_event *out, int max)
{
	size_t fly = find_str(m, "flyrecord");
	int n = 0;

	if (!fly || fly + 16 * ncpus > m->len)
		return -1;
	for (unsigned c = 0; c < ncpus; c++) {
		uint64_t off = rd64(m->p + fly + 16 * c), size = rd64(m->p + fly + 16 * c + 8);
		if (off % TRACEDAT_PAGE || size % TRACEDAT_PAGE || off + size > m->len)
			return -1;
		for (uint64_t pg = off; pg < off + size; pg += TRACEDAT_PAGE) {
			const uint8_t *p = m->p + pg;
			uint64_t ts = rd64(p), commit = rd64(p + 8);
			size_t i = TRACEDAT_PAGE_HDR, end = TRACEDAT_PAGE_HDR + commit;
			if (end > TRACEDAT_PAGE)
				return -1;
			while (i < end) {
				uint32_t w = rd32(p + i), type = w & 31, len;
				ts += w >> 5;
				if (type == TRACEDAT_TYPE_EXTEND) {
					ts += (uint64_t)rd32(p + i + 4) << TRACEDAT_DELTA_BITS;
					i += 8;
					continue;
				}
				if (type == 0) {
					len = rd32(p + i + 4) - 4;
					i += 8;
				} else if (type <= TRACEDAT_TYPE_MAXLEN) {
					len = type * 4;
					i += 4;
				} else {
					return -1;
				}
				if (i + len > end || n == max)
					return -1;
				out[n++] = (struct dat_event){c, ts, len, p + i};
				i += len;
			}
		}
	}
	return n;
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

TEST(trace_dat, records_round_trip)
{
	struct tracedat td;
	struct tracedat_info info = {0};
	struct membuf m = {0};
	struct tracedat_sink sink = {&m, mem_write};
	struct dat_event ev[8];
	uint8_t a[8], b[200], c[10], d[8];

	pattern(a, sizeof(a), 1);
	pattern(b, sizeof(b), 2);
	pattern(c, sizeof(c), 3);
	pattern(d, sizeof(d), 4);
	if (!EXPECT_OK(tracedat_init(&td, 2)))
		return;
	EXPECT_OK(tracedat_add(&td, 0, 100, a, sizeof(a)));
	/* 2^30 ns later: more than a 27-bit delta, so a time extend */
	EXPECT_OK(tracedat_add(&td, 0, 100 + (1ull << 30) + 5, b, sizeof(b)));
	EXPECT_OK(tracedat_add(&td, 1, 50, c, sizeof(c)));
	EXPECT_OK(tracedat_add(&td, 1, 40, d, sizeof(d))); /* older: written at 50 */
	EXPECT_OK(tracedat_write(&td, &info, &sink));
	tracedat_free(&td);

	int n = decode(&m, 2, ev, 8);
	if (!EXPECT_EQ(n, 4))
		goto out;
	EXPECT_EQ(ev[0].cpu, 0u);
	EXPECT_EQ_U(ev[0].ts, 100);
	EXPECT(ev[0].len == 8 && memcmp(ev[0].data, a, 8) == 0);
	EXPECT_EQ_U(ev[1].ts, 100 + (1ull << 30) + 5);
	EXPECT(ev[1].len == 200 && memcmp(ev[1].data, b, 200) == 0); /* a long entry */
	EXPECT_EQ(ev[2].cpu, 1u);
	EXPECT_EQ_U(ev[2].ts, 50);
	/* 10 bytes take 12, zero-padded */
	EXPECT(ev[2].len == 12 && memcmp(ev[2].data, c, 10) == 0 && ev[2].data[10] == 0 &&
	       ev[2].data[11] == 0);
	EXPECT_EQ_U(ev[3].ts, 50);
	EXPECT(ev[3].len == 8 && memcmp(ev[3].data, d, 8) == 0);
out:
	free(m.p);
}

TEST(trace_dat, records_fill_pages)
{
	enum { N = 1000, LEN = 40 };
	struct tracedat td;
	struct tracedat_info info = {0};
	struct membuf m = {0};
	struct tracedat_sink sink = {&m, mem_write};
	static struct dat_event ev[N + 1];
	uint8_t rec[LEN];

	if (!EXPECT_OK(tracedat_init(&td, 2)))
		return;
	for (uint32_t i = 0; i < N; i++) {
		memcpy(rec, &i, sizeof(i));
		pattern(rec + 4, LEN - 4, (uint8_t)i);
		if (!EXPECT_OK(tracedat_add(&td, 0, 1000000 + i * 333ull, rec, LEN)))
			break;
	}
	/* 44 bytes an event, 4080 a page: 92 a page */
	size_t pages = (N + 91) / 92;
	EXPECT_EQ_U(td.cpu[0].npages, pages);
	EXPECT_EQ_U(td.cpu[1].npages, 0);
	EXPECT_OK(tracedat_write(&td, &info, &sink));
	tracedat_free(&td);

	EXPECT_EQ_U(m.len % TRACEDAT_PAGE, 0);
	int n = decode(&m, 2, ev, N + 1);
	EXPECT_EQ(n, N);
	for (int i = 0; i < n && i < N; i++) {
		uint32_t id;
		memcpy(&id, ev[i].data, 4);
		if (!EXPECT(id == (uint32_t)i && ev[i].ts == 1000000 + i * 333ull &&
			    ev[i].len == LEN && ev[i].cpu == 0))
			break;
	}
	free(m.p);
}

TEST(trace_dat, bad_arguments_change_nothing)
{
	struct tracedat td;
	uint8_t big[TRACEDAT_REC_MAX + 1] = {0};

	EXPECT_EQ(tracedat_init(&td, 0), ERR_INVAL);
	EXPECT_EQ(tracedat_init(&td, TRACE_MAX_CPUS + 1), ERR_INVAL);
	if (!EXPECT_OK(tracedat_init(&td, 1)))
		return;
	EXPECT_EQ(tracedat_add(&td, 1, 5, big, 8), ERR_INVAL);
	EXPECT_EQ(tracedat_add(&td, 0, 5, big, 0), ERR_INVAL);
	EXPECT_EQ(tracedat_add(&td, 0, 5, big, sizeof(big)), ERR_INVAL);
	EXPECT_EQ_U(td.cpu[0].npages, 0);
	EXPECT_OK(tracedat_add(&td, 0, 5, big, TRACEDAT_REC_MAX));
	EXPECT_EQ_U(td.cpu[0].events, 1);
	tracedat_free(&td);
}

TEST(trace_dat, sink_error_is_returned)
{
	struct tracedat td;
	struct tracedat_info info = {0};
	struct membuf m = {.limit = TRACEDAT_PAGE + 100};
	struct tracedat_sink sink = {&m, mem_write};
	uint8_t rec[16] = {1};

	if (!EXPECT_OK(tracedat_init(&td, 1)))
		return;
	EXPECT_OK(tracedat_add(&td, 0, 5, rec, sizeof(rec)));
	EXPECT_EQ(tracedat_write(&td, &info, &sink), ERR_NOSPC);
	tracedat_free(&td);
	free(m.p);
}

TEST(trace_dat, header_sections)
{
	static const char *const fmts[] = {"name: a\n", "name: bb\n"};
	static const struct tracedat_system sys[] = {{"grp", fmts, 2}};
	static const char *const stats[] = {"CPU: 0\n"};
	struct tracedat_info info = {.systems = sys,
				     .nsystems = 1,
				     .cmdlines = "7 hello\n",
				     .uname = "u",
				     .cpustats = stats};
	struct tracedat td;
	struct membuf m = {0};
	struct tracedat_sink sink = {&m, mem_write};
	char text[512];

	if (!EXPECT_OK(tracedat_init(&td, 1)))
		return;
	EXPECT_OK(tracedat_write(&td, &info, &sink));
	tracedat_free(&td);
	if (!EXPECT_GE(m.len, (size_t)TRACEDAT_PAGE))
		goto out;
	EXPECT(memcmp(m.p, "\x17\x08\x44tracing6\0", 12) == 0);
	EXPECT_EQ(m.p[12], 0); /* little endian */
	EXPECT_EQ(m.p[13], 8); /* long size */
	EXPECT_EQ_U(rd32(m.p + 14), TRACEDAT_PAGE);
	size_t at = find_str(&m, "header_page");
	int n = tracedat_header_page(text, sizeof(text));
	EXPECT_EQ(at, 18u + 12u);
	EXPECT(rd64(m.p + at) == (uint64_t)n && memcmp(m.p + at + 8, text, (size_t)n) == 0);
	at = find_str(&m, "grp");
	EXPECT(at && rd32(m.p + at) == 2 && rd64(m.p + at + 4) == 8 &&
	       memcmp(m.p + at + 12, "name: a\n", 8) == 0);
	at = find_str(&m, "options  ");
	/* UNAME "u", CPUSTAT, then the end of the options and flyrecord */
	EXPECT(at && m.p[at] == 5 && rd32(m.p + at + 2) == 2 && memcmp(m.p + at + 6, "u", 2) == 0);
	at += 8;
	EXPECT(m.p[at] == 2 && rd32(m.p + at + 2) == 8);
	at += 6 + 8;
	EXPECT(m.p[at] == 0 && m.p[at + 1] == 0 && memcmp(m.p + at + 2, "flyrecord", 10) == 0);
	/* the one CPU has no pages: size 0 at the first page boundary */
	EXPECT(rd64(m.p + at + 12) == TRACEDAT_PAGE && rd64(m.p + at + 20) == 0);
	EXPECT_EQ_U(m.len, TRACEDAT_PAGE);
out:
	free(m.p);
}

/* A context's file: formats and cmdlines as tracefs shows them, pointer
 * fields hashed unless options/hash-ptr is off. */
static void ctx_file(struct test_ctx *t, bool hash, struct membuf *m, struct dat_event *ev,
		     int *nev, uint64_t *raw, uint64_t *shown)
{
	struct trace_ctx ctx;
	struct test_plat tp;
	struct trace_platform p = test_plat_make(&tp, 5000);
	struct tracedat_sink sink = {m, mem_write};
	struct tracedat_stats st;
	static const struct siphash_key key = {.k0 = 1, .k1 = 2};

	*nev = -2;
	if (!EXPECT_OK(trace_ctx_init(&ctx, &p, 2, __start_trace_events, __stop_trace_events, 16)))
		return;
	trace_ctx_set_ptr_key(&ctx, &key);
	trace_ctx_set_hash_ptr(&ctx, hash);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ptrtest", "fault"), true);
	trace_ctx_set_enabled(&ctx, trace_ctx_find(&ctx, "ttest", "alpha"), true);
	*raw = 0xffffffc012345678ull;
	*shown = trace_format_ptr(&ctx, *raw);
	TRACE_POINT(ptrtest, fault, *raw, 0x10, 3);
	test_plat_cpu = 1;
	TRACE_POINT(ttest, alpha, -7);
	test_plat_cpu = 0;
	EXPECT_OK(trace_ctx_write_dat(&ctx, "host", &sink, &st));
	EXPECT(st.events == 2 && st.skipped == 0 && st.lost == 0 && st.bytes == m->len);
	*nev = decode(m, 2, ev, 4);

	char fmt[2048];
	int n = trace_format_file(trace_ctx_find(&ctx, "ttest", "alpha"), fmt, sizeof(fmt));
	size_t at = find_str(m, "ttest");
	/* ttest's events in name order: alpha, then three */
	EXPECT(at && rd32(m->p + at) == 2 && rd64(m->p + at + 4) == (uint64_t)n &&
	       memcmp(m->p + at + 12, fmt, (size_t)n) == 0);
	n = trace_format_file(trace_ctx_find(&ctx, "ftrace", "print"), fmt, sizeof(fmt));
	at = find_str(m, "header_event");
	at += 8 + rd64(m->p + at); /* the ftrace section: one format, print's */
	EXPECT(rd32(m->p + at) == 1 && rd64(m->p + at + 4) == (uint64_t)n &&
	       memcmp(m->p + at + 12, fmt, (size_t)n) == 0);
	EXPECT(find_str(m, "ptrtest") != 0 && find_str(m, "zsys") != 0);
	EXPECT(memmem(m->p, m->len, "42 tester\n", 10) != NULL); /* saved cmdlines */
	trace_ctx_destroy(&ctx);
}

TEST(trace_dat, context_file_hashes_pointers)
{
	for (int hash = 0; hash < 2; hash++) {
		struct membuf m = {0};
		struct dat_event ev[4];
		uint64_t raw = 0, shown = 0, addr;
		int n;

		ctx_file(t, hash, &m, ev, &n, &raw, &shown);
		if (EXPECT_EQ(n, 2)) {
			EXPECT(ev[0].cpu == 0 && ev[0].ts == 6000 && ev[0].len == 32);
			memcpy(&addr, ev[0].data + 8, 8);
			EXPECT_EQ_U(addr, hash ? shown : raw);
			EXPECT(hash ? shown != raw : true);
			EXPECT(ev[1].cpu == 1 && ev[1].ts == 7000);
		}
		free(m.p);
	}
}

static void names_of(void *arg, const char *name, bool is_dir)
{
	char *l = arg;
	size_t n = strlen(l);
	fmt_snprintf(l + n, 512 - n, "%s%s ", name, is_dir ? "/" : "");
}

/* tracefs shows the page and event headers that the file carries. */
TEST(trace_dat, tracefs_header_files)
{
	static const char *const files[] = {"events/header_page", "events/header_event"};
	struct trace_ctx ctx;
	struct test_plat tp;
	struct trace_platform p = test_plat_make(&tp, 5000);
	char want[512], got[512], names[512] = "";

	if (!EXPECT_OK(trace_ctx_init(&ctx, &p, 1, __start_trace_events, __stop_trace_events, 16)))
		return;
	for (int i = 0; i < 2; i++) {
		struct trace_fs_file *f;
		size_t n = 0;
		if (!EXPECT_OK(trace_fs_open(&ctx, files[i], 0, &f)))
			continue;
		EXPECT_OK(trace_fs_read(f, got, sizeof(got) - 1, &n));
		got[n] = 0;
		(i ? tracedat_header_event : tracedat_header_page)(want, sizeof(want));
		EXPECT_STREQ(got, want);
		EXPECT_EQ(trace_fs_write(f, "1", 1), ERR_PERM);
		trace_fs_close(f);
	}
	EXPECT(strstr(want, "time_extend : type == 30\n") != NULL);
	EXPECT_OK(trace_fs_list(&ctx, "events", names_of, names));
	EXPECT(strncmp(names, "enable header_page header_event ftrace/ ", 40) == 0);
	trace_ctx_destroy(&ctx);
}
