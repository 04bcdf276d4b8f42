/*
 * interp_gc.c - GC in the interpreter: the struct, array, i31 and cast
 * instructions (OP_GC, translated by interp_tr_gc.c), and the roots an
 * exec's frames hold (interp_exec_trace).
 *
 * Field and element values are stored little-endian at their storage size
 * (gc_heap.h): a slot's low bytes, as the loads and stores of linear
 * memory take them. Every check comes before any write, so a trap changes
 * nothing.
 *
 * Frames as roots: each frame stands at an instruction with a stack map
 * (interp_tr_gc.c): the running one at the allocation that collects (the
 * OP_GC handler stores x->ip and x->fp first) or, suspended, at a loop
 * header, a callee's entry, a host call or a bulk instruction; every
 * caller at its call. A function not yet translated stands at its entry,
 * where only its locals (params as passed, the rest zero) are live.
 */
#include <string.h>

#include "base/assert.h"

#include "wasm/gc/gc_heap.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/opcodes.h"

/* ---- roots ---- */

/* Marks the values of types[0..n) laid out in slots from v (a v128 in two). */
static void mark_typed(struct wasm_gc_heap *h, const struct wasm_module *m, const uint32_t *types,
		       uint32_t n, const uint64_t *v)
{
	for (uint32_t i = 0, k = 0; i < n; i++) {
		if (wasm_gc_type_traced(m, types[i]))
			wasm_gc_mark(h, (uintptr_t)v[k]);
		k += types[i] == WASM_TYPE_V128 ? 2 : 1;
	}
}

