/*
 * frame.c - the frame allocator (see frame.h).
 *
 * Lock order: a CPU's cache is touched only by its owner with interrupts
 * off; `lock` protects the buddy allocator and is taken with the cache
 * already held (never the other way round).
 *
 * The budget's charge floor is the most frames all per-CPU caches can hold:
 * a CPU whose own cache is empty cannot reach frames cached elsewhere, so
 * the budget must never count on those. With avail >= that floor, the
 * buddy allocator alone holds every frame that is promised or charged and
 * not yet taken (free = buddy + cached, cached <= floor), so taking a frame
 * the budget allowed never finds the allocator empty.
 */
#include "mem/frame.h"

#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "core/cpu.h"
#include "mem/buddy.h"
#include "mem/budget.h"
#include "mem/bump.h"
#include "mem/frame_cache.h"
#include "core/panic.h"
#include "core/spinlock.h"

uint64_t phys_offset;

static struct spinlock lock = SPINLOCK_INIT;
static struct buddy buddy;		    /* [lock] */
static struct frame_cache caches[MAX_CPUS]; /* [owner CPU, irqs off] */
static struct mem_budget budget;	    /* lock-free */

#define CACHED_MAX ((int64_t)MAX_CPUS * FRAME_CACHE_SIZE)

int frame_init(struct bump *boot)
{
	struct mem_range r[BUMP_MAX_RANGES];
	unsigned n = bump_free_ranges(boot, r, BUMP_MAX_RANGES);

	/* One metadata block for all ranges, sized for them as they are now;
	 * taking it only shrinks a range from the front, so it stays enough. */
	size_t meta = 0;
	for (unsigned i = 0; i < n; i++)
		meta += ALIGN_UP(buddy_meta_size(r[i].end - r[i].start), 64);
	uint64_t meta_pa;
	int e = bump_alloc(boot, meta, 64, &meta_pa);
	if (e)
		return e;
	uint8_t *m = phys_to_virt(meta_pa);
	memset(m, 0, meta);

	buddy_init(&buddy, phys_offset);
	n = bump_free_ranges(boot, r, BUMP_MAX_RANGES);
	for (unsigned i = 0; i < n; i++) {
		e = buddy_add_region(&buddy, r[i].start, r[i].end, m);
		if (e)
			return e;
		m += ALIGN_UP(buddy_meta_size(r[i].end - r[i].start), 64);
	}
	for (unsigned i = 0; i < MAX_CPUS; i++)
		frame_cache_init(&caches[i]);
	int64_t frames = (int64_t)buddy_free_frames(&buddy);
	mem_budget_init(&budget, frames, CACHED_MAX,
			CACHED_MAX + MAX((int64_t)FRAME_RESERVE_MIN, frames / 32));
	return 0;
}

int frame_add_range(uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, FRAME_SIZE);
	end = ALIGN_DOWN(end, FRAME_SIZE);
	if (start >= end)
		return 0;
	uint64_t meta = ALIGN_UP(buddy_meta_size(end - start), FRAME_SIZE);
	if (end - start <= meta)
		return 0;
	bool irq = spin_lock(&lock);
	int e = buddy_add_region(&buddy, start + meta, end, phys_to_virt(start));
	spin_unlock(&lock, irq);
	if (!e) /* after the frames are in: the budget never counts on missing ones */
		mem_budget_credit(&budget, (end - start - meta) / FRAME_SIZE);
	return e;
}

static void poison(uint64_t pa, uint64_t bytes)
{
#ifdef KDEBUG
	memset(phys_to_virt(pa), FRAME_POISON, bytes);
#else
	(void)pa;
	(void)bytes;
#endif
}

