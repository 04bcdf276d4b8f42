/*
 * kasync_hook_test.c - the executor's observation hook: every spawn, poll,
 * wakeup and exit is reported once, with the task alive and the right CPU.
 */
#include "base/test.h"
#include "kasync/state.h"
#include "kasync_util.h"

struct seen {
	_Atomic long kinds[KASYNC_HOOK_COUNT];
	_Atomic long ready, bad_cpu, unbalanced;
	_Atomic long polling; /* begin - end, must be 0 or 1 per CPU (1 CPU here) */
};

static void record(void *ctx, enum kasync_hook_kind kind, uint32_t cpu,
		   const struct kasync_task *task, uint64_t arg)
{
	struct seen *s = ctx;
	atomic_fetch_add(&s->kinds[kind], 1);
	if (kind == KASYNC_HOOK_POLL_BEGIN || kind == KASYNC_HOOK_POLL_END) {
		long p = atomic_fetch_add(&s->polling, kind == KASYNC_HOOK_POLL_BEGIN ? 1 : -1);
		if (kind == KASYNC_HOOK_POLL_BEGIN ? p != 0 : p != 1)
			atomic_fetch_add(&s->unbalanced, 1);
		if (cpu != 0 || task == NULL || task->id == 0)
			atomic_fetch_add(&s->bad_cpu, 1);
	}
	if (kind == KASYNC_HOOK_POLL_END &&
	    (arg == KASYNC_RESULT_READY || arg == KASYNC_RESULT_READY_JOINED))
		atomic_fetch_add(&s->ready, 1);
}

/* Yields once (a self-wakeup during its poll), then finishes. */
static enum kasync_poll yield_once(struct kt *t, struct kasync_cx *cx)
{
	if (t->step++ == 0) {
		kasync_yield_init(&t->y);
		return kasync_yield_poll(&t->y, cx);
	}
	if (kasync_yield_poll(&t->y, cx) == KASYNC_PENDING)
		return KASYNC_PENDING;
	if (t->arg)
		kasync_exec_close(cx->exec);
	return KASYNC_READY;
}

TEST(kasync_hook, reports_spawn_polls_wakeups_and_exits)
{
	enum { N = 10 };
	struct rt rt;
	struct seen s = {0};
	long live0 = kt_live();

	if (!EXPECT_OK(rt_init(&rt, 1)))
		return;
	static const _Atomic bool on = true, off = false;
	const _Atomic bool *gates[KASYNC_HOOK_COUNT];
	for (int k = 0; k < KASYNC_HOOK_COUNT; k++)
		gates[k] = &on;
	gates[KASYNC_HOOK_IDLE] = &off; /* a closed gate: never called */
	kasync_exec_set_hook(&rt.exec, record, &s, gates);
	for (int i = 0; i < N; i++)
		EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(yield_once, NULL)->task, NULL));
	EXPECT_OK(rt_start(&rt, 1));
	/* the closer runs last: it is spawned from outside after the others */
	EXPECT_OK(kasync_spawn(&rt.exec, &kt_new(yield_once, (void *)1)->task, NULL));
	rt_wait_close(&rt);
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_SPAWN]), N + 1);
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_POLL_BEGIN]), 2 * (N + 1));
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_POLL_END]), 2 * (N + 1));
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_WAKEUP]), N + 1); /* one yield each */
	EXPECT_EQ(atomic_load(&s.ready), N + 1);
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_EXIT]), N + 1);
	EXPECT_GE(atomic_load(&s.kinds[KASYNC_HOOK_TICK]), 1);
	EXPECT_EQ(atomic_load(&s.kinds[KASYNC_HOOK_IDLE]), 0);
	EXPECT_EQ(atomic_load(&s.bad_cpu), 0);
	EXPECT_EQ(atomic_load(&s.unbalanced), 0);
	EXPECT_EQ(kt_live(), live0);
}
