/*
 * event.h - static tracepoints defined the way Linux's TRACE_EVENT does.
 *
 * In a header, for the call sites:
 *
 *     TRACE_EVENT_DECLARE(sched, sched_wakeup, TP_PROTO(const struct task *p));
 *
 * In exactly one .c file:
 *
 *     TRACE_EVENT(sched, sched_wakeup,
 *             TP_PROTO(const struct task *p),
 *             TP_FIELDS(TP_STRING(comm, TRACE_COMM_LEN),
 *                       TP_FIELD(int32_t, pid),
 *                       TP_FIELD(int32_t, target_cpu)),
 *             TP_ASSIGN(trace_copy_str(REC->comm, p->name, TRACE_COMM_LEN);
 *                       REC->pid = p->id;
 *                       REC->target_cpu = p->cpu;),
 *             TP_PRINT("comm=%s pid=%d target_cpu=%03d",
 *                      REC->comm, REC->pid, REC->target_cpu));
 *
 * At the call site:   TRACE_POINT(sched, sched_wakeup, task);
 *
 * The record is `struct trace_entry` (Linux's common fields) followed by the
 * fields in order, with C layout; it is built zeroed on the stack (padding
 * included), filled, terminated (TP_STRING), filtered, then copied into the
 * calling CPU's ring. The definition lands in the linker section
 * `trace_events` (__start_trace_events/__stop_trace_events); the context
 * sorts definitions by (system, name) and assigns ids.
 *
 * Cost when disabled: one relaxed load of the event's `enabled` byte and a
 * branch predicted not taken (the load is relaxed: a call site that sees a
 * stale value records one event too many or too few around the switch, as
 * with Linux's static keys).
 *
 * A field that holds a kernel address is declared TP_POINTER(name) (a
 * uint64_t): the text output hashes it like Linux's %p unless the
 * options/hash-ptr switch is off (output.c), so trace text can be handed
 * around without revealing the kernel's layout.
 *
 * Limits: up to 12 fields; integer (or char-array) field types; TP_PRINT
 * needs at least one argument; print formats use fmt.h's conversions.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/compiler.h"
#include "base/fmt.h"
#include "trace/platform.h" /* TRACE_COMM_LEN: the size of a name field */

/* Linux's struct trace_entry: the common fields of every record. */
struct trace_entry {
	uint16_t type;	       /* event id */
	uint8_t flags;	       /* TRACE_FLAG_* */
	uint8_t preempt_count; /* preempt depth | migrate-disable depth << 4 */
	int32_t pid;
};
STATIC_ASSERT(sizeof(struct trace_entry) == 8);

/* common_flags bits (Linux's values) */
#define TRACE_FLAG_IRQS_OFF	   0x01
#define TRACE_FLAG_NEED_RESCHED	   0x04
#define TRACE_FLAG_HARDIRQ	   0x08
#define TRACE_FLAG_SOFTIRQ	   0x10
#define TRACE_FLAG_PREEMPT_RESCHED 0x20
#define TRACE_FLAG_NMI		   0x40
#define TRACE_FLAG_BH_OFF	   0x80

enum trace_field_kind {
	TRACE_FIELD_SCALAR,
	TRACE_FIELD_ARRAY,
	TRACE_FIELD_STRING, /* NUL-terminated char array, printed with %s */
	TRACE_FIELD_DYNSTR, /* char buf[]: the rest of the record (print event) */
};

struct trace_event_field {
	const char *type; /* as written: "int32_t", "char" */
	const char *name;
	uint16_t offset, size;
	uint16_t array_len; /* 0 for scalars */
	uint8_t is_signed;
	uint8_t kind;	    /* enum trace_field_kind */
	uint8_t is_pointer; /* a uint64_t scalar holding an address (TP_POINTER) */
};

struct trace_ctx;
struct trace_filter;

/* The mutable half of an event (the definition itself is const). */
struct trace_event_state {
	_Atomic bool enabled; /* read by the call site */
	uint16_t id;
	_Atomic(struct trace_ctx *) ctx;
	_Atomic(struct trace_filter *) filter; /* NULL: every record passes */
	char *filter_text;		       /* what the filter file shows; NULL: "none" */
};

struct trace_event_def {
	const char *system, *name;
	const struct trace_event_field *fields;
	uint32_t nfields;
	uint32_t size;	       /* fixed record size, common header included */
	const char *print_fmt; /* "\"fmt\", REC->a, REC->b" */
	/* formats the body of record `rec` of `len` bytes; like snprintf */
	int (*print)(char *buf, size_t size, const void *rec, size_t len);
	struct trace_event_state *state;
};

