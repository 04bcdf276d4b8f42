/*
 * trace_test.c - tracing in the running kernel: sched:sched_switch recorded
 * on every CPU and read back through trace_pipe by the async reader task,
 * filters, tracefs writes that must change nothing when bad, events from
 * interrupt context, and log directives from a bootarg string.
 *
 * Every test leaves tracing as it found it: events off, no filter, rings of
 * the default size, cleared.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/fmt.h"
#include "base/test.h"
#include "core/bootargs.h"
#include "core/cpu.h"
#include "trace/ktrace.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "trace/output.h"

#define MS	  1000000ull
#define TEXT_MAX  (256 * 1024)
#define NTASKS	  48
#define SPIN_US	  100
#define WAIT_MS	  3000
#define SWITCH_EV "events/sched/sched_switch/"

/* ---- helpers ---- */

/* strstr (the kernel's libc has none) */
static const char *find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return hay;
	return n ? NULL : hay;
}

static void sleep_ms(uint64_t ms);

/* One write; a reader holding the tracefs lock (ERR_BUSY) is waited out
 * while this CPU idles (the lock holder may wait for that, ktrace.h). */
static int fs_write(const char *path, const char *text)
{
	struct trace_fs_file *f;
	int err;
	for (int tries = 0; tries < 1000; tries++) {
		err = ktrace_fs_open(path, 0, &f);
		if (err == 0) {
			while ((err = ktrace_fs_write(f, text, strlen(text))) == ERR_BUSY)
				sleep_ms(1);
			ktrace_fs_close(f);
		}
		if (err != ERR_BUSY)
			break;
		sleep_ms(1);
	}
	return err;
}

/* Reads a whole file into a NUL-terminated heap buffer (free it). */
static char *fs_read(const char *path)
{
	struct trace_fs_file *f;
	char *buf = malloc(TEXT_MAX);
	size_t len = 0, n = 0;
	if (!buf || ktrace_fs_open(path, 0, &f)) {
		free(buf);
		return NULL;
	}
	while (len < TEXT_MAX - 1 && ktrace_fs_read(f, buf + len, TEXT_MAX - 1 - len, &n) == 0 && n)
		len += n;
	buf[len] = 0;
	ktrace_fs_close(f);
	return buf;
}

static void reset_tracing(void)
{
	fs_write("events/enable", "0");
	fs_write(SWITCH_EV "filter", "0");
	fs_write("tracing_on", "1");
	fs_write("options/hash-ptr", "1");
	fs_write("trace", "");
}

/* A test task: spins `arg` us (0: none) and notes its CPU; or sleeps. */
struct ttask {
	struct kasync_task task;
	uint64_t arg;
	atomic_uint cpu;
	bool sleep;
	bool armed;
	struct kasync_sleep s;
};

static enum kasync_poll tt_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct ttask *t = (struct ttask *)task;
	if (t->sleep) {
		if (!t->armed) {
			kasync_sleep_init(&t->s, &kexec, t->arg * MS);
			t->armed = true;
		}
		return kasync_sleep_poll(&t->s, cx);
	}
	atomic_store(&t->cpu, cpu_id());
	uint64_t end = arch_now_ticks() + timer_us_to_ticks(t->arg);
	while (arch_now_ticks() < end)
		arch_cpu_relax();
	return KASYNC_READY;
}

static void tt_take(struct kasync_task *task, void *out)
{
	(void)task;
	*(int *)out = 0;
}

static void tt_dealloc(struct kasync_task *task)
{
	struct ttask *t = (struct ttask *)task;
	if (t->armed)
		kasync_sleep_drop(&t->s);
	free(t);
}

static const struct kasync_task_vtable tt_vt = {
	.poll = tt_poll, .take_output = tt_take, .dealloc = tt_dealloc};

