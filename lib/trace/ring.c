/*
 * ring.c - the per-CPU overwrite ring (layout and protocol in ring.h).
 *
 * Memory-ordering summary (a seqlock per slot):
 *   writer: stamp := pos|WRITING (relaxed); fence(release); data (relaxed);
 *           if stamp is still pos|WRITING: stamp := pos|COMMITTED (release)
 *   reader: stamp (acquire) == pos|COMMITTED; data (relaxed); fence(acquire);
 *           stamp (relaxed) unchanged  =>  the data is the committed record.
 * All data words are atomics, so a racing copy is never undefined behaviour,
 * only detected and dropped. The write path itself is in ring_internal.h.
 */
#include "trace/ring.h"

#include <string.h>

#include "base/assert.h"
#include "base/compiler.h"
#include "base/err.h"
#include "trace/ring_internal.h"

enum read_result { R_OK, R_NOT_YET, R_GONE, R_CONT };

static struct trace_ring_slot *slot_at(const struct trace_ring *ring, uint64_t pos)
{
	return &ring->slots[pos & (ring->nslots - 1)];
}

uint64_t trace_ring_slots_for_kb(uint64_t kb)
{
	uint64_t want = kb * 1024 / TRACE_RING_SLOT_BYTES, n = TRACE_RING_MIN_SLOTS;

	while (n * 2 <= want && n < (1ull << 40))
		n *= 2;
	return n;
}

void trace_ring_init(struct trace_ring *ring, struct trace_ring_slot *slots, uint64_t nslots)
{
	ASSERT(nslots >= TRACE_RING_MIN_SLOTS && (nslots & (nslots - 1)) == 0);
	ring->slots = slots;
	ring->nslots = nslots;
	atomic_init(&ring->head, 0);
	atomic_init(&ring->extra, 0);
	atomic_init(&ring->base, 0);
	atomic_init(&ring->read_pos, 0);
	atomic_init(&ring->consumed, 0);
	atomic_init(&ring->too_big, 0);
}

/* Appends words of the record stream to consecutive slots (any length). */
struct stream {
	struct trace_ring_slot *slots;
	uint64_t mask, pos; /* the slot being filled */
	size_t j;	    /* its next word */
};

static inline void stream_put(struct stream *st, uint64_t w)
{
	if (st->j == TRACE_RING_WORDS) {
		st->pos++;
		st->j = 0;
	}
	/* relaxed: published by the stamp's release store */
	atomic_store_explicit(&st->slots[st->pos & st->mask].w[st->j++], w, memory_order_relaxed);
}

/* Puts `a` then `b` as words, the last one zero-padded. */
static void stream_put_bytes(struct stream *st, const unsigned char *a, size_t alen,
			     const unsigned char *b, size_t blen)
{
	uint64_t w;

	for (; alen >= 8; a += 8, alen -= 8) {
		memcpy(&w, a, 8);
		stream_put(st, w);
	}
	if (blen == 0) {
		if (alen)
			stream_put(st, ring_load_partial(a, alen));
		return;
	}
	/* a's tail joined with b (the marker path) */
	unsigned char t[8];
	size_t k = alen;
	memcpy(t, a, alen);
	while (k + blen >= 8) {
		memcpy(t + k, b, 8 - k);
		b += 8 - k;
		blen -= 8 - k;
		memcpy(&w, t, 8);
		stream_put(st, w);
		k = 0;
	}
	if (k + blen) {
		memcpy(t + k, b, blen);
		stream_put(st, ring_load_partial(t, k + blen));
	}
}

