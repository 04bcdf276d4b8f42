/*
 * bump.c - bootstrap bump allocator and range subtraction (see bump.h).
 *
 * bump_init merges without scratch memory: it visits the input in order of
 * (start, index) by repeated selection, O(n^2) for the handful of ranges a
 * device tree has, so the caller's array is left alone.
 */
#include <stdbool.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "mem/bump.h"

/* The next input range in (start, index) order after (prev_start, prev_i). */
static int next_in_order(const struct mem_range *r, unsigned n, bool first, uint64_t prev_start,
			 unsigned prev_i)
{
	int best = -1;
	for (unsigned i = 0; i < n; i++) {
		if (r[i].start == r[i].end)
			continue;
		bool after = first || r[i].start > prev_start ||
			     (r[i].start == prev_start && i > prev_i);
		if (after && (best < 0 || r[i].start < r[best].start))
			best = (int)i;
	}
	return best;
}

static void push_aligned(struct mem_range *out, unsigned *n, struct mem_range m)
{
	uint64_t s, e = ALIGN_DOWN(m.end, (uint64_t)MEM_PAGE_SIZE);
	if (m.start > UINT64_MAX - (MEM_PAGE_SIZE - 1))
		return;
	s = ALIGN_UP(m.start, (uint64_t)MEM_PAGE_SIZE);
	if (s >= e)
		return;
	if (*n < BUMP_MAX_RANGES)
		out[*n] = (struct mem_range){s, e};
	(*n)++;
}

int bump_init(struct bump *b, const struct mem_range *ranges, unsigned n)
{
	struct mem_range out[BUMP_MAX_RANGES], cur = {0, 0};
	unsigned nout = 0, prev_i = 0;
	uint64_t prev_start = 0;
	bool have = false;

	for (unsigned i = 0; i < n; i++)
		if (ranges[i].end < ranges[i].start)
			return ERR_INVAL;
	for (bool first = true;; first = false) {
		int i = next_in_order(ranges, n, first, prev_start, prev_i);
		if (i < 0)
			break;
		const struct mem_range *r = &ranges[i];
		prev_start = r->start;
		prev_i = (unsigned)i;
		if (have && r->start <= cur.end) {
			cur.end = MAX(cur.end, r->end);
			continue;
		}
		if (have)
			push_aligned(out, &nout, cur);
		cur = *r;
		have = true;
	}
	if (have)
		push_aligned(out, &nout, cur);
	if (nout > BUMP_MAX_RANGES)
		return ERR_RANGE;
	memset(b, 0, sizeof(*b));
	memcpy(b->r, out, nout * sizeof(out[0]));
	b->n = nout;
	return 0;
}

int bump_alloc(struct bump *b, uint64_t size, uint64_t align, uint64_t *phys)
{
	if (align == 0)
		align = 1;
	if (size == 0 || (align & (align - 1)) != 0)
		return ERR_INVAL;
	for (unsigned i = 0; i < b->n; i++) {
		struct mem_range *r = &b->r[i];
		if (r->start > UINT64_MAX - (align - 1))
			continue;
		uint64_t at = ALIGN_UP(r->start, align);
		if (at >= r->end || r->end - at < size)
			continue;
		b->used += at + size - r->start;
		r->start = at + size;
		if (r->start == r->end) {
			memmove(r, r + 1, (b->n - i - 1) * sizeof(*r));
			b->n--;
		}
		*phys = at;
		return 0;
	}
	return ERR_NOMEM;
}

unsigned bump_free_ranges(const struct bump *b, struct mem_range *out, unsigned max)
{
	unsigned n = MIN(max, b->n);
	memcpy(out, b->r, n * sizeof(out[0]));
	return n;
}

uint64_t bump_used(const struct bump *b)
{
	return b->used;
}

bool bump_check(const struct bump *b)
{
	if (b->n > BUMP_MAX_RANGES)
		return false;
	for (unsigned i = 0; i < b->n; i++) {
		if (b->r[i].start >= b->r[i].end)
			return false;
		if (i > 0 && b->r[i].start <= b->r[i - 1].end)
			return false;
	}
	return true;
}

int mem_ranges_subtract(struct mem_range *r, unsigned *n, unsigned max, struct mem_range hole)
{
	unsigned splits = 0;

	if (hole.end < hole.start)
		return ERR_INVAL;
	if (hole.start == hole.end)
		return 0;
	for (unsigned i = 0; i < *n; i++)
		if (r[i].start < hole.start && hole.end < r[i].end)
			splits++;
	if (*n + splits > max)
		return ERR_RANGE;
	for (unsigned i = 0; i < *n;) {
		struct mem_range *x = &r[i];
		if (x->end <= hole.start || hole.end <= x->start) {
			i++; /* disjoint */
		} else if (x->start < hole.start && hole.end < x->end) {
			memmove(x + 2, x + 1, (*n - i - 1) * sizeof(*x));
			x[1] = (struct mem_range){hole.end, x->end};
			x->end = hole.start;
			(*n)++;
			i += 2;
		} else if (x->start < hole.start) {
			x->end = hole.start; /* hole covers the top */
			i++;
		} else if (hole.end < x->end) {
			x->start = hole.end; /* hole covers the bottom */
			i++;
		} else {
			memmove(x, x + 1, (*n - i - 1) * sizeof(*x)); /* covered */
			(*n)--;
		}
	}
	return 0;
}
