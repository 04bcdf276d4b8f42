/*
 * loader.c - the first stage: from OpenSBI to kernel_start on every hart.
 *
 * Runs on the boot hart at its physical load address with the MMU off:
 *   1. reads the device tree (memory, reserved ranges, cpus, rng-seed),
 *   2. hands out physical memory with a bump allocator (everything it
 *      allocates stays in use by the kernel and is reported as KERNEL),
 *   3. loads the embedded kernel ELF at a random virtual address (KASLR),
 *      applying its R_RISCV_RELATIVE relocations, W^X per segment,
 *   4. maps all physical memory at phys_offset (the kernel image's frames
 *      read-only there, so the alias does not undo W^X),
 *   5. gives each hart a stack with an unmapped guard page below it,
 *   6. starts the other harts through SBI HSM and enters the kernel.
 * Any failure prints why and stops the machine with a failure status.
 */
#include <stdarg.h>
#include <string.h>

#include "arch/riscv64/csr.h"
#include "arch/riscv64/pt.h"
#include "arch/riscv64/sbi.h"
#include "base/assert.h"
#include "base/elf.h"
#include "base/err.h"
#include "base/fmt.h"
#include "base/rand.h"
#include "boot_info.h"
#include "fdt/fdt.h"
#include "mem/bump.h"
#include "mem/layout.h"

#define STACK_PAGES 16
#define MAX_ALLOCS  64

/* What a secondary hart needs to enter the kernel; read by entry.S. */
struct loader_handoff {
	uint64_t satp, stack_top, entry, info, ticks;
};
STATIC_ASSERT(sizeof(struct loader_handoff) == 40);

extern char __loader_start[], __loader_text_end[], __loader_end[];
extern const uint8_t kernel_elf_start[], kernel_elf_end[];
extern char loader_secondary_entry[];
NORETURN void loader_enter_kernel(uint64_t hartid, uint64_t info, uint64_t ticks, uint64_t satp,
				  uint64_t stack_top, uint64_t entry);
NORETURN void loader_main(uint64_t hartid, uint64_t fdt_pa, uint64_t ticks);

/* The loader's state: one instance, on the boot hart only. */
static struct {
	struct bump bump;
	struct mem_range allocs[MAX_ALLOCS]; /* what we handed out: KERNEL */
	unsigned n_allocs;
	struct rand rng;
	struct loader_handoff handoff[BOOT_MAX_HARTS];
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

/* Allocates zeroed physical memory that the kernel keeps. */
static uint64_t alloc_phys(uint64_t size, uint64_t align)
{
	uint64_t pa;
	size = ALIGN_UP(size, PAGE_SIZE);
	if (bump_alloc(&L.bump, size, align, &pa))
		fail("out of memory allocating %llu bytes", (unsigned long long)size);
	memset((void *)(uintptr_t)pa, 0, size);
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

static int alloc_table(void *arg, uint64_t *phys)
{
	(void)arg;
	*phys = alloc_phys(PAGE_SIZE, PAGE_SIZE);
	return 0;
}

static void map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
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

struct kernel_image {
	const struct elf64_ehdr *eh;
	uint64_t lo, hi; /* link-time virtual span, page aligned */
};

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
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if ((ph[i].p_flags & PF_W) && (ph[i].p_flags & PF_X))
			fail("kernel segment %u is writable and executable", i);
		if (ph[i].p_offset + ph[i].p_filesz > len || ph[i].p_filesz > ph[i].p_memsz ||
		    (ph[i].p_vaddr & (PAGE_SIZE - 1)))
			fail("kernel segment %u is malformed", i);
		k->lo = MIN(k->lo, ph[i].p_vaddr);
		k->hi = MAX(k->hi, ALIGN_UP(ph[i].p_vaddr + ph[i].p_memsz, PAGE_SIZE));
	}
	if (k->hi <= k->lo)
		fail("kernel has no loadable segment");
}

