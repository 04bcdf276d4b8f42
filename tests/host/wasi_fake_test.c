/*
 * wasi_fake_test.c - the portable WASI layer against a fake guest
 * memory, a fake environment and a fake files host: argument decoding,
 * pointer checks, partial iovecs, would-block and retry, poll_oneoff, the import table.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasi/wasi.h"

#define MEM_SIZE 65536u

struct fake {
	uint64_t now[2]; /* realtime, monotonic */
	bool can_block;	 /* poll advances the clock; else EAGAIN */
	bool yield_suspends;
	size_t write_chunk; /* max bytes per write call */
	char out[256];
	size_t out_len;
	char in[64];
	size_t in_len, in_pos;
	char last_path[128];
	int opens, closes, polls;
	uint32_t exit_code;
};

static struct fake *fk(void *arg)
{
	return arg;
}

static uint16_t f_clock(void *arg, uint32_t id, uint64_t *out)
{
	if (id > 1)
		return WASI_ENOTSUP;
	*out = fk(arg)->now[id];
	return 0;
}

static uint16_t f_res(void *arg, uint32_t id, uint64_t *out)
{
	(void)arg;
	*out = 1000 + id;
	return 0;
}

static uint16_t f_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, 0xab, len);
	return 0;
}

static uint16_t f_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *n)
{
	struct fake *f = fk(arg);
	size_t avail = f->in_len - f->in_pos;

	(void)hfd;
	if (!avail) {
		*n = 0;
		return WASI_EAGAIN;
	}
	*n = len < avail ? len : avail;
	memcpy(buf, f->in + f->in_pos, *n);
	f->in_pos += *n;
	return 0;
}

static uint16_t f_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *n)
{
	struct fake *f = fk(arg);
	size_t k = len < f->write_chunk ? len : f->write_chunk;

	(void)hfd;
	if (f->out_len + k > sizeof(f->out))
		return WASI_ENOSPC;
	memcpy(f->out + f->out_len, buf, k);
	f->out_len += k;
	*n = k;
	return 0;
}

static uint16_t f_open(void *arg, int64_t dir, const char *path, uint32_t oflags, uint32_t fdflags,
		       bool rd, bool wr, bool follow, int64_t *out)
{
	struct fake *f = fk(arg);

	(void)dir, (void)oflags, (void)fdflags, (void)rd, (void)wr, (void)follow;
	strncpy(f->last_path, path, sizeof(f->last_path) - 1);
	f->opens++;
	*out = 100 + f->opens;
	return 0;
}

static uint16_t f_close(void *arg, int64_t hfd)
{
	(void)hfd;
	fk(arg)->closes++;
	return 0;
}

static uint16_t f_fstat(void *arg, int64_t hfd, struct wasi_host_filestat *st)
{
	(void)arg;
	memset(st, 0, sizeof(*st));
	st->type = hfd >= 100 ? WASI_FILETYPE_REGULAR_FILE : WASI_FILETYPE_CHARACTER_DEVICE;
	st->size = 1234;
	st->ino = (uint64_t)hfd;
	return 0;
}

static uint16_t f_poll(void *arg, struct wasi_host_pollfd *fds, size_t n, bool has_deadline,
		       uint32_t clock, uint64_t deadline)
{
	struct fake *f = fk(arg);

	f->polls++;
	for (size_t i = 0; i < n; i++)
		fds[i].ready = fds[i].want_write || f->in_pos < f->in_len;
	if (!has_deadline || f->now[clock] >= deadline)
		return 0;
	if (!f->can_block)
		return WASI_EAGAIN;
	f->now[0] += deadline - f->now[clock];
	f->now[1] += deadline - f->now[clock];
	return 0;
}

static uint16_t f_yield(void *arg)
{
	return fk(arg)->yield_suspends ? WASI_EAGAIN : 0;
}

static void f_exit(void *arg, uint32_t code)
{
	fk(arg)->exit_code = code;
}

struct env {
	struct fake fake;
	struct wasi_env env;
	struct wasi_files files;
	struct wasi_ctx ctx;
	uint8_t *mem;
	struct wasi_mem m;
};

