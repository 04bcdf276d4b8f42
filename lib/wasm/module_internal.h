/*
 * module_internal.h - the data model's side that lib/wasm's parts (decode/,
 * validate/, runtime/) share and users of a module do not see: the module's
 * arena, error reporting, and the value-type encodings' checks.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

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

/* wasm_utf8_put - writes code point cp (at most U+10FFFF) as UTF-8 into
 * out[0..4); returns how many bytes (1 to 4). */
size_t wasm_utf8_put(uint8_t *out, uint32_t cp);

/* wasm_is_valtype / wasm_is_reftype - a known encoding (v128 included:
 * wasm_type_off says whether the module turned its feature off). */
static inline bool wasm_is_reftype(uint8_t b)
{
	return b == WASM_TYPE_FUNCREF || b == WASM_TYPE_EXTERNREF || b == WASM_TYPE_EXNREF;
}
static inline bool wasm_is_valtype(uint8_t b)
{
	return (b >= WASM_TYPE_V128 && b <= WASM_TYPE_I32) || wasm_is_reftype(b);
}

/* wasm_type_off - the feature `m` has turned off that value type `b`
 * belongs to (v128: simd, exnref: exceptions), else 0; such a type is
 * malformed there. */
static inline uint32_t wasm_type_off(const struct wasm_module *m, uint8_t b)
{
	uint32_t f = b == WASM_TYPE_V128     ? WASM_FEAT_SIMD
		     : b == WASM_TYPE_EXNREF ? WASM_FEAT_EXCEPTIONS
					     : 0;

	return m->features_off & f;
}

/* wasm_simd_off - the feature turned off in `m` that 0xfd sub-opcode `sub`
 * belongs to (WASM_FEAT_SIMD or WASM_FEAT_RELAXED_SIMD), 0 if it is on. */
static inline uint32_t wasm_simd_off(const struct wasm_module *m, uint32_t sub)
{
	if (m->features_off & WASM_FEAT_SIMD)
		return WASM_FEAT_SIMD;
	if (sub >= WASM_OP_FD_RELAXED && (m->features_off & WASM_FEAT_RELAXED_SIMD))
		return WASM_FEAT_RELAXED_SIMD;
	return 0;
}

/* wasm_const_arith - whether opcode op is one of the arithmetic
 * instructions of extended constant expressions: i32/i64 add, sub, mul. */
static inline bool wasm_const_arith(uint8_t op)
{
	return (op >= WASM_OP_I32_ADD && op <= WASM_OP_I32_MUL) ||
	       (op >= WASM_OP_I64_ADD && op <= WASM_OP_I64_MUL);
}

/*
 * wasm_const_expr_next - the next instruction of the extended constant
 * expression `e` of `m` (kind WASM_CONST_EXPR, decoded already), from
 * position *pos (start at 0): its opcode in *op and its immediate in *imm
 * (a constant's bits, ref.null's type, ref.func's or global.get's index).
 * Returns false at the expression's `end`.
 */
bool wasm_const_expr_next(const struct wasm_module *m, const struct wasm_const_expr *e,
			  uint32_t *pos, uint8_t *op, uint64_t *imm);
