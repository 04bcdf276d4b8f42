/*
 * watenc.c - host tool: a text-format module (.wat) to its binary, with
 * our own front end (lib/wasm/text), checked by the validator before it is
 * written. Used to build the userland programs written in text
 * (the .wat files of userland/) for the initrd.
 *
 *   watenc IN.wat OUT.wasm
 *
 * Exit status: 0 written; 1 the text or the module was rejected (line:col
 * or section @offset and the message on stderr); 2 a file could not be
 * read or written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wat.h"

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *p = realloc(buf, cap ? cap * 2 : 65536);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
			cap = cap ? cap * 2 : 65536;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	size_t len, blen;
	char *src;
	uint8_t *bin = NULL;
	struct wat_error we;
	struct wasm_error err;
	struct wasm_module *m;
	FILE *out;
	int rc = 1;

	if (argc != 3) {
		fputs("usage: watenc IN.wat OUT.wasm\n", stderr);
		return 2;
	}
	if (!(src = read_all(argv[1], &len))) {
		fprintf(stderr, "watenc: cannot read %s\n", argv[1]);
		return 2;
	}
	if (wat_encode(src, len, &bin, &blen, &we)) {
		fprintf(stderr, "%s:%u:%u: %s\n", argv[1], we.line, we.col, we.msg);
		goto out;
	}
	if (wasm_module_load(bin, blen, &m, &err)) {
		fprintf(stderr, "%s: %s @%u: %s\n", argv[1], err.section, (unsigned)err.offset,
			err.msg);
		goto out;
	}
	wasm_module_free(m);
	rc = 2;
	if (!(out = fopen(argv[2], "wb"))) {
		fprintf(stderr, "watenc: cannot write %s\n", argv[2]);
		goto out;
	}
	if (fwrite(bin, 1, blen, out) == blen)
		rc = 0;
	if (fclose(out) || rc)
		fprintf(stderr, "watenc: cannot write %s\n", argv[2]);
out:
	free(bin);
	free(src);
	return rc;
}
