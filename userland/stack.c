/* stack.c - recurses without end: the engine must stop it with a trap,
 * "call stack exhausted" (its shadow stack is 2 MiB, mk/lib-userland.mk:
 * the call stack runs out first). */
#include <stdio.h>

static volatile int keep_going = 1;

/* A frame on the shadow stack and the call stack each level; the call
 * after the recursion prevents a tail call. */
static int recurse(int depth)
{
	volatile char pad[64];
	pad[depth % 64] = (char)depth;
	int r = keep_going ? recurse(depth + 1) : 0;
	return r + pad[depth % 64];
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: stack (traps on stack exhaustion)\n");
		return 2;
	}
	printf("stack: recursing forever\n");
	fflush(stdout);
	printf("stack: returned %d (should have trapped)\n", recurse(0));
	return 1;
}
