/*
 * ext2_write_test.c - changes made through lib/ext2, then judged by the
 * reference tools: `e2fsck -fn` must find the image clean and `debugfs -R
 * 'cat PATH'` must show what was written. Full disks, many entries in
 * one directory, files past the double-indirect limit, small caches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/test.h"
#include "../fuzz/ext2_exercise.h"
#include "ext2_util.h"

struct env {
	char tmp[256], img[300];
	struct ext2t_img im;
};

/* A fresh image of `kib` KiB made with mke2fs OPTS, mounted. */
static bool env_open(struct test_ctx *t, struct env *e, const char *opts, uint32_t kib,
		     uint32_t cache)
{
	memset(e, 0, sizeof(*e));
	if (!EXPECT(ext2t_tmpdir(e->tmp, sizeof(e->tmp))))
		return false;
	snprintf(e->img, sizeof(e->img), "%s/img", e->tmp);
	return EXPECT(ext2t_mkfs(&e->im, e->img, opts, kib, NULL)) &&
	       EXPECT_OK(ext2t_mount(&e->im, cache));
}

static void env_close(struct env *e)
{
	ext2t_free(&e->im);
	ext2t_rmtree(e->tmp);
}

/* Unmounts (saving the image) and runs e2fsck on it. */
static bool env_fsck(struct test_ctx *t, struct env *e)
{
	return EXPECT_OK(ext2t_unmount(&e->im, true)) && EXPECT_EQ(ext2t_fsck(e->img), 0);
}

/* Whether debugfs shows `want` as the contents of path. */
static bool debugfs_has(struct test_ctx *t, struct env *e, const char *path, const uint8_t *want,
			size_t len)
{
	size_t n = 0;
	uint8_t *got = ext2t_debugfs_cat(e->img, path, &n);
	bool ok = EXPECT(got != NULL) && EXPECT_EQ(n, len) && EXPECT(memcmp(got, want, len) == 0);

	if (!ok)
		test_printf(t, "  debugfs cat %s: wrong contents\n", path);
	free(got);
	return ok;
}

/* Writes `len` pattern bytes at off, in pieces of `step`. */
static bool put(struct test_ctx *t, struct ext2_fs *fs, uint32_t ino, uint64_t off, size_t len,
		size_t step, uint32_t seed)
{
	uint8_t *buf = malloc(step);
	bool ok = EXPECT(buf != NULL);

	for (size_t done = 0; ok && done < len;) {
		size_t n = 0, want = len - done < step ? len - done : step;

		ext2t_pattern(buf, want, seed, off + done);
		ok = EXPECT_OK(ext2_write(fs, ino, off + done, buf, want, &n)) &&
		     EXPECT_EQ(n, want);
		done += n;
	}
	free(buf);
	return ok;
}

