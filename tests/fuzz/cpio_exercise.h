/*
 * cpio_exercise.h - builds an initramfs from one input and walks all of it
 * (readdir, stat, read every file, vfs_check); shared by the libFuzzer
 * target and the host test that replays tests/fuzz/regress/cpio.
 *
 * The input must be exactly `len` bytes of its own allocation so that ASan
 * catches any read past the end. Consistency checks that fail abort().
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "vfs/vfs.h"

static inline void cpio_exercise_check(int ok)
{
	if (!ok)
		abort();
}

struct cpio_exercise_names {
	char (*names)[VFS_NAME_MAX + 1];
	size_t n, cap;
};

static inline bool cpio_exercise_collect(void *arg, const struct vfs_dirent *d)
{
	struct cpio_exercise_names *l = arg;

	cpio_exercise_check(d->namelen >= 1 && d->namelen <= VFS_NAME_MAX);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *p = realloc(l->names, cap * sizeof(*l->names));

		if (!p)
			return false;
		l->names = p;
		l->cap = cap;
	}
	memcpy(l->names[l->n], d->name, d->namelen);
	l->names[l->n][d->namelen] = 0;
	l->n++;
	return true;
}

/* Reads every file under the open directory d; returns the file count. */
static inline unsigned cpio_exercise_walk(struct vfs *v, struct vfs_file *d, unsigned depth)
{
	struct cpio_exercise_names l = {0};
	unsigned files = 0;

	cpio_exercise_check(depth < VFS_PATH_MAX);
	cpio_exercise_check(vfs_readdir(d, 2, cpio_exercise_collect, &l) == 0);
	for (size_t i = 0; i < l.n; i++) {
		struct vfs_file *f;
		struct vfs_stat st;

		cpio_exercise_check(vfs_stat(v, d, l.names[i], &st) == 0);
		cpio_exercise_check(vfs_open(v, d, l.names[i], VFS_O_READ, &f) == 0);
		if (st.type == VFS_TYPE_DIR) {
			files += cpio_exercise_walk(v, f, depth + 1);
		} else {
			char buf[512];
			uint64_t total = 0;
			size_t n;

			cpio_exercise_check(vfs_open(v, d, l.names[i], VFS_O_WRITE,
						     &(struct vfs_file *){0}) == ERR_ROFS);
			while (vfs_read(f, buf, sizeof(buf), &n) == 0 && n)
				total += n;
			cpio_exercise_check(total == st.size);
			files++;
		}
		vfs_close(f);
	}
	free(l.names);
	return files;
}

/* Returns the vfs_initramfs_create result. */
static inline int cpio_exercise(const uint8_t *data, size_t len)
{
	struct vfs_cpio_error why = {0};
	struct vfs_fs *fs;
	struct vfs_file *root;
	struct vfs *v;
	int e;

	if (vfs_create(NULL, NULL, &v))
		return ERR_NOMEM;
	e = vfs_initramfs_create(v, data, len, &fs, &why);
	if (e == 0) {
		cpio_exercise_check(vfs_mount(v, "/", fs, 0) == 0);
		cpio_exercise_check(vfs_open(v, NULL, "/", VFS_O_READ, &root) == 0);
		(void)cpio_exercise_walk(v, root, 0);
		e = vfs_mkdir(v, NULL, "/new");
		cpio_exercise_check(e == ERR_ROFS || e == ERR_EXIST);
		e = 0;
		vfs_close(root);
		vfs_check(v);
	} else if (e != ERR_NOMEM) {
		cpio_exercise_check(e == ERR_MALFORMED || e == ERR_TRUNC);
		cpio_exercise_check(why.reason != NULL && why.offset <= len);
	}
	vfs_destroy(v);
	return e;
}
