/* mem_budget_test.c - lib/mem/budget: floors, promises, and many threads
 * racing for the last frames. */
#include <pthread.h>
#include <stdatomic.h>

#include "base/test.h"
#include "mem/budget.h"

TEST(mem_budget, charge_stops_at_its_floor)
{
	struct mem_budget b;
	struct mem_budget_stats s;
	mem_budget_init(&b, 100, 10, 30);
	EXPECT(mem_budget_charge(&b, 90));
	EXPECT(!mem_budget_charge(&b, 1));
	mem_budget_credit(&b, 5);
	EXPECT(!mem_budget_charge(&b, 6));
	EXPECT(mem_budget_charge(&b, 5));
	mem_budget_stats(&b, &s);
	EXPECT_EQ(s.avail, 10);
	EXPECT_EQ(s.refused, 2);
}

TEST(mem_budget, promises_keep_the_kernel_reserve)
{
	struct mem_budget b;
	struct mem_budget_stats s;
	mem_budget_init(&b, 100, 10, 30);
	EXPECT(mem_budget_promise(&b, 60));
	EXPECT(!mem_budget_promise(&b, 11)); /* would go below 30 */
	EXPECT(mem_budget_promise(&b, 10));
	/* the reserve above the charge floor is still there for charges */
	EXPECT(mem_budget_charge(&b, 20));
	EXPECT(!mem_budget_charge(&b, 1));
	mem_budget_stats(&b, &s);
	EXPECT_EQ(s.avail, 10);
	EXPECT_EQ(s.promised, 70);
	/* drawing does not ask the budget again, even at the floor */
	mem_budget_draw(&b, 70);
	mem_budget_stats(&b, &s);
	EXPECT_EQ(s.avail, 10);
	EXPECT_EQ(s.promised, 0);
}

TEST(mem_budget, unpromise_and_undraw_balance)
{
	struct mem_budget b;
	struct mem_budget_stats s;
	mem_budget_init(&b, 1000, 0, 0);
	EXPECT(mem_budget_promise(&b, 500));
	mem_budget_draw(&b, 3);
	mem_budget_undraw(&b, 1); /* one drawn frame lost a race: back to the promise */
	mem_budget_credit(&b, 2); /* the two used frames are freed */
	mem_budget_unpromise(&b, 498);
	mem_budget_stats(&b, &s);
	EXPECT_EQ(s.avail, 1000);
	EXPECT_EQ(s.promised, 0);
}

TEST(mem_budget, absurd_amounts_are_refused)
{
	struct mem_budget b;
	mem_budget_init(&b, 100, 0, 0);
	EXPECT(!mem_budget_charge(&b, UINT64_MAX));
	EXPECT(!mem_budget_promise(&b, (uint64_t)1 << 63));
	EXPECT(mem_budget_charge(&b, 100));
}

/* Threads that charge and promise at random and give everything back. */
struct racer {
	struct mem_budget *b;
	_Atomic int64_t *low; /* lowest avail seen after a successful take */
	uint64_t seed;
	int won;
};

/* Gives back one take: a promise is half drawn (then freed), half given up. */
static void give_back(struct mem_budget *b, uint64_t n, bool promise)
{
	if (promise) {
		mem_budget_draw(b, n / 2);
		mem_budget_unpromise(b, n - n / 2);
	}
	mem_budget_credit(b, promise ? n / 2 : n);
}

static void *race(void *arg)
{
	struct racer *r = arg;
	uint64_t held_n[2] = {0, 0};
	bool held_promise[2] = {false, false};
	for (int i = 0; i < 20000; i++) {
		r->seed = r->seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t n = 1 + (r->seed >> 60);
		bool promise = (r->seed >> 40) & 1;
		int slot = i & 1;
		if (held_n[slot]) /* hold each take for one more round */
			give_back(r->b, held_n[slot], held_promise[slot]);
		held_n[slot] = 0;
		if (!(promise ? mem_budget_promise(r->b, n) : mem_budget_charge(r->b, n)))
			continue;
		r->won++;
		held_n[slot] = n;
		held_promise[slot] = promise;
		int64_t a = atomic_load(&r->b->avail);
		int64_t low = atomic_load(r->low);
		while (a < low && !atomic_compare_exchange_weak(r->low, &low, a))
			;
	}
	for (int slot = 0; slot < 2; slot++)
		if (held_n[slot])
			give_back(r->b, held_n[slot], held_promise[slot]);
	return NULL;
}

TEST(mem_budget, racing_threads_never_pass_the_floors)
{
	enum { THREADS = 8 };
	struct mem_budget b;
	_Atomic int64_t low = INT64_MAX;
	struct racer r[THREADS];
	pthread_t th[THREADS];
	struct mem_budget_stats s;
	int won = 0;

	mem_budget_init(&b, 24, 4, 12); /* scarce: two takes of one thread can collide */
	for (int i = 0; i < THREADS; i++) {
		r[i] = (struct racer){&b, &low, 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1), 0};
		EXPECT_OK(pthread_create(&th[i], NULL, race, &r[i]));
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		won += r[i].won;
	}
	mem_budget_stats(&b, &s);
	EXPECT_EQ(s.avail, 24);
	EXPECT_EQ(s.promised, 0);
	EXPECT_GE(atomic_load(&low), 4);
	EXPECT_GT(won, 1000);
	EXPECT_GT(s.refused, 0);
}
