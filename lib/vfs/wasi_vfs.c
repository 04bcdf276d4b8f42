/*
 * wasi_vfs.c - the WASI files interface (struct wasi_files) over the VFS:
 * a table of open VFS files indexed by host handle, and the sandbox check
 * on guest paths (lib/wasi's containment rule, then the guest policy in
 * the VFS: access.c).
 *
 * Invariant: table[h] is an open file owned by the table for every used
 * handle h < cap; a handle is freed (NULL) only by close or destroy.
 */
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"
#include "vfs/wasi_vfs.h"

/* h_set_times passes fst_flags through */
STATIC_ASSERT(VFS_TIME_ATIM == WASI_FSTFLAG_ATIM && VFS_TIME_ATIM_NOW == WASI_FSTFLAG_ATIM_NOW &&
	      VFS_TIME_MTIM == WASI_FSTFLAG_MTIM && VFS_TIME_MTIM_NOW == WASI_FSTFLAG_MTIM_NOW);

#define WASI_VFS_DEFAULT_MAX 1024u

uint16_t wasi_vfs_errno(int err)
{
	switch (err) {
	case ERR_RANGE:
		return WASI_ENAMETOOLONG;
	case ERR_UNSUPP:
		return WASI_ESPIPE; /* seek or pread on a stream */
	default:
		return wasi_errno_from_err(err);
	}
}

static struct wasi_vfs *wv(void *arg)
{
	return arg;
}

/* The file of handle h, or NULL. */
static struct vfs_file *file_of(struct wasi_vfs *w, int64_t h)
{
	struct vfs_file *f = NULL;

	spin_acquire(&w->lock);
	if (h >= 0 && (uint64_t)h < w->cap)
		f = w->table[h];
	spin_release(&w->lock);
	return f;
}

/* Stores f in the lowest free handle; EMFILE, ENOMEM. */
static uint16_t handle_add(struct wasi_vfs *w, struct vfs_file *f, int64_t *out)
{
	uint16_t e = 0;
	uint32_t h;

	spin_acquire(&w->lock);
	for (h = 0; h < w->cap && w->table[h]; h++)
		;
	if (h == w->cap) {
		uint32_t cap = w->cap ? w->cap * 2 : 16;
		struct vfs_file **n;

		if (cap > w->max)
			cap = w->max;
		n = h < cap ? realloc(w->table, cap * sizeof(*n)) : NULL;
		if (!n) {
			e = h < cap ? WASI_ENOMEM : WASI_EMFILE;
			goto out;
		}
		memset(n + w->cap, 0, (cap - w->cap) * sizeof(*n));
		w->table = n;
		w->cap = cap;
	}
	w->table[h] = f;
	*out = h;
out:
	spin_release(&w->lock);
	return e;
}

/* Adds the file an open (whose result is err) gave as a new handle,
 * closing it if the table is full. */
static uint16_t handle_add_opened(struct wasi_vfs *w, int err, struct vfs_file *f, int64_t *out)
{
	uint16_t e = wasi_vfs_errno(err);

	if (e)
		return e;
	e = handle_add(w, f, out);
	if (e)
		vfs_close(f);
	return e;
}

/* The directory file of handle `dir` and a check of `path`: a guest's
 * path is walked from a guest's file only (never as the kernel). */
static uint16_t dir_path(struct wasi_vfs *w, int64_t dir, const char *path, struct vfs_file **out)
{
	struct vfs_file *d = file_of(w, dir);

	if (!d)
		return WASI_EBADF;
	if (!wasi_path_contained(path, strlen(path)) || !vfs_file_is_guest(d))
		return WASI_ENOTCAPABLE;
	*out = d;
	return 0;
}

/* ---- readiness ---- */

bool wasi_vfs_ready(struct wasi_vfs *w, int64_t hfd, bool want_write, bool *out_hangup)
{
	struct vfs_file *f = file_of(w, hfd);

	*out_hangup = !f;
	return !f || vfs_file_ready(f, want_write);
}

/* ---- files ---- */

static uint16_t h_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *out_n)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	*out_n = 0;
	return f ? wasi_vfs_errno(vfs_read(f, buf, len, out_n)) : WASI_EBADF;
}

