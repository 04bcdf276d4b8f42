/* rvpt_test.c - host tests of the riscv64 page-table code (kernel/arch/riscv64/pt.c). */
#include <stdlib.h>
#include <string.h>

#include "../../kernel/arch/riscv64/pt.h"
#include "base/err.h"
#include "base/test.h"

struct arena {
	int used, max;
};

static int alloc_table(void *arg, uint64_t *phys)
{
	struct arena *a = arg;
	if (a->used >= a->max)
		return ERR_NOMEM;
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!p)
		return ERR_NOMEM;
	memset(p, 0, PAGE_SIZE);
	a->used++;
	*phys = (uint64_t)(uintptr_t)p;
	return 0;
}

/* Frees every table page below root (leaves point to fake physical addresses). */
static void free_tables(uint64_t table, unsigned level)
{
	uint64_t *t = (uint64_t *)(uintptr_t)table;
	for (int i = 0; i < 512 && level > 0; i++)
		if ((t[i] & PTE_V) && !(t[i] & PTE_RWX))
			free_tables(((t[i] >> 10) & ((1ul << 44) - 1)) << 12, level - 1);
	free(t);
}

static void make_pt(struct pt *pt, struct arena *a, unsigned levels)
{
	*a = (struct arena){0, 1000};
	*pt = (struct pt){.levels = levels, .alloc_table = alloc_table, .arg = a};
	alloc_table(a, &pt->root);
}

#define HI39 0xffffffc000000000ul
#define HI48 0xffff800000000000ul

TEST(rvpt, map_lookup_unmap_4k)
{
	struct pt pt;
	struct arena a;
	make_pt(&pt, &a, 3);
	EXPECT_OK(pt_map(&pt, HI39 + 0x5000, 0x80005000, 3 * PAGE_SIZE, PTE_R | PTE_W, true));
	uint64_t pa, pte, sz;
	EXPECT_OK(pt_translate(&pt, HI39 + 0x6123, &pa));
	EXPECT_EQ_U(pa, 0x80006123);
	EXPECT_OK(pt_lookup(&pt, HI39 + 0x7000, &pte, &sz));
	EXPECT_EQ(sz, PAGE_SIZE);
	EXPECT_EQ(pte & (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_V),
		  PTE_R | PTE_W | PTE_A | PTE_D | PTE_V);
	EXPECT_EQ(pt_translate(&pt, HI39 + 0x8000, &pa), ERR_NOENT);
	/* mapping over an existing page fails */
	EXPECT_EQ(pt_map(&pt, HI39 + 0x7000, 0x1000, PAGE_SIZE, PTE_R, true), ERR_EXIST);
	EXPECT_OK(pt_protect(&pt, HI39 + 0x5000, PAGE_SIZE, PTE_R | PTE_X));
	EXPECT_OK(pt_lookup(&pt, HI39 + 0x5000, &pte, &sz));
	EXPECT_EQ(pte & PTE_RWX, PTE_R | PTE_X);
	/* protect of a range with a hole changes nothing */
	EXPECT_EQ(pt_protect(&pt, HI39 + 0x7000, 2 * PAGE_SIZE, PTE_R), ERR_NOENT);
	EXPECT_OK(pt_lookup(&pt, HI39 + 0x7000, &pte, &sz));
	EXPECT_EQ(pte & PTE_RWX, PTE_R | PTE_W);
	EXPECT_OK(pt_unmap(&pt, HI39 + 0x5000, 3 * PAGE_SIZE, 0, 0));
	EXPECT_EQ(pt_translate(&pt, HI39 + 0x5000, &pa), ERR_NOENT);
	EXPECT_EQ(pt_translate(&pt, HI39 + 0x7000, &pa), ERR_NOENT);
	free_tables(pt.root, 2);
}

TEST(rvpt, huge_pages_and_splitting_rules)
{
	struct pt pt;
	struct arena a;
	make_pt(&pt, &a, 4);
	/* 1 GiB + 2 MiB + 4 KiB, aligned so the largest pages are used */
	uint64_t size = (1ul << 30) + (2ul << 20) + PAGE_SIZE;
	EXPECT_OK(pt_map(&pt, HI48, 0, size, PTE_R | PTE_W, true));
	uint64_t pte, sz;
	EXPECT_OK(pt_lookup(&pt, HI48 + 12345, &pte, &sz));
	EXPECT_EQ(sz, 1ul << 30);
	EXPECT_OK(pt_lookup(&pt, HI48 + (1ul << 30) + 5, &pte, &sz));
	EXPECT_EQ(sz, 2ul << 20);
	EXPECT_OK(pt_lookup(&pt, HI48 + (1ul << 30) + (2ul << 20), &pte, &sz));
	EXPECT_EQ(sz, PAGE_SIZE);
	EXPECT_EQ(a.used, 4); /* root, l2, l1, l0 */
	/* unmapping half of a huge page is refused, nothing changes */
	EXPECT_EQ(pt_unmap(&pt, HI48, PAGE_SIZE, 0, 0), ERR_INVAL);
	EXPECT_OK(pt_lookup(&pt, HI48, &pte, &sz));
	/* non-canonical and misaligned addresses */
	EXPECT_EQ(pt_map(&pt, 0x0000900000000000ul, 0, PAGE_SIZE, PTE_R, true), ERR_INVAL);
	EXPECT_EQ(pt_map(&pt, HI48 + 1, 0, PAGE_SIZE, PTE_R, true), ERR_INVAL);
	EXPECT_EQ(pt_map(&pt, HI48 + (4ul << 30), 0, PAGE_SIZE, 0, true), ERR_INVAL);
	free_tables(pt.root, 3);
}

