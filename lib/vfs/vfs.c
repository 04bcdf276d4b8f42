/*
 * vfs.c - the namespace: the node tree shared by every filesystem, the
 * mount table and the operations on paths (mkdir, rmdir, unlink, rename,
 * stat, truncate). Path resolution is in walk.c, open files in
 * vfs_file.c, links and times in vfs_link.c.
 *
 *   "/tmp/a/../b":  root(initramfs) --"tmp"--> dir tmp, mounted: tmpfs
 *                   --cross down--> tmpfs root --"a"--> a --".."--> tmpfs
 *                   root --"b"--> b
 *   ".." on a filesystem root goes to the parent of the directory it is
 *   mounted on; on the root of "/" it stays there.
 *
 * Invariant: every function takes v->lock once, checks everything, then
 * changes state, so a failure changes nothing (a walk never changes state).
 * A guest's walk and every operation after it go through access.c's checks
 * (vfs_guest_level, vfs_walk_may, vfs_walk_may_change) at the points its
 * header lists.
 */
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "ext2/ext2.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

uint64_t vfs_now(struct vfs *v)
{
	return v->clock ? v->clock(v->clock_arg) : 0;
}

/* ---- the tree ---- */

int vfs_node_new(struct vfs_fs *fs, const char *name, size_t namelen, enum vfs_type type,
		 struct vfs_node **out)
{
	uint64_t cost = VFS_NODE_COST(namelen);
	struct vfs_node *n;

	if (fs->limit && cost > fs->limit - MIN(fs->used, fs->limit))
		return ERR_NOSPC;
	n = calloc(1, sizeof(*n));
	if (!n)
		return ERR_NOMEM;
	n->name = malloc(namelen + 1);
	if (!n->name) {
		free(n);
		return ERR_NOMEM;
	}
	memcpy(n->name, name, namelen);
	n->name[namelen] = 0;
	n->namelen = (uint32_t)namelen;
	n->fs = fs;
	n->type = type;
	n->ino = fs->next_ino++;
	n->atim = n->mtim = n->ctim = vfs_now(fs->vfs);
	n->peer = n;
	if (type == VFS_TYPE_DIR)
		n->u.dir.next_cookie = VFS_COOKIE_FIRST;
	fs->used += cost;
	*out = n;
	return 0;
}

void vfs_node_link(struct vfs_node *dir, struct vfs_node *n)
{
	ASSERT(dir->type == VFS_TYPE_DIR && !n->linked);
	n->parent = dir;
	n->cookie = dir->u.dir.next_cookie++;
	n->prev = dir->u.dir.last;
	n->next = NULL;
	if (dir->u.dir.last)
		dir->u.dir.last->next = n;
	else
		dir->u.dir.first = n;
	dir->u.dir.last = n;
	n->linked = true;
	if (n->type == VFS_TYPE_DIR)
		dir->u.dir.nsubdirs++;
	dir->mtim = dir->ctim = vfs_now(dir->fs->vfs);
}

/* Takes n out of its directory without freeing it. */
static void node_detach(struct vfs_node *n)
{
	struct vfs_node *dir = n->parent;

	ASSERT(n->linked && dir);
	if (n->prev)
		n->prev->next = n->next;
	else
		dir->u.dir.first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		dir->u.dir.last = n->prev;
	if (n->type == VFS_TYPE_DIR)
		dir->u.dir.nsubdirs--;
	n->next = n->prev = NULL;
	n->parent = NULL;
	n->linked = false;
	dir->mtim = dir->ctim = vfs_now(dir->fs->vfs);
}

struct vfs_node *vfs_tree_next(const struct vfs_node *root, const struct vfs_node *cur)
{
	if (cur->type == VFS_TYPE_DIR && cur->u.dir.first)
		return cur->u.dir.first;
	while (cur != root && !cur->next)
		cur = cur->parent;
	return cur == root ? NULL : cur->next;
}

