/*
 * entry.S - the loader's first instructions, the secondary-hart entry, the
 * jump into the kernel, and the embedded kernel ELF.
 *
 * OpenSBI enters _start on the boot hart at the physical load address with
 * a0 = hartid, a1 = device tree (physical), MMU off, interrupts off.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	rdtime	a2			/* boot_ticks: as early as we can */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, loader_stack_top
	/* clear .bss (the stack is in it, but nothing is on it yet) */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	loader_main		/* (hartid, fdt, ticks): does not return */
3:	wfi
	j	3b

/*
 * Secondary harts arrive here through SBI HSM hart_start with
 * a0 = hartid, a1 = its struct loader_handoff (physical).
 */
	.globl loader_secondary_entry
loader_secondary_entry:
	ld	a3, 0(a1)		/* satp */
	ld	a4, 8(a1)		/* stack top (virtual) */
	ld	a5, 16(a1)		/* kernel entry (virtual) */
	ld	a2, 32(a1)		/* boot_ticks */
	ld	a1, 24(a1)		/* boot_info (virtual) */
	/* fall through */

/*
 * loader_enter_kernel(hartid, info, ticks, satp, stack_top, entry):
 * switches on paging and jumps. This page is identity-mapped executable, so
 * the fetch after the satp write still finds it.
 */
	.globl loader_enter_kernel
loader_enter_kernel:
	csrw	satp, a3
	sfence.vma
	mv	sp, a4
	li	s0, 0			/* end of the frame-pointer chain */
	li	ra, 0
	li	gp, 0
	jr	a5

	.section .rodata.kernel, "a"
	.balign 4096
	.globl kernel_elf_start, kernel_elf_end
kernel_elf_start:
	.incbin KERNEL_ELF_PATH
kernel_elf_end:

	.section .bss.stack, "aw", @nobits
	.balign 16
	.space 16384
	.globl loader_stack_top
loader_stack_top:
