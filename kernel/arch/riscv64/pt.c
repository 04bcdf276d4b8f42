/*
 * pt.c - building and editing Sv39/Sv48 page tables (see pt.h).
 *
 * Pure C with no CSR access, so the host tests run it on tables in ordinary
 * memory (phys_offset 0) and the loader runs it with the MMU off.
 */
#include "pt.h"

#include "base/compiler.h"
#include "base/err.h"

#define PTE_PPN(e)     (((e) >> PTE_PPN_SHIFT) & ((1ul << 44) - 1))
#define LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * (l))
#define LEVEL_SIZE(l)  (1ul << LEVEL_SHIFT(l))

static inline unsigned va_index(uint64_t va, unsigned level)
{
	return (va >> LEVEL_SHIFT(level)) & 511;
}

static inline bool pte_is_leaf(uint64_t e)
{
	return (e & PTE_V) && (e & PTE_RWX);
}

static inline uint64_t pte_phys(uint64_t e)
{
	return PTE_PPN(e) << PAGE_SHIFT;
}

static inline uint64_t pte_make(uint64_t pa, uint64_t flags)
{
	return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags | PTE_V;
}

/* Is `va` canonical for this paging mode (upper bits copy bit levels*9+11)? */
static bool pt_va_canonical(const struct pt *pt, uint64_t va)
{
	unsigned bits = LEVEL_SHIFT(pt->levels); /* 39 or 48 */
	int64_t s = (int64_t)(va << (64 - bits)) >> (64 - bits);
	return (uint64_t)s == va;
}

/* The table at `level` below `table`'s entry for va, created if `create`. */
static int next_table(struct pt *pt, uint64_t *table, uint64_t va, unsigned level, bool create,
		      uint64_t **out)
{
	uint64_t *e = &table[va_index(va, level)];
	if (*e & PTE_V) {
		if (pte_is_leaf(*e))
			return ERR_EXIST;
		*out = pt_table_va(pt, pte_phys(*e));
		return 0;
	}
	if (!create)
		return ERR_NOENT;
	uint64_t phys;
	if (pt->alloc_table(pt->arg, &phys))
		return ERR_NOMEM;
	*e = pte_make(phys, 0);
	*out = pt_table_va(pt, phys);
	return 0;
}

int pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool huge)
{
	if ((va | pa | size) & (PAGE_SIZE - 1) || !(flags & PTE_RWX))
		return ERR_INVAL;
	if (!pt_va_canonical(pt, va) || !pt_va_canonical(pt, va + size - 1))
		return ERR_INVAL;
	uint64_t leaf = (flags & (PTE_RWX | PTE_U | PTE_G)) | PTE_A | PTE_D;

	while (size) {
		/* Largest level whose page fits alignment and size (at most 1 GiB). */
		unsigned level = 0;
		if (huge)
			while (level < 2 && !((va | pa) & (LEVEL_SIZE(level + 1) - 1)) &&
			       size >= LEVEL_SIZE(level + 1))
				level++;
		uint64_t *table = pt_table_va(pt, pt->root);
		for (unsigned l = pt->levels - 1; l > level; l--) {
			int e = next_table(pt, table, va, l, true, &table);
			if (e)
				return e;
		}
		uint64_t *e = &table[va_index(va, level)];
		if (*e & PTE_V)
			return ERR_EXIST;
		*e = pte_make(pa, leaf);
		va += LEVEL_SIZE(level);
		pa += LEVEL_SIZE(level);
		size -= LEVEL_SIZE(level);
	}
	return 0;
}

int pt_populate(struct pt *pt, uint64_t va, uint64_t size)
{
	if ((va | size) & (PAGE_SIZE - 1) || !pt_va_canonical(pt, va) ||
	    !pt_va_canonical(pt, va + size - 1))
		return ERR_INVAL;
	uint64_t end = va + size;
	for (va &= ~(LEVEL_SIZE(1) - 1); va < end; va += LEVEL_SIZE(1)) {
		uint64_t *table = pt_table_va(pt, pt->root);
		for (unsigned l = pt->levels - 1; l > 0; l--) {
			int e = next_table(pt, table, va, l, true, &table);
			if (e)
				return e;
		}
	}
	return 0;
}

/* Finds the entry (leaf or empty) that maps va; *level gets its level. */
static uint64_t *find_entry(const struct pt *pt, uint64_t va, unsigned *level)
{
	uint64_t *table = pt_table_va(pt, pt->root);
	for (unsigned l = pt->levels - 1;; l--) {
		uint64_t *e = &table[va_index(va, l)];
		if (!(*e & PTE_V) || pte_is_leaf(*e) || l == 0) {
			*level = l;
			return e;
		}
		table = pt_table_va(pt, pte_phys(*e));
	}
}

