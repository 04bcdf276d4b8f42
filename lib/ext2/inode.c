/*
 * inode.c - inodes in the inode tables, and the block map of a file:
 *
 *   i_block[0..11]  direct: file blocks 0..11
 *   i_block[12]  -> [A pointers]                          blocks 12 .. 12+A-1
 *   i_block[13]  -> [A] -> [A pointers]                   the next A^2
 *   i_block[14]  -> [A] -> [A] -> [A pointers]            the next A^3
 *
 * (A = block size / 4; a 0 pointer is a hole). i_blocks counts 512-byte
 * units of every block the inode owns: data, indirect, its xattr block.
 * Every pointer read from the disk is checked (ext2_block_ok) before it
 * is followed or freed; the tree's depth is fixed, so no walk loops.
 */
#include <string.h>

#include "ext2/ext2_internal.h"

enum ext2_type ext2_mode_type(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_TYPE_REG;
	case EXT2_S_IFDIR:
		return EXT2_TYPE_DIR;
	case EXT2_S_IFCHR:
		return EXT2_TYPE_CHR;
	case EXT2_S_IFBLK:
		return EXT2_TYPE_BLK;
	case EXT2_S_IFIFO:
		return EXT2_TYPE_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_TYPE_SOCK;
	case EXT2_S_IFLNK:
		return EXT2_TYPE_LNK;
	default:
		return EXT2_TYPE_UNKNOWN;
	}
}

uint64_t ext2_max_size(const struct ext2_fs *fs)
{
	uint64_t a = fs->addr_per_block;
	uint64_t map = EXT2_NDIR + a + a * a + a * a * a;
	/* i_blocks is 32 bits of 512-byte units and counts indirect blocks:
	 * keep one indirect block per A data blocks (and 3 more) inside it */
	uint64_t units = UINT32_MAX / fs->sectors_per_block;
	uint64_t cap = (units - 3) * a / (a + 1);

	if (map > cap)
		map = cap;
	return map * fs->block_size;
}

uint32_t ext2_open_refs(const struct ext2_fs *fs, uint32_t ino)
{
	for (uint32_t i = 0; i < fs->nopens; i++)
		if (fs->opens[i].ino == ino)
			return fs->opens[i].refs;
	return 0;
}

/* The inode table block of inode `ino`, pinned, and the inode's offset
 * there. ERR_INVAL for a number outside the filesystem. */
static int inode_buf(struct ext2_fs *fs, uint32_t ino, struct ext2_buf **b, uint32_t *off)
{
	if (ino == 0 || ino > fs->inodes_count)
		return ERR_INVAL;
	uint32_t g = (ino - 1) / fs->inodes_per_group;
	uint64_t byte = (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;

	*off = (uint32_t)(byte & (fs->block_size - 1));
	return ext2_bget(fs, fs->groups[g].inode_table + (uint32_t)(byte >> fs->log_block), true,
			 b);
}

int ext2_inode_load(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	struct ext2_buf *b;
	uint32_t off;
	int err = inode_buf(fs, ino, &b, &off);

	if (err)
		return err;
	const uint8_t *p = b->data + off;

	memset(in, 0, sizeof(*in));
	in->ino = ino;
	in->mode = le16(p + IN_MODE);
	in->links = le16(p + IN_LINKS);
	in->size = le32(p + IN_SIZE);
	if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFREG)
		in->size |= (uint64_t)le32(p + IN_SIZE_HIGH) << 32;
	in->atime = le32(p + IN_ATIME);
	in->ctime = le32(p + IN_CTIME);
	in->mtime = le32(p + IN_MTIME);
	in->dtime = le32(p + IN_DTIME);
	in->blocks = le32(p + IN_BLOCKS);
	in->flags = le32(p + IN_FLAGS);
	for (uint32_t i = 0; i < EXT2_NBLOCK; i++)
		in->block[i] = le32(p + IN_BLOCK + 4 * i);
	in->file_acl = le32(p + IN_FILE_ACL);
	in->uid = le16(p + IN_UID) | ((uint32_t)le16(p + IN_UID_HIGH) << 16);
	in->gid = le16(p + IN_GID) | ((uint32_t)le16(p + IN_GID_HIGH) << 16);
	ext2_bput(b);
	if (in->mode == 0 || (in->links == 0 && !ext2_open_refs(fs, ino)))
		return ERR_NOENT;
	if (ext2_mode_type(in->mode) == EXT2_TYPE_UNKNOWN)
		return ext2_bad(fs, "an inode of an unknown type");
	return 0;
}

