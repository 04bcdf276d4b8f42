/*
 * virtio_blk.c - the virtio block device (virtio_blk.h) over virtio-mmio,
 * modern (version 2) register layout, one split virtqueue.
 *
 * Memory, all frames (the device needs physical addresses):
 *   one page: descriptors (VBLK_QSIZE * 16 B) | avail ring | used ring
 *   one page: per slot a 16-byte header and a status byte
 *   per slot: VBLK_MAX_BYTES of bounce buffer (order-4 frames)
 * Slot i uses descriptors 3i, 3i+1, 3i+2 for good (header, data, status),
 * so nothing is allocated per request and the descriptor chain of a slot
 * is written once a request.
 *
 * Ordering: the driver fills the descriptors and the avail entry, then a
 * write fence, then publishes avail->idx, then a full fence before the
 * notify (virtio 1.x 2.7.13); the interrupt handler reads used->idx, then
 * a read fence before the used entries.
 */
#include "drivers/virtio_blk.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/assert.h"
#include "base/err.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/irq.h"
#include "core/kmain.h"
#include "core/spinlock.h"
#include "mem/frame.h"
#include "sched/sched.h"

/* virtio-mmio registers (virtio 1.x, 4.2.2) */
#define VM_MAGIC	 0x000
#define VM_VERSION	 0x004
#define VM_DEVICE_ID	 0x008
#define VM_DEV_FEATURES	 0x010
#define VM_DEV_FEAT_SEL	 0x014
#define VM_DRV_FEATURES	 0x020
#define VM_DRV_FEAT_SEL	 0x024
#define VM_QUEUE_SEL	 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM	 0x038
#define VM_QUEUE_READY	 0x044
#define VM_QUEUE_NOTIFY	 0x050
#define VM_IRQ_STATUS	 0x060
#define VM_IRQ_ACK	 0x064
#define VM_STATUS	 0x070
#define VM_QUEUE_DESC	 0x080 /* low, then high at +4 */
#define VM_QUEUE_AVAIL	 0x090
#define VM_QUEUE_USED	 0x0a0
#define VM_CONFIG	 0x100 /* virtio-blk: u64 capacity in sectors */

#define VIRTIO_MAGIC	  0x74726976u /* "virt" */
#define VIRTIO_ID_BLOCK	  2u
#define ST_ACKNOWLEDGE	  1u
#define ST_DRIVER	  2u
#define ST_DRIVER_OK	  4u
#define ST_FEATURES_OK	  8u
#define ST_FAILED	  128u
#define F_VERSION_1_HI	  (1u << 0) /* feature bit 32 */
#define DESC_F_NEXT	  1u
#define DESC_F_WRITE	  2u
#define BLK_T_IN	  0u
#define BLK_T_OUT	  1u
#define BLK_T_FLUSH	  4u
#define BLK_F_FLUSH	  (1u << 9) /* VIRTIO_BLK_F_FLUSH, feature word 0 */
#define VBLK_QSIZE	  (3 * VBLK_SLOTS)
#define VBLK_BOUNCE_ORDER 4u /* 16 pages: VBLK_MAX_BYTES */
_Static_assert((4096u << VBLK_BOUNCE_ORDER) == VBLK_MAX_BYTES, "bounce size");

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq_avail {
	uint16_t flags, idx;
	uint16_t ring[VBLK_QSIZE];
	uint16_t used_event;
};

struct vq_used_elem {
	uint32_t id, len;
};

struct vq_used {
	uint16_t flags, idx;
	struct vq_used_elem ring[VBLK_QSIZE];
	uint16_t avail_event;
};

/* The queue page: descriptors at 0 (16-aligned), avail after them,
 * used at a 4-aligned offset after that. */
#define Q_AVAIL_OFF (VBLK_QSIZE * sizeof(struct vq_desc))
#define Q_USED_OFF  ((Q_AVAIL_OFF + sizeof(struct vq_avail) + 3) & ~(size_t)3)
_Static_assert(Q_USED_OFF + sizeof(struct vq_used) <= 4096, "the queue fits a page");

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

