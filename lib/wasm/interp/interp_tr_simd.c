/*
 * interp_tr_simd.c - the translator's SIMD (0xfd) instructions.
 *
 * A v128 is two stack entries (low half first, see interp_internal.h).
 * Operands are read where they are, like a scalar operator's: a v128 in a
 * local's pair of slots or in its own two stack slots; anything else (a
 * constant, a split pair) is first written to its stack slots.
 *
 *   OP_SIMD         a row of interp_simd_rows: operands at slots a, b
 *                   (a third in imm >> 32), the row in imm's low 16 bits,
 *                   its lane index in bits 16-23, the result to slot c.
 *                   The rows of simd_exec.h have their own ops (row_op),
 *                   with the same fields.
 *   OP_SIMD_LOAD    v128.load on memory 0 of i32 addresses: address
 *                   slot a plus b (an i32 sum), result c, offset imm.
 *                   OP_SIMD_STORE: v128.store, address a, the value at b.
 *   OP_SIMD_MEM0    the other loads and stores on that memory (the lane
 *                   loads as OP_SIMD_LOAD_LANE, simd_exec.h): address a
 *                   (plus b, an i32 sum, for a row without a vector
 *                   operand), vector operand b, result c, imm the offset |
 *                   the row << 32 | the lane << 48 (interp_simd_mem0).
 *   OP_SIMD_MEM     an access to another memory or an i64 one: its
 *                   operands written to consecutive slots from a (address,
 *                   then a vector), the result from a; b the row and the
 *                   lane << 16, imm the offset, c the memory's index + 1.
 *   OP_SIMD_SHUFFLE operands from a, as OP_SIMD_MEM's; the 16 lane
 *                   indices in imm, b and c.
 *   OP_SIMD_CONST   a v128.const operand written to slot c: the low half
 *                   in imm, the high half in a | b << 32.
 *
 * v128.const is two constant entries, which become immediates or slots
 * like any other constant. A v128 result that a local.set takes at once
 * goes to the local (interp_tr_simd_local_set).
 */
#include <string.h>

#include "wasm/interp/interp_tr.h"

static uint32_t type_slots(uint8_t t)
{
	return t == WASM_TYPE_V128 ? 2 : t == WASM_TYPE_UNKNOWN ? 0 : 1;
}

/* The run loop's own op for row sub (simd_exec.h), or OP_SIMD. */
static uint32_t row_op(uint32_t sub)
{
	switch (sub) {
	case WASM_OP_F64X2_ADD:
		return OP_SIMD_F64X2_ADD;
	case WASM_OP_F64X2_SUB:
		return OP_SIMD_F64X2_SUB;
	case WASM_OP_F64X2_MUL:
		return OP_SIMD_F64X2_MUL;
	case WASM_OP_V128_AND:
		return OP_SIMD_V128_AND;
	case WASM_OP_V128_OR:
		return OP_SIMD_V128_OR;
	case WASM_OP_V128_XOR:
		return OP_SIMD_V128_XOR;
	case WASM_OP_I32X4_ADD:
		return OP_SIMD_I32X4_ADD;
	case WASM_OP_I32X4_MUL:
		return OP_SIMD_I32X4_MUL;
	case WASM_OP_F64X2_EXTRACT_LANE:
		return OP_SIMD_F64X2_EXTRACT_LANE;
	case WASM_OP_I32X4_EXTRACT_LANE:
		return OP_SIMD_I32X4_EXTRACT_LANE;
	case WASM_OP_F64X2_SPLAT:
		return OP_SIMD_F64X2_SPLAT;
	default:
		return OP_SIMD;
	}
}

/* Pops a v128 operand; returns the slot of its low half. */
static uint32_t pop_v128(struct tr *t)
{
	const struct ventry *e = &t->vs[t->h - 2];

	t->h -= 2;
	if (e[0].kind == V_LOCAL && e[1].kind == V_LOCAL && e[1].local == e[0].local + 1)
		return e[0].local;
	if (e[0].kind == V_CONST && e[1].kind == V_CONST) {
		struct ins *in = interp_tr_emit(t, OP_SIMD_CONST);

		in->imm = e[0].val;
		in->a = (uint32_t)e[1].val;
		in->b = (uint32_t)(e[1].val >> 32);
		in->c = interp_tr_slot(t, t->h);
		return in->c;
	}
	t->h += 2;
	interp_tr_materialize_top(t, 2);
	t->h -= 2;
	return interp_tr_slot(t, t->h);
}

/* Pops the operands of a row of signature sig into s[] (in order). */
static void pop_operands(struct tr *t, uint32_t sig, uint32_t s[3])
{
	for (uint32_t i = wasm_sig_nparams(sig); i-- > 0;) {
		if (wasm_sig_param(sig, i) == WASM_TYPE_V128)
			s[i] = pop_v128(t);
		else
			s[i] = interp_tr_pop(t);
	}
}

