/*
 * shell_parse_test.c - the shell's language (lib/shell): parsing, cooked
 * words, expansion, patterns, globbing over a fake tree, path resolution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "../fuzz/shell_exercise.h"
#include "fuzz_corpus.h"
#include "shell/sh_glob.h"
#include "shell/sh_parse.h"

/* The parse of a line as text: each command's cooked words in {}, its
 * redirects, '|' between commands, the separator after each pipeline. */
static void show(const struct sh_line *l, char *o, size_t size)
{
	static const char *const redir[] = {"<", ">", ">>", "2>", "2>>", "2>&1"};
	static const char *const then[] = {";", "&&", "||", "&"};
	size_t n = 0;

	o[0] = 0;
#define PUT(s) (n += (size_t)snprintf(o + n, n < size ? size - n : 0, "%s", (s)))
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->pipes[i].ncmds; j++) {
			const struct sh_cmd *c = &l->pipes[i].cmds[j];
			if (j)
				PUT(" | ");
			for (size_t k = 0; k < c->nwords; k++) {
				PUT(k ? " {" : "{");
				PUT(c->words[k]);
				PUT("}");
			}
			for (size_t k = 0; k < c->nredirs; k++) {
				PUT(" ");
				PUT(redir[c->redirs[k].kind]);
				if (c->redirs[k].word) {
					PUT("{");
					PUT(c->redirs[k].word);
					PUT("}");
				}
			}
			if (c->words[c->nwords] != NULL)
				PUT(" NOT-NULL-TERMINATED");
		}
		PUT(" ");
		PUT(then[l->pipes[i].then]);
		PUT(i + 1 < l->n ? " " : "");
	}
#undef PUT
}

static void expect_parse(struct test_ctx *t, const char *line, const char *want)
{
	struct sh_line l;
	const char *msg = NULL;
	size_t at = 0;
	char got[512];

	if (!EXPECT_OK(sh_parse(line, &l, &msg, &at))) {
		test_printf(t, "  line %s: %s at %zu\n", line, msg, at);
		return;
	}
	show(&l, got, sizeof(got));
	EXPECT_STREQ(got, want);
	sh_line_free(&l);
}

static void expect_error(struct test_ctx *t, const char *line, const char *want, size_t want_at)
{
	struct sh_line l = {0};
	const char *msg = NULL;
	size_t at = 99;

	EXPECT_EQ(sh_parse(line, &l, &msg, &at), ERR_INVAL);
	EXPECT_STREQ(msg ? msg : "(none)", want);
	EXPECT_EQ(at, want_at);
	EXPECT_EQ(l.n, 0);
}

TEST(shell_parse, lists_pipelines_redirects)
{
	expect_parse(t, "", "");
	expect_parse(t, "   # only a comment", "");
	expect_parse(t, "ls", "{ls} ;");
	expect_parse(t, "hello > /tmp/out.txt", "{hello} >{/tmp/out.txt} ;");
	expect_parse(t, "run cat </tmp/a.txt", "{run} {cat} <{/tmp/a.txt} ;");
	expect_parse(t, "a|b | c", "{a} | {b} | {c} ;");
	expect_parse(t, "a >> log 2>&1", "{a} >>{log} 2>&1 ;");
	expect_parse(t, "a 2> err 2>>e2 x", "{a} {x} 2>{err} 2>>{e2} ;");
	expect_parse(t, "a; b && c || d & e &", "{a} ; {b} && {c} || {d} & {e} &");
	expect_parse(t, "a;", "{a} ;");
	expect_parse(t, "a # b | c", "{a} ;");
	expect_parse(t, "x=1 y=2 prog", "{x=1} {y=2} {prog} ;");
	/* a '2' inside a word is the word's; 2>&1 glued to a word is not */
	expect_parse(t, "echo a2>f", "{echo} {a2} >{f} ;");
	expect_parse(t, "echo 2 > f", "{echo} {2} >{f} ;");
}

TEST(shell_parse, quotes_and_marks)
{
	expect_parse(t, "echo 'a b' \"c d\"", "{echo} {a b} {c d} ;");
	expect_parse(t, "echo '' \"\"", "{echo} {} {} ;");
	expect_parse(t, "echo a\\ b", "{echo} {a b} ;");
	/* quoted or escaped $ * ? [ \ are marked; "..." leaves $ unmarked */
	expect_parse(t, "echo '$x*' \"$y?\" \\*", "{echo} {\\$x\\*} {$y\\?} {\\*} ;");
	expect_parse(t, "echo $'a\\tb\\e' $'\\''", "{echo} {a\tb\x1b} {'} ;");
	expect_parse(t, "echo \"a\\\"b\\\\c\\n\"", "{echo} {a\"b\\\\c\\\\n} ;");
	expect_parse(t, "echo 'a|b;c&&d'", "{echo} {a|b;c&&d} ;");
	expect_parse(t, "echo *.txt", "{echo} {*.txt} ;");
}

