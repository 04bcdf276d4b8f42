/*
 * fdt.c - header validation, the one-pass structure check, and lookups.
 *
 * Invariant after fdt_init: the structure block [off_struct, off_struct +
 * size_struct) and strings block lie inside [0, size) of the blob, and the
 * token stream in it is well formed (see fdt.h). Every reader below goes
 * through fdt_tok_read, which bounds-checks anyway, so a bad node offset
 * from a caller can only produce ERR_INVAL.
 */
#include <limits.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "fdt/fdt.h"
#include "fdt/fdt_internal.h"

#define HDR_V16_SIZE 36u /* up to size_dt_strings */
#define HDR_V17_SIZE 40u /* adds size_dt_struct */

/* header field offsets */
enum {
	H_MAGIC = 0,
	H_TOTALSIZE = 4,
	H_OFF_STRUCT = 8,
	H_OFF_STRINGS = 12,
	H_OFF_RSVMAP = 16,
	H_VERSION = 20,
	H_LAST_COMP = 24,
	H_SIZE_STRINGS = 32,
	H_SIZE_STRUCT = 36,
};

static int fail(struct fdt_error *err, int code, uint32_t offset, const char *msg)
{
	if (err) {
		err->offset = offset;
		err->msg = msg;
	}
	return code;
}

uint32_t fdt_totalsize(const void *blob)
{
	const uint8_t *p = blob;
	if (fdt_be32(p + H_MAGIC) != FDT_MAGIC)
		return 0;
	return fdt_be32(p + H_TOTALSIZE);
}

int fdt_tok_read(const struct fdt *f, uint32_t off, struct fdt_tok *t, struct fdt_error *err)
{
	const uint8_t *s = f->blob + f->off_struct;
	uint32_t at = f->off_struct + off;
	uint64_t end;

	if (off % 4 != 0 || off >= f->size_struct || f->size_struct - off < 4)
		return fail(err, ERR_MALFORMED, at, "token past end of structure block");
	t->tag = fdt_be32(s + off);
	t->off = off;
	t->name = NULL;
	t->val = NULL;
	t->len = 0;
	switch (t->tag) {
	case FDT_TOK_BEGIN_NODE: {
		const uint8_t *nul = memchr(s + off + 4, 0, f->size_struct - off - 4);
		if (!nul)
			return fail(err, ERR_MALFORMED, at + 4, "unterminated node name");
		t->name = (const char *)(s + off + 4);
		end = (uint64_t)(nul - s) + 1;
		break;
	}
	case FDT_TOK_PROP: {
		uint32_t nameoff;
		if (f->size_struct - off < 12)
			return fail(err, ERR_MALFORMED, at,
				    "property header past end of structure block");
		t->len = fdt_be32(s + off + 4);
		nameoff = fdt_be32(s + off + 8);
		end = (uint64_t)off + 12 + t->len;
		if (end > f->size_struct)
			return fail(err, ERR_MALFORMED, at + 4,
				    "property value past end of structure block");
		if (nameoff >= f->size_strings)
			return fail(err, ERR_MALFORMED, at + 8,
				    "property name offset out of range");
		if (!memchr(f->blob + f->off_strings + nameoff, 0, f->size_strings - nameoff))
			return fail(err, ERR_MALFORMED, at + 8, "unterminated property name");
		t->name = (const char *)(f->blob + f->off_strings + nameoff);
		t->val = s + off + 12;
		break;
	}
	case FDT_TOK_END_NODE:
	case FDT_TOK_NOP:
	case FDT_TOK_END:
		end = (uint64_t)off + 4;
		break;
	default:
		return fail(err, ERR_MALFORMED, at, "bad token");
	}
	end = ALIGN_UP(end, 4);
	if (end > f->size_struct)
		return fail(err, ERR_MALFORMED, at, "token padding past end of structure block");
	t->next = (uint32_t)end;
	return 0;
}

/* The one-pass walk of fdt_init. On success `*struct_end` is the offset
 * just past the END token. */
