/*
 * runtime.c - the store: its configuration, the host-made function, table,
 * memory and global instances, adopted objects, and the fault handler's
 * view of its memories.
 *
 * Invariant: every object the store hands out stays valid until
 * wasm_store_free, which frees each exactly once: adopted objects first
 * (last adopted first: execs, instances, linkers), then host functions,
 * globals, tables and memories. See runtime_store.h for the lists.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/module_internal.h"
#include "wasm/runtime/runtime_store.h"

int wasm_store_new(const struct wasm_store_config *cfg, struct wasm_store **out)
{
	struct wasm_store_config c = {0};
	struct wasm_store *s;

	if (cfg)
		c = *cfg;
	if (!c.mem_provider)
		c.mem_provider = wasm_mem_checked();
	if (!c.max_memory_pages)
		c.max_memory_pages = WASM_MEM_MAX_PAGES;
	if (!c.max_table_elems)
		c.max_table_elems = WASM_DEFAULT_MAX_TABLE;
	if (!c.max_gc_bytes)
		c.max_gc_bytes = WASM_DEFAULT_GC_BYTES;
	if (c.max_memory_pages > WASM_MEM_MAX_PAGES)
		return ERR_INVAL;
	/* A guarded memory relies on faults: someone must catch them. */
	if (c.mem_provider->guarded && !c.guard_call)
		return ERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ERR_NOMEM;
	s->cfg = c;
	atomic_init(&s->mems, NULL);
	wasm_gc_heap_init(&s->gc, c.max_gc_bytes, wasm_store_gc_roots, s);
	s->gc.room = c.gc_room;
	*out = s;
	return 0;
}

const struct wasm_store_config *wasm_store_config(const struct wasm_store *s)
{
	return &s->cfg;
}

void wasm_store_free(struct wasm_store *s)
{
	struct rt_memory *m;

	if (!s)
		return;
	/* Pop before calling free_fn: a free_fn may call wasm_store_disown. */
	while (s->adopted) {
		struct rt_adopted *a = s->adopted;

		s->adopted = a->next;
		a->free_fn(a->obj);
		free(a);
	}
	wasm_gc_heap_fini(&s->gc);
	while (s->funcs) {
		struct rt_hostfunc *f = s->funcs;

		s->funcs = f->next;
		free(f);
	}
	while (s->globals) {
		struct rt_global *g = s->globals;

		s->globals = g->next;
		free(g);
	}
	while (s->tables) {
		struct rt_table *t = s->tables;

		s->tables = t->next;
		wasm_store_table_destroy(t);
	}
	/* Nothing can fault in these memories any more: the store is going. */
	m = atomic_load(&s->mems);
	atomic_store(&s->mems, NULL);
	while (m) {
		struct rt_memory *next = m->next;

		wasm_store_memory_destroy(m);
		m = next;
	}
	free(s);
}

void wasm_store_note_fault(struct wasm_store *s, uintptr_t addr, uintptr_t pc, uintptr_t fp)
{
	s->fault_addr = addr;
	s->fault_pc = pc;
	s->fault_fp = fp;
}

void wasm_store_last_fault(const struct wasm_store *s, uintptr_t *addr, uintptr_t *pc,
			   uintptr_t *fp)
{
	*addr = s->fault_addr;
	*pc = s->fault_pc;
	*fp = s->fault_fp;
}

bool wasm_store_owns_address(const struct wasm_store *s, uintptr_t addr)
{
	/* acquire: pairs with the release in wasm_store_memory_publish, so the
	 * node's fields are seen as initialized. */
	const struct rt_memory *m = atomic_load_explicit(&s->mems, memory_order_acquire);

	for (; m; m = m->next)
		if (wasm_memory_owns_address(&m->mem, addr))
			return true;
	return false;
}

int wasm_store_adopt(struct wasm_store *s, void *obj, void (*free_fn)(void *obj))
{
	return wasm_store_adopt_traced(s, obj, free_fn, NULL);
}

int wasm_store_adopt_traced(struct wasm_store *s, void *obj, void (*free_fn)(void *obj),
			    wasm_store_trace_fn trace_fn)
{
	struct rt_adopted *a = malloc(sizeof(*a));

	if (!a)
		return ERR_NOMEM;
	a->obj = obj;
	a->free_fn = free_fn;
	a->trace_fn = trace_fn;
	a->next = s->adopted;
	s->adopted = a;
	return 0;
}

void wasm_store_disown(struct wasm_store *s, void *obj)
{
	for (struct rt_adopted **pp = &s->adopted; *pp; pp = &(*pp)->next) {
		struct rt_adopted *a = *pp;

		if (a->obj == obj) {
			*pp = a->next;
			free(a);
			return;
		}
	}
}

