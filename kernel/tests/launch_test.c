/*
 * launch_test.c - starting programs from files (wasm/launch.h): the /bin
 * lookup, initrd files used in place and others read into a buffer the
 * program takes over, exit codes and arguments, and no frame, heap byte or
 * file handle kept by a launch that fails (a missing file, a directory, a
 * malformed module) or by one that runs to its end; modules kept between
 * runs of the same bytes, never for other bytes, and given back; many runs
 * of one kept module at once (on every CPU), each translating its own code.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "fs/kvfs.h"
#include "mem/kheap.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "vfs/wasi_vfs.h"
#include "wasm/kcode.h"
#include "wasm/launch.h"
#include "wasm/modcache.h"

#define MS 1000000ull

/* Launches argv[0] with argv and awaits it; 0 or the launch/join error.
 * Its output goes to cap (NULL: nowhere). */
static int run(int argc, const char *const *argv, struct ktest_capture *cap, struct wasm_error *we,
	       struct wasm_proc_status *st)
{
	struct ktest_capture scratch = {0};
	struct wasm_proc_io io = {.arg = cap ? cap : &scratch, .write = ktest_capture_write};
	struct kasync_join jh;
	int e = launch_run(argc, argv, &io, we, &jh);

	return e ? e : sched_block_on_join(&jh, st);
}

/* Memory not held by anyone, as a pair to compare. */
struct footprint {
	uint64_t frames;
	size_t heap;
};

static struct footprint footprint(void)
{
	struct kheap_stats h;

	kheap_stats(&h);
	return (struct footprint){ktest_frames_not_held(), h.in_use};
}

/* The footprint once it held still for 10 ms (at most 500 ms): the last
 * program's memory may still be going back on another CPU. */
static struct footprint footprint_quiet(void)
{
	uint64_t end = sched_now_ns() + 500 * MS, still = sched_now_ns() + 10 * MS;
	struct footprint last = footprint(), now;

	while (sched_now_ns() < still && sched_now_ns() < end) {
		now = footprint();
		if (now.frames != last.frames || now.heap != last.heap)
			still = sched_now_ns() + 10 * MS;
		last = now;
	}
	return last;
}

/* Whether nothing more is held than at `before` (the executor may drop a
 * program's last reference a moment after its join, and an idle CPU may
 * give back what an earlier program left a little later: less is fine);
 * if not, says how. */
static bool footprint_back(struct test_ctx *t, struct footprint before)
{
	uint64_t deadline = sched_now_ns() + 500 * MS;
	struct footprint now;

	do {
		now = footprint();
	} while ((now.frames < before.frames || now.heap > before.heap) &&
		 sched_now_ns() < deadline);
	if (now.frames >= before.frames && now.heap <= before.heap)
		return true;
	test_printf(t, "  frames not held %llu -> %llu, heap in use %zu -> %zu\n",
		    (unsigned long long)before.frames, (unsigned long long)now.frames, before.heap,
		    now.heap);
	return false;
}

/* Writes len bytes to a new /tmp file. */
static int write_file(const char *path, const void *data, size_t len)
{
	struct vfs_file *f;
	size_t n = 0;
	int err = vfs_open(kvfs, NULL, path, VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC, &f);

	if (err)
		return err;
	err = vfs_write(f, data, len, &n);
	vfs_close(f);
	return err ? err : n == len ? 0 : ERR_NOSPC;
}

TEST(launch, find_tries_the_name_then_bin_then_wasm)
{
	char path[LAUNCH_PATH_MAX];

	if (EXPECT_OK(launch_find("hello", path)))
		EXPECT_STREQ(path, "/bin/hello.wasm");
	if (EXPECT_OK(launch_find("/bin/hello.wasm", path)))
		EXPECT_STREQ(path, "/bin/hello.wasm");
	EXPECT_EQ(launch_find("nope", path), ERR_NOENT);
	EXPECT_EQ(launch_find("/bin/hello", path), ERR_NOENT); /* a path is taken as it is */
	EXPECT_EQ(launch_find("", path), ERR_NOENT);
	EXPECT_EQ(launch_find("/bin", path), ERR_ISDIR);
}

