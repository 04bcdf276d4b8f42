/*
 * jit_compile_simd.c - the compiler's SIMD instructions (prefix 0xfd,
 * relaxed SIMD included), v128 values in memory (README.md, "SIMD").
 *
 * A function that holds v128 values gets a second area in its frame
 * (vslots: 16 bytes per slot, then SCRATCH_WORDS words of scratch): slot
 * i's v128 is at voff(i), whatever slot i holds as a scalar, so the scalar
 * slots keep their layout (the runtime's services still read runs of
 * 8-byte slots). A v128 stack entry is a SLOT or a LOCAL, never a REG or a
 * CONST: an instruction reads its v128 operands where they are and writes
 * its v128 result to its own slot's 16 bytes. Copies between slots whose
 * type the compiler does not know (a branch's values) copy both areas
 * (jc_simd_write_entry).
 *
 * Emitted inline with scalar RV64 instructions, a 64-bit half or one lane
 * at a time: every load and store, v128.const, splats, lane extract and
 * replace, shuffle, the bitwise operators, any_true, add and sub of
 * i8x16/i16x8/i32x4 (within a 64-bit half: the lanes' top bits apart) and
 * i64x2, i32x4.mul, i32x4 and i64x2 shifts, f32x4/f64x2 add, sub, mul, div
 * and sqrt (RISC-V's NaN is the canonical one). Every other instruction
 * calls rt->misc with its 0xfd opcode, which runs the interpreter's lane
 * code (interp_simd_op) on the operands copied to the scratch words as the
 * interpreter lays them out (a v128 in two words, a scalar in one).
 */
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/decode/decode.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

/* three v128 operands for rt->misc, or two for a shuffle's 32 bytes */
#define SCRATCH_WORDS 6

/* An instruction's immediates. */
struct simd_imm {
	uint32_t sub;
	uint32_t offset; /* a memarg's (memory 0 of 32-bit addresses) */
	uint8_t lane;
	uint8_t bytes[16]; /* v128.const, i8x16.shuffle */
};

uint32_t jc_simd_vslots(uint32_t nslots)
{
	return 2 * nslots + SCRATCH_WORDS;
}

/* The s0-relative offset of slot i's 16 bytes; voff(nslots): scratch. */
static int64_t voff(const struct jc *c, uint32_t i)
{
	return -16 - 8 * ((int64_t)c->nsave + c->nslots + c->vslots) + 16 * (int64_t)i;
}

/* The slot whose 16 bytes hold v128 entry i (a SLOT or a LOCAL). */
static uint32_t vslot(const struct jc *c, uint32_t i)
{
	return c->vs[i].kind == JV_LOCAL ? c->vs[i].local : jc_slot(c, i);
}

static int64_t vsrc(const struct jc *c, uint32_t i)
{
	return voff(c, vslot(c, i));
}

/* 16 bytes from fb + from to tb + to (base registers s0 or sp). */
static void copy16_at(struct jc *c, unsigned fb, int64_t from, unsigned tb, int64_t to)
{
	if (fb == tb && from == to)
		return;
	for (int k = 0; k < 16; k += 8) {
		jc_ld(c, rv64_ld, JR_U, fb, from + k);
		jc_st(c, rv64_sd, JR_U, tb, to + k);
	}
}

static void copy16(struct jc *c, int64_t from, int64_t to)
{
	copy16_at(c, RV64_S0, from, RV64_S0, to);
}

/*
 * Where an instruction puts its v128 result (vdst_begin, before it emits
 * anything; its operands are the top nargs entries): its own slot's 16
 * bytes, or, when the next instruction is a local.set or local.tee of a
 * v128 local, straight into that local's, the set then done here (entries
 * below the operands still reading the local get their own copy first).
 * Every instruction here reads a half or lane of its operands before it
 * writes the same half or lane of its result, so the result may go to an
 * operand's local. vdst_end pops the operands and pushes the result.
 */
struct vdst {
	int64_t off;
	uint32_t base, local;
	uint8_t set; /* 0, WASM_OP_LOCAL_SET or WASM_OP_LOCAL_TEE */
	size_t next; /* the reader's position after the set */
};

static int64_t vdst_begin(struct jc *c, uint32_t nargs, struct vdst *d)
{
	struct wasm_reader r = c->r;
	uint32_t x;
	uint8_t op;

	d->base = c->h - nargs;
	d->off = voff(c, jc_slot(c, d->base));
	d->set = 0;
	if (!wasm_reader_u8(&r, &op) || (op != WASM_OP_LOCAL_SET && op != WASM_OP_LOCAL_TEE) ||
	    !wasm_reader_u32(&r, &x) || x >= c->nlocals || c->ltypes[x] != WASM_TYPE_V128)
		return d->off;
	for (uint32_t i = 0; i < d->base; i++)
		if (c->vs[i].kind == JV_LOCAL && c->vs[i].local == x)
			jc_materialize(c, i);
	d->set = op;
	d->local = x;
	d->next = r.pos;
	d->off = voff(c, x);
	return d->off;
}

static void vdst_end(struct jc *c, const struct vdst *d)
{
	struct jit_ventry *e = &c->vs[d->base];

	c->h = d->base;
	if (!d->set) {
		e->kind = JV_SLOT;
		c->h++;
		return;
	}
	c->r.pos = d->next;
	if (d->set == WASM_OP_LOCAL_TEE) {
		e->kind = JV_LOCAL;
		e->local = d->local;
		c->h++;
	}
}

