/*
 * jit_compile.c - the baseline compiler's driver (jit.h): one validated
 * function body in, riscv64 code in sealed code memory out, following
 * jit_abi.h. One pass over the body with an operand stack of slots,
 * deferred locals, constants and registers (jit_compile_stack.c); control
 * flow and calls in jit_compile_ctl.c, the other instructions in
 * jit_compile_ops.c, each chosen by the opcode table's row
 * (wasm/opcodes.h).
 *
 * Code layout (jit_compile_frame.c makes all but the body):
 *
 *   prologue    frame and stack check, params to their slots, locals
 *               zeroed, yield check
 *   body        one run of code per instruction; every branch to a label
 *               is a jal (+-1 MiB), conditions skip over it
 *   epilogue    results to a0/fa0 or the caller's area, frame popped
 *   stubs       one per trap kind used: a2 - 4 is the site (a `jal a2`;
 *               for the stack check, ra - 4: the caller's call), a1 the
 *               kind; they call rt->trap, which does not return
 *
 * Unreachable code (after br, br_table, return, unreachable) is skipped
 * up to the end or else of its block; its block headers still consume
 * entries of the validator's block table.
 */
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/err.h"
#include "wasm/decode/decode.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

static void *grow(struct jc *c, void *p, uint32_t *cap, size_t elem)
{
	uint32_t ncap = *cap ? *cap * 2 : 32;
	void *q = realloc(p, (size_t)ncap * elem);

	if (!q) {
		c->err = ERR_NOMEM;
		return NULL;
	}
	*cap = ncap;
	return q;
}

void jc_pcmap(struct jc *c, size_t pos)
{
	if (c->npcs == c->cappcs) {
		struct jit_pc *p = grow(c, c->pcs, &c->cappcs, sizeof(*p));

		if (!p)
			return;
		c->pcs = p;
	}
	c->pcs[c->npcs].code_off = (uint32_t)(pos * 4);
	c->pcs[c->npcs++].wasm_off = c->off;
}

void jc_trap_jal(struct jc *c, uint8_t stub)
{
	if (c->nsites == c->capsites) {
		struct jit_site *p = grow(c, c->sites, &c->capsites, sizeof(*p));

		if (!p)
			return;
		c->sites = p;
	}
	c->sites[c->nsites].pos = rv64_pos(&c->b);
	c->sites[c->nsites++].stub = stub;
	if (stub != JIT_STUB_YIELD)
		jc_pcmap(c, rv64_pos(&c->b));
	rv64_jal(&c->b, stub == JIT_STUB_YIELD ? RV64_RA : RV64_A2, 0);
}

void jc_yield_check(struct jc *c)
{
	rv64_lw(&c->b, JR_T, JIT_REG_EXEC, jit_off_yield);
	rv64_beq(&c->b, JR_T, RV64_ZERO, 8);
	jc_trap_jal(c, JIT_STUB_YIELD);
}

void jc_call_rt(struct jc *c, size_t field)
{
	rv64_mv(&c->b, RV64_A0, JIT_REG_EXEC);
	rv64_ld(&c->b, JR_T, JIT_REG_EXEC, jit_off_rt);
	rv64_ld(&c->b, JR_T, JR_T, (int32_t)field);
	jc_pcmap(c, rv64_pos(&c->b));
	rv64_jalr(&c->b, RV64_RA, JR_T, 0);
}

void jc_reload_mem(struct jc *c)
{
	c->mem_stale = true;
}

void jc_fresh_mem(struct jc *c)
{
	if (!c->mem_stale)
		return;
	c->mem_stale = false;
	rv64_ld(&c->b, JR_T, JIT_REG_INST, offsetof(struct jit_inst, mem0));
	rv64_ld(&c->b, JIT_REG_MBASE, JR_T, offsetof(struct wasm_memory, base));
	rv64_ld(&c->b, JIT_REG_MSIZE, JR_T, offsetof(struct wasm_memory, size_bytes));
}

