/*
 * jit_compile_spec_test.c - the baseline compiler on every function of
 * every module of the spec testsuite (build/spec/json, made by
 * tests/spec/run.sh, or $JIT_SPEC_DIR), both memory modes, and on the
 * compiler execution test's module: emitting only (portable: this runs on
 * the host, under the sanitizers, and in the riscv64 test binary). No
 * compilation may fail: the compiler covers all of WebAssembly 2.0, SIMD
 * included (build/spec/json-simd, or $JIT_SPEC_SIMD_DIR). Prints the code
 * size against the wasm bodies' size.
 *
 * jit_compile.file compiles every function of $JIT_COMPILE_FILE (checked
 * memory), for its code size and compile speed (nothing without it):
 *   JIT_COMPILE_FILE=big.wasm qemu-riscv64 build/rv64/test_rv64_jit jit_compile.file
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/test.h"
#include "wasm/jit/jit.h"
#include "wasm/load.h"

#include "../rv64/jit_compile_mods.h"

/* Emitting only: the code is never run, so plain memory does. */
static int cm_heap_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	(void)arg;
	*rw = *handle = malloc(bytes ? bytes : 1);
	return *rw ? 0 : ERR_NOMEM;
}

static void *cm_heap_seal(void *arg, void *handle)
{
	(void)arg;
	return handle;
}

static void cm_heap_free(void *arg, void *handle)
{
	(void)arg;
	free(handle);
}

static const struct wasm_code_mem jt_heap_cm = {
	.alloc = cm_heap_alloc, .seal = cm_heap_seal, .free = cm_heap_free};

struct jcs_stats {
	uint32_t nfuncs;
	size_t wasm_bytes, code_bytes;
};

/* Compiles every function of m, both memory modes; checks each pcmap. */
static void compile_module(struct test_ctx *t, const char *name, const struct wasm_module *m,
			   struct jcs_stats *st)
{
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		for (int checked = 0; checked < 2; checked++) {
			struct jit_opts o = {.checked = checked};
			struct jit_func *jf = NULL;
			int rc = jit_compile(m, i, &o, &jt_heap_cm, &jf);

			if (rc) {
				test_printf(t, "%s: func %u: %s\n", name, i, err_str(rc));
				EXPECT_OK(rc);
				continue;
			}
			for (uint32_t k = 1; k < jf->npc; k++)
				if (!EXPECT_LE(jf->pcmap[k - 1].code_off, jf->pcmap[k].code_off))
					break;
			for (uint32_t k = 0; k < jf->npc; k++)
				if (!EXPECT(jf->pcmap[k].wasm_off >= m->funcs[i].code_start &&
					    jf->pcmap[k].wasm_off < m->funcs[i].code_end))
					break;
			if (checked) {
				st->code_bytes += jf->size;
				st->wasm_bytes += m->funcs[i].code_end - m->funcs[i].body_start;
				st->nfuncs++;
			}
			jit_func_free(&jt_heap_cm, jf);
		}
	}
}

static void compile_file(struct test_ctx *t, const char *path, struct jcs_stats *st)
{
	FILE *fp = fopen(path, "rb");
	struct wasm_module *m = NULL;
	struct wasm_error err;
	uint8_t *buf = NULL;
	long len;

	if (!EXPECT(fp != NULL))
		return;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!EXPECT(buf && fread(buf, 1, (size_t)len, fp) == (size_t)len))
		goto out;
	if (wasm_module_load(buf, (size_t)len, &m, &err))
		goto out; /* an invalid module of the suite: nothing to compile */
	compile_module(t, path, m, st);
out:
	wasm_module_free(m);
	free(buf);
	fclose(fp);
}

TEST(jit_compile, test_module)
{
	struct wasm_module *m = NULL;
	struct wasm_error err;
	struct jcs_stats st = {0};

	if (!EXPECT_OK(wasm_module_load(jit_mod_a, sizeof(jit_mod_a), &m, &err)))
		return;
	compile_module(t, "jit_mod_a", m, &st);
	EXPECT_EQ(st.nfuncs, m->nfuncs - m->nfunc_imports);
	wasm_module_free(m);
}

/* Code too big for any branch: refused with ERR_UNSUPP, both memory modes
 * (the rv64 test runs it interpreted); the same shape, short, compiles. */