bool jc_simd_type_ok(const struct wasm_functype *ft)
{
	for (uint32_t i = 0; i < ft->nparams; i++)
		if (wasm_type_kind(ft->params[i]) == WASM_TYPE_V128)
			return false;
	for (uint32_t i = 0; i < ft->nresults; i++)
		if (wasm_type_kind(ft->results[i]) == WASM_TYPE_V128)
			return false;
	return true;
}

bool jc_simd_uses_v128(const struct wasm_module *m, uint32_t func)
{
	const struct wasm_func *f = &m->funcs[func];
	bool any = false;

	if (f->uses_simd || wasm_types_slots(f->local_types, f->nlocals) != f->nlocals)
		return true;
	/* else a v128 can only come from a call, a global or a param */
	for (uint32_t i = 0; i < m->ntypes && !any; i++)
		any = !jc_simd_type_ok(&m->types[i]);
	for (uint32_t i = 0; i < m->nglobals && !any; i++)
		any = m->globals[i].type == WASM_TYPE_V128;
	return any && wasm_func_uses_v128(m, func);
}

void jc_simd_tail_call_ok(struct jc *c, const struct wasm_functype *ft)
{
	/* a tail call leaves the results where the callee's convention puts
	 * them: both conventions must be the register one */
	if ((c->vsig || !jc_simd_type_ok(ft)) && !c->err)
		c->err = ERR_UNSUPP;
}

/* ---- functions with a v128 in their signature ---- */

uint32_t jc_simd_out_slots(const struct wasm_functype *ft)
{
	return MAX(wasm_types_slots(ft->params, ft->nparams),
		   wasm_types_slots(ft->results, ft->nresults));
}

void jc_simd_params(struct jc *c)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < c->ft->nparams; i++) {
		uint8_t t = wasm_type_kind(c->ft->params[i]);
		unsigned home = c->lreg[i];

		if (t == WASM_TYPE_V128) {
			copy16(c, 8 * (int64_t)w, voff(c, i));
			w += 2;
		} else if (home && jc_is_float(t)) {
			jc_ld(c, t == WASM_TYPE_F32 ? rv64_flw : rv64_fld, home, RV64_S0, 8 * w++);
		} else if (home) {
			jc_ld(c, t == WASM_TYPE_I32 ? rv64_lw : rv64_ld, home, RV64_S0, 8 * w++);
		} else {
			jc_ld(c, rv64_ld, JR_U, RV64_S0, 8 * w++);
			jc_st(c, rv64_sd, JR_U, RV64_S0, jc_slot_off(c, i));
		}
	}
}

void jc_simd_results(struct jc *c)
{
	uint32_t base = jc_slot(c, 0), w = 0;

	for (uint32_t i = 0; i < c->ft->nresults; i++) {
		if (wasm_type_kind(c->ft->results[i]) == WASM_TYPE_V128) {
			copy16(c, voff(c, base + i), 8 * (int64_t)w);
			w += 2;
		} else {
			jc_ld(c, rv64_ld, JR_U, RV64_S0, jc_slot_off(c, base + i));
			jc_st(c, rv64_sd, JR_U, RV64_S0, 8 * (int64_t)w++);
		}
	}
}

void jc_simd_args(struct jc *c, const struct wasm_functype *ft, uint32_t base)
{
	uint32_t w = 0;

	c->out_slots = MAX(c->out_slots, jc_simd_out_slots(ft));
	for (uint32_t i = 0; i < ft->nparams; i++) {
		if (wasm_type_kind(ft->params[i]) == WASM_TYPE_V128) {
			copy16_at(c, RV64_S0, vsrc(c, base + i), RV64_SP, 8 * (int64_t)w);
			w += 2;
		} else {
			jc_get_x(c, base + i, JR_U, WASM_TYPE_I64); /* canonical bits */
			jc_st(c, rv64_sd, JR_U, RV64_SP, 8 * (int64_t)w++);
		}
	}
}

void jc_simd_take(struct jc *c, const struct wasm_functype *ft, uint32_t base)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < ft->nresults; i++) {
		uint32_t slot = jc_slot(c, base + i);

		if (wasm_type_kind(ft->results[i]) == WASM_TYPE_V128) {
			copy16_at(c, RV64_SP, 8 * (int64_t)w, RV64_S0, voff(c, slot));
			w += 2;
		} else {
			jc_ld(c, rv64_ld, JR_U, RV64_SP, 8 * (int64_t)w++);
			jc_st(c, rv64_sd, JR_U, RV64_S0, jc_slot_off(c, slot));
		}
	}
}

void jc_simd_call(struct jc *c, uint32_t func)
{
	const struct wasm_module *m = c->m;
	const struct wasm_functype *ft = &m->types[m->funcs[func].type];
	uint32_t base = c->h - ft->nparams;

	jc_fresh_mem(c); /* the callee starts from s3/s4 */
	jc_spill_all(c);
	jc_simd_args(c, ft, base);
	c->h = base;
	if (func < m->nfunc_imports) {
		rv64_li(&c->b, RV64_A3, 0);
		jc_simd_slow_call(c, func);
	} else {
		/* compiled code or its stub (jit_rt_lazy_c knows this layout) */
		rv64_ld(&c->b, JR_V, JIT_REG_INST, offsetof(struct jit_inst, entry));
		jc_ld(c, rv64_ld, JR_V, JR_V, 8 * (int64_t)(func - m->nfunc_imports));
		jc_pcmap(c, rv64_pos(&c->b));
		rv64_jalr(&c->b, RV64_RA, JR_V, 0);
	}
	jc_reload_mem(c);
	jc_simd_take(c, ft, base);
	for (uint32_t i = 0; i < ft->nresults; i++)
		c->vs[c->h++].kind = JV_SLOT;
}