static uint16_t h_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *out_n)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	*out_n = 0;
	return f ? wasi_vfs_errno(vfs_write(f, buf, len, out_n)) : WASI_EBADF;
}

static uint16_t h_pread(void *arg, int64_t hfd, void *buf, size_t len, uint64_t off, size_t *out_n)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	*out_n = 0;
	return f ? wasi_vfs_errno(vfs_pread(f, buf, len, off, out_n)) : WASI_EBADF;
}

static uint16_t h_pwrite(void *arg, int64_t hfd, const void *buf, size_t len, uint64_t off,
			 size_t *out_n)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	*out_n = 0;
	return f ? wasi_vfs_errno(vfs_pwrite(f, buf, len, off, out_n)) : WASI_EBADF;
}

static uint32_t vfs_flags_of(uint32_t oflags, uint32_t fdflags, bool rd, bool wr)
{
	uint32_t fl = (rd ? VFS_O_READ : 0) | (wr ? VFS_O_WRITE : 0);

	if (oflags & WASI_OFLAG_CREAT)
		fl |= VFS_O_CREAT;
	if (oflags & WASI_OFLAG_EXCL)
		fl |= VFS_O_EXCL;
	if (oflags & WASI_OFLAG_TRUNC)
		fl |= VFS_O_TRUNC;
	if (oflags & WASI_OFLAG_DIRECTORY)
		fl |= VFS_O_DIRECTORY;
	if (fdflags & WASI_FDFLAG_APPEND)
		fl |= VFS_O_APPEND;
	if (fdflags & WASI_FDFLAG_NONBLOCK)
		fl |= VFS_O_NONBLOCK;
	return fl;
}

static uint16_t h_open(void *arg, int64_t dir, const char *path, uint32_t oflags, uint32_t fdflags,
		       bool rd, bool wr, bool follow, int64_t *out_hfd)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d, *f = NULL;
	uint16_t e;
	int err;

	e = dir_path(w, dir, path, &d);
	if (e)
		return e;
	err = vfs_open(w->vfs, d, path,
		       vfs_flags_of(oflags, fdflags, rd, wr) | (follow ? 0 : VFS_O_NOFOLLOW), &f);
	return handle_add_opened(w, err, f, out_hfd);
}

static uint16_t h_close(void *arg, int64_t hfd)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *f = NULL;

	spin_acquire(&w->lock);
	if (hfd >= 0 && (uint64_t)hfd < w->cap) {
		f = w->table[hfd];
		w->table[hfd] = NULL;
	}
	spin_release(&w->lock);
	if (!f)
		return WASI_EBADF;
	vfs_close(f);
	return 0;
}

static uint16_t h_seek(void *arg, int64_t hfd, int64_t off, uint8_t whence, uint64_t *out_pos)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	if (!f)
		return WASI_EBADF;
	if (whence > WASI_WHENCE_END)
		return WASI_EINVAL;
	/* WASI_WHENCE_* and VFS_SEEK_* are both SET, CUR, END */
	return wasi_vfs_errno(vfs_seek(f, off, (enum vfs_whence)whence, out_pos));
}

static void filestat_of(const struct vfs_stat *st, struct wasi_host_filestat *out)
{
	static const uint8_t types[] = {
		[VFS_TYPE_DIR] = WASI_FILETYPE_DIRECTORY,
		[VFS_TYPE_REG] = WASI_FILETYPE_REGULAR_FILE,
		[VFS_TYPE_CHAR] = WASI_FILETYPE_CHARACTER_DEVICE,
		[VFS_TYPE_LNK] = WASI_FILETYPE_SYMBOLIC_LINK,
	};

	*out = (struct wasi_host_filestat){
		.dev = st->dev,
		.ino = st->ino,
		.type = types[st->type],
		.nlink = st->nlink,
		.size = st->size,
		.atim = st->atim,
		.mtim = st->mtim,
		.ctim = st->ctim,
	};
}

