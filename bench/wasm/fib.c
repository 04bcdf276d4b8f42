/* fib.c - call-heavy benchmark (see core/fib.c): prints fib(n). */
#include <stdio.h>
#include <stdlib.h>

#include "core/bench_core.h"

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 40;
	uint64_t r;

	bench_fib_run(n, &r);
	printf("fib(%u) = %u checksum=0x%016llx\n", n, (unsigned)r, (unsigned long long)r);
	return 0;
}
