/*
 * heap_exercise.h - lib/mem/heap over a host "VM" that really takes
 * decommitted pages away, and an interpreter of operation sequences read
 * from bytes; shared by the libFuzzer target (tests/fuzz/heap_fuzz.c) and
 * the host tests (tests/host/mem_heap_test.c), which also replay
 * tests/fuzz/regress/heap/.
 *
 * The VM maps each chunk with its own mmap. decommit replaces the pages
 * with inaccessible ones (their contents are gone, and any access by the
 * heap crashes the process), commit makes them readable and writable
 * again (zero-filled), release unmaps. It keeps its own record of every
 * page and counts as an error whatever the heap promises not to do
 * (heap.h): a range outside a chunk or not page-aligned, a decommit of a
 * decommitted page, a commit of a committed one, a release of something
 * grow did not return. A budget and a commit that fails from the Nth call
 * on make the heap run out of memory on purpose.
 *
 * Consistency checks that fail abort(), so the fuzzer sees them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/compiler.h"
#include "base/err.h"
#include "mem/heap.h"

#define HEAP_VM_CHUNKS 512

struct heap_vm_chunk {
	uint8_t *map;	/* the mmap holding the chunk */
	size_t map_len; /* its length */
	uint8_t *base;	/* as returned by grow */
	size_t bytes;	/* as returned by grow */
	uint8_t *state; /* per page from page_down(base): 1 committed, 0 decommitted */
};

struct heap_vm {
	struct heap_ops ops;
	size_t page;		 /* the heap's page size */
	size_t offset;		 /* chunk base = mapping + offset (0 or 8) */
	size_t extra;		 /* grow gives this much more than asked (rounded to pages) */
	size_t budget;		 /* grow fails past this many bytes of chunks */
	bool decommit_noop;	 /* decommit leaves the pages as they are */
	unsigned commit_fail_at; /* the Nth commit call from now fails (0: none)... */
	unsigned commit_fails;	 /* ...and this many calls from there on (0 counts as 1) */
	struct heap_vm_chunk c[HEAP_VM_CHUNKS];
	unsigned n;
	size_t bytes;	  /* of the chunks held, as grow returned them */
	size_t committed; /* of those, minus the decommitted pages */
	unsigned grows, releases, commits, decommits;
	unsigned refusals; /* grows and commits that failed on purpose */
	unsigned errors;   /* broken promises (see above) */
};

