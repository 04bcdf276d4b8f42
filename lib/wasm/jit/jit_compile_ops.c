/*
 * jit_compile_ops.c - the compiler's code for loads and stores, numeric
 * instructions, variables and the instructions served by the runtime
 * (jit_internal.h).
 *
 * Numeric rows: the integer ALU operators and compares are emitted here,
 * with a constant right operand folded into the immediate form where
 * riscv64 has one (JIT_IOPS, one row per instruction); every other NUM row
 * goes to jit_num_emit, and those it does not know (yet) to rt->numop, which
 * computes them in C from their slots.
 */
#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/jit/jit_num.h"
#include "wasm/opcodes.h"

/* What an integer operator does: its kind and width. */
enum {
	IK_NONE,
	IK_ADD,
	IK_SUB,
	IK_MUL,
	IK_AND,
	IK_OR,
	IK_XOR,
	IK_SHL,
	IK_SHR_S,
	IK_SHR_U,
	IK_EQ,
	IK_NE,
	IK_LT_S,
	IK_LT_U,
	IK_GT_S,
	IK_GT_U,
	IK_LE_S,
	IK_LE_U,
	IK_GE_S,
	IK_GE_U,
	IK_EQZ,
	IK_WRAP,
	IK_EXTEND_S,
	IK_EXTEND_U,
};

/* clang-format off */
#define JIT_IOPS(X) \
	X(I32_ADD, ADD, 32) X(I64_ADD, ADD, 64) \
	X(I32_SUB, SUB, 32) X(I64_SUB, SUB, 64) \
	X(I32_MUL, MUL, 32) X(I64_MUL, MUL, 64) \
	X(I32_AND, AND, 32) X(I64_AND, AND, 64) \
	X(I32_OR, OR, 32) X(I64_OR, OR, 64) \
	X(I32_XOR, XOR, 32) X(I64_XOR, XOR, 64) \
	X(I32_SHL, SHL, 32) X(I64_SHL, SHL, 64) \
	X(I32_SHR_S, SHR_S, 32) X(I64_SHR_S, SHR_S, 64) \
	X(I32_SHR_U, SHR_U, 32) X(I64_SHR_U, SHR_U, 64) \
	X(I32_EQ, EQ, 32) X(I64_EQ, EQ, 64) \
	X(I32_NE, NE, 32) X(I64_NE, NE, 64) \
	X(I32_LT_S, LT_S, 32) X(I64_LT_S, LT_S, 64) \
	X(I32_LT_U, LT_U, 32) X(I64_LT_U, LT_U, 64) \
	X(I32_GT_S, GT_S, 32) X(I64_GT_S, GT_S, 64) \
	X(I32_GT_U, GT_U, 32) X(I64_GT_U, GT_U, 64) \
	X(I32_LE_S, LE_S, 32) X(I64_LE_S, LE_S, 64) \
	X(I32_LE_U, LE_U, 32) X(I64_LE_U, LE_U, 64) \
	X(I32_GE_S, GE_S, 32) X(I64_GE_S, GE_S, 64) \
	X(I32_GE_U, GE_U, 32) X(I64_GE_U, GE_U, 64) \
	X(I32_EQZ, EQZ, 32) X(I64_EQZ, EQZ, 64) \
	X(I32_WRAP_I64, WRAP, 64) \
	X(I64_EXTEND_I32_S, EXTEND_S, 32) \
	X(I64_EXTEND_I32_U, EXTEND_U, 32)

/* Sub-word loads that sign-extend. */
#define JIT_SIGNED_LOADS(X) \
	X(I32_LOAD8_S) X(I32_LOAD16_S) X(I64_LOAD8_S) X(I64_LOAD16_S) X(I64_LOAD32_S)
/* clang-format on */

struct jit_iop {
	uint8_t kind;
	uint8_t w64;
};

static const struct jit_iop jit_iops[WASM_OP_NINDEX] = {
#define M_IOP(n, k, w) [WASM_OP_##n] = {IK_##k, (w) == 64},
	JIT_IOPS(M_IOP)
#undef M_IOP
};

