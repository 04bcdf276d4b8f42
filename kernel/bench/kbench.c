/*
 * kbench.c - the `bench` shell command: in-kernel benchmarks run by one
 * task, one measurement step per poll.
 *
 *   kbench_cmd -> spawn task -> shell_job_start(jh, kbench_stop)
 *   poll: stop requested?        -> cancel the child, await it, READY 130
 *         child running?         -> await its join, record it, wake, PENDING
 *         no benchmark running?  -> next selected one (progress line), or READY
 *         one step of it         -> spawned a child: await it
 *                                   else wake itself, PENDING
 *
 * kwasm times the program's run_us (guest code and its host calls, not
 * loading) against the native core around one call, both in rdtime ticks;
 * hello times wall ticks from the launch (wasm/launch.h: the /bin lookup,
 * the file, the spawn, as the shell's `hello`) to the poll that sees the
 * join complete.
 *
 * Invariants: while child_live, the child may write into *cap; the task
 * ends (READY) only after the child is quiet (complete, or cancelled and
 * out of its last poll: its join reports a cancel at once, so the task
 * looks again every millisecond), so *cap outlives every write. Only an
 * outside cancel (which the shell never does) frees the task with a child
 * running: the capture is then left allocated. The drain's sleep is never
 * armed when the task ends.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/wasm/core/bench_core.h"
#include "arch/arch.h"
#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"
#include "bench/kbench.h"
#include "bench/kbench_internal.h"
#include "core/console.h"
#include "kasync/timer.h"
#include "sched/sched.h"
#include "shell/shell.h"
#include "shell/shell_jobs.h"
#include "vfs/vfs.h"
#include "wasm/launch.h"
#include "wasm/proc.h"

#define KBENCH_RUNS	  3u	   /* kwasm, hostcall: median of 3 */
#define KBENCH_HELLO_RUNS 21u	   /* hello: median of 21 */
#define KBENCH_HOSTCALL_N 1000000u /* calls per hostcall loop */
#define KBENCH_STOPPED	  130	   /* the job status after Ctrl-C, as a shell's */
#define KBENCH_DRAIN_NS	  1000000u

enum kbench_id { KB_KWASM, KB_HOSTCALL, KB_HELLO, KB_BOOT, KB_COUNT };

static const char *const kbench_names[KB_COUNT] = {"kwasm", "hostcall", "hello", "boot"};

/* arg: sized so one WASM run takes about 0.3-1 s under QEMU TCG. */
static const struct kwasm_prog {
	const char *name;
	unsigned arg;
	int (*run)(unsigned arg, uint64_t *out);
} kwasm_progs[] = {
	{"fib", 30, bench_fib_run},
	{"coremix", 60, bench_coremix_run},
	{"nbody", 10000, bench_nbody_run},
	{"sha256", 4, bench_sha256_run},
};

/* What a program wrote to stdout/stderr (the start of it). */
struct kbench_capture {
	char buf[256];
	size_t len;
};

enum kwasm_phase { KW_LOAD, KW_NATIVE, KW_WASM, KW_REPORT };

enum step_result {
	STEP_NEXT, /* did one step: poll again later */
	STEP_WAIT, /* spawned the child: await its join */
	STEP_DONE, /* the benchmark is over */
};

struct kbench {
	struct kasync_task task;
	atomic_bool stop; /* set by kbench_stop, any CPU */
	/* the rest: [the task's poll] */
	unsigned todo; /* bit i: benchmark i still to run */
	int cur;       /* the running benchmark, -1 between two */
	int status;    /* the job's output */
	bool child_live;
	bool child_joined; /* its join completed: child_st, child_err */
	bool sleeping;	   /* sleep armed: the child's last poll may still run */
	struct kasync_join child;
	struct wasm_proc_status child_st;
	int child_err;
	struct kasync_sleep sleep;
	uint64_t child_t0;	    /* ticks when the child's file was opened */
	struct kbench_capture *cap; /* the child's output */
	/* the running benchmark's state, reset when it starts */
	unsigned idx; /* kwasm: program; hostcall: measurement */
	unsigned rep;
	enum kwasm_phase phase;
	bool failed;
	uint64_t native_sum;
	uint64_t a[KBENCH_HELLO_RUNS], b[KBENCH_HELLO_RUNS];
	uint64_t loops[KBENCH_LOOP_COUNT][KBENCH_RUNS];
	struct kbench_hostcall *hc;
};

