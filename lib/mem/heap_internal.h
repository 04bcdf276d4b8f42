/*
 * heap_internal.h - lib/mem/heap's block and chunk layout, shared by
 * heap.c (the allocator) and heap_check.c (its invariant walker).
 *
 * Flags live in the low bits of a block's size word:
 *   INUSE       the block is handed out, or cached (then CACHED too)
 *   PREV_INUSE  the block below is not free (always set for a chunk's first
 *               block, so merging never leaves the chunk)
 *   CACHED      in use: freed onto a small size-class cache; neighbours
 *               treat it as in use, so it is never merged until
 *               heap_consolidate
 *   SPARSE      free (the same bit: a free block is never cached): some
 *               pages of the block may be decommitted, and its chunk is
 *               stored at offset 32
 *   FIRST       the first block of its chunk (the chunk header is right
 *               below it, so a freed block finds an emptied chunk in O(1))
 * A chunk ends with a sentinel block of size 0 that is always INUSE, so
 * merging upwards stops there too.
 */
#pragma once

#include "base/compiler.h"
#include "mem/heap.h"

#define F_INUSE		1u
#define F_PREV_INUSE	2u
#define F_CACHED	4u
#define F_SPARSE	4u
#define F_FIRST		8u
#define F_MASK		15u
#define HDR		16u /* prev_size + size word */
#define MIN_BLOCK	32u /* header + two list links */
#define SPARSE_HDR	48u /* what a sparse block keeps committed: header, links, chunk */
#define SMALL_BLOCK_MAX (HEAP_SMALL_MAX + HDR)

struct heap_chunk {
	struct heap_chunk *next, *prev;
	void *base;	    /* as grow returned it */
	size_t bytes;	    /* as grow returned it */
	uint64_t *map;	    /* bit i: page i from map_base is decommitted; NULL without decommit */
	uintptr_t map_base; /* the page that holds this header */
	size_t decommitted; /* bits set in map */
	struct blk *end;    /* the sentinel */
};

struct blk {
	size_t prev_size;
	size_t head;
};

struct heap_free_node {
	struct heap_free_node *next, *prev;
};

STATIC_ASSERT(sizeof(struct blk) == HDR);
STATIC_ASSERT(sizeof(struct blk) + sizeof(struct heap_free_node) == MIN_BLOCK);
STATIC_ASSERT(sizeof(struct heap_chunk) % HEAP_ALIGN == 0);

static inline size_t bsize(const struct blk *b)
{
	return b->head & ~(size_t)F_MASK;
}

static inline struct blk *at(const void *p, size_t off)
{
	return (struct blk *)((uintptr_t)p + off);
}

static inline struct heap_free_node *node_of(struct blk *b)
{
	return (struct heap_free_node *)(b + 1);
}

static inline struct blk *blk_of_node(struct heap_free_node *n)
{
	return (struct blk *)n - 1;
}

static inline struct blk *chunk_first(const struct heap_chunk *c)
{
	return (struct blk *)(uintptr_t)(c + 1);
}

/* The chunk of a sparse free block. */
static inline struct heap_chunk **sparse_chunk(struct blk *b)
{
	return (struct heap_chunk **)((uintptr_t)b + MIN_BLOCK);
}

static inline unsigned fls64(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* 4 lists per power of two, from 32 bytes up. */
static inline unsigned bin_index(size_t size)
{
	unsigned fl = fls64(size);
	unsigned sl = (unsigned)(size >> (fl - 2)) & 3;
	unsigned i = (fl - 5) * 4 + sl;
	return MIN(i, HEAP_BINS - 1);
}

static inline uintptr_t page_up(const struct heap *h, uintptr_t a)
{
	return ALIGN_UP(a, (uintptr_t)h->page);
}

static inline uintptr_t page_down(const struct heap *h, uintptr_t a)
{
	return ALIGN_DOWN(a, (uintptr_t)h->page);
}

static inline size_t page_index(const struct heap *h, const struct heap_chunk *c, uintptr_t a)
{
	return (a - c->map_base) >> h->page_shift;
}

/* Bits set in [from, to). */
static inline size_t map_count(const uint64_t *m, size_t from, size_t to)
{
	size_t n = 0;
	while (from < to) {
		size_t k = MIN(64 - from % 64, to - from);
		uint64_t mask = (k == 64 ? ~0ull : (1ull << k) - 1) << (from % 64);
		n += (size_t)__builtin_popcountll(m[from / 64] & mask);
		from += k;
	}
	return n;
}

/* The pages a sparse block of `size` bytes at `b` may have decommitted. */
static inline void sparse_region(const struct heap *h, const struct blk *b, size_t size,
				 uintptr_t *lo, uintptr_t *hi)
{
	*lo = page_up(h, (uintptr_t)b + SPARSE_HDR);
	*hi = MAX(*lo, page_down(h, (uintptr_t)b + size));
}

static inline bool chunk_is_free(const struct heap_chunk *c)
{
	struct blk *b = chunk_first(c);
	return !(b->head & F_INUSE) && at(b, bsize(b)) == c->end;
}
