/*
 * bench_ext2.c - sequential throughput of lib/ext2 over a memory device
 * (make bench-ext2): an empty image from mke2fs, one file written from
 * start to end in pieces of CHUNK bytes, synced; then mounted again (a
 * cold cache) and read from start to end. The device is memcpy, so the
 * figures are the filesystem's own cost (block map, allocation, cache),
 * the ceiling a real disk's driver adds its time to. Median of 3 runs.
 * Prints "bench=ext2 block=B chunk=C op=write|read mb_per_s=X requests=N".
 *
 *   bench_ext2 [--mib N]     (file size, default 128)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ext2/ext2.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* An empty image of `mib` MiB with `block` byte blocks, in memory. */
static uint8_t *make_image(uint32_t block, size_t len)
{
	char path[] = "/tmp/bench_ext2.XXXXXX", cmd[512];
	int fd = mkstemp(path);
	uint8_t *mem = calloc(1, len);
	FILE *f;

	if (fd < 0 || !mem) {
		free(mem);
		return NULL;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "PATH=\"$PATH:/usr/sbin\" mke2fs -q -F -t ext2 -b %u '%s' %zuk >/dev/null 2>&1",
		 block, path, len / 1024);
	if (system(cmd) != 0 || !(f = fopen(path, "rb"))) {
		unlink(path);
		free(mem);
		return NULL;
	}
	if (fread(mem, 1, len, f) == 0)
		fprintf(stderr, "bench_ext2: empty image\n");
	fclose(f);
	unlink(path);
	return mem;
}

/* One write pass and one read pass; MB/s of each in w, r. */
static int run(uint32_t block, size_t chunk, size_t file, double *w, double *r, uint64_t *wreq,
	       uint64_t *rreq)
{
	size_t len = file + file / 8 + (16u << 20);
	uint8_t *mem = make_image(block, len), *buf = malloc(chunk);
	struct ext2_opts o = {0};
	struct ext2_memdev md;
	struct ext2_dev dev;
	struct ext2_fs *fs;
	uint32_t ino = 0;
	size_t n;
	double t0;
	int err = -1;

	if (!mem || !buf)
		goto out;
	memset(buf, 0x5a, chunk);
	ext2_memdev_init(&md, mem, len, &dev);
	if (ext2_mount(&dev, &o, &fs, NULL))
		goto out;
	t0 = now();
	err = ext2_create(fs, EXT2_ROOT_INO, "f", 1, 0644, &ino);
	for (size_t off = 0; !err && off < file; off += chunk)
		err = ext2_write(fs, ino, off, buf, chunk, &n);
	if (!err)
		err = ext2_sync(fs);
	*w = (double)file / (now() - t0) / 1e6;
	*wreq = md.writes;
	ext2_unmount(fs);
	if (err)
		goto out;
	ext2_memdev_init(&md, mem, len, &dev);
	if ((err = ext2_mount(&dev, &o, &fs, NULL)))
		goto out;
	t0 = now();
	for (size_t off = 0; !err && off < file; off += chunk)
		err = ext2_read(fs, ino, off, buf, chunk, &n);
	*r = (double)file / (now() - t0) / 1e6;
	*rreq = md.reads;
	ext2_unmount(fs);
out:
	free(mem);
	free(buf);
	return err;
}

int main(int argc, char **argv)
{
	size_t mib = 128;
	static const uint32_t blocks[] = {1024, 4096};
	static const size_t chunks[] = {4096, 1 << 20};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
			mib = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: %s [--mib N]\n", argv[0]);
			return 2;
		}
	}
	for (size_t b = 0; b < 2; b++) {
		for (size_t c = 0; c < 2; c++) {
			double w[3], r[3];
			uint64_t wreq = 0, rreq = 0;

			for (int k = 0; k < 3; k++) {
				if (run(blocks[b], chunks[c], mib << 20, &w[k], &r[k], &wreq,
					&rreq)) {
					fprintf(stderr,
						"bench_ext2: run failed (mke2fs missing?)\n");
					return 1;
				}
			}
			qsort(w, 3, sizeof(double), cmp_double);
			qsort(r, 3, sizeof(double), cmp_double);
			printf("bench=ext2 block=%u chunk=%zu op=write mb_per_s=%.0f "
			       "requests=%llu\n",
			       blocks[b], chunks[c], w[1], (unsigned long long)wreq);
			printf("bench=ext2 block=%u chunk=%zu op=read mb_per_s=%.0f "
			       "requests=%llu\n",
			       blocks[b], chunks[c], r[1], (unsigned long long)rreq);
		}
	}
	return 0;
}
