/*
 * opcodes.h - the one table of WebAssembly instructions: what the decoder,
 * the validator and the interpreter's translator know about each opcode
 * without special code.
 *
 * WASM_OPCODES has one row per instruction:
 *
 *   X(NAME, PREFIX, CODE, TEXT, IMM, SIG, TR)
 *
 *   NAME    WASM_OP_<NAME> is the opcode (CODE); the interpreter's
 *           internal op of a NUM, LOAD or STORE row is OP_<NAME>
 *   PREFIX  0 for a one-byte opcode, else the prefix byte (0xfb GC, 0xfc,
 *           0xfd)
 *           whose LEB128 sub-opcode is CODE
 *   TEXT    the name in the text format (the text front end, text/,
 *           finds instructions by it)
 *   IMM     the immediates' kind (enum wasm_imm): how the decoder skips
 *           them, and for a memory access its natural alignment
 *   SIG     for an instruction typed by its signature alone, [params] ->
 *           [result] (enum wasm_sig; e.g. i32.add is I32I32_TO_I32), which
 *           the validator checks without a case of its own (a third
 *           param, only in V128V128V128_TO_V128, has the second's type);
 *           NONE for the
 *           instructions the validator types by hand (control, variables,
 *           calls, tables, references, bulk memory)
 *   TR      the translator's class (enum wasm_tr): NUM (an interpreter
 *           operator from slots to a slot), LOAD, STORE, BITS (no code:
 *           the slot's bits stay as they are), or SPECIAL (its own case in
 *           interp_translate.c), or SIMD (a 0xfd row: v128 values, which
 *           only the interpreter's SIMD translator handles; consumers of
 *           the scalar classes skip them)
 *
 * Each table derived from it is indexed by WASM_OP_INDEX: a one-byte
 * opcode is its own index, a prefixed one comes after all 256 of them.
 *
 * Growing it: a new instruction is a new row; an instruction typed by its
 * signature needs nothing more in the validator, a NUM one only its handler
 * in the interpreter. SIMD (prefix 0xfd, sub-opcodes 0-0xff; relaxed SIMD
 * 0x100-0x113) has its rows, immediate kinds (lane index, memarg + lane,
 * v128 constant, shuffle), signatures over V128, and its prefix in
 * WASM_OP_INDEX; the 3.0 instructions likewise. GC (prefix 0xfb, sub-opcodes
 * 0-30 dense) comes after SIMD in the index, with ref.eq (0xd3) a one-byte
 * row; its rows are all SPECIAL (the validator and the runtime type them
 * by hand) and only the interpreter runs them. A compiler tier reads
 * the same table (a new column, say, for its instruction selection) instead
 * of switching on opcode numbers.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "wasm/module.h"

/* clang-format off */
#define WASM_OPCODES(X) \
	X(UNREACHABLE, 0, 0x00, "unreachable", NONE, NONE, SPECIAL) \
	X(NOP, 0, 0x01, "nop", NONE, NONE, SPECIAL) \
	X(BLOCK, 0, 0x02, "block", BLOCK, NONE, SPECIAL) \
	X(LOOP, 0, 0x03, "loop", BLOCK, NONE, SPECIAL) \
	X(IF, 0, 0x04, "if", BLOCK, NONE, SPECIAL) \
	X(ELSE, 0, 0x05, "else", NONE, NONE, SPECIAL) \
	X(TRY, 0, 0x06, "try", BLOCK, NONE, SPECIAL) \
	X(CATCH, 0, 0x07, "catch", IDX, NONE, SPECIAL) \
	X(THROW, 0, 0x08, "throw", IDX, NONE, SPECIAL) \
	X(RETHROW, 0, 0x09, "rethrow", IDX, NONE, SPECIAL) \
	X(THROW_REF, 0, 0x0a, "throw_ref", NONE, NONE, SPECIAL) \
	X(END, 0, 0x0b, "end", NONE, NONE, SPECIAL) \
	X(BR, 0, 0x0c, "br", IDX, NONE, SPECIAL) \
	X(BR_IF, 0, 0x0d, "br_if", IDX, NONE, SPECIAL) \
	X(BR_TABLE, 0, 0x0e, "br_table", BR_TABLE, NONE, SPECIAL) \
	X(RETURN, 0, 0x0f, "return", NONE, NONE, SPECIAL) \
	X(CALL, 0, 0x10, "call", IDX, NONE, SPECIAL) \
	X(CALL_INDIRECT, 0, 0x11, "call_indirect", IDX2, NONE, SPECIAL) \
	X(RETURN_CALL, 0, 0x12, "return_call", IDX, NONE, SPECIAL) \
	X(RETURN_CALL_INDIRECT, 0, 0x13, "return_call_indirect", IDX2, NONE, SPECIAL) \
	X(CALL_REF, 0, 0x14, "call_ref", IDX, NONE, SPECIAL) \
	X(RETURN_CALL_REF, 0, 0x15, "return_call_ref", IDX, NONE, SPECIAL) \
	X(DELEGATE, 0, 0x18, "delegate", IDX, NONE, SPECIAL) \
	X(CATCH_ALL, 0, 0x19, "catch_all", NONE, NONE, SPECIAL) \
	X(DROP, 0, 0x1a, "drop", NONE, NONE, SPECIAL) \
	X(SELECT, 0, 0x1b, "select", NONE, NONE, SPECIAL) \
	X(SELECT_T, 0, 0x1c, "select", SELECT_T, NONE, SPECIAL) \
	X(TRY_TABLE, 0, 0x1f, "try_table", TRY_TABLE, NONE, SPECIAL) \
	X(LOCAL_GET, 0, 0x20, "local.get", IDX, NONE, SPECIAL) \
	X(LOCAL_SET, 0, 0x21, "local.set", IDX, NONE, SPECIAL) \
	X(LOCAL_TEE, 0, 0x22, "local.tee", IDX, NONE, SPECIAL) \
	X(GLOBAL_GET, 0, 0x23, "global.get", IDX, NONE, SPECIAL) \
	X(GLOBAL_SET, 0, 0x24, "global.set", IDX, NONE, SPECIAL) \
	X(TABLE_GET, 0, 0x25, "table.get", IDX, NONE, SPECIAL) \
	X(TABLE_SET, 0, 0x26, "table.set", IDX, NONE, SPECIAL) \
	X(I32_LOAD, 0, 0x28, "i32.load", MEMARG4, I32_TO_I32, LOAD) \
	X(I64_LOAD, 0, 0x29, "i64.load", MEMARG8, I32_TO_I64, LOAD) \
	X(F32_LOAD, 0, 0x2a, "f32.load", MEMARG4, I32_TO_F32, LOAD) \
	X(F64_LOAD, 0, 0x2b, "f64.load", MEMARG8, I32_TO_F64, LOAD) \
	X(I32_LOAD8_S, 0, 0x2c, "i32.load8_s", MEMARG1, I32_TO_I32, LOAD) \
	X(I32_LOAD8_U, 0, 0x2d, "i32.load8_u", MEMARG1, I32_TO_I32, LOAD) \
	X(I32_LOAD16_S, 0, 0x2e, "i32.load16_s", MEMARG2, I32_TO_I32, LOAD) \
	X(I32_LOAD16_U, 0, 0x2f, "i32.load16_u", MEMARG2, I32_TO_I32, LOAD) \
	X(I64_LOAD8_S, 0, 0x30, "i64.load8_s", MEMARG1, I32_TO_I64, LOAD) \
	X(I64_LOAD8_U, 0, 0x31, "i64.load8_u", MEMARG1, I32_TO_I64, LOAD) \
	X(I64_LOAD16_S, 0, 0x32, "i64.load16_s", MEMARG2, I32_TO_I64, LOAD) \
	X(I64_LOAD16_U, 0, 0x33, "i64.load16_u", MEMARG2, I32_TO_I64, LOAD) \
	X(I64_LOAD32_S, 0, 0x34, "i64.load32_s", MEMARG4, I32_TO_I64, LOAD) \
	X(I64_LOAD32_U, 0, 0x35, "i64.load32_u", MEMARG4, I32_TO_I64, LOAD) \
	X(I32_STORE, 0, 0x36, "i32.store", MEMARG4, I32I32_TO_NONE, STORE) \
	X(I64_STORE, 0, 0x37, "i64.store", MEMARG8, I32I64_TO_NONE, STORE) \
	X(F32_STORE, 0, 0x38, "f32.store", MEMARG4, I32F32_TO_NONE, STORE) \
	X(F64_STORE, 0, 0x39, "f64.store", MEMARG8, I32F64_TO_NONE, STORE) \
	X(I32_STORE8, 0, 0x3a, "i32.store8", MEMARG1, I32I32_TO_NONE, STORE) \
	X(I32_STORE16, 0, 0x3b, "i32.store16", MEMARG2, I32I32_TO_NONE, STORE) \
	X(I64_STORE8, 0, 0x3c, "i64.store8", MEMARG1, I32I64_TO_NONE, STORE) \
	X(I64_STORE16, 0, 0x3d, "i64.store16", MEMARG2, I32I64_TO_NONE, STORE) \
	X(I64_STORE32, 0, 0x3e, "i64.store32", MEMARG4, I32I64_TO_NONE, STORE) \
	X(MEMORY_SIZE, 0, 0x3f, "memory.size", MEM0, NONE_TO_I32, SPECIAL) \
	X(MEMORY_GROW, 0, 0x40, "memory.grow", MEM0, I32_TO_I32, SPECIAL) \
	X(I32_CONST, 0, 0x41, "i32.const", I32, NONE_TO_I32, SPECIAL) \
	X(I64_CONST, 0, 0x42, "i64.const", I64, NONE_TO_I64, SPECIAL) \
	X(F32_CONST, 0, 0x43, "f32.const", F32, NONE_TO_F32, SPECIAL) \
	X(F64_CONST, 0, 0x44, "f64.const", F64, NONE_TO_F64, SPECIAL) \
	X(I32_EQZ, 0, 0x45, "i32.eqz", NONE, I32_TO_I32, NUM) \
	X(I32_EQ, 0, 0x46, "i32.eq", NONE, I32I32_TO_I32, NUM) \
	X(I32_NE, 0, 0x47, "i32.ne", NONE, I32I32_TO_I32, NUM) \
	X(I32_LT_S, 0, 0x48, "i32.lt_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_LT_U, 0, 0x49, "i32.lt_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_GT_S, 0, 0x4a, "i32.gt_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_GT_U, 0, 0x4b, "i32.gt_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_LE_S, 0, 0x4c, "i32.le_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_LE_U, 0, 0x4d, "i32.le_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_GE_S, 0, 0x4e, "i32.ge_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_GE_U, 0, 0x4f, "i32.ge_u", NONE, I32I32_TO_I32, NUM) \
	X(I64_EQZ, 0, 0x50, "i64.eqz", NONE, I64_TO_I32, NUM) \
	X(I64_EQ, 0, 0x51, "i64.eq", NONE, I64I64_TO_I32, NUM) \
	X(I64_NE, 0, 0x52, "i64.ne", NONE, I64I64_TO_I32, NUM) \
	X(I64_LT_S, 0, 0x53, "i64.lt_s", NONE, I64I64_TO_I32, NUM) \
	X(I64_LT_U, 0, 0x54, "i64.lt_u", NONE, I64I64_TO_I32, NUM) \
	X(I64_GT_S, 0, 0x55, "i64.gt_s", NONE, I64I64_TO_I32, NUM) \
	X(I64_GT_U, 0, 0x56, "i64.gt_u", NONE, I64I64_TO_I32, NUM) \
	X(I64_LE_S, 0, 0x57, "i64.le_s", NONE, I64I64_TO_I32, NUM) \
	X(I64_LE_U, 0, 0x58, "i64.le_u", NONE, I64I64_TO_I32, NUM) \
	X(I64_GE_S, 0, 0x59, "i64.ge_s", NONE, I64I64_TO_I32, NUM) \
	X(I64_GE_U, 0, 0x5a, "i64.ge_u", NONE, I64I64_TO_I32, NUM) \
	X(F32_EQ, 0, 0x5b, "f32.eq", NONE, F32F32_TO_I32, NUM) \
	X(F32_NE, 0, 0x5c, "f32.ne", NONE, F32F32_TO_I32, NUM) \
	X(F32_LT, 0, 0x5d, "f32.lt", NONE, F32F32_TO_I32, NUM) \
	X(F32_GT, 0, 0x5e, "f32.gt", NONE, F32F32_TO_I32, NUM) \
	X(F32_LE, 0, 0x5f, "f32.le", NONE, F32F32_TO_I32, NUM) \
	X(F32_GE, 0, 0x60, "f32.ge", NONE, F32F32_TO_I32, NUM) \
	X(F64_EQ, 0, 0x61, "f64.eq", NONE, F64F64_TO_I32, NUM) \
	X(F64_NE, 0, 0x62, "f64.ne", NONE, F64F64_TO_I32, NUM) \
	X(F64_LT, 0, 0x63, "f64.lt", NONE, F64F64_TO_I32, NUM) \
	X(F64_GT, 0, 0x64, "f64.gt", NONE, F64F64_TO_I32, NUM) \
	X(F64_LE, 0, 0x65, "f64.le", NONE, F64F64_TO_I32, NUM) \
	X(F64_GE, 0, 0x66, "f64.ge", NONE, F64F64_TO_I32, NUM) \
	X(I32_CLZ, 0, 0x67, "i32.clz", NONE, I32_TO_I32, NUM) \
	X(I32_CTZ, 0, 0x68, "i32.ctz", NONE, I32_TO_I32, NUM) \
	X(I32_POPCNT, 0, 0x69, "i32.popcnt", NONE, I32_TO_I32, NUM) \
	X(I32_ADD, 0, 0x6a, "i32.add", NONE, I32I32_TO_I32, NUM) \
	X(I32_SUB, 0, 0x6b, "i32.sub", NONE, I32I32_TO_I32, NUM) \
	X(I32_MUL, 0, 0x6c, "i32.mul", NONE, I32I32_TO_I32, NUM) \
	X(I32_DIV_S, 0, 0x6d, "i32.div_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_DIV_U, 0, 0x6e, "i32.div_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_REM_S, 0, 0x6f, "i32.rem_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_REM_U, 0, 0x70, "i32.rem_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_AND, 0, 0x71, "i32.and", NONE, I32I32_TO_I32, NUM) \
	X(I32_OR, 0, 0x72, "i32.or", NONE, I32I32_TO_I32, NUM) \
	X(I32_XOR, 0, 0x73, "i32.xor", NONE, I32I32_TO_I32, NUM) \
	X(I32_SHL, 0, 0x74, "i32.shl", NONE, I32I32_TO_I32, NUM) \
	X(I32_SHR_S, 0, 0x75, "i32.shr_s", NONE, I32I32_TO_I32, NUM) \
	X(I32_SHR_U, 0, 0x76, "i32.shr_u", NONE, I32I32_TO_I32, NUM) \
	X(I32_ROTL, 0, 0x77, "i32.rotl", NONE, I32I32_TO_I32, NUM) \
	X(I32_ROTR, 0, 0x78, "i32.rotr", NONE, I32I32_TO_I32, NUM) \
	X(I64_CLZ, 0, 0x79, "i64.clz", NONE, I64_TO_I64, NUM) \
	X(I64_CTZ, 0, 0x7a, "i64.ctz", NONE, I64_TO_I64, NUM) \
	X(I64_POPCNT, 0, 0x7b, "i64.popcnt", NONE, I64_TO_I64, NUM) \
	X(I64_ADD, 0, 0x7c, "i64.add", NONE, I64I64_TO_I64, NUM) \
	X(I64_SUB, 0, 0x7d, "i64.sub", NONE, I64I64_TO_I64, NUM) \
	X(I64_MUL, 0, 0x7e, "i64.mul", NONE, I64I64_TO_I64, NUM) \
	X(I64_DIV_S, 0, 0x7f, "i64.div_s", NONE, I64I64_TO_I64, NUM) \
	X(I64_DIV_U, 0, 0x80, "i64.div_u", NONE, I64I64_TO_I64, NUM) \
	X(I64_REM_S, 0, 0x81, "i64.rem_s", NONE, I64I64_TO_I64, NUM) \
	X(I64_REM_U, 0, 0x82, "i64.rem_u", NONE, I64I64_TO_I64, NUM) \
	X(I64_AND, 0, 0x83, "i64.and", NONE, I64I64_TO_I64, NUM) \
	X(I64_OR, 0, 0x84, "i64.or", NONE, I64I64_TO_I64, NUM) \
	X(I64_XOR, 0, 0x85, "i64.xor", NONE, I64I64_TO_I64, NUM) \
	X(I64_SHL, 0, 0x86, "i64.shl", NONE, I64I64_TO_I64, NUM) \
	X(I64_SHR_S, 0, 0x87, "i64.shr_s", NONE, I64I64_TO_I64, NUM) \
	X(I64_SHR_U, 0, 0x88, "i64.shr_u", NONE, I64I64_TO_I64, NUM) \
	X(I64_ROTL, 0, 0x89, "i64.rotl", NONE, I64I64_TO_I64, NUM) \
	X(I64_ROTR, 0, 0x8a, "i64.rotr", NONE, I64I64_TO_I64, NUM) \
	X(F32_ABS, 0, 0x8b, "f32.abs", NONE, F32_TO_F32, NUM) \
	X(F32_NEG, 0, 0x8c, "f32.neg", NONE, F32_TO_F32, NUM) \
	X(F32_CEIL, 0, 0x8d, "f32.ceil", NONE, F32_TO_F32, NUM) \
	X(F32_FLOOR, 0, 0x8e, "f32.floor", NONE, F32_TO_F32, NUM) \
	X(F32_TRUNC, 0, 0x8f, "f32.trunc", NONE, F32_TO_F32, NUM) \
	X(F32_NEAREST, 0, 0x90, "f32.nearest", NONE, F32_TO_F32, NUM) \
	X(F32_SQRT, 0, 0x91, "f32.sqrt", NONE, F32_TO_F32, NUM) \
	X(F32_ADD, 0, 0x92, "f32.add", NONE, F32F32_TO_F32, NUM) \
	X(F32_SUB, 0, 0x93, "f32.sub", NONE, F32F32_TO_F32, NUM) \
	X(F32_MUL, 0, 0x94, "f32.mul", NONE, F32F32_TO_F32, NUM) \
	X(F32_DIV, 0, 0x95, "f32.div", NONE, F32F32_TO_F32, NUM) \
	X(F32_MIN, 0, 0x96, "f32.min", NONE, F32F32_TO_F32, NUM) \
	X(F32_MAX, 0, 0x97, "f32.max", NONE, F32F32_TO_F32, NUM) \
	X(F32_COPYSIGN, 0, 0x98, "f32.copysign", NONE, F32F32_TO_F32, NUM) \
	X(F64_ABS, 0, 0x99, "f64.abs", NONE, F64_TO_F64, NUM) \
	X(F64_NEG, 0, 0x9a, "f64.neg", NONE, F64_TO_F64, NUM) \
	X(F64_CEIL, 0, 0x9b, "f64.ceil", NONE, F64_TO_F64, NUM) \
	X(F64_FLOOR, 0, 0x9c, "f64.floor", NONE, F64_TO_F64, NUM) \
	X(F64_TRUNC, 0, 0x9d, "f64.trunc", NONE, F64_TO_F64, NUM) \
	X(F64_NEAREST, 0, 0x9e, "f64.nearest", NONE, F64_TO_F64, NUM) \
	X(F64_SQRT, 0, 0x9f, "f64.sqrt", NONE, F64_TO_F64, NUM) \
	X(F64_ADD, 0, 0xa0, "f64.add", NONE, F64F64_TO_F64, NUM) \
	X(F64_SUB, 0, 0xa1, "f64.sub", NONE, F64F64_TO_F64, NUM) \
	X(F64_MUL, 0, 0xa2, "f64.mul", NONE, F64F64_TO_F64, NUM) \
	X(F64_DIV, 0, 0xa3, "f64.div", NONE, F64F64_TO_F64, NUM) \
	X(F64_MIN, 0, 0xa4, "f64.min", NONE, F64F64_TO_F64, NUM) \
	X(F64_MAX, 0, 0xa5, "f64.max", NONE, F64F64_TO_F64, NUM) \
	X(F64_COPYSIGN, 0, 0xa6, "f64.copysign", NONE, F64F64_TO_F64, NUM) \
	X(I32_WRAP_I64, 0, 0xa7, "i32.wrap_i64", NONE, I64_TO_I32, NUM) \
	X(I32_TRUNC_F32_S, 0, 0xa8, "i32.trunc_f32_s", NONE, F32_TO_I32, NUM) \
	X(I32_TRUNC_F32_U, 0, 0xa9, "i32.trunc_f32_u", NONE, F32_TO_I32, NUM) \
	X(I32_TRUNC_F64_S, 0, 0xaa, "i32.trunc_f64_s", NONE, F64_TO_I32, NUM) \
	X(I32_TRUNC_F64_U, 0, 0xab, "i32.trunc_f64_u", NONE, F64_TO_I32, NUM) \
	X(I64_EXTEND_I32_S, 0, 0xac, "i64.extend_i32_s", NONE, I32_TO_I64, NUM) \
	X(I64_EXTEND_I32_U, 0, 0xad, "i64.extend_i32_u", NONE, I32_TO_I64, NUM) \
	X(I64_TRUNC_F32_S, 0, 0xae, "i64.trunc_f32_s", NONE, F32_TO_I64, NUM) \
	X(I64_TRUNC_F32_U, 0, 0xaf, "i64.trunc_f32_u", NONE, F32_TO_I64, NUM) \
	X(I64_TRUNC_F64_S, 0, 0xb0, "i64.trunc_f64_s", NONE, F64_TO_I64, NUM) \
	X(I64_TRUNC_F64_U, 0, 0xb1, "i64.trunc_f64_u", NONE, F64_TO_I64, NUM) \
	X(F32_CONVERT_I32_S, 0, 0xb2, "f32.convert_i32_s", NONE, I32_TO_F32, NUM) \
	X(F32_CONVERT_I32_U, 0, 0xb3, "f32.convert_i32_u", NONE, I32_TO_F32, NUM) \
	X(F32_CONVERT_I64_S, 0, 0xb4, "f32.convert_i64_s", NONE, I64_TO_F32, NUM) \
	X(F32_CONVERT_I64_U, 0, 0xb5, "f32.convert_i64_u", NONE, I64_TO_F32, NUM) \
	X(F32_DEMOTE_F64, 0, 0xb6, "f32.demote_f64", NONE, F64_TO_F32, NUM) \
	X(F64_CONVERT_I32_S, 0, 0xb7, "f64.convert_i32_s", NONE, I32_TO_F64, NUM) \
	X(F64_CONVERT_I32_U, 0, 0xb8, "f64.convert_i32_u", NONE, I32_TO_F64, NUM) \
	X(F64_CONVERT_I64_S, 0, 0xb9, "f64.convert_i64_s", NONE, I64_TO_F64, NUM) \
	X(F64_CONVERT_I64_U, 0, 0xba, "f64.convert_i64_u", NONE, I64_TO_F64, NUM) \
	X(F64_PROMOTE_F32, 0, 0xbb, "f64.promote_f32", NONE, F32_TO_F64, NUM) \
	X(I32_REINTERPRET_F32, 0, 0xbc, "i32.reinterpret_f32", NONE, F32_TO_I32, BITS) \
	X(I64_REINTERPRET_F64, 0, 0xbd, "i64.reinterpret_f64", NONE, F64_TO_I64, BITS) \
	X(F32_REINTERPRET_I32, 0, 0xbe, "f32.reinterpret_i32", NONE, I32_TO_F32, BITS) \
	X(F64_REINTERPRET_I64, 0, 0xbf, "f64.reinterpret_i64", NONE, I64_TO_F64, BITS) \
	X(I32_EXTEND8_S, 0, 0xc0, "i32.extend8_s", NONE, I32_TO_I32, NUM) \
	X(I32_EXTEND16_S, 0, 0xc1, "i32.extend16_s", NONE, I32_TO_I32, NUM) \
	X(I64_EXTEND8_S, 0, 0xc2, "i64.extend8_s", NONE, I64_TO_I64, NUM) \
	X(I64_EXTEND16_S, 0, 0xc3, "i64.extend16_s", NONE, I64_TO_I64, NUM) \
	X(I64_EXTEND32_S, 0, 0xc4, "i64.extend32_s", NONE, I64_TO_I64, NUM) \
	X(REF_NULL, 0, 0xd0, "ref.null", REFTYPE, NONE, SPECIAL) \
	X(REF_IS_NULL, 0, 0xd1, "ref.is_null", NONE, NONE, SPECIAL) \
	X(REF_FUNC, 0, 0xd2, "ref.func", IDX, NONE, SPECIAL) \
	X(REF_EQ, 0, 0xd3, "ref.eq", NONE, NONE, SPECIAL) \
	X(REF_AS_NON_NULL, 0, 0xd4, "ref.as_non_null", NONE, NONE, SPECIAL) \
	X(BR_ON_NULL, 0, 0xd5, "br_on_null", IDX, NONE, SPECIAL) \
	X(BR_ON_NON_NULL, 0, 0xd6, "br_on_non_null", IDX, NONE, SPECIAL) \
	X(STRUCT_NEW, 0xfb, 0, "struct.new", IDX, NONE, SPECIAL) \
	X(STRUCT_NEW_DEFAULT, 0xfb, 1, "struct.new_default", IDX, NONE, SPECIAL) \
	X(STRUCT_GET, 0xfb, 2, "struct.get", IDX2, NONE, SPECIAL) \
	X(STRUCT_GET_S, 0xfb, 3, "struct.get_s", IDX2, NONE, SPECIAL) \
	X(STRUCT_GET_U, 0xfb, 4, "struct.get_u", IDX2, NONE, SPECIAL) \
	X(STRUCT_SET, 0xfb, 5, "struct.set", IDX2, NONE, SPECIAL) \
	X(ARRAY_NEW, 0xfb, 6, "array.new", IDX, NONE, SPECIAL) \
	X(ARRAY_NEW_DEFAULT, 0xfb, 7, "array.new_default", IDX, NONE, SPECIAL) \
	X(ARRAY_NEW_FIXED, 0xfb, 8, "array.new_fixed", IDX2, NONE, SPECIAL) \
	X(ARRAY_NEW_DATA, 0xfb, 9, "array.new_data", IDX2, NONE, SPECIAL) \
	X(ARRAY_NEW_ELEM, 0xfb, 10, "array.new_elem", IDX2, NONE, SPECIAL) \
	X(ARRAY_GET, 0xfb, 11, "array.get", IDX, NONE, SPECIAL) \
	X(ARRAY_GET_S, 0xfb, 12, "array.get_s", IDX, NONE, SPECIAL) \
	X(ARRAY_GET_U, 0xfb, 13, "array.get_u", IDX, NONE, SPECIAL) \
	X(ARRAY_SET, 0xfb, 14, "array.set", IDX, NONE, SPECIAL) \
	X(ARRAY_LEN, 0xfb, 15, "array.len", NONE, NONE, SPECIAL) \
	X(ARRAY_FILL, 0xfb, 16, "array.fill", IDX, NONE, SPECIAL) \
	X(ARRAY_COPY, 0xfb, 17, "array.copy", IDX2, NONE, SPECIAL) \
	X(ARRAY_INIT_DATA, 0xfb, 18, "array.init_data", IDX2, NONE, SPECIAL) \
	X(ARRAY_INIT_ELEM, 0xfb, 19, "array.init_elem", IDX2, NONE, SPECIAL) \
	X(REF_TEST, 0xfb, 20, "ref.test", HEAPTYPE, NONE, SPECIAL) \
	X(REF_TEST_NULL, 0xfb, 21, "ref.test", HEAPTYPE, NONE, SPECIAL) \
	X(REF_CAST, 0xfb, 22, "ref.cast", HEAPTYPE, NONE, SPECIAL) \
	X(REF_CAST_NULL, 0xfb, 23, "ref.cast", HEAPTYPE, NONE, SPECIAL) \
	X(BR_ON_CAST, 0xfb, 24, "br_on_cast", BR_ON_CAST, NONE, SPECIAL) \
	X(BR_ON_CAST_FAIL, 0xfb, 25, "br_on_cast_fail", BR_ON_CAST, NONE, SPECIAL) \
	X(ANY_CONVERT_EXTERN, 0xfb, 26, "any.convert_extern", NONE, NONE, SPECIAL) \
	X(EXTERN_CONVERT_ANY, 0xfb, 27, "extern.convert_any", NONE, NONE, SPECIAL) \
	X(REF_I31, 0xfb, 28, "ref.i31", NONE, NONE, SPECIAL) \
	X(I31_GET_S, 0xfb, 29, "i31.get_s", NONE, NONE, SPECIAL) \
	X(I31_GET_U, 0xfb, 30, "i31.get_u", NONE, NONE, SPECIAL) \
	X(I32_TRUNC_SAT_F32_S, 0xfc, 0, "i32.trunc_sat_f32_s", NONE, F32_TO_I32, NUM) \
	X(I32_TRUNC_SAT_F32_U, 0xfc, 1, "i32.trunc_sat_f32_u", NONE, F32_TO_I32, NUM) \
	X(I32_TRUNC_SAT_F64_S, 0xfc, 2, "i32.trunc_sat_f64_s", NONE, F64_TO_I32, NUM) \
	X(I32_TRUNC_SAT_F64_U, 0xfc, 3, "i32.trunc_sat_f64_u", NONE, F64_TO_I32, NUM) \
	X(I64_TRUNC_SAT_F32_S, 0xfc, 4, "i64.trunc_sat_f32_s", NONE, F32_TO_I64, NUM) \
	X(I64_TRUNC_SAT_F32_U, 0xfc, 5, "i64.trunc_sat_f32_u", NONE, F32_TO_I64, NUM) \
	X(I64_TRUNC_SAT_F64_S, 0xfc, 6, "i64.trunc_sat_f64_s", NONE, F64_TO_I64, NUM) \
	X(I64_TRUNC_SAT_F64_U, 0xfc, 7, "i64.trunc_sat_f64_u", NONE, F64_TO_I64, NUM) \
	X(MEMORY_INIT, 0xfc, 8, "memory.init", IDX_MEM0, NONE, SPECIAL) \
	X(DATA_DROP, 0xfc, 9, "data.drop", IDX, NONE, SPECIAL) \
	X(MEMORY_COPY, 0xfc, 10, "memory.copy", MEM0_MEM0, NONE, SPECIAL) \
	X(MEMORY_FILL, 0xfc, 11, "memory.fill", MEM0, NONE, SPECIAL) \
	X(TABLE_INIT, 0xfc, 12, "table.init", IDX2, NONE, SPECIAL) \
	X(ELEM_DROP, 0xfc, 13, "elem.drop", IDX, NONE, SPECIAL) \
	X(TABLE_COPY, 0xfc, 14, "table.copy", IDX2, NONE, SPECIAL) \
	X(TABLE_GROW, 0xfc, 15, "table.grow", IDX, NONE, SPECIAL) \
	X(TABLE_SIZE, 0xfc, 16, "table.size", IDX, NONE, SPECIAL) \
	X(TABLE_FILL, 0xfc, 17, "table.fill", IDX, NONE, SPECIAL) \
	X(V128_LOAD, 0xfd, 0x00, "v128.load", MEMARG16, I32_TO_V128, SIMD) \
	X(V128_LOAD8X8_S, 0xfd, 0x01, "v128.load8x8_s", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD8X8_U, 0xfd, 0x02, "v128.load8x8_u", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD16X4_S, 0xfd, 0x03, "v128.load16x4_s", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD16X4_U, 0xfd, 0x04, "v128.load16x4_u", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD32X2_S, 0xfd, 0x05, "v128.load32x2_s", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD32X2_U, 0xfd, 0x06, "v128.load32x2_u", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_LOAD8_SPLAT, 0xfd, 0x07, "v128.load8_splat", MEMARG1, I32_TO_V128, SIMD) \
	X(V128_LOAD16_SPLAT, 0xfd, 0x08, "v128.load16_splat", MEMARG2, I32_TO_V128, SIMD) \
	X(V128_LOAD32_SPLAT, 0xfd, 0x09, "v128.load32_splat", MEMARG4, I32_TO_V128, SIMD) \
	X(V128_LOAD64_SPLAT, 0xfd, 0x0a, "v128.load64_splat", MEMARG8, I32_TO_V128, SIMD) \
	X(V128_STORE, 0xfd, 0x0b, "v128.store", MEMARG16, I32V128_TO_NONE, SIMD) \
	X(V128_CONST, 0xfd, 0x0c, "v128.const", V128, NONE_TO_V128, SIMD) \
	X(I8X16_SHUFFLE, 0xfd, 0x0d, "i8x16.shuffle", SHUFFLE, V128V128_TO_V128, SIMD) \
	X(I8X16_SWIZZLE, 0xfd, 0x0e, "i8x16.swizzle", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_SPLAT, 0xfd, 0x0f, "i8x16.splat", NONE, I32_TO_V128, SIMD) \
	X(I16X8_SPLAT, 0xfd, 0x10, "i16x8.splat", NONE, I32_TO_V128, SIMD) \
	X(I32X4_SPLAT, 0xfd, 0x11, "i32x4.splat", NONE, I32_TO_V128, SIMD) \
	X(I64X2_SPLAT, 0xfd, 0x12, "i64x2.splat", NONE, I64_TO_V128, SIMD) \
	X(F32X4_SPLAT, 0xfd, 0x13, "f32x4.splat", NONE, F32_TO_V128, SIMD) \
	X(F64X2_SPLAT, 0xfd, 0x14, "f64x2.splat", NONE, F64_TO_V128, SIMD) \
	X(I8X16_EXTRACT_LANE_S, 0xfd, 0x15, "i8x16.extract_lane_s", LANE16, V128_TO_I32, SIMD) \
	X(I8X16_EXTRACT_LANE_U, 0xfd, 0x16, "i8x16.extract_lane_u", LANE16, V128_TO_I32, SIMD) \
	X(I8X16_REPLACE_LANE, 0xfd, 0x17, "i8x16.replace_lane", LANE16, V128I32_TO_V128, SIMD) \
	X(I16X8_EXTRACT_LANE_S, 0xfd, 0x18, "i16x8.extract_lane_s", LANE8, V128_TO_I32, SIMD) \
	X(I16X8_EXTRACT_LANE_U, 0xfd, 0x19, "i16x8.extract_lane_u", LANE8, V128_TO_I32, SIMD) \
	X(I16X8_REPLACE_LANE, 0xfd, 0x1a, "i16x8.replace_lane", LANE8, V128I32_TO_V128, SIMD) \
	X(I32X4_EXTRACT_LANE, 0xfd, 0x1b, "i32x4.extract_lane", LANE4, V128_TO_I32, SIMD) \
	X(I32X4_REPLACE_LANE, 0xfd, 0x1c, "i32x4.replace_lane", LANE4, V128I32_TO_V128, SIMD) \
	X(I64X2_EXTRACT_LANE, 0xfd, 0x1d, "i64x2.extract_lane", LANE2, V128_TO_I64, SIMD) \
	X(I64X2_REPLACE_LANE, 0xfd, 0x1e, "i64x2.replace_lane", LANE2, V128I64_TO_V128, SIMD) \
	X(F32X4_EXTRACT_LANE, 0xfd, 0x1f, "f32x4.extract_lane", LANE4, V128_TO_F32, SIMD) \
	X(F32X4_REPLACE_LANE, 0xfd, 0x20, "f32x4.replace_lane", LANE4, V128F32_TO_V128, SIMD) \
	X(F64X2_EXTRACT_LANE, 0xfd, 0x21, "f64x2.extract_lane", LANE2, V128_TO_F64, SIMD) \
	X(F64X2_REPLACE_LANE, 0xfd, 0x22, "f64x2.replace_lane", LANE2, V128F64_TO_V128, SIMD) \
	X(I8X16_EQ, 0xfd, 0x23, "i8x16.eq", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_NE, 0xfd, 0x24, "i8x16.ne", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_LT_S, 0xfd, 0x25, "i8x16.lt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_LT_U, 0xfd, 0x26, "i8x16.lt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_GT_S, 0xfd, 0x27, "i8x16.gt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_GT_U, 0xfd, 0x28, "i8x16.gt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_LE_S, 0xfd, 0x29, "i8x16.le_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_LE_U, 0xfd, 0x2a, "i8x16.le_u", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_GE_S, 0xfd, 0x2b, "i8x16.ge_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_GE_U, 0xfd, 0x2c, "i8x16.ge_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EQ, 0xfd, 0x2d, "i16x8.eq", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_NE, 0xfd, 0x2e, "i16x8.ne", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_LT_S, 0xfd, 0x2f, "i16x8.lt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_LT_U, 0xfd, 0x30, "i16x8.lt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_GT_S, 0xfd, 0x31, "i16x8.gt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_GT_U, 0xfd, 0x32, "i16x8.gt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_LE_S, 0xfd, 0x33, "i16x8.le_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_LE_U, 0xfd, 0x34, "i16x8.le_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_GE_S, 0xfd, 0x35, "i16x8.ge_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_GE_U, 0xfd, 0x36, "i16x8.ge_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_EQ, 0xfd, 0x37, "i32x4.eq", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_NE, 0xfd, 0x38, "i32x4.ne", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_LT_S, 0xfd, 0x39, "i32x4.lt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_LT_U, 0xfd, 0x3a, "i32x4.lt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_GT_S, 0xfd, 0x3b, "i32x4.gt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_GT_U, 0xfd, 0x3c, "i32x4.gt_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_LE_S, 0xfd, 0x3d, "i32x4.le_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_LE_U, 0xfd, 0x3e, "i32x4.le_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_GE_S, 0xfd, 0x3f, "i32x4.ge_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_GE_U, 0xfd, 0x40, "i32x4.ge_u", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_EQ, 0xfd, 0x41, "f32x4.eq", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_NE, 0xfd, 0x42, "f32x4.ne", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_LT, 0xfd, 0x43, "f32x4.lt", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_GT, 0xfd, 0x44, "f32x4.gt", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_LE, 0xfd, 0x45, "f32x4.le", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_GE, 0xfd, 0x46, "f32x4.ge", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_EQ, 0xfd, 0x47, "f64x2.eq", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_NE, 0xfd, 0x48, "f64x2.ne", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_LT, 0xfd, 0x49, "f64x2.lt", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_GT, 0xfd, 0x4a, "f64x2.gt", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_LE, 0xfd, 0x4b, "f64x2.le", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_GE, 0xfd, 0x4c, "f64x2.ge", NONE, V128V128_TO_V128, SIMD) \
	X(V128_NOT, 0xfd, 0x4d, "v128.not", NONE, V128_TO_V128, SIMD) \
	X(V128_AND, 0xfd, 0x4e, "v128.and", NONE, V128V128_TO_V128, SIMD) \
	X(V128_ANDNOT, 0xfd, 0x4f, "v128.andnot", NONE, V128V128_TO_V128, SIMD) \
	X(V128_OR, 0xfd, 0x50, "v128.or", NONE, V128V128_TO_V128, SIMD) \
	X(V128_XOR, 0xfd, 0x51, "v128.xor", NONE, V128V128_TO_V128, SIMD) \
	X(V128_BITSELECT, 0xfd, 0x52, "v128.bitselect", NONE, V128V128V128_TO_V128, SIMD) \
	X(V128_ANY_TRUE, 0xfd, 0x53, "v128.any_true", NONE, V128_TO_I32, SIMD) \
	X(V128_LOAD8_LANE, 0xfd, 0x54, "v128.load8_lane", MEMARG1_LANE, I32V128_TO_V128, SIMD) \
	X(V128_LOAD16_LANE, 0xfd, 0x55, "v128.load16_lane", MEMARG2_LANE, I32V128_TO_V128, SIMD) \
	X(V128_LOAD32_LANE, 0xfd, 0x56, "v128.load32_lane", MEMARG4_LANE, I32V128_TO_V128, SIMD) \
	X(V128_LOAD64_LANE, 0xfd, 0x57, "v128.load64_lane", MEMARG8_LANE, I32V128_TO_V128, SIMD) \
	X(V128_STORE8_LANE, 0xfd, 0x58, "v128.store8_lane", MEMARG1_LANE, I32V128_TO_NONE, SIMD) \
	X(V128_STORE16_LANE, 0xfd, 0x59, "v128.store16_lane", MEMARG2_LANE, I32V128_TO_NONE, SIMD) \
	X(V128_STORE32_LANE, 0xfd, 0x5a, "v128.store32_lane", MEMARG4_LANE, I32V128_TO_NONE, SIMD) \
	X(V128_STORE64_LANE, 0xfd, 0x5b, "v128.store64_lane", MEMARG8_LANE, I32V128_TO_NONE, SIMD) \
	X(V128_LOAD32_ZERO, 0xfd, 0x5c, "v128.load32_zero", MEMARG4, I32_TO_V128, SIMD) \
	X(V128_LOAD64_ZERO, 0xfd, 0x5d, "v128.load64_zero", MEMARG8, I32_TO_V128, SIMD) \
	X(F32X4_DEMOTE_F64X2_ZERO, 0xfd, 0x5e, "f32x4.demote_f64x2_zero", NONE, V128_TO_V128, SIMD) \
	X(F64X2_PROMOTE_LOW_F32X4, 0xfd, 0x5f, "f64x2.promote_low_f32x4", NONE, V128_TO_V128, SIMD) \
	X(I8X16_ABS, 0xfd, 0x60, "i8x16.abs", NONE, V128_TO_V128, SIMD) \
	X(I8X16_NEG, 0xfd, 0x61, "i8x16.neg", NONE, V128_TO_V128, SIMD) \
	X(I8X16_POPCNT, 0xfd, 0x62, "i8x16.popcnt", NONE, V128_TO_V128, SIMD) \
	X(I8X16_ALL_TRUE, 0xfd, 0x63, "i8x16.all_true", NONE, V128_TO_I32, SIMD) \
	X(I8X16_BITMASK, 0xfd, 0x64, "i8x16.bitmask", NONE, V128_TO_I32, SIMD) \
	X(I8X16_NARROW_I16X8_S, 0xfd, 0x65, "i8x16.narrow_i16x8_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_NARROW_I16X8_U, 0xfd, 0x66, "i8x16.narrow_i16x8_u", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_CEIL, 0xfd, 0x67, "f32x4.ceil", NONE, V128_TO_V128, SIMD) \
	X(F32X4_FLOOR, 0xfd, 0x68, "f32x4.floor", NONE, V128_TO_V128, SIMD) \
	X(F32X4_TRUNC, 0xfd, 0x69, "f32x4.trunc", NONE, V128_TO_V128, SIMD) \
	X(F32X4_NEAREST, 0xfd, 0x6a, "f32x4.nearest", NONE, V128_TO_V128, SIMD) \
	X(I8X16_SHL, 0xfd, 0x6b, "i8x16.shl", NONE, V128I32_TO_V128, SIMD) \
	X(I8X16_SHR_S, 0xfd, 0x6c, "i8x16.shr_s", NONE, V128I32_TO_V128, SIMD) \
	X(I8X16_SHR_U, 0xfd, 0x6d, "i8x16.shr_u", NONE, V128I32_TO_V128, SIMD) \
	X(I8X16_ADD, 0xfd, 0x6e, "i8x16.add", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_ADD_SAT_S, 0xfd, 0x6f, "i8x16.add_sat_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_ADD_SAT_U, 0xfd, 0x70, "i8x16.add_sat_u", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_SUB, 0xfd, 0x71, "i8x16.sub", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_SUB_SAT_S, 0xfd, 0x72, "i8x16.sub_sat_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_SUB_SAT_U, 0xfd, 0x73, "i8x16.sub_sat_u", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_CEIL, 0xfd, 0x74, "f64x2.ceil", NONE, V128_TO_V128, SIMD) \
	X(F64X2_FLOOR, 0xfd, 0x75, "f64x2.floor", NONE, V128_TO_V128, SIMD) \
	X(I8X16_MIN_S, 0xfd, 0x76, "i8x16.min_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_MIN_U, 0xfd, 0x77, "i8x16.min_u", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_MAX_S, 0xfd, 0x78, "i8x16.max_s", NONE, V128V128_TO_V128, SIMD) \
	X(I8X16_MAX_U, 0xfd, 0x79, "i8x16.max_u", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_TRUNC, 0xfd, 0x7a, "f64x2.trunc", NONE, V128_TO_V128, SIMD) \
	X(I8X16_AVGR_U, 0xfd, 0x7b, "i8x16.avgr_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTADD_PAIRWISE_I8X16_S, 0xfd, 0x7c, "i16x8.extadd_pairwise_i8x16_s", NONE, V128_TO_V128, SIMD) \
	X(I16X8_EXTADD_PAIRWISE_I8X16_U, 0xfd, 0x7d, "i16x8.extadd_pairwise_i8x16_u", NONE, V128_TO_V128, SIMD) \
	X(I32X4_EXTADD_PAIRWISE_I16X8_S, 0xfd, 0x7e, "i32x4.extadd_pairwise_i16x8_s", NONE, V128_TO_V128, SIMD) \
	X(I32X4_EXTADD_PAIRWISE_I16X8_U, 0xfd, 0x7f, "i32x4.extadd_pairwise_i16x8_u", NONE, V128_TO_V128, SIMD) \
	X(I16X8_ABS, 0xfd, 0x80, "i16x8.abs", NONE, V128_TO_V128, SIMD) \
	X(I16X8_NEG, 0xfd, 0x81, "i16x8.neg", NONE, V128_TO_V128, SIMD) \
	X(I16X8_Q15MULR_SAT_S, 0xfd, 0x82, "i16x8.q15mulr_sat_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_ALL_TRUE, 0xfd, 0x83, "i16x8.all_true", NONE, V128_TO_I32, SIMD) \
	X(I16X8_BITMASK, 0xfd, 0x84, "i16x8.bitmask", NONE, V128_TO_I32, SIMD) \
	X(I16X8_NARROW_I32X4_S, 0xfd, 0x85, "i16x8.narrow_i32x4_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_NARROW_I32X4_U, 0xfd, 0x86, "i16x8.narrow_i32x4_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTEND_LOW_I8X16_S, 0xfd, 0x87, "i16x8.extend_low_i8x16_s", NONE, V128_TO_V128, SIMD) \
	X(I16X8_EXTEND_HIGH_I8X16_S, 0xfd, 0x88, "i16x8.extend_high_i8x16_s", NONE, V128_TO_V128, SIMD) \
	X(I16X8_EXTEND_LOW_I8X16_U, 0xfd, 0x89, "i16x8.extend_low_i8x16_u", NONE, V128_TO_V128, SIMD) \
	X(I16X8_EXTEND_HIGH_I8X16_U, 0xfd, 0x8a, "i16x8.extend_high_i8x16_u", NONE, V128_TO_V128, SIMD) \
	X(I16X8_SHL, 0xfd, 0x8b, "i16x8.shl", NONE, V128I32_TO_V128, SIMD) \
	X(I16X8_SHR_S, 0xfd, 0x8c, "i16x8.shr_s", NONE, V128I32_TO_V128, SIMD) \
	X(I16X8_SHR_U, 0xfd, 0x8d, "i16x8.shr_u", NONE, V128I32_TO_V128, SIMD) \
	X(I16X8_ADD, 0xfd, 0x8e, "i16x8.add", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_ADD_SAT_S, 0xfd, 0x8f, "i16x8.add_sat_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_ADD_SAT_U, 0xfd, 0x90, "i16x8.add_sat_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_SUB, 0xfd, 0x91, "i16x8.sub", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_SUB_SAT_S, 0xfd, 0x92, "i16x8.sub_sat_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_SUB_SAT_U, 0xfd, 0x93, "i16x8.sub_sat_u", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_NEAREST, 0xfd, 0x94, "f64x2.nearest", NONE, V128_TO_V128, SIMD) \
	X(I16X8_MUL, 0xfd, 0x95, "i16x8.mul", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_MIN_S, 0xfd, 0x96, "i16x8.min_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_MIN_U, 0xfd, 0x97, "i16x8.min_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_MAX_S, 0xfd, 0x98, "i16x8.max_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_MAX_U, 0xfd, 0x99, "i16x8.max_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_AVGR_U, 0xfd, 0x9b, "i16x8.avgr_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTMUL_LOW_I8X16_S, 0xfd, 0x9c, "i16x8.extmul_low_i8x16_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTMUL_HIGH_I8X16_S, 0xfd, 0x9d, "i16x8.extmul_high_i8x16_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTMUL_LOW_I8X16_U, 0xfd, 0x9e, "i16x8.extmul_low_i8x16_u", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_EXTMUL_HIGH_I8X16_U, 0xfd, 0x9f, "i16x8.extmul_high_i8x16_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_ABS, 0xfd, 0xa0, "i32x4.abs", NONE, V128_TO_V128, SIMD) \
	X(I32X4_NEG, 0xfd, 0xa1, "i32x4.neg", NONE, V128_TO_V128, SIMD) \
	X(I32X4_ALL_TRUE, 0xfd, 0xa3, "i32x4.all_true", NONE, V128_TO_I32, SIMD) \
	X(I32X4_BITMASK, 0xfd, 0xa4, "i32x4.bitmask", NONE, V128_TO_I32, SIMD) \
	X(I32X4_EXTEND_LOW_I16X8_S, 0xfd, 0xa7, "i32x4.extend_low_i16x8_s", NONE, V128_TO_V128, SIMD) \
	X(I32X4_EXTEND_HIGH_I16X8_S, 0xfd, 0xa8, "i32x4.extend_high_i16x8_s", NONE, V128_TO_V128, SIMD) \
	X(I32X4_EXTEND_LOW_I16X8_U, 0xfd, 0xa9, "i32x4.extend_low_i16x8_u", NONE, V128_TO_V128, SIMD) \
	X(I32X4_EXTEND_HIGH_I16X8_U, 0xfd, 0xaa, "i32x4.extend_high_i16x8_u", NONE, V128_TO_V128, SIMD) \
	X(I32X4_SHL, 0xfd, 0xab, "i32x4.shl", NONE, V128I32_TO_V128, SIMD) \
	X(I32X4_SHR_S, 0xfd, 0xac, "i32x4.shr_s", NONE, V128I32_TO_V128, SIMD) \
	X(I32X4_SHR_U, 0xfd, 0xad, "i32x4.shr_u", NONE, V128I32_TO_V128, SIMD) \
	X(I32X4_ADD, 0xfd, 0xae, "i32x4.add", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_SUB, 0xfd, 0xb1, "i32x4.sub", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_MUL, 0xfd, 0xb5, "i32x4.mul", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_MIN_S, 0xfd, 0xb6, "i32x4.min_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_MIN_U, 0xfd, 0xb7, "i32x4.min_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_MAX_S, 0xfd, 0xb8, "i32x4.max_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_MAX_U, 0xfd, 0xb9, "i32x4.max_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_DOT_I16X8_S, 0xfd, 0xba, "i32x4.dot_i16x8_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_EXTMUL_LOW_I16X8_S, 0xfd, 0xbc, "i32x4.extmul_low_i16x8_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_EXTMUL_HIGH_I16X8_S, 0xfd, 0xbd, "i32x4.extmul_high_i16x8_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_EXTMUL_LOW_I16X8_U, 0xfd, 0xbe, "i32x4.extmul_low_i16x8_u", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_EXTMUL_HIGH_I16X8_U, 0xfd, 0xbf, "i32x4.extmul_high_i16x8_u", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_ABS, 0xfd, 0xc0, "i64x2.abs", NONE, V128_TO_V128, SIMD) \
	X(I64X2_NEG, 0xfd, 0xc1, "i64x2.neg", NONE, V128_TO_V128, SIMD) \
	X(I64X2_ALL_TRUE, 0xfd, 0xc3, "i64x2.all_true", NONE, V128_TO_I32, SIMD) \
	X(I64X2_BITMASK, 0xfd, 0xc4, "i64x2.bitmask", NONE, V128_TO_I32, SIMD) \
	X(I64X2_EXTEND_LOW_I32X4_S, 0xfd, 0xc7, "i64x2.extend_low_i32x4_s", NONE, V128_TO_V128, SIMD) \
	X(I64X2_EXTEND_HIGH_I32X4_S, 0xfd, 0xc8, "i64x2.extend_high_i32x4_s", NONE, V128_TO_V128, SIMD) \
	X(I64X2_EXTEND_LOW_I32X4_U, 0xfd, 0xc9, "i64x2.extend_low_i32x4_u", NONE, V128_TO_V128, SIMD) \
	X(I64X2_EXTEND_HIGH_I32X4_U, 0xfd, 0xca, "i64x2.extend_high_i32x4_u", NONE, V128_TO_V128, SIMD) \
	X(I64X2_SHL, 0xfd, 0xcb, "i64x2.shl", NONE, V128I32_TO_V128, SIMD) \
	X(I64X2_SHR_S, 0xfd, 0xcc, "i64x2.shr_s", NONE, V128I32_TO_V128, SIMD) \
	X(I64X2_SHR_U, 0xfd, 0xcd, "i64x2.shr_u", NONE, V128I32_TO_V128, SIMD) \
	X(I64X2_ADD, 0xfd, 0xce, "i64x2.add", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_SUB, 0xfd, 0xd1, "i64x2.sub", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_MUL, 0xfd, 0xd5, "i64x2.mul", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_EQ, 0xfd, 0xd6, "i64x2.eq", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_NE, 0xfd, 0xd7, "i64x2.ne", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_LT_S, 0xfd, 0xd8, "i64x2.lt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_GT_S, 0xfd, 0xd9, "i64x2.gt_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_LE_S, 0xfd, 0xda, "i64x2.le_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_GE_S, 0xfd, 0xdb, "i64x2.ge_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_EXTMUL_LOW_I32X4_S, 0xfd, 0xdc, "i64x2.extmul_low_i32x4_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_EXTMUL_HIGH_I32X4_S, 0xfd, 0xdd, "i64x2.extmul_high_i32x4_s", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_EXTMUL_LOW_I32X4_U, 0xfd, 0xde, "i64x2.extmul_low_i32x4_u", NONE, V128V128_TO_V128, SIMD) \
	X(I64X2_EXTMUL_HIGH_I32X4_U, 0xfd, 0xdf, "i64x2.extmul_high_i32x4_u", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_ABS, 0xfd, 0xe0, "f32x4.abs", NONE, V128_TO_V128, SIMD) \
	X(F32X4_NEG, 0xfd, 0xe1, "f32x4.neg", NONE, V128_TO_V128, SIMD) \
	X(F32X4_SQRT, 0xfd, 0xe3, "f32x4.sqrt", NONE, V128_TO_V128, SIMD) \
	X(F32X4_ADD, 0xfd, 0xe4, "f32x4.add", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_SUB, 0xfd, 0xe5, "f32x4.sub", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_MUL, 0xfd, 0xe6, "f32x4.mul", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_DIV, 0xfd, 0xe7, "f32x4.div", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_MIN, 0xfd, 0xe8, "f32x4.min", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_MAX, 0xfd, 0xe9, "f32x4.max", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_PMIN, 0xfd, 0xea, "f32x4.pmin", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_PMAX, 0xfd, 0xeb, "f32x4.pmax", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_ABS, 0xfd, 0xec, "f64x2.abs", NONE, V128_TO_V128, SIMD) \
	X(F64X2_NEG, 0xfd, 0xed, "f64x2.neg", NONE, V128_TO_V128, SIMD) \
	X(F64X2_SQRT, 0xfd, 0xef, "f64x2.sqrt", NONE, V128_TO_V128, SIMD) \
	X(F64X2_ADD, 0xfd, 0xf0, "f64x2.add", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_SUB, 0xfd, 0xf1, "f64x2.sub", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_MUL, 0xfd, 0xf2, "f64x2.mul", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_DIV, 0xfd, 0xf3, "f64x2.div", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_MIN, 0xfd, 0xf4, "f64x2.min", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_MAX, 0xfd, 0xf5, "f64x2.max", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_PMIN, 0xfd, 0xf6, "f64x2.pmin", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_PMAX, 0xfd, 0xf7, "f64x2.pmax", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_TRUNC_SAT_F32X4_S, 0xfd, 0xf8, "i32x4.trunc_sat_f32x4_s", NONE, V128_TO_V128, SIMD) \
	X(I32X4_TRUNC_SAT_F32X4_U, 0xfd, 0xf9, "i32x4.trunc_sat_f32x4_u", NONE, V128_TO_V128, SIMD) \
	X(F32X4_CONVERT_I32X4_S, 0xfd, 0xfa, "f32x4.convert_i32x4_s", NONE, V128_TO_V128, SIMD) \
	X(F32X4_CONVERT_I32X4_U, 0xfd, 0xfb, "f32x4.convert_i32x4_u", NONE, V128_TO_V128, SIMD) \
	X(I32X4_TRUNC_SAT_F64X2_S_ZERO, 0xfd, 0xfc, "i32x4.trunc_sat_f64x2_s_zero", NONE, V128_TO_V128, SIMD) \
	X(I32X4_TRUNC_SAT_F64X2_U_ZERO, 0xfd, 0xfd, "i32x4.trunc_sat_f64x2_u_zero", NONE, V128_TO_V128, SIMD) \
	X(F64X2_CONVERT_LOW_I32X4_S, 0xfd, 0xfe, "f64x2.convert_low_i32x4_s", NONE, V128_TO_V128, SIMD) \
	X(F64X2_CONVERT_LOW_I32X4_U, 0xfd, 0xff, "f64x2.convert_low_i32x4_u", NONE, V128_TO_V128, SIMD) \
	X(I8X16_RELAXED_SWIZZLE, 0xfd, 0x100, "i8x16.relaxed_swizzle", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_TRUNC_F32X4_S, 0xfd, 0x101, "i32x4.relaxed_trunc_f32x4_s", NONE, V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_TRUNC_F32X4_U, 0xfd, 0x102, "i32x4.relaxed_trunc_f32x4_u", NONE, V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_TRUNC_F64X2_S_ZERO, 0xfd, 0x103, "i32x4.relaxed_trunc_f64x2_s_zero", NONE, V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_TRUNC_F64X2_U_ZERO, 0xfd, 0x104, "i32x4.relaxed_trunc_f64x2_u_zero", NONE, V128_TO_V128, SIMD) \
	X(F32X4_RELAXED_MADD, 0xfd, 0x105, "f32x4.relaxed_madd", NONE, V128V128V128_TO_V128, SIMD) \
	X(F32X4_RELAXED_NMADD, 0xfd, 0x106, "f32x4.relaxed_nmadd", NONE, V128V128V128_TO_V128, SIMD) \
	X(F64X2_RELAXED_MADD, 0xfd, 0x107, "f64x2.relaxed_madd", NONE, V128V128V128_TO_V128, SIMD) \
	X(F64X2_RELAXED_NMADD, 0xfd, 0x108, "f64x2.relaxed_nmadd", NONE, V128V128V128_TO_V128, SIMD) \
	X(I8X16_RELAXED_LANESELECT, 0xfd, 0x109, "i8x16.relaxed_laneselect", NONE, V128V128V128_TO_V128, SIMD) \
	X(I16X8_RELAXED_LANESELECT, 0xfd, 0x10a, "i16x8.relaxed_laneselect", NONE, V128V128V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_LANESELECT, 0xfd, 0x10b, "i32x4.relaxed_laneselect", NONE, V128V128V128_TO_V128, SIMD) \
	X(I64X2_RELAXED_LANESELECT, 0xfd, 0x10c, "i64x2.relaxed_laneselect", NONE, V128V128V128_TO_V128, SIMD) \
	X(F32X4_RELAXED_MIN, 0xfd, 0x10d, "f32x4.relaxed_min", NONE, V128V128_TO_V128, SIMD) \
	X(F32X4_RELAXED_MAX, 0xfd, 0x10e, "f32x4.relaxed_max", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_RELAXED_MIN, 0xfd, 0x10f, "f64x2.relaxed_min", NONE, V128V128_TO_V128, SIMD) \
	X(F64X2_RELAXED_MAX, 0xfd, 0x110, "f64x2.relaxed_max", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_RELAXED_Q15MULR_S, 0xfd, 0x111, "i16x8.relaxed_q15mulr_s", NONE, V128V128_TO_V128, SIMD) \
	X(I16X8_RELAXED_DOT_I8X16_I7X16_S, 0xfd, 0x112, "i16x8.relaxed_dot_i8x16_i7x16_s", NONE, V128V128_TO_V128, SIMD) \
	X(I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S, 0xfd, 0x113, "i32x4.relaxed_dot_i8x16_i7x16_add_s", NONE, V128V128V128_TO_V128, SIMD)

