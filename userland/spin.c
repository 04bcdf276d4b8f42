/* spin.c - loops forever without a system call (for preemption and kill tests). */
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile unsigned long long n = 0;
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: spin (loops until killed)\n");
		return 2;
	}
	printf("spin: looping forever\n");
	fflush(stdout);
	for (;;)
		n = n + 1;
}
