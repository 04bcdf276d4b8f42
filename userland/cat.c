/* cat.c - copies files to standard output ("-" is standard input). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int cat_stream(FILE *in, const char *name)
{
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			fprintf(stderr, "cat: write error: %s\n", strerror(errno));
			return 1;
		}
	if (ferror(in)) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: cat FILE... (- for standard input)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			status |= cat_stream(stdin, "-");
			continue;
		}
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		status |= cat_stream(f, argv[i]);
		fclose(f);
	}
	fflush(stdout);
	return status;
}
