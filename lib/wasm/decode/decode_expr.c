/*
 * decode_expr.c - instruction-level pieces of the decoder: constant
 * expressions, skipping an instruction's immediates, and the custom "name"
 * section.
 *
 * A constant expression is decoded into its single instruction; anything
 * else (no instruction, several, a non-constant one) still has to be parsed
 * to find the expression's `end`, and is recorded as a status for the
 * validator, because the spec classifies it as invalid, not malformed.
 */
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode_internal.h"

static bool skip_u32(struct wasm_reader *r)
{
	uint32_t v;

	return wasm_reader_u32(r, &v);
}

static bool skip_zero_byte(struct wasm_reader *r)
{
	uint8_t b;

	if (!wasm_reader_u8(r, &b))
		return false;
	if (b != 0) {
		r->pos--;
		return wasm_reader_error(r, "zero byte expected");
	}
	return true;
}

static bool skip_fc(struct wasm_reader *r)
{
	uint32_t sub;

	if (!wasm_reader_u32(r, &sub))
		return false;
	switch (sub) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
		return true; /* trunc_sat */
	case 8:		     /* memory.init data 0x00 */
		return skip_u32(r) && skip_zero_byte(r);
	case 9:	 /* data.drop */
	case 13: /* elem.drop */
	case 15: /* table.grow */
	case 16: /* table.size */
	case 17: /* table.fill */
		return skip_u32(r);
	case 10: /* memory.copy 0x00 0x00 */
		return skip_zero_byte(r) && skip_zero_byte(r);
	case 11: /* memory.fill 0x00 */
		return skip_zero_byte(r);
	case 12: /* table.init elem table */
	case 14: /* table.copy dst src */
		return skip_u32(r) && skip_u32(r);
	default:
		return wasm_reader_error(r, "illegal opcode");
	}
}

bool wasm_skip_immediates(struct wasm_reader *r, uint8_t op)
{
	uint64_t v;
	uint8_t b;

	switch (op) {
	case 0x00:
	case 0x01:
	case 0x05:
	case 0x0b:
	case 0x0f:
	case 0x1a:
	case 0x1b:
	case 0xd1:
		return true;
	case 0x02:
	case 0x03:
	case 0x04: /* block type: s33 */
		return wasm_reader_leb(r, 33, true, &v);
	case 0x0c:
	case 0x0d:
	case 0x10:
	case 0x20:
	case 0x21:
	case 0x22:
	case 0x23:
	case 0x24:
	case 0x25:
	case 0x26:
	case 0xd2:
		return skip_u32(r);
	case 0x0e: { /* br_table vec(label) label */
		uint32_t n;

		if (!wasm_reader_u32(r, &n))
			return false;
		for (uint64_t i = 0; i <= n; i++)
			if (!skip_u32(r))
				return false;
		return true;
	}
	case 0x11: /* call_indirect type table */
		return skip_u32(r) && skip_u32(r);
	case 0x1c: { /* select vec(valtype) */
		uint32_t n;

		if (!wasm_reader_u32(r, &n))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!wasm_reader_u8(r, &b))
				return false;
		return true;
	}
	case 0x3f:
	case 0x40:
		return skip_zero_byte(r);
	case 0x41:
		return wasm_reader_leb(r, 32, true, &v);
	case 0x42:
		return wasm_reader_leb(r, 64, true, &v);
	case 0x43:
		return wasm_reader_bytes(r, 4, &(const uint8_t *){NULL});
	case 0x44:
		return wasm_reader_bytes(r, 8, &(const uint8_t *){NULL});
	case 0xd0:
		return wasm_reader_u8(r, &b);
	case 0xfc:
		return skip_fc(r);
	default:
		if (op >= 0x28 && op <= 0x3e) /* memarg: align, offset */
			return skip_u32(r) && skip_u32(r);
		if (op >= 0x45 && op <= 0xc4) /* numeric, no immediates */
			return true;
		r->pos--;
		return wasm_reader_error(r, "illegal opcode");
	}
}