static void ops_then_fsck(struct test_ctx *t, const char *opts)
{
	struct env e;
	struct ext2_fs *fs;
	uint32_t root = EXT2_ROOT_INO, a, b, f1, f2, f3, d, ino, sl, ll;
	uint8_t *want1, *want3;
	size_t n1 = 200000, n3 = 7000;
	char target[300];

	if (!env_open(t, &e, opts, 16384, 0))
		goto out;
	fs = e.im.fs;
	/* create, write in uneven pieces, overwrite a middle part */
	EXPECT_OK(ext2_mkdir(fs, root, "a", 1, 0755, &a));
	EXPECT_OK(ext2_mkdir(fs, a, "b", 1, 0700, &b));
	EXPECT_OK(ext2_create(fs, b, "one", 3, 0644, &f1));
	EXPECT(put(t, fs, f1, 0, n1, 3001, 1));
	EXPECT(put(t, fs, f1, 5000, 10000, 4096, 9));
	want1 = malloc(n1);
	ext2t_pattern(want1, n1, 1, 0);
	ext2t_pattern(want1 + 5000, 10000, 9, 5000);
	/* a sparse file: a hole, then data */
	EXPECT_OK(ext2_create(fs, root, "sparse", 6, 0600, &f2));
	EXPECT(put(t, fs, f2, 1 << 20, 100, 100, 2));
	/* truncate down inside a block, then up: the tail reads as zeros */
	EXPECT_OK(ext2_create(fs, a, "three", 5, 0644, &f3));
	EXPECT(put(t, fs, f3, 0, 20000, 20000, 3));
	EXPECT_OK(ext2_truncate(fs, f3, 5000));
	EXPECT_OK(ext2_truncate(fs, f3, n3));
	want3 = calloc(1, n3);
	ext2t_pattern(want3, 5000, 3, 0);
	/* rename in place, across directories, a directory across */
	EXPECT_OK(ext2_rename(fs, b, "one", 3, b, "uno", 3));
	EXPECT_OK(ext2_rename(fs, b, "uno", 3, root, "one", 3));
	EXPECT_OK(ext2_mkdir(fs, root, "d", 1, 0755, &d));
	EXPECT_OK(ext2_rename(fs, a, "b", 1, d, "b2", 2));
	EXPECT_EQ(ext2_rename(fs, root, "d", 1, b, "x", 1), ERR_INVAL); /* into itself */
	EXPECT_EQ(ext2_lookup(fs, b, "..", 2, &ino), 0);
	EXPECT_EQ(ino, d);
	/* replace a file by rename, an empty dir by a dir */
	EXPECT_OK(ext2_create(fs, root, "victim", 6, 0644, &ino));
	EXPECT(put(t, fs, ino, 0, 50000, 50000, 4));
	EXPECT_OK(ext2_rename(fs, root, "one", 3, root, "victim", 6));
	EXPECT_OK(ext2_mkdir(fs, root, "empty", 5, 0755, &ino));
	EXPECT_OK(ext2_rename(fs, d, "b2", 2, root, "empty", 5));
	/* links, symlinks, unlink, rmdir */
	EXPECT_OK(ext2_link(fs, f3, root, "three-again", 11));
	EXPECT_OK(ext2_symlink(fs, root, "sl", 2, "a/three", 7, &sl));
	memset(target, 'x', 200);
	EXPECT_OK(ext2_symlink(fs, root, "ll", 2, target, 200, &ll));
	EXPECT_OK(ext2_create(fs, root, "gone", 4, 0644, &ino));
	EXPECT(put(t, fs, ino, 0, 30000, 30000, 5));
	EXPECT_OK(ext2_unlink(fs, root, "gone", 4));
	EXPECT_EQ(ext2_unlink(fs, root, "gone", 4), ERR_NOENT);
	EXPECT_EQ(ext2_unlink(fs, root, "a", 1), ERR_ISDIR);
	EXPECT_EQ(ext2_rmdir(fs, root, "a", 1), ERR_NOTEMPTY);
	EXPECT_OK(ext2_mkdir(fs, a, "tmp", 3, 0755, &ino));
	EXPECT_OK(ext2_rmdir(fs, a, "tmp", 3));
	EXPECT_EQ(ext2_rmdir(fs, a, "three", 5), ERR_NOTDIR);
	EXPECT_EQ(ext2_create(fs, root, "a", 1, 0644, &ino), ERR_EXIST);
	EXPECT_EQ(ext2_create(fs, root, "a/b", 3, 0644, &ino), ERR_INVAL);
	ext2_check(fs);
	if (!env_fsck(t, &e))
		goto free;
	EXPECT(debugfs_has(t, &e, "/victim", want1, n1));
	EXPECT(debugfs_has(t, &e, "/a/three", want3, n3));
	EXPECT(debugfs_has(t, &e, "/three-again", want3, n3));
	/* mount again and check the namespace */
	if (EXPECT_OK(ext2t_mount(&e.im, 0))) {
		struct ext2_stat st;
		char buf[300];
		size_t n;

		fs = e.im.fs;
		EXPECT_EQ(ext2t_resolve(fs, "/one", &ino), ERR_NOENT);
		EXPECT_EQ(ext2t_resolve(fs, "/gone", &ino), ERR_NOENT);
		EXPECT_OK(ext2t_resolve(fs, "/empty", &ino));
		EXPECT_EQ(ino, b);
		EXPECT_EQ(ext2t_resolve(fs, "/d/b2", &ino), ERR_NOENT);
		EXPECT_OK(ext2_stat(fs, f3, &st));
		EXPECT_EQ(st.nlink, 2);
		EXPECT_EQ(st.mtime, 1700000000u);
		EXPECT_OK(ext2_stat(fs, root, &st));
		EXPECT_EQ(st.nlink, 2 + 4); /* lost+found, a, d, empty (was b) */
		EXPECT_OK(ext2_readlink(fs, sl, buf, sizeof(buf), &n));
		EXPECT(n == 7 && !memcmp(buf, "a/three", 7));
		EXPECT_OK(ext2_readlink(fs, ll, buf, sizeof(buf), &n));
		EXPECT(n == 200 && !memcmp(buf, target, 200));
		EXPECT_OK(ext2t_resolve(fs, "/sparse", &ino));
		EXPECT_OK(ext2_stat(fs, ino, &st));
		EXPECT_EQ(st.size, (1 << 20) + 100);
		struct ext2_info fi;

		ext2_info(fs, &fi);
		/* 1 KiB: data + double-indirect pair; 4 KiB: data + indirect */
		EXPECT_EQ(st.blocks, fi.block_size == 1024 ? 6u : 16u);
		EXPECT_OK(ext2t_unmount(&e.im, false));
	}
free:
	free(want1);
	free(want3);
out:
	env_close(&e);
}