/* ---- memories and tables, created unpublished ---- */

static bool limits_ok(struct wasm_limits l, uint64_t bound)
{
	return l.min <= bound && (!l.has_max || (l.max <= bound && l.min <= l.max));
}

/* A memory64 memory may declare up to 2^48 pages; this engine gives any
 * memory at most WASM_MEM_MAX_PAGES: a larger minimum cannot be
 * instantiated (ERR_RANGE), a larger maximum is cut (memory.grow past it
 * fails, as the spec allows). */
int wasm_store_memory_new(struct wasm_store *s, struct wasm_limits limits, struct rt_memory **out)
{
	const struct wasm_mem_provider *p = s->cfg.mem_provider;
	uint64_t max = limits.has_max ? limits.max : WASM_MEM_MAX_PAGES;
	struct rt_memory *m;
	int err;

	if (limits.is64) {
		if (limits.has_max && limits.min > limits.max)
			return ERR_INVAL;
		if (limits.min > WASM_MEM_MAX_PAGES)
			return ERR_RANGE;
		if (max > WASM_MEM_MAX_PAGES)
			max = WASM_MEM_MAX_PAGES;
	} else if (!limits_ok(limits, WASM_MEM_MAX_PAGES)) {
		return ERR_INVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_NOMEM;
	err = wasm_memory_init(&m->mem, p, (uint32_t)limits.min, (uint32_t)max,
			       s->cfg.max_memory_pages);
	/* Out of address space for another reservation: a checked memory
	 * works the same, only with explicit bounds checks (mem.h). Out of
	 * memory is not retried: the heap has no more than the provider. */
	if (err == ERR_NOSPC)
		err = wasm_memory_init(&m->mem, wasm_mem_checked(), (uint32_t)limits.min,
				       (uint32_t)max, s->cfg.max_memory_pages);
	if (err) {
		free(m);
		return err;
	}
	m->decl = limits;
	*out = m;
	return 0;
}

void wasm_store_memory_destroy(struct rt_memory *m)
{
	wasm_memory_destroy(&m->mem);
	free(m);
}

void wasm_store_memory_publish(struct wasm_store *s, struct rt_memory *m)
{
	/* Only the store's thread writes the head: a relaxed load suffices;
	 * release on the store publishes m's fields to the fault handler. */
	m->next = atomic_load_explicit(&s->mems, memory_order_relaxed);
	atomic_store_explicit(&s->mems, m, memory_order_release);
}

/* A table of the i64 address type (table64) may declare up to 2^64 - 1
 * elements; any table holds at most the store's max_table_elems: a larger
 * minimum cannot be instantiated (ERR_RANGE), a larger maximum is cut
 * (table.grow past it returns -1). */
int wasm_store_table_new(struct wasm_store *s, uint32_t elem_type, struct wasm_limits limits,
			 struct rt_table **out)
{
	uint64_t max = limits.has_max ? limits.max : UINT64_MAX;
	struct rt_table *t;

	if (!wasm_type_is_ref(elem_type) ||
	    !limits_ok(limits, limits.is64 ? UINT64_MAX : UINT32_MAX))
		return ERR_INVAL;
	max = MIN(max, s->cfg.max_table_elems);
	if (limits.min > max)
		return ERR_RANGE;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ERR_NOMEM;
	/* At least one slot so that elems is never NULL; calloc checks the
	 * multiplication for overflow. */
	t->t.elems = calloc(limits.min ? limits.min : 1, sizeof(uintptr_t));
	if (!t->t.elems) {
		free(t);
		return ERR_NOMEM;
	}
	t->t.elem_type = elem_type;
	t->t.size = (uint32_t)limits.min;
	t->t.max = (uint32_t)max;
	t->decl = limits;
	*out = t;
	return 0;
}

void wasm_store_table_destroy(struct rt_table *t)
{
	free(t->t.elems);
	free(t);
}

void wasm_store_table_publish(struct wasm_store *s, struct rt_table *t)
{
	t->next = s->tables;
	s->tables = t;
}

/* ---- host-made objects ---- */

static int sig_valtype(char c, uint32_t *out)
{
	static const char letters[] = "iIfFrev";
	static const uint32_t types[] = {WASM_TYPE_I32, WASM_TYPE_I64,	   WASM_TYPE_F32,
					 WASM_TYPE_F64, WASM_TYPE_FUNCREF, WASM_TYPE_EXTERNREF,
					 WASM_TYPE_V128};
	const char *p = c ? strchr(letters, c) : NULL;

	if (!p)
		return ERR_INVAL;
	*out = types[p - letters];
	return 0;
}

int wasm_store_new_func(struct wasm_store *s, const char *sig, wasm_host_fn fn, void *arg,
			struct wasm_funcinst **out)
{
	const char *colon = strchr(sig, ':');
	size_t np, nr;
	struct rt_hostfunc *f;

	if (!colon || strchr(colon + 1, ':') || !fn)
		return ERR_INVAL;
	np = (size_t)(colon - sig);
	nr = strlen(colon + 1);
	if (np > WASM_MAX_LOCALS || nr > WASM_MAX_LOCALS)
		return ERR_INVAL;
	f = calloc(1, sizeof(*f) + (np + nr) * sizeof(f->vals[0]));
	if (!f)
		return ERR_NOMEM;
	for (size_t i = 0; i < np + nr; i++) {
		if (sig_valtype(i < np ? sig[i] : colon[1 + i - np], &f->vals[i])) {
			free(f);
			return ERR_INVAL;
		}
	}
	f->type = (struct wasm_functype){
		.nparams = (uint32_t)np,
		.nresults = (uint32_t)nr,
		.params = f->vals,
		.results = f->vals + np,
		/* No module type list: matching is structural. */
		.canon = WASM_NONE,
	};
	f->f = (struct wasm_funcinst){
		.type = &f->type,
		.inst = NULL,
		.index = WASM_NONE,
		.host = fn,
		.host_arg = arg,
	};
	f->next = s->funcs;
	s->funcs = f;
	*out = &f->f;
	return 0;
}

/* The function a host tag borrows its type from; never called. */
static int tag_type_holder(struct wasm_host_call *c, union wasm_val *vals)
{
	(void)c;
	(void)vals;
	return WASM_HOST_TRAP;
}

int wasm_store_new_tag(struct wasm_store *s, const char *sig, struct wasm_taginst **out)
{
	struct wasm_funcinst *f;
	struct wasm_taginst *t;
	const char *colon = strchr(sig, ':');
	int rc;

	if (!colon || colon[1])
		return ERR_INVAL;
	rc = wasm_store_new_func(s, sig, tag_type_holder, NULL, &f);
	if (rc)
		return rc;
	t = malloc(sizeof(*t));
	if (!t)
		return ERR_NOMEM;
	t->type = f->type;
	rc = wasm_store_adopt(s, t, free);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int wasm_store_new_table(struct wasm_store *s, uint32_t elem_type, struct wasm_limits limits,
			 struct wasm_tableinst **out)
{
	struct rt_table *t;
	int err = wasm_store_table_new(s, elem_type, limits, &t);

	if (err)
		return err;
	wasm_store_table_publish(s, t);
	*out = &t->t;
	return 0;
}

int wasm_store_new_memory(struct wasm_store *s, struct wasm_limits limits, struct wasm_memory **out)
{
	struct rt_memory *m;
	int err = wasm_store_memory_new(s, limits, &m);

	if (err)
		return err;
	wasm_store_memory_publish(s, m);
	*out = &m->mem;
	return 0;
}

int wasm_store_new_global(struct wasm_store *s, uint8_t type, bool is_mutable, union wasm_val v,
			  struct wasm_globalinst **out)
{
	struct rt_global *g;

	if (!wasm_is_valtype(type))
		return ERR_INVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return ERR_NOMEM;
	g->g.type = type;
	g->g.is_mutable = is_mutable;
	g->g.val = v;
	g->next = s->globals;
	s->globals = g;
	*out = &g->g;
	return 0;
}

bool wasm_store_check(const struct wasm_store *s)
{
	const struct rt_memory *m = atomic_load(&s->mems);

	for (const struct rt_table *t = s->tables; t; t = t->next)
		if (!t->t.elems || t->t.size > t->t.max || !wasm_type_is_ref(t->t.elem_type) ||
		    (t->decl.has_max && t->t.max > t->decl.max))
			return false;
	for (; m; m = m->next)
		if (m->mem.size_bytes != (uint64_t)m->mem.pages * WASM_PAGE_SIZE ||
		    m->mem.pages > m->mem.cap_pages || !m->mem.base ||
		    (m->decl.has_max && m->mem.cap_pages > m->decl.max))
			return false;
	for (const struct rt_hostfunc *f = s->funcs; f; f = f->next)
		if (f->f.type != &f->type || f->f.inst || !f->f.host)
			return false;
	for (const struct rt_global *g = s->globals; g; g = g->next)
		if (!wasm_is_valtype(g->g.type))
			return false;
	return wasm_gc_heap_check(&s->gc);
}
