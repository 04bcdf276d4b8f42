/*
 * kheap.c - the kernel heap (see kheap.h).
 *
 * The lock is a spinlock because the heap is tiny-critical-section work;
 * growth maps pages under it, which the VM layer does without calling back
 * into the heap.
 */
#include "mem/kheap.h"

#include "base/err.h"
#include "mem/bump.h"
#include "mem/frame.h"
#include "mem/heap.h"
#include "mem/vm.h"
#include "spinlock.h"

#define GROW_MIN (256 * 1024)

static struct spinlock lock = SPINLOCK_INIT;
static struct heap heap; /* [lock] */
static struct {
	void *initial;
	size_t initial_size;
	bool vm;
} src;

static int grow(void *arg, size_t min_bytes, void **base, size_t *bytes)
{
	(void)arg;
	if (src.initial) { /* the first call hands over the boot chunk */
		*base = src.initial;
		*bytes = src.initial_size;
		src.initial = 0;
		return 0;
	}
	if (!src.vm)
		return ERR_NOMEM;
	size_t size = ALIGN_UP(MAX(min_bytes, (size_t)GROW_MIN), FRAME_SIZE);
	uint64_t va;
	int e = vm_alloc(size, VM_READ | VM_WRITE, "heap", &va);
	if (e)
		return e;
	*base = (void *)(uintptr_t)va;
	*bytes = size;
	return 0;
}

static const struct heap_ops heap_ops = {.grow = grow, .page_size = FRAME_SIZE};

int kheap_init(struct bump *boot, size_t initial)
{
	uint64_t pa;
	int e = bump_alloc(boot, initial, FRAME_SIZE, &pa);
	if (e)
		return e;
	src.initial = phys_to_virt(pa);
	src.initial_size = initial;
	heap_init(&heap, &heap_ops, 0);
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
	spin_unlock(&lock, irq);
	return q;
}

size_t kheap_trim(void)
{
	return 0; /* TEMPORARY until the heap gives memory back */
}

void kheap_stats(struct kheap_stats *out)
{
	struct heap_stats s;
	bool irq = spin_lock(&lock);
	heap_stats(&heap, &s);
	spin_unlock(&lock, irq);
	out->in_use = s.bytes_in_use;
	out->free = s.bytes_free;
	out->total = s.bytes_total;
	out->committed = s.bytes_total;
	out->chunks = 0;
	out->allocs = s.allocs;
}
