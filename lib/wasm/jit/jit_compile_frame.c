/*
 * jit_compile_frame.c - the compiled function's frame (jit_internal.h
 * draws it): which locals live in callee-saved registers (the most used,
 * loops weighing more), the prologue (frame, stack check, params, locals,
 * yield check), the epilogue, the out-of-line trap and yield stubs, and the
 * frame size bound once the body is compiled.
 */
#include <stdlib.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

static bool is_float(uint8_t t)
{
	return t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

/* The frame's bytes: ra, s0, saved registers, slots, outgoing area. */
static uint64_t frame_size(const struct jc *c)
{
	return ALIGN_UP(16 + 8 * ((uint64_t)c->nsave + c->nslots + c->vslots + c->out_slots), 16);
}

void jc_emit_prologue(struct jc *c)
{
	struct rv64_buf *b = &c->b;
	const struct wasm_functype *ft = c->ft;
	uint32_t ni = 0, nf = 0, ns = 0;

	c->frame = frame_size(c);
	if (c->frame >= (1u << 30)) {
		c->err = ERR_UNSUPP;
		return;
	}
	jc_addr(c, JR_A, RV64_SP, -(int64_t)c->frame);
	rv64_ld(b, JR_B, JIT_REG_EXEC, jit_off_stack_limit);
	rv64_bgeu(b, JR_A, JR_B, 8);
	jc_trap_jal(c, WASM_TRAP_CALL_STACK);
	rv64_sd(b, RV64_RA, -8, RV64_SP);
	rv64_sd(b, RV64_S0, -16, RV64_SP);
	rv64_mv(b, RV64_S0, RV64_SP);
	rv64_mv(b, RV64_SP, JR_A);
	for (uint32_t k = 0; k < c->nsave; k++) {
		if (c->save[k] & 0x80)
			jc_st(c, rv64_fsd, c->save[k] & 0x1f, RV64_S0, -24 - 8 * (int64_t)k);
		else
			jc_st(c, rv64_sd, c->save[k], RV64_S0, -24 - 8 * (int64_t)k);
	}
	if (c->vsig)
		jc_simd_params(c); /* all in memory */
	for (uint32_t i = 0; i < ft->nparams && !c->vsig; i++) {
		uint8_t t = wasm_type_kind(ft->params[i]);
		int64_t so = jc_slot_off(c, i);
		unsigned home = c->lreg[i];

		if (home) {
			/* a param living in a register: the register form */
			if (is_float(t) && nf < 8) {
				rv64_fsgnj_d(b, home, 10 + nf, 10 + nf);
				nf++;
			} else if (!is_float(t) && ni < 8) {
				rv64_mv(b, home, RV64_A0 + ni++);
			} else if (is_float(t)) {
				jc_ld(c, t == WASM_TYPE_F32 ? rv64_flw : rv64_fld, home, RV64_S0,
				      8 * (int64_t)ns++);
			} else {
				jc_ld(c, t == WASM_TYPE_I32 ? rv64_lw : rv64_ld, home, RV64_S0,
				      8 * (int64_t)ns++);
			}
			continue;
		}
		if (is_float(t) && nf < 8) {
			if (t == WASM_TYPE_F32) {
				jc_st(c, rv64_fsw, 10 + nf, RV64_S0, so);
				jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
			} else {
				jc_st(c, rv64_fsd, 10 + nf, RV64_S0, so);
			}
			nf++;
		} else if (!is_float(t) && ni < 8) {
			if (t == WASM_TYPE_I32) {
				jc_st(c, rv64_sw, RV64_A0 + ni, RV64_S0, so);
				jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
			} else {
				jc_st(c, rv64_sd, RV64_A0 + ni, RV64_S0, so);
			}
			ni++;
		} else {
			jc_ld(c, rv64_ld, JR_U, RV64_S0, 8 * (int64_t)ns++);
			jc_st(c, rv64_sd, JR_U, RV64_S0, so);
		}
	}
	if (c->nlocals - ft->nparams > 8) {
		/* a loop: JR_A walks the declared locals' slots */
		jc_addr(c, JR_A, RV64_S0, jc_slot_off(c, ft->nparams));
		rv64_li(b, JR_B, c->nlocals - ft->nparams);
		rv64_sd(b, RV64_ZERO, 0, JR_A);
		rv64_addi(b, JR_A, JR_A, 8);
		rv64_addi(b, JR_B, JR_B, -1);
		rv64_bne(b, JR_B, RV64_ZERO, -12);
	} else {
		for (uint32_t i = ft->nparams; i < c->nlocals; i++)
			if (!c->lreg[i])
				jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, jc_slot_off(c, i));
	}
	for (uint32_t i = ft->nparams; i < c->nlocals; i++) {
		unsigned home = c->lreg[i];

		if (!home)
			continue;
		if (c->ltypes[i] == WASM_TYPE_F32)
			rv64_fmv_w_x(b, home, RV64_ZERO);
		else if (c->ltypes[i] == WASM_TYPE_F64)
			rv64_fmv_d_x(b, home, RV64_ZERO);
		else
			rv64_mv(b, home, RV64_ZERO);
	}
	if (c->vslots)
		jc_simd_zero_locals(c);
	jc_yield_check(c);
}

