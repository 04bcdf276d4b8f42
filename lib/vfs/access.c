/*
 * access.c - what a program may do: the access policy the VFS applies to a
 * guest (a WebAssembly program) on every path it names. README.md, "What a
 * program can and cannot do", says the same for users.
 *
 * The model:
 *
 *   - The kernel and the shell's builtins walk from the root (base NULL) or
 *     from their own files: they may do whatever a filesystem supports.
 *   - A guest reaches files only through its preopened directories, opened
 *     by vfs_open_guest(path, limit). Such a file is a guest's and carries
 *     `limit`; every file opened through it is a guest's with that limit.
 *   - Each filesystem has a guest level, set by the kernel per mount
 *     (vfs_set_guest_access; a new filesystem starts at NONE):
 *
 *       NONE   nothing: not looked into, not stat'ed, not opened; only its
 *              mount point's name shows in the parent's listing
 *       READ   walk, stat, list, open for reading
 *       WRITE  also create, write, truncate, mkdir, unlink, rmdir, rename
 *
 *     A synth file with a write callback is a control (tracefs switches, a
 *     /proc setting): NONE for a guest wherever it is, today's and any
 *     added later, readable or not.
 *   - A guest's level on a node = min(its preopen's limit, the node's
 *     filesystem's level, NONE for a control): a preopen only narrows.
 *
 * Where the checks are (vfs.c, vfs_file.c), in the spirit of Linux's
 * search permission: a guest's walk needs READ on every directory it looks
 * a name up in, ".." included, so `tmp/../sys/kernel/tracing/trace` stops
 * at the tracefs root. Then each operation needs READ on the node it
 * stats, lists or opens for reading; WRITE on a node it opens for writing
 * or truncation, or truncates; WRITE on each directory whose entries
 * change (open with create, mkdir, unlink, rmdir, both ends of rename,
 * each with its own base's limit). POSIX's existence and type errors come
 * first (ENOENT, EEXIST, ENOTDIR, EISDIR, EXDEV), as in Linux; behind a NONE
 * door a guest learns nothing but the names listed at the door.
 *
 * Refusals, as wasi_vfs.c passes them to the guest:
 *
 *   a NONE node, or a look-up inside one               ERR_ACCES  EACCES
 *   a change where the level is READ                   ERR_ROFS   EROFS
 *   a change on a read-only filesystem (anyone)        ERR_ROFS   EROFS
 *   read/write on a file not opened for it             ERR_BADF   EBADF
 *   an absolute path, or ".." above the directory fd   (wasi_vfs) ENOTCAPABLE
 *
 * Not here: a guest never climbs above the directory handle it names a
 * path from; wasi_vfs.c checks that lexically (no symlinks: a path that
 * stays inside lexically stays inside), so the walk here may assume it.
 *
 * Invariant: a file's guest and limit are set at its open and never
 * change; a filesystem's guest level changes only under vfs->lock.
 */
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

enum vfs_access vfs_guest_level(enum vfs_access limit, const struct vfs_node *n)
{
	enum vfs_access a = n->fs->guest_access < limit ? n->fs->guest_access : limit;

	if (n->synth && n->u.syn.ops->write)
		return VFS_ACCESS_NONE; /* a control file: the shell's user's */
	return a;
}

int vfs_walk_may(const struct vfs_walk *w, const struct vfs_node *n, enum vfs_access need)
{
	enum vfs_access a;

	if (!w->guest)
		return 0;
	a = vfs_guest_level(w->limit, n);
	if (a >= need)
		return 0;
	return a == VFS_ACCESS_NONE ? ERR_ACCES : ERR_ROFS;
}

int vfs_walk_may_change(const struct vfs_walk *w, const struct vfs_node *dir)
{
	int e = vfs_walk_may(w, dir, VFS_ACCESS_WRITE);

	return e ? e : dir->fs->readonly ? ERR_ROFS : 0;
}

int vfs_set_guest_access(struct vfs *v, const char *path, enum vfs_access level)
{
	struct vfs_walk w;
	int e;

	if (level > VFS_ACCESS_WRITE)
		return ERR_INVAL;
	spin_acquire(&v->lock);
	e = vfs_walk(v, NULL, path, true, &w);
	if (!e && !w.node)
		e = ERR_NOENT;
	else if (!e && w.node != w.node->fs->root)
		e = ERR_INVAL;
	if (!e)
		w.node->fs->guest_access = level;
	spin_release(&v->lock);
	return e;
}

int vfs_open_guest(struct vfs *v, const char *path, enum vfs_access limit, struct vfs_file **out)
{
	struct vfs_file *f;
	int e;

	if (limit > VFS_ACCESS_WRITE)
		return ERR_INVAL;
	e = vfs_open(v, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &f);
	if (e)
		return e;
	spin_acquire(&v->lock);
	f->guest = true;
	f->limit = limit;
	if (vfs_guest_level(limit, f->node) == VFS_ACCESS_NONE)
		e = ERR_ACCES;
	spin_release(&v->lock);
	if (e) {
		vfs_close(f);
		return e;
	}
	*out = f;
	return 0;
}

bool vfs_file_is_guest(const struct vfs_file *f)
{
	return f->guest;
}
