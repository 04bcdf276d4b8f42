/*
 * super.c - mounting an ext2 filesystem (the superblock and the group
 * table, checked against each other and the device), sync and unmount.
 *
 * The group table lives decoded in fs->groups and the free counts in
 * fs->free_blocks/free_inodes (recomputed from the groups at mount, as
 * e2fsck trusts the groups over the superblock); both are written back
 * at sync. The on-disk superblock's state says VALID only while what the
 * disk holds is consistent: the first change after a mount or a sync
 * clears it on the device at once (ext2_begin_change), and sync sets it
 * again after every other block is written.
 */
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "ext2/ext2_internal.h"

struct feature_name {
	uint32_t bit;
	const char *why;
};

/* Each incompat feature we refuse, named for the user. */
static const struct feature_name incompat_names[] = {
	{0x0001, "unsupported incompat feature: compression"},
	{0x0004, "unsupported incompat feature: needs_recovery (replay the journal with e2fsck)"},
	{0x0008, "unsupported incompat feature: journal_dev (an external journal)"},
	{0x0010, "unsupported incompat feature: meta_bg"},
	{0x0040, "unsupported incompat feature: extent (an ext4 filesystem)"},
	{0x0080, "unsupported incompat feature: 64bit (an ext4 filesystem)"},
	{0x0100, "unsupported incompat feature: mmp"},
	{0x0200, "unsupported incompat feature: flex_bg (an ext4 filesystem)"},
	{0x0400, "unsupported incompat feature: ea_inode"},
	{0x1000, "unsupported incompat feature: dirdata"},
	{0x2000, "unsupported incompat feature: metadata_csum_seed"},
	{0x4000, "unsupported incompat feature: large_dir"},
	{0x8000, "unsupported incompat feature: inline_data"},
	{0x10000, "unsupported incompat feature: encrypt"},
	{0x20000, "unsupported incompat feature: casefold"},
};

static const char *incompat_why(uint32_t bits)
{
	for (size_t i = 0; i < sizeof(incompat_names) / sizeof(incompat_names[0]); i++)
		if (bits & incompat_names[i].bit)
			return incompat_names[i].why;
	return "unsupported incompat feature (unknown to this driver)";
}

static int fail(const char **why, const char *text, int err)
{
	if (why)
		*why = text;
	return err;
}

/* The block that holds the superblock, and its offset there. */
static void super_where(const struct ext2_fs *fs, uint32_t *blk, uint32_t *off)
{
	*blk = EXT2_SUPER_OFF / fs->block_size;
	*off = EXT2_SUPER_OFF % fs->block_size;
}

/* Writes fs->sb (with the current counts) to the device now. */
static int super_write(struct ext2_fs *fs)
{
	struct ext2_buf *b;
	uint32_t blk, off;
	int err;

	put32(fs->sb + SB_FREE_BLOCKS, (uint32_t)fs->free_blocks);
	put32(fs->sb + SB_FREE_INODES, (uint32_t)fs->free_inodes);
	put32(fs->sb + SB_FEATURE_RO_COMPAT, fs->ro_compat);
	super_where(fs, &blk, &off);
	err = ext2_bget(fs, blk, true, &b);
	if (err)
		return err;
	memcpy(b->data + off, fs->sb, EXT2_SUPER_SIZE);
	err = ext2_dev_write(fs, blk, 1, b->data);
	if (!err && b->dirty) {
		b->dirty = false;
		fs->cache.ndirty--;
	}
	ext2_bput(b);
	return err;
}

int ext2_begin_change(struct ext2_fs *fs)
{
	if (fs->readonly)
		return ERR_ROFS;
	if (!fs->clean_on_disk)
		return 0;
	put16(fs->sb + SB_STATE, le16(fs->sb + SB_STATE) & ~EXT2_STATE_VALID);
	int err = super_write(fs);
	if (!err)
		fs->clean_on_disk = false;
	return err;
}