void jc_simd_slow_call(struct jc *c, uint32_t func)
{
	rv64_li(&c->b, RV64_A1, (int64_t)func);
	rv64_mv(&c->b, RV64_A2, RV64_SP);
	jc_call_rt(c, offsetof(struct jit_rt, call));
}

bool jc_simd_write_entry(struct jc *c, const struct jit_ventry *e, uint32_t own, uint32_t dst)
{
	if (e->kind == JV_LOCAL) {
		if (c->ltypes[e->local] != WASM_TYPE_V128)
			return false;
		copy16(c, voff(c, e->local), voff(c, dst));
		return true;
	}
	if (e->kind != JV_SLOT || own == dst)
		return false;
	if (dst < c->nlocals && c->ltypes[dst] != WASM_TYPE_V128)
		return false;
	/* to a local: it is a v128; between stack slots: either, both copied */
	copy16(c, voff(c, own), voff(c, dst));
	return dst < c->nlocals;
}

void jc_simd_zero_locals(struct jc *c)
{
	for (uint32_t i = c->ft->nparams; i < c->nlocals; i++) {
		if (c->ltypes[i] != WASM_TYPE_V128)
			continue;
		jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, voff(c, i));
		jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, voff(c, i) + 8);
	}
}

/* Reads a 0xfd instruction's sub-opcode and immediates; false (the
 * function refused) for one the table does not know. */
static bool read_imm(struct jc *c, struct simd_imm *im)
{
	const struct wasm_opinfo *oi;
	const uint8_t *p;
	uint32_t align;

	memset(im, 0, sizeof(*im));
	if (!wasm_reader_u32(&c->r, &im->sub) || im->sub >= WASM_OP_FD_END ||
	    !wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, im->sub)].text) {
		if (!c->err)
			c->err = ERR_UNSUPP;
		return false;
	}
	oi = &wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, im->sub)];
	if (wasm_imm_is_memarg(oi->imm))
		im->offset = (uint32_t)jc_memarg(c, &align);
	if (wasm_imm_lanes(oi->imm))
		wasm_reader_u8(&c->r, &im->lane);
	if ((oi->imm == WASM_IMM_V128 || oi->imm == WASM_IMM_SHUFFLE) &&
	    wasm_reader_bytes(&c->r, 16, &p))
		memcpy(im->bytes, p, 16);
	return true;
}

void jc_simd_skip(struct jc *c)
{
	struct simd_imm im;

	read_imm(c, &im);
}

/* ---- memory ---- */

/* r (zero-extended, `size` bytes) repeated over 64 bits. */
static void replicate(struct jc *c, unsigned r, uint32_t size)
{
	static const int64_t ones[3] = {0x0101010101010101, 0x0001000100010001};

	if (size < 4) {
		rv64_li(&c->b, JR_T, ones[size - 1]);
		rv64_mul(&c->b, r, r, JR_T);
	} else if (size == 4) {
		rv64_slli(&c->b, JR_T, r, 32);
		rv64_or(&c->b, r, r, JR_T);
	}
}

/* Stores x register r to both halves of the result. */
static void put_both(struct jc *c, unsigned r, const struct vdst *d)
{
	jc_st(c, rv64_sd, r, RV64_S0, d->off);
	jc_st(c, rv64_sd, r, RV64_S0, d->off + 8);
	vdst_end(c, d);
}

static const jc_ldfn ld_u[4] = {rv64_lbu, rv64_lhu, rv64_lwu, rv64_ld};
static const jc_ldfn ld_s[4] = {rv64_lb, rv64_lh, rv64_lw, rv64_ld};
static const jc_stfn st_x[4] = {rv64_sb, rv64_sh, rv64_sw, rv64_sd};

static uint32_t lg2(uint32_t size)
{
	return (uint32_t)__builtin_ctz(size);
}

/* The loads without a lane operand: address popped, v128 pushed. */
static void simd_load(struct jc *c, const struct simd_imm *im)
{
	uint32_t sub = im->sub, size = 16, from = 0;
	bool sign = false;
	struct vdst vd;
	int64_t d = vdst_begin(c, 1, &vd);
	int32_t disp;
	unsigned r;

	switch (sub) {
	case WASM_OP_V128_LOAD8X8_S:
	case WASM_OP_V128_LOAD16X4_S:
	case WASM_OP_V128_LOAD32X2_S:
		sign = true;
		__attribute__((fallthrough));
	case WASM_OP_V128_LOAD8X8_U:
	case WASM_OP_V128_LOAD16X4_U:
	case WASM_OP_V128_LOAD32X2_U:
		size = 8;
		from = 1u << (sub - WASM_OP_V128_LOAD8X8_S) / 2;
		break;
	case WASM_OP_V128_LOAD8_SPLAT:
	case WASM_OP_V128_LOAD16_SPLAT:
	case WASM_OP_V128_LOAD32_SPLAT:
	case WASM_OP_V128_LOAD64_SPLAT:
		size = 1u << (sub - WASM_OP_V128_LOAD8_SPLAT);
		break;
	case WASM_OP_V128_LOAD32_ZERO:
		size = 4;
		break;
	case WASM_OP_V128_LOAD64_ZERO:
		size = 8;
		break;
	default:
		break;
	}
	r = jc_address(c, im->offset, size, &disp);
	jc_pcmap(c, rv64_pos(&c->b));
	if (sub == WASM_OP_V128_LOAD) {
		rv64_ld(&c->b, JR_U, r, disp);
		jc_st(c, rv64_sd, JR_U, RV64_S0, d);
		rv64_ld(&c->b, JR_U, r, disp + 8);
		jc_st(c, rv64_sd, JR_U, RV64_S0, d + 8);
		vdst_end(c, &vd);
	} else if (from) {
		/* 8 bytes widened: lanes of `from` bytes to twice as wide */
		for (uint32_t i = 0; i < 8 / from; i++) {
			(sign ? ld_s : ld_u)[lg2(from)](&c->b, JR_U, r, disp + (int32_t)(i * from));
			jc_st(c, st_x[lg2(from) + 1], JR_U, RV64_S0, d + 2 * from * i);
		}
		vdst_end(c, &vd);
	} else if (sub == WASM_OP_V128_LOAD32_ZERO || sub == WASM_OP_V128_LOAD64_ZERO) {
		ld_u[lg2(size)](&c->b, JR_U, r, disp);
		jc_st(c, rv64_sd, JR_U, RV64_S0, d);
		jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, d + 8);
		vdst_end(c, &vd);
	} else {
		ld_u[lg2(size)](&c->b, JR_U, r, disp);
		replicate(c, JR_U, size);
		put_both(c, JR_U, &vd);
	}
	jc_free_reg(c, r, false);
}

