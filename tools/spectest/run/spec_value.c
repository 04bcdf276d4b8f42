/*
 * spec_value.c - the testsuite's values against the engine's: arguments in,
 * results checked (exact bits, NaN classes, null and non-null references),
 * both printed for failure messages, and trap texts compared.
 *
 * Invariant: externref N of a script is the host value N + 1, both ways, so
 * that `ref.extern 0` is not the null reference (0).
 */
#include "spec_value.h"

#include <string.h>

#include "base/fmt.h"

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
		[SPEC_V128] = 0,
		[SPEC_ANYREF] = 0x6e,
		[SPEC_EQREF] = 0x6d,
		[SPEC_I31REF] = 0x6c,
		[SPEC_STRUCTREF] = 0x6b,
		[SPEC_ARRAYREF] = 0x6a,
		[SPEC_EXNREF] = 0x69,
	};
	return (size_t)t < sizeof(map) ? map[t] : 0;
}

/* Whether engine type `type` is a reference type: the binary encodings
 * 0x63 (ref null ht) to 0x74 (nofunc). */
static bool is_ref_type(uint8_t type)
{
	return type >= 0x63 && type <= 0x74;
}

/* externref N of the testsuite is host value N + 1, so that 0 stays null. */
bool spec_arg_to_val(const struct spec_value *a, union wasm_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (a->type) {
	case SPEC_I32:
	case SPEC_F32:
		v->i32 = (uint32_t)a->bits;
		return a->kind == SPEC_VAL_BITS;
	case SPEC_I64:
	case SPEC_F64:
		v->i64 = a->bits;
		return a->kind == SPEC_VAL_BITS;
	case SPEC_EXTERNREF:
		if (a->kind == SPEC_VAL_NULL)
			return true;
		v->ref = (uintptr_t)a->bits + 1;
		return a->kind == SPEC_VAL_BITS && v->ref != 0;
	case SPEC_FUNCREF:
		return a->kind == SPEC_VAL_NULL;
	default:
		return false;
	}
}

bool spec_expected_matches(const struct spec_value *e, uint8_t type, union wasm_val v)
{
	if (e->kind == SPEC_VAL_EITHER) {
		for (size_t i = 0; i < e->nalts; i++)
			if (spec_expected_matches(&e->alts[i], type, v))
				return true;
		return false;
	}
	/* (ref.null HT) of a script is any null reference, as the reference
	 * interpreter compares nulls */
	if (e->kind == SPEC_VAL_NULL)
		return is_ref_type(type) && v.ref == 0;
	if (spec_type_to_wasm(e->type) != type)
		return false;
	switch (e->kind) {
	case SPEC_VAL_BITS:
		if (type == WASM_TYPE_EXTERNREF)
			return v.ref == (uintptr_t)e->bits + 1;
		if (is_ref_type(type)) /* (ref.host N): no host values in the any hierarchy yet */
			return false;
		return type == WASM_TYPE_I32 || type == WASM_TYPE_F32 ? v.i32 == (uint32_t)e->bits
								      : v.i64 == e->bits;
	case SPEC_VAL_NAN_CANONICAL:
		return type == WASM_TYPE_F32
			       ? (v.f32 & 0x7fffffffu) == 0x7fc00000u
			       : (v.f64 & ~(UINT64_C(1) << 63)) == UINT64_C(0x7ff8000000000000);
	case SPEC_VAL_NAN_ARITHMETIC:
		return type == WASM_TYPE_F32 ? (v.f32 & 0x7fc00000u) == 0x7fc00000u
					     : (v.f64 & UINT64_C(0x7ff8000000000000)) ==
						       UINT64_C(0x7ff8000000000000);
	case SPEC_VAL_ANY: /* (ref.func) / (ref.extern): any non-null */
		return v.ref != 0;
	default:
		return false;
	}
}

size_t spec_val_fmt(char *buf, size_t len, uint8_t type, union wasm_val v)
{
	switch (type) {
	case WASM_TYPE_I32:
		return (size_t)fmt_snprintf(buf, len, "i32:%u", v.i32);
	case WASM_TYPE_I64:
		return (size_t)fmt_snprintf(buf, len, "i64:%llu", (unsigned long long)v.i64);
	case WASM_TYPE_F32:
		return (size_t)fmt_snprintf(buf, len, "f32:0x%08x", v.f32);
	case WASM_TYPE_F64:
		return (size_t)fmt_snprintf(buf, len, "f64:0x%016llx", (unsigned long long)v.f64);
	case WASM_TYPE_EXTERNREF:
		return v.ref ? (size_t)fmt_snprintf(buf, len, "externref:%llu",
						    (unsigned long long)(v.ref - 1))
			     : (size_t)fmt_snprintf(buf, len, "externref:null");
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
	union wasm_val v = {.i64 = e->bits};
	size_t o;

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
