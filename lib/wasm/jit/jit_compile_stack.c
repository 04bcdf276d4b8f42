/*
 * jit_compile_stack.c - the compiler's operand stack (jit_internal.h):
 * entries in their slots, deferred locals, constants, and values in
 * registers of two pools (integer: t0-t2, a0-a7; float: ft4-ft11,
 * fa0-fa7). A value in a register is spilled to its own slot when the
 * pool runs dry (the deepest one first), before calls and service calls
 * (every pool register is caller-saved), and before control flow merges.
 *
 * Register ownership: a register is free, held by exactly one stack entry
 * (REG), or held by the instruction being compiled between jc_pop_* and
 * jc_push_reg / jc_free_reg.
 */
#include "base/compiler.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

bool jc_is_float(uint8_t t)
{
	return t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

void jc_regs_reset(struct jc *c)
{
	c->xfree = JC_XPOOL;
	c->ffree = JC_FPOOL;
}

/* The slot holding entry i, if it is in one (SLOT or LOCAL). */
static uint32_t entry_slot(const struct jc *c, uint32_t i)
{
	return c->vs[i].kind == JV_LOCAL ? c->vs[i].local : jc_slot(c, i);
}

void jc_free_reg(struct jc *c, unsigned r, bool f)
{
	/* a local's home register (jc_pop_src_*) or x0 is not the pool's */
	if (f)
		c->ffree |= (1u << r) & JC_FPOOL;
	else
		c->xfree |= (1u << r) & JC_XPOOL;
}

/* x register r = the canonical 64 bits (i32, f32 zero-extended) of a
 * value of type t in register v (x or f by t). */
static void reg_bits(struct jc *c, unsigned r, unsigned v, uint8_t t)
{
	switch (t) {
	case WASM_TYPE_F32:
		rv64_fmv_x_w(&c->b, r, v);
		v = r;
		__attribute__((fallthrough));
	case WASM_TYPE_I32:
		rv64_slli(&c->b, r, v, 32);
		rv64_srli(&c->b, r, r, 32);
		break;
	case WASM_TYPE_F64:
		rv64_fmv_x_d(&c->b, r, v);
		break;
	default:
		if (r != v)
			rv64_mv(&c->b, r, v);
		break;
	}
}

/* Stores REG entry e's register to slot dst, canonically. */
static void store_reg(struct jc *c, const struct jit_ventry *e, uint32_t dst)
{
	int64_t so = jc_slot_off(c, dst);

	switch (e->type) {
	case WASM_TYPE_I32:
		jc_st(c, rv64_sw, e->reg, RV64_S0, so);
		jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
		break;
	case WASM_TYPE_F32:
		jc_st(c, rv64_fsw, e->reg, RV64_S0, so);
		jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
		break;
	case WASM_TYPE_F64:
		jc_st(c, rv64_fsd, e->reg, RV64_S0, so);
		break;
	default:
		jc_st(c, rv64_sd, e->reg, RV64_S0, so);
		break;
	}
}

void jc_write_entry(struct jc *c, const struct jit_ventry *e, uint32_t own, uint32_t dst)
{
	uint32_t from = e->kind == JV_LOCAL ? e->local : own;

	if (c->vslots && jc_simd_write_entry(c, e, own, dst))
		return;
	if (e->kind == JV_REG) {
		store_reg(c, e, dst);
		return;
	}
	if (e->kind == JV_LOCAL && c->lreg[e->local]) {
		struct jit_ventry home = {
			.kind = JV_REG, .type = c->ltypes[e->local], .reg = c->lreg[e->local]};

		store_reg(c, &home, dst);
		return;
	}
	if (e->kind == JV_CONST) {
		if (e->val == 0) {
			jc_st(c, rv64_sd, RV64_ZERO, RV64_S0, jc_slot_off(c, dst));
			return;
		}
		rv64_li(&c->b, JR_U, (int64_t)e->val);
	} else if (from == dst) {
		return;
	} else {
		jc_ld(c, rv64_ld, JR_U, RV64_S0, jc_slot_off(c, from));
	}
	jc_st(c, rv64_sd, JR_U, RV64_S0, jc_slot_off(c, dst));
}

static void materialize(struct jc *c, uint32_t i)
{
	struct jit_ventry *e = &c->vs[i];

	if (e->kind != JV_SLOT)
		jc_write_entry(c, e, jc_slot(c, i), jc_slot(c, i));
	if (e->kind == JV_REG)
		jc_free_reg(c, e->reg, jc_is_float(e->type));
	e->kind = JV_SLOT;
}

void jc_materialize(struct jc *c, uint32_t i)
{
	materialize(c, i);
}

void jc_materialize_top(struct jc *c, uint32_t n)
{
	for (uint32_t i = c->h - n; i < c->h; i++)
		materialize(c, i);
}

void jc_materialize_all(struct jc *c)
{
	for (uint32_t i = 0; i < c->h; i++)
		materialize(c, i);
}

void jc_spill_all(struct jc *c)
{
	for (uint32_t i = 0; i < c->h; i++)
		if (c->vs[i].kind == JV_REG)
			materialize(c, i);
}

/* A free register of the pool, spilling the deepest entry of its class
 * if there is none. */
static unsigned alloc_reg(struct jc *c, bool f)
{
	uint32_t *mask = f ? &c->ffree : &c->xfree;
	unsigned r;

	if (!*mask) {
		for (uint32_t i = 0; i < c->h; i++) {
			struct jit_ventry *e = &c->vs[i];

			if (e->kind == JV_REG && jc_is_float(e->type) == f) {
				materialize(c, i);
				break;
			}
		}
	}
	ASSERT(*mask); /* at most three registers are held outside the stack */
	r = (unsigned)__builtin_ctz(*mask);
	*mask &= ~(1u << r);
	return r;
}

void jc_claim_reg(struct jc *c, unsigned r, bool f)
{
	uint32_t *mask = f ? &c->ffree : &c->xfree;

	ASSERT(*mask & (1u << r));
	*mask &= ~(1u << r);
}

unsigned jc_alloc_x(struct jc *c)
{
	return alloc_reg(c, false);
}

unsigned jc_alloc_f(struct jc *c)
{
	return alloc_reg(c, true);
}

void jc_get_x(struct jc *c, uint32_t i, unsigned r, uint8_t t)
{
	const struct jit_ventry *e = &c->vs[i];

	if (e->kind == JV_REG) {
		if (e->reg != r)
			rv64_mv(&c->b, r, e->reg);
		return;
	}
	if (e->kind == JV_CONST) {
		rv64_li(&c->b, r, t == WASM_TYPE_I32 ? (int64_t)(int32_t)e->val : (int64_t)e->val);
		return;
	}
	if (e->kind == JV_LOCAL && c->lreg[e->local]) {
		uint8_t lt = c->ltypes[e->local];
		unsigned v = c->lreg[e->local];

		if (t == WASM_TYPE_I32 && lt == WASM_TYPE_F32)
			rv64_fmv_x_w(&c->b, r, v); /* reinterpreted: sign-extended */
		else if (t == WASM_TYPE_I32 && lt == WASM_TYPE_I32)
			rv64_mv(&c->b, r, v);
		else
			reg_bits(c, r, v, lt); /* the bits, as in a slot */
		return;
	}
	jc_ld(c, t == WASM_TYPE_I32 ? rv64_lw : rv64_ld, r, RV64_S0,
	      jc_slot_off(c, entry_slot(c, i)));
}

void jc_get_xu32(struct jc *c, uint32_t i, unsigned r)
{
	const struct jit_ventry *e = &c->vs[i];

	if (e->kind == JV_REG) {
		rv64_slli(&c->b, r, e->reg, 32);
		rv64_srli(&c->b, r, r, 32);
		return;
	}
	if (e->kind == JV_CONST) {
		rv64_li(&c->b, r, (int64_t)(uint32_t)e->val);
		return;
	}
	if (e->kind == JV_LOCAL && c->lreg[e->local]) {
		uint8_t lt = c->ltypes[e->local];

		reg_bits(c, r, c->lreg[e->local], lt == WASM_TYPE_F32 ? lt : WASM_TYPE_I32);
		return;
	}
	jc_ld(c, rv64_lwu, r, RV64_S0, jc_slot_off(c, entry_slot(c, i)));
}

void jc_get_f(struct jc *c, uint32_t i, unsigned fr, uint8_t t)
{
	const struct jit_ventry *e = &c->vs[i];

	if (e->kind == JV_REG) {
		if (e->reg != fr)
			rv64_fsgnj_d(&c->b, fr, e->reg, e->reg);
		return;
	}
	if (e->kind == JV_CONST) {
		rv64_li(&c->b, JR_U, (int64_t)e->val);
		if (t == WASM_TYPE_F32)
			rv64_fmv_w_x(&c->b, fr, JR_U);
		else
			rv64_fmv_d_x(&c->b, fr, JR_U);
		return;
	}
	if (e->kind == JV_LOCAL && c->lreg[e->local]) {
		uint8_t lt = c->ltypes[e->local];
		unsigned v = c->lreg[e->local];

		if (jc_is_float(lt))
			rv64_fsgnj_d(&c->b, fr, v, v);
		else if (t == WASM_TYPE_F32)
			rv64_fmv_w_x(&c->b, fr, v); /* a reinterpreted i32 */
		else
			rv64_fmv_d_x(&c->b, fr, v);
		return;
	}
	jc_ld(c, t == WASM_TYPE_F32 ? rv64_flw : rv64_fld, fr, RV64_S0,
	      jc_slot_off(c, entry_slot(c, i)));
}

/* Pops the top entry into a register the caller then holds. */
static unsigned pop_reg(struct jc *c, uint8_t t, bool zext)
{
	struct jit_ventry *e = &c->vs[c->h - 1];
	bool f = jc_is_float(t);
	unsigned r;

	if (e->kind == JV_REG) {
		c->h--;
		if (zext) {
			rv64_slli(&c->b, e->reg, e->reg, 32);
			rv64_srli(&c->b, e->reg, e->reg, 32);
		}
		return e->reg;
	}
	c->h--;
	/* the entry is off the stack: spilling for a register cannot touch it */
	r = alloc_reg(c, f);
	c->h++;
	if (f)
		jc_get_f(c, c->h - 1, r, t);
	else if (zext)
		jc_get_xu32(c, c->h - 1, r);
	else
		jc_get_x(c, c->h - 1, r, t);
	c->h--;
	return r;
}

/* Whether the top entry is a local whose home register holds it in the
 * register form of type t. */
static bool top_in_home(const struct jc *c, uint8_t t)
{
	const struct jit_ventry *e = &c->vs[c->h - 1];
	uint8_t lt;

	if (e->kind != JV_LOCAL || !c->lreg[e->local])
		return false;
	lt = c->ltypes[e->local];
	return lt == t ||
	       (!jc_is_float(lt) && lt != WASM_TYPE_I32 && !jc_is_float(t) && t != WASM_TYPE_I32);
}

unsigned jc_pop_src_x(struct jc *c, uint8_t t)
{
	if (top_in_home(c, t))
		return c->lreg[c->vs[--c->h].local];
	return pop_reg(c, t, false);
}

unsigned jc_pop_src_f(struct jc *c, uint8_t t)
{
	if (top_in_home(c, t))
		return c->lreg[c->vs[--c->h].local];
	return pop_reg(c, t, false);
}

void jc_reinterpret(struct jc *c, uint8_t t)
{
	struct jit_ventry *e = &c->vs[c->h - 1];
	unsigned r;

	if (e->kind != JV_REG) {
		return; /* a slot, a local or a constant: the bits stay */
	}
	if (jc_is_float(t)) {
		r = jc_alloc_f(c);
		(t == WASM_TYPE_F32 ? rv64_fmv_w_x : rv64_fmv_d_x)(&c->b, r, e->reg);
		jc_free_reg(c, e->reg, false);
	} else {
		r = jc_alloc_x(c);
		(t == WASM_TYPE_I32 ? rv64_fmv_x_w : rv64_fmv_x_d)(&c->b, r, e->reg);
		jc_free_reg(c, e->reg, true);
	}
	e->reg = (uint8_t)r;
	e->type = t;
}

unsigned jc_pop_x(struct jc *c, uint8_t t)
{
	return pop_reg(c, t, false);
}

unsigned jc_pop_xu32(struct jc *c)
{
	return pop_reg(c, WASM_TYPE_I32, true);
}

unsigned jc_pop_f(struct jc *c, uint8_t t)
{
	return pop_reg(c, t, false);
}

void jc_push_reg(struct jc *c, unsigned r, uint8_t t)
{
	struct jit_ventry *e = &c->vs[c->h++];

	e->kind = JV_REG;
	e->type = t;
	e->reg = (uint8_t)r;
}

void jc_produced(struct jc *c)
{
	c->prod_at = rv64_pos(&c->b) - 1;
	c->prod_h = c->h - 1;
}

/* Retargets the producer of the top entry (REG) to write register home
 * instead; true if it could. */
static bool retarget_producer(struct jc *c, unsigned home)
{
	const struct jit_ventry *e = &c->vs[c->h - 1];
	uint32_t *w;

	if (e->kind != JV_REG || c->prod_h != c->h - 1 || c->b.len == 0 ||
	    c->prod_at != rv64_pos(&c->b) - 1 || rv64_buf_error(&c->b))
		return false;
	w = &c->b.words[c->prod_at];
	if ((*w >> 7 & 0x1f) != e->reg)
		return false;
	*w = (*w & ~(0x1fu << 7)) | (uint32_t)home << 7;
	return true;
}

void jc_drop(struct jc *c)
{
	struct jit_ventry *e = &c->vs[--c->h];

	if (e->kind == JV_REG)
		jc_free_reg(c, e->reg, jc_is_float(e->type));
}

void jc_put_x(struct jc *c, uint32_t i, unsigned r, uint8_t t)
{
	int64_t so = jc_slot_off(c, jc_slot(c, i));

	if (t == WASM_TYPE_I32 || t == WASM_TYPE_F32) {
		jc_st(c, rv64_sw, r, RV64_S0, so);
		jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
	} else {
		jc_st(c, rv64_sd, r, RV64_S0, so);
	}
	c->vs[i].kind = JV_SLOT;
}

void jc_put_f(struct jc *c, uint32_t i, unsigned fr, uint8_t t)
{
	int64_t so = jc_slot_off(c, jc_slot(c, i));

	if (t == WASM_TYPE_F32) {
		jc_st(c, rv64_fsw, fr, RV64_S0, so);
		jc_st(c, rv64_sw, RV64_ZERO, RV64_S0, so + 4);
	} else {
		jc_st(c, rv64_fsd, fr, RV64_S0, so);
	}
	c->vs[i].kind = JV_SLOT;
}

void jc_push_const(struct jc *c, uint64_t v)
{
	c->vs[c->h].kind = JV_CONST;
	c->vs[c->h++].val = v;
}

void jc_set_dead(struct jc *c)
{
	struct jit_ctl *k = &c->cs[c->nc - 1];

	while (c->h > k->height)
		jc_drop(c);
	k->dead = true;
	c->h = k->height;
}

void jc_local_set(struct jc *c, uint32_t x, bool tee)
{
	uint32_t top = c->h - 1;
	struct jit_ventry *e = &c->vs[top];

	/* entries still reading local x get their own copy first */
	for (uint32_t i = 0; i < top; i++)
		if (c->vs[i].kind == JV_LOCAL && c->vs[i].local == x)
			materialize(c, i);
	if (c->lreg[x]) {
		uint8_t lt = c->ltypes[x];

		if (retarget_producer(c, c->lreg[x])) {
			/* computed straight into the local's register */
		} else if (e->kind != JV_LOCAL || e->local != x) {
			if (jc_is_float(lt))
				jc_get_f(c, top, c->lreg[x], lt);
			else
				jc_get_x(c, top, c->lreg[x], lt);
		}
		if (!tee) {
			jc_drop(c);
			return;
		}
		if (e->kind == JV_REG)
			jc_free_reg(c, e->reg, jc_is_float(e->type));
		e->kind = JV_LOCAL;
		e->local = x;
		return;
	}
	jc_write_entry(c, e, jc_slot(c, top), x);
	if (!tee) {
		jc_drop(c);
	} else if (e->kind != JV_REG) {
		e->kind = JV_LOCAL;
		e->local = x;
	}
}
