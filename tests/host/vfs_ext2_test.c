/*
 * vfs_ext2_test.c - an ext2 filesystem in the VFS (lib/vfs/ext2fs.c) over
 * a memory device: an image made by Debian's mke2fs from a folder is
 * walked, listed and read through vfs_* calls; changes made through the
 * VFS (files, directories, renames, symlinks, truncation, a guest's
 * writes, a file unlinked while open) are written back by vfs_sync, and
 * `e2fsck -fn` must find the image clean and `debugfs` must show them.
 * Hostile images (the ext2 fuzzer's kept inputs, each also with bytes of
 * its metadata flipped) are walked, read and written through the VFS:
 * errors, never a crash or a sanitizer report. Four threads change one
 * ext2 fs at once (the VFS lock serializes ext2); e2fsck finds it clean.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/test.h"
#include "ext2/ext2.h"
#include "fuzz_corpus.h"
#include "vfs/vfs.h"
#include "vfs/vfs_internal.h"
#include "vfs_util.h"

static bool vfs_name_is_dot_test(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

struct xenv {
	char dir[64], img[96];
	uint8_t *mem;
	size_t len;
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct vfs *v;
	uint64_t now;
};

/* A device in front of the memory device whose large writes (a file's
 * data: 32 KiB and more) stop at a gate until the test opens it;
 * xenv_open puts it in when set. */
#define GATE_SECTORS 64u
struct gate {
	struct ext2_dev inner;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool armed, inside, open, tmpfs_done;
};

static struct gate *xenv_gate;

static int gate_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	struct gate *g = ctx;

	return g->inner.ops->read(g->inner.ctx, sector, count, buf);
}

