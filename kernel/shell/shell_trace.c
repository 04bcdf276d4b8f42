/*
 * shell_trace.c - the shell's tracing commands:
 *
 *   metrics                       every trace metric and the executor's
 *                                 counters, summed and per CPU
 *   trace list                    the events, "[on]" marking enabled ones
 *   trace enable|disable EVENT... EVENT: group:name, group, or all
 *   trace show | clear | pipe     the buffer: print, empty, stream (a job)
 *   trace record [-o FILE] -e EVENT... [--] CMD [ARG...] [| CMD...]
 *                                 runs CMD (the whole pipeline it starts)
 *                                 with EVENTs on; the buffer then goes to
 *                                 FILE (trace.dat) for trace-cmd
 *   trace report [-i FILE]        FILE as trace-cmd report prints it
 *                                 (shell_trace_report.c)
 *
 * `trace` is a thin layer over the tracefs files under KVFS_TRACEFS (VFS
 * files: kernel/trace/ktracefs.c), so what it does is exactly what the same
 * `cat` and `echo` on those files would do:
 *
 *   trace enable g:n   ->  echo 1 > events/g/n/enable
 *   trace enable g     ->  echo 1 > events/g/enable
 *   trace enable all   ->  echo 1 > events/enable
 *   trace list         ->  available_events, marked from set_event
 *   trace show / pipe  ->  cat trace / cat trace_pipe
 *   trace clear        ->  echo > trace (opened with truncation)
 *
 * `trace record` is trace-cmd record's: every other event off (set_event
 * emptied), the buffer cleared, tracing_on set, the EVENTs on; CMD runs as
 * the shell runs a command (a program's job, or a builtin). At the head of
 * a pipeline (the usual case) the line takes `trace record OPTIONS` off
 * and runs the whole pipeline as `time` does (shell_line.c:
 * shell_trace_record_start/end); run by itself (`timeout 9 trace record
 * ...`) it runs CMD alone. When that has ended (or Ctrl-C stopped it:
 * shell_jobs_on_fg_end), every event goes off,
 * the rings go to FILE in trace-cmd's trace.dat format (lib/trace/tracedat.h)
 * and set_event and tracing_on get their old contents back.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "core/cpu.h"
#include "fs/kvfs.h"
#include "trace/ktrace.h"
#include "sched/sched.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "trace/metrics.h"
#include "trace/tracedat.h"
#include "vfs/vfs.h"

#define TRACE_TEXT_MAX (256u << 10) /* a listing file read whole: bytes at most */
#define TRACE_PATH_MAX 160

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

/* ---- trace ---- */