TEST(launch, a_program_runs_with_its_arguments_and_exits_with_its_code)
{
	struct wasm_proc_status st = {.code = -2};
	struct ktest_capture cap = {0};

	if (EXPECT_OK(run(2, (const char *const[]){"hello", "kernel"}, &cap, NULL, &st)))
		EXPECT_STREQ(cap.buf, "Hello, kernel, from WebAssembly!\n");
	EXPECT_EQ(st.code, 0);
	EXPECT_EQ(st.trap, WASM_TRAP_NONE);
	cap.len = 0;
	if (EXPECT_OK(run(3, (const char *const[]){"hello", "a", "b"}, &cap, NULL, &st)))
		EXPECT_STREQ(cap.buf, "usage: hello [NAME]\n");
	EXPECT_EQ(st.code, 2);
}

TEST(launch, initrd_files_are_used_in_place_others_are_read)
{
	size_t cpio_len;
	const uint8_t *cpio = kvfs_initrd(&cpio_len);
	struct launch_file f;

	if (EXPECT_OK(launch_open("hello", &f))) {
		EXPECT(!f.owned);
		EXPECT(f.bytes >= cpio && f.bytes + f.len <= cpio + cpio_len);
		EXPECT(f.len >= 8 && memcmp(f.bytes, "\0asm", 4) == 0);
		if (EXPECT_OK(write_file("/tmp/launch_copy.wasm", f.bytes, f.len))) {
			struct launch_file g;
			if (EXPECT_OK(launch_open("/tmp/launch_copy.wasm", &g))) {
				EXPECT(g.owned);
				EXPECT_EQ(g.len, f.len);
				EXPECT(memcmp(g.bytes, f.bytes, f.len) == 0);
				launch_close(&g);
			}
			EXPECT_OK(vfs_unlink(kvfs, NULL, "/tmp/launch_copy.wasm"));
		}
		launch_close(&f);
	}
}

TEST(launch, a_failed_launch_tells_why_and_keeps_nothing)
{
	static const uint8_t junk[] = {0, 'a', 's', 'm', 9, 9, 9, 9};
	struct wasm_proc_status st;
	struct wasm_error we = {0};
	struct footprint before;

	/* warm-up: /tmp's file and the heap settle */
	EXPECT_OK(write_file("/tmp/launch_junk.wasm", junk, sizeof(junk)));
	EXPECT_EQ(run(1, (const char *const[]){"/tmp/launch_junk.wasm"}, NULL, &we, &st),
		  ERR_MALFORMED);
	before = footprint_quiet();
	for (int i = 0; i < 20; i++) {
		we = (struct wasm_error){0};
		EXPECT_EQ(run(1, (const char *const[]){"nope"}, NULL, NULL, &st), ERR_NOENT);
		EXPECT_EQ(run(1, (const char *const[]){"/bin"}, NULL, NULL, &st), ERR_ISDIR);
		EXPECT_EQ(run(1, (const char *const[]){"/tmp/launch_junk.wasm"}, NULL, &we, &st),
			  ERR_MALFORMED);
		EXPECT(we.msg[0] != 0);
		EXPECT_EQ(launch_run(0, NULL, NULL, NULL, NULL), ERR_INVAL);
	}
	EXPECT(footprint_back(t, before));
	EXPECT_OK(vfs_unlink(kvfs, NULL, "/tmp/launch_junk.wasm"));
}

