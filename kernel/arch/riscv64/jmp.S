/*
 * jmp.S - a minimal setjmp/longjmp for the kernel: the landing point of a
 * WebAssembly guard_call (kernel/wasm/kmem.c). The buffer holds the
 * callee-saved state of the lp64d ABI: ra, sp, s0-s11, fs0-fs11 (26
 * doublewords, layout private to this file and struct arch_jmp_buf).
 *
 * int arch_setjmp(struct arch_jmp_buf *b)        returns 0, or v from rv_longjmp
 * void rv_longjmp(struct arch_jmp_buf *b, int v)  never returns; v must be != 0
 *
 * The trap handler resumes a faulting guest access at rv_longjmp by setting
 * sepc = rv_longjmp, a0 = b, a1 = v in the trap frame: sret then "calls" it
 * in the interrupted context, whose sp is still valid.
 */
	.text
	.globl arch_setjmp, rv_longjmp
	.type arch_setjmp, @function
arch_setjmp:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	fsd	fs0, 112(a0)
	fsd	fs1, 120(a0)
	fsd	fs2, 128(a0)
	fsd	fs3, 136(a0)
	fsd	fs4, 144(a0)
	fsd	fs5, 152(a0)
	fsd	fs6, 160(a0)
	fsd	fs7, 168(a0)
	fsd	fs8, 176(a0)
	fsd	fs9, 184(a0)
	fsd	fs10, 192(a0)
	fsd	fs11, 200(a0)
	li	a0, 0
	ret
	.size arch_setjmp, . - arch_setjmp

	.type rv_longjmp, @function
rv_longjmp:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	ld	s0, 16(a0)
	ld	s1, 24(a0)
	ld	s2, 32(a0)
	ld	s3, 40(a0)
	ld	s4, 48(a0)
	ld	s5, 56(a0)
	ld	s6, 64(a0)
	ld	s7, 72(a0)
	ld	s8, 80(a0)
	ld	s9, 88(a0)
	ld	s10, 96(a0)
	ld	s11, 104(a0)
	fld	fs0, 112(a0)
	fld	fs1, 120(a0)
	fld	fs2, 128(a0)
	fld	fs3, 136(a0)
	fld	fs4, 144(a0)
	fld	fs5, 152(a0)
	fld	fs6, 160(a0)
	fld	fs7, 168(a0)
	fld	fs8, 176(a0)
	fld	fs9, 184(a0)
	fld	fs10, 192(a0)
	fld	fs11, 200(a0)
	mv	a0, a1
	ret
	.size rv_longjmp, . - rv_longjmp
