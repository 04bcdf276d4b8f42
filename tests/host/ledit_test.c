/*
 * ledit_test.c - the line editor, watched through a fake terminal.
 *
 * The fake terminal understands exactly the output ledit.h allows (text,
 * "\b", "\n", ESC [ K, ESC [ n D, ESC [ n C) and flags anything else. It
 * keeps two rows (the previous and the current one) and a cursor, so each
 * scenario checks both the editor's line and what a user would see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/test.h"
#include "ledit/ledit.h"

#define COLS (LEDIT_LINE_MAX + 256)

struct term {
	char prev[COLS], row[COLS]; /* NUL = blank */
	size_t col;
	int state; /* 0 text, 1 after ESC, 2 in ESC [ */
	size_t num;
	bool has_num;
	bool bad; /* an unexpected byte or a move off the screen */
	size_t written;
};

static void term_byte(struct term *tm, char c)
{
	if (tm->state == 1) {
		tm->state = 2;
		tm->num = 0;
		tm->has_num = false;
		tm->bad |= c != '[';
		return;
	}
	if (tm->state == 2) {
		if (c >= '0' && c <= '9') {
			tm->num = tm->num * 10 + (size_t)(c - '0');
			tm->has_num = true;
			return;
		}
		tm->state = 0;
		if (c == 'K' && !tm->has_num)
			memset(tm->row + tm->col, 0, COLS - tm->col);
		else if (c == 'D' && tm->has_num && tm->num > 0 && tm->num <= tm->col)
			tm->col -= tm->num;
		else if (c == 'C' && tm->has_num && tm->num > 0 && tm->col + tm->num < COLS)
			tm->col += tm->num;
		else
			tm->bad = true;
		return;
	}
	if (c == 0x1b) {
		tm->state = 1;
	} else if (c == '\b') {
		tm->bad |= tm->col == 0;
		tm->col -= tm->col > 0;
	} else if (c == '\n') {
		memcpy(tm->prev, tm->row, COLS);
		memset(tm->row, 0, COLS);
		tm->col = 0;
	} else if (c >= 0x20 && c < 0x7f && tm->col + 1 < COLS) {
		tm->row[tm->col++] = c;
	} else {
		tm->bad = true;
	}
}

static void term_out(void *arg, const char *s, size_t n)
{
	struct term *tm = arg;
	tm->written += n;
	for (size_t i = 0; i < n; i++)
		term_byte(tm, s[i]);
}

static bool row_is(const char *row, const char *text)
{
	size_t n = strlen(text);
	if (memcmp(row, text, n) != 0)
		return false;
	for (size_t i = n; i < COLS; i++)
		if (row[i])
			return false;
	return true;
}

struct fix {
	struct term tm;
	struct ledit e;
};

static struct fix *fix_new(bool history)
{
	struct fix *f = calloc(1, sizeof(*f));
	if (f)
		ledit_init(&f->e, term_out, &f->tm, history);
	return f;
}

/* Feeds `s`; returns the last event other than LEDIT_NONE (or NONE). */
static enum ledit_event type(struct fix *f, const char *s)
{
	enum ledit_event last = LEDIT_NONE;
	for (; *s; s++) {
		enum ledit_event ev = ledit_feed(&f->e, (unsigned char)*s);
		if (ev != LEDIT_NONE)
			last = ev;
	}
	return last;
}

/* The line is `text` with the cursor at `cur`, and the screen shows just that. */
static bool shows_(struct test_ctx *t, struct fix *f, const char *text, size_t cur, int line)
{
	bool ok = strcmp(ledit_line(&f->e), text) == 0 && ledit_cursor(&f->e) == cur &&
		  row_is(f->tm.row, text) && f->tm.col == cur && !f->tm.bad && f->tm.state == 0 &&
		  ledit_check(&f->e);
	if (!ok)
		test_printf(t,
			    "line %d: want '%s' at %zu; line '%s' at %zu, screen '%.*s' at %zu%s\n",
			    line, text, cur, ledit_line(&f->e), ledit_cursor(&f->e), 80, f->tm.row,
			    f->tm.col, f->tm.bad ? " (bad output)" : "");
	return EXPECT(ok);
}
#define SHOWS(f, text, cur) shows_(t, f, text, cur, __LINE__)