static int check_structure(const struct fdt *f, uint32_t *struct_end, struct fdt_error *err)
{
	struct fdt_tok t;
	uint32_t off = 0, depth = 0;
	bool seen_root = false, props_ok = false;
	int e;

	for (;;) {
		if ((e = fdt_tok_read(f, off, &t, err)) < 0)
			return e;
		uint32_t at = f->off_struct + off;
		switch (t.tag) {
		case FDT_TOK_BEGIN_NODE:
			if (depth == 0 && seen_root)
				return fail(err, ERR_MALFORMED, at, "more than one root node");
			if (depth == 0 && t.name[0] != '\0')
				return fail(err, ERR_MALFORMED, at + 4, "root node has a name");
			if (depth > 0 && t.name[0] == '\0')
				return fail(err, ERR_MALFORMED, at + 4, "empty node name");
			if (++depth > FDT_MAX_DEPTH)
				return fail(err, ERR_MALFORMED, at, "nesting too deep");
			seen_root = true;
			props_ok = true;
			break;
		case FDT_TOK_PROP:
			if (depth == 0)
				return fail(err, ERR_MALFORMED, at, "property outside a node");
			if (!props_ok)
				return fail(err, ERR_MALFORMED, at, "property after a subnode");
			break;
		case FDT_TOK_END_NODE:
			if (depth == 0)
				return fail(err, ERR_MALFORMED, at, "unbalanced end of node");
			depth--;
			props_ok = false;
			break;
		case FDT_TOK_END:
			if (!seen_root)
				return fail(err, ERR_MALFORMED, at, "no root node");
			if (depth != 0)
				return fail(err, ERR_MALFORMED, at, "end token inside a node");
			*struct_end = t.next;
			return 0;
		default: /* NOP */
			break;
		}
		off = t.next;
	}
}

static int check_rsvmap(const struct fdt *f, struct fdt_error *err)
{
	for (uint64_t at = f->off_rsvmap;; at += 16) {
		if (at + 16 > f->size)
			return fail(err, ERR_MALFORMED, (uint32_t)MIN(at, f->size),
				    "unterminated memory reservation map");
		if (fdt_be64(f->blob + at) == 0 && fdt_be64(f->blob + at + 8) == 0)
			return 0;
	}
}

