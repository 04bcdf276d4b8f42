/* mem_buddy_test.c - lib/mem/buddy and frame_cache on host memory. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "test_dies.h"
#include "mem/buddy.h"
#include "mem/frame_cache.h"

#define FRAME BUDDY_FRAME_SIZE

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Host memory posing as physical memory at `phys_base`. */
struct arena {
	uint8_t *mem;
	uint64_t phys_base, bytes;
	void *meta;
};

static bool arena_new(struct arena *a, uint64_t phys_base, uint64_t bytes, size_t align)
{
	a->mem = aligned_alloc(align, bytes);
	a->meta = malloc(buddy_meta_size(bytes));
	a->phys_base = phys_base ? phys_base : (uint64_t)(uintptr_t)a->mem;
	a->bytes = bytes;
	return a->mem && a->meta;
}

static void arena_free(struct arena *a)
{
	free(a->mem);
	free(a->meta);
}

static uintptr_t arena_offset(const struct arena *a)
{
	return (uintptr_t)a->mem - (uintptr_t)a->phys_base;
}

/* Number of free blocks per order (walks the lists). */
static void census(const struct buddy *b, uint64_t out[BUDDY_ORDERS])
{
	for (unsigned o = 0; o < BUDDY_ORDERS; o++) {
		out[o] = 0;
		for (uint64_t p = b->head[o]; p != BUDDY_NIL;
		     p = *(const uint64_t *)(uintptr_t)(p + b->virt_offset))
			out[o]++;
	}
}

TEST(mem, buddy_region_carving)
{
	struct arena a;
	struct buddy b;
	uint64_t c[BUDDY_ORDERS];
	/* phys [0x80003000, 0x80400800): unaligned end, 1021 frames */
	if (!EXPECT(arena_new(&a, 0x80000000, 0x401000, 4096)))
		return;
	buddy_init(&b, arena_offset(&a));
	EXPECT_OK(buddy_add_region(&b, 0x80003000, 0x80400800, a.meta));
	EXPECT_EQ_U(buddy_total_frames(&b), 0x3fd);
	EXPECT_EQ_U(buddy_free_frames(&b), 0x3fd);
	EXPECT(buddy_check(&b));
	census(&b, c);
	/* 0x80003000: 1 frame, 0x80004000: 4 frames... up to 0x80400000 */
	EXPECT_EQ(c[0], 1);
	EXPECT_EQ(c[1], 0);
	EXPECT_EQ(c[2], 1);
	EXPECT_EQ(c[9], 1);
	EXPECT_EQ(c[10], 0);
	EXPECT_EQ(b.head[2], 0x80004000);
	EXPECT_EQ(b.head[9], 0x80200000);
	/* empty once aligned: ignored; overlap: refused */
	EXPECT_OK(buddy_add_region(&b, 0x90000010, 0x90000ff0, a.meta));
	EXPECT_EQ(b.n_regions, 1);
	EXPECT_EQ(buddy_add_region(&b, 0x80000000, 0x80004000, a.meta), ERR_INVAL);
	EXPECT_EQ(buddy_add_region(&b, 0x80004000, 0x80003000, a.meta), ERR_INVAL);
	EXPECT_EQ(buddy_add_region(&b, 0x90000000, 0x90001000, NULL), ERR_INVAL);
	arena_free(&a);
}

TEST(mem, buddy_max_regions)
{
	struct buddy b;
	static uint64_t meta[(BUDDY_MAX_REGIONS + 1) * 32];
	size_t msize = buddy_meta_size(FRAME);
	uint8_t *mem = aligned_alloc(FRAME, (BUDDY_MAX_REGIONS + 1) * 2 * FRAME);
	if (!EXPECT(mem != NULL) || !EXPECT_LE(msize * (BUDDY_MAX_REGIONS + 1), sizeof(meta)))
		return;
	buddy_init(&b, 0);
	for (unsigned i = 0; i <= BUDDY_MAX_REGIONS; i++) {
		uint64_t s = (uint64_t)(uintptr_t)mem + 2 * i * FRAME; /* gaps: no adjacency */
		int e = buddy_add_region(&b, s, s + FRAME, (uint8_t *)meta + i * msize);
		EXPECT_EQ(e, i < BUDDY_MAX_REGIONS ? 0 : ERR_RANGE);
	}
	EXPECT_EQ_U(buddy_total_frames(&b), BUDDY_MAX_REGIONS);
	/* single frames in separate regions never merge */
	uint64_t p;
	EXPECT_EQ(buddy_alloc(&b, 1, &p), ERR_NOMEM);
	EXPECT_EQ(buddy_alloc(&b, BUDDY_MAX_ORDER + 1, &p), ERR_INVAL);
	EXPECT(buddy_check(&b));
	free(mem);
}