/* After Enter: the line was `text`; the screen kept it and moved on. */
static bool entered_(struct test_ctx *t, struct fix *f, enum ledit_event ev, const char *text,
		     int line)
{
	bool ok = ev == LEDIT_LINE && strcmp(ledit_line(&f->e), text) == 0 &&
		  row_is(f->tm.prev, text) && row_is(f->tm.row, "") && f->tm.col == 0 && !f->tm.bad;
	if (!ok)
		test_printf(t, "line %d: want entered '%s'; event %d line '%s', screen '%.*s'\n",
			    line, text, (int)ev, ledit_line(&f->e), 80, f->tm.prev);
	return EXPECT(ok);
}
#define ENTERED(f, ev, text) entered_(t, f, ev, text, __LINE__)

#define LEFT  "\x1b[D"
#define RIGHT "\x1b[C"
#define UP    "\x1b[A"
#define DOWN  "\x1b[B"

TEST(ledit, insert_in_the_middle)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	EXPECT_EQ(type(f, "helo"), LEDIT_NONE);
	SHOWS(f, "helo", 4);
	type(f, LEFT "l");
	SHOWS(f, "hello", 4);
	type(f, "\x01x"); /* Ctrl-A */
	SHOWS(f, "xhello", 1);
	type(f, "\x05"); /* Ctrl-E */
	SHOWS(f, "xhello", 6);
	type(f, "\x02\x02\x06"); /* Ctrl-B Ctrl-B Ctrl-F */
	SHOWS(f, "xhello", 5);
	type(f, "\x1b[H" RIGHT "-");
	SHOWS(f, "x-hello", 2);
	type(f, "\x1b[F" LEFT "\x1bOD\x1b[1~\x1b[4~\x1b[7~");
	SHOWS(f, "x-hello", 0);
	type(f, "\x1b[8~" LEFT LEFT RIGHT RIGHT RIGHT);
	SHOWS(f, "x-hello", 7);
	type(f, "\x1bOH" LEFT "\x1bOF\x1bOD");
	SHOWS(f, "x-hello", 6);
	ENTERED(f, type(f, "\r"), "x-hello");
	free(f);
}

TEST(ledit, backspace_and_delete)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	type(f, "abcdef" LEFT LEFT "\x7f");
	SHOWS(f, "abcef", 3);
	type(f, "\x08");
	SHOWS(f, "abef", 2);
	type(f, "\x1b[3~");
	SHOWS(f, "abf", 2);
	type(f, "\x1b[3~\x1b[3~");
	SHOWS(f, "ab", 2);
	type(f, "\x01\x7f\x08");
	SHOWS(f, "ab", 0);
	type(f, "\x1b[3~");
	SHOWS(f, "b", 0);
	ENTERED(f, type(f, "\n"), "b");
	free(f);
}

TEST(ledit, kill_and_word_delete)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	type(f, "one two three" LEFT LEFT LEFT LEFT LEFT);
	SHOWS(f, "one two three", 8);
	type(f, "\x0b"); /* Ctrl-K */
	SHOWS(f, "one two ", 8);
	type(f, "\x17"); /* Ctrl-W: "two " */
	SHOWS(f, "one ", 4);
	type(f, "alpha beta" LEFT LEFT "\x17");
	SHOWS(f, "one alpha ta", 10);
	type(f, "\x01\x17");
	SHOWS(f, "one alpha ta", 0);
	type(f, "\x05  \x17");
	SHOWS(f, "one alpha ", 10);
	type(f, LEFT LEFT LEFT "\x15"); /* Ctrl-U from the middle */
	SHOWS(f, "", 0);
	type(f, "x\x15\x15\x0b\x17");
	SHOWS(f, "", 0);
	free(f);
}

