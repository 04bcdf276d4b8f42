/*
 * vblk_test.c - the virtio-blk driver on the disk tools/qemu-test.sh
 * attaches to the test kernel (a fresh 16 MiB file): many tasks write and
 * read back distinct 64 KiB runs at once (more requests than the driver has
 * slots, so some wait for one), bad requests are refused, and sequential
 * throughput in guest time is reported.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "core/kmain.h"
#include "drivers/virtio_blk.h"
#include "sched/sched.h"

#define RUN_SECTORS (VBLK_MAX_BYTES / VBLK_SECTOR)
#define TASKS	    (3 * VBLK_SLOTS)
#define RUNS	    4 /* per task */

struct io_task {
	struct kasync_task task;
	unsigned id, done;
	bool write;
	uint8_t *buf;
	struct vblk_req r;
	int bad; /* requests failed, or data read back wrong */
};

static uint8_t pattern(unsigned task, unsigned run, size_t i)
{
	return (uint8_t)(task * 131 + run * 17 + i * 7 + (i >> 9));
}

/* RUNS runs of RUN_SECTORS, at task-interleaved places on the disk. */
static enum kasync_poll io_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct io_task *t = (struct io_task *)task;

	while (t->done < RUNS) {
		if (t->r.slot < 0 && !t->r.count) {
			t->r = (struct vblk_req){
				.sector = ((uint64_t)t->done * TASKS + t->id) * RUN_SECTORS,
				.count = RUN_SECTORS,
				.write = t->write,
				.buf = t->buf,
				.slot = -1,
			};
			if (t->write)
				for (size_t i = 0; i < VBLK_MAX_BYTES; i++)
					t->buf[i] = pattern(t->id, t->done, i);
		}
		if (vblk_io_poll(kg.disk, &t->r, cx) == KASYNC_PENDING)
			return KASYNC_PENDING;
		t->bad += t->r.status != 0;
		if (!t->write && t->r.status == 0)
			for (size_t i = 0; i < VBLK_MAX_BYTES; i++)
				t->bad += t->buf[i] != pattern(t->id, t->done, i);
		t->r = (struct vblk_req){.slot = -1};
		t->done++;
	}
	return KASYNC_READY;
}

static void io_take(struct kasync_task *task, void *out)
{
	*(int *)out = ((struct io_task *)task)->bad;
}

static void io_dealloc(struct kasync_task *task)
{
	free(((struct io_task *)task)->buf);
	free(task);
}

static const struct kasync_task_vtable io_vt = {
	.poll = io_poll, .take_output = io_take, .dealloc = io_dealloc};

/* All TASKS at once, writing or reading; returns the bad count, *ns the time. */
static int pass(bool write, uint64_t *ns)
{
	struct kasync_join jh[TASKS];
	int bad = 0;
	uint64_t t0 = sched_now_ns();

	for (unsigned i = 0; i < TASKS; i++) {
		struct io_task *t = calloc(1, sizeof(*t));
		uint8_t *buf = malloc(VBLK_MAX_BYTES);
		if (!t || !buf) {
			free(t);
			free(buf);
			return -1;
		}
		kasync_task_init(&t->task, &io_vt, "vblk-test");
		t->id = i;
		t->write = write;
		t->buf = buf;
		t->r.slot = -1;
		if (kasync_spawn(&kexec, &t->task, &jh[i]))
			return -1;
	}
	for (unsigned i = 0; i < TASKS; i++) {
		int b = 0;
		if (sched_block_on_join(&jh[i], &b))
			return -1;
		bad += b;
	}
	*ns = sched_now_ns() - t0;
	return bad;
}

TEST(vblk, many_requests_in_flight_write_and_read_back)
{
	uint64_t wns = 0, rns = 0;
	struct vblk_stats before, st;
	const uint64_t total = (uint64_t)TASKS * RUNS * VBLK_MAX_BYTES;

	if (!EXPECT(kg.disk != NULL)) {
		test_printf(t, "  no virtio-blk disk (tools/qemu-test.sh attaches one)\n");
		return;
	}
	if (!EXPECT_GE(vblk_sectors(kg.disk), total / VBLK_SECTOR))
		return;
	vblk_stats(kg.disk, &before);
	EXPECT_EQ(pass(true, &wns), 0);
	EXPECT_EQ(pass(false, &rns), 0);
	vblk_stats(kg.disk, &st);
	EXPECT_GE(st.requests - before.requests, 2u * TASKS * RUNS);
	/* tasks park: their requests are completed by the interrupt, many at
	 * once (every slot taken: there are more tasks than slots) */
	EXPECT_GE(st.irq_done - before.irq_done, 2u * TASKS * RUNS);
	EXPECT_GE(st.irqs - before.irqs, 1u);
	EXPECT_EQ(st.in_flight_max, VBLK_SLOTS);
	test_printf(t, "  %llu interrupts completed %llu requests, up to %u in flight\n",
		    (unsigned long long)(st.irqs - before.irqs),
		    (unsigned long long)(st.irq_done - before.irq_done), st.in_flight_max);
	test_printf(
		t,
		"  %llu KiB written in %llu us, read in %llu us (guest time): %llu / %llu MB/s\n",
		(unsigned long long)(total >> 10), (unsigned long long)(wns / 1000),
		(unsigned long long)(rns / 1000),
		(unsigned long long)(wns ? total * 1000 / wns : 0),
		(unsigned long long)(rns ? total * 1000 / rns : 0));
}

TEST(vblk, bad_requests_are_refused)
{
	static uint8_t buf[VBLK_SECTOR];

	if (!EXPECT(kg.disk != NULL))
		return;
	uint64_t n = vblk_sectors(kg.disk);
	EXPECT_EQ(vblk_io_sync(kg.disk, n, 1, false, buf), ERR_RANGE); /* past the end */
	EXPECT_EQ(vblk_io_sync(kg.disk, n - 1, 2, false, buf), ERR_RANGE);
	EXPECT_EQ(vblk_io_sync(kg.disk, 0, 0, false, buf), ERR_RANGE);
	EXPECT_EQ(vblk_io_sync(kg.disk, 0, RUN_SECTORS + 1, false, buf), ERR_RANGE);
	memset(buf, 0x5a, sizeof(buf));
	EXPECT_OK(vblk_io_sync(kg.disk, n - 1, 1, true, buf)); /* the last sector */
	memset(buf, 0, sizeof(buf));
	EXPECT_OK(vblk_io_sync(kg.disk, n - 1, 1, false, buf));
	EXPECT(buf[0] == 0x5a && buf[VBLK_SECTOR - 1] == 0x5a);
}

/* QEMU offers VIRTIO_BLK_F_FLUSH: the driver takes it, and a flush is a
 * request the device completes (polled and from a task alike). */
TEST(vblk, flush_is_negotiated_and_sent)
{
	struct vblk_stats a, b;

	if (!EXPECT(kg.disk != NULL))
		return;
	vblk_stats(kg.disk, &a);
	EXPECT(a.flush_supported);
	EXPECT_OK(vblk_flush_polled(kg.disk));
	vblk_stats(kg.disk, &b);
	EXPECT_EQ(b.flushes - a.flushes, 1u);
	EXPECT_EQ(b.requests - a.requests, 1u);
	EXPECT_EQ(b.bytes, a.bytes);
}
