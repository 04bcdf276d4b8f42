/*
 * launch.h - starting a program from a file: the one way the kernel does it
 * (the shell's `run`, `bench hello`, the in-kernel tests).
 *
 *   launch_open(name, &f)       find the file (a path, or /bin/NAME[.wasm])
 *                               and get its bytes once: an initrd file in
 *                               place, any other read into one buffer
 *   launch_start(&f, argv, ...) preopen "/" in the programs' file table,
 *                               name the task after the file, spawn it;
 *                               the program takes the bytes over
 *   launch_close(&f)            gives the bytes back instead of starting
 *
 * Split in two so that a caller can check what it needs between finding
 * the program and starting it (the shell: a free job slot) and undo
 * nothing but the open. launch_run does both.
 *
 * Every program shares one WASI-on-VFS handle table (lib/vfs/wasi_vfs.h)
 * over kvfs; its root preopen is a guest's, so the mounts' policy decides
 * what a program may do (kvfs.h). The table is made at boot (launch_init).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/task.h"
#include "wasm/proc.h"

#define LAUNCH_PATH_MAX 256	    /* a program's path, its NUL included */
#define LAUNCH_FILE_MAX (64u << 20) /* the largest program file */

/* A program found and read, not started yet. */
struct launch_file {
	char path[LAUNCH_PATH_MAX]; /* where it was found (from /), with a '/' */
	const uint8_t *bytes;
	size_t len;
	bool owned; /* bytes are a malloc'd copy (else the initrd's, in place) */
};

/* launch_init - the programs' file table. Boot CPU, once, after
 * kvfs_init and before any launch. Panics if memory runs out. */
void launch_init(void);

/*
 * launch_find - where the program `name` is: a name with a '/' is a path
 * from / (the kernel has no cwd), a bare name is /bin/NAME or else
 * /bin/NAME.wasm. Writes path (LAUNCH_PATH_MAX bytes) only on success.
 * Errors: ERR_NOENT (no such file; also for an empty name), ERR_ISDIR,
 * ERR_INVAL (the path would be too long), vfs_stat's errors.
 */
int launch_find(const char *name, char *path);

/*
 * launch_open - finds `name` (launch_find) and gets its bytes: an initrd
 * file is used in place (it never changes), any other is read once into a
 * buffer that f then owns. Errors: launch_find's, ERR_RANGE (larger than
 * LAUNCH_FILE_MAX), ERR_NOMEM, vfs_open's and vfs_read's. *f is written
 * only on success; the caller then passes it to launch_start or
 * launch_close, exactly once. Task context.
 */
int launch_open(const char *name, struct launch_file *f);

/* launch_close - gives back what launch_open took (f is not started). */
void launch_close(struct launch_file *f);

/*
 * launch_start - starts the program f as a task named after its file (the
 * path's last part without ".wasm") with argv[0..argc), argv[0] being the
 * name it was called by. io gives its stdio, arg and released callback (NULL:
 * console, no stdin); its file members are ignored: the program gets the
 * shared file table with io->root (default "/"; "": none) preopened as its "/"
 * (wasm_proc_io's contract holds, released and envp included). we (may be NULL) receives why a
 * module was refused. f is consumed whatever the result: the module takes the bytes over (an
 * initrd's are borrowed, never copied); f->path stays readable. `out` as wasm_proc_spawn's.
 * Errors: ERR_BUSY (the programs' file table is full), ERR_NOENT (io->root
 * is no directory a program may open), ERR_INVAL (argc < 1),
 * and wasm_proc_spawn's (ERR_MALFORMED, ERR_INVALID, ERR_LINK, ERR_NOENT:
 * no _start, ERR_UNSUPP, ERR_NOMEM, ERR_CLOSED). Task context.
 */
int launch_start(struct launch_file *f, int argc, const char *const *argv,
		 const struct wasm_proc_io *io, struct wasm_error *we, struct kasync_join *out);

/*
 * launch_run - launch_open(argv[0]) then launch_start: the program called
 * argv[0], found as launch_find says. Errors: either's. Nothing is left
 * allocated or open on failure. Task context.
 */
int launch_run(int argc, const char *const *argv, const struct wasm_proc_io *io,
	       struct wasm_error *we, struct kasync_join *out);
