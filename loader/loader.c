/*
 * loader.c - the first stage: from OpenSBI to kernel_start on every hart.
 *
 * Runs on the boot hart at its physical load address with the MMU off:
 *   1. reads the device tree once (memory, reserved ranges, cpus, rng-seed,
 *      devices); the kernel gets the summary in boot_info,
 *   2. hands out physical memory with a bump allocator (everything it
 *      allocates stays in use by the kernel and is reported as KERNEL),
 *   3. maps the embedded kernel ELF at a random virtual address (KASLR;
 *      at its link address with the boot argument nokaslr, for debuggers):
 *      the read-only segments (text; rodata, which holds the initrd) where
 *      QEMU loaded them, the writable one copied, relocated (only it may
 *      hold relocations) and its bss zeroed; W^X per segment,
 *   4. maps all physical memory at phys_offset (the kernel's frames
 *      read-only there, so the alias does not undo W^X),
 *   5. gives each hart a stack with an unmapped guard page below it,
 *   6. starts the other harts through SBI HSM and enters the kernel
 *      (entry.S: without an identity mapping, through a trap).
 * Any failure prints why and stops the machine with a failure status.
 *
 * Physical memory as the kernel gets it (QEMU virt, 256 MiB):
 *
 *   0x80000000  OpenSBI                          reserved (device tree)
 *               page tables, boot_info, kernel   KERNEL (bump allocations)
 *               data+bss, strtab copy, stacks
 *   0x80200000  +-----------------------------+  __loader_start
 *               | loader text and rodata,     |  LOADER
 *               | kernel ELF header           |
 *               | kernel text, rodata, initrd |  KERNEL (mapped in place)
 *               | kernel data image, symtab,  |  LOADER
 *               | loader data, bss, stack     |
 *               +-----------------------------+  __loader_end
 *               free RAM                         USABLE
 *   top         device tree                      FDT
 *
 * LOADER memory is read until every hart runs in the kernel (the symbol
 * table until the symbolizer has read it); then the kernel frees it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "arch/riscv64/csr.h"
#include "arch/riscv64/pt.h"
#include "arch/riscv64/sbi.h"
#include "base/assert.h"
#include "base/elf.h"
#include "base/err.h"
#include "base/fmt.h"
#include "base/rand.h"
#include "core/boot_info.h"
#include "fdt/fdt.h"
#include "mem/bump.h"
#include "mem/layout.h"

#define STACK_PAGES 16
#define MAX_ALLOCS  64
#define MAX_SEGS    4

/* What a secondary hart needs to enter the kernel; read by entry.S. */
struct loader_handoff {
	uint64_t satp, stack_top, entry, info, ticks;
	uint64_t stray; /* physical address of boot_info.stray_harts */
};
STATIC_ASSERT(sizeof(struct loader_handoff) == 48); /* entry.S: HANDOFF_SIZE */
STATIC_ASSERT(BOOT_MAX_HARTS == 8);		    /* entry.S: MAX_HARTS */

extern char __loader_start[], __loader_end[];
extern const uint8_t kernel_elf_start[], kernel_elf_end[];
extern char loader_secondary_entry[];
NORETURN void loader_enter_kernel(uint64_t hartid, uint64_t info, uint64_t ticks, uint64_t satp,
				  uint64_t stack_top, uint64_t entry);
NORETURN void loader_main(uint64_t hartid, uint64_t fdt_pa, uint64_t ticks);

/* Per hart id; entry.S finds a hart's slot from its id when OpenSBI sends
 * it to _start instead of loader_secondary_entry (see there). */
extern struct loader_handoff loader_handoff[BOOT_MAX_HARTS];
struct loader_handoff loader_handoff[BOOT_MAX_HARTS];

/* The loader's state: one instance, on the boot hart only. */
static struct {
	struct bump bump;
	struct mem_range allocs[MAX_ALLOCS]; /* what we handed out: KERNEL */
	unsigned n_allocs;
	struct rand rng;
} L;

