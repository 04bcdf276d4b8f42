/*
 * vfs_wasi_test.c - the portable WASI functions (lib/wasi/) over
 * the VFS host (lib/vfs/wasi_vfs.c), with a fake guest memory: files in
 * /tmp, readdir with cookies, rename/unlink/rmdir, the read-only initrd,
 * a synth console as stdout, sandbox escapes, the guest policy's errnos
 * (a tracefs-like mount closed to guests, a /proc-like one they may read),
 * no host pointer in what the guest reads, clocks and poll from a fake
 * environment (whose poll asks the VFS files: wasi_vfs_ready).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "vfs/vfs.h"
#include "vfs/wasi_vfs.h"
#include "vfs_util.h"
#include "wasi/wasi.h"

#define MEM_SIZE 65536u
#define ROOT_FD	 3u
#define RIGHTS_RW                                                                      \
	(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK | (1ull << 5) | \
	 WASI_RIGHT_FD_READDIR | WASI_RIGHT_FD_FILESTAT_SET_SIZE)

/* Guest memory layout used by the helpers. */
enum { P_PATH = 0x100, P_PATH2 = 0x300, P_IOV = 0x500, P_OUT = 0x600, P_BUF = 0x1000 };

struct env {
	struct arc arc;
	struct vfs *v;
	struct wasi_vfs w;
	struct wasi_env env;
	struct wasi_ctx ctx;
	uint8_t *mem;
	struct wasi_mem m;
	char console[256];
	size_t console_len;
	unsigned knob_calls; /* opens, shows and writes of the knob files */
	uint64_t now;
	unsigned waits;
};

static int console_write(void *arg, void *state, const void *buf, size_t len)
{
	struct env *e = arg;

	(void)state;
	if (e->console_len + len > sizeof(e->console))
		return ERR_NOSPC;
	memcpy(e->console + e->console_len, buf, len);
	e->console_len += len;
	return 0;
}

static int console_read(void *arg, void *state, void *buf, size_t cap, size_t *out_n)
{
	(void)arg, (void)state, (void)buf, (void)cap, (void)out_n;
	return ERR_AGAIN; /* nobody types */
}

static bool console_ready(void *arg, void *state, bool write)
{
	(void)arg, (void)state;
	return write;
}

static const struct vfs_synth_ops console_ops = {
	.read = console_read, .write = console_write, .ready = console_ready, .stream = true};

static int knob_show(void *arg, void *state, struct vfs_sbuf *out)
{
	(void)state;
	((struct env *)arg)->knob_calls++;
	vfs_sbuf_printf(out, "1\n");
	return 0;
}

static int knob_write(void *arg, void *state, const void *buf, size_t len)
{
	(void)state, (void)buf, (void)len;
	((struct env *)arg)->knob_calls++;
	return 0;
}

/* a tracing switch, a /proc control: show and write */
static const struct vfs_synth_ops knob_ops = {.show = knob_show, .write = knob_write};
/* a /proc information file: show only */
static const struct vfs_synth_ops info_ops = {.show = knob_show};

static uint16_t p_clock(void *arg, uint32_t id, uint64_t *out)
{
	struct env *e = arg;

	if (id > WASI_CLOCK_MONOTONIC)
		return WASI_EINVAL;
	*out = e->now;
	return 0;
}

static uint16_t p_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x5a, len);
	return 0;
}

/* An environment that waits on the VFS files themselves (wasi_vfs_ready)
 * and can sleep: a wait with a deadline moves the clock there. */
static uint16_t p_poll(void *arg, struct wasi_host_pollfd *fds, size_t nfds, bool has_deadline,
		       uint32_t clock_id, uint64_t deadline)
{
	struct env *e = arg;
	bool any = false;

	if (!nfds && !has_deadline)
		return WASI_EINVAL;
	for (size_t i = 0; i < nfds; i++) {
		fds[i].ready = wasi_vfs_ready(&e->w, fds[i].hfd, fds[i].want_write, &fds[i].hangup);
		fds[i].nbytes = 0;
		any |= fds[i].ready;
	}
	if (any || (has_deadline && clock_id <= WASI_CLOCK_MONOTONIC && e->now >= deadline))
		return 0;
	e->waits++;
	if (!has_deadline)
		return WASI_EAGAIN;
	e->now = deadline;
	return 0;
}