bool wasm_decode_const_expr(struct wasm_reader *r, struct wasm_const_expr *out)
{
	struct wasm_const_expr e = {0};
	unsigned ninstr = 0;
	uint32_t depth = 0;
	bool nonconst = false;

	e.offset = (uint32_t)r->pos;
	for (;;) {
		uint8_t op;
		int32_t s32;
		int64_t s64;

		if (!wasm_reader_u8(r, &op))
			return false;
		if (op == 0x0b) {
			if (depth == 0)
				break;
			depth--;
			continue;
		}
		ninstr++;
		switch (op) {
		case 0x41:
			if (!wasm_reader_s32(r, &s32))
				return false;
			e.kind = WASM_CONST_I32;
			e.type = WASM_TYPE_I32;
			e.u.i32 = (uint32_t)s32;
			break;
		case 0x42:
			if (!wasm_reader_s64(r, &s64))
				return false;
			e.kind = WASM_CONST_I64;
			e.type = WASM_TYPE_I64;
			e.u.i64 = (uint64_t)s64;
			break;
		case 0x43:
			if (!wasm_reader_fixed32(r, &e.u.f32))
				return false;
			e.kind = WASM_CONST_F32;
			e.type = WASM_TYPE_F32;
			break;
		case 0x44:
			if (!wasm_reader_fixed64(r, &e.u.f64))
				return false;
			e.kind = WASM_CONST_F64;
			e.type = WASM_TYPE_F64;
			break;
		case 0xd0:
			if (!wasm_reader_u8(r, &e.type))
				return false;
			if (!wasm_is_reftype(e.type)) {
				r->pos--;
				return wasm_reader_error(r, "malformed reference type");
			}
			e.kind = WASM_CONST_REF_NULL;
			break;
		case 0xd2:
			if (!wasm_reader_u32(r, &e.u.index))
				return false;
			e.kind = WASM_CONST_REF_FUNC;
			e.type = WASM_TYPE_FUNCREF;
			break;
		case 0x23:
			if (!wasm_reader_u32(r, &e.u.index))
				return false;
			e.kind = WASM_CONST_GLOBAL_GET;
			e.type = WASM_TYPE_UNKNOWN;
			break;
		default:
			if (!wasm_skip_immediates(r, op))
				return false;
			if (op >= 0x02 && op <= 0x04)
				depth++;
			nonconst = true;
			break;
		}
	}
	if (nonconst)
		e.status = WASM_CONST_NOT_CONSTANT;
	else if (ninstr != 1)
		e.status = WASM_CONST_ARITY;
	else
		e.status = WASM_CONST_OK;
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

/* Decodes one body's instructions without typing them. */
static bool scan_body(const struct wasm_module *m, struct wasm_reader *r, const struct wasm_func *f)
{
	uint64_t depth = 0;

	r->pos = f->code_start;
	r->end = f->code_end;
	for (;;) {
		uint8_t op, b;
		int64_t bt;
		uint32_t n, sub;
		size_t at = r->pos;

		if (!wasm_reader_u8(r, &op))
			return false;
		switch (op) {
		case 0x02:
		case 0x03:
		case 0x04:
			if (!wasm_reader_s33(r, &bt))
				return false;
			if (bt < 0 &&
			    (bt < -64 || (bt != -64 && !wasm_is_valtype((uint8_t)(bt + 0x80))))) {
				r->pos = at;
				return wasm_reader_error(r, "malformed value type");
			}
			depth++;
			break;
		case 0x0b:
			if (depth-- > 0)
				break;
			if (r->pos != r->end)
				return wasm_reader_error(r, "section size mismatch");
			return true;
		case 0x1c:
			if (!wasm_reader_u32(r, &n))
				return false;
			for (uint32_t i = 0; i < n; i++) {
				if (!wasm_reader_u8(r, &b))
					return false;
				if (!wasm_is_valtype(b))
					return wasm_reader_error(r, "malformed value type");
			}
			break;
		case 0xd0:
			if (!wasm_reader_u8(r, &b))
				return false;
			if (!wasm_is_reftype(b))
				return wasm_reader_error(r, "malformed reference type");
			break;
		case 0xfc:
			if (!wasm_reader_u32(r, &sub))
				return false;
			if ((sub == 8 || sub == 9) && !m->has_data_count)
				return wasm_reader_error(r, "data count section required");
			r->pos = at + 1; /* let the skipper read the sub-opcode */
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
