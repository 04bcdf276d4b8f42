/* mem_heap_test.c - lib/mem/heap over separately allocated host chunks. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "test_dies.h"
#include "mem/heap.h"

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
	EXPECT_EQ(s.bytes_free, s.bytes_total - 32 * g->n);
	if (g->n == 1)
		EXPECT_EQ(heap_largest_free(h), s.bytes_free - 16);
}

TEST(mem, heap_basic)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 4};
	struct heap h;
	struct heap_stats s;
	heap_init(&h, grow, &g);
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
	EXPECT_EQ(s.bytes_in_use + s.bytes_free + 32, s.bytes_total);
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
	heap_init(&h, grow, &g);
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
	heap_init(&h, grow, &g);
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
	heap_init(&h, grow, &g);
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
	heap_init(&h, grow, &g);
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
	heap_init(&h, grow, &g);
	void *p = heap_alloc(&h, 40, 0);
	heap_free(&h, p);
	heap_free(&h, p);
}

static void heap_double_free_large(void)
{
	struct grower g = {.chunk_bytes = 64 << 10, .max_chunks = 1};
	struct heap h;
	heap_init(&h, grow, &g);
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
	heap_init(&h, grow, &g);
	char *p = heap_alloc(&h, 4000, 0);
	heap_free(&h, p + 8);
}

TEST(mem, heap_asserts)
{
	EXPECT(test_dies(heap_double_free_small));
	EXPECT(test_dies(heap_double_free_large));
	EXPECT(test_dies(heap_free_misaligned));
}
