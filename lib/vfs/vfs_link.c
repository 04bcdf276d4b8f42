/*
 * vfs_link.c - links and times: creating a symlink, reading its target,
 * a hard link (a new node in the file's ring of names, vfs_internal.h),
 * setting a node's access and modification times.
 *
 *   dir --"l"--> node(LNK, target "x/y")   walked: the rest of the path
 *                                          becomes "x/y/<rest>" (vfs.c)
 *
 * A symlink's target is kept as given; vfs_walk follows it, bounded by
 * VFS_SYMLINK_MAX and kept inside a guest's base. Its bytes count in its
 * filesystem's `used` with the node. Like vfs.c, every function takes
 * v->lock once, checks everything, then changes state.
 */
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

int vfs_symlink(struct vfs *v, struct vfs_file *base, const char *target, const char *path)
{
	size_t tl = strnlen(target, VFS_PATH_MAX + 1);
	struct vfs_node *n;
	struct vfs_walk w;
	char *copy;
	int e;

	if (tl == 0)
		return ERR_INVAL;
	if (tl > VFS_PATH_MAX)
		return ERR_RANGE;
	copy = malloc(tl + 1);
	if (!copy)
		return ERR_NOMEM;
	memcpy(copy, target, tl + 1);
	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &w);
	if (e)
		goto out;
	if (w.dot || w.node)
		e = ERR_EXIST;
	else if (w.trailing)
		e = ERR_NOENT; /* "new/": a directory that does not exist */
	else if (!w.dir->linked)
		e = ERR_NOENT;
	else
		e = vfs_walk_may_change(&w, w.dir);
	if (!e && w.dir->fs->kind != VFS_FS_TMPFS && w.dir->fs->kind != VFS_FS_EXT2)
		e = ERR_PERM; /* synth: only the kernel's callbacks */
	if (!e && w.dir->fs->kind == VFS_FS_EXT2) {
		e = vfs_ext2_new(w.dir, w.name, w.namelen, VFS_TYPE_LNK, copy, &n);
		goto out; /* the node has its own copy of the target */
	}
	if (!e && w.dir->fs->limit &&
	    tl > w.dir->fs->limit - MIN(w.dir->fs->used, w.dir->fs->limit))
		e = ERR_NOSPC;
	if (!e)
		e = vfs_node_new(w.dir->fs, w.name, w.namelen, VFS_TYPE_LNK, &n);
	if (e)
		goto out;
	n->u.lnk.target = copy;
	n->u.lnk.len = (uint32_t)tl;
	n->fs->used += tl;
	copy = NULL;
	vfs_node_link(w.dir, n);
out:
	spin_release(&v->lock);
	free(copy);
	return e;
}

int vfs_readlink(struct vfs *v, struct vfs_file *base, const char *path, char *buf, size_t cap,
		 size_t *out_n)
{
	struct vfs_walk w;
	size_t n;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, false, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	else if (!e && w.node->type != VFS_TYPE_LNK)
		e = ERR_INVAL;
	if (!e)
		e = vfs_walk_may(&w, w.dir, VFS_ACCESS_READ);
	if (!e) {
		n = MIN(cap, (size_t)w.node->u.lnk.len);
		memcpy(buf, w.node->u.lnk.target, n);
		*out_n = n;
	}
	spin_release(&v->lock);
	return e;
}

/* The checks of link, in POSIX's order as far as it has one. */
static int link_check(const struct vfs_walk *a, const struct vfs_walk *b)
{
	if (!a->node)
		return a->dot ? ERR_PERM : ERR_NOENT;
	if (a->node->type == VFS_TYPE_DIR)
		return ERR_PERM;
	if (a->trailing)
		return ERR_NOTDIR;
	if (b->dot || b->node)
		return ERR_EXIST;
	if (b->trailing || !b->dir->linked)
		return ERR_NOENT;
	if (a->node->fs != b->dir->fs)
		return ERR_XDEV;
	if (a->node->synth || a->node->fs->kind == VFS_FS_EXT2)
		return ERR_PERM; /* ext2: no hard links yet (ext2fs.c) */
	return vfs_walk_may_change(b, b->dir);
}

