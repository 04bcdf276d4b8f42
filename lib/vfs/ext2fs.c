/*
 * ext2fs.c - an ext2 filesystem (lib/ext2) in the VFS: its nodes are a
 * cache of the disk. A directory's entries become child nodes the first
 * time a walk or a listing looks into it (`loaded`); from then on the
 * node tree and the disk change together: every change goes to ext2
 * first and touches the tree only when ext2 accepted it. File data is
 * never cached here (ext2 has its own block cache).
 *
 *   /data (mounted) --> root node (ino 2, loaded) --> "notes" (ino 12, reg,
 *                       size from ext2_stat)  --> "logs" (ino 13, dir,
 *                       not loaded until something looks inside)
 *
 * Invariant: a node of an ext2 fs holds an ext2_iget reference on its
 * inode (dropped when the node is freed), so a file unlinked while open
 * keeps its blocks until its last close; u.reg.size is the file's size on
 * disk, changed under vfs->lock.
 *
 * Locks: every ext2 call holds the fs's e2_lock, which serializes them
 * (lib/ext2 locks nothing). Namespace changes, directory loads, truncate
 * and sync take it inside vfs->lock (order: vfs->lock, then e2_lock).
 * File data, the long part, does not keep vfs->lock: read and write let
 * go of it, take e2_lock alone for the ext2 call, and take vfs->lock back
 * after, so the disk access of a /data file holds up other /data calls
 * only, never the rest of the namespace (tmpfs, /proc, other CPUs' opens).
 * That is safe because the node stays: the caller's open file holds it,
 * and its e2ino changes only when it is freed. Neither lock is given up
 * inside ext2, and the device must complete without the task yielding
 * (the kernel polls virtio-blk: its holder never sleeps, so a waiter on
 * another CPU spins briefly and there is no deadlock on one CPU).
 *
 * The cache of directories is bounded: past VFS_EXT2_DIRS loaded ones, a
 * close (vfs_ext2_trim) unloads every directory whose subtree holds no
 * open file and no mount point (vfs_close is a place where no one keeps
 * a node without a reference: namespace calls hold vfs->lock throughout,
 * file data holds its node through the open file).
 *
 * Not supported on ext2: hard links (vfs_link: ERR_PERM), which would need
 * a ring of nodes that share one inode's size.
 */
#include <stdlib.h>
#include <string.h>

#include "ext2/ext2.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

#define NS_PER_S 1000000000ull

static void e2_enter(struct vfs_fs *fs)
{
	spin_acquire(&fs->e2_lock);
}

static void e2_leave(struct vfs_fs *fs)
{
	spin_release(&fs->e2_lock);
}

uint32_t vfs_ext2_clock(void *arg)
{
	struct vfs *v = arg;

	return (uint32_t)(vfs_now(v) / NS_PER_S);
}

/* Copies an inode's attributes into its node. */
static void node_fill(struct vfs_node *n, const struct ext2_stat *st)
{
	n->ino = st->ino;
	n->e2ino = st->ino;
	n->atim = st->atime * NS_PER_S;
	n->mtim = st->mtime * NS_PER_S;
	n->ctim = st->ctime * NS_PER_S;
	if (n->type == VFS_TYPE_REG) {
		n->u.reg.size = st->size;
		n->e2shared = st->nlink > 1;
	}
}

int vfs_ext2_create(struct vfs *v, struct ext2_fs *e2, struct vfs_fs **out)
{
	struct ext2_stat st;
	struct vfs_fs *fs;
	int e = ext2_stat(e2, EXT2_ROOT_INO, &st);

	if (!e && st.type != EXT2_TYPE_DIR)
		e = ERR_MALFORMED;
	if (!e)
		e = ext2_iget(e2, EXT2_ROOT_INO);
	if (e)
		return e;
	e = vfs_fs_new(v, VFS_FS_EXT2, &fs);
	if (e) {
		ext2_iput(e2, EXT2_ROOT_INO);
		return e;
	}
	spin_acquire(&v->lock);
	fs->e2 = e2;
	spin_init(&fs->e2_lock);
	fs->e2_trim_at = VFS_EXT2_DIRS;
	fs->readonly = ext2_readonly(e2);
	node_fill(fs->root, &st);
	spin_release(&v->lock);
	*out = fs;
	return 0;
}

