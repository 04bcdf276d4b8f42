/*
 * rv64_jit_map.h - the riscv64 execution tests' code memory (an encoded
 * buffer copied into fresh pages, which are then made read+execute, never
 * writable and executable at once, the instruction cache synchronized),
 * the return that ends each encoded function, and the C types the tests
 * call them by (fn_<params>_<result>: i int64_t, f float, d double).
 */
#pragma once

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "base/compiler.h"
#include "base/test.h"
#include "wasm/jit/rv64_enc.h"

/* Executable copy of a buffer; `base` is NULL when mapping failed. */
struct jit_code {
	void *base;
	size_t size;
};

static inline bool jit_map(struct test_ctx *t, struct rv64_buf *b, struct jit_code *c)
{
	c->base = NULL;
	c->size = ALIGN_UP(b->len * 4 + 1, 4096);
	if (!EXPECT_OK(rv64_buf_error(b)))
		return false;
	void *p = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!EXPECT(p != MAP_FAILED))
		return false;
	memcpy(p, b->words, b->len * 4);
	if (!EXPECT_OK(mprotect(p, c->size, PROT_READ | PROT_EXEC))) {
		munmap(p, c->size);
		return false;
	}
	__builtin___clear_cache((char *)p, (char *)p + b->len * 4);
	c->base = p;
	return true;
}

static inline void jit_unmap(struct jit_code *c)
{
	if (c->base)
		munmap(c->base, c->size);
}

/* The address of the function that starts at word `pos`. */
static inline uintptr_t jit_at(const struct jit_code *c, size_t pos)
{
	return (uintptr_t)c->base + pos * 4;
}

/* Ends an encoded function: ret. */
static inline void jit_ret(struct rv64_buf *b)
{
	rv64_jalr(b, RV64_ZERO, RV64_RA, 0);
}

typedef double (*fn_dd_d)(double, double);
typedef float (*fn_ff_f)(float, float);
typedef int64_t (*fn_dd_i)(double, double);
typedef int64_t (*fn_ff_i)(float, float);
typedef int64_t (*fn_d_i)(double);
typedef int64_t (*fn_f_i)(float);
typedef double (*fn_i_d)(int64_t);
typedef float (*fn_i_f)(int64_t);
typedef double (*fn_f_d)(float);
typedef float (*fn_d_f)(double);
