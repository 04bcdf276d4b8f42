/*
 * spec_run.c - the official WebAssembly spec testsuite inside the kernel
 * (test kernel, boot argument `spec=DIR`): every DIR/NAME.wast and
 * DIR/SUB/NAME.wast of the initrd (skips in DIR/skip.txt) is read by our
 * text front end (tools/spectest/run/spec_wast.c, as on the host) and
 * runs through the host runner's shared core (tools/spectest/run/
 * spec_exec.h) in a store configured as a program's is (wasm/proc.c):
 * guarded linear memory behind guard pages (kmem.h; `spec_mem=checked`:
 * checked memory) and the compiler tier's code and stack memory (kcode.h),
 * one store and one kcode account per script, on the boot CPU. With
 * `spec_suite=3.0` every feature is on (the 3.0 suite); else the features
 * after 2.0 but SIMD are off, as tests/spec/run.sh has them.
 *
 * Output: one line per script ("spec: i32.wast: P passed, F failed"),
 * then up to DETAILS lines per failing script; then the run's own checks,
 * as the test kernel prints its tests ("ok   spec.NAME" / "FAIL spec.NAME"):
 * some function was compiled (so the suite cannot pass by interpreting
 * everything), each script's code and stacks were given back, no frame
 * and no heap byte is held after the run. The last line is "N passed, N
 * failed", counting assertions as the host runner does plus those checks;
 * QEMU exits with 0 only if nothing failed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/load.h"
#include "base/fmt.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "mem/kheap.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "wasm/kcode.h"
#include "wasm/kmem.h"
#include "../../tools/spectest/run/spec_exec.h"

#define MAX_FILES 512 /* 146 scripts in the 2.0 suite, 265 in 3.0's */
#define NAME_MAX  64
#define DETAILS	  10
#define MAX_FILE  (16u << 20) /* bytes of one script or module */

struct names {
	char (*v)[NAME_MAX];
	size_t n, cap;
	bool overflow;
};

struct run {
	size_t pass, fail, skip;		 /* over every script */
	uint64_t compiled, interpreted, refused; /* functions */
};

/* One script's counts, as its commands report. */
struct script_run {
	const struct spec_script *s;
	const char *name;
	size_t pass, fail, skip, shown;
};

/* Adds "PREFIX/NAME" (prefix "": "NAME") to n, or marks it overflowed. */
static bool names_put(struct names *n, const char *prefix, const char *name, size_t len)
{
	size_t pl = strlen(prefix);

	if (n->n == n->cap || pl + 1 + len >= NAME_MAX) {
		n->overflow = true;
		return false;
	}
	fmt_snprintf(n->v[n->n++], NAME_MAX, "%s%s%.*s", prefix, pl ? "/" : "", (int)len, name);
	return true;
}

/* A directory listing under way: the NAME.wast entries go to `scripts`,
 * the subdirectories (top level only) to `subs`. */
struct listing {
	const char *prefix;
	struct names *scripts, *subs;
};

