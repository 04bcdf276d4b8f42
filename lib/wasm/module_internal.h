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

/* wasm_utf8_put - writes code point cp (at most U+10FFFF) as UTF-8 into
 * out[0..4); returns how many bytes (1 to 4). */
size_t wasm_utf8_put(uint8_t *out, uint32_t cp);

/* wasm_is_valtype / wasm_is_reftype - a known one-byte encoding (v128
 * included: wasm_type_off says whether the module turned its feature
 * off); the 3.0 forms 0x63/0x64 are read by wasm_read_valtype. */
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

/*
 * wasm_read_valtype / wasm_read_reftype / wasm_read_heaptype - a value
 * type, a reference type or a heap type (s33: a type index, or an abstract
 * heap type's code) of the binary at r, for module m (whose features_off
 * it honours), into *out (module.h's encoding). Returns 0; -1 if the
 * reader failed (its error recorded); else the first byte that is not a
 * known encoding, with *feature the wasm_feature bit it needs if the
 * feature is turned off or not implemented (GC), 0 if it is unknown. A
 * concrete index is not checked against the types (the validator says
 * "unknown type"); one too big for the encoding reads as WASM_MAX_TYPES.
 */
int wasm_read_valtype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		      uint32_t *feature);
int wasm_read_reftype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		      uint32_t *feature);
int wasm_read_heaptype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *out,
		       uint32_t *feature);

/* wasm_ref_func_type - the type of `ref.func x` in m: (ref $t) of the
 * function's type t, or funcref where typed references are off (2.0). */
static inline uint32_t wasm_ref_func_type(const struct wasm_module *m, uint32_t x)
{
	if (m->features_off & WASM_FEAT_FUNC_REFS)
		return WASM_TYPE_FUNCREF;
	return wasm_type_ref(wasm_heap_idx(m->funcs[x].type), false);
}

/*
 * wasm_type_match - whether value type `a` of module ma matches (is a
 * subtype of) `b` of module mb (3.0: equal numbers; a reference matches
 * when nullability allows and its heap type is below the other's: any > eq
 * > i31, struct, array > none with concrete struct and array types below
 * struct and array; func > concrete function types > nofunc; extern >
 * noextern; exn > noexn; a concrete type below another when that one is
 * equivalent to it or to one of its declared supertypes). Concrete types
 * of one module compare by their canon, across modules by their recursion
 * groups. A type's `depth` must be set (the validator does it). Unknown
 * (the validator's bottom) matches anything.
 * wasm_type_equal - both ways.
 */
bool wasm_type_match(const struct wasm_module *ma, uint32_t a, const struct wasm_module *mb,
		     uint32_t b);
/* wasm_deftype_sub - whether defined type a (an entry of its module's
 * `types`, or a host function's type) is a subtype of b: b equivalent to a
 * or to one of a's declared supertypes (a function import's rule). */
bool wasm_deftype_sub(const struct wasm_functype *a, const struct wasm_functype *b);
/* wasm_heap_top - the top of the hierarchy heap type `heap` of m belongs
 * to: WASM_HEAP_ANY, _FUNC, _EXTERN or _EXN (0 for no heap type). */
uint32_t wasm_heap_top(const struct wasm_module *m, uint32_t heap);
/* wasm_storage_match - the same for storage types (a field's): a packed
 * type matches only itself. */
bool wasm_storage_match(const struct wasm_module *ma, uint32_t a, const struct wasm_module *mb,
			uint32_t b);
/* wasm_group_equal - whether the recursion groups starting at type sa of ma
 * and sb of mb are equivalent (the decoder's canonicalization: within one
 * module, earlier groups' canon already set). */
bool wasm_group_equal(const struct wasm_module *ma, uint32_t sa, const struct wasm_module *mb,
		      uint32_t sb);
static inline bool wasm_type_equal(const struct wasm_module *ma, uint32_t a,
				   const struct wasm_module *mb, uint32_t b)
{
	return wasm_type_match(ma, a, mb, b) && wasm_type_match(mb, b, ma, a);
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

/* wasm_type_is_gc - whether value type t is a reference to one of GC's
 * abstract heap types (any, eq, i31, struct, array, none). */
static inline bool wasm_type_is_gc(uint32_t t)
{
	return wasm_type_code(t) != WASM_HEAP_TYPEIDX && wasm_heap_top(NULL, t) == WASM_HEAP_ANY;
}

/* wasm_gc_off - whether GC's types and instructions are refused in `m`:
 * its feature turned off, or GC not accepted yet (WASM_GC_ACCEPTED). */
#define WASM_GC_ACCEPTED 1
static inline bool wasm_gc_off(const struct wasm_module *m)
{
	return !WASM_GC_ACCEPTED || (m->features_off & WASM_FEAT_GC);
}

/* wasm_const_arith - whether opcode op is one of the arithmetic
 * instructions of extended constant expressions: i32/i64 add, sub, mul. */
static inline bool wasm_const_arith(uint8_t op)
{
	return (op >= WASM_OP_I32_ADD && op <= WASM_OP_I32_MUL) ||
	       (op >= WASM_OP_I64_ADD && op <= WASM_OP_I64_MUL);
}

/* wasm_const_gc - whether 0xfb sub-opcode `sub` is constant (3.0):
 * struct.new(_default), array.new(_default, _fixed), ref.i31 and the
 * extern/any conversions. */
static inline bool wasm_const_gc(uint32_t sub)
{
	return sub <= WASM_OP_STRUCT_NEW_DEFAULT ||
	       (sub >= WASM_OP_ARRAY_NEW && sub <= WASM_OP_ARRAY_NEW_FIXED) ||
	       (sub >= WASM_OP_ANY_CONVERT_EXTERN && sub <= WASM_OP_REF_I31);
}

/*
 * wasm_const_expr_next - the next instruction of the extended constant
 * expression `e` of `m` (kind WASM_CONST_EXPR, decoded already), from
 * position *pos (start at 0): its opcode in *op and its immediate in *imm
 * (a constant's bits, ref.null's type, ref.func's or global.get's index;
 * for a GC instruction, *op 0xfb and *imm packs its sub-opcode in bits
 * 0-7, its type index in bits 8-31 (0xffffff if larger: no such type)
 * and array.new_fixed's count in bits 32-63).
 * Returns false at the expression's `end`.
 */
bool wasm_const_expr_next(const struct wasm_module *m, const struct wasm_const_expr *e,
			  uint32_t *pos, uint8_t *op, uint64_t *imm);