/* v128.store and the lane loads and stores: (address, v128) popped. */
static void simd_mem_v(struct jc *c, const struct simd_imm *im)
{
	uint32_t sub = im->sub, size = 16;
	bool load = sub >= WASM_OP_V128_LOAD8_LANE && sub <= WASM_OP_V128_LOAD64_LANE;
	int64_t src = vsrc(c, c->h - 1), d = 0;
	struct vdst vd;
	int32_t disp;
	unsigned r;

	if (load)
		size = 1u << (sub - WASM_OP_V128_LOAD8_LANE);
	else if (sub >= WASM_OP_V128_STORE8_LANE && sub <= WASM_OP_V128_STORE64_LANE)
		size = 1u << (sub - WASM_OP_V128_STORE8_LANE);
	if (load)
		d = vdst_begin(c, 2, &vd);
	c->h--; /* the v128: no register */
	r = jc_address(c, im->offset, size, &disp);
	if (sub == WASM_OP_V128_STORE) {
		/* the high half first: a store across the end of a guarded
		 * memory faults before it writes anything */
		jc_ld(c, rv64_ld, JR_U, RV64_S0, src + 8);
		jc_pcmap(c, rv64_pos(&c->b));
		rv64_sd(&c->b, JR_U, disp + 8, r);
		jc_ld(c, rv64_ld, JR_U, RV64_S0, src);
		rv64_sd(&c->b, JR_U, disp, r);
	} else if (sub >= WASM_OP_V128_STORE8_LANE && sub <= WASM_OP_V128_STORE64_LANE) {
		jc_ld(c, ld_u[lg2(size)], JR_U, RV64_S0, src + size * (im->lane % (16 / size)));
		jc_pcmap(c, rv64_pos(&c->b));
		st_x[lg2(size)](&c->b, JR_U, disp, r);
	} else {
		copy16(c, src, d);
		jc_pcmap(c, rv64_pos(&c->b));
		ld_u[lg2(size)](&c->b, JR_U, r, disp);
		jc_st(c, st_x[lg2(size)], JR_U, RV64_S0, d + size * (im->lane % (16 / size)));
		vdst_end(c, &vd);
	}
	jc_free_reg(c, r, false);
}

/* ---- lanes ---- */

static void simd_const(struct jc *c, const struct simd_imm *im)
{
	struct vdst vd;
	int64_t d = vdst_begin(c, 0, &vd);

	for (int k = 0; k < 16; k += 8) {
		uint64_t v;

		memcpy(&v, im->bytes + k, 8);
		if (v) {
			rv64_li(&c->b, JR_U, (int64_t)v);
			jc_st(c, rv64_sd, JR_U, RV64_S0, d + k);
		} else {
			jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, d + k);
		}
	}
	vdst_end(c, &vd);
}

/* i8x16 .. f64x2 .splat: lanes of `size` bytes. */
static void simd_splat(struct jc *c, uint8_t t, uint32_t size)
{
	struct vdst vd;
	unsigned r;

	vdst_begin(c, 1, &vd);
	if (jc_is_float(t)) {
		r = jc_pop_src_f(c, t);
		(t == WASM_TYPE_F32 ? rv64_fmv_x_w : rv64_fmv_x_d)(&c->b, JR_U, r);
		jc_free_reg(c, r, true);
	} else {
		r = jc_pop_src_x(c, t);
		rv64_mv(&c->b, JR_U, r);
		jc_free_reg(c, r, false);
	}
	if (size < 8) {
		rv64_slli(&c->b, JR_U, JR_U, 64 - 8 * size);
		rv64_srli(&c->b, JR_U, JR_U, 64 - 8 * size);
	}
	replicate(c, JR_U, size);
	put_both(c, JR_U, &vd);
}

static void simd_extract(struct jc *c, const struct simd_imm *im, uint8_t t, uint32_t size,
			 bool sign)
{
	int64_t at = vsrc(c, c->h - 1) + size * im->lane;
	unsigned r;

	c->h--;
	if (jc_is_float(t)) {
		r = jc_alloc_f(c);
		jc_ld(c, t == WASM_TYPE_F32 ? rv64_flw : rv64_fld, r, RV64_S0, at);
	} else {
		/* an i32 in a register is sign-extended: lw for a 4-byte lane */
		r = jc_alloc_x(c);
		jc_ld(c, (sign || size == 4 ? ld_s : ld_u)[lg2(size)], r, RV64_S0, at);
	}
	jc_push_reg(c, r, t);
	jc_produced(c);
}

