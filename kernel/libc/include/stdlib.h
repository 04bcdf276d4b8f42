/*
 * stdlib.h - the part of the C library that lib/ may use in the kernel:
 * the kernel heap behind the usual names, qsort, and abort (a panic).
 */
#pragma once

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
void free(void *p);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
_Noreturn void abort(void);
