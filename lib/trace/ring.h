/*
 * ring.h - a per-CPU overwrite ring of variable-length trace records.
 *
 * Lock-free and allocation-free on the write side; a writer may be
 * interrupted by another writer on the same CPU (an interrupt handler); any
 * number of CPUs may read concurrently with the writers. When full, the
 * oldest records are overwritten.
 *
 * Layout: `nslots` (a power of two) slots of 64 bytes. Slot word 0 is a
 * stamp, words 1..7 carry 56 bytes of the record stream:
 *
 *   slot:  [ stamp | 56 data bytes ]    stamp = position << 2 | state
 *   state: 0 never written, 1 being written, 2 first slot of a committed
 *          record, 3 continuation slot of a committed record
 *   record stream: [ u64 ts | u32 len | u32 tag | len payload bytes | zeros ]
 *   tag: the low 32 bits of the record's first position
 *
 * A writer reserves ceil((16 + len) / 56) consecutive positions with one
 * fetch_add on `head` (its only read-modify-write for a one-slot record),
 * marks them "being written", writes the data and commits the continuation
 * slots and then the first slot with plain release stores, each after
 * checking that the slot still carries its mark. Readers validate a record
 * seqlock-style: stamps before, data, acquire fence, stamps again, then the
 * tag against the position.
 *
 * Limit: a record is lost (never torn) if writers on the same CPU wrap the
 * whole ring while an interrupted write is in progress. If such an
 * interrupt lands between a commit's check and its store, the old stamp is
 * stored over the newer record: the tag (or the first slot's stamp) makes
 * readers drop both, and a consuming reader waits at the newer position
 * until the ring wraps past it.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_RING_SLOT_BYTES 64
#define TRACE_RING_SLOT_DATA  56
#define TRACE_RING_HDR	      16
#define TRACE_RECORD_MAX      1024 /* payload bytes of one record */
#define TRACE_RING_REC_SLOTS \
	((TRACE_RING_HDR + TRACE_RECORD_MAX + TRACE_RING_SLOT_DATA - 1) / TRACE_RING_SLOT_DATA)
#define TRACE_RING_MIN_SLOTS 64

struct trace_ring_slot {
	_Atomic uint64_t stamp;
	_Atomic uint64_t w[TRACE_RING_SLOT_DATA / 8];
};

struct trace_ring {
	struct trace_ring_slot *slots;
	uint64_t nslots;	   /* power of two */
	_Atomic uint64_t head;	   /* next position to reserve */
	_Atomic uint64_t extra;	   /* slots beyond the first of each record, ever */
	_Atomic uint64_t base;	   /* records written (head - extra) at the last clear */
	_Atomic uint64_t read_pos; /* the consuming reader's position */
	_Atomic uint64_t consumed; /* records consumed since the last clear */
	_Atomic uint64_t too_big;  /* writes refused: record larger than allowed */
};

/* A record copied out of a ring. */
struct trace_ring_rec {
	uint64_t ts;
	uint32_t len;	 /* payload bytes */
	uint32_t nslots; /* slots it occupies */
	uint64_t pos;	 /* its position */
	uint64_t raw[TRACE_RING_REC_SLOTS * (TRACE_RING_SLOT_DATA / 8)];
};

/* The payload (8-byte aligned). */
static inline const void *trace_ring_rec_data(const struct trace_ring_rec *r)
{
	return &r->raw[TRACE_RING_HDR / 8];
}

/* trace_ring_slots_for_kb - the slot count for `kb` KiB (power of two, >= min). */
uint64_t trace_ring_slots_for_kb(uint64_t kb);

/*
 * trace_ring_init - an empty ring over `slots` (nslots zeroed slots, nslots a
 * power of two >= TRACE_RING_MIN_SLOTS; the caller owns the memory).
 * No writer or reader may use the ring during init.
 */
void trace_ring_init(struct trace_ring *ring, struct trace_ring_slot *slots, uint64_t nslots);

/*
 * trace_ring_write - appends a record with timestamp `ts` whose payload is
 * `a` followed by `b` (either may be empty). Lock-free, no allocation,
 * callable from interrupt context on the ring's CPU. ERR_RANGE if the payload
 * exceeds TRACE_RECORD_MAX or half the ring (nothing written, counted).
 */
int trace_ring_write(struct trace_ring *ring, uint64_t ts, const void *a, size_t alen,
		     const void *b, size_t blen);

/* Non-consuming iteration over a snapshot of the ring. */
struct trace_ring_iter {
	const struct trace_ring *ring;
	uint64_t pos, end;
};

void trace_ring_iter_start(struct trace_ring_iter *it, const struct trace_ring *ring);
/* trace_ring_iter_next - copies the next valid record; false at the end. */
bool trace_ring_iter_next(struct trace_ring_iter *it, struct trace_ring_rec *rec);

/*
 * trace_ring_peek - copies the oldest unconsumed record (skipping records
 * that were overwritten). ERR_AGAIN if there is none yet. Consuming readers
 * of one ring must be serialized by the caller.
 */
int trace_ring_peek(struct trace_ring *ring, struct trace_ring_rec *rec);
/* trace_ring_consume - marks `rec` (from trace_ring_peek) as read. */
void trace_ring_consume(struct trace_ring *ring, const struct trace_ring_rec *rec);

/* trace_ring_empty - whether a consuming read would return ERR_AGAIN now. */
bool trace_ring_empty(struct trace_ring *ring);

struct trace_ring_stats {
	uint64_t entries; /* records readable now */
	uint64_t overrun; /* records lost to overwriting since the last clear */
	uint64_t written; /* entries + overrun, as Linux's "entries-written" */
};

/* trace_ring_stats - counts (walks the ring; not for the hot path). */
void trace_ring_get_stats(const struct trace_ring *ring, struct trace_ring_stats *out);

/*
 * trace_ring_clear - drops every record and zeroes the counters. Serialized
 * with consuming readers by the caller; writers may run (records in flight
 * may survive the clear).
 */
void trace_ring_clear(struct trace_ring *ring);
