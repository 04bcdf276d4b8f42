/*
 * shell.c - the minimal kernel shell (see shell.h).
 *
 * Line editing: printable characters, backspace/DEL, Ctrl-U (kill line),
 * Ctrl-C (abandon line); escape sequences (arrow keys) are consumed and
 * ignored. A command is the first word; the rest are its arguments; '...'
 * and "..." group words, and an unquoted > or >> is a word of its own.
 *
 * Commands run synchronously inside the shell task's poll. One that must
 * wait (cat trace_pipe) spawns a job task instead (shell_job_start): the
 * shell task then awaits its join handle while still reading the UART, so
 * Ctrl-C (or `timeout`) can stop it; other input typed meanwhile is kept
 * and runs after the job.
 */
#include "shell.h"

#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/compiler.h"
#include "base/err.h"
#include "console.h"
#include "cpu.h"
#include "fs/kvfs.h"
#include "kmain.h"
#include "ktrace.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "panic.h"
#include "sched.h"
#include "shell_internal.h"
#include "version.h"

#define LINE_MAX      256
#define MAX_ARGS      16
#define TYPEAHEAD_MAX 256

static int cmd_help(int argc, char **argv);
static int cmd_timeout(int argc, char **argv);

/* The running job, if any. [shell task] */
static struct {
	bool active, stopping, timed;
	struct kasync_join jh;
	void (*stop)(struct kasync_join *jh);
	uint64_t timeout_ns; /* set by `timeout` before it runs the command */
	struct kasync_sleep timer;
} job;

int shell_job_start(struct kasync_join *jh, void (*stop)(struct kasync_join *jh))
{
	if (job.active)
		return ERR_BUSY;
	job.jh = *jh;
	job.stop = stop;
	job.active = true;
	job.stopping = false;
	job.timed = false;
	if (job.timeout_ns) {
		kasync_sleep_init(&job.timer, &kexec, job.timeout_ns);
		job.timed = true;
	}
	return 0;
}

const char *shell_strerror(int err)
{
	switch (err) {
	case ERR_NOENT:
		return "No such file or directory";
	case ERR_ISDIR:
		return "Is a directory";
	case ERR_NOTDIR:
		return "Not a directory";
	case ERR_INVAL:
		return "Invalid argument";
	case ERR_PERM:
		return "Operation not permitted";
	case ERR_BUSY:
		return "Device or resource busy";
	case ERR_NOMEM:
		return "Cannot allocate memory";
	case ERR_AGAIN:
		return "Resource temporarily unavailable";
	case ERR_RANGE:
		return "Numerical result out of range";
	case ERR_NOSPC:
		return "No space left on device";
	case ERR_EXIST:
		return "File exists";
	default:
		return err_str(err);
	}
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("%s\n", KERNEL_VERSION);
	return 0;
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("%u CPU(s), timebase %llu Hz\n", ncpus, (unsigned long long)arch_ticks_per_sec());
	kprintf("CPU  HART  STATE    TIMER-IRQS  EXT-IRQS  IPIS\n");
	for (uint32_t i = 0; i < ncpus; i++)
		kprintf("%-4u %-5u %-8s %-11llu %-9llu %llu\n", cpus[i].id, cpus[i].hartid,
			cpus[i].online ? "online" : "offline",
			(unsigned long long)cpus[i].timer_interrupts,
			(unsigned long long)cpus[i].irq_count,
			(unsigned long long)atomic_load(&cpus[i].ipis_received));
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct frame_stats f;
	struct kheap_stats h;
	struct vm_stats v;
	frame_stats(&f);
	kheap_stats(&h);
	vm_stats(&v);
	kprintf("frames: %llu total, %llu used, %llu free (%llu KiB free)\n",
		(unsigned long long)f.total, (unsigned long long)(f.total - f.free),
		(unsigned long long)f.free, (unsigned long long)(f.free * FRAME_SIZE / 1024));
	kprintf("heap:   %zu bytes in use in %zu allocations, %zu free, %zu total\n", h.in_use,
		h.allocs, h.free, h.total);
	kprintf("vm:     %u regions, %llu KiB reserved, %llu pages committed\n", v.regions,
		(unsigned long long)(v.reserved_bytes / 1024),
		(unsigned long long)v.committed_pages);
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint64_t t = arch_now_ticks(), hz = arch_ticks_per_sec();
	uint64_t ms = t * 1000 / hz;
	kprintf("up %llu.%03llu s\n", (unsigned long long)(ms / 1000),
		(unsigned long long)(ms % 1000));
	return 0;
}