static bool env_init(struct test_ctx *t, struct env *e)
{
	static const char *const argv[] = {"prog", "-x", ""};
	static const char *const envp[] = {"A=1", "PATH=/bin"};
	struct wasi_preopen pre = {.hfd = 50, .guest = "/data"};
	struct wasi_config cfg = {.argc = 3,
				  .argv = argv,
				  .envc = 2,
				  .envp = envp,
				  .stdio = {0, 1, 2},
				  .npreopens = 1,
				  .preopens = &pre};

	memset(e, 0, sizeof(*e));
	e->fake.write_chunk = 1000;
	e->fake.now[0] = 1000000;
	e->fake.now[1] = 5000;
	e->env = (struct wasi_env){.arg = &e->fake,
				   .clock_time = f_clock,
				   .clock_res = f_res,
				   .random = f_random,
				   .poll = f_poll,
				   .yield = f_yield,
				   .exit = f_exit};
	e->files = (struct wasi_files){.arg = &e->fake,
				       .read = f_read,
				       .write = f_write,
				       .open = f_open,
				       .close = f_close,
				       .fstat = f_fstat};
	e->mem = calloc(1, MEM_SIZE);
	e->m = (struct wasi_mem){e->mem, MEM_SIZE};
	return EXPECT(e->mem) && EXPECT_OK(wasi_ctx_init(&e->ctx, &e->env, &e->files, &cfg));
}

static void env_fini(struct env *e)
{
	wasi_ctx_destroy(&e->ctx);
	free(e->mem);
}

static uint32_t rd32(struct env *e, uint32_t p)
{
	uint32_t v;

	memcpy(&v, e->mem + p, 4);
	return v;
}

static uint64_t rd64(struct env *e, uint32_t p)
{
	uint64_t v;

	memcpy(&v, e->mem + p, 8);
	return v;
}

static void wr32(struct env *e, uint32_t p, uint32_t v)
{
	memcpy(e->mem + p, &v, 4);
}

static void wr64(struct env *e, uint32_t p, uint64_t v)
{
	memcpy(e->mem + p, &v, 8);
}

TEST(wasi, args_and_environ)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(wasi_args_sizes_get(&e.ctx, e.m, 0, 4), 0);
	EXPECT_EQ(rd32(&e, 0), 3);
	EXPECT_EQ(rd32(&e, 4), 9); /* "prog\0-x\0\0" */
	EXPECT_EQ(wasi_args_get(&e.ctx, e.m, 100, 200), 0);
	EXPECT_EQ(rd32(&e, 100), 200);
	EXPECT_EQ(rd32(&e, 104), 205);
	EXPECT_EQ(rd32(&e, 108), 208);
	EXPECT_STREQ((char *)e.mem + 205, "-x");
	EXPECT_EQ(wasi_environ_sizes_get(&e.ctx, e.m, 0, 4), 0);
	EXPECT_EQ(rd32(&e, 0), 2);
	EXPECT_EQ(rd32(&e, 4), 14);
	EXPECT_EQ(wasi_environ_get(&e.ctx, e.m, 300, 400), 0);
	EXPECT_STREQ((char *)e.mem + rd32(&e, 304), "PATH=/bin");
	/* bad pointers: nothing written */
	memset(e.mem + 500, 0x77, 16);
	EXPECT_EQ(wasi_args_sizes_get(&e.ctx, e.m, 500, MEM_SIZE - 3), WASI_EFAULT);
	EXPECT_EQ(e.mem[500], 0x77);
	EXPECT_EQ(wasi_args_get(&e.ctx, e.m, 500, MEM_SIZE - 8), WASI_EFAULT);
	EXPECT_EQ(e.mem[500], 0x77);
	EXPECT_EQ(wasi_args_get(&e.ctx, e.m, UINT32_MAX, 0), WASI_EFAULT);
	EXPECT_EQ(wasi_environ_get(&e.ctx, e.m, 0, UINT32_MAX - 2), WASI_EFAULT);
	env_fini(&e);
}

