/*
 * wasm_diff_fuzz.c - differential testing: one generated valid module
 * (wasm_gen.h) run by two configurations of the engine, which must agree.
 *
 *   input ──wasm_gen_module──> module ──┬─ store A: interpreter, checked memory,
 *     (rest of the input: the calls     │           lazy translation
 *      and their arguments)             └─ store B: interpreter, guarded memory,
 *                                                   eager translation
 *                                          (WASM_DIFF_B=guarded, the default)
 *
 * Each export is called (then a few more, chosen by the input) with the
 * same arguments in both stores, each call on a fresh exec, with the
 * "budget" global reset first; after each call the two must agree on:
 *  - the outcome: returned, or trapped with the same kind (and, between two
 *    interpreters, the same backtrace);
 *  - the results, bit for bit (funcrefs compared as function indices; a
 *    v128 as its two 8-byte halves, the entries the API passes it in);
 *  - the state: every memory's size and a hash of its bytes, every global
 *    (both halves of a v128), both tables, and the dropped segments.
 * NaN results may differ in sign and payload only where the spec lets them
 * (WASM_DIFF_NAN=relaxed, for a compiler tier: both must then be NaNs of
 * the same class, canonical or arithmetic); otherwise bits must match.
 *
 * A runs each call in one wasm_run; B in slices (a budget of DIFF_BUDGET
 * units, then a yield request before each resumption, so it stops at every
 * back-edge or call after the first slice): suspending and resuming must
 * change nothing. Interpreters run with fuel (the same in both, so fuel
 * traps agree too); generated loops and calls are bounded anyway
 * (wasm_gen.h). A call that suspends more than DIFF_MAX_RESUMES times is
 * abandoned, reported as hung.
 *
 * wasm_diff_check() returns what it found; LLVMFuzzerTestOneInput aborts on
 * a mismatch so libFuzzer keeps the input. The driver wasm_diff_main.c runs
 * the same check over seeds or files without libFuzzer (and under
 * qemu-riscv64). Mismatches found are kept in tests/fuzz/regress/wasm_diff/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/host/runtime_host.h"
/* the compiler tier's host memory, once it exists in the tree */
#if defined(__has_include)
#if __has_include("wasm/host/code_host.h")
#include "wasm/host/code_host.h"
#define DIFF_HAVE_JIT 1
#endif
#endif
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/runtime.h"
#include "wasm/runtime/runtime_store.h" /* the GC heap's counts */

#include "wasm_diff.h"
#include "wasm_gen.h"

#define DIFF_FUEL	 2000000
#define DIFF_BUDGET	 61 /* small and odd: suspensions land all over the code */
#define DIFF_MAX_RESUMES 200000
#define DIFF_MAX_CALLS	 24
#define DIFF_MAX_VALS	 8
#define DIFF_GC_BYTES	 (8 * 1024) /* small: collections mid-call, and traps */

enum diff_status { DIFF_DONE, DIFF_TRAPPED, DIFF_HUNG, DIFF_NOEXEC };

struct diff_side {
	const char *name;
	struct wasm_store *s;
	struct wasm_instance *inst;
	struct wasm_globalinst *budget;
	bool fuel;
	bool sliced; /* run in slices with yield requests (B) */
};

struct diff_outcome {
	int status; /* enum diff_status */
	int trap;
	uint32_t nframes;
	struct wasm_trap_frame frames[WASM_TRAP_MAX_FRAMES];
	uint32_t resumes;
	uint32_t nres;
	uint64_t res[DIFF_MAX_VALS]; /* as diff_val gives them */
	uint64_t state;
};

/* ---- configurations ---- */

enum wasm_diff_mode wasm_diff_mode(void)
{
	const char *b = getenv("WASM_DIFF_B");

	if (b && !strcmp(b, "jit"))
		return WASM_DIFF_JIT;
	if (b && !strcmp(b, "checked"))
		return WASM_DIFF_CHECKED;
	return WASM_DIFF_GUARDED;
}

