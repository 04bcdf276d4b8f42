/*
 * heap.h - the kernel's malloc, over memory chunks obtained from a callback,
 * that gives memory back: whole free chunks, and whole free pages inside
 * free blocks.
 *
 * Chunks need not be contiguous (the kernel maps each one at a random
 * virtual address); blocks never span or merge across chunks.
 *
 *   chunk: | chunk header 64 | block | block | ... | sentinel 16 | page map |
 *   block: | prev_size 8 | size|flags 8 | payload (16-aligned) ...        |
 *   free:  | prev_size 8 | size|flags 8 | next 8 | prev 8 | chunk 8 | ... |
 *
 * prev_size is valid only while the previous block is free (the boundary
 * tag that lets a freed block merge with its lower neighbour). Block sizes
 * are multiples of 16, at least 32. The page map (only with a decommit
 * callback) has one bit per page of the chunk: set while the page is
 * decommitted.
 *
 * Two tiers, for speed:
 *   - small blocks (<= HEAP_SMALL_MAX bytes of payload) are freed onto an
 *     exact-size LIFO cache per size class and reused in O(1); they stay
 *     "in use" to their neighbours. The caches are flushed into the
 *     coalescing tier (heap_consolidate) before the heap grows and by
 *     heap_trim.
 *   - every other free block sits in one of ~240 segregated lists (4 per
 *     power of two, TLSF-style, with a bitmap of non-empty lists) and is
 *     merged with free neighbours at once.
 *
 * Giving memory back:
 *   - Decommit. Only whole pages inside a free block, past its first 48
 *     bytes (header, list links, and the chunk pointer of a block that has
 *     decommitted pages) are ever decommitted; a free block that may hold
 *     some is "sparse". When a free leaves a run of at least
 *     HEAP_DECOMMIT_MIN bytes of whole pages of the freed block inside the
 *     merged free block, that run is decommitted at once (pages of the
 *     neighbours are not looked at, so a free costs what the freed block
 *     costs); heap_trim decommits the rest. So memory freed in pieces
 *     smaller than that, and all that the size-class caches hold, stays
 *     committed until the owner calls heap_trim (the kernel: when a
 *     program ends). An allocation from a sparse block commits the pages
 *     it needs (and those of the header it writes behind itself) before
 *     writing anything there.
 *   - Release. When a free empties a chunk, the heap keeps that chunk and
 *     releases the one it kept before (if still empty): at most one
 *     emptied chunk is kept. If it is at most HEAP_KEEP_MAX bytes its
 *     pages stay committed too, so a loop that allocates and frees one
 *     block, even a large one, calls none of the callbacks. heap_trim
 *     releases every entirely free chunk. A chunk emptied by
 *     heap_consolidate stays until heap_trim or until it is used again.
 *   - Large blocks (at least HEAP_LARGE_MIN bytes, header included) get a
 *     chunk of their own, sized to fit (or the kept free chunk if it is big
 *     enough), so freeing one gives the whole chunk back and they never
 *     fragment the chunks of small blocks. This needs a release callback;
 *     without one they come from the shared chunks like any block.
 *   - Growth for the other blocks is geometric: a new chunk is
 *     max(HEAP_GROW_MIN, min(bytes_total / 8, HEAP_GROW_MAX)) bytes or what
 *     the request needs, so a heap of hundreds of MB is tens of chunks.
 *
 * Invariant (heap_check): every chunk is a gap-free sequence of blocks
 * ending at the sentinel, the first one flagged FIRST; no two adjacent
 * blocks are free; each free block is on the list its size maps to; each
 * cached block is on its size class cache; every decommitted page lies
 * inside the decommittable part of a sparse free block of its chunk, which
 * points to that chunk; the kept chunk, if any, is one of the heap's; the
 * statistics add up.
 *
 * Locking: none inside; the caller serializes all calls on one heap, and
 * the callbacks are called with that serialization held.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN	   16
#define HEAP_SMALL_MAX	   512			 /* payload bytes served by the size-class caches */
#define HEAP_SMALL_CLASSES (HEAP_SMALL_MAX / 16) /* blocks of 32..HEAP_SMALL_MAX + 16 bytes */
#define HEAP_BINS	   240
#define HEAP_DECOMMIT_MIN  (64u << 10)	/* a run of free pages decommitted by heap_free */
#define HEAP_LARGE_MIN	   (256u << 10) /* blocks this big get a chunk of their own */
#define HEAP_KEEP_MAX	   (4u << 20)	/* the kept free chunk stays committed up to this */
#define HEAP_GROW_MIN	   (256u << 10)
#define HEAP_GROW_MAX	   (32u << 20)