/* The simple signatures: NAME, number of params, the params' types, the
 * result's type (UNKNOWN: none), as enum wasm_valtype names (module.h). */
#define WASM_SIGS(X) \
	X(NONE, 0, UNKNOWN, UNKNOWN, UNKNOWN) \
	X(NONE_TO_I32, 0, UNKNOWN, UNKNOWN, I32) \
	X(NONE_TO_I64, 0, UNKNOWN, UNKNOWN, I64) \
	X(NONE_TO_F32, 0, UNKNOWN, UNKNOWN, F32) \
	X(NONE_TO_F64, 0, UNKNOWN, UNKNOWN, F64) \
	X(I32_TO_I32, 1, I32, UNKNOWN, I32) \
	X(I32_TO_I64, 1, I32, UNKNOWN, I64) \
	X(I32_TO_F32, 1, I32, UNKNOWN, F32) \
	X(I32_TO_F64, 1, I32, UNKNOWN, F64) \
	X(I64_TO_I32, 1, I64, UNKNOWN, I32) \
	X(I64_TO_I64, 1, I64, UNKNOWN, I64) \
	X(I64_TO_F32, 1, I64, UNKNOWN, F32) \
	X(I64_TO_F64, 1, I64, UNKNOWN, F64) \
	X(F32_TO_I32, 1, F32, UNKNOWN, I32) \
	X(F32_TO_I64, 1, F32, UNKNOWN, I64) \
	X(F32_TO_F32, 1, F32, UNKNOWN, F32) \
	X(F32_TO_F64, 1, F32, UNKNOWN, F64) \
	X(F64_TO_I32, 1, F64, UNKNOWN, I32) \
	X(F64_TO_I64, 1, F64, UNKNOWN, I64) \
	X(F64_TO_F32, 1, F64, UNKNOWN, F32) \
	X(F64_TO_F64, 1, F64, UNKNOWN, F64) \
	X(I32I32_TO_I32, 2, I32, I32, I32) \
	X(I64I64_TO_I32, 2, I64, I64, I32) \
	X(F32F32_TO_I32, 2, F32, F32, I32) \
	X(F64F64_TO_I32, 2, F64, F64, I32) \
	X(I64I64_TO_I64, 2, I64, I64, I64) \
	X(F32F32_TO_F32, 2, F32, F32, F32) \
	X(F64F64_TO_F64, 2, F64, F64, F64) \
	X(I32I32_TO_NONE, 2, I32, I32, UNKNOWN) \
	X(I32I64_TO_NONE, 2, I32, I64, UNKNOWN) \
	X(I32F32_TO_NONE, 2, I32, F32, UNKNOWN) \
	X(I32F64_TO_NONE, 2, I32, F64, UNKNOWN) \
	X(NONE_TO_V128, 0, UNKNOWN, UNKNOWN, V128) \
	X(I32_TO_V128, 1, I32, UNKNOWN, V128) \
	X(I64_TO_V128, 1, I64, UNKNOWN, V128) \
	X(F32_TO_V128, 1, F32, UNKNOWN, V128) \
	X(F64_TO_V128, 1, F64, UNKNOWN, V128) \
	X(V128_TO_I32, 1, V128, UNKNOWN, I32) \
	X(V128_TO_I64, 1, V128, UNKNOWN, I64) \
	X(V128_TO_F32, 1, V128, UNKNOWN, F32) \
	X(V128_TO_F64, 1, V128, UNKNOWN, F64) \
	X(V128_TO_V128, 1, V128, UNKNOWN, V128) \
	X(V128I32_TO_V128, 2, V128, I32, V128) \
	X(V128I64_TO_V128, 2, V128, I64, V128) \
	X(V128F32_TO_V128, 2, V128, F32, V128) \
	X(V128F64_TO_V128, 2, V128, F64, V128) \
	X(V128V128_TO_V128, 2, V128, V128, V128) \
	X(I32V128_TO_V128, 2, I32, V128, V128) \
	X(I32V128_TO_NONE, 2, I32, V128, UNKNOWN) \
	X(V128V128V128_TO_V128, 3, V128, V128, V128)
