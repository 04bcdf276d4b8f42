/*
 * timer.c - per-CPU one-shot timers (see timer.h).
 * The list is touched only by its CPU with interrupts off.
 */
#include "sched/timer.h"

#include "arch/arch.h"
#include "core/cpu.h"
#include "trace/ktrace_events.h"

static struct ktimer *heads[MAX_CPUS]; /* [owner CPU, irqs off] */

static void program(struct cpu *c)
{
	struct ktimer *h = heads[c->id];
	uint64_t d = h ? h->deadline : UINT64_MAX;
	if (d != c->next_deadline)
		arch_timer_set_deadline(d);
}

void timer_add(struct ktimer *t, uint64_t deadline, void (*fn)(struct ktimer *t))
{
	bool irq = arch_irq_save();
	struct cpu *c = cpu_this();
	t->deadline = deadline;
	t->fn = fn;
	t->pending = true;
	struct ktimer **p = &heads[c->id];
	while (*p && (*p)->deadline <= deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	program(c);
	arch_irq_restore(irq);
}

bool timer_cancel(struct ktimer *t)
{
	bool irq = arch_irq_save(), found = false;
	struct cpu *c = cpu_this();
	for (struct ktimer **p = &heads[c->id]; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			t->pending = false;
			found = true;
			break;
		}
	}
	program(c);
	arch_irq_restore(irq);
	return found;
}

void timer_interrupt(void)
{
	struct cpu *c = cpu_this();
	uint64_t now = arch_now_ticks();
	struct ktimer *t;
	while ((t = heads[c->id]) && t->deadline <= now) {
		heads[c->id] = t->next;
		t->pending = false;
		TRACE_POINT(timer, timer_expire, t, t->deadline, now);
		t->fn(t); /* may re-arm itself */
	}
	/* Force reprogramming: the hardware deadline that fired is spent. */
	c->next_deadline = 0;
	program(c);
}

uint64_t timer_ms_to_ticks(uint64_t ms)
{
	return ms * arch_ticks_per_sec() / 1000;
}

uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * arch_ticks_per_sec() / 1000000;
}

uint64_t timer_ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / arch_ticks_per_sec();
}