int trace_ring_write(struct trace_ring *ring, uint64_t ts, const void *a, size_t alen,
		     const void *b, size_t blen)
{
	size_t len = alen + blen;
	size_t n = (TRACE_RING_HDR + len + TRACE_RING_SLOT_DATA - 1) / TRACE_RING_SLOT_DATA;
	struct trace_ring_slot *slots = ring->slots;
	uint64_t mask = ring->nslots - 1;

	if (n == 1 && blen == 0) {
		trace_ring_write_one(ring, ts, a, alen);
		return 0;
	}
	if (UNLIKELY(len > TRACE_RECORD_MAX || n > ring->nslots / 2)) {
		/* relaxed: a statistic */
		atomic_fetch_add_explicit(&ring->too_big, 1, memory_order_relaxed);
		return ERR_RANGE;
	}
	/* relaxed: a statistic (records = head - extra), exact once writers stop */
	atomic_fetch_add_explicit(&ring->extra, n - 1, memory_order_relaxed);
	/* relaxed: the stamps, not head, order the data for readers */
	uint64_t pos = atomic_fetch_add_explicit(&ring->head, n, memory_order_relaxed);
	for (size_t i = 0; i < n; i++)
		/* relaxed: the release fence below orders it before the data */
		atomic_store_explicit(&slots[(pos + i) & mask].stamp,
				      ring_stamp(pos + i, RING_ST_WRITING), memory_order_relaxed);
	atomic_thread_fence(memory_order_release);

	struct stream st = {.slots = slots, .mask = mask, .pos = pos, .j = 0};
	stream_put(&st, ts);
	stream_put(&st, ring_header(len, pos));
	stream_put_bytes(&st, a, alen, b, blen);
	while (st.j < TRACE_RING_WORDS)
		stream_put(&st, 0);
	/* continuation slots first, so a committed first slot implies the rest */
	for (size_t i = n; i-- > 0;)
		if (!ring_commit_slot(&slots[(pos + i) & mask], pos + i,
				      i ? RING_ST_CONT : RING_ST_FIRST))
			break; /* lost: see ring_commit_slot */
	return 0;
}

static enum read_result classify(uint64_t s, uint64_t pos)
{
	uint64_t sp = s >> 2;
	unsigned st = (unsigned)(s & 3);

	if (sp > pos)
		return R_GONE;
	if (sp < pos || st == RING_ST_WRITING || st == RING_ST_NONE)
		return R_NOT_YET;
	return st == RING_ST_CONT ? R_CONT : R_OK;
}

static enum read_result read_at(const struct trace_ring *ring, uint64_t pos,
				struct trace_ring_rec *rec)
{
	const struct trace_ring_slot *first = slot_at(ring, pos);
	uint64_t s0 = atomic_load_explicit(&first->stamp, memory_order_acquire);
	enum read_result r = classify(s0, pos);

	if (r != R_OK)
		return r;
	for (size_t j = 0; j < TRACE_RING_WORDS; j++)
		/* relaxed: validated by the stamp re-check after the fence */
		rec->raw[j] = atomic_load_explicit(&first->w[j], memory_order_relaxed);
	uint32_t len;
	memcpy(&len, (char *)rec->raw + 8, 4);
	size_t n = (TRACE_RING_HDR + (size_t)len + TRACE_RING_SLOT_DATA - 1) / TRACE_RING_SLOT_DATA;
	if (len > TRACE_RECORD_MAX || n > ring->nslots / 2)
		n = 1; /* torn header: the re-check below rejects it */
	for (size_t i = 1; i < n; i++) {
		const struct trace_ring_slot *s = slot_at(ring, pos + i);
		if (atomic_load_explicit(&s->stamp, memory_order_acquire) !=
		    ring_stamp(pos + i, RING_ST_CONT))
			return R_GONE;
		for (size_t j = 0; j < TRACE_RING_WORDS; j++)
			/* relaxed: validated by the stamp re-check after the fence */
			rec->raw[i * TRACE_RING_WORDS + j] =
				atomic_load_explicit(&s->w[j], memory_order_relaxed);
	}
	atomic_thread_fence(memory_order_acquire);
	/* relaxed: ordered after the data loads by the acquire fence */
	if (atomic_load_explicit(&first->stamp, memory_order_relaxed) != s0)
		return R_GONE;
	for (size_t i = 1; i < n; i++)
		/* relaxed: as above */
		if (atomic_load_explicit(&slot_at(ring, pos + i)->stamp, memory_order_relaxed) !=
		    ring_stamp(pos + i, RING_ST_CONT))
			return R_GONE;
	uint32_t tag;
	memcpy(&tag, (char *)rec->raw + 12, 4);
	if (len > TRACE_RECORD_MAX || tag != (uint32_t)pos)
		return R_GONE; /* the data of a newer position (see the commit) */
	rec->ts = rec->raw[0];
	rec->len = len;
	rec->nslots = (uint32_t)n;
	rec->pos = pos;
	return R_OK;
}

