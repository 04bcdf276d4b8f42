/*
 * jit_compile_ctl.c - the compiler's control flow and calls
 * (jit_internal.h).
 *
 * Labels: a block's values travel in the slots of its height (params for
 * a loop, results otherwise), written there before the jump. Every jump to
 * a label is a jal: backward ones (loops) bound at once, forward ones
 * chained on their block and bound at its end (or else). A conditional
 * branch skips over its moves and jal with the inverse condition.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

static bool is_float(uint8_t t)
{
	return t == WASM_TYPE_F32 || t == WASM_TYPE_F64;
}

/* ---- labels ---- */

static uint32_t label_arity(const struct jit_ctl *k)
{
	return k->op == WASM_OP_LOOP ? k->nparams : k->nresults;
}

/* Copies the top n values to label k's slots (ascending order is safe:
 * every source slot is at or above its destination). */
static void emit_moves(struct jc *c, const struct jit_ctl *k, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = c->h - n + i;

		jc_write_entry(c, &c->vs[e], jc_slot(c, e), jc_slot(c, k->height + i));
	}
}

/* Whether the top n values are already in label k's slots. */
static bool needs_moves(const struct jc *c, const struct jit_ctl *k, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t e = c->h - n + i;

		if (c->vs[e].kind != JV_SLOT || e != k->height + i)
			return true;
	}
	return false;
}

static uint32_t add_fix(struct jc *c, size_t pos, uint32_t next)
{
	if (c->nfix == c->capfix) {
		uint32_t ncap = c->capfix ? c->capfix * 2 : 32;
		struct jit_fix *p = realloc(c->fix, ncap * sizeof(*p));

		if (!p) {
			c->err = ERR_NOMEM;
			return next;
		}
		c->fix = p;
		c->capfix = ncap;
	}
	c->fix[c->nfix].pos = pos;
	c->fix[c->nfix].next = next;
	return ++c->nfix;
}

/* Emits `jal zero, <label k>`. */
static void jump_to(struct jc *c, struct jit_ctl *k)
{
	size_t pos = rv64_pos(&c->b);

	if (k->op == WASM_OP_LOOP) {
		rv64_jal(&c->b, RV64_ZERO, ((int64_t)k->start - (int64_t)pos) * 4);
		return;
	}
	rv64_jal(&c->b, RV64_ZERO, 0);
	k->fix = add_fix(c, pos, k->fix);
}

/* A short branch too far fails the buffer: jit_compile compiles again, long. */
void jc_patch_chain(struct jc *c, uint32_t fix, size_t target)
{
	for (; fix; fix = c->fix[fix - 1].next)
		rv64_patch(&c->b, c->fix[fix - 1].pos, target);
}

/* Binds the short forward branch at `site` to here. */
static void bind_here(struct jc *c, size_t site)
{
	rv64_patch_branch(&c->b, site, rv64_pos(&c->b));
}

/* The block type's entry of the validator's block table (the immediate
 * is skipped: the table has the arities). */
void jc_block(struct jc *c, uint8_t op)
{
	const struct wasm_block_info *bi = &c->f->blocks[c->blk++];
	bool dead = c->cs[c->nc - 1].dead;
	struct jit_ctl *k;
	int64_t bt;

	wasm_reader_blocktype(&c->r, &bt);
	k = &c->cs[c->nc++];
	memset(k, 0, sizeof(*k));
	k->op = op;
	k->height = bi->height;
	k->nparams = bi->nparams;
	k->nresults = bi->nresults;
	k->dead = dead;
	if (dead)
		return;
	jc_fresh_mem(c);
	if (op == WASM_OP_IF) {
		unsigned ra, rb;
		uint8_t cond;

		/* everything under the condition to its slot */
		c->h--;
		jc_materialize_all(c);
		c->h++;
		jc_pop_cond(c, &cond, &ra, &rb);
		if (c->long_br) {
			jc_branch_cmp(c, cond, false, ra, rb, 8);
			k->else_site = rv64_pos(&c->b) + 1;
			rv64_jal(&c->b, RV64_ZERO, 0);
		} else {
			k->else_site = rv64_pos(&c->b) + 1;
			jc_branch_cmp(c, cond, true, ra, rb, 0);
		}
		jc_free_cond(c, ra, rb);
		return;
	}
	jc_materialize_all(c);
	k->start = rv64_pos(&c->b);
	if (op == WASM_OP_LOOP)
		jc_yield_check(c);
}

