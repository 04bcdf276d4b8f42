/*
 * ext2_exercise.h - what the ext2 fuzzer (ext2_fuzz.c) and its replay do
 * with one input: the bytes are a disk image (padded with zeros to the
 * size its superblock claims, at most EXT2_FUZZ_MAX_IMAGE). Mount it
 * read-write, walk every directory (bounded: a hostile image may hold
 * cycles), read every file and symlink, then a fixed sequence of changes
 * (create, write, truncate, mkdir, rename, link, symlink, unlink, rmdir,
 * on new names and on names found by the walk), an operation script read
 * from the input's last sixteenth (at most EXT2_FUZZ_MAX_OPS bytes;
 * ext2_fuzz_ops), ext2_check, unmount, and mount again read-only to walk
 * the result. Any error is fine; a crash, a sanitizer report, an ASSERT or
 * a hang is a bug.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ext2/ext2.h"

#define EXT2_FUZZ_MAX_IMAGE  (1u << 20)
#define EXT2_FUZZ_MAX_VISITS 256u
#define EXT2_FUZZ_MAX_OPS    256u /* bytes of operation script (4 an operation) */

struct ext2_fuzz_walk {
	struct ext2_fs *fs;
	uint32_t queue[EXT2_FUZZ_MAX_VISITS];
	uint32_t nq, visits;
	uint32_t some_file, some_dir, some_dir_parent;
	char file_name[256], dir_name[256];
	/* the entries of the directory being read (types found after) */
	uint32_t ents, ent_ino[64];
	enum ext2_type ent_type[64];
	char ent_name[64][256];
};

static inline bool ext2_fuzz_entry(void *arg, const struct ext2_dirent *e)
{
	struct ext2_fuzz_walk *w = arg;

	if (++w->visits > EXT2_FUZZ_MAX_VISITS || w->ents == 64)
		return false;
	if ((e->namelen == 1 && e->name[0] == '.') ||
	    (e->namelen == 2 && e->name[0] == '.' && e->name[1] == '.'))
		return true;
	w->ent_ino[w->ents] = e->ino;
	w->ent_type[w->ents] = e->type;
	memcpy(w->ent_name[w->ents], e->name, e->namelen);
	w->ent_name[w->ents][e->namelen] = 0;
	w->ents++;
	return true;
}

/* Walks the tree breadth-first and reads what it finds. */
static inline void ext2_fuzz_walk(struct ext2_fs *fs, struct ext2_fuzz_walk *w)
{
	static uint8_t buf[8192];

	memset(w, 0, sizeof(*w));
	w->fs = fs;
	w->queue[w->nq++] = EXT2_ROOT_INO;
	for (uint32_t i = 0; i < w->nq && w->visits <= EXT2_FUZZ_MAX_VISITS; i++) {
		uint32_t ino;

		w->ents = 0;
		(void)ext2_readdir(fs, w->queue[i], 0, ext2_fuzz_entry, w);
		(void)ext2_lookup(fs, w->queue[i], "..", 2, &ino);
		for (uint32_t k = 0; k < w->ents; k++) {
			struct ext2_stat st;
			enum ext2_type type = w->ent_type[k];

			if (ext2_stat(fs, w->ent_ino[k], &st))
				continue;
			if (type == EXT2_TYPE_UNKNOWN)
				type = st.type;
			if (type == EXT2_TYPE_DIR && w->nq < EXT2_FUZZ_MAX_VISITS) {
				w->queue[w->nq++] = w->ent_ino[k];
				if (!w->some_dir) {
					w->some_dir = w->ent_ino[k];
					w->some_dir_parent = w->queue[i];
					memcpy(w->dir_name, w->ent_name[k], 256);
				}
			} else if (type != EXT2_TYPE_DIR && !w->some_file) {
				w->some_file = w->ent_ino[k];
				memcpy(w->file_name, w->ent_name[k], 256);
			}
		}
	}
	if (w->some_file) {
		struct ext2_stat st;
		size_t n = 0;

		if (!ext2_stat(fs, w->some_file, &st)) {
			for (uint64_t off = 0; off < 65536 && off < st.size; off += sizeof(buf))
				if (ext2_read(fs, w->some_file, off, buf, sizeof(buf), &n))
					break;
			(void)ext2_read(fs, w->some_file, st.size / 2 + 1, buf, 3000, &n);
			(void)ext2_readlink(fs, w->some_file, (char *)buf, sizeof(buf), &n);
		}
	}
}

static inline void ext2_fuzz_changes(struct ext2_fs *fs, struct ext2_fuzz_walk *w)
{
	static uint8_t data[9000];
	uint32_t f = 0, d = 0, x;
	size_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	if (!ext2_create(fs, EXT2_ROOT_INO, "fz", 2, 0644, &f)) {
		(void)ext2_write(fs, f, 0, data, sizeof(data), &n);
		(void)ext2_write(fs, f, 300000, data, 100, &n);
		(void)ext2_truncate(fs, f, 5000);
	}
	(void)ext2_mkdir(fs, EXT2_ROOT_INO, "fzd", 3, 0755, &d);
	if (d)
		(void)ext2_rename(fs, EXT2_ROOT_INO, "fz", 2, d, "moved", 5);
	(void)ext2_symlink(fs, EXT2_ROOT_INO, "fzl", 3, "fzd/moved", 9, &x);
	if (w->some_file) {
		(void)ext2_write(fs, w->some_file, 10, data, 3000, &n);
		(void)ext2_link(fs, w->some_file, EXT2_ROOT_INO, "fzh", 3);
		(void)ext2_truncate(fs, w->some_file, 1);
		(void)ext2_unlink(fs, EXT2_ROOT_INO, w->file_name, strlen(w->file_name));
	}
	if (w->some_dir && d) {
		(void)ext2_rename(fs, w->some_dir_parent, w->dir_name, strlen(w->dir_name), d,
				  "sub", 3);
		(void)ext2_rename(fs, EXT2_ROOT_INO, "fzd", 3, w->some_dir, "in", 2);
		(void)ext2_rmdir(fs, d, "sub", 3);
	}
	(void)ext2_unlink(fs, EXT2_ROOT_INO, "fzh", 3);
	(void)ext2_rmdir(fs, EXT2_ROOT_INO, "fzd", 3);
}

