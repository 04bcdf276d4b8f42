/*
 * jit_rt_test.c - the compiler tier's runtime (lib/wasm/jit/jit_rt*.c)
 * under qemu-riscv64, with hand-written machine code in place of the
 * compiler: this file defines jit_compile and its companions (the test
 * binary links everything of lib/wasm but the compiler), emitting with
 * rv64_enc, per jit_abi.h, the code of each function of the module below.
 *
 * Covered: compiled calls from wasm_run (args and results through
 * registers), lazy compilation through the stubs, a trap with its
 * backtrace through compiled frames, yield requests seen in a compiled
 * loop (resumed on other threads, caller-saved registers kept), a host
 * function that blocks twice, calls into another instance's compiled code
 * and traps there, a function the compiler refuses (interpreted, called
 * from compiled code) and a guarded-memory fault in compiled code.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/test.h"
#include "wasm/host/code_host.h"
#include "wasm/host/runtime_host.h"
#include "wasm/jit/jit.h"
#include "wasm/jit/jit_abi.h"
#include "wasm/jit/rv64_enc.h"
#include "wasm/load.h"
#include "wasm/opcodes.h"
#include "wasm/runtime.h"

/*
 * (module
 *   (import "host" "block" (func $block (result i32)))                 0
 *   (import "env" "add2" (func $add2 (param i32 i32) (result i32)))    1
 *   (import "env" "t" (func $t))                                       2
 *   (memory (export "mem") 4)
 *   (func $add (export "add") (param i32 i32) (result i32) ...)        3
 *   (func $trap (export "trap") unreachable)                           4
 *   (func $loop (export "loop") (param i32) (result i32) ...)          5
 *   (func $callhost (export "callhost") (result i32) call $block ...)  6
 *   (func $callother (export "callother") (param i32 i32) (result i32)
 *     local.get 0 local.get 1 call $add2)                              7
 *   (func $calltrap (export "calltrap") call $trap)                    8
 *   (func $callt (export "callt") call $t)                             9
 *   (func $oob (export "oob") (result i32) i32.const -4 i32.load)      10
 *   (func $interp (export "interp") (param i32 i32) (result i32) ...)  11
 *   (func $callinterp (export "callinterp") (param i32 i32)
 *     (result i32) local.get 0 local.get 1 call $interp)               12
 *   (func $rec (export "rec") (param i32) (result i32)
 *     local.get 0 call $rec)                                           13
 *   (func $fill (export "fill") (param i32 i32 i32) ... memory.fill)   14
 *   (func $copy (export "copy") (param i32 i32 i32) ... memory.copy))  15
 */
static const uint8_t rt_mod[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x19, 0x05, 0x60, 0x00, 0x01, 0x7f,
	0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60,
	0x03, 0x7f, 0x7f, 0x7f, 0x00, 0x02, 0x21, 0x03, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x05, 0x62,
	0x6c, 0x6f, 0x63, 0x6b, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x61, 0x64, 0x64, 0x32,
	0x00, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x74, 0x00, 0x02, 0x03, 0x0e, 0x0d, 0x01, 0x02,
	0x03, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01, 0x01, 0x03, 0x04, 0x04, 0x05, 0x03, 0x01, 0x00,
	0x04, 0x07, 0x75, 0x0e, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x61, 0x64, 0x64, 0x00,
	0x03, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x04, 0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x05,
	0x08, 0x63, 0x61, 0x6c, 0x6c, 0x68, 0x6f, 0x73, 0x74, 0x00, 0x06, 0x09, 0x63, 0x61, 0x6c,
	0x6c, 0x6f, 0x74, 0x68, 0x65, 0x72, 0x00, 0x07, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x74, 0x72,
	0x61, 0x70, 0x00, 0x08, 0x05, 0x63, 0x61, 0x6c, 0x6c, 0x74, 0x00, 0x09, 0x03, 0x6f, 0x6f,
	0x62, 0x00, 0x0a, 0x06, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x70, 0x00, 0x0b, 0x0a, 0x63, 0x61,
	0x6c, 0x6c, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x70, 0x00, 0x0c, 0x03, 0x72, 0x65, 0x63, 0x00,
	0x0d, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x0e, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x0f,
	0x0a, 0x7b, 0x0d, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x03, 0x00, 0x00, 0x0b,
	0x19, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x00,
	0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b, 0x07, 0x00, 0x10, 0x00,
	0x41, 0x01, 0x6a, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x01, 0x0b, 0x04, 0x00,
	0x10, 0x04, 0x0b, 0x04, 0x00, 0x10, 0x02, 0x0b, 0x07, 0x00, 0x41, 0x7c, 0x28, 0x02, 0x00,
	0x0b, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6b, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01,
	0x10, 0x0b, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x0d, 0x0b, 0x0b, 0x00, 0x20, 0x00, 0x20,
	0x01, 0x20, 0x02, 0xfc, 0x0b, 0x00, 0x0b, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02,
	0xfc, 0x0a, 0x00, 0x00, 0x0b,
};

