/*
 * buddy.c - binary buddy frame allocator (see buddy.h for the invariant).
 *
 * Metadata layout of one region, for each order o in turn:
 *
 *   bits: | order 0 bitmap | order 1 bitmap | ... | order 20 bitmap |
 *            bit i of order o <-> block at ALIGN_DOWN(start, 4K << o) + i * (4K << o)
 *
 * Only blocks lying wholly inside [start, end) ever have their bit set.
 */
#include <string.h>

#include "base/assert.h"
#include "base/compiler.h"
#include "base/err.h"
#include "mem/buddy.h"

struct buddy_link {
	uint64_t next, prev; /* physical addresses, BUDDY_NIL at the ends */
};

static inline uint64_t block_size(unsigned o)
{
	return BUDDY_FRAME_SIZE << o;
}

static inline struct buddy_link *link_of(const struct buddy *b, uint64_t phys)
{
	return (struct buddy_link *)(uintptr_t)(phys + b->virt_offset);
}

static uint64_t bitmap_bits(uint64_t start, uint64_t end, unsigned o)
{
	uint64_t base = ALIGN_DOWN(start, block_size(o));
	return (ALIGN_UP(end, block_size(o)) - base) >> (BUDDY_FRAME_SHIFT + o);
}

size_t buddy_meta_size(uint64_t region_bytes)
{
	uint64_t frames = region_bytes >> BUDDY_FRAME_SHIFT, words = 0;
	for (unsigned o = 0; o < BUDDY_ORDERS; o++)
		words += ((frames >> o) + 2 + 63) / 64;
	return (size_t)(words * 8);
}

/* Is the block (p, o) wholly inside region r? */
static bool in_region(const struct buddy_region *r, uint64_t p, unsigned o)
{
	return p >= r->start && p < r->end && r->end - p >= block_size(o);
}

static uint64_t *word_of(const struct buddy_region *r, uint64_t p, unsigned o, uint64_t *mask)
{
	uint64_t i = (p - ALIGN_DOWN(r->start, block_size(o))) >> (BUDDY_FRAME_SHIFT + o);
	*mask = 1ull << (i % 64);
	return &r->bits[r->word_off[o] + i / 64];
}

static bool test_bit(const struct buddy_region *r, uint64_t p, unsigned o)
{
	uint64_t m;
	return (*word_of(r, p, o, &m) & m) != 0;
}

static void set_bit(const struct buddy_region *r, uint64_t p, unsigned o, bool on)
{
	uint64_t m, *w = word_of(r, p, o, &m);
	*w = on ? *w | m : *w & ~m;
}

static const struct buddy_region *region_of(const struct buddy *b, uint64_t p, unsigned o)
{
	for (unsigned i = 0; i < b->n_regions; i++)
		if (in_region(&b->regions[i], p, o))
			return &b->regions[i];
	return NULL;
}

static void list_push(struct buddy *b, const struct buddy_region *r, uint64_t p, unsigned o)
{
	struct buddy_link *l = link_of(b, p);
	l->next = b->head[o];
	l->prev = BUDDY_NIL;
	if (b->head[o] != BUDDY_NIL)
		link_of(b, b->head[o])->prev = p;
	b->head[o] = p;
	set_bit(r, p, o, true);
}

static void list_remove(struct buddy *b, const struct buddy_region *r, uint64_t p, unsigned o)
{
	struct buddy_link *l = link_of(b, p);
	if (l->prev != BUDDY_NIL)
		link_of(b, l->prev)->next = l->next;
	else
		b->head[o] = l->next;
	if (l->next != BUDDY_NIL)
		link_of(b, l->next)->prev = l->prev;
	set_bit(r, p, o, false);
}

void buddy_init(struct buddy *b, uintptr_t virt_offset)
{
	memset(b, 0, sizeof(*b));
	b->virt_offset = virt_offset;
	for (unsigned o = 0; o < BUDDY_ORDERS; o++)
		b->head[o] = BUDDY_NIL;
}

int buddy_add_region(struct buddy *b, uint64_t start, uint64_t end, void *meta)
{
	struct buddy_region *r;
	uint64_t s, e, words = 0;

	if (end < start || !meta)
		return ERR_INVAL;
	if (start > UINT64_MAX - BUDDY_FRAME_SIZE)
		return 0;
	s = ALIGN_UP(start, BUDDY_FRAME_SIZE);
	e = ALIGN_DOWN(end, BUDDY_FRAME_SIZE);
	if (s >= e)
		return 0;
	for (unsigned i = 0; i < b->n_regions; i++)
		if (s < b->regions[i].end && b->regions[i].start < e)
			return ERR_INVAL;
	if (b->n_regions == BUDDY_MAX_REGIONS)
		return ERR_RANGE;

	r = &b->regions[b->n_regions++];
	r->start = s;
	r->end = e;
	r->bits = meta;
	for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
		r->word_off[o] = (uint32_t)words;
		words += (bitmap_bits(s, e, o) + 63) / 64;
	}
	ASSERT(words * 8 <= buddy_meta_size(end - start));
	memset(meta, 0, (size_t)words * 8);

	/* carve the largest aligned blocks that fit */
	for (uint64_t p = s; p < e;) {
		unsigned o = BUDDY_MAX_ORDER;
		while (o > 0 && (p % block_size(o) != 0 || e - p < block_size(o)))
			o--;
		list_push(b, r, p, o);
		p += block_size(o);
		b->free_frames += 1ull << o;
	}
	b->total_frames += (e - s) >> BUDDY_FRAME_SHIFT;
	return 0;
}

