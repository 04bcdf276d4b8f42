/*
 * wasm_exn_test.c - exception handling (3.0) through the runtime API: the
 * feature switch, traps that no handler catches, an uncaught exception as
 * the embedder sees it (tag and payload), and exceptions meeting host
 * frames (a host function calling back into WebAssembly on another exec,
 * then passing the exception on or turning it into a trap).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"

static const char exn_wat[] =
	"(module"
	"  (import \"env\" \"host\" (func $host (param i32) (result i32)))"
	"  (tag $e (export \"e\") (param i32))"
	"  (func $thrower (export \"thrower\") (param i32) (result i32)"
	"    (throw $e (local.get 0)))"
	"  (func (export \"uncaught\") (result i32) (call $thrower (i32.const 42)))"
	"  (func (export \"trap-not-caught\") (result i32)"
	"    (block $h (try_table (catch_all $h) (unreachable))) (i32.const 7))"
	"  (func (export \"via-host\") (param i32) (result i32)"
	"    (block $h (result i32)"
	"      (try_table (result i32) (catch $e $h) (call $host (local.get 0)))"
	"      (return))"
	"    (i32.add (i32.const 1000)))"
	"  (func (export \"nested\") (result i32)"
	"    (block $outer (result i32)"
	"      (try_table (result i32) (catch $e $outer)"
	"        (block $inner (result exnref)"
	"          (try_table (result i32) (catch_all_ref $inner) (call $thrower (i32.const 5)))"
	"          (return))"
	"        (throw_ref))))"
	")";

struct host_ctx {
	struct wasm_funcinst *thrower;
	struct wasm_exec *inner;
	bool pass_on; /* WASM_HOST_THROW; else WASM_HOST_TRAP */
};

/* Calls back into `thrower` on a second exec; its uncaught exception is
 * passed on or becomes a trap. */
static int host_fn(struct wasm_host_call *c, union wasm_val *vals)
{
	struct host_ctx *h = c->arg;
	union wasm_val r;
	int rc = wasm_invoke(h->inner, h->thrower, vals, 1, &r, 1);
	const struct wasm_exn *e = wasm_exec_exception(h->inner);

	if (rc == 0) {
		vals[0] = r;
		return WASM_HOST_OK;
	}
	if (e && h->pass_on) {
		c->exn = e;
		return WASM_HOST_THROW;
	}
	c->trap_msg = "exception turned into a trap";
	return WASM_HOST_TRAP;
}

struct fixture {
	uint8_t *bin;
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
	struct host_ctx host;
};

