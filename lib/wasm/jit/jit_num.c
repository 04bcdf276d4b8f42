/*
 * jit_num.c - riscv64 code for the numeric instructions (jit_num.h).
 *
 * One rule per NUM row of the opcode table, indexed like it: the rule's
 * shape says how the instruction is built, its function the encoder call
 * that does the work (rv64_addw, rv64_fcvt_w_s, ...) and its argument the
 * rest (a rounding mode, a width). Most rows are one instruction; the
 * shapes below them write out the sequences RV64GC needs where Wasm and
 * RISC-V differ:
 *
 *   clz, ctz    the exponent of an exact int-to-float conversion (no Zbb)
 *   popcnt      SWAR: 2-, 4-, 8-bit sums, then one multiply adds the bytes
 *   rotl, rotr  two shifts and an or (the shifts mask their counts)
 *   div, rem    explicit traps (RISC-V's division never traps)
 *   min, max    fmin/fmax return the other operand for one NaN; Wasm wants
 *               a NaN: the sum of the operands gives the canonical one
 *   ceil, ...   fcvt to an integer and back in the rounding mode, for
 *               |x| < 2^52 (2^23); anything larger is integral already
 *   trunc       fcvt rounds toward zero and raises NV exactly when Wasm
 *               traps; the flag decides, a compare picks the trap kind
 *   trunc_sat   fcvt saturates as Wasm does, except NaN: masked to 0
 *
 * Lengths in words (emitted; executed on the usual path): compares 1-2,
 * clz 7, ctz 8 (7), popcnt 20 (i32) / 26 (i64), rotl/rotr 4, div_s 6 (4),
 * other div/rem 2, min/max 6 (5; 7 when rd is an operand), ceil/floor/
 * trunc/nearest 9 (9 below 2^52, else 6; one more when rd is the operand),
 * trapping trunc 8 (5), trunc_sat 4; everything else 1 or 2.
 *
 * Invariant: the code writes only rd, tmp[] and ftmp[] (and fflags), and
 * writes rd only after its last read of rs1 and rs2, so rd may be either
 * operand; every trap branch comes before rd is written, so a trap path
 * sees the operands unchanged. Internal branches are bound here; trap
 * branches are left with offset 0 for the caller (jit_num_trap).
 */
#include "wasm/jit/jit_num.h"

#include "wasm/opcodes.h"
#include "wasm/runtime.h"

typedef void (*num_rr_fn)(struct rv64_buf *b, unsigned rd, unsigned rs1, unsigned rs2);
typedef void (*num_rrm_fn)(struct rv64_buf *b, unsigned rd, unsigned rs1, unsigned rs2,
			   enum rv64_rm rm);
typedef void (*num_r1_fn)(struct rv64_buf *b, unsigned rd, unsigned rs1);
typedef void (*num_r1m_fn)(struct rv64_buf *b, unsigned rd, unsigned rs1, enum rv64_rm rm);
typedef void (*num_ri_fn)(struct rv64_buf *b, unsigned rd, unsigned rs1, int32_t imm);

enum num_shape {
	SH_NONE,     /* not a NUM row */
	SH_RR,	     /* rr(rd, rs1, rs2) */
	SH_RR_SWAP,  /* rr(rd, rs2, rs1): a > b as b < a */
	SH_RR_NOT,   /* rr(rd, rs1, rs2) then xori 1: a >= b as !(a < b) */
	SH_RR_SNOT,  /* rr(rd, rs2, rs1) then xori 1: a <= b as !(b < a) */
	SH_EQ,	     /* xor, then == 0 (arg 0) or != 0 (arg 1) */
	SH_RI,	     /* ri(rd, rs1, arg) */
	SH_MOVE,     /* rd = rs1: nothing when they are the same register */
	SH_FARITH,   /* rrm(rd, rs1, rs2, RNE) */
	SH_F1,	     /* r1(rd, rs1): exact conversions */
	SH_F1_RNE,   /* r1m(rd, rs1, RNE) */
	SH_SGNJ1,    /* rr(rd, rs1, rs1): abs and neg by sign injection */
	SH_SEXT,     /* sign-extend the low arg bits */
	SH_ZEXT32,   /* zero-extend the low 32 bits */
	SH_CLZ,	     /* arg: width */
	SH_CTZ,	     /* arg: width */
	SH_POPCNT,   /* arg: width */
	SH_ROT,	     /* arg: width | NUM_RIGHT */
	SH_DIV,	     /* rr; arg: 0, or the width of a signed overflow check */
	SH_MINMAX,   /* rr = fmin/fmax; arg: NUM_F64 or 0 */
	SH_ROUND,    /* arg: rounding mode | NUM_F64 */
	SH_TRUNC,    /* r1m = the fcvt; arg: NUM_F64 for a double source */
	SH_TRUNC_SAT /* r1m = the fcvt; arg: NUM_F64 for a double source */
};

