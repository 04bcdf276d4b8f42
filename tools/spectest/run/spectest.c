/*
 * spectest.c - host tool: runs the official WebAssembly spec testsuite
 * against lib/wasm: its .wast scripts, read by our text front end
 * (spec_wast.c), or their conversion by `wast2json` (FILE.json).
 *
 *   spectest [--guarded] [--skip FILE] [--root DIR] [--skip-counts] [--timeout SECS]
 *            [--details N] [-j N] [-v] FILE.wast|FILE.json...
 *
 * Each script runs in a forked child with a fresh store (spec_exec.c), so a
 * crash or a hang in the engine costs one file, not the run. The child
 * reports one record per command through a pipe:
 *
 *   parent                          child (one per file, at most -j at once)
 *   parse FILE (for counts)
 *   pipe + fork  ────────────────▶  spec_script_run()
 *   poll, collect  ◀──────────────  "R <cmd> <P|F|S> <skip>\t<detail>\n" ...
 *   timeout: SIGKILL                "E\n" when every command ran
 *   EOF + waitpid: commands never reported count as failed
 *
 * The child's stdout and stderr go to a second pipe: after a crash the
 * parent prints the lines that say what happened (a sanitizer's report,
 * its first frames) under the file's line; -v prints all of it.
 *
 * Output, in file order: "spec: FILE.wast: P passed, F failed[, S skipped]
 * [, crashed ...]", then up to --details lines
 * "  FILE.wast:LINE: COMMAND: what was expected, what happened". A module
 * rejected for the wrong reason (malformed where the script says invalid,
 * or the reverse) failed. FILE is the script's name, or with --root DIR
 * its path under DIR ("legacy/throw.wast"), which is also what the skip
 * list's entries name. With --skip-counts, the assertions each skip entry
 * skipped follow, "spec-skip: SKIPFILE:LINE: N skipped: REASON". The last
 * lines are "S skipped (see SKIPFILE)" and
 * "N passed, N failed", counted per assertion and action (as the
 * testsuite's ABOUT.md counts): module and register commands count only
 * when they fail (and not when skipped); a FILE that cannot be
 * read or parsed counts as one failure (one skip if the skip list has
 * FILE.wast:*). Exit
 * status: 0 if nothing failed, 1 if something did, 2 for a usage error or
 * an unreadable skip file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/compiler.h"
#include "base/err.h"
#include "spec_exec.h"
#include "wasm/host/code_host.h"
#include "wasm/host/runtime_host.h"
#include "wasm/host/workers_host.h"
#include "wasm/load.h"
#include "../wast_json.h"

#define MAX_JOBS    16
#define STDERR_KEEP 65536

struct job {
	const char *json; /* the path given */
	char name[256];	  /* "i32.wast" */
	char dir[4096];
	struct spec_script script;
	char *err; /* setup failure, no commands ran */
	pid_t pid;
	int fd, efd; /* the records; the child's stdout+stderr (-1: at EOF) */
	double deadline;
	char *buf; /* a partial record line */
	size_t len, cap;
	char *ebuf; /* the first STDERR_KEEP bytes of the child's stderr */
	size_t elen;
	size_t reported, pass, fail, skip;
	char **details;
	size_t ndetails, more;
	bool ended, timed_out, running, done;
	int status;
};

