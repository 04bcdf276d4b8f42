/*
 * fuzz_read.h - a whole file into memory, for the drivers that feed fuzz
 * targets from files (replay_main.c, wasm_diff_main.c).
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* fuzz_read_file - path's bytes in a malloc'd buffer (length in *out_len;
 * an empty file gives a buffer of length 0), or NULL if it cannot be
 * opened, read or held. */
static inline uint8_t *fuzz_read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*out_len = len;
	return buf;
}
