/*
 * spec_wast.c - the spectest runner's .wast reader: the script goes
 * through our text front end (wasm/text/wast.h) and each of its commands
 * becomes the spec_command that wast_json.c would have made from
 * wast2json's JSON, so spec_exec.c runs both alike. Modules come as their
 * binary (`bin`) instead of a file name; a text module that the front end
 * refused (the text-format assert_malformed cases) keeps the reason in
 * `refused`.
 *
 * Portable: the test kernel links it too (kernel/tests/spec_run.c).
 *
 * Invariant: every string and binary moves from the wast_script into the
 * spec_script (the wast side's pointer is then NULL), so freeing both
 * never frees twice.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/text/wast.h"
#include "../wast_json.h"

_Static_assert((int)WAST_ASSERT_UNINSTANTIABLE == (int)SPEC_CMD_ASSERT_UNINSTANTIABLE &&
		       (int)WAST_ASSERT_MALFORMED == (int)SPEC_CMD_ASSERT_MALFORMED &&
		       (int)WAST_ERROR == (int)SPEC_CMD_ERROR &&
		       (int)WAST_MODULE_INSTANCE == (int)SPEC_CMD_MODULE_INSTANCE,
	       "wast_cmd_kind and spec_cmd_kind are in the same order");
_Static_assert((int)WAST_V128 == (int)SPEC_V128 && (int)WAST_EXTERNREF == (int)SPEC_EXTERNREF &&
		       (int)WAST_EXNREF == (int)SPEC_EXNREF,
	       "wast_val_type and spec_val_type are in the same order");
_Static_assert((int)WAST_F64X2 == (int)SPEC_F64X2 && (int)WAST_I8X16 == (int)SPEC_I8X16,
	       "wast_v128_shape and spec_v128_shape are in the same order");

static struct spec_str take(struct wast_str *w)
{
	struct spec_str s = {.s = w->s, .len = w->len};

	w->s = NULL;
	return s;
}

/* The values; an (either ...)'s alternatives one level down (no deeper:
 * wast.c does not nest them). On failure *out holds what was made, for
 * the script's free. */
static const enum spec_val_kind kinds[] = {
	[WAST_VAL_BITS] = SPEC_VAL_BITS,
	[WAST_VAL_NAN_CANONICAL] = SPEC_VAL_NAN_CANONICAL,
	[WAST_VAL_NAN_ARITHMETIC] = SPEC_VAL_NAN_ARITHMETIC,
	[WAST_VAL_NULL] = SPEC_VAL_NULL,
	[WAST_VAL_ANY] = SPEC_VAL_ANY,
	[WAST_VAL_EITHER] = SPEC_VAL_EITHER,
};

/* One value (not its alternatives), v128 fields included. */
static struct spec_value value_of(const struct wast_value *w)
{
	struct spec_value v = {.type = (enum spec_val_type)w->type,
			       .kind = kinds[w->kind],
			       .bits = w->bits,
			       .shape = w->shape};

	memcpy(v.v128, w->v128, sizeof(v.v128));
	for (size_t k = 0; k < sizeof(v.lane_kind); k++)
		v.lane_kind[k] = (uint8_t)kinds[w->lane_kind[k]];
	return v;
}

static int values(const struct wast_value *in, size_t n, struct spec_value **out, size_t *out_n)
{

	*out = NULL;
	*out_n = 0;
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return ERR_NOMEM;
	*out_n = n;
	for (size_t i = 0; i < n; i++) {
		struct spec_value *v = &(*out)[i];

		*v = value_of(&in[i]);
		if (in[i].kind == WAST_VAL_EITHER && in[i].nalts) {
			v->alts = calloc(in[i].nalts, sizeof(*v->alts));
			if (!v->alts)
				return ERR_NOMEM;
			v->nalts = in[i].nalts;
			for (size_t k = 0; k < in[i].nalts; k++)
				v->alts[k] = value_of(&in[i].alts[k]);
		}
	}
	return 0;
}

static int convert(struct wast_cmd *w, struct spec_command *c)
{
	int rc;

	c->kind = (enum spec_cmd_kind)w->kind;
	c->line = w->line;
	c->name = take(&w->name);
	c->def = take(&w->def);
	c->definition = w->definition;
	c->as = take(&w->as);
	c->text = take(&w->text);
	c->bin = w->bin;
	c->bin_len = w->bin_len;
	w->bin = NULL;
	if (!c->bin &&
	    (c->kind == SPEC_CMD_MODULE || c->kind == SPEC_CMD_ERROR ||
	     (c->kind >= SPEC_CMD_ASSERT_INVALID && c->kind <= SPEC_CMD_ASSERT_UNINSTANTIABLE))) {
		c->refused = malloc(160);
		if (!c->refused)
			return ERR_NOMEM;
		fmt_snprintf(c->refused, 160, "%u:%u: %s", w->wat_err.line, w->wat_err.col,
			     w->wat_err.msg);
	}
	c->has_action = w->has_action;
	c->action.is_get = w->action.is_get;
	c->action.module = take(&w->action.module);
	c->action.field = take(&w->action.field);
	rc = values(w->action.args, w->action.nargs, &c->action.args, &c->action.nargs);
	return rc ? rc : values(w->expected, w->nexpected, &c->expected, &c->nexpected);
}

int spec_wast_parse(const char *path, const char *text, size_t len, struct spec_script *out,
		    char *err, size_t errlen)
{
	struct wast_script w = {0};
	struct spec_script s = {0};
	struct wat_error we = {0};
	int rc = wast_parse(text, len, &w, &we);

	if (rc) {
		if (rc == ERR_MALFORMED)
			fmt_snprintf(err, errlen, "%s:%u:%u: %s", path, we.line, we.col, we.msg);
		else
			fmt_snprintf(err, errlen, "%s: %s", path, err_str(rc));
		return rc;
	}
	s.cmds = calloc(w.ncmds ? w.ncmds : 1, sizeof(*s.cmds));
	rc = s.cmds ? 0 : ERR_NOMEM;
	for (size_t i = 0; !rc && i < w.ncmds; i++) {
		s.ncmds = i + 1;
		rc = convert(&w.cmds[i], &s.cmds[i]);
	}
	wast_script_free(&w);
	if (rc) {
		fmt_snprintf(err, errlen, "%s: %s", path, err_str(rc));
		spec_script_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}
