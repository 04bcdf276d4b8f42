/*
 * rv64_enc.h - the riscv64 (RV64GC) instruction encoder of the baseline
 * compiler: each rv64_<insn>() appends one 32-bit instruction to a code
 * buffer, in the operand order of the assembler ("addi rd, rs1, imm").
 *
 * Portable: emitting bytes needs no riscv64; running them does. No
 * compressed (C) instructions: every instruction is one aligned 32-bit word,
 * so a position is a word index and any word can be patched in place.
 *
 * Contracts: registers are 0..31 (x and f alike), checked by ASSERT in
 * debug and test builds (a register is the compiler's choice: a bad one is
 * a broken compiler). Immediates and offsets are checked always: they grow
 * with the input (a frame's size, a branch across a huge body), so one out
 * of range is a soft error, never an assertion: the rv64_enc_*() format
 * function returns RV64_BAD instead of a word, emitting RV64_BAD makes the
 * buffer's error sticky (and still appends the word, so positions stay
 * true), and rv64_patch_*() fail the same way when a late-bound target
 * does not reach. A compiler emits freely and checks once, at the end.
 *
 * Instructions of one shape are defined by a local macro (RV64_ITYPE,
 * RV64_RTYPE, ...): one line per instruction naming its opcode fields, so
 * the table reads like the ISA manual's opcode map; each macro is #undef'd
 * after its table.
 *
 * Invariant of struct rv64_buf: words[0..len) are the instructions emitted
 * so far, len <= cap; once an allocation fails `oom` stays set, nothing more
 * is appended; once an encoding fails `err` stays set. Emitting goes on
 * harmlessly after either, so a compiler checks once at the end with
 * rv64_buf_error().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/assert.h"
#include "base/err.h"

/* The integer registers by their ABI names. */
enum rv64_reg {
	RV64_ZERO = 0,
	RV64_RA = 1,
	RV64_SP = 2,
	RV64_GP = 3,
	RV64_TP = 4,
	RV64_T0 = 5,
	RV64_T1 = 6,
	RV64_T2 = 7,
	RV64_S0 = 8,
	RV64_S1 = 9,
	RV64_A0 = 10,
	RV64_A1 = 11,
	RV64_A2 = 12,
	RV64_A3 = 13,
	RV64_A4 = 14,
	RV64_A5 = 15,
	RV64_A6 = 16,
	RV64_A7 = 17,
	RV64_S2 = 18,
	RV64_S3 = 19,
	RV64_S4 = 20,
	RV64_S5 = 21,
	RV64_S6 = 22,
	RV64_S7 = 23,
	RV64_S8 = 24,
	RV64_S9 = 25,
	RV64_S10 = 26,
	RV64_S11 = 27,
	RV64_T3 = 28,
	RV64_T4 = 29,
	RV64_T5 = 30,
	RV64_T6 = 31,
};

/* Floating-point rounding modes (the rm field); DYN uses fcsr.frm. */
enum rv64_rm {
	RV64_RNE = 0, /* to nearest, ties to even */
	RV64_RTZ = 1, /* toward zero */
	RV64_RDN = 2, /* down */
	RV64_RUP = 3, /* up */
	RV64_RMM = 4, /* to nearest, ties away from zero */
	RV64_DYN = 7,
};

/* fence's predecessor/successor sets. */
enum rv64_fence_set { RV64_FENCE_W = 1, RV64_FENCE_R = 2, RV64_FENCE_O = 4, RV64_FENCE_I = 8 };

struct rv64_buf {
	uint32_t *words; /* owned, malloc'ed */
	size_t len, cap; /* in words */
	bool oom;	 /* an allocation failed: words[len..] were dropped */
	int err;	 /* the first failed encoding or patch (ERR_RANGE, ERR_INVAL) */
};

/* What a format function returns for an operand out of range: not an
 * instruction (the all-zero word is defined illegal; every word the
 * encoder makes has opcode bits 1..0 set). */
#define RV64_BAD 0u