static void capture_write(void *arg, int fd, const void *buf, size_t len)
{
	struct kbench_capture *c = arg;

	(void)fd;
	len = MIN(len, sizeof(c->buf) - 1 - c->len);
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = 0;
}

/* The value of "checksum=0x..." in s; false if there is none. */
static bool parse_checksum(const char *s, uint64_t *out)
{
	static const char key[] = "checksum=0x";
	uint64_t v = 0;
	int digits = 0;

	for (; *s && strncmp(s, key, sizeof(key) - 1) != 0; s++)
		;
	if (!*s)
		return false;
	for (s += sizeof(key) - 1; digits < 16; s++, digits++) {
		char c = *s;
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
						    : 16;
		if (d == 16)
			break;
		v = v << 4 | d;
	}
	if (digits == 0)
		return false;
	*out = v;
	return true;
}

static uint64_t median(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000u / arch_ticks_per_sec();
}

/* ---- kwasm: native core vs the same C as WASM ---- */

static enum step_result kwasm_next_prog(struct kbench *b)
{
	b->idx++;
	b->phase = KW_LOAD;
	b->failed = false;
	return STEP_NEXT;
}

static enum step_result kwasm_fail(struct kbench *b, const char *what, int err)
{
	kprintf("bench=kwasm name=%s error=%s (%s)\n", kwasm_progs[b->idx].name, what,
		err_str(err));
	b->status = 1;
	return kwasm_next_prog(b);
}

/* Where a kwasm program is: /lib/bench/NAME.wasm, in path (64 bytes). */
static const char *kwasm_path(const struct kwasm_prog *p, char *path)
{
	fmt_snprintf(path, 64, "/lib/bench/%s.wasm", p->name);
	return path;
}

static enum step_result kwasm_step(struct kbench *b)
{
	const struct kwasm_prog *p;
	char path[64], arg[16];
	uint64_t t0, sum;
	int err;

	if (b->idx == ARRAY_SIZE(kwasm_progs))
		return STEP_DONE;
	p = &kwasm_progs[b->idx];
	switch (b->phase) {
	case KW_LOAD: {
		struct launch_file f;
		if ((err = launch_open(kwasm_path(p, path), &f)))
			return kwasm_fail(b, "read", err);
		launch_close(&f); /* there and readable; each run opens it again */
		b->rep = 0;
		b->phase = KW_NATIVE;
		return STEP_NEXT;
	}
	case KW_NATIVE:
		t0 = arch_now_ticks();
		err = p->run(p->arg, &sum);
		b->a[b->rep] = arch_now_ticks() - t0;
		if (err)
			return kwasm_fail(b, "native", ERR_NOMEM);
		b->native_sum = sum;
		b->phase = KW_WASM;
		return STEP_NEXT;
	case KW_WASM: {
		struct wasm_proc_io io = {.arg = b->cap, .write = capture_write};
		const char *argv[] = {p->name, arg};
		struct launch_file f;

		fmt_snprintf(arg, sizeof(arg), "%u", p->arg);
		b->cap->len = 0;
		b->cap->buf[0] = 0;
		/* an initrd file: launched in place each time, as the shell would */
		if ((err = launch_open(kwasm_path(p, path), &f)))
			return kwasm_fail(b, "read", err);
		if ((err = launch_start(&f, 2, argv, &io, NULL, &b->child)))
			return kwasm_fail(b, "spawn", err);
		b->child_live = true;
		return STEP_WAIT;
	}
	case KW_REPORT:
		if (!b->failed) {
			uint64_t nat = ticks_to_us(median(b->a, KBENCH_RUNS));
			uint64_t was = median(b->b, KBENCH_RUNS);
			uint64_t r100 = nat ? was * 100 / nat : 0;

			kprintf("bench=kwasm name=%s arg=%u native_us=%llu wasm_us=%llu "
				"ratio=%llu.%02llu\n",
				p->name, p->arg, (unsigned long long)nat, (unsigned long long)was,
				(unsigned long long)(r100 / 100), (unsigned long long)(r100 % 100));
		}
		return kwasm_next_prog(b);
	}
	return STEP_DONE;
}

