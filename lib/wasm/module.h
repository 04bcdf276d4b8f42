/*
 * module.h - the data model of a decoded WebAssembly 2.0 module (core,
 * without SIMD): `struct wasm_module`, its lookups, its invariant walker and
 * its release. How bytes become a module (decode, validate, load) is the
 * front end's interface, wasm/load.h; the validator also fills in the
 * per-function facts an interpreter needs (stack heights, block table,
 * operand types of `drop`/`select`).
 *
 * Invariants:
 *  - The module holds the binary (`bytes`, `len`) for its whole life: a
 *    private copy, or the caller's buffer taken over or borrowed (see
 *    enum wasm_bytes_mode in wasm/load.h); every offset and every name or
 *    data pointer below refers into it. The bytes are never written.
 *  - Everything else the module points to lives in its arena: one call to
 *    `wasm_module_free` releases all of it. Nothing is shared between modules.
 *  - Index spaces are the spec's: imports first, then definitions. So
 *    `funcs[i]` for i < nfunc_imports is an imported function (`import` names
 *    its entry in `imports`), likewise for tables, memories and globals.
 *  - Once `validated` is true, every index in the module (types, functions,
 *    tables, memories, globals, segments, labels, locals) is in range and
 *    every function body is well-typed; an interpreter need not re-check.
 *
 * Function body layout in `bytes` (offsets are absolute, from the magic):
 *
 *    body_start     code_start                         code_end
 *    | locals vec   | instr instr ... instr       end  |
 *    +--------------+-----------------------------------+
 *                    ^ first instruction       the body's final `end` is the
 *                                              byte at code_end - 1
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "no index": an absent import, start function or name. */
#define WASM_NONE UINT32_MAX

/* Implementation limits (the spec allows an implementation to set them). */
#define WASM_MAX_LOCALS 50000u /* per function, params included */
#define WASM_MAX_PAGES	65536u /* 4 GiB of 64 KiB pages: the spec's own bound */
#define WASM_PAGE_SIZE	65536u

/* A memory64 memory's bound in the spec: 2^64 bytes, in pages. */
#define WASM_MAX_PAGES64 (UINT64_C(1) << 48)

/*
 * Value types. A value type is a uint32_t:
 *
 *   31                    9   8   7        0
 *   +---------------------+---+----------+
 *   | concrete type index | N |   code   |
 *   +---------------------+---+----------+
 *
 * `code` is the binary encoding of a number type (i32 0x7f ... v128 0x7b)
 * or, for a reference type, of its heap type: an abstract one (func 0x70,
 * extern 0x6f, exn 0x69; GC adds any, eq, i31, struct, array and the
 * bottoms none, nofunc, noextern, noexn with their own codes) or
 * WASM_HEAP_TYPEIDX for a concrete type, whose index is in bits 9-31.
 * N (WASM_TYPE_NONNULL) marks a non-nullable reference, (ref ht); without
 * it a reference is (ref null ht). So the 2.0 reference types keep their
 * one-byte values: funcref is (ref null func) = 0x70. Two value types are
 * equal iff their words are (concrete indices of one module; across
 * modules, or with type equivalence, see wasm_type_match in
 * module_internal.h). GC extends this without another layout: its heap
 * types are more codes, its subtyping a rule over the same words.
 * 0 is "unknown" (the validator's bottom type in unreachable code); never
 * stored in a validated module except where documented.
 */
enum wasm_valtype {
	WASM_TYPE_UNKNOWN = 0x00,
	WASM_TYPE_I32 = 0x7f,
	WASM_TYPE_I64 = 0x7e,
	WASM_TYPE_F32 = 0x7d,
	WASM_TYPE_F64 = 0x7c,
	WASM_TYPE_V128 = 0x7b,
	WASM_TYPE_FUNCREF = 0x70,
	WASM_TYPE_EXTERNREF = 0x6f,
	WASM_TYPE_EXNREF = 0x69, /* exception handling (3.0) */
};

/* Heap type codes (bits 0-7 of a reference type), with their binary
 * encodings where they have one. */