TEST(wasi, clocks_random_exit_yield)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(wasi_clock_time_get(&e.ctx, e.m, 1, 0, 8), 0);
	EXPECT_EQ(rd64(&e, 8), 5000);
	EXPECT_EQ(wasi_clock_res_get(&e.ctx, e.m, 0, 16), 0);
	EXPECT_EQ(rd64(&e, 16), 1000);
	EXPECT_EQ(wasi_clock_time_get(&e.ctx, e.m, 9, 0, 8), WASI_EINVAL);
	EXPECT_EQ(wasi_clock_time_get(&e.ctx, e.m, 2, 0, 8), WASI_ENOTSUP);
	EXPECT_EQ(wasi_clock_time_get(&e.ctx, e.m, 0, 0, MEM_SIZE - 7), WASI_EFAULT);
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, 32, 4), 0);
	EXPECT_EQ(rd32(&e, 32), 0xabababab);
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, MEM_SIZE, 0), 0);
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, MEM_SIZE - 4, 5), WASI_EFAULT);
	EXPECT_EQ(wasi_sched_yield(&e.ctx, e.m), 0);
	e.fake.yield_suspends = true;
	EXPECT_EQ(wasi_sched_yield(&e.ctx, e.m), WASI_STATUS_BLOCKED);
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_YIELD);
	EXPECT_EQ(wasi_sched_yield(&e.ctx, e.m), 0); /* the retry completes */
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
	EXPECT_EQ(wasi_proc_exit(&e.ctx, e.m, 42), WASI_STATUS_EXIT);
	EXPECT_EQ(e.ctx.exit_code, 42);
	EXPECT_EQ(e.fake.exit_code, 42);
	env_fini(&e);
}

TEST(wasi, fd_write_iovecs)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	memcpy(e.mem + 1000, "hello", 5);
	memcpy(e.mem + 2000, " world", 6);
	wr32(&e, 100, 1000);
	wr32(&e, 104, 5);
	wr32(&e, 108, 3000); /* empty iovec is skipped */
	wr32(&e, 112, 0);
	wr32(&e, 116, 2000);
	wr32(&e, 120, 6);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, 100, 3, 200), 0);
	EXPECT_EQ(rd32(&e, 200), 11);
	EXPECT_EQ(e.fake.out_len, 11);
	EXPECT(memcmp(e.fake.out, "hello world", 11) == 0);
	/* the host takes 3 bytes at a time: a short write stops the loop */
	e.fake.out_len = 0;
	e.fake.write_chunk = 3;
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, 100, 3, 200), 0);
	EXPECT_EQ(rd32(&e, 200), 3);
	/* a bad buffer in the last iovec: EFAULT before anything is written */
	e.fake.out_len = 0;
	wr32(&e, 116, MEM_SIZE - 2);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, 100, 3, 200), WASI_EFAULT);
	EXPECT_EQ(e.fake.out_len, 0);
	/* the iovec array itself out of bounds, or its length overflowing */
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, MEM_SIZE - 4, 1, 200), WASI_EFAULT);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, 100, 0x20000000, 200), WASI_EFAULT);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 1, 100, 1, MEM_SIZE - 1), WASI_EFAULT);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 77, 100, 1, 200), WASI_EBADF);
	EXPECT_EQ(wasi_fd_write(&e.ctx, e.m, 3, 100, 1, 200), WASI_EISDIR);
	env_fini(&e);
}