/* clang-format on */

/* The opcodes: WASM_OP_<NAME>; a prefixed one is its sub-opcode. */
enum wasm_opcode {
	WASM_OP_PREFIX_FB = 0xfb, /* GC: then a u32 sub-opcode */
	WASM_OP_PREFIX_FC = 0xfc, /* then a u32 sub-opcode */
	WASM_OP_PREFIX_FD = 0xfd, /* SIMD: then a u32 sub-opcode */
#define WASM_OP_ENUM(n, p, c, text, imm, sig, tr) WASM_OP_##n = (c),
	WASM_OPCODES(WASM_OP_ENUM)
#undef WASM_OP_ENUM
};

/* How many sub-opcodes of each prefix there are (numbered from 0, dense). */
enum {
#define WASM_OP_COUNT_FC(n, p, c, text, imm, sig, tr) +((p) == WASM_OP_PREFIX_FC)
	WASM_OP_FC_COUNT = 0 WASM_OPCODES(WASM_OP_COUNT_FC),
#undef WASM_OP_COUNT_FC
#define WASM_OP_COUNT_FB(n, p, c, text, imm, sig, tr) +((p) == WASM_OP_PREFIX_FB)
	WASM_OP_FB_COUNT = 0 WASM_OPCODES(WASM_OP_COUNT_FB),
#undef WASM_OP_COUNT_FB
	/* the 0xfd sub-opcodes are sparse: this bounds them; from
	 * WASM_OP_FD_RELAXED on they are relaxed SIMD */
	WASM_OP_FD_END = 0x114,
	WASM_OP_FD_RELAXED = 0x100,
};

