/*
 * vfs_file.c - open files: open/close, read/write at the position or at an
 * offset, seek, fstat, ftruncate, readdir, flags.
 *
 * An open file holds a reference on its node (node->refs) and counts in
 * its filesystem's nopen, so an unlinked node lives until its last close
 * and a busy filesystem cannot be unmounted.
 *
 * Invariant: regular-file data and positions change only under vfs->lock;
 * synthetic files go to synth.c, outside that lock.
 */
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

#define OPEN_FLAGS_KEPT (VFS_O_READ | VFS_O_WRITE | VFS_O_APPEND | VFS_O_NONBLOCK)

/* The checks of open on an existing node: POSIX's existence and type
 * errors, then a guest's access, then what the file supports. */
static int open_check(const struct vfs_walk *w, const struct vfs_node *n, uint32_t flags)
{
	bool change = flags & (VFS_O_WRITE | VFS_O_TRUNC);
	int e;

	if ((flags & VFS_O_CREAT) && (flags & VFS_O_EXCL))
		return ERR_EXIST;
	if (n->type == VFS_TYPE_LNK) /* only when not followed: O_NOFOLLOW */
		return flags & VFS_O_DIRECTORY ? ERR_NOTDIR : ERR_LOOP;
	if (n->type != VFS_TYPE_DIR && (w->trailing || (flags & VFS_O_DIRECTORY)))
		return ERR_NOTDIR;
	if (n->type == VFS_TYPE_DIR && change)
		return ERR_ISDIR;
	e = vfs_walk_may(w, n, change ? VFS_ACCESS_WRITE : VFS_ACCESS_READ);
	if (e || n->type == VFS_TYPE_DIR)
		return e;
	if (n->synth) {
		const struct vfs_synth_ops *ops = n->u.syn.ops;

		if ((flags & VFS_O_READ) && !ops->show && !ops->read)
			return ERR_PERM;
		if ((flags & VFS_O_WRITE) && !ops->write)
			return ERR_PERM;
		return 0;
	}
	return change && n->fs->readonly ? ERR_ROFS : 0;
}

/* Finds or creates the node to open and takes a reference; v->lock held. */
static int open_node(struct vfs *v, struct vfs_file *base, const char *path, uint32_t flags,
		     struct vfs_node **out)
{
	struct vfs_node *n;
	struct vfs_walk w;
	int e;

	e = vfs_walk(v, base, path, !(flags & VFS_O_NOFOLLOW), &w);
	if (e)
		return e;
	n = w.node;
	if (n) {
		e = open_check(&w, n, flags);
		if (e)
			return e;
		if ((flags & VFS_O_TRUNC) && !n->synth) {
			e = vfs_data_resize(n, 0);
			if (e)
				return e;
			n->mtim = n->ctim = vfs_now(v);
			vfs_node_sync(n);
		}
	} else {
		if (!(flags & VFS_O_CREAT))
			return ERR_NOENT;
		if (w.trailing || (flags & VFS_O_DIRECTORY))
			return ERR_ISDIR;
		if (!w.dir->linked)
			return ERR_NOENT;
		e = vfs_walk_may_change(&w, w.dir);
		if (e)
			return e;
		if (w.dir->fs->kind == VFS_FS_EXT2) {
			e = vfs_ext2_new(w.dir, w.name, w.namelen, VFS_TYPE_REG, NULL, &n);
			if (e)
				return e;
		} else {
			e = vfs_node_new(w.dir->fs, w.name, w.namelen, VFS_TYPE_REG, &n);
			if (e)
				return e;
			vfs_node_link(w.dir, n);
		}
	}
	n->refs++;
	n->fs->nopen++;
	*out = n;
	return 0;
}

/* Drops the file's reference; frees an unlinked node at the last one. */
static void file_put(struct vfs_file *f)
{
	struct vfs *v = f->vfs;
	struct vfs_node *n = f->node;
	struct vfs_fs *fs = n->fs;

	spin_acquire(&v->lock);
	fs->nopen--;
	if (--n->refs == 0 && !n->linked)
		vfs_node_free(n);
	if (fs->kind == VFS_FS_EXT2)
		vfs_ext2_trim(fs);
	spin_release(&v->lock);
	free(f);
}

