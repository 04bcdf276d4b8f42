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
