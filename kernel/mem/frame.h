/*
 * frame.h - the physical frame allocator: a buddy allocator over all free
 * RAM behind one lock, with a per-CPU cache of single frames in front so the
 * common case (one 4 KiB frame) takes no lock.
 *
 * Frames come back zeroed. In debug builds (KDEBUG) freed frames are
 * poisoned with FRAME_POISON so use-after-free shows up.
 * Any context, including interrupt handlers.
 */
#pragma once

#include <stdint.h>

#define FRAME_SIZE   4096ul
#define FRAME_POISON 0x6b

struct bump;

/* Frames kept back from promises for the kernel's own work: 1/32 of the
 * frames, at least this many. */
#define FRAME_RESERVE_MIN 1024u

/* Hands every range the boot allocator has left to the buddy allocator and
 * opens the budget (lib/mem/budget.h) over them. */
int frame_init(struct bump *boot);

/*
 * frame_add_range - gives [start, end) (physical, page aligned inward) to
 * the allocator after boot, e.g. the loader's memory, and credits its
 * frames to the budget. Its first pages hold the range's allocator
 * metadata (about 2 bits per frame, kept for good); the rest become free
 * frames. The range must be RAM mapped read-write in the physical map and
 * owned by no one. Any context but an interrupt handler.
 * Errors: ERR_INVAL (overlaps memory the allocator has), ERR_RANGE (too many
 * ranges in all). A range too small for its metadata is ignored (0).
 */
int frame_add_range(uint64_t start, uint64_t end);

/*
 * Every frame handed out is counted against one budget (see budget.h).
 *
 * frame_alloc / frame_alloc_order - charge the budget and take one frame /
 *   2^order contiguous frames aligned to their size, zeroed. ERR_NOMEM when
 *   the budget refuses (the frames left are promised or kept back), or when
 *   no contiguous block is free.
 * frame_promise - promises n frames to be taken later by
 *   frame_alloc_promised, which then cannot fail. ERR_NOMEM when fewer than
 *   n frames are free beyond the promises already made and the kernel's
 *   reserve. frame_unpromise gives back promises that will not be used.
 * frame_alloc_promised - takes one promised frame, zeroed. The caller must
 *   hold a promise it has not drawn yet (an ASSERT otherwise).
 * frame_unalloc_promised - a frame from frame_alloc_promised that was not
 *   used goes back, and its promise with it.
 * frame_free / frame_free_order - frees a frame from any of the above.
 */
int frame_alloc(uint64_t *pa);
int frame_alloc_order(unsigned order, uint64_t *pa);
int frame_promise(uint64_t n);
void frame_unpromise(uint64_t n);
int frame_alloc_promised(uint64_t *pa);
void frame_unalloc_promised(uint64_t pa);
void frame_free(uint64_t pa);
void frame_free_order(uint64_t pa, unsigned order);

struct frame_stats {
	uint64_t total;	    /* frames managed (free RAM at boot) */
	uint64_t free;	    /* free in the buddy allocator and the per-CPU caches */
	uint64_t cached;    /* of which in per-CPU caches */
	uint64_t promised;  /* promised and not taken yet */
	uint64_t available; /* free less promised: what a charge may still take */
	uint64_t reserve;   /* kept back from promises for the kernel */
	uint64_t refused;   /* charges and promises refused so far */
};
void frame_stats(struct frame_stats *out);

/* Moves this CPU's cached frames back to the buddy allocator (so that
 * free counts compare exactly across tests). */
void frame_drain_cache(void);

/* The physical-memory map: every physical address has a kernel alias. */
extern uint64_t phys_offset;
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + phys_offset);
}
