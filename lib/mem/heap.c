/*
 * heap.c - boundary-tag heap with size-class caches that gives memory back
 * (see heap.h).
 *
 * The layout, flags and helpers shared with heap_check.c are in
 * heap_internal.h.
 *
 * Which pages are decommitted is exact, in the chunk's page map: decommit
 * is called only on committed pages and commit only on decommitted ones,
 * so bytes_committed is exact. A page may be decommitted only if it lies
 * in the "region" of a sparse free block b: [page_up(b + 48),
 * page_down(b + size)). So the pages of an in-use block are all committed,
 * a non-sparse free block is entirely committed, and a sparse block's
 * first 48 bytes are committed. Sparse blocks are at least 48 bytes plus a
 * page. The flag is a hint ("may"): a sparse block whose pages have all
 * been committed again stays sparse until it is allocated or merged.
 */
#include <string.h>

#include "base/assert.h"
#include "base/compiler.h"
#include "base/err.h"
#include "mem/heap.h"
#include "mem/heap_internal.h"

#define FIT_SCAN 8 /* blocks of the exact list tried before rounding up */

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

/* ---- page maps ---- */

static inline uintptr_t page_addr(const struct heap *h, const struct heap_chunk *c, size_t i)
{
	return c->map_base + (i << h->page_shift);
}

/* The first index in [from, to) whose bit is `set`, or `to`. */
static size_t map_find(const uint64_t *m, size_t from, size_t to, bool set)
{
	while (from < to) {
		uint64_t w = set ? m[from / 64] : ~m[from / 64];
		w &= ~0ull << (from % 64);
		if (w)
			return MIN(to, from / 64 * 64 + (size_t)__builtin_ctzll(w));
		from = from / 64 * 64 + 64;
	}
	return to;
}

static void map_assign(uint64_t *m, size_t from, size_t to, bool set)
{
	while (from < to) {
		size_t n = MIN(64 - from % 64, to - from);
		uint64_t mask = (n == 64 ? ~0ull : (1ull << n) - 1) << (from % 64);
		if (set)
			m[from / 64] |= mask;
		else
			m[from / 64] &= ~mask;
		from += n;
	}
}

/* Commits the decommitted pages that overlap [lo, hi). ERR_NOMEM if a
 * commit fails: the runs committed before it stay committed (and counted). */
static int pages_commit(struct heap *h, struct heap_chunk *c, uintptr_t lo, uintptr_t hi)
{
	size_t i = page_index(h, c, lo), end = page_index(h, c, page_up(h, hi));
	while ((i = map_find(c->map, i, end, true)) < end) {
		size_t j = map_find(c->map, i, end, false);
		if (h->ops->commit(h->arg, (void *)page_addr(h, c, i), (j - i) << h->page_shift) <
		    0)
			return ERR_NOMEM;
		map_assign(c->map, i, j, false);
		c->decommitted -= j - i;
		h->stats.bytes_committed += (j - i) << h->page_shift;
		i = j;
	}
	return 0;
}

/* Decommits the committed pages of page-aligned [lo, hi). */
static void pages_decommit(struct heap *h, struct heap_chunk *c, uintptr_t lo, uintptr_t hi)
{
	size_t i = page_index(h, c, lo), end = page_index(h, c, hi);
	while ((i = map_find(c->map, i, end, false)) < end) {
		size_t j = map_find(c->map, i, end, true);
		h->ops->decommit(h->arg, (void *)page_addr(h, c, i), (j - i) << h->page_shift);
		map_assign(c->map, i, j, true);
		c->decommitted += j - i;
		h->stats.bytes_committed -= (j - i) << h->page_shift;
		i = j;
	}
}

/* Flags a free block sparse (it must be big enough and its first 48 bytes committed). */
static void set_sparse(const struct heap *h, struct blk *b, struct heap_chunk *c)
{
	ASSERT(bsize(b) >= SPARSE_HDR + h->page);
	b->head |= F_SPARSE;
	*sparse_chunk(b) = c;
}

/* ---- chunks ---- */

/* The chunk of a block: O(1) for the first block of a chunk, else a walk
 * of the chunks (only on the way to decommitting at least
 * HEAP_DECOMMIT_MIN bytes). */
static struct heap_chunk *chunk_of(const struct heap *h, const struct blk *b)
{
	struct heap_chunk *c;
	if (b->head & F_FIRST)
		return (struct heap_chunk *)(uintptr_t)b - 1;
	for (c = h->chunks; c; c = c->next)
		if ((uintptr_t)b > (uintptr_t)c && b < c->end)
			return c;
	ASSERT(!"block outside every chunk");
	return NULL;
}

static size_t map_bytes(const struct heap *h, size_t span)
{
	if (!h->ops->decommit)
		return 0;
	return ALIGN_UP(((span >> h->page_shift) + 2 + 63) / 64 * 8, (size_t)HEAP_ALIGN);
}

