/*
 * spec_exec.c - executes one spec-testsuite script: modules, registrations,
 * actions and every kind of assertion, against a fresh store made with the
 * embedder's config (so the host tool and the test kernel run the same
 * checks on their own memories and code).
 *
 * Invariant: `current` is the instance of the last `module` or `module
 * instance` command, or NULL when that command failed (later actions then
 * fail, naming why); every module binary loaded stays alive until the
 * store is freed, since instances point into their modules (and module
 * definitions are instantiated later).
 */
#include "spec_exec.h"
#include "spec_value.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "wasm/load.h"
#include "wasm/runtime.h"

#define DETAIL_LEN 512

struct named {
	const char *name; /* "$M1", owned by the script */
	struct wasm_instance *inst;
	const struct wasm_module *def; /* a (module definition $M ...) */
};

struct spec_ctx {
	const struct spec_script *script;
	const struct spec_run_opts *opts;
	struct wasm_store *store;
	struct wasm_linker *linker;
	struct wasm_exec *exec;
	int exec_err; /* why exec is NULL, once tried */
	struct wasm_instance *current;
	const struct wasm_module *last_def; /* of the last module definition */
	struct named *named;
	size_t nnamed;
	struct wasm_module **mods;
	size_t nmods, capmods;
	char detail[DETAIL_LEN];
};

/* ---- small helpers ---- */

static void detail_set(struct spec_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Whether `needle` occurs in `hay` (strstr, which the kernel's C library
 * has not). */
static bool has_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return !n;
}

/* ---- the spectest host module ---- */

static int host_print(struct wasm_host_call *call, union wasm_val *vals)
{
	(void)call, (void)vals;
	return WASM_HOST_OK;
}

static int define_global(struct spec_ctx *c, const char *name, uint8_t type, union wasm_val v)
{
	struct wasm_extern e = {.kind = WASM_EXTERN_GLOBAL};
	int rc = wasm_store_new_global(c->store, type, false, v, &e.u.global);

	return rc ? rc : wasm_linker_define(c->linker, "spectest", name, &e);
}

/* The values the testsuite expects (imports.wast, linking.wast): globals
 * 666 / 666.6, a funcref table of 10 (max 20) with an i32 and one with an
 * i64 address type (table64), a memory of 1 page (max 2). */
static int define_spectest(struct spec_ctx *c)
{
	static const struct {
		const char *name, *sig;
	} prints[] = {
		{"print", ":"},		  {"print_i32", "i:"}, {"print_i64", "I:"},
		{"print_f32", "f:"},	  {"print_f64", "F:"}, {"print_i32_f32", "if:"},
		{"print_f64_f64", "FF:"},
	};
	float f32 = 666.6f;
	double f64 = 666.6;
	union wasm_val v = {0};
	struct wasm_extern e;
	int rc;

	for (size_t i = 0; i < sizeof(prints) / sizeof(prints[0]); i++) {
		rc = wasm_linker_define_func(c->linker, "spectest", prints[i].name, prints[i].sig,
					     host_print, NULL);
		if (rc)
			return rc;
	}
	v.i32 = 666;
	if ((rc = define_global(c, "global_i32", WASM_TYPE_I32, v)))
		return rc;
	v.i64 = 666;
	if ((rc = define_global(c, "global_i64", WASM_TYPE_I64, v)))
		return rc;
	memcpy(&v.f32, &f32, sizeof(f32));
	if ((rc = define_global(c, "global_f32", WASM_TYPE_F32, v)))
		return rc;
	memcpy(&v.f64, &f64, sizeof(f64));
	if ((rc = define_global(c, "global_f64", WASM_TYPE_F64, v)))
		return rc;
	e.kind = WASM_EXTERN_TABLE;
	rc = wasm_store_new_table(c->store, WASM_TYPE_FUNCREF,
				  (struct wasm_limits){.min = 10, .max = 20, .has_max = true},
				  &e.u.table);
	if (rc || (rc = wasm_linker_define(c->linker, "spectest", "table", &e)))
		return rc;
	rc = wasm_store_new_table(
		c->store, WASM_TYPE_FUNCREF,
		(struct wasm_limits){.min = 10, .max = 20, .has_max = true, .is64 = true},
		&e.u.table);
	if (rc || (rc = wasm_linker_define(c->linker, "spectest", "table64", &e)))
		return rc;
	e.kind = WASM_EXTERN_MEMORY;
	rc = wasm_store_new_memory(
		c->store, (struct wasm_limits){.min = 1, .max = 2, .has_max = true}, &e.u.mem);
	if (rc || (rc = wasm_linker_define(c->linker, "spectest", "memory", &e)))
		return rc;
	return 0;
}

