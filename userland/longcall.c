/*
 * longcall.c - long single operations, for the kernel's latency checks
 * (tests/qemu/latency.py): each is one host call or one instruction over
 * megabytes, which the kernel must cut into chunks so that the shell still
 * answers and Ctrl-C still works while it runs.
 *
 *   longcall random MIB [TIMES]   random_get of MIB MiB in one call
 *   longcall fill MIB [TIMES]     one memory.fill of MIB MiB
 *   longcall copy MIB [TIMES]     one memory.copy of MIB MiB (overlapping)
 *   longcall write FILE MIB       one fd_write of MIB MiB of text lines
 *   longcall read FILE            one fd_read of the whole file
 *   longcall badstart FILE        writes a module whose _start takes a
 *                                 parameter (the kernel must refuse it)
 *
 * TIMES repeats the operation (0: until killed). Each prints a line when it
 * starts and one when it is done, with a checksum where there is data.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static int usage(void)
{
	fprintf(stderr, "usage: longcall random|fill|copy MIB [TIMES]\n"
			"       longcall write FILE MIB | read FILE | badstart FILE\n");
	return 2;
}

/* A count in [lo, hi]; -1 if malformed or out of range. */
static long parse(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= lo && v <= hi ? v : -1;
}

/* memset and memmove as single bulk-memory instructions. */
__attribute__((target("bulk-memory"), noinline)) static void bulk_fill(uint8_t *p, int v, size_t n)
{
	__builtin_memset(p, v, n);
}

__attribute__((target("bulk-memory"), noinline)) static void bulk_copy(uint8_t *d, const uint8_t *s,
								       size_t n)
{
	__builtin_memmove(d, s, n);
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i += 4093) /* a sample: the buffers are big */
		h = (h ^ p[i]) * 16777619u;
	return h ^ p[n - 1];
}

static int repeat(const char *op, long mib, long times)
{
	size_t n = (size_t)mib << 20;
	uint8_t *buf = malloc(n + 4096);
	if (!buf) {
		fprintf(stderr, "longcall: cannot allocate %ld MiB\n", mib);
		return 1;
	}
	printf("longcall: %s %ld MiB start\n", op, mib);
	fflush(stdout);
	for (long i = 0; times == 0 || i < times; i++) {
		if (op[0] == 'r') {
			__wasi_errno_t e = __wasi_random_get(buf, n);
			if (e) {
				fprintf(stderr, "longcall: random_get: errno %u\n", e);
				return 1;
			}
		} else if (op[0] == 'f') {
			bulk_fill(buf, (int)(i & 0xff) + 1, n);
		} else {
			bulk_copy(buf + 4096, buf, n);
		}
	}
	printf("longcall: %s %ld MiB done, sum %08x\n", op, mib, checksum(buf, n));
	return 0;
}

static int write_file(const char *path, long mib)
{
	static const char line[] = "longcall: a line of text, 64 bytes with its newline, 0123456\n";
	size_t n = (size_t)mib << 20;
	char *buf = malloc(n);
	if (!buf) {
		fprintf(stderr, "longcall: cannot allocate %ld MiB\n", mib);
		return 1;
	}
	/* the line, then the text so far copied after itself */
	size_t have = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memcpy(buf, line, have);
	for (; have < n; have *= 2)
		memcpy(buf + have, buf, n - have < have ? n - have : have);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	__wasi_ciovec_t iov = {.buf = (const uint8_t *)buf, .buf_len = n};
	__wasi_size_t done = 0;
	__wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &done);
	close(fd);
	if (e || done != n) {
		fprintf(stderr, "longcall: %s: wrote %lu of %lu bytes (errno %u)\n", path,
			(unsigned long)done, (unsigned long)n, e);
		return 1;
	}
	printf("longcall: wrote %ld MiB to %s in one call\n", mib, path);
	return 0;
}

static int read_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(path);
		return 1;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = malloc(n + 1);
	if (!buf) {
		fprintf(stderr, "longcall: cannot allocate %lu bytes\n", (unsigned long)n);
		return 1;
	}
	__wasi_iovec_t iov = {.buf = buf, .buf_len = n + 1};
	__wasi_size_t done = 0;
	__wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &done);
	close(fd);
	if (e || done != n) {
		fprintf(stderr, "longcall: %s: read %lu of %lu bytes (errno %u)\n", path,
			(unsigned long)done, (unsigned long)n, e);
		return 1;
	}
	printf("longcall: read %lu bytes of %s in one call, sum %08x\n", (unsigned long)n, path,
	       n ? checksum(buf, n) : 0);
	return 0;
}

/* (module (func (export "_start") (param i32))) */
static const uint8_t badstart[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05,
				   0x01, 0x60, 0x01, 0x7f, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07,
				   0x0a, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00,
				   0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

static int write_badstart(const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(badstart, 1, sizeof(badstart), f) != sizeof(badstart) || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	if ((!strcmp(op, "random") || !strcmp(op, "fill") || !strcmp(op, "copy")) &&
	    (argc == 3 || argc == 4)) {
		long mib = parse(argv[2], 1, 1024);
		long times = argc == 4 ? parse(argv[3], 0, 1000000) : 1;
		return mib < 0 || times < 0 ? usage() : repeat(op, mib, times);
	}
	if (!strcmp(op, "write") && argc == 4) {
		long mib = parse(argv[3], 1, 1024);
		return mib < 0 ? usage() : write_file(argv[2], mib);
	}
	if (!strcmp(op, "read") && argc == 3)
		return read_file(argv[2]);
	if (!strcmp(op, "badstart") && argc == 3)
		return write_badstart(argv[2]);
	return usage();
}
