/*
 * wat.h - the WebAssembly text format (.wat) to the binary format: our own
 * front end for modules written as text, which the binary decoder and
 * validator (wasm/load.h) then load as any other. All of WebAssembly 2.0
 * without SIMD, with every abbreviation of the spec's text format.
 *
 * The encoder checks what makes text malformed (its syntax, unknown names
 * and labels, literals out of range, an inline type that disagrees with its
 * (type x)) and leaves the rest to the validator: a well-formed text of an
 * invalid module encodes to a binary that fails validation.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wasm/text/wat_lex.h"

/*
 * wat_encode - encodes the module in src[0, len): `(module $id? field*)`,
 * or its fields alone. Returns 0 and a malloc'ed binary in *out, *out_len;
 * ERR_MALFORMED with err's line, column and message; or ERR_NOMEM.
 */
int wat_encode(const char *src, size_t len, uint8_t **out, size_t *out_len, struct wat_error *err);

/*
 * wat_encode_toks - the same from lexed tokens: the module starting at
 * toks[*pos] (its `(`); on success *pos is past its `)`. `fields_only`:
 * the tokens are the fields alone (up to EOF). For the script layer.
 */
int wat_encode_toks(const char *src, const struct wat_tok *toks, size_t *pos, bool fields_only,
		    uint8_t **out, size_t *out_len, struct wat_error *err);
