/* ext2_util.c - see ext2_util.h. */
#include "ext2_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../fuzz/fuzz_read.h"

bool ext2t_tmpdir(char *out, size_t cap)
{
	const char *t = getenv("TMPDIR");

	snprintf(out, cap, "%s/ext2test.XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(out) != NULL;
}

void ext2t_rmtree(const char *dir)
{
	if (strstr(dir, "/ext2test."))
		ext2t_sh("rm -rf '%s'", dir);
}

int ext2t_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	/* mke2fs and its friends live in /usr/sbin, outside a user's PATH */
	int pre = snprintf(cmd, sizeof(cmd), "PATH=\"$PATH:/usr/sbin:/sbin\"; ");

	va_start(ap, fmt);
	vsnprintf(cmd + pre, sizeof(cmd) - (size_t)pre, fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static bool load(struct ext2t_img *img, size_t want)
{
	size_t len = 0;
	uint8_t *m = fuzz_read_file(img->path, &len);

	if (!m)
		return false;
	if (len < want) {
		/* mke2fs leaves the file short when its tail is unused */
		uint8_t *n = realloc(m, want);

		if (!n) {
			free(m);
			return false;
		}
		memset(n + len, 0, want - len);
		m = n;
		len = want;
	}
	free(img->mem);
	img->mem = m;
	img->len = len;
	return true;
}

bool ext2t_mkfs(struct ext2t_img *img, const char *path, const char *opts, uint32_t kib,
		const char *src)
{
	char d[600] = "";

	memset(img, 0, sizeof(*img));
	snprintf(img->path, sizeof(img->path), "%s", path);
	if (src)
		snprintf(d, sizeof(d), "-d '%s'", src);
	if (ext2t_sh("mke2fs -q -F -t ext2 %s %s '%s' %uk >/dev/null 2>&1", opts, d, path, kib))
		return false;
	return load(img, (size_t)kib * 1024);
}

int ext2t_debugfs_w(struct ext2t_img *img, const char *cmd)
{
	int st = ext2t_sh("debugfs -w -R '%s' '%s' >/dev/null 2>&1", cmd, img->path);

	if (!load(img, img->len))
		return -1;
	return st;
}

int ext2t_mount(struct ext2t_img *img, uint32_t cache_blocks)
{
	struct ext2_opts o = {.cache_blocks = cache_blocks, .clock = ext2t_clock};
	const char *why = "";
	int err;

	ext2_memdev_init(&img->md, img->mem, img->len, &img->dev);
	err = ext2_mount(&img->dev, &o, &img->fs, &why);
	if (err)
		printf("  mount %s: %s (%s)\n", img->path, err_str(err), why);
	return err;
}

int ext2t_unmount(struct ext2t_img *img, bool save)
{
	int err = ext2_unmount(img->fs);
	FILE *f;

	img->fs = NULL;
	if (save) {
		f = fopen(img->path, "wb");
		if (!f || fwrite(img->mem, 1, img->len, f) != img->len)
			err = ERR_IO;
		if (f && fclose(f))
			err = ERR_IO;
	}
	return err;
}

void ext2t_free(struct ext2t_img *img)
{
	if (img->fs)
		ext2_unmount(img->fs);
	free(img->mem);
	memset(img, 0, sizeof(*img));
}

int ext2t_fsck(const char *path)
{
	int st = ext2t_sh("e2fsck -fn '%s' >'%s.fsck' 2>&1", path, path);

	if (st != 0)
		ext2t_sh("cat '%s.fsck'", path);
	return st;
}

uint8_t *ext2t_debugfs_cat(const char *img, const char *p, size_t *len)
{
	char out[400];

	snprintf(out, sizeof(out), "%s.cat", img);
	if (ext2t_sh("debugfs -R 'cat %s' '%s' >'%s' 2>/dev/null", p, img, out))
		return NULL;
	return fuzz_read_file(out, len);
}

void ext2t_pattern(uint8_t *buf, size_t len, uint32_t seed, uint64_t off)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t x = (off + i) * 0x9E3779B97F4A7C15ull + seed * 0x632BE59BD9B4E019ull;

		buf[i] = (uint8_t)((x >> 29) ^ (x >> 47));
	}
}

int ext2t_resolve(struct ext2_fs *fs, const char *p, uint32_t *ino)
{
	uint32_t cur = EXT2_ROOT_INO;

	while (*p) {
		const char *s;
		int err;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = strchr(p, '/');
		if (!s)
			s = p + strlen(p);
		err = ext2_lookup(fs, cur, p, (size_t)(s - p), &cur);
		if (err)
			return err;
		p = s;
	}
	*ino = cur;
	return 0;
}

int ext2t_read_all(struct ext2_fs *fs, uint32_t ino, uint8_t **out, size_t *len)
{
	struct ext2_stat st;
	uint8_t *buf;
	size_t n = 0;
	int err = ext2_stat(fs, ino, &st);

	if (err)
		return err;
	buf = malloc(st.size + 1);
	if (!buf)
		return ERR_NOMEM;
	/* in uneven pieces, to cross block edges both ways */
	for (size_t done = 0; done < st.size; done += n) {
		size_t want = st.size - done < 70001 ? st.size - done : 70001;

		err = ext2_read(fs, ino, done, buf + done, want, &n);
		if (!err && n == 0)
			err = ERR_TRUNC;
		if (err) {
			free(buf);
			return err;
		}
	}
	*out = buf;
	*len = st.size;
	return 0;
}

uint8_t *ext2t_read_host(const char *path, size_t *len)
{
	return fuzz_read_file(path, len);
}

bool ext2t_write_host(const char *path, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len + 1);
	FILE *f = fopen(path, "wb");
	bool ok = buf && f;

	if (ok) {
		ext2t_pattern(buf, len, seed, 0);
		ok = fwrite(buf, 1, len, f) == len;
	}
	if (f && fclose(f))
		ok = false;
	free(buf);
	return ok;
}

uint32_t ext2t_clock(void *arg)
{
	(void)arg;
	return 1700000000u;
}