TEST(jit_compile, too_far_is_refused)
{
	for (int big = 0; big < 2; big++) {
		size_t len = 0;
		uint8_t *bytes = jit_mod_far(big ? JIT_FAR_STEPS : 10, &len);
		struct wasm_module *m = NULL;
		struct wasm_error err;

		if (!EXPECT(bytes != NULL) || !EXPECT_OK(wasm_module_load(bytes, len, &m, &err))) {
			free(bytes);
			return;
		}
		for (uint32_t i = 0; i < m->nfuncs; i++) {
			for (int checked = 0; checked < 2; checked++) {
				struct jit_opts o = {.checked = checked};
				struct jit_func *jf = NULL;
				int rc = jit_compile(m, i, &o, &jt_heap_cm, &jf);

				/* callfar (2) is small either way */
				if (!EXPECT_EQ(rc, big && i < 2 ? ERR_UNSUPP : 0))
					test_printf(t, "func %u, %d steps\n", i, big);
				if (!rc && big)
					test_printf(t, "func %u: %u bytes of code\n", i, jf->size);
				jit_func_free(&jt_heap_cm, jf);
			}
		}
		wasm_module_free(m);
		free(bytes);
	}
}

/* Every module of folder `env` (or `dir`) compiled; at least `min` files. */
static void compile_dir(struct test_ctx *t, const char *env, const char *dir, uint32_t min)
{
	DIR *d;
	struct dirent *e;
	struct jcs_stats st = {0};
	uint32_t nfiles = 0;
	char path[1024];

	if (getenv(env))
		dir = getenv(env);
	d = opendir(dir);
	if (!d) {
		/* the suite is converted by tests/spec/run.sh, after the host tests */
		test_printf(t, "%s: no such folder, nothing compiled (set %s)\n", dir, env);
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 5, ".wasm") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		compile_file(t, path, &st);
		nfiles++;
	}
	closedir(d);
	EXPECT_GT(nfiles, min);
	test_printf(t,
		    "%s: %u files, %u functions: %zu bytes of wasm bodies -> %zu bytes of code\n",
		    dir, nfiles, st.nfuncs, st.wasm_bytes, st.code_bytes);
}

TEST(jit_compile, spec_modules)
{
	compile_dir(t, "JIT_SPEC_DIR", "build/spec/json", 100);
}

/* The simd_* scripts' modules: every function compiled, none refused. */
TEST(jit_compile, spec_simd_modules)
{
	compile_dir(t, "JIT_SPEC_SIMD_DIR", "build/spec/json-simd", 50);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

TEST(jit_compile, file)
{
	const char *path = getenv("JIT_COMPILE_FILE");
	struct wasm_module *m = NULL;
	struct wasm_error err;
	struct jit_opts o = {.checked = true};
	size_t wasm_bytes = 0, code_bytes = 0;
	uint32_t nfail = 0;
	uint8_t *buf = NULL;
	double t0;
	FILE *fp;
	long len;

	if (!path) {
		test_printf(t, "JIT_COMPILE_FILE not set: nothing to compile\n");
		return;
	}
	fp = fopen(path, "rb");
	if (!EXPECT(fp != NULL))
		return;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!EXPECT(buf && fread(buf, 1, (size_t)len, fp) == (size_t)len) ||
	    !EXPECT_OK(wasm_module_load(buf, (size_t)len, &m, &err)))
		goto out;
	t0 = now_s();
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		struct jit_func *jf = NULL;
		int rc = jit_compile(m, i, &o, &jt_heap_cm, &jf);

		if (rc) {
			test_printf(t, "func %u: %s\n", i, err_str(rc));
			nfail++;
			continue;
		}
		code_bytes += jf->size;
		wasm_bytes += m->funcs[i].code_end - m->funcs[i].body_start;
		jit_func_free(&jt_heap_cm, jf);
	}
	t0 = now_s() - t0;
	/* test_printf has no %f: hundredths */
	test_printf(t,
		    "%u functions (%u not compiled): %zu bytes of wasm bodies -> %zu bytes of code "
		    "(x%llu/100) in %llu ms (%llu/100 MB/s of bodies)\n",
		    m->nfuncs - m->nfunc_imports, nfail, wasm_bytes, code_bytes,
		    (unsigned long long)(wasm_bytes
						 ? 100.0 * (double)code_bytes / (double)wasm_bytes
						 : 0),
		    (unsigned long long)(t0 * 1e3),
		    (unsigned long long)(t0 > 0 ? (double)wasm_bytes / t0 / 1e4 : 0));
	EXPECT_EQ(nfail, 0);
out:
	wasm_module_free(m);
	free(buf);
	fclose(fp);
}
