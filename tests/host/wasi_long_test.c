/*
 * wasi_long_test.c - long WASI calls in chunks: random_get and
 * fd_read/fd_write/fd_pread/fd_pwrite over buffers of megabytes call the
 * host at most WASI_CHUNK bytes at a time, and when the host's preempt()
 * says the time is up they stop with WASI_STATUS_YIELD; the retry with the
 * same arguments goes on, and the guest sees one whole result. Also the
 * bound on poll_oneoff's subscriptions, and the status through wasi_bind
 * and the engine (a suspension for a yield, then the same call again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/load.h"
#include "wasm/runtime.h"
#include "wasi/wasi.h"
#include "wasi/wasi_bind.h"

#define MEM_SIZE  (8u << 20)
#define FILE_SIZE (4u << 20)

struct fake {
	uint32_t counter;  /* random bytes made so far (they count up) */
	size_t max_chunk;  /* the largest host transfer seen */
	uint32_t preempts; /* preempt() calls */
	bool preempt;	   /* what preempt() says */
	uint8_t *file;	   /* FILE_SIZE bytes */
	uint64_t pos;
};

static uint16_t f_random(void *arg, void *buf, size_t len)
{
	struct fake *f = arg;

	if (len > f->max_chunk)
		f->max_chunk = len;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)f->counter++;
	return 0;
}

static uint16_t f_pio(struct fake *f, void *buf, size_t len, uint64_t off, bool write, size_t *n)
{
	if (len > f->max_chunk)
		f->max_chunk = len;
	if (off > FILE_SIZE)
		off = FILE_SIZE;
	*n = len < FILE_SIZE - off ? len : FILE_SIZE - off;
	if (write)
		memcpy(f->file + off, buf, *n);
	else
		memcpy(buf, f->file + off, *n);
	return 0;
}

static uint16_t f_read(void *arg, int64_t hfd, void *buf, size_t len, size_t *n)
{
	struct fake *f = arg;
	uint16_t e = f_pio(f, buf, len, f->pos, false, n);

	(void)hfd;
	f->pos += *n;
	return e;
}

static uint16_t f_write(void *arg, int64_t hfd, const void *buf, size_t len, size_t *n)
{
	struct fake *f = arg;
	uint16_t e = f_pio(f, (void *)buf, len, f->pos, true, n);

	(void)hfd;
	f->pos += *n;
	return e;
}

static uint16_t f_pread(void *arg, int64_t hfd, void *buf, size_t len, uint64_t off, size_t *n)
{
	(void)hfd;
	return f_pio(arg, buf, len, off, false, n);
}

static uint16_t f_pwrite(void *arg, int64_t hfd, const void *buf, size_t len, uint64_t off,
			 size_t *n)
{
	(void)hfd;
	return f_pio(arg, (void *)buf, len, off, true, n);
}

/* A directory of DIR_ENTRIES names "file-NNNNN", cookies 0, 1, 2, ... */
#define DIR_ENTRIES 3000u

static uint16_t f_readdir(void *arg, int64_t hfd, uint64_t cookie, wasi_dirent_fn fn, void *cb_arg)
{
	char name[16];

	(void)arg;
	(void)hfd;
	for (uint64_t i = cookie; i < DIR_ENTRIES; i++) {
		struct wasi_host_dirent e = {.next = i + 1,
					     .ino = i + 100,
					     .type = WASI_FILETYPE_REGULAR_FILE,
					     .namlen = 10,
					     .name = name};

		snprintf(name, sizeof(name), "file-%05u", (unsigned)i);
		if (!fn(cb_arg, &e))
			break;
	}
	return 0;
}

static uint16_t f_close(void *arg, int64_t hfd)
{
	(void)arg;
	(void)hfd;
	return 0;
}

static bool f_preempt(void *arg)
{
	struct fake *f = arg;

	f->preempts++;
	return f->preempt;
}

static uint16_t f_clock(void *arg, uint32_t id, uint64_t *out)
{
	(void)arg;
	*out = id;
	return 0;
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
	struct wasi_preopen pre = {.hfd = 50, .guest = "/d"};
	struct wasi_config cfg = {.stdio = {0, 1, 2}, .npreopens = 1, .preopens = &pre};

	memset(e, 0, sizeof(*e));
	e->env = (struct wasi_env){
		.arg = &e->fake, .clock_time = f_clock, .random = f_random, .preempt = f_preempt};
	e->files = (struct wasi_files){.arg = &e->fake,
				       .read = f_read,
				       .write = f_write,
				       .pread = f_pread,
				       .pwrite = f_pwrite,
				       .readdir = f_readdir,
				       .close = f_close};
	e->mem = calloc(1, MEM_SIZE);
	e->fake.file = calloc(1, FILE_SIZE);
	e->m = (struct wasi_mem){e->mem, MEM_SIZE};
	return EXPECT(e->mem && e->fake.file) &&
	       EXPECT_OK(wasi_ctx_init(&e->ctx, &e->env, &e->files, &cfg));
}

