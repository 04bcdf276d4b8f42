/*
 * entry.S - kernel entry from the loader, and the one trap vector.
 *
 * Traps always run on this hart's trap stack, whose top sits in sscratch
 * while the hart runs normal code: `csrrw sp, sscratch, sp` swaps it in, so
 * even a kernel stack overflow (a fault on the guard page) is handled on a
 * good stack. The frame saves every integer and float register.
 */
#include "arch/riscv64/trap_offsets.h"

	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	/* a0 = hartid, a1 = boot_info, a2 = boot_ticks; sp set by the loader,
	 * which gets here through a page fault (stvec = _start): until
	 * cpu_claim installs rv_trap_vector, a trap goes to rv_early_trap. */
	lla	t0, rv_early_trap
	csrw	stvec, t0
	li	tp, 0
	li	t0, 0x2000		/* sstatus.FS = initial: the kernel uses floats */
	csrs	sstatus, t0
	call	kernel_start
1:	wfi
	j	1b
	.size _start, . - _start

/* rv_early_trap_report(scause, sepc, stval): reports and stops the machine. */
	.balign 4
rv_early_trap:
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	rv_early_trap_report

	.text
	.balign 4
	.globl rv_trap_vector
	.type rv_trap_vector, @function
rv_trap_vector:
	csrrw	sp, sscratch, sp
	addi	sp, sp, -TF_SIZE
	sd	x1, 8(sp)
	sd	x3, 24(sp)
	sd	x4, 32(sp)
	sd	x5, 40(sp)
	sd	x6, 48(sp)
	sd	x7, 56(sp)
	sd	x8, 64(sp)
	sd	x9, 72(sp)
	sd	x10, 80(sp)
	sd	x11, 88(sp)
	sd	x12, 96(sp)
	sd	x13, 104(sp)
	sd	x14, 112(sp)
	sd	x15, 120(sp)
	sd	x16, 128(sp)
	sd	x17, 136(sp)
	sd	x18, 144(sp)
	sd	x19, 152(sp)
	sd	x20, 160(sp)
	sd	x21, 168(sp)
	sd	x22, 176(sp)
	sd	x23, 184(sp)
	sd	x24, 192(sp)
	sd	x25, 200(sp)
	sd	x26, 208(sp)
	sd	x27, 216(sp)
	sd	x28, 224(sp)
	sd	x29, 232(sp)
	sd	x30, 240(sp)
	sd	x31, 248(sp)
	csrr	t0, sscratch
	sd	t0, 16(sp)		/* the interrupted sp */
	addi	t1, sp, TF_SIZE
	csrw	sscratch, t1		/* a fault in the handler finds a good stack */
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	fsd	f0, 288(sp)
	fsd	f1, 296(sp)
	fsd	f2, 304(sp)
	fsd	f3, 312(sp)
	fsd	f4, 320(sp)
	fsd	f5, 328(sp)
	fsd	f6, 336(sp)
	fsd	f7, 344(sp)
	fsd	f8, 352(sp)
	fsd	f9, 360(sp)
	fsd	f10, 368(sp)
	fsd	f11, 376(sp)
	fsd	f12, 384(sp)
	fsd	f13, 392(sp)
	fsd	f14, 400(sp)
	fsd	f15, 408(sp)
	fsd	f16, 416(sp)
	fsd	f17, 424(sp)
	fsd	f18, 432(sp)
	fsd	f19, 440(sp)
	fsd	f20, 448(sp)
	fsd	f21, 456(sp)
	fsd	f22, 464(sp)
	fsd	f23, 472(sp)
	fsd	f24, 480(sp)
	fsd	f25, 488(sp)
	fsd	f26, 496(sp)
	fsd	f27, 504(sp)
	fsd	f28, 512(sp)
	fsd	f29, 520(sp)
	fsd	f30, 528(sp)
	fsd	f31, 536(sp)
	frcsr	t0
	sd	t0, TF_FCSR(sp)
	/* a frame record so backtraces walk from the handler into the interrupted code */
	addi	sp, sp, -16
	ld	t0, 16+TF_SEPC(sp)
	sd	t0, 8(sp)
	ld	t0, 16+64(sp)		/* interrupted s0 */
	sd	t0, 0(sp)
	addi	s0, sp, 16
	addi	a0, sp, 16
	call	rv_trap_handler
	addi	sp, sp, 16
	ld	t0, TF_FCSR(sp)
	fscsr	t0
	fld	f0, 288(sp)
	fld	f1, 296(sp)
	fld	f2, 304(sp)
	fld	f3, 312(sp)
	fld	f4, 320(sp)
	fld	f5, 328(sp)
	fld	f6, 336(sp)
	fld	f7, 344(sp)
	fld	f8, 352(sp)
	fld	f9, 360(sp)
	fld	f10, 368(sp)
	fld	f11, 376(sp)
	fld	f12, 384(sp)
	fld	f13, 392(sp)
	fld	f14, 400(sp)
	fld	f15, 408(sp)
	fld	f16, 416(sp)
	fld	f17, 424(sp)
	fld	f18, 432(sp)
	fld	f19, 440(sp)
	fld	f20, 448(sp)
	fld	f21, 456(sp)
	fld	f22, 464(sp)
	fld	f23, 472(sp)
	fld	f24, 480(sp)
	fld	f25, 488(sp)
	fld	f26, 496(sp)
	fld	f27, 504(sp)
	fld	f28, 512(sp)
	fld	f29, 520(sp)
	fld	f30, 528(sp)
	fld	f31, 536(sp)
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, 8(sp)
	ld	x3, 24(sp)
	ld	x4, 32(sp)
	ld	x5, 40(sp)
	ld	x6, 48(sp)
	ld	x7, 56(sp)
	ld	x8, 64(sp)
	ld	x9, 72(sp)
	ld	x10, 80(sp)
	ld	x11, 88(sp)
	ld	x12, 96(sp)
	ld	x13, 104(sp)
	ld	x14, 112(sp)
	ld	x15, 120(sp)
	ld	x16, 128(sp)
	ld	x17, 136(sp)
	ld	x18, 144(sp)
	ld	x19, 152(sp)
	ld	x20, 160(sp)
	ld	x21, 168(sp)
	ld	x22, 176(sp)
	ld	x23, 184(sp)
	ld	x24, 192(sp)
	ld	x25, 200(sp)
	ld	x26, 208(sp)
	ld	x27, 216(sp)
	ld	x28, 224(sp)
	ld	x29, 232(sp)
	ld	x30, 240(sp)
	ld	x31, 248(sp)
	ld	sp, 16(sp)
	sret

/*
 * Probes: loads and stores that may fault. The trap handler sends a fault at
 * rv_probe_load_insn / rv_probe_store_insn to rv_probe_fixup.
 * int rv_probe_read64(const void *addr, uint64_t *out)
 * int rv_probe_write64(void *addr, uint64_t val)
 */
	.globl rv_probe_read64, rv_probe_write64, rv_probe_load_insn, rv_probe_store_insn, rv_probe_fixup
rv_probe_read64:
rv_probe_load_insn:
	ld	t0, 0(a0)
	sd	t0, 0(a1)
	li	a0, 0
	ret
rv_probe_write64:
rv_probe_store_insn:
	sd	a1, 0(a0)
	li	a0, 0
	ret
rv_probe_fixup:
	li	a0, -11			/* ERR_FAULT */
	ret
	.size rv_trap_vector, . - rv_trap_vector