/* Spawns a task named `name`; the caller gets a reference (unref it). */
static struct ttask *tt_spawn(const char *name, uint64_t arg, bool sleep, struct kasync_join *jh)
{
	struct ttask *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	kasync_task_init(&t->task, &tt_vt, name);
	t->arg = arg;
	t->sleep = sleep;
	atomic_init(&t->cpu, UINT32_MAX);
	kasync_task_ref(&t->task);
	if (kasync_spawn(&kexec, &t->task, jh)) {
		kasync_task_unref(&t->task);
		return NULL;
	}
	return t;
}

/* Waits `ms` while this CPU keeps serving as a worker. */
static void sleep_ms(uint64_t ms)
{
	struct kasync_join jh;
	int out;
	struct ttask *t = tt_spawn("ktest-sleep", ms, true, &jh);
	if (!t)
		return;
	sched_block_on_join(&jh, &out);
	kasync_task_unref(&t->task);
}

/* What the reader task received. */
struct sink {
	char *buf;
	size_t len;
	atomic_size_t published;
};

static void sink_put(void *arg, const char *text, size_t len)
{
	struct sink *s = arg;
	size_t n = MIN(len, TEXT_MAX - 1 - s->len);
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	s->buf[s->len] = 0;
	atomic_store(&s->published, s->len);
}

/* Finds the line of `text` containing both a and b; copies it; false if none. */
static bool find_line(const char *text, const char *a, const char *b, char *out, size_t cap)
{
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[512];
		size_t n = MIN(len, sizeof(line) - 1);
		memcpy(line, p, n);
		line[n] = 0;
		if (find(line, a) && (!b || find(line, b))) {
			fmt_snprintf(out, cap, "%s", line);
			return true;
		}
		p += len + (e ? 1 : 0);
	}
	return false;
}

/* The CPU column "[NNN]" of a trace line, or -1. */
static int line_cpu(const char *line)
{
	const char *p = find(line, "] ");
	if (!p || p - line < 4 || p[-4] != '[')
		return -1;
	return (p[-3] - '0') * 100 + (p[-2] - '0') * 10 + (p[-1] - '0');
}

/* ---- tests ---- */

TEST(trace, sched_switch_read_back_through_trace_pipe)
{
	struct sink sink = {.buf = malloc(TEXT_MAX), .len = 0};
	struct kasync_join reader, jh[NTASKS];
	struct ttask *tasks[NTASKS];
	int out = 0;

	if (!EXPECT(sink.buf))
		return;
	sink.buf[0] = 0;
	reset_tracing();
	EXPECT_OK(fs_write(SWITCH_EV "enable", "1"));
	if (!EXPECT_OK(ktrace_reader_spawn(sink_put, &sink, &reader)))
		goto out;
	/* a filter that passes everything, installed while the reader runs:
	 * sync_writers waits for every other CPU's idle loop meanwhile */
	EXPECT_OK(fs_write(SWITCH_EV "filter", "prev_pid >= 0 || next_pid >= 0"));
	for (int i = 0; i < NTASKS; i++)
		tasks[i] = tt_spawn("ktest", SPIN_US, false, &jh[i]);
	for (int i = 0; i < NTASKS; i++)
		if (tasks[i])
			EXPECT_OK(sched_block_on_join(&jh[i], &out));

	/* every task's exit switch shows up in the pipe, in time */
	char want[64], line[512];
	uint64_t deadline = sched_now_ns() + WAIT_MS * MS;
	int missing = NTASKS;
	while (missing && sched_now_ns() < deadline) {
		sleep_ms(10);
		missing = 0;
		for (int i = 0; i < NTASKS; i++) {
			fmt_snprintf(want, sizeof(want), "prev_pid=%d prev_prio=120 prev_state=X",
				     tasks[i] ? (int)tasks[i]->task.id : -1);
			missing += !find_line(sink.buf, want, NULL, line, sizeof(line));
		}
	}
	ktrace_reader_stop(&reader);
	EXPECT_OK(sched_block_on_join(&reader, &out));
	EXPECT_OK(out);
	EXPECT_EQ(missing, 0);

	/* each task: switched in and out on the CPU it ran on, by its own name */
	unsigned long cpus_seen = 0;
	for (int i = 0; i < NTASKS && tasks[i]; i++) {
		int id = (int)tasks[i]->task.id, cpu = (int)atomic_load(&tasks[i]->cpu);
		fmt_snprintf(want, sizeof(want), "next_comm=ktest next_pid=%d ", id);
		if (!EXPECT(find_line(sink.buf, "sched_switch: prev_comm=swapper/", want, line,
				      sizeof(line))))
			continue;
		EXPECT_EQ(line_cpu(line), cpu);
		EXPECT(find(line, "<idle>-0 "));
		fmt_snprintf(want, sizeof(want), "prev_comm=ktest prev_pid=%d ", id);
		if (!EXPECT(find_line(sink.buf, want, "prev_state=X ==> next_comm=swapper/", line,
				      sizeof(line))))
			continue;
		EXPECT_EQ(line_cpu(line), cpu);
		fmt_snprintf(want, sizeof(want), "ktest-%d ", id);
		EXPECT(find(line, want)); /* the common pid is the task's */
		cpus_seen |= 1ul << cpu;
	}
	test_printf(t, "%d tasks traced on %d of %u CPUs, %zu bytes through trace_pipe\n", NTASKS,
		    __builtin_popcountl(cpus_seen), ncpus, sink.len);
	if (ncpus > 1)
		EXPECT_GE(__builtin_popcountl(cpus_seen), 2);
	for (int i = 0; i < NTASKS; i++)
		if (tasks[i])
			kasync_task_unref(&tasks[i]->task);
out:
	reset_tracing();
	free(sink.buf);
}

