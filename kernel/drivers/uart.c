/*
 * uart.c - 16550 driver (see uart.h).
 *
 * The receive ring is single-producer (the interrupt handler, on the CPU the
 * PLIC routes the UART to) and single-consumer (the shell), so it needs only
 * acquire/release on its two indices.
 */
#include "drivers/uart.h"

#include <stdatomic.h>

#include "core/spinlock.h"

#define RBR	 0 /* receive buffer (read) */
#define THR	 0 /* transmit holding (write) */
#define IER	 1 /* interrupt enable */
#define FCR	 2 /* FIFO control (write) */
#define LCR	 3 /* line control */
#define LSR	 5 /* line status */
#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define IER_RDA	 0x01

#define RING 1024

static struct {
	uint8_t buf[RING];
	atomic_uint head; /* next write (producer) */
	atomic_uint tail; /* next read (consumer) */
} rx;

/* The task waiting for input (the shell), woken by the interrupt handler. */
static struct spinlock waker_lock = SPINLOCK_INIT;
static struct kasync_waker rx_waker;

static inline uint8_t rd(struct uart *u, unsigned reg)
{
	return u->base[reg << u->reg_shift];
}

static inline void wr(struct uart *u, unsigned reg, uint8_t v)
{
	u->base[reg << u->reg_shift] = v;
}

void uart_init(struct uart *u, uint64_t base_va, uint32_t reg_shift, uint32_t irq)
{
	u->base = (volatile uint8_t *)(uintptr_t)base_va;
	u->reg_shift = reg_shift;
	u->irq = irq;
	wr(u, IER, 0);
	wr(u, LCR, 0x03); /* 8N1; QEMU ignores the baud rate */
	/* Enable the FIFOs without clearing them: input may already be
	 * waiting there (typed or piped before the kernel got here). */
	wr(u, FCR, 0x01);
}

void uart_putc(struct uart *u, char c)
{
	while (!(rd(u, LSR) & LSR_THRE))
		;
	wr(u, THR, (uint8_t)c);
}

static void wake_reader(void)
{
	bool irq = spin_lock(&waker_lock);
	struct kasync_waker w = rx_waker;
	rx_waker.vt = NULL;
	spin_unlock(&waker_lock, irq);
	kasync_waker_wake(&w); /* takes no lock: fine in interrupt context */
}

void uart_rx_wait(struct uart *u, const struct kasync_waker *w)
{
	(void)u;
	bool irq = spin_lock(&waker_lock);
	if (!kasync_waker_will_wake(&rx_waker, w)) {
		kasync_waker_drop(&rx_waker);
		rx_waker = kasync_waker_clone(w);
	}
	spin_unlock(&waker_lock, irq);
}

bool uart_rx_ready(struct uart *u)
{
	(void)u;
	return atomic_load_explicit(&rx.tail, memory_order_relaxed) !=
	       atomic_load_explicit(&rx.head, memory_order_acquire);
}

static void uart_drain(struct uart *u)
{
	for (;;) {
		unsigned h = atomic_load_explicit(&rx.head, memory_order_relaxed); /* we own head */
		unsigned t = atomic_load_explicit(&rx.tail, memory_order_acquire);
		if (h - t >= RING) {
			/* Full: stop listening until the reader makes room. */
			wr(u, IER, 0);
			return;
		}
		if (!(rd(u, LSR) & LSR_DR))
			return;
		rx.buf[h % RING] = rd(u, RBR);
		/* release: the byte is written before the reader sees the index */
		atomic_store_explicit(&rx.head, h + 1, memory_order_release);
	}
}

void uart_handle_irq(struct uart *u)
{
	uart_drain(u);
	if (uart_rx_ready(u))
		wake_reader();
}

int uart_getc(struct uart *u)
{
	unsigned t = atomic_load_explicit(&rx.tail, memory_order_relaxed); /* we own tail */
	unsigned h = atomic_load_explicit(&rx.head, memory_order_acquire);
	if (t == h) {
		wr(u, IER, IER_RDA); /* room again: listen (harmless if already on) */
		return -1;
	}
	int c = rx.buf[t % RING];
	/* release: we are done with the slot before the producer may reuse it */
	atomic_store_explicit(&rx.tail, t + 1, memory_order_release);
	return c;
}