void jc_addr(struct jc *c, unsigned rd, unsigned base, int64_t off)
{
	if (rv64_fits_imm12(off)) {
		rv64_addi(&c->b, rd, base, (int32_t)off);
		return;
	}
	if (rd == base) {
		rv64_li(&c->b, JR_ADDR, off);
		rv64_add(&c->b, rd, base, JR_ADDR);
		return;
	}
	rv64_li(&c->b, rd, off);
	rv64_add(&c->b, rd, rd, base);
}

size_t jc_ld(struct jc *c, jc_ldfn fn, unsigned rd, unsigned base, int64_t off)
{
	if (!rv64_fits_imm12(off)) {
		jc_addr(c, JR_ADDR, base, off);
		base = JR_ADDR;
		off = 0;
	}
	fn(&c->b, rd, base, (int32_t)off);
	return rv64_pos(&c->b) - 1;
}

size_t jc_st(struct jc *c, jc_stfn fn, unsigned rs, unsigned base, int64_t off)
{
	if (!rv64_fits_imm12(off)) {
		jc_addr(c, JR_ADDR, base, off);
		base = JR_ADDR;
		off = 0;
	}
	fn(&c->b, rs, (int32_t)off, base);
	return rv64_pos(&c->b) - 1;
}

/* The 0xfc instructions that are not numeric. The table ones serve an i64
 * table (table64) too: rt->misc reads their operands by the tables'
 * address types. */
static void compile_fc(struct jc *c, uint32_t sub)
{
	uint32_t op = WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub), x = 0, y = 0;

	switch (wasm_opinfo[op].imm) {
	case WASM_IMM_IDX_MEM0:
		wasm_reader_u32(&c->r, &x);
		jc_memidx(c);
		break;
	case WASM_IMM_IDX2:
		wasm_reader_u32(&c->r, &x);
		wasm_reader_u32(&c->r, &y);
		break;
	case WASM_IMM_IDX:
		wasm_reader_u32(&c->r, &x);
		break;
	case WASM_IMM_MEM0_MEM0:
		jc_memidx(c);
		jc_memidx(c);
		break;
	case WASM_IMM_MEM0:
		jc_memidx(c);
		break;
	default:
		break;
	}
	switch (sub) {
	case WASM_OP_MEMORY_INIT:
	case WASM_OP_MEMORY_COPY:
	case WASM_OP_MEMORY_FILL:
	case WASM_OP_TABLE_INIT:
	case WASM_OP_TABLE_COPY:
	case WASM_OP_TABLE_FILL:
		jc_misc(c, op, 3, false, x | (uint64_t)y << 32);
		break;
	case WASM_OP_DATA_DROP:
	case WASM_OP_ELEM_DROP:
		jc_misc(c, op, 0, false, x);
		break;
	case WASM_OP_TABLE_GROW:
		jc_misc(c, op, 2, true, x);
		break;
	case WASM_OP_TABLE_SIZE:
		jc_misc(c, op, 0, true, x);
		break;
	default: /* a NUM row */
		jc_numeric(c, op);
		break;
	}
}

/* One instruction whose opcode was read, in reachable code; true at the
 * body's end. */