static void kwasm_child_done(struct kbench *b, int err, const struct wasm_proc_status *st)
{
	const struct kwasm_prog *p = &kwasm_progs[b->idx];
	uint64_t sum = 0;

	if (!b->failed) {
		if (err || st->code != 0) {
			kprintf("bench=kwasm name=%s error=exit code=%d trap=%d join=%d\n", p->name,
				err ? 0 : (int)st->code, err ? 0 : st->trap, err);
			b->failed = true;
		} else if (!parse_checksum(b->cap->buf, &sum) || sum != b->native_sum) {
			const char *nl = strchr(b->cap->buf, '\n');
			int n = nl ? (int)(nl - b->cap->buf) : (int)b->cap->len;

			kprintf("bench=kwasm name=%s error=checksum_mismatch native=0x%016llx "
				"wasm_output='%.*s'\n",
				p->name, (unsigned long long)b->native_sum, MIN(n, 100),
				b->cap->buf);
			b->failed = true;
		}
		if (b->failed)
			b->status = 1;
		else
			b->b[b->rep] = st->run_us;
	}
	b->rep++;
	b->phase = !b->failed && b->rep < KBENCH_RUNS ? KW_NATIVE : KW_REPORT;
}

/* ---- hostcall: ns per call, host import vs WASM function ---- */

/* tenths of a ns per iteration */
static uint64_t loop_dns(uint64_t *ticks)
{
	uint64_t t = median(ticks, KBENCH_RUNS);

	return t * 10000000000ull / arch_ticks_per_sec() / KBENCH_HOSTCALL_N;
}

static enum step_result hostcall_step(struct kbench *b)
{
	enum { MEASURES = KBENCH_LOOP_COUNT * KBENCH_RUNS };
	int err;

	if (!b->hc) {
		if ((err = kbench_hostcall_open(&b->hc))) {
			kprintf("bench=hostcall error=open (%s)\n", err_str(err));
			b->status = 1;
			return STEP_DONE;
		}
		return STEP_NEXT;
	}
	if (b->idx < MEASURES) {
		/* loops interleaved, so a slow stretch of the host hits all three */
		unsigned loop = b->idx % KBENCH_LOOP_COUNT, run = b->idx / KBENCH_LOOP_COUNT;

		err = kbench_hostcall_time(b->hc, loop, KBENCH_HOSTCALL_N, &b->loops[loop][run]);
		if (err) {
			kprintf("bench=hostcall error=run (%s)\n", err_str(err));
			b->status = 1;
			return STEP_DONE;
		}
		b->idx++;
		return STEP_NEXT;
	}
	uint64_t host = loop_dns(b->loops[KBENCH_LOOP_HOST]);
	uint64_t wasm = loop_dns(b->loops[KBENCH_LOOP_WASM]);
	uint64_t empty = loop_dns(b->loops[KBENCH_LOOP_EMPTY]);
	uint64_t host_net = host > empty ? host - empty : 0;
	uint64_t wasm_net = wasm > empty ? wasm - empty : 0;
	uint64_t r100 = wasm_net ? host_net * 100 / wasm_net : 0;

	kprintf("bench=hostcall host_ns=%llu.%llu wasm_ns=%llu.%llu ratio=%llu.%02llu "
		"loop_ns=%llu.%llu calls=%u\n",
		(unsigned long long)(host_net / 10), (unsigned long long)(host_net % 10),
		(unsigned long long)(wasm_net / 10), (unsigned long long)(wasm_net % 10),
		(unsigned long long)(r100 / 100), (unsigned long long)(r100 % 100),
		(unsigned long long)(empty / 10), (unsigned long long)(empty % 10),
		KBENCH_HOSTCALL_N);
	return STEP_DONE;
}

/* ---- hello: `run hello.wasm` from file to join ---- */

static void discard_write(void *arg, int fd, const void *buf, size_t len)
{
	(void)arg;
	(void)fd;
	(void)buf;
	(void)len;
}

static enum step_result hello_step(struct kbench *b)
{
	static const char *const argv[] = {"hello"};
	static const struct wasm_proc_io io = {.write = discard_write};
	int err;

	if (b->rep < KBENCH_HELLO_RUNS) {
		b->child_t0 = arch_now_ticks();
		/* as the shell's `hello` does: found in /bin, used in place */
		if ((err = launch_run(1, argv, &io, NULL, &b->child))) {
			kprintf("bench=hello_latency error=spawn (%s)\n", err_str(err));
			b->status = 1;
			return STEP_DONE;
		}
		b->child_live = true;
		return STEP_WAIT;
	}
	if (!b->failed) {
		uint64_t min = b->a[0];

		for (unsigned i = 1; i < KBENCH_HELLO_RUNS; i++)
			min = MIN(min, b->a[i]);
		kprintf("bench=hello_latency median_us=%llu min_us=%llu runs=%u\n",
			(unsigned long long)ticks_to_us(median(b->a, KBENCH_HELLO_RUNS)),
			(unsigned long long)ticks_to_us(min), KBENCH_HELLO_RUNS);
	}
	return STEP_DONE;
}

