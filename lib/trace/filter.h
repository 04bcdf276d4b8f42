/*
 * filter.h - Linux event filter expressions, compiled once, run per record.
 *
 *   expr := term { "||" term }      term := factor { "&&" factor }
 *   factor := "(" expr ")" | "!" factor | FIELD OP VALUE
 *   numeric fields: == != < <= > >= &    (value: decimal, 0x hex, 0 octal, -n)
 *   string fields:  == != ~               (value: "quoted", 'quoted' or a word;
 *                                          ~ is a glob: * ? [abc] [a-z] [!x])
 *
 * Fields are the event's own and the common ones (common_pid, common_type,
 * common_flags, common_preempt_count). `&&` binds tighter than `||`.
 * The program is a postfix array of predicates and AND/OR/NOT nodes run on a
 * small fixed stack of booleans: no allocation, no recursion per record.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "trace/event.h"

struct trace_filter;

#define TRACE_FILTER_MAX_PREDS 32
#define TRACE_FILTER_MAX_STR   64 /* longest string operand */

/*
 * trace_filter_compile - compiles `text` (len bytes) for `def`. On success
 * writes *out (free with trace_filter_free). On a bad expression returns
 * ERR_INVAL and writes *err_pos (byte offset) and *err_msg (Linux's
 * parse_error text, static). ERR_NOMEM.
 */
int trace_filter_compile(const struct trace_event_def *def, const char *text, size_t len,
			 struct trace_filter **out, size_t *err_pos, const char **err_msg);

/* trace_filter_match - whether record `rec` (len bytes) passes. Any context. */
bool trace_filter_match(const struct trace_filter *f, const void *rec, size_t len);

void trace_filter_free(struct trace_filter *f);

/* trace_glob_match - shell-style glob of `pat` against `s` (NUL-terminated). */
bool trace_glob_match(const char *pat, const char *s);