TEST(ledit, history_browse_and_restore)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	ENTERED(f, type(f, "first\r"), "first");
	ENTERED(f, type(f, "second\r"), "second");
	ENTERED(f, type(f, "third\r"), "third");
	type(f, "draft" LEFT);
	SHOWS(f, "draft", 4);
	type(f, UP);
	SHOWS(f, "third", 5);
	type(f, "\x1bOA");
	SHOWS(f, "second", 6);
	type(f, "\x10"); /* Ctrl-P */
	SHOWS(f, "first", 5);
	size_t w = f->tm.written;
	type(f, UP);
	SHOWS(f, "first", 5);
	EXPECT_EQ(f->tm.written, w); /* the oldest: nothing happens */
	type(f, DOWN);
	SHOWS(f, "second", 6);
	type(f, "\x1bOB");
	SHOWS(f, "third", 5);
	type(f, "\x0e"); /* Ctrl-N: back to the line being edited */
	SHOWS(f, "draft", 5);
	w = f->tm.written;
	type(f, DOWN);
	SHOWS(f, "draft", 5);
	EXPECT_EQ(f->tm.written, w);

	/* editing a recalled line leaves the history alone */
	type(f, "\x15" UP "!");
	SHOWS(f, "third!", 6);
	ENTERED(f, type(f, "\r"), "third!");
	type(f, UP);
	SHOWS(f, "third!", 6);
	type(f, UP);
	SHOWS(f, "third", 5);
	type(f, DOWN DOWN);
	SHOWS(f, "", 0);
	free(f);
}

TEST(ledit, history_dedup_and_empty_lines)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	ENTERED(f, type(f, "a\r"), "a");
	ENTERED(f, type(f, "a\r"), "a");
	ENTERED(f, type(f, "\r"), "");
	ENTERED(f, type(f, "b\r"), "b");
	ENTERED(f, type(f, "a\r"), "a");
	ENTERED(f, type(f, UP "\r"), "a"); /* a recalled newest entry: not added again */
	type(f, UP);
	SHOWS(f, "a", 1);
	type(f, UP);
	SHOWS(f, "b", 1);
	type(f, UP);
	SHOWS(f, "a", 1);
	size_t w = f->tm.written;
	type(f, UP);
	EXPECT_EQ(f->tm.written, w); /* three entries: a b a */
	SHOWS(f, "a", 1);
	free(f);
}

TEST(ledit, history_ring_wraps)
{
	struct fix *f = fix_new(true);
	char s[32];
	if (!EXPECT(f))
		return;
	for (int i = 0; i < LEDIT_HISTORY + 8; i++) {
		snprintf(s, sizeof(s), "cmd%d\r", i);
		type(f, s);
	}
	for (int i = LEDIT_HISTORY + 7; i >= 8; i--) {
		type(f, UP);
		snprintf(s, sizeof(s), "cmd%d", i);
		if (!SHOWS(f, s, strlen(s)))
			break;
	}
	size_t w = f->tm.written;
	type(f, UP);
	EXPECT_EQ(f->tm.written, w);
	SHOWS(f, "cmd8", 4);
	for (int i = 0; i < LEDIT_HISTORY - 1; i++)
		type(f, DOWN);
	SHOWS(f, "cmd39", 5);
	type(f, DOWN);
	SHOWS(f, "", 0);
	free(f);
}

TEST(ledit, history_off)
{
	struct fix *f = fix_new(false);
	if (!EXPECT(f))
		return;
	ENTERED(f, type(f, "x\r"), "x");
	size_t w = f->tm.written;
	type(f, UP "\x10" DOWN);
	EXPECT_EQ(f->tm.written, w);
	SHOWS(f, "", 0);
	free(f);
}

TEST(ledit, crlf_counts_once)
{
	struct fix *f = fix_new(true);
	static const char in[] = "a\r\nb\n\nc\r\rd\r\r\n";
	static const char *const want[] = {"a", "b", "", "c", "", "d", ""};
	size_t n = 0;
	if (!EXPECT(f))
		return;
	for (const char *p = in; *p; p++) {
		enum ledit_event ev = ledit_feed(&f->e, *p);
		if (ev == LEDIT_NONE)
			continue;
		if (!EXPECT_LT(n, ARRAY_SIZE(want)) || !ENTERED(f, ev, want[n]))
			break;
		n++;
	}
	EXPECT_EQ(n, ARRAY_SIZE(want));
	/* a CR ends a line; the LF after it is swallowed, not a second line */
	EXPECT_EQ(type(f, "e\r"), LEDIT_LINE);
	EXPECT_EQ(type(f, "\n"), LEDIT_NONE);
	SHOWS(f, "", 0);
	free(f);
}

