/*
 * boot_info.h - what the loader hands the kernel.
 *
 * The loader fills one `struct boot_info` in physical memory that the kernel
 * reaches through the physical-memory map (VA = PA + phys_offset) and passes
 * its virtual address to every hart's kernel_start(hartid, info, boot_ticks).
 *
 * Regions are disjoint, page aligned, and need not be sorted or merged.
 * USABLE is free RAM. KERNEL is in use for good: the kernel's segments (text
 * and rodata, with the initrd, where QEMU loaded them; data and bss copied),
 * page tables, stacks, this struct, the symbol names. LOADER is the rest of
 * the loaded image (the loader, the kernel ELF's headers, initial data and
 * symbol table): read until every hart runs in the kernel and the
 * symbolizer has read `symtab`, then the kernel's to free. FDT is the
 * device tree blob.
 */
#pragma once

#include <stdint.h>

#include "base/compiler.h"
#include "fdt/fdt.h"

#define BOOT_INFO_MAGIC	 0x4f4f425453414d57ull /* "WMASTBOO" */
#define BOOT_MAX_REGIONS 32
#define BOOT_MAX_HARTS	 8

enum boot_region_kind {
	BOOT_REGION_USABLE = 1,
	BOOT_REGION_LOADER = 2,
	BOOT_REGION_KERNEL = 3,
	BOOT_REGION_FDT = 4,
};

struct boot_region {
	uint64_t start, end; /* physical [start, end) */
	uint32_t kind;	     /* enum boot_region_kind */
	uint32_t reserved;
};

struct boot_info {
	uint64_t magic;
	uint32_t n_regions;
	uint32_t va_bits; /* 39 or 48: the paging mode in force */
	struct boot_region regions[BOOT_MAX_REGIONS];

	uint64_t phys_offset; /* VA of physical address 0 */
	uint64_t phys_end;    /* end of the physical map */
	uint64_t page_table;  /* physical address of the root table */

	uint64_t kernel_virt_start, kernel_virt_end; /* image and stacks, page aligned */
	uint64_t kernel_slide;			     /* kernel_virt_start - link address */
	uint64_t kernel_text_start, kernel_text_end; /* virtual, R+X */
	uint64_t kernel_text_phys;		     /* where the text is (in place) */

	uint64_t symtab, symtab_size; /* virtual, in LOADER memory: Elf64_Sym[] */
	uint64_t strtab, strtab_size; /* virtual: its string table (kept) */

	uint64_t fdt, fdt_size; /* physical */
	/* The loader's parse of the device tree; its pointers (bootargs,
	 * rng_seed, stdout_path) are physical addresses in the blob. */
	struct fdt_info dt;

	uint8_t rng_seed[32];
	uint32_t rng_from_fdt; /* 1: /chosen/rng-seed, 0: timer-derived */
	uint32_t boot_hart;    /* the hart the loader ran on */
	uint64_t cpu_mask;     /* bit n: hart n was started */

	uint64_t stack_top[BOOT_MAX_HARTS]; /* virtual, per hart id */
	uint64_t stack_size;		    /* bytes; a guard page lies below */
	uint64_t loader_ticks;		    /* rdtime at loader entry */
	uint64_t loader_exit_ticks;	    /* rdtime as the boot hart left it */
	/* bit n: hart n came in through OpenSBI's hart_start race and the
	 * loader's recovery (loader/entry.S); set by that hart itself. */
	uint64_t stray_harts;
};

/* Entry point of the kernel, on every hart, with interrupts off and the
 * loader's page table active. */
void kernel_start(uint64_t hartid, struct boot_info *info, uint64_t boot_ticks);
