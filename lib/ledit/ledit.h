/*
 * ledit.h - a terminal line editor: feed it the bytes typed on a VT100-ish
 * terminal one at a time; it edits one line in place, echoes what the
 * terminal must show, keeps a history, and says when a line is complete.
 *
 *   struct ledit *e = ...;          (about 150 KiB: history lives inside)
 *   ledit_init(e, console_write, NULL, true);
 *   print the prompt;
 *   for each input byte b:
 *           switch (ledit_feed(e, b)) {
 *           case LEDIT_LINE:      run(ledit_line(e)); print the prompt; break;
 *           case LEDIT_INTERRUPT: print the prompt; break;
 *           case LEDIT_EOF:       ...; break;
 *           case LEDIT_NONE:      break;
 *           }
 *
 * Keys: printable ASCII inserts at the cursor; Backspace (0x7f, 0x08)
 * deletes before it; Ctrl-A/Home, Ctrl-E/End; Ctrl-B/Left, Ctrl-F/Right;
 * Delete (ESC [ 3 ~); Ctrl-K kills to the end, Ctrl-U the whole line,
 * Ctrl-W the word before the cursor; Up/Down (ESC [ A/B, ESC O A/B, also
 * Ctrl-P/Ctrl-N) browse the history; Ctrl-R searches it backwards (type to
 * narrow, Ctrl-R again for an older match, Enter runs the match, Ctrl-G or
 * Ctrl-C gives up, any other key takes the match to edit); Tab completes
 * (ledit_set_complete); Ctrl-L asks for a cleared screen; Enter is CR or
 * LF (CR LF counts once); Ctrl-C interrupts; Ctrl-D is end of input on an
 * empty line, else Delete.
 * Other escape sequences (ESC [ params final, ESC O x, ESC x) are consumed
 * whole and ignored, and so are other control bytes and bytes >= 0x80.
 *
 * Output uses only: plain text, "\b", "\n", "\x1b[K" (erase to end of
 * line) and "\x1b[<n>D" / "\x1b[<n>C" (cursor left/right n columns), and
 * only ever within the editor's own line: column 0 is where the terminal's
 * cursor was when editing of this line began (just after the prompt).
 *
 * Invariant (ledit_check): len < LEDIT_LINE_MAX, cur <= len, buf[len] is
 * NUL and buf[0..len) is printable ASCII; every history entry is a
 * non-empty printable line; and, after every ledit_feed or ledit_redraw
 * that returned LEDIT_NONE, the terminal shows exactly buf[0..len) from
 * column 0 with its cursor at column `cur`.
 *
 * Concurrency: none; one editor per terminal, used by one thread at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEDIT_LINE_MAX 4098 /* bytes of a line, its NUL included: 4 KB of text and one more */
#define LEDIT_HISTORY  32   /* lines kept, the oldest dropped first */

/* the caller's terminal: writes n bytes (not NUL-ended) */
typedef void (*ledit_out_fn)(void *arg, const char *s, size_t n);

enum ledit_event {
	LEDIT_NONE,	 /* keep feeding */
	LEDIT_LINE,	 /* a line was entered: ledit_line */
	LEDIT_INTERRUPT, /* Ctrl-C: the line was dropped */
	LEDIT_EOF,	 /* Ctrl-D on an empty line */
	LEDIT_CLEAR,	 /* Ctrl-L: clear the screen, print the prompt, ledit_redraw */
	LEDIT_REPROMPT,	 /* Tab listed the choices on lines of their own, the
			  * cursor at the start of a new line: print the
			  * prompt, ledit_redraw */
};

/* What a completer gives: ledit_cand_add once per candidate. */
struct ledit_cands;

/*
 * A completer: for the word line[start..end) (end is the cursor; a word
 * runs back to a space), calls ledit_cand_add(c, w) with each whole word
 * w that could stand there (e.g. "/bin/hello.wasm" for "/bin/he"; a
 * directory with its '/'). Tab then extends the word to what all the
 * candidates share, adds a space after the only one (unless it ends in
 * '/'), or lists them when they share no more.
 */
typedef void (*ledit_complete_fn)(void *arg, const char *line, size_t start, size_t end,
				  struct ledit_cands *c);
void ledit_cand_add(struct ledit_cands *c, const char *word);

#define LEDIT_QUERY_MAX 64   /* bytes of a Ctrl-R search */
#define LEDIT_LIST_MAX	2048 /* bytes of a Tab listing (longer: cut, "...") */