/* Iterative (post-order through parent pointers): a tree may be deeper
 * than a kernel stack allows recursion. */
void vfs_node_free(struct vfs_node *n)
{
	struct vfs_node *cur = n;

	for (;;) {
		struct vfs_node *up;

		ASSERT(cur->refs == 0);
		if (cur->type == VFS_TYPE_DIR && cur->u.dir.first) {
			struct vfs_node *c = cur->u.dir.first;

			cur->u.dir.first = c->next;
			cur = c;
			continue;
		}
		up = cur == n ? NULL : cur->parent;
		if (cur->peer != cur) {
			/* another name keeps the contents */
			struct vfs_node *prev = cur->peer;

			while (prev->peer != cur)
				prev = prev->peer;
			prev->peer = cur->peer;
		} else if (cur->type == VFS_TYPE_REG && !cur->synth) {
			vfs_data_free(cur);
		} else if (cur->type == VFS_TYPE_LNK) {
			cur->fs->used -= cur->u.lnk.len;
			free(cur->u.lnk.target);
		}
		if (cur->fs->kind == VFS_FS_EXT2)
			vfs_ext2_put(cur);
		cur->fs->used -= VFS_NODE_COST(cur->namelen);
		free(cur->name);
		free(cur);
		if (!up)
			return;
		cur = up;
	}
}

void vfs_node_sync(struct vfs_node *n)
{
	for (struct vfs_node *p = n->peer; p != n; p = p->peer) {
		p->ino = n->ino;
		p->atim = n->atim;
		p->mtim = n->mtim;
		p->ctim = n->ctim;
		p->u = n->u;
	}
}

void vfs_node_unlink(struct vfs_node *n)
{
	node_detach(n);
	n->ctim = vfs_now(n->fs->vfs);
	vfs_node_sync(n);
	if (n->refs == 0)
		vfs_node_free(n);
}

struct vfs_node *vfs_node_child(struct vfs_node *dir, const char *name, size_t namelen)
{
	for (struct vfs_node *c = dir->u.dir.first; c; c = c->next)
		if (c->namelen == namelen && memcmp(c->name, name, namelen) == 0)
			return c;
	return NULL;
}

int vfs_fs_new(struct vfs *v, enum vfs_fs_kind kind, struct vfs_fs **out)
{
	struct vfs_fs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return ERR_NOMEM;
	fs->vfs = v;
	fs->kind = kind;
	fs->readonly = kind != VFS_FS_TMPFS;
	fs->next_ino = 1;
	spin_acquire(&v->lock);
	if (vfs_node_new(fs, "", 0, VFS_TYPE_DIR, &fs->root)) {
		spin_release(&v->lock);
		free(fs);
		return ERR_NOMEM;
	}
	fs->root->linked = true;
	fs->dev = v->next_dev++;
	fs->next = v->fs_list;
	v->fs_list = fs;
	spin_release(&v->lock);
	*out = fs;
	return 0;
}

/* ---- the VFS and its mounts ---- */

int vfs_create(vfs_clock_fn clock, void *clock_arg, struct vfs **out)
{
	struct vfs *v = calloc(1, sizeof(*v));

	if (!v)
		return ERR_NOMEM;
	spin_init(&v->lock);
	v->clock = clock;
	v->clock_arg = clock_arg;
	v->next_dev = 1;
	*out = v;
	return 0;
}

static void fs_free(struct vfs_fs *fs)
{
	vfs_node_free(fs->root);
	if (fs->e2)
		(void)ext2_unmount(fs->e2); /* vfs_sync reported errors before */
	free(fs);
}

void vfs_fs_drop(struct vfs_fs *fs)
{
	struct vfs *v = fs->vfs;
	struct vfs_fs **pp;

	spin_acquire(&v->lock);
	ASSERT(!fs->mounted && fs->nopen == 0);
	for (pp = &v->fs_list; *pp != fs; pp = &(*pp)->next)
		;
	*pp = fs->next;
	spin_release(&v->lock);
	fs_free(fs);
}

