/*
 * vfs_test.c - the kernel's namespace (kernel/fs): the embedded initrd's
 * programs and /etc/motd, tmpfs in /tmp (write, read back, its limit, the
 * read-only initrd), /proc's files and its task table, and tracefs through
 * VFS writes and reads (an event's enable switch, a bad value, trace_pipe
 * as a stream), and what a program's preopened "/" may do in each mount.
 * Every test removes what it created and leaves tracing off.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "fs/kvfs.h"
#include "kasync/task.h"

#define TEXT_MAX 8192
#define ENABLE	 KVFS_TRACEFS "/events/sched/sched_switch/enable"

/* strstr (the kernel's libc has none) */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* The first TEXT_MAX - 1 bytes of `path`, NUL-terminated; returns the
 * error of the open or of a read. */
static int slurp(const char *path, char *buf, size_t *out_len)
{
	struct vfs_file *f;
	size_t len = 0, n = 1;
	int err = vfs_open(kvfs, NULL, path, VFS_O_READ, &f);
	while (!err && n && len < TEXT_MAX - 1)
		err = vfs_read(f, buf + len, TEXT_MAX - 1 - len, &n), len += err ? 0 : n;
	if (!err || err == ERR_AGAIN)
		vfs_close(f);
	buf[len] = 0;
	*out_len = len;
	return err;
}

static int put(const char *path, uint32_t flags, const char *text)
{
	struct vfs_file *f;
	size_t n = 0;
	int err = vfs_open(kvfs, NULL, path, VFS_O_WRITE | flags, &f);
	if (err)
		return err;
	err = vfs_write(f, text, strlen(text), &n);
	vfs_close(f);
	return err ? err : n == strlen(text) ? 0 : ERR_NOSPC;
}

static char text[TEXT_MAX];

TEST(kvfs, initrd_holds_the_programs_and_motd)
{
	struct vfs_stat st;
	size_t len, cpio_len;
	EXPECT(kvfs_initrd(&cpio_len) != NULL);
	EXPECT_GT(cpio_len, 0u);
	if (!EXPECT_OK(vfs_stat(kvfs, NULL, "/bin/hello.wasm", &st)))
		return;
	EXPECT_EQ(st.type, VFS_TYPE_REG);
	EXPECT_GT(st.size, 8u);
	if (EXPECT_OK(slurp("/bin/hello.wasm", text, &len)))
		EXPECT(len >= 8 && memcmp(text, "\0asm\1\0\0\0", 8) == 0);
	const char *const more[] = {"/bin/cat.wasm", "/bin/ls.wasm", "/bin/spin.wasm",
				    "/bin/alloc.wasm"};
	for (size_t i = 0; i < ARRAY_SIZE(more); i++)
		EXPECT_OK(vfs_stat(kvfs, NULL, more[i], &st));
	if (EXPECT_OK(slurp("etc/motd", text, &len))) /* relative: from the root */
		EXPECT(contains(text, "Welcome"));
	EXPECT_EQ(vfs_stat(kvfs, NULL, "/bin/nope.wasm", &st), ERR_NOENT);
}

TEST(kvfs, initrd_is_read_only)
{
	EXPECT_EQ(put("/etc/motd", 0, "x"), ERR_ROFS);
	EXPECT_EQ(put("/etc/new", VFS_O_CREAT, "x"), ERR_ROFS);
	EXPECT_EQ(vfs_unlink(kvfs, NULL, "/bin/hello.wasm"), ERR_ROFS);
}

TEST(kvfs, tmpfs_write_append_read_back_and_limit)
{
	size_t len;
	if (!EXPECT_OK(put("/tmp/kvfs_test", VFS_O_CREAT | VFS_O_TRUNC, "hello\n")))
		return;
	EXPECT_OK(put("/tmp/kvfs_test", VFS_O_APPEND, "again\n"));
	if (EXPECT_OK(slurp("/tmp/kvfs_test", text, &len)))
		EXPECT_STREQ(text, "hello\nagain\n");
	EXPECT_OK(put("/tmp/kvfs_test", VFS_O_TRUNC, "new\n"));
	if (EXPECT_OK(slurp("/tmp/../tmp/./kvfs_test", text, &len)))
		EXPECT_STREQ(text, "new\n");
	EXPECT_EQ(vfs_truncate(kvfs, NULL, "/tmp/kvfs_test", kvfs_tmp_limit + 1), ERR_NOSPC);
	EXPECT_OK(vfs_unlink(kvfs, NULL, "/tmp/kvfs_test"));
	EXPECT_EQ(slurp("/tmp/kvfs_test", text, &len), ERR_NOENT);
}

TEST(kvfs, proc_files_have_content)
{
	static const char *const files[][2] = {{"/proc/tasks", "NAME"},
					       {"/proc/meminfo", "MemTotal:"},
					       {"/proc/cpuinfo", "processor\t: 0"},
					       {"/proc/uptime", "."}};
	size_t len;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (EXPECT_OK(slurp(files[i][0], text, &len))) {
			EXPECT_GT(len, 1u);
			if (!EXPECT(contains(text, files[i][1])))
				test_printf(t, "%s: '%s'\n", files[i][0], text);
		}
	EXPECT_EQ(put("/proc/uptime", 0, "1"), ERR_PERM);
}

