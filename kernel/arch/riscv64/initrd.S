/*
 * initrd.S - the initrd (a cpio newc archive, mk/lib-userland.mk) in the
 * kernel image's read-only data, between initrd_start and initrd_end.
 */
#ifndef INITRD_PATH
#error "INITRD_PATH must name the cpio archive (mk/lib-userland.mk)"
#endif

	.section .rodata.initrd, "a"
	.balign 16
	.globl initrd_start
	.hidden initrd_start
initrd_start:
	.incbin INITRD_PATH
	.globl initrd_end
	.hidden initrd_end
initrd_end:
