/*
 * elf.h - the ELF64 structures the loader and the kernel's symbolizer read.
 * Field names follow the ELF specification.
 */
#pragma once

#include <stdint.h>

#define ELF_MAGIC   0x464c457fu /* "\x7fELF" little-endian */
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EM_RISCV    243
#define ET_EXEC	    2
#define ET_DYN	    3

#define PT_LOAD	   1
#define PT_DYNAMIC 2
#define PF_X	   1
#define PF_W	   2
#define PF_R	   4

#define SHT_SYMTAB 2
#define SHT_STRTAB 3

#define DT_NULL	   0
#define DT_RELA	   7
#define DT_RELASZ  8
#define DT_RELAENT 9

#define R_RISCV_NONE	 0
#define R_RISCV_RELATIVE 3

#define STT_FUNC	 2
#define ELF64_ST_TYPE(i) ((i)&0xf)
#define ELF64_R_TYPE(i)	 ((uint32_t)(i))

struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_shdr {
	uint32_t sh_name, sh_type;
	uint64_t sh_flags, sh_addr, sh_offset, sh_size;
	uint32_t sh_link, sh_info;
	uint64_t sh_addralign, sh_entsize;
};

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
};

struct elf64_rela {
	uint64_t r_offset, r_info;
	int64_t r_addend;
};

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};
