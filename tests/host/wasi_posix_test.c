/*
 * wasi_posix_test.c - the WASI functions over the POSIX host in a
 * temporary directory: files, directories, readdir, stdio through a pipe,
 * a real sleep, and sandbox escapes through `..` and symlinks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/test.h"
#include "wasi/host/wasi_posix.h"
#include "wasi/wasi.h"

#define MEM_SIZE 65536u

struct px {
	char root[64];
	char outside[64];
	int pipe[2];
	struct wasi_ctx ctx;
	uint8_t *mem;
	struct wasi_mem m;
};

static bool px_init(struct test_ctx *t, struct px *p)
{
	struct wasi_preopen pre = {.guest = "/sandbox"};
	struct wasi_config cfg = {.stdio = {0, 1, 2}, .npreopens = 1, .preopens = &pre};
	char path[128];

	memset(p, 0, sizeof(*p));
	strcpy(p->outside, "/tmp/wasi_px_XXXXXX");
	if (!EXPECT(mkdtemp(p->outside)))
		return false;
	snprintf(p->root, sizeof(p->root), "%s/root", p->outside);
	if (!EXPECT_OK(mkdir(p->root, 0700)) || !EXPECT_OK(pipe(p->pipe)))
		return false;
	snprintf(path, sizeof(path), "%s/secret", p->outside);
	FILE *f = fopen(path, "w");
	if (!EXPECT(f))
		return false;
	fputs("secret", f);
	fclose(f);
	cfg.stdio[1] = p->pipe[1];
	if (!EXPECT_OK(wasi_posix_open_dir(p->root, &pre.hfd)))
		return false;
	p->mem = calloc(1, MEM_SIZE);
	p->m = (struct wasi_mem){p->mem, MEM_SIZE};
	return EXPECT(p->mem) &&
	       EXPECT_OK(wasi_ctx_init(&p->ctx, wasi_posix_env(), wasi_posix_files(), &cfg));
}

static void px_fini(struct px *p)
{
	char cmd[160];

	wasi_ctx_destroy(&p->ctx);
	free(p->mem);
	close(p->pipe[0]);
	close(p->pipe[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->outside);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", p->outside);
}

static uint32_t rd32(struct px *p, uint32_t a)
{
	uint32_t v;

	memcpy(&v, p->mem + a, 4);
	return v;
}

static uint64_t rd64(struct px *p, uint32_t a)
{
	uint64_t v;

	memcpy(&v, p->mem + a, 8);
	return v;
}

static void wr32(struct px *p, uint32_t a, uint32_t v)
{
	memcpy(p->mem + a, &v, 4);
}

/* Puts `s` at 300 and calls path_open on the preopen; fd at 400. */
static uint32_t px_open(struct px *p, const char *s, uint32_t lookup, uint32_t oflags,
			uint64_t rights)
{
	size_t n = strlen(s);

	memcpy(p->mem + 300, s, n);
	return wasi_path_open(&p->ctx, p->m, 3, lookup, 300, (uint32_t)n, oflags, rights,
			      WASI_RIGHTS_ALL, 0, 400);
}

static uint32_t px_path(struct px *p,
			uint32_t (*fn)(struct wasi_ctx *, struct wasi_mem, uint32_t, uint32_t,
				       uint32_t),
			const char *s)
{
	size_t n = strlen(s);

	memcpy(p->mem + 300, s, n);
	return fn(&p->ctx, p->m, 3, 300, (uint32_t)n);
}

