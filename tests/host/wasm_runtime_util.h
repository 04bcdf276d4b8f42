/*
 * wasm_runtime_util.h - helpers shared by the wasm_runtime tests: loading a
 * test module and instantiating it in one step.
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"

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

static inline bool rt_store_owns(const void *store, uintptr_t addr)
{
	return wasm_store_owns_address(store, addr);
}

/* A store's guard_call: faults in its guarded memories become ERR_TRAP. */
static inline int rt_guard_call(void *arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg)
{
	struct wasm_mem_fault f;

	(void)arg;
	return wasm_mem_host_guard_call_owned(rt_store_owns, s, fn, fn_arg, &f);
}

/* rt_guarded_config - makes *cfg's memories guarded (the fault handler
 * installed, rt_guard_call); false (and a failed check) if it cannot. */
static inline bool rt_guarded_config(struct test_ctx *t, struct wasm_store_config *cfg)
{
	if (!EXPECT_OK(wasm_mem_host_guard_install()))
		return false;
	cfg->mem_provider = wasm_mem_host_guarded();
	cfg->guard_call = rt_guard_call;
	return true;
}

/* rt_invoke - runs export `name` of inst on x with n args, its results in
 * res; returns the trap kind (0: none; -1 and a failed check if the call
 * could not be made). */
static inline int rt_invoke(struct test_ctx *t, struct wasm_exec *x, struct wasm_instance *inst,
			    const char *name, const union wasm_val *args, uint32_t n,
			    union wasm_val *res)
{
	struct wasm_extern ex;
	int rc;

	if (!EXPECT_OK(wasm_instance_export(inst, name, &ex)))
		return -1;
	rc = wasm_invoke(x, ex.u.func, args, n, res, ex.u.func->type->nresults);
	if (rc == ERR_TRAP)
		return wasm_exec_trap(x)->kind;
	return EXPECT_OK(rc) ? 0 : -1;
}

/* rt_load_wat - encodes `wat` and loads it with the features `off` turned
 * off; returns the load's code (the module in *out on success, else NULL
 * and the error in *err); a text that does not encode fails the check. */
static inline int rt_load_wat(struct test_ctx *t, const char *wat, uint32_t off,
			      struct wasm_module **out, struct wasm_error *err)
{
	struct wasm_load_opts o = {.features_off = off};
	struct wat_error we;
	uint8_t *bin;
	size_t len;
	int rc;

	*out = NULL;
	rc = wat_encode(wat, strlen(wat), &bin, &len, &we);
	if (!EXPECT_OK(rc)) {
		test_printf(t, "wat %u:%u: %s\n", we.line, we.col, we.msg);
		return rc;
	}
	rc = wasm_module_load_opts(bin, len, &o, out, err);
	free(bin);
	return rc;
}