#define NUM_F64	  0x80 /* double operand (else single) */
#define NUM_RIGHT 0x80 /* rotr (else rotl) */
#define NUM_WIDTH 0x7f /* the width in arg's low bits */

struct num_rule {
	uint8_t shape; /* enum num_shape */
	uint8_t arg;
	union {
		num_rr_fn rr;
		num_rrm_fn rrm;
		num_r1_fn r1;
		num_r1m_fn r1m;
		num_ri_fn ri;
	} fn;
};

/* The table's index of each row, by name (WASM_OP_INDEX of its opcode). */
enum {
#define NUM_IX(n, p, c, text, imm, sig, tr) NUM_IX_##n = WASM_OP_INDEX(p, c),
	WASM_OPCODES(NUM_IX)
#undef NUM_IX
};

#define RR(op, shape, f)    [NUM_IX_##op] = {shape, 0, {.rr = f}}
#define RA(op, shape, a, f) [NUM_IX_##op] = {shape, a, {.rr = f}}

/* clang-format off */
static const struct num_rule num_rules[WASM_OP_NINDEX] = {
	[NUM_IX_I32_EQZ] = {SH_RI, 1, {.ri = rv64_sltiu}},
	RA(I32_EQ, SH_EQ, 0, NULL),
	RA(I32_NE, SH_EQ, 1, NULL),
	RR(I32_LT_S, SH_RR, rv64_slt),
	RR(I32_LT_U, SH_RR, rv64_sltu),
	RR(I32_GT_S, SH_RR_SWAP, rv64_slt),
	RR(I32_GT_U, SH_RR_SWAP, rv64_sltu),
	RR(I32_LE_S, SH_RR_SNOT, rv64_slt),
	RR(I32_LE_U, SH_RR_SNOT, rv64_sltu),
	RR(I32_GE_S, SH_RR_NOT, rv64_slt),
	RR(I32_GE_U, SH_RR_NOT, rv64_sltu),
	[NUM_IX_I64_EQZ] = {SH_RI, 1, {.ri = rv64_sltiu}},
	RA(I64_EQ, SH_EQ, 0, NULL),
	RA(I64_NE, SH_EQ, 1, NULL),
	RR(I64_LT_S, SH_RR, rv64_slt),
	RR(I64_LT_U, SH_RR, rv64_sltu),
	RR(I64_GT_S, SH_RR_SWAP, rv64_slt),
	RR(I64_GT_U, SH_RR_SWAP, rv64_sltu),
	RR(I64_LE_S, SH_RR_SNOT, rv64_slt),
	RR(I64_LE_U, SH_RR_SNOT, rv64_sltu),
	RR(I64_GE_S, SH_RR_NOT, rv64_slt),
	RR(I64_GE_U, SH_RR_NOT, rv64_sltu),
	RR(F32_EQ, SH_RR, rv64_feq_s),
	RR(F32_NE, SH_RR_NOT, rv64_feq_s),
	RR(F32_LT, SH_RR, rv64_flt_s),
	RR(F32_GT, SH_RR_SWAP, rv64_flt_s),
	RR(F32_LE, SH_RR, rv64_fle_s),
	RR(F32_GE, SH_RR_SWAP, rv64_fle_s),
	RR(F64_EQ, SH_RR, rv64_feq_d),
	RR(F64_NE, SH_RR_NOT, rv64_feq_d),
	RR(F64_LT, SH_RR, rv64_flt_d),
	RR(F64_GT, SH_RR_SWAP, rv64_flt_d),
	RR(F64_LE, SH_RR, rv64_fle_d),
	RR(F64_GE, SH_RR_SWAP, rv64_fle_d),

	RA(I32_CLZ, SH_CLZ, 32, NULL),
	RA(I32_CTZ, SH_CTZ, 32, NULL),
	RA(I32_POPCNT, SH_POPCNT, 32, NULL),
	RR(I32_ADD, SH_RR, rv64_addw),
	RR(I32_SUB, SH_RR, rv64_subw),
	RR(I32_MUL, SH_RR, rv64_mulw),
	RA(I32_DIV_S, SH_DIV, 32, rv64_divw),
	RA(I32_DIV_U, SH_DIV, 0, rv64_divuw),
	RA(I32_REM_S, SH_DIV, 0, rv64_remw),
	RA(I32_REM_U, SH_DIV, 0, rv64_remuw),
	RR(I32_AND, SH_RR, rv64_and),
	RR(I32_OR, SH_RR, rv64_or),
	RR(I32_XOR, SH_RR, rv64_xor),
	RR(I32_SHL, SH_RR, rv64_sllw),
	RR(I32_SHR_S, SH_RR, rv64_sraw),
	RR(I32_SHR_U, SH_RR, rv64_srlw),
	RA(I32_ROTL, SH_ROT, 32, NULL),
	RA(I32_ROTR, SH_ROT, 32 | NUM_RIGHT, NULL),
	RA(I64_CLZ, SH_CLZ, 64, NULL),
	RA(I64_CTZ, SH_CTZ, 64, NULL),
	RA(I64_POPCNT, SH_POPCNT, 64, NULL),
	RR(I64_ADD, SH_RR, rv64_add),
	RR(I64_SUB, SH_RR, rv64_sub),
	RR(I64_MUL, SH_RR, rv64_mul),
	RA(I64_DIV_S, SH_DIV, 64, rv64_div),
	RA(I64_DIV_U, SH_DIV, 0, rv64_divu),
	RA(I64_REM_S, SH_DIV, 0, rv64_rem),
	RA(I64_REM_U, SH_DIV, 0, rv64_remu),
	RR(I64_AND, SH_RR, rv64_and),
	RR(I64_OR, SH_RR, rv64_or),
	RR(I64_XOR, SH_RR, rv64_xor),
	RR(I64_SHL, SH_RR, rv64_sll),
	RR(I64_SHR_S, SH_RR, rv64_sra),
	RR(I64_SHR_U, SH_RR, rv64_srl),
	RA(I64_ROTL, SH_ROT, 64, NULL),
	RA(I64_ROTR, SH_ROT, 64 | NUM_RIGHT, NULL),

	RR(F32_ABS, SH_SGNJ1, rv64_fsgnjx_s),
	RR(F32_NEG, SH_SGNJ1, rv64_fsgnjn_s),
	RA(F32_CEIL, SH_ROUND, RV64_RUP, NULL),
	RA(F32_FLOOR, SH_ROUND, RV64_RDN, NULL),
	RA(F32_TRUNC, SH_ROUND, RV64_RTZ, NULL),
	RA(F32_NEAREST, SH_ROUND, RV64_RNE, NULL),
	[NUM_IX_F32_SQRT] = {SH_F1_RNE, 0, {.r1m = rv64_fsqrt_s}},
	[NUM_IX_F32_ADD] = {SH_FARITH, 0, {.rrm = rv64_fadd_s}},
	[NUM_IX_F32_SUB] = {SH_FARITH, 0, {.rrm = rv64_fsub_s}},
	[NUM_IX_F32_MUL] = {SH_FARITH, 0, {.rrm = rv64_fmul_s}},
	[NUM_IX_F32_DIV] = {SH_FARITH, 0, {.rrm = rv64_fdiv_s}},
	RA(F32_MIN, SH_MINMAX, 0, rv64_fmin_s),
	RA(F32_MAX, SH_MINMAX, 0, rv64_fmax_s),
	RR(F32_COPYSIGN, SH_RR, rv64_fsgnj_s),
	RR(F64_ABS, SH_SGNJ1, rv64_fsgnjx_d),
	RR(F64_NEG, SH_SGNJ1, rv64_fsgnjn_d),
	RA(F64_CEIL, SH_ROUND, RV64_RUP | NUM_F64, NULL),
	RA(F64_FLOOR, SH_ROUND, RV64_RDN | NUM_F64, NULL),
	RA(F64_TRUNC, SH_ROUND, RV64_RTZ | NUM_F64, NULL),
	RA(F64_NEAREST, SH_ROUND, RV64_RNE | NUM_F64, NULL),
	[NUM_IX_F64_SQRT] = {SH_F1_RNE, 0, {.r1m = rv64_fsqrt_d}},
	[NUM_IX_F64_ADD] = {SH_FARITH, 0, {.rrm = rv64_fadd_d}},
	[NUM_IX_F64_SUB] = {SH_FARITH, 0, {.rrm = rv64_fsub_d}},
	[NUM_IX_F64_MUL] = {SH_FARITH, 0, {.rrm = rv64_fmul_d}},
	[NUM_IX_F64_DIV] = {SH_FARITH, 0, {.rrm = rv64_fdiv_d}},
	RA(F64_MIN, SH_MINMAX, NUM_F64, rv64_fmin_d),
	RA(F64_MAX, SH_MINMAX, NUM_F64, rv64_fmax_d),
	RR(F64_COPYSIGN, SH_RR, rv64_fsgnj_d),

	/* an i32 is kept sign-extended: wrap and extend32_s are one addiw,
	 * extend_i32_s a move */
	[NUM_IX_I32_WRAP_I64] = {SH_RI, 0, {.ri = rv64_addiw}},
	[NUM_IX_I32_TRUNC_F32_S] = {SH_TRUNC, 0, {.r1m = rv64_fcvt_w_s}},
	[NUM_IX_I32_TRUNC_F32_U] = {SH_TRUNC, 0, {.r1m = rv64_fcvt_wu_s}},
	[NUM_IX_I32_TRUNC_F64_S] = {SH_TRUNC, NUM_F64, {.r1m = rv64_fcvt_w_d}},
	[NUM_IX_I32_TRUNC_F64_U] = {SH_TRUNC, NUM_F64, {.r1m = rv64_fcvt_wu_d}},
	[NUM_IX_I64_EXTEND_I32_S] = {SH_MOVE, 0, {.rr = NULL}},
	[NUM_IX_I64_EXTEND_I32_U] = {SH_ZEXT32, 0, {.rr = NULL}},
	[NUM_IX_I64_TRUNC_F32_S] = {SH_TRUNC, 0, {.r1m = rv64_fcvt_l_s}},
	[NUM_IX_I64_TRUNC_F32_U] = {SH_TRUNC, 0, {.r1m = rv64_fcvt_lu_s}},
	[NUM_IX_I64_TRUNC_F64_S] = {SH_TRUNC, NUM_F64, {.r1m = rv64_fcvt_l_d}},
	[NUM_IX_I64_TRUNC_F64_U] = {SH_TRUNC, NUM_F64, {.r1m = rv64_fcvt_lu_d}},
	[NUM_IX_F32_CONVERT_I32_S] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_s_w}},
	[NUM_IX_F32_CONVERT_I32_U] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_s_wu}},
	[NUM_IX_F32_CONVERT_I64_S] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_s_l}},
	[NUM_IX_F32_CONVERT_I64_U] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_s_lu}},
	[NUM_IX_F32_DEMOTE_F64] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_s_d}},
	[NUM_IX_F64_CONVERT_I32_S] = {SH_F1, 0, {.r1 = rv64_fcvt_d_w}},
	[NUM_IX_F64_CONVERT_I32_U] = {SH_F1, 0, {.r1 = rv64_fcvt_d_wu}},
	[NUM_IX_F64_CONVERT_I64_S] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_d_l}},
	[NUM_IX_F64_CONVERT_I64_U] = {SH_F1_RNE, 0, {.r1m = rv64_fcvt_d_lu}},
	[NUM_IX_F64_PROMOTE_F32] = {SH_F1, 0, {.r1 = rv64_fcvt_d_s}},
	RA(I32_EXTEND8_S, SH_SEXT, 8, NULL),
	RA(I32_EXTEND16_S, SH_SEXT, 16, NULL),
	RA(I64_EXTEND8_S, SH_SEXT, 8, NULL),
	RA(I64_EXTEND16_S, SH_SEXT, 16, NULL),
	[NUM_IX_I64_EXTEND32_S] = {SH_RI, 0, {.ri = rv64_addiw}},

	/* fcvt saturates like trunc_sat; only NaN needs fixing */
	[NUM_IX_I32_TRUNC_SAT_F32_S] = {SH_TRUNC_SAT, 0, {.r1m = rv64_fcvt_w_s}},
	[NUM_IX_I32_TRUNC_SAT_F32_U] = {SH_TRUNC_SAT, 0, {.r1m = rv64_fcvt_wu_s}},
	[NUM_IX_I32_TRUNC_SAT_F64_S] = {SH_TRUNC_SAT, NUM_F64, {.r1m = rv64_fcvt_w_d}},
	[NUM_IX_I32_TRUNC_SAT_F64_U] = {SH_TRUNC_SAT, NUM_F64, {.r1m = rv64_fcvt_wu_d}},
	[NUM_IX_I64_TRUNC_SAT_F32_S] = {SH_TRUNC_SAT, 0, {.r1m = rv64_fcvt_l_s}},
	[NUM_IX_I64_TRUNC_SAT_F32_U] = {SH_TRUNC_SAT, 0, {.r1m = rv64_fcvt_lu_s}},
	[NUM_IX_I64_TRUNC_SAT_F64_S] = {SH_TRUNC_SAT, NUM_F64, {.r1m = rv64_fcvt_l_d}},
	[NUM_IX_I64_TRUNC_SAT_F64_U] = {SH_TRUNC_SAT, NUM_F64, {.r1m = rv64_fcvt_lu_d}},
};
/* clang-format on */

