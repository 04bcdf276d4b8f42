/* trace_ring_test.c - the overwrite ring: order, wrap, counts, threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/test.h"
#include "trace/ring.h"

static struct trace_ring_slot *slots_new(uint64_t n)
{
	return calloc(n, sizeof(struct trace_ring_slot));
}

/* payload: u64 seq, then `extra` bytes of (seq + i) & 0xff */
static int put(struct trace_ring *r, uint64_t seq, size_t extra)
{
	unsigned char b[TRACE_RECORD_MAX + 16];
	memcpy(b, &seq, 8);
	for (size_t i = 0; i < extra; i++)
		b[8 + i] = (unsigned char)(seq + i);
	return trace_ring_write(r, seq * 10, b, 8, b + 8, extra);
}

static bool check(const struct trace_ring_rec *rec, uint64_t *seq)
{
	const unsigned char *b = trace_ring_rec_data(rec);
	if (rec->len < 8)
		return false;
	memcpy(seq, b, 8);
	if (rec->ts != *seq * 10)
		return false;
	for (size_t i = 8; i < rec->len; i++)
		if (b[i] != (unsigned char)(*seq + i - 8))
			return false;
	return true;
}

TEST(trace_ring, write_iterate_consume)
{
	struct trace_ring r;
	struct trace_ring_rec rec;
	struct trace_ring_iter it;
	struct trace_ring_slot *s = slots_new(64);
	uint64_t seq;

	trace_ring_init(&r, s, 64);
	EXPECT_EQ(trace_ring_peek(&r, &rec), ERR_AGAIN);
	for (uint64_t i = 0; i < 5; i++)
		EXPECT_OK(put(&r, i, i * 30));
	trace_ring_iter_start(&it, &r);
	for (uint64_t i = 0; i < 5; i++) {
		if (!EXPECT(trace_ring_iter_next(&it, &rec)))
			break;
		EXPECT(check(&rec, &seq));
		EXPECT_EQ(seq, i);
		EXPECT_EQ(rec.len, 8 + i * 30);
	}
	EXPECT(!trace_ring_iter_next(&it, &rec));
	for (uint64_t i = 0; i < 5; i++) {
		if (!EXPECT_OK(trace_ring_peek(&r, &rec)))
			break;
		EXPECT(check(&rec, &seq));
		EXPECT_EQ(seq, i);
		trace_ring_consume(&r, &rec);
	}
	EXPECT_EQ(trace_ring_peek(&r, &rec), ERR_AGAIN);
	struct trace_ring_stats st;
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.entries, 0u);
	EXPECT_EQ(st.overrun, 0u);
	/* too big, and padding of the last slot is zero */
	EXPECT_EQ(put(&r, 9, TRACE_RECORD_MAX), ERR_RANGE);
	EXPECT_EQ(atomic_load(&r.too_big), 1u);
	EXPECT_OK(put(&r, 7, 3));
	const unsigned char *raw = (const unsigned char *)s[r.head - 1 & 63].w;
	for (int i = 16 + 11; i < TRACE_RING_SLOT_DATA; i++)
		EXPECT_EQ(raw[i], 0);
	free(s);
}

TEST(trace_ring, overwrite_counts_and_wrap)
{
	struct trace_ring r;
	struct trace_ring_rec rec;
	struct trace_ring_iter it;
	struct trace_ring_slot *s = slots_new(64);
	struct trace_ring_stats st;
	uint64_t seq, expect;

	trace_ring_init(&r, s, 64);
	for (uint64_t i = 0; i < 200; i++)
		put(&r, i, 0); /* one slot each */
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.entries, 64u);
	EXPECT_EQ(st.overrun, 136u);
	EXPECT_EQ(st.written, 200u);
	trace_ring_iter_start(&it, &r);
	expect = 136;
	while (trace_ring_iter_next(&it, &rec)) {
		EXPECT(check(&rec, &seq));
		EXPECT_EQ(seq, expect);
		expect++;
	}
	EXPECT_EQ(expect, 200u);
	/* mixed sizes across the wrap point: every readable record is intact */
	for (uint64_t i = 200; i < 600; i++)
		put(&r, i, (i * 37) % 300);
	uint64_t last = 0, n = 0;
	while (trace_ring_peek(&r, &rec) == 0) {
		EXPECT(check(&rec, &seq));
		EXPECT_GT(seq, last);
		last = seq;
		n++;
		trace_ring_consume(&r, &rec);
	}
	EXPECT_EQ(last, 599u);
	EXPECT_GT(n, 5u);
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.entries, 0u);
	EXPECT_EQ(st.overrun + n, 600u);
	trace_ring_clear(&r);
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.written, 0u);
	put(&r, 1000, 0);
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.entries, 1u);
	EXPECT_EQ(st.written, 1u);
	free(s);
}

/* Every payload size around the one-slot limit, written as one piece: the
 * bytes come back, the slot's tail is zero, the header carries the tag. */
TEST(trace_ring, one_piece_sizes_and_zero_tail)
{
	struct trace_ring r;
	struct trace_ring_rec rec;
	struct trace_ring_iter it;
	struct trace_ring_slot *s = slots_new(64);
	unsigned char b[80];
	const size_t max = TRACE_RING_SLOT_DATA - TRACE_RING_HDR + 9;

	trace_ring_init(&r, s, 64);
	for (size_t len = 0; len <= max; len++) {
		uint64_t pos = atomic_load(&r.head);
		for (size_t i = 0; i < len; i++)
			b[i] = (unsigned char)(len * 7 + i + 1);
		if (!EXPECT_OK(trace_ring_write(&r, 100 + len, b, len, NULL, 0)))
			return;
		trace_ring_iter_start(&it, &r);
		it.pos = pos;
		if (!EXPECT(trace_ring_iter_next(&it, &rec)))
			return;
		EXPECT_EQ(rec.ts, 100 + len);
		EXPECT_EQ_U(rec.len, len);
		EXPECT_EQ(memcmp(trace_ring_rec_data(&rec), b, len), 0);
		const unsigned char *raw = (const unsigned char *)rec.raw;
		uint32_t tag;
		memcpy(&tag, raw + 12, 4);
		EXPECT_EQ_U(tag, (uint32_t)pos);
		for (size_t i = TRACE_RING_HDR + len; i < rec.nslots * TRACE_RING_SLOT_DATA; i++)
			if (!EXPECT_EQ(raw[i], 0))
				return;
	}
	free(s);
}

/* A first slot whose data belongs to another position (a stale commit over
 * a newer record, see ring.h) is dropped by every reader. */
TEST(trace_ring, wrong_tag_is_dropped)
{
	struct trace_ring r;
	struct trace_ring_rec rec;
	struct trace_ring_iter it;
	struct trace_ring_slot *s = slots_new(64);
	struct trace_ring_stats st;
	uint64_t seq;

	trace_ring_init(&r, s, 64);
	EXPECT_OK(put(&r, 1, 0));
	EXPECT_OK(put(&r, 2, 0));
	EXPECT_OK(put(&r, 3, 0));
	uint64_t w = atomic_load(&s[1].w[1]);
	atomic_store(&s[1].w[1], w + (64ull << 32)); /* the tag of position 65 */
	trace_ring_iter_start(&it, &r);
	uint64_t want[] = {1, 3};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (!EXPECT(trace_ring_iter_next(&it, &rec)))
			break;
		EXPECT(check(&rec, &seq));
		EXPECT_EQ(seq, want[i]);
	}
	EXPECT(!trace_ring_iter_next(&it, &rec));
	trace_ring_get_stats(&r, &st);
	EXPECT_EQ(st.entries, 2u);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		if (!EXPECT_OK(trace_ring_peek(&r, &rec)))
			break;
		EXPECT(check(&rec, &seq));
		EXPECT_EQ(seq, want[i]);
		trace_ring_consume(&r, &rec);
	}
	EXPECT_EQ(trace_ring_peek(&r, &rec), ERR_AGAIN);
	free(s);
}

#define WRITERS	   4
#define PER_WRITER 20000

struct rt {
	struct trace_ring rings[WRITERS];
	_Atomic int done;
	int bad;
	uint64_t got;
};

struct wr {
	struct rt *rt;
	int idx;
};

static void *ring_writer(void *arg)
{
	struct wr *w = arg;
	for (uint64_t i = 1; i <= PER_WRITER; i++)
		put(&w->rt->rings[w->idx], i, (i * 13) % 120);
	atomic_fetch_add(&w->rt->done, 1);
	return NULL;
}

static void *ring_reader(void *arg)
{
	struct rt *rt = arg;
	struct trace_ring_rec rec;
	uint64_t last[WRITERS] = {0}, seq;

	for (;;) {
		int d = atomic_load(&rt->done);
		bool any = false;
		for (int c = 0; c < WRITERS; c++) {
			while (trace_ring_peek(&rt->rings[c], &rec) == 0) {
				any = true;
				if (!check(&rec, &seq) || seq <= last[c])
					rt->bad++;
				last[c] = seq;
				rt->got++;
				trace_ring_consume(&rt->rings[c], &rec);
			}
		}
		if (d == WRITERS && !any)
			break;
	}
	for (int c = 0; c < WRITERS; c++)
		if (last[c] != PER_WRITER)
			rt->bad++;
	return NULL;
}

static void *ring_snapshotter(void *arg)
{
	struct rt *rt = arg;
	struct trace_ring_rec rec;
	struct trace_ring_iter it;
	uint64_t seq;

	while (atomic_load(&rt->done) < WRITERS) {
		for (int c = 0; c < WRITERS; c++) {
			uint64_t last = 0;
			trace_ring_iter_start(&it, &rt->rings[c]);
			while (trace_ring_iter_next(&it, &rec)) {
				if (!check(&rec, &seq) || seq <= last)
					rt->bad++;
				last = seq;
			}
		}
	}
	return NULL;
}

TEST(trace_ring, concurrent_writers_and_readers)
{
	static struct rt rt;
	pthread_t th[WRITERS + 2];
	struct wr w[WRITERS];
	struct trace_ring_slot *mem[WRITERS];

	memset(&rt, 0, sizeof(rt));
	for (int c = 0; c < WRITERS; c++) {
		mem[c] = slots_new(256);
		trace_ring_init(&rt.rings[c], mem[c], 256);
		w[c] = (struct wr){&rt, c};
	}
	pthread_create(&th[WRITERS], NULL, ring_reader, &rt);
	pthread_create(&th[WRITERS + 1], NULL, ring_snapshotter, &rt);
	for (int c = 0; c < WRITERS; c++)
		pthread_create(&th[c], NULL, ring_writer, &w[c]);
	for (int i = 0; i < WRITERS + 2; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(rt.bad, 0);
	EXPECT_GT(rt.got, 0u);
	for (int c = 0; c < WRITERS; c++) {
		struct trace_ring_stats st;
		trace_ring_get_stats(&rt.rings[c], &st);
		EXPECT_EQ(st.entries, 0u);
		EXPECT_EQ(st.written, st.overrun);
		free(mem[c]);
	}
	test_printf(t, "  consumed %llu of %d records\n", (unsigned long long)rt.got,
		    WRITERS * PER_WRITER);
}
