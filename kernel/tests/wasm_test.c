/*
 * wasm_test.c - WebAssembly programs as kernel tasks: WASI output, exit
 * codes and arguments, out-of-bounds traps in guarded (page-fault) and
 * checked memories, call-stack exhaustion, memory.grow up to its cap,
 * preemption of spinning guests, sleeping and blocking on stdin without
 * spinning, the fallback to checked memory when address space runs out,
 * and no frame or heap byte kept after many trapping runs. The programs
 * are in wasm_modules.h. Also bench=wasm (fib(25), guest time).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/rand.h"
#include "base/test.h"
#include "core/console.h"
#include "core/cpu.h"
#include "trace/ktrace.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/wasm_modules.h"
#include "sched/timer.h"
#include "wasm/proc.h"

#define MS 1000000ull

/* Runs a program to its end; 0 or the spawn/join error. */
static int run(const uint8_t *bytes, size_t len, struct wasm_proc_opts *o,
	       struct ktest_capture *cap, int argc, const char *const *argv,
	       struct wasm_proc_status *st)
{
	struct wasm_proc_io io = {.arg = cap, .write = ktest_capture_write};
	struct kasync_join jh;
	int e = wasm_proc_spawn_opts(bytes, len, argv ? argv[0] : "test", argc, argv,
				     cap ? &io : NULL, o, &jh);

	return e ? e : sched_block_on_join(&jh, st);
}

/* Whether `s` contains `sub` (the kernel's libc has no strstr). */
static bool contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (strncmp(s, sub, n) == 0)
			return true;
	return false;
}

#define RUN(mod, o, cap, st) run(mod, sizeof(mod), o, cap, 0, NULL, st)

TEST(wasm, hello_writes_to_stdout)
{
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {.code = -2, .trap = -2};

	if (!EXPECT_OK(RUN(wasm_hello, NULL, &cap, &st)))
		return;
	EXPECT_STREQ(cap.buf, "hello, wasm\n");
	EXPECT_EQ(st.code, 0);
	EXPECT_EQ(st.trap, WASM_TRAP_NONE);
}

/* How many rand_next steps lead from `a` to `b` (at most max), or -1. */
static int rng_steps(struct rand a, const struct rand *b, int max)
{
	for (int n = 0; n <= max; n++, rand_next(&a))
		if (memcmp(&a, b, sizeof(a)) == 0)
			return n;
	return -1;
}

/* A program's random bytes are not the CPU generators' outputs (those give
 * the generators' state away, and with it the kernel's random placements):
 * the program's start draws its key (2 steps), its 64 bytes draw nothing.
 * No other program runs meanwhile, so the generators are read unlocked. */
TEST(wasm, random_get_does_not_draw_from_the_cpu_generators)
{
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {0};
	struct rand before[MAX_CPUS];
	int steps = 0;

	for (uint32_t c = 0; c < ncpus; c++)
		before[c] = cpus[c].rng;
	if (!EXPECT_OK(RUN(wasm_random, NULL, &cap, &st)))
		return;
	EXPECT_EQ(cap.len, 64u);
	for (uint32_t c = 0; c < ncpus; c++) {
		int n = rng_steps(before[c], &cpus[c].rng, 64);
		EXPECT_GE(n, 0);
		steps += n;
	}
	EXPECT_EQ(steps, 2);
}

TEST(wasm, exit_code_and_arguments)
{
	static const char *const argv[] = {"exit", "one", "two"};
	struct wasm_proc_status st = {0};

	if (EXPECT_OK(run(wasm_exit, sizeof(wasm_exit), NULL, NULL, 3, argv, &st)))
		EXPECT_EQ(st.code, 43); /* 40 + argc */
	EXPECT_EQ(st.trap, WASM_TRAP_NONE);
}

