/*
 * spin.h - a test-and-test-and-set spinlock for short critical sections in
 * task context (not interrupt handlers: they wake tasks, which takes no lock).
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

#include "kasync/state.h"

struct kasync_spin {
	_Atomic bool locked;
};

static inline void kasync_spin_init(struct kasync_spin *l)
{
	/* relaxed: the lock is published along with the struct that contains it. */
	atomic_store_explicit(&l->locked, false, memory_order_relaxed);
}

static inline void kasync_spin_lock(struct kasync_spin *l)
{
	/* acquire: the critical section starts after the previous holder's release. */
	while (atomic_exchange_explicit(&l->locked, true, memory_order_acquire)) {
		/* relaxed: only a hint to retry; the exchange above decides. */
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			kasync_cpu_relax();
	}
}

static inline bool kasync_spin_trylock(struct kasync_spin *l)
{
	/* relaxed pre-check: skip the write when it is obviously held. */
	if (atomic_load_explicit(&l->locked, memory_order_relaxed))
		return false;
	/* acquire: as in kasync_spin_lock. */
	return !atomic_exchange_explicit(&l->locked, true, memory_order_acquire);
}

static inline void kasync_spin_unlock(struct kasync_spin *l)
{
	/* release: publishes the critical section to the next holder. */
	atomic_store_explicit(&l->locked, false, memory_order_release);
}
