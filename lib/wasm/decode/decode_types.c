/*
 * decode_types.c - the type section: recursion groups (rec 0x4e), subtype
 * declarations (sub 0x50, sub final 0x4f) and the composite types (func
 * 0x60, struct 0x5f, array 0x5e), then each type's `canon`.
 *
 * The section is a vector of recursion groups, a type outside `rec` being
 * a group of one; types are numbered across groups, so their count is known
 * only at the end and the array grows by doubling (bounded by the section's
 * bytes: a type takes at least one).
 *
 * Canonicalization is iso-recursive equivalence (module.c): two groups are
 * equivalent when they have the same length and their types pairwise the
 * same shape, a reference into the group compared by its position there,
 * one outside by the canon of the (earlier, so already canonicalized) type
 * it names. A hash of that shape finds the first equivalent group in
 * near-linear time; type k of a group then gets that group's start + k.
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "wasm/decode/decode_internal.h"

#define FORM_FUNC      0x60
#define FORM_STRUCT    0x5f
#define FORM_ARRAY     0x5e
#define FORM_REC       0x4e
#define FORM_SUB       0x50
#define FORM_SUB_FINAL 0x4f

/* A vector of value types (a function type's params or results). */
static int dec_valtypes(struct dec *d, uint32_t *n, const uint32_t **out)
{
	uint32_t *vt;
	int rc = wasm_dec_count(d, n);

	if (rc)
		return rc;
	vt = wasm_arena_array(d->m, (size_t)*n + 1, sizeof(*vt));
	if (!vt)
		return wasm_dec_nomem(d);
	for (uint32_t k = 0; k < *n; k++)
		if ((rc = wasm_dec_valtype(d, &vt[k])))
			return rc;
	*out = vt;
	return 0;
}

/* A field type: a storage type (a value type, or packed i8 / i16), then its
 * mutability. */
static int dec_field(struct dec *d, struct wasm_field *f)
{
	size_t at = d->r.pos;
	int rc;

	if (at < d->r.end && (d->r.buf[at] == WASM_PACKED_I8 || d->r.buf[at] == WASM_PACKED_I16)) {
		f->type = d->r.buf[at];
		d->r.pos++;
	} else if ((rc = wasm_dec_valtype(d, &f->type))) {
		return rc;
	}
	return wasm_dec_mut(d, &f->mut);
}

/* A composite type; struct and array only with GC. */
static int dec_comptype(struct dec *d, struct wasm_functype *t, bool gc)
{
	size_t at = d->r.pos;
	struct wasm_field *f;
	uint8_t form;
	int rc;

	if (!wasm_reader_u8(&d->r, &form))
		return wasm_dec_reader_fail(d);
	if (form == FORM_FUNC) {
		t->kind = WASM_COMP_FUNC;
		if ((rc = dec_valtypes(d, &t->nparams, &t->params)))
			return rc;
		return dec_valtypes(d, &t->nresults, &t->results);
	}
	if (!gc || (form != FORM_STRUCT && form != FORM_ARRAY))
		return DEC_FAIL(d, ERR_MALFORMED, at,
				"integer representation too long: function type form 0x%02x", form);
	t->kind = form == FORM_STRUCT ? WASM_COMP_STRUCT : WASM_COMP_ARRAY;
	t->nfields = 1;
	if (form == FORM_STRUCT && (rc = wasm_dec_count(d, &t->nfields)))
		return rc;
	f = wasm_arena_array(d->m, t->nfields, sizeof(*f));
	if (!f)
		return wasm_dec_nomem(d);
	for (uint32_t k = 0; k < t->nfields; k++)
		if ((rc = dec_field(d, &f[k])))
			return rc;
	t->fields = f;
	d->m->uses_gc = true;
	return 0;
}

/* A subtype: `sub` / `sub final` with at most one supertype, or a bare
 * composite type (final, no supertype). */
static int dec_subtype(struct dec *d, struct wasm_functype *t, bool gc)
{
	size_t at = d->r.pos;
	uint8_t b = at < d->r.end ? d->r.buf[at] : 0;
	uint32_t n;
	int rc;

	t->final = true;
	if (gc && (b == FORM_SUB || b == FORM_SUB_FINAL)) {
		d->r.pos++;
		t->final = b == FORM_SUB_FINAL;
		if ((rc = wasm_dec_count(d, &n)))
			return rc;
		if (n > 1)
			return DEC_FAIL(d, ERR_INVALID, at, "sub type: %u supertypes (at most 1)",
					n);
		if (n == 1) {
			if (!wasm_reader_u32(&d->r, &t->super))
				return wasm_dec_reader_fail(d);
			t->has_super = true;
			d->m->uses_gc = true;
		}
	}
	return dec_comptype(d, t, gc);
}

