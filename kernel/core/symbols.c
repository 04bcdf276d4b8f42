/*
 * symbols.c - the symbolizer (see symbols.h).
 *
 * The table is an array of (start, size, name) for every STT_FUNC symbol,
 * relocated by the KASLR slide and sorted by start, searched by bisection.
 * It is built once at boot and read-only after, so lookups need no lock.
 */
#include "core/symbols.h"

#include <stdlib.h>
#include <string.h>

#include "base/elf.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/boot_info.h"

struct sym {
	uint64_t start, size;
	const char *name;
};

static struct {
	struct sym *syms;
	size_t n;
} table;

/*
 * Sorts by start, stably. The linker emits each file's functions in address
 * order and the files in link order, so the table comes nearly sorted
 * (about 4,500 inversions among 950 functions): insertion sort does that in
 * about 0.06 ms of boot where heapsort (qsort) took 2.4 ms. Its worst case,
 * a reversed table, would be about 5 ms.
 */
static void sort_syms(struct sym *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sym x = s[i];
		size_t j = i;
		for (; j > 0 && s[j - 1].start > x.start; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
}

int symbols_init(const struct boot_info *bi)
{
	if (!bi->symtab || !bi->strtab)
		return ERR_NOENT;
	const struct elf64_sym *s = (const void *)(uintptr_t)bi->symtab;
	const char *str = (const char *)(uintptr_t)bi->strtab;
	size_t count = bi->symtab_size / sizeof(*s), n = 0;
	for (size_t i = 0; i < count; i++)
		if (ELF64_ST_TYPE(s[i].st_info) == STT_FUNC && s[i].st_shndx)
			n++;
	struct sym *syms = malloc(n * sizeof(*syms));
	if (!syms)
		return ERR_NOMEM;
	n = 0;
	for (size_t i = 0; i < count; i++) {
		if (ELF64_ST_TYPE(s[i].st_info) != STT_FUNC || !s[i].st_shndx)
			continue;
		if (s[i].st_name >= bi->strtab_size)
			continue;
		syms[n++] = (struct sym){s[i].st_value + bi->kernel_slide, s[i].st_size,
					 str + s[i].st_name};
	}
	sort_syms(syms, n);
	table.syms = syms;
	table.n = n;
	return 0;
}

int symbols_lookup(uint64_t addr, const char **name, uint64_t *offset)
{
	size_t lo = 0, hi = table.n;
	while (lo < hi) { /* first symbol starting after addr */
		size_t mid = (lo + hi) / 2;
		if (table.syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return ERR_NOENT;
	const struct sym *s = &table.syms[lo - 1];
	/* assembly functions have size 0: accept up to 64 KiB past them */
	uint64_t limit = s->size ? s->size : 65536;
	if (addr - s->start >= limit)
		return ERR_NOENT;
	*name = s->name;
	*offset = addr - s->start;
	return 0;
}

void symbols_format(uint64_t addr, char *buf, size_t size)
{
	const char *name;
	uint64_t off;
	if (symbols_lookup(addr, &name, &off) == 0)
		fmt_snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)off);
	else
		fmt_snprintf(buf, size, "0x%016llx", (unsigned long long)addr);
}

void symbols_format_return(uint64_t ra, char *buf, size_t size)
{
	const char *name;
	uint64_t off;
	/* The call is the instruction before ra; after a call that does not
	 * return, ra may already be the first byte of the next function. */
	if (ra && symbols_lookup(ra - 1, &name, &off) == 0)
		fmt_snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)(off + 1));
	else
		fmt_snprintf(buf, size, "0x%016llx", (unsigned long long)ra);
}

uint64_t symbols_address_of(const char *name)
{
	for (size_t i = 0; i < table.n; i++)
		if (strcmp(table.syms[i].name, name) == 0)
			return table.syms[i].start;
	return 0;
}