static void simd_replace(struct jc *c, const struct simd_imm *im, uint8_t t, uint32_t size)
{
	bool f = jc_is_float(t);
	struct vdst vd;
	int64_t at = vdst_begin(c, 2, &vd) + size * im->lane;
	unsigned r = f ? jc_pop_src_f(c, t) : jc_pop_src_x(c, t);

	copy16(c, vsrc(c, c->h - 1), vd.off);
	if (f)
		jc_st(c, t == WASM_TYPE_F32 ? rv64_fsw : rv64_fsd, r, RV64_S0, at);
	else
		jc_st(c, st_x[lg2(size)], r, RV64_S0, at);
	jc_free_reg(c, r, f);
	vdst_end(c, &vd);
}

/* i8x16.shuffle: both operands to the scratch words, then the widest
 * groups of lanes that move together (8, 4, 2 or 1 bytes). */
static void simd_shuffle(struct jc *c, const struct simd_imm *im)
{
	struct vdst vd;
	int64_t s = voff(c, c->nslots), d = vdst_begin(c, 2, &vd);
	uint32_t w = 8;

	copy16(c, vsrc(c, c->h - 2), s);
	copy16(c, vsrc(c, c->h - 1), s + 16);
	for (; w > 1; w /= 2) {
		bool ok = true;

		for (uint32_t i = 0; i < 16 && ok; i++)
			ok = im->bytes[i] % w == i % w &&
			     (i % w == 0 || im->bytes[i] == im->bytes[i - 1] + 1);
		if (ok)
			break;
	}
	for (uint32_t i = 0; i < 16; i += w) {
		jc_ld(c, ld_u[lg2(w)], JR_U, RV64_S0, s + im->bytes[i]);
		jc_st(c, st_x[lg2(w)], JR_U, RV64_S0, d + i);
	}
	vdst_end(c, &vd);
}

/* ---- lane-wise operators, a 64-bit half at a time ---- */

/* The top bit of each lane of `size` bytes in 64 bits. */
static int64_t top_bits(uint32_t size)
{
	return size == 1   ? (int64_t)0x8080808080808080
	       : size == 2 ? (int64_t)0x8000800080008000
			   : (int64_t)0x8000000080000000;
}

enum { HK_AND, HK_OR, HK_XOR, HK_ANDNOT, HK_ADD, HK_SUB, HK_ADD64, HK_SUB64, HK_MUL32 };

/* a = a <kind> b for one half; JR_V holds top_bits, JR_U its complement
 * (the SWAR add and sub). */
static void half_op(struct jc *c, uint8_t kind, unsigned a, unsigned b)
{
	struct rv64_buf *bf = &c->b;

	switch (kind) {
	case HK_AND:
		rv64_and(bf, a, a, b);
		break;
	case HK_OR:
		rv64_or(bf, a, a, b);
		break;
	case HK_XOR:
		rv64_xor(bf, a, a, b);
		break;
	case HK_ANDNOT:
		rv64_xori(bf, b, b, -1);
		rv64_and(bf, a, a, b);
		break;
	case HK_ADD: /* ((a & L) + (b & L)) ^ ((a ^ b) & H) */
		rv64_xor(bf, JR_T, a, b);
		rv64_and(bf, JR_T, JR_T, JR_V);
		rv64_and(bf, a, a, JR_U);
		rv64_and(bf, b, b, JR_U);
		rv64_add(bf, a, a, b);
		rv64_xor(bf, a, a, JR_T);
		break;
	case HK_SUB: /* ((a | H) - (b & L)) ^ (~(a ^ b) & H) */
		rv64_xor(bf, JR_T, a, b);
		rv64_and(bf, JR_T, JR_T, JR_V);
		rv64_xor(bf, JR_T, JR_T, JR_V);
		rv64_or(bf, a, a, JR_V);
		rv64_and(bf, b, b, JR_U);
		rv64_sub(bf, a, a, b);
		rv64_xor(bf, a, a, JR_T);
		break;
	case HK_ADD64:
		rv64_add(bf, a, a, b);
		break;
	case HK_SUB64:
		rv64_sub(bf, a, a, b);
		break;
	default: /* HK_MUL32: two 32-bit lanes */
		rv64_mulw(bf, JR_T, a, b);
		rv64_slli(bf, JR_T, JR_T, 32);
		rv64_srli(bf, JR_T, JR_T, 32);
		rv64_srli(bf, a, a, 32);
		rv64_srli(bf, b, b, 32);
		rv64_mulw(bf, a, a, b);
		rv64_slli(bf, a, a, 32);
		rv64_or(bf, a, a, JR_T);
		break;
	}
}

/* A binary operator on two v128s, inline. */
static void simd_binary(struct jc *c, uint8_t kind, uint32_t size)
{
	int64_t a = vsrc(c, c->h - 2), b = vsrc(c, c->h - 1);
	struct vdst vd;
	int64_t d = vdst_begin(c, 2, &vd);
	unsigned ra = jc_alloc_x(c), rb = jc_alloc_x(c);

	if (kind == HK_ADD || kind == HK_SUB) {
		rv64_li(&c->b, JR_V, top_bits(size));
		rv64_xori(&c->b, JR_U, JR_V, -1);
	}
	for (int k = 0; k < 16; k += 8) {
		jc_ld(c, rv64_ld, ra, RV64_S0, a + k);
		jc_ld(c, rv64_ld, rb, RV64_S0, b + k);
		half_op(c, kind, ra, rb);
		jc_st(c, rv64_sd, ra, RV64_S0, d + k);
	}
	jc_free_reg(c, ra, false);
	jc_free_reg(c, rb, false);
	vdst_end(c, &vd);
}

