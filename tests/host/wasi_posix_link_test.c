/*
 * wasi_posix_link_test.c - the preview1 calls on links, times, sizes and
 * rights over the POSIX host in a temporary directory: path_symlink,
 * path_readlink, path_link, fd/path_filestat_set_times,
 * fd_filestat_set_size, fd_fdstat_set_rights, fd_allocate, fd_advise,
 * sock_shutdown, and the rights and trailing-slash rules of lib/wasi
 * (the answers wasmtime and the official WASI testsuite expect).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/test.h"
#include "wasi/host/wasi_posix.h"
#include "wasi/wasi.h"

#define MEM_SIZE 65536u
#define PRE	 3u /* the preopen */
#define A_PATH	 300u
#define B_PATH	 1300u
#define A_OUT	 400u
#define A_BUF	 2000u

struct lx {
	char root[64];
	char outside[64];
	struct wasi_ctx ctx;
	uint8_t *mem;
	struct wasi_mem m;
};

static bool lx_init(struct test_ctx *t, struct lx *p)
{
	struct wasi_preopen pre = {.guest = "/"};
	struct wasi_config cfg = {.stdio = {0, 1, 2}, .npreopens = 1, .preopens = &pre};

	memset(p, 0, sizeof(*p));
	strcpy(p->outside, "/tmp/wasi_lx_XXXXXX");
	if (!EXPECT(mkdtemp(p->outside)))
		return false;
	snprintf(p->root, sizeof(p->root), "%s/root", p->outside);
	if (!EXPECT_OK(mkdir(p->root, 0700)))
		return false;
	if (!EXPECT_OK(wasi_posix_open_dir(p->root, &pre.hfd)))
		return false;
	p->mem = calloc(1, MEM_SIZE);
	p->m = (struct wasi_mem){p->mem, MEM_SIZE};
	return EXPECT(p->mem) &&
	       EXPECT_OK(wasi_ctx_init(&p->ctx, wasi_posix_env(), wasi_posix_files(), &cfg));
}

static void lx_fini(struct lx *p)
{
	char cmd[160];

	wasi_ctx_destroy(&p->ctx);
	free(p->mem);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->outside);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", p->outside);
}

static uint32_t rd32(struct lx *p, uint32_t a)
{
	uint32_t v;

	memcpy(&v, p->mem + a, 4);
	return v;
}

static uint64_t rd64(struct lx *p, uint32_t a)
{
	uint64_t v;

	memcpy(&v, p->mem + a, 8);
	return v;
}

/* Puts `s` in guest memory at `at`; returns its length. */
static uint32_t put(struct lx *p, uint32_t at, const char *s)
{
	size_t n = strlen(s);

	memcpy(p->mem + at, s, n);
	return (uint32_t)n;
}

/* path_open on `dir`; the new fd in *fd. */
static uint32_t lx_open(struct lx *p, uint32_t dir, const char *s, uint32_t lookup, uint32_t oflags,
			uint64_t base, uint32_t *fd)
{
	uint32_t n = put(p, A_PATH, s);
	uint32_t e = wasi_path_open(&p->ctx, p->m, dir, lookup, A_PATH, n, oflags, base,
				    WASI_RIGHTS_ALL, 0, A_OUT);

	if (e == 0)
		*fd = rd32(p, A_OUT);
	return e;
}

static uint32_t lx_create(struct lx *p, const char *s)
{
	uint32_t fd, e = lx_open(p, PRE, s, 0, WASI_OFLAG_CREAT, WASI_RIGHT_FD_READ, &fd);

	return e ? e : wasi_fd_close(&p->ctx, p->m, fd);
}

static uint32_t lx_symlink(struct lx *p, const char *target, const char *path)
{
	uint32_t tn = put(p, B_PATH, target), pn = put(p, A_PATH, path);

	return wasi_path_symlink(&p->ctx, p->m, B_PATH, tn, PRE, A_PATH, pn);
}

static uint32_t lx_link(struct lx *p, uint32_t lookup, const char *from, const char *to)
{
	uint32_t fn = put(p, A_PATH, from), tn = put(p, B_PATH, to);

	return wasi_path_link(&p->ctx, p->m, PRE, lookup, A_PATH, fn, PRE, B_PATH, tn);
}