static const bool jit_load_signed[WASM_OP_NINDEX] = {
#define M_SIGNED(n) [WASM_OP_##n] = true,
	JIT_SIGNED_LOADS(M_SIGNED)
#undef M_SIGNED
};

/* ---- loads and stores ---- */

/*
 * The address (zero-extended i32) of entry i plus `offset`, checked if the
 * memory is, into JR_A; returns the displacement left for the access.
 */
static int32_t emit_address(struct jc *c, uint32_t i, uint32_t offset, uint32_t size)
{
	struct rv64_buf *b = &c->b;
	int32_t disp = 0;

	jc_get_xu32(c, i, JR_A);
	if (c->o->checked) {
		/* addr + offset + size > size_bytes: out of bounds (64-bit, no overflow) */
		jc_addr(c, JR_B, JR_A, (int64_t)offset + size);
		rv64_bgeu(b, JIT_REG_MSIZE, JR_B, 8);
		jc_trap_jal(c, WASM_TRAP_MEMORY_OOB);
	}
	rv64_add(b, JR_A, JR_A, JIT_REG_MBASE);
	if (rv64_fits_imm12((int64_t)offset + 8))
		disp = (int32_t)offset;
	else
		jc_addr(c, JR_A, JR_A, offset);
	return disp;
}

void jc_mem(struct jc *c, uint32_t op)
{
	static const jc_ldfn lds[2][4] = {
		{rv64_lbu, rv64_lhu, rv64_lwu, rv64_ld},
		{rv64_lb, rv64_lh, rv64_lw, rv64_ld},
	};
	static const jc_stfn sts[4] = {rv64_sb, rv64_sh, rv64_sw, rv64_sd};
	const struct wasm_opinfo *oi = &wasm_opinfo[op];
	uint32_t lg = wasm_imm_memarg_align(oi->imm), align, offset;
	int32_t disp;

	wasm_reader_u32(&c->r, &align);
	wasm_reader_u32(&c->r, &offset);
	if (oi->tr == WASM_TR_LOAD) {
		uint8_t t = wasm_sig_result(oi->sig);

		disp = emit_address(c, c->h - 1, offset, 1u << lg);
		jc_pcmap(c, rv64_pos(&c->b));
		lds[jit_load_signed[op]][lg](&c->b, JR_A, JR_A, disp);
		jc_put_x(c, c->h - 1, JR_A,
			 t == WASM_TYPE_I64 || t == WASM_TYPE_F64 ? WASM_TYPE_I64 : WASM_TYPE_I32);
		return;
	}
	jc_get_x(c, c->h - 1, JR_C, WASM_TYPE_I64);
	disp = emit_address(c, c->h - 2, offset, 1u << lg);
	jc_pcmap(c, rv64_pos(&c->b));
	sts[lg](&c->b, JR_C, disp, JR_A);
	c->h -= 2;
}

/* ---- numeric ---- */

