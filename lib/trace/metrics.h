/*
 * metrics.h - per-CPU event counters declared in one line:
 *
 *     TRACE_METRIC(exec_ticks, "executor ticks");
 *     trace_metric_inc(&exec_ticks, cpu);
 *
 * Counters live in the linker section `trace_metrics`
 * (__start_trace_metrics/__stop_trace_metrics). Each CPU has its own
 * cache line per counter; only that CPU increments it, with a plain
 * load + add + store (relaxed atomics compile to ordinary instructions, no
 * atomic read-modify-write), and readers sum all CPUs. An increment from an
 * interrupt that lands between the load and the store of an interrupted
 * increment on the same CPU may be lost; counters are statistics.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"
#include "trace/platform.h"

struct trace_metric_cpu {
	_Atomic uint64_t v;
	char pad[64 - sizeof(uint64_t)];
};

struct trace_metric {
	const char *name;
	const char *desc;
	struct trace_metric_cpu *cpu; /* TRACE_MAX_CPUS entries */
};

#define TRACE_METRICS_SECTION "trace_metrics"
extern const struct trace_metric __start_trace_metrics[] __attribute__((weak));
extern const struct trace_metric __stop_trace_metrics[] __attribute__((weak));

#define TRACE_METRIC(var, description)                                                \
	static struct trace_metric_cpu trace_metric_cpu_##var[TRACE_MAX_CPUS]         \
		__attribute__((aligned(64)));                                         \
	__attribute__((used, section(TRACE_METRICS_SECTION), aligned(sizeof(void *)), \
		       no_sanitize("address")))                                       \
	const struct trace_metric var = {#var, description, trace_metric_cpu_##var}

/* trace_metric_add - adds n on `cpu`; only `cpu` itself may call this. */
static inline void trace_metric_add(const struct trace_metric *m, unsigned cpu, uint64_t n)
{
	_Atomic uint64_t *v = &m->cpu[cpu].v;
	/* relaxed: single writer per CPU; readers only want a recent value */
	atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static inline void trace_metric_inc(const struct trace_metric *m, unsigned cpu)
{
	trace_metric_add(m, cpu, 1);
}

/* trace_metric_get - the count of one CPU. Any context. */
static inline uint64_t trace_metric_get(const struct trace_metric *m, unsigned cpu)
{
	/* relaxed: a statistic */
	return atomic_load_explicit(&m->cpu[cpu].v, memory_order_relaxed);
}

/* trace_metric_sum - the total over CPUs [0, ncpus). Any context. */
uint64_t trace_metric_sum(const struct trace_metric *m, unsigned ncpus);

/* trace_metric_find - the counter named `name` in [begin, end), or NULL. */
const struct trace_metric *trace_metric_find(const struct trace_metric *begin,
					     const struct trace_metric *end, const char *name);

/*
 * trace_metrics_format - "name total\n" for each counter in [begin, end)
 * (the /proc/metrics text); like snprintf.
 */
int trace_metrics_format(const struct trace_metric *begin, const struct trace_metric *end,
			 unsigned ncpus, char *buf, size_t size);