TEST(ext2, ops_then_fsck_1k)
{
	ops_then_fsck(t, "-b 1024");
}

TEST(ext2, ops_then_fsck_4k)
{
	ops_then_fsck(t, "-b 4096");
}

/* Fills the disk: ERR_NOSPC leaves it consistent, and deleting gives the
 * space back. */
TEST(ext2, enospc)
{
	struct env e;
	struct ext2_fs *fs;
	struct ext2_info before, after;
	uint32_t big, ino, last = 0;
	uint8_t buf[7000];
	uint64_t off = 0;
	size_t n = 0;
	int err = 0, files = 0;

	if (!env_open(t, &e, "-b 1024 -N 64", 2048, 0))
		goto out;
	fs = e.im.fs;
	ext2_info(fs, &before);
	EXPECT_OK(ext2_create(fs, EXT2_ROOT_INO, "big", 3, 0644, &big));
	ext2t_pattern(buf, sizeof(buf), 7, 0);
	while (!(err = ext2_write(fs, big, off, buf, sizeof(buf), &n)) && n == sizeof(buf))
		off += n;
	if (!err)
		off += n;
	EXPECT(err == 0 || err == ERR_NOSPC);
	EXPECT_EQ(ext2_write(fs, big, off, buf, sizeof(buf), &n), ERR_NOSPC);
	EXPECT_GT(off, 1500 * 1024);
	ext2_info(fs, &after);
	EXPECT_EQ(after.free_blocks, 0);
	/* empty files until the inodes run out; a directory needs a block */
	EXPECT_EQ(ext2_mkdir(fs, EXT2_ROOT_INO, "nodir", 5, 0755, &ino), ERR_NOSPC);
	for (;;) {
		char name[32];
		int len = snprintf(name, sizeof(name), "empty%d", files);

		err = ext2_create(fs, EXT2_ROOT_INO, name, (size_t)len, 0644, &ino);
		if (err)
			break;
		last = ino;
		files++;
	}
	EXPECT_EQ(err, ERR_NOSPC);
	EXPECT_GT(files, 10);
	EXPECT_GT(last, 0);
	ext2_check(fs);
	if (!env_fsck(t, &e) || !EXPECT_OK(ext2t_mount(&e.im, 0)))
		goto out;
	fs = e.im.fs;
	/* what was written before the disk filled is all there */
	{
		uint8_t *got = NULL;
		size_t len = 0;

		EXPECT_OK(ext2t_resolve(fs, "/big", &big));
		if (EXPECT_OK(ext2t_read_all(fs, big, &got, &len)) && EXPECT_EQ(len, off))
			for (size_t i = 0; i < len; i += sizeof(buf))
				if (!EXPECT(!memcmp(got + i, buf,
						    len - i < sizeof(buf) ? len - i : sizeof(buf))))
					break;
		free(got);
	}
	EXPECT_OK(ext2_unlink(fs, EXT2_ROOT_INO, "big", 3));
	for (int i = 0; i < files; i++) {
		char name[32];
		int len = snprintf(name, sizeof(name), "empty%d", i);

		EXPECT_OK(ext2_unlink(fs, EXT2_ROOT_INO, name, (size_t)len));
	}
	ext2_info(fs, &after);
	EXPECT_EQ(after.free_inodes, before.free_inodes);
	/* the root directory grew by some blocks for the names */
	EXPECT_LE(before.free_blocks - after.free_blocks, 8);
	EXPECT_OK(ext2_mkdir(fs, EXT2_ROOT_INO, "now", 3, 0755, &ino));
	env_fsck(t, &e);
out:
	env_close(&e);
}