TEST(shell_parse, syntax_errors)
{
	expect_error(t, "echo 'abc", "unterminated quote", 5);
	expect_error(t, "echo \"abc", "unterminated quote", 5);
	expect_error(t, "echo $'abc", "unterminated quote", 5);
	expect_error(t, "| a", "'|' needs a command on both sides", 0);
	expect_error(t, "a |", "'|' needs a command on both sides", 3);
	expect_error(t, "a | | b", "'|' needs a command on both sides", 4);
	expect_error(t, "a &&", "'&&' needs a command after it", 4);
	expect_error(t, "a || ", "'||' needs a command after it", 5);
	expect_error(t, "&& a", "'&&' needs a command before it", 0);
	expect_error(t, "a ;; b", "';' needs a command before it", 3);
	expect_error(t, "& a", "'&' needs a command before it", 0);
	expect_error(t, "a >", "'>' needs a file name after it", 2);
	expect_error(t, "a < | b", "'<' needs a file name after it", 2);
	expect_error(t, "a 2>", "'2>' needs a file name after it", 2);
	expect_error(t, "a > ''", "'>' needs a file name after it", 2);
	expect_error(t, "> f", "a redirect needs a command", 3);
	expect_error(t, "a | > f", "a redirect needs a command", 7);
}

static const char *vars_get(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 4 && !memcmp(name, "HOME", 4))
		return "/home/x";
	if (len == 4 && !memcmp(name, "STAR", 4))
		return "a*b";
	return NULL;
}

static void expect_expand(struct test_ctx *t, const char *line, const char *want_arg,
			  const char *want_pat)
{
	struct sh_vars v = {vars_get, NULL, 42};
	struct sh_line l;
	const char *msg;
	size_t at;
	char *arg = NULL, *pat = NULL;

	if (!EXPECT_OK(sh_parse(line, &l, &msg, &at)))
		return;
	if (EXPECT_OK(sh_expand(l.pipes[0].cmds[0].words[0], &v, &arg, &pat))) {
		EXPECT_STREQ(arg, want_arg);
		if (want_pat)
			EXPECT_STREQ(pat ? pat : "(null)", want_pat);
		else
			EXPECT(pat == NULL);
	}
	free(arg);
	free(pat);
	sh_line_free(&l);
}

TEST(shell_parse, expansion)
{
	expect_expand(t, "$HOME/bin", "/home/x/bin", NULL);
	expect_expand(t, "${HOME}x", "/home/xx", NULL);
	expect_expand(t, "\"$HOME\"", "/home/x", NULL);
	expect_expand(t, "'$HOME'", "$HOME", NULL);
	expect_expand(t, "\\$HOME", "$HOME", NULL);
	expect_expand(t, "s=$?", "s=42", NULL);
	expect_expand(t, "$UNSET.", ".", NULL);
	expect_expand(t, "$", "$", NULL);
	expect_expand(t, "a$-b", "a$-b", NULL);
	expect_expand(t, "${HOME", "${HOME", NULL);
	expect_expand(t, "''", "", NULL);
	/* patterns: unmarked * ? [ only; a variable's value is literal */
	expect_expand(t, "*.txt", "*.txt", "*.txt");
	expect_expand(t, "'*'.txt", "*.txt", NULL);
	expect_expand(t, "$STAR", "a*b", NULL);
	expect_expand(t, "$STAR*", "a*b*", "a\\*b*");
	expect_expand(t, "f[0-9]?", "f[0-9]?", "f[0-9]?");
}

TEST(shell_parse, assignments)
{
	EXPECT_EQ(sh_assign_len("K=V"), 1);
	EXPECT_EQ(sh_assign_len("_a1=x=y"), 3);
	EXPECT_EQ(sh_assign_len("a="), 1);
	EXPECT_EQ(sh_assign_len("=a"), 0);
	EXPECT_EQ(sh_assign_len("1a=b"), 0);
	EXPECT_EQ(sh_assign_len("a-b=c"), 0);
	EXPECT_EQ(sh_assign_len("\\a=b"), 0); /* a quoted name is a word */
	EXPECT_EQ(sh_assign_len("ab"), 0);
}