#undef RR
#undef RA

/* A trap branch: `beq rs1, rs2, 0` reported to the caller as `kind`. */
static void num_trap_beq(struct rv64_buf *b, const struct jit_num_trap *t, unsigned rs1,
			 unsigned rs2, int kind)
{
	size_t pos = rv64_pos(b);

	ASSERT(t != NULL && t->trap != NULL);
	rv64_beq(b, rs1, rs2, 0);
	t->trap(t->arg, pos, kind);
}

/* Binds the forward branch at `at` to the current position. Out of memory
 * it fails harmlessly (the buffer reports ERR_NOMEM at the end); the
 * distances here are a few words, always in range. */
static void num_bind(struct rv64_buf *b, size_t at)
{
	(void)rv64_patch_branch(b, at, rv64_pos(b));
}

/*
 * clz: x | 1 has the same leading zeros as x unless x is 0 (then one
 * fewer), and converts to a double whose exponent is floor(log2): exactly
 * for 32 bits, rounding toward zero for 64 (a rounding up could carry into
 * the exponent). clz = bias + width - 1 - exponent + (x == 0).
 */
static void emit_clz(struct rv64_buf *b, const struct jit_num_regs *r, unsigned w)
{
	unsigned t0 = r->tmp[0], t1 = r->tmp[1], f0 = r->ftmp[0];

	rv64_ori(b, t0, r->rs1, 1);
	if (w == 64)
		rv64_fcvt_d_lu(b, f0, t0, RV64_RTZ);
	else
		rv64_fcvt_d_wu(b, f0, t0);
	rv64_fmv_x_d(b, t0, f0);
	rv64_srli(b, t0, t0, 52);
	rv64_sltiu(b, t1, r->rs1, 1);
	rv64_sub(b, t0, t1, t0);
	rv64_addi(b, r->rd, t0, (int32_t)(1023 + w - 1));
}

