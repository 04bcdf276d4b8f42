/*
 * validate_gc.c - typing GC's instructions (3.0): the 0xfb prefix's
 * struct.*, array.*, ref.test, ref.cast, br_on_cast(_fail), the
 * extern/any conversions and i31, and ref.eq.
 *
 * Each follows the spec's rule; a struct or array operand is popped as
 * (ref null $t) of the instruction's type immediate (a subtype matches),
 * a packed field reads as i32. Anything that names a type, field, segment
 * or label out of range says "unknown ..."; an operand of the wrong type
 * "type mismatch"; writing an immutable field or array "immutable ...".
 */
#include "base/err.h"
#include "wasm/validate/validate_internal.h"

/* The most operands array.new_fixed may take (an implementation limit, as
 * in other engines: its operands are on the stack at once). */
#define GC_NEW_FIXED_MAX 10000u

/* A field's storage type as an operand: a packed one is an i32. */
static uint32_t unpacked(uint32_t t)
{
	return t == WASM_PACKED_I8 || t == WASM_PACKED_I16 ? T_I32 : t;
}

static bool is_packed(uint32_t t)
{
	return t == WASM_PACKED_I8 || t == WASM_PACKED_I16;
}

/* A type index immediate naming a type of `kind`. */
static bool comp_idx(struct vfunc *v, uint8_t kind, uint32_t *x)
{
	static const char *const names[] = {"function", "struct", "array"};

	if (!wasm_vf_u32(v, x))
		return false;
	if (*x >= v->m->ntypes)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", *x);
	if (v->m->types[*x].kind != kind)
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: type %u is not %s %s type", *x,
				     kind == WASM_COMP_ARRAY ? "an" : "a", names[kind]);
	return true;
}

/* (ref null $x) / (ref $x). */
static uint32_t ref_idx(uint32_t x, bool nullable)
{
	return wasm_type_ref(wasm_heap_idx(x), nullable);
}

/* A struct's field immediate. */
static bool field_idx(struct vfunc *v, uint32_t x, const struct wasm_field **f)
{
	const struct wasm_functype *st = &v->m->types[x];
	uint32_t y;

	if (!wasm_vf_u32(v, &y))
		return false;
	if (y >= st->nfields)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown field %u (type %u)", y, x);
	*f = &st->fields[y];
	return true;
}

/* A packed field is read by get_s / get_u only, any other by get. */
static bool check_packed_get(struct vfunc *v, const struct wasm_field *f, bool signed_or_not)
{
	if (is_packed(f->type) != signed_or_not)
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: %s of a %s field",
				     signed_or_not ? "get_s/get_u" : "get",
				     is_packed(f->type) ? "packed" : "unpacked");
	return true;
}

static bool check_mutable(struct vfunc *v, const struct wasm_field *f, bool array)
{
	if (!f->mut)
		return wasm_vf_vfail(v, ERR_INVALID, array ? "immutable array" : "immutable field");
	return true;
}

/* Pushes `want` popped n times: array.new_fixed's operands. */
static bool pop_repeat(struct vfunc *v, uint32_t want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!wasm_vf_pop_t(v, want))
			return false;
	return true;
}

static bool pop_i32s(struct vfunc *v, uint32_t n)
{
	return pop_repeat(v, T_I32, n);
}

static bool check_struct(struct vfunc *v, uint32_t sub)
{
	const struct wasm_functype *st;
	const struct wasm_field *f;
	uint32_t x;

	if (!comp_idx(v, WASM_COMP_STRUCT, &x))
		return false;
	st = &v->m->types[x];
	switch (sub) {
	case WASM_OP_STRUCT_NEW:
		for (uint32_t k = st->nfields; k-- > 0;)
			if (!wasm_vf_pop_t(v, unpacked(st->fields[k].type)))
				return false;
		return wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_STRUCT_NEW_DEFAULT:
		for (uint32_t k = 0; k < st->nfields; k++)
			if (!wasm_vf_defaultable(st->fields[k].type))
				return wasm_vf_vfail(v, ERR_INVALID,
						     "type mismatch: field %u of type %u is not "
						     "defaultable",
						     k, x);
		return wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_STRUCT_SET:
		return field_idx(v, x, &f) && check_mutable(v, f, false) &&
		       wasm_vf_pop_t(v, unpacked(f->type)) && wasm_vf_pop_t(v, ref_idx(x, true));
	default: /* struct.get, get_s, get_u */
		return field_idx(v, x, &f) && check_packed_get(v, f, sub != WASM_OP_STRUCT_GET) &&
		       wasm_vf_pop_t(v, ref_idx(x, true)) && wasm_vf_push(v, unpacked(f->type));
	}
}

/* array.new_data / init_data need a numeric or vector element;
 * array.new_elem / init_elem a reference one that the segment's type
 * matches. */
