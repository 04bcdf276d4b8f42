/*
 * kcode.c - code memory and guest stacks for compiled WebAssembly (see
 * kcode.h).
 *
 * Invariant: every live stack is on `stacks` from its alloc to its free;
 * an account's code_bytes is the sum of its live code blocks' sizes and
 * its `stacks` the number of its entries on the list.
 */
#include "wasm/kcode.h"

#include <stdlib.h>

#include "arch/arch.h"
#include "base/err.h"
#include "core/spinlock.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "wasm/kmem.h"
#include "wasm/modcache.h"

struct kcode_block {
	uint64_t va, size;
	struct kcode_acct *acct;
};

struct kcode_stack {
	struct kcode_stack *next;
	uint64_t va, size; /* the usable [va, va+size); the guard below va */
	struct kcode_acct *acct;
};

static struct spinlock stacks_lock = SPINLOCK_INIT;
static struct kcode_stack *stacks; /* [stacks_lock] */

/* Totals over every account. relaxed: statistics, read for display. */
static _Atomic uint64_t total_code_bytes, total_code_blocks, total_stacks, total_stack_bytes;

/* Set at boot (and by tests); read when a program's store is made.
 * relaxed: a switch, ordered by the spawn that follows it. */
static atomic_bool enabled;

/* Kept modules and free heap pages go back before memory is refused. */
static bool kcode_reclaim(void)
{
	return modcache_shrink() + kheap_trim() != 0;
}

static int code_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	struct kcode_acct *a = arg;
	struct kcode_block *b;
	uint64_t size = ALIGN_UP((uint64_t)bytes, FRAME_SIZE);
	int e;

	if (!bytes || size < bytes)
		return ERR_NOMEM;
	b = malloc(sizeof(*b));
	if (!b)
		return ERR_NOMEM;
	e = vm_alloc(size, VM_READ | VM_WRITE, "wasm-code", &b->va);
	if (e == ERR_NOMEM && kcode_reclaim())
		e = vm_alloc(size, VM_READ | VM_WRITE, "wasm-code", &b->va);
	if (e) {
		free(b);
		return ERR_NOMEM;
	}
	b->size = size;
	b->acct = a;
	/* relaxed: a statistic, read for display */
	atomic_fetch_add_explicit(&a->code_bytes, size, memory_order_relaxed);
	atomic_fetch_add_explicit(&total_code_bytes, size, memory_order_relaxed);
	atomic_fetch_add_explicit(&total_code_blocks, 1, memory_order_relaxed);
	*rw = (void *)(uintptr_t)b->va;
	*handle = b;
	return 0;
}

static void code_free(void *arg, void *handle)
{
	struct kcode_block *b = handle;

	(void)arg;
	if (!b)
		return;
	vm_free(b->va);
	atomic_fetch_sub_explicit(&b->acct->code_bytes, b->size, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_code_bytes, b->size, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_code_blocks, 1, memory_order_relaxed);
	free(b);
}

/* RW -> RX with the shootdown on every hart (vm_protect), then fetch made
 * coherent on every hart: only then may any hart jump to it. */
static void *code_seal(void *arg, void *handle)
{
	struct kcode_block *b = handle;

	if (vm_protect(b->va, b->size, VM_READ | VM_EXEC)) {
		code_free(arg, handle);
		return NULL;
	}
	arch_icache_sync_all();
	return (void *)(uintptr_t)b->va;
}

static int stack_alloc(void *arg, size_t bytes, void **handle, uintptr_t *lo, uintptr_t *hi)
{
	struct kcode_acct *a = arg;
	struct kcode_stack *s;
	uint64_t size = ALIGN_UP((uint64_t)bytes, FRAME_SIZE);
	int e;

	if (!bytes || size < bytes)
		return ERR_NOMEM;
	s = malloc(sizeof(*s));
	if (!s)
		return ERR_NOMEM;
	e = vm_reserve(size, VM_READ | VM_WRITE | VM_LAZY, "wasm-stack", &s->va);
	if (e) {
		free(s);
		return ERR_NOMEM;
	}
	e = vm_set_commit_limit(s->va, size);
	if (e == ERR_NOMEM && kcode_reclaim())
		e = vm_set_commit_limit(s->va, size);
	if (e) {
		vm_free(s->va);
		free(s);
		return ERR_NOMEM;
	}
	s->size = size;
	s->acct = a;
	bool irq = spin_lock(&stacks_lock);
	s->next = stacks;
	stacks = s;
	spin_unlock(&stacks_lock, irq);
	atomic_fetch_add_explicit(&a->stacks, 1, memory_order_relaxed); /* a statistic */
	atomic_fetch_add_explicit(&total_stacks, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&total_stack_bytes, size, memory_order_relaxed);
	*handle = s;
	*lo = (uintptr_t)s->va;
	*hi = (uintptr_t)(s->va + size);
	return 0;
}

