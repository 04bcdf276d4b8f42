/*
 * cpu.c - per-CPU data, inter-processor interrupts and cross-calls.
 *
 * An IPI carries reason bits in the target's `ipi_pending`; the sender sets
 * them, then raises the software interrupt, so the target always finds its
 * reasons when it takes the interrupt. Cross-calls run when the target is
 * idle (the executor's wait, sched.c) rather than in the interrupt handler,
 * so the called function may itself wait for interrupts.
 */
#include "core/cpu.h"

#include "arch/arch.h"

struct cpu cpus[MAX_CPUS];
uint32_t ncpus;

void cpu_send_ipi(uint32_t cpu, unsigned bits)
{
	/* release: whatever the sender wrote is visible to the handler that sees the bits */
	atomic_fetch_or_explicit(&cpus[cpu].ipi_pending, bits, memory_order_release);
	arch_send_ipi(cpus[cpu].hartid);
}

void cpu_handle_ipi(void)
{
	struct cpu *c = cpu_this();
	/* acquire: pairs with the sender's release */
	unsigned bits = atomic_exchange_explicit(&c->ipi_pending, 0, memory_order_acquire);
	atomic_fetch_add_explicit(&c->ipis_received, 1, memory_order_relaxed); /* a statistic */
	if (bits & IPI_PING) {
		unsigned long from = atomic_exchange(&c->ping_from, 0);
		for (uint32_t i = 0; i < ncpus; i++) {
			if (!(from & (1ul << i)))
				continue;
			atomic_fetch_or(&cpus[i].pong_from, 1ul << c->id);
			cpu_send_ipi(i, IPI_WAKE);
		}
	}
	/* IPI_CALL and IPI_WAKE need nothing here: leaving wfi is the point;
	 * the idle loop looks at `call`. */
}

void cpu_run_call(void)
{
	struct cpu *c = cpu_this();
	struct cpu_call *call = atomic_exchange(&c->call, 0);
	if (!call)
		return;
	call->fn(call->arg);
	atomic_store(&call->done, true);
}

void cpu_call(uint32_t cpu, void (*fn)(void *), void *arg)
{
	struct cpu_call call = {fn, arg, false};
	if (cpu == cpu_id()) {
		fn(arg);
		return;
	}
	struct cpu_call *expected = 0;
	while (!atomic_compare_exchange_weak(&cpus[cpu].call, &expected, &call)) {
		expected = 0;
		arch_cpu_relax();
	}
	cpu_send_ipi(cpu, IPI_CALL);
	while (!atomic_load(&call.done))
		arch_cpu_relax();
}