static const struct interp_gcmap *find_map(const struct interp_body *b, uint64_t at)
{
	uint32_t lo = 0, hi = b->ngcmaps;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (b->gcmaps[mid].ins < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->ngcmaps && b->gcmaps[lo].ins == at ? &b->gcmaps[lo] : NULL;
}

/* The frame of fn at instruction ip, slots from fp. */
static void trace_frame(struct wasm_gc_heap *h, struct interp_fn *fn, const struct ins *ip,
			const uint64_t *fp)
{
	const struct ins *code = interp_fn_code(fn);
	const struct interp_body *b = interp_body_of(code);
	const struct interp_gcmap *map;

	if (!fn->inst->code->gc)
		return;
	/* the stub (ip may still be there after another exec translated fn):
	 * standing at its entry, where only the params are set */
	if (b->ncode == 0 || ip < code || ip >= code + b->ncode) {
		const struct wasm_module *m = fn->inst->module;
		const struct wasm_func *f = &m->funcs[fn->index];
		const struct wasm_functype *ft = &m->types[f->type];

		mark_typed(h, m, ft->params, ft->nparams, fp);
		return;
	}
	for (uint32_t i = 0; i < b->nlref; i++)
		wasm_gc_mark(h, (uintptr_t)fp[b->gcslots[i]]);
	map = find_map(b, (uint64_t)(ip - code));
	ASSERT(map);
	for (uint32_t i = 0; map && i < map->n; i++)
		wasm_gc_mark(h, (uintptr_t)fp[b->gcslots[map->first + i]]);
}

void interp_exec_trace(void *exec, struct wasm_gc_heap *h)
{
	struct wasm_exec *x = exec;
	const struct wasm_funcinst *f = (const struct wasm_funcinst *)(uintptr_t)x->entry[0].imm;

	if (x->state == EXEC_DONE) { /* the results, until the next call */
		mark_typed(h, f->type->module, f->type->results, f->type->nresults, x->stack);
		return;
	}
	if (x->state != EXEC_READY)
		return;
	/* the entry frame holds the arguments until the callee runs (or a
	 * host function is called again) */
	if (x->fn == &x->entry_fn || (x->nframes && x->frames[0].fn == &x->entry_fn))
		mark_typed(h, f->type->module, f->type->params, f->type->nparams, x->stack);
	if (x->fn != &x->entry_fn)
		trace_frame(h, x->fn, x->ip, x->stack + x->fp);
	for (uint32_t i = x->nframes; i-- > 0;)
		if (x->frames[i].fn != &x->entry_fn)
			trace_frame(h, x->frames[i].fn, x->frames[i].ret - 1,
				    x->stack + x->frames[i].fp);
}

/* ---- fields and elements ---- */

/* Reads a value of storage type st at p into slot(s) d (_s: sign). */
static void field_get(uint64_t *d, const uint8_t *p, uint32_t st, bool sign)
{
	switch (st) {
	case WASM_PACKED_I8:
		d[0] = sign ? (uint32_t)(int32_t)(int8_t)p[0] : p[0];
		return;
	case WASM_PACKED_I16: {
		uint16_t v;

		memcpy(&v, p, 2);
		d[0] = sign ? (uint32_t)(int32_t)(int16_t)v : v;
		return;
	}
	case WASM_TYPE_I32:
	case WASM_TYPE_F32: {
		uint32_t v;

		memcpy(&v, p, 4);
		d[0] = v;
		return;
	}
	default: /* 8 bytes, or a v128's 16 in two slots */
		memcpy(d, p, wasm_field_size(st));
		return;
	}
}

/* Stores slot(s) s as storage type st at p (packed: its low bytes). */
static void field_set(uint8_t *p, const uint64_t *s, uint32_t st)
{
	memcpy(p, s, wasm_field_size(st));
}

/* Slots a value of storage type st takes. */
static uint32_t nslots(uint32_t st)
{
	return st == WASM_TYPE_V128 ? 2 : 1;
}

/* Whether [off, off + n) lies within len. */
static bool in_range(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

static struct wasm_gc_obj *obj(uint64_t v)
{
	return wasm_gc_obj_of((uintptr_t)v);
}

/* ---- the instructions ---- */

static int gc_struct(struct wasm_exec *x, const struct ins *ip, uint64_t *v,
		     const struct wasm_functype *ty, uint32_t sub)
{
	uint32_t fi = (uint32_t)(ip->imm >> 32);
	struct wasm_gc_obj *o;
	int rc;

	switch (sub) {
	case WASM_OP_STRUCT_NEW:
	case WASM_OP_STRUCT_NEW_DEFAULT:
		rc = wasm_gc_struct_new(wasm_store_gc(x->store), ty, &o);
		if (rc)
			return WASM_TRAP_NOMEM;
		if (sub == WASM_OP_STRUCT_NEW)
			for (uint32_t i = 0, k = 0; i < ty->nfields;
			     k += nslots(ty->fields[i++].type))
				field_set(o->data + wasm_gc_field_offset(ty, i), v + k,
					  ty->fields[i].type);
		v[ip->c - ip->a] = (uintptr_t)o;
		return 0;
	case WASM_OP_STRUCT_SET:
		if (!(o = obj(v[0])))
			return WASM_TRAP_NULL_STRUCT;
		field_set(o->data + wasm_gc_field_offset(ty, fi), v + 1, ty->fields[fi].type);
		return 0;
	default: /* struct.get(_s/_u) */
		if (!(o = obj(v[0])))
			return WASM_TRAP_NULL_STRUCT;
		field_get(v + (ip->c - ip->a), o->data + wasm_gc_field_offset(ty, fi),
			  ty->fields[fi].type, sub == WASM_OP_STRUCT_GET_S);
		return 0;
	}
}

/* array.new, _default, _fixed, _data, _elem: the new array in v[c - a]. */
static int gc_array_new(struct wasm_exec *x, const struct ins *ip, uint64_t *v,
			const struct wasm_functype *ty, uint32_t sub)
{
	struct wasm_instance *inst = x->fn->inst;
	uint32_t st = ty->fields[0].type, es = wasm_field_size(st), y = (uint32_t)(ip->imm >> 32);
	uint32_t len, k = nslots(st);
	struct wasm_gc_obj *o;

	switch (sub) {
	case WASM_OP_ARRAY_NEW:
		len = (uint32_t)v[k];
		break;
	case WASM_OP_ARRAY_NEW_DEFAULT:
		len = (uint32_t)v[0];
		break;
	case WASM_OP_ARRAY_NEW_FIXED:
		len = y;
		break;
	case WASM_OP_ARRAY_NEW_DATA: {
		uint32_t dl = inst->data_dropped[y] ? 0 : inst->module->datas[y].size;

		len = (uint32_t)v[1];
		if (!in_range((uint32_t)v[0], (uint64_t)len * es, dl))
			return WASM_TRAP_MEMORY_OOB;
		break;
	}
	default: { /* array.new_elem */
		uint32_t el = inst->elem_dropped[y] ? 0 : inst->module->elems[y].count;

		len = (uint32_t)v[1];
		if (!in_range((uint32_t)v[0], len, el))
			return WASM_TRAP_TABLE_OOB;
		break;
	}
	}
	if (wasm_gc_array_new(wasm_store_gc(x->store), ty, len, &o))
		return WASM_TRAP_NOMEM;
	switch (sub) {
	case WASM_OP_ARRAY_NEW:
		for (uint32_t i = 0; i < len; i++)
			field_set(o->data + (size_t)i * es, v, st);
		break;
	case WASM_OP_ARRAY_NEW_FIXED:
		for (uint32_t i = 0; i < len; i++)
			field_set(o->data + (size_t)i * es, v + (size_t)i * k, st);
		break;
	case WASM_OP_ARRAY_NEW_DATA:
		if (len)
			memcpy(o->data, inst->module->datas[y].init + (uint32_t)v[0],
			       (size_t)len * es);
		break;
	case WASM_OP_ARRAY_NEW_ELEM:
		for (uint32_t i = 0; i < len; i++) {
			uintptr_t r = wasm_rt_elem_item(inst, y, (uint32_t)v[0] + i);

			memcpy(o->data + (size_t)i * es, &r, sizeof(r));
		}
		break;
	default:
		break;
	}
	v[ip->c - ip->a] = (uintptr_t)o;
	return 0;
}

/* array.copy, array.init_data, array.init_elem. */
static int gc_array_bulk(struct wasm_exec *x, const struct ins *ip, uint64_t *v,
			 const struct wasm_functype *ty, uint32_t sub)
{
	struct wasm_instance *inst = x->fn->inst;
	uint32_t es = wasm_field_size(ty->fields[0].type), y = (uint32_t)(ip->imm >> 32);
	struct wasm_gc_obj *d = obj(v[0]), *s;
	uint32_t doff = (uint32_t)v[1];

	if (!d)
		return WASM_TRAP_NULL_ARRAY;
	if (sub == WASM_OP_ARRAY_COPY) {
		uint32_t soff = (uint32_t)v[3], n = (uint32_t)v[4];

		if (!(s = obj(v[2])))
			return WASM_TRAP_NULL_ARRAY;
		if (!in_range(doff, n, d->len) || !in_range(soff, n, s->len))
			return WASM_TRAP_ARRAY_OOB;
		memmove(d->data + (size_t)doff * es, s->data + (size_t)soff * es, (size_t)n * es);
		return 0;
	}
	{
		uint32_t soff = (uint32_t)v[2], n = (uint32_t)v[3];

		if (!in_range(doff, n, d->len))
			return WASM_TRAP_ARRAY_OOB;
		if (sub == WASM_OP_ARRAY_INIT_DATA) {
			const struct wasm_data *seg = &inst->module->datas[y];

			if (!in_range(soff, (uint64_t)n * es,
				      inst->data_dropped[y] ? 0 : seg->size))
				return WASM_TRAP_MEMORY_OOB;
			if (n)
				memcpy(d->data + (size_t)doff * es, seg->init + soff,
				       (size_t)n * es);
			return 0;
		}
		if (!in_range(soff, n, inst->elem_dropped[y] ? 0 : inst->module->elems[y].count))
			return WASM_TRAP_TABLE_OOB;
		for (uint32_t i = 0; i < n; i++) {
			uintptr_t r = wasm_rt_elem_item(inst, y, soff + i);

			memcpy(d->data + (size_t)(doff + i) * es, &r, sizeof(r));
		}
		return 0;
	}
}

static int gc_array(struct wasm_exec *x, const struct ins *ip, uint64_t *v,
		    const struct wasm_functype *ty, uint32_t sub)
{
	struct wasm_gc_obj *o;
	uint32_t st, es, i;

	if (sub <= WASM_OP_ARRAY_NEW_ELEM)
		return gc_array_new(x, ip, v, ty, sub);
	if (sub >= WASM_OP_ARRAY_COPY)
		return gc_array_bulk(x, ip, v, ty, sub);
	if (!(o = obj(v[0])))
		return WASM_TRAP_NULL_ARRAY;
	if (sub == WASM_OP_ARRAY_LEN) {
		v[ip->c - ip->a] = o->len;
		return 0;
	}
	st = ty->fields[0].type;
	es = wasm_field_size(st);
	i = (uint32_t)v[1];
	if (sub == WASM_OP_ARRAY_FILL) {
		uint32_t n = (uint32_t)v[2 + nslots(st)];

		if (!in_range(i, n, o->len))
			return WASM_TRAP_ARRAY_OOB;
		for (uint32_t k = 0; k < n; k++)
			field_set(o->data + (size_t)(i + k) * es, v + 2, st);
		return 0;
	}
	if (i >= o->len)
		return WASM_TRAP_ARRAY_OOB;
	if (sub == WASM_OP_ARRAY_SET)
		field_set(o->data + (size_t)i * es, v + 2, st);
	else
		field_get(v + (ip->c - ip->a), o->data + (size_t)i * es, st,
			  sub == WASM_OP_ARRAY_GET_S);
	return 0;
}

int interp_gc_op(struct wasm_exec *x, const struct ins *ip, uint64_t *fp)
{
	const struct wasm_module *m = x->fn->inst->module;
	uint32_t sub = ip->b, imm = (uint32_t)ip->imm;
	uint64_t *v = fp + ip->a, r = v[0];

	if (sub <= WASM_OP_STRUCT_SET)
		return gc_struct(x, ip, v, &m->types[imm], sub);
	if (sub <= WASM_OP_ARRAY_INIT_ELEM)
		return gc_array(x, ip, v, &m->types[imm], sub);
	switch (sub) {
	case WASM_OP_REF_TEST:
	case WASM_OP_REF_TEST_NULL:
		fp[ip->c] = wasm_gc_ref_test((uintptr_t)r, imm, m);
		return 0;
	case WASM_OP_REF_CAST:
	case WASM_OP_REF_CAST_NULL:
		if (!wasm_gc_ref_test((uintptr_t)r, imm, m))
			return WASM_TRAP_CAST;
		fp[ip->c] = r;
		return 0;
	case WASM_OP_REF_I31:
		fp[ip->c] = wasm_ref_i31((uint32_t)r);
		return 0;
	default: /* i31.get_s, i31.get_u */
		if (!r)
			return WASM_TRAP_NULL_I31;
		fp[ip->c] = wasm_ref_i31_get((uintptr_t)r, sub == WASM_OP_I31_GET_S);
		return 0;
	}
}

bool interp_gc_test(const struct wasm_exec *x, const struct ins *ip, uint64_t v)
{
	return wasm_gc_ref_test((uintptr_t)v, ip->b, x->fn->inst->module);
}
