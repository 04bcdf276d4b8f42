/*
 * entry.S - the loader's first instructions, the secondary-hart entry, the
 * jump into the kernel, the loader's trap report, and the embedded kernel.
 *
 * OpenSBI enters _start on the boot hart at the physical load address with
 * a0 = hartid, a1 = device tree (physical), MMU off, interrupts off.
 *
 * A second hart may arrive at _start too. OpenSBI 1.1 (QEMU 7.2's) has a
 * race in sbi_hsm_hart_start: it marks the target hart START_PENDING before
 * it stores the start address and argument, so a target that looks at that
 * moment leaves with the values its scratch still holds from the cold
 * boot: this loader's _start and the device tree, with its hart id in a0.
 * Such a hart would clear .bss under the running loader and run it twice
 * (boots that printed nothing after OpenSBI, with harts spinning in
 * restarts). So only the first hart at _start is the boot hart; a later
 * one takes its handoff by hart id, notes itself in boot_info.stray_harts
 * and enters the kernel as if started normally. The boot hart fills every
 * handoff before its first hart_start, so the slot is ready.
 */
#define HANDOFF_SIZE 48 /* sizeof(struct loader_handoff) */
#define MAX_HARTS    8  /* BOOT_MAX_HARTS */

	.section .text.entry, "ax"
	.globl _start
_start:
	rdtime	a2			/* boot_ticks: as early as we can */
	lla	t0, loader_trap
	csrw	stvec, t0
	lla	t0, loader_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, stray_hart
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
park:	wfi
	j	park

stray_hart:
	li	t0, MAX_HARTS
	bgeu	a0, t0, park		/* no handoff for it: keep it out of the way */
	li	t0, HANDOFF_SIZE
	mul	t0, a0, t0
	lla	a1, loader_handoff
	add	a1, a1, t0
	fence	rw, rw			/* the handoff after the claim */
	ld	t0, 16(a1)		/* entry: 0 if the boot hart never meant to start it */
	beqz	t0, park
	ld	t0, 40(a1)		/* &boot_info.stray_harts (physical) */
	li	t1, 1
	sll	t1, t1, a0
	amoor.d	zero, t1, (t0)
	/* fall through with a1 = the handoff */

/*
 * Secondary harts arrive here through SBI HSM hart_start with
 * a0 = hartid, a1 = its struct loader_handoff (physical).
 */
	.globl loader_secondary_entry
loader_secondary_entry:
	lla	t0, loader_trap
	csrw	stvec, t0
	ld	a3, 0(a1)		/* satp */
	ld	a4, 8(a1)		/* stack top (virtual) */
	ld	a5, 16(a1)		/* kernel entry (virtual) */
	ld	a2, 32(a1)		/* boot_ticks */
	ld	a1, 24(a1)		/* boot_info (virtual) */
	/* fall through */

/*
 * loader_enter_kernel(hartid, info, ticks, satp, stack_top, entry):
 * switches on paging and lands at the kernel's entry through a trap. The
 * kernel's tables map nothing in the lower half, where this code runs, so
 * the first fetch after the satp write takes an instruction page fault to
 * stvec = the entry, with a0-a2 intact. Nothing of the loader is mapped
 * in the kernel, so its memory can be freed once every hart has left it.
 */
	.globl loader_enter_kernel
loader_enter_kernel:
	csrw	stvec, a5
	mv	sp, a4
	li	s0, 0			/* end of the frame-pointer chain */
	li	ra, 0
	li	gp, 0
	sfence.vma
	csrw	satp, a3
	sfence.vma			/* if this was fetched before the switch, the next fetch faults */
3:	j	3b

/*
 * A trap in the loader: report it and stop the machine. Uses no memory but
 * this text (no stack), so it works whatever state the loader is in.
 */
	.balign 4
loader_trap:
	mv	s4, ra
	mv	s5, sp
	lla	s1, msg_cause
	jal	t6, put_str
	csrr	s2, scause
	jal	t6, put_hex
	lla	s1, msg_sepc
	jal	t6, put_str
	csrr	s2, sepc
	jal	t6, put_hex
	lla	s1, msg_stval
	jal	t6, put_str
	csrr	s2, stval
	jal	t6, put_hex
	lla	s1, msg_ra
	jal	t6, put_str
	mv	s2, s4
	jal	t6, put_hex
	lla	s1, msg_sp
	jal	t6, put_str
	mv	s2, s5
	jal	t6, put_hex
	lla	s1, msg_end
	jal	t6, put_str
	li	a7, 0x53525354		/* SRST: shutdown, reason "failure" */
	li	a6, 0
	li	a0, 0
	li	a1, 1
	ecall
	j	park

put_str:				/* s1: NUL-terminated; returns to t6 */
	lbu	a0, 0(s1)
	beqz	a0, 1f
	li	a7, 1			/* legacy console_putchar */
	li	a6, 0
	ecall
	addi	s1, s1, 1
	j	put_str
1:	jr	t6

put_hex:				/* s2 as 16 hex digits; returns to t6 */
	li	s3, 60
1:	srl	a0, s2, s3
	andi	a0, a0, 15
	li	t0, 10
	blt	a0, t0, 2f
	addi	a0, a0, 'a' - '0' - 10
2:	addi	a0, a0, '0'
	li	a7, 1
	li	a6, 0
	ecall
	addi	s3, s3, -4
	bgez	s3, 1b
	jr	t6

msg_cause:	.asciz "\r\nloader: unexpected trap: scause 0x"
msg_sepc:	.asciz " sepc 0x"
msg_stval:	.asciz " stval 0x"
msg_ra:		.asciz " ra 0x"
msg_sp:		.asciz " sp 0x"
msg_end:	.asciz "\r\n"

	.data
	.balign 4
loader_claimed:				/* not .bss: the boot hart clears that */
	.word	0

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
