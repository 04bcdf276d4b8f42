/*
 * shell_proc.c - the shell's commands about programs and tasks:
 *
 *   run PROG [ARG...] [&]   start a program (a path, or a name in /bin)
 *   jobs                    the background programs
 *   kill ID|%N...           end jobs (IDs from ps or jobs, %N a job number)
 *   ps                      every task: /proc/tasks
 *
 * The jobs themselves (the table, the console's input, the notices) are
 * shell_jobs.c's; these commands only parse their words and ask it.
 */
#include "base/err.h"
#include "core/console.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"

int shell_cmd_run(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: run PROGRAM [ARG...] [&]   (PROGRAM: a path, or a name in /bin)\n");
		return 2;
	}
	return shell_jobs_run_program(argc - 1, argv + 1, false);
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
