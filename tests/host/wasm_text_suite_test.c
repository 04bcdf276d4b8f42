/*
 * wasm_text_suite_test.c - the text front end (lib/wasm/text) against the
 * spec testsuite: every .wast of $WASM_TESTSUITE (default
 * ../shared/wasm-testsuite) is parsed into commands, which are compared with
 * what wast2json made of the same file in $SPEC_JSON_DIR (default
 * build/spec/json; the simd_* scripts' in $SPEC_SIMD_JSON_DIR, default
 * build/spec/json-simd; both converted by make spec-json): the same
 * commands at the same lines with the same values (v128 ones lane for
 * lane), and each module's binary byte for byte. The SIMD scripts are
 * counted apart.
 * A module whose bytes differ must still load (decode and validate) exactly
 * when wast2json's does. The text assert_malformed cases, which wast2json
 * does not convert, must not encode.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/spectest/wast_json.h"
#include "../fuzz/fuzz_read.h"
#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/text/wast.h"

struct suite_stats {
	unsigned files, parsed, jsons, modules, same, differ_same_load, differ, text_malformed,
		text_malformed_rejected, same_reason, cmd_mismatch, wabt_misrounds;
};

/*
 * Commands whose values wast2json (wabt 1.0.32) gets wrong: it reads the
 * hex float 0x1.fffffffffffffp-1023, exactly halfway between the largest
 * f64 subnormal and 2^-1022, as the subnormal (0x000fffffffffffff); ties
 * to even make it 2^-1022 (0x0010000000000000), as our parser and the C
 * library's strtod say (wasm_text_simd_test.c checks both). Each is
 * counted apart, and must still differ from wast2json's: a list that has
 * gone stale fails.
 */
static const struct {
	const char *file;
	uint32_t line;
} wabt_misrounds[] = {
	{"simd_lane", 164}, {"simd_lane", 165}, {"simd_lane", 265},
	{"simd_lane", 266}, {"simd_lane", 281}, {"simd_lane", 282},
};

static bool is_wabt_misround(const char *name, uint32_t line)
{
	for (size_t i = 0; i < sizeof(wabt_misrounds) / sizeof(wabt_misrounds[0]); i++)
		if (strcmp(wabt_misrounds[i].file, name) == 0 && wabt_misrounds[i].line == line)
			return true;
	return false;
}

static bool same_value(const struct wast_value *a, const struct spec_value *b)
{
	if ((int)a->type != (int)b->type)
		return false;
	if (a->type == WAST_V128) {
		bool same = b->kind == SPEC_VAL_BITS && a->shape == b->shape &&
			    memcmp(a->v128, b->v128, sizeof(a->v128)) == 0;
		for (size_t i = 0; same && i < sizeof(a->lane_kind); i++)
			same = a->lane_kind[i] == WAST_VAL_BITS ? b->lane_kind[i] == SPEC_VAL_BITS
			       : a->lane_kind[i] == WAST_VAL_NAN_CANONICAL
				       ? b->lane_kind[i] == SPEC_VAL_NAN_CANONICAL
				       : b->lane_kind[i] == SPEC_VAL_NAN_ARITHMETIC;
		return same;
	}
	if (a->kind == WAST_VAL_NULL)
		return b->kind == SPEC_VAL_NULL;
	if (a->kind == WAST_VAL_NAN_CANONICAL)
		return b->kind == SPEC_VAL_NAN_CANONICAL;
	if (a->kind == WAST_VAL_NAN_ARITHMETIC)
		return b->kind == SPEC_VAL_NAN_ARITHMETIC;
	return b->kind == SPEC_VAL_BITS && a->bits == b->bits;
}

