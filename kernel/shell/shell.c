/*
 * shell.c - the kernel shell: a task that reads the console UART, edits a
 * line (lib/ledit: cursor movement, history), and runs it.
 *
 * A line (at most LINE_MAX - 2 bytes) is run by shell_line.c: lists of
 * commands, redirects, quotes, variables and patterns (the language of
 * lib/shell/sh_parse.h). A command's leading K=V words set variables
 * (shell_env.c); its first word is a builtin (the table below) or a program
 * (/bin/NAME[.wasm], or a path); '&' runs a program in the background.
 * Builtins run synchronously inside the shell task's poll;
 * programs and builtins that wait are jobs (shell_jobs.c): while the
 * foreground job runs, the shell reads on, Ctrl-C stops the job, lines
 * typed go to a foreground program's stdin (with their own editor, no
 * history; Ctrl-D ends the input), and for any other job the bytes are kept
 * and run after it.
 *
 * The prompt starts a line of its own: after output that did not end with
 * a newline, a reverse-video '%' and a newline come first (as zsh does).
 * Tracepoints shell:line, shell:interrupt and shell:prompt (defined with
 * the others in trace/ktrace_events.c) mark when a line starts to run,
 * when Ctrl-C is read, and when the next prompt is out: with
 * irq:irq_handler_entry for the UART they give the shell's latency in
 * guest time (tests/qemu/latency.py).
 */
#include "shell/shell.h"

#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/compiler.h"
#include "base/err.h"
#include "bench/kbench.h"
#include "core/bootargs.h"
#include "core/console.h"
#include "core/cpu.h"
#include "fs/kvfs.h"
#include "core/kmain.h"
#include "ledit/ledit.h"
#include "trace/ktrace.h"
#include "trace/ktrace_events.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "core/panic.h"
#include "sched/sched.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "core/version.h"
#include "wasm/kcode.h"
#include "wasm/launch.h"
#include "wasm/modcache.h"
#include "vfs/vfs.h"

#define LINE_MAX      LEDIT_LINE_MAX
#define TYPEAHEAD_MAX 256

static int cmd_help(int argc, char **argv);
static int cmd_timeout(int argc, char **argv);

static uint64_t prompt_ticks; /* when the first prompt was printed */