/* v128.not and the float neg and abs (bits of `mask` flipped or kept). */
static void simd_bits1(struct jc *c, int64_t mask, bool keep)
{
	int64_t a = vsrc(c, c->h - 1);
	struct vdst vd;
	int64_t d = vdst_begin(c, 1, &vd);

	rv64_li(&c->b, JR_V, mask);
	for (int k = 0; k < 16; k += 8) {
		jc_ld(c, rv64_ld, JR_U, RV64_S0, a + k);
		(keep ? rv64_and : rv64_xor)(&c->b, JR_U, JR_U, JR_V);
		jc_st(c, rv64_sd, JR_U, RV64_S0, d + k);
	}
	vdst_end(c, &vd);
}

/* The result = b ^ ((a ^ b) & mask): the mask's halves at m, or (m_reg)
 * JR_T for both. */
static void blend(struct jc *c, int64_t a, int64_t b, int64_t m, bool m_reg, const struct vdst *vd)
{
	unsigned ra = jc_alloc_x(c), rb = jc_alloc_x(c);

	for (int k = 0; k < 16; k += 8) {
		jc_ld(c, rv64_ld, ra, RV64_S0, a + k);
		jc_ld(c, rv64_ld, rb, RV64_S0, b + k);
		if (!m_reg)
			jc_ld(c, rv64_ld, JR_T, RV64_S0, m + k);
		rv64_xor(&c->b, ra, ra, rb);
		rv64_and(&c->b, ra, ra, JR_T);
		rv64_xor(&c->b, ra, ra, rb);
		jc_st(c, rv64_sd, ra, RV64_S0, vd->off + k);
	}
	jc_free_reg(c, ra, false);
	jc_free_reg(c, rb, false);
	vdst_end(c, vd);
}

static void simd_bitselect(struct jc *c)
{
	int64_t a = vsrc(c, c->h - 3), b = vsrc(c, c->h - 2), m = vsrc(c, c->h - 1);
	struct vdst vd;

	vdst_begin(c, 3, &vd);
	blend(c, a, b, m, false, &vd);
}

static void simd_any_true(struct jc *c)
{
	int64_t a = vsrc(c, c->h - 1);
	unsigned r;

	c->h--;
	r = jc_alloc_x(c);
	jc_ld(c, rv64_ld, r, RV64_S0, a);
	jc_ld(c, rv64_ld, JR_U, RV64_S0, a + 8);
	rv64_or(&c->b, r, r, JR_U);
	rv64_sltu(&c->b, r, RV64_ZERO, r);
	jc_push_reg(c, r, WASM_TYPE_I32);
}

typedef void (*jc_rrfn)(struct rv64_buf *b, unsigned rd, unsigned rs1, unsigned rs2);

/* i32x4 and i64x2 shl, shr_s, shr_u (the count taken modulo the lane's
 * bits, as the W and 64-bit shifts do). */
static void simd_shift(struct jc *c, uint32_t size, uint32_t which)
{
	static const jc_rrfn sh64[3] = {rv64_sll, rv64_sra, rv64_srl};
	static const jc_rrfn sh32[3] = {rv64_sllw, rv64_sraw, rv64_srlw};
	struct vdst vd;
	int64_t d = vdst_begin(c, 2, &vd);
	unsigned n = jc_pop_src_x(c, WASM_TYPE_I32), ra = jc_alloc_x(c);
	int64_t a = vsrc(c, c->h - 1);

	for (int k = 0; k < 16; k += 8) {
		jc_ld(c, rv64_ld, ra, RV64_S0, a + k);
		if (size == 8) {
			sh64[which](&c->b, ra, ra, n);
		} else {
			sh32[which](&c->b, JR_T, ra, n);
			rv64_slli(&c->b, JR_T, JR_T, 32);
			rv64_srli(&c->b, JR_T, JR_T, 32);
			rv64_srli(&c->b, ra, ra, 32);
			sh32[which](&c->b, ra, ra, n);
			rv64_slli(&c->b, ra, ra, 32);
			rv64_or(&c->b, ra, ra, JR_T);
		}
		jc_st(c, rv64_sd, ra, RV64_S0, d + k);
	}
	jc_free_reg(c, n, false);
	jc_free_reg(c, ra, false);
	vdst_end(c, &vd);
}

typedef void (*jc_frmfn)(struct rv64_buf *b, unsigned rd, unsigned rs1, unsigned rs2,
			 enum rv64_rm rm);

/* f32x4 / f64x2 add, sub, mul, div (nargs 2) and sqrt (nargs 1), lane by
 * lane. */
static void simd_float(struct jc *c, uint32_t size, uint32_t nargs, jc_frmfn op)
{
	bool d64 = size == 8;
	int64_t a = vsrc(c, c->h - nargs), b = vsrc(c, c->h - 1);
	struct vdst vd;
	int64_t d = vdst_begin(c, nargs, &vd);

	for (uint32_t k = 0; k < 16; k += size) {
		jc_ld(c, d64 ? rv64_fld : rv64_flw, JF_A, RV64_S0, a + k);
		if (nargs == 2) {
			jc_ld(c, d64 ? rv64_fld : rv64_flw, JF_B, RV64_S0, b + k);
			op(&c->b, JF_A, JF_A, JF_B, RV64_RNE);
		} else {
			(d64 ? rv64_fsqrt_d : rv64_fsqrt_s)(&c->b, JF_A, JF_A, RV64_RNE);
		}
		jc_st(c, d64 ? rv64_fsd : rv64_fsw, JF_A, RV64_S0, d + k);
	}
	vdst_end(c, &vd);
}