static void chunk_release(struct heap *h, struct heap_chunk *c)
{
	struct blk *b = chunk_first(c);
	void *base = c->base;
	size_t bytes = c->bytes;

	bin_remove(h, b);
	if (c->prev)
		c->prev->next = c->next;
	else
		h->chunks = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (h->empty == c)
		h->empty = NULL;
	h->stats.bytes_free -= bsize(b);
	h->stats.bytes_total -= bytes;
	h->stats.bytes_committed -= bytes - (c->decommitted << h->page_shift);
	h->stats.chunks--;
	h->ops->release(h->arg, base, bytes);
}

/* ---- freeing ---- */

/* Merges the free block `b` (flags: PREV_INUSE and FIRST as they apply to
 * it) with its free neighbours and lists the result, which it returns.
 * `c`: b's chunk if b may have decommitted pages (then it is at least 48
 * bytes plus a page and its first 48 bytes are committed), else NULL. */
static inline __attribute__((always_inline)) struct blk *merge_inline(struct heap *h, struct blk *b,
								      struct heap_chunk *c)
{
	size_t size = bsize(b);
	struct blk *n = at(b, size);

	if (!(b->head & F_PREV_INUSE)) {
		struct blk *p = at(b, 0 - b->prev_size);
		bin_remove(h, p);
		size += bsize(p);
		if (UNLIKELY(p->head & F_SPARSE))
			c = *sparse_chunk(p);
		b = p;
	}
	if (!(n->head & F_INUSE)) {
		bin_remove(h, n);
		size += bsize(n);
		if (UNLIKELY(n->head & F_SPARSE))
			c = *sparse_chunk(n);
	}
	b->head = size | (b->head & (F_PREV_INUSE | F_FIRST));
	if (UNLIKELY(c != NULL))
		set_sparse(h, b, c);
	n = at(b, size);
	n->prev_size = size;
	n->head &= ~(size_t)F_PREV_INUSE;
	bin_insert(h, b);
	return b;
}

static struct blk *merge(struct heap *h, struct blk *b, struct heap_chunk *c)
{
	return merge_inline(h, b, c);
}

/* [lo, hi), which was in use, is now part of the free block m: decommits
 * its whole pages inside m's region if they are at least
 * HEAP_DECOMMIT_MIN. They are all committed, being those of a block in use. */
static void decommit_freed(struct heap *h, struct blk *m, uintptr_t lo, uintptr_t hi)
{
	uintptr_t rlo, rhi;
	struct heap_chunk *c;

	if (!h->ops->decommit)
		return;
	sparse_region(h, m, bsize(m), &rlo, &rhi);
	rlo = MAX(rlo, page_up(h, lo));
	rhi = MIN(rhi, page_down(h, hi));
	if (rhi <= rlo || rhi - rlo < HEAP_DECOMMIT_MIN)
		return;
	c = (m->head & F_SPARSE) ? *sparse_chunk(m) : chunk_of(h, m);
	ASSERT(map_find(c->map, page_index(h, c, rlo), page_index(h, c, rhi), true) ==
	       page_index(h, c, rhi));
	pages_decommit(h, c, rlo, rhi);
	if (!(m->head & F_SPARSE))
		set_sparse(h, m, c);
}

/* The free block m spans its whole chunk now. Keeps the chunk (see heap.h)
 * and releases the one kept before. True if m's pages are to stay as they
 * are (kept committed). */
static bool chunk_emptied(struct heap *h, struct blk *m)
{
	struct heap_chunk *c = (struct heap_chunk *)(uintptr_t)m - 1;
	if (h->empty && h->empty != c && h->ops->release && chunk_is_free(h->empty))
		chunk_release(h, h->empty);
	h->empty = c;
	return c->bytes <= HEAP_KEEP_MAX;
}

/* Cuts an in-use block down to `size`, freeing the tail if it is worth a
 * block; returns the bytes cut. `c`: the block's chunk if the tail past
 * its first 48 bytes may have decommitted pages, else NULL. */
static size_t cut_tail(struct heap *h, struct blk *b, size_t size, struct heap_chunk *c)
{
	size_t have = bsize(b);
	struct blk *t;
	if (have - size < MIN_BLOCK)
		return 0;
	t = at(b, size);
	b->head = size | (b->head & F_MASK);
	t->head = (have - size) | F_PREV_INUSE;
	merge(h, t, c && have - size >= SPARSE_HDR + h->page ? c : NULL);
	return have - size;
}

void heap_consolidate(struct heap *h)
{
	for (unsigned c = 0; c < HEAP_SMALL_CLASSES; c++) {
		while (h->small[c]) {
			struct blk *b = at(h->small[c], 0 - (size_t)HDR);
			h->small[c] = *(void **)h->small[c];
			b->head &= ~(size_t)(F_CACHED | F_INUSE);
			merge(h, b, NULL);
		}
	}
}

