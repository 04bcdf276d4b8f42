/*
 * log.h - leveled log filter, per-callsite enable cache and the log line format.
 *
 * A filter comes from the `log=` bootarg, env_logger style:
 *
 *     log=info,kasync=trace,wasm=off
 *
 * A bare level sets the default; `target=level` sets a level for a target and
 * every target below it ("kasync" covers "kasync", "kasync::exec",
 * "kasync.exec", "kasync/exec"); a bare target means `target=trace`. The most
 * specific (longest) matching target wins. Malformed directives are reported
 * through a callback and skipped; the rest still apply.
 *
 * Invariant: a filter is a plain value (no pointers, no allocation), so it can
 * be parsed before the heap exists and copied freely. Queries are read-only.
 *
 * The callsite cache: each log statement owns a `struct trace_log_callsite`
 * holding the most verbose level its target enables (or UNKNOWN). The fast
 * check is one relaxed load and one compare; a filter change resets the cache
 * of every callsite (they sit in the linker section `trace_log_callsites`).
 */
#pragma once

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"

/* Levels; a statement at level L is shown when L <= the target's level. */
enum trace_level {
	TRACE_LEVEL_OFF = 0,
	TRACE_LEVEL_ERROR = 1,
	TRACE_LEVEL_WARN = 2,
	TRACE_LEVEL_INFO = 3,
	TRACE_LEVEL_DEBUG = 4,
	TRACE_LEVEL_TRACE = 5,
};

#define TRACE_LOG_MAX_DIRECTIVES 16
#define TRACE_LOG_TARGET_MAX	 31 /* longest target name in a directive */

struct trace_log_directive {
	char target[TRACE_LOG_TARGET_MAX + 1];
	uint8_t len;
	uint8_t level; /* enum trace_level */
};

struct trace_log_filter {
	uint8_t default_level; /* enum trace_level */
	uint8_t max_level;     /* most verbose level anywhere in the filter */
	uint8_t count;
	struct trace_log_directive dirs[TRACE_LOG_MAX_DIRECTIVES];
};

/*
 * Called once per malformed directive: `text`/`len` is the directive as
 * written, `why` a short reason ("unknown level", "target too long", ...).
 */
typedef void (*trace_log_report_fn)(void *arg, const char *text, size_t len, const char *why);

/* trace_log_filter_init - the filter with no directives: default `level`. */
void trace_log_filter_init(struct trace_log_filter *f, enum trace_level level);

/*
 * trace_log_filter_parse - parses `spec` (NUL-terminated; may be NULL or "")
 * into `f`, starting from default level `def`. Directives are comma
 * separated; whitespace around them is ignored; level names are case
 * insensitive. A later directive for the same target replaces the earlier
 * one. Each malformed directive is passed to `report` (may be NULL) and
 * skipped. Returns the number of malformed directives (0: all applied).
 * Never allocates; safe before the heap and in any context.
 */
int trace_log_filter_parse(struct trace_log_filter *f, const char *spec, enum trace_level def,
			   trace_log_report_fn report, void *report_arg);

/* trace_log_level_for - the level the filter gives `target` (longest match). */
enum trace_level trace_log_level_for(const struct trace_log_filter *f, const char *target);

/* trace_log_enabled - whether a statement of `level` for `target` is shown. */
bool trace_log_enabled(const struct trace_log_filter *f, const char *target,
		       enum trace_level level);

/* trace_level_name - "ERROR", "WARN", "INFO", "DEBUG", "TRACE" or "OFF". */
const char *trace_level_name(enum trace_level level);

/*
 * trace_level_parse - "error".."trace" or "off" (any case) of `len` bytes.
 * Returns 0 and writes *out, or ERR_INVAL.
 */
int trace_level_parse(const char *s, size_t len, enum trace_level *out);

/* ---- per-callsite cache ---- */

#define TRACE_LOG_UNKNOWN	   0xffu /* not resolved since the last filter change */
#define TRACE_LOG_CALLSITE_SECTION "trace_log_callsites"

struct trace_log_callsite {
	const char *target;
	_Atomic uint8_t level; /* resolved level, or TRACE_LOG_UNKNOWN */
};

/* Defines a callsite in the section; `var` names it in the enclosing scope. */
#define TRACE_LOG_CALLSITE_DEFINE(var, tgt)                                                \
	__attribute__((used, section(TRACE_LOG_CALLSITE_SECTION), aligned(sizeof(void *)), \
		       no_sanitize("address"))) static struct trace_log_callsite var = {   \
		.target = (tgt), .level = TRACE_LOG_UNKNOWN}

/*
 * trace_log_callsite_maybe - the fast path: false means "certainly off".
 * True means shown, or not resolved yet: then call trace_log_callsite_check.
 * One relaxed load (the cached level is a hint re-resolved on a miss; a stale
 * value only costs a slow-path call or hides a statement until the reset that
 * follows every filter change) and one predicted branch.
 */
static inline bool trace_log_callsite_maybe(struct trace_log_callsite *cs, enum trace_level level)
{
	return UNLIKELY((unsigned)level <= atomic_load_explicit(&cs->level, memory_order_relaxed));
}

/* trace_log_callsite_check - resolves the cache if needed; whether shown. */
bool trace_log_callsite_check(const struct trace_log_filter *f, struct trace_log_callsite *cs,
			      enum trace_level level);

/* trace_log_callsites_reset - marks [begin, end) unresolved (after a change). */
void trace_log_callsites_reset(struct trace_log_callsite *begin, struct trace_log_callsite *end);

/* ---- the line ---- */

/*
 * trace_log_format_line - formats
 *     [LEVEL][CPU n][secs.micros] target: span:span: message\n
 * into buf (size > 0), spans given root first. Returns the length the full
 * line has (like snprintf); when it does not fit, the stored text is cut and
 * still ends with "\n" and a NUL, so lines never run together.
 */
int trace_log_format_line(char *buf, size_t size, enum trace_level level, unsigned cpu, uint64_t ns,
			  const char *target, const char *const *spans, size_t nspans,
			  const char *fmt, va_list ap);
