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