uint32_t wasm_diff_features(void)
{
	const char *f = getenv("WASM_DIFF_FEATURES");
	uint32_t bits;

	if (!f || !*f)
		return WASM_GEN_FEATURES_ALL;
	if (!strcmp(f, "base"))
		return WASM_GEN_FEATURES_BASE;
	if (wasm_feature_parse(f, &bits) != 0)
		return UINT32_MAX;
	return bits & WASM_GEN_FEATURES_ALL;
}

static bool diff_nan_relaxed(void)
{
	const char *n = getenv("WASM_DIFF_NAN");

	return n && !strcmp(n, "relaxed");
}

/* Store and instance of one side: checked memory (A), guarded (B), or the
 * compiler (B, WASM_DIFF_JIT); B's interpreter translates eagerly. */
/* Counts the compiler's work in the stats (a translate hook). */
static void diff_on_translate(void *arg, const struct wasm_translate_info *ti)
{
	struct wasm_diff_stats *st = arg;

	/* a refused function is reported again with its interpreted form */
	st->compiled += ti->compiled;
	st->refused += ti->refused;
}

static int diff_side_new(struct diff_side *sd, const char *name, enum wasm_diff_mode mode,
			 bool is_b, const struct wasm_module *m, struct wasm_diff_stats *stats,
			 char *why, size_t len)
{
	struct wasm_store_config cfg;
	struct wasm_error err;

	memset(sd, 0, sizeof(*sd));
	sd->name = name;
	sd->fuel = mode != WASM_DIFF_JIT;
	wasm_runtime_host_config(mode == WASM_DIFF_CHECKED, &cfg, NULL);
	cfg.eager_code = is_b && mode != WASM_DIFF_JIT;
	if (mode == WASM_DIFF_JIT) {
#ifdef DIFF_HAVE_JIT
		cfg.code_mem = wasm_code_host();
		cfg.stack_mem = wasm_stack_host();
#endif
		if (!cfg.code_mem || !cfg.stack_mem) {
			snprintf(why, len, "%s: no compiler tier in this build (riscv64 only)",
				 name);
			return -1;
		}
		if (stats)
			cfg.translate_hook = (struct wasm_translate_hook){.done = diff_on_translate,
									  .arg = stats};
	}
	cfg.max_memory_pages = WASM_GEN_MAX_PAGES;
	cfg.max_table_elems = WASM_GEN_MAX_TABLE;
	cfg.max_gc_bytes = DIFF_GC_BYTES;
	if (wasm_store_new(&cfg, &sd->s) != 0) {
		snprintf(why, len, "%s: no store", name);
		return -1;
	}
	if (wasm_instantiate(sd->s, m, NULL, &sd->inst, &err) != 0) {
		snprintf(why, len, "%s: instantiation failed: %s", name, err.msg);
		return -1;
	}
	sd->budget = sd->inst->globals[0];
	return 0;
}

/* ---- values and state ---- */

static uint64_t diff_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* Whether a reference of kind `type` (wasm_type_kind) is of the any
 * hierarchy (GC). */
static bool diff_is_gc(uint8_t type)
{
	return type == WASM_HEAP_ANY || type == WASM_HEAP_EQ || type == WASM_HEAP_I31 ||
	       type == WASM_HEAP_STRUCT || type == WASM_HEAP_ARRAY || type == WASM_HEAP_NONE;
}

/* A reference as something both stores share: a function's index + 1, an
 * externref's own value (the harness made it), an i31 as itself, any GC
 * object as 4 (its address is the store's), 0 for null. */
static uint64_t diff_ref(uint8_t type, uintptr_t ref)
{
	if (!ref || type == WASM_TYPE_EXTERNREF)
		return ref;
	if (diff_is_gc(type))
		return wasm_ref_is_i31(ref) ? ref : 4;
	return (uint64_t)((const struct wasm_funcinst *)ref)->index + 1;
}