static void env_fini(struct env *e)
{
	wasi_ctx_destroy(&e->ctx);
	free(e->mem);
	free(e->fake.file);
}

static uint32_t rd32(struct env *e, uint32_t p)
{
	uint32_t v;

	memcpy(&v, e->mem + p, 4);
	return v;
}

static void wr32(struct env *e, uint32_t p, uint32_t v)
{
	memcpy(e->mem + p, &v, 4);
}

/* random_get of 3 MiB + 5: without preemption one call, in chunks; with it,
 * a yield after every chunk, and the bytes continue across the retries. */
TEST(wasi_long, random_get_in_chunks)
{
	struct env e;
	uint32_t len = (3u << 20) + 5, yields = 0, st;
	bool seq = true;

	if (!env_init(t, &e))
		goto out;
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, 16, len), 0);
	EXPECT_EQ_U(e.fake.max_chunk, WASI_CHUNK);
	EXPECT_EQ(e.fake.counter, len);
	e.fake.counter = 0;
	e.fake.preempt = true;
	while ((st = wasi_random_get(&e.ctx, e.m, 16, len)) == WASI_STATUS_YIELD && yields < 1000)
		yields++;
	EXPECT_EQ(st, 0);
	EXPECT_EQ(yields, len / WASI_CHUNK); /* the last, short chunk ends the call */
	EXPECT_EQ(e.fake.counter, len);
	for (uint32_t i = 0; i < len; i++)
		seq &= e.mem[16 + i] == (uint8_t)i;
	EXPECT(seq);
	EXPECT_EQ(e.mem[15], 0);
	EXPECT_EQ(e.mem[16 + len], 0);
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
	/* a different call after a yield starts afresh */
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, 16, len), WASI_STATUS_YIELD);
	e.fake.counter = 0;
	e.fake.preempt = false;
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, 32, 100), 0);
	EXPECT_EQ(e.mem[32], 0);
	EXPECT_EQ(e.fake.counter, 100);
	EXPECT_EQ(wasi_random_get(&e.ctx, e.m, MEM_SIZE - 4, 5), WASI_EFAULT);
out:
	env_fini(&e);
}

/* Sets iovecs at 0: {buf, len} pairs. */
static void iovs_set(struct env *e, const uint32_t (*v)[2], uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		wr32(e, 8 * i, v[i][0]);
		wr32(e, 8 * i + 4, v[i][1]);
	}
}

/* Calls until done; returns the status, the yields in *yields. */
static uint32_t io_call(struct env *e, int kind, uint32_t niovs, uint64_t off, uint32_t *yields)
{
	uint32_t st;

	*yields = 0;
	do {
		switch (kind) {
		case 0:
			st = wasi_fd_write(&e->ctx, e->m, 1, 0, niovs, 4000);
			break;
		case 1:
			st = wasi_fd_read(&e->ctx, e->m, 0, 0, niovs, 4000);
			break;
		case 2:
			st = wasi_fd_pwrite(&e->ctx, e->m, 1, 0, niovs, off, 4000);
			break;
		default:
			st = wasi_fd_pread(&e->ctx, e->m, 0, 0, niovs, off, 4000);
			break;
		}
	} while (st == WASI_STATUS_YIELD && ++*yields < 1000);
	return st;
}

/* fd_write and fd_read with three iovecs over 2.5 MiB, preempted after
 * every chunk: whole counts, the bytes in order, chunks at most WASI_CHUNK. */
