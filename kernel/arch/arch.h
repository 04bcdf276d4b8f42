/*
 * arch.h - the whole contract between the generic kernel and the
 * architecture. Generic code includes this header and nothing under
 * kernel/arch/<arch>/; one implementation folder per architecture
 * (kernel/arch/riscv64/). tests/arch_check.sh checks both directions.
 *
 * Downward (generic -> arch): the arch_* functions below. Each says on
 * which CPU it acts and whether interrupts must be off.
 * Upward (arch -> generic): the trap handler calls nothing above it by
 * name; generic code hands it a table of hooks at boot
 * (arch_trap_hooks_set), and those hooks do the interrupt dispatch, the
 * page-fault handling, the WebAssembly guard-page landing and the fatal
 * report.
 *
 * What the arch side may include: this header, its own folder, lib/base
 * (freestanding helpers), and core/cpu.h, because `struct cpu` is the one
 * type the two sides share: the arch code keeps its per-CPU fields there
 * (trap_stack_top, next_deadline, last_probe_cause, hartid) and reaches the
 * struct through arch_cpu_this().
 *
 * Page tables: the format is the arch's page-table module, which the
 * loader and the host tests use on their own; this header brings it in
 * (struct pt, pt_map, pt_unmap, pt_populate, pt_protect, pt_lookup,
 * pt_translate, PAGE_SIZE and the PTE_R/W/X/G leaf bits) and the VM layer
 * uses it through here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/compiler.h"

struct cpu;
struct trap_frame; /* the saved registers of a trap; layout private to the arch */

/* --- Interrupts and idling, on the calling CPU ------------------------- */

/* Interrupts on this CPU. Each is a compiler barrier: memory accesses are
 * not moved across it, so a critical section stays inside. */
static inline void arch_irq_enable(void);
static inline void arch_irq_disable(void);
/* Disables interrupts and returns whether they were on. */
static inline bool arch_irq_save(void);
static inline void arch_irq_restore(bool was_on);
/* Sleeps until an interrupt is pending (returns at once if one is); with
 * interrupts on, the interrupt is taken before this returns. */
static inline void arch_wait_for_interrupt(void);
/* Sleeps until an IPI is pending, without taking it (interrupts stay
 * off), then clears it. Usable before arch_cpu_init_early. A spurious
 * wakeup is possible: callers loop on their condition. */
static inline void arch_wait_ipi(void);
/* A spin-wait hint; a compiler barrier, no memory ordering. */
static inline void arch_cpu_relax(void);

/* --- Per-CPU setup and identity ----------------------------------------- */

/* The calling CPU's struct cpu (NULL before arch_cpu_init_early). */
static inline struct cpu *arch_cpu_this(void);
/* First thing each CPU does, on itself, interrupts off: makes
 * arch_cpu_this() return c, installs the trap vector and c's trap stack
 * (c->id and c->hartid must be set), disarms the timer. */
void arch_cpu_init_early(struct cpu *c);
/* Enables the timer, IPI and external interrupt sources on the calling
 * CPU (interrupts themselves stay off until arch_irq_enable) and counts it
 * in for arch_tlb_flush_range. After arch_platform_init. */
void arch_cpu_init_late(struct cpu *c);

/* Where the devices the arch drives are (virtual addresses, 0 = absent). */
struct arch_platform {
	uint64_t timebase_freq; /* clock ticks per second; 0 keeps the default */
	uint64_t test_dev;	/* the exit device (QEMU's sifive,test) */
	uint64_t irq_ctrl;	/* the external interrupt controller (PLIC) */
};

/* Boot CPU, once, before any other CPU runs arch_cpu_init_late. */
void arch_platform_init(const struct arch_platform *p);

/* --- Time and timer ------------------------------------------------------ */

/* The monotonic clock: ticks since reset (any CPU, the same clock), and
 * its frequency. */
static inline uint64_t arch_now_ticks(void);
uint64_t arch_ticks_per_sec(void);

/* Programs the calling CPU's one timer interrupt; UINT64_MAX disables it.
 * Records the deadline in the CPU's next_deadline. Interrupts off. */
void arch_timer_set_deadline(uint64_t ticks);

/* --- Inter-processor and external interrupts ---------------------------- */

/* Raises the software interrupt of the CPU with arch id `hartid`. Does not
 * order memory: the sender publishes what the IPI is about with a release
 * store before (core/cpu.c). */
void arch_send_ipi(uint32_t hartid);

/* Routes external interrupt line `irq` to the CPU with arch id `hartid`.
 * Boot time, before the line's handler can run. */
