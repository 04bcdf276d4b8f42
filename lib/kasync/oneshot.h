/*
 * oneshot.h - a single value from one sender to one receiving task.
 *
 * The channel lives in memory owned by the user (typically the state of one
 * of the two tasks, which must outlive the other's use of it). The value is
 * one machine word (a pointer or an integer). Invariant: `rx` holds a waker
 * only while the receiver waits and nothing was sent or closed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/spin.h"
#include "kasync/task.h"

struct kasync_oneshot {
	struct spin lock;
	bool sent, closed;
	uintptr_t value;
	struct kasync_waker rx;
};

void kasync_oneshot_init(struct kasync_oneshot *o);

/* kasync_oneshot_send - stores `value` and wakes the receiver. Errors: ERR_CLOSED, ERR_BUSY (sent
 * twice). */
int kasync_oneshot_send(struct kasync_oneshot *o, uintptr_t value);

/* kasync_oneshot_close - the sender goes away without sending: the receiver gets ERR_CLOSED. */
void kasync_oneshot_close(struct kasync_oneshot *o);

/* kasync_oneshot_recv_poll - READY with *err = 0 and *out, or *err = ERR_CLOSED. */
enum kasync_poll kasync_oneshot_recv_poll(struct kasync_oneshot *o, struct kasync_cx *cx,
					  uintptr_t *out, int *err);

/* kasync_oneshot_drop_rx - the receiver gives up: drops its waker; later sends fail. */
void kasync_oneshot_drop_rx(struct kasync_oneshot *o);
