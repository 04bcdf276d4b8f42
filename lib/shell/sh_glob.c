/*
 * sh_glob.c - pattern matching, pattern expansion over directories, and
 * path resolution for the shell (sh_glob.h).
 *
 * Expansion walks the pattern one component at a time, keeping the set of
 * paths matched so far: a component with pattern characters lists each
 * path's directory and keeps the entries it matches; a plain component
 * keeps the paths whose directory has that entry. So every path returned
 * exists, and the work is bounded by SH_GLOB_MAX paths a step.
 */
#include "shell/sh_glob.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

/* The byte at *pp, a pattern element ('?', a set, a marked or plain byte)
 * matched against c; *pp moves past the element. */
static bool match_one(const char **pp, char c)
{
	const char *p = *pp;

	if (*p == '?') {
		*pp = p + 1;
		return true;
	}
	if (*p == '\\' && p[1]) {
		*pp = p + 2;
		return p[1] == c;
	}
	if (*p != '[') {
		*pp = p + 1;
		return *p == c;
	}
	const char *q = p + 1;
	bool neg = *q == '!' || *q == '^';
	bool in = false;
	if (neg)
		q++;
	for (bool first = true; *q && (*q != ']' || first); first = false) {
		unsigned char lo = (unsigned char)(*q == '\\' && q[1] ? *++q : *q), hi = lo;
		q++;
		if (q[0] == '-' && q[1] && q[1] != ']') {
			q++;
			hi = (unsigned char)(*q == '\\' && q[1] ? *++q : *q);
			q++;
		}
		in |= (unsigned char)c >= lo && (unsigned char)c <= hi;
	}
	if (!*q) { /* no closing ']': the '[' is itself */
		*pp = p + 1;
		return c == '[';
	}
	*pp = q + 1;
	return in != neg;
}

bool sh_glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	if (*s == '.' && !(p[0] == '.' || (p[0] == '\\' && p[1] == '.')))
		return false;
	while (*s) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		const char *q = p;
		if (*p && match_one(&q, *s)) {
			p = q;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p; /* let the last '*' take one byte more */
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* A path found so far: as the user wrote it, and absolute. */
struct hit {
	char *shown;
	char *abs;
};

struct step {
	char *want;   /* the component: a cooked pattern, or a plain name (unmarked) */
	bool pattern; /* it has unmarked pattern characters */
	bool last;
	const struct hit *from;
	struct hit *next;
	size_t nnext, cap;
	int err;
};

static void hits_free(struct hit *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].shown);
		free(v[i].abs);
	}
	free(v);
}

void sh_glob_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *sh_path_join(const char *dir, const char *name, size_t name_len)
{
	size_t dl = strlen(dir);
	bool slash = dl && dir[dl - 1] != '/';
	char *s = malloc(dl + slash + name_len + 1);

	if (!s)
		return NULL;
	memcpy(s, dir, dl);
	if (slash)
		s[dl] = '/';
	memcpy(s + dl + slash, name, name_len);
	s[dl + slash + name_len] = 0;
	return s;
}

/* The component's literal bytes (its marks removed) in out. */
static void unmark(const char *c, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		if (c[i] == '\\' && i + 1 < len)
			i++;
		*out++ = c[i];
	}
	*out = 0;
}

static void add_hit(struct step *st, const char *name)
{
	if (st->err)
		return;
	if (st->nnext == SH_GLOB_MAX) {
		st->err = ERR_RANGE;
		return;
	}
	if (st->nnext == st->cap) {
		size_t ncap = st->cap ? 2 * st->cap : 8;
		struct hit *nv = realloc(st->next, ncap * sizeof(*nv));
		if (!nv) {
			st->err = ERR_NOMEM;
			return;
		}
		st->next = nv;
		st->cap = ncap;
	}
	struct hit h = {sh_path_join(st->from->shown, name, strlen(name)),
			sh_path_join(st->from->abs, name, strlen(name))};
	/* "." and ".." are kept as written but leave the absolute path
	 * resolved (it never grows: it starts with '/') */
	if (!h.shown || !h.abs ||
	    (name[0] == '.' && sh_path_resolve("/", h.abs, h.abs, strlen(h.abs) + 1))) {
		free(h.shown);
		free(h.abs);
		st->err = ERR_NOMEM;
		return;
	}
	st->next[st->nnext++] = h;
}