enum wasm_heap_code {
	WASM_HEAP_TYPEIDX = 0x01, /* concrete: the type index is in bits 9-31 */
	WASM_HEAP_FUNC = 0x70,
	WASM_HEAP_EXTERN = 0x6f,
	WASM_HEAP_EXN = 0x69,
	WASM_HEAP_NOFUNC = 0x73,
	WASM_HEAP_NOEXTERN = 0x72,
	WASM_HEAP_NOEXN = 0x74,
	WASM_HEAP_ANY = 0x6e, /* GC: any > eq > i31, struct, array > none */
	WASM_HEAP_EQ = 0x6d,
	WASM_HEAP_I31 = 0x6c,
	WASM_HEAP_STRUCT = 0x6b,
	WASM_HEAP_ARRAY = 0x6a,
	WASM_HEAP_NONE = 0x71,
};
#define WASM_TYPE_NONNULL      0x100u
#define WASM_TYPE_IDXSHIFT     9
#define WASM_MAX_TYPES	       1000000u /* an implementation limit; fits bits 9-31 */
/* The longest chain of declared supertypes above a type (an implementation
 * limit, as in other engines; the validator says "sub type" past it). */
#define WASM_MAX_SUBTYPE_DEPTH 63u

/* wasm_type_code - a type's code (bits 0-7). */
static inline uint32_t wasm_type_code(uint32_t t)
{
	return t & 0xffu;
}
/* wasm_type_is_ref - whether t is a reference type (of any heap type). */
static inline bool wasm_type_is_ref(uint32_t t)
{
	uint32_t c = t & 0xffu;

	return c != 0 && c < WASM_TYPE_V128;
}
/* wasm_type_ref - the reference type to heap type `heap` (a code, or a
 * concrete one from wasm_heap_idx), nullable or not. */
static inline uint32_t wasm_type_ref(uint32_t heap, bool nullable)
{
	return nullable ? heap : heap | WASM_TYPE_NONNULL;
}
/* wasm_heap_idx - the concrete heap type of type index `idx`. */
static inline uint32_t wasm_heap_idx(uint32_t idx)
{
	return idx << WASM_TYPE_IDXSHIFT | WASM_HEAP_TYPEIDX;
}
/* wasm_type_heap - a reference type's heap type (its nullability
 * removed). wasm_type_idx - a concrete one's type index. */
static inline uint32_t wasm_type_heap(uint32_t t)
{
	return t & ~WASM_TYPE_NONNULL;
}
static inline uint32_t wasm_type_idx(uint32_t t)
{
	return t >> WASM_TYPE_IDXSHIFT;
}
static inline bool wasm_type_nullable(uint32_t t)
{
	return !(t & WASM_TYPE_NONNULL);
}
/* wasm_type_kind - the 2.0 type of t's values' representation: a number
 * type itself, a reference its hierarchy's top as a 2.0 type (funcref for
 * func, nofunc and concrete function types; externref; exnref). */
static inline uint8_t wasm_type_kind(uint32_t t)
{
	switch (t & 0xffu) {
	case WASM_HEAP_TYPEIDX:
	case WASM_HEAP_NOFUNC:
		return WASM_TYPE_FUNCREF;
	case WASM_HEAP_NOEXTERN:
		return WASM_TYPE_EXTERNREF;
	case WASM_HEAP_NOEXN:
		return WASM_TYPE_EXNREF;
	default:
		return (uint8_t)t;
	}
}

/* Import/export kinds, with their binary encodings. */
enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
	WASM_EXTERN_TAG = 4, /* exception handling (3.0) */
};

/* A name from the binary: UTF-8 (checked), not NUL-terminated, may contain
 * NUL; points into `wasm_module.bytes`. */
struct wasm_name {
	const char *ptr;
	uint32_t len;
};

/*
 * GC's composite types. A defined type (an entry of the type section) is a
 * function type, a struct type or an array type, each possibly declared
 * inside a recursion group (`rec`) and with a supertype (`sub`). The kinds
 * are our own numbering (0 = function, so that a zeroed host function type
 * is a function type); the binary forms are 0x60, 0x5f and 0x5e.
 */
enum wasm_comp_kind {
	WASM_COMP_FUNC = 0,
	WASM_COMP_STRUCT = 1,
	WASM_COMP_ARRAY = 2,
};

/* A field's storage type is a value type or one of the packed types, with
 * their binary encodings (not value types: never on the operand stack). */
enum wasm_packed {
	WASM_PACKED_I8 = 0x78,
	WASM_PACKED_I16 = 0x77,
};

/* A struct's field, or an array's element. */
struct wasm_field {
	uint32_t type; /* a value type (module.h encoding) or enum wasm_packed
			  (whose codes wasm_type_is_ref would take for references:
			  test for them first) */
	bool mut;      /* `(mut t)`: struct.set / array.set allowed */
};

/*
 * A defined type: a function type (params, results), or with GC a struct
 * type (fields) or an array type (one field, its element). The name stays
 * `functype` as most users see only function types; `kind` says which.
 */