static int gate_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	struct gate *g = ctx;

	pthread_mutex_lock(&g->mu);
	if (g->armed && count >= GATE_SECTORS) { /* file data (metadata goes by) */
		g->inside = true;
		pthread_cond_broadcast(&g->cv);
		while (!g->open)
			pthread_cond_wait(&g->cv, &g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	return g->inner.ops->write(g->inner.ctx, sector, count, buf);
}

static const struct ext2_dev_ops gate_ops = {.read = gate_read, .write = gate_write};

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
		 "printf 'two\\n' > src/h1 && ln src/h1 src/h2 && "
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
	if (xenv_gate) {
		xenv_gate->inner = e->dev;
		e->dev.ops = &gate_ops;
		e->dev.ctx = xenv_gate;
	}
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
		/* a file of two names (a hard link made on the host) reads by
		 * both and is read-only: each name's node has its own size */
		EXPECT_OK(vfs_test_get(e.v, "/data/h2", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "two\n");
		EXPECT_EQ(vfs_test_put(e.v, "/data/h1", "changed\n"), ERR_PERM);
		EXPECT_OK(vfs_test_get(e.v, "/data/h1", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "two\n");
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

/* ---- hostile images through the VFS ---- */

struct walk_budget {
	unsigned nodes; /* left to visit: a hostile tree may be deep or loop */
};

struct names {
	char name[16][VFS_NAME_MAX + 1];
	unsigned n;
};

static bool names_take(void *arg, const struct vfs_dirent *d)
{
	struct names *ns = arg;

	if (vfs_name_is_dot_test(d->name, d->namelen))
		return true;
	if (ns->n == 16)
		return false;
	memcpy(ns->name[ns->n], d->name, d->namelen);
	ns->name[ns->n][d->namelen] = 0;
	ns->n++;
	return true;
}

/* Lists `path`, reads each file, walks into each directory (depth first,
 * at most 16 entries per directory and b->nodes in all). */
static void walk_all(struct vfs *v, const char *path, unsigned depth, struct walk_budget *b)
{
	static uint8_t buf[8192];
	struct vfs_file *f;
	struct vfs_stat st;
	struct names ns = {.n = 0};
	size_t n;

	if (!b->nodes || depth > 8)
		return;
	b->nodes--;
	if (vfs_lstat(v, NULL, path, &st))
		return;
	if (st.type == VFS_TYPE_REG && !vfs_open(v, NULL, path, VFS_O_READ, &f)) {
		for (int i = 0; i < 4 && !vfs_read(f, buf, sizeof(buf), &n) && n; i++)
			;
		vfs_close(f);
	}
	if (st.type != VFS_TYPE_DIR || vfs_open(v, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &f))
		return;
	(void)vfs_readdir(f, 0, names_take, &ns);
	vfs_close(f);
	for (unsigned i = 0; i < ns.n; i++) {
		char sub[512];
		snprintf(sub, sizeof(sub), "%s/%s", path, ns.name[i]);
		walk_all(v, sub, depth + 1, b);
	}
}

static unsigned hostile_mounted; /* images that mounted: the walk ran */

/* Mounts one image (a copy: the VFS may write it) at /data and uses it. */
static void hostile_one(const uint8_t *data, size_t len)
{
	struct ext2_opts o = {.clock = vfs_ext2_clock};
	struct walk_budget b = {.nodes = 200};
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct ext2_fs *e2;
	struct vfs_fs *root, *fs;
	const char *why;
	struct vfs *v;
	uint64_t now = 1700000000ull * 1000000000ull;
	uint8_t *mem = malloc(len ? len : 1);

	if (!mem)
		return;
	memcpy(mem, data, len);
	ext2_memdev_init(&md, mem, len, &dev);
	if (vfs_create(vfs_test_clock, &now, &v)) {
		free(mem);
		return;
	}
	o.clock_arg = v;
	if (vfs_tmpfs_create(v, 0, &root) || vfs_mount(v, "/", root, 0) ||
	    ext2_mount(&dev, &o, &e2, &why))
		goto out;
	if (vfs_ext2_create(v, e2, &fs)) {
		ext2_unmount(e2);
		goto out;
	}
	if (vfs_mount(v, "/data", fs, VFS_MOUNT_MKDIR))
		goto out;
	hostile_mounted++;
	walk_all(v, "/data", 0, &b);
	(void)vfs_test_put(v, "/data/new.txt", "written on a hostile image");
	(void)vfs_mkdir(v, NULL, "/data/newdir");
	(void)vfs_rename(v, NULL, "/data/new.txt", NULL, "/data/newdir/x");
	(void)vfs_sync(v);
	vfs_check(v);
out:
	vfs_destroy(v);
	free(mem);
}

/* The image as kept (zero-padded to the size its superblock claims, at
 * most 1 MiB, as the fuzzer does), then 32 variants with bytes of its
 * first 64 KiB (superblock, group table, bitmaps, inode table) flipped. */
static void replay_hostile(void *arg, const char *path, const uint8_t *data, size_t len)
{
	size_t size = len;
	uint32_t seed = 2166136261u;
	uint8_t *img, *m;

	(void)arg;
	(void)path;
	if (len >= 2048) {
		uint32_t blocks, log;
		memcpy(&blocks, data + 1028, 4);
		memcpy(&log, data + 1048, 4);
		if (log <= 6 && (uint64_t)blocks << (10 + log) <= (1u << 20))
			size = MAX(len, (size_t)blocks << (10 + log));
	}
	img = calloc(1, size ? size : 1);
	m = malloc(size ? size : 1);
	if (img && m) {
		memcpy(img, data, len);
		hostile_one(img, size);
		for (int k = 0; k < 32 && size; k++) {
			size_t span = MIN(size, (size_t)64u << 10);
			memcpy(m, img, size);
			for (int i = 0; i < 24; i++) {
				seed = seed * 1664525u + 1013904223u;
				size_t at = span > 1024 ? 1024 + (seed >> 8) % (span - 1024)
							: (seed >> 8) % size;
				m[at] ^= (uint8_t)(1u << (seed & 7));
			}
			hostile_one(m, size);
		}
	}
	free(img);
	free(m);
}

TEST(vfs_ext2, hostile_images_give_errors_not_crashes)
{
	hostile_mounted = 0;
	EXPECT_GT(fuzz_corpus_replay(t, "tests/fuzz/regress/ext2", replay_hostile, NULL), 0u);
	test_printf(t, "  %u of the images and variants mounted and were walked\n",
		    hostile_mounted);
	EXPECT_GT(hostile_mounted, 10u);
}

/* ---- threads on one ext2 fs (run it under TSan too) ---- */

struct worker {
	struct vfs *v;
	int id;
	int errors;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char dir[64], path[96], want[64], got[64];

	snprintf(dir, sizeof(dir), "/data/t%d", w->id);
	if (vfs_mkdir(w->v, NULL, dir))
		w->errors++;
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i % 8);
		snprintf(want, sizeof(want), "thread %d round %d\n", w->id, i);
		if (vfs_test_put(w->v, path, want) || vfs_test_get(w->v, path, got, sizeof(got)) ||
		    strcmp(got, want) != 0)
			w->errors++;
		if (i % 3 == 0 && vfs_unlink(w->v, NULL, path))
			w->errors++;
	}
	return NULL;
}

TEST(vfs_ext2, threads_write_one_fs_and_it_stays_clean)
{
	struct worker w[4];
	pthread_t th[4];
	struct xenv e;

	if (xenv_open(t, &e, "")) {
		for (int i = 0; i < 4; i++) {
			w[i] = (struct worker){.v = e.v, .id = i};
			EXPECT_EQ(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			EXPECT_EQ(w[i].errors, 0);
		}
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
		EXPECT(debugfs_is(&e, "/t2/f6", "thread 2 round 38\n")); /* f7 went at 39 */
	}
	xenv_free(&e);
}

/* ---- the disk access of a /data file leaves the namespace free ---- */

#define GATED_BYTES (256u << 10)

struct gated_writer {
	struct vfs *v;
	int err;
};

static void *gated_write_run(void *arg)
{
	struct gated_writer *w = arg;
	uint8_t *buf = malloc(GATED_BYTES);
	struct vfs_file *f;
	size_t n = 0;

	w->err = buf ? vfs_open(w->v, NULL, "/data/big2", VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC,
				&f)
		     : ERR_NOMEM;
	if (!w->err) {
		memset(buf, 0x6b, GATED_BYTES);
		w->err = vfs_write(f, buf, GATED_BYTES, &n);
		if (!w->err && n != GATED_BYTES)
			w->err = ERR_IO;
		vfs_close(f);
	}
	free(buf);
	return NULL;
}

static void *tmpfs_ops_run(void *arg)
{
	struct xenv *e = arg;
	char got[16];
	bool ok = vfs_mkdir(e->v, NULL, "/scratch") == 0 &&
		  vfs_test_put(e->v, "/scratch/x", "tmpfs\n") == 0 &&
		  vfs_test_get(e->v, "/scratch/x", got, sizeof(got)) == 0 &&
		  strcmp(got, "tmpfs\n") == 0;

	pthread_mutex_lock(&xenv_gate->mu);
	xenv_gate->tmpfs_done = ok;
	pthread_cond_broadcast(&xenv_gate->cv);
	pthread_mutex_unlock(&xenv_gate->mu);
	return NULL;
}

/* Waits up to `secs` for *flag (under g->mu); whether it came. */
static bool gate_wait_for(struct gate *g, const bool *flag, int secs)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&g->mu);
	while (!*flag && pthread_cond_timedwait(&g->cv, &g->mu, &until) == 0)
		;
	bool got = *flag;
	pthread_mutex_unlock(&g->mu);
	return got;
}