void vfs_destroy(struct vfs *v)
{
	struct vfs_fs *fs, *next;

	for (fs = v->fs_list; fs; fs = next) {
		next = fs->next;
		ASSERT(fs->nopen == 0);
		fs_free(fs);
	}
	free(v);
}

/* Creates the missing directories of path (kernel setup: ignores readonly). */
static int mkdir_parents(struct vfs *v, const char *path)
{
	struct vfs_node *cur = v->root_fs->root;
	const char *p = path;

	for (;;) {
		struct vfs_node *c;
		const char *comp;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		comp = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - comp);
		if (len > VFS_NAME_MAX)
			return ERR_RANGE;
		if (vfs_name_is_dot(comp, len))
			return ERR_INVAL;
		c = vfs_node_child(cur, comp, len);
		if (!c) {
			if (cur->fs->kind == VFS_FS_SYNTH || cur->fs->kind == VFS_FS_EXT2)
				return ERR_ROFS; /* ext2: a directory would need the disk */
			int e = vfs_node_new(cur->fs, comp, len, VFS_TYPE_DIR, &c);
			if (e)
				return e;
			vfs_node_link(cur, c);
		} else if (c->type != VFS_TYPE_DIR) {
			return ERR_NOTDIR;
		}
		cur = vfs_node_cross(c);
	}
}

static size_t strspn_slash(const char *s)
{
	size_t i = 0;

	while (s[i] == '/')
		i++;
	return i;
}

int vfs_mount(struct vfs *v, const char *path, struct vfs_fs *fs, uint32_t flags)
{
	struct vfs_walk w;
	int e = 0;

	spin_acquire(&v->lock);
	if (fs->vfs != v) {
		e = ERR_INVAL;
	} else if (fs->mounted) {
		e = ERR_BUSY;
	} else if (!v->root_fs) {
		e = path[0] == '/' && !path[strspn_slash(path)] ? 0 : ERR_INVAL;
		if (!e) {
			v->root_fs = fs;
			fs->mounted = true;
		}
	} else {
		if (flags & VFS_MOUNT_MKDIR)
			e = mkdir_parents(v, path);
		if (!e)
			e = vfs_walk(v, NULL, path, true, &w);
		if (!e && !w.node)
			e = ERR_NOENT;
		else if (!e && w.node->type != VFS_TYPE_DIR)
			e = ERR_NOTDIR;
		else if (!e && (w.dot || w.raw->u.dir.mounted))
			e = ERR_BUSY;
		if (!e) {
			w.raw->u.dir.mounted = fs;
			fs->covered = w.raw;
			fs->mounted = true;
		}
	}
	spin_release(&v->lock);
	return e;
}

int vfs_umount(struct vfs *v, const char *path)
{
	struct vfs_fs *fs, **pp;
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, NULL, path, true, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	if (e)
		goto out;
	fs = w.node->fs;
	if (w.node != fs->root || !fs->covered) {
		e = ERR_INVAL;
		goto out;
	}
	if (fs->nopen) {
		e = ERR_BUSY;
		goto out;
	}
	for (struct vfs_fs *o = v->fs_list; o; o = o->next)
		if (o->mounted && o->covered && o->covered->fs == fs) {
			e = ERR_BUSY;
			goto out;
		}
	fs->covered->u.dir.mounted = NULL;
	for (pp = &v->fs_list; *pp != fs; pp = &(*pp)->next)
		;
	*pp = fs->next;
	fs_free(fs);
out:
	spin_release(&v->lock);
	return e;
}

/* ---- operations on paths ---- */

/* How many linked names a non-directory has. */
static uint64_t node_names(const struct vfs_node *n)
{
	uint64_t k = n->linked;

	for (const struct vfs_node *p = n->peer; p != n; p = p->peer)
		k += p->linked;
	return k;
}

