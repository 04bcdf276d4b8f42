/*
 * bench_validate.c - the validator's throughput on the host.
 *
 *   bench_validate [--runs N] [--threads N] FILE.wasm
 *
 * Decodes FILE once per run and validates it, on the calling thread alone
 * and then with a worker thread per other online CPU (or N with
 * --threads), and prints for each
 *   bench=validate threads=T code_mb=C validate_ms=V mb_per_s=R
 * where T counts the caller, C is the code section's size, V the median
 * wall time of wasm_module_validate_on over the runs and R = C / V. The
 * two lines are measured side by side, so their ratio holds on a loaded
 * machine better than either figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "wasm/host/workers_host.h"
#include "wasm/load.h"

#define MAX_RUNS 99

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n)) && fread(b, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* The median validation time in ms over `runs`, or < 0 on an error. */
static double measure(const uint8_t *bytes, size_t len, const struct wasm_workers *w, int runs,
		      size_t *code_bytes)
{
	static const struct wasm_load_opts borrow = {.bytes = WASM_BYTES_BORROW};
	double ms[MAX_RUNS];

	for (int r = 0; r < runs; r++) {
		struct wasm_module *m;
		struct wasm_error err;
		double t0;
		int rc = wasm_module_decode_opts(bytes, len, &borrow, &m, &err);

		if (rc) {
			fprintf(stderr, "bench_validate: decode: %s: %s\n", err_str(rc), err.msg);
			return -1;
		}
		*code_bytes = 0;
		for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
			*code_bytes += m->funcs[i].code_end - m->funcs[i].body_start;
		t0 = now_ms();
		rc = wasm_module_validate_on(m, w, &err);
		ms[r] = now_ms() - t0;
		wasm_module_free(m);
		if (rc) {
			fprintf(stderr, "bench_validate: validate: %s: %s\n", err_str(rc), err.msg);
			return -1;
		}
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	return ms[runs / 2];
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_validate [--runs N (1..%d, default 5)] [--threads N] FILE.wasm\n",
		MAX_RUNS);
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 5, threads = -1, i;
	struct wasm_workers alone = {0}, all;
	uint8_t *bytes;
	size_t len, code = 0;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atoi(argv[i + 1]) - 1;
		else
			return usage();
	}
	if (i != argc - 1 || runs < 1 || runs > MAX_RUNS || threads < -1 || threads > 255)
		return usage();
	bytes = read_file(argv[i], &len);
	if (!bytes) {
		fprintf(stderr, "bench_validate: %s: cannot read: %s\n", argv[i],
			errno ? strerror(errno) : "empty");
		return 1;
	}
	wasm_workers_host(&all, threads);
	const struct wasm_workers *ws[] = {&alone, &all};
	for (int k = 0; k < 2; k++) {
		double ms = measure(bytes, len, ws[k], runs, &code);

		if (ms < 0) {
			free(bytes);
			return 1;
		}
		printf("bench=validate threads=%u code_mb=%.2f validate_ms=%.2f mb_per_s=%.0f\n",
		       ws[k]->n + 1, (double)code / 1e6, ms, (double)code / 1e3 / ms);
		if (!all.n)
			break; /* one CPU: the same line twice */
	}
	free(bytes);
	return 0;
}