int pt_lookup(const struct pt *pt, uint64_t va, uint64_t *pte, uint64_t *page_size)
{
	if (!pt_va_canonical(pt, va))
		return ERR_NOENT;
	unsigned level;
	uint64_t *e = find_entry(pt, va, &level);
	if (!pte_is_leaf(*e))
		return ERR_NOENT;
	*pte = *e;
	if (page_size)
		*page_size = LEVEL_SIZE(level);
	return 0;
}

int pt_translate(const struct pt *pt, uint64_t va, uint64_t *pa)
{
	uint64_t e, sz;
	int r = pt_lookup(pt, va, &e, &sz);
	if (r)
		return r;
	*pa = pte_phys(e) + (va & (sz - 1));
	return 0;
}

/*
 * Walks [va, va+size) leaf by leaf. With `apply` false it only checks that
 * every huge leaf is covered whole (and, if need_mapped, that every page is
 * mapped); with `apply` true it performs `op`.
 */
enum walk_op { WALK_UNMAP, WALK_PROTECT };

static int walk(struct pt *pt, uint64_t va, uint64_t size, enum walk_op op, bool apply,
		uint64_t flags, void (*fn)(void *, uint64_t, uint64_t), void *arg)
{
	uint64_t end = va + size;
	while (va < end) {
		unsigned level;
		uint64_t *e = find_entry(pt, va, &level);
		uint64_t step = LEVEL_SIZE(level);
		uint64_t base = va & ~(step - 1);
		if (!pte_is_leaf(*e)) {
			if (op == WALK_PROTECT)
				return ERR_NOENT;
			va = base + step;
			continue;
		}
		if (base != va || base + step > end)
			return ERR_INVAL; /* range splits a huge page */
		if (apply) {
			if (op == WALK_UNMAP) {
				uint64_t pa = pte_phys(*e);
				*e = 0;
				if (fn)
					for (uint64_t off = 0; off < step; off += PAGE_SIZE)
						fn(arg, va + off, pa + off);
			} else {
				*e = (*e & ~(PTE_RWX | PTE_U)) | (flags & (PTE_RWX | PTE_U));
			}
		}
		va += step;
	}
	return 0;
}

static bool table_empty(const uint64_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Frees the tables below `table` (at `level`) that cover part of [lo, hi]
 * and hold nothing any more. `base` is the VA that table[0] maps.
 */
static void prune(struct pt *pt, uint64_t *table, unsigned level, uint64_t base, uint64_t lo,
		  uint64_t hi)
{
	for (unsigned i = va_index(lo, level);; i++) {
		uint64_t *e = &table[i];
		uint64_t start = base + (uint64_t)i * LEVEL_SIZE(level);
		if ((*e & PTE_V) && !pte_is_leaf(*e) && level > 0) {
			uint64_t *sub = pt_table_va(pt, pte_phys(*e));
			prune(pt, sub, level - 1, start, MAX(lo, start),
			      MIN(hi, start + LEVEL_SIZE(level) - 1));
			if (table_empty(sub)) {
				uint64_t phys = pte_phys(*e);
				*e = 0;
				pt->free_table(pt->arg, phys);
			}
		}
		if (i == 511 || start + LEVEL_SIZE(level) - 1 >= hi)
			break;
	}
}

int pt_unmap(struct pt *pt, uint64_t va, uint64_t size,
	     void (*fn)(void *arg, uint64_t va, uint64_t pa), void *arg)
{
	if ((va | size) & (PAGE_SIZE - 1) || !pt_va_canonical(pt, va))
		return ERR_INVAL;
	if (size == 0)
		return 0;
	int r = walk(pt, va, size, WALK_UNMAP, false, 0, 0, 0);
	if (r)
		return r;
	r = walk(pt, va, size, WALK_UNMAP, true, 0, fn, arg);
	if (!r && pt->free_table) {
		unsigned top = pt->levels - 1;
		/* the sign-extended base of the half that va lies in */
		uint64_t base = (int64_t)va < 0 ? ~(LEVEL_SIZE(top + 1) - 1) : 0;
		prune(pt, pt_table_va(pt, pt->root), top, base, va, va + size - 1);
	}
	return r;
}

int pt_protect(struct pt *pt, uint64_t va, uint64_t size, uint64_t flags)
{
	if ((va | size) & (PAGE_SIZE - 1) || !(flags & PTE_RWX) || !pt_va_canonical(pt, va))
		return ERR_INVAL;
	int r = walk(pt, va, size, WALK_PROTECT, false, flags, 0, 0);
	if (r)
		return r;
	return walk(pt, va, size, WALK_PROTECT, true, flags, 0, 0);
}