static bool env_init(struct test_ctx *t, struct env *e)
{
	struct vfs_fs *root, *tmp, *dev, *proc, *trace;
	struct wasi_env *env = &e->env;
	struct wasi_preopen pre = {.guest = "/"};
	int64_t con = -1;
	struct wasi_config cfg = {.npreopens = 1, .preopens = &pre};

	memset(e, 0, sizeof(*e));
	e->now = 5000;
	arc_file(&e->arc, "etc/motd", "Welcome to the kernel\n");
	arc_file(&e->arc, "bin/hello.wasm", "wasm");
	arc_end(&e->arc);
	if (!EXPECT_OK(vfs_create(NULL, NULL, &e->v)) ||
	    !EXPECT_OK(vfs_initramfs_create(e->v, e->arc.buf, e->arc.len, &root, NULL)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/", root, 0)) ||
	    !EXPECT_OK(vfs_tmpfs_create(e->v, 16384, &tmp)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/tmp", tmp, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(e->v, &dev)) ||
	    !EXPECT_OK(vfs_synth_add_file(dev, "", "console", &console_ops, e)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/dev", dev, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(e->v, &proc)) ||
	    !EXPECT_OK(vfs_synth_add_file(proc, "", "meminfo", &info_ops, e)) ||
	    !EXPECT_OK(vfs_synth_add_file(proc, "", "ctl", &knob_ops, e)) ||
	    !EXPECT_OK(vfs_mount(e->v, "/proc", proc, VFS_MOUNT_MKDIR)) ||
	    !EXPECT_OK(vfs_synth_create(e->v, &trace)) ||
	    !EXPECT_OK(vfs_synth_add_file(trace, "", "tracing_on", &knob_ops, e)) ||
	    !EXPECT_OK(vfs_synth_add_file(trace, "", "available_events", &info_ops, e)) ||
	    !EXPECT_OK(vfs_synth_add_dir(trace, "", "events")) ||
	    !EXPECT_OK(vfs_mount(e->v, "/sys/kernel/tracing", trace, VFS_MOUNT_MKDIR)))
		return false;
	*env = (struct wasi_env){
		.arg = e, .clock_time = p_clock, .random = p_random, .poll = p_poll};
	wasi_vfs_init(&e->w, e->v, 0);
	if (!EXPECT_OK(vfs_set_guest_access(e->v, "/", VFS_ACCESS_READ)) ||
	    !EXPECT_OK(vfs_set_guest_access(e->v, "/tmp", VFS_ACCESS_WRITE)) ||
	    !EXPECT_OK(vfs_set_guest_access(e->v, "/proc", VFS_ACCESS_READ)) ||
	    !EXPECT_EQ(wasi_vfs_preopen(&e->w, "/", VFS_ACCESS_WRITE, &pre.hfd), 0) ||
	    !EXPECT_EQ(wasi_vfs_open(&e->w, "/dev/console", VFS_O_READ | VFS_O_WRITE, &con), 0))
		return false;
	cfg.stdio[0] = cfg.stdio[1] = cfg.stdio[2] = con;
	e->mem = calloc(1, MEM_SIZE);
	e->m = (struct wasi_mem){e->mem, MEM_SIZE};
	return EXPECT(e->mem) &&
	       EXPECT_OK(wasi_ctx_init(&e->ctx, &e->env, wasi_vfs_files(&e->w), &cfg));
}

static void env_fini(struct env *e)
{
	wasi_ctx_destroy(&e->ctx);
	wasi_vfs_destroy(&e->w);
	vfs_check(e->v);
	vfs_destroy(e->v);
	free(e->mem);
}

static uint32_t rd32(struct env *e, uint32_t p)
{
	return (uint32_t)e->mem[p] | (uint32_t)e->mem[p + 1] << 8 | (uint32_t)e->mem[p + 2] << 16 |
	       (uint32_t)e->mem[p + 3] << 24;
}

static uint64_t rd64(struct env *e, uint32_t p)
{
	return rd32(e, p) | (uint64_t)rd32(e, p + 4) << 32;
}

static void wr32(struct env *e, uint32_t p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		e->mem[p + i] = (uint8_t)(v >> (8 * i));
}

/* path_open relative to dirfd; returns the status, *fd on success. */
static uint32_t open_at(struct env *e, uint32_t dirfd, const char *path, uint32_t oflags,
			uint64_t rights, uint32_t *fd)
{
	uint32_t st;

	memcpy(e->mem + P_PATH, path, strlen(path));
	st = wasi_path_open(&e->ctx, e->m, dirfd, 1, P_PATH, (uint32_t)strlen(path), oflags, rights,
			    rights, 0, P_OUT);
	if (st == 0)
		*fd = rd32(e, P_OUT);
	return st;
}

/* One iovec over P_BUF; returns the status, *n the count. */
static uint32_t io(struct env *e, uint32_t fd, bool write, const char *text, uint32_t len,
		   uint32_t *n)
{
	uint32_t st;

	if (write)
		memcpy(e->mem + P_BUF, text, len);
	wr32(e, P_IOV, P_BUF);
	wr32(e, P_IOV + 4, len);
	st = write ? wasi_fd_write(&e->ctx, e->m, fd, P_IOV, 1, P_OUT)
		   : wasi_fd_read(&e->ctx, e->m, fd, P_IOV, 1, P_OUT);
	*n = rd32(e, P_OUT);
	return st;
}

static uint32_t path_call(struct env *e,
			  uint32_t (*fn)(struct wasi_ctx *, struct wasi_mem, uint32_t, uint32_t,
					 uint32_t),
			  uint32_t dirfd, const char *path)
{
	memcpy(e->mem + P_PATH, path, strlen(path));
	return fn(&e->ctx, e->m, dirfd, P_PATH, (uint32_t)strlen(path));
}

static uint32_t rename_(struct env *e, const char *a, const char *b)
{
	memcpy(e->mem + P_PATH, a, strlen(a));
	memcpy(e->mem + P_PATH2, b, strlen(b));
	return wasi_path_rename(&e->ctx, e->m, ROOT_FD, P_PATH, (uint32_t)strlen(a), ROOT_FD,
				P_PATH2, (uint32_t)strlen(b));
}

TEST(vfs_wasi, tmp_file_roundtrip)
{
	struct env e;
	uint32_t fd = 0, n = 0;

	if (!env_init(t, &e))
		return;
	if (!EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/a.txt", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), 0))
		goto out;
	EXPECT_EQ(io(&e, fd, true, "hello, vfs", 10, &n), 0);
	EXPECT_EQ(n, 10);
	EXPECT_EQ(wasi_fd_seek(&e.ctx, e.m, fd, 7, WASI_WHENCE_SET, P_OUT), 0);
	EXPECT_EQ(rd64(&e, P_OUT), 7);
	EXPECT_EQ(io(&e, fd, false, NULL, 100, &n), 0);
	EXPECT_EQ(n, 3);
	EXPECT(memcmp(e.mem + P_BUF, "vfs", 3) == 0);
	EXPECT_EQ(wasi_fd_tell(&e.ctx, e.m, fd, P_OUT), 0);
	EXPECT_EQ(rd64(&e, P_OUT), 10);
	EXPECT_EQ(wasi_fd_filestat_get(&e.ctx, e.m, fd, P_OUT), 0);
	EXPECT_EQ(e.mem[P_OUT + 16], WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(rd64(&e, P_OUT + 32), 10);
	/* pwrite/pread keep the position */
	wr32(&e, P_IOV, P_BUF);
	wr32(&e, P_IOV + 4, 2);
	memcpy(e.mem + P_BUF, "HE", 2);
	EXPECT_EQ(wasi_fd_pwrite(&e.ctx, e.m, fd, P_IOV, 1, 0, P_OUT), 0);
	EXPECT_EQ(wasi_fd_pread(&e.ctx, e.m, fd, P_IOV, 1, 1, P_OUT), 0);
	EXPECT(memcmp(e.mem + P_BUF, "El", 2) == 0);
	EXPECT_EQ(wasi_fd_tell(&e.ctx, e.m, fd, P_OUT), 0);
	EXPECT_EQ(rd64(&e, P_OUT), 10);
	/* append through fdstat_set_flags */
	EXPECT_EQ(wasi_fd_fdstat_set_flags(&e.ctx, e.m, fd, WASI_FDFLAG_APPEND), 0);
	EXPECT_EQ(wasi_fd_seek(&e.ctx, e.m, fd, 0, WASI_WHENCE_SET, P_OUT), 0);
	EXPECT_EQ(io(&e, fd, true, "!", 1, &n), 0);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	{
		char buf[32];

		EXPECT_OK(vfs_test_get(e.v, "/tmp/a.txt", buf, sizeof(buf)));
		EXPECT_STREQ(buf, "HEllo, vfs!");
	}
	/* EXCL on an existing file, DIRECTORY on a file */
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/a.txt", WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, RIGHTS_RW,
			  &fd),
		  WASI_EEXIST);
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/a.txt", WASI_OFLAG_DIRECTORY, RIGHTS_RW, &fd),
		  WASI_ENOTDIR);
	/* the tmpfs limit */
	if (EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/big", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), 0)) {
		static char big[20000];

		EXPECT_EQ(io(&e, fd, true, big, sizeof(big), &n), WASI_ENOSPC);
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	}
out:
	env_fini(&e);
}

/* Parses the dirents in P_BUF; returns "name,name" and the last cookie. */
static void dirents(struct env *e, uint32_t used, char *names, size_t cap, uint64_t *last)
{
	size_t len = 0;

	names[0] = 0;
	for (uint32_t p = P_BUF; p + 24 <= P_BUF + used;) {
		uint32_t nl = rd32(e, p + 16);

		*last = rd64(e, p);
		if (p + 24 + nl > P_BUF + used)
			break; /* cut */
		if (len + nl + 2 < cap) {
			if (len)
				names[len++] = ',';
			memcpy(names + len, e->mem + p + 24, nl);
			len += nl;
			names[len] = 0;
		}
		p += 24 + nl;
	}
}

TEST(vfs_wasi, readdir_rename_unlink)
{
	struct env e;
	uint32_t fd = 0, dir = 0, n = 0;
	uint64_t cookie = 0;
	char names[256];

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(path_call(&e, wasi_path_create_directory, ROOT_FD, "tmp/d"), 0);
	EXPECT_EQ(path_call(&e, wasi_path_create_directory, ROOT_FD, "tmp/d"), WASI_EEXIST);
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/d/f1", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), 0);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/d/f2", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), 0);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	if (!EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/d", WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR, &dir),
		       0))
		goto out;
	EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, dir, P_BUF, 4096, 0, P_OUT), 0);
	dirents(&e, rd32(&e, P_OUT), names, sizeof(names), &cookie);
	EXPECT_STREQ(names, ".,..,f1,f2");
	/* a buffer that holds two entries and part of the third, then the cookie */
	EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, dir, P_BUF, 24 + 1 + 24 + 2 + 10, 0, P_OUT), 0);
	EXPECT_EQ(rd32(&e, P_OUT), 61);
	dirents(&e, rd32(&e, P_OUT), names, sizeof(names), &cookie);
	EXPECT_STREQ(names, ".,..");
	EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, dir, P_BUF, 4096, 2, P_OUT), 0);
	dirents(&e, rd32(&e, P_OUT), names, sizeof(names), &cookie);
	EXPECT_STREQ(names, "f1,f2");
	/* rename, unlink, rmdir */
	EXPECT_EQ(rename_(&e, "tmp/d/f1", "tmp/d/g"), 0);
	EXPECT_EQ(rename_(&e, "tmp/d/f1", "tmp/d/h"), WASI_ENOENT);
	EXPECT_EQ(rename_(&e, "tmp/d/g", "etc/g"), WASI_EXDEV);
	EXPECT_EQ(path_call(&e, wasi_path_remove_directory, ROOT_FD, "tmp/d"), WASI_ENOTEMPTY);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "tmp/d"), WASI_EISDIR);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "tmp/d/g"), 0);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "tmp/d/f2"), 0);
	EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, dir, P_BUF, 4096, 0, P_OUT), 0);
	dirents(&e, rd32(&e, P_OUT), names, sizeof(names), &cookie);
	EXPECT_STREQ(names, ".,..");
	EXPECT_EQ(path_call(&e, wasi_path_remove_directory, ROOT_FD, "tmp/d"), 0);
	memcpy(e.mem + P_PATH, "tmp/d", 5);
	EXPECT_EQ(wasi_path_filestat_get(&e.ctx, e.m, ROOT_FD, 0, P_PATH, 5, P_OUT), WASI_ENOENT);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, dir), 0);
	(void)n;
