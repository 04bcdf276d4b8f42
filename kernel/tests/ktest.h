/* ktest.h - helpers shared by the in-kernel tests. */
#pragma once

#include <stdint.h>

#include "core/cpu.h"

/* Free frames with every CPU's cache drained (exact across tests). */
uint64_t ktest_free_frames(void);
/* ktest_frames_not_held - free frames plus those the heap holds and the
 * page tables: what a leak check compares, since the heap grows and gives
 * back pages as it needs, whatever the test under it leaked. */
uint64_t ktest_frames_not_held(void);
void ktest_drain_all_caches(void);

/* bench=exec: the executor benchmarks, printed one line each. */
void ktest_bench_exec(void);

/* bench=wasm: fib(25) as a WebAssembly program, guest time printed. */
void ktest_bench_wasm(void);
