/*
 * wasm_interp_fuse_test.c - the translator's fused instructions (pairs of
 * operators run as one: i32 immediate ops and acc chains feeding a
 * commutative op, f64 pairs, f64 arithmetic feeding an f64.store) give the
 * same results as the operators one by one, in checked and guarded
 * memories, and a fused store traps at the store's offset.
 */
#include <string.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/mem_host.h"
#include "wasm/interp/interp_internal.h"
#include "wasm/runtime.h"
#include "wasm_runtime_util.h"

/*
 * Made with `wat2wasm --debug-names` from:
 * (module
 *   (memory 1)
 *   (func (export "rotxor") (param i32 i32) (result i32)
 *     (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const 7))))
 *   (func (export "chain") (param i32 i32 i32) (result i32)
 *     (i32.add (local.get 2) (i32.xor (local.get 1) (i32.mul (local.get 0) (local.get 0)))))
 *   (func (export "chain_a") (param i32 i32 i32) (result i32)
 *     (i32.or (i32.and (i32.mul (local.get 0) (local.get 0)) (local.get 1)) (local.get 2)))
 *   (func (export "muladd") (param f64 f64 f64) (result f64)
 *     (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
 *   (func (export "mulsub") (param f64 f64 f64) (result f64)
 *     (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1))))
 *   (func (export "subdiv") (param f64 f64) (result f64)
 *     (f64.div (local.get 1) (f64.sub (local.get 0) (f64.load (i32.const 8)))))
 *   (func (export "divsub") (param f64 f64) (result f64)
 *     (f64.sub (f64.div (f64.load (i32.const 8)) (local.get 0)) (local.get 1)))
 *   (func (export "stmul") (param i32 f64 f64)
 *     (f64.store offset=8 (local.get 0) (f64.mul (local.get 1) (local.get 2))))
 *   (func (export "stsub") (param i32 f64)
 *     (f64.store (local.get 0) (f64.sub (f64.load (i32.const 8)) (local.get 1))))
 *   (func (export "ld") (param i32) (result f64) (f64.load (local.get 0))))
 */
static const uint8_t fuse_mod[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x2b, 0x07, 0x60, 0x02, 0x7f, 0x7f,
	0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x03, 0x7c, 0x7c, 0x7c, 0x01,
	0x7c, 0x60, 0x02, 0x7c, 0x7c, 0x01, 0x7c, 0x60, 0x03, 0x7f, 0x7c, 0x7c, 0x00, 0x60, 0x02,
	0x7f, 0x7c, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7c, 0x03, 0x0b, 0x0a, 0x00, 0x01, 0x01, 0x02,
	0x02, 0x03, 0x03, 0x04, 0x05, 0x06, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x55, 0x0a, 0x06,
	0x72, 0x6f, 0x74, 0x78, 0x6f, 0x72, 0x00, 0x00, 0x05, 0x63, 0x68, 0x61, 0x69, 0x6e, 0x00,
	0x01, 0x07, 0x63, 0x68, 0x61, 0x69, 0x6e, 0x5f, 0x61, 0x00, 0x02, 0x06, 0x6d, 0x75, 0x6c,
	0x61, 0x64, 0x64, 0x00, 0x03, 0x06, 0x6d, 0x75, 0x6c, 0x73, 0x75, 0x62, 0x00, 0x04, 0x06,
	0x73, 0x75, 0x62, 0x64, 0x69, 0x76, 0x00, 0x05, 0x06, 0x64, 0x69, 0x76, 0x73, 0x75, 0x62,
	0x00, 0x06, 0x05, 0x73, 0x74, 0x6d, 0x75, 0x6c, 0x00, 0x07, 0x05, 0x73, 0x74, 0x73, 0x75,
	0x62, 0x00, 0x08, 0x02, 0x6c, 0x64, 0x00, 0x09, 0x0a, 0x7f, 0x0a, 0x0a, 0x00, 0x20, 0x01,
	0x20, 0x00, 0x41, 0x07, 0x77, 0x73, 0x0b, 0x0d, 0x00, 0x20, 0x02, 0x20, 0x01, 0x20, 0x00,
	0x20, 0x00, 0x6c, 0x73, 0x6a, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x20, 0x00, 0x6c, 0x20, 0x01,
	0x71, 0x20, 0x02, 0x72, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa2, 0x20, 0x02, 0xa0,
	0x0b, 0x0a, 0x00, 0x20, 0x02, 0x20, 0x00, 0x20, 0x01, 0xa2, 0xa1, 0x0b, 0x0d, 0x00, 0x20,
	0x01, 0x20, 0x00, 0x41, 0x08, 0x2b, 0x03, 0x00, 0xa1, 0xa3, 0x0b, 0x0d, 0x00, 0x41, 0x08,
	0x2b, 0x03, 0x00, 0x20, 0x00, 0xa3, 0x20, 0x01, 0xa1, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20,
	0x01, 0x20, 0x02, 0xa2, 0x39, 0x03, 0x08, 0x0b, 0x0f, 0x00, 0x20, 0x00, 0x41, 0x08, 0x2b,
	0x03, 0x00, 0x20, 0x01, 0xa1, 0x39, 0x03, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x2b, 0x03,
	0x00, 0x0b, 0x00, 0x1c, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x15, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x00, 0x08, 0x00,
	0x09, 0x00,
};

