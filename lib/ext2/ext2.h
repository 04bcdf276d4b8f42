/*
 * ext2.h - a portable ext2 filesystem, read and write, over a block device
 * reached through a small ops struct. The kernel mounts it at /data over
 * virtio-blk; the host tests it over a memory device, against Debian's
 * mke2fs, e2fsck and debugfs.
 *
 *      VFS glue (lib/vfs/ext2fs.c)          ext2_readdir/read/write/create/...
 *   ------------------------------------    inode numbers, names, offsets
 *      ext2 (this library)                  super.c  mount, groups, sync
 *        inode.c  block map, truncate       alloc.c  bitmaps and free counts
 *        dir.c    entries, namespace ops    cache.c  block cache (write-back)
 *   ------------------------------------    ext2_dev_ops: read/write N sectors
 *      block device (virtio-blk, memory)
 *
 * What it supports: revision 0 and 1 filesystems as `mke2fs -t ext2`
 * makes them: 1, 2 and 4 KiB blocks, sparse superblocks, file types in
 * directory entries, large files, the resize inode and dir_index (an
 * indexed directory is read linearly and loses its index flag when
 * changed, as the old ext2 driver did; e2fsck accepts that). An unknown
 * incompat feature refuses the mount (ERR_UNSUPP, and `why` names it: an
 * ext3 journal that needs recovery, ext4's extents, 64bit, flex_bg...); an
 * unknown ro_compat feature (metadata_csum, huge_file...) mounts read-only.
 *
 * Hostile images: every number read from the device is checked before use
 * (block pointers against the filesystem, entry lengths against their
 * block, a directory's size against the device, group geometry against the
 * superblock and the device), so a bad image gives ERR_MALFORMED and a
 * reason (ext2_why), never an out-of-bounds access. Memory is bounded at
 * mount: the block cache (opts.cache_blocks) and the group table (in
 * proportion to the device size). No walk follows a structure without a
 * bound (the indirect tree has depth 3; the ".." walk of rename stops
 * after EXT2_WALK_MAX steps).
 *
 * The API works on inode numbers, like a VFS's inode layer. Nothing here
 * locks: the caller serializes every call on one `struct ext2_fs` (the VFS
 * glue holds one mutex per mounted ext2; calls may block in the device).
 * Errors (enum err): ERR_NOENT, ERR_EXIST, ERR_NOTDIR, ERR_ISDIR,
 * ERR_NOTEMPTY, ERR_INVAL, ERR_RANGE (a name over 255 bytes, a file past
 * the largest size, too many links), ERR_NOSPC (no free block or inode;
 * the filesystem stays consistent), ERR_ROFS, ERR_MALFORMED (the image is
 * inconsistent: ext2_why says where), ERR_IO (the device failed), ERR_NOMEM
 * (only at mount), ERR_UNSUPP.
 *
 * ---- how the VFS uses it (lib/vfs/ext2fs.c) ----
 * ext2 is the `enum vfs_fs_kind` VFS_FS_EXT2, whose nodes are a cache of
 * the disk: a node carries its inode number and pins it (ext2_iget while
 * the node lives, ext2_iput when it is freed); the first walk or listing
 * that looks into a directory makes all its entries child nodes
 * (ext2_readdir, ext2_stat, ext2_readlink for symlinks), and from then on
 * every change goes to ext2 first (create, mkdir, symlink, unlink, rmdir,
 * rename, truncate, set_times) and to the node tree once ext2 accepted it;
 * vfs_read/vfs_write call ext2_read/ext2_write. The VFS's own cookies
 * number the entries. Every ext2 call runs under a spinlock of its fs,
 * which serializes them; file reads and writes let go of the VFS lock
 * meanwhile (namespace changes keep it), so other file operations go on
 * during their disk I/O. The kernel's device ops poll virtio-blk rather
 * than park the task (kernel/fs/kdisk.c: a task has no stack to sleep on
 * in the middle of this synchronous library); `sync` and shutdown call
 * ext2_sync (vfs_sync).
 *
 * ---- how an asynchronous driver plugs in ----
 * The library is synchronous: a device op returns when its I/O is done.
 * The kernel runs ext2 calls in task context only (never in an interrupt);
 * its virtio-blk `read` op queues requests (several in flight) and polls
 * for their completion; its `write` op queues them and returns
 * (write-behind: `flush` waits for them before the barrier). Requests are large where it matters:
 * ext2_sync writes dirty blocks in block order, one request per run of adjacent blocks (up to
 * EXT2_IO_RUN blocks), and ext2_read/ext2_write move whole-block runs of a file straight between
 * the caller's buffer and the device in one request each. `flush` (optional) is the device's write
 * barrier, issued at the end of ext2_sync.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define EXT2_SECTOR	   512u	  /* the device's unit */
#define EXT2_ROOT_INO	   2u	  /* the root directory */
#define EXT2_NAME_MAX	   255u	  /* bytes in a name */
#define EXT2_LINK_MAX	   32000u /* links of one inode (ext2's limit) */
#define EXT2_WALK_MAX	   4096u  /* ".." steps of rename's loop check */
#define EXT2_CACHE_MIN	   16u	  /* blocks the cache needs at least */
#define EXT2_CACHE_DEFAULT 256u
#define EXT2_IO_RUN	   64u /* blocks in one device request, at most */