/* ---- modules ---- */

/* The last binding of `name`: an instance, or (`def`) a definition. */
static const struct named *named_get(struct spec_ctx *c, const char *name, bool def)
{
	for (size_t i = c->nnamed; i-- > 0;)
		if (strcmp(c->named[i].name, name) == 0 && !c->named[i].def == !def)
			return &c->named[i];
	return NULL;
}

static struct wasm_instance *named_find(struct spec_ctx *c, const char *name)
{
	const struct named *n = named_get(c, name, false);

	return n ? n->inst : NULL;
}

static int named_bind(struct spec_ctx *c, const char *name, struct wasm_instance *inst,
		      const struct wasm_module *def)
{
	struct named *n = realloc(c->named, (c->nnamed + 1) * sizeof(*n));

	if (!n)
		return ERR_NOMEM;
	c->named = n;
	c->named[c->nnamed++] = (struct named){.name = name, .inst = inst, .def = def};
	return 0;
}

/* Reads (or, from a .wast, takes) and loads a command's binary; the module
 * is kept until the store goes. On failure the detail names the error; a
 * text module the text front end refused is malformed. */
static int module_load(struct spec_ctx *c, const struct spec_command *cmd, struct wasm_module **out,
		       struct wasm_error *err)
{
	char path[1024];
	char *file = NULL;
	const uint8_t *bytes = cmd->bin;
	size_t len = cmd->bin_len;
	int rc;

	if (cmd->refused) {
		detail_set(c, "malformed text: %s", cmd->refused);
		return ERR_MALFORMED;
	}
	if (!bytes) {
		fmt_snprintf(path, sizeof(path), "%s/%s", c->opts->dir, cmd->filename.s);
		rc = c->opts->read_file(path, &file, &len);
		if (rc) {
			err->kind = rc;
			detail_set(c, "cannot read %s: %s", path, err_str(rc));
			return ERR_IO;
		}
		bytes = (const uint8_t *)file;
	}
	if (c->nmods == c->capmods) {
		size_t nc = c->capmods ? c->capmods * 2 : 16;
		struct wasm_module **m = realloc(c->mods, nc * sizeof(*m));

		if (!m) {
			free(file);
			detail_set(c, "out of memory");
			return ERR_NOMEM;
		}
		c->mods = m;
		c->capmods = nc;
	}
	memset(err, 0, sizeof(*err));
	if (c->opts->load)
		rc = wasm_module_load_opts(bytes, len, c->opts->load, out, err);
	else
		rc = wasm_module_load(bytes, len, out, err);
	free(file);
	if (rc) {
		detail_set(c, "%s: %s @%u: %s",
			   rc == ERR_MALFORMED ? "malformed"
			   : rc == ERR_INVALID ? "invalid"
					       : err_str(rc),
			   err->section ? err->section : "?", err->offset, err->msg);
		return rc;
	}
	c->mods[c->nmods++] = *out;
	return 0;
}

static int exec_get(struct spec_ctx *c)
{
	if (!c->exec && !c->exec_err)
		c->exec_err = wasm_exec_new(c->store, NULL, &c->exec);
	if (!c->exec)
		detail_set(c, "wasm_exec_new: %s", err_str(c->exec_err));
	return c->exec ? 0 : c->exec_err;
}

/*
 * Instantiates and runs the start function. Returns 0 (*out set), an error
 * of wasm_instantiate (*err filled), or ERR_TRAP from the start function
 * with *trap set; any other start failure is that function's error.
 */
