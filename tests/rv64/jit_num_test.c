/*
 * jit_num_test.c - runs the code jit_num_emit produces for every NUM row of
 * the opcode table (a riscv64 Linux program, make rv64-jit-num-test, under
 * qemu-riscv64) and compares it with the interpreter's semantics, written
 * out here from interp_exec.c's operators and interp_num.h's helpers.
 *
 * Each (operator, register assignment) is one function f(struct num_io *):
 * it loads the operands as the compiler keeps them (an i32 sign-extended by
 * lw, an f32 NaN-boxed by flw), runs the operator, stores the whole result
 * register. Every trap branch the emitter reports is bound to a stub that
 * stores the trap kind and the operand registers, so a trap is told apart
 * from a value and the operands are seen unchanged on the trap path.
 *
 * Values: edge tables (zeros, ones, INT_MIN/MAX, powers of two, NaNs with
 * payloads, infinities, subnormals, halves, 2^23/2^31/2^52/2^63/2^64 and
 * their nextafter neighbours), all pairs of them for binary operators, and
 * thousands of pseudo-random ones. Register assignments: rd == rs1,
 * rd == rs2, all distinct in high registers (t6, a7, ft11...), rs1 == rs2,
 * rd == rs1 == rs2; a canary register checks that nothing else is written,
 * and an operand in another register than rd must come out unchanged.
 *
 * A second, independent reference: the spec testsuite's own assertions on
 * single numeric instructions (12k of them, every NUM row covered), taken
 * from the .wast files by tools/gen-jit-num-spec.py at build time.
 *
 * Results: integers exactly (an i32 must be sign-extended in its register),
 * floats bit-exactly except NaNs of arithmetic, which follow the spec's
 * rule: canonical when every NaN operand is canonical, else any
 * arithmetic (quiet) NaN; an f32 must be NaN-boxed.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/rand.h"
#include "base/test.h"
#include "wasm/interp/interp_num.h"
#include "wasm/jit/jit_num.h"
#include "wasm/opcodes.h"
#include "wasm/runtime.h"

#include "rv64_jit_map.h"

/* The table's index of each row by name. */
enum {
#define TIX(n, p, c, text, imm, sig, tr) X_##n = WASM_OP_INDEX(p, c),
	WASM_OPCODES(TIX)
#undef TIX
};

/* What a test function reads and writes (offsets fixed in the code). */
struct num_io {
	uint64_t a, b;	 /* 0, 8: operands */
	uint64_t res;	 /* 16: the result register */
	uint64_t trap;	 /* 24: the trap kind, or 0 */
	uint64_t ta, tb; /* 32, 40: the operand registers after the operator
			  * (if not rd) or on the trap path */
	uint64_t canary; /* 48 */
};
typedef void (*fn_io)(struct num_io *);

#define CANARY 0x0123456789abcdefull

/* Register assignments (caller-saved registers only). */
struct variant {
	uint8_t xrd, xrs1, xrs2, xt0, xt1, p, canary;
	uint8_t frd, frs1, frs2, ft0, ft1;
	bool same; /* rs1 == rs2: binary operators get a == b */
};
static const struct variant variants[] = {
	/* rd == rs1 */
	{RV64_A0, RV64_A0, RV64_A1, RV64_T0, RV64_T1, RV64_A2, RV64_A3, 10, 10, 11, 0, 1, false},
	/* rd == rs2 */
	{RV64_A1, RV64_A0, RV64_A1, RV64_T5, RV64_T6, RV64_A7, RV64_A6, 11, 10, 11, 30, 31, false},
	/* all distinct, high registers */
	{RV64_T6, RV64_A7, RV64_T3, RV64_A0, RV64_T0, RV64_A3, RV64_A4, 31, 17, 28, 0, 10, false},
	/* rs1 == rs2 */
	{RV64_A5, RV64_A4, RV64_A4, RV64_A6, RV64_T2, RV64_A0, RV64_A1, 5, 7, 7, 15, 16, true},
	/* rd == rs1 == rs2 */
	{RV64_T4, RV64_T4, RV64_T4, RV64_A1, RV64_A2, RV64_A3, RV64_A5, 12, 12, 12, 6, 29, true},
};

static bool type_is_f(uint8_t ty)
{
	return ty == WASM_TYPE_F32 || ty == WASM_TYPE_F64;
}

struct trap_book {
	size_t pos[4];
	int kind[4];
	unsigned n;
};

static void book_trap(void *arg, size_t pos, int kind)
{
	struct trap_book *k = arg;

	if (k->n < ARRAY_SIZE(k->pos)) {
		k->pos[k->n] = pos;
		k->kind[k->n] = kind;
	}
	k->n++;
}

static void emit_load(struct rv64_buf *b, uint8_t ty, unsigned reg, int32_t off, unsigned p)
{
	if (ty == WASM_TYPE_I32)
		rv64_lw(b, reg, p, off);
	else if (ty == WASM_TYPE_I64)
		rv64_ld(b, reg, p, off);
	else if (ty == WASM_TYPE_F32)
		rv64_flw(b, reg, p, off);
	else
		rv64_fld(b, reg, p, off);
}

static void emit_store(struct rv64_buf *b, uint8_t ty, unsigned reg, int32_t off, unsigned p)
{
	if (type_is_f(ty))
		rv64_fsd(b, reg, off, p);
	else
		rv64_sd(b, reg, off, p);
}