struct runner {
	bool guarded, verbose, jit;
	unsigned timeout, max_details, jobs, vthreads;
	uint32_t features_off; /* enum wasm_feature bits (--features-off) */
	const char *root;      /* --root: names are paths under it */
	struct spec_skips skips;
	bool *skip_used;
	bool *skip_file_ran; /* the entry's file was among those run */
	size_t *skip_count;  /* assertions each entry skipped */
	bool skip_counts;    /* --skip-counts: print them */
	size_t total_pass, total_fail, total_skip;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: spectest [--guarded] [--skip FILE] [--timeout SECS] [--details N] "
			"[--root DIR] [--skip-counts] [-j N] [--validate-threads N] [--jit] "
			"[--features-off LIST] [-v] FILE...\n"
			"  FILE.wast    a script (text-format modules included)\n"
			"  FILE.json    wast2json output; its .wasm files beside it\n"
			"  --guarded    guarded (mmap) linear memory instead of checked\n"
			"  --jit        compile functions to machine code (riscv64 builds)\n"
			"  --skip FILE  skip list (default tests/spec/skip.txt)\n"
			"  --skip-counts  print how many assertions each skip entry skipped\n"
			"  --root DIR   name each FILE.wast by its path under DIR (as the skip\n"
			"               list does): legacy/throw.wast, not throw.wast\n"
			"  --features-off LIST  turn off post-2.0 features (e.g. "
			"multi-memory,memory64; all)\n"
			"  --timeout S  seconds per file before it is killed (default 60)\n"
			"  --details N  failure lines printed per file (default 10)\n"
			"  -j N         files run at once (default 1)\n"
			"  --validate-threads N  validate each module's function bodies on N\n"
			"               threads besides the runner's, a function at a time\n"
			"  -v           print every failure and the engine's stderr (with\n"
			"               --jit: how many functions were compiled and refused)\n");
}

static void job_detail(struct runner *r, struct job *j, const char *text)
{
	char **d;

	if (!r->verbose && j->ndetails >= r->max_details) {
		j->more++;
		return;
	}
	d = realloc(j->details, (j->ndetails + 1) * sizeof(*d));
	if (!d) {
		j->more++;
		return;
	}
	j->details = d;
	d[j->ndetails] = strdup(text);
	if (!d[j->ndetails]) {
		j->more++;
		return;
	}
	j->ndetails++;
}

/* ---- the child ---- */

struct child {
	FILE *out;
};

static void child_report(void *arg, size_t cmd, enum spec_outcome o, long skip, const char *detail)
{
	struct child *ch = arg;
	static const char letters[] = {[SPEC_PASS] = 'P', [SPEC_FAIL] = 'F', [SPEC_SKIPPED] = 'S'};

	fprintf(ch->out, "R %zu %c %ld\t", cmd, letters[o], skip);
	for (const char *p = detail; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, ch->out);
	fputc('\n', ch->out);
	fflush(ch->out);
}

/* The store config and load options of the runner's flags: 0, or why the
 * store cannot be made. */
static int child_config(struct runner *r, struct wasm_store_config *cfg, struct wasm_load_opts *lo,
			struct wasm_workers *w)
{
	bool guarded;

	/* guarded unless it cannot be had: then an error, not checked */
	wasm_runtime_host_config(!r->guarded, cfg, &guarded);
	if (r->guarded && !guarded)
		return ERR_NOMEM;
	if (r->jit) {
		cfg->code_mem = wasm_code_host();
		cfg->stack_mem = wasm_stack_host();
		if (!cfg->code_mem)
			return ERR_UNSUPP;
	}
	*lo = (struct wasm_load_opts){.features_off = r->features_off};
	if (r->vthreads) {
		wasm_workers_host(w, (int)r->vthreads);
		w->run_bytes = 1; /* a run per function: the most interleavings */
		lo->workers = w;
	}
	return 0;
}

/* Functions compiled and refused by the compiler (--jit -v). */
struct jit_counts {
	size_t compiled, refused;
};

static void count_translate(void *arg, const struct wasm_translate_info *ti)
{
	struct jit_counts *n = arg;

	/* a refused function is reported again with its interpreted form */
	n->compiled += ti->compiled;
	n->refused += ti->refused;
}

static void child_main(struct runner *r, struct job *j, int fd)
{
	struct jit_counts counts = {0, 0};
	struct child ch;
	struct wasm_store_config cfg;
	struct wasm_load_opts lo;
	struct wasm_workers w;
	struct spec_run_opts o = {
		.dir = j->dir,
		.file = j->name,
		.skips = &r->skips,
		.store = &cfg,
		.load = &lo,
		.read_file = spec_file_read,
		.report = child_report,
		.report_arg = &ch,
	};
	int rc;

	ch.out = fdopen(fd, "w");
	if (!ch.out)
		_exit(3);
	rc = child_config(r, &cfg, &lo, &w);
	if (r->jit && r->verbose)
		cfg.translate_hook =
			(struct wasm_translate_hook){.done = count_translate, .arg = &counts};
	if (!rc)
		rc = spec_script_run(&j->script, &o);
	if (r->jit && r->verbose)
		fprintf(stderr, "jit: %zu functions compiled, %zu refused\n", counts.compiled,
			counts.refused);
	if (rc)
		fprintf(ch.out, "X setting up the store and the spectest module: %s\n",
			err_str(rc));
	else
		fprintf(ch.out, "E\n");
	fclose(ch.out);
	spec_script_free(&j->script);
	spec_skips_free(&r->skips);
	exit(0);
}

