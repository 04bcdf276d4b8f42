/*
 * kcode.c - code memory and guest stacks for compiled WebAssembly (see
 * kcode.h).
 *
 * Invariants: every live stack is on `stacks` from its alloc to its free;
 * an account's code_bytes is the sum of its live chunks' sizes and its
 * `stacks` the number of its entries on the list; a chunk lives exactly
 * while it has a live block (it gets its first as it becomes the account's
 * current one, and stops being current when its last goes).
 */
#include "wasm/kcode.h"

#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "core/cpu.h"
#include "core/panic.h"
#include "core/spinlock.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "wasm/kmem.h"
#include "wasm/modcache.h"

/* A chunk of code memory: mapped read-execute for its whole life, filled
 * from its start (blocks are never reused: it goes when its last block does). */
struct kcode_chunk {
	uint64_t va, size;
	uint64_t used; /* [acct lock] bytes handed out from va */
	uint32_t live; /* [acct lock] blocks not freed */
};

/* One function's code: `size` bytes at chunk->va + off, written into the
 * heap at `stage` until sealed. */
struct kcode_block {
	struct kcode_acct *acct;
	struct kcode_chunk *chunk;
	uint64_t off, size;
	void *stage;
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

/* Seals so far (release: after the sealed code's stores), and the count
 * each CPU had seen at its last fence.i ([own]). */
static _Atomic uint64_t seal_clock;
static uint64_t seen_clock[MAX_CPUS];

/* Set at boot (and by tests); read when a program's store is made.
 * relaxed: a switch, ordered by the spawn that follows it. */
static atomic_bool enabled;

/* Kept modules and free heap pages go back before memory is refused. */
static bool kcode_reclaim(void)
{
	return modcache_shrink() + kheap_trim() != 0;
}

/* A new chunk of at least `need` bytes, mapped read-execute (zeroed), and
 * charged to a; NULL out of memory. No shootdown: no CPU can hold a valid
 * entry for a fresh mapping, and a stale empty one is retried by the fault
 * handler (vm_handle_fault). */
static struct kcode_chunk *chunk_new(struct kcode_acct *a, uint64_t need)
{
	struct kcode_chunk *c = malloc(sizeof(*c));
	uint64_t size = ALIGN_UP(MAX(need, (uint64_t)KCODE_CHUNK), FRAME_SIZE);
	int e;

	if (!c)
		return NULL;
	e = vm_alloc(size, VM_READ | VM_EXEC, "wasm-code", &c->va);
	if (e == ERR_NOMEM && kcode_reclaim())
		e = vm_alloc(size, VM_READ | VM_EXEC, "wasm-code", &c->va);
	if (e) {
		free(c);
		return NULL;
	}
	c->size = size;
	c->used = 0;
	c->live = 0;
	/* relaxed: statistics, read for display */
	atomic_fetch_add_explicit(&a->code_bytes, size, memory_order_relaxed);
	atomic_fetch_add_explicit(&total_code_bytes, size, memory_order_relaxed);
	return c;
}

static void chunk_free(struct kcode_acct *a, struct kcode_chunk *c)
{
	vm_free(c->va);
	atomic_fetch_sub_explicit(&a->code_bytes, c->size, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_code_bytes, c->size, memory_order_relaxed);
	free(c);
}

/* Takes `size` bytes of c for b (lock held). */
static void chunk_take(struct kcode_chunk *c, struct kcode_block *b, uint64_t size)
{
	b->chunk = c;
	b->off = c->used;
	b->size = size;
	c->used += size;
	c->live++;
}

static int code_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	struct kcode_acct *a = arg;
	uint64_t size = ALIGN_UP((uint64_t)bytes, KCODE_ALIGN);
	struct kcode_chunk *c, *fresh = NULL;
	struct kcode_block *b;

