/*
 * heap.h - the kernel's malloc, over memory chunks obtained from a callback.
 *
 * Chunks need not be contiguous (the kernel maps each one at a random
 * virtual address); blocks never span or merge across chunks.
 *
 *   chunk: | chunk header 16 | block | block | ... | end sentinel 16 |
 *   block: | prev_size 8 | size|flags 8 | payload (16-aligned) ...     |
 *
 * prev_size is valid only while the previous block is free (the boundary
 * tag that lets a freed block merge with its lower neighbour). Block sizes
 * are multiples of 16, at least 32.
 *
 * Two tiers, for speed:
 *   - small blocks (<= HEAP_SMALL_MAX bytes of payload) are freed onto an
 *     exact-size LIFO cache per size class and reused in O(1); they stay
 *     "in use" to their neighbours. The caches are flushed into the
 *     coalescing tier (heap_consolidate) before the heap grows.
 *   - every other free block sits in one of ~240 segregated lists (4 per
 *     power of two, TLSF-style, with a bitmap of non-empty lists) and is
 *     merged with free neighbours at once.
 *
 * Invariant (heap_check): every chunk is a gap-free sequence of blocks
 * ending at the sentinel; no two adjacent blocks are free; each free block
 * is on the list its size maps to; each cached block is on its size class
 * cache; the statistics add up.
 *
 * Locking: none inside; the caller serializes all calls on one heap.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN	   16
#define HEAP_SMALL_MAX	   512			 /* payload bytes served by the size-class caches */
#define HEAP_SMALL_CLASSES (HEAP_SMALL_MAX / 16) /* blocks of 32..HEAP_SMALL_MAX + 16 bytes */
#define HEAP_BINS	   240

/*
 * heap_grow_fn - gives the heap at least `min_bytes` of new memory:
 * `*base`/`*bytes` on success (0), a negative enum err otherwise. The
 * memory belongs to the heap for good.
 */
typedef int (*heap_grow_fn)(void *arg, size_t min_bytes, void **base, size_t *bytes);

struct heap_chunk;
struct heap_free_node;

struct heap_stats {
	size_t bytes_in_use; /* blocks handed out, headers included */
	size_t bytes_free;   /* free and cached blocks, headers included */
	size_t bytes_total;  /* every chunk; the rest is chunk overhead (32 bytes each) */
	size_t allocs;	     /* live allocations */
};

struct heap {
	heap_grow_fn grow;
	void *arg;
	struct heap_chunk *chunks;
	void *small[HEAP_SMALL_CLASSES]; /* cached blocks, linked through their payload */
	struct heap_free_node *bins[HEAP_BINS];
	uint64_t bin_map[(HEAP_BINS + 63) / 64];
	struct heap_stats stats;
};

/* heap_init - an empty heap that asks `grow(arg, ...)` for memory. */
void heap_init(struct heap *h, heap_grow_fn grow, void *arg);

/* heap_alloc - `size` bytes aligned to `align` (0 or any power of two; at
 * least 16 is always given). NULL if out of memory, if `align` is not a
 * power of two, or if `size` is absurd. size 0 gives a unique pointer. */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* heap_free - NULL is ignored. ASSERTs on a pointer that is not a live
 * block of a heap (misaligned, already free, corrupted header). */
void heap_free(struct heap *h, void *p);

/* heap_realloc - resizes in place when it can, else moves (the result is
 * 16-aligned, whatever `p` was). NULL `p` is heap_alloc; size 0 frees `p`
 * and returns NULL. On failure returns NULL and `p` is unchanged. */
void *heap_realloc(struct heap *h, void *p, size_t size);

/* heap_usable_size - bytes usable at `p` (>= what was asked). */
size_t heap_usable_size(const struct heap *h, const void *p);

/* heap_consolidate - merges every cached small block back into the
 * coalescing lists (done automatically before growing). */
void heap_consolidate(struct heap *h);

/* heap_largest_free - size of the largest free block's payload (0 if none);
 * after heap_consolidate with nothing allocated, one per chunk. */
size_t heap_largest_free(const struct heap *h);

void heap_stats(const struct heap *h, struct heap_stats *out);

/* heap_check - the invariant above holds (walks every chunk and list). */
bool heap_check(const struct heap *h);
