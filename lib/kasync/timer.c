/*
 * timer.c - the timer wheel, the executor's locked timer, sleep and timeout
 * (see timer.h for the layout and the invariant).
 */
#include <stddef.h>

#include "base/err.h"
#include "kasync/exec.h"
#include "kasync/timer.h"

#define LEVEL_BITS 6
#define MAX_SPAN   ((uint64_t)1 << (LEVEL_BITS * KASYNC_WHEEL_LEVELS))

static unsigned level_for(uint64_t now, uint64_t deadline)
{
	uint64_t diff = (now ^ deadline) | (KASYNC_WHEEL_SLOTS - 1);
	unsigned bit = 63u - (unsigned)__builtin_clzll(diff);
	return bit / LEVEL_BITS;
}

static void list_push(struct kasync_timer_entry **head, struct kasync_timer_entry *e)
{
	e->prev = NULL;
	e->next = *head;
	if (*head != NULL)
		(*head)->prev = e;
	*head = e;
}

void kasync_wheel_init(struct kasync_wheel *w, uint64_t now)
{
	w->now = now;
	for (unsigned l = 0; l < KASYNC_WHEEL_LEVELS; l++) {
		w->occupied[l] = 0;
		for (unsigned s = 0; s < KASYNC_WHEEL_SLOTS; s++)
			w->slots[l][s] = NULL;
	}
	w->overflow = NULL;
	w->count = 0;
}

bool kasync_wheel_insert(struct kasync_wheel *w, struct kasync_timer_entry *e)
{
	if (e->deadline <= w->now)
		return false;
	unsigned l = level_for(w->now, e->deadline);
	e->linked = true;
	w->count++;
	if (l >= KASYNC_WHEEL_LEVELS) {
		e->level = KASYNC_WHEEL_LEVELS;
		list_push(&w->overflow, e);
		return true;
	}
	unsigned s = (unsigned)(e->deadline >> (l * LEVEL_BITS)) & (KASYNC_WHEEL_SLOTS - 1);
	e->level = (uint8_t)l;
	e->slot = (uint8_t)s;
	list_push(&w->slots[l][s], e);
	w->occupied[l] |= (uint64_t)1 << s;
	return true;
}

void kasync_wheel_remove(struct kasync_wheel *w, struct kasync_timer_entry *e)
{
	struct kasync_timer_entry **head;

	if (!e->linked)
		return;
	head = e->level == KASYNC_WHEEL_LEVELS ? &w->overflow : &w->slots[e->level][e->slot];
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		*head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	if (e->level < KASYNC_WHEEL_LEVELS && *head == NULL)
		w->occupied[e->level] &= ~((uint64_t)1 << e->slot);
	e->linked = false;
	e->next = e->prev = NULL;
	w->count--;
}

/* The earliest tick at which level l needs attention, and its slot. */
static uint64_t level_next(const struct kasync_wheel *w, unsigned l, unsigned *slot)
{
	unsigned shift = l * LEVEL_BITS;
	unsigned digit = (unsigned)(w->now >> shift) & (KASYNC_WHEEL_SLOTS - 1);
	uint64_t mask = w->occupied[l] & (~(uint64_t)0 << digit);

	if (mask == 0)
		return UINT64_MAX;
	*slot = (unsigned)__builtin_ctzll(mask);
	uint64_t base = (w->now >> (shift + LEVEL_BITS)) << (shift + LEVEL_BITS);
	uint64_t start = base | ((uint64_t)*slot << shift);
	return start < w->now ? w->now : start;
}

uint64_t kasync_wheel_next(const struct kasync_wheel *w)
{
	uint64_t best = UINT64_MAX;
	unsigned slot;

	for (unsigned l = 0; l < KASYNC_WHEEL_LEVELS; l++) {
		uint64_t t = level_next(w, l, &slot);
		if (t < best)
			best = t;
	}
	if (w->overflow != NULL) {
		uint64_t boundary = (w->now | (MAX_SPAN - 1)) + 1;
		if (boundary < best)
			best = boundary;
	}
	return best;
}

