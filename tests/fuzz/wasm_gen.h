/*
 * wasm_gen.h - a generator of valid WebAssembly modules from a byte string,
 * for fuzzers that must run real code (wasm_diff_fuzz.c) and for tests.
 *
 * The input is read as a stream of choices; once it runs out every choice
 * is 0, and choice 0 is always the smallest option (a constant, an empty
 * statement list), so any input, even an empty one, gives a module.
 *
 * Invariants of every generated module (tests/host/wasm_gen_test.c checks
 * the first over many seeds):
 *  - it validates, using only the features it was given (enum
 *    wasm_feature bits, wasm/load.h, on top of WebAssembly 2.0 without
 *    SIMD), and instantiates with no imports in a store allowing
 *    WASM_GEN_MAX_PAGES pages per memory and WASM_GEN_MAX_TABLE table
 *    elements;
 *  - every function is exported as "f<index>"; the mutable i32 global
 *    "budget" is a call budget: each function decrements it on entry and,
 *    found at 0, returns default values at once (so recursion and call
 *    fan-out are bounded); a harness sets it to WASM_GEN_CALL_BUDGET before
 *    each call;
 *  - every loop counts down a fresh local set before it, and leaves at 0:
 *    a call runs a bounded number of instructions;
 *  - the code section stays under WASM_GEN_MAX_CODE bytes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wasm/load.h"

#define WASM_GEN_MAX_PAGES   16
#define WASM_GEN_MAX_TABLE   1024
#define WASM_GEN_CALL_BUDGET 16
#define WASM_GEN_MAX_CODE    4096
#define WASM_GEN_MAX_MODULE  16384 /* bytes a module may take */

/* The choice stream: `pos` advances over `data[0..len)`. */
struct wasm_gen_input {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

/* wasm_gen_choose - a choice in [0, n) read from the stream (0 once it is
 * exhausted, and always 0 for n <= 1). */
uint32_t wasm_gen_choose(struct wasm_gen_input *in, uint32_t n);

/* wasm_gen_bits - the next `nbytes` (1..8) bytes as a little-endian value,
 * zero-padded when the stream runs out. */
uint64_t wasm_gen_bits(struct wasm_gen_input *in, uint32_t nbytes);

/* wasm_gen_seed - fills buf with a pseudo-random input of a length in
 * [cap / 8, cap] drawn from `seed` (splitmix64), for runs without a fuzzer;
 * returns the length. */
size_t wasm_gen_seed(uint64_t seed, uint8_t *buf, size_t cap);

/*
 * The features the generator can use. Each one it is given is a per-module
 * choice (most modules of WASM_GEN_FEATURES_ALL use a few, not all), and
 * a feature it is not given costs no choice: with WASM_GEN_FEATURES_BASE
 * (tail calls and exceptions, the features it had before the options) a
 * stream gives exactly the module it gave then, so kept inputs keep their
 * meaning.
 *   SIMD           v128 params, results, locals, globals, blocks; every
 *                  SIMD row (lane ops, shuffles, loads/stores on any memory)
 *   RELAXED_SIMD   the relaxed rows too (with SIMD)
 *   TAIL_CALL      return_call, return_call_indirect
 *   EXCEPTIONS     a tag, throw, try_table, throw_ref, legacy try
 *   MULTI_MEMORY   up to GEN_MAX_MEMS memories, each with a data segment;
 *                  loads, stores, size, grow, fill, copy (between any two),
 *                  init on any; explicit memory index 0 sometimes
 *   MEMORY64       64-bit memories (memory 0 too): i64 addresses, sizes
 *                  and lengths, offsets past 4 GiB, addresses near 2^64;
 *                  tables of the i64 address type (table64: either table,
 *                  its segment's offset, every table instruction on it and
 *                  call_indirect through it; indices of 2^32 and more)
 *   EXTENDED_CONST add/sub/mul (and global.get of earlier immutable
 *                  globals) in globals' and segments' offsets
 *   GC             four types after the function types: a struct A
 *                  {mut i32, i16} open to its subtype B {.. mut i8,
 *                  mut eqref, i64}, arrays of mut i8 and of mut eqref;
 *                  eqref params, results, locals, globals and blocks;
 *                  struct.new(_default), array.new(_default, _fixed),
 *                  get/set, array.len/fill/copy, ref.i31, i31.get_*,
 *                  ref.test, ref.cast, br_on_cast, ref.eq
 */
#define WASM_GEN_FEATURES_BASE (WASM_FEAT_TAIL_CALL | WASM_FEAT_EXCEPTIONS)
#define WASM_GEN_FEATURES_ALL                                               \
	(WASM_GEN_FEATURES_BASE | WASM_FEAT_SIMD | WASM_FEAT_RELAXED_SIMD | \
	 WASM_FEAT_MULTI_MEMORY | WASM_FEAT_MEMORY64 | WASM_FEAT_EXTENDED_CONST | WASM_FEAT_GC)

/*
 * wasm_gen_module - writes a module built from choices read from `in` into
 * out[0..cap) and returns its length, or 0 if cap is under
 * WASM_GEN_MAX_MODULE. op_counts, if not NULL, has WASM_OP_NINDEX entries
 * (wasm/opcodes.h) and gets each emitted instruction counted at its index
 * (for coverage reports). Reads only as many choices as it needs: the rest
 * of the stream is the caller's (e.g. for call arguments).
 */
size_t wasm_gen_module(struct wasm_gen_input *in, uint8_t *out, size_t cap, uint32_t *op_counts);

/* wasm_gen_module_with - the same with only `features` (a set of the
 * WASM_GEN_FEATURES_ALL bits; wasm_gen_module uses all of them). */
size_t wasm_gen_module_with(struct wasm_gen_input *in, uint8_t *out, size_t cap,
			    uint32_t *op_counts, uint32_t features);
