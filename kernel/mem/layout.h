/*
 * layout.h - the kernel's virtual address space, for Sv39 and Sv48.
 *
 * Only the upper half is used. With H = 2^(va_bits-1) bytes in that half:
 *
 *   -H          +----------------------------+  phys_offset
 *               | physical memory map        |  VA = PA - H  (H/4 bytes)
 *   -H + H/4    +----------------------------+
 *               | dynamic mappings: heap,    |  placed at random free
 *               | stacks, reservations       |  addresses (VM layer)
 *   -H/8        +----------------------------+
 *               | kernel image (KASLR) and   |  placed by the loader
 *               | boot stacks                |
 *   -2 GiB      +----------------------------+
 *               | unused                     |
 *   2^64        +----------------------------+
 */
#pragma once

#include <stdint.h>

static inline uint64_t layout_half(unsigned va_bits)
{
	return 1ull << (va_bits - 1);
}
static inline uint64_t layout_physmap_start(unsigned va_bits)
{
	return (uint64_t)0 - layout_half(va_bits);
}
static inline uint64_t layout_physmap_size(unsigned va_bits)
{
	return layout_half(va_bits) / 4;
}
static inline uint64_t layout_dynamic_start(unsigned va_bits)
{
	return layout_physmap_start(va_bits) + layout_physmap_size(va_bits);
}
static inline uint64_t layout_dynamic_end(unsigned va_bits)
{
	return (uint64_t)0 - layout_half(va_bits) / 8;
}
static inline uint64_t layout_kernel_start(unsigned va_bits)
{
	return layout_dynamic_end(va_bits);
}
static inline uint64_t layout_kernel_end(void)
{
	return (uint64_t)0 - (2ull << 30);
}
