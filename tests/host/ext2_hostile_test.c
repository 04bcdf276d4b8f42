/*
 * ext2_hostile_test.c - images damaged on purpose (with debugfs -w or by
 * hand) give clear errors, never a crash or a hang: unknown features, a
 * device shorter than the filesystem, pointers past the end or into the
 * metadata, bad directory entries, a ".." cycle, sizes and counts that lie.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/test.h"
#include "ext2_util.h"

struct henv {
	char tmp[256], img[300], src[300];
	struct ext2t_img im;
};

/* An image of a small tree: /f (30000 bytes), /big (300 KiB), /d/e,
 * /x/y/, /z/, made with mke2fs -d OPTS, not mounted. */
static bool henv_open(struct test_ctx *t, struct henv *e, const char *opts)
{
	memset(e, 0, sizeof(*e));
	if (!EXPECT(ext2t_tmpdir(e->tmp, sizeof(e->tmp))))
		return false;
	snprintf(e->img, sizeof(e->img), "%s/img", e->tmp);
	snprintf(e->src, sizeof(e->src), "%s/src", e->tmp);
	if (!EXPECT_EQ(ext2t_sh("mkdir -p '%s/d' '%s/x/y' '%s/z' && echo e > '%s/d/e'", e->src,
				e->src, e->src, e->src),
		       0))
		return false;
	char p[400];
	snprintf(p, sizeof(p), "%s/f", e->src);
	if (!EXPECT(ext2t_write_host(p, 30000, 1)))
		return false;
	snprintf(p, sizeof(p), "%s/big", e->src);
	return EXPECT(ext2t_write_host(p, 300 * 1024, 2)) &&
	       EXPECT(ext2t_mkfs(&e->im, e->img, opts, 2048, e->src));
}

static void henv_close(struct henv *e)
{
	ext2t_free(&e->im);
	ext2t_rmtree(e->tmp);
}

static int mount_why(struct henv *e, const char **why)
{
	struct ext2_opts o = {.cache_blocks = EXT2_CACHE_MIN};

	ext2_memdev_init(&e->im.md, e->im.mem, e->im.len, &e->im.dev);
	*why = "";
	return ext2_mount(&e->im.dev, &o, &e->im.fs, why);
}

TEST(ext2_hostile, features_and_geometry)
{
	struct henv e;
	const char *why;
	uint32_t ino;
	size_t n;

	if (!henv_open(t, &e, "-b 1024"))
		goto out;
	/* an unknown incompat feature refuses the mount, naming it */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "ssv feature_incompat 0x42"), 0);
	EXPECT_EQ(mount_why(&e, &why), ERR_UNSUPP);
	EXPECT(strstr(why, "extent") != NULL);
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "ssv feature_incompat 0x2"), 0);
	/* an unknown ro_compat feature: read-only, nothing written */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "ssv feature_ro_compat 0x1003"), 0);
	if (EXPECT_OK(mount_why(&e, &why))) {
		EXPECT(ext2_readonly(e.im.fs));
		EXPECT_OK(ext2t_resolve(e.im.fs, "/f", &ino));
		EXPECT_EQ(ext2_write(e.im.fs, ino, 0, "x", 1, &n), ERR_ROFS);
		EXPECT_EQ(ext2_create(e.im.fs, EXT2_ROOT_INO, "n", 1, 0644, &ino), ERR_ROFS);
		EXPECT_EQ(ext2_unlink(e.im.fs, EXT2_ROOT_INO, "f", 1), ERR_ROFS);
		EXPECT_OK(ext2_sync(e.im.fs));
		EXPECT_OK(ext2t_unmount(&e.im, false));
		EXPECT_EQ(e.im.md.writes, 0);
	}
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "ssv feature_ro_compat 0x3"), 0);
	/* a device shorter than the filesystem */
	e.im.len /= 2;
	EXPECT_EQ(mount_why(&e, &why), ERR_MALFORMED);
	EXPECT(strstr(why, "larger than the device") != NULL);
	e.im.len *= 2;
	/* a group whose free count exceeds its size; a bad magic number */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "set_bg 0 free_blocks_count 60000"), 0);
	EXPECT_EQ(mount_why(&e, &why), ERR_MALFORMED);
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "set_bg 0 free_blocks_count 0"), 0);
	EXPECT_OK(mount_why(&e, &why));
	EXPECT_OK(ext2t_unmount(&e.im, false));
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "set_bg 0 inode_table 5000"), 0);
	EXPECT_EQ(mount_why(&e, &why), ERR_MALFORMED);
	e.im.mem[1024 + 56] = 0;
	EXPECT_EQ(mount_why(&e, &why), ERR_MALFORMED);
	EXPECT(strstr(why, "magic") != NULL);
out:
	henv_close(&e);
}