struct slot {
	struct vblk_req *req; /* NULL: free */
	bool done;	      /* the device returned it */
	struct kasync_waker waker;
	uint64_t bounce_pa;
};

struct vblk {
	volatile uint8_t *regs;
	uint32_t irq;
	uint64_t sectors;
	struct spinlock lock;
	struct vq_desc *desc;
	struct vq_avail *avail;
	struct vq_used *used;
	uint16_t used_seen; /* used->idx up to which completions were taken */
	uint64_t hdr_pa;    /* the header/status page */
	struct slot slots[VBLK_SLOTS];
	struct kasync_sem free_slots; /* a permit per free slot: FIFO for the waiting */
	bool has_flush;		      /* VIRTIO_BLK_F_FLUSH negotiated (set at probe) */
	/* write-behind (vblk_write_behind): owned by its one polled user */
	struct vblk_req wb[VBLK_SLOTS];
	uint32_t wb_busy;   /* bitmask of wb[] in flight */
	int wb_err;	    /* the first failure since the last vblk_flush_polled */
	uint32_t in_flight; /* slots the device holds */
	/* statistics (vblk_stats), under the lock */
	uint64_t requests, bytes, irqs, irq_done, polled_done, flushes;
	uint32_t in_flight_max;
};

static uint32_t rd(struct vblk *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->regs + off);
}

static void wr(struct vblk *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->regs + off) = v;
}

