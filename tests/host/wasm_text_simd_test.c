/*
 * wasm_text_simd_test.c - SIMD in the text front end (lib/wasm/text): v128
 * literals of every shape, lane literals, v128 values and per-lane NaN
 * patterns in scripts with their errors (line and column), and the SIMD
 * instructions' immediates encoded as the binary format has them; the
 * spectest runner's .wast reader (tools/spectest/run/spec_wast.c) passing
 * v128 values on as it reads them from wast2json's JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/spectest/wast_json.h"
#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wast.h"
#include "wasm/text/wat.h"
#include "wasm/text/wat_num.h"

/* The one value of `(assert_return (invoke "f") VALUE)`, or of the
 * argument with `arg`; false (with the error printed) if it does not
 * parse. */
static bool one_value(struct test_ctx *t, const char *value, bool arg, struct wast_value *out)
{
	char src[600];
	struct wast_script s;
	struct wat_error e;
	bool ok;

	snprintf(src, sizeof(src),
		 arg ? "(assert_return (invoke \"f\" %s))" : "(assert_return (invoke \"f\") %s)",
		 value);
	if (wast_parse(src, strlen(src), &s, &e)) {
		test_printf(t, "%s: %u:%u: %s\n", value, e.line, e.col, e.msg);
		return false;
	}
	ok = s.ncmds == 1 && (arg ? s.cmds[0].action.nargs : s.cmds[0].nexpected) == 1;
	if (ok)
		*out = arg ? s.cmds[0].action.args[0] : s.cmds[0].expected[0];
	wast_script_free(&s);
	return ok;
}

static bool bytes_are(const uint8_t *got, const uint8_t *want, size_t n)
{
	return memcmp(got, want, n) == 0;
}

/* Text that must be refused: where, and a prefix of the message. */
struct refused {
	const char *src;
	uint32_t line, col;
	const char *msg;
};

/* Whether c->src is refused as c says: as a module, or as a script of
 * one command, which becomes an ERROR command with the reason. */
static bool refused_as(struct test_ctx *t, const struct refused *c, bool script)
{
	struct wast_script s;
	struct wat_error e = {0};
	uint8_t *b = NULL;
	size_t n;
	int rc = script ? wast_parse(c->src, strlen(c->src), &s, &e)
			: wat_encode(c->src, strlen(c->src), &b, &n, &e);

	free(b);
	if (rc == 0 && script) {
		bool error = s.ncmds == 1 && s.cmds[0].kind == WAST_ERROR;
		if (error)
			e = s.cmds[0].wat_err;
		wast_script_free(&s);
		rc = error ? ERR_MALFORMED : 0;
	}
	if (rc == ERR_MALFORMED && e.line == c->line && e.col == c->col &&
	    strncmp(e.msg, c->msg, strlen(c->msg)) == 0)
		return true;
	test_printf(t, "%s -> %d %u:%u: %s\n", c->src, rc, e.line, e.col, e.msg);
	return false;
}

TEST(wasm_text_simd, v128_values_of_every_shape)
{
	static const struct {
		const char *text;
		uint8_t shape;
		uint8_t bytes[16];
	} cases[] = {
		{"(v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 -128 0xff)",
		 WAST_I8X16,
		 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x80, 0xff}},
		{"(v128.const i16x8 -1 0x1234 65535 -32768 0 1 2 0x7f_ff)",
		 WAST_I16X8,
		 {0xff, 0xff, 0x34, 0x12, 0xff, 0xff, 0, 0x80, 0, 0, 1, 0, 2, 0, 0xff, 0x7f}},
		{"(v128.const i32x4 0x01020304 -1 4294967295 -2147483648)",
		 WAST_I32X4,
		 {4, 3, 2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80}},
		{"(v128.const i64x2 0x0102030405060708 -2)",
		 WAST_I64X2,
		 {8, 7, 6, 5, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"(v128.const f32x4 1.0 -0x1p-149 inf nan:0x200000)",
		 WAST_F32X4,
		 {0, 0, 0x80, 0x3f, 1, 0, 0, 0x80, 0, 0, 0x80, 0x7f, 0, 0, 0xa0, 0x7f}},
		{"(v128.const f64x2 -inf 0x1.8p1)",
		 WAST_F64X2,
		 {0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0, 0, 0, 0, 0, 0, 0x08, 0x40}},
		{"(v128.const f64x2 -nan 1e-400)",
		 WAST_F64X2,
		 {0, 0, 0, 0, 0, 0, 0xf8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0}},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int arg = 0; arg < 2; arg++) {
			struct wast_value v;
			if (!EXPECT(one_value(t, cases[i].text, arg, &v)))
				continue;
			EXPECT_EQ(v.type, WAST_V128);
			EXPECT_EQ(v.kind, WAST_VAL_BITS);
			EXPECT_EQ(v.shape, cases[i].shape);
			for (int k = 0; k < 4; k++)
				EXPECT_EQ(v.lane_kind[k], WAST_VAL_BITS);
			if (!EXPECT(bytes_are(v.v128, cases[i].bytes, 16)))
				test_printf(t, "%s\n", cases[i].text);
		}
	}
}