/* Function indices and the offsets of the f64.store instructions. */
#define F_ROTXOR  0
#define F_CHAIN	  1
#define F_CHAIN_A 2
#define F_MULADD  3
#define F_MULSUB  4
#define F_SUBDIV  5
#define F_DIVSUB  6
#define F_STMUL	  7
#define F_STSUB	  8
#define OFF_STMUL 0x103
#define OFF_STSUB 0x113

static bool fuse_owns(const void *ctx, uintptr_t addr)
{
	return wasm_store_owns_address(ctx, addr);
}

static int fuse_guard_call(void *arg, struct wasm_store *s, int (*fn)(void *), void *fn_arg)
{
	struct wasm_mem_fault f;

	(void)arg;
	return wasm_mem_host_guard_call_owned(fuse_owns, s, fn, fn_arg, &f);
}

struct fenv {
	struct wasm_module *m;
	struct wasm_store *s;
	struct wasm_linker *l;
	struct wasm_instance *inst;
	struct wasm_exec *x;
};

static bool fenv_new(struct test_ctx *t, struct fenv *e, bool guarded)
{
	struct wasm_store_config cfg = {0};
	struct wasm_error err;

	memset(e, 0, sizeof(*e));
	if (guarded) {
		if (!EXPECT_OK(wasm_mem_host_guard_install()))
			return false;
		cfg.mem_provider = wasm_mem_host_guarded();
		cfg.guard_call = fuse_guard_call;
	}
	e->m = RT_LOAD(fuse_mod);
	if (!e->m)
		return false;
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) || !EXPECT_OK(wasm_linker_new(e->s, &e->l)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, e->l, &e->inst, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, NULL, &e->x))) {
		wasm_store_free(e->s);
		wasm_module_free(e->m);
		return false;
	}
	return true;
}

static void fenv_free(struct fenv *e)
{
	wasm_store_free(e->s);
	wasm_module_free(e->m);
}

/* Runs export `name` with n args; the trap kind (0 if none), result in *r. */
static int fcall(struct test_ctx *t, struct fenv *e, const char *name, const union wasm_val *args,
		 uint32_t n, union wasm_val *r)
{
	struct wasm_extern ex;
	union wasm_val res[1] = {{.i64 = 0}};
	int rc;

	if (!EXPECT_OK(wasm_instance_export(e->inst, name, &ex)))
		return -1;
	rc = wasm_invoke(e->x, ex.u.func, args, n, res, ex.u.func->type->nresults);
	if (rc == ERR_TRAP)
		return wasm_exec_trap(e->x)->kind;
	if (!EXPECT_OK(rc))
		return -1;
	if (r)
		*r = res[0];
	return 0;
}

static union wasm_val f64v(double d)
{
	union wasm_val v;

	memset(&v, 0, sizeof(v));
	memcpy(&v.i64, &d, 8);
	return v;
}

static double f64of(union wasm_val v)
{
	double d;

	memcpy(&d, &v.i64, 8);
	return d;
}

/* Whether function fi's translated code holds op (the fusion happened). */
static bool has_op(const struct fenv *e, uint32_t fi, uint32_t op)
{
	const void *const *tbl;
	struct interp_fn *fn = &e->inst->code->fns[fi];
	const struct ins *code;

	if (interp_fn_translate(fn))
		return false;
	code = interp_fn_code(fn);
	interp_run_loop(NULL, &tbl);
	for (uint64_t i = 0; i < interp_body_of(code)->ncode; i++)
		if (code[i].h == tbl[op])
			return true;
	return false;
}

static uint32_t rotl7(uint32_t v)
{
	return v << 7 | v >> 25;
}