static void hello_child_done(struct kbench *b, int err, const struct wasm_proc_status *st)
{
	b->a[b->rep] = arch_now_ticks() - b->child_t0;
	if (!b->failed && (err || st->code != 0)) {
		kprintf("bench=hello_latency error=exit code=%d join=%d\n", err ? 0 : (int)st->code,
			err);
		b->failed = true;
		b->status = 1;
	}
	b->rep = b->failed ? KBENCH_HELLO_RUNS : b->rep + 1;
}

/* ---- boot: reset to the shell's first prompt ---- */

static enum step_result boot_step(struct kbench *b)
{
	uint64_t t = shell_prompt_ticks();
	uint64_t us = ticks_to_us(t);

	if (t == 0) {
		kprintf("bench=boot_to_prompt error=no_prompt_yet\n");
		b->status = 1;
		return STEP_DONE;
	}
	kprintf("bench=boot_to_prompt ms=%llu.%llu\n", (unsigned long long)(us / 1000),
		(unsigned long long)(us % 1000 / 100));
	return STEP_DONE;
}

/* ---- the task ---- */

/* Whether the child will not run again: it completed, or it was cancelled
 * and is not inside a poll (a cancelled task is never polled again; its
 * join may report the cancel while that last poll still runs). The load
 * acquires, so the child's writes into cap happen before what follows. */
static bool child_quiet(const struct kasync_task *t)
{
	uintptr_t st = kasync_state_load(&t->state);

	return (st & KASYNC_ST_COMPLETE) ||
	       ((st & KASYNC_ST_CANCELLED) && !(st & KASYNC_ST_POLLING));
}

static enum step_result run_step(struct kbench *b)
{
	switch (b->cur) {
	case KB_KWASM:
		return kwasm_step(b);
	case KB_HOSTCALL:
		return hostcall_step(b);
	case KB_HELLO:
		return hello_step(b);
	case KB_BOOT:
		return boot_step(b);
	}
	return STEP_DONE;
}

/* Frees what the running benchmark holds (not a live child). */
static void bench_release(struct kbench *b)
{
	kbench_hostcall_close(b->hc);
	b->hc = NULL;
}

static void bench_begin(struct kbench *b, int id)
{
	static const char *const what[KB_COUNT] = {
		[KB_KWASM] = "fib coremix nbody sha256 natively and as WASM, median of 3",
		[KB_HOSTCALL] = "null host call vs WASM call, median of 3",
		[KB_HELLO] = "/bin/hello.wasm from file to exit, 21 runs",
		[KB_BOOT] = "reset to first shell prompt",
	};

	kprintf("bench: %s (%s)\n", kbench_names[id], what[id]);
	b->todo &= ~(1u << id);
	b->cur = id;
	b->idx = 0;
	b->rep = 0;
	b->phase = KW_LOAD;
	b->failed = false;
}

