/*
 * wat_internal.h - what the text-format encoder's files share: the parser's
 * context (a cursor over the tokens, the index spaces with their names, the
 * sections being written) and the byte buffer.
 *
 * The encoder reads a module twice. The first pass (wat_module.c) walks its
 * fields to give every function, table, memory, global, type, element and
 * data segment its index (so a name may be used before its definition) and
 * reads the explicit type definitions. The second writes the sections,
 * appending to the type section each function type that a type use names
 * only inline, in the order of the uses, as the spec's abbreviation says.
 *
 * Errors: each parsing function returns false after recording the first
 * error (position and message) in the context; nothing is written to the
 * caller's outputs then.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/compiler.h"
#include "wasm/text/wat_lex.h"

/* A growing byte buffer; `oom` sticks once an allocation failed. */
struct wat_buf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

void wat_buf_bytes(struct wat_buf *b, const void *p, size_t n);
void wat_buf_byte(struct wat_buf *b, uint8_t v);
void wat_buf_u32(struct wat_buf *b, uint32_t v);
void wat_buf_u64(struct wat_buf *b, uint64_t v);
void wat_buf_s64(struct wat_buf *b, int64_t v);
void wat_buf_free(struct wat_buf *b);

/* An index space: the token of each index's name (0: no name; token 0 is
 * never an id). */
struct wat_space {
	uint32_t *name;
	uint32_t n, cap;
};

/* A defined type (module.h's struct wasm_functype, enum wasm_comp_kind).
 * A function type's v holds its params then its results (value types in
 * module.h's encoding); a struct's or an array's (one field) holds its
 * fields' storage types (a value type or enum wasm_packed), then their
 * mutability (0 or 1). The declared supertypes follow, nsupers of them
 * (the text allows any number; the validator takes at most one). */
struct wat_functype {
	uint32_t *v;
	uint32_t nparams, nresults; /* function */
	uint32_t nfields;	    /* struct, array */
	uint32_t nsupers;
	uint8_t kind;		 /* enum wasm_comp_kind */
	bool sub, final;	 /* written as (sub final? ...) */
	uint32_t rec_len;	 /* the length of its recursion group */
	struct wat_space fields; /* a struct's field names */
};

/* A recursion group: types [start, start + n); `rec` if written so (an
 * empty one too), else one type on its own. */
struct wat_rec {
	uint32_t start, n;
	bool rec;
};

enum wat_space_kind {
	WAT_FUNCS,
	WAT_TABLES,
	WAT_MEMS,
	WAT_GLOBALS,
	WAT_TAGS, /* external kind 4 */
	WAT_TYPES,
	WAT_ELEMS,
	WAT_DATAS,
	WAT_NSPACES,
};

/* How deep instructions may nest (each level is a recursion of the
 * parser: bounded so no input can exhaust the stack, the kernel's
 * included; the testsuite nests less than 100 deep). */
#define WAT_MAX_DEPTH 512

/* Sections by their binary id. */
enum {
	WAT_SEC_TYPE = 1,
	WAT_SEC_IMPORT,
	WAT_SEC_FUNC,
	WAT_SEC_TABLE,
	WAT_SEC_MEM,
	WAT_SEC_GLOBAL,
	WAT_SEC_EXPORT,
	WAT_SEC_START,
	WAT_SEC_ELEM,
	WAT_SEC_CODE,
	WAT_SEC_DATA,
	WAT_SEC_DATACOUNT,
	WAT_SEC_TAG,
	WAT_NSECS
};

struct wat {
	const char *src;
	const struct wat_tok *t; /* the tokens, ending with EOF */
	size_t pos;		 /* the next token */
	struct wat_error *err;
	bool failed;
	bool nomem;

	struct wat_space space[WAT_NSPACES];
	struct wat_functype *types;
	uint32_t ntypes, types_cap;
	struct wat_rec *recs; /* the type section's entries, in order */
	uint32_t nrecs, recs_cap;
	struct wat_buf typedefs; /* the first pass's `type` and `rec` fields:
				    their tokens' positions (size_t each) */
	uint32_t nimports[5];	 /* by external kind: func, table, mem, global, tag */

	/* the function being encoded */
	struct wat_space locals;
	uint32_t depth;		 /* nesting of folded and structured instructions */
	struct wat_space labels; /* a stack: the innermost label last */
	bool uses_data_index;	 /* memory.init or data.drop: needs data count */

	struct wat_buf sec[WAT_NSECS];
	uint32_t count[WAT_NSECS];
	const uint16_t *opsorted; /* wasm_opinfo indices sorted by text */
	uint16_t *opsorted_own;	  /* opsorted if this encoder's own (freed) */
	uint32_t nops;
};

