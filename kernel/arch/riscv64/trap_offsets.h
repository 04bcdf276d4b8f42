/* trap_offsets.h - trap frame offsets for assembly (checked against trap.h). */
#pragma once
#define TF_SIZE	   (70 * 8)
#define TF_SEPC	   (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE  (34 * 8)
#define TF_STVAL   (35 * 8)
#define TF_FCSR	   (68 * 8)