TEST(ledit, ctrl_d)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	size_t w = f->tm.written;
	EXPECT_EQ(ledit_feed(&f->e, 0x04), LEDIT_EOF);
	EXPECT_EQ(f->tm.written, w);
	SHOWS(f, "", 0);
	EXPECT_EQ(type(f, "abc\x01\x04"), LEDIT_NONE);
	SHOWS(f, "bc", 0);
	EXPECT_EQ(type(f, "\x05\x04"), LEDIT_NONE); /* at the end: nothing to delete */
	SHOWS(f, "bc", 2);
	EXPECT_EQ(type(f, "\x15\x04"), LEDIT_EOF);
	free(f);
}

TEST(ledit, ctrl_c)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	EXPECT_EQ(type(f, "abc" LEFT LEFT), LEDIT_NONE);
	EXPECT_EQ(ledit_feed(&f->e, 0x03), LEDIT_INTERRUPT);
	EXPECT(row_is(f->tm.prev, "abc^C"));
	SHOWS(f, "", 0);
	type(f, "x");
	SHOWS(f, "x", 1);
	type(f, UP); /* an interrupted line is not history */
	SHOWS(f, "x", 1);
	free(f);
}

TEST(ledit, unknown_escapes_are_ignored)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	type(f, "ab");
	size_t w = f->tm.written;
	type(f, "\x1b[1;5X\x1b[200~\x1bOP\x1b[15~\x1bx\x1b[?25h\x1b[\x1b[Z\x1b[99999999~");
	EXPECT_EQ(f->tm.written, w);
	SHOWS(f, "ab", 2);
	/* other control bytes and non-ASCII bytes */
	type(f, "\x07\x09\x0c\x1f\x80\xff\xc3\xa9");
	EXPECT_EQ(ledit_feed(&f->e, -1), LEDIT_NONE);
	EXPECT_EQ(ledit_feed(&f->e, 256), LEDIT_NONE);
	EXPECT_EQ(f->tm.written, w);
	SHOWS(f, "ab", 2);
	/* a control byte cuts a sequence short and still acts */
	EXPECT_EQ(type(f, "\x1b[1\x03"), LEDIT_INTERRUPT);
	SHOWS(f, "", 0);
	type(f, "cd\x1b\x1b[D");
	SHOWS(f, "cd", 1);
	free(f);
}

TEST(ledit, line_overflow)
{
	struct fix *f = fix_new(true);
	char want[LEDIT_LINE_MAX];
	if (!EXPECT(f))
		return;
	memset(want, 'x', LEDIT_LINE_MAX - 1);
	want[LEDIT_LINE_MAX - 1] = 0;
	for (int i = 0; i < LEDIT_LINE_MAX + 40; i++)
		ledit_feed(&f->e, 'x');
	SHOWS(f, want, LEDIT_LINE_MAX - 1);
	type(f, "\x01yy" LEFT "\x1b[3~z");
	want[0] = 'z';
	SHOWS(f, want, 1);
	ENTERED(f, type(f, "\r"), want);
	type(f, UP);
	SHOWS(f, want, LEDIT_LINE_MAX - 1);
	free(f);
}

TEST(ledit, redraw_after_other_output)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	type(f, "hello" LEFT LEFT);
	term_out(&f->tm, "\nasync\n", 7);
	ledit_redraw(&f->e);
	SHOWS(f, "hello", 3);
	type(f, "p");
	SHOWS(f, "helplo", 4);
	ENTERED(f, type(f, "\r"), "helplo");
	term_out(&f->tm, "x\n", 2);
	ledit_redraw(&f->e); /* draws the next line: empty */
	EXPECT(row_is(f->tm.row, "") && f->tm.col == 0 && !f->tm.bad);
	type(f, "q");
	SHOWS(f, "q", 1);
	free(f);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random keys, some of them whole escape sequences: the screen tracks the buffer. */
