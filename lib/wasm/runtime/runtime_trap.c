/*
 * runtime_trap.c - trap names and the human-readable trap report.
 *
 *   trap: call stack exhausted
 *     #0 0x0000004a in divide (fib.wasm)
 *     #1 0x00000090 in fib
 *     ... 30 more frames of fib
 *     ... 12 more frames
 *
 * The instance's name is printed on a frame whose instance differs from the
 * frame above it (so once per run of frames of one instance). A frame
 * repeated more than twice in a row (a recursion) is printed once, then
 * counted; the last line counts the frames deeper than those recorded.
 */
#include "base/compiler.h"
#include "base/fmt.h"
#include "wasm/runtime.h"

static const char *const trap_names[WASM_TRAP__COUNT] = {
	[WASM_TRAP_NONE] = "no trap",
	[WASM_TRAP_UNREACHABLE] = "unreachable",
	[WASM_TRAP_MEMORY_OOB] = "out of bounds memory access",
	[WASM_TRAP_TABLE_OOB] = "out of bounds table access",
	[WASM_TRAP_UNDEFINED_ELEM] = "undefined element",
	[WASM_TRAP_UNINIT_ELEM] = "uninitialized element",
	[WASM_TRAP_INDIRECT_TYPE] = "indirect call type mismatch",
	[WASM_TRAP_DIV_ZERO] = "integer divide by zero",
	[WASM_TRAP_INT_OVERFLOW] = "integer overflow",
	[WASM_TRAP_INVALID_CONV] = "invalid conversion to integer",
	[WASM_TRAP_CALL_STACK] = "call stack exhausted",
	[WASM_TRAP_VALUE_STACK] = "value stack exhausted",
	[WASM_TRAP_FUEL] = "fuel exhausted",
	[WASM_TRAP_HOST] = "host function failed",
	[WASM_TRAP_EXIT] = "exit",
	[WASM_TRAP_NOMEM] = "out of memory",
	[WASM_TRAP_CODE_LIMIT] = "translated code past its limit",
	[WASM_TRAP_EXCEPTION] = "uncaught exception",
	[WASM_TRAP_NULL_EXNREF] = "null exception reference",
	[WASM_TRAP_NULL_FUNCREF] = "null function reference",
	[WASM_TRAP_NULL_REF] = "null reference",
	[WASM_TRAP_NULL_STRUCT] = "null structure reference",
	[WASM_TRAP_NULL_ARRAY] = "null array reference",
	[WASM_TRAP_NULL_I31] = "null i31 reference",
	[WASM_TRAP_ARRAY_OOB] = "out of bounds array access",
	[WASM_TRAP_CAST] = "cast failure",
};

const char *wasm_trap_str(int kind)
{
	if (kind < 0 || kind >= WASM_TRAP__COUNT || !trap_names[kind])
		return "unknown trap";
	return trap_names[kind];
}

/* Appends to buf[0, len) like fmt_snprintf at offset *pos, which counts
 * the whole output even past len. */
struct trap_out {
	char *buf;
	size_t len, pos;
};

static void out_printf(struct trap_out *o, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void out_printf(struct trap_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (o->pos < o->len)
		n = fmt_vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	else
		n = fmt_vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* The function of frame f: its name, else func[index]. */
static void out_func(struct trap_out *o, const struct wasm_trap_frame *f)
{
	struct wasm_name name = {NULL, 0};

	if (f->inst)
		name = wasm_module_func_name(f->inst->module, f->func);
	if (name.ptr)
		out_printf(o, "%.*s", (int)MIN(name.len, 256u), name.ptr);
	else
		out_printf(o, "func[%u]", (unsigned)f->func);
}

static bool same_frame(const struct wasm_trap_frame *a, const struct wasm_trap_frame *b)
{
	return a->inst == b->inst && a->func == b->func && a->offset == b->offset;
}

size_t wasm_trap_format(const struct wasm_trap *t, char *buf, size_t len)
{
	struct trap_out o = {.buf = buf, .len = len, .pos = 0};
	const struct wasm_instance *prev = NULL;
	uint32_t n = MIN(t->nframes, (uint32_t)WASM_TRAP_MAX_FRAMES);

	if (len)
		buf[0] = '\0';
	if (t->kind == WASM_TRAP_EXIT)
		out_printf(&o, "exit: status %u\n", (unsigned)t->exit_code);
	else if (t->msg)
		out_printf(&o, "trap: %s: %s\n", wasm_trap_str(t->kind), t->msg);
	else
		out_printf(&o, "trap: %s\n", wasm_trap_str(t->kind));
	for (uint32_t i = 0; i < n; i++) {
		const struct wasm_trap_frame *f = &t->frames[i];
		uint32_t same = 0;

		out_printf(&o, "  #%u 0x%08x in ", (unsigned)i, (unsigned)f->offset);
		out_func(&o, f);
		if (f->inst && f->inst->name && f->inst != prev)
			out_printf(&o, " (%s)", f->inst->name);
		out_printf(&o, "\n");
		prev = f->inst;
		while (i + 1 + same < n && same_frame(f, &t->frames[i + 1 + same]))
			same++;
		if (same >= 2) {
			out_printf(&o, "  ... %u more frames of ", (unsigned)same);
			out_func(&o, f);
			out_printf(&o, "\n");
			i += same;
		}
	}
	if (t->depth > t->nframes)
		out_printf(&o, "  ... %u more frames\n", (unsigned)(t->depth - t->nframes));
	return o.pos;
}