static bool check_segment(struct vfunc *v, uint32_t x, bool data)
{
	const struct wasm_field *f = &v->m->types[x].fields[0];
	uint32_t y;

	if (!wasm_vf_u32(v, &y))
		return false;
	if (data) {
		if (wasm_type_is_ref(unpacked(f->type)))
			return wasm_vf_vfail(v, ERR_INVALID, "array type is not numeric or vector");
		if (!v->m->has_data_count)
			return wasm_vf_vfail(v, ERR_MALFORMED, "data count section required");
		if (y >= v->m->data_count)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown data segment %u", y);
		return true;
	}
	if (y >= v->m->nelems)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown elem segment %u", y);
	if (!wasm_storage_match(v->m, v->m->elems[y].type, v->m, f->type))
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: elem segment %u is %s", y,
				     wasm_valtype_name(v->m->elems[y].type));
	return true;
}

static bool check_array(struct vfunc *v, uint32_t sub)
{
	const struct wasm_field *f, *g;
	uint32_t x, y, n;

	if (sub == WASM_OP_ARRAY_LEN)
		return wasm_vf_pop_t(v, wasm_type_ref(WASM_HEAP_ARRAY, true)) &&
		       wasm_vf_push(v, T_I32);
	if (!comp_idx(v, WASM_COMP_ARRAY, &x))
		return false;
	f = &v->m->types[x].fields[0];
	switch (sub) {
	case WASM_OP_ARRAY_NEW:
		return wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, unpacked(f->type)) &&
		       wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_ARRAY_NEW_DEFAULT:
		if (!wasm_vf_defaultable(f->type))
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: the element of type %u is not "
					     "defaultable",
					     x);
		return wasm_vf_pop_t(v, T_I32) && wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_ARRAY_NEW_FIXED:
		if (!wasm_vf_u32(v, &n))
			return false;
		if (n > GC_NEW_FIXED_MAX)
			return wasm_vf_vfail(v, ERR_INVALID,
					     "array.new_fixed of %u values (at most %u: "
					     "implementation limit)",
					     n, GC_NEW_FIXED_MAX);
		return pop_repeat(v, unpacked(f->type), n) && wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_ARRAY_NEW_DATA:
	case WASM_OP_ARRAY_NEW_ELEM:
		return check_segment(v, x, sub == WASM_OP_ARRAY_NEW_DATA) && pop_i32s(v, 2) &&
		       wasm_vf_push(v, ref_idx(x, false));
	case WASM_OP_ARRAY_GET:
	case WASM_OP_ARRAY_GET_S:
	case WASM_OP_ARRAY_GET_U:
		return check_packed_get(v, f, sub != WASM_OP_ARRAY_GET) &&
		       wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, ref_idx(x, true)) &&
		       wasm_vf_push(v, unpacked(f->type));
	case WASM_OP_ARRAY_SET:
		return check_mutable(v, f, true) && wasm_vf_pop_t(v, unpacked(f->type)) &&
		       wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, ref_idx(x, true));
	case WASM_OP_ARRAY_FILL:
		return check_mutable(v, f, true) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_pop_t(v, unpacked(f->type)) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_pop_t(v, ref_idx(x, true));
	case WASM_OP_ARRAY_COPY:
		if (!check_mutable(v, f, true) || !comp_idx(v, WASM_COMP_ARRAY, &y))
			return false;
		g = &v->m->types[y].fields[0];
		if (!wasm_storage_match(v->m, g->type, v->m, f->type))
			return wasm_vf_vfail(v, ERR_INVALID, "array types do not match");
		return pop_i32s(v, 2) && wasm_vf_pop_t(v, ref_idx(y, true)) &&
		       wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, ref_idx(x, true));
	default: /* array.init_data, array.init_elem */
		return check_mutable(v, f, true) &&
		       check_segment(v, x, sub == WASM_OP_ARRAY_INIT_DATA) && pop_i32s(v, 3) &&
		       wasm_vf_pop_t(v, ref_idx(x, true));
	}
}

/* A heap type immediate (ref.test, ref.cast, br_on_cast): valid, its
 * index in range. */
static bool heap_imm(struct vfunc *v, uint32_t *heap)
{
	uint32_t feature;
	int rc = wasm_read_heaptype(v->m, &v->r, heap, &feature);

	if (rc)
		return wasm_vf_type_fail(v, rc, feature, "heap type");
	if (!wasm_vf_type_ok(v->m, *heap, v->m->ntypes))
		return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", wasm_type_idx(*heap));
	return true;
}

/* ref.test / ref.cast (ref null? ht): the operand any reference of ht's
 * hierarchy. */
static bool check_test_cast(struct vfunc *v, uint32_t sub)
{
	bool nullable = sub == WASM_OP_REF_TEST_NULL || sub == WASM_OP_REF_CAST_NULL;
	uint32_t heap;

	if (!heap_imm(v, &heap) ||
	    !wasm_vf_pop_t(v, wasm_type_ref(wasm_heap_top(v->m, heap), true)))
		return false;
	if (sub == WASM_OP_REF_TEST || sub == WASM_OP_REF_TEST_NULL)
		return wasm_vf_push(v, T_I32);
	return wasm_vf_push(v, wasm_type_ref(heap, nullable));
}

