/*
 * runtime_internal.h - what the runtime (runtime*.c) and the interpreter
 * (interp*.c) provide to each other inside lib/wasm. Not for users.
 *
 * The runtime owns every table, memory, global and segment operation; the
 * interpreter calls the helpers below for the non-hot instructions (bulk
 * memory, table operations) so that instantiation and execution share one
 * implementation of each rule. Every helper returns 0 or a trap kind
 * (enum wasm_trap_kind) and changes nothing when it traps, except where the
 * spec says otherwise (none of these: 2.0 checks bounds before writing).
 */
#pragma once

#include "wasm/runtime.h"

/* ---- provided by the runtime ---- */

/* The store's configuration as given to wasm_store_new, defaults filled. */
const struct wasm_store_config *wasm_store_config(const struct wasm_store *s);

/* The fault last noted by wasm_store_note_fault. */
void wasm_store_last_fault(const struct wasm_store *s, uintptr_t *addr, uintptr_t *pc,
			   uintptr_t *fp);

struct wasm_gc_heap;

/* Hands every GC reference obj holds to wasm_gc_mark (wasm/gc/gc_heap.h). */
typedef void (*wasm_store_trace_fn)(void *obj, struct wasm_gc_heap *h);

/* wasm_store_adopt - the store will call free_fn(obj) when it is freed,
 * unless wasm_store_disown(s, obj) was called first. ERR_NOMEM.
 * wasm_store_adopt_traced - the same for an object that may hold GC
 * references: every collection calls trace_fn(obj) while it is adopted. */
int wasm_store_adopt(struct wasm_store *s, void *obj, void (*free_fn)(void *obj));
int wasm_store_adopt_traced(struct wasm_store *s, void *obj, void (*free_fn)(void *obj),
			    wasm_store_trace_fn trace_fn);
void wasm_store_disown(struct wasm_store *s, void *obj);

/* wasm_store_gc - the store's GC heap (allocation may collect: only from
 * the code of the store's running call, see gc_heap.h). */
struct wasm_gc_heap *wasm_store_gc(struct wasm_store *s);

/* Tables (indices are the instance's table / element segment indices).
 * Element indices and counts are 64-bit (table64); an i32 table's fit 32
 * bits. */
int wasm_rt_table_get(struct wasm_tableinst *t, uint64_t i, uintptr_t *out);
int wasm_rt_table_set(struct wasm_tableinst *t, uint64_t i, uintptr_t v);
/* table.grow: the old size, or -1 if it cannot grow (limit, memory). */
int64_t wasm_rt_table_grow(struct wasm_tableinst *t, uintptr_t init, uint64_t n);
int wasm_rt_table_fill(struct wasm_tableinst *t, uint64_t d, uintptr_t v, uint64_t n);
int wasm_rt_table_copy(struct wasm_instance *inst, uint32_t dst_table, uint32_t src_table,
		       uint64_t d, uint64_t s, uint64_t n);
int wasm_rt_table_init(struct wasm_instance *inst, uint32_t table, uint32_t elem, uint64_t d,
		       uint64_t s, uint64_t n);
void wasm_rt_elem_drop(struct wasm_instance *inst, uint32_t elem);
/* wasm_rt_elem_item - item i (in range) of element segment `elem`. */
uintptr_t wasm_rt_elem_item(struct wasm_instance *inst, uint32_t elem, uint64_t i);

/* Memories. memory.grow is wasm_memory_grow (mem.h). Addresses and
 * lengths are 64-bit (memory64); an i32 memory's fit 32 bits. */
int wasm_rt_memory_init(struct wasm_instance *inst, uint32_t mem, uint32_t data, uint64_t d,
			uint64_t s, uint64_t n);
void wasm_rt_data_drop(struct wasm_instance *inst, uint32_t data);
int wasm_rt_memory_copy(struct wasm_memory *dst, struct wasm_memory *src, uint64_t d, uint64_t s,
			uint64_t n);
int wasm_rt_memory_fill(struct wasm_memory *m, uint64_t d, uint8_t v, uint64_t n);

/* ---- provided by the interpreter ---- */

/*
 * wasm_code_translate - makes inst->code: every function defined by
 * inst->module starts untranslated and gets its interpreter form on its
 * first call (interp.h); with `eager`, all are translated now. Called by
 * wasm_instantiate after the instance's index spaces are filled (the
 * translation looks at them, e.g. whether memory 0 is guarded). ERR_NOMEM
 * (err->msg says so), also when the code would take more than `limit`
 * bytes (0: no limit), then or at a later first call; a validated module
 * cannot fail otherwise.
 */
int wasm_code_translate(struct wasm_instance *inst, size_t limit, bool eager,
			struct wasm_error *err);

/* wasm_code_footprint - bytes of memory `code` holds. */
size_t wasm_code_footprint(const struct wasm_code *code);

/* wasm_code_stats - how many functions of `code` have been translated and
 * the bytes it holds (as wasm_code_footprint). Any thread, any time. */
void wasm_code_stats(const struct wasm_code *code, uint32_t *ntranslated, size_t *bytes);

/* wasm_code_free - frees what wasm_code_translate made. NULL is ignored. */
void wasm_code_free(struct wasm_code *code);
