/*
 * dir.c - directory entries. A directory is a file of blocks, each block a
 * chain of entries that covers it exactly:
 *
 *   | ino | rec_len | name_len | type | name... pad | ino | rec_len ... |
 *     4      2         1          1     to 4 bytes
 *
 * An entry with ino 0 is free space; so is the slack past an entry's name
 * up to its rec_len. Adding an entry takes a free entry or splits slack;
 * removing merges the entry into the one before it (or frees it, first in
 * its block). Entries never move, so an entry's byte offset is a stable
 * readdir cookie. Every block is checked as it is read (rec_len aligned,
 * at least the name, inside the block), so a walk always advances and ends.
 * An indexed (dir_index) directory is read and changed linearly; a change
 * clears its index flag so no stale index remains.
 */
#include <string.h>

#include "ext2/ext2_internal.h"

int ext2_dir_blocks(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t *out)
{
	uint64_t n = (dir->size + fs->block_size - 1) >> fs->log_block;

	if (n > fs->blocks_count)
		return ext2_bad(fs, "a directory larger than the filesystem");
	*out = n;
	return 0;
}

/* Directory block lblk, pinned and checked. */
static int dir_block(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t lblk,
		     struct ext2_buf **out)
{
	struct ext2_buf *b;
	uint32_t p, off = 0;
	int err = ext2_bmap(fs, dir, lblk, EXT2_BMAP_FIND, &p);

	if (err)
		return err;
	if (!p)
		return ext2_bad(fs, "a hole in a directory");
	err = ext2_bget(fs, p, true, &b);
	if (err)
		return err;
	while (off < fs->block_size) {
		uint32_t rec = le16(b->data + off + 4), nl = b->data[off + 6];

		if (fs->block_size - off < EXT2_DIRENT_HEAD || rec < EXT2_DIRENT_HEAD || rec % 4 ||
		    rec > fs->block_size - off || EXT2_DIRENT_HEAD + nl > rec ||
		    le32(b->data + off) > fs->inodes_count) {
			ext2_bput(b);
			return ext2_bad(fs, "a bad directory entry");
		}
		off += rec;
	}
	*out = b;
	return 0;
}

static uint8_t disk_type(const struct ext2_fs *fs, enum ext2_type t)
{
	return fs->incompat & EXT2_INCOMPAT_FILETYPE ? (uint8_t)t : 0;
}

static void put_entry(const struct ext2_fs *fs, uint8_t *e, uint32_t ino, uint32_t rec,
		      const char *name, size_t namelen, enum ext2_type t)
{
	put32(e, ino);
	put16(e + 4, rec);
	e[6] = (uint8_t)namelen;
	e[7] = disk_type(fs, t);
	memcpy(e + EXT2_DIRENT_HEAD, name, namelen);
}

/* A change to a directory: times, and no index to keep up to date. */
static int dir_changed(struct ext2_fs *fs, struct ext2_inode *dir)
{
	dir->flags &= ~EXT2_INDEX_FL;
	dir->mtime = dir->ctime = ext2_now(fs);
	return ext2_inode_store(fs, dir);
}

int ext2_dir_find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t namelen,
		  struct ext2_dirpos *pos)
{
	uint64_t n;
	int err = ext2_dir_blocks(fs, dir, &n);

	for (uint64_t lblk = 0; lblk < n && !err; lblk++) {
		struct ext2_buf *b;
		uint32_t prev = 0;

		err = dir_block(fs, dir, lblk, &b);
		if (err)
			return err;
		for (uint32_t off = 0; off < fs->block_size; off += le16(b->data + off + 4)) {
			const uint8_t *e = b->data + off;

			if (le32(e) && e[6] == namelen &&
			    !memcmp(e + EXT2_DIRENT_HEAD, name, namelen)) {
				*pos = (struct ext2_dirpos){lblk, off, prev, le32(e), e[7]};
				ext2_bput(b);
				return 0;
			}
			prev = off;
		}
		ext2_bput(b);
	}
	return err ? err : ERR_NOENT;
}

int ext2_dir_add(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t namelen,
		 uint32_t ino, enum ext2_type type)
{
	uint32_t need = ext2_dirent_len((uint32_t)namelen), p;
	struct ext2_buf *b;
	uint64_t n;
	int err = ext2_dir_blocks(fs, dir, &n);

	for (uint64_t lblk = 0; lblk < n && !err; lblk++) {
		err = dir_block(fs, dir, lblk, &b);
		if (err)
			return err;
		for (uint32_t off = 0; off < fs->block_size;) {
			uint8_t *e = b->data + off;
			uint32_t rec = le16(e + 4), used = le32(e) ? ext2_dirent_len(e[6]) : 0;

			if (rec - used >= need) {
				if (used) {
					put16(e + 4, used);
					e += used;
				}
				put_entry(fs, e, ino, rec - used, name, namelen, type);
				ext2_bdirty(fs, b);
				ext2_bput(b);
				return dir_changed(fs, dir);
			}
			off += rec;
		}
		ext2_bput(b);
	}
	if (err)
		return err;
	/* no room: one more block */
	if (dir->size + fs->block_size > UINT32_MAX)
		return ERR_NOSPC;
	err = ext2_bmap(fs, dir, n, EXT2_BMAP_ALLOC, &p);
	if (!err)
		err = ext2_bget(fs, p, true, &b);
	if (err) {
		/* a new indirect block may be left: give it back */
		(void)ext2_free_from(fs, dir, n);
		(void)ext2_inode_store(fs, dir);
		return err;
	}
	put_entry(fs, b->data, ino, fs->block_size, name, namelen, type);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	dir->size = (n + 1) << fs->log_block;
	return dir_changed(fs, dir);
}