TEST(wasi_long, read_write_in_chunks)
{
	static const uint32_t iov[3][2] = {
		{1u << 20, 5}, {2u << 20, (2u << 20) + 7}, {5u << 20, 100000}};
	uint32_t total = 5 + (2u << 20) + 7 + 100000, yields;
	struct env e;

	if (!env_init(t, &e))
		goto out;
	iovs_set(&e, iov, 3);
	for (uint32_t i = 0; i < 3; i++)
		for (uint32_t k = 0; k < iov[i][1]; k++)
			e.mem[iov[i][0] + k] = (uint8_t)(k * 3 + i);
	e.fake.preempt = true;
	EXPECT_EQ(io_call(&e, 0, 3, 0, &yields), 0);
	EXPECT_EQ(rd32(&e, 4000), total);
	EXPECT_GE(yields, 33u);
	EXPECT_EQ_U(e.fake.max_chunk, WASI_CHUNK);
	EXPECT_EQ(e.fake.pos, total);
	EXPECT(memcmp(e.fake.file, e.mem + iov[0][0], 5) == 0);
	EXPECT(memcmp(e.fake.file + 5, e.mem + iov[1][0], iov[1][1]) == 0);
	EXPECT(memcmp(e.fake.file + 5 + iov[1][1], e.mem + iov[2][0], iov[2][1]) == 0);
	/* read it back into cleared buffers */
	for (uint32_t i = 0; i < 3; i++)
		memset(e.mem + iov[i][0], 0, iov[i][1]);
	e.fake.pos = 0;
	EXPECT_EQ(io_call(&e, 1, 3, 0, &yields), 0);
	EXPECT_EQ(rd32(&e, 4000), total);
	EXPECT_GE(yields, 33u);
	EXPECT(memcmp(e.fake.file + 5, e.mem + iov[1][0], iov[1][1]) == 0);
	EXPECT(memcmp(e.fake.file + 5 + iov[1][1], e.mem + iov[2][0], iov[2][1]) == 0);
	/* a short read at the end of the file ends the call with its count */
	e.fake.pos = FILE_SIZE - 70000;
	EXPECT_EQ(io_call(&e, 1, 3, 0, &yields), 0);
	EXPECT_EQ(rd32(&e, 4000), 70000u);
	EXPECT_EQ(yields, 2u); /* after the first iovec, after one chunk of the second */
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
out:
	env_fini(&e);
}

/* fd_pwrite/fd_pread: the offset moves with the progress across retries. */
TEST(wasi_long, pread_pwrite_in_chunks)
{
	static const uint32_t iov[1][2] = {{1u << 20, (1u << 20) + 3}};
	uint32_t yields;
	struct env e;

	if (!env_init(t, &e))
		goto out;
	iovs_set(&e, iov, 1);
	for (uint32_t k = 0; k < iov[0][1]; k++)
		e.mem[iov[0][0] + k] = (uint8_t)(k * 5 + 1);
	e.fake.preempt = true;
	EXPECT_EQ(io_call(&e, 2, 1, 12345, &yields), 0);
	EXPECT_EQ(rd32(&e, 4000), iov[0][1]);
	EXPECT_EQ(yields, 16u);
	EXPECT_EQ(e.fake.file[12344], 0);
	EXPECT(memcmp(e.fake.file + 12345, e.mem + iov[0][0], iov[0][1]) == 0);
	memset(e.mem + iov[0][0], 0, iov[0][1]);
	EXPECT_EQ(io_call(&e, 3, 1, 12345, &yields), 0);
	EXPECT_EQ(rd32(&e, 4000), iov[0][1]);
	EXPECT(memcmp(e.fake.file + 12345, e.mem + iov[0][0], iov[0][1]) == 0);
	EXPECT_EQ(e.fake.pos, 0u); /* positional: the position never moved */
out:
	env_fini(&e);
}

/* fd_readdir of a big directory in batches: the same bytes as in one go,
 * into a buffer that holds it all and into one that cuts the last entry. */
TEST(wasi_long, readdir_in_batches)
{
	static const uint32_t lens[] = {DIR_ENTRIES * 34 + 500, 50000};
	uint8_t *once = malloc(DIR_ENTRIES * 34 + 500);
	struct env e;

	if (!EXPECT(once) || !env_init(t, &e))
		goto out;
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint32_t len = lens[k], used, yields = 0, st;

		e.fake.preempt = false;
		EXPECT_EQ(wasi_fd_readdir(&e.ctx, e.m, 3, 1u << 20, len, 7, 4000), 0);
		used = rd32(&e, 4000);
		memcpy(once, e.mem + (1u << 20), used);
		memset(e.mem + (1u << 20), 0, len);
		e.fake.preempt = true;
		while ((st = wasi_fd_readdir(&e.ctx, e.m, 3, 1u << 20, len, 7, 4000)) ==
			       WASI_STATUS_YIELD &&
		       yields < 1000)
			yields++;
		EXPECT_EQ(st, 0);
		EXPECT_EQ(rd32(&e, 4000), used);
		EXPECT_GE(yields, used / 34 / 256 - 1);
		EXPECT(memcmp(once, e.mem + (1u << 20), used) == 0);
	}
	EXPECT_EQ(rd32(&e, 4000), 50000u); /* the second buffer was filled */
	EXPECT_EQ(e.ctx.pending.kind, WASI_PENDING_NONE);
