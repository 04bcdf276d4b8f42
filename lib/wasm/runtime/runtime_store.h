/*
 * runtime_store.h - the store's private layout, shared by runtime.c (the
 * store and host objects), runtime_link.c (linking, instantiation) and
 * runtime_ops.c (table and segment operations). Not for the interpreter:
 * it goes through runtime_internal.h.
 *
 *   wasm_store
 *    ├─ mems     ──> rt_memory ──> rt_memory ...   (atomic head; read by
 *    │                                              wasm_store_owns_address)
 *    ├─ tables   ──> rt_table  ──> ...             every table of the store
 *    ├─ funcs    ──> rt_hostfunc ...               host functions
 *    ├─ globals  ──> rt_global ...                 host globals
 *    ├─ adopted  ──> rt_adopted ...                instances, linkers, execs,
 *    │                                             exceptions: freed LIFO by
 *    │                                             free_fn, traced by trace_fn
 *    └─ gc       the GC heap (wasm/gc/gc_heap.h): its roots are the tables,
 *                host globals and the adopted objects' trace_fn
 *
 * Invariants:
 *  - A node is on a list only once fully initialized; nodes are never
 *    unlinked before wasm_store_free, and a node's `next` never changes
 *    after it is published. So a reader of `mems` (a fault handler) sees a
 *    consistent list without locks.
 *  - Tables and memories defined by an instance are published when the
 *    instantiation reaches its commit point (see runtime_link.c); before
 *    that the instantiation frees them itself on failure.
 *  - A module-defined function or global lives in its instance's arrays.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/compiler.h"
#include "wasm/gc/gc_heap.h"
#include "wasm/runtime/runtime_internal.h"

struct rt_memory {
	struct wasm_memory mem;
	struct rt_memory *next;
	struct wasm_limits decl; /* the declared type (max, for import matching) */
};

struct rt_table {
	struct wasm_tableinst t;
	struct rt_table *next;
	struct wasm_limits decl; /* the declared type (max, for import matching) */
};

struct rt_hostfunc {
	struct wasm_funcinst f;
	struct wasm_functype type; /* params/results point at `vals` */
	struct rt_hostfunc *next;
	uint32_t vals[];
};

struct rt_global {
	struct wasm_globalinst g;
	struct rt_global *next;
};

struct rt_adopted {
	void *obj;
	void (*free_fn)(void *obj);
	wasm_store_trace_fn trace_fn; /* NULL: holds no GC reference */
	struct rt_adopted *next;
};

struct wasm_store {
	struct wasm_store_config cfg; /* defaults filled */
	_Atomic(struct rt_memory *) mems;
	struct rt_table *tables;
	struct rt_hostfunc *funcs;
	struct rt_global *globals;
	struct rt_adopted *adopted;
	struct wasm_gc_heap gc;
	/* the last fault guard_call turned into a trap (wasm_store_note_fault) */
	uintptr_t fault_addr, fault_pc, fault_fp;
	/* a module with tags or exception instructions was instantiated:
	 * calls run interpreted from then on (jit_exec_wants) */
	bool uses_exceptions;
	/* A module that uses GC is in the store: everything runs interpreted
	 * (no compiled frame may hold a GC reference). */
	bool uses_gc;
};

/*
 * wasm_store_memory_new - a memory of `limits` pages (not yet in the store):
 * from the store's provider, or from the checked provider if a guarded one
 * has no address space left. ERR_INVAL (bad limits), ERR_RANGE (larger than
 * the store's limit), ERR_NOMEM. Free with wasm_store_memory_destroy unless
 * published.
 */
int wasm_store_memory_new(struct wasm_store *s, struct wasm_limits limits, struct rt_memory **out);
void wasm_store_memory_destroy(struct rt_memory *m);
/* wasm_store_memory_publish - hands `m` to the store (release store of the
 * list head, so a fault handler sees it whole). */
void wasm_store_memory_publish(struct wasm_store *s, struct rt_memory *m);

/* wasm_store_table_new - likewise for a table; elements start null.
 * ERR_INVAL (bad type or limits), ERR_RANGE, ERR_NOMEM. */
int wasm_store_table_new(struct wasm_store *s, uint32_t elem_type, struct wasm_limits limits,
			 struct rt_table **out);
void wasm_store_table_destroy(struct rt_table *t);
void wasm_store_table_publish(struct wasm_store *s, struct rt_table *t);

/* The declared type of a store object (import matching). The object must
 * belong to a store (made by wasm_store_new_* or an instantiation). */
static inline const struct rt_memory *wasm_store_memory_node(const struct wasm_memory *m)
{
	return CONTAINER_OF(m, const struct rt_memory, mem);
}
static inline const struct rt_table *wasm_store_table_node(const struct wasm_tableinst *t)
{
	return CONTAINER_OF(t, const struct rt_table, t);
}

/* An instance and what it alone owns (runtime_link.c makes it). */
struct rt_instance {
	struct wasm_instance inst;
	struct wasm_funcinst *own_funcs;     /* nfuncs - nfunc_imports */
	struct wasm_globalinst *own_globals; /* nglobals - nglobal_imports */
	struct wasm_taginst *own_tags;	     /* ntags - ntag_imports */
	/* NULL, or per element segment: NULL, or its items evaluated at
	 * instantiation (a segment with an extended, GC, item: its objects
	 * are the same at every use; roots while the segment is not dropped) */
	uintptr_t **elem_refs;
};

/* wasm_instance_destroy - frees an instance and what it alone owns (its
 * arrays, functions, globals, code); not its tables and memories, which
 * are the store's once published. The adopt free_fn of instances. */
void wasm_instance_destroy(void *inst);

/* wasm_instance_eval_ref - the reference a validated constant expression
 * of `inst` gives (an element segment item): ref.func -> the funcinst,
 * ref.null -> 0, global.get -> the (immutable) global's value. */
uintptr_t wasm_instance_eval_ref(const struct wasm_instance *inst, const struct wasm_const_expr *e);

/* wasm_rt_const_gc - a GC instruction of a constant expression of inst
 * (imm as wasm_const_expr_next gives it) on the evaluation stack
 * st[0..*n), collection held off. Out of memory: the result is null and
 * the heap's `failed` is set (instantiation then fails). */
void wasm_rt_const_gc(const struct wasm_instance *inst, uint64_t imm, uint64_t *st, uint32_t *n);

/* wasm_store_gc_roots - the roots function of the store's GC heap
 * (runtime_gc.c; `arg` is the store). */
void wasm_store_gc_roots(void *arg, struct wasm_gc_heap *h);

/*
 * wasm_store_check - the invariant walker for tests: every table's size
 * within its max and elems non-NULL, every memory's size consistent with
 * its pages and cap, every host function's type well-formed.
 */
bool wasm_store_check(const struct wasm_store *s);