int fdt_init(struct fdt *f, const void *blob, size_t max_size, struct fdt_error *err)
{
	const uint8_t *p = blob;
	struct fdt t = {.blob = p};
	uint32_t version, hdr, struct_end;
	int e;

	if (max_size < 8)
		return fail(err, ERR_TRUNC, 0, "blob shorter than the header");
	if (fdt_be32(p + H_MAGIC) != FDT_MAGIC)
		return fail(err, ERR_MALFORMED, H_MAGIC, "bad magic");
	t.size = fdt_be32(p + H_TOTALSIZE);
	if (t.size > max_size)
		return fail(err, ERR_TRUNC, H_TOTALSIZE, "totalsize exceeds the buffer");
	if (t.size < HDR_V16_SIZE)
		return fail(err, ERR_TRUNC, H_TOTALSIZE, "totalsize smaller than the header");
	if (t.size > INT_MAX)
		return fail(err, ERR_UNSUPP, H_TOTALSIZE, "totalsize too large");
	version = fdt_be32(p + H_VERSION);
	if (version < 16)
		return fail(err, ERR_UNSUPP, H_VERSION, "version older than 16");
	if (fdt_be32(p + H_LAST_COMP) > 17)
		return fail(err, ERR_UNSUPP, H_LAST_COMP, "last compatible version newer than 17");
	hdr = version >= 17 ? HDR_V17_SIZE : HDR_V16_SIZE;
	if (t.size < hdr)
		return fail(err, ERR_TRUNC, H_TOTALSIZE, "totalsize smaller than the header");

	t.off_rsvmap = fdt_be32(p + H_OFF_RSVMAP);
	t.off_struct = fdt_be32(p + H_OFF_STRUCT);
	t.off_strings = fdt_be32(p + H_OFF_STRINGS);
	t.size_strings = fdt_be32(p + H_SIZE_STRINGS);
	if (t.off_rsvmap < hdr || t.off_rsvmap >= t.size)
		return fail(err, ERR_MALFORMED, H_OFF_RSVMAP, "reservation map outside the blob");
	if (t.off_rsvmap % 8 != 0)
		return fail(err, ERR_MALFORMED, H_OFF_RSVMAP, "reservation map misaligned");
	if (t.off_struct < hdr || t.off_struct >= t.size)
		return fail(err, ERR_MALFORMED, H_OFF_STRUCT, "structure block outside the blob");
	if (t.off_struct % 4 != 0)
		return fail(err, ERR_MALFORMED, H_OFF_STRUCT, "structure block misaligned");
	if (version >= 17) {
		t.size_struct = fdt_be32(p + H_SIZE_STRUCT);
		if ((uint64_t)t.off_struct + t.size_struct > t.size)
			return fail(err, ERR_MALFORMED, H_SIZE_STRUCT,
				    "structure block past totalsize");
	} else {
		t.size_struct = t.size - t.off_struct; /* narrowed to END below */
	}
	if (t.off_strings < hdr || t.off_strings > t.size)
		return fail(err, ERR_MALFORMED, H_OFF_STRINGS, "strings block outside the blob");
	if ((uint64_t)t.off_strings + t.size_strings > t.size)
		return fail(err, ERR_MALFORMED, H_SIZE_STRINGS, "strings block past totalsize");

	if ((e = check_rsvmap(&t, err)) < 0)
		return e;
	if ((e = check_structure(&t, &struct_end, err)) < 0)
		return e;
	if (version < 17)
		t.size_struct = struct_end;
	*f = t;
	return 0;
}

int fdt_node_tok(const struct fdt *f, int node, struct fdt_tok *t)
{
	if (node < 0 || fdt_tok_read(f, (uint32_t)node, t, NULL) < 0 ||
	    t->tag != FDT_TOK_BEGIN_NODE)
		return ERR_INVAL;
	return 0;
}

const char *fdt_node_name(const struct fdt *f, int node)
{
	struct fdt_tok t;
	return fdt_node_tok(f, node, &t) < 0 ? NULL : t.name;
}

/* The token after `node`'s properties (and NOPs): a child, or its END_NODE. */
static int skip_props(const struct fdt *f, const struct fdt_tok *node, struct fdt_tok *t)
{
	uint32_t off = node->next;
	for (;;) {
		if (fdt_tok_read(f, off, t, NULL) < 0)
			return ERR_INVAL;
		if (t->tag != FDT_TOK_PROP && t->tag != FDT_TOK_NOP)
			return 0;
		off = t->next;
	}
}

int fdt_prop_find(const struct fdt *f, int node, const char *name, struct fdt_tok *prop)
{
	struct fdt_tok t;
	uint32_t off;

	if (fdt_node_tok(f, node, &t) < 0)
		return ERR_INVAL;
	for (off = t.next;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_NOP)
			continue;
		if (t.tag != FDT_TOK_PROP)
			return ERR_NOENT;
		if (strcmp(t.name, name) == 0) {
			*prop = t;
			return 0;
		}
	}
}

int fdt_getprop(const struct fdt *f, int node, const char *name, const void **val, uint32_t *len)
{
	struct fdt_tok t;
	int e = fdt_prop_find(f, node, name, &t);
	if (e < 0)
		return e;
	*val = t.val;
	*len = t.len;
	return 0;
}

int fdt_getprop_u32(const struct fdt *f, int node, const char *name, uint32_t *v)
{
	struct fdt_tok t;
	int e = fdt_prop_find(f, node, name, &t);
	if (e < 0)
		return e;
	if (t.len != 4)
		return ERR_MALFORMED;
	*v = fdt_be32(t.val);
	return 0;
}