static bool is_float(uint8_t t)
{
	return t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

/* JR_A = JR_A <cmp> JR_B (both sign-extended alike), 0 or 1. */
static void emit_compare(struct rv64_buf *b, uint8_t kind)
{
	switch (kind) {
	case IK_EQ:
		rv64_xor(b, JR_A, JR_A, JR_B);
		rv64_sltiu(b, JR_A, JR_A, 1);
		break;
	case IK_NE:
		rv64_xor(b, JR_A, JR_A, JR_B);
		rv64_sltu(b, JR_A, RV64_ZERO, JR_A);
		break;
	case IK_LT_S:
		rv64_slt(b, JR_A, JR_A, JR_B);
		break;
	case IK_LT_U:
		rv64_sltu(b, JR_A, JR_A, JR_B);
		break;
	case IK_GT_S:
		rv64_slt(b, JR_A, JR_B, JR_A);
		break;
	case IK_GT_U:
		rv64_sltu(b, JR_A, JR_B, JR_A);
		break;
	case IK_LE_S:
		rv64_slt(b, JR_A, JR_B, JR_A);
		rv64_xori(b, JR_A, JR_A, 1);
		break;
	case IK_LE_U:
		rv64_sltu(b, JR_A, JR_B, JR_A);
		rv64_xori(b, JR_A, JR_A, 1);
		break;
	case IK_GE_S:
		rv64_slt(b, JR_A, JR_A, JR_B);
		rv64_xori(b, JR_A, JR_A, 1);
		break;
	default: /* IK_GE_U */
		rv64_sltu(b, JR_A, JR_A, JR_B);
		rv64_xori(b, JR_A, JR_A, 1);
		break;
	}
}

/* An ALU operator with a constant right operand k: emitted in immediate
 * form if there is one for k. */
static bool emit_alu_imm(struct rv64_buf *b, uint8_t kind, bool w64, int64_t k)
{
	switch (kind) {
	case IK_ADD:
	case IK_SUB:
		if (kind == IK_SUB)
			k = -k;
		if (!rv64_fits_imm12(k))
			return false;
		if (w64)
			rv64_addi(b, JR_A, JR_A, (int32_t)k);
		else
			rv64_addiw(b, JR_A, JR_A, (int32_t)k);
		return true;
	case IK_AND:
	case IK_OR:
	case IK_XOR:
		if (!rv64_fits_imm12(k))
			return false;
		if (kind == IK_AND)
			rv64_andi(b, JR_A, JR_A, (int32_t)k);
		else if (kind == IK_OR)
			rv64_ori(b, JR_A, JR_A, (int32_t)k);
		else
			rv64_xori(b, JR_A, JR_A, (int32_t)k);
		return true;
	case IK_SHL:
		if (w64)
			rv64_slli(b, JR_A, JR_A, (unsigned)k & 63);
		else
			rv64_slliw(b, JR_A, JR_A, (unsigned)k & 31);
		return true;
	case IK_SHR_S:
		if (w64)
			rv64_srai(b, JR_A, JR_A, (unsigned)k & 63);
		else
			rv64_sraiw(b, JR_A, JR_A, (unsigned)k & 31);
		return true;
	case IK_SHR_U:
		if (w64)
			rv64_srli(b, JR_A, JR_A, (unsigned)k & 63);
		else
			rv64_srliw(b, JR_A, JR_A, (unsigned)k & 31);
		return true;
	default:
		return false;
	}
}

static void emit_alu(struct rv64_buf *b, uint8_t kind, bool w64)
{
	switch (kind) {
	case IK_ADD:
		(w64 ? rv64_add : rv64_addw)(b, JR_A, JR_A, JR_B);
		break;
	case IK_SUB:
		(w64 ? rv64_sub : rv64_subw)(b, JR_A, JR_A, JR_B);
		break;
	case IK_MUL:
		(w64 ? rv64_mul : rv64_mulw)(b, JR_A, JR_A, JR_B);
		break;
	case IK_AND:
		rv64_and(b, JR_A, JR_A, JR_B);
		break;
	case IK_OR:
		rv64_or(b, JR_A, JR_A, JR_B);
		break;
	case IK_XOR:
		rv64_xor(b, JR_A, JR_A, JR_B);
		break;
	case IK_SHL:
		(w64 ? rv64_sll : rv64_sllw)(b, JR_A, JR_A, JR_B);
		break;
	case IK_SHR_S:
		(w64 ? rv64_sra : rv64_sraw)(b, JR_A, JR_A, JR_B);
		break;
	case IK_SHR_U:
		(w64 ? rv64_srl : rv64_srlw)(b, JR_A, JR_A, JR_B);
		break;
	default:
		emit_compare(b, kind);
		break;
	}
}

/* An integer operator of JIT_IOPS, operands from the stack. */
static void emit_iop(struct jc *c, const struct jit_iop *io, uint32_t sig)
{
	uint8_t t = io->w64 ? WASM_TYPE_I64 : WASM_TYPE_I32;
	uint8_t rt = wasm_sig_result(sig);
	uint32_t a;

	switch (io->kind) {
	case IK_EQZ:
		jc_get_x(c, c->h - 1, JR_A, t);
		rv64_sltiu(&c->b, JR_A, JR_A, 1);
		jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I32);
		return;
	case IK_WRAP:
		jc_get_x(c, c->h - 1, JR_A, WASM_TYPE_I32);
		jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I32);
		return;
	case IK_EXTEND_S:
		jc_get_x(c, c->h - 1, JR_A, WASM_TYPE_I32);
		jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
		return;
	case IK_EXTEND_U:
		jc_get_xu32(c, c->h - 1, JR_A);
		jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
		return;
	default:
		break;
	}
	a = c->h - 2;
	jc_get_x(c, a, JR_A, t);
	if (c->vs[a + 1].kind == JV_CONST) {
		uint64_t v = c->vs[a + 1].val;
		int64_t k = io->w64 ? (int64_t)v : (int64_t)(int32_t)v;

		if (emit_alu_imm(&c->b, io->kind, io->w64, k))
			goto out;
	}
	jc_get_x(c, a + 1, JR_B, t);
	emit_alu(&c->b, io->kind, io->w64);
