/*
 * stdlib.c - malloc and friends on the kernel heap, qsort, abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem/kheap.h"
#include "core/panic.h"

#define MALLOC_ALIGN 16

void *malloc(size_t size)
{
	return kheap_alloc(size ? size : 1, MALLOC_ALIGN);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return 0;
	void *p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	return kheap_realloc(p, size ? size : 1);
}

void *aligned_alloc(size_t align, size_t size)
{
	return kheap_alloc(size ? size : 1, align < MALLOC_ALIGN ? MALLOC_ALIGN : align);
}

void free(void *p)
{
	kheap_free(p);
}

static void swap(uint8_t *a, uint8_t *b, size_t size)
{
	while (size--) {
		uint8_t t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Heapsort: O(n log n) always, no recursion, no allocation. */
static void sift(uint8_t *base, size_t root, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	uint8_t *b = base;
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);
		sift(b, 0, end, size, cmp);
	}
}

void abort(void)
{
	panic("abort() called");
}