static bool setup(struct test_ctx *t, struct fixture *f)
{
	size_t len;
	struct wat_error we;
	struct wasm_error err;
	struct wasm_extern e;

	memset(f, 0, sizeof(*f));
	if (!EXPECT_OK(wat_encode(exn_wat, strlen(exn_wat), &f->bin, &len, &we))) {
		test_printf(t, "%u:%u: %s\n", we.line, we.col, we.msg);
		return false;
	}
	if (!EXPECT_OK(wasm_module_load(f->bin, len, &f->m, &err))) {
		test_printf(t, "load: %s\n", err.msg);
		return false;
	}
	if (!EXPECT_OK(wasm_store_new(NULL, &f->s)) || !EXPECT_OK(wasm_linker_new(f->s, &f->l)) ||
	    !EXPECT_OK(wasm_linker_define_func(f->l, "env", "host", "i:i", host_fn, &f->host)) ||
	    !EXPECT_OK(wasm_instantiate(f->s, f->m, f->l, &f->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(f->s, NULL, &f->x)) ||
	    !EXPECT_OK(wasm_exec_new(f->s, NULL, &f->host.inner)) ||
	    !EXPECT_OK(wasm_instance_export(f->inst, "thrower", &e)))
		return false;
	f->host.thrower = e.u.func;
	return true;
}

static void teardown(struct fixture *f)
{
	wasm_store_free(f->s);
	wasm_module_free(f->m);
	free(f->bin);
}

static int call(struct fixture *f, const char *name, uint32_t arg, uint32_t nargs, uint32_t *out)
{
	struct wasm_extern e;
	union wasm_val a = {.i64 = arg}, r = {.i64 = 0};
	int rc = wasm_instance_export(f->inst, name, &e);

	if (rc)
		return rc;
	rc = wasm_invoke(f->x, e.u.func, &a, nargs, &r, 1);
	*out = r.i32;
	return rc;
}

TEST(wasm_exn, feature_off_is_malformed)
{
	uint8_t *bin;
	size_t len;
	struct wat_error we;
	struct wasm_error err;
	struct wasm_module *m = NULL;
	struct wasm_load_opts o = {.features_off = WASM_FEAT_EXCEPTIONS};
	static const char body_only[] = "(module (func (try_table)))";

	if (!EXPECT_OK(wat_encode(exn_wat, strlen(exn_wat), &bin, &len, &we)))
		return;
	EXPECT_EQ(wasm_module_load_opts(bin, len, &o, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, wasm_feature_name(WASM_FEAT_EXCEPTIONS)) != NULL);
	free(bin);
	/* an instruction alone (no tag) */
	if (!EXPECT_OK(wat_encode(body_only, strlen(body_only), &bin, &len, &we)))
		return;
	EXPECT_EQ(wasm_module_load_opts(bin, len, &o, &m, &err), ERR_MALFORMED);
	EXPECT(strstr(err.msg, wasm_feature_name(WASM_FEAT_EXCEPTIONS)) != NULL);
	EXPECT_OK(wasm_module_load(bin, len, &m, &err));
	wasm_module_free(m);
	free(bin);
	/* an exnref anywhere a type is written, with no exception
	 * instruction: malformed too, and it loads with the feature on */
	static const char *const types[] = {
		"(module (func (param exnref)))",
		"(module (func (local exnref)))",
		"(module (func (block (result exnref) unreachable) drop))",
		"(module (func (drop (ref.null exn))))",
		"(module (func unreachable (select (result exnref)) drop))",
		"(module (global exnref (ref.null exn)))",
		"(module (table 1 exnref))",
		"(module (type (func (result exnref))))",
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!EXPECT_OK(wat_encode(types[i], strlen(types[i]), &bin, &len, &we)))
			continue;
		m = NULL;
		if (!EXPECT_EQ(wasm_module_load_opts(bin, len, &o, &m, &err), ERR_MALFORMED) ||
		    !EXPECT(strstr(err.msg, wasm_feature_name(WASM_FEAT_EXCEPTIONS)) != NULL))
			test_printf(t, "%s: %s\n", types[i], m ? "loaded" : err.msg);
		wasm_module_free(m);
		if (EXPECT_OK(wasm_module_load(bin, len, &m, &err)))
			wasm_module_free(m);
		free(bin);
	}
}

TEST(wasm_exn, uncaught_exception_reaches_the_embedder)
{
	struct fixture f;
	struct wasm_extern tag;
	const struct wasm_exn *e;
	uint32_t r;

	if (setup(t, &f)) {
		EXPECT_EQ(call(&f, "uncaught", 0, 0, &r), ERR_TRAP);
		EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_EXCEPTION);
		EXPECT(wasm_exec_trap(f.x)->nframes >= 2); /* the throw's backtrace */
		e = wasm_exec_exception(f.x);
		EXPECT_OK(wasm_instance_export(f.inst, "e", &tag));
		if (EXPECT(e != NULL)) {
			EXPECT(e->tag == tag.u.tag);
			EXPECT_EQ_U(e->nvals, 1);
			EXPECT_EQ_U(e->vals[0].i32, 42);
		}
		/* the exec and instance stay usable */
		EXPECT_OK(call(&f, "nested", 0, 0, &r));
		EXPECT_EQ_U(r, 5);
	}
	teardown(&f);
}

TEST(wasm_exn, traps_are_never_caught)
{
	struct fixture f;
	uint32_t r;

	if (setup(t, &f)) {
		EXPECT_EQ(call(&f, "trap-not-caught", 0, 0, &r), ERR_TRAP);
		EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_UNREACHABLE);
		EXPECT(wasm_exec_exception(f.x) == NULL);
	}
	teardown(&f);
}

TEST(wasm_exn, exception_through_a_host_frame)
{
	struct fixture f;
	uint32_t r;

	if (setup(t, &f)) {
		/* passed on: the caller's try_table catches it */
		f.host.pass_on = true;
		EXPECT_OK(call(&f, "via-host", 9, 1, &r));
		EXPECT_EQ_U(r, 1009);
		/* made a trap by the host: catch clauses do not see it */
		f.host.pass_on = false;
		EXPECT_EQ(call(&f, "via-host", 9, 1, &r), ERR_TRAP);
		EXPECT_EQ(wasm_exec_trap(f.x)->kind, WASM_TRAP_HOST);
	}
	teardown(&f);
}
