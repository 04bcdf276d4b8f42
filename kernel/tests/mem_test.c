/* mem_test.c - in-kernel tests of the frame allocator, heap and VM layer. */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "base/err.h"
#include "base/test.h"
#include "core/kmain.h"
#include "mem/buddy.h"
#include "mem/frame.h"
#include "mem/kheap.h"
#include "mem/layout.h"
#include "mem/vm.h"
#include "tests/ktest.h"

TEST(frame, alloc_free_zeroed_and_counted)
{
	uint64_t before = ktest_free_frames();
	uint64_t pa[64];
	for (int i = 0; i < 64; i++) {
		if (!EXPECT_OK(frame_alloc(&pa[i])))
			return;
		EXPECT_EQ(pa[i] & (FRAME_SIZE - 1), 0);
		uint64_t *p = phys_to_virt(pa[i]);
		bool zero = true;
		for (int j = 0; j < 512; j++)
			zero &= p[j] == 0;
		EXPECT(zero);
		p[0] = 0xdeadbeef; /* dirty it: the next owner must still see zeros */
	}
	for (int i = 0; i < 64; i++)
		for (int j = i + 1; j < 64; j++)
			EXPECT_NE(pa[i], pa[j]);
	for (int i = 0; i < 64; i++)
		frame_free(pa[i]);
	EXPECT_EQ(ktest_free_frames(), before);
}

TEST(frame, freed_frames_are_poisoned)
{
	uint64_t pa;
	if (!EXPECT_OK(frame_alloc_order(0, &pa)))
		return;
	frame_free_order(pa, 0);
	uint8_t *p = phys_to_virt(pa);
	/* the buddy allocator's own links may sit in the first bytes */
	EXPECT_EQ(p[FRAME_SIZE - 1], FRAME_POISON);
	EXPECT_EQ(p[FRAME_SIZE / 2], FRAME_POISON);
}

TEST(frame, orders_aligned_and_exhaustion_recovers)
{
	uint64_t pa;
	if (!EXPECT_OK(frame_alloc_order(4, &pa)))
		return;
	EXPECT_EQ(pa & ((FRAME_SIZE << 4) - 1), 0);
	frame_free_order(pa, 4);
	/* more than RAM (but a valid order): fails cleanly; a bad order is refused */
	EXPECT_EQ(frame_alloc_order(BUDDY_MAX_ORDER, &pa), ERR_NOMEM);
	EXPECT_EQ(frame_alloc_order(BUDDY_MAX_ORDER + 1, &pa), ERR_INVAL);
}

TEST(heap, malloc_free_realloc)
{
	struct kheap_stats a, b;
	kheap_stats(&a);
	char *p = malloc(100);
	if (!EXPECT(p != 0))
		return;
	memset(p, 'x', 100);
	p = realloc(p, 10000);
	if (!EXPECT(p != 0))
		return;
	EXPECT_EQ(p[99], 'x');
	void *q = aligned_alloc(4096, 64);
	EXPECT_EQ((uintptr_t)q & 4095, 0);
	free(q);
	free(p);
	kheap_stats(&b);
	EXPECT_EQ(b.in_use, a.in_use);
	EXPECT(calloc((size_t)1 << 62, 16) == 0); /* overflow is refused */
}

TEST(heap, grows_through_vm)
{
	/* More than the initial heap: forces growth at random addresses. */
	enum { N = 24 };
	void *p[N];
	struct kheap_stats a, b;
	kheap_stats(&a);
	for (int i = 0; i < N; i++) {
		p[i] = malloc(256 * 1024);
		if (!EXPECT(p[i] != 0))
			return;
		memset(p[i], i, 256 * 1024);
	}
	kheap_stats(&b);
	EXPECT_GT(b.total, a.total);
	for (int i = 0; i < N; i++) {
		EXPECT_EQ(((uint8_t *)p[i])[256 * 1024 - 1], i);
		free(p[i]);
	}
}

TEST(vm, map_unmap_protect)
{
	uint64_t va, pa, pa2, v;
	if (!EXPECT_OK(vm_alloc(3 * FRAME_SIZE, VM_READ | VM_WRITE, "test", &va)))
		return;
	EXPECT_GE(va, layout_dynamic_start(kg.bi->va_bits));
	EXPECT_LT(va, layout_dynamic_end(kg.bi->va_bits));
	EXPECT_OK(vm_translate(va + FRAME_SIZE + 8, &pa));
	*(volatile uint64_t *)(uintptr_t)(va + FRAME_SIZE + 8) = 42;
	EXPECT_EQ(*(uint64_t *)phys_to_virt(pa), 42); /* same frame through the physical map */
	/* read-only: writes now fault, reads still work */
	EXPECT_OK(vm_protect(va, 3 * FRAME_SIZE, VM_READ));
	EXPECT_EQ(arch_probe_write64((void *)(uintptr_t)va, 1), ERR_FAULT);
	EXPECT_OK(arch_probe_read64((void *)(uintptr_t)(va + FRAME_SIZE + 8), &v));
	EXPECT_EQ(v, 42);
	EXPECT_OK(vm_protect(va, 3 * FRAME_SIZE, VM_READ | VM_WRITE));
	EXPECT_OK(arch_probe_write64((void *)(uintptr_t)va, 1));
	/* W+X is refused */
	EXPECT_EQ(vm_protect(va, FRAME_SIZE, VM_WRITE | VM_EXEC), ERR_INVAL);
	EXPECT_OK(vm_free(va));
	EXPECT_EQ(vm_translate(va, &pa2), ERR_NOENT);
	EXPECT_EQ(arch_probe_read64((void *)(uintptr_t)va, &v), ERR_FAULT);
	EXPECT_EQ(vm_free(va), ERR_NOENT);
}