#define TRACE_EVENTS_SECTION "trace_events"
extern const struct trace_event_def __start_trace_events[] __attribute__((weak));
extern const struct trace_event_def __stop_trace_events[] __attribute__((weak));

/*
 * trace_event_commit - stamps the common fields of `rec`, applies the filter
 * and writes it into the calling CPU's ring. Called by generated code; safe
 * in interrupt context; no lock, no allocation.
 */
void trace_event_commit(const struct trace_event_def *def, void *rec, size_t size);

/* trace_copy_str - copies at most len-1 bytes of `src`, zero-filling dst[len]. */
static inline void trace_copy_str(char *dst, const char *src, size_t len)
{
	const char *z = src ? memchr(src, 0, len - 1) : NULL;
	size_t n = !src ? 0 : z ? (size_t)(z - src) : len - 1;
	memcpy(dst, src, n);
	memset(dst + n, 0, len - n);
}

/* ---- the definition macros ---- */

#define TP_PROTO(...)		  (__VA_ARGS__)
#define TP_FIELDS(...)		  (__VA_ARGS__)
#define TP_FIELD(type, name)	  (SCALAR, type, name, 0)
#define TP_POINTER(name)	  (POINTER, uint64_t, name, 0)
#define TP_ARRAY(type, name, len) (ARRAY, type, name, len)
#define TP_STRING(name, len)	  (STRING, char, name, len)
#define TP_ASSIGN(...)		  (__VA_ARGS__)
#define TP_PRINT(fmt, ...)	  (fmt, __VA_ARGS__)

#define TE_UNPAREN(...) __VA_ARGS__
#define TE_CAT_(a, b)	a##b
#define TE_CAT(a, b)	TE_CAT_(a, b)

/* TE_EACH(M, d, tuples...) expands M(d, K, t, n, len) for each tuple. */
#define TE_APPLY(M, d, tup)						    TE_APPLY_(M, d, TE_UNPAREN tup)
#define TE_APPLY_(M, d, ...)						    M(d, __VA_ARGS__)
#define TE_E1(M, d, x)							    TE_APPLY(M, d, x)
#define TE_E2(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E1(M, d, __VA_ARGS__)
#define TE_E3(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E2(M, d, __VA_ARGS__)
#define TE_E4(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E3(M, d, __VA_ARGS__)
#define TE_E5(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E4(M, d, __VA_ARGS__)
#define TE_E6(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E5(M, d, __VA_ARGS__)
#define TE_E7(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E6(M, d, __VA_ARGS__)
#define TE_E8(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E7(M, d, __VA_ARGS__)
#define TE_E9(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E8(M, d, __VA_ARGS__)
#define TE_E10(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E9(M, d, __VA_ARGS__)
#define TE_E11(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E10(M, d, __VA_ARGS__)
#define TE_E12(M, d, x, ...)						    TE_APPLY(M, d, x) TE_E11(M, d, __VA_ARGS__)
#define TE_NARG(...)							    TE_NARG_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define TE_NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define TE_EACH(M, d, ...)						    TE_CAT(TE_E, TE_NARG(__VA_ARGS__))(M, d, __VA_ARGS__)
#define TE_EACH_P(M, d, fields)						    TE_EACH_I(M, d, TE_UNPAREN fields)
#define TE_EACH_I(M, d, ...)						    TE_EACH(M, d, __VA_ARGS__)

#define TE_DECL(d, K, t, n, len)   TE_DECL_##K(t, n, len)
#define TE_DECL_SCALAR(t, n, len)  t n;
#define TE_DECL_POINTER(t, n, len) t n;
#define TE_DECL_ARRAY(t, n, len)   t n[len];
#define TE_DECL_STRING(t, n, len)  t n[len];

