/*
 * vfs_link_test.c - symbolic links, times and truncation in the VFS
 * (lib/vfs/vfs_link.c and the walk in vfs.c): following in the middle and
 * at the end of a path, O_NOFOLLOW, loops, a guest kept inside its
 * directory, readlink, set_times with NOW and unchanged times, ftruncate
 * growing and shrinking, hard links; and a race of rename, unlink,
 * symlink, link and readlink from several threads (run it under TSan).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/err.h"
#include "base/test.h"
#include "vfs/vfs.h"
#include "vfs_util.h"

struct lenv {
	struct vfs *v;
	struct vfs_file *g; /* a guest's preopen of /tmp/box */
	uint64_t now;
};

static bool lenv_init(struct test_ctx *t, struct lenv *e)
{
	struct vfs_fs *root, *tmp;

	*e = (struct lenv){0};
	return EXPECT_OK(vfs_create(vfs_test_clock, &e->now, &e->v)) &&
	       EXPECT_OK(vfs_tmpfs_create(e->v, 0, &root)) &&
	       EXPECT_OK(vfs_mount(e->v, "/", root, 0)) &&
	       EXPECT_OK(vfs_tmpfs_create(e->v, 1u << 16, &tmp)) &&
	       EXPECT_OK(vfs_mount(e->v, "/tmp", tmp, VFS_MOUNT_MKDIR)) &&
	       EXPECT_OK(vfs_set_guest_access(e->v, "/", VFS_ACCESS_READ)) &&
	       EXPECT_OK(vfs_set_guest_access(e->v, "/tmp", VFS_ACCESS_WRITE)) &&
	       EXPECT_OK(vfs_mkdir(e->v, NULL, "/tmp/box")) &&
	       EXPECT_OK(vfs_test_put(e->v, "/tmp/secret", "outside")) &&
	       EXPECT_OK(vfs_open_guest(e->v, "/tmp/box", VFS_ACCESS_WRITE, &e->g));
}

static void lenv_fini(struct lenv *e)
{
	if (e->g)
		vfs_close(e->g);
	vfs_check(e->v);
	vfs_destroy(e->v);
}

static int readlink_str(struct vfs *v, struct vfs_file *base, const char *path, char *buf,
			size_t cap)
{
	size_t n = 0;
	int e = vfs_readlink(v, base, path, buf, cap - 1, &n);

	buf[e ? 0 : n] = 0;
	return e;
}

