/*
 * procfs.c - /proc as a synthetic filesystem: each file's text is made at
 * open (a snapshot) from the kernel's own counters.
 *
 *   tasks    ID NAME STATE CPU TIME MEM: the tasks tracked (kvfs_task_track)
 *   meminfo  frames, promises, heap   cpuinfo  one block per CPU
 *   uptime   seconds since reset, Linux's format
 *
 * Invariant: the task table holds only tasks between track and untrack;
 * its owners untrack before a task can be freed, and every read of a task
 * happens under `tasks_lock`, so the table never shows a freed task.
 */
#include <stdatomic.h>
#include <string.h>

#include "arch/arch.h"
#include "base/fmt.h"
#include "core/cpu.h"
#include "fs/kvfs.h"
#include "kasync/state.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/vm.h"
#include "sched/sched.h"
#include "core/spinlock.h"

static struct spinlock tasks_lock = SPINLOCK_INIT;
/* guarded by tasks_lock */
static struct {
	struct kasync_task *task;
	kvfs_task_stats_fn stats;
} tasks[KVFS_TASKS_MAX];

int kvfs_task_track(struct kasync_task *t, kvfs_task_stats_fn stats)
{
	int err = ERR_NOMEM;
	bool irq = spin_lock(&tasks_lock);
	for (size_t i = 0; i < KVFS_TASKS_MAX; i++)
		if (!tasks[i].task) {
			tasks[i].task = t;
			tasks[i].stats = stats;
			err = 0;
			break;
		}
	spin_unlock(&tasks_lock, irq);
	return err;
}

void kvfs_task_untrack(struct kasync_task *t)
{
	bool irq = spin_lock(&tasks_lock);
	for (size_t i = 0; i < KVFS_TASKS_MAX; i++)
		if (tasks[i].task == t)
			tasks[i].task = NULL;
	spin_unlock(&tasks_lock, irq);
}

static const char *task_state(uintptr_t st)
{
	if (st & KASYNC_ST_COMPLETE)
		return "done";
	if (st & KASYNC_ST_CANCELLED)
		return "cancelled";
	if (st & KASYNC_ST_POLLING)
		return "running";
	if (st & KASYNC_ST_WOKEN)
		return "ready";
	return "waiting";
}

static int show_tasks(void *arg, void *state, struct vfs_sbuf *out)
{
	(void)arg;
	(void)state;
	vfs_sbuf_printf(out, "%-6s %-16s %-9s %-4s %10s %9s %10s\n", "ID", "NAME", "STATE", "CPU",
			"TIME(ms)", "MEM(KiB)", "PROM(KiB)");
	bool irq = spin_lock(&tasks_lock);
	for (size_t i = 0; i < KVFS_TASKS_MAX; i++) {
		struct kasync_task *t = tasks[i].task;
		char cpu[8] = "-", time[24] = "-", mem[24] = "-", prom[24] = "-";
		if (!t)
			continue;
		for (uint32_t c = 0; c < ncpus; c++)
			/* relaxed: compared as a value, a snapshot for display */
			if (atomic_load_explicit(&kexec.scheds[c].current, memory_order_relaxed) ==
			    t)
				fmt_snprintf(cpu, sizeof(cpu), "%u", c);
		if (tasks[i].stats) {
			struct kvfs_task_stats st;
			tasks[i].stats(t, &st);
			fmt_snprintf(time, sizeof(time), "%llu.%llu",
				     (unsigned long long)(st.run_us / 1000),
				     (unsigned long long)(st.run_us % 1000 / 100));
			fmt_snprintf(mem, sizeof(mem), "%llu",
				     (unsigned long long)((st.mem_bytes + 1023) / 1024));
			fmt_snprintf(prom, sizeof(prom), "%llu",
				     (unsigned long long)((st.promised_bytes + 1023) / 1024));
		}
		vfs_sbuf_printf(out, "%-6llu %-16.16s %-9s %-4s %10s %9s %10s\n",
				(unsigned long long)t->id, t->name ? t->name : "?",
				task_state(kasync_state_load(&t->state)), cpu, time, mem, prom);
	}
	spin_unlock(&tasks_lock, irq);
	return out->failed ? ERR_NOMEM : 0;
}

