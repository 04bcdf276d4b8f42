/*
 * shell_env.c - the shell's environment: the variables every program it
 * starts receives as its WASI environ, and the commands on them:
 *
 *   export K=V...   set (a bare K=V line does the same)
 *   env             list them, one K=V a line
 *   unset K...      remove
 *   K=V PROG ARG... PROG alone gets K=V (over an exported K)
 *
 * Invariant: vars[0..nvars) are distinct valid names, each a malloc'd
 * "K=V" string; only the shell task touches them (every command runs on
 * it), so there is no lock.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/console.h"
#include "shell/shell_internal.h"

#define ENV_MAX 64 /* exported variables */

static char *vars[ENV_MAX];
static size_t nvars;

/* The length of the name of "K=V", or 0 if it is not an assignment
 * (a name is a letter or '_', then letters, digits, '_'). */
size_t shell_env_name_len(const char *w)
{
	size_t i = 0;

	if (!((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z') || w[0] == '_'))
		return 0;
	while ((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z') ||
	       (w[i] >= '0' && w[i] <= '9') || w[i] == '_')
		i++;
	return w[i] == '=' ? i : 0;
}

/* The index of the variable named name[0..len), or -1. */
static int env_find(char *const *list, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(list[i], name, len) == 0 && list[i][len] == '=')
			return (int)i;
	return -1;
}

const char *shell_env_get(const char *name, size_t len)
{
	int i = env_find(vars, nvars, name, len);
	return i < 0 ? NULL : vars[i] + len + 1;
}

/* Sets "K=V" (already checked); ERR_RANGE when full, ERR_NOMEM. */
static int env_set(const char *kv)
{
	size_t len = shell_env_name_len(kv);
	int i = env_find(vars, nvars, kv, len);
	char *copy;

	if (i < 0 && nvars == ENV_MAX)
		return ERR_RANGE;
	copy = malloc(strlen(kv) + 1);
	if (!copy)
		return ERR_NOMEM;
	memcpy(copy, kv, strlen(kv) + 1);
	if (i >= 0) {
		free(vars[i]);
		vars[i] = copy;
	} else {
		vars[nvars++] = copy;
	}
	return 0;
}

int shell_env_assign(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int e = env_set(argv[i]);

		if (e) {
			kprintf("export: %s: %s\n", argv[i],
				e == ERR_RANGE ? "too many variables (at most 64)" : err_text(e));
			return 1;
		}
	}
	return 0;
}

int shell_cmd_export(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: export NAME=VALUE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (!shell_env_name_len(argv[i])) {
			kprintf("export: '%s': not NAME=VALUE\n", argv[i]);
			return 2;
		}
	return shell_env_assign(argc - 1, argv + 1);
}

int shell_cmd_env(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		kprintf("usage: env   (to run a program with variables: NAME=VALUE PROGRAM...)\n");
		return 2;
	}
	for (size_t i = 0; i < nvars; i++)
		kprintf("%s\n", vars[i]);
	return 0;
}

int shell_cmd_unset(int argc, char **argv)
{
	if (argc < 2) {
		kprintf("usage: unset NAME...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		int i = env_find(vars, nvars, argv[a], strlen(argv[a]));

		if (i < 0)
			continue; /* as sh: unsetting what is not set is no error */
		free(vars[i]);
		vars[i] = vars[--nvars];
	}
	return 0;
}

const char **shell_env_build(int nassign, char **assign, uint32_t *out_n)
{
	const char **envp = malloc((nvars + (size_t)nassign + 1) * sizeof(*envp));
	size_t n = 0;

	if (!envp)
		return NULL;
	for (size_t i = 0; i < nvars; i++)
		if (env_find(assign, (size_t)nassign, vars[i], shell_env_name_len(vars[i])) < 0)
			envp[n++] = vars[i];
	for (int i = 0; i < nassign; i++) {
		size_t len = shell_env_name_len(assign[i]);

		/* a later K=V on the line wins over an earlier one */
		if (env_find(assign + i + 1, (size_t)(nassign - i - 1), assign[i], len) < 0)
			envp[n++] = assign[i];
	}
	envp[n] = NULL;
	*out_n = (uint32_t)n;
	return envp;
}
