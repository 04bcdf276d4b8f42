/*
 * wasmrun - runs a WebAssembly module on the host with WASI preview1.
 *
 *   wasmrun [options] module.wasm [args...]
 *   wasmrun [options] module.wat [args...]     (the text format)
 *
 *   file --> (text: wat_encode) --> decode --> validate --> instantiate (WASI imports, preopens)
 *        --> start function --> _start            (a WASI command)
 *                           \-> --invoke NAME     (print the results)
 *
 * Every call runs through wasm_run in a loop: a WASI call that would block
 * suspends the guest, wasmrun waits on the host (wasi_ctx_wait_pending) and
 * resumes it. Exit status: see usage().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "wasm/host/code_host.h"
#include "wasm/host/runtime_host.h"
#include "wasm/host/workers_host.h"
#include "wasi/host/wasi_posix.h"
#include "wasm/load.h"
#include "wasm/module.h"
#include "wasm/runtime.h"
#include "wasm/text/wat.h"
#include "wasi/wasi.h"
#include "wasi/wasi_bind.h"

enum {
	EXIT_LOAD = 1,	/* the module could not be loaded, linked or called */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_TRAP = 134 /* a trap (128 + SIGABRT, as a crashed native program) */
};

#define OPTS_HELP (-1) /* parse_opts: --help was given */

struct opts {
	const char *invoke;
	uint64_t fuel;
	bool checked;
	bool jit; /* the compiler tier (riscv64 builds) */
	bool timings;
	int jobs; /* validation threads besides the main one; -1: a CPU each */
	const char *path;
	int nargs;
	char **args; /* the guest's arguments after the module */
	int ndirs, nenvs;
	const char **dirs; /* "HOST[:GUEST]" or "HOST::GUEST", argc allocated */
	const char **envs; /* "K=V", argc entries allocated */
};