void jc_emit_epilogue(struct jc *c)
{
	const struct wasm_functype *ft = c->ft;
	uint32_t base = jc_slot(c, 0);

	if (c->vsig) {
		jc_simd_results(c); /* all in memory */
		jc_emit_ret(c);
		return;
	}
	if (ft->nresults == 1) {
		uint8_t t = wasm_type_kind(ft->results[0]);
		int64_t so = jc_slot_off(c, base);

		if (t == WASM_TYPE_F32)
			jc_ld(c, rv64_flw, 10, RV64_S0, so);
		else if (t == WASM_TYPE_F64)
			jc_ld(c, rv64_fld, 10, RV64_S0, so);
		else
			jc_ld(c, t == WASM_TYPE_I32 ? rv64_lw : rv64_ld, RV64_A0, RV64_S0, so);
	} else {
		for (uint32_t i = 0; i < ft->nresults; i++) {
			jc_ld(c, rv64_ld, JR_U, RV64_S0, jc_slot_off(c, base + i));
			jc_st(c, rv64_sd, JR_U, RV64_S0, 8 * (int64_t)i);
		}
	}
	jc_emit_ret(c);
}

void jc_emit_return(struct jc *c)
{
	const struct wasm_functype *ft = c->ft;

	ASSERT(ft->nresults <= 1);
	if (ft->nresults == 1 && jc_is_float(ft->results[0]))
		jc_get_f(c, c->h - 1, 10, ft->results[0]); /* fa0 */
	else if (ft->nresults == 1)
		jc_get_x(c, c->h - 1, RV64_A0, ft->results[0]);
	jc_emit_ret(c);
}

void jc_emit_ret(struct jc *c)
{
	jc_emit_leave(c, RV64_RA);
}

void jc_emit_leave(struct jc *c, unsigned to)
{
	struct rv64_buf *b = &c->b;

	for (uint32_t k = 0; k < c->nsave; k++) {
		if (c->save[k] & 0x80)
			jc_ld(c, rv64_fld, c->save[k] & 0x1f, RV64_S0, -24 - 8 * (int64_t)k);
		else
			jc_ld(c, rv64_ld, c->save[k], RV64_S0, -24 - 8 * (int64_t)k);
	}
	rv64_ld(b, RV64_RA, RV64_S0, -8);
	rv64_mv(b, RV64_SP, RV64_S0);
	rv64_ld(b, RV64_S0, RV64_SP, -16);
	rv64_jalr(b, RV64_ZERO, to, 0);
}