/* The wasm offsets the hand-written pcmaps give each call or trap site. */
enum {
	OFF_TRAP = 0x101,
	OFF_CALLHOST = 0x102,
	OFF_CALLOTHER = 0x103,
	OFF_CALLTRAP = 0x104,
	OFF_CALLT = 0x105,
	OFF_OOB = 0x106,
	OFF_CALLINTERP = 0x107,
	OFF_REC_STACK = 0x108,
	OFF_REC_CALL = 0x109,
	OFF_BULK = 0x10a,
};

#define NIMPORTS 3

/* ---- the stand-in compiler ---- */

struct emit {
	struct rv64_buf b;
	struct jit_pc pc[4];
	uint32_t npc;
};

static void mark(struct emit *e, uint32_t wasm_off)
{
	e->pc[e->npc].code_off = (uint32_t)rv64_pos(&e->b) * 4;
	e->pc[e->npc].wasm_off = wasm_off;
	e->npc++;
}

/* A frame of `frame` bytes: ra at s0-8, the caller's s0 at s0-16. */
static void prologue(struct rv64_buf *b, int32_t frame)
{
	rv64_addi(b, RV64_SP, RV64_SP, -frame);
	rv64_sd(b, RV64_RA, frame - 8, RV64_SP);
	rv64_sd(b, RV64_S0, frame - 16, RV64_SP);
	rv64_addi(b, RV64_S0, RV64_SP, frame);
}

static void epilogue(struct rv64_buf *b, int32_t frame)
{
	rv64_ld(b, RV64_RA, RV64_SP, frame - 8);
	rv64_ld(b, RV64_S0, RV64_SP, frame - 16);
	rv64_addi(b, RV64_SP, RV64_SP, frame);
	rv64_jalr(b, RV64_ZERO, RV64_RA, 0);
}

/* reg = the service at `off` in the exec's struct jit_rt */
static void service(struct rv64_buf *b, unsigned reg, size_t off)
{
	rv64_ld(b, reg, RV64_S1, jit_off_rt);
	rv64_ld(b, reg, reg, (int32_t)off);
}

/* A slow call of function `func` with the slots at sp. */
static void slow_call(struct emit *e, uint32_t func, uint32_t wasm_off)
{
	rv64_mv(&e->b, RV64_A0, RV64_S1);
	rv64_li(&e->b, RV64_A1, func);
	rv64_mv(&e->b, RV64_A2, RV64_SP);
	rv64_li(&e->b, RV64_A3, 0);
	service(&e->b, RV64_T0, offsetof(struct jit_rt, call));
	mark(e, wasm_off);
	rv64_jalr(&e->b, RV64_RA, RV64_T0, 0);
}

/* A direct call of defined function `func` through the entry table. */
static void direct_call(struct emit *e, uint32_t func, uint32_t wasm_off)
{
	rv64_ld(&e->b, RV64_T0, RV64_S2, offsetof(struct jit_inst, entry));
	rv64_ld(&e->b, RV64_T0, RV64_T0, (int32_t)(8 * (func - NIMPORTS)));
	mark(e, wasm_off);
	rv64_jalr(&e->b, RV64_RA, RV64_T0, 0);
}