static bool count_entry(void *arg, const struct ext2_dirent *e)
{
	(void)e;
	++*(int *)arg;
	return true;
}

TEST(ext2, many_files_one_dir)
{
	struct env e;
	struct ext2_fs *fs;
	uint32_t dir, ino;
	enum { N = 3000 };
	int count = 0;

	if (!env_open(t, &e, "-b 1024 -N 4096", 8192, 0))
		goto out;
	fs = e.im.fs;
	EXPECT_OK(ext2_mkdir(fs, EXT2_ROOT_INO, "many", 4, 0755, &dir));
	for (int i = 0; i < N; i++) {
		char name[64];
		int len = snprintf(name, sizeof(name), "a-file-with-a-long-name-%05d", i);

		if (!EXPECT_OK(ext2_create(fs, dir, name, (size_t)len, 0644, &ino)))
			break;
		if (i % 100 == 0)
			EXPECT(put(t, fs, ino, 0, (size_t)i, 4096, (uint32_t)i));
	}
	EXPECT_OK(ext2_readdir(fs, dir, 0, count_entry, &count));
	EXPECT_EQ(count, N + 2);
	for (int i = 0; i < N; i += 2) {
		char name[64];
		int len = snprintf(name, sizeof(name), "a-file-with-a-long-name-%05d", i);

		EXPECT_OK(ext2_lookup(fs, dir, name, (size_t)len, &ino));
		if (!EXPECT_OK(ext2_unlink(fs, dir, name, (size_t)len)))
			break;
	}
	count = 0;
	EXPECT_OK(ext2_readdir(fs, dir, 0, count_entry, &count));
	EXPECT_EQ(count, N / 2 + 2);
	EXPECT_EQ(ext2_rmdir(fs, EXT2_ROOT_INO, "many", 4), ERR_NOTEMPTY);
	ext2_check(fs);
	if (env_fsck(t, &e)) {
		/* debugfs sees the names we kept (it lists a block's freed first
		 * entry with inode 0, as for Linux's ext2) */
		EXPECT_EQ(ext2t_sh("debugfs -R 'ls -l /many' '%s' 2>/dev/null | "
				   "awk '$1 != 0 && /a-file-with/' | wc -l | grep -qx %d",
				   e.img, N / 2),
			  0);
	}
out:
	env_close(&e);
}

/* A 1 KiB-block file across the double-indirect limit (12 + 256 + 65536
 * blocks), dense and sparse, then cut back. */
