/*
 * rv64_enc_exec_test.c - runs what the riscv64 encoder emits: a riscv64
 * Linux program (make rv64-enc-test, run under qemu-riscv64) that encodes
 * functions into a buffer, maps them (written while read-write, then made
 * read+execute, never both), calls them through the C calling convention
 * and compares each result with C's own arithmetic.
 *
 * Covered: rv64_li on edge and random constants into every caller-saved
 * register, every integer and M instruction (register and immediate forms,
 * W forms, division by zero and overflow), all six branches bound late by
 * rv64_patch_branch, a loop with a backward branch, jal patched across
 * 64 KiB, loads and stores of every width at the 12-bit offset edges, and F/D
 * arithmetic, compares, rounding modes, conversions, moves and fclass.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"
#include "base/rand.h"
#include "base/test.h"
#include "wasm/jit/rv64_enc.h"

#include "rv64_jit_map.h"

typedef int64_t (*fn_ii_i)(int64_t, int64_t);
typedef void (*fn_p)(uint64_t *);
typedef int64_t (*fn_i_i)(int64_t);

static const unsigned scratch_regs[] = {RV64_T0, RV64_T1, RV64_T2, RV64_A1, RV64_A2,
					RV64_A3, RV64_A4, RV64_A5, RV64_A6, RV64_A7,
					RV64_T3, RV64_T4, RV64_T5, RV64_T6};

TEST(rv64_exec, li_constants)
{
	enum { N = 3000 };
	static uint64_t want[N], got[N];
	static const uint64_t edge[] = {0,
					1,
					~0ull,
					(uint64_t)INT64_MIN,
					(uint64_t)INT64_MAX,
					0x80000000,
					0x7ffff800,
					0x7fffffff,
					0xffffffff,
					0xffffffff80000000,
					0xffffffff7ffff800,
					0x7ffffffffffff800,
					0x800,
					0x7ff,
					0xfffffffffffff800,
					0xfffffffffffff7ff,
					0x100000000,
					0x123456789abcdef0,
					0xfedcba9876543210,
					0x8000000000000001,
					0x00000fffffffffff,
					0x5555555555555555,
					0xaaaaaaaaaaaaaaaa};
	static const char seed[] = "rv64_exec.li";
	struct rand r;
	struct rv64_buf b;
	struct jit_code c;

	rand_seed(&r, seed, sizeof(seed));
	for (size_t i = 0; i < N; i++) {
		if (i < ARRAY_SIZE(edge))
			want[i] = edge[i];
		else if (i < 1000)
			want[i] = rand_next(&r) >> rand_below(&r, 64);
		else if (i < 2000)
			want[i] = ~(rand_next(&r) >> rand_below(&r, 64));
		else
			want[i] = (uint64_t)1 << (i % 64) ^ ((i & 64) ? ~0ull : 0) ^
				  (rand_next(&r) & ((i & 128) ? 0xfff : 0));
	}
	/* void f(uint64_t *out): out[i] = want[i] through a rotating register */
	rv64_buf_init(&b);
	for (size_t i = 0; i < N; i++) {
		unsigned rd = scratch_regs[i % ARRAY_SIZE(scratch_regs)];
		rv64_li(&b, rd, (int64_t)want[i]);
		rv64_sd(&b, rd, 0, RV64_A0);
		rv64_addi(&b, RV64_A0, RV64_A0, 8);
	}
	jit_ret(&b);
	if (jit_map(t, &b, &c)) {
		memset(got, 0x5a, sizeof(got));
		((fn_p)jit_at(&c, 0))(got);
		int bad = 0;
		for (size_t i = 0; i < N; i++) {
			if (got[i] != want[i] && bad++ < 10)
				test_printf(t, "  li 0x%016llx gave 0x%016llx\n",
					    (unsigned long long)want[i],
					    (unsigned long long)got[i]);
		}
		EXPECT_EQ(bad, 0);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* What each integer op computes, as RISC-V defines it (no C UB). */
enum iop {
	I_ADD,
	I_SUB,
	I_SLL,
	I_SLT,
	I_SLTU,
	I_XOR,
	I_SRL,
	I_SRA,
	I_OR,
	I_AND,
	I_ADDW,
	I_SUBW,
	I_SLLW,
	I_SRLW,
	I_SRAW,
	I_MUL,
	I_MULH,
	I_MULHSU,
	I_MULHU,
	I_DIV,
	I_DIVU,
	I_REM,
	I_REMU,
	I_MULW,
	I_DIVW,
	I_DIVUW,
	I_REMW,
	I_REMUW,
	I_COUNT
};

static int64_t sx32(uint64_t v)
{
	return (int64_t)(int32_t)(uint32_t)v;
}

static int64_t sra64(int64_t a, unsigned s)
{
	return a < 0 ? (int64_t) ~(~(uint64_t)a >> s) : (int64_t)((uint64_t)a >> s);
}

static int64_t iop_ref(enum iop op, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	int32_t a32 = (int32_t)a, b32 = (int32_t)b;
	uint32_t ua32 = (uint32_t)a, ub32 = (uint32_t)b;

	switch (op) {
	case I_ADD:
		return (int64_t)(ua + ub);
	case I_SUB:
		return (int64_t)(ua - ub);
	case I_SLL:
		return (int64_t)(ua << (ub & 63));
	case I_SLT:
		return a < b;
	case I_SLTU:
		return ua < ub;
	case I_XOR:
		return (int64_t)(ua ^ ub);
	case I_SRL:
		return (int64_t)(ua >> (ub & 63));
	case I_SRA:
		return sra64(a, ub & 63);
	case I_OR:
		return (int64_t)(ua | ub);
	case I_AND:
		return (int64_t)(ua & ub);
	case I_ADDW:
		return sx32(ua + ub);
	case I_SUBW:
		return sx32(ua - ub);
	case I_SLLW:
		return sx32((uint64_t)ua32 << (ub & 31));
	case I_SRLW:
		return sx32(ua32 >> (ub & 31));
	case I_SRAW:
		return sra64(a32, ub & 31);
	case I_MUL:
		return (int64_t)(ua * ub);
	case I_MULH:
		return (int64_t)(((__int128)a * b) >> 64);
	case I_MULHSU:
		return (int64_t)(((__int128)a * (__int128)ub) >> 64);
	case I_MULHU:
		return (int64_t)(((unsigned __int128)ua * ub) >> 64);
	case I_DIV:
		return b == 0 ? -1 : (a == INT64_MIN && b == -1) ? a : a / b;
	case I_DIVU:
		return b == 0 ? -1 : (int64_t)(ua / ub);
	case I_REM:
		return b == 0 ? a : (a == INT64_MIN && b == -1) ? 0 : a % b;
	case I_REMU:
		return b == 0 ? a : (int64_t)(ua % ub);
	case I_MULW:
		return sx32(ua * ub);
	case I_DIVW:
		return b32 == 0 ? -1 : (a32 == INT32_MIN && b32 == -1) ? a32 : a32 / b32;
	case I_DIVUW:
		return b32 == 0 ? -1 : sx32(ua32 / ub32);
	case I_REMW:
		return b32 == 0 ? a32 : (a32 == INT32_MIN && b32 == -1) ? 0 : a32 % b32;
	case I_REMUW:
		return b32 == 0 ? a32 : sx32(ua32 % ub32);
	case I_COUNT:
		break;
	}
	return 0;
}

static void iop_emit(struct rv64_buf *b, enum iop op, unsigned d, unsigned x, unsigned y)
{
	static void (*const emit[I_COUNT])(struct rv64_buf *, unsigned, unsigned, unsigned) = {
		rv64_add,  rv64_sub,  rv64_sll,	 rv64_slt,    rv64_sltu,  rv64_xor,  rv64_srl,
		rv64_sra,  rv64_or,   rv64_and,	 rv64_addw,   rv64_subw,  rv64_sllw, rv64_srlw,
		rv64_sraw, rv64_mul,  rv64_mulh, rv64_mulhsu, rv64_mulhu, rv64_div,  rv64_divu,
		rv64_rem,  rv64_remu, rv64_mulw, rv64_divw,   rv64_divuw, rv64_remw, rv64_remuw,
	};
	emit[op](b, d, x, y);
}

static const int64_t int_inputs[] = {0,
				     1,
				     -1,
				     2,
				     -2,
				     7,
				     63,
				     64,
				     31,
				     32,
				     INT64_MIN,
				     INT64_MAX,
				     INT32_MIN,
				     INT32_MAX,
				     (int64_t)0x80000000,
				     (int64_t)0xffffffff,
				     0x123456789abcdef,
				     (int64_t)0xfedcba9876543210};

TEST(rv64_exec, integer_ops)
{
	struct rv64_buf b;
	struct jit_code c;
	size_t at[I_COUNT];
	int bad = 0;

	rv64_buf_init(&b);
	for (int op = 0; op < I_COUNT; op++) {
		/* int64_t f(a, b): through t3/t6 so the encoding of high registers runs too */
		at[op] = rv64_pos(&b);
		rv64_mv(&b, RV64_T3, RV64_A0);
		rv64_mv(&b, RV64_T6, RV64_A1);
		iop_emit(&b, op, RV64_T5, RV64_T3, RV64_T6);
		rv64_mv(&b, RV64_A0, RV64_T5);
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
		for (int op = 0; op < I_COUNT; op++) {
			fn_ii_i f = (fn_ii_i)jit_at(&c, at[op]);
			for (size_t i = 0; i < ARRAY_SIZE(int_inputs); i++) {
				for (size_t j = 0; j < ARRAY_SIZE(int_inputs); j++) {
					int64_t x = int_inputs[i], y = int_inputs[j];
					int64_t got = f(x, y), want = iop_ref(op, x, y);
					if (got != want && bad++ < 10)
						test_printf(
							t,
							"  op %d (%lld, %lld): %lld, want %lld\n",
							op, (long long)x, (long long)y,
							(long long)got, (long long)want);
				}
			}
		}
		EXPECT_EQ(bad, 0);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

TEST(rv64_exec, immediate_ops)
{
	static const int32_t imms[] = {0, 1, -1, 2047, -2048, 0x555, -0x556};
	enum { NOPS = 7, NSH = 6 };
	struct rv64_buf b;
	struct jit_code c;
	size_t at[NOPS][ARRAY_SIZE(imms)], sat[NSH][64];
	int bad = 0;

	rv64_buf_init(&b);
	for (int op = 0; op < NOPS; op++) {
		for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
			at[op][k] = rv64_pos(&b);
			void (*const e[NOPS])(struct rv64_buf *, unsigned, unsigned, int32_t) = {
				rv64_addi, rv64_slti, rv64_sltiu, rv64_xori,
				rv64_ori,  rv64_andi, rv64_addiw};
			e[op](&b, RV64_A0, RV64_A0, imms[k]);
			jit_ret(&b);
		}
	}
	for (int op = 0; op < NSH; op++) {
		for (unsigned s = 0; s < (op < 3 ? 64u : 32u); s++) {
			void (*const e[NSH])(struct rv64_buf *, unsigned, unsigned,
					     unsigned) = {rv64_slli,  rv64_srli,  rv64_srai,
							  rv64_slliw, rv64_srliw, rv64_sraiw};
			sat[op][s] = rv64_pos(&b);
			e[op](&b, RV64_A0, RV64_A0, s);
			jit_ret(&b);
		}
	}
	if (jit_map(t, &b, &c)) {
		static const enum iop ref[NOPS] = {I_ADD, I_SLT, I_SLTU, I_XOR,
						   I_OR,  I_AND, I_ADDW};
		static const enum iop sref[NSH] = {I_SLL, I_SRL, I_SRA, I_SLLW, I_SRLW, I_SRAW};
		for (size_t i = 0; i < ARRAY_SIZE(int_inputs); i++) {
			int64_t x = int_inputs[i];
			for (int op = 0; op < NOPS; op++) {
				for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
					int64_t got = ((fn_i_i)jit_at(&c, at[op][k]))(x);
					bad += got != iop_ref(ref[op], x, imms[k]);
				}
			}
			for (int op = 0; op < NSH; op++) {
				for (unsigned s = 0; s < (op < 3 ? 64u : 32u); s++) {
					int64_t got = ((fn_i_i)jit_at(&c, sat[op][s]))(x);
					bad += got != iop_ref(sref[op], x, s);
				}
			}
		}
		EXPECT_EQ(bad, 0);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* int64_t f(a, b) { return a COND b; } with the taken path bound late. */
TEST(rv64_exec, branches_patched_forward)
{
	void (*const br[6])(struct rv64_buf *, unsigned, unsigned, int64_t) = {
		rv64_beq, rv64_bne, rv64_blt, rv64_bge, rv64_bltu, rv64_bgeu};
	struct rv64_buf b;
	struct jit_code c;
	size_t at[6];
	int bad = 0;

	rv64_buf_init(&b);
	for (int k = 0; k < 6; k++) {
		at[k] = rv64_pos(&b);
		size_t fix = rv64_pos(&b);
		br[k](&b, RV64_A0, RV64_A1, 0);
		rv64_li(&b, RV64_A0, 0);
		jit_ret(&b);
		EXPECT_OK(rv64_patch_branch(&b, fix, rv64_pos(&b)));
		rv64_li(&b, RV64_A0, 1);
		jit_ret(&b);
	}
	if (jit_map(t, &b, &c)) {
		for (size_t i = 0; i < ARRAY_SIZE(int_inputs); i++) {
			for (size_t j = 0; j < ARRAY_SIZE(int_inputs); j++) {
				int64_t x = int_inputs[i], y = int_inputs[j];
				uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
				bool want[6] = {x == y, x != y, x < y, x >= y, ux < uy, ux >= uy};
				for (int k = 0; k < 6; k++)
					bad += ((fn_ii_i)jit_at(&c, at[k]))(x, y) != want[k];
			}
		}
		EXPECT_EQ(bad, 0);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/*
 * int64_t sum(n): s = 0; while (n != 0) { s += n; n--; } return s;
 * The exit is a forward beq bound late, the loop a backward jal; a second
 * entry does the same with a backward bne (do-while), and a third jumps
 * over 64 KiB of nops with a patched jal and a branch at its +4094 edge.
 */
TEST(rv64_exec, loops_and_far_jumps)
{
	struct rv64_buf b;
	struct jit_code c;
	size_t sum, dosum, far;

	rv64_buf_init(&b);
	sum = rv64_pos(&b);
	rv64_li(&b, RV64_A1, 0);
	size_t head = rv64_pos(&b);
	size_t exit_br = rv64_pos(&b);
	rv64_beq(&b, RV64_A0, RV64_ZERO, 0);
	rv64_add(&b, RV64_A1, RV64_A1, RV64_A0);
	rv64_addi(&b, RV64_A0, RV64_A0, -1);
	rv64_jal(&b, RV64_ZERO, (int32_t)(head - rv64_pos(&b)) * 4);
	EXPECT_OK(rv64_patch_branch(&b, exit_br, rv64_pos(&b)));
	rv64_mv(&b, RV64_A0, RV64_A1);
	jit_ret(&b);

	dosum = rv64_pos(&b);
	rv64_li(&b, RV64_A1, 0);
	head = rv64_pos(&b);
	rv64_add(&b, RV64_A1, RV64_A1, RV64_A0);
	rv64_addi(&b, RV64_A0, RV64_A0, -1);
	rv64_bne(&b, RV64_A0, RV64_ZERO, (int32_t)(head - rv64_pos(&b)) * 4);
	rv64_mv(&b, RV64_A0, RV64_A1);
	jit_ret(&b);

	/* far(x): x == 0 ? 7 : 9, through a branch of exactly +4092 bytes and a
	 * jal over 16384 nops */
	far = rv64_pos(&b);
	size_t br = rv64_pos(&b);
	rv64_beq(&b, RV64_A0, RV64_ZERO, 0);
	size_t j = rv64_pos(&b);
	rv64_jal(&b, RV64_ZERO, 0);
	while (rv64_pos(&b) < br + 1023)
		rv64_nop(&b);
	EXPECT(!rv64_fits_branch(((int64_t)rv64_pos(&b) + 1 - (int64_t)br) * 4));
	EXPECT_OK(rv64_patch_branch(&b, br, rv64_pos(&b)));
	rv64_li(&b, RV64_A0, 7);
	jit_ret(&b);
	for (int i = 0; i < 16384; i++)
		rv64_ebreak(&b); /* never runs */
	EXPECT_OK(rv64_patch_jal(&b, j, rv64_pos(&b)));
	rv64_li(&b, RV64_A0, 9);
	jit_ret(&b);

	if (jit_map(t, &b, &c)) {
		EXPECT_EQ(((fn_i_i)jit_at(&c, sum))(0), 0);
		EXPECT_EQ(((fn_i_i)jit_at(&c, sum))(1), 1);
		EXPECT_EQ(((fn_i_i)jit_at(&c, sum))(100000), 5000050000);
		EXPECT_EQ(((fn_i_i)jit_at(&c, dosum))(1), 1);
		EXPECT_EQ(((fn_i_i)jit_at(&c, dosum))(1000), 500500);
		EXPECT_EQ(((fn_i_i)jit_at(&c, far))(0), 7);
		EXPECT_EQ(((fn_i_i)jit_at(&c, far))(5), 9);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}

/* Stores of every width at offsets -2048, 0 and 2047 from a0, then loads of
 * every width and extension read them back. */
TEST(rv64_exec, loads_and_stores)
{
	static uint8_t mem[8192];
	uint8_t *mid = mem + 4096;
	static const int32_t offs[] = {-2048, 0, 2047};
	void (*const st[4])(struct rv64_buf *, unsigned, int32_t, unsigned) = {rv64_sb, rv64_sh,
									       rv64_sw, rv64_sd};
	void (*const ld[7])(struct rv64_buf *, unsigned, unsigned, int32_t) = {
		rv64_lb, rv64_lh, rv64_lw, rv64_ld, rv64_lbu, rv64_lhu, rv64_lwu};
	struct rv64_buf b;
	struct jit_code c;
	size_t sat[4][3], lat[7][3];
	int bad = 0;

	rv64_buf_init(&b);
	for (int k = 0; k < 4; k++) {
		for (int o = 0; o < 3; o++) {
			/* void f(p, v): *(p + off) = v, via s11-free high registers */
			sat[k][o] = rv64_pos(&b);
			rv64_mv(&b, RV64_T6, RV64_A1);
			st[k](&b, RV64_T6, offs[o], RV64_A0);
			jit_ret(&b);
		}
	}
	for (int k = 0; k < 7; k++) {
		for (int o = 0; o < 3; o++) {
			lat[k][o] = rv64_pos(&b);
			ld[k](&b, RV64_T5, RV64_A0, offs[o]);
			rv64_mv(&b, RV64_A0, RV64_T5);
			jit_ret(&b);
		}
	}
	if (jit_map(t, &b, &c)) {
		static const uint64_t vals[] = {0x8899aabbccddeeff, 0x0123456789abcdef,
						0x7f7f7f7f7f7f7f7f};
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
			for (int o = 0; o < 3; o++) {
				for (int k = 0; k < 4; k++) {
					size_t w = (size_t)1 << k;
					uint64_t x = 0;
					memset(mem, 0, sizeof(mem));
					((fn_ii_i)jit_at(&c, sat[k][o]))((int64_t)(uintptr_t)mid,
									 (int64_t)vals[v]);
					memcpy(&x, mid + offs[o], w);
					bad += x != (w == 8 ? vals[v]
							    : vals[v] & ((1ull << (8 * w)) - 1));
					bad += mid[offs[o] + (int)w] != 0 || mid[offs[o] - 1] != 0;
				}
				memcpy(mid + offs[o], &vals[v], 8);
				for (int k = 0; k < 7; k++) {
					int64_t got = ((fn_i_i)jit_at(&c, lat[k][o]))(
						(int64_t)(uintptr_t)mid);
					int64_t want[7] = {(int8_t)vals[v],  (int16_t)vals[v],
							   (int32_t)vals[v], (int64_t)vals[v],
							   (uint8_t)vals[v], (uint16_t)vals[v],
							   (uint32_t)vals[v]};
					bad += got != want[k];
				}
			}
		}
		EXPECT_EQ(bad, 0);
	}
	jit_unmap(&c);
	rv64_buf_free(&b);
}