/* ---- through the runtime ---- */

/* rt->misc with the 0xfd opcode: the interpreter's lane code. */
static void simd_service(struct jc *c, const struct simd_imm *im)
{
	uint32_t sig = wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, im->sub)].sig;
	uint32_t np = wasm_sig_nparams(sig), base = c->h - np, w = 0;
	uint8_t rt = wasm_sig_result(sig);
	int64_t s = voff(c, c->nslots);
	struct vdst vd;
	unsigned r;

	if (rt == WASM_TYPE_V128)
		vdst_begin(c, np, &vd);
	jc_spill_all(c);
	for (uint32_t i = 0; i < np; i++) {
		uint8_t t = wasm_sig_param(sig, i);

		if (t == WASM_TYPE_V128) {
			copy16(c, vsrc(c, base + i), s + 8 * w);
			w += 2;
		} else {
			jc_get_x(c, base + i, JR_U, t);
			jc_st(c, rv64_sd, JR_U, RV64_S0, s + 8 * w++);
		}
	}
	c->h = base;
	rv64_li(&c->b, RV64_A1, WASM_OP_INDEX(WASM_OP_PREFIX_FD, im->sub));
	rv64_li(&c->b, RV64_A2, im->lane);
	jc_addr(c, RV64_A3, RV64_S0, s);
	jc_call_rt(c, offsetof(struct jit_rt, misc));
	if (rt == WASM_TYPE_V128) {
		copy16(c, s, vd.off);
		vdst_end(c, &vd);
	} else if (jc_is_float(rt)) {
		r = jc_alloc_f(c);
		jc_ld(c, rt == WASM_TYPE_F32 ? rv64_flw : rv64_fld, r, RV64_S0, s);
		jc_push_reg(c, r, rt);
	} else {
		r = jc_alloc_x(c);
		jc_ld(c, rt == WASM_TYPE_I32 ? rv64_lw : rv64_ld, r, RV64_S0, s);
		jc_push_reg(c, r, rt);
	}
}

/* ---- the instructions ---- */

void jc_simd_select(struct jc *c)
{
	struct vdst vd;
	unsigned cond;
	int64_t a, b;

	if (!c->vslots) {
		/* v128s that only dead code made (jc_simd_uses_v128 saw no
		 * source of one): never run, but no v128 area to address */
		c->err = ERR_UNSUPP;
		return;
	}
	vdst_begin(c, 3, &vd);
	cond = jc_pop_src_x(c, WASM_TYPE_I32);
	a = vsrc(c, c->h - 2);
	b = vsrc(c, c->h - 1);
	/* JR_T all ones to take a */
	rv64_sltu(&c->b, JR_T, RV64_ZERO, cond);
	rv64_sub(&c->b, JR_T, RV64_ZERO, JR_T);
	jc_free_reg(c, cond, false);
	blend(c, a, b, 0, true, &vd);
}

void jc_simd_global(struct jc *c, uint32_t x, bool set)
{
	const int32_t lo = offsetof(struct wasm_globalinst, val);
	const int32_t hi = offsetof(struct wasm_globalinst, val_hi);
	struct vdst vd;
	int64_t v = set ? vsrc(c, c->h - 1) : vdst_begin(c, 0, &vd);

	rv64_ld(&c->b, JR_T, JIT_REG_INST, offsetof(struct jit_inst, globals));
	jc_ld(c, rv64_ld, JR_T, JR_T, 8 * (int64_t)x);
	if (set) {
		c->h--;
		jc_ld(c, rv64_ld, JR_U, RV64_S0, v);
		rv64_sd(&c->b, JR_U, lo, JR_T);
		jc_ld(c, rv64_ld, JR_U, RV64_S0, v + 8);
		rv64_sd(&c->b, JR_U, hi, JR_T);
		return;
	}
	rv64_ld(&c->b, JR_U, JR_T, lo);
	jc_st(c, rv64_sd, JR_U, RV64_S0, v);
	rv64_ld(&c->b, JR_U, JR_T, hi);
	jc_st(c, rv64_sd, JR_U, RV64_S0, v + 8);
	vdst_end(c, &vd);
}

