/*
 * sh_parse.c - the shell's tokenizer, parser and word expansion (the
 * language is described in sh_parse.h).
 *
 * The tokenizer reads one token at a time: an operator, or a word that it
 * cooks into a scratch buffer as big as the line allows (a byte becomes at
 * most two: the mark and itself). The parser appends words, redirects,
 * commands and pipelines to arrays that grow by doubling.
 */
#include "shell/sh_parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"

enum tok_kind {
	TOK_END,
	TOK_WORD,
	TOK_PIPE,
	TOK_AND,
	TOK_OR,
	TOK_BG,
	TOK_SEMI,
	TOK_REDIR,
};

struct lexer {
	const char *line;
	const char *p;
	char *scratch; /* 2 * strlen(line) + 1 bytes */
	const char *msg;
	size_t at;
};

struct tok {
	enum tok_kind kind;
	enum sh_redir_kind redir; /* TOK_REDIR */
	size_t at;		  /* offset of its first byte */
	size_t len;		  /* TOK_WORD: the cooked length in scratch */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_op(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The bytes that a mark makes literal in a cooked word. */
static bool needs_mark(char c)
{
	return c == '\\' || c == '$' || c == '*' || c == '?' || c == '[';
}

static char *put_lit(char *o, char c)
{
	if (needs_mark(c))
		*o++ = '\\';
	*o++ = c;
	return o;
}

/* The escape of $'...' after its backslash. */
static char ansi_escape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'e':
		return 0x1b;
	default:
		return c; /* \\, \', \" and any other: the character itself */
	}
}

static int lex_fail(struct lexer *lx, const char *msg, const char *where)
{
	lx->msg = msg;
	lx->at = (size_t)(where - lx->line);
	return ERR_INVAL;
}

/* Cooks one word at lx->p (not blank, not an operator) into scratch. */
static int lex_word(struct lexer *lx, struct tok *t)
{
	const char *p = lx->p;
	char *o = lx->scratch;

	while (*p && !is_blank(*p) && !is_op(*p)) {
		const char *open = p;

		if (*p == '\\') {
			o = put_lit(o, p[1] ? p[1] : '\\');
			p += p[1] ? 2 : 1;
		} else if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				o = put_lit(o, *p);
			if (!*p)
				return lex_fail(lx, "unterminated quote", open);
			p++;
		} else if (p[0] == '$' && p[1] == '\'') {
			for (p += 2; *p && *p != '\''; p++) {
				if (*p == '\\' && p[1])
					p++, o = put_lit(o, ansi_escape(*p));
				else
					o = put_lit(o, *p);
			}
			if (!*p)
				return lex_fail(lx, "unterminated quote", open);
			p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
					o = put_lit(o, *++p);
				else if (*p == '$')
					*o++ = '$'; /* expands inside double quotes */
				else
					o = put_lit(o, *p);
			}
			if (!*p)
				return lex_fail(lx, "unterminated quote", open);
			p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	t->kind = TOK_WORD;
	t->len = (size_t)(o - lx->scratch);
	lx->p = p;
	return 0;
}

static int lex_next(struct lexer *lx, struct tok *t)
{
	const char *p = lx->p;

	while (is_blank(*p))
		p++;
	lx->p = p;
	t->at = (size_t)(p - lx->line);
	t->kind = TOK_END;
	if (!*p || *p == '#')
		return 0;
	if (p[0] == '2' && p[1] == '>') {
		if (p[2] == '&' && p[3] == '1' && (!p[4] || is_blank(p[4]) || is_op(p[4]))) {
			t->kind = TOK_REDIR, t->redir = SH_REDIR_ERR_TO_OUT, lx->p = p + 4;
			return 0;
		}
		bool app = p[2] == '>';
		t->kind = TOK_REDIR, t->redir = app ? SH_REDIR_ERR_APPEND : SH_REDIR_ERR;
		lx->p = p + (app ? 3 : 2);
		return 0;
	}
	if (!is_op(*p))
		return lex_word(lx, t);
	char c = *p, c2 = p[1];
	lx->p = p + 1;
	switch (c) {
	case '|':
		t->kind = c2 == '|' ? TOK_OR : TOK_PIPE;
		break;
	case '&':
		t->kind = c2 == '&' ? TOK_AND : TOK_BG;
		break;
	case ';':
		t->kind = TOK_SEMI;
		return 0;
	case '<':
		t->kind = TOK_REDIR, t->redir = SH_REDIR_IN;
		return 0;
	default: /* '>' */
		t->kind = TOK_REDIR, t->redir = c2 == '>' ? SH_REDIR_APPEND : SH_REDIR_OUT;
		break;
	}
	if (c2 == c)
		lx->p++;
	return 0;
}