TEST(wasm, bad_modules_are_refused_at_spawn)
{
	static const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
	struct kasync_join jh;

	EXPECT_EQ(wasm_proc_spawn(junk, sizeof(junk), "junk", 0, NULL, NULL, &jh), ERR_MALFORMED);
	/* the first 8 bytes of wasm_spin: an empty module, without _start */
	EXPECT_EQ(wasm_proc_spawn(wasm_spin, 8, "empty", 0, NULL, NULL, &jh), ERR_NOENT);
}

/* The out-of-bounds program, guarded or checked: the trap, its report. */
static void expect_oob(struct test_ctx *t, bool checked)
{
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {0};
	bool guarded = !checked;
	struct wasm_proc_opts o = {.checked = checked, .used_guarded = &guarded};

	if (!EXPECT_OK(RUN(wasm_oob, &o, &cap, &st)))
		return;
	EXPECT_EQ(guarded, !checked);
	EXPECT_EQ(st.trap, WASM_TRAP_MEMORY_OOB);
	EXPECT_EQ(st.code, -1);
	EXPECT(strncmp(cap.buf, "trap: out of bounds memory access\n", 34) == 0);
	EXPECT(contains(cap.buf, "#0") && contains(cap.buf, "poke"));
	EXPECT(contains(cap.buf, "#1"));
	test_printf(t, "%s", cap.buf);
}

TEST(wasm, out_of_bounds_traps_in_guarded_memory)
{
	expect_oob(t, false);
}

TEST(wasm, out_of_bounds_traps_in_checked_memory)
{
	expect_oob(t, true);
}

TEST(wasm, far_out_of_bounds_store_traps)
{
	struct wasm_proc_status st = {0};
	bool guarded = false;
	struct wasm_proc_opts o = {.used_guarded = &guarded};
	struct ktest_capture cap = {0};

	if (EXPECT_OK(RUN(wasm_oobfar, &o, &cap, &st)))
		EXPECT_EQ(st.trap, WASM_TRAP_MEMORY_OOB);
	EXPECT(guarded);
	o.checked = true;
	if (EXPECT_OK(RUN(wasm_oobfar, &o, &cap, &st)))
		EXPECT_EQ(st.trap, WASM_TRAP_MEMORY_OOB);
}

TEST(wasm, infinite_recursion_traps)
{
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {0};

	if (!EXPECT_OK(RUN(wasm_recurse, NULL, &cap, &st)))
		return;
	EXPECT(st.trap == WASM_TRAP_CALL_STACK || st.trap == WASM_TRAP_VALUE_STACK);
	EXPECT(contains(cap.buf, "down"));
}

TEST(wasm, memory_grow_is_refused_at_the_cap)
{
	for (int checked = 0; checked < 2; checked++) {
		struct wasm_proc_status st = {0};
		struct wasm_proc_opts o = {.checked = checked, .max_memory_pages = 64};

		if (EXPECT_OK(RUN(wasm_grow, &o, NULL, &st)))
			EXPECT_EQ(st.code, 4); /* 64 pages / 16; new pages read zero */
		EXPECT_EQ(st.trap, WASM_TRAP_NONE);
	}
}

/*
 * memory.grow promises frames (vm_set_commit_limit): untouched growth costs
 * none, and it is refused once the promises would pass the frames available
 * less the kernel's reserve, well before 4 GiB on this machine.
 */
TEST(wasm, guarded_memory_grows_lazily_to_the_frame_budget)
{
	struct wasm_proc_status st = {0};
	bool guarded = false;
	struct wasm_proc_opts o = {.used_guarded = &guarded};
	struct frame_stats f;
	frame_stats(&f);
	uint64_t budget = f.available - f.reserve;
	uint64_t steps = MIN(budget / (64 * 1024 * 1024 / FRAME_SIZE), 64);
	uint64_t before = ktest_frames_not_held();

	for (int i = 0; i < 2; i++) /* the promises are given back */
		if (EXPECT_OK(RUN(wasm_growbig, &o, NULL, &st)))
			EXPECT_EQ(st.code, (int32_t)steps);
	EXPECT(guarded);
	EXPECT_EQ(ktest_frames_not_held(), before);
}