/* ---- loading a directory ---- */

/* The entries of a directory, gathered by readdir (which may not call
 * ext2) before their inodes are read. */
struct entry {
	uint32_t ino;
	enum ext2_type type;
	uint32_t namelen;
	char name[EXT2_NAME_MAX + 1];
};

struct gather {
	struct entry *ents;
	size_t n, cap;
	int err;
};

static bool gather_one(void *arg, const struct ext2_dirent *d)
{
	struct gather *g = arg;

	if (vfs_name_is_dot(d->name, d->namelen))
		return true;
	if (d->namelen == 0 || d->namelen > EXT2_NAME_MAX || memchr(d->name, '/', d->namelen) ||
	    memchr(d->name, 0, d->namelen))
		return true; /* a name no path can reach: skipped */
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct entry *p = realloc(g->ents, cap * sizeof(*p));

		if (!p) {
			g->err = ERR_NOMEM;
			return false;
		}
		g->ents = p;
		g->cap = cap;
	}
	struct entry *en = &g->ents[g->n++];
	en->ino = d->ino;
	en->type = d->type;
	en->namelen = d->namelen;
	memcpy(en->name, d->name, d->namelen);
	en->name[d->namelen] = 0;
	return true;
}

static enum vfs_type vfs_type_of(enum ext2_type t)
{
	switch (t) {
	case EXT2_TYPE_DIR:
		return VFS_TYPE_DIR;
	case EXT2_TYPE_REG:
		return VFS_TYPE_REG;
	case EXT2_TYPE_LNK:
		return VFS_TYPE_LNK;
	default:
		return 0; /* devices, fifos, sockets: not shown */
	}
}

/* A node for inode `st` named `name` in `dir` (lock held). */
static int node_add(struct vfs_node *dir, const char *name, size_t namelen,
		    const struct ext2_stat *st, struct vfs_node **out)
{
	struct ext2_fs *e2 = dir->fs->e2;
	enum vfs_type type = vfs_type_of(st->type);
	char *target = NULL;
	struct vfs_node *n;
	size_t tlen = 0;
	int e;

	if (!type)
		return 0;
	if (type == VFS_TYPE_LNK) {
		if (st->size == 0 || st->size > VFS_PATH_MAX)
			return ERR_MALFORMED;
		target = malloc((size_t)st->size + 1);
		if (!target)
			return ERR_NOMEM;
		e = ext2_readlink(e2, st->ino, target, (size_t)st->size, &tlen);
		if (!e && tlen != st->size)
			e = ERR_MALFORMED;
		if (e) {
			free(target);
			return e;
		}
		target[tlen] = 0;
		if (strlen(target) != tlen) {
			free(target);
			return ERR_MALFORMED;
		}
	}
	e = ext2_iget(e2, st->ino);
	if (e) {
		free(target);
		return e;
	}
	e = vfs_node_new(dir->fs, name, namelen, type, &n);
	if (e) {
		ext2_iput(e2, st->ino);
		free(target);
		return e;
	}
	node_fill(n, st);
	if (type == VFS_TYPE_LNK) {
		n->u.lnk.target = target;
		n->u.lnk.len = (uint32_t)tlen;
		dir->fs->used += tlen;
	}
	vfs_node_link(dir, n);
	if (out)
		*out = n;
	return 0;
}

int vfs_ext2_load(struct vfs_node *dir)
{
	struct ext2_fs *e2 = dir->fs->e2;
	struct gather g = {0};
	uint64_t mtim = dir->mtim, ctim = dir->ctim;
	int e;

	if (dir->fs->kind != VFS_FS_EXT2 || dir->type != VFS_TYPE_DIR || dir->loaded)
		return 0;
	e2_enter(dir->fs);
	e = ext2_readdir(e2, dir->e2ino, 0, gather_one, &g);
	if (!e)
		e = g.err;
	for (size_t i = 0; i < g.n && !e; i++) {
		struct ext2_stat st;

		if (vfs_node_child(dir, g.ents[i].name, g.ents[i].namelen))
			continue; /* a duplicate name: the first wins */
		e = ext2_stat(e2, g.ents[i].ino, &st);
		if (!e && st.type == EXT2_TYPE_DIR && g.ents[i].ino == dir->e2ino)
			e = ERR_MALFORMED; /* a directory inside itself */
		if (!e)
			e = node_add(dir, g.ents[i].name, g.ents[i].namelen, &st, NULL);
	}
	e2_leave(dir->fs); /* before the unlinks below: freeing a node takes it */
	free(g.ents);
	dir->mtim = mtim; /* loading is not a change */
	dir->ctim = ctim;
	if (e) {
		/* drop what was added: the next look tries again */
		while (dir->u.dir.first)
			vfs_node_unlink(dir->u.dir.first);
		dir->u.dir.next_cookie = VFS_COOKIE_FIRST;
		return e;
	}
	dir->loaded = true;
	dir->fs->e2_dirs++;
	return 0;
}

