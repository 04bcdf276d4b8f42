/*
 * kmain.h - state the boot sequence sets up once, read by the rest of the
 * kernel. Written only by the boot CPU before the other CPUs are let in;
 * read-only after.
 */
#pragma once

#include <stdint.h>

#include "core/boot_info.h"
#include "drivers/uart.h"
#include "drivers/virtio_blk.h"
#include "fdt/fdt.h"

struct kernel_globals {
	struct boot_info *bi;
	struct fdt fdt;
	struct fdt_info dt;
	struct uart *uart;     /* the console UART, or NULL */
	struct vblk *disk;     /* the first virtio-blk disk, or NULL */
	uint64_t boot_ticks;   /* rdtime at loader entry */
	uint64_t booted_ticks; /* rdtime when boot finished */
};

extern struct kernel_globals kg;

/* What the boot CPU does once booted: the shell (kernel/shell/shell.c), or the
 * in-kernel tests in the test kernel (kernel/tests/ktest.c). */
NORETURN void kernel_run(void);