/*
 * ctz: x & -x is the lowest set bit alone, a power of two that a single
 * converts exactly (bit 31 of a sign-extended i32 included); its exponent
 * minus the bias is the count. x == 0 leaves exponent 0: the width instead.
 */
static void emit_ctz(struct rv64_buf *b, const struct jit_num_regs *r, unsigned w)
{
	unsigned t0 = r->tmp[0], f0 = r->ftmp[0];

	rv64_sub(b, t0, RV64_ZERO, r->rs1);
	rv64_and(b, t0, t0, r->rs1);
	rv64_fcvt_s_lu(b, f0, t0, RV64_RNE);
	rv64_fmv_x_w(b, t0, f0);
	rv64_srli(b, t0, t0, 23);
	rv64_addi(b, r->rd, t0, -127);
	rv64_bne(b, t0, RV64_ZERO, 8);
	rv64_addi(b, r->rd, RV64_ZERO, (int32_t)w);
}

/* A mask of 32 bits (lui + addiw), repeated into the upper half for 64
 * (shifted copy through `scratch`, added). */
static void emit_mask(struct rv64_buf *b, unsigned rd, unsigned scratch, uint32_t m, unsigned w)
{
	rv64_li(b, rd, (int32_t)m);
	if (w == 64) {
		rv64_slli(b, scratch, rd, 32);
		rv64_add(b, rd, rd, scratch);
	}
}

