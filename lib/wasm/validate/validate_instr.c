/*
 * validate_instr.c - the typing rule of every instruction (spec 2.0
 * "Validation > Instructions"), except the structured control instructions
 * and br_table, which live with the control stack in validate_code.c.
 * Instructions typed by their signature alone (numeric operators, loads and
 * stores, constants, memory.size/grow) come from the opcode table
 * (opcodes.h); the switch below holds only the others.
 */
#include <string.h>

#include "base/err.h"
#include "wasm/validate/validate_internal.h"

static bool check_mem(struct vfunc *v)
{
	if (v->m->nmems == 0)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown memory 0");
	return true;
}

/* A memory index (multi-memory: u32; without it a zero byte); *at64 says
 * whether that memory's addresses are i64 (memory64). */
static bool mem_idx(struct vfunc *v, bool *at64)
{
	uint32_t x;

	if (v->m->features_off & WASM_FEAT_MULTI_MEMORY) {
		uint8_t b;

		if (!wasm_reader_u8(&v->r, &b))
			return wasm_vf_vreader_fail(v);
		if (b != 0)
			return wasm_vf_vfail(v, ERR_MALFORMED,
					     "zero byte expected (multi-memory is turned off)");
		if (!check_mem(v))
			return false;
		x = 0;
	} else {
		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= v->m->nmems)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown memory %u", x);
	}
	*at64 = v->m->mems[x].limits.is64;
	return true;
}

/* memarg, with the natural alignment's log2. Multi-memory: bit 6 of the
 * alignment says a memory index follows; memory64: the offset is u64,
 * below 2^32 for an i32 memory. Sets v->at64 for the address operand. */