TEST(vfs_link, symlinks_are_followed_and_read)
{
	struct lenv e;
	struct vfs_file *f;
	struct vfs_stat st;
	char buf[64];

	if (!lenv_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/tmp/d"));
	EXPECT_OK(vfs_test_put(e.v, "/tmp/d/file", "hello"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "d/file", "/tmp/lf"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "d", "/tmp/ld"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "/tmp/d", "/tmp/abs"));
	EXPECT_OK(vfs_test_get(e.v, "/tmp/lf", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "hello");
	EXPECT_OK(vfs_test_get(e.v, "/tmp/ld/file", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "hello");
	EXPECT_OK(vfs_test_get(e.v, "/tmp/abs/file", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "hello");
	/* stat follows, lstat does not */
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/lf", &st));
	EXPECT_EQ(st.type, VFS_TYPE_REG);
	EXPECT_EQ(st.size, 5u);
	EXPECT_OK(vfs_lstat(e.v, NULL, "/tmp/lf", &st));
	EXPECT_EQ(st.type, VFS_TYPE_LNK);
	EXPECT_EQ(st.size, 6u);
	EXPECT_EQ(st.nlink, 1u);
	/* a trailing slash follows even a last link */
	EXPECT_OK(vfs_lstat(e.v, NULL, "/tmp/ld/", &st));
	EXPECT_EQ(st.type, VFS_TYPE_DIR);
	EXPECT_OK(readlink_str(e.v, NULL, "/tmp/lf", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "d/file");
	EXPECT_OK(readlink_str(e.v, NULL, "/tmp/ld/../lf", buf, 4)); /* cut to cap */
	EXPECT_STREQ(buf, "d/f");
	EXPECT_EQ(readlink_str(e.v, NULL, "/tmp/d/file", buf, sizeof(buf)), ERR_INVAL);
	EXPECT_EQ(readlink_str(e.v, NULL, "/tmp/none", buf, sizeof(buf)), ERR_NOENT);
	/* O_NOFOLLOW on a last link */
	EXPECT_EQ(vfs_open(e.v, NULL, "/tmp/lf", VFS_O_READ | VFS_O_NOFOLLOW, &f), ERR_LOOP);
	EXPECT_EQ(vfs_open(e.v, NULL, "/tmp/ld", VFS_O_READ | VFS_O_NOFOLLOW | VFS_O_DIRECTORY, &f),
		  ERR_NOTDIR);
	if (EXPECT_OK(vfs_open(e.v, NULL, "/tmp/ld/file", VFS_O_READ | VFS_O_NOFOLLOW, &f)))
		vfs_close(f);
	/* creating through a dangling link creates its target */
	EXPECT_OK(vfs_symlink(e.v, NULL, "d/new", "/tmp/dangling"));
	EXPECT_EQ(vfs_stat(e.v, NULL, "/tmp/dangling", &st), ERR_NOENT);
	EXPECT_OK(vfs_test_put(e.v, "/tmp/dangling", "made"));
	EXPECT_OK(vfs_test_get(e.v, "/tmp/d/new", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "made");
	/* names that exist, bad targets */
	EXPECT_EQ(vfs_symlink(e.v, NULL, "x", "/tmp/dangling"), ERR_EXIST);
	EXPECT_EQ(vfs_symlink(e.v, NULL, "x", "/tmp/d"), ERR_EXIST);
	EXPECT_EQ(vfs_symlink(e.v, NULL, "", "/tmp/empty"), ERR_INVAL);
	EXPECT_EQ(vfs_symlink(e.v, NULL, "x", "/tmp/nodir/l"), ERR_NOENT);
	/* unlink and rename act on the link, rmdir refuses it */
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/tmp/ld"), ERR_NOTDIR);
	EXPECT_OK(vfs_rename(e.v, NULL, "/tmp/ld", NULL, "/tmp/ld2"));
	EXPECT_OK(vfs_unlink(e.v, NULL, "/tmp/ld2"));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/d", &st));
	EXPECT_EQ(st.type, VFS_TYPE_DIR);
	lenv_fini(&e);
}

TEST(vfs_link, loops_are_bounded)
{
	struct lenv e;
	struct vfs_file *f;
	struct vfs_stat st;
	char name[32], target[32];

	if (!lenv_init(t, &e))
		return;
	EXPECT_OK(vfs_symlink(e.v, NULL, "b", "/tmp/a"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "a", "/tmp/b"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "self", "/tmp/self"));
	EXPECT_EQ(vfs_stat(e.v, NULL, "/tmp/a", &st), ERR_LOOP);
	EXPECT_EQ(vfs_stat(e.v, NULL, "/tmp/self/x", &st), ERR_LOOP);
	EXPECT_EQ(vfs_open(e.v, NULL, "/tmp/a", VFS_O_READ | VFS_O_CREAT, &f), ERR_LOOP);
	EXPECT_OK(vfs_lstat(e.v, NULL, "/tmp/a", &st));
	/* a chain of exactly VFS_SYMLINK_MAX links resolves, one more does not */
	EXPECT_OK(vfs_test_put(e.v, "/tmp/c0", "end"));
	for (unsigned i = 1; i <= VFS_SYMLINK_MAX + 1; i++) {
		snprintf(name, sizeof(name), "/tmp/c%u", i);
		snprintf(target, sizeof(target), "c%u", i - 1);
		EXPECT_OK(vfs_symlink(e.v, NULL, target, name));
	}
	snprintf(name, sizeof(name), "/tmp/c%u", VFS_SYMLINK_MAX);
	EXPECT_OK(vfs_stat(e.v, NULL, name, &st));
	snprintf(name, sizeof(name), "/tmp/c%u", VFS_SYMLINK_MAX + 1);
	EXPECT_EQ(vfs_stat(e.v, NULL, name, &st), ERR_LOOP);
	lenv_fini(&e);
}

TEST(vfs_link, a_guest_stays_inside)
{
	struct lenv e;
	struct vfs_file *f;
	struct vfs_stat st;
	char buf[64];

	if (!lenv_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, e.g, "sub"));
	EXPECT_OK(vfs_test_put(e.v, "/tmp/box/in", "inside"));
	EXPECT_OK(vfs_symlink(e.v, e.g, "../secret", "up"));
	EXPECT_OK(vfs_symlink(e.v, e.g, "/tmp/secret", "abs"));
	EXPECT_OK(vfs_symlink(e.v, e.g, "../in", "sub/ok"));
	EXPECT_OK(vfs_symlink(e.v, e.g, "../../secret", "sub/up2"));
	/* the kernel follows them; the guest may not leave its directory */
	EXPECT_OK(vfs_test_get(e.v, "/tmp/box/up", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "outside");
	EXPECT_EQ(vfs_open(e.v, e.g, "up", VFS_O_READ, &f), ERR_NOTCAPABLE);
	EXPECT_EQ(vfs_open(e.v, e.g, "abs", VFS_O_READ, &f), ERR_NOTCAPABLE);
	EXPECT_EQ(vfs_stat(e.v, e.g, "sub/up2", &st), ERR_NOTCAPABLE);
	EXPECT_EQ(vfs_stat(e.v, e.g, "..", &st), ERR_NOTCAPABLE);
	EXPECT_OK(vfs_stat(e.v, e.g, "sub/ok", &st));
	EXPECT_EQ(st.size, 6u);
	/* not followed: the link itself is the guest's */
	EXPECT_OK(vfs_lstat(e.v, e.g, "up", &st));
	EXPECT_OK(readlink_str(e.v, e.g, "up", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "../secret");
	EXPECT_OK(vfs_unlink(e.v, e.g, "abs"));
	lenv_fini(&e);
}

TEST(vfs_link, set_times_and_truncate)
{
	struct lenv e;
	struct vfs_file *f, *r;
	struct vfs_stat st, before;
	char buf[64];

	if (!lenv_init(t, &e))
		return;
	EXPECT_OK(vfs_test_put(e.v, "/tmp/t", "abcdef"));
	EXPECT_OK(vfs_symlink(e.v, NULL, "t", "/tmp/lt"));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/t", &before));
	EXPECT_OK(
		vfs_set_times(e.v, NULL, "/tmp/lt", true, 111, 222, VFS_TIME_ATIM | VFS_TIME_MTIM));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/t", &st));
	EXPECT_EQ(st.atim, 111u);
	EXPECT_EQ(st.mtim, 222u);
	EXPECT(st.ctim > before.ctim);
	/* only mtim, to now; atim unchanged */
	EXPECT_OK(vfs_set_times(e.v, NULL, "/tmp/t", true, 0, 0, VFS_TIME_MTIM_NOW));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/t", &st));
	EXPECT_EQ(st.atim, 111u);
	EXPECT(st.mtim > 222u && st.mtim <= st.ctim);
	/* the link itself, not followed */
	EXPECT_OK(vfs_set_times(e.v, NULL, "/tmp/lt", false, 5, 6, VFS_TIME_ATIM | VFS_TIME_MTIM));
	EXPECT_OK(vfs_lstat(e.v, NULL, "/tmp/lt", &st));
	EXPECT_EQ(st.atim, 5u);
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/t", &st));
	EXPECT_EQ(st.atim, 111u);
	EXPECT_EQ(vfs_set_times(e.v, NULL, "/tmp/t", true, 1, 1, VFS_TIME_ATIM | VFS_TIME_ATIM_NOW),
		  ERR_INVAL);
	EXPECT_EQ(vfs_set_times(e.v, NULL, "/tmp/t", true, 1, 1, 0x10), ERR_INVAL);
	EXPECT_EQ(vfs_set_times(e.v, NULL, "/tmp/none", true, 1, 1, VFS_TIME_ATIM), ERR_NOENT);
	EXPECT_EQ(vfs_set_times(e.v, NULL, "/tmp/t/", true, 1, 1, VFS_TIME_ATIM), ERR_NOTDIR);
	/* on an open file */
	if (EXPECT_OK(vfs_open(e.v, NULL, "/tmp/t", VFS_O_READ | VFS_O_WRITE, &f))) {
		EXPECT_OK(vfs_fset_times(f, 7, 8, VFS_TIME_ATIM | VFS_TIME_MTIM));
		vfs_fstat(f, &st);
		EXPECT_EQ(st.atim, 7u);
		EXPECT_EQ(st.mtim, 8u);
		/* grow with zeros, shrink */
		EXPECT_OK(vfs_ftruncate(f, 10));
		vfs_fstat(f, &st);
		EXPECT_EQ(st.size, 10u);
		EXPECT(st.mtim > 8u);
		EXPECT_OK(vfs_pread(f, buf, sizeof(buf), 0, &(size_t){0}));
		EXPECT_EQ(memcmp(buf, "abcdef\0\0\0\0", 10), 0);
		EXPECT_OK(vfs_ftruncate(f, 2));
		vfs_close(f);
	}
	EXPECT_OK(vfs_test_get(e.v, "/tmp/t", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "ab");
	if (EXPECT_OK(vfs_open(e.v, NULL, "/tmp/t", VFS_O_READ, &r))) {
		EXPECT_EQ(vfs_ftruncate(r, 0), ERR_BADF);
		vfs_close(r);
	}
	/* a guest's view of a read-only fs */
	EXPECT_EQ(vfs_set_times(e.v, e.g, "..", true, 1, 1, VFS_TIME_ATIM), ERR_NOTCAPABLE);
	lenv_fini(&e);
}

/* ---- the race ---- */

#define RACERS 4
#ifdef TSAN_BUILD
#define RACE_ROUNDS 300
#else
#define RACE_ROUNDS 2000
#endif

struct race {
	struct vfs *v;
	_Atomic int bad;
};

struct racer {
	struct race *r;
	int id;
};

static void race_bad(struct race *r, int line, int e)
{
	if (atomic_fetch_add(&r->bad, 1) < 5)
		fprintf(stderr, "  race: line %d: %d\n", line, e);
}

/* Every thread renames, unlinks, re-creates, hard-links and reads the same few names:
 * each call either works or fails with the errors a race allows, and a
 * link read back always holds one of the targets written. */
static void *racer_main(void *arg)
{
	struct racer *me = arg;
	struct race *r = me->r;
	char buf[32];
	int e;

	for (int k = 0; k < RACE_ROUNDS; k++) {
		const char *name = k % 2 ? "/tmp/r/l1" : "/tmp/r/l2";

		switch ((k + me->id) % 5) {
		case 4:
			/* a hard link to the symlink, then its removal */
			e = vfs_link(r->v, NULL, name, false, NULL, "/tmp/r/h");
			if (e && e != ERR_NOENT && e != ERR_EXIST)
				race_bad(r, __LINE__, e);
			e = vfs_unlink(r->v, NULL, "/tmp/r/h");
			if (e && e != ERR_NOENT)
				race_bad(r, __LINE__, e);
			break;
		case 0:
			e = vfs_symlink(r->v, NULL, me->id % 2 ? "target-a" : "target-b", name);
			if (e && e != ERR_EXIST)
				race_bad(r, __LINE__, e);
			break;
		case 1:
			e = vfs_rename(r->v, NULL, "/tmp/r/l1", NULL, "/tmp/r/l2");
			if (e && e != ERR_NOENT)
				race_bad(r, __LINE__, e);
			break;
		case 2:
			e = vfs_unlink(r->v, NULL, name);
			if (e && e != ERR_NOENT)
				race_bad(r, __LINE__, e);
			break;
		default:
			e = readlink_str(r->v, NULL, name, buf, sizeof(buf));
			if (e && e != ERR_NOENT)
				race_bad(r, __LINE__, e);
			if (!e && strcmp(buf, "target-a") && strcmp(buf, "target-b"))
				race_bad(r, __LINE__, 0);
			break;
		}
	}
	return NULL;
}

TEST(vfs_link, rename_unlink_readlink_race)
{
	struct race r = {0};
	struct racer who[RACERS];
	pthread_t th[RACERS];
	struct vfs_fs *root;

	if (!EXPECT_OK(vfs_create(NULL, NULL, &r.v)) ||
	    !EXPECT_OK(vfs_tmpfs_create(r.v, 0, &root)) ||
	    !EXPECT_OK(vfs_mount(r.v, "/", root, 0)) || !EXPECT_OK(vfs_mkdir(r.v, NULL, "/tmp")) ||
	    !EXPECT_OK(vfs_mkdir(r.v, NULL, "/tmp/r")))
		return;
	for (int i = 0; i < RACERS; i++) {
		who[i] = (struct racer){&r, i};
		EXPECT_EQ(pthread_create(&th[i], NULL, racer_main, &who[i]), 0);
	}
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(atomic_load(&r.bad), 0);
	vfs_check(r.v);
	vfs_destroy(r.v);
}

TEST(vfs_link, hard_links_share_a_file)
{
	struct lenv e;
	struct vfs_file *f;
	struct vfs_stat a, b;
	char buf[64];

	if (!lenv_init(t, &e))
		return;
	EXPECT_OK(vfs_mkdir(e.v, NULL, "/tmp/sub"));
	EXPECT_OK(vfs_test_put(e.v, "/tmp/f", "one"));
	EXPECT_OK(vfs_link(e.v, NULL, "/tmp/f", false, NULL, "/tmp/sub/g"));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/f", &a));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/sub/g", &b));
	EXPECT_EQ(a.ino, b.ino);
	EXPECT_EQ(a.nlink, 2u);
	EXPECT_EQ(b.nlink, 2u);
	EXPECT_EQ(a.ctim, b.ctim);
	/* a write through one name shows through the other, times too */
	EXPECT_OK(vfs_test_put(e.v, "/tmp/sub/g", "two and more"));
	EXPECT_OK(vfs_test_get(e.v, "/tmp/f", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "two and more");
	EXPECT_OK(vfs_set_times(e.v, NULL, "/tmp/f", true, 9, 10, VFS_TIME_ATIM | VFS_TIME_MTIM));
	EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/sub/g", &b));
	EXPECT_EQ(b.atim, 9u);
	EXPECT_EQ(b.mtim, 10u);
	vfs_check(e.v);
	/* errors */
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/f", false, NULL, "/tmp/sub/g"), ERR_EXIST);
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/f", false, NULL, "/tmp/f"), ERR_EXIST);
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/sub", false, NULL, "/tmp/d2"), ERR_PERM);
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/none", false, NULL, "/tmp/x"), ERR_NOENT);
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/f", false, NULL, "/x"), ERR_XDEV);
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/f", false, NULL, "/tmp/x/"), ERR_NOENT);
	/* a link to a symlink, not followed: even a dangling or looping one */
	EXPECT_OK(vfs_symlink(e.v, NULL, "loop", "/tmp/loop"));
	EXPECT_OK(vfs_link(e.v, NULL, "/tmp/loop", false, NULL, "/tmp/loop2"));
	EXPECT_OK(readlink_str(e.v, NULL, "/tmp/loop2", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "loop");
	EXPECT_EQ(vfs_link(e.v, NULL, "/tmp/loop", true, NULL, "/tmp/loop3"), ERR_LOOP);
	EXPECT_OK(vfs_unlink(e.v, NULL, "/tmp/loop"));
	EXPECT_OK(readlink_str(e.v, NULL, "/tmp/loop2", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "loop");
	/* the data lives while a name or an open file does */
	if (EXPECT_OK(vfs_open(e.v, NULL, "/tmp/f", VFS_O_READ, &f))) {
		EXPECT_OK(vfs_unlink(e.v, NULL, "/tmp/f"));
		EXPECT_OK(vfs_stat(e.v, NULL, "/tmp/sub/g", &b));
		EXPECT_EQ(b.nlink, 1u);
		EXPECT_OK(vfs_unlink(e.v, NULL, "/tmp/sub/g"));
		vfs_fstat(f, &a);
		EXPECT_EQ(a.nlink, 0u);
		EXPECT_OK(vfs_pread(f, buf, 3, 0, &(size_t){0}));
		EXPECT_EQ(memcmp(buf, "two", 3), 0);
		vfs_close(f);
	}
	/* a guest may link inside its directory only */
	EXPECT_OK(vfs_test_put(e.v, "/tmp/box/in", "x"));
	EXPECT_OK(vfs_link(e.v, e.g, "in", false, e.g, "in2"));
	EXPECT_EQ(vfs_link(e.v, e.g, "../secret", false, e.g, "s"), ERR_NOTCAPABLE);
	lenv_fini(&e);
}
