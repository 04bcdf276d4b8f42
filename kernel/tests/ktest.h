/* ktest.h - helpers shared by the in-kernel tests. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"

/* Free frames with every CPU's cache drained (exact across tests). */
uint64_t ktest_free_frames(void);
/* ktest_frames_not_held - free frames plus those the heap holds and the
 * page tables: what a leak check compares, since the heap grows and gives
 * back pages as it needs, whatever the test under it leaked. */
uint64_t ktest_frames_not_held(void);
/* ktest_drain_all_caches - every CPU's frame cache, and the modules kept
 * between runs (modcache.h). */
void ktest_drain_all_caches(void);

/* What a program wrote to stdout and stderr, in order, NUL-ended (the rest
 * of a full buffer is dropped). */
struct ktest_capture {
	char buf[2048];
	size_t len;
};
/* ktest_capture_write - a wasm_proc_io.write that appends to the
 * struct ktest_capture at arg. */
void ktest_capture_write(void *arg, int fd, const void *buf, size_t len);

/* bench=exec: the executor benchmarks, printed one line each. */
void ktest_bench_exec(void);

/* spec=DIR: the spec testsuite's scripts in DIR of the initrd, with
 * guarded memory or checked (spec_mem=checked), 2.0's features (and SIMD)
 * or, v3 (spec_suite=3.0), all of them; prints "N passed, N failed" last
 * and returns 1 if anything failed (spec_run.c). */
int ktest_spec(const char *dir, bool checked, bool v3);

/* bench=wasm: fib(25) as a WebAssembly program, guest time printed. */
void ktest_bench_wasm(void);
