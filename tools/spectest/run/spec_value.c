/*
 * spec_value.c - the testsuite's values against the engine's: arguments in,
 * results checked (exact bits, NaN classes, null and non-null references),
 * both printed for failure messages, and trap texts compared.
 *
 * Invariant: (ref.extern N) and (ref.host N) of a script are the engine's
 * host reference of value N (wasm_ref_host, runtime.h), both ways, in the
 * extern and the any hierarchy alike, since the engine's conversions
 * between the two are the identity. Every type of the any hierarchy is
 * compared as anyref (the script's own types name only the top); what a
 * pattern such as (ref.struct) asks is then read from the value.
 */
#include "spec_value.h"

#include <string.h>

#include "base/compiler.h"
#include "base/fmt.h"
#include "wasm/gc/gc_heap.h"

uint8_t spec_type_to_wasm(enum spec_val_type t)
{
	/* the binary encodings of the abstract reference types, which the
	 * engine's enum wasm_valtype uses as its values */
	const uint8_t map[] = {
		[SPEC_I32] = WASM_TYPE_I32,
		[SPEC_I64] = WASM_TYPE_I64,
		[SPEC_F32] = WASM_TYPE_F32,
		[SPEC_F64] = WASM_TYPE_F64,
		[SPEC_FUNCREF] = WASM_TYPE_FUNCREF,
		[SPEC_EXTERNREF] = WASM_TYPE_EXTERNREF,
		[SPEC_V128] = WASM_TYPE_V128,
		[SPEC_ANYREF] = WASM_HEAP_ANY,
		[SPEC_EQREF] = WASM_HEAP_ANY,
		[SPEC_I31REF] = WASM_HEAP_ANY,
		[SPEC_STRUCTREF] = WASM_HEAP_ANY,
		[SPEC_ARRAYREF] = WASM_HEAP_ANY,
		[SPEC_EXNREF] = 0x69,
	};
	return (size_t)t < sizeof(map) ? map[t] : 0;
}

uint8_t spec_engine_type(const struct wasm_module *m, uint32_t t)
{
	uint32_t c = wasm_type_code(t);

	/* the references the collector follows, less the extern hierarchy */
	if (wasm_gc_type_traced(m, t) && c != WASM_HEAP_EXTERN && c != WASM_HEAP_NOEXTERN)
		return WASM_HEAP_ANY;
	return wasm_type_kind(t);
}

/* Whether anyref v is what pattern e asks: (ref.any), (ref.eq), (ref.i31),
 * (ref.struct), (ref.array): a non-null value of that heap type. */
static bool any_pattern_matches(const struct spec_value *e, uintptr_t v)
{
	const uint32_t heap[] = {
		[SPEC_EQREF] = WASM_HEAP_EQ,
		[SPEC_I31REF] = WASM_HEAP_I31,
		[SPEC_STRUCTREF] = WASM_HEAP_STRUCT,
		[SPEC_ARRAYREF] = WASM_HEAP_ARRAY,
	};
	uint32_t h =
		(size_t)e->type < ARRAY_SIZE(heap) && heap[e->type] ? heap[e->type] : WASM_HEAP_ANY;

	return wasm_gc_ref_test(v, wasm_type_ref(h, false), NULL);
}

/* Whether engine type `type` is a reference type: the binary encodings
 * 0x63 (ref null ht) to 0x74 (nofunc). */
static bool is_ref_type(uint8_t type)
{
	return type >= 0x63 && type <= 0x74;
}

bool spec_arg_to_val(const struct spec_value *a, union wasm_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (a->type) {
	case SPEC_V128:
		memcpy(&v[0].i64, a->v128, 8);
		memcpy(&v[1].i64, a->v128 + 8, 8);
		return a->kind == SPEC_VAL_BITS;
	case SPEC_I32:
	case SPEC_F32:
		v->i32 = (uint32_t)a->bits;
		return a->kind == SPEC_VAL_BITS;
	case SPEC_I64:
	case SPEC_F64:
		v->i64 = a->bits;
		return a->kind == SPEC_VAL_BITS;
	case SPEC_EXTERNREF:
	case SPEC_ANYREF:
		if (a->kind == SPEC_VAL_NULL)
			return true;
		v->ref = wasm_ref_host((uintptr_t)a->bits);
		return a->kind == SPEC_VAL_BITS && a->bits <= WASM_REF_HOST_MAX;
	case SPEC_FUNCREF:
	case SPEC_EQREF:
	case SPEC_I31REF:
	case SPEC_STRUCTREF:
	case SPEC_ARRAYREF:
		return a->kind == SPEC_VAL_NULL;
	default:
		return false;
	}
}

