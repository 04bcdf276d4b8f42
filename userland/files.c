/* files.c - exercises WASI files under DIR: makes DIR/files.d, writes
 * one.txt (the WORDs, one line), reads it back, renames it to two.txt,
 * writes and appends to three.txt, lists the directory, deletes
 * three.txt and lists it again. It leaves DIR/files.d/two.txt for others
 * to read; `files -c DIR` removes it and the directory. Every step prints
 * one "files: ..." line; the first failing step ends it with status 1. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 512

static char dir[PATH_LEN];

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "files: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

/* Writes "DIR/files.d/name" into buf (PATH_LEN bytes); returns buf. */
static const char *in_dir(char *buf, const char *name)
{
	snprintf(buf, PATH_LEN, "%s/%s", dir, name);
	return buf;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints "files: ls: NAME..." (sorted; "." and ".." left out). */
static int list(void)
{
	char *names[32];
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return fail("opendir", dir);
	while ((e = readdir(d)) && n < 32) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names[n] = strdup(e->d_name);
		if (!names[n++]) {
			closedir(d);
			return fail("strdup", e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	printf("files: ls:");
	for (size_t i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	return 0;
}

/* Writes `text` to path with fopen mode `mode`. */
static int put(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);
	if (!f)
		return fail("open", path);
	size_t len = strlen(text);
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0)
		return fail("write", path);
	return 0;
}

/* Reads path whole into buf (NUL-terminated); returns its length or -1. */
static long get(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fail("open", path);
		return -1;
	}
	size_t n = fread(buf, 1, cap - 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fail("read", path);
		return -1;
	}
	buf[n] = 0;
	return (long)n;
}

static int clean(void)
{
	char p[PATH_LEN];
	if (unlink(in_dir(p, "two.txt")) != 0)
		return fail("unlink", p);
	if (rmdir(dir) != 0)
		return fail("rmdir", dir);
	printf("files: removed %s\n", dir);
	return 0;
}

int main(int argc, char **argv)
{
	char a[PATH_LEN], b[PATH_LEN], text[1024], back[1024];
	struct stat st;
	int cleaning = argc == 3 && strcmp(argv[1], "-c") == 0;

	if (argc < 2 || (argv[1][0] == '-' && !cleaning)) {
		fprintf(stderr, "usage: files DIR [WORD...] | files -c DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/files.d", argv[cleaning ? 2 : 1]);
	if (cleaning)
		return clean();

	text[0] = 0;
	for (int i = 2; i < argc; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", i > 2 ? " " : "",
			 argv[i]);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "\n");

	if (mkdir(dir, 0755) != 0)
		return fail("mkdir", dir);
	printf("files: made %s\n", dir);
	if (put(in_dir(a, "one.txt"), "w", text))
		return 1;
	if (stat(a, &st) != 0)
		return fail("stat", a);
	long n = get(a, back, sizeof(back));
	if (n < 0)
		return 1;
	printf("files: wrote %zu bytes, size %lld, read back %ld: %s\n", strlen(text),
	       (long long)st.st_size, n, strcmp(text, back) == 0 ? "same" : "DIFFERENT");
	if (rename(a, in_dir(b, "two.txt")) != 0)
		return fail("rename", a);
	if (access(a, F_OK) == 0 || errno != ENOENT)
		return fail("still there after rename:", a);
	printf("files: renamed one.txt to two.txt\n");
	if (put(in_dir(a, "three.txt"), "w", "3\n") || put(a, "a", "more\n"))
		return 1;
	if (get(a, back, sizeof(back)) < 0)
		return 1;
	printf("files: three.txt after append: %s\n",
	       strcmp(back, "3\nmore\n") == 0 ? "3+more" : back);
	if (list())
		return 1;
	if (unlink(a) != 0)
		return fail("unlink", a);
	printf("files: deleted three.txt\n");
	return list();
}
