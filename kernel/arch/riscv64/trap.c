/*
 * trap.c - the C side of the one trap vector: decode and dispatch.
 *
 * Interrupts: supervisor software (IPIs), timer, external (PLIC).
 * Exceptions: a fault at a probe instruction is turned into an error return;
 * a page fault the VM layer resolves (lazy commit) is retried; a fault in a
 * WebAssembly guest's memory resumes at its guard_call (wasm/kmem.h) as an
 * out-of-bounds trap; anything else in the kernel is fatal: cause, stval, registers, backtrace,
 * exit status 1.
 */
#include "arch/riscv64/trap.h"

#include "arch/arch.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/jmp.h"
#include "base/err.h"
#include "arch/riscv64/platform.h"
#include "core/console.h"
#include "core/cpu.h"
#include "core/irq.h"
#include "trace/ktrace.h"
#include "trace/ktrace_events.h"
#include "mem/vm.h"
#include "sched/timer.h"
#include "core/panic.h"
#include "wasm/kmem.h"

extern char rv_probe_load_insn[], rv_probe_store_insn[], rv_probe_fixup[];

TRACE_METRIC(traps, "traps taken (interrupts and exceptions)");
TRACE_METRIC(trap_exceptions, "exceptions");
TRACE_METRIC(trap_page_faults, "page faults");
TRACE_METRIC(irq_timer, "timer interrupts");
TRACE_METRIC(irq_software, "software interrupts (IPIs)");
TRACE_METRIC(irq_external, "external interrupts (PLIC lines claimed)");

