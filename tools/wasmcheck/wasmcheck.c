/*
 * wasmcheck.c - host tool: decodes and validates WebAssembly binaries.
 *
 *   wasmcheck FILE.wasm...
 *
 * Prints one line per file: "FILE: ok" or
 * "FILE: malformed|invalid: SECTION @OFFSET: MESSAGE". Exit status: 0 if
 * every file is valid, 1 if any was rejected, 2 if a file could not be read.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "wasm/load.h"
#include "wasm/module.h"

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return -1;
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *p = realloc(buf, cap ? cap * 2 : 65536);

			if (!p) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case ERR_MALFORMED:
		return "malformed";
	case ERR_INVALID:
		return "invalid";
	default:
		return err_str(kind);
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: wasmcheck FILE.wasm...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		uint8_t *buf;
		size_t len;
		struct wasm_module *m;
		struct wasm_error err;
		int rc;

		if (read_file(argv[i], &buf, &len)) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			status = 2;
			continue;
		}
		rc = wasm_module_load(buf, len, &m, &err);
		free(buf);
		if (rc == 0) {
			printf("%s: ok\n", argv[i]);
			wasm_module_free(m);
			continue;
		}
		printf("%s: %s: %s @%u: %s\n", argv[i], kind_name(rc), err.section, err.offset,
		       err.msg);
		if (status == 0)
			status = 1;
	}
	return status;
}
