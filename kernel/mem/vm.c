/*
 * vm.c - the VM layer (see vm.h).
 *
 * Regions are kept in an array sorted by start address (a few hundred at
 * most), so the fault handler finds one by bisection and placement checks
 * neighbours only. Frames behind regions are found through the page table,
 * not recorded separately.
 */
#include "mem/vm.h"

#include <string.h>

#include "arch/arch.h"
#include "arch/riscv64/pt.h"
#include "base/err.h"
#include "base/rand.h"
#include "console.h"
#include "mem/frame.h"
#include "mem/layout.h"
#include "spinlock.h"

struct region {
	uint64_t start, size;
	uint64_t commit_limit; /* lazy: bytes from start that may be committed */
	uint64_t committed;    /* pages with a frame */
	unsigned flags;
	const char *name;
};

static struct spinlock lock = SPINLOCK_INIT;
static struct {
	struct pt pt;
	struct region r[VM_MAX_REGIONS]; /* sorted by start */
	uint32_t n;
	uint64_t lo, hi; /* the dynamic window */
	struct rand rng;
	uint64_t faults_resolved;
	uint64_t table_pages; /* page-table pages from the frame allocator */
	uint64_t lazy_pages;  /* sum of lazy regions' commit limits, in pages */
} vm;			      /* [lock] */

/* Called with the lock held (pt_map/pt_unmap). */
static int alloc_table(void *arg, uint64_t *pa)
{
	(void)arg;
	int e = frame_alloc(pa);
	if (!e)
		vm.table_pages++;
	return e;
}

static void free_table(void *arg, uint64_t pa)
{
	(void)arg;
	vm.table_pages--;
	frame_free(pa);
}

static uint64_t pte_flags(unsigned flags)
{
	return PTE_G | ((flags & VM_READ) ? PTE_R : 0) | ((flags & VM_WRITE) ? PTE_W : 0) |
	       ((flags & VM_EXEC) ? PTE_X : 0);
}

int vm_init(const struct boot_info *bi, const uint8_t seed[32])
{
	vm.pt = (struct pt){.root = bi->page_table,
			    .levels = bi->va_bits == 48 ? 4 : 3,
			    .phys_offset = bi->phys_offset,
			    .alloc_table = alloc_table,
			    .free_table = free_table};
	vm.lo = layout_dynamic_start(bi->va_bits);
	vm.hi = layout_dynamic_end(bi->va_bits);
	rand_seed(&vm.rng, seed, 32);
	return 0;
}

void vm_drop_identity(const struct boot_info *bi)
{
	for (uint32_t i = 0; i < bi->n_regions; i++) {
		const struct boot_region *r = &bi->regions[i];
		if (r->kind != BOOT_REGION_LOADER)
			continue;
		bool irq = spin_lock(&lock);
		/* Only the loader's text was identity-mapped; unmapping the rest
		 * of its range is a no-op. Its table pages came from the loader,
		 * not the frame allocator, so they are kept (not pruned). */
		struct pt keep = vm.pt;
		keep.free_table = 0;
		pt_unmap(&keep, r->start, r->end - r->start, 0, 0);
		spin_unlock(&lock, irq);
		/* Local flush only: other harts may keep stale entries for these
		 * low addresses, which is harmless because the loader's frames
		 * are never handed out again and the kernel never uses the low
		 * half. (A remote fence through OpenSBI also spins on acks,
		 * which stalls single-threaded emulation.) */
		for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE)
			arch_tlb_flush_local(va);
	}
}

