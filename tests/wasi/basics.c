/*
 * basics.c - a WASI command that exercises what a C program gets from
 * wasi-libc: stdio (stdin echo), argv, environ, clocks, sleep, entropy,
 * malloc/free, and files and directories in a preopened directory.
 *
 * Usage: basics SANDBOX [words...] < input
 *   SANDBOX is the guest path of a preopened, empty, writable directory.
 * Prints one "ok NAME ..." line per check (run.sh compares them) or
 * "FAIL NAME: why" and exits 1. Leaves SANDBOX/keep.txt for the host to
 * check that writes reached the host file system.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int failures;

static void check(int ok, const char *name, const char *why)
{
	if (ok)
		return;
	printf("FAIL %s: %s (errno %d: %s)\n", name, why, errno, strerror(errno));
	failures++;
}

static void test_args(int argc, char **argv)
{
	printf("ok argc %d\n", argc);
	for (int i = 2; i < argc; i++)
		printf("ok arg[%d] '%s'\n", i, argv[i]);
}

static void test_environ(void)
{
	const char *v = getenv("BASICS_GREETING");
	int n = 0;

	for (char **e = environ; *e; e++)
		n++;
	printf("ok environ %d BASICS_GREETING='%s'\n", n, v ? v : "(unset)");
}

static void test_stdin(void)
{
	char line[256];
	int n = 0;
	size_t bytes = 0;

	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		bytes += len;
		printf("ok stdin line %d '%s'\n", ++n, line);
	}
	check(!ferror(stdin), "stdin", "read error");
	printf("ok stdin %d lines %zu bytes\n", n, bytes);
}

static int64_t ns_of(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void test_clocks(void)
{
	struct timespec rt, m0, m1, nap = {.tv_sec = 0, .tv_nsec = 30 * 1000 * 1000};
	int64_t slept;

	check(clock_gettime(CLOCK_REALTIME, &rt) == 0, "clock", "realtime");
	check(rt.tv_sec > 1577836800, "clock", "realtime before 2020");
	check(clock_gettime(CLOCK_MONOTONIC, &m0) == 0, "clock", "monotonic");
	check(nanosleep(&nap, NULL) == 0, "nanosleep", "failed");
	check(clock_gettime(CLOCK_MONOTONIC, &m1) == 0, "clock", "monotonic");
	slept = ns_of(m1) - ns_of(m0);
	check(slept >= 30 * 1000 * 1000, "nanosleep", "woke up early");
	check(slept < 5 * 1000000000LL, "nanosleep", "slept for seconds");
	printf("ok clocks\n");
}

static void test_random(void)
{
	unsigned char a[64], b[64], zero[64] = {0};

	check(getentropy(a, sizeof(a)) == 0, "random", "getentropy");
	check(getentropy(b, sizeof(b)) == 0, "random", "getentropy");
	check(memcmp(a, zero, sizeof(a)) != 0, "random", "all zero");
	check(memcmp(a, b, sizeof(a)) != 0, "random", "two draws equal");
	printf("ok random\n");
}

/* Many blocks of many sizes, each filled with its own pattern, checked and
 * freed in a scrambled order; then one block grown by realloc. */
