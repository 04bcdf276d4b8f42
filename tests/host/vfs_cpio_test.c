/*
 * vfs_cpio_test.c - the initramfs: archives built here by a tiny newc
 * writer (good and broken), every truncation of a good one, archives made
 * by tools/mkcpio.py and by GNU cpio at test time, and the fuzz regression
 * corpus (tests/fuzz/regress/cpio, run from the repo root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fuzz/cpio_exercise.h"
#include "base/err.h"
#include "base/test.h"
#include "fuzz_corpus.h"
#include "vfs/vfs.h"
#include "vfs_util.h"

static void arc_sample(struct arc *a)
{
	memset(a, 0, sizeof(*a));
	arc_dir(a, ".");
	arc_file(a, "./etc/motd", "welcome\n");
	arc_dir(a, "bin");
	arc_entry_raw(a, "070701", 0100755, "bin/hello.wasm", -1, "\0asm", 4);
	arc_file(a, "/deep/a/b/c.txt", "c");
	arc_end(a);
}

/* Parses a copy of exactly len bytes (ASan sees reads past it). */
static int arc_load(const struct arc *a, size_t len, struct vfs **out_v, uint8_t **out_copy,
		    struct vfs_cpio_error *why)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct vfs_fs *fs;
	struct vfs *v;
	int e;

	memcpy(copy, a->buf, len);
	if (vfs_create(NULL, NULL, &v)) {
		free(copy);
		return ERR_NOMEM;
	}
	e = vfs_initramfs_create(v, copy, len, &fs, why);
	if (!e)
		e = vfs_mount(v, "/", fs, 0);
	if (e) {
		vfs_destroy(v);
		free(copy);
		return e;
	}
	*out_v = v;
	*out_copy = copy;
	return 0;
}

