/*
 * ext2_read_test.c - images made by Debian's `mke2fs -t ext2 -d FOLDER`
 * (1 KiB and 4 KiB blocks) read back through lib/ext2: every file, folder
 * and symlink of the folder, compared byte for byte.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/test.h"
#include "ext2_util.h"

/* Sizes around the edges of the block map for 1 KiB and 4 KiB blocks:
 * direct (12 blocks), single indirect, double indirect. */
static const size_t sizes[] = {
	0, 1, 1023, 1024, 1025, 4096, 12 * 1024 + 1, 49153, 300000, 5 * 1048576 + 123,
};

/* Fills `dir` with the files the read tests expect. */
static bool make_tree(const char *dir)
{
	char p[512];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(p, sizeof(p), "%s/f%zu", dir, sizes[i]);
		if (!ext2t_write_host(p, sizes[i], (uint32_t)i))
			return false;
	}
	if (ext2t_sh("mkdir -p '%s/a/b/c' '%s/big' && ln -s f1 '%s/short' && "
		     "ln -s %0100d '%s/long' && echo deep > '%s/a/b/c/deep.txt'",
		     dir, dir, dir, 7, dir, dir))
		return false;
	/* a directory of several blocks (mke2fs may index it) */
	for (int i = 0; i < 400; i++) {
		snprintf(p, sizeof(p), "%s/big/file-with-a-longer-name-%04d", dir, i);
		if (!ext2t_write_host(p, (size_t)i % 50, (uint32_t)i))
			return false;
	}
	return true;
}

struct walk {
	struct test_ctx *t;
	struct ext2_fs *fs;
	const char *host; /* the host folder this image came from */
	int files, dirs, links;
	int depth;
	bool untyped; /* no filetype feature: entries say UNKNOWN */
};

struct entry_list {
	uint32_t ino[512];
	enum ext2_type type[512];
	char name[512][256];
	int n;
};

static bool collect(void *arg, const struct ext2_dirent *e)
{
	struct entry_list *l = arg;

	if (l->n == 512)
		return false;
	l->ino[l->n] = e->ino;
	l->type[l->n] = e->type;
	memcpy(l->name[l->n], e->name, e->namelen);
	l->name[l->n][e->namelen] = 0;
	l->n++;
	return true;
}

static int host_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

/* Compares the image's directory `ino` with host folder `path`, recursively. */
static void walk_dir(struct walk *w, uint32_t ino, const char *path)
{
	struct test_ctx *t = w->t;
	struct entry_list *l = calloc(1, sizeof(*l));
	char hp[1024];

	if (!EXPECT(l != NULL))
		return;
	if (!EXPECT_OK(ext2_readdir(w->fs, ino, 0, collect, l)))
		goto out;
	/* lost+found exists only in the image */
	int extra = strcmp(path, w->host) == 0 ? 1 : 0;
	EXPECT_EQ(l->n, host_count(path) + extra);
	w->dirs++;
	for (int i = 0; i < l->n; i++) {
		struct ext2_stat st;
		struct stat hs;
		char *name = l->name[i];

		if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "lost+found"))
			continue;
		snprintf(hp, sizeof(hp), "%s/%s", path, name);
		if (!EXPECT_OK(ext2_stat(w->fs, l->ino[i], &st)) || !EXPECT_OK(lstat(hp, &hs)))
			continue;
		EXPECT_EQ(st.mode, hs.st_mode & 07777);
		if (S_ISDIR(hs.st_mode)) {
			EXPECT_EQ(st.type, EXT2_TYPE_DIR);
			EXPECT_EQ(l->type[i], w->untyped ? EXT2_TYPE_UNKNOWN : EXT2_TYPE_DIR);
			if (w->depth < 16) {
				w->depth++;
				walk_dir(w, l->ino[i], hp);
				w->depth--;
			}
		} else if (S_ISLNK(hs.st_mode)) {
			char a[4096], b[4096];
			size_t n = 0;
			ssize_t hn = readlink(hp, b, sizeof(b));

			EXPECT_EQ(st.type, EXT2_TYPE_LNK);
			EXPECT_OK(ext2_readlink(w->fs, l->ino[i], a, sizeof(a), &n));
			EXPECT_EQ(n, hn);
			EXPECT(hn >= 0 && n == (size_t)hn && !memcmp(a, b, n));
			w->links++;
		} else {
			size_t hlen = 0, len = 0;
			uint8_t *host = ext2t_read_host(hp, &hlen), *mine = NULL;

			EXPECT_EQ(st.type, EXT2_TYPE_REG);
			EXPECT_EQ(l->type[i], w->untyped ? EXT2_TYPE_UNKNOWN : EXT2_TYPE_REG);
			EXPECT_EQ(st.size, hs.st_size);
			if (EXPECT_OK(ext2t_read_all(w->fs, l->ino[i], &mine, &len)) &&
			    EXPECT_EQ(len, hlen) && !EXPECT(memcmp(mine, host, len) == 0))
				test_printf(t, "  contents differ: %s\n", hp);
			free(host);
			free(mine);
			w->files++;
		}
	}