int vfs_link(struct vfs *v, struct vfs_file *base, const char *path, bool follow,
	     struct vfs_file *new_base, const char *new_path)
{
	struct vfs_node *src, *n;
	struct vfs_walk a, b;
	int e;

	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, follow, &a);
	if (!e)
		e = vfs_walk(v, new_base, new_path, false, &b);
	if (!e)
		e = link_check(&a, &b);
	if (!e)
		e = vfs_walk_may(&a, a.node, VFS_ACCESS_READ);
	if (!e)
		e = vfs_node_new(b.dir->fs, b.name, b.namelen, a.node->type, &n);
	if (e)
		goto out;
	src = a.node;
	n->peer = src->peer; /* into the ring, sharing src's contents */
	src->peer = n;
	src->ctim = vfs_now(v);
	vfs_node_sync(src);
	vfs_node_link(b.dir, n);
out:
	spin_release(&v->lock);
	return e;
}

/* Sets n's times as vfs_set_times says (an ext2 file's on disk too:
 * its errors); v->lock held. */
static int times_apply(struct vfs *v, struct vfs_node *n, uint64_t atim, uint64_t mtim,
		       uint32_t flags)
{
	uint64_t now = vfs_now(v);

	if (flags & VFS_TIME_ATIM_NOW)
		n->atim = now;
	else if (flags & VFS_TIME_ATIM)
		n->atim = atim;
	if (flags & VFS_TIME_MTIM_NOW)
		n->mtim = now;
	else if (flags & VFS_TIME_MTIM)
		n->mtim = mtim;
	n->ctim = now;
	vfs_node_sync(n);
	return n->fs->kind == VFS_FS_EXT2 ? vfs_ext2_set_times(n) : 0;
}

static int times_flags_check(uint32_t flags)
{
	const uint32_t all = VFS_TIME_ATIM | VFS_TIME_ATIM_NOW | VFS_TIME_MTIM | VFS_TIME_MTIM_NOW;

	if ((flags & ~all) || ((flags & VFS_TIME_ATIM) && (flags & VFS_TIME_ATIM_NOW)) ||
	    ((flags & VFS_TIME_MTIM) && (flags & VFS_TIME_MTIM_NOW)))
		return ERR_INVAL;
	return 0;
}

int vfs_set_times(struct vfs *v, struct vfs_file *base, const char *path, bool follow,
		  uint64_t atim, uint64_t mtim, uint32_t flags)
{
	struct vfs_walk w;
	int e = times_flags_check(flags);

	if (e)
		return e;
	spin_acquire(&v->lock);
	e = vfs_walk(v, base, path, follow, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	else if (!e && w.trailing && w.node->type != VFS_TYPE_DIR)
		e = ERR_NOTDIR;
	if (!e)
		e = vfs_walk_may(&w, w.node, VFS_ACCESS_WRITE);
	if (!e && w.node->fs->readonly)
		e = ERR_ROFS;
	if (!e)
		e = times_apply(v, w.node, atim, mtim, flags);
	spin_release(&v->lock);
	return e;
}

int vfs_fset_times(struct vfs_file *f, uint64_t atim, uint64_t mtim, uint32_t flags)
{
	struct vfs *v = f->vfs;
	struct vfs_node *n = f->node;
	int e = times_flags_check(flags);

	if (e)
		return e;
	spin_acquire(&v->lock);
	if (f->guest && vfs_guest_level(f->limit, n) != VFS_ACCESS_WRITE)
		e = ERR_ROFS;
	else if (n->fs->readonly)
		e = ERR_ROFS;
	if (!e)
		e = times_apply(v, n, atim, mtim, flags);
	spin_release(&v->lock);
	return e;
}
