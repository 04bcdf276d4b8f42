/*
 * vfs_synth_test.c - synthetic filesystems: snapshot files (show), streams
 * (read, ERR_AGAIN, ready), writes accepted or rejected, write-only files,
 * per-open state and release, the kernel-only namespace, procfs-like and
 * tracefs-like layouts mounted in the tree.
 */
#include "base/err.h"
#include "base/test.h"
#include "vfs/vfs.h"
#include "vfs_util.h"

struct counters {
	unsigned shows, opens, releases;
	int knob;
	char pipe[32];
	size_t pipe_len;
	int show_error;
};

static int c_show_uptime(void *arg, void *state, struct vfs_sbuf *out)
{
	struct counters *c = arg;

	(void)state;
	if (c->show_error)
		return c->show_error;
	c->shows++;
	vfs_sbuf_printf(out, "%u.00 %s\n", c->shows, "idle");
	return 0;
}

static int c_open(void *arg, uint32_t flags, void **state)
{
	struct counters *c = arg;

	(void)flags;
	c->opens++;
	*state = &c->opens; /* any per-open pointer */
	return 0;
}

static void c_release(void *arg, void *state)
{
	struct counters *c = arg;

	if (state == &c->opens)
		c->releases++;
}

static int c_show_knob(void *arg, void *state, struct vfs_sbuf *out)
{
	struct counters *c = arg;

	(void)state;
	vfs_sbuf_printf(out, "%d\n", c->knob);
	return 0;
}

static int c_write_knob(void *arg, void *state, const void *buf, size_t len)
{
	struct counters *c = arg;
	const char *s = buf;

	(void)state;
	if (len < 1 || len > 2 || (s[0] != '0' && s[0] != '1') || (len == 2 && s[1] != '\n'))
		return ERR_INVAL;
	c->knob = s[0] - '0';
	return 0;
}

static int c_read_pipe(void *arg, void *state, void *buf, size_t cap, size_t *out_n)
{
	struct counters *c = arg;
	size_t n = c->pipe_len < cap ? c->pipe_len : cap;

	(void)state;
	if (!n)
		return ERR_AGAIN;
	memcpy(buf, c->pipe, n);
	memmove(c->pipe, c->pipe + n, c->pipe_len - n);
	c->pipe_len -= n;
	*out_n = n;
	return 0;
}

static bool c_ready_pipe(void *arg, void *state, bool write)
{
	(void)state;
	return write || ((struct counters *)arg)->pipe_len > 0;
}

static int c_write_marker(void *arg, void *state, const void *buf, size_t len)
{
	struct counters *c = arg;

	(void)state;
	if (c->pipe_len + len > sizeof(c->pipe))
		return ERR_NOSPC;
	memcpy(c->pipe + c->pipe_len, buf, len);
	c->pipe_len += len;
	return 0;
}

static const struct vfs_synth_ops uptime_ops = {
	.open = c_open, .show = c_show_uptime, .release = c_release};
static const struct vfs_synth_ops knob_ops = {.show = c_show_knob, .write = c_write_knob};
static const struct vfs_synth_ops pipe_ops = {
	.read = c_read_pipe, .ready = c_ready_pipe, .stream = true};
static const struct vfs_synth_ops marker_ops = {.write = c_write_marker};

struct env {
	struct counters c;
	struct vfs *v;
	struct vfs_fs *proc, *trace;
};

static bool env_init(struct test_ctx *t, struct env *e)
{
	struct vfs_fs *root;

	memset(e, 0, sizeof(*e));
	return EXPECT_OK(vfs_create(NULL, NULL, &e->v)) &&
	       EXPECT_OK(vfs_tmpfs_create(e->v, 0, &root)) &&
	       EXPECT_OK(vfs_mount(e->v, "/", root, 0)) &&
	       EXPECT_OK(vfs_synth_create(e->v, &e->proc)) &&
	       EXPECT_OK(vfs_synth_add_file(e->proc, "", "uptime", &uptime_ops, &e->c)) &&
	       EXPECT_OK(vfs_mount(e->v, "/proc", e->proc, VFS_MOUNT_MKDIR)) &&
	       EXPECT_OK(vfs_synth_create(e->v, &e->trace)) &&
	       EXPECT_OK(vfs_synth_add_dir(e->trace, "", "events")) &&
	       EXPECT_OK(vfs_synth_add_dir(e->trace, "events", "sched")) &&
	       EXPECT_OK(
		       vfs_synth_add_file(e->trace, "events/sched", "enable", &knob_ops, &e->c)) &&
	       EXPECT_OK(vfs_synth_add_file(e->trace, "/", "trace_pipe", &pipe_ops, &e->c)) &&
	       EXPECT_OK(vfs_synth_add_file(e->trace, "", "trace_marker", &marker_ops, &e->c)) &&
	       EXPECT_OK(vfs_mount(e->v, "/sys/kernel/tracing", e->trace, VFS_MOUNT_MKDIR));
}