/* where an escape sequence has got to */
enum ledit_esc {
	LEDIT_ESC_NONE,
	LEDIT_ESC_START, /* after ESC */
	LEDIT_ESC_CSI,	 /* after ESC [ (parameters, intermediates) */
	LEDIT_ESC_SS3,	 /* after ESC O */
};

/* The candidates of one Tab (inside struct ledit; the completer fills it). */
struct ledit_cands {
	size_t n;
	char common[LEDIT_LINE_MAX]; /* the longest prefix all share */
	size_t common_len;
	char list[LEDIT_LIST_MAX]; /* "a  b  c" */
	size_t list_len;
	bool list_cut;
};

/* Fields are private: use the functions below. */
struct ledit {
	ledit_out_fn out;
	void *out_arg;
	bool history_on;

	char buf[LEDIT_LINE_MAX]; /* the line, NUL-ended */
	size_t len;		  /* bytes in buf */
	size_t cur;		  /* cursor: 0..len */
	bool entered;		  /* buf holds a line given by LEDIT_LINE */
	bool after_cr;		  /* the last byte was a CR that ended a line */

	enum ledit_esc esc;
	uint32_t esc_param; /* first CSI parameter (capped), 0 if none */
	bool esc_more;	    /* the CSI has a second parameter or intermediates */

	char hist[LEDIT_HISTORY][LEDIT_LINE_MAX]; /* a ring, NUL-ended lines */
	size_t hist_next;			  /* slot the next line goes to */
	size_t hist_count;			  /* lines held: 0..LEDIT_HISTORY */
	size_t browse;				  /* 0: editing; k: showing the k-th newest */
	char saved[LEDIT_LINE_MAX];		  /* the edited line while browsing */

	/* Ctrl-R: the screen shows "(search)'QUERY': MATCH", search_col wide */
	bool search;
	char query[LEDIT_QUERY_MAX];
	size_t qlen;
	size_t search_k; /* the match: the k-th newest entry, 0 none */
	size_t search_col;

	ledit_complete_fn complete;
	void *complete_arg;
	struct ledit_cands cands;
};

/*
 * ledit_init - an empty line, empty history, cursor at column 0. `out`
 * receives all the echo; `history` false disables Up/Down (and recording).
 * Prints nothing.
 */
void ledit_init(struct ledit *e, ledit_out_fn out, void *out_arg, bool history);

/*
 * ledit_feed - handles one input byte (0..255; other values are ignored)
 * and echoes what it changed through `out`. Returns LEDIT_LINE when a line
 * is complete (echo: "\n"; the line, if non-empty and different from the
 * newest history entry, is added to the history), LEDIT_INTERRUPT on
 * Ctrl-C (echo "^C\n", line dropped), LEDIT_EOF on Ctrl-D with an empty
 * line (no echo), LEDIT_NONE otherwise. After LINE or INTERRUPT the next
 * byte starts a new, empty line at column 0 of the terminal's new line.
 * Input beyond LEDIT_LINE_MAX - 1 bytes is ignored.
 */
enum ledit_event ledit_feed(struct ledit *e, int byte);

/*
 * ledit_line - the line being edited, NUL-ended; after LEDIT_LINE, the
 * entered line (without its end of line). Owned by `e`; valid until the
 * next ledit_feed or ledit_init.
 */
const char *ledit_line(const struct ledit *e);

/* ledit_cursor - the cursor's column within the line: 0..strlen(line). */
size_t ledit_cursor(const struct ledit *e);

/*
 * ledit_redraw - prints the whole line again and puts the cursor back,
 * assuming the terminal's cursor is at column 0 of the editor's line: call
 * it after printing the prompt again, e.g. when other output interrupted
 * the line. After LEDIT_LINE it draws the next line, which is empty.
 */
void ledit_redraw(struct ledit *e);

/* ledit_set_complete - Tab completes with fn (NULL: Tab is ignored). */
void ledit_set_complete(struct ledit *e, ledit_complete_fn fn, void *arg);

/* ledit_searching - whether a Ctrl-R search is on: the terminal then shows
 * the search line, not the buffer (the invariant's exception). */
bool ledit_searching(const struct ledit *e);

/* ledit_check - whether the invariant above (minus the terminal) holds. */
bool ledit_check(const struct ledit *e);
