/*
 * vfs_stress_test.c - several threads on one VFS (run it under TSan):
 * private files created, written, read back, renamed and removed; shared
 * directories made and removed in races; appends to one shared file; a
 * synth file opened and read everywhere; a shared wasi_vfs handle table;
 * a tmpfs mounted and unmounted at /mnt while another thread reads in it.
 * Checks the final state and the tree invariants.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/err.h"
#include "base/test.h"
#include "vfs/vfs.h"
#include "vfs/wasi_vfs.h"
#include "vfs_util.h"

#define NTHREADS 4
#ifdef TSAN_BUILD
#define ROUNDS 500
#else
#define ROUNDS 2000
#endif

struct shared {
	struct vfs *v;
	struct wasi_vfs w;
	_Atomic unsigned shows;
	_Atomic int errors;
	_Atomic unsigned appended;
};

struct worker {
	struct shared *s;
	int id;
};

static int s_show(void *arg, void *state, struct vfs_sbuf *out)
{
	struct shared *s = arg;

	(void)state;
	vfs_sbuf_printf(out, "show %u\n", atomic_fetch_add(&s->shows, 1) + 1);
	return 0;
}

static const struct vfs_synth_ops show_ops = {.show = s_show};

static void fail(struct shared *s, int line, int e)
{
	if (atomic_fetch_add(&s->errors, 1) < 5)
		fprintf(stderr, "  stress: line %d: %d\n", line, e);
}

#define CHECK(s, cond, e)                         \
	do {                                      \
		if (!(cond))                      \
			fail((s), __LINE__, (e)); \
	} while (0)

static void round_private(struct shared *s, int id, int k)
{
	char a[64], b[64], buf[64], want[64];
	int e;

	snprintf(a, sizeof(a), "/tmp/t%d/f%d", id, k);
	snprintf(b, sizeof(b), "/tmp/t%d/g%d", id, k);
	snprintf(want, sizeof(want), "thread %d round %d", id, k);
	e = vfs_test_put(s->v, a, want);
	CHECK(s, e == 0, e);
	e = vfs_rename(s->v, NULL, a, NULL, b);
	CHECK(s, e == 0, e);
	e = vfs_test_get(s->v, b, buf, sizeof(buf));
	CHECK(s, e == 0 && strcmp(buf, want) == 0, e);
	e = vfs_unlink(s->v, NULL, b);
	CHECK(s, e == 0, e);
}

static void round_shared(struct shared *s, int id, int k)
{
	struct vfs_test_names n;
	struct vfs_file *f;
	char buf[32];
	size_t cnt = 0;
	int e;

	/* racing mkdir/rmdir of the same names: only these results are allowed */
	snprintf(buf, sizeof(buf), "/tmp/shared/d%d", k % 3);
	e = vfs_mkdir(s->v, NULL, buf);
	CHECK(s, e == 0 || e == ERR_EXIST, e);
	e = vfs_rmdir(s->v, NULL, buf);
	CHECK(s, e == 0 || e == ERR_NOENT, e);
	e = vfs_test_list(s->v, "/tmp/shared", &n);
	CHECK(s, e == 0, e);
	/* appends from everyone */
	e = vfs_open(s->v, NULL, "/tmp/shared/log", VFS_O_WRITE | VFS_O_APPEND, &f);
	CHECK(s, e == 0, e);
	if (!e) {
		e = vfs_write(f, "0123456789", 10, &cnt);
		CHECK(s, e == 0 && cnt == 10, e);
		atomic_fetch_add(&s->appended, 10);
		vfs_close(f);
	}
	/* the synth file */
	e = vfs_test_get(s->v, "/proc/stat", buf, sizeof(buf));
	CHECK(s, e == 0 && strncmp(buf, "show ", 5) == 0, e);
	/* the shared handle table */
	{
		int64_t h;
		uint16_t we = wasi_vfs_open(&s->w, "/tmp/shared/log", VFS_O_READ, &h);
		struct wasi_host_filestat st;

		CHECK(s, we == 0, we);
		if (!we) {
			we = s->w.files.fstat(&s->w, h, &st);
			CHECK(s, we == 0 && st.type == WASI_FILETYPE_REGULAR_FILE, we);
			we = s->w.files.close(&s->w, h);
			CHECK(s, we == 0, we);
		}
	}
	(void)id;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char dir[32];
	int e;

	snprintf(dir, sizeof(dir), "/tmp/t%d", w->id);
	e = vfs_mkdir(w->s->v, NULL, dir);
	CHECK(w->s, e == 0, e);
	for (int k = 0; k < ROUNDS; k++) {
		round_private(w->s, w->id, k);
		round_shared(w->s, w->id, k);
	}
	e = vfs_rmdir(w->s->v, NULL, dir);
	CHECK(w->s, e == 0, e);
	return NULL;
}