TEST(wasm_text_simd, v128_nan_patterns_per_lane)
{
	struct wast_value v;
	static const uint8_t f32_lanes[16] = {0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0};

	if (EXPECT(one_value(t, "(v128.const f32x4 nan:canonical 1 nan:arithmetic -0)", false,
			     &v))) {
		EXPECT_EQ(v.kind, WAST_VAL_BITS);
		EXPECT_EQ(v.shape, WAST_F32X4);
		EXPECT_EQ(v.lane_kind[0], WAST_VAL_NAN_CANONICAL);
		EXPECT_EQ(v.lane_kind[1], WAST_VAL_BITS);
		EXPECT_EQ(v.lane_kind[2], WAST_VAL_NAN_ARITHMETIC);
		EXPECT_EQ(v.lane_kind[3], WAST_VAL_BITS);
		EXPECT(bytes_are(v.v128, f32_lanes, 12));
		EXPECT_EQ(v.v128[15], 0x80); /* -0 */
	}
	if (EXPECT(one_value(t, "(v128.const f64x2 2 nan:arithmetic)", false, &v))) {
		EXPECT_EQ(v.shape, WAST_F64X2);
		EXPECT_EQ(v.lane_kind[0], WAST_VAL_BITS);
		EXPECT_EQ(v.lane_kind[1], WAST_VAL_NAN_ARITHMETIC);
		EXPECT_EQ(v.v128[7], 0x40);
	}
}

