/*
 * mem_heap_test.c - lib/mem/heap: first over separately malloc'd chunks
 * with only a grow callback (as hosted users have it), then over the host
 * "VM" of tests/fuzz/heap_exercise.h, which really takes decommitted pages
 * away, so that any access by the heap to one crashes the test.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../fuzz/heap_exercise.h"
#include "base/err.h"
#include "base/test.h"
#include "fuzz_corpus.h"
#include "mem/heap.h"
#include "test_dies.h"

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A grower handing out separate malloc'd chunks (never contiguous by
 * design: each is its own allocation), up to a budget. */
struct grower {
	void *chunks[256];
	unsigned n;
	size_t chunk_bytes; /* at least this much per chunk */
	unsigned max_chunks;
	size_t asked_min;
};

static int grow(void *arg, size_t min_bytes, void **base, size_t *bytes)
{
	struct grower *g = arg;
	size_t n = min_bytes > g->chunk_bytes ? min_bytes : g->chunk_bytes;
	g->asked_min = min_bytes;
	if (g->n == g->max_chunks || g->n == ARRAY_SIZE(g->chunks))
		return ERR_NOMEM;
	/* an odd offset so the heap must align the chunk itself */
	uint8_t *p = malloc(n + 8);
	if (!p)
		return ERR_NOMEM;
	g->chunks[g->n++] = p;
	*base = p + 8;
	*bytes = n;
	return 0;
}

static const struct heap_ops grow_only = {.grow = grow, .page_size = 4096};

static void grower_free(struct grower *g)
{
	for (unsigned i = 0; i < g->n; i++)
		free(g->chunks[i]);
}

/* Everything freed: no block in use, and after consolidation each chunk is
 * one free block again. */
static void expect_empty(struct test_ctx *t, struct heap *h, const struct grower *g)
{
	struct heap_stats s;
	heap_consolidate(h);
	EXPECT(heap_check(h));
	heap_stats(h, &s);
	EXPECT_EQ(s.bytes_in_use, 0);
	EXPECT_EQ(s.allocs, 0);
	EXPECT_EQ(s.chunks, g->n); /* no release callback: every chunk stays */
	EXPECT_EQ(s.bytes_committed, s.bytes_total);
	/* what is not free is the chunks' overhead: header, sentinel, alignment */
	EXPECT_LE(s.bytes_total - s.bytes_free, 128 * g->n);
	if (g->n == 1)
		EXPECT_EQ(heap_largest_free(h), s.bytes_free - 16);
}

TEST(mem, heap_basic)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 4};
	struct heap h;
	struct heap_stats s;
	heap_init(&h, &grow_only, &g);
	EXPECT(heap_check(&h));
	char *a = heap_alloc(&h, 10, 0), *b = heap_alloc(&h, 1000, 0), *z = heap_alloc(&h, 0, 0);
	if (!EXPECT(a && b && z))
		return;
	EXPECT(a != z && b != z);
	EXPECT_EQ((uintptr_t)a % 16, 0);
	EXPECT_GE(heap_usable_size(&h, a), 10);
	EXPECT_GE(heap_usable_size(&h, b), 1000);
	memset(a, 1, 10);
	memset(b, 2, 1000);
	heap_stats(&h, &s);
	EXPECT_EQ(s.allocs, 3);
	EXPECT_EQ(s.chunks, 1);
	EXPECT_LE(s.bytes_in_use + s.bytes_free + 80, s.bytes_total);
	EXPECT_GE(s.bytes_in_use + s.bytes_free + 128, s.bytes_total);
	EXPECT(heap_check(&h));
	heap_free(&h, a);
	heap_free(&h, NULL);
	/* a small block of the same class comes straight back */
	EXPECT(heap_alloc(&h, 12, 0) == a);
	heap_free(&h, a);
	heap_free(&h, b);
	heap_free(&h, z);
	EXPECT_EQ(g.n, 1);
	expect_empty(t, &h, &g);
	grower_free(&g);
}

