/*
 * jit_rt_rv64.c - the compiler tier runtime's riscv64 assembly (file-scope
 * asm, assembled by every riscv64 build of lib/, the kernel's included):
 *
 *   jit_rt_enter       C -> compiled code: a struct jit_call's args into
 *                      a0-a7 / fa0-fa7 and the outgoing area, s1-s4 set,
 *                      s0 = 0 (the end of this chain of compiled frames),
 *                      the results stored back; s0-s5 restored.
 *   jit_rt_*_entry     the services compiled code calls through its
 *                      struct jit_rt: trap, call and misc add the caller's
 *                      s0 and return address as extra C arguments (for
 *                      backtraces) and tail-call their C half; yield saves
 *                      every caller-saved register around its C half;
 *                      lazy is where a stub goes (t0 = the function).
 *
 * and the stubs' code (jit_rt_emit_stub). Elsewhere: no services, so
 * jit_store_enabled is false and nothing here is ever called.
 */
#include "base/assert.h"
#include "base/compiler.h"
#include "wasm/jit/jit_rt_internal.h"
#include "wasm/jit/rv64_enc.h"

STATIC_ASSERT(offsetof(struct jit_call, f) == 64);
STATIC_ASSERT(offsetof(struct jit_call, out) == 128);
STATIC_ASSERT(offsetof(struct jit_call, nout) == 136);
STATIC_ASSERT(offsetof(struct jit_call, code) == 144);
STATIC_ASSERT(offsetof(struct jit_call, exec) == 152);
STATIC_ASSERT(offsetof(struct jit_call, ji) == 160);
STATIC_ASSERT(offsetof(struct jit_call, mbase) == 168);
STATIC_ASSERT(offsetof(struct jit_call, msize) == 176);
STATIC_ASSERT(offsetof(struct jit_call, ret_x) == 184);
STATIC_ASSERT(offsetof(struct jit_call, ret_f) == 192);
STATIC_ASSERT(offsetof(struct jit_lazy_regs, x) == 8);
STATIC_ASSERT(offsetof(struct jit_lazy_regs, f) == 72);
STATIC_ASSERT(sizeof(struct jit_lazy_regs) == 144);

#if defined(__riscv) && __riscv_xlen == 64

void jit_rt_trap_entry(struct wasm_exec *x, uintptr_t kind, uintptr_t pc);
void jit_rt_yield_entry(void);
void jit_rt_call_entry(struct wasm_exec *x, uintptr_t func, uint64_t *slots,
		       struct wasm_funcinst *f);
void jit_rt_misc_entry(struct wasm_exec *x, uint64_t op, uint64_t imms, uint64_t *slots);
void jit_rt_lazy_entry(void);