void jc_else(struct jc *c)
{
	struct jit_ctl *k = &c->cs[c->nc - 1];

	if (!k->dead) {
		jc_materialize_top(c, k->nresults);
		jc_fresh_mem(c);
		jump_to(c, k);
	}
	c->mem_stale = false; /* as at the if */
	if (k->else_site) {
		uint32_t one = add_fix(c, k->else_site - 1, 0);

		jc_patch_chain(c, one, rv64_pos(&c->b));
		k->else_site = 0;
	}
	k->op = WASM_OP_ELSE;
	k->dead = c->nc >= 2 && c->cs[c->nc - 2].dead;
	c->h = k->height;
	for (uint32_t i = 0; i < k->nparams; i++)
		c->vs[c->h++].kind = JV_SLOT;
	jc_regs_reset(c);
}

bool jc_end(struct jc *c)
{
	struct jit_ctl *k = &c->cs[c->nc - 1];

	if (c->nc == 1) {
		/* the body: falling off its end returns from where the values are;
		 * branches to its label find them in their slots */
		bool fall = !k->dead;

		if (fall && c->ft->nresults <= 1 && !c->vsig) {
			jc_emit_return(c);
			fall = false;
		} else if (fall) {
			jc_materialize_top(c, k->nresults);
		}
		jc_patch_chain(c, k->fix, rv64_pos(&c->b));
		if (fall || k->fix)
			jc_emit_epilogue(c);
		return true;
	}
	if (!k->dead) {
		jc_materialize_top(c, k->nresults);
		if (c->nc > 1)
			jc_fresh_mem(c);
	}
	if (c->nc > 1)
		c->mem_stale = false; /* every path into the label is */
	if (k->else_site) {
		uint32_t one = add_fix(c, k->else_site - 1, 0);

		jc_patch_chain(c, one, rv64_pos(&c->b));
	}
	if (k->op != WASM_OP_LOOP)
		jc_patch_chain(c, k->fix, rv64_pos(&c->b));
	c->h = k->height;
	for (uint32_t i = 0; i < k->nresults; i++)
		c->vs[c->h++].kind = JV_SLOT;
	jc_regs_reset(c);
	if (c->nc == 1)
		return true; /* the epilogue follows */
	c->nc--;
	return false;
}

void jc_br(struct jc *c, uint32_t d)
{
	struct jit_ctl *k = &c->cs[c->nc - 1 - d];

	emit_moves(c, k, label_arity(k));
	if (k != &c->cs[0])
		jc_fresh_mem(c);
	jump_to(c, k);
	jc_set_dead(c);
}

void jc_br_if(struct jc *c, uint32_t d)
{
	struct jit_ctl *k = &c->cs[c->nc - 1 - d];
	size_t site;

	uint32_t n = label_arity(k);
	unsigned ra, rb;
	uint8_t cond;

	if (k != &c->cs[0])
		jc_fresh_mem(c); /* t3 only: the condition's registers stay */
	jc_pop_cond(c, &cond, &ra, &rb);
	jc_free_cond(c, ra, rb); /* the branch reads them before anything else can */
	if (k->op == WASM_OP_LOOP && !needs_moves(c, k, n)) {
		int64_t back = ((int64_t)k->start - (int64_t)rv64_pos(&c->b)) * 4;

		if (rv64_fits_branch(back)) {
			jc_branch_cmp(c, cond, false, ra, rb, (int32_t)back);
			return;
		}
	}
	if (k->op != WASM_OP_LOOP && !c->long_br && !needs_moves(c, k, n)) {
		/* forward, bound at the block's end (too far: compiled again) */
		k->fix = add_fix(c, rv64_pos(&c->b), k->fix);
		jc_branch_cmp(c, cond, false, ra, rb, 0);
		return;
	}
	site = rv64_pos(&c->b);
	jc_branch_cmp(c, cond, true, ra, rb, 0);
	emit_moves(c, k, n);
	jump_to(c, k);
	bind_here(c, site);
}