TEST(mem, heap_alignment)
{
	struct grower g = {.chunk_bytes = 256 << 10, .max_chunks = 64};
	struct heap h;
	void *p[64];
	unsigned n = 0;
	heap_init(&h, &grow_only, &g);
	for (size_t align = 1; align <= 65536; align <<= 1) {
		for (size_t size = 1; size < 5000; size = size * 3 + 7) {
			void *q = heap_alloc(&h, size, align);
			if (!EXPECT(q != NULL) ||
			    !EXPECT_EQ((uintptr_t)q % (align < 16 ? 16 : align), 0))
				return;
			EXPECT_GE(heap_usable_size(&h, q), size);
			memset(q, 0xab, size);
			if (n < ARRAY_SIZE(p))
				p[n++] = q;
			else
				heap_free(&h, q);
		}
		EXPECT(heap_check(&h));
	}
	EXPECT(heap_alloc(&h, 16, 24) == NULL); /* not a power of two */
	EXPECT(heap_alloc(&h, SIZE_MAX - 8, 0) == NULL);
	while (n > 0)
		heap_free(&h, p[--n]);
	expect_empty(t, &h, &g);
	grower_free(&g);
}

TEST(mem, heap_realloc)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 4};
	struct heap h;
	heap_init(&h, &grow_only, &g);
	uint8_t *a = heap_realloc(&h, NULL, 2000);
	uint8_t *b = heap_alloc(&h, 3000, 0);
	uint8_t *guard = heap_alloc(&h, 2000, 0);
	if (!EXPECT(a && b && guard))
		return;
	for (int i = 0; i < 2000; i++)
		a[i] = (uint8_t)i;
	heap_free(&h, b);
	/* grows in place into the freed neighbour */
	EXPECT(heap_realloc(&h, a, 4500) == a);
	EXPECT_GE(heap_usable_size(&h, a), 4500);
	/* shrinks in place, the tail goes back */
	EXPECT(heap_realloc(&h, a, 100) == a);
	EXPECT_LT(heap_usable_size(&h, a), 200);
	EXPECT(heap_check(&h));
	/* must move past the guard: content kept */
	uint8_t *c = heap_realloc(&h, a, 20000);
	if (!EXPECT(c != NULL))
		return;
	for (int i = 0; i < 100; i++)
		if (!EXPECT_EQ(c[i], (uint8_t)i))
			break;
	/* too big for the grower's budget: NULL, the block stays valid */
	g.max_chunks = g.n;
	EXPECT(heap_realloc(&h, c, 1 << 20) == NULL);
	EXPECT_EQ(c[99], 99);
	EXPECT(heap_realloc(&h, c, 0) == NULL); /* frees */
	heap_free(&h, guard);
	expect_empty(t, &h, &g);
	grower_free(&g);
}

TEST(mem, heap_exhaustion_recovers)
{
	struct grower g = {.chunk_bytes = 32 << 10, .max_chunks = 3};
	struct heap h;
	void *p[4096];
	unsigned n = 0;
	heap_init(&h, &grow_only, &g);
	while (n < ARRAY_SIZE(p) && (p[n] = heap_alloc(&h, 100 + (n % 7) * 300, 0)) != NULL)
		n++;
	EXPECT_LT(n, ARRAY_SIZE(p));
	EXPECT_EQ(g.n, 3);
	EXPECT(heap_check(&h));
	/* a request no chunk could hold asks the grower for enough */
	EXPECT(heap_alloc(&h, 1 << 20, 0) == NULL);
	EXPECT_GE(g.asked_min, 1 << 20);
	for (unsigned i = 0; i < n; i += 2)
		heap_free(&h, p[i]);
	/* the freed space is usable again */
	for (unsigned i = 0; i < n; i += 2)
		if (!EXPECT((p[i] = heap_alloc(&h, 100 + (i % 7) * 300, 0)) != NULL))
			return;
	while (n > 0)
		heap_free(&h, p[--n]);
	expect_empty(t, &h, &g);
	/* and a large block fits again once small caches are consolidated */
	void *big = heap_alloc(&h, heap_largest_free(&h), 0);
	EXPECT(big != NULL);
	heap_free(&h, big);
	grower_free(&g);
}