static void env_fini(struct env *e)
{
	vfs_check(e->v);
	vfs_destroy(e->v);
}

TEST(vfs_synth, snapshot_at_open)
{
	struct env e;
	struct vfs_file *a, *b;
	char buf[64];
	uint64_t pos = 0;
	size_t n = 0;

	if (!env_init(t, &e))
		return;
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/proc/uptime", VFS_O_READ, &a)))
		return;
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/proc/uptime", VFS_O_READ, &b)))
		return;
	EXPECT_EQ(e.c.opens, 2);
	EXPECT_OK(vfs_read(a, buf, 3, &n));
	EXPECT_EQ(n, 3);
	EXPECT(memcmp(buf, "1.0", 3) == 0);
	EXPECT_OK(vfs_read(a, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 7);
	EXPECT(memcmp(buf, "0 idle\n", 7) == 0);
	EXPECT_OK(vfs_read(a, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 0);
	EXPECT_OK(vfs_pread(b, buf, sizeof(buf), 0, &n));
	EXPECT_EQ(n, 10);
	EXPECT(memcmp(buf, "2.00 idle\n", 10) == 0);
	EXPECT_OK(vfs_seek(b, -5, VFS_SEEK_END, &pos));
	EXPECT_EQ(pos, 5);
	EXPECT_OK(vfs_read(b, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 5);
	EXPECT_EQ(vfs_open(e.v, NULL, "/proc/uptime", VFS_O_WRITE, &(struct vfs_file *){0}),
		  ERR_PERM);
	vfs_close(a);
	vfs_close(b);
	EXPECT_EQ(e.c.releases, 2);
	/* a show error fails the open, and the state is released */
	e.c.show_error = ERR_IO;
	EXPECT_EQ(vfs_open(e.v, NULL, "/proc/uptime", VFS_O_READ, &a), ERR_IO);
	EXPECT_EQ(e.c.releases, 3);
	env_fini(&e);
}

TEST(vfs_synth, write_accepted_or_rejected)
{
	struct env e;
	struct vfs_file *f;
	char buf[16];
	size_t n = 0;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_test_get(e.v, "/sys/kernel/tracing/events/sched/enable", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "0\n");
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/sys/kernel/tracing/events/sched/enable",
				VFS_O_WRITE | VFS_O_TRUNC, &f)))
		return;
	EXPECT_EQ(vfs_write(f, "2\n", 2, &n), ERR_INVAL);
	EXPECT_EQ(e.c.knob, 0);
	EXPECT_OK(vfs_write(f, "1\n", 2, &n));
	EXPECT_EQ(n, 2);
	EXPECT_EQ(vfs_read(f, buf, 1, &n), ERR_BADF);
	EXPECT_EQ(vfs_ftruncate(f, 0), ERR_PERM);
	vfs_close(f);
	EXPECT_OK(vfs_test_get(e.v, "/sys/kernel/tracing/events/sched/enable", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "1\n");
	/* write-only */
	EXPECT_EQ(vfs_open(e.v, NULL, "/sys/kernel/tracing/trace_marker", VFS_O_READ, &f),
		  ERR_PERM);
	EXPECT_OK(vfs_test_put(e.v, "/sys/kernel/tracing/trace_marker", "hello"));
	EXPECT_EQ(e.c.pipe_len, 5);
	env_fini(&e);
}

TEST(vfs_synth, stream)
{
	struct env e;
	struct vfs_file *f;
	struct vfs_stat st;
	char buf[16];
	uint64_t pos;
	size_t n = 0;

	if (!env_init(t, &e))
		return;
	if (!EXPECT_OK(vfs_open(e.v, NULL, "/sys/kernel/tracing/trace_pipe", VFS_O_READ, &f)))
		return;
	EXPECT_OK(vfs_fstat(f, &st));
	EXPECT_EQ(st.type, VFS_TYPE_CHAR);
	EXPECT(!vfs_file_ready(f, false));
	EXPECT_EQ(vfs_read(f, buf, sizeof(buf), &n), ERR_AGAIN);
	EXPECT_OK(vfs_test_put(e.v, "/sys/kernel/tracing/trace_marker", "abcdef"));
	EXPECT(vfs_file_ready(f, false));
	EXPECT_OK(vfs_read(f, buf, 4, &n));
	EXPECT_EQ(n, 4);
	EXPECT_OK(vfs_read(f, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 2);
	EXPECT(memcmp(buf, "ef", 2) == 0);
	EXPECT_EQ(vfs_seek(f, 0, VFS_SEEK_SET, &pos), ERR_UNSUPP);
	EXPECT_EQ(vfs_pread(f, buf, 1, 0, &n), ERR_UNSUPP);
	vfs_close(f);
	env_fini(&e);
}

TEST(vfs_synth, namespace_is_kernel_only)
{
	struct vfs_test_names names;
	struct env e;
	struct vfs_file *f;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(vfs_mkdir(e.v, NULL, "/proc/x"), ERR_ROFS);
	EXPECT_EQ(vfs_open(e.v, NULL, "/proc/x", VFS_O_WRITE | VFS_O_CREAT, &f), ERR_ROFS);
	EXPECT_EQ(vfs_unlink(e.v, NULL, "/proc/uptime"), ERR_ROFS);
	EXPECT_EQ(vfs_rmdir(e.v, NULL, "/sys/kernel/tracing/events/sched"), ERR_ROFS);
	EXPECT_EQ(vfs_rename(e.v, NULL, "/proc/uptime", NULL, "/proc/up"), ERR_ROFS);
	EXPECT_EQ(vfs_truncate(e.v, NULL, "/proc/uptime", 0), ERR_PERM);
	EXPECT_EQ(vfs_synth_add_dir(e.proc, "", "uptime"), ERR_EXIST);
	EXPECT_EQ(vfs_synth_add_dir(e.proc, "nope", "x"), ERR_NOENT);
	EXPECT_EQ(vfs_synth_add_dir(e.proc, "uptime", "x"), ERR_NOTDIR);
	EXPECT_EQ(vfs_synth_add_dir(e.proc, "", ".."), ERR_INVAL);
	EXPECT_EQ(vfs_synth_add_dir(e.proc, "", "a/b"), ERR_INVAL);
	EXPECT_EQ(vfs_synth_add_file(e.proc, "", "f", NULL, NULL), ERR_INVAL);
	EXPECT_OK(vfs_synth_add_file(e.proc, "", "meminfo", &knob_ops, &e.c));
	EXPECT_OK(vfs_test_list(e.v, "/proc", &names));
	EXPECT_STREQ(names.buf, "uptime,meminfo");
	EXPECT_OK(vfs_test_list(e.v, "/sys/kernel/tracing", &names));
	EXPECT_STREQ(names.buf, "events,trace_pipe,trace_marker");
	/* removal: busy while open or not empty */
	if (EXPECT_OK(vfs_open(e.v, NULL, "/proc/meminfo", VFS_O_READ, &f))) {
		EXPECT_EQ(vfs_synth_remove(e.proc, "meminfo"), ERR_BUSY);
		vfs_close(f);
	}
	EXPECT_OK(vfs_synth_remove(e.proc, "meminfo"));
	EXPECT_EQ(vfs_synth_remove(e.proc, "meminfo"), ERR_NOENT);
	EXPECT_EQ(vfs_synth_remove(e.trace, "events"), ERR_BUSY);
	EXPECT_OK(vfs_synth_remove(e.trace, "events/sched/enable"));
	EXPECT_OK(vfs_synth_remove(e.trace, "events/sched"));
	{
		struct vfs_fs *tmp;

		EXPECT_OK(vfs_tmpfs_create(e.v, 0, &tmp));
		EXPECT_EQ(vfs_synth_add_dir(tmp, "", "x"), ERR_INVAL);
		/* no mount point can be made inside a synth fs */
		EXPECT_EQ(vfs_mount(e.v, "/proc/new/mnt", tmp, VFS_MOUNT_MKDIR), ERR_ROFS);
	}
	env_fini(&e);
}

TEST(vfs_synth, sbuf_grows)
{
	struct vfs_sbuf s = {0};

	for (int i = 0; i < 1000; i++)
		vfs_sbuf_printf(&s, "line %d %s\n", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	vfs_sbuf_append(&s, "end", 3);
	EXPECT(!s.failed);
	EXPECT_GT(s.len, 40000);
	EXPECT(memcmp(s.buf, "line 0 xxx", 10) == 0);
	EXPECT(memcmp(s.buf + s.len - 3, "end", 3) == 0);
	free(s.buf);
}