/*
 * popcnt, SWAR: counts of 2 bits, 4 bits, 8 bits in place; the multiply by
 * 0x0101... sums every byte into the top one. An i32 is counted on its low
 * 32 bits: the sign copies above them are masked off by the time they
 * could reach the sum (0x3333... has bits 30 and 31 clear). rd serves as
 * the third scratch register once rs1 is read.
 */
static void emit_popcnt(struct rv64_buf *b, const struct jit_num_regs *r, unsigned w)
{
	unsigned t0 = r->tmp[0], t1 = r->tmp[1], rd = r->rd;

	emit_mask(b, t1, t0, 0x55555555u, w);
	rv64_srli(b, t0, r->rs1, 1);
	rv64_and(b, t0, t0, t1);
	rv64_sub(b, t0, r->rs1, t0);
	emit_mask(b, t1, rd, 0x33333333u, w);
	rv64_srli(b, rd, t0, 2);
	rv64_and(b, rd, rd, t1);
	rv64_and(b, t0, t0, t1);
	rv64_add(b, t0, t0, rd);
	emit_mask(b, t1, rd, 0x0f0f0f0fu, w);
	rv64_srli(b, rd, t0, 4);
	rv64_add(b, t0, t0, rd);
	rv64_and(b, t0, t0, t1);
	/* 0x0101... = 0x0f0f... & (0x0f0f... >> 3) */
	rv64_srli(b, rd, t1, 3);
	rv64_and(b, t1, t1, rd);
	if (w == 64) {
		rv64_mul(b, t0, t0, t1);
		rv64_srli(b, rd, t0, 56);
	} else {
		rv64_mulw(b, t0, t0, t1);
		rv64_srliw(b, rd, t0, 24);
	}
}

