/*
 * vfs_ext2_test.c - an ext2 filesystem in the VFS (lib/vfs/ext2fs.c) over
 * a memory device: an image made by Debian's mke2fs from a folder is
 * walked, listed and read through vfs_* calls; changes made through the
 * VFS (files, directories, renames, symlinks, truncation, a guest's
 * writes, a file unlinked while open) are written back by vfs_sync, and
 * `e2fsck -fn` must find the image clean and `debugfs` must show them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "ext2/ext2.h"
#include "vfs/vfs.h"
#include "vfs_util.h"

struct xenv {
	char dir[64], img[96];
	uint8_t *mem;
	size_t len;
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct vfs *v;
	uint64_t now;
};

static int sh(const char *cmd)
{
	return system(cmd);
}

/* An image of 4 MiB from a folder with a few files, mounted at /data of
 * a VFS whose root is a tmpfs. */
static bool xenv_open(struct test_ctx *t, struct xenv *e, const char *mkfs_opts)
{
	char cmd[512];
	struct ext2_opts o = {.clock = vfs_ext2_clock};
	struct ext2_fs *e2;
	struct vfs_fs *root, *fs;
	const char *why = "";
	FILE *f;

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/vfs-ext2-XXXXXX");
	if (!EXPECT(mkdtemp(e->dir) != NULL))
		return false;
	snprintf(e->img, sizeof(e->img), "%s/img", e->dir);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p src/sub/deep && printf 'hello\\n' > src/a.txt && "
		 "printf 'deep\\n' > src/sub/deep/d.txt && ln -s a.txt src/lnk && "
		 "head -c 70000 /dev/zero | tr '\\0' x > src/big && "
		 "truncate -s 4M img && PATH=$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 %s -d src "
		 "img",
		 e->dir, mkfs_opts);
	if (!EXPECT_EQ(sh(cmd), 0))
		return false;
	f = fopen(e->img, "rb");
	if (!EXPECT(f != NULL))
		return false;
	e->len = 4096u << 10;
	e->mem = malloc(e->len);
	bool ok = EXPECT(e->mem && fread(e->mem, 1, e->len, f) == e->len);
	fclose(f);
	if (!ok)
		return false;
	ext2_memdev_init(&e->md, e->mem, e->len, &e->dev);
	e->now = 1700000000ull * 1000000000ull; /* e2fsck doubts times near 0 */
	if (!EXPECT_OK(vfs_create(vfs_test_clock, &e->now, &e->v)))
		return false;
	o.clock_arg = e->v;
	if (!EXPECT_OK(ext2_mount(&e->dev, &o, &e2, &why)))
		return false;
	if (!EXPECT_OK(vfs_ext2_create(e->v, e2, &fs))) {
		ext2_unmount(e2);
		return false;
	}
	return EXPECT_OK(vfs_tmpfs_create(e->v, 0, &root)) &&
	       EXPECT_OK(vfs_mount(e->v, "/", root, 0)) &&
	       EXPECT_OK(vfs_mount(e->v, "/data", fs, VFS_MOUNT_MKDIR)) &&
	       EXPECT_OK(vfs_set_guest_access(e->v, "/", VFS_ACCESS_READ)) &&
	       EXPECT_OK(vfs_set_guest_access(e->v, "/data", VFS_ACCESS_WRITE));
}

/* vfs_sync, then the VFS goes (unmounting ext2) and the image is saved;
 * e2fsck's status. */
static int xenv_close_fsck(struct test_ctx *t, struct xenv *e)
{
	char cmd[256];
	FILE *f;

	EXPECT_OK(vfs_sync(e->v));
	vfs_check(e->v);
	vfs_destroy(e->v);
	e->v = NULL;
	f = fopen(e->img, "wb");
	EXPECT(f && fwrite(e->mem, 1, e->len, f) == e->len);
	if (f)
		fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "PATH=$PATH:/usr/sbin:/sbin e2fsck -fn %s >%s.fsck 2>&1 || cat %s.fsck", e->img,
		 e->img, e->img);
	return sh(cmd);
}

/* Whether `debugfs -R 'cat P'` prints exactly `want`. */
static bool debugfs_is(struct xenv *e, const char *p, const char *want)
{
	char cmd[256], got[256];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "PATH=$PATH:/usr/sbin:/sbin debugfs -R 'cat %s' %s 2>/dev/null",
		 p, e->img);
	f = popen(cmd, "r");
	if (!f)
		return false;
	n = fread(got, 1, sizeof(got) - 1, f);
	pclose(f);
	got[n] = 0;
	return strcmp(got, want) == 0;
}

static void xenv_free(struct xenv *e)
{
	char cmd[128];

	if (e->v)
		vfs_destroy(e->v);
	free(e->mem);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	sh(cmd);
}