static bool memarg(struct vfunc *v, uint32_t max_align)
{
	uint32_t align, x = 0;
	uint64_t offset;
	uint32_t off = v->m->features_off;

	if (!wasm_vf_u32(v, &align))
		return false;
	if (!(off & WASM_FEAT_MULTI_MEMORY)) {
		if (align >= 0x80)
			return wasm_vf_vfail(v, ERR_MALFORMED, "malformed memop flags 0x%x", align);
		if ((align & 0x40) && !wasm_vf_u32(v, &x))
			return false;
		align &= 0x3f;
	}
	if (!wasm_reader_leb(&v->r, off & WASM_FEAT_MEMORY64 ? 32 : 64, false, &offset))
		return wasm_vf_vreader_fail(v);
	if (!check_mem(v))
		return false;
	if (x >= v->m->nmems)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown memory %u", x);
	if (align > max_align)
		return wasm_vf_vfail(v, ERR_INVALID, "alignment must not be larger than natural%s",
				     align & 0x40 ? " (multi-memory is turned off)" : "");
	v->at64 = v->m->mems[x].limits.is64;
	v->memidx = x;
	if (!v->at64 && offset > UINT32_MAX)
		return wasm_vf_vfail(v, ERR_INVALID, "offset out of range for a 32-bit memory");
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

/* The address type of table x (table64: i64 indices and sizes). */
static uint8_t table_at(const struct vfunc *v, uint32_t x)
{
	return v->m->tables[x].limits.is64 ? T_I64 : T_I32;
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

/* A lane index byte below `lanes`. */
static bool lane(struct vfunc *v, uint32_t lanes)
{
	uint8_t b;

	if (!wasm_reader_u8(&v->r, &b))
		return wasm_vf_vreader_fail(v);
	if (b >= lanes)
		return wasm_vf_vfail(v, ERR_INVALID, "invalid lane index %u", b);
	return true;
}

/* The immediates of a SIMD row (WASM_IMM_MEMARG16 and after). */
static bool simd_imm(struct vfunc *v, const struct wasm_opinfo *oi)
{
	uint32_t lanes = wasm_imm_lanes(oi->imm);
	const uint8_t *p;

	if (wasm_imm_is_memarg(oi->imm) && !memarg(v, wasm_imm_memarg_align(oi->imm)))
		return false;
	if (lanes)
		return lane(v, lanes);
	if (oi->imm == WASM_IMM_V128 || oi->imm == WASM_IMM_SHUFFLE) {
		if (!wasm_reader_bytes(&v->r, 16, &p))
			return wasm_vf_vreader_fail(v);
		for (int i = 0; oi->imm == WASM_IMM_SHUFFLE && i < 16; i++)
			if (p[i] >= 32)
				return wasm_vf_vfail(v, ERR_INVALID, "invalid lane index %u", p[i]);
	}
	return true;
}

/* The immediates (not NONE) of an instruction typed by its signature
 * alone. A memory access checks its alignment against the natural one;
 * memory.size and memory.grow need a memory. */
static bool simple_imm(struct vfunc *v, const struct wasm_opinfo *oi)
{
	const uint8_t *p;
	uint64_t bits;
	uint8_t imm = oi->imm;

	/* Tested in the order of their frequency in compiled code. */
	if (imm >= WASM_IMM_MEMARG1 && imm <= WASM_IMM_MEMARG8)
		return memarg(v, wasm_imm_memarg_align(imm));
	if (UNLIKELY(imm >= WASM_IMM_MEMARG16 && imm <= WASM_IMM_SHUFFLE))
		return simd_imm(v, oi);
	if (imm == WASM_IMM_I32 || imm == WASM_IMM_I64) {
		if (!wasm_reader_leb(&v->r, imm == WASM_IMM_I32 ? 32 : 64, true, &bits))
			return wasm_vf_vreader_fail(v);
		return true;
	}
	if (imm == WASM_IMM_F32 || imm == WASM_IMM_F64) {
		if (!wasm_reader_bytes(&v->r, imm == WASM_IMM_F32 ? 4 : 8, &p))
			return wasm_vf_vreader_fail(v);
		return true;
	}
	if (imm == WASM_IMM_MEM0)
		return mem_idx(v, &v->at64);
	/* a table row with a signature but other immediates */
	return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode (%s)", oi->text);
}

/* A load, store, memory.size or memory.grow on an i64 memory: the
 * signature's i32 address (or size) is an i64. */
static bool check_mem64(struct vfunc *v, const struct wasm_opinfo *oi)
{
	uint32_t sig = oi->sig;
	uint8_t res = wasm_sig_result(sig);

	v->at64 = false;
	if (wasm_sig_nparams(sig) == 2 && !wasm_vf_pop_t(v, wasm_sig_param(sig, 1)))
		return false;
	if (wasm_sig_nparams(sig) >= 1 && !wasm_vf_pop_t(v, T_I64))
		return false;
	if (oi->imm == WASM_IMM_MEM0 && res != T_UNK)
		res = T_I64; /* memory.size, memory.grow */
	return res == T_UNK || wasm_vf_push(v, res);
}

/* An instruction typed by its signature alone (opcodes.h): its immediates,
 * then [params] -> [result]. Inlined: it is most of a body's instructions. */
static inline __attribute__((always_inline)) bool check_simple(struct vfunc *v,
							       const struct wasm_opinfo *oi)
{
	uint32_t sig = oi->sig, np = wasm_sig_nparams(sig);
	uint8_t p0 = wasm_sig_param(sig, 0), p1 = wasm_sig_param(sig, 1);

	if (oi->imm != WASM_IMM_NONE) {
		if (!simple_imm(v, oi))
			return false;
		if (UNLIKELY(v->at64))
			return check_mem64(v, oi);
	}
	if (np == 2) {
		/* Both operands at once when they are there with their types;
		 * else one by one, for the spec's order of errors. */
		if (v->nvals >= v->floor + 2 && v->vals[v->nvals - 1] == p1 &&
		    v->vals[v->nvals - 2] == p0)
			v->nvals -= 2;
		else if (!wasm_vf_pop_t(v, p1) || !wasm_vf_pop_t(v, p0))
			return false;
	} else if (np == 1 && !wasm_vf_pop_t(v, p0)) {
		return false;
	} else if (np == 3 &&
		   !(wasm_vf_pop_t(v, p1) && wasm_vf_pop_t(v, p1) && wasm_vf_pop_t(v, p0))) {
		return false;
	}
	return wasm_sig_result(sig) == WASM_TYPE_UNKNOWN || wasm_vf_push(v, wasm_sig_result(sig));
}

/* 0xfc prefix. */
static bool check_fc(struct vfunc *v)
{
	struct wasm_module *m = v->m;
	uint32_t sub, x, y, t;
	bool d64, s64;

	if (!wasm_vf_u32(v, &sub))
		return false;
	switch (sub) {
	case WASM_OP_MEMORY_INIT: /* data mem: [at i32 i32] */
		return wasm_vf_u32(v, &y) && mem_idx(v, &d64) && check_data_idx(v, y) &&
		       wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_pop_t(v, d64 ? T_I64 : T_I32);
	case WASM_OP_DATA_DROP:
		return wasm_vf_u32(v, &y) && check_data_idx(v, y);
	case WASM_OP_MEMORY_COPY: /* dst src: [at_d at_s min(at_d, at_s)] */
		return mem_idx(v, &d64) && mem_idx(v, &s64) &&
		       wasm_vf_pop_t(v, d64 && s64 ? T_I64 : T_I32) &&
		       wasm_vf_pop_t(v, s64 ? T_I64 : T_I32) &&
		       wasm_vf_pop_t(v, d64 ? T_I64 : T_I32);
	case WASM_OP_MEMORY_FILL: /* [at i32 at] */
		return mem_idx(v, &d64) && wasm_vf_pop_t(v, d64 ? T_I64 : T_I32) &&
		       wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, d64 ? T_I64 : T_I32);
	case WASM_OP_TABLE_INIT: /* elem table: [at i32 i32] */
		if (!elem_idx(v, &y) || !table_idx(v, &x))
			return false;
		if (!wasm_type_match(m, m->elems[y].type, m, m->tables[x].elem_type))
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: table.init");
		return wasm_vf_pop_t(v, T_I32) && wasm_vf_pop_t(v, T_I32) &&
		       wasm_vf_pop_t(v, table_at(v, x));
	case WASM_OP_ELEM_DROP:
		return elem_idx(v, &y);
	case WASM_OP_TABLE_COPY: /* dst src: [at_d at_s min(at_d, at_s)] */
		if (!table_idx(v, &x) || !table_idx(v, &y))
			return false;
		if (!wasm_type_match(m, m->tables[y].elem_type, m, m->tables[x].elem_type))
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: table.copy");
		return wasm_vf_pop_t(v, table_at(v, x) == T_I64 ? table_at(v, y) : T_I32) &&
		       wasm_vf_pop_t(v, table_at(v, y)) && wasm_vf_pop_t(v, table_at(v, x));
	case WASM_OP_TABLE_GROW: /* ref n -> at */
		if (!table_idx(v, &x))
			return false;
		t = m->tables[x].elem_type;
		return wasm_vf_pop_t(v, table_at(v, x)) && wasm_vf_pop_t(v, t) &&
		       wasm_vf_push(v, table_at(v, x));
	case WASM_OP_TABLE_SIZE:
		return table_idx(v, &x) && wasm_vf_push(v, table_at(v, x));
	case WASM_OP_TABLE_FILL: /* i ref n: [at t at] */
		if (!table_idx(v, &x))
			return false;
		t = m->tables[x].elem_type;
		return wasm_vf_pop_t(v, table_at(v, x)) && wasm_vf_pop_t(v, t) &&
		       wasm_vf_pop_t(v, table_at(v, x));
	default:
		if (sub < WASM_OP_FC_COUNT &&
		    wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub)].sig != WASM_SIG_NONE)
			return check_simple(v, &wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FC, sub)]);
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0xfc %u", sub);
	}
}