void vfs_node_stat(const struct vfs_node *n, struct vfs_stat *out)
{
	*out = (struct vfs_stat){
		.dev = n->fs->dev,
		.ino = n->ino,
		.type = n->type,
		.nlink = n->type == VFS_TYPE_DIR ? 2u + n->u.dir.nsubdirs : node_names(n),
		.size = n->type == VFS_TYPE_REG && !n->synth ? n->u.reg.size
			: n->type == VFS_TYPE_LNK	     ? n->u.lnk.len
							     : 0,
		.atim = n->atim,
		.mtim = n->mtim,
		.ctim = n->ctim,
	};
}

static int stat_at(struct vfs *v, struct vfs_file *base, const char *path, bool follow,
		   struct vfs_stat *out)
{
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, follow, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	else if (!e && w.trailing && w.node->type != VFS_TYPE_DIR)
		e = ERR_NOTDIR;
	if (!e)
		e = vfs_walk_may(&w, w.node, VFS_ACCESS_READ);
	if (!e)
		vfs_node_stat(w.node, out);
	spin_release(&v->lock);
	return e;
}

int vfs_stat(struct vfs *v, struct vfs_file *base, const char *path, struct vfs_stat *out)
{
	return stat_at(v, base, path, true, out);
}

int vfs_lstat(struct vfs *v, struct vfs_file *base, const char *path, struct vfs_stat *out)
{
	return stat_at(v, base, path, false, out);
}

int vfs_mkdir(struct vfs *v, struct vfs_file *base, const char *path)
{
	struct vfs_node *n;
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &w);
	if (e)
		goto out;
	if (w.dot || w.node)
		e = ERR_EXIST;
	else if (!w.dir->linked)
		e = ERR_NOENT;
	else
		e = vfs_walk_may_change(&w, w.dir);
	if (!e && w.dir->fs->kind == VFS_FS_EXT2) {
		e = vfs_ext2_new(w.dir, w.name, w.namelen, VFS_TYPE_DIR, NULL, &n);
	} else if (!e) {
		e = vfs_node_new(w.dir->fs, w.name, w.namelen, VFS_TYPE_DIR, &n);
		if (!e)
			vfs_node_link(w.dir, n);
	}
out:
	spin_release(&v->lock);
	return e;
}

int vfs_rmdir(struct vfs *v, struct vfs_file *base, const char *path)
{
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &w);
	if (e)
		goto out;
	if (w.dot)
		e = w.node->parent ? ERR_INVAL : ERR_BUSY;
	else if (!w.node)
		e = ERR_NOENT;
	else if (w.raw->type != VFS_TYPE_DIR)
		e = ERR_NOTDIR;
	else if (w.raw->u.dir.mounted)
		e = ERR_BUSY;
	else
		e = vfs_walk_may_change(&w, w.dir);
	if (!e && w.raw->u.dir.first)
		e = ERR_NOTEMPTY;
	if (!e && w.raw->fs->kind == VFS_FS_EXT2)
		e = vfs_ext2_remove(w.dir, w.raw);
	if (!e)
		vfs_node_unlink(w.raw);
out:
	spin_release(&v->lock);
	return e;
}

int vfs_unlink(struct vfs *v, struct vfs_file *base, const char *path)
{
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &w);
	if (e)
		goto out;
	if (w.dot || (w.node && w.node->type == VFS_TYPE_DIR))
		e = ERR_ISDIR;
	else if (!w.node)
		e = ERR_NOENT;
	else if (w.trailing)
		e = ERR_NOTDIR;
	else
		e = vfs_walk_may_change(&w, w.dir);
	if (!e && w.raw->fs->kind == VFS_FS_EXT2)
		e = vfs_ext2_remove(w.dir, w.raw);
	if (!e)
		vfs_node_unlink(w.raw);
out:
	spin_release(&v->lock);
	return e;
}

/* Whether dir is n or lies below n (within n's filesystem). */
static bool is_within(const struct vfs_node *dir, const struct vfs_node *n)
{
	for (; dir; dir = dir->parent)
		if (dir == n)
			return true;
	return false;
}

