/*
 * vm.h - the kernel's virtual memory layer.
 *
 * One address space (the kernel's), one page table shared by every hart.
 * Dynamic mappings live in the layout's dynamic window at random free
 * addresses drawn from the boot RNG, each with at least one unmapped guard
 * page on either side. A region is either
 *   - backed: frames allocated and mapped now (vm_alloc); pages inside it
 *     may later be given back (vm_decommit) and taken again (vm_commit), as
 *     the kernel heap does with the free parts of its chunks; or
 *   - reserved: address space only (vm_reserve); with VM_LAZY its pages are
 *     committed zeroed on first touch by the page-fault handler, up to the
 *     region's commit limit (vm_set_commit_limit), which WASM linear memories
 *     use for memory.grow.
 *
 * Every frame is counted against the frame budget (frame.h): backed pages
 * and page tables are charged when taken; a lazy region's pages below its
 * commit limit are promised when the limit is raised, and its page tables
 * for that range are made then too, so a touch below the limit never finds
 * memory missing, whether a guest or the kernel (copying a data segment,
 * a host call filling a buffer) makes it. Lazy regions are aligned to
 * 2 MiB and sized in 2 MiB units, so no other region shares the tables
 * that hold their pages.
 *
 * Locking: one spinlock (interrupts off), also taken by the fault handler.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/boot_info.h"

enum vm_flags {
	VM_READ = 1u << 0,
	VM_WRITE = 1u << 1,
	VM_EXEC = 1u << 2,
	VM_LAZY = 1u << 3, /* reserve: commit on first touch */
};

/* Takes over the loader's page table. */
int vm_init(const struct boot_info *bi, const uint8_t seed[32]);

/* A new region of `size` bytes backed by zeroed frames. ERR_NOMEM, ERR_INVAL
 * (W and X together, size 0). */
int vm_alloc(uint64_t size, unsigned flags, const char *name, uint64_t *va);

/* A new region of address space without frames. With VM_LAZY, touches in
 * [va, va+commit_limit) commit pages; commit_limit starts at 0. */
int vm_reserve(uint64_t size, unsigned flags, const char *name, uint64_t *va);

/* Sets how much of a lazy reservation may be committed (grow only): the
 * new pages are promised (frame_promise) and their page tables made.
 * ERR_NOMEM (nothing changed) when the frames are not there; ERR_RANGE
 * (a shrink or past the region), ERR_NOENT (not a lazy region's start). */
int vm_set_commit_limit(uint64_t va, uint64_t limit);

/* Unmaps a region made by vm_alloc or vm_reserve, frees its frames and
 * gives back its promises. ERR_NOENT if `va` is not the start of a region. */
int vm_free(uint64_t va);

/*
 * vm_decommit - frees the frames behind the page-aligned [va, va+size) of
 * one backed region and unmaps it (on every hart before a frame is reused);
 * pages not mapped are skipped. vm_commit maps zeroed frames at every page
 * of the range that has none (charged); ERR_NOMEM when the budget refuses,
 * with the pages committed so far left mapped. Both: ERR_INVAL if the range
 * is not page aligned or not inside one backed region.
 */
int vm_decommit(uint64_t va, uint64_t size);
int vm_commit(uint64_t va, uint64_t size);

/* Changes the permissions of the mapped pages of [va, va+size) (inside one
 * region, or in the kernel image for tests). */
int vm_protect(uint64_t va, uint64_t size, unsigned flags);

/* Physical address behind va, or ERR_NOENT. */
int vm_translate(uint64_t va, uint64_t *pa);

/* Page-fault hook (trap handler): commits a page of a lazy reservation.
 * 0 if resolved, ERR_FAULT if the access is not allowed. Interrupts off. */
int vm_handle_fault(uint64_t va, int is_write, int is_exec);

struct vm_stats {
	uint32_t regions;
	uint64_t reserved_bytes;
	uint64_t committed_pages; /* frames owned by regions */
	uint64_t lazy_committed;  /* of which in lazy regions (guest memory) */
	uint64_t lazy_promised;	  /* lazy pages promised and not committed yet */
	uint64_t faults_resolved;
	uint64_t table_pages; /* page-table pages taken from the frame allocator */
};
void vm_stats(struct vm_stats *out);

/* vm_region_usage - committed and promised-but-untouched pages of the
 * region starting at va (0, 0 if there is none). */
void vm_region_usage(uint64_t va, uint64_t *committed, uint64_t *promised);