struct runner {
	const char *name; /* module basename, for messages and backtraces */
	struct wasm_module *mod;
	struct wasm_store *store;
	struct wasm_instance *inst;
	struct wasm_exec *exec;
	struct wasi_ctx wasi;
	bool wasi_live;		       /* wasi is initialized (and owns the preopens) */
	struct wasi_preopen *preopens; /* ndirs, host handles open until wasi_live */
	char **dir_names;	       /* ndirs copies of --dir values, cut after HOST */
	int npreopens;
	bool guarded;
	/* --timings: CLOCK_MONOTONIC at each step's end, from main's start */
	double t_start, t_read, t_decode, t_validate, t_first;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(FILE *f)
{
	fputs("usage: wasmrun [options] module.wasm|module.wat [args...]\n"
	      "Runs a WebAssembly module with WASI preview1: its start function, then\n"
	      "its _start export (or the export named by --invoke). A file without\n"
	      "the binary format's magic that starts like text, or is named *.wat,\n"
	      "is read as the text format.\n"
	      "options:\n"
	      "  --invoke NAME    call export NAME with args parsed by its parameter\n"
	      "                   types (i32/i64: decimal or 0x hex; f32/f64: decimal,\n"
	      "                   inf, nan); print each result on its own line\n"
	      "  --fuel N         trap after about N instructions\n"
	      "  --dir HOST[:GUEST], --dir HOST::GUEST\n"
	      "                   preopen host directory HOST as GUEST (default: the\n"
	      "                   same name; HOST::GUEST is wasmtime's spelling, for a\n"
	      "                   HOST with a ':' in it); may be repeated\n"
	      "  --env K=V        add K=V to the guest's environment; may be repeated\n"
	      "  --checked        bounds-checked memory instead of guard pages\n"
	      "  --jit            compile functions to riscv64 code on their first call\n"
	      "                   (riscv64 builds; with --fuel, still interpreted)\n"
	      "  --timings        print the start-up's steps and their times to stderr\n"
	      "  --jobs N         validate function bodies on N threads besides the\n"
	      "                   main one (default: one per other online CPU; 0: none)\n"
	      "  --help           this text\n"
	      "exit status: the guest's proc_exit code (low 8 bits), 0 when _start or\n"
	      "the invoked function returns, 1 when the module cannot be loaded,\n"
	      "linked or called, 2 for a bad command line, 134 for a trap (the trap\n"
	      "and its backtrace go to stderr; fuel exhaustion is a trap).\n",
	      f);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "wasmrun: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fputs("Try 'wasmrun --help'.\n", stderr);
	return EXIT_USAGE;
}

/* The value of option `name` at argv[*i]: "--name=V" or "--name V". NULL
 * if argv[*i] is not that option; *missing if it is but has no value. */
static const char *opt_value(char **argv, int argc, int *i, const char *name, bool *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* A --dir value "HOST::GUEST" (wasmtime's spelling), "HOST:GUEST" or "HOST":
 * the guest name (NULL for "HOST") and, in *host_len, the length of HOST. */
static const char *dir_guest(const char *v, size_t *host_len)
{
	const char *sep = strstr(v, "::");

	if (sep) {
		*host_len = (size_t)(sep - v);
		return sep + 2;
	}
	sep = strchr(v, ':');
	*host_len = sep ? (size_t)(sep - v) : strlen(v);
	return sep ? sep + 1 : NULL;
}

/* Returns 0, OPTS_HELP, or an exit status after printing why. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	o->jobs = -1;
	o->dirs = calloc((size_t)argc, sizeof(*o->dirs));
	o->envs = calloc((size_t)argc, sizeof(*o->envs));
	if (!o->dirs || !o->envs)
		return usage_error("out of memory", NULL);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		bool missing = false;
		const char *v;
		char *end;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--help") == 0)
			return OPTS_HELP;
		if (strcmp(argv[i], "--checked") == 0) {
			o->checked = true;
		} else if (strcmp(argv[i], "--jit") == 0) {
			if (!wasm_code_host())
				return usage_error("--jit: no compiler tier in this build "
						   "(riscv64 builds only)",
						   NULL);
			o->jit = true;
		} else if (strcmp(argv[i], "--timings") == 0) {
			o->timings = true;
		} else if ((v = opt_value(argv, argc, &i, "--invoke", &missing))) {
			o->invoke = v;
		} else if ((v = opt_value(argv, argc, &i, "--fuel", &missing))) {
			errno = 0;
			o->fuel = strtoull(v, &end, 0);
			if (errno || *end || !*v || *v == '-' || o->fuel == 0)
				return usage_error("--fuel wants a positive integer", v);
		} else if ((v = opt_value(argv, argc, &i, "--jobs", &missing))) {
			long n;

			errno = 0;
			n = strtol(v, &end, 10);
			if (errno || *end || !*v || n < 0 || n > 255)
				return usage_error("--jobs wants a number from 0 to 255", v);
			o->jobs = (int)n;
		} else if ((v = opt_value(argv, argc, &i, "--dir", &missing))) {
			size_t host_len;
			const char *guest = dir_guest(v, &host_len);

			if (host_len == 0 || (guest && !*guest))
				return usage_error("--dir wants HOST[:GUEST] or HOST::GUEST", v);
			o->dirs[o->ndirs++] = v;
		} else if ((v = opt_value(argv, argc, &i, "--env", &missing))) {
			if (!strchr(v, '=') || v[0] == '=')
				return usage_error("--env wants KEY=VALUE", v);
			o->envs[o->nenvs++] = v;
		} else if (missing) {
			return usage_error("option needs a value", argv[i]);
		} else {
			return usage_error("unknown option", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("no module given", NULL);
	o->path = argv[i];
	o->args = argv + i + 1;
	o->nargs = argc - i - 1;
	return 0;
}

static uint8_t *read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	*out_len = len;
	return buf;
}

static void print_module_error(const char *path, const char *what, const struct wasm_error *e)
{
	fprintf(stderr, "wasmrun: %s: %s: %s (section %s, offset 0x%" PRIx32 ")\n", path, what,
		e->msg, e->section ? e->section : "?", e->offset);
}

static void print_trap(const struct runner *r, const struct wasm_trap *t)
{
	char small[512];
	size_t need = wasm_trap_format(t, small, sizeof(small));
	char *buf = need < sizeof(small) ? small : malloc(need + 1);

	if (buf != small && buf)
		wasm_trap_format(t, buf, need + 1);
	fprintf(stderr, "wasmrun: %s", buf ? buf : small);
	if (need == 0 || (buf ? buf : small)[need - 1] != '\n')
		fputc('\n', stderr);
	if (t->kind == WASM_TRAP_FUEL)
		fprintf(stderr, "wasmrun: %s: ran out of fuel (raise --fuel)\n", r->name);
	if (buf != small)
		free(buf);
}

/*
 * Runs f(args) to completion: 0 with the results in the exec, or the
 * process exit status for a trap or proc_exit (*out_exit set, returns 1).
 */
static int run_call(struct runner *r, struct wasm_funcinst *f, const union wasm_val *args,
		    uint32_t nargs, int *out_exit)
{
	int err = wasm_exec_call(r->exec, f, args, nargs);
	const struct wasm_trap *t;

	if (err) {
		fprintf(stderr, "wasmrun: %s: cannot call: %s\n", r->name, err_str(err));
		*out_exit = EXIT_LOAD;
		return 1;
	}
	for (;;) {
		switch (wasm_run(r->exec, UINT64_MAX)) {
		case WASM_RUN_DONE:
			return 0;
		case WASM_RUN_SUSPENDED:
			if (wasm_exec_suspend_reason(r->exec) == WASM_SUSPEND_BLOCKED) {
				uint16_t e = wasi_ctx_wait_pending(&r->wasi);

				/* the retried call reports the error itself */
				(void)e;
			}
			continue;
		case WASM_RUN_TRAPPED:
			t = wasm_exec_trap(r->exec);
			if (t->kind == WASM_TRAP_EXIT) {
				*out_exit = (int)(t->exit_code & 0xff);
				return 1;
			}
			print_trap(r, t);
			*out_exit = EXIT_TRAP;
			return 1;
		case WASM_RUN_IDLE:
			fprintf(stderr, "wasmrun: %s: the engine did not run the call\n", r->name);
			*out_exit = EXIT_LOAD;
			return 1;
		}
	}
}

static bool parse_val(uint8_t type, const char *s, union wasm_val *out)
{
	char *end;
	union wasm_val v = {0};

	errno = 0;
	switch (type) {
	case WASM_TYPE_I32:
	case WASM_TYPE_I64: {
		bool neg = s[0] == '-';
		uint64_t u = strtoull(neg ? s + 1 : s, &end, 0);
		uint64_t lim = type == WASM_TYPE_I32 ? UINT32_MAX : UINT64_MAX;
		uint64_t neg_lim = type == WASM_TYPE_I32 ? UINT64_C(1) << 31 : UINT64_C(1) << 63;

		if (errno || *end || end == s || (neg ? s[1] == '\0' || s[1] == '-' : s[0] == '+'))
			return false;
		if (neg ? u > neg_lim : u > lim)
			return false;
		u = neg ? 0 - u : u;
		if (type == WASM_TYPE_I32)
			v.i32 = (uint32_t)u;
		else
			v.i64 = u;
		break;
	}
	case WASM_TYPE_F32: {
		float f = strtof(s, &end);

		if (*end || end == s)
			return false;
		memcpy(&v.f32, &f, sizeof(f));
		break;
	}
	case WASM_TYPE_F64: {
		double d = strtod(s, &end);

		if (*end || end == s)
			return false;
		memcpy(&v.f64, &d, sizeof(d));
		break;
	}
	default: /* references: only null can be written down */
		if (strcmp(s, "null") != 0)
			return false;
		v.ref = 0;
		break;
	}
	*out = v;
	return true;
}

static void print_val(uint8_t type, union wasm_val v)
{
	float f;
	double d;

	switch (type) {
	case WASM_TYPE_I32:
		printf("%" PRId32 "\n", (int32_t)v.i32);
		break;
	case WASM_TYPE_I64:
		printf("%" PRId64 "\n", (int64_t)v.i64);
		break;
	case WASM_TYPE_F32:
		memcpy(&f, &v.f32, sizeof(f));
		printf("%.9g\n", (double)f);
		break;
	case WASM_TYPE_F64:
		memcpy(&d, &v.f64, sizeof(d));
		printf("%.17g\n", d);
		break;
	default:
		if (v.ref)
			printf("ref(%#" PRIxPTR ")\n", v.ref);
		else
			puts("null");
		break;
	}
}

static struct wasm_funcinst *find_func(struct runner *r, const char *name)
{
	struct wasm_extern e;

	if (wasm_instance_export(r->inst, name, &e) != 0 || e.kind != WASM_EXTERN_FUNC)
		return NULL;
	return e.u.func;
}

static int run_invoke(struct runner *r, const struct opts *o)
{
	struct wasm_funcinst *f = find_func(r, o->invoke), *init;
	const struct wasm_functype *ft;
	union wasm_val *args;
	const union wasm_val *res;
	uint32_t nres;
	int status = 0;

	if (!f) {
		fprintf(stderr, "wasmrun: %s: no exported function named '%s'\n", r->name,
			o->invoke);
		return EXIT_LOAD;
	}
	ft = f->type;
	if ((uint32_t)o->nargs != ft->nparams) {
		fprintf(stderr, "wasmrun: %s: '%s' takes %" PRIu32 " argument(s), %d given\n",
			r->name, o->invoke, ft->nparams, o->nargs);
		return EXIT_USAGE;
	}
	args = calloc(ft->nparams + 1, sizeof(*args));
	if (!args)
		return EXIT_LOAD;
	for (uint32_t i = 0; i < ft->nparams; i++) {
		if (!parse_val(wasm_type_kind(ft->params[i]), o->args[i], &args[i])) {
			fprintf(stderr, "wasmrun: argument %" PRIu32 " of '%s': '%s' is not a %s\n",
				i + 1, o->invoke, o->args[i], wasm_valtype_name(ft->params[i]));
			free(args);
			return EXIT_USAGE;
		}
	}
	/* a WASI reactor: _initialize runs first */
	init = find_func(r, "_initialize");
	if (init && init->type->nparams == 0 && init->type->nresults == 0 &&
	    run_call(r, init, NULL, 0, &status)) {
		free(args);
		return status;
	}
	if (run_call(r, f, args, ft->nparams, &status) == 0) {
		res = wasm_exec_results(r->exec, &nres);
		for (uint32_t i = 0; i < nres && i < ft->nresults; i++)
			print_val(wasm_type_kind(ft->results[i]), res[i]);
		fflush(stdout);
	}
	free(args);
	return status;
}

static int run_command(struct runner *r)
{
	struct wasm_funcinst *f = find_func(r, "_start");
	int status = 0;

	if (!f) {
		fprintf(stderr, "wasmrun: %s: no '_start' export (use --invoke NAME)\n", r->name);
		return EXIT_LOAD;
	}
	if (f->type->nparams != 0 || f->type->nresults != 0) {
		fprintf(stderr, "wasmrun: %s: '_start' must take and return nothing\n", r->name);
		return EXIT_LOAD;
	}
	run_call(r, f, NULL, 0, &status);
	return status;
}

/* Text: no binary magic, and named *.wat or starting with '(' or a comment
 * (anything else goes to the decoder, which says the magic is missing). */
static bool looks_like_text(const char *path, const uint8_t *b, size_t len)
{
	size_t n = strlen(path), i = 0;

	if (len >= 4 && memcmp(b, "\0asm", 4) == 0)
		return false;
	if (n >= 4 && strcmp(path + n - 4, ".wat") == 0)
		return true;
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i < len && (b[i] == '(' || b[i] == ';');
}

/* Replaces the text in *bytes by its binary; EXIT_LOAD with the error as
 * FILE:LINE:COL: message if it is malformed. */
static int text_to_binary(const char *path, uint8_t **bytes, size_t *len)
{
	struct wat_error we;
	uint8_t *bin;
	size_t n;
	int err = wat_encode((const char *)*bytes, *len, &bin, &n, &we);

	free(*bytes);
	*bytes = NULL;
	if (err == ERR_MALFORMED) {
		fprintf(stderr, "%s:%u:%u: %s\n", path, we.line, we.col, we.msg);
		return EXIT_LOAD;
	}
	if (err) {
		fprintf(stderr, "wasmrun: %s: cannot encode: %s\n", path, err_str(err));
		return EXIT_LOAD;
	}
	*bytes = bin;
	*len = n;
	return 0;
}

static int load_module(struct runner *r, const char *path, int jobs)
{
	struct wasm_workers w;
	size_t len = 0;
	uint8_t *bytes = read_file(path, &len);
	struct wasm_error e = {0};
	int err;

	if (!bytes) {
		fprintf(stderr, "wasmrun: %s: cannot read: %s\n", path, strerror(errno));
		return EXIT_LOAD;
	}
	if (looks_like_text(path, bytes, len)) {
		err = text_to_binary(path, &bytes, &len);
		if (err)
			return err;
	}
	r->t_read = now_ms();
	/* the module takes the buffer: no copy of a big binary */
	err = wasm_module_decode_opts(
		bytes, len, &(struct wasm_load_opts){.bytes = WASM_BYTES_TAKE}, &r->mod, &e);
	r->t_decode = r->t_validate = now_ms();
	if (err == 0) {
		wasm_workers_host(&w, jobs);
		err = wasm_module_validate_on(r->mod, &w, &e);
		r->t_validate = now_ms();
		if (err) {
			wasm_module_free(r->mod);
			r->mod = NULL;
		}
	}
	if (err == ERR_MALFORMED || err == ERR_INVALID) {
		print_module_error(
			path, err == ERR_MALFORMED ? "malformed module" : "invalid module", &e);
		return EXIT_LOAD;
	}
	if (err) {
		fprintf(stderr, "wasmrun: %s: cannot load: %s\n", path, err_str(err));
		return EXIT_LOAD;
	}
	return 0;
}

/* Store, WASI imports, instance; retried with checked memory if guarded
 * memory runs out of address space. */
static int instantiate(struct runner *r, const struct opts *o)
{
	struct wasm_store_config cfg;
	struct wasm_linker *l;
	struct wasm_error e = {0};
	int err;

	wasm_runtime_host_config(o->checked, &cfg, &r->guarded);
	for (;;) {
		if (o->jit) {
			cfg.code_mem = wasm_code_host();
			cfg.stack_mem = wasm_stack_host();
		}
		err = wasm_store_new(&cfg, &r->store);
		if (!err)
			err = wasm_linker_new(r->store, &l);
		if (!err)
			err = wasi_bind_define(l, &r->wasi);
		if (err) {
			fprintf(stderr, "wasmrun: cannot set up the runtime: %s\n", err_str(err));
			return EXIT_LOAD;
		}
		err = wasm_instantiate(r->store, r->mod, l, &r->inst, &e);
		if (err != ERR_NOMEM || !r->guarded)
			break;
		wasm_store_free(r->store);
		r->store = NULL;
		wasm_runtime_host_config(true, &cfg, &r->guarded);
	}
	if (err == ERR_LINK || err == ERR_TRAP || err == ERR_RANGE) {
		fprintf(stderr, "wasmrun: %s: %s: %s\n", o->path,
			err == ERR_LINK ? "link error" : "cannot instantiate", e.msg);
		return EXIT_LOAD;
	}
	if (err) {
		fprintf(stderr, "wasmrun: %s: cannot instantiate: %s\n", o->path, err_str(err));
		return EXIT_LOAD;
	}
	r->inst->name = r->name;
	return 0;
}

/* Opens the --dir directories into r->preopens (closed by close_preopens
 * until a wasi_ctx owns them). */
static int open_dirs(struct runner *r, const struct opts *o)
{
	r->preopens = calloc((size_t)o->ndirs + 1, sizeof(*r->preopens));
	r->dir_names = calloc((size_t)o->ndirs + 1, sizeof(*r->dir_names));
	if (!r->preopens || !r->dir_names)
		return EXIT_LOAD;
	for (int i = 0; i < o->ndirs; i++) {
		size_t host_len;
		const char *guest = dir_guest(o->dirs[i], &host_len);
		char *host = strdup(o->dirs[i]);
		uint16_t e;

		if (!host)
			return EXIT_LOAD;
		r->dir_names[i] = host;
		host[host_len] = '\0';
		e = wasi_posix_open_dir(host, &r->preopens[i].hfd);
		if (e) {
			fprintf(stderr,
				"wasmrun: --dir %s: cannot open the directory (WASI errno %u)\n",
				host, e);
			return EXIT_LOAD;
		}
		r->preopens[i].guest = guest ? host + (guest - o->dirs[i]) : host;
		r->npreopens++;
	}
	return 0;
}

static void close_preopens(struct runner *r)
{
	if (!r->wasi_live)
		for (int i = 0; i < r->npreopens; i++)
			close((int)r->preopens[i].hfd);
	for (int i = 0; r->dir_names && r->dir_names[i]; i++)
		free(r->dir_names[i]);
	free(r->dir_names);
	free(r->preopens);
}

static int setup_wasi(struct runner *r, const struct opts *o)
{
	const char **argv = calloc((size_t)o->nargs + 1, sizeof(*argv));
	struct wasi_config cfg = {
		.argc = (uint32_t)o->nargs + 1,
		.argv = argv,
		.envc = (uint32_t)o->nenvs,
		.envp = o->envs,
		.stdio = {0, 1, 2},
		.npreopens = (uint32_t)r->npreopens,
		.preopens = r->preopens,
	};
	int err;

	if (!argv)
		return EXIT_LOAD;
	argv[0] = o->path;
	for (int i = 0; i < o->nargs; i++)
		argv[i + 1] = o->args[i];
	err = wasi_ctx_init(&r->wasi, wasi_posix_env(), wasi_posix_files(), &cfg);
	free(argv);
	if (err) {
		fprintf(stderr, "wasmrun: cannot set up WASI: %s\n", err_str(err));
		return EXIT_LOAD;
	}
	r->wasi_live = true;
	return 0;
}

static int run(struct runner *r, const struct opts *o)
{
	struct wasm_exec_limits lim = {.fuel = o->fuel};
	struct wasm_funcinst *start;
	int status = 0, err;

	if ((status = load_module(r, o->path, o->jobs)) != 0 || (status = open_dirs(r, o)) != 0 ||
	    (status = setup_wasi(r, o)) != 0 || (status = instantiate(r, o)) != 0)
		return status;
	err = wasm_exec_new(r->store, &lim, &r->exec);
	if (err) {
		fprintf(stderr, "wasmrun: cannot create an exec: %s\n", err_str(err));
		return EXIT_LOAD;
	}
	start = wasm_instance_start_func(r->inst);
	r->t_first = now_ms();
	if (start && run_call(r, start, NULL, 0, &status))
		return status;
	return o->invoke ? run_invoke(r, o) : run_command(r);
}

/* --timings: each start-up step, then the run, in ms from main's start. */
static void print_timings(const struct runner *r)
{
	double end = now_ms();

	fprintf(stderr,
		"wasmrun: %s: read %.1f ms, decode %.1f ms, validate %.1f ms, instantiate %.1f ms;"
		" first instruction at %.1f ms, end at %.1f ms\n",
		r->name, r->t_read - r->t_start, r->t_decode - r->t_read,
		r->t_validate - r->t_decode, r->t_first - r->t_validate, r->t_first - r->t_start,
		end - r->t_start);
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct runner r = {0};
	int status = parse_opts(argc, argv, &o);

	if (status == OPTS_HELP) {
		usage(stdout);
		status = 0;
	} else if (status == 0) {
		const char *slash = strrchr(o.path, '/');

		r.name = slash ? slash + 1 : o.path;
		r.t_start = now_ms();
		status = run(&r, &o);
	}
	fflush(stdout);
	if (o.timings && r.t_first > 0)
		print_timings(&r);
	/* the store before the module (it points into it) and before the
	 * wasi_ctx (its host functions do) */
	wasm_store_free(r.store);
	wasm_module_free(r.mod);
	if (r.wasi_live)
		wasi_ctx_destroy(&r.wasi);
	close_preopens(&r);
	free(o.dirs);
	free(o.envs);
	return status;
}