TEST(launch, programs_run_from_tmp_and_from_the_initrd_keep_nothing)
{
	struct wasm_proc_status st;
	struct launch_file f;
	struct footprint before;
	int bad = 0;

	if (!EXPECT_OK(launch_open("hello", &f)))
		return;
	EXPECT_OK(write_file("/tmp/launch_hello.wasm", f.bytes, f.len));
	launch_close(&f);
	EXPECT_OK(run(1, (const char *const[]){"/tmp/launch_hello.wasm"}, NULL, NULL, &st));
	before = footprint_quiet();
	for (int i = 0; i < 20; i++) {
		const char *name = i % 2 ? "hello" : "/tmp/launch_hello.wasm";
		st.code = -2;
		if (run(1, (const char *const[]){name}, NULL, NULL, &st) || st.code != 0)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	EXPECT(footprint_back(t, before));
	EXPECT_OK(vfs_unlink(kvfs, NULL, "/tmp/launch_hello.wasm"));
}

/* The preopens are the program's from the spawn call on, also when the
 * spawn fails before the program exists (here: a bad argc). */
TEST(launch, a_spawn_that_fails_early_closes_its_preopens)
{
	struct wasi_vfs w;
	struct kasync_join jh;
	int64_t hfd;

	wasi_vfs_init(&w, kvfs, 0);
	if (!EXPECT_EQ(wasi_vfs_preopen(&w, "/", VFS_ACCESS_WRITE, &hfd), 0))
		return;
	const struct wasi_preopen pre = {.hfd = hfd, .guest = "/"};
	const struct wasm_proc_io io = {
		.files = wasi_vfs_files(&w), .npreopens = 1, .preopens = &pre};
	EXPECT_EQ(wasm_proc_spawn_opts(NULL, 0, "bad", -1, NULL, &io, NULL, &jh), ERR_INVAL);
	/* closed already: a second close finds nothing */
	EXPECT_EQ(w.files.close(w.files.arg, hfd), WASI_EBADF);
	wasi_vfs_destroy(&w);
}

/* hello's bytes with a custom section named `tag` at the end: a valid
 * module that runs as hello does, with other bytes. Written to path. */
static int write_tagged_hello(const char *path, const char *tag)
{
	struct launch_file f;
	size_t tl = strlen(tag);
	int err = launch_open("hello", &f);

	if (err)
		return err;
	uint8_t *b = malloc(f.len + 2 + tl);
	if (!b) {
		launch_close(&f);
		return ERR_NOMEM;
	}
	memcpy(b, f.bytes, f.len);
	b[f.len] = 0;			  /* a custom section */
	b[f.len + 1] = (uint8_t)(tl + 1); /* its size: the name's length and the name */
	b[f.len + 2] = (uint8_t)tl;
	memcpy(b + f.len + 3, tag, tl);
	err = write_file(path, b, f.len + 3 + tl);
	free(b);
	launch_close(&f);
	return err;
}

static bool ran_hello(const char *name)
{
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {.code = -2};

	return run(1, (const char *const[]){name}, &cap, NULL, &st) == 0 && st.code == 0 &&
	       strcmp(cap.buf, "Hello, world, from WebAssembly!\n") == 0;
}

TEST(launch, a_second_run_of_the_same_bytes_finds_its_module_kept)
{
	struct modcache_stats a, b;

	modcache_shrink();
	EXPECT_OK(write_tagged_hello("/tmp/launch_kept.wasm", "one"));
	modcache_stats(&a);
	EXPECT(ran_hello("hello"));
	modcache_stats(&b);
	EXPECT_EQ(b.misses, a.misses + 1);
	EXPECT_EQ(b.modules, 1);
	EXPECT_EQ(b.in_use, 0);
	EXPECT(ran_hello("hello"));		    /* kept */
	EXPECT(ran_hello("/tmp/launch_kept.wasm")); /* other bytes: not served the kept one */
	modcache_stats(&b);
	EXPECT_EQ(b.hits, a.hits + 1);
	EXPECT_EQ(b.misses, a.misses + 2);
	EXPECT_EQ(b.modules, 2);
	/* the same file changed: its new bytes are a new module */
	EXPECT_OK(write_tagged_hello("/tmp/launch_kept.wasm", "two"));
	EXPECT(ran_hello("/tmp/launch_kept.wasm"));
	EXPECT(ran_hello("/tmp/launch_kept.wasm"));
	modcache_stats(&b);
	EXPECT_EQ(b.hits, a.hits + 2);
	EXPECT_EQ(b.misses, a.misses + 3);
	EXPECT(modcache_shrink() > 0);
	modcache_stats(&b);
	EXPECT_EQ(b.modules, 0);
	EXPECT_OK(vfs_unlink(kvfs, NULL, "/tmp/launch_kept.wasm"));
}

TEST(launch, kept_modules_make_room_for_new_ones_and_all_come_back)
{
	char path[64], tag[8];
	struct modcache_stats s;
	struct footprint before;
	int bad = 0;

	EXPECT(ran_hello("hello")); /* warm-up: /tmp and the heap settle */
	before = footprint_quiet();
	for (int i = 0; i < MODCACHE_MAX + 3; i++) {
		fmt_snprintf(path, sizeof(path), "/tmp/launch_room%d.wasm", i);
		fmt_snprintf(tag, sizeof(tag), "r%d", i);
		if (write_tagged_hello(path, tag) || !ran_hello(path))
			bad++;
		modcache_stats(&s);
		if (s.modules > MODCACHE_MAX)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	modcache_stats(&s);
	EXPECT_EQ(s.modules, MODCACHE_MAX);
	for (int i = 0; i < MODCACHE_MAX + 3; i++) {
		fmt_snprintf(path, sizeof(path), "/tmp/launch_room%d.wasm", i);
		EXPECT_OK(vfs_unlink(kvfs, NULL, path));
	}
	EXPECT(footprint_back(t, before)); /* footprint() drains the kept modules */
}

/*
 * Many programs of one kept module at once: the first is started alone and
 * the others as soon as its module is kept, so they call the same functions
 * for the first time together on other CPUs (compiled code is the module's:
 * racing compilers of one function, one wins; interpreted, each instance
 * translates its own). Every output is the one a run alone gives; a later
 * run compiles nothing new; once the kept module is given back, every
 * frame and heap byte is.
 */
#define SAME_RUNS 8

TEST(launch, many_runs_of_one_kept_module_at_once_all_right_and_all_come_back)
{
	static struct ktest_capture cap[SAME_RUNS], solo; /* big: not on the stack */
	static const char *const argv[] = {"primes", "3000"};
	struct wasm_proc_status st[SAME_RUNS], solo_st = {.code = -2};
	struct kasync_join jh[SAME_RUNS];
	struct modcache_stats a, b;
	struct footprint before;
	int started = 0, bad = 0, on = 0;
	uint64_t ran_on = 0;

	EXPECT(ran_hello("hello")); /* warm-up: /tmp and the heap settle */
	modcache_shrink();
	before = footprint_quiet();
	/* alone, and its module is kept for the rest */
	memset(&solo, 0, sizeof(solo));
	if (!EXPECT_OK(run(2, argv, &solo, NULL, &solo_st)) || !EXPECT_EQ(solo_st.code, 0))
		goto out;
	static const char last[] = "primes: 430 primes below 3000\n";
	EXPECT(solo.len >= sizeof(last) - 1 &&
	       strcmp(solo.buf + solo.len - (sizeof(last) - 1), last) == 0);
	modcache_shrink(); /* the wave starts with nothing kept, nothing compiled */
	modcache_stats(&a);
	for (int i = 0; i < SAME_RUNS; i++) {
		struct wasm_proc_io io = {.arg = &cap[i], .write = ktest_capture_write};
		uint64_t end = sched_now_ns() + 1000 * MS;

		memset(&cap[i], 0, sizeof(cap[i]));
		st[i] = (struct wasm_proc_status){.code = -2};
		if (!EXPECT_OK(launch_run(2, argv, &io, NULL, &jh[i])))
			break;
		started++;
		do /* the first run's module kept: the others find it */
			modcache_stats(&b);
		while (i == 0 && b.modules == a.modules && sched_now_ns() < end);
	}
	for (int i = 0; i < started; i++)
		if (sched_block_on_join(&jh[i], &st[i]) || st[i].code != 0 ||
		    strcmp(cap[i].buf, solo.buf) != 0) {
			test_printf(t, "  run %d: code %d, output %s\n", i, st[i].code, cap[i].buf);
			bad++;
		} else {
			ran_on |= st[i].cpus;
		}
	for (; ran_on; ran_on &= ran_on - 1)
		on++;
	test_printf(t, "  %d runs at once on %d CPU(s)\n", started, on);
	EXPECT_EQ(started, SAME_RUNS);
	EXPECT_EQ(bad, 0);
	modcache_stats(&b);
	EXPECT_EQ(b.hits, a.hits + (uint64_t)started - 1); /* all but the first found it kept */
	EXPECT_EQ(b.misses, a.misses + 1);
	EXPECT_EQ(b.in_use, 0);
	if (kcode_enabled()) { /* its code is kept with it: a new run compiles nothing */
		struct kcode_stats k0, k1;

		EXPECT(b.code_bytes > 0);
		kcode_stats(&k0);
		memset(&solo, 0, sizeof(solo));
		EXPECT(run(2, argv, &solo, NULL, &solo_st) == 0 && solo_st.code == 0 &&
		       strcmp(solo.buf, cap[0].buf) == 0);
		modcache_stats(&a);
		uint64_t end = sched_now_ns() + 500 * MS;
		do /* its store (with its stubs) may go a moment after the join */
			kcode_stats(&k1);
		while (k1.code_blocks != k0.code_blocks && sched_now_ns() < end);
		EXPECT_EQ(a.code_bytes, b.code_bytes);
		EXPECT_EQ(k1.code_blocks, k0.code_blocks);
	}
	EXPECT(modcache_shrink() > 0);
out:
	EXPECT(footprint_back(t, before));
}
