/*
 * console.h - kernel output and leveled logging.
 *
 * Before the UART is known (the first lines of boot) output goes through
 * the SBI console. Every line is written under one lock, so lines from
 * different harts never interleave mid-line. Safe from interrupt context.
 *
 * Log line: [LEVEL][CPU n][secs.micros] target: span:span: message
 * (lib/trace's format; the spans are this CPU's entered spans, ktrace.h).
 *
 * Filter: the `log=` boot argument in lib/trace's directive syntax
 * (`log=info,kasync=trace,wasm=off`). Each log statement has a callsite in
 * the section `trace_log_callsites` caching its target's level, so a
 * disabled statement costs one load and one branch, from the first
 * instruction of kmain (the filter is a static value: no heap needed) and in
 * interrupt context.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

#include "base/compiler.h"
#include "drivers/uart.h"
#include "trace/log.h"

enum log_level {
	LOG_OFF = TRACE_LEVEL_OFF,
	LOG_ERROR = TRACE_LEVEL_ERROR,
	LOG_WARN = TRACE_LEVEL_WARN,
	LOG_INFO = TRACE_LEVEL_INFO,
	LOG_DEBUG = TRACE_LEVEL_DEBUG,
	LOG_TRACE = TRACE_LEVEL_TRACE,
};

/* Switches output from the SBI console to the UART. */
void console_use_uart(struct uart *u);

void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void kvprintf(const char *fmt, va_list ap);
void kputs(const char *s); /* no newline added */
/* console_write - len bytes as they are (any length; kprintf stops at 511). */
void console_write(const char *s, size_t len);
/*
 * console_capture_set - from now on, what the task `owner` writes with
 * kprintf, kputs or console_write (log lines excepted) goes to
 * sink(arg, bytes, n), called in that task without the console lock,
 * instead of the console; until console_capture_clear(owner). The shell
 * sends a builtin's output to a file this way. At most CONSOLE_CAPTURES
 * owners at once: ERR_BUSY past that.
 */
#define CONSOLE_CAPTURES 4
int console_capture_set(const void *owner, void (*sink)(void *arg, const char *s, size_t n),
			void *arg);
void console_capture_clear(const void *owner);

/* console_dmesg - the newest lines of the kernel log (every log line
 * printed since boot, up to 64 KiB) into out[0..size); returns the bytes. */
size_t console_dmesg(char *out, size_t size);

/* console_at_line_start - whether the last byte written was a newline (or
 * nothing was written): the shell starts its prompt on a line of its own. */
bool console_at_line_start(void);

/*
 * console_set_log_filter - makes `f` (from bootargs_parse) the filter and
 * resets every callsite's cache. Boot CPU, before the others run.
 */
void console_set_log_filter(const struct trace_log_filter *f);

/* klog_at - the slow path of LOG: resolves the callsite, prints if enabled. */
void klog_at(struct trace_log_callsite *cs, enum log_level lvl, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/* A disabled statement costs one load and one branch (log.h). */
#define LOG(lvl, target, ...)                                                    \
	do {                                                                     \
		TRACE_LOG_CALLSITE_DEFINE(log_cs_, target);                      \
		if (trace_log_callsite_maybe(&log_cs_, (enum trace_level)(lvl))) \
			klog_at(&log_cs_, lvl, __VA_ARGS__);                     \
	} while (0)
#define log_error(t, ...) LOG(LOG_ERROR, t, __VA_ARGS__)
#define log_warn(t, ...)  LOG(LOG_WARN, t, __VA_ARGS__)
#define log_info(t, ...)  LOG(LOG_INFO, t, __VA_ARGS__)
#define log_debug(t, ...) LOG(LOG_DEBUG, t, __VA_ARGS__)
#define log_trace(t, ...) LOG(LOG_TRACE, t, __VA_ARGS__)

/* Takes the console lock away from a CPU that died holding it (panic). */
void console_break_lock(void);