struct shadow {
	uint8_t *p;
	size_t size;
	uint8_t fill;
};

static bool shadow_ok(const struct shadow *s)
{
	for (size_t i = 0; i < s->size; i++)
		if (s->p[i] != (uint8_t)(s->fill + i))
			return false;
	return true;
}

static void shadow_fill(struct shadow *s)
{
	for (size_t i = 0; i < s->size; i++)
		s->p[i] = (uint8_t)(s->fill + i);
}

/* Random alloc/free/realloc against a shadow of every live block's
 * contents (a block overlapping another would corrupt its pattern). */
TEST(mem, heap_random_shadow)
{
	enum { OPS = 40000, LIVE = 1500 };
	struct grower g = {.chunk_bytes = 128 << 10, .max_chunks = 200};
	struct heap h;
	static struct shadow live[LIVE];
	unsigned n = 0;
	uint64_t seed = 0xabcdef12345ull;
	heap_init(&h, &grow_only, &g);
	for (int op = 0; op < OPS; op++) {
		uint64_t r = rng_next(&seed) % 100;
		if (n == 0 || (n < LIVE && r < 50)) {
			uint64_t kind = rng_next(&seed) % 100;
			size_t size = kind < 70	  ? rng_next(&seed) % 520
				      : kind < 95 ? rng_next(&seed) % 8000
						  : rng_next(&seed) % 70000;
			size_t align =
				rng_next(&seed) % 10 == 0 ? (size_t)16 << (rng_next(&seed) % 8) : 0;
			struct shadow s = {heap_alloc(&h, size, align), size,
					   (uint8_t)rng_next(&seed)};
			if (!EXPECT(s.p != NULL))
				break;
			if (align && !EXPECT_EQ((uintptr_t)s.p % align, 0))
				break;
			shadow_fill(&s);
			live[n++] = s;
		} else if (r < 85) {
			unsigned i = (unsigned)(rng_next(&seed) % n);
			if (!EXPECT(shadow_ok(&live[i])))
				break;
			heap_free(&h, live[i].p);
			live[i] = live[--n];
		} else {
			unsigned i = (unsigned)(rng_next(&seed) % n);
			size_t size = rng_next(&seed) % 3 ? rng_next(&seed) % 600
							  : rng_next(&seed) % 20000;
			if (!EXPECT(shadow_ok(&live[i])))
				break;
			uint8_t *q = heap_realloc(&h, live[i].p, size + 1);
			if (!EXPECT(q != NULL))
				break;
			size_t keep = MIN(size + 1, live[i].size);
			for (size_t k = 0; k < keep; k++)
				if (q[k] != (uint8_t)(live[i].fill + k)) {
					EXPECT(!"realloc lost content");
					goto out;
				}
			live[i].p = q;
			live[i].size = size + 1;
			shadow_fill(&live[i]);
		}
		if (op % 1000 == 0 && !EXPECT(heap_check(&h)))
			break;
	}
out:
	for (unsigned i = 0; i < n; i++) {
		EXPECT(shadow_ok(&live[i]));
		heap_free(&h, live[i].p);
	}
	expect_empty(t, &h, &g);
	grower_free(&g);
}

static void heap_double_free_small(void)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 1};
	struct heap h;
	heap_init(&h, &grow_only, &g);
	void *p = heap_alloc(&h, 40, 0);
	heap_free(&h, p);
	heap_free(&h, p);
}

static void heap_double_free_large(void)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 1};
	struct heap h;
	heap_init(&h, &grow_only, &g);
	void *p = heap_alloc(&h, 4000, 0);
	void *q = heap_alloc(&h, 4000, 0);
	heap_free(&h, p);
	heap_free(&h, p);
	heap_free(&h, q);
}

static void heap_free_misaligned(void)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 1};
	struct heap h;
	heap_init(&h, &grow_only, &g);
	char *p = heap_alloc(&h, 4000, 0);
	heap_free(&h, p + 8);
}