/* 0xfd prefix: SIMD, every row typed by its signature. */
static bool check_fd(struct vfunc *v)
{
	const struct wasm_opinfo *oi;
	uint32_t sub, off;

	if (!wasm_vf_u32(v, &sub))
		return false;
	oi = &wasm_opinfo[WASM_OP_INDEX(WASM_OP_PREFIX_FD, sub < WASM_OP_FD_END ? sub : 0)];
	if (sub >= WASM_OP_FD_END || !oi->text)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0xfd %u", sub);
	off = wasm_simd_off(v->m, sub);
	if (off)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0xfd %u (feature %s off)",
				     sub, wasm_feature_name(off));
	v->uses_simd = true;
	return check_simple(v, oi);
}

/* Records an untyped drop's or select's operand type: its code, all the
 * interpreter needs (module.h). */
static inline bool record_untyped(struct vfunc *v, uint32_t t)
{
	if (__builtin_expect(v->nuntyped == v->capuntyped, 0) &&
	    !wasm_vf_grow(v, (void **)&v->untyped, &v->capuntyped, (uint64_t)v->nuntyped + 1, 1))
		return false;
	v->untyped[v->nuntyped++] = (uint8_t)wasm_type_code(t);
	return true;
}

static bool is_num(uint32_t t)
{
	return t == T_UNK || (t >= WASM_TYPE_V128 && t <= T_I32);
}

