/*
 * shell_trace.c - the shell's `metrics` command: every trace metric and the
 * executor's counters, summed and per CPU. (The tracefs files are VFS files
 * now: shell_fs.c, kernel/fs/tracefs.c.)
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