/* Applies R_RISCV_RELATIVE relocations to the copy at `pa` for base `va`. */
static void relocate(const struct kernel_image *k, uint64_t pa, uint64_t va)
{
	const struct elf64_phdr *ph = (const void *)(kernel_elf_start + k->eh->e_phoff);
	uint64_t rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela);
	for (unsigned i = 0; i < k->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_DYNAMIC)
			continue;
		const struct elf64_dyn *d = (const void *)(kernel_elf_start + ph[i].p_offset);
		for (; d->d_tag != DT_NULL; d++) {
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
	uint64_t span = k->hi - k->lo;
	for (uint64_t off = 0; off < relasz; off += relaent) {
		const struct elf64_rela *r = (const void *)(uintptr_t)(pa + rela - k->lo + off);
		uint32_t type = ELF64_R_TYPE(r->r_info);
		if (type == R_RISCV_NONE)
			continue;
		if (type != R_RISCV_RELATIVE)
			fail("unsupported kernel relocation type %u", type);
		if (r->r_offset < k->lo || r->r_offset + 8 > k->hi || r->r_offset - k->lo > span)
			fail("kernel relocation outside the image");
		*(uint64_t *)(uintptr_t)(pa + r->r_offset - k->lo) =
			va - k->lo + (uint64_t)r->r_addend;
	}
}

/* Copies the kernel's .symtab and .strtab for the symbolizer. */
static void copy_symbols(const struct kernel_image *k, struct boot_info *bi, uint64_t phys_offset)
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
		if (sh[i].sh_offset + sh[i].sh_size > len || st->sh_offset + st->sh_size > len)
			return;
		uint64_t sym = alloc_phys(sh[i].sh_size, 8);
		uint64_t str = alloc_phys(st->sh_size, 8);
		memcpy((void *)(uintptr_t)sym, kernel_elf_start + sh[i].sh_offset, sh[i].sh_size);
		memcpy((void *)(uintptr_t)str, kernel_elf_start + st->sh_offset, st->sh_size);
		bi->symtab = sym + phys_offset;
		bi->symtab_size = sh[i].sh_size;
		bi->strtab = str + phys_offset;
		bi->strtab_size = st->sh_size;
		return;
	}
}