static uint16_t h_fstat(void *arg, int64_t hfd, struct wasi_host_filestat *out)
{
	struct vfs_file *f = file_of(wv(arg), hfd);
	struct vfs_stat st;

	if (!f)
		return WASI_EBADF;
	vfs_fstat(f, &st);
	filestat_of(&st, out);
	return 0;
}

static uint16_t h_stat(void *arg, int64_t dir, const char *path, bool follow,
		       struct wasi_host_filestat *out)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d;
	struct vfs_stat st;
	uint16_t e;

	e = dir_path(w, dir, path, &d);
	if (!e)
		e = wasi_vfs_errno(follow ? vfs_stat(w->vfs, d, path, &st)
					  : vfs_lstat(w->vfs, d, path, &st));
	if (!e)
		filestat_of(&st, out);
	return e;
}

static uint16_t h_get_flags(void *arg, int64_t hfd, uint32_t *out_flags)
{
	struct vfs_file *f = file_of(wv(arg), hfd);
	uint32_t fl;

	if (!f)
		return WASI_EBADF;
	fl = vfs_file_flags(f);
	*out_flags = (fl & VFS_O_APPEND ? WASI_FDFLAG_APPEND : 0) |
		     (fl & VFS_O_NONBLOCK ? WASI_FDFLAG_NONBLOCK : 0);
	return 0;
}

static uint16_t h_set_flags(void *arg, int64_t hfd, uint32_t flags)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	if (!f)
		return WASI_EBADF;
	vfs_file_set_flags(f, vfs_flags_of(0, flags, false, false));
	return 0;
}

struct dirent_adapter {
	wasi_dirent_fn fn;
	void *arg;
};

static bool dirent_to_wasi(void *arg, const struct vfs_dirent *d)
{
	const struct dirent_adapter *a = arg;
	struct wasi_host_dirent e = {
		.next = d->next,
		.ino = d->ino,
		.type = d->type == VFS_TYPE_DIR	   ? WASI_FILETYPE_DIRECTORY
			: d->type == VFS_TYPE_CHAR ? WASI_FILETYPE_CHARACTER_DEVICE
			: d->type == VFS_TYPE_LNK  ? WASI_FILETYPE_SYMBOLIC_LINK
						   : WASI_FILETYPE_REGULAR_FILE,
		.namlen = d->namelen,
		.name = d->name,
	};

	return a->fn(a->arg, &e);
}

static uint16_t h_readdir(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn, void *cb_arg)
{
	struct vfs_file *f = file_of(wv(arg), hfd);
	struct dirent_adapter a = {fn, cb_arg};

	if (!f)
		return WASI_EBADF;
	return wasi_vfs_errno(vfs_readdir(f, cookie, dirent_to_wasi, &a));
}

enum path_op { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static uint16_t path_op(void *arg, int64_t dir, const char *path, enum path_op op)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d;
	uint16_t e = dir_path(w, dir, path, &d);

	if (e)
		return e;
	switch (op) {
	case OP_MKDIR:
		return wasi_vfs_errno(vfs_mkdir(w->vfs, d, path));
	case OP_RMDIR:
		return wasi_vfs_errno(vfs_rmdir(w->vfs, d, path));
	case OP_UNLINK:
		return wasi_vfs_errno(vfs_unlink(w->vfs, d, path));
	}
	return WASI_EINVAL;
}

static uint16_t h_mkdir(void *arg, int64_t dir, const char *path)
{
	return path_op(arg, dir, path, OP_MKDIR);
}

static uint16_t h_rmdir(void *arg, int64_t dir, const char *path)
{
	return path_op(arg, dir, path, OP_RMDIR);
}

static uint16_t h_unlink(void *arg, int64_t dir, const char *path)
{
	return path_op(arg, dir, path, OP_UNLINK);
}

static uint16_t h_rename(void *arg, int64_t dir, const char *path, int64_t new_dir,
			 const char *new_path)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *a, *b;
	uint16_t e = dir_path(w, dir, path, &a);

	if (!e)
		e = dir_path(w, new_dir, new_path, &b);
	if (!e)
		e = wasi_vfs_errno(vfs_rename(w->vfs, a, path, b, new_path));
	return e;
}

