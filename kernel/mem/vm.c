/*
 * vm.c - the VM layer (see vm.h).
 *
 * Regions are kept in an array sorted by start address, so the fault
 * handler finds one by bisection and placement checks neighbours only. The
 * array starts in the kernel image and moves to frames of its own
 * (physical-memory map) when it fills up, doubling each time: the heap
 * cannot hold it, since the heap grows through this layer. Frames behind
 * regions are found through the page table, not recorded separately.
 *
 * Promises of a lazy region, in pages:
 *   promised  = its commit limit, rounded up: what frame_promise gave it
 *   committed = pages mapped (each drew one promised frame)
 *   pending   = faults that drew (or are drawing) a frame, not mapped yet
 * so promised - committed - pending frames are still promised to it, and
 * vm_free gives exactly those back. A fault draws its frame outside the
 * lock (frames are zeroed then) and returns it if the page was mapped by
 * another hart meanwhile (frame_unalloc_promised) or if the region was
 * freed meanwhile (the region's vm_free counted the draw as used, so the
 * frame is simply freed); regions carry a generation number so a fault
 * cannot mistake a new region at the same place for its own.
 */
#include "mem/vm.h"

#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/rand.h"
#include "core/console.h"
#include "mem/frame.h"
#include "mem/layout.h"
#include "core/spinlock.h"

#define LAZY_ALIGN (2ul << 20) /* one 4 KiB-leaf page table's reach */
#define BOOT_SLOTS 128

struct region {
	uint64_t start, size;
	uint64_t commit_limit; /* lazy: bytes from start that may be committed */
	uint64_t committed;    /* pages with a frame */
	uint64_t promised;     /* lazy: pages promised (the limit, in pages) */
	uint64_t pending;      /* lazy: frames drawn by faults not finished */
	uint64_t gen;	       /* unique per region */
	unsigned flags;
	const char *name;
};

static struct region boot_slots[BOOT_SLOTS];

static struct spinlock lock = SPINLOCK_INIT;
static struct {
	struct pt pt;
	struct region *r; /* sorted by start; boot_slots or frames of its own */
	uint32_t n, cap;
	unsigned r_order; /* frames of r: 2^r_order, when it is not boot_slots */
	uint64_t lo, hi;  /* the dynamic window */
	struct rand rng;
	uint64_t gen;
	uint64_t faults_resolved;
	uint64_t table_pages; /* page-table pages from the frame allocator */
} vm;			      /* [lock] */

/* Called with the lock held (pt_map/pt_unmap/pt_populate). */
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
	vm.r = boot_slots;
	vm.cap = BOOT_SLOTS;
	vm.lo = layout_dynamic_start(bi->va_bits);
	vm.hi = layout_dynamic_end(bi->va_bits);
	rand_seed(&vm.rng, seed, 32);
	return 0;
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

/* Picks a random free place aligned to `align` (a power of two >= a
 * page); caller holds the lock. */
static int place(uint64_t size, uint64_t align, uint64_t *out)
{
	uint64_t lo = ALIGN_UP(vm.lo + PAGE_SIZE, align);
	if (size > vm.hi - lo || vm.hi - lo - size < 2 * PAGE_SIZE)
		return ERR_NOMEM;
	uint64_t slots = (vm.hi - lo - size - PAGE_SIZE) / align + 1;
	for (int tries = 0; tries < 64; tries++) {
		uint64_t va = lo + rand_below(&vm.rng, slots) * align;
		if (is_free(va, size)) {
			*out = va;
			return 0;
		}
	}
	/* Crowded: first fit after each region. */
	for (uint32_t i = 0; i <= vm.n; i++) {
		uint64_t va =
			i ? ALIGN_UP(vm.r[i - 1].start + vm.r[i - 1].size + PAGE_SIZE, align) : lo;
		if (is_free(va, size)) {
			*out = va;
			return 0;
		}
	}
	return ERR_NOMEM;
}

