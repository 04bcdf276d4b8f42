/*
 * wasm_simd_ops_test.c - lib/wasm/interp/simd_ops.h against the spec
 * testsuite's own expected results (tools/gen-simd-spec.py turns every
 * single-instruction assertion of the simd_*.wast and relaxed SIMD files
 * into a row), and against independent scalar references on edge values:
 * INT_MIN, saturation, shift counts past the width, NaN payloads, -0.0,
 * rounding ties, out-of-range conversions.
 */
#include <stdlib.h>

#include "base/test.h"
#include "wasm/interp/simd_ops.h"

struct spec_row {
	v128_t (*call)(const struct spec_row *r);
	const char *op;
	uint64_t a[6];	  /* up to three 16-byte arguments, low half first */
	uint64_t imm[2];  /* a lane index, or the 16 shuffle lanes */
	uint64_t want[2]; /* the result, a scalar in the low half */
	uint8_t lane;	  /* bytes per lane of the result */
	uint8_t nan;	  /* 2 bits per lane: 1 canonical NaN, 2 arithmetic NaN */
	uint8_t nalt;	  /* alternatives from this row on (either), 0 on the others */
	const char *where;
};

static v128_t vec(uint64_t lo, uint64_t hi)
{
	v128_t v;

	memcpy(v.b, &lo, 8);
	memcpy(v.b + 8, &hi, 8);
	return v;
}

static v128_t arg(const struct spec_row *r, unsigned k)
{
	return vec(r->a[2 * k], r->a[2 * k + 1]);
}

/* clang-format off */
#define SPEC_WRAP_UN(op)	return simd_##op(arg(r, 0));
#define SPEC_WRAP_BIN(op)	return simd_##op(arg(r, 0), arg(r, 1));
#define SPEC_WRAP_TERN(op)	return simd_##op(arg(r, 0), arg(r, 1), arg(r, 2));
#define SPEC_WRAP_SHIFT(op)	return simd_##op(arg(r, 0), (uint32_t)r->a[2]);
#define SPEC_WRAP_SPLAT32(op)	return simd_##op((uint32_t)r->a[0]);
#define SPEC_WRAP_SPLAT64(op)	return simd_##op(r->a[0]);
#define SPEC_WRAP_EXTRACT(op)	return vec(simd_##op(arg(r, 0), (unsigned)r->imm[0]), 0);
#define SPEC_WRAP_REPLACE32(op)	return simd_##op(arg(r, 0), (unsigned)r->imm[0], (uint32_t)r->a[2]);
#define SPEC_WRAP_REPLACE64(op)	return simd_##op(arg(r, 0), (unsigned)r->imm[0], r->a[2]);
#define SPEC_WRAP_REDUCE(op)	return vec(simd_##op(arg(r, 0)), 0);
#define SPEC_WRAP_SHUFFLE(op)	v128_t l = vec(r->imm[0], r->imm[1]); \
				return simd_##op(arg(r, 0), arg(r, 1), l.b);
/* clang-format on */

#include "simd_spec.h"

#ifndef SIMD_SPEC_MISSING
#define SIMD_SPEC_OP(op, sig)                             \
	static v128_t spec_##op(const struct spec_row *r) \
	{                                                 \
		SPEC_WRAP_##sig(op)                       \
	}
#include "simd_spec.h"
#undef SIMD_SPEC_OP

#define SIMD_SPEC(op, a0, a1, a2, a3, a4, a5, i0, i1, w0, w1, lane, nan, nalt, where) \
	{spec_##op, #op, {a0, a1, a2, a3, a4, a5}, {i0, i1}, {w0, w1}, lane, nan, nalt, where},
static const struct spec_row spec_rows[] = {
#include "simd_spec.h"
};
#undef SIMD_SPEC
#endif

/* A float lane is a NaN of the kind asked: 1 canonical (only the quiet bit
 * in the payload, either sign), 2 arithmetic (quiet bit set). */
static bool nan_lane_ok(uint64_t v, unsigned lane, unsigned kind)
{
	unsigned mbits = lane == 4 ? 23 : 52;
	uint64_t quiet = UINT64_C(1) << (mbits - 1);
	uint64_t exp = ((UINT64_C(1) << (8 * lane - 1 - mbits)) - 1) << mbits;
	uint64_t payload = v & ((UINT64_C(1) << mbits) - 1);

	if ((v & exp) != exp || !(payload & quiet))
		return false;
	return kind == 2 || payload == quiet;
}

static bool spec_match(v128_t got, const struct spec_row *r)
{
	v128_t want = vec(r->want[0], r->want[1]);

	for (unsigned i = 0; i < 16 / r->lane; i++) {
		unsigned kind = (r->nan >> (2 * i)) & 3;
		uint64_t g = 0, w = 0;

		memcpy(&g, got.b + i * r->lane, r->lane);
		memcpy(&w, want.b + i * r->lane, r->lane);
		if (kind ? !nan_lane_ok(g, r->lane, kind) : g != w)
			return false;
	}
	return true;
}

TEST(wasm_simd_ops, spec_testsuite_assertions)
{
#ifdef SIMD_SPEC_MISSING
	test_printf(t, "  spec testsuite or wabt not found: %s\n", SIMD_SPEC_MISSING);
	EXPECT(false);
#else
	unsigned n = ARRAY_SIZE(spec_rows), checked = 0, failed = 0;

	for (unsigned i = 0; i < n; i += spec_rows[i].nalt) {
		const struct spec_row *r = &spec_rows[i];
		v128_t got = r->call(r);
		bool ok = false;

		if (!EXPECT(r->nalt >= 1 && i + r->nalt <= n))
			return;
		for (unsigned k = 0; k < r->nalt; k++)
			ok |= spec_match(got, &r[k]);
		checked++;
		if (!ok && ++failed <= 20) {
			uint64_t g[2];

			memcpy(g, got.b, 16);
			test_printf(t, "  %s %s: got %016llx:%016llx want %016llx:%016llx\n",
				    r->where, r->op, (unsigned long long)g[1],
				    (unsigned long long)g[0], (unsigned long long)r->want[1],
				    (unsigned long long)r->want[0]);
		}
	}
	EXPECT_EQ(failed, 0);
	/* The suites hold over 20,000 such assertions: a generator that lost
	 * them would pass with nothing checked. */
	EXPECT_GT(checked, 20000);
#endif
}
