/*
 * main.c - the host test runner: every TEST linked into this binary.
 *
 *   test_host [--list] [FILTER]
 *
 * FILTER is a comma-separated list of substrings of "suite.name"; an item
 * starting with '-' excludes. The last line is "N passed, N failed"; the exit
 * status is 1 if any case failed.
 */
#include <stdio.h>
#include <string.h>

#include "base/test.h"

static void out_stdout(void *arg, const char *s, size_t len)
{
	(void)arg;
	fwrite(s, 1, len, stdout);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct test_ctx t = {.out = out_stdout};
	const char *filter = 0;
	int list = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0) {
			list = 1;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s [--list] [FILTER]\n"
			       "FILTER: comma-separated substrings of suite.name; '-' excludes\n",
			       argv[0]);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "%s: unknown option %s (try --help)\n", argv[0], argv[i]);
			return 2;
		} else {
			filter = argv[i];
		}
	}
	if (list) {
		test_list(&t, __start_test_cases, __stop_test_cases, filter);
		return 0;
	}
	return test_run(&t, __start_test_cases, __stop_test_cases, filter) ? 1 : 0;
}
