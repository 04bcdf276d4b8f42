/*
 * wasi_table.c - the preview1 import table: each function's name, its
 * signature, and a thunk that unpacks raw arguments for the typed C
 * function (an i32 argument is the low 32 bits of its raw value).
 * Functions we do not provide return ENOSYS.
 *
 * Invariant: wasi_imports is sorted by name (wasi_import_find bisects) and
 * holds every function of wasi_snapshot_preview1.
 */
#include <string.h>

#include "base/compiler.h"
#include "wasi/wasi.h"

static uint32_t call_nosys(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	(void)c, (void)m, (void)a;
	return WASI_ENOSYS;
}

static uint32_t call_args_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_args_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_args_sizes_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_args_sizes_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_clock_res_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_clock_res_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_clock_time_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_clock_time_get(c, m, (uint32_t)a[0], a[1], (uint32_t)a[2]);
}

static uint32_t call_environ_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_environ_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_environ_sizes_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_environ_sizes_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_close(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_close(c, m, (uint32_t)a[0]);
}

static uint32_t call_fd_datasync(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_datasync(c, m, (uint32_t)a[0]);
}

static uint32_t call_fd_fdstat_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_fdstat_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_fdstat_set_flags(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_fdstat_set_flags(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_filestat_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_filestat_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_pread(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_pread(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], a[3],
			     (uint32_t)a[4]);
}

static uint32_t call_fd_prestat_dir_name(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_prestat_dir_name(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

static uint32_t call_fd_prestat_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_prestat_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_pwrite(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_pwrite(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], a[3],
			      (uint32_t)a[4]);
}

static uint32_t call_fd_read(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_read(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static uint32_t call_fd_readdir(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_readdir(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], a[3],
			       (uint32_t)a[4]);
}

static uint32_t call_fd_renumber(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_renumber(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_seek(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_seek(c, m, (uint32_t)a[0], (int64_t)a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static uint32_t call_fd_sync(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_sync(c, m, (uint32_t)a[0]);
}

static uint32_t call_fd_tell(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_tell(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_fd_write(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_write(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static uint32_t call_path_create_directory(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_create_directory(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

static uint32_t call_path_filestat_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_filestat_get(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
				      (uint32_t)a[3], (uint32_t)a[4]);
}

static uint32_t call_path_open(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_open(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
			      (uint32_t)a[4], a[5], a[6], (uint32_t)a[7], (uint32_t)a[8]);
}

static uint32_t call_path_remove_directory(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_remove_directory(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

static uint32_t call_path_rename(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_rename(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
				(uint32_t)a[3], (uint32_t)a[4], (uint32_t)a[5]);
}

static uint32_t call_path_unlink_file(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_unlink_file(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

static uint32_t call_poll_oneoff(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_poll_oneoff(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
				(uint32_t)a[3]);
}

static uint32_t call_proc_exit(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_proc_exit(c, m, (uint32_t)a[0]);
}

static uint32_t call_random_get(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_random_get(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

static uint32_t call_sched_yield(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	(void)a;
	return wasi_sched_yield(c, m);
}

static uint32_t call_fd_advise(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_advise(c, m, (uint32_t)a[0], a[1], a[2], (uint32_t)a[3]);
}

static uint32_t call_fd_allocate(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_allocate(c, m, (uint32_t)a[0], a[1], a[2]);
}

static uint32_t call_fd_fdstat_set_rights(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_fdstat_set_rights(c, m, (uint32_t)a[0], a[1], a[2]);
}

static uint32_t call_fd_filestat_set_size(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_filestat_set_size(c, m, (uint32_t)a[0], a[1]);
}

static uint32_t call_fd_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_fd_filestat_set_times(c, m, (uint32_t)a[0], a[1], a[2], (uint32_t)a[3]);
}

static uint32_t call_path_filestat_set_times(struct wasi_ctx *c, struct wasi_mem m,
					     const uint64_t *a)
{
	return wasi_path_filestat_set_times(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
					    (uint32_t)a[3], a[4], a[5], (uint32_t)a[6]);
}

static uint32_t call_path_link(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_link(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
			      (uint32_t)a[4], (uint32_t)a[5], (uint32_t)a[6]);
}

static uint32_t call_path_readlink(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_readlink(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
				  (uint32_t)a[3], (uint32_t)a[4], (uint32_t)a[5]);
}

static uint32_t call_path_symlink(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_path_symlink(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
				 (uint32_t)a[3], (uint32_t)a[4]);
}

static uint32_t call_sock_accept(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_sock_accept(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

static uint32_t call_sock_recv(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_sock_recv(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
			      (uint32_t)a[4], (uint32_t)a[5]);
}

static uint32_t call_sock_send(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_sock_send(c, m, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
			      (uint32_t)a[4]);
}

static uint32_t call_sock_shutdown(struct wasi_ctx *c, struct wasi_mem m, const uint64_t *a)
{
	return wasi_sock_shutdown(c, m, (uint32_t)a[0], (uint32_t)a[1]);
}

const struct wasi_import wasi_imports[] = {
	{"args_get", "ii:i", call_args_get},
	{"args_sizes_get", "ii:i", call_args_sizes_get},
	{"clock_res_get", "ii:i", call_clock_res_get},
	{"clock_time_get", "iIi:i", call_clock_time_get},
	{"environ_get", "ii:i", call_environ_get},
	{"environ_sizes_get", "ii:i", call_environ_sizes_get},
	{"fd_advise", "iIIi:i", call_fd_advise},
	{"fd_allocate", "iII:i", call_fd_allocate},
	{"fd_close", "i:i", call_fd_close},
	{"fd_datasync", "i:i", call_fd_datasync},
	{"fd_fdstat_get", "ii:i", call_fd_fdstat_get},
	{"fd_fdstat_set_flags", "ii:i", call_fd_fdstat_set_flags},
	{"fd_fdstat_set_rights", "iII:i", call_fd_fdstat_set_rights},
	{"fd_filestat_get", "ii:i", call_fd_filestat_get},
	{"fd_filestat_set_size", "iI:i", call_fd_filestat_set_size},
	{"fd_filestat_set_times", "iIIi:i", call_fd_filestat_set_times},
	{"fd_pread", "iiiIi:i", call_fd_pread},
	{"fd_prestat_dir_name", "iii:i", call_fd_prestat_dir_name},
	{"fd_prestat_get", "ii:i", call_fd_prestat_get},
	{"fd_pwrite", "iiiIi:i", call_fd_pwrite},
	{"fd_read", "iiii:i", call_fd_read},
	{"fd_readdir", "iiiIi:i", call_fd_readdir},
	{"fd_renumber", "ii:i", call_fd_renumber},
	{"fd_seek", "iIii:i", call_fd_seek},
	{"fd_sync", "i:i", call_fd_sync},
	{"fd_tell", "ii:i", call_fd_tell},
	{"fd_write", "iiii:i", call_fd_write},
	{"path_create_directory", "iii:i", call_path_create_directory},
	{"path_filestat_get", "iiiii:i", call_path_filestat_get},
	{"path_filestat_set_times", "iiiiIIi:i", call_path_filestat_set_times},
	{"path_link", "iiiiiii:i", call_path_link},
	{"path_open", "iiiiiIIii:i", call_path_open},
	{"path_readlink", "iiiiii:i", call_path_readlink},
	{"path_remove_directory", "iii:i", call_path_remove_directory},
	{"path_rename", "iiiiii:i", call_path_rename},
	{"path_symlink", "iiiii:i", call_path_symlink},
	{"path_unlink_file", "iii:i", call_path_unlink_file},
	{"poll_oneoff", "iiii:i", call_poll_oneoff},
	{"proc_exit", "i:", call_proc_exit},
	{"proc_raise", "i:i", call_nosys},
	{"random_get", "ii:i", call_random_get},
	{"sched_yield", ":i", call_sched_yield},
	{"sock_accept", "iii:i", call_sock_accept},
	{"sock_recv", "iiiiii:i", call_sock_recv},
	{"sock_send", "iiiii:i", call_sock_send},
	{"sock_shutdown", "ii:i", call_sock_shutdown},
};
const size_t wasi_nimports = ARRAY_SIZE(wasi_imports);

const struct wasi_import *wasi_import_find(const char *name, size_t len)
{
	size_t lo = 0, hi = ARRAY_SIZE(wasi_imports);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *n = wasi_imports[mid].name;
		size_t nlen = strlen(n);
		int cmp = memcmp(name, n, MIN(len, nlen));

		if (cmp == 0)
			cmp = len < nlen ? -1 : len > nlen;
		if (cmp == 0)
			return &wasi_imports[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