/* A value type in the body (select's), valid in the module. */
static bool read_valtype(struct vfunc *v, uint32_t *t)
{
	uint32_t feature;
	int rc = wasm_read_valtype(v->m, &v->r, t, &feature);

	if (rc)
		return wasm_vf_type_fail(v, rc, feature, "value type");
	if (!wasm_vf_type_ok(v->m, *t, v->m->ntypes))
		return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", wasm_type_idx(*t));
	return true;
}

VF_INLINE bool check_select(struct vfunc *v, bool typed)
{
	uint32_t t1, t2, want = T_UNK;

	if (typed) {
		uint32_t n;

		if (!wasm_vf_u32(v, &n))
			return false;
		if (n != 1)
			return wasm_vf_vfail(v, ERR_INVALID, "invalid result arity %u", n);
		if (!read_valtype(v, &want))
			return false;
	}
	if (!wasm_vf_pop_t(v, T_I32))
		return false;
	if (typed)
		return wasm_vf_pop_t(v, want) && wasm_vf_pop_t(v, want) && wasm_vf_push(v, want);
	/* Untyped: each operand matches anything here (popped as
	 * pop_expect(unknown) would); the checks follow. */
	if (!wasm_vf_pop(v, &t1) || !wasm_vf_pop(v, &t2))
		return false;
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

/* A tail call's callee returns to the caller's caller: its results must
 * match the caller's. */
static bool check_tail_results(struct vfunc *v, const struct wasm_functype *ft)
{
	const struct ctrl *c = &v->ctrls[0];
	bool ok = ft->nresults == c->nresults;

	for (uint32_t i = 0; ok && i < ft->nresults; i++)
		ok = wasm_type_match(v->m, ft->results[i], v->m, c->results[i]);
	if (!ok)
		return wasm_vf_vfail(v, ERR_INVALID,
				     "type mismatch: tail call's results differ from the "
				     "function's");
	return true;
}

/* The opcode of a feature turned off is unknown, as in an engine without
 * it. */
static bool feature_off(struct vfunc *v, uint8_t op, uint32_t feature)
{
	return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0x%02x (%s is turned off)", op,
			     wasm_feature_name(feature));
}

/* A type immediate that must name a function type (GC's struct and array
 * types are not). */
static bool not_functype(struct vfunc *v, uint32_t x)
{
	return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: type %u is not a function type", x);
}

