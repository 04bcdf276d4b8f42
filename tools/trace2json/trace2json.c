/*
 * trace2json - turns the text of tracefs `trace` (or `trace_pipe`), as the
 * shell's `trace show` prints it on the serial console, into the Chrome /
 * Perfetto JSON trace format (ui.perfetto.dev, chrome://tracing).
 *
 *   trace2json [FILE]    (stdin if no FILE; JSON on stdout, reports on stderr)
 *
 * One track per CPU, named "CPU n" (pid 0, tid n). sched_switch events
 * become slices named after the task switched in ("comm-pid"), from that
 * switch to the next switch on the same CPU; every other event is an
 * instant event whose args carry the task, its pid and the event's fields.
 *
 * Every line is accounted for. Understood: a trace line
 * ("TASK-PID [CPU] FLAGS SECS.USECS: EVENT: FIELDS"), a '#' header line, a
 * blank line. The console text before the first trace line and after the
 * last (boot log, prompts, a copied serial session) is reported as one
 * range each; any other line is reported with its number and why it is not
 * a trace line. The serial console's carriage returns are removed.
 * Exit status 0 (also with lines reported), 1 if FILE cannot be read, 2 for
 * bad usage.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPUS 256

struct rec {
	char *task, *event, *body;
	long pid;
	int cpu;
	double ts_us;
};

/* Lines not understood since the last trace line: reported one by one if
 * a trace line follows, as a range if the input ends first. */
struct pending {
	long *line;
	const char **why;
	size_t n, cap;
};

static struct {
	int open;
	double ts_us;
	char name[64];
} slices[MAX_CPUS];
static unsigned char cpu_named[MAX_CPUS];
static int first = 1;

static const char usage[] =
	"usage: trace2json [FILE]\n"
	"Converts the text of tracefs `trace` or `trace_pipe` (as the kernel shell's\n"
	"`trace show` prints it; a copied serial console session is fine) from FILE or\n"
	"stdin into the Chrome/Perfetto JSON trace format on stdout: one track per CPU\n"
	"(\"CPU n\"), sched_switch as slices named after the task switched in, every\n"
	"other event as an instant event with its fields. Lines that are not trace\n"
	"lines are reported on stderr with their line numbers.\n";

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void sep(FILE *out)
{
	fputs(first ? "\n" : ",\n", out);
	first = 0;
}

/* The track's name and place, before its first event. */
static void name_cpu(FILE *out, int cpu)
{
	if (cpu_named[cpu])
		return;
	cpu_named[cpu] = 1;
	sep(out);
	fprintf(out,
		"{\"ph\":\"M\",\"pid\":0,\"tid\":%d,\"name\":\"thread_name\","
		"\"args\":{\"name\":\"CPU %d\"}},\n"
		"{\"ph\":\"M\",\"pid\":0,\"tid\":%d,\"name\":\"thread_sort_index\","
		"\"args\":{\"sort_index\":%d}}",
		cpu, cpu, cpu, cpu);
}

static void close_slice(FILE *out, int cpu, double ts_us)
{
	if (!slices[cpu].open)
		return;
	sep(out);
	fprintf(out, "{\"ph\":\"X\",\"pid\":0,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f,\"name\":", cpu,
		slices[cpu].ts_us, ts_us - slices[cpu].ts_us);
	json_str(out, slices[cpu].name);
	fputs(",\"cat\":\"sched\"}", out);
	slices[cpu].open = 0;
}

