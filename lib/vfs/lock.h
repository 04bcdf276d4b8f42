/*
 * lock.h - the VFS's spinlock: test-and-test-and-set, for short critical
 * sections in task context on any CPU (never in interrupt handlers). The
 * VFS is portable and takes no lock interface from the platform: nothing
 * it does under a lock sleeps, and the kernel does not preempt kernel code.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>

struct vfs_lock {
	_Atomic bool locked;
};

static inline void vfs_lock_init(struct vfs_lock *l)
{
	/* relaxed: published with the struct that contains it. */
	atomic_store_explicit(&l->locked, false, memory_order_relaxed);
}

static inline void vfs_lock_take(struct vfs_lock *l)
{
	/* acquire: the critical section starts after the last release. */
	while (atomic_exchange_explicit(&l->locked, true, memory_order_acquire)) {
		/* relaxed: a hint to retry; the exchange decides. */
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			;
	}
}

static inline void vfs_lock_give(struct vfs_lock *l)
{
	/* release: publishes the critical section to the next holder. */
	atomic_store_explicit(&l->locked, false, memory_order_release);
}
