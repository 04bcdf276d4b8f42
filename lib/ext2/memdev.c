/*
 * memdev.c - an ext2 block device over memory: a RAM disk for the kernel,
 * the device of the host tests, fuzzers and benchmarks.
 */
#include <string.h>

#include "base/compiler.h"
#include "ext2/ext2.h"

static int memdev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	struct ext2_memdev *md = ctx;
	uint64_t n = md->len / EXT2_SECTOR;

	if (sector > n || count > n - sector)
		return ERR_IO;
	memcpy(buf, md->mem + sector * EXT2_SECTOR, (size_t)count * EXT2_SECTOR);
	md->reads++;
	return 0;
}

static int memdev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	struct ext2_memdev *md = ctx;
	uint64_t n = md->len / EXT2_SECTOR;

	if (sector > n || count > n - sector)
		return ERR_IO;
	memcpy(md->mem + sector * EXT2_SECTOR, buf, (size_t)count * EXT2_SECTOR);
	md->writes++;
	return 0;
}

static const struct ext2_dev_ops memdev_ops = {
	.read = memdev_read,
	.write = memdev_write,
};

void ext2_memdev_init(struct ext2_memdev *md, void *mem, size_t len, struct ext2_dev *dev)
{
	md->mem = mem;
	md->len = len;
	md->reads = md->writes = 0;
	dev->ops = &memdev_ops;
	dev->ctx = md;
	dev->sectors = len / EXT2_SECTOR;
}
