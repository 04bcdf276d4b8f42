/*
 * validate_instr.c - the typing rule of every instruction (spec 2.0
 * "Validation > Instructions"), except the structured control instructions
 * and br_table, which live with the control stack in validate_code.c.
 */
#include "base/err.h"
#include "wasm/validate/validate_internal.h"

static bool check_mem(struct vfunc *v)
{
	if (v->m->nmems == 0)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown memory 0");
	return true;
}

/* memarg, with the natural alignment's log2. */
static bool memarg(struct vfunc *v, uint32_t max_align)
{
	uint32_t align, offset;

	if (!wasm_vf_u32(v, &align) || !wasm_vf_u32(v, &offset))
		return false;
	if (!check_mem(v))
		return false;
	if (align > max_align)
		return wasm_vf_vfail(v, ERR_INVALID, "alignment must not be larger than natural");
	return true;
}

static bool zero_byte(struct vfunc *v)
{
	uint8_t b;

	if (!wasm_reader_u8(&v->r, &b))
		return wasm_vf_vreader_fail(v);
	if (b != 0)
		return wasm_vf_vfail(v, ERR_MALFORMED, "zero byte expected");
	return true;
}

static bool table_idx(struct vfunc *v, uint32_t *x)
{
	if (!wasm_vf_u32(v, x))
		return false;
	if (*x >= v->m->ntables)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown table %u", *x);
	return true;
}

static bool check_data_idx(struct vfunc *v, uint32_t x)
{
	if (!v->m->has_data_count)
		return wasm_vf_vfail(v, ERR_MALFORMED, "data count section required");
	if (x >= v->m->data_count)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown data segment %u", x);
	return true;
}

static bool elem_idx(struct vfunc *v, uint32_t *x)
{
	if (!wasm_vf_u32(v, x))
		return false;
	if (*x >= v->m->nelems)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown elem segment %u", *x);
	return true;
}

static bool pop3_i32(struct vfunc *v)
{
	return wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, T_I32);
}

static bool unop(struct vfunc *v, uint8_t in, uint8_t out)
{
	return wasm_vf_pop_t(v, in) && wasm_vf_push(v, out);
}

static bool binop(struct vfunc *v, uint8_t in, uint8_t out)
{
	return wasm_vf_pop_t(v, in) && wasm_vf_pop_t(v, in) && wasm_vf_push(v, out);
}

/* 0xfc prefix. */
static bool check_fc(struct vfunc *v)
{
	static const uint8_t sat_in[8] = {T_F32, T_F32, T_F64, T_F64, T_F32, T_F32, T_F64, T_F64};
	struct wasm_module *m = v->m;
	uint32_t sub, x, y;
	uint8_t t;

	if (!wasm_vf_u32(v, &sub))
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
		return unop(v, sat_in[sub], sub < 4 ? T_I32 : T_I64);
	case 8: /* memory.init */
		return wasm_vf_u32(v, &y) && zero_byte(v) && check_mem(v) && check_data_idx(v, y) &&
		       pop3_i32(v);
	case 9: /* data.drop */
		return wasm_vf_u32(v, &y) && check_data_idx(v, y);
	case 10: /* memory.copy */
		return zero_byte(v) && zero_byte(v) && check_mem(v) && pop3_i32(v);
	case 11: /* memory.fill */
		return zero_byte(v) && check_mem(v) && pop3_i32(v);
	case 12: /* table.init elem table */
		if (!elem_idx(v, &y) || !table_idx(v, &x))
			return false;
		if (m->tables[x].elem_type != m->elems[y].type)
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: table.init");
		return pop3_i32(v);
	case 13: /* elem.drop */
		return elem_idx(v, &y);
	case 14: /* table.copy dst src */
		if (!table_idx(v, &x) || !table_idx(v, &y))
			return false;
		if (m->tables[x].elem_type != m->tables[y].elem_type)
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: table.copy");
		return pop3_i32(v);
	case 15: /* table.grow: ref n -> i32 */
		if (!table_idx(v, &x))
			return false;
		t = m->tables[x].elem_type;
		return wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, t) && wasm_vf_push(v, T_I32);
	case 16: /* table.size */
		return table_idx(v, &x) && wasm_vf_push(v, T_I32);
	case 17: /* table.fill: i ref n */
		if (!table_idx(v, &x))
			return false;
		t = m->tables[x].elem_type;
		return wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, t) && wasm_vf_pop_t(v, T_I32);
	default:
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0xfc %u", sub);
	}
}