/* Whether operand i of `op` is in another register than the result in
 * variant v (so it must come out unchanged). */
static bool operand_kept(uint32_t op, const struct variant *v, unsigned i)
{
	uint32_t sig = wasm_opinfo[op].sig;
	uint8_t ty = wasm_sig_param(sig, i), tr = wasm_sig_result(sig);

	if (i >= wasm_sig_nparams(sig))
		return false;
	if (type_is_f(ty) != type_is_f(tr))
		return true;
	if (type_is_f(tr))
		return (i ? v->frs2 : v->frs1) != v->frd;
	return (i ? v->xrs2 : v->xrs1) != v->xrd;
}

/* Emits f(io) for `op` in variant v; returns its start, or SIZE_MAX if the
 * emitter refused or misreported its traps. */
static size_t emit_case(struct test_ctx *t, struct rv64_buf *b, uint32_t op,
			const struct variant *v)
{
	uint32_t sig = wasm_opinfo[op].sig;
	unsigned np = wasm_sig_nparams(sig);
	uint8_t ty0 = wasm_sig_param(sig, 0), ty1 = wasm_sig_param(sig, 1);
	uint8_t tr = wasm_sig_result(sig);
	struct jit_num_regs r = {
		.rd = type_is_f(tr) ? v->frd : v->xrd,
		.rs1 = type_is_f(ty0) ? v->frs1 : v->xrs1,
		.rs2 = np < 2		? 0
		       : type_is_f(ty1) ? v->frs2
					: v->xrs2,
		.tmp = {v->xt0, v->xt1},
		.ftmp = {v->ft0, v->ft1},
	};
	struct trap_book book = {.n = 0};
	struct jit_num_trap tp = {book_trap, &book};
	size_t start = rv64_pos(b);

	if (v->p != RV64_A0)
		rv64_mv(b, v->p, RV64_A0);
	rv64_li(b, v->canary, (int64_t)CANARY);
	emit_load(b, ty0, r.rs1, 0, v->p);
	if (np == 2 && r.rs2 != r.rs1)
		emit_load(b, ty1, r.rs2, 8, v->p);
	if (!EXPECT(jit_num_emit(b, op, &r, &tp)))
		return SIZE_MAX;
	emit_store(b, tr, r.rd, 16, v->p);
	/* an operand in another register than rd must survive (a local) */
	if (operand_kept(op, v, 0))
		emit_store(b, ty0, r.rs1, 32, v->p);
	if (operand_kept(op, v, 1))
		emit_store(b, ty1, r.rs2, 40, v->p);
	rv64_sd(b, v->canary, 48, v->p);
	jit_ret(b);
	if (!EXPECT_LE(book.n, ARRAY_SIZE(book.pos)))
		return SIZE_MAX;
	for (unsigned i = 0; i < book.n; i++) {
		size_t at = book.pos[i];
		uint32_t w = at < b->len ? b->words[at] : 0;
		int err = (w & 0x7f) == 0x6f ? rv64_patch_jal(b, at, rv64_pos(b))
					     : rv64_patch_branch(b, at, rv64_pos(b));

		if (!EXPECT_OK(err))
			return SIZE_MAX;
		rv64_addi(b, v->xt0, RV64_ZERO, book.kind[i]);
		rv64_sd(b, v->xt0, 24, v->p);
		emit_store(b, ty0, r.rs1, 32, v->p);
		if (np == 2)
			emit_store(b, ty1, r.rs2, 40, v->p);
		rv64_sd(b, v->canary, 48, v->p);
		jit_ret(b);
	}
	return start;
}

/* ---- the reference: the interpreter's semantics ---- */

struct ref {
	int trap;
	uint64_t v; /* an i32 or f32 in the low 32 bits */
};

static struct ref ref_div(unsigned w, bool sgn, bool rem, uint64_t a, uint64_t b)
{
	struct ref r = {0, 0};
	uint64_t m = w == 32 ? 0xffffffffull : ~0ull;
	int64_t sa = w == 32 ? (int32_t)a : (int64_t)a, sb = w == 32 ? (int32_t)b : (int64_t)b;
	int64_t min = w == 32 ? INT32_MIN : INT64_MIN;

	a &= m;
	b &= m;
	if (b == 0) {
		r.trap = WASM_TRAP_DIV_ZERO;
	} else if (sgn && sb == -1) {
		if (!rem && sa == min)
			r.trap = WASM_TRAP_INT_OVERFLOW;
		else
			r.v = rem ? 0 : (0 - a) & m;
	} else if (sgn) {
		r.v = (uint64_t)(rem ? sa % sb : sa / sb) & m;
	} else {
		r.v = rem ? a % b : a / b;
	}
	return r;
}

enum trunc_to { TO_S32, TO_U32, TO_S64, TO_U64 };

static struct ref ref_trunc(double x, enum trunc_to to)
{
	static const double lo[] = {NUM_I32_LO_S, NUM_I32_LO_U, NUM_I64_LO_S, NUM_I64_LO_U};
	static const double hi[] = {NUM_I32_HI_S, NUM_I32_HI_U, NUM_I64_HI_S, NUM_I64_HI_U};
	struct ref r = {0, 0};
	int k = num_trunc_check(x, lo[to], hi[to]);

