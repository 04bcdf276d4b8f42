/*
 * kheap.h - the kernel heap: lib/mem's allocator behind a lock, growing
 * first from the boot allocator and, once the VM layer is up, by mapping
 * fresh frames at random free kernel addresses. malloc() and friends
 * (kernel/lib/stdlib.c) call it. Any context but interrupt handlers.
 */
#pragma once

#include <stddef.h>

struct bump;

/* Starts the heap with `initial` bytes taken from the boot allocator. */
int kheap_init(struct bump *boot, size_t initial);
/* From now on the heap grows through vm_alloc. */
void kheap_use_vm(void);

void *kheap_alloc(size_t size, size_t align);
void kheap_free(void *p);
void *kheap_realloc(void *p, size_t size);

struct kheap_stats {
	size_t in_use, free, total, allocs;
};
void kheap_stats(struct kheap_stats *out);
