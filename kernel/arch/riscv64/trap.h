/* trap.h - the riscv64 trap frame (layout shared with entry.S). */
#pragma once

#include <stdint.h>

#include "base/compiler.h"

struct trap_frame {
	uint64_t x[32]; /* x[0] holds nothing; x[2] is the interrupted sp */
	uint64_t sepc, sstatus, scause, stval;
	uint64_t f[32];
	uint64_t fcsr, pad;
};

#include "arch/riscv64/trap_offsets.h"
#define TF_F (36 * 8)

STATIC_ASSERT(__builtin_offsetof(struct trap_frame, sepc) == TF_SEPC);
STATIC_ASSERT(__builtin_offsetof(struct trap_frame, f) == TF_F);
STATIC_ASSERT(__builtin_offsetof(struct trap_frame, fcsr) == TF_FCSR);
STATIC_ASSERT(sizeof(struct trap_frame) == TF_SIZE);

void rv_trap_handler(struct trap_frame *tf);