/*
 * A task that does what the shell's `run` does: from a worker, it spawns
 * one spinning program per CPU, then hello, and waits for hello.
 */
struct launcher {
	struct kasync_task task;
	struct kasync_join spins[MAX_CPUS], hello;
	uint32_t nspins;
	int spawn_err;
	bool spawned;
	struct ktest_capture cap;
	struct wasm_proc_status st;
	uint64_t t0, took_ns;
};

static enum kasync_poll launcher_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct launcher *l = CONTAINER_OF(task, struct launcher, task);
	struct wasm_proc_io io = {.arg = &l->cap, .write = ktest_capture_write};
	int err = 0;

	if (!l->spawned) {
		l->spawned = true;
		for (; l->nspins < ncpus && !l->spawn_err; l->nspins++)
			l->spawn_err = wasm_proc_spawn(wasm_spin, sizeof(wasm_spin), "spin", 0,
						       NULL, NULL, &l->spins[l->nspins]);
		l->t0 = sched_now_ns();
		if (!l->spawn_err)
			l->spawn_err = wasm_proc_spawn(wasm_hello, sizeof(wasm_hello), "hello", 0,
						       NULL, &io, &l->hello);
		if (l->spawn_err)
			return KASYNC_READY;
	}
	if (kasync_join_poll(&l->hello, cx, &l->st, &err) == KASYNC_PENDING)
		return KASYNC_PENDING;
	l->took_ns = sched_now_ns() - l->t0;
	kasync_join_drop(&l->hello);
	return KASYNC_READY;
}

static void launcher_dealloc(struct kasync_task *task)
{
	free(CONTAINER_OF(task, struct launcher, task));
}

static const struct kasync_task_vtable launcher_vt = {.poll = launcher_poll,
						      .dealloc = launcher_dealloc};

TEST(wasm, spinning_guests_are_preempted)
{
	struct launcher *l = calloc(1, sizeof(*l));
	struct kasync_join jh;

	if (!EXPECT(l))
		return;
	kasync_task_init(&l->task, &launcher_vt, "launcher");
	kasync_task_ref(&l->task); /* ours, to read it after the join */
	if (!EXPECT_OK(kasync_spawn(&kexec, &l->task, &jh))) {
		kasync_task_unref(&l->task);
		return;
	}
	/* Every CPU has a guest that never yields by itself; hello must still
	 * get its turn. */
	EXPECT_OK(sched_block_on_join(&jh, NULL));
	EXPECT_OK(l->spawn_err);
	EXPECT_STREQ(l->cap.buf, "hello, wasm\n");
	test_printf(t, "hello ran beside %u spinning guests in %llu us\n", l->nspins,
		    (unsigned long long)(l->took_ns / 1000));
	for (uint32_t i = 0; i < l->nspins; i++) {
		struct wasm_proc_status st;
		EXPECT(!kasync_task_is_complete(l->spins[i].task));
		kasync_join_cancel(&l->spins[i]);
		EXPECT_EQ(sched_block_on_join(&l->spins[i], &st), ERR_CANCELLED);
	}
	kasync_task_unref(&l->task);
	/* One more program: on its way to it, this CPU's worker drops the
	 * cancelled guests still queued (on one CPU nobody else would). */
	struct ktest_capture cap = {0};
	struct wasm_proc_status st;
	EXPECT_OK(RUN(wasm_hello, NULL, &cap, &st));
}

TEST(wasm, slice_timer_preempts_a_long_computation)
{
	struct wasm_proc_status st = {0};
	struct wasm_proc_opts o = {.slice_us = 1000};

	if (!EXPECT_OK(RUN(wasm_fib, &o, NULL, &st)))
		return;
	EXPECT_EQ(st.code, 17); /* fib(25) = 75025, mod 256 */
	/* fib(25) takes some 30 ms of guest time, so the 1 ms slices end it
	 * many times (the budget alone allows one stop per 2^26 units). Not a
	 * ratio to run_us: that is host time under TCG, and a loaded host
	 * stretches it without ending more slices. */
	test_printf(t, "fib(25): %llu us, %u slices ended\n", (unsigned long long)st.run_us,
		    st.preempted);
	EXPECT_GE(st.preempted, 4u);
}

