/*
 * kmem.c - the kernel's linear-memory provider and guard_call (see kmem.h).
 *
 * Invariant: guards[c] is non-NULL only inside kwasm_guard_call on CPU c,
 * and points to that call's frame, which outlives every fault it can catch.
 */
#include "wasm/kmem.h"

#include <stdatomic.h>

#include "arch/arch.h"
#include "base/err.h"
#include "core/cpu.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "wasm/kcode.h"
#include "wasm/modcache.h"

struct guard {
	struct wasm_store *store;
	struct arch_jmp_buf landing;
	volatile uint64_t fault_addr, fault_pc, fault_fp; /* of the fault that landed */
};

/* Per CPU; written by its own CPU only, read by its own trap handler. */
static struct guard *_Atomic guards[MAX_CPUS];

static int kmem_reserve(void *arg, uint64_t bytes, uint8_t **out_base)
{
	uint64_t va;
	int err;

	(void)arg;
	err = vm_reserve(bytes, VM_READ | VM_WRITE | VM_LAZY, "wasm-memory", &va);
	if (err)
		return err == ERR_INVAL ? err : ERR_NOMEM;
	*out_base = (uint8_t *)(uintptr_t)va;
	return 0;
}

/* Lazy: the pages are promised now and committed zeroed when first
 * touched. Kept modules and free heap pages are given back before a
 * growth is refused. */
static int kmem_commit(void *arg, uint8_t **base_io, uint64_t old_bytes, uint64_t new_bytes)
{
	uint64_t va = (uint64_t)(uintptr_t)*base_io;
	(void)arg;
	(void)old_bytes;
	int e = vm_set_commit_limit(va, new_bytes);
	if (e == ERR_NOMEM && modcache_shrink() + kheap_trim())
		e = vm_set_commit_limit(va, new_bytes);
	return e ? ERR_NOMEM : 0;
}

static void kmem_release(void *arg, uint8_t *base, uint64_t bytes)
{
	(void)arg;
	(void)bytes;
	vm_free((uint64_t)(uintptr_t)base);
}

static const struct wasm_mem_provider guarded_provider = {
	.name = "kernel-guarded",
	.guarded = true,
	.reserve_bytes = WASM_MEM_GUARDED_RESERVE,
	.reserve = kmem_reserve,
	.commit = kmem_commit,
	.release = kmem_release,
};

void kwasm_mem_usage(const struct wasm_memory *m, uint64_t *resident, uint64_t *promised)
{
	uint64_t committed = 0, pending = 0;

	if (m->provider == &guarded_provider)
		vm_region_usage((uint64_t)(uintptr_t)m->base, &committed, &pending);
	else
		committed = m->size_bytes / FRAME_SIZE;
	*resident = committed * FRAME_SIZE;
	*promised = pending * FRAME_SIZE;
}

int kwasm_guard_call(void *guard_arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg)
{
	uint32_t cpu = cpu_id();
	struct guard g = {.store = s};
	struct guard *prev = atomic_load(&guards[cpu]);
	volatile int rc = ERR_TRAP;

	(void)guard_arg;
	if (arch_setjmp(&g.landing) == 0) {
		atomic_store(&guards[cpu], &g);
		rc = fn(fn_arg);
	} else {
		wasm_store_note_fault(s, (uintptr_t)g.fault_addr, (uintptr_t)g.fault_pc,
				      (uintptr_t)g.fault_fp);
	}
	atomic_store(&guards[cpu], prev);
	return rc;
}

void kwasm_store_config(bool checked, struct wasm_store_config *out)
{
	struct wasm_store_config c = {.mem_provider = wasm_mem_checked()};

	if (!checked) {
		c.mem_provider = &guarded_provider;
		c.guard_call = kwasm_guard_call;
	}
	*out = c;
}

struct arch_jmp_buf *kwasm_fault_landing(uint64_t addr, uint64_t pc, uint64_t fp)
{
	struct cpu *c = cpu_this();
	struct guard *g = c ? atomic_load(&guards[c->id]) : NULL;

	if (!g ||
	    !(wasm_store_owns_address(g->store, (uintptr_t)addr) || kcode_stack_guard_hit(addr)))
		return NULL;
	g->fault_addr = addr;
	g->fault_pc = pc;
	g->fault_fp = fp;
	return &g->landing;
}
