/* trace_test_membuf.h - a trace.dat sink into memory for the trace.dat
 * tests (trace_dat_test.c, trace_dat_read_test.c). */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct membuf {
	uint8_t *p;
	size_t len, cap, limit; /* limit: ERR_NOSPC past it (0: none) */
};

static inline int mem_write(void *arg, const void *buf, size_t len)
{
	struct membuf *m = arg;
	if (m->limit && m->len + len > m->limit)
		return ERR_NOSPC;
	if (m->len + len > m->cap) {
		size_t cap = (m->len + len) * 2;
		uint8_t *np = realloc(m->p, cap);
		if (!np)
			return ERR_NOMEM;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}
