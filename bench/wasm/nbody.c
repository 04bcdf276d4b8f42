/* nbody.c - floating-point benchmark (see core/nbody.c): prints the final
 * energy and its bits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bench_core.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 4000000;
	uint64_t bits;
	double e;

	if (n < 0 || bench_nbody_run((unsigned)n, &bits))
		return 1;
	memcpy(&e, &bits, sizeof(e));
	printf("nbody steps=%ld energy=%.9f checksum=0x%016llx\n", n, e, (unsigned long long)bits);
	return 0;
}
