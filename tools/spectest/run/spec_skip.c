/*
 * spec_skip.c - parses the spec runner's skip list (format in spec_exec.h).
 * Portable: the host runner reads the file, the test kernel its copy in
 * the initrd.
 *
 * Invariant: every entry has a non-empty reason; a line that is neither a
 * comment, blank, nor a well-formed entry makes the whole file an error,
 * so a typo cannot silently skip nothing (or everything).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "spec_exec.h"

void spec_skips_free(struct spec_skips *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		free(s->v[i].reason);
	}
	free(s->v);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A copy of the n bytes at s, NUL-ended; NULL if out of memory. */
static char *copy_str(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* "FILE.wast:LINE" -> LINE: decimal digits only, 1 to UINT32_MAX. */
static bool parse_line_no(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return v != 0;
}

/* Parses "PATTERN REASON" (line already trimmed, non-empty). */
static int entry_parse(char *line, struct spec_skip *k)
{
	char *sp = line, *colon, *reason;
	size_t len;

	while (*sp && *sp != ' ' && *sp != '\t')
		sp++;
	reason = sp;
	while (*reason == ' ' || *reason == '\t')
		reason++;
	if (!*reason)
		return ERR_MALFORMED;
	*sp = 0;
	memset(k, 0, sizeof(*k));
	if (strcmp(line, "*:text-malformed") == 0) {
		k->kind = SPEC_SKIP_TEXT_MALFORMED;
	} else {
		colon = strrchr(line, ':');
		if (!colon || colon == line || !colon[1])
			return ERR_MALFORMED;
		*colon = 0;
		len = strlen(line);
		if (len < 6 || strcmp(line + len - 5, ".wast") != 0)
			return ERR_MALFORMED;
		if (strcmp(colon + 1, "*") == 0) {
			k->kind = SPEC_SKIP_FILE;
		} else {
			if (!parse_line_no(colon + 1, &k->line))
				return ERR_MALFORMED;
			k->kind = SPEC_SKIP_LINE;
		}
		k->file = copy_str(line, len);
		if (!k->file)
			return ERR_NOMEM;
	}
	k->reason = copy_str(reason, strlen(reason));
	if (!k->reason) {
		free(k->file);
		return ERR_NOMEM;
	}
	return 0;
}

int spec_skips_parse(const char *path, const char *text, size_t len, struct spec_skips *out,
		     char *err, size_t errlen)
{
	struct spec_skips s = {0};
	const char *end = text + len;
	char line[1024];
	uint32_t where = 0;
	int rc = 0;

	s.path = copy_str(path, strlen(path));
	if (!s.path)
		rc = ERR_NOMEM;
	for (const char *l = text; !rc && l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = (size_t)((nl ? nl : end) - l);
		char *p = line, *e;
		struct spec_skip *v;

		where++;
		if (n >= sizeof(line)) {
			rc = ERR_MALFORMED;
			break;
		}
		memcpy(line, l, n);
		line[n] = 0;
		l = nl ? nl + 1 : end;
		e = line + n;
		while (e > p && is_blank(e[-1]))
			*--e = 0;
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			continue;
		v = realloc(s.v, (s.n + 1) * sizeof(*v));
		if (!v) {
			rc = ERR_NOMEM;
			break;
		}
		s.v = v;
		rc = entry_parse(p, &s.v[s.n]);
		if (!rc)
			s.v[s.n++].where = where;
	}
	if (rc == ERR_MALFORMED)
		fmt_snprintf(err, errlen,
			     "%s:%u: expected \"FILE.wast:LINE REASON\", \"FILE.wast:* REASON\" "
			     "or \"*:text-malformed REASON\"",
			     path, where);
	if (rc == ERR_NOMEM)
		fmt_snprintf(err, errlen, "out of memory");
	if (rc) {
		spec_skips_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}