static int module_instantiate(struct spec_ctx *c, const struct wasm_module *m,
			      struct wasm_instance **out, struct wasm_error *err,
			      const struct wasm_trap **trap)
{
	struct wasm_instance *inst;
	struct wasm_funcinst *start;
	int rc;

	*trap = NULL;
	memset(err, 0, sizeof(*err));
	rc = wasm_instantiate(c->store, m, c->linker, &inst, err);
	if (rc) {
		detail_set(c, "instantiate: %s (%s)", err->msg, err_str(rc));
		return rc;
	}
	start = wasm_instance_start_func(inst);
	if (start) {
		if ((rc = exec_get(c)))
			return rc;
		rc = wasm_invoke(c->exec, start, NULL, 0, NULL, 0);
		if (rc == ERR_TRAP) {
			*trap = wasm_exec_trap(c->exec);
			detail_set(c, "start function trapped: %s",
				   *trap ? wasm_trap_str((*trap)->kind) : "?");
			return rc;
		}
		if (rc) {
			detail_set(c, "start function: %s", err_str(rc));
			return rc;
		}
	}
	*out = inst;
	return 0;
}

/* ---- actions ---- */

enum act_status { ACT_DONE, ACT_TRAPPED, ACT_ERROR };

struct act_result {
	const struct wasm_trap *trap;
	uint32_t n;
	uint8_t *types;
	union wasm_val *vals;
};

static void act_result_free(struct act_result *r)
{
	free(r->types);
	free(r->vals);
}

static enum act_status action_run(struct spec_ctx *c, const struct spec_action *a,
				  struct act_result *r)
{
	struct wasm_instance *inst = a->module.s ? named_find(c, a->module.s) : c->current;
	const struct wasm_export *ex;
	char name[128];
	union wasm_val *args = NULL;
	struct wasm_funcinst *f;
	uint32_t nargs, nres;
	int rc;

	memset(r, 0, sizeof(*r));
	spec_name_fmt(name, sizeof(name), &a->field);
	if (!inst) {
		if (a->module.s)
			detail_set(c, "no module %s (undefined, or its module command failed)",
				   a->module.s);
		else
			detail_set(c, "no current module (the last module command failed)");
		return ACT_ERROR;
	}
	ex = wasm_module_find_export(inst->module, a->field.s, a->field.len,
				     a->is_get ? WASM_EXTERN_GLOBAL : WASM_EXTERN_FUNC);
	if (!ex) {
		detail_set(c, "no %s export \"%s\"", a->is_get ? "global" : "func", name);
		return ACT_ERROR;
	}
	if (a->is_get) {
		struct wasm_globalinst *g = inst->globals[ex->index];

		r->n = 1;
		r->types = malloc(1);
		r->vals = malloc(2 * sizeof(*r->vals));
		if (!r->types || !r->vals) {
			detail_set(c, "out of memory");
			return ACT_ERROR;
		}
		r->types[0] = spec_engine_type(g->types_of, g->type);
		r->vals[0] = g->val;
		r->vals[1].i64 = g->val_hi;
		return ACT_DONE;
	}
	f = inst->funcs[ex->index];
	if (f->type->nparams != a->nargs) {
		detail_set(c, "%s takes %u arguments, the script passes %zu", name,
			   f->type->nparams, a->nargs);
		return ACT_ERROR;
	}
	/* value arrays in entries: a v128 takes two (runtime.h) */
	nargs = wasm_types_slots(f->type->params, f->type->nparams);
	nres = wasm_types_slots(f->type->results, f->type->nresults);
	r->n = f->type->nresults;
	args = calloc(nargs + 1, sizeof(*args));
	r->types = calloc(r->n + 1, 1);
	r->vals = calloc(nres + 1, sizeof(*r->vals));
	if (!args || !r->types || !r->vals) {
		free(args);
		detail_set(c, "out of memory");
		return ACT_ERROR;
	}
	for (size_t i = 0, k = 0; i < a->nargs; k += spec_val_slots(f->type->params[i++])) {
		if (!spec_arg_to_val(&a->args[i], &args[k]) ||
		    spec_type_to_wasm(a->args[i].type) !=
			    spec_engine_type(f->type->module, f->type->params[i])) {
			free(args);
			detail_set(c, "cannot pass argument %zu to %s", i, name);
			return ACT_ERROR;
		}
	}
	for (uint32_t i = 0; i < r->n; i++)
		r->types[i] = spec_engine_type(f->type->module, f->type->results[i]);
	if ((rc = exec_get(c))) {
		free(args);
		return ACT_ERROR;
	}
	rc = wasm_invoke(c->exec, f, args, nargs, r->vals, nres);
	free(args);
	if (rc == ERR_BUSY)
		wasm_exec_abort(c->exec);
	if (rc == ERR_TRAP) {
		r->trap = wasm_exec_trap(c->exec);
		detail_set(c, "%s trapped: %s%s%s", name,
			   r->trap ? wasm_trap_str(r->trap->kind) : "?",
			   r->trap && r->trap->msg ? ": " : "",
			   r->trap && r->trap->msg ? r->trap->msg : "");
		return ACT_TRAPPED;
	}
	if (rc) {
		detail_set(c, "invoke %s: %s", name, err_str(rc));
		return ACT_ERROR;
	}
	return ACT_DONE;
}

