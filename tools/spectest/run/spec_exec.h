/*
 * spec_exec.h - runs the commands of one parsed spec-testsuite script
 * (wast_json.h) against the engine (wasm/runtime.h), in a fresh store with
 * the standard `spectest` host module, and reports one outcome per command.
 * Portable C11, with the skip list's parser (spec_skip.c) and the values
 * (spec_value.c): the host driver (spectest.c) runs it in a forked child,
 * the test kernel (kernel/tests/spec_run.c) in place. Files, the store's
 * config and the output are the driver's.
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
#include "wasm/load.h"
#include "wasm/runtime.h"

/*
 * The skip list (tests/spec/skip.txt). One entry per line, `PATTERN REASON`:
 *   FILE.wast:LINE    the command that starts at LINE of FILE.wast
 *   FILE.wast:*       every command of FILE.wast
 *   *:text-malformed  every assert_malformed whose module is in text form
 *                     in wast2json's JSON (written as a .wat; a .wast read
 *                     by run/spec_wast.c has none: its text is checked)
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

/* spec_skips_parse - parses the `len` bytes of skip file `path` (named in
 * messages); ERR_MALFORMED (err says which line), ERR_NOMEM. *out written
 * only on success. */
int spec_skips_parse(const char *path, const char *text, size_t len, struct spec_skips *out,
		     char *err, size_t errlen);
void spec_skips_free(struct spec_skips *s);

/* A module rejected for the wrong reason (malformed where the script says
 * invalid, or the reverse) is a failure. */
enum spec_outcome {
	SPEC_PASS,
	SPEC_FAIL,
	SPEC_SKIPPED,
};

/* Whether a command counts when it passes: assertions and actions do (the
 * testsuite's own count), a module, module instance or register command
 * only when it fails. */
static inline bool spec_cmd_is_assertion(enum spec_cmd_kind k)
{
	return k != SPEC_CMD_MODULE && k != SPEC_CMD_REGISTER && k != SPEC_CMD_MODULE_INSTANCE;
}

/* Called once per command: its index, outcome, the skip entry used (index
 * into skips->v, or -1) and, for failures, a one-line explanation. */
typedef void (*spec_report_fn)(void *arg, size_t cmd, enum spec_outcome o, long skip,
			       const char *detail);

struct spec_run_opts {
	const char *dir;  /* where the script's .wasm files are */
	const char *file; /* the script's name for skip matching ("i32.wast") */
	const struct spec_skips *skips;
	/* the store's: memory provider and guard_call, the compiler tier's
	 * code and stack memory, the translate hook (copied by the store) */
	const struct wasm_store_config *store;
	/* how the modules are loaded (e.g. validation workers); NULL: the
	 * defaults */
	const struct wasm_load_opts *load;
	/* reads the file at path ("DIR/NAME.N.wasm") into a new malloc'd
	 * buffer; 0 or an error (ERR_IO, ERR_NOMEM, ...) */
	int (*read_file)(const char *path, char **out, size_t *out_len);
	spec_report_fn report;
	void *report_arg;
};

/* spec_script_run - runs every command of `s`. Returns 0, or an error if
 * the store or the spectest module could not be set up (nothing was
 * reported then). */
int spec_script_run(const struct spec_script *s, const struct spec_run_opts *o);
