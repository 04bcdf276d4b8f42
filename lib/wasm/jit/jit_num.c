/*
 * jit_num.c - riscv64 code for the numeric instructions (jit_num.h).
 *
 * Not written yet: every operator is refused, so the compiler computes
 * each numeric instruction through its runtime (slow, but exact).
 */
#include "wasm/jit/jit_num.h"

bool jit_num_supported(uint32_t op)
{
	(void)op;
	return false;
}

bool jit_num_emit(struct rv64_buf *b, uint32_t op, const struct jit_num_regs *r,
		  const struct jit_num_trap *t)
{
	(void)b;
	(void)r;
	(void)t;
	return jit_num_supported(op);
}
