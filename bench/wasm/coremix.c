/* coremix.c - integer benchmark (see core/coremix.c): prints its CRC. */
#include <stdio.h>
#include <stdlib.h>

#include "core/bench_core.h"

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 6000;
	uint64_t crc;

	if (iters < 0 || bench_coremix_run((unsigned)iters, &crc))
		return 1;
	printf("coremix iterations=%d crc=0x%04x checksum=0x%016llx\n", iters, (unsigned)crc,
	       (unsigned long long)crc);
	return 0;
}