static uint64_t diff_val(uint8_t type, union wasm_val v)
{
	switch (type) {
	case WASM_TYPE_I32:
	case WASM_TYPE_F32:
		return v.i32;
	case WASM_TYPE_I64:
	case WASM_TYPE_F64:
	case WASM_TYPE_V128: /* bytes 0-7 (a global's; its val_hi apart) */
		return v.i64;
	default:
		return diff_ref(type, v.ref);
	}
}

/* Memory, globals, tables and dropped segments, hashed. */
static uint64_t diff_state(const struct diff_side *sd)
{
	const struct wasm_instance *inst = sd->inst;
	const struct wasm_module *m = inst->module;
	uint64_t h = 0;

	for (uint32_t i = 0; i < m->nmems; i++) {
		const struct wasm_memory *mem = inst->mems[i];

		h = diff_mix(h, mem->pages);
		for (uint64_t k = 0; k + 8 <= mem->size_bytes; k += 8) {
			uint64_t w;

			memcpy(&w, mem->base + k, 8);
			if (w)
				h = diff_mix(h, w ^ k);
		}
	}
	for (uint32_t i = 0; i < m->nglobals; i++) {
		h = diff_mix(h, diff_val(inst->globals[i]->type, inst->globals[i]->val));
		h = diff_mix(h, inst->globals[i]->val_hi);
	}
	for (uint32_t i = 0; i < m->ntables; i++) {
		const struct wasm_tableinst *t = inst->tables[i];

		h = diff_mix(h, t->size);
		for (uint32_t k = 0; k < t->size; k++)
			h = diff_mix(h, diff_ref(t->elem_type, t->elems[k]));
	}
	for (uint32_t i = 0; i < m->ndatas; i++)
		h = diff_mix(h, inst->data_dropped[i]);
	for (uint32_t i = 0; i < m->nelems; i++)
		h = diff_mix(h, inst->elem_dropped[i]);
	return h;
}

/* The value array entries of types ts[0..n) (wasm/runtime.h): a v128 as
 * two i64 halves; their number (at most DIFF_MAX_VALS for generated
 * functions). */
static uint32_t diff_slot_types(const uint32_t *ts, uint32_t n, uint8_t *out)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < n && k < DIFF_MAX_VALS; i++) {
		if (ts[i] == WASM_TYPE_V128 && k + 1 < DIFF_MAX_VALS) {
			out[k++] = WASM_TYPE_I64;
			out[k++] = WASM_TYPE_I64;
		} else {
			/* a typed reference: its 2.0 kind */
			out[k++] = wasm_type_kind(ts[i]);
		}
	}
	return k;
}

/* Arguments (np entries of slot types pt) as both stores read them:
 * numbers as bits, a funcref as a function index + 1, an externref as a
 * small host value (0: null). */
static void diff_args(struct wasm_gen_input *in, const uint8_t *pt, uint32_t np, uint64_t nfuncs,
		      uint64_t *abstract)
{
	static const uint64_t edges[] = {0,
					 1,
					 ~0ull,
					 0x80000000ull,
					 0x7fffffffull,
					 1ull << 63,
					 0x7fc00000ull,
					 0xff800000ull,
					 0x7ff8000000000000ull,
					 0x8000000000000000ull,
					 0x4f000000ull,
					 0x43e0000000000000ull};

	for (uint32_t i = 0; i < np; i++) {
		uint32_t k = wasm_gen_choose(in, 4);
		uint8_t t = pt[i];

		if (t == WASM_TYPE_FUNCREF)
			abstract[i] = wasm_gen_choose(in, (uint32_t)nfuncs + 1);
		else if (t == WASM_TYPE_EXTERNREF)
			abstract[i] = wasm_gen_choose(in, 4);
		else if (diff_is_gc(t)) /* null or an i31 */
			abstract[i] = k ? wasm_ref_i31((uint32_t)wasm_gen_bits(in, 4)) : 0;
		else if (k == 1)
			abstract[i] = edges[wasm_gen_choose(in, sizeof(edges) / sizeof(edges[0]))];
		else if (k >= 2)
			abstract[i] =
				wasm_gen_bits(in, t == WASM_TYPE_I32 || t == WASM_TYPE_F32 ? 4 : 8);
		else
			abstract[i] = 0;
	}
}

