/*
 * spec_value.h - converting and comparing spec-testsuite values (see
 * spec_value.c for the externref mapping). Portable, as spec_exec.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../wast_json.h"
#include "wasm/runtime.h"

/* The engine's value type (enum wasm_valtype) of a script type: every
 * type of the any hierarchy is anyref (WASM_HEAP_ANY). */
uint8_t spec_type_to_wasm(enum spec_val_type t);

/* spec_engine_type - what the runner compares a value of value type t (of
 * module m; NULL for a host function's type) as: the 2.0 type of its
 * representation (wasm_type_kind), and anyref for the whole any hierarchy,
 * concrete struct and array types included. */
uint8_t spec_engine_type(const struct wasm_module *m, uint32_t t);

/* The value array entries a value of engine type t takes (runtime.h). */
static inline uint32_t spec_val_slots(uint8_t t)
{
	return t == WASM_TYPE_V128 ? 2 : 1;
}

/* spec_arg_to_val - an argument as the engine's value in v[0] (a v128 in
 * v[0..1]); false if it cannot be passed (a non-null funcref, a NaN
 * pattern). */
bool spec_arg_to_val(const struct spec_value *a, union wasm_val *v);

/* spec_expected_matches - whether result v (v[0..1] for a v128) of engine
 * type `type` is what `e` expects: same type and bits, the NaN class (of
 * each lane), null / non-null. */
bool spec_expected_matches(const struct spec_value *e, uint8_t type, const union wasm_val *v);

/* Human-readable forms for failure messages ("i32:3", "f32:0x7fc00000",
 * "externref:0", "f64:nan:canonical", "v128:i32x4:1 2 3 4"); return what
 * fmt_snprintf returns. */
size_t spec_val_fmt(char *buf, size_t len, uint8_t type, const union wasm_val *v);
size_t spec_expected_fmt(char *buf, size_t len, const struct spec_value *e);

/* spec_name_fmt - a testsuite name (any bytes, NUL included) made
 * printable, non-ASCII and '\' as \xx; truncated to fit len. */
void spec_name_fmt(char *buf, size_t len, const struct spec_str *s);

/* spec_trap_text_matches - the spec's message check for a trap of `kind`
 * (enum wasm_trap_kind) against the script's expected text. */
bool spec_trap_text_matches(const char *expected, int kind);