/* ---- the parent ---- */

static void job_name(const struct runner *r, struct job *j)
{
	const char *src = j->script.source.s ? j->script.source.s : j->json;
	const char *base = strrchr(src, '/');
	const char *dsl = strrchr(j->json, '/');
	size_t nroot = r->root ? strlen(r->root) : 0;

	while (nroot > 1 && r->root[nroot - 1] == '/')
		nroot--;
	if (!j->script.source.s && nroot && strncmp(j->json, r->root, nroot) == 0 &&
	    j->json[nroot] == '/')
		base = j->json + nroot; /* its '/' */
	snprintf(j->name, sizeof(j->name), "%s", base ? base + 1 : src);
	if (!j->script.source.s) {
		char *dot = strrchr(j->name, '.');

		if (dot)
			snprintf(dot, sizeof(j->name) - (size_t)(dot - j->name), ".wast");
	}
	if (dsl)
		snprintf(j->dir, sizeof(j->dir), "%.*s", (int)(dsl - j->json), j->json);
	else
		snprintf(j->dir, sizeof(j->dir), ".");
}

static void job_start(struct runner *r, struct job *j)
{
	char err[512];
	int fds[2], efds[2];
	size_t n = strlen(j->json);
	bool wast = n > 5 && strcmp(j->json + n - 5, ".wast") == 0;

	if ((wast ? spec_wast_load : spec_script_load)(j->json, &j->script, err, sizeof(err))) {
		job_name(r, j);
		j->err = strdup(err);
		j->done = true;
		return;
	}
	job_name(r, j);
	for (size_t i = 0; i < r->skips.n; i++)
		if (r->skips.v[i].file && strcmp(r->skips.v[i].file, j->name) == 0)
			r->skip_file_ran[i] = true;
	if (pipe2(fds, O_CLOEXEC)) {
		j->err = strdup("pipe failed");
		j->done = true;
		return;
	}
	if (pipe2(efds, O_CLOEXEC)) {
		close(fds[0]);
		close(fds[1]);
		j->err = strdup("pipe failed");
		j->done = true;
		return;
	}
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		close(efds[0]);
		close(efds[1]);
		j->err = strdup("fork failed");
		j->done = true;
		return;
	}
	if (j->pid == 0) {
		/* the engine's and the sanitizers' output goes to the parent,
		 * which shows it under the file's line if the file crashed */
		if (dup2(efds[1], 1) < 0 || dup2(efds[1], 2) < 0)
			_exit(3);
		child_main(r, j, fds[1]);
	}
	close(fds[1]);
	close(efds[1]);
	j->fd = fds[0];
	j->efd = efds[0];
	j->deadline = now() + r->timeout;
	j->running = true;
}

static void job_record(struct runner *r, struct job *j, char *line)
{
	char kind, *tab, text[1024];
	size_t cmd;
	long skip;

	if (strcmp(line, "E") == 0) {
		j->ended = true;
		return;
	}
	if (line[0] == 'X') {
		free(j->err);
		j->err = strdup(line + 2);
		return;
	}
	tab = strchr(line, '\t');
	if (!tab || sscanf(line, "R %zu %c %ld", &cmd, &kind, &skip) != 3 || cmd >= j->script.ncmds)
		return;
	j->reported++;
	if (skip >= 0 && (size_t)skip < r->skips.n) {
		r->skip_used[skip] = true;
		r->skip_count[skip] += spec_cmd_is_assertion(j->script.cmds[cmd].kind);
	}
	switch (kind) {
	case 'P':
		j->pass += spec_cmd_is_assertion(j->script.cmds[cmd].kind);
		return;
	case 'S':
		j->skip += spec_cmd_is_assertion(j->script.cmds[cmd].kind);
		return;
	}
	j->fail++;
	snprintf(text, sizeof(text), "  %s:%u: %s: %s", j->name, j->script.cmds[cmd].line,
		 spec_cmd_kind_name(j->script.cmds[cmd].kind), tab + 1);
	job_detail(r, j, text);
}