static void add_region(struct boot_info *bi, uint64_t start, uint64_t end, uint32_t kind)
{
	if (start >= end)
		return;
	if (bi->n_regions == BOOT_MAX_REGIONS)
		fail("too many memory regions");
	bi->regions[bi->n_regions++] = (struct boot_region){start, end, kind, 0};
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
	holes[nh++] = (struct mem_range){(uint64_t)(uintptr_t)__loader_start,
					 (uint64_t)(uintptr_t)__loader_end};
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

	/* The kernel image at a random page-aligned address (KASLR). */
	struct kernel_image k;
	check_kernel_elf(&k);
	uint64_t img = k.hi - k.lo;
	unsigned ncpu_slots = BOOT_MAX_HARTS;
	uint64_t stacks = ncpu_slots * (STACK_PAGES + 1) * PAGE_SIZE;
	uint64_t window =
		layout_kernel_end() - layout_kernel_start(va_bits) - img - stacks - PAGE_SIZE;
	uint64_t kva =
		layout_kernel_start(va_bits) + rand_below(&L.rng, window / PAGE_SIZE) * PAGE_SIZE;
	uint64_t kpa = alloc_phys(img, 2ull << 20);
	const struct elf64_phdr *ph = (const void *)(kernel_elf_start + k.eh->e_phoff);
	uint64_t text_lo = ~0ull, text_hi = 0;
	for (unsigned i = 0; i < k.eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		memcpy((void *)(uintptr_t)(kpa + ph[i].p_vaddr - k.lo),
		       kernel_elf_start + ph[i].p_offset, ph[i].p_filesz);
	}
	relocate(&k, kpa, kva);
	for (unsigned i = 0; i < k.eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t flags = PTE_G | ((ph[i].p_flags & PF_R) ? PTE_R : 0) |
				 ((ph[i].p_flags & PF_W) ? PTE_W : 0) |
				 ((ph[i].p_flags & PF_X) ? PTE_X : 0);
		uint64_t lo = ph[i].p_vaddr - k.lo;
		uint64_t hi = ALIGN_UP(ph[i].p_vaddr + ph[i].p_memsz, PAGE_SIZE) - k.lo;
		map(&pt, kva + lo, kpa + lo, hi - lo, flags);
		if (ph[i].p_flags & PF_X) {
			text_lo = MIN(text_lo, kva + lo);
			text_hi = MAX(text_hi, kva + hi);
		}
	}

	/* Physical memory map; the kernel's own frames only readable there. */
	uint64_t phys_end = ALIGN_UP(ram_end, 1ull << 30);
	map(&pt, phys_offset, 0, kpa, PTE_R | PTE_W | PTE_G);
	map(&pt, phys_offset + kpa, kpa, img, PTE_R | PTE_G);
	map(&pt, phys_offset + kpa + img, kpa + img, phys_end - kpa - img, PTE_R | PTE_W | PTE_G);

	/* The page that switches on paging must stay where it is. */
	map(&pt, (uint64_t)(uintptr_t)__loader_start, (uint64_t)(uintptr_t)__loader_start,
	    (uint64_t)(uintptr_t)(__loader_text_end - __loader_start), PTE_R | PTE_X);

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
	bi->kernel_phys_start = kpa;
	bi->kernel_phys_end = kpa + img;
	bi->kernel_slide = kva - k.lo;
	bi->kernel_text_start = text_lo;
	bi->kernel_text_end = text_hi;
	bi->fdt = fdt_pa;
	bi->fdt_size = fdt_size;
	bi->rng_from_fdt = seeded;
	bi->boot_hart = (uint32_t)hartid;
	bi->stack_size = STACK_PAGES * PAGE_SIZE;
	bi->loader_ticks = ticks;
	for (unsigned i = 0; i < 4; i++) {
		uint64_t v = rand_next(&L.rng);
		memcpy(bi->rng_seed + 8 * i, &v, 8);
	}
	copy_symbols(&k, bi, phys_offset);

	/* Last: the memory map, after every allocation. */
	struct mem_range free_r[BUMP_MAX_RANGES];
	unsigned nf = bump_free_ranges(&L.bump, free_r, BUMP_MAX_RANGES);
	for (unsigned i = 0; i < nf; i++)
		add_region(bi, free_r[i].start, free_r[i].end, BOOT_REGION_USABLE);
	for (unsigned i = 0; i < L.n_allocs; i++)
		add_region(bi, L.allocs[i].start, L.allocs[i].end, BOOT_REGION_KERNEL);
	add_region(bi, (uint64_t)(uintptr_t)__loader_start, (uint64_t)(uintptr_t)__loader_end,
		   BOOT_REGION_LOADER);
	add_region(bi, fdt_lo, fdt_hi, BOOT_REGION_FDT);

	uint64_t satp = (va_bits == 48 ? SATP_MODE_SV48 : SATP_MODE_SV39) | (pt.root >> PAGE_SHIFT);
	uint64_t entry = k.eh->e_entry - k.lo + kva;
	uint64_t info_va = bi_pa + phys_offset;

	for (unsigned h = 0; h < BOOT_MAX_HARTS; h++) {
		if (!(cpu_mask & (1ull << h)) || h == hartid)
			continue;
		L.handoff[h] =
			(struct loader_handoff){satp, bi->stack_top[h], entry, info_va, ticks};
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* handoff visible before the hart runs */
		long e = sbi_hart_start(h, (uint64_t)(uintptr_t)loader_secondary_entry,
					(uint64_t)(uintptr_t)&L.handoff[h]);
		if (e) {
			say("loader: hart %u did not start (SBI error %ld)\n", h, e);
			cpu_mask &= ~(1ull << h);
		}
	}
	bi->cpu_mask = cpu_mask;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	loader_enter_kernel(hartid, info_va, ticks, satp, bi->stack_top[hartid], entry);
}
