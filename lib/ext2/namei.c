/*
 * namei.c - the namespace operations: lookup, create, mkdir, symlink,
 * link, unlink, rmdir, rename. Each checks everything it can first (the
 * directory, the name, the target, link counts) and changes the disk
 * after; a failure to allocate undoes what the call had allocated, so
 * ERR_NOSPC leaves the filesystem as it was.
 *
 * Link counts: a file has one per name; a directory has one for its name,
 * one for its own ".", and one for the ".." of each subdirectory.
 */
#include <string.h>

#include "ext2/ext2_internal.h"

static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return ERR_INVAL;
	if (len > EXT2_NAME_MAX)
		return ERR_RANGE;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return ERR_INVAL;
	return 0;
}

static bool name_is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

static int load_dir(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *dir)
{
	int err = ext2_inode_load(fs, ino, dir);

	if (!err && (dir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		err = ERR_NOTDIR;
	return err;
}

int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		uint32_t *out_ino)
{
	struct ext2_inode d;
	struct ext2_dirpos pos;
	int err = load_dir(fs, dir, &d);

	if (!err && namelen > EXT2_NAME_MAX)
		err = ERR_RANGE;
	if (!err)
		err = ext2_dir_find(fs, &d, name, namelen, &pos);
	if (err)
		return err;
	if (pos.ino == 0 || pos.ino > fs->inodes_count)
		return ext2_bad(fs, "a directory entry names no inode");
	*out_ino = pos.ino;
	return 0;
}

/* The directory `dir` ready for a new entry `name`: ERR_EXIST if taken. */
static int prepare_new(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		       struct ext2_inode *d)
{
	struct ext2_dirpos pos;
	int err = check_name(name, namelen);

	if (!err)
		err = load_dir(fs, dir, d);
	if (err)
		return err;
	err = ext2_dir_find(fs, d, name, namelen, &pos);
	if (err != ERR_NOENT)
		return err ? err : ERR_EXIST;
	return ext2_begin_change(fs);
}

/* Frees a new inode that could not be linked. */
static void undo_new(struct ext2_fs *fs, struct ext2_inode *in)
{
	(void)ext2_inode_release(fs, in);
}

/* A new inode of `mode` with `links`, not yet named. */
static int new_inode(struct ext2_fs *fs, struct ext2_inode *d, uint16_t mode, uint16_t links,
		     struct ext2_inode *in)
{
	bool is_dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	uint32_t ino;
	int err = ext2_ialloc(fs, d->ino, is_dir, &ino);

	if (err)
		return err;
	err = ext2_inode_init(fs, ino, mode, in);
	if (err) {
		(void)ext2_ifree(fs, ino, is_dir);
		return err;
	}
	in->links = links;
	return 0;
}

int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen, uint16_t mode,
		uint32_t *out_ino)
{
	struct ext2_inode d, in;
	int err = prepare_new(fs, dir, name, namelen, &d);

	if (!err)
		err = new_inode(fs, &d, EXT2_S_IFREG | (mode & 07777), 1, &in);
	if (err)
		return err;
	err = ext2_inode_store(fs, &in);
	if (!err)
		err = ext2_dir_add(fs, &d, name, namelen, in.ino, EXT2_TYPE_REG);
	if (err) {
		undo_new(fs, &in);
		return err;
	}
	*out_ino = in.ino;
	return 0;
}

int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen, uint16_t mode,
	       uint32_t *out_ino)
{
	struct ext2_inode d, in;
	int err = prepare_new(fs, dir, name, namelen, &d);

	if (!err && d.links >= EXT2_LINK_MAX)
		err = ERR_RANGE;
	if (!err)
		err = new_inode(fs, &d, EXT2_S_IFDIR | (mode & 07777), 2, &in);
	if (err)
		return err;
	err = ext2_dir_init(fs, &in, d.ino);
	if (!err)
		err = ext2_inode_store(fs, &in);
	if (!err)
		err = ext2_dir_add(fs, &d, name, namelen, in.ino, EXT2_TYPE_DIR);
	if (err) {
		undo_new(fs, &in);
		return err;
	}
	d.links++;
	err = ext2_inode_store(fs, &d);
	if (!err)
		*out_ino = in.ino;
	return err;
}