out:
	env_fini(&e);
}

TEST(vfs_wasi, read_only_initrd)
{
	struct env e;
	uint32_t fd = 0, n = 0;

	if (!env_init(t, &e))
		return;
	if (EXPECT_EQ(open_at(&e, ROOT_FD, "etc/motd", 0, WASI_RIGHT_FD_READ, &fd), 0)) {
		EXPECT_EQ(io(&e, fd, false, NULL, 100, &n), 0);
		EXPECT_EQ(n, 22);
		EXPECT(memcmp(e.mem + P_BUF, "Welcome", 7) == 0);
		EXPECT_EQ(io(&e, fd, true, "x", 1, &n), WASI_EBADF); /* no write right */
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	}
	EXPECT_EQ(open_at(&e, ROOT_FD, "etc/motd", 0, RIGHTS_RW, &fd), WASI_EROFS);
	EXPECT_EQ(open_at(&e, ROOT_FD, "etc/new", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), WASI_EROFS);
	EXPECT_EQ(path_call(&e, wasi_path_create_directory, ROOT_FD, "newdir"), WASI_EROFS);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "etc/motd"), WASI_EROFS);
	EXPECT_EQ(path_call(&e, wasi_path_remove_directory, ROOT_FD, "bin"), WASI_EROFS);
	EXPECT_EQ(rename_(&e, "etc/motd", "etc/m"), WASI_EROFS);
	EXPECT_EQ(open_at(&e, ROOT_FD, "etc/nope", 0, WASI_RIGHT_FD_READ, &fd), WASI_ENOENT);
	env_fini(&e);
}

TEST(vfs_wasi, sandbox)
{
	struct env e;
	uint32_t fd = 0, tmp = 0;
	int64_t h;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(open_at(&e, ROOT_FD, "../etc/motd", 0, WASI_RIGHT_FD_READ, &fd),
		  WASI_ENOTCAPABLE);
	EXPECT_EQ(open_at(&e, ROOT_FD, "/etc/motd", 0, WASI_RIGHT_FD_READ, &fd), WASI_ENOTCAPABLE);
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/../../etc", 0, WASI_RIGHT_FD_READ, &fd),
		  WASI_ENOTCAPABLE);
	if (EXPECT_EQ(open_at(&e, ROOT_FD, "tmp", WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR, &tmp),
		      0)) {
		EXPECT_EQ(open_at(&e, tmp, "../etc/motd", 0, WASI_RIGHT_FD_READ, &fd),
			  WASI_ENOTCAPABLE);
		/* ".." inside is fine (x must exist, as in POSIX) */
		EXPECT_EQ(open_at(&e, tmp, "x/../y", WASI_OFLAG_CREAT, RIGHTS_RW, &fd),
			  WASI_ENOENT);
		EXPECT_EQ(path_call(&e, wasi_path_create_directory, tmp, "x"), 0);
		EXPECT_EQ(open_at(&e, tmp, "x/../y", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), 0);
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, tmp), 0);
	}
	/* the host's own check, below wasi_path_get's */
	EXPECT_EQ(e.w.files.open(&e.w, e.ctx.fds[ROOT_FD].hfd, "a/../../etc/motd", 0, 0, true,
				 false, false, &h),
		  WASI_ENOTCAPABLE);
	EXPECT_EQ(e.w.files.stat(&e.w, e.ctx.fds[ROOT_FD].hfd, "/etc", false,
				 &(struct wasi_host_filestat){0}),
		  WASI_ENOTCAPABLE);
	EXPECT_EQ(e.w.files.mkdir(&e.w, 999, "x"), WASI_EBADF);
	env_fini(&e);
}

