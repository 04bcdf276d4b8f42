/*
 * wat_instr.c - instructions, flat and folded, to their binary encoding.
 *
 * What an instruction is (its name, opcode and kind of immediates) comes
 * from the engine's one table, wasm_opinfo (wasm/opcodes.h); this file only
 * knows how each kind of immediate is written in text, and the structured
 * instructions. Labels are a stack of names: `br $l` is the depth of the
 * innermost label named $l.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"
#include "wasm/text/wat_internal.h"
#include "wasm/text/wat_num.h"

static int opname_cmp(const void *a, const void *b)
{
	const char *x = wasm_opinfo[*(const uint16_t *)a].text;
	const char *y = wasm_opinfo[*(const uint16_t *)b].text;
	return strcmp(x, y);
}

static uint32_t ops_sort(uint16_t *v)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < WASM_OP_NINDEX; i++)
		if (wasm_opinfo[i].text)
			v[n++] = (uint16_t)i;
	qsort(v, n, sizeof(*v), opname_cmp);
	return n;
}

/* The names sorted once per process (sorting them for each module was
 * half of the time to encode the testsuite's): the first encoder to get
 * here claims the shared table (state 0 to 1) and publishes it (2); one
 * that finds it being sorted sorts a copy of its own. */
static uint16_t ops_shared[WASM_OP_NINDEX];
static uint32_t ops_shared_n;
static int ops_state;

bool wat_ops_init(struct wat *p)
{
	int expect = 0;

	if (__atomic_load_n(&ops_state, __ATOMIC_ACQUIRE) != 2 &&
	    __atomic_compare_exchange_n(&ops_state, &expect, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED)) {
		ops_shared_n = ops_sort(ops_shared);
		__atomic_store_n(&ops_state, 2, __ATOMIC_RELEASE);
	}
	if (__atomic_load_n(&ops_state, __ATOMIC_ACQUIRE) == 2) {
		p->opsorted = ops_shared;
		p->nops = ops_shared_n;
		return true;
	}
	p->opsorted_own = malloc(WASM_OP_NINDEX * sizeof(*p->opsorted_own));
	if (!p->opsorted_own) {
		p->nomem = true;
		return wat_fail(p, wat_peek(p), "out of memory");
	}
	p->nops = ops_sort(p->opsorted_own);
	p->opsorted = p->opsorted_own;
	return true;
}

/* The table index of the instruction named by `t`, or -1. */
static int op_lookup(const struct wat *p, const struct wat_tok *t)
{
	size_t lo = 0, hi = p->nops;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *name = wasm_opinfo[p->opsorted[mid]].text;
		int c = strncmp(name, p->src + t->off, t->len);
		if (c == 0 && name[t->len] != '\0')
			c = 1;
		if (c == 0)
			return p->opsorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void put_op(struct wat_buf *b, uint32_t index)
{
	if (index < 0x100) {
		wat_buf_byte(b, (uint8_t)index);
	} else if (wasm_op_index_is_simd(index)) {
		wat_buf_byte(b, WASM_OP_PREFIX_FD);
		wat_buf_u32(b, index - 0x100 - WASM_OP_FC_COUNT);
	} else if (index >= WASM_OP_FB_BASE) {
		wat_buf_byte(b, WASM_OP_PREFIX_FB);
		wat_buf_u32(b, index - WASM_OP_FB_BASE);
	} else {
		wat_buf_byte(b, WASM_OP_PREFIX_FC);
		wat_buf_u32(b, index - 0x100);
	}
}

static bool push_label(struct wat *p)
{
	uint32_t name = wat_peek(p)->kind == WAT_TOK_ID ? (uint32_t)p->pos++ : 0;
	return wat_space_add(p, &p->labels, name);
}

/* `end $l` / `else $l`: $l, if there, must be the block's label. */
static bool check_end_label(struct wat *p)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind != WAT_TOK_ID)
		return true;
	uint32_t name = p->labels.name[p->labels.n - 1];
	if (!name || !wat_id_eq(p->src, &p->t[name], t))
		return wat_fail(p, t, "mismatching label");
	p->pos++;
	return true;
}

static bool label_index(struct wat *p, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind != WAT_TOK_ID)
		return wat_u32(p, out);
	for (uint32_t i = p->labels.n; i-- > 0;) {
		uint32_t name = p->labels.name[i];
		if (name && wat_id_eq(p->src, &p->t[name], t)) {
			*out = p->labels.n - 1 - i;
			p->pos++;
			return true;
		}
	}
	return wat_fail(p, t, "unknown label %.*s", (int)t->len, p->src + t->off);
}

static bool local_index(struct wat *p, uint32_t *out)
{
	const struct wat_tok *t = wat_peek(p);
	if (t->kind != WAT_TOK_ID)
		return wat_u32(p, out);
	if (!wat_space_find(p, &p->locals, t, out))
		return wat_fail(p, t, "unknown local %.*s", (int)t->len, p->src + t->off);
	p->pos++;
	return true;
}