/* ---- allocating ---- */

void heap_init(struct heap *h, const struct heap_ops *ops, void *arg)
{
	ASSERT(ops->grow);
	ASSERT(ops->page_size >= 4096 && (ops->page_size & (ops->page_size - 1)) == 0);
	ASSERT(!ops->decommit || ops->commit);
	memset(h, 0, sizeof(*h));
	h->ops = ops;
	h->arg = arg;
	h->page = ops->page_size;
	h->page_shift = fls64(ops->page_size);
}

/* A new chunk whose block can hold `want` bytes; returns its (listed) free
 * block if that holds at least `need`, else NULL. */
static struct blk *add_chunk(struct heap *h, size_t need, size_t want)
{
	size_t ask, bytes, mb;
	void *base;

	if (want > SIZE_MAX / 8)
		return NULL;
	ask = want + sizeof(struct heap_chunk) + HDR + 2 * HEAP_ALIGN;
	ask = ALIGN_UP(ask + map_bytes(h, 2 * ask), h->page);
	if (h->ops->grow(h->arg, ask, &base, &bytes) < 0)
		return NULL;
	uintptr_t s = ALIGN_UP((uintptr_t)base, HEAP_ALIGN);
	uintptr_t e = ALIGN_DOWN((uintptr_t)base + bytes, HEAP_ALIGN);
	mb = e > s ? map_bytes(h, page_up(h, e) - page_down(h, s)) : 0;
	if (e <= s || e - s < sizeof(struct heap_chunk) + HDR + mb + MIN_BLOCK) {
		if (h->ops->release)
			h->ops->release(h->arg, base, bytes);
		return NULL;
	}
	struct heap_chunk *c = (struct heap_chunk *)s;
	c->base = base;
	c->bytes = bytes;
	c->map = mb ? (uint64_t *)(e - mb) : NULL;
	if (mb)
		memset(c->map, 0, mb);
	c->map_base = page_down(h, s);
	c->decommitted = 0;
	c->end = at((void *)(e - mb - HDR), 0);
	c->prev = NULL;
	c->next = h->chunks;
	if (c->next)
		c->next->prev = c;
	h->chunks = c;

	struct blk *first = chunk_first(c);
	size_t size = (uintptr_t)c->end - (uintptr_t)first;
	c->end->head = F_INUSE;
	first->head = size | F_PREV_INUSE | F_FIRST;
	h->stats.bytes_total += bytes;
	h->stats.bytes_committed += bytes;
	h->stats.bytes_free += size;
	h->stats.chunks++;
	merge(h, first, NULL);
	return size >= need ? first : NULL;
}

/* A listed free block of at least `size` bytes, or NULL. */
static struct blk *fit(struct heap *h, size_t size)
{
	unsigned fl = fls64(size), scanned = 0;
	struct heap_free_node *n = h->bins[bin_index(size)];
	int i;
	/* good fit: a few blocks of the list `size` falls in, then the first
	 * list whose every block fits, then the rest of the first */
	for (; n && scanned < FIT_SCAN; n = n->next, scanned++)
		if (bsize(blk_of_node(n)) >= size)
			return blk_of_node(n);
	if ((i = bin_find(h, bin_index(size + ((size_t)1 << (fl - 2)) - 1))) >= 0)
		return blk_of_node(h->bins[i]);
	for (; n; n = n->next)
		if (bsize(blk_of_node(n)) >= size)
			return blk_of_node(n);
	return NULL;
}

/* The block size of a new shared chunk: geometric growth (see heap.h). */
static size_t grow_target(const struct heap *h, size_t need)
{
	size_t g = MIN(h->stats.bytes_total / 8, (size_t)HEAP_GROW_MAX);
	return MAX(need, MAX(g, (size_t)HEAP_GROW_MIN));
}

/*
 * A block of at least `need` bytes, off the lists, marked in use and
 * entirely committed. NULL if out of memory (grow or commit failed); the
 * heap is unchanged then, but for what was consolidated, grown or
 * committed.
 */
static struct blk *take(struct heap *h, size_t need)
{
	struct heap_chunk *c = NULL;
	struct blk *b = NULL;