TEST(vfs_wasi, console_clock_poll)
{
	struct env e;
	uint32_t n = 0;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(io(&e, 1, true, "to the console\n", 15, &n), 0);
	EXPECT_EQ(e.console_len, 15);
	EXPECT(memcmp(e.console, "to the console\n", 15) == 0);
	/* stdin: nothing typed -> the guest is suspended */
	EXPECT_EQ(io(&e, 0, false, NULL, 10, &n), WASI_STATUS_BLOCKED);
	EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, 0, P_OUT), 0);
	EXPECT_EQ(e.mem[P_OUT], WASI_FILETYPE_CHARACTER_DEVICE);
	EXPECT_EQ(wasi_clock_time_get(&e.ctx, e.m, WASI_CLOCK_MONOTONIC, 1, P_OUT), 0);
	EXPECT_EQ(rd64(&e, P_OUT), 5000);
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, P_BUF, 4), 0);
	EXPECT_EQ(e.mem[P_BUF + 3], 0x5a);
	/* poll: the console is writable at once; a read waits (EAGAIN) */
	{
		struct wasi_host_pollfd p[2] = {{.hfd = e.ctx.fds[1].hfd, .want_write = true},
						{.hfd = e.ctx.fds[0].hfd}};

		EXPECT_EQ(e.env.poll(&e, p, 2, false, 0, 0), 0);
		EXPECT(p[0].ready && !p[1].ready && !p[0].hangup);
		EXPECT_EQ(e.env.poll(&e, p + 1, 1, false, 0, 0), WASI_EAGAIN);
		EXPECT_EQ(e.env.poll(&e, p + 1, 1, true, WASI_CLOCK_MONOTONIC, 9000), 0);
		EXPECT_EQ(e.now, 9000);
		EXPECT_EQ(e.waits, 2);
		EXPECT_EQ(e.env.poll(&e, NULL, 0, false, 0, 0), WASI_EINVAL);
	}
	env_fini(&e);
}

