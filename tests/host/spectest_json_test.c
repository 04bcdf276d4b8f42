/*
 * spectest_json_test.c - the wast2json command-list reader: hand-written
 * JSON for each command and value form, malformed input, and real files
 * converted from the spec testsuite with wast2json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/spectest/wast_json.h"
#include "base/err.h"
#include "base/test.h"

static int parse(const char *s, struct spec_script *out, char *err)
{
	return spec_script_parse(s, strlen(s), out, err, 200);
}

TEST(spectest_json, every_command_and_value)
{
	const char *js =
		"{\"source_filename\": \"x.wast\", \"commands\": [\n"
		" {\"type\": \"module\", \"line\": 1, \"name\": \"$M\", \"filename\": "
		"\"x.0.wasm\"},\n"
		" {\"type\": \"register\", \"line\": 2, \"name\": \"$M\", \"as\": \"reg\"},\n"
		" {\"type\": \"action\", \"line\": 3, \"action\": {\"type\": \"invoke\", "
		"\"module\": \"$M\", \"field\": \"f\\u0000\\u00e9\\ud83d\\ude00\", \"args\": "
		"[{\"type\": \"i32\", \"value\": \"4294967295\"}, {\"type\": \"i64\", \"value\": "
		"\"18446744073709551615\"}, {\"type\": \"externref\", \"value\": \"null\"}, "
		"{\"type\": \"funcref\", \"value\": \"7\"}]}, \"expected\": []},\n"
		" {\"type\": \"assert_return\", \"line\": 4, \"action\": {\"type\": \"get\", "
		"\"field\": \"g\"}, \"expected\": [{\"type\": \"f32\", \"value\": "
		"\"nan:canonical\"}, {\"type\": \"f64\", \"value\": \"nan:arithmetic\"}, "
		"{\"type\": \"f64\", \"value\": \"9221120237041090560\"}]},\n"
		" {\"type\": \"assert_trap\", \"line\": 5, \"action\": {\"type\": \"invoke\", "
		"\"field\": \"t\", \"args\": []}, \"text\": \"unreachable\", \"expected\": "
		"[{\"type\": \"i32\"}]},\n"
		" {\"type\": \"assert_exhaustion\", \"line\": 6, \"action\": {\"type\": "
		"\"invoke\", "
		"\"field\": \"r\", \"args\": []}, \"text\": \"call stack exhausted\", "
		"\"expected\": []},\n"
		" {\"type\": \"assert_invalid\", \"line\": 7, \"filename\": \"x.1.wasm\", "
		"\"text\": "
		"\"type mismatch\", \"module_type\": \"binary\"},\n"
		" {\"type\": \"assert_malformed\", \"line\": 8, \"filename\": \"x.2.wat\", "
		"\"text\": "
		"\"unknown operator\", \"module_type\": \"text\"},\n"
		" {\"type\": \"assert_unlinkable\", \"line\": 9, \"filename\": \"x.3.wasm\", "
		"\"text\": \"unknown import\", \"module_type\": \"binary\"},\n"
		" {\"type\": \"assert_uninstantiable\", \"line\": 10, \"filename\": \"x.4.wasm\", "
		"\"text\": \"unreachable\", \"module_type\": \"binary\"},\n"
		" {\"type\": \"assert_return\", \"line\": 11, \"action\": {\"type\": \"invoke\", "
		"\"field\": \"v\", \"args\": [{\"type\": \"v128\", \"lane_type\": \"i32\", "
		"\"value\": [\"1\", \"4294967295\", \"0\", \"258\"]}, {\"type\": \"v128\", "
		"\"lane_type\": \"i8\", \"value\": [\"255\", \"1\", \"2\", \"3\", \"4\", \"5\", "
		"\"6\", \"7\", \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\"]}]}, "
		"\"expected\": [{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": "
		"[\"nan:canonical\", \"1065353216\", \"nan:arithmetic\", \"0\"]}, {\"type\": "
		"\"v128\", \"lane_type\": \"f64\", \"value\": [\"9218868437227405312\", "
		"\"nan:canonical\"]}, {\"type\": \"v128\"}]}\n"
		"]}\n";
	struct spec_script s;
	char err[200];
	const struct spec_command *c;

	if (!EXPECT_OK(parse(js, &s, err))) {
		test_printf(t, "error: %s\n", err);
		return;
	}
	EXPECT_STREQ(s.source.s, "x.wast");
	if (!EXPECT_EQ(s.ncmds, 11))
		goto out;
	for (size_t i = 0; i < 10; i++)
		EXPECT_EQ(s.cmds[i].kind, (int)i);
	c = &s.cmds[0];
	EXPECT_STREQ(c->name.s, "$M");
	EXPECT_STREQ(c->filename.s, "x.0.wasm");
	EXPECT_STREQ(s.cmds[1].as.s, "reg");
	c = &s.cmds[2];
	EXPECT_EQ(c->line, 3);
	EXPECT(c->has_action && !c->action.is_get);
	EXPECT_STREQ(c->action.module.s, "$M");
	EXPECT_EQ(c->action.field.len, 1 + 1 + 2 + 4); /* f, NUL, U+00E9, U+1F600 */
	EXPECT(memcmp(c->action.field.s, "f\0\xc3\xa9\xf0\x9f\x98\x80", 8) == 0);
	if (EXPECT_EQ(c->action.nargs, 4)) {
		EXPECT_EQ(c->action.args[0].type, SPEC_I32);
		EXPECT_EQ_U(c->action.args[0].bits, UINT32_MAX);
		EXPECT_EQ_U(c->action.args[1].bits, UINT64_MAX);
		EXPECT_EQ(c->action.args[2].kind, SPEC_VAL_NULL);
		EXPECT_EQ(c->action.args[3].type, SPEC_FUNCREF);
		EXPECT_EQ(c->action.args[3].bits, 7);
	}
	c = &s.cmds[3];
	EXPECT(c->action.is_get);
	if (EXPECT_EQ(c->nexpected, 3)) {
		EXPECT_EQ(c->expected[0].kind, SPEC_VAL_NAN_CANONICAL);
		EXPECT_EQ(c->expected[1].kind, SPEC_VAL_NAN_ARITHMETIC);
		EXPECT_EQ_U(c->expected[2].bits, UINT64_C(0x7ff8000000000000));
	}
	EXPECT_STREQ(s.cmds[4].text.s, "unreachable");
	if (EXPECT_EQ(s.cmds[4].nexpected, 1))
		EXPECT_EQ(s.cmds[4].expected[0].kind, SPEC_VAL_ANY);
	EXPECT(!s.cmds[6].text_module);
	EXPECT(s.cmds[7].text_module);
	c = &s.cmds[10];
	if (EXPECT_EQ(c->action.nargs, 2)) {
		static const uint8_t i32x4[16] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
						  0, 0, 0, 0, 2,    1,	  0,	0};
		const struct spec_value *v = &c->action.args[0];
		EXPECT_EQ(v->type, SPEC_V128);
		EXPECT_EQ(v->kind, SPEC_VAL_BITS);
		EXPECT_EQ(v->shape, SPEC_I32X4);
		EXPECT(memcmp(v->v128, i32x4, 16) == 0);
		v = &c->action.args[1];
		EXPECT_EQ(v->shape, SPEC_I8X16);
		EXPECT_EQ(v->v128[0], 255);
		EXPECT_EQ(v->v128[15], 15);
	}
	if (EXPECT_EQ(c->nexpected, 3)) {
		const struct spec_value *v = &c->expected[0];
		EXPECT_EQ(v->kind, SPEC_VAL_BITS);
		EXPECT_EQ(v->shape, SPEC_F32X4);
		EXPECT_EQ(v->lane_kind[0], SPEC_VAL_NAN_CANONICAL);
		EXPECT_EQ(v->lane_kind[1], SPEC_VAL_BITS);
		EXPECT_EQ(v->lane_kind[2], SPEC_VAL_NAN_ARITHMETIC);
		EXPECT_EQ(v->lane_kind[3], SPEC_VAL_BITS);
		EXPECT_EQ(v->v128[7], 0x3f); /* 1.0f: 0x3f800000 */
		EXPECT_EQ(v->v128[6], 0x80);
		v = &c->expected[1];
		EXPECT_EQ(v->shape, SPEC_F64X2);
		EXPECT_EQ(v->v128[7], 0x7f); /* inf: 0x7ff0000000000000 */
		EXPECT_EQ(v->v128[6], 0xf0);
		EXPECT_EQ(v->lane_kind[0], SPEC_VAL_BITS);
		EXPECT_EQ(v->lane_kind[1], SPEC_VAL_NAN_CANONICAL);
		EXPECT_EQ(c->expected[2].kind, SPEC_VAL_ANY);
	}
	EXPECT_STREQ(spec_cmd_kind_name(SPEC_CMD_ASSERT_UNLINKABLE), "assert_unlinkable");
