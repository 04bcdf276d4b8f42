/*
 * runtime_host.c - the host store configuration (see runtime_host.h):
 * guarded memories whose faults mem_host.c's handler turns into traps.
 *
 * Invariant: the guard_call below is only handed out after
 * wasm_mem_host_guard_install() succeeded, so a fault in a store's memory
 * always finds the handler.
 */
#include "base/err.h"
#include "wasm/host/mem_host.h"
#include "wasm/host/runtime_host.h"

/* The owns() callback of the fault handler: reads the store only. */
static bool store_owns(const void *ctx, uintptr_t addr)
{
	return wasm_store_owns_address(ctx, addr);
}

static int host_guard_call(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg)
{
	struct wasm_mem_fault fault;

	int rc;

	(void)guard_arg;
	rc = wasm_mem_host_guard_call_owned(store_owns, s, fn, fn_arg, &fault);
	if (rc == ERR_TRAP)
		wasm_store_note_fault(s, fault.addr, fault.pc, fault.fp);
	return rc;
}

/* Whether one guarded reservation fits in the address space (RLIMIT_AS,
 * overcommit settings): checked once, the reservation given back. */
static bool guarded_fits(void)
{
	const struct wasm_mem_provider *p = wasm_mem_host_guarded();
	uint8_t *base;

	if (p->reserve(p->arg, p->reserve_bytes, &base) != 0)
		return false;
	p->release(p->arg, base, p->reserve_bytes);
	return true;
}

void wasm_runtime_host_config(bool checked, struct wasm_store_config *out, bool *out_guarded)
{
	struct wasm_store_config cfg = {.mem_provider = wasm_mem_checked()};
	bool guarded = !checked && wasm_mem_host_guard_install() == 0 && guarded_fits();

	if (guarded) {
		cfg.mem_provider = wasm_mem_host_guarded();
		cfg.guard_call = host_guard_call;
	}
	*out = cfg;
	if (out_guarded)
		*out_guarded = guarded;
}