const char *rv_cause_name(uint64_t scause)
{
	static const char *const exc[] = {
		[EXC_INST_MISALIGNED] = "instruction address misaligned",
		[EXC_INST_ACCESS] = "instruction access fault",
		[EXC_ILLEGAL_INST] = "illegal instruction",
		[EXC_BREAKPOINT] = "breakpoint",
		[EXC_LOAD_MISALIGNED] = "load address misaligned",
		[EXC_LOAD_ACCESS] = "load access fault",
		[EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
		[EXC_STORE_ACCESS] = "store/AMO access fault",
		[EXC_ECALL_U] = "environment call from U-mode",
		[EXC_ECALL_S] = "environment call from S-mode",
		[10] = "reserved",
		[11] = "environment call from M-mode",
		[EXC_INST_PAGE_FAULT] = "instruction page fault",
		[EXC_LOAD_PAGE_FAULT] = "load page fault",
		[14] = "reserved",
		[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
		[16] = "reserved",
		[17] = "reserved",
		[18] = "software check",
		[19] = "hardware error",
	};
	static const char *const intr[] = {
		[IRQ_S_SOFT] = "supervisor software interrupt",
		[IRQ_S_TIMER] = "supervisor timer interrupt",
		[IRQ_S_EXT] = "supervisor external interrupt",
	};
	uint64_t code = scause & ~SCAUSE_INTR;
	if (scause & SCAUSE_INTR)
		return code < ARRAY_SIZE(intr) && intr[code] ? intr[code] : "unknown interrupt";
	return code < ARRAY_SIZE(exc) && exc[code] ? exc[code] : "unknown exception";
}

void arch_dump_frame(const struct trap_frame *tf)
{
	static const char *const names[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
					      "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
					      "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
					      "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
	for (int i = 1; i < 32; i += 2)
		kprintf("  %-4s %016llx  %-4s %016llx\n", names[i], (unsigned long long)tf->x[i],
			i + 1 < 32 ? names[i + 1] : "",
			i + 1 < 32 ? (unsigned long long)tf->x[i + 1] : 0);
	kprintf("  sepc %016llx  sstatus %016llx\n", (unsigned long long)tf->sepc,
		(unsigned long long)tf->sstatus);
}

static NORETURN void kernel_fault(struct trap_frame *tf)
{
	panic_enter();
	struct cpu *c = cpu_this();
	uint64_t code = tf->scause & ~SCAUSE_INTR;
	kprintf("\nKERNEL FAULT on CPU %u: %s (scause %llu) at stval 0x%016llx\n", c ? c->id : 0,
		rv_cause_name(tf->scause), (unsigned long long)code, (unsigned long long)tf->stval);
	/* A fault just below a stack is a stack overflow into its guard page. */
	uint64_t sp = tf->x[2];
	if ((code == EXC_LOAD_PAGE_FAULT || code == EXC_STORE_PAGE_FAULT) &&
	    tf->stval < sp + 4096 && tf->stval + 65536 > sp)
		kprintf("(looks like a kernel stack overflow: sp 0x%016llx)\n",
			(unsigned long long)sp);
	arch_dump_frame(tf);
	backtrace_print(tf->sepc, tf->x[8]);
	panic_finish();
}

/* The VM layer's answer to a page fault, traced. */
static int traced_page_fault(struct trap_frame *tf)
{
	uint64_t code = tf->scause;
	int kind = code == EXC_STORE_PAGE_FAULT	 ? KTRACE_FAULT_STORE
		   : code == EXC_INST_PAGE_FAULT ? KTRACE_FAULT_EXEC
						 : KTRACE_FAULT_LOAD;
	int err = vm_handle_fault(tf->stval, code == EXC_STORE_PAGE_FAULT,
				  code == EXC_INST_PAGE_FAULT);
	TRACE_POINT(mm, page_fault, tf->stval, tf->sepc, kind, err == 0);
	return err;
}

static void handle_exception(struct trap_frame *tf)
{
	uint64_t code = tf->scause;
	bool page_fault = code == EXC_LOAD_PAGE_FAULT || code == EXC_STORE_PAGE_FAULT ||
			  code == EXC_INST_PAGE_FAULT;
	bool access = code == EXC_LOAD_ACCESS || code == EXC_STORE_ACCESS ||
		      code == EXC_LOAD_MISALIGNED || code == EXC_STORE_MISALIGNED;
	struct cpu *c = cpu_this();

	if (c) {
		trace_metric_inc(&trap_exceptions, c->id);
		if (page_fault)
			trace_metric_inc(&trap_page_faults, c->id);
	}

	if ((page_fault || access) && (tf->sepc == (uint64_t)(uintptr_t)rv_probe_load_insn ||
				       tf->sepc == (uint64_t)(uintptr_t)rv_probe_store_insn)) {
		/* A probe of a lazily committed page commits it, like any access. */
		if (page_fault && traced_page_fault(tf) == 0)
			return;
		if (c)
			c->last_probe_cause = code;
		tf->sepc = (uint64_t)(uintptr_t)rv_probe_fixup;
		return;
	}
	if (page_fault && traced_page_fault(tf) == 0)
		return;
	void *landing;
	if ((page_fault || access) && kwasm_fault_landing(tf->stval, &landing)) {
		/* A guest's out-of-bounds access: resume at its guard_call's
		 * landing point, which returns ERR_TRAP (see wasm/kmem.h). */
		tf->sepc = (uint64_t)(uintptr_t)rv_longjmp;
		tf->x[10] = (uint64_t)(uintptr_t)landing;
		tf->x[11] = (uint64_t)(int64_t)ERR_TRAP;
		return;
	}
	kernel_fault(tf);
}

void rv_trap_handler(struct trap_frame *tf)
{
	struct cpu *c = cpu_this();
	if (c)
		trace_metric_inc(&traps, c->id);
	if (!(tf->scause & SCAUSE_INTR)) {
		handle_exception(tf);
		return;
	}
	ktrace_irq_enter();
	switch (tf->scause & ~SCAUSE_INTR) {
	case IRQ_S_SOFT:
		trace_metric_inc(&irq_software, c->id);
		csr_clear(sip, SIE_SSIE);
		cpu_handle_ipi();
		break;
	case IRQ_S_TIMER:
		trace_metric_inc(&irq_timer, c->id);
		c->timer_interrupts++;
		timer_interrupt();
		break;
	case IRQ_S_EXT: {
		uint32_t irq;
		while ((irq = rv_plic_claim(c->hartid)) != 0) {
			trace_metric_inc(&irq_external, c->id);
			c->irq_count++;
			irq_dispatch(irq);
			rv_plic_complete(c->hartid, irq);
		}
		break;
	}
	default:
		kernel_fault(tf);
	}
	ktrace_irq_exit();
}

const char *arch_last_probe_cause(void)
{
	return rv_cause_name(cpu_this()->last_probe_cause);
}
