/*
 * opcodes.c - the table derived from WASM_OPCODES
 * (opcodes.h). Invariant: an entry's imm is WASM_IMM_ILLEGAL (0) exactly
 * when no instruction has that index; a prefix byte's is WASM_IMM_PREFIX.
 */
#include "base/compiler.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

const struct wasm_opinfo wasm_opinfo[WASM_OP_NINDEX] = {
#define ROW(n, p, c, text_, imm_, sig_, tr_)             \
	[WASM_OP_INDEX(p, c)] = {.text = text_,          \
				 .imm = WASM_IMM_##imm_, \
				 .sig = WASM_SIG_##sig_, \
				 .tr = WASM_TR_##tr_},
	WASM_OPCODES(ROW)
#undef ROW
		[WASM_OP_PREFIX_FB] = {.text = NULL, .imm = WASM_IMM_PREFIX},
	[WASM_OP_PREFIX_FC] = {.text = NULL, .imm = WASM_IMM_PREFIX},
	[WASM_OP_PREFIX_FD] = {.text = NULL, .imm = WASM_IMM_PREFIX},
};

/* The 0xfc sub-opcodes are dense from 0 (WASM_OP_INDEX relies on it). */
STATIC_ASSERT(WASM_OP_FC_COUNT == WASM_OP_TABLE_FILL + 1);

/* The 0xfb sub-opcodes too. */
STATIC_ASSERT(WASM_OP_FB_COUNT == WASM_OP_I31_GET_U + 1);

/* Each 0xfd sub-opcode is below WASM_OP_FD_END (WASM_OP_INDEX relies on it). */
#define FD_BOUND(n, p, c, text, imm, sig, tr) \
	STATIC_ASSERT((p) != WASM_OP_PREFIX_FD || (c) < WASM_OP_FD_END);
WASM_OPCODES(FD_BOUND)
#undef FD_BOUND