TEST(wasi, fd_read_blocks_then_retries)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	wr32(&e, 100, 1000);
	wr32(&e, 104, 4);
	wr32(&e, 108, 2000);
	wr32(&e, 112, 10);
	wr32(&e, 200, 0xdeadbeef);
	EXPECT_EQ(wasi_fd_read(&e.ctx, e.m, 0, 100, 2, 200), WASI_STATUS_BLOCKED);
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_READ);
	EXPECT_EQ(rd32(&e, 200), 0xdeadbeef);
	memcpy(e.fake.in, "abcdef", 6);
	e.fake.in_len = 6;
	EXPECT_EQ(wasi_fd_read(&e.ctx, e.m, 0, 100, 2, 200), 0);
	EXPECT_EQ(rd32(&e, 200), 6);
	EXPECT(memcmp(e.mem + 1000, "abcd", 4) == 0);
	EXPECT(memcmp(e.mem + 2000, "ef", 2) == 0);
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
	/* NONBLOCK: EAGAIN goes to the guest (the fake host accepts flags) */
	e.ctx.fds[0].flags = WASI_FDFLAG_NONBLOCK;
	EXPECT_EQ(wasi_fd_read(&e.ctx, e.m, 0, 100, 2, 200), WASI_EAGAIN);
	env_fini(&e);
}

TEST(wasi, poll_oneoff_clock_suspends_and_resumes)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	/* sub 0: relative monotonic 1000 ns; sub 1: absolute realtime far */
	wr64(&e, 1000, 0x1111);
	e.mem[1008] = 0;
	wr32(&e, 1016, 1);
	wr64(&e, 1024, 1000);
	wr64(&e, 1048, 0x2222);
	e.mem[1056] = 0;
	wr32(&e, 1064, 0);
	wr64(&e, 1072, e.fake.now[0] + 1000000);
	e.mem[1088] = 1; /* abstime */
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), WASI_STATUS_BLOCKED);
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_POLL);
	EXPECT_EQ(e.ctx.pending.deadline, 6000);
	/* time passes, but not enough: the retry keeps the first start */
	e.fake.now[1] += 600;
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), WASI_STATUS_BLOCKED);
	e.fake.now[1] += 400;
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), 0);
	EXPECT_EQ(rd32(&e, 3000), 1);
	EXPECT_EQ(rd64(&e, 2000), 0x1111);
	EXPECT_EQ(e.mem[2010], 0); /* clock event */
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
	/* a blocking host sleeps inside the call */
	e.fake.can_block = true;
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 1, 3000), 0);
	EXPECT_EQ(rd32(&e, 3000), 1);
	EXPECT_EQ(e.fake.now[1], 7000);
	env_fini(&e);
}

TEST(wasi, poll_oneoff_fds_and_errors)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	wr64(&e, 1000, 7);
	e.mem[1008] = 1; /* fd_read on stdin */
	wr32(&e, 1016, 0);
	wr64(&e, 1048, 8);
	e.mem[1056] = 2; /* fd_write on a bad fd */
	wr32(&e, 1064, 99);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), 0);
	EXPECT_EQ(rd32(&e, 3000), 1);
	EXPECT_EQ(rd64(&e, 2000), 8);
	EXPECT_EQ(e.mem[2008], WASI_EBADF);
	e.fake.in_len = 3;
	wr32(&e, 1064, 1);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), 0);
	EXPECT_EQ(rd32(&e, 3000), 2);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 0, 3000), WASI_EINVAL);
	e.mem[1056] = 9;
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 2, 3000), WASI_EINVAL);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, MEM_SIZE - 47, 2000, 1, 3000), WASI_EFAULT);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, MEM_SIZE - 63, 2, 3000), WASI_EFAULT);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 1000, 2000, 0x10000000, 3000), WASI_EFAULT);
	env_fini(&e);
}

