/*
 * mem.c - linear memory sizing and `memory.grow`, on top of a provider, and
 * the portable checked (heap) provider.
 *
 * Invariant: see mem.h; every change of pages/size_bytes happens after the
 * provider succeeded, so a failed grow leaves the memory as it was.
 */
#include "wasm/mem.h"

#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"

static uint64_t pages_to_bytes(uint32_t pages)
{
	return (uint64_t)pages * WASM_PAGE_SIZE;
}

int wasm_memory_init(struct wasm_memory *m, const struct wasm_mem_provider *p, uint32_t initial,
		     uint32_t max_pages, uint32_t limit_pages)
{
	uint32_t cap = MIN(max_pages, limit_pages);
	uint64_t reserve = 0;
	uint8_t *base = NULL;
	int err;

	if (max_pages > WASM_MEM_MAX_PAGES || initial > cap)
		return ERR_RANGE;
	if (p->guarded) {
		reserve = p->reserve_bytes ? p->reserve_bytes : WASM_MEM_GUARDED_RESERVE;
		/* The whole growable range plus a guard page must fit. */
		if (reserve < pages_to_bytes(cap) + WASM_PAGE_SIZE)
			return ERR_RANGE;
		err = p->reserve(p->arg, reserve, &base);
		if (err) /* no address space: a checked memory would still do */
			return err == ERR_NOMEM ? ERR_NOSPC : err;
		if (initial) {
			err = p->commit(p->arg, &base, 0, pages_to_bytes(initial));
			if (err) {
				p->release(p->arg, base, reserve);
				return err;
			}
		}
	} else {
		err = p->reserve(p->arg, pages_to_bytes(initial), &base);
		if (err)
			return err;
	}
	*m = (struct wasm_memory){
		.base = base,
		.size_bytes = pages_to_bytes(initial),
		.pages = initial,
		.cap_pages = cap,
		.reserved = reserve,
		.guarded = p->guarded,
		.provider = p,
	};
	return 0;
}

void wasm_memory_destroy(struct wasm_memory *m)
{
	const struct wasm_mem_provider *p = m->provider;

	if (p)
		p->release(p->arg, m->base, m->guarded ? m->reserved : m->size_bytes);
	memset(m, 0, sizeof(*m));
}

int64_t wasm_memory_grow(struct wasm_memory *m, uint64_t delta)
{
	uint32_t old = m->pages;
	uint8_t *base = m->base;
	uint64_t new_bytes;

	if (delta == 0)
		return old;
	if (delta > m->cap_pages - old)
		return -1;
	new_bytes = pages_to_bytes(old + delta);
	if (m->provider->commit(m->provider->arg, &base, m->size_bytes, new_bytes))
		return -1;
	m->base = base;
	m->pages = old + delta;
	m->size_bytes = new_bytes;
	return old;
}

bool wasm_memory_needs_check(const struct wasm_memory *m, uint64_t offset, uint32_t size)
{
	uint64_t worst;

	if (!m->guarded)
		return true;
	/* Largest index (2^32 - 1) plus offset plus size, in 64 bits. */
	worst = (UINT64_C(1) << 32) + offset + size;
	return worst < offset || worst > m->reserved;
}

bool wasm_memory_owns_address(const struct wasm_memory *m, uintptr_t addr)
{
	uintptr_t lo = (uintptr_t)m->base;
	uint64_t len = m->guarded ? m->reserved : m->size_bytes;

	return m->base && addr >= lo && addr - lo < len;
}

/*
 * The checked provider. The allocation is at least one byte so that `base`
 * is never NULL (pointer arithmetic on NULL is undefined even for +0).
 */
static int checked_reserve(void *arg, uint64_t bytes, uint8_t **out_base)
{
	uint8_t *p;

	(void)arg;
	if (bytes > SIZE_MAX)
		return ERR_NOMEM;
	p = calloc(bytes ? (size_t)bytes : 1, 1);
	if (!p)
		return ERR_NOMEM;
	*out_base = p;
	return 0;
}

static int checked_commit(void *arg, uint8_t **base_io, uint64_t old_bytes, uint64_t new_bytes)
{
	uint8_t *p;

	(void)arg;
	if (new_bytes > SIZE_MAX || new_bytes < old_bytes)
		return ERR_NOMEM;
	p = realloc(*base_io, (size_t)new_bytes);
	if (!p)
		return ERR_NOMEM;
	memset(p + old_bytes, 0, (size_t)(new_bytes - old_bytes));
	*base_io = p;
	return 0;
}

static void checked_release(void *arg, uint8_t *base, uint64_t bytes)
{
	(void)arg;
	(void)bytes;
	free(base);
}

static const struct wasm_mem_provider checked_provider = {
	.name = "checked",
	.guarded = false,
	.reserve = checked_reserve,
	.commit = checked_commit,
	.release = checked_release,
};

const struct wasm_mem_provider *wasm_mem_checked(void)
{
	return &checked_provider;
}