/* A write to /data stopped in the device: tmpfs calls of another thread
 * complete meanwhile (they waited for it while ext2 ran under the VFS
 * lock); then the write goes on and the image is clean. */
TEST(vfs_ext2, tmpfs_goes_on_while_a_data_write_waits_for_the_disk)
{
	struct gate g = {.armed = false};
	struct gated_writer w;
	pthread_t wt, tt;
	struct xenv e;

	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	xenv_gate = &g; /* until the end: tmpfs_ops_run reports through it */
	if (xenv_open(t, &e, "")) {
		w = (struct gated_writer){.v = e.v};
		pthread_mutex_lock(&g.mu);
		g.armed = true;
		pthread_mutex_unlock(&g.mu);
		EXPECT_EQ(pthread_create(&wt, NULL, gated_write_run, &w), 0);
		EXPECT(gate_wait_for(&g, &g.inside, 20)); /* the write is in the device */
		EXPECT_EQ(pthread_create(&tt, NULL, tmpfs_ops_run, &e), 0);
		EXPECT(gate_wait_for(&g, &g.tmpfs_done, 10));
		pthread_mutex_lock(&g.mu);
		g.open = true;
		g.armed = false;
		pthread_cond_broadcast(&g.cv);
		pthread_mutex_unlock(&g.mu);
		pthread_join(wt, NULL);
		pthread_join(tt, NULL);
		EXPECT_OK(w.err);
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
	}
	xenv_free(&e);
	xenv_gate = NULL;
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
}