TEST(ext2, past_double_indirect)
{
	struct env e;
	struct ext2_fs *fs;
	uint32_t f, s;
	const uint64_t limit = (12 + 256 + 65536) * 1024ull;
	const size_t dense = (size_t)limit + 3 * 1024 * 1024 + 77;
	const uint64_t far = limit + 300ull * 256 * 1024; /* deep in the triple tree */
	uint8_t *want;

	if (!env_open(t, &e, "-b 1024", 80 * 1024, 0))
		goto out;
	fs = e.im.fs;
	EXPECT_OK(ext2_create(fs, EXT2_ROOT_INO, "dense", 5, 0644, &f));
	EXPECT(put(t, fs, f, 0, dense, 1 << 20, 11));
	EXPECT_OK(ext2_create(fs, EXT2_ROOT_INO, "sparse", 6, 0644, &s));
	EXPECT(put(t, fs, s, 5000, 100, 100, 12));
	EXPECT(put(t, fs, s, limit - 50, 100, 100, 13));
	EXPECT(put(t, fs, s, far, 4000, 4000, 14));
	ext2_check(fs);
	if (!env_fsck(t, &e))
		goto out;
	want = malloc(dense);
	if (EXPECT(want != NULL)) {
		ext2t_pattern(want, dense, 11, 0);
		EXPECT(debugfs_has(t, &e, "/dense", want, dense));
	}
	free(want);
	{
		size_t n = 0;
		uint8_t *got = ext2t_debugfs_cat(e.img, "/sparse", &n);
		uint8_t piece[4000];

		if (EXPECT(got != NULL) && EXPECT_EQ(n, far + 4000)) {
			ext2t_pattern(piece, 100, 12, 5000);
			EXPECT(!memcmp(got + 5000, piece, 100));
			ext2t_pattern(piece, 100, 13, limit - 50);
			EXPECT(!memcmp(got + limit - 50, piece, 100));
			ext2t_pattern(piece, 4000, 14, far);
			EXPECT(!memcmp(got + far, piece, 4000));
			EXPECT_EQ(got[far - 1], 0);
		}
		free(got);
	}
	/* cut both back into the double-indirect part, then below */
	if (!EXPECT_OK(ext2t_mount(&e.im, 0)))
		goto out;
	fs = e.im.fs;
	EXPECT_OK(ext2_truncate(fs, f, limit - 1000));
	EXPECT_OK(ext2_truncate(fs, s, limit));
	{
		struct ext2_stat st;
		uint8_t b[200];
		size_t n = 0;

		EXPECT_OK(ext2_stat(fs, s, &st));
		EXPECT_EQ(st.size, limit);
		EXPECT_OK(ext2_read(fs, s, limit - 60, b, 200, &n));
		EXPECT_EQ(n, 60);
		EXPECT_EQ(b[0], 0);
		EXPECT_OK(ext2_truncate(fs, f, 12 * 1024 + 5));
		EXPECT_OK(ext2_stat(fs, f, &st));
		EXPECT_EQ(st.blocks, (13 + 1) * 2); /* 13 data blocks and the indirect */
	}
	ext2_check(fs);
	env_fsck(t, &e);
out:
	env_close(&e);
}

/* An inode unlinked while open lives until its last ext2_iput. */
TEST(ext2, open_unlinked)
{
	struct env e;
	struct ext2_fs *fs;
	struct ext2_info a, b;
	uint32_t f;
	uint8_t buf[100];
	size_t n = 0;

	if (!env_open(t, &e, "-b 1024", 1024, 0))
		goto out;
	fs = e.im.fs;
	ext2_info(fs, &a);
	EXPECT_OK(ext2_create(fs, EXT2_ROOT_INO, "f", 1, 0644, &f));
	EXPECT(put(t, fs, f, 0, 20000, 20000, 1));
	EXPECT_OK(ext2_iget(fs, f));
	EXPECT_OK(ext2_unlink(fs, EXT2_ROOT_INO, "f", 1));
	EXPECT_OK(ext2_read(fs, f, 100, buf, sizeof(buf), &n));
	EXPECT_EQ(n, sizeof(buf));
	EXPECT(put(t, fs, f, 20000, 100, 100, 2));
	ext2_info(fs, &b);
	EXPECT_LT(b.free_blocks, a.free_blocks);
	ext2_iput(fs, f);
	ext2_info(fs, &b);
	EXPECT_EQ(b.free_blocks, a.free_blocks);
	EXPECT_EQ(b.free_inodes, a.free_inodes);
	EXPECT_EQ(ext2_read(fs, f, 0, buf, 1, &n), ERR_NOENT);
	/* one still open at unmount goes then */
	EXPECT_OK(ext2_create(fs, EXT2_ROOT_INO, "g", 1, 0644, &f));
	EXPECT_OK(ext2_iget(fs, f));
	EXPECT_OK(ext2_unlink(fs, EXT2_ROOT_INO, "g", 1));
	env_fsck(t, &e);
out:
	env_close(&e);
}