VF_INLINE bool check_call(struct vfunc *v, bool indirect, bool tail)
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
		if (m->types[x].kind != WASM_COMP_FUNC)
			return not_functype(v, x);
		if (y >= m->ntables)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown table %u", y);
		if (!wasm_type_match(m, m->tables[y].elem_type, m, WASM_TYPE_FUNCREF))
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: call_indirect on a table of %s",
					     wasm_valtype_name(m->tables[y].elem_type));
		if (!wasm_vf_pop_t(v, table_at(v, y)))
			return false;
		ft = &m->types[x];
	} else {
		if (x >= m->nfuncs)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown function %u", x);
		ft = &m->types[m->funcs[x].type];
	}
	if (tail) {
		if (!check_tail_results(v, ft) || !wasm_vf_pop_n(v, ft->params, ft->nparams))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
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
	if (op <= WASM_OP_LOCAL_TEE) {
		if (x >= v->nlocals)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown local %u", x);
		if (op == WASM_OP_LOCAL_GET)
			return wasm_vf_local_get_init(v, x) && wasm_vf_push(v, v->locals[x]);
		if (!wasm_vf_pop_t(v, v->locals[x]) || !wasm_vf_local_set_init(v, x))
			return false;
		return op == WASM_OP_LOCAL_SET || wasm_vf_push(v, v->locals[x]);
	}
	if (x >= m->nglobals)
		return wasm_vf_vfail(v, ERR_INVALID, "unknown global %u", x);
	if (op == WASM_OP_GLOBAL_GET)
		return wasm_vf_push(v, m->globals[x].type);
	if (!m->globals[x].is_mutable)
		return wasm_vf_vfail(v, ERR_INVALID, "global is immutable: global %u", x);
	return wasm_vf_pop_t(v, m->globals[x].type);
}

/* The exception instructions (3.0), malformed (unknown opcodes) where the
 * feature is off. */
static bool check_exn(struct vfunc *v, uint8_t op)
{
	struct wasm_module *m = v->m;
	uint32_t x;

	if (m->features_off & WASM_FEAT_EXCEPTIONS)
		return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0x%02x (feature %s is off)",
				     op, wasm_feature_name(WASM_FEAT_EXCEPTIONS));
	v->uses_exceptions = true;
	switch (op) {
	case WASM_OP_TRY:
		return wasm_vf_begin_block(v, op);
	case WASM_OP_CATCH:
	case WASM_OP_CATCH_ALL:
		return wasm_vf_do_catch(v, op == WASM_OP_CATCH_ALL);
	case WASM_OP_DELEGATE:
		return wasm_vf_do_delegate(v);
	case WASM_OP_RETHROW:
		return wasm_vf_do_rethrow(v);
	case WASM_OP_TRY_TABLE:
		return wasm_vf_begin_try_table(v);
	case WASM_OP_THROW_REF:
		if (!wasm_vf_pop_t(v, WASM_TYPE_EXNREF))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	default: { /* throw */
		const struct wasm_functype *ft;

		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= m->ntags)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown tag %u", x);
		ft = &m->types[m->tags[x].type];
		if (!wasm_vf_pop_n(v, ft->params, ft->nparams))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	}
	}
}

static bool check_ref_null(struct vfunc *v)
{
	uint32_t heap, feature;
	int rc = wasm_read_heaptype(v->m, &v->r, &heap, &feature);

	if (rc)
		return wasm_vf_type_fail(v, rc, feature, "reference type");
	if (!wasm_vf_type_ok(v->m, heap, v->m->ntypes))
		return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", wasm_type_idx(heap));
	v->uses_gc |= wasm_type_is_gc(heap);
	return wasm_vf_push(v, wasm_type_ref(heap, true));
}

/* Pops a reference of any type into *t (unknown in unreachable code). */
static bool pop_ref(struct vfunc *v, uint32_t *t)
{
	if (!wasm_vf_pop(v, t))
		return false;
	if (*t != T_UNK && !wasm_type_is_ref(*t))
		return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: expected a reference, got %s",
				     wasm_valtype_name(*t));
	return true;
}

/* Typed function references (3.0): call_ref, return_call_ref,
 * ref.as_non_null, br_on_null, br_on_non_null. */