/* rotl: (x << n) | (x >> -n); the shifts use the count's low 5 (6) bits,
 * which is Wasm's count modulo the width, and n = 0 ors x with itself. */
static void emit_rot(struct rv64_buf *b, const struct jit_num_regs *r, unsigned arg)
{
	bool right = arg & NUM_RIGHT, w64 = (arg & NUM_WIDTH) == 64;
	num_rr_fn sl = w64 ? rv64_sll : rv64_sllw, sr = w64 ? rv64_srl : rv64_srlw;
	unsigned t0 = r->tmp[0], t1 = r->tmp[1];

	(right ? sr : sl)(b, t0, r->rs1, r->rs2);
	rv64_sub(b, t1, RV64_ZERO, r->rs2);
	(right ? sl : sr)(b, t1, r->rs1, t1);
	rv64_or(b, r->rd, t0, t1);
}

/* div/rem: divide by zero traps; signed division of INT_MIN by -1 traps
 * (RISC-V gives INT_MIN), its remainder is 0 as RISC-V gives. */
static void emit_div(struct rv64_buf *b, const struct num_rule *u, const struct jit_num_regs *r,
		     const struct jit_num_trap *t)
{
	unsigned t0 = r->tmp[0];

	num_trap_beq(b, t, r->rs2, RV64_ZERO, WASM_TRAP_DIV_ZERO);
	if (u->arg) {
		size_t skip;

		rv64_addi(b, t0, RV64_ZERO, -1);
		skip = rv64_pos(b);
		rv64_bne(b, r->rs2, t0, 0);
		if (u->arg == 64)
			rv64_slli(b, t0, t0, 63);
		else
			rv64_lui(b, t0, 0x80000); /* INT32_MIN, sign-extended */
		num_trap_beq(b, t, r->rs1, t0, WASM_TRAP_INT_OVERFLOW);
		num_bind(b, skip);
	}
	u->fn.rr(b, r->rd, r->rs1, r->rs2);
}

/* min/max: fmin/fmax order -0 below +0 as Wasm does but return the other
 * operand for one NaN; then the sum (a canonical NaN) replaces it. */
