/*
 * decode_expr.c - instruction-level pieces of the decoder: constant
 * expressions, skipping an instruction's immediates (by their kind in the
 * opcode table, opcodes.h), and the custom "name" section.
 *
 * A constant expression is decoded into its single instruction; anything
 * else (no instruction, several, a non-constant one) still has to be parsed
 * to find the expression's `end`, and is recorded as a status for the
 * validator, because the spec classifies it as invalid, not malformed.
 * With extended constant expressions (3.0) several constant instructions,
 * i32/i64 add, sub and mul among them, are one WASM_CONST_EXPR: the bytes'
 * place, typed by the validator and evaluated by the runtime.
 */
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode_internal.h"
#include "wasm/opcodes.h"

static bool skip_u32(struct wasm_reader *r)
{
	uint32_t v;

	return wasm_reader_u32(r, &v);
}

/* Skips a value type: one byte, or 0x63/0x64 and a heap type (s33). */
static bool skip_valtype(struct wasm_reader *r)
{
	uint64_t v;
	uint8_t b;

	if (!wasm_reader_u8(r, &b))
		return false;
	return (b != 0x63 && b != 0x64) || wasm_reader_leb(r, 33, true, &v);
}

/* Skips a block type: s33, or a value type of the 0x63/0x64 form. */
static bool skip_blocktype(struct wasm_reader *r)
{
	uint64_t v;

	if (r->pos < r->end && (r->buf[r->pos] == 0x63 || r->buf[r->pos] == 0x64))
		return skip_valtype(r);
	return wasm_reader_leb(r, 33, true, &v);
}

/* Skips the immediates of kind `imm` (enum wasm_imm, not PREFIX). */
static bool skip_imm(struct wasm_reader *r, uint8_t imm)
{
	uint64_t v;
	uint32_t n;
	uint8_t b;

	switch (imm) {
	case WASM_IMM_NONE:
		return true;
	case WASM_IMM_BLOCK: /* s33 */
		return skip_blocktype(r);
	case WASM_IMM_IDX:
		return skip_u32(r);
	case WASM_IMM_IDX2:
		return skip_u32(r) && skip_u32(r);
	case WASM_IMM_MEMARG1:
	case WASM_IMM_MEMARG2:
	case WASM_IMM_MEMARG4:
	case WASM_IMM_MEMARG8:
	case WASM_IMM_MEMARG16: /* align, memory if align bit 6 (multi-memory), u64 offset */
		if (!wasm_reader_u32(r, &n) || ((n & 0x40) && !skip_u32(r)))
			return false;
		return wasm_reader_leb(r, 64, false, &v);
	case WASM_IMM_MEMARG1_LANE:
	case WASM_IMM_MEMARG2_LANE:
	case WASM_IMM_MEMARG4_LANE:
	case WASM_IMM_MEMARG8_LANE: /* the same, then a lane */
		if (!wasm_reader_u32(r, &n) || ((n & 0x40) && !skip_u32(r)))
			return false;
		return wasm_reader_leb(r, 64, false, &v) && wasm_reader_u8(r, &b);
	case WASM_IMM_LANE16:
	case WASM_IMM_LANE8:
	case WASM_IMM_LANE4:
	case WASM_IMM_LANE2:
		return wasm_reader_u8(r, &b);
	case WASM_IMM_V128:
	case WASM_IMM_SHUFFLE:
		return wasm_reader_bytes(r, 16, &(const uint8_t *){NULL});
	case WASM_IMM_BR_TABLE: /* vec(label) label */
		if (!wasm_reader_u32(r, &n))
			return false;
		for (uint64_t i = 0; i <= n; i++)
			if (!skip_u32(r))
				return false;
		return true;
	case WASM_IMM_SELECT_T: /* vec(valtype) */
		if (!wasm_reader_u32(r, &n))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!skip_valtype(r))
				return false;
		return true;
	/* memory indices: u32 with multi-memory (the validator checks them) */
	case WASM_IMM_MEM0:
		return skip_u32(r);
	case WASM_IMM_MEM0_MEM0:
		return skip_u32(r) && skip_u32(r);
	case WASM_IMM_IDX_MEM0:
		return skip_u32(r) && skip_u32(r);
	case WASM_IMM_I32:
		return wasm_reader_leb(r, 32, true, &v);
	case WASM_IMM_I64:
		return wasm_reader_leb(r, 64, true, &v);
	case WASM_IMM_F32:
		return wasm_reader_bytes(r, 4, &(const uint8_t *){NULL});
	case WASM_IMM_F64:
		return wasm_reader_bytes(r, 8, &(const uint8_t *){NULL});
	case WASM_IMM_REFTYPE: /* a heap type (s33) */
	case WASM_IMM_HEAPTYPE:
		return wasm_reader_leb(r, 33, true, &v);
	case WASM_IMM_BR_ON_CAST: /* flags, label, two heap types */
		return wasm_reader_u8(r, &b) && skip_u32(r) && wasm_reader_leb(r, 33, true, &v) &&
		       wasm_reader_leb(r, 33, true, &v);
	case WASM_IMM_TRY_TABLE: /* block type, vec(catch) */
		if (!skip_blocktype(r) || !wasm_reader_u32(r, &n))
			return false;
		for (uint32_t i = 0; i < n; i++) {
			if (!wasm_reader_u8(r, &b))
				return false;
			if (b > 3) {
				r->pos--;
				return wasm_reader_error(r, "malformed catch clause");
			}
			if ((b < 2 && !skip_u32(r)) || !skip_u32(r))
				return false;
		}
		return true;
	default:
		return wasm_reader_error(r, "illegal opcode");
	}
}

