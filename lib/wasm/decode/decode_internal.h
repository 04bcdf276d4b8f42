/*
 * decode_internal.h - shared by decode.c (framing, header, type, import and
 * custom sections, the common field readers) and decode_sections.c (the
 * other sections).
 *
 * Every wasm_dec_* function returns 0 or an error code (ERR_MALFORMED,
 * ERR_NOMEM) after filling d->err; it reads through d->r, which is bounded
 * to the current section.
 */
#pragma once

#include "wasm/decode/decode.h"
#include "wasm/load.h"
#include "wasm/module_internal.h"
#include "wasm/reader.h"

struct dec {
	struct wasm_module *m;
	struct wasm_reader r;
	struct wasm_error *err;
	const char *section;
	uint32_t nfunc_decls; /* entries of the function section */
	bool seen_code;
	size_t name_pos, name_end; /* the "name" custom section's payload */
};

/* Fills d->err and evaluates to `kind`. */
#define DEC_FAIL(d, kind, pos, ...) \
	(wasm_error_set((d)->err, kind, (d)->section, pos, __VA_ARGS__), kind)

/* Reports the reader's recorded failure as malformed. */
int wasm_dec_reader_fail(struct dec *d);
int wasm_dec_nomem(struct dec *d);
/* A vector count, at most the bytes left (each element takes >= 1 byte). */
int wasm_dec_count(struct dec *d, uint32_t *n);
/* A UTF-8 name, pointing into the module's bytes. */
int wasm_dec_name(struct dec *d, struct wasm_name *out);
/* A value type or reference type (module.h's encoding; 3.0's typed
 * references where the feature is on). */
int wasm_dec_valtype(struct dec *d, uint32_t *out);
int wasm_dec_reftype(struct dec *d, uint32_t *out);
/* Limits of a memory or table; with memory64 those of the i64 address type
 * too (flags 0x04/0x05), and all values are read as u64. */
int wasm_dec_limits(struct dec *d, struct wasm_limits *out);
int wasm_dec_globaltype(struct dec *d, struct wasm_global *g);
/* A mutability byte: 0 or 1 ("malformed mutability" otherwise). */
int wasm_dec_mut(struct dec *d, bool *out);
int wasm_dec_const_expr(struct dec *d, struct wasm_const_expr *e);

/* The type section (decode_types.c): recursion groups, subtypes, function,
 * struct and array types, and each type's `canon`. */
int wasm_dec_types(struct dec *d);

/* Section payloads (decode_sections.c). */
int wasm_dec_functions(struct dec *d);
int wasm_dec_tables(struct dec *d);
int wasm_dec_memories(struct dec *d);
int wasm_dec_globals(struct dec *d);
int wasm_dec_exports(struct dec *d);
int wasm_dec_start(struct dec *d);
int wasm_dec_elems(struct dec *d);
int wasm_dec_datacount(struct dec *d);
int wasm_dec_code(struct dec *d);
int wasm_dec_datas(struct dec *d);
/* Exception tags (3.0): the tag section, and a tag type (attribute byte
 * 0, then a type index) of the tag section or of an import; `at` is where
 * the tag starts, for messages. Either fails as malformed where the
 * exceptions feature is off. */
int wasm_dec_tags(struct dec *d);
int wasm_dec_tagtype(struct dec *d, uint32_t *type, size_t at);

/*
 * wasm_decode_const_expr - reads a constant expression up to and including
 * its final `end` into *out. A non-constant or extra instruction is not a
 * decode error (it is invalid, not malformed): it is recorded in out->status
 * and skipped; the features m turned off are honoured.
 * Returns false (reader failure recorded) on malformed bytes.
 */
bool wasm_decode_const_expr(const struct wasm_module *m, struct wasm_reader *r,
			    struct wasm_const_expr *out);

/* wasm_decode_names - parses the custom "name" section's payload r[pos,
 * end) into m->module_name and m->func_names; malformed parts are ignored
 * (the spec allows it). Returns ERR_NOMEM or 0. */
int wasm_decode_names(struct wasm_module *m, struct wasm_reader *r);

/*
 * wasm_skip_immediates - skips the immediates of opcode `op` (for 0xfc, the
 * sub-opcode and its immediates), whose opcode byte was just read. Returns
 * false with "illegal opcode" for an unknown opcode, or on a read failure.
 */
bool wasm_skip_immediates(struct wasm_reader *r, uint8_t op);
