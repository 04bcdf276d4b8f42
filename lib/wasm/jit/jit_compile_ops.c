/*
 * jit_compile_ops.c - the compiler's code for loads and stores, numeric
 * instructions, variables and the instructions served by the runtime
 * (jit_internal.h).
 *
 * Numeric rows: the integer ALU operators and compares are emitted here,
 * with a constant right operand folded into the immediate form where
 * riscv64 has one (JIT_IOPS, one row per instruction); every other NUM row
 * goes to jit_num_emit, which knows them all (a row it did not know would
 * make the function interpreted: ERR_UNSUPP).
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
	IK_EQ, /* the compares in JIT_CMP_* order */
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
 * Pops the address (a zero-extended i32) and adds memory 0's base and, if
 * the memory is checked, checks it against `offset` and `size`. Returns
 * the register (held) with the access's address minus *disp.
 */
unsigned jc_address(struct jc *c, uint32_t offset, uint32_t size, int32_t *disp)
{
	struct rv64_buf *b = &c->b;
	unsigned r = jc_pop_xu32(c);

	jc_fresh_mem(c);
	if (c->o->checked) {
		/* addr + offset + size > size_bytes: out of bounds (64-bit, no overflow) */
		jc_addr(c, JR_T, r, (int64_t)offset + size);
		rv64_bgeu(b, JIT_REG_MSIZE, JR_T, 8);
		jc_trap_jal(c, WASM_TRAP_MEMORY_OOB);
	}
	rv64_add(b, r, r, JIT_REG_MBASE);
	*disp = 0;
	if (rv64_fits_imm12((int64_t)offset + 8))
		*disp = (int32_t)offset;
	else
		jc_addr(c, r, r, offset);
	return r;
}

void jc_mem(struct jc *c, uint32_t op)
{
	static const jc_ldfn lds[2][4] = {
		{rv64_lbu, rv64_lhu, rv64_lwu, rv64_ld},
		{rv64_lb, rv64_lh, rv64_lw, rv64_ld},
	};
	static const jc_stfn sts[4] = {rv64_sb, rv64_sh, rv64_sw, rv64_sd};
	const struct wasm_opinfo *oi = &wasm_opinfo[op];
	uint32_t lg = wasm_imm_memarg_align(oi->imm), align;
	uint32_t offset = (uint32_t)jc_memarg(c, &align); /* a 32-bit memory 0's */
	int32_t disp;
	unsigned r, v;

	if (oi->tr == WASM_TR_LOAD) {
		uint8_t t = wasm_sig_result(oi->sig);

		r = jc_address(c, offset, 1u << lg, &disp);
		jc_pcmap(c, rv64_pos(&c->b));
		if (jc_is_float(t)) {
			v = jc_alloc_f(c);
			(t == WASM_TYPE_F32 ? rv64_flw : rv64_fld)(&c->b, v, r, disp);
			jc_free_reg(c, r, false);
			jc_push_reg(c, v, t);
			jc_produced(c);
			return;
		}
		/* an i32 in a register is sign-extended: lw for i32.load */
		lds[jit_load_signed[op] || (lg == 2 && t == WASM_TYPE_I32)][lg](&c->b, r, r, disp);
		jc_push_reg(c, r, t);
		jc_produced(c);
		return;
	}
	{
		uint8_t t = wasm_sig_param(oi->sig, 1);

		v = jc_is_float(t) ? jc_pop_src_f(c, t) : jc_pop_src_x(c, t);
		r = jc_address(c, offset, 1u << lg, &disp);
		jc_pcmap(c, rv64_pos(&c->b));
		if (jc_is_float(t))
			(t == WASM_TYPE_F32 ? rv64_fsw : rv64_fsd)(&c->b, v, disp, r);
		else
			sts[lg](&c->b, v, disp, r);
		jc_free_reg(c, v, jc_is_float(t));
		jc_free_reg(c, r, false);
	}
}

/* ---- numeric ---- */

