/*
 * cpio.c - the initramfs: a read-only filesystem built from a cpio `newc`
 * archive, whose file data points into the archive (no copy).
 *
 * One entry (every field is 8 ASCII hex digits; offsets from the archive
 * start; both paddings bring the offset to a multiple of 4):
 *
 *   +--------+-----+------+-----+-------+------+-------+----------+
 *   | 070701 | ino | mode | uid | gid   |nlink | mtime | filesize |
 *   +--------+-----+------+-----+-------+------+-------+----------+
 *   | devmajor | devminor | rdevmajor | rdevminor | namesize | check |  110 bytes
 *   +----------------------------------------------------------------+
 *   | name (namesize bytes, NUL last) | pad | data (filesize) | pad |
 *
 * The archive ends with an entry named "TRAILER!!!"; bytes after it
 * (block padding) are ignored.
 *
 * Invariant: every read of the archive is bounds-checked against its
 * length before it happens; an archive is either accepted whole or
 * rejected with the offset and the reason, leaving no filesystem behind.
 */
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

#define CPIO_HDR_SIZE  110u
#define CPIO_NFIELDS   13u
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_DIR  0040000u
#define CPIO_MODE_REG  0100000u
#define CPIO_TRAILER   "TRAILER!!!"

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_NAMESIZE = 11 };

struct cpio_parse {
	const uint8_t *data;
	size_t len, off;
	struct vfs_cpio_error why;
};

static int fail(struct cpio_parse *p, int e, size_t off, const char *reason)
{
	p->why = (struct vfs_cpio_error){off, reason};
	return e;
}

