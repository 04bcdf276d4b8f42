/* oob.c - reads past the end of linear memory: the engine must trap. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: oob (traps with an out-of-bounds load)\n");
		return 2;
	}
	printf("oob: reading at 0xfffffff0\n");
	fflush(stdout);
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0xfffffff0u;
	printf("oob: read %u (should have trapped)\n", (unsigned)*p);
	return 1;
}
