/*
 * vfs_util.h - helpers shared by the tests/host/vfs_*.c suites: a fake
 * clock, whole-file read/write shortcuts, a readdir collector, and a tiny
 * cpio newc writer (tests only: it uses snprintf).
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfs/vfs.h"

static inline uint64_t vfs_test_clock(void *arg)
{
	uint64_t *now = arg;

	return *now += 1000;
}

/* Writes a whole file (created/truncated); returns an enum err. */
static inline int vfs_test_put(struct vfs *v, const char *path, const char *text)
{
	struct vfs_file *f;
	size_t n = 0;
	int e = vfs_open(v, NULL, path, VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC, &f);

	if (e)
		return e;
	e = vfs_write(f, text, strlen(text), &n);
	vfs_close(f);
	return e ? e : n == strlen(text) ? 0 : ERR_IO;
}

/* Reads a whole file into buf (NUL-terminated); returns an enum err. */
static inline int vfs_test_get(struct vfs *v, const char *path, char *buf, size_t cap)
{
	struct vfs_file *f;
	size_t len = 0;
	int e = vfs_open(v, NULL, path, VFS_O_READ, &f);

	if (e)
		return e;
	for (;;) {
		size_t n = 0;

		e = vfs_read(f, buf + len, cap - 1 - len, &n);
		if (e || n == 0)
			break;
		len += n;
	}
	buf[len] = 0;
	vfs_close(f);
	return e;
}

/* Collects entry names "a,b,c" (without "." and "..") from a cookie on. */
struct vfs_test_names {
	char buf[512];
	size_t len;
	unsigned count, stop_after;
	uint64_t last_cookie;
};

static inline bool vfs_test_name_cb(void *arg, const struct vfs_dirent *d)
{
	struct vfs_test_names *n = arg;

	if (n->stop_after && n->count == n->stop_after)
		return false;
	n->count++;
	n->last_cookie = d->next;
	if ((d->namelen == 1 && d->name[0] == '.') ||
	    (d->namelen == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return true;
	if (n->len + d->namelen + 2 < sizeof(n->buf)) {
		if (n->len)
			n->buf[n->len++] = ',';
		memcpy(n->buf + n->len, d->name, d->namelen);
		n->len += d->namelen;
		n->buf[n->len] = 0;
	}
	return true;
}

/* The names in directory `path` from the start; returns an enum err. */
static inline int vfs_test_list(struct vfs *v, const char *path, struct vfs_test_names *out)
{
	struct vfs_file *d;
	int e = vfs_open(v, NULL, path, VFS_O_READ | VFS_O_DIRECTORY, &d);

	memset(out, 0, sizeof(*out));
	if (e)
		return e;
	e = vfs_readdir(d, 0, vfs_test_name_cb, out);
	vfs_close(d);
	return e;
}

/* ---- a newc writer ---- */

struct arc {
	uint8_t buf[8192];
	size_t len;
};

static inline void arc_pad(struct arc *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* One entry; namesize -1 means strlen(name) + 1. */
static inline void arc_entry_raw(struct arc *a, const char *magic, uint32_t mode, const char *name,
				 long namesize, const void *data, uint32_t size)
{
	uint32_t ns = namesize < 0 ? (uint32_t)strlen(name) + 1 : (uint32_t)namesize;
	char h[111];

	snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u,
		 mode, 0u, 0u, 1u, 1700000000u, size, 0u, 0u, 0u, 0u, ns, 0u);
	memcpy(a->buf + a->len, h, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += ns > strlen(name) + 1 ? strlen(name) + 1 : ns; /* a bogus size writes less */
	arc_pad(a);
	if (size)
		memcpy(a->buf + a->len, data, size);
	a->len += size;
	arc_pad(a);
}

static inline void arc_file(struct arc *a, const char *name, const char *text)
{
	arc_entry_raw(a, "070701", 0100644, name, -1, text, (uint32_t)strlen(text));
}

static inline void arc_dir(struct arc *a, const char *name)
{
	arc_entry_raw(a, "070701", 040755, name, -1, NULL, 0);
}

static inline void arc_end(struct arc *a)
{
	arc_entry_raw(a, "070701", 0, "TRAILER!!!", -1, NULL, 0);
}