TEST(ledit, random_input_keeps_screen_in_sync)
{
	static const char *const seqs[] = {
		UP,	   DOWN,	 LEFT,	      RIGHT,	     "\x1b[H",	"\x1b[F",
		"\x1b[3~", "\x1bOA",	 "\x1bOB",    "\x1b[1;5C",   "\x1b[2~", "\x1b[",
		"\x1bO",   "\x1b[12;34", "\x1b[200~", "\x1b[?1049h", "\x1b",	"\x1b[1~"};
	static const char ctrl[] = {0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x0b, 0x0e, 0x10,
				    0x15, 0x17, 0x7f, 0x03, '\r', '\n', 0x12, 0x07, 0x0c};
	struct fix *f = fix_new(true);
	char before[LEDIT_LINE_MAX];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int lines = 0, overflows = 0, fails = 0, searches = 0;
	bool entered = false;
	if (!EXPECT(f))
		return;
	/* a phase long enough to fill a line with 90% typing */
	const int phase = 3 * LEDIT_LINE_MAX;
	for (int i = 0; i < 10 * phase && fails == 0; i++) {
		/* odd phases: mostly typing and cursor moves, so lines overflow */
		bool long_phase = (i / phase) % 2;
		unsigned r = (unsigned)(rng_next(&seed) % 100);
		const char *s;
		char one[2] = {0, 0};
		if (r < (long_phase ? 90u : 50u)) {
			one[0] = (char)(0x20 + rng_next(&seed) % 95);
			s = one;
		} else if (long_phase) {
			s = seqs[2 + rng_next(&seed) % 5]; /* left right home end delete */
		} else if (r < 70) {
			one[0] = ctrl[rng_next(&seed) % ARRAY_SIZE(ctrl)];
			s = one;
		} else if (r < 90) {
			s = seqs[rng_next(&seed) % ARRAY_SIZE(seqs)];
		} else {
			one[0] = (char)(1 + rng_next(&seed) % 255);
			s = one;
		}
		for (; *s && fails == 0; s++) {
			/* the line before this byte (after Enter, the next one: empty) */
			if (entered)
				before[0] = 0;
			else
				memcpy(before, ledit_line(&f->e), strlen(ledit_line(&f->e)) + 1);
			bool searched = ledit_searching(&f->e);
			enum ledit_event ev = ledit_feed(&f->e, (unsigned char)*s);
			const char *line = ledit_line(&f->e);
			bool ok = ledit_check(&f->e) && !f->tm.bad;
			if (ev == LEDIT_LINE) { /* after a search: its match */
				ok = ok && (searched || strcmp(line, before) == 0) &&
				     row_is(f->tm.prev, line) && row_is(f->tm.row, "") &&
				     f->tm.col == 0;
				lines++;
			} else if (ev == LEDIT_INTERRUPT) {
				size_t n = strlen(before);
				ok = ok && memcmp(f->tm.prev, before, n) == 0 &&
				     memcmp(f->tm.prev + n, "^C", 3) == 0 &&
				     row_is(f->tm.row, "") && f->tm.col == 0 && *line == 0;
			} else if (ledit_searching(&f->e)) { /* Ctrl-R: the search line */
				ok = ok && ev == LEDIT_NONE &&
				     memcmp(f->tm.row, "(search)'", 9) == 0;
				searches++;
			} else {
				ok = ok &&
				     (ev == LEDIT_NONE || ev == LEDIT_CLEAR ||
				      (ev == LEDIT_EOF && *before == 0)) &&
				     row_is(f->tm.row, line) && f->tm.col == ledit_cursor(&f->e);
			}
			entered = ev == LEDIT_LINE;
			overflows += strlen(line) == LEDIT_LINE_MAX - 1;
			if (!ok) {
				fails++;
				test_printf(t, "byte %d (0x%02x): event %d, line '%s' at %zu\n", i,
					    (unsigned char)*s, (int)ev, line, ledit_cursor(&f->e));
			}
		}
	}
	EXPECT_EQ(fails, 0);
	EXPECT_GT(lines, 100);
	EXPECT_GT(overflows, 0);
	EXPECT_GT(searches, 10);
	free(f);
}