int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const struct ext2_dirpos *pos)
{
	struct ext2_buf *b;
	int err = dir_block(fs, dir, pos->lblk, &b);

	if (err)
		return err;
	uint8_t *e = b->data + pos->off;

	if (pos->off == pos->prev_off) {
		put32(e, 0);
	} else {
		uint8_t *prev = b->data + pos->prev_off;

		put16(prev + 4, le16(prev + 4) + le16(e + 4));
	}
	ext2_bdirty(fs, b);
	ext2_bput(b);
	return dir_changed(fs, dir);
}

int ext2_dir_retarget(struct ext2_fs *fs, struct ext2_inode *dir, const struct ext2_dirpos *pos,
		      uint32_t ino, enum ext2_type type)
{
	struct ext2_buf *b;
	int err = dir_block(fs, dir, pos->lblk, &b);

	if (err)
		return err;
	put32(b->data + pos->off, ino);
	b->data[pos->off + 7] = disk_type(fs, type);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	return dir_changed(fs, dir);
}

static bool is_dot(const uint8_t *name, uint32_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

int ext2_dir_empty(struct ext2_fs *fs, struct ext2_inode *dir, bool *empty)
{
	uint64_t n;
	int err = ext2_dir_blocks(fs, dir, &n);

	*empty = true;
	for (uint64_t lblk = 0; lblk < n && !err && *empty; lblk++) {
		struct ext2_buf *b;

		err = dir_block(fs, dir, lblk, &b);
		if (err)
			return err;
		for (uint32_t off = 0; off < fs->block_size; off += le16(b->data + off + 4)) {
			const uint8_t *e = b->data + off;

			if (le32(e) && !is_dot(e + EXT2_DIRENT_HEAD, e[6]))
				*empty = false;
		}
		ext2_bput(b);
	}
	return err;
}

int ext2_dir_init(struct ext2_fs *fs, struct ext2_inode *dir, uint32_t parent)
{
	struct ext2_buf *b;
	uint32_t p;
	int err = ext2_bmap(fs, dir, 0, EXT2_BMAP_ALLOC, &p);

	if (err)
		return err;
	err = ext2_bget(fs, p, true, &b);
	if (err)
		return err;
	put_entry(fs, b->data, dir->ino, 12, ".", 1, EXT2_TYPE_DIR);
	put_entry(fs, b->data + 12, parent, fs->block_size - 12, "..", 2, EXT2_TYPE_DIR);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	dir->size = fs->block_size;
	return 0;
}

int ext2_readdir(struct ext2_fs *fs, uint32_t ino, uint64_t cookie, ext2_dirent_fn fn, void *arg)
{
	struct ext2_inode dir;
	uint64_t n;
	int err = ext2_inode_load(fs, ino, &dir);

	if (err)
		return err;
	if ((dir.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return ERR_NOTDIR;
	err = ext2_dir_blocks(fs, &dir, &n);
	for (uint64_t lblk = cookie >> fs->log_block; lblk < n && !err; lblk++) {
		uint32_t start = lblk == cookie >> fs->log_block
					 ? (uint32_t)(cookie & (fs->block_size - 1))
					 : 0;
		struct ext2_buf *b;
		uint32_t off = 0;

		err = dir_block(fs, &dir, lblk, &b);
		if (err)
			return err;
		while (off < start)
			off += le16(b->data + off + 4);
		if (off != start) {
			ext2_bput(b);
			return ERR_INVAL;
		}
		for (; off < fs->block_size; off += le16(b->data + off + 4)) {
			const uint8_t *e = b->data + off;
			struct ext2_dirent d = {
				.next = (lblk << fs->log_block) + off + le16(e + 4),
				.ino = le32(e),
				.type = fs->incompat & EXT2_INCOMPAT_FILETYPE && e[7] <= 7
						? (enum ext2_type)e[7]
						: EXT2_TYPE_UNKNOWN,
				.namelen = e[6],
				.name = (const char *)e + EXT2_DIRENT_HEAD,
			};

			if (d.ino && d.namelen && !fn(arg, &d)) {
				ext2_bput(b);
				return 0;
			}
		}
		ext2_bput(b);
	}
	return err;
}
