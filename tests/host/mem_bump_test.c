/* mem_bump_test.c - lib/mem/bump: merging rules, allocation, subtraction. */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "mem/bump.h"

#define R(s, e) ((struct mem_range){(s), (e)})

static bool ranges_eq(struct test_ctx *t, const struct mem_range *got, unsigned n,
		      const struct mem_range *want, unsigned nw)
{
	bool ok = EXPECT_EQ(n, nw);
	for (unsigned i = 0; ok && i < n; i++)
		ok = EXPECT_EQ_U(got[i].start, want[i].start) &&
		     EXPECT_EQ_U(got[i].end, want[i].end);
	return ok;
}

TEST(mem, bump_init_merges)
{
	const struct mem_range in[] = {
		R(0x3000, 0x5000),
		R(0x1000, 0x2000),
		R(0x2000, 0x3000),   /* adjacent */
		R(0x10000, 0x10800), /* < a page once aligned */
		R(0x20010, 0x30000),
		R(0x4000, 0x4800), /* overlapping */
		R(7, 7),	   /* empty */
		R(0x41800, 0x42800),
		R(0x42800, 0x44000), /* adjacent, merged before aligning */
	};
	const struct mem_range want[] = {R(0x1000, 0x5000), R(0x21000, 0x30000),
					 R(0x42000, 0x44000)};
	struct bump b;
	struct mem_range out[BUMP_MAX_RANGES];
	if (!EXPECT_OK(bump_init(&b, in, ARRAY_SIZE(in))))
		return;
	EXPECT(bump_check(&b));
	ranges_eq(t, out, bump_free_ranges(&b, out, BUMP_MAX_RANGES), want, ARRAY_SIZE(want));
	EXPECT_EQ(bump_free_ranges(&b, out, 1), 1);
	EXPECT_EQ_U(bump_used(&b), 0);
	EXPECT_OK(bump_init(&b, in, 0));
	EXPECT_EQ(b.n, 0);
}