static void putstr(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			sbi_console_putchar('\r');
		sbi_console_putchar(*s);
	}
}

static void say(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	putstr(buf);
}

static NORETURN void fail(const char *fmt, ...) PRINTF_LIKE(1, 2);
static NORETURN void fail(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	putstr("loader: error: ");
	putstr(buf);
	putstr("\n");
	sbi_system_reset(0, 1);
	for (;;)
		__asm__ volatile("wfi");
}

void assert_fail(const char *expr, const char *file, int line)
{
	fail("assertion failed: %s (%s:%d)", expr, file, line);
}

static uint64_t pa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Physical memory that the kernel keeps, NOT zeroed. */
static uint64_t alloc_phys_raw(uint64_t size, uint64_t align)
{
	uint64_t pa;
	size = ALIGN_UP(size, PAGE_SIZE);
	if (bump_alloc(&L.bump, size, align, &pa))
		fail("out of memory allocating %llu bytes", (unsigned long long)size);
	struct mem_range *last = L.n_allocs ? &L.allocs[L.n_allocs - 1] : 0;
	if (last && last->end == pa) {
		last->end += size;
	} else {
		if (L.n_allocs == MAX_ALLOCS)
			fail("too many allocations");
		L.allocs[L.n_allocs++] = (struct mem_range){pa, pa + size};
	}
	return pa;
}

/* Zeroed physical memory that the kernel keeps. */
static uint64_t alloc_phys(uint64_t size, uint64_t align)
{
	uint64_t pa = alloc_phys_raw(size, align);
	memset((void *)(uintptr_t)pa, 0, ALIGN_UP(size, PAGE_SIZE));
	return pa;
}

static int alloc_table(void *arg, uint64_t *phys)
{
	(void)arg;
	*phys = alloc_phys(PAGE_SIZE, PAGE_SIZE);
	return 0;
}

static void map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	if (!size)
		return;
	int e = pt_map(pt, va, pa, size, flags, true);
	if (e)
		fail("cannot map %llx -> %llx (%llx bytes): %s", (unsigned long long)va,
		     (unsigned long long)pa, (unsigned long long)size, err_str(e));
}

/* Sv48 if the device tree says the harts can do it (every Sv57 hart can). */
static unsigned pick_va_bits(const struct fdt *f)
{
	int cpus, cpu;
	if (fdt_path_offset(f, "/cpus", &cpus) || fdt_first_child(f, cpus, &cpu))
		return 39;
	do {
		const void *v;
		uint32_t len;
		if (fdt_getprop(f, cpu, "mmu-type", &v, &len) == 0 && len >= 8) {
			const char *s = v;
			return strncmp(s, "riscv,sv48", len) == 0 ||
					       strncmp(s, "riscv,sv57", len) == 0
				       ? 48
				       : 39;
		}
	} while (fdt_next_sibling(f, cpu, &cpu) == 0);
	return 39;
}

/* One loadable segment: at kva + off (virtual) and pa (physical). */
struct segment {
	uint64_t off, size; /* from the image's start; page aligned */
	uint64_t pa;
	uint64_t pte; /* PTE_R/W/X */
	bool in_place;
};

struct kernel_image {
	const struct elf64_ehdr *eh;
	uint64_t lo, hi; /* link-time virtual span, page aligned */
	struct segment seg[MAX_SEGS];
	unsigned n_seg;
};

/*
 * Checks the embedded ELF and records its segments. A read-only segment is
 * used where it lies, so it must be page aligned in the file and wholly
 * there (no zero fill); only writable segments are copied.
 */