bool wasm_skip_immediates(struct wasm_reader *r, uint8_t op)
{
	uint8_t imm = wasm_opinfo[op].imm;
	uint32_t sub;

	if (imm == WASM_IMM_PREFIX) {
		if (!wasm_reader_u32(r, &sub))
			return false;
		if (sub >= (op == WASM_OP_PREFIX_FC   ? (uint32_t)WASM_OP_FC_COUNT
			    : op == WASM_OP_PREFIX_FB ? (uint32_t)WASM_OP_FB_COUNT
						      : (uint32_t)WASM_OP_FD_END))
			return wasm_reader_error(r, "illegal opcode");
		imm = wasm_opinfo[WASM_OP_INDEX(op, sub)].imm;
	} else if (imm == WASM_IMM_ILLEGAL) {
		r->pos--;
		return wasm_reader_error(r, "illegal opcode");
	}
	return skip_imm(r, imm);
}

/* After a 0xfd prefix: whether its sub-opcode is v128.const's (then read),
 * else the reader stays at the sub-opcode. */
static bool is_v128_const(struct wasm_reader *r)
{
	size_t at = r->pos;
	uint32_t sub;

	if (wasm_reader_u32(r, &sub) && sub == WASM_OP_V128_CONST)
		return true;
	r->pos = at;
	return false;
}

bool wasm_decode_const_expr(const struct wasm_module *m, struct wasm_reader *r,
			    struct wasm_const_expr *out)
{
	struct wasm_const_expr e = {0};
	uint32_t ninstr = 0, depth = 0, feature, sub;
	bool nonconst = false, arith = false, gc = false;
	bool extended = !(m->features_off & WASM_FEAT_EXTENDED_CONST);

