/*
 * bench_core.h - the portable cores of the bench/wasm programs.
 *
 * Each core is the whole computation of one benchmark, with no I/O: it
 * builds for the host, for wasm32-wasi (bench/wasm/NAME.c wraps it in a
 * main that prints the checksum) and, unchanged, into the kernel
 * (kernel/bench/, which runs it natively next to the WASM build). Cores use
 * only stdint/stddef, string.h, malloc/free and the sqrt instruction.
 *
 * Invariant: a core keeps no state between calls, so the same argument
 * always gives the same checksum, on every target (no FMA contraction in
 * floating-point code, IEEE double everywhere).
 */
#pragma once

#include <stdint.h>

/*
 * bench_NAME_run - runs benchmark NAME with its size argument `arg` and
 * writes a 64-bit checksum of its result to *out. Returns 0, or -1 if
 * memory could not be allocated (*out untouched).
 *
 *   fib      fib(arg), naive recursion (32-bit arithmetic)
 *   coremix  arg iterations of list/matrix/state-machine work; CRC-16
 *   nbody    arg steps of the 5-body simulation; the final energy's bits
 *   sha256   arg chained SHA-256 rounds over 64 KiB; the digest's first 8 bytes
 */
int bench_fib_run(unsigned arg, uint64_t *out);
int bench_coremix_run(unsigned arg, uint64_t *out);
int bench_nbody_run(unsigned arg, uint64_t *out);
int bench_sha256_run(unsigned arg, uint64_t *out);