/* ---- changes ---- */

static int new_locked(struct vfs_node *dir, const char *name, size_t namelen, enum vfs_type type,
		      const char *target, struct vfs_node **out)
{
	struct ext2_fs *e2 = dir->fs->e2;
	struct ext2_stat st;
	uint32_t ino;
	int e;

	/* what node_add would refuse is refused before the disk changes */
	if (type == VFS_TYPE_LNK && (!target[0] || strlen(target) > VFS_PATH_MAX))
		return target[0] ? ERR_RANGE : ERR_INVAL;
	if (type == VFS_TYPE_DIR)
		e = ext2_mkdir(e2, dir->e2ino, name, namelen, 0755, &ino);
	else if (type == VFS_TYPE_LNK)
		e = ext2_symlink(e2, dir->e2ino, name, namelen, target, strlen(target), &ino);
	else
		e = ext2_create(e2, dir->e2ino, name, namelen, 0644, &ino);
	if (e)
		return e;
	e = ext2_stat(e2, ino, &st);
	if (!e)
		e = node_add(dir, name, namelen, &st, out);
	if (e) { /* out of memory: the name goes, as if never made */
		if (type == VFS_TYPE_DIR)
			ext2_rmdir(e2, dir->e2ino, name, namelen);
		else
			ext2_unlink(e2, dir->e2ino, name, namelen);
		return e;
	}
	if (type == VFS_TYPE_DIR) {
		(*out)->loaded = true; /* new and empty */
		dir->fs->e2_dirs++;
	}
	return 0;
}

int vfs_ext2_new(struct vfs_node *dir, const char *name, size_t namelen, enum vfs_type type,
		 const char *target, struct vfs_node **out)
{
	e2_enter(dir->fs);
	int e = new_locked(dir, name, namelen, type, target, out);
	e2_leave(dir->fs);
	return e;
}

int vfs_ext2_remove(struct vfs_node *dir, struct vfs_node *n)
{
	struct ext2_fs *e2 = dir->fs->e2;
	int e;

	e2_enter(dir->fs);
	if (n->type == VFS_TYPE_DIR)
		e = ext2_rmdir(e2, dir->e2ino, n->name, n->namelen);
	else
		e = ext2_unlink(e2, dir->e2ino, n->name, n->namelen);
	e2_leave(dir->fs);
	return e;
}

int vfs_ext2_rename(struct vfs_node *dir, struct vfs_node *n, struct vfs_node *new_dir,
		    const char *name, size_t namelen)
{
	e2_enter(dir->fs);
	int e = ext2_rename(dir->fs->e2, dir->e2ino, n->name, n->namelen, new_dir->e2ino, name,
			    namelen);
	e2_leave(dir->fs);
	return e;
}

void vfs_ext2_put(struct vfs_node *n)
{
	if (n->type == VFS_TYPE_DIR && n->loaded) {
		n->loaded = false;
		n->fs->e2_dirs--;
	}
	if (n->e2ino) {
		e2_enter(n->fs);
		ext2_iput(n->fs->e2, n->e2ino);
		e2_leave(n->fs);
	}
	n->e2ino = 0;
}

/* ---- the directory cache's bound ---- */

/* Whether nothing in d's subtree is open or has a fs mounted on it. */
static bool subtree_idle(const struct vfs_node *d)
{
	for (const struct vfs_node *cur = d; cur; cur = vfs_tree_next(d, cur))
		if (cur->refs || (cur->type == VFS_TYPE_DIR && cur->u.dir.mounted))
			return false;
	return true;
}

