/*
 * kheap.c - the kernel heap (see kheap.h).
 *
 * The lock is a spinlock because the heap is tiny-critical-section work;
 * growing, shrinking, committing and decommitting map and unmap pages under
 * it, which the VM layer does without calling back into the heap.
 *
 * The first chunk is the boot allocator's, reached through the physical
 * memory map with huge pages: it cannot be unmapped page by page, so
 * decommitting inside it does nothing (the bytes are counted, so the
 * statistics still say what is committed) and it is never given back; if
 * the heap releases it, the next growth takes it again.
 */
#include "mem/kheap.h"

#include "base/err.h"
#include "mem/bump.h"
#include "mem/frame.h"
#include "mem/heap.h"
#include "mem/vm.h"
#include "core/spinlock.h"

static struct spinlock lock = SPINLOCK_INIT;
static struct heap heap; /* [lock] */
static struct {
	uint8_t *boot; /* the boot chunk */
	size_t boot_size;
	bool boot_in_use; /* the heap holds it */
	size_t boot_kept; /* bytes the heap decommitted there, still mapped */
	bool vm;	  /* growth through the VM layer has begun */
} src;			  /* [lock] */

static bool in_boot_chunk(const void *p)
{
	return (const uint8_t *)p >= src.boot && (const uint8_t *)p < src.boot + src.boot_size;
}

static int grow(void *arg, size_t min_bytes, void **base, size_t *bytes)
{
	(void)arg;
	if (!src.boot_in_use && min_bytes <= src.boot_size) {
		src.boot_in_use = true;
		*base = src.boot;
		*bytes = src.boot_size;
		return 0;
	}
	if (!src.vm)
		return ERR_NOMEM;
	size_t size = ALIGN_UP(min_bytes, FRAME_SIZE);
	uint64_t va;
	int e = vm_alloc(size, VM_READ | VM_WRITE, "heap", &va);
	if (e)
		return e;
	*base = (void *)(uintptr_t)va;
	*bytes = size;
	return 0;
}

static void release(void *arg, void *base, size_t bytes)
{
	(void)arg;
	(void)bytes;
	if (in_boot_chunk(base)) {
		src.boot_in_use = false;
		src.boot_kept = 0;
	} else {
		vm_free((uint64_t)(uintptr_t)base);
	}
}

static void decommit(void *arg, void *addr, size_t bytes)
{
	(void)arg;
	if (in_boot_chunk(addr))
		src.boot_kept += bytes;
	else
		vm_decommit((uint64_t)(uintptr_t)addr, bytes);
}

static int commit(void *arg, void *addr, size_t bytes)
{
	(void)arg;
	if (!in_boot_chunk(addr))
		return vm_commit((uint64_t)(uintptr_t)addr, bytes);
	src.boot_kept -= bytes; /* the heap commits only what it decommitted */
	return 0;
}

static const struct heap_ops ops = {
	.grow = grow,
	.release = release,
	.decommit = decommit,
	.commit = commit,
	.page_size = FRAME_SIZE,
};

int kheap_init(struct bump *boot, size_t initial)
{
	uint64_t pa;
	int e = bump_alloc(boot, initial, FRAME_SIZE, &pa);
	if (e)
		return e;
	src.boot = phys_to_virt(pa);
	src.boot_size = initial;
	heap_init(&heap, &ops, 0);
	return 0;
}

void kheap_use_vm(void)
{
	bool irq = spin_lock(&lock);
	src.vm = true;
	spin_unlock(&lock, irq);
}

void *kheap_alloc(size_t size, size_t align)
{
	bool irq = spin_lock(&lock);
	void *p = heap_alloc(&heap, size, align);
	if (!p && heap_trim(&heap)) /* free pages elsewhere may let it grow */
		p = heap_alloc(&heap, size, align);
	spin_unlock(&lock, irq);
	return p;
}

void kheap_free(void *p)
{
	if (!p)
		return;
	bool irq = spin_lock(&lock);
	heap_free(&heap, p);
	spin_unlock(&lock, irq);
}

void *kheap_realloc(void *p, size_t size)
{
	bool irq = spin_lock(&lock);
	void *q = heap_realloc(&heap, p, size);
	if (!q && size && heap_trim(&heap))
		q = heap_realloc(&heap, p, size);
	spin_unlock(&lock, irq);
	return q;
}

size_t kheap_trim(void)
{
	bool irq = spin_lock(&lock);
	size_t n = heap_trim(&heap);
	spin_unlock(&lock, irq);
	return n;
}

void kheap_stats(struct kheap_stats *out)
{
	struct heap_stats s;
	bool irq = spin_lock(&lock);
	heap_stats(&heap, &s);
	s.bytes_committed += src.boot_kept;
	spin_unlock(&lock, irq);
	out->in_use = s.bytes_in_use;
	out->free = s.bytes_free;
	out->total = s.bytes_total;
	out->committed = s.bytes_committed;
	out->chunks = s.chunks;
	out->allocs = s.allocs;
}