int vfs_open(struct vfs *v, struct vfs_file *base, const char *path, uint32_t flags,
	     struct vfs_file **out)
{
	struct vfs_file *f = calloc(1, sizeof(*f));
	bool synth;
	int e;

	if (!f)
		return ERR_NOMEM;
	spin_init(&f->synth_lock);
	f->vfs = v;
	f->flags = flags & OPEN_FLAGS_KEPT;
	f->guest = base && base->guest; /* a guest's file begets a guest's */
	f->limit = f->guest ? base->limit : VFS_ACCESS_WRITE;
	spin_acquire(&v->lock);
	e = open_node(v, base, path, flags, &f->node);
	synth = !e && f->node->synth;
	spin_release(&v->lock);
	if (e) {
		free(f);
		return e;
	}
	if (synth) {
		e = vfs_synth_open(f, flags);
		if (e) {
			file_put(f);
			return e;
		}
	}
	*out = f;
	return 0;
}

void vfs_close(struct vfs_file *f)
{
	if (f->node->synth)
		vfs_synth_release(f);
	file_put(f);
}

/* ---- data ---- */

static int io_check(const struct vfs_file *f, uint32_t need)
{
	if (f->node->type == VFS_TYPE_DIR)
		return ERR_ISDIR;
	if (!(f->flags & need))
		return ERR_BADF;
	return 0;
}

int vfs_read(struct vfs_file *f, void *buf, size_t len, size_t *out_n)
{
	struct vfs *v = f->vfs;
	int e = io_check(f, VFS_O_READ);

	if (e)
		return e;
	if (f->node->synth)
		return vfs_synth_read(f, buf, len, false, 0, out_n);
	spin_acquire(&v->lock);
	e = vfs_data_read(f->node, buf, len, f->pos, &len);
	if (!e)
		f->pos += len;
	spin_release(&v->lock);
	if (!e)
		*out_n = len;
	return e;
}

int vfs_pread(struct vfs_file *f, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	struct vfs *v = f->vfs;
	int e = io_check(f, VFS_O_READ);

	if (e)
		return e;
	if (f->node->synth)
		return vfs_synth_read(f, buf, len, true, off, out_n);
	spin_acquire(&v->lock);
	e = vfs_data_read(f->node, buf, len, off, &len);
	spin_release(&v->lock);
	if (!e)
		*out_n = len;
	return e;
}

/* Writes at off (or the end with APPEND and !positional); v->lock held. */
static int write_locked(struct vfs_file *f, const void *buf, size_t len, bool positional,
			uint64_t off)
{
	struct vfs_node *n = f->node;
	int e;

	if (!positional)
		off = f->flags & VFS_O_APPEND ? n->u.reg.size : f->pos;
	e = vfs_data_write(n, buf, len, off);
	if (e)
		return e;
	if (!positional)
		f->pos = off + len;
	if (len) {
		n->mtim = n->ctim = vfs_now(f->vfs);
		vfs_node_sync(n);
	}
	return 0;
}

int vfs_write(struct vfs_file *f, const void *buf, size_t len, size_t *out_n)
{
	struct vfs *v = f->vfs;
	int e = io_check(f, VFS_O_WRITE);

	if (e)
		return e;
	if (f->node->synth) {
		e = vfs_synth_write(f, buf, len);
	} else {
		spin_acquire(&v->lock);
		e = write_locked(f, buf, len, false, 0);
		spin_release(&v->lock);
	}
	if (!e)
		*out_n = len;
	return e;
}

int vfs_pwrite(struct vfs_file *f, const void *buf, size_t len, uint64_t off, size_t *out_n)
{
	struct vfs *v = f->vfs;
	int e = io_check(f, VFS_O_WRITE);

	if (e)
		return e;
	if (f->node->synth) {
		e = vfs_synth_write(f, buf, len);
	} else {
		spin_acquire(&v->lock);
		e = write_locked(f, buf, len, true, off);
		spin_release(&v->lock);
	}
	if (!e)
		*out_n = len;
	return e;
}