/* i32/i64/f32/f64 operators without immediates, 0x45..0xc4. */
static bool check_numeric(struct vfunc *v, uint8_t op)
{
	/* 0xa7..0xbf: input, output */
	static const uint8_t conv[25][2] = {
		{T_I64, T_I32}, {T_F32, T_I32}, {T_F32, T_I32}, {T_F64, T_I32}, {T_F64, T_I32},
		{T_I32, T_I64}, {T_I32, T_I64}, {T_F32, T_I64}, {T_F32, T_I64}, {T_F64, T_I64},
		{T_F64, T_I64}, {T_I32, T_F32}, {T_I32, T_F32}, {T_I64, T_F32}, {T_I64, T_F32},
		{T_F64, T_F32}, {T_I32, T_F64}, {T_I32, T_F64}, {T_I64, T_F64}, {T_I64, T_F64},
		{T_F32, T_F64}, {T_F32, T_I32}, {T_F64, T_I64}, {T_I32, T_F32}, {T_I64, T_F64},
	};

	if (op == 0x45)
		return unop(v, T_I32, T_I32);
	if (op <= 0x4f)
		return binop(v, T_I32, T_I32);
	if (op == 0x50)
		return unop(v, T_I64, T_I32);
	if (op <= 0x5a)
		return binop(v, T_I64, T_I32);
	if (op <= 0x60)
		return binop(v, T_F32, T_I32);
	if (op <= 0x66)
		return binop(v, T_F64, T_I32);
	if (op <= 0x69)
		return unop(v, T_I32, T_I32);
	if (op <= 0x78)
		return binop(v, T_I32, T_I32);
	if (op <= 0x7b)
		return unop(v, T_I64, T_I64);
	if (op <= 0x8a)
		return binop(v, T_I64, T_I64);
	if (op <= 0x91)
		return unop(v, T_F32, T_F32);
	if (op <= 0x98)
		return binop(v, T_F32, T_F32);
	if (op <= 0x9f)
		return unop(v, T_F64, T_F64);
	if (op <= 0xa6)
		return binop(v, T_F64, T_F64);
	if (op <= 0xbf)
		return unop(v, conv[op - 0xa7][0], conv[op - 0xa7][1]);
	if (op <= 0xc1)
		return unop(v, T_I32, T_I32);
	return unop(v, T_I64, T_I64); /* 0xc2..0xc4 */
}

/* Natural alignment (log2) and value type of loads 0x28..0x35 and stores
 * 0x36..0x3e. */
static const uint8_t mem_align[23] = {
	2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, /* loads */
	2, 3, 2, 3, 0, 1, 0, 1, 2,		  /* stores */
};
static const uint8_t mem_type[23] = {
	T_I32, T_I64, T_F32, T_F64, T_I32, T_I32, T_I32, T_I32, T_I64, T_I64, T_I64, T_I64,
	T_I64, T_I64, T_I32, T_I64, T_F32, T_F64, T_I32, T_I32, T_I64, T_I64, T_I64,
};

static bool record_untyped(struct vfunc *v, uint8_t t)
{
	if (v->nuntyped == v->capuntyped &&
	    !wasm_vf_grow(v, (void **)&v->untyped, &v->capuntyped, (uint64_t)v->nuntyped + 1, 1))
		return false;
	v->untyped[v->nuntyped++] = t;
	return true;
}