/* Spawns `n` fib programs from a worker (like the shell), each with
 * 1 ms slices, and waits for them all. */
struct fibs {
	struct kasync_task task;
	struct kasync_join jh[3 * MAX_CPUS];
	struct wasm_proc_status st[3 * MAX_CPUS];
	uint32_t n, done;
	int err;
};

static enum kasync_poll fibs_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct fibs *f = CONTAINER_OF(task, struct fibs, task);
	struct wasm_proc_opts o = {.slice_us = 1000};

	for (; f->done == 0 && f->n < 3 * ncpus && !f->err; f->n++)
		f->err = wasm_proc_spawn_opts(wasm_fib, sizeof(wasm_fib), "fib", 0, NULL, NULL, &o,
					      &f->jh[f->n]);
	for (; f->done < f->n; f->done++) {
		int err = 0;
		if (kasync_join_poll(&f->jh[f->done], cx, &f->st[f->done], &err) == KASYNC_PENDING)
			return KASYNC_PENDING;
		kasync_join_drop(&f->jh[f->done]);
		f->err = f->err ? f->err : err;
	}
	return KASYNC_READY;
}

static void fibs_dealloc(struct kasync_task *task)
{
	free(CONTAINER_OF(task, struct fibs, task));
}

static const struct kasync_task_vtable fibs_vt = {.poll = fibs_poll, .dealloc = fibs_dealloc};

TEST(wasm, programs_move_between_cpus)
{
	struct fibs *f = calloc(1, sizeof(*f));
	struct kasync_join jh;
	uint32_t moved = 0;

	if (!EXPECT(f))
		return;
	kasync_task_init(&f->task, &fibs_vt, "fibs");
	kasync_task_ref(&f->task);
	if (!EXPECT_OK(kasync_spawn(&kexec, &f->task, &jh))) {
		kasync_task_unref(&f->task);
		return;
	}
	EXPECT_OK(sched_block_on_join(&jh, NULL));
	EXPECT_OK(f->err);
	for (uint32_t i = 0; i < f->n; i++) {
		EXPECT_EQ(f->st[i].code, 17);
		moved += __builtin_popcountll(f->st[i].cpus) > 1;
	}
	test_printf(t, "%u of %u programs ran on more than one CPU\n", moved, f->n);
	if (ncpus > 1)
		EXPECT_GE(moved, 1u);
	kasync_task_unref(&f->task);
}

TEST(wasm, sleep_suspends_the_guest)
{
	struct wasm_proc_status st = {.code = -2, .trap = -2};
	uint64_t t0 = sched_now_ns();

	if (!EXPECT_OK(RUN(wasm_sleep, NULL, NULL, &st)))
		return;
	uint64_t took = sched_now_ns() - t0;
	EXPECT_EQ(st.code, 0); /* poll_oneoff's errno */
	EXPECT_GE(took, 20 * MS);
	EXPECT_LT(took, 2000 * MS);
	/* waited suspended, not spinning: no slice ran out, and most of the
	 * time went by outside wasm_run (both clocks stretch alike when the
	 * host is loaded) */
	EXPECT_EQ(st.preempted, 0u);
	EXPECT_LT(st.run_us * 2, took / 1000);
	test_printf(t, "slept %llu us, ran %llu us\n", (unsigned long long)(took / 1000),
		    (unsigned long long)st.run_us);
}

/* stdin that is empty until a timer delivers "abc", then at its end. */
struct slow_stdin {
	struct ktimer timer;
	struct kasync_waker waker;
	atomic_int stage; /* 0: empty, 1: "abc" ready, 2: given */
	int eagains;
};

