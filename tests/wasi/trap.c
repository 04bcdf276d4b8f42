/*
 * trap.c - a WASI command that traps in a named function, so that run.sh
 * can check wasmrun's trap message and backtrace.
 *
 * Usage: trap MODE, MODE one of
 *   div      integer divide by zero in divide() <- compute() <- main
 *   oob      out-of-bounds store in poke()
 *   abort    abort() (wasi-libc: unreachable)
 *   recurse  unbounded recursion in dive(): call stack exhausted
 *   spin     an endless loop in spin(), for --fuel
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) int divide(int a, int b)
{
	return a / b;
}

__attribute__((noinline)) int compute(int x)
{
	return divide(100, x) + 1;
}

__attribute__((noinline)) void poke(volatile int *p)
{
	*p = 1;
}

/* Two operations on the result: not a tail call, nor one LLVM turns into a
 * loop with an accumulator; no shadow-stack frame either, so the depth
 * limit (not the 64 KiB C stack) is what stops it. */
__attribute__((noinline)) int dive(volatile int *depth)
{
	int here = ++*depth;

	if (here < 0)
		return 0;
	return (dive(depth) ^ here) + 1;
}

__attribute__((noinline)) unsigned spin(volatile unsigned *x)
{
	for (;;)
		*x = *x * 3 + 1;
}

int main(int argc, char **argv)
{
	volatile int depth = 0;
	volatile unsigned x = 1;
	const char *mode = argc > 1 ? argv[1] : "";

	printf("trap: mode %s\n", mode);
	fflush(stdout);
	if (strcmp(mode, "div") == 0)
		return compute(argc - 2);
	if (strcmp(mode, "oob") == 0)
		poke((volatile int *)(uintptr_t)0xfffffff0u);
	if (strcmp(mode, "abort") == 0)
		abort();
	if (strcmp(mode, "recurse") == 0)
		return dive(&depth);
	if (strcmp(mode, "spin") == 0)
		return (int)spin(&x);
	fprintf(stderr, "trap: unknown mode '%s'\n", mode);
	return 2;
}
