/*
 * bench_heap.c - lib/mem/heap's common paths on the host.
 *
 *   bench_heap [--runs N] [--only WORKLOAD]
 *
 * Four workloads, each a fixed pseudo-random sequence over 1024 slots (an
 * empty slot is filled by an allocation, a full one is freed):
 *   small      1..512 bytes: the size-class caches
 *   medium     600..16384 bytes: the coalescing lists, no page is ever decommitted
 *   mixed      70% small, 25% up to 8000, 5% up to 70000 bytes
 *   big_loop   one 1 MiB block allocated and freed again and again
 * Chunks come from mmap, decommitted pages are dropped with madvise, as
 * the kernel's would be. Prints "bench=heap workload=NAME ns_per_op=X", the
 * median over the runs of the wall time divided by the operations.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "base/err.h"
#include "mem/heap.h"

#define SLOTS 1024

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The chunks of one run, unmapped at its end or when the heap releases them. */
struct bench_mem {
	void *base[4096];
	size_t bytes[4096];
	unsigned n;
};

static int bench_grow(void *arg, size_t min_bytes, void **base, size_t *bytes)
{
	struct bench_mem *m = arg;
	/* as the kernel's grow does: at least 256 KiB, whole pages */
	size_t n = ((min_bytes > (256u << 10) ? min_bytes : (256u << 10)) + 4095) & ~(size_t)4095;
	void *p;
	if (m->n == sizeof(m->base) / sizeof(m->base[0]))
		return ERR_NOMEM;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return ERR_NOMEM;
	m->base[m->n] = *base = p;
	m->bytes[m->n++] = *bytes = n;
	return 0;
}

static void bench_release(void *arg, void *base, size_t bytes)
{
	struct bench_mem *m = arg;
	for (unsigned i = 0; i < m->n; i++)
		if (m->base[i] == base) {
			m->n--;
			m->base[i] = m->base[m->n];
			m->bytes[i] = m->bytes[m->n];
			break;
		}
	munmap(base, bytes);
}

/* Like a kernel that maps frames on demand: the pages refault as zeros. */
static void bench_decommit(void *arg, void *addr, size_t bytes)
{
	(void)arg;
	madvise(addr, bytes, MADV_DONTNEED);
}

static int bench_commit(void *arg, void *addr, size_t bytes)
{
	(void)arg;
	(void)addr;
	(void)bytes;
	return 0;
}

static const struct heap_ops bench_ops = {bench_grow, bench_release, bench_decommit, bench_commit,
					  4096};

static void bench_mem_unmap(struct bench_mem *m)
{
	while (m->n > 0) {
		m->n--;
		munmap(m->base[m->n], m->bytes[m->n]);
	}
}

static struct bench_mem mem;

static size_t size_small(uint64_t *s)
{
	return 1 + rng_next(s) % 512;
}

static size_t size_medium(uint64_t *s)
{
	return 600 + rng_next(s) % (16384 - 600);
}

static size_t size_mixed(uint64_t *s)
{
	uint64_t k = rng_next(s) % 100;
	return k < 70 ? 1 + rng_next(s) % 512 : k < 95 ? rng_next(s) % 8000 : rng_next(s) % 70000;
}

/* One run of a slot workload: ns per operation. Not inlined, so that
 * valgrind --tool=callgrind --toggle-collect=bench_slots counts it alone. */
__attribute__((noinline)) static double bench_slots(size_t (*size_of)(uint64_t *), unsigned ops)
{
	static void *slot[SLOTS];
	struct heap h;
	uint64_t seed = 0x9e3779b97f4a7c15ull, t0;

	heap_init(&h, &bench_ops, &mem);
	memset(slot, 0, sizeof(slot));
	t0 = now_ns();
	for (unsigned i = 0; i < ops; i++) {
		unsigned k = (unsigned)(rng_next(&seed) % SLOTS);
		if (slot[k]) {
			heap_free(&h, slot[k]);
			slot[k] = NULL;
		} else if ((slot[k] = heap_alloc(&h, size_of(&seed), 0)) != NULL) {
			*(volatile char *)slot[k] = 1;
		}
	}
	t0 = now_ns() - t0;
	if (!heap_check(&h))
		abort();
	bench_mem_unmap(&mem);
	return (double)t0 / ops;
}

__attribute__((noinline)) static double bench_big_loop(unsigned ops)
{
	struct heap h;
	uint64_t t0;

	heap_init(&h, &bench_ops, &mem);
	t0 = now_ns();
	for (unsigned i = 0; i < ops; i++) {
		char *p = heap_alloc(&h, 1 << 20, 0);
		if (!p)
			abort();
		p[i % (1 << 20)] = 1;
		heap_free(&h, p);
	}
	t0 = now_ns() - t0;
	bench_mem_unmap(&mem);
	return (double)t0 / ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t (*size_of)(uint64_t *);
		unsigned ops;
	} w[] = {{"small", size_small, 4000000},
		 {"medium", size_medium, 2000000},
		 {"mixed", size_mixed, 2000000},
		 {"big_loop", NULL, 200000}};
	unsigned runs = 5;
	const char *only = NULL;
	double r[32];

	for (int a = 1; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--runs") == 0)
			runs = (unsigned)atoi(argv[a + 1]);
		else if (strcmp(argv[a], "--only") == 0)
			only = argv[a + 1];
		else
			runs = 0;
	}
	if (runs < 1 || runs > 32 || argc % 2 == 0) {
		fprintf(stderr, "usage: bench_heap [--runs 1..32] [--only WORKLOAD]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (only && strcmp(only, w[i].name) != 0)
			continue;
		for (unsigned k = 0; k < runs; k++)
			r[k] = w[i].size_of ? bench_slots(w[i].size_of, w[i].ops)
					    : bench_big_loop(w[i].ops);
		qsort(r, runs, sizeof(r[0]), cmp_double);
		printf("bench=heap workload=%s ns_per_op=%.1f\n", w[i].name, r[runs / 2]);
	}
	return 0;
}
