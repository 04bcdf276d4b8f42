/*
 * shell.c - the minimal kernel shell (see shell.h).
 *
 * Line editing: printable characters, backspace/DEL, Ctrl-U (kill line),
 * Ctrl-C (abandon line); escape sequences (arrow keys) are consumed and
 * ignored. A command is the first word; the rest are its arguments.
 */
#include "shell.h"

#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/compiler.h"
#include "console.h"
#include "cpu.h"
#include "kmain.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "panic.h"
#include "sched.h"
#include "version.h"

#define LINE_MAX 256
#define MAX_ARGS 16

struct command {
	const char *name;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);

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

static const struct command commands[] = {
	{"help", "list the commands", cmd_help},
	{"version", "show the kernel version", cmd_version},
	{"cpus", "list the CPUs and their interrupt counts", cmd_cpus},
	{"mem", "show frame, heap and virtual memory use", cmd_mem},
	{"uptime", "time since the machine started", cmd_uptime},
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

int shell_execute(const char *line)
{
	char buf[LINE_MAX];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	size_t n = strnlen(line, LINE_MAX - 1);
	memcpy(buf, line, n);
	buf[n] = 0;
	for (char *p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (argc == MAX_ARGS) {
			kprintf("too many arguments (at most %d)\n", MAX_ARGS);
			return 2;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = 0;
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	kprintf("%s: command not found (try 'help')\n", argv[0]);
	return 127;
}

/* The line editor's state, kept across polls of the shell task. */
struct shell {
	struct kasync_task task;
	char line[LINE_MAX];
	size_t n;
	int esc; /* 0, or 1/2 inside an escape sequence */
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

/* Reads what the UART has buffered; waits for its interrupt when empty. */
static enum kasync_poll shell_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct shell *sh = (struct shell *)task;
	for (;;) {
		int c;
		while (kg.uart && (c = uart_getc(kg.uart)) >= 0)
			shell_feed(sh, c);
		if (!kg.uart)
			return KASYNC_PENDING; /* no console: nothing will ever arrive */
		/* Register, then look again: a byte that came in between has
		 * either been seen now or will wake us. */
		uart_rx_wait(kg.uart, &cx->waker);
		if (!uart_rx_ready(kg.uart))
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
}

#ifndef KTEST
void kernel_run(void)
{
	shell_start();
	sched_worker();
}
#endif