static int emit_func(struct emit *e, uint32_t func, bool checked)
{
	struct rv64_buf *b = &e->b;
	size_t loop;

	switch (func) {
	case 3: /* add */
		rv64_addw(b, RV64_A0, RV64_A0, RV64_A1);
		rv64_jalr(b, RV64_ZERO, RV64_RA, 0);
		return 0;
	case 4: /* trap: unreachable */
		prologue(b, 16);
		mark(e, OFF_TRAP);
		rv64_auipc(b, RV64_A2, 0);
		rv64_li(b, RV64_A1, WASM_TRAP_UNREACHABLE);
		rv64_mv(b, RV64_A0, RV64_S1);
		service(b, RV64_T0, offsetof(struct jit_rt, trap));
		rv64_jalr(b, RV64_RA, RV64_T0, 0);
		rv64_ebreak(b);
		return 0;
	case 5: /* loop: n iterations with a yield check each, the count kept
		   in t3 (a caller-saved register the yield entry keeps) */
		prologue(b, 32);
		rv64_sd(b, RV64_S5, 8, RV64_SP);
		rv64_mv(b, RV64_S5, RV64_A0);
		rv64_li(b, RV64_T3, 0);
		loop = rv64_pos(b);
		rv64_lw(b, RV64_T0, RV64_S1, jit_off_yield);
		rv64_beq(b, RV64_T0, RV64_ZERO, 16);
		service(b, RV64_T1, offsetof(struct jit_rt, yield));
		rv64_jalr(b, RV64_RA, RV64_T1, 0);
		rv64_addiw(b, RV64_T3, RV64_T3, 1);
		rv64_addiw(b, RV64_S5, RV64_S5, -1);
		rv64_bne(b, RV64_S5, RV64_ZERO, -(int32_t)(rv64_pos(b) - loop) * 4);
		rv64_mv(b, RV64_A0, RV64_T3);
		rv64_ld(b, RV64_S5, RV64_SP, 8);
		epilogue(b, 32);
		return 0;
	case 6: /* callhost: block() + 1 */
		prologue(b, 32);
		slow_call(e, 0, OFF_CALLHOST);
		rv64_lw(b, RV64_A0, RV64_SP, 0);
		rv64_addiw(b, RV64_A0, RV64_A0, 1);
		epilogue(b, 32);
		return 0;
	case 7: /* callother: add2(a, b) */
		prologue(b, 32);
		rv64_sd(b, RV64_A0, 0, RV64_SP);
		rv64_sd(b, RV64_A1, 8, RV64_SP);
		slow_call(e, 1, OFF_CALLOTHER);
		rv64_lw(b, RV64_A0, RV64_SP, 0);
		epilogue(b, 32);
		return 0;
	case 8: /* calltrap */
		prologue(b, 16);
		direct_call(e, 4, OFF_CALLTRAP);
		epilogue(b, 16);
		return 0;
	case 9: /* callt: the import t */
		prologue(b, 32);
		slow_call(e, 2, OFF_CALLT);
		epilogue(b, 32);
		return 0;
	case 10: /* oob: an unchecked load at 4 GiB - 4 (guarded only) */
		if (checked)
			return ERR_UNSUPP;
		prologue(b, 16);
		rv64_li(b, RV64_T0, 0xfffffffc);
		rv64_add(b, RV64_T0, RV64_S3, RV64_T0);
		mark(e, OFF_OOB);
		rv64_lw(b, RV64_A0, RV64_T0, 0);
		epilogue(b, 16);
		return 0;
	case 12: /* callinterp: interp(a, b), refused by the compiler */
		prologue(b, 16);
		direct_call(e, 11, OFF_CALLINTERP);
		epilogue(b, 16);
		return 0;
	case 13: /* rec: endless recursion, each frame checking the stack */
		prologue(b, 16);
		rv64_ld(b, RV64_T0, RV64_S1, jit_off_stack_limit);
		rv64_bgeu(b, RV64_SP, RV64_T0, 8 * 4); /* over the trap call */
		mark(e, OFF_REC_STACK);
		rv64_auipc(b, RV64_A2, 0);
		rv64_li(b, RV64_A1, WASM_TRAP_CALL_STACK);
		rv64_mv(b, RV64_A0, RV64_S1);
		service(b, RV64_T0, offsetof(struct jit_rt, trap));
		rv64_jalr(b, RV64_RA, RV64_T0, 0);
		rv64_ebreak(b);
		direct_call(e, 13, OFF_REC_CALL);
		epilogue(b, 16);
		return 0;
	case 14: /* fill and copy: rt.misc with the three operands in slots */
	case 15:
		prologue(b, 48);
		rv64_sd(b, RV64_A0, 0, RV64_SP);
		rv64_sd(b, RV64_A1, 8, RV64_SP);
		rv64_sd(b, RV64_A2, 16, RV64_SP);
		rv64_mv(b, RV64_A0, RV64_S1);
		rv64_li(b, RV64_A1,
			WASM_OP_INDEX(WASM_OP_PREFIX_FC,
				      func == 14 ? WASM_OP_MEMORY_FILL : WASM_OP_MEMORY_COPY));
		rv64_li(b, RV64_A2, 0);
		rv64_mv(b, RV64_A3, RV64_SP);
		service(b, RV64_T0, offsetof(struct jit_rt, misc));
		mark(e, OFF_BULK);
		rv64_jalr(b, RV64_RA, RV64_T0, 0);
		epilogue(b, 48);
		return 0;
	default: /* 11 (interp) and anything else */
		return ERR_UNSUPP;
	}
}

/* compile calls per function, to see each compiled once */
static _Atomic uint32_t compiles[16];

int jit_compile(const struct wasm_module *m, uint32_t func, const struct jit_opts *o,
		const struct wasm_code_mem *cm, struct jit_func **out)
{
	struct emit e = {.npc = 0};
	struct jit_func *f;
	void *rw, *handle;
	int rc;

	(void)m;
	rv64_buf_init(&e.b);
	rc = emit_func(&e, func, o->checked);
	if (!rc)
		rc = rv64_buf_error(&e.b);
	f = rc ? NULL : calloc(1, sizeof(*f) + e.npc * sizeof(struct jit_pc));
	if (!rc && !f)
		rc = ERR_NOMEM;
	if (!rc)
		rc = cm->alloc(cm->arg, e.b.len * 4, &rw, &handle);
	if (rc) {
		rv64_buf_free(&e.b);
		free(f);
		return rc;
	}
	memcpy(rw, e.b.words, e.b.len * 4);
	f->entry = cm->seal(cm->arg, handle);
	f->handle = handle;
	f->size = (uint32_t)e.b.len * 4;
	f->func = func;
	f->npc = e.npc;
	f->pcmap = (struct jit_pc *)(f + 1);
	memcpy(f->pcmap, e.pc, e.npc * sizeof(struct jit_pc));
	rv64_buf_free(&e.b);
	if (!f->entry) {
		free(f);
		return ERR_NOMEM;
	}
	if (func < 16)
		compiles[func]++;
	*out = f;
	return 0;
}

