/*
 * boot_test.c - in-kernel tests of what the loader hands over: the memory
 * map, the kernel's text and the initrd used where QEMU loaded them, and a
 * hart that OpenSBI sent to the loader's entry (loader/entry.S).
 */
#include "base/test.h"
#include "core/boot_info.h"
#include "core/cpu.h"
#include "fs/kvfs.h"
#include "core/kmain.h"
#include "mem/frame.h"
#include "mem/vm.h"
#include "tests/ktest.h"

/* The region holding pa, or NULL. */
static const struct boot_region *region_of(uint64_t pa)
{
	for (uint32_t i = 0; i < kg.bi->n_regions; i++)
		if (pa >= kg.bi->regions[i].start && pa < kg.bi->regions[i].end)
			return &kg.bi->regions[i];
	return NULL;
}

/* The test image's loader starts its last hart at _start, as OpenSBI 1.1's
 * hart_start race can: it must come online like the others. */
TEST(boot, hart_started_at_the_loader_entry_came_online)
{
	uint64_t others = kg.bi->cpu_mask & ~(1ull << kg.bi->boot_hart);
	uint64_t last = others ? 1ull << (63 - __builtin_clzll(others)) : 0;
	EXPECT_EQ_U(kg.bi->stray_harts, last);
	for (uint32_t i = 0; i < ncpus; i++)
		if ((1ull << cpus[i].hartid) == last)
			EXPECT(cpus[i].online);
}

TEST(boot, memory_map_regions_are_disjoint)
{
	const struct boot_info *bi = kg.bi;
	for (uint32_t i = 0; i < bi->n_regions; i++) {
		const struct boot_region *a = &bi->regions[i];
		EXPECT_LT(a->start, a->end);
		EXPECT_EQ_U((a->start | a->end) & (FRAME_SIZE - 1), 0);
		for (uint32_t j = 0; j < i; j++) {
			const struct boot_region *b = &bi->regions[j];
			EXPECT(a->end <= b->start || b->end <= a->start);
		}
	}
}

/* Text and initrd are mapped in the loaded image (KERNEL regions between
 * the LOADER ones that the kernel freed), not in a copy. */
TEST(boot, text_and_initrd_are_used_in_place)
{
	const struct boot_info *bi = kg.bi;
	uint64_t lo = UINT64_MAX, hi = 0, pa;
	for (uint32_t i = 0; i < bi->n_regions; i++)
		if (bi->regions[i].kind == BOOT_REGION_LOADER) {
			lo = MIN(lo, bi->regions[i].start);
			hi = MAX(hi, bi->regions[i].end);
		}
	EXPECT_LT(lo, hi);

	if (EXPECT_OK(vm_translate(bi->kernel_text_start, &pa))) {
		EXPECT_EQ_U(pa, bi->kernel_text_phys);
		EXPECT(pa > lo && pa < hi);
		const struct boot_region *r = region_of(pa);
		EXPECT(r && r->kind == BOOT_REGION_KERNEL);
	}
	size_t len;
	const void *cpio = kvfs_initrd(&len);
	if (EXPECT_OK(vm_translate((uint64_t)(uintptr_t)cpio, &pa))) {
		EXPECT(pa > lo && pa + len < hi);
		const struct boot_region *r = region_of(pa);
		EXPECT(r && r->kind == BOOT_REGION_KERNEL);
	}
}