TEST(vfs_cpio, sample_tree)
{
	struct vfs_test_names n;
	struct arc a;
	struct vfs *v;
	struct vfs_stat st;
	uint8_t *copy;
	char buf[64];

	arc_sample(&a);
	if (!EXPECT_OK(arc_load(&a, a.len, &v, &copy, NULL)))
		return;
	EXPECT_OK(vfs_test_list(v, "/", &n));
	EXPECT_STREQ(n.buf, "etc,bin,deep");
	EXPECT_OK(vfs_test_get(v, "/etc/motd", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "welcome\n");
	EXPECT_OK(vfs_test_get(v, "/deep/a/b/c.txt", buf, sizeof(buf)));
	EXPECT_STREQ(buf, "c");
	if (EXPECT_OK(vfs_stat(v, NULL, "/bin/hello.wasm", &st))) {
		EXPECT_EQ(st.size, 4);
		EXPECT_EQ(st.mtim, 1700000000ull * 1000000000ull);
	}
	/* no copy: the file reads the archive's bytes */
	{
		uint8_t *p = memmem(copy, a.len, "welcome", 7);

		if (EXPECT(p != NULL)) {
			p[0] = 'W';
			EXPECT_OK(vfs_test_get(v, "/etc/motd", buf, sizeof(buf)));
			EXPECT_STREQ(buf, "Welcome\n");
		}
	}
	vfs_check(v);
	vfs_destroy(v);
	free(copy);
}

TEST(vfs_cpio, read_only)
{
	struct vfs_file *f;
	struct arc a;
	struct vfs *v;
	uint8_t *copy;

	arc_sample(&a);
	if (!EXPECT_OK(arc_load(&a, a.len, &v, &copy, NULL)))
		return;
	EXPECT_EQ(vfs_open(v, NULL, "/etc/motd", VFS_O_WRITE, &f), ERR_ROFS);
	EXPECT_EQ(vfs_open(v, NULL, "/etc/motd", VFS_O_READ | VFS_O_TRUNC, &f), ERR_ROFS);
	EXPECT_EQ(vfs_open(v, NULL, "/etc/new", VFS_O_WRITE | VFS_O_CREAT, &f), ERR_ROFS);
	EXPECT_EQ(vfs_mkdir(v, NULL, "/x"), ERR_ROFS);
	EXPECT_EQ(vfs_unlink(v, NULL, "/etc/motd"), ERR_ROFS);
	EXPECT_EQ(vfs_rmdir(v, NULL, "/bin"), ERR_ROFS);
	EXPECT_EQ(vfs_rename(v, NULL, "/etc/motd", NULL, "/etc/m"), ERR_ROFS);
	EXPECT_EQ(vfs_truncate(v, NULL, "/etc/motd", 0), ERR_ROFS);
	/* the kernel may still make mount points on it */
	{
		struct vfs_fs *tmp;

		EXPECT_OK(vfs_tmpfs_create(v, 0, &tmp));
		EXPECT_OK(vfs_mount(v, "/tmp", tmp, VFS_MOUNT_MKDIR));
		EXPECT_OK(vfs_test_put(v, "/tmp/x", "ok"));
	}
	vfs_destroy(v);
	free(copy);
}

/* Expects the archive to be rejected with `e` and a reason containing `why`. */
static void expect_bad(struct test_ctx *t, const struct arc *a, size_t len, int e, const char *why,
		       size_t at)
{
	struct vfs_cpio_error err = {0};
	struct vfs *v;
	uint8_t *copy;

	int got = arc_load(a, len, &v, &copy, &err);

	if (!EXPECT_EQ(got, e)) {
		if (got == 0) {
			vfs_destroy(v);
			free(copy);
		}
		return;
	}
	if (EXPECT(err.reason != NULL))
		EXPECT(strstr(err.reason, why) != NULL);
	EXPECT_EQ(err.offset, at);
}

TEST(vfs_cpio, malformed)
{
	struct arc a;

	memset(&a, 0, sizeof(a));
	arc_file(&a, "x", "1");
	expect_bad(t, &a, a.len, ERR_TRUNC, "TRAILER", a.len);
	expect_bad(t, &a, 0, ERR_TRUNC, "TRAILER", 0);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070702", 0100644, "x", -1, "1", 1);
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "magic", 0);

	memset(&a, 0, sizeof(a));
	arc_file(&a, "x", "1");
	arc_end(&a);
	a.buf[6 + 8 + 3] = 'g'; /* the mode field */
	expect_bad(t, &a, a.len, ERR_MALFORMED, "not hex", 14);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 0100644, "x", 1, "", 0); /* namesize 1: no name */
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "name size", 0);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 0100644, "xy", 2, "", 0); /* NUL not last */
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "NUL", 110);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 0100644, "x", 0x7fffffff, "", 0);
	expect_bad(t, &a, 112, ERR_MALFORMED, "name size", 0);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 0120777, "link", -1, "target", 6);
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "file type", 0);

	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 040755, "d", -1, "data", 4);
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "directory with data", 0);

	memset(&a, 0, sizeof(a));
	arc_file(&a, "a/../b", "x");
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "'..'", 0);

	memset(&a, 0, sizeof(a));
	arc_file(&a, "f", "x");
	{
		size_t second = a.len;

		arc_file(&a, "f", "y");
		arc_end(&a);
		expect_bad(t, &a, a.len, ERR_MALFORMED, "duplicate", second);
	}

	memset(&a, 0, sizeof(a));
	arc_file(&a, "f", "x");
	{
		size_t second = a.len;

		arc_file(&a, "f/g", "y");
		arc_end(&a);
		expect_bad(t, &a, a.len, ERR_MALFORMED, "as a directory", second);
	}

	memset(&a, 0, sizeof(a));
	arc_file(&a, "f/", "x");
	arc_end(&a);
	expect_bad(t, &a, a.len, ERR_MALFORMED, "named like a directory", 0);

	/* file data claims more than there is */
	memset(&a, 0, sizeof(a));
	arc_entry_raw(&a, "070701", 0100644, "f", -1, "abcd", 4);
	memcpy(a.buf + 6 + 6 * 8, "00001000", 8);
	expect_bad(t, &a, a.len, ERR_TRUNC, "data past the end", 112);
}

/* Every prefix of a good archive is rejected cleanly (or, at the end, accepted). */
TEST(vfs_cpio, every_truncation)
{
	struct arc a;
	unsigned accepted = 0;

	arc_sample(&a);
	for (size_t len = 0; len <= a.len; len++) {
		struct vfs_cpio_error why = {0};
		struct vfs *v;
		uint8_t *copy;
		int e = arc_load(&a, len, &v, &copy, &why);

		if (e == 0) {
			accepted++;
			vfs_destroy(v);
			free(copy);
			continue;
		}
		if (!EXPECT(e == ERR_TRUNC || e == ERR_MALFORMED) || !EXPECT(why.offset <= len)) {
			test_printf(t, "  len %zu: %d at %zu (%s)\n", len, e, why.offset,
				    why.reason);
			return;
		}
	}
	/* the trailer entry is 124 bytes; it is complete only at the full length */
	EXPECT_EQ(accepted, 1);
}

/* ---- archives made by tools ---- */

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static uint8_t *read_all(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*out_len = (size_t)n;
	return buf;
}