void arch_irq_route(uint32_t irq, uint32_t hartid);
/* Claims the calling CPU's next pending external line (0: none), and
 * completes a line once its handler ran. Interrupt context. */
uint32_t arch_irq_claim(void);
void arch_irq_complete(uint32_t irq);

/* --- Memory -------------------------------------------------------------- */

/* Flushes this CPU's TLB entry for the page at va. */
static inline void arch_tlb_flush_local(uint64_t va);
/* Flushes this CPU's TLB entries for [va, va+size), then asks every other
 * CPU past arch_cpu_init_late to do the same (and waits for them). */
void arch_tlb_flush_range(uint64_t va, uint64_t size);
/* Makes instruction fetch on this CPU see every store visible to it (its
 * own, and those of other CPUs that it has observed, e.g. through an
 * acquire load of a flag they released after storing). riscv64: fence.i. */
static inline void arch_icache_sync_local(void);

/*
 * Guarded accesses: read or write memory that may not be mapped or may be
 * read-only. A fault makes them return ERR_FAULT instead of panicking, and
 * records the cause (see arch_last_probe_cause). A lazily committed page
 * is committed first, through the page_fault hook.
 */
int arch_probe_read64(const void *addr, uint64_t *out);
int arch_probe_write64(void *addr, uint64_t val);
/* The exception cause name of this CPU's last caught probe fault. */
const char *arch_last_probe_cause(void);

/* --- Non-local return (the WebAssembly guard-page landing) --------------- */

struct arch_jmp_buf; /* callee-saved registers; defined by the arch */

/* Saves the caller's state; returns 0 now, and v when the trap handler
 * resumes at it (a fault the fault_landing hook claimed: v = ERR_TRAP). */
int arch_setjmp(struct arch_jmp_buf *b) __attribute__((returns_twice));

/* --- Traps: what the arch's trap handler calls back ---------------------- */

enum arch_irq_kind {
	ARCH_IRQ_IPI,	   /* software interrupt, already acknowledged */
	ARCH_IRQ_TIMER,	   /* this CPU's timer deadline passed */
	ARCH_IRQ_EXTERNAL, /* lines to take with arch_irq_claim */
};

enum arch_access { ARCH_ACCESS_LOAD, ARCH_ACCESS_STORE, ARCH_ACCESS_EXEC };

/* An exception in kernel code, as the hooks see it. */
struct arch_fault {
	uint64_t cause; /* the arch's cause code (riscv64: scause), for arch_cause_name */
	uint64_t addr;	/* the faulting address */
	uint64_t pc, sp, fp;
	enum arch_access access;
	bool page_fault; /* no valid mapping or not permitted by it */
	bool bad_access; /* an access fault or a misaligned access */
};

/*
 * The trap handler's calls into the generic kernel. Every hook runs on the
 * CPU that trapped, with interrupts off, on that CPU's trap stack.
 * interrupt and page_fault are on hot paths.
 */
struct arch_trap_hooks {
	/* An interrupt (one call per trap, whatever the kind). */
	void (*interrupt)(enum arch_irq_kind kind);
	/* Every exception, first: statistics. */
	void (*exception)(const struct arch_fault *f);
	/* A page fault: 0 if the page is now mapped and the access is retried. */
	int (*page_fault)(const struct arch_fault *f);
	/* A fault nothing else resolved: the landing point of a guarded call
	 * that owns f->addr (resumed with ERR_TRAP), or NULL. */
	struct arch_jmp_buf *(*fault_landing)(const struct arch_fault *f);
	/* Anything else: report and stop the machine. */
	NORETURN void (*fatal)(const struct arch_fault *f, const struct trap_frame *tf);
};

/* Boot CPU, before its first arch_cpu_init_early: the hooks are copied. */
void arch_trap_hooks_set(const struct arch_trap_hooks *h);

/* The name of an exception cause (struct arch_fault.cause). */
const char *arch_cause_name(uint64_t cause);
/* Prints a trap frame's registers, one line at a time, through `print`. */
void arch_dump_frame(const struct trap_frame *tf, void (*print)(const char *line));

/* --- Machine ------------------------------------------------------------- */

/* The frame pointer of the caller, for backtraces. */
static inline uint64_t arch_frame_pointer(void)
{
	return (uint64_t)(uintptr_t)__builtin_frame_address(0);
}

/* Prints one character on the firmware's console: usable before any
 * device is known, from any CPU, slow. */
static inline void arch_early_putchar(int c);

/* Ends the machine: QEMU exits with `code` (0 = success). Any CPU. */
NORETURN void arch_shutdown(int code);

#include "arch/riscv64/arch_impl.h"
