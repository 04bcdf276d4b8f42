/*
 * shell_trace_report.c - `trace report [-i FILE]`: a trace.dat file (the
 * one `trace record` wrote, default trace.dat in the working directory)
 * printed as `trace-cmd report` prints it, so it can be read without
 * leaving the guest:
 *
 *   cpus=2
 *              hello-3     [001]    12.345678: instance_start:      prog=hello ...
 *
 * The file is read whole (lib/trace/tracedat_read.h checks every byte of
 * it: a foreign or broken file gets a sentence and the byte it is about),
 * then printed a slice of lines per step. A job, like cat: the shell and
 * the programs keep running, Ctrl-C stops it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "trace/tracedat_read.h"
#include "vfs/vfs.h"

#define REPORT_FILE_MAX	  (64u << 20) /* bytes of a file read at most */
#define REPORT_READ_CHUNK (64u << 10) /* bytes read per step */
#define REPORT_STEP_LINES 64	      /* lines printed per step */
#define REPORT_LINE_MAX	  1024

struct report_job {
	struct vfs_file *in;
	char path[VFS_PATH_MAX];
	uint8_t *data;
	size_t size, have; /* the file's size; bytes read */
	bool opened;	   /* the header is parsed: lines follow */
	uint64_t lines;
	struct tracedat_file f;
	struct tracedat_iter it;
	char line[REPORT_LINE_MAX];
};

static int report_error(struct report_job *j, int err)
{
	if (j->f.error)
		kprintf("trace report: %s: %s (byte %zu)\n", j->path, j->f.error, j->f.error_at);
	else
		kprintf("trace report: %s: %s\n", j->path, err_text(err));
	return 1;
}

static int report_step(void *arg)
{
	struct report_job *j = arg;
	struct tracedat_revent ev;

	if (j->have < j->size) {
		size_t n = 0, want = MIN(j->size - j->have, (size_t)REPORT_READ_CHUNK);
		int err = vfs_read(j->in, j->data + j->have, want, &n);
		if (!err && n == 0)
			err = ERR_TRUNC; /* shorter than its size said */
		if (err)
			return report_error(j, err);
		j->have += n;
		return SHELL_WORK_MORE;
	}
	if (!j->opened) {
		int err = tracedat_read_open(&j->f, j->data, j->size);
		if (err)
			return report_error(j, err);
		j->opened = true;
		tracedat_iter_start(&j->it, &j->f);
		kprintf("cpus=%u\n", j->f.ncpus);
	}
	for (int i = 0; i < REPORT_STEP_LINES; i++) {
		int r = tracedat_iter_next(&j->it, &ev);
		if (r < 0) {
			report_error(j, r);
			kprintf("trace report: %llu events before the error\n",
				(unsigned long long)j->lines);
			return 1;
		}
		if (r == 0)
			return 0;
		int n = tracedat_event_line(&j->f, &ev, j->line, sizeof(j->line));
		if (n >= (int)sizeof(j->line)) { /* cut: still one line */
			n = (int)sizeof(j->line) - 1;
			j->line[n - 1] = '\n';
		}
		console_write(j->line, (size_t)n);
		j->lines++;
	}
	return SHELL_WORK_MORE;
}

static void report_done(void *arg)
{
	struct report_job *j = arg;
	tracedat_read_close(&j->f);
	if (j->in)
		vfs_close(j->in);
	free(j->data);
	free(j);
}

static int report_usage(int status)
{
	kprintf("usage: trace report [-i FILE]   print FILE (default trace.dat, as written by\n"
		"                                trace record) as trace-cmd report does: one\n"
		"                                event a line, COMM-PID [CPU] TIME: EVENT: "
		"FIELDS\n");
	return status;
}

int shell_trace_report(int argc, char **argv)
{
	const char *file = "trace.dat";
	struct vfs_stat st;
	struct report_job *j;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return report_usage(0);
		if (strcmp(argv[i], "-i") != 0 || i + 1 >= argc) {
			kprintf("trace report: %s: %s\n", argv[i],
				strcmp(argv[i], "-i") ? "unknown option" : "needs a FILE");
			return report_usage(2);
		}
		file = argv[++i];
	}
	j = calloc(1, sizeof(*j));
	int err = j ? shell_path_abs(file, j->path) : ERR_NOMEM;
	if (!err)
		err = vfs_stat(kvfs, NULL, j->path, &st);
	if (!err && st.type == VFS_TYPE_DIR)
		err = ERR_ISDIR;
	if (!err && st.size > REPORT_FILE_MAX)
		err = ERR_RANGE;
	if (!err && !(j->data = malloc(st.size ? st.size : 1)))
		err = ERR_NOMEM;
	if (!err)
		err = vfs_open(kvfs, NULL, j->path, VFS_O_READ, &j->in);
	if (err) {
		kprintf("trace report: %s: %s%s\n", file, err_text(err),
			err == ERR_RANGE ? " (a file of 64 MiB at most)" : "");
		if (j)
			free(j->data);
		free(j);
		return 1;
	}
	j->size = (size_t)st.size;
	err = shell_work_start("trace report", report_step, report_done, j); /* done frees j */
	if (err) {
		kprintf("trace report: %s\n", err_text(err));
		return 1;
	}
	return 0;
}