/* rv64_buf_init - an empty buffer; allocates nothing yet. */
void rv64_buf_init(struct rv64_buf *b);

/* rv64_buf_free - frees the words; the buffer is empty again and reusable. */
void rv64_buf_free(struct rv64_buf *b);

/* rv64_buf_error - ERR_NOMEM if any append was dropped, else the first
 * encoding error (ERR_RANGE: an operand or a patched distance out of range;
 * ERR_INVAL: a patch of the wrong kind of word), else 0. */
int rv64_buf_error(const struct rv64_buf *b);

/* rv64_buf_grow - makes room for one more word (internal to rv64_emit):
 * doubles cap, or sets `oom` and returns false. */
bool rv64_buf_grow(struct rv64_buf *b);

/* rv64_pos - the word index the next instruction will have (a label). */
static inline size_t rv64_pos(const struct rv64_buf *b)
{
	return b->len;
}

/* rv64_emit - appends one instruction word (dropped once out of memory);
 * RV64_BAD sets the buffer's error. */
static inline void rv64_emit(struct rv64_buf *b, uint32_t w)
{
	if (UNLIKELY(w == RV64_BAD) && !b->err)
		b->err = ERR_RANGE;
	if (UNLIKELY(b->len == b->cap) && !rv64_buf_grow(b))
		return;
	b->words[b->len++] = w;
}

/* Range tests, for a caller choosing between forms. */
static inline bool rv64_fits_simm(int64_t v, unsigned bits)
{
	return v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1));
}
static inline bool rv64_fits_imm12(int64_t v)
{
	return rv64_fits_simm(v, 12);
}
/* Branch and jal offsets are in bytes, even, from the branch itself. */
static inline bool rv64_fits_branch(int64_t off)
{
	return (off & 1) == 0 && rv64_fits_simm(off, 13);
}
static inline bool rv64_fits_jal(int64_t off)
{
	return (off & 1) == 0 && rv64_fits_simm(off, 21);
}

/* The six base formats (the contract above: registers and function codes by
 * ASSERT, immediates by RV64_BAD). */
static inline uint32_t rv64_enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2,
				  uint32_t f7)
{
	ASSERT(rd < 32 && rs1 < 32 && rs2 < 32 && f3 < 8 && f7 < 128);
	return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
static inline uint32_t rv64_enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm)
{
	ASSERT(rd < 32 && rs1 < 32);
	if (!rv64_fits_imm12(imm))
		return RV64_BAD;
	return op | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}
static inline uint32_t rv64_enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	ASSERT(rs1 < 32 && rs2 < 32);
	if (!rv64_fits_imm12(imm))
		return RV64_BAD;
	return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | (u >> 5 & 0x7f) << 25;
}
static inline uint32_t rv64_enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int64_t off)
{
	uint32_t u = (uint32_t)off;

	ASSERT(rs1 < 32 && rs2 < 32);
	if (!rv64_fits_branch(off))
		return RV64_BAD;
	return 0x63 | (u >> 11 & 1) << 7 | (u >> 1 & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
	       (u >> 5 & 0x3f) << 25 | (u >> 12 & 1) << 31;
}
static inline uint32_t rv64_enc_u(uint32_t op, uint32_t rd, uint32_t imm20)
{
	ASSERT(rd < 32);
	if (imm20 >= (1u << 20))
		return RV64_BAD;
	return op | rd << 7 | imm20 << 12;
}
static inline uint32_t rv64_enc_j(uint32_t rd, int64_t off)
{
	uint32_t u = (uint32_t)off;

	ASSERT(rd < 32);
	if (!rv64_fits_jal(off))
		return RV64_BAD;
	return 0x6f | rd << 7 | (u >> 12 & 0xff) << 12 | (u >> 11 & 1) << 20 |
	       (u >> 1 & 0x3ff) << 21 | (u >> 20 & 1) << 31;
}

/* ---- RV64I ---- */

/* lui/auipc take the 20-bit field as the assembler does (0..0xfffff). */
static inline void rv64_lui(struct rv64_buf *b, unsigned rd, uint32_t imm20)
{
	rv64_emit(b, rv64_enc_u(0x37, rd, imm20));
}
static inline void rv64_auipc(struct rv64_buf *b, unsigned rd, uint32_t imm20)
{
	rv64_emit(b, rv64_enc_u(0x17, rd, imm20));
}
static inline void rv64_jal(struct rv64_buf *b, unsigned rd, int64_t off)
{
	rv64_emit(b, rv64_enc_j(rd, off));
}
static inline void rv64_jalr(struct rv64_buf *b, unsigned rd, unsigned rs1, int32_t imm)
{
	rv64_emit(b, rv64_enc_i(0x67, rd, 0, rs1, imm));
}

/* Branches: rv64_beq(b, rs1, rs2, off) branches to pc+off when rs1 == rs2. */
#define RV64_BRANCH(name, f3)                                                          \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rs1, unsigned rs2, \
				       int64_t off)                                    \
	{                                                                              \
		rv64_emit(b, rv64_enc_b(f3, rs1, rs2, off));                           \
	}
