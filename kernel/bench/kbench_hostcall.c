/*
 * kbench_hostcall.c - the cost of a call from WebAssembly: to a no-op host
 * function (import bench.nop) and to a no-op WebAssembly function, timed
 * as loops through the runtime API directly (no task, no WASI).
 *
 * Invariant: a struct kbench_hostcall owns its store and module; the store
 * is freed before the module it instantiated.
 */
#include <stdlib.h>

#include "arch/arch.h"
#include "base/err.h"
#include "bench/kbench_internal.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/runtime.h"

/*
 * wat2wasm of (sections: type, import, function, export, code):
 * (module
 *   (import "bench" "nop" (func $nop))
 *   (func $wnop)
 *   (func (export "host_loop") (param $n i32)
 *     (loop $l
 *       call $nop
 *       local.get $n i32.const 1 i32.sub local.tee $n
 *       br_if $l))
 *   (func (export "wasm_loop") (param $n i32)
 *     (loop $l
 *       call $wnop
 *       local.get $n i32.const 1 i32.sub local.tee $n
 *       br_if $l))
 *   (func (export "empty_loop") (param $n i32)
 *     (loop $l
 *       local.get $n i32.const 1 i32.sub local.tee $n
 *       br_if $l)))
 */
static const uint8_t hostcall_module[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60,
	0x01, 0x7f, 0x00, 0x02, 0x0d, 0x01, 0x05, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x03, 0x6e, 0x6f,
	0x70, 0x00, 0x00, 0x03, 0x05, 0x04, 0x00, 0x01, 0x01, 0x01, 0x07, 0x26, 0x03, 0x09, 0x68,
	0x6f, 0x73, 0x74, 0x5f, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x02, 0x09, 0x77, 0x61, 0x73, 0x6d,
	0x5f, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x03, 0x0a, 0x65, 0x6d, 0x70, 0x74, 0x79, 0x5f, 0x6c,
	0x6f, 0x6f, 0x70, 0x00, 0x04, 0x0a, 0x35, 0x04, 0x02, 0x00, 0x0b, 0x10, 0x00, 0x03, 0x40,
	0x10, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b, 0x10, 0x00,
	0x03, 0x40, 0x10, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b,
	0x0e, 0x00, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b,
};

static const char *const loop_export[KBENCH_LOOP_COUNT] = {
	[KBENCH_LOOP_HOST] = "host_loop",
	[KBENCH_LOOP_WASM] = "wasm_loop",
	[KBENCH_LOOP_EMPTY] = "empty_loop",
};

struct kbench_hostcall {
	struct wasm_module *module;
	struct wasm_store *store;
	struct wasm_exec *exec;
	struct wasm_funcinst *loops[KBENCH_LOOP_COUNT];
};

static int host_nop(struct wasm_host_call *c, union wasm_val *vals)
{
	(void)c;
	(void)vals;
	return WASM_HOST_OK;
}

int kbench_hostcall_open(struct kbench_hostcall **out)
{
	struct kbench_hostcall *h = calloc(1, sizeof(*h));
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_error werr;
	int err = ERR_NOMEM;

	if (!h)
		return ERR_NOMEM;
	if ((err = wasm_module_load(hostcall_module, sizeof(hostcall_module), &h->module, &werr)))
		goto fail;
	if ((err = wasm_store_new(NULL, &h->store)) || (err = wasm_linker_new(h->store, &l)) ||
	    (err = wasm_linker_define_func(l, "bench", "nop", ":", host_nop, NULL)) ||
	    (err = wasm_instantiate(h->store, h->module, l, &inst, &werr)) ||
	    (err = wasm_exec_new(h->store, NULL, &h->exec)))
		goto fail;
	for (int i = 0; i < KBENCH_LOOP_COUNT; i++) {
		struct wasm_extern e;

		if ((err = wasm_instance_export(inst, loop_export[i], &e)))
			goto fail;
		if (e.kind != WASM_EXTERN_FUNC) {
			err = ERR_INVAL;
			goto fail;
		}
		h->loops[i] = e.u.func;
	}
	*out = h;
	return 0;
fail:
	kbench_hostcall_close(h);
	return err;
}

int kbench_hostcall_time(struct kbench_hostcall *h, enum kbench_loop loop, uint32_t n,
			 uint64_t *out_ticks)
{
	union wasm_val arg = {.i32 = n};
	uint64_t t0;
	int err;

	if (n == 0 || (unsigned)loop >= KBENCH_LOOP_COUNT)
		return ERR_INVAL;
	t0 = arch_now_ticks();
	err = wasm_invoke(h->exec, h->loops[loop], &arg, 1, NULL, 0);
	if (err)
		return err;
	*out_ticks = arch_now_ticks() - t0;
	return 0;
}

void kbench_hostcall_close(struct kbench_hostcall *h)
{
	if (!h)
		return;
	wasm_store_free(h->store);
	wasm_module_free(h->module);
	free(h);
}