TEST(ext2_hostile, ext4_refused)
{
	char tmp[256], p[300];
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct ext2_fs *fs;
	const char *why = "";
	uint8_t *mem;
	size_t len = 0;

	if (!EXPECT(ext2t_tmpdir(tmp, sizeof(tmp))))
		return;
	snprintf(p, sizeof(p), "%s/img", tmp);
	if (EXPECT_EQ(ext2t_sh("mke2fs -q -F -t ext4 '%s' 8192k >/dev/null 2>&1 && "
			       "truncate -s 8M '%s'",
			       p, p),
		      0) &&
	    EXPECT((mem = ext2t_read_host(p, &len)) != NULL)) {
		ext2_memdev_init(&md, mem, len, &dev);
		EXPECT_EQ(ext2_mount(&dev, NULL, &fs, &why), ERR_UNSUPP);
		EXPECT(strstr(why, "ext4") != NULL);
		free(mem);
	}
	ext2t_rmtree(tmp);
}

TEST(ext2_hostile, bad_block_pointers)
{
	struct henv e;
	const char *why;
	uint32_t f, big;
	uint8_t buf[4096];
	size_t n;

	if (!henv_open(t, &e, "-b 1024"))
		goto out;
	/* a direct pointer past the end, an indirect one at the superblock */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "sif /f block[2] 4000000"), 0);
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "sif /big block[IND] 1"), 0);
	if (!EXPECT_OK(mount_why(&e, &why)))
		goto out;
	EXPECT_OK(ext2t_resolve(e.im.fs, "/f", &f));
	EXPECT_OK(ext2t_resolve(e.im.fs, "/big", &big));
	EXPECT_OK(ext2_read(e.im.fs, f, 0, buf, 2048, &n));
	EXPECT_EQ(ext2_read(e.im.fs, f, 0, buf, sizeof(buf), &n), ERR_MALFORMED);
	EXPECT(strlen(ext2_why(e.im.fs)) > 0);
	EXPECT_EQ(ext2_read(e.im.fs, big, 13 * 1024, buf, 100, &n), ERR_MALFORMED);
	EXPECT_EQ(ext2_write(e.im.fs, big, 20 * 1024, buf, 100, &n), ERR_MALFORMED);
	EXPECT_EQ(ext2_truncate(e.im.fs, big, 0), ERR_MALFORMED);
	EXPECT_EQ(ext2_unlink(e.im.fs, EXT2_ROOT_INO, "f", 1), ERR_MALFORMED);
	ext2_check(e.im.fs);
	EXPECT_OK(ext2t_unmount(&e.im, false));
out:
	henv_close(&e);
}

static bool count(void *arg, const struct ext2_dirent *d)
{
	(void)d;
	++*(int *)arg;
	return true;
}

/* The device block of file block 0 of `path` (debugfs bmap). */
static uint32_t block_of(struct henv *e, const char *path)
{
	char cmd[600];
	unsigned long b = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "PATH=\"$PATH:/usr/sbin\" debugfs -R 'bmap %s 0' '%s' 2>/dev/null", path, e->img);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	if (fscanf(p, "%lu", &b) != 1)
		b = 0;
	pclose(p);
	return (uint32_t)b;
}

TEST(ext2_hostile, bad_directories)
{
	struct henv e;
	const char *why;
	uint32_t ino, x, y, d;
	int n = 0;

	if (!henv_open(t, &e, "-b 1024"))
		goto out;
	uint32_t db = block_of(&e, "/d"), yb = block_of(&e, "/x/y");

	if (!EXPECT_GT(db, 0) || !EXPECT_GT(yb, 0) || !EXPECT_OK(mount_why(&e, &why)))
		goto out;
	EXPECT_OK(ext2t_resolve(e.im.fs, "/x", &x));
	EXPECT_OK(ext2t_resolve(e.im.fs, "/x/y", &y));
	EXPECT_OK(ext2t_resolve(e.im.fs, "/d", &d));
	EXPECT_OK(ext2t_unmount(&e.im, false));
	/* /d's first entry with rec_len 0; /x/y's ".." pointing at itself */
	e.im.mem[(size_t)db * 1024 + 4] = 0;
	e.im.mem[(size_t)db * 1024 + 5] = 0;
	memcpy(e.im.mem + (size_t)yb * 1024 + 12, &y, 4); /* little-endian host */
	if (!EXPECT_OK(mount_why(&e, &why)))
		goto out;
	EXPECT_EQ(ext2_lookup(e.im.fs, d, "e", 1, &ino), ERR_MALFORMED);
	EXPECT_EQ(ext2_readdir(e.im.fs, d, 0, count, &n), ERR_MALFORMED);
	EXPECT_EQ(ext2_create(e.im.fs, d, "new", 3, 0644, &ino), ERR_MALFORMED);
	EXPECT_EQ(ext2_rmdir(e.im.fs, EXT2_ROOT_INO, "d", 1), ERR_MALFORMED);
	/* moving /z under the cycle: the ".." walk gives up */
	EXPECT_EQ(ext2_rename(e.im.fs, EXT2_ROOT_INO, "z", 1, y, "z", 1), ERR_LOOP);
	EXPECT_OK(ext2t_resolve(e.im.fs, "/z", &ino));
	ext2_check(e.im.fs);
	EXPECT_OK(ext2t_unmount(&e.im, false));
	/* a directory whose size says more blocks than the filesystem has,
	 * then one with holes */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "sif /x size 0x7fffffff"), 0);
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "sif /z size 0x100000"), 0);
	if (!EXPECT_OK(mount_why(&e, &why)))
		goto out;
	EXPECT_EQ(ext2_lookup(e.im.fs, x, "nothing", 7, &ino), ERR_MALFORMED);
	EXPECT(strstr(ext2_why(e.im.fs), "larger than the filesystem") != NULL);
	EXPECT_OK(ext2t_resolve(e.im.fs, "/z", &ino));
	EXPECT_EQ(ext2_lookup(e.im.fs, ino, "nothing", 7, &ino), ERR_MALFORMED);
	EXPECT(strstr(ext2_why(e.im.fs), "hole") != NULL);
	EXPECT_OK(ext2t_unmount(&e.im, false));