TEST(mem, heap_asserts)
{
	EXPECT(test_dies(heap_double_free_small));
	EXPECT(test_dies(heap_double_free_large));
	EXPECT(test_dies(heap_free_misaligned));
}

/* ---- over the host VM (tests/fuzz/heap_exercise.h) ---- */

static struct heap_vm vm;

static bool vm_consistent(struct test_ctx *t, const struct heap *h)
{
	return EXPECT(heap_check(h)) && EXPECT(heap_vm_agrees(&vm, h));
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

static bool intact(const uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed + i * 13))
			return false;
	return true;
}

/* guard | a | guard in one shared chunk; a freed leaves a sparse block */
TEST(mem, heap_vm_free_decommits)
{
	struct heap h;
	struct heap_stats s0, s1;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	uint8_t *g1 = heap_alloc(&h, 1000, 0), *a = heap_alloc(&h, 200 << 10, 0);
	uint8_t *g2 = heap_alloc(&h, 1000, 0), *m = heap_alloc(&h, 3000, 0);
	if (!EXPECT(g1 && a && g2 && m))
		goto out;
	EXPECT_EQ(vm.grows, 1);
	fill(a, 200 << 10, 1);
	heap_stats(&h, &s0);
	heap_free(&h, a);
	heap_stats(&h, &s1);
	/* every whole page of the 200 KiB block is gone, in one call */
	EXPECT_EQ(vm.decommits, 1);
	EXPECT_GE(s0.bytes_committed - s1.bytes_committed, (200 << 10) - 2 * 4096);
	vm_consistent(t, &h);
	/* a medium free costs no callback, nor does one merging into the
	 * sparse block */
	heap_free(&h, m);
	heap_free(&h, g2);
	EXPECT_EQ(vm.decommits, 1);
	EXPECT_EQ(vm.commits, 0);
	vm_consistent(t, &h);
	/* allocating from the sparse block commits what it needs first (the
	 * fill would crash on a decommitted page) */
	a = heap_alloc(&h, 150 << 10, 0);
	if (!EXPECT(a != NULL))
		goto out;
	EXPECT_GE(vm.commits, 1);
	fill(a, 150 << 10, 2);
	vm_consistent(t, &h);
	/* shrinking it in place gives the tail's pages back */
	EXPECT(heap_realloc(&h, a, 100) == a);
	EXPECT_EQ(vm.decommits, 2);
	EXPECT(intact(a, 100, 2));
	vm_consistent(t, &h);
	heap_free(&h, a);
	heap_free(&h, g1);
	vm_consistent(t, &h);
out:
	heap_vm_destroy(&vm);
}

TEST(mem, heap_vm_commit_failure)
{
	struct heap h;
	struct heap_stats s;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	uint8_t *g1 = heap_alloc(&h, 1000, 0), *b = heap_alloc(&h, 1000, 0);
	uint8_t *a = heap_alloc(&h, 200 << 10, 0), *g2 = heap_alloc(&h, 1000, 0);
	if (!EXPECT(g1 && b && a && g2))
		goto out;
	fill(b, 1000, 3);
	heap_free(&h, a); /* b | sparse free block | g2 */
	heap_stats(&h, &s);
	/* allocation: the first commit fails, then every one */
	for (unsigned fails = 1; fails <= 2; fails++) {
		unsigned grows = vm.grows;
		vm.commit_fail_at = 1;
		vm.commit_fails = fails;
		EXPECT(heap_alloc(&h, 150 << 10, 0) == NULL);
		EXPECT_EQ(vm.grows, grows); /* it did not grow around the failure */
		vm_consistent(t, &h);
		EXPECT_GE(heap_largest_free(&h), 200 << 10);
	}
	/* realloc into the sparse neighbour: in place fails, and so does the
	 * move; the block is untouched */
	vm.commit_fail_at = 1;
	vm.commit_fails = 10;
	EXPECT(heap_realloc(&h, b, 100 << 10) == NULL);
	EXPECT(intact(b, 1000, 3));
	vm_consistent(t, &h);
	/* and once commits work again, it grows in place */
	vm.commit_fail_at = 0;
	vm.commit_fails = 0;
	EXPECT(heap_realloc(&h, b, 100 << 10) == b);
	EXPECT(intact(b, 1000, 3));
	fill(b, 100 << 10, 4);
	vm_consistent(t, &h);
	heap_free(&h, b);
	heap_free(&h, g1);
	heap_free(&h, g2);
	heap_trim(&h);
	heap_stats(&h, &s);
	EXPECT_EQ(s.chunks, 0);
	EXPECT_EQ(vm.committed, 0);
out:
	heap_vm_destroy(&vm);
}

