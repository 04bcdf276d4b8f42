/*
 * kvfs.h - the kernel's one file namespace (lib/vfs), set up at boot:
 *
 *                                                                      programs
 *   /                    initramfs: the initrd embedded in the image  read
 *   /tmp                 tmpfs, kvfs_tmp_limit bytes of file data     read-write
 *   /proc                procfs: tasks, meminfo, cpuinfo, uptime      read
 *   /sys/kernel/tracing  tracefs: lib/trace's files through ktrace    nothing
 *   /data                ext2 on the first virtio-blk disk (kdisk.c)  read-write
 *
 * The last column is what a program (a guest opened through
 * vfs_open_guest) may do there (kvfs.c's guest_policy); the kernel and the
 * shell's builtins may do all the filesystem allows (the initramfs is
 * read-only for everyone).
 * Invariant: `kvfs` is valid (non-NULL) once kvfs_init returned on the boot
 * CPU, before the other CPUs run tasks; the mounts never change after.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/task.h"
#include "vfs/vfs.h"

/* /tmp's size: a quarter of the memory free at boot, at least 16 MiB (as
 * Linux sizes a tmpfs by RAM). Its data is heap memory, charged to the
 * frame budget like any other. Set by kvfs_init. */
#define KVFS_TMP_MIN (16u << 20)
extern uint64_t kvfs_tmp_limit;
#define KVFS_TRACEFS "/sys/kernel/tracing"

extern struct vfs *kvfs;

/* kvfs_init - builds and mounts the namespace. Boot CPU, after the heap,
 * ktrace_init and sched_init. Panics if the initrd is malformed or memory
 * runs out. */
void kvfs_init(void);

/* Blocks of the /data ext2's cache (lib/ext2: write-back, flushed by
 * kvfs_sync): 4 MiB with 4 KiB blocks. */
#define KVFS_DISK_CACHE 1024u

struct vblk;

/* kvfs_disk_mount - mounts the ext2 filesystem of disk `d` (NULL: none) at
 * /data, writable by programs too; the boot log says what was mounted or
 * why not (no disk, not ext2, an error). Boot CPU, after kvfs_init. */
void kvfs_disk_mount(struct vblk *d);

/* kvfs_sync - writes every change of /data to the disk and marks its
 * filesystem clean (vfs_sync). 0, or ERR_IO. Task or main context. */
int kvfs_sync(void);

/* kvfs_disk_show - /proc/vblk's text (a vfs_synth_ops show): the disk's
 * driver counters (vblk_stats), or "no disk". */
struct vfs_sbuf;
int kvfs_disk_show(void *arg, void *state, struct vfs_sbuf *out);

/* kvfs_initrd - the embedded cpio archive (for tests and messages). */
const void *kvfs_initrd(size_t *out_len);

/*
 * kvfs_read_file - the whole file at `path` in a new malloc'd buffer (the
 * caller frees it; a 1-byte buffer for an empty file). ERR_RANGE if it is
 * larger than `max` bytes, ERR_NOMEM, and vfs_open's and vfs_read's errors.
 * *out and *out_len are written only on success.
 */
int kvfs_read_file(const char *path, uint64_t max, uint8_t **out, size_t *out_len);

/*
 * kvfs_map_file - the whole file at `path` without copying it when it
 * cannot change (an initrd file: *owned false, the bytes live as long as
 * the kernel), else read into a new malloc'd buffer (*owned true: the
 * caller frees it). Errors as kvfs_read_file. Outputs written only on
 * success.
 */
int kvfs_map_file(const char *path, uint64_t max, const uint8_t **out, size_t *out_len,
		  bool *owned);

/* ---- inside kvfs: the synthetic filesystems ---- */

/* kvfs_tracefs_create / kvfs_procfs_create - a filled synth fs, unmounted.
 * ERR_NOMEM; tracefs also ERR_BUSY (lib/trace's lock, not at boot). */
int kvfs_tracefs_create(struct vfs *v, struct vfs_fs **out);
int kvfs_procfs_create(struct vfs *v, struct vfs_fs **out);

/*
 * kvfs_trace_pipe_wait - a reader of trace_pipe whose read returned
 * ERR_AGAIN, about to return PENDING: registers `w` to be woken by the next
 * record. True if records are already there (read again instead). A wakeup
 * can be missed in a narrow race: wait with a timeout as well (ktrace.h).
 */
bool kvfs_trace_pipe_wait(const struct kasync_waker *w);

/* ---- /proc/tasks: the tasks the kernel tracks ---- */

/* What a tracked task may report besides its state (struct kvfs_task_stats). */
struct kvfs_task_stats {
	uint64_t run_us;	 /* time it has run */
	uint64_t mem_bytes;	 /* memory it holds (frames and heap) */
	uint64_t promised_bytes; /* memory promised to it, not used yet */
};

/*
 * kvfs_task_track / kvfs_task_untrack - adds a spawned task to /proc/tasks
 * (its id, name, state, the CPU polling it and, when `stats` is given,
 * what stats reports; stats runs under the table's lock, from any CPU, and
 * must only read atomics) and removes it; untrack before the task can be
 * freed (e.g. in its dealloc). ERR_NOMEM when the table (KVFS_TASKS_MAX) is
 * full. Task context.
 */
#define KVFS_TASKS_MAX 128
typedef void (*kvfs_task_stats_fn)(struct kasync_task *t, struct kvfs_task_stats *out);
int kvfs_task_track(struct kasync_task *t, kvfs_task_stats_fn stats);
void kvfs_task_untrack(struct kasync_task *t);