/* clang-format off */
__asm__(".text\n"
	".globl jit_rt_enter\n"
	".type jit_rt_enter, @function\n"
	".p2align 2\n"
	"jit_rt_enter:\n"
	"	addi sp, sp, -64\n"
	"	sd ra, 0(sp)\n"
	"	sd s0, 8(sp)\n"
	"	sd s1, 16(sp)\n"
	"	sd s2, 24(sp)\n"
	"	sd s3, 32(sp)\n"
	"	sd s4, 40(sp)\n"
	"	sd s5, 48(sp)\n"
	"	mv s5, a0\n"
	"	ld t0, 136(s5)\n"
	"	slli t0, t0, 3\n"
	"	sub sp, sp, t0\n"
	"	ld t1, 128(s5)\n"
	"	ld t1, 0(t1)\n"
	"	mv t2, sp\n"
	"	add t3, sp, t0\n"
	"1:\n"
	"	bgeu t2, t3, 2f\n"
	"	ld t4, 0(t1)\n"
	"	sd t4, 0(t2)\n"
	"	addi t1, t1, 8\n"
	"	addi t2, t2, 8\n"
	"	j 1b\n"
	"2:\n"
	"	ld s1, 152(s5)\n"
	"	ld s2, 160(s5)\n"
	"	ld s3, 168(s5)\n"
	"	ld s4, 176(s5)\n"
	"	fld fa0, 64(s5)\n"
	"	fld fa1, 72(s5)\n"
	"	fld fa2, 80(s5)\n"
	"	fld fa3, 88(s5)\n"
	"	fld fa4, 96(s5)\n"
	"	fld fa5, 104(s5)\n"
	"	fld fa6, 112(s5)\n"
	"	fld fa7, 120(s5)\n"
	"	ld a0, 0(s5)\n"
	"	ld a1, 8(s5)\n"
	"	ld a2, 16(s5)\n"
	"	ld a3, 24(s5)\n"
	"	ld a4, 32(s5)\n"
	"	ld a5, 40(s5)\n"
	"	ld a6, 48(s5)\n"
	"	ld a7, 56(s5)\n"
	"	ld t0, 144(s5)\n"
	"	li s0, 0\n"
	"	jalr ra, 0(t0)\n"
	"	sd a0, 184(s5)\n"
	"	fsd fa0, 192(s5)\n"
	"	ld t0, 136(s5)\n"
	"	slli t0, t0, 3\n"
	"	ld t1, 128(s5)\n"
	"	ld t1, 0(t1)\n"
	"	mv t2, sp\n"
	"	add t3, sp, t0\n"
	"3:\n"
	"	bgeu t2, t3, 4f\n"
	"	ld t4, 0(t2)\n"
	"	sd t4, 0(t1)\n"
	"	addi t1, t1, 8\n"
	"	addi t2, t2, 8\n"
	"	j 3b\n"
	"4:\n"
	"	add sp, sp, t0\n"
	"	ld ra, 0(sp)\n"
	"	ld s0, 8(sp)\n"
	"	ld s1, 16(sp)\n"
	"	ld s2, 24(sp)\n"
	"	ld s3, 32(sp)\n"
	"	ld s4, 40(sp)\n"
	"	ld s5, 48(sp)\n"
	"	addi sp, sp, 64\n"
	"	ret\n"
	".size jit_rt_enter, .-jit_rt_enter\n"
	".globl jit_rt_trap_entry\n"
	".type jit_rt_trap_entry, @function\n"
	".p2align 2\n"
	"jit_rt_trap_entry:\n"
	"	mv a3, s0\n"
	"	tail jit_rt_trap_c\n"
	".size jit_rt_trap_entry, .-jit_rt_trap_entry\n"
	".globl jit_rt_call_entry\n"
	".type jit_rt_call_entry, @function\n"
	".p2align 2\n"
	"jit_rt_call_entry:\n"
	"	mv a4, s0\n"
	"	mv a5, ra\n"
	"	tail jit_rt_call_c\n"
	".size jit_rt_call_entry, .-jit_rt_call_entry\n"
	".globl jit_rt_misc_entry\n"
	".type jit_rt_misc_entry, @function\n"
	".p2align 2\n"
	"jit_rt_misc_entry:\n"
	"	mv a4, s0\n"
	"	mv a5, ra\n"
	"	tail jit_rt_misc_c\n"
	".size jit_rt_misc_entry, .-jit_rt_misc_entry\n"
	".globl jit_rt_yield_entry\n"
	".type jit_rt_yield_entry, @function\n"
	".p2align 2\n"
	"jit_rt_yield_entry:\n"
	"	addi sp, sp, -288\n"
	"	sd ra, 0(sp)\n"
	"	sd t0, 8(sp)\n"
	"	sd t1, 16(sp)\n"
	"	sd t2, 24(sp)\n"
	"	sd t3, 32(sp)\n"
	"	sd t4, 40(sp)\n"
	"	sd t5, 48(sp)\n"
	"	sd t6, 56(sp)\n"
	"	sd a0, 64(sp)\n"
	"	sd a1, 72(sp)\n"
	"	sd a2, 80(sp)\n"
	"	sd a3, 88(sp)\n"
	"	sd a4, 96(sp)\n"
	"	sd a5, 104(sp)\n"
	"	sd a6, 112(sp)\n"
	"	sd a7, 120(sp)\n"
	"	fsd ft0, 128(sp)\n"
	"	fsd ft1, 136(sp)\n"
	"	fsd ft2, 144(sp)\n"
	"	fsd ft3, 152(sp)\n"
	"	fsd ft4, 160(sp)\n"
	"	fsd ft5, 168(sp)\n"
	"	fsd ft6, 176(sp)\n"
	"	fsd ft7, 184(sp)\n"
	"	fsd ft8, 192(sp)\n"
	"	fsd ft9, 200(sp)\n"
	"	fsd ft10, 208(sp)\n"
	"	fsd ft11, 216(sp)\n"
	"	fsd fa0, 224(sp)\n"
	"	fsd fa1, 232(sp)\n"
	"	fsd fa2, 240(sp)\n"
	"	fsd fa3, 248(sp)\n"
	"	fsd fa4, 256(sp)\n"
	"	fsd fa5, 264(sp)\n"
	"	fsd fa6, 272(sp)\n"
	"	fsd fa7, 280(sp)\n"
	"	mv a0, s1\n"
	"	call jit_rt_yield_c\n"
	"	ld ra, 0(sp)\n"
	"	ld t0, 8(sp)\n"
	"	ld t1, 16(sp)\n"
	"	ld t2, 24(sp)\n"
	"	ld t3, 32(sp)\n"
	"	ld t4, 40(sp)\n"
	"	ld t5, 48(sp)\n"
	"	ld t6, 56(sp)\n"
	"	ld a0, 64(sp)\n"
	"	ld a1, 72(sp)\n"
	"	ld a2, 80(sp)\n"
	"	ld a3, 88(sp)\n"
	"	ld a4, 96(sp)\n"
	"	ld a5, 104(sp)\n"
	"	ld a6, 112(sp)\n"
	"	ld a7, 120(sp)\n"
	"	fld ft0, 128(sp)\n"
	"	fld ft1, 136(sp)\n"
	"	fld ft2, 144(sp)\n"
	"	fld ft3, 152(sp)\n"
	"	fld ft4, 160(sp)\n"
	"	fld ft5, 168(sp)\n"
	"	fld ft6, 176(sp)\n"
	"	fld ft7, 184(sp)\n"
	"	fld ft8, 192(sp)\n"
	"	fld ft9, 200(sp)\n"
	"	fld ft10, 208(sp)\n"
	"	fld ft11, 216(sp)\n"
	"	fld fa0, 224(sp)\n"
	"	fld fa1, 232(sp)\n"
	"	fld fa2, 240(sp)\n"
	"	fld fa3, 248(sp)\n"
	"	fld fa4, 256(sp)\n"
	"	fld fa5, 264(sp)\n"
	"	fld fa6, 272(sp)\n"
	"	fld fa7, 280(sp)\n"
	"	addi sp, sp, 288\n"
	"	ret\n"
	".size jit_rt_yield_entry, .-jit_rt_yield_entry\n"
	".globl jit_rt_lazy_entry\n"
	".type jit_rt_lazy_entry, @function\n"
	".p2align 2\n"
	"jit_rt_lazy_entry:\n"
	"	addi sp, sp, -144\n"
	"	sd ra, 0(sp)\n"
	"	sd a0, 8(sp)\n"
	"	sd a1, 16(sp)\n"
	"	sd a2, 24(sp)\n"
	"	sd a3, 32(sp)\n"
	"	sd a4, 40(sp)\n"
	"	sd a5, 48(sp)\n"
	"	sd a6, 56(sp)\n"
	"	sd a7, 64(sp)\n"
	"	fsd fa0, 72(sp)\n"
	"	fsd fa1, 80(sp)\n"
	"	fsd fa2, 88(sp)\n"
	"	fsd fa3, 96(sp)\n"
	"	fsd fa4, 104(sp)\n"
	"	fsd fa5, 112(sp)\n"
	"	fsd fa6, 120(sp)\n"
	"	fsd fa7, 128(sp)\n"
	"	mv a0, s1\n"
	"	mv a1, t0\n"
	"	mv a2, sp\n"
	"	addi a3, sp, 144\n"
	"	mv a4, s0\n"
	"	mv a5, ra\n"
	"	call jit_rt_lazy_c\n"
	"	mv t1, a0\n"
	"	ld ra, 0(sp)\n"
	"	ld a0, 8(sp)\n"
	"	ld a1, 16(sp)\n"
	"	ld a2, 24(sp)\n"
	"	ld a3, 32(sp)\n"
	"	ld a4, 40(sp)\n"
	"	ld a5, 48(sp)\n"
	"	ld a6, 56(sp)\n"
	"	ld a7, 64(sp)\n"
	"	fld fa0, 72(sp)\n"
	"	fld fa1, 80(sp)\n"
	"	fld fa2, 88(sp)\n"
	"	fld fa3, 96(sp)\n"
	"	fld fa4, 104(sp)\n"
	"	fld fa5, 112(sp)\n"
	"	fld fa6, 120(sp)\n"
	"	fld fa7, 128(sp)\n"
	"	addi sp, sp, 144\n"
	"	beqz t1, 1f\n"
	"	jr t1\n"
	"1:\n"
	"	ret\n"
	".size jit_rt_lazy_entry, .-jit_rt_lazy_entry\n"
	);
/* clang-format on */

static const struct jit_rt services = {
	.trap = jit_rt_trap_entry,
	.yield = jit_rt_yield_entry,
	.call = jit_rt_call_entry,
	.memory_grow = jit_rt_memory_grow,
	.misc = jit_rt_misc_entry,
	.sig_match = jit_functype_match,
	.lazy = jit_rt_lazy_entry,
};

const struct jit_rt *jit_rt_services(void)
{
	return &services;
}

#else

const struct jit_rt *jit_rt_services(void)
{
	return NULL;
}

void jit_rt_enter(struct jit_call *c)
{
	(void)c;
	__builtin_trap(); /* never: jit_store_enabled is false here */
}

#endif

void jit_rt_emit_stub(struct rv64_buf *b, uint32_t i)
{
	rv64_li(b, RV64_T0, (int64_t)i);
	rv64_ld(b, RV64_T1, RV64_S1, (int32_t)jit_off_rt);
	rv64_ld(b, RV64_T1, RV64_T1, (int32_t)offsetof(struct jit_rt, lazy));
	rv64_jalr(b, RV64_ZERO, RV64_T1, 0);
}