/* Reads what is available on one of the job's pipes; once both are at EOF,
 * reaps the child. */
static void job_read(struct runner *r, struct job *j, int fd)
{
	char chunk[8192];
	ssize_t got = read(fd, chunk, sizeof(chunk));
	char *nl;

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got > 0 && fd == j->efd) {
		size_t keep = MIN((size_t)got, STDERR_KEEP - j->elen);

		if (!j->ebuf)
			j->ebuf = malloc(STDERR_KEEP + 1);
		if (j->ebuf) {
			memcpy(j->ebuf + j->elen, chunk, keep);
			j->elen += keep;
			j->ebuf[j->elen] = 0;
		}
		return;
	}
	if (got > 0) {
		if (j->len + (size_t)got + 1 > j->cap) {
			size_t nc = (j->len + (size_t)got + 1) * 2;
			char *b = realloc(j->buf, nc);

			if (!b)
				return;
			j->buf = b;
			j->cap = nc;
		}
		memcpy(j->buf + j->len, chunk, (size_t)got);
		j->len += (size_t)got;
		j->buf[j->len] = 0;
		while ((nl = memchr(j->buf, '\n', j->len))) {
			size_t used = (size_t)(nl - j->buf) + 1;

			*nl = 0;
			job_record(r, j, j->buf);
			memmove(j->buf, nl + 1, j->len - used);
			j->len -= used;
		}
		return;
	}
	close(fd);
	if (fd == j->fd)
		j->fd = -1;
	else
		j->efd = -1;
	if (j->fd >= 0 || j->efd >= 0)
		return;
	while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
		;
	j->running = false;
	j->done = true;
}

/* The child's stderr under the file's line: all of it with -v, else (after
 * a crash) the lines that say what happened, e.g. a sanitizer's report. */
static void job_print_stderr(struct runner *r, struct job *j, bool crashed)
{
	unsigned shown = 0;

	if (!j->elen || (!crashed && !r->verbose))
		return;
	for (char *l = j->ebuf, *e; l && *l && shown < 8; l = e ? e + 1 : NULL) {
		e = strchr(l, '\n');
		if (e)
			*e = 0;
		if (r->verbose || strstr(l, "ERROR") || strstr(l, "SUMMARY") ||
		    strstr(l, "runtime error") ||
		    (strncmp(l, "    #", 5) == 0 && l[5] >= '0' && l[5] <= '4' && l[6] == ' ')) {
			printf("  %s: stderr: %s\n", j->name, l);
			shown += !r->verbose;
		}
	}
}

