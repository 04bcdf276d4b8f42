/* sha256.c - hash benchmark (see core/sha256.c): prints the digest's head. */
#include <stdio.h>
#include <stdlib.h>

#include "core/bench_core.h"

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 960;
	uint64_t sum;

	if (rounds < 0 || bench_sha256_run((unsigned)rounds, &sum))
		return 1;
	printf("sha256 rounds=%d checksum=0x%016llx\n", rounds, (unsigned long long)sum);
	return 0;
}
