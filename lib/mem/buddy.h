/*
 * buddy.h - the physical frame allocator: a binary buddy system over
 * 4 KiB frames, orders 0..BUDDY_MAX_ORDER (a block of order o is 2^o
 * frames, aligned to its size in physical address space, so an order-9
 * block can be mapped as one 2 MiB megapage).
 *
 * Free blocks sit on one doubly linked list per order; the links live in
 * the first 16 bytes of the free block itself, reached at
 * `phys + virt_offset` (the kernel's physical-memory map; 0 on the host).
 * Which blocks are free is recorded in caller-provided metadata: one bitmap
 * per order per region, bit set = "this block is free and on the list of
 * that order". Coalescing decides from the bitmaps alone and only looks at
 * blocks inside a managed region, so it never trusts frame contents and
 * never touches memory it does not own.
 *
 * Invariant (buddy_check): every listed block is in a region, aligned, and
 * has its bit set; the set bits are exactly the listed blocks; no free
 * block overlaps another; no free block has a free buddy of the same order
 * (they would have merged); free_frames is the sum of the listed blocks.
 *
 * Locking: none inside. The caller serializes every call on one buddy.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUDDY_FRAME_SHIFT 12
#define BUDDY_FRAME_SIZE  (1ull << BUDDY_FRAME_SHIFT)
#define BUDDY_MAX_ORDER	  20 /* 4 GiB blocks */
#define BUDDY_ORDERS	  (BUDDY_MAX_ORDER + 1)
#define BUDDY_MAX_REGIONS 16

struct buddy_region {
	uint64_t start, end;		 /* page-aligned [start, end) */
	uint64_t *bits;			 /* the caller's metadata */
	uint32_t word_off[BUDDY_ORDERS]; /* where each order's bitmap starts */
};

struct buddy {
	uintptr_t virt_offset;
	uint64_t head[BUDDY_ORDERS]; /* physical address of the first free block, or BUDDY_NIL */
	struct buddy_region regions[BUDDY_MAX_REGIONS];
	unsigned n_regions;
	uint64_t free_frames, total_frames;
};

#define BUDDY_NIL UINT64_MAX

/* buddy_init - an empty allocator; free blocks are reached at phys + virt_offset. */
void buddy_init(struct buddy *b, uintptr_t virt_offset);

/* buddy_meta_size - bytes of metadata a region of `region_bytes` needs
 * (a multiple of 8; about 2 bits per frame). */
size_t buddy_meta_size(uint64_t region_bytes);

/*
 * buddy_add_region - adds [start, end), page-aligned inward, as free
 * memory. `meta` must point to buddy_meta_size(end - start) bytes, 8-byte
 * aligned, outside every region, owned by the allocator from now on (its
 * contents need not be initialized). The region's frames must be mapped at
 * phys + virt_offset. A range that is empty once aligned is ignored (0).
 * Errors: ERR_INVAL (end < start, meta NULL, overlaps a region already
 * added), ERR_RANGE (already BUDDY_MAX_REGIONS regions).
 */
int buddy_add_region(struct buddy *b, uint64_t start, uint64_t end, void *meta);

/* buddy_alloc - a block of 2^order frames, aligned to its size.
 * Errors: ERR_NOMEM, ERR_INVAL (order > BUDDY_MAX_ORDER). */
int buddy_alloc(struct buddy *b, unsigned order, uint64_t *phys);

/* buddy_free - returns a block from buddy_alloc with the same order.
 * ASSERTs on a misaligned or foreign address, and on a double free (the
 * block, a block containing it, or its first or last frame already free). */
void buddy_free(struct buddy *b, uint64_t phys, unsigned order);

uint64_t buddy_free_frames(const struct buddy *b);
uint64_t buddy_total_frames(const struct buddy *b);

/* buddy_check - the invariant above holds (walks every list and bitmap). */
bool buddy_check(const struct buddy *b);