static bool compile_instr(struct jc *c, uint8_t code)
{
	uint32_t x, y;
	uint64_t v;
	uint8_t u;

	switch (code) {
	case WASM_OP_UNREACHABLE:
		jc_trap_jal(c, WASM_TRAP_UNREACHABLE);
		jc_set_dead(c);
		return false;
	case WASM_OP_NOP:
		return false;
	case WASM_OP_BLOCK:
	case WASM_OP_LOOP:
	case WASM_OP_IF:
		jc_block(c, code);
		return false;
	case WASM_OP_ELSE:
		jc_else(c);
		return false;
	case WASM_OP_END:
		return jc_end(c);
	case WASM_OP_BR:
		wasm_reader_u32(&c->r, &x);
		jc_br(c, x);
		return false;
	case WASM_OP_BR_IF:
		wasm_reader_u32(&c->r, &x);
		jc_br_if(c, x);
		return false;
	case WASM_OP_BR_TABLE:
		jc_br_table(c);
		return false;
	case WASM_OP_RETURN:
		jc_return(c);
		return false;
	case WASM_OP_CALL:
		wasm_reader_u32(&c->r, &x);
		if (jc_simd_type_ok(&c->m->types[c->m->funcs[x].type]))
			jc_call(c, x);
		else
			jc_simd_call(c, x);
		return false;
	case WASM_OP_CALL_INDIRECT:
		wasm_reader_u32(&c->r, &x);
		wasm_reader_u32(&c->r, &y);
		jc_call_indirect(c, x, y);
		return false;
	case WASM_OP_RETURN_CALL:
		wasm_reader_u32(&c->r, &x);
		jc_simd_tail_call_ok(c, &c->m->types[c->m->funcs[x].type]);
		jc_return_call(c, x);
		return false;
	case WASM_OP_RETURN_CALL_INDIRECT:
		/* not compiled: the function is interpreted, where a tail call
		 * replaces the frame (and the interpreter never calls back into
		 * compiled code, so a chain of them stays constant-space) */
		c->err = ERR_UNSUPP;
		return false;
	case WASM_OP_CALL_REF: /* typed function references: jit_compile_ref.c */
	case WASM_OP_RETURN_CALL_REF:
		wasm_reader_u32(&c->r, &x);
		jc_call_ref(c, x, code == WASM_OP_RETURN_CALL_REF);
		return false;
	case WASM_OP_REF_AS_NON_NULL:
		jc_ref_as_non_null(c);
		return false;
	case WASM_OP_BR_ON_NULL:
	case WASM_OP_BR_ON_NON_NULL:
		wasm_reader_u32(&c->r, &x);
		jc_br_on_null(c, x, code == WASM_OP_BR_ON_NON_NULL);
		return false;
	case WASM_OP_DROP:
		c->untyped++;
		jc_drop(c);
		return false;
	case WASM_OP_SELECT_T:
		wasm_reader_u32(&c->r, &x);
		wasm_reader_valtype_kind(&c->r, &u);
		jc_select(c, u);
		return false;
	case WASM_OP_SELECT:
		jc_select(c, c->f->untyped_types[c->untyped++]);
		return false;
	case WASM_OP_LOCAL_GET:
		wasm_reader_u32(&c->r, &x);
		c->vs[c->h].kind = JV_LOCAL;
		c->vs[c->h++].local = x;
		return false;
	case WASM_OP_LOCAL_SET:
	case WASM_OP_LOCAL_TEE:
		wasm_reader_u32(&c->r, &x);
		jc_local_set(c, x, code == WASM_OP_LOCAL_TEE);
		return false;
	case WASM_OP_GLOBAL_GET:
		wasm_reader_u32(&c->r, &x);
		if (c->m->globals[x].type == WASM_TYPE_V128)
			jc_simd_global(c, x, false);
		else
			jc_global_get(c, x);
		return false;
	case WASM_OP_GLOBAL_SET:
		wasm_reader_u32(&c->r, &x);
		if (c->m->globals[x].type == WASM_TYPE_V128)
			jc_simd_global(c, x, true);
		else
			jc_global_set(c, x);
		return false;
	case WASM_OP_TABLE_GET:
		wasm_reader_u32(&c->r, &x);
		jc_misc(c, WASM_OP_TABLE_GET, 1, true, x);
		return false;
	case WASM_OP_TABLE_SET:
		wasm_reader_u32(&c->r, &x);
		jc_misc(c, WASM_OP_TABLE_SET, 2, false, x);
		return false;
	case WASM_OP_MEMORY_SIZE:
		jc_memidx(c);
		jc_memory_size(c);
		return false;
	case WASM_OP_MEMORY_GROW:
		jc_memidx(c);
		jc_memory_grow(c);
		return false;
	case WASM_OP_I32_CONST:
		wasm_reader_leb(&c->r, 32, true, &v);
		jc_push_const(c, (uint32_t)v);
		return false;
	case WASM_OP_I64_CONST:
		wasm_reader_leb(&c->r, 64, true, &v);
		jc_push_const(c, v);
		return false;
	case WASM_OP_F32_CONST:
		wasm_reader_fixed32(&c->r, &x);
		jc_push_const(c, x);
		return false;
	case WASM_OP_F64_CONST:
		wasm_reader_fixed64(&c->r, &v);
		jc_push_const(c, v);
		return false;
	case WASM_OP_REF_NULL: /* a heap type (s33) */
		wasm_reader_s33(&c->r, &(int64_t){0});
		jc_push_const(c, 0);
		return false;
	case WASM_OP_REF_IS_NULL:
		jc_ref_is_null(c);
		return false;
	case WASM_OP_REF_FUNC:
		wasm_reader_u32(&c->r, &x);
		jc_ref_func(c, x);
		return false;
	case WASM_OP_PREFIX_FC:
		wasm_reader_u32(&c->r, &x);
		compile_fc(c, x);
		return false;
	case WASM_OP_PREFIX_FD:
		jc_simd(c);
		return false;
	default:
		break;
	}
	switch (wasm_opinfo[code].tr) {
	case WASM_TR_LOAD:
	case WASM_TR_STORE:
		jc_mem(c, code);
		break;
	case WASM_TR_NUM:
		jc_numeric(c, code);
		break;
	default: /* BITS: a reinterpret keeps the value's bits */
		jc_reinterpret(c, wasm_sig_result(wasm_opinfo[code].sig));
		break;
	}
	return false;
}

