/*
 * launch.c - starting a program from a file (see launch.h).
 *
 * Invariant: a launch_file between launch_open and launch_start/close holds
 * its bytes and nothing else; the only thing launch_start takes besides is
 * the root preopen, which the program owns from the spawn on (it is closed
 * with the program, or by the spawn when that fails), so a failed launch
 * leaves nothing behind.
 */
#include "wasm/launch.h"

#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/panic.h"
#include "fs/kvfs.h"
#include "vfs/wasi_vfs.h"
#include "wasm/load.h"

int launch_find(const char *name, char *path)
{
	static const char *const forms[] = {"%s", "/bin/%s", "/bin/%s.wasm"};
	bool has_slash = strchr(name, '/') != NULL;
	struct vfs_stat st;
	int err = ERR_NOENT;

	if (!name[0])
		return ERR_NOENT;
	for (size_t i = has_slash ? 0 : 1; i < (has_slash ? 1 : ARRAY_SIZE(forms)); i++) {
		if ((size_t)fmt_snprintf(path, LAUNCH_PATH_MAX, forms[i], name) >= LAUNCH_PATH_MAX)
			return ERR_INVAL;
		err = vfs_stat(kvfs, NULL, path, &st);
		if (!err && st.type == VFS_TYPE_DIR)
			err = ERR_ISDIR;
		if (err != ERR_NOENT)
			return err;
	}
	return err;
}

int launch_open(const char *name, struct launch_file *f)
{
	char path[LAUNCH_PATH_MAX];
	const uint8_t *bytes;
	size_t len;
	bool owned;
	int err = launch_find(name, path);

	if (!err)
		err = kvfs_map_file(path, LAUNCH_FILE_MAX, &bytes, &len, &owned);
	if (err)
		return err;
	memcpy(f->path, path, sizeof(path));
	f->bytes = bytes;
	f->len = len;
	f->owned = owned;
	return 0;
}

void launch_close(struct launch_file *f)
{
	if (f->owned)
		free((void *)f->bytes);
	f->bytes = NULL;
	f->owned = false;
}

/* ---- the programs' files: WASI on the kernel's VFS ---- */

static struct wasi_vfs files; /* every program's file calls, on kvfs; set at boot */

void launch_init(void)
{
	int64_t hfd;

	wasi_vfs_init(&files, kvfs, 0);
	/* one preopen closed at once: the handle table takes its first room
	 * now rather than as the first program's, so comparing the heap before
	 * and after programs shows what they keep */
	if (wasi_vfs_preopen(&files, "/", VFS_ACCESS_WRITE, &hfd))
		panic("launch: cannot open / for programs");
	wasi_vfs_files(&files)->close(wasi_vfs_files(&files)->arg, hfd);
}

/*
 * The one place that knows how a program's files are served: fills io's
 * file members with the shared table and a new "/" preopen of io->root
 * (or of "/"; none for ""; *pre must outlive the spawn call). ERR_BUSY if the table is
 * full, ERR_NOENT if the root cannot be opened as a directory.
 */
static int launch_files(struct wasm_proc_io *io, struct wasi_preopen *pre)
{
	int64_t root;
	uint16_t e;

	if (io->root && !io->root[0]) { /* no preopen: fd 3 is no file */
		io->files = wasi_vfs_files(&files);
		io->npreopens = 0;
		io->preopens = NULL;
		return 0;
	}
	/* "/" as a guest's: the mounts' policy decides (README, "What a program
	 * can and cannot do"); WRITE: the preopen itself narrows nothing */
	e = wasi_vfs_preopen(&files, io->root ? io->root : "/", VFS_ACCESS_WRITE, &root);
	if (e)
		return e == WASI_EMFILE || e == WASI_ENOMEM ? ERR_BUSY : ERR_NOENT;
	*pre = (struct wasi_preopen){.hfd = root, .guest = "/"};
	io->files = wasi_vfs_files(&files);
	io->npreopens = 1;
	io->preopens = pre;
	return 0;
}

/* ---- start ---- */

int launch_start(struct launch_file *f, int argc, const char *const *argv,
		 const struct wasm_proc_io *io, struct wasm_error *we, struct kasync_join *out)
{
	struct wasm_proc_opts opts = {.err = we};
	struct wasm_proc_io pio = {0};
	struct wasi_preopen pre;
	char task_name[WASM_PROC_NAME_MAX];

	if (argc < 1 || !argv) {
		launch_close(f);
		return ERR_INVAL;
	}
	if (io)
		pio = *io;
	int e = launch_files(&pio, &pre);
	if (e) {
		launch_close(f);
		return e;
	}
	/* the task is named after the file, without its directory and .wasm */
	const char *base = strrchr(f->path, '/') + 1; /* launch_find's paths have one */
	size_t base_len = strlen(base);
	if (base_len > 5 && strcmp(base + base_len - 5, ".wasm") == 0)
		base_len -= 5;
	fmt_snprintf(task_name, sizeof(task_name), "%.*s", (int)base_len, base);
	opts.bytes = f->owned ? WASM_BYTES_TAKE : WASM_BYTES_BORROW; /* never copied again */
	opts.cache = true; /* initrd bytes never go away; owned ones go with the module */
	opts.interp = pio.interp;
	const uint8_t *bytes = f->bytes;
	f->bytes = NULL; /* the program's now */
	f->owned = false;
	return wasm_proc_spawn_opts(bytes, f->len, task_name, argc, argv, &pio, &opts, out);
}

int launch_run(int argc, const char *const *argv, const struct wasm_proc_io *io,
	       struct wasm_error *we, struct kasync_join *out)
{
	struct launch_file f;
	int err;

	if (argc < 1 || !argv)
		return ERR_INVAL;
	err = launch_open(argv[0], &f);
	if (err)
		return err;
	return launch_start(&f, argc, argv, io, we, out);
}
