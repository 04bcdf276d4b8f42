/*
 * spec_exec.h - runs the commands of one parsed spec-testsuite script
 * (wast_json.h) against the engine (wasm/runtime.h), in a fresh store with
 * the standard `spectest` host module, and reports one outcome per command.
 * Host only; the driver (spectest.c) runs it in a forked child.
 *
 * Invariant: every command gets exactly one call of the report callback,
 * in order, unless the process dies; so the driver can count the commands
 * that never reported as failed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../wast_json.h"

/*
 * The skip list (tests/spec/skip.txt). One entry per line, `PATTERN REASON`:
 *   FILE.wast:LINE    the command that starts at LINE of FILE.wast
 *   FILE.wast:*       every command of FILE.wast
 *   *:text-malformed  every assert_malformed whose module is in text form
 *                     (wast2json writes it as a .wat; we have no text parser)
 * `#` starts a comment line; blank lines are ignored; REASON is required.
 */
enum spec_skip_kind { SPEC_SKIP_LINE, SPEC_SKIP_FILE, SPEC_SKIP_TEXT_MALFORMED };

struct spec_skip {
	enum spec_skip_kind kind;
	char *file;    /* "i32.wast"; NULL for SPEC_SKIP_TEXT_MALFORMED */
	uint32_t line; /* SPEC_SKIP_LINE */
	char *reason;
	uint32_t where; /* line number in the skip file */
};

struct spec_skips {
	char *path;
	struct spec_skip *v;
	size_t n;
};

/* spec_skips_load - reads a skip file; ERR_IO (cannot open) or
 * ERR_MALFORMED (err says which line), ERR_NOMEM. *out written on success. */
int spec_skips_load(const char *path, struct spec_skips *out, char *err, size_t errlen);
void spec_skips_free(struct spec_skips *s);

enum spec_outcome {
	SPEC_PASS,
	SPEC_PASS_KIND, /* rejected, but as malformed for invalid or the reverse */
	SPEC_FAIL,
	SPEC_SKIPPED,
};

/* Called once per command: its index, outcome, the skip entry used (index
 * into skips->v, or -1) and, for failures, a one-line explanation. */
typedef void (*spec_report_fn)(void *arg, size_t cmd, enum spec_outcome o, long skip,
			       const char *detail);

struct spec_run_opts {
	const char *dir;  /* where the script's .wasm files are */
	const char *file; /* the script's name for skip matching ("i32.wast") */
	const struct spec_skips *skips;
	bool guarded; /* host guarded memory (mem_host.h), else checked */
	bool jit;     /* the compiler tier (riscv64: code_host.h), else interpreted */
	/* threads besides the runner's that validate function bodies, each
	 * function apart (workers_host.h); 0: the runner alone */
	unsigned vthreads;
	spec_report_fn report;
	void *report_arg;
};

/* spec_script_run - runs every command of `s`. Returns 0, or an error if
 * the store or the spectest module could not be set up (nothing was
 * reported then). */
int spec_script_run(const struct spec_script *s, const struct spec_run_opts *o);
