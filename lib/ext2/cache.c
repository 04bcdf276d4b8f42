/*
 * cache.c - the ext2 block cache: a fixed set of block buffers, found by a
 * hash of the block number, reused least recently used first.
 *
 *   hash[blk * K >> s] -> buf -> buf          (chains: hnext)
 *   lru <-> oldest <-> ... <-> newest <-> lru  (a ring through every buffer)
 *
 * Write-back: a changed buffer is only marked dirty; it reaches the device
 * when it is reused (evicted) or at ext2_cache_flush (sync), which writes
 * the dirty buffers in block order, adjacent ones in one request. A buffer
 * is pinned while a caller holds it (ext2_bget .. ext2_bput) and is never
 * evicted then; no call leaves a pin behind (ext2_cache_check).
 */
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "ext2/ext2_internal.h"

/* One device request of whole blocks, checked against the device. */
static int dev_io(struct ext2_fs *fs, bool write, uint32_t blk, uint32_t count, void *buf)
{
	uint64_t s = (uint64_t)blk * fs->sectors_per_block;
	uint64_t n = (uint64_t)count * fs->sectors_per_block;
	int err;

	if (s + n > fs->dev.sectors) {
		fs->why = "a block past the end of the device";
		return ERR_IO;
	}
	if (write)
		err = fs->dev.ops->write(fs->dev.ctx, s, (uint32_t)n, buf);
	else
		err = fs->dev.ops->read(fs->dev.ctx, s, (uint32_t)n, buf);
	if (err)
		fs->why = write ? "the device failed a write" : "the device failed a read";
	return err ? ERR_IO : 0;
}

int ext2_dev_read(struct ext2_fs *fs, uint32_t blk, uint32_t count, void *buf)
{
	return dev_io(fs, false, blk, count, buf);
}

int ext2_dev_write(struct ext2_fs *fs, uint32_t blk, uint32_t count, const void *buf)
{
	ASSERT(!fs->readonly);
	return dev_io(fs, true, blk, count, (void *)buf);
}

static uint32_t hash_of(const struct ext2_cache *c, uint32_t blk)
{
	return (uint32_t)((blk * 2654435761u) >> 7) & c->hmask;
}

