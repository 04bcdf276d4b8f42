/*
 * file.c - file contents and attributes: stat, open references, read,
 * write, truncate, symlink targets.
 *
 * Reads and writes of whole blocks go straight between the caller's buffer
 * and the device, a run of adjacent blocks per request, when none of them
 * is in the cache (a cached block is the newer copy: it goes through the
 * cache). Partial blocks go through the cache. Invariant kept by truncate:
 * the bytes of a file's last block past its size are zero, so growing a
 * file (write past the end, truncate up) shows zeros there.
 * Reads do not update atime (as `noatime`).
 */
#include <stdlib.h>
#include <string.h>

#include "ext2/ext2_internal.h"

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *out)
{
	struct ext2_inode in;
	int err = ext2_inode_load(fs, ino, &in);

	if (err)
		return err;
	out->ino = ino;
	out->type = ext2_mode_type(in.mode);
	out->mode = in.mode & 07777;
	out->nlink = in.links;
	out->uid = in.uid;
	out->gid = in.gid;
	out->size = in.size;
	out->blocks = in.blocks;
	out->atime = in.atime;
	out->mtime = in.mtime;
	out->ctime = in.ctime;
	return 0;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode in;
	int err = ext2_inode_load(fs, ino, &in);

	if (err)
		return err;
	for (uint32_t i = 0; i < fs->nopens; i++) {
		if (fs->opens[i].ino == ino) {
			if (fs->opens[i].refs == UINT32_MAX)
				return ERR_RANGE;
			fs->opens[i].refs++;
			return 0;
		}
	}
	if (fs->nopens == fs->capopens) {
		uint32_t cap = fs->capopens ? 2 * fs->capopens : 8;
		struct ext2_open *o = realloc(fs->opens, cap * sizeof(*o));

		if (!o)
			return ERR_NOMEM;
		fs->opens = o;
		fs->capopens = cap;
	}
	fs->opens[fs->nopens++] = (struct ext2_open){ino, 1};
	return 0;
}

void ext2_iput(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode in;

	for (uint32_t i = 0; i < fs->nopens; i++) {
		if (fs->opens[i].ino != ino)
			continue;
		if (--fs->opens[i].refs)
			return;
		fs->opens[i] = fs->opens[--fs->nopens];
		/* its last name went while it was open: it goes now */
		if (!fs->readonly && ext2_inode_load(fs, ino, &in) == ERR_NOENT && in.mode &&
		    in.links == 0 && !ext2_begin_change(fs))
			(void)ext2_inode_release(fs, &in);
		return;
	}
}

int ext2_set_times(struct ext2_fs *fs, uint32_t ino, uint32_t atime, uint32_t mtime)
{
	struct ext2_inode in;
	int err = ext2_inode_load(fs, ino, &in);

	if (!err)
		err = ext2_begin_change(fs);
	if (err)
		return err;
	in.atime = atime;
	in.mtime = mtime;
	in.ctime = ext2_now(fs);
	return ext2_inode_store(fs, &in);
}