void jc_br_table(struct jc *c)
{
	struct rv64_buf *b = &c->b;
	uint32_t cnt, l, n;
	size_t at, table;
	size_t *island;
	unsigned r;

	wasm_reader_u32(&c->r, &cnt);
	at = c->r.pos;
	for (uint32_t i = 0; i < cnt; i++)
		wasm_reader_u32(&c->r, &l);
	wasm_reader_u32(&c->r, &l);
	n = label_arity(&c->cs[c->nc - 1 - l]);
	c->r.pos = at;
	r = jc_pop_xu32(c);
	jc_materialize_all(c);
	jc_fresh_mem(c);
	/* r = min(index, cnt); jump to table[r] */
	rv64_li(b, JR_U, cnt);
	rv64_bltu(b, r, JR_U, 8);
	rv64_mv(b, r, JR_U);
	rv64_auipc(b, JR_U, 0);
	rv64_slli(b, r, r, 2);
	rv64_add(b, JR_U, JR_U, r);
	rv64_jalr(b, RV64_ZERO, JR_U, 16);
	jc_free_reg(c, r, false);
	table = rv64_pos(b);
	/* islands (moves then the jump) per depth whose slots differ */
	island = calloc(c->nc, sizeof(*island));
	if (!island) {
		c->err = ERR_NOMEM;
		return;
	}
	for (uint32_t i = 0; i <= cnt; i++) {
		struct jit_ctl *k;

		wasm_reader_u32(&c->r, &l);
		k = &c->cs[c->nc - 1 - l];
		if (n && k->height != c->h - n)
			rv64_jal(b, RV64_ZERO, 0); /* to its island, below */
		else
			jump_to(c, k);
	}
	c->r.pos = at;
	for (uint32_t i = 0; i <= cnt; i++) {
		struct jit_ctl *k;

		wasm_reader_u32(&c->r, &l);
		k = &c->cs[c->nc - 1 - l];
		if (!n || k->height == c->h - n)
			continue;
		if (!island[l]) {
			island[l] = rv64_pos(b) + 1;
			emit_moves(c, k, n);
			jump_to(c, k);
		}
		rv64_patch_jal(b, table + i, island[l] - 1);
	}
	free(island);
	jc_set_dead(c);
}

void jc_return(struct jc *c)
{
	if (c->ft->nresults > 1 || c->vsig) {
		jc_br(c, c->nc - 1); /* through the slots to the body's label */
		return;
	}
	jc_emit_return(c);
	jc_set_dead(c);
}

/* ---- calls ---- */

/* Where param i of ft goes: an a/fa register number (x or f), or a stack
 * slot (returns false, *slot set). */
struct argpos {
	uint32_t ni, nf, ns;
};

static bool next_arg(struct argpos *p, uint8_t t, unsigned *reg, uint32_t *slot)
{
	if (is_float(t) ? p->nf < 8 : p->ni < 8) {
		*reg = is_float(t) ? 10 + p->nf++ : RV64_A0 + p->ni++;
		return true;
	}
	*slot = p->ns++;
	return false;
}

static uint32_t stack_params(const struct wasm_functype *ft)
{
	struct argpos p = {0, 0, 0};
	unsigned r;
	uint32_t s;

	for (uint32_t i = 0; i < ft->nparams; i++)
		next_arg(&p, ft->params[i], &r, &s);
	return p.ns;
}

uint32_t jc_out_slots(const struct wasm_functype *ft)
{
	if (!jc_simd_type_ok(ft))
		return jc_simd_out_slots(ft);
	return MAX(stack_params(ft), ft->nresults > 1 ? ft->nresults : 0);
}

/* Whether x or f register r is an argument register (a0-a7, fa0-fa7:
 * the same numbers). */
static bool is_arg_reg(unsigned r)
{
	return r >= RV64_A0 && r <= RV64_A7;
}

/*
 * Args from the top nparams entries to registers and the outgoing area,
 * everything below them spilled (the call clobbers the pools). An arg
 * already in a register moves from there; one sitting in another arg's
 * register is spilled first, so no move overwrites a source still needed.
 */