void jit_func_free(const struct wasm_code_mem *cm, struct jit_func *f)
{
	if (!f)
		return;
	cm->free(cm->arg, f->handle);
	free(f);
}

uint32_t jit_func_wasm_offset(const struct jit_func *f, uintptr_t pc)
{
	uint32_t off = 0, code = (uint32_t)(pc - (uintptr_t)f->entry);

	for (uint32_t i = 0; i < f->npc && f->pcmap[i].code_off <= code; i++)
		off = f->pcmap[i].wasm_off;
	return off;
}

/* ---- the environment: instance A (host imports), B (A's exports) ---- */

struct rt_env {
	struct wasm_module *m;
	bool shared_m; /* m is not the environment's (env_new_shared) */
	struct wasm_store *s;
	struct wasm_instance *a, *b;
	struct wasm_exec *x;
	int block_calls, t_calls;
};

static int host_block(struct wasm_host_call *c, union wasm_val *v)
{
	struct rt_env *e = c->arg;

	if (e->block_calls++ < 2)
		return WASM_HOST_BLOCKED;
	v[0].i32 = 41;
	return WASM_HOST_OK;
}

static int host_add(struct wasm_host_call *c, union wasm_val *v)
{
	(void)c;
	v[0].i32 = v[0].i32 + v[1].i32 + 1000; /* not A's add */
	return WASM_HOST_OK;
}

static int host_t(struct wasm_host_call *c, union wasm_val *v)
{
	struct rt_env *e = c->arg;

	(void)v;
	e->t_calls++;
	return WASM_HOST_OK;
}

/* A guest stack provider that is always out of memory. */
static int stack_alloc_fail(void *arg, size_t bytes, void **handle, uintptr_t *lo, uintptr_t *hi)
{
	(void)arg;
	(void)bytes;
	(void)handle;
	(void)lo;
	(void)hi;
	return ERR_NOMEM;
}

static void stack_free_none(void *arg, void *handle)
{
	(void)arg;
	(void)handle;
}

static const struct wasm_stack_mem no_stacks = {.alloc = stack_alloc_fail, .free = stack_free_none};

static bool env_new_mod(struct test_ctx *t, struct rt_env *e, bool guarded,
			const struct wasm_stack_mem *stacks, struct wasm_module *shared);
static void env_free(struct rt_env *e);

/* The translate hook of environments made from now on (none by default). */
static struct wasm_translate_hook env_hook;

static bool env_new(struct test_ctx *t, struct rt_env *e, bool guarded)
{
	return env_new_mod(t, e, guarded, wasm_stack_host(), NULL);
}

static bool env_new_stacks(struct test_ctx *t, struct rt_env *e, bool guarded,
			   const struct wasm_stack_mem *stacks)
{
	return env_new_mod(t, e, guarded, stacks, NULL);
}

/* An environment of its own store and instances of `shared`, a module
 * loaded by the caller, which frees it after every environment of it. */
static bool env_new_shared(struct test_ctx *t, struct rt_env *e, struct wasm_module *shared)
{
	return env_new_mod(t, e, false, wasm_stack_host(), shared);
}

static bool env_new_mod(struct test_ctx *t, struct rt_env *e, bool guarded,
			const struct wasm_stack_mem *stacks, struct wasm_module *shared)
{
	struct wasm_store_config cfg;
	struct wasm_linker *la, *lb;
	struct wasm_extern add, trap;
	struct wasm_error err;
	bool got_guarded;

	memset(e, 0, sizeof(*e));
	wasm_runtime_host_config(!guarded, &cfg, &got_guarded);
	cfg.code_mem = wasm_code_host();
	cfg.stack_mem = stacks;
	cfg.translate_hook = env_hook;
	e->m = shared;
	e->shared_m = shared != NULL;
	if (!EXPECT_EQ(got_guarded, guarded) ||
	    (!shared && !EXPECT_OK(wasm_module_load(rt_mod, sizeof(rt_mod), &e->m, &err))))
		return false;
	if (!EXPECT_OK(wasm_store_new(&cfg, &e->s)) || !EXPECT_OK(wasm_linker_new(e->s, &la)) ||
	    !EXPECT_OK(wasm_linker_new(e->s, &lb)) ||
	    !EXPECT_OK(wasm_linker_define_func(la, "host", "block", ":i", host_block, e)) ||
	    !EXPECT_OK(wasm_linker_define_func(la, "env", "add2", "ii:i", host_add, e)) ||
	    !EXPECT_OK(wasm_linker_define_func(la, "env", "t", ":", host_t, e)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, la, &e->a, &err)) ||
	    !EXPECT_OK(wasm_instance_export(e->a, "add", &add)) ||
	    !EXPECT_OK(wasm_instance_export(e->a, "trap", &trap)) ||
	    !EXPECT_OK(wasm_linker_define_func(lb, "host", "block", ":i", host_block, e)) ||
	    !EXPECT_OK(wasm_linker_define(lb, "env", "add2", &add)) ||
	    !EXPECT_OK(wasm_linker_define(lb, "env", "t", &trap)) ||
	    !EXPECT_OK(wasm_instantiate(e->s, e->m, lb, &e->b, &err)) ||
	    !EXPECT_OK(wasm_exec_new(e->s, NULL, &e->x))) {
		env_free(e);
		return false;
	}
	return true;
}