static uint32_t lx_unlink(struct lx *p, const char *s)
{
	return wasi_path_unlink_file(&p->ctx, p->m, PRE, A_PATH, put(p, A_PATH, s));
}

static uint32_t lx_mkdir(struct lx *p, const char *s)
{
	return wasi_path_create_directory(&p->ctx, p->m, PRE, A_PATH, put(p, A_PATH, s));
}

/* path_filestat_get of `s` (following links when `follow`): its type. */
static uint32_t lx_type(struct lx *p, const char *s, bool follow, uint8_t *type)
{
	uint32_t n = put(p, A_PATH, s);
	uint32_t e = wasi_path_filestat_get(&p->ctx, p->m, PRE, follow, A_PATH, n, A_BUF);

	if (e == 0)
		*type = p->mem[A_BUF + 16];
	return e;
}

TEST(wasi_posix_link, symlink_readlink)
{
	struct lx p;
	uint8_t type = 0;
	uint32_t n;

	if (!lx_init(t, &p))
		return;
	EXPECT_EQ(lx_create(&p, "target"), 0);
	EXPECT_EQ(lx_symlink(&p, "target", "link"), 0);
	EXPECT_EQ(lx_symlink(&p, "target", "link"), WASI_EEXIST);
	EXPECT_EQ(lx_type(&p, "link", false, &type), 0);
	EXPECT_EQ(type, WASI_FILETYPE_SYMBOLIC_LINK);
	EXPECT_EQ(lx_type(&p, "link", true, &type), 0);
	EXPECT_EQ(type, WASI_FILETYPE_REGULAR_FILE);
	/* whole, then cut to the buffer, the rest of the buffer untouched */
	n = put(&p, A_PATH, "link");
	memset(p.mem + A_BUF, 0, 16);
	EXPECT_EQ(wasi_path_readlink(&p.ctx, p.m, PRE, A_PATH, n, A_BUF, 10, A_OUT), 0);
	EXPECT_EQ(rd32(&p, A_OUT), 6);
	EXPECT(memcmp(p.mem + A_BUF, "target\0\0\0\0", 10) == 0);
	EXPECT_EQ(wasi_path_readlink(&p.ctx, p.m, PRE, A_PATH, n, A_BUF + 100, 4, A_OUT), 0);
	EXPECT_EQ(rd32(&p, A_OUT), 4);
	EXPECT(memcmp(p.mem + A_BUF + 100, "targ", 4) == 0);
	EXPECT_EQ(wasi_path_readlink(&p.ctx, p.m, PRE, A_PATH, n, MEM_SIZE - 2, 4, A_OUT),
		  WASI_EFAULT);
	/* not a link: EINVAL */
	n = put(&p, A_PATH, "target");
	EXPECT_EQ(wasi_path_readlink(&p.ctx, p.m, PRE, A_PATH, n, A_BUF, 10, A_OUT), WASI_EINVAL);
	/* an absolute target is refused; one with ".." is kept as data */
	EXPECT_EQ(lx_symlink(&p, "/", "abs"), WASI_EPERM);
	EXPECT_EQ(lx_symlink(&p, "", "empty"), WASI_ENOENT);
	EXPECT_EQ(lx_symlink(&p, "../../secret", "up"), 0);
	/* following it would leave the preopen: refused, nothing opened */
	EXPECT_EQ(lx_open(&p, PRE, "up", WASI_LOOKUP_SYMLINK_FOLLOW, 0, WASI_RIGHT_FD_READ, &n),
		  WASI_ENOTCAPABLE);
	/* not following a link: ELOOP (O_NOFOLLOW) */
	EXPECT_EQ(lx_open(&p, PRE, "link", 0, 0, WASI_RIGHT_FD_READ, &n), WASI_ELOOP);
	EXPECT_EQ(lx_unlink(&p, "link"), 0);
	EXPECT_EQ(lx_unlink(&p, "up"), 0);
	/* a loop */
	EXPECT_EQ(lx_symlink(&p, "loop", "loop"), 0);
	EXPECT_EQ(lx_open(&p, PRE, "loop", WASI_LOOKUP_SYMLINK_FOLLOW, 0, WASI_RIGHT_FD_READ, &n),
		  WASI_ELOOP);
	lx_fini(&p);
}