/*
 * heap_ops - the memory source of a heap. Every callback is called with
 * the heap's `arg` and only from inside a heap_* call.
 *
 * page_size: a power of two >= 4096; the unit of decommit.
 * grow:      a new chunk of at least min_bytes, readable and writable:
 *            *base and *bytes and 0, or a negative enum err. Chunks need not
 *            be contiguous. Required.
 * release:   gives back a whole chunk that grow returned (base, bytes
 *            exactly as returned; some of its pages may be decommitted).
 *            NULL: chunks are kept for good.
 * decommit:  page-aligned [addr, addr + bytes), inside one chunk, holds
 *            nothing the heap needs: its frames may be taken away. NULL:
 *            nothing is ever decommitted. May do nothing. The heap calls
 *            it only on pages it has not decommitted since their last
 *            commit (or grow).
 * commit:    page-aligned [addr, addr + bytes) is about to be used again:
 *            make every page of it readable and writable (contents
 *            undefined); 0, or ERR_NOMEM (the heap then fails the
 *            allocation and stays consistent). Required if decommit is
 *            set. Must be idempotent; the heap calls it only on runs of
 *            pages it decommitted.
 */
struct heap_ops {
	int (*grow)(void *arg, size_t min_bytes, void **base, size_t *bytes);
	void (*release)(void *arg, void *base, size_t bytes);
	void (*decommit)(void *arg, void *addr, size_t bytes);
	int (*commit)(void *arg, void *addr, size_t bytes);
	size_t page_size;
};

struct heap_chunk;
struct heap_free_node;

/*
 * Byte counts. bytes_total = bytes_in_use + bytes_free + the chunks'
 * overhead (header, sentinel, page map, alignment: about 96 bytes and
 * 1/32768 of the chunk each).
 */
struct heap_stats {
	size_t bytes_in_use;	/* blocks handed out, headers included */
	size_t bytes_free;	/* free and cached blocks, headers included, committed or not */
	size_t bytes_total;	/* every chunk held, as grow returned it */
	size_t bytes_committed; /* bytes_total minus the pages decommitted */
	size_t allocs;		/* live allocations */
	size_t chunks;		/* chunks held */
};

struct heap {
	const struct heap_ops *ops;
	void *arg;
	size_t page;	     /* ops->page_size */
	unsigned page_shift; /* log2(page) */
	struct heap_chunk *chunks;
	struct heap_chunk *empty;	 /* the entirely free chunk the free path keeps, or NULL */
	void *small[HEAP_SMALL_CLASSES]; /* cached blocks, linked through their payload */
	struct heap_free_node *bins[HEAP_BINS];
	uint64_t bin_map[(HEAP_BINS + 63) / 64];
	struct heap_stats stats;
};

/* heap_init - an empty heap over `ops` (which must outlive it), whose
 * callbacks get `arg`. ASSERTs that ops is valid (see heap_ops). */
void heap_init(struct heap *h, const struct heap_ops *ops, void *arg);

/* heap_alloc - `size` bytes aligned to `align` (0 or any power of two; at
 * least 16 is always given). NULL if out of memory (grow or commit
 * failed), if `align` is not a power of two, or if `size` is absurd.
 * size 0 gives a unique pointer. */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* heap_free - NULL is ignored. ASSERTs on a pointer that is not a live
 * block of a heap (misaligned, already free, corrupted header). May call
 * decommit and release (see the header comment). */
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

/* heap_trim - gives back now everything free: consolidates, releases every
 * entirely free chunk (with a release callback) and decommits every whole
 * page past the first 48 bytes of every free block (with a decommit
 * callback). Returns the bytes that stopped being committed (the drop of
 * bytes_committed). Costs a walk of the chunks and of the free blocks. */
size_t heap_trim(struct heap *h);

/* heap_largest_free - size of the largest free block's payload (0 if none);
 * after heap_consolidate with nothing allocated, one per chunk. */
size_t heap_largest_free(const struct heap *h);

void heap_stats(const struct heap *h, struct heap_stats *out);

/* heap_check - the invariant above holds (walks every chunk, page map and
 * list; reads no decommitted page). */
bool heap_check(const struct heap *h);