/* Makes room for one more element in *v (n used, *cap allocated). */
static int grow(void **v, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? 2 * *cap : 4;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static void cmd_free(struct sh_cmd *c)
{
	for (size_t i = 0; i < c->nwords; i++)
		free(c->words[i]);
	free(c->words);
	for (size_t i = 0; i < c->nredirs; i++)
		free(c->redirs[i].word);
	free(c->redirs);
}

void sh_line_free(struct sh_line *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->pipes[i].ncmds; j++)
			cmd_free(&l->pipes[i].cmds[j]);
		free(l->pipes[i].cmds);
	}
	free(l->pipes);
	l->n = 0;
	l->pipes = NULL;
}

/* The parser's state: the line so far, the pipeline and command being
 * read, with their capacities. */
struct parser {
	struct lexer lx;
	struct sh_line line;
	size_t pipes_cap;
	struct sh_pipeline pipe;
	size_t cmds_cap;
	struct sh_cmd cmd;
	size_t words_cap, redirs_cap;
};

static char *dup_word(const struct lexer *lx, const struct tok *t)
{
	char *w = malloc(t->len + 1);
	if (w)
		memcpy(w, lx->scratch, t->len + 1);
	return w;
}

/* Ends the command being read: into the pipeline. */
static int end_cmd(struct parser *ps)
{
	int e = grow((void **)&ps->pipe.cmds, ps->pipe.ncmds, &ps->cmds_cap, sizeof(struct sh_cmd));
	if (e)
		return e;
	e = grow((void **)&ps->cmd.words, ps->cmd.nwords, &ps->words_cap, sizeof(char *));
	if (e)
		return e;
	ps->cmd.words[ps->cmd.nwords] = NULL;
	ps->pipe.cmds[ps->pipe.ncmds++] = ps->cmd;
	memset(&ps->cmd, 0, sizeof(ps->cmd));
	ps->words_cap = ps->redirs_cap = 0;
	return 0;
}

/* Ends the pipeline being read: into the line. */
static int end_pipe(struct parser *ps, enum sh_then then)
{
	int e = grow((void **)&ps->line.pipes, ps->line.n, &ps->pipes_cap,
		     sizeof(struct sh_pipeline));
	if (e)
		return e;
	ps->pipe.then = then;
	ps->line.pipes[ps->line.n++] = ps->pipe;
	memset(&ps->pipe, 0, sizeof(ps->pipe));
	ps->cmds_cap = 0;
	return 0;
}

static int add_word(struct parser *ps, const struct tok *t)
{
	int e = grow((void **)&ps->cmd.words, ps->cmd.nwords + 1, &ps->words_cap, sizeof(char *));
	if (e)
		return e;
	char *w = dup_word(&ps->lx, t);
	if (!w)
		return ERR_NOMEM;
	ps->cmd.words[ps->cmd.nwords++] = w;
	return 0;
}

static int add_redir(struct parser *ps, const struct tok *t)
{
	static const char *const need_file[] = {
		[SH_REDIR_IN] = "'<' needs a file name after it",
		[SH_REDIR_OUT] = "'>' needs a file name after it",
		[SH_REDIR_APPEND] = "'>>' needs a file name after it",
		[SH_REDIR_ERR] = "'2>' needs a file name after it",
		[SH_REDIR_ERR_APPEND] = "'2>>' needs a file name after it",
	};
	struct sh_redir r = {t->redir, NULL};
	int e;

	if (t->redir != SH_REDIR_ERR_TO_OUT) {
		struct tok w;
		e = lex_next(&ps->lx, &w);
		if (e)
			return e;
		if (w.kind != TOK_WORD || w.len == 0) {
			ps->lx.msg = need_file[t->redir];
			ps->lx.at = t->at;
			return ERR_INVAL;
		}
		r.word = dup_word(&ps->lx, &w);
		if (!r.word)
			return ERR_NOMEM;
	}
	e = grow((void **)&ps->cmd.redirs, ps->cmd.nredirs, &ps->redirs_cap, sizeof(r));
	if (e) {
		free(r.word);
		return e;
	}
	ps->cmd.redirs[ps->cmd.nredirs++] = r;
	return 0;
}

static int syntax(struct parser *ps, const char *msg, const struct tok *t)
{
	ps->lx.msg = msg;
	ps->lx.at = t->at;
	return ERR_INVAL;
}

/* The message for a separator or '|' that has no command before it. */
static const char *no_cmd_before(enum tok_kind k)
{
	switch (k) {
	case TOK_PIPE:
		return "'|' needs a command on both sides";
	case TOK_AND:
		return "'&&' needs a command before it";
	case TOK_OR:
		return "'||' needs a command before it";
	case TOK_BG:
		return "'&' needs a command before it";
	default:
		return "';' needs a command before it";
	}
}