static bool check_func_refs(struct vfunc *v, uint8_t op)
{
	struct wasm_module *m = v->m;
	const struct wasm_functype *ft;
	const uint32_t *ts;
	struct ctrl *c;
	uint32_t x, n, t;

	if (m->features_off & WASM_FEAT_FUNC_REFS)
		return feature_off(v, op, WASM_FEAT_FUNC_REFS);
	switch (op) {
	case WASM_OP_CALL_REF:
	case WASM_OP_RETURN_CALL_REF:
		if (op == WASM_OP_RETURN_CALL_REF && (m->features_off & WASM_FEAT_TAIL_CALL))
			return feature_off(v, op, WASM_FEAT_TAIL_CALL);
		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= m->ntypes)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown type %u", x);
		if (m->types[x].kind != WASM_COMP_FUNC)
			return not_functype(v, x);
		ft = &m->types[x];
		if (!wasm_vf_pop_t(v, wasm_type_ref(wasm_heap_idx(x), true)))
			return false;
		if (op == WASM_OP_RETURN_CALL_REF) {
			if (!check_tail_results(v, ft) ||
			    !wasm_vf_pop_n(v, ft->params, ft->nparams))
				return false;
			wasm_vf_set_unreachable(v);
			return true;
		}
		return wasm_vf_pop_n(v, ft->params, ft->nparams) &&
		       wasm_vf_push_n(v, ft->results, ft->nresults);
	case WASM_OP_REF_AS_NON_NULL:
		if (!pop_ref(v, &t))
			return false;
		return wasm_vf_push(v, t == T_UNK ? T_UNK : t | WASM_TYPE_NONNULL);
	case WASM_OP_BR_ON_NULL:
		if (!wasm_vf_label(v, &c) || !pop_ref(v, &t))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		if (!wasm_vf_pop_n(v, ts, n) || !wasm_vf_push_n(v, ts, n))
			return false;
		return wasm_vf_push(v, t == T_UNK ? T_UNK : t | WASM_TYPE_NONNULL);
	default: /* br_on_non_null: the label's last type takes the reference */
		if (!wasm_vf_label(v, &c) || !pop_ref(v, &t))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		if (n == 0 || !wasm_type_is_ref(ts[n - 1]))
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: br_on_non_null's label takes no "
					     "reference");
		if (t != T_UNK && !wasm_type_match(m, t | WASM_TYPE_NONNULL, m, ts[n - 1]))
			return wasm_vf_vfail(v, ERR_INVALID,
					     "type mismatch: br_on_non_null on %s, label takes %s",
					     wasm_valtype_name(t), wasm_valtype_name(ts[n - 1]));
		return wasm_vf_pop_n(v, ts, n - 1) && wasm_vf_push_n(v, ts, n - 1);
	}
}

/* Types one instruction whose opcode `op` was just read. Inlined into the
 * body's loop below: it runs once per instruction. */