static bool same_str(const struct wast_str *a, const struct spec_str *b)
{
	if (!a->s || !b->s)
		return !a->s == !b->s;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static bool loads(const uint8_t *b, size_t n)
{
	struct wasm_module *m;
	struct wasm_error err;
	if (wasm_module_load(b, n, &m, &err))
		return false;
	wasm_module_free(m);
	return true;
}

/* Compares command c (ours) with j (wast2json's); counts into st. */
static void compare_cmd(struct test_ctx *t, const char *name, const char *dir,
			const struct wast_cmd *c, const struct spec_command *j,
			struct suite_stats *st)
{
	/* wast2json also gives the types of an action's results elsewhere
	 * (it knows the function); a script says them in assert_return only */
	bool ok = (int)c->kind == (int)j->kind && c->line == j->line &&
		  c->has_action == j->has_action &&
		  (c->kind != WAST_ASSERT_RETURN || c->nexpected == j->nexpected);
	for (size_t i = 0; ok && c->kind == WAST_ASSERT_RETURN && i < c->nexpected; i++)
		ok = same_value(&c->expected[i], &j->expected[i]);
	if (ok && c->has_action) {
		ok = c->action.is_get == j->action.is_get &&
		     same_str(&c->action.field, &j->action.field) &&
		     same_str(&c->action.module, &j->action.module) &&
		     c->action.nargs == j->action.nargs;
		for (size_t i = 0; ok && i < c->action.nargs; i++)
			ok = same_value(&c->action.args[i], &j->action.args[i]);
	}
	if (ok && (c->kind == WAST_MODULE || c->kind == WAST_REGISTER))
		ok = same_str(&c->name, &j->name) && same_str(&c->as, &j->as);
	if (is_wabt_misround(name, c->line)) {
		if (ok)
			test_printf(t, "%s:%u: same as wast2json's, not the listed misrounding\n",
				    name, c->line);
		st->wabt_misrounds += !ok;
		st->cmd_mismatch += ok;
		return;
	}
	if (!ok) {
		st->cmd_mismatch++;
		test_printf(t,
			    "%s:%u: command differs from wast2json's (line %u kind %d/%d nexp "
			    "%zu/%zu)\n",
			    name, c->line, j->line, c->kind, j->kind, c->nexpected, j->nexpected);
		return;
	}
	if (!j->filename.s)
		return;
	if (j->text_module) {
		/* a text assert_malformed: ours must refuse it */
		st->text_malformed++;
		if (c->bin) {
			/* 64-bit numbers are text now (memory64): a 2.0 engine
			 * (features after 2.0 off) refuses the binary instead */
			static const struct wasm_load_opts v20 = {
				.features_off = ((WASM_FEAT_GC << 1) - 1) & ~WASM_FEAT_SIMD};
			struct wasm_module *m = NULL;
			struct wasm_error err;
			if (wasm_module_load_opts(c->bin, c->bin_len, &v20, &m, &err) ==
			    ERR_MALFORMED) {
				st->text_malformed_rejected++;
				return;
			}
			wasm_module_free(m);
			test_printf(t, "%s:%u: text module encoded, expected malformed (%s)\n",
				    name, c->line, j->text.s ? j->text.s : "");
			return;
		}
		st->text_malformed_rejected++;
		/* the spec's message is a prefix of what the reference interpreter says */
		if (j->text.s && strstr(c->wat_err.msg, j->text.s))
			st->same_reason++;
		else if (getenv("WAT_SUITE_REASONS"))
			test_printf(t, "%s:%u: expected \"%s\", said \"%s\"\n", name, c->line,
				    j->text.s ? j->text.s : "", c->wat_err.msg);
		return;
	}
	char path[600];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, j->filename.s);
	uint8_t *want = fuzz_read_file(path, &len);
	st->modules++;
	if (!want) {
		test_printf(t, "%s: cannot read\n", path);
		st->differ++;
		return;
	}
	if (!c->bin) {
		test_printf(t, "%s:%u: did not encode: %u:%u: %s\n", name, c->line, c->wat_err.line,
			    c->wat_err.col, c->wat_err.msg);
		st->differ++;
	} else if (c->bin_len == len && memcmp(c->bin, want, len) == 0) {
		st->same++;
	} else if (loads(c->bin, c->bin_len) == loads(want, len)) {
		st->differ_same_load++;
		test_printf(t, "%s:%u: bytes differ from %s (both %s)\n", name, c->line,
			    j->filename.s, loads(want, len) ? "load" : "fail to load");
	} else {
		st->differ++;
		test_printf(t, "%s:%u: bytes differ from %s, and it %s\n", name, c->line,
			    j->filename.s, loads(want, len) ? "loads" : "does not load");
	}
	free(want);
}