int buddy_alloc(struct buddy *b, unsigned order, uint64_t *phys)
{
	const struct buddy_region *r;
	unsigned o = order;
	uint64_t p;

	if (order > BUDDY_MAX_ORDER)
		return ERR_INVAL;
	while (o <= BUDDY_MAX_ORDER && b->head[o] == BUDDY_NIL)
		o++;
	if (o > BUDDY_MAX_ORDER)
		return ERR_NOMEM;
	p = b->head[o];
	r = region_of(b, p, o);
	ASSERT(r != NULL);
	list_remove(b, r, p, o);
	while (o > order) { /* give back the upper halves */
		o--;
		list_push(b, r, p + block_size(o), o);
	}
	b->free_frames -= 1ull << order;
	*phys = p;
	return 0;
}

void buddy_free(struct buddy *b, uint64_t phys, unsigned order)
{
	const struct buddy_region *r;
	unsigned o;

	ASSERT(order <= BUDDY_MAX_ORDER);
	ASSERT(phys % block_size(order) == 0);
	r = region_of(b, phys, order);
	ASSERT(r != NULL);
	/* double free: this block, any block containing it, or a block at
	 * its first or last frame is already free */
	for (o = 0; o < BUDDY_ORDERS; o++) {
		uint64_t q = ALIGN_DOWN(phys, block_size(o));
		if (in_region(r, q, o))
			ASSERT(!test_bit(r, q, o));
		if (o < order)
			ASSERT(!test_bit(r, phys + block_size(order) - block_size(o), o));
	}

	b->free_frames += 1ull << order;
	for (o = order; o < BUDDY_MAX_ORDER; o++) {
		uint64_t buddy = phys ^ block_size(o);
		if (!in_region(r, buddy, o) || !test_bit(r, buddy, o))
			break;
		list_remove(b, r, buddy, o);
		phys = MIN(phys, buddy);
	}
	list_push(b, r, phys, o);
}

uint64_t buddy_free_frames(const struct buddy *b)
{
	return b->free_frames;
}

uint64_t buddy_total_frames(const struct buddy *b)
{
	return b->total_frames;
}

/* Set bits of one order in one region, each checked against its buddy and
 * its ancestors; returns the count, or UINT64_MAX on a violation. */
static uint64_t check_bits(const struct buddy_region *r, unsigned o)
{
	uint64_t base = ALIGN_DOWN(r->start, block_size(o)), n = 0;
	uint64_t nbits = bitmap_bits(r->start, r->end, o);

	for (uint64_t i = 0; i < nbits; i++) {
		uint64_t p = base + i * block_size(o), bud = p ^ block_size(o);
		if (i % 64 == 0 && r->bits[r->word_off[o] + i / 64] == 0) {
			i += 63;
			continue;
		}
		if (!test_bit(r, p, o))
			continue;
		if (!in_region(r, p, o))
			return UINT64_MAX;
		if (o < BUDDY_MAX_ORDER && in_region(r, bud, o) && test_bit(r, bud, o))
			return UINT64_MAX; /* should have merged */
		for (unsigned a = o + 1; a < BUDDY_ORDERS; a++) {
			uint64_t q = ALIGN_DOWN(p, block_size(a));
			if (in_region(r, q, a) && test_bit(r, q, a))
				return UINT64_MAX; /* overlaps a bigger free block */
		}
		n++;
	}
	return n;
}

bool buddy_check(const struct buddy *b)
{
	uint64_t free_sum = 0;

	for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
		uint64_t listed = 0, bits = 0, prev = BUDDY_NIL;
		for (uint64_t p = b->head[o]; p != BUDDY_NIL; p = link_of(b, p)->next) {
			const struct buddy_region *r = region_of(b, p, o);
			if (!r || p % block_size(o) != 0 || !test_bit(r, p, o))
				return false;
			if (link_of(b, p)->prev != prev)
				return false;
			if (++listed > b->total_frames)
				return false; /* a cycle */
			prev = p;
		}
		for (unsigned i = 0; i < b->n_regions; i++) {
			uint64_t n = check_bits(&b->regions[i], o);
			if (n == UINT64_MAX)
				return false;
			bits += n;
		}
		if (bits != listed)
			return false;
		free_sum += listed << o;
	}
	return free_sum == b->free_frames && b->free_frames <= b->total_frames;
}
