/*
 * wasm_diff_main.c - the differential check (wasm_diff.h) without
 * libFuzzer: over pseudo-random inputs from seeds, or over input files
 * (kept mismatches, tests/fuzz/regress/wasm_diff/). Runs anywhere the engine
 * runs, e.g. under qemu-riscv64.
 *
 *   wasm_diff [--jit] [--features F] --seeds N [--from S] [--save DIR]
 *                                    inputs wasm_gen_seed(S..S+N-1)
 *   wasm_diff [--jit] [--features F] FILE...   each file as one input
 *
 * WASM_DIFF_B picks configuration B (see wasm_diff.h); --jit is
 * WASM_DIFF_B=jit (the compiler tier, riscv64 builds). --features F is
 * WASM_DIFF_FEATURES=F: the generator's features ("all", the default;
 * "base": its modules from before the 3.0 options; or names such as
 * "simd,memory64", see wasm_diff_features). Prints every
 * mismatch and ends with "N passed, N failed"; exit status 1 if any failed.
 * --save writes each failing seed's input to DIR/seed-<S>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/host/runtime_host.h"
#include "wasm/runtime.h"

#include "fuzz_read.h"
#include "wasm_diff.h"
#include "wasm_gen.h"

#define DIFF_MAIN_INPUT 2048

static void diff_save(const char *dir, uint64_t seed, const uint8_t *in, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%llu", dir, (unsigned long long)seed);
	f = fopen(path, "wb");
	if (!f || fwrite(in, 1, len, f) != len)
		fprintf(stderr, "%s: cannot write\n", path);
	else
		printf("  saved %s\n", path);
	if (f)
		fclose(f);
}

static int diff_usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--jit] [--features F] --seeds N [--from S] [--save DIR]\n"
		"       %s [--jit] [--features F] FILE...\n",
		argv0, argv0);
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t nseeds = 0, from = 1;
	const char *save = NULL;
	struct wasm_diff_stats st = {0};
	uint32_t pass = 0, fail = 0;
	int first_file = argc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
			nseeds = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			from = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--jit")) {
			setenv("WASM_DIFF_B", "jit", 1);
		} else if (!strcmp(argv[i], "--features") && i + 1 < argc) {
			setenv("WASM_DIFF_FEATURES", argv[++i], 1);
		} else if (!strcmp(argv[i], "--save") && i + 1 < argc) {
			save = argv[++i];
		} else if (argv[i][0] == '-') {
			return diff_usage(argv[0]);
		} else {
			first_file = i;
			break;
		}
	}
	if (!nseeds && first_file == argc)
		return diff_usage(argv[0]);
	if (wasm_diff_features() == UINT32_MAX) {
		fprintf(stderr, "%s: unknown feature in '%s'\n", argv[0],
			getenv("WASM_DIFF_FEATURES"));
		return 2;
	}
	printf("features: %s (0x%x)\n",
	       getenv("WASM_DIFF_FEATURES") ? getenv("WASM_DIFF_FEATURES") : "all",
	       wasm_diff_features());
	if (wasm_diff_mode() == WASM_DIFF_CHECKED)
		printf("B: interpreter, checked memory, eager translation\n");
	if (wasm_diff_mode() == WASM_DIFF_GUARDED) {
		struct wasm_store_config cfg;
		bool guarded;

		/* without a reservation B falls back to checked memory: say so */
		wasm_runtime_host_config(false, &cfg, &guarded);
		printf("B: interpreter, %s memory, eager translation\n",
		       guarded ? "guarded" : "checked (no guard here)");
	}
	for (uint64_t s = from; s < from + nseeds; s++) {
		static uint8_t in[DIFF_MAIN_INPUT];
		size_t len = wasm_gen_seed(s, in, sizeof(in));

		int r = wasm_diff_check(in, len, stdout, &st);

		if (r == WASM_DIFF_SAME) {
			pass++;
			continue;
		}
		if (r == WASM_DIFF_SETUP)
			return 2; /* the same for every seed: said once */
		printf("FAIL seed %llu\n", (unsigned long long)s);
		fail++;
		if (save)
			diff_save(save, s, in, len);
	}
	for (int i = first_file; i < argc; i++) {
		size_t len = 0;
		uint8_t *in = fuzz_read_file(argv[i], &len);

		if (in && wasm_diff_check(in, len, stdout, &st) == WASM_DIFF_SAME) {
			printf("ok   %s\n", argv[i]);
			pass++;
		} else {
			printf("FAIL %s%s\n", argv[i], in ? "" : " (cannot read)");
			fail++;
		}
		free(in);
	}
	printf("%llu modules, %llu calls (B resumed %llu times): %llu returned, %llu hung, "
	       "trapped:",
	       (unsigned long long)st.modules, (unsigned long long)st.calls,
	       (unsigned long long)st.resumes, (unsigned long long)st.returned,
	       (unsigned long long)st.hung);
	for (int k = 0; k < WASM_TRAP__COUNT; k++)
		if (st.traps[k])
			printf(" %s %llu,", wasm_trap_str(k), (unsigned long long)st.traps[k]);
	printf("\n");
	if (st.gc_collections)
		printf("GC: %llu collections in %llu stores\n",
		       (unsigned long long)st.gc_collections, (unsigned long long)st.gc_stores);
	if (st.compiled || st.refused)
		printf("B's functions: %llu compiled, %llu refused\n",
		       (unsigned long long)st.compiled, (unsigned long long)st.refused);
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