RV64_BRANCH(beq, 0)
RV64_BRANCH(bne, 1)
RV64_BRANCH(blt, 4)
RV64_BRANCH(bge, 5)
RV64_BRANCH(bltu, 6)
RV64_BRANCH(bgeu, 7)
#undef RV64_BRANCH

/* I-type with a 12-bit signed immediate: loads (rd, imm(rs1)), OP-IMM, jalr. */
#define RV64_ITYPE(name, op, f3)                                                                   \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, int32_t imm) \
	{                                                                                          \
		rv64_emit(b, rv64_enc_i(op, rd, f3, rs1, imm));                                    \
	}
RV64_ITYPE(lb, 0x03, 0)
RV64_ITYPE(lh, 0x03, 1)
RV64_ITYPE(lw, 0x03, 2)
RV64_ITYPE(ld, 0x03, 3)
RV64_ITYPE(lbu, 0x03, 4)
RV64_ITYPE(lhu, 0x03, 5)
RV64_ITYPE(lwu, 0x03, 6)
RV64_ITYPE(addi, 0x13, 0)
RV64_ITYPE(slti, 0x13, 2)
RV64_ITYPE(sltiu, 0x13, 3)
RV64_ITYPE(xori, 0x13, 4)
RV64_ITYPE(ori, 0x13, 6)
RV64_ITYPE(andi, 0x13, 7)
RV64_ITYPE(addiw, 0x1b, 0)
RV64_ITYPE(flw, 0x07, 2)
RV64_ITYPE(fld, 0x07, 3)
#undef RV64_ITYPE

/* Stores: rv64_sd(b, rs2, imm, rs1) is "sd rs2, imm(rs1)". */
#define RV64_STORE(name, op, f3)                                                      \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rs2, int32_t imm, \
				       unsigned rs1)                                  \
	{                                                                             \
		rv64_emit(b, rv64_enc_s(op, f3, rs1, rs2, imm));                      \
	}
RV64_STORE(sb, 0x23, 0)
RV64_STORE(sh, 0x23, 1)
RV64_STORE(sw, 0x23, 2)
RV64_STORE(sd, 0x23, 3)
RV64_STORE(fsw, 0x27, 2)
RV64_STORE(fsd, 0x27, 3)
#undef RV64_STORE

/* Shifts by an immediate: 0..63 (0..31 for the W forms). Bit 30 picks arithmetic. */
#define RV64_SHIFTI(name, op, f3, hi, max)                                                         \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, unsigned sh) \
	{                                                                                          \
		rv64_emit(b, sh <= (max) ? rv64_enc_i(op, rd, f3, rs1, (int32_t)((hi) | sh))       \
					 : RV64_BAD);                                              \
	}
