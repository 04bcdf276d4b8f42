/*
 * ktrace.c - the kernel's tracing instance: platform hooks, boot-time setup,
 * spans, the tracefs lock and the trace_pipe reader's waker (see ktrace.h).
 */
#include "trace/ktrace.h"

#include <stdatomic.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/fmt.h"
#include "base/rand.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/panic.h"
#include "sched/sched.h"
#include "core/spinlock.h"
#include "core/version.h"
#include "trace/tracedat.h"

struct trace_ctx ktrace;
static atomic_bool ready;
static struct trace_span_registry spans; /* valid once `ready` */
static uint8_t irq_depth[MAX_CPUS];	 /* [own] interrupt nesting */
static atomic_bool fs_locked;

/* The trace_pipe reader (at most one task waits; a new one replaces it). */
static struct spinlock pipe_lock = SPINLOCK_INIT;
static struct kasync_waker pipe_waker; /* [pipe_lock] */

static unsigned this_cpu(void)
{
	struct cpu *c = cpu_this();
	return c ? c->id : 0; /* tp is 0 before cpu_claim */
}

/* The task being polled on this CPU; the queue's reference keeps it alive
 * while it is `current`, and an interrupt here runs before the poll ends. */
static struct kasync_task *current_task(void)
{
	unsigned cpu = this_cpu();
	if (!kexec.scheds || cpu >= kexec.ncpu)
		return NULL;
	/* relaxed: written only by this CPU (exec.c) */
	return atomic_load_explicit(&kexec.scheds[cpu].current, memory_order_relaxed);
}

static uint64_t plat_clock(void *arg)
{
	(void)arg;
	return sched_now_ns();
}

static unsigned plat_cpu(void *arg)
{
	(void)arg;
	return this_cpu();
}

static int32_t plat_pid(void *arg)
{
	(void)arg;
	struct kasync_task *t = current_task();
	return t ? (int32_t)t->id : 0;
}

static void plat_comm(void *arg, char comm[TRACE_COMM_LEN])
{
	(void)arg;
	struct kasync_task *t = current_task();
	trace_copy_str(comm, t && t->name ? t->name : "<idle>", TRACE_COMM_LEN);
}

static uint8_t plat_flags(void *arg)
{
	(void)arg;
	bool on = arch_irq_save();
	arch_irq_restore(on);
	uint8_t f = on ? 0 : TRACE_FLAG_IRQS_OFF;
	if (irq_depth[this_cpu()])
		f |= TRACE_FLAG_HARDIRQ;
	return f;
}

static void nop(void *arg)
{
	(void)arg;
}

static void plat_sync_writers(void *arg)
{
	(void)arg;
	/* A cross-call runs in the target's idle loop: outside any task poll
	 * and any interrupt handler, hence after every write it had begun. */
	for (uint32_t c = 0; c < ncpus; c++)
		if (c != cpu_id() && cpus[c].online)
			cpu_call(c, nop, NULL);
}

static void plat_wake_readers(void *arg)
{
	(void)arg;
	bool irq = spin_lock(&pipe_lock);
	struct kasync_waker w = pipe_waker;
	pipe_waker.vt = NULL;
	spin_unlock(&pipe_lock, irq);
	kasync_waker_wake(&w); /* takes no lock: fine in interrupt context */
}

static const struct trace_platform platform = {
	.clock_ns = plat_clock,
	.cpu_id = plat_cpu,
	.current_pid = plat_pid,
	.current_comm = plat_comm,
	.context_flags = plat_flags,
	.sync_writers = plat_sync_writers,
	.wake_readers = plat_wake_readers,
};

void ktrace_init(void)
{
	int err = trace_ctx_init(&ktrace, &platform, ncpus, __start_trace_events,
				 __stop_trace_events, KTRACE_BUFFER_KB);
	if (err)
		panic("tracing: cannot set up (%s)", err_str(err));
	/* the secret of hashed addresses in trace text: drawn at boot, never shown */
	bool irq = arch_irq_save(); /* the CPU's generator: irqs off */
	struct siphash_key key = {rand_next(&cpu_this()->rng), rand_next(&cpu_this()->rng)};
	arch_irq_restore(irq);
	trace_ctx_set_ptr_key(&ktrace, &key);
	err = trace_span_registry_init(&spans, KTRACE_SPANS, ncpus, NULL, NULL);
	if (err)
		panic("tracing: no span registry (%s)", err_str(err));
	atomic_store(&ready, true);
}

/* Whether ktrace_init is done (acquire: pairs with its store of `ready`). */
static bool ktrace_ready(void)
{
	return atomic_load_explicit(&ready, memory_order_acquire);
}

void ktrace_irq_enter(void)
{
	irq_depth[this_cpu()]++;
}

void ktrace_irq_exit(void)
{
	irq_depth[this_cpu()]--;
}

/* ---- spans ---- */

uint64_t ktrace_span_enter(const struct trace_span_meta *meta)
{
	uint64_t id = 0;
	if (!ktrace_ready())
		return 0;
	bool irq = arch_irq_save(); /* the CPU's stack is not re-entered */
	unsigned cpu = this_cpu();
	if (trace_span_new(&spans, cpu, meta, TRACE_SPAN_CONTEXTUAL, 0, &id) == 0)
		trace_span_enter(&spans, cpu, id);
	arch_irq_restore(irq);
	return id;
}

void ktrace_span_exit(uint64_t id)
{
	if (!id)
		return;
	bool irq = arch_irq_save();
	trace_span_exit(&spans, this_cpu(), id);
	trace_span_try_close(&spans, id);
	arch_irq_restore(irq);
}

