/*
 * jit_fiber.c - fibers (jit_fiber.h): the context switch in riscv64
 * assembly (file-scope asm, so every build of lib/ that targets riscv64,
 * the kernel's S-mode one included, assembles the same code), the rest in C.
 *
 * A saved context is a 208-byte record at the saved sp, pushed by the
 * switch on the stack being left:
 *
 *   sp+0  ra     sp+8..96  s0-s11     sp+104..192  fs0-fs11   (sp+200 pad)
 *
 * A new fiber's stack starts with such a record whose ra is
 * jit_fiber_start and whose s1 is the fiber, so its first resume "returns"
 * into jit_fiber_start, which calls jit_fiber_main(f) with s0 = 0 (the end
 * of any frame-pointer walk).
 */
#include "wasm/jit/jit_fiber.h"

#include <string.h>

#include "base/assert.h"
#include "base/err.h"

#define FIBER_CTX_BYTES 208

#if defined(__riscv) && __riscv_xlen == 64

/* void jit_fiber_switch(uintptr_t *save_sp, uintptr_t to_sp): saves the
 * running context below sp, stores sp in *save_sp, and continues the
 * context saved at to_sp. */
void jit_fiber_switch(uintptr_t *save_sp, uintptr_t to_sp);
void jit_fiber_start(void);
_Noreturn void jit_fiber_main(struct jit_fiber *f);

__asm__(".text\n"
	".globl jit_fiber_switch\n"
	".type jit_fiber_switch, @function\n"
	".p2align 2\n"
	"jit_fiber_switch:\n"
	"	addi sp, sp, -208\n"
	"	sd ra, 0(sp)\n"
	"	sd s0, 8(sp)\n"
	"	sd s1, 16(sp)\n"
	"	sd s2, 24(sp)\n"
	"	sd s3, 32(sp)\n"
	"	sd s4, 40(sp)\n"
	"	sd s5, 48(sp)\n"
	"	sd s6, 56(sp)\n"
	"	sd s7, 64(sp)\n"
	"	sd s8, 72(sp)\n"
	"	sd s9, 80(sp)\n"
	"	sd s10, 88(sp)\n"
	"	sd s11, 96(sp)\n"
	"	fsd fs0, 104(sp)\n"
	"	fsd fs1, 112(sp)\n"
	"	fsd fs2, 120(sp)\n"
	"	fsd fs3, 128(sp)\n"
	"	fsd fs4, 136(sp)\n"
	"	fsd fs5, 144(sp)\n"
	"	fsd fs6, 152(sp)\n"
	"	fsd fs7, 160(sp)\n"
	"	fsd fs8, 168(sp)\n"
	"	fsd fs9, 176(sp)\n"
	"	fsd fs10, 184(sp)\n"
	"	fsd fs11, 192(sp)\n"
	"	sd sp, 0(a0)\n"
	"	mv sp, a1\n"
	"	ld ra, 0(sp)\n"
	"	ld s0, 8(sp)\n"
	"	ld s1, 16(sp)\n"
	"	ld s2, 24(sp)\n"
	"	ld s3, 32(sp)\n"
	"	ld s4, 40(sp)\n"
	"	ld s5, 48(sp)\n"
	"	ld s6, 56(sp)\n"
	"	ld s7, 64(sp)\n"
	"	ld s8, 72(sp)\n"
	"	ld s9, 80(sp)\n"
	"	ld s10, 88(sp)\n"
	"	ld s11, 96(sp)\n"
	"	fld fs0, 104(sp)\n"
	"	fld fs1, 112(sp)\n"
	"	fld fs2, 120(sp)\n"
	"	fld fs3, 128(sp)\n"
	"	fld fs4, 136(sp)\n"
	"	fld fs5, 144(sp)\n"
	"	fld fs6, 152(sp)\n"
	"	fld fs7, 160(sp)\n"
	"	fld fs8, 168(sp)\n"
	"	fld fs9, 176(sp)\n"
	"	fld fs10, 184(sp)\n"
	"	fld fs11, 192(sp)\n"
	"	addi sp, sp, 208\n"
	"	ret\n"
	".size jit_fiber_switch, .-jit_fiber_switch\n"
	"\n"
	".globl jit_fiber_start\n"
	".type jit_fiber_start, @function\n"
	".p2align 2\n"
	"jit_fiber_start:\n"
	"	mv a0, s1\n"
	"	li ra, 0\n"
	"	tail jit_fiber_main\n"
	".size jit_fiber_start, .-jit_fiber_start\n");

_Noreturn void jit_fiber_main(struct jit_fiber *f)
{
	f->fn(f->arg);
	jit_fiber_exit(f);
}

int jit_fiber_init(struct jit_fiber *f, uintptr_t lo, uintptr_t hi, void (*fn)(void *), void *arg)
{
	uintptr_t top = hi & ~(uintptr_t)15;
	uint64_t *ctx;

	if (hi <= lo || top - lo < 1024)
		return ERR_INVAL;
	ctx = (uint64_t *)(top - FIBER_CTX_BYTES);
	memset(ctx, 0, FIBER_CTX_BYTES);
	ctx[0] = (uintptr_t)jit_fiber_start; /* ra */
	ctx[2] = (uintptr_t)f;		     /* s1 */
	f->sp = (uintptr_t)ctx;
	f->resumer_sp = 0;
	f->fn = fn;
	f->arg = arg;
	f->state = 0;
	return 0;
}

int jit_fiber_resume(struct jit_fiber *f)
{
	ASSERT(f->state != JIT_FIBER_DONE);
	f->state = 0;
	jit_fiber_switch(&f->resumer_sp, f->sp);
	return f->state;
}

void jit_fiber_suspend(struct jit_fiber *f)
{
	f->state = JIT_FIBER_SUSPENDED;
	jit_fiber_switch(&f->sp, f->resumer_sp);
}

_Noreturn void jit_fiber_exit(struct jit_fiber *f)
{
	f->state = JIT_FIBER_DONE;
	jit_fiber_switch(&f->sp, f->resumer_sp);
	__builtin_unreachable();
}

#else /* not riscv64: no fibers */

int jit_fiber_init(struct jit_fiber *f, uintptr_t lo, uintptr_t hi, void (*fn)(void *), void *arg)
{
	(void)f;
	(void)lo;
	(void)hi;
	(void)fn;
	(void)arg;
	return ERR_UNSUPP;
}

int jit_fiber_resume(struct jit_fiber *f)
{
	(void)f;
	__builtin_trap(); /* never: jit_fiber_init refused */
}

void jit_fiber_suspend(struct jit_fiber *f)
{
	(void)f;
	__builtin_trap();
}

_Noreturn void jit_fiber_exit(struct jit_fiber *f)
{
	(void)f;
	__builtin_trap();
}

#endif
