/*
 * shell_base64.c - `base64 FILE`: the file as RFC 4648 base64 text, lines
 * of 76 characters (as GNU base64 prints them), so that a binary file (a
 * trace.dat from `trace record`) can leave the guest over the serial line:
 * on the host, `base64 -d` (tests/qemu/trace_record.py does that).
 *
 * A job, like cat: one buffer of whole lines per step, so the shell and
 * the programs keep running and Ctrl-C stops it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/err.h"
#include "core/console.h"
#include "fs/kvfs.h"
#include "shell/shell_internal.h"
#include "shell/shell_jobs.h"
#include "vfs/vfs.h"

#define LINE_BYTES  57 /* 76 characters */
#define CHUNK_LINES 64
#define CHUNK	    (LINE_BYTES * CHUNK_LINES)

struct b64_job {
	struct vfs_file *f;
	size_t have; /* bytes of buf not yet printed */
	bool eof;
	int status;
	uint8_t buf[CHUNK];
	char text[CHUNK_LINES * (BASE64_LEN(LINE_BYTES) + 1)];
};

/* Prints the whole lines of buf (and at the end what is left). */
static void b64_print(struct b64_job *j)
{
	size_t used = 0, len = 0;
	while (j->have - used >= LINE_BYTES || (j->eof && used < j->have)) {
		size_t n = MIN(j->have - used, (size_t)LINE_BYTES);
		len += base64_encode(j->buf + used, n, j->text + len);
		j->text[len++] = '\n';
		used += n;
	}
	console_write(j->text, len);
	memmove(j->buf, j->buf + used, j->have - used);
	j->have -= used;
}

static int b64_step(void *arg)
{
	struct b64_job *j = arg;
	size_t n = 0;

	if (!j->eof) {
		int err = vfs_read(j->f, j->buf + j->have, CHUNK - j->have, &n);
		if (err && err != ERR_AGAIN) {
			kprintf("base64: %s\n", err_text(err));
			return 1;
		}
		j->have += n;
		j->eof = err || n == 0; /* ERR_AGAIN: a stream with nothing more now */
		if (!j->eof && j->have < CHUNK)
			return SHELL_WORK_MORE;
	}
	b64_print(j);
	return j->eof ? 0 : SHELL_WORK_MORE;
}

static void b64_done(void *arg)
{
	struct b64_job *j = arg;
	vfs_close(j->f);
	free(j);
}

int shell_cmd_base64(int argc, char **argv)
{
	struct vfs_stat st;
	struct b64_job *j;

	if (argc != 2) {
		kprintf("usage: base64 FILE\n");
		return 2;
	}
	int err = vfs_stat(kvfs, shell_cwd(), argv[1], &st);
	if (!err && st.type == VFS_TYPE_DIR)
		err = ERR_ISDIR;
	j = err ? NULL : calloc(1, sizeof(*j));
	if (!err && !j)
		err = ERR_NOMEM;
	if (!err && (err = vfs_open(kvfs, shell_cwd(), argv[1], VFS_O_READ, &j->f)) != 0)
		free(j);
	if (err) {
		kprintf("base64: %s: %s\n", argv[1], err_text(err));
		return 1;
	}
	err = shell_work_start("base64", b64_step, b64_done, j); /* done frees j */
	if (err) {
		kprintf("base64: %s\n", err_text(err));
		return 1;
	}
	return 0;
}