	e.offset = (uint32_t)r->pos;
	for (;;) {
		uint8_t op;
		int32_t s32;
		int64_t s64;
		size_t at;

		if (!wasm_reader_u8(r, &op))
			return false;
		if (op == WASM_OP_END) {
			if (depth == 0)
				break;
			depth--;
			continue;
		}
		ninstr++;
		switch (op) {
		case WASM_OP_I32_CONST:
			if (!wasm_reader_s32(r, &s32))
				return false;
			e.kind = WASM_CONST_I32;
			e.type = WASM_TYPE_I32;
			e.u.i32 = (uint32_t)s32;
			break;
		case WASM_OP_I64_CONST:
			if (!wasm_reader_s64(r, &s64))
				return false;
			e.kind = WASM_CONST_I64;
			e.type = WASM_TYPE_I64;
			e.u.i64 = (uint64_t)s64;
			break;
		case WASM_OP_F32_CONST:
			if (!wasm_reader_fixed32(r, &e.u.f32))
				return false;
			e.kind = WASM_CONST_F32;
			e.type = WASM_TYPE_F32;
			break;
		case WASM_OP_F64_CONST:
			if (!wasm_reader_fixed64(r, &e.u.f64))
				return false;
			e.kind = WASM_CONST_F64;
			e.type = WASM_TYPE_F64;
			break;
		case WASM_OP_REF_NULL: {
			int rc;

			at = r->pos;
			rc = wasm_read_heaptype(m, r, &e.type, &feature);
			if (rc < 0)
				return false;
			if (rc) {
				r->pos = at;
				return wasm_reader_error(r, "malformed reference type");
			}
			e.kind = WASM_CONST_REF_NULL;
			break;
		}
		case WASM_OP_REF_FUNC:
			if (!wasm_reader_u32(r, &e.u.index))
				return false;
			e.kind = WASM_CONST_REF_FUNC;
			e.type = WASM_TYPE_FUNCREF;
			break;
		case WASM_OP_GLOBAL_GET:
			if (!wasm_reader_u32(r, &e.u.index))
				return false;
			e.kind = WASM_CONST_GLOBAL_GET;
			e.type = WASM_TYPE_UNKNOWN;
			break;
		case WASM_OP_PREFIX_FB: /* GC's constant instructions */
			if (wasm_gc_off(m)) {
				r->pos--;
				return wasm_reader_error(r, "illegal opcode (feature gc off or "
							    "not supported)");
			}
			at = r->pos;
			if (!wasm_reader_u32(r, &sub))
				return false;
			r->pos = at; /* the skipper reads the sub-opcode again */
			if (!wasm_skip_immediates(r, op))
				return false;
			if (wasm_const_gc(sub))
				gc = true;
			else
				nonconst = true;
			break;
		case WASM_OP_PREFIX_FD:
			if (is_v128_const(r)) {
				const uint8_t *p;

				if (!wasm_reader_bytes(r, 16, &p))
					return false;
				memcpy(e.u.v128, p, 16);
				e.kind = WASM_CONST_V128;
				e.type = WASM_TYPE_V128;
				break;
			}
			if (!wasm_skip_immediates(r, op))
				return false;
			nonconst = true;
			break;
		default:
			if (wasm_const_arith(op)) { /* extended constant expressions */
				arith = true;
				break;
			}
			if (!wasm_skip_immediates(r, op))
				return false;
			if (wasm_opinfo[op].imm == WASM_IMM_BLOCK)
				depth++;
			nonconst = true;
			break;
		}
	}
	if (nonconst) {
		e.status = WASM_CONST_NOT_CONSTANT;
	} else if (arith && !extended) {
		e.status = WASM_CONST_EXTENDED_OFF;
	} else if ((ninstr > 1 && extended) || gc) {
		/* typed by the validator, evaluated by the runtime, from the
		 * bytes (GC's instructions always so, even alone) */
		e.status = WASM_CONST_OK;
		e.kind = WASM_CONST_EXPR;
		e.type = WASM_TYPE_UNKNOWN;
		e.u.expr.len = (uint32_t)r->pos - e.offset;
		e.u.expr.ninstr = ninstr;
	} else {
		e.status = ninstr == 1 ? WASM_CONST_OK : WASM_CONST_ARITY;
	}
	*out = e;
	return true;
}

/* Function names: vec(funcidx name). Stops quietly at the first problem. */
static int names_funcs(struct wasm_module *m, struct wasm_reader *r)
{
	uint32_t n;

	if (!wasm_reader_u32(r, &n) || n > wasm_reader_left(r) || !m->nfuncs)
		return 0;
	m->func_names = wasm_arena_array(m, m->nfuncs, sizeof(*m->func_names));
	if (!m->func_names)
		return ERR_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx, len;
		const uint8_t *p;

		if (!wasm_reader_u32(r, &idx) || !wasm_reader_u32(r, &len) ||
		    !wasm_reader_bytes(r, len, &p) || !wasm_utf8_valid(p, len))
			return 0;
		if (idx < m->nfuncs) {
			m->func_names[idx].ptr = (const char *)p;
			m->func_names[idx].len = len;
		}
	}
	return 0;
}

