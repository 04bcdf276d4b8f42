/* string.h - the part of the C library that lib/ may use in the kernel. */
#pragma once

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * -ffreestanding turns off what the compiler knows of these, so every
 * memcpy(&v, p, 4) (the portable unaligned access lib/ uses, in every
 * interpreter load and store and float bit cast) would be a call. Through
 * the builtins the small fixed-size ones become a load or a store, and the
 * rest still call the functions above. kernel/lib/string.c, which defines
 * them, opts out.
 */
#ifndef KERNEL_LIBC_STRING_IMPL
#define memcpy(d, s, n)	 __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n)	 __builtin_memset(d, c, n)
#define memcmp(a, b, n)	 __builtin_memcmp(a, b, n)
#endif
