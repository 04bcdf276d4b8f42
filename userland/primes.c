/* primes.c - counts primes below N by trial division (CPU work), printing
 * progress every tenth of the range. */
#include <stdio.h>
#include <stdlib.h>

static int is_prime(unsigned n)
{
	if (n < 2)
		return 0;
	for (unsigned d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long n = 200000;
	char *end;
	if (argc > 2 ||
	    (argc == 2 && ((n = strtoul(argv[1], &end, 10)) < 10 || *end || n > 100000000))) {
		fprintf(stderr, "usage: primes [N] (10..100000000, default 200000)\n");
		return 2;
	}
	unsigned long count = 0, step = n / 10;
	for (unsigned long i = 0; i < n; i++) {
		count += (unsigned long)is_prime((unsigned)i);
		if ((i + 1) % step == 0 && i + 1 < n)
			printf("primes: %lu%% (%lu found)\n", (i + 1) / step * 10, count);
	}
	printf("primes: %lu primes below %lu\n", count, n);
	return 0;
}
