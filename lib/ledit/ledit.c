/*
 * ledit.c - the line editor (see ledit.h): an escape-sequence decoder in
 * front of a buffer editor, plus a history ring.
 *
 * Every key handler edits the buffer and then describes the change to the
 * terminal with two primitives that keep the screen equal to the buffer
 * (the invariant in ledit.h):
 *
 *   move(from, to)   cursor column `from` -> `to` ("\b" or ESC [ n D/C)
 *   tail(from)       cursor is at `from`, screen right up to `from`: prints
 *                    buf[from..len), erases the rest, moves back to `cur`
 *
 * Echo is gathered per input byte in a `struct echo` on the stack and
 * written with one call (flushed early only if it fills up).
 *
 * History: hist[] is a ring; the k-th newest entry (k = 1..hist_count) is
 * at (hist_next - k) mod LEDIT_HISTORY. Browsing copies entries into buf,
 * so editing a recalled line never changes the history.
 */
#include <string.h>

#include "base/assert.h"
#include "ledit/ledit.h"

#define ECHO_CAP 320 /* echo_put flushes when it is full */

#define KEY_CTRL(c)   ((c)&0x1f)
#define KEY_ESC	      0x1b
#define KEY_DEL	      0x7f
#define CSI_PARAM_CAP 9999u

struct echo {
	struct ledit *e;
	size_t n;
	char b[ECHO_CAP];
};

static void echo_flush(struct echo *o)
{
	if (o->n)
		o->e->out(o->e->out_arg, o->b, o->n);
	o->n = 0;
}

