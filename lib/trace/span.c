/*
 * span.c - the span registry (see span.h for the rules).
 *
 * An id is (generation << 32) | (slot index + 1): a slot's generation is
 * bumped when its span closes, so a reused slot never yields the id it had
 * before (ids recur only after 2^32 closes of one slot).
 *
 * Free slots form a Treiber stack; its head carries a 32-bit tag bumped on
 * every change so that a pop racing with pop+push of the same slot fails its
 * CAS (ABA).
 *
 * Reference counting follows std::sync::Arc: increments are relaxed (the
 * caller already holds a reference), decrements release, and the final one
 * is followed by an acquire fence before the slot is recycled.
 */
#include "trace/span.h"

#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/err.h"

#define IDX_MASK 0xffffffffull

static struct trace_span_slot *slot_of(const struct trace_span_registry *reg, uint64_t id)
{
	uint64_t idx = (id & IDX_MASK) - 1;

	ASSERT(id != 0 && idx < reg->cap);
	struct trace_span_slot *s = &reg->slots[idx];
	/* relaxed: the caller holds a reference, so the generation is stable */
	ASSERT(atomic_load_explicit(&s->gen, memory_order_relaxed) == (uint32_t)(id >> 32));
	return s;
}

static void free_push(struct trace_span_registry *reg, uint32_t idx)
{
	/* relaxed: the CAS below publishes next_free with release */
	uint64_t old = atomic_load_explicit(&reg->free_head, memory_order_relaxed);
	uint64_t next;

	do {
		/* relaxed: ordered before the release CAS that publishes it */
		atomic_store_explicit(&reg->slots[idx].next_free, (uint32_t)(old & IDX_MASK),
				      memory_order_relaxed);
		next = (((old >> 32) + 1) << 32) | (uint64_t)(idx + 1);
	} while (!atomic_compare_exchange_weak_explicit(
		&reg->free_head, &old, next, memory_order_release, memory_order_relaxed));
}

static bool free_pop(struct trace_span_registry *reg, uint32_t *out)
{
	uint64_t old = atomic_load_explicit(&reg->free_head, memory_order_acquire);

	for (;;) {
		uint32_t top = (uint32_t)(old & IDX_MASK);
		if (top == 0)
			return false;
		/* relaxed: a stale value makes the tagged CAS fail */
		uint32_t nf =
			atomic_load_explicit(&reg->slots[top - 1].next_free, memory_order_relaxed);
		uint64_t next = (((old >> 32) + 1) << 32) | nf;
		if (atomic_compare_exchange_weak_explicit(&reg->free_head, &old, next,
							  memory_order_acquire,
							  memory_order_acquire)) {
			*out = top - 1;
			return true;
		}
	}
}

int trace_span_registry_init(struct trace_span_registry *reg, uint32_t cap, unsigned ncpus,
			     trace_span_close_fn on_close, void *on_close_arg)
{
	if (cap == 0 || cap > (1u << 31) || ncpus == 0 || ncpus > TRACE_MAX_CPUS)
		return ERR_INVAL;
	struct trace_span_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return ERR_NOMEM;
	memset(reg, 0, sizeof(*reg));
	reg->slots = slots;
	reg->cap = cap;
	reg->ncpus = ncpus;
	reg->on_close = on_close;
	reg->on_close_arg = on_close_arg;
	for (uint32_t i = 0; i < cap; i++) {
		atomic_init(&slots[i].gen, 1);
		atomic_init(&slots[i].next_free, i + 1 < cap ? i + 2 : 0);
	}
	atomic_init(&reg->free_head, 1);
	return 0;
}

void trace_span_registry_destroy(struct trace_span_registry *reg)
{
	free(reg->slots);
	reg->slots = NULL;
	reg->cap = 0;
}

uint64_t trace_span_clone(struct trace_span_registry *reg, uint64_t id)
{
	struct trace_span_slot *s = slot_of(reg, id);
	/* relaxed: the caller's own reference keeps the count above zero */
	uint64_t prev = atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	ASSERT(prev != 0);
	return id;
}

int trace_span_new(struct trace_span_registry *reg, unsigned cpu,
		   const struct trace_span_meta *meta, enum trace_span_parent how, uint64_t parent,
		   uint64_t *out_id)
{
	uint64_t p = 0;
	uint32_t idx;

	ASSERT(cpu < reg->ncpus);
	if (how == TRACE_SPAN_CONTEXTUAL)
		p = trace_span_current(reg, cpu);
	else if (how == TRACE_SPAN_EXPLICIT)
		p = parent;
	if (!free_pop(reg, &idx))
		return ERR_NOMEM;
	if (p)
		trace_span_clone(reg, p);
	struct trace_span_slot *s = &reg->slots[idx];
	s->meta = meta;
	s->parent = p;
	/* relaxed: the id reaches other CPUs only through the caller's own sync */
	atomic_store_explicit(&s->refs, 1, memory_order_relaxed);
	/* relaxed: statistics only */
	atomic_fetch_add_explicit(&reg->live, 1, memory_order_relaxed);
	uint32_t gen = atomic_load_explicit(&s->gen, memory_order_relaxed);
	*out_id = ((uint64_t)gen << 32) | (uint64_t)(idx + 1);
	return 0;
}