int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		 const char *target, size_t tlen, uint32_t *out_ino)
{
	struct ext2_inode d, in;
	int err;

	if (tlen == 0 || memchr(target, '\0', tlen))
		return ERR_INVAL;
	if (tlen >= fs->block_size)
		return ERR_RANGE;
	err = prepare_new(fs, dir, name, namelen, &d);
	if (!err)
		err = new_inode(fs, &d, EXT2_S_IFLNK | 0777, 1, &in);
	if (err)
		return err;
	in.size = tlen;
	if (tlen < EXT2_FAST_LINK_MAX) {
		uint8_t fast[EXT2_FAST_LINK_MAX] = {0};

		memcpy(fast, target, tlen);
		for (uint32_t i = 0; i < EXT2_NBLOCK; i++)
			in.block[i] = le32(fast + 4 * i);
	} else {
		struct ext2_buf *b;
		uint32_t p;

		err = ext2_bmap(fs, &in, 0, EXT2_BMAP_ALLOC, &p);
		if (!err && !(err = ext2_bget(fs, p, true, &b))) {
			memcpy(b->data, target, tlen);
			ext2_bdirty(fs, b);
			ext2_bput(b);
		}
	}
	if (!err)
		err = ext2_inode_store(fs, &in);
	if (!err)
		err = ext2_dir_add(fs, &d, name, namelen, in.ino, EXT2_TYPE_LNK);
	if (err) {
		if (tlen < EXT2_FAST_LINK_MAX)
			memset(in.block, 0, sizeof(in.block));
		undo_new(fs, &in);
		return err;
	}
	*out_ino = in.ino;
	return 0;
}

int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t namelen)
{
	struct ext2_inode d, in;
	int err = ext2_inode_load(fs, ino, &in);

	if (err)
		return err;
	if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
		return ERR_PERM;
	if (in.links >= EXT2_LINK_MAX)
		return ERR_RANGE;
	err = prepare_new(fs, dir, name, namelen, &d);
	if (!err)
		err = ext2_dir_add(fs, &d, name, namelen, ino, ext2_mode_type(in.mode));
	if (err)
		return err;
	in.links++;
	in.ctime = ext2_now(fs);
	return ext2_inode_store(fs, &in);
}

/* One name of `in` is gone: the inode goes with its last name (or at its
 * last ext2_iput if it is open). */
static int drop_link(struct ext2_fs *fs, struct ext2_inode *in)
{
	bool is_dir = (in->mode & EXT2_S_IFMT) == EXT2_S_IFDIR;

	in->links = is_dir || in->links == 0 ? 0 : in->links - 1;
	in->ctime = ext2_now(fs);
	if (in->links == 0 && !ext2_open_refs(fs, in->ino))
		return ext2_inode_release(fs, in);
	return ext2_inode_store(fs, in);
}

/* Adds delta to the link count of directory `ino` (for ".." entries). */
static int adjust_links(struct ext2_fs *fs, uint32_t ino, int delta)
{
	struct ext2_inode d;
	int err = ext2_inode_load(fs, ino, &d);

	if (err)
		return err;
	if (delta < 0 && d.links <= 1)
		return ext2_bad(fs, "a directory's link count is too small");
	d.links = (uint16_t)(d.links + delta);
	d.ctime = ext2_now(fs);
	return ext2_inode_store(fs, &d);
}

/* The inode a directory entry names (which must be in use). */
static int load_named(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	int err = ext2_inode_load(fs, ino, in);

	if (err == ERR_NOENT || err == ERR_INVAL)
		err = ext2_bad(fs, "a directory entry names a free inode");
	return err;
}

/* Removes the entry at pos in d and the link it held on `in`. */
static int remove_name(struct ext2_fs *fs, struct ext2_inode *d, const struct ext2_dirpos *pos,
		       struct ext2_inode *in)
{
	int err = ext2_begin_change(fs);

	if (!err)
		err = ext2_dir_remove(fs, d, pos);
	if (!err)
		err = drop_link(fs, in);
	return err;
}

/* Finds `name` in dir for a removal: the entry and its inode. */
static int find_victim(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		       struct ext2_inode *d, struct ext2_dirpos *pos, struct ext2_inode *in)
{
	int err = check_name(name, namelen);

	if (!err && name_is_dot(name, namelen))
		err = ERR_INVAL;
	if (!err)
		err = load_dir(fs, dir, d);
	if (!err)
		err = ext2_dir_find(fs, d, name, namelen, pos);
	if (!err)
		err = load_named(fs, pos->ino, in);
	return err;
}