/* d = a <cmp> b (both sign-extended alike), 0 or 1. */
static void emit_compare(struct rv64_buf *b, uint8_t kind, unsigned d, unsigned a, unsigned rb)
{
	switch (kind) {
	case IK_EQ:
		rv64_xor(b, d, a, rb);
		rv64_sltiu(b, d, d, 1);
		break;
	case IK_NE:
		rv64_xor(b, d, a, rb);
		rv64_sltu(b, d, RV64_ZERO, d);
		break;
	case IK_LT_S:
		rv64_slt(b, d, a, rb);
		break;
	case IK_LT_U:
		rv64_sltu(b, d, a, rb);
		break;
	case IK_GT_S:
		rv64_slt(b, d, rb, a);
		break;
	case IK_GT_U:
		rv64_sltu(b, d, rb, a);
		break;
	case IK_LE_S:
		rv64_slt(b, d, rb, a);
		rv64_xori(b, d, d, 1);
		break;
	case IK_LE_U:
		rv64_sltu(b, d, rb, a);
		rv64_xori(b, d, d, 1);
		break;
	case IK_GE_S:
		rv64_slt(b, d, a, rb);
		rv64_xori(b, d, d, 1);
		break;
	default: /* IK_GE_U */
		rv64_sltu(b, d, a, rb);
		rv64_xori(b, d, d, 1);
		break;
	}
}

/* Whether operator `kind` has an immediate form for constant k. */
static bool alu_imm_ok(uint8_t kind, int64_t k)
{
	switch (kind) {
	case IK_ADD:
	case IK_AND:
	case IK_OR:
	case IK_XOR:
		return rv64_fits_imm12(k);
	case IK_SUB:
		return k != INT64_MIN && rv64_fits_imm12(-k); /* -INT64_MIN overflows */
	case IK_SHL:
	case IK_SHR_S:
	case IK_SHR_U:
		return true;
	default:
		return false;
	}
}

/* d = a <op> k, in the immediate form alu_imm_ok allowed. */
static void emit_alu_imm(struct rv64_buf *b, uint8_t kind, bool w64, unsigned d, unsigned a,
			 int64_t k)
{
	switch (kind) {
	case IK_ADD:
	case IK_SUB:
		if (kind == IK_SUB)
			k = -k;
		(w64 ? rv64_addi : rv64_addiw)(b, d, a, (int32_t)k);
		break;
	case IK_AND:
		rv64_andi(b, d, a, (int32_t)k);
		break;
	case IK_OR:
		rv64_ori(b, d, a, (int32_t)k);
		break;
	case IK_XOR:
		rv64_xori(b, d, a, (int32_t)k);
		break;
	case IK_SHL:
		if (w64)
			rv64_slli(b, d, a, (unsigned)k & 63);
		else
			rv64_slliw(b, d, a, (unsigned)k & 31);
		break;
	case IK_SHR_S:
		if (w64)
			rv64_srai(b, d, a, (unsigned)k & 63);
		else
			rv64_sraiw(b, d, a, (unsigned)k & 31);
		break;
	default: /* IK_SHR_U */
		if (w64)
			rv64_srli(b, d, a, (unsigned)k & 63);
		else
			rv64_srliw(b, d, a, (unsigned)k & 31);
		break;
	}
}

/* d = a <op> rb. */
static void emit_alu(struct rv64_buf *b, uint8_t kind, bool w64, unsigned d, unsigned a,
		     unsigned rb)
{
	switch (kind) {
	case IK_ADD:
		(w64 ? rv64_add : rv64_addw)(b, d, a, rb);
		break;
	case IK_SUB:
		(w64 ? rv64_sub : rv64_subw)(b, d, a, rb);
		break;
	case IK_MUL:
		(w64 ? rv64_mul : rv64_mulw)(b, d, a, rb);
		break;
	case IK_AND:
		rv64_and(b, d, a, rb);
		break;
	case IK_OR:
		rv64_or(b, d, a, rb);
		break;
	case IK_XOR:
		rv64_xor(b, d, a, rb);
		break;
	case IK_SHL:
		(w64 ? rv64_sll : rv64_sllw)(b, d, a, rb);
		break;
	case IK_SHR_S:
		(w64 ? rv64_sra : rv64_sraw)(b, d, a, rb);
		break;
	case IK_SHR_U:
		(w64 ? rv64_srl : rv64_srlw)(b, d, a, rb);
		break;
	default:
		emit_compare(b, kind, d, a, rb);
		break;
	}
}