uint64_t shell_prompt_ticks(void)
{
	return prompt_ticks;
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
	if (argc == 2 && strcmp(argv[1], "drop") == 0) {
		size_t n = modcache_shrink();
		kheap_trim();
		kprintf("mem: gave back %zu KiB of kept modules\n", n / 1024);
		return 0;
	}
	if (argc != 1) {
		kprintf("usage: mem [drop]\n");
		return 2;
	}
	struct modcache_stats mc;
	struct kcode_stats kc;
	struct frame_stats f;
	struct kheap_stats h;
	struct vm_stats v;
	frame_stats(&f);
	kheap_stats(&h);
	vm_stats(&v);
	modcache_stats(&mc);
	kcode_stats(&kc);
	uint64_t ram = 0;
	for (unsigned i = 0; i < kg.dt.n_mem; i++)
		ram += kg.dt.mem[i].size;
	/* the rest of RAM: firmware, the kernel image with the initrd, the
	 * boot heap chunk and the frame allocator's own bitmaps */
	kprintf("memory: %llu KiB of RAM, %llu KiB of it in frames, %llu KiB held since boot\n",
		(unsigned long long)(ram / 1024), (unsigned long long)(f.total * FRAME_SIZE / 1024),
		(unsigned long long)((ram - MIN(ram, f.total * FRAME_SIZE)) / 1024));
	kprintf("frames: %llu total, %llu used, %llu free (%llu KiB free)\n",
		(unsigned long long)f.total, (unsigned long long)(f.total - f.free),
		(unsigned long long)f.free, (unsigned long long)(f.free * FRAME_SIZE / 1024));
	kprintf("budget: %llu available, %llu promised to programs, %llu kept for the kernel,"
		" %llu refused\n",
		(unsigned long long)f.available, (unsigned long long)f.promised,
		(unsigned long long)f.reserve, (unsigned long long)f.refused);
	kprintf("heap:   %zu bytes in use in %zu allocations, %zu free, %zu total, %zu committed"
		" in %zu chunks\n",
		h.in_use, h.allocs, h.free, h.total, h.committed, h.chunks);
	kprintf("vm:     %u regions, %llu KiB reserved, %llu pages committed (%llu by programs),"
		" %llu page-table pages\n",
		v.regions, (unsigned long long)(v.reserved_bytes / 1024),
		(unsigned long long)v.committed_pages, (unsigned long long)v.lazy_committed,
		(unsigned long long)v.table_pages);
	kprintf("code:   %llu KiB compiled in %llu blocks, %llu guest stacks (%llu KiB, lazy)%s\n",
		(unsigned long long)(kc.code_bytes / 1024), (unsigned long long)kc.code_blocks,
		(unsigned long long)kc.stacks, (unsigned long long)(kc.stack_bytes / 1024),
		kcode_enabled() ? "" : "; compiler off (booted with jit=0)");
	kprintf("modules: %u kept (%u running), %llu KiB (%llu KiB compiled code); %llu runs found"
		" theirs kept, %llu did not\n",
		mc.modules, mc.in_use, (unsigned long long)(mc.bytes / 1024),
		(unsigned long long)(mc.code_bytes / 1024), (unsigned long long)mc.hits,
		(unsigned long long)mc.misses);
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

static int cmd_dmesg(int argc, char **argv)
{
	size_t size = 64u << 10;
	char *buf = malloc(size);
	(void)argc;
	(void)argv;
	if (!buf) {
		kprintf("dmesg: no memory\n");
		return 1;
	}
	console_write(buf, console_dmesg(buf, size));
	free(buf);
	return 0;
}

/* `sync`, and the first step of `shutdown`: /data written back. */
static int cmd_sync(int argc, char **argv)
{
	int err = kvfs_sync();
	(void)argc;
	if (err)
		kprintf("%s: /data not written back: %s\n", argv[0], err_str(err));
	return err ? 1 : 0;
}

static int cmd_shutdown(int argc, char **argv)
{
	(void)cmd_sync(argc, argv);
	kprintf("shutting down\n");
	arch_shutdown(0);
}

/* Deliberate kernel failures, to see (and test) the reports. */
static int cmd_panic(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	panic("deliberate panic from the shell");
}

static int cmd_fault(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("storing to 0x10 (unmapped) from the kernel\n");
	*(volatile uint64_t *)(uintptr_t)0x10 = 1;
	return 1; /* not reached: the store faults */
}

static const struct shell_command commands[] = {
	{"help", "list the commands", cmd_help},
	{"run",
	 "run [--root DIR|--no-root] PROG [ARG...] [&]: run a program (also just: PROG "
	 "ARG...); --root: DIR is its / (like wasmrun --dir DIR::/); --no-root: no files",
	 shell_cmd_run},
	{"export", "export K=V...: set variables every program gets (also: K=V alone)",
	 shell_cmd_export},
	{"env", "list the variables (K=V PROG ARG...: for that program only)", shell_cmd_env},
	{"unset", "unset K...: remove variables", shell_cmd_unset},
	{"ring", "ring A... -- B...: run two programs, each one's output the other's input",
	 shell_cmd_ring},
	{"jobs", "list the background programs", shell_cmd_jobs},
	{"ps", "list tasks: id, name, state, CPU, run time, memory", shell_cmd_ps},
	{"kill", "kill ID|%N...: end programs (IDs from ps, %N from jobs)", shell_cmd_kill},
	{"ls",
	 "ls [-l] [PATH...]: list directories (default: the working one); -l: type, "
	 "size, modification time",
	 shell_cmd_ls},
	{"cat", "cat [FILE...]: print files, or the input (trace_pipe: until Ctrl-C)",
	 shell_cmd_cat},
	{"wc", "wc [-l|-w|-c] [FILE...]: count lines, words, bytes of files or the input",
	 shell_cmd_wc},
	{"head", "head [-n N] [FILE...]: the first N (10) lines of files or the input",
	 shell_cmd_head},
	{"cp", "cp [-r] SRC DST: copy a file or (-r) a directory tree to a new DST", shell_cmd_cp},
	{"rm", "rm [-r] PATH...: remove files or (-r) directory trees", shell_cmd_rm},
	{"mkdir", "mkdir [-p] DIR...: make directories (-p: and their parents)", shell_cmd_mkdir},
	{"echo", "echo [-n] WORD...: print words", shell_cmd_echo},
	{"base64", "base64 FILE: print a file as base64 (to copy it off the serial line)",
	 shell_cmd_base64},
	{"cd", "cd [DIR]: change the directory of the builtins' paths (default /)", shell_cmd_cd},
	{"pwd", "print that directory", shell_cmd_pwd},
	{"mem", "mem [drop]: show memory use; drop: free the modules kept between runs", cmd_mem},
	{"cpus", "list the CPUs and their interrupt counts", cmd_cpus},
	{"uptime", "time since the machine started", cmd_uptime},
	{"dmesg", "the kernel's log lines since boot (the last 64 KiB)", cmd_dmesg},
	{"metrics", "per-CPU event counters, summed", shell_cmd_metrics},
	{"trace", "trace list|enable|disable|show|clear|pipe|record|report: tracing (trace --help)",
	 shell_cmd_trace},
	{"bench", "bench [NAME...]: in-kernel benchmarks (bench --help)", kbench_cmd},
	{"diskbench", "diskbench [-s MiB] [DIR]: sequential write and read MB/s of /data",
	 kbench_disk_cmd},
	{"timeout", "timeout SECS CMD...: stop CMD's job after SECS", cmd_timeout},
	{"version", "show the kernel version", cmd_version},
	{"sync", "write the changes of /data to the disk", cmd_sync},
	{"shutdown", "write /data back, power off (QEMU exits with status 0)", cmd_shutdown},
	{"panic", "panic the kernel on purpose (for testing)", cmd_panic},
	{"fault", "make the kernel fault on purpose (for testing)", cmd_fault},
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
	kprintf("Programs: ls /bin. Lines: CMD; CMD, CMD && CMD, CMD || CMD, CMD &; redirects\n"
		"< FILE, > FILE, >> FILE, 2> FILE, 2>&1; $NAME, $? and '...', \"...\" as in sh;\n"
		"* ? [...] match file names, A | B pipes. Keys: arrows edit and recall lines,\n"
		"Ctrl-R searches them, Tab completes, Ctrl-L clears, Ctrl-C stops the\n"
		"foreground job, Ctrl-D ends its input. Lines: at most %u bytes.\n",
		LINE_MAX - 2);
	return 0;
}

static const struct shell_command *builtin(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* A builtin, its output captured when redirected (the shell task's own
 * output for the time it runs; a job it starts takes the redirects). */
static int run_builtin(const struct shell_command *c, int argc, char **argv)
{
	struct kasync_task *self = kasync_current_task(&kexec);
	bool captured = shell_redirs_capture(self, shell_redirs_pending());
	int status = c->fn(argc, argv);
	if (captured)
		console_capture_clear(self);
	kasync_task_unref(self);
	shell_jobs_announce();
	return status;
}

/* Assignments alone are exported; before a program they are its own. */
static int run(int argc, char **argv, bool background)
{
	int nassign = 0;
	while (nassign < argc && shell_env_name_len(argv[nassign]))
		nassign++;
	if (nassign == argc) {
		if (background) {
			kprintf("syntax error: variables cannot be set in the background\n");
			return 2;
		}
		return shell_env_assign(argc, argv);
	}
	char **assign = argv;
	argc -= nassign;
	argv += nassign;
	const struct shell_command *c = builtin(argv[0]);
	if (c && strcmp(c->name, "run") == 0 && (background || nassign)) {
		if (argc < 2)
			return c->fn(argc, argv); /* usage */
		return shell_run_words(argc - 1, argv + 1, background, nassign, assign);
	}
	if (c && nassign) {
		kprintf("%s: variables before a builtin do nothing (only programs get them)\n",
			argv[0]);
		return 2;
	}
	if (c) {
		shell_jobs_set_builtin(argc, argv, background);
		return run_builtin(c, argc, argv);
	}
	if (!argv[0][0]) {
		kprintf("the program name is empty\n");
		return 127;
	}
	static char abs[VFS_PATH_MAX], path[LAUNCH_PATH_MAX]; /* the shell task's */
	bool is_path = strchr(argv[0], '/') != NULL;
	if (!(is_path && shell_path_abs(argv[0], abs)) &&
	    launch_find(is_path ? abs : argv[0], path) == 0)
		return shell_run_words(argc, argv, background, nassign, assign);
	if (is_path)
		kprintf("%s: no such program\n", argv[0]);
	else
		kprintf("%s: command not found (try 'help', or 'ls /bin' for programs)\n", argv[0]);
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
	shell_jobs_set_timeout(secs * 1000000000ull);
	int status = shell_run_argv(argc - 2, argv + 2, false);
	shell_jobs_set_timeout(0);
	return status;
}

int shell_run_argv(int argc, char **argv, bool background)
{
	static const struct trace_span_meta span = {"shell", "shell", TRACE_LEVEL_INFO};
	uint64_t id = ktrace_span_enter(&span);
	int status = run(argc, argv, background);
	ktrace_span_exit(id);
	return status == 0 && !background && shell_jobs_fg_busy() ? SHELL_STATUS_WAIT : status;
}

struct shell {
	struct kasync_task task;
	struct ledit cmd;	   /* the command line, with history */
	struct ledit in;	   /* a foreground program's input line */
	char ahead[TYPEAHEAD_MAX]; /* typed while a builtin's job ran */
	size_t ahead_head, ahead_len;
	bool prompt_due; /* a command ended: notices and a prompt are due */
};

static void console_out(void *arg, const char *s, size_t n)
{
	(void)arg;
	console_write(s, n);
}

/* ---- Tab completion ---- */

struct completion {
	struct ledit_cands *c;
	const char *dir, *prefix; /* the word's folder part (as typed), its last part */
	size_t dir_len, prefix_len;
	bool programs; /* /bin's programs, without .wasm */
	char *w;       /* LINE_MAX bytes: a candidate being made (not on the stack) */
};

static void complete_entry(void *arg, const char *name, bool is_dir)
{
	struct completion *k = arg;
	char *w = k->w;
	size_t n = strlen(name);

	if (strncmp(name, k->prefix, k->prefix_len) || (name[0] == '.' && k->prefix[0] != '.'))
		return;
	if (k->programs) {
		if (is_dir || n < 5 || strcmp(name + n - 5, ".wasm"))
			return;
		n -= 5;
		for (size_t j = 0; j < ARRAY_SIZE(commands); j++)
			if (strlen(commands[j].name) == n && !strncmp(commands[j].name, name, n))
				return; /* the builtin of that name runs */
	}
	if (k->dir_len + n + 2 > LINE_MAX)
		return;
	memcpy(w, k->dir, k->dir_len);
	memcpy(w + k->dir_len, name, n);
	w[k->dir_len + n] = is_dir ? '/' : 0;
	w[k->dir_len + n + is_dir] = 0;
	ledit_cand_add(k->c, w);
}

/* A command's first word: builtins and /bin's programs; any other word,
 * or one with a '/': paths from the working directory. */
static void complete(void *arg, const char *line, size_t start, size_t end, struct ledit_cands *c)
{
	/* the shell task's: one completion at a time */
	static char abs[VFS_PATH_MAX], dir[LINE_MAX], cand[LINE_MAX];
	struct completion k = {.c = c, .w = cand};
	const char *w = line + start, *slash = NULL;
	size_t i = start;

	(void)arg;
	while (i && line[i - 1] == ' ')
		i--;
	for (const char *p = w; p < line + end; p++)
		if (*p == '/')
			slash = p;
	if (!slash && (i == 0 || strchr("|;&", line[i - 1]))) {
		for (size_t j = 0; j < ARRAY_SIZE(commands); j++)
			if (!strncmp(commands[j].name, w, end - start))
				ledit_cand_add(c, commands[j].name);
		k.programs = true;
		k.dir = "";
		k.prefix = w;
		k.prefix_len = end - start;
		shell_list_dir("/bin", complete_entry, &k);
		return;
	}
	k.dir_len = slash ? (size_t)(slash - w) + 1 : 0;
	memcpy(dir, w, k.dir_len);
	dir[k.dir_len] = 0;
	k.dir = dir;
	k.prefix = slash ? slash + 1 : w;
	k.prefix_len = (size_t)(line + end - k.prefix);
	if (!shell_path_abs(k.dir_len ? dir : ".", abs))
		shell_list_dir(abs, complete_entry, &k);
}

/* Output that did not end its line gets a marked line end first. */
static void prompt(void)
{
	bool newline = !console_at_line_start();
	if (newline)
		kputs("\x1b[7m%\x1b[0m\n");
	kputs("> ");
	TRACE_POINT(shell, prompt, newline);
	if (!prompt_ticks)
		prompt_ticks = arch_now_ticks();
}

/* Feeds one byte to the command line; runs the line on Enter. */
static void shell_feed(struct shell *sh, int c)
{
	switch (ledit_feed(&sh->cmd, c)) {
	case LEDIT_LINE: {
		const char *line = ledit_line(&sh->cmd);
		if (strnlen(line, LINE_MAX - 1) >= LINE_MAX - 1) {
			/* the editor keeps at most LINE_MAX - 1 bytes: a line that
			 * long may have lost its end, so it is refused, not run cut */
			kprintf("line too long (at most %u bytes): not run\n", LINE_MAX - 2);
		} else {
			TRACE_POINT(shell, line, line);
			shell_line_run(line);
		}
		sh->prompt_due = true;
		break;
	}
	case LEDIT_INTERRUPT:
		sh->prompt_due = true;
		break;
	case LEDIT_EOF:
		kprintf("\n(the kernel shell does not exit: 'shutdown' powers off)\n");
		sh->prompt_due = true;
		break;
	case LEDIT_CLEAR: /* the screen, then the prompt at its top left */
		kputs("\x1b[H\x1b[2J> ");
		ledit_redraw(&sh->cmd);
		break;
	case LEDIT_REPROMPT:
		prompt();
		ledit_redraw(&sh->cmd);
		break;
	case LEDIT_NONE:
		break;
	}
}

/* A byte typed while the foreground job runs. */
static void shell_feed_busy(struct shell *sh, int c)
{
	if (c == 0x03) { /* Ctrl-C */
		kputs("^C\n");
		ledit_init(&sh->in, console_out, NULL, false);
		int job = shell_jobs_interrupt();
		TRACE_POINT(shell, interrupt, job);
	} else if (shell_jobs_stdin_open()) {
		enum ledit_event ev = ledit_feed(&sh->in, c);
		if (ev == LEDIT_LINE) {
			const char *line = ledit_line(&sh->in);
			shell_jobs_stdin_push(line, strlen(line));
			shell_jobs_stdin_push("\n", 1);
			ledit_init(&sh->in, console_out, NULL, false); /* nothing half typed */
		} else if (ev == LEDIT_EOF) {
			shell_jobs_stdin_eof();
		}
	} else if (sh->ahead_len < TYPEAHEAD_MAX) {
		sh->ahead[(sh->ahead_head + sh->ahead_len++) % TYPEAHEAD_MAX] = (char)c;
	}
}

/* Lines typed for a program that ended without reading them, and the line
 * being typed for it, go to the shell (before what came while a builtin's
 * job ran), as a Unix terminal keeps them. */
static void keep_typeahead(struct shell *sh)
{
	char buf[TYPEAHEAD_MAX];
	size_t n = shell_jobs_take_unread(buf, sizeof(buf));
	const char *part = ledit_line(&sh->in);
	size_t pn = strlen(part);

	if (pn > sizeof(buf) - n)
		pn = sizeof(buf) - n;
	memcpy(buf + n, part, pn);
	n += pn;
	if (n > TYPEAHEAD_MAX - sh->ahead_len)
		n = TYPEAHEAD_MAX - sh->ahead_len;
	if (!n)
		return;
	for (size_t i = sh->ahead_len; i-- > 0;) /* make room at the front */
		sh->ahead[(sh->ahead_head + i + n) % TYPEAHEAD_MAX] =
			sh->ahead[(sh->ahead_head + i) % TYPEAHEAD_MAX];
	for (size_t i = 0; i < n; i++)
		sh->ahead[(sh->ahead_head + i) % TYPEAHEAD_MAX] = buf[i];
	sh->ahead_len += n;
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

/* Reads what the UART has buffered; waits for its interrupt (or a job's
 * end) when there is nothing to do. */
static enum kasync_poll shell_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct shell *sh = (struct shell *)task;
	for (;;) {
		int c;
		if (shell_jobs_poll(cx)) {
			while (kg.uart && (c = uart_getc(kg.uart)) >= 0)
				shell_feed_busy(sh, c);
		} else if (shell_line_running()) { /* its foreground job ended */
			bool stopped;
			int status = shell_jobs_fg_last(&stopped);
			shell_line_resume(status, stopped);
			continue;
		} else if (sh->prompt_due) {
			shell_jobs_report();
			keep_typeahead(sh);
			ledit_init(&sh->in, console_out, NULL, false);
			prompt();
			sh->prompt_due = false;
			continue;
		} else if ((c = next_byte(sh)) >= 0) {
			shell_feed(sh, c);
			continue;
		}
		if (!kg.uart)
			return KASYNC_PENDING; /* no console: nothing will ever arrive */
		/* Register, then look again: a byte that came in between has
		 * either been seen now or will wake us. A job's end wakes us
		 * through its join. */
		uart_rx_wait(kg.uart, &cx->waker);
		if (!uart_rx_ready(kg.uart) && !(sh->ahead_len && !shell_jobs_poll(cx)))
			return KASYNC_PENDING;
	}
}

static void ignore_bootarg(const char *msg, const char *arg, unsigned len)
{
	(void)msg;
	(void)arg;
	(void)len;
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
	struct bootargs args;
	if (!sh)
		panic("shell: out of memory");
	/* jobs=: parsed again here (the boot reported any problem) */
	bootargs_parse(kg.dt.bootargs, &args, ignore_bootarg);
	if (shell_jobs_init(args.jobs))
		panic("shell: out of memory");
	kasync_task_init(&sh->task, &shell_vtable, "shell");
	ledit_init(&sh->cmd, console_out, NULL, true);
	ledit_set_complete(&sh->cmd, complete, NULL);
	ledit_init(&sh->in, console_out, NULL, false);
	kprintf("Type 'help' for the commands.\n");
	prompt();
	if (kasync_spawn(&kexec, &sh->task, NULL))
		panic("shell: cannot spawn");
	if (kvfs_task_track(&sh->task, NULL)) /* the shell never ends: never untracked */
		log_warn("shell", "not listed in /proc/tasks");
}

#ifndef KTEST
void kernel_run(void)
{
	shell_start();
	sched_worker();
}
#endif