/* path_filestat_get of path from ROOT_FD into P_OUT; returns the status. */
static uint32_t stat_at(struct env *e, const char *path)
{
	memcpy(e->mem + P_PATH, path, strlen(path));
	return wasi_path_filestat_get(&e->ctx, e->m, ROOT_FD, 0, P_PATH, (uint32_t)strlen(path),
				      P_OUT);
}

TEST(vfs_wasi, guest_policy_errnos)
{
	static const char *const forbidden[] = {
		"sys/kernel/tracing",
		"sys/kernel/tracing/tracing_on",
		"sys/kernel/tracing/available_events",
		"sys/kernel/tracing/events/../tracing_on",
		"tmp/../sys/kernel/tracing/tracing_on",
		"proc/ctl",
	};
	struct env e;
	uint32_t fd = 0, n = 0;
	int64_t h;

	if (!env_init(t, &e))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++) {
		const char *p = forbidden[i];
		uint32_t w = i == 0 ? WASI_EISDIR : WASI_EACCES; /* a type error first */

		EXPECT_EQ(open_at(&e, ROOT_FD, p, 0, WASI_RIGHT_FD_READ, &fd), WASI_EACCES);
		EXPECT_EQ(open_at(&e, ROOT_FD, p, 0, RIGHTS_RW, &fd), w);
		EXPECT_EQ(open_at(&e, ROOT_FD, p, WASI_OFLAG_TRUNC, RIGHTS_RW, &fd), w);
		EXPECT_EQ(stat_at(&e, p), WASI_EACCES);
	}
	EXPECT_EQ(open_at(&e, ROOT_FD, "sys/kernel/tracing", WASI_OFLAG_DIRECTORY,
			  WASI_RIGHT_FD_READDIR, &fd),
		  WASI_EACCES);
	EXPECT_EQ(open_at(&e, ROOT_FD, "sys/kernel/tracing/new", WASI_OFLAG_CREAT, RIGHTS_RW, &fd),
		  WASI_EACCES);
	EXPECT_EQ(path_call(&e, wasi_path_create_directory, ROOT_FD, "sys/kernel/tracing/d"),
		  WASI_EACCES);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "sys/kernel/tracing/tracing_on"),
		  WASI_EACCES);
	EXPECT_EQ(path_call(&e, wasi_path_remove_directory, ROOT_FD, "sys/kernel/tracing/events"),
		  WASI_EACCES);
	EXPECT_EQ(path_call(&e, wasi_path_create_directory, ROOT_FD, "tmp/x"), 0);
	EXPECT_EQ(rename_(&e, "tmp/x", "sys/kernel/tracing/x"), WASI_EACCES);
	EXPECT_EQ(rename_(&e, "sys/kernel/tracing/events", "tmp/y"), WASI_EACCES);
	EXPECT_EQ(wasi_vfs_preopen(&e.w, "/sys/kernel/tracing", VFS_ACCESS_READ, &h), WASI_EACCES);
	EXPECT_EQ(e.knob_calls, 0u); /* not one call reached the controls */
	/* /proc: information read and listed; changes are EROFS */
	if (EXPECT_EQ(open_at(&e, ROOT_FD, "proc/meminfo", 0, WASI_RIGHT_FD_READ, &fd), 0)) {
		EXPECT_EQ(io(&e, fd, false, NULL, 100, &n), 0);
		EXPECT_EQ(n, 2);
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	}
	EXPECT_EQ(open_at(&e, ROOT_FD, "proc/meminfo", 0, RIGHTS_RW, &fd), WASI_EROFS);
	EXPECT_EQ(open_at(&e, ROOT_FD, "proc/new", WASI_OFLAG_CREAT, RIGHTS_RW, &fd), WASI_EROFS);
	EXPECT_EQ(path_call(&e, wasi_path_unlink_file, ROOT_FD, "proc/meminfo"), WASI_EROFS);
	EXPECT_EQ(stat_at(&e, "proc/meminfo"), 0);
	if (EXPECT_EQ(
		    open_at(&e, ROOT_FD, "proc", WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READDIR, &fd),
		    0)) {
		char names[128];
		uint64_t cookie = 0;

		EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, fd, P_BUF, 4096, 0, P_OUT), 0);
		dirents(&e, rd32(&e, P_OUT), names, sizeof(names), &cookie);
		EXPECT_STREQ(names, ".,..,meminfo,ctl");
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	}
	/* the initrd from /tmp through ".." is still read-only */
	EXPECT_EQ(open_at(&e, ROOT_FD, "tmp/../etc/motd", 0, RIGHTS_RW, &fd), WASI_EROFS);
	EXPECT_EQ(rename_(&e, "tmp/x", "etc/x"), WASI_EXDEV);
	EXPECT_EQ(path_call(&e, wasi_path_remove_directory, ROOT_FD, "tmp/x"), 0);
	EXPECT_EQ(e.knob_calls, 1u); /* the one read of meminfo */
	env_fini(&e);
}

