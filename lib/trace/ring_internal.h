/*
 * ring_internal.h - the ring's write path, shared by ring.c and the
 * tracepoint commit in ctx.c, which inlines the one-slot case (the common
 * tracepoint record) to keep the enabled cost low. Protocol in ring.h.
 *
 * Why a plain store commits: positions are handed out by the fetch_add on
 * `head`, so the only writer that can change a slot we marked is a newer one
 * that wrapped the ring (an interrupt on this CPU, in practice), and the
 * check before the store sees it: the record is lost. A newer writer that
 * runs between the check and the store leaves the slot with our (older)
 * stamp over its data; the position tag in the header (or the first slot's
 * stamp, for a continuation slot: the newer writer wrapped it first) lets
 * readers reject it. That argument needs the newer writer to finish before
 * our store, as an interrupt does; a writer on another CPU sharing the ring
 * (cpu_id misreporting) that wraps it inside that window could leave a torn
 * record readable. This saves a locked compare-and-swap per slot.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/assert.h"
#include "base/compiler.h"
#include "trace/ring.h"

enum { RING_ST_NONE = 0, RING_ST_WRITING = 1, RING_ST_FIRST = 2, RING_ST_CONT = 3 };

#define TRACE_RING_WORDS   (TRACE_RING_SLOT_DATA / 8)
/* the largest payload that fits one slot with its header */
#define TRACE_RING_ONE_MAX (TRACE_RING_SLOT_DATA - TRACE_RING_HDR)

STATIC_ASSERT(sizeof(struct trace_ring_slot) == TRACE_RING_SLOT_BYTES);
STATIC_ASSERT(TRACE_RING_SLOT_DATA % 8 == 0 && TRACE_RING_HDR % 8 == 0);

static inline uint64_t ring_stamp(uint64_t pos, unsigned st)
{
	return pos << 2 | st;
}

/* The second header word: the payload length and the position tag. */
static inline uint64_t ring_header(size_t len, uint64_t pos)
{
	uint32_t hdr[2] = {(uint32_t)len, (uint32_t)pos};
	uint64_t w;
	memcpy(&w, hdr, sizeof(w));
	return w;
}

/* The first n (< 8) bytes of p, zero-extended in memory order. */
static inline uint64_t ring_load_partial(const unsigned char *p, size_t n)
{
	unsigned char b[8] = {0};
	size_t k = 0;
	uint64_t w;

	if (n & 4) {
		memcpy(b, p, 4);
		k = 4;
	}
	if (n & 2) {
		memcpy(b + k, p + k, 2);
		k += 2;
	}
	if (n & 1)
		b[k] = p[k];
	memcpy(&w, b, 8);
	return w;
}

/*
 * Commits slot `s` of position `pos` with state `st` if it still carries our
 * mark; false if a newer writer took it (the record is lost).
 */
static inline bool ring_commit_slot(struct trace_ring_slot *s, uint64_t pos, unsigned st)
{
	/* relaxed: a newer writer's stamp differs from our mark (see the header) */
	if (atomic_load_explicit(&s->stamp, memory_order_relaxed) !=
	    ring_stamp(pos, RING_ST_WRITING))
		return false;
	/* release: publishes the data words stored before it */
	atomic_store_explicit(&s->stamp, ring_stamp(pos, st), memory_order_release);
	return true;
}

/*
 * trace_ring_write_one - trace_ring_write of one payload `rec` of `len` <=
 * TRACE_RING_ONE_MAX bytes: one fetch_add, one slot, no copy through the
 * stack. Same context rules as trace_ring_write.
 */
static inline void trace_ring_write_one(struct trace_ring *ring, uint64_t ts, const void *rec,
					size_t len)
{
	const unsigned char *a = rec;

	ASSERT(len <= TRACE_RING_ONE_MAX);
	/* relaxed: the stamps, not head, order the data for readers */
	uint64_t pos = atomic_fetch_add_explicit(&ring->head, 1, memory_order_relaxed);
	struct trace_ring_slot *s = &ring->slots[pos & (ring->nslots - 1)];
	/* relaxed: the release fence below orders it before the data */
	atomic_store_explicit(&s->stamp, ring_stamp(pos, RING_ST_WRITING), memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	/* relaxed (all data words): published by the commit's release store */
	atomic_store_explicit(&s->w[0], ts, memory_order_relaxed);
	atomic_store_explicit(&s->w[1], ring_header(len, pos), memory_order_relaxed);
	for (size_t j = TRACE_RING_HDR / 8, off = 0; j < TRACE_RING_WORDS; j++, off += 8) {
		uint64_t w = 0; /* zeros past the payload: nothing stale reaches readers */
		if (off + 8 <= len)
			memcpy(&w, a + off, 8);
		else if (off < len)
			w = ring_load_partial(a + off, len - off);
		atomic_store_explicit(&s->w[j], w, memory_order_relaxed);
	}
	ring_commit_slot(s, pos, RING_ST_FIRST); /* false: lost, see the header */
}
