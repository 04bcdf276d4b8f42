/*
 * interp_tr_simd.c - the translator's SIMD (0xfd) instructions.
 *
 * A v128 is two stack entries (low half first, see interp_internal.h). A
 * SIMD instruction gets its operands written to their own consecutive
 * slots (a v128 two, a scalar one) and leaves its result from the first of
 * them: OP_SIMD (b the row, imm its lane index), OP_SIMD_MEM (b the row
 * and the lane << 16, imm the offset) or OP_SIMD_SHUFFLE (the 16 lane
 * indices in imm, b and c). v128.const is two constant entries, which
 * become immediates or slots like any other constant.
 */
#include <string.h>

#include "wasm/interp/interp_tr.h"

static uint32_t type_slots(uint8_t t)
{
	return t == WASM_TYPE_V128 ? 2 : t == WASM_TYPE_UNKNOWN ? 0 : 1;
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
	for (uint32_t i = 0; i < wasm_sig_nparams(oi->sig); i++)
		nin += type_slots(wasm_sig_param(oi->sig, i));
	nout = type_slots(wasm_sig_result(oi->sig));
	interp_tr_materialize_top(t, nin);
	t->h -= nin;
	base = interp_tr_slot(t, t->h);
	if (wasm_imm_is_memarg(oi->imm)) {
		in = interp_tr_emit(t, OP_SIMD_MEM);
		in->b = sub | (uint32_t)lane << 16;
		in->imm = offset;
		/* memory 0 of 32-bit addresses: 0, its fast path; else the
		 * memory's index + 1 (interp_simd_memx) */
		if (mem || t->m->mems[0].limits.is64)
			in->c = mem + 1;
	} else if (sub == WASM_OP_I8X16_SHUFFLE) {
		in = interp_tr_emit(t, OP_SIMD_SHUFFLE);
		memcpy(&in->imm, lanes, 8);
		memcpy(&in->b, lanes + 8, 4);
		memcpy(&in->c, lanes + 12, 4);
	} else {
		in = interp_tr_emit(t, OP_SIMD);
		in->b = sub;
		in->imm = lane;
	}
	in->a = base;
	for (uint32_t i = 0; i < nout; i++)
		interp_tr_push(t);
}
