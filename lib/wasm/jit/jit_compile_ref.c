/*
 * jit_compile_ref.c - the compiler's typed function references
 * (jit_internal.h): call_ref, return_call_ref, ref.as_non_null,
 * br_on_null and br_on_non_null.
 *
 * A reference is the pointer it is (a struct wasm_funcinst * for a
 * function, 0 for null), so a null check is a compare with zero. call_ref
 * needs no type check (the validator proved the reference's type) and
 * otherwise calls as call_indirect does (jit_compile_ctl.c): directly a
 * function of this instance, through the runtime any other.
 */
#include "base/err.h"
#include "wasm/jit/jit_internal.h"
#include "wasm/opcodes.h"

void jc_call_ref(struct jc *c, uint32_t type, bool tail)
{
	const struct wasm_functype *ft = &c->m->types[type];
	uint32_t base;

	/* a v128 in the type: the memory convention of jc_call_indirect is
	 * not wired up here (its args must keep JR_V), so interpreted; a
	 * tail call also needs this function's own signature free of them */
	if (!jc_simd_type_ok(ft)) {
		c->err = ERR_UNSUPP;
		return;
	}
	if (tail)
		jc_simd_tail_call_ok(c, ft);
	base = jc_call_pop(c, ft, true, JR_V);
	rv64_bne(&c->b, JR_V, RV64_ZERO, 8);
	jc_trap_jal(c, WASM_TRAP_NULL_FUNCREF);
	if (tail)
		jc_tail_funcinst(c, ft, base);
	else
		jc_call_funcinst(c, ft, base, false);
}

/* The top entry stays where it is; a copy is checked. */
void jc_ref_as_non_null(struct jc *c)
{
	jc_get_x(c, c->h - 1, JR_T, WASM_TYPE_I64);
	rv64_bne(&c->b, JR_T, RV64_ZERO, 8);
	jc_trap_jal(c, WASM_TRAP_NULL_REF);
}

/*
 * Both are br_if on a compare of a copy of the reference with zero (a CMP
 * entry, jit_internal.h). br_on_non_null's label takes the reference: the
 * compare goes above it and the reference is dropped on the fallthrough.
 * br_on_null's does not: the compare takes the reference's place while
 * br_if runs, and the reference comes back after it (in a slot, a local
 * or a constant, which br_if's moves leave alone: they write only the
 * label's slots, all below it).
 */
void jc_br_on_null(struct jc *c, uint32_t d, bool non_null)
{
	uint32_t i = c->h - 1;
	struct jit_ventry ref;
	unsigned r;

	if (!non_null && c->vs[i].kind == JV_REG)
		jc_materialize(c, i);
	r = jc_alloc_x(c);
	jc_get_x(c, i, r, WASM_TYPE_I64);
	ref = c->vs[i];
	if (!non_null)
		c->h--;
	c->vs[c->h].kind = JV_CMP;
	c->vs[c->h].cond = non_null ? JIT_CMP_NE : JIT_CMP_EQ;
	c->vs[c->h].reg = (uint8_t)r;
	c->vs[c->h++].reg2 = RV64_ZERO;
	jc_br_if(c, d);
	if (non_null)
		jc_drop(c);
	else
		c->vs[c->h++] = ref;
}
