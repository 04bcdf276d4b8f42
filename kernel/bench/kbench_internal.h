/*
 * kbench_internal.h - what the files of the in-kernel benchmarks share
 * (kbench.c runs them as a task; kbench_hostcall.c times calls).
 */
#pragma once

#include <stdint.h>

/* ---- kbench_hostcall.c: null host call vs WASM-to-WASM call ---- */

struct kbench_hostcall;

/* The loops of the hostcall module, each `n` iterations (n >= 1). */
enum kbench_loop {
	KBENCH_LOOP_HOST,  /* calls an imported no-op host function */
	KBENCH_LOOP_WASM,  /* calls a no-op WebAssembly function */
	KBENCH_LOOP_EMPTY, /* the loop alone, to subtract */
	KBENCH_LOOP_COUNT,
};

/* kbench_hostcall_open - decodes, validates and instantiates the module in
 * a new store (checked memory: it has none). ERR_NOMEM, or the engine's
 * errors for a broken embedded module. The caller closes *out. */
int kbench_hostcall_open(struct kbench_hostcall **out);

/* kbench_hostcall_time - runs one loop of `n` iterations to its end on the
 * calling CPU and writes the rdtime ticks it took. ERR_INVAL for n == 0,
 * ERR_TRAP, ERR_NOMEM. */
int kbench_hostcall_time(struct kbench_hostcall *h, enum kbench_loop loop, uint32_t n,
			 uint64_t *out_ticks);

/* kbench_hostcall_close - frees the store, the module and h. NULL is ignored. */
void kbench_hostcall_close(struct kbench_hostcall *h);