/* Recycles span `id` (its count reached zero) and walks up its parents. */
static void close_chain(struct trace_span_registry *reg, uint64_t id)
{
	for (;;) {
		struct trace_span_slot *s = slot_of(reg, id);
		uint64_t parent = s->parent;
		uint32_t idx = (uint32_t)((id & IDX_MASK) - 1);

		if (reg->on_close)
			reg->on_close(reg->on_close_arg, id, s->meta);
		s->meta = NULL;
		s->parent = 0;
		/* relaxed: published by the release CAS in free_push */
		atomic_store_explicit(&s->gen, (uint32_t)(id >> 32) + 1, memory_order_relaxed);
		/* relaxed: statistics only */
		atomic_fetch_sub_explicit(&reg->live, 1, memory_order_relaxed);
		free_push(reg, idx);
		if (!parent)
			return;
		s = slot_of(reg, parent);
		uint64_t prev = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);
		ASSERT(prev != 0);
		if (prev > 1)
			return;
		atomic_thread_fence(memory_order_acquire);
		id = parent;
	}
}

bool trace_span_try_close(struct trace_span_registry *reg, uint64_t id)
{
	struct trace_span_slot *s = slot_of(reg, id);
	uint64_t prev = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);

	ASSERT(prev != 0);
	if (prev > 1)
		return false;
	/* every other holder's accesses happen before the slot is recycled */
	atomic_thread_fence(memory_order_acquire);
	close_chain(reg, id);
	return true;
}

void trace_span_enter(struct trace_span_registry *reg, unsigned cpu, uint64_t id)
{
	ASSERT(cpu < reg->ncpus);
	struct trace_span_stack *st = &reg->stacks[cpu];
	bool dup = false;

	for (uint32_t i = 0; i < st->depth; i++)
		if (st->e[i].id == id)
			dup = true;
	if (st->depth == TRACE_SPAN_STACK_DEPTH) {
		st->overflows++;
		return;
	}
	st->e[st->depth].id = id;
	st->e[st->depth].duplicate = dup;
	st->depth++;
	if (!dup)
		trace_span_clone(reg, id);
}

void trace_span_exit(struct trace_span_registry *reg, unsigned cpu, uint64_t id)
{
	ASSERT(cpu < reg->ncpus);
	struct trace_span_stack *st = &reg->stacks[cpu];

	for (uint32_t i = st->depth; i-- > 0;) {
		if (st->e[i].id != id)
			continue;
		bool dup = st->e[i].duplicate;
		memmove(&st->e[i], &st->e[i + 1], (st->depth - i - 1) * sizeof(st->e[0]));
		st->depth--;
		if (!dup)
			trace_span_try_close(reg, id);
		return;
	}
}

uint64_t trace_span_current(const struct trace_span_registry *reg, unsigned cpu)
{
	ASSERT(cpu < reg->ncpus);
	const struct trace_span_stack *st = &reg->stacks[cpu];

	for (uint32_t i = st->depth; i-- > 0;)
		if (!st->e[i].duplicate)
			return st->e[i].id;
	return 0;
}

const struct trace_span_meta *trace_span_meta_of(const struct trace_span_registry *reg, uint64_t id)
{
	return slot_of(reg, id)->meta;
}

uint64_t trace_span_parent_of(const struct trace_span_registry *reg, uint64_t id)
{
	return slot_of(reg, id)->parent;
}

bool trace_span_is_live(const struct trace_span_registry *reg, uint64_t id)
{
	uint64_t idx = (id & IDX_MASK) - 1;

	if (id == 0 || idx >= reg->cap)
		return false;
	const struct trace_span_slot *s = &reg->slots[idx];
	/* acquire: pairs with the release decrement, for a consistent answer */
	return atomic_load_explicit(&s->gen, memory_order_acquire) == (uint32_t)(id >> 32) &&
	       atomic_load_explicit(&s->refs, memory_order_acquire) != 0;
}

size_t trace_span_scope(const struct trace_span_registry *reg, uint64_t id, uint64_t *out,
			size_t max)
{
	size_t n = 0;

	while (id) {
		if (n < max)
			out[n] = id;
		n++;
		id = slot_of(reg, id)->parent;
	}
	return n;
}

uint64_t trace_span_live_count(const struct trace_span_registry *reg)
{
	/* relaxed: a statistic */
	return atomic_load_explicit(&reg->live, memory_order_relaxed);
}

int trace_span_check(const struct trace_span_registry *reg)
{
	uint64_t nfree = 0, nlive = 0;
	uint32_t cur = (uint32_t)(atomic_load(&reg->free_head) & IDX_MASK);

	while (cur) {
		if (cur > reg->cap || ++nfree > reg->cap)
			return ERR_INVAL;
		if (atomic_load(&reg->slots[cur - 1].refs) != 0)
			return ERR_INVAL;
		cur = atomic_load(&reg->slots[cur - 1].next_free);
	}
	for (uint32_t i = 0; i < reg->cap; i++) {
		const struct trace_span_slot *s = &reg->slots[i];
		if (atomic_load(&s->refs) == 0)
			continue;
		nlive++;
		if (s->parent && !trace_span_is_live(reg, s->parent))
			return ERR_INVAL;
	}
	if (nfree + nlive != reg->cap || nlive != atomic_load(&reg->live))
		return ERR_INVAL;
	return 0;
}