TEST(vm, guard_pages_between_regions)
{
	uint64_t a, b, v;
	if (!EXPECT_OK(vm_alloc(FRAME_SIZE, VM_READ | VM_WRITE, "a", &a)) ||
	    !EXPECT_OK(vm_alloc(FRAME_SIZE, VM_READ | VM_WRITE, "b", &b)))
		return;
	EXPECT_EQ(arch_probe_read64((void *)(uintptr_t)(a + FRAME_SIZE), &v), ERR_FAULT);
	EXPECT_EQ(arch_probe_read64((void *)(uintptr_t)(a - 8), &v), ERR_FAULT);
	EXPECT_NE(a, b);
	vm_free(a);
	vm_free(b);
}

TEST(vm, placement_is_random)
{
	uint64_t v[8];
	int distinct_gaps = 0;
	for (int i = 0; i < 8; i++)
		if (!EXPECT_OK(vm_alloc(FRAME_SIZE, VM_READ, "rnd", &v[i])))
			return;
	for (int i = 1; i < 8; i++)
		distinct_gaps += v[i] != v[i - 1] + 2 * FRAME_SIZE;
	EXPECT_GT(distinct_gaps, 4); /* not packed one after another */
	for (int i = 0; i < 8; i++)
		vm_free(v[i]);
}

TEST(vm, page_fault_is_caught)
{
	uint64_t v;
	/* an unmapped kernel address */
	uint64_t hole = layout_dynamic_end(kg.bi->va_bits) - FRAME_SIZE;
	EXPECT_EQ(arch_probe_read64((void *)(uintptr_t)hole, &v), ERR_FAULT);
	EXPECT_STREQ(arch_last_probe_cause(), "load page fault");
	EXPECT_EQ(arch_probe_write64((void *)(uintptr_t)hole, 5), ERR_FAULT);
	EXPECT_STREQ(arch_last_probe_cause(), "store/AMO page fault");
}

TEST(vm, lazy_commit)
{
	uint64_t va, pa, v;
	uint64_t before = ktest_free_frames();
	if (!EXPECT_OK(vm_reserve(64 * FRAME_SIZE, VM_READ | VM_WRITE | VM_LAZY, "lazy", &va)))
		return;
	EXPECT_EQ(vm_translate(va, &pa), ERR_NOENT);
	/* beyond the commit limit: a fault the kernel survives */
	EXPECT_EQ(arch_probe_read64((void *)(uintptr_t)va, &v), ERR_FAULT);
	EXPECT_OK(vm_set_commit_limit(va, 16 * FRAME_SIZE));
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)va;
	EXPECT_EQ(p[0], 0); /* first touch commits a zeroed page */
	p[513] = 7;	    /* second page */
	EXPECT_EQ(p[513], 7);
	EXPECT_OK(vm_translate(va, &pa));
	EXPECT_OK(vm_translate(va + FRAME_SIZE, &pa));
	EXPECT_EQ(vm_translate(va + 2 * FRAME_SIZE, &pa), ERR_NOENT);
	EXPECT_EQ(arch_probe_write64((void *)(uintptr_t)(va + 16 * FRAME_SIZE), 1), ERR_FAULT);
	EXPECT_EQ(vm_set_commit_limit(va, 8 * FRAME_SIZE), ERR_RANGE); /* no shrinking */
	EXPECT_OK(vm_free(va));
	EXPECT_EQ(ktest_free_frames(), before);
}

/* A lazy region's pages are promised when its limit is raised; touching
 * draws on the promise; freeing gives back both. A limit the budget cannot
 * promise is refused without changing anything. */