TEST(wasi_posix, file_roundtrip)
{
	struct px p;
	uint32_t fd;

	if (!px_init(t, &p))
		return;
	EXPECT_EQ(px_open(&p, "f.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC, WASI_RIGHTS_ALL), 0);
	fd = rd32(&p, 400);
	EXPECT_EQ(fd, 4);
	memcpy(p.mem + 1000, "0123456789", 10);
	wr32(&p, 100, 1000);
	wr32(&p, 104, 10);
	EXPECT_EQ(wasi_fd_write(&p.ctx, p.m, fd, 100, 1, 200), 0);
	EXPECT_EQ(rd32(&p, 200), 10);
	EXPECT_EQ(wasi_fd_tell(&p.ctx, p.m, fd, 208), 0);
	EXPECT_EQ(rd64(&p, 208), 10);
	EXPECT_EQ(wasi_fd_seek(&p.ctx, p.m, fd, -4, WASI_WHENCE_END, 208), 0);
	EXPECT_EQ(rd64(&p, 208), 6);
	EXPECT_EQ(wasi_fd_seek(&p.ctx, p.m, fd, 0, 7, 208), WASI_EINVAL);
	wr32(&p, 100, 2000);
	EXPECT_EQ(wasi_fd_read(&p.ctx, p.m, fd, 100, 1, 200), 0);
	EXPECT_EQ(rd32(&p, 200), 4);
	EXPECT(memcmp(p.mem + 2000, "6789", 4) == 0);
	EXPECT_EQ(wasi_fd_read(&p.ctx, p.m, fd, 100, 1, 200), 0); /* EOF */
	EXPECT_EQ(rd32(&p, 200), 0);
	EXPECT_EQ(wasi_fd_pread(&p.ctx, p.m, fd, 100, 1, 2, 200), 0);
	EXPECT_EQ(rd32(&p, 200), 8);
	EXPECT(memcmp(p.mem + 2000, "23456789", 8) == 0);
	EXPECT_EQ(wasi_fd_filestat_get(&p.ctx, p.m, fd, 500), 0);
	EXPECT_EQ(rd64(&p, 532), 10);
	EXPECT_EQ(p.mem[516], WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(wasi_fd_fdstat_get(&p.ctx, p.m, fd, 600), 0);
	EXPECT_EQ(p.mem[600], WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(wasi_fd_fdstat_set_flags(&p.ctx, p.m, fd, WASI_FDFLAG_APPEND), 0);
	EXPECT_EQ(wasi_fd_sync(&p.ctx, p.m, fd), 0);
	EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, fd), 0);
	EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, fd), WASI_EBADF);
	/* read-only open: writes are refused */
	EXPECT_EQ(px_open(&p, "f.txt", 0, 0, WASI_RIGHT_FD_READ), 0);
	fd = rd32(&p, 400);
	wr32(&p, 100, 1000);
	EXPECT_EQ(wasi_fd_write(&p.ctx, p.m, fd, 100, 1, 200), WASI_EBADF);
	EXPECT_EQ(px_open(&p, "f.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, WASI_RIGHTS_ALL),
		  WASI_EEXIST);
	EXPECT_EQ(px_open(&p, "nope", 0, 0, WASI_RIGHTS_ALL), WASI_ENOENT);
	px_fini(&p);
}

TEST(wasi_posix, directories)
{
	struct px p;
	uint32_t fd, used;
	bool seen_a = false, seen_b = false;

	if (!px_init(t, &p))
		return;
	EXPECT_EQ(px_path(&p, wasi_path_create_directory, "d"), 0);
	EXPECT_EQ(px_path(&p, wasi_path_create_directory, "d"), WASI_EEXIST);
	EXPECT_EQ(px_open(&p, "d/a", 0, WASI_OFLAG_CREAT, WASI_RIGHTS_ALL), 0);
	EXPECT_EQ(px_open(&p, "d/bb", 0, WASI_OFLAG_CREAT, WASI_RIGHTS_ALL), 0);
	memcpy(p.mem + 300, "d", 1);
	EXPECT_EQ(wasi_path_filestat_get(&p.ctx, p.m, 3, 0, 300, 1, 500), 0);
	EXPECT_EQ(p.mem[516], WASI_FILETYPE_DIRECTORY);
	EXPECT_EQ(px_open(&p, "d", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR), 0);
	fd = rd32(&p, 400);
	EXPECT_EQ(wasi_fd_readdir(&p.ctx, p.m, fd, 1000, 4096, 0, 200), 0);
	used = rd32(&p, 200);
	EXPECT_LT(used, 4096);
	for (uint32_t off = 0; off + 24 <= used;) {
		uint32_t len = rd32(&p, 1000 + off + 16);
		const char *name = (const char *)p.mem + 1000 + off + 24;

		if (len == 1 && name[0] == 'a')
			seen_a = p.mem[1000 + off + 20] == WASI_FILETYPE_REGULAR_FILE;
		if (len == 2 && memcmp(name, "bb", 2) == 0)
			seen_b = true;
		off += 24 + len;
	}
	EXPECT(seen_a);
	EXPECT(seen_b);
	/* a small buffer is filled completely; the last entry is cut */
	EXPECT_EQ(wasi_fd_readdir(&p.ctx, p.m, fd, 1000, 30, 0, 200), 0);
	EXPECT_EQ(rd32(&p, 200), 30);
	/* resume at the second entry's cookie */
	EXPECT_EQ(wasi_fd_readdir(&p.ctx, p.m, fd, 1000, 4096, rd64(&p, 1000), 200), 0);
	EXPECT_LT(rd32(&p, 200), used);
	EXPECT_EQ(wasi_fd_readdir(&p.ctx, p.m, 1, 1000, 4096, 0, 200), WASI_ENOTDIR);
	EXPECT_EQ(wasi_fd_readdir(&p.ctx, p.m, fd, MEM_SIZE - 10, 4096, 0, 200), WASI_EFAULT);
	EXPECT_EQ(px_path(&p, wasi_path_remove_directory, "d"), WASI_ENOTEMPTY);
	memcpy(p.mem + 300, "d/a", 3);
	memcpy(p.mem + 310, "d/c", 3);
	EXPECT_EQ(wasi_path_rename(&p.ctx, p.m, 3, 300, 3, 3, 310, 3), 0);
	EXPECT_EQ(px_open(&p, "d/a", 0, 0, WASI_RIGHTS_ALL), WASI_ENOENT);
	EXPECT_EQ(px_path(&p, wasi_path_unlink_file, "d/c"), 0);
	EXPECT_EQ(px_path(&p, wasi_path_unlink_file, "d/bb"), 0);
	EXPECT_EQ(px_path(&p, wasi_path_unlink_file, "d"), WASI_EISDIR);
	EXPECT_EQ(px_path(&p, wasi_path_remove_directory, "d"), 0);
	px_fini(&p);
}

TEST(wasi_posix, sandbox_escapes)
{
	struct px p;
	char link[160];

	if (!px_init(t, &p))
		return;
	EXPECT_EQ(px_path(&p, wasi_path_create_directory, "sub"), 0);
	EXPECT_EQ(px_open(&p, "sub/in", 0, WASI_OFLAG_CREAT, WASI_RIGHTS_ALL), 0);
	snprintf(link, sizeof(link), "%s/sub/abs", p.root);
	EXPECT_OK(symlink(p.outside, link));
	snprintf(link, sizeof(link), "%s/sub/up", p.root);
	EXPECT_OK(symlink("../..", link));
	snprintf(link, sizeof(link), "%s/sub/upfile", p.root);
	EXPECT_OK(symlink("../../secret", link));
	snprintf(link, sizeof(link), "%s/ok", p.root);
	EXPECT_OK(symlink("sub/./in", link));
	snprintf(link, sizeof(link), "%s/okdir", p.root);
	EXPECT_OK(symlink("sub", link));
	snprintf(link, sizeof(link), "%s/loop", p.root);
	EXPECT_OK(symlink("loop", link));

	EXPECT_EQ(px_open(&p, "../secret", 0, 0, WASI_RIGHTS_ALL), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_open(&p, "/etc/passwd", 0, 0, WASI_RIGHTS_ALL), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_open(&p, "sub/abs/secret", 1, 0, WASI_RIGHTS_ALL), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_open(&p, "sub/up/secret", 1, 0, WASI_RIGHTS_ALL), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_open(&p, "sub/upfile", 1, 0, WASI_RIGHTS_ALL), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_open(&p, "sub/abs", 1, WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR),
		  WASI_ENOTCAPABLE);
	/* not following the last symlink: it is not opened through */
	EXPECT_EQ(px_open(&p, "sub/upfile", 0, 0, WASI_RIGHTS_ALL), WASI_ELOOP);
	EXPECT_EQ(px_open(&p, "loop", 1, 0, WASI_RIGHTS_ALL), WASI_ELOOP);
	/* creating through an escaping symlink does not create outside */
	EXPECT_EQ(px_open(&p, "sub/up/created", 1, WASI_OFLAG_CREAT, WASI_RIGHTS_ALL),
		  WASI_ENOTCAPABLE);
	snprintf(link, sizeof(link), "%s/created", p.outside);
	EXPECT(access(link, F_OK) != 0);
	EXPECT_EQ(px_path(&p, wasi_path_create_directory, "sub/up/newdir"), WASI_ENOTCAPABLE);
	EXPECT_EQ(px_path(&p, wasi_path_unlink_file, "sub/abs/secret"), WASI_ENOTCAPABLE);
	snprintf(link, sizeof(link), "%s/secret", p.outside);
	EXPECT_OK(access(link, F_OK));
	memcpy(p.mem + 300, "sub/up/secret", 13);
	EXPECT_EQ(wasi_path_filestat_get(&p.ctx, p.m, 3, 1, 300, 13, 500), WASI_ENOTCAPABLE);
	/* symlinks that stay inside are followed */
	EXPECT_EQ(px_open(&p, "ok", 1, 0, WASI_RIGHTS_ALL), 0);
	EXPECT_EQ(px_open(&p, "okdir/in", 0, 0, WASI_RIGHTS_ALL), 0);
	EXPECT_EQ(px_open(&p, "okdir/../sub/in", 0, 0, WASI_RIGHTS_ALL), 0);
	EXPECT_EQ(px_open(&p, "sub/..", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR), 0);
	/* a directory opened inside is itself a sandbox root */
	EXPECT_EQ(px_open(&p, "sub", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR), 0);
	{
		uint32_t sub = rd32(&p, 400);

		memcpy(p.mem + 300, "../ok", 5);
		EXPECT_EQ(
			wasi_path_open(&p.ctx, p.m, sub, 1, 300, 5, 0, WASI_RIGHTS_ALL, 0, 0, 400),
			WASI_ENOTCAPABLE);
		memcpy(p.mem + 300, "in", 2);
		EXPECT_EQ(
			wasi_path_open(&p.ctx, p.m, sub, 1, 300, 2, 0, WASI_RIGHTS_ALL, 0, 0, 400),
			0);
	}
	px_fini(&p);
}

TEST(wasi_posix, stdout_pipe_and_sleep)
{
	struct timespec a, b;
	char buf[16] = {0};
	struct px p;

	if (!px_init(t, &p))
		return;
	memcpy(p.mem + 1000, "out!", 4);
	wr32(&p, 100, 1000);
	wr32(&p, 104, 4);
	EXPECT_EQ(wasi_fd_write(&p.ctx, p.m, 1, 100, 1, 200), 0);
	EXPECT_EQ(read(p.pipe[0], buf, sizeof(buf)), 4);
	EXPECT_STREQ(buf, "out!");
	EXPECT_EQ(wasi_fd_fdstat_get(&p.ctx, p.m, 1, 600), 0);
	EXPECT_EQ(p.mem[600], WASI_FILETYPE_UNKNOWN); /* a pipe: not a tty */
	/* poll_oneoff: one relative 2 ms monotonic clock */
	memset(p.mem + 2000, 0, 48);
	p.mem[2000] = 5;
	wr32(&p, 2016, WASI_CLOCK_MONOTONIC);
	memcpy(p.mem + 2024, &(uint64_t){2000000}, 8);
	clock_gettime(CLOCK_MONOTONIC, &a);
	EXPECT_EQ(wasi_poll_oneoff(&p.ctx, p.m, 2000, 3000, 1, 200), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	EXPECT_EQ(rd32(&p, 200), 1);
	EXPECT_EQ(p.mem[3000], 5);
	EXPECT_GE((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec), 2000000);
	/* fd_write subscription on the pipe is ready at once */
	p.mem[2008] = 2;
	wr32(&p, 2016, 1);
	EXPECT_EQ(wasi_poll_oneoff(&p.ctx, p.m, 2000, 3000, 1, 200), 0);
	EXPECT_EQ(p.mem[3010], 2);
	px_fini(&p);
}
