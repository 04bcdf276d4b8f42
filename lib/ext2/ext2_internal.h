/*
 * ext2_internal.h - the on-disk format and the state shared by the ext2
 * files (super.c, cache.c, alloc.c, inode.c, dir.c, ops.c).
 *
 * The disk, in blocks of 1024 << s_log_block_size bytes (the superblock is
 * always at byte 1024; with 1 KiB blocks it is block 1 and block 0 is
 * the boot block):
 *
 *   | group 0                                           | group 1 ...
 *   | super | group table | reserved gdt | bbitmap | ibitmap | inode table | data ...
 *
 * A group holds s_blocks_per_group blocks from s_first_data_block +
 * g * s_blocks_per_group. With sparse_super only groups 0, 1 and powers of
 * 3, 5 and 7 keep a copy of the superblock and group table (we write only
 * the primary copies, as Linux does; e2fsck checks only those).
 *
 * Every field is little-endian; le16/le32 read it from bytes, so the code
 * does not depend on the host's order or alignment.
 *
 * Invariants (ext2_check): the cache's hash and LRU hold each buffer once,
 * no buffer stays pinned between calls; fs->free_blocks / free_inodes are
 * the sums of the group counts.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ext2/ext2.h"

/* ---- on-disk constants ---- */

#define EXT2_MAGIC	     0xEF53u
#define EXT2_SUPER_OFF	     1024u /* bytes from the start of the device */
#define EXT2_SUPER_SIZE	     1024u
#define EXT2_GD_SIZE	     32u
#define EXT2_GOOD_OLD_ISIZE  128u
#define EXT2_GOOD_OLD_FIRST  11u
#define EXT2_NDIR	     12u /* direct block pointers */
#define EXT2_IND	     12u /* i_block[] index of the single indirect block */
#define EXT2_DIND	     13u
#define EXT2_TIND	     14u
#define EXT2_NBLOCK	     15u
#define EXT2_MAX_BLOCK_LOG   5u	 /* 32 KiB (64 KiB needs another rec_len coding) */
#define EXT2_FAST_LINK_MAX   60u /* a symlink this short lives in i_block */
/* The most groups a filesystem may have (32-bit block numbers in groups
 * of 8 * block size blocks never need more): bounds the group table's
 * memory (24 bytes a group) whatever the superblock says. */
#define EXT2_GROUPS_MAX	     (1u << 19)
#define EXT2_EXTRA_ISIZE_NEW 32u /* i_extra_isize of a new inode (as mke2fs) */

/* superblock field offsets */
enum {
	SB_INODES_COUNT = 0,
	SB_BLOCKS_COUNT = 4,
	SB_R_BLOCKS = 8,
	SB_FREE_BLOCKS = 12,
	SB_FREE_INODES = 16,
	SB_FIRST_DATA_BLOCK = 20,
	SB_LOG_BLOCK_SIZE = 24,
	SB_BLOCKS_PER_GROUP = 32,
	SB_INODES_PER_GROUP = 40,
	SB_MTIME = 44,
	SB_WTIME = 48,
	SB_MNT_COUNT = 52,
	SB_MAGIC = 56,
	SB_STATE = 58,
	SB_REV_LEVEL = 76,
	SB_FIRST_INO = 84,
	SB_INODE_SIZE = 88,
	SB_FEATURE_COMPAT = 92,
	SB_FEATURE_INCOMPAT = 96,
	SB_FEATURE_RO_COMPAT = 100,
};

#define EXT2_STATE_VALID 0x1u /* cleanly unmounted */

#define EXT2_INCOMPAT_FILETYPE	 0x0002u
#define EXT2_INCOMPAT_SUPPORTED	 EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SPARSE	 0x0001u
#define EXT2_RO_COMPAT_LARGE	 0x0002u
#define EXT2_RO_COMPAT_SUPPORTED (EXT2_RO_COMPAT_SPARSE | EXT2_RO_COMPAT_LARGE)

/* group descriptor field offsets */
enum {
	GD_BLOCK_BITMAP = 0,
	GD_INODE_BITMAP = 4,
	GD_INODE_TABLE = 8,
	GD_FREE_BLOCKS = 12,
	GD_FREE_INODES = 14,
	GD_USED_DIRS = 16,
};