int fdt_first_child(const struct fdt *f, int node, int *child)
{
	struct fdt_tok n, t;
	if (fdt_node_tok(f, node, &n) < 0 || skip_props(f, &n, &t) < 0)
		return ERR_INVAL;
	if (t.tag != FDT_TOK_BEGIN_NODE)
		return ERR_NOENT;
	*child = (int)t.off;
	return 0;
}

int fdt_next_sibling(const struct fdt *f, int node, int *next)
{
	struct fdt_tok t;
	uint32_t depth = 0, off;

	if (fdt_node_tok(f, node, &t) < 0)
		return ERR_INVAL;
	/* skip the node's subtree, then NOPs */
	for (off = (uint32_t)node;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_BEGIN_NODE) {
			depth++;
		} else if (t.tag == FDT_TOK_END_NODE) {
			if (--depth == 0)
				break;
		} else if (t.tag == FDT_TOK_END) {
			return ERR_INVAL;
		}
	}
	for (off = t.next;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_BEGIN_NODE) {
			*next = (int)t.off;
			return 0;
		}
		if (t.tag != FDT_TOK_NOP)
			return ERR_NOENT; /* parent's END_NODE, or END after the root */
	}
}

int fdt_parent_offset(const struct fdt *f, int node, int *parent)
{
	uint32_t stack[FDT_MAX_DEPTH];
	uint32_t depth = 0, off;
	struct fdt_tok t;

	if (fdt_node_tok(f, node, &t) < 0)
		return ERR_INVAL;
	for (off = 0; off <= (uint32_t)node; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_BEGIN_NODE) {
			if (off == (uint32_t)node) {
				if (depth == 0)
					return ERR_NOENT;
				*parent = (int)stack[depth - 1];
				return 0;
			}
			if (depth == FDT_MAX_DEPTH)
				return ERR_INVAL;
			stack[depth++] = off;
		} else if (t.tag == FDT_TOK_END_NODE) {
			if (depth == 0)
				return ERR_INVAL;
			depth--;
		}
	}
	return ERR_INVAL; /* `node` is not on a token boundary */
}

/* Does node name `name` match path component [c, c+n)? Exact, or the
 * component has no '@' and `name` is "component@unit". */
static int name_match(const char *name, const char *c, size_t n)
{
	if (strncmp(name, c, n) != 0)
		return 0;
	if (name[n] == '\0')
		return 2;
	return name[n] == '@' && !memchr(c, '@', n) ? 1 : 0;
}

/* The root: the first token that is not a NOP (fdt_init checked it is a
 * BEGIN_NODE). */
static int root_node(const struct fdt *f, int *root)
{
	struct fdt_tok t;
	for (uint32_t off = 0;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_BEGIN_NODE) {
			*root = (int)off;
			return 0;
		}
	}
}

int fdt_path_offset_len(const struct fdt *f, const char *path, size_t len, int *node)
{
	const char *end = path + len;
	int cur, child, e;

	if (len == 0 || path[0] != '/')
		return ERR_INVAL;
	if ((e = root_node(f, &cur)) < 0)
		return e;
	while (path < end) {
		const char *c;
		size_t n;
		int best = -1;

		while (path < end && *path == '/')
			path++;
		if (path == end)
			break;
		c = path;
		while (path < end && *path != '/')
			path++;
		n = (size_t)(path - c);
		for (e = fdt_first_child(f, cur, &child); e == 0;
		     e = fdt_next_sibling(f, child, &child)) {
			int m = name_match(fdt_node_name(f, child), c, n);
			if (m == 2) {
				best = child;
				break;
			}
			if (m == 1 && best < 0)
				best = child;
		}
		if (e != 0 && e != ERR_NOENT)
			return e;
		if (best < 0)
			return ERR_NOENT;
		cur = best;
	}
	*node = cur;
	return 0;
}

int fdt_path_offset(const struct fdt *f, const char *path, int *node)
{
	return fdt_path_offset_len(f, path, strlen(path), node);
}

