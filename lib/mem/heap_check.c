/*
 * heap_check.c - lib/mem/heap's invariant walker (the invariant is in
 * heap.h): every chunk's blocks, flags and page map, every list and cache,
 * and the statistics. It reads no decommitted page.
 */
#include "mem/heap.h"
#include "mem/heap_internal.h"

/* One chunk's blocks, flags and page map; adds its figures to `sum`
 * (bytes_free counts free and cached blocks) and to the counts of free and
 * cached blocks. */
static bool check_chunk(const struct heap *h, const struct heap_chunk *c, struct heap_stats *sum,
			size_t *n_free, size_t *n_cached)
{
	uintptr_t end = (uintptr_t)c->end;
	struct blk *b = chunk_first(c);
	bool prev_inuse = true;
	size_t sparse_pages = 0;

	if ((uintptr_t)c < (uintptr_t)c->base || end + HDR > (uintptr_t)c->base + c->bytes ||
	    end < (uintptr_t)b || c->map_base != page_down(h, (uintptr_t)c) ||
	    !c->map != !h->ops->decommit)
		return false;
	if (!(b->head & F_FIRST))
		return false;
	while ((uintptr_t)b < end) {
		size_t s = bsize(b);
		if (s < MIN_BLOCK || s % HEAP_ALIGN || end - (uintptr_t)b < s)
			return false;
		if (!!(b->head & F_PREV_INUSE) != prev_inuse ||
		    !!(b->head & F_FIRST) != (b == chunk_first(c)))
			return false;
		if (b->head & F_INUSE) {
			if (b->head & F_CACHED) {
				if (s > SMALL_BLOCK_MAX)
					return false;
				(*n_cached)++;
				sum->bytes_free += s;
			} else {
				sum->bytes_in_use += s;
				sum->allocs++;
			}
		} else {
			if (!prev_inuse)
				return false; /* two free neighbours */
			if (at(b, s)->prev_size != s)
				return false;
			if (b->head & F_SPARSE) {
				uintptr_t lo, hi;
				if (!c->map || s < SPARSE_HDR + h->page || *sparse_chunk(b) != c)
					return false;
				sparse_region(h, b, s, &lo, &hi);
				sparse_pages += map_count(c->map, page_index(h, c, lo),
							  page_index(h, c, hi));
			}
			(*n_free)++;
			sum->bytes_free += s;
		}
		prev_inuse = b->head & F_INUSE;
		b = at(b, s);
	}
	if ((uintptr_t)b != end || b->head & ~(size_t)(F_INUSE | F_PREV_INUSE) ||
	    !(b->head & F_INUSE) || !!(b->head & F_PREV_INUSE) != prev_inuse)
		return false;
	/* every decommitted page is in some sparse block's region */
	if (c->map) {
		uintptr_t map_end = ALIGN_DOWN((uintptr_t)c->base + c->bytes, HEAP_ALIGN);
		if ((uintptr_t)c->map != end + HDR || map_end < (uintptr_t)c->map ||
		    map_count(c->map, 0, (map_end - (uintptr_t)c->map) / 8 * 64) != c->decommitted)
			return false;
	}
	if (sparse_pages != c->decommitted)
		return false;
	sum->bytes_total += c->bytes;
	sum->bytes_committed += c->bytes - (c->decommitted << h->page_shift);
	sum->chunks++;
	return true;
}

bool heap_check(const struct heap *h)
{
	struct heap_stats sum = {0};
	size_t n_free = 0, n_cached = 0;
	bool empty_seen = !h->empty;

	for (const struct heap_chunk *c = h->chunks; c; c = c->next) {
		if (c->next && c->next->prev != c)
			return false;
		if (!check_chunk(h, c, &sum, &n_free, &n_cached))
			return false;
		empty_seen |= c == h->empty;
	}
	if (!empty_seen || (h->chunks && h->chunks->prev))
		return false;
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
	return n_free == 0 && n_cached == 0 && sum.bytes_in_use == h->stats.bytes_in_use &&
	       sum.bytes_free == h->stats.bytes_free && sum.bytes_total == h->stats.bytes_total &&
	       sum.bytes_committed == h->stats.bytes_committed && sum.allocs == h->stats.allocs &&
	       sum.chunks == h->stats.chunks;
}
