/*
 * wasm_runtime_util.h - helpers shared by the wasm_runtime tests: loading a
 * test module and instantiating it in one step.
 */
#pragma once

#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/runtime.h"

/* rt_load - decodes and validates `len` bytes; NULL (and a failed check)
 * if that fails. */
static inline struct wasm_module *rt_load(struct test_ctx *t, const uint8_t *bytes, size_t len)
{
	struct wasm_module *m = NULL;
	struct wasm_error e;

	if (!EXPECT_OK(wasm_module_load(bytes, len, &m, &e))) {
		test_printf(t, "load: %s\n", e.msg);
		return NULL;
	}
	return m;
}

#define RT_LOAD(arr) rt_load(t, arr, sizeof(arr))

/* rt_starts_with - whether s begins with prefix. */
static inline bool rt_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline union wasm_val rt_i32(uint32_t v)
{
	union wasm_val x = {.i64 = 0};

	x.i32 = v;
	return x;
}

static inline union wasm_val rt_i64(uint64_t v)
{
	union wasm_val x = {.i64 = v};

	return x;
}

static inline union wasm_val rt_ref(uintptr_t v)
{
	union wasm_val x = {.i64 = 0};

	x.ref = v;
	return x;
}
