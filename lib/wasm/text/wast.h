/*
 * wast.h - WebAssembly scripts (.wast, the spec testsuite's format) to a
 * list of commands with the meaning of the JSON that wabt's wast2json
 * writes: modules as binaries, actions, and assertions with their expected
 * values. The layer above wat.h.
 *
 *   (module $M? ...)            MODULE (text encoded; `binary` bytes kept;
 *                               `quote` text encoded)
 *   (module definition $M? ...) MODULE with `definition`: not instantiated
 *   (module instance $I? $M?)   MODULE_INSTANCE of definition $M (else the
 *                               last one), named $I
 *   (register "as" $M?)         REGISTER (a module or an instance name)
 *   (invoke $M? "f" const*)     ACTION; also (get $M? "g")
 *   (assert_return action result*)          results may be nan:canonical,
 *   (assert_trap action "msg")              nan:arithmetic (a v128's per
 *                                           lane of f32x4 / f64x2), a reference
 *   (assert_trap module "msg")  ASSERT_UNINSTANTIABLE, as wast2json has it
 *   (assert_exhaustion action "msg")
 *   (assert_exception action)   ASSERT_EXCEPTION
 *   (assert_invalid / assert_malformed / assert_unlinkable /
 *    assert_uninstantiable module "msg")
 *
 * Results: a constant, (ref.null HEAPTYPE) (any null), (ref.extern N),
 * (ref.host N), the patterns (ref.func) (ref.extern) (ref.any) (ref.eq)
 * (ref.i31) (ref.struct) (ref.array) (ref.exn) (a non-null reference of
 * that kind), or (either result+) (any one of them).
 *
 * A module that does not encode (assert_malformed's text cases, which
 * wast2json leaves unconverted; or a module using syntax the front end
 * does not know) is kept as its error: the command's `bin` is NULL and
 * `wat_err` says why (for a (module quote ...), the line and column in its
 * quoted text), which is what a runner checks an assertion against, and
 * fails a MODULE command with. A command that cannot be read (unknown, or
 * a bad value) becomes an ERROR command with its line and the reason in
 * `wat_err`, and the script goes on after its closing parenthesis: one bad
 * command costs itself only. Only a lexical error, unbalanced parentheses
 * or running out of memory fail the whole script.
 *
 * Invariant: every string and binary of a script is owned by it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/text/wat_lex.h"

enum wast_cmd_kind {
	WAST_MODULE,
	WAST_REGISTER,
	WAST_ACTION,
	WAST_ASSERT_RETURN,
	WAST_ASSERT_TRAP,
	WAST_ASSERT_EXHAUSTION,
	WAST_ASSERT_INVALID,
	WAST_ASSERT_MALFORMED,
	WAST_ASSERT_UNLINKABLE,
	WAST_ASSERT_UNINSTANTIABLE,
	WAST_ASSERT_EXCEPTION,
	WAST_MODULE_INSTANCE,
	WAST_ERROR, /* a command that could not be read: wat_err says why */
};

enum wast_val_type {
	WAST_I32,
	WAST_I64,
	WAST_F32,
	WAST_F64,
	WAST_FUNCREF,
	WAST_EXTERNREF,
	WAST_V128,
	/* reference kinds of typed references, GC and exceptions: values of
	 * results (and arguments) only, which the engine may not have */
	WAST_ANYREF, /* also (ref.host N): a host value in the any hierarchy */
	WAST_EQREF,
	WAST_I31REF,
	WAST_STRUCTREF,
	WAST_ARRAYREF,
	WAST_EXNREF,
};

enum wast_val_kind {
	WAST_VAL_BITS,		 /* `bits` (v128: `v128`) is the value (a ref: its number) */
	WAST_VAL_NAN_CANONICAL,	 /* results only (v128: a lane's, in lane_kind) */
	WAST_VAL_NAN_ARITHMETIC, /* results only (v128: a lane's, in lane_kind) */
	WAST_VAL_NULL,		 /* a null reference: of any type in results */
	WAST_VAL_ANY,		 /* results only: any non-null ref of `type` */
	WAST_VAL_EITHER,	 /* results only: one of `alts` */
};

/* The shape a v128 value is written in: (v128.const i32x4 1 2 3 4). */
enum wast_v128_shape {
	WAST_I8X16,
	WAST_I16X8,
	WAST_I32X4,
	WAST_I64X2,
	WAST_F32X4,
	WAST_F64X2,
};

/*
 * A value. A v128 is always of kind BITS: its 16 bytes (lane 0 first,
 * little-endian), the shape it was written in, and for f32x4 / f64x2 each
 * lane's kind, BITS or (in results) a NaN pattern, whose lane has zero
 * bytes in `v128`. lane_kind is all BITS for the integer shapes.
 */
struct wast_value {
	enum wast_val_type type; /* of a null: the top of its heap type's
				  * hierarchy (nofunc: funcref, none: anyref) */
	enum wast_val_kind kind;
	uint64_t bits;		 /* i32/f32 in the low 32 bits */
	struct wast_value *alts; /* WAST_VAL_EITHER (never nested) */
	size_t nalts;
	uint8_t v128[16];
	uint8_t shape;	      /* enum wast_v128_shape */
	uint8_t lane_kind[4]; /* enum wast_val_kind of each f32x4 / f64x2 lane */
};

/* A name or string: bytes (may hold NUL), NUL-terminated for convenience. */
struct wast_str {
	char *s; /* NULL if absent */
	size_t len;
};

struct wast_action {
	bool is_get;
	struct wast_str module; /* "$name", or absent */
	struct wast_str field;
	struct wast_value *args;
	size_t nargs;
};

struct wast_cmd {
	enum wast_cmd_kind kind;
	uint32_t line;
	struct wast_str name; /* module: its $name; register: the module's;
			       * module instance: the instance's */
	struct wast_str def;  /* module instance: the definition's $name */
	bool definition;      /* (module definition ...) */
	struct wast_str as;   /* register */
	struct wast_str text; /* an assertion's expected message */
	/* module-carrying commands */
	uint8_t *bin; /* the binary, NULL if it did not encode */
	size_t bin_len;
	bool quoted;		  /* (module quote ...): written as text strings */
	bool binary;		  /* (module binary ...): bin is the bytes as written */
	struct wat_error wat_err; /* why bin is NULL; an ERROR's reason */
	bool has_action;
	struct wast_action action;
	struct wast_value *expected;
	size_t nexpected;
};

struct wast_script {
	struct wast_cmd *cmds;
	size_t ncmds;
};

/*
 * wast_parse - parses the script in src[0, len). Returns 0 with *out
 * filled (free with wast_script_free), bad commands as ERROR commands;
 * ERR_MALFORMED with *err at the error for a lexical error or unbalanced
 * parentheses; ERR_NOMEM.
 */
int wast_parse(const char *src, size_t len, struct wast_script *out, struct wat_error *err);
void wast_script_free(struct wast_script *s);
