/*
 * vfs_tree_test.c - the VFS namespace and open files on tmpfs: open flags,
 * read/write/seek, stat, readdir cookies, mkdir/rmdir/unlink/rename and
 * their errors, mounts and "..", the tmpfs limit, unlink while open.
 */
#include "base/err.h"
#include "base/test.h"
#include "vfs_util.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"

struct env {
	uint64_t now;
	struct vfs *v;
	struct vfs_fs *root, *mnt;
};

/* "/" a tmpfs (no limit), "/mnt" another tmpfs with a 4 KiB limit. */
static bool env_init(struct test_ctx *t, struct env *e)
{
	memset(e, 0, sizeof(*e));
	return EXPECT_OK(vfs_create(vfs_test_clock, &e->now, &e->v)) &&
	       EXPECT_OK(vfs_tmpfs_create(e->v, 0, &e->root)) &&
	       EXPECT_OK(vfs_mount(e->v, "/", e->root, 0)) &&
	       EXPECT_OK(vfs_tmpfs_create(e->v, 4096, &e->mnt)) &&
	       EXPECT_OK(vfs_mount(e->v, "/mnt", e->mnt, VFS_MOUNT_MKDIR));
}

static void env_fini(struct env *e)
{
	vfs_check(e->v);
	vfs_destroy(e->v);
}