struct wasm_functype {
	uint32_t nparams, nresults;
	const uint32_t *params;	 /* nparams value types (enum wasm_valtype) */
	const uint32_t *results; /* nresults value types */
	uint32_t canon;		 /* index of the first type in `types` equal to this one:
				    two types of this module match iff their canon match */
	/* The module whose types a concrete reference type here indexes; NULL
	 * for a host function's type (which has none). */
	const struct wasm_module *module;

	/* GC. A type outside any `rec` is a recursion group of one; a type
	 * without `sub` is final and has no supertype (the 2.0 function
	 * types). Two types are equivalent iff their recursion groups are
	 * (same shape, references inside the group by relative position) and
	 * they sit at the same position in them; `canon` then names the first
	 * type of this module equivalent to this one. */
	uint8_t kind;	    /* enum wasm_comp_kind */
	bool final;	    /* no type may declare this one as its supertype */
	bool has_super;	    /* `super` is meaningful */
	uint32_t super;	    /* the declared supertype's index (earlier than this one) */
	uint32_t depth;	    /* the length of the supertype chain above it (0: none) */
	uint32_t rec_start; /* its recursion group: types [rec_start, rec_start + rec_len) */
	uint32_t rec_len;   /* 1 outside any `rec` */
	uint32_t nfields;   /* struct: its fields; array: 1; function: 0 */
	const struct wasm_field *fields;
};

/* wasm_field_size - the bytes a field of storage type `t` takes in an
 * object: 1 or 2 packed, 16 for v128, 4 for i32/f32, 8 for i64/f64 and
 * every reference. */
static inline uint32_t wasm_field_size(uint32_t t)
{
	switch (t & 0xffu) {
	case WASM_PACKED_I8:
		return 1;
	case WASM_PACKED_I16:
		return 2;
	case WASM_TYPE_I32:
	case WASM_TYPE_F32:
		return 4;
	case WASM_TYPE_V128:
		return 16;
	default:
		return 8;
	}
}

/* Limits of a table or memory. 64-bit values: with memory64 every limit is
 * a u64 in the binary; the validator bounds those of the i32 address type
 * (a memory's by 65536 pages, a table's by 2^32 - 1 elements). */
struct wasm_limits {
	uint64_t min;
	uint64_t max; /* meaningful only if has_max */
	bool has_max;
	bool is64; /* the i64 address type (memory64, table64; flags 0x04/0x05) */
};

/*
 * A constant expression. In 2.0 a valid one is exactly one constant
 * instruction followed by `end`; the decoder keeps that instruction here
 * (an extended one of 3.0, WASM_CONST_EXPR, stays in the binary).
 * `status` records why it cannot be valid (the validator reports it).
 */
enum wasm_const_kind {
	WASM_CONST_I32,	       /* i32.const: u.i32 */
	WASM_CONST_I64,	       /* i64.const: u.i64 */
	WASM_CONST_F32,	       /* f32.const: u.f32 (raw bits) */
	WASM_CONST_F64,	       /* f64.const: u.f64 (raw bits) */
	WASM_CONST_REF_NULL,   /* ref.null t: type is t */
	WASM_CONST_REF_FUNC,   /* ref.func x: u.index */
	WASM_CONST_GLOBAL_GET, /* global.get x: u.index */
	WASM_CONST_EXPR,       /* extended (3.0): several constant instructions,
				* i32/i64 add, sub, mul among them, at bytes
				* [offset, offset + u.expr.len) (`end` included) */
	WASM_CONST_V128,       /* v128.const: u.v128 (little-endian) */
};
enum wasm_const_status {
	WASM_CONST_OK,		 /* one constant instruction, or an extended
				  * expression */
	WASM_CONST_ARITY,	 /* zero or several instructions ("type mismatch") */
	WASM_CONST_NOT_CONSTANT, /* a non-constant instruction appears */
	WASM_CONST_EXTENDED_OFF, /* add, sub or mul with extended-const off */
};
/* The most values an extended constant expression may hold on its stack
 * at once (an implementation limit the validator checks; the runtime
 * evaluates on a stack of this size). */
#define WASM_CONST_MAX_STACK 64
struct wasm_const_expr {
	uint8_t kind;	 /* enum wasm_const_kind (if status is OK) */
	uint8_t status;	 /* enum wasm_const_status */
	uint32_t type;	 /* the value type produced; for GLOBAL_GET filled by the
			    validator from the global's type */
	uint32_t offset; /* byte offset of the expression, for messages */
	union {
		uint32_t i32;
		uint64_t i64;
		uint32_t f32;
		uint64_t f64;
		uint32_t index;
		struct {
			uint32_t len, ninstr;
		} expr;
		uint8_t v128[16];
	} u;
};