int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen)
{
	struct ext2_inode d, in;
	struct ext2_dirpos pos;
	int err = find_victim(fs, dir, name, namelen, &d, &pos, &in);

	if (!err && (in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
		err = ERR_ISDIR;
	if (!err)
		err = remove_name(fs, &d, &pos, &in);
	return err;
}

int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen)
{
	struct ext2_inode d, in;
	struct ext2_dirpos pos;
	bool empty = false;
	int err = find_victim(fs, dir, name, namelen, &d, &pos, &in);

	if (!err && (in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		err = ERR_NOTDIR;
	if (!err && in.ino == EXT2_ROOT_INO)
		err = ERR_BUSY;
	if (!err)
		err = ext2_dir_empty(fs, &in, &empty);
	if (!err && !empty)
		err = ERR_NOTEMPTY;
	if (!err)
		err = remove_name(fs, &d, &pos, &in);
	if (!err && in.ino != dir)
		err = adjust_links(fs, dir, -1);
	return err;
}

/* Whether directory `anc` is `ino` or one of its ancestors (ERR_LOOP if
 * the ".." chain does not reach the root in EXT2_WALK_MAX steps). */
static int is_ancestor(struct ext2_fs *fs, uint32_t anc, uint32_t ino, bool *out)
{
	for (uint32_t steps = 0; steps < EXT2_WALK_MAX; steps++) {
		uint32_t up;
		int err;

		if (ino == anc) {
			*out = true;
			return 0;
		}
		if (ino == EXT2_ROOT_INO) {
			*out = false;
			return 0;
		}
		err = ext2_lookup(fs, ino, "..", 2, &up);
		if (err)
			return err == ERR_NOENT ? ext2_bad(fs, "a directory without \"..\"") : err;
		ino = up;
	}
	return ERR_LOOP;
}

int ext2_rename(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		uint32_t new_dir, const char *new_name, size_t new_namelen)
{
	struct ext2_inode od, nd, src, dst;
	struct ext2_dirpos opos, npos;
	bool src_dir, have_dst, inside = false, empty = true;
	int err = find_victim(fs, dir, name, namelen, &od, &opos, &src);

	if (!err)
		err = check_name(new_name, new_namelen);
	if (!err && name_is_dot(new_name, new_namelen))
		err = ERR_INVAL;
	if (!err)
		err = load_dir(fs, new_dir, &nd);
	if (!err) {
		err = ext2_dir_find(fs, &nd, new_name, new_namelen, &npos);
		have_dst = err == 0;
		if (err == ERR_NOENT)
			err = 0;
	}
	if (err)
		return err;
	src_dir = (src.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	if (have_dst) {
		if (npos.ino == src.ino)
			return 0;
		err = load_named(fs, npos.ino, &dst);
		if (err)
			return err;
		bool dst_dir = (dst.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;

		if (src_dir && !dst_dir)
			return ERR_NOTDIR;
		if (!src_dir && dst_dir)
			return ERR_ISDIR;
		if (dst_dir && (err = ext2_dir_empty(fs, &dst, &empty)))
			return err;
		if (!empty)
			return ERR_NOTEMPTY;
	}
	if (src_dir && dir != new_dir) {
		err = is_ancestor(fs, src.ino, new_dir, &inside);
		if (err)
			return err;
		if (inside)
			return ERR_INVAL;
		if (!have_dst && nd.links >= EXT2_LINK_MAX)
			return ERR_RANGE;
	}
	err = ext2_begin_change(fs);
	if (err)
		return err;
	/* the new name first: if it cannot be added, nothing has changed */
	if (have_dst)
		err = ext2_dir_retarget(fs, &nd, &npos, src.ino, ext2_mode_type(src.mode));
	else
		err = ext2_dir_add(fs, &nd, new_name, new_namelen, src.ino,
				   ext2_mode_type(src.mode));
	if (err)
		return err;
	/* the add may have split the entry before the old one: find it again */
	err = load_dir(fs, dir, &od);
	if (!err)
		err = ext2_dir_find(fs, &od, name, namelen, &opos);
	if (!err)
		err = ext2_dir_remove(fs, &od, &opos);
	if (!err && src_dir && dir != new_dir) {
		struct ext2_dirpos up;

		err = ext2_dir_find(fs, &src, "..", 2, &up);
		if (!err)
			err = ext2_dir_retarget(fs, &src, &up, new_dir, EXT2_TYPE_DIR);
		if (!err)
			err = adjust_links(fs, dir, -1);
		if (!err && !have_dst)
			err = adjust_links(fs, new_dir, +1);
	} else if (!err && have_dst && src_dir) {
		/* the replaced directory's ".." no longer counts */
		err = adjust_links(fs, new_dir, -1);
	}
	if (!err && have_dst)
		err = drop_link(fs, &dst);
	if (!err) {
		err = ext2_inode_load(fs, src.ino, &src);
		if (!err) {
			src.ctime = ext2_now(fs);
			err = ext2_inode_store(fs, &src);
		}
	}
	return err;
}
