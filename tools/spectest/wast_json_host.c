/*
 * wast_json_host.c - the spec runner's file reading on the host (stdio):
 * the scripts, their modules and the skip list all come through
 * spec_file_read.
 */
#include "wast_json.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/fmt.h"

int spec_file_read(const char *path, char **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = ERR_IO;

	if (!f)
		return ERR_IO;
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			char *p = realloc(buf, cap ? cap * 2 : 65536);

			if (!p) {
				rc = ERR_NOMEM;
				goto fail;
			}
			buf = p;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return 0;
fail:
	free(buf);
	fclose(f);
	return rc;
}

int spec_script_load(const char *path, struct spec_script *out, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc = spec_file_read(path, &buf, &n);

	if (rc) {
		fmt_snprintf(err, errlen, "%s: %s", path,
			     rc == ERR_IO ? "cannot open or read" : err_str(rc));
		return rc;
	}
	rc = spec_script_parse(buf, n, out, err, errlen);
	free(buf);
	return rc;
}