static void check_kernel_elf(struct kernel_image *k)
{
	uint64_t len = (uint64_t)(kernel_elf_end - kernel_elf_start);
	const struct elf64_ehdr *eh = (const void *)kernel_elf_start;
	if (len < sizeof(*eh) || *(const uint32_t *)eh->e_ident != ELF_MAGIC ||
	    eh->e_ident[4] != ELFCLASS64 || eh->e_machine != EM_RISCV || eh->e_type != ET_DYN ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > len)
		fail("embedded kernel is not a riscv64 position-independent ELF");
	const struct elf64_phdr *ph = (const void *)(kernel_elf_start + eh->e_phoff);
	k->eh = eh;
	k->lo = ~0ull;
	k->hi = 0;
	k->n_seg = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		bool w = ph[i].p_flags & PF_W;
		if (w && (ph[i].p_flags & PF_X))
			fail("kernel segment %u is writable and executable", i);
		if (ph[i].p_offset + ph[i].p_filesz > len || ph[i].p_filesz > ph[i].p_memsz ||
		    (ph[i].p_vaddr & (PAGE_SIZE - 1)))
			fail("kernel segment %u is malformed", i);
		if (!w && ((ph[i].p_offset & (PAGE_SIZE - 1)) || ph[i].p_filesz != ph[i].p_memsz))
			fail("read-only kernel segment %u cannot be mapped in place", i);
		if (k->n_seg == MAX_SEGS)
			fail("kernel has more than %u segments", MAX_SEGS);
		k->seg[k->n_seg++] = (struct segment){
			.off = ph[i].p_vaddr,
			.size = ALIGN_UP(ph[i].p_memsz, PAGE_SIZE),
			.pa = w ? 0 : pa_of(kernel_elf_start + ph[i].p_offset),
			.pte = ((ph[i].p_flags & PF_R) ? PTE_R : 0) | (w ? PTE_W : 0) |
			       ((ph[i].p_flags & PF_X) ? PTE_X : 0),
			.in_place = !w};
		k->lo = MIN(k->lo, ph[i].p_vaddr);
		k->hi = MAX(k->hi, ALIGN_UP(ph[i].p_vaddr + ph[i].p_memsz, PAGE_SIZE));
	}
	if (k->hi <= k->lo)
		fail("kernel has no loadable segment");
	for (unsigned i = 0; i < k->n_seg; i++) {
		k->seg[i].off -= k->lo;
		for (unsigned j = 0; j < i; j++)
			if (k->seg[i].off < k->seg[j].off + k->seg[j].size &&
			    k->seg[j].off < k->seg[i].off + k->seg[i].size)
				fail("kernel segments overlap");
	}
}

/* Copies the writable segments into fresh memory: file bytes, then zeros. */
static void copy_writable(struct kernel_image *k)
{
	const struct elf64_phdr *ph = (const void *)(kernel_elf_start + k->eh->e_phoff);
	unsigned s = 0;
	for (unsigned i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		struct segment *g = &k->seg[s++];
		if (g->in_place)
			continue;
		g->pa = alloc_phys_raw(g->size, PAGE_SIZE);
		memcpy((void *)(uintptr_t)g->pa, kernel_elf_start + ph[i].p_offset, ph[i].p_filesz);
		memset((void *)(uintptr_t)(g->pa + ph[i].p_filesz), 0, g->size - ph[i].p_filesz);
	}
}

/* The copied segment that holds link-time [va, va+8), or NULL. */
static const struct segment *writable_at(const struct kernel_image *k, uint64_t va)
{
	for (unsigned i = 0; i < k->n_seg; i++) {
		const struct segment *g = &k->seg[i];
		if (!g->in_place && va >= k->lo + g->off && va - k->lo - g->off + 8 <= g->size)
			return g;
	}
	return 0;
}

/* Applies R_RISCV_RELATIVE relocations for base `kva`. Every one must fall
 * in a writable segment: the read-only ones are the loaded file itself. */