static void stdin_timer(struct ktimer *t)
{
	struct slow_stdin *s = CONTAINER_OF(t, struct slow_stdin, timer);

	atomic_store(&s->stage, 1);
	kasync_waker_wake(&s->waker); /* interrupt context */
	s->waker.vt = NULL;
}

static uint16_t slow_read(void *arg, void *buf, size_t len, size_t *out_n,
			  const struct kasync_waker *waker)
{
	struct slow_stdin *s = ((void **)arg)[1];
	int stage = atomic_load(&s->stage);

	if (stage == 0) {
		bool irq = arch_irq_save(); /* against stdin_timer on this CPU */
		if (!s->waker.vt) {
			s->waker = kasync_waker_clone(waker);
			timer_add(&s->timer, arch_now_ticks() + timer_ms_to_ticks(5), stdin_timer);
		}
		arch_irq_restore(irq);
		s->eagains++;
		return WASI_EAGAIN;
	}
	*out_n = 0;
	if (stage == 1 && len >= 3) {
		memcpy(buf, "abc", 3);
		*out_n = 3;
		atomic_store(&s->stage, 2);
	}
	return 0;
}

static void slow_write(void *arg, int fd, const void *buf, size_t len)
{
	ktest_capture_write(((void **)arg)[0], fd, buf, len);
}

TEST(wasm, stdin_blocks_until_input)
{
	struct ktest_capture cap = {0};
	struct slow_stdin s = {0};
	void *args[2] = {&cap, &s};
	struct wasm_proc_io io = {.arg = args, .write = slow_write, .read = slow_read};
	struct kasync_join jh;
	struct wasm_proc_status st = {0};

	if (!EXPECT_OK(wasm_proc_spawn(wasm_echo, sizeof(wasm_echo), "echo", 0, NULL, &io, &jh)))
		return;
	if (!EXPECT_OK(sched_block_on_join(&jh, &st)))
		return;
	EXPECT_STREQ(cap.buf, "abc");
	EXPECT_EQ(st.trap, WASM_TRAP_NONE);
	EXPECT_GE(s.eagains, 1);
	EXPECT(!s.waker.vt);
}

TEST(wasm, many_programs_at_once)
{
	enum { N = 24 };
	struct kasync_join jh[N];
	struct ktest_capture caps[N];
	int spawned[N];

	for (int i = 0; i < N; i++) {
		struct wasm_proc_io io = {.arg = &caps[i], .write = ktest_capture_write};
		struct wasm_proc_opts o = {.checked = i % 4 == 3};
		caps[i].len = 0;
		caps[i].buf[0] = 0;
		spawned[i] = i % 2 ? wasm_proc_spawn_opts(wasm_oob, sizeof(wasm_oob), "oob", 0,
							  NULL, &io, &o, &jh[i])
				   : wasm_proc_spawn_opts(wasm_hello, sizeof(wasm_hello), "hello",
							  0, NULL, &io, &o, &jh[i]);
		EXPECT_OK(spawned[i]);
	}
	for (int i = 0; i < N; i++) {
		struct wasm_proc_status st = {0};
		if (spawned[i] || !EXPECT_OK(sched_block_on_join(&jh[i], &st)))
			continue;
		EXPECT_EQ(st.trap, i % 2 ? WASM_TRAP_MEMORY_OOB : WASM_TRAP_NONE);
		if (i % 2 == 0)
			EXPECT_STREQ(caps[i].buf, "hello, wasm\n");
	}
}

/* Frees every region of `va`. */
static void unreserve(uint64_t *va, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		vm_free(va[i]);
}