TEST(vfs_tree, create_write_read_seek)
{
	struct env e;
	struct vfs_file *f;
	char buf[64] = {0};
	uint64_t pos = 0;
	size_t n = 0;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(vfs_open(e.v, NULL, "/a", VFS_O_READ, &f), ERR_NOENT);
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/a", VFS_O_READ | VFS_O_WRITE | VFS_O_CREAT, &f)))
		return;
	EXPECT_OK(vfs_write(f, "hello world", 11, &n));
	EXPECT_EQ(n, 11);
	EXPECT_OK(vfs_read(f, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 0); /* at the end */
	EXPECT_OK(vfs_seek(f, 6, VFS_SEEK_SET, &pos));
	EXPECT_EQ(pos, 6);
	EXPECT_OK(vfs_read(f, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 5);
	EXPECT(memcmp(buf, "world", 5) == 0);
	EXPECT_OK(vfs_seek(f, -5, VFS_SEEK_END, &pos));
	EXPECT_EQ(pos, 6);
	EXPECT_OK(vfs_seek(f, -1, VFS_SEEK_CUR, &pos));
	EXPECT_EQ(pos, 5);
	EXPECT_EQ(vfs_seek(f, -6, VFS_SEEK_CUR, &pos), ERR_INVAL);
	EXPECT_EQ(vfs_seek(f, INT64_MIN, VFS_SEEK_END, &pos), ERR_INVAL);
	EXPECT_EQ(vfs_seek(f, INT64_MAX, VFS_SEEK_END, &pos), ERR_OVERFLOW);
	EXPECT_EQ(vfs_seek(f, 0, (enum vfs_whence)7, &pos), ERR_INVAL);
	/* pwrite past the end zero-fills the gap, the position stays */
	EXPECT_OK(vfs_pwrite(f, "!", 1, 13, &n));
	EXPECT_OK(vfs_seek(f, 0, VFS_SEEK_CUR, &pos));
	EXPECT_EQ(pos, 5);
	EXPECT_OK(vfs_pread(f, buf, sizeof(buf), 10, &n));
	EXPECT_EQ(n, 4);
	EXPECT(memcmp(buf, "d\0\0!", 4) == 0);
	vfs_close(f);
	/* EXCL, TRUNC, APPEND */
	EXPECT_EQ(vfs_open(e.v, NULL, "/a", VFS_O_WRITE | VFS_O_CREAT | VFS_O_EXCL, &f), ERR_EXIST);
	if (EXPECT_OK(vfs_open(e.v, NULL, "a", VFS_O_WRITE | VFS_O_TRUNC | VFS_O_APPEND, &f))) {
		EXPECT_OK(vfs_write(f, "xy", 2, &n));
		EXPECT_OK(vfs_seek(f, 0, VFS_SEEK_SET, &pos));
		EXPECT_OK(vfs_write(f, "z", 1, &n));	      /* appends anyway */
		EXPECT_EQ(vfs_read(f, buf, 1, &n), ERR_BADF); /* not open for reading */
		vfs_close(f);
	}
	EXPECT_OK(vfs_test_get(e.v, "/a", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "xyz");
	env_fini(&e);
}

TEST(vfs_tree, open_errors)
{
	struct env e;
	struct vfs_file *f, *d;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/d"));
	EXPECT_OK(vfs_test_put(e.v, "/d/f", "x"));
	EXPECT_EQ(vfs_open(e.v, NULL, "/d", VFS_O_WRITE, &f), ERR_ISDIR);
	EXPECT_EQ(vfs_open(e.v, NULL, "/d/f", VFS_O_READ | VFS_O_DIRECTORY, &f), ERR_NOTDIR);
	EXPECT_EQ(vfs_open(e.v, NULL, "/d/f/", VFS_O_READ, &f), ERR_NOTDIR);
	EXPECT_EQ(vfs_open(e.v, NULL, "/d/f/x", VFS_O_READ, &f), ERR_NOTDIR);
	EXPECT_EQ(vfs_open(e.v, NULL, "/d/g/", VFS_O_WRITE | VFS_O_CREAT, &f), ERR_ISDIR);
	EXPECT_EQ(vfs_open(e.v, NULL, "/nope/g", VFS_O_WRITE | VFS_O_CREAT, &f), ERR_NOENT);
	EXPECT_EQ(vfs_open(e.v, NULL, "", VFS_O_READ, &f), ERR_NOENT);
	{
		char name[VFS_NAME_MAX + 2];

		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = 0;
		EXPECT_EQ(vfs_open(e.v, NULL, name, VFS_O_WRITE | VFS_O_CREAT, &f), ERR_RANGE);
		name[VFS_NAME_MAX] = 0;
		if (EXPECT_OK(vfs_open(e.v, NULL, name, VFS_O_WRITE | VFS_O_CREAT, &f)))
			vfs_close(f);
	}
	/* relative to an open directory; a file as base is not a directory */
	if (EXPECT_OK(vfs_open(e.v, NULL, "/d/", VFS_O_READ, &d))) {
		if (EXPECT_OK(vfs_open(e.v, d, "f", VFS_O_READ, &f))) {
			EXPECT_EQ(vfs_open(e.v, f, "x", VFS_O_READ, &d), ERR_NOTDIR);
			vfs_close(f);
		}
		if (EXPECT_OK(vfs_open(e.v, d, "../d/./f", VFS_O_READ, &f)))
			vfs_close(f);
		vfs_close(d);
	}
	env_fini(&e);
}

TEST(vfs_tree, stat_and_times)
{
	struct env e;
	struct vfs_stat st, st2;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/d"));
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/d/e"));
	EXPECT_OK(vfs_test_put(e.v, "/d/f", "12345"));
	if (EXPECT_OK(vfs_stat(e.v, NULL, "/d", &st))) {
		EXPECT_EQ(st.type, VFS_TYPE_DIR);
		EXPECT_EQ(st.nlink, 3);
		EXPECT_EQ(st.dev, 1);
	}
	if (EXPECT_OK(vfs_stat(e.v, NULL, "/d/f", &st))) {
		EXPECT_EQ(st.type, VFS_TYPE_REG);
		EXPECT_EQ(st.size, 5);
		EXPECT_EQ(st.nlink, 1);
		EXPECT_GT(st.mtim, 0);
		EXPECT_OK(vfs_test_put(e.v, "/d/f", "123"));
		EXPECT_OK(vfs_stat(e.v, NULL, "/d/f", &st2));
		EXPECT_EQ(st2.ino, st.ino);
		EXPECT_EQ(st2.size, 3);
		EXPECT_GT(st2.mtim, st.mtim);
	}
	if (EXPECT_OK(vfs_stat(e.v, NULL, "/mnt", &st)))
		EXPECT_EQ(st.dev, 2); /* the mounted root, not the mount point */
	EXPECT_EQ(vfs_stat(e.v, NULL, "/d/f/", &st), ERR_NOTDIR);
	EXPECT_EQ(vfs_stat(e.v, NULL, "/d/zz", &st), ERR_NOENT);
	EXPECT_OK(vfs_truncate(e.v, NULL, "/d/f", 100));
	EXPECT_OK(vfs_stat(e.v, NULL, "/d/f", &st));
	EXPECT_EQ(st.size, 100);
	EXPECT_EQ(vfs_truncate(e.v, NULL, "/d", 0), ERR_ISDIR);
	env_fini(&e);
}

TEST(vfs_tree, readdir_cookies_are_stable)
{
	struct env e;
	struct vfs_test_names n;
	struct vfs_file *d;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/d"));
	EXPECT_OK(vfs_test_put(e.v, "/d/a", ""));
	EXPECT_OK(vfs_test_put(e.v, "/d/b", ""));
	EXPECT_OK(vfs_test_put(e.v, "/d/c", ""));
	EXPECT_OK(vfs_test_list(e.v, "/d", &n));
	EXPECT_STREQ(n.buf, "a,b,c");
	EXPECT_EQ(n.count, 5);
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/d", VFS_O_READ, &d)))
		return;
	/* stop after ".", "..", "a"; remove "a" and "b", add "d"; go on */
	memset(&n, 0, sizeof(n));
	n.stop_after = 3;
	EXPECT_OK(vfs_readdir(d, 0, vfs_test_name_cb, &n));
	EXPECT_STREQ(n.buf, "a");
	EXPECT_OK(vfs_unlink(e.v, NULL, "/d/a"));
	EXPECT_OK(vfs_unlink(e.v, NULL, "/d/b"));
	EXPECT_OK(vfs_test_put(e.v, "/d/d", ""));
	{
		uint64_t c = n.last_cookie;

		memset(&n, 0, sizeof(n));
		EXPECT_OK(vfs_readdir(d, c, vfs_test_name_cb, &n));
		EXPECT_STREQ(n.buf, "c,d");
	}
	/* the same cookie again gives the same rest */
	memset(&n, 0, sizeof(n));
	EXPECT_OK(vfs_readdir(d, 2, vfs_test_name_cb, &n));
	EXPECT_STREQ(n.buf, "c,d");
	vfs_close(d);
	EXPECT_OK(vfs_test_list(e.v, "/", &n));
	EXPECT_STREQ(n.buf, "mnt,d");
	env_fini(&e);
}

TEST(vfs_tree, mkdir_rmdir_unlink_errors)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/d/"));
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/d"), ERR_EXIST);
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/d/."), ERR_EXIST);
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/x/y"), ERR_NOENT);
	EXPECT_OK(vfs_test_put(e.v, "/d/f", "x"));
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/d/f/g"), ERR_NOTDIR);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/d"), ERR_NOTEMPTY);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/d/f"), ERR_NOTDIR);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/d/."), ERR_INVAL);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/"), ERR_BUSY);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/mnt"), ERR_BUSY);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/zz"), ERR_NOENT);
	EXPECT_EQ(vfs_unlink(e.v, NULL, "/d"), ERR_ISDIR);
	EXPECT_EQ(vfs_unlink(e.v, NULL, "/d/f/"), ERR_NOTDIR);
	EXPECT_EQ(vfs_unlink(e.v, NULL, "/d/zz"), ERR_NOENT);
	EXPECT_OK(vfs_unlink(e.v, NULL, "/d/f"));
	EXPECT_OK(vfs_rmdir(e.v, NULL, "/d"));
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/d"), ERR_NOENT);
	env_fini(&e);
}

