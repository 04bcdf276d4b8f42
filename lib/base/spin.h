/*
 * spin.h - the tree's one spinlock: test-and-test-and-set, for short
 * critical sections. Portable: the kernel wraps it in core/spinlock.h,
 * which also masks interrupts while it is held. lib/kasync and lib/vfs use
 * it as it is, because they take it in task context only, never in an
 * interrupt handler (a handler only wakes tasks, which takes no lock),
 * nothing they do under it sleeps, and the kernel does not preempt kernel
 * code.
 *
 * Not FIFO, on purpose: our CPUs are often vCPU threads the host
 * deschedules at will. A ticket lock then stalls every waiter behind a
 * waiter that is not running (4 guests faulting in memory on SMP=4 over 2
 * host cores went 30x slower); here whoever runs when the lock is free
 * takes it. Critical sections are short, so starvation is not a concern.
 *
 * The word is 32 bits, not a bool: RISC-V has word atomics (amoswap.w)
 * but no byte ones, which compilers emulate with a masked LR/SC loop.
 * All zeroes is an unlocked lock.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

struct spin {
	atomic_uint locked; /* 0 free, 1 held */
};

#define SPIN_INIT \
	{         \
		0 \
	}

/* A spin-wait hint to the CPU; a compiler barrier, no memory ordering. */
static inline void spin_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ volatile("" ::: "memory");
#endif
}

static inline void spin_init(struct spin *l)
{
	/* relaxed: the lock is published along with the struct that contains it */
	atomic_store_explicit(&l->locked, 0, memory_order_relaxed);
}

static inline void spin_acquire(struct spin *l)
{
	/* acquire: the critical section starts after the previous holder's release */
	while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire)) {
		/* relaxed: only a hint that the lock may be free; the exchange decides */
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			spin_relax();
	}
}

static inline void spin_release(struct spin *l)
{
	/* release: the critical section happens before the next holder's */
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}
