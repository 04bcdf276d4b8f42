/*
 * wast_file.c - spec_wast_load: a .wast file read on the host and parsed
 * by spec_wast.c. Host only (the test kernel reads its files through the
 * VFS), so not named spec_*.c: the kernel's build takes those.
 */
#include <stdlib.h>

#include "base/err.h"
#include "base/fmt.h"
#include "../wast_json.h"

int spec_wast_load(const char *path, struct spec_script *out, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc = spec_file_read(path, &text, &len);

	if (rc) {
		fmt_snprintf(err, errlen, "%s: %s", path,
			     rc == ERR_IO ? "cannot open or read" : err_str(rc));
		return rc;
	}
	rc = spec_wast_parse(path, text, len, out, err, errlen);
	free(text);
	return rc;
}
