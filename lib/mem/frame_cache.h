/*
 * frame_cache.h - a small per-CPU stack of free order-0 frames in front of
 * the buddy allocator, so most frame allocations take no lock.
 *
 * Ownership: a cache belongs to one CPU, which alone calls every function
 * on it (with preemption/interrupts that could touch it held off).
 * frame_cache_pop/push never touch the buddy and need no lock;
 * frame_cache_refill/drain move frames to and from the buddy and must be
 * called with the buddy's lock held. The usual pattern:
 *
 *   if (frame_cache_pop(c, &p) < 0) { lock(); e = frame_cache_refill(c, b); unlock(); ... pop again
 * } if (frame_cache_push(c, p) < 0) { lock(); frame_cache_drain(c, b, FRAME_CACHE_SIZE / 2);
 * unlock(); push again }
 *
 * Frames in a cache count as allocated for the buddy (buddy_free_frames).
 * Invariant: n <= FRAME_CACHE_SIZE and frames[0..n) are distinct free frames.
 */
#pragma once

#include <stdint.h>

#include "mem/buddy.h"

#define FRAME_CACHE_SIZE 64

struct frame_cache {
	unsigned n;
	uint64_t frames[FRAME_CACHE_SIZE];
};

void frame_cache_init(struct frame_cache *c);

/* frame_cache_pop - a cached frame. ERR_NOMEM if the cache is empty. */
int frame_cache_pop(struct frame_cache *c, uint64_t *phys);

/* frame_cache_push - caches a free frame. ERR_NOSPC if the cache is full. */
int frame_cache_push(struct frame_cache *c, uint64_t phys);

/* frame_cache_refill - (buddy lock held) tops the cache up to half full
 * from `b`. Returns the number of frames added (0 if it was already half
 * full); ERR_NOMEM if the cache is empty and the buddy has no frame. */
int frame_cache_refill(struct frame_cache *c, struct buddy *b);

/* frame_cache_drain - (buddy lock held) frees cached frames back to `b`
 * until at most `keep` remain (0 empties it, e.g. when a CPU goes away). */
void frame_cache_drain(struct frame_cache *c, struct buddy *b, unsigned keep);
