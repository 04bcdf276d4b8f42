/*
 * shell_proc.c - the shell's commands about programs and tasks:
 *
 *   run [--interp] [--root DIR | --no-root] PROG [ARG...] [&]
 *                           start a program (a path from the working
 *                           directory, or a name in /bin),
 *                           interpreted instead of compiled, DIR
 *                           (writable, from /) preopened as its "/", or
 *                           no preopen at all
 *   ring A... -- B...       two programs, each one's output the other's input
 *   jobs                    the background programs
 *   kill ID|%N...           end jobs (IDs from ps or jobs, %N a job number)
 *   ps                      every task: /proc/tasks
 *
 * The jobs themselves (the table, the console's input, the notices) are
 * shell_jobs.c's; these commands only parse their words and ask it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "kasync/pipe.h"
#include "vfs/vfs.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"

static int run_usage(void)
{
	kprintf("usage: run [--interp] [--root DIR | --no-root] PROGRAM [ARG...] [&]   (PROGRAM: "
		"a path, or a name in /bin; --interp: interpreted, not compiled; DIR: a "
		"directory the program sees as its /; --no-root: no files)\n");
	return 2;
}

/* Only the shell task runs commands: one of each at a time. */
static char root_path[VFS_PATH_MAX], prog_path[VFS_PATH_MAX];
static char pwd_var[sizeof("PWD=") + VFS_PATH_MAX];

static bool env_has_pwd(const char **envp, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (strncmp(envp[i], "PWD=", 4) == 0)
			return true;
	return false;
}

/*
 * "PWD=DIR": the shell's working directory as a program with files sees
 * it, from its root (`root`, absolute; NULL: "/"); "/" when it is outside
 * that root. WASI has no working directory: a wasi-libc program resolves
 * a relative path from "/" unless it calls chdir, so the programs of
 * userland/ start with chdir($PWD) (userland/lib/pwd.c), as a Unix program
 * starts in its parent's directory.
 */
static const char *program_pwd(const char *root)
{
	char *cwd = pwd_var + 4;
	size_t rl = root ? strlen(root) : 0;

	memcpy(pwd_var, "PWD=", 4);
	if (shell_path_abs(".", cwd))
		memcpy(cwd, "/", 2);
	if (rl > 1) { /* a root of its own: the part under it */
		bool inside = strncmp(cwd, root, rl) == 0 && (cwd[rl] == '/' || !cwd[rl]);
		const char *rest = inside && cwd[rl] ? cwd + rl : "/";
		memmove(cwd, rest, strlen(rest) + 1);
	}
	return pwd_var;
}

int shell_run_words(int argc, char **argv, bool background, int nassign, char **assign)
{
	struct shell_run_opts o = {0};
	struct vfs_stat st;
	int status;

	if (argc >= 1 && strcmp(argv[0], "--interp") == 0) {
		o.interp = true;
		argc--;
		argv++;
	}
	if (argc >= 1 && strcmp(argv[0], "--no-root") == 0) {
		o.root = ""; /* no preopen */
		argc--;
		argv++;
	} else if (argc >= 1 && strcmp(argv[0], "--root") == 0) {
		if (argc < 3)
			return run_usage();
		o.root = argv[1];
		argc -= 2;
		argv += 2;
		int err = shell_path_abs(argv[-1], root_path);
		o.root = root_path;
		if (!err)
			err = vfs_stat(kvfs, NULL, o.root, &st);
		if (!err && st.type != VFS_TYPE_DIR)
			err = ERR_NOTDIR;
		if (err) {
			kprintf("run: --root %s: %s\n", o.root, err_text(err));
			return 1;
		}
	}
	if (argc < 1)
		return run_usage();
	/* a path is taken from the working directory, a bare name from /bin */
	if (strchr(argv[0], '/') && argv[0][0] != '/') {
		if (shell_path_abs(argv[0], prog_path)) {
			kprintf("run: %s: path too long\n", argv[0]);
			return 2;
		}
		argv[0] = prog_path;
	}
	const char **envp = shell_env_build(nassign, assign, &o.envc);
	if (envp && !(o.root && !o.root[0]) && !env_has_pwd(envp, o.envc)) {
		const char **more = realloc(envp, (o.envc + 2) * sizeof(*envp));
		if (more) {
			more[o.envc++] = program_pwd(o.root);
			more[o.envc] = NULL;
		} else {
			free(envp);
		}
		envp = more;
	}
	if (!envp) {
		kprintf("run: no memory for the environment\n");
		return 1;
	}
	o.envp = envp;
	status = shell_jobs_run_program(argc, argv, background, &o);
	free(envp); /* the program has its copy */
	return status;
}

int shell_cmd_run(int argc, char **argv)
{
	if (argc < 2)
		return run_usage();
	return shell_run_words(argc - 1, argv + 1, false, 0, NULL);
}

/*
 * ring A... -- B...: a pipeline closed into a ring, A's stdout into B's
 * stdin and B's stdout into A's stdin, through two pipes as a pipeline's
 * (pipebench's ping-pong). Both are foreground jobs: the line waits for
 * both, Ctrl-C stops both, and one that ends closes its ends, so the other
 * sees the end of its input, or that nobody reads.
 */
int shell_cmd_ring(int argc, char **argv)
{
	struct shell_redirs *r = shell_redirs_pending();
	struct kasync_pipe *ab, *ba;
	int k = 1, status;

	while (k < argc && strcmp(argv[k], "--") != 0)
		k++;
	if (k < 2 || k + 1 >= argc) {
		kprintf("usage: ring PROG [ARG...] -- PROG [ARG...]   (each one's output is the "
			"other's input)\n");
		return 2;
	}
	if (r->in || r->out || r->err || r->pipe_in || r->pipe_out) {
		kprintf("ring: its programs take no redirects and no pipes\n");
		return 2;
	}
	if (kasync_pipe_create(SHELL_PIPE_BYTES, &ab)) {
		kprintf("ring: no memory for the pipes\n");
		return 1;
	}
	if (kasync_pipe_create(SHELL_PIPE_BYTES, &ba)) {
		kasync_pipe_close_read(ab);
		kasync_pipe_close_write(ab);
		kprintf("ring: no memory for the pipes\n");
		return 1;
	}
	r->pipe_in = ba;
	r->pipe_out = ab;
	status = shell_run_words(k - 1, argv + 1, false, 0, NULL);
	shell_redirs_close(r); /* what the first one did not take */
	if (status) {
		kasync_pipe_close_read(ab);
		kasync_pipe_close_write(ba);
		return status;
	}
	r->pipe_in = ab;
	r->pipe_out = ba;
	status = shell_run_words(argc - k - 1, argv + k + 1, false, 0, NULL);
	shell_redirs_close(r); /* the first one sees the ends */
	return status;
}

int shell_cmd_jobs(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		kprintf("usage: jobs\n");
		return 2;
	}
	shell_jobs_print();
	return 0;
}

int shell_cmd_kill(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		kprintf("usage: kill ID|%%N...   (IDs from ps or jobs, %%N a job number)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (shell_jobs_kill(argv[i])) {
			kprintf("kill: %s: no such job\n", argv[i]);
			status = 1;
		}
	return status;
}

int shell_cmd_ps(int argc, char **argv)
{
	char *cat_argv[] = {"cat", "/proc/tasks", NULL};
	(void)argv;
	if (argc > 1) {
		kprintf("usage: ps\n");
		return 2;
	}
	return shell_cmd_cat(2, cat_argv);
}
