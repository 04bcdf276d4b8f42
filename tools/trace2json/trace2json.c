/*
 * trace2json - turns the text of tracefs `trace` (or `trace_pipe`) into the
 * Chrome / Perfetto JSON trace format.
 *
 *   trace2json [FILE]    (stdin if no FILE; JSON on stdout)
 *
 * One track per CPU (pid 0, tid = CPU). sched_switch events become slices
 * named after the task switched in ("comm-pid"), from that switch to the
 * next switch on the same CPU; every other event is an instant event whose
 * args carry the event text. Lines starting with '#' are skipped; lines
 * that do not parse are counted and reported on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPUS 256

struct open_slice {
	int open;
	double ts_us;
	char name[64];
};

static struct open_slice slices[MAX_CPUS];
static int first = 1;

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
			size_t n = strcspn(p, " \n");
			if (n >= cap)
				n = cap - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

/* "TASK-PID [CPU] FLAGS SECS.USECS: EVENT: BODY" */
static int parse_line(char *line, char **task, int *pid, int *cpu, double *ts_us, char **event,
		      char **body)
{
	char *lb = strstr(line, " [");
	if (!lb)
		return 0;
	*lb = '\0';
	char *t = line;
	while (*t == ' ')
		t++;
	char *dash = strrchr(t, '-');
	if (!dash)
		return 0;
	*dash = '\0';
	*task = t;
	*pid = atoi(dash + 1);
	char *rb = strchr(lb + 2, ']');
	if (!rb)
		return 0;
	*cpu = atoi(lb + 2);
	char *p = rb + 1;
	while (*p == ' ')
		p++;
	p += strcspn(p, " "); /* flags */
	unsigned long long secs, usecs;
	int consumed = 0;
	if (sscanf(p, " %llu.%llu:%n", &secs, &usecs, &consumed) != 2 || !consumed)
		return 0;
	*ts_us = (double)secs * 1e6 + (double)usecs;
	p += consumed;
	while (*p == ' ')
		p++;
	char *colon = strchr(p, ':');
	if (!colon)
		return 0;
	*colon = '\0';
	*event = p;
	p = colon + 1;
	while (*p == ' ')
		p++;
	p[strcspn(p, "\n")] = '\0';
	*body = p;
	return *cpu >= 0 && *cpu < MAX_CPUS;
}

int main(int argc, char **argv)
{
	FILE *in = stdin, *out = stdout;
	char line[4096];
	long bad = 0;
	double last = 0;

	if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(stderr, "usage: trace2json [FILE]\n");
		return 2;
	}
	if (argc == 2 && !(in = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", out);
	while (fgets(line, sizeof(line), in)) {
		char *task, *event, *body;
		int pid, cpu;
		double ts;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!parse_line(line, &task, &pid, &cpu, &ts, &event, &body)) {
			bad++;
			continue;
		}
		last = ts;
		if (strcmp(event, "sched_switch") == 0) {
			char comm[32] = "?", npid[16] = "?";
			close_slice(out, cpu, ts);
			field(body, "next_comm", comm, sizeof(comm));
			field(body, "next_pid", npid, sizeof(npid));
			snprintf(slices[cpu].name, sizeof(slices[cpu].name), "%s-%s", comm, npid);
			slices[cpu].ts_us = ts;
			slices[cpu].open = 1;
			continue;
		}
		sep(out);
		fprintf(out,
			"{\"ph\":\"i\",\"s\":\"t\",\"pid\":0,\"tid\":%d,\"ts\":%.3f,\"name\":", cpu,
			ts);
		json_str(out, event);
		fputs(",\"args\":{\"task\":", out);
		json_str(out, task);
		fprintf(out, ",\"pid\":%d,\"fields\":", pid);
		json_str(out, body);
		fputs("}}", out);
	}
	for (int c = 0; c < MAX_CPUS; c++) {
		if (slices[c].open)
			close_slice(out, c, last);
	}
	fputs("\n]}\n", out);
	if (bad)
		fprintf(stderr, "trace2json: %ld lines not understood\n", bad);
	if (in != stdin)
		fclose(in);
	return 0;
}
