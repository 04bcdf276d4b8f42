/*
 * virtio_blk.h - the virtio block device over virtio-mmio (QEMU virt's
 * `-device virtio-blk-device`), modern interface (virtio 1.x: QEMU needs
 * `-global virtio-mmio.force-legacy=false`, which make run adds).
 *
 *   task: vblk_io_poll(d, req, cx)            IRQ (PLIC line of the slot)
 *     no free slot: wait for one   <------.     used ring: slot done,
 *     copy in (write), 3 descriptors        |     its waker woken
 *     avail ring + notify  ----> device ----'
 *     done: copy out (read), READY
 *
 * Requests go through a split virtqueue of VBLK_SLOTS * 3 descriptors: a
 * slot is one request in flight (header, data, status), with its own DMA
 * bounce buffer of VBLK_MAX_BYTES, so callers pass any kernel buffer. Up
 * to VBLK_SLOTS requests are in flight at once; more wait for a slot.
 *
 * Where the device is polled instead (no task can park): the /data ext2
 * (kernel/fs/kdisk.c: a synchronous library called inside a task's poll)
 * through vblk_io_polled, vblk_write_behind and vblk_flush_polled, which
 * also serves shutdown's sync. Completions found by polling still wake
 * any task whose request is among them.
 *
 * Invariant: a slot is free, or owned by exactly one request from its
 * submission until that request's poll saw it done; the semaphore's
 * permits plus the requests holding one equal VBLK_SLOTS. The queue and the
 * slots are under the device's lock (interrupts off: the handler takes it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasync/sync.h"
#include "kasync/task.h"

#define VBLK_SECTOR    512u
#define VBLK_SLOTS     8u
#define VBLK_MAX_BYTES (64u << 10) /* bytes of one request */

struct vblk;

/* One read, write or flush; zero it, fill in the first fields, poll until
 * READY. A flush (VIRTIO_BLK_T_FLUSH: what the device completed before it
 * is on stable storage, the host file) ignores sector, count and buf; on
 * a device without VIRTIO_BLK_F_FLUSH it is done at once (status 0). */
struct vblk_req {
	uint64_t sector;
	uint32_t count; /* sectors: 1 .. VBLK_MAX_BYTES / VBLK_SECTOR */
	bool write;
	bool flush;
	void *buf;  /* count * VBLK_SECTOR bytes */
	int status; /* when READY: 0, ERR_IO (the device said so), ERR_RANGE */
	/* the driver's: zeroes, but slot -1 */
	int slot;		   /* -1 until submitted */
	struct kasync_waiter wait; /* for a free slot */
};

/* vblk_probe - the first virtio-mmio slot of the device tree holding a
 * block device, set up; NULL if none (or it cannot be used: logged). Boot. */
struct vblk *vblk_probe(void);

/* vblk_sectors - the device's size in sectors. */
uint64_t vblk_sectors(const struct vblk *d);

/*
 * vblk_io_poll - advances `r`: submits it when a slot is free (else waits
 * for one), then waits for the device. READY with r->status set; the data
 * of a read is in r->buf then. Task context. A request must be polled to
 * READY before its memory is reused.
 */
enum kasync_poll vblk_io_poll(struct vblk *d, struct vblk_req *r, struct kasync_cx *cx);

/* vblk_io_sync - one request from a CPU's main context (not a task):
 * blocks on the executor until it is done; returns its status. */
int vblk_io_sync(struct vblk *d, uint64_t sector, uint32_t count, bool write, void *buf);

/*
 * vblk_io_polled - `count` sectors (any number) from `sector` on, in
 * requests of up to VBLK_MAX_BYTES, several in flight, polling the used
 * ring instead of waiting for the interrupt: for callers that cannot park
 * a task (the /data ext2, a synchronous library run inside a task's poll;
 * shutdown's sync). It spins on this CPU until done; a read first waits
 * for the write-behind requests over its sectors. Returns 0, ERR_RANGE (past the
 * end) or ERR_IO (the first failed request; the others still end first).
 */
int vblk_io_polled(struct vblk *d, uint64_t sector, uint64_t count, bool write, void *buf);

/*
 * vblk_write_behind - a polled write that does not wait for the device:
 * `count` sectors from `buf` are copied to requests of up to
 * VBLK_MAX_BYTES (buf is free on return), which complete meanwhile, up to
 * VBLK_SLOTS in flight; it polls only for a free slot, or for an earlier
 * write of the same sectors (the device may reorder requests). A polled
 * read waits for the writes before it; a failure is kept for the next
 * vblk_flush_polled. Returns 0 or ERR_RANGE. One user only (the /data
 * ext2, serialized by its lock), like the other polled calls.
 */
int vblk_write_behind(struct vblk *d, uint64_t sector, uint64_t count, const void *buf);

/* vblk_flush_polled - waits for the write-behind requests, then a flush
 * request (VIRTIO_BLK_T_FLUSH), polled: for ext2_sync (sync, shutdown).
 * 0, or ERR_IO (a write-behind or the flush failed). */
int vblk_flush_polled(struct vblk *d);

/* What the driver did since boot (vblk_stats). A completion is a used-ring
 * entry taken by the interrupt handler (irq_done) or by a polled wait
 * (polled_done); in_flight_max is the most requests the device held at
 * once. */
struct vblk_stats {
	uint64_t requests, bytes; /* requests completed (flushes too), data moved */
	uint64_t irqs;		  /* interrupts handled */
	uint64_t irq_done, polled_done;
	uint64_t flushes; /* flush requests sent to the device */
	uint32_t in_flight_max;
	bool flush_supported; /* VIRTIO_BLK_F_FLUSH negotiated */
};

/* vblk_stats - a snapshot of d's counters (taken under its lock). */
void vblk_stats(struct vblk *d, struct vblk_stats *out);
