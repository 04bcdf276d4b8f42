/*
 * wasm_text_simd_test.c - SIMD in the text front end (lib/wasm/text): v128
 * literals of every shape, lane literals, v128 values and per-lane NaN
 * patterns in scripts with their errors (line and column), and the SIMD
 * instructions' immediates encoded as the binary format has them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	static const struct {
		const char *src;
		uint32_t line, col;
		const char *msg; /* a prefix of the message */
	} cases[] = {
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
		{"(invoke \"f\"\n\n (v128.const i32x4 0 1 2))", 3, 25, "unexpected token"},
		{"(invoke \"f\" (v128.const i64x2 0 1 2))", 1, 35, "unexpected token"},
		{"(invoke \"f\" (v128.const 0 1 2 3))", 1, 25, "unexpected token"},
		{"(invoke \"f\" (v128.const i32x8 0 1 2 3))", 1, 25, "unexpected token"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wast_script s;
		struct wat_error e = {0};
		if (!EXPECT_EQ(wast_parse(cases[i].src, strlen(cases[i].src), &s, &e),
			       ERR_MALFORMED) ||
		    !EXPECT_EQ(e.line, cases[i].line) || !EXPECT_EQ(e.col, cases[i].col) ||
		    !EXPECT(strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) == 0))
			test_printf(t, "%s -> %u:%u: %s\n", cases[i].src, e.line, e.col, e.msg);
	}
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
}