/* Checks the geometry in fs->sb and fills the fs fields from it. */
static int read_geometry(struct ext2_fs *fs, const char **why)
{
	const uint8_t *sb = fs->sb;
	uint32_t log = le32(sb + SB_LOG_BLOCK_SIZE);
	uint64_t dev_bytes = fs->dev.sectors * EXT2_SECTOR;

	if (le16(sb + SB_MAGIC) != EXT2_MAGIC)
		return fail(why, "not an ext2 filesystem (bad magic number)", ERR_MALFORMED);
	fs->rev = le32(sb + SB_REV_LEVEL);
	if (fs->rev > 1)
		return fail(why, "unsupported revision (newer than 1)", ERR_UNSUPP);
	if (log > EXT2_MAX_BLOCK_LOG)
		return fail(why, "unsupported block size (over 64 KiB)", ERR_UNSUPP);
	fs->log_block = 10 + log;
	fs->block_size = 1024u << log;
	fs->sectors_per_block = fs->block_size / EXT2_SECTOR;
	fs->addr_per_block = fs->block_size / 4;
	fs->blocks_count = le32(sb + SB_BLOCKS_COUNT);
	fs->first_data_block = le32(sb + SB_FIRST_DATA_BLOCK);
	fs->blocks_per_group = le32(sb + SB_BLOCKS_PER_GROUP);
	fs->inodes_count = le32(sb + SB_INODES_COUNT);
	fs->inodes_per_group = le32(sb + SB_INODES_PER_GROUP);
	if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
		return fail(why, "bad first data block", ERR_MALFORMED);
	if (fs->blocks_count <= fs->first_data_block + 2)
		return fail(why, "too few blocks", ERR_MALFORMED);
	if ((uint64_t)fs->blocks_count * fs->block_size > dev_bytes)
		return fail(why, "the filesystem is larger than the device", ERR_MALFORMED);
	if (fs->blocks_per_group < 8 || fs->blocks_per_group > 8 * fs->block_size ||
	    fs->blocks_per_group % 8)
		return fail(why, "bad blocks per group", ERR_MALFORMED);
	if (fs->inodes_per_group == 0 || fs->inodes_per_group > 8 * fs->block_size ||
	    fs->inodes_per_group % 8)
		return fail(why, "bad inodes per group", ERR_MALFORMED);
	fs->ngroups = (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) /
		      fs->blocks_per_group;
	if (fs->ngroups > EXT2_GROUPS_MAX)
		return fail(why, "too many block groups", ERR_UNSUPP);
	if ((uint64_t)fs->inodes_per_group * fs->ngroups != fs->inodes_count)
		return fail(why, "the inode count does not match the groups", ERR_MALFORMED);
	if (fs->rev == 0) {
		fs->inode_size = EXT2_GOOD_OLD_ISIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST;
		fs->incompat = fs->ro_compat = 0;
	} else {
		fs->inode_size = le16(sb + SB_INODE_SIZE);
		fs->first_ino = le32(sb + SB_FIRST_INO);
		fs->incompat = le32(sb + SB_FEATURE_INCOMPAT);
		fs->ro_compat = le32(sb + SB_FEATURE_RO_COMPAT);
	}
	if (fs->inode_size < EXT2_GOOD_OLD_ISIZE || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)))
		return fail(why, "bad inode size", ERR_MALFORMED);
	if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino >= fs->inodes_count)
		return fail(why, "bad first inode", ERR_MALFORMED);
	if (fs->incompat & ~EXT2_INCOMPAT_SUPPORTED)
		return fail(why, incompat_why(fs->incompat & ~EXT2_INCOMPAT_SUPPORTED), ERR_UNSUPP);
	fs->itable_blocks =
		(uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size + fs->block_size - 1) /
			   fs->block_size);
	fs->gdt_blocks = (uint32_t)(((uint64_t)fs->ngroups * EXT2_GD_SIZE + fs->block_size - 1) /
				    fs->block_size);
	if ((uint64_t)fs->first_data_block + 1 + fs->gdt_blocks > fs->blocks_count)
		return fail(why, "the group table does not fit", ERR_MALFORMED);
	return 0;
}