/* A commit that fails after another one succeeded: a free block with two
 * decommitted runs around a committed middle needs two commits. */
TEST(mem, heap_vm_commit_failure_midway)
{
	struct heap h;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	void *g1 = heap_alloc(&h, 1000, 0), *a1 = heap_alloc(&h, 100 << 10, 0);
	void *a2 = heap_alloc(&h, 20 << 10, 0), *a3 = heap_alloc(&h, 100 << 10, 0);
	void *g2 = heap_alloc(&h, 1000, 0);
	uint8_t *p;
	if (!EXPECT(g1 && a1 && a2 && a3 && g2))
		goto out;
	EXPECT_EQ(vm.grows, 1);
	heap_free(&h, a1);
	heap_free(&h, a3);
	heap_free(&h, a2); /* below the threshold: its pages stay */
	EXPECT_EQ(vm.decommits, 2);
	vm.commit_fail_at = 2;
	EXPECT(heap_alloc(&h, 200 << 10, 0) == NULL);
	EXPECT_EQ(vm.commits, 2);
	vm_consistent(t, &h); /* the first run stays committed, and counted */
	p = heap_alloc(&h, 200 << 10, 0);
	if (!EXPECT(p != NULL))
		goto out;
	EXPECT_EQ(vm.commits, 3);
	fill(p, 200 << 10, 5);
	vm_consistent(t, &h);
	heap_free(&h, p);
	heap_free(&h, g1);
	heap_free(&h, g2);
	vm_consistent(t, &h);
out:
	heap_vm_destroy(&vm);
}

/* Whatever was allocated, after freeing everything heap_trim gives back
 * every chunk; without release, every page but the chunks' headers, tails
 * and page maps. */
TEST(mem, heap_vm_trim_all)
{
	for (int with_release = 1; with_release >= 0; with_release--) {
		struct heap h;
		struct heap_stats s;
		static void *p[3000];
		uint64_t seed = 0x1234567ull;
		size_t before;
		heap_vm_init(&vm, 4096, with_release, true);
		heap_init(&h, &vm.ops, &vm);
		for (unsigned i = 0; i < ARRAY_SIZE(p); i++) {
			uint64_t k = rng_next(&seed) % 100;
			size_t n = k < 70   ? rng_next(&seed) % 512
				   : k < 97 ? rng_next(&seed) % 30000
					    : rng_next(&seed) % (1 << 20);
			if (!EXPECT((p[i] = heap_alloc(&h, n, 0)) != NULL))
				break;
			memset(p[i], 0x5a, n);
		}
		for (unsigned i = 0; i < ARRAY_SIZE(p); i++)
			heap_free(&h, p[ARRAY_SIZE(p) - 1 - i]);
		vm_consistent(t, &h);
		heap_stats(&h, &s);
		before = s.bytes_committed;
		EXPECT_EQ(heap_trim(&h), before - vm.committed);
		vm_consistent(t, &h);
		heap_stats(&h, &s);
		EXPECT_EQ(s.bytes_in_use, 0);
		if (with_release) {
			EXPECT_EQ(s.chunks, 0);
			EXPECT_EQ(vm.committed, 0);
			EXPECT_EQ(vm.releases, vm.grows);
		} else {
			size_t allowed = 0;
			for (unsigned i = 0; i < vm.n; i++)
				allowed += 3 * 4096 + vm.c[i].bytes / 4096 / 8;
			EXPECT_GT(s.chunks, 1);
			EXPECT_LE(vm.committed, allowed);
			/* and the largest block comes back into use, every page */
			size_t big = heap_largest_free(&h);
			void *q = heap_alloc(&h, big, 0);
			if (EXPECT(q != NULL))
				memset(q, 1, big);
			heap_free(&h, q);
			vm_consistent(t, &h);
		}
		heap_vm_destroy(&vm);
	}
}