static enum spec_outcome check_return(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct act_result r;
	enum act_status st = action_run(c, &cmd->action, &r);
	enum spec_outcome o = SPEC_FAIL;
	char want[128], got[128];

	if (st != ACT_DONE)
		goto out;
	if (r.n != cmd->nexpected) {
		detail_set(c, "returned %u values, expected %zu", r.n, cmd->nexpected);
		goto out;
	}
	o = SPEC_PASS;
	for (uint32_t i = 0, k = 0; i < r.n; k += spec_val_slots(r.types[i++])) {
		if (spec_expected_matches(&cmd->expected[i], r.types[i], &r.vals[k]))
			continue;
		spec_expected_fmt(want, sizeof(want), &cmd->expected[i]);
		spec_val_fmt(got, sizeof(got), r.types[i], &r.vals[k]);
		detail_set(c, "result %u: expected %s, got %s", i, want, got);
		o = SPEC_FAIL;
		break;
	}
out:
	act_result_free(&r);
	return o;
}

static enum spec_outcome check_trap(struct spec_ctx *c, const struct spec_command *cmd,
				    bool exhaustion)
{
	struct act_result r;
	enum act_status st = action_run(c, &cmd->action, &r);
	enum spec_outcome o = SPEC_FAIL;
	int kind;

	if (st == ACT_DONE)
		detail_set(c, "returned, expected trap \"%s\"", cmd->text.s);
	if (st != ACT_TRAPPED || !r.trap)
		goto out;
	kind = r.trap->kind;
	if (exhaustion ? kind == WASM_TRAP_CALL_STACK || kind == WASM_TRAP_VALUE_STACK
		       : spec_trap_text_matches(cmd->text.s, kind))
		o = SPEC_PASS;
	else
		detail_set(c, "expected trap \"%s\", got \"%s\"", cmd->text.s, wasm_trap_str(kind));
out:
	act_result_free(&r);
	return o;
}

/* assert_exception: the action ends with an uncaught exception (3.0). */
static enum spec_outcome check_exception(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct act_result r;
	enum act_status st = action_run(c, &cmd->action, &r);
	enum spec_outcome o = SPEC_FAIL;

	if (st == ACT_DONE)
		detail_set(c, "returned, expected an exception");
	else if (st == ACT_TRAPPED && r.trap && r.trap->kind == WASM_TRAP_EXCEPTION)
		o = SPEC_PASS;
	else if (st == ACT_TRAPPED && r.trap)
		detail_set(c, "expected an exception, got trap \"%s\"",
			   wasm_trap_str(r.trap->kind));
	act_result_free(&r);
	return o;
}

/* ---- commands ---- */

/* Instantiates module m as the current instance, named `name` if given. */
static enum spec_outcome instance_make(struct spec_ctx *c, const struct wasm_module *m,
				       const char *name, const char *fallback)
{
	struct wasm_instance *inst;
	struct wasm_error err;
	const struct wasm_trap *trap;

	c->current = NULL;
	if (module_instantiate(c, m, &inst, &err, &trap))
		return SPEC_FAIL;
	inst->name = name ? name : fallback;
	c->current = inst;
	if (name && named_bind(c, name, inst, NULL)) {
		detail_set(c, "out of memory");
		return SPEC_FAIL;
	}
	return SPEC_PASS;
}

/* (module ...): loaded and instantiated; (module definition $M? ...):
 * loaded only, for `module instance` commands. */
