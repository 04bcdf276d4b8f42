/*
 * walk.c - path resolution: from a base directory (or the root), one
 * component at a time, crossing mount points down and ".." up, following
 * symbolic links by splicing their target into the rest of the path.
 *
 *   "l/x", l -> "../d":  rest becomes "../d/x"; ".." from l's directory
 *   a guest's walk counts its depth below base: ".." at depth 0, or a
 *   target from "/", is ERR_NOTCAPABLE (lib/wasi's containment, kept
 *   through links)
 *
 * Invariant: a walk changes no state (v->lock held by the caller) but the
 * cache of an ext2 directory it looks into (ext2fs.c); at most
 * VFS_SYMLINK_MAX links per walk, so every walk ends.
 */
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

struct vfs_node *vfs_node_cross(struct vfs_node *n)
{
	while (n->type == VFS_TYPE_DIR && n->u.dir.mounted)
		n = n->u.dir.mounted->root;
	return n;
}

struct vfs_node *vfs_node_up(struct vfs_node *n)
{
	while (!n->parent) {
		if (!n->linked || !n->fs->covered)
			return n; /* the root of "/", an unmounted root, a removed dir */
		n = n->fs->covered;
	}
	return n->parent;
}

bool vfs_name_is_dot(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/* A path being walked: `p` is the rest of it, in the caller's string or,
 * once a symlink was followed, in `buf` (owned). */
struct walk_state {
	const char *p;
	char *buf;
	unsigned hops;	/* symlinks followed */
	uint64_t depth; /* directories below base (a guest may not go above) */
};

/* The rest of the walk becomes target + rest (rest starts at '/' or is
 * empty). ERR_LOOP, ERR_RANGE, ERR_NOMEM. */
static int walk_splice(struct walk_state *s, const struct vfs_node *link, const char *rest)
{
	size_t tl = link->u.lnk.len, rl = strlen(rest);
	char *n;

	if (++s->hops > VFS_SYMLINK_MAX)
		return ERR_LOOP;
	if (tl + rl > VFS_PATH_MAX)
		return ERR_RANGE;
	n = malloc(tl + rl + 1);
	if (!n)
		return ERR_NOMEM;
	memcpy(n, link->u.lnk.target, tl);
	memcpy(n + tl, rest, rl + 1);
	free(s->buf);
	s->buf = n;
	s->p = n;
	return 0;
}

/* Sets the result fields of *w (not namebuf: a walk never clears its
 * 256 bytes, as a compound literal would at every component). */
static void walk_set(struct vfs_walk *w, struct vfs_node *dir, struct vfs_node *raw,
		     struct vfs_node *node, const char *name, size_t namelen, bool dot,
		     bool trailing)
{
	w->dir = dir;
	w->raw = raw;
	w->node = node;
	w->name = name;
	w->namelen = namelen;
	w->dot = dot;
	w->trailing = trailing;
	w->guest = false;
	w->limit = VFS_ACCESS_NONE;
}

/* vfs_walk without the guest fields of *w, and with the path in s. */
static int walk_steps(struct vfs *v, struct walk_state *s, struct vfs_node *cur, bool guest,
		      enum vfs_access limit, bool follow, struct vfs_walk *w)
{
	walk_set(w, cur, cur, cur, NULL, 0, true, false);
	for (;;) {
		const char *comp, *end;
		size_t len;
		bool last;

		while (*s->p == '/')
			s->p++;
		if (!*s->p)
			return 0; /* "/" or "a/": names cur (already in *w) */
		if (guest && vfs_guest_level(limit, cur) == VFS_ACCESS_NONE)
			return ERR_ACCES; /* a look-up in cur, ".." included */
		comp = s->p;
		while (*s->p && *s->p != '/')
			s->p++;
		len = (size_t)(s->p - comp);
		if (len > VFS_NAME_MAX)
			return ERR_RANGE;
		end = s->p;
		while (*end == '/')
			end++;
		last = !*end;
		if (vfs_name_is_dot(comp, len)) {
			if (len == 2) {
				if (guest && s->depth == 0)
					return ERR_NOTCAPABLE;
				s->depth -= s->depth > 0;
				cur = vfs_node_up(cur);
			}
			walk_set(w, cur, cur, cur, comp, len, true, end != s->p);
		} else {
			struct vfs_node *c;
			int e = vfs_ext2_load(cur); /* an ext2 dir: its entries, once */

			if (e)
				return e;
			c = vfs_node_child(cur, comp, len);

			if (c && c->type == VFS_TYPE_LNK && (!last || follow || end != s->p)) {
				e = walk_splice(s, c, s->p);
				if (e)
					return e;
				if (s->p[0] == '/') {
					if (guest)
						return ERR_NOTCAPABLE;
					cur = v->root_fs->root;
				}
				walk_set(w, cur, cur, cur, NULL, 0, true, false);
				continue;
			}
			if (last) {
				walk_set(w, cur, c, c ? vfs_node_cross(c) : NULL, comp, len, false,
					 end != s->p);
				return 0;
			}
			if (!c)
				return ERR_NOENT;
			if (c->type != VFS_TYPE_DIR)
				return ERR_NOTDIR;
			cur = vfs_node_cross(c);
			s->depth++;
		}
		if (last)
			return 0;
		w->trailing = false;
	}
}

static int walk_path(struct vfs *v, struct vfs_file *base, const char *path, bool guest,
		     enum vfs_access limit, bool follow, struct vfs_walk *w)
{
	struct walk_state s = {.p = path};
	struct vfs_node *cur;
	int e;

	if (strnlen(path, VFS_PATH_MAX + 1) > VFS_PATH_MAX)
		return ERR_RANGE;
	if (!path[0] || !v->root_fs)
		return ERR_NOENT;
	if (base && base->vfs != v)
		return ERR_BADF;
	cur = path[0] == '/' || !base ? v->root_fs->root : base->node;
	if (cur->type != VFS_TYPE_DIR)
		return ERR_NOTDIR;
	e = walk_steps(v, &s, cur, guest, limit, follow, w);
	if (!e && s.buf && w->name) {
		/* the name lives in s.buf, freed below */
		memcpy(w->namebuf, w->name, w->namelen);
		w->namebuf[w->namelen] = 0;
		w->name = w->namebuf;
	}
	free(s.buf);
	return e;
}

int vfs_walk(struct vfs *v, struct vfs_file *base, const char *path, bool follow,
	     struct vfs_walk *w)
{
	/* a file's guest and limit never change after its open: no lock */
	bool guest = base && base->guest;
	enum vfs_access limit = guest ? base->limit : VFS_ACCESS_WRITE;
	int e = walk_path(v, base, path, guest, limit, follow, w);

	if (!e) {
		w->guest = guest;
		w->limit = limit;
	}
	return e;
}

int vfs_fs_walk(struct vfs_fs *fs, const char *path, struct vfs_node **out)
{
	struct vfs_node *cur = fs->root;
	const char *p = path;

	for (;;) {
		const char *comp;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (cur->type != VFS_TYPE_DIR)
			return ERR_NOTDIR;
		comp = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - comp);
		if (vfs_name_is_dot(comp, len))
			return ERR_INVAL;
		cur = vfs_node_child(cur, comp, len);
		if (!cur)
			return ERR_NOENT;
	}
	*out = cur;
	return 0;
}