void jc_simd(struct jc *c)
{
	/* add, sub, mul, div of f32x4 and of f64x2 */
	static const jc_frmfn farith[2][4] = {
		{rv64_fadd_s, rv64_fsub_s, rv64_fmul_s, rv64_fdiv_s},
		{rv64_fadd_d, rv64_fsub_d, rv64_fmul_d, rv64_fdiv_d},
	};
	const struct wasm_opinfo *oi;
	struct simd_imm im;
	uint32_t sub;

	if (!read_imm(c, &im) || c->err)
		return;
	if (!c->vslots) { /* cannot be: the body uses SIMD */
		c->err = ERR_UNSUPP;
		return;
	}
	sub = im.sub;
	oi = &wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, sub)];
	if (wasm_imm_is_memarg(oi->imm)) {
		if (wasm_sig_nparams(oi->sig) == 1)
			simd_load(c, &im);
		else
			simd_mem_v(c, &im);
		return;
	}
	switch (sub) {
	case WASM_OP_V128_CONST:
		simd_const(c, &im);
		return;
	case WASM_OP_I8X16_SHUFFLE:
		simd_shuffle(c, &im);
		return;
	case WASM_OP_I8X16_SPLAT:
	case WASM_OP_I16X8_SPLAT:
	case WASM_OP_I32X4_SPLAT:
		simd_splat(c, WASM_TYPE_I32, 1u << (sub - WASM_OP_I8X16_SPLAT));
		return;
	case WASM_OP_I64X2_SPLAT:
		simd_splat(c, WASM_TYPE_I64, 8);
		return;
	case WASM_OP_F32X4_SPLAT:
		simd_splat(c, WASM_TYPE_F32, 4);
		return;
	case WASM_OP_F64X2_SPLAT:
		simd_splat(c, WASM_TYPE_F64, 8);
		return;
	case WASM_OP_I8X16_EXTRACT_LANE_S:
	case WASM_OP_I16X8_EXTRACT_LANE_S:
	case WASM_OP_I8X16_EXTRACT_LANE_U:
	case WASM_OP_I16X8_EXTRACT_LANE_U:
	case WASM_OP_I32X4_EXTRACT_LANE:
	case WASM_OP_I64X2_EXTRACT_LANE:
	case WASM_OP_F32X4_EXTRACT_LANE:
	case WASM_OP_F64X2_EXTRACT_LANE:
		simd_extract(c, &im, wasm_sig_result(oi->sig), 16 / wasm_imm_lanes(oi->imm),
			     sub == WASM_OP_I8X16_EXTRACT_LANE_S ||
				     sub == WASM_OP_I16X8_EXTRACT_LANE_S);
		return;
	case WASM_OP_I8X16_REPLACE_LANE:
	case WASM_OP_I16X8_REPLACE_LANE:
	case WASM_OP_I32X4_REPLACE_LANE:
	case WASM_OP_I64X2_REPLACE_LANE:
	case WASM_OP_F32X4_REPLACE_LANE:
	case WASM_OP_F64X2_REPLACE_LANE:
		simd_replace(c, &im, wasm_sig_param(oi->sig, 1), 16 / wasm_imm_lanes(oi->imm));
		return;
	case WASM_OP_V128_AND:
		simd_binary(c, HK_AND, 8);
		return;
	case WASM_OP_V128_OR:
		simd_binary(c, HK_OR, 8);
		return;
	case WASM_OP_V128_XOR:
		simd_binary(c, HK_XOR, 8);
		return;
	case WASM_OP_V128_ANDNOT:
		simd_binary(c, HK_ANDNOT, 8);
		return;
	case WASM_OP_V128_NOT:
		simd_bits1(c, -1, false);
		return;
	case WASM_OP_F32X4_NEG:
		simd_bits1(c, top_bits(4), false);
		return;
	case WASM_OP_F64X2_NEG:
		simd_bits1(c, INT64_MIN, false);
		return;
	case WASM_OP_F32X4_ABS:
		simd_bits1(c, ~top_bits(4), true);
		return;
	case WASM_OP_F64X2_ABS:
		simd_bits1(c, INT64_MAX, true);
		return;
	case WASM_OP_V128_BITSELECT:
		simd_bitselect(c);
		return;
	case WASM_OP_V128_ANY_TRUE:
		simd_any_true(c);
		return;
	case WASM_OP_I8X16_ADD:
		simd_binary(c, HK_ADD, 1);
		return;
	case WASM_OP_I16X8_ADD:
		simd_binary(c, HK_ADD, 2);
		return;
	case WASM_OP_I32X4_ADD:
		simd_binary(c, HK_ADD, 4);
		return;
	case WASM_OP_I64X2_ADD:
		simd_binary(c, HK_ADD64, 8);
		return;
	case WASM_OP_I8X16_SUB:
		simd_binary(c, HK_SUB, 1);
		return;
	case WASM_OP_I16X8_SUB:
		simd_binary(c, HK_SUB, 2);
		return;
	case WASM_OP_I32X4_SUB:
		simd_binary(c, HK_SUB, 4);
		return;
	case WASM_OP_I64X2_SUB:
		simd_binary(c, HK_SUB64, 8);
		return;
	case WASM_OP_I32X4_MUL:
		simd_binary(c, HK_MUL32, 4);
		return;
	case WASM_OP_I32X4_SHL:
	case WASM_OP_I32X4_SHR_S:
	case WASM_OP_I32X4_SHR_U:
		simd_shift(c, 4, sub - WASM_OP_I32X4_SHL);
		return;
	case WASM_OP_I64X2_SHL:
	case WASM_OP_I64X2_SHR_S:
	case WASM_OP_I64X2_SHR_U:
		simd_shift(c, 8, sub - WASM_OP_I64X2_SHL);
		return;
	case WASM_OP_F32X4_ADD:
	case WASM_OP_F32X4_SUB:
	case WASM_OP_F32X4_MUL:
	case WASM_OP_F32X4_DIV:
		simd_float(c, 4, 2, farith[0][sub - WASM_OP_F32X4_ADD]);
		return;
	case WASM_OP_F64X2_ADD:
	case WASM_OP_F64X2_SUB:
	case WASM_OP_F64X2_MUL:
	case WASM_OP_F64X2_DIV:
		simd_float(c, 8, 2, farith[1][sub - WASM_OP_F64X2_ADD]);
		return;
	case WASM_OP_F32X4_SQRT:
		simd_float(c, 4, 1, NULL);
		return;
	case WASM_OP_F64X2_SQRT:
		simd_float(c, 8, 1, NULL);
		return;
	default:
		simd_service(c, &im);
		return;
	}
}