static void relocate(const struct kernel_image *k, uint64_t kva)
{
	const struct elf64_phdr *ph = (const void *)(kernel_elf_start + k->eh->e_phoff);
	uint64_t len = (uint64_t)(kernel_elf_end - kernel_elf_start);
	uint64_t rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela);
	for (unsigned i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		if (ph[i].p_offset + ph[i].p_filesz > len || (ph[i].p_offset & 7))
			fail("kernel dynamic section is malformed");
		const struct elf64_dyn *d = (const void *)(kernel_elf_start + ph[i].p_offset);
		const struct elf64_dyn *end = d + ph[i].p_filesz / sizeof(*d);
		for (; d < end && d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_RELA)
				rela = d->d_val;
			else if (d->d_tag == DT_RELASZ)
				relasz = d->d_val;
			else if (d->d_tag == DT_RELAENT)
				relaent = d->d_val;
		}
	}
	if (relaent != sizeof(struct elf64_rela))
		fail("unexpected relocation entry size");
	/* The table sits in a read-only segment, so in the file. */
	const struct elf64_rela *table = 0;
	for (unsigned i = 0; i < k->eh->e_phnum && relasz; i++)
		if (ph[i].p_type == PT_LOAD && !(ph[i].p_flags & PF_W) && rela >= ph[i].p_vaddr &&
		    rela - ph[i].p_vaddr + relasz <= ph[i].p_filesz && !(rela & 7))
			table = (const void *)(kernel_elf_start + ph[i].p_offset +
					       (rela - ph[i].p_vaddr));
	if (relasz && !table)
		fail("kernel relocations not in a read-only segment");
	for (uint64_t n = 0; n < relasz / relaent; n++) {
		const struct elf64_rela *r = &table[n];
		uint32_t type = ELF64_R_TYPE(r->r_info);
		if (type == R_RISCV_NONE)
			continue;
		if (type != R_RISCV_RELATIVE)
			fail("unsupported kernel relocation type %u", type);
		const struct segment *g = writable_at(k, r->r_offset);
		if (!g)
			fail("kernel relocation at %llx outside a writable segment",
			     (unsigned long long)r->r_offset);
		*(uint64_t *)(uintptr_t)(g->pa + r->r_offset - k->lo - g->off) =
			kva - k->lo + (uint64_t)r->r_addend;
	}
}

/* The symbolizer's tables: .symtab read in place (LOADER memory: the kernel
 * reads it before freeing that), .strtab copied (names stay referenced). */
static void find_symbols(const struct kernel_image *k, struct boot_info *bi, uint64_t phys_offset)
{
	const struct elf64_ehdr *eh = k->eh;
	uint64_t len = (uint64_t)(kernel_elf_end - kernel_elf_start);
	if (!eh->e_shoff || eh->e_shentsize != sizeof(struct elf64_shdr) ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr) > len)
		return;
	const struct elf64_shdr *sh = (const void *)(kernel_elf_start + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		const struct elf64_shdr *st = &sh[sh[i].sh_link];
		if (sh[i].sh_offset + sh[i].sh_size > len || st->sh_offset + st->sh_size > len ||
		    (sh[i].sh_offset & 7) || !st->sh_size)
			return;
		/* from the word below it, so memcpy copies words, not bytes */
		uint64_t skew = st->sh_offset & 7;
		uint64_t str = alloc_phys_raw(skew + st->sh_size, 8);
		memcpy((void *)(uintptr_t)str, kernel_elf_start + st->sh_offset - skew,
		       skew + st->sh_size);
		bi->symtab = pa_of(kernel_elf_start + sh[i].sh_offset) + phys_offset;
		bi->symtab_size = sh[i].sh_size;
		bi->strtab = str + skew + phys_offset;
		bi->strtab_size = st->sh_size;
		return;
	}
}

/*
 * The physical map: [0, phys_end) at phys_offset, read-write but for the
 * kernel's segments (in place or copied), which are read-only there.
 */
static void map_physmap(struct pt *pt, uint64_t phys_offset, uint64_t phys_end,
			const struct kernel_image *k)
{
	const struct segment *ro[MAX_SEGS];
	unsigned n = 0;
	for (unsigned i = 0; i < k->n_seg; i++) { /* insertion sort by pa */
		unsigned j = n++;
		for (; j > 0 && ro[j - 1]->pa > k->seg[i].pa; j--)
			ro[j] = ro[j - 1];
		ro[j] = &k->seg[i];
	}
	uint64_t at = 0;
	for (unsigned i = 0; i < n; i++) {
		if (ro[i]->pa < at)
			fail("kernel segments share physical memory");
		map(pt, phys_offset + at, at, ro[i]->pa - at, PTE_R | PTE_W | PTE_G);
		map(pt, phys_offset + ro[i]->pa, ro[i]->pa, ro[i]->size, PTE_R | PTE_G);
		at = ro[i]->pa + ro[i]->size;
	}
	map(pt, phys_offset + at, at, phys_end - at, PTE_R | PTE_W | PTE_G);
}