static int read_groups(struct ext2_fs *fs, const char **why)
{
	uint8_t *blk = malloc(fs->block_size);
	int err = 0;

	fs->groups = calloc(fs->ngroups, sizeof(*fs->groups));
	if (!blk || !fs->groups) {
		free(blk);
		return fail(why, "out of memory for the group table", ERR_NOMEM);
	}
	for (uint32_t g = 0; g < fs->ngroups; g++) {
		uint32_t per = fs->block_size / EXT2_GD_SIZE;
		uint32_t off = (g % per) * EXT2_GD_SIZE;
		struct ext2_group *gr = &fs->groups[g];
		uint32_t first = fs->first_data_block + g * fs->blocks_per_group;
		uint32_t last = first + fs->blocks_per_group - 1;

		if (last >= fs->blocks_count)
			last = fs->blocks_count - 1;
		if (off == 0) {
			err = ext2_dev_read(fs, fs->first_data_block + 1 + g / per, 1, blk);
			if (err) {
				fail(why, "cannot read the group table", err);
				break;
			}
		}
		gr->block_bitmap = le32(blk + off + GD_BLOCK_BITMAP);
		gr->inode_bitmap = le32(blk + off + GD_INODE_BITMAP);
		gr->inode_table = le32(blk + off + GD_INODE_TABLE);
		gr->free_blocks = le16(blk + off + GD_FREE_BLOCKS);
		gr->free_inodes = le16(blk + off + GD_FREE_INODES);
		gr->used_dirs = le16(blk + off + GD_USED_DIRS);
		if (gr->block_bitmap < first || gr->block_bitmap > last ||
		    gr->inode_bitmap < first || gr->inode_bitmap > last ||
		    gr->inode_table < first || gr->inode_table > last ||
		    (uint64_t)gr->inode_table + fs->itable_blocks - 1 > last) {
			err = fail(why, "a group's bitmaps or inode table lie outside it",
				   ERR_MALFORMED);
			break;
		}
		if (gr->free_blocks > last - first + 1 || gr->free_inodes > fs->inodes_per_group ||
		    gr->used_dirs > fs->inodes_per_group) {
			err = fail(why, "a group's free counts exceed its size", ERR_MALFORMED);
			break;
		}
		fs->free_blocks += gr->free_blocks;
		fs->free_inodes += gr->free_inodes;
	}
	free(blk);
	return err;
}

static void fs_free(struct ext2_fs *fs)
{
	ext2_cache_free(&fs->cache);
	free(fs->groups);
	free(fs->iobuf);
	free(fs->opens);
	free(fs);
}

int ext2_mount(const struct ext2_dev *dev, const struct ext2_opts *opts, struct ext2_fs **out,
	       const char **why)
{
	struct ext2_fs *fs;
	uint32_t nbufs = opts && opts->cache_blocks ? opts->cache_blocks : EXT2_CACHE_DEFAULT;
	int err;

	if (!dev || !dev->ops || !dev->ops->read || !dev->ops->write || nbufs < EXT2_CACHE_MIN)
		return fail(why, "bad device or options", ERR_INVAL);
	if (dev->sectors < (EXT2_SUPER_OFF + EXT2_SUPER_SIZE) / EXT2_SECTOR)
		return fail(why, "the device is too small for a superblock", ERR_MALFORMED);
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return fail(why, "out of memory", ERR_NOMEM);
	fs->dev = *dev;
	fs->why = "";
	if (opts) {
		fs->readonly = opts->readonly;
		fs->clock = opts->clock;
		fs->clock_arg = opts->clock_arg;
	}
	err = dev->ops->read(dev->ctx, EXT2_SUPER_OFF / EXT2_SECTOR, EXT2_SUPER_SIZE / EXT2_SECTOR,
			     fs->sb);
	if (err) {
		err = fail(why, "cannot read the superblock", ERR_IO);
		goto out;
	}
	err = read_geometry(fs, why);
	if (err)
		goto out;
	if (fs->ro_compat & ~EXT2_RO_COMPAT_SUPPORTED)
		fs->readonly = true;
	err = read_groups(fs, why);
	if (err)
		goto out;
	fs->iobuf = malloc((size_t)EXT2_IO_RUN * fs->block_size);
	if (!fs->iobuf || ext2_cache_init(&fs->cache, nbufs, fs->block_size)) {
		err = fail(why, "out of memory for the block cache", ERR_NOMEM);
		goto out;
	}
	fs->clean_on_disk = (le16(fs->sb + SB_STATE) & EXT2_STATE_VALID) != 0;
	*out = fs;
	return 0;
out:
	fs_free(fs);
	return err;
}

