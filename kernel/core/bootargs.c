/* bootargs.c - the kernel command line (see bootargs.h). */
#include "core/bootargs.h"

#include <string.h>

#include "base/fmt.h"

#define BOOTARGS_STR_(x) #x
#define BOOTARGS_STR(x)	 BOOTARGS_STR_(x)

static const char jobs_bad[] = "bad jobs count (want 1 to " BOOTARGS_STR(BOOTARGS_JOBS_MAX) ")";

struct directive_report {
	void (*report)(const char *msg, const char *arg, unsigned len);
	int count;
};

static void report_directive(void *arg, const char *text, size_t len, const char *why)
{
	struct directive_report *r = arg;
	char msg[80];
	fmt_snprintf(msg, sizeof(msg), "bad log directive (%s), skipped", why);
	r->report(msg, text, (unsigned)len);
	r->count++;
}

static bool key_is(const char *arg, unsigned klen, const char *key)
{
	return strlen(key) == klen && strncmp(arg, key, klen) == 0;
}

/* A decimal number in [lo, hi]: true and *out, or false. */
static bool parse_count(const char *val, unsigned vlen, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = 0;
	if (vlen == 0)
		return false;
	for (unsigned i = 0; i < vlen; i++) {
		if (val[i] < '0' || val[i] > '9' || v > hi)
			return false;
		v = v * 10 + (uint64_t)(val[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

int bootargs_parse(const char *cmdline, struct bootargs *out,
		   void (*report)(const char *msg, const char *arg, unsigned len))
{
	struct bootargs b = {
		.backtrace = BACKTRACE_SHORT, .jobs = BOOTARGS_JOBS_DEFAULT, .jit = true};
	int problems = 0;
	trace_log_filter_init(&b.log, TRACE_LEVEL_INFO);
	const char *p = cmdline ? cmdline : "";
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *arg = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		unsigned len = (unsigned)(p - arg);
		if (key_is(arg, len, "nokaslr"))
			continue; /* the loader's: the kernel at its link address */
		const char *eq = memchr(arg, '=', len);
		if (!eq) {
			report("unknown boot argument (ignored)", arg, len);
			problems++;
			continue;
		}
		unsigned klen = (unsigned)(eq - arg), vlen = len - klen - 1;
		const char *val = eq + 1;
		if (key_is(arg, klen, "log")) {
			char spec[256];
			struct directive_report r = {report, 0};
			if (vlen >= sizeof(spec)) {
				report("log= value too long (ignored)", arg, len);
				problems++;
				continue;
			}
			memcpy(spec, val, vlen);
			spec[vlen] = 0;
			trace_log_filter_parse(&b.log, spec, TRACE_LEVEL_INFO, report_directive,
					       &r);
			problems += r.count;
		} else if (key_is(arg, klen, "backtrace")) {
			if (vlen == 5 && strncmp(val, "short", 5) == 0) {
				b.backtrace = BACKTRACE_SHORT;
			} else if (vlen == 4 && strncmp(val, "full", 4) == 0) {
				b.backtrace = BACKTRACE_FULL;
			} else {
				report("bad backtrace mode (want short or full)", arg, len);
				problems++;
			}
		} else if (key_is(arg, klen, "jobs")) {
			if (!parse_count(val, vlen, 1, BOOTARGS_JOBS_MAX, &b.jobs)) {
				report(jobs_bad, arg, len);
				problems++;
			}
		} else if (key_is(arg, klen, "jit")) {
			if (vlen == 1 && (val[0] == '0' || val[0] == '1')) {
				b.jit = val[0] == '1';
			} else {
				report("bad jit switch (want 0 or 1)", arg, len);
				problems++;
			}
		} else if (key_is(arg, klen, "trace_event")) {
			b.trace_event = val; /* switched on by ktrace_enable_events */
			b.trace_event_len = vlen;
		} else if (key_is(arg, klen, "test") || key_is(arg, klen, "crash") ||
			   key_is(arg, klen, "bench") || key_is(arg, klen, "spec") ||
			   key_is(arg, klen, "spec_mem") || key_is(arg, klen, "spec_suite")) {
			/* the test kernel's own: read by kernel/tests/ktest.c */
		} else {
			report("unknown boot argument (ignored)", arg, len);
			problems++;
		}
	}
	*out = b;
	return problems;
}
