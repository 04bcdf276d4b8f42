/*
 * uart.h - the 16550 UART: polled output, interrupt-driven input into a ring.
 *
 * Output may be called from any context. Input: the interrupt handler moves
 * received bytes into a ring buffer; uart_getc takes them out. Bytes that
 * arrive while the ring is full are left in the UART (QEMU then holds back
 * its input), so piped input is never lost.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kasync/task.h"

struct uart {
	volatile uint8_t *base;
	uint32_t reg_shift;
	uint32_t irq;
};

void uart_init(struct uart *u, uint64_t base_va, uint32_t reg_shift, uint32_t irq);
void uart_putc(struct uart *u, char c);
/* Interrupt handler: drains the receive FIFO into the ring. */
void uart_handle_irq(struct uart *u);
/* Next received byte, or -1 if none is buffered. Any context. */
int uart_getc(struct uart *u);
/* Whether uart_getc has a byte to give (the reading side only). */
bool uart_rx_ready(struct uart *u);
/* Wakes `w` (cloned) at the next received byte; replaces an earlier
 * waker. Call uart_rx_ready afterwards: a byte may have come in between. */
void uart_rx_wait(struct uart *u, const struct kasync_waker *w);