static int cmd_shutdown(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("shutting down\n");
	arch_shutdown(0);
}

static const struct shell_command commands[] = {
	{"help", "list the commands", cmd_help},
	{"version", "show the kernel version", cmd_version},
	{"cpus", "list the CPUs and their interrupt counts", cmd_cpus},
	{"mem", "show frame, heap and virtual memory use", cmd_mem},
	{"uptime", "time since the machine started", cmd_uptime},
	{"metrics", "per-CPU event counters, summed", shell_cmd_metrics},
	{"ls", "ls [PATH...]: list directories (default /)", shell_cmd_ls},
	{"cat", "cat FILE...: print files (trace_pipe: until Ctrl-C)", shell_cmd_cat},
	{"echo", "print words, or write them: echo 1 > FILE, >> appends", shell_cmd_echo},
	{"timeout", "timeout SECS CMD...: stop CMD's job after SECS", cmd_timeout},
	{"shutdown", "power off (QEMU exits with status 0)", cmd_shutdown},
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
	return 0;
}

/*
 * Splits `line` into words in `buf` (2 * LINE_MAX bytes). Returns the word
 * count, or -1 (message printed) for too many words or an open quote.
 */
static int tokenize(const char *line, char *buf, char **argv)
{
	int argc = 0;
	char *o = buf;
	const char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (argc == MAX_ARGS) {
			kprintf("too many arguments (at most %d)\n", MAX_ARGS);
			return -1;
		}
		argv[argc++] = o;
		if (*p == '>') {
			*o++ = *p++;
			if (*p == '>')
				*o++ = *p++;
			*o++ = 0;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '>') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q)
					*o++ = *p++;
				if (!*p) {
					kprintf("unterminated quote\n");
					return -1;
				}
				p++;
			} else {
				*o++ = *p++;
			}
		}
		*o++ = 0;
	}
	argv[argc] = 0;
	return argc;
}

static int run(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	kprintf("%s: command not found (try 'help')\n", argv[0]);
	return 127;
}

static int cmd_timeout(int argc, char **argv)
{
	uint64_t secs = 0;
	const char *s = argc > 1 ? argv[1] : "";
	for (; *s >= '0' && *s <= '9' && secs < 100000; s++)
		secs = secs * 10 + (uint64_t)(*s - '0');
	if (argc < 3 || *s || secs == 0) {
		kprintf("usage: timeout SECS COMMAND [ARG...]\n");
		return 2;
	}
	job.timeout_ns = secs * 1000000000ull;
	int status = run(argc - 2, argv + 2);
	job.timeout_ns = 0;
	return status;
}

int shell_execute(const char *line)
{
	static const struct trace_span_meta span = {"shell", "shell", TRACE_LEVEL_INFO};
	char buf[2 * LINE_MAX];
	char *argv[MAX_ARGS + 1];
	char copy[LINE_MAX];
	size_t n = strnlen(line, LINE_MAX - 1);
	memcpy(copy, line, n);
	copy[n] = 0;
	int argc = tokenize(copy, buf, argv);
	if (argc <= 0)
		return argc < 0 ? 2 : 0;
	uint64_t id = ktrace_span_enter(&span);
	int status = run(argc, argv);
	ktrace_span_exit(id);
	return status;
}

/* The line editor's state, kept across polls of the shell task. */
struct shell {
	struct kasync_task task;
	char line[LINE_MAX];
	size_t n;
	int esc;		   /* 0, or 1/2 inside an escape sequence */
	char ahead[TYPEAHEAD_MAX]; /* typed while a job ran */
	size_t ahead_head, ahead_len;
};

static void prompt(void)
{
	kputs("> ");
}