static int parse_tokens(struct parser *ps)
{
	enum tok_kind last_sep = TOK_SEMI;
	struct tok t;
	int e;

	for (;;) {
		e = lex_next(&ps->lx, &t);
		if (e)
			return e;
		if (t.kind == TOK_WORD) {
			e = add_word(ps, &t);
		} else if (t.kind == TOK_REDIR) {
			e = add_redir(ps, &t);
		} else if (ps->cmd.nwords == 0) {
			if (ps->cmd.nredirs)
				return syntax(ps, "a redirect needs a command", &t);
			if (t.kind != TOK_END || ps->pipe.ncmds)
				return syntax(ps, no_cmd_before(ps->pipe.ncmds ? TOK_PIPE : t.kind),
					      &t);
			if (last_sep == TOK_AND || last_sep == TOK_OR)
				return syntax(ps,
					      last_sep == TOK_AND ? "'&&' needs a command after it"
								  : "'||' needs a command after it",
					      &t);
			return 0;
		} else {
			static const enum sh_then then[] = {
				[TOK_END] = SH_THEN_SEQ, [TOK_SEMI] = SH_THEN_SEQ,
				[TOK_AND] = SH_THEN_AND, [TOK_OR] = SH_THEN_OR,
				[TOK_BG] = SH_THEN_BG,
			};
			e = end_cmd(ps);
			if (!e && t.kind != TOK_PIPE)
				e = end_pipe(ps, then[t.kind]);
			if (!e && t.kind == TOK_END)
				return 0;
			last_sep = t.kind;
		}
		if (e)
			return e;
	}
}

int sh_parse(const char *line, struct sh_line *out, const char **msg, size_t *at)
{
	struct parser ps;
	size_t n = strlen(line);
	int e;

	memset(&ps, 0, sizeof(ps));
	ps.lx.line = ps.lx.p = line;
	ps.lx.scratch = malloc(2 * n + 1);
	if (!ps.lx.scratch)
		return ERR_NOMEM;
	e = parse_tokens(&ps);
	free(ps.lx.scratch);
	if (e) {
		cmd_free(&ps.cmd);
		for (size_t j = 0; j < ps.pipe.ncmds; j++)
			cmd_free(&ps.pipe.cmds[j]);
		free(ps.pipe.cmds);
		sh_line_free(&ps.line);
		if (e == ERR_NOMEM) {
			ps.lx.msg = "out of memory";
			ps.lx.at = 0;
		}
		*msg = ps.lx.msg;
		*at = ps.lx.at;
		return e;
	}
	*out = ps.line;
	return 0;
}

size_t sh_assign_len(const char *w)
{
	size_t i = 0;

	if (!is_name_start(w[0]))
		return 0;
	while (is_name(w[i]))
		i++;
	return w[i] == '=' ? i : 0;
}

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
	bool nomem;
};

static void buf_put(struct buf *b, char c)
{
	if (b->nomem)
		return;
	if (b->len + 1 >= b->cap) {
		size_t ncap = b->cap ? 2 * b->cap : 32;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->nomem = true;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = 0;
}

/* A literal byte: itself in the word, marked if need be in the pattern. */
static void put_both(struct buf *arg, struct buf *pat, char c)
{
	buf_put(arg, c);
	if (needs_mark(c))
		buf_put(pat, '\\');
	buf_put(pat, c);
}

/* Expands the '$' at w (w[0] == '$'); returns the bytes it took. */
static size_t expand_dollar(const char *w, const struct sh_vars *v, struct buf *arg,
			    struct buf *pat)
{
	const char *name = w + 1, *val = NULL;
	size_t len = 0, took;
	char num[16];

	if (*name == '?') {
		fmt_snprintf(num, sizeof(num), "%d", v->status);
		val = num;
		took = 2;
	} else if (*name == '{' && is_name_start(name[1])) {
		name++;
		while (is_name(name[len]))
			len++;
		if (name[len] != '}') {
			put_both(arg, pat, '$');
			return 1;
		}
		took = len + 3;
	} else if (is_name_start(*name)) {
		while (is_name(name[len]))
			len++;
		took = len + 1;
	} else {
		put_both(arg, pat, '$');
		return 1;
	}
	if (!val && v->get)
		val = v->get(v->ctx, name, len);
	for (; val && *val; val++)
		put_both(arg, pat, *val);
	return took;
}

int sh_expand(const char *w, const struct sh_vars *v, char **arg, char **pattern)
{
	struct buf a = {0}, p = {0};
	bool glob = false;

	buf_put(&a, 0), a.len = 0; /* an empty word is "" */
	buf_put(&p, 0), p.len = 0;
	while (*w) {
		if (w[0] == '\\' && w[1]) {
			put_both(&a, &p, w[1]);
			w += 2;
		} else if (*w == '$') {
			w += expand_dollar(w, v, &a, &p);
		} else {
			glob |= *w == '*' || *w == '?' || *w == '[';
			buf_put(&a, *w);
			buf_put(&p, *w);
			w++;
		}
	}
	if (a.nomem || p.nomem) {
		free(a.s);
		free(p.s);
		return ERR_NOMEM;
	}
	if (!glob) {
		free(p.s);
		p.s = NULL;
	}
	*arg = a.s;
	*pattern = p.s;
	return 0;
}