TEST(wasm, falls_back_to_checked_memory_when_address_space_is_short)
{
	enum { MAXR = 900 };
	uint64_t *va = calloc(MAXR, sizeof(*va));
	uint32_t n = 0;

	if (!EXPECT(va))
		return;
	/* Take every hole that could hold a guarded reservation (lazy: freeing
	 * walks only what was committed, nothing). */
	for (uint64_t sz = UINT64_C(1) << 46; sz >= WASM_MEM_GUARDED_RESERVE / 2; sz /= 2)
		while (n < MAXR && vm_reserve(MAX(sz, WASM_MEM_GUARDED_RESERVE), VM_READ | VM_LAZY,
					      "wasm-test-fill", &va[n]) == 0)
			n++;
	if (!EXPECT_LT(n, (uint32_t)MAXR)) {
		unreserve(va, n);
		free(va);
		return;
	}
	struct ktest_capture cap = {0};
	struct wasm_proc_status st = {0};
	bool guarded = true;
	struct wasm_proc_opts o = {.used_guarded = &guarded};
	int e = RUN(wasm_hello, &o, &cap, &st);
	bool guarded_oob = true;
	struct wasm_proc_opts o2 = {.used_guarded = &guarded_oob};
	struct ktest_capture cap2 = {0};
	int e2 = RUN(wasm_oob, &o2, &cap2, &st);
	int trap = st.trap;
	unreserve(va, n);
	free(va);
	test_printf(t, "filled the address space with %u regions\n", n);
	if (EXPECT_OK(e))
		EXPECT_STREQ(cap.buf, "hello, wasm\n");
	EXPECT(!guarded);
	if (EXPECT_OK(e2))
		EXPECT_EQ(trap, WASM_TRAP_MEMORY_OOB);
	EXPECT(!guarded_oob);
	/* and guarded again once there is room */
	guarded = false;
	cap.len = 0;
	EXPECT_OK(RUN(wasm_hello, &o, &cap, &st));
	EXPECT(guarded);
}

