/*
 * panic.c - panics and backtraces (see panic.h).
 *
 * Backtraces follow the frame-pointer chain (-fno-omit-frame-pointer):
 * on riscv64 the return address sits at fp-8 and the caller's fp at fp-16.
 * Every fp is checked to lie in kernel space and be aligned before it is
 * followed, through a probe, so a corrupt chain ends the trace, not the
 * machine.
 */
#include "core/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "base/assert.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/symbols.h"

enum backtrace_mode backtrace_mode = BACKTRACE_SHORT;

#define MAX_FRAMES 32

void backtrace_print(uint64_t pc, uint64_t fp)
{
	char buf[128];
	unsigned i = 0;
	kprintf("backtrace:\n");
	if (pc) {
		symbols_format(pc, buf, sizeof(buf));
		kprintf("  #%u %s\n", i++, buf);
	}
	while (i < MAX_FRAMES && fp && !(fp & 7) && (int64_t)fp < 0) {
		uint64_t ra, prev;
		if (arch_probe_read64((void *)(uintptr_t)(fp - 8), &ra) ||
		    arch_probe_read64((void *)(uintptr_t)(fp - 16), &prev))
			break;
		if (!ra)
			break;
		symbols_format_return(ra, buf, sizeof(buf));
		if (backtrace_mode == BACKTRACE_FULL)
			kprintf("  #%u %s (ra=0x%016llx fp=0x%016llx)\n", i, buf,
				(unsigned long long)ra, (unsigned long long)fp);
		else
			kprintf("  #%u %s\n", i, buf);
		i++;
		if (prev <= fp) /* stacks grow down: callers' frames are higher */
			break;
		fp = prev;
	}
	if (i == MAX_FRAMES)
		kprintf("  ... (more frames omitted)\n");
}

int panic_enter(void)
{
	arch_irq_disable();
	struct cpu *c = cpu_this();
	int depth = c ? ++c->panic_depth : 1;
	if (depth > 1) {
		/* Panicking while panicking: say so once, without anything that
		 * might have caused the nested panic, and stop. */
		if (depth == 2)
			kputs("\npanic while panicking; stopping\n");
		arch_shutdown(1);
	}
	/* Another CPU may have died holding the console lock. */
	console_break_lock();
	return depth;
}

void panic_finish(void)
{
	kputs("kernel panic: stopping\n");
	arch_shutdown(1);
}

void panic(const char *fmt, ...)
{
	panic_enter();
	struct cpu *c = cpu_this();
	kprintf("\nPANIC on CPU %u: ", c ? c->id : 0);
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputs("\n");
	backtrace_print(0, arch_frame_pointer());
	panic_finish();
}

void assert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed: %s at %s:%d", expr, file, line);
}
