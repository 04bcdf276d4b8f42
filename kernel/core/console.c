/*
 * console.c - kernel output (see console.h).
 */
#include "core/console.h"

#include <stdatomic.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/cpu.h"
#include "trace/ktrace.h"
#include "core/spinlock.h"
#include "kasync/exec.h"
#include "sched/sched.h"

/* The log filter: a plain value, valid before any code ran (default info).
 * Written by the boot CPU before the others start; read-only after. */
static struct trace_log_filter log_filter = {.default_level = TRACE_LEVEL_INFO,
					     .max_level = TRACE_LEVEL_INFO};
extern struct trace_log_callsite __start_trace_log_callsites[] __attribute__((weak));
extern struct trace_log_callsite __stop_trace_log_callsites[] __attribute__((weak));

static struct spinlock lock = SPINLOCK_INIT;
static struct uart *uart;	  /* NULL: SBI console */
static bool at_line_start = true; /* the last byte written was '\n' (lock) */

void console_use_uart(struct uart *u)
{
	uart = u;
}

/* Caller holds the lock. */
static void put_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (uart)
				uart_putc(uart, '\r');
			else
				arch_early_putchar('\r');
		}
		if (uart)
			uart_putc(uart, s[i]);
		else
			arch_early_putchar(s[i]);
	}
	if (n)
		at_line_start = s[n - 1] == '\n';
}

bool console_at_line_start(void)
{
	bool irq = spin_lock(&lock);
	bool r = at_line_start;
	spin_unlock(&lock, irq);
	return r;
}

/* The captures (console_capture_set). A slot's owner is written last
 * (release) when set and first when cleared, so a reader that sees the
 * owner sees its sink; `ncaptures` (relaxed: a hint) lets the usual case,
 * no capture at all, skip the lookup. */
struct capture {
	_Atomic(const void *) owner;
	void (*sink)(void *arg, const char *s, size_t n);
	void *arg;
};
static struct capture captures[CONSOLE_CAPTURES];
static _Atomic unsigned ncaptures;

int console_capture_set(const void *owner, void (*sink)(void *arg, const char *s, size_t n),
			void *arg)
{
	for (size_t i = 0; i < CONSOLE_CAPTURES; i++) {
		const void *none = NULL;
		struct capture *c = &captures[i];
		if (atomic_load_explicit(&c->owner, memory_order_relaxed))
			continue;
		c->sink = sink;
		c->arg = arg;
		/* release: the sink is visible before the owner */
		if (atomic_compare_exchange_strong_explicit(
			    &c->owner, &none, owner, memory_order_release, memory_order_relaxed)) {
			atomic_fetch_add_explicit(&ncaptures, 1, memory_order_relaxed);
			return 0;
		}
	}
	return ERR_BUSY;
}

void console_capture_clear(const void *owner)
{
	for (size_t i = 0; i < CONSOLE_CAPTURES; i++)
		if (atomic_load_explicit(&captures[i].owner, memory_order_relaxed) == owner) {
			atomic_store_explicit(&captures[i].owner, NULL, memory_order_relaxed);
			atomic_fetch_sub_explicit(&ncaptures, 1, memory_order_relaxed);
		}
}

/* The capture of the task running here, or NULL. Only the owner's own
 * writes (task context, interrupts on) look for its slot, and the owner
 * sets and clears it from its own task or before it runs, so the slot
 * cannot change under it. */
static const struct capture *captured(void)
{
	if (!atomic_load_explicit(&ncaptures, memory_order_relaxed))
		return NULL;
	/* never from a trap or with interrupts off (a fault report, a
	 * handler): that output is the console's, and a sink may block */
	bool irq_on = arch_irq_save();
	arch_irq_restore(irq_on);
	struct cpu *c = cpu_this();
	if (!irq_on || (c && c->panic_depth))
		return NULL;
	struct kasync_sched *s = kasync_exec_current_sched(&kexec);
	const void *task = s ? atomic_load_explicit(&s->current, memory_order_relaxed) : NULL;
	if (!task)
		return NULL;
	for (size_t i = 0; i < CONSOLE_CAPTURES; i++)
		/* acquire: pairs with the release in console_capture_set */
		if (atomic_load_explicit(&captures[i].owner, memory_order_acquire) == task)
			return &captures[i];
	return NULL;
}