static void env_free(struct rt_env *e)
{
	wasm_store_free(e->s);
	if (!e->shared_m)
		wasm_module_free(e->m);
}

static struct wasm_funcinst *fn(struct wasm_instance *inst, const char *name)
{
	struct wasm_extern ex;

	if (wasm_instance_export(inst, name, &ex) || ex.kind != WASM_EXTERN_FUNC)
		return NULL;
	return ex.u.func;
}

/* Calls inst.name(a, b) (nargs of them) to its end: the run status. */
static enum wasm_run_status call2(struct rt_env *e, struct wasm_instance *inst, const char *name,
				  uint32_t nargs, uint32_t a, uint32_t b)
{
	union wasm_val args[2] = {{.i32 = a}, {.i32 = b}};
	struct wasm_funcinst *f = fn(inst, name);

	if (!f || wasm_exec_call(e->x, f, args, nargs))
		return WASM_RUN_IDLE;
	return wasm_run(e->x, UINT64_MAX);
}

static uint32_t result0(struct rt_env *e)
{
	uint32_t n;
	const union wasm_val *r = wasm_exec_results(e->x, &n);

	return r && n ? r[0].i32 : 0xdeadbeef;
}

/* ---- tests ---- */

TEST(jit_rt, compiled_call_and_lazy_compile)
{
	struct rt_env e;

	uint32_t before = compiles[3];
	size_t bytes;

	if (!env_new(t, &e, false))
		return;
	bytes = wasm_instance_footprint(e.a);
	EXPECT_EQ(call2(&e, e.a, "add", 2, 2, 3), WASM_RUN_DONE);
	/* the compiled code counts as the instance's */
	EXPECT_GT(wasm_instance_footprint(e.a), bytes);
	EXPECT_EQ(result0(&e), 5u);
	EXPECT_EQ(compiles[3], before + 1); /* on its first call, once */
	EXPECT_EQ(call2(&e, e.a, "add", 2, 0xffffffff, 1), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 0u);
	EXPECT_EQ(call2(&e, e.a, "add", 2, 0x7fffffff, 1), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 0x80000000u);
	EXPECT_EQ(compiles[3], before + 1);
	env_free(&e);
}

TEST(jit_rt, no_guest_stack_runs_interpreted)
{
	struct rt_env e;
	uint32_t before = compiles[12];

	if (!env_new_stacks(t, &e, false, &no_stacks))
		return;
	/* out of memory for a guest stack: interpreted, same results */
	EXPECT_EQ(call2(&e, e.a, "callinterp", 2, 10, 3), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 7u);
	EXPECT_EQ(compiles[12], before);
	EXPECT_EQ(call2(&e, e.a, "callhost", 0, 0, 0), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 42u);
	env_free(&e);
}

TEST(jit_rt, trap_backtrace_through_compiled_frames)
{
	struct rt_env e;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, false))
		return;
	EXPECT_EQ(call2(&e, e.a, "trap", 0, 0, 0), WASM_RUN_TRAPPED);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL)) {
		EXPECT_EQ(tr->kind, WASM_TRAP_UNREACHABLE);
		EXPECT_EQ(tr->nframes, 1u);
		EXPECT_EQ(tr->frames[0].func, 4u);
		EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_TRAP);
		EXPECT(tr->frames[0].inst == e.a);
	}
	/* calltrap -> trap: the caller compiled through its stub */
	EXPECT_EQ(call2(&e, e.a, "calltrap", 0, 0, 0), WASM_RUN_TRAPPED);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, 2u)) {
		EXPECT_EQ(tr->kind, WASM_TRAP_UNREACHABLE);
		EXPECT_EQ(tr->depth, 2u);
		EXPECT_EQ(tr->frames[0].func, 4u);
		EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_TRAP);
		EXPECT_EQ(tr->frames[1].func, 8u);
		EXPECT_EQ(tr->frames[1].offset, (uint32_t)OFF_CALLTRAP);
	}
	/* the exec is idle and usable after a trap */
	EXPECT_EQ(call2(&e, e.a, "add", 2, 20, 22), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 42u);
	env_free(&e);
}

