/*
 * shell_trace.c - the shell's view of /sys/kernel/tracing until a VFS
 * exists: ls, cat and echo with > or >> on tracefs paths, and `metrics`.
 *
 *   ls /sys/kernel/tracing/events/sched
 *   echo 1 > /sys/kernel/tracing/events/sched/sched_switch/enable
 *   cat /sys/kernel/tracing/trace          (echo > .../trace clears it)
 *   cat /sys/kernel/tracing/trace_pipe     (a job: runs until Ctrl-C)
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "console.h"
#include "cpu.h"
#include "ktrace.h"
#include "sched.h"
#include "shell_internal.h"
#include "trace/metrics.h"

#define ROOT	   "/sys/kernel/tracing"
#define CHUNK	   512
#define ECHO_MAX   1024
#define LS_COLUMNS 78

/* The tracefs path of `path` ("" for the root itself), or NULL if outside. */
static const char *tracefs_path(const char *path)
{
	size_t n = strlen(ROOT);
	if (strncmp(path, ROOT, n) != 0 || (path[n] != 0 && path[n] != '/'))
		return NULL;
	return path + n;
}

static void metrics_row(const char *name, const uint64_t *per_cpu)
{
	uint64_t sum = 0;
	for (uint32_t c = 0; c < ncpus; c++)
		sum += per_cpu[c];
	kprintf("%-20s %12llu", name, (unsigned long long)sum);
	for (uint32_t c = 0; c < ncpus; c++)
		kprintf(" %11llu", (unsigned long long)per_cpu[c]);
	kprintf("\n");
}

int shell_cmd_metrics(int argc, char **argv)
{
	static const char *const exec_names[] = {"exec.polled",		"exec.completed",
						 "exec.spawned",	"exec.woken_external",
						 "exec.woken_internal", "exec.stolen"};
	uint64_t v[ARRAY_SIZE(exec_names)][MAX_CPUS], row[MAX_CPUS];
	(void)argv;
	if (argc != 1) {
		kprintf("usage: metrics\n");
		return 2;
	}
	kprintf("%-20s %12s", "COUNTER", "TOTAL");
	for (uint32_t c = 0; c < ncpus; c++)
		kprintf("        CPU%u", c);
	kprintf("\n");
	for (const struct trace_metric *m = __start_trace_metrics; m < __stop_trace_metrics; m++) {
		for (uint32_t c = 0; c < ncpus; c++)
			row[c] = trace_metric_get(m, c);
		metrics_row(m->name, row);
	}
	/* the executor's own statistics (lib/kasync counts them itself) */
	for (uint32_t c = 0; c < ncpus; c++) {
		struct kasync_counters k;
		kasync_sched_counters(&kexec.scheds[c], &k);
		v[0][c] = k.polled;
		v[1][c] = k.completed;
		v[2][c] = k.spawned;
		v[3][c] = k.woken_external;
		v[4][c] = k.woken_internal;
		v[5][c] = k.stolen;
	}
	for (size_t i = 0; i < ARRAY_SIZE(exec_names); i++)
		metrics_row(exec_names[i], v[i]);
	return 0;
}

/* ---- ls ---- */

struct ls_out {
	size_t col;
};

static void ls_entry(void *arg, const char *name, bool is_dir)
{
	struct ls_out *o = arg;
	size_t len = strlen(name) + (is_dir ? 1 : 0);
	if (o->col && o->col + 2 + len > LS_COLUMNS) {
		kprintf("\n");
		o->col = 0;
	}
	kprintf("%s%s%s", o->col ? "  " : "", name, is_dir ? "/" : "");
	o->col += (o->col ? 2 : 0) + len;
}

static int ls_one(const char *path)
{
	static const struct {
		const char *dir, *child;
	} above[] = {{"/", "sys"}, {"/sys", "kernel"}, {"/sys/kernel", "tracing"}};
	struct ls_out o = {0};
	char dir[128];
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof(dir)) {
		kprintf("ls: %s: %s\n", path, shell_strerror(ERR_NOENT));
		return 1;
	}
	memcpy(dir, path, n);
	dir[n] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(above); i++)
		if (strcmp(dir, above[i].dir) == 0) {
			kprintf("%s/\n", above[i].child);
			return 0;
		}
	const char *rel = tracefs_path(dir);
	int err = rel ? ktrace_fs_list(rel, ls_entry, &o) : ERR_NOENT;
	if (err) {
		kprintf("ls: cannot access '%s': %s\n", path, shell_strerror(err));
		return 2;
	}
	if (o.col)
		kprintf("\n");
	return 0;
}

