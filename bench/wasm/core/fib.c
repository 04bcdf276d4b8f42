/* fib.c - the core of the call-heavy benchmark: naive recursive Fibonacci. */
#include "bench_core.h"

static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int bench_fib_run(unsigned arg, uint64_t *out)
{
	*out = fib(arg);
	return 0;
}