RV64_SHIFTI(slli, 0x13, 1, 0x000, 63)
RV64_SHIFTI(srli, 0x13, 5, 0x000, 63)
RV64_SHIFTI(srai, 0x13, 5, 0x400, 63)
RV64_SHIFTI(slliw, 0x1b, 1, 0x000, 31)
RV64_SHIFTI(srliw, 0x1b, 5, 0x000, 31)
RV64_SHIFTI(sraiw, 0x1b, 5, 0x400, 31)
#undef RV64_SHIFTI

/* Register-register: OP (0x33) and OP-32 (0x3b), M included (funct7 1). */
#define RV64_RTYPE(name, op, f3, f7)                                                  \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, \
				       unsigned rs2)                                  \
	{                                                                             \
		rv64_emit(b, rv64_enc_r(op, rd, f3, rs1, rs2, f7));                   \
	}
RV64_RTYPE(add, 0x33, 0, 0x00)
RV64_RTYPE(sub, 0x33, 0, 0x20)
RV64_RTYPE(sll, 0x33, 1, 0x00)
RV64_RTYPE(slt, 0x33, 2, 0x00)
RV64_RTYPE(sltu, 0x33, 3, 0x00)
RV64_RTYPE(xor, 0x33, 4, 0x00)
RV64_RTYPE(srl, 0x33, 5, 0x00)
RV64_RTYPE(sra, 0x33, 5, 0x20)
RV64_RTYPE(or, 0x33, 6, 0x00)
RV64_RTYPE(and, 0x33, 7, 0x00)
RV64_RTYPE(addw, 0x3b, 0, 0x00)
RV64_RTYPE(subw, 0x3b, 0, 0x20)
RV64_RTYPE(sllw, 0x3b, 1, 0x00)
RV64_RTYPE(srlw, 0x3b, 5, 0x00)
RV64_RTYPE(sraw, 0x3b, 5, 0x20)
RV64_RTYPE(mul, 0x33, 0, 0x01)
RV64_RTYPE(mulh, 0x33, 1, 0x01)
RV64_RTYPE(mulhsu, 0x33, 2, 0x01)
RV64_RTYPE(mulhu, 0x33, 3, 0x01)
RV64_RTYPE(div, 0x33, 4, 0x01)
RV64_RTYPE(divu, 0x33, 5, 0x01)
RV64_RTYPE(rem, 0x33, 6, 0x01)
RV64_RTYPE(remu, 0x33, 7, 0x01)
RV64_RTYPE(mulw, 0x3b, 0, 0x01)
RV64_RTYPE(divw, 0x3b, 4, 0x01)
RV64_RTYPE(divuw, 0x3b, 5, 0x01)
RV64_RTYPE(remw, 0x3b, 6, 0x01)
RV64_RTYPE(remuw, 0x3b, 7, 0x01)
#undef RV64_RTYPE

/* fence pred, succ (sets of RV64_FENCE_*); fence.i orders this hart's
 * instruction fetches after its earlier stores (Zifencei). */
static inline void rv64_fence(struct rv64_buf *b, unsigned pred, unsigned succ)
{
	ASSERT(pred < 16 && succ < 16);
	rv64_emit(b, 0x0f | pred << 24 | succ << 20);
}
static inline void rv64_fence_i(struct rv64_buf *b)
{
	rv64_emit(b, 0x0000100f);
}
static inline void rv64_ecall(struct rv64_buf *b)
{
	rv64_emit(b, 0x00000073);
}
static inline void rv64_ebreak(struct rv64_buf *b)
{
	rv64_emit(b, 0x00100073);
}

/* Zicsr: rv64_csrrs(b, rd, csr, rs1). */
#define RV64_CSR(name, f3)                                                            \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned csr, \
				       unsigned rs1)                                  \
	{                                                                             \
		ASSERT(csr < 4096 && rs1 < 32 && rd < 32);                            \
		rv64_emit(b, 0x73 | rd << 7 | (f3) << 12 | rs1 << 15 | csr << 20);    \
	}
RV64_CSR(csrrw, 1)
RV64_CSR(csrrs, 2)
RV64_CSR(csrrc, 3)
#undef RV64_CSR
#define RV64_CSR_FFLAGS 0x001
#define RV64_CSR_FRM	0x002
#define RV64_CSR_FCSR	0x003

