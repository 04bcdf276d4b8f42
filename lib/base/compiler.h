/* compiler.h - small compiler helpers shared by lib/ and the kernel. */
#pragma once

#include <stddef.h>

#define STATIC_ASSERT(expr)		_Static_assert(expr, #expr)
#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))
#define LIKELY(x)			__builtin_expect(!!(x), 1)
#define UNLIKELY(x)			__builtin_expect(!!(x), 0)
#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define ALIGN_UP(x, a)			(((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)		((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b)			((a) < (b) ? (a) : (b))
#define MAX(a, b)			((a) > (b) ? (a) : (b))
#define UNUSED				__attribute__((unused))
#define NORETURN			_Noreturn
#define PRINTF_LIKE(f, a)		__attribute__((format(printf, f, a)))