out:
	henv_close(&e);
}

TEST(ext2_hostile, lying_bitmaps_and_counts)
{
	struct henv e;
	const char *why;
	uint32_t f, ino;
	uint8_t buf[8192] = {1};
	size_t n;

	if (!henv_open(t, &e, "-b 1024"))
		goto out;
	/* every block and inode free in the bitmaps (a lie), counts that lie
	 * in the superblock, an entry naming a freed inode */
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "ssv free_blocks_count 12345678"), 0);
	EXPECT_EQ(ext2t_debugfs_w(&e.im, "sif /d/e links_count 0"), 0);
	if (!EXPECT_OK(mount_why(&e, &why)))
		goto out;
	struct ext2_info info;

	ext2_info(e.im.fs, &info);
	EXPECT_LT(info.free_blocks, info.blocks);
	EXPECT_OK(ext2t_resolve(e.im.fs, "/d", &ino));
	EXPECT_EQ(ext2_unlink(e.im.fs, ino, "e", 1), ERR_MALFORMED);
	EXPECT_OK(ext2t_unmount(&e.im, false));
	/* zero group 0's bitmaps: allocation must still avoid the metadata */
	{
		uint32_t g0_bb = 0, g0_ib = 0;
		FILE *p;
		char cmd[600], line[256];

		snprintf(cmd, sizeof(cmd), "PATH=\"$PATH:/usr/sbin\" dumpe2fs '%s' 2>/dev/null",
			 e.img);
		p = popen(cmd, "r");
		while (p && fgets(line, sizeof(line), p)) {
			if (!g0_bb)
				(void)sscanf(line, "  Block bitmap at %u", &g0_bb);
			if (!g0_ib)
				(void)sscanf(line, "  Inode bitmap at %u", &g0_ib);
		}
		if (p)
			pclose(p);
		if (!EXPECT_GT(g0_bb, 0))
			goto out;
		memset(e.im.mem + (size_t)g0_bb * 1024, 0, 1024);
		if (g0_ib)
			memset(e.im.mem + (size_t)g0_ib * 1024, 0, 1024);
	}
	if (!EXPECT_OK(mount_why(&e, &why)))
		goto out;
	for (int i = 0; i < 20; i++) {
		char name[16];
		int len = snprintf(name, sizeof(name), "n%d", i);

		if (ext2_create(e.im.fs, EXT2_ROOT_INO, name, (size_t)len, 0644, &f))
			continue;
		(void)ext2_write(e.im.fs, f, 0, buf, sizeof(buf), &n);
	}
	ext2_check(e.im.fs);
	EXPECT_OK(ext2t_unmount(&e.im, false));
	/* the superblock and group table survived */
	if (EXPECT_OK(mount_why(&e, &why)))
		EXPECT_OK(ext2t_unmount(&e.im, false));
out:
	henv_close(&e);
}

/* A device cut short at many places: the mount fails cleanly or works. */
TEST(ext2_hostile, truncated_images)
{
	struct henv e;
	const char *why;

	if (!henv_open(t, &e, "-b 4096"))
		goto out;
	for (size_t cut = 0; cut < e.im.len; cut += e.im.len / 16 + 1) {
		size_t keep = e.im.len;

		e.im.len = cut;
		if (!mount_why(&e, &why))
			EXPECT_OK(ext2t_unmount(&e.im, false));
		e.im.len = keep;
	}
out:
	henv_close(&e);
}