int vfs_seek(struct vfs_file *f, int64_t off, enum vfs_whence whence, uint64_t *out_pos)
{
	struct vfs *v = f->vfs;
	struct vfs_node *n = f->node;
	uint64_t base, pos;
	int e = 0;

	if (n->synth && n->u.syn.ops->stream)
		return ERR_UNSUPP;
	if (n->synth)
		spin_acquire(&f->synth_lock); /* the text's length */
	spin_acquire(&v->lock);
	switch (whence) {
	case VFS_SEEK_SET:
		base = 0;
		break;
	case VFS_SEEK_CUR:
		base = f->pos;
		break;
	case VFS_SEEK_END:
		base = n->synth ? f->text.len : n->type == VFS_TYPE_REG ? n->u.reg.size : 0;
		break;
	default:
		e = ERR_INVAL;
		goto out;
	}
	if (off < 0 && (uint64_t) - (off + 1) >= base)
		e = ERR_INVAL;
	else if (off > 0 && (uint64_t)off > INT64_MAX - base)
		e = ERR_OVERFLOW;
	if (e)
		goto out;
	pos = off < 0 ? base - ((uint64_t) - (off + 1) + 1) : base + (uint64_t)off;
	f->pos = pos;
	*out_pos = pos;
out:
	spin_release(&v->lock);
	if (n->synth)
		spin_release(&f->synth_lock);
	return e;
}

int vfs_fstat(struct vfs_file *f, struct vfs_stat *out)
{
	spin_acquire(&f->vfs->lock);
	vfs_node_stat(f->node, out);
	spin_release(&f->vfs->lock);
	return 0;
}

int vfs_file_data_ro(struct vfs_file *f, const void **data, uint64_t *len)
{
	struct vfs_node *n = f->node;
	int e = ERR_UNSUPP;

	spin_acquire(&f->vfs->lock);
	if (n->type == VFS_TYPE_REG && !n->synth && n->u.reg.borrowed && n->fs->readonly) {
		*data = n->u.reg.data;
		*len = n->u.reg.size;
		e = 0;
	}
	spin_release(&f->vfs->lock);
	return e;
}

int vfs_ftruncate(struct vfs_file *f, uint64_t size)
{
	struct vfs_node *n = f->node;
	int e = io_check(f, VFS_O_WRITE);

	if (e)
		return e;
	if (n->synth)
		return ERR_PERM;
	spin_acquire(&f->vfs->lock);
	e = vfs_data_resize(n, size);
	if (!e) {
		n->mtim = n->ctim = vfs_now(f->vfs);
		vfs_node_sync(n);
	}
	spin_release(&f->vfs->lock);
	return e;
}

/* ---- directories ---- */

int vfs_readdir(struct vfs_file *f, uint64_t cookie, vfs_dirent_fn fn, void *arg)
{
	struct vfs *v = f->vfs;
	struct vfs_node *n = f->node;
	struct vfs_dirent d;
	int e;

	if (n->type != VFS_TYPE_DIR)
		return ERR_NOTDIR;
	spin_acquire(&v->lock);
	e = vfs_ext2_load(n);
	if (e)
		goto out;
	if (cookie < 1) {
		d = (struct vfs_dirent){1, n->ino, VFS_TYPE_DIR, 1, "."};
		if (!fn(arg, &d))
			goto out;
	}
	if (cookie < 2) {
		d = (struct vfs_dirent){2, vfs_node_up(n)->ino, VFS_TYPE_DIR, 2, ".."};
		if (!fn(arg, &d))
			goto out;
	}
	for (const struct vfs_node *c = n->u.dir.first; c; c = c->next) {
		if (c->cookie <= cookie)
			continue;
		d = (struct vfs_dirent){c->cookie, c->ino, c->type, c->namelen, c->name};
		if (!fn(arg, &d))
			break;
	}
out:
	spin_release(&v->lock);
	return e;
}

uint32_t vfs_file_flags(struct vfs_file *f)
{
	uint32_t flags;

	spin_acquire(&f->vfs->lock);
	flags = f->flags & (VFS_O_APPEND | VFS_O_NONBLOCK);
	spin_release(&f->vfs->lock);
	return flags;
}

void vfs_file_set_flags(struct vfs_file *f, uint32_t flags)
{
	const uint32_t mask = VFS_O_APPEND | VFS_O_NONBLOCK;

	spin_acquire(&f->vfs->lock);
	f->flags = (f->flags & ~mask) | (flags & mask);
	spin_release(&f->vfs->lock);
}

bool vfs_file_ready(struct vfs_file *f, bool write)
{
	return f->node->synth ? vfs_synth_ready(f, write) : true;
}