/* An instruction in unreachable code: only block structure matters. */
static bool skip_instr(struct jc *c, uint8_t code)
{
	uint32_t sub;

	switch (code) {
	case WASM_OP_BLOCK:
	case WASM_OP_LOOP:
	case WASM_OP_IF:
		jc_block(c, code);
		return false;
	case WASM_OP_ELSE:
		jc_else(c);
		return false;
	case WASM_OP_END:
		return jc_end(c);
	case WASM_OP_PREFIX_FC:
		wasm_reader_u32(&c->r, &sub);
		if (sub < WASM_OP_FC_COUNT)
			jc_skip_imm(c, wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub)].imm);
		return false;
	case WASM_OP_PREFIX_FD:
		jc_simd_skip(c);
		return false;
	case WASM_OP_DROP:
	case WASM_OP_SELECT:
		c->untyped++; /* the validator's type table counts these too */
		return false;
	default:
		jc_skip_imm(c, wasm_opinfo[code].imm);
		return false;
	}
}

static int compile_body(struct jc *c)
{
	const struct wasm_func *f = c->f;
	uint32_t vcap;
	bool done = false;

	vcap = MAX(f->max_height, c->ft->nresults);
	for (uint32_t i = 0; i < f->nblocks; i++)
		vcap = MAX(vcap,
			   f->blocks[i].height + MAX(f->blocks[i].nparams, f->blocks[i].nresults));
	/* +1: table.size and call_indirect's callee use the slot above the top */
	vcap += 1;
	c->nlocals = c->ft->nparams + f->nlocals;
	c->nslots = c->nlocals + vcap;
	if (jc_simd_uses_v128(c->m, (uint32_t)(f - c->m->funcs)))
		c->vslots = jc_simd_vslots(c->nslots);
	c->vsig = !jc_simd_type_ok(c->ft);
	c->ltypes = malloc((size_t)c->nlocals + 1);
	c->lreg = calloc((size_t)c->nlocals + 1, 1);
	c->vs = malloc(((size_t)vcap + 1) * sizeof(*c->vs));
	c->cs = malloc(((size_t)f->max_depth + 1) * sizeof(*c->cs));
	if (!c->ltypes || !c->lreg || !c->vs || !c->cs)
		return ERR_NOMEM;
	for (uint32_t i = 0; i < c->ft->nparams; i++)
		c->ltypes[i] = wasm_type_kind(c->ft->params[i]);
	for (uint32_t i = 0; i < f->nlocals; i++)
		c->ltypes[c->ft->nparams + i] = wasm_type_kind(f->local_types[i]);
	jc_assign_homes(c);
	c->nc = 1;
	memset(&c->cs[0], 0, sizeof(c->cs[0]));
	c->cs[0].nresults = c->ft->nresults;
	c->off = f->code_start;
	jc_regs_reset(c);
	jc_emit_prologue(c);
	wasm_reader_init(&c->r, c->m->bytes, c->m->len);
	c->r.pos = f->code_start;
	c->r.end = f->code_end;
	while (!done && !c->err && !rv64_buf_error(&c->b)) {
		uint8_t op;

		c->off = (uint32_t)c->r.pos;
		if (!wasm_reader_u8(&c->r, &op))
			break;
		if (c->cs[c->nc - 1].dead)
			done = skip_instr(c, op);
		else
			done = compile_instr(c, op);
	}
	if (!c->err)
		c->err = rv64_buf_error(&c->b);
	if (!c->err && !done)
		c->err = ERR_INVAL; /* cannot happen for a validated body */
	if (c->err)
		return c->err;
	jc_emit_stubs(c);
	jc_check_frame(c);
	if (!c->err)
		c->err = rv64_buf_error(&c->b);
	return c->err;
}

