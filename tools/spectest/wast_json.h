/*
 * wast_json.h - reads the JSON command list that `wast2json` (wabt 1.0.32)
 * writes for a spec-testsuite script, into a list of typed commands for the
 * spectest drivers.
 *
 *   {"source_filename": "i32.wast", "commands": [
 *     {"type": "module", "line": 3, "filename": "i32.0.wasm"},
 *     {"type": "assert_return", "line": 9,
 *      "action": {"type": "invoke", "field": "add",
 *                 "args": [{"type": "i32", "value": "1"}, ...]},
 *      "expected": [{"type": "i32", "value": "2"}]}, ...]}
 *
 * Values are strings of decimal bit patterns (f32/f64 as their IEEE bits),
 * "nan:canonical" / "nan:arithmetic" in expected floats, "null" for null
 * references. A v128 has its lanes' type and one such string per lane:
 *   {"type": "v128", "lane_type": "f32",
 *    "value": ["nan:canonical", "0", "1065353216", "0"]}
 *
 * The parser is portable C11 (the test kernel links it too:
 * kernel/tests/spec_run.c); only the file readers (wast_json_host.c) are
 * host only.
 *
 * Invariant: every string in a parsed script is NUL-terminated and owned by
 * the script; `len` fields give the true length (names may hold NUL bytes).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum spec_cmd_kind {
	SPEC_CMD_MODULE,
	SPEC_CMD_REGISTER,
	SPEC_CMD_ACTION,
	SPEC_CMD_ASSERT_RETURN,
	SPEC_CMD_ASSERT_TRAP,
	SPEC_CMD_ASSERT_EXHAUSTION,
	SPEC_CMD_ASSERT_INVALID,
	SPEC_CMD_ASSERT_MALFORMED,
	SPEC_CMD_ASSERT_UNLINKABLE,
	SPEC_CMD_ASSERT_UNINSTANTIABLE,
	/* from a .wast only (run/spec_wast.c) */
	SPEC_CMD_ASSERT_EXCEPTION,
	SPEC_CMD_MODULE_INSTANCE, /* `name` an instance of definition `def` */
	SPEC_CMD_ERROR,		  /* unreadable: `refused` says why */
};

enum spec_val_type {
	SPEC_I32,
	SPEC_I64,
	SPEC_F32,
	SPEC_F64,
	SPEC_FUNCREF,
	SPEC_EXTERNREF,
	SPEC_V128,
	/* from a .wast only: the reference kinds of typed references, GC and
	 * exceptions (wasm/text/wast.h) */
	SPEC_ANYREF,
	SPEC_EQREF,
	SPEC_I31REF,
	SPEC_STRUCTREF,
	SPEC_ARRAYREF,
	SPEC_EXNREF,
};

enum spec_val_kind {
	SPEC_VAL_BITS,		 /* `bits` (v128: `v128`) is the exact value */
	SPEC_VAL_NAN_CANONICAL,	 /* expected only (v128: a lane's, in lane_kind) */
	SPEC_VAL_NAN_ARITHMETIC, /* expected only (v128: a lane's, in lane_kind) */
	SPEC_VAL_NULL,		 /* a null reference */
	SPEC_VAL_ANY,		 /* no value given (a type only) */
	SPEC_VAL_EITHER,	 /* expected only: one of `alts` */
};

/* The lanes a v128 value is written as ("lane_type" i8 ... f64). */
enum spec_v128_shape {
	SPEC_I8X16,
	SPEC_I16X8,
	SPEC_I32X4,
	SPEC_I64X2,
	SPEC_F32X4,
	SPEC_F64X2,
};

/*
 * A value. A v128 given is of kind BITS: its 16 bytes (lane 0 first,
 * little-endian), its shape, and for f32x4 / f64x2 each lane's kind: BITS,
 * or in an expected value a NaN pattern (whose lane has zero bytes in
 * `v128`). lane_kind is all BITS for the integer shapes.
 */
struct spec_value {
	enum spec_val_type type;
	enum spec_val_kind kind;
	uint64_t bits;		 /* i32/f32 in the low 32 bits; a non-null ref's number */
	struct spec_value *alts; /* SPEC_VAL_EITHER, not nested */
	size_t nalts;
	uint8_t v128[16];
	uint8_t shape;	      /* enum spec_v128_shape */
	uint8_t lane_kind[4]; /* enum spec_val_kind of each f32x4 / f64x2 lane */
};

struct spec_str {
	char *s; /* NULL if absent */
	size_t len;
};

struct spec_action {
	bool is_get;		/* "get" a global; else "invoke" */
	struct spec_str module; /* "$name" of a named module, or absent */
	struct spec_str field;
	struct spec_value *args;
	size_t nargs;
};

struct spec_command {
	enum spec_cmd_kind kind;
	uint32_t line;
	struct spec_str filename; /* module and assert_{invalid,...} */
	struct spec_str name;	  /* module: its "$name"; register: the module */
	struct spec_str def;	  /* module instance: the definition's "$name" */
	bool definition;	  /* a module defined, not instantiated */
	struct spec_str as;	  /* register: the import name */
	struct spec_str text;	  /* the expected failure message */
	bool text_module;	  /* module_type "text" (a .wat, not binary) */
	/* from a .wast (run/spec_wast.c): the module's binary, in place of
	 * `filename`; or, for a text module the text front end refused, why */
	uint8_t *bin;
	size_t bin_len;
	char *refused;
	bool has_action;
	struct spec_action action;
	struct spec_value *expected;
	size_t nexpected;
};

struct spec_script {
	struct spec_str source;
	struct spec_command *cmds;
	size_t ncmds;
};

/*
 * spec_script_parse - parses `len` bytes of JSON. Returns 0, ERR_MALFORMED
 * (bad JSON, or a command/value it does not know; `err` gets a message with
 * the byte offset or the command's line) or ERR_NOMEM. *out written only on
 * success.
 */
int spec_script_parse(const char *json, size_t len, struct spec_script *out, char *err,
		      size_t errlen);

/* spec_script_load - reads and parses a file; ERR_IO if it cannot be read.
 * Host only. */
int spec_script_load(const char *path, struct spec_script *out, char *err, size_t errlen);

/* spec_wast_parse - turns the .wast script text[0..len) (from `path`, for
 * messages) into the same commands with lib/wasm/text (run/spec_wast.c);
 * ERR_MALFORMED (err says where), ERR_NOMEM. spec_wast_load - reads the
 * file and parses it; ERR_IO too. Host only. */
int spec_wast_parse(const char *path, const char *text, size_t len, struct spec_script *out,
		    char *err, size_t errlen);
int spec_wast_load(const char *path, struct spec_script *out, char *err, size_t errlen);

/* spec_file_read - the whole file in a new malloc'd buffer with a NUL after
 * its `*out_len` bytes. ERR_IO, ERR_NOMEM. Host only. */
int spec_file_read(const char *path, char **out, size_t *out_len);

void spec_script_free(struct spec_script *s);

/* "assert_return" etc.; never NULL. */
const char *spec_cmd_kind_name(enum spec_cmd_kind k);