static void history_of(struct fix *f, const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		type(f, lines[i]);
		type(f, "\r");
	}
}

TEST(ledit, ctrl_r_searches_the_history)
{
	static const char *const hist[] = {"echo one", "ls /bin", "echo two"};
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	history_of(f, hist, 3);
	type(f, "draft");
	type(f, "\x12"
		"echo");
	EXPECT(ledit_searching(&f->e));
	EXPECT(row_is(f->tm.row, "(search)'echo': echo two"));
	EXPECT_EQ(f->tm.col, strlen("(search)'echo': echo two"));
	type(f, "\x12"); /* an older match */
	EXPECT(row_is(f->tm.row, "(search)'echo': echo one"));
	type(f, "\x12"); /* none older: it stays */
	EXPECT(row_is(f->tm.row, "(search)'echo': echo one"));
	ENTERED(f, type(f, "\r"), "echo one");

	/* a key that is not the search's takes the match to edit */
	type(f, "\x12ls");
	EXPECT(row_is(f->tm.row, "(search)'ls': ls /bin"));
	type(f, LEFT);
	EXPECT(!ledit_searching(&f->e));
	SHOWS(f, "ls /bin", 6);
	type(f, "\x15"); /* Ctrl-U */

	/* no match, backspace, and Ctrl-G giving the line back */
	type(f, "keep\x12zz");
	EXPECT(row_is(f->tm.row, "(search)'zz': "));
	type(f, "\x7f\x7fone");
	EXPECT(row_is(f->tm.row, "(search)'one': echo one"));
	type(f, "\x07");
	SHOWS(f, "keep", 4);
	/* Ctrl-R without history does nothing */
	struct fix *g = fix_new(false);
	if (EXPECT(g)) {
		type(g, "x\x12");
		EXPECT(!ledit_searching(&g->e));
		SHOWS(g, "x", 1);
		free(g);
	}
	free(f);
}

static void complete_words(void *arg, const char *line, size_t start, size_t end,
			   struct ledit_cands *c)
{
	static const char *const words[] = {"hello", "help", "/bin/", "echo", "env", "export"};
	(void)arg;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strncmp(words[i], line + start, end - start) == 0)
			ledit_cand_add(c, words[i]);
}

TEST(ledit, tab_completes_and_lists)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	EXPECT_EQ(type(f, "x\t"), LEDIT_NONE); /* no completer: ignored */
	SHOWS(f, "x", 1);
	type(f, "\x15");
	ledit_set_complete(&f->e, complete_words, NULL);
	type(f, "run he");
	EXPECT_EQ(type(f, "\t"), LEDIT_NONE); /* extended to what they share */
	SHOWS(f, "run hel", 7);
	EXPECT_EQ(type(f, "\t"), LEDIT_REPROMPT); /* hello, help: they share no more */
	EXPECT(row_is(f->tm.prev, "hello  help"));
	EXPECT(row_is(f->tm.row, "") && f->tm.col == 0);
	ledit_redraw(&f->e);
	SHOWS(f, "run hel", 7);
	type(f, "lo\x7f\x7f");
	type(f, "\x15"
		"ec\t");
	SHOWS(f, "echo ", 5); /* the only one: a space after it */
	type(f, "/b\t");
	SHOWS(f, "echo /bin/", 10); /* a directory: no space */
	type(f, "\x15"
		"ex\x01\t"); /* the cursor at the start: an empty word */
	EXPECT(row_is(f->tm.prev, "hello  help  /bin/  echo  env  export"));
	free(f);
}

TEST(ledit, ctrl_l_asks_for_a_clear_screen)
{
	struct fix *f = fix_new(true);
	if (!EXPECT(f))
		return;
	type(f, "abc");
	EXPECT_EQ(type(f, "\x0c"), LEDIT_CLEAR);
	SHOWS(f, "abc", 3);
	free(f);
}