int ext2_inode_store(struct ext2_fs *fs, const struct ext2_inode *in)
{
	struct ext2_buf *b;
	uint32_t off;
	int err = inode_buf(fs, in->ino, &b, &off);

	if (err)
		return err;
	uint8_t *p = b->data + off;

	put16(p + IN_MODE, in->mode);
	put16(p + IN_LINKS, in->links);
	put32(p + IN_SIZE, (uint32_t)in->size);
	if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFREG)
		put32(p + IN_SIZE_HIGH, (uint32_t)(in->size >> 32));
	put32(p + IN_ATIME, in->atime);
	put32(p + IN_CTIME, in->ctime);
	put32(p + IN_MTIME, in->mtime);
	put32(p + IN_DTIME, in->dtime);
	put32(p + IN_BLOCKS, in->blocks);
	put32(p + IN_FLAGS, in->flags);
	for (uint32_t i = 0; i < EXT2_NBLOCK; i++)
		put32(p + IN_BLOCK + 4 * i, in->block[i]);
	put32(p + IN_FILE_ACL, in->file_acl);
	put16(p + IN_UID, in->uid & 0xFFFF);
	put16(p + IN_UID_HIGH, in->uid >> 16);
	put16(p + IN_GID, in->gid & 0xFFFF);
	put16(p + IN_GID_HIGH, in->gid >> 16);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	return 0;
}

int ext2_inode_init(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_inode *in)
{
	struct ext2_buf *b;
	uint32_t off, now = ext2_now(fs);
	int err = inode_buf(fs, ino, &b, &off);

	if (err)
		return err;
	memset(b->data + off, 0, fs->inode_size);
	if (fs->inode_size >= EXT2_GOOD_OLD_ISIZE + EXT2_EXTRA_ISIZE_NEW)
		put16(b->data + off + IN_EXTRA_ISIZE, EXT2_EXTRA_ISIZE_NEW);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	memset(in, 0, sizeof(*in));
	in->ino = ino;
	in->mode = mode;
	in->atime = in->ctime = in->mtime = now;
	return 0;
}

/* Charges (or refunds) one block to the inode's i_blocks. */
static int charge(struct ext2_fs *fs, struct ext2_inode *in, bool add)
{
	if (add) {
		if (in->blocks > UINT32_MAX - fs->sectors_per_block)
			return ERR_RANGE;
		in->blocks += fs->sectors_per_block;
	} else {
		in->blocks =
			in->blocks > fs->sectors_per_block ? in->blocks - fs->sectors_per_block : 0;
	}
	return 0;
}

/* A new block for `in` (in `*slot`, a pointer in the inode or in a
 * pinned indirect block that the caller marks dirty). */
static int grow(struct ext2_fs *fs, struct ext2_inode *in, bool whole, uint32_t *out)
{
	uint32_t goal = in->goal;
	int err;

	if (!goal)
		goal = fs->first_data_block +
		       ((in->ino - 1) / fs->inodes_per_group) * fs->blocks_per_group;
	err = charge(fs, in, true);
	if (err)
		return err;
	err = ext2_balloc(fs, goal, whole, out);
	if (err) {
		charge(fs, in, false);
		return err;
	}
	in->goal = *out + 1;
	return 0;
}

int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk, enum ext2_bmap_mode mode,
	      uint32_t *out)
{
	uint64_t a = fs->addr_per_block, span = 1;
	uint32_t idx[3], depth = 0, root;
	uint32_t p;
	int err;

	if (lblk < EXT2_NDIR) {
		root = (uint32_t)lblk;
	} else {
		lblk -= EXT2_NDIR;
		for (depth = 1; depth <= 3; depth++) {
			span *= a;
			if (lblk < span)
				break;
			lblk -= span;
		}
		if (depth > 3)
			return ERR_RANGE;
		root = EXT2_IND + depth - 1;
		for (uint32_t l = depth; l-- > 0;) {
			idx[l] = (uint32_t)(lblk % a);
			lblk /= a;
		}
	}
	p = in->block[root];
	if (!p) {
		if (mode == EXT2_BMAP_FIND) {
			*out = 0;
			return 0;
		}
		err = grow(fs, in, depth == 0 && mode == EXT2_BMAP_WHOLE, &p);
		if (err)
			return err;
		in->block[root] = p;
	}
	for (uint32_t l = 0; l < depth; l++) {
		struct ext2_buf *b;
		uint32_t q;

		if (!ext2_block_ok(fs, p))
			return ext2_bad(fs, "an indirect block pointer outside the data blocks");
		err = ext2_bget(fs, p, true, &b);
		if (err)
			return err;
		q = le32(b->data + 4 * idx[l]);
		if (!q && mode != EXT2_BMAP_FIND) {
			err = grow(fs, in, l + 1 == depth && mode == EXT2_BMAP_WHOLE, &q);
			if (!err) {
				put32(b->data + 4 * idx[l], q);
				ext2_bdirty(fs, b);
			}
		}
		ext2_bput(b);
		if (err)
			return err;
		if (!q) {
			*out = 0;
			return 0;
		}
		p = q;
	}
	if (!ext2_block_ok(fs, p))
		return ext2_bad(fs, "a data block pointer outside the data blocks");
	*out = p;
	return 0;
}

