/*
 * ext2_util.h - helpers of the ext2 host tests: images made by Debian's
 * mke2fs from a folder, checked by e2fsck and read by debugfs, mounted
 * over a memory device.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ext2/ext2.h"

/* An image file and its copy in memory, mounted or not. */
struct ext2t_img {
	char path[256];
	uint8_t *mem;
	size_t len;
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct ext2_fs *fs;
};

/* ext2t_tmpdir - a new empty folder under $TMPDIR or /tmp (its path in out). */
bool ext2t_tmpdir(char *out, size_t cap);

/* ext2t_rmtree - removes a folder made by ext2t_tmpdir. */
void ext2t_rmtree(const char *dir);

/* ext2t_sh - runs a shell command (printf format); its exit status, or -1. */
int ext2t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ext2t_mkfs - `mke2fs -q -F -t ext2 OPTS [-d SRC] PATH SIZE_KiB` into img->path
 * and load it (not mounted). */
bool ext2t_mkfs(struct ext2t_img *img, const char *path, const char *opts, uint32_t kib,
		const char *src);

/* ext2t_debugfs_w - `debugfs -w -R CMD` on the image file, then loads it
 * again (not mounted). The exit status of debugfs (0: it ran). */
int ext2t_debugfs_w(struct ext2t_img *img, const char *cmd);

/* ext2t_mount / ext2t_unmount - over img->mem; unmount writes the image
 * file back (when `save`). */
int ext2t_mount(struct ext2t_img *img, uint32_t cache_blocks);
int ext2t_unmount(struct ext2t_img *img, bool save);
void ext2t_free(struct ext2t_img *img);

/* ext2t_fsck - `e2fsck -fn PATH` exit status (0: clean); its output is
 * printed when not clean. */
int ext2t_fsck(const char *path);

/* ext2t_debugfs_cat - the bytes `debugfs -R "cat P"` prints (malloc'd). */
uint8_t *ext2t_debugfs_cat(const char *img, const char *p, size_t *len);

/* ext2t_pattern - deterministic contents: byte i of stream `seed`. */
void ext2t_pattern(uint8_t *buf, size_t len, uint32_t seed, uint64_t off);

/* ext2t_resolve - the inode of absolute path p (components looked up). */
int ext2t_resolve(struct ext2_fs *fs, const char *p, uint32_t *ino);

/* ext2t_read_all - a whole regular file of the image (malloc'd). */
int ext2t_read_all(struct ext2_fs *fs, uint32_t ino, uint8_t **out, size_t *len);

/* ext2t_read_host - a host file (malloc'd), NULL if it cannot be read. */
uint8_t *ext2t_read_host(const char *path, size_t *len);

/* ext2t_write_host - writes a host file with pattern contents. */
bool ext2t_write_host(const char *path, size_t len, uint32_t seed);

/* ext2t_clock - a clock for ext2_opts: a fixed time. */
uint32_t ext2t_clock(void *arg);
