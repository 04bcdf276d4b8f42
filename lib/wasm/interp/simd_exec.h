/*
 * simd_exec.h - the run loop's own handlers for the SIMD rows that numeric
 * loops use most (interp_exec.c expands SIMD_HOT_HANDLERS among its labels):
 * no call through interp_simd_rows. Fields as OP_SIMD's (interp_tr_simd.c):
 * operands at slots a and b, the lane in imm >> 16, the result at slot c,
 * every operand read before the result is written (c may be a or b). The
 * semantics are simd_ops.h's: f64 arithmetic as the scalar F64_ ops, i32
 * lanes added or multiplied two to a slot (mod 2^32 each).
 */
#pragma once

#define SIMD_HOT_F64_(n, op)                    \
	L_##n:                                  \
	{                                       \
		double x0, x1, y0, y1;          \
		memcpy(&x0, fp + ip->a, 8);     \
		memcpy(&x1, fp + ip->a + 1, 8); \
		memcpy(&y0, fp + ip->b, 8);     \
		memcpy(&y1, fp + ip->b + 1, 8); \
		x0 = x0 op y0;                  \
		x1 = x1 op y1;                  \
		memcpy(fp + ip->c, &x0, 8);     \
		memcpy(fp + ip->c + 1, &x1, 8); \
		NEXT();                         \
	}
#define SIMD_HOT_BITS_(n, op)                                 \
	L_##n:                                                \
	{                                                     \
		uint64_t r0 = fp[ip->a] op fp[ip->b];         \
		uint64_t r1 = fp[ip->a + 1] op fp[ip->b + 1]; \
		fp[ip->c] = r0;                               \
		fp[ip->c + 1] = r1;                           \
		NEXT();                                       \
	}

/* two i32 lanes of one slot: each lane's sum mod 2^32 */
static inline uint64_t simd_hot_add32x2(uint64_t a, uint64_t b)
{
	const uint64_t low31 = UINT64_C(0x7fffffff7fffffff);

	return ((a & low31) + (b & low31)) ^ ((a ^ b) & ~low31);
}

/* two i32 lanes of one slot: each lane's product mod 2^32 */
static inline uint64_t simd_hot_mul32x2(uint64_t a, uint64_t b)
{
	return (uint32_t)((uint32_t)a * (uint32_t)b) |
	       (uint64_t)((uint32_t)(a >> 32) * (uint32_t)(b >> 32)) << 32;
}

#define SIMD_HOT_I32_(n, f)                                    \
	L_##n:                                                 \
	{                                                      \
		uint64_t r0 = f(fp[ip->a], fp[ip->b]);         \
		uint64_t r1 = f(fp[ip->a + 1], fp[ip->b + 1]); \
		fp[ip->c] = r0;                                \
		fp[ip->c + 1] = r1;                            \
		NEXT();                                        \
	}

/* v128.load8/16/32/64_lane on memory 0 (fields as OP_SIMD_MEM0's): the
 * lane's 8 << lg bits replaced in the half of the vector that holds them */
#define SIMD_HOT_LOAD_LANE                                                                   \
	L_SIMD_LOAD_LANE : {                                                                 \
		unsigned lg = (unsigned)(uint16_t)(ip->imm >> 32) - WASM_OP_V128_LOAD8_LANE; \
		unsigned at = ((unsigned)(ip->imm >> 48) << lg) & 15, sh = (at & 7) * 8;     \
		uint64_t ea = (uint64_t)(uint32_t)fp[ip->a] + (uint32_t)ip->imm;             \
		uint64_t r[2] = {fp[ip->b], fp[ip->b + 1]}, v, mask;                         \
		uint8_t v8;                                                                  \
		uint16_t v16;                                                                \
		uint32_t v32;                                                                \
                                                                                             \
		if (UNLIKELY(ea + (1u << lg) > x->msize))                                    \
			TRAP(WASM_TRAP_MEMORY_OOB);                                          \
		switch (lg) {                                                                \
		case 0:                                                                      \
			memcpy(&v8, mb + ea, 1);                                             \
			v = v8;                                                              \
			break;                                                               \
		case 1:                                                                      \
			memcpy(&v16, mb + ea, 2);                                            \
			v = v16;                                                             \
			break;                                                               \
		case 2:                                                                      \
			memcpy(&v32, mb + ea, 4);                                            \
			v = v32;                                                             \
			break;                                                               \
		default:                                                                     \
			memcpy(&v, mb + ea, 8);                                              \
			break;                                                               \
		}                                                                            \
		mask = lg == 3 ? ~UINT64_C(0) : ((UINT64_C(1) << (8u << lg)) - 1) << sh;     \
		r[at >> 3] = (r[at >> 3] & ~mask) | v << sh;                                 \
		fp[ip->c] = r[0];                                                            \
		fp[ip->c + 1] = r[1];                                                        \
		NEXT();                                                                      \
	}

#define SIMD_HOT_HANDLERS                                                                          \
	SIMD_HOT_F64_(SIMD_F64X2_ADD, +)                                                           \
	SIMD_HOT_F64_(SIMD_F64X2_SUB, -)                                                           \
	SIMD_HOT_F64_(SIMD_F64X2_MUL, *)                                                           \
	SIMD_HOT_BITS_(SIMD_V128_AND, &)                                                           \
	SIMD_HOT_BITS_(SIMD_V128_OR, |)                                                            \
	SIMD_HOT_BITS_(SIMD_V128_XOR, ^)                                                           \
	SIMD_HOT_I32_(SIMD_I32X4_ADD, simd_hot_add32x2)                                            \
	SIMD_HOT_I32_(SIMD_I32X4_MUL, simd_hot_mul32x2)                                            \
	L_SIMD_F64X2_EXTRACT_LANE:                                                                 \
	fp[ip->c] = fp[ip->a + ((ip->imm >> 16) & 1)];                                             \
	NEXT();                                                                                    \
	L_SIMD_I32X4_EXTRACT_LANE:                                                                 \
	fp[ip->c] = (uint32_t)(fp[ip->a + ((ip->imm >> 17) & 1)] >> (32 * ((ip->imm >> 16) & 1))); \
	NEXT();                                                                                    \
	L_SIMD_F64X2_SPLAT : {                                                                     \
		uint64_t v = fp[ip->a];                                                            \
		fp[ip->c] = v;                                                                     \
		fp[ip->c + 1] = v;                                                                 \
		NEXT();                                                                            \
	}