static void job_print(struct runner *r, struct job *j)
{
	size_t unfinished = j->script.ncmds - j->reported;
	char line[512];
	bool bad_exit;
	int n;

	if (!j->script.ncmds && j->err) {
		/* the script itself could not be read: one failure, or one
		 * skip if the skip list has the whole file */
		for (size_t i = 0; i < r->skips.n; i++) {
			const struct spec_skip *k = &r->skips.v[i];

			if (k->kind != SPEC_SKIP_FILE || strcmp(k->file, j->name) != 0)
				continue;
			printf("spec: %s: 0 passed, 0 failed, 1 skipped (%s)\n", j->name, j->err);
			r->skip_used[i] = r->skip_file_ran[i] = true;
			r->skip_count[i]++;
			r->total_skip++;
			return;
		}
		printf("spec: %s: 0 passed, 1 failed (%s)\n", j->name, j->err);
		r->total_fail++;
		return;
	}
	/* everything reported, but the exit went wrong (a leak report, a
	 * crash while freeing the store): one more failure */
	bad_exit =
		!unfinished && (!j->ended || !WIFEXITED(j->status) || WEXITSTATUS(j->status) != 0);

	j->fail += unfinished + bad_exit;
	n = snprintf(line, sizeof(line), "spec: %s: %zu passed, %zu failed", j->name, j->pass,
		     j->fail);
	if (j->skip)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %zu skipped", j->skip);
	if (unfinished) {
		uint32_t at = j->script.cmds[j->reported].line;

		if (j->timed_out)
			snprintf(line + n, sizeof(line) - (size_t)n,
				 ", timed out after %u s at line %u", r->timeout, at);
		else if (j->err)
			snprintf(line + n, sizeof(line) - (size_t)n, ", %s", j->err);
		else if (WIFSIGNALED(j->status))
			snprintf(line + n, sizeof(line) - (size_t)n,
				 ", crashed (signal %d) at line %u", WTERMSIG(j->status), at);
		else
			snprintf(line + n, sizeof(line) - (size_t)n,
				 ", exited with status %d at line %u", WEXITSTATUS(j->status), at);
	} else if (bad_exit) {
		snprintf(line + n, sizeof(line) - (size_t)n, ", then %s %d",
			 WIFSIGNALED(j->status) ? "signal" : "exit status",
			 WIFSIGNALED(j->status) ? WTERMSIG(j->status) : WEXITSTATUS(j->status));
	}
	printf("%s\n", line);
	job_print_stderr(r, j, unfinished || bad_exit);
	for (size_t i = 0; i < j->ndetails; i++)
		printf("%s\n", j->details[i]);
	if (j->more)
		printf("  %s: ... and %zu more\n", j->name, j->more);
	r->total_pass += j->pass;
	r->total_fail += j->fail;
	r->total_skip += j->skip;
	fflush(stdout);
}

static void job_free(struct job *j)
{
	spec_script_free(&j->script);
	for (size_t i = 0; i < j->ndetails; i++)
		free(j->details[i]);
	free(j->details);
	free(j->buf);
	free(j->ebuf);
	free(j->err);
}

/* Waits for output of the running jobs, or a deadline. */
static void jobs_poll(struct runner *r, struct job *jobs, size_t n)
{
	struct pollfd pfd[2 * MAX_JOBS];
	struct job *who[2 * MAX_JOBS];
	size_t np = 0;
	double t = now(), wait = 1.0; /* s; also bounds the wait after a kill */
	int rc;

	for (size_t i = 0; i < n && np + 2 <= 2 * MAX_JOBS; i++) {
		struct job *j = &jobs[i];

		if (!j->running)
			continue;
		if (!j->timed_out && t >= j->deadline) {
			kill(j->pid, SIGKILL);
			j->timed_out = true;
		}
		if (!j->timed_out && j->deadline - t < wait)
			wait = j->deadline - t;
		for (int k = 0; k < 2; k++) {
			int fd = k ? j->efd : j->fd;

			if (fd < 0)
				continue;
			pfd[np] = (struct pollfd){.fd = fd, .events = POLLIN};
			who[np++] = j;
		}
	}
	if (!np)
		return;
	rc = poll(pfd, np, (int)(wait * 1000) + 1);
	if (rc <= 0)
		return;
	for (size_t i = 0; i < np; i++)
		if (pfd[i].revents)
			job_read(r, who[i], pfd[i].fd);
}

