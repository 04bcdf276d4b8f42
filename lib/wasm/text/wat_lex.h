/*
 * wat_lex.h - the lexer of the WebAssembly text format: source text to an
 * array of tokens (spec 6.2, "Lexical Format").
 *
 * Tokens are parentheses, keywords (a run of idchars starting with a-z),
 * identifiers ($ then idchars), strings, and the rest of the runs of
 * idchars, which are numbers if a number parser accepts them and reserved
 * otherwise. Whitespace, line comments (;;) and nested block comments
 * ((; ... ;)) separate tokens; two atoms must be separated, so `"a""b"` or
 * `0x1"x"` is one reserved token and an error where any token is expected.
 *
 * Invariant: a token's [off, off + len) lies inside the source; a STRING's
 * span includes its quotes and its escapes are well formed (wat_str_decode
 * cannot fail).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"

enum wat_tok_kind {
	WAT_TOK_EOF,
	WAT_TOK_LPAR,
	WAT_TOK_RPAR,
	WAT_TOK_KEYWORD, /* a-z then idchars */
	WAT_TOK_ID,	 /* $ then idchars */
	WAT_TOK_STRING,	 /* "..." */
	WAT_TOK_ATOM,	 /* other idchars: a number, or reserved */
};

struct wat_tok {
	uint8_t kind;
	uint32_t off, len;
};

/* The position of the first error, as 1-based line and column. */
struct wat_error {
	uint32_t line, col;
	char msg[120];
};

struct wat_toks {
	struct wat_tok *v; /* ends with one EOF token */
	size_t n;
};

/*
 * wat_lex - splits src[0, len) into tokens. Returns 0 with *out filled
 * (free with wat_toks_free), ERR_MALFORMED with *err set (an unknown
 * character, an unterminated string or comment, a bad escape, a string
 * that is not UTF-8) or ERR_NOMEM.
 */
int wat_lex(const char *src, size_t len, struct wat_toks *out, struct wat_error *err);
void wat_toks_free(struct wat_toks *t);

/* wat_error_at - fills *err with the line and column of src[off] and a
 * message formatted like fmt_snprintf. */
void wat_error_at(struct wat_error *err, const char *src, size_t off, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

/* wat_str_decode - the bytes of STRING token `t`: writes up to its length
 * (never more than t->len bytes) to out and returns how many. */
size_t wat_str_decode(const char *src, const struct wat_tok *t, uint8_t *out);

/* wat_tok_is - whether `t` is the keyword (or atom) `word`. */
bool wat_tok_is(const char *src, const struct wat_tok *t, const char *word);

/* wat_id_eq - whether identifier tokens a and b name the same: $abc and
 * $"abc" do (a quoted identifier is its string's bytes). False if out of
 * memory. */
bool wat_id_eq(const char *src, const struct wat_tok *a, const struct wat_tok *b);

/* wat_tok_is_numeric - whether `t` can only be meant as a number: an atom,
 * or a keyword of a float's (inf, nan, nan:0x..., and in scripts
 * nan:canonical), unlike the name of an instruction that may follow. */
bool wat_tok_is_numeric(const char *src, const struct wat_tok *t);