/* inode field offsets */
enum {
	IN_MODE = 0,
	IN_UID = 2,
	IN_SIZE = 4,
	IN_ATIME = 8,
	IN_CTIME = 12,
	IN_MTIME = 16,
	IN_DTIME = 20,
	IN_GID = 24,
	IN_LINKS = 26,
	IN_BLOCKS = 28,
	IN_FLAGS = 32,
	IN_BLOCK = 40,
	IN_GENERATION = 100,
	IN_FILE_ACL = 104,
	IN_SIZE_HIGH = 108,
	IN_UID_HIGH = 120,
	IN_GID_HIGH = 122,
	IN_EXTRA_ISIZE = 128,
};

#define EXT2_S_IFMT   0xF000u
#define EXT2_S_IFSOCK 0xC000u
#define EXT2_S_IFLNK  0xA000u
#define EXT2_S_IFREG  0x8000u
#define EXT2_S_IFBLK  0x6000u
#define EXT2_S_IFDIR  0x4000u
#define EXT2_S_IFCHR  0x2000u
#define EXT2_S_IFIFO  0x1000u

#define EXT2_INDEX_FL 0x1000u /* hashed directory (dir_index) */

#define EXT2_XATTR_MAGIC 0xEA020000u /* an extended-attribute block */

/* directory entry: inode(4) rec_len(2) name_len(1) file_type(1) name */
#define EXT2_DIRENT_HEAD 8u

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The space an entry with a name of n bytes needs. */
static inline uint32_t ext2_dirent_len(uint32_t n)
{
	return (EXT2_DIRENT_HEAD + n + 3u) & ~3u;
}

/* ---- the block cache (cache.c) ---- */

struct ext2_buf {
	uint32_t blk;
	uint32_t pins;
	bool valid, dirty;
	uint8_t *data;
	struct ext2_buf *hnext;	      /* hash chain */
	struct ext2_buf *prev, *next; /* LRU ring: head->next is the oldest */
};

struct ext2_cache {
	struct ext2_buf *bufs;
	uint32_t n;
	struct ext2_buf **hash;
	uint32_t hmask;
	struct ext2_buf lru; /* ring head */
	uint8_t *mem;
	uint32_t ndirty;
};

/* ---- the filesystem ---- */

struct ext2_group {
	uint32_t block_bitmap, inode_bitmap, inode_table;
	uint32_t free_blocks, free_inodes, used_dirs;
};

/* An inode in use, decoded (the other on-disk fields are kept as read). */
struct ext2_inode {
	uint32_t ino;
	uint16_t mode;
	uint16_t links;
	uint64_t size;
	uint32_t atime, ctime, mtime, dtime;
	uint32_t blocks; /* 512-byte units */
	uint32_t flags;
	uint32_t block[EXT2_NBLOCK];
	uint32_t file_acl;
	uint32_t uid, gid;
	uint32_t goal; /* in memory: where the next block should go */
};

struct ext2_open {
	uint32_t ino;
	uint32_t refs;
};

struct ext2_fs {
	struct ext2_dev dev;
	bool readonly;
	bool clean_on_disk; /* the on-disk superblock says VALID */
	const char *why;
	ext2_clock_fn clock;
	void *clock_arg;

	uint8_t sb[EXT2_SUPER_SIZE];	/* the primary superblock, as read */
	uint32_t block_size, log_block; /* log_block: log2(block_size) */
	uint32_t sectors_per_block;
	uint32_t blocks_count, first_data_block, blocks_per_group;
	uint32_t inodes_count, inodes_per_group, inode_size, first_ino;
	uint32_t rev;
	uint32_t incompat, ro_compat;
	uint32_t ngroups;
	uint32_t gdt_blocks;	/* blocks of the group table */
	uint32_t itable_blocks; /* inode table blocks per group */
	uint32_t addr_per_block;
	uint64_t free_blocks, free_inodes;
	struct ext2_group *groups;
	bool groups_dirty;

	struct ext2_cache cache;
	uint8_t *iobuf; /* EXT2_IO_RUN blocks, for sync */

	struct ext2_open *opens;
	uint32_t nopens, capopens;
};

/* Records why an image is bad; returns ERR_MALFORMED. */
static inline int ext2_bad(struct ext2_fs *fs, const char *why)
{
	fs->why = why;
	return ERR_MALFORMED;
}

static inline uint32_t ext2_now(struct ext2_fs *fs)
{
	return fs->clock ? fs->clock(fs->clock_arg) : 0;
}

/* cache.c */
int ext2_cache_init(struct ext2_cache *c, uint32_t nbufs, uint32_t block_size);
void ext2_cache_free(struct ext2_cache *c);
/* ext2_bget - block `blk` pinned in *out; with `fill` false its contents
 * are not read (zeroed, for a block the caller overwrites whole).
 * ERR_MALFORMED (blk outside the fs), ERR_IO, ERR_BUSY (all pinned). */