TEST(jit_rt, host_function_blocks_twice)
{
	struct rt_env e;

	if (!env_new(t, &e, false))
		return;
	EXPECT_EQ(call2(&e, e.a, "callhost", 0, 0, 0), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BLOCKED);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_BLOCKED);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 42u);
	EXPECT_EQ(e.block_calls, 3);
	/* abandoned while blocked, then a new call on the same exec */
	e.block_calls = 0;
	EXPECT_EQ(call2(&e, e.a, "callhost", 0, 0, 0), WASM_RUN_SUSPENDED);
	wasm_exec_abort(e.x);
	EXPECT_EQ(call2(&e, e.a, "add", 2, 1, 2), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 3u);
	env_free(&e);
}

TEST(jit_rt, call_into_another_instance)
{
	struct rt_env e;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, false))
		return;
	/* A's add2 is the host's (+1000), B's is A's compiled add */
	EXPECT_EQ(call2(&e, e.a, "callother", 2, 3, 4), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 1007u);
	EXPECT_EQ(call2(&e, e.b, "callother", 2, 3, 4), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 7u);
	/* A's t is a host no-op; B's is A's trap: a backtrace over both */
	EXPECT_EQ(call2(&e, e.a, "callt", 0, 0, 0), WASM_RUN_DONE);
	EXPECT_EQ(e.t_calls, 1);
	EXPECT_EQ(call2(&e, e.b, "callt", 0, 0, 0), WASM_RUN_TRAPPED);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, 2u)) {
		EXPECT_EQ(tr->kind, WASM_TRAP_UNREACHABLE);
		EXPECT(tr->frames[0].inst == e.a);
		EXPECT_EQ(tr->frames[0].func, 4u);
		EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_TRAP);
		EXPECT(tr->frames[1].inst == e.b);
		EXPECT_EQ(tr->frames[1].func, 9u);
		EXPECT_EQ(tr->frames[1].offset, (uint32_t)OFF_CALLT);
	}
	env_free(&e);
}

/* What the translate hook saw of function 11 (the one the compiler refuses). */
struct refusal_seen {
	int refused, compiled, translated;
};

static void refusal_done(void *arg, const struct wasm_translate_info *info)
{
	struct refusal_seen *s = arg;

	if (info->func != 11)
		return;
	if (info->refused)
		s->refused++;
	else if (info->compiled)
		s->compiled++;
	else
		s->translated++;
}

TEST(jit_rt, refused_function_runs_interpreted)
{
	struct refusal_seen seen = {0};
	struct rt_env e;

	env_hook = (struct wasm_translate_hook){.done = refusal_done, .arg = &seen};
	bool made = env_new(t, &e, false);
	env_hook = (struct wasm_translate_hook){0};
	if (!made)
		return;
	EXPECT_EQ(call2(&e, e.a, "callinterp", 2, 10, 3), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 7u);
	EXPECT_EQ(call2(&e, e.a, "callinterp", 2, 3, 10), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), (uint32_t)-7);
	EXPECT_EQ(call2(&e, e.a, "interp", 2, 5, 1), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 4u);
	/* the embedder is told once that it was refused, then of its translation */
	EXPECT_EQ(seen.refused, 1);
	EXPECT_EQ(seen.compiled, 0);
	EXPECT_EQ(seen.translated, 1);
	env_free(&e);
}

TEST(jit_rt, guarded_fault_in_compiled_code)
{
	struct rt_env e;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, true))
		return;
	EXPECT_EQ(call2(&e, e.a, "oob", 0, 0, 0), WASM_RUN_TRAPPED);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, 1u)) {
		EXPECT_EQ(tr->kind, WASM_TRAP_MEMORY_OOB);
		EXPECT_EQ(tr->frames[0].func, 10u);
		EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_OOB);
	}
	EXPECT_EQ(call2(&e, e.a, "add", 2, 1, 1), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 2u);
	env_free(&e);
}

TEST(jit_rt, stack_exhaustion_traps)
{
	struct rt_env e;
	const struct wasm_trap *tr;

	if (!env_new(t, &e, false))
		return;
	for (int round = 0; round < 3; round++) {
		EXPECT_EQ(call2(&e, e.a, "rec", 1, 0, 0), WASM_RUN_TRAPPED);
		tr = wasm_exec_trap(e.x);
		if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, (uint32_t)WASM_TRAP_MAX_FRAMES)) {
			EXPECT_EQ(tr->kind, WASM_TRAP_CALL_STACK);
			/* 16 bytes a frame in the default 1 MiB, less the headroom */
			EXPECT_GT(tr->depth, 50000u);
			EXPECT_EQ(tr->frames[0].func, 13u);
			EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_REC_STACK);
			EXPECT_EQ(tr->frames[31].func, 13u);
			EXPECT_EQ(tr->frames[31].offset, (uint32_t)OFF_REC_CALL);
		}
	}
	EXPECT_EQ(call2(&e, e.a, "add", 2, 1, 1), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 2u);
	env_free(&e);
}

