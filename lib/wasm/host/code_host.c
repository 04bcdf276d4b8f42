/*
 * code_host.c - code memory and guest stacks from mmap (code_host.h).
 *
 * Each allocation is its own mapping (whole pages), named by a small
 * malloc'd record: code is mapped PROT_READ|PROT_WRITE for the compiler to
 * write, then mprotect'ed to PROT_READ|PROT_EXEC by seal, which then makes
 * instruction fetch coherent (on riscv64 Linux __builtin___clear_cache is
 * the riscv_flush_icache system call, which covers every thread of the
 * process). A stack is mapped with one extra page below it left PROT_NONE,
 * so running off its bottom faults instead of corrupting other memory.
 */
#include "wasm/host/code_host.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/compiler.h"
#include "base/err.h"

struct host_map {
	uint8_t *base;
	size_t bytes;
};

static size_t page_round(size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (bytes + page - 1) & ~(page - 1);
}

static int map_new(size_t bytes, int prot, struct host_map **out)
{
	struct host_map *m = malloc(sizeof(*m));
	void *p;

	if (!m || bytes == 0 || bytes > SIZE_MAX / 2) {
		free(m);
		return ERR_NOMEM;
	}
	m->bytes = page_round(bytes);
	p = mmap(NULL, m->bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		free(m);
		return ERR_NOMEM;
	}
	m->base = p;
	*out = m;
	return 0;
}

static void map_free(struct host_map *m)
{
	if (!m)
		return;
	munmap(m->base, m->bytes);
	free(m);
}

#if defined(__riscv) && __riscv_xlen == 64

static int code_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	struct host_map *m;
	int rc;

	(void)arg;
	rc = map_new(bytes, PROT_READ | PROT_WRITE, &m);
	if (rc)
		return rc;
	*rw = m->base;
	*handle = m;
	return 0;
}

static void *code_seal(void *arg, void *handle)
{
	struct host_map *m = handle;

	(void)arg;
	if (mprotect(m->base, m->bytes, PROT_READ | PROT_EXEC)) {
		map_free(m);
		return NULL;
	}
	__builtin___clear_cache((char *)m->base, (char *)m->base + m->bytes);
	return m->base;
}

static void code_free(void *arg, void *handle)
{
	(void)arg;
	map_free(handle);
}

static const struct wasm_code_mem code_provider = {
	.alloc = code_alloc,
	.seal = code_seal,
	.free = code_free,
};

static int stack_alloc(void *arg, size_t bytes, void **handle, uintptr_t *lo, uintptr_t *hi)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct host_map *m;
	int rc;

	(void)arg;
	rc = map_new(page_round(bytes) + page, PROT_READ | PROT_WRITE, &m);
	if (rc)
		return rc;
	if (mprotect(m->base, page, PROT_NONE)) {
		map_free(m);
		return ERR_NOMEM;
	}
	*handle = m;
	*lo = (uintptr_t)m->base + page;
	*hi = (uintptr_t)m->base + m->bytes;
	return 0;
}

static void stack_free(void *arg, void *handle)
{
	(void)arg;
	map_free(handle);
}

static const struct wasm_stack_mem stack_provider = {
	.alloc = stack_alloc,
	.free = stack_free,
};

const struct wasm_code_mem *wasm_code_host(void)
{
	return &code_provider;
}

const struct wasm_stack_mem *wasm_stack_host(void)
{
	return &stack_provider;
}

#else /* compiled code cannot run here */

const struct wasm_code_mem *wasm_code_host(void)
{
	(void)map_new;
	(void)map_free;
	return NULL;
}

const struct wasm_stack_mem *wasm_stack_host(void)
{
	return NULL;
}

#endif
