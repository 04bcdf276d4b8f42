/*
 * module_internal.h - what decode.c, decode_expr.c, validate*.c and module.c
 * share: the module's arena, error reporting, and the instruction-level
 * helpers of the binary format that both the decoder and the validator use.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"
#include "wasm/module.h"
#include "wasm/reader.h"

/* wasm_arena_alloc - `size` zeroed bytes owned by `m`, aligned for any
 * type; NULL if out of memory. Freed with the module. */
void *wasm_arena_alloc(struct wasm_module *m, size_t size);

/* wasm_nomem_text - what to say when an allocation for `m` failed: "out of
 * memory", or that its metadata limit was reached. */
const char *wasm_nomem_text(const struct wasm_module *m);

/* wasm_arena_array - `n` zeroed elements of `size` bytes; NULL if out of
 * memory or if n * size overflows. n == 0 gives a valid non-NULL pointer. */
void *wasm_arena_array(struct wasm_module *m, size_t n, size_t size);

/* wasm_error_set - fills *err (if not NULL): kind, section, offset and a
 * message formatted like fmt_snprintf. */
void wasm_error_set(struct wasm_error *err, int kind, const char *section, size_t offset,
		    const char *fmt, ...) PRINTF_LIKE(5, 6);

/* wasm_utf8_valid - whether s[0, n) is well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
bool wasm_utf8_valid(const uint8_t *s, size_t n);

/* wasm_is_valtype / wasm_is_reftype - a known (non-SIMD) encoding. */
static inline bool wasm_is_reftype(uint8_t b)
{
	return b == WASM_TYPE_FUNCREF || b == WASM_TYPE_EXTERNREF;
}
static inline bool wasm_is_valtype(uint8_t b)
{
	return (b >= WASM_TYPE_F64 && b <= WASM_TYPE_I32) || wasm_is_reftype(b);
}

/*
 * wasm_decode_const_expr - reads a constant expression up to and including
 * its final `end` into *out. A non-constant or extra instruction is not a
 * decode error (it is invalid, not malformed): it is recorded in out->status
 * and skipped. Returns false (reader failure recorded) on malformed bytes.
 */
bool wasm_decode_const_expr(struct wasm_reader *r, struct wasm_const_expr *out);

/*
 * wasm_skip_immediates - skips the immediates of opcode `op` (for 0xfc, the
 * sub-opcode and its immediates), whose opcode byte was just read. Returns
 * false with "illegal opcode" for an unknown opcode, or on a read failure.
 */
bool wasm_skip_immediates(struct wasm_reader *r, uint8_t op);

/* wasm_decode_names - parses the custom "name" section's payload r[pos,
 * end) into m->module_name and m->func_names; malformed parts are ignored
 * (the spec allows it). Returns ERR_NOMEM or 0. */
int wasm_decode_names(struct wasm_module *m, struct wasm_reader *r);

/*
 * wasm_validate_bodies - validates every defined function's body of `m`
 * (whose module-level parts are already valid) and records the validator's
 * per-function output. `refs` is a bitmap over function indices: the
 * functions `ref.func` may name (spec: C.refs). Returns 0, ERR_INVALID,
 * ERR_MALFORMED or ERR_NOMEM with *err filled.
 */
int wasm_validate_bodies(struct wasm_module *m, const uint8_t *refs, struct wasm_error *err);

/*
 * wasm_scan_bodies - decodes (without typing) every function body, for the
 * spec's precedence of malformed over invalid: the validator types bodies as
 * it decodes them, so when it finds a module invalid, this says whether the
 * binary was malformed after all. Returns 0 or ERR_MALFORMED with *err set.
 */
int wasm_scan_bodies(const struct wasm_module *m, struct wasm_error *err);