	if (k) {
		r.trap = k == 1 ? WASM_TRAP_INVALID_CONV : WASM_TRAP_INT_OVERFLOW;
		return r;
	}
	switch (to) {
	case TO_S32:
		r.v = (uint32_t)(int32_t)x;
		break;
	case TO_U32:
		r.v = (uint32_t)x;
		break;
	case TO_S64:
		r.v = (uint64_t)(int64_t)x;
		break;
	case TO_U64:
		r.v = (uint64_t)x;
		break;
	}
	return r;
}

static struct ref ref_eval(uint32_t op, uint64_t a, uint64_t b)
{
	uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
	float fa32 = num_f32(a), fb32 = num_f32(b);
	double fa64 = num_f64(a), fb64 = num_f64(b);
	struct ref r = {0, 0};

#define V(n, e)            \
	case X_##n:        \
		r.v = (e); \
		return r;
#define R(n, e)     \
	case X_##n: \
		return e;
	switch (op) {
		V(I32_EQZ, a32 == 0)
		V(I32_EQ, a32 == b32)
		V(I32_NE, a32 != b32)
		V(I32_LT_S, (int32_t)a32 < (int32_t)b32)
		V(I32_LT_U, a32 < b32)
		V(I32_GT_S, (int32_t)a32 > (int32_t)b32)
		V(I32_GT_U, a32 > b32)
		V(I32_LE_S, (int32_t)a32 <= (int32_t)b32)
		V(I32_LE_U, a32 <= b32)
		V(I32_GE_S, (int32_t)a32 >= (int32_t)b32)
		V(I32_GE_U, a32 >= b32)
		V(I64_EQZ, a == 0)
		V(I64_EQ, a == b)
		V(I64_NE, a != b)
		V(I64_LT_S, (int64_t)a < (int64_t)b)
		V(I64_LT_U, a < b)
		V(I64_GT_S, (int64_t)a > (int64_t)b)
		V(I64_GT_U, a > b)
		V(I64_LE_S, (int64_t)a <= (int64_t)b)
		V(I64_LE_U, a <= b)
		V(I64_GE_S, (int64_t)a >= (int64_t)b)
		V(I64_GE_U, a >= b)
		V(F32_EQ, fa32 == fb32)
		V(F32_NE, fa32 != fb32)
		V(F32_LT, fa32 < fb32)
		V(F32_GT, fa32 > fb32)
		V(F32_LE, fa32 <= fb32)
		V(F32_GE, fa32 >= fb32)
		V(F64_EQ, fa64 == fb64)
		V(F64_NE, fa64 != fb64)
		V(F64_LT, fa64 < fb64)
		V(F64_GT, fa64 > fb64)
		V(F64_LE, fa64 <= fb64)
		V(F64_GE, fa64 >= fb64)
		V(I32_CLZ, a32 ? (uint32_t)__builtin_clz(a32) : 32)
		V(I32_CTZ, a32 ? (uint32_t)__builtin_ctz(a32) : 32)
		V(I32_POPCNT, num_popcnt64(a32))
		V(I32_ADD, a32 + b32)
		V(I32_SUB, a32 - b32)
		V(I32_MUL, a32 * b32)
		R(I32_DIV_S, ref_div(32, true, false, a, b))
		R(I32_DIV_U, ref_div(32, false, false, a, b))
		R(I32_REM_S, ref_div(32, true, true, a, b))
		R(I32_REM_U, ref_div(32, false, true, a, b))
		V(I32_AND, a32 & b32)
		V(I32_OR, a32 | b32)
		V(I32_XOR, a32 ^ b32)
		V(I32_SHL, a32 << (b32 & 31))
		V(I32_SHR_S, (uint32_t)((int32_t)a32 >> (b32 & 31)))
		V(I32_SHR_U, a32 >> (b32 & 31))
		V(I32_ROTL, num_rotl32(a32, b32))
		V(I32_ROTR, num_rotr32(a32, b32))
		V(I64_CLZ, a ? (uint64_t)__builtin_clzll(a) : 64)
		V(I64_CTZ, a ? (uint64_t)__builtin_ctzll(a) : 64)
		V(I64_POPCNT, num_popcnt64(a))
		V(I64_ADD, a + b)
		V(I64_SUB, a - b)
		V(I64_MUL, a * b)
		R(I64_DIV_S, ref_div(64, true, false, a, b))
		R(I64_DIV_U, ref_div(64, false, false, a, b))
		R(I64_REM_S, ref_div(64, true, true, a, b))
		R(I64_REM_U, ref_div(64, false, true, a, b))
		V(I64_AND, a & b)
		V(I64_OR, a | b)
		V(I64_XOR, a ^ b)
		V(I64_SHL, a << (b & 63))
		V(I64_SHR_S, (uint64_t)((int64_t)a >> (b & 63)))
		V(I64_SHR_U, a >> (b & 63))
		V(I64_ROTL, num_rotl64(a, b))
		V(I64_ROTR, num_rotr64(a, b))
		V(F32_ABS, a32 & 0x7fffffffu)
		V(F32_NEG, a32 ^ 0x80000000u)
		V(F32_CEIL, num_bits32(num_ceil32(fa32)))
		V(F32_FLOOR, num_bits32(num_floor32(fa32)))
		V(F32_TRUNC, num_bits32(num_trunc32(fa32)))
		V(F32_NEAREST, num_bits32(num_nearest32(fa32)))
		V(F32_SQRT, num_bits32(num_sqrt32(fa32)))
		V(F32_ADD, num_bits32(fa32 + fb32))
		V(F32_SUB, num_bits32(fa32 - fb32))
		V(F32_MUL, num_bits32(fa32 * fb32))
		V(F32_DIV, num_bits32(fa32 / fb32))
		V(F32_MIN, num_min32(fa32, fb32))
		V(F32_MAX, num_max32(fa32, fb32))
		V(F32_COPYSIGN, (a32 & 0x7fffffffu) | (b32 & 0x80000000u))
		V(F64_ABS, a & ~(UINT64_C(1) << 63))
		V(F64_NEG, a ^ (UINT64_C(1) << 63))
		V(F64_CEIL, num_bits64(num_ceil64(fa64)))
		V(F64_FLOOR, num_bits64(num_floor64(fa64)))
		V(F64_TRUNC, num_bits64(num_trunc64(fa64)))
		V(F64_NEAREST, num_bits64(num_nearest64(fa64)))
		V(F64_SQRT, num_bits64(num_sqrt64(fa64)))
		V(F64_ADD, num_bits64(fa64 + fb64))
		V(F64_SUB, num_bits64(fa64 - fb64))
		V(F64_MUL, num_bits64(fa64 * fb64))
		V(F64_DIV, num_bits64(fa64 / fb64))
		V(F64_MIN, num_min64(fa64, fb64))
		V(F64_MAX, num_max64(fa64, fb64))
		V(F64_COPYSIGN, (a & ~(UINT64_C(1) << 63)) | (b & (UINT64_C(1) << 63)))
		V(I32_WRAP_I64, a32)
		R(I32_TRUNC_F32_S, ref_trunc(fa32, TO_S32))
		R(I32_TRUNC_F32_U, ref_trunc(fa32, TO_U32))
		R(I32_TRUNC_F64_S, ref_trunc(fa64, TO_S32))
		R(I32_TRUNC_F64_U, ref_trunc(fa64, TO_U32))
		V(I64_EXTEND_I32_S, (uint64_t)(int64_t)(int32_t)a32)
		V(I64_EXTEND_I32_U, a32)
		R(I64_TRUNC_F32_S, ref_trunc(fa32, TO_S64))
		R(I64_TRUNC_F32_U, ref_trunc(fa32, TO_U64))
		R(I64_TRUNC_F64_S, ref_trunc(fa64, TO_S64))
		R(I64_TRUNC_F64_U, ref_trunc(fa64, TO_U64))
		V(F32_CONVERT_I32_S, num_bits32((float)(int32_t)a32))
		V(F32_CONVERT_I32_U, num_bits32((float)a32))
		V(F32_CONVERT_I64_S, num_bits32((float)(int64_t)a))
		V(F32_CONVERT_I64_U, num_bits32((float)a))
		V(F32_DEMOTE_F64, num_bits32((float)fa64))
		V(F64_CONVERT_I32_S, num_bits64((double)(int32_t)a32))
		V(F64_CONVERT_I32_U, num_bits64((double)a32))
		V(F64_CONVERT_I64_S, num_bits64((double)(int64_t)a))
		V(F64_CONVERT_I64_U, num_bits64((double)a))
		V(F64_PROMOTE_F32, num_bits64((double)fa32))
		V(I32_EXTEND8_S, (uint32_t)(int32_t)(int8_t)a32)
		V(I32_EXTEND16_S, (uint32_t)(int32_t)(int16_t)a32)
		V(I64_EXTEND8_S, (uint64_t)(int64_t)(int8_t)a)
		V(I64_EXTEND16_S, (uint64_t)(int64_t)(int16_t)a)
		V(I64_EXTEND32_S, (uint64_t)(int64_t)(int32_t)a)
		V(I32_TRUNC_SAT_F32_S, num_sat_s32(fa32))
		V(I32_TRUNC_SAT_F32_U, num_sat_u32(fa32))
		V(I32_TRUNC_SAT_F64_S, num_sat_s32(fa64))
		V(I32_TRUNC_SAT_F64_U, num_sat_u32(fa64))
		V(I64_TRUNC_SAT_F32_S, num_sat_s64(fa32))
		V(I64_TRUNC_SAT_F32_U, num_sat_u64(fa32))
		V(I64_TRUNC_SAT_F64_S, num_sat_s64(fa64))
		V(I64_TRUNC_SAT_F64_U, num_sat_u64(fa64))
	}
#undef V
#undef R
	r.trap = -1; /* not a NUM row: the caller fails the case */
	return r;
}