static void diff_args_for(const struct diff_side *sd, const uint8_t *pt, uint32_t np,
			  const uint64_t *abstract, union wasm_val *args)
{
	for (uint32_t i = 0; i < np; i++) {
		memset(&args[i], 0, sizeof(args[i]));
		switch (pt[i]) {
		case WASM_TYPE_I32:
		case WASM_TYPE_F32:
			args[i].i32 = (uint32_t)abstract[i];
			break;
		case WASM_TYPE_FUNCREF:
			args[i].ref = abstract[i] ? (uintptr_t)sd->inst->funcs[abstract[i] - 1] : 0;
			break;
		case WASM_TYPE_EXTERNREF:
			args[i].ref = (uintptr_t)abstract[i];
			break;
		default:
			args[i].i64 = abstract[i];
			break;
		}
	}
}

/* ---- one call ---- */

static void diff_call(struct diff_side *sd, uint32_t func, const uint64_t *abstract,
		      struct diff_outcome *o)
{
	struct wasm_funcinst *f = sd->inst->funcs[func];
	struct wasm_exec_limits lim = {.max_call_depth = 256, .fuel = sd->fuel ? DIFF_FUEL : 0};
	union wasm_val args[DIFF_MAX_VALS];
	uint8_t pt[DIFF_MAX_VALS], rt[DIFF_MAX_VALS];
	uint32_t np = diff_slot_types(f->type->params, f->type->nparams, pt);
	uint32_t nr = diff_slot_types(f->type->results, f->type->nresults, rt);
	struct wasm_exec *x;

	memset(o, 0, sizeof(*o));
	diff_args_for(sd, pt, np, abstract, args);
	sd->budget->val.i32 = WASM_GEN_CALL_BUDGET;
	if (wasm_exec_new(sd->s, &lim, &x) != 0 || wasm_exec_call(x, f, args, np) != 0) {
		o->status = DIFF_NOEXEC;
		return;
	}
	for (;;) {
		enum wasm_run_status st = wasm_run(x, sd->sliced ? DIFF_BUDGET : UINT64_MAX);

		if (st == WASM_RUN_SUSPENDED) {
			if (++o->resumes > DIFF_MAX_RESUMES) {
				wasm_exec_abort(x);
				o->status = DIFF_HUNG;
				break;
			}
			/* compiled code may not count units: ask it to stop at
			 * its next back-edge or call instead */
			if (sd->sliced)
				wasm_exec_request_yield(x);
			continue;
		}
		if (st == WASM_RUN_DONE) {
			const union wasm_val *res = wasm_exec_results(x, &o->nres);

			o->status = DIFF_DONE;
			if (o->nres != nr || o->nres > DIFF_MAX_VALS)
				abort();
			for (uint32_t i = 0; i < o->nres; i++)
				o->res[i] = diff_val(rt[i], res[i]);
		} else if (st == WASM_RUN_TRAPPED) {
			const struct wasm_trap *t = wasm_exec_trap(x);

			o->status = DIFF_TRAPPED;
			o->trap = t->kind;
			o->nframes = t->nframes;
			memcpy(o->frames, t->frames, t->nframes * sizeof(t->frames[0]));
		} else {
			abort();
		}
		break;
	}
	wasm_exec_free(x);
	o->state = diff_state(sd);
}

/* ---- comparison ---- */