int wasm_decode_names(struct wasm_module *m, struct wasm_reader *r)
{
	size_t end = r->end;

	while (r->pos < end) {
		uint8_t id;
		uint32_t size;
		int rc = 0;

		if (!wasm_reader_u8(r, &id) || !wasm_reader_u32(r, &size) ||
		    size > wasm_reader_left(r))
			return 0;
		r->end = r->pos + size;
		if (id == 0) {
			uint32_t len;
			const uint8_t *p;

			if (wasm_reader_u32(r, &len) && wasm_reader_bytes(r, len, &p) &&
			    wasm_utf8_valid(p, len)) {
				m->module_name.ptr = (const char *)p;
				m->module_name.len = len;
			}
		} else if (id == 1) {
			rc = names_funcs(m, r);
		}
		if (rc)
			return rc;
		r->pos = r->end;
		r->end = end;
	}
	return 0;
}

/* A value type in a body (block type, select's types). */
static bool scan_valtype(const struct wasm_module *m, struct wasm_reader *r, uint32_t *t)
{
	uint32_t feature;
	int rc = wasm_read_valtype(m, r, t, &feature);

	if (rc < 0)
		return false;
	if (rc)
		return wasm_reader_error(r, feature ? "malformed value type (feature off or not "
						      "supported)"
						    : "malformed value type");
	return true;
}

/* Decodes one body's instructions without typing them. */
static bool scan_body(const struct wasm_module *m, struct wasm_reader *r, const struct wasm_func *f)
{
	uint64_t depth = 0;

	r->pos = f->code_start;
	r->end = f->code_end;
	for (;;) {
		uint8_t op;
		int64_t bt;
		uint32_t n, sub;
		size_t at = r->pos;

		if (!wasm_reader_u8(r, &op))
			return false;
		switch (op) {
		case WASM_OP_BLOCK:
		case WASM_OP_LOOP:
		case WASM_OP_IF:
		case WASM_OP_TRY:
		case WASM_OP_TRY_TABLE:
			if (r->pos < r->end && (r->buf[r->pos] == 0x63 || r->buf[r->pos] == 0x64)) {
				uint32_t t;

				if (!scan_valtype(m, r, &t))
					return false;
			} else {
				if (!wasm_reader_s33(r, &bt))
					return false;
				if (bt < 0 &&
				    (bt < -64 ||
				     (bt != -64 && (!wasm_is_valtype((uint8_t)(bt + 0x80)) ||
						    wasm_type_off(m, (uint8_t)(bt + 0x80)))))) {
					r->pos = at + 1;
					return wasm_reader_error(r, "malformed value type");
				}
			}
			if (op == WASM_OP_TRY_TABLE) {
				r->pos = at + 1;
				if (!skip_imm(r, WASM_IMM_TRY_TABLE))
					return false;
			}
			depth++;
			break;
		case WASM_OP_DELEGATE: /* ends a try */
			if (!skip_u32(r))
				return false;
			if (depth-- == 0)
				return wasm_reader_error(r, "delegate outside a try");
			break;
		case WASM_OP_END:
			if (depth-- > 0)
				break;
			if (r->pos != r->end)
				return wasm_reader_error(r, "section size mismatch");
			return true;
		case WASM_OP_SELECT_T:
			if (!wasm_reader_u32(r, &n))
				return false;
			for (uint32_t i = 0; i < n; i++) {
				uint32_t t;

				if (!scan_valtype(m, r, &t))
					return false;
			}
			break;
		case WASM_OP_REF_NULL: {
			uint32_t t, feature;
			int rc = wasm_read_heaptype(m, r, &t, &feature);

			if (rc < 0)
				return false;
			if (rc)
				return wasm_reader_error(r,
							 feature ? "malformed reference type "
								   "(feature off or not supported)"
								 : "malformed reference type");
			break;
		}
		case WASM_OP_CALL_REF:
		case WASM_OP_RETURN_CALL_REF:
		case WASM_OP_REF_AS_NON_NULL:
		case WASM_OP_BR_ON_NULL:
		case WASM_OP_BR_ON_NON_NULL:
			if (m->features_off & WASM_FEAT_FUNC_REFS) {
				r->pos = at;
				return wasm_reader_error(r, "illegal opcode (feature "
							    "function-references off)");
			}
			if (!wasm_skip_immediates(r, op))
				return false;
			break;
		case WASM_OP_PREFIX_FB:
		case WASM_OP_REF_EQ:
			if (wasm_gc_off(m)) {
				r->pos = at;
				return wasm_reader_error(r, "illegal opcode (feature gc off or "
							    "not supported)");
			}
			if (!wasm_skip_immediates(r, op))
				return false;
			break;
		case WASM_OP_PREFIX_FC:
			if (!wasm_reader_u32(r, &sub))
				return false;
			if ((sub == WASM_OP_MEMORY_INIT || sub == WASM_OP_DATA_DROP) &&
			    !m->has_data_count)
				return wasm_reader_error(r, "data count section required");
			r->pos = at + 1; /* let the skipper read the sub-opcode */
			if (!wasm_skip_immediates(r, op))
				return false;
			break;
		case WASM_OP_PREFIX_FD:
			if (!wasm_reader_u32(r, &sub))
				return false;
			if (wasm_simd_off(m, sub))
				return wasm_reader_error(
					r, wasm_simd_off(m, sub) == WASM_FEAT_SIMD
						   ? "illegal opcode (feature simd off)"
						   : "illegal opcode (feature "
						     "relaxed-simd off)");
			r->pos = at + 1;
			if (!wasm_skip_immediates(r, op))
				return false;
			break;
		default:
			if (!wasm_skip_immediates(r, op))
				return false;
			break;
		}
	}
}