out:
	free(once);
	env_fini(&e);
}

/* poll_oneoff takes at most WASI_POLL_MAX_SUBS subscriptions. */
TEST(wasi_long, poll_oneoff_subscription_limit)
{
	struct env e;
	uint32_t n = WASI_POLL_MAX_SUBS + 1;

	if (!env_init(t, &e))
		goto out;
	/* all relative clock subscriptions of 0 ns: due at once */
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 0, 1u << 20, n, 4u << 20), WASI_EINVAL);
	EXPECT_EQ(wasi_poll_oneoff(&e.ctx, e.m, 0, 1u << 20, n - 1, 4u << 20), 0);
	EXPECT_EQ(rd32(&e, 4u << 20), n - 1);
out:
	env_fini(&e);
}

/*
 * Through the engine: a module calling random_get over 1 MiB, with the
 * engine's yield request as the host's preempt():
 *
 * (module
 *   (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
 *   (memory 32)
 *   (func (export "rnd") (param i32) (result i32) (call $r (i32.const 0) (local.get 0))))
 */
static const uint8_t rnd_wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02, 0x60, 0x02,
	0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x25, 0x01, 0x16,
	0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74,
	0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x0a, 0x72, 0x61, 0x6e,
	0x64, 0x6f, 0x6d, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01,
	0x05, 0x03, 0x01, 0x00, 0x20, 0x07, 0x07, 0x01, 0x03, 0x72, 0x6e, 0x64, 0x00,
	0x01, 0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b,
};

struct engine_fake {
	struct wasm_exec *x;
	uint32_t counter, calls;
};

static uint16_t e_random(void *arg, void *buf, size_t len)
{
	struct engine_fake *f = arg;

	f->calls++;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)f->counter++;
	/* the time is up after the second chunk of each try */
	if (f->calls % 2 == 0)
		wasm_exec_request_yield(f->x);
	return 0;
}

static bool e_preempt(void *arg)
{
	return wasm_exec_yield_requested(((struct engine_fake *)arg)->x);
}

TEST(wasi_long, engine_suspends_and_resumes_the_call)
{
	struct engine_fake fake = {0};
	struct wasi_env env = {.arg = &fake, .random = e_random, .preempt = e_preempt};
	struct wasi_config cfg = {.stdio = {0, 1, 2}};
	struct wasi_ctx ctx;
	struct wasm_module *m = NULL;
	struct wasm_store *s = NULL;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_extern ex;
	struct wasm_error err;
	union wasm_val arg = {.i64 = 1u << 20};
	const union wasm_val *res;
	uint32_t n = 0, yields = 0;
	bool seq = true;

	if (!EXPECT_OK(wasi_ctx_init(&ctx, &env, NULL, &cfg)))
		return;
	if (!EXPECT_OK(wasm_module_load(rnd_wasm, sizeof(rnd_wasm), &m, &err)) ||
	    !EXPECT_OK(wasm_store_new(NULL, &s)) || !EXPECT_OK(wasm_linker_new(s, &l)) ||
	    !EXPECT_OK(wasi_bind_define(l, &ctx)) ||
	    !EXPECT_OK(wasm_instantiate(s, m, l, &inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(s, NULL, &fake.x)) ||
	    !EXPECT_OK(wasm_instance_export(inst, "rnd", &ex)))
		goto out;
	EXPECT_OK(wasm_exec_call(fake.x, ex.u.func, &arg, 1));
	while (wasm_run(fake.x, UINT64_MAX) == WASM_RUN_SUSPENDED && yields < 100) {
		EXPECT_EQ(wasm_exec_suspend_reason(fake.x), WASM_SUSPEND_YIELD);
		EXPECT(!wasm_exec_yield_requested(fake.x)); /* consumed */
		yields++;
	}
	EXPECT_EQ(yields, 7u); /* 16 chunks, two per try */
	res = wasm_exec_results(fake.x, &n);
	if (EXPECT(res != NULL) && EXPECT_EQ(n, 1))
		EXPECT_EQ(res[0].i32, 0);
	for (uint32_t i = 0; i < (1u << 20); i++)
		seq &= inst->mems[0]->base[i] == (uint8_t)i;
	EXPECT(seq);
out:
	wasm_store_free(s);
	wasm_module_free(m);
	wasi_ctx_destroy(&ctx);
}