static bool diff_is_nan(uint8_t t, uint64_t v)
{
	if (t == WASM_TYPE_F32)
		return (v & 0x7f800000u) == 0x7f800000u && (v & 0x007fffffu);
	return (v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0x000fffffffffffffull);
}

/* NaN classes (spec "canonical" and "arithmetic" NaNs, sign ignored). */
static int diff_nan_class(uint8_t t, uint64_t v)
{
	uint64_t payload = t == WASM_TYPE_F32 ? v & 0x007fffffu : v & 0x000fffffffffffffull;
	uint64_t quiet = t == WASM_TYPE_F32 ? 0x00400000u : 0x0008000000000000ull;

	if (payload == quiet)
		return 1;
	return payload & quiet ? 2 : 3;
}

static bool diff_same_val(uint8_t t, uint64_t a, uint64_t b, bool relaxed)
{
	if (a == b)
		return true;
	if (relaxed && (t == WASM_TYPE_F32 || t == WASM_TYPE_F64) && diff_is_nan(t, a) &&
	    diff_is_nan(t, b))
		return diff_nan_class(t, a) == diff_nan_class(t, b);
	return false;
}

static const char *diff_status_str(int st)
{
	static const char *const s[] = {"returned", "trapped", "hung", "no exec"};

	return s[st];
}

static void diff_print(FILE *out, const char *name, const struct diff_outcome *o)
{
	fprintf(out, "  %s: %s", name, diff_status_str(o->status));
	if (o->status == DIFF_TRAPPED) {
		fprintf(out, " (%s)", wasm_trap_str(o->trap));
		for (uint32_t i = 0; i < o->nframes; i++)
			fprintf(out, " #%u f%u@0x%x", i, o->frames[i].func, o->frames[i].offset);
	}
	for (uint32_t i = 0; i < o->nres; i++)
		fprintf(out, " %s0x%llx", i ? "" : "results ", (unsigned long long)o->res[i]);
	fprintf(out, " state %016llx\n", (unsigned long long)o->state);
}

/* What differs between a and b (results of slot types rt), or NULL. */
static const char *diff_compare(const uint8_t *rt, const struct diff_outcome *a,
				const struct diff_outcome *b, bool exact_traps, bool relaxed)
{
	if (a->status != b->status)
		return "outcome";
	if (a->status == DIFF_TRAPPED) {
		if (a->trap != b->trap)
			return "trap kind";
		if (exact_traps &&
		    (a->nframes != b->nframes ||
		     memcmp(a->frames, b->frames, a->nframes * sizeof(a->frames[0])) != 0))
			return "backtrace";
	}
	for (uint32_t i = 0; a->status == DIFF_DONE && i < a->nres; i++)
		if (!diff_same_val(rt[i], a->res[i], b->res[i], relaxed))
			return "result";
	if (a->state != b->state)
		return "state (memory, globals, tables or segments)";
	return NULL;
}

/* Backtrace frames name the instance: compare them as if of one. */
static void diff_frames_strip(struct diff_outcome *o)
{
	for (uint32_t i = 0; i < o->nframes; i++)
		o->frames[i].inst = NULL;
}

static void diff_count(struct wasm_diff_stats *st, const struct diff_outcome *o)
{
	if (!st)
		return;
	st->calls++;
	if (o->status == DIFF_DONE)
		st->returned++;
	else if (o->status == DIFF_HUNG)
		st->hung++;
	else if (o->status == DIFF_TRAPPED && (uint32_t)o->trap < 32)
		st->traps[o->trap]++;
}

static const char *const diff_b_name[] = {
	[WASM_DIFF_CHECKED] = "B (interpreter, checked memory)",
	[WASM_DIFF_GUARDED] = "B (interpreter, guarded memory)",
	[WASM_DIFF_JIT] = "B (compiler)",
};