static void echo_put(struct echo *o, const char *s, size_t n)
{
	while (n) {
		if (o->n == sizeof(o->b))
			echo_flush(o);
		size_t k = sizeof(o->b) - o->n;
		if (k > n)
			k = n;
		memcpy(o->b + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

static void echo_str(struct echo *o, const char *s)
{
	echo_put(o, s, strlen(s));
}

/* ESC [ n <dir> (n >= 1) */
static void echo_csi_n(struct echo *o, size_t n, char dir)
{
	char b[24];
	size_t i = sizeof(b);
	b[--i] = dir;
	do {
		b[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	b[--i] = '[';
	b[--i] = KEY_ESC;
	echo_put(o, b + i, sizeof(b) - i);
}

static void move(struct echo *o, size_t from, size_t to)
{
	if (to + 1 == from)
		echo_str(o, "\b");
	else if (to < from)
		echo_csi_n(o, from - to, 'D');
	else if (to > from)
		echo_csi_n(o, to - from, 'C');
}

static void tail(struct echo *o, size_t from)
{
	struct ledit *e = o->e;
	echo_put(o, e->buf + from, e->len - from);
	echo_str(o, "\x1b[K");
	move(o, e->len, e->cur);
}

/* ---- the buffer ---- */

/* Replaces the line with `s` (cursor at its end) and redraws it. */
static void line_set(struct echo *o, const char *s)
{
	struct ledit *e = o->e;
	size_t n = strnlen(s, LEDIT_LINE_MAX - 1);
	move(o, e->cur, 0);
	memcpy(e->buf, s, n);
	e->buf[n] = 0;
	e->len = e->cur = n;
	tail(o, 0);
}

static void line_insert(struct echo *o, char c)
{
	struct ledit *e = o->e;
	if (e->len == LEDIT_LINE_MAX - 1)
		return;
	memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur + 1);
	e->buf[e->cur] = c;
	e->len++;
	e->cur++;
	if (e->cur == e->len) {
		echo_put(o, &c, 1); /* the common case: typing at the end */
		return;
	}
	tail(o, e->cur - 1);
}

/* Deletes buf[from..to) and leaves the cursor at `from`. */
static void line_cut(struct echo *o, size_t from, size_t to)
{
	struct ledit *e = o->e;
	size_t at = e->cur;
	if (from == to)
		return;
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	e->cur = from;
	move(o, at, from);
	tail(o, from);
}

static void line_cursor(struct echo *o, size_t to)
{
	struct ledit *e = o->e;
	move(o, e->cur, to);
	e->cur = to;
}

static size_t word_start(const struct ledit *e)
{
	size_t i = e->cur;
	while (i && e->buf[i - 1] == ' ')
		i--;
	while (i && e->buf[i - 1] != ' ')
		i--;
	return i;
}

/* ---- history ---- */

static const char *hist_entry(const struct ledit *e, size_t k)
{
	return e->hist[(e->hist_next + LEDIT_HISTORY - k) % LEDIT_HISTORY];
}

static void hist_add(struct ledit *e)
{
	if (!e->history_on || e->len == 0)
		return;
	if (e->hist_count && strcmp(hist_entry(e, 1), e->buf) == 0)
		return;
	memcpy(e->hist[e->hist_next], e->buf, e->len + 1);
	e->hist_next = (e->hist_next + 1) % LEDIT_HISTORY;
	if (e->hist_count < LEDIT_HISTORY)
		e->hist_count++;
}

static void hist_up(struct echo *o)
{
	struct ledit *e = o->e;
	if (!e->history_on || e->browse == e->hist_count)
		return;
	if (e->browse == 0)
		memcpy(e->saved, e->buf, e->len + 1);
	e->browse++;
	line_set(o, hist_entry(e, e->browse));
}

static void hist_down(struct echo *o)
{
	struct ledit *e = o->e;
	if (e->browse == 0)
		return;
	e->browse--;
	line_set(o, e->browse ? hist_entry(e, e->browse) : e->saved);
}

/* ---- Ctrl-R: searching the history ---- */

/* Whether the query occurs in s. */
static bool holds_query(const struct ledit *e, const char *s)
{
	for (size_t n = strlen(s); n >= e->qlen; n--, s++)
		if (memcmp(s, e->query, e->qlen) == 0)
			return true;
	return false;
}

/* The newest entry from the k-th newest on that holds the query; 0 if none. */
static size_t search_find(const struct ledit *e, size_t k)
{
	for (k = k ? k : 1; k <= e->hist_count; k++)
		if (holds_query(e, hist_entry(e, k)))
			return k;
	return 0;
}

/* Draws "(search)'QUERY': MATCH" over what the screen shows. */
static void search_show(struct echo *o)
{
	struct ledit *e = o->e;
	const char *m = e->search_k ? hist_entry(e, e->search_k) : "";
	move(o, e->search_col, 0);
	echo_str(o, "(search)'");
	echo_put(o, e->query, e->qlen);
	echo_str(o, "': ");
	echo_str(o, m);
	echo_str(o, "\x1b[K");
	e->search_col = 12 + e->qlen + strlen(m);
}

static void search_start(struct echo *o)
{
	struct ledit *e = o->e;
	if (!e->history_on)
		return;
	memcpy(e->saved, e->buf, e->len + 1); /* what Ctrl-G gives back */
	e->browse = 0;
	e->search = true;
	e->qlen = 0;
	e->search_k = 0;
	e->search_col = e->cur;
	search_show(o);
}

/* Leaves the search with `line` in the buffer, the cursor at its end. */
static void search_end(struct echo *o, const char *line)
{
	struct ledit *e = o->e;
	size_t n = strlen(line);
	e->search = false;
	move(o, e->search_col, 0);
	memmove(e->buf, line, n + 1);
	e->len = e->cur = n;
	tail(o, 0);
}

/* A byte while searching; false if it ended the search and is still to be
 * handled as a key of its own. */
static bool search_key(struct echo *o, int c)
{
	struct ledit *e = o->e;
	if (c == KEY_CTRL('R')) {
		size_t k = e->search_k ? search_find(e, e->search_k + 1) : 0;
		e->search_k = k ? k : e->search_k;
	} else if (c == KEY_CTRL('G') || c == KEY_CTRL('C')) {
		search_end(o, e->saved);
		return true;
	} else if (c == KEY_CTRL('H') || c == KEY_DEL) {
		e->qlen -= e->qlen > 0;
		e->search_k = search_find(e, 1);
	} else if (c >= 0x20 && c < 0x7f) {
		if (e->qlen < LEDIT_QUERY_MAX)
			e->query[e->qlen++] = (char)c;
		e->search_k = search_find(e, e->search_k);
	} else {
		search_end(o, e->search_k ? hist_entry(e, e->search_k) : e->saved);
		return false;
	}
	search_show(o);
	return true;
}

/* ---- Tab: completion ---- */

void ledit_cand_add(struct ledit_cands *c, const char *w)
{
	size_t n = strnlen(w, LEDIT_LINE_MAX - 1);
	if (c->n++ == 0) {
		memcpy(c->common, w, n);
		c->common_len = n;
	} else {
		size_t i = 0;
		while (i < c->common_len && i < n && c->common[i] == w[i])
			i++;
		c->common_len = i;
	}
	if (c->list_len + n + 2 < sizeof(c->list)) {
		if (c->list_len) {
			memcpy(c->list + c->list_len, "  ", 2);
			c->list_len += 2;
		}
		memcpy(c->list + c->list_len, w, n);
		c->list_len += n;
	} else {
		c->list_cut = true;
	}
}

static enum ledit_event key_tab(struct echo *o)
{
	struct ledit *e = o->e;
	struct ledit_cands *c = &e->cands;
	size_t start = e->cur;

	if (!e->complete)
		return LEDIT_NONE;
	while (start && e->buf[start - 1] != ' ')
		start--;
	c->n = c->common_len = c->list_len = 0;
	c->list_cut = false;
	e->complete(e->complete_arg, e->buf, start, e->cur, c);
	if (c->n == 0)
		return LEDIT_NONE;
	if (c->common_len > e->cur - start &&
	    memcmp(c->common, e->buf + start, e->cur - start) == 0) {
		for (size_t i = e->cur - start; i < c->common_len; i++)
			if (c->common[i] >= 0x20 && c->common[i] < 0x7f)
				line_insert(o, c->common[i]);
		if (c->n == 1 && c->common[c->common_len - 1] != '/')
			line_insert(o, ' ');
		return LEDIT_NONE;
	}
	if (c->n == 1)
		return LEDIT_NONE;
	line_cursor(o, e->len);
	echo_str(o, "\n");
	echo_put(o, c->list, c->list_len);
	echo_str(o, c->list_cut ? "  ...\n" : "\n");
	e->cur = e->len; /* the caller redraws the line after its prompt */
	return LEDIT_REPROMPT;
}

/* ---- keys ---- */

static enum ledit_event key_enter(struct echo *o)
{
	struct ledit *e = o->e;
	line_cursor(o, e->len);
	echo_str(o, "\n");
	hist_add(e);
	e->browse = 0;
	e->entered = true;
	return LEDIT_LINE;
}

static enum ledit_event key_interrupt(struct echo *o)
{
	struct ledit *e = o->e;
	line_cursor(o, e->len);
	echo_str(o, "^C\n");
	e->buf[0] = 0;
	e->len = e->cur = 0;
	e->browse = 0;
	return LEDIT_INTERRUPT;
}

static void key_delete(struct echo *o)
{
	struct ledit *e = o->e;
	if (e->cur < e->len)
		line_cut(o, e->cur, e->cur + 1);
}

static void key_backspace(struct echo *o)
{
	struct ledit *e = o->e;
	if (e->cur)
		line_cut(o, e->cur - 1, e->cur);
}

static void key_left(struct echo *o)
{
	if (o->e->cur)
		line_cursor(o, o->e->cur - 1);
}

static void key_right(struct echo *o)
{
	if (o->e->cur < o->e->len)
		line_cursor(o, o->e->cur + 1);
}

/* A plain (non-escape) byte. */
static enum ledit_event key_byte(struct echo *o, int c)
{
	struct ledit *e = o->e;
	switch (c) {
	case '\r':
	case '\n':
		return key_enter(o);
	case KEY_CTRL('C'):
		return key_interrupt(o);
	case KEY_CTRL('D'):
		if (e->len == 0)
			return LEDIT_EOF;
		key_delete(o);
		break;
	case KEY_CTRL('A'):
		line_cursor(o, 0);
		break;
	case KEY_CTRL('E'):
		line_cursor(o, e->len);
		break;
	case KEY_CTRL('B'):
		key_left(o);
		break;
	case KEY_CTRL('F'):
		key_right(o);
		break;
	case KEY_CTRL('H'):
	case KEY_DEL:
		key_backspace(o);
		break;
	case KEY_CTRL('K'):
		line_cut(o, e->cur, e->len);
		break;
	case KEY_CTRL('U'):
		line_cut(o, 0, e->len);
		break;
	case KEY_CTRL('W'):
		line_cut(o, word_start(e), e->cur);
		break;
	case KEY_CTRL('P'):
		hist_up(o);
		break;
	case KEY_CTRL('N'):
		hist_down(o);
		break;
	case KEY_CTRL('R'):
		search_start(o);
		break;
	case KEY_CTRL('L'):
		return LEDIT_CLEAR;
	case '\t':
		return key_tab(o);
	default:
		if (c >= 0x20 && c < 0x7f)
			line_insert(o, (char)c);
		break;
	}
	return LEDIT_NONE;
}

/* The final byte of ESC [ ... or ESC O: arrows, Home, End, Delete. */
static void key_sequence(struct echo *o, int final, uint32_t param)
{
	struct ledit *e = o->e;
	switch (final) {
	case 'A':
		hist_up(o);
		break;
	case 'B':
		hist_down(o);
		break;
	case 'C':
		key_right(o);
		break;
	case 'D':
		key_left(o);
		break;
	case 'H':
		line_cursor(o, 0);
		break;
	case 'F':
		line_cursor(o, e->len);
		break;
	case '~':
		if (param == 1 || param == 7)
			line_cursor(o, 0);
		else if (param == 4 || param == 8)
			line_cursor(o, e->len);
		else if (param == 3)
			key_delete(o);
		break;
	default:
		break;
	}
}

/*
 * The escape decoder. Returns true if it consumed `c`; false if `c` is a
 * plain byte (including a control byte that cut a sequence short).
 */
static bool esc_step(struct echo *o, int c)
{
	struct ledit *e = o->e;
	if (c == KEY_ESC) { /* also cuts a sequence short: a new one starts */
		e->esc = LEDIT_ESC_START;
		return true;
	}
	switch (e->esc) {
	case LEDIT_ESC_NONE:
		return false;
	case LEDIT_ESC_START:
		e->esc = LEDIT_ESC_NONE;
		if (c == '[') {
			e->esc = LEDIT_ESC_CSI;
			e->esc_param = 0;
			e->esc_more = false;
		} else if (c == 'O') {
			e->esc = LEDIT_ESC_SS3;
		} else if (c < 0x20 || c >= 0x7f) {
			return false;
		}
		return true; /* ESC x (Alt-x): ignored */
	case LEDIT_ESC_SS3:
		e->esc = LEDIT_ESC_NONE;
		if (c < 0x20 || c >= 0x7f)
			return false;
		key_sequence(o, c, 0);
		return true;
	case LEDIT_ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (!e->esc_more && e->esc_param < CSI_PARAM_CAP)
				e->esc_param = e->esc_param * 10 + (uint32_t)(c - '0');
			return true;
		}
		if (c >= 0x20 && c <= 0x3f) { /* ';', other parameter and intermediate bytes */
			e->esc_more = true;
			return true;
		}
		e->esc = LEDIT_ESC_NONE;
		if (c < 0x20 || c >= 0x7f)
			return false;
		key_sequence(o, c, e->esc_param);
		return true;
	}
	return true;
}

void ledit_init(struct ledit *e, ledit_out_fn out, void *out_arg, bool history)
{
	memset(e, 0, sizeof(*e));
	e->out = out;
	e->out_arg = out_arg;
	e->history_on = history;
}

enum ledit_event ledit_feed(struct ledit *e, int byte)
{
	struct echo o;
	enum ledit_event ev = LEDIT_NONE;
	bool after_cr = e->after_cr;

	if (byte < 0 || byte > 0xff)
		return LEDIT_NONE;
	if (e->entered) {
		e->entered = false;
		e->buf[0] = 0;
		e->len = e->cur = 0;
	}
	e->after_cr = false;
	if (after_cr && byte == '\n')
		return LEDIT_NONE;
	o.e = e;
	o.n = 0;
	if (e->search && search_key(&o, byte)) {
		echo_flush(&o);
		return LEDIT_NONE;
	}
	if (!esc_step(&o, byte)) {
		ev = key_byte(&o, byte);
		e->after_cr = ev == LEDIT_LINE && byte == '\r';
	}
	echo_flush(&o);
	ASSERT(e->cur <= e->len && e->len < LEDIT_LINE_MAX && e->buf[e->len] == 0);
	return ev;
}

const char *ledit_line(const struct ledit *e)
{
	return e->buf;
}

size_t ledit_cursor(const struct ledit *e)
{
	return e->cur;
}

void ledit_set_complete(struct ledit *e, ledit_complete_fn fn, void *arg)
{
	e->complete = fn;
	e->complete_arg = arg;
}

bool ledit_searching(const struct ledit *e)
{
	return e->search;
}

void ledit_redraw(struct ledit *e)
{
	struct echo o = {.e = e};
	if (e->search) {
		e->search_col = 0;
		search_show(&o);
	} else if (e->entered)
		echo_str(&o, "\x1b[K"); /* the next line, still empty */
	else
		tail(&o, 0);
	echo_flush(&o);
}

bool ledit_check(const struct ledit *e)
{
	if (e->len >= LEDIT_LINE_MAX || e->cur > e->len || e->buf[e->len] != 0)
		return false;
	for (size_t i = 0; i < e->len; i++)
		if (e->buf[i] < 0x20 || e->buf[i] >= 0x7f)
			return false;
	if (e->hist_count > LEDIT_HISTORY || e->hist_next >= LEDIT_HISTORY ||
	    e->browse > e->hist_count || e->qlen > LEDIT_QUERY_MAX || e->search_k > e->hist_count ||
	    (e->search && !e->history_on))
		return false;
	for (size_t k = 1; k <= e->hist_count; k++) {
		const char *h = hist_entry(e, k);
		size_t n = strnlen(h, LEDIT_LINE_MAX);
		if (n == 0 || n == LEDIT_LINE_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (h[i] < 0x20 || h[i] >= 0x7f)
				return false;
	}
	return true;
}
