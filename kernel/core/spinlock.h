/*
 * spinlock.h - a test-and-test-and-set spinlock that also masks interrupts
 * on this CPU, so an interrupt handler that takes the same lock cannot
 * deadlock against the code it interrupted.
 *
 * Not FIFO, on purpose: our harts are usually vCPU threads that the host
 * deschedules at will. A ticket lock then stalls every waiter behind a
 * waiter that is not running (4 guests faulting in memory on SMP=4 over 2
 * host cores went 30x slower); here whoever runs when the lock is free
 * takes it. Critical sections are short, so starvation is not a concern.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

#include "arch/arch.h"

struct spinlock {
	atomic_uint locked; /* 0 free, 1 held */
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

/* Returns whether interrupts were on; pass it to spin_unlock. */
static inline bool spin_lock(struct spinlock *l)
{
	bool irq = arch_irq_save();
	for (;;) {
		unsigned expected = 0;
		/* acquire: the previous holder's writes happen before ours */
		if (atomic_compare_exchange_weak_explicit(
			    &l->locked, &expected, 1, memory_order_acquire, memory_order_relaxed))
			return irq;
		/* relaxed: only a hint that the lock may be free; the CAS decides */
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			arch_cpu_relax();
	}
}

static inline void spin_unlock(struct spinlock *l, bool irq)
{
	/* release: our writes in the critical section happen before the next owner's */
	atomic_store_explicit(&l->locked, 0, memory_order_release);
	arch_irq_restore(irq);
}
