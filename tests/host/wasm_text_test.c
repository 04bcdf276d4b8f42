/*
 * wasm_text_test.c - the text front end (lib/wasm/text): number literals
 * (against the C library's correctly rounded strtod/strtof, and the hard
 * cases of rounding), the lexer, exact encodings, the spec's abbreviations
 * (each must encode exactly like its expansion), malformed text with its
 * line and column, and the script layer's commands.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/rand.h"
#include "base/test.h"
#include "fuzz_corpus.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wast.h"
#include "wasm/text/wat.h"
#include "wasm/text/wat_num.h"

static uint64_t fbits(const char *s, unsigned bits, int *rc)
{
	uint64_t v = 0xdead;
	*rc = wat_parse_float(s, strlen(s), bits, &v);
	return v;
}

static int ibits(const char *s, unsigned bits, uint64_t *v)
{
	return wat_parse_int(s, strlen(s), bits, v);
}

TEST(wasm_text, integers)
{
	uint64_t v;
	EXPECT_OK(ibits("0x7fff_ffff", 32, &v));
	EXPECT_EQ_U(v, 0x7fffffff);
	EXPECT_OK(ibits("4294967295", 32, &v));
	EXPECT_EQ_U(v, 0xffffffff);
	EXPECT_OK(ibits("-2147483648", 32, &v));
	EXPECT_EQ_U(v, 0x80000000);
	EXPECT_OK(ibits("-0x8000000000000000", 64, &v));
	EXPECT_EQ_U(v, 0x8000000000000000);
	EXPECT_OK(ibits("18446744073709551615", 64, &v));
	EXPECT_EQ_U(v, UINT64_MAX);
	EXPECT_OK(ibits("-1", 32, &v));
	EXPECT_EQ_U(v, 0xffffffff);
	EXPECT_EQ(ibits("4294967296", 32, &v), ERR_RANGE);
	EXPECT_EQ(ibits("+2147483648", 32, &v), ERR_RANGE);
	EXPECT_EQ(ibits("-2147483649", 32, &v), ERR_RANGE);
	EXPECT_EQ(ibits("18446744073709551616", 64, &v), ERR_RANGE);
	const char *bad[] = {"1__0", "_1", "1_", "0x", "0x_1", "", "+", "1a", "0x1g", "--1"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!EXPECT_EQ(ibits(bad[i], 32, &v), ERR_MALFORMED))
			test_printf(t, "accepted \"%s\"\n", bad[i]);
}

TEST(wasm_text, float_forms_and_rounding)
{
	static const struct {
		const char *s;
		unsigned bits;
		uint64_t want;
	} ok[] = {
		{"1.5", 32, 0x3fc00000},
		{"-0", 32, 0x80000000},
		{"1_000.000_5", 64, 0x408f40010624dd2f},
		{"1e1_0", 64, 0x4202a05f20000000},
		{"0x1p-149", 32, 1},
		{"0x1p-150", 32, 0},   /* half the smallest: ties to even */
		{"0x1.8p-149", 32, 2}, /* 1.5 ulps: ties to even */
		{"0x1.000001p-149", 32, 1},
		{"0x1.fffffep127", 32, 0x7f7fffff},
		{"0x1.fffffefffffffffffp127", 32, 0x7f7fffff},
		{"0x1.", 64, 0x3ff0000000000000},
		{"0x1P4", 64, 0x4030000000000000},
		{"0x1_0000_0000_0000_0000_1p0", 64, 0x4430000000000000},
		{"inf", 32, 0x7f800000},
		{"-inf", 64, 0xfff0000000000000},
		{"nan", 32, 0x7fc00000},
		{"-nan:0x1", 32, 0xff800001},
		{"nan:0x7f_ffff", 32, 0x7fffffff},
		{"+nan:0xfffffffffffff", 64, 0x7fffffffffffffff},
		{"0.1", 64, 0x3fb999999999999a},
		{"2.2250738585072014e-308", 64, 0x0010000000000000},
		{"4.9406564584124654e-324", 64, 1},
		{"2.4703282292062327e-324", 64, 0}, /* just under half the smallest */
		{"2.4703282292062328e-324", 64, 1},
		{"1.7976931348623157e308", 64, 0x7fefffffffffffff},
		{"9007199254740993", 64, 0x4340000000000000}, /* a tie: to even */
		{"9007199254740993.000000000000000000000000000000000000000000000001", 64,
		 0x4340000000000001},
		{"16777217", 32, 0x4b800000},
		{"16777217.00000000000000000000000000000001", 32, 0x4b800001},
		{"1e-400", 64, 0},
		{"0.0000000000000000000000000000000000000000000000000000000000000000000000001e+73",
		 64, 0x3ff0000000000000},
		{"3", 32, 0x40400000},
	};
	int rc;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		uint64_t v = fbits(ok[i].s, ok[i].bits, &rc);
		if (!EXPECT_OK(rc) || !EXPECT_EQ_U(v, ok[i].want))
			test_printf(t, "f%u \"%s\"\n", ok[i].bits, ok[i].s);
	}
	static const struct {
		const char *s;
		unsigned bits;
		int rc;
	} bad[] = {
		{"1e39", 32, ERR_RANGE},
		{"0x1p128", 32, ERR_RANGE},
		{"0x1.ffffffp127", 32, ERR_RANGE}, /* rounds up to 2^128 */
		{"1.7976931348623159e308", 64, ERR_RANGE},
		{"1e99999999999", 64, ERR_RANGE},
		{"nan:0x0", 32, ERR_RANGE},
		{"nan:0x800000", 32, ERR_RANGE},
		{"nan:1", 32, ERR_MALFORMED},
		{"1.e", 64, ERR_MALFORMED},
		{".5", 64, ERR_MALFORMED},
		{"1._5", 64, ERR_MALFORMED},
		{"0x1p", 64, ERR_MALFORMED},
		{"1e+", 64, ERR_MALFORMED},
		{"infinity", 64, ERR_MALFORMED},
		{"0x1e5p", 64, ERR_MALFORMED},
		{"0x.8p1", 64, ERR_MALFORMED}, /* a digit before the point */
		{"0X1p4", 64, ERR_MALFORMED},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		fbits(bad[i].s, bad[i].bits, &rc);
		if (!EXPECT_EQ(rc, bad[i].rc))
			test_printf(t, "f%u \"%s\"\n", bad[i].bits, bad[i].s);
	}
}