out:
	c->h--;
	jc_put_x(c, a, JR_A, rt);
}

/* jit_num_emit's trap sites, bound after its code to `jal a2, stub`. */
struct num_traps {
	struct jc *c;
	uint32_t n;
	size_t pos[4];
	uint8_t kind[4];
};

static void num_trap(void *arg, size_t pos, int kind)
{
	struct num_traps *t = arg;

	if (t->n < ARRAY_SIZE(t->pos)) {
		t->pos[t->n] = pos;
		t->kind[t->n++] = (uint8_t)kind;
	} else {
		t->c->err = ERR_UNSUPP;
	}
}

/* Operand j of a NUM row with signature sig into its register. */
static void num_operand(struct jc *c, uint32_t sig, uint32_t j, uint32_t at)
{
	uint8_t t = wasm_sig_param(sig, j);

	if (is_float(t))
		jc_get_f(c, at, j ? JF_B : JF_A, t);
	else
		jc_get_x(c, at, j ? JR_B : JR_A, t);
}

/* A NUM row through jit_num_emit; false if it does not know the row. */
static bool emit_num(struct jc *c, uint32_t op, uint32_t sig)
{
	struct jit_num_regs regs = {.tmp = {JR_C, JR_T}, .ftmp = {JF_T0, JF_T1}};
	struct num_traps traps = {.c = c};
	struct jit_num_trap tr = {num_trap, &traps};
	uint32_t np = wasm_sig_nparams(sig), base = c->h - np;
	uint8_t rt = wasm_sig_result(sig);
	size_t skip;

	if (!jit_num_supported(op))
		return false;
	for (uint32_t j = 0; j < np; j++)
		num_operand(c, sig, j, base + j);
	regs.rs1 = is_float(wasm_sig_param(sig, 0)) ? JF_A : JR_A;
	regs.rs2 = np > 1 && is_float(wasm_sig_param(sig, 1)) ? JF_B : JR_B;
	regs.rd = is_float(rt) ? JF_A : JR_A;
	if (!jit_num_emit(&c->b, op, &regs, &tr))
		return false;
	if (traps.n) {
		skip = rv64_pos(&c->b);
		rv64_jal(&c->b, RV64_ZERO, 0);
		for (uint32_t i = 0; i < traps.n; i++) {
			size_t site = traps.pos[i], here = rv64_pos(&c->b);
			uint32_t w = rv64_buf_error(&c->b) ? 0 : c->b.words[site];
			int rc = (w & 0x7f) == 0x6f ? rv64_patch_jal(&c->b, site, here)
						    : rv64_patch_branch(&c->b, site, here);

			if (rc && !c->err)
				c->err = rv64_buf_error(&c->b) ? ERR_NOMEM : ERR_UNSUPP;
			jc_trap_jal(c, traps.kind[i]);
		}
		if (rv64_patch_jal(&c->b, skip, rv64_pos(&c->b)) && !c->err)
			c->err = rv64_buf_error(&c->b) ? ERR_NOMEM : ERR_UNSUPP;
	}
	c->h = base;
	if (is_float(rt))
		jc_put_f(c, c->h++, JF_A, rt);
	else
		jc_put_x(c, c->h++, JR_A, rt);
	return true;
}

