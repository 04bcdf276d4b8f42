/*
 * console.c - kernel output (see console.h).
 */
#include "console.h"

#include <string.h>

#include "arch/arch.h"
#include "arch/riscv64/sbi.h"
#include "base/err.h"
#include "base/fmt.h"
#include "cpu.h"
#include "spinlock.h"

enum log_level log_max_level = LOG_INFO;

static struct spinlock lock = SPINLOCK_INIT;
static struct uart *uart; /* NULL: SBI console */

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
				sbi_console_putchar('\r');
		}
		if (uart)
			uart_putc(uart, s[i]);
		else
			sbi_console_putchar(s[i]);
	}
}

void kputs(const char *s)
{
	bool irq = spin_lock(&lock);
	put_raw(s, strlen(s));
	spin_unlock(&lock, irq);
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
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

static const char *const level_names[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

void klog(enum log_level lvl, const char *target, const char *fmt, ...)
{
	char buf[512];
	uint64_t t = arch_now_ticks();
	uint64_t hz = arch_ticks_per_sec();
	uint64_t secs = t / hz, us = (t % hz) * 1000000 / hz;
	/* tp is 0 until per-CPU data is set: report CPU 0 then */
	struct cpu *c = cpu_this();
	int n = fmt_snprintf(buf, sizeof(buf), "[%-5s][CPU %u][%llu.%06llu] %s: ", level_names[lvl],
			     c ? c->id : 0, (unsigned long long)secs, (unsigned long long)us,
			     target);
	va_list ap;
	va_start(ap, fmt);
	if (n < (int)sizeof(buf) - 2)
		n += fmt_vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	bool irq = spin_lock(&lock);
	put_raw(buf, (size_t)n);
	spin_unlock(&lock, irq);
}

int log_level_parse(const char *s, unsigned len, enum log_level *out)
{
	static const char *const names[] = {"off", "error", "warn", "info", "debug", "trace"};
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return ERR_INVAL;
}

void console_break_lock(void)
{
	atomic_store(&lock.owner, atomic_load(&lock.next));
}