static void fuse_case(struct test_ctx *t, bool guarded)
{
	static const uint32_t iv[][3] = {{0, 0, 0},
					 {1, 2, 3},
					 {0x80000001u, 0xdeadbeefu, 7},
					 {0xffffffffu, 0x12345678u, 0xffffffffu}};
	static const double dv[][3] = {{1.5, 2.25, -3.0}, {-0.0, 1e300, 1e-300}, {3.0, 7.0, 0.5}};
	struct fenv e;
	union wasm_val r, a[3];

	if (!fenv_new(t, &e, guarded))
		return;
	EXPECT(has_op(&e, F_ROTXOR, OP_F_ROTL_XOR));
	EXPECT(has_op(&e, F_CHAIN, OP_G_XOR_ADD));
	EXPECT(has_op(&e, F_CHAIN_A, OP_G_AND_OR));
	EXPECT(has_op(&e, F_MULADD, OP_D_MUL_ADD_A));
	EXPECT(has_op(&e, F_MULSUB, OP_D_MUL_SUB_B));
	EXPECT(has_op(&e, F_SUBDIV, OP_E_SUB_DIV_XBB));
	EXPECT(has_op(&e, F_DIVSUB, OP_F64_SUB_XA));
	EXPECT(has_op(&e, F_STMUL, OP_FS_MUL) || has_op(&e, F_STMUL, OP_FS_MUL_C));
	EXPECT(has_op(&e, F_STSUB, OP_FS_SUB_XA) || has_op(&e, F_STSUB, OP_FS_SUB_XAC));
	for (size_t i = 0; i < ARRAY_SIZE(iv); i++) {
		uint32_t x = iv[i][0], y = iv[i][1], z = iv[i][2];

		a[0] = rt_i32(x), a[1] = rt_i32(y), a[2] = rt_i32(z);
		if (EXPECT_OK(fcall(t, &e, "rotxor", a, 2, &r)))
			EXPECT_EQ_U(r.i32, y ^ rotl7(x));
		if (EXPECT_OK(fcall(t, &e, "chain", a, 3, &r)))
			EXPECT_EQ_U(r.i32, z + (y ^ x * x));
		if (EXPECT_OK(fcall(t, &e, "chain_a", a, 3, &r)))
			EXPECT_EQ_U(r.i32, ((x * x) & y) | z);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dv); i++) {
		double x = dv[i][0], y = dv[i][1], z = dv[i][2], m;

		a[0] = f64v(x), a[1] = f64v(y), a[2] = f64v(z);
		if (EXPECT_OK(fcall(t, &e, "muladd", a, 3, &r)))
			EXPECT(f64of(r) == x * y + z);
		if (EXPECT_OK(fcall(t, &e, "mulsub", a, 3, &r)))
			EXPECT(f64of(r) == z - x * y);
		/* stmul writes x*y at 16 (offset 8 + 8), read back as m */
		a[0] = rt_i32(8), a[1] = f64v(x), a[2] = f64v(y);
		if (!EXPECT_OK(fcall(t, &e, "stmul", a, 3, NULL)))
			continue;
		a[0] = rt_i32(16);
		if (EXPECT_OK(fcall(t, &e, "ld", a, 1, &r)))
			EXPECT(f64of(r) == x * y);
		/* memory[8] = m = z; then the chains that read it */
		a[0] = rt_i32(8), a[1] = f64v(0.0), a[2] = f64v(0.0);
		EXPECT_OK(fcall(t, &e, "stmul", a, 3, NULL)); /* [16] = 0 */
		a[0] = rt_i32(0), a[1] = f64v(z), a[2] = f64v(1.0);
		EXPECT_OK(fcall(t, &e, "stmul", a, 3, NULL)); /* [8] = z */
		m = z;
		a[0] = f64v(x), a[1] = f64v(y);
		if (EXPECT_OK(fcall(t, &e, "subdiv", a, 2, &r)))
			EXPECT(f64of(r) == y / (x - m));
		if (EXPECT_OK(fcall(t, &e, "divsub", a, 2, &r)))
			EXPECT(f64of(r) == m / x - y);
		a[0] = rt_i32(24), a[1] = f64v(y);
		EXPECT_OK(fcall(t, &e, "stsub", a, 2, NULL));
		a[0] = rt_i32(24);
		if (EXPECT_OK(fcall(t, &e, "ld", a, 1, &r)))
			EXPECT(f64of(r) == m - y);
	}
	/* fused stores trap at the store, the memory unchanged around it */
	a[0] = rt_i32(65536 - 15), a[1] = f64v(1.0), a[2] = f64v(2.0);
	EXPECT_EQ(fcall(t, &e, "stmul", a, 3, NULL), WASM_TRAP_MEMORY_OOB);
	if (EXPECT(wasm_exec_trap(e.x) != NULL) && EXPECT_EQ(wasm_exec_trap(e.x)->nframes, 1)) {
		EXPECT_EQ(wasm_exec_trap(e.x)->frames[0].func, F_STMUL);
		EXPECT_EQ_U(wasm_exec_trap(e.x)->frames[0].offset, OFF_STMUL);
	}
	a[0] = rt_i32(65536 - 7), a[1] = f64v(1.0);
	EXPECT_EQ(fcall(t, &e, "stsub", a, 2, NULL), WASM_TRAP_MEMORY_OOB);
	if (EXPECT(wasm_exec_trap(e.x) != NULL) && EXPECT_EQ(wasm_exec_trap(e.x)->nframes, 1))
		EXPECT_EQ_U(wasm_exec_trap(e.x)->frames[0].offset, OFF_STSUB);
	a[0] = rt_i32(65536 - 16), a[1] = f64v(1.0), a[2] = f64v(2.0);
	EXPECT_OK(fcall(t, &e, "stmul", a, 3, NULL));
	fenv_free(&e);
}

TEST(wasm_interp_fuse, checked)
{
	fuse_case(t, false);
}

TEST(wasm_interp_fuse, guarded)
{
	fuse_case(t, true);
}