/* The index of an opcode in the derived tables; the prefixed ones follow
 * the 256 one-byte opcodes: 0xfc's, then 0xfd's, then 0xfb's (GC). A
 * macro, not a function: designated initializers need a constant. */
#define WASM_OP_FB_BASE (0x100u + WASM_OP_FC_COUNT + WASM_OP_FD_END)
#define WASM_OP_INDEX(prefix, code)                                                     \
	((prefix) == WASM_OP_PREFIX_FC	 ? 0x100u + (uint32_t)(code)                    \
	 : (prefix) == WASM_OP_PREFIX_FD ? 0x100u + WASM_OP_FC_COUNT + (uint32_t)(code) \
	 : (prefix) == WASM_OP_PREFIX_FB ? WASM_OP_FB_BASE + (uint32_t)(code)           \
					 : (uint32_t)(code))
#define WASM_OP_NINDEX (WASM_OP_FB_BASE + WASM_OP_FB_COUNT)

/* Whether index `i` (WASM_OP_INDEX) is a 0xfd (SIMD) row's. */
static inline bool wasm_op_index_is_simd(uint32_t i)
{
	return i >= 0x100u + WASM_OP_FC_COUNT && i < WASM_OP_FB_BASE;
}

/* Whether index `i` (WASM_OP_INDEX) is a GC instruction's: a 0xfb row, or
 * ref.eq. */