static void emit_args(struct jc *c, const struct wasm_functype *ft)
{
	struct argpos p = {0, 0, 0};
	uint32_t base = c->h - ft->nparams, ns = stack_params(ft);
	unsigned reg;
	uint32_t s;

	c->out_slots = MAX(c->out_slots, MAX(ns, ft->nresults > 1 ? ft->nresults : 0));
	for (uint32_t i = 0; i < base; i++)
		if (c->vs[i].kind == JV_REG)
			jc_materialize(c, i);
	for (uint32_t i = 0; i < ft->nparams; i++) {
		const struct jit_ventry *e = &c->vs[base + i];

		if (next_arg(&p, ft->params[i], &reg, &s) && e->kind == JV_REG &&
		    is_arg_reg(e->reg) && e->reg != reg)
			jc_materialize(c, base + i);
	}
	/* the outgoing area first: it writes no arg register */
	memset(&p, 0, sizeof(p));
	for (uint32_t i = 0; i < ft->nparams; i++) {
		if (next_arg(&p, ft->params[i], &reg, &s))
			continue;
		/* its canonical bits: a value in a register goes through its slot */
		if (c->vs[base + i].kind == JV_REG)
			jc_materialize(c, base + i);
		jc_get_x(c, base + i, JR_U, WASM_TYPE_I64);
		jc_st(c, rv64_sd, JR_U, RV64_SP, 8 * (int64_t)s);
	}
	memset(&p, 0, sizeof(p));
	for (uint32_t i = 0; i < ft->nparams; i++) {
		uint8_t t = wasm_type_kind(ft->params[i]);

		if (!next_arg(&p, t, &reg, &s))
			continue;
		if (is_float(t))
			jc_get_f(c, base + i, reg, t);
		else
			jc_get_x(c, base + i, reg, t);
	}
}

/* Results of a direct call (a0/fa0 or the outgoing area) to their slots
 * at position `base`. */
static void take_results(struct jc *c, const struct wasm_functype *ft, uint32_t base, bool in_reg)
{
	if (ft->nresults == 1 && in_reg) {
		uint8_t t = wasm_type_kind(ft->results[0]);
		unsigned r = jc_is_float(t) ? 10 : RV64_A0; /* fa0 or a0 */

		jc_claim_reg(c, r, jc_is_float(t));
		c->h = base;
		jc_push_reg(c, r, t);
		return;
	}
	if (ft->nresults == 1) {
		uint8_t t = wasm_type_kind(ft->results[0]);

		if (is_float(t))
			jc_put_f(c, base, 10, t);
		else
			jc_put_x(c, base, RV64_A0, t);
		return;
	}
	for (uint32_t i = 0; i < ft->nresults; i++) {
		jc_ld(c, rv64_ld, JR_U, RV64_SP, 8 * (int64_t)i);
		jc_st(c, rv64_sd, JR_U, RV64_S0, jc_slot_off(c, jc_slot(c, base + i)));
	}
}

/* rt->call with a1 = func (or UINT32_MAX and a3 = funcinst already set),
 * the args in the slots at position base. */
static void slow_call(struct jc *c, uint32_t func, uint32_t base)
{
	if (func != UINT32_MAX)
		rv64_li(&c->b, RV64_A3, 0);
	rv64_li(&c->b, RV64_A1, (int64_t)func);
	jc_addr(c, RV64_A2, RV64_S0, jc_slot_off(c, jc_slot(c, base)));
	jc_call_rt(c, offsetof(struct jit_rt, call));
}

static void push_results(struct jc *c, const struct wasm_functype *ft)
{
	for (uint32_t i = 0; i < ft->nresults; i++)
		c->vs[c->h++].kind = JV_SLOT;
}

void jc_call(struct jc *c, uint32_t func)
{
	const struct wasm_module *m = c->m;
	const struct wasm_functype *ft = &m->types[m->funcs[func].type];
	uint32_t base = c->h - ft->nparams;

	jc_fresh_mem(c); /* the callee starts from s3/s4 */
	if (func < m->nfunc_imports) {
		jc_spill_all(c);
		jc_materialize_top(c, ft->nparams);
		slow_call(c, func, base);
	} else {
		emit_args(c, ft);
		c->h = base;
		jc_regs_reset(c); /* nothing is left in a pool register */
		rv64_ld(&c->b, JR_V, JIT_REG_INST, offsetof(struct jit_inst, entry));
		jc_ld(c, rv64_ld, JR_V, JR_V, 8 * (int64_t)(func - m->nfunc_imports));
		jc_pcmap(c, rv64_pos(&c->b));
		rv64_jalr(&c->b, RV64_RA, JR_V, 0);
		jc_reload_mem(c);
		if (ft->nresults == 1) {
			take_results(c, ft, base, true);
			return;
		}
		take_results(c, ft, base, false);
	}
	c->h = base;
	push_results(c, ft);
	if (func < m->nfunc_imports)
		jc_reload_mem(c);
}