void kasync_wheel_advance(struct kasync_wheel *w, uint64_t now,
			  void (*fire)(void *arg, struct kasync_timer_entry *e), void *arg)
{
	for (;;) {
		uint64_t best = UINT64_MAX;
		unsigned best_l = 0, best_s = 0, slot = 0;
		struct kasync_timer_entry *list;

		for (unsigned l = 0; l < KASYNC_WHEEL_LEVELS; l++) {
			uint64_t t = level_next(w, l, &slot);
			if (t < best) {
				best = t;
				best_l = l;
				best_s = slot;
			}
		}
		if (w->overflow != NULL) {
			uint64_t boundary = (w->now | (MAX_SPAN - 1)) + 1;
			if (boundary < best && boundary <= now) {
				w->now = boundary;
				list = w->overflow;
				w->overflow = NULL;
				goto reinsert;
			}
		}
		if (best > now)
			break;
		w->now = best;
		list = w->slots[best_l][best_s];
		w->slots[best_l][best_s] = NULL;
		w->occupied[best_l] &= ~((uint64_t)1 << best_s);
	reinsert:
		while (list != NULL) {
			struct kasync_timer_entry *e = list;
			list = e->next;
			e->linked = false;
			e->next = e->prev = NULL;
			w->count--;
			if (!kasync_wheel_insert(w, e))
				fire(arg, e);
		}
	}
	if (now > w->now)
		w->now = now;
}

int kasync_wheel_check(const struct kasync_wheel *w)
{
	uint64_t n = 0;

	for (unsigned l = 0; l < KASYNC_WHEEL_LEVELS; l++) {
		for (unsigned s = 0; s < KASYNC_WHEEL_SLOTS; s++) {
			const struct kasync_timer_entry *e = w->slots[l][s];
			if ((e != NULL) != ((w->occupied[l] >> s) & 1))
				return ERR_INVAL;
			for (; e != NULL; e = e->next, n++) {
				if (!e->linked || e->level != l || e->slot != s ||
				    e->deadline <= w->now)
					return ERR_INVAL;
				if (((e->deadline ^ w->now) >> ((l + 1) * LEVEL_BITS)) != 0)
					return ERR_INVAL;
			}
		}
	}
	for (const struct kasync_timer_entry *e = w->overflow; e != NULL; e = e->next, n++)
		if (!e->linked || e->level != KASYNC_WHEEL_LEVELS)
			return ERR_INVAL;
	return n == w->count ? 0 : ERR_INVAL;
}

/* --- the executor's timer --- */

static uint64_t tick_to_ns(struct kasync_timer *t, uint64_t tick)
{
	return tick == UINT64_MAX || tick > UINT64_MAX / t->tick_ns ? KASYNC_NO_DEADLINE
								    : tick * t->tick_ns;
}

static void update_next(struct kasync_timer *t)
{
	/* relaxed: a hint read without the lock; workers recheck under it. */
	atomic_store_explicit(&t->next_ns, tick_to_ns(t, kasync_wheel_next(&t->wheel)),
			      memory_order_relaxed);
}

void kasync_timer_init(struct kasync_timer *t, uint64_t tick_ns, uint64_t now_ns)
{
	spin_init(&t->lock);
	t->tick_ns = tick_ns ? tick_ns : 1;
	kasync_wheel_init(&t->wheel, now_ns / t->tick_ns);
	/* relaxed: published with the executor. */
	atomic_store_explicit(&t->next_ns, KASYNC_NO_DEADLINE, memory_order_relaxed);
}

uint64_t kasync_timer_next_ns(struct kasync_timer *t)
{
	/* relaxed: a hint; a stale value costs one early wake-up or one lock. */
	return atomic_load_explicit(&t->next_ns, memory_order_relaxed);
}

static void fire_entry(void *arg, struct kasync_timer_entry *e)
{
	unsigned *n = arg;
	struct kasync_waker w = e->waker;
	e->waker = (struct kasync_waker){0};
	/* release: the sleeper that sees `fired` sees the entry unlinked and its
	 * waker taken; from here on the entry is not touched. */
	atomic_store_explicit(&e->fired, true, memory_order_release);
	kasync_waker_wake(&w);
	(*n)++;
}

unsigned kasync_timer_fire(struct kasync_timer *t, uint64_t now_ns)
{
	unsigned n = 0;

	if (kasync_timer_next_ns(t) > now_ns)
		return 0;
	spin_acquire(&t->lock);
	kasync_wheel_advance(&t->wheel, now_ns / t->tick_ns, fire_entry, &n);
	update_next(t);
	spin_release(&t->lock);
	return n;
}