void jc_numeric(struct jc *c, uint32_t op)
{
	uint32_t sig = wasm_opinfo[op].sig, np = wasm_sig_nparams(sig), base;

	if (jit_iops[op].kind != IK_NONE) {
		emit_iop(c, &jit_iops[op], sig);
		return;
	}
	if (emit_num(c, op, sig))
		return;
	/* computed in C: operands in their slots, result to the first */
	base = c->h - np;
	jc_materialize_top(c, np);
	rv64_li(&c->b, RV64_A1, op);
	jc_addr(c, RV64_A2, RV64_S0, jc_slot_off(c, jc_slot(c, base)));
	jc_call_rt(c, offsetof(struct jit_rt, numop));
	rv64_beq(&c->b, RV64_A0, RV64_ZERO, 8);
	jc_trap_jal(c, JIT_STUB_DYN);
	c->h = base + 1;
	c->vs[base].kind = JV_SLOT;
}

/* ---- variables, references, memory size, the runtime's instructions ---- */

void jc_misc(struct jc *c, uint32_t op, uint32_t nargs, bool result, uint64_t imms)
{
	uint32_t base = c->h - nargs;

	jc_materialize_top(c, nargs);
	rv64_li(&c->b, RV64_A1, op);
	rv64_li(&c->b, RV64_A2, (int64_t)imms);
	jc_addr(c, RV64_A3, RV64_S0, jc_slot_off(c, jc_slot(c, base)));
	jc_call_rt(c, offsetof(struct jit_rt, misc));
	c->h = base;
	if (result)
		c->vs[c->h++].kind = JV_SLOT;
	jc_reload_mem(c);
}

void jc_select(struct jc *c)
{
	struct rv64_buf *b = &c->b;
	uint32_t a = c->h - 3;

	jc_get_x(c, a + 2, JR_A, WASM_TYPE_I32);
	jc_get_x(c, a, JR_B, WASM_TYPE_I64);
	jc_get_x(c, a + 1, JR_C, WASM_TYPE_I64);
	rv64_bne(b, JR_A, RV64_ZERO, 8);
	rv64_mv(b, JR_B, JR_C);
	c->h = a + 1;
	jc_put_x(c, a, JR_B, WASM_TYPE_I64);
}

/* JR_T = the address of global x's value. */
static void global_addr(struct jc *c, uint32_t x)
{
	rv64_ld(&c->b, JR_T, JIT_REG_INST, offsetof(struct jit_inst, globals));
	jc_ld(c, rv64_ld, JR_T, JR_T, 8 * (int64_t)x);
	rv64_addi(&c->b, JR_T, JR_T, offsetof(struct wasm_globalinst, val));
}

void jc_global_get(struct jc *c, uint32_t x)
{
	uint8_t t = c->m->globals[x].type;
	bool narrow = t == WASM_TYPE_I32 || t == WASM_TYPE_F32;

	global_addr(c, x);
	(narrow ? rv64_lwu : rv64_ld)(&c->b, JR_A, JR_T, 0);
	c->h++;
	jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
}

void jc_global_set(struct jc *c, uint32_t x)
{
	jc_get_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
	global_addr(c, x);
	rv64_sd(&c->b, JR_A, 0, JR_T);
	c->h--;
}

void jc_memory_size(struct jc *c)
{
	rv64_srli(&c->b, JR_A, JIT_REG_MSIZE, 16);
	c->h++;
	jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
}

void jc_memory_grow(struct jc *c)
{
	jc_get_xu32(c, c->h - 1, RV64_A1);
	jc_call_rt(c, offsetof(struct jit_rt, memory_grow));
	jc_put_x(c, c->h - 1, RV64_A0, WASM_TYPE_I32);
	jc_reload_mem(c);
}

void jc_ref_is_null(struct jc *c)
{
	jc_get_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
	rv64_sltiu(&c->b, JR_A, JR_A, 1);
	jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I32);
}

void jc_ref_func(struct jc *c, uint32_t x)
{
	rv64_ld(&c->b, JR_A, JIT_REG_INST, offsetof(struct jit_inst, funcs));
	jc_ld(c, rv64_ld, JR_A, JR_A, 8 * (int64_t)x);
	c->h++;
	jc_put_x(c, c->h - 1, JR_A, WASM_TYPE_I64);
}