/* Copies the value of `key=` in body (up to a space) into out. */
static int field(const char *body, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = body; (p = strstr(p, key)) != NULL; p++) {
		if ((p == body || p[-1] == ' ') && p[kl] == '=') {
			p += kl + 1;
			size_t n = strcspn(p, " ");
			if (n >= cap)
				n = cap - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

/* " [CPU] " in line: the '[' or NULL. A task name may hold " [", so the
 * first one followed by digits, ']' and a space counts. */
static char *find_cpu(char *line)
{
	for (char *p = line; (p = strstr(p, " [")) != NULL; p++) {
		size_t d = strspn(p + 2, "0123456789");
		if (d > 0 && p[2 + d] == ']' && p[3 + d] == ' ')
			return p + 1;
	}
	return NULL;
}

/* Splits a trace line into r; NULL, or why it is not one. */
static const char *parse_line(char *line, struct rec *r)
{
	if (line[0] == '[' && strstr(line, "][CPU "))
		return "a kernel log line, not a trace line";
	if (line[0] == '>' && line[1] == ' ')
		return "a shell prompt line, not a trace line";
	char *lb = find_cpu(line);
	if (!lb)
		return "no \" [CPU] \" field";
	char *t = line;
	while (*t == ' ')
		t++;
	char *end = lb - 1;
	while (end > t && end[-1] == ' ')
		end--;
	*end = '\0';
	char *dash = strrchr(t, '-');
	if (!dash || dash == t || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1))
		return "no TASK-PID before [CPU]";
	*dash = '\0';
	r->task = t;
	r->pid = strtol(dash + 1, NULL, 10);
	r->cpu = atoi(lb + 1);
	if (strspn(lb + 1, "0123456789") > 3 || r->cpu >= MAX_CPUS)
		return "CPU number above 255";
	char *p = strchr(lb, ']') + 1;
	p += strspn(p, " ");
	size_t fl = strcspn(p, " ");
	if (fl == 0)
		return "no FLAGS after [CPU]";
	p += fl;
	p += strspn(p, " ");
	size_t sd = strspn(p, "0123456789");
	if (sd == 0 || p[sd] != '.' || strspn(p + sd + 1, "0123456789") != 6 || p[sd + 7] != ':')
		return "no SECS.USECS: timestamp after FLAGS";
	r->ts_us = (double)strtoull(p, NULL, 10) * 1e6 + (double)strtoul(p + sd + 1, NULL, 10);
	p += sd + 8;
	p += strspn(p, " ");
	if (strncmp(p, "Unknown type ", 13) == 0)
		return "a record of an event type the kernel did not know";
	if (strcmp(p, "<short record>") == 0)
		return "a record shorter than its event";
	size_t en = 0;
	while (isalnum((unsigned char)p[en]) || p[en] == '_')
		en++;
	if (en == 0 || p[en] != ':')
		return "no EVENT: after the timestamp";
	p[en] = '\0';
	r->event = p;
	p += en + 1;
	r->body = p + strspn(p, " ");
	return NULL;
}

static void emit(FILE *out, const struct rec *r)
{
	name_cpu(out, r->cpu);
	if (strcmp(r->event, "sched_switch") == 0) {
		char comm[32] = "?", npid[16] = "?";
		close_slice(out, r->cpu, r->ts_us);
		field(r->body, "next_comm", comm, sizeof(comm));
		field(r->body, "next_pid", npid, sizeof(npid));
		snprintf(slices[r->cpu].name, sizeof(slices[r->cpu].name), "%s-%s", comm, npid);
		slices[r->cpu].ts_us = r->ts_us;
		slices[r->cpu].open = 1;
		return;
	}
	sep(out);
	fprintf(out, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":0,\"tid\":%d,\"ts\":%.3f,\"name\":", r->cpu,
		r->ts_us);
	json_str(out, r->event);
	fputs(",\"args\":{\"task\":", out);
	json_str(out, r->task);
	fprintf(out, ",\"pid\":%ld,\"fields\":", r->pid);
	json_str(out, r->body);
	fputs("}}", out);
}

static void pending_add(struct pending *q, long line, const char *why)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->line = realloc(q->line, q->cap * sizeof(*q->line));
		q->why = realloc(q->why, q->cap * sizeof(*q->why));
		if (!q->line || !q->why) {
			fputs("trace2json: out of memory\n", stderr);
			exit(1);
		}
	}
	q->line[q->n] = line;
	q->why[q->n++] = why;
}

/* One line per pending line; returns how many. */
static long pending_each(struct pending *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		fprintf(stderr, "%s: line %ld: %s\n", name, q->line[i], q->why[i]);
	long n = (long)q->n;
	q->n = 0;
	return n;
}

/* One line for the run of pending lines (`where` the trace). */
static void pending_range(struct pending *q, const char *name, const char *where)
{
	if (q->n == 0)
		return;
	fprintf(stderr,
		"%s: lines %ld-%ld (%zu lines): console text %s the trace, skipped"
		" (line %ld: %s)\n",
		name, q->line[0], q->line[q->n - 1], q->n, where, q->line[0], q->why[0]);
	q->n = 0;
}

int main(int argc, char **argv)
{
	FILE *in = stdin, *out = stdout;
	const char *name = "trace2json";
	struct pending q = {0};
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0, traced = 0, bad = 0;
	double last = 0;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fputs(usage, stderr);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		if (!(in = fopen(argv[1], "r"))) {
			perror(argv[1]);
			return 1;
		}
		name = argv[1];
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", out);
	ssize_t got;
	while ((got = getline(&line, &cap, in)) >= 0) {
		struct rec r;
		lineno++;
		size_t len = (size_t)got;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		const char *why = NULL;
		if (memchr(line, '\0', len))
			why = "holds a NUL byte";
		else if (line[strspn(line, " ")] == '\0' || line[0] == '#')
			continue;
		else
			why = parse_line(line, &r);
		if (why) {
			pending_add(&q, lineno, why);
			continue;
		}
		if (traced++)
			bad += pending_each(&q, name);
		else
			pending_range(&q, name, "before");
		last = r.ts_us;
		emit(out, &r);
	}
	if (traced)
		pending_range(&q, name, "after");
	else
		bad += pending_each(&q, name);
	for (int c = 0; c < MAX_CPUS; c++)
		close_slice(out, c, last);
	fputs("\n]}\n", out);
	if (!traced)
		fprintf(stderr, "%s: no trace line in the input\n", name);
	else if (bad)
		fprintf(stderr, "%s: %ld lines inside the trace not understood (listed above)\n",
			name, bad);
	free(line);
	free(q.line);
	free(q.why);
	if (in != stdin)
		fclose(in);
	return 0;
}