static void trace_usage(void)
{
	/* line by line: kprintf formats 512 bytes at most */
	static const char *const lines[] = {
		"usage: trace list                     the events ([on]: enabled)",
		"       trace enable EVENT...          EVENT: group:name, group, or all",
		"       trace disable EVENT...",
		"       trace show                     print the buffer",
		"       trace clear                    empty the buffer",
		"       trace pipe                     stream new records until Ctrl-C",
		"       trace record [-o FILE] -e EVENT... [--] CMD [ARG...] [| CMD...]",
		"       trace record [-o FILE] -e EVENT... -c 'LIST'",
		"                                      run CMD (its whole pipeline), or the",
		"                                      commands of LIST, with EVENTs",
		"                                      on, then write the buffer to FILE",
		"                                      (default trace.dat) for trace-cmd report",
		"                                      (EVENT: group:name, group, group/*, all)",
		"       trace report [-i FILE]         print FILE (default trace.dat) as",
		"                                      trace-cmd report does",
		"       trace SUBCOMMAND --help        one subcommand's usage",
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		kprintf("%s\n", lines[i]);
}

/* Reads the whole tracefs file `name` into a NUL-ended heap string. */
static int trace_read_all(const char *name, char **out)
{
	char path[TRACE_PATH_MAX];
	struct vfs_file *f;
	size_t len = 0, cap = 0;
	char *buf = NULL;

	fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/%s", name);
	int err = vfs_open(kvfs, NULL, path, VFS_O_READ, &f);
	if (err)
		return err;
	for (;;) {
		if (cap - len < 2) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb = ncap <= TRACE_TEXT_MAX ? realloc(buf, ncap) : NULL;
			if (!nb) {
				err = ncap > TRACE_TEXT_MAX ? ERR_RANGE : ERR_NOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t n = 0;
		err = vfs_read(f, buf + len, cap - len - 1, &n);
		if (err || n == 0)
			break;
		len += n;
	}
	vfs_close(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

/* Whether `text` (lines) has the line [line, line + len). */
static bool text_has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l == len && memcmp(p, line, len) == 0)
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

static int trace_list(void)
{
	char *avail = NULL, *on = NULL;
	int err = trace_read_all("available_events", &avail);
	if (!err)
		err = trace_read_all("set_event", &on);
	if (err) {
		kprintf("trace: %s\n", err_text(err));
		free(avail);
		return 1;
	}
	for (const char *p = avail; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l)
			kprintf("%.*s%s\n", (int)l, p, text_has_line(on, p, l) ? " [on]" : "");
		if (!nl)
			break;
		p = nl + 1;
	}
	free(avail);
	free(on);
	return 0;
}

/* Switches one EVENT on or off: 0, or 1 with a message printed. */
static int trace_switch_one(const char *ev, bool on)
{
	char dir[TRACE_PATH_MAX - 32], path[TRACE_PATH_MAX];
	struct vfs_file *f;
	struct vfs_stat st;
	size_t n = 0;

	if (!ktrace_event_dir(ev, dir, sizeof(dir))) {
		kprintf("trace: no such event: %s\n", ev);
		return 1;
	}
	fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/events/%senable", dir);
	int err = vfs_open(kvfs, NULL, path, VFS_O_WRITE, &f);
	if (err == ERR_NOENT) {
		/* the event or group is there, but has no switch (ftrace:print) */
		fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/events/%s", dir);
		if (vfs_stat(kvfs, NULL, path, &st) == 0)
			kprintf("trace: %s cannot be switched on or off\n", ev);
		else
			kprintf("trace: no such event: %s\n", ev);
		return 1;
	}
	if (!err) {
		err = vfs_write(f, on ? "1\n" : "0\n", 2, &n);
		vfs_close(f);
	}
	if (!err && n != 2)
		err = ERR_IO;
	if (err) {
		kprintf("trace: %s: %s\n", ev, err_text(err));
		return 1;
	}
	return 0;
}

static int trace_switch(int argc, char **argv, bool on)
{
	int status = 0;
	if (argc < 3) {
		kprintf("usage: trace %s EVENT...  (group:name, group, or all)\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (trace_switch_one(argv[i], on))
			status = 1;
	return status;
}

static int trace_clear(void)
{
	struct vfs_file *f;
	int err = vfs_open(kvfs, NULL, KVFS_TRACEFS "/trace", VFS_O_WRITE | VFS_O_TRUNC, &f);
	if (err) {
		kprintf("trace: clear: %s\n", err_text(err));
		return 1;
	}
	vfs_close(f);
	return 0;
}

/* `cat FILE` on a tracefs file (trace_pipe alone makes cat start a job). */
static int trace_cat(const char *name)
{
	char cmd[] = "cat", path[TRACE_PATH_MAX];
	char *argv[] = {cmd, path, NULL};
	fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/%s", name);
	return shell_cmd_cat(2, argv);
}

/* ---- trace record ---- */

#define RECORD_DEFAULT_FILE "trace.dat"
#define RECORD_BUSY_TRIES   1000 /* the tracefs lock is only tried; its holder is quick */

/* One recording at a time; the shell task's. */
static struct record {
	bool active;
	struct vfs_file *out;
	char path[VFS_PATH_MAX];
	char *saved_events; /* set_event before */
	char *saved_on;	    /* tracing_on before */
} rec;

/* EVENT in `trace enable`'s words: trace-cmd's spellings "group/" then
 * "*" (or ":*") and "group/name" become group and group:name. */
static void record_event_name(const char *ev, char *out, size_t cap)
{
	size_t n = strlen(ev);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, ev, n);
	out[n] = 0;
	if (n >= 2 && strcmp(out + n - 2, "/*") == 0)
		out[n - 2] = 0;
	if (n >= 2 && strcmp(out + n - 2, ":*") == 0)
		out[n - 2] = 0;
	char *slash = strchr(out, '/');
	if (slash)
		*slash = ':';
}

/* Whether EVENT names an event or a group that has a switch (said if not). */
static bool record_event_ok(const char *ev)
{
	char name[TRACE_PATH_MAX - 32], dir[TRACE_PATH_MAX - 32], path[TRACE_PATH_MAX];
	struct vfs_stat st;

	record_event_name(ev, name, sizeof(name));
	if (!ktrace_event_dir(name, dir, sizeof(dir))) {
		kprintf("trace record: no such event: %s\n", ev);
		return false;
	}
	fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/events/%senable", dir);
	if (vfs_stat(kvfs, NULL, path, &st) != 0) {
		kprintf("trace record: no such event (or no switch): %s\n", ev);
		return false;
	}
	return true;
}

/* Writes `text` to the tracefs file `name` (truncating it first if asked). */
static int trace_put(const char *name, const char *text, bool trunc)
{
	char path[TRACE_PATH_MAX];
	struct vfs_file *f;
	size_t n = 0, len = strlen(text);

	fmt_snprintf(path, sizeof(path), KVFS_TRACEFS "/%s", name);
	int err = vfs_open(kvfs, NULL, path, VFS_O_WRITE | (trunc ? VFS_O_TRUNC : 0), &f);
	if (err)
		return err;
	if (len)
		err = vfs_write(f, text, len, &n);
	vfs_close(f);
	return !err && n != len ? ERR_IO : err;
}

static int record_sink_write(void *arg, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		size_t n = 0;
		int err = vfs_write(arg, p, len, &n);
		if (err) /* a tracefs file is busy: ours, the snapshot holds its lock */
			return err == ERR_BUSY ? ERR_IO : err;
		if (n == 0)
			return ERR_NOSPC;
		p += n;
		len -= n;
	}
	return 0;
}

/* Every event off, the file written, the old switches back. */
static int record_finish(void)
{
	struct tracedat_sink sink = {.arg = rec.out, .write = record_sink_write};
	struct tracedat_stats st;
	int status = 0, err = trace_put("set_event", "", true);

	if (!err) {
		err = ERR_BUSY;
		for (int i = 0; i < RECORD_BUSY_TRIES && err == ERR_BUSY; i++)
			err = ktrace_write_dat(&sink, &st);
	}
	vfs_close(rec.out);
	if (err) {
		kprintf("trace record: %s: %s\n", rec.path, err_text(err));
		status = 1;
	} else {
		kprintf("trace record: %llu events, %u CPUs, %llu bytes written to %s\n",
			(unsigned long long)st.events, ncpus, (unsigned long long)st.bytes,
			rec.path);
		if (st.lost)
			kprintf("trace record: %llu records were overwritten before the end "
				"(a bigger buffer_size_kb keeps them)\n",
				(unsigned long long)st.lost);
	}
	if (trace_put("set_event", rec.saved_events, true) ||
	    trace_put("tracing_on", rec.saved_on, false))
		kprintf("trace record: could not restore set_event and tracing_on\n");
	free(rec.saved_events);
	free(rec.saved_on);
	memset(&rec, 0, sizeof(rec));
	return status;
}

static void record_finish_job(void *arg)
{
	(void)arg;
	record_finish();
}

static int record_usage(int status)
{
	kprintf("usage: trace record [-o FILE] -e EVENT [-e EVENT...] [--] CMD [ARG...] [| "
		"CMD...]\n"
		"       trace record [-o FILE] -e EVENT [-e EVENT...] -c 'LIST'\n"
		"  runs CMD (the whole pipeline it starts, as `time` does), or the command\n"
		"  LIST (pipelines joined by ; && ||), with the EVENTs on, then writes the\n"
		"  buffer to FILE (default trace.dat) for trace report or trace-cmd report.\n"
		"  EVENT: group:name, group, group/name, group/*, group:*, all. -- ends the\n"
		"  options. Not in the background (&).\n");
	return status;
}

/* The options of `trace record` in argv[2..]: SHELL_TRACE_RECORDING with
 * *cmd the index of CMD's first word (argc with -c) and *list the -c LIST
 * (or NULL), or the status to end with (said unless quiet). */
static int record_parse(int argc, char **argv, bool quiet, const char **out, int *cmd,
			const char **list)
{
	int i = 2, nev = 0;

	*out = RECORD_DEFAULT_FILE;
	*list = NULL;
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return record_usage(0);
		if (strcmp(argv[i], "-o") && strcmp(argv[i], "-e") && strcmp(argv[i], "-c")) {
			kprintf("trace record: unknown option %s\n", argv[i]);
			return record_usage(2);
		}
		if (i + 1 >= argc) {
			kprintf("trace record: %s needs a value\n", argv[i]);
			return record_usage(2);
		}
		if (argv[i][1] == 'o')
			*out = argv[i + 1];
		else if (argv[i][1] == 'c')
			*list = argv[i + 1];
		else if (!quiet && !record_event_ok(argv[i + 1]))
			return 1;
		else
			nev++;
	}
	if (nev == 0 || (i >= argc && !*list) || (i < argc && *list)) {
		kprintf("trace record: %s\n",
			nev ? *list ? "-c LIST or CMD, not both" : "no command to run"
			    : "no event (-e EVENT)");
		return record_usage(2);
	}
	*cmd = i;
	return SHELL_TRACE_RECORDING;
}
/* Starts recording: the switches saved, FILE created, only the EVENTs of
 * argv[2..cmd) on, on an empty buffer. 0, or 1 (said; nothing changed). */
static int record_begin(char **argv, int cmd, const char *out)
{
	if (rec.active) {
		kprintf("trace record: already recording\n");
		return 1;
	}
	if (shell_path_abs(out, rec.path)) {
		kprintf("trace record: %s: path too long\n", out);
		return 1;
	}
	const char *what = "set_event";
	int err = trace_read_all(what, &rec.saved_events);
	if (!err)
		err = trace_read_all(what = "tracing_on", &rec.saved_on);
	if (!err)
		err = vfs_open(kvfs, NULL, what = rec.path, VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC,
			       &rec.out);
	if (err) {
		kprintf("trace record: %s: %s\n", what, err_text(err));
		free(rec.saved_events);
		free(rec.saved_on);
		memset(&rec, 0, sizeof(rec));
		return 1;
	}
	rec.active = true;

	/* then switch: only the EVENTs, on an empty buffer */
	err = trace_put("set_event", "", true);
	if (!err)
		err = trace_put("trace", "", true);
	if (!err)
		err = trace_put("tracing_on", "1", false);
	for (int k = 2; !err && k + 1 < cmd; k += 2) {
		char name[TRACE_PATH_MAX - 32];
		if (strcmp(argv[k], "-e") != 0)
			continue; /* -o, -c, or -- (then k + 1 == cmd) */
		record_event_name(argv[k + 1], name, sizeof(name));
		if (trace_switch_one(name, true))
			err = ERR_IO; /* said */
	}
	if (err) {
		kprintf("trace record: tracefs: %s\n", err_text(err));
		record_finish();
		return 1;
	}
	return 0;
}

/* `trace record` run as a command by itself (`timeout 9 trace record ...`):
 * CMD alone; at the head of a pipeline the line runs it (below). */
static int trace_record(int argc, char **argv)
{
	const char *out, *list;
	int i, status = record_parse(argc, argv, false, &out, &i, &list);

	if (status != SHELL_TRACE_RECORDING)
		return status;
	if (list) {
		kprintf("trace record: -c LIST only at the start of a pipeline\n");
		return 2;
	}
	if (record_begin(argv, i, out))
		return 1;
	status = shell_run_argv(argc - i, argv + i, false);
	if (status != SHELL_STATUS_WAIT) /* a builtin that is done, or CMD did not start */
		return record_finish() ? 1 : status;
	if (shell_jobs_on_fg_end(record_finish_job, NULL)) {
		kprintf("trace record: cannot wait for %s\n", argv[i]);
		record_finish();
	}
	return status;
}

int shell_trace_record_check(int argc, char **argv, bool background, int *taken, const char **list)
{
	const char *out;
	int status = record_parse(argc, argv, false, &out, taken, list);

	if (status == SHELL_TRACE_RECORDING && background) {
		kprintf("trace record: not in the background (&): the recording ends with "
			"what it runs\n");
		return 2;
	}
	return status;
}

int shell_trace_record_start(int argc, char **argv)
{
	const char *out, *list;
	int cmd;

	if (record_parse(argc, argv, true, &out, &cmd, &list) != SHELL_TRACE_RECORDING)
		return 1; /* not reached: checked before */
	return record_begin(argv, cmd, out);
}

int shell_trace_record_end(void)
{
	return rec.active ? record_finish() : 0;
}

/* The subcommands and their usage lines. */
static const struct trace_sub {
	const char *name, *usage;
} trace_subs[] = {
	{"list", "trace list                     the events ([on]: enabled)"},
	{"enable", "trace enable EVENT...          EVENT: group:name, group, or all"},
	{"disable", "trace disable EVENT..."},
	{"show", "trace show                     print the buffer"},
	{"clear", "trace clear                    empty the buffer"},
	{"pipe", "trace pipe                     stream new records until Ctrl-C"},
	{"record", "trace record [-o FILE] -e EVENT... [--] CMD [ARG...] [| CMD...] | -c LIST"},
	{"report", "trace report [-i FILE]         print a trace.dat as trace-cmd report"},
};

static bool is_help(const char *w)
{
	return strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0 || strcmp(w, "help") == 0;
}

int shell_cmd_trace(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "help";
	const struct trace_sub *ts = NULL;

	if (is_help(sub) && argc <= 2) {
		trace_usage();
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(trace_subs); k++)
		if (strcmp(sub, trace_subs[k].name) == 0)
			ts = &trace_subs[k];
	if (!ts) {
		kprintf("trace: unknown subcommand '%s'\n", sub);
		trace_usage();
		return 2;
	}
	if (strcmp(sub, "record") == 0)
		return trace_record(argc, argv);
	if (strcmp(sub, "report") == 0)
		return shell_trace_report(argc, argv);
	if (argc > 2 && is_help(argv[2])) {
		kprintf("usage: %s\n", ts->usage);
		return 0;
	}
	if (strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0)
		return trace_switch(argc, argv, sub[0] == 'e');
	if (argc > 2) {
		kprintf("trace %s: takes no arguments (%s)\nusage: %s\n", sub, argv[2], ts->usage);
		return 2;
	}
	if (strcmp(sub, "list") == 0)
		return trace_list();
	if (strcmp(sub, "show") == 0)
		return trace_cat("trace");
	if (strcmp(sub, "clear") == 0)
		return trace_clear();
	return trace_cat("trace_pipe");
}
