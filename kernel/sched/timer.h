/*
 * timer.h - one-shot kernel timers on each CPU.
 *
 * Each CPU keeps its pending timers sorted by deadline and programs only the
 * earliest one into the hardware: with nothing due there is no interrupt at
 * all (no periodic tick). Callbacks run in interrupt context on the CPU the
 * timer was added on. (The executor's timer wheel will sit on top of this.)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ktimer {
	uint64_t deadline; /* ticks */
	void (*fn)(struct ktimer *t);
	struct ktimer *next; /* private */
	bool pending;	     /* private */
};

/* Arms `t` on this CPU; it must not be pending. */
void timer_add(struct ktimer *t, uint64_t deadline, void (*fn)(struct ktimer *t));
/* Disarms `t` if pending on this CPU; returns whether it was. */
bool timer_cancel(struct ktimer *t);

uint64_t timer_ms_to_ticks(uint64_t ms);
uint64_t timer_us_to_ticks(uint64_t us);
uint64_t timer_ticks_to_us(uint64_t ticks);

/* Called by the trap handler on a timer interrupt. */
void timer_interrupt(void);