size_t ktrace_span_names(const char **out, size_t max)
{
	uint64_t ids[8];
	if (!ktrace_ready())
		return 0;
	bool irq = arch_irq_save();
	uint64_t cur = trace_span_current(&spans, this_cpu());
	size_t n = cur ? trace_span_scope(&spans, cur, ids, ARRAY_SIZE(ids)) : 0;
	n = MIN(n, MIN(max, ARRAY_SIZE(ids)));
	for (size_t i = 0; i < n; i++) /* root first */
		out[i] = trace_span_meta_of(&spans, ids[n - 1 - i])->name;
	arch_irq_restore(irq);
	return n;
}

/* ---- tracefs ---- */

static bool fs_lock(void)
{
	bool expected = false;
	/* acquire: the previous holder's changes to the context are visible */
	return ktrace_ready() &&
	       atomic_compare_exchange_strong_explicit(&fs_locked, &expected, true,
						       memory_order_acquire, memory_order_relaxed);
}

static void fs_unlock(void)
{
	/* release: pairs with the acquire in fs_lock */
	atomic_store_explicit(&fs_locked, false, memory_order_release);
}

int ktrace_fs_open(const char *path, unsigned flags, struct trace_fs_file **out)
{
	if (!fs_lock())
		return ERR_BUSY;
	int err = trace_fs_open(&ktrace, path, flags, out);
	fs_unlock();
	return err;
}

int ktrace_fs_read(struct trace_fs_file *f, char *buf, size_t cap, size_t *out_n)
{
	if (!fs_lock())
		return ERR_BUSY;
	int err = trace_fs_read(f, buf, cap, out_n);
	fs_unlock();
	return err;
}

int ktrace_fs_write(struct trace_fs_file *f, const char *buf, size_t len)
{
	if (!fs_lock())
		return ERR_BUSY;
	int err = trace_fs_write(f, buf, len);
	fs_unlock();
	return err;
}

void ktrace_fs_close(struct trace_fs_file *f)
{
	trace_fs_close(f); /* touches only the handle */
}

int ktrace_fs_list(const char *dir, void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
	if (!fs_lock())
		return ERR_BUSY;
	int err = trace_fs_list(&ktrace, dir, fn, arg);
	fs_unlock();
	return err;
}

int ktrace_write_dat(const struct tracedat_sink *sink, struct tracedat_stats *out)
{
	if (!fs_lock())
		return ERR_BUSY;
	int err = trace_ctx_write_dat(&ktrace, KERNEL_VERSION, sink, out);
	fs_unlock();
	return err;
}

bool ktrace_pipe_wait(const struct kasync_waker *w)
{
	bool irq = spin_lock(&pipe_lock);
	if (!kasync_waker_will_wake(&pipe_waker, w)) {
		kasync_waker_drop(&pipe_waker);
		pipe_waker = kasync_waker_clone(w);
	}
	spin_unlock(&pipe_lock, irq);
	return trace_pipe_wait_prepare(&ktrace);
}

void ktrace_pipe_cancel(void)
{
	bool irq = spin_lock(&pipe_lock);
	struct kasync_waker w = pipe_waker;
	pipe_waker.vt = NULL;
	spin_unlock(&pipe_lock, irq);
	kasync_waker_drop(&w);
}

/* A name part of EVENT: non-empty, no '/', not "." or "..". */
static bool event_name_ok(const char *s, size_t len)
{
	return len > 0 && !memchr(s, '/', len) && !(len == 1 && s[0] == '.') &&
	       !(len == 2 && s[0] == '.' && s[1] == '.');
}

bool ktrace_event_dir(const char *ev, char *dir, size_t cap)
{
	const char *colon = strchr(ev, ':');
	size_t len = strlen(ev);
	if (strcmp(ev, "all") == 0) {
		dir[0] = 0;
		return true;
	}
	if (!colon) {
		if (!event_name_ok(ev, len))
			return false;
		return (size_t)fmt_snprintf(dir, cap, "%s/", ev) < cap;
	}
	size_t gl = (size_t)(colon - ev);
	if (!event_name_ok(ev, gl) || !event_name_ok(colon + 1, len - gl - 1) ||
	    strchr(colon + 1, ':'))
		return false;
	return (size_t)fmt_snprintf(dir, cap, "%.*s/%s/", (int)gl, ev, colon + 1) < cap;
}

int ktrace_enable_events(const char *list, size_t len)
{
	int bad = 0;

	for (size_t i = 0; i < len;) {
		size_t n = 0;
		char ev[64], dir[96], path[128];
		while (i + n < len && list[i + n] != ',')
			n++;
		const char *item = list + i;
		i += n + 1;
		if (!n)
			continue;
		struct trace_fs_file *f;
		int err = ERR_NOENT;
		if (n < sizeof(ev)) {
			memcpy(ev, item, n);
			ev[n] = 0;
			if (ktrace_event_dir(ev, dir, sizeof(dir)) &&
			    (size_t)fmt_snprintf(path, sizeof(path), "events/%senable", dir) <
				    sizeof(path))
				err = ktrace_fs_open(path, 0, &f);
		}
		if (!err) {
			err = ktrace_fs_write(f, "1\n", 2);
			ktrace_fs_close(f);
		}
		if (err) {
			log_warn("trace", "trace_event=: %.*s: %s (skipped)", (int)n, item,
				 err == ERR_NOENT ? "no such event" : err_str(err));
			bad++;
		}
	}
	return bad;
}
