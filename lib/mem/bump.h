/*
 * bump.h - the bootstrap allocator over usable physical ranges, and range
 * list arithmetic shared with the loader.
 *
 * Invariant: b->r[0..n) are sorted, disjoint, non-adjacent, non-empty
 * ranges of free memory; allocations carve from the start of the lowest
 * range that fits (the alignment padding before an allocation is lost and
 * counted in bump_used). After boot the remaining ranges are handed to the
 * buddy allocator. No locking: single-threaded boot use.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MEM_PAGE_SIZE	4096u
#define BUMP_MAX_RANGES 16

struct mem_range {
	uint64_t start, end; /* [start, end) */
};

struct bump {
	struct mem_range r[BUMP_MAX_RANGES];
	unsigned n;
	uint64_t used; /* bytes taken, including alignment padding */
};

/*
 * bump_init - sorts `ranges`, merges overlapping and adjacent ones, then
 * page-aligns each inward and drops the empty ones. Empty input ranges
 * (start == end) are ignored.
 * Errors: ERR_INVAL (a range with end < start), ERR_RANGE (more than
 * BUMP_MAX_RANGES ranges remain). `*b` is untouched on error.
 */
int bump_init(struct bump *b, const struct mem_range *ranges, unsigned n);

/*
 * bump_alloc - `size` bytes aligned to `align` (a power of two; 0 means 1)
 * from the lowest range where they fit; `*phys` is the start.
 * Errors: ERR_INVAL (size 0, align not a power of two), ERR_NOMEM.
 */
int bump_alloc(struct bump *b, uint64_t size, uint64_t align, uint64_t *phys);

/* bump_free_ranges - copies up to `max` of the still-free ranges (sorted,
 * not necessarily page-aligned at the start) to `out`; returns how many
 * were copied. `max` = BUMP_MAX_RANGES always gets them all. */
unsigned bump_free_ranges(const struct bump *b, struct mem_range *out, unsigned max);

/* bump_used - bytes handed out so far (with alignment padding). */
uint64_t bump_used(const struct bump *b);

/* bump_check - the invariant above holds. */
bool bump_check(const struct bump *b);

/*
 * mem_ranges_subtract - removes `hole` from every range of r[0..*n): ranges
 * it covers disappear, ranges it overlaps are trimmed, a range it falls
 * strictly inside is split in two (the upper part placed right after the
 * lower, so a sorted list stays sorted). An empty hole changes nothing.
 * Errors: ERR_RANGE (a split would need more than `max` entries),
 * ERR_INVAL (hole.end < hole.start). Nothing is changed on error.
 */
int mem_ranges_subtract(struct mem_range *r, unsigned *n, unsigned max, struct mem_range hole);