/* Malformed v128 values: where (line:col) the script is refused. */
TEST(wasm_text_simd, v128_value_errors)
{
	static const struct refused cases[] = {
		/* NaN patterns: results only, and float lanes only */
		{"(assert_return\n (invoke \"f\" (v128.const f32x4 nan:canonical 0 0 0)))", 2, 32,
		 "malformed number"},
		{"(assert_return (invoke \"f\")\n (v128.const i32x4 0 nan:canonical 0 0))", 2, 22,
		 "malformed number"},
		/* a lane out of its range */
		{"(assert_return (invoke \"f\") (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
		 "256))",
		 1, 77, "constant out of range"},
		{"(invoke \"f\" (v128.const i16x8 0 0 0 0 0 0 0 -32769))", 1, 45,
		 "constant out of range"},
		{"(invoke \"f\" (v128.const f32x4 0 0 0 1e39))", 1, 37, "constant out of range"},
		/* too few lanes, too many, no shape, an unknown shape */
		{"(invoke \"f\"\n\n (v128.const i32x4 0 1 2))", 3, 25,
		 "wrong number of lane literals"},
		{"(invoke \"f\" (v128.const i64x2 0 1 2))", 1, 35, "wrong number of lane literals"},
		{"(invoke \"f\" (v128.const i32x4 0x1_0000_0000 0))", 1, 46,
		 "wrong number of lane literals"},
		{"(invoke \"f\" (v128.const 0 1 2 3))", 1, 25, "unexpected token"},
		{"(invoke \"f\" (v128.const i32x8 0 1 2 3))", 1, 25, "unexpected token"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(refused_as(t, &cases[i], true));
}

TEST(wasm_text_simd, lane_literals)
{
	uint8_t v[16] = {0};

	EXPECT_EQ(wat_v128_shape("i8x16", 5), 0);
	EXPECT_EQ(wat_v128_shape("f64x2", 5), 5);
	EXPECT_EQ(wat_v128_shape("i8x1", 4), -1);
	EXPECT_EQ(wat_v128_shape("v128", 4), -1);
	EXPECT_EQ(wat_v128_lanes(WAST_I16X8), 8);
	EXPECT_EQ(wat_v128_lanes(WAST_F32X4), 4);
	EXPECT_EQ(wat_v128_lane_bits(WAST_I64X2), 64);
	EXPECT_OK(wat_v128_lane(WAST_I16X8, "-0x8000", 7, 7, v));
	EXPECT_EQ(v[14], 0);
	EXPECT_EQ(v[15], 0x80);
	EXPECT_EQ(wat_v128_lane(WAST_I16X8, "0x10000", 7, 0, v), ERR_RANGE);
	EXPECT_EQ(wat_v128_lane(WAST_I8X16, "-129", 4, 0, v), ERR_RANGE);
	EXPECT_EQ(wat_v128_lane(WAST_I8X16, "1.5", 3, 0, v), ERR_MALFORMED);
	EXPECT_OK(wat_v128_lane(WAST_F32X4, "0x1p127", 7, 3, v));
	EXPECT_EQ(v[15], 0x7f);
	EXPECT_EQ(v[14], 0x00);
	EXPECT_EQ(wat_v128_lane(WAST_F32X4, "nan:0x800000", 12, 0, v), ERR_RANGE);
	/* halfway between the largest subnormal and 2^-1022: ties to even
	 * (wast2json 1.0.32 rounds it down; wasm_text_suite_test.c) */
	const char *half = "-0x1.fffffffffffffp-1023";
	double d = strtod(half, NULL);
	uint64_t want;
	memcpy(&want, &d, sizeof(want));
	EXPECT_EQ_U(want, UINT64_C(0x8010000000000000));
	EXPECT_OK(wat_v128_lane(WAST_F64X2, half, strlen(half), 1, v));
	for (int k = 0; k < 8; k++)
		EXPECT_EQ(v[8 + k], (uint8_t)(want >> (8 * k)));
}

/* Whether `(memory 1) (func FUNC)` encodes with a body of no locals and
 * exactly the instructions `code` (n < 120 bytes), then end. */
static bool body_is(struct test_ctx *t, const char *func, const uint8_t *code, size_t n)
{
	char src[600];
	uint8_t *b;
	size_t len;
	struct wat_error e;
	bool ok;

	snprintf(src, sizeof(src), "(memory 1) (func %s)", func);
	if (wat_encode(src, strlen(src), &b, &len, &e)) {
		test_printf(t, "%s: %u:%u: %s\n", func, e.line, e.col, e.msg);
		return false;
	}
	/* the code section comes last: ... body size, 0 local groups, code, end */
	ok = len > n + 3 && b[len - n - 3] == n + 2 && b[len - n - 2] == 0 &&
	     memcmp(b + len - n - 1, code, n) == 0 && b[len - 1] == 0x0b; /* end */
	if (!ok) {
		test_printf(t, "%s encodes as", func);
		for (size_t i = len > n + 8 ? len - n - 8 : 0; i < len; i++)
			test_printf(t, " %02x", b[i]);
		test_printf(t, "\n");
	}
	free(b);
	return ok;
}

TEST(wasm_text_simd, instructions_encode)
{
	static const uint8_t konst[] = {0xfd, 0x0c, 1, 0, 2, 0, 3, 0, 4,   0,
					5,    0,    6, 0, 7, 0, 8, 0, 0x1a};
	static const uint8_t shuffle[] = {0x41, 0,  0xfd, 0x0f, 0x41, 0,  0xfd, 0x0f, 0xfd,
					  0x0d, 31, 30,	  29,	28,   27, 26,	25,   24,
					  23,	22, 21,	  20,	19,   18, 17,	0,    0x1a};
	/* a lane index; a one-byte sub-opcode >= 0x80 is a two-byte LEB128 */
	static const uint8_t lanes[] = {0x41, 0,    0xfd, 0x0f, 0xfd, 0x16, 15,	  0x1a,
					0x42, 0,    0xfd, 0x12, 0xfd, 0x1d, 1,	  0x1a,
					0x41, 0,    0xfd, 0x0f, 0xfd, 0x61, 0x1a, 0x41,
					0,    0xfd, 0x0f, 0xfd, 0xa0, 0x01, 0x1a};
	/* loads and stores: natural alignment by default (v128: 2^4),
	 * offset= and align= as for scalar accesses, then a lane */
	static const uint8_t mem[] = {
		0x41, 0, 0xfd, 0x00, 4,	   0,	 0x1a,			    /* v128.load */
		0x41, 0, 0xfd, 0x00, 0,	   16,	 0x1a,			    /* align=1 offset=16 */
		0x41, 0, 0x41, 0,    0xfd, 0x0f, 0xfd, 0x0b, 4, 0,	    /* v128.store */
		0x41, 0, 0xfd, 0x07, 0,	   0,	 0x1a,			    /* load8_splat */
		0x41, 0, 0xfd, 0x5d, 3,	   0,	 0x1a,			    /* load64_zero */
		0x41, 0, 0x41, 0,    0xfd, 0x0f, 0xfd, 0x55, 1, 2, 7, 0x1a, /* load16_lane */
		0x41, 0, 0x41, 0,    0xfd, 0x0f, 0xfd, 0x5b, 0, 0, 1,	    /* store64_lane */
		0x41, 0, 0x41, 0,    0xfd, 0x0f, 0xfd, 0x54, 0, 0, 3, 0x1a, /* load8_lane 3 */
	};

	EXPECT(body_is(t, "(drop (v128.const i16x8 1 2 3 4 5 6 7 8))", konst, sizeof(konst)));
	EXPECT(body_is(t,
		       "(drop (i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 0 "
		       "(i8x16.splat (i32.const 0)) (i8x16.splat (i32.const 0))))",
		       shuffle, sizeof(shuffle)));
	EXPECT(body_is(t,
		       "i32.const 0 i8x16.splat i8x16.extract_lane_u 15 drop "
		       "(drop (i64x2.extract_lane 1 (i64x2.splat (i64.const 0)))) "
		       "(drop (i8x16.neg (i8x16.splat (i32.const 0)))) "
		       "(drop (i32x4.abs (i8x16.splat (i32.const 0))))",
		       lanes, sizeof(lanes)));
	EXPECT(body_is(t,
		       "(drop (v128.load (i32.const 0))) "
		       "(drop (v128.load offset=16 align=1 (i32.const 0))) "
		       "(v128.store (i32.const 0) (i8x16.splat (i32.const 0))) "
		       "(drop (v128.load8_splat (i32.const 0))) "
		       "(drop (v128.load64_zero (i32.const 0))) "
		       "(drop (v128.load16_lane offset=2 align=2 7 (i32.const 0) "
		       "(i8x16.splat (i32.const 0)))) "
		       "(v128.store64_lane align=1 1 (i32.const 0) (i8x16.splat (i32.const 0))) "
		       "(drop (v128.load8_lane 3 (i32.const 0) (i8x16.splat (i32.const 0))))",
		       mem, sizeof(mem)));
}

static bool has(const uint8_t *b, size_t n, const char *bytes, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(b + i, bytes, len) == 0)
			return true;
	return false;
}

/* v128 in types, locals, globals, block types and select. */
TEST(wasm_text_simd, v128_type_everywhere)
{
	const char *src = "(global $g (mut v128) (v128.const f32x4 1 2 3 4))"
			  "(func (export \"f\") (param v128) (result v128) (local v128)"
			  "  (local.set 1 (block (result v128) (global.get $g)))"
			  "  (select (result v128) (local.get 0) (local.get 1) (i32.const 1)))";
	uint8_t *b;
	size_t n;
	struct wat_error e;

	if (!EXPECT_OK(wat_encode(src, strlen(src), &b, &n, &e))) {
		test_printf(t, "%u:%u: %s\n", e.line, e.col, e.msg);
		return;
	}
	EXPECT(has(b, n, "\x60\x01\x7b\x01\x7b", 5)); /* (func (param v128) (result v128)) */
	EXPECT(has(b, n, "\x7b\x01\xfd\x0c\x00\x00\x80\x3f", 8)); /* the global */
	EXPECT(has(b, n, "\x01\x01\x7b", 3));			  /* the local */
	EXPECT(has(b, n, "\x1c\x01\x7b", 3));			  /* select (result v128) */
	EXPECT(has(b, n, "\x02\x7b\x23\x00\x0b", 5));		  /* block (result v128) */
	free(b);
}

TEST(wasm_text_simd, malformed_simd_with_position)
{
	static const struct refused cases[] = {
		{"(func (drop (v128.const i32x4 0 1 2)))", 1, 36, "wrong number of lane literals"},
		{"(func (drop (v128.const i32x4 0 1 2 3 4)))", 1, 39,
		 "wrong number of lane literals"},
		{"(func (drop (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -129)))", 1, 61,
		 "i8 constant out of range"},
		{"(func (drop (v128.const f32x4 0 0 0 0x1p128)))", 1, 37, "constant out of range"},
		{"(func (drop (v128.const f64x2 0 nan:1)))", 1, 33, "unknown operator"},
		{"(func (drop (v128.const f64x2 0 0x)))", 1, 33, "unknown operator"},
		{"(func (drop (v128.const i32 0)))", 1, 25, "unexpected token"},
		{"(func\n (drop (i8x16.extract_lane_s 256 (v128.const i64x2 0 0))))", 2, 30,
		 "malformed lane index"},
		{"(func (drop (i8x16.extract_lane_s -1 (v128.const i64x2 0 0))))", 1, 35,
		 "unexpected token"},
		{"(func (drop (i8x16.extract_lane_s (v128.const i64x2 0 0))))", 1, 35,
		 "unexpected token"},
		{"(memory 1) (func (drop (v128.load8_lane align=1 (i32.const 0) (local.get 0))))",
		 1, 49, "unexpected token"},
		{"(memory 1) (func (drop (v128.load align=-1 (i32.const 0))))", 1, 35,
		 "unknown operator"},
		{"(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (v128.const i64x2 "
		 "0 "
		 "0) (v128.const i64x2 0 0))))",
		 1, 63, "invalid lane length"},
		{"(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)))", 1, 66,
		 "invalid lane length"},
		{"(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 nan)))", 1, 63,
		 "malformed lane index"},
		{"(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 256)))", 1, 63,
		 "malformed lane index"},
		{"(func (param v129))", 1, 14, "unexpected token"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(refused_as(t, &cases[i], false));
}

/* Well formed but invalid: a lane index past the lanes is the validator's
 * to refuse (the engine's SIMD), so the text encodes it as written. */
TEST(wasm_text_simd, lane_out_of_range_is_not_malformed)
{
	static const uint8_t code[] = {0xfd, 0x0c, 0, 0, 0, 0, 0, 0,	0,    0, 0,
				       0,    0,	   0, 0, 0, 0, 0, 0xfd, 0x1b, 4, 0x1a};
	EXPECT(body_is(t, "(drop (i32x4.extract_lane 4 (v128.const i32x4 0 0 0 0)))", code,
		       sizeof(code)));
}

/* The runner's commands from a .wast carry v128 values whole. */
TEST(wasm_text_simd, runner_reads_v128_values)
{
	static const char script[] =
		"(module (func (export \"f\") (param v128) (result v128) local.get 0))\n"
		"(assert_return (invoke \"f\" (v128.const i16x8 1 2 3 4 5 6 7 -1))\n"
		"  (v128.const f32x4 nan:canonical 1 nan:arithmetic -0))\n";
	static const uint8_t arg[16] = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xff, 0xff};
	static const uint8_t result[16] = {0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x80};
	char path[] = "/tmp/wasm_text_simd_XXXXXX";
	struct spec_script s;
	char err[200];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!EXPECT(f != NULL))
		return;
	fputs(script, f);
	fclose(f);
	int rc = spec_wast_load(path, &s, err, sizeof(err));
	remove(path);
	if (!EXPECT_OK(rc)) {
		test_printf(t, "%s\n", err);
		return;
	}
	if (EXPECT_EQ(s.ncmds, 2) && EXPECT_EQ(s.cmds[1].action.nargs, 1) &&
	    EXPECT_EQ(s.cmds[1].nexpected, 1)) {
		const struct spec_value *a = &s.cmds[1].action.args[0], *r = &s.cmds[1].expected[0];
		EXPECT_EQ(a->type, SPEC_V128);
		EXPECT_EQ(a->kind, SPEC_VAL_BITS);
		EXPECT_EQ(a->shape, SPEC_I16X8);
		EXPECT(bytes_are(a->v128, arg, 16));
		EXPECT_EQ(r->type, SPEC_V128);
		EXPECT_EQ(r->kind, SPEC_VAL_BITS);
		EXPECT_EQ(r->shape, SPEC_F32X4);
		EXPECT(bytes_are(r->v128, result, 16));
		EXPECT_EQ(r->lane_kind[0], SPEC_VAL_NAN_CANONICAL);
		EXPECT_EQ(r->lane_kind[1], SPEC_VAL_BITS);
		EXPECT_EQ(r->lane_kind[2], SPEC_VAL_NAN_ARITHMETIC);
		EXPECT_EQ(r->lane_kind[3], SPEC_VAL_BITS);
	}
	spec_script_free(&s);
}