	if (!bytes || size < bytes)
		return ERR_NOMEM;
	b = malloc(sizeof(*b));
	if (b)
		b->stage = malloc(bytes);
	if (!b || !b->stage) {
		free(b);
		return ERR_NOMEM;
	}
	b->acct = a;
	bool irq = spin_lock(&a->lock);
	c = a->chunk;
	if (!c || c->size - c->used < size) {
		spin_unlock(&a->lock, irq);
		fresh = chunk_new(a, size);
		if (!fresh) {
			free(b->stage);
			free(b);
			return ERR_NOMEM;
		}
		irq = spin_lock(&a->lock);
		c = a->chunk;
		if (!c || c->size - c->used < size) {
			/* the account's chunk from now on; the old one (full)
			 * goes with its last block */
			c = fresh;
			a->chunk = fresh;
			fresh = NULL;
		} /* else another CPU's new chunk came first: use it */
	}
	chunk_take(c, b, size);
	spin_unlock(&a->lock, irq);
	if (fresh)
		chunk_free(a, fresh);
	atomic_fetch_add_explicit(&total_code_blocks, 1, memory_order_relaxed);
	*rw = b->stage;
	*handle = b;
	return 0;
}

static void code_free(void *arg, void *handle)
{
	struct kcode_block *b = handle;
	struct kcode_acct *a = b ? b->acct : NULL;
	struct kcode_chunk *gone = NULL;

	(void)arg;
	if (!b)
		return;
	bool irq = spin_lock(&a->lock);
	if (--b->chunk->live == 0) {
		gone = b->chunk;
		if (a->chunk == gone)
			a->chunk = NULL;
	}
	spin_unlock(&a->lock, irq);
	if (gone)
		chunk_free(a, gone); /* unmapped, shot down on every hart */
	atomic_fetch_sub_explicit(&total_code_blocks, 1, memory_order_relaxed);
	free(b->stage);
	free(b);
}

/* The staged code into its place through the frames' physical-map alias
 * (the execute mapping is never writable), a page at a time; then fetch
 * made coherent here, and the seal counted so that other CPUs catch up in
 * code_sync before they run it. */
static void *code_seal(void *arg, void *handle)
{
	struct kcode_block *b = handle;
	uint64_t va = b->chunk->va + b->off, done = 0, n = b->size, pa;

	(void)arg;
	while (done < n && b->stage) {
		uint64_t piece = MIN(n - done, FRAME_SIZE - ((va + done) & (FRAME_SIZE - 1)));

		if (vm_translate(va + done, &pa))
			panic("kcode: a live chunk's page is not mapped");
		memcpy(phys_to_virt(pa), (const uint8_t *)b->stage + done, piece);
		done += piece;
	}
	free(b->stage);
	b->stage = NULL;
	/* the stores before the clock's release; this CPU's fetch sees them */
	atomic_fetch_add_explicit(&seal_clock, 1, memory_order_release);
	arch_icache_sync_local();
	return (void *)(uintptr_t)va;
}

/* Catches this CPU's instruction fetch up with every seal so far. */
static void code_sync(void *arg)
{
	uint64_t now = atomic_load_explicit(&seal_clock, memory_order_acquire);
	uint32_t id = cpu_this()->id;

	(void)arg;
	if (seen_clock[id] != now) {
		arch_icache_sync_local();
		seen_clock[id] = now;
	}
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
	.code = {.arg = &shared_acct,
		 .alloc = code_alloc,
		 .seal = code_seal,
		 .free = code_free,
		 .sync = code_sync},
	.lock = SPINLOCK_INIT,
};

const struct wasm_code_mem *kcode_shared_code(void)
{
	return &shared_acct.code;
}

void kcode_acct_init(struct kcode_acct *a)
{
	a->code = (struct wasm_code_mem){.arg = a,
					 .alloc = code_alloc,
					 .seal = code_seal,
					 .free = code_free,
					 .sync = code_sync};
	a->lock = (struct spinlock)SPINLOCK_INIT;
	a->chunk = NULL;
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
