/*
 * rv64_enc_exec_fp_test.c - runs the encoder's F and D instructions under
 * qemu-riscv64 (see rv64_enc_exec_test.c): arithmetic with explicit rounding
 * modes, min/max/sign injection, compares, every int<->float conversion
 * (with RISC-V's saturation), single<->double, bit moves, fclass, and
 * flw/fld/fsw/fsd, each compared with the C result.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/jit/rv64_enc.h"

#include "rv64_jit_map.h"

typedef double (*fn_d_d)(double);

static uint64_t dbits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

static uint32_t fbits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

/* Results of two-operand double functions in fa0 = op(fa0, fa1), through
 * f31/f0 so both edge registers run. */
TEST(rv64_exec_fp, double_arith_rounding)
{
	struct rv64_buf b;
	struct jit_code c;
	enum {
		ADD_RNE,
		ADD_RUP,
		ADD_RDN,
		SUB_RTZ,
		MUL_DYN,
		DIV_RNE,
		DIV_RUP,
		SQRT,
		MIN,
		MAX,
		SGNJ,
		SGNJN,
		SGNJX,
		N
	};
	size_t at[N];

	rv64_buf_init(&b);
	for (int k = 0; k < N; k++) {
		at[k] = rv64_pos(&b);
		rv64_fsgnj_d(&b, 31, 10, 10); /* fmv.d f31, fa0 */
		rv64_fsgnj_d(&b, 0, 11, 11);
		switch (k) {
		case ADD_RNE:
			rv64_fadd_d(&b, 10, 31, 0, RV64_RNE);
			break;
		case ADD_RUP:
			rv64_fadd_d(&b, 10, 31, 0, RV64_RUP);
			break;
		case ADD_RDN:
			rv64_fadd_d(&b, 10, 31, 0, RV64_RDN);
			break;
		case SUB_RTZ:
			rv64_fsub_d(&b, 10, 31, 0, RV64_RTZ);
			break;
		case MUL_DYN:
			rv64_fmul_d(&b, 10, 31, 0, RV64_DYN);
			break;
		case DIV_RNE:
			rv64_fdiv_d(&b, 10, 31, 0, RV64_RNE);
			break;
		case DIV_RUP:
			rv64_fdiv_d(&b, 10, 31, 0, RV64_RUP);
			break;
		case SQRT:
			rv64_fsqrt_d(&b, 10, 31, RV64_RNE);
			break;
		case MIN:
			rv64_fmin_d(&b, 10, 31, 0);
			break;
		case MAX:
			rv64_fmax_d(&b, 10, 31, 0);
			break;
		case SGNJ:
			rv64_fsgnj_d(&b, 10, 31, 0);
			break;
		case SGNJN:
			rv64_fsgnjn_d(&b, 10, 31, 0);
			break;
		case SGNJX:
			rv64_fsgnjx_d(&b, 10, 31, 0);
			break;
		}
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
#define F(k) ((fn_dd_d)jit_at(&c, at[k]))
		double tiny = ldexp(1, -60);
		EXPECT(F(ADD_RNE)(1, tiny) == 1);
		EXPECT(F(ADD_RUP)(1, tiny) == nextafter(1, 2));
		EXPECT(F(ADD_RDN)(-1, -tiny) == nextafter(-1, -2));
		EXPECT(F(ADD_RUP)(-1, -tiny) == -1);
		EXPECT(F(SUB_RTZ)(1, tiny) == nextafter(1, 0));
		EXPECT(F(MUL_DYN)(1.5, -4) == -6);
		EXPECT(F(DIV_RNE)(1, 3) == 1.0 / 3);
		EXPECT(F(DIV_RUP)(1, 3) == nextafter(1.0 / 3, 1));
		EXPECT(F(SQRT)(2, 0) == sqrt(2));
		EXPECT(isnan(F(SQRT)(-1, 0)));
		EXPECT(F(MIN)(-0.0, 0.0) == 0 && signbit(F(MIN)(0.0, -0.0)));
		EXPECT(F(MAX)(NAN, 3) == 3);
		EXPECT(F(MIN)(-INFINITY, 3) == -INFINITY);
		EXPECT(F(SGNJ)(2, -0.0) == -2);
		EXPECT(F(SGNJN)(2, -1) == 2);
		EXPECT(F(SGNJX)(-2, -1) == 2);
		EXPECT(F(SGNJX)(-2, 1) == -2);
#undef F
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

TEST(rv64_exec_fp, single_arith_and_compares)
{
	struct rv64_buf b;
	struct jit_code c;
	enum { ADD, SUB, MUL, DIV, SQRT, MIN, MAX, SGNJN, FEQ, FLT, FLE, DFEQ, DFLT, DFLE, N };
	size_t at[N];

	rv64_buf_init(&b);
	for (int k = 0; k < N; k++) {
		at[k] = rv64_pos(&b);
		switch (k) {
		case ADD:
			rv64_fadd_s(&b, 10, 10, 11, RV64_RNE);
			break;
		case SUB:
			rv64_fsub_s(&b, 10, 10, 11, RV64_RNE);
			break;
		case MUL:
			rv64_fmul_s(&b, 10, 10, 11, RV64_RNE);
			break;
		case DIV:
			rv64_fdiv_s(&b, 10, 10, 11, RV64_RNE);
			break;
		case SQRT:
			rv64_fsqrt_s(&b, 10, 10, RV64_RNE);
			break;
		case MIN:
			rv64_fmin_s(&b, 10, 10, 11);
			break;
		case MAX:
			rv64_fmax_s(&b, 10, 10, 11);
			break;
		case SGNJN:
			rv64_fsgnjn_s(&b, 10, 10, 11);
			break;
		case FEQ:
			rv64_feq_s(&b, RV64_A0, 10, 11);
			break;
		case FLT:
			rv64_flt_s(&b, RV64_A0, 10, 11);
			break;
		case FLE:
			rv64_fle_s(&b, RV64_A0, 10, 11);
			break;
		case DFEQ:
			rv64_feq_d(&b, RV64_T6, 10, 11);
			break;
		case DFLT:
			rv64_flt_d(&b, RV64_T6, 10, 11);
			break;
		case DFLE:
			rv64_fle_d(&b, RV64_T6, 10, 11);
			break;
		}
		if (k >= DFEQ)
			rv64_mv(&b, RV64_A0, RV64_T6);
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
#define S(k) ((fn_ff_f)jit_at(&c, at[k]))
#define C(k) ((fn_ff_i)jit_at(&c, at[k]))
#define D(k) ((fn_dd_i)jit_at(&c, at[k]))
		EXPECT(S(ADD)(1.5f, 2.25f) == 3.75f);
		EXPECT(S(ADD)(16777216.0f, 1.0f) == 16777216.0f);
		EXPECT(S(SUB)(1.0f, 0.75f) == 0.25f);
		EXPECT(S(MUL)(3.0f, -0.5f) == -1.5f);
		EXPECT(S(DIV)(1.0f, 3.0f) == 1.0f / 3.0f);
		EXPECT(S(SQRT)(2.0f, 0) == sqrtf(2.0f));
		EXPECT(S(MIN)(NAN, 1.0f) == 1.0f);
		EXPECT(S(MAX)(-1.0f, 1.0f) == 1.0f);
		EXPECT(S(SGNJN)(3.0f, 1.0f) == -3.0f);
		static const float fv[] = {0.0f, -0.0f, 1.0f, -1.0f, NAN, INFINITY, FLT_MIN};
		int bad = 0;
		for (size_t i = 0; i < ARRAY_SIZE(fv); i++) {
			for (size_t j = 0; j < ARRAY_SIZE(fv); j++) {
				float x = fv[i], y = fv[j];
				bad += C(FEQ)(x, y) != (x == y);
				bad += C(FLT)(x, y) != (x < y);
				bad += C(FLE)(x, y) != (x <= y);
				bad += D(DFEQ)(x, y) != (x == y);
				bad += D(DFLT)(x, y) != ((double)x < y);
				bad += D(DFLE)(x, y) != ((double)x <= y);
			}
		}
		EXPECT_EQ(bad, 0);
#undef S
#undef C
#undef D
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

TEST(rv64_exec_fp, conversions)
{
	struct rv64_buf b;
	struct jit_code c;
	enum {
		W_D_RTZ,
		WU_D_RTZ,
		L_D_RTZ,
		LU_D_RTZ,
		L_D_RNE,
		L_D_RUP,
		L_D_RDN,
		L_D_RMM,
		W_S_RTZ,
		WU_S_RTZ,
		L_S_RTZ,
		LU_S_RTZ,
		D_W,
		D_WU,
		D_L,
		D_LU,
		S_W,
		S_WU,
		S_L,
		S_LU,
		S_L_RTZ,
		D_S,
		S_D,
		S_D_RUP,
		N
	};
	size_t at[N];

	rv64_buf_init(&b);
	for (int k = 0; k < N; k++) {
		at[k] = rv64_pos(&b);
		switch (k) {
		case W_D_RTZ:
			rv64_fcvt_w_d(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case WU_D_RTZ:
			rv64_fcvt_wu_d(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case L_D_RTZ:
			rv64_fcvt_l_d(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case LU_D_RTZ:
			rv64_fcvt_lu_d(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case L_D_RNE:
			rv64_fcvt_l_d(&b, RV64_A0, 10, RV64_RNE);
			break;
		case L_D_RUP:
			rv64_fcvt_l_d(&b, RV64_A0, 10, RV64_RUP);
			break;
		case L_D_RDN:
			rv64_fcvt_l_d(&b, RV64_A0, 10, RV64_RDN);
			break;
		case L_D_RMM:
			rv64_fcvt_l_d(&b, RV64_A0, 10, RV64_RMM);
			break;
		case W_S_RTZ:
			rv64_fcvt_w_s(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case WU_S_RTZ:
			rv64_fcvt_wu_s(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case L_S_RTZ:
			rv64_fcvt_l_s(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case LU_S_RTZ:
			rv64_fcvt_lu_s(&b, RV64_A0, 10, RV64_RTZ);
			break;
		case D_W:
			rv64_fcvt_d_w(&b, 10, RV64_A0);
			break;
		case D_WU:
			rv64_fcvt_d_wu(&b, 10, RV64_A0);
			break;
		case D_L:
			rv64_fcvt_d_l(&b, 10, RV64_A0, RV64_RNE);
			break;
		case D_LU:
			rv64_fcvt_d_lu(&b, 10, RV64_A0, RV64_RNE);
			break;
		case S_W:
			rv64_fcvt_s_w(&b, 10, RV64_A0, RV64_RNE);
			break;
		case S_WU:
			rv64_fcvt_s_wu(&b, 10, RV64_A0, RV64_RNE);
			break;
		case S_L:
			rv64_fcvt_s_l(&b, 10, RV64_A0, RV64_RNE);
			break;
		case S_LU:
			rv64_fcvt_s_lu(&b, 10, RV64_A0, RV64_RNE);
			break;
		case S_L_RTZ:
			rv64_fcvt_s_l(&b, 10, RV64_A0, RV64_RTZ);
			break;
		case D_S:
			rv64_fcvt_d_s(&b, 10, 10);
			break;
		case S_D:
			rv64_fcvt_s_d(&b, 10, 10, RV64_RNE);
			break;
		case S_D_RUP:
			rv64_fcvt_s_d(&b, 10, 10, RV64_RUP);
			break;
		}
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
#define DI(k) ((fn_d_i)jit_at(&c, at[k]))
#define FI(k) ((fn_f_i)jit_at(&c, at[k]))
#define ID(k) ((fn_i_d)jit_at(&c, at[k]))
#define IF(k) ((fn_i_f)jit_at(&c, at[k]))
		EXPECT_EQ(DI(W_D_RTZ)(-2.9), -2);
		EXPECT_EQ(DI(W_D_RTZ)(3e9), INT32_MAX); /* saturates */
		EXPECT_EQ(DI(W_D_RTZ)(-3e9), INT32_MIN);
		EXPECT_EQ(DI(W_D_RTZ)(NAN), INT32_MAX);
		EXPECT_EQ(DI(WU_D_RTZ)(3e9), (int32_t)3000000000u); /* sign-extended */
		EXPECT_EQ(DI(WU_D_RTZ)(-1.5), 0);
		EXPECT_EQ(DI(L_D_RTZ)(-1e18), -1000000000000000000);
		EXPECT_EQ(DI(L_D_RTZ)(1e19), INT64_MAX);
		EXPECT_EQ_U(DI(LU_D_RTZ)(1e19), 10000000000000000000u);
		EXPECT_EQ(DI(L_D_RNE)(2.5), 2);
		EXPECT_EQ(DI(L_D_RNE)(3.5), 4);
		EXPECT_EQ(DI(L_D_RUP)(2.1), 3);
		EXPECT_EQ(DI(L_D_RDN)(-2.1), -3);
		EXPECT_EQ(DI(L_D_RMM)(2.5), 3);
		EXPECT_EQ(DI(L_D_RMM)(-2.5), -3);
		EXPECT_EQ(FI(W_S_RTZ)(-7.75f), -7);
		EXPECT_EQ(FI(WU_S_RTZ)(4e9f), (int32_t)4000000000u);
		EXPECT_EQ(FI(L_S_RTZ)(-1e18f), (int64_t)-1e18f);
		EXPECT_EQ_U(FI(LU_S_RTZ)(1.5e19f), (uint64_t)1.5e19f);
		EXPECT(ID(D_W)(-5) == -5.0);
		EXPECT(ID(D_W)(0x100000000) == 0.0); /* only the low 32 bits */
		EXPECT(ID(D_WU)(-1) == 4294967295.0);
		EXPECT(ID(D_L)(INT64_MIN) == -9223372036854775808.0);
		EXPECT(ID(D_L)((1ll << 53) + 1) == (double)(1ll << 53)); /* ties to even */
		EXPECT(ID(D_LU)(-1) == 18446744073709551615.0);
		EXPECT(IF(S_W)(-16777217) == -16777216.0f);
		EXPECT(IF(S_WU)(-1) == 4294967295.0f);
		EXPECT(IF(S_L)(INT64_MAX) == 9223372036854775807.0f);
		EXPECT(IF(S_L_RTZ)(16777217) == 16777216.0f);
		EXPECT(IF(S_L)(16777219) == 16777220.0f);
		EXPECT(IF(S_LU)(-1) == 18446744073709551615.0f);
		EXPECT(((fn_f_d)jit_at(&c, at[D_S]))(0.1f) == (double)0.1f);
		EXPECT(((fn_d_f)jit_at(&c, at[S_D]))(0.1) == 0.1f);
		EXPECT(((fn_d_f)jit_at(&c, at[S_D_RUP]))(1 + ldexp(1, -40)) == nextafterf(1, 2));
		EXPECT(isinf(((fn_d_f)jit_at(&c, at[S_D]))(1e300)));
#undef DI
#undef FI
#undef ID
#undef IF
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* Bit moves, fclass and the FP loads/stores at the 12-bit offset edges. */
TEST(rv64_exec_fp, moves_class_and_memory)
{
	struct rv64_buf b;
	struct jit_code c;
	enum { X_D, D_X, X_W, W_X, CLASS_D, CLASS_S, LDST_D, LDST_S, N };
	size_t at[N];

	rv64_buf_init(&b);
	for (int k = 0; k < N; k++) {
		at[k] = rv64_pos(&b);
		switch (k) {
		case X_D:
			rv64_fmv_x_d(&b, RV64_A0, 10);
			break;
		case D_X:
			rv64_fmv_d_x(&b, 10, RV64_A0);
			break;
		case X_W:
			rv64_fmv_x_w(&b, RV64_A0, 10);
			break;
		case W_X:
			rv64_fmv_w_x(&b, 10, RV64_A0);
			break;
		case CLASS_D:
			rv64_fclass_d(&b, RV64_A0, 10);
			break;
		case CLASS_S:
			rv64_fclass_s(&b, RV64_A0, 10);
			break;
		case LDST_D:
			/* p[+2047 bytes] = p[-2048 bytes] + 1.0 (bits from a1) */
			rv64_fld(&b, 31, RV64_A0, -2048);
			rv64_fmv_d_x(&b, 0, RV64_A1);
			rv64_fadd_d(&b, 31, 31, 0, RV64_RNE);
			rv64_fsd(&b, 31, 2047, RV64_A0);
			break;
		case LDST_S:
			rv64_flw(&b, 31, RV64_A0, -2048);
			rv64_fmv_w_x(&b, 0, RV64_A1);
			rv64_fadd_s(&b, 31, 31, 0, RV64_RNE);
			rv64_fsw(&b, 31, 2047, RV64_A0);
			break;
		}
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
		EXPECT_EQ_U(((fn_d_i)jit_at(&c, at[X_D]))(-2.5), dbits(-2.5));
		EXPECT(((fn_i_d)jit_at(&c, at[D_X]))((int64_t)dbits(1e-300)) == 1e-300);
		/* fmv.x.w sign-extends the 32 bits */
		EXPECT_EQ(((fn_f_i)jit_at(&c, at[X_W]))(-1.0f), (int32_t)fbits(-1.0f));
		EXPECT(((fn_i_f)jit_at(&c, at[W_X]))(fbits(3.25f)) == 3.25f);
		fn_d_i cd = (fn_d_i)jit_at(&c, at[CLASS_D]);
		EXPECT_EQ(cd(-INFINITY), 1 << 0);
		EXPECT_EQ(cd(-1.0), 1 << 1);
		EXPECT_EQ(cd(-0.0), 1 << 3);
		EXPECT_EQ(cd(0.0), 1 << 4);
		EXPECT_EQ(cd(DBL_MIN / 2), 1 << 5);
		EXPECT_EQ(cd(INFINITY), 1 << 7);
		EXPECT_EQ(cd(NAN), 1 << 9);
		fn_f_i cs = (fn_f_i)jit_at(&c, at[CLASS_S]);
		EXPECT_EQ(cs(-FLT_MIN / 2), 1 << 2);
		EXPECT_EQ(cs(1.0f), 1 << 6);

		static uint8_t mem[8192];
		uint8_t *mid = mem + 4096;
		double d = 41.0, dout = 0;
		float f = 9.5f, fout = 0;
		memcpy(mid - 2048, &d, 8);
		((void (*)(void *, uint64_t))jit_at(&c, at[LDST_D]))(mid, dbits(1.0));
		memcpy(&dout, mid + 2047, 8);
		EXPECT(dout == 42.0);
		memcpy(mid - 2048, &f, 4);
		((void (*)(void *, uint64_t))jit_at(&c, at[LDST_S]))(mid, fbits(0.5f));
		memcpy(&fout, mid + 2047, 4);
		EXPECT(fout == 10.0f);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}