/* Whether float bits x (f32 if w is 4, else f64) are of NaN class k. */
static bool nan_matches(uint64_t x, unsigned w, enum spec_val_kind k)
{
	uint64_t sign = w == 4 ? 0x80000000u : UINT64_C(1) << 63;
	uint64_t quiet = w == 4 ? 0x7fc00000u : UINT64_C(0x7ff8000000000000);

	if (k == SPEC_VAL_NAN_CANONICAL)
		return (x & ~sign) == quiet;
	return (x & quiet) == quiet;
}

/* A v128 result against an expected one, lane by lane for a float shape
 * with NaN patterns. */
static bool v128_matches(const struct spec_value *e, const union wasm_val *v)
{
	uint8_t got[16];
	unsigned w;

	memcpy(got, &v[0].i64, 8);
	memcpy(got + 8, &v[1].i64, 8);
	if (e->shape != SPEC_F32X4 && e->shape != SPEC_F64X2)
		return memcmp(got, e->v128, 16) == 0;
	w = e->shape == SPEC_F32X4 ? 4 : 8;
	for (unsigned i = 0; i < 16 / w; i++) {
		uint64_t x = 0;

		memcpy(&x, got + i * w, w);
		if (e->lane_kind[i] == SPEC_VAL_BITS ? memcmp(got + i * w, e->v128 + i * w, w) != 0
						     : !nan_matches(x, w, e->lane_kind[i]))
			return false;
	}
	return true;
}

bool spec_expected_matches(const struct spec_value *e, uint8_t type, const union wasm_val *pv)
{
	union wasm_val v = pv[0];

	if (e->kind == SPEC_VAL_EITHER) {
		for (size_t i = 0; i < e->nalts; i++)
			if (spec_expected_matches(&e->alts[i], type, pv))
				return true;
		return false;
	}
	/* (ref.null HT) of a script is any null reference, as the reference
	 * interpreter compares nulls */
	if (e->kind == SPEC_VAL_NULL)
		return is_ref_type(type) && v.ref == 0;
	if (spec_type_to_wasm(e->type) != type)
		return false;
	if (type == WASM_TYPE_V128)
		return e->kind == SPEC_VAL_BITS && v128_matches(e, pv);
	switch (e->kind) {
	case SPEC_VAL_BITS:
		if (type == WASM_TYPE_EXTERNREF || type == WASM_HEAP_ANY)
			return e->bits <= WASM_REF_HOST_MAX &&
			       v.ref == wasm_ref_host((uintptr_t)e->bits);
		if (is_ref_type(type))
			return false;
		return type == WASM_TYPE_I32 || type == WASM_TYPE_F32 ? v.i32 == (uint32_t)e->bits
								      : v.i64 == e->bits;
	case SPEC_VAL_NAN_CANONICAL:
	case SPEC_VAL_NAN_ARITHMETIC:
		return nan_matches(type == WASM_TYPE_F32 ? v.f32 : v.f64,
				   type == WASM_TYPE_F32 ? 4 : 8, e->kind);
	case SPEC_VAL_ANY: /* (ref.func) / (ref.extern): any non-null */
		return type == WASM_HEAP_ANY ? any_pattern_matches(e, v.ref) : v.ref != 0;
	default:
		return false;
	}
}

/* An any/extern reference: null, i31, a host value, a struct or array. */
static size_t ref_fmt(char *buf, size_t len, const char *type, uintptr_t r)
{
	const struct wasm_gc_obj *o = wasm_gc_obj_of(r);

	if (!r)
		return (size_t)fmt_snprintf(buf, len, "%s:null", type);
	if (wasm_ref_is_i31(r))
		return (size_t)fmt_snprintf(buf, len, "%s:i31 %u", type,
					    wasm_ref_i31_get(r, false));
	if (wasm_ref_is_host(r))
		return (size_t)fmt_snprintf(buf, len, "%s:%llu", type,
					    (unsigned long long)wasm_ref_host_value(r));
	return (size_t)fmt_snprintf(buf, len, "%s:%s", type,
				    o->type->kind == WASM_COMP_STRUCT ? "struct" : "array");
}