static enum spec_outcome run_module(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct wasm_module *m;
	struct wasm_error err;

	if (!cmd->definition)
		c->current = NULL;
	if (module_load(c, cmd, &m, &err))
		return SPEC_FAIL;
	if (!cmd->definition)
		return instance_make(c, m, cmd->name.s, cmd->filename.s);
	c->last_def = m;
	if (cmd->name.s && named_bind(c, cmd->name.s, NULL, m)) {
		detail_set(c, "out of memory");
		return SPEC_FAIL;
	}
	return SPEC_PASS;
}

/* (module instance $I? $M?): a new instance of definition $M, or of the
 * last one. */
static enum spec_outcome run_instance(struct spec_ctx *c, const struct spec_command *cmd)
{
	const struct named *n = cmd->def.s ? named_get(c, cmd->def.s, true) : NULL;
	const struct wasm_module *m = cmd->def.s ? (n ? n->def : NULL) : c->last_def;

	if (!m) {
		c->current = NULL;
		detail_set(c, "no module definition %s (undefined, or its command failed)",
			   cmd->def.s ? cmd->def.s : "before this command");
		return SPEC_FAIL;
	}
	return instance_make(c, m, cmd->name.s, cmd->def.s);
}

static enum spec_outcome run_register(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct wasm_instance *inst = cmd->name.s ? named_find(c, cmd->name.s) : c->current;
	int rc;

	if (!inst) {
		detail_set(c, "no module %s to register (its module command failed)",
			   cmd->name.s ? cmd->name.s : "(current)");
		return SPEC_FAIL;
	}
	rc = wasm_linker_define_instance(c->linker, cmd->as.s, inst);
	if (rc)
		detail_set(c, "register: %s", err_str(rc));
	return rc ? SPEC_FAIL : SPEC_PASS;
}

static enum spec_outcome run_rejected(struct spec_ctx *c, const struct spec_command *cmd)
{
	int want = cmd->kind == SPEC_CMD_ASSERT_INVALID ? ERR_INVALID : ERR_MALFORMED;
	struct wasm_module *m;
	struct wasm_error err;
	int rc = module_load(c, cmd, &m, &err);

	if (rc == want)
		return SPEC_PASS;
	/* rejected for the wrong reason (malformed for invalid or the
	 * reverse): a failure, with the engine's reason kept in the detail */
	if (rc == ERR_INVALID || rc == ERR_MALFORMED) {
		char why[DETAIL_LEN / 2];

		fmt_snprintf(why, sizeof(why), "%s", c->detail);
		detail_set(c, "expected %s \"%s\", got %s",
			   want == ERR_INVALID ? "invalid" : "malformed", cmd->text.s, why);
	} else if (rc == 0) {
		detail_set(c, "module accepted, expected %s \"%s\"",
			   want == ERR_INVALID ? "invalid" : "malformed", cmd->text.s);
	}
	return SPEC_FAIL;
}

static enum spec_outcome run_unlinkable(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct wasm_module *m;
	struct wasm_instance *inst;
	struct wasm_error err;
	const struct wasm_trap *trap;
	int rc;

	if (module_load(c, cmd, &m, &err))
		return SPEC_FAIL;
	rc = module_instantiate(c, m, &inst, &err, &trap);
	if (rc == ERR_LINK)
		return SPEC_PASS;
	if (rc == 0)
		detail_set(c, "instantiated, expected link error \"%s\"", cmd->text.s);
	return SPEC_FAIL;
}

/* assert_uninstantiable (wast2json's form of assert_trap on a module): a
 * segment out of bounds at instantiation (ERR_TRAP) or a trapping start
 * function. */
static enum spec_outcome run_uninstantiable(struct spec_ctx *c, const struct spec_command *cmd)
{
	struct wasm_module *m;
	struct wasm_instance *inst;
	struct wasm_error err;
	const struct wasm_trap *trap;
	int rc;