static void emit_minmax(struct rv64_buf *b, const struct num_rule *u, const struct jit_num_regs *r)
{
	bool d = u->arg & NUM_F64;
	unsigned t0 = r->tmp[0], t1 = r->tmp[1];
	unsigned res = r->rd == r->rs1 || r->rd == r->rs2 ? r->ftmp[0] : r->rd;
	num_rr_fn feq = d ? rv64_feq_d : rv64_feq_s;
	size_t skip;

	feq(b, t0, r->rs1, r->rs1);
	feq(b, t1, r->rs2, r->rs2);
	rv64_and(b, t0, t0, t1);
	u->fn.rr(b, res, r->rs1, r->rs2);
	skip = rv64_pos(b);
	rv64_bne(b, t0, RV64_ZERO, 0);
	(d ? rv64_fadd_d : rv64_fadd_s)(b, res, r->rs1, r->rs2, RV64_RNE);
	num_bind(b, skip);
	if (res != r->rd)
		(d ? rv64_fsgnj_d : rv64_fsgnj_s)(b, r->rd, res, res);
}

/*
 * ceil/floor/trunc/nearest: below 2^52 (2^23) in magnitude, through an
 * integer in the rounding mode and back, then x's sign put back (so -0.5
 * gives -0 and -0 stays -0); at or above it (or inf, NaN), x is its own
 * result: fmin(x, x) is x, or the canonical NaN for a NaN. The magnitude
 * test is on the biased exponent, in integer registers.
 */
static void emit_round(struct rv64_buf *b, const struct num_rule *u, const struct jit_num_regs *r)
{
	bool d = u->arg & NUM_F64;
	enum rv64_rm rm = (enum rv64_rm)(u->arg & ~NUM_F64);
	unsigned t0 = r->tmp[0], t1 = r->tmp[1];
	unsigned res = r->rd == r->rs1 ? r->ftmp[0] : r->rd;
	num_rr_fn sgnj = d ? rv64_fsgnj_d : rv64_fsgnj_s;
	size_t skip;

	if (d) {
		rv64_fmv_x_d(b, t0, r->rs1);
		rv64_slli(b, t0, t0, 1);
		rv64_srli(b, t0, t0, 53);
		rv64_sltiu(b, t0, t0, 1023 + 52);
		rv64_fmin_d(b, res, r->rs1, r->rs1);
	} else {
		/* fmv.x.w sign-extends: shifting out 33 bits drops every sign copy */
		rv64_fmv_x_w(b, t0, r->rs1);
		rv64_slli(b, t0, t0, 33);
		rv64_srli(b, t0, t0, 56);
		rv64_sltiu(b, t0, t0, 127 + 23);
		rv64_fmin_s(b, res, r->rs1, r->rs1);
	}
	skip = rv64_pos(b);
	rv64_beq(b, t0, RV64_ZERO, 0);
	if (d) {
		rv64_fcvt_l_d(b, t1, r->rs1, rm);
		rv64_fcvt_d_l(b, res, t1, RV64_RNE);
	} else {
		rv64_fcvt_w_s(b, t1, r->rs1, rm);
		rv64_fcvt_s_w(b, res, t1, RV64_RNE);
	}
	sgnj(b, res, res, r->rs1);
	num_bind(b, skip);
	if (res != r->rd)
		sgnj(b, r->rd, res, res);
}

/*
 * Trapping truncation: fcvt in RTZ raises the invalid flag (NV) exactly
 * when the value is NaN or its truncation does not fit, which is when Wasm
 * traps; the flags are cleared first (nothing else reads them). rd is an
 * x register and the operand an f register: writing rd first is safe.
 */
static void emit_trunc(struct rv64_buf *b, const struct num_rule *u, const struct jit_num_regs *r,
		       const struct jit_num_trap *t)
{
	unsigned t0 = r->tmp[0];
	size_t ok, pos;

	rv64_csrrw(b, RV64_ZERO, RV64_CSR_FFLAGS, RV64_ZERO);
	u->fn.r1m(b, r->rd, r->rs1, RV64_RTZ);
	rv64_csrrs(b, t0, RV64_CSR_FFLAGS, RV64_ZERO);
	rv64_andi(b, t0, t0, 0x10); /* NV */
	ok = rv64_pos(b);
	rv64_beq(b, t0, RV64_ZERO, 0);
	((u->arg & NUM_F64) ? rv64_feq_d : rv64_feq_s)(b, t0, r->rs1, r->rs1);
	num_trap_beq(b, t, t0, RV64_ZERO, WASM_TRAP_INVALID_CONV);
	pos = rv64_pos(b);
	rv64_jal(b, RV64_ZERO, 0);
	t->trap(t->arg, pos, WASM_TRAP_INT_OVERFLOW);
	num_bind(b, ok);
}