out:
	spec_script_free(&s);
}

TEST(spectest_json, rejects_bad_input)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"commands\": [}",
		"{\"commands\": 3}",
		"{\"commands\": []} x",
		"{\"commands\": [{\"type\": \"module\", \"line\": 1}]}",
		"{\"commands\": [{\"type\": \"bogus\", \"line\": 1}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"i32\", \"value\": "
		"\"4294967296\"}]}}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"i32\", \"value\": "
		"\"nan:canonical\"}]}}]}",
		"{\"commands\": [{\"type\": \"register\", \"line\": -1, \"as\": \"x\"}]}",
		/* v128: too few lanes, a lane out of range, an integer NaN, no lane type */
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"v128\", \"lane_type\": "
		"\"i64\", \"value\": [\"1\"]}]}}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"v128\", \"lane_type\": "
		"\"i64\", \"value\": [\"1\", \"18446744073709551616\"]}]}}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"v128\", \"lane_type\": "
		"\"i16\", \"value\": [\"0\", \"0\", \"0\", \"0\", \"0\", \"0\", \"0\", "
		"\"65536\"]}]}}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"v128\", \"lane_type\": "
		"\"i64\", \"value\": [\"nan:canonical\", \"0\"]}]}}]}",
		"{\"commands\": [{\"type\": \"action\", \"line\": 1, \"action\": {\"type\": "
		"\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"v128\", "
		"\"value\": [\"0\", \"0\"]}]}}]}",
		"{\"commands\": [], \"s\": \"\\x\"}",
		"{\"commands\": [], \"s\": \"\\ud8\"}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]",
	};
	struct spec_script s = {.ncmds = 99};
	char err[200];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		if (!EXPECT_EQ(parse(bad[i], &s, err), ERR_MALFORMED))
			test_printf(t, "input %zu accepted\n", i);
		EXPECT_NE(err[0], 0);
	}
	EXPECT_EQ(s.ncmds, 99); /* untouched */
}

