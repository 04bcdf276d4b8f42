/*
 * mem.h - WebAssembly linear memory behind a provider interface.
 *
 * A `struct wasm_memory` is one linear memory of an instance. Its bytes come
 * from a `struct wasm_mem_provider`, of which there are two kinds:
 *
 *  - guarded (host: mmap, kernel: a VM-layer reserved range). The provider
 *    reserves WASM_MEM_GUARDED_RESERVE bytes of address space that fault on
 *    access, and commits (makes readable and writable, zero-filled) a prefix
 *    of it as the memory grows. The base never moves.
 *
 *        base                size_bytes                    base + reserved
 *        |<---- committed ---->|<------------- PROT_NONE ------------->|
 *        |   0 .. pages*64K    |   rest of 4 GiB index space + 4 GiB    |
 *                                 offset immediates + one guard page
 *
 *    Every effective address of a load/store, computed in 64 bits as
 *    (u64)i32_index + offset_immediate + access_size <= 2^33 + 16, lies
 *    inside the reservation, so the interpreter needs no bounds check: an
 *    access beyond size_bytes faults, and the fault becomes an out-of-bounds
 *    trap (see "Faults" below).
 *
 *  - checked (plain heap memory, for when address space is short). Only
 *    size_bytes are allocated; the base may move on every grow; the
 *    interpreter must call wasm_memory_in_bounds() before every access.
 *
 * Invariant: size_bytes == pages * WASM_PAGE_SIZE <= cap_pages *
 * WASM_PAGE_SIZE, bytes [0, size_bytes) at base are readable, writable and
 * were zero when they became part of the memory; cap_pages = min(declared
 * max, per-instance limit) <= WASM_MEM_MAX_PAGES.
 *
 * Reloading the base: the interpreter may cache `base` and `size_bytes` in
 * registers, but must reload both after memory.grow and after every call
 * that can grow this memory (any call to a host function or another
 * instance), because a checked memory moves on grow.
 *
 * Other memories and memory64 (WebAssembly 3.0): an instance may have
 * several memories (multi-memory) and a memory may take i64 addresses
 * (memory64; wasm_limits.is64). Each is a `struct wasm_memory` like the
 * above, of at most WASM_MEM_MAX_PAGES pages whatever its declared limits
 * (a memory64 minimum beyond that cannot be instantiated, a maximum beyond
 * it is cut: memory.grow past it returns -1). The decision on guard
 * pages: only memory 0 of 32-bit addresses relies on them (the reservation
 * above covers exactly a 32-bit index plus a 32-bit offset). Every access
 * to another memory or to an i64 memory is bounds-checked explicitly, in
 * 64 bits: index + offset overflowing 2^64, or the access's end passing
 * size_bytes, traps (out of bounds). Such memories may still come from a
 * guarded provider; the check makes the guard unnecessary for them. The
 * interpreter's fast path for memory 0 is unchanged.
 *
 * Faults (guarded memories only): a load or store that lands in the
 * reservation past size_bytes raises a hardware fault. The platform turns it
 * into a trap:
 *  - host (lib/wasm/host/mem_host.h): the runner calls the interpreter
 *    through wasm_mem_host_guard_call(), which registers the memory as the
 *    thread's "current guarded region" and a sigsetjmp landing point; the
 *    SIGSEGV/SIGBUS handler checks that the faulting address lies in that
 *    region and siglongjmp's back, and guard_call returns ERR_TRAP.
 *  - kernel: the page-fault handler asks wasm_memory_owns_address() of the
 *    instance running on this CPU and, if so, resumes at the run loop's
 *    landing point with a trap instead of panicking.
 * Either way the C frames of the interpreter between the landing point and
 * the faulting access are discarded, so the interpreter must keep everything
 * that outlives a trap in memory it owns (its frame stack) and must not hold
 * a lock or a half-updated engine structure across a memory access. For a
 * precise trap offset in the backtrace it stores the current code position
 * into its frame before each memory access (one store, cheaper than the
 * bounds check it replaces).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define WASM_PAGE_SIZE		 65536u
/* 4 GiB: the largest 32-bit memory, in pages. */
#define WASM_MEM_MAX_PAGES	 65536u
/* A guarded reservation: 4 GiB of index space, 4 GiB of offset immediates,
 * and one guard page for the access size (at most 16 bytes). */
#define WASM_MEM_GUARDED_RESERVE ((UINT64_C(1) << 33) + WASM_PAGE_SIZE)