/* The checks of rename, in POSIX's order of precedence as far as it has one. */
static int rename_check(const struct vfs_walk *a, const struct vfs_walk *b)
{
	const struct vfs_node *src = a->raw, *dst = b->raw;
	int e;

	if (a->dot || b->dot)
		return a->dot && !a->node->parent ? ERR_BUSY : ERR_INVAL;
	if (!src)
		return ERR_NOENT;
	if ((src->type == VFS_TYPE_DIR && src->u.dir.mounted) ||
	    (dst && dst->type == VFS_TYPE_DIR && dst->u.dir.mounted))
		return ERR_BUSY;
	if (a->dir->fs != b->dir->fs)
		return ERR_XDEV;
	e = vfs_walk_may_change(a, a->dir);
	if (!e)
		e = vfs_walk_may_change(b, b->dir); /* its own base's rights */
	if (e)
		return e;
	if (src == dst)
		return 0;
	if (src->type != VFS_TYPE_DIR && (a->trailing || b->trailing))
		return ERR_NOTDIR;
	if (src->type == VFS_TYPE_DIR && is_within(b->dir, src))
		return ERR_INVAL;
	if (!b->dir->linked)
		return ERR_NOENT;
	if (dst && src->type == VFS_TYPE_DIR && dst->type != VFS_TYPE_DIR)
		return ERR_NOTDIR;
	if (dst && src->type != VFS_TYPE_DIR && dst->type == VFS_TYPE_DIR)
		return ERR_ISDIR;
	if (dst && dst->type == VFS_TYPE_DIR && dst->u.dir.first)
		return ERR_NOTEMPTY;
	return 0;
}

int vfs_rename(struct vfs *v, struct vfs_file *base, const char *path, struct vfs_file *new_base,
	       const char *new_path)
{
	struct vfs_node *src;
	struct vfs_walk a, b;
	char *name;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &a);
	if (!e)
		e = vfs_walk(v, new_base, new_path, false, &b);
	if (!e)
		e = rename_check(&a, &b);
	if (e || a.raw == b.raw)
		goto out;
	src = a.raw;
	if (src->fs->limit && b.namelen > src->namelen &&
	    b.namelen - src->namelen > src->fs->limit - MIN(src->fs->used, src->fs->limit)) {
		e = ERR_NOSPC; /* the longer name would pass the limit */
		goto out;
	}
	name = malloc(b.namelen + 1);
	if (!name) {
		e = ERR_NOMEM;
		goto out;
	}
	memcpy(name, b.name, b.namelen);
	name[b.namelen] = 0;
	if (src->fs->kind == VFS_FS_EXT2) {
		e = vfs_ext2_rename(a.dir, src, b.dir, b.name, b.namelen);
		if (e) {
			free(name);
			goto out;
		}
	}
	if (b.raw)
		vfs_node_unlink(b.raw);
	node_detach(src);
	src->fs->used = src->fs->used - VFS_NODE_COST(src->namelen) + VFS_NODE_COST(b.namelen);
	free(src->name);
	src->name = name;
	src->namelen = (uint32_t)b.namelen;
	vfs_node_link(b.dir, src);
	src->ctim = vfs_now(v);
	vfs_node_sync(src);
out:
	spin_release(&v->lock);
	return e;
}

int vfs_truncate(struct vfs *v, struct vfs_file *base, const char *path, uint64_t size)
{
	struct vfs_walk w;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, true, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	else if (!e && w.node->type == VFS_TYPE_DIR)
		e = ERR_ISDIR;
	if (!e)
		e = vfs_walk_may(&w, w.node, VFS_ACCESS_WRITE);
	if (!e && w.node->synth)
		e = ERR_PERM;
	else if (!e && w.node->fs->readonly)
		e = ERR_ROFS;
	if (!e)
		e = vfs_data_resize(w.node, size);
	spin_release(&v->lock);
	return e;
}
