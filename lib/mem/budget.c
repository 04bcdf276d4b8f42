/*
 * budget.c - the frame budget (see budget.h).
 *
 * A charge or promise is a compare-and-swap loop on avail, so two CPUs can
 * never both take the last frames above a floor. The other operations only
 * add, so they are plain atomic adds. Every operation is seq_cst: these run
 * once per frame at most, next to a lock or a page-table update that costs
 * far more, and a single order keeps the invariant argument simple.
 */
#include "mem/budget.h"

#include "base/assert.h"

void mem_budget_init(struct mem_budget *b, int64_t free_frames, int64_t floor_charge,
		     int64_t floor_promise)
{
	ASSERT(floor_charge >= 0 && floor_promise >= floor_charge);
	atomic_init(&b->avail, free_frames);
	atomic_init(&b->promised, 0);
	atomic_init(&b->refused, 0);
	b->floor_charge = floor_charge;
	b->floor_promise = floor_promise;
}

/* avail -= n if it stays >= floor. */
static bool take(struct mem_budget *b, uint64_t n, int64_t floor)
{
	int64_t cur = atomic_load(&b->avail);
	if (n > (uint64_t)INT64_MAX / 2)
		goto refuse;
	do {
		if (cur - (int64_t)n < floor)
			goto refuse;
	} while (!atomic_compare_exchange_weak(&b->avail, &cur, cur - (int64_t)n));
	return true;
refuse:
	atomic_fetch_add(&b->refused, 1);
	return false;
}

bool mem_budget_charge(struct mem_budget *b, uint64_t n)
{
	return take(b, n, b->floor_charge);
}

bool mem_budget_promise(struct mem_budget *b, uint64_t n)
{
	if (!take(b, n, b->floor_promise))
		return false;
	atomic_fetch_add(&b->promised, (int64_t)n);
	return true;
}

void mem_budget_draw(struct mem_budget *b, uint64_t n)
{
	int64_t was = atomic_fetch_sub(&b->promised, (int64_t)n);
	ASSERT(was >= (int64_t)n); /* drawing what was not promised */
	(void)was;
}

void mem_budget_undraw(struct mem_budget *b, uint64_t n)
{
	atomic_fetch_add(&b->promised, (int64_t)n);
}

void mem_budget_credit(struct mem_budget *b, uint64_t n)
{
	atomic_fetch_add(&b->avail, (int64_t)n);
}

void mem_budget_unpromise(struct mem_budget *b, uint64_t n)
{
	int64_t was = atomic_fetch_sub(&b->promised, (int64_t)n);
	ASSERT(was >= (int64_t)n);
	(void)was;
	atomic_fetch_add(&b->avail, (int64_t)n);
}

void mem_budget_stats(const struct mem_budget *b, struct mem_budget_stats *out)
{
	out->avail = atomic_load(&b->avail);
	out->promised = atomic_load(&b->promised);
	out->floor_charge = b->floor_charge;
	out->floor_promise = b->floor_promise;
	out->refused = atomic_load(&b->refused);
}