struct wasm_import {
	struct wasm_name module, name;
	uint8_t kind;	/* enum wasm_extern_kind */
	uint32_t index; /* the entity's index in its kind's index space */
};

struct wasm_export {
	struct wasm_name name;
	uint8_t kind; /* enum wasm_extern_kind */
	uint32_t index;
};

/*
 * Validator output, one per block/loop/if of a function body, in order of
 * their opcodes in the body (so a translator walking the body counts them).
 */
struct wasm_block_info {
	uint32_t start;	   /* offset of the block/loop/if opcode */
	uint32_t else_pc;  /* offset of its `else` opcode, 0 if none */
	uint32_t end_pc;   /* offset of its `end` opcode */
	uint32_t nparams;  /* block type arity: values taken from the stack */
	uint32_t nresults; /* values left on the stack at `end` */
	uint32_t height;   /* operand stack height at entry, below the params
			      (in values, not counting params and locals) */
};

struct wasm_func {
	uint32_t type;	 /* index into `types` */
	uint32_t import; /* index into `imports`, WASM_NONE if defined here */

	/* Defined functions only (zero for imports): */
	uint32_t body_start;   /* the locals vector */
	uint32_t code_start;   /* first instruction */
	uint32_t code_end;     /* one past the body's final `end` */
	uint32_t nlocals;      /* declared locals, params excluded */
	uint32_t *local_types; /* nlocals value types */

	/* Filled by the validator (defined functions): */
	uint32_t max_height; /* max operand stack height in values, params and
				locals excluded */
	uint32_t max_depth;  /* max control stack depth; the body counts as 1 */
	uint32_t nhidden;    /* hidden locals after the declared ones: the
				exceptions caught by legacy catch frames, one per
				frame open at once (for rethrow) */
	bool uses_simd;	     /* the body has a SIMD (0xfd) instruction */
	uint32_t nblocks;
	struct wasm_block_info *blocks;
	/* One entry per `drop` (0x1a) and per untyped `select` (0x1b), in body
	 * order: the code (wasm_type_code) of the dropped / selected operand's
	 * type, or WASM_TYPE_UNKNOWN in unreachable code (the stack is
	 * polymorphic and the instruction never runs). */
	uint32_t nuntyped;
	uint8_t *untyped_types;
};

struct wasm_table {
	uint32_t elem_type; /* a reference type */
	struct wasm_limits limits;
	uint32_t import; /* index into `imports`, or WASM_NONE */
	/* Typed function references (3.0): the initial value of every
	 * element, when the table type has one (has_init; binary 0x40 0x00). */
	bool has_init;
	struct wasm_const_expr init;
};

struct wasm_memtype {
	struct wasm_limits limits; /* in pages of WASM_PAGE_SIZE */
	uint32_t import;
};

struct wasm_global {
	uint32_t type; /* a value type */
	bool is_mutable;
	uint32_t import;
	struct wasm_const_expr init; /* defined globals only */
};

/* An exception tag (3.0): its type is a function type with no results,
 * whose params are the exception's payload. */
struct wasm_tag {
	uint32_t type;	 /* index into `types` */
	uint32_t import; /* index into `imports`, or WASM_NONE */
};

enum wasm_seg_mode {
	WASM_SEG_ACTIVE,
	WASM_SEG_PASSIVE,
	WASM_SEG_DECLARATIVE, /* element segments only */
};

struct wasm_elem {
	uint8_t mode;		       /* enum wasm_seg_mode */
	uint32_t type;		       /* a reference type */
	uint32_t table;		       /* active only */
	struct wasm_const_expr offset; /* active only: the table's address type */
	uint32_t count;
	/* Each item is a constant expression of `type`; the function-index forms
	 * of the binary are stored as WASM_CONST_REF_FUNC items. */
	struct wasm_const_expr *items;
};

struct wasm_data {
	uint8_t mode;		       /* WASM_SEG_ACTIVE or WASM_SEG_PASSIVE */
	uint32_t memory;	       /* active only */
	struct wasm_const_expr offset; /* active only: the memory's address type */
	uint32_t size;
	const uint8_t *init; /* `size` bytes inside `bytes` */
};

struct wasm_arena_chunk;

struct wasm_module {
	const uint8_t *bytes; /* the binary */
	size_t len;
	bool owns_bytes;       /* free(bytes) with the module */
	size_t meta_bytes;     /* held by the arena */
	size_t meta_limit;     /* what the arena may hold; 0: no limit */
	bool meta_refused;     /* the arena refused an allocation for the limit */
	uint32_t features_off; /* enum wasm_feature (load.h) turned off for it */