/* A program's lifetime: 300 MB in mixed sizes, a few small blocks live on
 * (spread over the heap), the rest freed, then heap_trim: all but a few
 * pages come back. */
TEST(mem, heap_vm_program_pattern)
{
	enum { KEEP_EVERY = 12000 };
	struct heap h;
	struct heap_stats s;
	size_t total = 0, n = 0, cap = 400000, kept = 0, allowed = 0;
	uint64_t seed = 0xfeedbeefull;
	void **p = malloc(cap * sizeof(*p));
	if (!EXPECT(p != NULL))
		return;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	while (total < (300u << 20) && n < cap) {
		uint64_t k = rng_next(&seed) % 1000;
		size_t size = k < 900	? 16 + rng_next(&seed) % 500
			      : k < 980 ? 512 + rng_next(&seed) % 8000
			      : k < 999 ? 8192 + rng_next(&seed) % (120 << 10)
					: (256 << 10) + rng_next(&seed) % (2 << 20);
		if (n % KEEP_EVERY == KEEP_EVERY / 2)
			size = 100;
		uint8_t *q = heap_alloc(&h, size, 0);
		if (!EXPECT(q != NULL))
			break;
		q[0] = q[size - 1] = 7;
		p[n++] = q;
		total += size;
	}
	heap_stats(&h, &s);
	test_printf(t, "  %zu blocks, %zu chunks, %zu MB committed\n", n, s.chunks,
		    s.bytes_committed >> 20);
	EXPECT_LE(s.chunks, 200);
	/* free in a scattered order (a stride coprime with n) */
	size_t stride = 7919;
	while (n % stride == 0)
		stride += 2;
	for (size_t i = 0, j = 0; i < n; i++, j = (j + stride) % n)
		if (j % KEEP_EVERY == KEEP_EVERY / 2)
			kept++;
		else
			heap_free(&h, p[j]);
	heap_stats(&h, &s);
	test_printf(t, "  freed: %zu MB still committed before heap_trim\n",
		    s.bytes_committed >> 20);
	heap_trim(&h);
	vm_consistent(t, &h);
	heap_stats(&h, &s);
	EXPECT_EQ(s.allocs, kept);
	EXPECT_LE(s.chunks, kept);
	for (unsigned i = 0; i < vm.n; i++)
		allowed += 3 * 4096 + vm.c[i].bytes / 4096 / 8;
	allowed += kept * 2 * 4096;
	test_printf(t, "  after heap_trim: %zu chunks, %zu KB committed (allowed %zu KB)\n",
		    s.chunks, s.bytes_committed >> 10, allowed >> 10);
	EXPECT_LE(s.bytes_committed, allowed);
	for (size_t j = KEEP_EVERY / 2; j < n; j += KEEP_EVERY)
		heap_free(&h, p[j]);
	heap_trim(&h);
	heap_stats(&h, &s);
	EXPECT_EQ(s.chunks, 0);
	EXPECT_EQ(vm.committed, 0);
	heap_vm_destroy(&vm);
	free(p);
}

/* Allocating and freeing one block again and again calls back nothing,
 * once its chunk exists; a block over HEAP_KEEP_MAX keeps its chunk but
 * gives its pages back each time; a second emptied chunk releases the
 * first. */