static inline bool wasm_op_index_is_gc(uint32_t i)
{
	return (i >= WASM_OP_FB_BASE && i < WASM_OP_NINDEX) || i == WASM_OP_REF_EQ;
}

/* Immediates that follow an opcode. 0 is no instruction (illegal opcode). */
enum wasm_imm {
	WASM_IMM_ILLEGAL = 0,
	WASM_IMM_NONE,
	WASM_IMM_BLOCK,	    /* block type: s33 */
	WASM_IMM_IDX,	    /* one u32 index */
	WASM_IMM_IDX2,	    /* two u32 indices */
	WASM_IMM_BR_TABLE,  /* vec(label) label */
	WASM_IMM_SELECT_T,  /* vec(valtype) */
	WASM_IMM_MEM0,	    /* memory index 0 (a zero byte) */
	WASM_IMM_MEM0_MEM0, /* two of them */
	WASM_IMM_IDX_MEM0,  /* u32 index, then memory index 0 */
	WASM_IMM_MEMARG1,   /* memarg (align, offset) of a 1-byte access */
	WASM_IMM_MEMARG2,
	WASM_IMM_MEMARG4,
	WASM_IMM_MEMARG8,
	WASM_IMM_MEMARG16,     /* (v128.load, v128.store) */
	WASM_IMM_MEMARG1_LANE, /* memarg, then a lane index byte (< 16) */
	WASM_IMM_MEMARG2_LANE, /* ... (< 8) */
	WASM_IMM_MEMARG4_LANE, /* ... (< 4) */
	WASM_IMM_MEMARG8_LANE, /* ... (< 2) */
	WASM_IMM_LANE16,       /* a lane index byte (< 16) */
	WASM_IMM_LANE8,
	WASM_IMM_LANE4,
	WASM_IMM_LANE2,
	WASM_IMM_V128,	  /* 16 bytes */
	WASM_IMM_SHUFFLE, /* 16 lane index bytes (each < 32) */
	WASM_IMM_I32,	  /* s32 */
	WASM_IMM_I64,	  /* s64 */
	WASM_IMM_F32,	  /* 4 bytes */
	WASM_IMM_F64,	  /* 8 bytes */
	WASM_IMM_REFTYPE,
	WASM_IMM_PREFIX,     /* a u32 sub-opcode, then its own immediates */
	WASM_IMM_TRY_TABLE,  /* block type, vec(catch clause): kind byte 0-3,
			      * tag index (kinds 0 and 1), label */
	WASM_IMM_HEAPTYPE,   /* a heap type (s33): ref.test, ref.cast */
	WASM_IMM_BR_ON_CAST, /* flags byte (bit 0: the source is nullable, bit
			      * 1: the target), label, two heap types */
};