/* Makes room for one more region: the array doubles into frames of its own. */
static int reserve_slot(void)
{
	if (vm.n < vm.cap)
		return 0;
	uint64_t bytes = 2ull * vm.cap * sizeof(struct region), pa;
	unsigned order = 0;
	while ((FRAME_SIZE << order) < bytes)
		order++;
	int e = frame_alloc_order(order, &pa);
	if (e)
		return e;
	struct region *r = phys_to_virt(pa);
	memcpy(r, vm.r, vm.n * sizeof(*r));
	if (vm.r != boot_slots)
		frame_free_order((uint64_t)(uintptr_t)vm.r - phys_offset, vm.r_order);
	vm.r = r;
	vm.r_order = order;
	vm.cap = (uint32_t)((FRAME_SIZE << order) / sizeof(*r));
	return 0;
}

static int insert(struct region *nr)
{
	int e = reserve_slot();
	if (e)
		return e;
	uint32_t i = upper_bound(nr->start);
	memmove(&vm.r[i + 1], &vm.r[i], (vm.n - i) * sizeof(vm.r[0]));
	nr->gen = ++vm.gen;
	vm.r[i] = *nr;
	vm.n++;
	return 0;
}

/*
 * Gives frames back when the array is three quarters empty: it halves (or
 * moves back into boot_slots when they hold it), so a burst of regions (many
 * programs' code and stacks at once) leaves nothing held once they are
 * gone. Halving at a quarter, doubling when full: no size flips back and
 * forth. Out of frames, the array just stays as it is.
 */
static void shrink_slots(void)
{
	struct region *r = boot_slots;
	uint64_t pa;

	if (vm.r == boot_slots || vm.n > vm.cap / 4)
		return;
	if (vm.n > BOOT_SLOTS / 2) {
		if (vm.r_order == 0 || frame_alloc_order(vm.r_order - 1, &pa))
			return;
		r = phys_to_virt(pa);
	}
	memcpy(r, vm.r, vm.n * sizeof(*r));
	frame_free_order((uint64_t)(uintptr_t)vm.r - phys_offset, vm.r_order);
	if (r == boot_slots) {
		vm.cap = BOOT_SLOTS;
	} else {
		vm.r_order--;
		vm.cap = (uint32_t)((FRAME_SIZE << vm.r_order) / sizeof(*r));
	}
	vm.r = r;
}

static void remove_at(struct region *r)
{
	uint32_t i = (uint32_t)(r - vm.r);
	memmove(&vm.r[i], &vm.r[i + 1], (vm.n - i - 1) * sizeof(vm.r[0]));
	vm.n--;
	shrink_slots();
}

/*
 * Unmaps [start, start+size) and frees the frames behind it, in chunks: the
 * TLBs of every hart are flushed before a frame is freed, so no hart can
 * still reach a frame that has a new owner. Page tables left empty are
 * freed, also where nothing was mapped (a lazy region's tables are made
 * before its pages). Returns the frames freed. Caller holds the lock.
 */
static uint64_t unmap_and_free(uint64_t start, uint64_t size)
{
	enum { CHUNK = 64 };
	uint64_t freed = 0;
	for (uint64_t off = 0; off < size; off += CHUNK * PAGE_SIZE) {
		uint64_t n = MIN((size - off) / PAGE_SIZE, (uint64_t)CHUNK), pas[CHUNK];
		unsigned k = 0;
		for (uint64_t i = 0; i < n; i++)
			if (pt_translate(&vm.pt, start + off + i * PAGE_SIZE, &pas[k]) == 0)
				k++;
		pt_unmap(&vm.pt, start + off, n * PAGE_SIZE, 0, 0);
		if (!k)
			continue;
		arch_tlb_flush_range(start + off, n * PAGE_SIZE);
		for (unsigned i = 0; i < k; i++)
			frame_free(pas[i]);
		freed += k;
	}
	return freed;
}