/* The oldest position that can still hold data. */
static uint64_t oldest(const struct trace_ring *ring, uint64_t head)
{
	return head > ring->nslots ? head - ring->nslots : 0;
}

void trace_ring_iter_start(struct trace_ring_iter *it, const struct trace_ring *ring)
{
	/* acquire: pairs with nothing strong; positions are validated per slot */
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
	uint64_t rp = atomic_load_explicit(&ring->read_pos, memory_order_acquire);

	it->ring = ring;
	it->end = head;
	it->pos = MAX(rp, oldest(ring, head));
}

bool trace_ring_iter_next(struct trace_ring_iter *it, struct trace_ring_rec *rec)
{
	while (it->pos < it->end) {
		switch (read_at(it->ring, it->pos, rec)) {
		case R_OK:
			it->pos += rec->nslots;
			return true;
		case R_GONE: {
			/* relaxed: only bounds the skip */
			uint64_t h = atomic_load_explicit(&it->ring->head, memory_order_relaxed);
			it->pos = MAX(it->pos + 1, oldest(it->ring, h));
			break;
		}
		case R_CONT:
		case R_NOT_YET:
			it->pos++;
			break;
		}
	}
	return false;
}

int trace_ring_peek(struct trace_ring *ring, struct trace_ring_rec *rec)
{
	uint64_t q = atomic_load_explicit(&ring->read_pos, memory_order_relaxed);
	int ret = ERR_AGAIN;

	for (;;) {
		uint64_t h = atomic_load_explicit(&ring->head, memory_order_acquire);
		q = MAX(q, oldest(ring, h));
		if (q >= h)
			break;
		enum read_result r = read_at(ring, q, rec);
		if (r == R_OK) {
			ret = 0;
			break;
		}
		if (r == R_NOT_YET)
			break;
		q++; /* R_CONT, or R_GONE: oldest() moves us past the overwritten part */
	}
	/* release: a non-consuming reader starting later skips what we skipped */
	atomic_store_explicit(&ring->read_pos, q, memory_order_release);
	return ret;
}

void trace_ring_consume(struct trace_ring *ring, const struct trace_ring_rec *rec)
{
	atomic_store_explicit(&ring->read_pos, rec->pos + rec->nslots, memory_order_release);
	/* relaxed: a statistic */
	atomic_fetch_add_explicit(&ring->consumed, 1, memory_order_relaxed);
}

bool trace_ring_empty(struct trace_ring *ring)
{
	struct trace_ring_rec rec;
	return trace_ring_peek(ring, &rec) != 0;
}

/* Records reserved, ever: every record takes one position plus its `extra`. */
static uint64_t records_written(const struct trace_ring *ring)
{
	/* relaxed: statistics, exact once the writers are quiet */
	uint64_t extra = atomic_load_explicit(&ring->extra, memory_order_relaxed);
	return atomic_load_explicit(&ring->head, memory_order_relaxed) - extra;
}

void trace_ring_get_stats(const struct trace_ring *ring, struct trace_ring_stats *out)
{
	struct trace_ring_iter it;
	struct trace_ring_rec rec;
	uint64_t entries = 0;

	trace_ring_iter_start(&it, ring);
	while (trace_ring_iter_next(&it, &rec))
		entries++;
	/* relaxed: statistics */
	uint64_t w =
		records_written(ring) - atomic_load_explicit(&ring->base, memory_order_relaxed);
	uint64_t c = atomic_load_explicit(&ring->consumed, memory_order_relaxed);
	out->entries = entries;
	out->overrun = w > c + entries ? w - c - entries : 0;
	out->written = entries + out->overrun;
}

void trace_ring_clear(struct trace_ring *ring)
{
	uint64_t h = atomic_load_explicit(&ring->head, memory_order_acquire);

	/* relaxed: statistics */
	atomic_store_explicit(&ring->base, records_written(ring), memory_order_relaxed);
	atomic_store_explicit(&ring->consumed, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->read_pos, h, memory_order_release);
}