TEST(wasi_posix_link, trailing_slashes)
{
	struct lx p;
	char host[96];
	uint8_t type;

	if (!lx_init(t, &p))
		return;
	EXPECT_EQ(lx_create(&p, "file"), 0);
	/* unlink "file/" fails and keeps the file */
	EXPECT_EQ(lx_unlink(&p, "file/"), WASI_ENOTDIR);
	snprintf(host, sizeof(host), "%s/file", p.root);
	EXPECT_EQ(access(host, F_OK), 0);
	EXPECT_EQ(lx_mkdir(&p, "dir"), 0);
	EXPECT_EQ(lx_unlink(&p, "dir"), WASI_EISDIR);
	EXPECT_EQ(lx_unlink(&p, "dir/"), WASI_EISDIR);
	EXPECT_EQ(lx_unlink(&p, "nothing/"), WASI_ENOENT);
	/* symlink to a name with a slash */
	EXPECT_EQ(lx_symlink(&p, "x", "new/"), WASI_ENOENT);
	EXPECT_EQ(lx_symlink(&p, "x", "dir/"), WASI_EEXIST);
	EXPECT_EQ(lx_symlink(&p, "x", "file/"), WASI_ENOTDIR);
	/* link: the same rules for the new name */
	EXPECT_EQ(lx_link(&p, 0, "file", "new/"), WASI_ENOENT);
	EXPECT_EQ(lx_link(&p, 0, "file/", "new"), WASI_ENOTDIR);
	/* a slash names a directory for stat too */
	EXPECT_EQ(lx_type(&p, "file/", false, &type), WASI_ENOTDIR);
	EXPECT_EQ(lx_type(&p, "dir/", false, &type), 0);
	/* the file is still there */
	EXPECT_EQ(lx_type(&p, "file", false, &type), 0);
	EXPECT_EQ(type, WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(lx_unlink(&p, "file"), 0);
	lx_fini(&p);
}

TEST(wasi_posix_link, hard_links)
{
	struct lx p;
	uint32_t n;

	if (!lx_init(t, &p))
		return;
	EXPECT_EQ(lx_create(&p, "file"), 0);
	EXPECT_EQ(lx_link(&p, 0, "file", "link"), 0);
	n = put(&p, A_PATH, "file");
	EXPECT_EQ(wasi_path_filestat_get(&p.ctx, p.m, PRE, 0, A_PATH, n, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 24), 2); /* nlink */
	EXPECT_EQ(lx_link(&p, 0, "file", "link"), WASI_EEXIST);
	EXPECT_EQ(lx_link(&p, 0, "file", "file"), WASI_EEXIST);
	EXPECT_EQ(lx_mkdir(&p, "dir"), 0);
	EXPECT_EQ(lx_link(&p, 0, "dir", "dlink"), WASI_EPERM);
	/* a dangling symlink: linked itself, or ENOENT when followed */
	EXPECT_EQ(lx_symlink(&p, "missing", "dangling"), 0);
	EXPECT_EQ(lx_link(&p, 0, "dangling", "l2"), 0);
	EXPECT_EQ(lx_link(&p, WASI_LOOKUP_SYMLINK_FOLLOW, "dangling", "l3"), WASI_ENOENT);
	EXPECT_EQ(lx_link(&p, 2, "file", "l4"), WASI_EINVAL);
	lx_fini(&p);
}

TEST(wasi_posix_link, size_times_allocate)
{
	struct lx p;
	uint32_t fd, dir, n;

	if (!lx_init(t, &p))
		return;
	if (!EXPECT_EQ(lx_open(&p, PRE, "f", 0, WASI_OFLAG_CREAT,
			       WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE |
				       WASI_RIGHT_FD_FILESTAT_SET_SIZE |
				       WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_FD_ALLOCATE |
				       WASI_RIGHT_FD_ADVISE,
			       &fd),
		       0))
		goto out;
	EXPECT_EQ(wasi_fd_filestat_set_size(&p.ctx, p.m, fd, 1000), 0);
	EXPECT_EQ(wasi_fd_filestat_get(&p.ctx, p.m, fd, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 32), 1000);
	EXPECT_EQ(wasi_fd_filestat_set_size(&p.ctx, p.m, fd, 10), 0);
	EXPECT_EQ(wasi_fd_filestat_get(&p.ctx, p.m, fd, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 32), 10);
	EXPECT_EQ(wasi_fd_filestat_set_size(&p.ctx, p.m, fd, UINT64_MAX), WASI_EINVAL);
	/* times: given, unchanged, and the flags' conflicts */
	EXPECT_EQ(wasi_fd_filestat_set_times(&p.ctx, p.m, fd, 5000000000u, 7000000123u,
					     WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM),
		  0);
	EXPECT_EQ(wasi_fd_filestat_get(&p.ctx, p.m, fd, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 40), 5000000000u);
	EXPECT_EQ(rd64(&p, A_BUF + 48), 7000000123u);
	EXPECT_EQ(wasi_fd_filestat_set_times(&p.ctx, p.m, fd, 1, 9000000000u, WASI_FSTFLAG_MTIM),
		  0);
	EXPECT_EQ(wasi_fd_filestat_get(&p.ctx, p.m, fd, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 40), 5000000000u);
	EXPECT_EQ(rd64(&p, A_BUF + 48), 9000000000u);
	EXPECT_EQ(wasi_fd_filestat_set_times(&p.ctx, p.m, fd, 1, 2,
					     WASI_FSTFLAG_MTIM | WASI_FSTFLAG_MTIM_NOW),
		  WASI_EINVAL);
	EXPECT_EQ(wasi_fd_filestat_set_times(&p.ctx, p.m, fd, 1, 2,
					     WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW),
		  WASI_EINVAL);
	EXPECT_EQ(wasi_fd_filestat_set_times(&p.ctx, p.m, fd, 1, 2, 0x10), WASI_EINVAL);
	n = put(&p, A_PATH, "f");
	EXPECT_EQ(wasi_path_filestat_set_times(&p.ctx, p.m, PRE, 0, A_PATH, n, 3000000000u, 0,
					       WASI_FSTFLAG_ATIM),
		  0);
	EXPECT_EQ(wasi_path_filestat_get(&p.ctx, p.m, PRE, 0, A_PATH, n, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 40), 3000000000u);
	EXPECT_EQ(rd64(&p, A_BUF + 48), 9000000000u);
	/* allocate: ENOTSUP, as wasmtime; advise: a hint */
	EXPECT_EQ(wasi_fd_allocate(&p.ctx, p.m, fd, 0, 100), WASI_ENOTSUP);
	EXPECT_EQ(wasi_fd_advise(&p.ctx, p.m, fd, 0, 100, 1), 0);
	EXPECT_EQ(wasi_fd_advise(&p.ctx, p.m, fd, 0, 100, 6), WASI_EINVAL);
	/* sockets: none */
	EXPECT_EQ(wasi_sock_shutdown(&p.ctx, p.m, fd, 3), WASI_ENOTSOCK);
	EXPECT_EQ(wasi_sock_shutdown(&p.ctx, p.m, 77, 3), WASI_EBADF);
	EXPECT_EQ(wasi_sock_accept(&p.ctx, p.m, fd, 0, A_OUT), WASI_ENOTSOCK);
	EXPECT_EQ(wasi_sock_recv(&p.ctx, p.m, fd, A_BUF, 0, 0, A_OUT, A_OUT + 4), WASI_ENOTSOCK);
	EXPECT_EQ(wasi_sock_send(&p.ctx, p.m, 1, A_BUF, 0, 0, A_OUT), WASI_ENOTSOCK);
	EXPECT_EQ(wasi_sock_send(&p.ctx, p.m, 77, A_BUF, 0, 0, A_OUT), WASI_EBADF);
	EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, fd), 0);
	/* a directory: none of these */
	if (EXPECT_EQ(lx_open(&p, PRE, ".", 0, WASI_OFLAG_DIRECTORY,
			      WASI_RIGHTS_ALL & ~WASI_RIGHT_FD_WRITE, &dir),
		      0)) {
		EXPECT_EQ(wasi_fd_filestat_set_size(&p.ctx, p.m, dir, 0), WASI_ENOTCAPABLE);
		EXPECT_EQ(wasi_fd_allocate(&p.ctx, p.m, dir, 0, 1), WASI_ENOTCAPABLE);
		EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, dir), 0);
	}