TEST(mem, bump_init_limits)
{
	struct mem_range in[BUMP_MAX_RANGES + 2];
	struct bump b, before;
	for (unsigned i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = R(0x100000 * (i + 1), 0x100000 * (i + 1) + 0x1000);
	memset(&b, 0x77, sizeof(b));
	before = b;
	EXPECT_EQ(bump_init(&b, in, BUMP_MAX_RANGES + 1), ERR_RANGE);
	EXPECT(memcmp(&b, &before, sizeof(b)) == 0);
	EXPECT_OK(bump_init(&b, in, BUMP_MAX_RANGES));
	EXPECT_EQ(b.n, BUMP_MAX_RANGES);
	/* 17 disjoint ranges, but the 18th covers them all: exact, not greedy */
	in[BUMP_MAX_RANGES + 1] = R(0, 0x10000000);
	EXPECT_OK(bump_init(&b, in, ARRAY_SIZE(in)));
	EXPECT_EQ(b.n, 1);
	/* 17 ranges where two are adjacent: 16 after merging */
	in[BUMP_MAX_RANGES] = R(in[0].end, in[0].end + 0x1000);
	EXPECT_OK(bump_init(&b, in, BUMP_MAX_RANGES + 1));
	EXPECT_EQ(b.n, BUMP_MAX_RANGES);
	/* inverted range */
	in[3] = R(0x5000, 0x4000);
	EXPECT_EQ(bump_init(&b, in, 4), ERR_INVAL);
	/* the top of the address space does not wrap */
	in[0] = R(UINT64_MAX - 0x800, UINT64_MAX);
	in[1] = R(UINT64_MAX - 0x3fff, UINT64_MAX - 0x1000);
	EXPECT_OK(bump_init(&b, in, 1));
	EXPECT_EQ(b.n, 0);
	EXPECT_OK(bump_init(&b, in + 1, 1));
	EXPECT_EQ(b.n, 1);
	EXPECT(bump_check(&b));
}

TEST(mem, bump_alloc)
{
	const struct mem_range in[] = {R(0x10000, 0x12000), R(0x20000, 0x40000)};
	struct bump b;
	struct mem_range out[BUMP_MAX_RANGES];
	uint64_t p = 0;
	if (!EXPECT_OK(bump_init(&b, in, 2)))
		return;
	EXPECT_OK(bump_alloc(&b, 0x100, 8, &p));
	EXPECT_EQ_U(p, 0x10000);
	EXPECT_OK(bump_alloc(&b, 0x1000, 0x1000, &p)); /* padding 0x10100..0x11000 lost */
	EXPECT_EQ_U(p, 0x11000);
	EXPECT_EQ_U(bump_used(&b), 0x2000);
	EXPECT_EQ(b.n, 1); /* the first range is used up */
	EXPECT_OK(bump_alloc(&b, 0x10, 0, &p));
	EXPECT_EQ_U(p, 0x20000);
	EXPECT_OK(bump_alloc(&b, 0x1000, 0x10000, &p));
	EXPECT_EQ_U(p, 0x30000);
	EXPECT_EQ(bump_alloc(&b, 0x10000, 0x1000, &p), ERR_NOMEM);
	EXPECT_EQ(bump_alloc(&b, 0, 0x1000, &p), ERR_INVAL);
	EXPECT_EQ(bump_alloc(&b, 1, 3, &p), ERR_INVAL);
	EXPECT_EQ(bump_alloc(&b, 1, 1ull << 63, &p), ERR_NOMEM);
	/* after a failure the rest is still usable */
	EXPECT_OK(bump_alloc(&b, 0xf000, 0x1000, &p));
	EXPECT_EQ_U(p, 0x31000);
	EXPECT_EQ(bump_free_ranges(&b, out, BUMP_MAX_RANGES), 0);
	EXPECT_EQ(bump_alloc(&b, 1, 1, &p), ERR_NOMEM);
	EXPECT_EQ_U(bump_used(&b), 0x2000 + 0x20000);
	EXPECT(bump_check(&b));
}

static int subtract(struct mem_range *r, unsigned *n, unsigned max, uint64_t s, uint64_t e)
{
	return mem_ranges_subtract(r, n, max, R(s, e));
}

TEST(mem, ranges_subtract_cases)
{
	struct mem_range r[4] = {R(0x1000, 0x5000), R(0x8000, 0x9000)};
	unsigned n = 2;

	EXPECT_OK(subtract(r, &n, 4, 0x6000, 0x7000)); /* outside */
	EXPECT_OK(subtract(r, &n, 4, 0x5000, 0x8000)); /* touching both, no overlap */
	EXPECT_OK(subtract(r, &n, 4, 0x3000, 0x3000)); /* empty */
	ranges_eq(t, r, n, (struct mem_range[]){R(0x1000, 0x5000), R(0x8000, 0x9000)}, 2);

	EXPECT_OK(subtract(r, &n, 4, 0x2000, 0x3000)); /* inside: split, order kept */
	ranges_eq(t, r, n,
		  (struct mem_range[]){R(0x1000, 0x2000), R(0x3000, 0x5000), R(0x8000, 0x9000)}, 3);
	EXPECT_OK(subtract(r, &n, 4, 0x0, 0x1800));    /* overlaps the bottom */
	EXPECT_OK(subtract(r, &n, 4, 0x4800, 0x8100)); /* top of one, bottom of the next */
	ranges_eq(t, r, n,
		  (struct mem_range[]){R(0x1800, 0x2000), R(0x3000, 0x4800), R(0x8100, 0x9000)}, 3);
	EXPECT_OK(subtract(r, &n, 4, 0x3000, 0x4800)); /* exactly one range */
	EXPECT_OK(subtract(r, &n, 4, 0x1000, 0x2800)); /* covers one */
	ranges_eq(t, r, n, (struct mem_range[]){R(0x8100, 0x9000)}, 1);

	/* a split with no room changes nothing */
	struct mem_range full[2] = {R(0, 0x1000), R(0x2000, 0x3000)};
	n = 2;
	EXPECT_EQ(subtract(full, &n, 2, 0x2100, 0x2200), ERR_RANGE);
	ranges_eq(t, full, n, (struct mem_range[]){R(0, 0x1000), R(0x2000, 0x3000)}, 2);
	EXPECT_OK(subtract(full, &n, 2, 0x2000, 0x2200)); /* a trim needs no room */
	EXPECT_EQ(subtract(full, &n, 2, 0x200, 0x100), ERR_INVAL);
	EXPECT_OK(subtract(full, &n, 2, 0, UINT64_MAX)); /* covers everything */
	EXPECT_EQ(n, 0);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random holes against a bitmap model of a 256-unit universe. */
TEST(mem, ranges_subtract_random)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 300; round++) {
		bool model[256] = {false};
		struct mem_range r[12];
		unsigned n = 0;
		for (uint64_t s = rng_next(&seed) % 16; s < 256 && n < 6; n++) {
			uint64_t len = 1 + rng_next(&seed) % 40, e = MIN(256, s + len);
			r[n] = R(s, e);
			for (uint64_t i = s; i < e; i++)
				model[i] = true;
			s = e + 1 + rng_next(&seed) % 30;
		}
		for (int k = 0; k < 6; k++) {
			uint64_t s = rng_next(&seed) % 256, e = s + rng_next(&seed) % 60;
			unsigned before = n;
			int err = subtract(r, &n, ARRAY_SIZE(r), s, MIN(e, 256));
			if (!EXPECT_OK(err) || !EXPECT_LE(n, before + 1))
				return;
			for (uint64_t i = s; i < MIN(e, 256); i++)
				model[i] = false;
		}
		bool got[256] = {false};
		for (unsigned i = 0; i < n; i++) {
			EXPECT_LT(r[i].start, r[i].end);
			if (i > 0)
				EXPECT_LE(r[i - 1].end, r[i].start);
			for (uint64_t u = r[i].start; u < r[i].end; u++)
				got[u] = true;
		}
		if (!EXPECT(memcmp(got, model, sizeof(got)) == 0))
			return;
	}
}
