/*
 * wasm_diff.h - the differential check of wasm_diff_fuzz.c, for its
 * libFuzzer entry point and for the driver without libFuzzer
 * (wasm_diff_main.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The configurations compared: A is always the interpreter with checked
 * memory; B is chosen by the environment variable WASM_DIFF_B. */
enum wasm_diff_mode {
	WASM_DIFF_CHECKED, /* A; B too with WASM_DIFF_B=checked (where guard
			      reservations cost, e.g. under qemu-user) */
	WASM_DIFF_GUARDED, /* B: the interpreter with guarded memory (default) */
	WASM_DIFF_JIT,	   /* B: the compiler tier (WASM_DIFF_B=jit) */
};

enum wasm_diff_result {
	WASM_DIFF_SAME,
	WASM_DIFF_MISMATCH,   /* the two configurations disagreed */
	WASM_DIFF_BAD_MODULE, /* the generated module did not load: a generator bug */
	WASM_DIFF_SETUP,      /* a store or instance could not be made */
};

/* What the calls of wasm_diff_check did (A's side), summed over calls. */
struct wasm_diff_stats {
	uint64_t modules, calls, returned, hung;
	uint64_t resumes;   /* B's wasm_run calls after a suspension */
	uint64_t traps[32]; /* by enum wasm_trap_kind */
	/* B's functions the compiler compiled and refused (WASM_DIFF_JIT) */
	uint64_t compiled, refused;
	/* A's GC collections, and its stores that collected */
	uint64_t gc_collections, gc_stores;
};

/* wasm_diff_mode - B's configuration, from WASM_DIFF_B ("guarded", "checked"
 * or "jit"). */
enum wasm_diff_mode wasm_diff_mode(void);

/* wasm_diff_features - the generator's features (wasm_gen.h) from
 * WASM_DIFF_FEATURES: "base" (WASM_GEN_FEATURES_BASE: the modules of the
 * generator before its 3.0 options), or names for wasm_feature_parse
 * ("all", the default: WASM_GEN_FEATURES_ALL); UINT32_MAX if unknown. */
uint32_t wasm_diff_features(void);

/*
 * wasm_diff_check - generates a module from `data` (with the features of
 * wasm_diff_features, and loaded with the others off), runs it in both
 * configurations and compares them (see wasm_diff_fuzz.c). Returns an enum
 * wasm_diff_result; what differed is written to `report` (may be NULL);
 * `stats` (may be NULL) gets the calls added. Not thread-safe (one static
 * module buffer).
 */
int wasm_diff_check(const uint8_t *data, size_t size, FILE *report, struct wasm_diff_stats *stats);