static void stack_free(void *arg, void *handle)
{
	struct kcode_stack *s = handle, **pp;

	(void)arg;
	if (!s)
		return;
	/* off the list first: its guard is no one's once the region is gone */
	bool irq = spin_lock(&stacks_lock);
	for (pp = &stacks; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	spin_unlock(&stacks_lock, irq);
	vm_free(s->va);
	atomic_fetch_sub_explicit(&s->acct->stacks, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_stacks, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_stack_bytes, s->size, memory_order_relaxed);
	free(s);
}

/* The module cache's account: code kept with modules (no stacks). */
static struct kcode_acct shared_acct = {
	.code = {.arg = &shared_acct, .alloc = code_alloc, .seal = code_seal, .free = code_free},
};

const struct wasm_code_mem *kcode_shared_code(void)
{
	return &shared_acct.code;
}

void kcode_acct_init(struct kcode_acct *a)
{
	a->code = (struct wasm_code_mem){
		.arg = a, .alloc = code_alloc, .seal = code_seal, .free = code_free};
	a->stack = (struct wasm_stack_mem){.arg = a, .alloc = stack_alloc, .free = stack_free};
	atomic_init(&a->code_bytes, 0);
	atomic_init(&a->stacks, 0);
}

void kcode_acct_usage(const struct kcode_acct *a, uint64_t *resident, uint64_t *promised)
{
	uint64_t res = atomic_load_explicit(&a->code_bytes, memory_order_relaxed), prom = 0;

	if (atomic_load_explicit(&a->stacks, memory_order_relaxed)) {
		bool irq = spin_lock(&stacks_lock);
		for (const struct kcode_stack *s = stacks; s; s = s->next) {
			uint64_t c, p;
			if (s->acct != a)
				continue;
			vm_region_usage(s->va, &c, &p);
			res += c * FRAME_SIZE;
			prom += p * FRAME_SIZE;
		}
		spin_unlock(&stacks_lock, irq);
	}
	*resident = res;
	*promised = prom;
}

bool kcode_acct_empty(const struct kcode_acct *a)
{
	return atomic_load_explicit(&a->code_bytes, memory_order_relaxed) == 0 &&
	       atomic_load_explicit(&a->stacks, memory_order_relaxed) == 0;
}

void kcode_stats(struct kcode_stats *out)
{
	*out = (struct kcode_stats){
		.code_bytes = atomic_load_explicit(&total_code_bytes, memory_order_relaxed),
		.code_blocks = atomic_load_explicit(&total_code_blocks, memory_order_relaxed),
		.stacks = atomic_load_explicit(&total_stacks, memory_order_relaxed),
		.stack_bytes = atomic_load_explicit(&total_stack_bytes, memory_order_relaxed),
	};
}

bool kcode_enabled(void)
{
	return atomic_load_explicit(&enabled, memory_order_relaxed);
}

void kcode_set_enabled(bool on)
{
	atomic_store_explicit(&enabled, on, memory_order_relaxed);
}

void kcode_store_config(struct kcode_acct *a, struct wasm_store_config *cfg)
{
	if (!kcode_enabled())
		return;
	cfg->code_mem = &a->code;
	cfg->stack_mem = &a->stack;
	cfg->guard_call = kwasm_guard_call;
}

bool kcode_stack_guard_hit(uint64_t addr)
{
	bool hit = false;
	bool irq = spin_lock(&stacks_lock);

	for (const struct kcode_stack *s = stacks; s && !hit; s = s->next)
		hit = addr < s->va && s->va - addr <= KCODE_STACK_GUARD;
	spin_unlock(&stacks_lock, irq);
	return hit;
}