TEST(trace, trace_pipe_is_empty_then_eagain_and_trace_has_linux_header)
{
	struct trace_fs_file *f;
	char buf[64];
	size_t n = 1;
	reset_tracing();
	if (!EXPECT_OK(ktrace_fs_open("trace_pipe", 0, &f)))
		return;
	EXPECT_EQ(ktrace_fs_read(f, buf, sizeof(buf), &n), ERR_AGAIN);
	ktrace_fs_close(f);

	EXPECT_OK(fs_write("trace_marker", "hello from ktest"));
	char *text = fs_read("trace");
	char hdr[32], line[512];
	if (!EXPECT(text))
		return;
	fmt_snprintf(hdr, sizeof(hdr), "#P:%u\n", ncpus);
	EXPECT(strncmp(text, "# tracer: nop\n", 14) == 0);
	EXPECT(find(text, "# entries-in-buffer/entries-written: 1/1 "));
	EXPECT(find(text, hdr));
	EXPECT(find(text, "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"));
	EXPECT(find_line(text, "tracing_mark_write: hello from ktest", NULL, line, sizeof(line)));
	free(text);
	text = fs_read("per_cpu/cpu0/trace");
	if (EXPECT(text))
		EXPECT(find(text, "# tracer: nop\n"));
	free(text);
	reset_tracing();
}