TEST(wasi, fd_table_and_prestat)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(wasi_fd_prestat_get(&e.ctx, e.m, 3, 0), 0);
	EXPECT_EQ(e.mem[0], 0);
	EXPECT_EQ(rd32(&e, 4), 5);
	EXPECT_EQ(wasi_fd_prestat_dir_name(&e.ctx, e.m, 3, 100, 4), WASI_ENAMETOOLONG);
	EXPECT_EQ(wasi_fd_prestat_dir_name(&e.ctx, e.m, 3, MEM_SIZE - 4, 5), WASI_EFAULT);
	EXPECT_EQ(wasi_fd_prestat_dir_name(&e.ctx, e.m, 3, 100, 5), 0);
	EXPECT(memcmp(e.mem + 100, "/data", 5) == 0);
	EXPECT_EQ(wasi_fd_prestat_get(&e.ctx, e.m, 1, 0), WASI_EBADF);
	EXPECT_EQ(wasi_fd_prestat_get(&e.ctx, e.m, 4, 0), WASI_EBADF);
	EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, 1, 200), 0);
	EXPECT_EQ(e.mem[200], WASI_FILETYPE_CHARACTER_DEVICE);
	EXPECT_EQ(rd64(&e, 208) & WASI_RIGHT_FD_SEEK, 0); /* a tty to wasi-libc */
	EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, 1, MEM_SIZE - 23), WASI_EFAULT);
	/* open through the preopen, renumber, close */
	memcpy(e.mem + 300, "a/b.txt", 7);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 7, 0, WASI_RIGHTS_ALL, 0, 0, 400), 0);
	EXPECT_EQ(rd32(&e, 400), 4);
	EXPECT_STREQ(e.fake.last_path, "a/b.txt");
	EXPECT_EQ(wasi_fd_filestat_get(&e.ctx, e.m, 4, 500), 0);
	EXPECT_EQ(rd64(&e, 500 + 32), 1234);
	EXPECT_EQ(e.mem[500 + 16], WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(wasi_fd_renumber(&e.ctx, e.m, 4, 2), 0);
	EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, 4, 200), WASI_EBADF);
	EXPECT_EQ(wasi_fd_fdstat_get(&e.ctx, e.m, 2, 200), 0);
	EXPECT_EQ(e.mem[200], WASI_FILETYPE_REGULAR_FILE);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, 2), 0);
	EXPECT_EQ(e.fake.closes, 1);
	EXPECT_EQ(wasi_fd_close(&e.ctx, e.m, 2), WASI_EBADF);
	/* not a directory as the base of a path */
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 1, 0, 300, 7, 0, 0, 0, 0, 400), WASI_ENOTDIR);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 7, 0x10, 0, 0, 0, 400), WASI_EINVAL);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 7, 0, 0, 0, 0, MEM_SIZE - 2), WASI_EFAULT);
	env_fini(&e);
}

static uint32_t open_path(struct env *e, const char *p)
{
	size_t n = strlen(p);

	memcpy(e->mem + 300, p, n);
	return wasi_path_open(&e->ctx, e->m, 3, 0, 300, (uint32_t)n, 0, 0, 0, 0, 400);
}

TEST(wasi, path_escapes_are_rejected)
{
	struct env e;

	if (!env_init(t, &e))
		return;
	EXPECT_EQ(open_path(&e, "/etc/passwd"), WASI_ENOTCAPABLE);
	EXPECT_EQ(open_path(&e, ".."), WASI_ENOTCAPABLE);
	EXPECT_EQ(open_path(&e, "../x"), WASI_ENOTCAPABLE);
	EXPECT_EQ(open_path(&e, "a/../../x"), WASI_ENOTCAPABLE);
	EXPECT_EQ(open_path(&e, "./a/./../.."), WASI_ENOTCAPABLE);
	EXPECT_EQ(e.fake.opens, 0);
	EXPECT_EQ(open_path(&e, "a/../b"), 0);
	EXPECT_EQ(open_path(&e, "a//b/../../c/"), 0);
	EXPECT_EQ(e.fake.opens, 2);
	memcpy(e.mem + 300, "a\0b", 3);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 3, 0, 0, 0, 0, 400), WASI_EILSEQ);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 0, 0, 0, 0, 0, 400), WASI_ENOENT);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, MEM_SIZE - 2, 3, 0, 0, 0, 0, 400), WASI_EFAULT);
	EXPECT_EQ(wasi_path_open(&e.ctx, e.m, 3, 0, 300, 9000, 0, 0, 0, 0, 400), WASI_ENAMETOOLONG);
	EXPECT_EQ(e.fake.opens, 2);
	env_fini(&e);
}

TEST(wasi, fd_table_limit)
{
	struct env e;
	uint32_t st = 0;
	int opened = 0;

	if (!env_init(t, &e))
		return;
	e.ctx.max_fds = 10;
	for (int i = 0; i < 20 && (st = open_path(&e, "f")) == 0; i++)
		opened++;
	EXPECT_EQ(opened, 6); /* 0-2 stdio, 3 preopen, 4-9 */
	EXPECT_EQ(st, WASI_EMFILE);
	EXPECT_EQ(e.fake.opens, 6);
	env_fini(&e);
	EXPECT_EQ(e.fake.closes, 7); /* the six files and the preopen, not stdio */
}

TEST(wasi, import_table)
{
	static const char *const names[] = {
		"args_get",
		"args_sizes_get",
		"environ_get",
		"environ_sizes_get",
		"clock_res_get",
		"clock_time_get",
		"fd_advise",
		"fd_allocate",
		"fd_close",
		"fd_datasync",
		"fd_fdstat_get",
		"fd_fdstat_set_flags",
		"fd_fdstat_set_rights",
		"fd_filestat_get",
		"fd_filestat_set_size",
		"fd_filestat_set_times",
		"fd_pread",
		"fd_prestat_get",
		"fd_prestat_dir_name",
		"fd_pwrite",
		"fd_read",
		"fd_readdir",
		"fd_renumber",
		"fd_seek",
		"fd_sync",
		"fd_tell",
		"fd_write",
		"path_create_directory",
		"path_filestat_get",
		"path_filestat_set_times",
		"path_link",
		"path_open",
		"path_readlink",
		"path_remove_directory",
		"path_rename",
		"path_symlink",
		"path_unlink_file",
		"poll_oneoff",
		"proc_exit",
		"proc_raise",
		"sched_yield",
		"random_get",
		"sock_accept",
		"sock_recv",
		"sock_send",
		"sock_shutdown",
	};
	const struct wasi_import *w;
	uint64_t args[4] = {1, 100, 1, 200};
	struct env e;

	EXPECT_EQ(wasi_nimports, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT(wasi_import_find(names[i], strlen(names[i])) != NULL);
	for (size_t i = 1; i < wasi_nimports; i++)
		EXPECT(strcmp(wasi_imports[i - 1].name, wasi_imports[i].name) < 0);
	EXPECT(wasi_import_find("fd_writ", 7) == NULL);
	EXPECT(wasi_import_find("fd_write2", 9) == NULL);
	w = wasi_import_find("fd_seek", 7);
	if (EXPECT(w))
		EXPECT_STREQ(w->sig, "iIii:i");
	w = wasi_import_find("proc_exit", 9);
	if (EXPECT(w))
		EXPECT_STREQ(w->sig, "i:");
	if (!env_init(t, &e))
		return;
	w = wasi_import_find("proc_raise", 10);
	if (EXPECT(w))
		EXPECT_EQ(w->call(&e.ctx, e.m, args), WASI_ENOSYS);
	/* fd_write through the table; the high half of an i32 is ignored */
	memcpy(e.mem + 1000, "xy", 2);
	wr32(&e, 100, 1000);
	wr32(&e, 104, 2);
	args[0] = UINT64_C(0xffffffff00000001);
	w = wasi_import_find("fd_write", 8);
	if (EXPECT(w))
		EXPECT_EQ(w->call(&e.ctx, e.m, args), 0);
	EXPECT_EQ(rd32(&e, 200), 2);
	env_fini(&e);
}

TEST(wasi, errno_from_err)
{
	EXPECT_EQ(wasi_errno_from_err(0), WASI_ESUCCESS);
	EXPECT_EQ(wasi_errno_from_err(ERR_NOENT), WASI_ENOENT);
	EXPECT_EQ(wasi_errno_from_err(ERR_FAULT), WASI_EFAULT);
	EXPECT_EQ(wasi_errno_from_err(ERR_BADF), WASI_EBADF);
	EXPECT_EQ(wasi_errno_from_err(ERR_AGAIN), WASI_EAGAIN);
	EXPECT_EQ(wasi_errno_from_err(-1000), WASI_EIO);
}
