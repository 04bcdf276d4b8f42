/*
 * wasi_files.c - the one path containment rule of the sandbox
 * (wasi_path_contained), shared by lib/wasi's guest path check and every
 * files host (wasi/wasi_files.h).
 *
 * Invariant: the answer depends on the bytes of the path only (no
 * lookup), so a caller may apply it before or after copying the path.
 */
#include "wasi/wasi_files.h"

bool wasi_path_contained(const char *path, size_t len)
{
	long depth = 0;

	if (len && path[0] == '/')
		return false;
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && path[j] != '/')
			j++;
		if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (--depth < 0)
				return false;
		} else if (j > i && !(j - i == 1 && path[i] == '.')) {
			depth++;
		}
		i = j + 1;
	}
	return true;
}