void jc_emit_stubs(struct jc *c)
{
	struct rv64_buf *b = &c->b;
	size_t at[JIT_STUB__COUNT] = {0};
	bool used[JIT_STUB__COUNT] = {false};

	for (uint32_t i = 0; i < c->nsites; i++)
		used[c->sites[i].stub] = true;
	for (unsigned k = 0; k < JIT_STUB__COUNT; k++) {
		if (!used[k])
			continue;
		at[k] = rv64_pos(b);
		if (k == JIT_STUB_YIELD) {
			/* a tail call: rt->yield returns to the check's ra */
			rv64_ld(b, JR_T, JIT_REG_EXEC, jit_off_rt);
			rv64_ld(b, JR_T, JR_T, offsetof(struct jit_rt, yield));
			rv64_jalr(b, RV64_ZERO, JR_T, 0);
			continue;
		}
		/* the prologue's stack check traps before the frame is made: the
		 * trap is the caller's, at its call (ra - 4, s0 still its), as
		 * the interpreter reports a call too deep */
		rv64_addi(b, RV64_A2, k == WASM_TRAP_CALL_STACK ? RV64_RA : RV64_A2, -4);
		rv64_li(b, RV64_A1, k);
		rv64_mv(b, RV64_A0, JIT_REG_EXEC);
		rv64_ld(b, JR_T, JIT_REG_EXEC, jit_off_rt);
		rv64_ld(b, JR_T, JR_T, offsetof(struct jit_rt, trap));
		rv64_jalr(b, RV64_RA, JR_T, 0);
		rv64_ebreak(b); /* trap does not return */
	}
	for (uint32_t i = 0; i < c->nsites; i++)
		rv64_patch_jal(b, c->sites[i].pos, at[c->sites[i].stub]);
}

void jc_check_frame(struct jc *c)
{
	/* the prescan saw every call: the body needs no bigger outgoing area */
	if (frame_size(c) != c->frame && !c->err)
		c->err = ERR_UNSUPP;
}

static void mem_supported(struct jc *c, uint32_t mem)
{
	if ((mem != 0 || c->m->mems[0].limits.is64) && !c->err)
		c->err = ERR_UNSUPP;
}

uint32_t jc_memidx(struct jc *c)
{
	uint32_t x = 0;

	wasm_reader_u32(&c->r, &x);
	mem_supported(c, x);
	return x;
}

uint64_t jc_memarg(struct jc *c, uint32_t *align)
{
	uint32_t x = 0;
	uint64_t offset = 0;

	wasm_reader_u32(&c->r, align);
	if (*align & 0x40)
		wasm_reader_u32(&c->r, &x);
	wasm_reader_leb(&c->r, 64, false, &offset);
	mem_supported(c, x);
	return offset;
}

void jc_skip_imm(struct jc *c, uint8_t imm)
{
	struct wasm_reader *r = &c->r;
	uint32_t n, x;
	uint64_t v;
	uint8_t u;

	switch (imm) {
	case WASM_IMM_IDX:
		wasm_reader_u32(r, &x);
		break;
	case WASM_IMM_IDX2:
		wasm_reader_u32(r, &x);
		wasm_reader_u32(r, &x);
		break;
	case WASM_IMM_MEMARG1:
	case WASM_IMM_MEMARG2:
	case WASM_IMM_MEMARG4:
	case WASM_IMM_MEMARG8:
		jc_memarg(c, &x);
		break;
	case WASM_IMM_BR_TABLE:
		wasm_reader_u32(r, &n);
		for (uint32_t i = 0; i <= n; i++)
			wasm_reader_u32(r, &x);
		break;
	case WASM_IMM_SELECT_T:
		wasm_reader_u32(r, &n);
		for (uint32_t i = 0; i < n; i++)
			wasm_reader_valtype_kind(r, &u);
		break;
	case WASM_IMM_REFTYPE: /* a heap type (s33) */
		wasm_reader_s33(r, &(int64_t){0});
		break;
	case WASM_IMM_MEM0:
		jc_memidx(c);
		break;
	case WASM_IMM_MEM0_MEM0:
		jc_memidx(c);
		jc_memidx(c);
		break;
	case WASM_IMM_IDX_MEM0:
		wasm_reader_u32(r, &x);
		jc_memidx(c);
		break;
	case WASM_IMM_I32:
		wasm_reader_leb(r, 32, true, &v);
		break;
	case WASM_IMM_I64:
		wasm_reader_leb(r, 64, true, &v);
		break;
	case WASM_IMM_F32:
		wasm_reader_fixed32(r, &x);
		break;
	case WASM_IMM_F64:
		wasm_reader_fixed64(r, &v);
		break;
	default:
		break;
	}
}

/*
 * How much each local is used: its local.get, local.set and local.tee,
 * each weighted by the loops around it (x8 per level, up to four).
 */
