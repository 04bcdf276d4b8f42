/* ktest.h - helpers shared by the in-kernel tests. */
#pragma once

#include <stdint.h>

#include "cpu.h"

/* Free frames with every CPU's cache drained (exact across tests). */
uint64_t ktest_free_frames(void);
void ktest_drain_all_caches(void);

/* bench=exec: the executor benchmarks, printed one line each. */
void ktest_bench_exec(void);

/* bench=wasm: fib(25) as a WebAssembly program, guest time printed. */
void ktest_bench_wasm(void);