/* Feeds one input byte to the line editor; runs the line on Enter. */
static void shell_feed(struct shell *sh, int c)
{
	if (sh->esc) { /* ESC [ X ...: skip until the final byte */
		if (sh->esc == 1 && c == '[')
			sh->esc = 2;
		else if (!(sh->esc == 2 && (c < 0x40 || c > 0x7e)))
			sh->esc = 0;
		return;
	}
	if (c == '\r' || c == '\n') {
		kputs("\n");
		sh->line[sh->n] = 0;
		sh->n = 0;
		int status = shell_execute(sh->line);
		if (status)
			kprintf("[exit status %d]\n", status);
		if (!job.active)
			prompt();
	} else if (c == 0x1b) {
		sh->esc = 1;
	} else if (c == 0x7f || c == 0x08) {
		if (sh->n) {
			sh->n--;
			kputs("\b \b");
		}
	} else if (c == 0x15) { /* Ctrl-U */
		for (; sh->n; sh->n--)
			kputs("\b \b");
	} else if (c == 0x03) { /* Ctrl-C */
		kputs("^C\n");
		sh->n = 0;
		prompt();
	} else if (c >= 0x20 && c < 0x7f && sh->n < LINE_MAX - 1) {
		char str[2] = {(char)c, 0};
		sh->line[sh->n++] = (char)c;
		kputs(str);
	}
}

/* The job is over: report, and show the prompt again. */
static void job_finish(int status, int err)
{
	if (job.timed)
		kasync_sleep_drop(&job.timer);
	kasync_join_drop(&job.jh);
	job.active = false;
	if (err)
		kprintf("[job cancelled]\n");
	else if (status && !job.stopping)
		kprintf("[exit status %d]\n", status);
	prompt();
}

static void job_stop(void)
{
	if (!job.stopping) {
		job.stopping = true;
		job.stop(&job.jh);
	}
}

/* Advances the job; true once it is over (or there is none). */
static bool job_poll(struct kasync_cx *cx)
{
	int status = 0, err = 0;
	if (!job.active)
		return true;
	if (job.timed && !job.stopping && kasync_sleep_poll(&job.timer, cx) == KASYNC_READY)
		job_stop();
	if (kasync_join_poll(&job.jh, cx, &status, &err) == KASYNC_PENDING)
		return false;
	job_finish(status, err);
	return true;
}

/* The next input byte: type-ahead first, then the UART; -1 if none. */
static int next_byte(struct shell *sh)
{
	if (sh->ahead_len) {
		int c = (unsigned char)sh->ahead[sh->ahead_head];
		sh->ahead_head = (sh->ahead_head + 1) % TYPEAHEAD_MAX;
		sh->ahead_len--;
		return c;
	}
	return kg.uart ? uart_getc(kg.uart) : -1;
}

/* Reads what the UART has buffered; waits for its interrupt when empty. */
static enum kasync_poll shell_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct shell *sh = (struct shell *)task;
	for (;;) {
		int c;
		while (job_poll(cx) && (c = next_byte(sh)) >= 0)
			shell_feed(sh, c);
		while (job.active && kg.uart && (c = uart_getc(kg.uart)) >= 0) {
			if (c == 0x03) { /* Ctrl-C */
				kputs("^C\n");
				job_stop();
			} else if (sh->ahead_len < TYPEAHEAD_MAX) {
				sh->ahead[(sh->ahead_head + sh->ahead_len++) % TYPEAHEAD_MAX] =
					(char)c;
			}
		}
		if (!kg.uart)
			return KASYNC_PENDING; /* no console: nothing will ever arrive */
		if (job.active && job.stopping && job_poll(cx))
			continue;
		/* Register, then look again: a byte that came in between has
		 * either been seen now or will wake us. */
		uart_rx_wait(kg.uart, &cx->waker);
		if (!uart_rx_ready(kg.uart) && (job.active || !sh->ahead_len))
			return KASYNC_PENDING;
	}
}

static void shell_dealloc(struct kasync_task *task)
{
	free(task);
}

static const struct kasync_task_vtable shell_vtable = {
	.poll = shell_poll,
	.dealloc = shell_dealloc,
};

void shell_start(void)
{
	struct shell *sh = calloc(1, sizeof(*sh));
	if (!sh)
		panic("shell: out of memory");
	kasync_task_init(&sh->task, &shell_vtable, "shell");
	kprintf("Type 'help' for the commands.\n");
	prompt();
	if (kasync_spawn(&kexec, &sh->task, NULL))
		panic("shell: cannot spawn");
	if (kvfs_task_track(&sh->task)) /* the shell never ends: never untracked */
		log_warn("shell", "not listed in /proc/tasks");
}

#ifndef KTEST
void kernel_run(void)
{
	shell_start();
	sched_worker();
}
#endif