static void test_malloc(void)
{
	enum { N = 600 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	uint32_t seed = 12345;
	size_t total = 0;
	unsigned char *g = NULL;

	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		sizes[i] =
			i % 50 == 0 ? (size_t)(seed >> 8) % (1 << 20) + 1 : (seed >> 16) % 3000 + 1;
		blocks[i] = malloc(sizes[i]);
		if (!blocks[i]) {
			check(0, "malloc", "returned NULL");
			return;
		}
		memset(blocks[i], i & 0xff, sizes[i]);
		total += sizes[i];
	}
	for (int k = 0; k < N; k++) {
		int i = (k * 7919) % N;

		for (size_t j = 0; j < sizes[i]; j += 97)
			if (blocks[i][j] != (i & 0xff)) {
				check(0, "malloc", "block overwritten");
				break;
			}
		free(blocks[i]);
	}
	for (size_t sz = 16; sz <= (4u << 20); sz *= 2) {
		unsigned char *ng = realloc(g, sz);

		if (!ng) {
			check(0, "realloc", "returned NULL");
			break;
		}
		if (g && ng[sz / 2 - 1] != (unsigned char)(sz / 2))
			check(0, "realloc", "contents lost");
		g = ng;
		memset(g, (int)(sz & 0xff), sz);
		g[sz - 1] = (unsigned char)sz;
	}
	free(g);
	printf("ok malloc %d blocks %zu bytes\n", N, total);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *names[16];
	int n = 0;

	if (!d) {
		check(0, "readdir", "opendir");
		return;
	}
	while ((e = readdir(d)) && n < 16)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	printf("ok readdir");
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void test_files(const char *root)
{
	char dir[256], a[256], b[256], keep[256], buf[64];
	struct stat st;
	FILE *f;
	int fd;

	snprintf(dir, sizeof(dir), "%s/sub", root);
	snprintf(a, sizeof(a), "%s/sub/a.txt", root);
	snprintf(b, sizeof(b), "%s/sub/b.txt", root);
	snprintf(keep, sizeof(keep), "%s/keep.txt", root);

	check(mkdir(dir, 0755) == 0, "mkdir", dir);
	check(mkdir(dir, 0755) != 0 && errno == EEXIST, "mkdir", "second mkdir not EEXIST");

	f = fopen(a, "w");
	check(f != NULL, "fopen", a);
	if (!f)
		return;
	fputs("hello, file\nsecond line\n", f);
	check(fclose(f) == 0, "fclose", a);

	f = fopen(a, "r");
	check(f != NULL, "fopen r", a);
	if (!f)
		return;
	check(fgets(buf, sizeof(buf), f) && strcmp(buf, "hello, file\n") == 0, "read", "line 1");
	check(fseek(f, 7, SEEK_SET) == 0 && ftell(f) == 7, "seek", "fseek/ftell");
	check(fgets(buf, sizeof(buf), f) && strcmp(buf, "file\n") == 0, "seek", "read after seek");
	check(fseek(f, -5, SEEK_END) == 0 && fgets(buf, sizeof(buf), f) &&
		      strcmp(buf, "line\n") == 0,
	      "seek", "SEEK_END");
	fclose(f);

	fd = open(a, O_RDWR);
	check(fd >= 0, "open", a);
	if (fd >= 0) {
		check(lseek(fd, 0, SEEK_END) == 24, "lseek", "end offset");
		check(write(fd, "third\n", 6) == 6, "write", "append by hand");
		check(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "pread", "at 0");
		check(pwrite(fd, "HELLO", 5, 0) == 5, "pwrite", "at 0");
		check(lseek(fd, 0, SEEK_CUR) == 30, "lseek", "pread/pwrite moved the offset");
		check(fstat(fd, &st) == 0 && st.st_size == 30 && S_ISREG(st.st_mode), "fstat",
		      "size 30, regular");
		close(fd);
	}
	check(stat(a, &st) == 0 && st.st_size == 30, "stat", a);
	check(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "stat", "dir is a directory");

	f = fopen(keep, "w");
	check(f != NULL, "fopen", keep);
	if (f) {
		fprintf(f, "kept %d\n", 42);
		fclose(f);
	}
	list_dir(dir);
	check(rename(a, b) == 0, "rename", "a -> b");
	check(stat(a, &st) != 0 && errno == ENOENT, "rename", "a still there");
	check(stat(b, &st) == 0 && st.st_size == 30, "rename", "b missing");
	list_dir(dir);
	check(rmdir(dir) != 0 && errno == ENOTEMPTY, "rmdir", "non-empty dir removed");
	check(unlink(b) == 0, "unlink", b);
	check(open(b, O_RDONLY) < 0 && errno == ENOENT, "unlink", "b still there");
	check(rmdir(dir) == 0, "rmdir", dir);
	check(stat(dir, &st) != 0 && errno == ENOENT, "rmdir", "dir still there");
	check(open("/etc/passwd", O_RDONLY) < 0, "sandbox", "opened /etc/passwd");
	snprintf(buf, sizeof(buf), "%s/../escape", root);
	check(open(buf, O_WRONLY | O_CREAT, 0644) < 0, "sandbox", "created a file above the root");
	list_dir(root);
	printf("ok files\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: basics SANDBOX [words...]\n");
		return 2;
	}
	test_args(argc, argv);
	test_environ();
	test_stdin();
	test_clocks();
	test_random();
	test_malloc();
	test_files(argv[1]);
	fprintf(stderr, "basics: stderr works\n");
	if (failures) {
		printf("FAILED %d\n", failures);
		return 1;
	}
	printf("ok all\n");
	return 0;
}
