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

#include "base/err.h"
#include "base/test.h"
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
