/*
 * pipebench.c - the shell's pipes measured from inside two programs (make
 * bench runs both under -icount, where the clock is guest time):
 *
 *   pipebench write MIB | pipebench read
 *       MIB MiB in 64 KiB writes; the reader times from its first byte to
 *       the end: "bench=pipe_throughput bytes=N guest_us=T mb_per_s=X"
 *   ring pipebench ping ROUNDS -- pipebench pong
 *       one byte there and back through two pipes (the shell's `ring`
 *       joins each one's stdout to the other's stdin), ROUNDS times:
 *       "bench=pipe_pingpong rounds=N guest_us=T round_trip_us=X"
 *
 * Reports go to stderr: stdout is a pipe. A short or failed read or write
 * is an error (exit 1), so a broken pipe is never measured as fast.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int usage(void)
{
	fprintf(stderr, "usage: pipebench write MIB | read | ping ROUNDS | pong\n");
	return 2;
}

static long parse(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= lo && v <= hi ? v : -1;
}

static int fail(const char *what)
{
	fprintf(stderr, "pipebench: %s: %s\n", what, errno ? strerror(errno) : "end of input");
	return 1;
}

/* All of n bytes to fd 1. */
static int put(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int bench_write(long mib)
{
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	for (long i = 0; i < mib * (1024 * 1024 / CHUNK); i++)
		if (put(buf, sizeof(buf)))
			return fail("write");
	return 0;
}

static int bench_read(void)
{
	uint64_t bytes = 0, t0 = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		if (!bytes)
			t0 = now_us();
		bytes += (uint64_t)n;
	}
	if (n < 0)
		return fail("read");
	uint64_t us = now_us() - t0;
	if (!us)
		us = 1;
	fprintf(stderr, "bench=pipe_throughput bytes=%llu guest_us=%llu mb_per_s=%llu.%llu\n",
		(unsigned long long)bytes, (unsigned long long)us, (unsigned long long)(bytes / us),
		(unsigned long long)(bytes * 10 / us % 10));
	return 0;
}

static int bench_ping(long rounds)
{
	char c = 'p';
	uint64_t t0 = now_us();

	for (long i = 0; i < rounds; i++) {
		errno = 0;
		if (put(&c, 1))
			return fail("write");
		if (read(0, &c, 1) != 1)
			return fail("read");
	}
	uint64_t us = now_us() - t0;
	fprintf(stderr, "bench=pipe_pingpong rounds=%ld guest_us=%llu round_trip_us=%llu.%02llu\n",
		rounds, (unsigned long long)us, (unsigned long long)(us / (uint64_t)rounds),
		(unsigned long long)(us * 100 / (uint64_t)rounds % 100));
	return 0;
}

static int bench_pong(void)
{
	char c;
	ssize_t n;

	while ((n = read(0, &c, 1)) == 1)
		if (put(&c, 1))
			return fail("write");
	return n < 0 ? fail("read") : 0;
}

int main(int argc, char **argv)
{
	long v;

	if (argc == 3 && strcmp(argv[1], "write") == 0 && (v = parse(argv[2], 1, 4096)) > 0)
		return bench_write(v);
	if (argc == 2 && strcmp(argv[1], "read") == 0)
		return bench_read();
	if (argc == 3 && strcmp(argv[1], "ping") == 0 && (v = parse(argv[2], 1, 100000000)) > 0)
		return bench_ping(v);
	if (argc == 2 && strcmp(argv[1], "pong") == 0)
		return bench_pong();
	return usage();
}