/* --- sleep --- */

void kasync_sleep_until_init(struct kasync_sleep *s, struct kasync_exec *exec, uint64_t deadline_ns)
{
	s->exec = exec;
	s->deadline_ns = deadline_ns;
	s->armed = false;
	s->entry.linked = false;
	s->entry.next = s->entry.prev = NULL;
	s->entry.waker.vt = NULL;
	s->entry.waker.data = NULL;
	/* relaxed: the entry is private until linked under the lock. */
	atomic_store_explicit(&s->entry.fired, false, memory_order_relaxed);
}

void kasync_sleep_init(struct kasync_sleep *s, struct kasync_exec *exec, uint64_t duration_ns)
{
	uint64_t now = exec->plat->now_ns(exec->plat->ctx);
	uint64_t d = now + duration_ns < now ? KASYNC_NO_DEADLINE : now + duration_ns;
	kasync_sleep_until_init(s, exec, d);
}

enum kasync_poll kasync_sleep_poll(struct kasync_sleep *s, struct kasync_cx *cx)
{
	struct kasync_timer *t = &s->exec->timer;
	bool ready = false, earliest;

	/* acquire: pairs with fire_entry's release. */
	if (atomic_load_explicit(&s->entry.fired, memory_order_acquire))
		return KASYNC_READY;
	if (s->exec->plat->now_ns(s->exec->plat->ctx) >= s->deadline_ns) {
		kasync_sleep_drop(s);
		return KASYNC_READY;
	}
	spin_acquire(&t->lock);
	if (s->entry.linked) {
		if (!kasync_waker_will_wake(&s->entry.waker, &cx->waker)) {
			kasync_waker_drop(&s->entry.waker);
			s->entry.waker = kasync_waker_clone(&cx->waker);
		}
		spin_release(&t->lock);
		return KASYNC_PENDING;
	}
	/* round up: never fire early */
	s->entry.deadline = (s->deadline_ns + t->tick_ns - 1) / t->tick_ns;
	if (!kasync_wheel_insert(&t->wheel, &s->entry)) {
		ready = true;
	} else {
		s->entry.waker = kasync_waker_clone(&cx->waker);
		s->armed = true;
	}
	earliest = kasync_timer_next_ns(t) > s->entry.deadline * t->tick_ns;
	update_next(t);
	spin_release(&t->lock);
	if (ready)
		return KASYNC_READY;
	/* a sleeping worker may be waiting for a later deadline: let one recompute it */
	if (earliest)
		kasync_exec_wake_one(s->exec);
	return KASYNC_PENDING;
}

void kasync_sleep_drop(struct kasync_sleep *s)
{
	struct kasync_timer *t;

	if (!s->armed)
		return;
	/* acquire: pairs with fire_entry. A fired entry has nothing to undo, and
	 * the lock must not be taken: the firing CPU holds it while it wakes our
	 * task, and that wake may drop the last reference whose dealloc is why
	 * we are here. */
	if (atomic_load_explicit(&s->entry.fired, memory_order_acquire)) {
		s->armed = false;
		return;
	}
	t = &s->exec->timer;
	spin_acquire(&t->lock);
	kasync_wheel_remove(&t->wheel, &s->entry);
	kasync_waker_drop(&s->entry.waker);
	s->armed = false;
	spin_release(&t->lock);
}

/* --- timeout --- */

void kasync_timeout_init(struct kasync_timeout *to, struct kasync_exec *exec, uint64_t duration_ns,
			 kasync_poll_fn poll, void *arg)
{
	kasync_sleep_init(&to->sleep, exec, duration_ns);
	to->poll = poll;
	to->arg = arg;
}

enum kasync_poll kasync_timeout_poll(struct kasync_timeout *to, struct kasync_cx *cx, int *err)
{
	int e = 0;

	if (to->poll(to->arg, cx, &e) == KASYNC_READY) {
		kasync_sleep_drop(&to->sleep);
		*err = e;
		return KASYNC_READY;
	}
	if (kasync_sleep_poll(&to->sleep, cx) == KASYNC_READY) {
		*err = ERR_TIMEDOUT;
		return KASYNC_READY;
	}
	return KASYNC_PENDING;
}

void kasync_timeout_drop(struct kasync_timeout *to)
{
	kasync_sleep_drop(&to->sleep);
}