/* readdir calls this under the VFS lock: copies only. */
static bool names_add(void *arg, const struct vfs_dirent *d)
{
	struct listing *l = arg;

	if (d->type == VFS_TYPE_DIR && l->subs && !(d->name[0] == '.' && d->namelen <= 2))
		return names_put(l->subs, "", d->name, d->namelen);
	if (d->namelen < 6 || memcmp(d->name + d->namelen - 5, ".wast", 5) != 0)
		return true;
	return names_put(l->scripts, l->prefix, d->name, d->namelen);
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Lists DIR/PREFIX into l (see struct listing). */
static int names_read(const char *dir, struct listing *l)
{
	char path[160];
	struct vfs_file *f;
	int e;

	fmt_snprintf(path, sizeof(path), "%s%s%s", dir, l->prefix[0] ? "/" : "", l->prefix);
	e = vfs_open(kvfs, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &f);
	if (e)
		return e;
	e = vfs_readdir(f, 0, names_add, l);
	vfs_close(f);
	return e;
}

/* The scripts of DIR and of its subdirectories ("legacy/throw.wast"), in
 * order. */
static int names_list(const char *dir, struct names *out)
{
	struct names subs = {.v = malloc(16 * NAME_MAX), .cap = 16};
	struct listing l = {.prefix = "", .scripts = out, .subs = &subs};
	int e = subs.v ? names_read(dir, &l) : ERR_NOMEM;

	for (size_t i = 0; !e && i < subs.n; i++) {
		l = (struct listing){.prefix = subs.v[i], .scripts = out};
		e = names_read(dir, &l);
	}
	free(subs.v);
	if (!e && (out->overflow || subs.overflow))
		e = ERR_RANGE;
	if (!e)
		qsort(out->v, out->n, sizeof(out->v[0]), names_cmp);
	return e;
}

static int read_file(const char *path, char **out, size_t *out_len)
{
	uint8_t *b;
	int e = kvfs_read_file(path, MAX_FILE, &b, out_len);

	if (!e)
		*out = (char *)b;
	return e;
}

static void on_translate(void *arg, const struct wasm_translate_info *ti)
{
	struct run *r = arg;

	/* a refused function is reported again with its interpreted form */
	if (ti->refused)
		r->refused++;
	else if (ti->compiled)
		r->compiled++;
	else
		r->interpreted++;
}

static void on_report(void *arg, size_t cmd, enum spec_outcome o, long skip, const char *detail)
{
	struct script_run *sr = arg;
	const struct spec_command *c = &sr->s->cmds[cmd];

	(void)skip;
	switch (o) {
	case SPEC_PASS:
		sr->pass += spec_cmd_is_assertion(c->kind);
		return;
	case SPEC_SKIPPED:
		sr->skip += spec_cmd_is_assertion(c->kind);
		return;
	case SPEC_FAIL:
		break;
	}
	sr->fail++;
	if (sr->shown++ < DETAILS)
		kprintf("  %s:%u: %s: %s\n", sr->name, c->line, spec_cmd_kind_name(c->kind),
			detail);
}

/* Runs DIR/NAME; false if a check of the run's own failed (the code and
 * stacks of the script's store not all given back). v3: every feature on
 * (the 3.0 suite), else 2.0's with SIMD. */
static bool script_run(struct run *r, const char *dir, const char *name, bool checked, bool v3,
		       const struct spec_skips *skips)
{
	char path[160], err[256];
	struct spec_script s;
	struct script_run sr = {.s = &s, .name = name};
	struct wasm_store_config cfg;
	struct kcode_acct acct;
	char *text;
	size_t len;
	int e;

	fmt_snprintf(path, sizeof(path), "%s/%s", dir, name);
	e = read_file(path, &text, &len);
	if (!e) {
		e = spec_wast_parse(name, text, len, &s, err, sizeof(err));
		free(text);
	} else {
		fmt_snprintf(err, sizeof(err), "%s: %s", path, err_str(e));
	}
	if (e) {
		kprintf("spec: %s: 0 passed, 1 failed (%s)\n", name, err);
		r->fail++;
		return true;
	}
	kcode_acct_init(&acct);
	kwasm_store_config(checked, &cfg);
	kcode_store_config(&acct, &cfg);
	cfg.translate_hook = (struct wasm_translate_hook){.done = on_translate, .arg = r};
	/* the 2.0 suite wants a 2.0 engine (with SIMD): no feature after it */
	static const struct wasm_load_opts load2 = {.features_off = ((WASM_FEAT_GC << 1) - 1) &
								    ~WASM_FEAT_SIMD};
	static const struct wasm_load_opts load3;
	struct spec_run_opts o = {
		.load = v3 ? &load3 : &load2,
		.dir = dir,
		.file = name,
		.skips = skips,
		.store = &cfg,
		.read_file = read_file,
		.report = on_report,
		.report_arg = &sr,
	};
	e = spec_script_run(&s, &o);
	spec_script_free(&s);
	if (e) {
		kprintf("spec: %s: 0 passed, 1 failed (setting up the store: %s)\n", name,
			err_str(e));
		r->fail++;
		return kcode_acct_empty(&acct);
	}
	kprintf("spec: %s: %zu passed, %zu failed", name, sr.pass, sr.fail);
	if (sr.skip)
		kprintf(", %zu skipped", sr.skip);
	kprintf("\n");
	if (sr.shown > DETAILS)
		kprintf("  %s: ... and %zu more\n", name, sr.shown - DETAILS);
	r->pass += sr.pass;
	r->fail += sr.fail;
	r->skip += sr.skip;
	return kcode_acct_empty(&acct);
}

/* One of the run's own checks, counted in the verdict. */
static void check(struct run *r, bool ok, const char *name, const char *what)
{
	kprintf("%s spec.%s (%s)\n", ok ? "ok  " : "FAIL", name, what);
	if (ok)
		r->pass++;
	else
		r->fail++;
}

int ktest_spec(const char *dir, bool checked, bool v3)
{
	struct run r = {0};
	struct names names = {.cap = MAX_FILES};
	struct spec_skips skips = {0};
	struct kheap_stats hb, ha;
	char path[160], err[256], what[128], *text;
	size_t len;
	bool code_back = true;
	int e;

	kprintf("spec: the testsuite in %s (%s), %s memory, %s\n", dir,
		v3 ? "3.0: every feature" : "2.0 and SIMD", checked ? "checked" : "guarded",
		kcode_enabled() ? "compiled" : "interpreted (jit=0)");
	ktest_drain_all_caches();
	kheap_stats(&hb);
	uint64_t before = ktest_frames_not_held(), t0 = sched_now_ns();
	fmt_snprintf(path, sizeof(path), "%s/skip.txt", dir);
	names.v = malloc(MAX_FILES * NAME_MAX);
	e = names.v ? names_list(dir, &names) : ERR_NOMEM;
	if (!e && !names.n)
		e = ERR_NOENT;
	if (e)
		kprintf("spec: %s: no scripts (%s)\n", dir, err_str(e));
	if (!e && (e = read_file(path, &text, &len)))
		kprintf("spec: %s: %s\n", path, err_str(e));
	if (!e) {
		e = spec_skips_parse(path, text, len, &skips, err, sizeof(err));
		free(text);
		if (e)
			kprintf("spec: %s\n", err);
	}
	if (e) {
		free(names.v);
		kprintf("0 passed, 1 failed\n");
		return 1;
	}
	for (size_t i = 0; i < names.n; i++)
		code_back &= script_run(&r, dir, names.v[i], checked, v3, &skips);
	uint64_t ms = (sched_now_ns() - t0) / 1000000;
	spec_skips_free(&skips);
	free(names.v);
	kprintf("spec: %zu scripts in %llu ms; %llu functions compiled, %llu interpreted (%llu "
		"refused by the compiler)\n",
		names.n, (unsigned long long)ms, (unsigned long long)r.compiled,
		(unsigned long long)r.interpreted, (unsigned long long)r.refused);
	if (r.skip)
		kprintf("%zu skipped (see %s/skip.txt)\n", r.skip, dir);
	fmt_snprintf(what, sizeof(what), "%llu compiled, %llu interpreted",
		     (unsigned long long)r.compiled, (unsigned long long)r.interpreted);
	check(&r, r.compiled > 0, "functions_compiled", what);
	check(&r, code_back, "code_and_stacks_given_back", "by every script's store");
	ktest_drain_all_caches();
	uint64_t after = ktest_frames_not_held();
	kheap_stats(&ha);
	fmt_snprintf(what, sizeof(what), "%llu frames free or in the heap before, %llu after",
		     (unsigned long long)before, (unsigned long long)after);
	check(&r, after == before, "no_frame_leak", what);
	fmt_snprintf(what, sizeof(what), "%zu heap bytes in use before, %zu after", hb.in_use,
		     ha.in_use);
	check(&r, ha.in_use == hb.in_use, "no_heap_leak", what);
	kprintf("%zu passed, %zu failed\n", r.pass, r.fail);
	return r.fail ? 1 : 0;
}
