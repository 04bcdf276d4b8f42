/*
 * heap.c - boundary-tag heap with size-class caches (see heap.h).
 *
 * Flags live in the low bits of a block's size word:
 *   INUSE       the block is handed out, or cached (then CACHED too)
 *   PREV_INUSE  the block below is not free (always set for a chunk's first
 *               block, so merging never leaves the chunk)
 *   CACHED      freed onto a small size-class cache; neighbours treat it as
 *               in use, so it is never merged until heap_consolidate
 * A chunk ends with a sentinel block of size 0 that is always INUSE, so
 * merging upwards stops there too.
 */
#include <string.h>

#include "base/assert.h"
#include "base/compiler.h"
#include "base/err.h"
#include "mem/heap.h"

#define F_INUSE		1u
#define F_PREV_INUSE	2u
#define F_CACHED	4u
#define F_MASK		15u
#define HDR		16u /* prev_size + size word */
#define MIN_BLOCK	32u /* header + two list links */
#define SMALL_BLOCK_MAX (HEAP_SMALL_MAX + HDR)
#define FIT_SCAN	8 /* blocks of the exact list tried before rounding up */

struct heap_chunk {
	struct heap_chunk *next;
	size_t bytes; /* from this header to the end of the sentinel */
};

struct blk {
	size_t prev_size;
	size_t head;
};

struct heap_free_node {
	struct heap_free_node *next, *prev;
};

STATIC_ASSERT(sizeof(struct heap_chunk) == HDR);
STATIC_ASSERT(sizeof(struct blk) == HDR);

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

static unsigned fls64(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* 4 lists per power of two, from 32 bytes up. */
static unsigned bin_index(size_t size)
{
	unsigned fl = fls64(size);
	unsigned sl = (unsigned)(size >> (fl - 2)) & 3;
	unsigned i = (fl - 5) * 4 + sl;
	return MIN(i, HEAP_BINS - 1);
}

static void bin_insert(struct heap *h, struct blk *b)
{
	unsigned i = bin_index(bsize(b));
	struct heap_free_node *n = node_of(b);
	n->prev = NULL;
	n->next = h->bins[i];
	if (n->next)
		n->next->prev = n;
	h->bins[i] = n;
	h->bin_map[i / 64] |= 1ull << (i % 64);
}

static void bin_remove(struct heap *h, struct blk *b)
{
	unsigned i = bin_index(bsize(b));
	struct heap_free_node *n = node_of(b);
	if (n->prev)
		n->prev->next = n->next;
	else
		h->bins[i] = n->next;
	if (n->next)
		n->next->prev = n->prev;
	if (!h->bins[i])
		h->bin_map[i / 64] &= ~(1ull << (i % 64));
}

/* The first non-empty list at index >= i, or -1. */
static int bin_find(const struct heap *h, unsigned i)
{
	for (unsigned w = i / 64; w < ARRAY_SIZE(h->bin_map); w++) {
		uint64_t m = h->bin_map[w];
		if (w == i / 64)
			m &= ~0ull << (i % 64);
		if (m)
			return (int)(w * 64 + (unsigned)__builtin_ctzll(m));
	}
	return -1;
}

void heap_init(struct heap *h, heap_grow_fn grow, void *arg)
{
	memset(h, 0, sizeof(*h));
	h->grow = grow;
	h->arg = arg;
}

/* Marks a free or cached block free and merges it with free neighbours. */
static void release(struct heap *h, struct blk *b)
{
	size_t size = bsize(b), prev_flag;
	struct blk *n = at(b, size);

	if (!(b->head & F_PREV_INUSE)) {
		struct blk *p = at(b, 0 - b->prev_size);
		bin_remove(h, p);
		size += bsize(p);
		b = p;
	}
	prev_flag = b->head & F_PREV_INUSE;
	if (!(n->head & F_INUSE)) {
		bin_remove(h, n);
		size += bsize(n);
	}
	b->head = size | prev_flag;
	n = at(b, size);
	n->prev_size = size;
	n->head &= ~(size_t)F_PREV_INUSE;
	bin_insert(h, b);
}

/* Cuts an in-use block down to `size`, freeing the tail if it is worth a block. */
static void trim(struct heap *h, struct blk *b, size_t size)
{
	size_t have = bsize(b);
	if (have - size < MIN_BLOCK)
		return;
	struct blk *t = at(b, size);
	b->head = size | (b->head & F_MASK);
	t->head = (have - size) | F_INUSE | F_PREV_INUSE;
	release(h, t);
}

void heap_consolidate(struct heap *h)
{
	for (unsigned c = 0; c < HEAP_SMALL_CLASSES; c++) {
		while (h->small[c]) {
			struct blk *b = at(h->small[c], 0 - (size_t)HDR);
			h->small[c] = *(void **)h->small[c];
			b->head &= ~(size_t)(F_CACHED | F_INUSE);
			release(h, b);
		}
	}
}

static bool add_chunk(struct heap *h, size_t need)
{
	void *base;
	size_t bytes;
	if (!h->grow || need > SIZE_MAX / 2 ||
	    h->grow(h->arg, need + 2 * HDR + 2 * HEAP_ALIGN, &base, &bytes) < 0)
		return false;
	uintptr_t s = ALIGN_UP((uintptr_t)base, HEAP_ALIGN);
	uintptr_t e = ALIGN_DOWN((uintptr_t)base + bytes, HEAP_ALIGN);
	if (e < s || e - s < 2 * HDR + MIN_BLOCK)
		return false;
	struct heap_chunk *c = (struct heap_chunk *)s;
	size_t size = e - s - 2 * HDR;
	c->bytes = e - s;
	c->next = h->chunks;
	h->chunks = c;
	struct blk *first = at(c, HDR), *end = at(first, size);
	end->head = F_INUSE; /* sentinel */
	first->head = size | F_INUSE | F_PREV_INUSE;
	h->stats.bytes_total += c->bytes;
	h->stats.bytes_free += size;
	release(h, first);
	return true;
}

/* A block of at least `size` bytes, off the lists and marked in use. */
static struct blk *take(struct heap *h, size_t size)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		unsigned fl = fls64(size), scanned = 0;
		struct heap_free_node *n = h->bins[bin_index(size)];
		struct blk *b = NULL;
		int i;
		/* good fit: a few blocks of the list `size` falls in, then the
		 * first list whose every block fits, then the rest of the first */
		for (; n && scanned < FIT_SCAN && !b; n = n->next, scanned++)
			if (bsize(blk_of_node(n)) >= size)
				b = blk_of_node(n);
		if (!b && (i = bin_find(h, bin_index(size + ((size_t)1 << (fl - 2)) - 1))) >= 0)
			b = blk_of_node(h->bins[i]);
		for (; n && !b; n = n->next)
			if (bsize(blk_of_node(n)) >= size)
				b = blk_of_node(n);
		if (b) {
			bin_remove(h, b);
			b->head |= F_INUSE;
			at(b, bsize(b))->head |= F_PREV_INUSE;
			return b;
		}
		if (attempt == 0)
			heap_consolidate(h);
		else if (!add_chunk(h, size))
			return NULL;
	}
	return NULL;
}