/* ---- F and D ---- */

/* OP-FP (0x53): funct7 = funct5 << 2 | fmt (0 single, 1 double). */
static inline uint32_t rv64_enc_fp(uint32_t f5, uint32_t fmt, uint32_t rd, uint32_t rs1,
				   uint32_t rs2, uint32_t rm)
{
	return rv64_enc_r(0x53, rd, rm, rs1, rs2, f5 << 2 | fmt);
}

/* Rounded arithmetic: rv64_fadd_d(b, rd, rs1, rs2, rm). */
#define RV64_FARITH(name, f5, fmt)                                                    \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, \
				       unsigned rs2, enum rv64_rm rm)                 \
	{                                                                             \
		rv64_emit(b, rv64_enc_fp(f5, fmt, rd, rs1, rs2, rm));                 \
	}
RV64_FARITH(fadd_s, 0x00, 0)
RV64_FARITH(fsub_s, 0x01, 0)
RV64_FARITH(fmul_s, 0x02, 0)
RV64_FARITH(fdiv_s, 0x03, 0)
RV64_FARITH(fadd_d, 0x00, 1)
RV64_FARITH(fsub_d, 0x01, 1)
RV64_FARITH(fmul_d, 0x02, 1)
RV64_FARITH(fdiv_d, 0x03, 1)
#undef RV64_FARITH

/* Unrounded two-operand ops, the funct3 picking the op: sign injection,
 * min/max and compares (the compares write an integer rd). */
#define RV64_FOP2(name, f5, fmt, f3)                                                  \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, \
				       unsigned rs2)                                  \
	{                                                                             \
		rv64_emit(b, rv64_enc_fp(f5, fmt, rd, rs1, rs2, f3));                 \
	}
RV64_FOP2(fsgnj_s, 0x04, 0, 0)
RV64_FOP2(fsgnjn_s, 0x04, 0, 1)
RV64_FOP2(fsgnjx_s, 0x04, 0, 2)
RV64_FOP2(fmin_s, 0x05, 0, 0)
RV64_FOP2(fmax_s, 0x05, 0, 1)
RV64_FOP2(fle_s, 0x14, 0, 0)
RV64_FOP2(flt_s, 0x14, 0, 1)
RV64_FOP2(feq_s, 0x14, 0, 2)
RV64_FOP2(fsgnj_d, 0x04, 1, 0)
RV64_FOP2(fsgnjn_d, 0x04, 1, 1)
RV64_FOP2(fsgnjx_d, 0x04, 1, 2)
RV64_FOP2(fmin_d, 0x05, 1, 0)
RV64_FOP2(fmax_d, 0x05, 1, 1)
RV64_FOP2(fle_d, 0x14, 1, 0)
RV64_FOP2(flt_d, 0x14, 1, 1)
RV64_FOP2(feq_d, 0x14, 1, 2)
#undef RV64_FOP2

/* One-operand ops with a fixed rs2 selector. Conversions that can round
 * take rm; the exact ones (int32 to double, single to double) encode rm 0
 * as the assembler does. fmv and fclass move bits unchanged. */
#define RV64_FOP1_RM(name, f5, fmt, sel)                                              \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1, \
				       enum rv64_rm rm)                               \
	{                                                                             \
		rv64_emit(b, rv64_enc_fp(f5, fmt, rd, rs1, sel, rm));                 \
	}
#define RV64_FOP1(name, f5, fmt, sel, f3)                                             \
	static inline void rv64_##name(struct rv64_buf *b, unsigned rd, unsigned rs1) \
	{                                                                             \
		rv64_emit(b, rv64_enc_fp(f5, fmt, rd, rs1, sel, f3));                 \
	}
