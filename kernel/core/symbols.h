/*
 * symbols.h - address to `function+offset`, from the kernel's own ELF
 * symbol table, which the loader copies into memory for us.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct boot_info;

/* Builds the sorted function table (needs the heap). Without it,
 * symbols_lookup fails and backtraces print bare addresses. */
int symbols_init(const struct boot_info *bi);

/* The function containing `addr`: its name and the offset into it.
 * ERR_NOENT if none. */
int symbols_lookup(uint64_t addr, const char **name, uint64_t *offset);

/* Formats "name+0xoff" (or "0xaddr") into buf. */
void symbols_format(uint64_t addr, char *buf, size_t size);

/* The same for a return address: names the function holding the call. */
void symbols_format_return(uint64_t ra, char *buf, size_t size);

/* The address of a function by name, or 0 (for tests). */
uint64_t symbols_address_of(const char *name);
