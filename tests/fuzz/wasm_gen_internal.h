/*
 * wasm_gen_internal.h - what the generator's files share (wasm_gen.c: the
 * choice stream, bytes, types and the module; wasm_gen_expr.c: leaves and
 * expressions; wasm_gen_stmt.c: blocks, statements and function bodies).
 * Not for use outside tests/fuzz/wasm_gen*.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/module.h"

#include "wasm_gen.h"

#define GEN_MAX_TYPES	 32
#define GEN_MAX_FUNCS	 12
#define GEN_MAX_VALS	 4 /* params or results of a function or block */
#define GEN_MAX_LOCALS	 24
#define GEN_MAX_LABELS	 24
#define GEN_MAX_GLOBALS	 8
#define GEN_MAX_DEPTH	 5 /* expression nesting */
#define GEN_MAX_NEST	 4 /* block nesting */
#define GEN_MAX_LOOPS	 2 /* loop nesting */
#define GEN_MAX_BODY	 900
#define GEN_CODE_SOFT	 (WASM_GEN_MAX_CODE - 1200) /* then only leaves */
#define GEN_BODY_CAP	 2048
#define GEN_TABLE0_MAX	 64
#define GEN_TABLE1_MAX	 16
#define GEN_DATA_PASSIVE 32
#define GEN_MAX_MEMS	 3 /* multi-memory */
#define GEN_COUNT(a)	 (sizeof(a) / sizeof((a)[0]))
#define GEN_EQREF	 ((uint8_t)WASM_HEAP_EQ) /* (ref null eq), one byte */

struct gen_buf {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
};

struct gen_type {
	uint8_t kind; /* 0: a function type; else GEN_GC_* + 1 */
	uint8_t np, nr;
	uint8_t p[GEN_MAX_VALS], r[GEN_MAX_VALS];
};

struct gen_label {
	uint8_t n;
	uint8_t t[GEN_MAX_VALS];
};

/* The GC types (wasm_gen.h), at gcbase + these */
enum { GEN_GC_A, GEN_GC_B, GEN_GC_BYTES, GEN_GC_REFS, GEN_GC_NTYPES };

/* The generator's state: the module's shape, then the function being
 * generated. */
struct gen {
	struct wasm_gen_input *in;
	uint32_t *counts; /* per opcode index, or NULL (wasm_gen_module) */
	struct gen_type types[GEN_MAX_TYPES];
	uint32_t ntypes;
	uint32_t nfuncs;
	uint32_t functype[GEN_MAX_FUNCS];
	uint8_t gtype[GEN_MAX_GLOBALS];
	bool gmut[GEN_MAX_GLOBALS];
	uint32_t nglobals; /* global 0 is the budget */
	uint32_t pages, table0, table1;
	/* the 3.0 options (wasm_gen.h): feat is what the module may use;
	 * the rest what this module does use */
	uint32_t feat;
	bool simd, relaxed, extconst;
	uint32_t nmems;		       /* memory 0, then the multi-memory ones */
	bool mem64[GEN_MAX_MEMS];      /* 64-bit addresses */
	bool tab64[2];		       /* table64: tables 0, 1 with i64 indices */
	uint32_t mpages[GEN_MAX_MEMS]; /* initial pages (mpages[0] == pages) */
	uint32_t ndatas;	       /* 0 active, 1 passive, 2.. active on mems 1.. */
	/* exception handling (3.0): a tag 0 of type [i32] -> [] (type index
	 * tagtype[0]), with SIMD a tag 1 of [v128] -> [] too, and the
	 * statements that use them; off in most modules, whose code the
	 * compiler tier then still runs */
	bool exn;
	uint32_t ntags;
	uint32_t tagtype[2];
	uint8_t tagval[2]; /* the payload's type */
	/* GC (3.0): the four types at gcbase (GEN_GC_*); off in most modules */
	bool gc;
	uint32_t gcbase;
	/* the function being generated */
	struct gen_buf body;
	uint8_t ltype[GEN_MAX_LOCALS]; /* WASM_TYPE_UNKNOWN: a loop counter
					  (an i32 no other code may touch) */
	uint32_t nparams, nlocals;     /* nlocals counts the params */
	struct gen_label labels[GEN_MAX_LABELS];
	uint32_t nlabels, nest, loops; /* labels[0] is the function's */
	size_t code_total;	       /* bytes of the bodies before this one */
};

extern const uint8_t gen_numtypes[4];

/* The functions shared between the files; each is described where it is
 * defined. */

/* wasm_gen.c */
uint32_t gen_pick(struct gen *g, uint32_t n);
void gen_buf_byte(struct gen_buf *b, uint8_t v);
void gen_buf_bytes(struct gen_buf *b, const uint8_t *p, size_t n);
void gen_buf_u32(struct gen_buf *b, uint32_t v);
void gen_buf_u64(struct gen_buf *b, uint64_t v);
void gen_buf_s64(struct gen_buf *b, int64_t v);
void gen_buf_le(struct gen_buf *b, uint64_t v, uint32_t n);
void gen_op(struct gen *g, uint32_t idx);
void gen_op_fc(struct gen *g, uint32_t sub);
void gen_imm(struct gen *g, uint32_t v);
bool gen_is_num(uint8_t t);
uint8_t gen_pick_valtype(struct gen *g);
bool gen_blocktype_ok(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr);
void gen_blocktype(struct gen *g, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr);

/* wasm_gen_expr.c */
void gen_const(struct gen *g, uint8_t t);
int gen_pick_local(struct gen *g, uint8_t t);
int gen_pick_global(struct gen *g, uint8_t t, bool want_mut);
bool gen_low(const struct gen *g);
void gen_iconst(struct gen *g, bool w64, int64_t v);
uint32_t gen_pick_mem(struct gen *g, int w64);
void gen_addr(struct gen *g, uint32_t mem, uint32_t depth);
void gen_tidx(struct gen *g, uint32_t tab, uint32_t depth);
void gen_call_index(struct gen *g);
void gen_len(struct gen *g, bool w64, uint32_t depth);
uint32_t gen_pick_row(struct gen *g, uint8_t r, bool memory);
void gen_row(struct gen *g, uint32_t idx, uint32_t depth);
void gen_consume(struct gen *g, const uint8_t *t, uint32_t n);
void gen_values(struct gen *g, const uint8_t *t, uint32_t n, uint32_t depth);
void gen_consts(struct gen *g, const uint8_t *t, uint32_t n);
const struct gen_type *gen_call(struct gen *g, uint32_t f, bool indirect, uint32_t depth);
int gen_pick_callee(struct gen *g, uint8_t t);
void gen_expr(struct gen *g, uint8_t t, uint32_t depth);
bool gen_gc_expr(struct gen *g, uint8_t t, uint32_t depth);
void gen_gc_stmt(struct gen *g, uint32_t depth);

/* wasm_gen_stmt.c */
void gen_pick_shape(struct gen *g, uint8_t first, uint8_t *p, uint32_t *np, uint8_t *r,
		    uint32_t *nr);
bool gen_structured(struct gen *g, uint32_t kind, const uint8_t *p, uint32_t np, const uint8_t *r,
		    uint32_t nr, uint32_t depth);
void gen_stmts(struct gen *g, uint32_t max, uint32_t depth);
void gen_func(struct gen *g, uint32_t f, struct gen_buf *code);