TEST(vfs_tree, rename_rules)
{
	struct env e;
	char buf[16];

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/a"));
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/a/sub"));
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/b"));
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/full"));
	EXPECT_OK(vfs_test_put(e.v, "/full/x", "x"));
	EXPECT_OK(vfs_test_put(e.v, "/f", "one"));
	EXPECT_OK(vfs_test_put(e.v, "/g", "two"));
	EXPECT_OK(vfs_rename(e.v, NULL, "/f", NULL, "/g")); /* replaces g */
	EXPECT_OK(vfs_test_get(e.v, "/g", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "one");
	EXPECT_EQ(vfs_rename(e.v, NULL, "/f", NULL, "/h"), ERR_NOENT);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/g", NULL, "/a"), ERR_ISDIR);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/a", NULL, "/g"), ERR_NOTDIR);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/a", NULL, "/full"), ERR_NOTEMPTY);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/a", NULL, "/a/sub/in"), ERR_INVAL);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/a", NULL, "/a/sub"), ERR_INVAL);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/g", NULL, "/mnt/g"), ERR_XDEV);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/mnt", NULL, "/m2"), ERR_BUSY);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/a/.", NULL, "/m2"), ERR_INVAL);
	EXPECT_OK(vfs_rename(e.v, NULL, "/g", NULL, "/g")); /* itself: nothing */
	EXPECT_OK(vfs_rename(e.v, NULL, "/a", NULL, "/b")); /* over an empty dir */
	EXPECT_OK(vfs_rename(e.v, NULL, "/g", NULL, "/b/sub/g"));
	EXPECT_OK(vfs_test_get(e.v, "/b/sub/g", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "one");
	EXPECT_EQ(vfs_stat(e.v, NULL, "/a", &(struct vfs_stat){0}), ERR_NOENT);
	env_fini(&e);
}

