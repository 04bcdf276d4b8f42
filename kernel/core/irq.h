/*
 * irq.h - external interrupts: drivers register a handler for a PLIC line.
 */
#pragma once

#include <stdint.h>

#define IRQ_MAX 128

/* Registers fn(arg) for `irq` and routes the line to hart `hartid`; `name`
 * (static) shows in irq:irq_handler_entry. ERR_RANGE for a bad line,
 * ERR_BUSY if it has a handler. */
int irq_register(uint32_t irq, uint32_t hartid, const char *name, void (*fn)(void *), void *arg);

/* Called by the trap handler for a claimed line; interrupts are off. */
void irq_dispatch(uint32_t irq);