/* The smallest cache: every call evicts and writes back. */
TEST(ext2, small_cache)
{
	struct env e;
	struct ext2_fs *fs;
	uint32_t d, f;

	if (!env_open(t, &e, "-b 1024", 4096, EXT2_CACHE_MIN))
		goto out;
	fs = e.im.fs;
	EXPECT_OK(ext2_mkdir(fs, EXT2_ROOT_INO, "d", 1, 0755, &d));
	for (int i = 0; i < 200; i++) {
		char name[32];
		int len = snprintf(name, sizeof(name), "file%d", i);

		if (!EXPECT_OK(ext2_create(fs, d, name, (size_t)len, 0644, &f)))
			break;
		EXPECT(put(t, fs, f, (uint64_t)i * 333, (size_t)i * 100 + 1, 777, (uint32_t)i));
	}
	for (int i = 0; i < 200; i += 3) {
		char name[32];
		int len = snprintf(name, sizeof(name), "file%d", i);

		EXPECT_OK(ext2_unlink(fs, d, name, (size_t)len));
	}
	ext2_check(fs);
	env_fsck(t, &e);
out:
	env_close(&e);
}

/* Random operation scripts (the fuzzer's interpreter, ext2_fuzz_ops) on
 * good images: e2fsck must find each result clean. */
static void random_ops(struct test_ctx *t, const char *opts)
{
	struct env e;
	uint8_t *orig, ops[4000];
	uint64_t x = 0x2545F4914F6CDD1Dull;
	int changed = 0;

	if (!env_open(t, &e, opts, 4096, 0))
		goto out;
	EXPECT_OK(ext2t_unmount(&e.im, false));
	orig = malloc(e.im.len);
	if (!EXPECT(orig != NULL))
		goto out;
	memcpy(orig, e.im.mem, e.im.len);
	for (int seed = 1; seed <= 48; seed++) {
		for (size_t i = 0; i < sizeof(ops); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ops[i] = (uint8_t)(x >> 24);
		}
		memcpy(e.im.mem, orig, e.im.len);
		if (!EXPECT_OK(ext2t_mount(&e.im, seed % 2 ? EXT2_CACHE_MIN : 0)))
			break;
		struct ext2_info a, b;

		ext2_info(e.im.fs, &a);
		ext2_fuzz_ops(e.im.fs, ops, sizeof(ops));
		ext2_info(e.im.fs, &b);
		changed += a.free_blocks != b.free_blocks && a.free_inodes != b.free_inodes;
		ext2_check(e.im.fs);
		if (!EXPECT_OK(ext2t_unmount(&e.im, true)) || !EXPECT_EQ(ext2t_fsck(e.img), 0)) {
			test_printf(t, "  random ops seed %d: not clean\n", seed);
			break;
		}
	}
	/* the scripts leave files and directories behind */
	EXPECT_GE(changed, 40);
	free(orig);
out:
	env_close(&e);
}

TEST(ext2, random_ops_fsck_1k)
{
	random_ops(t, "-b 1024 -N 128");
}

TEST(ext2, random_ops_fsck_4k)
{
	random_ops(t, "-b 4096 -N 128");
}