static int load_reg(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	int err = ext2_inode_load(fs, ino, in);

	if (err)
		return err;
	if ((in->mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
		return ERR_ISDIR;
	if ((in->mode & EXT2_S_IFMT) != EXT2_S_IFREG)
		return ERR_INVAL;
	return 0;
}

/* How many of the `max` file blocks from lblk on lie at adjacent device
 * blocks from p, none of them cached (p itself is mapped). */
static int direct_run(struct ext2_fs *fs, struct ext2_inode *in, uint64_t lblk, uint32_t p,
		      uint64_t max, enum ext2_bmap_mode mode, uint32_t *out)
{
	uint32_t n = 0;

	if (max > EXT2_IO_RUN)
		max = EXT2_IO_RUN;
	while (n < max) {
		uint32_t q = p;
		int err = n ? ext2_bmap(fs, in, lblk + n, mode, &q) : 0;

		if (err == ERR_NOSPC && n)
			break;
		if (err)
			return err;
		if (q != p + n || ext2_bpeek(fs, q))
			break;
		n++;
	}
	*out = n;
	return 0;
}

int ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len, size_t *out_n)
{
	struct ext2_inode in;
	uint8_t *dst = buf;
	size_t done = 0;
	int err = load_reg(fs, ino, &in);

	if (err)
		return err;
	if (off >= in.size)
		len = 0;
	else if (len > in.size - off)
		len = (size_t)(in.size - off);
	while (done < len) {
		uint64_t pos = off + done, lblk = pos >> fs->log_block;
		uint32_t boff = (uint32_t)(pos & (fs->block_size - 1)), p, run;
		size_t chunk = fs->block_size - boff;
		struct ext2_buf *b;

		if (chunk > len - done)
			chunk = len - done;
		err = ext2_bmap(fs, &in, lblk, EXT2_BMAP_FIND, &p);
		if (err)
			return err;
		if (!p) {
			memset(dst + done, 0, chunk);
		} else if (boff == 0 && chunk == fs->block_size && !ext2_bpeek(fs, p)) {
			err = direct_run(fs, &in, lblk, p, (len - done) >> fs->log_block,
					 EXT2_BMAP_FIND, &run);
			if (!err)
				err = ext2_dev_read(fs, p, run, dst + done);
			if (err)
				return err;
			chunk = (size_t)run << fs->log_block;
		} else {
			err = ext2_bget(fs, p, true, &b);
			if (err)
				return err;
			memcpy(dst + done, b->data + boff, chunk);
			ext2_bput(b);
		}
		done += chunk;
	}
	*out_n = done;
	return 0;
}

/* Marks the filesystem as holding a file of 2 GiB or more. */
static void note_large(struct ext2_fs *fs, uint64_t size)
{
	if (size > INT32_MAX && fs->rev >= 1)
		fs->ro_compat |= EXT2_RO_COMPAT_LARGE;
}

/* Writes one piece of a block (or a run of whole blocks) at `pos`;
 * *chunk is what it wrote. */
static int write_piece(struct ext2_fs *fs, struct ext2_inode *in, uint64_t pos, const uint8_t *src,
		       size_t left, size_t *chunk)
{
	uint64_t lblk = pos >> fs->log_block;
	uint32_t boff = (uint32_t)(pos & (fs->block_size - 1)), p, run;
	size_t n = fs->block_size - boff;
	bool whole = boff == 0 && left >= fs->block_size;
	struct ext2_buf *b;
	int err;

	if (n > left)
		n = left;
	err = ext2_bmap(fs, in, lblk, whole ? EXT2_BMAP_WHOLE : EXT2_BMAP_ALLOC, &p);
	if (err)
		return err;
	if (whole && !ext2_bpeek(fs, p)) {
		err = direct_run(fs, in, lblk, p, left >> fs->log_block, EXT2_BMAP_WHOLE, &run);
		if (!err)
			err = ext2_dev_write(fs, p, run, src);
		if (!err)
			*chunk = (size_t)run << fs->log_block;
		return err;
	}
	err = ext2_bget(fs, p, !whole, &b);
	if (err)
		return err;
	memcpy(b->data + boff, src, n);
	ext2_bdirty(fs, b);
	ext2_bput(b);
	*chunk = n;
	return 0;
}

int ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len,
	       size_t *out_n)
{
	struct ext2_inode in;
	uint64_t max = ext2_max_size(fs);
	size_t done = 0;
	int err = load_reg(fs, ino, &in);

	if (err)
		return err;
	if (off >= max || (len && off + len > max) || off + len < off)
		return ERR_RANGE;
	err = ext2_begin_change(fs);
	if (err)
		return err;
	while (done < len) {
		size_t chunk = 0;

		err = write_piece(fs, &in, off + done, (const uint8_t *)buf + done, len - done,
				  &chunk);
		if (err)
			break;
		done += chunk;
	}
	if (off + done > in.size) {
		in.size = off + done;
		note_large(fs, in.size);
	}
	if (done)
		in.mtime = in.ctime = ext2_now(fs);
	int err2 = ext2_inode_store(fs, &in);
	if (err == ERR_NOSPC && done)
		err = 0;
	if (!err)
		err = err2;
	if (!err)
		*out_n = done;
	return err;
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	struct ext2_inode in;
	int err = load_reg(fs, ino, &in);

	if (err)
		return err;
	if (size > ext2_max_size(fs))
		return ERR_RANGE;
	err = ext2_begin_change(fs);
	if (err)
		return err;
	if (size < in.size) {
		uint64_t keep = (size + fs->block_size - 1) >> fs->log_block;
		uint32_t boff = (uint32_t)(size & (fs->block_size - 1)), p;
		struct ext2_buf *b;

		err = ext2_free_from(fs, &in, keep);
		if (!err && boff)
			err = ext2_bmap(fs, &in, size >> fs->log_block, EXT2_BMAP_FIND, &p);
		if (!err && boff && p && !(err = ext2_bget(fs, p, true, &b))) {
			memset(b->data + boff, 0, fs->block_size - boff);
			ext2_bdirty(fs, b);
			ext2_bput(b);
		}
	}
	if (!err) {
		in.size = size;
		note_large(fs, size);
	}
	in.mtime = in.ctime = ext2_now(fs);
	int err2 = ext2_inode_store(fs, &in);
	return err ? err : err2;
}

int ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t cap, size_t *out_n)
{
	struct ext2_inode in;
	uint8_t fast[EXT2_FAST_LINK_MAX];
	uint32_t acl;
	size_t n;
	int err = ext2_inode_load(fs, ino, &in);

	if (err)
		return err;
	if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFLNK)
		return ERR_INVAL;
	if (in.size >= fs->block_size)
		return ext2_bad(fs, "a symlink longer than a block");
	n = (size_t)in.size < cap ? (size_t)in.size : cap;
	acl = in.file_acl ? fs->sectors_per_block : 0;
	if (in.blocks <= acl) {
		if (in.size >= EXT2_FAST_LINK_MAX)
			return ext2_bad(fs, "a fast symlink longer than its inode");
		for (uint32_t i = 0; i < EXT2_NBLOCK; i++)
			put32(fast + 4 * i, in.block[i]);
		memcpy(buf, fast, n);
	} else {
		struct ext2_buf *b;
		uint32_t p;

		err = ext2_bmap(fs, &in, 0, EXT2_BMAP_FIND, &p);
		if (err)
			return err;
		if (!p)
			return ext2_bad(fs, "a symlink without its block");
		err = ext2_bget(fs, p, true, &b);
		if (err)
			return err;
		memcpy(buf, b->data, n);
		ext2_bput(b);
	}
	*out_n = n;
	return 0;
}
