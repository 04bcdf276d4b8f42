/* irq.c - the external interrupt table (see irq.h). */
#include "core/irq.h"

#include "arch/arch.h"
#include "base/err.h"
#include "trace/ktrace_events.h"

static struct {
	void (*fn)(void *);
	void *arg;
	const char *name;
} handlers[IRQ_MAX]; /* written once at registration, before the line is enabled */

int irq_register(uint32_t irq, uint32_t hartid, const char *name, void (*fn)(void *), void *arg)
{
	if (irq == 0 || irq >= IRQ_MAX)
		return ERR_RANGE;
	if (handlers[irq].fn)
		return ERR_BUSY;
	handlers[irq].arg = arg;
	handlers[irq].name = name;
	handlers[irq].fn = fn;
	arch_irq_route(irq, hartid);
	return 0;
}

void irq_dispatch(uint32_t irq)
{
	bool known = irq < IRQ_MAX && handlers[irq].fn;
	TRACE_POINT(irq, irq_handler_entry, (int)irq, known ? handlers[irq].name : "spurious");
	if (known)
		handlers[irq].fn(handlers[irq].arg);
	TRACE_POINT(irq, irq_handler_exit, (int)irq, known);
}