static void count_cb(void *arg, uint64_t va, uint64_t pa)
{
	(void)va;
	(void)pa;
	(*(int *)arg)++;
}

TEST(rvpt, unmap_callback_and_oom)
{
	struct pt pt;
	struct arena a;
	make_pt(&pt, &a, 3);
	EXPECT_OK(pt_map(&pt, HI39 + (2ul << 20), 0x80200000, 2ul << 20, PTE_R, true));
	int n = 0;
	EXPECT_OK(pt_unmap(&pt, HI39, 8ul << 20, count_cb, &n));
	EXPECT_EQ(n, 512);
	a.max = a.used; /* no more table pages */
	EXPECT_EQ(pt_map(&pt, HI39 + (40ul << 30), 0x1000, PAGE_SIZE, PTE_R, true), ERR_NOMEM);
	free_tables(pt.root, 2);
}

static int freed_tables;
static void free_table(void *arg, uint64_t phys)
{
	struct arena *a = arg;
	a->used--;
	freed_tables++;
	free((void *)(uintptr_t)phys);
}

TEST(rvpt, unmap_frees_empty_tables)
{
	struct pt pt;
	struct arena a;
	make_pt(&pt, &a, 4);
	pt.free_table = free_table;
	freed_tables = 0;
	/* two pages in one l0 table, one far away in another subtree */
	EXPECT_OK(pt_map(&pt, HI48 + 0x1000, 0x1000, 2 * PAGE_SIZE, PTE_R, true));
	EXPECT_OK(pt_map(&pt, HI48 + (3ul << 39), 0x5000, PAGE_SIZE, PTE_R, true));
	EXPECT_EQ(a.used, 7); /* root + 3 for each mapping */
	EXPECT_OK(pt_unmap(&pt, HI48 + 0x1000, PAGE_SIZE, 0, 0));
	EXPECT_EQ(freed_tables, 0); /* l0 still holds the second page */
	EXPECT_OK(pt_unmap(&pt, HI48 + 0x2000, PAGE_SIZE, 0, 0));
	EXPECT_EQ(freed_tables, 3);
	EXPECT_EQ(a.used, 4);
	uint64_t pa;
	EXPECT_OK(pt_translate(&pt, HI48 + (3ul << 39), &pa)); /* the other survives */
	EXPECT_OK(pt_unmap(&pt, HI48, 4ul << 39, 0, 0));
	EXPECT_EQ(a.used, 1); /* only the root */
	free_tables(pt.root, 3);
}

TEST(rvpt, populate_makes_the_tables_a_later_map_needs)
{
	struct pt pt;
	struct arena a;
	make_pt(&pt, &a, 4);
	pt.free_table = free_table;
	freed_tables = 0;
	/* 3 MiB starting 1 MiB into a 2 MiB unit: two l0 tables, one l1, one l2 */
	EXPECT_OK(pt_populate(&pt, HI48 + (1ul << 20), 3ul << 20));
	EXPECT_EQ(a.used, 5);
	a.max = a.used; /* from now on no table may be allocated */
	EXPECT_OK(pt_map(&pt, HI48 + (1ul << 20), 0x1000, PAGE_SIZE, PTE_R | PTE_W, false));
	EXPECT_OK(pt_map(&pt, HI48 + (4ul << 20) - PAGE_SIZE, 0x2000, PAGE_SIZE, PTE_R, false));
	EXPECT_EQ(pt_map(&pt, HI48 + (4ul << 20), 0x3000, PAGE_SIZE, PTE_R, false), ERR_NOMEM);
	EXPECT_OK(pt_populate(&pt, HI48, 4ul << 20)); /* again: nothing new */
	EXPECT_EQ(a.used, 5);
	/* unmapping the range prunes the populated tables, mapped or not */
	EXPECT_OK(pt_unmap(&pt, HI48, 4ul << 20, 0, 0));
	EXPECT_EQ(freed_tables, 4);
	EXPECT_EQ(pt_populate(&pt, HI48 + 1, PAGE_SIZE), ERR_INVAL);
	a.max = 1000;
	EXPECT_OK(pt_map(&pt, HI48 + (1ul << 30), 1ul << 30, 1ul << 30, PTE_R, true));
	EXPECT_EQ(pt_populate(&pt, HI48 + (1ul << 30), PAGE_SIZE), ERR_EXIST); /* a huge leaf */
	free_tables(pt.root, 3);
}