/*
 * The platform's memory operations. `arg` is passed back to each.
 *
 * Guarded providers (guarded == true):
 *  reserve  - reserve `bytes` of address space, none of it accessible;
 *             writes the base to *out_base. ERR_NOMEM if there is no room.
 *  commit   - make [old_bytes, new_bytes) of the reservation at `base`
 *             readable, writable and zero-filled; new_bytes > old_bytes.
 *             ERR_NOMEM leaves the mapping as it was.
 *  release  - give back the whole reservation (`bytes` as reserved).
 * Checked providers (guarded == false):
 *  reserve  - allocate `bytes` (the initial size, may be 0) zero-filled.
 *  commit   - resize to new_bytes zero-filling the tail; may move *base_io.
 *  release  - free it.
 * None of them may be called from interrupt context.
 */
struct wasm_mem_provider {
	const char *name;
	bool guarded;
	/* guarded: bytes to reserve per memory, at least the largest size it
	 * can grow to plus one page; WASM_MEM_GUARDED_RESERVE lets the
	 * interpreter drop every bounds check. Ignored if !guarded. */
	uint64_t reserve_bytes;
	void *arg;
	int (*reserve)(void *arg, uint64_t bytes, uint8_t **out_base);
	int (*commit)(void *arg, uint8_t **base_io, uint64_t old_bytes, uint64_t new_bytes);
	void (*release)(void *arg, uint8_t *base, uint64_t bytes);
};

struct wasm_memory {
	uint8_t *base;	     /* byte 0 of the memory; moves only if !guarded */
	uint64_t size_bytes; /* pages * WASM_PAGE_SIZE */
	uint32_t pages;	     /* current size */
	uint32_t cap_pages;  /* min(declared max, per-instance limit) */
	uint64_t reserved;   /* bytes of address space at base (guarded) */
	bool guarded;
	const struct wasm_mem_provider *provider;
};

/*
 * wasm_memory_init - creates a memory of `initial` pages that may grow to
 * min(max_pages, limit_pages) pages. `max_pages` is the module's declared
 * maximum (WASM_MEM_MAX_PAGES if it declares none); `limit_pages` the
 * instance's resource limit. Errors: ERR_RANGE if initial exceeds either
 * bound or max_pages > WASM_MEM_MAX_PAGES; ERR_NOSPC if a guarded provider
 * has no address space for the reservation (a caller may retry with
 * wasm_mem_checked()); ERR_NOMEM if there is no memory for the initial
 * pages (a checked memory would not find any either).
 * *m is written only on success.
 */
int wasm_memory_init(struct wasm_memory *m, const struct wasm_mem_provider *p, uint32_t initial,
		     uint32_t max_pages, uint32_t limit_pages);

/* wasm_memory_destroy - returns the memory to its provider; *m is zeroed. */
void wasm_memory_destroy(struct wasm_memory *m);

/*
 * wasm_memory_grow - the semantics of `memory.grow`: grows by `delta` pages
 * and returns the old size in pages, or -1 (and changes nothing) if the new
 * size would pass cap_pages or the provider is out of memory. delta == 0
 * returns the current size.
 */
int64_t wasm_memory_grow(struct wasm_memory *m, uint64_t delta);

/*
 * wasm_memory_in_bounds - whether an access of `size` bytes at i32 index
 * `index` plus offset immediate `offset` lies inside the memory. The checked
 * mode calls this before every access; the guarded mode never needs to.
 */
static inline bool wasm_memory_in_bounds(const struct wasm_memory *m, uint32_t index,
					 uint64_t offset, uint32_t size)
{
	uint64_t ea = (uint64_t)index + offset;

	return ea >= offset && ea <= m->size_bytes && size <= m->size_bytes - ea;
}

/*
 * wasm_memory_needs_check - whether an access with this offset immediate
 * and size must be bounds-checked explicitly: always for a checked memory;
 * for a guarded one only if the reservation cannot absorb it (the kernel
 * may reserve less than WASM_MEM_GUARDED_RESERVE). The translator calls
 * this once per memory instruction.
 */
bool wasm_memory_needs_check(const struct wasm_memory *m, uint64_t offset, uint32_t size);

/*
 * wasm_memory_owns_address - whether a faulting address lies in the
 * reservation (guarded) or the allocation (checked) of m, i.e. whether a
 * fault there is the guest's out-of-bounds access. May be called from a
 * signal handler or the kernel's fault handler (reads m only).
 */
bool wasm_memory_owns_address(const struct wasm_memory *m, uintptr_t addr);

/*
 * wasm_mem_checked - the portable fallback provider: heap memory from
 * realloc, explicit bounds checks. Stateless; never NULL.
 */
const struct wasm_mem_provider *wasm_mem_checked(void);
