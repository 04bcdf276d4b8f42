/*
 * spec_skip.c - reads the spec runner's skip list (format in spec_exec.h).
 *
 * Invariant: every entry has a non-empty reason; a line that is neither a
 * comment, blank, nor a well-formed entry makes the whole file an error,
 * so a typo cannot silently skip nothing (or everything).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
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

/* Parses "PATTERN REASON" (line already trimmed, non-empty). */
static int entry_parse(char *line, struct spec_skip *k)
{
	char *sp = line + strcspn(line, " \t"), *colon, *reason = sp, *end;
	unsigned long ln;

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
		if (strlen(line) < 6 || strcmp(line + strlen(line) - 5, ".wast") != 0)
			return ERR_MALFORMED;
		if (strcmp(colon + 1, "*") == 0) {
			k->kind = SPEC_SKIP_FILE;
		} else {
			ln = strtoul(colon + 1, &end, 10);
			if (*end || !isdigit((unsigned char)colon[1]) || ln == 0 || ln > UINT32_MAX)
				return ERR_MALFORMED;
			k->kind = SPEC_SKIP_LINE;
			k->line = (uint32_t)ln;
		}
		k->file = strdup(line);
		if (!k->file)
			return ERR_NOMEM;
	}
	k->reason = strdup(reason);
	if (!k->reason) {
		free(k->file);
		return ERR_NOMEM;
	}
	return 0;
}

int spec_skips_load(const char *path, struct spec_skips *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct spec_skips s = {0};
	char line[1024];
	uint32_t where = 0;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return ERR_IO;
	}
	s.path = strdup(path);
	if (!s.path)
		rc = ERR_NOMEM;
	while (!rc && fgets(line, sizeof(line), f)) {
		char *p = line, *e = line + strlen(line);
		struct spec_skip *v;

		where++;
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = 0;
		while (isspace((unsigned char)*p))
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
		if (rc == ERR_MALFORMED)
			snprintf(
				err, errlen,
				"%s:%u: expected \"FILE.wast:LINE REASON\", \"FILE.wast:* REASON\" "
				"or \"*:text-malformed REASON\"",
				path, where);
		if (!rc)
			s.v[s.n++].where = where;
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = ERR_IO;
	}
	if (rc == ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	fclose(f);
	if (rc) {
		spec_skips_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}