/* A block type: none (0x40), one result type, or a type index. */
static bool blocktype(struct wat *p, struct wat_buf *b)
{
	struct wat_buf vt = {0};
	uint32_t np, nr, idx;
	bool ok;

	if (wat_peek(p)->kind == WAT_TOK_LPAR && wat_is_kw(p, wat_peek2(p), "type")) {
		struct wat_functype ft = {0};
		if (!wat_typeuse(p, NULL, false, &idx, &ft))
			return false;
		/* a type of no params and at most one result is written short */
		bool func = idx < p->ntypes && ft.kind == WASM_COMP_FUNC;
		if (func && ft.nparams == 0 && ft.nresults == 1)
			wat_buf_valtype(b, ft.v[0]);
		else if (func && ft.nparams == 0 && ft.nresults == 0)
			wat_buf_byte(b, 0x40);
		else
			wat_buf_s64(b, idx);
		return true;
	}
	ok = wat_params_results(p, &vt, &np, &nr, NULL, false);
	if (ok && np == 0 && nr == 1) {
		wat_buf_valtype(b, *(const uint32_t *)(void *)vt.p);
	} else if (ok && np == 0 && nr == 0) {
		wat_buf_byte(b, 0x40);
	} else if (ok) {
		idx = wat_type_intern(p, (const uint32_t *)(void *)vt.p, np, nr);
		ok = !p->failed;
		wat_buf_s64(b, idx);
	}
	wat_buf_free(&vt);
	return ok;
}

/* `x? y`: the first of two indices (in space k), which may be left out
 * (*x = 0): there is one only if two follow. */
static bool opt_first_of_two(struct wat *p, enum wat_space_kind k, uint32_t *x)
{
	size_t at = p->pos;
	bool two;

	*x = 0;
	if (!wat_at_index(p))
		return true;
	p->pos++;
	two = wat_at_index(p);
	p->pos = at;
	return !two || wat_index(p, k, x);
}

/* [memory] offset=? align=?: a memory index other than 0 sets bit 6 of
 * the alignment (multi-memory); the offset is u64 (memory64; the
 * validator bounds it by the memory's address type). */
static bool memarg(struct wat *p, struct wat_buf *b, uint32_t natural)
{
	uint64_t offset = 0, align = (uint64_t)1 << natural;
	uint32_t mem = 0;
	const struct wat_tok *t;

	if (wat_at_index(p) && !wat_index(p, WAT_MEMS, &mem))
		return false;
	t = wat_peek(p);
	if (t->kind == WAT_TOK_KEYWORD && t->len > 7 && !memcmp(p->src + t->off, "offset=", 7)) {
		int rc = wat_parse_uint(p->src + t->off + 7, t->len - 7, 64, &offset);
		/* offset=-1 is no memarg, so an unknown operator to the grammar */
		if (rc)
			return wat_fail(p, t,
					rc == ERR_RANGE ? "i64 constant out of range"
							: "unknown operator: malformed offset");
		t = &p->t[++p->pos];
	}
	if (t->kind == WAT_TOK_KEYWORD && t->len > 6 && !memcmp(p->src + t->off, "align=", 6)) {
		/* 64 bits: a power of two past 2^31 is the validator's to refuse */
		if (wat_parse_uint(p->src + t->off + 6, t->len - 6, 64, &align))
			return wat_fail(p, t, "unknown operator: malformed alignment");
		if (align == 0 || (align & (align - 1)))
			return wat_fail(p, t, "alignment must be a power of two");
		p->pos++;
	}
	wat_buf_u32(b, (uint32_t)__builtin_ctzll(align) | (mem ? 0x40 : 0));
	if (mem)
		wat_buf_u32(b, mem);
	wat_buf_u64(b, offset);
	return true;
}

/* Why literal `t` (of `type`, "" for a float) did not parse (rc). */
static bool literal_fail(struct wat *p, const struct wat_tok *t, int rc, const char *type)
{
	if (rc == ERR_NOMEM) {
		p->nomem = true;
		return wat_fail(p, t, "out of memory");
	}
	if (rc == ERR_RANGE)
		return wat_fail(p, t, "%sconstant out of range", type);
	/* a run of idchars that is no number is a reserved token (as is a
	 * NaN with a malformed payload, nan:1; nan:canonical is a keyword),
	 * which the spec's grammar can only take for an unknown instruction */
	if (t->kind == WAT_TOK_ATOM || (t->len > 4 && !memcmp(p->src + t->off, "nan:", 4) &&
					p->src[t->off + 4] >= '0' && p->src[t->off + 4] <= '9'))
		return wat_fail(p, t, "unknown operator: malformed number %.*s",
				(int)(t->len > 40 ? 40 : t->len), p->src + t->off);
	return wat_unexpected(p, "a number");
}