static bool is_num(uint8_t t)
{
	return t == T_UNK || (t >= T_F64 && t <= T_I32);
}

static bool check_select(struct vfunc *v, bool typed)
{
	uint8_t t1, t2, want = T_UNK;

	if (typed) {
		uint32_t n;
		uint8_t b;

		if (!wasm_vf_u32(v, &n))
			return false;
		if (n != 1)
			return wasm_vf_vfail(v, ERR_INVALID, "invalid result arity %u", n);
		if (!wasm_reader_u8(&v->r, &b))
			return wasm_vf_vreader_fail(v);
		if (!wasm_is_valtype(b))
			return wasm_vf_vfail(v, ERR_MALFORMED, "malformed value type");
		want = b;
	}
	if (!wasm_vf_pop_t(v, T_I32) || !wasm_vf_pop_expect(v, want, &t1) ||
	    !wasm_vf_pop_expect(v, want, &t2))
		return false;
	if (typed)
		return wasm_vf_push(v, want);
	if (!is_num(t1) || !is_num(t2))
		return wasm_vf_vfail(v, ERR_INVALID,
				     "type mismatch: select without type on references");
	if (t1 != t2 && t1 != T_UNK && t2 != T_UNK)
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: select %s / %s",
				     wasm_valtype_name(t1), wasm_valtype_name(t2));
	if (t1 == T_UNK)
		t1 = t2;
	return record_untyped(v, t1) && wasm_vf_push(v, t1);
}

static bool check_call(struct vfunc *v, bool indirect)
{
	struct wasm_module *m = v->m;
	const struct wasm_functype *ft;
	uint32_t x, y;

	if (!wasm_vf_u32(v, &x))
		return false;
	if (indirect) {
		if (!wasm_vf_u32(v, &y))
			return false;
		if (x >= m->ntypes)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", x);
		if (y >= m->ntables)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown table %u", y);
		if (m->tables[y].elem_type != WASM_TYPE_FUNCREF)
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: call_indirect on externref "
					     "table");
		if (!wasm_vf_pop_t(v, T_I32))
			return false;
		ft = &m->types[x];
	} else {
		if (x >= m->nfuncs)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown function %u", x);
		ft = &m->types[m->funcs[x].type];
	}
	return wasm_vf_pop_n(v, ft->params, ft->nparams) &&
	       wasm_vf_push_n(v, ft->results, ft->nresults);
}

static bool check_var(struct vfunc *v, uint8_t op)
{
	struct wasm_module *m = v->m;
	uint32_t x;

	if (!wasm_vf_u32(v, &x))
		return false;
	if (op <= 0x22) {
		if (x >= v->nlocals)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown local %u", x);
		if (op == 0x20)
			return wasm_vf_push(v, v->locals[x]);
		if (!wasm_vf_pop_t(v, v->locals[x]))
			return false;
		return op == 0x21 || wasm_vf_push(v, v->locals[x]);
	}
	if (x >= m->nglobals)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown global %u", x);
	if (op == 0x23)
		return wasm_vf_push(v, m->globals[x].type);
	if (!m->globals[x].is_mutable)
		return wasm_vf_vfail(v, ERR_INVALID, "global is immutable: global %u", x);
	return wasm_vf_pop_t(v, m->globals[x].type);
}

