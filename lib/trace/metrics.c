/* metrics.c - sums and listing of per-CPU counters (see metrics.h). */
#include "trace/metrics.h"

#include <string.h>

#include "base/fmt.h"

uint64_t trace_metric_sum(const struct trace_metric *m, unsigned ncpus)
{
	uint64_t s = 0;

	for (unsigned c = 0; c < ncpus && c < TRACE_MAX_CPUS; c++)
		/* relaxed: a statistic */
		s += atomic_load_explicit(&m->cpu[c].v, memory_order_relaxed);
	return s;
}

const struct trace_metric *trace_metric_find(const struct trace_metric *begin,
					     const struct trace_metric *end, const char *name)
{
	for (const struct trace_metric *m = begin; m < end; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

int trace_metrics_format(const struct trace_metric *begin, const struct trace_metric *end,
			 unsigned ncpus, char *buf, size_t size)
{
	size_t len = 0;

	for (const struct trace_metric *m = begin; m < end; m++) {
		size_t room = len < size ? size - len : 0;
		int n = fmt_snprintf(room ? buf + len : NULL, room, "%s %llu\n", m->name,
				     (unsigned long long)trace_metric_sum(m, ncpus));
		len += (size_t)(n > 0 ? n : 0);
	}
	if (size && len == 0)
		buf[0] = '\0';
	return (int)len;
}