RV64_FOP1_RM(fsqrt_s, 0x0b, 0, 0)
RV64_FOP1_RM(fsqrt_d, 0x0b, 1, 0)
RV64_FOP1_RM(fcvt_s_d, 0x08, 0, 1)
RV64_FOP1(fcvt_d_s, 0x08, 1, 0, 0)
/* float to integer: .w .wu .l .lu */
RV64_FOP1_RM(fcvt_w_s, 0x18, 0, 0)
RV64_FOP1_RM(fcvt_wu_s, 0x18, 0, 1)
RV64_FOP1_RM(fcvt_l_s, 0x18, 0, 2)
RV64_FOP1_RM(fcvt_lu_s, 0x18, 0, 3)
RV64_FOP1_RM(fcvt_w_d, 0x18, 1, 0)
RV64_FOP1_RM(fcvt_wu_d, 0x18, 1, 1)
RV64_FOP1_RM(fcvt_l_d, 0x18, 1, 2)
RV64_FOP1_RM(fcvt_lu_d, 0x18, 1, 3)
/* integer to float */
RV64_FOP1_RM(fcvt_s_w, 0x1a, 0, 0)
RV64_FOP1_RM(fcvt_s_wu, 0x1a, 0, 1)
RV64_FOP1_RM(fcvt_s_l, 0x1a, 0, 2)
RV64_FOP1_RM(fcvt_s_lu, 0x1a, 0, 3)
RV64_FOP1(fcvt_d_w, 0x1a, 1, 0, 0)
RV64_FOP1(fcvt_d_wu, 0x1a, 1, 1, 0)
RV64_FOP1_RM(fcvt_d_l, 0x1a, 1, 2)
RV64_FOP1_RM(fcvt_d_lu, 0x1a, 1, 3)
/* bit moves and classification */
RV64_FOP1(fmv_x_w, 0x1c, 0, 0, 0)
RV64_FOP1(fclass_s, 0x1c, 0, 0, 1)
RV64_FOP1(fmv_w_x, 0x1e, 0, 0, 0)
RV64_FOP1(fmv_x_d, 0x1c, 1, 0, 0)
RV64_FOP1(fclass_d, 0x1c, 1, 0, 1)
RV64_FOP1(fmv_d_x, 0x1e, 1, 0, 0)
#undef RV64_FOP1_RM
#undef RV64_FOP1

/* ---- Sequences and late binding ---- */

/* rv64_mv / rv64_nop - the usual aliases. */
static inline void rv64_mv(struct rv64_buf *b, unsigned rd, unsigned rs)
{
	rv64_addi(b, rd, rs, 0);
}
static inline void rv64_nop(struct rv64_buf *b)
{
	rv64_addi(b, RV64_ZERO, RV64_ZERO, 0);
}

/*
 * rv64_li - loads any 64-bit constant into rd (rd != x0), with at most 8
 * instructions and no scratch register: addi alone for 12 bits, lui+addiw for
 * 32 bits, otherwise the upper part built recursively then shifted left and
 * the low 12 bits added; a positive value with leading zeros may instead be
 * built shifted up and brought down by srli (0xffffffff: addi, srli), when
 * that is shorter. Returns the length of the sequence (appended unless the
 * buffer is out of memory).
 */
unsigned rv64_li(struct rv64_buf *b, unsigned rd, int64_t v);

/*
 * rv64_patch_branch / rv64_patch_jal - point the branch or jal at word index
 * `at` (emitted earlier with any in-range offset, typically 0) to word index
 * `target`. Returns 0, or ERR_RANGE (the word is unchanged) when the distance
 * does not fit (branch: +-4 KiB, jal: +-1 MiB), or ERR_INVAL when the word at
 * `at` is not that kind of instruction or `at` is not emitted; either also
 * becomes the buffer's error. Out of memory (no word at `at`) is ERR_NOMEM.
 * rv64_patch does whichever of the two the word at `at` is.
 */
int rv64_patch_branch(struct rv64_buf *b, size_t at, size_t target);
int rv64_patch_jal(struct rv64_buf *b, size_t at, size_t target);
int rv64_patch(struct rv64_buf *b, size_t at, size_t target);