/* Copies the code into code memory and makes the jit_func. */
static int publish(struct jc *c, uint32_t func, const struct wasm_code_mem *cm,
		   struct jit_func **out)
{
	size_t bytes = c->b.len * 4;
	struct jit_func *jf = calloc(1, sizeof(*jf));
	void *rw, *handle;

	if (!jf)
		return ERR_NOMEM;
	jf->pcmap = malloc((c->npcs ? c->npcs : 1) * sizeof(*jf->pcmap));
	if (!jf->pcmap || cm->alloc(cm->arg, bytes, &rw, &handle)) {
		free(jf->pcmap);
		free(jf);
		return ERR_NOMEM;
	}
	memcpy(rw, c->b.words, bytes);
	jf->entry = cm->seal(cm->arg, handle);
	if (!jf->entry) {
		free(jf->pcmap);
		free(jf);
		return ERR_NOMEM;
	}
	memcpy(jf->pcmap, c->pcs, c->npcs * sizeof(*jf->pcmap));
	jf->handle = handle;
	jf->size = (uint32_t)bytes;
	jf->func = func;
	jf->npc = c->npcs;
	*out = jf;
	return 0;
}

int jit_compile(const struct wasm_module *m, uint32_t func, const struct jit_opts *o,
		const struct wasm_code_mem *cm, struct jit_func **out)
{
	struct jc c;
	int rc;

	if (func < m->nfunc_imports || func >= m->nfuncs)
		return ERR_INVAL;
	/* GC references stay with the interpreter: the collector finds its
	 * roots in interpreted frames only, so a module that uses GC is not
	 * compiled at all */
	if (m->uses_gc)
		return ERR_UNSUPP;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.f = &m->funcs[func];
	c.ft = &m->types[c.f->type];
	c.o = o;
	for (;;) {
		rv64_buf_init(&c.b);
		rc = compile_body(&c);
		if (!rc)
			rc = publish(&c, func, cm, out);
		rv64_buf_free(&c.b);
		free(c.ltypes);
		free(c.lreg);
		free(c.vs);
		free(c.cs);
		free(c.fix);
		free(c.sites);
		free(c.pcs);
		if (rc != ERR_RANGE || c.long_br)
			return rc == ERR_RANGE ? ERR_UNSUPP : rc;
		/* an operand out of range, usually a short conditional branch
		 * that did not reach: long ones only (anything else fails again) */
		memset(&c, 0, sizeof(c));
		c.m = m;
		c.f = &m->funcs[func];
		c.ft = &m->types[c.f->type];
		c.o = o;
		c.long_br = true;
	}
}

void jit_func_free(const struct wasm_code_mem *cm, struct jit_func *f)
{
	if (!f)
		return;
	cm->free(cm->arg, f->handle);
	free(f->pcmap);
	free(f);
}

uint32_t jit_func_wasm_offset(const struct jit_func *f, uintptr_t pc)
{
	uintptr_t off = pc - (uintptr_t)f->entry;
	uint32_t lo = 0, hi = f->npc;

	if (!f->npc)
		return 0;
	/* the last entry at or before off */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (f->pcmap[mid].code_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return f->pcmap[lo].wasm_off;
}