size_t spec_val_fmt(char *buf, size_t len, uint8_t type, const union wasm_val *pv)
{
	union wasm_val v = pv[0];

	switch (type) {
	case WASM_TYPE_V128:
		return (size_t)fmt_snprintf(buf, len, "v128:0x%016llx%016llx",
					    (unsigned long long)pv[1].i64,
					    (unsigned long long)pv[0].i64);
	case WASM_TYPE_I32:
		return (size_t)fmt_snprintf(buf, len, "i32:%u", v.i32);
	case WASM_TYPE_I64:
		return (size_t)fmt_snprintf(buf, len, "i64:%llu", (unsigned long long)v.i64);
	case WASM_TYPE_F32:
		return (size_t)fmt_snprintf(buf, len, "f32:0x%08x", v.f32);
	case WASM_TYPE_F64:
		return (size_t)fmt_snprintf(buf, len, "f64:0x%016llx", (unsigned long long)v.f64);
	case WASM_TYPE_EXTERNREF:
	case WASM_HEAP_ANY:
		return ref_fmt(buf, len, type == WASM_HEAP_ANY ? "anyref" : "externref", v.ref);
	case WASM_TYPE_FUNCREF:
		return (size_t)fmt_snprintf(buf, len, v.ref ? "funcref:non-null" : "funcref:null");
	default:
		return (size_t)fmt_snprintf(buf, len, "type 0x%02x", type);
	}
}

size_t spec_expected_fmt(char *buf, size_t len, const struct spec_value *e)
{
	const char *const names[] = {"i32",	  "i64",      "f32",	"f64",	 "funcref",
				     "externref", "v128",     "anyref", "eqref", "i31ref",
				     "structref", "arrayref", "exnref"};
	const char *n = (size_t)e->type < sizeof(names) / sizeof(names[0]) ? names[e->type] : "?";
	union wasm_val v[2] = {{.i64 = e->bits}, {.i64 = 0}};
	size_t o;

	if (e->type == SPEC_V128) {
		memcpy(&v[0].i64, e->v128, 8);
		memcpy(&v[1].i64, e->v128 + 8, 8);
		if (e->kind == SPEC_VAL_BITS &&
		    e->lane_kind[0] + e->lane_kind[1] + e->lane_kind[2] + e->lane_kind[3] != 0)
			return (size_t)fmt_snprintf(
				buf, len, "v128 with NaN lanes:0x%016llx%016llx",
				(unsigned long long)v[1].i64, (unsigned long long)v[0].i64);
	}
	switch (e->kind) {
	case SPEC_VAL_EITHER:
		o = (size_t)fmt_snprintf(buf, len, "either(");
		for (size_t i = 0; i < e->nalts && o < len; i++) {
			o += spec_expected_fmt(buf + o, len - o, &e->alts[i]);
			if (o < len)
				o += (size_t)fmt_snprintf(buf + o, len - o,
							  i + 1 < e->nalts ? " | " : ")");
		}
		return o;
	case SPEC_VAL_BITS:
		return spec_val_fmt(buf, len, spec_type_to_wasm(e->type), v);
	case SPEC_VAL_NAN_CANONICAL:
		return (size_t)fmt_snprintf(buf, len, "%s:nan:canonical", n);
	case SPEC_VAL_NAN_ARITHMETIC:
		return (size_t)fmt_snprintf(buf, len, "%s:nan:arithmetic", n);
	case SPEC_VAL_NULL:
		return (size_t)fmt_snprintf(buf, len, "null");
	case SPEC_VAL_ANY:
		return (size_t)fmt_snprintf(buf, len, "%s:non-null", n);
	default:
		return (size_t)fmt_snprintf(buf, len, "%s", n);
	}
}

/* Printable form of a testsuite name (may hold any byte, NUL included). */
void spec_name_fmt(char *buf, size_t len, const struct spec_str *s)
{
	size_t o = 0;

	if (!len)
		return;
	for (size_t i = 0; s->s && i < s->len && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s->s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)fmt_snprintf(buf + o, len - o, "\\%02x", ch);
	}
	buf[o] = 0;
}

/* The spec's check: the expected text is a prefix of the engine's message
 * (or, since our messages are fixed, the reverse: "uninitialized element 2"
 * is our "uninitialized element"). */
bool spec_trap_text_matches(const char *expected, int kind)
{
	const char *got = wasm_trap_str(kind);
	size_t ne = strlen(expected), ng = strlen(got);

	return ng && strncmp(expected, got, ne < ng ? ne : ng) == 0;
}
