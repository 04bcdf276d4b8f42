/* alloc.c - allocates (and touches) blocks until malloc refuses, then
 * reports how much it got. Linked with a 64 MiB maximum memory, so the
 * refusal comes from the module's limit if the host allows that much. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	unsigned long kib = 1024;
	if (argc > 2 ||
	    (argc == 2 && (sscanf(argv[1], "%lu", &kib) != 1 || kib == 0 || kib > 65536))) {
		fprintf(stderr, "usage: alloc [BLOCK_KIB] (1..65536, default 1024)\n");
		return 2;
	}
	unsigned long blocks = 0;
	void **list = NULL; /* the blocks, chained through their first word */
	for (;;) {
		void **p = malloc(kib * 1024);
		if (!p)
			break;
		memset(p, 0xa5, kib * 1024);
		*p = list;
		list = p;
		blocks++;
	}
	while (list) {
		void **next = *list;
		free(list);
		list = next;
	}
	printf("alloc: got %lu KiB in %lu blocks of %lu KiB, then malloc refused\n", blocks * kib,
	       blocks, kib);
	return 0;
}