static bool is_literal(const struct wat_tok *t)
{
	return t->kind == WAT_TOK_ATOM || t->kind == WAT_TOK_KEYWORD;
}

static bool constant(struct wat *p, struct wat_buf *b, uint8_t imm)
{
	const struct wat_tok *t = wat_peek(p);
	uint64_t v;
	int rc;

	if (!is_literal(t))
		return wat_unexpected(p, "a number");
	if (imm == WASM_IMM_I32 || imm == WASM_IMM_I64)
		rc = wat_parse_int(p->src + t->off, t->len, imm == WASM_IMM_I32 ? 32 : 64, &v);
	else
		rc = wat_parse_float(p->src + t->off, t->len, imm == WASM_IMM_F32 ? 32 : 64, &v);
	if (rc)
		return literal_fail(p, t, rc,
				    imm == WASM_IMM_I32	  ? "i32 "
				    : imm == WASM_IMM_I64 ? "i64 "
							  : "");
	p->pos++;
	if (imm == WASM_IMM_I32)
		wat_buf_s64(b, (int32_t)(uint32_t)v);
	else if (imm == WASM_IMM_I64)
		wat_buf_s64(b, (int64_t)v);
	else
		for (int i = 0; i < (imm == WASM_IMM_F32 ? 4 : 8); i++)
			wat_buf_byte(b, (uint8_t)(v >> (8 * i)));
	return true;
}

/* v128.const's immediate: a shape, then one literal per lane. */
static bool v128_const(struct wat *p, struct wat_buf *b)
{
	static const char *const lane_types[] = {"i8 ", "i16 ", "i32 ", "i64 ", "", ""};
	const struct wat_tok *t = wat_peek(p);
	int shape = t->kind == WAT_TOK_KEYWORD ? wat_v128_shape(p->src + t->off, t->len) : -1;
	uint8_t v[16];

	if (shape < 0)
		return wat_unexpected(p, "a v128 shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)");
	p->pos++;
	/* the lanes are counted before any is read, as the spec's grammar
	 * does */
	unsigned n = 0;
	while (wat_tok_is_numeric(p->src, &p->t[p->pos + n]))
		n++;
	if (n != wat_v128_lanes(shape))
		return wat_fail(
			p, &p->t[p->pos + (n < wat_v128_lanes(shape) ? n : wat_v128_lanes(shape))],
			"wrong number of lane literals: %u for %u lanes", n, wat_v128_lanes(shape));
	for (unsigned i = 0; i < wat_v128_lanes(shape); i++) {
		t = wat_peek(p);
		int rc = wat_v128_lane(shape, p->src + t->off, t->len, i, v);
		if (rc)
			return literal_fail(p, t, rc, lane_types[shape]);
		p->pos++;
	}
	wat_buf_bytes(b, v, sizeof(v));
	return true;
}

/* A lane index: a natural number below 256 (whether the lane exists is
 * the validator's to say). */
static bool lane_index(struct wat *p, struct wat_buf *b)
{
	const struct wat_tok *t = wat_peek(p);
	uint64_t lane;
	int rc = is_literal(t) ? wat_parse_uint(p->src + t->off, t->len, 8, &lane) : ERR_MALFORMED;

	if (rc == ERR_RANGE)
		return wat_fail(p, t, "malformed lane index %.*s", (int)(t->len > 40 ? 40 : t->len),
				p->src + t->off);
	if (rc)
		return wat_unexpected(p, "a lane index");
	p->pos++;
	wat_buf_byte(b, (uint8_t)lane);
	return true;
}

/* After v128.load8_lane and the like: whether the next token is the lane
 * alone (`v128.load8_lane 1`), not a memory index (multi-memory's
 * `v128.load8_lane 1 1` or `1 offset=0 1`) followed by the memarg and the
 * lane. A number is the memory only if an index or the memarg follows it. */
static bool lane_alone(const struct wat *p)
{
	const struct wat_tok *t = wat_peek(p), *next = wat_peek2(p);
	if (t->kind != WAT_TOK_ATOM)
		return false;
	if (next->kind == WAT_TOK_ID || wat_tok_is_numeric(p->src, next))
		return false;
	return !(next->kind == WAT_TOK_KEYWORD && next->len > 6 &&
		 (!memcmp(p->src + next->off, "offset=", 7) ||
		  !memcmp(p->src + next->off, "align=", 6)));
}