static uint16_t h_sync(void *arg, int64_t hfd, bool data_only)
{
	(void)data_only;
	return file_of(wv(arg), hfd) ? 0 : WASI_EBADF; /* all in memory */
}

static uint16_t h_truncate(void *arg, int64_t hfd, uint64_t size)
{
	struct vfs_file *f = file_of(wv(arg), hfd);

	if (!f)
		return WASI_EBADF;
	return wasi_vfs_errno(vfs_ftruncate(f, size));
}

static uint16_t h_set_times(void *arg, int64_t dir, const char *path, bool follow, uint64_t atim,
			    uint64_t mtim, uint32_t fst_flags)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d;
	uint16_t e;

	if (!path) {
		d = file_of(w, dir);
		return d ? wasi_vfs_errno(vfs_fset_times(d, atim, mtim, fst_flags)) : WASI_EBADF;
	}
	e = dir_path(w, dir, path, &d);
	if (!e)
		e = wasi_vfs_errno(vfs_set_times(w->vfs, d, path, follow, atim, mtim, fst_flags));
	return e;
}

static uint16_t h_symlink(void *arg, const char *target, int64_t dir, const char *path)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d;
	uint16_t e = dir_path(w, dir, path, &d);

	if (!e)
		e = wasi_vfs_errno(vfs_symlink(w->vfs, d, target, path));
	return e;
}

static uint16_t h_readlink(void *arg, int64_t dir, const char *path, char *buf, size_t cap,
			   size_t *out_n)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *d;
	uint16_t e = dir_path(w, dir, path, &d);

	if (!e)
		e = wasi_vfs_errno(vfs_readlink(w->vfs, d, path, buf, cap, out_n));
	return e;
}

static uint16_t h_link(void *arg, int64_t dir, const char *path, bool follow, int64_t new_dir,
		       const char *new_path)
{
	struct wasi_vfs *w = wv(arg);
	struct vfs_file *a, *b;
	uint16_t e = dir_path(w, dir, path, &a);

	if (!e)
		e = dir_path(w, new_dir, new_path, &b);
	if (!e)
		e = wasi_vfs_errno(vfs_link(w->vfs, a, path, follow, b, new_path));
	return e;
}

/* ---- the table ---- */

int wasi_vfs_init(struct wasi_vfs *w, struct vfs *vfs, uint32_t max_handles)
{
	*w = (struct wasi_vfs){
		.files =
			{
				.arg = w,
				.read = h_read,
				.write = h_write,
				.pread = h_pread,
				.pwrite = h_pwrite,
				.open = h_open,
				.close = h_close,
				.seek = h_seek,
				.fstat = h_fstat,
				.stat = h_stat,
				.get_flags = h_get_flags,
				.set_flags = h_set_flags,
				.readdir = h_readdir,
				.mkdir = h_mkdir,
				.rmdir = h_rmdir,
				.unlink = h_unlink,
				.rename = h_rename,
				.sync = h_sync,
				.truncate = h_truncate,
				.set_times = h_set_times,
				.symlink = h_symlink,
				.readlink = h_readlink,
				.link = h_link,
			},
		.vfs = vfs,
		.max = max_handles ? max_handles : WASI_VFS_DEFAULT_MAX,
	};
	spin_init(&w->lock);
	return 0;
}

void wasi_vfs_destroy(struct wasi_vfs *w)
{
	for (uint32_t h = 0; h < w->cap; h++)
		if (w->table[h])
			vfs_close(w->table[h]);
	free(w->table);
	w->table = NULL;
	w->cap = 0;
}

uint16_t wasi_vfs_open(struct wasi_vfs *w, const char *path, uint32_t flags, int64_t *out_hfd)
{
	struct vfs_file *f = NULL;
	int err = vfs_open(w->vfs, NULL, path, flags, &f); /* before f is read */

	return handle_add_opened(w, err, f, out_hfd);
}

uint16_t wasi_vfs_preopen(struct wasi_vfs *w, const char *path, enum vfs_access limit,
			  int64_t *out_hfd)
{
	struct vfs_file *f = NULL;
	int err = vfs_open_guest(w->vfs, path, limit, &f);

	return handle_add_opened(w, err, f, out_hfd);
}