void kputs(const char *s)
{
	const struct capture *c = captured();
	if (c) {
		c->sink(c->arg, s, strlen(s));
		return;
	}
	bool irq = spin_lock(&lock);
	put_raw(s, strlen(s));
	spin_unlock(&lock, irq);
}

void console_write(const char *s, size_t len)
{
	const struct capture *c = captured();
	if (c) {
		c->sink(c->arg, s, len);
		return;
	}
	while (len) { /* a chunk per lock hold: interrupts stay off briefly */
		size_t n = len < 256 ? len : 256;
		bool irq = spin_lock(&lock);
		put_raw(s, n);
		spin_unlock(&lock, irq);
		s += n;
		len -= n;
	}
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	const struct capture *c = captured();
	if (c) {
		c->sink(c->arg, buf, (size_t)n);
		return;
	}
	bool irq = spin_lock(&lock);
	put_raw(buf, (size_t)n);
	spin_unlock(&lock, irq);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void console_set_log_filter(const struct trace_log_filter *f)
{
	log_filter = *f;
	trace_log_callsites_reset(__start_trace_log_callsites, __stop_trace_log_callsites);
}

static uint64_t now_ns(void)
{
	uint64_t t = arch_now_ticks(), hz = arch_ticks_per_sec();
	return t / hz * 1000000000u + t % hz * 1000000000u / hz;
}

/* Formats and prints one line; the whole line goes out under the lock. */
/* The kernel log's last DMESG_BYTES bytes, for `dmesg`: a ring under the
 * console lock; dmesg_len counts every byte ever logged. */
#define DMESG_BYTES (64u << 10)
static char dmesg[DMESG_BYTES];
static uint64_t dmesg_len;

/* Caller holds the lock. */
static void dmesg_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dmesg[(dmesg_len + i) % DMESG_BYTES] = s[i];
	dmesg_len += n;
}

size_t console_dmesg(char *out, size_t size)
{
	bool irq = spin_lock(&lock);
	size_t have = dmesg_len < DMESG_BYTES ? (size_t)dmesg_len : DMESG_BYTES;
	size_t n = have < size ? have : size;
	uint64_t from = dmesg_len - n;
	for (size_t i = 0; i < n; i++)
		out[i] = dmesg[(from + i) % DMESG_BYTES];
	spin_unlock(&lock, irq);
	/* a line cut at the start of the ring is left out */
	size_t skip = 0;
	if (n < dmesg_len)
		while (skip < n && out[skip++] != '\n')
			;
	memmove(out, out + skip, n - skip);
	return n - skip;
}

static void vlog(enum log_level lvl, const char *target, const char *fmt, va_list ap)
{
	char buf[512];
	const char *spans[8];
	size_t nspans = ktrace_span_names(spans, ARRAY_SIZE(spans));
	/* tp is 0 until per-CPU data is set: report CPU 0 then */
	struct cpu *c = cpu_this();
	int n = trace_log_format_line(buf, sizeof(buf), (enum trace_level)lvl, c ? c->id : 0,
				      now_ns(), target, spans, nspans, fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	bool irq = spin_lock(&lock);
	put_raw(buf, len);
	dmesg_put(buf, len);
	spin_unlock(&lock, irq);
}

void klog_at(struct trace_log_callsite *cs, enum log_level lvl, const char *fmt, ...)
{
	va_list ap;
	if (!trace_log_callsite_check(&log_filter, cs, (enum trace_level)lvl))
		return;
	va_start(ap, fmt);
	vlog(lvl, cs->target, fmt, ap);
	va_end(ap);
}

void console_break_lock(void)
{
	spin_release(&lock.s); /* the holder is gone (panic): take it over */
}