/* The natural alignment's log2 of a memarg immediate kind (with or
 * without a lane). */
static inline uint32_t wasm_imm_memarg_align(uint8_t imm)
{
	if (imm >= WASM_IMM_MEMARG1_LANE && imm <= WASM_IMM_MEMARG8_LANE)
		return (uint32_t)imm - WASM_IMM_MEMARG1_LANE;
	return (uint32_t)imm - WASM_IMM_MEMARG1;
}

/* Whether `imm` starts with a memarg. */
static inline bool wasm_imm_is_memarg(uint8_t imm)
{
	return imm >= WASM_IMM_MEMARG1 && imm <= WASM_IMM_MEMARG8_LANE;
}

/* The number of lanes a lane index immediate of kind `imm` selects from
 * (0: `imm` has no lane index). */
static inline uint32_t wasm_imm_lanes(uint8_t imm)
{
	if (imm >= WASM_IMM_MEMARG1_LANE && imm <= WASM_IMM_MEMARG8_LANE)
		return 16u >> (imm - WASM_IMM_MEMARG1_LANE);
	if (imm >= WASM_IMM_LANE16 && imm <= WASM_IMM_LANE2)
		return 16u >> (imm - WASM_IMM_LANE16);
	return 0;
}

/*
 * A simple signature is its own description, packed in the enum's value so
 * that no second table lookup is needed: bits 0-7 the number of params,
 * 8-15 and 16-23 the params' types, 24-31 the result's type (enum
 * wasm_valtype; WASM_TYPE_UNKNOWN: none). WASM_SIG_NONE is 0.
 */
