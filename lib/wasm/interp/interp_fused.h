/*
 * interp_fused.h - the run loop's handlers for fused instructions (pairs of
 * operators translated into one, see interp_internal.h), kept apart from
 * interp_exec.c for size. Internal to interp_exec.c, which includes it once:
 * the handler macros expand inside interp_run_loop and use its locals (ip,
 * fp, mb, acc, facc, x) and macros (NEXT, TRAP, FSET64, FA64, FB64,
 * EA_SLOT, fault_point).
 */
#pragma once

#include "wasm/interp/interp_internal.h"

/* clang-format off */
/* The label table entries. */
#define L_FUSED(n1, e1, n2, e2)	 [OP_F_##n1##_##n2] = &&L_F_##n1##_##n2,
#define L_GFUSED(n1, e1, n2, e2) [OP_G_##n1##_##n2] = &&L_G_##n1##_##n2,
#define L_DFUSED(n1, e1, n2, e2)                        \
	[OP_D_##n1##_##n2##_A] = &&L_D_##n1##_##n2##_A, \
	[OP_D_##n1##_##n2##_B] = &&L_D_##n1##_##n2##_B,
#define L_EFUSED(n1, e1, n2, e2)                            \
	[OP_E_##n1##_##n2##_XAA] = &&L_E_##n1##_##n2##_XAA, \
	[OP_E_##n1##_##n2##_XAB] = &&L_E_##n1##_##n2##_XAB, \
	[OP_E_##n1##_##n2##_XBA] = &&L_E_##n1##_##n2##_XBA, \
	[OP_E_##n1##_##n2##_XBB] = &&L_E_##n1##_##n2##_XBB,
#define L_LFUSED(n, e)                                                              \
	[OP_L_##n##_P_A] = &&L_L_##n##_P_A, [OP_L_##n##_P_B] = &&L_L_##n##_P_B,     \
	[OP_L_##n##_PC_A] = &&L_L_##n##_PC_A, [OP_L_##n##_PC_B] = &&L_L_##n##_PC_B, \
	[OP_L_##n##_K_A] = &&L_L_##n##_K_A, [OP_L_##n##_K_B] = &&L_L_##n##_K_B,     \
	[OP_L_##n##_KC_A] = &&L_L_##n##_KC_A, [OP_L_##n##_KC_B] = &&L_L_##n##_KC_B,
#define L_FSTORE(n, e)                                                            \
	[OP_FS_##n] = &&L_FS_##n, [OP_FS_##n##_C] = &&L_FS_##n##_C,               \
	[OP_FS_##n##_XA] = &&L_FS_##n##_XA, [OP_FS_##n##_XAC] = &&L_FS_##n##_XAC, \
	[OP_FS_##n##_XB] = &&L_FS_##n##_XB, [OP_FS_##n##_XBC] = &&L_FS_##n##_XBC,
#define INTERP_FUSED_LABELS \
	INTERP_FUSED(L_FUSED) INTERP_GFUSED(L_GFUSED) INTERP_FSTORES(L_FSTORE) \
	INTERP_DFUSED(L_DFUSED) INTERP_DFUSED(L_EFUSED) INTERP_FSTORES(L_LFUSED)

/* i32: an immediate op, or one with acc as an operand, feeding another. */
#define H_FUSED(n1, e1, n2, e2) \
	L_F_##n1##_##n2: { \
		uint32_t a = (uint32_t)fp[ip->a], b = (uint32_t)ip->imm; \
		uint32_t r1 = (e1); \
		a = (uint32_t)fp[ip->b]; \
		b = r1; \
		acc = (uint32_t)(e2); \
		C = acc; \
		NEXT(); \
	}
#define H_GFUSED(n1, e1, n2, e2) \
	L_G_##n1##_##n2: { \
		uint32_t a = (uint32_t)fp[ip->a], b = (uint32_t)acc; \
		uint32_t r1 = (e1); \
		a = (uint32_t)fp[ip->b]; \
		b = r1; \
		acc = (uint32_t)(e2); \
		C = acc; \
		NEXT(); \
	}

/* An f64 load feeding arithmetic. */
#define H_LFUSED_1(e, ea_, other, check, first) \
	{ \
		uint64_t ea = (ea_); \
		double v, a, b; \
		if (check) { \
			if (UNLIKELY(ea + 8 > x->msize)) \
				TRAP(WASM_TRAP_MEMORY_OOB); \
		} else { \
			fault_point(x, ip); \
		} \
		memcpy(&v, mb + ea, 8); \
		a = first ? v : num_f64(other); \
		b = first ? num_f64(other) : v; \
		FSET64(e); \
		NEXT(); \
	}
#define EA_K0 ((uint64_t)(uint32_t)(fp[ip->a] + ip->b))
#define H_LFUSED(n, e) \
	L_L_##n##_P_A: H_LFUSED_1(e, EA_SLOT, fp[ip->b], 0, 1) \
	L_L_##n##_P_B: H_LFUSED_1(e, EA_SLOT, fp[ip->b], 0, 0) \
	L_L_##n##_PC_A: H_LFUSED_1(e, EA_SLOT, fp[ip->b], 1, 1) \
	L_L_##n##_PC_B: H_LFUSED_1(e, EA_SLOT, fp[ip->b], 1, 0) \
	L_L_##n##_K_A: H_LFUSED_1(e, EA_K0, fp[ip->imm], 0, 1) \
	L_L_##n##_K_B: H_LFUSED_1(e, EA_K0, fp[ip->imm], 0, 0) \
	L_L_##n##_KC_A: H_LFUSED_1(e, EA_K0, fp[ip->imm], 1, 1) \
	L_L_##n##_KC_B: H_LFUSED_1(e, EA_K0, fp[ip->imm], 1, 0)

/* f64 arithmetic feeding a store. */
#define H_FSTORE_1(e, ga, gb, check) \
	{ \
		double a = (ga), b = (gb), v = (e); \
		uint64_t ea = (uint64_t)(uint32_t)fp[ip->c] + ip->imm; \
		if (check) { \
			if (UNLIKELY(ea + 8 > x->msize)) \
				TRAP(WASM_TRAP_MEMORY_OOB); \
		} else { \
			fault_point(x, ip); \
		} \
		memcpy(mb + ea, &v, 8); \
		NEXT(); \
	}
#define H_FSTORE(n, e) \
	L_FS_##n: H_FSTORE_1(e, FA64, FB64, 0) \
	L_FS_##n##_C: H_FSTORE_1(e, FA64, FB64, 1) \
	L_FS_##n##_XA: H_FSTORE_1(e, facc, FB64, 0) \
	L_FS_##n##_XAC: H_FSTORE_1(e, facc, FB64, 1) \
	L_FS_##n##_XB: H_FSTORE_1(e, FA64, facc, 0) \
	L_FS_##n##_XBC: H_FSTORE_1(e, FA64, facc, 1)

#define H_DFUSED_1(e1, e2, ga, gb, first) \
	{ \
		double a = (ga), b = (gb), r = (e1); \
		if (first) { \
			a = r; \
			b = num_f64(fp[ip->imm]); \
		} else { \
			a = num_f64(fp[ip->imm]); \
			b = r; \
		} \
		FSET64(e2); \
		NEXT(); \
	}
#define H_DFUSED(n1, e1, n2, e2) \
	L_D_##n1##_##n2##_A: H_DFUSED_1(e1, e2, FA64, FB64, 1) \
	L_D_##n1##_##n2##_B: H_DFUSED_1(e1, e2, FA64, FB64, 0)
#define H_EFUSED(n1, e1, n2, e2) \
	L_E_##n1##_##n2##_XAA: H_DFUSED_1(e1, e2, facc, FB64, 1) \
	L_E_##n1##_##n2##_XAB: H_DFUSED_1(e1, e2, facc, FB64, 0) \
	L_E_##n1##_##n2##_XBA: H_DFUSED_1(e1, e2, FA64, facc, 1) \
	L_E_##n1##_##n2##_XBB: H_DFUSED_1(e1, e2, FA64, facc, 0)

/* All the handlers. */
#define INTERP_FUSED_HANDLERS \
	INTERP_FUSED(H_FUSED) INTERP_GFUSED(H_GFUSED) INTERP_FSTORES(H_LFUSED) \
	INTERP_FSTORES(H_FSTORE) INTERP_DFUSED(H_DFUSED) INTERP_DFUSED(H_EFUSED)
/* clang-format on */