/* ---- the directory cache is bounded ---- */

static uint32_t ext2_dirs_loaded(struct vfs *v)
{
	for (struct vfs_fs *fs = v->fs_list; fs; fs = fs->next)
		if (fs->kind == VFS_FS_EXT2)
			return fs->e2_dirs;
	return 0;
}

/* 300 directories made and looked into: closes unload the idle ones (the
 * count stays near VFS_EXT2_DIRS), but not one that holds an open file;
 * everything reads back from the disk; the image is clean. */
TEST(vfs_ext2, directory_cache_stays_bounded)
{
	char path[64], want[32], got[32];
	struct vfs_file *keep;
	struct xenv e;
	size_t n;

	if (xenv_open(t, &e, "")) {
		EXPECT_OK(vfs_mkdir(e.v, NULL, "/data/keep"));
		EXPECT_OK(vfs_open(e.v, NULL, "/data/keep/k.txt",
				   VFS_O_READ | VFS_O_WRITE | VFS_O_CREAT, &keep));
		for (int i = 0; i < 150; i++) {
			snprintf(path, sizeof(path), "/data/m%d", i);
			EXPECT_OK(vfs_mkdir(e.v, NULL, path));
			snprintf(path, sizeof(path), "/data/m%d/sub", i);
			EXPECT_OK(vfs_mkdir(e.v, NULL, path));
			snprintf(path, sizeof(path), "/data/m%d/sub/f", i);
			snprintf(want, sizeof(want), "file %d\n", i);
			EXPECT_OK(vfs_test_put(e.v, path, want));
		}
		EXPECT_LE(ext2_dirs_loaded(e.v), VFS_EXT2_DIRS + 3);
		for (int i = 0; i < 150; i++) {
			snprintf(path, sizeof(path), "/data/m%d/sub/f", i);
			snprintf(want, sizeof(want), "file %d\n", i);
			EXPECT_OK(vfs_test_get(e.v, path, got, sizeof(got)));
			EXPECT_STREQ(got, want);
		}
		EXPECT_LE(ext2_dirs_loaded(e.v), VFS_EXT2_DIRS + 3);
		n = 0;
		EXPECT_OK(vfs_write(keep, "kept\n", 5, &n));
		vfs_close(keep);
		EXPECT_OK(vfs_test_get(e.v, "/data/keep/k.txt", got, sizeof(got)));
		EXPECT_STREQ(got, "kept\n");
		vfs_check(e.v);
		EXPECT_EQ(xenv_close_fsck(t, &e), 0);
		EXPECT(debugfs_is(&e, "/m149/sub/f", "file 149\n"));
	}
	xenv_free(&e);
}