static void lru_remove(struct ext2_buf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void lru_push(struct ext2_cache *c, struct ext2_buf *b)
{
	b->prev = c->lru.prev;
	b->next = &c->lru;
	c->lru.prev->next = b;
	c->lru.prev = b;
}

int ext2_cache_init(struct ext2_cache *c, uint32_t nbufs, uint32_t block_size)
{
	uint32_t h = 1;

	while (h < nbufs)
		h <<= 1;
	memset(c, 0, sizeof(*c));
	c->bufs = calloc(nbufs, sizeof(*c->bufs));
	c->hash = calloc(h, sizeof(*c->hash));
	c->mem = malloc((size_t)nbufs * block_size);
	if (!c->bufs || !c->hash || !c->mem) {
		ext2_cache_free(c);
		return ERR_NOMEM;
	}
	c->n = nbufs;
	c->hmask = h - 1;
	c->lru.prev = c->lru.next = &c->lru;
	for (uint32_t i = 0; i < nbufs; i++) {
		c->bufs[i].data = c->mem + (size_t)i * block_size;
		lru_push(c, &c->bufs[i]);
	}
	return 0;
}

void ext2_cache_free(struct ext2_cache *c)
{
	free(c->bufs);
	free(c->hash);
	free(c->mem);
	memset(c, 0, sizeof(*c));
}

struct ext2_buf *ext2_bpeek(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_cache *c = &fs->cache;

	for (struct ext2_buf *b = c->hash[hash_of(c, blk)]; b; b = b->hnext)
		if (b->valid && b->blk == blk)
			return b;
	return NULL;
}

static void hash_remove(struct ext2_cache *c, struct ext2_buf *b)
{
	struct ext2_buf **pp = &c->hash[hash_of(c, b->blk)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	b->hnext = NULL;
	b->valid = false;
}

int ext2_bget(struct ext2_fs *fs, uint32_t blk, bool fill, struct ext2_buf **out)
{
	struct ext2_cache *c = &fs->cache;
	struct ext2_buf *b = ext2_bpeek(fs, blk);
	int err;

	if (blk >= fs->blocks_count)
		return ext2_bad(fs, "a block number past the end of the filesystem");
	if (b) {
		if (!fill)
			memset(b->data, 0, fs->block_size);
		goto found;
	}
	for (b = c->lru.next; b != &c->lru && b->pins; b = b->next)
		;
	if (b == &c->lru)
		return ERR_BUSY;
	if (b->dirty) {
		err = ext2_dev_write(fs, b->blk, 1, b->data);
		if (err)
			return err;
		b->dirty = false;
		c->ndirty--;
	}
	if (b->valid)
		hash_remove(c, b);
	if (fill) {
		err = ext2_dev_read(fs, blk, 1, b->data);
		if (err)
			return err;
	} else {
		memset(b->data, 0, fs->block_size);
	}
	b->blk = blk;
	b->valid = true;
	b->hnext = c->hash[hash_of(c, blk)];
	c->hash[hash_of(c, blk)] = b;
found:
	lru_remove(b);
	lru_push(c, b);
	b->pins++;
	*out = b;
	return 0;
}

void ext2_bforget(struct ext2_fs *fs, uint32_t blk)
{
	struct ext2_buf *b = ext2_bpeek(fs, blk);

	if (!b || b->pins)
		return;
	if (b->dirty) {
		b->dirty = false;
		fs->cache.ndirty--;
	}
	hash_remove(&fs->cache, b);
}

void ext2_bput(struct ext2_buf *b)
{
	ASSERT(b->pins > 0);
	b->pins--;
}

void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	ASSERT(b->pins > 0 && !fs->readonly);
	if (!b->dirty) {
		b->dirty = true;
		fs->cache.ndirty++;
	}
}

static int cmp_blk(const void *a, const void *b)
{
	const struct ext2_buf *x = *(struct ext2_buf *const *)a;
	const struct ext2_buf *y = *(struct ext2_buf *const *)b;

	return x->blk < y->blk ? -1 : x->blk > y->blk;
}

int ext2_cache_flush(struct ext2_fs *fs)
{
	struct ext2_cache *c = &fs->cache;
	struct ext2_buf **list;
	uint32_t n = 0;
	int err = 0;

	if (!c->ndirty)
		return 0;
	list = malloc(c->ndirty * sizeof(*list));
	if (!list) {
		/* no memory for the order: one block at a time */
		for (uint32_t i = 0; i < c->n && !err; i++) {
			struct ext2_buf *b = &c->bufs[i];
			if (b->dirty && !(err = ext2_dev_write(fs, b->blk, 1, b->data))) {
				b->dirty = false;
				c->ndirty--;
			}
		}
		return err;
	}
	for (uint32_t i = 0; i < c->n; i++)
		if (c->bufs[i].dirty)
			list[n++] = &c->bufs[i];
	qsort(list, n, sizeof(*list), cmp_blk);
	for (uint32_t i = 0; i < n && !err;) {
		uint32_t run = 1;

		while (i + run < n && run < EXT2_IO_RUN && list[i + run]->blk == list[i]->blk + run)
			run++;
		if (run == 1) {
			err = ext2_dev_write(fs, list[i]->blk, 1, list[i]->data);
		} else {
			for (uint32_t k = 0; k < run; k++)
				memcpy(fs->iobuf + (size_t)k * fs->block_size, list[i + k]->data,
				       fs->block_size);
			err = ext2_dev_write(fs, list[i]->blk, run, fs->iobuf);
		}
		for (uint32_t k = 0; k < run && !err; k++) {
			list[i + k]->dirty = false;
			c->ndirty--;
		}
		i += run;
	}
	free(list);
	return err;
}

void ext2_cache_check(struct ext2_fs *fs)
{
	struct ext2_cache *c = &fs->cache;
	uint32_t n = 0, dirty = 0;

	for (struct ext2_buf *b = c->lru.next; b != &c->lru; b = b->next) {
		ASSERT(b->next->prev == b);
		ASSERT(b->pins == 0);
		if (b->valid)
			ASSERT(ext2_bpeek(fs, b->blk) == b);
		else
			ASSERT(!b->dirty);
		dirty += b->dirty;
		n++;
	}
	ASSERT(n == c->n);
	ASSERT(dirty == c->ndirty);
	for (uint32_t h = 0; h <= c->hmask; h++)
		for (struct ext2_buf *b = c->hash[h]; b; b = b->hnext)
			ASSERT(b->valid && hash_of(c, b->blk) == h);
}
