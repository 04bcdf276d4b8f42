/*
 * decode.h - what the rest of lib/wasm uses from the decoder besides the
 * public entry points of wasm/load.h: decoding bodies without typing them,
 * the validator's fallback for the spec's precedence of malformed over
 * invalid.
 */
#pragma once

#include "wasm/module.h"

/*
 * wasm_scan_bodies - decodes (without typing) every function body, for the
 * spec's precedence of malformed over invalid: the validator types bodies as
 * it decodes them, so when it finds a module invalid, this says whether the
 * binary was malformed after all. Returns 0 or ERR_MALFORMED with *err set.
 */
int wasm_scan_bodies(const struct wasm_module *m, struct wasm_error *err);

/*
 * wasm_func_uses_v128 - whether defined function `func` of validated module
 * `m` can see a v128 value: in its type or locals, a SIMD instruction, a
 * call of a function (or call_indirect of a type) with one in its type, a
 * v128 global, a block or select typed v128. The compiler tier refuses
 * such a function (it runs interpreted).
 */
bool wasm_func_uses_v128(const struct wasm_module *m, uint32_t func);