TEST(mem, heap_vm_hysteresis)
{
	struct heap h;
	struct heap_stats s;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	for (int i = 0; i < 1000; i++) {
		uint8_t *p = heap_alloc(&h, 1 << 20, 0);
		if (!EXPECT(p != NULL))
			goto out;
		p[i * 1000] = 1;
		heap_free(&h, p);
	}
	EXPECT_EQ(vm.grows, 1);
	EXPECT_EQ(vm.releases + vm.commits + vm.decommits, 0);
	/* the large block had a chunk of its own, sized to fit */
	EXPECT_LE(vm.c[0].bytes, (1 << 20) + 2 * 4096);
	vm_consistent(t, &h);

	for (int i = 0; i < 100; i++) {
		uint8_t *p = heap_alloc(&h, 8 << 20, 0);
		if (!EXPECT(p != NULL))
			goto out;
		p[i * 10000] = 1;
		heap_free(&h, p);
	}
	/* 8 MiB: one more chunk (the kept 1 MiB one is released when the
	 * 8 MiB one empties), its pages decommitted at each free, committed
	 * at each allocation but the first */
	EXPECT_EQ(vm.grows, 2);
	EXPECT_EQ(vm.releases, 1);
	EXPECT_EQ(vm.decommits, 100);
	EXPECT_EQ(vm.commits, 99);
	heap_stats(&h, &s);
	EXPECT_EQ(s.chunks, 1);
	EXPECT_LE(s.bytes_committed, 4 * 4096);
	vm_consistent(t, &h);
	EXPECT_EQ(heap_trim(&h), s.bytes_committed);
	EXPECT_EQ(vm.n, 0);
out:
	heap_vm_destroy(&vm);
}

/* Medium blocks churned at random never call decommit or commit: the
 * threshold keeps the common path free of callbacks. */
TEST(mem, heap_vm_medium_no_callbacks)
{
	static void *p[512];
	struct heap h;
	uint64_t seed = 99;
	heap_vm_init(&vm, 4096, true, true);
	heap_init(&h, &vm.ops, &vm);
	for (int i = 0; i < 200000; i++) {
		unsigned k = (unsigned)(rng_next(&seed) % ARRAY_SIZE(p));
		if (p[k]) {
			heap_free(&h, p[k]);
			p[k] = NULL;
		} else if (!EXPECT((p[k] = heap_alloc(&h, rng_next(&seed) % 16000, 0)) != NULL)) {
			break;
		}
	}
	EXPECT_EQ(vm.decommits + vm.commits, 0);
	vm_consistent(t, &h);
	for (unsigned k = 0; k < ARRAY_SIZE(p); k++)
		heap_free(&h, p[k]);
	heap_vm_destroy(&vm);
}

/* Random sequences over every VM configuration (tests/fuzz/heap_exercise.h
 * checks each step), with enough happening to mean something. */
TEST(mem, heap_vm_random)
{
	static uint8_t in[4001];
	struct heap_exercise_result sum = {0};
	uint64_t seed = 0x5eedull;
	for (unsigned cfg = 0; cfg < 128; cfg += 5) {
		for (size_t i = 0; i < sizeof(in); i++)
			in[i] = (uint8_t)rng_next(&seed);
		in[0] = (uint8_t)cfg;
		struct heap_exercise_result r = heap_exercise(in, sizeof(in));
		sum.ops += r.ops;
		sum.allocs += r.allocs;
		sum.failed_allocs += r.failed_allocs;
		sum.trims += r.trims;
		sum.releases += r.releases;
		sum.commits += r.commits;
		sum.decommits += r.decommits;
	}
	test_printf(t,
		    "  %u ops, %u allocs (%u failed), %u trims, %u releases, %u commits, %u "
		    "decommits\n",
		    sum.ops, sum.allocs, sum.failed_allocs, sum.trims, sum.releases, sum.commits,
		    sum.decommits);
	EXPECT_GT(sum.failed_allocs, 0);
	EXPECT_GT(sum.releases, 100);
	EXPECT_GT(sum.commits, 100);
	EXPECT_GT(sum.decommits, 100);
}

static void replay_heap(void *arg, const char *path, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)path;
	(void)heap_exercise(data, len);
}

TEST(mem, heap_fuzz_regress)
{
	EXPECT_GE(fuzz_corpus_replay(t, "tests/fuzz/regress/heap", replay_heap, NULL), 3u);
}