static inline __attribute__((always_inline)) bool check_instr(struct vfunc *v, uint8_t op,
							      bool *done)
{
	struct wasm_module *m = v->m;
	struct ctrl *c;
	const uint32_t *ts;
	uint32_t n, x, t;

	switch (op) {
	case WASM_OP_UNREACHABLE:
		wasm_vf_set_unreachable(v);
		return true;
	case WASM_OP_NOP:
		return true;
	case WASM_OP_BLOCK:
	case WASM_OP_LOOP:
	case WASM_OP_IF:
		return wasm_vf_begin_block(v, op);
	case WASM_OP_ELSE:
		return wasm_vf_do_else(v);
	case WASM_OP_END:
		return wasm_vf_do_end(v, done);
	case WASM_OP_BR:
		if (!wasm_vf_label(v, &c))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		if (!wasm_vf_pop_n(v, ts, n))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	case WASM_OP_BR_IF:
		if (!wasm_vf_label(v, &c) || !wasm_vf_pop_t(v, T_I32))
			return false;
		wasm_vf_label_types(c, &ts, &n);
		return wasm_vf_pop_n(v, ts, n) && wasm_vf_push_n(v, ts, n);
	case WASM_OP_BR_TABLE:
		return wasm_vf_do_br_table(v);
	case WASM_OP_RETURN:
		if (!wasm_vf_pop_n(v, v->ctrls[0].results, v->ctrls[0].nresults))
			return false;
		wasm_vf_set_unreachable(v);
		return true;
	case WASM_OP_CALL:
		return check_call(v, false, false);
	case WASM_OP_CALL_INDIRECT:
		return check_call(v, true, false);
	case WASM_OP_RETURN_CALL:
	case WASM_OP_RETURN_CALL_INDIRECT:
		if (UNLIKELY(m->features_off & WASM_FEAT_TAIL_CALL))
			return feature_off(v, op, WASM_FEAT_TAIL_CALL);
		return check_call(v, op == WASM_OP_RETURN_CALL_INDIRECT, true);
	case WASM_OP_DROP:
		return wasm_vf_pop(v, &t) && record_untyped(v, t);
	case WASM_OP_SELECT:
		return check_select(v, false);
	case WASM_OP_SELECT_T:
		return check_select(v, true);
	case WASM_OP_LOCAL_GET:
	case WASM_OP_LOCAL_SET:
	case WASM_OP_LOCAL_TEE:
	case WASM_OP_GLOBAL_GET:
	case WASM_OP_GLOBAL_SET:
		return check_var(v, op);
	case WASM_OP_TABLE_GET:
		return table_idx(v, &x) && wasm_vf_pop_t(v, table_at(v, x)) &&
		       wasm_vf_push(v, m->tables[x].elem_type);
	case WASM_OP_TABLE_SET:
		return table_idx(v, &x) && wasm_vf_pop_t(v, m->tables[x].elem_type) &&
		       wasm_vf_pop_t(v, table_at(v, x));
	case WASM_OP_REF_NULL:
		return check_ref_null(v);
	case WASM_OP_REF_IS_NULL:
		if (!wasm_vf_pop(v, &t))
			return false;
		if (t != T_UNK && !wasm_type_is_ref(t))
			return wasm_vf_vfail(v, ERR_INVALID, "type mismatch: ref.is_null on %s",
					     wasm_valtype_name(t));
		return wasm_vf_push(v, T_I32);
	case WASM_OP_REF_FUNC:
		if (!wasm_vf_u32(v, &x))
			return false;
		if (x >= m->nfuncs)
			return wasm_vf_vfail(v, ERR_INVALID, "unknown function %u", x);
		if (!(v->refs[x / 8] & (1u << (x % 8))))
			return wasm_vf_vfail(v, ERR_INVALID, "undeclared function reference %u", x);
		return wasm_vf_push(v, wasm_ref_func_type(m, x));
	case WASM_OP_CALL_REF:
	case WASM_OP_RETURN_CALL_REF:
	case WASM_OP_REF_AS_NON_NULL:
	case WASM_OP_BR_ON_NULL:
	case WASM_OP_BR_ON_NON_NULL:
		return check_func_refs(v, op);
	case WASM_OP_PREFIX_FC:
		return check_fc(v);
	case WASM_OP_TRY:
	case WASM_OP_CATCH:
	case WASM_OP_THROW:
	case WASM_OP_RETHROW:
	case WASM_OP_THROW_REF:
	case WASM_OP_DELEGATE:
	case WASM_OP_CATCH_ALL:
	case WASM_OP_TRY_TABLE:
		return check_exn(v, op);
	case WASM_OP_PREFIX_FD:
		return check_fd(v);
	case WASM_OP_PREFIX_FB:
	case WASM_OP_REF_EQ:
		if (wasm_gc_off(m))
			return wasm_vf_vfail(
				v, ERR_MALFORMED,
				"illegal opcode 0x%02x (feature gc off or not supported)", op);
		return op == WASM_OP_REF_EQ ? wasm_vf_check_ref_eq(v) : wasm_vf_check_gc(v);
	default:
		break;
	}
	if (wasm_opinfo[op].sig != WASM_SIG_NONE)
		return check_simple(v, &wasm_opinfo[op]);
	return wasm_vf_vfail(v, ERR_MALFORMED, "illegal opcode 0x%02x", op);
}

bool wasm_vf_check_body(struct vfunc *v)
{
	/* The body's bytes and end stay put: kept out of the loop's loads. */
	const uint8_t *buf = v->r.buf;
	size_t end = v->r.end;
	bool done = false;

	while (!done) {
		size_t pos = v->r.pos;

		v->op_pos = pos;
		if (UNLIKELY(pos >= end)) {
			wasm_reader_eof_error(&v->r);
			return wasm_vf_vreader_fail(v);
		}
		v->r.pos = pos + 1;
		if (!check_instr(v, buf[pos], &done))
			return false;
	}
	return true;
}