int frame_alloc_order(unsigned order, uint64_t *pa)
{
	uint64_t p;
	if (order > BUDDY_MAX_ORDER)
		return ERR_INVAL;
	if (!mem_budget_charge(&budget, 1ull << order))
		return ERR_NOMEM;
	bool irq = spin_lock(&lock);
	int e = buddy_alloc(&buddy, order, &p);
	spin_unlock(&lock, irq);
	if (e) { /* no contiguous block: the frames are there, just not together */
		mem_budget_credit(&budget, 1ull << order);
		return e;
	}
	memset(phys_to_virt(p), 0, FRAME_SIZE << order);
	*pa = p;
	return 0;
}

void frame_free_order(uint64_t pa, unsigned order)
{
	poison(pa, FRAME_SIZE << order);
	bool irq = spin_lock(&lock);
	buddy_free(&buddy, pa, order);
	spin_unlock(&lock, irq);
	mem_budget_credit(&budget, 1ull << order);
}

/* One frame from this CPU's cache or the buddy allocator, not zeroed. The
 * budget has been asked already, so there is one (see the top). */
static uint64_t take(void)
{
	bool irq = arch_irq_save();
	struct frame_cache *fc = &caches[cpu_id()];
	uint64_t p;
	if (frame_cache_pop(fc, &p)) {
		bool irq2 = spin_lock(&lock);
		int e = frame_cache_refill(fc, &buddy);
		spin_unlock(&lock, irq2);
		if (e < 0 || frame_cache_pop(fc, &p))
			panic("frame: the budget allowed a frame the allocator does not have");
	}
	arch_irq_restore(irq);
	return p;
}

static void put(uint64_t pa)
{
	bool irq = arch_irq_save();
	struct frame_cache *fc = &caches[cpu_id()];
	if (frame_cache_push(fc, pa)) {
		bool irq2 = spin_lock(&lock);
		frame_cache_drain(fc, &buddy, FRAME_CACHE_SIZE / 2);
		spin_unlock(&lock, irq2);
		frame_cache_push(fc, pa);
	}
	arch_irq_restore(irq);
}

int frame_alloc(uint64_t *pa)
{
	if (!mem_budget_charge(&budget, 1))
		return ERR_NOMEM;
	uint64_t p = take();
	memset(phys_to_virt(p), 0, FRAME_SIZE);
	*pa = p;
	return 0;
}

int frame_promise(uint64_t n)
{
	return mem_budget_promise(&budget, n) ? 0 : ERR_NOMEM;
}

void frame_unpromise(uint64_t n)
{
	mem_budget_unpromise(&budget, n);
}

int frame_alloc_promised(uint64_t *pa)
{
	mem_budget_draw(&budget, 1);
	uint64_t p = take();
	memset(phys_to_virt(p), 0, FRAME_SIZE);
	*pa = p;
	return 0;
}

void frame_unalloc_promised(uint64_t pa)
{
	put(pa);
	mem_budget_undraw(&budget, 1);
}

void frame_free(uint64_t pa)
{
	poison(pa, FRAME_SIZE);
	put(pa);
	mem_budget_credit(&budget, 1);
}

void frame_drain_cache(void)
{
	bool irq = arch_irq_save();
	bool irq2 = spin_lock(&lock);
	frame_cache_drain(&caches[cpu_id()], &buddy, 0);
	spin_unlock(&lock, irq2);
	arch_irq_restore(irq);
}

void frame_stats(struct frame_stats *out)
{
	struct mem_budget_stats b;
	uint64_t cached = 0;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		cached += caches[i].n; /* racy snapshot: fine for stats */
	bool irq = spin_lock(&lock);
	out->total = buddy_total_frames(&buddy);
	out->free = buddy_free_frames(&buddy) + cached;
	spin_unlock(&lock, irq);
	mem_budget_stats(&budget, &b);
	out->cached = cached;
	out->promised = b.promised > 0 ? (uint64_t)b.promised : 0;
	out->available = b.avail > b.floor_charge ? (uint64_t)(b.avail - b.floor_charge) : 0;
	out->reserve = (uint64_t)(b.floor_promise - b.floor_charge);
	out->refused = b.refused;
}