/* i8x16.shuffle's immediate: exactly 16 lane indices, counted first. */
static bool shuffle(struct wat *p, struct wat_buf *b)
{
	unsigned n = 0;

	while (wat_tok_is_numeric(p->src, &p->t[p->pos + n]))
		n++;
	if (n != 16)
		return wat_fail(p, &p->t[p->pos + (n < 16 ? n : 16)],
				"invalid lane length: %u lane indices, i8x16.shuffle takes 16", n);
	for (unsigned i = 0; i < 16; i++) {
		const struct wat_tok *t = wat_peek(p);
		uint64_t lane;
		if (wat_parse_uint(p->src + t->off, t->len, 8, &lane))
			return wat_fail(p, t, "malformed lane index %.*s",
					(int)(t->len > 40 ? 40 : t->len), p->src + t->off);
		wat_buf_byte(b, (uint8_t)lane);
		p->pos++;
	}
	return true;
}

static bool opt_table(struct wat *p, uint32_t *t)
{
	*t = 0;
	return !wat_at_index(p) || wat_index(p, WAT_TABLES, t);
}

/* The immediates of instruction `op` (a wasm_opinfo index), after its name. */
static bool immediates(struct wat *p, struct wat_buf *b, uint32_t op)
{
	uint32_t x, y;
	uint8_t imm = wasm_opinfo[op].imm;

	switch (imm) {
	case WASM_IMM_NONE:
		return true;
	case WASM_IMM_IDX:
		switch (op) {
		case WASM_OP_BR:
		case WASM_OP_BR_IF:
		case WASM_OP_RETHROW:
		case WASM_OP_BR_ON_NULL:
		case WASM_OP_BR_ON_NON_NULL:
			if (!label_index(p, &x))
				return false;
			break;
		case WASM_OP_CALL:
		case WASM_OP_RETURN_CALL:
		case WASM_OP_REF_FUNC:
			if (!wat_index(p, WAT_FUNCS, &x))
				return false;
			break;
		case WASM_OP_LOCAL_GET:
		case WASM_OP_LOCAL_SET:
		case WASM_OP_LOCAL_TEE:
			if (!local_index(p, &x))
				return false;
			break;
		case WASM_OP_GLOBAL_GET:
		case WASM_OP_GLOBAL_SET:
			if (!wat_index(p, WAT_GLOBALS, &x))
				return false;
			break;
		case WASM_OP_THROW:
			if (!wat_index(p, WAT_TAGS, &x))
				return false;
			break;
		case WASM_OP_CALL_REF:
		case WASM_OP_RETURN_CALL_REF:
			if (!wat_index(p, WAT_TYPES, &x))
				return false;
			break;
		case 0x100 + WASM_OP_DATA_DROP:
			p->uses_data_index = true;
			if (!wat_index(p, WAT_DATAS, &x))
				return false;
			break;
		case 0x100 + WASM_OP_ELEM_DROP:
			if (!wat_index(p, WAT_ELEMS, &x))
				return false;
			break;
		default: /* table.get/set/grow/size/fill */
			if (!opt_table(p, &x))
				return false;
		}
		wat_buf_u32(b, x);
		return true;
	case WASM_IMM_IDX2:
		if (op == WASM_OP_CALL_INDIRECT || op == WASM_OP_RETURN_CALL_INDIRECT) {
			if (!opt_table(p, &y) || !wat_typeuse(p, NULL, false, &x, NULL))
				return false;
		} else if (op == 0x100 + WASM_OP_TABLE_INIT) {
			/* table.init $t? $elem: two indices name the table first */
			if (!opt_first_of_two(p, WAT_TABLES, &y) || !wat_index(p, WAT_ELEMS, &x))
				return false;
		} else { /* table.copy: none or both */
			x = y = 0;
			if (wat_at_index(p) &&
			    (!wat_index(p, WAT_TABLES, &x) || !wat_index(p, WAT_TABLES, &y)))
				return false;
		}
		wat_buf_u32(b, x);
		wat_buf_u32(b, y);
		return true;
	case WASM_IMM_BR_TABLE: {
		uint32_t n = 0;
		struct wat_buf labels = {0};
		while (wat_at_index(p)) {
			if (!label_index(p, &x)) {
				wat_buf_free(&labels);
				return false;
			}
			wat_buf_u32(&labels, x);
			n++;
		}
		if (n == 0)
			return wat_unexpected(p, "a label");
		wat_buf_u32(b, n - 1);
		wat_buf_bytes(b, labels.p, labels.n);
		wat_buf_free(&labels);
		return true;
	}
	case WASM_IMM_MEM0: /* memory.size/grow/fill [memory] */
		x = 0;
		if (wat_at_index(p) && !wat_index(p, WAT_MEMS, &x))
			return false;
		wat_buf_u32(b, x);
		return true;
	case WASM_IMM_MEM0_MEM0: /* memory.copy [dst src] */
		x = y = 0;
		if (wat_at_index(p) && (!wat_index(p, WAT_MEMS, &x) || !wat_index(p, WAT_MEMS, &y)))
			return false;
		wat_buf_u32(b, x);
		wat_buf_u32(b, y);
		return true;
	case WASM_IMM_IDX_MEM0: /* memory.init [memory] data */
		p->uses_data_index = true;
		if (!opt_first_of_two(p, WAT_MEMS, &y) || !wat_index(p, WAT_DATAS, &x))
			return false;
		wat_buf_u32(b, x);
		wat_buf_u32(b, y);
		return true;
	case WASM_IMM_MEMARG1:
	case WASM_IMM_MEMARG2:
	case WASM_IMM_MEMARG4:
	case WASM_IMM_MEMARG8:
	case WASM_IMM_MEMARG16:
		return memarg(p, b, wasm_imm_memarg_align(imm));
	case WASM_IMM_MEMARG1_LANE:
	case WASM_IMM_MEMARG2_LANE:
	case WASM_IMM_MEMARG4_LANE:
	case WASM_IMM_MEMARG8_LANE:
		if (lane_alone(p)) {
			/* no memory index, no offset or align: the default memarg */
			wat_buf_u32(b, wasm_imm_memarg_align(imm));
			wat_buf_byte(b, 0);
			return lane_index(p, b);
		}
		return memarg(p, b, wasm_imm_memarg_align(imm)) && lane_index(p, b);
	case WASM_IMM_LANE16:
	case WASM_IMM_LANE8:
	case WASM_IMM_LANE4:
	case WASM_IMM_LANE2:
		return lane_index(p, b);
	case WASM_IMM_V128:
		return v128_const(p, b);
	case WASM_IMM_SHUFFLE:
		return shuffle(p, b);
	case WASM_IMM_I32:
	case WASM_IMM_I64:
	case WASM_IMM_F32:
	case WASM_IMM_F64:
		return constant(p, b, imm);
	case WASM_IMM_REFTYPE: /* ref.null's heap type */
		if (!wat_heaptype(p, &x))
			return false;
		wat_buf_heaptype(b, x);
		return true;
	default:
		return wat_fail(p, wat_peek(p), "unsupported instruction");
	}
}

