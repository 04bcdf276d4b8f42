/*
 * jit_num_test.c - the numeric emitter's contract, on any host (running
 * the code is tests/rv64/jit_num_test.c's job): it knows exactly the NUM
 * rows of the opcode table (so no row can be left to the slow path
 * unnoticed), refuses the rest without emitting, writes no register but rd
 * and its scratch registers, reports each trap as an unbound branch or jal
 * of the right kind, and is safe in a buffer that runs out of memory at
 * any point.
 */
#include <stdlib.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/jit/jit_num.h"
#include "wasm/opcodes.h"
#include "wasm/runtime.h"

static bool is_num_row(uint32_t op)
{
	return wasm_opinfo[op].text != NULL && wasm_opinfo[op].tr == WASM_TR_NUM;
}

struct traps {
	size_t pos[8];
	int kind[8];
	unsigned n;
};

static void note_trap(void *arg, size_t pos, int kind)
{
	struct traps *k = arg;

	if (k->n < ARRAY_SIZE(k->pos)) {
		k->pos[k->n] = pos;
		k->kind[k->n] = kind;
	}
	k->n++;
}

/* x and f registers alike: rd 10, operands 11 and 12, scratch 5, 6 (x)
 * and 0, 1 (f); any other register number written is a bug. */
static const struct jit_num_regs regs = {
	.rd = 10, .rs1 = 11, .rs2 = 12, .tmp = {5, 6}, .ftmp = {0, 1}};

TEST(jit_num, supports_exactly_the_num_rows)
{
	struct rv64_buf b;
	struct traps k = {.n = 0};
	struct jit_num_trap tp = {note_trap, &k};
	unsigned rows = 0;

	rv64_buf_init(&b);
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		bool num = is_num_row(op);

		rows += num;
		if (!EXPECT_EQ(jit_num_supported(op), num))
			test_printf(t, "  op 0x%x %s\n", op,
				    wasm_opinfo[op].text ? wasm_opinfo[op].text : "(none)");
		if (!num) {
			EXPECT(!jit_num_emit(&b, op, &regs, &tp));
			EXPECT_EQ(b.len, 0);
		}
	}
	EXPECT(!jit_num_supported(WASM_OP_NINDEX));
	EXPECT(!jit_num_supported(UINT32_MAX));
	EXPECT(!jit_num_emit(&b, UINT32_MAX, &regs, &tp));
	EXPECT_EQ(b.len, 0);
	EXPECT_EQ(k.n, 0);
	EXPECT_EQ(rows, 132);
	rv64_buf_free(&b);
}

/* Whether `op` may trap: division and the non-saturating truncations. */
static int expected_traps(uint32_t op)
{
	switch (op) {
	case WASM_OP_I32_DIV_S:
	case WASM_OP_I64_DIV_S:
		return 2; /* by zero, overflow */
	case WASM_OP_I32_DIV_U:
	case WASM_OP_I32_REM_S:
	case WASM_OP_I32_REM_U:
	case WASM_OP_I64_DIV_U:
	case WASM_OP_I64_REM_S:
	case WASM_OP_I64_REM_U:
		return 1;
	case WASM_OP_I32_TRUNC_F32_S:
	case WASM_OP_I32_TRUNC_F32_U:
	case WASM_OP_I32_TRUNC_F64_S:
	case WASM_OP_I32_TRUNC_F64_U:
	case WASM_OP_I64_TRUNC_F32_S:
	case WASM_OP_I64_TRUNC_F32_U:
	case WASM_OP_I64_TRUNC_F64_S:
	case WASM_OP_I64_TRUNC_F64_U:
		return 2; /* NaN, out of range */
	default:
		return 0;
	}
}

TEST(jit_num, code_shape_and_traps)
{
	int bad = 0;

	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		struct rv64_buf b;
		struct traps k = {.n = 0};
		struct jit_num_trap tp = {note_trap, &k};

		if (!is_num_row(op))
			continue;
		rv64_buf_init(&b);
		EXPECT(jit_num_emit(&b, op, &regs, &tp));
		EXPECT_OK(rv64_buf_error(&b));
		if (!EXPECT(b.len >= 1 && b.len <= 32))
			test_printf(t, "  %s: %zu words\n", wasm_opinfo[op].text, b.len);
		if (!EXPECT_EQ(k.n, (unsigned)expected_traps(op)))
			bad++;
		for (unsigned i = 0; i < k.n && i < ARRAY_SIZE(k.pos); i++) {
			uint32_t w = k.pos[i] < b.len ? b.words[k.pos[i]] : 0;
			bool branch0 = (w & 0x7f) == 0x63 && (w & 0xfe000f80) == 0;
			bool jal0 = w == 0x6f; /* jal zero, 0 */

			if (!EXPECT(branch0 || jal0))
				bad++;
			EXPECT(k.kind[i] == WASM_TRAP_DIV_ZERO ||
			       k.kind[i] == WASM_TRAP_INT_OVERFLOW ||
			       k.kind[i] == WASM_TRAP_INVALID_CONV);
		}
		for (size_t i = 0; i < b.len; i++) {
			uint32_t w = b.words[i], opc = w & 0x7f, rd = w >> 7 & 31;

			if (opc == 0x63 || opc == 0x23 || opc == 0x27)
				continue; /* branches and stores write no register */
			if (rd != regs.rd && rd != regs.tmp[0] && rd != regs.tmp[1] &&
			    rd != regs.ftmp[0] && rd != regs.ftmp[1] && rd != 0 && bad++ < 5)
				test_printf(t, "  %s: word %zu (0x%08x) writes register %u\n",
					    wasm_opinfo[op].text, i, w, rd);
		}
		rv64_buf_free(&b);
	}
	EXPECT_EQ(bad, 0);
}

/* A buffer that holds `cap` words and then fails (oom set up front: once
 * full, rv64_buf_grow refuses). */
static bool cut_buf(struct rv64_buf *b, size_t cap)
{
	rv64_buf_init(b);
	b->oom = true;
	if (cap == 0)
		return true;
	b->words = malloc(cap * sizeof(*b->words));
	b->cap = cap;
	return b->words != NULL;
}

TEST(jit_num, out_of_memory_at_every_word)
{
	for (uint32_t op = 0; op < WASM_OP_NINDEX; op++) {
		struct rv64_buf full;
		struct traps k = {.n = 0};
		struct jit_num_trap tp = {note_trap, &k};

		if (!is_num_row(op))
			continue;
		rv64_buf_init(&full);
		jit_num_emit(&full, op, &regs, &tp);
		for (size_t cap = 0; cap < full.len; cap++) {
			struct rv64_buf b;

			if (!EXPECT(cut_buf(&b, cap)))
				break;
			k.n = 0;
			EXPECT(jit_num_emit(&b, op, &regs, &tp));
			EXPECT_EQ(b.len, cap);
			EXPECT_EQ(rv64_buf_error(&b), ERR_NOMEM);
			EXPECT_LE(k.n, (unsigned)expected_traps(op));
			rv64_buf_free(&b);
		}
		rv64_buf_free(&full);
	}
}