/* Index of the first region whose start is > va. */
static uint32_t upper_bound(uint64_t va)
{
	uint32_t lo = 0, hi = vm.n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (vm.r[mid].start <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct region *find(uint64_t va)
{
	uint32_t i = upper_bound(va);
	if (i == 0)
		return 0;
	struct region *r = &vm.r[i - 1];
	return va - r->start < r->size ? r : 0;
}

/* Is [start, start+size) free with a guard page on each side? */
static bool is_free(uint64_t start, uint64_t size)
{
	uint64_t lo = start - PAGE_SIZE, hi = start + size + PAGE_SIZE;
	if (lo < vm.lo || hi > vm.hi || hi < start)
		return false;
	uint32_t i = upper_bound(start);
	if (i > 0 && vm.r[i - 1].start + vm.r[i - 1].size > lo)
		return false;
	if (i < vm.n && vm.r[i].start < hi)
		return false;
	return true;
}

/* Picks a random free, page-aligned place; caller holds the lock. */
static int place(uint64_t size, uint64_t *out)
{
	uint64_t span = vm.hi - vm.lo - size - 2 * PAGE_SIZE;
	if (size > vm.hi - vm.lo - 2 * PAGE_SIZE)
		return ERR_NOMEM;
	for (int tries = 0; tries < 64; tries++) {
		uint64_t va =
			vm.lo + PAGE_SIZE + rand_below(&vm.rng, span / PAGE_SIZE + 1) * PAGE_SIZE;
		if (is_free(va, size)) {
			*out = va;
			return 0;
		}
	}
	/* Crowded: first fit after each region. */
	for (uint32_t i = 0; i <= vm.n; i++) {
		uint64_t va =
			i ? vm.r[i - 1].start + vm.r[i - 1].size + PAGE_SIZE : vm.lo + PAGE_SIZE;
		if (is_free(va, size)) {
			*out = va;
			return 0;
		}
	}
	return ERR_NOMEM;
}

static int insert(const struct region *nr)
{
	if (vm.n == VM_MAX_REGIONS)
		return ERR_NOMEM;
	uint32_t i = upper_bound(nr->start);
	memmove(&vm.r[i + 1], &vm.r[i], (vm.n - i) * sizeof(vm.r[0]));
	vm.r[i] = *nr;
	vm.n++;
	return 0;
}

static void remove_at(struct region *r)
{
	uint32_t i = (uint32_t)(r - vm.r);
	memmove(&vm.r[i], &vm.r[i + 1], (vm.n - i - 1) * sizeof(vm.r[0]));
	vm.n--;
}

/*
 * Unmaps [start, start+size) and frees the frames behind it, in chunks: the
 * TLBs of every hart are flushed before a frame is freed, so no hart can
 * still reach a frame that has a new owner. Caller holds the lock.
 */
static void unmap_and_free(uint64_t start, uint64_t size)
{
	enum { CHUNK = 64 };
	for (uint64_t off = 0; off < size; off += CHUNK * PAGE_SIZE) {
		uint64_t n = MIN((size - off) / PAGE_SIZE, (uint64_t)CHUNK), pas[CHUNK];
		unsigned k = 0;
		for (uint64_t i = 0; i < n; i++)
			if (pt_translate(&vm.pt, start + off + i * PAGE_SIZE, &pas[k]) == 0)
				k++;
		if (!k)
			continue;
		pt_unmap(&vm.pt, start + off, n * PAGE_SIZE, 0, 0);
		arch_tlb_flush_range(start + off, n * PAGE_SIZE);
		for (unsigned i = 0; i < k; i++)
			frame_free(pas[i]);
	}
}

static int check_flags(uint64_t size, unsigned flags)
{
	if (!size || (flags & VM_WRITE && flags & VM_EXEC) ||
	    !(flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return ERR_INVAL;
	return 0;
}

int vm_alloc(uint64_t size, unsigned flags, const char *name, uint64_t *va_out)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	int e = check_flags(size, flags);
	if (e)
		return e;
	bool irq = spin_lock(&lock);
	uint64_t va;
	struct region nr = {0, size, size, size / PAGE_SIZE, flags & ~VM_LAZY, name};
	e = place(size, &va);
	if (e)
		goto out;
	nr.start = va;
	e = insert(&nr);
	if (e)
		goto out;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa;
		e = frame_alloc(&pa);
		if (!e) {
			e = pt_map(&vm.pt, va + off, pa, PAGE_SIZE, pte_flags(flags), false);
			if (e)
				frame_free(pa);
		}
		if (e) { /* undo: free what was mapped, drop the region */
			unmap_and_free(va, off);
			remove_at(find(va));
			goto out;
		}
	}
	*va_out = va;
out:
	spin_unlock(&lock, irq);
	return e;
}

int vm_reserve(uint64_t size, unsigned flags, const char *name, uint64_t *va_out)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	int e = check_flags(size, flags & ~VM_LAZY);
	if (e)
		return e;
	bool irq = spin_lock(&lock);
	uint64_t va;
	e = place(size, &va);
	if (!e) {
		struct region nr = {va, size, 0, 0, flags, name};
		e = insert(&nr);
	}
	if (!e)
		*va_out = va;
	spin_unlock(&lock, irq);
	return e;
}

/* Frames lazy regions may hold in all: the frames there are, less a
 * reserve for the kernel (its heap, page tables, stacks). [lock] */
static uint64_t lazy_budget_pages(void)
{
	struct frame_stats f;
	frame_stats(&f);
	uint64_t reserve = MAX(VM_KERNEL_RESERVE_PAGES, f.total / 8);
	return f.total > reserve ? f.total - reserve : 0;
}

int vm_set_commit_limit(uint64_t va, uint64_t limit)
{
	bool irq = spin_lock(&lock);
	struct region *r = find(va);
	int e = 0;
	if (!r || r->start != va || !(r->flags & VM_LAZY)) {
		e = ERR_NOENT;
	} else if (limit > r->size || limit < r->commit_limit) {
		e = ERR_RANGE;
	} else {
		uint64_t more = ALIGN_UP(limit, PAGE_SIZE) / PAGE_SIZE -
				ALIGN_UP(r->commit_limit, PAGE_SIZE) / PAGE_SIZE;
		if (vm.lazy_pages + more > lazy_budget_pages()) {
			e = ERR_NOMEM;
		} else {
			vm.lazy_pages += more;
			r->commit_limit = limit;
		}
	}
	spin_unlock(&lock, irq);
	return e;
}

int vm_free(uint64_t va)
{
	bool irq = spin_lock(&lock);
	struct region *r = find(va);
	if (!r || r->start != va) {
		spin_unlock(&lock, irq);
		return ERR_NOENT;
	}
	/* A lazy region has pages only below its commit limit (which never
	 * shrinks): an 8 GiB WASM reservation is not walked page by page. */
	unmap_and_free(r->start,
		       r->flags & VM_LAZY ? ALIGN_UP(r->commit_limit, PAGE_SIZE) : r->size);
	if (r->flags & VM_LAZY)
		vm.lazy_pages -= ALIGN_UP(r->commit_limit, PAGE_SIZE) / PAGE_SIZE;
	remove_at(r);
	spin_unlock(&lock, irq);
	return 0;
}

int vm_protect(uint64_t va, uint64_t size, unsigned flags)
{
	if (check_flags(ALIGN_UP(size, PAGE_SIZE), flags))
		return ERR_INVAL;
	bool irq = spin_lock(&lock);
	int e = pt_protect(&vm.pt, va, ALIGN_UP(size, PAGE_SIZE), pte_flags(flags));
	spin_unlock(&lock, irq);
	if (!e)
		arch_tlb_flush_range(va, ALIGN_UP(size, PAGE_SIZE));
	return e;
}

int vm_translate(uint64_t va, uint64_t *pa)
{
	bool irq = spin_lock(&lock);
	int e = pt_translate(&vm.pt, va, pa);
	spin_unlock(&lock, irq);
	return e;
}

int vm_map_fixed(uint64_t va, uint64_t pa, uint64_t size, unsigned flags)
{
	if (check_flags(size, flags))
		return ERR_INVAL;
	bool irq = spin_lock(&lock);
	int e = pt_map(&vm.pt, va, pa, ALIGN_UP(size, PAGE_SIZE), pte_flags(flags), false);
	spin_unlock(&lock, irq);
	return e;
}

int vm_unmap_fixed(uint64_t va, uint64_t size)
{
	bool irq = spin_lock(&lock);
	int e = pt_unmap(&vm.pt, va, ALIGN_UP(size, PAGE_SIZE), 0, 0);
	spin_unlock(&lock, irq);
	if (!e)
		arch_tlb_flush_range(va, ALIGN_UP(size, PAGE_SIZE));
	return e;
}

/* Whether va may be committed now (lock held): in a lazy region, below its
 * limit, with the access's permission. */
static bool may_commit(uint64_t va, int is_write, int is_exec)
{
	struct region *r = find(va);
	if (!r || !(r->flags & VM_LAZY) || va - r->start >= r->commit_limit)
		return false;
	if (is_write)
		return r->flags & VM_WRITE;
	if (is_exec)
		return r->flags & VM_EXEC;
	return r->flags & VM_READ;
}

/*
 * The frame is taken (and zeroed) outside the lock, which is then held
 * only to check and map: faults on several harts (guests touching new
 * memory) do not queue behind one another's 4 KiB memsets.
 */
int vm_handle_fault(uint64_t va, int is_write, int is_exec)
{
	uint64_t page = va & ~(PAGE_SIZE - 1), pte, pa;
	bool irq = spin_lock(&lock);
	bool ok = may_commit(va, is_write, is_exec);
	bool mapped = ok && pt_lookup(&vm.pt, page, &pte, 0) == 0;
	spin_unlock(&lock, irq);
	if (!ok)
		return ERR_FAULT;
	if (mapped) { /* another hart committed it first: our TLB just missed it */
		arch_tlb_flush_local(page);
		return 0;
	}
	int e = frame_alloc(&pa);
	if (e)
		return e;
	irq = spin_lock(&lock);
	if (!may_commit(va, is_write, is_exec)) { /* freed meanwhile */
		e = ERR_FAULT;
	} else if (pt_lookup(&vm.pt, page, &pte, 0) == 0) {
		e = 0; /* committed meanwhile by another hart */
	} else {
		e = pt_map(&vm.pt, page, pa, PAGE_SIZE, pte_flags(find(va)->flags), false);
		if (!e) {
			find(va)->committed++;
			vm.faults_resolved++;
			pa = 0;
		}
	}
	spin_unlock(&lock, irq);
	if (pa)
		frame_free(pa);
	if (!e)
		arch_tlb_flush_local(page);
	return e;
}

void vm_stats(struct vm_stats *out)
{
	bool irq = spin_lock(&lock);
	out->regions = vm.n;
	out->reserved_bytes = 0;
	out->committed_pages = 0;
	for (uint32_t i = 0; i < vm.n; i++) {
		out->reserved_bytes += vm.r[i].size;
		out->committed_pages += vm.r[i].committed;
	}
	out->faults_resolved = vm.faults_resolved;
	out->table_pages = vm.table_pages;
	spin_unlock(&lock, irq);
}