static bool hex8(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10u;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10u;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Skips to the next multiple of 4; ERR_TRUNC if past the end. */
static int pad4(struct cpio_parse *p)
{
	size_t to = (p->off + 3u) & ~(size_t)3u;

	if (to > p->len || to < p->off)
		return fail(p, ERR_TRUNC, p->off, "padding past the end");
	p->off = to;
	return 0;
}

/* Creates (or finds) the directory chain of `path` in fs; *out is the
 * directory that holds the last component, and that component. */
static int make_parents(struct cpio_parse *p, size_t at, struct vfs_fs *fs, const char *path,
			struct vfs_node **out, const char **name, size_t *namelen)
{
	struct vfs_node *dir = fs->root;
	const char *s = path;

	for (;;) {
		const char *comp, *end;
		struct vfs_node *c;
		size_t len;

		while (*s == '/')
			s++;
		comp = s;
		while (*s && *s != '/')
			s++;
		len = (size_t)(s - comp);
		end = s;
		while (*end == '/')
			end++;
		if (len > VFS_NAME_MAX)
			return fail(p, ERR_MALFORMED, at, "name component too long");
		if (len == 2 && comp[0] == '.' && comp[1] == '.')
			return fail(p, ERR_MALFORMED, at, "'..' in a path");
		if (!*end) {
			*out = dir;
			*name = comp;
			*namelen = len;
			return 0;
		}
		if (len == 1 && comp[0] == '.')
			continue;
		c = vfs_node_child(dir, comp, len);
		if (!c) {
			int e = vfs_node_new(fs, comp, len, VFS_TYPE_DIR, &c);
			if (e)
				return e;
			vfs_node_link(dir, c);
		} else if (c->type != VFS_TYPE_DIR) {
			return fail(p, ERR_MALFORMED, at, "a file used as a directory");
		}
		dir = c;
	}
}

/* Adds one entry (a checked header) to fs. */
static int add_entry(struct cpio_parse *p, size_t at, struct vfs_fs *fs, const char *path,
		     uint32_t mode, uint64_t mtime_ns, const uint8_t *data, uint32_t size)
{
	struct vfs_node *dir, *n;
	const char *name;
	size_t namelen;
	bool is_dir = (mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR;
	int e;

	if (!is_dir && path[strlen(path) - 1] == '/')
		return fail(p, ERR_MALFORMED, at, "a file named like a directory");
	e = make_parents(p, at, fs, path, &dir, &name, &namelen);
	if (e)
		return e;
	if (namelen == 0 || (namelen == 1 && name[0] == '.')) {
		if (!is_dir)
			return fail(p, ERR_MALFORMED, at, "a file named like a directory");
		n = dir; /* "." or "a/": the directory itself */
	} else {
		n = vfs_node_child(dir, name, namelen);
		if (n && (!is_dir || n->type != VFS_TYPE_DIR))
			return fail(p, ERR_MALFORMED, at, "duplicate path");
		if (!n) {
			e = vfs_node_new(fs, name, namelen, is_dir ? VFS_TYPE_DIR : VFS_TYPE_REG,
					 &n);
			if (e)
				return e;
			if (!is_dir) {
				n->u.reg.data = (uint8_t *)(uintptr_t)data;
				n->u.reg.size = n->u.reg.cap = size;
				n->u.reg.borrowed = true;
			}
			vfs_node_link(dir, n);
		}
	}
	n->atim = n->mtim = n->ctim = mtime_ns;
	return 0;
}

/* Parses one entry at p->off; *done at the trailer. */
static int parse_entry(struct cpio_parse *p, struct vfs_fs *fs, bool *done)
{
	const size_t at = p->off;
	uint32_t f[CPIO_NFIELDS], type;
	const uint8_t *h = p->data + at;
	const char *name;
	int e;

	if (p->len - at < CPIO_HDR_SIZE)
		return fail(p, ERR_TRUNC, at, "header past the end");
	if (memcmp(h, "070701", 6) != 0)
		return fail(p, ERR_MALFORMED, at, "bad magic (not newc 070701)");
	for (unsigned i = 0; i < CPIO_NFIELDS; i++)
		if (!hex8(h + 6 + 8 * i, &f[i]))
			return fail(p, ERR_MALFORMED, at + 6 + 8 * i, "header field not hex");
	p->off += CPIO_HDR_SIZE;
	if (f[F_NAMESIZE] < 2 || f[F_NAMESIZE] > VFS_PATH_MAX + 1)
		return fail(p, ERR_MALFORMED, at, "bad name size");
	if (p->len - p->off < f[F_NAMESIZE])
		return fail(p, ERR_TRUNC, p->off, "name past the end");
	name = (const char *)p->data + p->off;
	if (name[f[F_NAMESIZE] - 1] != 0 || memchr(name, 0, f[F_NAMESIZE] - 1))
		return fail(p, ERR_MALFORMED, p->off, "name not NUL-terminated");
	p->off += f[F_NAMESIZE];
	e = pad4(p);
	if (e)
		return e;
	if (p->len - p->off < f[F_FILESIZE])
		return fail(p, ERR_TRUNC, p->off, "file data past the end");
	if (strcmp(name, CPIO_TRAILER) == 0) {
		*done = true;
		return 0;
	}
	type = f[F_MODE] & CPIO_MODE_TYPE;
	if (type != CPIO_MODE_DIR && type != CPIO_MODE_REG)
		return fail(p, ERR_MALFORMED, at, "unsupported file type");
	if (type == CPIO_MODE_DIR && f[F_FILESIZE])
		return fail(p, ERR_MALFORMED, at, "directory with data");
	e = add_entry(p, at, fs, name, f[F_MODE], (uint64_t)f[F_MTIME] * 1000000000u,
		      p->data + p->off, f[F_FILESIZE]);
	if (e)
		return e;
	p->off += f[F_FILESIZE];
	return pad4(p);
}

int vfs_initramfs_create(struct vfs *v, const void *data, size_t len, struct vfs_fs **out,
			 struct vfs_cpio_error *why)
{
	struct cpio_parse p = {.data = data, .len = len};
	struct vfs_fs *fs;
	bool done = false;
	int e;

	e = vfs_fs_new(v, VFS_FS_INITRAMFS, &fs);
	if (e)
		return e;
	spin_acquire(&v->lock);
	while (!e && !done) {
		if (p.off == p.len)
			e = fail(&p, ERR_TRUNC, p.off, "no " CPIO_TRAILER " entry");
		else
			e = parse_entry(&p, fs, &done);
	}
	spin_release(&v->lock);
	if (e) {
		vfs_fs_drop(fs);
		if (why && e != ERR_NOMEM)
			*why = p.why;
		return e;
	}
	*out = fs;
	return 0;
}