/* Converts testsuite file NAME.wast with wast2json into dir; 0 on success. */
static int convert(const char *dir, const char *name, char *json, size_t cap)
{
	const char *ts = getenv("WASM_TESTSUITE");
	char wast[256], cmd[700];

	if (!ts)
		ts = access("../shared/wasm-testsuite", F_OK) == 0 ? "../shared/wasm-testsuite"
								   : "/work/shared/wasm-testsuite";
	snprintf(wast, sizeof(wast), "%s/%s.wast", ts, name);
	snprintf(json, cap, "%s/%s.json", dir, name);
	snprintf(cmd, sizeof(cmd), "wast2json '%s' -o '%s' 2>&1", wast, json);
	return system(cmd);
}

struct expect_counts {
	const char *file;
	size_t cmds[10];
};

TEST(spectest_json, real_testsuite_files)
{
	/* counts of each command kind, in enum order (checked with grep on the
	 * converted files) */
	static const struct expect_counts files[] = {
		{"linking", {21, 9, 0, 65, 18, 0, 0, 0, 12, 7}},
		{"start", {5, 0, 4, 6, 0, 0, 3, 1, 0, 1}},
		{"call", {1, 0, 0, 69, 1, 2, 18, 0, 0, 0}},
		{"f32", {1, 0, 0, 2500, 0, 0, 11, 2, 0, 0}},
	};
	char dir[] = "/tmp/spectest_json_XXXXXX", json[300], err[200], cmd[300];

	if (!EXPECT(mkdtemp(dir)))
		return;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		struct spec_script s;
		size_t count[10] = {0}, nan = 0;

		if (!EXPECT_OK(convert(dir, files[f].file, json, sizeof(json))))
			continue;
		if (!EXPECT_OK(spec_script_load(json, &s, err, sizeof(err)))) {
			test_printf(t, "%s: %s\n", json, err);
			continue;
		}
		for (size_t i = 0; i < s.ncmds; i++) {
			count[s.cmds[i].kind]++;
			for (size_t k = 0; k < s.cmds[i].nexpected; k++)
				nan += s.cmds[i].expected[k].kind == SPEC_VAL_NAN_CANONICAL ||
				       s.cmds[i].expected[k].kind == SPEC_VAL_NAN_ARITHMETIC;
		}
		for (size_t k = 0; k < 10; k++)
			if (!EXPECT_EQ(count[k], files[f].cmds[k]))
				test_printf(t, "%s: %s\n", files[f].file,
					    spec_cmd_kind_name((enum spec_cmd_kind)k));
		if (strcmp(files[f].file, "f32") == 0)
			EXPECT_EQ(nan, 911);
		spec_script_free(&s);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	EXPECT_OK(system(cmd));
}