static int free_block(struct ext2_fs *fs, struct ext2_inode *in, uint32_t blk)
{
	int err = ext2_bfree(fs, blk);

	if (!err)
		charge(fs, in, false);
	return err;
}

/* Frees what lies at relative file blocks >= from under the indirect
 * block `blk` of `depth` levels (1: its pointers are data blocks). */
static int free_ind(struct ext2_fs *fs, struct ext2_inode *in, uint32_t blk, uint32_t depth,
		    uint64_t from)
{
	uint64_t span = 1;
	struct ext2_buf *b;
	int err;

	for (uint32_t l = 1; l < depth; l++)
		span *= fs->addr_per_block;
	if (!ext2_block_ok(fs, blk))
		return ext2_bad(fs, "an indirect block pointer outside the data blocks");
	err = ext2_bget(fs, blk, true, &b);
	if (err)
		return err;
	for (uint64_t i = from / span; i < fs->addr_per_block && !err; i++) {
		uint32_t q = le32(b->data + 4 * i);
		uint64_t sub = i * span >= from ? 0 : from - i * span;

		if (!q)
			continue;
		if (depth > 1)
			err = free_ind(fs, in, q, depth - 1, sub);
		if (!err && sub == 0) {
			err = free_block(fs, in, q);
			if (!err) {
				put32(b->data + 4 * i, 0);
				ext2_bdirty(fs, b);
			}
		}
	}
	ext2_bput(b);
	return err;
}

int ext2_free_from(struct ext2_fs *fs, struct ext2_inode *in, uint64_t from)
{
	uint64_t base = EXT2_NDIR, span = 1;
	int err = 0;

	for (uint32_t i = 0; i < EXT2_NDIR && !err; i++) {
		if (i >= from && in->block[i]) {
			err = free_block(fs, in, in->block[i]);
			if (!err)
				in->block[i] = 0;
		}
	}
	for (uint32_t depth = 1; depth <= 3 && !err; depth++) {
		uint32_t *root = &in->block[EXT2_IND + depth - 1];
		uint64_t sub = from > base ? from - base : 0;

		span *= fs->addr_per_block;
		if (*root && from < base + span) {
			err = free_ind(fs, in, *root, depth, sub);
			if (!err && sub == 0) {
				err = free_block(fs, in, *root);
				if (!err)
					*root = 0;
			}
		}
		base += span;
	}
	in->goal = 0;
	return err;
}

/* Whether the symlink keeps its target in i_block (no data block). */
static bool fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint32_t acl = in->file_acl ? fs->sectors_per_block : 0;

	return in->blocks <= acl;
}

/* Drops the inode's reference to its extended-attribute block. */
static int free_xattr(struct ext2_fs *fs, struct ext2_inode *in)
{
	struct ext2_buf *b;
	uint32_t refs;
	int err;

	if (!in->file_acl)
		return 0;
	if (!ext2_block_ok(fs, in->file_acl))
		return ext2_bad(fs, "an xattr block outside the data blocks");
	err = ext2_bget(fs, in->file_acl, true, &b);
	if (err)
		return err;
	if (le32(b->data) != EXT2_XATTR_MAGIC) {
		ext2_bput(b);
		return ext2_bad(fs, "an xattr block without its magic number");
	}
	refs = le32(b->data + 4);
	if (refs > 1) {
		put32(b->data + 4, refs - 1);
		ext2_bdirty(fs, b);
		ext2_bput(b);
		charge(fs, in, false);
	} else {
		ext2_bput(b);
		err = free_block(fs, in, in->file_acl);
	}
	if (!err)
		in->file_acl = 0;
	return err;
}

int ext2_inode_release(struct ext2_fs *fs, struct ext2_inode *in)
{
	enum ext2_type t = ext2_mode_type(in->mode);
	int err = 0;

	if (t == EXT2_TYPE_REG || t == EXT2_TYPE_DIR ||
	    (t == EXT2_TYPE_LNK && !fast_symlink(fs, in)))
		err = ext2_free_from(fs, in, 0);
	if (!err)
		err = free_xattr(fs, in);
	in->links = 0;
	in->size = 0;
	in->dtime = ext2_now(fs);
	if (!in->dtime)
		in->dtime = 1; /* e2fsck takes dtime 0 for an inode in use */
	int err2 = ext2_inode_store(fs, in);
	if (!err)
		err = err2;
	if (!err)
		err = ext2_ifree(fs, in->ino, t == EXT2_TYPE_DIR);
	return err;
}