static void run_file(struct test_ctx *t, const char *suite, const char *dir, const char *name,
		     struct suite_stats *st)
{
	char path[600], err[200];
	struct wast_script s;
	struct spec_script js;
	struct wat_error werr;
	size_t len;
	char *src;

	snprintf(path, sizeof(path), "%s/%s.wast", suite, name);
	if (!(src = (char *)fuzz_read_file(path, &len)))
		return;
	st->files++;
	int rc = wast_parse(src, len, &s, &werr);
	free(src);
	if (rc) {
		test_printf(t, "%s:%u:%u: %s\n", path, werr.line, werr.col, werr.msg);
		return;
	}
	st->parsed++;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	if (spec_script_load(path, &js, err, sizeof(err)) == 0) {
		st->jsons++;
		if (js.ncmds != s.ncmds) {
			test_printf(t, "%s: %zu commands, wast2json has %zu\n", name, s.ncmds,
				    js.ncmds);
			st->cmd_mismatch++;
		}
		for (size_t i = 0; i < s.ncmds && i < js.ncmds; i++)
			compare_cmd(t, name, dir, &s.cmds[i], &js.cmds[i], st);
		spec_script_free(&js);
	}
	wast_script_free(&s);
}

static void print_stats(struct test_ctx *t, const char *what, const struct suite_stats *st)
{
	test_printf(t,
		    "%s: %u/%u files parsed; %u modules: %u byte-identical, %u differ but load "
		    "alike, %u differ; text assert_malformed rejected: %u/%u (%u with the spec's "
		    "message); %u commands differ (and %u where wast2json misrounds)\n",
		    what, st->parsed, st->files, st->modules, st->same, st->differ_same_load,
		    st->differ, st->text_malformed_rejected, st->text_malformed, st->same_reason,
		    st->cmd_mismatch, st->wabt_misrounds);
}

TEST(wasm_text_suite, against_wast2json)
{
	const char *suite = getenv("WASM_TESTSUITE");
	const char *dir = getenv("SPEC_JSON_DIR") ? getenv("SPEC_JSON_DIR") : "build/spec/json";
	const char *simd_dir = getenv("SPEC_SIMD_JSON_DIR") ? getenv("SPEC_SIMD_JSON_DIR")
							    : "build/spec/json-simd";
	const char *only = getenv("WAT_SUITE_FILE");
	struct suite_stats st[2] = {0}; /* non-SIMD, SIMD */
	struct dirent *e;
	DIR *d;

	if (!suite)
		suite = access("../shared/wasm-testsuite", F_OK) == 0
				? "../shared/wasm-testsuite"
				: "/work/shared/wasm-testsuite";
	if (!(d = opendir(suite))) {
		test_printf(t, "%s: no testsuite, nothing compared\n", suite);
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char name[256];
		if (n < 6 || n >= sizeof(name) || strcmp(e->d_name + n - 5, ".wast") != 0)
			continue;
		memcpy(name, e->d_name, n - 5);
		name[n - 5] = '\0';
		if (only && strcmp(only, name) != 0)
			continue;
		bool simd = strncmp(name, "simd_", 5) == 0;
		run_file(t, suite, simd ? simd_dir : dir, name, &st[simd]);
	}
	closedir(d);
	print_stats(t, "non-SIMD", &st[0]);
	print_stats(t, "SIMD", &st[1]);
	for (int i = 0; i < 2; i++) {
		if (st[i].parsed && st[i].jsons == 0)
			test_printf(t,
				    "no wast2json output in %s (make spec-json converts the "
				    "suite): scripts parsed, nothing compared\n",
				    i ? simd_dir : dir);
		EXPECT_EQ(st[i].parsed, st[i].files);
		EXPECT_EQ(st[i].differ, 0);
		EXPECT_EQ(st[i].cmd_mismatch, 0);
		EXPECT_EQ(st[i].text_malformed_rejected, st[i].text_malformed);
	}
}