/*
 * A block device: `sectors` sectors of EXT2_SECTOR bytes. read/write move
 * `count` sectors from sector `sector` on; each returns 0 or an enum err
 * (ERR_IO). They are called only from ext2 calls (never concurrently on
 * one fs) and must not call back into ext2. flush may be NULL.
 */
struct ext2_dev_ops {
	int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
};

struct ext2_dev {
	const struct ext2_dev_ops *ops;
	void *ctx;
	uint64_t sectors;
};

/* A device over memory (a RAM disk, the host tests): [mem, mem+len),
 * len rounded down to sectors. `dev` borrows `md`, which must outlive it. */
struct ext2_memdev {
	uint8_t *mem;
	size_t len;
	uint64_t reads, writes; /* requests served (for tests and benchmarks) */
};
void ext2_memdev_init(struct ext2_memdev *md, void *mem, size_t len, struct ext2_dev *dev);

/* Seconds since the epoch, for inode and superblock times. */
typedef uint32_t (*ext2_clock_fn)(void *arg);

struct ext2_opts {
	uint32_t cache_blocks; /* 0: EXT2_CACHE_DEFAULT; at least EXT2_CACHE_MIN */
	bool readonly;	       /* never write the device */
	ext2_clock_fn clock;   /* NULL: times are 0 */
	void *clock_arg;
};

struct ext2_fs;

/*
 * ext2_mount - reads and checks the superblock and the group descriptors of
 * the filesystem on `dev` (copied: the ops and ctx must outlive the fs).
 * Read-write unless opts->readonly or an unknown ro_compat feature (then
 * ext2_readonly says so); a read-write mount marks the filesystem not
 * clean on disk until ext2_sync or ext2_unmount. Errors: ERR_MALFORMED (bad
 * magic, geometry, group table), ERR_UNSUPP (an incompat feature we do
 * not know, a block size over 32 KiB), ERR_IO, ERR_NOMEM, ERR_INVAL (opts).
 * On failure `*why` (if not NULL) is a static sentence saying what.
 */
int ext2_mount(const struct ext2_dev *dev, const struct ext2_opts *opts, struct ext2_fs **out,
	       const char **why);

/* ext2_unmount - ext2_sync, marks the filesystem clean, frees `fs` (even
 * when the sync failed: that error is returned). Inodes still open
 * (ext2_iget) are released first. */
int ext2_unmount(struct ext2_fs *fs);

/* ext2_sync - writes every dirty block, the group table and the superblock
 * (marked clean), in block order, then flushes the device. ERR_IO. */
int ext2_sync(struct ext2_fs *fs);

/* ext2_readonly - whether changes are refused (ERR_ROFS). */
bool ext2_readonly(const struct ext2_fs *fs);

/* ext2_why - a static sentence on the last ERR_MALFORMED (or ERR_IO), for
 * logs; "" if none. */
const char *ext2_why(const struct ext2_fs *fs);

/* Filesystem figures, for statvfs and df. */
struct ext2_info {
	uint32_t block_size;
	uint64_t blocks, free_blocks;
	uint64_t inodes, free_inodes;
	uint32_t groups;
	uint64_t max_file_size;
};
void ext2_info(const struct ext2_fs *fs, struct ext2_info *out);

/* ---- inodes ---- */

enum ext2_type {
	EXT2_TYPE_UNKNOWN = 0,
	EXT2_TYPE_REG = 1,
	EXT2_TYPE_DIR = 2,
	EXT2_TYPE_CHR = 3,
	EXT2_TYPE_BLK = 4,
	EXT2_TYPE_FIFO = 5,
	EXT2_TYPE_SOCK = 6,
	EXT2_TYPE_LNK = 7,
}; /* the values of ext2's directory entry file types */

struct ext2_stat {
	uint32_t ino;
	enum ext2_type type;
	uint16_t mode;	/* permission bits (07777) */
	uint16_t nlink; /* names; a directory: 2 + subdirectories */
	uint32_t uid, gid;
	uint64_t size;	 /* bytes (a symlink: its target's length) */
	uint64_t blocks; /* 512-byte units allocated, indirect blocks too */
	uint32_t atime, mtime, ctime;
};

/* ext2_stat - the attributes of inode `ino`. ERR_NOENT (not in use),
 * ERR_INVAL (no such number), ERR_MALFORMED, ERR_IO. */
int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *out);

/*
 * ext2_iget / ext2_iput - an open reference to `ino` (an open file, a VFS
 * node): an inode whose last name goes while it is referenced is freed
 * at its last iput instead (at once otherwise). iget: ERR_NOENT, ERR_INVAL.
 */
int ext2_iget(struct ext2_fs *fs, uint32_t ino);
void ext2_iput(struct ext2_fs *fs, uint32_t ino);