#define WASM_SIG_PACK(np, p0, p1, r) \
	((uint32_t)(np) | (uint32_t)(p0) << 8 | (uint32_t)(p1) << 16 | (uint32_t)(r) << 24)
enum wasm_sig {
#define WASM_SIG_ENUM(n, np, p0, p1, r) \
	WASM_SIG_##n = WASM_SIG_PACK(np, WASM_TYPE_##p0, WASM_TYPE_##p1, WASM_TYPE_##r),
	WASM_SIGS(WASM_SIG_ENUM)
#undef WASM_SIG_ENUM
};

static inline uint32_t wasm_sig_nparams(uint32_t sig)
{
	return sig & 0xff;
}

/* The type of param i (0 or 1) of `sig`. */
static inline uint8_t wasm_sig_param(uint32_t sig, uint32_t i)
{
	return (uint8_t)(sig >> (8 + 8 * (i < 1 ? i : 1)));
}

static inline uint8_t wasm_sig_result(uint32_t sig)
{
	return (uint8_t)(sig >> 24);
}

/* The translator's classes (see the TR column). */
enum wasm_tr {
	WASM_TR_SPECIAL,
	WASM_TR_NUM,
	WASM_TR_LOAD,
	WASM_TR_STORE,
	WASM_TR_BITS,
	WASM_TR_SIMD,
};

struct wasm_opinfo {
	const char *text; /* NULL: no such instruction, or a prefix byte */
	uint32_t sig;	  /* enum wasm_sig */
	uint8_t imm;	  /* enum wasm_imm */
	uint8_t tr;	  /* enum wasm_tr */
};

/* Indexed by WASM_OP_INDEX; the prefix bytes themselves have imm PREFIX. */
extern const struct wasm_opinfo wasm_opinfo[WASM_OP_NINDEX];
