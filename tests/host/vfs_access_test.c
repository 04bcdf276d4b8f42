/*
 * vfs_access_test.c - the guest policy (lib/vfs/access.c) on the kernel's
 * layout: a read-only initrd at / (READ), a tmpfs at /tmp (WRITE), a
 * procfs-like /proc (READ, with one control file) and a tracefs-like
 * /sys/kernel/tracing (NONE). Every path operation refused and allowed,
 * ".." tricks, preopens that narrow, rename across levels, and the kernel
 * (base NULL) keeping full access. The synth callbacks count their calls,
 * so a refusal is shown to have reached no tracing code.
 */
#include "base/err.h"
#include "base/test.h"
#include "vfs/vfs.h"
#include "vfs_util.h"

#define TR "/sys/kernel/tracing"

struct counters {
	unsigned opens, shows, writes;
};

static int c_open(void *arg, uint32_t flags, void **state)
{
	(void)flags;
	(void)state;
	((struct counters *)arg)->opens++;
	return 0;
}

static int c_show(void *arg, void *state, struct vfs_sbuf *out)
{
	(void)state;
	((struct counters *)arg)->shows++;
	vfs_sbuf_printf(out, "text\n");
	return 0;
}

static int c_write(void *arg, void *state, const void *buf, size_t len)
{
	(void)state, (void)buf, (void)len;
	((struct counters *)arg)->writes++;
	return 0;
}

static const struct vfs_synth_ops info_ops = {.open = c_open, .show = c_show};
static const struct vfs_synth_ops ctl_ops = {.open = c_open, .show = c_show, .write = c_write};

struct env {
	struct arc arc;
	struct counters c;
	struct vfs *v;
	struct vfs_file *g; /* the guest's "/" */
};