	if (module_load(c, cmd, &m, &err))
		return SPEC_FAIL;
	rc = module_instantiate(c, m, &inst, &err, &trap);
	if (rc == 0) {
		detail_set(c, "instantiated, expected trap \"%s\"", cmd->text.s);
		return SPEC_FAIL;
	}
	if (rc != ERR_TRAP)
		return SPEC_FAIL;
	if (trap ? spec_trap_text_matches(cmd->text.s, trap->kind) : has_text(err.msg, cmd->text.s))
		return SPEC_PASS;
	detail_set(c, "expected trap \"%s\", got \"%s\"", cmd->text.s,
		   trap ? wasm_trap_str(trap->kind) : err.msg);
	return SPEC_FAIL;
}

/* assert_exception: the action must end in an exception that no handler
 * caught. The engine has no exception handling yet, so nothing it returns
 * is one: the assertion fails, saying what happened instead. */

/* What the runner cannot run (and so must be listed in the skip file):
 * text modules. NULL if it can. */
static const char *cannot_run(const struct spec_command *cmd)
{
	if (cmd->text_module)
		return "a text-format module (no text parser)";
	return NULL;
}

static long skip_find(const struct spec_run_opts *o, const struct spec_command *cmd)
{
	for (size_t i = 0; o->skips && i < o->skips->n; i++) {
		const struct spec_skip *k = &o->skips->v[i];

		if (k->kind == SPEC_SKIP_TEXT_MALFORMED) {
			if (cmd->kind == SPEC_CMD_ASSERT_MALFORMED && cmd->text_module)
				return (long)i;
			continue;
		}
		if (strcmp(k->file, o->file) != 0)
			continue;
		if (k->kind == SPEC_SKIP_FILE || k->line == cmd->line)
			return (long)i;
	}
	return -1;
}

static enum spec_outcome run_command(struct spec_ctx *c, const struct spec_command *cmd)
{
	const char *why = cannot_run(cmd);

	if (why) {
		detail_set(c, "cannot run %s, and skip.txt does not list it", why);
		return SPEC_FAIL;
	}
	switch (cmd->kind) {
	case SPEC_CMD_MODULE:
		return run_module(c, cmd);
	case SPEC_CMD_REGISTER:
		return run_register(c, cmd);
	case SPEC_CMD_ACTION: {
		struct act_result r;
		enum act_status st = action_run(c, &cmd->action, &r);

		act_result_free(&r);
		return st == ACT_DONE ? SPEC_PASS : SPEC_FAIL;
	}
	case SPEC_CMD_ASSERT_RETURN:
		return check_return(c, cmd);
	case SPEC_CMD_ASSERT_TRAP:
		return check_trap(c, cmd, false);
	case SPEC_CMD_ASSERT_EXHAUSTION:
		return check_trap(c, cmd, true);
	case SPEC_CMD_ASSERT_INVALID:
	case SPEC_CMD_ASSERT_MALFORMED:
		return run_rejected(c, cmd);
	case SPEC_CMD_ASSERT_UNLINKABLE:
		return run_unlinkable(c, cmd);
	case SPEC_CMD_ASSERT_UNINSTANTIABLE:
		return run_uninstantiable(c, cmd);
	case SPEC_CMD_ASSERT_EXCEPTION:
		return check_exception(c, cmd);
	case SPEC_CMD_MODULE_INSTANCE:
		return run_instance(c, cmd);
	case SPEC_CMD_ERROR:
		detail_set(c, "cannot read this command: %s", cmd->refused ? cmd->refused : "?");
		return SPEC_FAIL;
	}
	detail_set(c, "unknown command");
	return SPEC_FAIL;
}

int spec_script_run(const struct spec_script *s, const struct spec_run_opts *o)
{
	struct spec_ctx c = {.script = s, .opts = o};
	int rc;

	if ((rc = wasm_store_new(o->store, &c.store)))
		return rc;
	if ((rc = wasm_linker_new(c.store, &c.linker)) || (rc = define_spectest(&c)))
		goto out;
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct spec_command *cmd = &s->cmds[i];
		long skip = skip_find(o, cmd);
		enum spec_outcome res;

		c.detail[0] = 0;
		res = skip >= 0 ? SPEC_SKIPPED : run_command(&c, cmd);
		o->report(o->report_arg, i, res, skip, c.detail);
	}
out:
	wasm_store_free(c.store);
	for (size_t i = 0; i < c.nmods; i++)
		wasm_module_free(c.mods[i]);
	free(c.mods);
	free(c.named);
	return rc;
}