/* Linux's names where the meaning is the same; kB = KiB. */
static int show_meminfo(void *arg, void *state, struct vfs_sbuf *out)
{
	struct frame_stats f;
	struct kheap_stats h;
	struct vm_stats v;
	(void)arg;
	(void)state;
	frame_stats(&f);
	kheap_stats(&h);
	vm_stats(&v);
	const struct {
		const char *name;
		uint64_t value;
		bool kib; /* a size (else a count) */
	} rows[] = {
		{"MemTotal", f.total * FRAME_SIZE / 1024, true},
		{"MemFree", f.free * FRAME_SIZE / 1024, true},
		{"MemAvailable", f.available * FRAME_SIZE / 1024, true},
		{"Promised", f.promised * FRAME_SIZE / 1024, true},
		{"KernelReserve", f.reserve * FRAME_SIZE / 1024, true},
		{"FrameCached", f.cached * FRAME_SIZE / 1024, true},
		{"ProgramMemory", v.lazy_committed * FRAME_SIZE / 1024, true},
		{"HeapCommitted", h.committed / 1024, true},
		{"HeapInUse", h.in_use / 1024, true},
		{"HeapAllocs", h.allocs, false},
		{"HeapChunks", h.chunks, false},
		{"PageTables", v.table_pages * FRAME_SIZE / 1024, true},
		{"VmallocTotal", v.reserved_bytes / 1024, true},
		{"Refused", f.refused, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		vfs_sbuf_printf(out, "%s:%*llu%s\n", rows[i].name, 24 - (int)strlen(rows[i].name),
				(unsigned long long)rows[i].value, rows[i].kib ? " kB" : "");
	return out->failed ? ERR_NOMEM : 0;
}

static int show_cpuinfo(void *arg, void *state, struct vfs_sbuf *out)
{
	(void)arg;
	(void)state;
	for (uint32_t c = 0; c < ncpus; c++)
		vfs_sbuf_printf(
			out,
			"processor\t: %u\nhart\t\t: %u\nisa\t\t: rv64gc\nmmu\t\t: sv39/sv48\n"
			"state\t\t: %s\ntimebase\t: %llu\n\n",
			c, cpus[c].hartid, cpus[c].online ? "online" : "offline",
			(unsigned long long)arch_ticks_per_sec());
	return out->failed ? ERR_NOMEM : 0;
}

static int show_uptime(void *arg, void *state, struct vfs_sbuf *out)
{
	(void)arg;
	(void)state;
	uint64_t t = arch_now_ticks(), hz = arch_ticks_per_sec();
	uint64_t cs = t * 100 / hz;
	vfs_sbuf_printf(out, "%llu.%02llu\n", (unsigned long long)(cs / 100),
			(unsigned long long)(cs % 100));
	return out->failed ? ERR_NOMEM : 0;
}

static const struct vfs_synth_ops tasks_ops = {.show = show_tasks};
static const struct vfs_synth_ops meminfo_ops = {.show = show_meminfo};
static const struct vfs_synth_ops cpuinfo_ops = {.show = show_cpuinfo};
static const struct vfs_synth_ops uptime_ops = {.show = show_uptime};
static const struct vfs_synth_ops vblk_ops = {.show = kvfs_disk_show}; /* kdisk.c */

int kvfs_procfs_create(struct vfs *v, struct vfs_fs **out)
{
	static const struct {
		const char *name;
		const struct vfs_synth_ops *ops;
	} files[] = {{"tasks", &tasks_ops},
		     {"meminfo", &meminfo_ops},
		     {"cpuinfo", &cpuinfo_ops},
		     {"uptime", &uptime_ops},
		     {"vblk", &vblk_ops}};
	struct vfs_fs *fs;
	int err = vfs_synth_create(v, &fs);
	for (size_t i = 0; !err && i < ARRAY_SIZE(files); i++)
		err = vfs_synth_add_file(fs, "", files[i].name, files[i].ops, NULL);
	if (!err)
		*out = fs;
	return err;
}