#define TE_SIGNED(t) _Generic((t)0, char : 0, _Bool : 0, default : ((t)-1 < (t)0))
#define TE_DESC(S, K, t, n, len)                \
	{.type = #t,                            \
	 .name = #n,                            \
	 .offset = (uint16_t)offsetof(S, n),    \
	 .size = (uint16_t)sizeof(((S *)0)->n), \
	 .array_len = (uint16_t)(len),          \
	 .is_signed = (uint8_t)TE_SIGNED(t),    \
	 .kind = TE_KIND_##K,                   \
	 .is_pointer = TE_IS_POINTER_##K},
#define TE_KIND_SCALAR	      TRACE_FIELD_SCALAR
#define TE_KIND_POINTER	      TRACE_FIELD_SCALAR
#define TE_KIND_ARRAY	      TRACE_FIELD_ARRAY
#define TE_KIND_STRING	      TRACE_FIELD_STRING
#define TE_IS_POINTER_SCALAR  0
#define TE_IS_POINTER_POINTER 1
#define TE_IS_POINTER_ARRAY   0
#define TE_IS_POINTER_STRING  0

#define TE_TERM(d, K, t, n, len) TE_TERM_##K(n, len)
#define TE_TERM_SCALAR(n, len)
#define TE_TERM_POINTER(n, len)
#define TE_TERM_ARRAY(n, len)
#define TE_TERM_STRING(n, len) REC->n[(len)-1] = 0;

/* the format as the compiler joined it (adjacent literals become one), so
 * the format file shows one string like Linux's; the arguments as written */
#define TE_PRINT_STR(fmt, ...)	"\"" fmt "\", " #__VA_ARGS__
#define TE_PRINT_CALL(fmt, ...) fmt_snprintf(buf, size, fmt, __VA_ARGS__)

#define TRACE_EVENT_DECLARE(sys, name, proto)                             \
	extern struct trace_event_state trace_event_state_##sys##_##name; \
	void trace_emit_##sys##_##name proto

/* The call site: nothing but a relaxed load and a branch when disabled. */
#define TRACE_POINT(sys, name, ...)                                                          \
	do {                                                                                 \
		if (UNLIKELY(atomic_load_explicit(&trace_event_state_##sys##_##name.enabled, \
						  memory_order_relaxed)))                    \
			trace_emit_##sys##_##name(__VA_ARGS__);                              \
	} while (0)

#define TRACE_EVENT(SYS_, NAME_, PROTO_, FIELDS_, ASSIGN_, PRINT_)                                \
	TRACE_EVENT_DECLARE(SYS_, NAME_, PROTO_);                                                 \
	struct trace_event_##SYS_##_##NAME_ {                                                     \
		struct trace_entry ent;                                                           \
		TE_EACH_P(TE_DECL, ~, FIELDS_)                                                    \
	};                                                                                        \
	static const struct trace_event_field trace_fields_##SYS_##_##NAME_[] = {                 \
		TE_EACH_P(TE_DESC, struct trace_event_##SYS_##_##NAME_, FIELDS_)};                \
	struct trace_event_state trace_event_state_##SYS_##_##NAME_;                              \
	static int trace_print_##SYS_##_##NAME_(char *buf, size_t size, const void *rec_,         \
						size_t len_)                                      \
	{                                                                                         \
		const struct trace_event_##SYS_##_##NAME_ *REC = rec_;                            \
		(void)len_;                                                                       \
		return TE_PRINT_CALL PRINT_;                                                      \
	}                                                                                         \
	__attribute__((used, section(TRACE_EVENTS_SECTION), aligned(sizeof(void *)),              \
		       no_sanitize("address"))) static const struct trace_event_def               \
		trace_event_def_##SYS_##_##NAME_ = {                                              \
			.system = #SYS_,                                                          \
			.name = #NAME_,                                                           \
			.fields = trace_fields_##SYS_##_##NAME_,                                  \
			.nfields = ARRAY_SIZE(trace_fields_##SYS_##_##NAME_),                     \
			.size = sizeof(struct trace_event_##SYS_##_##NAME_),                      \
			.print_fmt = TE_PRINT_STR PRINT_,                                         \
			.print = trace_print_##SYS_##_##NAME_,                                    \
			.state = &trace_event_state_##SYS_##_##NAME_,                             \
	};                                                                                        \
	void trace_emit_##SYS_##_##NAME_ PROTO_                                                   \
	{                                                                                         \
		struct trace_event_##SYS_##_##NAME_ rec_;                                         \
		struct trace_event_##SYS_##_##NAME_ *REC = &rec_;                                 \
		memset(REC, 0, sizeof(*REC));                                                     \
		TE_UNPAREN ASSIGN_ TE_EACH_P(TE_TERM, ~, FIELDS_)                                 \
			trace_event_commit(&trace_event_def_##SYS_##_##NAME_, REC, sizeof(*REC)); \
	}                                                                                         \
	STATIC_ASSERT(sizeof(struct trace_event_##SYS_##_##NAME_) <= 1024)