/* Room for `more` types after the first m->ntypes. */
static int types_reserve(struct dec *d, uint32_t *cap, uint32_t more)
{
	struct wasm_module *m = d->m;
	uint64_t need = (uint64_t)m->ntypes + more;
	struct wasm_functype *p;
	uint32_t c = *cap;

	if (need > WASM_MAX_TYPES) /* an implementation limit: indices fit a value type */
		return DEC_FAIL(d, ERR_MALFORMED, d->r.pos, "too many types (at most %u)",
				WASM_MAX_TYPES);
	if (need <= c)
		return 0;
	while (c < need)
		c = c ? 2 * c : 8;
	if (c > WASM_MAX_TYPES)
		c = WASM_MAX_TYPES;
	p = wasm_arena_array(m, c, sizeof(*p));
	if (!p)
		return wasm_dec_nomem(d);
	if (m->ntypes)
		memcpy(p, m->types, (size_t)m->ntypes * sizeof(*p));
	m->types = p;
	*cap = c;
	return 0;
}

/* What a value type of group [start, start + len) hashes as: a concrete
 * reference outside the group by the canon of the type it names (a later
 * one, invalid, by a marker), one inside by its position in the group. */
static uint32_t valtype_hash(const struct wasm_module *m, uint32_t start, uint32_t len, uint32_t t)
{
	uint32_t x;

	if (wasm_type_code(t) != WASM_HEAP_TYPEIDX)
		return t;
	x = wasm_type_idx(t);
	if (x < start)
		return (t & 0x1ffu) ^ m->types[x].canon << 9;
	if (x - start < len)
		return (t & 0x1ffu) ^ 0x80000000u ^ (x - start) << 9;
	return 0xfffffe00u;
}

#define FNV(h, v) ((h) = ((h) ^ (v)) * 16777619u)

/* FNV-1a over the group's shape. */
static uint32_t group_hash(const struct wasm_module *m, uint32_t start, uint32_t len)
{
	uint32_t h = 2166136261u ^ len;

	for (uint32_t i = start; i < start + len; i++) {
		const struct wasm_functype *t = &m->types[i];

		FNV(h, t->kind | (uint32_t)t->final << 8 | (uint32_t)t->has_super << 9);
		if (t->has_super)
			FNV(h, valtype_hash(m, start, len, wasm_heap_idx(t->super)));
		FNV(h, t->nparams);
		for (uint32_t k = 0; k < t->nparams; k++)
			FNV(h, valtype_hash(m, start, len, t->params[k]));
		FNV(h, t->nresults);
		for (uint32_t k = 0; k < t->nresults; k++)
			FNV(h, valtype_hash(m, start, len, t->results[k]));
		FNV(h, t->nfields);
		for (uint32_t k = 0; k < t->nfields; k++)
			FNV(h, valtype_hash(m, start, len, t->fields[k].type) ^
				       (uint32_t)t->fields[k].mut << 31);
	}
	return h;
}

/* Sets every type's canon through a temporary hash table of groups (by
 * their first type), so that many types do not cost quadratic time. */
static int canon_types(struct dec *d)
{
	struct wasm_module *m = d->m;
	size_t cap = 16;
	uint32_t *slots;

	while (cap < 2 * (size_t)m->ntypes)
		cap *= 2;
	slots = malloc(cap * sizeof(*slots));
	if (!slots)
		return wasm_dec_nomem(d);
	memset(slots, 0xff, cap * sizeof(*slots)); /* WASM_NONE */
	for (uint32_t i = 0; i < m->ntypes; i++)
		m->types[i].canon = WASM_NONE;
	for (uint32_t i = 0; i < m->ntypes; i += m->types[i].rec_len) {
		uint32_t len = m->types[i].rec_len;
		size_t s = group_hash(m, i, len) & (cap - 1);

		while (slots[s] != WASM_NONE && !wasm_group_equal(m, slots[s], m, i))
			s = (s + 1) & (cap - 1);
		if (slots[s] == WASM_NONE)
			slots[s] = i;
		for (uint32_t k = 0; k < len; k++)
			m->types[i + k].canon = slots[s] + k;
	}
	free(slots);
	return 0;
}

int wasm_dec_types(struct dec *d)
{
	struct wasm_module *m = d->m;
	bool gc = !wasm_gc_off(m);
	uint32_t n, cap = 0;
	int rc = wasm_dec_count(d, &n);

	if (rc)
		return rc;
	if ((rc = types_reserve(d, &cap, n)))
		return rc;
	for (uint32_t g = 0; g < n; g++) {
		uint32_t len = 1, start = m->ntypes;

		if (gc && d->r.pos < d->r.end && d->r.buf[d->r.pos] == FORM_REC) {
			d->r.pos++;
			if ((rc = wasm_dec_count(d, &len)))
				return rc;
		}
		if ((rc = types_reserve(d, &cap, len)))
			return rc;
		for (uint32_t k = 0; k < len; k++) {
			struct wasm_functype *t = &m->types[start + k];

			memset(t, 0, sizeof(*t));
			t->module = m;
			t->rec_start = start;
			t->rec_len = len;
			if ((rc = dec_subtype(d, t, gc)))
				return rc;
			m->ntypes = start + k + 1;
		}
	}
	return canon_types(d);
}