/* Allocates every frame at order 0, frees all, and expects the initial
 * block layout back (full coalescing). */
TEST(mem, buddy_exhaust_and_coalesce)
{
	struct arena a;
	struct buddy b;
	uint64_t before[BUDDY_ORDERS], after[BUDDY_ORDERS], p;
	if (!EXPECT(arena_new(&a, 0, 2u << 20, 1u << 20)))
		return;
	buddy_init(&b, 0);
	EXPECT_OK(buddy_add_region(&b, a.phys_base + FRAME, a.phys_base + a.bytes, a.meta));
	census(&b, before);
	uint64_t total = buddy_total_frames(&b), n = 0;
	uint64_t *got = malloc(total * sizeof(*got));
	while (buddy_alloc(&b, 0, &p) == 0) {
		if (n < total)
			got[n] = p;
		n++;
	}
	EXPECT_EQ_U(n, total);
	EXPECT_EQ_U(buddy_free_frames(&b), 0);
	EXPECT(buddy_check(&b));
	/* free in a scrambled order */
	uint64_t seed = 12345;
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = rng_next(&seed) % i, tmp = got[i - 1];
		got[i - 1] = got[j];
		got[j] = tmp;
	}
	for (uint64_t i = 0; i < n && i < total; i++)
		buddy_free(&b, got[i], 0);
	EXPECT_EQ_U(buddy_free_frames(&b), total);
	EXPECT(buddy_check(&b));
	census(&b, after);
	EXPECT(memcmp(before, after, sizeof(before)) == 0);
	/* recovered: a big block is available again */
	EXPECT_OK(buddy_alloc(&b, 8, &p));
	EXPECT_EQ_U(p % (FRAME << 8), 0);
	free(got);
	arena_free(&a);
}

struct live {
	uint64_t phys;
	unsigned order;
};

/* Random alloc/free against a shadow model: every live block carries a
 * stamp in each of its frames, checked at free; ownership of each frame is
 * tracked so overlapping allocations are caught. */
TEST(mem, buddy_random_shadow)
{
	enum { BYTES = 8u << 20, OPS = 30000 };
	struct arena a;
	struct buddy b;
	static struct live live[4096];
	unsigned n_live = 0;
	uint64_t seed = 0xfeedface, base;
	if (!EXPECT(arena_new(&a, 0x40000000, BYTES, 4096)))
		return;
	uint8_t *owner = calloc(BYTES / FRAME, 1);
	buddy_init(&b, arena_offset(&a));
	base = a.phys_base;
	EXPECT_OK(buddy_add_region(&b, base + 5 * FRAME, base + BYTES - 3 * FRAME, a.meta));
	uint64_t total = buddy_total_frames(&b), used = 0;
	for (int op = 0; op < OPS; op++) {
		bool do_alloc =
			n_live == 0 || (n_live < ARRAY_SIZE(live) && rng_next(&seed) % 100 < 55);
		if (do_alloc) {
			unsigned order =
				(unsigned)(rng_next(&seed) % 100 < 80 ? rng_next(&seed) % 3
								      : rng_next(&seed) % 9);
			uint64_t p;
			int e = buddy_alloc(&b, order, &p);
			if (e == ERR_NOMEM)
				continue;
			if (!EXPECT_OK(e) || !EXPECT_EQ_U(p % (FRAME << order), 0) ||
			    !EXPECT(p >= base + 5 * FRAME &&
				    p + (FRAME << order) <= base + BYTES - 3 * FRAME))
				break;
			for (uint64_t f = 0; f < (1ull << order); f++) {
				uint64_t idx = (p - base) / FRAME + f;
				if (!EXPECT_EQ(owner[idx], 0))
					goto out;
				owner[idx] = 1;
				memcpy(a.mem + (p - base) + f * FRAME, &p, sizeof(p));
			}
			live[n_live++] = (struct live){p, order};
			used += 1ull << order;
		} else {
			unsigned i = (unsigned)(rng_next(&seed) % n_live);
			struct live l = live[i];
			live[i] = live[--n_live];
			for (uint64_t f = 0; f < (1ull << l.order); f++) {
				uint64_t stamp;
				memcpy(&stamp, a.mem + (l.phys - base) + f * FRAME, sizeof(stamp));
				if (!EXPECT_EQ_U(stamp, l.phys))
					goto out;
				owner[(l.phys - base) / FRAME + f] = 0;
			}
			buddy_free(&b, l.phys, l.order);
			used -= 1ull << l.order;
		}
		if (!EXPECT_EQ_U(buddy_free_frames(&b), total - used))
			break;
		if (op % 2000 == 0 && !EXPECT(buddy_check(&b)))
			break;
	}
	while (n_live > 0) {
		n_live--;
		buddy_free(&b, live[n_live].phys, live[n_live].order);
	}
	EXPECT_EQ_U(buddy_free_frames(&b), total);
	EXPECT(buddy_check(&b));
out:
	free(owner);
	arena_free(&a);
}