TEST(shell_parse, glob_match)
{
	EXPECT(sh_glob_match("*.txt", "a.txt"));
	EXPECT(sh_glob_match("*.txt", ".txt") == false); /* a leading dot */
	EXPECT(sh_glob_match(".*", ".profile"));
	EXPECT(sh_glob_match("\\.*", ".profile"));
	EXPECT(sh_glob_match("*", "") == true);
	EXPECT(sh_glob_match("a*b*c", "aXbYbZc"));
	EXPECT(sh_glob_match("a*b*c", "aXbYbZ") == false);
	EXPECT(sh_glob_match("?", "x"));
	EXPECT(sh_glob_match("?", "") == false);
	EXPECT(sh_glob_match("f[0-9]", "f7"));
	EXPECT(sh_glob_match("f[0-9]", "fa") == false);
	EXPECT(sh_glob_match("f[!0-9]", "fa"));
	EXPECT(sh_glob_match("f[^0-9]", "f1") == false);
	EXPECT(sh_glob_match("[]]", "]"));
	EXPECT(sh_glob_match("[a-]", "-"));
	EXPECT(sh_glob_match("a[", "a[")); /* an open set is a '[' */
	EXPECT(sh_glob_match("\\*", "*"));
	EXPECT(sh_glob_match("\\*", "a") == false);
	EXPECT(sh_glob_match("[\\]]", "]"));
	EXPECT(sh_glob_match("***a", "bba"));
}

/* A fake tree: / has bin/ (cat, ls), tmp/ (a.txt, b.txt, .h, sub/ (c.txt)). */
static int fake_list(void *ctx, const char *dir,
		     void (*each)(void *arg, const char *name, bool is_dir), void *arg)
{
	static const struct {
		const char *dir, *name;
		bool is_dir;
	} tree[] = {
		{"/", "bin", true},    {"/", "tmp", true},	 {"/bin", "cat", false},
		{"/bin", "ls", false}, {"/tmp", "b.txt", false}, {"/tmp", "a.txt", false},
		{"/tmp", ".h", false}, {"/tmp", "sub", true},	 {"/tmp/sub", "c.txt", false},
	};
	int *calls = ctx;

	(*calls)++;
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		if (strcmp(tree[i].dir, dir) == 0)
			each(arg, tree[i].name, tree[i].is_dir);
	return 0;
}

static void expect_glob(struct test_ctx *t, const char *pattern, const char *cwd, const char *want)
{
	int calls = 0;
	struct sh_dirs d = {fake_list, &calls};
	char **v = NULL;
	size_t n = 0;
	char got[256] = "";

	if (!EXPECT_OK(sh_glob(pattern, cwd, &d, &v, &n)))
		return;
	for (size_t i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, v[i]);
	}
	EXPECT_STREQ(got, want);
	sh_glob_free(v, n);
}

TEST(shell_parse, glob_expand)
{
	expect_glob(t, "/tmp/*.txt", "/", "/tmp/a.txt /tmp/b.txt");
	expect_glob(t, "*.txt", "/tmp", "a.txt b.txt");
	expect_glob(t, "*", "/tmp", "a.txt b.txt sub");
	expect_glob(t, ".*", "/tmp", ".h");
	expect_glob(t, "*/c.txt", "/tmp", "sub/c.txt");
	expect_glob(t, "/*/*", "/", "/bin/cat /bin/ls /tmp/a.txt /tmp/b.txt /tmp/sub");
	expect_glob(t, "/*/c*", "/", "/bin/cat");
	expect_glob(t, "../tmp/?.txt", "/bin", "../tmp/a.txt ../tmp/b.txt");
	expect_glob(t, "./s*/../a*", "/tmp", "./sub/../a.txt");
	expect_glob(t, "*.none", "/tmp", "");
	expect_glob(t, "/nodir/*", "/", "");
	expect_glob(t, "a.txt/*", "/tmp", ""); /* a file is no directory */
	expect_glob(t, "//tmp//a*", "/", "/tmp/a.txt");
}

TEST(shell_parse, path_resolve)
{
	char out[64];

	EXPECT_OK(sh_path_resolve("/", "tmp", out, sizeof(out)));
	EXPECT_STREQ(out, "/tmp");
	EXPECT_OK(sh_path_resolve("/tmp", "../bin//./ls", out, sizeof(out)));
	EXPECT_STREQ(out, "/bin/ls");
	EXPECT_OK(sh_path_resolve("/tmp", "/a/b/../../..", out, sizeof(out)));
	EXPECT_STREQ(out, "/");
	EXPECT_OK(sh_path_resolve("/a/b", "", out, sizeof(out)));
	EXPECT_STREQ(out, "/a/b");
	EXPECT_OK(sh_path_resolve("/a/b/", ".", out, sizeof(out)));
	EXPECT_STREQ(out, "/a/b");
	strcpy(out, "unchanged");
	EXPECT_EQ(sh_path_resolve("/", "abcdefghij", out, 11), ERR_RANGE);
	EXPECT_STREQ(out, "unchanged");
	EXPECT_OK(sh_path_resolve("/", "abcdefghi", out, 11));
	EXPECT_STREQ(out, "/abcdefghi");
}

static void replay_shell(void *arg, const char *path, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)path;
	shell_exercise(data, len);
}

/* The fuzzer's kept inputs (make fuzz-shell), run from the repo root. */
TEST(shell_parse, fuzz_regress)
{
	EXPECT_GT(fuzz_corpus_replay(t, "tests/fuzz/regress/shell", replay_shell, NULL), 3u);
}
