/*
 * spinlock.h - the kernel's spinlock: lib/base's test-and-test-and-set
 * lock (base/spin.h, where its fairness and memory ordering are argued)
 * that also masks interrupts on this CPU while it is held, so an interrupt
 * handler that takes the same lock cannot deadlock against the code it
 * interrupted. All zeroes is an unlocked lock.
 */
#pragma once

#include <stdbool.h>

#include "arch/arch.h"
#include "base/spin.h"

struct spinlock {
	struct spin s;
};

#define SPINLOCK_INIT     \
	{                 \
		SPIN_INIT \
	}

/* Masks interrupts, then takes the lock. Returns whether interrupts were
 * on; pass it to spin_unlock. Any context. */
static inline bool spin_lock(struct spinlock *l)
{
	bool irq = arch_irq_save();
	spin_acquire(&l->s);
	return irq;
}

/* Releases the lock, then restores interrupts as spin_lock found them. */
static inline void spin_unlock(struct spinlock *l, bool irq)
{
	spin_release(&l->s);
	arch_irq_restore(irq);
}