static void buddy_double_free(void)
{
	static uint64_t meta[64];
	struct buddy b;
	uint64_t p, q;
	uint8_t *mem = aligned_alloc(16 * FRAME, 16 * FRAME);
	buddy_init(&b, 0);
	buddy_add_region(&b, (uintptr_t)mem, (uintptr_t)mem + 16 * FRAME, meta);
	buddy_alloc(&b, 0, &p);
	buddy_alloc(&b, 0, &q); /* keeps p's buddy busy so p stays an order-0 block */
	buddy_free(&b, p, 0);
	buddy_free(&b, p, 0);
}

static void buddy_free_inside_free_block(void)
{
	static uint64_t meta[64];
	struct buddy b;
	uint8_t *mem = aligned_alloc(16 * FRAME, 16 * FRAME);
	buddy_init(&b, 0);
	buddy_add_region(&b, (uintptr_t)mem, (uintptr_t)mem + 16 * FRAME, meta);
	buddy_free(&b, (uintptr_t)mem + 4 * FRAME, 0); /* never allocated */
}

static void buddy_free_foreign(void)
{
	static uint64_t meta[64];
	struct buddy b;
	uint8_t *mem = aligned_alloc(16 * FRAME, 16 * FRAME);
	uint64_t p;
	buddy_init(&b, 0);
	buddy_add_region(&b, (uintptr_t)mem, (uintptr_t)mem + 16 * FRAME, meta);
	buddy_alloc(&b, 0, &p);
	buddy_free(&b, (uintptr_t)mem + 64 * FRAME, 0);
}

static void buddy_free_misaligned(void)
{
	static uint64_t meta[64];
	struct buddy b;
	uint8_t *mem = aligned_alloc(16 * FRAME, 16 * FRAME);
	uint64_t p;
	buddy_init(&b, 0);
	buddy_add_region(&b, (uintptr_t)mem, (uintptr_t)mem + 16 * FRAME, meta);
	buddy_alloc(&b, 2, &p);
	buddy_free(&b, p + FRAME, 2);
}

TEST(mem, buddy_asserts)
{
	EXPECT(test_dies(buddy_double_free));
	EXPECT(test_dies(buddy_free_inside_free_block));
	EXPECT(test_dies(buddy_free_foreign));
	EXPECT(test_dies(buddy_free_misaligned));
}

