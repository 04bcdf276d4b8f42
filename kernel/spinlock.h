/*
 * spinlock.h - a ticket spinlock that also masks interrupts on this CPU, so
 * an interrupt handler that takes the same lock cannot deadlock against the
 * code it interrupted. Fair (FIFO) among CPUs.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

#include "arch/arch.h"

struct spinlock {
	atomic_uint next;  /* ticket to hand out */
	atomic_uint owner; /* ticket being served */
};

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

/* Returns whether interrupts were on; pass it to spin_unlock. */
static inline bool spin_lock(struct spinlock *l)
{
	bool irq = arch_irq_save();
	/* relaxed: the ticket only orders us among waiters; acquire is below */
	unsigned t = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
	while (atomic_load_explicit(&l->owner, memory_order_acquire) != t)
		arch_cpu_relax();
	return irq;
}

static inline void spin_unlock(struct spinlock *l, bool irq)
{
	/* release: our writes in the critical section happen before the next owner's */
	unsigned o = atomic_load_explicit(&l->owner, memory_order_relaxed);
	atomic_store_explicit(&l->owner, o + 1, memory_order_release);
	arch_irq_restore(irq);
}
