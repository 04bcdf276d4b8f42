/*
 * pwd.c - linked into every program of userland/: starts it in the
 * directory the shell gave it in PWD, as a Unix program starts in its
 * parent's working directory.
 *
 * WASI has no working directory. wasi-libc takes every path, relative or
 * not, from "/" (it strips the leading '/' and looks the rest up in the
 * preopens by prefix) until the program calls chdir; from then on it joins
 * relative paths to the directory chdir recorded. The kernel shell passes
 * its working directory as PWD (from the program's root), so this runs
 * chdir(PWD) before main; without PWD (wasmrun) nothing changes.
 */
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void pwd_enter(void)
{
	const char *dir = getenv("PWD");

	if (dir && dir[0] == '/' && dir[1])
		(void)chdir(dir); /* a directory gone since: stay at "/" */
}