static enum kasync_poll kbench_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct kbench *b = (struct kbench *)task;

	for (;;) {
		if (b->child_live) {
			if (!b->child_joined) {
				if (atomic_load(&b->stop))
					kasync_join_cancel(&b->child);
				if (kasync_join_poll(&b->child, cx, &b->child_st, &b->child_err) ==
				    KASYNC_PENDING)
					return KASYNC_PENDING;
				b->child_joined = true;
			}
			/* a cancelled child may still be in its last poll on another CPU,
			 * writing into cap: wait until it is complete (nothing wakes us
			 * then, so look every millisecond) */
			if (!child_quiet(b->child.task)) {
				if (!b->sleeping) {
					kasync_sleep_init(&b->sleep, &kexec, KBENCH_DRAIN_NS);
					b->sleeping = true;
				}
				if (kasync_sleep_poll(&b->sleep, cx) == KASYNC_PENDING)
					return KASYNC_PENDING;
				kasync_sleep_drop(&b->sleep);
				b->sleeping = false;
				continue;
			}
			/* quiet before the sleep fired (another wake polled us): disarm
			 * it here, never in dealloc (see there) */
			if (b->sleeping) {
				kasync_sleep_drop(&b->sleep);
				b->sleeping = false;
			}
			kasync_join_drop(&b->child);
			b->child_live = false;
			b->child_joined = false;
			if (!atomic_load(&b->stop)) {
				if (b->cur == KB_KWASM)
					kwasm_child_done(b, b->child_err, &b->child_st);
				else
					hello_child_done(b, b->child_err, &b->child_st);
				kasync_waker_wake_by_ref(&cx->waker);
				return KASYNC_PENDING;
			}
		}
		if (atomic_load(&b->stop)) {
			bench_release(b);
			kprintf("bench: stopped\n");
			b->status = KBENCH_STOPPED;
			return KASYNC_READY;
		}
		if (b->cur < 0) {
			if (b->todo == 0)
				return KASYNC_READY;
			bench_begin(b, __builtin_ctz(b->todo));
		}
		switch (run_step(b)) {
		case STEP_WAIT:
			continue; /* await the child now: registers our waker */
		case STEP_DONE:
			bench_release(b);
			b->cur = -1;
			break;
		case STEP_NEXT:
			break;
		}
		kasync_waker_wake_by_ref(&cx->waker);
		return KASYNC_PENDING;
	}
}

static void kbench_take(struct kasync_task *task, void *out)
{
	*(int *)out = ((struct kbench *)task)->status;
}

static void kbench_dealloc(struct kasync_task *task)
{
	struct kbench *b = (struct kbench *)task;

	/* No kasync_sleep_drop here: an armed sleep holds a reference to the
	 * task, so with b->sleeping set this runs from the timer's wake, under
	 * the timer lock that kasync_sleep_drop takes; the entry is already
	 * unlinked and its waker consumed. */
	bench_release(b);
	if (b->child_live) {
		/* cancelled from outside while a program ran: it may still be
		 * writing into cap on another CPU, so cap is not freed */
		kasync_join_cancel(&b->child);
		kasync_join_drop(&b->child);
	} else {
		free(b->cap);
	}
	free(b);
}

static const struct kasync_task_vtable kbench_vtable = {
	.poll = kbench_poll,
	.take_output = kbench_take,
	.dealloc = kbench_dealloc,
};

static void kbench_stop(struct kasync_join *jh)
{
	struct kbench *b = (struct kbench *)jh->task;
	struct kasync_waker w;

	if (!b)
		return;
	atomic_store(&b->stop, true);
	w = kasync_task_waker(&b->task);
	kasync_waker_wake(&w);
}

/* ---- the command ---- */

static int usage(void)
{
	kprintf("usage: bench [NAME...]   in-kernel benchmarks (all without NAME)\n"
		"  kwasm     fib coremix nbody sha256: native vs WASM (run_us)\n"
		"  hostcall  ns per null host call vs WASM-to-WASM call\n"
		"  hello     /bin/hello.wasm latency, file read to exit\n"
		"  boot      time from reset to the first shell prompt\n");
	return 2;
}

int kbench_cmd(int argc, char **argv)
{
	struct kasync_join jh;
	struct kbench *b;
	unsigned todo = 0;
	int err;

	for (int i = 1; i < argc; i++) {
		int id = -1;

		for (int k = 0; k < KB_COUNT; k++)
			if (strcmp(argv[i], kbench_names[k]) == 0)
				id = k;
		if (id < 0) {
			if (strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0)
				kprintf("bench: unknown benchmark '%s'\n", argv[i]);
			return usage();
		}
		todo |= 1u << id;
	}
	if (todo == 0)
		todo = (1u << KB_COUNT) - 1;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->cap = calloc(1, sizeof(*b->cap)))) {
		free(b);
		kprintf("bench: %s\n", err_text(ERR_NOMEM));
		return 1;
	}
	atomic_init(&b->stop, false);
	b->todo = todo;
	b->cur = -1;
	kasync_task_init(&b->task, &kbench_vtable, "kbench");
	if ((err = kasync_spawn(&kexec, &b->task, &jh))) {
		kprintf("bench: %s\n", err_text(err));
		return 1;
	}
	if ((err = shell_job_start(&jh, kbench_stop))) {
		kbench_stop(&jh);
		kasync_join_drop(&jh);
		kprintf("bench: %s\n", err_text(err));
		return 1;
	}
	return 0;
}