int shell_cmd_ls(int argc, char **argv)
{
	int status = 0;
	if (argc == 1)
		return ls_one(ROOT);
	for (int i = 1; i < argc; i++) {
		if (argc > 2)
			kprintf("%s%s:\n", i > 1 ? "\n" : "", argv[i]);
		int s = ls_one(argv[i]);
		status = s ? s : status;
	}
	return status;
}

/* ---- cat ---- */

static void sink_console(void *arg, const char *text, size_t len)
{
	(void)arg;
	for (size_t i = 0; i < len; i += 256) /* kvprintf's buffer is 512 */
		kprintf("%.*s", (int)MIN(len - i, (size_t)256), text + i);
}

static int cat_pipe(void)
{
	struct kasync_join jh;
	int err = ktrace_reader_spawn(sink_console, NULL, &jh);
	if (err == 0 && (err = shell_job_start(&jh, ktrace_reader_stop)) != 0) {
		ktrace_reader_stop(&jh);
		kasync_join_drop(&jh);
	}
	return err;
}

static int cat_file(const char *rel)
{
	struct trace_fs_file *f;
	char *buf;
	int err = ktrace_fs_open(rel, 0, &f);
	if (err)
		return err;
	buf = malloc(CHUNK);
	err = buf ? 0 : ERR_NOMEM;
	while (!err) {
		size_t n = 0;
		err = ktrace_fs_read(f, buf, CHUNK, &n);
		if (err || n == 0)
			break;
		sink_console(NULL, buf, n);
	}
	free(buf);
	ktrace_fs_close(f);
	return err;
}

int shell_cmd_cat(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		kprintf("usage: cat FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *rel = tracefs_path(argv[i]);
		int err;
		if (!rel)
			err = ERR_NOENT;
		else if (strcmp(rel, "/trace_pipe") == 0 && argc == 2)
			err = cat_pipe();
		else
			err = cat_file(rel);
		if (err) {
			kprintf("cat: %s: %s\n", argv[i], shell_strerror(err));
			status = 1;
		}
	}
	return status;
}

/* ---- echo ---- */

int shell_cmd_echo(int argc, char **argv)
{
	char text[ECHO_MAX];
	size_t len = 0;
	int first = 1, words_end = argc;
	bool newline = true, trunc = true;
	const char *target = NULL;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		first = 2;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], ">") == 0 || strcmp(argv[i], ">>") == 0) {
			if (i + 2 != argc) {
				kprintf("echo: usage: echo [-n] WORDS... [> FILE | >> FILE]\n");
				return 2;
			}
			trunc = argv[i][1] == 0;
			target = argv[i + 1];
			words_end = i;
		}
	for (int i = first; i < words_end; i++) {
		size_t w = strlen(argv[i]);
		if (len + w + 2 > sizeof(text)) {
			kprintf("echo: line too long\n");
			return 2;
		}
		if (i > first)
			text[len++] = ' ';
		memcpy(text + len, argv[i], w);
		len += w;
	}
	if (newline)
		text[len++] = '\n';
	if (!target) {
		kprintf("%.*s", (int)len, text);
		return 0;
	}
	const char *rel = tracefs_path(target);
	struct trace_fs_file *f;
	int err = rel ? ktrace_fs_open(rel, trunc ? TRACE_FS_TRUNC : 0, &f) : ERR_NOENT;
	if (err) {
		kprintf("echo: %s: %s\n", target, shell_strerror(err));
		return 1;
	}
	err = ktrace_fs_write(f, text, len);
	ktrace_fs_close(f);
	if (err) {
		kprintf("echo: write error: %s\n", shell_strerror(err));
		return 1;
	}
	return 0;
}
