/* assert_host.c - ASSERT failures on the host abort, so sanitizers and fuzzers see them. */
#include <stdio.h>
#include <stdlib.h>

#include "../assert.h"

void assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
	abort();
}
