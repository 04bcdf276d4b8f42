/*
 * synth.c - synthetic filesystems: directories the kernel registers and
 * files whose contents are callbacks (struct vfs_synth_ops), for procfs
 * and tracefs.
 *
 *   open  --> ops->open(arg, flags, &state)     (per open file)
 *         --> ops->show(arg, state, &text)      (readable, with show: a snapshot)
 *   read  --> the snapshot at the position, or ops->read() (a stream)
 *   write --> ops->write(arg, state, buf, len)  (0 accepts it, an error rejects it)
 *   close --> ops->release(arg, state)
 *
 * Invariant: callbacks run without vfs->lock, under the open file's
 * synth_lock, so one open file's callbacks never run concurrently; the
 * snapshot text and, for synth files, the position are guarded by
 * synth_lock (lock order: synth_lock, then vfs->lock).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

/* ---- text buffers ---- */

static bool sbuf_reserve(struct vfs_sbuf *s, size_t more)
{
	size_t cap;
	char *b;

	if (s->failed)
		return false;
	if (more <= s->cap - s->len)
		return true;
	if (more > SIZE_MAX / 2 - s->len) {
		s->failed = true;
		return false;
	}
	cap = s->cap ? s->cap : 256;
	while (cap - s->len < more)
		cap *= 2;
	b = realloc(s->buf, cap);
	if (!b) {
		s->failed = true;
		return false;
	}
	s->buf = b;
	s->cap = cap;
	return true;
}

void vfs_sbuf_append(struct vfs_sbuf *s, const void *data, size_t len)
{
	if (len && sbuf_reserve(s, len)) {
		memcpy(s->buf + s->len, data, len);
		s->len += len;
	}
}

void vfs_sbuf_printf(struct vfs_sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* +1: fmt_vsnprintf always writes its NUL, which len then drops */
	if (n <= 0 || !sbuf_reserve(s, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

/* ---- the namespace ---- */

int vfs_synth_create(struct vfs *v, struct vfs_fs **out)
{
	return vfs_fs_new(v, VFS_FS_SYNTH, out);
}

static int synth_add(struct vfs_fs *fs, const char *dir, const char *name,
		     const struct vfs_synth_ops *ops, void *arg)
{
	struct vfs *v = fs->vfs;
	size_t len = strnlen(name, VFS_NAME_MAX + 1);
	struct vfs_node *d, *n;
	int e;

	if (fs->kind != VFS_FS_SYNTH || len == 0 || memchr(name, '/', len) ||
	    (len <= 2 && strncmp(name, "..", len) == 0))
		return ERR_INVAL;
	if (len > VFS_NAME_MAX)
		return ERR_RANGE;
	spin_acquire(&v->lock);
	e = vfs_fs_walk(fs, dir, &d);
	if (!e && d->type != VFS_TYPE_DIR)
		e = ERR_NOTDIR;
	else if (!e && vfs_node_child(d, name, len))
		e = ERR_EXIST;
	if (e)
		goto out;
	e = vfs_node_new(fs, name, len,
			 !ops	       ? VFS_TYPE_DIR
			 : ops->stream ? VFS_TYPE_CHAR
				       : VFS_TYPE_REG,
			 &n);
	if (e) {
		goto out;
	}
	if (ops) {
		n->synth = true;
		n->u.syn.ops = ops;
		n->u.syn.arg = arg;
	}
	vfs_node_link(d, n);
out:
	spin_release(&v->lock);
	return e;
}

int vfs_synth_add_dir(struct vfs_fs *fs, const char *dir, const char *name)
{
	return synth_add(fs, dir, name, NULL, NULL);
}

int vfs_synth_add_file(struct vfs_fs *fs, const char *dir, const char *name,
		       const struct vfs_synth_ops *ops, void *arg)
{
	return ops ? synth_add(fs, dir, name, ops, arg) : ERR_INVAL;
}

int vfs_synth_remove(struct vfs_fs *fs, const char *path)
{
	struct vfs *v = fs->vfs;
	struct vfs_node *n;
	int e;

	if (fs->kind != VFS_FS_SYNTH)
		return ERR_INVAL;
	spin_acquire(&v->lock);
	e = vfs_fs_walk(fs, path, &n);
	if (!e && n == fs->root)
		e = ERR_INVAL;
	else if (!e &&
		 (n->refs || (n->type == VFS_TYPE_DIR && (n->u.dir.first || n->u.dir.mounted))))
		e = ERR_BUSY;
	if (!e)
		vfs_node_unlink(n);
	spin_release(&v->lock);
	return e;
}

/* ---- open files ---- */

int vfs_synth_open(struct vfs_file *f, uint32_t flags)
{
	const struct vfs_synth_ops *ops = f->node->u.syn.ops;
	void *arg = f->node->u.syn.arg;
	int e = 0;

	spin_acquire(&f->synth_lock);
	if (ops->open)
		e = ops->open(arg, flags, &f->state);
	if (!e && (flags & VFS_O_READ) && ops->show) {
		e = ops->show(arg, f->state, &f->text);
		if (!e && f->text.failed)
			e = ERR_NOMEM;
		if (e) {
			free(f->text.buf);
			f->text = (struct vfs_sbuf){0};
			if (ops->release)
				ops->release(arg, f->state);
		} else {
			f->has_text = true;
		}
	}
	spin_release(&f->synth_lock);
	return e;
}

int vfs_synth_read(struct vfs_file *f, void *buf, size_t len, bool positional, uint64_t off,
		   size_t *out_n)
{
	const struct vfs_synth_ops *ops = f->node->u.syn.ops;
	int e = 0;

	spin_acquire(&f->synth_lock);
	if (f->has_text) {
		uint64_t at = positional ? off : f->pos;
		size_t n = 0;

		if (at < f->text.len) {
			n = f->text.len - (size_t)at < len ? f->text.len - (size_t)at : len;
			memcpy(buf, f->text.buf + at, n);
		}
		if (!positional) {
			spin_acquire(&f->vfs->lock); /* vfs_seek reads pos under both */
			f->pos = at + n;
			spin_release(&f->vfs->lock);
		}
		*out_n = n;
	} else if (positional) {
		e = ERR_UNSUPP;
	} else {
		size_t n = 0;

		e = ops->read(f->node->u.syn.arg, f->state, buf, len, &n);
		if (!e)
			*out_n = n < len ? n : len;
	}
	spin_release(&f->synth_lock);
	return e;
}

int vfs_synth_write(struct vfs_file *f, const void *buf, size_t len)
{
	const struct vfs_synth_ops *ops = f->node->u.syn.ops;
	int e;

	spin_acquire(&f->synth_lock);
	e = ops->write(f->node->u.syn.arg, f->state, buf, len);
	spin_release(&f->synth_lock);
	return e;
}

void vfs_synth_release(struct vfs_file *f)
{
	const struct vfs_synth_ops *ops = f->node->u.syn.ops;

	spin_acquire(&f->synth_lock);
	if (ops->release)
		ops->release(f->node->u.syn.arg, f->state);
	free(f->text.buf);
	f->text = (struct vfs_sbuf){0};
	f->has_text = false;
	spin_release(&f->synth_lock);
}

bool vfs_synth_ready(struct vfs_file *f, bool write)
{
	const struct vfs_synth_ops *ops = f->node->u.syn.ops;
	bool r = true;

	if (ops->ready) {
		spin_acquire(&f->synth_lock);
		r = ops->ready(f->node->u.syn.arg, f->state, write);
		spin_release(&f->synth_lock);
	}
	return r;
}