/*
 * ext2_fuzz_ops - runs an operation script: 4 bytes an operation,
 * [op, a, b, c], on names "n0".."n7" in the root and in up to 3
 * directories it made. The fuzzer takes the script from the input's tail;
 * the host test ext2.random_ops_fsck from a PRNG, then asks e2fsck.
 */
struct ext2_fuzz_ops {
	uint32_t dirs[4]; /* [0] the root */
	uint32_t files[8];
};

static inline void ext2_fuzz_ops(struct ext2_fs *fs, const uint8_t *ops, size_t len)
{
	static uint8_t data[140000]; /* writes from the first half, reads into the second */
	struct ext2_fuzz_ops st = {.dirs = {EXT2_ROOT_INO}};
	char name[3] = "n0", name2[3] = "n0";
	size_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	for (size_t i = 0; i + 4 <= len; i += 4) {
		const uint8_t *o = ops + i;
		uint32_t dir = st.dirs[o[1] % 4] ? st.dirs[o[1] % 4] : EXT2_ROOT_INO;
		uint32_t dir2 = st.dirs[o[3] % 4] ? st.dirs[o[3] % 4] : EXT2_ROOT_INO;
		uint32_t *file = &st.files[o[2] % 8], ino = 0;
		uint64_t off = (uint64_t)o[2] * o[3] * 1031u;
		size_t cnt = (size_t)o[3] * 271u + 1;

		name[1] = (char)('0' + (o[2] >> 5));
		name2[1] = (char)('0' + (o[3] >> 5));
		switch (o[0] % 12) {
		case 0:
			if (!ext2_create(fs, dir, name, 2, 0644, &ino))
				*file = ino;
			break;
		case 1:
			if (*file)
				(void)ext2_write(fs, *file, off, data, cnt, &n);
			break;
		case 2:
			if (*file)
				(void)ext2_truncate(fs, *file, off / 3);
			break;
		case 3:
			if (!ext2_mkdir(fs, dir, name, 2, 0755, &ino))
				st.dirs[1 + o[3] % 3] = ino;
			break;
		case 4:
			(void)ext2_unlink(fs, dir, name, 2);
			break;
		case 5:
			(void)ext2_rmdir(fs, dir, name, 2);
			break;
		case 6:
			(void)ext2_rename(fs, dir, name, 2, dir2, name2, 2);
			break;
		case 7:
			if (*file)
				(void)ext2_link(fs, *file, dir2, name2, 2);
			break;
		case 8:
			(void)ext2_symlink(fs, dir, name, 2, (const char *)data + 1,
					   (size_t)o[3] * 9 + 1, &ino);
			break;
		case 9:
			(void)ext2_sync(fs);
			break;
		case 10:
			if (*file)
				(void)ext2_read(fs, *file, off / 2, data + 70000, cnt, &n);
			break;
		default:
			if (*file && !ext2_iget(fs, *file)) {
				(void)ext2_unlink(fs, dir, name, 2);
				(void)ext2_write(fs, *file, off, data, 100, &n);
				ext2_iput(fs, *file);
			}
			break;
		}
	}
}

static inline int ext2_exercise(const uint8_t *data, size_t size)
{
	struct ext2_opts ro = {.cache_blocks = EXT2_CACHE_MIN, .readonly = true};
	struct ext2_opts rw = {.cache_blocks = EXT2_CACHE_MIN};
	struct ext2_fuzz_walk *w = malloc(sizeof(*w));
	size_t len = size;
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct ext2_fs *fs;
	uint8_t *img;
	int err;

	/* the size the superblock claims (blocks_count << log block size) */
	if (size >= 2048) {
		const uint8_t *sb = data + 1024;
		uint64_t blocks =
			sb[4] | (sb[5] << 8) | ((uint32_t)sb[6] << 16) | ((uint32_t)sb[7] << 24);
		uint32_t log = sb[24];
		uint64_t want = log < 6 ? blocks << (10 + log) : 0;

		if (want > len)
			len = want < EXT2_FUZZ_MAX_IMAGE ? (size_t)want : EXT2_FUZZ_MAX_IMAGE;
	}
	img = calloc(1, len ? len : 1);
	if (!img || !w) {
		free(img);
		free(w);
		return 0;
	}
	memcpy(img, data, size);
	ext2_memdev_init(&md, img, len, &dev);
	err = ext2_mount(&dev, &rw, &fs, NULL);
	if (!err) {
		ext2_fuzz_walk(fs, w);
		ext2_fuzz_changes(fs, w);
		/* the input's tail doubles as an operation script */
		size_t ops = size / 16 < EXT2_FUZZ_MAX_OPS ? size / 16 : EXT2_FUZZ_MAX_OPS;

		ext2_fuzz_ops(fs, data + size - ops, ops);
		ext2_check(fs);
		(void)ext2_unmount(fs);
		if (!ext2_mount(&dev, &ro, &fs, NULL)) {
			ext2_fuzz_walk(fs, w);
			ext2_check(fs);
			(void)ext2_unmount(fs);
		}
	}
	free(img);
	free(w);
	return err;
}
