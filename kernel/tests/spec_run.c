/*
 * spec_run.c - the official WebAssembly spec testsuite inside the kernel
 * (test kernel, boot argument `spec=DIR`): every DIR/NAME.json of the
 * initrd (wast2json output, its NAME.N.wasm beside it, and DIR/skip.txt)
 * runs through the host runner's shared core (tools/spectest/run/
 * spec_exec.h) in a store configured as a program's is (wasm/proc.c):
 * guarded linear memory behind guard pages (kmem.h; `spec_mem=checked`:
 * checked memory) and the compiler tier's code and stack memory (kcode.h),
 * one store and one kcode account per script, on the boot CPU.
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

#define MAX_FILES 256 /* the 2.0 suite has 146 scripts, SIMD included */
#define NAME_MAX  64
#define DETAILS	  10
#define MAX_FILE  (16u << 20) /* bytes of one script or module */

struct names {
	char (*v)[NAME_MAX];
	size_t n;
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

/* The NAME.json entries of the directory (readdir calls this under the
 * VFS lock: copies only). */
static bool names_add(void *arg, const struct vfs_dirent *d)
{
	struct names *n = arg;

	if (d->namelen < 6 || memcmp(d->name + d->namelen - 5, ".json", 5) != 0)
		return true;
	if (n->n == MAX_FILES || d->namelen >= NAME_MAX) {
		n->overflow = true;
		return false;
	}
	memcpy(n->v[n->n], d->name, d->namelen);
	n->v[n->n++][d->namelen] = 0;
	return true;
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int names_list(const char *dir, struct names *out)
{
	struct vfs_file *f;
	int e = vfs_open(kvfs, NULL, dir, VFS_O_READ | VFS_O_DIRECTORY, &f);

	if (e)
		return e;
	e = vfs_readdir(f, 0, names_add, out);
	vfs_close(f);
	if (!e && out->overflow)
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

/* Runs DIR/json; false if a check of the run's own failed (the code and
 * stacks of the script's store not all given back). */
static bool script_run(struct run *r, const char *dir, const char *json, bool checked,
		       const struct spec_skips *skips)
{
	char path[160], name[NAME_MAX + 8], err[256];
	struct spec_script s;
	struct script_run sr = {.s = &s, .name = name};
	struct wasm_store_config cfg;
	struct kcode_acct acct;
	char *text;
	size_t len;
	int e;

	/* "i32.json" is the script of "i32.wast" */
	fmt_snprintf(name, sizeof(name), "%.*s.wast", (int)(strlen(json) - 5), json);
	fmt_snprintf(path, sizeof(path), "%s/%s", dir, json);
	e = read_file(path, &text, &len);
	if (!e) {
		e = spec_script_parse(text, len, &s, err, sizeof(err));
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
	static const struct wasm_load_opts load = {.features_off = ((WASM_FEAT_GC << 1) - 1) &
								   ~WASM_FEAT_SIMD};
	struct spec_run_opts o = {
		.load = &load,
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

int ktest_spec(const char *dir, bool checked)
{
	struct run r = {0};
	struct names names = {0};
	struct spec_skips skips = {0};
	struct kheap_stats hb, ha;
	char path[160], err[256], what[128], *text;
	size_t len;
	bool code_back = true;
	int e;

	kprintf("spec: the testsuite in %s, %s memory, %s\n", dir, checked ? "checked" : "guarded",
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
		code_back &= script_run(&r, dir, names.v[i], checked, &skips);
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
