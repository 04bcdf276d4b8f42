/*
 * kheap.h - the kernel heap: lib/mem's allocator behind a lock, growing
 * first from the boot allocator and, once the VM layer is up, by mapping
 * fresh frames at random free kernel addresses; whole free pages and free
 * chunks go back to the frame allocator. malloc() and friends
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

/* kheap_trim - gives every free page and free chunk back to the frame
 * allocator now (the heap also does so by itself for large frees); returns
 * the bytes given back. Called when a program ends and before an
 * allocation is refused. */
size_t kheap_trim(void);

struct kheap_stats {
	size_t in_use;	  /* bytes handed out, headers included */
	size_t free;	  /* bytes free in the chunks (committed or not) */
	size_t total;	  /* bytes of address space in chunks */
	size_t committed; /* bytes of the chunks backed by frames */
	size_t chunks, allocs;
};
void kheap_stats(struct kheap_stats *out);
