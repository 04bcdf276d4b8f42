/*
 * trap.c - the C side of the one trap vector: decode, then hand over to
 * the hooks the generic kernel set (arch.h's struct arch_trap_hooks).
 *
 * Interrupts: supervisor software (IPIs), timer, external (PLIC): one
 * interrupt hook call each. Exceptions: a fault at a probe instruction is
 * turned into an error return (after the page_fault hook had its chance to
 * commit a lazy page); a page fault the page_fault hook resolves is
 * retried; a fault the fault_landing hook claims resumes at its landing
 * point (rv_longjmp, returning ERR_TRAP); anything else goes to the fatal
 * hook. This file calls nothing above arch.h.
 */
#include "arch/riscv64/trap.h"

#include "arch/arch.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/jmp.h"
#include "arch/riscv64/sbi.h"
#include "base/err.h"
#include "base/fmt.h"
#include "core/cpu.h"

extern char rv_probe_load_insn[], rv_probe_store_insn[], rv_probe_fixup[];

/* Copied once by the boot CPU before any trap can reach them. */
static struct arch_trap_hooks hooks;

void arch_trap_hooks_set(const struct arch_trap_hooks *h)
{
	hooks = *h;
}

const char *arch_cause_name(uint64_t scause)
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

void arch_dump_frame(const struct trap_frame *tf, void (*print)(const char *line))
{
	static const char *const names[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
					      "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
					      "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
					      "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
	char line[80];
	for (int i = 1; i < 32; i += 2) {
		fmt_snprintf(line, sizeof(line), "  %-4s %016llx  %-4s %016llx\n", names[i],
			     (unsigned long long)tf->x[i], i + 1 < 32 ? names[i + 1] : "",
			     i + 1 < 32 ? (unsigned long long)tf->x[i + 1] : 0);
		print(line);
	}
	fmt_snprintf(line, sizeof(line), "  sepc %016llx  sstatus %016llx\n",
		     (unsigned long long)tf->sepc, (unsigned long long)tf->sstatus);
	print(line);
}

static enum arch_access access_of(uint64_t code)
{
	if (code == EXC_STORE_PAGE_FAULT || code == EXC_STORE_ACCESS ||
	    code == EXC_STORE_MISALIGNED)
		return ARCH_ACCESS_STORE;
	return code == EXC_INST_PAGE_FAULT ? ARCH_ACCESS_EXEC : ARCH_ACCESS_LOAD;
}

static void handle_exception(struct trap_frame *tf)
{
	uint64_t code = tf->scause;
	struct arch_fault f = {
		.cause = code,
		.addr = tf->stval,
		.pc = tf->sepc,
		.sp = tf->x[2],
		.fp = tf->x[8],
		.access = access_of(code),
		.page_fault = code == EXC_LOAD_PAGE_FAULT || code == EXC_STORE_PAGE_FAULT ||
			      code == EXC_INST_PAGE_FAULT,
		.bad_access = code == EXC_LOAD_ACCESS || code == EXC_STORE_ACCESS ||
			      code == EXC_LOAD_MISALIGNED || code == EXC_STORE_MISALIGNED,
	};
	struct cpu *c = arch_cpu_this();

	if (c)
		hooks.exception(&f);

	if ((f.page_fault || f.bad_access) &&
	    (tf->sepc == (uint64_t)(uintptr_t)rv_probe_load_insn ||
	     tf->sepc == (uint64_t)(uintptr_t)rv_probe_store_insn)) {
		/* A probe of a lazily committed page commits it, like any access. */
		if (f.page_fault && hooks.page_fault(&f) == 0)
			return;
		if (c)
			c->last_probe_cause = code;
		tf->sepc = (uint64_t)(uintptr_t)rv_probe_fixup;
		return;
	}
	if (f.page_fault && hooks.page_fault(&f) == 0)
		return;
	struct arch_jmp_buf *landing;
	if ((f.page_fault || f.bad_access) && (landing = hooks.fault_landing(&f)) != NULL) {
		/* resume at the landing point, as if it had called rv_longjmp */
		tf->sepc = (uint64_t)(uintptr_t)rv_longjmp;
		tf->x[10] = (uint64_t)(uintptr_t)landing;
		tf->x[11] = (uint64_t)(int64_t)ERR_TRAP;
		return;
	}
	hooks.fatal(&f, tf);
	__builtin_unreachable(); /* the hook does not return */
}

/* An interrupt code this handler does not enable: a broken invariant. */
static NORETURN void unexpected_interrupt(struct trap_frame *tf)
{
	struct arch_fault f = {.cause = tf->scause,
			       .addr = tf->stval,
			       .pc = tf->sepc,
			       .sp = tf->x[2],
			       .fp = tf->x[8]};
	hooks.fatal(&f, tf);
	__builtin_unreachable(); /* the hook does not return */
}

void rv_trap_handler(struct trap_frame *tf)
{
	if (!(tf->scause & SCAUSE_INTR)) {
		handle_exception(tf);
		return;
	}
	switch (tf->scause & ~SCAUSE_INTR) {
	case IRQ_S_SOFT:
		csr_clear(sip, SIE_SSIE);
		hooks.interrupt(ARCH_IRQ_IPI);
		break;
	case IRQ_S_TIMER:
		hooks.interrupt(ARCH_IRQ_TIMER);
		break;
	case IRQ_S_EXT:
		hooks.interrupt(ARCH_IRQ_EXTERNAL);
		break;
	default:
		unexpected_interrupt(tf);
	}
}

const char *arch_last_probe_cause(void)
{
	return arch_cause_name(arch_cpu_this()->last_probe_cause);
}

/* A trap before this hart has its trap vector (entry.S): there is no
 * per-CPU state to panic with yet, so say what happened and stop. */
NORETURN void rv_early_trap_report(uint64_t scause, uint64_t sepc, uint64_t stval);
NORETURN void rv_early_trap_report(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	char buf[128];
	fmt_snprintf(
		buf, sizeof(buf), "\nkernel: early trap: scause 0x%llx sepc 0x%llx stval 0x%llx\n",
		(unsigned long long)scause, (unsigned long long)sepc, (unsigned long long)stval);
	for (const char *p = buf; *p; p++)
		sbi_console_putchar(*p);
	sbi_system_reset(0, 1);
	for (;;)
		__asm__ volatile("wfi");
}