TEST(mem, frame_cache_basic)
{
	struct arena a;
	struct buddy b;
	struct frame_cache c;
	uint64_t p, got[FRAME_CACHE_SIZE + 1];
	if (!EXPECT(arena_new(&a, 0, 40 * FRAME, FRAME)))
		return;
	buddy_init(&b, 0);
	EXPECT_OK(buddy_add_region(&b, a.phys_base, a.phys_base + a.bytes, a.meta));
	frame_cache_init(&c);
	EXPECT_EQ(frame_cache_pop(&c, &p), ERR_NOMEM);
	EXPECT_EQ(frame_cache_refill(&c, &b), FRAME_CACHE_SIZE / 2);
	EXPECT_EQ_U(buddy_free_frames(&b), 40 - FRAME_CACHE_SIZE / 2);
	EXPECT_EQ(frame_cache_refill(&c, &b), 0); /* already half full */
	unsigned n = 0;
	for (;;) {
		if (frame_cache_pop(&c, &p) < 0) {
			int e = frame_cache_refill(&c, &b);
			if (e == ERR_NOMEM)
				break;
			if (!EXPECT_GT(e, 0) || !EXPECT_OK(frame_cache_pop(&c, &p)))
				break;
		}
		if (n < ARRAY_SIZE(got))
			got[n] = p;
		n++;
	}
	EXPECT_EQ(n, 40);
	EXPECT_EQ_U(buddy_free_frames(&b), 0);
	for (unsigned i = 0; i < n && i < ARRAY_SIZE(got); i++) {
		if (frame_cache_push(&c, got[i]) == ERR_NOSPC) {
			frame_cache_drain(&c, &b, FRAME_CACHE_SIZE / 2);
			EXPECT_EQ(c.n, FRAME_CACHE_SIZE / 2);
			EXPECT_OK(frame_cache_push(&c, got[i]));
		}
	}
	frame_cache_drain(&c, &b, 0);
	EXPECT_EQ(c.n, 0);
	EXPECT_EQ_U(buddy_free_frames(&b), 40);
	EXPECT(buddy_check(&b));
	arena_free(&a);
}

/* The documented locking pattern: one cache per thread, the buddy behind a
 * mutex taken only to refill or drain. Run under TSan. */
struct stress {
	struct buddy *b;
	pthread_mutex_t *lock;
	unsigned seed;
	bool ok;
};

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	struct frame_cache c;
	uint64_t held[256], seed = s->seed;
	unsigned n = 0;
	frame_cache_init(&c);
	s->ok = true;
	for (int op = 0; op < 20000; op++) {
		uint64_t p;
		if (n < ARRAY_SIZE(held) && (n == 0 || rng_next(&seed) % 2)) {
			if (frame_cache_pop(&c, &p) < 0) {
				pthread_mutex_lock(s->lock);
				int e = frame_cache_refill(&c, s->b);
				pthread_mutex_unlock(s->lock);
				if (e < 0 || frame_cache_pop(&c, &p) < 0)
					continue;
			}
			*(volatile uint64_t *)(uintptr_t)p = p; /* the frame is ours alone */
			held[n++] = p;
		} else {
			p = held[--n];
			if (*(volatile uint64_t *)(uintptr_t)p != p)
				s->ok = false;
			if (frame_cache_push(&c, p) < 0) {
				pthread_mutex_lock(s->lock);
				frame_cache_drain(&c, s->b, FRAME_CACHE_SIZE / 2);
				pthread_mutex_unlock(s->lock);
				frame_cache_push(&c, p);
			}
		}
	}
	pthread_mutex_lock(s->lock);
	while (n > 0)
		if (frame_cache_push(&c, held[n - 1]) == 0)
			n--;
		else
			frame_cache_drain(&c, s->b, 0);
	frame_cache_drain(&c, s->b, 0);
	pthread_mutex_unlock(s->lock);
	return NULL;
}

TEST(mem, frame_cache_threads)
{
	enum { THREADS = 4 };
	struct arena a;
	struct buddy b;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_t th[THREADS];
	struct stress s[THREADS];
	if (!EXPECT(arena_new(&a, 0, 4u << 20, FRAME)))
		return;
	buddy_init(&b, 0);
	EXPECT_OK(buddy_add_region(&b, a.phys_base, a.phys_base + a.bytes, a.meta));
	for (unsigned i = 0; i < THREADS; i++) {
		s[i] = (struct stress){&b, &lock, 1000 + i, false};
		pthread_create(&th[i], NULL, stress_thread, &s[i]);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT(s[i].ok);
	}
	EXPECT_EQ_U(buddy_free_frames(&b), buddy_total_frames(&b));
	EXPECT(buddy_check(&b));
	arena_free(&a);
}
