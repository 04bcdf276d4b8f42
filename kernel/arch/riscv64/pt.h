/*
 * pt.h - RISC-V Sv39/Sv48 page tables, shared by the loader (which builds
 * the first tables at physical addresses) and the kernel's VM layer.
 *
 * A table is 512 eight-byte entries. A leaf may sit at any level: 4 KiB at
 * level 0, 2 MiB at level 1, 1 GiB at level 2 (and 512 GiB at level 3 in
 * Sv48, which we do not use). Table pages are reached at phys + phys_offset
 * (the loader runs with the MMU off and uses 0).
 *
 * The caller serializes calls on one table and does the TLB flushing.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

#define PTE_V	      (1ul << 0)
#define PTE_R	      (1ul << 1)
#define PTE_W	      (1ul << 2)
#define PTE_X	      (1ul << 3)
#define PTE_U	      (1ul << 4)
#define PTE_G	      (1ul << 5)
#define PTE_A	      (1ul << 6)
#define PTE_D	      (1ul << 7)
#define PTE_RWX	      (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT 10

struct pt {
	uint64_t root;	      /* physical address of the root table */
	unsigned levels;      /* 3 (Sv39) or 4 (Sv48) */
	uint64_t phys_offset; /* VA = PA + phys_offset for table pages */
	/* Allocates one zeroed page for a table; 0 on success. */
	int (*alloc_table)(void *arg, uint64_t *phys);
	/* Frees a table page that unmapping left empty; NULL keeps them. */
	void (*free_table)(void *arg, uint64_t phys);
	void *arg;
};

static inline uint64_t *pt_table_va(const struct pt *pt, uint64_t phys)
{
	return (uint64_t *)(uintptr_t)(phys + pt->phys_offset);
}

/*
 * pt_map - maps [va, va+size) to [pa, pa+size) with `flags` (PTE_R/W/X/G/U;
 * V, A and D are added), using the largest pages that alignment allows when
 * `huge` is set. All three of va, pa, size must be page aligned.
 * ERR_EXIST if any page is already mapped (nothing is then changed below
 * that page: the caller unmaps what it mapped), ERR_NOMEM if a table page
 * cannot be allocated.
 */
int pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool huge);

/*
 * pt_unmap - clears the 4 KiB leaves in [va, va+size); for each one that was
 * mapped calls fn(arg, va, pa) if fn is set. Huge leaves inside the range are
 * cleared whole only if the range covers them (else ERR_INVAL before any
 * change). Table pages left empty are given to free_table (the root stays).
 */
int pt_unmap(struct pt *pt, uint64_t va, uint64_t size,
	     void (*fn)(void *arg, uint64_t va, uint64_t pa), void *arg);

/*
 * pt_populate - makes sure every table down to the one holding 4 KiB
 * leaves exists for [va, va+size) (page aligned), without mapping anything:
 * a later pt_map of a 4 KiB page in that range allocates no table.
 * ERR_EXIST if a huge leaf covers part of the range, ERR_NOMEM if a table
 * cannot be allocated (the tables made so far stay; pt_unmap of the range
 * prunes them).
 */
int pt_populate(struct pt *pt, uint64_t va, uint64_t size);

/* pt_protect - sets the permission bits of every leaf in range; ERR_NOENT
 * if a page in range is not mapped (checked before any change). */
int pt_protect(struct pt *pt, uint64_t va, uint64_t size, uint64_t flags);

/* pt_lookup - the leaf entry mapping va (and its page size), or ERR_NOENT. */
int pt_lookup(const struct pt *pt, uint64_t va, uint64_t *pte, uint64_t *page_size);

/* pt_translate - physical address of va, or ERR_NOENT. */
int pt_translate(const struct pt *pt, uint64_t va, uint64_t *pa);