int wasm_diff_check(const uint8_t *data, size_t size, FILE *report, struct wasm_diff_stats *stats)
{
	static uint8_t bin[WASM_GEN_MAX_MODULE];
	struct wasm_gen_input in = {.data = data, .len = size};
	enum wasm_diff_mode mode = wasm_diff_mode();
	uint32_t features = wasm_diff_features();
	struct wasm_load_opts lo = {.features_off = WASM_GEN_FEATURES_ALL & ~features};
	bool relaxed = diff_nan_relaxed();
	struct diff_side a, b;
	struct wasm_module *m = NULL;
	struct wasm_error err;
	char why[160] = "";
	int result = WASM_DIFF_SAME;
	size_t n;
	uint32_t ncalls;

	if (features == UINT32_MAX) {
		if (report)
			fprintf(report, "WASM_DIFF_FEATURES: unknown feature\n");
		return WASM_DIFF_SETUP;
	}
	n = wasm_gen_module_with(&in, bin, sizeof(bin), NULL, features);
	if (n == 0 || wasm_module_load_opts(bin, n, &lo, &m, &err) != 0) {
		if (report)
			fprintf(report, "generated module does not load: %s\n",
				n ? err.msg : "no room");
		return WASM_DIFF_BAD_MODULE;
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (diff_side_new(&a, "A (interpreter, checked memory)", WASM_DIFF_CHECKED, false, m, NULL,
			  why, sizeof(why)) ||
	    diff_side_new(&b, diff_b_name[mode], mode, true, m, stats, why, sizeof(why))) {
		if (report)
			fprintf(report, "%s\n", why);
		result = WASM_DIFF_SETUP;
		goto out;
	}
	b.sliced = true;
	if (stats)
		stats->modules++;
	ncalls = m->nfuncs + wasm_gen_choose(&in, DIFF_MAX_CALLS - m->nfuncs);
	for (uint32_t c = 0; c < ncalls; c++) {
		uint32_t func = c < m->nfuncs ? c : wasm_gen_choose(&in, m->nfuncs);
		const struct wasm_functype *ft = &m->types[m->funcs[func].type];
		uint64_t abstract[DIFF_MAX_VALS];
		uint8_t pt[DIFF_MAX_VALS], rt[DIFF_MAX_VALS];
		uint32_t np = diff_slot_types(ft->params, ft->nparams, pt);
		struct diff_outcome oa, ob;
		const char *what;

		diff_slot_types(ft->results, ft->nresults, rt);
		diff_args(&in, pt, np, m->nfuncs, abstract);
		diff_call(&a, func, abstract, &oa);
		diff_call(&b, func, abstract, &ob);
		diff_count(stats, &oa);
		if (stats)
			stats->resumes += ob.resumes;
		diff_frames_strip(&oa);
		diff_frames_strip(&ob);
		/* only A counts fuel when B compiles: past A's fuel, no verdict */
		if (oa.status == DIFF_TRAPPED && oa.trap == WASM_TRAP_FUEL && !b.fuel)
			break;
		what = diff_compare(rt, &oa, &ob, mode != WASM_DIFF_JIT, relaxed);
		if (!what)
			continue;
		if (report) {
			fprintf(report, "MISMATCH in %s: call %u of f%u (", what, c, func);
			for (uint32_t i = 0; i < np; i++)
				fprintf(report, "%s0x%llx", i ? ", " : "",
					(unsigned long long)abstract[i]);
			fprintf(report, ")\n");
			diff_print(report, a.name, &oa);
			diff_print(report, b.name, &ob);
		}
		result = WASM_DIFF_MISMATCH;
		break;
	}
out:
	if (stats && a.s) {
		stats->gc_collections += a.s->gc.ncollections;
		stats->gc_stores += a.s->gc.ncollections > 0;
	}
	wasm_store_free(a.s);
	wasm_store_free(b.s);
	wasm_module_free(m);
	return result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (wasm_diff_check(data, size, stderr, NULL) != WASM_DIFF_SAME)
		abort();
	return 0;
}