static void add_region(struct boot_info *bi, uint64_t start, uint64_t end, uint32_t kind)
{
	if (start >= end)
		return;
	if (bi->n_regions == BOOT_MAX_REGIONS)
		fail("too many memory regions");
	bi->regions[bi->n_regions++] = (struct boot_region){start, end, kind, 0};
}

/* The memory map, after every allocation: what is free, what the kernel
 * keeps, and the loaded image less the segments used in place (LOADER). */
static void add_regions(struct boot_info *bi, const struct kernel_image *k, uint64_t fdt_lo,
			uint64_t fdt_hi)
{
	struct mem_range r[BUMP_MAX_RANGES];
	unsigned n = bump_free_ranges(&L.bump, r, BUMP_MAX_RANGES);
	for (unsigned i = 0; i < n; i++)
		add_region(bi, r[i].start, r[i].end, BOOT_REGION_USABLE);
	for (unsigned i = 0; i < L.n_allocs; i++)
		add_region(bi, L.allocs[i].start, L.allocs[i].end, BOOT_REGION_KERNEL);

	r[0] = (struct mem_range){pa_of(__loader_start), pa_of(__loader_end)};
	n = 1;
	for (unsigned i = 0; i < k->n_seg; i++) {
		const struct segment *g = &k->seg[i];
		if (!g->in_place)
			continue;
		add_region(bi, g->pa, g->pa + g->size, BOOT_REGION_KERNEL);
		if (mem_ranges_subtract(r, &n, BUMP_MAX_RANGES,
					(struct mem_range){g->pa, g->pa + g->size}))
			fail("too many memory ranges");
	}
	for (unsigned i = 0; i < n; i++)
		add_region(bi, r[i].start, r[i].end, BOOT_REGION_LOADER);
	add_region(bi, fdt_lo, fdt_hi, BOOT_REGION_FDT);
}

/* Starts hart h at loader_secondary_entry with its handoff. */
/* Whether the boot argument `word` (a whole space-separated word) is given. */
static bool bootarg_given(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = cmdline; p && *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - w) == n && strncmp(w, word, n) == 0)
			return true;
	}
	return false;
}

static long start_hart(unsigned h, bool last, uint64_t fdt_pa)
{
#ifdef KTEST
	/* The test image starts its last hart as OpenSBI 1.1's hart_start race
	 * can (at _start, with the device tree as its argument: see entry.S),
	 * so the in-kernel tests on several harts always cover that path. */
	extern char _start[];
	if (last)
		return sbi_hart_start(h, pa_of(_start), fdt_pa);
#else
	(void)last;
	(void)fdt_pa;
#endif
	return sbi_hart_start(h, pa_of(loader_secondary_entry), pa_of(&loader_handoff[h]));
}