TEST(vfs_wasi, a_read_only_preopen_narrows_tmp)
{
	struct env e;
	struct wasi_preopen pre = {.guest = "/ro"};
	struct wasi_config cfg = {.npreopens = 1, .preopens = &pre};
	struct wasi_ctx ro;
	uint32_t fd = 0;

	if (!env_init(t, &e))
		return;
	EXPECT_OK(vfs_test_put(e.v, "/tmp/note", "note"));
	if (!EXPECT_EQ(wasi_vfs_preopen(&e.w, "/tmp", VFS_ACCESS_READ, &pre.hfd), 0) ||
	    !EXPECT_OK(wasi_ctx_init(&ro, &e.env, wasi_vfs_files(&e.w), &cfg))) {
		env_fini(&e);
		return;
	}
	memcpy(e.mem + P_PATH, "note", 4);
	EXPECT_EQ(
		wasi_path_open(&ro, e.m, ROOT_FD, 0, P_PATH, 4, 0, RIGHTS_RW, RIGHTS_RW, 0, P_OUT),
		WASI_EROFS);
	EXPECT_EQ(wasi_path_open(&ro, e.m, ROOT_FD, 0, P_PATH, 4, 0, WASI_RIGHT_FD_READ,
				 WASI_RIGHT_FD_READ, 0, P_OUT),
		  0);
	fd = rd32(&e, P_OUT);
	EXPECT_EQ(wasi_fd_close(&ro, e.m, fd), 0);
	EXPECT_EQ(wasi_path_unlink_file(&ro, e.m, ROOT_FD, P_PATH, 4), WASI_EROFS);
	memcpy(e.mem + P_PATH, "../etc/motd", 11);
	EXPECT_EQ(wasi_path_filestat_get(&ro, e.m, ROOT_FD, 0, P_PATH, 11, P_OUT),
		  WASI_ENOTCAPABLE);
	wasi_ctx_destroy(&ro);
	env_fini(&e);
}