	uint32_t ntypes;
	struct wasm_functype *types;
	uint32_t nimports;
	struct wasm_import *imports;

	uint32_t nfuncs, nfunc_imports;
	struct wasm_func *funcs;
	uint32_t ntables, ntable_imports;
	struct wasm_table *tables;
	uint32_t nmems, nmem_imports;
	struct wasm_memtype *mems;
	uint32_t nglobals, nglobal_imports;
	struct wasm_global *globals;

	uint32_t ntags, ntag_imports; /* exception tags (3.0) */
	struct wasm_tag *tags;
	/* The module has tags or exception instructions (set by the decoder
	 * and the validator): its code runs interpreted (jit/README.md). */
	bool uses_exceptions;
	/* The module has a struct or array type, an abstract GC heap type
	 * (any, eq, i31, struct, array, none) or a GC instruction (set by the
	 * decoder and the validator): its code runs interpreted, and no
	 * compiled frame ever holds a GC reference. */
	bool uses_gc;

	uint32_t nexports;
	struct wasm_export *exports;
	uint32_t start; /* function index or WASM_NONE */

	uint32_t nelems;
	struct wasm_elem *elems;
	uint32_t ndatas;
	struct wasm_data *datas;
	bool has_data_count;
	uint32_t data_count; /* the data count section's value, if present */

	/* From the custom "name" section (ignored if malformed, as the spec
	 * allows): module name (len 0 if none) and `nfuncs` function names
	 * indexed by function index (ptr NULL if none). func_names is NULL when
	 * the section gives no function names. */
	struct wasm_name module_name;
	struct wasm_name *func_names;

	bool validated; /* set by wasm_module_validate on success */

	struct wasm_arena_chunk *arena; /* owns every array above */

	/* Compiled code kept with the module for all its instances (runtime.h:
	 * wasm_module_share_code); opaque here, freed with the module through
	 * shared_free. NULL: each instance compiles its own. */
	void *shared_code;
	void (*shared_free)(void *shared_code);
};

/*
 * What went wrong with a module. `kind` is ERR_MALFORMED (the binary does not
 * decode) or ERR_INVALID (it decodes but is not well-typed). `section` is the
 * section's name ("type", "code", ..., "header"), `offset` the byte offset in
 * the binary, `msg` contains the spec testsuite's text for the rule ("type
 * mismatch", "unexpected end", ...) followed by details.
 */
struct wasm_error {
	int kind;
	const char *section;
	uint32_t offset;
	char msg[520]; /* a link error's two names up to 240 bytes each */
};

/* wasm_module_footprint - bytes of memory `m` holds: its struct, the
 * binary if it owns it, its arena. */
size_t wasm_module_footprint(const struct wasm_module *m);

/* wasm_module_free - releases `m` and everything it owns. NULL is ignored. */
void wasm_module_free(struct wasm_module *m);

/* wasm_functype_equal - equivalence of defined types (for call_indirect
 * across modules): iso-recursive, by their recursion groups (module.c); a
 * host function's type (module NULL) compares by its params and results. */
bool wasm_functype_equal(const struct wasm_functype *a, const struct wasm_functype *b);

/* wasm_module_find_export - the export named `name` (len bytes) of `kind`,
 * or NULL. */
const struct wasm_export *wasm_module_find_export(const struct wasm_module *m, const char *name,
						  size_t len, uint8_t kind);

/* wasm_types_slots - the 8-byte slots (value array entries, runtime.h)
 * values of types ts[0..n) take: two for a v128, one for any other. */
static inline uint32_t wasm_types_slots(const uint32_t *ts, uint32_t n)
{
	uint32_t k = n;

	for (uint32_t i = 0; i < n; i++)
		k += ts[i] == WASM_TYPE_V128;
	return k;
}

/* wasm_valtype_name - "i32", "funcref", "(ref func)", "(ref null $t)"
 * (a concrete type's index is not named), ...; "?" for anything else. */
const char *wasm_valtype_name(uint32_t t);

/* wasm_module_func_name - the function's name from the name section, or
 * {NULL, 0}. */
struct wasm_name wasm_module_func_name(const struct wasm_module *m, uint32_t func);

/* wasm_module_check - the invariant walker for tests and fuzzers: whether a
 * module satisfies the invariants above (for a validated module: every index
 * in range, code ranges inside `bytes`, the block table ordered and nested,
 * per-function counts consistent). */
bool wasm_module_check(const struct wasm_module *m);