/* The memory-0 (i32 address) forms; false for another memory or offset. */
static bool tr_mem0(struct tr *t, const struct wasm_opinfo *oi, uint32_t sub, uint32_t mem,
		    uint64_t offset, uint8_t lane)
{
	uint32_t s[3] = {0}, nout = type_slots(wasm_sig_result(oi->sig));
	struct ins *in;

	if (mem || t->m->mems[0].limits.is64 || offset > UINT32_MAX)
		return false;
	if (wasm_sig_nparams(oi->sig) == 1 && t->vs[t->h - 1].kind == V_ADDK) {
		/* local + k: k, wrapped with the local, goes in b */
		s[0] = t->vs[t->h - 1].local;
		s[1] = (uint32_t)t->vs[--t->h].val;
	} else {
		pop_operands(t, oi->sig, s);
	}
	if (sub == WASM_OP_V128_LOAD)
		in = interp_tr_emit(t, OP_SIMD_LOAD);
	else if (sub == WASM_OP_V128_STORE)
		in = interp_tr_emit(t, OP_SIMD_STORE);
	else if (sub >= WASM_OP_V128_LOAD8_LANE && sub <= WASM_OP_V128_LOAD64_LANE)
		in = interp_tr_emit(t, OP_SIMD_LOAD_LANE);
	else
		in = interp_tr_emit(t, OP_SIMD_MEM0);
	in->a = s[0];
	in->b = s[1];
	in->imm = sub == WASM_OP_V128_LOAD || sub == WASM_OP_V128_STORE
			  ? offset
			  : offset | (uint64_t)sub << 32 | (uint64_t)lane << 48;
	if (!nout)
		return true;
	in->c = interp_tr_push(t);
	interp_tr_push(t);
	interp_tr_produced(t);
	return true;
}

bool interp_tr_simd_local_set(struct tr *t, uint32_t x)
{
	uint32_t top = t->h - 2, op;

	if (t->nomem || t->last_prod < 0 || t->last_prod != (int64_t)t->n - 1)
		return false;
	op = t->ops[t->n - 1];
	if (op != OP_SIMD && op != OP_SIMD_LOAD && op != OP_SIMD_MEM0 && op != OP_SIMD_LOAD_LANE &&
	    (op < OP_SIMD_F64X2_ADD || op > OP_SIMD_F64X2_SPLAT))
		return false;
	if (t->code[t->n - 1].c != interp_tr_slot(t, top) || t->vs[top].kind != V_SLOT ||
	    t->vs[top + 1].kind != V_SLOT)
		return false;
	for (uint32_t i = 0; i < top; i++) {
		if ((t->vs[i].kind == V_LOCAL || t->vs[i].kind == V_ADDK) &&
		    (t->vs[i].local == x || t->vs[i].local == x + 1))
			return false;
	}
	t->code[t->n - 1].c = x;
	t->h -= 2;
	t->last_prod = -1;
	return true;
}

void interp_tr_simd(struct tr *t, bool dead)
{
	const struct wasm_opinfo *oi;
	uint8_t lanes[16] = {0};
	uint32_t sub, align, mem = 0, nin = 0, base, nout;
	uint64_t offset = 0;
	uint8_t lane = 0;
	const uint8_t *p;
	struct ins *in;
	uint64_t lo, hi;

	wasm_reader_u32(&t->r, &sub);
	oi = &wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, sub)];
	if (wasm_imm_is_memarg(oi->imm)) {
		wasm_reader_u32(&t->r, &align);
		if (align & 0x40)
			wasm_reader_u32(&t->r, &mem);
		wasm_reader_leb(&t->r, 64, false, &offset);
	}
	if (wasm_imm_lanes(oi->imm))
		wasm_reader_u8(&t->r, &lane);
	if (oi->imm == WASM_IMM_V128 || oi->imm == WASM_IMM_SHUFFLE) {
		if (wasm_reader_bytes(&t->r, 16, &p))
			memcpy(lanes, p, 16);
	}
	if (dead)
		return;
	if (sub == WASM_OP_V128_CONST) {
		memcpy(&lo, lanes, 8);
		memcpy(&hi, lanes + 8, 8);
		interp_tr_push_const(t, lo);
		interp_tr_push_const(t, hi);
		return;
	}
	if (wasm_imm_is_memarg(oi->imm) && tr_mem0(t, oi, sub, mem, offset, lane))
		return;
	nout = type_slots(wasm_sig_result(oi->sig));
	if (!wasm_imm_is_memarg(oi->imm) && sub != WASM_OP_I8X16_SHUFFLE) {
		uint32_t s[3] = {0};

		pop_operands(t, oi->sig, s);
		in = interp_tr_emit(t, row_op(sub));
		in->a = s[0];
		in->b = s[1];
		in->imm = sub | (uint64_t)lane << 16 | (uint64_t)s[2] << 32;
		in->c = interp_tr_push(t);
		if (nout == 2)
			interp_tr_push(t);
		interp_tr_produced(t);
		return;
	}
	for (uint32_t i = 0; i < wasm_sig_nparams(oi->sig); i++)
		nin += type_slots(wasm_sig_param(oi->sig, i));
	interp_tr_materialize_top(t, nin);
	t->h -= nin;
	base = interp_tr_slot(t, t->h);
	if (wasm_imm_is_memarg(oi->imm)) {
		in = interp_tr_emit(t, OP_SIMD_MEM);
		in->b = sub | (uint32_t)lane << 16;
		in->imm = offset;
		/* the memory's index + 1 (interp_simd_memx) */
		in->c = mem + 1;
	} else {
		in = interp_tr_emit(t, OP_SIMD_SHUFFLE);
		memcpy(&in->imm, lanes, 8);
		memcpy(&in->b, lanes + 8, 4);
		memcpy(&in->c, lanes + 12, 4);
	}
	in->a = base;
	for (uint32_t i = 0; i < nout; i++)
		interp_tr_push(t);
}