TEST(vfs_tree, dotdot_and_mounts)
{
	struct env e;
	struct vfs_file *d;
	char buf[16];

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_test_put(e.v, "/top", "T"));
	EXPECT_OK(vfs_test_put(e.v, "/mnt/in", "I"));
	EXPECT_OK(vfs_test_get(e.v, "/mnt/../top", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "T");
	EXPECT_OK(vfs_test_get(e.v, "/../../mnt/./in", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "I");
	if (EXPECT_OK(vfs_open(e.v, NULL, "/mnt", VFS_O_READ, &d))) {
		struct vfs_file *f;

		if (EXPECT_OK(vfs_open(e.v, d, "../top", VFS_O_READ, &f)))
			vfs_close(f);
		/* busy while a file of it is open */
		EXPECT_EQ(vfs_umount(e.v, "/mnt"), ERR_BUSY);
		vfs_close(d);
	}
	EXPECT_EQ(vfs_umount(e.v, "/"), ERR_INVAL);
	EXPECT_EQ(vfs_mount(e.v, "/mnt", e.root, 0), ERR_BUSY);
	EXPECT_OK(vfs_umount(e.v, "/mnt"));
	EXPECT_EQ(vfs_stat(e.v, NULL, "/mnt/in", &(struct vfs_stat){0}), ERR_NOENT);
	EXPECT_OK(vfs_rmdir(e.v, NULL, "/mnt")); /* a plain directory again */
	env_fini(&e);
}

TEST(vfs_tree, tmpfs_limit)
{
	struct env e;
	struct vfs_file *f;
	static char big[5000];
	size_t n = 0;
	/* the nodes count too: the root and "f" */
	const size_t room = 4096 - VFS_NODE_COST(0) - VFS_NODE_COST(1);

	if (!env_init(t, &e))
		return;
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/mnt/f", VFS_O_WRITE | VFS_O_CREAT, &f)))
		return;
	EXPECT_EQ(vfs_write(f, big, room + 1, &n), ERR_NOSPC);
	EXPECT_OK(vfs_write(f, big, room - 96, &n));
	EXPECT_EQ(n, room - 96);
	EXPECT_EQ(vfs_write(f, big, 200, &n), ERR_NOSPC);
	EXPECT_OK(vfs_write(f, big, 96, &n));
	EXPECT_EQ(vfs_ftruncate(f, room + 1), ERR_NOSPC);
	EXPECT_OK(vfs_ftruncate(f, 10));
	vfs_close(f);
	vfs_check(e.v);
	/* the space came back */
	EXPECT_OK(vfs_open(e.v, NULL, "/mnt/g", VFS_O_WRITE | VFS_O_CREAT, &f));
	EXPECT_OK(vfs_write(f, big, room - VFS_NODE_COST(1) - 64, &n));
	vfs_close(f);
	env_fini(&e);
}

/* Empty files and directories fill a limited tmpfs too (their nodes and
 * names are memory), and give it back when removed; a rename to a longer
 * name is refused when the name would not fit. */
TEST(vfs_tree, tmpfs_limit_counts_nodes)
{
	struct env e;
	struct vfs_file *f;
	char path[64], longer[5 + VFS_NAME_MAX + 1];
	int made = 0, again = 0;

	if (!env_init(t, &e))
		return;
	for (; made < 1000; made++) {
		snprintf(path, sizeof(path), "/mnt/%d", made);
		int err = vfs_open(e.v, NULL, path, VFS_O_WRITE | VFS_O_CREAT, &f);
		if (err) {
			EXPECT_EQ(err, ERR_NOSPC);
			break;
		}
		vfs_close(f);
	}
	EXPECT_GT(made, 2);
	EXPECT_LT(made, 4096 / (int)VFS_NODE_COST(1));
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/mnt/dir"), ERR_NOSPC);
	snprintf(path, sizeof(path), "/mnt/%d", made - 1);
	/* what is left is less than a node with a 1-byte name costs: a name
	 * longer than that by far cannot fit */
	memcpy(longer, "/mnt/", 5);
	memset(longer + 5, 'n', VFS_NAME_MAX);
	longer[5 + VFS_NAME_MAX] = 0;
	EXPECT_LT((int)VFS_NODE_COST(1), (int)VFS_NAME_MAX - 8);
	EXPECT_EQ(vfs_rename(e.v, NULL, path, NULL, longer), ERR_NOSPC);
	vfs_check(e.v);
	for (int i = 0; i < made; i++) {
		snprintf(path, sizeof(path), "/mnt/%d", i);
		EXPECT_OK(vfs_unlink(e.v, NULL, path));
	}
	for (; again < 1000; again++) {
		snprintf(path, sizeof(path), "/mnt/%d", again);
		if (vfs_mkdir(e.v, NULL, path))
			break;
	}
	EXPECT_EQ(again, made); /* all of it came back */
	env_fini(&e);
}

TEST(vfs_tree, unlink_while_open)
{
	struct env e;
	struct vfs_file *f, *d;
	struct vfs_stat st;
	char buf[8] = {0};
	size_t n = 0;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_test_put(e.v, "/mnt/f", "data"));
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/mnt/f", VFS_O_READ | VFS_O_WRITE, &f)))
		return;
	EXPECT_OK(vfs_unlink(e.v, NULL, "/mnt/f"));
	EXPECT_OK(vfs_read(f, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 4);
	EXPECT_OK(vfs_write(f, "more", 4, &n));
	EXPECT_OK(vfs_fstat(f, &st));
	EXPECT_EQ(st.nlink, 0);
	EXPECT_EQ(st.size, 8);
	EXPECT_EQ(vfs_open(e.v, NULL, "/mnt/f", VFS_O_READ, &d), ERR_NOENT);
	vfs_close(f);
	/* a removed directory that is still open: empty, nothing can be made in it */
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/mnt/d"));
	if (EXPECT_OK(vfs_open(e.v, NULL, "/mnt/d", VFS_O_READ, &d))) {
		EXPECT_OK(vfs_rmdir(e.v, NULL, "/mnt/d"));
		EXPECT_EQ(vfs_open(e.v, d, "x", VFS_O_WRITE | VFS_O_CREAT, &f), ERR_NOENT);
		EXPECT_EQ(vfs_mkdir(e.v, d, "x"), ERR_NOENT);
		vfs_close(d);
	}
	env_fini(&e);
}