static void count_uses(struct jc *c, uint64_t *uses)
{
	const struct wasm_func *f = c->f;
	bool *loop = calloc((size_t)f->max_depth + 1, sizeof(*loop));
	uint32_t depth = 0, nloop = 0, x;
	int64_t bt;

	if (!loop) {
		c->err = ERR_NOMEM;
		return;
	}
	wasm_reader_init(&c->r, c->m->bytes, c->m->len);
	c->r.pos = f->code_start;
	c->r.end = f->code_end;
	while (c->r.pos < c->r.end) {
		uint8_t op;

		if (!wasm_reader_u8(&c->r, &op))
			break;
		switch (op) {
		case WASM_OP_BLOCK:
		case WASM_OP_LOOP:
		case WASM_OP_IF:
			wasm_reader_blocktype(&c->r, &bt);
			if (depth < f->max_depth) {
				loop[depth++] = op == WASM_OP_LOOP;
				nloop += op == WASM_OP_LOOP;
			}
			break;
		case WASM_OP_END:
			if (depth)
				nloop -= loop[--depth];
			break;
		case WASM_OP_LOCAL_GET:
		case WASM_OP_LOCAL_SET:
		case WASM_OP_LOCAL_TEE:
			wasm_reader_u32(&c->r, &x);
			if (x < c->nlocals)
				uses[x] += (uint64_t)1 << (3 * MIN(nloop, 4u));
			break;
		case WASM_OP_CALL:
			wasm_reader_u32(&c->r, &x);
			if (x < c->m->nfuncs)
				c->out_slots = MAX(c->out_slots,
						   jc_out_slots(&c->m->types[c->m->funcs[x].type]));
			break;
		case WASM_OP_CALL_INDIRECT:
			wasm_reader_u32(&c->r, &x);
			if (x < c->m->ntypes)
				c->out_slots = MAX(c->out_slots, jc_out_slots(&c->m->types[x]));
			wasm_reader_u32(&c->r, &x);
			break;
		case WASM_OP_CALL_REF: /* return_call_ref uses no outgoing area */
			wasm_reader_u32(&c->r, &x);
			if (x < c->m->ntypes)
				c->out_slots = MAX(c->out_slots, jc_out_slots(&c->m->types[x]));
			break;
		case WASM_OP_PREFIX_FC:
			wasm_reader_u32(&c->r, &x);
			if (x < WASM_OP_FC_COUNT)
				jc_skip_imm(c,
					    wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FC, x)].imm);
			break;
		case WASM_OP_PREFIX_FD:
			jc_simd_skip(c);
			break;
		default:
			jc_skip_imm(c, wasm_opinfo[op].imm);
			break;
		}
	}
	free(loop);
}

void jc_assign_homes(struct jc *c)
{
	static const uint8_t xregs[] = {RV64_S5, RV64_S6,  RV64_S7, RV64_S8,
					RV64_S9, RV64_S10, RV64_S11};
	static const uint8_t fregs[] = {8,  9,	18, 19, 20, 21,
					22, 23, 24, 25, 26, 27}; /* fs0-fs11 */
	uint64_t *uses = calloc((size_t)c->nlocals + 1, sizeof(*uses));

	if (!uses) {
		c->err = ERR_NOMEM;
		return;
	}
	count_uses(c, uses);
	for (int fl = 0; fl < 2; fl++) {
		const uint8_t *regs = fl ? fregs : xregs;
		uint32_t nregs = fl ? ARRAY_SIZE(fregs) : ARRAY_SIZE(xregs);

		for (uint32_t k = 0; k < nregs; k++) {
			uint32_t best = UINT32_MAX;

			for (uint32_t i = 0; i < c->nlocals; i++)
				if (is_float(c->ltypes[i]) == (fl == 1) && !c->lreg[i] &&
				    c->ltypes[i] != WASM_TYPE_V128 && uses[i] >= 2 &&
				    (best == UINT32_MAX || uses[i] > uses[best]))
					best = i;
			if (best == UINT32_MAX)
				break;
			c->lreg[best] = regs[k];
			c->save[c->nsave++] = (uint8_t)(regs[k] | (fl ? 0x80 : 0));
		}
	}
	free(uses);
}