/* Random values, written in decimal (17 / 9 digits, and 25 to exercise
 * digits past the exact value) and hex, parse back to what the C library
 * reads (its strtod and strtof round correctly). */
TEST(wasm_text, floats_match_strtod)
{
	struct rand r;
	const uint64_t seed = 42;
	char s[64];
	int rc, bad = 0;

	rand_seed(&r, &seed, sizeof(seed));
	for (int i = 0; i < 20000 && bad < 5; i++) {
		uint64_t b = rand_next(&r);
		if (i % 4 == 0)
			b &= 0x800fffffffffffff; /* subnormals */
		double d;
		memcpy(&d, &b, 8);
		if (isnan(d) || isinf(d))
			continue;
		const char *fmts[] = {"%.17g", "%.25g", "%a", "%.5g"};
		for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
			snprintf(s, sizeof(s), fmts[f], d);
			double want = strtod(s, NULL);
			uint64_t wb;
			memcpy(&wb, &want, 8);
			if (!EXPECT_EQ_U(fbits(s, 64, &rc), wb) || !EXPECT_OK(rc)) {
				test_printf(t, "f64 \"%s\"\n", s);
				bad++;
			}
			float wf = strtof(s, NULL);
			uint32_t wfb;
			memcpy(&wfb, &wf, 4);
			if (isinf(wf))
				continue;
			if (!EXPECT_EQ_U(fbits(s, 32, &rc), wfb) || !EXPECT_OK(rc)) {
				test_printf(t, "f32 \"%s\"\n", s);
				bad++;
			}
		}
	}
}

/* Encodes `src`; NULL (with the error in *err) if it does not. */
static uint8_t *enc(const char *src, size_t *len, struct wat_error *err)
{
	uint8_t *out = NULL;
	struct wat_error e;
	if (wat_encode(src, strlen(src), &out, len, err ? err : &e))
		return NULL;
	return out;
}