static void wr64(struct vblk *d, uint32_t off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

static struct blk_hdr *slot_hdr(struct vblk *d, unsigned i)
{
	return (struct blk_hdr *)phys_to_virt(d->hdr_pa + 32u * i);
}

static volatile uint8_t *slot_status(struct vblk *d, unsigned i)
{
	return (volatile uint8_t *)phys_to_virt(d->hdr_pa + 32u * i + 16u);
}

/* Takes the used entries: each marks its slot done; their wakers go to
 * wake[] (VBLK_SLOTS room). Returns how many. Lock NOT held. `from_irq`:
 * the interrupt handler calls (for the statistics). */
static unsigned reap(struct vblk *d, struct kasync_waker *wake, bool from_irq)
{
	unsigned n = 0;
	bool irq = spin_lock(&d->lock);
	d->irqs += from_irq;
	uint16_t idx = *(volatile uint16_t *)&d->used->idx;
	atomic_thread_fence(memory_order_acquire); /* the entries after the index */
	for (; d->used_seen != idx; d->used_seen++) {
		uint32_t id = d->used->ring[d->used_seen % VBLK_QSIZE].id;
		struct slot *s = id % 3 == 0 && id / 3 < VBLK_SLOTS ? &d->slots[id / 3] : NULL;
		if (!s || !s->req || s->done)
			continue; /* a device bug: nothing of ours */
		s->done = true;
		if (from_irq)
			d->irq_done++;
		else
			d->polled_done++;
		wake[n] = s->waker;
		s->waker = (struct kasync_waker){0};
		n++;
	}
	spin_unlock(&d->lock, irq);
	return n;
}

/* The interrupt: every used entry marks its slot done and wakes its task. */
static void vblk_irq(void *arg)
{
	struct vblk *d = arg;
	struct kasync_waker wake[VBLK_SLOTS];
	unsigned n;

	wr(d, VM_IRQ_ACK, rd(d, VM_IRQ_STATUS));
	n = reap(d, wake, true);
	for (unsigned i = 0; i < n; i++)
		if (kasync_waker_is_set(&wake[i]))
			kasync_waker_wake(&wake[i]);
}

/* Puts r into free slot i and tells the device (lock held). */
static void submit(struct vblk *d, unsigned i, struct vblk_req *r)
{
	struct slot *s = &d->slots[i];
	size_t bytes = (size_t)r->count * VBLK_SECTOR;
	struct blk_hdr *h = slot_hdr(d, i);

	s->req = r;
	s->done = false;
	r->slot = (int)i;
	if (++d->in_flight > d->in_flight_max)
		d->in_flight_max = d->in_flight;
	if (r->write && !r->flush)
		memcpy(phys_to_virt(s->bounce_pa), r->buf, bytes);
	h->type = r->flush ? BLK_T_FLUSH : r->write ? BLK_T_OUT : BLK_T_IN;
	h->reserved = 0;
	h->sector = r->flush ? 0 : r->sector;
	*slot_status(d, i) = 0xff;
	d->flushes += r->flush;
	/* a flush has no data: its header leads straight to its status */
	d->desc[3 * i] = (struct vq_desc){d->hdr_pa + 32u * i, 16, DESC_F_NEXT,
					  (uint16_t)(3 * i + (r->flush ? 2 : 1))};
	d->desc[3 * i + 1] = (struct vq_desc){
		s->bounce_pa, (uint32_t)bytes,
		(uint16_t)(DESC_F_NEXT | (r->write ? 0 : DESC_F_WRITE)), (uint16_t)(3 * i + 2)};
	d->desc[3 * i + 2] = (struct vq_desc){d->hdr_pa + 32u * i + 16u, 1, DESC_F_WRITE, 0};
	uint16_t a = d->avail->idx;
	d->avail->ring[a % VBLK_QSIZE] = (uint16_t)(3 * i);
	atomic_thread_fence(memory_order_release); /* the chain before the index */
	*(volatile uint16_t *)&d->avail->idx = (uint16_t)(a + 1);
	atomic_thread_fence(memory_order_seq_cst); /* the index before the notify */
	wr(d, VM_QUEUE_NOTIFY, 0);
}

enum kasync_poll vblk_io_poll(struct vblk *d, struct vblk_req *r, struct kasync_cx *cx)
{
	bool irq;
	int err;

	if (r->slot < 0) {
		if (r->flush && !d->has_flush) {
			r->status = 0; /* nothing the device would do */
			return KASYNC_READY;
		}
		if (!r->flush && (!r->count || r->count > VBLK_MAX_BYTES / VBLK_SECTOR ||
				  r->sector > d->sectors || r->count > d->sectors - r->sector)) {
			r->status = ERR_RANGE;
			return KASYNC_READY;
		}
		/* a permit is a free slot (waiters queue in order) */
		if (kasync_sem_acquire_poll(&d->free_slots, &r->wait, 1, cx, &err) ==
		    KASYNC_PENDING)
			return KASYNC_PENDING;
		irq = spin_lock(&d->lock);
		for (unsigned i = 0; i < VBLK_SLOTS && r->slot < 0; i++)
			if (!d->slots[i].req)
				submit(d, i, r);
		spin_unlock(&d->lock, irq);
		ASSERT(r->slot >= 0); /* the permit said a slot was free */
	}
	struct slot *s = &d->slots[r->slot];
	irq = spin_lock(&d->lock);
	if (!s->done) {
		if (!kasync_waker_will_wake(&s->waker, &cx->waker)) {
			kasync_waker_drop(&s->waker);
			s->waker = kasync_waker_clone(&cx->waker);
		}
		spin_unlock(&d->lock, irq);
		return KASYNC_PENDING;
	}
	uint8_t st = *slot_status(d, (unsigned)r->slot);
	size_t bytes = r->flush ? 0 : (size_t)r->count * VBLK_SECTOR;
	if (!r->write && !r->flush && st == 0)
		memcpy(r->buf, phys_to_virt(s->bounce_pa), bytes);
	r->status = st == 0 ? 0 : ERR_IO;
	s->req = NULL;
	s->done = false;
	d->in_flight--;
	d->requests++;
	d->bytes += st == 0 ? bytes : 0;
	spin_unlock(&d->lock, irq);
	kasync_sem_release(&d->free_slots, 1);
	return KASYNC_READY;
}

/* One request as a task, for vblk_io_sync. */
struct io_task {
	struct kasync_task task;
	struct vblk *d;
	struct vblk_req r;
};

static enum kasync_poll io_task_poll(struct kasync_task *t, struct kasync_cx *cx)
{
	struct io_task *it = (struct io_task *)t;
	return vblk_io_poll(it->d, &it->r, cx);
}

static void io_task_take(struct kasync_task *t, void *out)
{
	*(int *)out = ((struct io_task *)t)->r.status;
}

static void io_task_dealloc(struct kasync_task *t)
{
	free(t);
}

static const struct kasync_task_vtable io_task_vt = {
	.poll = io_task_poll, .take_output = io_task_take, .dealloc = io_task_dealloc};

int vblk_io_sync(struct vblk *d, uint64_t sector, uint32_t count, bool write, void *buf)
{
	struct io_task *it = calloc(1, sizeof(*it));
	struct kasync_join jh;
	int status = ERR_NOMEM;

	if (!it)
		return ERR_NOMEM;
	kasync_task_init(&it->task, &io_task_vt, "vblk-io");
	it->d = d;
	it->r = (struct vblk_req){
		.sector = sector, .count = count, .write = write, .buf = buf, .slot = -1};
	if (kasync_spawn(&kexec, &it->task, &jh) == 0 && sched_block_on_join(&jh, &status))
		status = ERR_CANCELLED;
	return status;
}

/* Completes the write-behind requests the device is done with. */
static void wb_collect(struct vblk *d)
{
	struct kasync_cx cx = {0}; /* no waker: we poll */

	for (unsigned i = 0; i < VBLK_SLOTS; i++) {
		if (!(d->wb_busy & (1u << i)) || vblk_io_poll(d, &d->wb[i], &cx) == KASYNC_PENDING)
			continue;
		d->wb_busy &= ~(1u << i);
		if (d->wb[i].status && !d->wb_err)
			d->wb_err = d->wb[i].status;
	}
}

/* One step of a polled wait: takes what the device finished (waking the
 * tasks among them), completes the write-behind requests among them (their
 * slots are what a polled request may be waiting for), and lets the CPU
 * breathe. */
static void poll_step(struct vblk *d)
{
	struct kasync_waker wake[VBLK_SLOTS];
	unsigned n = reap(d, wake, false);

	for (unsigned i = 0; i < n; i++)
		if (kasync_waker_is_set(&wake[i]))
			kasync_waker_wake(&wake[i]);
	wb_collect(d);
	arch_cpu_relax();
}

/* Waits for every write-behind request, or those over [sector, +count)
 * (count 0: all). */
static void wb_drain(struct vblk *d, uint64_t sector, uint64_t count)
{
	for (;;) {
		bool left = false;

		wb_collect(d);
		for (unsigned i = 0; i < VBLK_SLOTS && !left; i++) {
			const struct vblk_req *w = &d->wb[i];
			left = (d->wb_busy & (1u << i)) &&
			       (!count ||
				(w->sector < sector + count && sector < w->sector + w->count));
		}
		if (!left)
			return;
		poll_step(d);
	}
}

int vblk_write_behind(struct vblk *d, uint64_t sector, uint64_t count, const void *buf)
{
	const uint32_t max = VBLK_MAX_BYTES / VBLK_SECTOR;

	if (!count || sector > d->sectors || count > d->sectors - sector)
		return ERR_RANGE;
	for (uint64_t next = 0; next < count;) {
		uint32_t n = count - next > max ? max : (uint32_t)(count - next);
		unsigned i = 0;

		/* two writes of one sector in flight may land in any order */
		wb_drain(d, sector + next, n);
		while (d->wb_busy == (1u << VBLK_SLOTS) - 1)
			poll_step(d);
		while (d->wb_busy & (1u << i))
			i++;
		struct vblk_req *w = &d->wb[i];
		*w = (struct vblk_req){.sector = sector + next,
				       .count = n,
				       .write = true,
				       .buf = (uint8_t *)buf + next * VBLK_SECTOR,
				       .slot = -1};
		d->wb_busy |= 1u << i;
		/* submitted means copied to its slot: buf is free after. Only
		 * wb_collect polls wb[]: it sees a request done at once (the
		 * interrupt may come before vblk_io_poll returns) */
		wb_collect(d);
		while ((d->wb_busy & (1u << i)) && w->slot < 0)
			poll_step(d);
		next += n;
	}
	return 0;
}

int vblk_io_polled(struct vblk *d, uint64_t sector, uint64_t count, bool write, void *buf)
{
	const uint32_t max = VBLK_MAX_BYTES / VBLK_SECTOR;
	struct vblk_req r[VBLK_SLOTS];
	struct kasync_cx cx = {0}; /* no waker: we poll */
	uint64_t next = 0;	   /* sectors handed to requests so far */
	unsigned busy = 0;	   /* bitmask of r[] in flight */
	int status = 0;

	if (!count || sector > d->sectors || count > d->sectors - sector)
		return ERR_RANGE;
	wb_drain(d, sector, count); /* a read sees the writes before it */
	while (next < count || busy) {
		for (unsigned i = 0; i < VBLK_SLOTS && next < count && !status; i++) {
			if (busy & (1u << i))
				continue;
			uint32_t n = count - next > max ? max : (uint32_t)(count - next);
			r[i] = (struct vblk_req){.sector = sector + next,
						 .count = n,
						 .write = write,
						 .buf = (uint8_t *)buf + next * VBLK_SECTOR,
						 .slot = -1};
			next += n;
			busy |= 1u << i;
		}
		for (unsigned i = 0; i < VBLK_SLOTS; i++) {
			if (!(busy & (1u << i)) || vblk_io_poll(d, &r[i], &cx) == KASYNC_PENDING)
				continue;
			busy &= ~(1u << i);
			if (r[i].status && !status)
				status = r[i].status;
		}
		if (status)
			next = count; /* submit no more; wait for those in flight */
		if (busy)
			poll_step(d);
	}
	return status;
}

int vblk_flush_polled(struct vblk *d)
{
	struct vblk_req r = {.flush = true, .slot = -1};
	struct kasync_cx cx = {0}; /* no waker: we poll */
	int err;

	wb_drain(d, 0, 0);
	err = d->wb_err;
	d->wb_err = 0;
	while (vblk_io_poll(d, &r, &cx) == KASYNC_PENDING)
		poll_step(d);
	return err ? err : r.status;
}

uint64_t vblk_sectors(const struct vblk *d)
{
	return d->sectors;
}

void vblk_stats(struct vblk *d, struct vblk_stats *out)
{
	bool irq = spin_lock(&d->lock);
	*out = (struct vblk_stats){
		.requests = d->requests,
		.bytes = d->bytes,
		.irqs = d->irqs,
		.irq_done = d->irq_done,
		.polled_done = d->polled_done,
		.flushes = d->flushes,
		.in_flight_max = d->in_flight_max,
		.flush_supported = d->has_flush,
	};
	spin_unlock(&d->lock, irq);
}

/* ---- setup ---- */

static void vblk_free(struct vblk *d)
{
	if (d->desc)
		frame_free((uint64_t)((uintptr_t)d->desc - phys_offset));
	if (d->hdr_pa)
		frame_free(d->hdr_pa);
	for (unsigned i = 0; i < VBLK_SLOTS; i++)
		if (d->slots[i].bounce_pa)
			frame_free_order(d->slots[i].bounce_pa, VBLK_BOUNCE_ORDER);
	free(d);
}

/* Negotiates, sets the queue up and turns the device on; a message if not. */
static const char *vblk_init(struct vblk *d)
{
	uint64_t qpa;

	wr(d, VM_STATUS, 0); /* reset */
	wr(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
	wr(d, VM_DEV_FEAT_SEL, 1);
	if (!(rd(d, VM_DEV_FEATURES) & F_VERSION_1_HI))
		return "no VIRTIO_F_VERSION_1";
	wr(d, VM_DRV_FEAT_SEL, 1);
	wr(d, VM_DRV_FEATURES, F_VERSION_1_HI);
	wr(d, VM_DEV_FEAT_SEL, 0);
	d->has_flush = (rd(d, VM_DEV_FEATURES) & BLK_F_FLUSH) != 0;
	wr(d, VM_DRV_FEAT_SEL, 0);
	/* of the block features only FLUSH (sync's write barrier) */
	wr(d, VM_DRV_FEATURES, d->has_flush ? BLK_F_FLUSH : 0);
	wr(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
	if (!(rd(d, VM_STATUS) & ST_FEATURES_OK))
		return "features refused";
	wr(d, VM_QUEUE_SEL, 0);
	if (rd(d, VM_QUEUE_NUM_MAX) < VBLK_QSIZE)
		return "queue too small";
	if (frame_alloc(&qpa) || frame_alloc(&d->hdr_pa))
		return "out of memory";
	uint8_t *q = phys_to_virt(qpa);
	memset(q, 0, 4096);
	memset(phys_to_virt(d->hdr_pa), 0, 4096);
	d->desc = (struct vq_desc *)q;
	d->avail = (struct vq_avail *)(q + Q_AVAIL_OFF);
	d->used = (struct vq_used *)(q + Q_USED_OFF);
	for (unsigned i = 0; i < VBLK_SLOTS; i++)
		if (frame_alloc_order(VBLK_BOUNCE_ORDER, &d->slots[i].bounce_pa))
			return "out of memory";
	wr(d, VM_QUEUE_NUM, VBLK_QSIZE);
	wr64(d, VM_QUEUE_DESC, qpa);
	wr64(d, VM_QUEUE_AVAIL, qpa + Q_AVAIL_OFF);
	wr64(d, VM_QUEUE_USED, qpa + Q_USED_OFF);
	wr(d, VM_QUEUE_READY, 1);
	if (irq_register(d->irq, cpu_this()->hartid, "virtio-blk", vblk_irq, d))
		return "its interrupt line is taken";
	wr(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	d->sectors = rd(d, VM_CONFIG) | (uint64_t)rd(d, VM_CONFIG + 4) << 32;
	return NULL;
}

struct vblk *vblk_probe(void)
{
	for (unsigned i = 0; i < kg.dt.n_virtio; i++) {
		volatile uint8_t *regs = phys_to_virt(kg.dt.virtio[i].base);
		uint32_t version;

		if (*(volatile uint32_t *)(regs + VM_MAGIC) != VIRTIO_MAGIC ||
		    *(volatile uint32_t *)(regs + VM_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		version = *(volatile uint32_t *)(regs + VM_VERSION);
		if (version != 2) {
			log_warn("virtio",
				 "block device at 0x%llx: legacy interface (version %u): "
				 "not used (QEMU: -global virtio-mmio.force-legacy=false)",
				 (unsigned long long)kg.dt.virtio[i].base, version);
			continue;
		}
		struct vblk *d = calloc(1, sizeof(*d));
		if (!d)
			return NULL;
		d->regs = regs;
		d->irq = kg.dt.virtio[i].irq;
		/* calloc: the lock's zeroes are SPINLOCK_INIT */
		kasync_sem_init(&d->free_slots, VBLK_SLOTS);
		const char *why = vblk_init(d);
		if (why) {
			wr(d, VM_STATUS, ST_FAILED);
			log_warn("virtio", "block device at 0x%llx: %s: not used",
				 (unsigned long long)kg.dt.virtio[i].base, why);
			vblk_free(d);
			continue;
		}
		log_info("virtio", "block device at 0x%llx: %llu sectors (%llu MiB), irq %u%s",
			 (unsigned long long)kg.dt.virtio[i].base, (unsigned long long)d->sectors,
			 (unsigned long long)(d->sectors >> 11), d->irq,
			 d->has_flush ? ", flush" : "");
		return d;
	}
	return NULL;
}
