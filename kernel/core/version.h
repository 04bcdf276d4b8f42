/* version.h - the kernel's name and version, shown at boot and by `version`. */
#pragma once

#define KERNEL_NAME	   "wasmos"
#define KERNEL_VERSION_NUM "0.1.0"
#define KERNEL_VERSION	   KERNEL_NAME " " KERNEL_VERSION_NUM " (riscv64)"