TEST(trace, filter_selects_records_and_bad_filter_keeps_the_old_one)
{
	struct kasync_join jh;
	int out;
	reset_tracing();
	EXPECT_OK(fs_write(SWITCH_EV "filter", "next_comm ~ \"flt*\" && next_pid > 0"));
	EXPECT_EQ(fs_write(SWITCH_EV "filter", "next_pid === 3"), ERR_INVAL);
	char *ftext = fs_read(SWITCH_EV "filter");
	if (EXPECT(ftext))
		EXPECT(find(ftext, "parse_error"));
	free(ftext);
	EXPECT_OK(fs_write(SWITCH_EV "enable", "1"));
	struct ttask *a = tt_spawn("flt-a", 0, false, &jh);
	if (a)
		EXPECT_OK(sched_block_on_join(&jh, &out));
	struct ttask *b = tt_spawn("other", 0, false, &jh);
	if (b)
		EXPECT_OK(sched_block_on_join(&jh, &out));
	EXPECT_OK(fs_write(SWITCH_EV "enable", "0"));
	char *text = fs_read("trace"), want[64], line[512];
	if (EXPECT(text) && EXPECT(a) && EXPECT(b)) {
		fmt_snprintf(want, sizeof(want), "next_comm=flt-a next_pid=%d ", (int)a->task.id);
		EXPECT(find_line(text, want, NULL, line, sizeof(line)));
		EXPECT(!find(text, "next_comm=other"));
		EXPECT(!find(text, "next_comm=swapper")); /* the old filter still applies */
	}
	free(text);
	if (a)
		kasync_task_unref(&a->task);
	if (b)
		kasync_task_unref(&b->task);
	reset_tracing();
	ftext = fs_read(SWITCH_EV "filter");
	if (EXPECT(ftext))
		EXPECT_STREQ(ftext, "none\n");
	free(ftext);
}

TEST(trace, bad_tracefs_values_change_nothing)
{
	reset_tracing();
	EXPECT_EQ(fs_write(SWITCH_EV "enable", "2"), ERR_INVAL);
	EXPECT_EQ(fs_write("events/sched/enable", "yes"), ERR_INVAL);
	EXPECT_EQ(fs_write("set_event", "sched:sched_switch nosuch:event"), ERR_INVAL);
	char *text = fs_read("set_event");
	if (EXPECT(text))
		EXPECT_STREQ(text, "");
	free(text);
	EXPECT_EQ(fs_write("buffer_size_kb", "lots"), ERR_INVAL);
	EXPECT_EQ(fs_write("tracing_on", "on"), ERR_INVAL);
	EXPECT_EQ(fs_write("events/nosuch/enable", "1"), ERR_NOENT);
	text = fs_read("buffer_size_kb");
	if (EXPECT(text))
		EXPECT_STREQ(text, "64\n");
	free(text);
	EXPECT_OK(fs_write("buffer_size_kb", "16"));
	text = fs_read("buffer_size_kb");
	if (EXPECT(text))
		EXPECT_STREQ(text, "16\n");
	free(text);
	EXPECT_OK(fs_write("buffer_size_kb", "64"));
	EXPECT_OK(fs_write("set_event", "sched:sched_wakeup irq:*"));
	text = fs_read("set_event");
	if (EXPECT(text))
		EXPECT_STREQ(text,
			     "irq:irq_handler_entry\nirq:irq_handler_exit\nsched:sched_wakeup\n");
	free(text);
	text = fs_read("events/irq/enable");
	if (EXPECT(text))
		EXPECT_STREQ(text, "1\n");
	free(text);
	text = fs_read("events/enable");
	if (EXPECT(text))
		EXPECT_STREQ(text, "X\n");
	free(text);
	text = fs_read("available_events");
	if (EXPECT(text)) {
		EXPECT(find(text, "sched:sched_switch\n"));
		EXPECT(find(text, "mm:page_fault\n"));
		EXPECT(find(text, "timer:timer_expire\n"));
	}
	free(text);
	reset_tracing();
}

static struct ktimer probe_timer;
static atomic_bool probe_fired;

static void probe_fire(struct ktimer *kt)
{
	(void)kt;
	atomic_store(&probe_fired, true);
}

TEST(trace, events_from_interrupt_context)
{
	char want[64], line[512];
	reset_tracing();
	EXPECT_OK(fs_write("events/timer/timer_expire/enable", "1"));
	atomic_store(&probe_fired, false);
	timer_add(&probe_timer, arch_now_ticks() + timer_us_to_ticks(500), probe_fire);
	uint64_t deadline = sched_now_ns() + 1000 * MS;
	while (!atomic_load(&probe_fired) && sched_now_ns() < deadline)
		arch_cpu_relax();
	EXPECT(atomic_load(&probe_fired));
	EXPECT_OK(fs_write("events/timer/timer_expire/enable", "0"));
	/* the timer's address, hashed (options/hash-ptr is on by default) */
	char *text = fs_read("trace");
	uint64_t shown = trace_format_ptr(&ktrace, (uintptr_t)&probe_timer);
	EXPECT_LT(shown, 1ull << 32);
	fmt_snprintf(want, sizeof(want), "timer_expire: timer=0x%llx ", (unsigned long long)shown);
	if (EXPECT(text) && EXPECT(find_line(text, want, NULL, line, sizeof(line)))) {
		test_printf(t, "%s\n", line);
		EXPECT_EQ(line_cpu(line), (int)cpu_id());
		EXPECT(find(line, "] d.h.. ")); /* irqs off, hardirq */
	}
	free(text);
	/* raw, once the switch is off */
	EXPECT_OK(fs_write("options/hash-ptr", "0"));
	text = fs_read("trace");
	fmt_snprintf(want, sizeof(want), "timer_expire: timer=0x%llx ",
		     (unsigned long long)(uintptr_t)&probe_timer);
	EXPECT(text && find_line(text, want, NULL, line, sizeof(line)));
	free(text);
	reset_tracing();
}

static int reports;
static void count_report(const char *msg, const char *arg, unsigned len)
{
	(void)msg;
	(void)arg;
	(void)len;
	reports++;
}

TEST(trace, log_directives_from_a_bootarg_string)
{
	struct bootargs b;
	reports = 0;
	EXPECT_EQ(bootargs_parse("backtrace=full log=warn,kasync=trace,wasm=off,bad=loud,=info,"
				 "kasync::exec=debug",
				 &b, count_report),
		  2);
	EXPECT_EQ(reports, 2);
	EXPECT_EQ(trace_log_level_for(&b.log, "boot"), TRACE_LEVEL_WARN);
	EXPECT_EQ(trace_log_level_for(&b.log, "kasync"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(trace_log_level_for(&b.log, "kasync::timer"), TRACE_LEVEL_TRACE);
	EXPECT_EQ(trace_log_level_for(&b.log, "kasync::exec"), TRACE_LEVEL_DEBUG);
	EXPECT_EQ(trace_log_level_for(&b.log, "wasm"), TRACE_LEVEL_OFF);
	EXPECT_EQ(trace_log_level_for(&b.log, "bad"), TRACE_LEVEL_WARN); /* skipped */
	EXPECT(!trace_log_enabled(&b.log, "boot", TRACE_LEVEL_INFO));
	EXPECT(trace_log_enabled(&b.log, "kasync", TRACE_LEVEL_TRACE));
	EXPECT_EQ(b.backtrace, BACKTRACE_FULL);
}

TEST(trace, spans_nest_on_this_cpu_and_close)
{
	static const struct trace_span_meta outer = {"outer", "ktest", TRACE_LEVEL_INFO};
	static const struct trace_span_meta inner = {"inner", "ktest", TRACE_LEVEL_INFO};
	const char *names[4];
	size_t before = ktrace_span_names(names, 4);
	uint64_t a = ktrace_span_enter(&outer);
	uint64_t b = ktrace_span_enter(&inner);
	EXPECT_NE(a, 0u);
	EXPECT_NE(b, 0u);
	if (EXPECT_EQ(ktrace_span_names(names, 4), before + 2)) {
		EXPECT_STREQ(names[before], "outer"); /* root first, as log lines show them */
		EXPECT_STREQ(names[before + 1], "inner");
	}
	ktrace_span_exit(b);
	EXPECT_EQ(ktrace_span_names(names, 4), before + 1);
	ktrace_span_exit(a);
	EXPECT_EQ(ktrace_span_names(names, 4), before);
}