/*
 * return_call of a defined function whose params all go in registers: the
 * args in a0-a7/fa0-fa7, this frame popped, then a jump to the callee's
 * entry with ra our caller's, so the callee (or the stub that compiles or
 * interprets it) returns there, its results where ours would go (the same
 * type). An import needs a slow call through the runtime and a param on
 * the stack our caller's outgoing area, which may be too small: such a
 * function is refused (interpreted, where the frame is replaced too).
 */
void jc_return_call(struct jc *c, uint32_t func)
{
	const struct wasm_module *m = c->m;
	const struct wasm_functype *ft = &m->types[m->funcs[func].type];
	uint32_t out;

	if (func < m->nfunc_imports || stack_params(ft)) {
		c->err = ERR_UNSUPP;
		return;
	}
	jc_fresh_mem(c); /* the callee starts from s3/s4 */
	out = c->out_slots;
	emit_args(c, ft);
	c->out_slots = out; /* nothing goes to our outgoing area */
	c->h -= ft->nparams;
	jc_regs_reset(c);
	rv64_ld(&c->b, JR_V, JIT_REG_INST, offsetof(struct jit_inst, entry));
	jc_ld(c, rv64_ld, JR_V, JR_V, 8 * (int64_t)(func - m->nfunc_imports));
	jc_emit_leave(c, JR_V);
	jc_set_dead(c);
}

uint32_t jc_call_pop(struct jc *c, const struct wasm_functype *ft, bool is64, unsigned to)
{
	unsigned r = is64 ? jc_pop_x(c, WASM_TYPE_I64) : jc_pop_xu32(c);

	jc_fresh_mem(c); /* the callee starts from s3/s4 */
	jc_spill_all(c);
	if (r != to)
		rv64_mv(&c->b, to, r);
	jc_free_reg(c, r, false);
	jc_materialize_top(c, ft->nparams);
	if (!jc_simd_type_ok(ft)) /* args and results in memory */
		jc_simd_args(c, ft, c->h - ft->nparams);
	return c->h - ft->nparams;
}

void jc_call_funcinst(struct jc *c, const struct wasm_functype *ft, uint32_t base, bool check)
{
	struct rv64_buf *b = &c->b;
	const struct wasm_module *m = c->m;
	/* the slot above the args (the callee's, popped) keeps it on the slow path */
	uint32_t fslot = jc_slot(c, base + ft->nparams);
	size_t to_slow, done, typed = 0;
	bool vsig = !jc_simd_type_ok(ft); /* args and results in memory */

	rv64_ld(b, JR_T, JR_V, offsetof(struct wasm_funcinst, inst));
	rv64_ld(b, JR_U, JIT_REG_INST, offsetof(struct jit_inst, inst));
	to_slow = rv64_pos(b);
	rv64_bne(b, JR_T, JR_U, 0);
	/* this instance: the same type canon, then the entry */
	if (check) {
		rv64_ld(b, JR_T, JR_V, offsetof(struct wasm_funcinst, type));
		rv64_lwu(b, JR_T, JR_T, offsetof(struct wasm_functype, canon));
		rv64_li(b, JR_U, ft->canon);
		rv64_beq(b, JR_T, JR_U, 8);
		jc_trap_jal(c, WASM_TRAP_INDIRECT_TYPE);
	}
	rv64_lwu(b, JR_T, JR_V, offsetof(struct wasm_funcinst, index));
	rv64_slli(b, JR_T, JR_T, 3);
	rv64_ld(b, JR_V, JIT_REG_INST, offsetof(struct jit_inst, entry));
	rv64_add(b, JR_V, JR_V, JR_T);
	jc_ld(c, rv64_ld, JR_V, JR_V, -8 * (int64_t)m->nfunc_imports);
	if (!vsig)
		emit_args(c, ft);
	jc_pcmap(c, rv64_pos(b));
	rv64_jalr(b, RV64_RA, JR_V, 0);
	if (!vsig)
		take_results(c, ft, base, false);
	done = rv64_pos(b);
	rv64_jal(b, RV64_ZERO, 0);
	/* another instance or a host function */
	bind_here(c, to_slow);
	if (check) {
		jc_st(c, rv64_sd, JR_V, RV64_S0, jc_slot_off(c, fslot));
		rv64_ld(b, RV64_A1, JR_V, offsetof(struct wasm_funcinst, type));
		rv64_li(b, RV64_A2, (int64_t)(uintptr_t)ft);
		typed = rv64_pos(b);
		rv64_beq(b, RV64_A1, RV64_A2, 0);
		jc_call_rt(c, offsetof(struct jit_rt, sig_match));
		rv64_bne(b, RV64_A0, RV64_ZERO, 8);
		jc_trap_jal(c, WASM_TRAP_INDIRECT_TYPE);
		bind_here(c, typed);
		jc_ld(c, rv64_ld, RV64_A3, RV64_S0, jc_slot_off(c, fslot));
	} else {
		rv64_mv(b, RV64_A3, JR_V);
	}
	if (vsig)
		jc_simd_slow_call(c, UINT32_MAX);
	else
		slow_call(c, UINT32_MAX, base);
	rv64_patch_jal(b, done, rv64_pos(b));
	if (vsig)
		jc_simd_take(c, ft, base);
	c->h = base;
	push_results(c, ft);
	jc_reload_mem(c);
}