/* Mounts and unmounts a tmpfs at /mnt while the others look into it. */
static void *mounter_main(void *arg)
{
	struct shared *s = arg;

	for (int k = 0; k < ROUNDS / 4; k++) {
		struct vfs_fs *fs;
		int e = vfs_tmpfs_create(s->v, 4096, &fs);

		CHECK(s, e == 0, e);
		if (e)
			break;
		e = vfs_mount(s->v, "/mnt", fs, VFS_MOUNT_MKDIR);
		CHECK(s, e == 0, e);
		e = vfs_test_put(s->v, "/mnt/x", "mounted");
		CHECK(s, e == 0, e);
		do
			e = vfs_umount(s->v, "/mnt");
		while (e == ERR_BUSY);
		CHECK(s, e == 0, e);
	}
	return NULL;
}

/* Reads /mnt/x: absent, just created (empty: the mounter creates it,
 * then writes it), or whole; never anything else. */
static void *peeker_main(void *arg)
{
	struct shared *s = arg;

	for (int k = 0; k < ROUNDS; k++) {
		char buf[16];
		int e = vfs_test_get(s->v, "/mnt/x", buf, sizeof(buf));

		CHECK(s, e == ERR_NOENT || (e == 0 && (!buf[0] || strcmp(buf, "mounted") == 0)), e);
	}
	return NULL;
}

TEST(vfs_stress, threads_share_one_vfs)
{
	struct shared s = {0};
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS], mounter, peeker;
	struct vfs_fs *root, *tmp, *proc;
	struct vfs_stat st;
	struct vfs_test_names n;

	if (!EXPECT_OK(vfs_create(NULL, NULL, &s.v)) ||
	    !EXPECT_OK(vfs_tmpfs_create(s.v, 0, &root)) ||
	    !EXPECT_OK(vfs_mount(s.v, "/", root, 0)) ||
	    !EXPECT_OK(vfs_tmpfs_create(s.v, 1u << 20, &tmp)) ||
	    !EXPECT_OK(vfs_mount(s.v, "/tmp", tmp, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(s.v, &proc)) ||
	    !EXPECT_OK(vfs_synth_add_file(proc, "", "stat", &show_ops, &s)) ||
	    !EXPECT_OK(vfs_mount(s.v, "/proc", proc, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_mkdir(s.v, NULL, "/tmp/shared")) ||
	    !EXPECT_OK(vfs_test_put(s.v, "/tmp/shared/log", "")))
		return;
	wasi_vfs_init(&s.w, s.v, 64);
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){&s, i};
		if (!EXPECT_OK(pthread_create(&th[i], NULL, worker_main, &w[i])))
			return;
	}
	if (!EXPECT_OK(pthread_create(&mounter, NULL, mounter_main, &s)) ||
	    !EXPECT_OK(pthread_create(&peeker, NULL, peeker_main, &s)))
		return;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pthread_join(mounter, NULL);
	pthread_join(peeker, NULL);
	EXPECT_EQ(atomic_load(&s.errors), 0);
	EXPECT_EQ(atomic_load(&s.shows), NTHREADS * ROUNDS);
	if (EXPECT_OK(vfs_stat(s.v, NULL, "/tmp/shared/log", &st)))
		EXPECT_EQ(st.size, atomic_load(&s.appended));
	EXPECT_OK(vfs_test_list(s.v, "/tmp", &n));
	EXPECT_STREQ(n.buf, "shared");
	EXPECT_OK(vfs_test_list(s.v, "/", &n));
	EXPECT_STREQ(n.buf, "tmp,proc,mnt");
	vfs_check(s.v);
	wasi_vfs_destroy(&s.w);
	vfs_destroy(s.v);
}