bool wasm_vf_check_instr(struct vfunc *v, uint8_t op, bool *done)
{
	struct wasm_module *m = v->m;
	struct ctrl *c;
	const uint8_t *ts;
	uint32_t n, x;
	uint8_t t;
	uint64_t bits;

	switch (op) {
	case 0x00: /* unreachable */
		wasm_vf_set_unreachable(v);
		return true;
	case 0x01: /* nop */
		return true;
	case 0x02:
	case 0x03:
	case 0x04:
		return wasm_vf_begin_block(v, op);
	case 0x05:
		return wasm_vf_do_else(v);
	case 0x0b:
		return wasm_vf_do_end(v, done);
	case 0x0c: /* br */
		if (!wasm_vf_label(v, &c))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		if (!wasm_vf_pop_n(v, ts, n))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	case 0x0d: /* br_if */
		if (!wasm_vf_label(v, &c) || !wasm_vf_pop_t(v, T_I32))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		return wasm_vf_pop_n(v, ts, n) && wasm_vf_push_n(v, ts, n);
	case 0x0e:
		return wasm_vf_do_br_table(v);
	case 0x0f: /* return */
		if (!wasm_vf_pop_n(v, v->ctrls[0].results, v->ctrls[0].nresults))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	case 0x10:
		return check_call(v, false);
	case 0x11:
		return check_call(v, true);
	case 0x1a: /* drop */
		return wasm_vf_pop(v, &t) && record_untyped(v, t);
	case 0x1b:
		return check_select(v, false);
	case 0x1c:
		return check_select(v, true);
	case 0x20:
	case 0x21:
	case 0x22:
	case 0x23:
	case 0x24:
		return check_var(v, op);
	case 0x25: /* table.get */
		return table_idx(v, &x) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_push(v, m->tables[x].elem_type);
	case 0x26: /* table.set */
		return table_idx(v, &x) && wasm_vf_pop_t(v, m->tables[x].elem_type) &&
		       wasm_vf_pop_t(v, T_I32);
	case 0x3f: /* memory.size */
		return zero_byte(v) && check_mem(v) && wasm_vf_push(v, T_I32);
	case 0x40: /* memory.grow */
		return zero_byte(v) && check_mem(v) && unop(v, T_I32, T_I32);
	case 0x41:
		if (!wasm_reader_leb(&v->r, 32, true, &bits))
			return wasm_vf_vreader_fail(v);
		return wasm_vf_push(v, T_I32);
	case 0x42:
		if (!wasm_reader_leb(&v->r, 64, true, &bits))
			return wasm_vf_vreader_fail(v);
		return wasm_vf_push(v, T_I64);
	case 0x43:
		if (!wasm_reader_bytes(&v->r, 4, &ts))
			return wasm_vf_vreader_fail(v);
		return wasm_vf_push(v, T_F32);
	case 0x44:
		if (!wasm_reader_bytes(&v->r, 8, &ts))
			return wasm_vf_vreader_fail(v);
		return wasm_vf_push(v, T_F64);
	case 0xd0: /* ref.null t */
		if (!wasm_reader_u8(&v->r, &t))
			return wasm_vf_vreader_fail(v);
		if (!wasm_is_reftype(t))
			return wasm_vf_vfail(v, ERR_MALFORMED, "malformed reference type");
		return wasm_vf_push(v, t);
	case 0xd1: /* ref.is_null */
		if (!wasm_vf_pop(v, &t))
			return false;
		if (t != T_UNK && !wasm_is_reftype(t))
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: ref.is_null on %s",
					     wasm_valtype_name(t));
		return wasm_vf_push(v, T_I32);
	case 0xd2: /* ref.func */
		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= m->nfuncs)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown function %u", x);
		if (!(v->refs[x / 8] & (1u << (x % 8))))
			return wasm_vf_vfail(v, ERR_INVALID, "undeclared function reference %u", x);
		return wasm_vf_push(v, WASM_TYPE_FUNCREF);
	case 0xfc:
		return check_fc(v);
	default:
		break;
	}
	if (op >= 0x28 && op <= 0x35)
		return memarg(v, mem_align[op - 0x28]) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_push(v, mem_type[op - 0x28]);
	if (op >= 0x36 && op <= 0x3e)
		return memarg(v, mem_align[op - 0x28]) && wasm_vf_pop_t(v, mem_type[op - 0x28]) &&
		       wasm_vf_pop_t(v, T_I32);
	if (op >= 0x45 && op <= 0xc4)
		return check_numeric(v, op);
	return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0x%02x", op);
}