/* Encodes the group table into its blocks (in the cache). */
static int write_groups(struct ext2_fs *fs)
{
	uint32_t per = fs->block_size / EXT2_GD_SIZE;

	for (uint32_t g = 0; g < fs->ngroups; g += per) {
		struct ext2_buf *b;
		int err = ext2_bget(fs, fs->first_data_block + 1 + g / per, true, &b);

		if (err)
			return err;
		for (uint32_t k = 0; k < per && g + k < fs->ngroups; k++) {
			uint8_t *p = b->data + k * EXT2_GD_SIZE;
			const struct ext2_group *gr = &fs->groups[g + k];

			put16(p + GD_FREE_BLOCKS, gr->free_blocks);
			put16(p + GD_FREE_INODES, gr->free_inodes);
			put16(p + GD_USED_DIRS, gr->used_dirs);
		}
		ext2_bdirty(fs, b);
		ext2_bput(b);
	}
	fs->groups_dirty = false;
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	int err = 0;

	if (fs->readonly || fs->clean_on_disk)
		return 0;
	if (fs->groups_dirty)
		err = write_groups(fs);
	if (!err)
		err = ext2_cache_flush(fs);
	if (!err && fs->dev.ops->flush && fs->dev.ops->flush(fs->dev.ctx))
		err = ERR_IO;
	if (err)
		return err;
	/* everything else is on the device: now the superblock may say clean */
	put16(fs->sb + SB_STATE, le16(fs->sb + SB_STATE) | EXT2_STATE_VALID);
	put32(fs->sb + SB_WTIME, ext2_now(fs));
	err = super_write(fs);
	if (!err && fs->dev.ops->flush && fs->dev.ops->flush(fs->dev.ctx))
		err = ERR_IO;
	if (!err)
		fs->clean_on_disk = true;
	return err;
}

int ext2_unmount(struct ext2_fs *fs)
{
	int err = 0;

	/* inodes whose names are gone but were still open */
	while (fs->nopens) {
		uint32_t ino = fs->opens[fs->nopens - 1].ino;

		fs->opens[fs->nopens - 1].refs = 1;
		ext2_iput(fs, ino);
	}
	err = ext2_sync(fs);
	fs_free(fs);
	return err;
}

bool ext2_readonly(const struct ext2_fs *fs)
{
	return fs->readonly;
}

const char *ext2_why(const struct ext2_fs *fs)
{
	return fs->why;
}

void ext2_info(const struct ext2_fs *fs, struct ext2_info *out)
{
	out->block_size = fs->block_size;
	out->blocks = fs->blocks_count;
	out->free_blocks = fs->free_blocks;
	out->inodes = fs->inodes_count;
	out->free_inodes = fs->free_inodes;
	out->groups = fs->ngroups;
	out->max_file_size = ext2_max_size(fs);
}

void ext2_check(struct ext2_fs *fs)
{
	uint64_t fb = 0, fi = 0;

	ext2_cache_check(fs);
	for (uint32_t g = 0; g < fs->ngroups; g++) {
		fb += fs->groups[g].free_blocks;
		fi += fs->groups[g].free_inodes;
	}
	ASSERT(fb == fs->free_blocks);
	ASSERT(fi == fs->free_inodes);
	for (uint32_t i = 0; i < fs->nopens; i++)
		ASSERT(fs->opens[i].refs > 0);
}
