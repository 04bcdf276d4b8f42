/*
 * kdisk.c - the disk at /data: the ext2 filesystem (lib/ext2) on the first
 * virtio-blk disk, in the kernel's namespace (lib/vfs's ext2fs.c), and
 * writing it back (sync, shutdown), with a flush so that what was synced
 * is on the host file.
 *
 *   vfs call (task) -> ext2fs.c: file data: vfs->lock let go, the fs's
 *                      e2_lock held; namespace changes, loads, sync: both
 *                   -> ext2 -> dev_read/dev_write/dev_flush
 *                   -> vblk_io_polled / vblk_flush_polled (this CPU polls)
 *
 * ext2 is a synchronous library and a kernel task cannot sleep in the
 * middle of a C call (tasks are polled state machines without stacks of
 * their own), so the device is polled rather than waited for: the
 * requests go out several at a time and this CPU polls the used ring
 * until they are done, holding the ext2 fs's lock (never the VFS lock
 * for file data: the rest of the namespace goes on meanwhile, see
 * ext2fs.c). A disk that is missing, not ext2 or damaged is reported in
 * the boot log and not mounted; nothing here panics.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/console.h"
#include "drivers/virtio_blk.h"
#include "ext2/ext2.h"
#include "fs/kvfs.h"

static int dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	return vblk_io_polled(ctx, sector, count, false, buf);
}

static int dev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	return vblk_write_behind(ctx, sector, count, buf);
}

/* ext2_sync's last step: what the device acknowledged is on the host
 * file (VIRTIO_BLK_T_FLUSH; nothing on a device without the feature). */
static int dev_flush(void *ctx)
{
	return vblk_flush_polled(ctx);
}

static const struct ext2_dev_ops dev_ops = {
	.read = dev_read, .write = dev_write, .flush = dev_flush};

static struct ext2_dev dev; /* ext2 keeps a copy; set once at boot */
static struct vblk *disk;   /* set once at boot, for /proc/vblk */

int kvfs_disk_show(void *arg, void *state, struct vfs_sbuf *out)
{
	struct vblk_stats st;
	(void)arg;
	(void)state;
	if (!disk) {
		vfs_sbuf_printf(out, "no disk\n");
		return out->failed ? ERR_NOMEM : 0;
	}
	vblk_stats(disk, &st);
	vfs_sbuf_printf(out,
			"sectors %llu\nrequests %llu\nbytes %llu\ninterrupts %llu\n"
			"irq_completions %llu\npolled_completions %llu\nin_flight_max %u\n"
			"flush %s\nflushes %llu\n",
			(unsigned long long)vblk_sectors(disk), (unsigned long long)st.requests,
			(unsigned long long)st.bytes, (unsigned long long)st.irqs,
			(unsigned long long)st.irq_done, (unsigned long long)st.polled_done,
			st.in_flight_max, st.flush_supported ? "yes" : "no",
			(unsigned long long)st.flushes);
	return out->failed ? ERR_NOMEM : 0;
}

void kvfs_disk_mount(struct vblk *d)
{
	struct ext2_fs *e2 = NULL;
	struct ext2_info info;
	struct vfs_fs *fs;
	const char *why = "";
	int err;

	if (!d) {
		log_info("disk", "no disk: /data not mounted");
		return;
	}
	disk = d;
	dev = (struct ext2_dev){.ops = &dev_ops, .ctx = d, .sectors = vblk_sectors(d)};
	struct ext2_opts opts = {
		.cache_blocks = KVFS_DISK_CACHE, .clock = vfs_ext2_clock, .clock_arg = kvfs};
	uint64_t mib = dev.sectors * VBLK_SECTOR >> 20;
	err = ext2_mount(&dev, &opts, &e2, &why);
	if (err) {
		log_warn("disk", "%llu MiB disk: not mounted at /data: %s (%s)",
			 (unsigned long long)mib,
			 err == ERR_MALFORMED ? "not a valid ext2" : err_str(err),
			 why && why[0] ? why : "no reason given");
		return;
	}
	err = vfs_ext2_create(kvfs, e2, &fs);
	if (err) {
		log_warn("disk", "ext2 on the disk: not mounted at /data: %s (%s)", err_str(err),
			 ext2_why(e2)[0] ? ext2_why(e2) : "its root directory");
		(void)ext2_unmount(e2);
		return;
	}
	err = vfs_mount(kvfs, "/data", fs, VFS_MOUNT_MKDIR);
	if (!err)
		err = vfs_set_guest_access(kvfs, "/data", VFS_ACCESS_WRITE);
	if (err) {
		/* an fs never mounted is freed with the vfs: its ext2 stays
		 * marked not clean, which e2fsck would fix */
		log_warn("disk", "cannot mount ext2 at /data: %s", err_str(err));
		return;
	}
	ext2_info(e2, &info);
	log_info("disk",
		 "/data: ext2 on a %llu MiB disk, %u-byte blocks, %llu of %llu blocks free%s",
		 (unsigned long long)mib, info.block_size, (unsigned long long)info.free_blocks,
		 (unsigned long long)info.blocks, ext2_readonly(e2) ? ", read-only" : "");
}

int kvfs_sync(void)
{
	return kvfs ? vfs_sync(kvfs) : 0;
}
