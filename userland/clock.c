/* clock.c - shows the realtime and monotonic clocks and their resolution,
 * and checks that monotonic time advances across a short sleep. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <time.h>

static long long ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000ll + t.tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec rt, m0, m1, res;
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: clock\n");
		return 2;
	}
	if (clock_gettime(CLOCK_REALTIME, &rt) || clock_gettime(CLOCK_MONOTONIC, &m0) ||
	    clock_getres(CLOCK_MONOTONIC, &res)) {
		perror("clock");
		return 1;
	}
	printf("realtime:  %lld.%09ld s since the epoch\n", (long long)rt.tv_sec, rt.tv_nsec);
	printf("monotonic: %lld.%09ld s\n", (long long)m0.tv_sec, m0.tv_nsec);
	printf("resolution: %lld ns\n", ns_of(res));
	struct timespec ten_ms = {0, 10000000};
	nanosleep(&ten_ms, NULL);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	long long d = ns_of(m1) - ns_of(m0);
	printf("slept 10 ms: monotonic advanced %lld.%03lld ms\n", d / 1000000, d / 1000 % 1000);
	return d >= 10000000 ? 0 : 1;
}