/* ---- NaN rules ---- */

static bool is_nan(uint8_t ty, uint64_t v)
{
	return ty == WASM_TYPE_F32 ? ((uint32_t)v & 0x7fffffffu) > 0x7f800000u
				   : (v & ~(1ull << 63)) > 0x7ff0000000000000ull;
}

static bool is_canonical(uint8_t ty, uint64_t v)
{
	return ty == WASM_TYPE_F32 ? ((uint32_t)v & 0x7fffffffu) == 0x7fc00000u
				   : (v & ~(1ull << 63)) == 0x7ff8000000000000ull;
}

static bool is_arithmetic(uint8_t ty, uint64_t v)
{
	return ty == WASM_TYPE_F32 ? ((uint32_t)v & 0x7fc00000u) == 0x7fc00000u
				   : (v & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

/* Whether a NaN result may be any NaN of the spec's set (else: exact bits:
 * abs, neg and copysign only move the sign). */
static bool nan_is_free(uint32_t op)
{
	return op != X_F32_ABS && op != X_F32_NEG && op != X_F32_COPYSIGN && op != X_F64_ABS &&
	       op != X_F64_NEG && op != X_F64_COPYSIGN;
}

/* ---- values ---- */

struct vals {
	uint64_t v[400];
	size_t n;
};

static void vals_add(struct vals *s, uint64_t x)
{
	if (s->n < ARRAY_SIZE(s->v))
		s->v[s->n++] = x;
}

static void edges_int(struct vals *s, unsigned w)
{
	static const int64_t fixed[] = {0,
					1,
					-1,
					2,
					-2,
					3,
					-3,
					5,
					7,
					8,
					31,
					32,
					33,
					63,
					64,
					65,
					100,
					255,
					256,
					0x7fff,
					0x8000,
					0xffff,
					0x10000,
					INT32_MAX,
					INT32_MIN,
					INT32_MIN + 1,
					INT32_MAX - 1,
					0x55555555,
					0xaaaaaaaa,
					0x0f0f0f0f,
					0x12345678,
					0xdeadbeef,
					0x7ffff800,
					0x80000800,
					0xffffffff,
					0x80000000,
					0x7fffffff,
					0x100000000,
					INT64_MIN,
					INT64_MAX,
					INT64_MIN + 1,
					INT64_MAX - 1};
	static const unsigned ks[] = {4, 8, 15, 16, 23, 24, 30, 31, 32, 33, 52, 53, 62, 63};

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		vals_add(s, (uint64_t)fixed[i]);
	for (unsigned k = 0; k < w; k++)
		vals_add(s, 1ull << k);
	for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
		if (ks[i] >= w)
			continue;
		vals_add(s, (1ull << ks[i]) - 1);
		vals_add(s, 0 - (1ull << ks[i]));
	}
	if (w == 64) {
		vals_add(s, 0x5555555555555555ull);
		vals_add(s, 0xaaaaaaaaaaaaaaaaull);
		vals_add(s, 0x0123456789abcdefull);
		vals_add(s, 0xfedcba9876543210ull);
	}
}

static void edges_f32(struct vals *s)
{
	static const float base[] = {0,		 0.25f,		 0.5f,		0.75f,
				     1,		 1.5f,		 2.5f,		3.5f,
				     4.5f,	 100.5f,	 0x1p22f,	0x1p23f,
				     0x1p24f,	 0x1p31f,	 0x1p32f,	0x1p63f,
				     0x1p64f,	 FLT_MIN,	 FLT_MAX,	0x1p-149f,
				     0x1p-127f,	 1e10f,		 2147483520.0f, 8388607.5f,
				     4194303.5f, 0x1.fffffep-1f, 3.0f};
	static const uint32_t raw[] = {0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
				       0x7fc00001u, 0x7fd12345u, 0x7fa00000u, 0x7f800001u,
				       0xff812345u, 0x7fffffffu, 0xffffffffu};

	for (size_t i = 0; i < ARRAY_SIZE(base); i++) {
		float x = base[i];
		float nb[] = {x, nextafterf(x, INFINITY), nextafterf(x, 0)};

		for (size_t j = 0; j < (x == 0 ? 2u : 3u); j++) {
			vals_add(s, num_bits32(nb[j]));
			vals_add(s, num_bits32(-nb[j]));
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(raw); i++)
		vals_add(s, raw[i]);
}

static void edges_f64(struct vals *s)
{
	static const double base[] = {0,
				      0.25,
				      0.5,
				      0.75,
				      1,
				      1.5,
				      2.5,
				      3.5,
				      4.5,
				      100.5,
				      0x1p51,
				      0x1p52,
				      0x1p53,
				      0x1p23,
				      0x1p31,
				      0x1p32,
				      0x1p63,
				      0x1p64,
				      2147483647.0,
				      2147483647.5,
				      2147483648.5,
				      2147483649.0,
				      4294967295.0,
				      4294967295.5,
				      4503599627370495.5,
				      DBL_MIN,
				      DBL_MAX,
				      0x1p-1074,
				      FLT_MAX,
				      0x1.fffffffp127,
				      0x1p-149,
				      0x1p-150,
				      0x1.8p-150,
				      0x1p-126,
				      1e300,
				      16777217.0,
				      1.0 + 0x1p-24,
				      1.0 + 0x1.8p-24};
	static const uint64_t raw[] = {
		0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
		0xfff8000000000000ull, 0x7ff8000000000001ull, 0x7ff8000012345678ull,
		0x7ff4000000000000ull, 0x7ff0000000000001ull, 0xfff0000000012345ull,
		0x7fffffffffffffffull, 0x7ff8000020000000ull, 0xffffffffffffffffull};

	for (size_t i = 0; i < ARRAY_SIZE(base); i++) {
		double x = base[i];
		double nb[] = {x, nextafter(x, INFINITY), nextafter(x, 0)};

		for (size_t j = 0; j < (x == 0 ? 2u : 3u); j++) {
			vals_add(s, num_bits64(nb[j]));
			vals_add(s, num_bits64(-nb[j]));
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(raw); i++)
		vals_add(s, raw[i]);
}

static void edges_of(struct vals *s, uint8_t ty)
{
	s->n = 0;
	if (ty == WASM_TYPE_I32)
		edges_int(s, 32);
	else if (ty == WASM_TYPE_I64)
		edges_int(s, 64);
	else if (ty == WASM_TYPE_F32)
		edges_f32(s);
	else
		edges_f64(s);
}

/* A pseudo-random operand: raw bits, magnitudes of every size, small
 * counts; floats also near integers (halves, quarters) of every size. */
static uint64_t rand_val(struct rand *r, uint8_t ty)
{
	uint64_t x = rand_next(r);
	unsigned how = (unsigned)rand_below(r, 4);

	if (!type_is_f(ty)) {
		if (how == 1)
			x >>= rand_below(r, 64);
		else if (how == 2)
			x = 0 - (x >> rand_below(r, 64));
		else if (how == 3)
			x = rand_below(r, 70);
		return x;
	}
	if (how >= 2) {
		/* (int, random size) + a quarter, either sign */
		double d =
			(double)(int64_t)(x >> rand_below(r, 64)) + 0.25 * (double)rand_below(r, 4);
		if (how == 3)
			d = ldexp(d, -(int)rand_below(r, 40));
		if (ty == WASM_TYPE_F32)
			return num_bits32((float)d);
		return num_bits64(d);
	}
	if (how == 1) /* exponents near the integer range */
		x = ty == WASM_TYPE_F32
			    ? (x & 0x807fffffu) | (uint64_t)(120 + rand_below(r, 50)) << 23
			    : (x & 0x800fffffffffffffull) | (1010 + rand_below(r, 80)) << 52;
	return ty == WASM_TYPE_F32 ? (uint32_t)x : x;
}

/* ---- running ---- */

struct run {
	struct test_ctx *t;
	uint32_t op;
	unsigned variant;
	fn_io fn;
	uint8_t ty0, ty1, tr;
	unsigned np;
	bool keep0, keep1; /* operand_kept() */
	long calls;
	int bad;
};

static uint64_t reg_of(uint8_t ty, uint64_t v)
{
	if (ty == WASM_TYPE_I32)
		return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	if (ty == WASM_TYPE_F32)
		return 0xffffffff00000000ull | (uint32_t)v;
	return v;
}

static bool result_ok(const struct run *u, struct ref want, uint64_t got, uint64_t a, uint64_t b)
{
	if (u->tr == WASM_TYPE_I32 || u->tr == WASM_TYPE_I64 || !is_nan(u->tr, want.v) ||
	    !nan_is_free(u->op))
		return got == reg_of(u->tr, want.v);
	if (u->tr == WASM_TYPE_F32 && got >> 32 != 0xffffffffu)
		return false; /* not NaN-boxed */
	if (!is_nan(u->tr, got))
		return false;
	bool canon = true;
	if (type_is_f(u->ty0) && is_nan(u->ty0, a) && !is_canonical(u->ty0, a))
		canon = false;
	if (u->np == 2 && type_is_f(u->ty1) && is_nan(u->ty1, b) && !is_canonical(u->ty1, b))
		canon = false;
	return canon ? is_canonical(u->tr, got) : is_arithmetic(u->tr, got);
}

static void run_one(struct run *u, uint64_t a, uint64_t b)
{
	struct test_ctx *t = u->t;
	struct num_io io = {.a = a, .b = b, .res = 0x5a5a5a5a5a5a5a5aull, .trap = 0};
	struct ref want = ref_eval(u->op, a, b);
	bool ok;

	u->fn(&io);
	u->calls++;
	ok = io.canary == CANARY && (int)io.trap == want.trap;
	if (ok && !want.trap)
		ok = result_ok(u, want, io.res, a, b);
	if (ok && (want.trap || u->keep0))
		ok = io.ta == reg_of(u->ty0, a);
	if (ok && u->np == 2 && (want.trap || u->keep1))
		ok = io.tb == reg_of(u->ty1, b);
	if (!ok && u->bad++ < 6)
		test_printf(t,
			    "  %s v%u (0x%llx, 0x%llx): got 0x%llx trap %d, operands after "
			    "0x%llx 0x%llx, canary %s; want 0x%llx trap %d\n",
			    wasm_opinfo[u->op].text, u->variant, (unsigned long long)a,
			    (unsigned long long)b, (unsigned long long)io.res, (int)io.trap,
			    (unsigned long long)io.ta, (unsigned long long)io.tb,
			    io.canary == CANARY ? "ok" : "clobbered", (unsigned long long)want.v,
			    want.trap);
}

/* Feeds one function: all edges (pairs of them for a binary operator; a
 * fifth of the pairs in the secondary variants), then nrand random values
 * or pairs, a quarter of them paired with an edge. */
static void run_values(struct run *u, const struct vals *e0, const struct vals *e1, bool same,
		       bool full, unsigned nrand, struct rand *r)
{
	if (u->np == 1 || same) {
		for (size_t i = 0; i < e0->n; i++)
			run_one(u, e0->v[i], e0->v[i]);
	} else {
		for (size_t i = 0; i < e0->n; i++)
			for (size_t j = 0; j < e1->n; j++)
				if (full || (i * 7 + j) % 5 == 0)
					run_one(u, e0->v[i], e1->v[j]);
	}
	for (unsigned k = 0; k < nrand; k++) {
		uint64_t a = rand_val(r, u->ty0);
		uint64_t b = same ? a : rand_val(r, u->ty1);

		if (u->np == 2 && !same && k % 4 == 0)
			b = e1->v[rand_below(r, e1->n)];
		run_one(u, a, b);
	}
}

TEST(jit_num, every_num_row_against_interpreter)
{
	static const char seed[] = "jit_num";
	static size_t at[WASM_OP_NINDEX][ARRAY_SIZE(variants)];
	static struct vals e0, e1;
	struct rand r;
	struct rv64_buf b;
	struct jit_code c;
	long calls = 0;
	unsigned rows = 0, bad_rows = 0;

	rv64_buf_init(&b);
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		if (wasm_opinfo[op].text == NULL || wasm_opinfo[op].tr != WASM_TR_NUM)
			continue;
		for (unsigned v = 0; v < ARRAY_SIZE(variants); v++)
			at[op][v] = emit_case(t, &b, op, &variants[v]);
	}
	if (!jit_map(t, &b, &c)) {
		rv64_buf_free(&b);
		return;
	}
	rand_seed(&r, seed, sizeof(seed));
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		if (wasm_opinfo[op].text == NULL || wasm_opinfo[op].tr != WASM_TR_NUM)
			continue;
		uint32_t sig = wasm_opinfo[op].sig;
		int bad = 0;

		rows++;
		for (unsigned v = 0; v < ARRAY_SIZE(variants); v++) {
			struct run u = {
				.t = t,
				.op = op,
				.variant = v,
				.ty0 = wasm_sig_param(sig, 0),
				.ty1 = wasm_sig_param(sig, 1),
				.tr = wasm_sig_result(sig),
				.np = wasm_sig_nparams(sig),
				.keep0 = operand_kept(op, &variants[v], 0),
				.keep1 = operand_kept(op, &variants[v], 1),
			};

			if (at[op][v] == SIZE_MAX) {
				bad++;
				continue;
			}
			u.fn = (fn_io)jit_at(&c, at[op][v]);
			edges_of(&e0, u.ty0);
			if (u.np == 2)
				edges_of(&e1, u.ty1);
			run_values(&u, &e0, &e1, variants[v].same, v == 0, v == 0 ? 4000 : 300, &r);
			calls += u.calls;
			bad += u.bad;
		}
		if (bad)
			bad_rows++;
	}
	test_printf(t, "  %u NUM rows, %zu variants each, %ld calls, %u rows failing\n", rows,
		    ARRAY_SIZE(variants), calls, bad_rows);
	EXPECT_EQ(bad_rows, 0);
	EXPECT_GE(rows, 120);
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* Hand-picked cases the tables reach anyway, spelled out for the reader:
 * each checks a RISC-V behaviour the code must correct or rely on. */
TEST(jit_num, riscv_corners)
{
	static const struct {
		uint32_t op;
		uint64_t a, b;
		int trap;
		uint64_t v; /* the register, as compared */
	} cases[] = {
		{X_I32_DIV_S, 0x80000000u, 0xffffffffu, WASM_TRAP_INT_OVERFLOW, 0},
		{X_I32_REM_S, 0x80000000u, 0xffffffffu, 0, 0},
		{X_I64_DIV_S, 1ull << 63, ~0ull, WASM_TRAP_INT_OVERFLOW, 0},
		{X_I64_REM_S, 1ull << 63, ~0ull, 0, 0},
		{X_I32_DIV_U, 7, 0, WASM_TRAP_DIV_ZERO, 0},
		{X_I64_REM_U, 7, 0, WASM_TRAP_DIV_ZERO, 0},
		{X_I32_TRUNC_F32_S, 0x7fc00000u, 0, WASM_TRAP_INVALID_CONV, 0},
		{X_I32_TRUNC_F32_S, 0x4f000000u /* 2^31 */, 0, WASM_TRAP_INT_OVERFLOW, 0},
		{X_I32_TRUNC_F32_S, 0xcf000000u /* -2^31 */, 0, 0, 0xffffffff80000000ull},
		{X_I32_TRUNC_F64_U, 0xbfe0000000000000ull /* -0.5 */, 0, 0, 0},
		{X_I32_TRUNC_SAT_F32_S, 0x7fc00000u, 0, 0, 0},
		{X_I64_TRUNC_SAT_F64_U, 0xfff8000000000000ull, 0, 0, 0},
		{X_F64_CEIL, 0xbfe0000000000000ull /* -0.5 */, 0, 0, 0x8000000000000000ull},
		{X_F64_NEAREST, 0x4004000000000000ull /* 2.5 */, 0, 0, 0x4000000000000000ull},
		{X_F64_NEAREST, 0xbfe0000000000000ull /* -0.5 */, 0, 0, 0x8000000000000000ull},
		{X_F32_MIN, 0x7fc00000u, 0x3f800000u, 0, 0xffffffff7fc00000ull},
		{X_F64_MAX, 0x0000000000000000ull, 0x8000000000000000ull, 0, 0},
		{X_F32_NEG, 0x7fa00001u, 0, 0, 0xffffffffffa00001ull},
		{X_I32_CLZ, 0, 0, 0, 32},
		{X_I64_CTZ, 0, 0, 0, 64},
		{X_I32_WRAP_I64, 0x0000000180000000ull, 0, 0, 0xffffffff80000000ull},
		{X_I64_EXTEND_I32_U, 0x80000000u, 0, 0, 0x80000000ull},
	};
	struct rv64_buf b;
	struct jit_code c;
	size_t at[ARRAY_SIZE(cases)];

	rv64_buf_init(&b);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		at[i] = emit_case(t, &b, cases[i].op, &variants[2]);
	if (!jit_map(t, &b, &c)) {
		rv64_buf_free(&b);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct num_io io = {.a = cases[i].a, .b = cases[i].b, .trap = 0};

		if (!EXPECT(at[i] != SIZE_MAX))
			continue;
		((fn_io)jit_at(&c, at[i]))(&io);
		if (!EXPECT_EQ(io.trap, cases[i].trap) ||
		    (!cases[i].trap && !EXPECT_EQ_U(io.res, cases[i].v)))
			test_printf(t, "  case %zu: %s\n", i, wasm_opinfo[cases[i].op].text);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* ---- the spec testsuite's own expectations ---- */

enum spec_kind { SPEC_VALUE, SPEC_NAN_CANONICAL, SPEC_NAN_ARITHMETIC, SPEC_TRAP };

struct spec_case {
	uint32_t op;
	uint64_t a, b;
	uint8_t kind; /* enum spec_kind */
	uint64_t want;
	const char *where; /* "file:line" in the testsuite */
};

static const struct spec_case spec_cases[] = {
#define JIT_NUM_SPEC(op, a, b, kind, want, where) {op, a, b, kind, want, where},
#include "jit_num_spec.h"
#undef JIT_NUM_SPEC
	{0, 0, 0, 0, 0, NULL},
};

static bool spec_ok(const struct spec_case *sc, uint8_t tr, const struct num_io *io)
{
	if (sc->kind == SPEC_TRAP)
		return io->trap == sc->want;
	if (io->trap)
		return false;
	if (tr == WASM_TYPE_F32 && io->res >> 32 != 0xffffffffu)
		return false; /* not NaN-boxed */
	if (sc->kind == SPEC_NAN_CANONICAL)
		return is_canonical(tr, io->res);
	if (sc->kind == SPEC_NAN_ARITHMETIC)
		return is_nan(tr, io->res) && is_arithmetic(tr, io->res);
	return io->res == reg_of(tr, sc->want);
}

/* Every assert_return/assert_trap of the numeric .wast files on a function
 * that is one NUM instruction (tools/gen-jit-num-spec.py), run in the first
 * three register assignments in turn. */
TEST(jit_num, spec_testsuite_assertions)
{
	static size_t at[WASM_OP_NINDEX][3];
	static bool covered[WASM_OP_NINDEX];
	struct rv64_buf b;
	struct jit_code c;
	size_t n = 0;
	unsigned rows = 0, uncovered = 0;
	int bad = 0;

#ifdef JIT_NUM_SPEC_MISSING
	test_printf(t, "  spec testsuite not found: %s\n", JIT_NUM_SPEC_MISSING);
	EXPECT(false);
	return;
#endif
	rv64_buf_init(&b);
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		if (wasm_opinfo[op].text == NULL || wasm_opinfo[op].tr != WASM_TR_NUM)
			continue;
		for (unsigned v = 0; v < 3; v++)
			at[op][v] = emit_case(t, &b, op, &variants[v]);
	}
	if (!jit_map(t, &b, &c)) {
		rv64_buf_free(&b);
		return;
	}
	for (const struct spec_case *sc = spec_cases; sc->where; sc++) {
		struct num_io io = {.a = sc->a, .b = sc->b, .res = 0x5a5a5a5a5a5a5a5aull};
		uint8_t tr;
		size_t pos;

		if (wasm_opinfo[sc->op].tr != WASM_TR_NUM)
			continue; /* reinterpret: no code */
		pos = at[sc->op][n % 3];
		if (!EXPECT(pos != SIZE_MAX))
			continue;
		tr = wasm_sig_result(wasm_opinfo[sc->op].sig);
		((fn_io)jit_at(&c, pos))(&io);
		n++;
		covered[sc->op] = true;
		if (!spec_ok(sc, tr, &io) && bad++ < 10)
			test_printf(t, "  %s: %s (0x%llx, 0x%llx) gave 0x%llx trap %d\n", sc->where,
				    wasm_opinfo[sc->op].text, (unsigned long long)sc->a,
				    (unsigned long long)sc->b, (unsigned long long)io.res,
				    (int)io.trap);
	}
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		if (wasm_opinfo[op].text == NULL || wasm_opinfo[op].tr != WASM_TR_NUM)
			continue;
		rows++;
		if (!covered[op] && uncovered++ < 5)
			test_printf(t, "  no spec assertion on %s\n", wasm_opinfo[op].text);
	}
	test_printf(t, "  %zu spec assertions, %u of %u NUM rows covered\n", n, rows - uncovered,
		    rows);
	EXPECT_EQ(bad, 0);
	EXPECT_GT(n, 10000);
	EXPECT_EQ(uncovered, 0);
	jit_unmap(&c);
	rv64_buf_free(&b);
}
