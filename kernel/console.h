/*
 * console.h - kernel output and leveled logging.
 *
 * Before the UART is known (the first lines of boot) output goes through
 * the SBI console. Every line is written under one lock, so lines from
 * different harts never interleave mid-line. Safe from interrupt context.
 *
 * Log line: [LEVEL][CPU n][secs.micros] target: message
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

#include "base/compiler.h"
#include "drivers/uart.h"

enum log_level { LOG_OFF = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

/* Switches output from the SBI console to the UART. */
void console_use_uart(struct uart *u);

void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void kvprintf(const char *fmt, va_list ap);
void kputs(const char *s); /* no newline added */

/* The highest level printed; set from the log= boot argument. */
extern enum log_level log_max_level;

void klog(enum log_level lvl, const char *target, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* A disabled statement costs one load and one branch. */
#define LOG(lvl, target, ...)                           \
	do {                                            \
		if (UNLIKELY((lvl) <= log_max_level))   \
			klog(lvl, target, __VA_ARGS__); \
	} while (0)
#define log_error(t, ...) LOG(LOG_ERROR, t, __VA_ARGS__)
#define log_warn(t, ...)  LOG(LOG_WARN, t, __VA_ARGS__)
#define log_info(t, ...)  LOG(LOG_INFO, t, __VA_ARGS__)
#define log_debug(t, ...) LOG(LOG_DEBUG, t, __VA_ARGS__)
#define log_trace(t, ...) LOG(LOG_TRACE, t, __VA_ARGS__)

/* Parses a level name ("info"); ERR_INVAL if unknown. */
int log_level_parse(const char *s, unsigned len, enum log_level *out);

/* Takes the console lock away from a CPU that died holding it (panic). */
void console_break_lock(void);