/* A reference type's heap type to b, its nullability to *nullable. */
static bool cast_type(struct wat *p, struct wat_buf *b, bool *nullable)
{
	uint32_t rt;

	if (!wat_reftype(p, &rt))
		return false;
	*nullable = wasm_type_nullable(rt);
	wat_buf_heaptype(b, wasm_type_heap(rt));
	return true;
}

/* A GC instruction (prefix 0xfb, at index op) with its immediates: type
 * indices, a struct's field by index or by its name in that type,
 * `array.new_fixed $t N`, data and element segments; ref.test and
 * ref.cast take a reference type whose nullability picks the opcode;
 * br_on_cast(_fail) take a label and two reference types, whose
 * nullabilities make the flags byte (bit 0 the first, bit 1 the second). */
static bool gc_instr(struct wat *p, struct wat_buf *b, uint32_t op)
{
	uint32_t code = op - WASM_OP_FB_BASE, x = 0, y = 0;
	struct wat_buf imm = {0};
	bool ok = true, null1 = false, null2 = false;

	switch (code) {
	case WASM_OP_REF_TEST:
	case WASM_OP_REF_TEST_NULL:
	case WASM_OP_REF_CAST:
	case WASM_OP_REF_CAST_NULL:
		ok = cast_type(p, &imm, &null1);
		if (code == WASM_OP_REF_TEST_NULL || code == WASM_OP_REF_CAST_NULL)
			code--; /* the non-null row, then the nullable one's */
		code += null1;
		break;
	case WASM_OP_BR_ON_CAST:
	case WASM_OP_BR_ON_CAST_FAIL: {
		struct wat_buf types = {0};
		ok = label_index(p, &x) && cast_type(p, &types, &null1) &&
		     cast_type(p, &types, &null2);
		wat_buf_byte(&imm, (uint8_t)(null1 | null2 << 1));
		wat_buf_u32(&imm, x);
		wat_buf_bytes(&imm, types.p, types.n);
		imm.oom |= types.oom;
		wat_buf_free(&types);
		break;
	}
	case WASM_OP_STRUCT_GET:
	case WASM_OP_STRUCT_GET_S:
	case WASM_OP_STRUCT_GET_U:
	case WASM_OP_STRUCT_SET:
		ok = wat_index(p, WAT_TYPES, &x) && wat_field_index(p, x, &y);
		wat_buf_u32(&imm, x);
		wat_buf_u32(&imm, y);
		break;
	case WASM_OP_ARRAY_NEW_FIXED:
	case WASM_OP_ARRAY_NEW_DATA:
	case WASM_OP_ARRAY_NEW_ELEM:
	case WASM_OP_ARRAY_COPY:
	case WASM_OP_ARRAY_INIT_DATA:
	case WASM_OP_ARRAY_INIT_ELEM:
		if (code == WASM_OP_ARRAY_NEW_DATA || code == WASM_OP_ARRAY_INIT_DATA) {
			p->uses_data_index = true;
			ok = wat_index(p, WAT_TYPES, &x) && wat_index(p, WAT_DATAS, &y);
		} else if (code == WASM_OP_ARRAY_NEW_ELEM || code == WASM_OP_ARRAY_INIT_ELEM) {
			ok = wat_index(p, WAT_TYPES, &x) && wat_index(p, WAT_ELEMS, &y);
		} else if (code == WASM_OP_ARRAY_COPY) {
			ok = wat_index(p, WAT_TYPES, &x) && wat_index(p, WAT_TYPES, &y);
		} else {
			ok = wat_index(p, WAT_TYPES, &x) && wat_u32(p, &y);
		}
		wat_buf_u32(&imm, x);
		wat_buf_u32(&imm, y);
		break;
	default:
		if (wasm_opinfo[op].imm == WASM_IMM_IDX) { /* a type index */
			ok = wat_index(p, WAT_TYPES, &x);
			wat_buf_u32(&imm, x);
		} else if (wasm_opinfo[op].imm != WASM_IMM_NONE) {
			ok = wat_fail(p, wat_peek(p), "unsupported instruction");
		}
	}
	if (ok) {
		put_op(b, WASM_OP_INDEX(WASM_OP_PREFIX_FB, code));
		wat_buf_bytes(b, imm.p, imm.n);
		b->oom |= imm.oom;
	}
	wat_buf_free(&imm);
	return ok;
}

