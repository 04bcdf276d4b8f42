/*
 * kbench_disk.c - the shell command `diskbench`: sequential write and read
 * throughput of a file on /data (ext2 on virtio-blk), in guest time.
 *
 *   write: SIZE MiB in 256 KiB vfs_writes to DIR/.diskbench, then sync
 *          (the time includes writing every block to the disk)
 *   read:  the same file back in 256 KiB vfs_reads, checked
 *
 * ext2 moves whole-block runs of a file straight between the caller's
 * buffer and the device (lib/ext2), so the read is the disk's, not a
 * cache's. The file is removed afterwards. It runs in the shell's task:
 * the prompt comes back when it is done.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/fmt.h"
#include "bench/kbench.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "sched/sched.h"
#include "vfs/vfs.h"

#define CHUNK	     (256u << 10)
#define DEFAULT_MIB  16u
#define MAX_MIB	     1024u
#define PATH_MAX_LEN 256u

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 12));
}

/* Writes `size` bytes of the pattern to path and syncs. */
static int bench_write(const char *path, uint8_t *buf, uint64_t size)
{
	struct vfs_file *f;
	int err = vfs_open(kvfs, NULL, path, VFS_O_WRITE | VFS_O_CREAT | VFS_O_TRUNC, &f);

	if (err)
		return err;
	for (uint64_t off = 0; !err && off < size; off += CHUNK) {
		size_t n = 0;
		for (size_t i = 0; i < CHUNK; i += 4096)
			buf[i] = pattern(off + i); /* a few bytes change per chunk */
		err = vfs_write(f, buf, CHUNK, &n);
	}
	vfs_close(f);
	return err ? err : kvfs_sync();
}

/* Reads the file back; ERR_MALFORMED if a byte is not what was written. */
static int bench_read(const char *path, uint8_t *buf, uint64_t size)
{
	struct vfs_file *f;
	uint64_t off = 0;
	int err = vfs_open(kvfs, NULL, path, VFS_O_READ, &f);

	if (err)
		return err;
	while (!err && off < size) {
		size_t n = 0;
		err = vfs_read(f, buf, CHUNK, &n);
		if (!err && n != CHUNK)
			err = ERR_IO; /* short: the file is not what was written */
		for (size_t i = 0; !err && i < CHUNK; i += 4096)
			if (buf[i] != pattern(off + i))
				err = ERR_MALFORMED;
		off += n;
	}
	vfs_close(f);
	return err;
}

/* MB/s (10^6 bytes) with one decimal, as "12.3". */
static void rate(char *out, size_t cap, uint64_t bytes, uint64_t ns)
{
	uint64_t us = ns / 1000 ? ns / 1000 : 1;
	uint64_t tenths = bytes * 10 / us; /* bytes per us = MB/s */
	fmt_snprintf(out, cap, "%llu.%llu", (unsigned long long)(tenths / 10),
		     (unsigned long long)(tenths % 10));
}

int kbench_disk_cmd(int argc, char **argv)
{
	const char *dir = "/data";
	char path[PATH_MAX_LEN], w[32], r[32];
	uint64_t mib = DEFAULT_MIB, t0, t1, t2;
	bool dir_given = false;
	uint8_t *buf;
	int err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			const char *d = argv[++i];
			for (mib = 0; *d >= '0' && *d <= '9' && mib <= MAX_MIB; d++)
				mib = mib * 10 + (uint64_t)(*d - '0');
			if (*d || mib == 0 || mib > MAX_MIB)
				goto usage;
		} else if (argv[i][0] != '-' && !dir_given) {
			dir = argv[i];
			dir_given = true;
		} else {
			goto usage;
		}
	}
	if (strlen(dir) + 16 > sizeof(path))
		goto usage;
	fmt_snprintf(path, sizeof(path), "%s/.diskbench", dir);
	buf = calloc(1, CHUNK);
	if (!buf) {
		kprintf("diskbench: no memory\n");
		return 1;
	}
	t0 = sched_now_ns();
	err = bench_write(path, buf, mib << 20);
	t1 = sched_now_ns();
	if (!err)
		err = bench_read(path, buf, mib << 20);
	t2 = sched_now_ns();
	(void)vfs_unlink(kvfs, NULL, path);
	(void)kvfs_sync();
	free(buf);
	if (err) {
		kprintf("diskbench: %s: %s\n", path, err_str(err));
		return 1;
	}
	rate(w, sizeof(w), mib << 20, t1 - t0);
	rate(r, sizeof(r), mib << 20, t2 - t1);
	kprintf("bench=disk dir=%s size_mib=%llu write_mb_s=%s read_mb_s=%s write_ms=%llu "
		"read_ms=%llu\n",
		dir, (unsigned long long)mib, w, r, (unsigned long long)((t1 - t0) / 1000000),
		(unsigned long long)((t2 - t1) / 1000000));
	return 0;
usage:
	kprintf("usage: diskbench [-s MiB] [DIR]: write then read a file of MiB (default %u, at "
		"most %u) in DIR (default /data)\n",
		DEFAULT_MIB, MAX_MIB);
	return 2;
}