static bool parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Reads and parses the skip file, or says why not on stderr. */
static int skips_load(const char *path, struct spec_skips *out)
{
	char *text, err[512];
	size_t len;
	int rc = spec_file_read(path, &text, &len);

	if (rc) {
		fprintf(stderr, "spectest: %s: cannot open or read\n", path);
		return rc;
	}
	rc = spec_skips_parse(path, text, len, out, err, sizeof(err));
	free(text);
	if (rc)
		fprintf(stderr, "spectest: %s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	struct runner r = {.timeout = 60, .max_details = 10, .jobs = 1};
	const char *skip_path = "tests/spec/skip.txt";
	struct job *jobs;
	size_t n = 0, started = 0, printed = 0;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--guarded") == 0) {
			r.guarded = true;
		} else if (strcmp(a, "--jit") == 0) {
			if (!wasm_code_host()) {
				fprintf(stderr, "spectest: --jit: no compiler tier in this build "
						"(riscv64 builds only)\n");
				return 2;
			}
			r.jit = true;
		} else if (strcmp(a, "-v") == 0) {
			r.verbose = true;
		} else if (strcmp(a, "--skip") == 0 && v) {
			skip_path = v;
			i++;
		} else if (strcmp(a, "--skip-counts") == 0) {
			r.skip_counts = true;
		} else if (strcmp(a, "--root") == 0 && v) {
			r.root = v;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && parse_uint(v, 1, 86400, &r.timeout)) {
			i++;
		} else if (strcmp(a, "--details") == 0 &&
			   parse_uint(v, 0, 1000000, &r.max_details)) {
			i++;
		} else if (strcmp(a, "-j") == 0 && parse_uint(v, 1, MAX_JOBS, &r.jobs)) {
			i++;
		} else if (strcmp(a, "--validate-threads") == 0 &&
			   parse_uint(v, 0, 64, &r.vthreads)) {
			i++;
		} else if (strcmp(a, "--features-off") == 0 && v &&
			   wasm_feature_parse(v, &r.features_off) == 0) {
			i++;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage();
			return 0;
		} else {
			fprintf(stderr, "spectest: bad option or value: %s%s%s\n", a, v ? " " : "",
				v ? v : "");
			usage();
			return 2;
		}
	}
	if (i == argc) {
		fprintf(stderr, "spectest: no FILE.wast or FILE.json given\n");
		usage();
		return 2;
	}
	if (skips_load(skip_path, &r.skips))
		return 2;
	n = (size_t)(argc - i);
	jobs = calloc(n, sizeof(*jobs));
	r.skip_used = calloc(r.skips.n + 1, sizeof(bool));
	r.skip_file_ran = calloc(r.skips.n + 1, sizeof(bool));
	r.skip_count = calloc(r.skips.n + 1, sizeof(size_t));
	if (!jobs || !r.skip_used || !r.skip_file_ran || !r.skip_count) {
		fprintf(stderr, "spectest: out of memory\n");
		return 2;
	}
	for (size_t k = 0; k < n; k++)
		jobs[k].json = argv[i + (int)k];
	printf("spec: %zu files, %s memory%s\n", n, r.guarded ? "guarded" : "checked",
	       r.jit ? ", compiled" : "");
	while (printed < n) {
		size_t running = 0;

		for (size_t k = printed; k < started; k++)
			running += jobs[k].running;
		while (started < n && running < r.jobs) {
			job_start(&r, &jobs[started]);
			running += jobs[started++].running;
		}
		if (jobs[printed].done) {
			job_print(&r, &jobs[printed]);
			job_free(&jobs[printed++]);
			continue;
		}
		jobs_poll(&r, jobs + printed, started - printed);
	}
	for (size_t k = 0; k < r.skips.n; k++) {
		const struct spec_skip *s = &r.skips.v[k];
		/* only entries naming a file that ran (a rule may match nothing
		 * in a subset of the files) */
		if (s->file && r.skip_file_ran[k] && !r.skip_used[k])
			printf("spec: %s:%u: entry matched nothing (stale?)\n", r.skips.path,
			       s->where);
	}
	for (size_t k = 0; r.skip_counts && k < r.skips.n; k++)
		if (r.skip_count[k])
			printf("spec-skip: %s:%u: %zu skipped: %s\n", r.skips.path,
			       r.skips.v[k].where, r.skip_count[k], r.skips.v[k].reason);
	if (r.total_skip)
		printf("%zu skipped (see %s)\n", r.total_skip, skip_path);
	printf("%zu passed, %zu failed\n", r.total_pass, r.total_fail);
	free(jobs);
	free(r.skip_used);
	free(r.skip_file_ran);
	free(r.skip_count);
	spec_skips_free(&r.skips);
	return r.total_fail ? 1 : 0;
}