/* The words of the syntax around instructions: out of place there. */
static bool is_field_word(const struct wat *p, const struct wat_tok *t)
{
	static const char *const words[] = {"type", "param",  "result", "local", "then",
					    "item", "offset", "export", "import"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (wat_is_kw(p, t, words[i]))
			return true;
	return false;
}

/* A plain instruction (not block, loop, if) at the cursor, with its
 * immediates. */
static bool plain(struct wat *p, struct wat_buf *b)
{
	const struct wat_tok *t = wat_peek(p);
	int op;

	if (t->kind != WAT_TOK_KEYWORD || is_field_word(p, t))
		return wat_unexpected(p, "an instruction");
	if ((op = op_lookup(p, t)) < 0)
		return wat_fail(p, t, "unknown operator %.*s", (int)(t->len > 40 ? 40 : t->len),
				p->src + t->off);
	p->pos++;
	if (op == WASM_OP_SELECT || op == WASM_OP_SELECT_T) {
		if (wat_peek(p)->kind != WAT_TOK_LPAR || !wat_is_kw(p, wat_peek2(p), "result")) {
			wat_buf_byte(b, WASM_OP_SELECT);
			return true;
		}
		struct wat_buf vt = {0};
		uint32_t np, nr;
		bool ok = wat_params_results(p, &vt, &np, &nr, NULL, false);
		if (ok && nr == 0) {
			wat_buf_byte(b, WASM_OP_SELECT); /* (result) says nothing */
		} else if (ok) {
			wat_buf_byte(b, WASM_OP_SELECT_T);
			wat_buf_u32(b, nr);
			for (uint32_t i = 0; i < np + nr; i++)
				wat_buf_valtype(b, ((const uint32_t *)(void *)vt.p)[i]);
		}
		wat_buf_free(&vt);
		return ok;
	}
	if ((uint32_t)op >= WASM_OP_FB_BASE)
		return gc_instr(p, b, (uint32_t)op);
	put_op(b, (uint32_t)op);
	return immediates(p, b, (uint32_t)op);
}

static bool is_block_kw(const struct wat *p, const struct wat_tok *t)
{
	return wat_is_kw(p, t, "block") || wat_is_kw(p, t, "loop") || wat_is_kw(p, t, "if") ||
	       wat_is_kw(p, t, "try_table") || wat_is_kw(p, t, "try");
}

/* The words that end a legacy try's parts in flat form. */
static bool is_catch_kw(const struct wat *p, const struct wat_tok *t)
{
	return wat_is_kw(p, t, "catch") || wat_is_kw(p, t, "catch_all") ||
	       wat_is_kw(p, t, "delegate");
}

/*
 * try_table label? blocktype (catch x l | catch_ref x l | catch_all l |
 * catch_all_ref l)*, after the keyword (exception handling, 3.0); the
 * clauses' labels count from outside the try_table, so its own label is
 * pushed after them.
 */
static bool try_table_head(struct wat *p, struct wat_buf *b)
{
	static const char *const kinds[4] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
	size_t label = p->pos, after;
	struct wat_buf clauses = {0};
	uint32_t n = 0;
	bool ok = true;

	if (wat_peek(p)->kind == WAT_TOK_ID)
		p->pos++;
	wat_buf_byte(b, WASM_OP_TRY_TABLE);
	if (!blocktype(p, b))
		return false;
	while (ok && wat_peek(p)->kind == WAT_TOK_LPAR) {
		int k = -1;
		uint32_t x = 0, l = 0;

		for (int i = 0; i < 4; i++)
			if (wat_is_kw(p, wat_peek2(p), kinds[i]))
				k = i;
		if (k < 0)
			break;
		p->pos += 2;
		wat_buf_byte(&clauses, (uint8_t)k);
		if (k < 2) {
			ok = wat_index(p, WAT_TAGS, &x);
			wat_buf_u32(&clauses, x);
		}
		ok = ok && label_index(p, &l) && wat_expect_rpar(p);
		wat_buf_u32(&clauses, l);
		n++;
	}
	wat_buf_u32(b, n);
	wat_buf_bytes(b, clauses.p, clauses.n);
	wat_buf_free(&clauses);
	if (!ok)
		return false;
	after = p->pos;
	p->pos = label;
	ok = push_label(p);
	p->pos = after;
	return ok;
}

/* A legacy catch's head after its keyword: catch x, or catch_all. */
static bool catch_head(struct wat *p, struct wat_buf *b, bool all)
{
	uint32_t x;

	if (all) {
		wat_buf_byte(b, WASM_OP_CATCH_ALL);
		return true;
	}
	wat_buf_byte(b, WASM_OP_CATCH);
	if (!wat_index(p, WAT_TAGS, &x))
		return false;
	wat_buf_u32(b, x);
	return true;
}

/* delegate l, after the keyword: the label counts from outside the try,
 * whose own label is popped first. */
static bool delegate_tail(struct wat *p, struct wat_buf *b)
{
	uint32_t l;

	p->labels.n--;
	wat_buf_byte(b, WASM_OP_DELEGATE);
	if (!label_index(p, &l))
		return false;
	wat_buf_u32(b, l);
	return true;
}

/* try_table with its clauses and body, or the head of a legacy try (up to
 * its block type; *legacy says which), from the keyword on. */
static bool try_head(struct wat *p, struct wat_buf *b, bool *legacy)
{
	*legacy = wat_is_kw(p, wat_peek(p), "try");
	p->pos++;
	if (!*legacy)
		return try_table_head(p, b) && wat_instrs(p, b);
	wat_buf_byte(b, WASM_OP_TRY);
	return push_label(p) && blocktype(p, b);
}

/* Flat try_table ... end, or the legacy try ... (catch ...)* end / delegate. */
static bool flat_try(struct wat *p, struct wat_buf *b)
{
	bool legacy;

	if (!try_head(p, b, &legacy))
		return false;
	if (legacy) {
		if (!wat_instrs(p, b))
			return false;
		while (wat_is_kw(p, wat_peek(p), "catch") ||
		       wat_is_kw(p, wat_peek(p), "catch_all")) {
			bool all = wat_is_kw(p, wat_peek(p), "catch_all");

			p->pos++;
			if (!catch_head(p, b, all) || !wat_instrs(p, b))
				return false;
		}
		if (wat_is_kw(p, wat_peek(p), "delegate")) {
			p->pos++;
			return delegate_tail(p, b);
		}
	}
	if (!wat_expect_kw(p, "end") || !check_end_label(p))
		return false;
	wat_buf_byte(b, WASM_OP_END);
	p->labels.n--;
	return true;
}

/* Folded (try_table ...) or (try label? blocktype (do ...) (catch ...)*
 * | (delegate l)), after the `(`. */
static bool folded_try(struct wat *p, struct wat_buf *b)
{
	bool legacy;

	if (!try_head(p, b, &legacy))
		return false;
	if (legacy) {
		if (wat_open(p, "do") && (!wat_instrs(p, b) || !wat_expect_rpar(p)))
			return false;
		while (wat_open(p, "catch") || wat_open(p, "catch_all")) {
			bool all = wat_is_kw(p, &p->t[p->pos - 1], "catch_all");

			if (!catch_head(p, b, all) || !wat_instrs(p, b) || !wat_expect_rpar(p))
				return false;
		}
		if (wat_open(p, "delegate"))
			return delegate_tail(p, b) && wat_expect_rpar(p) && wat_expect_rpar(p);
	}
	wat_buf_byte(b, WASM_OP_END);
	p->labels.n--;
	return wat_expect_rpar(p);
}

/* An else and its instructions; an empty else is left out (as wabt does:
 * it means the same). */
static bool else_branch(struct wat *p, struct wat_buf *b)
{
	size_t at = b->n;
	wat_buf_byte(b, WASM_OP_ELSE);
	if (!wat_instrs(p, b))
		return false;
	if (b->n == at + 1)
		b->n = at;
	return true;
}

/* block/loop/if label? blocktype instr* (else label? instr*)? end label? */
static bool flat_block(struct wat *p, struct wat_buf *b)
{
	const struct wat_tok *kw = wat_peek(p);
	bool is_if = wat_is_kw(p, kw, "if");
	p->pos++;
	wat_buf_byte(b, is_if			   ? WASM_OP_IF
			: wat_is_kw(p, kw, "loop") ? WASM_OP_LOOP
						   : WASM_OP_BLOCK);
	if (!push_label(p) || !blocktype(p, b) || !wat_instrs(p, b))
		return false;
	if (is_if && wat_is_kw(p, wat_peek(p), "else")) {
		p->pos++;
		if (!check_end_label(p))
			return false;
		if (!else_branch(p, b))
			return false;
	}
	if (!wat_expect_kw(p, "end") || !check_end_label(p))
		return false;
	wat_buf_byte(b, WASM_OP_END);
	p->labels.n--;
	return true;
}

static bool folded(struct wat *p, struct wat_buf *b)
{
	if (!wat_expect_lpar(p))
		return false;
	const struct wat_tok *kw = wat_peek(p);
	if (wat_is_kw(p, kw, "try_table") || wat_is_kw(p, kw, "try"))
		return folded_try(p, b);
	if (wat_is_kw(p, kw, "block") || wat_is_kw(p, kw, "loop")) {
		p->pos++;
		wat_buf_byte(b, wat_is_kw(p, kw, "loop") ? WASM_OP_LOOP : WASM_OP_BLOCK);
		if (!push_label(p) || !blocktype(p, b) || !wat_instrs(p, b))
			return false;
		wat_buf_byte(b, WASM_OP_END);
		p->labels.n--;
		return wat_expect_rpar(p);
	}
	if (wat_is_kw(p, kw, "if")) {
		struct wat_buf head = {0};
		bool ok;
		p->pos++;
		size_t label = p->pos;
		if (wat_peek(p)->kind == WAT_TOK_ID)
			p->pos++;
		wat_buf_byte(&head, WASM_OP_IF);
		ok = blocktype(p, &head);
		/* the condition: folded instructions before (then ...), outside the if */
		while (ok && wat_peek(p)->kind == WAT_TOK_LPAR &&
		       !wat_is_kw(p, wat_peek2(p), "then"))
			ok = wat_folded(p, b);
		if (ok) {
			size_t after = p->pos;
			p->pos = label;
			ok = push_label(p);
			p->pos = after;
		}
		wat_buf_bytes(b, head.p, head.n);
		wat_buf_free(&head);
		if (!ok)
			return false;
		if (!wat_open(p, "then"))
			return wat_unexpected(p, "(then ...)");
		if (!wat_instrs(p, b) || !wat_expect_rpar(p))
			return false;
		if (wat_open(p, "else")) {
			if (!else_branch(p, b) || !wat_expect_rpar(p))
				return false;
		}
		wat_buf_byte(b, WASM_OP_END);
		p->labels.n--;
		return wat_expect_rpar(p);
	}
	struct wat_buf op = {0};
	bool ok = plain(p, &op);
	while (ok && wat_peek(p)->kind == WAT_TOK_LPAR)
		ok = wat_folded(p, b);
	wat_buf_bytes(b, op.p, op.n);
	wat_buf_free(&op);
	return ok && wat_expect_rpar(p);
}

static bool nest(struct wat *p)
{
	if (p->depth >= WAT_MAX_DEPTH)
		return wat_fail(p, wat_peek(p), "instructions nested too deep (over %u)",
				WAT_MAX_DEPTH);
	p->depth++;
	return true;
}

bool wat_folded(struct wat *p, struct wat_buf *b)
{
	if (!nest(p))
		return false;
	bool ok = folded(p, b);
	p->depth--;
	return ok;
}

bool wat_instrs(struct wat *p, struct wat_buf *b)
{
	for (;;) {
		const struct wat_tok *t = wat_peek(p);
		bool ok;
		if (p->failed)
			return false;
		if (t->kind == WAT_TOK_LPAR)
			ok = wat_folded(p, b);
		else if (t->kind != WAT_TOK_KEYWORD || wat_is_kw(p, t, "end") ||
			 wat_is_kw(p, t, "else") || is_catch_kw(p, t))
			return true;
		else if (!is_block_kw(p, t))
			ok = plain(p, b);
		else if (!nest(p))
			return false;
		else {
			ok = wat_is_kw(p, t, "try") || wat_is_kw(p, t, "try_table")
				     ? flat_try(p, b)
				     : flat_block(p, b);
			p->depth--;
		}
		if (!ok)
			return false;
	}
}

bool wat_expr(struct wat *p, struct wat_buf *b)
{
	p->labels.n = 0;
	if (!wat_instrs(p, b))
		return false;
	if (wat_peek(p)->kind != WAT_TOK_RPAR)
		return wat_unexpected(p, "an instruction or ')'");
	wat_buf_byte(b, WASM_OP_END);
	return true;
}
