/*
 * sh_parse.h - the console shell's command language, portable: a line into
 * a list of pipelines (sh_parse), then, just before a command runs, its
 * words with variables replaced (sh_expand) and patterns matched against
 * directories (sh_glob.h).
 *
 *   line     := [list]
 *   list     := pipeline (SEP pipeline)* [';' | '&']
 *   SEP      := ';' | '&&' | '||' | '&'
 *   pipeline := command ('|' command)*
 *   command  := (word | redirect)+
 *   redirect := '<' word | '>' word | '>>' word | '2>' word | '2>>' word
 *             | '2>&1'
 *   word     := a run of: plain bytes, '...' (all literal), "..." ($ still
 *               expands), $'...' (\n \t \r \e \\ \' \" escapes), \c (c
 *               literal)
 *
 * Words are kept "cooked" until run time: a byte that a quote or a
 * backslash made literal is written as '\' then the byte, when it is one of
 * '\' '$' '*' '?' '[' (others need no mark). So in a cooked word an
 * unmarked '$' starts an expansion and an unmarked '*', '?' or '[' is a
 * pattern character. Expansion waits for run time because `$?` is the
 * status of the command before.
 *
 * Expansion (sh_expand): $NAME, ${NAME}, $? (a '$' before anything else is
 * itself). A variable's value is literal: no word splitting, no patterns
 * from it. A word with an unmarked pattern character also gets its
 * pattern (cooked form, the value marked) for sh_glob.
 *
 * Invariant: after sh_parse succeeds, every pipeline has at least one
 * command, every command at least one word, every redirect but '2>&1' a
 * non-empty cooked word; everything is owned by the struct sh_line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum sh_redir_kind {
	SH_REDIR_IN,	     /* < FILE: standard input */
	SH_REDIR_OUT,	     /* > FILE: standard output, truncated */
	SH_REDIR_APPEND,     /* >> FILE */
	SH_REDIR_ERR,	     /* 2> FILE: standard error, truncated */
	SH_REDIR_ERR_APPEND, /* 2>> FILE */
	SH_REDIR_ERR_TO_OUT, /* 2>&1: standard error goes where output goes */
};

struct sh_redir {
	enum sh_redir_kind kind;
	char *word; /* cooked; NULL for SH_REDIR_ERR_TO_OUT */
};

/* One command of a pipeline: its words (leading NAME=VALUE words are
 * assignments: sh_assign_len) and its redirects, in line order. */
struct sh_cmd {
	size_t nwords;
	char **words; /* cooked, NULL-terminated */
	size_t nredirs;
	struct sh_redir *redirs;
};

/* What joins a pipeline to the next one. */
enum sh_then {
	SH_THEN_SEQ, /* ';' or the end of the line: run the next one after */
	SH_THEN_AND, /* '&&': the next one only if this one's status is 0 */
	SH_THEN_OR,  /* '||': the next one only if it is not 0 */
	SH_THEN_BG,  /* '&': this one in the background, the next one at once */
};

struct sh_pipeline {
	size_t ncmds;
	struct sh_cmd *cmds;
	enum sh_then then;
};

struct sh_line {
	size_t n; /* 0 for an empty line (or only a comment) */
	struct sh_pipeline *pipes;
};

/*
 * sh_parse - parses `line` (NUL-terminated; a '#' starting a word makes the
 * rest a comment) into *out. Returns 0; ERR_INVAL for a syntax error, with
 * *msg a static sentence ("unterminated quote", "'|' needs a command on
 * both sides", ...) and *at the byte offset it points to; ERR_NOMEM. On
 * error *out is left empty (nothing to free). Free with sh_line_free.
 */
int sh_parse(const char *line, struct sh_line *out, const char **msg, size_t *at);

void sh_line_free(struct sh_line *l);

/* The variables expansion sees: get returns NAME's value (name[0..len),
 * not NUL-terminated) or NULL when unset (it expands to nothing); status
 * is what $? expands to. */
struct sh_vars {
	const char *(*get)(void *ctx, const char *name, size_t len);
	void *ctx;
	int status;
};

/*
 * sh_expand - the cooked word `w` with its expansions done: *arg is the
 * word as the command gets it; *pattern is NULL, or, when `w` has an
 * unmarked pattern character, the same word as a cooked pattern for
 * sh_glob. Both malloc'd (the caller frees them). Returns 0 or ERR_NOMEM
 * (nothing allocated then).
 */
int sh_expand(const char *w, const struct sh_vars *v, char **arg, char **pattern);

/* sh_assign_len - for a cooked word NAME=VALUE whose NAME (a letter or
 * '_', then letters, digits, '_') is unmarked, the length of NAME; else 0. */
size_t sh_assign_len(const char *w);
