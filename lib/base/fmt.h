/*
 * fmt.h - a small, freestanding printf.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with the flags '-', '0', '+',
 * ' ', '#', a width and a precision (either may be '*'), and the length
 * modifiers hh h l ll z t j. No floating point. A NULL %s prints "(null)".
 *
 * fmt_vsnprintf writes at most `size` bytes including the terminating NUL
 * (nothing if size is 0) and returns the length the full output would have.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "compiler.h"

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