static bool env_init(struct test_ctx *t, struct env *e)
{
	struct vfs_fs *root, *tmp, *proc, *trace;

	memset(e, 0, sizeof(*e));
	arc_file(&e->arc, "etc/motd", "Welcome\n");
	arc_dir(&e->arc, "bin");
	arc_dir(&e->arc, "sys/kernel");
	arc_end(&e->arc);
	if (!EXPECT_OK(vfs_create(NULL, NULL, &e->v)) ||
	    !EXPECT_OK(vfs_initramfs_create(e->v, e->arc.buf, e->arc.len, &root, NULL)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/", root, 0)) ||
	    !EXPECT_OK(vfs_tmpfs_create(e->v, 4096, &tmp)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/tmp", tmp, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(e->v, &proc)) ||
	    !EXPECT_OK(vfs_synth_add_file(proc, "", "info", &info_ops, &e->c)) ||
	    !EXPECT_OK(vfs_synth_add_file(proc, "", "ctl", &ctl_ops, &e->c)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/proc", proc, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(e->v, &trace)) ||
	    !EXPECT_OK(vfs_synth_add_file(trace, "", "trace", &ctl_ops, &e->c)) ||
	    !EXPECT_OK(vfs_synth_add_file(trace, "", "available_events", &info_ops, &e->c)) ||
	    !EXPECT_OK(vfs_synth_add_dir(trace, "", "events")) ||
	    !EXPECT_OK(vfs_mount(e->v, TR, trace, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_set_guest_access(e->v, "/", VFS_ACCESS_READ)) ||
	    !EXPECT_OK(vfs_set_guest_access(e->v, "/tmp", VFS_ACCESS_WRITE)) ||
	    !EXPECT_OK(vfs_set_guest_access(e->v, "/proc", VFS_ACCESS_READ)) ||
	    !EXPECT_OK(vfs_test_put(e->v, "/tmp/f", "tmp file\n")) ||
	    !EXPECT_OK(vfs_mkdir(e->v, NULL, "/tmp/d")) ||
	    !EXPECT_OK(vfs_open_guest(e->v, "/", VFS_ACCESS_WRITE, &e->g)))
		return false;
	e->c = (struct counters){0};
	return true;
}

static void env_fini(struct env *e)
{
	if (e->g)
		vfs_close(e->g);
	vfs_check(e->v);
	vfs_destroy(e->v);
}

/* Opens path from base with flags; returns the error (closing on success). */
static int try_open(struct vfs *v, struct vfs_file *base, const char *path, uint32_t flags)
{
	struct vfs_file *f;
	int e = vfs_open(v, base, path, flags, &f);

	if (!e)
		vfs_close(f);
	return e;
}

/* Reads a whole file opened from base; returns the error. */
static int try_read(struct vfs *v, struct vfs_file *base, const char *path, char *buf, size_t cap)
{
	struct vfs_file *f;
	size_t n = 0;
	int e = vfs_open(v, base, path, VFS_O_READ, &f);

	if (e)
		return e;
	e = vfs_read(f, buf, cap - 1, &n);
	buf[e ? 0 : n] = 0;
	vfs_close(f);
	return e;
}

TEST(vfs_access, levels_are_set_per_filesystem_and_default_to_none)
{
	struct env e;
	struct vfs_fs *fresh;
	struct vfs_file *f;
	struct vfs_stat st;

	if (!env_init(t, &e))
		return;
	EXPECT(vfs_file_is_guest(e.g));
	EXPECT_EQ(vfs_set_guest_access(e.v, "/etc", VFS_ACCESS_READ), ERR_INVAL); /* not a root */
	EXPECT_EQ(vfs_set_guest_access(e.v, "/nope", VFS_ACCESS_READ), ERR_NOENT);
	EXPECT_EQ(vfs_set_guest_access(e.v, "/tmp", (enum vfs_access)3), ERR_INVAL);
	EXPECT_EQ(vfs_open_guest(e.v, "/", (enum vfs_access)3, &f), ERR_INVAL);
	/* a filesystem mounted without a policy is closed to guests */
	if (EXPECT_OK(vfs_tmpfs_create(e.v, 0, &fresh)) &&
	    EXPECT_OK(vfs_mount(e.v, "/tmp/mnt", fresh, VFS_MOUNT_MKDIR))) {
		EXPECT_OK(vfs_test_put(e.v, "/tmp/mnt/x", "x"));
		EXPECT_EQ(vfs_stat(e.v, e.g, "tmp/mnt", &st), ERR_ACCES);
		EXPECT_EQ(vfs_stat(e.v, e.g, "tmp/mnt/x", &st), ERR_ACCES);
		EXPECT_EQ(vfs_open_guest(e.v, "/tmp/mnt", VFS_ACCESS_WRITE, &f), ERR_ACCES);
		EXPECT_OK(vfs_set_guest_access(e.v, "/tmp/mnt", VFS_ACCESS_WRITE));
		EXPECT_OK(vfs_stat(e.v, e.g, "tmp/mnt/x", &st));
		EXPECT_OK(vfs_unlink(e.v, e.g, "tmp/mnt/x"));
		EXPECT_OK(vfs_umount(e.v, "/tmp/mnt"));
	}
	/* files opened through a guest's are guests', the kernel's are not */
	if (EXPECT_OK(vfs_open(e.v, e.g, "tmp", VFS_O_READ | VFS_O_DIRECTORY, &f))) {
		EXPECT(vfs_file_is_guest(f));
		vfs_close(f);
	}
	if (EXPECT_OK(vfs_open(e.v, NULL, "/tmp", VFS_O_READ | VFS_O_DIRECTORY, &f))) {
		EXPECT(!vfs_file_is_guest(f));
		vfs_close(f);
	}
	env_fini(&e);
}

TEST(vfs_access, a_forbidden_mount_refuses_every_operation)
{
	struct env e;
	struct vfs_file *f;
	struct vfs_stat st;
	struct vfs_test_names names = {0};

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing", &st), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing/", &st), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing/trace", &st), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing/nope", &st), ERR_ACCES); /* no hint */
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing", VFS_O_READ | VFS_O_DIRECTORY),
		  ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing/trace", VFS_O_READ), ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing/trace", VFS_O_WRITE), ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing/trace", VFS_O_WRITE | VFS_O_TRUNC),
		  ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing/available_events", VFS_O_READ),
		  ERR_ACCES); /* even a read-only file */
	EXPECT_EQ(try_open(e.v, e.g, "sys/kernel/tracing/new", VFS_O_WRITE | VFS_O_CREAT),
		  ERR_ACCES);
	EXPECT_EQ(vfs_mkdir(e.v, e.g, "sys/kernel/tracing/d"), ERR_ACCES);
	EXPECT_EQ(vfs_rmdir(e.v, e.g, "sys/kernel/tracing/events"), ERR_ACCES);
	EXPECT_EQ(vfs_unlink(e.v, e.g, "sys/kernel/tracing/trace"), ERR_ACCES);
	EXPECT_EQ(vfs_truncate(e.v, e.g, "sys/kernel/tracing/trace", 0), ERR_ACCES);
	EXPECT_EQ(vfs_rename(e.v, e.g, "sys/kernel/tracing/trace", e.g, "tmp/t"), ERR_ACCES);
	EXPECT_EQ(vfs_rename(e.v, e.g, "tmp/f", e.g, "sys/kernel/tracing/f"), ERR_ACCES);
	/* "." and ".." are look-ups inside it too; ".." never widens */
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing/.", &st), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "sys/kernel/tracing/..", &st), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "tmp/../sys/kernel/tracing/trace", &st), ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "proc/../sys/kernel/tracing/events/../trace", VFS_O_READ),
		  ERR_ACCES);
	EXPECT_EQ(vfs_open_guest(e.v, TR, VFS_ACCESS_READ, &f), ERR_ACCES);
	/* no tracing code ran for any of it */
	EXPECT_EQ(e.c.opens + e.c.shows + e.c.writes, 0u);
	/* its name shows at the door, like a mode-000 directory's */
	if (EXPECT_OK(vfs_open(e.v, e.g, "sys/kernel", VFS_O_READ | VFS_O_DIRECTORY, &f))) {
		EXPECT_OK(vfs_readdir(f, 0, vfs_test_name_cb, &names));
		EXPECT_STREQ(names.buf, "tracing");
		vfs_close(f);
	}
	env_fini(&e);
}