static inline size_t heap_vm_round(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The chunk that holds [addr, addr + len), or NULL (an error). */
static inline struct heap_vm_chunk *heap_vm_find(struct heap_vm *vm, const void *addr, size_t len)
{
	for (unsigned i = 0; i < vm->n; i++) {
		struct heap_vm_chunk *c = &vm->c[i];
		if ((const uint8_t *)addr >= c->base && len <= c->bytes &&
		    (const uint8_t *)addr - c->base <= (ptrdiff_t)(c->bytes - len))
			return c;
	}
	vm->errors++;
	return NULL;
}

static inline size_t heap_vm_page_index(const struct heap_vm *vm, const struct heap_vm_chunk *c,
					const void *addr)
{
	return ((uintptr_t)addr - ((uintptr_t)c->base & ~(uintptr_t)(vm->page - 1))) / vm->page;
}

static int heap_vm_grow(void *arg, size_t min_bytes, void **base, size_t *bytes)
{
	struct heap_vm *vm = arg;
	struct heap_vm_chunk *c = &vm->c[vm->n];
	size_t n = heap_vm_round(min_bytes + vm->extra, vm->page), pages;

	if (vm->n == HEAP_VM_CHUNKS || n > vm->budget - vm->bytes || vm->bytes > vm->budget) {
		vm->refusals++;
		return ERR_NOMEM;
	}
	/* room to start the chunk on a MiB boundary (plus the offset)
	 * wherever mmap puts it, so that runs, aligned allocations included,
	 * do not depend on addresses */
	c->map_len = heap_vm_round(vm->offset + n, 4096) + (1u << 20);
	c->map = mmap(NULL, c->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (c->map == MAP_FAILED)
		return ERR_NOMEM;
	c->base = (uint8_t *)heap_vm_round((uintptr_t)c->map, 1u << 20) + vm->offset;
	c->bytes = n;
	pages = heap_vm_page_index(vm, c, c->base + n - 1) + 1;
	c->state = malloc(pages);
	if (!c->state) {
		munmap(c->map, c->map_len);
		return ERR_NOMEM;
	}
	memset(c->state, 1, pages);
	vm->n++;
	vm->bytes += n;
	vm->committed += n;
	vm->grows++;
	*base = c->base;
	*bytes = n;
	return 0;
}

static void heap_vm_release(void *arg, void *base, size_t bytes)
{
	struct heap_vm *vm = arg;
	struct heap_vm_chunk *c = heap_vm_find(vm, base, bytes);
	size_t decommitted = 0;

	if (!c || c->base != base || c->bytes != bytes) {
		vm->errors += c != NULL;
		return;
	}
	for (size_t i = 0; i <= heap_vm_page_index(vm, c, c->base + c->bytes - 1); i++)
		decommitted += !c->state[i];
	vm->committed -= c->bytes - decommitted * vm->page;
	vm->bytes -= c->bytes;
	vm->releases++;
	munmap(c->map, c->map_len);
	free(c->state);
	*c = vm->c[--vm->n];
}

/* Checks a decommit or commit range; the page indices [*i, *end) in *c. */
static inline bool heap_vm_range(struct heap_vm *vm, void *addr, size_t len,
				 struct heap_vm_chunk **c, size_t *i, size_t *end)
{
	if ((uintptr_t)addr % vm->page || len % vm->page || len == 0 ||
	    !(*c = heap_vm_find(vm, addr, len))) {
		vm->errors++;
		return false;
	}
	*i = heap_vm_page_index(vm, *c, addr);
	*end = *i + len / vm->page;
	return true;
}

static void heap_vm_decommit(void *arg, void *addr, size_t len)
{
	struct heap_vm *vm = arg;
	struct heap_vm_chunk *c;
	size_t i, end;

	vm->decommits++;
	if (!heap_vm_range(vm, addr, len, &c, &i, &end))
		return;
	for (; i < end; i++) {
		vm->errors += !c->state[i];
		vm->committed -= c->state[i] ? vm->page : 0;
		c->state[i] = 0;
	}
	if (!vm->decommit_noop &&
	    mmap(addr, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		 0) == MAP_FAILED)
		abort();
}

static int heap_vm_commit(void *arg, void *addr, size_t len)
{
	struct heap_vm *vm = arg;
	struct heap_vm_chunk *c;
	size_t i, end;

	vm->commits++;
	if (vm->commit_fail_at && --vm->commit_fail_at == 0) {
		if (vm->commit_fails > 1)
			vm->commit_fail_at = 1;
		vm->commit_fails -= vm->commit_fails > 0;
		vm->refusals++;
		return ERR_NOMEM;
	}
	if (!heap_vm_range(vm, addr, len, &c, &i, &end))
		return ERR_NOMEM;
	for (; i < end; i++) {
		vm->errors += c->state[i];
		vm->committed += c->state[i] ? 0 : vm->page;
		c->state[i] = 1;
	}
	if (!vm->decommit_noop && mprotect(addr, len, PROT_READ | PROT_WRITE) != 0)
		abort();
	return 0;
}

/* A VM with the callbacks asked for (grow always). */
static inline void heap_vm_init(struct heap_vm *vm, size_t page, bool release, bool decommit)
{
	memset(vm, 0, sizeof(*vm));
	vm->page = page;
	vm->budget = SIZE_MAX / 2;
	vm->ops.grow = heap_vm_grow;
	vm->ops.release = release ? heap_vm_release : NULL;
	vm->ops.decommit = decommit ? heap_vm_decommit : NULL;
	vm->ops.commit = decommit ? heap_vm_commit : NULL;
	vm->ops.page_size = page;
}

/* Unmaps every chunk still held (the heap that used them is dead). */
static inline void heap_vm_destroy(struct heap_vm *vm)
{
	while (vm->n > 0) {
		struct heap_vm_chunk *c = &vm->c[--vm->n];
		munmap(c->map, c->map_len);
		free(c->state);
	}
}

/* The VM and the heap agree on what is held and committed, and no promise
 * was broken. */
static inline bool heap_vm_agrees(const struct heap_vm *vm, const struct heap *h)
{
	struct heap_stats s;
	heap_stats(h, &s);
	return vm->errors == 0 && s.bytes_total == vm->bytes && s.chunks == vm->n &&
	       s.bytes_committed == vm->committed;
}

/* ---- the interpreter ---- */

#define HEAP_EXERCISE_LIVE 64

struct heap_exercise_block {
	uint8_t *p;
	size_t size;
	uint8_t seed;
};

/* What one run did, for tests that must see something happen. */
struct heap_exercise_result {
	unsigned ops, allocs, failed_allocs, trims;
	unsigned grows, releases, commits, decommits;
};

static inline void heap_exercise_check(bool ok)
{
	if (!ok)
		abort();
}

/* The pattern of a block: word i at byte 8 * i, whatever the block's size
 * (so that a prefix of it survives a realloc). */
static inline uint64_t heap_exercise_word(const struct heap_exercise_block *b, size_t i)
{
	return (b->seed * 0x9e3779b97f4a7c15ull) ^ (i * 0x100000001b3ull);
}

/* Byte i of the pattern, as the word stores lay it out. */
static inline uint8_t heap_exercise_byte(const struct heap_exercise_block *b, size_t i)
{
	uint8_t w[8];
	memcpy(w, &(uint64_t){heap_exercise_word(b, i / 8)}, 8);
	return w[i % 8];
}

/* Whether word i of a block of `words` words is sampled: the first and
 * last 32 (where a neighbour's header or tail would land) and every 61st
 * in between, which keeps megabyte blocks affordable and still touches
 * every page. */
static inline bool heap_exercise_sampled(size_t i, size_t words)
{
	return i < 32 || i % 61 == 0 || i + 32 >= words;
}

static inline void heap_exercise_fill(struct heap_exercise_block *b)
{
	size_t words = b->size / 8;
	for (size_t i = 0; i < words; i++)
		if (heap_exercise_sampled(i, words))
			memcpy(b->p + 8 * i, &(uint64_t){heap_exercise_word(b, i)}, 8);
	for (size_t i = words * 8; i < b->size; i++)
		b->p[i] = heap_exercise_byte(b, i);
}

/* Whether the sampled part of the first `len` bytes still holds the
 * pattern (a prefix after a realloc: its first words and every 61st). */
static inline bool heap_exercise_intact(const struct heap_exercise_block *b, size_t len)
{
	size_t words = len / 8, all = b->size / 8;
	for (size_t i = 0; i < words; i++) {
		uint64_t w;
		if (!heap_exercise_sampled(i, len == b->size ? words : SIZE_MAX) ||
		    !heap_exercise_sampled(i, all))
			continue;
		memcpy(&w, b->p + 8 * i, 8);
		if (w != heap_exercise_word(b, i))
			return false;
	}
	for (size_t i = words * 8; i < len && len == b->size; i++)
		if (b->p[i] != heap_exercise_byte(b, i))
			return false;
	return true;
}

/* A size from three input bytes: up to 512, 16 KiB, 256 KiB or 1 MiB. */
static inline size_t heap_exercise_size(uint8_t a, uint8_t b, uint8_t c)
{
	size_t x = (size_t)b << 8 | c;
	switch (a % 4) {
	case 0:
		return x % 513;
	case 1:
		return x % 16385;
	case 2:
		return x * 4;
	default:
		return x * 16;
	}
}

/*
 * Runs the operations `data` encodes. Byte 0 configures the VM: page size
 * (bits 0-1: 4, 4, 16 or 64 KiB), no release (bit 2), no decommit
 * (bit 3), a decommit that does nothing (bit 4), chunk bases 8 bytes off
 * (bit 5), grow giving a page more than asked (bit 6). Then 4 bytes per
 * operation: alloc (with an alignment now and then), free, realloc, trim,
 * consolidate, or arm the commit failure. After each: heap_check, the VM
 * agrees, and every allocation that failed had a refusal behind it. At the
 * end: every block intact and freed, then heap_trim leaves nothing
 * committed but the chunks' headers and releases every chunk (if it may).
 */
static inline struct heap_exercise_result heap_exercise(const uint8_t *data, size_t len)
{
	static const size_t pages[] = {4096, 4096, 16384, 65536};
	static struct heap_vm vm;
	struct heap_exercise_block live[HEAP_EXERCISE_LIVE];
	struct heap_exercise_result r = {0};
	unsigned n = 0, refusals;
	struct heap_stats s;
	struct heap h;
	uint8_t cfg = len ? data[0] : 0;

	heap_vm_init(&vm, pages[cfg & 3], !(cfg & 4), !(cfg & 8));
	vm.decommit_noop = cfg & 16;
	vm.offset = cfg & 32 ? 8 : 0;
	vm.extra = cfg & 64 ? vm.page : 0;
	vm.budget = 48u << 20;
	heap_init(&h, &vm.ops, &vm);
	for (size_t at = 1; at + 4 <= len && r.ops < 4000; at += 4, r.ops++) {
		uint8_t op = data[at], a = data[at + 1], b = data[at + 2], c = data[at + 3];
		unsigned k = n ? (unsigned)(a | b << 8) % n : 0;
		refusals = vm.refusals;
		switch (op % 10) {
		case 0:
		case 1:
		case 2:
		case 3: {
			size_t align = (op >> 4) == 0 ? (size_t)32 << (b % 12) : 0;
			struct heap_exercise_block nb = {
				heap_alloc(&h, heap_exercise_size(a, b, c), align),
				heap_exercise_size(a, b, c), c};
			if (n == HEAP_EXERCISE_LIVE) {
				heap_exercise_check(heap_exercise_intact(&live[0], live[0].size));
				heap_free(&h, live[0].p);
				live[0] = live[--n];
			}
			r.allocs++;
			if (!nb.p) {
				heap_exercise_check(vm.refusals != refusals);
				r.failed_allocs++;
				break;
			}
			heap_exercise_check(!align || (uintptr_t)nb.p % align == 0);
			heap_exercise_check(heap_usable_size(&h, nb.p) >= nb.size);
			heap_exercise_fill(&nb);
			live[n++] = nb;
			break;
		}
		case 4:
		case 5:
			if (n == 0)
				break;
			heap_exercise_check(heap_exercise_intact(&live[k], live[k].size));
			heap_free(&h, live[k].p);
			live[k] = live[--n];
			break;
		case 6:
		case 7: {
			size_t size = heap_exercise_size(op >> 4, b, c);
			uint8_t *q;
			if (n == 0)
				break;
			heap_exercise_check(heap_exercise_intact(&live[k], live[k].size));
			q = heap_realloc(&h, live[k].p, size);
			if (size == 0) {
				heap_exercise_check(q == NULL);
				live[k] = live[--n];
				break;
			}
			if (!q) {
				heap_exercise_check(vm.refusals != refusals);
				heap_exercise_check(heap_exercise_intact(&live[k], live[k].size));
				break;
			}
			live[k].p = q;
			heap_exercise_check(
				heap_exercise_intact(&live[k], MIN(size, live[k].size)));
			live[k].size = size;
			heap_exercise_fill(&live[k]);
			break;
		}
		case 8:
			heap_trim(&h);
			r.trims++;
			break;
		default:
			if (a & 1)
				heap_consolidate(&h);
			else
				vm.commit_fail_at = 1 + b % 4;
			break;
		}
		heap_exercise_check(heap_check(&h));
		heap_exercise_check(heap_vm_agrees(&vm, &h));
	}
	vm.commit_fail_at = 0;
	while (n > 0) {
		n--;
		heap_exercise_check(heap_exercise_intact(&live[n], live[n].size));
		heap_free(&h, live[n].p);
	}
	heap_trim(&h);
	heap_stats(&h, &s);
	heap_exercise_check(heap_check(&h) && heap_vm_agrees(&vm, &h));
	heap_exercise_check(s.bytes_in_use == 0 && s.allocs == 0);
	if (vm.ops.release) {
		heap_exercise_check(s.chunks == 0 && s.bytes_committed == 0);
	} else if (vm.ops.decommit) {
		/* per chunk: the page of its header and first block's 48 bytes,
		 * those of its sentinel and page map, one partial at each end */
		size_t allowed = 0;
		for (unsigned i = 0; i < vm.n; i++)
			allowed += 3 * vm.page + vm.c[i].bytes / vm.page / 8 + 64;
		heap_exercise_check(s.bytes_committed <= allowed);
	}
	r.grows = vm.grows;
	r.releases = vm.releases;
	r.commits = vm.commits;
	r.decommits = vm.decommits;
	heap_vm_destroy(&vm);
	return r;
}