void jc_branch_cmp(struct jc *c, uint8_t cond, bool negate, unsigned a, unsigned b, int32_t off)
{
	/* each compare and its negation: the branch, and whether it swaps */
	static const struct {
		void (*br)(struct rv64_buf *, unsigned, unsigned, int64_t);
		bool swap;
	} tbl[10][2] = {
		[JIT_CMP_EQ] = {{rv64_beq, false}, {rv64_bne, false}},
		[JIT_CMP_NE] = {{rv64_bne, false}, {rv64_beq, false}},
		[JIT_CMP_LT_S] = {{rv64_blt, false}, {rv64_bge, false}},
		[JIT_CMP_LT_U] = {{rv64_bltu, false}, {rv64_bgeu, false}},
		[JIT_CMP_GT_S] = {{rv64_blt, true}, {rv64_bge, true}},
		[JIT_CMP_GT_U] = {{rv64_bltu, true}, {rv64_bgeu, true}},
		[JIT_CMP_LE_S] = {{rv64_bge, true}, {rv64_blt, true}},
		[JIT_CMP_LE_U] = {{rv64_bgeu, true}, {rv64_bltu, true}},
		[JIT_CMP_GE_S] = {{rv64_bge, false}, {rv64_blt, false}},
		[JIT_CMP_GE_U] = {{rv64_bgeu, false}, {rv64_bltu, false}},
	};
	const bool n = negate;

	if (tbl[cond][n].swap)
		tbl[cond][n].br(&c->b, b, a, off);
	else
		tbl[cond][n].br(&c->b, a, b, off);
}

void jc_pop_cond(struct jc *c, uint8_t *cond, unsigned *a, unsigned *b)
{
	struct jit_ventry *e = &c->vs[c->h - 1];

	if (e->kind == JV_CMP) {
		c->h--;
		*cond = e->cond;
		*a = e->reg;
		*b = e->reg2;
		return;
	}
	*cond = JIT_CMP_NE;
	*a = jc_pop_src_x(c, WASM_TYPE_I32);
	*b = RV64_ZERO;
}

void jc_free_cond(struct jc *c, unsigned a, unsigned b)
{
	jc_free_reg(c, a, false);
	if (b != RV64_ZERO)
		jc_free_reg(c, b, false);
}

/* Whether the next instruction branches on the top value (br_if, if). */
static bool next_branches(const struct jc *c)
{
	uint8_t next = c->r.pos < c->r.end ? c->r.buf[c->r.pos] : 0;

	return next == WASM_OP_BR_IF || next == WASM_OP_IF;
}

/* A compare (or eqz) feeding a branch: a CMP entry, nothing emitted. */
static void push_cmp(struct jc *c, uint8_t cond, unsigned a, unsigned b)
{
	struct jit_ventry *e = &c->vs[c->h++];

	e->kind = JV_CMP;
	e->cond = cond;
	e->reg = (uint8_t)a;
	e->reg2 = (uint8_t)b;
}

/* The destination for an operator reading source a: a itself if the
 * operator holds it, else a new register. */
static unsigned a_dest(struct jc *c, unsigned a)
{
	return (JC_XPOOL >> a) & 1 ? a : jc_alloc_x(c);
}

