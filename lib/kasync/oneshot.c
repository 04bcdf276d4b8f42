/* oneshot.c - the one-value channel (see oneshot.h). A spinlock orders everything. */
#include "base/err.h"
#include "kasync/oneshot.h"

void kasync_oneshot_init(struct kasync_oneshot *o)
{
	spin_init(&o->lock);
	o->sent = false;
	o->closed = false;
	o->value = 0;
	o->rx.vt = NULL;
	o->rx.data = NULL;
}

static int finish(struct kasync_oneshot *o, bool send, uintptr_t value)
{
	struct kasync_waker w;

	spin_acquire(&o->lock);
	if (o->closed || o->sent) {
		int e = o->closed ? ERR_CLOSED : ERR_BUSY;
		spin_release(&o->lock);
		return e;
	}
	if (send) {
		o->sent = true;
		o->value = value;
	} else {
		o->closed = true;
	}
	w = o->rx;
	o->rx.vt = NULL;
	o->rx.data = NULL;
	spin_release(&o->lock);
	kasync_waker_wake(&w);
	return 0;
}

int kasync_oneshot_send(struct kasync_oneshot *o, uintptr_t value)
{
	return finish(o, true, value);
}

void kasync_oneshot_close(struct kasync_oneshot *o)
{
	(void)finish(o, false, 0);
}

enum kasync_poll kasync_oneshot_recv_poll(struct kasync_oneshot *o, struct kasync_cx *cx,
					  uintptr_t *out, int *err)
{
	spin_acquire(&o->lock);
	if (o->sent) {
		*out = o->value;
		*err = 0;
	} else if (o->closed) {
		*err = ERR_CLOSED;
	} else {
		if (!kasync_waker_will_wake(&o->rx, &cx->waker)) {
			kasync_waker_drop(&o->rx);
			o->rx = kasync_waker_clone(&cx->waker);
		}
		spin_release(&o->lock);
		return KASYNC_PENDING;
	}
	spin_release(&o->lock);
	return KASYNC_READY;
}

void kasync_oneshot_drop_rx(struct kasync_oneshot *o)
{
	struct kasync_waker w;

	spin_acquire(&o->lock);
	o->closed = true;
	w = o->rx;
	o->rx.vt = NULL;
	o->rx.data = NULL;
	spin_release(&o->lock);
	kasync_waker_drop(&w);
}
