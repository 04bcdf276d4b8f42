/*
 * ktracefs.c - /sys/kernel/tracing as a synthetic filesystem: one synth file
 * per lib/trace tracefs file, found by walking ktrace_fs_list at boot. Each
 * open VFS file holds one trace_fs_file (its read position and partial
 * line); reads and writes go straight to ktrace_fs_read/_write.
 *
 *   vfs_open("/sys/kernel/tracing/trace") --> tf_open --> ktrace_fs_open("trace")
 *   vfs_read                              --> tf_read --> ktrace_fs_read
 *
 * trace_pipe is a stream (no seek, no size): a read returns ERR_AGAIN when
 * the rings are empty, `ready` says whether records wait, and a task parks
 * on kvfs_trace_pipe_wait. Invariant: the path strings given as synth
 * `arg` are allocated here and never freed (tracefs lives as long as the
 * kernel).
 */
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "fs/kvfs.h"
#include "trace/ktrace.h"

#define TF_PATH_MAX 160
#define TF_DIR_MAX  128 /* entries of one directory */

static int tf_open(void *arg, uint32_t flags, void **state)
{
	struct trace_fs_file *f;
	int err = ktrace_fs_open(arg, (flags & VFS_O_TRUNC) ? TRACE_FS_TRUNC : 0, &f);
	if (!err)
		*state = f;
	return err;
}

static int tf_read(void *arg, void *state, void *buf, size_t cap, size_t *out_n)
{
	(void)arg;
	return ktrace_fs_read(state, buf, cap, out_n);
}

static int tf_write(void *arg, void *state, const void *buf, size_t len)
{
	(void)arg;
	return ktrace_fs_write(state, buf, len);
}

static bool tf_pipe_ready(void *arg, void *state, bool write)
{
	(void)arg;
	(void)state;
	return !write && trace_ctx_has_data(&ktrace);
}

static void tf_release(void *arg, void *state)
{
	(void)arg;
	ktrace_fs_close(state);
}

static const struct vfs_synth_ops tf_file_ops = {
	.open = tf_open, .read = tf_read, .write = tf_write, .release = tf_release};

static const struct vfs_synth_ops tf_pipe_ops = {.open = tf_open,
						 .read = tf_read,
						 .write = tf_write,
						 .ready = tf_pipe_ready,
						 .release = tf_release,
						 .stream = true};

bool kvfs_trace_pipe_wait(const struct kasync_waker *w)
{
	return ktrace_pipe_wait(w);
}

struct tf_listing {
	char *names[TF_DIR_MAX];
	bool is_dir[TF_DIR_MAX];
	size_t n;
	bool failed;
};

static void tf_collect(void *arg, const char *name, bool is_dir)
{
	struct tf_listing *l = arg;
	size_t len = strlen(name);
	if (l->n == TF_DIR_MAX || !(l->names[l->n] = malloc(len + 1))) {
		l->failed = true;
		return;
	}
	memcpy(l->names[l->n], name, len + 1);
	l->is_dir[l->n++] = is_dir;
}

/* Adds the entries of tracefs directory `dir` ("" = root), recursively. */
static int tf_add_dir(struct vfs_fs *fs, const char *dir)
{
	struct tf_listing *l = calloc(1, sizeof(*l));
	int err = l ? ktrace_fs_list(dir, tf_collect, l) : ERR_NOMEM;
	if (!err && l->failed)
		err = ERR_NOMEM;
	for (size_t i = 0; i < (l ? l->n : 0); i++) {
		char *path = NULL;
		size_t need = strlen(dir) + 1 + strlen(l->names[i]) + 1;
		if (!err && need <= TF_PATH_MAX && (path = malloc(need)))
			fmt_snprintf(path, need, "%s%s%s", dir, *dir ? "/" : "", l->names[i]);
		else if (!err)
			err = need > TF_PATH_MAX ? ERR_RANGE : ERR_NOMEM;
		if (!err && l->is_dir[i]) {
			err = vfs_synth_add_dir(fs, dir, l->names[i]);
			if (!err)
				err = tf_add_dir(fs, path);
			free(path);
		} else if (!err) {
			bool pipe = strcmp(path, "trace_pipe") == 0;
			err = vfs_synth_add_file(fs, dir, l->names[i],
						 pipe ? &tf_pipe_ops : &tf_file_ops, path);
			if (err)
				free(path);
		}
		free(l->names[i]);
	}
	free(l);
	return err;
}

int kvfs_tracefs_create(struct vfs *v, struct vfs_fs **out)
{
	struct vfs_fs *fs;
	int err = vfs_synth_create(v, &fs);
	if (!err)
		err = tf_add_dir(fs, "");
	if (!err)
		*out = fs;
	return err;
}