static void account_alloc(struct heap *h, struct blk *b)
{
	h->stats.bytes_in_use += bsize(b);
	h->stats.bytes_free -= bsize(b);
	h->stats.allocs++;
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	size_t bs;
	struct blk *b;

	if ((align & (align - 1)) != 0 || size > SIZE_MAX / 4 || align > SIZE_MAX / 4)
		return NULL;
	bs = MAX(ALIGN_UP(size + HDR, (size_t)HEAP_ALIGN), (size_t)MIN_BLOCK);
	if (align <= HEAP_ALIGN) {
		if (bs <= SMALL_BLOCK_MAX && h->small[bs / 16 - 2]) {
			void *p = h->small[bs / 16 - 2];
			h->small[bs / 16 - 2] = *(void **)p;
			b = at(p, 0 - (size_t)HDR);
			b->head &= ~(size_t)F_CACHED;
			account_alloc(h, b);
			return p;
		}
		if (!(b = take(h, bs)))
			return NULL;
	} else {
		/* room to cut a free block off the front to reach the alignment */
		if (!(b = take(h, bs + align + MIN_BLOCK)))
			return NULL;
		uintptr_t p = (uintptr_t)b + HDR, ap = ALIGN_UP(p, align);
		while (ap != p && ap - p < MIN_BLOCK)
			ap += align;
		if (ap != p) {
			size_t lead = ap - p, have = bsize(b);
			struct blk *a = at(b, lead);
			/* the block below b is in use (b was free), so the lead
			 * block needs no merging */
			b->head = lead | (b->head & F_PREV_INUSE);
			bin_insert(h, b);
			a->prev_size = lead;
			a->head = (have - lead) | F_INUSE;
			b = a;
		}
	}
	trim(h, b, bs);
	account_alloc(h, b);
	return b + 1;
}

/* The block of a live pointer, with the cheap sanity checks. */
static struct blk *live_block(const void *p)
{
	struct blk *b = at(p, 0 - (size_t)HDR);
	ASSERT((uintptr_t)p % HEAP_ALIGN == 0);
	ASSERT((b->head & (F_INUSE | F_CACHED)) == F_INUSE); /* not free, not freed twice */
	ASSERT(bsize(b) >= MIN_BLOCK);
	ASSERT(at(b, bsize(b))->head & F_PREV_INUSE);
	return b;
}