/* A hashed (dir_index) directory, as `e2fsck -D` makes it: read linearly,
 * and changed: the index flag goes, e2fsck stays happy. */
TEST(ext2, indexed_dir)
{
	char tmp[256], src[300], imgp[300];
	struct ext2t_img img = {0};
	uint32_t dir, ino;
	int n = 0;

	if (!EXPECT(ext2t_tmpdir(tmp, sizeof(tmp))))
		return;
	snprintf(src, sizeof(src), "%s/src", tmp);
	snprintf(imgp, sizeof(imgp), "%s/img", tmp);
	if (!EXPECT_EQ(ext2t_sh("mkdir -p '%s/big' && cd '%s/big' && for i in $(seq 1 400); do "
				": > file-with-a-longer-name-$i; done",
				src, src),
		       0) ||
	    !EXPECT(ext2t_mkfs(&img, imgp, "-b 1024", 4096, src)))
		goto out;
	/* e2fsck -D indexes the directory (exit 1: it changed something) */
	EXPECT_EQ(ext2t_sh("e2fsck -fyD '%s' >/dev/null 2>&1; "
			   "debugfs -R 'stat /big' '%s' 2>/dev/null | grep -q 'Flags: 0x1000'",
			   imgp, imgp),
		  0);
	if (!EXPECT_EQ(ext2t_debugfs_w(&img, "stats"), 0) || !EXPECT_OK(ext2t_mount(&img, 0)))
		goto out;
	EXPECT_OK(ext2t_resolve(img.fs, "/big", &dir));
	EXPECT_OK(ext2_readdir(img.fs, dir, 0, count_entry, &n));
	EXPECT_EQ(n, 402);
	EXPECT_OK(ext2_lookup(img.fs, dir, "file-with-a-longer-name-377", 27, &ino));
	EXPECT_OK(ext2_unlink(img.fs, dir, "file-with-a-longer-name-377", 27));
	for (int i = 0; i < 50; i++) {
		char name[32];
		int len = snprintf(name, sizeof(name), "new-%d", i);

		EXPECT_OK(ext2_create(img.fs, dir, name, (size_t)len, 0644, &ino));
	}
	EXPECT_OK(ext2t_unmount(&img, true));
	EXPECT_EQ(ext2t_fsck(imgp), 0);
	EXPECT_EQ(ext2t_sh("debugfs -R 'stat /big' '%s' 2>/dev/null | grep -q 'Flags: 0x0'", imgp),
		  0);
out:
	ext2t_free(&img);
	ext2t_rmtree(tmp);
}

/* A file past 2 GiB on a filesystem without large_file: the feature is
 * turned on, as e2fsck wants. */
TEST(ext2, large_file_feature)
{
	struct env e;
	uint32_t f;
	const uint64_t off = 3ull << 30;

	/* mke2fs always sets it now: debugfs clears it */
	if (!env_open(t, &e, "-b 4096", 4096, 0) || !EXPECT_OK(ext2t_unmount(&e.im, true)) ||
	    !EXPECT_EQ(ext2t_debugfs_w(&e.im, "feature -large_file"), 0) ||
	    !EXPECT_EQ(ext2t_sh("dumpe2fs -h '%s' 2>/dev/null | grep -q large_file", e.img), 1) ||
	    !EXPECT_OK(ext2t_mount(&e.im, 0)))
		goto out;
	EXPECT_OK(ext2_create(e.im.fs, EXT2_ROOT_INO, "huge", 4, 0644, &f));
	EXPECT(put(t, e.im.fs, f, off, 5000, 5000, 3));
	if (env_fsck(t, &e)) {
		EXPECT_EQ(ext2t_sh("dumpe2fs -h '%s' 2>/dev/null | grep -q large_file", e.img), 0);
		EXPECT_EQ(
			ext2t_sh("debugfs -R 'stat /huge' '%s' 2>/dev/null | grep -q 'Size: %llu'",
				 e.img, (unsigned long long)off + 5000),
			0);
	}
out:
	env_close(&e);
}