void loader_main(uint64_t hartid, uint64_t fdt_pa, uint64_t ticks)
{
	struct fdt fdt;
	struct fdt_info info;
	struct fdt_error ferr = {0, 0};

	uint32_t fdt_size = fdt_totalsize((const void *)(uintptr_t)fdt_pa);
	if (fdt_init(&fdt, (const void *)(uintptr_t)fdt_pa, fdt_size, &ferr) ||
	    fdt_parse_info(&fdt, &info, &ferr))
		fail("bad device tree at offset %u: %s", ferr.offset, ferr.msg ? ferr.msg : "?");
	if (info.n_mem == 0)
		fail("device tree names no memory");

	/* Seed from /chosen/rng-seed, else from the clock (weak, but differs per boot). */
	uint64_t fallback[2] = {ticks ^ rv_rdtime(), fdt_pa ^ (hartid << 32)};
	bool seeded = info.rng_seed && info.rng_seed_len >= 8;
	if (seeded)
		rand_seed(&L.rng, info.rng_seed, info.rng_seed_len);
	else
		rand_seed(&L.rng, fallback, sizeof(fallback));

	/* Usable RAM: memory minus reserved ranges, this loader and the FDT. */
	struct mem_range ram[BUMP_MAX_RANGES];
	unsigned n = 0;
	uint64_t ram_end = 0;
	for (unsigned i = 0; i < info.n_mem && n < BUMP_MAX_RANGES; i++) {
		ram[n++] =
			(struct mem_range){info.mem[i].base, info.mem[i].base + info.mem[i].size};
		ram_end = MAX(ram_end, info.mem[i].base + info.mem[i].size);
	}
	struct mem_range holes[FDT_MAX_REGIONS + 2];
	unsigned nh = 0;
	for (unsigned i = 0; i < info.n_reserved; i++)
		holes[nh++] = (struct mem_range){
			ALIGN_DOWN(info.reserved[i].base, PAGE_SIZE),
			ALIGN_UP(info.reserved[i].base + info.reserved[i].size, PAGE_SIZE)};
	uint64_t fdt_lo = ALIGN_DOWN(fdt_pa, PAGE_SIZE),
		 fdt_hi = ALIGN_UP(fdt_pa + fdt_size, PAGE_SIZE);
	holes[nh++] = (struct mem_range){fdt_lo, fdt_hi};
	holes[nh++] = (struct mem_range){pa_of(__loader_start), pa_of(__loader_end)};
	for (unsigned i = 0; i < nh; i++)
		if (mem_ranges_subtract(ram, &n, BUMP_MAX_RANGES, holes[i]))
			fail("too many memory ranges");
	if (bump_init(&L.bump, ram, n))
		fail("cannot set up the boot allocator");

	unsigned va_bits = pick_va_bits(&fdt);
	uint64_t phys_offset = layout_physmap_start(va_bits);
	if (ram_end > layout_physmap_size(va_bits))
		fail("physical memory too large for the physical map");
	struct pt pt = {.levels = va_bits == 48 ? 4 : 3, .alloc_table = alloc_table};
	pt.root = alloc_phys(PAGE_SIZE, PAGE_SIZE);

	uint64_t bi_pa = alloc_phys(sizeof(struct boot_info), PAGE_SIZE);
	struct boot_info *bi = (void *)(uintptr_t)bi_pa;

	/* The kernel at a random page-aligned virtual address (KASLR), or
	 * where it is linked (nokaslr: a debugger reads kernel.elf as is). */
	struct kernel_image k;
	check_kernel_elf(&k);
	uint64_t img = k.hi - k.lo;
	uint64_t stacks = BOOT_MAX_HARTS * (STACK_PAGES + 1) * PAGE_SIZE;
	uint64_t window =
		layout_kernel_end() - layout_kernel_start(va_bits) - img - stacks - PAGE_SIZE;
	uint64_t kva =
		layout_kernel_start(va_bits) + rand_below(&L.rng, window / PAGE_SIZE) * PAGE_SIZE;
	if (bootarg_given(info.bootargs, "nokaslr")) {
		if (k.lo < layout_kernel_start(va_bits) ||
		    k.lo - layout_kernel_start(va_bits) > window)
			fail("nokaslr: kernel linked at %llx, outside the kernel window",
			     (unsigned long long)k.lo);
		kva = k.lo;
	}
	copy_writable(&k);
	relocate(&k, kva);
	uint64_t text_lo = ~0ull, text_hi = 0, text_pa = 0;
	for (unsigned i = 0; i < k.n_seg; i++) {
		const struct segment *g = &k.seg[i];
		map(&pt, kva + g->off, g->pa, g->size, g->pte | PTE_G);
		if ((g->pte & PTE_X) && kva + g->off < text_lo) {
			text_lo = kva + g->off;
			text_hi = text_lo + g->size;
			text_pa = g->pa;
		}
	}
	uint64_t phys_end = ALIGN_UP(ram_end, 1ull << 30);
	map_physmap(&pt, phys_offset, phys_end, &k);

	uint64_t cpu_mask = 0;
	for (unsigned i = 0; i < info.n_cpus; i++) {
		if (!info.cpus[i].enabled)
			continue;
		if (info.cpus[i].hartid >= BOOT_MAX_HARTS) {
			say("loader: hart %u ignored (at most %u harts)\n", info.cpus[i].hartid,
			    BOOT_MAX_HARTS);
			continue;
		}
		cpu_mask |= 1ull << info.cpus[i].hartid;
	}
	cpu_mask |= 1ull << hartid;

	/* Stacks above the image, each with an unmapped guard page below it. */
	uint64_t stack_va = kva + img + PAGE_SIZE;
	for (unsigned h = 0; h < BOOT_MAX_HARTS; h++) {
		if (!(cpu_mask & (1ull << h)))
			continue;
		uint64_t spa = alloc_phys(STACK_PAGES * PAGE_SIZE, PAGE_SIZE);
		map(&pt, stack_va, spa, STACK_PAGES * PAGE_SIZE, PTE_R | PTE_W | PTE_G);
		bi->stack_top[h] = stack_va + STACK_PAGES * PAGE_SIZE;
		stack_va += (STACK_PAGES + 1) * PAGE_SIZE;
	}

	bi->magic = BOOT_INFO_MAGIC;
	bi->va_bits = va_bits;
	bi->phys_offset = phys_offset;
	bi->phys_end = phys_end;
	bi->page_table = pt.root;
	bi->kernel_virt_start = kva;
	bi->kernel_virt_end = stack_va;
	bi->kernel_text_phys = text_pa;
	bi->kernel_slide = kva - k.lo;
	bi->kernel_text_start = text_lo;
	bi->kernel_text_end = text_hi;
	bi->fdt = fdt_pa;
	bi->fdt_size = fdt_size;
	bi->dt = info;
	bi->rng_from_fdt = seeded;
	bi->boot_hart = (uint32_t)hartid;
	bi->stack_size = STACK_PAGES * PAGE_SIZE;
	bi->loader_ticks = ticks;
	for (unsigned i = 0; i < 4; i++) {
		uint64_t v = rand_next(&L.rng);
		memcpy(bi->rng_seed + 8 * i, &v, 8);
	}
	find_symbols(&k, bi, phys_offset);
	add_regions(bi, &k, fdt_lo, fdt_hi); /* last: after every allocation */

	uint64_t satp = (va_bits == 48 ? SATP_MODE_SV48 : SATP_MODE_SV39) | (pt.root >> PAGE_SHIFT);
	uint64_t entry = k.eh->e_entry - k.lo + kva;
	uint64_t info_va = bi_pa + phys_offset;
	uint64_t others = cpu_mask & ~(1ull << hartid);
	for (unsigned h = 0; h < BOOT_MAX_HARTS; h++)
		if (others & (1ull << h))
			loader_handoff[h] = (struct loader_handoff){
				satp,  bi->stack_top[h],
				entry, info_va,
				ticks, bi_pa + offsetof(struct boot_info, stray_harts)};
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* handoffs visible before any hart runs */
	for (unsigned h = 0; h < BOOT_MAX_HARTS; h++) {
		if (!(others & (1ull << h)))
			continue;
		long e = start_hart(h, others >> h == 1, fdt_pa);
		if (e) {
			say("loader: hart %u did not start (SBI error %ld)\n", h, e);
			cpu_mask &= ~(1ull << h);
		}
	}
	bi->cpu_mask = cpu_mask;
	bi->loader_exit_ticks = rv_rdtime();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	loader_enter_kernel(hartid, info_va, ticks, satp, bi->stack_top[hartid], entry);
}