TEST(vm, lazy_limits_are_promises)
{
	uint64_t va;
	struct frame_stats f0, f1, f2;
	struct vm_stats v;
	uint64_t before = ktest_free_frames();
	frame_stats(&f0);
	if (!EXPECT_OK(vm_reserve(1ull << 33, VM_READ | VM_WRITE | VM_LAZY, "lazy", &va)))
		return;
	EXPECT_EQ(va % (2 << 20), 0); /* lazy regions own their page tables */
	EXPECT_EQ(vm_set_commit_limit(va, (f0.available + 1) * FRAME_SIZE), ERR_NOMEM);
	frame_stats(&f1);
	EXPECT_EQ(f1.promised, f0.promised);
	EXPECT_OK(vm_set_commit_limit(va, 100 * FRAME_SIZE));
	frame_stats(&f1);
	EXPECT_EQ(f1.promised, f0.promised + 100);
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)va;
	for (int i = 0; i < 10; i++)
		p[i * FRAME_SIZE] = 1;
	frame_stats(&f2);
	EXPECT_EQ(f2.promised, f0.promised + 90);
	vm_stats(&v);
	EXPECT_EQ(v.lazy_promised, 90);
	EXPECT_EQ(v.lazy_committed, 10);
	EXPECT_OK(vm_free(va));
	frame_stats(&f2);
	EXPECT_EQ(f2.promised, f0.promised);
	EXPECT_EQ(ktest_free_frames(), before);
}

/* Pages of a backed region go back to the frame allocator and return
 * zeroed; the region stays. */
TEST(vm, decommit_and_commit)
{
	uint64_t va, pa;
	uint64_t before = ktest_free_frames();
	if (!EXPECT_OK(vm_alloc(8 * FRAME_SIZE, VM_READ | VM_WRITE, "dc", &va)))
		return;
	memset((void *)(uintptr_t)va, 0xab, 8 * FRAME_SIZE);
	uint64_t mid = ktest_free_frames();
	EXPECT_OK(vm_decommit(va + 2 * FRAME_SIZE, 4 * FRAME_SIZE));
	EXPECT_EQ(ktest_free_frames(), mid + 4);
	EXPECT_EQ(vm_translate(va + 3 * FRAME_SIZE, &pa), ERR_NOENT);
	EXPECT_OK(vm_translate(va + 6 * FRAME_SIZE, &pa));
	EXPECT_OK(vm_decommit(va + 2 * FRAME_SIZE, 4 * FRAME_SIZE));		/* again: nothing */
	EXPECT_EQ(vm_decommit(va + 7 * FRAME_SIZE, 2 * FRAME_SIZE), ERR_INVAL); /* past it */
	EXPECT_EQ(vm_decommit(va + 1, FRAME_SIZE), ERR_INVAL);
	EXPECT_OK(vm_commit(va, 8 * FRAME_SIZE));
	EXPECT_EQ(ktest_free_frames(), mid);
	const uint8_t *b = (const uint8_t *)(uintptr_t)va;
	EXPECT_EQ(b[FRAME_SIZE], 0xab);
	EXPECT_EQ(b[3 * FRAME_SIZE], 0); /* recommitted zeroed */
	EXPECT_EQ(b[6 * FRAME_SIZE], 0xab);
	EXPECT_OK(vm_free(va));
	EXPECT_EQ(ktest_free_frames(), before);
}

static void kernel_text_marker(void)
{
}

TEST(vm, kernel_text_is_not_writable)
{
	uint64_t text = (uint64_t)(uintptr_t)kernel_text_marker;
	uint64_t v;
	EXPECT_GE(text, kg.bi->kernel_text_start);
	EXPECT_LT(text, kg.bi->kernel_text_end);
	EXPECT_OK(arch_probe_read64((void *)(uintptr_t)(text & ~7ull), &v));
	EXPECT_EQ(arch_probe_write64((void *)(uintptr_t)(text & ~7ull), v), ERR_FAULT);
	EXPECT_STREQ(arch_last_probe_cause(), "store/AMO page fault");
	/* nor through its alias in the physical map */
	uint64_t pa;
	if (!EXPECT_OK(vm_translate(text, &pa)))
		return;
	EXPECT_EQ(arch_probe_write64(phys_to_virt(pa & ~7ull), v), ERR_FAULT);
	/* and rodata is read-only too */
	static const uint64_t ro = 1;
	EXPECT_EQ(arch_probe_write64((void *)(uintptr_t)&ro, 2), ERR_FAULT);
}

TEST(vm, kernel_is_in_the_kaslr_window)
{
	const struct boot_info *bi = kg.bi;
	EXPECT_GE(bi->kernel_virt_start, layout_kernel_start(bi->va_bits));
	EXPECT_LE(bi->kernel_virt_end, layout_kernel_end());
	/* linked in the window too, where nokaslr places it */
	uint64_t link = bi->kernel_virt_start - bi->kernel_slide;
	EXPECT_EQ(link % PAGE_SIZE, 0);
	EXPECT_GE(link, layout_kernel_start(bi->va_bits));
	EXPECT_LT(link, layout_kernel_end());
	EXPECT_EQ_U((uint64_t)(uintptr_t)kernel_text_marker - bi->kernel_virt_start <
			    bi->kernel_virt_end - bi->kernel_virt_start,
		    1);
}
