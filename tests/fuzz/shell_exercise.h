/*
 * shell_exercise.h - what the shell-language fuzzer does with one input
 * (make fuzz-shell; tests/host/shell_parse_test.c replays the kept
 * inputs): parse it as a line, check the parse's invariants (sh_parse.h),
 * expand every word and match each pattern against a few names and a small
 * fake tree. Any crash, leak or sanitizer report is a bug; a broken
 * invariant aborts.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/sh_glob.h"
#include "shell/sh_parse.h"

static const char *shell_ex_get(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	(void)name;
	return len % 2 ? "v*[" : NULL; /* values with pattern bytes, and unset */
}

static int shell_ex_list(void *ctx, const char *dir,
			 void (*each)(void *arg, const char *name, bool is_dir), void *arg)
{
	(void)ctx;
	if (strlen(dir) < 24) { /* a finite tree: every directory has the same entries */
		each(arg, "a", true);
		each(arg, ".b", false);
		each(arg, "c[1]", true);
	}
	return 0;
}

static void shell_ex_word(const char *w, const struct sh_vars *v)
{
	static const struct sh_dirs dirs = {shell_ex_list, NULL};
	char *arg, *pat;

	if (sh_expand(w, v, &arg, &pat))
		return;
	if (pat) {
		char **paths;
		size_t n;
		(void)sh_glob_match(pat, arg);
		(void)sh_glob_match(pat, "a");
		if (sh_glob(pat, "/x", &dirs, &paths, &n) == 0)
			sh_glob_free(paths, n);
	}
	free(arg);
	free(pat);
}

static inline void shell_exercise(const uint8_t *data, size_t len)
{
	char *line = malloc(len + 1);
	struct sh_vars v = {shell_ex_get, NULL, 1};
	struct sh_line l;
	const char *msg;
	size_t at;
	char out[64];

	if (!line)
		return;
	memcpy(line, data, len);
	line[len] = 0;
	if (sh_parse(line, &l, &msg, &at) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			if (l.pipes[i].ncmds == 0)
				abort();
			for (size_t j = 0; j < l.pipes[i].ncmds; j++) {
				const struct sh_cmd *c = &l.pipes[i].cmds[j];
				if (c->nwords == 0 || c->words[c->nwords])
					abort();
				for (size_t k = 0; k < c->nwords; k++)
					shell_ex_word(c->words[k], &v);
				for (size_t k = 0; k < c->nredirs; k++)
					if ((c->redirs[k].word == NULL) !=
					    (c->redirs[k].kind == SH_REDIR_ERR_TO_OUT))
						abort();
			}
		}
		sh_line_free(&l);
	} else if (!msg || at > strlen(line)) {
		abort();
	}
	(void)sh_path_resolve("/a/b", line, out, sizeof(out));
	free(line);
}
