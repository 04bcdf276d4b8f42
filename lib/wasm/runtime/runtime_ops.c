/*
 * runtime_ops.c - the table, element-segment and bulk-memory operations
 * that instantiation and the interpreter share (runtime_internal.h).
 *
 * The 2.0 bounds rule, for every operation on a range [x, x + n) of an
 * object of length `len`: trap iff x + n > len, computed without overflow
 * (indices are 64-bit for memory64 and table64). So n == 0 at x == len is
 * fine and x > len traps even for n == 0. The whole range is checked
 * before anything is written, so a trapping operation changes nothing. A
 * dropped segment has length 0.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "wasm/runtime/runtime_store.h"

/* [x, x + n) inside [0, len), without overflow for 64-bit indices. */
static bool range64_ok(uint64_t x, uint64_t n, uint64_t len)
{
	return n <= len && x <= len - n;
}

int wasm_rt_table_get(struct wasm_tableinst *t, uint64_t i, uintptr_t *out)
{
	if (i >= t->size)
		return WASM_TRAP_TABLE_OOB;
	*out = t->elems[i];
	return 0;
}

int wasm_rt_table_set(struct wasm_tableinst *t, uint64_t i, uintptr_t v)
{
	if (i >= t->size)
		return WASM_TRAP_TABLE_OOB;
	t->elems[i] = v;
	return 0;
}

int64_t wasm_rt_table_grow(struct wasm_tableinst *t, uintptr_t init, uint64_t n)
{
	uint32_t old = t->size;
	uint32_t size;
	uint64_t bytes;
	uintptr_t *elems;

	if (n == 0)
		return old;
	if (n > t->max - old) /* max fits 32 bits: so does the new size */
		return -1;
	size = old + (uint32_t)n;
	bytes = (uint64_t)size * sizeof(*elems);
	if (bytes != (size_t)bytes)
		return -1;
	elems = realloc(t->elems, (size_t)bytes);
	if (!elems)
		return -1;
	for (uint32_t i = old; i < size; i++)
		elems[i] = init;
	t->elems = elems;
	t->size = size;
	return old;
}

int wasm_rt_table_fill(struct wasm_tableinst *t, uint64_t d, uintptr_t v, uint64_t n)
{
	if (!range64_ok(d, n, t->size))
		return WASM_TRAP_TABLE_OOB;
	for (uint64_t i = 0; i < n; i++)
		t->elems[d + i] = v;
	return 0;
}

int wasm_rt_table_copy(struct wasm_instance *inst, uint32_t dst_table, uint32_t src_table,
		       uint64_t d, uint64_t s, uint64_t n)
{
	struct wasm_tableinst *dt = inst->tables[dst_table];
	struct wasm_tableinst *st = inst->tables[src_table];

	if (!range64_ok(s, n, st->size) || !range64_ok(d, n, dt->size))
		return WASM_TRAP_TABLE_OOB;
	if (n)
		memmove(dt->elems + d, st->elems + s, (size_t)n * sizeof(*dt->elems));
	return 0;
}

int wasm_rt_table_init(struct wasm_instance *inst, uint32_t table, uint32_t elem, uint64_t d,
		       uint64_t s, uint64_t n)
{
	struct wasm_tableinst *t = inst->tables[table];
	const struct wasm_elem *e = &inst->module->elems[elem];
	uint32_t len = inst->elem_dropped[elem] ? 0 : e->count;

	if (!range64_ok(s, n, len) || !range64_ok(d, n, t->size))
		return WASM_TRAP_TABLE_OOB;
	/* Items are evaluated here rather than at instantiation: they only
	 * name this instance's functions and immutable globals, so their
	 * values cannot change in between; those that make GC objects were
	 * evaluated at instantiation (wasm_rt_elem_item). */
	for (uint64_t i = 0; i < n; i++)
		t->elems[d + i] = wasm_rt_elem_item(inst, elem, s + i);
	return 0;
}

void wasm_rt_elem_drop(struct wasm_instance *inst, uint32_t elem)
{
	inst->elem_dropped[elem] = true;
}

int wasm_rt_memory_init(struct wasm_instance *inst, uint32_t mem, uint32_t data, uint64_t d,
			uint64_t s, uint64_t n)
{
	struct wasm_memory *m = inst->mems[mem];
	const struct wasm_data *seg = &inst->module->datas[data];
	uint32_t len = inst->data_dropped[data] ? 0 : seg->size;

	if (!range64_ok(s, n, len) || !range64_ok(d, n, m->size_bytes))
		return WASM_TRAP_MEMORY_OOB;
	if (n)
		memcpy(m->base + d, seg->init + s, n);
	return 0;
}

void wasm_rt_data_drop(struct wasm_instance *inst, uint32_t data)
{
	inst->data_dropped[data] = true;
}

int wasm_rt_memory_copy(struct wasm_memory *dst, struct wasm_memory *src, uint64_t d, uint64_t s,
			uint64_t n)
{
	if (!range64_ok(s, n, src->size_bytes) || !range64_ok(d, n, dst->size_bytes))
		return WASM_TRAP_MEMORY_OOB;
	if (n)
		memmove(dst->base + d, src->base + s, n);
	return 0;
}

int wasm_rt_memory_fill(struct wasm_memory *m, uint64_t d, uint8_t v, uint64_t n)
{
	if (!range64_ok(d, n, m->size_bytes))
		return WASM_TRAP_MEMORY_OOB;
	if (n)
		memset(m->base + d, v, n);
	return 0;
}