/* fill(d, v, n) or copy(d, s, n) to its end; each run first asks for a
 * yield, so a long one suspends between its chunks. */
static int bulk3(struct rt_env *e, const char *name, uint32_t a, uint32_t b, uint32_t n,
		 int *suspensions)
{
	union wasm_val args[3] = {{.i32 = a}, {.i32 = b}, {.i32 = n}};
	enum wasm_run_status st;

	*suspensions = 0;
	if (wasm_exec_call(e->x, fn(e->a, name), args, 3))
		return -1;
	for (;;) {
		wasm_exec_request_yield(e->x);
		st = wasm_run(e->x, UINT64_MAX);
		if (st != WASM_RUN_SUSPENDED)
			return (int)st;
		++*suspensions;
	}
}

TEST(jit_rt, long_bulk_memory_yields_between_chunks)
{
	struct rt_env e;
	struct wasm_extern mem;
	const struct wasm_trap *tr;
	uint8_t *m, want[256];
	int sus;

	if (!env_new(t, &e, false) || !EXPECT_OK(wasm_instance_export(e.a, "mem", &mem)))
		return;
	m = mem.u.mem->base;
	/* 200 KiB in 64 KiB chunks: 4 chunks, 3 suspensions */
	EXPECT_EQ(bulk3(&e, "fill", 1000, 0xab, 200 << 10, &sus), WASM_RUN_DONE);
	EXPECT_EQ(sus, 3);
	EXPECT_EQ(m[999], 0);
	EXPECT_EQ(m[1000], 0xab);
	EXPECT_EQ(m[1000 + (200 << 10) - 1], 0xab);
	EXPECT_EQ(m[1000 + (200 << 10)], 0);
	/* an overlapping copy upwards, chunked from the end: memmove's result */
	for (uint32_t i = 0; i < (150u << 10); i++)
		m[i] = (uint8_t)(i * 7 + (i >> 9));
	for (uint32_t i = 0; i < sizeof(want); i++)
		want[i] = m[(150u << 10) - sizeof(want) + i];
	EXPECT_EQ(bulk3(&e, "copy", 100 << 10, 0, 150 << 10, &sus), WASM_RUN_DONE);
	EXPECT_EQ(sus, 2);
	EXPECT_EQ(memcmp(m + (250u << 10) - sizeof(want), want, sizeof(want)), 0);
	EXPECT_EQ(m[100u << 10], 0); /* what was at 0 */
	EXPECT_EQ(m[(100u << 10) + 1], 7);
	/* out of bounds: traps at the instruction, writes nothing */
	EXPECT_EQ(bulk3(&e, "fill", (256 << 10) - 10, 0xcd, 11, &sus), WASM_RUN_TRAPPED);
	tr = wasm_exec_trap(e.x);
	if (EXPECT(tr != NULL) && EXPECT_EQ(tr->nframes, 1u)) {
		EXPECT_EQ(tr->kind, WASM_TRAP_MEMORY_OOB);
		EXPECT_EQ(tr->frames[0].func, 14u);
		EXPECT_EQ(tr->frames[0].offset, (uint32_t)OFF_BULK);
	}
	EXPECT_EQ(m[(256 << 10) - 10], 0);
	env_free(&e);
}

/* ---- yields: requested from another thread, resumed on fresh ones ---- */

struct yielder {
	struct wasm_exec *x;
	_Atomic int stop;
};

static void *yield_thread(void *arg)
{
	struct yielder *y = arg;

	while (!y->stop) {
		wasm_exec_request_yield(y->x);
		usleep(2000);
	}
	return NULL;
}

struct resumer {
	struct wasm_exec *x;
	enum wasm_run_status st;
};

static void *resume_thread(void *arg)
{
	struct resumer *r = arg;

	r->st = wasm_run(r->x, UINT64_MAX);
	return NULL;
}

TEST(jit_rt, yield_in_compiled_loop)
{
	struct rt_env e;
	struct yielder y;
	pthread_t yt;
	struct resumer r;
	int suspensions = 0;

	if (!env_new(t, &e, false))
		return;
	/* a request before the run: seen at the first check */
	wasm_exec_request_yield(e.x);
	EXPECT_EQ(call2(&e, e.a, "loop", 1, 1000, 0), WASM_RUN_SUSPENDED);
	EXPECT_EQ(wasm_exec_suspend_reason(e.x), WASM_SUSPEND_YIELD);
	EXPECT_EQ(wasm_run(e.x, UINT64_MAX), WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 1000u);
	/* requests from a thread during a long loop; each resume on a new
	 * thread (the fiber moves between threads) */
	y.x = e.x;
	y.stop = 0;
	pthread_create(&yt, NULL, yield_thread, &y);
	r.x = e.x;
	r.st = call2(&e, e.a, "loop", 1, 20000000, 0);
	while (r.st == WASM_RUN_SUSPENDED && suspensions < 100000) {
		pthread_t rt;

		if (wasm_exec_suspend_reason(e.x) != WASM_SUSPEND_YIELD)
			break;
		suspensions++;
		pthread_create(&rt, NULL, resume_thread, &r);
		pthread_join(rt, NULL);
	}
	y.stop = 1;
	pthread_join(yt, NULL);
	EXPECT_EQ(r.st, WASM_RUN_DONE);
	EXPECT_EQ(result0(&e), 20000000u);
	EXPECT_GT(suspensions, 0);
	env_free(&e);
}