static void each_entry(void *arg, const char *name, bool is_dir)
{
	struct step *st = arg;

	if (!st->last && !is_dir)
		return;
	if (st->pattern ? sh_glob_match(st->want, name) : strcmp(st->want, name) == 0)
		add_hit(st, name);
}

/* The length of the path component at s (up to a '/' or the end). */
static size_t comp_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != '/')
		n++;
	return n;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static bool has_pattern(const char *c, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (c[i] == '\\')
			i++;
		else if (c[i] == '*' || c[i] == '?' || c[i] == '[')
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sh_glob(const char *pattern, const char *cwd, const struct sh_dirs *d, char ***out, size_t *n)
{
	struct hit *cur = calloc(1, sizeof(*cur));
	size_t ncur = 1;
	const char *p = pattern;
	int err = 0;

	if (!cur)
		return ERR_NOMEM;
	cur->shown = dup_str(*p == '/' ? "/" : "");
	cur->abs = dup_str(*p == '/' ? "/" : cwd);
	if (!cur->shown || !cur->abs) {
		hits_free(cur, ncur);
		return ERR_NOMEM;
	}
	while (*p && ncur) {
		while (*p == '/')
			p++;
		size_t len = comp_len(p), next = len;
		if (!len)
			break;
		while (p[next] == '/')
			next++;
		struct step st = {
			.want = malloc(len + 1), .pattern = has_pattern(p, len), .last = !p[next]};
		if (!st.want) {
			err = ERR_NOMEM;
			break;
		}
		if (st.pattern) { /* made once a component, not once an entry */
			memcpy(st.want, p, len);
			st.want[len] = 0;
		} else {
			unmark(p, len, st.want);
		}
		for (size_t i = 0; i < ncur && !st.err; i++) {
			st.from = &cur[i];
			if (!st.pattern && (len == 1 || len == 2) && !strncmp(p, "..", len)) {
				add_hit(&st, len == 1 ? "." : ".."); /* not listed: kept */
				continue;
			}
			d->list(d->ctx, cur[i].abs, each_entry, &st);
		}
		free(st.want);
		hits_free(cur, ncur);
		cur = st.next;
		ncur = st.nnext;
		p += len;
		if (st.err) {
			err = st.err;
			break;
		}
	}
	if (err) {
		hits_free(cur, ncur);
		return err;
	}
	char **v = malloc((ncur ? ncur : 1) * sizeof(*v));
	if (!v) {
		hits_free(cur, ncur);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < ncur; i++) {
		v[i] = cur[i].shown;
		free(cur[i].abs);
	}
	free(cur);
	qsort(v, ncur, sizeof(*v), cmp_str);
	*out = v;
	*n = ncur;
	return 0;
}

int sh_path_resolve(const char *cwd, const char *path, char *out, size_t size)
{
	size_t cap = strlen(cwd) + strlen(path) + 3, len = 0;
	char *b = malloc(cap);

	if (!b)
		return ERR_NOMEM;
	for (int part = path[0] == '/'; part < 2; part++) {
		const char *s = part ? path : cwd;
		while (*s) {
			while (*s == '/')
				s++;
			size_t n = comp_len(s);
			if (n == 2 && s[0] == '.' && s[1] == '.') {
				while (len && b[len - 1] != '/')
					len--;
				if (len)
					len--; /* the '/' before it */
			} else if (n && !(n == 1 && s[0] == '.')) {
				b[len++] = '/';
				memcpy(b + len, s, n);
				len += n;
			}
			s += n;
		}
	}
	if (!len)
		b[len++] = '/';
	if (len >= size) {
		free(b);
		return ERR_RANGE;
	}
	memcpy(out, b, len);
	out[len] = 0;
	free(b);
	return 0;
}