static int check_flags(uint64_t size, unsigned flags)
{
	if (!size || (flags & VM_WRITE && flags & VM_EXEC) ||
	    !(flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return ERR_INVAL;
	return 0;
}

/* Maps a zeroed, charged frame at every unmapped page of [va, va+size) of
 * region r. Caller holds the lock. */
static int commit_range(struct region *r, uint64_t va, uint64_t size)
{
	for (uint64_t page = va; page < va + size; page += PAGE_SIZE) {
		uint64_t pa, pte;
		if (pt_lookup(&vm.pt, page, &pte, 0) == 0)
			continue;
		int e = frame_alloc(&pa);
		if (!e) {
			e = pt_map(&vm.pt, page, pa, PAGE_SIZE, pte_flags(r->flags), false);
			if (e)
				frame_free(pa);
		}
		if (e)
			return e;
		r->committed++;
	}
	return 0;
}

int vm_alloc(uint64_t size, unsigned flags, const char *name, uint64_t *va_out)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	int e = check_flags(size, flags);
	if (e)
		return e;
	bool irq = spin_lock(&lock);
	struct region nr = {
		.size = size, .commit_limit = size, .flags = flags & ~VM_LAZY, .name = name};
	e = place(size, PAGE_SIZE, &nr.start);
	if (!e)
		e = insert(&nr);
	if (e)
		goto out;
	struct region *r = find(nr.start);
	e = commit_range(r, nr.start, size);
	if (e) { /* undo: free what was mapped, drop the region */
		unmap_and_free(nr.start, size);
		remove_at(r);
		goto out;
	}
	*va_out = nr.start;
out:
	spin_unlock(&lock, irq);
	return e;
}

int vm_reserve(uint64_t size, unsigned flags, const char *name, uint64_t *va_out)
{
	uint64_t align = flags & VM_LAZY ? LAZY_ALIGN : PAGE_SIZE;
	if (size > UINT64_MAX - align)
		return ERR_INVAL;
	size = ALIGN_UP(size, align);
	int e = check_flags(size, flags & ~VM_LAZY);
	if (e)
		return e;
	bool irq = spin_lock(&lock);
	struct region nr = {.size = size, .flags = flags, .name = name};
	e = place(size, align, &nr.start);
	if (!e)
		e = insert(&nr);
	if (!e)
		*va_out = nr.start;
	spin_unlock(&lock, irq);
	return e;
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
		uint64_t pages = ALIGN_UP(limit, PAGE_SIZE) / PAGE_SIZE;
		uint64_t more = pages - r->promised;
		if (more && frame_promise(more)) {
			e = ERR_NOMEM;
		} else if (more &&
			   pt_populate(&vm.pt, va + r->promised * PAGE_SIZE, more * PAGE_SIZE)) {
			/* prune the tables made past those the region keeps */
			uint64_t kept = ALIGN_UP(r->promised * PAGE_SIZE, LAZY_ALIGN);
			pt_unmap(&vm.pt, va + kept, ALIGN_UP(limit, LAZY_ALIGN) - kept, 0, 0);
			frame_unpromise(more);
			e = ERR_NOMEM;
		} else {
			r->promised = pages;
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
	/* A lazy region has pages and tables only below its commit limit
	 * (which never shrinks): an 8 GiB WASM reservation is not walked page
	 * by page. */
	if (r->flags & VM_LAZY) {
		unmap_and_free(r->start, ALIGN_UP(r->promised * PAGE_SIZE, LAZY_ALIGN));
		frame_unpromise(r->promised - r->committed - r->pending);
	} else {
		unmap_and_free(r->start, r->size);
	}
	remove_at(r);
	spin_unlock(&lock, irq);
	return 0;
}

/* The backed region holding all of the page-aligned [va, va+size), or NULL. */
static struct region *backed_range(uint64_t va, uint64_t size)
{
	struct region *r = find(va);
	if (!r || (va | size) & (PAGE_SIZE - 1) || !size || (r->flags & VM_LAZY) ||
	    r->commit_limit != r->size || size > r->start + r->size - va)
		return 0;
	return r;
}

int vm_decommit(uint64_t va, uint64_t size)
{
	bool irq = spin_lock(&lock);
	struct region *r = backed_range(va, size);
	if (r)
		r->committed -= unmap_and_free(va, size);
	spin_unlock(&lock, irq);
	return r ? 0 : ERR_INVAL;
}

int vm_commit(uint64_t va, uint64_t size)
{
	bool irq = spin_lock(&lock);
	struct region *r = backed_range(va, size);
	int e = r ? commit_range(r, va, size) : ERR_INVAL;
	spin_unlock(&lock, irq);
	return e;
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

/* Whether an access is allowed by flags. */
static bool permits(unsigned flags, int is_write, int is_exec)
{
	if (is_write)
		return flags & VM_WRITE;
	if (is_exec)
		return flags & VM_EXEC;
	return flags & VM_READ;
}

/* Whether the page at va is mapped with the access's permission (lock
 * held): then the fault came from a stale TLB entry (RISC-V may cache a
 * missing translation), and retrying after a local flush is the fix. */
static bool mapped_for(uint64_t va, int is_write, int is_exec)
{
	uint64_t pte;
	if (pt_lookup(&vm.pt, va & ~(PAGE_SIZE - 1), &pte, 0))
		return false;
	if (is_write)
		return pte & PTE_W;
	return is_exec ? pte & PTE_X : pte & PTE_R;
}

/* The lazy region that may commit va now (lock held), or NULL. */
static struct region *lazy_target(uint64_t va, int is_write, int is_exec)
{
	struct region *r = find(va);
	if (!r || !(r->flags & VM_LAZY) || va - r->start >= r->commit_limit ||
	    !permits(r->flags, is_write, is_exec))
		return 0;
	return r;
}

/*
 * The frame is drawn (and zeroed) outside the lock, which is then held
 * only to check and map: faults on several harts (guests touching new
 * memory) do not queue behind one another's 4 KiB memsets.
 */
int vm_handle_fault(uint64_t va, int is_write, int is_exec)
{
	uint64_t page = va & ~(PAGE_SIZE - 1), pte, pa;
	bool irq = spin_lock(&lock);
	if (mapped_for(va, is_write, is_exec)) {
		spin_unlock(&lock, irq);
		arch_tlb_flush_local(page);
		return 0;
	}
	struct region *r = lazy_target(va, is_write, is_exec);
	if (!r || pt_lookup(&vm.pt, page, &pte, 0) == 0) { /* not ours, or mapped read-only */
		spin_unlock(&lock, irq);
		return ERR_FAULT;
	}
	uint64_t gen = r->gen;
	r->pending++;
	spin_unlock(&lock, irq);

	frame_alloc_promised(&pa);

	irq = spin_lock(&lock);
	r = find(va);
	bool used = false;
	int e = ERR_FAULT; /* freed meanwhile: vm_free counted the draw as used */
	if (r && r->gen == gen) {
		r->pending--;
		if (pt_lookup(&vm.pt, page, &pte, 0) == 0) {
			e = 0; /* committed by another hart meanwhile */
		} else {
			/* the tables were made with the limit: nothing to allocate */
			e = pt_map(&vm.pt, page, pa, PAGE_SIZE, pte_flags(r->flags), false);
			used = !e;
			r->committed += used;
			vm.faults_resolved += used;
		}
		if (!used)
			frame_unalloc_promised(pa); /* the lock orders it before vm_free */
	} else {
		frame_free(pa);
	}
	spin_unlock(&lock, irq);
	arch_tlb_flush_local(page);
	return e;
}

void vm_stats(struct vm_stats *out)
{
	*out = (struct vm_stats){0};
	bool irq = spin_lock(&lock);
	out->regions = vm.n;
	for (uint32_t i = 0; i < vm.n; i++) {
		const struct region *r = &vm.r[i];
		out->reserved_bytes += r->size;
		out->committed_pages += r->committed;
		if (r->flags & VM_LAZY) {
			out->lazy_committed += r->committed;
			out->lazy_promised += r->promised - r->committed - r->pending;
		}
	}
	out->faults_resolved = vm.faults_resolved;
	out->table_pages = vm.table_pages;
	spin_unlock(&lock, irq);
}

void vm_region_usage(uint64_t va, uint64_t *committed, uint64_t *promised)
{
	bool irq = spin_lock(&lock);
	struct region *r = find(va);
	bool ok = r && r->start == va;
	*committed = ok ? r->committed : 0;
	*promised = ok && (r->flags & VM_LAZY) ? r->promised - r->committed - r->pending : 0;
	spin_unlock(&lock, irq);
}