void heap_free(struct heap *h, void *p)
{
	struct blk *b;
	size_t size;

	if (!p)
		return;
	b = live_block(p);
	size = bsize(b);
	h->stats.bytes_in_use -= size;
	h->stats.bytes_free += size;
	h->stats.allocs--;
	if (size <= SMALL_BLOCK_MAX) {
		b->head |= F_CACHED;
		*(void **)p = h->small[size / 16 - 2];
		h->small[size / 16 - 2] = p;
		return;
	}
	b->head &= ~(size_t)F_INUSE;
	release(h, b);
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
	struct blk *b, *n;
	size_t bs, have;
	void *q;

	if (!p)
		return heap_alloc(h, size, 0);
	if (size == 0) {
		heap_free(h, p);
		return NULL;
	}
	if (size > SIZE_MAX / 4)
		return NULL;
	b = live_block(p);
	have = bsize(b);
	bs = MAX(ALIGN_UP(size + HDR, (size_t)HEAP_ALIGN), (size_t)MIN_BLOCK);
	n = at(b, have);
	if (bs > have && !(n->head & F_INUSE) && have + bsize(n) >= bs) {
		/* grow into the free block above */
		h->stats.bytes_free -= bsize(n);
		h->stats.bytes_in_use += bsize(n);
		bin_remove(h, n);
		b->head += bsize(n);
		at(b, bsize(b))->head |= F_PREV_INUSE;
		have = bsize(b);
	}
	if (bs <= have) {
		trim(h, b, bs);
		h->stats.bytes_in_use -= have - bsize(b);
		h->stats.bytes_free += have - bsize(b);
		return p;
	}
	if (!(q = heap_alloc(h, size, 0)))
		return NULL;
	memcpy(q, p, have - HDR);
	heap_free(h, p);
	return q;
}

size_t heap_usable_size(const struct heap *h, const void *p)
{
	(void)h;
	return bsize(live_block(p)) - HDR;
}

size_t heap_largest_free(const struct heap *h)
{
	size_t best = 0;
	for (int i = HEAP_BINS - 1; i >= 0 && best == 0; i--)
		for (struct heap_free_node *n = h->bins[i]; n; n = n->next)
			best = MAX(best, bsize(blk_of_node(n)) - HDR);
	return best;
}

void heap_stats(const struct heap *h, struct heap_stats *out)
{
	*out = h->stats;
}

bool heap_check(const struct heap *h)
{
	size_t in_use = 0, free_b = 0, total = 0, allocs = 0, n_free = 0, n_cached = 0;

	for (const struct heap_chunk *c = h->chunks; c; c = c->next) {
		uintptr_t end = (uintptr_t)c + c->bytes - HDR;
		struct blk *b = at(c, HDR);
		bool prev_inuse = true;
		total += c->bytes;
		while ((uintptr_t)b < end) {
			size_t s = bsize(b);
			if (s < MIN_BLOCK || s % HEAP_ALIGN || end - (uintptr_t)b < s)
				return false;
			if (!!(b->head & F_PREV_INUSE) != prev_inuse)
				return false;
			if (b->head & F_INUSE) {
				if (b->head & F_CACHED) {
					if (s > SMALL_BLOCK_MAX)
						return false;
					n_cached++;
					free_b += s;
				} else {
					in_use += s;
					allocs++;
				}
			} else {
				if (!prev_inuse)
					return false; /* two free neighbours */
				if (at(b, s)->prev_size != s)
					return false;
				n_free++;
				free_b += s;
			}
			prev_inuse = b->head & F_INUSE;
			b = at(b, s);
		}
		if ((uintptr_t)b != end || bsize(b) != 0 || !(b->head & F_INUSE) ||
		    !!(b->head & F_PREV_INUSE) != prev_inuse)
			return false;
	}
	for (unsigned i = 0; i < HEAP_BINS; i++) {
		const struct heap_free_node *prev = NULL;
		if (!!h->bins[i] != !!(h->bin_map[i / 64] & (1ull << (i % 64))))
			return false;
		for (struct heap_free_node *n = h->bins[i]; n; n = n->next) {
			struct blk *b = blk_of_node(n);
			if ((b->head & F_INUSE) || bin_index(bsize(b)) != i || n->prev != prev)
				return false;
			if (n_free-- == 0)
				return false;
			prev = n;
		}
	}
	for (unsigned c = 0; c < HEAP_SMALL_CLASSES; c++)
		for (void *p = h->small[c]; p; p = *(void **)p) {
			struct blk *b = at(p, 0 - (size_t)HDR);
			if ((b->head & (F_INUSE | F_CACHED)) != (F_INUSE | F_CACHED) ||
			    bsize(b) / 16 - 2 != c || n_cached-- == 0)
				return false;
		}
	return n_free == 0 && n_cached == 0 && in_use == h->stats.bytes_in_use &&
	       free_b == h->stats.bytes_free && total == h->stats.bytes_total &&
	       allocs == h->stats.allocs;
}
