/*
 * base64.h - RFC 4648 base64 (the standard alphabet, '=' padding), the
 * text `base64` prints so that binary files can leave the guest over the
 * serial line.
 */
#pragma once

#include <stddef.h>

/* BASE64_LEN - the characters of the encoding of n bytes. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/*
 * base64_encode - writes the BASE64_LEN(n) characters of src[0..n) to dst
 * (no NUL) and returns their count. Encoding in pieces gives the same text
 * as in one go when every piece but the last is a multiple of 3 bytes.
 */
size_t base64_encode(const void *src, size_t n, char *dst);