/* trunc_sat: fcvt in RTZ saturates as Wasm does but gives the maximum for
 * NaN; and-ing with -(x == x) makes that 0. */
static void emit_trunc_sat(struct rv64_buf *b, const struct num_rule *u,
			   const struct jit_num_regs *r)
{
	unsigned t0 = r->tmp[0];

	u->fn.r1m(b, r->rd, r->rs1, RV64_RTZ);
	((u->arg & NUM_F64) ? rv64_feq_d : rv64_feq_s)(b, t0, r->rs1, r->rs1);
	rv64_sub(b, t0, RV64_ZERO, t0);
	rv64_and(b, r->rd, r->rd, t0);
}

bool jit_num_supported(uint32_t op)
{
	return op < WASM_OP_NINDEX && num_rules[op].shape != SH_NONE;
}

bool jit_num_emit(struct rv64_buf *b, uint32_t op, const struct jit_num_regs *r,
		  const struct jit_num_trap *t)
{
	const struct num_rule *u;

	if (!jit_num_supported(op))
		return false;
	u = &num_rules[op];
	switch ((enum num_shape)u->shape) {
	case SH_NONE:
		return false;
	case SH_RR:
		u->fn.rr(b, r->rd, r->rs1, r->rs2);
		break;
	case SH_RR_SWAP:
		u->fn.rr(b, r->rd, r->rs2, r->rs1);
		break;
	case SH_RR_NOT:
		u->fn.rr(b, r->rd, r->rs1, r->rs2);
		rv64_xori(b, r->rd, r->rd, 1);
		break;
	case SH_RR_SNOT:
		u->fn.rr(b, r->rd, r->rs2, r->rs1);
		rv64_xori(b, r->rd, r->rd, 1);
		break;
	case SH_EQ:
		rv64_xor(b, r->rd, r->rs1, r->rs2);
		if (u->arg)
			rv64_sltu(b, r->rd, RV64_ZERO, r->rd);
		else
			rv64_sltiu(b, r->rd, r->rd, 1);
		break;
	case SH_RI:
		u->fn.ri(b, r->rd, r->rs1, u->arg);
		break;
	case SH_MOVE:
		if (r->rd != r->rs1)
			rv64_mv(b, r->rd, r->rs1);
		break;
	case SH_FARITH:
		u->fn.rrm(b, r->rd, r->rs1, r->rs2, RV64_RNE);
		break;
	case SH_F1:
		u->fn.r1(b, r->rd, r->rs1);
		break;
	case SH_F1_RNE:
		u->fn.r1m(b, r->rd, r->rs1, RV64_RNE);
		break;
	case SH_SGNJ1:
		u->fn.rr(b, r->rd, r->rs1, r->rs1);
		break;
	case SH_SEXT:
		rv64_slli(b, r->rd, r->rs1, 64u - u->arg);
		rv64_srai(b, r->rd, r->rd, 64u - u->arg);
		break;
	case SH_ZEXT32:
		rv64_slli(b, r->rd, r->rs1, 32);
		rv64_srli(b, r->rd, r->rd, 32);
		break;
	case SH_CLZ:
		emit_clz(b, r, u->arg);
		break;
	case SH_CTZ:
		emit_ctz(b, r, u->arg);
		break;
	case SH_POPCNT:
		emit_popcnt(b, r, u->arg);
		break;
	case SH_ROT:
		emit_rot(b, r, u->arg);
		break;
	case SH_DIV:
		emit_div(b, u, r, t);
		break;
	case SH_MINMAX:
		emit_minmax(b, u, r);
		break;
	case SH_ROUND:
		emit_round(b, u, r);
		break;
	case SH_TRUNC:
		emit_trunc(b, u, r, t);
		break;
	case SH_TRUNC_SAT:
		emit_trunc_sat(b, u, r);
		break;
	}
	return true;
}
