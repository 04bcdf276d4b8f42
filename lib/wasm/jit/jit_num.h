/*
 * jit_num.h - riscv64 code for WebAssembly's numeric instructions: every
 * row of the opcode table (wasm/opcodes.h) whose translator class is NUM,
 * from operands in registers to a result in a register, with the exact
 * semantics of the spec (and of the interpreter, interp_num.h): NaN
 * results of min/max, rounding of nearest, traps of division and
 * truncation, saturation of trunc_sat, and so on. RV64GC only (no Zb*).
 *
 * Register convention (jit_abi.h): an i32 in an x register is kept
 * sign-extended to 64 bits, both as an operand and as a result; an f32 in
 * an f register is NaN-boxed (as the F/D instructions leave it).
 *
 * The compiler folds constants and fuses compares into branches itself;
 * this is the general register form it falls back on, and the one place
 * that knows how each operator maps to riscv64.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/jit/rv64_enc.h"

/*
 * The registers of one instruction. rs2 is unused by unary operators;
 * x registers for integer operands and results, f registers for float
 * ones (a conversion reads one kind and writes the other). rd may equal an
 * operand register. tmp and ftmp are scratch registers the code may
 * clobber (distinct from each other and from rd, rs1, rs2).
 */
struct jit_num_regs {
	uint8_t rd, rs1, rs2;
	uint8_t tmp[2];
	uint8_t ftmp[2];
};

/*
 * Where an instruction that can trap goes when it does: the code emits a
 * conditional branch (or jal) with offset 0 and calls trap(arg, pos, kind)
 * with its position in the buffer and the trap kind (enum wasm_trap_kind);
 * the caller later patches it (rv64_patch_branch / rv64_patch_jal, as the
 * instruction at pos is) to its trap path. The trap path runs with the
 * operand registers unchanged.
 */
struct jit_num_trap {
	void (*trap)(void *arg, size_t pos, int kind);
	void *arg;
};

/*
 * jit_num_emit - appends the code of NUM instruction `op` (its index in
 * the opcode table, WASM_OP_INDEX(prefix, code)) to b. Returns false,
 * emitting nothing, if `op` is not a NUM row. `t` is needed (non-NULL) by
 * the operators that can trap: integer div/rem and the non-saturating
 * float-to-integer truncations. The code may be empty (i64.extend_i32_s
 * with rd == rs1). Out of memory, it is dropped as rv64_buf says (traps
 * are still reported; patching them then fails with ERR_NOMEM).
 */
bool jit_num_emit(struct rv64_buf *b, uint32_t op, const struct jit_num_regs *r,
		  const struct jit_num_trap *t);

/* jit_num_supported - whether jit_num_emit knows `op` (an opcode index). */
bool jit_num_supported(uint32_t op);
