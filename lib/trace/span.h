/*
 * span.h - the span registry: live spans, their ids, parents and per-CPU
 * stacks of entered spans (the semantics of k23's tracing Registry).
 *
 * Rules:
 *  - an id is unique among live spans; an id is reused only after its span
 *    closed, and never immediately (the slot's generation is part of the id);
 *  - a span has a reference count; a span closes when the last reference is
 *    dropped (trace_span_try_close returns true for that drop);
 *  - a child holds a reference to its parent, so the parent stays open until
 *    all its children closed; closing a child may close a chain of parents,
 *    child first (the on_close callback sees that order);
 *  - each CPU has a stack of entered spans; entering a span that is already on
 *    that stack records a duplicate and takes no new reference; exit removes
 *    the topmost entry for that id and drops the reference only if the entry
 *    was not a duplicate;
 *  - current = the topmost non-duplicate entry; scope = leaf to root.
 *
 * Concurrency: create/clone/close are lock-free and may run on any CPU
 * concurrently (a Treiber free list with a tag against ABA). Every operation
 * on an id requires the caller to hold a reference to it (as the seed's
 * clone/close do). A CPU's stack is touched only by that CPU, and not
 * re-entered from an interrupt (the kernel masks interrupts around
 * enter/exit).
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/platform.h"

#define TRACE_SPAN_STACK_DEPTH 32

struct trace_span_meta {
	const char *name;
	const char *target;
	uint8_t level; /* enum trace_level */
};

struct trace_span_slot {
	_Atomic uint64_t refs;
	_Atomic uint32_t gen;	    /* bumped at each close */
	_Atomic uint32_t next_free; /* index + 1 of the next free slot, 0: none */
	const struct trace_span_meta *meta;
	uint64_t parent; /* id, 0: root */
};

struct trace_span_entry {
	uint64_t id;
	bool duplicate;
};

struct trace_span_stack {
	uint32_t depth;
	uint32_t overflows; /* enters dropped because the stack was full */
	struct trace_span_entry e[TRACE_SPAN_STACK_DEPTH];
};

typedef void (*trace_span_close_fn)(void *arg, uint64_t id, const struct trace_span_meta *meta);

struct trace_span_registry {
	struct trace_span_slot *slots;
	uint32_t cap;
	unsigned ncpus;
	_Atomic uint64_t free_head; /* tag << 32 | (index + 1) */
	_Atomic uint64_t live;
	trace_span_close_fn on_close; /* may be NULL */
	void *on_close_arg;
	struct trace_span_stack stacks[TRACE_MAX_CPUS];
};

enum trace_span_parent {
	TRACE_SPAN_ROOT,       /* no parent */
	TRACE_SPAN_CONTEXTUAL, /* the current span of `cpu`, if any */
	TRACE_SPAN_EXPLICIT,   /* the given parent id (caller holds a reference) */
};

/*
 * trace_span_registry_init - room for `cap` live spans (1..2^31), ncpus stacks.
 * Allocates the slots (ERR_NOMEM); ERR_INVAL on a bad argument.
 */
int trace_span_registry_init(struct trace_span_registry *reg, uint32_t cap, unsigned ncpus,
			     trace_span_close_fn on_close, void *on_close_arg);
void trace_span_registry_destroy(struct trace_span_registry *reg);

/*
 * trace_span_new - creates a span with one reference (the caller's) and
 * writes its id. The parent (if any) gains a reference. ERR_NOMEM when `cap`
 * spans are live.
 */
int trace_span_new(struct trace_span_registry *reg, unsigned cpu,
		   const struct trace_span_meta *meta, enum trace_span_parent how, uint64_t parent,
		   uint64_t *out_id);

/* trace_span_clone - adds a reference to live span `id`; returns id. */
uint64_t trace_span_clone(struct trace_span_registry *reg, uint64_t id);

/*
 * trace_span_try_close - drops one reference; true if that closed the span
 * (and then drops its reference on the parent, possibly closing it too).
 */
bool trace_span_try_close(struct trace_span_registry *reg, uint64_t id);

void trace_span_enter(struct trace_span_registry *reg, unsigned cpu, uint64_t id);
void trace_span_exit(struct trace_span_registry *reg, unsigned cpu, uint64_t id);

/* trace_span_current - the current span of `cpu`, 0 if none. */
uint64_t trace_span_current(const struct trace_span_registry *reg, unsigned cpu);

const struct trace_span_meta *trace_span_meta_of(const struct trace_span_registry *reg,
						 uint64_t id);
/* trace_span_parent_of - parent id, 0 for a root. */
uint64_t trace_span_parent_of(const struct trace_span_registry *reg, uint64_t id);
/* trace_span_is_live - whether `id` names a live span right now. */
bool trace_span_is_live(const struct trace_span_registry *reg, uint64_t id);

/*
 * trace_span_scope - writes up to `max` ids from `id` to its root (leaf
 * first); returns how many the full scope has.
 */
size_t trace_span_scope(const struct trace_span_registry *reg, uint64_t id, uint64_t *out,
			size_t max);

/* trace_span_live_count - spans open now. */
uint64_t trace_span_live_count(const struct trace_span_registry *reg);

/*
 * trace_span_check - invariant walker for a quiescent registry: free list and
 * live slots partition the slots, live refs > 0, parents live. 0 or ERR_INVAL.
 */
int trace_span_check(const struct trace_span_registry *reg);
