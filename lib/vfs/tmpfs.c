/*
 * tmpfs.c - the writable in-memory filesystem: regular-file data in a
 * growable heap buffer, and the limit on the bytes a tmpfs may hold.
 *
 *   data: [ size bytes of content | cap - size spare ]   (zero-filled on growth)
 *
 * Invariant: fs->used is the sum of `cap` of every owned buffer of the fs
 * and of VFS_NODE_COST of every node (linked or still open after unlink),
 * and never exceeds fs->limit when a limit is set. A failed resize changes
 * nothing. All with vfs->lock held.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

#define DATA_MIN_CAP 64u

int vfs_tmpfs_create(struct vfs *v, uint64_t limit, struct vfs_fs **out)
{
	struct vfs_fs *fs;
	int e = vfs_fs_new(v, VFS_FS_TMPFS, &fs);

	if (e)
		return e;
	spin_acquire(&v->lock);
	fs->limit = limit;
	spin_release(&v->lock);
	*out = fs;
	return 0;
}

/* Whether the fs can take `cap` bytes in place of `old`. */
static bool fits(const struct vfs_fs *fs, uint64_t old, uint64_t cap)
{
	return !fs->limit || cap <= old || fs->used - old + cap <= fs->limit;
}

static int set_cap(struct vfs_node *n, uint64_t cap)
{
	struct vfs_fs *fs = n->fs;
	uint8_t *d;

	if (cap == 0) {
		free(n->u.reg.data);
		d = NULL;
	} else {
		if (cap > SIZE_MAX)
			return ERR_NOMEM;
		d = realloc(n->u.reg.data, (size_t)cap);
		if (!d)
			return ERR_NOMEM;
	}
	fs->used = fs->used - n->u.reg.cap + cap;
	n->u.reg.data = d;
	n->u.reg.cap = cap;
	return 0;
}

int vfs_data_resize(struct vfs_node *n, uint64_t size)
{
	uint64_t old = n->u.reg.size, cap = n->u.reg.cap;
	int e;

	if (n->fs->kind == VFS_FS_EXT2)
		return vfs_ext2_resize(n, size);
	if (n->u.reg.borrowed)
		return ERR_ROFS; /* initramfs data (its fs is read-only anyway) */
	if (size > cap) {
		/* grow geometrically, up to what the limit leaves: growing by
		 * the exact size near the limit would copy the file at every
		 * write (a big write comes in chunks: wasi's WASI_CHUNK) */
		uint64_t want = cap * 2 > size ? cap * 2 : size;

		if (want < DATA_MIN_CAP)
			want = DATA_MIN_CAP;
		if (!fits(n->fs, cap, want))
			want = MAX(size, n->fs->limit - (n->fs->used - cap));
		if (!fits(n->fs, cap, want))
			return ERR_NOSPC;
		e = set_cap(n, want);
		if (e)
			return e;
	} else if (size < cap / 4) {
		/* give memory back; a failed shrink just keeps the bigger buffer */
		(void)set_cap(n, size);
	}
	if (size > old)
		memset(n->u.reg.data + old, 0, (size_t)(size - old));
	n->u.reg.size = size;
	vfs_node_sync(n);
	return 0;
}

int vfs_data_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off)
{
	uint64_t end;
	int e;

	if (len == 0)
		return 0;
	if (n->fs->kind == VFS_FS_EXT2)
		return vfs_ext2_write(n, buf, len, off);
	if (off > INT64_MAX || len > INT64_MAX - off)
		return ERR_NOSPC;
	end = off + len;
	if (end > n->u.reg.size) {
		e = vfs_data_resize(n, end);
		if (e)
			return e;
	}
	memcpy(n->u.reg.data + off, buf, len);
	return 0;
}

int vfs_data_read(const struct vfs_node *n, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	uint64_t left;

	if (n->fs->kind == VFS_FS_EXT2)
		return vfs_ext2_read((struct vfs_node *)n, buf, len, off, out_n);
	if (off >= n->u.reg.size) {
		*out_n = 0;
		return 0;
	}
	left = n->u.reg.size - off;
	if (len > left)
		len = (size_t)left;
	memcpy(buf, n->u.reg.data + off, len);
	*out_n = len;
	return 0;
}

void vfs_data_free(struct vfs_node *n)
{
	if (n->u.reg.borrowed)
		return;
	n->fs->used -= n->u.reg.cap;
	free(n->u.reg.data);
	n->u.reg.data = NULL;
	n->u.reg.cap = n->u.reg.size = 0;
}