int ext2_bget(struct ext2_fs *fs, uint32_t blk, bool fill, struct ext2_buf **out);
void ext2_bput(struct ext2_buf *b);
void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b);
/* Whether blk is cached (then reads and writes must go through the cache). */
struct ext2_buf *ext2_bpeek(struct ext2_fs *fs, uint32_t blk);
/* Writes every dirty buffer, in block order, runs coalesced. */
int ext2_cache_flush(struct ext2_fs *fs);
/* Device I/O of whole blocks. */
int ext2_dev_read(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf);
int ext2_dev_write(struct ext2_fs *fs, uint32_t blk, uint32_t count, const void *buf);
void ext2_cache_check(struct ext2_fs *fs);

/* super.c */
/* Marks the on-disk superblock not clean before the first change after a
 * mount or sync; ERR_ROFS on a read-only fs. Every change calls it first. */
int ext2_begin_change(struct ext2_fs *fs);

/* alloc.c */
/* A free block, near `goal` if it can (0: anywhere), zeroed in the cache
 * unless `whole` (the caller writes all of it to the device: any cached
 * copy is dropped). ERR_NOSPC. */
int ext2_balloc(struct ext2_fs *fs, uint32_t goal, bool whole, uint32_t *blk);
/* Forgets a cached copy of blk (not pinned), dirty or not. */
void ext2_bforget(struct ext2_fs *fs, uint32_t blk);
int ext2_bfree(struct ext2_fs *fs, uint32_t blk);
/* A free inode for a child of `dir` (a directory: in a group with room). */
int ext2_ialloc(struct ext2_fs *fs, uint32_t dir, bool is_dir, uint32_t *ino);
int ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool is_dir);
/* Whether blk may hold data (inside the fs, not a group's metadata). */
bool ext2_block_ok(const struct ext2_fs *fs, uint32_t blk);

/* inode.c */
int ext2_inode_load(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
int ext2_inode_store(struct ext2_fs *fs, const struct ext2_inode *in);
/* A fresh inode (zeroed on disk but for the mode, links and times). */
int ext2_inode_init(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_inode *in);
/* The device block of file block `lblk` (0: a hole); with `alloc` a hole
 * is filled (a new zeroed block near `goal`). ERR_RANGE past the map. */
enum ext2_bmap_mode {
	EXT2_BMAP_FIND,	 /* a hole gives 0 */
	EXT2_BMAP_ALLOC, /* a hole gets a new zeroed block */
	EXT2_BMAP_WHOLE, /* a new block is not zeroed: the caller writes it whole */
};
int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk, enum ext2_bmap_mode mode,
	      uint32_t *out);
/* Frees the blocks of file blocks >= from (indirect ones that empty). */
int ext2_free_from(struct ext2_fs *fs, struct ext2_inode *in, uint64_t from);
/* Frees an inode whose links and opens are gone: blocks, xattr, bitmap. */
int ext2_inode_release(struct ext2_fs *fs, struct ext2_inode *in);
enum ext2_type ext2_mode_type(uint16_t mode);
/* The largest regular file (the block map and i_blocks allow). */
uint64_t ext2_max_size(const struct ext2_fs *fs);
uint32_t ext2_open_refs(const struct ext2_fs *fs, uint32_t ino);

/* dir.c */
/* Where an entry lives: its directory block and offset, and the entry
 * before it in that block (prev_off == off when it is the first). */
struct ext2_dirpos {
	uint64_t lblk;
	uint32_t off, prev_off;
	uint32_t ino;
	uint8_t type;
};
int ext2_dir_find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t namelen,
		  struct ext2_dirpos *pos);
int ext2_dir_add(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t namelen,
		 uint32_t ino, enum ext2_type type);
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const struct ext2_dirpos *pos);
/* Points an existing entry at another inode (rename over a target). */
int ext2_dir_retarget(struct ext2_fs *fs, struct ext2_inode *dir, const struct ext2_dirpos *pos,
		      uint32_t ino, enum ext2_type type);
/* Whether a directory holds only "." and "..". */
int ext2_dir_empty(struct ext2_fs *fs, struct ext2_inode *dir, bool *empty);
/* Writes the first block of a new directory. */
int ext2_dir_init(struct ext2_fs *fs, struct ext2_inode *dir, uint32_t parent);
/* A directory's blocks: its size is checked against the filesystem. */
int ext2_dir_blocks(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t *out);
