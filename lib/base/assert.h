/*
 * assert.h - ASSERT for debug and test builds.
 *
 * The platform supplies assert_fail(): the kernel panics with file:line and a
 * backtrace, the host aborts so that sanitizers and fuzzers see it.
 * With NDEBUG the check compiles away (its expression is not evaluated).
 */
#pragma once

#include "compiler.h"

NORETURN void assert_fail(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define ASSERT(expr) ((void)sizeof(expr))
#else
#define ASSERT(expr) (LIKELY(expr) ? (void)0 : assert_fail(#expr, __FILE__, __LINE__))
#endif
