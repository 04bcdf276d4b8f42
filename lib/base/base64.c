/*
 * base64.c - RFC 4648 base64 encoding: each 3 bytes become 4 characters of
 * 6 bits each, most significant first; a last group of 1 or 2 bytes is
 * zero-extended and padded with "==" or "=".
 */
#include "base/base64.h"

#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const void *src, size_t n, char *dst)
{
	const uint8_t *s = src;
	size_t o = 0;

	for (; n >= 3; s += 3, n -= 3) {
		uint32_t v = (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
		dst[o++] = alphabet[v >> 18];
		dst[o++] = alphabet[(v >> 12) & 63];
		dst[o++] = alphabet[(v >> 6) & 63];
		dst[o++] = alphabet[v & 63];
	}
	if (n) {
		uint32_t v = (uint32_t)s[0] << 16 | (n == 2 ? (uint32_t)s[1] << 8 : 0);
		dst[o++] = alphabet[v >> 18];
		dst[o++] = alphabet[(v >> 12) & 63];
		dst[o++] = n == 2 ? alphabet[(v >> 6) & 63] : '=';
		dst[o++] = '=';
	}
	return o;
}
