/*
 * alloc.c - block and inode allocation: one bitmap block per group for
 * each (bit i of group g's block bitmap is block first_data_block +
 * g * blocks_per_group + i; bit i of its inode bitmap is inode
 * g * inodes_per_group + i + 1), and the free counts of the groups and
 * the filesystem, changed together with the bit.
 *
 * A block is allocated near a goal (the file's previous block) so files
 * stay contiguous; a directory's inode goes to a group with more free
 * inodes and blocks than the average, a file's to its directory's group.
 * A bitmap that says free where the group's metadata lives (a hostile
 * image) is not believed: ext2_block_ok refuses those blocks.
 */
#include <string.h>

#include "ext2/ext2_internal.h"

static bool is_power_of(uint32_t n, uint32_t b)
{
	while (n > 1 && n % b == 0)
		n /= b;
	return n == 1;
}

/* Whether group g holds a copy of the superblock and group table. */
static bool group_has_super(const struct ext2_fs *fs, uint32_t g)
{
	if (g <= 1 || !(fs->ro_compat & EXT2_RO_COMPAT_SPARSE))
		return true;
	return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

bool ext2_block_ok(const struct ext2_fs *fs, uint32_t blk)
{
	if (blk < fs->first_data_block || blk >= fs->blocks_count)
		return false;
	uint32_t g = (blk - fs->first_data_block) / fs->blocks_per_group;
	uint32_t first = fs->first_data_block + g * fs->blocks_per_group;
	const struct ext2_group *gr = &fs->groups[g];
	uint32_t reserved = fs->rev ? le16(fs->sb + 206) : 0; /* s_reserved_gdt_blocks */

	if (group_has_super(fs, g) && blk - first <= (uint64_t)fs->gdt_blocks + reserved)
		return false;
	if (blk == gr->block_bitmap || blk == gr->inode_bitmap)
		return false;
	return blk < gr->inode_table || blk - gr->inode_table >= fs->itable_blocks;
}

/* Blocks in group g (the last one may be short). */
static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t g)
{
	uint32_t first = fs->first_data_block + g * fs->blocks_per_group;
	uint32_t n = fs->blocks_count - first;

	return n < fs->blocks_per_group ? n : fs->blocks_per_group;
}

/* The first clear bit of map in [from, n) whose number passes ok (if
 * given), or n. */
static uint32_t find_clear(const struct ext2_fs *fs, const uint8_t *map, uint32_t from, uint32_t n,
			   uint32_t base)
{
	for (uint32_t i = from; i < n; i++) {
		if ((i & 7) == 0 && map[i >> 3] == 0xFF && i + 8 <= n) {
			i += 7;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))) && (!fs || ext2_block_ok(fs, base + i)))
			return i;
	}
	return n;
}

int ext2_balloc(struct ext2_fs *fs, uint32_t goal, bool whole, uint32_t *blk)
{
	uint32_t start = 0, from = 0;
	int err;

	if (fs->free_blocks == 0)
		return ERR_NOSPC;
	if (goal >= fs->first_data_block && goal < fs->blocks_count) {
		start = (goal - fs->first_data_block) / fs->blocks_per_group;
		from = (goal - fs->first_data_block) % fs->blocks_per_group;
	}
	for (uint32_t step = 0; step <= fs->ngroups; step++) {
		uint32_t g = (start + step) % fs->ngroups;
		uint32_t base = fs->first_data_block + g * fs->blocks_per_group;
		uint32_t n = group_blocks(fs, g);
		struct ext2_buf *bm, *b;
		uint32_t i;

		if (fs->groups[g].free_blocks == 0)
			continue;
		err = ext2_bget(fs, fs->groups[g].block_bitmap, true, &bm);
		if (err)
			return err;
		i = find_clear(fs, bm->data, step == 0 ? from : 0, n, base);
		if (i == n) {
			ext2_bput(bm);
			continue;
		}
		/* zero it in the cache first: a failure leaves the bitmap alone */
		if (whole) {
			ext2_bforget(fs, base + i);
		} else {
			err = ext2_bget(fs, base + i, false, &b);
			if (err) {
				ext2_bput(bm);
				return err;
			}
			ext2_bdirty(fs, b);
			ext2_bput(b);
		}
		bm->data[i >> 3] |= (uint8_t)(1u << (i & 7));
		ext2_bdirty(fs, bm);
		ext2_bput(bm);
		fs->groups[g].free_blocks--;
		fs->free_blocks--;
		fs->groups_dirty = true;
		*blk = base + i;
		return 0;
	}
	return ERR_NOSPC;
}