/* ext2_set_times - sets atime and mtime; ctime becomes now. ERR_ROFS. */
int ext2_set_times(struct ext2_fs *fs, uint32_t ino, uint32_t atime, uint32_t mtime);

/* ---- file data ---- */

/*
 * ext2_read - up to `len` bytes of regular file `ino` from `off`; *out_n
 * is the count (0 at or past the end). Holes read as zeros. ERR_ISDIR (a
 * directory), ERR_INVAL (not a regular file), ERR_MALFORMED, ERR_IO.
 */
int ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len, size_t *out_n);

/*
 * ext2_write - writes `len` bytes at `off` (growing the file; a gap reads
 * as zeros), allocating blocks near the file's previous ones. On
 * ERR_NOSPC after some bytes, returns 0 with *out_n short (the file holds
 * what was written); ERR_NOSPC with nothing written. ERR_RANGE past the
 * largest file, ERR_ISDIR, ERR_INVAL, ERR_ROFS, ERR_MALFORMED, ERR_IO.
 */
int ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len,
	       size_t *out_n);

/* ext2_truncate - sets a regular file's size; blocks past it are freed, a
 * larger size leaves a hole. ERR_ISDIR, ERR_INVAL, ERR_RANGE, ERR_ROFS. */
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);

/* ---- directories ---- */

/* ext2_lookup - the inode of `name` in directory `dir` ("." and ".." are
 * ordinary entries here). ERR_NOENT, ERR_NOTDIR, ERR_RANGE, ERR_MALFORMED. */
int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		uint32_t *out_ino);

/* One entry of ext2_readdir; `name` lives during the call only. */
struct ext2_dirent {
	uint64_t next; /* cookie that continues after this entry */
	uint32_t ino;
	enum ext2_type type; /* EXT2_TYPE_UNKNOWN without the filetype feature */
	uint32_t namelen;
	const char *name;
};
/* Returns false to stop; must not call ext2. */
typedef bool (*ext2_dirent_fn)(void *arg, const struct ext2_dirent *e);

/*
 * ext2_readdir - calls fn for each entry of `dir` from `cookie` on (0: the
 * start; then an entry's `next`: a byte offset in the directory, stable
 * while the entry lives). "." and ".." come as the directory holds them
 * (first, in any directory mke2fs or we made). ERR_NOTDIR, ERR_INVAL (a
 * cookie that is not an entry's), ERR_MALFORMED.
 */
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t cookie, ext2_dirent_fn fn, void *arg);

/*
 * ext2_create / ext2_mkdir / ext2_symlink - a new regular file, directory
 * or symbolic link `name` in `dir`, with permission bits `mode & 07777`;
 * *out_ino is its inode. A symlink holds `target` (1..block size bytes).
 * ERR_EXIST (even "." or ".."), ERR_NOTDIR, ERR_RANGE (name, links),
 * ERR_INVAL (an empty name or one with '/' or NUL), ERR_NOSPC (nothing is
 * left allocated), ERR_ROFS, ERR_MALFORMED, ERR_IO.
 */
int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen, uint16_t mode,
		uint32_t *out_ino);
int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen, uint16_t mode,
	       uint32_t *out_ino);
int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		 const char *target, size_t tlen, uint32_t *out_ino);

/* ext2_readlink - copies up to `cap` bytes of a symlink's target; *out_n
 * the count. ERR_INVAL (not a symlink), ERR_MALFORMED. */
int ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t cap, size_t *out_n);

/* ext2_link - a new name for the non-directory `ino` in `dir`. ERR_PERM
 * (a directory), ERR_EXIST, ERR_RANGE (links), ERR_NOSPC, ERR_ROFS. */
int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t namelen);

/* ext2_unlink - removes a non-directory's name; the inode goes with its
 * last name (or its last iput). ERR_ISDIR, ERR_NOENT, ERR_INVAL ("." or
 * ".."), ERR_ROFS. */
int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen);

/* ext2_rmdir - removes an empty directory. ERR_NOTDIR, ERR_NOTEMPTY,
 * ERR_INVAL ("." or ".."), ERR_BUSY (the root), ERR_NOENT, ERR_ROFS. */
int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen);

/*
 * ext2_rename - POSIX rename: `name` in `dir` becomes `new_name` in
 * `new_dir`, replacing a target of the same kind (an empty directory).
 * Nothing changes on an error. ERR_NOENT, ERR_ISDIR (a file over a
 * directory), ERR_NOTDIR, ERR_NOTEMPTY, ERR_INVAL (a directory into
 * itself or its subtree, "." or ".."), ERR_LOOP (the ".." chain is longer
 * than EXT2_WALK_MAX), ERR_RANGE, ERR_NOSPC, ERR_ROFS, ERR_MALFORMED.
 */
int ext2_rename(struct ext2_fs *fs, uint32_t dir, const char *name, size_t namelen,
		uint32_t new_dir, const char *new_name, size_t new_namelen);

/* ext2_check - asserts the library's own invariants (the cache's lists
 * and pins, the free counts against what the group table says); for
 * tests and fuzzers. It does not judge the image (e2fsck does). */
void ext2_check(struct ext2_fs *fs);