TEST(vfs_access, read_only_levels_refuse_changes_with_erofs)
{
	struct env e;
	struct vfs_stat st;
	struct vfs_test_names names;
	char buf[64];

	if (!env_init(t, &e))
		return;
	/* the initrd: read, stat, list */
	EXPECT_OK(try_read(e.v, e.g, "etc/motd", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "Welcome\n");
	EXPECT_OK(vfs_stat(e.v, e.g, "etc", &st));
	EXPECT_OK(try_open(e.v, e.g, ".", VFS_O_READ | VFS_O_DIRECTORY));
	EXPECT_EQ(try_open(e.v, e.g, "etc/nope", VFS_O_READ), ERR_NOENT);
	/* every change: EROFS, after POSIX's existence and type errors */
	EXPECT_EQ(try_open(e.v, e.g, "etc/motd", VFS_O_WRITE), ERR_ROFS);
	EXPECT_EQ(try_open(e.v, e.g, "etc/motd", VFS_O_READ | VFS_O_TRUNC), ERR_ROFS);
	EXPECT_EQ(try_open(e.v, e.g, "etc/new", VFS_O_WRITE | VFS_O_CREAT), ERR_ROFS);
	EXPECT_EQ(try_open(e.v, e.g, "etc/motd", VFS_O_WRITE | VFS_O_CREAT | VFS_O_EXCL),
		  ERR_EXIST);
	EXPECT_EQ(try_open(e.v, e.g, "etc", VFS_O_WRITE), ERR_ISDIR);
	EXPECT_EQ(vfs_mkdir(e.v, e.g, "newdir"), ERR_ROFS);
	EXPECT_EQ(vfs_mkdir(e.v, e.g, "etc"), ERR_EXIST);
	EXPECT_EQ(vfs_unlink(e.v, e.g, "etc/motd"), ERR_ROFS);
	EXPECT_EQ(vfs_unlink(e.v, e.g, "etc/nope"), ERR_NOENT);
	EXPECT_EQ(vfs_rmdir(e.v, e.g, "bin"), ERR_ROFS);
	EXPECT_EQ(vfs_rename(e.v, e.g, "etc/motd", e.g, "etc/m"), ERR_ROFS);
	EXPECT_EQ(vfs_truncate(e.v, e.g, "etc/motd", 0), ERR_ROFS);
	/* /proc: information files read; its control file is the shell's */
	EXPECT_OK(try_read(e.v, e.g, "proc/info", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "text\n");
	EXPECT_OK(vfs_stat(e.v, e.g, "proc/info", &st));
	EXPECT_EQ(try_open(e.v, e.g, "proc/info", VFS_O_WRITE), ERR_ROFS);
	EXPECT_EQ(try_open(e.v, e.g, "proc/ctl", VFS_O_READ), ERR_ACCES);
	EXPECT_EQ(try_open(e.v, e.g, "proc/ctl", VFS_O_WRITE), ERR_ACCES);
	EXPECT_EQ(vfs_stat(e.v, e.g, "proc/ctl", &st), ERR_ACCES);
	EXPECT_EQ(vfs_truncate(e.v, e.g, "proc/ctl", 0), ERR_ACCES);
	EXPECT_EQ(vfs_unlink(e.v, e.g, "proc/ctl"), ERR_ROFS); /* /proc's entries: READ */
	EXPECT_EQ(try_open(e.v, e.g, "proc/new", VFS_O_WRITE | VFS_O_CREAT), ERR_ROFS);
	EXPECT_EQ(e.c.writes, 0u);
	EXPECT_EQ(e.c.opens, 1u); /* the one read of proc/info */
	EXPECT_OK(vfs_test_list(e.v, "/proc", &names));
	EXPECT_STREQ(names.buf, "info,ctl");
	env_fini(&e);
}

TEST(vfs_access, tmp_is_read_write)
{
	struct env e;
	struct vfs_file *f;
	struct vfs_stat st;
	size_t n = 0;
	char buf[64];

	if (!env_init(t, &e))
		return;
	if (EXPECT_OK(vfs_open(e.v, e.g, "tmp/g", VFS_O_WRITE | VFS_O_CREAT, &f))) {
		EXPECT_OK(vfs_write(f, "guest", 5, &n));
		EXPECT_EQ(vfs_read(f, buf, 1, &n), ERR_BADF); /* not open for reading */
		vfs_close(f);
	}
	EXPECT_OK(try_read(e.v, e.g, "tmp/g", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "guest");
	if (EXPECT_OK(vfs_open(e.v, e.g, "tmp/g", VFS_O_READ, &f))) {
		EXPECT_EQ(vfs_write(f, "x", 1, &n), ERR_BADF);
		EXPECT_EQ(vfs_ftruncate(f, 0), ERR_BADF);
		vfs_close(f);
	}
	EXPECT_OK(vfs_truncate(e.v, e.g, "tmp/g", 2));
	EXPECT_OK(try_open(e.v, e.g, "tmp/g", VFS_O_WRITE | VFS_O_TRUNC));
	EXPECT_OK(vfs_mkdir(e.v, e.g, "tmp/d/e"));
	EXPECT_OK(vfs_rename(e.v, e.g, "tmp/g", e.g, "tmp/d/e/h"));
	EXPECT_OK(vfs_rename(e.v, e.g, "tmp/d/e/../e/h", e.g, "tmp/./h"));
	EXPECT_OK(vfs_stat(e.v, e.g, "tmp/h", &st));
	EXPECT_OK(vfs_unlink(e.v, e.g, "tmp/h"));
	EXPECT_OK(vfs_rmdir(e.v, e.g, "tmp/d/e"));
	/* across filesystems: EXDEV first, as POSIX has it */
	EXPECT_EQ(vfs_rename(e.v, e.g, "tmp/f", e.g, "etc/f"), ERR_XDEV);
	EXPECT_EQ(vfs_rename(e.v, e.g, "etc/motd", e.g, "tmp/motd"), ERR_XDEV);
	/* ".." from a writable directory into a read-only one does not widen */
	EXPECT_EQ(try_open(e.v, e.g, "tmp/../etc/x", VFS_O_WRITE | VFS_O_CREAT), ERR_ROFS);
	EXPECT_OK(try_open(e.v, e.g, "proc/../tmp/x", VFS_O_WRITE | VFS_O_CREAT));
	env_fini(&e);
}

TEST(vfs_access, a_preopen_only_narrows)
{
	struct env e;
	struct vfs_file *ro, *rw, *sub;
	struct vfs_stat st;
	char buf[64];

	if (!env_init(t, &e))
		return;
	if (!EXPECT_OK(vfs_open_guest(e.v, "/tmp", VFS_ACCESS_READ, &ro)))
		goto out;
	if (!EXPECT_OK(vfs_open_guest(e.v, "/tmp", VFS_ACCESS_WRITE, &rw))) {
		vfs_close(ro);
		goto out;
	}
	EXPECT_OK(try_read(e.v, ro, "f", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "tmp file\n");
	EXPECT_EQ(try_open(e.v, ro, "f", VFS_O_WRITE), ERR_ROFS);
	EXPECT_EQ(try_open(e.v, ro, "n", VFS_O_WRITE | VFS_O_CREAT), ERR_ROFS);
	EXPECT_EQ(vfs_mkdir(e.v, ro, "x"), ERR_ROFS);
	EXPECT_EQ(vfs_unlink(e.v, ro, "f"), ERR_ROFS);
	EXPECT_EQ(vfs_rmdir(e.v, ro, "d"), ERR_ROFS);
	EXPECT_EQ(vfs_truncate(e.v, ro, "f", 0), ERR_ROFS);
	/* rename: each end with its own preopen's limit */
	EXPECT_EQ(vfs_rename(e.v, rw, "f", ro, "g"), ERR_ROFS);
	EXPECT_EQ(vfs_rename(e.v, ro, "f", rw, "g"), ERR_ROFS);
	EXPECT_OK(vfs_rename(e.v, rw, "f", rw, "g"));
	EXPECT_OK(vfs_stat(e.v, ro, "g", &st));
	/* a directory opened through the read-only preopen keeps its limit */
	if (EXPECT_OK(vfs_open(e.v, ro, "d", VFS_O_READ | VFS_O_DIRECTORY, &sub))) {
		EXPECT_EQ(try_open(e.v, sub, "n", VFS_O_WRITE | VFS_O_CREAT), ERR_ROFS);
		EXPECT_EQ(vfs_rename(e.v, rw, "g", sub, "g"), ERR_ROFS);
		vfs_close(sub);
	}
	/* a writable preopen of a read-only filesystem grants no writes */
	EXPECT_EQ(try_open(e.v, e.g, "etc/motd", VFS_O_WRITE), ERR_ROFS);
	vfs_close(ro);
	vfs_close(rw);
	EXPECT_EQ(vfs_open_guest(e.v, "/tmp", VFS_ACCESS_NONE, &ro), ERR_ACCES);
out:
	env_fini(&e);
}

TEST(vfs_access, the_kernel_keeps_full_access)
{
	struct env e;
	struct vfs_stat st;
	struct vfs_test_names names;
	char buf[64];

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_stat(e.v, NULL, TR "/trace", &st));
	EXPECT_OK(vfs_test_get(e.v, TR "/trace", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "text\n");
	EXPECT_OK(vfs_test_put(e.v, TR "/trace", "0"));
	EXPECT_OK(vfs_test_put(e.v, "/proc/ctl", "1"));
	EXPECT_EQ(e.c.writes, 2u);
	EXPECT_OK(vfs_test_list(e.v, TR, &names));
	EXPECT_STREQ(names.buf, "trace,available_events,events");
	/* a filesystem's own limits still hold */
	EXPECT_EQ(vfs_test_put(e.v, "/etc/motd", "x"), ERR_ROFS);
	EXPECT_EQ(vfs_mkdir(e.v, NULL, TR "/d"), ERR_ROFS);
	env_fini(&e);
}
