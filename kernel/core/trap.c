/*
 * trap.c - what the kernel does with a trap once the architecture has
 * decoded it (see trap.h): counts it, brackets interrupts for the tracer,
 * dispatches them (IPIs to core/cpu.c, the timer to sched/timer.c,
 * external lines to core/irq.c), lets the VM layer resolve page faults,
 * lets a WebAssembly guard_call claim a fault in its guest's memory, and
 * reports anything else as a kernel fault.
 *
 * Every hook runs on the CPU that trapped, interrupts off.
 */
#include "core/trap.h"

#include "arch/arch.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/irq.h"
#include "core/panic.h"
#include "mem/vm.h"
#include "sched/timer.h"
#include "trace/ktrace.h"
#include "trace/ktrace_events.h"
#include "wasm/kmem.h"

TRACE_METRIC(traps, "traps taken (interrupts and exceptions)");
TRACE_METRIC(trap_exceptions, "exceptions");
TRACE_METRIC(trap_page_faults, "page faults");
TRACE_METRIC(irq_timer, "timer interrupts");
TRACE_METRIC(irq_software, "software interrupts (IPIs)");
TRACE_METRIC(irq_external, "external interrupts (PLIC lines claimed)");

static void trap_interrupt(enum arch_irq_kind kind)
{
	struct cpu *c = cpu_this();
	uint32_t irq;

	trace_metric_inc(&traps, c->id);
	ktrace_irq_enter();
	switch (kind) {
	case ARCH_IRQ_IPI:
		trace_metric_inc(&irq_software, c->id);
		cpu_handle_ipi();
		break;
	case ARCH_IRQ_TIMER:
		trace_metric_inc(&irq_timer, c->id);
		c->timer_interrupts++;
		timer_interrupt();
		break;
	case ARCH_IRQ_EXTERNAL:
		while ((irq = arch_irq_claim()) != 0) {
			trace_metric_inc(&irq_external, c->id);
			c->irq_count++;
			irq_dispatch(irq);
			arch_irq_complete(irq);
		}
		break;
	}
	ktrace_irq_exit();
}

/* Called only once this CPU has its struct cpu. */
static void trap_exception(const struct arch_fault *f)
{
	uint32_t id = cpu_id();

	trace_metric_inc(&traps, id);
	trace_metric_inc(&trap_exceptions, id);
	if (f->page_fault)
		trace_metric_inc(&trap_page_faults, id);
}

/* The VM layer's answer to a page fault, traced. */
static int trap_page_fault(const struct arch_fault *f)
{
	int kind = f->access == ARCH_ACCESS_STORE  ? KTRACE_FAULT_STORE
		   : f->access == ARCH_ACCESS_EXEC ? KTRACE_FAULT_EXEC
						   : KTRACE_FAULT_LOAD;
	int err = vm_handle_fault(f->addr, f->access == ARCH_ACCESS_STORE,
				  f->access == ARCH_ACCESS_EXEC);
	TRACE_POINT(mm, page_fault, f->addr, f->pc, kind, err == 0);
	return err;
}

/* A guest's out-of-bounds access: its guard_call's landing point returns
 * ERR_TRAP (see wasm/kmem.h). */
static struct arch_jmp_buf *trap_fault_landing(const struct arch_fault *f)
{
	return kwasm_fault_landing(f->addr, f->pc, f->fp);
}

static void print_line(const char *line)
{
	kputs(line);
}

static NORETURN void trap_fatal(const struct arch_fault *f, const struct trap_frame *tf)
{
	panic_enter();
	struct cpu *c = cpu_this();
	kprintf("\nKERNEL FAULT on CPU %u: %s (scause %llu) at stval 0x%016llx\n", c ? c->id : 0,
		arch_cause_name(f->cause), (unsigned long long)f->cause,
		(unsigned long long)f->addr);
	/* A fault just below a stack is a stack overflow into its guard page. */
	if (f->page_fault && f->access != ARCH_ACCESS_EXEC && f->addr < f->sp + 4096 &&
	    f->addr + 65536 > f->sp)
		kprintf("(looks like a kernel stack overflow: sp 0x%016llx)\n",
			(unsigned long long)f->sp);
	arch_dump_frame(tf, print_line);
	backtrace_print(f->pc, f->fp);
	panic_finish();
}

static const struct arch_trap_hooks trap_hooks = {
	.interrupt = trap_interrupt,
	.exception = trap_exception,
	.page_fault = trap_page_fault,
	.fault_landing = trap_fault_landing,
	.fatal = trap_fatal,
};

void trap_init(void)
{
	arch_trap_hooks_set(&trap_hooks);
}
