/*
 * wasi_bind.c - defines the WASI preview1 table (wasi_table.c) as host
 * functions of a linker (see wasi_bind.h).
 *
 * A host function gets one `arg`, which must be the wasi_ctx; which table
 * entry it serves is fixed by the function itself: thunk number i serves
 * wasi_imports[i]. That keeps the binding free of allocations the store
 * would not know how to free.
 *
 * Invariant: wasi_bind_define binds only entries whose signature
 * sig_check() accepted (at most BIND_MAX_PARAMS params of i32/i64, no
 * result or one i32), so bind_call needs no checks of its own.
 */
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasi/wasi_bind.h"

#define BIND_MAX_PARAMS 16

/* Whether `sig` is one bind_call handles; the runtime's signature letters
 * are a superset of the table's (i and I mean the same), so the string is
 * passed through unchanged. */
static bool sig_check(const char *sig)
{
	const char *colon = strchr(sig, ':');
	size_t nparams;

	if (!colon)
		return false;
	nparams = (size_t)(colon - sig);
	if (nparams > BIND_MAX_PARAMS)
		return false;
	for (size_t i = 0; i < nparams; i++)
		if (sig[i] != 'i' && sig[i] != 'I')
			return false;
	return strcmp(colon + 1, "") == 0 || strcmp(colon + 1, "i") == 0;
}

static int bind_call(struct wasm_host_call *hc, union wasm_val *vals, size_t idx)
{
	const struct wasi_import *imp = &wasi_imports[idx];
	struct wasi_ctx *c = hc->arg;
	uint64_t args[BIND_MAX_PARAMS];
	uint8_t empty = 0;
	struct wasi_mem m = {.base = &empty, .size = 0};
	const char *p = imp->sig;
	size_t n = 0;
	uint32_t status;

	for (; *p != ':'; p++, n++)
		args[n] = *p == 'I' ? vals[n].i64 : vals[n].i32;
	/* Fetched per call: a checked memory moves when it grows. */
	if (hc->caller && hc->caller->module->nmems > 0 && hc->caller->mems[0]->size_bytes > 0) {
		m.base = hc->caller->mems[0]->base;
		m.size = hc->caller->mems[0]->size_bytes;
	}
	status = imp->call(c, m, args);
	if (status == WASI_STATUS_BLOCKED)
		return WASM_HOST_BLOCKED;
	if (status == WASI_STATUS_YIELD)
		return WASM_HOST_YIELD;
	if (status == WASI_STATUS_EXIT) {
		hc->trap_kind = WASM_TRAP_EXIT;
		hc->trap_msg = "proc_exit";
		hc->exit_code = c->exit_code;
		return WASM_HOST_TRAP;
	}
	if (p[1] == 'i')
		vals[0].i32 = status;
	return WASM_HOST_OK;
}

/* Thunk hl serves entry h * 8 + l (h, l octal digits). */
#define BIND_THUNK(h, l)                                                              \
	static int bind_thunk_##h##l(struct wasm_host_call *hc, union wasm_val *vals) \
	{                                                                             \
		return bind_call(hc, vals, (h)*8 + (l));                              \
	}
#define BIND_THUNK_ROW(h) \
	BIND_THUNK(h, 0)  \
	BIND_THUNK(h, 1)  \
	BIND_THUNK(h, 2)  \
	BIND_THUNK(h, 3)  \
	BIND_THUNK(h, 4)  \
	BIND_THUNK(h, 5)  \
	BIND_THUNK(h, 6)  \
	BIND_THUNK(h, 7)
#define BIND_THUNK_NAMES(h)                                                         \
	bind_thunk_##h##0, bind_thunk_##h##1, bind_thunk_##h##2, bind_thunk_##h##3, \
		bind_thunk_##h##4, bind_thunk_##h##5, bind_thunk_##h##6, bind_thunk_##h##7

BIND_THUNK_ROW(0)
BIND_THUNK_ROW(1)
BIND_THUNK_ROW(2)
BIND_THUNK_ROW(3)
BIND_THUNK_ROW(4)
BIND_THUNK_ROW(5)
BIND_THUNK_ROW(6)
BIND_THUNK_ROW(7)

static const wasm_host_fn bind_thunks[] = {
	BIND_THUNK_NAMES(0), BIND_THUNK_NAMES(1), BIND_THUNK_NAMES(2), BIND_THUNK_NAMES(3),
	BIND_THUNK_NAMES(4), BIND_THUNK_NAMES(5), BIND_THUNK_NAMES(6), BIND_THUNK_NAMES(7),
};

int wasi_bind_define(struct wasm_linker *l, struct wasi_ctx *c)
{
	if (wasi_nimports > ARRAY_SIZE(bind_thunks))
		return ERR_INVAL;
	for (size_t i = 0; i < wasi_nimports; i++)
		if (!sig_check(wasi_imports[i].sig))
			return ERR_INVAL;
	for (size_t i = 0; i < wasi_nimports; i++) {
		int err = wasm_linker_define_func(l, WASI_MODULE_NAME, wasi_imports[i].name,
						  wasi_imports[i].sig, bind_thunks[i], c);

		if (err)
			return err;
	}
	return 0;
}
