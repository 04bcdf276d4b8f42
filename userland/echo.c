/* echo.c - prints its arguments separated by spaces; -n: no newline. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: echo [-n] [WORD...]\n");
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "-n") == 0)
		first = 2;
	for (int i = first; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (first == 1)
		printf("\n");
	return 0;
}