/* Frees d's child nodes (their pins and loaded directories go with them):
 * d reads its entries from the disk again when next looked into. */
static void unload(struct vfs_node *d)
{
	uint64_t mtim = d->mtim, ctim = d->ctim;

	while (d->u.dir.first)
		vfs_node_unlink(d->u.dir.first);
	d->mtim = mtim; /* unloading is not a change */
	d->ctim = ctim;
	d->u.dir.next_cookie = VFS_COOKIE_FIRST;
	d->loaded = false;
	d->fs->e2_dirs--;
}

void vfs_ext2_trim(struct vfs_fs *fs)
{
	struct vfs_node *root = fs->root;

	if (fs->e2_dirs <= fs->e2_trim_at)
		return;
	/* pre-order: an unloaded directory has no children to descend into,
	 * a busy one is looked into for idle ones below it */
	for (struct vfs_node *cur = vfs_tree_next(root, root); cur; cur = vfs_tree_next(root, cur))
		if (cur->type == VFS_TYPE_DIR && cur->loaded && subtree_idle(cur))
			unload(cur);
	/* what is still loaded is in use: no new sweep until it doubles */
	fs->e2_trim_at = fs->e2_dirs > VFS_EXT2_DIRS / 2 ? 2 * fs->e2_dirs : VFS_EXT2_DIRS;
}

/* ---- file data ---- */

/* The disk access of read and write: vfs->lock (held by the caller) is
 * let go meanwhile (see the top of the file). */
int vfs_ext2_read(struct vfs_node *n, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	struct vfs *v = n->fs->vfs;

	spin_release(&v->lock);
	e2_enter(n->fs);
	int e = ext2_read(n->fs->e2, n->e2ino, off, buf, len, out_n);
	e2_leave(n->fs);
	spin_acquire(&v->lock);
	return e;
}

/*
 * A file of more names than one (hard links made on the host: the VFS
 * makes none here) has a node per name, each with its own size: it is
 * read-only, so that no name's node goes stale. ERR_PERM then. The count
 * is the one its node was made with (node_fill): the VFS adds no names,
 * and a name removed on the host side of a shared file is not seen
 * until the next boot, which errs on the side of read-only.
 */
static int writable(const struct vfs_node *n)
{
	return n->e2shared ? ERR_PERM : 0;
}

int vfs_ext2_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off)
{
	struct vfs *v = n->fs->vfs;
	struct ext2_stat st;
	size_t done = 0;
	int e = writable(n);

	if (e)
		return e;
	spin_release(&v->lock);
	e2_enter(n->fs);
	e = ext2_write(n->fs->e2, n->e2ino, off, buf, len, &done);
	e2_leave(n->fs);
	spin_acquire(&v->lock);
	/* a truncate may have come between: the disk says what the size is */
	if (done && off + done > n->u.reg.size) {
		e2_enter(n->fs);
		if (!ext2_stat(n->fs->e2, n->e2ino, &st))
			n->u.reg.size = st.size;
		e2_leave(n->fs);
	}
	if (!e && done < len)
		e = ERR_NOSPC; /* the file keeps what fit */
	return e;
}

int vfs_ext2_resize(struct vfs_node *n, uint64_t size)
{
	int e = writable(n);

	if (e)
		return e;
	e2_enter(n->fs);
	e = ext2_truncate(n->fs->e2, n->e2ino, size);
	e2_leave(n->fs);
	if (!e)
		n->u.reg.size = size;
	return e;
}

int vfs_ext2_set_times(struct vfs_node *n)
{
	e2_enter(n->fs);
	int e = ext2_set_times(n->fs->e2, n->e2ino, (uint32_t)(n->atim / NS_PER_S),
			       (uint32_t)(n->mtim / NS_PER_S));
	e2_leave(n->fs);
	return e;
}

/* ---- the whole fs ---- */

int vfs_sync(struct vfs *v)
{
	int first = 0;

	spin_acquire(&v->lock);
	for (struct vfs_fs *fs = v->fs_list; fs; fs = fs->next) {
		int e = 0;

		if (fs->kind == VFS_FS_EXT2 && !fs->readonly) {
			e2_enter(fs);
			e = ext2_sync(fs->e2);
			e2_leave(fs);
		}
		if (e && !first)
			first = e;
	}
	spin_release(&v->lock);
	return first;
}