	if (need >= HEAP_LARGE_MIN && h->ops->release) {
		/* a chunk of its own: the kept free one if it fits */
		if (h->empty && chunk_is_free(h->empty) && bsize(chunk_first(h->empty)) >= need)
			b = chunk_first(h->empty);
		else
			b = add_chunk(h, need, need);
	}
	for (int attempt = 0; !b; attempt++) {
		if ((b = fit(h, need)) != NULL)
			break;
		if (attempt == 0)
			heap_consolidate(h);
		else if (attempt > 1 || !(b = add_chunk(h, need, grow_target(h, need))))
			return NULL;
	}
	if (UNLIKELY(b->head & F_SPARSE)) {
		/* commit what the block needs and the header cut behind it; the
		 * rest goes back, as sparse as it was */
		c = *sparse_chunk(b);
		if (pages_commit(h, c, (uintptr_t)b,
				 (uintptr_t)b + MIN(need + SPARSE_HDR, bsize(b))) < 0)
			return NULL;
	}
	bin_remove(h, b);
	b->head = (b->head & ~(size_t)F_SPARSE) | F_INUSE;
	at(b, bsize(b))->head |= F_PREV_INUSE;
	if (UNLIKELY(c != NULL))
		cut_tail(h, b, need, c);
	return b;
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
			b->head = lead | (b->head & (F_PREV_INUSE | F_FIRST));
			bin_insert(h, b);
			a->prev_size = lead;
			a->head = (have - lead) | F_INUSE;
			b = a;
		}
	}
	cut_tail(h, b, bs, NULL);
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

/* heap_free of a block that may leave at least HEAP_DECOMMIT_MIN bytes of
 * free pages. */
__attribute__((noinline)) static void free_large(struct heap *h, struct blk *b, size_t size)
{
	struct blk *m = merge(h, b, NULL);
	if ((m->head & F_FIRST) && bsize(at(m, bsize(m))) == 0 && chunk_emptied(h, m))
		return;
	decommit_freed(h, m, (uintptr_t)b, (uintptr_t)b + size);
}

/* The free block m is the first of its chunk: is the chunk empty now? */
__attribute__((noinline)) static void free_first(struct heap *h, struct blk *m)
{
	if (bsize(at(m, bsize(m))) == 0)
		(void)chunk_emptied(h, m); /* nothing to decommit, the block freed was small */
}

/* heap_free past the caches; apart so that the cached path stays lean, and
 * with the merge inline so that the common case costs what it did before
 * memory was given back. */
__attribute__((noinline)) static void free_block(struct heap *h, struct blk *b, size_t size)
{
	struct blk *m;

	b->head &= ~(size_t)F_INUSE;
	if (UNLIKELY(size >= HEAP_DECOMMIT_MIN)) {
		free_large(h, b, size);
		return;
	}
	m = merge_inline(h, b, NULL);
	if (UNLIKELY(m->head & F_FIRST))
		free_first(h, m);
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
	free_block(h, b, size);
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
	struct blk *b, *n;
	size_t bs, have, cut;
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
		/* grow into the free block above, committing what it needs first */
		struct heap_chunk *c = (n->head & F_SPARSE) ? *sparse_chunk(n) : NULL;
		size_t ns = bsize(n);
		if (c && pages_commit(h, c, (uintptr_t)n,
				      MIN((uintptr_t)b + bs + SPARSE_HDR, (uintptr_t)n + ns)) < 0)
			goto move;
		bin_remove(h, n);
		b->head += ns;
		at(b, bsize(b))->head |= F_PREV_INUSE;
		cut = cut_tail(h, b, bs, c);
		h->stats.bytes_free -= ns - cut;
		h->stats.bytes_in_use += ns - cut;
		return p;
	}
	if (bs <= have) {
		cut = cut_tail(h, b, bs, NULL);
		h->stats.bytes_in_use -= cut;
		h->stats.bytes_free += cut;
		if (cut >= HEAP_DECOMMIT_MIN) /* the tail's block starts where it does */
			decommit_freed(h, at(b, bs), (uintptr_t)b + bs, (uintptr_t)b + have);
		return p;
	}
move:
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

/* ---- trimming, statistics ---- */

size_t heap_trim(struct heap *h)
{
	size_t before = h->stats.bytes_committed;

	heap_consolidate(h);
	if (h->ops->release) {
		struct heap_chunk *c = h->chunks, *next;
		for (; c; c = next) {
			next = c->next;
			if (chunk_is_free(c))
				chunk_release(h, c);
		}
	}
	if (h->ops->decommit) {
		for (unsigned i = 0; i < HEAP_BINS; i++) {
			for (struct heap_free_node *n = h->bins[i]; n; n = n->next) {
				struct blk *b = blk_of_node(n);
				struct heap_chunk *c;
				uintptr_t lo, hi;
				if (bsize(b) < SPARSE_HDR + h->page)
					continue;
				sparse_region(h, b, bsize(b), &lo, &hi);
				if (lo == hi)
					continue;
				c = (b->head & F_SPARSE) ? *sparse_chunk(b) : chunk_of(h, b);
				pages_decommit(h, c, lo, hi);
				if (!(b->head & F_SPARSE))
					set_sparse(h, b, c);
			}
		}
	}
	return before - h->stats.bytes_committed;
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