/*
 * call_indirect: bounds, null and signature checked here; a callee of
 * this instance is called directly (its type is in this module: equal
 * types have equal canon), any other through rt->call after a structural
 * type check (rt->sig_match) unless its type is the expected one by
 * address. On an i64 table (table64) the index is compared in 64 bits
 * with the size: one of 2^32 or more is out of bounds, never wrapped.
 */
void jc_call_indirect(struct jc *c, uint32_t type, uint32_t table)
{
	struct rv64_buf *b = &c->b;
	const struct wasm_functype *ft = &c->m->types[type];
	uint32_t base = jc_call_pop(c, ft, c->m->tables[table].limits.is64, JR_A);

	rv64_ld(b, JR_B, JIT_REG_INST, offsetof(struct jit_inst, tables));
	jc_ld(c, rv64_ld, JR_B, JR_B, 8 * (int64_t)table);
	rv64_lwu(b, JR_C, JR_B, offsetof(struct wasm_tableinst, size));
	rv64_bltu(b, JR_A, JR_C, 8);
	jc_trap_jal(c, WASM_TRAP_UNDEFINED_ELEM);
	rv64_ld(b, JR_B, JR_B, offsetof(struct wasm_tableinst, elems));
	rv64_slli(b, JR_A, JR_A, 3);
	rv64_add(b, JR_B, JR_B, JR_A);
	rv64_ld(b, JR_V, JR_B, 0);
	rv64_bne(b, JR_V, RV64_ZERO, 8);
	jc_trap_jal(c, WASM_TRAP_UNINIT_ELEM);
	jc_call_funcinst(c, ft, base, true);
}

/*
 * return_call_ref's call of the funcinst in JR_V (not null; the args in
 * their slots at position base): one of this instance is a tail call like
 * return_call's (args in registers, this frame popped, a jump to its entry
 * with ra our caller's); any other is a slow call whose results this
 * function then returns, so a chain of tail calls through other instances
 * or host functions grows the guest stack where the interpreter's
 * replaces its frame. A type with params on the stack is refused, as
 * return_call's.
 */
void jc_tail_funcinst(struct jc *c, const struct wasm_functype *ft, uint32_t base)
{
	struct rv64_buf *b = &c->b;
	uint32_t out = c->out_slots;
	size_t to_slow;

	if (stack_params(ft)) {
		c->err = ERR_UNSUPP;
		return;
	}
	rv64_ld(b, JR_T, JR_V, offsetof(struct wasm_funcinst, inst));
	rv64_ld(b, JR_U, JIT_REG_INST, offsetof(struct jit_inst, inst));
	to_slow = rv64_pos(b);
	rv64_bne(b, JR_T, JR_U, 0);
	rv64_lwu(b, JR_T, JR_V, offsetof(struct wasm_funcinst, index));
	rv64_slli(b, JR_T, JR_T, 3);
	rv64_ld(b, JR_V, JIT_REG_INST, offsetof(struct jit_inst, entry));
	rv64_add(b, JR_V, JR_V, JR_T);
	jc_ld(c, rv64_ld, JR_V, JR_V, -8 * (int64_t)c->m->nfunc_imports);
	emit_args(c, ft);
	c->out_slots = out; /* nothing goes to our outgoing area */
	jc_emit_leave(c, JR_V);
	bind_here(c, to_slow);
	rv64_mv(b, RV64_A3, JR_V);
	slow_call(c, UINT32_MAX, base);
	c->h = base;
	push_results(c, ft);
	jc_reload_mem(c);
	jc_return(c);
}
