/*
 * kvfs.c - the kernel's namespace at boot (see kvfs.h): the initramfs from
 * the embedded initrd at /, then tmpfs, procfs and tracefs mounted on
 * directories created for them, and what programs may do in each
 * (guest_policy; the model is lib/vfs/access.c's).
 */
#include "fs/kvfs.h"

#include <stdlib.h>

#include "core/console.h"
#include "mem/frame.h"
#include "core/panic.h"
#include "sched/sched.h"

/* kernel/arch/riscv64/initrd.S */
extern const char initrd_start[], initrd_end[];

struct vfs *kvfs;
uint64_t kvfs_tmp_limit;

const void *kvfs_initrd(size_t *out_len)
{
	*out_len = (size_t)(initrd_end - initrd_start);
	return initrd_start;
}

/* Reads all of open file f (size at open: st_size) into a new buffer. */
static int read_all(struct vfs_file *f, uint64_t size, uint8_t **out, size_t *out_len)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t got = 0;
	int err = buf ? 0 : ERR_NOMEM;
	while (!err && got < size) {
		size_t n = 0;
		err = vfs_read(f, buf + got, size - got, &n);
		if (!err && n == 0)
			break; /* shrank meanwhile */
		got += n;
	}
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = got;
	return 0;
}

/* Opens path for reading; ERR_RANGE if it is larger than max. */
static int open_sized(const char *path, uint64_t max, struct vfs_file **out, uint64_t *size)
{
	struct vfs_file *f;
	struct vfs_stat st;
	int err = vfs_open(kvfs, NULL, path, VFS_O_READ, &f);
	if (err)
		return err;
	err = vfs_fstat(f, &st);
	if (!err && st.size > max)
		err = ERR_RANGE;
	if (err) {
		vfs_close(f);
		return err;
	}
	*out = f;
	*size = st.size;
	return 0;
}

int kvfs_read_file(const char *path, uint64_t max, uint8_t **out, size_t *out_len)
{
	struct vfs_file *f;
	uint64_t size;
	int err = open_sized(path, max, &f, &size);
	if (err)
		return err;
	err = read_all(f, size, out, out_len);
	vfs_close(f);
	return err;
}

int kvfs_map_file(const char *path, uint64_t max, const uint8_t **out, size_t *out_len, bool *owned)
{
	struct vfs_file *f;
	uint64_t size;
	const void *data;
	uint8_t *buf;
	int err = open_sized(path, max, &f, &size);
	if (err)
		return err;
	if (vfs_file_data_ro(f, &data, &size) == 0) {
		*out = data;
		*out_len = size;
		*owned = false;
	} else if (!(err = read_all(f, size, &buf, out_len))) {
		*out = buf;
		*owned = true;
	}
	vfs_close(f);
	return err;
}

/* File times are wall-clock times (the RTC's, from boot on), as ls -l and
 * a program's stat expect. */
static uint64_t clock_ns(void *arg)
{
	(void)arg;
	return sched_realtime_ns();
}

/* What a program may do in each filesystem (README: "What a program can
 * and cannot do"). Tracefs: nothing, not even read: `trace` shows every
 * task's activity and kernel addresses; it stays the shell's user's. */
static const struct {
	const char *mount;
	enum vfs_access access;
} guest_policy[] = {
	{"/", VFS_ACCESS_READ},
	{"/tmp", VFS_ACCESS_WRITE},
	{"/proc", VFS_ACCESS_READ}, /* its control files, if any, are NONE */
	{KVFS_TRACEFS, VFS_ACCESS_NONE},
};

static void mount_or_panic(struct vfs *v, const char *path, struct vfs_fs *fs, int err)
{
	if (!err)
		err = vfs_mount(v, path, fs, VFS_MOUNT_MKDIR);
	if (err)
		panic("vfs: cannot mount %s: %s", path, err_str(err));
}

void kvfs_init(void)
{
	struct vfs_cpio_error why = {0, 0};
	struct vfs_fs *fs = NULL;
	struct vfs *v;
	size_t len;
	const void *cpio = kvfs_initrd(&len);

	if (vfs_create(clock_ns, NULL, &v))
		panic("vfs: out of memory");
	int err = vfs_initramfs_create(v, cpio, len, &fs, &why);
	if (err)
		panic("vfs: initrd (%zu bytes): %s at offset %zu: %s", len, err_str(err),
		      why.offset, why.reason ? why.reason : "?");
	mount_or_panic(v, "/", fs, 0);
	struct frame_stats f;
	frame_stats(&f);
	kvfs_tmp_limit = MAX((uint64_t)KVFS_TMP_MIN, f.available * FRAME_SIZE / 4);
	err = vfs_tmpfs_create(v, kvfs_tmp_limit, &fs);
	mount_or_panic(v, "/tmp", fs, err);
	err = kvfs_procfs_create(v, &fs);
	mount_or_panic(v, "/proc", fs, err);
	err = kvfs_tracefs_create(v, &fs);
	mount_or_panic(v, KVFS_TRACEFS, fs, err);
	for (size_t i = 0; i < ARRAY_SIZE(guest_policy); i++)
		if (vfs_set_guest_access(v, guest_policy[i].mount, guest_policy[i].access))
			panic("vfs: no filesystem at %s for its policy", guest_policy[i].mount);
	kvfs = v;
	log_info("vfs", "initrd: %zu bytes; /tmp, /proc, %s mounted", len, KVFS_TRACEFS);
}