TEST(vfs_ext2, reads_a_tree_made_by_mke2fs)
{
	struct xenv e;
	struct vfs_test_names names;
	struct vfs_stat st;
	char buf[128];

	if (xenv_open(t, &e, "")) {
		EXPECT_OK(vfs_test_list(e.v, "/data", &names));
		EXPECT(strstr(names.buf, "a.txt") && strstr(names.buf, "sub") &&
		       strstr(names.buf, "lost+found") && strstr(names.buf, "big"));
		EXPECT_OK(vfs_test_get(e.v, "/data/sub/deep/d.txt", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "deep\n");
		EXPECT_OK(vfs_test_get(e.v, "/data/lnk", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "hello\n");
		EXPECT_OK(vfs_stat(e.v, NULL, "/data/big", &st));
		EXPECT_EQ(st.size, 70000);
		EXPECT_EQ(st.type, VFS_TYPE_REG);
		EXPECT_OK(vfs_stat(e.v, NULL, "/data/sub", &st));
		EXPECT_EQ(st.type, VFS_TYPE_DIR);
		EXPECT_EQ(vfs_stat(e.v, NULL, "/data/nope", &st), ERR_NOENT);
		EXPECT_EQ(vfs_stat(e.v, NULL, "/data/a.txt/x", &st), ERR_NOTDIR);
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
	}
	xenv_free(&e);
}

TEST(vfs_ext2, changes_reach_the_disk_and_e2fsck_finds_it_clean)
{
	struct xenv e;
	struct vfs_file *f, *g;
	struct vfs_stat st;
	char buf[128];
	size_t n;

	if (xenv_open(t, &e, "-b 4096")) {
		EXPECT_OK(vfs_mkdir(e.v, NULL, "/data/new"));
		EXPECT_OK(vfs_test_put(e.v, "/data/new/f.txt", "one\n"));
		EXPECT_OK(vfs_test_put(e.v, "/data/a.txt", "replaced\n"));
		EXPECT_OK(
			vfs_rename(e.v, NULL, "/data/sub/deep/d.txt", NULL, "/data/new/moved.txt"));
		EXPECT_EQ(vfs_rmdir(e.v, NULL, "/data/sub"), ERR_NOTEMPTY);
		EXPECT_OK(vfs_rmdir(e.v, NULL, "/data/sub/deep"));
		EXPECT_OK(vfs_rmdir(e.v, NULL, "/data/sub"));
		EXPECT_OK(vfs_symlink(e.v, NULL, "new/moved.txt", "/data/l2"));
		EXPECT_OK(vfs_truncate(e.v, NULL, "/data/big", 10));
		EXPECT_EQ(vfs_link(e.v, NULL, "/data/a.txt", false, NULL, "/data/hard"), ERR_PERM);
		EXPECT_EQ(vfs_mkdir(e.v, NULL, "/data/new"), ERR_EXIST);
		/* a file unlinked while open keeps its data until the close */
		EXPECT_OK(vfs_open(e.v, NULL, "/data/new/f.txt", VFS_O_READ, &f));
		EXPECT_OK(vfs_unlink(e.v, NULL, "/data/new/f.txt"));
		EXPECT_OK(vfs_read(f, buf, sizeof(buf), &n));
		EXPECT_EQ(n, 4);
		vfs_close(f);
		/* a guest with the /data preopen writes there */
		EXPECT_OK(vfs_open_guest(e.v, "/data", VFS_ACCESS_WRITE, &g));
		EXPECT_OK(vfs_open(e.v, g, "guest.txt", VFS_O_WRITE | VFS_O_CREAT, &f));
		EXPECT_OK(vfs_write(f, "from a guest\n", 13, &n));
		EXPECT_OK(vfs_pwrite(f, "A", 1, 0, &n));
		EXPECT_OK(vfs_fstat(f, &st));
		EXPECT_EQ(st.size, 13);
		vfs_close(f);
		vfs_close(g);
		EXPECT_OK(vfs_test_get(e.v, "/data/l2", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "deep\n");
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
		EXPECT(debugfs_is(&e, "/a.txt", "replaced\n"));
		EXPECT(debugfs_is(&e, "/new/moved.txt", "deep\n"));
		EXPECT(debugfs_is(&e, "/guest.txt", "Arom a guest\n"));
		EXPECT(debugfs_is(&e, "/big", "xxxxxxxxxx"));
		EXPECT(debugfs_is(&e, "/new/f.txt", ""));
	}
	xenv_free(&e);
}

TEST(vfs_ext2, a_large_file_round_trips)
{
	struct xenv e;
	struct vfs_file *f;
	static uint8_t in[300000], out[300000];
	size_t n, got = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + i / 251);
	if (xenv_open(t, &e, "")) {
		EXPECT_OK(vfs_open(e.v, NULL, "/data/blob", VFS_O_WRITE | VFS_O_CREAT, &f));
		for (size_t off = 0; off < sizeof(in); off += 12345) {
			size_t len = sizeof(in) - off < 12345 ? sizeof(in) - off : 12345;
			EXPECT_OK(vfs_write(f, in + off, len, &n));
		}
		vfs_close(f);
		EXPECT_OK(vfs_open(e.v, NULL, "/data/blob", VFS_O_READ, &f));
		while (got < sizeof(out) && !vfs_read(f, out + got, 40000, &n) && n)
			got += n;
		vfs_close(f);
		EXPECT_EQ(got, sizeof(in));
		EXPECT(memcmp(in, out, sizeof(in)) == 0);
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
	}
	xenv_free(&e);
}
