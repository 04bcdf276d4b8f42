/* ls.c - lists directories, sorted, one name per line; directories end in '/'. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ls_dir(const char *path)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	struct stat st;

	if (!d) {
		if (errno == ENOTDIR && stat(path, &st) == 0) {
			printf("%s\n", path);
			return 0;
		}
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				fprintf(stderr, "ls: out of memory\n");
				return 1;
			}
			names = grown;
		}
		size_t len = strlen(e->d_name);
		names[n] = malloc(len + 2);
		if (!names[n]) {
			fprintf(stderr, "ls: out of memory\n");
			return 1;
		}
		memcpy(names[n], e->d_name, len + 1);
		if (e->d_type == DT_DIR)
			memcpy(names[n] + len, "/", 2);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: ls [DIR...]\n");
		return 2;
	}
	if (argc < 2)
		return ls_dir(".");
	for (int i = 1; i < argc; i++) {
		if (argc > 2)
			printf("%s%s:\n", i > 1 ? "\n" : "", argv[i]);
		status |= ls_dir(argv[i]);
	}
	return status;
}
