/*
 * wasm_decode_regress_test.c - replays the decode+validate fuzzer's kept
 * inputs (tests/fuzz/regress/wasm_decode/, or $WASM_DECODE_REGRESS_DIR):
 * each must be accepted or rejected without a crash, and an accepted one
 * must satisfy wasm_module_check. A missing or empty directory fails.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/test.h"
#include "wasm/module.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

TEST(wasm_decode, regress_replay)
{
	const char *dir = getenv("WASM_DECODE_REGRESS_DIR");
	DIR *d;
	struct dirent *de;
	int files = 0;

	if (!dir)
		dir = "tests/fuzz/regress/wasm_decode";
	d = opendir(dir);
	if (!EXPECT(d != NULL)) {
		test_printf(t, "  %s: missing (run from the repository root)\n", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		uint8_t *buf;
		size_t len = 0;
		struct wasm_module *m;
		struct wasm_error err;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &len);
		if (!EXPECT(buf != NULL))
			continue;
		files++;
		if (wasm_module_decode(buf, len, &m, &err) == 0) {
			if (!EXPECT(wasm_module_check(m)))
				test_printf(t, "  %s: decoded module broken\n", path);
			if (wasm_module_validate(m, &err) == 0 && !EXPECT(wasm_module_check(m)))
				test_printf(t, "  %s: validated module broken\n", path);
			wasm_module_free(m);
		}
		free(buf);
	}
	closedir(d);
	EXPECT_GT(files, 0);
}