TEST(vfs_wasi, kernel_handles_are_not_guest_directories)
{
	struct env e;
	struct wasi_host_filestat st;
	int64_t kh = -1, h;

	if (!env_init(t, &e))
		return;
	/* a directory the kernel opened for itself: no guest path from it */
	if (EXPECT_EQ(wasi_vfs_open(&e.w, "/", VFS_O_READ | VFS_O_DIRECTORY, &kh), 0)) {
		EXPECT_EQ(e.w.files.open(&e.w, kh, "etc/motd", 0, 0, true, false, false, &h),
			  WASI_ENOTCAPABLE);
		EXPECT_EQ(e.w.files.stat(&e.w, kh, "sys/kernel/tracing", false, &st),
			  WASI_ENOTCAPABLE);
		EXPECT_EQ(e.w.files.mkdir(&e.w, kh, "tmp/k"), WASI_ENOTCAPABLE);
		EXPECT_EQ(e.w.files.rename(&e.w, e.ctx.fds[ROOT_FD].hfd, "tmp/a", kh, "tmp/b"),
			  WASI_ENOTCAPABLE);
		EXPECT_EQ(e.w.files.close(&e.w, kh), 0);
	}
	env_fini(&e);
}

/* Every value of `n` bytes at p, read as u64s at the given offsets, is
 * small: a counter, never a host address. */
static bool all_small(struct env *e, uint32_t p, const uint32_t *offs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rd64(e, p + offs[i]) >> 32)
			return false;
	return true;
}

TEST(vfs_wasi, no_host_pointer_reaches_the_guest)
{
	static const char *const paths[] = {".",    "etc",	    "etc/motd",	 "tmp",
					    "proc", "proc/meminfo", "sys/kernel"};
	static const uint32_t stat_ids[] = {0, 8};	 /* filestat dev, ino */
	static const uint32_t dirent_ids[] = {0, 8};	 /* d_next, d_ino */
	static const uint32_t fdstat_rights[] = {8, 16}; /* rights: below 2^30 */
	struct env e;
	uint32_t fd = 0;

	if (!env_init(t, &e))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!EXPECT_EQ(stat_at(&e, paths[i]), 0))
			continue;
		if (!EXPECT(all_small(&e, P_OUT, stat_ids, 2)))
			test_printf(t, "%s: dev %llx ino %llx\n", paths[i],
				    (unsigned long long)rd64(&e, P_OUT),
				    (unsigned long long)rd64(&e, P_OUT + 8));
	}
	for (uint32_t f = 0; f <= ROOT_FD; f++) {
		EXPECT_EQ(wasi_fd_filestat_get(&e.ctx, e.m, f, P_OUT), 0);
		EXPECT(all_small(&e, P_OUT, stat_ids, 2));
		EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, f, P_OUT), 0);
		EXPECT(all_small(&e, P_OUT, fdstat_rights, 2));
	}
	EXPECT_EQ(wasi_fd_prestat_get(&e.ctx, e.m, ROOT_FD, P_OUT), 0);
	EXPECT_EQ(rd32(&e, P_OUT + 4), 1u); /* the name's length, "/" */
	/* every dirent of the directories a guest may list */
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		uint32_t used;

		if (!EXPECT_EQ(open_at(&e, ROOT_FD, paths[i], 0, WASI_RIGHT_FD_READ, &fd), 0))
			continue;
		if (wasi_fd_readdir(&e.ctx, e.m, fd, P_BUF, 4096, 0, P_OUT) == 0) {
			used = rd32(&e, P_OUT);
			for (uint32_t p = P_BUF; p + 24 <= P_BUF + used; p += 24 + rd32(&e, p + 16))
				EXPECT(all_small(&e, p, dirent_ids, 2));
		}
		EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, fd), 0);
	}
	env_fini(&e);
}
