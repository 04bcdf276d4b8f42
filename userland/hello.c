/* hello.c - the smallest WASI command: a greeting and its arguments. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: hello [NAME]\n");
		return 2;
	}
	if (argc > 2) {
		fprintf(stderr, "usage: hello [NAME]\n");
		return 2;
	}
	printf("Hello, %s, from WebAssembly!\n", argc == 2 ? argv[1] : "world");
	return 0;
}