/* Token access and errors. */
static inline const struct wat_tok *wat_peek(const struct wat *p)
{
	return &p->t[p->pos];
}
static inline const struct wat_tok *wat_peek2(const struct wat *p)
{
	return p->t[p->pos].kind == WAT_TOK_EOF ? &p->t[p->pos] : &p->t[p->pos + 1];
}
bool wat_fail(struct wat *p, const struct wat_tok *at, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* "unexpected <the token>, expected <expected>"; returns false. */
bool wat_unexpected(struct wat *p, const char *expected);
bool wat_is_kw(const struct wat *p, const struct wat_tok *t, const char *word);
/* `(` followed by keyword `word`: consumes both if so. */
bool wat_open(struct wat *p, const char *word);
bool wat_expect_lpar(struct wat *p);
bool wat_expect_rpar(struct wat *p);
bool wat_expect_kw(struct wat *p, const char *word);
/* Skips to past the `)` that closes the current nesting level. */
void wat_skip_to_close(struct wat *p);

bool wat_u32(struct wat *p, uint32_t *out);
/* Value, reference and heap types (module.h's encoding; a concrete heap
 * type by type index or name), and their binary encodings. */
bool wat_valtype(struct wat *p, uint32_t *out);
bool wat_reftype(struct wat *p, uint32_t *out);
bool wat_heaptype(struct wat *p, uint32_t *out);
void wat_buf_valtype(struct wat_buf *b, uint32_t t);
void wat_buf_heaptype(struct wat_buf *b, uint32_t heap);

/* An index into a space or the locals: a u32, or a name in it. */
bool wat_index(struct wat *p, enum wat_space_kind k, uint32_t *out);
bool wat_space_find(const struct wat *p, const struct wat_space *s, const struct wat_tok *id,
		    uint32_t *out);
bool wat_space_add(struct wat *p, struct wat_space *s, uint32_t name_tok);
/* Whether the next token is an index (a u32 or an id). */
bool wat_at_index(const struct wat *p);

/*
 * wat_typeuse - `(type x)? (param ...)* (result ...)*`. With `locals`,
 * the params' names go there. Returns the type index (found, or appended
 * when no (type x) is given) and, if ft_out, the type (if known).
 */
bool wat_typeuse(struct wat *p, struct wat_space *locals, bool names, uint32_t *out,
		 struct wat_functype *ft_out);
/* (param ...)* (result ...)*: their value types to *buf (as uint32_t
 * words, so buf->p is their array). Params may be
 * named only where `names` (functions, imports, type definitions; not
 * block types or call_indirect). */
bool wat_params_results(struct wat *p, struct wat_buf *buf, uint32_t *np, uint32_t *nr,
			struct wat_space *locals, bool names);
/* wat_type_intern - the first type that is the function type [v] (np
 * params, nr results) alone in its recursion group, final, without
 * supertypes; appended if there is none. On failure (no memory)
 * p->failed is set. */
uint32_t wat_type_intern(struct wat *p, const uint32_t *v, uint32_t np, uint32_t nr);

/* wat_types.c: the explicit type definitions (`type`, `rec`: the fields
 * at p->typedefs), read once every type has its name (so a definition may
 * name a later type); the type section; a struct field's index (a u32, or
 * a name of type `type`'s fields); freeing. */
bool wat_types_read(struct wat *p);
void wat_types_encode(struct wat *p);
bool wat_field_index(struct wat *p, uint32_t type, uint32_t *out);
void wat_types_free(struct wat *p);
/* wat_rec_add - a new recursion group from type `start` on, of n types. */
bool wat_rec_add(struct wat *p, uint32_t start, uint32_t n, bool rec);

/* The external kinds' words (func, table, memory, global, tag), by kind;
 * the kind named by token t, or -1. */
extern const char *const wat_extern_words[5];
int wat_extern_kind(const struct wat *p, const struct wat_tok *t);
/* An optional $id: its token index, or 0 (consumed if there). */
uint32_t wat_opt_id(struct wat *p);
/* A u32 length, then the bytes of src. */
void wat_put_sized(struct wat_buf *dst, const struct wat_buf *src);

/* wat_fields.c: the second pass over the fields at the cursor. */
bool wat_encode_fields(struct wat *p);

/* wat_instr.c: instruction sequences until `)` (not consumed), then `end`
 * for an expression. */
bool wat_instrs(struct wat *p, struct wat_buf *b);
bool wat_expr(struct wat *p, struct wat_buf *b);
bool wat_folded(struct wat *p, struct wat_buf *b);
bool wat_ops_init(struct wat *p);
