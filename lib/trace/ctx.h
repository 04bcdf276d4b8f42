/*
 * ctx.h - a tracing instance: the event registry, per-CPU rings, saved
 * cmdlines and the switches behind tracefs.
 *
 * Invariants: events[] is sorted by (system, name), ids are assigned in that
 * order from TRACE_EVENT_FIRST_ID; every listed event's state points back to
 * this context; rings[c] is non-NULL for c < ncpus.
 *
 * Concurrency: tracepoint writers (trace_event_commit, trace_ctx_write_marker)
 * run on any CPU, in any context, concurrently with everything. All other
 * functions here are control operations: the caller serializes them (the
 * kernel's tracefs lock). Objects a writer may still use (rings, filters,
 * cmdline tables) are freed only after platform.sync_writers().
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/siphash.h"
#include "trace/event.h"
#include "trace/platform.h"
#include "trace/ring.h"

#define TRACE_EVENT_FIRST_ID	32
#define TRACE_PRINT_ID		5 /* Linux's TRACE_PRINT */
#define TRACE_DEFAULT_BUFFER_KB 64
#define TRACE_DEFAULT_CMDLINES	128

struct trace_cmdline {
	_Atomic int32_t pid; /* -1 while being written */
	_Atomic uint64_t comm[TRACE_COMM_LEN / 8];
};

struct trace_cmdlines {
	uint32_t n;
	struct trace_cmdline e[];
};

struct trace_ctx {
	struct trace_platform plat;
	unsigned ncpus;
	const struct trace_event_def **events; /* sorted */
	size_t nevents;
	_Atomic(struct trace_ring *) rings[TRACE_MAX_CPUS];
	uint64_t buffer_kb;
	_Atomic bool tracing_on;
	_Atomic bool hash_ptr;	    /* options/hash-ptr: kernel addresses shown hashed */
	struct siphash_key ptr_key; /* their key: secret (trace_ctx_set_ptr_key) */
	_Atomic bool pipe_waiting;
	_Atomic(struct trace_cmdlines *) cmdlines;
	struct trace_event_state print_state;
	struct trace_event_def print_def; /* ftrace:print, for trace_marker */
};

/*
 * trace_ctx_init - registers the definitions in [begin, end) (usually the
 * `trace_events` section), sorts them, assigns ids, binds each to `ctx`
 * (disabled, no filter), and allocates `ncpus` rings of `buffer_kb` KiB.
 * ERR_INVAL (bad argument), ERR_EXIST (two definitions share system:name),
 * ERR_NOMEM. An event belongs to one context at a time.
 */
int trace_ctx_init(struct trace_ctx *ctx, const struct trace_platform *plat, unsigned ncpus,
		   const struct trace_event_def *begin, const struct trace_event_def *end,
		   uint64_t buffer_kb);

/* trace_ctx_destroy - disables and unbinds every event, frees everything. */
void trace_ctx_destroy(struct trace_ctx *ctx);

/* trace_ctx_find - the event system:name (also "ftrace":"print"), or NULL. */
const struct trace_event_def *trace_ctx_find(const struct trace_ctx *ctx, const char *system,
					     const char *name);
const struct trace_event_def *trace_ctx_find_n(const struct trace_ctx *ctx, const char *system,
					       size_t slen, const char *name, size_t nlen);
/* trace_ctx_by_id - the event with common_type `id`, or NULL. */
const struct trace_event_def *trace_ctx_by_id(const struct trace_ctx *ctx, uint16_t id);

void trace_ctx_set_enabled(struct trace_ctx *ctx, const struct trace_event_def *def, bool on);
bool trace_event_is_enabled(const struct trace_event_def *def);

void trace_ctx_set_tracing_on(struct trace_ctx *ctx, bool on);
bool trace_ctx_tracing_on(const struct trace_ctx *ctx);

/*
 * trace_ctx_set_ptr_key - the key of hashed addresses (trace_format_ptr).
 * The host sets a random one before anyone reads trace text; until then it
 * is zero, a key anyone knows. Control side.
 */
void trace_ctx_set_ptr_key(struct trace_ctx *ctx, const struct siphash_key *key);

/* trace_ctx_set_hash_ptr / trace_ctx_hash_ptr - the options/hash-ptr
 * switch: on (the default) shows kernel addresses hashed, off shows them
 * raw (Linux's option, with our default: trace text may be passed on). */
void trace_ctx_set_hash_ptr(struct trace_ctx *ctx, bool on);
bool trace_ctx_hash_ptr(const struct trace_ctx *ctx);

/* trace_ctx_ring - the ring of `cpu` (for readers; control side only). */
struct trace_ring *trace_ctx_ring(const struct trace_ctx *ctx, unsigned cpu);

/*
 * trace_ctx_resize - gives every CPU an empty ring of `kb` KiB (1..1<<20);
 * the old contents are dropped. ERR_INVAL, ERR_NOMEM (nothing changed).
 */
int trace_ctx_resize(struct trace_ctx *ctx, uint64_t kb);

/* trace_ctx_clear - empties the ring of `cpu`, or of every CPU if cpu < 0. */
void trace_ctx_clear(struct trace_ctx *ctx, int cpu);

/*
 * trace_ctx_write_marker - records a `print` event whose text is `text`
 * (cut to fit a record; a newline is added if missing). Writer side: any
 * context. ERR_AGAIN if tracing is off.
 */
int trace_ctx_write_marker(struct trace_ctx *ctx, const char *text, size_t len);

/*
 * trace_ctx_set_filter - compiles `text` for `def`; on success it replaces
 * the active filter ("0" or an empty text removes it). On a bad expression
 * the active filter stays, the filter file shows the error (Linux's text)
 * and ERR_INVAL is returned. ERR_NOMEM.
 */
int trace_ctx_set_filter(struct trace_ctx *ctx, const struct trace_event_def *def, const char *text,
			 size_t len);

/* trace_ctx_comm - the saved name of `pid` ("<idle>" for 0, "<...>" if unknown). */
void trace_ctx_comm(const struct trace_ctx *ctx, int32_t pid, char out[TRACE_COMM_LEN]);

/* trace_ctx_cmdlines_size / trace_ctx_set_cmdlines_size (1..32768; drops names). */
uint32_t trace_ctx_cmdlines_size(const struct trace_ctx *ctx);
int trace_ctx_set_cmdlines_size(struct trace_ctx *ctx, uint32_t n);

/*
 * trace_pipe_wait_prepare - a trace_pipe reader about to sleep announces it;
 * returns true if data is already there (then do not sleep). Writers call
 * platform.wake_readers once after a commit. The writer side uses no fence,
 * so a wakeup can be missed in a narrow race: sleep with a timeout.
 */
bool trace_pipe_wait_prepare(struct trace_ctx *ctx);
/* trace_ctx_has_data - whether any ring holds an unconsumed record. */
bool trace_ctx_has_data(struct trace_ctx *ctx);
