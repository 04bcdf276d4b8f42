/*
 * load.h - the front end: from a binary to a validated `struct wasm_module`.
 *
 * `wasm_module_decode` (decode/) turns a binary into a module;
 * `wasm_module_validate` (validate/) checks it against the spec's typing
 * rules and records the per-function facts an interpreter needs;
 * `wasm_module_load` (load.c) does both. Dependencies point one way: load
 * uses decode and validate, which both use the data model (module.h) and
 * nothing of each other's but the decoder's body scan (decode/decode.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"

/* How a module holds the binary it is decoded from. */
enum wasm_bytes_mode {
	WASM_BYTES_COPY,   /* a private copy: the caller's buffer may go at once */
	WASM_BYTES_TAKE,   /* the caller's malloc'd buffer, freed with the module
			    * (or at once if decoding fails) */
	WASM_BYTES_BORROW, /* the caller's buffer, which outlives the module and
			    * never changes (e.g. a file of the initrd) */
};

/*
 * wasm_module_decode - decodes `len` bytes of a binary module.
 * On success stores a new module in *out (free with wasm_module_free) and
 * returns 0. Returns ERR_MALFORMED (with *err filled) if the binary does not
 * follow the binary format, ERR_INVALID for the few rules checked while
 * decoding (see validate), ERR_NOMEM if memory ran out (err->msg says so).
 * Function bodies are only delimited here: their instructions are decoded by
 * wasm_module_validate, which reports malformed bodies as ERR_MALFORMED.
 * Never reads outside bytes[0, len). *out is written only on success.
 */
int wasm_module_decode(const uint8_t *bytes, size_t len, struct wasm_module **out,
		       struct wasm_error *err);

/*
 * The features after WebAssembly 2.0 without SIMD, each of which a load may
 * turn off (wasm_load_opts.features_off): a module that uses a feature
 * turned off is rejected as an engine without it rejects it (an unknown
 * opcode or type is malformed, a rule that feature relaxes is invalid),
 * and the message names the feature. Zero turns nothing off.
 */
enum wasm_feature {
	WASM_FEAT_SIMD = 1u << 0,	    /* 128-bit SIMD (part of 2.0) */
	WASM_FEAT_RELAXED_SIMD = 1u << 1,   /* relaxed SIMD */
	WASM_FEAT_TAIL_CALL = 1u << 2,	    /* return_call, return_call_indirect/_ref */
	WASM_FEAT_EXTENDED_CONST = 1u << 3, /* add/sub/mul in constant expressions */
	WASM_FEAT_MULTI_MEMORY = 1u << 4,   /* more than one memory */
	WASM_FEAT_MEMORY64 = 1u << 5,	    /* 64-bit memory addresses */
	WASM_FEAT_EXCEPTIONS = 1u << 6,	    /* tags, throw, try_table (and legacy try) */
	WASM_FEAT_FUNC_REFS = 1u << 7,	    /* typed function references */
	WASM_FEAT_GC = 1u << 8,		    /* structs, arrays, i31, casts */
};

/*
 * wasm_feature_parse - the bits of a comma-separated list of feature names
 * ("simd,tail-call"; "all" for every feature) in *bits. Returns 0, or
 * ERR_INVAL for an unknown name. wasm_feature_name - the name of one bit.
 */
int wasm_feature_parse(const char *list, uint32_t *bits);
const char *wasm_feature_name(uint32_t bit);

/* How to load a module; zero is the default of each field. */
struct wasm_load_opts {
	enum wasm_bytes_mode bytes; /* default: a copy */
	/* Bytes of memory the module's own data (everything but its binary)
	 * may take; past it decode or validate fail with ERR_NOMEM and the
	 * message says the limit was reached. 0: no limit. */
	size_t max_meta;
	/* Who validates function bodies besides the caller (load; see
	 * wasm_module_validate_on). NULL: the caller alone. */
	const struct wasm_workers *workers;
	/* enum wasm_feature bits of the features turned off (0: all on). */
	uint32_t features_off;
};

/* wasm_module_decode_opts / wasm_module_load_opts - decode and load with
 * options (decode and load: a copy, no limit). */
int wasm_module_decode_opts(const uint8_t *bytes, size_t len, const struct wasm_load_opts *o,
			    struct wasm_module **out, struct wasm_error *err);
int wasm_module_load_opts(const uint8_t *bytes, size_t len, const struct wasm_load_opts *o,
			  struct wasm_module **out, struct wasm_error *err);

/*
 * Other CPUs or threads validation may use: function bodies are
 * independent once the module's sections are known, so they are validated
 * by the caller and up to `n` workers at once. `start` runs work(arg) once
 * on each of up to n other workers, concurrently with the caller (kernel:
 * tasks on the executor, host: threads), and returns how many it started
 * (0 is fine: the caller then does everything). A started work(arg) may
 * begin late, even after validation has returned: it then finds nothing
 * left to do and returns; it never blocks. `relax` (may be NULL) is called
 * while the caller waits for a worker to finish the functions it took.
 * Workers take runs of consecutive functions of about `run_bytes` of code
 * (0: 64 KiB); a module of fewer than two runs is validated by the caller.
 * With `join`, validation returns only when every started work(arg) has
 * (threads, which always get to run: nothing of a validation outlives it).
 */
struct wasm_workers {
	unsigned n;
	size_t run_bytes;
	unsigned (*start)(void *ctx, void (*work)(void *arg), void *arg, unsigned n);
	void (*relax)(void *ctx);
	void *ctx;
	bool join;
};

/*
 * wasm_module_validate - checks `m` against the WebAssembly 2.0 validation
 * rules and records the per-function facts above. Returns 0 (and sets
 * m->validated), ERR_INVALID or ERR_MALFORMED (a body that does not decode,
 * a missing data count section) with *err filled, or ERR_NOMEM. On failure
 * the module must not be instantiated; it must still be freed.
 */
int wasm_module_validate(struct wasm_module *m, struct wasm_error *err);

/* wasm_module_validate_on - the same, with function bodies validated on
 * the caller and the workers `w` (NULL: the caller alone). The result and
 * the error are those of wasm_module_validate, whatever the interleaving:
 * the first invalid function in module order is the one reported. */
int wasm_module_validate_on(struct wasm_module *m, const struct wasm_workers *w,
			    struct wasm_error *err);

/* wasm_module_load - decode then validate; *out is written only if both
 * succeed. Errors as above. */
int wasm_module_load(const uint8_t *bytes, size_t len, struct wasm_module **out,
		     struct wasm_error *err);