TEST(kvfs, a_guest_gets_the_mount_policy)
{
	struct vfs_file *g, *f;
	struct vfs_stat st;
	if (!EXPECT_OK(vfs_open_guest(kvfs, "/", VFS_ACCESS_WRITE, &g)))
		return;
	static const char *const shut[] = {"sys/kernel/tracing", "sys/kernel/tracing/trace",
					   "sys/kernel/tracing/tracing_on",
					   "tmp/../sys/kernel/tracing/events/enable"};
	for (size_t i = 0; i < ARRAY_SIZE(shut); i++) {
		EXPECT_EQ(vfs_stat(kvfs, g, shut[i], &st), ERR_ACCES);
		EXPECT_EQ(vfs_open(kvfs, g, shut[i], VFS_O_READ, &f), ERR_ACCES);
	}
	EXPECT_EQ(vfs_open(kvfs, g, "sys/kernel/tracing/trace_marker", VFS_O_WRITE, &f), ERR_ACCES);
	EXPECT_EQ(vfs_open(kvfs, g, "etc/motd", VFS_O_WRITE, &f), ERR_ROFS);
	EXPECT_EQ(vfs_open(kvfs, g, "proc/uptime", VFS_O_WRITE, &f), ERR_ROFS);
	if (EXPECT_OK(vfs_open(kvfs, g, "proc/meminfo", VFS_O_READ, &f)))
		vfs_close(f);
	if (EXPECT_OK(vfs_open(kvfs, g, "tmp/kvfs_guest", VFS_O_WRITE | VFS_O_CREAT, &f))) {
		vfs_close(f);
		EXPECT_OK(vfs_unlink(kvfs, g, "tmp/kvfs_guest"));
	}
	vfs_close(g);
}

static enum kasync_poll never_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	(void)task;
	(void)cx;
	return KASYNC_PENDING;
}

static void probe_stats(struct kasync_task *t, struct kvfs_task_stats *out)
{
	(void)t;
	out->run_us = 12345;
	out->mem_bytes = 2048;
	out->promised_bytes = 4096;
}

TEST(kvfs, proc_tasks_lists_tracked_tasks)
{
	static const struct kasync_task_vtable vt = {.poll = never_poll};
	struct kasync_task task;
	size_t len;
	kasync_task_init(&task, &vt, "kvfs_probe_task");
	if (!EXPECT_OK(kvfs_task_track(&task, probe_stats)))
		return;
	if (EXPECT_OK(slurp("/proc/tasks", text, &len))) {
		EXPECT(contains(text, "ID     NAME"));
		EXPECT(contains(
			text, "kvfs_probe_task  waiting   -          12.3         2          4\n"));
	}
	kvfs_task_untrack(&task);
	if (EXPECT_OK(slurp("/proc/tasks", text, &len)))
		EXPECT(!contains(text, "kvfs_probe_task"));
}

TEST(kvfs, tracefs_enable_through_vfs_writes)
{
	size_t len;
	if (!EXPECT_OK(put(ENABLE, 0, "1\n")))
		return;
	if (EXPECT_OK(slurp(ENABLE, text, &len)))
		EXPECT_STREQ(text, "1\n");
	EXPECT_EQ(put(ENABLE, 0, "2\n"), ERR_INVAL); /* rejected, nothing changes */
	if (EXPECT_OK(slurp(ENABLE, text, &len)))
		EXPECT_STREQ(text, "1\n");
	EXPECT_OK(put(ENABLE, 0, "0\n"));
	if (EXPECT_OK(slurp(ENABLE, text, &len)))
		EXPECT_STREQ(text, "0\n");
	EXPECT_OK(put(KVFS_TRACEFS "/trace", VFS_O_TRUNC, "")); /* clears */
	EXPECT_EQ(put(KVFS_TRACEFS "/nope", VFS_O_CREAT, "1"), ERR_ROFS);
}

TEST(kvfs, trace_pipe_is_a_stream_that_says_again_when_empty)
{
	struct vfs_file *f;
	struct vfs_stat st;
	size_t n = 0;
	uint64_t pos;
	if (!EXPECT_OK(vfs_open(kvfs, NULL, KVFS_TRACEFS "/trace_pipe", VFS_O_READ, &f)))
		return;
	EXPECT_OK(vfs_fstat(f, &st));
	EXPECT_EQ(st.type, VFS_TYPE_CHAR);
	EXPECT_EQ(vfs_seek(f, 0, VFS_SEEK_SET, &pos), ERR_UNSUPP);
	/* events are off: drain what is left, then it is empty */
	int err = 0;
	for (int i = 0; i < 1000 && (err = vfs_read(f, text, TEXT_MAX, &n)) == 0; i++)
		;
	EXPECT_EQ(err, ERR_AGAIN);
	EXPECT(!vfs_file_ready(f, false));
	vfs_close(f);
}