TEST(wasm, no_leak_after_100_trapping_runs)
{
	struct kheap_stats hb, ha;
	struct wasm_proc_status st;
	uint64_t before, after;
	int bad = 0;

	struct ktest_capture cap = {0};

	/* One warm-up run: per-CPU caches and the heap settle. */
	RUN(wasm_oob, NULL, &cap, &st);
	before = ktest_frames_not_held();
	kheap_stats(&hb);
	for (int i = 0; i < 100; i++) {
		struct wasm_proc_opts o = {.checked = i % 3 == 2};
		const uint8_t *m = i % 5 == 4 ? wasm_recurse : wasm_oob;
		size_t len = i % 5 == 4 ? sizeof(wasm_recurse) : sizeof(wasm_oob);
		st.trap = 0;
		cap.len = 0;
		if (run(m, len, &o, &cap, 0, NULL, &st) || st.trap == WASM_TRAP_NONE)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	/* The executor may drop its reference a moment after the join. */
	uint64_t deadline = sched_now_ns() + 500 * MS;
	do {
		after = ktest_frames_not_held();
		kheap_stats(&ha);
	} while ((after != before || ha.in_use != hb.in_use) && sched_now_ns() < deadline);
	EXPECT_EQ(after, before);
	EXPECT_EQ(ha.in_use, hb.in_use);
}

/* A tracefs write, retried while a reader holds the lock. */
static int trace_write(const char *path, const char *text)
{
	struct trace_fs_file *f;
	int err = ERR_BUSY;

	for (int tries = 0; tries < 100000 && err == ERR_BUSY; tries++) {
		err = ktrace_fs_open(path, 0, &f);
		if (err == 0) {
			err = ktrace_fs_write(f, text, strlen(text));
			ktrace_fs_close(f);
		}
		arch_cpu_relax();
	}
	return err;
}

/* The first place of sub in s, or NULL. */
static const char *find(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (strncmp(s, sub, n) == 0)
			return s;
	return NULL;
}

/* The number after `key` in the first line of text holding `line` (which
 * must come before it), or -1. */
static long field_after(const char *text, const char *line, const char *key)
{
	const char *s = find(text, line);
	const char *end = s ? strchr(s, '\n') : NULL;
	long v = 0;

	if (!s)
		return -1;
	s = find(s, key);
	if (!s || (end && s > end))
		return -1;
	s += strlen(key);
	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* How many lines of text hold `sub`. */
static long count_lines(const char *text, const char *sub)
{
	long n = 0;

	for (const char *s = text; (s = find(s, sub)); s += strlen(sub))
		n++;
	return n;
}

TEST(wasm, tracepoints)
{
	enum { MAX = 65536 };
	char *text = malloc(MAX);
	struct trace_fs_file *f;
	struct wasm_proc_status st;
	struct ktest_capture cap = {0};
	size_t len = 0, n = 0;

	if (!EXPECT(text))
		return;
	EXPECT_OK(trace_write("trace", ""));
	EXPECT_OK(trace_write("events/wasm/enable", "1"));
	EXPECT_OK(run(wasm_hello, sizeof(wasm_hello), NULL, &cap, 1,
		      (const char *const[]){"tphello"}, &st));
	EXPECT_OK(run(wasm_oob, sizeof(wasm_oob), NULL, &cap, 1, (const char *const[]){"tpoob"},
		      &st));
	EXPECT_OK(trace_write("events/wasm/enable", "0"));
	if (EXPECT_OK(ktrace_fs_open("trace", 0, &f))) {
		while (len < MAX - 1 && ktrace_fs_read(f, text + len, MAX - 1 - len, &n) == 0 && n)
			len += n;
		ktrace_fs_close(f);
	}
	text[len] = 0;
	EXPECT(contains(text, "instance_start: prog=tphello guarded=1 pages=1"));
	EXPECT(contains(text, "hostcall: prog=tphello service=write"));
	EXPECT(contains(text, "instance_exit: prog=tphello code=0 trap=0"));
	EXPECT(contains(text, "trap: prog=tpoob kind=out of bounds memory access func=0"));
	EXPECT(contains(text, "instance_exit: prog=tpoob code=-1 trap=2"));
	/* each first call is a translate line, and the exit line counts them
	 * (this hello has one function; tests/qemu/userland.py checks that a
	 * real one translates fewer functions than it has) */
	long ntr = count_lines(text, " translate: prog=tphello func=");
	long translated = field_after(text, "instance_exit: prog=tphello ", " translated=");
	long funcs = field_after(text, "instance_exit: prog=tphello ", " funcs=");
	EXPECT_GT(ntr, 0);
	EXPECT_EQ(ntr, translated);
	EXPECT_LE(translated, funcs);
	EXPECT_GT(field_after(text, " translate: prog=tphello ", " ins="), 0);
	EXPECT_GT(field_after(text, " translate: prog=tphello ", " bytes="), 0);
	EXPECT_GT(field_after(text, " translate: prog=tphello ", " wasm_bytes="), 0);
	if (!contains(text, "trap: prog=tpoob"))
		test_printf(t, "%s", text);
	free(text);
}

/* The best guest time of RUNS runs of one program; its exit code too. */
static uint64_t bench_one(const uint8_t *m, size_t len, bool checked, int *code)
{
	enum { RUNS = 5 };
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < RUNS; i++) {
		struct wasm_proc_status st = {0};
		struct wasm_proc_opts o = {.checked = checked};
		if (run(m, len, &o, NULL, 0, NULL, &st))
			return 0;
		*code = st.code;
		best = MIN(best, st.run_us);
	}
	return best;
}

void ktest_bench_wasm(void)
{
	static const struct {
		const char *name;
		const uint8_t *m;
		size_t len;
	} progs[] = {
		{"fib25", wasm_fib, sizeof(wasm_fib)},
		{"memsum", wasm_memsum, sizeof(wasm_memsum)},
	};

	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		for (int checked = 0; checked < 2; checked++) {
			int code = -1;
			uint64_t us = bench_one(progs[i].m, progs[i].len, checked, &code);
			kprintf("bench=wasm_%s memory=%s exit=%d guest_us=%llu\n", progs[i].name,
				checked ? "checked" : "guarded", code, (unsigned long long)us);
		}
	}
}