TEST(wasm_text, exact_bytes)
{
	static const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	static const uint8_t f42[] = {0, 'a', 's',  'm', 1, 0, 0, 0,	1,  5,	 1, 0x60,
				      0, 1,   0x7f, 3,	 2, 1, 0, 7,	5,  1,	 1, 'f',
				      0, 0,   10,   6,	 1, 4, 0, 0x41, 42, 0x0b};
	size_t n;
	uint8_t *b;

	if (EXPECT((b = enc("(module)", &n, NULL)) != NULL)) {
		EXPECT(n == sizeof(empty) && memcmp(b, empty, n) == 0);
		free(b);
	}
	/* fields alone, comments, and an export inline */
	if (EXPECT((b = enc(";; c\n(func (; (; nested ;) ;) (export \"f\") (result i32)\n"
			    "  i32.const 42)",
			    &n, NULL)) != NULL)) {
		EXPECT(n == sizeof(f42) && memcmp(b, f42, n) == 0);
		free(b);
	}
}

/* Each pair: an abbreviation and what it stands for. */
TEST(wasm_text, abbreviations_encode_as_their_expansion)
{
	static const char *const pairs[][2] = {
		{"(func (export \"a\") (import \"m\" \"f\") (param i32))",
		 "(import \"m\" \"f\" (func (param i32))) (export \"a\" (func 0))"},
		{"(memory (export \"m\") (data \"ab\" \"c\"))",
		 "(memory 1 1) (export \"m\" (memory 0)) (data (memory 0) (offset i32.const 0) "
		 "\"abc\")"},
		{"(table funcref (elem $f $g)) (func $f) (func $g)",
		 /* 3.0: the segment has the table's type, funcref */
		 "(table 2 2 funcref) (elem (table 0) (offset (i32.const 0)) funcref (ref.func 0) "
		 "(ref.func 1)) (func) (func)"},
		{"(global $g (export \"g\") (mut i32) (i32.const 7))",
		 "(global (mut i32) i32.const 7) (export \"g\" (global 0))"},
		{"(func (result i32) (i32.add (i32.const 1) (i32.const 2)))",
		 "(func (result i32) i32.const 1 i32.const 2 i32.add)"},
		{"(func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const "
		 "1)) "
		 "(else (i32.const 2))))",
		 "(func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else "
		 "i32.const 2 end)"},
		{"(type $t (func (param i32))) (func (type $t))",
		 "(type (func (param i32))) (func (param i32))"},
		{"(func $a) (func (call $a))", "(func) (func (call 0))"},
		{"(func $f (param $x i32) (local $y i64) (local.set $x (local.get $x)))",
		 "(func (param i32) (local i64) local.get 0 local.set 0)"},
		{"(func (block $out (loop $l (br_if $out (i32.const 1)) (br $l))))",
		 "(func block loop i32.const 1 br_if 1 br 0 end end)"},
		{"(func (param i32 i64) (local i32 i32 f32))",
		 "(func (param i32) (param i64) (local i32) (local i32) (local f32))"},
		{"(memory 1) (func (drop (i32.load offset=4 align=4 (i32.const 0))))",
		 "(memory 1) (func i32.const 0 i32.load offset=4 drop)"},
		{"(table 1 funcref) (func (call_indirect (param i32) (i32.const 0) (i32.const 0)))",
		 "(type (func)) (type (func (param i32))) (table 1 funcref) (func (type 0) "
		 "i32.const 0 i32.const 0 call_indirect 0 (type 1))"},
		{"(func (block (result i32) (i32.const 0)) drop)",
		 "(func block (result i32) i32.const 0 end drop)"},
		/* 3.0: `func x*` is of type (ref func) */
		{"(elem declare func $f) (func $f)",
		 "(elem declare (ref func) (ref.func 0)) (func)"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		size_t na, nb;
		struct wat_error ea, eb;
		uint8_t *a = enc(pairs[i][0], &na, &ea), *b = enc(pairs[i][1], &nb, &eb);
		if (!EXPECT(a && b && na == nb && memcmp(a, b, na) == 0))
			test_printf(t, "pair %zu: %s (%u:%u %s / %u:%u %s)\n", i, pairs[i][0],
				    a ? 0 : ea.line, a ? 0 : ea.col, a ? "" : ea.msg,
				    b ? 0 : eb.line, b ? 0 : eb.col, b ? "" : eb.msg);
		struct wasm_module *m;
		struct wasm_error err;
		if (a && EXPECT_OK(wasm_module_load(a, na, &m, &err)))
			wasm_module_free(m);
		free(a);
		free(b);
	}
}

/* Annotations mean nothing (any tokens, nested, comments inside); a quoted
 * identifier is its string: $"a b" and $a are names as good as any, $"f"
 * and $f the same. */
TEST(wasm_text, annotations_and_quoted_ids)
{
	size_t n, m;
	uint8_t *a = enc("((@a) module (@\"x y\" , ; [ ] { } (@b (c)) \")\" (; ;) 0x 8q)\n"
			 "  (func $\"f g\" (@a) (export \"f\") (result i32) ;; (@x\n"
			 "    block $\"\\41\" (result i32) (br $A (i32.const 7)) end $\"A\")\n"
			 "  (func $f (call $\"f\")) (func (call $f)))",
			 &n, NULL);
	uint8_t *b = enc("(module (func $fg (export \"f\") (result i32)\n"
			 "    block $A (result i32) (br $A (i32.const 7)) end $A)\n"
			 "  (func $f (call $f)) (func (call $f)))",
			 &m, NULL);
	if (EXPECT(a != NULL) && EXPECT(b != NULL) && EXPECT_EQ(n, m))
		EXPECT(memcmp(a, b, n) == 0);
	free(a);
	free(b);
}

TEST(wasm_text, malformed_text_with_position)
{
	static const struct {
		const char *src;
		uint32_t line, col;
		const char *msg; /* a prefix of the message */
	} cases[] = {
		{"(module\n  (func (local.get $x)))", 2, 20, "unknown local $x"},
		{"(func br $l)", 1, 10, "unknown label $l"},
		{"(func block $a end $b)", 1, 20, "mismatching label"},
		{"(func) (import \"a\" \"b\" (func))", 1, 9, "import after function"},
		{"(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", 1, 34,
		 "alignment must be a power of two"},
		{"(func $f)\n(func $f)", 2, 7, "duplicate func $f"},
		{"(type $t (func)) (func (type $t) (param i32))", 1, 34, "inline function type"},
		{"(func (i32.const 0) (i32.frob))", 1, 22, "unknown operator i32.frob"},
		{"(func (i32.const 0x1_0000_0000))", 1, 18, "i32 constant out of range"},
		{"(func (f32.const 1e39))", 1, 18, "constant out of range"},
		{"(module (func", 1, 14, "unexpected end of input"},
		{"(module (func))x", 1, 16, "unexpected token after the module"},
		{"(func (; unclosed", 1, 7, "unclosed block comment"},
		{"(data \"\\q\")", 1, 8, "unknown escape"},
		{"(data \"a\nb\")", 1, 9, "control character"},
		{"(data \"a\"\"b\")", 1, 7, "unknown operator or token"},
		{"(export \"\\ff\" (func 0)) (func)", 1, 9, "malformed UTF-8"},
		{"(func $a (param $x i32) (local $x i32))", 1, 32, "duplicate local $x"},
		{"(func (block (param $x i32)))", 1, 21, "unexpected token"},
		{"(start 0) (start 0) (func)", 1, 12, "multiple start sections"},
		{"(func) (frob)", 1, 9, "unknown module field"},
		{"(func) (@)", 1, 10, "empty annotation id"},
		{"(func) (@\"\")", 1, 10, "empty annotation id"},
		{"(func)\n(@a (b) \"c\"", 2, 1, "unclosed annotation"},
		{"(func) (@a \x01)", 1, 12, "illegal character"},
		{"(func $\"\")", 1, 8, "empty identifier"},
		{"(func $\"\\ff\")", 1, 8, "malformed UTF-8"},
		{"(func $\"a\"b)", 1, 7, "unknown operator or token"},
		{"(func block $\"a\" end $\"b\")", 1, 22, "mismatching label"},
		{"(func (result i32) (select (result i32) (param i32)))", 1, 42,
		 "unexpected token"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n;
		struct wat_error e = {0};
		uint8_t *b = enc(cases[i].src, &n, &e);
		free(b);
		if (!EXPECT(b == NULL) || !EXPECT_EQ(e.line, cases[i].line) ||
		    !EXPECT_EQ(e.col, cases[i].col) ||
		    !EXPECT(strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) == 0))
			test_printf(t, "%s -> %u:%u: %s\n", cases[i].src, e.line, e.col, e.msg);
	}
}

/* Nesting is bounded (the parser recurses): deep input is an error, not a
 * stack overflow; the bound is far above what programs need. */
TEST(wasm_text, nesting_depth)
{
	const size_t deep = 100000;
	char *src = malloc(deep * 12 + 64);
	size_t n = 0, len;
	struct wat_error e;
	uint8_t *b;

	if (!EXPECT(src != NULL))
		return;
	for (int folded = 0; folded < 2; folded++) {
		for (size_t levels = 400; levels <= deep;
		     levels = levels == 400 ? deep : deep + 1) {
			n = (size_t)sprintf(src, "(func ");
			for (size_t i = 0; i < levels; i++)
				n += (size_t)sprintf(src + n, folded ? "(block " : "block ");
			for (size_t i = 0; i < levels; i++)
				n += (size_t)sprintf(src + n, folded ? ")" : "end ");
			n += (size_t)sprintf(src + n, ")");
			b = NULL;
			int rc = wat_encode(src, n, &b, &len, &e);
			if (levels == 400) {
				EXPECT_OK(rc);
			} else {
				EXPECT_EQ(rc, ERR_MALFORMED);
				EXPECT(strstr(e.msg, "nested too deep") != NULL);
			}
			free(b);
		}
	}
	free(src);
}

/* A NUL after a backslash in a string is no escape (found by fuzzing: it
 * was taken for one and decoding read past a table). */
TEST(wasm_text, nul_after_backslash)
{
	static const char src[] = "(module (func (export \"a\\\0\")))";
	struct wat_error e;
	uint8_t *b = NULL;
	size_t n;
	EXPECT_EQ(wat_encode(src, sizeof(src) - 1, &b, &n, &e), ERR_MALFORMED);
	EXPECT(strncmp(e.msg, "unknown escape", 14) == 0);
	EXPECT_EQ(e.col, 25);
	free(b);
}

/* One kept fuzz input, as a script and as a module: no crash, no leak
 * (under ASan), and a binary the encoder made decodes. */
static void replay_text(void *arg, const char *path, const uint8_t *data, size_t len)
{
	struct test_ctx *t = arg;
	struct wast_script s;
	struct wat_error e;
	uint8_t *b;
	size_t n;

	if (wast_parse((const char *)data, len, &s, &e) == 0)
		wast_script_free(&s);
	if (wat_encode((const char *)data, len, &b, &n, &e) == 0) {
		struct wasm_module *m;
		struct wasm_error err;
		if (EXPECT_OK(wasm_module_decode(b, n, &m, &err)))
			wasm_module_free(m);
		else
			test_printf(t, "%s: the encoded binary does not decode\n", path);
		free(b);
	}
}

TEST(wasm_text, fuzz_regressions)
{
	const char *dir = getenv("WASM_TEXT_REGRESS_DIR");
	EXPECT_GT(fuzz_corpus_replay(t, dir ? dir : "tests/fuzz/regress/wasm_text", replay_text, t),
		  0u);
}

/* Well-formed text of an invalid module encodes; the validator refuses it. */
TEST(wasm_text, invalid_is_not_malformed)
{
	size_t n;
	struct wasm_module *m;
	struct wasm_error err;
	uint8_t *b = enc("(func (result i32) i64.const 1) (func (call 7))", &n, NULL);
	if (!EXPECT(b != NULL))
		return;
	EXPECT_EQ(wasm_module_load(b, n, &m, &err), ERR_INVALID);
	free(b);
}

/* Parses src, a script of one command a line, which must be of `kinds`;
 * false if it is not (the script freed then, or never made). */
static bool parse_script(struct test_ctx *t, const char *src, struct wast_script *s,
			 const enum wast_cmd_kind *kinds, size_t n)
{
	struct wat_error e;
	if (!EXPECT_OK(wast_parse(src, strlen(src), s, &e))) {
		test_printf(t, "%u:%u: %s\n", e.line, e.col, e.msg);
		*s = (struct wast_script){0};
		return false;
	}
	if (!EXPECT_EQ(s->ncmds, n))
		return false;
	for (size_t i = 0; i < s->ncmds; i++) {
		EXPECT_EQ(s->cmds[i].kind, kinds[i]);
		EXPECT_EQ(s->cmds[i].line, i + 1);
	}
	return true;
}

TEST(wasm_text, script_commands)
{
	const char *src =
		"(module $M (func (export \"f\") (param i32) (result f32) (f32.const nan)))\n"
		"(register \"m\" $M)\n"
		"(assert_return (invoke $M \"f\" (i32.const -1)) (f32.const nan:canonical))\n"
		"(assert_return (invoke \"f\" (i32.const 0)) (f32.const nan:arithmetic))\n"
		"(assert_trap (invoke \"g\" (f64.const -0x1p-1) (ref.null extern) (ref.extern 3))"
		" \"unreachable\")\n"
		"(assert_exhaustion (invoke \"h\") \"call stack exhausted\")\n"
		"(get \"glob\")\n"
		"(module binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
		"(module quote \"(func)\" \"(memory 1)\")\n"
		"(assert_invalid (module (func (result i32))) \"type mismatch\")\n"
		"(assert_malformed (module quote \"(func i32.frob)\") \"unknown operator\")\n"
		"(assert_unlinkable (module (import \"x\" \"y\" (func))) \"unknown import\")\n"
		"(assert_trap (module (func $s unreachable) (start $s)) \"unreachable\")\n"
		"(assert_uninstantiable (module (memory 0) (data (i32.const 1) \"a\")) \"oob\")\n";
	struct wast_script s;
	static const enum wast_cmd_kind kinds[] = {
		WAST_MODULE,
		WAST_REGISTER,
		WAST_ASSERT_RETURN,
		WAST_ASSERT_RETURN,
		WAST_ASSERT_TRAP,
		WAST_ASSERT_EXHAUSTION,
		WAST_ACTION,
		WAST_MODULE,
		WAST_MODULE,
		WAST_ASSERT_INVALID,
		WAST_ASSERT_MALFORMED,
		WAST_ASSERT_UNLINKABLE,
		WAST_ASSERT_UNINSTANTIABLE,
		WAST_ASSERT_UNINSTANTIABLE,
	};
	if (!parse_script(t, src, &s, kinds, ARRAY_SIZE(kinds)))
		goto out;
	EXPECT_STREQ(s.cmds[0].name.s, "$M");
	EXPECT(s.cmds[0].bin != NULL);
	EXPECT_STREQ(s.cmds[1].as.s, "m");
	EXPECT_STREQ(s.cmds[1].name.s, "$M");
	EXPECT_STREQ(s.cmds[2].action.module.s, "$M");
	EXPECT_STREQ(s.cmds[2].action.field.s, "f");
	EXPECT_EQ(s.cmds[2].action.nargs, 1);
	EXPECT_EQ_U(s.cmds[2].action.args[0].bits, 0xffffffff);
	EXPECT_EQ(s.cmds[2].expected[0].kind, WAST_VAL_NAN_CANONICAL);
	EXPECT_EQ(s.cmds[3].expected[0].kind, WAST_VAL_NAN_ARITHMETIC);
	EXPECT_EQ(s.cmds[4].action.nargs, 3);
	EXPECT_EQ_U(s.cmds[4].action.args[0].bits, 0xbfe0000000000000);
	EXPECT_EQ(s.cmds[4].action.args[1].kind, WAST_VAL_NULL);
	EXPECT_EQ(s.cmds[4].action.args[1].type, WAST_EXTERNREF);
	EXPECT_EQ(s.cmds[4].action.args[2].bits, 3);
	EXPECT_STREQ(s.cmds[4].text.s, "unreachable");
	EXPECT(s.cmds[6].action.is_get);
	EXPECT_EQ(s.cmds[7].bin_len, 8);
	EXPECT(s.cmds[8].quoted && s.cmds[8].bin != NULL);
	EXPECT(s.cmds[9].bin != NULL);
	EXPECT(s.cmds[10].bin == NULL && s.cmds[10].quoted);
	EXPECT(strncmp(s.cmds[10].wat_err.msg, "unknown operator", 16) == 0);
	EXPECT_STREQ(s.cmds[10].text.s, "unknown operator");
	EXPECT(s.cmds[12].bin != NULL);
out:
	wast_script_free(&s);
}

/* A quoted module with a token after it is malformed, and the command
 * keeps no binary (found by fuzzing: the binary was freed but kept). */
TEST(wasm_text, quoted_module_with_trailing_token)
{
	const char *src = "(assert_malformed (module quote \"(module) (func)\") \"x\")";
	struct wast_script s;
	struct wat_error e;
	if (!EXPECT_OK(wast_parse(src, strlen(src), &s, &e)))
		return;
	if (EXPECT_EQ(s.ncmds, 1)) {
		EXPECT(s.cmds[0].bin == NULL);
		EXPECT_STREQ(s.cmds[0].wat_err.msg, "unexpected token after the module");
	}
	wast_script_free(&s);
}

/* A bad command fails itself only: an ERROR command (or a module kept
 * with its error) at its line, and the script goes on. */
TEST(wasm_text, script_errors)
{
	static const struct {
		const char *src;
		enum wast_cmd_kind kind;
		uint32_t line, col;
	} cases[] = {
		{"(module (func))\n(frob)", WAST_ERROR, 2, 2},
		{"(module (func (i32.frob)))", WAST_MODULE, 1, 16},
		{"(assert_return (invoke \"f\" (i32.const x)))", WAST_ERROR, 1, 39},
		{"(register)", WAST_ERROR, 1, 10},
		{"(module quote \"(func\")", WAST_MODULE, 1, 6}, /* inside the quoted text */
		{"(assert_return (invoke \"f\") (either (either (i32.const 1))))", WAST_ERROR, 1,
		 38},
		{"(module definition (frob))", WAST_MODULE, 1, 21},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char src[160];
		struct wast_script s;
		struct wat_error e = {0};
		/* a good command after the bad one */
		snprintf(src, sizeof(src), "%s\n(invoke \"g\")", cases[i].src);
		if (!EXPECT_OK(wast_parse(src, strlen(src), &s, &e))) {
			test_printf(t, "%s -> %u:%u: %s\n", cases[i].src, e.line, e.col, e.msg);
			continue;
		}
		const struct wast_cmd *c = &s.cmds[s.ncmds - 2];
		if (!EXPECT_EQ(c->kind, cases[i].kind) || !EXPECT(c->bin == NULL) ||
		    !EXPECT_EQ(c->wat_err.line, cases[i].line) ||
		    !EXPECT_EQ(c->wat_err.col, cases[i].col))
			test_printf(t, "%s -> %u:%u: %s\n", cases[i].src, c->wat_err.line,
				    c->wat_err.col, c->wat_err.msg);
		EXPECT_EQ(s.cmds[s.ncmds - 1].kind, WAST_ACTION);
		wast_script_free(&s);
	}
}

/* What still fails the whole script: a lexical error, unbalanced
 * parentheses, a token outside any command. */
TEST(wasm_text, script_fatal_errors)
{
	static const struct {
		const char *src;
		uint32_t line, col;
	} cases[] = {
		{"(module (func))\n(frob", 2, 2},
		{"(module)\n\"str\"", 2, 1},
		{"(module) #", 1, 10},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wast_script s;
		struct wat_error e = {0};
		if (!EXPECT_EQ(wast_parse(cases[i].src, strlen(cases[i].src), &s, &e),
			       ERR_MALFORMED) ||
		    !EXPECT_EQ(e.line, cases[i].line) || !EXPECT_EQ(e.col, cases[i].col))
			test_printf(t, "%s -> %u:%u: %s\n", cases[i].src, e.line, e.col, e.msg);
	}
}

TEST(wasm_text, script_3_0_commands)
{
	const char *src =
		"(module definition $D (func (export \"f\")))\n"
		"(module instance $I $D)\n"
		"(module instance)\n"
		"(register \"i\" $I)\n"
		"(assert_exception (invoke $I \"f\"))\n"
		"(assert_return (invoke \"f\") (either (i32.const 1) (ref.null)) (ref.func))\n"
		"(assert_return (invoke \"f\") (ref.null nofunc) (ref.null $t) (ref.null 3)"
		" (ref.null noextern) (ref.null none) (ref.null exn))\n"
		"(assert_return (invoke \"f\" (ref.host 7)) (ref.host 2) (ref.extern) (ref.struct)"
		" (ref.array) (ref.i31) (ref.eq) (ref.any))\n"
		"(module definition binary \"\\00asm\" \"\\01\\00\\00\\00\")\n";
	struct wast_script s;
	static const enum wast_cmd_kind kinds[] = {
		WAST_MODULE,	    WAST_MODULE_INSTANCE,  WAST_MODULE_INSTANCE,
		WAST_REGISTER,	    WAST_ASSERT_EXCEPTION, WAST_ASSERT_RETURN,
		WAST_ASSERT_RETURN, WAST_ASSERT_RETURN,	   WAST_MODULE,
	};
	if (!parse_script(t, src, &s, kinds, ARRAY_SIZE(kinds)))
		goto out;
	EXPECT(s.cmds[0].definition && s.cmds[0].bin != NULL);
	EXPECT_STREQ(s.cmds[0].name.s, "$D");
	EXPECT_STREQ(s.cmds[1].name.s, "$I");
	EXPECT_STREQ(s.cmds[1].def.s, "$D");
	EXPECT(s.cmds[2].name.s == NULL && s.cmds[2].def.s == NULL);
	EXPECT_STREQ(s.cmds[4].action.module.s, "$I");
	const struct wast_value *v = s.cmds[5].expected;
	if (EXPECT_EQ(s.cmds[5].nexpected, 2) && EXPECT_EQ(v[0].kind, WAST_VAL_EITHER) &&
	    EXPECT_EQ(v[0].nalts, 2)) {
		EXPECT_EQ(v[0].alts[0].kind, WAST_VAL_BITS);
		EXPECT_EQ(v[0].alts[0].bits, 1);
		EXPECT_EQ(v[0].alts[1].kind, WAST_VAL_NULL);
		EXPECT_EQ(v[1].kind, WAST_VAL_ANY);
		EXPECT_EQ(v[1].type, WAST_FUNCREF);
	}
	static const enum wast_val_type nulls[] = {WAST_FUNCREF,   WAST_FUNCREF, WAST_FUNCREF,
						   WAST_EXTERNREF, WAST_ANYREF,	 WAST_EXNREF};
	v = s.cmds[6].expected;
	if (EXPECT_EQ(s.cmds[6].nexpected, ARRAY_SIZE(nulls)))
		for (size_t i = 0; i < ARRAY_SIZE(nulls); i++) {
			EXPECT_EQ(v[i].kind, WAST_VAL_NULL);
			EXPECT_EQ(v[i].type, nulls[i]);
		}
	static const enum wast_val_type pats[] = {WAST_EXTERNREF, WAST_STRUCTREF, WAST_ARRAYREF,
						  WAST_I31REF,	  WAST_EQREF,	  WAST_ANYREF};
	v = s.cmds[7].expected;
	if (EXPECT_EQ(s.cmds[7].action.nargs, 1) && EXPECT_EQ(s.cmds[7].nexpected, 7)) {
		EXPECT_EQ(s.cmds[7].action.args[0].type, WAST_ANYREF);
		EXPECT_EQ(s.cmds[7].action.args[0].bits, 7);
		EXPECT_EQ(v[0].kind, WAST_VAL_BITS);
		EXPECT_EQ(v[0].type, WAST_ANYREF);
		for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
			EXPECT_EQ(v[i + 1].kind, WAST_VAL_ANY);
			EXPECT_EQ(v[i + 1].type, pats[i]);
		}
	}
	EXPECT(s.cmds[8].definition && s.cmds[8].binary && s.cmds[8].bin_len == 8);
out:
	wast_script_free(&s);
}