static bool type_has_v128(const struct wasm_functype *ft)
{
	return wasm_types_slots(ft->params, ft->nparams) != ft->nparams ||
	       wasm_types_slots(ft->results, ft->nresults) != ft->nresults;
}

bool wasm_func_uses_v128(const struct wasm_module *m, uint32_t func)
{
	const struct wasm_func *f = &m->funcs[func];
	struct wasm_reader r;
	uint32_t x, y;
	int64_t bt;
	uint8_t op, b;

	if (f->uses_simd || type_has_v128(&m->types[f->type]) ||
	    wasm_types_slots(f->local_types, f->nlocals) != f->nlocals)
		return true;
	wasm_reader_init(&r, m->bytes, m->len);
	r.pos = f->code_start;
	r.end = f->code_end;
	while (r.pos < r.end && wasm_reader_u8(&r, &op)) {
		size_t at = r.pos;
		bool v128 = false;

		switch (op) {
		case WASM_OP_CALL:
			v128 = wasm_reader_u32(&r, &x) && x < m->nfuncs &&
			       type_has_v128(&m->types[m->funcs[x].type]);
			break;
		case WASM_OP_CALL_INDIRECT:
			v128 = wasm_reader_u32(&r, &x) && x < m->ntypes &&
			       type_has_v128(&m->types[x]);
			break;
		case WASM_OP_GLOBAL_GET:
		case WASM_OP_GLOBAL_SET:
			v128 = wasm_reader_u32(&r, &x) && x < m->nglobals &&
			       m->globals[x].type == WASM_TYPE_V128;
			break;
		case WASM_OP_BLOCK:
		case WASM_OP_LOOP:
		case WASM_OP_IF:
			v128 = wasm_reader_s33(&r, &bt) &&
			       (bt >= 0 ? bt < m->ntypes && type_has_v128(&m->types[bt])
					: bt == (int64_t)WASM_TYPE_V128 - 0x80);
			break;
		case WASM_OP_SELECT_T:
			if (!wasm_reader_u32(&r, &y))
				return true;
			for (uint32_t i = 0; i < y && wasm_reader_u8(&r, &b); i++)
				v128 |= b == WASM_TYPE_V128;
			break;
		default:
			break;
		}
		if (v128)
			return true;
		r.pos = at;
		if (!wasm_skip_immediates(&r, op))
			return true; /* cannot happen once validated */
	}
	return false;
}

int wasm_scan_bodies(const struct wasm_module *m, struct wasm_error *err)
{
	struct wasm_reader r;

	wasm_reader_init(&r, m->bytes, m->len);
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		if (!scan_body(m, &r, &m->funcs[i])) {
			wasm_error_set(err, ERR_MALFORMED, "code", r.fail_pos, "%s (func %u)",
				       r.fail, i);
			return ERR_MALFORMED;
		}
	}
	return 0;
}
