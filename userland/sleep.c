/* sleep.c - waits SECONDS (a decimal, e.g. 0.25) on the monotonic clock. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <time.h>

/* SECONDS as nanoseconds; -1 if malformed or over a day. */
static long long parse_seconds(const char *s)
{
	long long ns = 0, scale = 100000000;
	int digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		ns = ns * 10 + (*s - '0') * 1000000000ll;
		if (ns > 86400ll * 1000000000)
			return -1;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, scale /= 10)
			ns += (*s - '0') * scale;
	return *s || !digits ? -1 : ns;
}

int main(int argc, char **argv)
{
	long long ns = argc == 2 ? parse_seconds(argv[1]) : -1;
	if (ns < 0) {
		fprintf(stderr, "usage: sleep SECONDS (e.g. 1 or 0.5, at most 86400)\n");
		return 2;
	}
	struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
	if (nanosleep(&ts, NULL) != 0) {
		perror("sleep");
		return 1;
	}
	return 0;
}