/* Clears bit i of the bitmap in block `map`; ERR_MALFORMED (why) if it
 * was clear. */
static int bitmap_clear(struct ext2_fs *fs, uint32_t map, uint32_t i, const char *why)
{
	struct ext2_buf *bm;
	int err = ext2_bget(fs, map, true, &bm);

	if (err)
		return err;
	if (!(bm->data[i >> 3] & (1u << (i & 7)))) {
		ext2_bput(bm);
		return ext2_bad(fs, why);
	}
	bm->data[i >> 3] &= (uint8_t) ~(1u << (i & 7));
	ext2_bdirty(fs, bm);
	ext2_bput(bm);
	return 0;
}

int ext2_bfree(struct ext2_fs *fs, uint32_t blk)
{
	uint32_t g, i;
	int err;

	if (!ext2_block_ok(fs, blk))
		return ext2_bad(fs, "a file points at a metadata block or past the end");
	g = (blk - fs->first_data_block) / fs->blocks_per_group;
	i = (blk - fs->first_data_block) % fs->blocks_per_group;
	err = bitmap_clear(fs, fs->groups[g].block_bitmap, i,
			   "a file's block is free in the bitmap");
	if (err)
		return err;
	if (fs->groups[g].free_blocks < group_blocks(fs, g)) {
		fs->groups[g].free_blocks++;
		fs->free_blocks++;
	}
	fs->groups_dirty = true;
	/* a freed block's cached contents need not reach the device */
	ext2_bforget(fs, blk);
	return 0;
}

/* The group for a new inode, or ngroups if none has a free one. */
static uint32_t pick_group(const struct ext2_fs *fs, uint32_t parent_group, bool is_dir)
{
	uint64_t avg_i = fs->free_inodes / fs->ngroups, avg_b = fs->free_blocks / fs->ngroups;

	if (is_dir) {
		for (uint32_t k = 1; k <= fs->ngroups; k++) {
			uint32_t g = (parent_group + k) % fs->ngroups;
			const struct ext2_group *gr = &fs->groups[g];

			if (gr->free_inodes && gr->free_inodes >= avg_i && gr->free_blocks >= avg_b)
				return g;
		}
	}
	for (uint32_t k = 0; k < fs->ngroups; k++) {
		uint32_t g = (parent_group + k) % fs->ngroups;

		if (fs->groups[g].free_inodes)
			return g;
	}
	return fs->ngroups;
}

int ext2_ialloc(struct ext2_fs *fs, uint32_t dir, bool is_dir, uint32_t *ino)
{
	uint32_t pg = (dir - 1) / fs->inodes_per_group;
	uint32_t g = pick_group(fs, pg, is_dir);

	for (uint32_t tries = 0; fs->free_inodes && g < fs->ngroups && tries < fs->ngroups;
	     tries++, g = (g + 1) % fs->ngroups) {
		struct ext2_buf *bm;
		uint32_t i, from = 0;
		int err;

		if (!fs->groups[g].free_inodes)
			continue;
		if (g == 0 && fs->first_ino > 1)
			from = fs->first_ino - 1;
		err = ext2_bget(fs, fs->groups[g].inode_bitmap, true, &bm);
		if (err)
			return err;
		i = find_clear(NULL, bm->data, from, fs->inodes_per_group, 0);
		if (i == fs->inodes_per_group) {
			ext2_bput(bm);
			continue;
		}
		bm->data[i >> 3] |= (uint8_t)(1u << (i & 7));
		ext2_bdirty(fs, bm);
		ext2_bput(bm);
		fs->groups[g].free_inodes--;
		fs->free_inodes--;
		if (is_dir)
			fs->groups[g].used_dirs++;
		fs->groups_dirty = true;
		*ino = g * fs->inodes_per_group + i + 1;
		return 0;
	}
	return ERR_NOSPC;
}

int ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
	uint32_t g = (ino - 1) / fs->inodes_per_group, i = (ino - 1) % fs->inodes_per_group;
	int err;

	err = bitmap_clear(fs, fs->groups[g].inode_bitmap, i,
			   "an inode in use is free in the bitmap");
	if (err)
		return err;
	if (fs->groups[g].free_inodes < fs->inodes_per_group) {
		fs->groups[g].free_inodes++;
		fs->free_inodes++;
	}
	if (is_dir && fs->groups[g].used_dirs)
		fs->groups[g].used_dirs--;
	fs->groups_dirty = true;
	return 0;
}