/*
 * A module whose compiled code is shared (wasm_module_share_code): four
 * threads, each with its own store and instances, make the first calls of
 * the same functions at once (one compiled, one the compiler refuses).
 * Every result is right; racing compilers publish one function (extra
 * ones are freed); a later instance finds it compiled and compiles nothing;
 * the code is the module's (not in an instance's footprint) and goes with it.
 */
#define SHARE_THREADS 4

/* The host's code memory, counting its live blocks. */
static atomic_int share_blocks;

static int share_alloc(void *arg, size_t bytes, void **rw, void **handle)
{
	int rc = wasm_code_host()->alloc(wasm_code_host()->arg, bytes, rw, handle);

	(void)arg;
	if (!rc)
		atomic_fetch_add(&share_blocks, 1);
	return rc;
}

static void *share_seal(void *arg, void *handle)
{
	void *x = wasm_code_host()->seal(wasm_code_host()->arg, handle);

	(void)arg;
	if (!x) /* freed by the seal */
		atomic_fetch_sub(&share_blocks, 1);
	return x;
}

static void share_free(void *arg, void *handle)
{
	(void)arg;
	wasm_code_host()->free(wasm_code_host()->arg, handle);
	atomic_fetch_sub(&share_blocks, 1);
}

static const struct wasm_code_mem share_cm = {
	.alloc = share_alloc, .seal = share_seal, .free = share_free};

struct share_run {
	struct rt_env e;
	atomic_int *go;
	uint32_t add, interp; /* results */
};

static void *share_thread(void *arg)
{
	struct share_run *r = arg;

	while (!atomic_load(r->go))
		;
	r->add = call2(&r->e, r->e.a, "add", 2, 40, 2) == WASM_RUN_DONE ? result0(&r->e) : 0;
	r->interp =
		call2(&r->e, r->e.b, "callinterp", 2, 10, 3) == WASM_RUN_DONE ? result0(&r->e) : 0;
	return NULL;
}

TEST(jit_rt, shared_code_compiled_once_for_every_instance)
{
	static struct share_run runs[SHARE_THREADS];
	pthread_t th[SHARE_THREADS];
	struct wasm_module *m;
	struct wasm_error err;
	struct rt_env late;
	atomic_int go = 0;
	uint32_t before = compiles[3];
	int n = 0;

	if (!EXPECT_OK(wasm_module_load(rt_mod, sizeof(rt_mod), &m, &err)))
		return;
	EXPECT_OK(wasm_module_share_code(m, &share_cm));
	size_t empty = wasm_module_shared_code_bytes(m);
	for (; n < SHARE_THREADS; n++) {
		runs[n].go = &go;
		if (!env_new_shared(t, &runs[n].e, m) ||
		    !EXPECT_OK(pthread_create(&th[n], NULL, share_thread, &runs[n])))
			break;
	}
	atomic_store(&go, 1);
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(runs[i].add, 42u);
		EXPECT_EQ(runs[i].interp, 7u);
	}
	EXPECT_EQ(n, SHARE_THREADS);
	EXPECT(compiles[3] > before && compiles[3] <= before + (uint32_t)n);
	size_t shared = wasm_module_shared_code_bytes(m);
	EXPECT_GT(shared, empty);
	if (env_new_shared(t, &late, m)) {
		uint32_t ncomp;
		size_t code;

		before = compiles[3];
		EXPECT_EQ(call2(&late, late.a, "add", 2, 1, 2), WASM_RUN_DONE);
		EXPECT_EQ(result0(&late), 3u);
		EXPECT_EQ(compiles[3], before); /* found compiled */
		wasm_instance_code_stats(late.a, &ncomp, &code);
		EXPECT_GE(ncomp, 1u); /* it runs compiled code */
		EXPECT_EQ(wasm_module_shared_code_bytes(m), shared);
		env_free(&late);
	}
	for (int i = 0; i < n; i++)
		env_free(&runs[i].e);
	EXPECT_GT(atomic_load(&share_blocks), 0); /* the module's, not the stores' */
	wasm_module_free(m);
	EXPECT_EQ(atomic_load(&share_blocks), 0); /* gone with it */
}
