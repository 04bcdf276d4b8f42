/*
 * fuzz_corpus.h - replays a fuzzer's kept inputs (tests/fuzz/regress/NAME)
 * in a host test: each file is read whole and handed to the fuzzer's
 * exercise function, which must neither crash nor trip a sanitizer. Run
 * from the repo root, as make test does.
 */
#pragma once

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/test.h"

/* Calls fn(arg, path, bytes, len) for every file in dir; returns how many. */
static inline unsigned fuzz_corpus_replay(struct test_ctx *t, const char *dir,
					  void (*fn)(void *arg, const char *path,
						     const uint8_t *data, size_t len),
					  void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned files = 0;

	if (!EXPECT(d != NULL)) {
		test_printf(t, "  cannot open %s (run from the repo root)\n", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		char name[512];
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s", dir, de->d_name);
		FILE *fp = fopen(name, "rb");
		if (!EXPECT(fp != NULL))
			continue;
		fseek(fp, 0, SEEK_END);
		long n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
		if (EXPECT(buf && fread(buf, 1, (size_t)n, fp) == (size_t)n))
			fn(arg, name, buf, (size_t)n);
		free(buf);
		fclose(fp);
		files++;
	}
	closedir(d);
	return files;
}