/* An integer operator of JIT_IOPS, operands from the stack. */
static void emit_iop(struct jc *c, const struct jit_iop *io, uint32_t sig)
{
	uint8_t t = io->w64 ? WASM_TYPE_I64 : WASM_TYPE_I32;
	uint8_t rt = wasm_sig_result(sig);
	const struct jit_ventry *top = &c->vs[c->h - 1];
	size_t start = rv64_pos(&c->b);
	unsigned a, rb, d;

	if (io->kind >= IK_EQ && io->kind <= IK_EQZ && next_branches(c)) {
		if (io->kind == IK_EQZ) {
			a = jc_pop_src_x(c, t);
			push_cmp(c, JIT_CMP_EQ, a, RV64_ZERO);
			return;
		}
		if (top->kind == JV_CONST && top->val == 0) {
			c->h--;
			rb = RV64_ZERO;
		} else {
			rb = jc_pop_src_x(c, t);
		}
		a = jc_pop_src_x(c, t);
		push_cmp(c, (uint8_t)(io->kind - IK_EQ), a, rb);
		return;
	}
	switch (io->kind) {
	case IK_EQZ:
		a = jc_pop_x(c, t);
		rv64_sltiu(&c->b, a, a, 1);
		break;
	case IK_WRAP:
		a = jc_pop_x(c, WASM_TYPE_I64);
		rv64_addiw(&c->b, a, a, 0); /* sext.w: the i32 register form */
		break;
	case IK_EXTEND_S:
		a = jc_pop_x(c, WASM_TYPE_I32); /* already sign-extended */
		break;
	case IK_EXTEND_U:
		a = jc_pop_xu32(c);
		break;
	default:
		if (top->kind == JV_CONST) {
			int64_t k = io->w64 ? (int64_t)top->val : (int64_t)(int32_t)top->val;

			if (alu_imm_ok(io->kind, k)) {
				c->h--;
				a = jc_pop_src_x(c, t);
				d = a_dest(c, a);
				emit_alu_imm(&c->b, io->kind, io->w64, d, a, k);
				a = d;
				break;
			}
		}
		rb = jc_pop_src_x(c, t);
		a = jc_pop_src_x(c, t);
		/* three-address: a local's home register is read in place */
		d = a_dest(c, a);
		emit_alu(&c->b, io->kind, io->w64, d, a, rb);
		jc_free_reg(c, rb, false);
		a = d;
		break;
	}
	jc_push_reg(c, a, rt);
	if (rv64_pos(&c->b) != start)
		jc_produced(c);
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

/* Points each trap site of jit_num_emit at its own `jal a2, stub`, out of
 * the straight path. */
static void bind_num_traps(struct jc *c, const struct num_traps *traps)
{
	size_t skip = rv64_pos(&c->b);

	rv64_jal(&c->b, RV64_ZERO, 0);
	for (uint32_t i = 0; i < traps->n; i++) {
		rv64_patch(&c->b, traps->pos[i], rv64_pos(&c->b));
		jc_trap_jal(c, traps->kind[i]);
	}
	rv64_patch_jal(&c->b, skip, rv64_pos(&c->b));
}

/* A NUM row through jit_num_emit; false if it does not know the row. */
static bool emit_num(struct jc *c, uint32_t op, uint32_t sig)
{
	struct jit_num_regs regs = {.tmp = {JR_T, JR_U}, .ftmp = {JF_A, JF_B}};
	struct num_traps traps = {.c = c};
	struct jit_num_trap tr = {num_trap, &traps};
	uint32_t np = wasm_sig_nparams(sig);
	uint8_t t0 = wasm_sig_param(sig, 0), t1 = wasm_sig_param(sig, 1);
	uint8_t rt = wasm_sig_result(sig);
	unsigned r0, r1 = 0;

	if (!jit_num_supported(op))
		return false;
	/* operands are only read (but rd): a local's home register serves */
	if (np > 1)
		r1 = jc_is_float(t1) ? jc_pop_src_f(c, t1) : jc_pop_src_x(c, t1);
	r0 = jc_is_float(t0) ? jc_pop_src_f(c, t0) : jc_pop_src_x(c, t0);
	regs.rs1 = (uint8_t)r0;
	regs.rs2 = (uint8_t)r1;
	if (jc_is_float(rt) == jc_is_float(t0) &&
	    ((jc_is_float(t0) ? JC_FPOOL : JC_XPOOL) >> r0 & 1))
		regs.rd = (uint8_t)r0; /* held: the result may overwrite it */
	else
		regs.rd = (uint8_t)(jc_is_float(rt) ? jc_alloc_f(c) : jc_alloc_x(c));
	jit_num_emit(&c->b, op, &regs, &tr);
	if (traps.n)
		bind_num_traps(c, &traps);
	if (np > 1)
		jc_free_reg(c, r1, jc_is_float(t1));
	if (regs.rd != r0)
		jc_free_reg(c, r0, jc_is_float(t0));
	jc_push_reg(c, regs.rd, rt);
	return true;
}

void jc_numeric(struct jc *c, uint32_t op)
{
	uint32_t sig = wasm_opinfo[op].sig;

	if (jit_iops[op].kind != IK_NONE) {
		emit_iop(c, &jit_iops[op], sig);
		return;
	}
	if (!emit_num(c, op, sig))
		c->err = ERR_UNSUPP;
}

/* ---- variables, references, memory size, the runtime's instructions ---- */

void jc_misc(struct jc *c, uint32_t op, uint32_t nargs, bool result, uint64_t imms)
{
	uint32_t base = c->h - nargs;

	jc_spill_all(c);
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

void jc_select(struct jc *c, uint8_t t)
{
	struct rv64_buf *b = &c->b;
	bool f = jc_is_float(t);
	unsigned cond, vb, va;

	if (t == WASM_TYPE_V128) {
		jc_simd_select(c);
		return;
	}
	cond = jc_pop_src_x(c, WASM_TYPE_I32);
	vb = f ? jc_pop_src_f(c, t) : jc_pop_src_x(c, t);
	va = f ? jc_pop_f(c, t) : jc_pop_x(c, t);
	rv64_bne(b, cond, RV64_ZERO, 8);
	if (f)
		rv64_fsgnj_d(b, va, vb, vb);
	else
		rv64_mv(b, va, vb);
	jc_free_reg(c, cond, false);
	jc_free_reg(c, vb, f);
	jc_push_reg(c, va, t);
}

/* JR_U = the address of global x's value. */
static void global_addr(struct jc *c, uint32_t x)
{
	rv64_ld(&c->b, JR_U, JIT_REG_INST, offsetof(struct jit_inst, globals));
	jc_ld(c, rv64_ld, JR_U, JR_U, 8 * (int64_t)x);
	rv64_addi(&c->b, JR_U, JR_U, offsetof(struct wasm_globalinst, val));
}

void jc_global_get(struct jc *c, uint32_t x)
{
	uint8_t t = wasm_type_kind(c->m->globals[x].type);
	unsigned r;

	global_addr(c, x);
	if (jc_is_float(t)) {
		r = jc_alloc_f(c);
		(t == WASM_TYPE_F32 ? rv64_flw : rv64_fld)(&c->b, r, JR_U, 0);
	} else {
		r = jc_alloc_x(c);
		(t == WASM_TYPE_I32 ? rv64_lw : rv64_ld)(&c->b, r, JR_U, 0);
	}
	jc_push_reg(c, r, t);
	jc_produced(c);
}

/* The value is stored canonically (i32 and f32 zero-extended), as the
 * interpreter and the host read union wasm_val. */
void jc_global_set(struct jc *c, uint32_t x)
{
	uint8_t t = wasm_type_kind(c->m->globals[x].type);
	bool f = jc_is_float(t);
	unsigned r = f ? jc_pop_src_f(c, t) : jc_pop_src_x(c, t);

	global_addr(c, x);
	switch (t) {
	case WASM_TYPE_I32:
		rv64_slli(&c->b, JR_T, r, 32);
		rv64_srli(&c->b, JR_T, JR_T, 32);
		rv64_sd(&c->b, JR_T, 0, JR_U);
		break;
	case WASM_TYPE_F32:
		rv64_fsw(&c->b, r, 0, JR_U);
		rv64_sw(&c->b, RV64_ZERO, 4, JR_U);
		break;
	case WASM_TYPE_F64:
		rv64_fsd(&c->b, r, 0, JR_U);
		break;
	default:
		rv64_sd(&c->b, r, 0, JR_U);
		break;
	}
	jc_free_reg(c, r, f);
}

void jc_memory_size(struct jc *c)
{
	unsigned r = jc_alloc_x(c);

	jc_fresh_mem(c);
	rv64_srli(&c->b, r, JIT_REG_MSIZE, 16);
	jc_push_reg(c, r, WASM_TYPE_I32);
}

void jc_memory_grow(struct jc *c)
{
	unsigned r = jc_pop_xu32(c);

	jc_spill_all(c);
	if (r != RV64_A1)
		rv64_mv(&c->b, RV64_A1, r);
	jc_free_reg(c, r, false);
	jc_call_rt(c, offsetof(struct jit_rt, memory_grow));
	jc_reload_mem(c);
	rv64_addiw(&c->b, RV64_A0, RV64_A0, 0); /* an i32: sign-extended */
	jc_claim_reg(c, RV64_A0, false);
	jc_push_reg(c, RV64_A0, WASM_TYPE_I32);
}

void jc_ref_is_null(struct jc *c)
{
	unsigned r = jc_pop_x(c, WASM_TYPE_I64);

	rv64_sltiu(&c->b, r, r, 1);
	jc_push_reg(c, r, WASM_TYPE_I32);
}

void jc_ref_func(struct jc *c, uint32_t x)
{
	unsigned r = jc_alloc_x(c);

	rv64_ld(&c->b, r, JIT_REG_INST, offsetof(struct jit_inst, funcs));
	jc_ld(c, rv64_ld, r, r, 8 * (int64_t)x);
	jc_push_reg(c, r, WASM_TYPE_FUNCREF);
}