/* br_on_cast / br_on_cast_fail flags l ht1 ht2: rt1 = (ref null? ht1) the
 * operand, rt2 = (ref null? ht2) below it the cast's target. The branch
 * carries rt2 (br_on_cast) or rt1 minus rt2 (br_on_cast_fail), the
 * fallthrough the other. */
static bool check_br_on_cast(struct vfunc *v, uint32_t sub)
{
	uint32_t h1, h2, rt1, rt2, diff, taken, n;
	const uint32_t *ts;
	struct ctrl *c;
	uint8_t flags;

	if (!wasm_reader_u8(&v->r, &flags))
		return wasm_vf_vreader_fail(v);
	if (flags > 3)
		return wasm_vf_vfail(v, ERR_MALFORMED, "malformed br_on_cast flags 0x%02x", flags);
	if (!wasm_vf_label(v, &c) || !heap_imm(v, &h1) || !heap_imm(v, &h2))
		return false;
	rt1 = wasm_type_ref(h1, flags & 1);
	rt2 = wasm_type_ref(h2, flags & 2);
	if (!wasm_type_match(v->m, rt2, v->m, rt1))
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: %s is not below %s",
				     wasm_valtype_name(rt2), wasm_valtype_name(rt1));
	/* rt1 minus rt2: a nullable target takes the null */
	diff = wasm_type_nullable(rt2) ? wasm_type_ref(h1, false) : rt1;
	taken = sub == WASM_OP_BR_ON_CAST ? rt2 : diff;
	wasm_vf_label_types(c, &ts, &n);
	if (n == 0 || !wasm_type_is_ref(ts[n - 1]))
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: %s's label takes no reference",
				     wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FB, sub)].text);
	if (!wasm_type_match(v->m, taken, v->m, ts[n - 1]))
		return wasm_vf_vfail(v, ERR_INVALID,
				     "type mismatch: branch carries %s, label takes %s",
				     wasm_valtype_name(taken), wasm_valtype_name(ts[n - 1]));
	if (!wasm_vf_pop_t(v, rt1) || !wasm_vf_pop_n(v, ts, n - 1) || !wasm_vf_push_n(v, ts, n - 1))
		return false;
	return wasm_vf_push(v, sub == WASM_OP_BR_ON_CAST ? diff : rt2);
}

/* any.convert_extern / extern.convert_any: the nullability carries over. */
static bool check_convert(struct vfunc *v, uint32_t from, uint32_t to)
{
	uint32_t t;

	if (!wasm_vf_pop_expect(v, wasm_type_ref(from, true), &t))
		return false;
	return wasm_vf_push(v, t == T_UNK ? T_UNK : wasm_type_ref(to, wasm_type_nullable(t)));
}

bool wasm_vf_check_gc(struct vfunc *v)
{
	uint32_t sub;

	v->uses_gc = true;
	if (!wasm_vf_u32(v, &sub))
		return false;
	if (sub >= WASM_OP_FB_COUNT)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0xfb %u", sub);
	switch (sub) {
	case WASM_OP_STRUCT_NEW:
	case WASM_OP_STRUCT_NEW_DEFAULT:
	case WASM_OP_STRUCT_GET:
	case WASM_OP_STRUCT_GET_S:
	case WASM_OP_STRUCT_GET_U:
	case WASM_OP_STRUCT_SET:
		return check_struct(v, sub);
	case WASM_OP_REF_TEST:
	case WASM_OP_REF_TEST_NULL:
	case WASM_OP_REF_CAST:
	case WASM_OP_REF_CAST_NULL:
		return check_test_cast(v, sub);
	case WASM_OP_BR_ON_CAST:
	case WASM_OP_BR_ON_CAST_FAIL:
		return check_br_on_cast(v, sub);
	case WASM_OP_ANY_CONVERT_EXTERN:
		return check_convert(v, WASM_HEAP_EXTERN, WASM_HEAP_ANY);
	case WASM_OP_EXTERN_CONVERT_ANY:
		return check_convert(v, WASM_HEAP_ANY, WASM_HEAP_EXTERN);
	case WASM_OP_REF_I31:
		return wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_push(v, wasm_type_ref(WASM_HEAP_I31, false));
	case WASM_OP_I31_GET_S:
	case WASM_OP_I31_GET_U:
		return wasm_vf_pop_t(v, wasm_type_ref(WASM_HEAP_I31, true)) &&
		       wasm_vf_push(v, T_I32);
	default:
		return check_array(v, sub);
	}
}

bool wasm_vf_check_ref_eq(struct vfunc *v)
{
	uint32_t eq = wasm_type_ref(WASM_HEAP_EQ, true);

	v->uses_gc = true;
	return wasm_vf_pop_t(v, eq) && wasm_vf_pop_t(v, eq) && wasm_vf_push(v, T_I32);
}