out:
	lx_fini(&p);
}

TEST(wasi_posix_link, rights)
{
	struct lx p;
	uint32_t fd, dir;

	if (!lx_init(t, &p))
		return;
	/* the preopen: directory rights, no seek, read or write */
	EXPECT_EQ(wasi_fd_fdstat_get(&p.ctx, p.m, PRE, A_BUF), 0);
	EXPECT_EQ(rd64(&p, A_BUF + 8), WASI_RIGHTS_DIR);
	EXPECT_EQ(rd64(&p, A_BUF + 16), WASI_RIGHTS_ALL);
	/* "." with the preopen's own rights, with none, and as a directory */
	if (EXPECT_EQ(lx_open(&p, PRE, ".", 0, 0, WASI_RIGHTS_DIR, &dir), 0)) {
		EXPECT_EQ(wasi_fd_fdstat_get(&p.ctx, p.m, dir, A_BUF), 0);
		EXPECT_EQ(p.mem[A_BUF], WASI_FILETYPE_DIRECTORY);
		EXPECT_EQ(rd64(&p, A_BUF + 8) & WASI_RIGHT_FD_SEEK, 0);
		EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, dir), 0);
	}
	/* asking a directory for seek and read: it gets directory rights */
	if (EXPECT_EQ(lx_open(&p, PRE, ".", 0, 0,
			      WASI_RIGHTS_DIR | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |
				      WASI_RIGHT_FD_TELL,
			      &dir),
		      0)) {
		EXPECT_EQ(wasi_fd_fdstat_get(&p.ctx, p.m, dir, A_BUF), 0);
		EXPECT_EQ(rd64(&p, A_BUF + 8), WASI_RIGHTS_DIR);
		EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, dir), 0);
	}
	EXPECT_EQ(lx_open(&p, PRE, ".", 0, WASI_OFLAG_DIRECTORY,
			  WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE, &dir),
		  WASI_EISDIR);
	/* rights only shrink */
	if (!EXPECT_EQ(lx_open(&p, PRE, "f", 0, WASI_OFLAG_CREAT,
			       WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK, &fd),
		       0))
		goto out;
	EXPECT_EQ(wasi_fd_fdstat_set_rights(&p.ctx, p.m, fd, WASI_RIGHT_FD_SEEK, 0), 0);
	EXPECT_EQ(wasi_fd_fdstat_set_rights(&p.ctx, p.m, fd,
					    WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_READ, 0),
		  WASI_ENOTCAPABLE);
	EXPECT_EQ(wasi_fd_fdstat_set_rights(&p.ctx, p.m, fd, WASI_RIGHT_FD_SEEK, 1),
		  WASI_ENOTCAPABLE);
	EXPECT_EQ(wasi_fd_read(&p.ctx, p.m, fd, A_BUF, 0, A_OUT), WASI_EBADF);
	EXPECT_EQ(wasi_fd_fdstat_set_rights(&p.ctx, p.m, 99, 0, 0), WASI_EBADF);
	EXPECT_EQ(wasi_fd_close(&p.ctx, p.m, fd), 0);
	/* the directory's path rights guard its calls: without
	 * PATH_FILESTAT_SET_SIZE no O_TRUNC, without PATH_SYMLINK no symlink */
	EXPECT_EQ(wasi_fd_fdstat_set_rights(&p.ctx, p.m, PRE,
					    WASI_RIGHTS_DIR & ~(WASI_RIGHT_PATH_FILESTAT_SET_SIZE |
								WASI_RIGHT_PATH_SYMLINK),
					    WASI_RIGHTS_ALL),
		  0);
	EXPECT_EQ(lx_open(&p, PRE, "f", 0, WASI_OFLAG_TRUNC, 0, &fd), WASI_ENOTCAPABLE);
	EXPECT_EQ(lx_symlink(&p, "f", "l"), WASI_ENOTCAPABLE);
	EXPECT_EQ(lx_open(&p, PRE, "f", 0, 0, 0, &fd), 0);
out:
	lx_fini(&p);
}
