/*
 * budget.h - one account of memory: the frames that may still be handed
 * out, with room kept for promises (a commit charge, as in Linux's strict
 * overcommit mode).
 *
 * Every frame the kernel hands out is either taken now (a charge: heap
 * growth, page tables, tmpfs data, module copies) or promised for later (a
 * promise: a WebAssembly memory's pages below its size, committed lazily on
 * first touch). A promise is made only against frames nobody else has, so
 * the page fault that later draws on it cannot find memory gone; the frame
 * is then drawn from the promise without asking the budget again.
 *
 *   avail = free frames - promised (not yet drawn) frames
 *
 *   charge(n)    avail -= n, if avail stays >= floor_charge   (else refused)
 *   promise(n)   avail -= n, promised += n, if avail stays >= floor_promise
 *   draw(n)      promised -= n               (avail unchanged: promised already)
 *   undraw(n)    promised += n               (a drawn frame that was not used)
 *   credit(n)    avail += n                  (frames freed)
 *   unpromise(n) avail += n, promised -= n   (promises given up)
 *
 * floor_charge covers frames that sit in per-CPU caches, where the CPU
 * that was charged cannot reach them: while avail >= floor_charge, the
 * shared pool holds every promised frame plus one. floor_promise adds a
 * reserve for the kernel's own work, so guests' promises cannot take the
 * last frames the kernel needs to keep running.
 *
 * Invariant: avail >= floor_charge after every operation that succeeded
 * (credit and unpromise only raise it). Lock-free; any context.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct mem_budget {
	_Atomic int64_t avail;	  /* free frames less the outstanding promises */
	_Atomic int64_t promised; /* promised frames not drawn yet */
	int64_t floor_charge;	  /* charges keep avail at or above this */
	int64_t floor_promise;	  /* promises keep avail at or above this */
	_Atomic uint64_t refused; /* charges and promises refused (statistics) */
};

/* mem_budget_init - `free_frames` available now, with the two floors
 * (floor_promise >= floor_charge >= 0). */
void mem_budget_init(struct mem_budget *b, int64_t free_frames, int64_t floor_charge,
		     int64_t floor_promise);

/* mem_budget_charge - takes n frames now; false (nothing taken) if that
 * would bring avail below floor_charge. */
bool mem_budget_charge(struct mem_budget *b, uint64_t n);

/* mem_budget_promise - promises n frames for later draws; false (nothing
 * promised) if that would bring avail below floor_promise. */
bool mem_budget_promise(struct mem_budget *b, uint64_t n);

/* mem_budget_draw / undraw - n promised frames are taken / put back.
 * Drawing more than is promised is a broken invariant (ASSERT). */
void mem_budget_draw(struct mem_budget *b, uint64_t n);
void mem_budget_undraw(struct mem_budget *b, uint64_t n);

/* mem_budget_credit - n frames were freed. */
void mem_budget_credit(struct mem_budget *b, uint64_t n);

/* mem_budget_unpromise - n promised frames will never be drawn (ASSERT:
 * at most what is promised). */
void mem_budget_unpromise(struct mem_budget *b, uint64_t n);

struct mem_budget_stats {
	int64_t avail;	  /* may be read while others change it: a snapshot */
	int64_t promised; /* outstanding promises */
	int64_t floor_charge, floor_promise;
	uint64_t refused;
};
void mem_budget_stats(const struct mem_budget *b, struct mem_budget_stats *out);
