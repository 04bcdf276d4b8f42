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

/* Hands every range the boot allocator has left to the buddy allocator. */
int frame_init(struct bump *boot);

/* One zeroed frame; ERR_NOMEM. */
int frame_alloc(uint64_t *pa);
/* 2^order contiguous zeroed frames, aligned to their size; ERR_NOMEM. */
int frame_alloc_order(unsigned order, uint64_t *pa);
void frame_free(uint64_t pa);
void frame_free_order(uint64_t pa, unsigned order);

struct frame_stats {
	uint64_t total;	 /* frames managed */
	uint64_t free;	 /* free in the buddy allocator and the per-CPU caches */
	uint64_t cached; /* of which in per-CPU caches */
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
