/* kasync_util.c - helpers for the kasync tests (see kasync_util.h). */
#include "kasync_util.h"

_Atomic long kt_allocs, kt_frees;

static enum kasync_poll kt_poll(struct kasync_task *task, struct kasync_cx *cx)
{
	struct kt *self = (struct kt *)task;
	return self->fn(self, cx);
}

static void kt_take(struct kasync_task *task, void *out)
{
	*(long *)out = ((struct kt *)task)->out;
}

static void kt_dealloc(struct kasync_task *task)
{
	struct kt *self = (struct kt *)task;
	kasync_join_drop(&self->join);
	atomic_fetch_add(&kt_frees, 1);
	free(self);
}

static const struct kasync_task_vtable kt_vt = {
	.poll = kt_poll,
	.take_output = kt_take,
	.dealloc = kt_dealloc,
};

struct kt *kt_new(kt_fn fn, void *arg)
{
	struct kt *t = calloc(1, sizeof(*t));
	if (t == NULL)
		abort();
	kasync_task_init(&t->task, &kt_vt, "kt");
	t->fn = fn;
	t->arg = arg;
	atomic_fetch_add(&kt_allocs, 1);
	return t;
}

int rt_init(struct rt *rt, uint32_t ncpu)
{
	kasync_host_init(&rt->host);
	rt->w.n = 0;
	return kasync_exec_init(&rt->exec, ncpu, &rt->host.plat, 1000000);
}

int rt_start(struct rt *rt, uint32_t n)
{
	return kasync_host_workers_start(&rt->w, &rt->host, &rt->exec, n);
}

void rt_wait_close(struct rt *rt)
{
	kasync_host_workers_join(&rt->w);
	kasync_exec_destroy(&rt->exec);
}

void rt_stop(struct rt *rt)
{
	kasync_exec_close(&rt->exec);
	rt_wait_close(rt);
}