int fdt_node_check_compatible(const struct fdt *f, int node, const char *compat)
{
	struct fdt_tok t;
	size_t want = strlen(compat) + 1;
	int e = fdt_prop_find(f, node, "compatible", &t);

	if (e < 0)
		return e;
	for (uint32_t i = 0; i < t.len;) {
		const char *s = (const char *)t.val + i;
		size_t n = strnlen(s, t.len - i);
		if (n + 1 == want && memcmp(s, compat, want - 1) == 0 && n < t.len - i)
			return 0;
		i += (uint32_t)n + 1;
	}
	return ERR_NOENT;
}

bool fdt_node_is_enabled(const struct fdt *f, int node)
{
	struct fdt_tok t;
	if (fdt_prop_find(f, node, "status", &t) < 0)
		return true;
	return (t.len == 5 && memcmp(t.val, "okay", 5) == 0) ||
	       (t.len == 3 && memcmp(t.val, "ok", 3) == 0);
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat, int *node)
{
	struct fdt_tok t;
	uint32_t off = 0;

	if (after >= 0) {
		if (fdt_node_tok(f, after, &t) < 0)
			return ERR_INVAL;
		off = t.next;
	} else if (after != -1) {
		return ERR_INVAL;
	}
	for (;; off = t.next) {
		if (fdt_tok_read(f, off, &t, NULL) < 0)
			return ERR_INVAL;
		if (t.tag == FDT_TOK_END)
			return ERR_NOENT;
		if (t.tag == FDT_TOK_BEGIN_NODE &&
		    fdt_node_check_compatible(f, (int)off, compat) == 0) {
			*node = (int)off;
			return 0;
		}
	}
}

int fdt_cells(const struct fdt *f, int node, uint32_t *ac, uint32_t *sc)
{
	uint32_t a = 2, s = 1;
	int e = fdt_getprop_u32(f, node, "#address-cells", &a);
	if (e < 0 && e != ERR_NOENT)
		return e;
	e = fdt_getprop_u32(f, node, "#size-cells", &s);
	if (e < 0 && e != ERR_NOENT)
		return e;
	*ac = a;
	*sc = s;
	return 0;
}

int fdt_reg_decode(const uint8_t *val, uint32_t len, uint32_t ac, uint32_t sc, unsigned idx,
		   uint64_t *base, uint64_t *size)
{
	uint32_t entry;
	if (ac < 1 || ac > 2 || sc > 2)
		return ERR_UNSUPP;
	entry = (ac + sc) * 4;
	if (len % entry != 0)
		return ERR_MALFORMED;
	if (idx >= len / entry)
		return ERR_NOENT;
	val += (size_t)idx * entry;
	*base = ac == 2 ? fdt_be64(val) : fdt_be32(val);
	val += ac * 4;
	*size = sc == 2 ? fdt_be64(val) : sc == 1 ? fdt_be32(val) : 0;
	return 0;
}

int fdt_reg(const struct fdt *f, int node, unsigned idx, uint64_t *base, uint64_t *size)
{
	struct fdt_tok t;
	uint32_t ac, sc;
	int parent, e;

	if ((e = fdt_parent_offset(f, node, &parent)) < 0)
		return e == ERR_NOENT ? ERR_INVAL : e;
	if ((e = fdt_cells(f, parent, &ac, &sc)) < 0)
		return e;
	if ((e = fdt_prop_find(f, node, "reg", &t)) < 0)
		return e;
	return fdt_reg_decode(t.val, t.len, ac, sc, idx, base, size);
}

int fdt_rsvmap_entry(const struct fdt *f, unsigned idx, uint64_t *base, uint64_t *size)
{
	/* fdt_init found the terminator inside the blob, so stopping at it
	 * keeps every read in bounds. */
	for (unsigned i = 0;; i++) {
		const uint8_t *p = f->blob + f->off_rsvmap + (size_t)i * 16;
		uint64_t b = fdt_be64(p), s = fdt_be64(p + 8);
		if (b == 0 && s == 0)
			return ERR_NOENT;
		if (i == idx) {
			*base = b;
			*size = s;
			return 0;
		}
	}
}