out:
	free(l);
}

static void read_back(struct test_ctx *t, const char *opts)
{
	char tmp[256], src[300], imgp[300];
	struct ext2t_img img;
	struct walk w = {.t = t};

	if (!EXPECT(ext2t_tmpdir(tmp, sizeof(tmp))))
		return;
	snprintf(src, sizeof(src), "%s/src", tmp);
	snprintf(imgp, sizeof(imgp), "%s/img", tmp);
	if (!EXPECT_EQ(ext2t_sh("mkdir '%s'", src), 0) || !EXPECT(make_tree(src)) ||
	    !EXPECT(ext2t_mkfs(&img, imgp, opts, 32768, src)))
		goto out;
	if (!EXPECT_OK(ext2t_mount(&img, 0)))
		goto out;
	w.fs = img.fs;
	w.host = src;
	w.untyped = strstr(opts, "-r 0") != NULL;
	walk_dir(&w, EXT2_ROOT_INO, src);
	EXPECT_EQ(w.files, 10 + 400 + 1);
	EXPECT_EQ(w.dirs, 5);
	EXPECT_EQ(w.links, 2);
	ext2_check(img.fs);
	EXPECT_OK(ext2t_unmount(&img, false));
	/* reading changes nothing on the device */
	EXPECT_EQ(img.md.writes, 0);
out:
	ext2t_free(&img);
	ext2t_rmtree(tmp);
}

TEST(ext2, read_mkfs_1k)
{
	read_back(t, "-b 1024");
}

TEST(ext2, read_mkfs_4k)
{
	read_back(t, "-b 4096");
}

TEST(ext2, read_mkfs_2k_rev0)
{
	read_back(t, "-b 2048 -r 0");
}

TEST(ext2, lookup_errors)
{
	char tmp[256], imgp[300];
	struct ext2t_img img;
	uint32_t ino;
	struct ext2_stat st;
	uint8_t buf[8];
	size_t n;

	if (!EXPECT(ext2t_tmpdir(tmp, sizeof(tmp))))
		return;
	snprintf(imgp, sizeof(imgp), "%s/img", tmp);
	if (!EXPECT(ext2t_mkfs(&img, imgp, "-b 1024", 1024, NULL)) ||
	    !EXPECT_OK(ext2t_mount(&img, 0)))
		goto out;
	EXPECT_EQ(ext2_lookup(img.fs, EXT2_ROOT_INO, "nope", 4, &ino), ERR_NOENT);
	EXPECT_OK(ext2_lookup(img.fs, EXT2_ROOT_INO, "lost+found", 10, &ino));
	EXPECT_OK(ext2_stat(img.fs, ino, &st));
	EXPECT_EQ(st.type, EXT2_TYPE_DIR);
	EXPECT_EQ(ext2_read(img.fs, ino, 0, buf, 8, &n), ERR_ISDIR);
	EXPECT_EQ(ext2_lookup(img.fs, EXT2_ROOT_INO, "..", 2, &ino), 0);
	EXPECT_EQ(ino, EXT2_ROOT_INO);
	EXPECT_EQ(ext2_stat(img.fs, 0, &st), ERR_INVAL);
	EXPECT_EQ(ext2_stat(img.fs, 1u << 30, &st), ERR_INVAL);
	EXPECT_EQ(ext2_stat(img.fs, 100, &st), ERR_NOENT);
	EXPECT_OK(ext2t_unmount(&img, false));
out:
	ext2t_free(&img);
	ext2t_rmtree(tmp);
}