/* A small rootfs in a fresh temporary directory; returns its path. */
static bool make_tree(char *dir)
{
	char p[256];

	strcpy(dir, "/tmp/vfs_cpio_XXXXXX");
	if (!mkdtemp(dir))
		return false;
	snprintf(p, sizeof(p), "%s/bin", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/empty", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/motd", dir);
	if (!write_file(p, "Hello from the initrd\n"))
		return false;
	snprintf(p, sizeof(p), "%s/bin/a.wasm", dir);
	return write_file(p, "\0asm\1\0\0\0");
}

static void check_tree(struct test_ctx *t, const char *archive, const char *root)
{
	struct vfs_test_names n;
	struct arc a;
	struct vfs *v;
	uint8_t *copy, *data;
	size_t len = 0;
	char buf[64], path[64];

	data = read_all(archive, &len);
	if (!EXPECT(data != NULL) || !EXPECT(len <= sizeof(a.buf))) {
		free(data);
		return;
	}
	memcpy(a.buf, data, len);
	free(data);
	if (!EXPECT_OK(arc_load(&a, len, &v, &copy, NULL)))
		return;
	snprintf(path, sizeof(path), "%s/etc/motd", root);
	EXPECT_OK(vfs_test_get(v, path, buf, sizeof(buf)));
	EXPECT_STREQ(buf, "Hello from the initrd\n");
	snprintf(path, sizeof(path), "%s/etc", root);
	EXPECT_OK(vfs_test_list(v, path, &n));
	EXPECT(strstr(n.buf, "empty") && strstr(n.buf, "motd"));
	snprintf(path, sizeof(path), "%s/bin/a.wasm", root);
	EXPECT_EQ(vfs_stat(v, NULL, path, &(struct vfs_stat){0}), 0);
	vfs_destroy(v);
	free(copy);
}

static void remove_tree(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
}

TEST(vfs_cpio, mkcpio_roundtrip_and_deterministic)
{
	char dir[64], cmd[512], out1[96], out2[96];
	uint8_t *a, *b;
	size_t la = 0, lb = 0;

	if (!EXPECT(make_tree(dir)))
		return;
	snprintf(out1, sizeof(out1), "%s.1.cpio", dir);
	snprintf(out2, sizeof(out2), "%s.2.cpio", dir);
	snprintf(cmd, sizeof(cmd), "python3 tools/mkcpio.py --mtime 1234 %s %s", dir, out1);
	if (!EXPECT_EQ(system(cmd), 0)) {
		test_printf(t, "  %s failed (run from the repo root)\n", cmd);
		goto out;
	}
	check_tree(t, out1, "");
	/* the same tree at another time gives the same bytes */
	snprintf(cmd, sizeof(cmd),
		 "touch %s/etc/motd && python3 tools/mkcpio.py --mtime 1234 %s %s", dir, dir, out2);
	EXPECT_EQ(system(cmd), 0);
	a = read_all(out1, &la);
	b = read_all(out2, &lb);
	EXPECT(a && b && la == lb && memcmp(a, b, la) == 0);
	free(a);
	free(b);
	/* --prefix puts everything under a directory */
	snprintf(cmd, sizeof(cmd), "python3 tools/mkcpio.py --prefix sub/dir %s %s", dir, out2);
	if (EXPECT_EQ(system(cmd), 0))
		check_tree(t, out2, "/sub/dir");
out:
	remove_tree(dir);
	unlink(out1);
	unlink(out2);
}

TEST(vfs_cpio, gnu_cpio_archive)
{
	char dir[64], cmd[512], out[96];

	if (!EXPECT(make_tree(dir)))
		return;
	snprintf(out, sizeof(out), "%s.cpio", dir);
	snprintf(cmd, sizeof(cmd), "cd %s && find . | LC_ALL=C sort | cpio --quiet -o -H newc > %s",
		 dir, out);
	if (EXPECT_EQ(system(cmd), 0))
		check_tree(t, out, "");
	else
		test_printf(t, "  needs GNU cpio (tools/deps.sh installs it)\n");
	remove_tree(dir);
	unlink(out);
}

/* Replays the fuzzing corpus kept in the tree (run from the repo root). */
static void replay_cpio(void *arg, const char *path, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)path;
	(void)cpio_exercise(data, len);
}

TEST(vfs_cpio, fuzz_regress)
{
	EXPECT_GT(fuzz_corpus_replay(t, "tests/fuzz/regress/cpio", replay_cpio, NULL), 0u);
}
